"""JSON: one array of record objects, written as records arrive rather than built in memory."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from ..record import Record
from ..rows import RecordRows
from .jsonl import dumps

SEPARATOR = ",\n  "


def write_json(records: Iterable[Record | RecordRows], out: TextIO) -> int:
    """Write ``[`` + one object per line + ``]``; returns how many records.

    A block of rows contributes its JSON Lines text with the line ends turned
    into separators, so each object is the same text as in JSON Lines.
    """
    count = 0
    for item in records:
        if isinstance(item, RecordRows):
            if not item:
                continue
            text, added = item.jsonl()[:-1].replace("\n", SEPARATOR), len(item)
        else:
            text, added = dumps(item), 1
        out.write(SEPARATOR if count else "[\n  ")
        out.write(text)
        count += added
    out.write("\n]\n" if count else "[]\n")
    return count
