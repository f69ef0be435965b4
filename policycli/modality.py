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
from .segment import Paragraph

#: A part's number, then its label up to the first full stop or colon: （二）发展目标。
_LABEL = re.compile(r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．](?!\d))\s*([^，,。；;：:！？!?]*)(.?)")
#: The characters a part's number opens with.
_MARKER_START = frozenset("一二三四五六七八九十（(0123456789")
#: A label this short names a part (发展目标, 主要目标); a longer opening is a sentence.
_LABEL_MAX = 10


class ModalityReader:
    """The modality of each record, and the commitment word a part's label names."""

    def __init__(self, packs: Packs):
        self.packs = packs
        self._options = packs.scan_options
        self._part: str | None = None  # the word the current top-level part's label names
        self._section: str | None = None  # the word the nearest label naming one gives

    def enter(self, paragraph: Paragraph) -> None:
        """Take in a paragraph: a numbered one, or a heading, starts a part; a
        short run-in label ending in a full stop may name its commitment word
        (（三）发展目标。)."""
        text = paragraph.text
        if paragraph.role != "heading" and text[:1] not in _MARKER_START:
            return
        m = _LABEL.match(text)
        if m is None and paragraph.role != "heading":
            return
        label = m.group(1) if m else text
        word = None
        if m and m.group(2) == "。" and len(label) <= _LABEL_MAX:
            found = Cues(label, self.packs, self._options).last_entry("modality", len(label))
            word = found[2] if found else None
        if paragraph.top_level:
            self._part = self._section = word
        else:
            self._section = word or self._part

    def section(self) -> str | None:
        """The commitment word the label of the current part names, if any."""
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
