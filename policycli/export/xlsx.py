"""XLSX workbook: Records, Summary and Sources sheets, streamed in openpyxl's write-only mode.

Rows go to disk as they are appended, so memory stays bounded however many
records there are; only the summary counts (one entry per subject, document
and unit) are kept. Every text cell is cleaned of characters XLSX cannot hold,
neutralised against formula injection and stored with the string type. The
Records sheet names each document by its file name (the Sources sheet keeps
the paths), gives each row the height its wrapped text needs, and prints
landscape, one page wide, with the header on every page.
"""
from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from ..record import COMPARATORS, FIELD_NAMES, Record, SourceInfo
from .highlight import MentionLocator
from .safety import FORMULA_TRIGGERS, strip_illegal, xlsx_text
from .tally import Tally

RECORDS_SHEET, SUMMARY_SHEET, SOURCES_SHEET = "Records", "Summary", "Sources"

# Column header and width (in Excel character units; a Chinese character takes about two).
# The headers are the schema's field names, as in CSV and JSON: the names are the contract.
COLUMNS: dict[str, tuple[str, int]] = {
    "doc": ("doc", 24),
    "start": ("start", 10),
    "end": ("end", 10),
    "text": ("text", 16),
    "value": ("value", 18),
    "value_max": ("value_max", 14),
    "unit": ("unit", 9),
    "unit_kind": ("unit_kind", 16),
    "comparator": ("comparator", 11),
    "kind": ("kind", 8),
    "subject": ("subject", 28),
    "verb": ("verb", 9),
    "metric": ("metric", 24),
    "modality": ("modality", 10),
    "period": ("period", 14),
    "sentence": ("sentence", 70),
    "section": ("section", 28),
}
NUMERIC_FIELDS = frozenset({"start", "end", "value", "value_max"})
WRAPPED_FIELDS = frozenset({"subject", "metric", "sentence", "section"})
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0###"
MENTION_FONT = InlineFont(rFont="Calibri", sz=11, b=True, color="C00000")
CHART_SUBJECTS = 20
MAX_CELL_CHARS = 32767
LINE_HEIGHT = 15  # points per line of 11-point text, CJK included
MAX_LINES = 12  # a row grows to show this many wrapped lines; the rest shows when selected


def _register_styles(wb: Workbook) -> None:
    """Add the named cell styles the sheets use.

    Binding a cell to a named style is far cheaper than building its font,
    alignment and number format cell by cell.
    """
    top = Alignment(vertical="top")
    # A named style without a font would leave its cells with an empty font record.
    plain, bold = Font(name="Calibri", size=11), Font(name="Calibri", size=11, bold=True)
    for style in (
        NamedStyle("text", font=plain, alignment=top),
        NamedStyle("wrap", font=plain, alignment=Alignment(wrap_text=True, vertical="top")),
        NamedStyle("integer", font=plain, number_format=INTEGER_FORMAT, alignment=top),
        NamedStyle("decimal", font=plain, number_format=DECIMAL_FORMAT, alignment=top),
        NamedStyle("header", font=bold, fill=PatternFill("solid", fgColor="DDEBF7")),
        NamedStyle("title", font=bold),
    ):
        wb.add_named_style(style)


def write_xlsx(
    records: Iterable[Record],
    target: str | os.PathLike | IO[bytes],
    sources: Sequence[SourceInfo] = (),
) -> int:
    """Write the workbook to ``target`` (a path or binary file); returns the record count.

    ``sources`` is read only after ``records`` is exhausted.
    """
    wb = Workbook(write_only=True)
    try:
        _register_styles(wb)
        records_ws = wb.create_sheet(RECORDS_SHEET)
        summary_ws = wb.create_sheet(SUMMARY_SHEET)
        sources_ws = wb.create_sheet(SOURCES_SHEET)
        tally = _write_records(records_ws, records)
        _write_summary(summary_ws, tally)
        _write_sources(sources_ws, sources)
        wb.save(target)
    except BaseException:
        _discard(wb)
        raise
    return tally.records


