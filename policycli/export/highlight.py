"""Find where a record's mention stands in its sentence, for highlighting.

A record knows its offsets in the document, not in the sentence (whose broken
lines were rejoined), so the first mention of a sentence is found by search;
later mentions of the same sentence are placed by their distance from it and
fall back to search when that does not match. Searching skips hits inside a
longer number (``5%`` inside ``15%``) and prefers hits after the previous
mention, so repeated figures are told apart.
"""
from __future__ import annotations

from ..record import Record

_NUMERAL_CHARS = frozenset(
    "0123456789０１２３４５６７８９.．,，"
    "零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟"
)


def _whole(sentence: str, pos: int, text: str) -> bool:
    """True unless ``text`` at ``pos`` is glued to more of the same number."""
    before = sentence[pos - 1] if pos > 0 else ""
    after = sentence[pos + len(text)] if pos + len(text) < len(sentence) else ""
    if before and text[0] in _NUMERAL_CHARS and before in _NUMERAL_CHARS:
        return False
    return not (after and text[-1] in _NUMERAL_CHARS and after in _NUMERAL_CHARS)


def _search(sentence: str, text: str, start: int) -> int | None:
    """First whole occurrence of ``text`` at or after ``start``."""
    pos = sentence.find(text, start)
    while pos != -1:
        if _whole(sentence, pos, text):
            return pos
        pos = sentence.find(text, pos + 1)
    return None


class MentionLocator:
    """Locates the mentions of a stream of records, in document order."""

    def __init__(self) -> None:
        self._key: tuple[str, str] | None = None
        self._shift: int | None = None
        self._after = 0

    def span(self, record: Record) -> tuple[int, int] | None:
        """``(start, end)`` of ``record.text`` in ``record.sentence``, or None if absent."""
        sentence, text = record.sentence or "", record.text or ""
        if not text or not sentence:
            return None
        key = (record.doc, sentence)
        if key != self._key:
            self._key, self._shift, self._after = key, None, 0
        pos = None
        if self._shift is not None and isinstance(record.start, int):
            guess = record.start - self._shift
            if guess >= 0 and sentence.startswith(text, guess):
                pos = guess
        if pos is None:
            pos = _search(sentence, text, self._after)
        if pos is None:
            pos = _search(sentence, text, 0)
        if pos is None:
            pos = sentence.find(text)
            if pos == -1:
                return None
        if self._shift is None and isinstance(record.start, int):
            self._shift = record.start - pos
        self._after = pos + len(text)
        return pos, pos + len(text)
