"""One document's records in the compact form a worker sends back: rows, and their JSON Lines.

A worker turns its records into plain tuples in schema order (the store's
column order) and, when the output is JSON, into the very lines the JSON
writers print. Plain tuples and one string cross the process boundary far
faster than record objects, and the main process is left to insert rows and
write text, so it does not become the bottleneck of a parallel run.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from .record import FIELD_NAMES, Record

row_of = attrgetter(*FIELD_NAMES)  # a record's values as a tuple in schema order


@dataclass(frozen=True, slots=True)
class RecordRows:
    """Records as ``rows`` (tuples in ``FIELD_NAMES`` order) and, when encoded,
    ``lines``: the JSON Lines text of the same records, one ``\\n``-ended line each."""

    rows: list[tuple] = field(default_factory=list)
    lines: str | None = None

    @classmethod
    def of(cls, records: Iterable[Record], *, encode: bool = False) -> "RecordRows":
        """Pack ``records``, encoding their JSON Lines too when ``encode``."""
        rows = [row_of(record) for record in records]
        return cls(rows, _encode(rows) if encode else None)

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[Record]:
        """The records themselves, for the exporters that need them."""
        return [Record(*row) for row in self.rows]

    def jsonl(self) -> str:
        """The JSON Lines text: as encoded by the worker, or encoded now."""
        return self.lines if self.lines is not None else _encode(self.rows)

    def filtered(self, keep: Callable[[Record], bool]) -> "RecordRows":
        """The records ``keep`` accepts, with their lines when they were encoded."""
        kept = [i for i, record in enumerate(self.records()) if keep(record)]
        if len(kept) == len(self.rows):
            return self
        rows = [self.rows[i] for i in kept]
        if self.lines is None:
            return RecordRows(rows)
        lines = self.lines.split("\n")  # JSON escapes every newline inside a value
        return RecordRows(rows, "".join(lines[i] + "\n" for i in kept))


def _encode(rows: list[tuple]) -> str:
    from .export.jsonl import dumps_row

    return "".join(dumps_row(row) + "\n" for row in rows)
