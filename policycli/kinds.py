"""Kinds: whether a figure is a target, a plan (a counted programme of the
subject's own work) or a fact.

Read from the sentence's own cues (a baseline, a fact or future cue, a
commitment word), then the paragraph's opening (过去五年，…) and the mood the
section headings set (工作回顾: fact; 主要目标: target).
"""
from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import regex

from .cues import Cues, first_break
from .packs import Packs, alternation, last_char_class, union
from .quantities import Mention
from .record import Record
from .segment import TOP_LEVEL, Paragraph, Sentence, from_last

#: A heading this short is a section label (主要目标, 重点任务) that can set a mood.
_LABEL_MAX = 10
#: How far before a quantity a baseline phrase (由2020年的) is looked for.
_BASELINE = 16
_CLOSERS = "》”）)」』"


@dataclass(slots=True)
class _Words:
    """Compiled word matchers the kind reader needs beyond the packs' own."""

    plan_verbs: frozenset[str]
    baseline: regex.Pattern
    #: What the character before a figure must be for ``baseline`` to end there (None: not known).
    baseline_end: re.Pattern | None
    section_words: regex.Pattern
    #: The same words in one plain alternation, which re skips through to a word's first character.
    any_section_word: re.Pattern
    title_end: regex.Pattern
    present_cues: frozenset[str]
    span_open: regex.Pattern
    norms: tuple[str, ...]


@lru_cache(maxsize=8)
def _words(packs: Packs) -> _Words:
    """The matchers for ``packs``, built once per pack set."""
    baseline = f"(?:{union(packs.baseline_patterns)})$"
    return _Words(
        frozenset(packs.plan_verbs),
        packs.compile_user(baseline),
        _end_class(baseline, packs.compile_user),
        re.compile(f"(?P<fact>{alternation(packs.fact_sections)})|(?P<target>{alternation(packs.target_sections)})"),
        re.compile(alternation([*packs.fact_sections, *packs.target_sections])),
        re.compile(f"(?:{alternation(packs.title_endings)})[{_CLOSERS}]*$"),
        frozenset(packs.present_cues),
        packs.compile_user(union(packs.span_patterns)) if packs.span_patterns else packs.compile_user("(?!)"),
        tuple(packs.norm_words),
    )


def _end_class(pattern: str, compile_: Callable[[str], re.Pattern]) -> re.Pattern | None:
    """A one-character pattern that the last character of every match of the
    end-anchored ``pattern`` matches, or a newline (before which ``$`` matches
    too), compiled as ``pattern`` is; None when not known, when a match may be
    empty and so end anywhere, or when a flag (?i:…) may widen what a
    character matches (see last_char_class). A figure after a character it
    does not match has no such match before it, which one ``match`` tells
    instead of a search."""
    last = last_char_class(pattern)
    if last is None:
        return None
    try:
        from re import _parser as parser
        if parser.parse(pattern).getwidth()[0] == 0:
            return None
    except Exception:  # syntax the standard parser does not read: no shortcut
        return None
    return compile_(f"{last.pattern}|\n")


