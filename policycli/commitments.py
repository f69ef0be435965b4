"""Commitments: the context that walks a document's paragraphs and sentences
once and turns each quantity mention into a :class:`Record`.

Each field has a reader of its own (subjects, verbs, metrics, periods,
modality, kinds); this module feeds them the paragraphs and sentences in
order, scans each sentence's cue words once (:class:`~policycli.cues.Cues`)
for all of them, and assembles their answers.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import attrgetter
from typing import Iterable, Sequence

from .cues import Cues
from .kinds import KindReader
from .metrics import MetricReader
from .modality import ModalityReader, modality_at
from .packs import Packs
from .periods import PeriodReader
from .quantities import Mention
from .record import Record
from .segment import Paragraph, Sentence
from .subjects import SubjectReader
from .verbs import VerbReader

#: How far after a quantity its clause is read (for the noun it counts, or 以…为 frames).
_AFTER = 40
#: Past 2**53 a float no longer holds every whole number.
_EXACT_MAX = 2 ** 53
_START, _END = attrgetter("start"), attrgetter("end")
#: Paragraphs entered wait at most this many to be handed to the readers that take them together.
_UNREAD_MAX = 64


class CommitmentReader:
    """Turns sentences and their mentions into records, carrying context between them."""

    def __init__(self, text: str, doc: str, packs: Packs):
        self.text = text
        self.doc = doc
        self.packs = packs
        self.subjects = SubjectReader(text, packs)
        self.verbs = VerbReader(packs)
        self.metrics = MetricReader(packs)
        self.periods = PeriodReader(packs)
        self.modality = ModalityReader(packs)
        self.kinds = KindReader(packs, self.periods.dated)
        self._titled = False
        #: Comparator words after a figure that may bound a whole list before it (以内, 左右; not 多).
        self._shared_suffixes = tuple(w for w in packs.suffix_comparators if len(w) > 1)
        self._separators = frozenset(packs.metric_list_separators)
        self._share_words = tuple(w for w in packs.share_verbs if w not in packs.object_verbs)
        #: The paragraphs entered since the last sentence read, and the headings
        #: among them but the title: the period, kind and modality readers take
        #: them in at once, when the next sentence is read.
        self._unread: list[Paragraph] = []
        self._headings: list[Paragraph] = []

    def enter(self, paragraph: Paragraph) -> None:
        """Take in a paragraph; the first heading is the document's title. The
        period, kind and modality readers keep only a paragraph's own state apart
        from headings, and read those only when a record needs them, so most
        paragraphs entered (those with no figure) are handed to them together,
        when a sentence is next read or when many wait."""
        self.subjects.enter(paragraph)
        self._unread.append(paragraph)
        if paragraph.role == "heading":
            if self._titled:
                self._headings.append(paragraph)
            else:
                self.kinds.enter_title(paragraph)
                self.subjects.enter_title(paragraph.text)
                self.periods.enter_title(paragraph.text)
                self._titled = True
        if len(self._unread) > _UNREAD_MAX:
            self._hand_over()

    def _hand_over(self) -> None:
        """Give the paragraphs entered since the last sentence read to the period,
        kind and modality readers."""
        unread, headings = self._unread, self._headings
        self._unread, self._headings = [], []
        self.periods.enter(headings)
        self.kinds.enter(unread[-1], headings)
        self.modality.enter(unread)

    def read(self, sentence: Sentence, mentions: Sequence[Mention]) -> list[Record]:
        """Records for one sentence; call for every sentence of a paragraph with mentions, in order."""
        if self._unread:
            self._hand_over()
        self.subjects.sentence(sentence)
        self.periods.sentence(sentence)
        if not mentions:
            return []
        if len(sentence.joins) == 1:  # one piece of the original (most sentences): a shift
            base = sentence.start
            spans = [(m.start - base, m.end - base) for m in mentions]
        else:
            spans = [(sentence.to_local(m.start), sentence.to_local(m.end - 1) + 1) for m in mentions]
        cues = Cues(sentence.text, self.packs, spans[-1][1])
        subject = self.subjects.current()
        records: list[Record] = []
        for i, m in enumerate(mentions):
            record = self._record(sentence, cues, m, spans, i, self.subjects.at(m.start, subject))
            if record.metric is None and records:
                record.metric = self._carried_metric(records)
            if record.verb is None and records and self.verbs.elaborates(sentence.text, cues, spans[i][0]):
                record.verb = records[-1].verb
            records.append(record)
        if len(records) > 1:
            self._share_comparators(sentence.text, spans, records)
        self.kinds.match_headline(sentence, records)
        return records

    def _carried_metric(self, records: list[Record]) -> str | None:
        """The metric an elliptical figure takes from the sentence before it: the
        latest one that is no share of another (…达到4000亿元，占GDP比重达到50%，
        年均增长30%: the growth is the 4000亿元's)."""
        for record in reversed(records):
            if record.metric and not record.metric.startswith(self._share_words):
                return record.metric
        return records[-1].metric

    def _share_comparators(self, text: str, spans: list[tuple[int, int]], records: list[Record]) -> None:
        """A comparator word after the last of a list of figures (控制在5%和3%以内,
        分别增长3.5%、4%左右) bounds every figure of the list that has none of its own."""
        for i in range(len(records) - 2, -1, -1):
            record, following = records[i], records[i + 1]
            if (record.comparator == "=" and following.comparator != "="
                    and record.unit_kind == following.unit_kind
                    and text[spans[i][1]:spans[i + 1][0]] in self._separators
                    and following.text.endswith(self._shared_suffixes)):
                record.comparator = following.comparator

    def _record(self, sentence: Sentence, cues: Cues, mention: Mention,
                spans: list[tuple[int, int]], index: int, subject: str | None) -> Record:
        text = sentence.text
        ls, le = spans[index]
        clause_start = cues.clause_start(ls)
        clause_after = text[le:min(cues.clause_end(le), le + _AFTER)]
        prev_end = spans[index - 1][1] if index and spans[index - 1][1] > clause_start else clause_start

        modality = modality_at(text, cues, ls, spans)
        if modality is None and (goal := self.modality.named_after(clause_after)) and not cues.last("fact", ls):
            modality = goal  # 提出…超45%的目标; but 去年实现了增长5%的目标 reports a result
        period = self.periods.own(text, cues, ls, spans)
        opened = None if period or sentence.first else self.periods.opened()
        verb, verb_span = self.verbs.read(text, cues, mention, clause_start, ls, clause_after, spans)
        metric = self.metrics.read(text, cues, mention, spans, index, clause_start, prev_end, verb_span,
                                   clause_after, subject)
        kind = self.kinds.read(text, mention, cues, modality, clause_start, ls, verb, opened,
                               self.periods.deadline, self.periods.before_window(period))
        if verb is None:
            verb = self.verbs.after(mention, cues, le, le + len(clause_after))
        # Positional, in the order of the schema's fields: a record is built for
        # every figure, and keyword arguments cost it three times as much.
        return Record(
            self.doc, mention.start, mention.end, self.text[mention.start:mention.end],
            _exact(mention.value), None if mention.value_max is None else _exact(mention.value_max),
            mention.unit, mention.unit_kind, mention.comparator, kind, subject, verb, metric,
            modality or (self.modality.section() if kind != "fact" else None),  # modality
            period or opened or (self.periods.section() if kind != "fact" else None),  # period
            text if len(text) <= SENTENCE_MAX else _excerpt(text, ls, le), sentence.section,
        )


#: A "sentence" longer than this (a page with no full stop) is given around its
#: mention only, so records stay readable and output stays linear in the input.
SENTENCE_MAX = 1000
_EXCERPT = 300


def _excerpt(sentence: str, start: int, end: int) -> str:
    """The text of a sentence longer than SENTENCE_MAX around its mention at [start, end)."""
    left, right = max(0, start - _EXCERPT), min(len(sentence), end + _EXCERPT)
    return ("…" if left else "") + sentence[left:right] + ("…" if right < len(sentence) else "")


def _exact(value: float) -> int | float:
    """A whole amount as an int (130000000000, not 130000000000.0), as the schema
    writes it; others, and wholes too large to hold exactly, stay floats."""
    return int(value) if value.is_integer() and abs(value) < _EXACT_MAX else value


def mentions_by_sentence(sentences: Iterable[Sentence], mentions: Sequence[Mention]):
    """Pairs of (sentence, its mentions), in order, every sentence up to the one
    that holds the last mention: no reader keeps what a paragraph's later
    sentences say past the paragraph, so they need not be cut or read."""
    # Mentions do not overlap, so their ends are in order as their starts are:
    # a sentence's are those from the first that starts in it to the last that
    # ends in it (one that ends in it starts in it).
    starts = list(map(_START, mentions))
    ends = list(map(_END, mentions))
    last = starts[-1] if starts else -1
    for sentence in sentences:
        if sentence.start > last:
            return
        i = bisect_left(starts, sentence.start)
        yield sentence, mentions[i:bisect_right(ends, sentence.end, i)]
