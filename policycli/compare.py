"""Targets across documents: ``diff`` sets one year's targets beside the
previous year's (raised, lowered, same, reworded, new, dropped) and
``scorecard`` checks targets against the results a later document reports
(met, missed, unknown).

Both work on records, whatever produced them. A record's indicator is its
metric read through the indicator pack (地区生产总值, 全省生产总值 and GDP are
one; 城镇新增就业 and 城镇调查失业率 are two); a metric that is no known
indicator is compared under its own name. Within a document pair, records
are paired by indicator, unit and year, never by the exact subject: the
document's own subject (the one most of its records carry) pairs with the
other document's own, whatever either is called (江苏省人民政府 or 江苏), and
another subject pairs with one that contains it or that it contains.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .packs import Packs, default_packs
from .record import Record

CHANGES = ("raised", "lowered", "same", "reworded", "new", "dropped")
STATUSES = ("met", "missed", "unknown")
#: Unit kinds read as rates, whose 左右 tolerance is in percentage points.
RATE_KINDS = ("percent", "percentage_point")

#: The field names of a diff row and a scorecard row, in output order.
DIFF_FIELDS = ("indicator", "subject", "old", "new", "change")
SCORE_FIELDS = ("indicator", "subject", "target", "actual", "status", "gap")

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
#: A figure in a period or section that spans years rather than naming one.
_SPAN = "span"
_CLAUSE_BREAK = re.compile(r"[，,；;。：:！？!?]")


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far a result may fall short of a 左右 target and still meet it:
    ``points`` percentage points for rates (% and 个百分点), ``share`` of the
    target's value otherwise."""

    points: float = 0.2
    share: float = 0.02

    def of(self, record: Record) -> float:
        if record.unit_kind in RATE_KINDS:
            return self.points
        return abs(record.value) * self.share


@dataclass(slots=True)
class DiffRow:
    """One pair of targets, or one target the other document lacks."""

    indicator: str | None
    subject: str | None
    old: Record | None
    new: Record | None
    change: str

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "subject": self.subject,
                "old": self.old.to_dict() if self.old else None,
                "new": self.new.to_dict() if self.new else None, "change": self.change}


@dataclass(slots=True)
class ScoreRow:
    """One target, the figure that reports on it (or None) and the verdict."""

    indicator: str | None
    subject: str | None
    target: Record
    actual: Record | None
    status: str
    gap: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "subject": self.subject, "target": self.target.to_dict(),
                "actual": self.actual.to_dict() if self.actual else None,
                "status": self.status, "gap": self.gap}


