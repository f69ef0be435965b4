"""Periods: the deadline or period a figure is given for (全年, 到2028年, “十四五”期间), as written.

A sentence's own period is the last one before the mention; a body paragraph
that opens with a period as a clause of its own (到2020年，…) gives it to the
sentences after; a document's title sets the first year it looks at, before
which a bare year reports the past.
"""
from __future__ import annotations

import re

from dataclasses import dataclass
from functools import lru_cache

import regex

from .cues import CLAUSE_BREAK, Cues
from .packs import Packs, union
from .segment import TOP_LEVEL, Paragraph, Sentence, from_last

#: A figure stands at most this many characters after its year's 的 (2020年的约6000只).
_YEAR_GAP = 3
#: How far before a period the comparison word that makes it a base (比, 较) is looked for.
_BASE_REACH = 8
#: Headings are read for their period when a record needs it, or when this many wait.
_PENDING_MAX = 32
#: A label this short may stand before a sentence's opening period (具体指标：到2022年，).
_LABEL_MAX = 8
#: A heading's number: 三、, （二）, 3., 第四章.
_MARKER = re.compile(r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+[章节部分]+)\s*")
#: The first year a title names, alone or opening a range (2026年政府工作报告,
#: （2025—2027年）); a deadline (到2030年) is no such year.
_TITLE_YEAR = re.compile(r"(?<![到至\d])((?:19|20)\d{2})(?:\s*[-—–－~至到]\s*(?:19|20)\d{2})?年")
#: A period that is a year and nothing before it: 2024年, 2024年底 (not 到2024年).
_BARE_YEAR = re.compile(r"((?:19|20)\d{2})年")


@dataclass(slots=True)
class _Words:
    """Compiled matchers the period reader needs beyond the packs' own."""

    base: regex.Pattern
    frequencies: frozenset[str]
    since: tuple[str, ...]
    opening: regex.Pattern
    elaborations: tuple[str, ...]
    whole_year: frozenset[str]
    years: frozenset[str]
    after: tuple[str, ...]


@lru_cache(maxsize=8)
def _words(packs: Packs) -> _Words:
    """The matchers for ``packs``, built once per pack set."""
    return _Words(
        packs.compile_user(f"(?:{union(packs.period_bases)})$") if packs.period_bases else packs.compile_user("(?!)"),
        frozenset(packs.period_frequencies),
        tuple(packs.period_since),
        re.compile(f"[^，,。；;：:！？!?]{{1,{_LABEL_MAX}}}[：:]"),
        tuple(packs.elaboration_words),
        frozenset(packs.period_whole_year),
        frozenset(packs.this_year_words + packs.last_year_words + packs.next_year_words),
        tuple(packs.period_after),
    )


