"""JSON: one array of record objects, written as records arrive rather than built in memory."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from ..record import Record
from .jsonl import dumps


def write_json(records: Iterable[Record], out: TextIO) -> int:
    """Write ``[`` + one object per line + ``]``; returns how many records."""
    count = 0
    for record in records:
        out.write(",\n  " if count else "[\n  ")
        out.write(dumps(record))
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count
