"""Exporters: write records as a terminal table, JSON, JSON Lines, CSV, XLSX, Parquet or an HTML review page.

``write_records`` is the one entry point. Records may come from a generator
and are consumed once; every format except the terminal table streams them.
A destination path is written through a temporary file that replaces it only
on success. Every writer but JSON Lines (and the temporary files) is imported
only when used: a cron run over one file pays for none it does not write, and
the table (rich), XLSX (openpyxl) and Parquet (pyarrow) are slow to import.
"""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..record import Record, SourceInfo
from ..rows import RecordRows
from .jsonl import write_jsonl

if TYPE_CHECKING:
    from .doc_texts import DocumentTexts

FORMATS = ("table", "json", "jsonl", "csv", "xlsx", "html", "parquet")

_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".xlsx": "xlsx",
             ".html": "html", ".htm": "html", ".parquet": "parquet"}

__all__ = ["FORMATS", "format_from_path", "write_records"]


def format_from_path(path: str | os.PathLike) -> str | None:
    """The format a file name asks for by its suffix, or None when it names none."""
    return _SUFFIXES.get(Path(path).suffix.lower())


def write_records(
    records: Iterable[Record | RecordRows],
    fmt: str,
    dest: str | os.PathLike | None = None,
    *,
    sources: Sequence[SourceInfo] = (),
    bom: bool = True,
    stream: IO | None = None,
    width: int | None = None,
    texts: DocumentTexts | None = None,
) -> int:
    """Write ``records`` in format ``fmt`` to ``dest`` (a path) or ``stream``; returns the count.

    ``records`` may also hold ``RecordRows`` blocks, as a batch run yields
    them: the JSON formats write their encoded lines as they are, Parquet
    takes their rows, the others unpack them into records. ``sources`` is
    read only after ``records`` is exhausted, so a batch may fill it while the
    records are produced. ``bom`` applies to CSV, ``width`` to the table.
    ``texts`` gives the HTML page each document's text (default: read again
    from the path its records name). Without ``dest``, output goes to
    ``stream`` (default standard output).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt not in ("json", "jsonl", "parquet"):
        records = _unpacked(records)
    if fmt == "xlsx":
        return _write_xlsx(records, dest, stream, sources)
    if fmt == "html":
        return _write_html(records, dest, stream, sources, texts)
    if fmt == "parquet":
        return _write_parquet(records, dest, stream)
    if dest is None:
        return _write_text(records, fmt, stream or sys.stdout, sources, bom, width, color=None)
    from .atomic import atomic_path

    with atomic_path(dest) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        return _write_text(records, fmt, out, sources, bom, width or 120, color=False)


def _unpacked(items: Iterable[Record | RecordRows]) -> Iterator[Record]:
    for item in items:
        if isinstance(item, RecordRows):
            yield from item.records()
        else:
            yield item


def _write_text(records, fmt, out, sources, bom, width, color) -> int:
    if fmt == "jsonl":
        return write_jsonl(records, out)
    if fmt == "json":
        from .json_array import write_json

        return write_json(records, out)
    if fmt == "csv":
        from .csv_out import write_csv

        return write_csv(records, out, bom=bom)
    from .table import write_table

    return write_table(records, out, sources=sources, width=width, color=color)


def _write_xlsx(records, dest, stream, sources) -> int:
    import tempfile

    from .atomic import atomic_path
    from .xlsx import write_xlsx  # openpyxl is slow to import; only XLSX output needs it

    if dest is not None:
        with atomic_path(dest) as tmp:
            return write_xlsx(records, tmp, sources)
    out = stream if stream is not None else sys.stdout
    out = getattr(out, "buffer", out)
    if hasattr(out, "isatty") and out.isatty():
        raise ValueError("refusing to write an XLSX workbook to a terminal; give an output file")
    # Built in a temporary file first: a zip needs seeking, and a failure then emits nothing.
    with tempfile.TemporaryFile() as tmp:
        count = write_xlsx(records, tmp, sources)
        tmp.seek(0)
        shutil.copyfileobj(tmp, out)
    out.flush()
    return count


def _write_html(records, dest, stream, sources, texts) -> int:
    from .atomic import atomic_path
    from .html import write_html

    if dest is not None:
        with atomic_path(dest) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
            return write_html(records, out, sources=sources, texts=texts)
    out = stream if stream is not None else sys.stdout
    if hasattr(out, "isatty") and out.isatty():
        raise ValueError("refusing to write an HTML page to a terminal; give an output file")
    return write_html(records, out, sources=sources, texts=texts)


def _write_parquet(records, dest, stream) -> int:
    import tempfile

    from .atomic import atomic_path
    from .parquet import write_parquet  # pyarrow is an optional dependency, imported only here

    if dest is not None:
        with atomic_path(dest) as tmp:
            return write_parquet(records, tmp)
    out = stream if stream is not None else sys.stdout
    out = getattr(out, "buffer", out)
    if hasattr(out, "isatty") and out.isatty():
        raise ValueError("refusing to write Parquet to a terminal; give an output file")
    with tempfile.TemporaryFile() as tmp:  # a failure then emits nothing
        count = write_parquet(records, tmp)
        tmp.seek(0)
        shutil.copyfileobj(tmp, out)
    out.flush()
    return count
