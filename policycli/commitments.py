"""Commitments: who commits to what, how firmly and by when, for each mention.

Walks the sentences in order, keeping the subject a paragraph or sentence
sets and the mood a section heading sets, and turns each quantity mention
into a :class:`Record` with subject, verb, metric, modality, period and kind.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import regex

from .packs import Packs, alternation, union
from .quantities import Mention
from .record import Record
from .segment import Paragraph, Sentence

_BREAK_CHARS = "，,；;：:。！？!?"
_CLAUSE_BREAK = re.compile(f"[{_BREAK_CHARS}]")
#: How much of a phrase's end is looked at for words to trim.
_TRIM_TAIL = 24
#: An opening clause this short (结合全市部署，…) may come before the name of who speaks.
_OPENING_CLAUSE = 24
#: Past 2**53 a float no longer holds every whole number.
_EXACT_MAX = 2 ** 53
#: A figure stands at most this many characters after its year's 的 (2020年的约6000只).
_YEAR_GAP = 3
#: The first year a title names, alone or opening a range (2026年政府工作报告,
#: （2025—2027年）); a deadline (到2030年) is no such year.
_TITLE_YEAR = re.compile(r"(?<![到至\d])((?:19|20)\d{2})(?:\s*[-—–－~至到]\s*(?:19|20)\d{2})?年")
#: A period that is a year and nothing before it: 2024年, 2024年底 (not 到2024年).
_BARE_YEAR = re.compile(r"((?:19|20)\d{2})年")
#: Kinds of quantity that do not measure a named thing standing right after
#: them: counts (their noun is read apart), shares and durations.
_NAMED_AFTER_EXCLUDED = frozenset({"count", "percent", "ratio", "percentage_point", "duration"})
#: Kinds of quantity that are shares of something.
_SHARES = frozenset({"percent", "ratio"})
#: A list item's or headline's number or mark at the start of a phrase: （4）, 7., ###.
_ITEM_MARK = r"[（(]\d{1,2}[）)]|\d{1,2}[.．、](?!\d)|#+"
#: How far after a quantity its clause is read (for the noun it counts, or 以…为 frames).
_AFTER = 40
#: A heading this short is a section label (主要目标, 重点任务) that can set a mood.
_LABEL_MAX = 10
#: How far before a quantity a baseline phrase (由2020年的) is looked for.
_BASELINE = 16
_BOOK_TITLE = re.compile(r"《[^》]*》")
_CLOSERS = "》”）)」』"
_ISSUER_WINDOW = 4000


@dataclass(slots=True)
class _Words:
    """Compiled word matchers this module needs beyond the packs' own."""

    trim_leading: regex.Pattern
    trim_trailing: regex.Pattern
    stop_after: regex.Pattern
    frame_close: regex.Pattern
    frame_open: regex.Pattern
    respectively: regex.Pattern
    list_split: regex.Pattern
    heads: regex.Pattern
    modifier_end: regex.Pattern
    plan_verbs: frozenset[str]
    baseline: regex.Pattern
    section_words: regex.Pattern
    title_end: regex.Pattern
    short_suffixes: frozenset[str]
    not_place_endings: tuple[str, ...]
    reporting: tuple[str, ...]
    bodies: tuple[str, ...]
    connectives: frozenset[str]
    locatives: tuple[str, ...]
    long_comparators: dict[str, tuple[str, ...]]
    grants: tuple[str, ...]
    present_cues: frozenset[str]
    levels: frozenset[str]
    nominal: frozenset[str]
    elaborations: tuple[str, ...]
    predicates: tuple[str, ...]
    span_open: regex.Pattern


def _stops(stops: list[str], exceptions: list[str]) -> str:
    """A pattern for any of ``stops``, except where one ends a word of
    ``exceptions`` (the 等 of 高等)."""
    branches = []
    for stop in sorted(stops, key=len, reverse=True):
        heads = {word[:-len(stop)] for word in exceptions if word.endswith(stop) and len(word) > len(stop)}
        guards = "".join(f"(?<!{re.escape(head)})" for head in sorted(heads))
        branches.append(guards + re.escape(stop))
    return f"(?:{'|'.join(branches)})" if branches else "(?!)"


