"""The record: one quantified commitment, with the field names of SCHEMA.md."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

UNIT_KINDS = (
    "currency", "area", "length", "mass", "energy", "power", "volume",
    "percent", "percentage_point", "ratio", "count", "duration",
)
COMPARATORS = ("=", ">=", ">", "<=", "<", "~", "range")
KINDS = ("target", "plan", "fact")


@dataclass(slots=True)
class Record:
    """One quantity mention with its commitment context.

    ``start``/``end`` index the decoded source text, so
    ``source[start:end] == text`` always holds.
    """

    doc: str
    start: int
    end: int
    text: str
    value: int | float
    value_max: int | float | None
    unit: str | None
    unit_kind: str
    comparator: str
    kind: str
    subject: str | None
    verb: str | None
    metric: str | None
    modality: str | None
    period: str | None
    sentence: str
    section: str | None

    def to_dict(self) -> dict[str, Any]:
        """The record as a plain dict, keys in schema order."""
        return {name: getattr(self, name) for name in FIELD_NAMES}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Record":
        """Build a record from a dict, ignoring keys the schema does not name."""
        return cls(**{name: data.get(name) for name in FIELD_NAMES})


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Record))


@dataclass(slots=True)
class SourceInfo:
    """What happened to one input: its size in characters, records found, or its error."""

    doc: str
    chars: int = 0
    records: int = 0
    error: str | None = None
    status: str = "ok"