class IndicatorReader:
    """Reads what a record measures and which year it speaks of, from the packs."""

    def __init__(self, packs: Packs | None = None):
        packs = packs or default_packs()
        self.names = packs.indicator_names
        self.better_of = packs.indicator_better
        self.qualifiers = sorted(packs.compare_qualifiers, key=len, reverse=True)
        self.trailing = sorted(packs.compare_trailing, key=len, reverse=True)
        self.multi_year = tuple(packs.multi_year_words)
        self.relative = ((-1, tuple(packs.last_year_words)), (1, tuple(packs.next_year_words)),
                         (0, tuple(packs.this_year_words)))
        self.whole_year = tuple(packs.whole_year_words)
        self.paragraph_spans = tuple(packs.paragraph_span_words)
        self.ceiling_verbs = frozenset(packs.ceiling_verbs)
        self.decline_verbs = frozenset(packs.decline_verbs)

    def indicator(self, metric: str | None) -> str | None:
        """The indicator a metric names: its pack name when it is a known one
        (qualifiers before and after taken off), else the metric itself."""
        if not metric:
            return None
        name = "".join(metric.split())
        for word in self.qualifiers:
            if name.startswith(word) and len(name) > len(word):
                name = name[len(word):]
                break
        for word in self.trailing:
            if name.endswith(word) and len(name) > len(word):
                name = name[:-len(word)]
                break
        return self.names.get(name, name)

    def better(self, indicator: str | None) -> str:
        return self.better_of.get(indicator or "", "higher")

    def signed(self, record: Record) -> float:
        """The record's value, negative when its verb makes it a fall (下降2%)."""
        return -record.value if record.verb in self.decline_verbs else record.value

    def year(self, record: Record, doc_year: int | None, default: int | None) -> int | str | None:
        """The year a record speaks of: from its period, else ``"span"`` when the
        words before it speak of several years (年均增长5.7%: a figure over
        several years, no one year's), else from its section, else ``default``.

        For a target the words read are its clause, and a section over several
        years (“十五五”时期主要目标) makes it a span; for a fact they are its
        sentence up to it, and only a section naming one year counts (a review
        of last year often stands under a five-year heading its report forgot
        to close)."""
        found = self._year_in(record.period, doc_year, default)
        if found is not None:
            return found
        target = record.kind == "target"
        if any(word in self._before(record, clause=target) for word in self.multi_year):
            return _SPAN
        found = self._section_year(record.section, spans=target)
        return default if found is None else found

    def _year_in(self, text: str | None, doc_year: int | None, default: int | None) -> int | str | None:
        if not text:
            return None
        years = set(_YEAR.findall(text))
        if len(years) > 1 or any(word in text for word in self.multi_year):
            return _SPAN
        if years:
            return int(years.pop())
        for offset, words in self.relative:
            if any(word in text for word in words):
                return None if doc_year is None else doc_year + offset
        if any(word in text for word in self.whole_year):
            return default
        return None

    def _section_year(self, section: str | None, spans: bool) -> int | str | None:
        if not section:
            return None
        years = set(_YEAR.findall(section))
        several = any(word in section for word in self.multi_year)
        if len(years) == 1 and not several:
            return int(years.pop())
        return _SPAN if spans and several and not years else None

    def in_span_paragraph(self, record: Record, text: str) -> bool:
        """Whether, in the paragraph of ``text`` the record stands in, words of
        several years (这五年, 年均) come before it with no single year after them."""
        if not 0 <= record.start <= len(text) or text[record.start:record.end] != record.text:
            return False
        opening = text[text.rfind("\n", 0, record.start) + 1:record.start]
        last_span = max((opening.rfind(w) for w in self.paragraph_spans), default=-1)
        if last_span < 0:
            return False
        single = [m.start() for m in _YEAR.finditer(opening)]
        single += [opening.rfind(w) for _, words in self.relative for w in words]
        return max(single, default=-1) < last_span

    @staticmethod
    def _before(record: Record, clause: bool) -> str:
        """The sentence up to the record's figure, or only the clause the figure ends."""
        sentence = record.sentence or ""
        at = figure_at(sentence, record.text, record.metric)
        if at < 0:
            return ""
        if not clause:
            return sentence[:at]
        breaks = list(_CLAUSE_BREAK.finditer(sentence, 0, at))
        return sentence[breaks[-1].end() if breaks else 0:at]


def figure_at(sentence: str, text: str, metric: str | None = None) -> int:
    """Where ``text`` stands in ``sentence`` as a whole figure (5% not inside
    15%): the first after ``metric`` where the metric is written there, else
    the first; -1 when it is not there."""
    anchor = sentence.find(metric) if metric else -1
    for start in ((anchor, 0) if anchor > 0 else (0,)):
        at = sentence.find(text, start) if text else -1
        while at > 0 and sentence[at - 1].isdigit() and text[:1].isdigit():
            at = sentence.find(text, at + 1)
        if at >= 0:
            return at
    return -1


#: A year as a text writes it: 2026年 (not 2026-02-02 in a page's header).
_WRITTEN_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")


def document_year(text: str, reach: int = 3000) -> int | None:
    """The year a document is dated: the first year written near its top
    (a work report's title or the date of the session it was given at)."""
    match = _WRITTEN_YEAR.search(text[:reach])
    return int(match.group(1)) if match else None