@lru_cache(maxsize=8)
def _words(packs: Packs) -> _Words:
    """The matchers for ``packs``, built once per pack set."""
    periods = union(packs.period_patterns)
    trailing = alternation([*packs.metric_trim_trailing, *packs.prefix_comparators,
                     *(c[0] for c in packs.circumfixes), *packs.modality])
    return _Words(
        packs.compile_user(f"^(?:{_ITEM_MARK}|{alternation(packs.metric_trim_leading)}|{periods}|[，,、；;：:\\s])+"),
        packs.compile_user(f"(?:{trailing}|(?<=.)(?:{periods})|[，,、；;：:\\s])+$"),
        re.compile(f"{_stops(packs.metric_stop_after, packs.metric_not_stops)}|\\d|[零〇一二两三四五六七八九十百千万亿]{{2}}"),
        re.compile(f"^[^，,。；;]{{0,30}}?(?:{alternation(packs.frame_close)})(?P<verb>{alternation(packs.verbs)})"),
        re.compile(alternation(packs.frame_open)),
        re.compile(f"(?:{alternation(packs.metric_respectively)})$"),
        re.compile(f"(?:{alternation(packs.metric_list_separators)})"),
        re.compile(f"(?:{alternation(packs.metric_heads)})"),
        re.compile("的|(?=[，,。；;：:])"),
        frozenset(packs.plan_verbs),
        packs.compile_user(f"(?:{union(packs.baseline_patterns)})$"),
        re.compile(f"(?P<fact>{alternation(packs.fact_sections)})|(?P<target>{alternation(packs.target_sections)})"),
        re.compile(f"(?:{alternation(packs.title_endings)})[{_CLOSERS}]*$"),
        frozenset(s for s in packs.subject_suffixes if len(s) == 1),
        tuple(packs.not_place_endings),
        tuple(packs.reporting_words),
        tuple(packs.subject_bodies),
        frozenset(packs.subject_connectives),
        tuple(packs.subject_locatives),
        {verb: tuple(word for word in packs.prefix_comparators if word.endswith(verb) and word != verb)
         for verb in packs.verbs},
        tuple(packs.grant_words),
        frozenset(packs.present_cues),
        frozenset(packs.level_verbs),
        frozenset(packs.nominal_verbs),
        tuple(packs.elaboration_words),
        tuple(packs.metric_predicates),
        packs.compile_user(union(packs.span_patterns)) if packs.span_patterns else re.compile("(?!)"),
    )


def document_subject(text: str, packs: Packs) -> str | None:
    """The issuer a work report names near its start (我代表…人民政府), if any."""
    head = text[:_ISSUER_WINDOW]
    for pattern in packs.issuer_res:
        m = pattern.search(head, **packs.scan_options)
        if m:
            name = m.group("subject")
            return name + "人民政府" if "政府工作报告" in m.group() and not name.endswith("政府") else name
    return None


