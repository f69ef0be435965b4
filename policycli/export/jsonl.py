"""JSON Lines: one record object per line, keys in schema order, UTF-8 as is."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from ..record import FIELD_NAMES, Record
from ..rows import RecordRows, row_of


#: One encoder for every record: json.dumps with non-default options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def dumps(record: Record) -> str:
    """One record as a compact JSON object, non-ASCII text kept readable."""
    return dumps_row(row_of(record))


def dumps_row(row: tuple) -> str:
    """The same JSON text as ``dumps``, from a record's row of values in schema order."""
    return _ENCODER.encode(dict(zip(FIELD_NAMES, row)))


def write_jsonl(records: Iterable[Record | RecordRows], out: TextIO) -> int:
    """Write one line per record, blocks of rows as their encoded lines; returns how many records."""
    count = 0
    for item in records:
        if isinstance(item, RecordRows):
            out.write(item.jsonl())
            count += len(item)
            continue
        out.write(dumps(item))
        out.write("\n")
        count += 1
    return count
