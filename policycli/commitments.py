"""Commitments: who commits to what, how firmly and by when, for each mention.

Walks the sentences in order, keeping the subject a paragraph or sentence
sets and the mood a section heading sets, and turns each quantity mention
into a :class:`Record` with subject, verb, metric, modality, period and kind.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterable, Sequence

import regex

from .packs import Packs
from .quantities import Mention
from .record import Record
from .segment import Sentence

_CLAUSE_BREAK = regex.compile(r"[，,；;：:。！？!?]")
_BOOK_TITLE = regex.compile(r"《[^》]*》")
_ISSUER_WINDOW = 4000


@dataclass(slots=True)
class _Words:
    """Compiled word matchers this module needs beyond the packs' own."""

    trim_leading: regex.Pattern
    trim_trailing: regex.Pattern
    stop_after: regex.Pattern
    frame_close: regex.Pattern
    frame_open: tuple[str, ...]
    plan_verbs: frozenset[str]
    fact_sections: tuple[str, ...]
    target_sections: tuple[str, ...]


def _words(packs: Packs) -> _Words:
    def build() -> _Words:
        def alt(words: Iterable[str]) -> str:
            return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True)) or "(?!)"
        return _Words(
            regex.compile(f"^(?:{alt(packs.metric_trim_leading)})+"),
            regex.compile(f"(?:{alt(packs.metric_trim_trailing)})+$"),
            regex.compile(f"{alt(packs.metric_stop_after)}|\\d|[零〇一二两三四五六七八九十百千万亿]{{2}}"),
            regex.compile(f"^[^，,。；;]{{0,30}}?(?:{alt(packs.frame_close)})(?P<verb>{alt(packs.verbs)})"),
            tuple(packs.frame_open),
            frozenset(packs.plan_verbs),
            tuple(packs.fact_sections),
            tuple(packs.target_sections),
        )
    return packs._get("commitment_words", build)


def document_subject(text: str, packs: Packs) -> str | None:
    """The issuer a work report names near its start (我代表…人民政府), if any."""
    head = text[:_ISSUER_WINDOW]
    for pattern in packs.issuer_res:
        m = pattern.search(head)
        if m:
            name = m.group("subject")
            return name if name.endswith(("政府", "国务院")) else name + "人民政府"
    return None