class CommitmentReader:
    """Turns sentences and their mentions into records, carrying context between them."""

    def __init__(self, text: str, doc: str, packs: Packs):
        self.text = text
        self.doc = doc
        self.packs = packs
        self.words = _words(packs)
        self._options = packs.scan_options
        self.doc_subject = document_subject(text, packs)
        #: Set when a body issued the document: only another body takes over from it.
        self._issuer = self.doc_subject if self.doc_subject and self.doc_subject.endswith(self.words.bodies) else None
        self.paragraph_subject: str | None = None
        self._pending: list[Paragraph] = []
        self._pending_sentences: list[str] = []
        self._sentence_subject: str | None = None
        self._mood: str | None = None
        self._headings: list[tuple[Paragraph, bool]] = []  # headings whose mood is unread, and if each is the title
        self._titled = False
        self._window: int | None = None  # the first year the title names
        self.paragraph_mood: str | None = None
        self._opening: Paragraph | None = None  # a body paragraph whose opening mood is unread
        self._body: Paragraph | None = None  # the body paragraph being read
        self._body_period: str | None | bool = False  # the period it opens with; False: not read yet
        self._body_deadline = False  # whether that period is a deadline
        self._headline_records: list[Record] = []  # the section's heading records that are not targets

    def enter(self, paragraph: Paragraph) -> None:
        """Take in a paragraph: a heading sets the mood, a body paragraph may name its subject."""
        self._pending_sentences.clear()
        self._sentence_subject = None
        self.paragraph_mood = None
        self._opening = None
        if paragraph.role == "heading":
            self._headline_records = []
            self._pending.append(paragraph)
            self._headings.append((paragraph, not self._titled))
            if not self._titled:
                self._enter_title(paragraph.text)
            self._titled = True
        elif paragraph.role == "body":
            self._pending.append(paragraph)
            self._opening = paragraph
        self._body = paragraph if paragraph.role == "body" else None
        self._body_period = False
        self._body_deadline = False

    def _enter_title(self, title: str) -> None:
        """What a document's title tells: whom it is about (a news story's or a
        plan's subject), and the first year it looks at (its window)."""
        if self.doc_subject is None:
            found = self._opening_subject(title)
            self.doc_subject = found if self._takes_over(found) else None
        m = _TITLE_YEAR.search(title)
        self._window = int(m.group(1)) if m else None

    def _section_mood(self) -> str | None:
        """The mood the headings so far set: the latest heading that names one, or
        the latest top-level heading (which resets it). Read only when a record
        needs it, newest heading first.

        Only the title, a numbered heading, a short label (主要目标) or a
        document's title (国家职业教育改革实施方案) names a mood: a headline
        further down (a news item's …继续展开军事行动) starts a new story and
        only resets it.
        """
        for heading, title in reversed(self._headings):
            mood = self._heading_mood(heading.text, title or heading.numbered)
            if mood or heading.top_level:
                self._mood = mood
                break
        self._headings.clear()
        return self._mood

    def _heading_mood(self, text: str, named: bool) -> str | None:
        """fact under a review heading, target under a plan heading; when a heading
        names both (成就和…目标任务), the one named last governs what follows.
        Unless ``named`` (the first heading, or a numbered one), only a short
        label or a heading that ends like a document's title has a mood."""
        last = _last_match(self.words.section_words, text)
        if last is None:
            return None
        if named or len(text) <= _LABEL_MAX or self.words.title_end.search(text):
            return last.lastgroup
        return None

    def read(self, sentence: Sentence, mentions: Sequence[Mention]) -> list[Record]:
        """Records for one sentence; call for every sentence of a paragraph with mentions, in order."""
        if not sentence.first and sentence.role == "body":
            self._pending_sentences.append(sentence.text)
        if not mentions:
            return []
        cues = _Cues(sentence.text, self.packs, self._options)
        spans = [(sentence.to_local(m.start), sentence.to_local(m.end - 1) + 1) for m in mentions]
        subject = self._subject()
        records: list[Record] = []
        for i, m in enumerate(mentions):
            record = self._record(sentence, cues, m, spans, i, subject)
            if record.metric is None and records:
                record.metric = records[-1].metric
            if record.verb is None and records and self._elaborates(sentence.text, cues, spans[i][0]):
                record.verb = records[-1].verb
            records.append(record)
        self._match_headline(sentence, records)
        return records

    def _elaborates(self, text: str, cues: "_Cues", ls: int) -> bool:
        """Whether the clause holding position ``ls`` opens with an elaboration (其中)."""
        return text.startswith(self.words.elaborations, cues.clause_start(ls))

    def _match_headline(self, sentence: Sentence, records: list[Record]) -> None:
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

    # -- context ---------------------------------------------------------

    def _subject_at(self, text: str) -> str | None:
        """An organisation or place named at the start of ``text``, or filling
        its opening clause after a locative word (在江城港区，…)."""
        m = self.packs.subject_re.match(text)
        if m is None and text.startswith(self.words.locatives):
            lead = next(word for word in self.words.locatives if text.startswith(word))
            m = self.packs.clause_subject_re.match(text, len(lead))
            text = text[len(lead):]
        if m is None:
            return None
        name = m.group("org")
        if name is None:
            return m.group("place")
        short_suffix = name[-1:] in self.words.short_suffixes
        if not (self.packs.name_stop_re.search(name) or self.packs.verb_re.match(name)
                or self.packs.follower_start_re.match(name)
                or (short_suffix and (self.packs.verb_re.search(name)
                                      or name.endswith(self.words.not_place_endings)))):
            return name
        m = self.packs.place_re.match(text)
        return m.group("place") if m else None

    def _subject(self) -> str | None:
        """Who commits: the latest sentence-level, paragraph-level or document subject.

        Sentences and paragraphs are only looked at when a record needs a
        subject; the newest one naming a subject wins over older ones.
        """
        if self._pending:
            self._resolve_paragraph_subject()
        paragraph = self.paragraph_subject or self.doc_subject
        for text in reversed(self._pending_sentences):
            found = self._opening_subject(text, any_clause=False)
            if self._takes_over(found):
                # 高新区将… inside a paragraph about 临澜高新区管委会 is the same body, named short.
                if not (paragraph and found in paragraph):
                    self._sentence_subject = found
                break
        self._pending_sentences.clear()
        return self._sentence_subject or paragraph

    def _takes_over(self, name: str | None) -> bool:
        """Whether ``name`` may stand as the subject: under an issuing body, only another body."""
        return bool(name) and (self._issuer is None or name.endswith(self.words.bodies))

    def _opening_subject(self, text: str, any_clause: bool = True) -> str | None:
        """A subject named at the start of ``text`` or after the clauses that open
        it within _OPENING_CLAUSE characters, when each is a period, a connective
        or reports what was said (今年，江苏将…; 其中，浙江明确要…; 报告提出，
        未来5年，长沙要…). With
        ``any_clause``, as for a paragraph's first sentence, the first clause
        may be any clause."""
        found = self._subject_at(text)
        start = 0
        skip_any = any_clause
        while not found:
            m = _CLAUSE_BREAK.search(text, start)
            if m is None or m.end() > _OPENING_CLAUSE:
                return None
            clause = text[start:m.start()]
            if not (skip_any or clause in self.words.connectives or clause.endswith(self.words.reporting)
                    or self.packs.period_re.fullmatch(clause, **self._options)):
                return None
            skip_any = False
            start = m.end()
            found = self._subject_at(text[start:])
        return found

    def _resolve_paragraph_subject(self) -> None:
        """The subject the newest paragraph naming one sets. A heading that names
        none ends the subject of the section before it: the document's own
        subject (its issuer, or whom its title names), if any, takes over."""
        hint, reach = self.packs.subject_hint
        reach += _OPENING_CLAUSE
        for paragraph in reversed(self._pending):
            found = None
            if hint.search(paragraph.text, 0, reach) is not None:
                found = self._opening_subject(paragraph.first_sentence() if paragraph.role == "body" else paragraph.text)
                found = found if self._takes_over(found) else None
            if found or paragraph.role == "heading":
                self.paragraph_subject = found
                break
        self._pending.clear()

    # -- one mention -----------------------------------------------------

    def _record(self, sentence: Sentence, cues: "_Cues", mention: Mention,
                spans: list[tuple[int, int]], index: int, subject: str | None) -> Record:
        text = sentence.text
        ls, le = spans[index]
        clause_start = cues.clause_start(ls)
        clause_after = text[le:min(cues.clause_end(le), le + _AFTER)]
        prev_end = spans[index - 1][1] if index and spans[index - 1][1] > clause_start else clause_start

        modality = self._modality(text, cues, ls, spans)
        period = self._period(text, cues, ls, spans)
        opened = None if period or sentence.first else self._paragraph_period()
        verb, verb_span = self._verb(text, cues, mention, clause_start, ls, clause_after)
        metric = self._metric(text, cues, mention, spans, index, clause_start, prev_end, verb_span,
                              clause_after, subject)
        kind = self._kind(text, mention, cues, modality, clause_start, ls, verb, opened)
        if kind != "fact" and self._before_window(period):
            kind = "fact"  # 2024年，园区实现产值382亿元, in a plan for 2025—2027
        period = period or opened
        return Record(
            doc=self.doc,
            start=mention.start,
            end=mention.end,
            text=self.text[mention.start:mention.end],
            value=_exact(mention.value),
            value_max=None if mention.value_max is None else _exact(mention.value_max),
            unit=mention.unit,
            unit_kind=mention.unit_kind,
            comparator=mention.comparator,
            kind=kind,
            subject=subject,
            verb=verb,
            metric=metric,
            modality=modality,
            period=period,
            sentence=_excerpt(text, ls, le),
            section=sentence.section,
        )

    def _verb(self, text: str, cues: "_Cues", mention: Mention, clause_start: int, ls: int,
              clause_after: str) -> tuple[str | None, tuple[int, int, str] | None]:
        """The governing verb and its (start, end, text) in the sentence (None when it follows the number)."""
        if mention.is_verb:
            return text[ls:ls + mention.end - mention.start], None
        if self.words.frame_open.search(text, max(clause_start, ls - _AFTER), ls):
            m = self.words.frame_close.match(clause_after)
            if m:
                return m.group("verb"), None
        found = cues.last_entry("verb", ls, clause_start)
        while found and self._in_comparator(text, found):
            found = cues.last_entry("verb", found[0], clause_start)  # 给予最高不超过500万元: 给予
        if found and self.words.heads.fullmatch(text, found[1], ls):
            earlier = cues.last_entry("verb", found[0], clause_start)
            if earlier:
                found = earlier
        elif found and found[1] == ls and mention.unit_kind == "count" and found[2] in self.words.nominal:
            # 深化作风能力提升12项长效机制: 提升 belongs to the noun phrase that the
            # clause's first verb governs (开展补贴性培训: 开展, not 补贴).
            first, at = None, found[0]
            while (earlier := cues.last_entry("verb", at, clause_start)) is not None:
                at = earlier[0]
                if earlier[2] not in self.words.levels:  # 累计开展…: 开展
                    first = earlier
            if (first and first[1] < found[0] and not self.words.list_split.search(text, first[1], found[0])
                    and not any(cues.last_entry(cue, found[0], first[1]) for cue in ("future", "modality"))):
                found = first  # not across a list, or a 将 (改造完成后将惠及1200余户: 惠及)
        return (found[2], found) if found else (None, None)

    def _in_comparator(self, text: str, verb: tuple[int, int, str]) -> bool:
        """Whether ``verb`` ends a longer comparator word (the 超过 of 不超过)."""
        return any(len(word) > len(verb[2]) and text.endswith(word, 0, verb[1])
                   for word in self.words.long_comparators.get(verb[2], ()))

    def _metric(self, text: str, cues: "_Cues", mention: Mention, spans: list[tuple[int, int]], index: int,
                clause_start: int, prev_end: int, verb_span: tuple[int, int, str] | None,
                clause_after: str, subject: str | None) -> str | None:
        """What the quantity counts or measures: the words around it in its clause."""
        ls = spans[index][0]
        following = self._following(clause_after) if mention.unit_kind == "count" else ""
        between_start = max(verb_span[1], prev_end) if verb_span else prev_end
        between = text[max(between_start, text.rfind("等", between_start, ls) + 1):ls]
        if prev_end > clause_start and between_start == prev_end:
            between = self.words.list_split.split(between)[-1]
        if following and self.words.list_split.search(between):
            between = ""
        cleaned = self._clean(between, subject)
        between = self._trim_end(cleaned)
        settled = between == cleaned  # nothing at its end to trim
        if not between and not following and verb_span:
            k = bisect_right(spans, (verb_span[0], verb_span[0])) - 1
            while k >= 0 and spans[k][1] > verb_span[0]:
                k -= 1
            head_start = max(clause_start, spans[k][1]) if k >= 0 else clause_start
            earlier_verb = cues.last_entry("verb", verb_span[0], head_start)
            if earlier_verb and verb_span[0] - earlier_verb[1] >= 2:
                head_start = earlier_verb[1]
            head = text[head_start:verb_span[0]]
            between = self._clean(self._respective(cues, head, spans, index, verb_span), subject)
            settled = False
        phrase = between if settled and not following else self._trim_end(between + following)
        if clause_after.startswith("的") and clause_after.startswith(self.words.grants, 1):
            # 给予最高不超过500万元的补助: the amount of what is granted.
            phrase = self._trim_end(self._following(clause_after[1:]))
        elif not phrase and mention.unit_kind in _SHARES and clause_after.startswith("的"):
            # 实现60%的乡镇通油路: a share with nothing before it measures the noun after it.
            phrase = self._trim_end(self._following(clause_after[1:]))
        elif not phrase and mention.unit_kind not in _NAMED_AFTER_EXCLUDED and clause_after:
            # 每年安排2亿元专项资金: an amount with nothing before it measures the
            # named thing right after it.
            after = self._following(clause_after)
            head = self.words.heads.search(after)
            if head and head.end() == len(after) and not self._opens_predicate(after):
                phrase = after
        indicator = cues.last("indicator", ls, prev_end)
        if indicator and (not phrase or phrase in indicator or phrase.endswith(indicator)):
            return indicator
        return phrase[-20:] or None

    def _opens_predicate(self, phrase: str) -> bool:
        """Whether ``phrase`` opens with a verb or a predicate word (…23公里为地下
        工程, 5000亿元用于…): then it says what the amount does or is, not what
        it measures."""
        return bool(self.packs.verb_re.match(phrase) or phrase.startswith(self.words.predicates))

    def _following(self, clause_after: str) -> str:
        """The noun phrase a count stands before (15个重点项目建设 → 重点项目)."""
        stop = self.words.stop_after.search(clause_after)
        if stop and stop.group() in "的、" and self.packs.modifier_re.match(clause_after):
            # 100项具有较大知名度的体育精品赛事, 10个左右有条件、有基础的城市:
            # past the modifiers, the head noun they qualify names what is
            # counted, when one of the head words ends it.
            if stop.group() == "、":
                stop = self.words.modifier_end.search(clause_after)
        if stop and stop.group() == "的" and self.packs.modifier_re.match(clause_after):
            rest = clause_after[stop.end():]
            end = self.words.stop_after.search(rest)
            head = self.words.heads.search(rest, 0, end.start() if end else len(rest))
            if head and head.end() <= 16:
                return rest[:head.end()]
        following = clause_after[:stop.start() if stop else len(clause_after)][:16]
        heads = [m.end() for m in self.words.heads.finditer(following)]
        for verb in self.packs.verb_re.finditer(following, 1):
            if (heads and heads[0] <= verb.start()) or (not heads and verb.start() >= 2):
                return following[:verb.start()]
        return following

    def _respective(self, cues: "_Cues", head: str, spans: list[tuple[int, int]], index: int,
                    verb_span: tuple[int, int, str]) -> str:
        """For 甲、乙分别达X、Y: the item of the list that this quantity belongs to."""
        m = self.words.respectively.search(head)
        if not m:
            return head
        items = [i for i in self.words.list_split.split(head[:m.start()]) if i]
        limit = cues.clause_end(verb_span[1])
        governed = [s for s, e in spans if verb_span[1] <= s < limit]
        position = governed.index(spans[index][0]) if spans[index][0] in governed else 0
        if len(items) == len(governed) and position < len(items):
            return items[position] + self._shared_tail(items, position)
        return head[:m.start()]

    def _shared_tail(self, items: list[str], position: int) -> str:
        """The head noun the last item carries for all (交通、水利、能源领域投资额:
        领域投资额), when it opens with a head word the other items lack."""
        last, others = items[-1], items[:-1]
        if position == len(items) - 1 or not others:
            return ""
        # The tail starts past the last item's own word, as long as the others'
        # (农村居民…: not the 村); items that end alike are whole already (就业支出、城乡社区支出).
        shared = self.words.heads.search(last, max(2, min(map(len, others))))
        if (shared is None or any(self.words.heads.search(item) for item in others)
                or any(item[-2:] == last[-2:] for item in others)):
            return ""
        return last[shared.start():]

    def _trim_end(self, phrase: str) -> str:
        """``phrase`` without trailing particles, comparator and commitment words and periods."""
        if not phrase:
            return phrase
        # Only the tail can hold what is trimmed; an end-anchored pattern would
        # otherwise be tried from every position of a long phrase.
        cut = max(0, len(phrase) - _TRIM_TAIL)
        return phrase[:cut] + self.words.trim_trailing.sub("", phrase[cut:], **self._options)

    def _clean(self, phrase: str, subject: str | None) -> str:
        """``phrase`` without the subject's name, periods, modality and particles at its start."""
        if subject and phrase.startswith(subject):
            phrase = phrase[len(subject):]
        if "《" in phrase:
            phrase = _BOOK_TITLE.sub("", phrase)
        return self.words.trim_leading.sub("", phrase, **self._options) if phrase else phrase

    def _period(self, text: str, cues: "_Cues", ls: int, spans: list[tuple[int, int]]) -> str | None:
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

    def _paragraph_period(self) -> str | None:
        """The period a body paragraph opens with as a clause of its own
        (到2020年，…。全国农机总动力超过10亿千瓦): it holds for the sentences after."""
        if self._body_period is False:
            self._body_period = None
            if self._body is not None:
                text = self._body.text
                m = self.packs.period_re.match(text, **self._options)
                if m and _CLAUSE_BREAK.match(text, m.end()):
                    self._body_period = m.group()
                    # A deadline (到2020年, 未来5年) opens with its future cue; “十四五”期间 does not.
                    lead = _Cues(m.group(), self.packs, self._options).last_entry("future", len(m.group()))
                    self._body_deadline = lead is not None and lead[0] == 0
        return self._body_period

    @staticmethod
    def _modality(text: str, cues: "_Cues", ls: int, spans: list[tuple[int, int]]) -> str | None:
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

    def _before_window(self, period: str | None) -> bool:
        """Whether ``period`` is a bare year (2024年, 2024年底) before the first year
        the document's title names (…行动方案（2025—2027年）, 2026年政府工作报告)."""
        if period is None or self._window is None:
            return False
        m = _BARE_YEAR.match(period)
        return m is not None and int(m.group(1)) < self._window

    def _kind(self, text: str, mention: Mention, cues: "_Cues", modality: str | None,
              clause_start: int, ls: int, verb: str | None, opened: str | None = None) -> str:
        """target, plan or fact; ``opened`` is the period the paragraph opens with,
        when it governs this sentence: a deadline there is a future cue."""
        counted_programme = mention.unit_kind == "count" and verb in self.words.plan_verbs
        if self.words.baseline.search(text, max(0, ls - _BASELINE), ls, **self._options):
            return "fact"  # 由2020年的32.7%提高至33.3%: the figure a target starts from
        if modality and self._section_mood() != "fact":
            # Under a review heading a commitment word reports an estimate or
            # an old aim (预计增长16.4%, 完成年度目标): the figure is a fact.
            return "target"
        if cues.last("fact", ls, min(clause_start, max(0, ls - 12))):
            return "fact"
        if self._opening is not None:
            opening = self._opening.text
            self.paragraph_mood = "fact" if self.packs.fact_re.search(opening, 0, _first_break(opening)) else None
            self._opening = None
        mood = self.paragraph_mood or self._section_mood()
        if mood == "fact" or self.packs.fact_re.match(text):
            return "fact"  # a review, or a paragraph or sentence that opens on the past (过去五年，)
        future = cues.last_entry("future", ls)
        if future and future[2].startswith("到") and self.words.span_open.search(text, 0, future[0], **self._options):
            future = None  # 从2010年…到2020年: the end of a span of years, no deadline
        if future is None and opened is not None and self._body_deadline:
            future = (0, 0, opened)
        if future:
            fact = cues.last_entry("fact", ls, future[1])
            if fact and fact[2] in self.words.present_cues:
                return "fact"  # 今年将…，目前已梳理出1500多个项目: the plan's state so far
            return "plan" if counted_programme else "target"
        if counted_programme:
            return "plan"
        if mood == "target":
            return "target"
        return "fact"


