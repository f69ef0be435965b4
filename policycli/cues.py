"""The cue scanner: where a sentence's cue words, periods and clause breaks stand.

One scan per sentence finds every cue the field readers ask about (verbs,
commitment words, fact and future cues, indicators, periods), so a sentence
with many mentions is read in time linear in its length.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from operator import itemgetter

from .packs import Packs

_BREAK_CHARS = "，,；;：:。！？!?"
#: What ends a clause.
CLAUSE_BREAK = re.compile(f"[{_BREAK_CHARS}]")
#: Where a match starts, read for a list of them without a Python step each.
_START = re.Match.start
#: An entry's end, the key its list is ordered by.
_END = itemgetter(1)
#: A book or document title: 《…》.
BOOK_TITLE = re.compile(r"《[^》]*》")


class Cues:
    """Where the cue words and clause breaks of one sentence stand, found in one
    scan and shared by its mentions; looked up by bisection, so a sentence with
    many mentions costs time linear in its length. Entries are (start, end, text),
    in order of their ends."""

    __slots__ = ("_found", "_ends")

    def __init__(self, text: str, packs: Packs, last: int | None = None):
        """Scan ``text``; with ``last``, the end of its last mention, only as far as
        the clause that holds it: no reader looks past it."""
        #: The clause breaks, then the sentence's end, where its last clause ends.
        self._ends = [*map(_START, CLAUSE_BREAK.finditer(text)), len(text)]
        stop = len(text) if last is None else self.clause_end(last)
        found: defaultdict[str, list[tuple[int, int, str]]] = defaultdict(list)
        pattern, table = packs.cue_words
        # Matches do not overlap and each word's cues are listed by end, so the
        # lists come out in order of their ends. A word may hold no cue (增加值, 为了).
        for m in pattern.finditer(text, 0, stop):
            start = m.start()
            for cue, offset, end, inner in table[m.group()]:
                found[cue].append((start + offset, start + end, inner))
        period = packs.period_scan.pattern_for(text, 0, stop)
        periods = [] if period is None else [
            (m.start(), m.end(), m.group()) for m in period.finditer(text, 0, stop)]
        if periods and "《" in text:
            titles = [m.span() for m in BOOK_TITLE.finditer(text)]
            periods = [f for f in periods if not any(a <= f[0] < b for a, b in titles)]
        if periods:
            found["period"] = periods
        self._found = found

    def last_entry(self, cue: str, end: int, start: int = 0) -> tuple[int, int, str] | None:
        """(start, end, text) of the last ``cue`` match lying wholly within [start, end)."""
        entries = self._found.get(cue)
        if entries:
            k = bisect_right(entries, end, key=_END) - 1
            if k >= 0:
                found = entries[k]
                if found[0] >= start:
                    return found
        return None

    def entries(self, cue: str, start: int, end: int) -> list[tuple[int, int, str]]:
        """The ``cue`` matches lying wholly within [start, end), in order."""
        found = self._found.get(cue)
        if not found:
            return []
        k = bisect_right(found, start, key=_END)
        return [f for f in found[k:bisect_right(found, end, key=_END)] if f[0] >= start]

    def last(self, cue: str, end: int, start: int = 0) -> str | None:
        """The text of the last ``cue`` match lying wholly within [start, end)."""
        found = self.last_entry(cue, end, start)
        return found[2] if found else None

    def clause_start(self, pos: int) -> int:
        """Where the clause holding position ``pos`` starts."""
        ends = self._ends
        k = bisect_left(ends, pos, 0, len(ends) - 1)
        return ends[k - 1] + 1 if k else 0

    def clause_end(self, pos: int) -> int:
        """Where the clause holding position ``pos`` ends (its break, or the sentence end)."""
        ends = self._ends
        return ends[bisect_left(ends, pos, 0, len(ends) - 1)]


def first_break(text: str) -> int:
    """Where ``text``'s first clause ends, past its break (or its length)."""
    m = CLAUSE_BREAK.search(text)
    return m.end() if m else len(text)
