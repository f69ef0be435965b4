"""What ``diff`` and ``scorecard`` compare: a document's records, from the
document itself, from a JSON Lines file of records (``extract --format
jsonl``) or from a ``--db`` store, with the document's year and, where the
document is read, its text.

A failure is a ``CompareInputError`` whose message is one line naming the
input and the problem.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import readers
from .jsonl import read_objects
from .compare import document_year, guess_year, name_year
from .record import FIELD_NAMES, KINDS, Record

JSONL_SUFFIXES = (".jsonl", ".ndjson")


class CompareInputError(Exception):
    """An input that cannot be compared; the message is one line naming it."""


@dataclass(slots=True)
class Document:
    """One side of a comparison: its name, records, year (None when nothing
    gives it) and the text their offsets index (None when it cannot be had)."""

    name: str
    records: list[Record]
    year: int | None = None
    text: str | None = None


def stored_records(store, names: Iterable[str]) -> dict[str, list[Record]]:
    """The records a store keeps of each of ``names``, read in one pass; a
    name matches a stored path as written or as the same file."""
    wanted = {name: name for name in names}
    wanted.update({_same_file(name): name for name in names})
    found: dict[str, list[Record]] = {}
    seen: dict[str, str | None] = {}
    for record in store.records():
        if record.doc not in seen:
            seen[record.doc] = wanted.get(record.doc) or wanted.get(_same_file(record.doc))
        name = seen[record.doc]
        if name is not None:
            found.setdefault(name, []).append(record)
    return found


def _same_file(path: str) -> str:
    return str(Path(path).resolve())


def load(name: str, *, stored: dict[str, list[Record]] | None = None, packs=None,
         max_bytes: int = readers.DEFAULT_MAX_BYTES) -> Document:
    """The records of ``name``: from ``stored`` when given (what
    ``stored_records`` read from a store), else from a JSON Lines file of
    records, else by reading and extracting the document."""
    if stored is not None:
        records = stored.get(name)
        if not records:
            raise CompareInputError(f"{name}: no such document in the store (or it has no records)")
        return _with_source(Document(name, records, name_year(name) or guess_year(records)), max_bytes)
    if Path(name).suffix.lower() in JSONL_SUFFIXES:
        records = _jsonl(name)
        docs = {r.doc for r in records}
        year = name_year(docs.pop()) if len(docs) == 1 else None
        return _with_source(Document(name, records, year or name_year(name) or guess_year(records)), max_bytes)
    from .api import extract_text
    from .packs import PackTimeout

    try:
        source = readers.read(name, max_bytes=max_bytes)
        records = extract_text(source.text, doc=name, packs=packs)
    except (readers.ReadError, PackTimeout) as exc:
        raise CompareInputError(" ".join(str(exc).split())) from None
    year = document_year(source.text) or name_year(name) or guess_year(records)
    return Document(name, records, year, source.text)


def compare_pairs(pairs: Sequence[tuple[str, str]], run: Callable[[Document, Document], list], *,
                  stored: dict[str, list[Record]] | None = None, packs=None,
                  max_bytes: int = readers.DEFAULT_MAX_BYTES) -> tuple[list[tuple[str, list]], list[str]]:
    """``run(first, second)`` on each pair's documents, each document loaded
    once: the comparisons, titled ``first → second``, and one line for each
    pair that could not be loaded (the other pairs go on)."""
    loaded: dict[str, Document | CompareInputError] = {}
    comparisons, errors = [], []
    for pair in pairs:
        docs = []
        for name in pair:
            if name not in loaded:
                try:
                    loaded[name] = load(name, stored=stored, packs=packs, max_bytes=max_bytes)
                except CompareInputError as exc:
                    loaded[name] = exc
            docs.append(loaded[name])
        failure = next((d for d in docs if isinstance(d, CompareInputError)), None)
        if failure is not None:
            errors.append(str(failure))
            continue
        comparisons.append((f"{pair[0]} → {pair[1]}", run(*docs)))
    return comparisons, errors


def _with_source(doc: Document, max_bytes: int) -> Document:
    """``doc`` with the text of the document its records came from, when that
    document is still where they say and every record's offsets still point
    at its mention there (the paragraphs around a figure then count, as when
    the document itself is compared); the year written in it when it gives one."""
    names = {r.doc for r in doc.records}
    if len(names) != 1:
        return doc
    try:
        text = readers.read(names.pop(), max_bytes=max_bytes).text
    except (readers.ReadError, OSError, ValueError):
        return doc
    if all(text[r.start:r.end] == r.text for r in doc.records):
        doc.text = text
        doc.year = document_year(text) or doc.year
    return doc


def _jsonl(path: str) -> list[Record]:
    rows = read_objects(path, CompareInputError, check=_not_a_record, what="a record object")
    return [Record.from_dict({f: row.get(f) for f in FIELD_NAMES}) for row in rows]


def _not_a_record(row: dict) -> str | None:
    """What keeps a JSON object from being a record compare can use, or None."""
    for name, kinds in (("start", int), ("end", int), ("value", (int, float)), ("text", str), ("kind", str)):
        value = row.get(name)
        if value is None:
            return f"not a record (no {name})"
        if isinstance(value, bool) or not isinstance(value, kinds):
            return f"not a record ({name} is {json.dumps(value, ensure_ascii=False)})"
    if row["kind"] not in KINDS:
        return f"not a record (kind is {row['kind']!r}, not one of {', '.join(KINDS)})"
    if row.get("value_max") is not None and (isinstance(row["value_max"], bool)
                                             or not isinstance(row["value_max"], (int, float))):
        return f"not a record (value_max is {json.dumps(row['value_max'], ensure_ascii=False)})"
    return None


def read_pairs(path: str) -> list[tuple[str, str]]:
    """The (old, new) pairs of a CSV file, one pair a line; a header line
    ``old,new`` and blank lines are skipped."""
    pairs = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.reader(handle), 1):
                cells = [c.strip() for c in row]
                if not any(cells) or (number == 1 and [c.lower() for c in cells[:2]] == ["old", "new"]):
                    continue
                if len(cells) != 2 or not all(cells):
                    raise CompareInputError(f"{path}:{number}: expected two names, old,new")
                pairs.append((cells[0], cells[1]))
    except OSError as exc:
        raise CompareInputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise CompareInputError(f"{path}: not UTF-8 text") from None
    if not pairs:
        raise CompareInputError(f"{path}: no pairs")
    return pairs
