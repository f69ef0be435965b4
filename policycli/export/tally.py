"""Running counts over exported records, for summaries: bounded by distinct keys, not records.

Counts only: a sum of values across documents, kinds and periods (a target
for 2027 plus last year's result plus a component of both) means nothing.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..record import KINDS, UNIT_KINDS, Record

ALL_UNITS = "(all units)"


def _kind_rows(counts: dict[str | None, Counter]) -> list[tuple[str | None, int, int, int, int]]:
    return [(key, *(kinds[k] for k in KINDS), sum(kinds.values())) for key, kinds in counts.items()]


@dataclass
class Tally:
    """Counts of records by kind, by subject and kind, by document and kind, and by unit kind and unit."""

    records: int = 0
    kinds: Counter = field(default_factory=Counter)
    subjects: dict[str | None, Counter] = field(default_factory=dict)
    documents: dict[str, Counter] = field(default_factory=dict)
    units: Counter = field(default_factory=Counter)

    def add(self, record: Record) -> None:
        self.records += 1
        self.kinds[record.kind] += 1
        self.subjects.setdefault(record.subject, Counter())[record.kind] += 1
        self.documents.setdefault(record.doc, Counter())[record.kind] += 1
        self.units[record.unit_kind, record.unit] += 1

    def subject_rows(self) -> list[tuple[str | None, int, int, int, int]]:
        """``(subject, targets, plans, facts, total)``, most targets first."""
        rows = _kind_rows(self.subjects)
        rows.sort(key=lambda r: (-r[1], -r[4], r[0] is None, r[0] or ""))
        return rows

    def document_rows(self) -> list[tuple[str, int, int, int, int]]:
        """``(doc, targets, plans, facts, total)`` in document order."""
        return sorted(_kind_rows(self.documents))

    def unit_rows(self) -> list[tuple[str, str | None, int]]:
        """``(unit_kind, unit, records)`` per unit, unit kinds in schema order.

        A unit kind with several units also gets a row with unit ``ALL_UNITS``.
        """
        order = {kind: i for i, kind in enumerate(UNIT_KINDS)}
        keys = sorted(self.units, key=lambda k: (order.get(k[0], len(order)), str(k[0]), k[1] or ""))
        rows: list[tuple[str, str | None, int]] = []
        for i, (kind, unit) in enumerate(keys):
            rows.append((kind, unit, self.units[kind, unit]))
            last_of_kind = i + 1 == len(keys) or keys[i + 1][0] != kind
            same_kind = [k for k in keys if k[0] == kind]
            if last_of_kind and len(same_kind) > 1:
                rows.append((kind, ALL_UNITS, sum(self.units[k] for k in same_kind)))
        return rows

    def line(self, documents: int | None = None) -> str:
        """One-line summary: ``N records: x targets, y plans, z facts, from K documents``."""
        docs = len(self.documents) if documents is None else documents
        return (
            f"{_plural(self.records, 'record')}: {_plural(self.kinds['target'], 'target')}, "
            f"{_plural(self.kinds['plan'], 'plan')}, {_plural(self.kinds['fact'], 'fact')}, "
            f"from {_plural(docs, 'document')}"
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
