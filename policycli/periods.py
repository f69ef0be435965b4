"""Periods: the deadline or period a figure is given for (全年, 到2028年, “十四五”期间), as written.

A sentence's own period is the last one before the mention; a body paragraph
that opens with a period as a clause of its own (到2020年，…) gives it to the
sentences after; a document's title sets the first year it looks at, before
which a bare year reports the past.
"""
from __future__ import annotations

import re

from .cues import CLAUSE_BREAK, Cues
from .packs import Packs
from .segment import Paragraph

#: A figure stands at most this many characters after its year's 的 (2020年的约6000只).
_YEAR_GAP = 3
#: The first year a title names, alone or opening a range (2026年政府工作报告,
#: （2025—2027年）); a deadline (到2030年) is no such year.
_TITLE_YEAR = re.compile(r"(?<![到至\d])((?:19|20)\d{2})(?:\s*[-—–－~至到]\s*(?:19|20)\d{2})?年")
#: A period that is a year and nothing before it: 2024年, 2024年底 (not 到2024年).
_BARE_YEAR = re.compile(r"((?:19|20)\d{2})年")


class PeriodReader:
    """The period of each record, and what the title and the paragraph's opening say about periods."""

    def __init__(self, packs: Packs):
        self.packs = packs
        self._options = packs.scan_options
        self._window: int | None = None  # the first year the title names
        self._body: Paragraph | None = None  # the body paragraph being read
        self._body_period: str | None | bool = False  # the period it opens with; False: not read yet
        #: Whether the period the body paragraph opens with is a deadline (read with it).
        self.deadline = False

    def enter(self, paragraph: Paragraph) -> None:
        """Take in a paragraph: a body paragraph's opening period is read when first asked for."""
        self._body = paragraph if paragraph.role == "body" else None
        self._body_period = False
        self.deadline = False

    def enter_title(self, title: str) -> None:
        """The first year a document's title looks at (its window)."""
        m = _TITLE_YEAR.search(title)
        self._window = int(m.group(1)) if m else None

    def own(self, text: str, cues: Cues, ls: int, spans: list[tuple[int, int]]) -> str | None:
        """The last period before the mention, passing over the year of another
        figure (2020年的32.7%, 到2025年的5680亿元) when a verb leads from that
        figure to the mention: in 到2025年…由2020年的32.7%提高至33.3%, 33.3%'s
        period is 到2025年, while 32.7%'s own is 2020年."""
        end = ls
        while (found := cues.last_entry("period", end)) is not None:
            figure_year = (text.startswith("的", found[1])
                           and any(found[1] < a <= found[1] + _YEAR_GAP for a, _ in spans)
                           and self.packs.verb_re.search(text, found[1] + 1, ls) is not None)
            if not figure_year:
                return found[2]
            end = found[0]
        return None

    def opened(self) -> str | None:
        """The period a body paragraph opens with as a clause of its own
        (到2020年，…。全国农机总动力超过10亿千瓦): it holds for the sentences after."""
        if self._body_period is False:
            self._body_period = None
            if self._body is not None:
                text = self._body.text
                m = self.packs.period_re.match(text, **self._options)
                if m and CLAUSE_BREAK.match(text, m.end()):
                    self._body_period = m.group()
                    # A deadline (到2020年, 未来5年) opens with its future cue; “十四五”期间 does not.
                    lead = Cues(m.group(), self.packs, self._options).last_entry("future", len(m.group()))
                    self.deadline = lead is not None and lead[0] == 0
        return self._body_period


    def before_window(self, period: str | None) -> bool:
        """Whether ``period`` is a bare year (2024年, 2024年底) before the first year
        the document's title names (…行动方案（2025—2027年）, 2026年政府工作报告)."""
        if period is None or self._window is None:
            return False
        m = _BARE_YEAR.match(period)
        return m is not None and int(m.group(1)) < self._window
