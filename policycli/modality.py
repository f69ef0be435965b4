"""Modality: how firmly a figure is committed to (力争, 确保, 预期目标), as written."""
from __future__ import annotations

from .cues import Cues


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