def _discard(wb: Workbook) -> None:
    """Close the sheets of a failed workbook and remove the temporary files they stream into."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None or not isinstance(writer.out, str):
            continue
        try:
            if ws._rows is not None:
                ws._rows.close()
            writer.close()
        except Exception:
            pass
        try:
            writer.cleanup()
        except (OSError, ValueError):
            pass


def _styled(ws, value: Any, style: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.style = style
    return cell


def _text_cell(ws, text: str, style: str = "text") -> WriteOnlyCell:
    """A cell that holds ``text`` as an inert string, never a formula or error code."""
    cell = _styled(ws, xlsx_text(text), style)
    cell.data_type = "s"
    return cell


def _plain_text(ws, text: str) -> str | WriteOnlyCell:
    """Safe text as a bare value (the fast path), or a string cell when it would read as an error code."""
    text = xlsx_text(text)
    if text in ERROR_CODES:
        cell = WriteOnlyCell(ws, text)
        cell.data_type = "s"
        return cell
    return text


def _number_cell(ws, value: float | int) -> WriteOnlyCell:
    integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return _styled(ws, value, "integer" if integral else "decimal")


def _sentence_cell(ws, sentence: str, span: tuple[int, int] | None) -> WriteOnlyCell:
    """The sentence with the mention in bold colour, as inline rich text."""
    if span is None or len(sentence) > MAX_CELL_CHARS:
        return _text_cell(ws, sentence, "wrap")
    start, end = span
    before, mention, after = (strip_illegal(sentence[:start]),
                              strip_illegal(sentence[start:end]),
                              strip_illegal(sentence[end:]))
    if not mention:
        return _text_cell(ws, sentence, "wrap")
    if (before + mention).startswith(FORMULA_TRIGGERS):
        before = "'" + before
    parts: list[Any] = [before] if before else []
    parts.append(TextBlock(MENTION_FONT, mention))
    if after:
        parts.append(after)
    return _styled(ws, CellRichText(parts), "wrap")


def _header(ws, labels: Sequence[str]) -> list[WriteOnlyCell]:
    return [_text_cell(ws, label, "header") for label in labels]


def _set_widths(ws, widths: Sequence[int]) -> None:
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width


def file_name(doc: str) -> str:
    """How the Records sheet names a document: its file name (stdin stays ``-``)."""
    return os.path.basename(doc) or doc


def _display_width(text: str) -> float:
    """Roughly how many Excel character units ``text`` takes: a CJK character
    (three bytes in UTF-8) two, an ASCII one one; computed without a loop."""
    return (len(text.encode("utf-8", "replace")) + len(text)) / 2


def _row_height(record: Record) -> float | None:
    """Points for a row whose wrapped cells need more than one line, else None (the default)."""
    lines = 1
    for name in WRAPPED_FIELDS:
        value = getattr(record, name)
        if value:
            lines = max(lines, math.ceil(_display_width(value) / (COLUMNS[name][1] - 1)))
    return LINE_HEIGHT * min(lines, MAX_LINES) if lines > 1 else None


def _record_row(ws, record: Record, span: tuple[int, int] | None) -> list[Any]:
    row: list[Any] = []
    for name in FIELD_NAMES:
        value = getattr(record, name)
        if value is None:
            row.append(None)
        elif name == "doc":
            row.append(_plain_text(ws, file_name(str(value))))
        elif name == "sentence":
            row.append(_sentence_cell(ws, str(value), span))
        elif name in NUMERIC_FIELDS and isinstance(value, (int, float)):
            row.append(_number_cell(ws, value))
        elif name in WRAPPED_FIELDS:
            row.append(_text_cell(ws, str(value), "wrap"))
        elif name == "comparator" and value in COMPARATORS:
            row.append(_symbol_cell(ws, value))
        else:
            row.append(_plain_text(ws, str(value)))
    return row


def _symbol_cell(ws, symbol: str) -> WriteOnlyCell:
    """A comparator as written in the schema (=, >=): a string cell, so never a
    formula, and from our own fixed set, so it needs no leading quote."""
    cell = WriteOnlyCell(ws, symbol)
    cell.data_type = "s"
    return cell


def _print_setup(ws, *, header_rows: str | None = "1:1") -> None:
    """Landscape, as wide as one page, the header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        ws.print_title_rows = header_rows


