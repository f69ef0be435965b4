"""JSON Lines: one record object per line, keys in schema order, UTF-8 as is."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from ..record import Record


#: One encoder for every record: json.dumps with non-default options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def dumps(record: Record) -> str:
    """One record as a compact JSON object, non-ASCII text kept readable."""
    return _ENCODER.encode(record.to_dict())


def write_jsonl(records: Iterable[Record], out: TextIO) -> int:
    """Write one line per record; returns how many."""
    count = 0
    for record in records:
        out.write(dumps(record))
        out.write("\n")
        count += 1
    return count
