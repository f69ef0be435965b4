"""XLSX export read back with openpyxl: cell types, layout, highlighting, safety, summary and sources."""
from __future__ import annotations

import tomllib
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock

from policycli.export import write_records
from policycli.export.safety import FORMULA_TRIGGERS, strip_illegal, xlsx_text
from policycli.export.xlsx import COLUMNS, LINE_HEIGHT, MAX_LINES, file_name
from policycli.record import COMPARATORS, FIELD_NAMES, Record, SourceInfo

CASES = Path(__file__).parent / "cases"
NUMERIC = ("start", "end", "value", "value_max")
RECORDS = [Record.from_dict(e) for e in
           tomllib.loads((CASES / "export_records.toml").read_text(encoding="utf-8"))["record"]]
SOURCES = [SourceInfo("青岛/工作报告.txt", 2400, 3), SourceInfo("notice.html", 900, 4),
           SourceInfo("-", 120, 2), SourceInfo("=bad.docx", 0, 0, "=bad.docx: not a DOCX file", "error")]


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "records.xlsx"
    assert write_records(iter(RECORDS), "xlsx", path, sources=SOURCES) == len(RECORDS)
    return path


@pytest.fixture(scope="module")
def book(workbook_path):
    return load_workbook(workbook_path, rich_text=True)


def test_sheets(book):
    assert book.sheetnames == ["Records", "Summary", "Sources"]


def test_records_layout(book):
    ws = book["Records"]
    header = [c.value for c in ws[1]]
    assert header == [COLUMNS[name][0] for name in FIELD_NAMES]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:Q{len(RECORDS) + 1}"
    assert ws.max_row == len(RECORDS) + 1
    sentence_col = FIELD_NAMES.index("sentence") + 1
    assert ws.column_dimensions["P"].width == COLUMNS["sentence"][1]
    assert ws.cell(2, sentence_col).alignment.wrap_text


def test_numbers_are_numeric_cells(book):
    ws = book["Records"]
    for row, record in zip(ws.iter_rows(min_row=2), RECORDS):
        cells = dict(zip(FIELD_NAMES, row))
        for name in NUMERIC:
            expected = getattr(record, name)
            if expected is None:
                assert cells[name].value is None
                continue
            assert cells[name].data_type == "n", name
            assert cells[name].value == pytest.approx(expected), name
            assert cells[name].number_format.startswith("#,##0"), name


def test_text_cells_are_inert_strings(book):
    ws = book["Records"]
    for row, record in zip(ws.iter_rows(min_row=2), RECORDS):
        for name, cell in zip(FIELD_NAMES, row):
            original = getattr(record, name)
            if name in NUMERIC or original is None:
                continue
            assert cell.data_type == "s", (name, original)
            value = str(cell.value)
            if name == "comparator" and original in COMPARATORS:
                assert value == original  # our own symbols, stored as strings: no quote needed
                continue
            if name == "doc":  # the file name; the Sources sheet keeps the path
                original = file_name(original)
            # XML parsers read a carriage return back as a line feed.
            assert value == xlsx_text(original).replace("\r", "\n"), name
            dangerous = strip_illegal(original).startswith(FORMULA_TRIGGERS)
            assert value.startswith("'") is dangerous, (name, original)


def test_no_formula_anywhere(workbook_path):
    with zipfile.ZipFile(workbook_path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 3
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, name


def test_mention_highlighted_as_rich_text(book):
    ws = book["Records"]
    col = FIELD_NAMES.index("sentence") + 1
    for i, record in enumerate(RECORDS, start=2):
        value = ws.cell(i, col).value
        assert isinstance(value, CellRichText), record.text
        blocks = [part for part in value if isinstance(part, TextBlock)]
        assert [b.text for b in blocks] == [xlsx_text(record.text)]
        assert blocks[0].font.b
        assert blocks[0].font.color.rgb.endswith("C00000")


def _table(ws, first_header: str) -> list[tuple]:
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == first_header) + 1
    table = []
    for row in rows[start:]:
        if row[0] is None:
            break
        table.append(row)
    return table