class PeriodReader:
    """The period of each record: the sentence's own, else the one a sentence
    before it in the paragraph opens with, else the section heading's."""

    def __init__(self, packs: Packs):
        self.packs = packs
        self.words = _words(packs)
        self._window: int | None = None  # the first year the title names
        self._sentences: list[str] = []  # the paragraph's body sentences so far
        self._read = 0  # how many of them have been read for an opening period
        self._inherited: str | None = None  # the period the current sentence shares with the one it elaborates
        self._carried: str | None = None  # the period the latest of them opens with
        self._carried_deadline = False  # whether that period is a deadline
        #: Whether the carried period is a deadline (到2020年, 未来5年; read with it).
        self.deadline = False
        self._part: str | None = None  # the period the current part's top-level heading names
        self._section: str | None = None  # the period the nearest heading naming one gives
        self._headings: list[Paragraph] = []  # headings not yet read for a period, oldest first
        self._base_text: str | None = None  # the sentence whose comparison bases are known
        self._bases: dict[int, bool] = {}  # for each period start in it, whether it is a base
        self._deadlines: dict[str, bool] = {}  # for each period read, whether it opens with its future cue

    def enter(self, headings: list[Paragraph]) -> None:
        """Take in the paragraphs entered since the last sentence read, by the
        ``headings`` among them other than the title: they end the paragraph
        whose sentences were read, and a heading may name the period of its
        section. The paragraph's own state changes only once a body sentence is
        taken in, so it is reset only then."""
        if self._sentences:
            self._sentences.clear()
            self._read = 0
            self._carried = None
            self._carried_deadline = False
            self._inherited = None
            self.deadline = False
        if headings:
            self._headings += headings
            if len(self._headings) > _PENDING_MAX:
                self._read_headings()

    def _read_headings(self) -> None:
        """Read the headings entered since last time, in order, for the period of the
        section; those before the last top-level one are passed over, as it resets
        the section whatever they said."""
        for heading in from_last(self._headings, TOP_LEVEL):
            period = self._heading_period(heading)
            if heading.top_level:
                self._part = self._section = period
            else:
                self._section = period or self._part
        self._headings.clear()

    def dated(self, heading: Paragraph) -> bool:
        """Whether ``heading`` is a section heading that names a bare year no earlier
        than the first year the title names (2025年省十件民生实事 in a 2025
        report): what it heads is still to come."""
        if self._window is None or heading.role != "heading":
            return False
        m = _BARE_YEAR.match(self._heading_period(heading) or "")
        return m is not None and int(m.group(1)) >= self._window

    def _heading_period(self, heading: Paragraph) -> str | None:
        """The period a section heading names: one that, past its number, opens
        with a period and has no verb or clause break (三、2026年重点工作, 2025年省
        十件民生实事, 二、“十三五”时期发展成就和“十四五”时期主要目标任务: the
        last period it names). A headline (今年前5个月服务零售额同比增长5.2%,
        长沙：未来五年…) speaks for itself only."""
        text = heading.text
        marker = _MARKER.match(text)
        at = marker.end() if marker else 0
        if (self.packs.period_re.match(text, at) is None
                or CLAUSE_BREAK.search(text) or self._predicates(text)):
            return None
        found = None
        for found in self.packs.period_re.finditer(text, at):
            pass
        return found.group()

    def _predicates(self, text: str) -> bool:
        """Whether a verb in heading ``text`` has words after it, as a headline's
        does (…进出口增长5%); one that ends the heading is the action noun it
        names (2025年工作安排, 主要目标任务). verb_re is a word list, compiled
        with ``re`` whatever the packs: it takes no timeout."""
        end = len(text.rstrip(" 。：:"))
        return any(m.end() < end for m in self.packs.verb_re.finditer(text))

    def sentence(self, sentence: Sentence) -> None:
        """Take in a sentence: a body paragraph's sentences may open with a period,
        and one that elaborates the sentence before it (其中，…) shares its period."""
        if sentence.role != "body":
            return
        text = sentence.text
        self._inherited = None
        if self._sentences and text.startswith(self.words.elaborations):
            before = self._sentences[-1]
            for m in self.packs.period_re.finditer(before):
                if not self._is_base(before, m.start()):
                    self._inherited = m.group()
        self._sentences.append(text)

    def enter_title(self, title: str) -> None:
        """The first year a document's title looks at (its window)."""
        m = _TITLE_YEAR.search(title)
        self._window = int(m.group(1)) if m else None

    def own(self, text: str, cues: Cues, ls: int, spans: list[tuple[int, int]]) -> str | None:
        """The last period before the mention, passing over the year of another
        figure (2020年的32.7%, 到2025年的5680亿元) when a verb leads from that
        figure to the mention: in 到2025年…由2020年的32.7%提高至33.3%, 33.3%'s
        period is 到2025年, while 32.7%'s own is 2020年. The base of a comparison
        (比去年四季度, 较1978年) is no period of the figure, unless the figure is
        the base's own (较1978年的355亿元); a frequency (每年) gives way to a
        period before it (2020-2025年，…每年出让土地…不低于30%); none before a
        clause that dates the figure from a work's completion (…，投产后…) counts."""
        end = ls
        frequency = None
        floor = None
        while (found := cues.last_entry("period", end)) is not None:
            end = found[0]
            if floor is None:
                floor = self._completed(text, cues, ls)
            if found[0] < floor:
                break
            if self._is_base(text, found[0]):
                if not (text.startswith("的", found[1]) and 0 < ls - found[1] <= _YEAR_GAP + 1):
                    continue
            elif (text.startswith("的", found[1])
                  and any(found[1] < a <= found[1] + _YEAR_GAP for a, _ in spans)
                  and self.packs.verb_re.search(text, found[1] + 1, ls) is not None):
                continue
            if found[2] in self.words.frequencies or found[2].endswith(self.words.since):
                frequency = frequency or found[2]
                continue
            if found[2] in self.words.whole_year:
                return self._year_of_whole(text, cues, found[0]) or found[2]
            return found[2]
        return frequency

    def _completed(self, text: str, cues: Cues, ls: int) -> int:
        """Where the clause starts that dates the figure at ``ls`` from a work's
        completion (…今年年底可竣工投产，投产后预计实现年销售收入3000万元): the
        periods before it date the work, not the figure. 0 when there is none;
        a period in that clause (明年建成投产后，年发电量…) is still the figure's."""
        at = max((text.rfind(word, 0, ls) for word in self.words.after), default=-1)
        return cues.clause_start(at) if at > 0 else 0

    def _year_of_whole(self, text: str, cues: Cues, start: int) -> str | None:
        """The year a whole-year word at ``start`` (全年, 当年) speaks of: the period
        right before it, when that names one year and stands as a clause of its own
        (2020年，中国全年研发支出2.4万亿元: 2020年; 今年，辽宁力保全年粮食播种面积…).
        A year inside a phrase (晒出2020年减税降费成绩单——全年…) leaves the word as written."""
        year = cues.last_entry("period", start)
        if (year is None or not (_BARE_YEAR.fullmatch(year[2]) or year[2] in self.words.years)
                or not CLAUSE_BREAK.match(text, year[1])
                or (year[0] and not CLAUSE_BREAK.match(text, year[0] - 1))
                or self._is_base(text, year[0])):
            return None
        return year[2]

    def opened(self) -> str | None:
        """The period the sentences before give this one: the last period of the
        sentence it elaborates (…2021年上半年…。其中，…超过40%), else the one the
        latest sentence of the paragraph opens with as a clause of its own
        (到2020年，…。全国农机总动力超过10亿千瓦), past a short label (具体指标：
        到2022年，…)."""
        if self._inherited:
            self.deadline = self._is_deadline(self._inherited)
            return self._inherited
        for text in reversed(self._sentences[self._read:]):
            label = self.words.opening.match(text)
            at = label.end() if label else 0
            m = self.packs.period_re.match(text, at)
            if m is None and at:
                m = self.packs.period_re.match(text)
            if m and CLAUSE_BREAK.match(text, m.end()):
                if m.group() != self._carried:
                    self._carried = m.group()
                    self._carried_deadline = self._is_deadline(self._carried)
                break
        self._read = len(self._sentences)
        self.deadline = self._carried is not None and self._carried_deadline
        return self._carried

    def _is_base(self, text: str, start: int) -> bool:
        """Whether the period at ``start`` is the base of a comparison (比去年四季度);
        read once per sentence and place, as each mention of a sentence asks."""
        if text is not self._base_text:
            self._base_text = text
            self._bases = {}
        found = self._bases.get(start)
        if found is None:
            found = self._bases[start] = self.words.base.search(
                text, max(0, start - _BASE_REACH), start) is not None
        return found

    def _is_deadline(self, period: str) -> bool:
        """Whether ``period`` opens with its future cue (到2020年, 未来5年); “十四五”期间 does not.
        A document names the same few periods again and again: each is scanned once."""
        found = self._deadlines.get(period)
        if found is None:
            lead = Cues(period, self.packs).last_entry("future", len(period))
            found = self._deadlines[period] = lead is not None and lead[0] == 0
        return found

    def section(self) -> str | None:
        """The period the nearest section heading above names, if any."""
        if self._headings:
            self._read_headings()
        return self._section

    def before_window(self, period: str | None) -> bool:
        """Whether ``period`` is a bare year (2024年, 2024年底) before the first year
        the document's title names (…行动方案（2025—2027年）, 2026年政府工作报告)."""
        if period is None or self._window is None:
            return False
        m = _BARE_YEAR.match(period)
        return m is not None and int(m.group(1)) < self._window