def name_year(name: str) -> int | None:
    """A year written in a file or document name (reports-2025.docx), or None."""
    found = _YEAR.findall(name.rsplit("/", 1)[-1])
    return int(found[-1]) if len(found) == 1 or (found and len(set(found)) == 1) else None


def guess_year(records: Sequence[Record]) -> int | None:
    """A document's year read from its targets when nothing else gives it: the
    earliest year any target's period names, else any target's section (a
    report's annual targets carry its own year; its longer ones, later years)."""
    for field in ("period", "section"):
        years = [int(y) for r in records if r.kind == "target" and getattr(r, field)
                 for y in _YEAR.findall(getattr(r, field))]
        if years:
            return min(years)
    return None


def main_subject(records: Iterable[Record]) -> str | None:
    """The subject most of a document's records carry: the document's own."""
    counts = Counter(r.subject for r in records if r.subject)
    return counts.most_common(1)[0][0] if counts else None


def _subject_key(record: Record, own: str | None) -> str | None:
    """None for the document's own subject (or none); else the subject."""
    subject = record.subject
    if subject is None or own is None or subject in own or own in subject:
        return None
    return subject


def _same_subject(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a in b or b in a


@dataclass(slots=True)
class _Item:
    record: Record
    indicator: str | None
    subject: str | None
    horizon: object
    rank: int = 0


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def change_of(old: Record, new: Record) -> str:
    """raised, lowered, same or reworded: the new target's figure against the old one's.

    A range compares by both ends; one widened or narrowed at both ends
    alike is reworded, as is a figure kept with another comparator (65万人 →
    65万人以上, 5%左右 → 5%以上). The same figure and comparator written
    otherwise (5％ → 5%) is the same."""
    old_lo, new_lo = old.value, new.value
    old_hi = old.value_max if old.value_max is not None else old_lo
    new_hi = new.value_max if new.value_max is not None else new_lo
    if _close(old_lo, new_lo) and _close(old_hi, new_hi):
        return "same" if old.comparator == new.comparator else "reworded"
    up = (new_lo >= old_lo or _close(new_lo, old_lo)) and (new_hi >= old_hi or _close(new_hi, old_hi))
    down = (new_lo <= old_lo or _close(new_lo, old_lo)) and (new_hi <= old_hi or _close(new_hi, old_hi))
    if up != down:
        return "raised" if up else "lowered"
    middle_old, middle_new = (old_lo + old_hi) / 2, (new_lo + new_hi) / 2
    if _close(middle_old, middle_new):
        return "reworded"
    return "raised" if middle_new > middle_old else "lowered"


def _horizon(reader: IndicatorReader, record: Record, doc_year: int | None) -> object:
    """Which year a target is for, as pairing compares it: "annual" for the
    document's own year, else the year, or the period as written for a span."""
    year = reader.year(record, doc_year, doc_year)
    if year == _SPAN:
        return (_SPAN, "".join((record.period or "").split()))
    return "annual" if year == doc_year else year


def _items(reader: IndicatorReader, records: Sequence[Record], doc_year: int | None) -> list[_Item]:
    own = main_subject(records)
    items = [_Item(r, reader.indicator(r.metric), _subject_key(r, own), _horizon(reader, r, doc_year))
             for r in records]
    seen: Counter = Counter()
    for item in items:
        key = (item.indicator, item.record.unit, item.horizon)
        item.rank = seen[key]
        seen[key] += 1
    return items


def _pairs(old: list[_Item], new: list[_Item]) -> list[tuple[int, int]]:
    """Pairs of (old, new) indices that measure the same indicator in the same
    unit for the same horizon, best matches first: the same comparator, the
    same commitment word, the same place in its group, the closest value."""
    by_key: dict[tuple, list[int]] = {}
    for i, item in enumerate(old):
        if item.indicator is not None:
            by_key.setdefault((item.indicator, item.record.unit, item.horizon), []).append(i)
    candidates = []
    for j, item in enumerate(new):
        if item.indicator is None:
            continue
        for i in by_key.get((item.indicator, item.record.unit, item.horizon), ()):
            o = old[i]
            if not _same_subject(o.subject, item.subject):
                continue
            a, b = o.record, item.record
            cost = (a.comparator != b.comparator, a.modality != b.modality, abs(o.rank - item.rank),
                    abs(a.value - b.value) / max(1.0, abs(a.value)), i, j)
            candidates.append((cost, i, j))
    candidates.sort()
    used_old, used_new, pairs = set(), set(), []
    for _, i, j in candidates:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j))
    return pairs


