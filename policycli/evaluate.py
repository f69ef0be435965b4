"""Score extracted records against hand-made gold records.

The figures agree with the project's reference scorer so that numbers quoted
from either are comparable: records are paired per document (file basename)
by the largest character overlap, optional gold counts neither way, and gold
``region`` lines limit which predictions are scored. The functions work on
plain dicts (one per JSON line) so that gold files and ``extract`` output can
be compared without building ``Record`` objects.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .jsonl import read_objects
from .packs import default_packs

DEFAULT_COMPARATOR = "="
_QUOTES = "“”\"'《》"


class EvalInputError(ValueError):
    """A gold or prediction file that cannot be scored; ``str()`` is one line."""


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Every JSON object in a JSON Lines file; blank lines are skipped.

    Raises ``EvalInputError`` naming the file and line of the first bad line.
    """
    return read_objects(path, EvalInputError)


# --- field comparisons -----------------------------------------------------

def _norm(value: Any) -> str:
    """Text for comparison: whitespace removed, outer quotes and 《》 stripped."""
    if value is None:
        return ""
    return "".join(str(value).split()).strip(_QUOTES)


def _as_number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _same_value(gold: Any, pred: Any) -> bool:
    g, p = _as_number(gold), _as_number(pred)
    if g is None or p is None:
        return g is None and p is None
    return abs(g - p) <= 1e-9 * max(1.0, abs(g))


def _one_contains_other(gold: Any, pred: Any, min_len: int) -> bool:
    """Equal, or the shorter (at least ``min_len`` long) lies inside the longer."""
    g, p = _norm(gold), _norm(pred)
    if g == p:
        return True
    if not g or not p:
        return False
    return min(len(g), len(p)) >= min_len and (g in p or p in g)


def _common_share(a: Any, b: Any) -> float:
    """Length of the longest run ``a`` and ``b`` share, as a share of ``a``."""
    a, b = _norm(a), _norm(b)
    if not a:
        return 0.0 if b else 1.0
    longest = 0
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b, 1):
            if char == other:
                current[j] = previous[j - 1] + 1
                longest = max(longest, current[j])
        previous = current
    return longest / len(a)


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    """Names of the whole country (全国, 我国, 中国…, from the subject packs)."""
    packs = default_packs()
    return frozenset(packs.country_names + packs.country_topics)


def _same_subject(gold: Any, pred: Any) -> bool:
    """Contained either way, with every name of the whole country the same
    country, as a national document's subject may be written any of them."""
    countries = _country_names()
    if _norm(gold) in countries and _norm(pred) in countries:
        return True
    return _one_contains_other(gold, pred, 2)


def _same_metric(gold: Any, pred: Any) -> bool:
    return _common_share(gold, pred) >= 0.5 and _common_share(pred, gold) >= 0.3


def _same_text(name: str) -> Callable[[dict, dict], bool]:
    return lambda g, p: _norm(g.get(name)) == _norm(p.get(name))


def _contained(name: str, min_len: int) -> Callable[[dict, dict], bool]:
    return lambda g, p: _one_contains_other(g.get(name), p.get(name), min_len)


FIELD_CHECKS: dict[str, Callable[[dict, dict], bool]] = {
    "value": lambda g, p: _same_value(g.get("value"), p.get("value")),
    "unit_kind": _same_text("unit_kind"),
    "comparator": lambda g, p: _norm(g.get("comparator") or DEFAULT_COMPARATOR)
    == _norm(p.get("comparator") or DEFAULT_COMPARATOR),
    "kind": _same_text("kind"),
    "subject": lambda g, p: _same_subject(g.get("subject"), p.get("subject")),
    "metric": lambda g, p: _same_metric(g.get("metric"), p.get("metric")),
    "verb": _contained("verb", 1),
    "modality": _contained("modality", 1),
    "period": _contained("period", 2),
}
"""Per-field agreement tests, in the order reports list them."""


# --- the score ----------------------------------------------------------------

def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass(slots=True)
class FieldMismatch:
    """A matched pair whose listed fields disagree."""

    gold: dict[str, Any]
    pred: dict[str, Any]
    fields: list[str]


@dataclass(slots=True)
class Score:
    """Counts from one comparison, with the records behind the errors."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact_spans: int = 0
    target_tp: int = 0
    target_fp: int = 0
    target_fn: int = 0
    field_hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELD_CHECKS, 0))
    misses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    extras: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    mismatches: list[FieldMismatch] = field(default_factory=list)

    @property
    def pairs(self) -> int:
        return self.tp

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    @property
    def pred(self) -> int:
        return self.tp + self.fp

    @property
    def mention(self) -> tuple[float, float, float]:
        """Mention precision, recall and F1."""
        return _prf(self.tp, self.fp, self.fn)

    @property
    def target(self) -> tuple[float, float, float]:
        """Precision, recall and F1 of the ``target`` kind."""
        return _prf(self.target_tp, self.target_fp, self.target_fn)

    @property
    def mention_f1(self) -> float:
        return self.mention[2]

    @property
    def target_f1(self) -> float:
        return self.target[2]

    @property
    def field_accuracy(self) -> dict[str, float]:
        """Share of matched pairs that agree, per field (0 when nothing matched)."""
        return {name: (hits / self.pairs if self.pairs else 0.0) for name, hits in self.field_hits.items()}

    @property
    def mean_field_accuracy(self) -> float:
        accuracy = self.field_accuracy
        return sum(accuracy.values()) / len(accuracy) if accuracy else 0.0


def _doc_key(row: dict[str, Any]) -> str:
    return os.path.basename(str(row.get("doc", "")))


def _span(row: dict[str, Any]) -> tuple[float, float]:
    """The row's character span; a row without numeric offsets overlaps nothing."""
    start, end = row.get("start"), row.get("end")
    if not isinstance(start, (int, float)) or not isinstance(end, (int, float)):
        return (0, 0)
    return (start, end)


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> int:
    (a0, a1), (b0, b1) = _span(a), _span(b)
    return max(0, min(a1, b1) - max(a0, b0))