class _Cues:
    """Where the cue words and clause breaks of one sentence stand, found in one
    scan and shared by its mentions; looked up by bisection, so a sentence with
    many mentions costs time linear in its length. Entries are (start, end, text),
    in order of their ends."""

    __slots__ = ("_text", "_found", "_ends", "_breaks")

    def __init__(self, text: str, packs: Packs, options: dict):
        self._text = text
        found: dict[str, list[tuple[int, int, str]]] = {}
        pattern, table = packs.cue_words
        # Matches do not overlap and each word's cues are listed by end, so the
        # lists come out in order of their ends.
        for m in pattern.finditer(text):
            start = m.start()
            for cue, offset, end, inner in table[m.group()]:
                entry = (start + offset, start + end, inner)
                if cue in found:
                    found[cue].append(entry)
                else:
                    found[cue] = [entry]
        periods = [(m.start(), m.end(), m.group()) for m in packs.period_re.finditer(text, **options)]
        if periods and "《" in text:
            titles = [m.span() for m in _BOOK_TITLE.finditer(text)]
            periods = [f for f in periods if not any(a <= f[0] < b for a, b in titles)]
        if periods:
            found["period"] = periods
        self._found = found
        self._ends = {cue: [f[1] for f in spans] for cue, spans in found.items()}
        self._breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]

    def last_entry(self, cue: str, end: int, start: int = 0) -> tuple[int, int, str] | None:
        """(start, end, text) of the last ``cue`` match lying wholly within [start, end)."""
        ends = self._ends.get(cue)
        if ends:
            k = bisect_right(ends, end) - 1
            if k >= 0:
                found = self._found[cue][k]
                if found[0] >= start:
                    return found
        return None

    def last(self, cue: str, end: int, start: int = 0) -> str | None:
        """The text of the last ``cue`` match lying wholly within [start, end)."""
        found = self.last_entry(cue, end, start)
        return found[2] if found else None

    def clause_start(self, pos: int) -> int:
        """Where the clause holding position ``pos`` starts."""
        breaks = self._breaks
        k = bisect_left(breaks, pos) - 1
        return breaks[k] + 1 if k >= 0 else 0

    def clause_end(self, pos: int) -> int:
        """Where the clause holding position ``pos`` ends (its break, or the sentence end)."""
        breaks = self._breaks
        k = bisect_left(breaks, pos)
        return breaks[k] if k < len(breaks) else len(self._text)





