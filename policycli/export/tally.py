"""Running totals over exported records, for summaries: bounded by distinct keys, not records."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..record import KINDS, UNIT_KINDS, Record

# Unit kinds whose values add up to something meaningful (per unit).
SUMMABLE_KINDS = ("currency", "area", "count")
ALL_UNITS = "(all units)"


@dataclass(slots=True)
class UnitTotal:
    records: int = 0
    total: float = 0.0


@dataclass
class Tally:
    """Counts of records by kind, by subject and kind, and by unit kind and unit."""

    records: int = 0
    kinds: Counter = field(default_factory=Counter)
    subjects: dict[str | None, Counter] = field(default_factory=dict)
    units: dict[tuple[str, str | None], UnitTotal] = field(default_factory=dict)
    docs: set[str] = field(default_factory=set)

    def add(self, record: Record) -> None:
        self.records += 1
        self.kinds[record.kind] += 1
        self.subjects.setdefault(record.subject, Counter())[record.kind] += 1
        unit = self.units.setdefault((record.unit_kind, record.unit), UnitTotal())
        unit.records += 1
        if record.unit_kind in SUMMABLE_KINDS and isinstance(record.value, (int, float)):
            unit.total += record.value
        self.docs.add(record.doc)

    def subject_rows(self) -> list[tuple[str | None, int, int, int, int]]:
        """``(subject, targets, plans, facts, total)``, most targets first."""
        rows = [
            (subject, *(counts[k] for k in KINDS), sum(counts.values()))
            for subject, counts in self.subjects.items()
        ]
        rows.sort(key=lambda r: (-r[1], -r[4], r[0] is None, r[0] or ""))
        return rows

    def unit_rows(self) -> list[tuple[str, str | None, int, float | None]]:
        """``(unit_kind, unit, records, sum)`` per unit, unit kinds in schema order.

        The sum is given for currency, area and count only. A unit kind with
        several units also gets a row with unit ``ALL_UNITS`` and its record
        count; its sum stays empty, since 元 and 美元 do not add up.
        """
        order = {kind: i for i, kind in enumerate(UNIT_KINDS)}
        keys = sorted(self.units, key=lambda k: (order.get(k[0], len(order)), str(k[0]), k[1] or ""))
        rows: list[tuple[str, str | None, int, float | None]] = []
        for i, (kind, unit) in enumerate(keys):
            total = self.units[kind, unit]
            rows.append((kind, unit, total.records, total.total if kind in SUMMABLE_KINDS else None))
            last_of_kind = i + 1 == len(keys) or keys[i + 1][0] != kind
            same_kind = [k for k in keys if k[0] == kind]
            if last_of_kind and len(same_kind) > 1:
                rows.append((kind, ALL_UNITS, sum(self.units[k].records for k in same_kind), None))
        return rows

    def line(self, documents: int | None = None) -> str:
        """One-line summary: ``N records: x targets, y plans, z facts, from K documents``."""
        docs = len(self.docs) if documents is None else documents
        return (
            f"{_plural(self.records, 'record')}: {_plural(self.kinds['target'], 'target')}, "
            f"{_plural(self.kinds['plan'], 'plan')}, {_plural(self.kinds['fact'], 'fact')}, "
            f"from {_plural(docs, 'document')}"
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
