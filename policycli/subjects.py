"""Subjects: who commits or reports, read from the document, its paragraphs and sentences.

A work report's issuer (我代表…人民政府) or the organisation a title names is
the document's subject; a paragraph or sentence that opens on an organisation
or place names its own, until a heading or another name ends it. Paragraphs
and sentences are only read for a name when a record needs a subject.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator

from .cues import CLAUSE_BREAK
from .packs import NAME_MAX, Packs, alternation, needed_texts
from .segment import Paragraph, Sentence

#: An opening clause this short (结合全市部署，…) may come before the name of who speaks.
_OPENING_CLAUSE = 24
#: How far into a document its issuer is looked for.
_ISSUER_WINDOW = 4000

_SENTENCE_END = re.compile("[。！？!?]")
#: The roles of the paragraphs that may name the subject.
_NAMING = ("body", "heading")


@dataclass(slots=True)
class _Event:
    """A name a paragraph brings in mid-way, at original offset ``start``: a
    reporting body, or a ``topic`` (a place or the country opening a clause)
    that holds to ``sentence_end``."""

    start: int
    name: str
    topic: bool
    sentence_end: int


def _clause_starts(text: str, cues: list[int]) -> list[int]:
    """The starts of the clauses of ``text`` that hold one of the positions ``cues``
    (in order): a reporting clause follows a clause break (据…统计，; …；某部数据显示)."""
    breaks = [m.start() for m in CLAUSE_BREAK.finditer(text, 0, cues[-1])]
    starts: list[int] = []
    for cue in cues:
        before = bisect_left(breaks, cue)
        start = breaks[before - 1] + 1 if before else 0
        if not starts or starts[-1] != start:
            starts.append(start)
    return starts


@dataclass(slots=True)
class _Words:
    """Compiled word matchers the subject reader needs beyond the packs' own."""

    short_suffixes: frozenset[str]
    not_place_endings: tuple[str, ...]
    reporting: tuple[str, ...]
    bodies: tuple[str, ...]
    #: Any of ``bodies``, anywhere.
    body_re: re.Pattern
    connectives: frozenset[str]
    locatives: tuple[str, ...]
    governments: tuple[str, ...]
    government_marks: tuple[str, ...]
    national: frozenset[str]
    country: str | None
    generic: frozenset[str]
    trailing: tuple[str, ...]
    #: For each of the packs' issuer patterns, texts one of which any match holds (see _issuer_needs).
    issuer_needs: tuple[tuple[str, ...], ...]
    #: For each of the packs' issuer patterns, its newline-led form, or None (see _line_led).
    issuer_led: tuple[re.Pattern | None, ...]
    #: How far into a text a subject suffix or place name (the packs' subject_hint)
    #: must be found for _opening_subject to find a name there (see _opening_reach).
    opening_reach: int


@lru_cache(maxsize=8)
def _words(packs: Packs) -> _Words:
    """The matchers for ``packs``, built once per pack set."""
    return _Words(
        frozenset(s for s in packs.subject_suffixes if len(s) == 1),
        tuple(packs.not_place_endings),
        tuple(packs.reporting_words),
        tuple(packs.subject_bodies),
        re.compile(alternation(packs.subject_bodies)),
        frozenset(packs.subject_connectives),
        tuple(packs.subject_locatives),
        tuple(sorted(packs.governments, key=len, reverse=True)),
        tuple(packs.government_marks),
        frozenset(packs.national_issuers),
        packs.country_names[0] if packs.country_names else None,
        frozenset(packs.generic_places),
        tuple(sorted(packs.source_trailing, key=len, reverse=True)),
        tuple(map(_issuer_needs, packs.issuer_res)),
        tuple(map(_line_led, packs.issuer_res)),
        _opening_reach(packs),
    )


def _opening_reach(packs: Packs) -> int:
    """The farthest the first subject suffix or place name of a name that
    _opening_subject finds can end: the name starts after opening clauses that
    end within _OPENING_CLAUSE and a locative word; an organisation's suffix
    ends within NAME_MAX of its start and so does a place name it holds in
    brackets (品捷电子（苏州）有限公司); a place's name within its own length."""
    longest = max(map(len, [*packs.subject_suffixes, *packs.places]), default=0)
    return _OPENING_CLAUSE + max(map(len, packs.subject_locatives), default=0) + NAME_MAX + longest


