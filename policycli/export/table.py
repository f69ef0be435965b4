"""Terminal table (rich): key columns, the sentence with its mention highlighted, and a summary line.

A table needs every row before it can size its columns, so this format holds
the records it shows; the file formats are the ones that stream. Records from
more than one document get a document column first.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TextIO

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..record import Record, SourceInfo
from .highlight import MentionLocator
from .safety import strip_terminal_controls as clean
from .tally import Tally

KIND_STYLES = {"target": "bold green", "plan": "bold cyan", "fact": "bold yellow"}
MENTION_STYLE = "bold magenta"
NO_RECORDS = "No records found"

# (header, record field, widest it grows to; None shares the spare width)
COLUMNS = (
    ("Subject", "subject", None),
    ("Metric", "metric", None),
    ("Mention", "text", 14),
    ("Cmp", "comparator", 5),
    ("Kind", "kind", 6),
    ("Period", "period", 12),
)
# Spare width goes to subject, metric and sentence in these proportions.
SHARES = {"Subject": 2, "Metric": 2, "Sentence": 5}
NARROW = 72
DOC_HEADER, DOC_WIDEST = "Doc", 20


#: Characters of the sentence kept on each side of the mention; a long
#: sentence (a work report's list of targets) is cut to this window with "…".
CONTEXT = 24


def sentence_text(record: Record, span: tuple[int, int] | None) -> Text:
    """The record's sentence around its mention as rich text, the mention styled."""
    sentence = record.sentence or ""
    if span is None:
        return Text(clean(sentence))
    start, end = span
    left, right = max(0, start - CONTEXT), min(len(sentence), end + CONTEXT)
    text = Text("…" if left else "")
    text.append(clean(sentence[left:start]))
    text.append(clean(sentence[start:end]), style=MENTION_STYLE)
    text.append(clean(sentence[end:right]) + ("…" if right < len(sentence) else ""))
    return text


def _cell(value: object) -> Text:
    return Text("" if value is None else clean(str(value)))


def doc_labels(docs: Iterable[str]) -> dict[str, str]:
    """Each document's name less the folder that all of them share: as short as
    the paths allow while still telling apart files of one name in two folders."""
    docs = set(docs)
    try:
        common = os.path.commonpath([os.path.dirname(doc) for doc in docs]) if docs else ""
    except ValueError:  # absolute and relative paths mixed
        common = ""
    if not common:
        return {doc: doc for doc in docs}
    return {doc: doc[len(common):].lstrip(os.sep) if doc.startswith(common + os.sep) else doc for doc in docs}


def _wide_table(rows: list[list[Text]], docs: list[Text] | None) -> Table:
    """One column per key field: short ones sized to their content, the rest shared out."""
    table = Table(box=box.SQUARE, show_lines=True, expand=True, header_style="bold")
    if docs is not None:
        content = max((cell_len(doc.plain) for doc in docs), default=0)
        table.add_column(DOC_HEADER, width=max(len(DOC_HEADER), min(DOC_WIDEST, content)), overflow="fold")
    for i, (header, _, widest) in enumerate(COLUMNS):
        if widest is None:
            table.add_column(header, ratio=SHARES[header], overflow="fold")
        else:
            content = max((cell_len(row[i].plain) for row in rows), default=0)
            table.add_column(header, width=max(len(header), min(widest, content)), overflow="fold")
    table.add_column("Sentence", ratio=SHARES["Sentence"], overflow="fold")
    for i, row in enumerate(rows):
        table.add_row(*([docs[i]] if docs is not None else []), *row)
    return table


def _narrow_table(rows: list[list[Text]], docs: list[Text] | None) -> Table:
    """Two columns for a narrow terminal: the key fields stacked (the document
    last, when there are several), then the sentence."""
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=True, header_style="bold")
    table.add_column("Record", ratio=2, overflow="fold")
    table.add_column("Sentence", ratio=3, overflow="fold")
    for i, (subject, metric, mention, comparator, kind, period, sentence) in enumerate(rows):
        head = Text(" ").join(part for part in (kind, mention, comparator, period) if part.plain)
        lines = [head] + [part for part in (subject, metric) if part.plain]
        if docs is not None:
            lines.append(docs[i])
        table.add_row(Text("\n").join(lines), sentence)
    return table


def write_table(
    records: Iterable[Record],
    out: TextIO,
    *,
    sources: Sequence[SourceInfo] = (),
    width: int | None = None,
    color: bool | None = None,
) -> int:
    """Print the table and summary line to ``out``; returns the record count.

    ``width`` overrides the terminal width; ``color`` None lets rich decide from ``out``.
    """
    console = Console(
        file=out,
        width=width,
        force_terminal=True if color else None,
        no_color=color is False,
        highlight=False,
    )
    tally = Tally()
    locator = MentionLocator()
    rows: list[list[Text]] = []
    row_docs: list[str] = []
    for record in records:
        row_docs.append(record.doc)
        cells = [_cell(getattr(record, field)) for _, field, _ in COLUMNS]
        if record.kind in KIND_STYLES:
            cells[4].stylize(KIND_STYLES[record.kind])
        cells.append(sentence_text(record, locator.span(record)))
        rows.append(cells)
        tally.add(record)

    documents = len(sources) if sources else None
    if tally.records:
        docs = None
        if len(tally.documents) > 1:
            labels = doc_labels(tally.documents)
            docs = [Text(clean(labels[doc]), style="dim") for doc in row_docs]
        table = _narrow_table(rows, docs) if console.width < NARROW else _wide_table(rows, docs)
        console.print(table)
        console.print(tally.line(documents), markup=False, soft_wrap=True)
    else:
        scanned = f" in {documents} document{'s' if documents != 1 else ''}" if documents else ""
        console.print(f"{NO_RECORDS}{scanned}.", markup=False)
    return tally.records
