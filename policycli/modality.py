"""Modality: how firmly a figure is committed to (力争, 确保, 预期目标), as written.

A figure's own commitment word is the last one before it in its sentence; a
target with none, in a part whose run-in label names a commitment word (the
State Council style （三）发展目标。到2025年，…), takes the label's word. A
standalone heading (二、主要目标) sets the section's mood (kinds), not a word
the record writes.
"""
from __future__ import annotations

import re

from .cues import Cues
from .packs import Packs
from .segment import Paragraph, from_last

#: A part's number, then its label up to the first full stop or colon: （二）发展目标。
_LABEL = re.compile(r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．](?!\d))\s*([^，,。；;：:！？!?]*)(.?)")
#: The characters a part's number opens with.
_MARKER_START = frozenset("一二三四五六七八九十（(0123456789")
#: A label this short names a part (发展目标, 主要目标); a longer opening is a sentence.
_LABEL_MAX = 10
#: Paragraphs that may start a part are read when a record needs them, or when this many wait.
_PENDING_MAX = 32


class ModalityReader:
    """The modality of each record, and the commitment word a part's label names."""

    def __init__(self, packs: Packs):
        self.packs = packs
        self._part: str | None = None  # the word the current top-level part's label names
        self._section: str | None = None  # the word the nearest label naming one gives
        self._parts: list[Paragraph] = []  # paragraphs that may start a part, not yet read

    def enter(self, paragraphs: list[Paragraph]) -> None:
        """Take in paragraphs: a numbered one, or a heading, may start a part;
        it is read when a record asks for the section's word, or when this many wait."""
        self._parts += [p for p in paragraphs if p.role == "heading" or p.text[:1] in _MARKER_START]
        if len(self._parts) > _PENDING_MAX:
            self._read_parts()

    def _read_parts(self) -> None:
        """Read the paragraphs entered since last time, in order, from the last
        one that starts a top-level part: it resets the section whatever those
        before it said. A short run-in label ending in a full stop may name a
        part's commitment word (（三）发展目标。)."""
        starts = from_last(self._parts, lambda p: (p.role == "heading" or _LABEL.match(p.text)) and p.top_level)
        for paragraph in starts:
            m = _LABEL.match(paragraph.text)
            if m is None and paragraph.role != "heading":
                continue
            label = m.group(1) if m else paragraph.text
            word = None
            if m and m.group(2) == "。" and len(label) <= _LABEL_MAX:
                found = Cues(label, self.packs).last_entry("modality", len(label))
                word = found[2] if found else None
            if paragraph.top_level:
                self._part = self._section = word
            else:
                self._section = word or self._part
        self._parts.clear()

    def section(self) -> str | None:
        """The commitment word the label of the current part names, if any."""
        if self._parts:
            self._read_parts()
        return self._section

    def named_after(self, clause_after: str) -> str | None:
        """The goal word a figure's 的 leads to (超45%的目标, 不低于30%的要求): the
        figure is itself what is set, and that word is its commitment word."""
        if clause_after.startswith("的"):
            for word in self.packs.goal_words:
                if clause_after.startswith(word, 1):
                    return word
        return None


def modality_at(text: str, cues: Cues, ls: int, spans: list[tuple[int, int]]) -> str | None:
    """The last commitment word before the mention. In a list after a colon, a
    word in a clause of its own that follows an item (…增速4.5%-5%、努力争取
    更好结果，全员劳动生产率达58万元/人左右) comments on that item: the
    items after it take the list's head word, if any."""
    found = cues.last_entry("modality", ls)
    if found is None:
        return None
    colon = max(text.rfind("：", 0, found[0]), text.rfind(":", 0, found[0]))
    if colon < 0:
        return found[2]
    clause = max(cues.clause_start(found[0]), text.rfind("、", 0, found[0]) + 1)
    clause_end = cues.clause_end(found[1])
    if ls < clause_end or any(clause <= a < clause_end for a, _ in spans):
        return found[2]  # the word's own clause holds the mention, or an item of its own
    if not any(colon < b <= clause for _, b in spans):
        return found[2]  # no item before it: it leads the list
    head = cues.last_entry("modality", colon)
    return head[2] if head else None