def _in_regions(row: dict[str, Any], regions: list[tuple[int, int]]) -> bool:
    start, end = _span(row)
    return any(min(end, stop) > max(start, begin) for begin, stop in regions)


def _pair_up(golds: list[dict], preds: list[dict]) -> dict[int, int]:
    """Gold index -> prediction index, greedily by overlap in gold start order.

    Each prediction serves at most one gold record; on equal overlap the
    earlier prediction wins. Optional gold takes part, so a prediction it
    claims is neither a hit nor an extra.
    """
    taken: set[int] = set()
    pairs: dict[int, int] = {}
    for gi in sorted(range(len(golds)), key=lambda i: _span(golds[i])[0]):
        best, best_overlap = None, 0
        for pi, pred in enumerate(preds):
            if pi not in taken:
                overlap = _overlap(golds[gi], pred)
                if overlap > best_overlap:
                    best, best_overlap = pi, overlap
        if best is not None:
            taken.add(best)
            pairs[gi] = best
    return pairs


def score(gold: Iterable[dict[str, Any]], pred: Iterable[dict[str, Any]]) -> Score:
    """Compare prediction rows with gold rows; only documents the gold names count."""
    gold_by_doc: dict[str, list[dict]] = {}
    regions: dict[str, list[tuple[int, int]]] = {}
    for row in gold:
        doc = _doc_key(row)
        if "region" in row:
            begin, stop = row["region"]
            regions.setdefault(doc, []).append((begin, stop))
        else:
            gold_by_doc.setdefault(doc, []).append(row)
    scope = set(gold_by_doc) | set(regions)
    pred_by_doc: dict[str, list[dict]] = {}
    for row in pred:
        doc = _doc_key(row)
        if doc in scope and (doc not in regions or _in_regions(row, regions[doc])):
            pred_by_doc.setdefault(doc, []).append(row)

    result = Score()
    for doc in sorted(set(gold_by_doc) | set(pred_by_doc)):
        golds, preds = gold_by_doc.get(doc, []), pred_by_doc.get(doc, [])
        pairs = _pair_up(golds, preds)
        for gi, g in enumerate(golds):
            if g.get("optional"):
                continue
            p = preds[pairs[gi]] if gi in pairs else None
            _count_gold(result, doc, g, p)
        claimed = set(pairs.values())
        for pi, p in enumerate(preds):
            if pi not in claimed:
                result.fp += 1
                result.extras.append((doc, p))
                if p.get("kind") == "target":
                    result.target_fp += 1
    return result


def _count_gold(result: Score, doc: str, g: dict, p: dict | None) -> None:
    """Add one non-optional gold record and its partner (if any) to ``result``."""
    if p is None:
        result.fn += 1
        result.misses.append((doc, g))
    else:
        result.tp += 1
        result.exact_spans += (g.get("start"), g.get("end")) == (p.get("start"), p.get("end"))
        wrong = []
        for name, check in FIELD_CHECKS.items():
            if check(g, p):
                result.field_hits[name] += 1
            else:
                wrong.append(name)
        if wrong:
            result.mismatches.append(FieldMismatch(g, p, wrong))
    gold_target = g.get("kind") == "target"
    pred_target = p is not None and p.get("kind") == "target"
    if gold_target and pred_target:
        result.target_tp += 1
    elif gold_target:
        result.target_fn += 1
    elif pred_target:
        result.target_fp += 1


def format_report(result: Score, show: bool = False) -> str:
    """The report as text: counts, per-field table, optional detail, summary last."""
    mp, mr, mf = result.mention
    tp_, tr, tf = result.target
    lines = [
        f"mentions  gold={result.gold} pred={result.pred} tp={result.tp} fp={result.fp} "
        f"fn={result.fn}  P={mp:.3f} R={mr:.3f} F1={mf:.3f}  "
        f"exact-span={result.exact_spans}/{result.tp}",
        f"targets   tp={result.target_tp} fp={result.target_fp} fn={result.target_fn}  "
        f"P={tp_:.3f} R={tr:.3f} F1={tf:.3f}",
    ]
    accuracy = result.field_accuracy
    for name, hits in result.field_hits.items():
        lines.append(f"  {name:<10} {hits:>4}/{result.pairs:<4} {accuracy[name]:.3f}")
    if show:
        for doc, g in result.misses:
            lines.append(f"MISS  {doc} {g.get('start')}-{g.get('end')} {g.get('text')} ({g.get('kind')})")
        for doc, p in result.extras:
            lines.append(f"EXTRA {doc} {p.get('start')}-{p.get('end')} {p.get('text')} ({p.get('kind')})")
        for m in result.mismatches:
            detail = ", ".join(f"{n} gold={m.gold.get(n)!r} pred={m.pred.get(n)!r}" for n in m.fields)
            lines.append(f"FIELD {m.gold.get('text')}: {detail}")
    lines.append(
        f"mentionF1={mf:.3f} targetF1={tf:.3f} fieldacc={result.mean_field_accuracy:.3f}"
    )
    return "\n".join(lines)