def _label(value):
    return "(none)" if value is None else xlsx_text(value)


def test_summary_by_subject(book):
    expected: dict = defaultdict(Counter)
    for r in RECORDS:
        expected[_label(r.subject)][r.kind] += 1
    got = {row[0]: row[1:5] for row in _table(book["Summary"], "Subject")}
    assert got == {s: (c["target"], c["plan"], c["fact"], sum(c.values())) for s, c in expected.items()}
    targets = [row[1] for row in _table(book["Summary"], "Subject")]
    assert targets == sorted(targets, reverse=True)


def test_summary_by_document(book):
    expected: dict = defaultdict(Counter)
    for r in RECORDS:
        expected[xlsx_text(file_name(r.doc))][r.kind] += 1
    got = {row[0]: row[1:5] for row in _table(book["Summary"], "Document")}
    assert got == {d: (c["target"], c["plan"], c["fact"], sum(c.values())) for d, c in expected.items()}


def test_summary_by_unit_counts_and_sums_nothing(book):
    counts, units_of = Counter(), defaultdict(set)
    for r in RECORDS:
        counts[r.unit_kind, _label(r.unit)] += 1
        units_of[r.unit_kind].add(r.unit)
    header = next(row for row in book["Summary"].iter_rows(values_only=True) if row[0] == "Unit kind")
    assert [h for h in header if h] == ["Unit kind", "Unit", "Records"]
    rows = _table(book["Summary"], "Unit kind")
    assert all(row[3:] == (None,) * len(row[3:]) for row in rows)
    detail = {(k, u): n for k, u, n in (row[:3] for row in rows) if u != "(all units)"}
    assert detail == dict(counts)
    subtotals = {row[0]: row[2] for row in rows if row[1] == "(all units)"}
    assert subtotals == {k: sum(n for (kk, _), n in counts.items() if kk == k)
                         for k, units in units_of.items() if len(units) > 1}


def test_summary_chart(workbook_path):
    with zipfile.ZipFile(workbook_path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode("utf-8")
    assert "barChart" in xml and "Summary" in xml


def test_sources_sheet(book):
    ws = book["Sources"]
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows == [(xlsx_text(s.doc), s.chars, s.records, s.status,
                     None if s.error is None else xlsx_text(s.error), xlsx_text(file_name(s.doc)))
                    for s in SOURCES]


@pytest.mark.parametrize("doc, name", [("青岛/工作报告.txt", "工作报告.txt"), ("/srv/a/b/report.docx", "report.docx"),
                                       ("notice.html", "notice.html"), ("-", "-")])
def test_documents_are_named_by_file_name(doc, name):
    assert file_name(doc) == name


def test_every_sheet_prints_landscape_one_page_wide(book):
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
    assert book["Records"].print_title_rows == "$1:$1"
    assert book["Sources"].print_title_rows == "$1:$1"


def test_rows_are_as_tall_as_their_wrapped_sentence(tmp_path):
    short, long, huge = (Record.from_dict({**RECORDS[0].to_dict(), "sentence": "新增5个。" * n, "section": None})
                         for n in (1, 12, 400))
    path = tmp_path / "heights.xlsx"
    write_records([short, long, huge, short], "xlsx", path)
    ws = load_workbook(path)["Records"]
    heights = [ws.row_dimensions[r].height for r in range(2, 6)]
    assert heights[0] in (None, LINE_HEIGHT) and heights[3] == heights[0]
    assert LINE_HEIGHT < heights[1] < heights[2] == LINE_HEIGHT * MAX_LINES
    sentence = FIELD_NAMES.index("sentence") + 1
    assert all(ws.cell(r, sentence).alignment.wrap_text for r in range(2, 6))


def test_empty_workbook(tmp_path):
    path = tmp_path / "empty.xlsx"
    assert write_records(iter([]), "xlsx", path) == 0
    book = load_workbook(path)
    assert book["Records"].max_row == 1
    assert book["Records"].auto_filter.ref == "A1:Q1"
