"""Parquet: typed columns in schema order, zstd-compressed, written in row groups as records stream.

pyarrow is an optional dependency (``pip install 'policycli[parquet]'``); it is
imported only here, and only when Parquet is written. ``value`` and
``value_max`` are float64, which holds every integer up to 2**53 exactly
(larger ones round to the nearest float); a null stays a null in every column.
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from typing import IO

from ..record import FIELD_NAMES, Record
from ..rows import RecordRows, row_of

#: Rows per row group: large enough for good compression, small enough that a
#: writer holds only a few MB of rows at a time.
ROW_GROUP_ROWS = 10_000
COMPRESSION = "zstd"
INSTALL_HINT = "pip install 'policycli[parquet]'"

_INTEGER_FIELDS = frozenset({"start", "end"})
_FLOAT_FIELDS = frozenset({"value", "value_max"})
#: Columns SCHEMA.md never leaves empty.
_REQUIRED_FIELDS = frozenset({"doc", "start", "end", "text", "value", "unit_kind", "comparator", "kind", "sentence"})


class MissingDependency(ImportError):
    """An optional dependency is not installed; the message says which extra brings it."""


def pyarrow():
    """The pyarrow module, or MissingDependency naming the extra that installs it."""
    try:
        import pyarrow as pa
        import pyarrow.parquet  # noqa: F401  (loads the submodule onto ``pa``)
    except ImportError:
        raise MissingDependency(f"Parquet output needs pyarrow: {INSTALL_HINT}") from None
    return pa


def arrow_schema():
    """The record schema as an Arrow schema: every field in schema order with its type."""
    pa = pyarrow()

    def kind(name: str):
        if name in _INTEGER_FIELDS:
            return pa.int64()
        if name in _FLOAT_FIELDS:
            return pa.float64()
        return pa.string()

    return pa.schema([pa.field(name, kind(name), nullable=name not in _REQUIRED_FIELDS) for name in FIELD_NAMES])


def _float(value) -> float | None:
    return None if value is None else float(value)


def rows_table(rows: Sequence[tuple], schema=None):
    """An Arrow table of ``rows`` (tuples in schema order), typed by ``arrow_schema``."""
    pa = pyarrow()
    schema = schema or arrow_schema()
    columns = list(zip(*rows)) if rows else [()] * len(FIELD_NAMES)
    arrays = []
    for field, column in zip(schema, columns):
        if field.name in _FLOAT_FIELDS:
            column = [_float(value) for value in column]
        arrays.append(pa.array(column, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def write_parquet(records: Iterable[Record | RecordRows], dest: str | os.PathLike | IO[bytes],
                  *, row_group_rows: int = ROW_GROUP_ROWS) -> int:
    """Write ``records`` to ``dest`` (a path or binary file), a row group per
    ``row_group_rows`` records; returns the count. Only one row group's rows
    are held at a time, so memory stays flat however many records stream in."""
    pa = pyarrow()
    schema = arrow_schema()
    count = 0
    pending: list[tuple] = []
    with pa.parquet.ParquetWriter(dest, schema, compression=COMPRESSION) as writer:
        for item in records:
            if isinstance(item, RecordRows):
                pending.extend(item.rows)
            else:
                pending.append(row_of(item))
            while len(pending) >= row_group_rows:
                writer.write_table(rows_table(pending[:row_group_rows], schema))
                count += row_group_rows
                del pending[:row_group_rows]
        if pending:
            writer.write_table(rows_table(pending, schema))
            count += len(pending)
    return count


def parquet_bytes(rows: Sequence[tuple], *, row_group_rows: int = ROW_GROUP_ROWS) -> bytes:
    """A whole Parquet file of ``rows`` in memory: what a cluster worker sends back."""
    buffer = io.BytesIO()
    write_parquet([RecordRows(list(rows))], buffer, row_group_rows=row_group_rows)
    return buffer.getvalue()