def _issuer_needs(pattern) -> tuple[str, ...]:
    """Texts one of which every match of an issuer pattern holds (政府工作报告,
    关于), for a pattern ``re`` compiled without ignoring case; () otherwise."""
    if not isinstance(pattern, re.Pattern) or pattern.flags & re.IGNORECASE:
        return ()
    return needed_texts(pattern.pattern)


def _line_led(pattern) -> re.Pattern | None:
    """For an issuer pattern ``re`` compiled MULTILINE that matches only at a line
    start (every branch opens with ``^``) and never matches empty: the pattern
    led by a newline. ``re`` tries a ``^`` pattern at every position of the
    head, but skips from newline to newline at C speed to this one's; None for
    any other pattern."""
    if not isinstance(pattern, re.Pattern) or not pattern.flags & re.MULTILINE:
        return None
    try:
        from re import _constants as c, _parser as parser
        parsed = parser.parse(pattern.pattern, pattern.flags)
        if not (len(parsed) and parsed[0] == (c.AT, c.AT_BEGINNING) and parsed.getwidth()[0] > 0):
            return None
        return re.compile(rf"\n(?:{pattern.pattern})", pattern.flags)
    except Exception:  # anything the standard parser does not read: the pattern as it is
        return None


def _line_matches(pattern: re.Pattern, led: re.Pattern, text: str):
    """What ``pattern.finditer(text)`` gives, for a pattern that matches only at
    a line start and never empty, with ``led`` its newline-led form: each line
    start where ``led`` finds it is matched again with ``pattern`` itself."""
    m, pos = pattern.match(text), 0
    while True:
        if m is not None:
            yield m
            pos = m.end() - 1
        found = led.search(text, pos)
        if found is None:
            return
        pos = found.start() + 1
        m = pattern.match(text, pos)


def jurisdiction(name: str, packs: Packs) -> str:
    """The place a government speaks for (江苏省人民政府 → 江苏省, 国务院 → 全国);
    any other name as it is."""
    words = _words(packs)
    if name in words.national and words.country:
        return words.country
    for ending in words.governments:
        if name.endswith(ending) and len(name) > len(ending):
            return name[:-len(ending)]
    return name


def document_issuer(text: str, packs: Packs) -> str | None:
    """The issuer a work report names near its start (我代表…人民政府, its
    title or byline), if any; a name that tells no place (代表省人民政府) is
    passed over for one that does."""
    head = text[:_ISSUER_WINDOW]
    words = _words(packs)
    for pattern, needed, led in zip(packs.issuer_res, words.issuer_needs, words.issuer_led):
        if needed and not any(word in head for word in needed):
            continue
        matches = pattern.finditer(head) if led is None else _line_matches(pattern, led, head)
        for m in matches:
            name = m.group("subject")
            if any(mark in m.group() for mark in words.government_marks) and not name.endswith("政府"):
                name += "人民政府"
            if jurisdiction(name, packs) not in words.generic:
                return name
    return None


