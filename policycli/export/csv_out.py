"""CSV (RFC 4180): header of schema field names, one row per record, text neutralised."""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

from ..record import FIELD_NAMES, Record
from .safety import neutralise

BOM = "\ufeff"


def csv_cell(value: Any) -> str:
    """A field as CSV text: empty for None, integral floats without ``.0``, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def write_csv(records: Iterable[Record], out: TextIO, *, bom: bool = True) -> int:
    """Write the header and one row per record; ``bom`` lets Excel see UTF-8. Returns the row count."""
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELD_NAMES)
    count = 0
    for record in records:
        writer.writerow([csv_cell(getattr(record, name)) for name in FIELD_NAMES])
        count += 1
    return count