class KindReader:
    """The kind of each record, and the moods that headings and paragraph openings set."""

    def __init__(self, packs: Packs, dated: Callable[[Paragraph], bool] | None = None):
        """``dated`` tells whether a heading opens with the year the document is
        about or a later one (2025年省十件民生实事 in a 2025 report): what it
        lists is to come."""
        self.packs = packs
        self._dated = dated
        self.words = _words(packs)
        self._mood: str | None = None
        self._part_mood: str | None = None  # the mood the latest top-level heading names
        self._headings: list[Paragraph] = []  # headings whose mood is unread, oldest first
        self._title: Paragraph | None = None  # the document's title
        self.paragraph_mood: str | None = None
        self._opening: Paragraph | None = None  # a body paragraph whose opening mood is unread
        self._headline_records: list[Record] = []  # the section's heading records that are not targets

    def enter_title(self, title: Paragraph) -> None:
        """Take in the document's title, its first heading, as it is entered: the
        mood it names is read as the other headings' is (see _section_mood)."""
        self._title = title
        self._headings.append(title)

    def enter(self, last: Paragraph, headings: list[Paragraph]) -> None:
        """Take in the paragraphs entered since the last sentence read, by the
        ``last`` of them and the ``headings`` among them other than the title: a
        heading may set the mood, and a body paragraph's opening its own (the
        last one's, when it has sentences read next)."""
        self.paragraph_mood = None
        if headings:
            if self._headline_records:
                self._headline_records = []
            self._headings += headings
        self._opening = last if last.role == "body" else None

    def read(self, text: str, mention: Mention, cues: Cues, modality: str | None,
             clause_start: int, ls: int, verb: str | None, opened: str | None = None,
             deadline: bool = False, stale: bool = False) -> str:
        """target, plan or fact; ``opened`` is the period the paragraph opens with,
        when it governs this sentence, and ``deadline`` whether it is one: a
        deadline there is a future cue. ``stale``: the figure's period is a year
        before the document's window (2024年，园区实现产值382亿元, in a plan for
        2025—2027), so whatever else it reads as, it is a fact."""
        if stale:
            return "fact"  # the moods read below are read as well when a later record needs them
        words = self.words
        end = words.baseline_end
        if ((end is None or end.match(text, ls - 1))
                and words.baseline.search(text, max(0, ls - _BASELINE), ls)):
            return "fact"  # 由2020年的32.7%提高至33.3%: the figure a target starts from
        if modality and self._section_mood() != "fact":
            # Under a review heading a commitment word reports an estimate or
            # an old aim (预计增长16.4%, 完成年度目标): the figure is a fact.
            return "target"
        if cues.last_entry("fact", ls, min(clause_start, max(0, ls - 12))):
            return "fact"
        fact_re = self.packs.fact_re
        if self._opening is not None:
            opening = self._opening.text
            self.paragraph_mood = "fact" if fact_re.search(opening, 0, first_break(opening)) else None
            self._opening = None
        mood = self.paragraph_mood or self._section_mood()
        if mood == "fact" or fact_re.match(text):
            return "fact"  # a review, or a paragraph or sentence that opens on the past (过去五年，)
        counted_programme = mention.unit_kind == "count" and verb in words.plan_verbs
        future = cues.last_entry("future", ls)
        if future and future[2].startswith("到") and words.span_open.search(text, 0, future[0]):
            future = None  # 从2010年…到2020年: the end of a span of years, no deadline
        if future is None and opened is not None and deadline:
            future = (0, 0, opened)
        if future:
            fact = cues.last_entry("fact", ls, future[1])
            if fact and fact[2] in words.present_cues:
                return "fact"  # 今年将…，目前已梳理出1500多个项目: the plan's state so far
            return "plan" if counted_programme else "target"
        if counted_programme:
            return "plan"
        if mood == "target" or text.endswith(words.norms, 0, ls):
            return "target"  # under a plan heading, or after a bound that prescribes (比例不低于30%)
        return "fact"

    def match_headline(self, sentence: Sentence, records: list[Record]) -> None:
        """A headline that states a figure its section then sets as a target, with
        a commitment word or a period, of a metric alike (郑州：2022年数字经济达
        5000亿元以上, over 到2022年全市数字经济规模达到5000亿元以上), is a
        target too, however its own words read."""
        if sentence.role == "heading":
            self._headline_records.extend(r for r in records if r.kind != "target")
            return
        if not self._headline_records:
            return
        for record in records:
            if record.kind == "target" and (record.modality or record.period):
                for headline in self._headline_records:
                    if (headline.value == record.value and headline.unit == record.unit
                            and _share_words(headline.metric, record.metric)):
                        headline.kind = "target"

    def _section_mood(self) -> str | None:
        """The mood the headings so far set: the latest heading that names one, or
        the latest top-level heading (which resets it). Read only when a record
        needs it, the headings entered since the last time in order.

        Only the title, a numbered heading, a short label (主要目标) or a
        document's title (国家职业教育改革实施方案) names a mood: a headline
        further down (a news item's …继续展开军事行动) starts a new story and
        only resets it. Under a top-level part that names a mood, a lower heading
        is a topic of that part and changes it only when dated: the review's
        （一）圆满完成…保障任务 reports work done.

        A top-level heading other than the title resets both moods whatever the
        headings before it said, so those are passed over unread (the title is
        the first heading of all: none stands before it).
        """
        if not self._headings:
            return self._mood
        for heading in from_last(self._headings, TOP_LEVEL):
            title = heading is self._title
            dated = not title and self._dated is not None and self._dated(heading)
            mood = self._heading_mood(heading, title or dated, dated)
            if heading.top_level and not title:
                self._mood = self._part_mood = mood
            elif mood and (title or dated or self._part_mood is None):
                self._mood = mood
        self._headings.clear()
        return self._mood

    def _heading_mood(self, heading: Paragraph, named: bool, dated: bool = False) -> str | None:
        """fact under a review heading, target under a plan heading; when a heading
        names both (成就和…目标任务), the one named last governs what follows.
        Unless ``named`` (the first heading or a dated one) or numbered, only a
        short label or a heading that ends like a document's title has a mood.
        A ``dated`` heading that names neither sets the target mood."""
        text, words = heading.text, self.words
        # Most headings name no section word: the plain alternation of them
        # tells so, faster than the grouped pattern (re passes over a text to a
        # word's first character only in a plain alternation), and where the
        # first one starts, from which the grouped pattern finds the last.
        first = words.any_section_word.search(text)
        if first is None:
            return "target" if dated else None
        if named or heading.numbered or len(text) <= _LABEL_MAX or words.title_end.search(text):
            return deque(words.section_words.finditer(text, first.start()), maxlen=1)[0].lastgroup
        return None


def _share_words(a: str | None, b: str | None, least: int = 3) -> bool:
    """Whether two metrics have ``least`` characters in a row in common."""
    if not a or not b:
        return False
    if len(a) > len(b):
        a, b = b, a
    return any(a[i:i + least] in b for i in range(len(a) - least + 1))