#: A "sentence" longer than this (a page with no full stop) is given around its
#: mention only, so records stay readable and output stays linear in the input.
SENTENCE_MAX = 1000
_EXCERPT = 300


def _excerpt(sentence: str, start: int, end: int) -> str:
    if len(sentence) <= SENTENCE_MAX:
        return sentence
    left, right = max(0, start - _EXCERPT), min(len(sentence), end + _EXCERPT)
    return ("…" if left else "") + sentence[left:right] + ("…" if right < len(sentence) else "")


def _exact(value: float) -> int | float:
    """A whole amount as an int (130000000000, not 130000000000.0), as the schema
    writes it; others, and wholes too large to hold exactly, stay floats."""
    return int(value) if value.is_integer() and abs(value) < _EXACT_MAX else value


def _share_words(a: str | None, b: str | None, least: int = 3) -> bool:
    """Whether two metrics have ``least`` characters in a row in common."""
    if not a or not b:
        return False
    if len(a) > len(b):
        a, b = b, a
    return any(a[i:i + least] in b for i in range(len(a) - least + 1))


def _first_break(text: str) -> int:
    m = _CLAUSE_BREAK.search(text)
    return m.end() if m else len(text)


def _last_match(pattern: re.Pattern, text: str) -> re.Match | None:
    """The last match of ``pattern`` in ``text``, or None."""
    last = deque(pattern.finditer(text), maxlen=1)
    return last[0] if last else None


def mentions_by_sentence(sentences: Iterable[Sentence], mentions: Sequence[Mention]):
    """Pairs of (sentence, its mentions), every sentence included, in order."""
    starts = [m.start for m in mentions]
    for sentence in sentences:
        i = bisect_left(starts, sentence.start)
        j = bisect_left(starts, sentence.end, i)
        yield sentence, [m for m in mentions[i:j] if m.end <= sentence.end]