class CommitmentReader:
    """Turns sentences and their mentions into records, carrying context between them."""

    def __init__(self, text: str, doc: str, packs: Packs):
        self.text = text
        self.doc = doc
        self.packs = packs
        self.words = _words(packs)
        self.doc_subject = document_subject(text, packs)
        self.subject: str | None = None
        self.mood: str | None = None

    def read(self, sentence: Sentence, mentions: Sequence[Mention]) -> list[Record]:
        """Records for one sentence; call for every sentence, in order."""
        self._update_context(sentence)
        return [self._record(sentence, m) for m in mentions]

    # -- context ---------------------------------------------------------

    def _update_context(self, sentence: Sentence) -> None:
        text = sentence.text
        if sentence.role == "heading":
            if any(w in text for w in self.words.fact_sections):
                self.mood = "fact"
            elif any(w in text for w in self.words.target_sections):
                self.mood = "target"
            return
        if sentence.role != "body":
            return
        found = self._subject_in(text, anywhere=sentence.first)
        if found:
            self.subject = found

    def _subject_in(self, text: str, anywhere: bool) -> str | None:
        m = self.packs.subject_re.search(text[:80]) if anywhere else self.packs.subject_re.match(text)
        if m:
            name = m.group("subject")
            if name not in self.packs.not_subjects and not name.startswith(("全", "各", "我", "本", "该")):
                return name
        m = self.packs.place_re.match(text)
        return m.group("subject") if m else None

    # -- one mention -----------------------------------------------------

    def _record(self, sentence: Sentence, mention: Mention) -> Record:
        text = sentence.text
        ls = sentence.to_local(mention.start)
        le = ls + (mention.end - mention.start)
        before = text[:ls]
        clause_start = _last_break(before)
        clause_before = before[clause_start:]
        after_break = _CLAUSE_BREAK.search(text, le)
        clause_after = text[le:after_break.start() if after_break else len(text)]

        modality = _last(self.packs.modality_re, before)
        period = self._period(before)
        verb, verb_end = self._verb(clause_before, clause_after)
        metric = self._metric(mention, clause_before, clause_after, verb, verb_end)
        kind = self._kind(mention, modality, clause_before, before, verb)
        return Record(
            doc=self.doc,
            start=mention.start,
            end=mention.end,
            text=self.text[mention.start:mention.end],
            value=mention.value,
            value_max=mention.value_max,
            unit=mention.unit,
            unit_kind=mention.unit_kind,
            comparator=mention.comparator,
            kind=kind,
            subject=self.subject or self.doc_subject,
            verb=verb,
            metric=metric,
            modality=modality,
            period=period,
            sentence=text,
            section=sentence.section,
        )

    def _period(self, before: str) -> str | None:
        titles = [m.span() for m in _BOOK_TITLE.finditer(before)]
        best = None
        for m in self.packs.period_re.finditer(before):
            if not any(a <= m.start() < b for a, b in titles):
                best = m.group()
        return best

    def _verb(self, clause_before: str, clause_after: str) -> tuple[str | None, int]:
        """The governing verb and where it ends in ``clause_before`` (-1 when it follows)."""
        if any(w in clause_before for w in self.words.frame_open):
            m = self.words.frame_close.match(clause_after)
            if m:
                return m.group("verb"), -1
        m = _last_match(self.packs.verb_re, clause_before)
        if m:
            return m.group(), m.end()
        return None, 0

    def _metric(self, mention: Mention, clause_before: str, clause_after: str,
                verb: str | None, verb_end: int) -> str | None:
        between = clause_before[verb_end:] if verb_end > 0 else ("" if verb_end < 0 else clause_before)
        between = _after_last(between, "等、")
        following = ""
        if mention.unit_kind == "count":
            stop = self.words.stop_after.search(clause_after)
            following = clause_after[:stop.start() if stop else len(clause_after)]
            cut = self.packs.verb_re.search(following, 2)
            if cut:
                following = following[:cut.start()]
            following = following[:16]
        if verb_end > 0 and not _clean(between, self) and not following:
            between = _after_last(clause_before[:verb_end - len(verb or "")], "、，")
            between = _after_last(between, "等")
        phrase = _clean(between, self) + following
        phrase = self.words.trim_trailing.sub("", phrase)
        return phrase[-20:] or None

    def _kind(self, mention: Mention, modality: str | None, clause_before: str,
              before: str, verb: str | None) -> str:
        counted_programme = mention.unit_kind == "count" and verb in self.words.plan_verbs
        if modality:
            return "target"
        if self.packs.fact_re.search(clause_before) or self.packs.fact_re.search(before[-12:]):
            return "fact"
        if self.packs.future_re.search(before):
            return "plan" if counted_programme else "target"
        if counted_programme:
            return "plan"
        if self.mood == "target":
            return "target"
        return "fact"


def _clean(phrase: str, reader: CommitmentReader) -> str:
    subject = reader.subject or reader.doc_subject
    if subject and phrase.startswith(subject):
        phrase = phrase[len(subject):]
    phrase = _BOOK_TITLE.sub("", phrase)
    period = reader.packs.period_re.match(phrase)
    if period:
        phrase = phrase[period.end():]
    prev = None
    while prev != phrase:
        prev = phrase
        phrase = reader.words.trim_leading.sub("", phrase).lstrip("，,、；;：: ")
        m = reader.packs.period_re.match(phrase)
        if m:
            phrase = phrase[m.end():]
    return phrase


def _after_last(text: str, chars: str) -> str:
    cut = max(text.rfind(c) for c in chars)
    return text[cut + 1:] if cut >= 0 else text


def _last_break(text: str) -> int:
    for i in range(len(text) - 1, -1, -1):
        if text[i] in "，,；;：:。！？!?":
            return i + 1
    return 0


def _last(pattern: regex.Pattern, text: str) -> str | None:
    m = _last_match(pattern, text)
    return m.group() if m else None


def _last_match(pattern: regex.Pattern, text: str) -> regex.Match | None:
    found = None
    for found in pattern.finditer(text):
        pass
    return found


def mentions_by_sentence(sentences: Iterable[Sentence], mentions: Sequence[Mention]):
    """Pairs of (sentence, its mentions), every sentence included, in order."""
    starts = [m.start for m in mentions]
    for sentence in sentences:
        i = bisect_left(starts, sentence.start)
        j = bisect_left(starts, sentence.end, i)
        yield sentence, [m for m in mentions[i:j] if m.end <= sentence.end]