def _write_records(ws, records: Iterable[Record]) -> Tally:
    # Widths, frozen panes and the header must precede the first row in write-only mode.
    _set_widths(ws, [COLUMNS[name][1] for name in FIELD_NAMES])
    ws.freeze_panes = "A2"
    _print_setup(ws)
    ws.append(_header(ws, [COLUMNS[name][0] for name in FIELD_NAMES]))
    tally = Tally()
    locator = MentionLocator()
    heights = ws.row_dimensions
    for row_number, record in enumerate(records, 2):
        height = _row_height(record)
        if height is not None:  # read when the row is written, then no longer needed
            heights[row_number].height = height
        ws.append(_record_row(ws, record, locator.span(record)))
        if height is not None:
            del heights[row_number]
        tally.add(record)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FIELD_NAMES))}{tally.records + 1}"
    return tally


def _label(value: str | None) -> str:
    return "(none)" if value is None else value


def _write_summary(ws, tally: Tally) -> None:
    """Records by subject and kind, by document and kind, by unit kind and unit,
    and a chart of targets per subject. Counts only: values of different
    documents, kinds and periods do not add up to anything."""
    _set_widths(ws, [32, 12, 12, 12, 12])
    _print_setup(ws, header_rows=None)
    ws.append([_text_cell(ws, "Records by subject", "title")])
    ws.append(_header(ws, ["Subject", "Targets", "Plans", "Facts", "Total"]))
    subjects = tally.subject_rows()
    for subject, *counts in subjects:
        ws.append([_text_cell(ws, _label(subject)), *counts])
    first_subject_row = 3
    ws.append([])
    ws.append([_text_cell(ws, "Records by document", "title")])
    ws.append(_header(ws, ["Document", "Targets", "Plans", "Facts", "Total"]))
    for doc, *counts in tally.document_rows():
        ws.append([_text_cell(ws, file_name(doc)), *counts])
    ws.append([])
    ws.append([_text_cell(ws, "Records by unit", "title")])
    ws.append(_header(ws, ["Unit kind", "Unit", "Records"]))
    for kind, unit, count in tally.unit_rows():
        ws.append([_text_cell(ws, _label(kind)), _text_cell(ws, _label(unit)), count])
    charted = [row for row in subjects[:CHART_SUBJECTS] if row[1]]
    if charted:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Targets per subject"
        chart.legend = None
        chart.y_axis.title = "Targets"
        last = first_subject_row + len(charted) - 1
        chart.add_data(Reference(ws, min_col=2, min_row=first_subject_row - 1, max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first_subject_row, max_row=last))
        chart.height = max(7.5, 0.6 * len(charted) + 2)
        chart.width = 18
        ws.add_chart(chart, "G2")


def _write_sources(ws, sources: Sequence[SourceInfo]) -> None:
    """One row per input: its path as given, characters read, records found,
    status and error, and the file name the Records sheet calls it by."""
    _set_widths(ws, [40, 14, 10, 10, 60, 24])
    ws.freeze_panes = "A2"
    _print_setup(ws)
    ws.append(_header(ws, ["Document", "Characters", "Records", "Status", "Error", "File"]))
    count = 0
    for source in sources:
        ws.append([
            _text_cell(ws, source.doc, "wrap"),
            _number_cell(ws, source.chars),
            _number_cell(ws, source.records),
            _text_cell(ws, source.status),
            None if source.error is None else _text_cell(ws, source.error, "wrap"),
            _text_cell(ws, file_name(source.doc)),
        ])
        count += 1
    ws.auto_filter.ref = f"A1:F{count + 1}"