class SubjectReader:
    """The subject of each record, carried from the document, paragraph or sentence that names it.

    Takes in every paragraph (enter) and every sentence read (sentence); for a
    sentence with figures, ask current first, then at for each figure: a
    paragraph is read when current is first asked in it.
    """

    def __init__(self, text: str, packs: Packs):
        self.packs = packs
        self.words = _words(packs)
        hint, reach = packs.subject_hint
        #: The packs' subject_hint, with the reach of a name after opening clauses (see _opening_subject).
        self._hint = hint, reach + _OPENING_CLAUSE
        #: The same for a later sentence (see _opening_reach).
        self._sentence_hint = hint, self.words.opening_reach
        issuer = document_issuer(text, packs)
        #: Whom the document's own figures belong to: a government's are its jurisdiction's (浙江省).
        self.doc_subject = jurisdiction(issuer, packs) if issuer else None
        #: Set when a body issued the document: only another body takes over from it.
        self._issuer = issuer if issuer and issuer.endswith(self.words.bodies) else None
        self.paragraph_subject: str | None = None
        #: Paragraphs entered since the last one with figures, the current one last:
        #: each is read for a name only when a record needs a subject (see current).
        self._pending: list[Paragraph] = []
        #: Take in a paragraph: a heading or body paragraph may name the subject.
        #: It is read when a record needs a subject (see current), so one without
        #: figures costs a list append.
        self.enter: Callable[[Paragraph], None] = self._pending.append
        #: The current paragraph's sentences not yet read for a name; the sentence
        #: state is reset when a paragraph is read, not when it is entered.
        self._pending_sentences: list[Sentence] = []
        #: Take in a sentence: a later sentence of a body paragraph may name its own
        #: subject (see current), so a sentence costs a list append.
        self.sentence: Callable[[Sentence], None] = self._pending_sentences.append
        self._sentence_subject: str | None = None
        self._sentence_at = -1  # where the sentence that named it starts
        #: The reporting bodies a body paragraph names (see _read_sources), and
        #: those with its clause topics (see _read_events), by paragraph number:
        #: each read only when needed, once.
        self._sources: dict[int, list[_Event]] = {}
        self._events: dict[int, list[_Event]] = {}
        #: The names the current paragraph brings in mid-way, read with its subject (see at).
        self._current_events: list[_Event] | tuple[()] = ()
        #: The last paragraph with figures (the current one, once it is read), the
        #: paragraphs between it and the body or heading with figures before it,
        #: and that one if a body: where _recent looks.
        self._figures: Paragraph | None = None
        self._between: list[Paragraph] = []
        self._recent_base: list[Paragraph] = []
        #: The paragraph _fallback last looked for, and what it found.
        self._fallback_for: Paragraph | None = None
        self._fallback_name: str | None = None

    def _events_of(self, paragraph: Paragraph) -> list[_Event]:
        """The names a body paragraph brings in mid-way, in order, read once;
        its reporting bodies may have been read before, for the paragraph subject."""
        number = paragraph.number
        events = self._events.get(number)
        if events is None:
            sources = self._sources.get(number)
            if sources is None:
                sources = self._sources[number] = self._read_sources(paragraph)
            events = self._read_events(paragraph, sources)
        return events

    def _recent(self) -> Iterator[Paragraph]:
        """The body paragraphs before the current one since the last heading and
        since the last body paragraph with figures, that one included, latest
        first: where a topic may stand in for a missing subject (paragraphs
        without figures are passed over, a heading is not)."""
        for paragraph in reversed(self._between):
            role = paragraph.role
            if role == "heading":
                return
            if role == "body":
                yield paragraph
        yield from self._recent_base

    def _fallback(self) -> str | None:
        """The latest topic of the recent paragraphs, for where no one is named:
        found once per paragraph, as the recent ones change only with the next."""
        if self._fallback_for is not self._figures:
            self._fallback_for = self._figures
            self._fallback_name = None
            for paragraph in self._recent():
                for event in reversed(self._events_of(paragraph)):
                    if event.topic:
                        self._fallback_name = event.name
                        return event.name
        return self._fallback_name

    def enter_title(self, title: str) -> None:
        """Whom a document's title is about (a news story's or a plan's subject),
        when no issuer named it."""
        if self.doc_subject is None:
            found = self._opening_subject(title)
            self.doc_subject = found if self._takes_over(found) else None

    def at(self, offset: int, subject: str | None) -> str | None:
        """The subject of a mention at original ``offset`` of the current
        paragraph, given the sentence's ``subject`` (see :meth:`current`).

        A reporting body that the paragraph names after the sentence that set
        ``subject`` began, and before the mention, takes over; so does a place
        or the country opening a clause of the mention's own sentence (…，我国
        GDP…; 上海静安商圈等35个商圈…). Past its sentence such a topic only
        stands in where no one else is named.
        """
        events = self._current_events
        if not events:  # most paragraphs bring in no one mid-way
            return self._fallback() if subject is None else subject
        found = None
        for event in events:
            if event.start >= offset:
                break
            if event.topic:
                if offset < event.sentence_end:
                    found = event.name
                elif subject is None:
                    subject = event.name
            elif event.start > self._sentence_at:
                found = event.name
        if found is None and subject is None:
            subject = self._fallback()
        return found or subject

    def _read_sources(self, paragraph: Paragraph) -> list[_Event]:
        """The reporting bodies a body paragraph names, in order: in each clause
        that holds a source cue, the first source pattern's match at its start."""
        text = paragraph.text
        first = self.packs.source_cue_re.search(text)
        if first is None:
            return []  # most paragraphs name no source: one search
        sources, patterns = [], self.packs.source_re
        cues = [m.start() for m in self.packs.source_cue_re.finditer(text, first.start())]
        for start in _clause_starts(text, cues):
            for pattern in patterns:
                m = pattern.match(text, start)
                if m is not None:
                    name = self._source_name(m.group("subject"))
                    if name:
                        sources.append(_Event(paragraph.to_original(start), name, False, 0))
                    break
        return sources

    def _read_events(self, paragraph: Paragraph, sources: list[_Event]) -> list[_Event]:
        """The names a body paragraph brings in mid-way, in order, kept for it:
        its reporting bodies ``sources`` and its clause topics but for those
        that open one of them; no topics in a document a body issued."""
        events: list[_Event] = []
        if self._issuer is None:
            text, taken = paragraph.text, {e.start for e in sources} if sources else ()
            for m in self.packs.topics(text):
                start = m.start("topic")
                at = paragraph.to_original(start)
                if at in taken:
                    continue  # 中国人民银行数据显示 is a reporting body, not the country
                name = self.packs.subject_re.match(text, start)
                if name is None or name.group("org") is None:  # nor is 中国人民银行, an organisation
                    end = _SENTENCE_END.search(text, start)
                    sentence_end = paragraph.to_original(end.end() - 1) + 1 if end else paragraph.end
                    events.append(_Event(at, m.group("topic"), True, sentence_end))
        if sources:
            events = sorted(sources + events, key=lambda e: e.start)
        self._events[paragraph.number] = events
        return events

    def _source_name(self, name: str) -> str | None:
        """The publishing body a reporting clause names: cut after the last body
        ending it holds, or else without trailing data and time words."""
        words = self.words
        if words.body_re.search(name) is not None:
            cut = len(name)
            while not name.endswith(words.bodies, 0, cut):
                cut -= 1
            name = name[:cut]
        else:
            stripped = True
            while stripped:
                stripped = False
                for word in words.trailing:
                    if name.endswith(word) and len(name) > len(word):
                        name, stripped = name[:-len(word)], True
        if (len(name) < 2 or name in words.trailing or self.packs.name_stop_re.search(name)
                or self.packs.verb_re.match(name)):
            return None
        return self._own(name)

    def _own(self, name: str) -> str:
        """``name``, or the document's subject when ``name`` is its issuer under
        another form (省政府, 国务院 in the State Council's own document)."""
        if self._issuer and self.doc_subject:
            place = jurisdiction(name, self.packs)
            if name == self._issuer or (place != name and (place in self.words.generic
                                                            or place == self.doc_subject)):
                return self.doc_subject
        return name

    def _subject_at(self, text: str, start: int = 0) -> str | None:
        """An organisation or place named at ``start`` of ``text``, or filling
        the clause there after a locative word (在江城港区，…). The name
        patterns look at nothing before where they are tried, so trying them
        at ``start`` reads as trying them on ``text[start:]``."""
        m = self.packs.subject_re.match(text, start)
        if m is None:
            if not text.startswith(self.words.locatives, start):
                return None
            start += len(next(word for word in self.words.locatives if text.startswith(word, start)))
            m = self.packs.clause_subject_re.match(text, start)
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
        m = self.packs.place_re.match(text, start)
        return m.group("place") if m else None

    def current(self) -> str | None:
        """Who commits: the latest sentence-level, paragraph-level or document subject.

        Sentences and paragraphs are only looked at when a record needs a
        subject; the newest one naming a subject wins over older ones.
        """
        if self._pending:
            self._resolve_paragraph_subject()
        pending = self._pending_sentences
        # Read back from the newest sentence to the paragraph's opening, which is read with the paragraph.
        if pending and not pending[-1].first and self._figures.role == "body":
            hint, reach = self._sentence_hint
            for sentence in reversed(pending):
                if sentence.first:
                    break
                if hint.search(sentence.text, 0, reach) is None:
                    continue  # most sentences name no one at their start
                found = self._opening_subject(sentence.text, any_clause=False)
                if found and self._takes_over(found):
                    found = self._own(found)
                    paragraph = self.paragraph_subject or self.doc_subject
                    # 高新区将… inside a paragraph about 临澜高新区管委会 is the same body, named short.
                    if not (paragraph and found in paragraph):
                        self._sentence_subject = found
                        self._sentence_at = sentence.start
                    break
        pending.clear()
        return self._sentence_subject or self.paragraph_subject or self.doc_subject

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
        start, skip_any = 0, any_clause
        while not found:
            m = CLAUSE_BREAK.search(text, start, _OPENING_CLAUSE)  # a break, one character, ending within it
            if m is None:
                return None
            clause = text[start:m.start()]
            if not (skip_any or clause in self.words.connectives or clause.endswith(self.words.reporting)
                    or self.packs.period_re.fullmatch(clause)):
                return None
            skip_any = False
            start = m.end()
            found = self._subject_at(text, start)
        return found

    def _resolve_paragraph_subject(self) -> None:
        """The subject the newest paragraph naming one sets, read when the current
        paragraph's first record needs it: its opening's, else an earlier one's
        last reporting body or opening's. A heading that names none ends the
        subject of the section before it: the document's own subject (its
        issuer, or whom its title names), if any, takes over. Where no paragraph
        since the last one with figures names anyone, that one's last reporting
        body carries on."""
        hint, reach = self._hint
        pending, last = self._pending, self._figures
        current = pending.pop()  # the paragraph entered last
        sentences = self._pending_sentences
        if sentences and sentences[0].start < current.start:
            # Left by a paragraph whose last sentence read had no figure of its own.
            sentences[:] = [s for s in sentences if s.start >= current.start]
        self._sentence_subject, self._sentence_at = None, -1
        role = current.role
        # A paragraph with figures is read here first.
        self._current_events = self._events_of(current) if role == "body" else ()
        found = self._opening_name(current) if role in _NAMING and hint.search(current.text, 0, reach) else None
        if found or role == "heading":
            self.paragraph_subject = found
        else:
            read = self._sources
            for paragraph in reversed(pending):
                role = paragraph.role
                if role == "body":
                    # Paragraphs after the last one with figures are read here first.
                    sources = read[paragraph.number] = self._read_sources(paragraph)
                    if sources:
                        self.paragraph_subject = sources[-1].name
                        break
                elif role != "heading":
                    continue
                found = self._opening_name(paragraph) if hint.search(paragraph.text, 0, reach) is not None else None
                if found or role == "heading":
                    self.paragraph_subject = found
                    break
            else:
                if last is not None and last.role == "body":
                    sources = read[last.number]
                    if sources:
                        self.paragraph_subject = sources[-1].name
        if current.role == "heading":
            self._between = [current]  # a heading ends the recent paragraphs, in its own records too
        elif last is not None and (last.role == "body" or last.role == "heading"):
            # A body or heading with figures ends the recent paragraphs before it.
            self._between, self._recent_base = pending[:], [last] if last.role == "body" else []
        else:
            # Before the first paragraph with figures, and over one that is neither body nor heading, they run on.
            self._between.extend(pending)
        self._figures = current
        pending.clear()

    def _opening_name(self, paragraph: Paragraph) -> str | None:
        """The name a heading or body paragraph opens on (a body's first
        sentence), if it may take over; asked where the packs' subject_hint
        finds a suffix or place name near its start."""
        found = self._opening_subject(paragraph.first_sentence() if paragraph.role == "body" else paragraph.text)
        return self._own(found) if found and self._takes_over(found) else None

    # -- one mention -----------------------------------------------------