def diff(old_records: Iterable[Record], new_records: Iterable[Record], *,
         old_year: int | None = None, new_year: int | None = None,
         packs: Packs | None = None) -> list[DiffRow]:
    """Every target of ``old_records`` and ``new_records`` once: paired where
    both have it (with its change), else ``dropped`` or ``new``.

    ``old_year`` and ``new_year`` are the documents' years; a target with no
    year of its own is for its document's year, and annual targets pair with
    annual ones. Unknown years are read from the targets' periods; failing
    that, each document's undated targets pair with the other's."""
    reader = IndicatorReader(packs)
    old = [r for r in old_records if r.kind == "target"]
    new = [r for r in new_records if r.kind == "target"]
    old_year = old_year if old_year is not None else guess_year(old)
    new_year = new_year if new_year is not None else guess_year(new)
    old_items, new_items = _items(reader, old, old_year), _items(reader, new, new_year)
    partner = {j: i for i, j in _pairs(old_items, new_items)}
    # Rows follow the new document; a dropped target follows the row that
    # holds the old target before it (or leads, when none does).
    dropped_after: dict[int, list[int]] = {}
    paired_old = sorted(partner.values())
    row_of_old = {i: j for j, i in partner.items()}
    for i in range(len(old_items)):
        if i not in row_of_old:
            earlier = [k for k in paired_old if k < i]
            dropped_after.setdefault(row_of_old[earlier[-1]] if earlier else -1, []).append(i)

    def dropped(j: int) -> list[DiffRow]:
        return [DiffRow(old_items[i].indicator, old_items[i].record.subject, old_items[i].record, None, "dropped")
                for i in dropped_after.get(j, ())]

    rows = dropped(-1)
    for j, item in enumerate(new_items):
        i = partner.get(j)
        if i is None:
            rows.append(DiffRow(item.indicator, item.record.subject, None, item.record, "new"))
        else:
            before = old_items[i].record
            rows.append(DiffRow(item.indicator, item.record.subject or before.subject, before, item.record,
                                change_of(before, item.record)))
        rows.extend(dropped(j))
    return rows


def judge(target: Record, actual: Record, reader: IndicatorReader, indicator: str | None,
          tolerance: Tolerance = Tolerance()) -> tuple[str, float]:
    """met or missed, and the gap (actual minus target, falls negative), by the
    target's comparator. A target with no direction of its own (左右, a bare
    figure) takes it from its verb (控制 makes a ceiling) or else from the
    indicator (higher is better, lower is better, or either side within the
    tolerance); only 左右 gets the tolerance."""
    sign = -1.0 if target.verb in reader.decline_verbs else 1.0
    lo = sign * target.value
    hi = sign * target.value_max if target.value_max is not None else lo
    lo, hi = min(lo, hi), max(lo, hi)
    got = reader.signed(actual)
    gap = got - lo if got < lo else got - hi if got > hi else 0.0
    if actual.comparator in (">", ">="):  # 超6.1万家 reports more than 6.1万, which beats 6.1万以上
        got += 1e-9 * max(1.0, abs(got)) * (-1 if actual.verb in reader.decline_verbs else 1)
    slack = tolerance.of(target) if target.comparator == "~" else 0.0
    direction = reader.better(indicator)
    if target.verb in reader.ceiling_verbs:
        direction = "lower"
    elif sign < 0 and direction == "higher":
        direction = "lower"  # a fall of 2%: falling further beats it
    comparator = target.comparator
    if comparator in (">=", ">", "<=", "<"):
        if sign < 0:  # 下降2%以上 is a fall of at least 2%: at most -2
            comparator = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}[comparator]
        met = {">=": got >= lo - 1e-9, ">": got > lo, "<=": got <= lo + 1e-9, "<": got < lo}[comparator]
    elif comparator == "range":
        met = (got >= lo - 1e-9 if direction != "lower" else True) and (got <= hi + 1e-9 if direction != "higher" else True)
    elif direction == "higher":
        met = got >= lo - slack - 1e-9
    elif direction == "lower":
        met = got <= hi + slack + 1e-9
    else:
        met = abs(got - lo) <= slack + 1e-9
    return ("met" if met else "missed"), round(gap, 10)


def scorecard(target_records: Iterable[Record], result_records: Iterable[Record], *,
              target_year: int | None = None, result_year: int | None = None,
              review_year: int | None = None, tolerance: Tolerance = Tolerance(),
              any_metric: bool = False, result_text: str | None = None,
              packs: Packs | None = None) -> list[ScoreRow]:
    """Each target of ``target_records`` with the fact of ``result_records``
    that reports the same indicator, in the same unit, for the target's year,
    and whether the target was met.

    A fact with no year of its own reports ``review_year``: by default the
    year before ``result_year`` (a work report reviews the year before it),
    or the targets' year when the results' year is unknown. A fact over
    several years (年均, 五年, “十四五”) reports no single year and is never
    used; without a fact the status is ``unknown``. Only targets whose metric
    is an indicator of the packs are judged, unless ``any_metric``: then a
    target whose metric is no known indicator is judged by a fact with the
    very same metric. ``result_text``, the text the results' offsets index,
    lets a fact be read in its whole paragraph: one that follows a paragraph's
    account of several years (这五年，…) is not last year's."""
    reader = IndicatorReader(packs)
    targets = [r for r in target_records if r.kind == "target"]
    facts = [r for r in result_records if r.kind == "fact"]
    target_year = target_year if target_year is not None else guess_year(targets)
    if review_year is None:
        review_year = result_year - 1 if result_year is not None else target_year
    own_targets, own_facts = main_subject(targets), main_subject(facts)
    by_key: dict[tuple, list[Record]] = {}
    for fact in facts:
        year = reader.year(fact, result_year, review_year)
        if year is None or year == _SPAN or (result_text and reader.in_span_paragraph(fact, result_text)):
            continue
        key = (reader.indicator(fact.metric), fact.unit, year)
        by_key.setdefault(key, []).append(fact)
    rows = []
    for target in targets:
        indicator = reader.indicator(target.metric)
        year = reader.year(target, target_year, target_year)
        subject = _subject_key(target, own_targets)
        found = None
        if indicator is not None and year not in (None, _SPAN) and (any_metric or indicator in reader.names):
            found = _first_report([f for f in by_key.get((indicator, target.unit, year), ())
                                   if _same_subject(subject, _subject_key(f, own_facts))])
        if found is None:
            rows.append(ScoreRow(indicator, target.subject, target, None, "unknown", None))
            continue
        status, gap = judge(target, found, reader, indicator, tolerance)
        rows.append(ScoreRow(indicator, target.subject, target, found, status, gap))
    return rows


def _first_report(facts: list[Record]) -> Record | None:
    """The first fact in the document; of several in its sentence, the last
    (从26.7%提高到52.1%: the figure reached comes after the one left behind)."""
    if not facts:
        return None
    first = facts[0]
    return [f for f in facts if f.sentence == first.sentence and f.doc == first.doc][-1]

