"""Records packed as rows and JSON Lines: the same records, and the same output bytes, as record objects."""
from __future__ import annotations

import io
import json
import tomllib
from pathlib import Path

import pytest

from policycli.export import FORMATS, write_records
from policycli.filters import RecordFilter
from policycli.record import FIELD_NAMES, Record
from policycli.rows import RecordRows, row_of
from policycli.store import Store

CASES = Path(__file__).parent / "cases"


def load_records() -> list[Record]:
    data = tomllib.loads((CASES / "export_records.toml").read_text(encoding="utf-8"))
    records = [Record.from_dict(entry) for entry in data["record"]]
    # characters that JSON escapes or a careless line split would cut at
    records[0].sentence += "\n第二行\u2028第三段\x85"
    return records


RECORDS = load_records()


def blocks(encode: bool) -> list[RecordRows]:
    """The records as two documents' blocks, as a batch run yields them."""
    return [RecordRows.of(RECORDS[:2], encode=encode), RecordRows.of(RECORDS[2:], encode=encode)]


def test_rows_are_the_fields_in_schema_order_and_give_the_records_back():
    packed = RecordRows.of(RECORDS)
    assert packed.rows[0] == tuple(RECORDS[0].to_dict()[name] for name in FIELD_NAMES)
    assert packed.records() == RECORDS
    assert len(packed) == len(RECORDS) and packed.lines is None
    assert not RecordRows()


def test_encoded_lines_are_what_the_jsonl_writer_prints():
    out = io.StringIO()
    write_records(iter(RECORDS), "jsonl", stream=out)
    assert RecordRows.of(RECORDS, encode=True).lines == out.getvalue()
    assert RecordRows.of(RECORDS).jsonl() == out.getvalue()
    assert [json.loads(line) for line in out.getvalue().split("\n")[:-1]] == [r.to_dict() for r in RECORDS]


@pytest.mark.parametrize("encode", [True, False])
def test_filtering_keeps_rows_and_lines_together(encode):
    keep = RecordFilter.from_options(kind="fact,plan")
    wanted = [r for r in RECORDS if keep(r)]
    assert 0 < len(wanted) < len(RECORDS)
    kept = RecordRows.of(RECORDS, encode=encode).filtered(keep)
    assert kept.records() == wanted
    assert kept.jsonl() == RecordRows.of(wanted).jsonl()
    assert (kept.lines is None) is not encode


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f not in ("xlsx", "parquet")])
@pytest.mark.parametrize("encode", [True, False])
def test_blocks_write_the_same_bytes_as_records(fmt, encode):
    expected, written = io.StringIO(), io.StringIO()
    assert write_records(iter(RECORDS), fmt, stream=expected, width=100) == len(RECORDS)
    assert write_records(iter(blocks(encode) + [RecordRows()]), fmt, stream=written, width=100) == len(RECORDS)
    assert written.getvalue() == expected.getvalue()


@pytest.mark.parametrize("encode", [True, False])
def test_blocks_write_the_same_parquet_as_records(encode):
    expected, written = io.BytesIO(), io.BytesIO()
    assert write_records(iter(RECORDS), "parquet", stream=expected) == len(RECORDS)
    assert write_records(iter(blocks(encode) + [RecordRows()]), "parquet", stream=written) == len(RECORDS)
    assert written.getvalue() == expected.getvalue() != b""


def test_blocks_write_the_same_workbook_as_records(tmp_path):
    from openpyxl import load_workbook

    def cells(path):
        return [list(sheet.iter_rows(values_only=True)) for sheet in load_workbook(path).worksheets]

    write_records(iter(RECORDS), "xlsx", tmp_path / "records.xlsx")
    write_records(iter(blocks(True)), "xlsx", tmp_path / "blocks.xlsx")
    assert cells(tmp_path / "blocks.xlsx") == cells(tmp_path / "records.xlsx")


def test_the_store_takes_rows_as_it_takes_records(tmp_path):
    with Store(tmp_path / "a.sqlite") as by_records, Store(tmp_path / "b.sqlite") as by_rows:
        by_records.save("a.txt", status="ok", records=RECORDS, sha256="x")
        by_rows.save("a.txt", status="ok", rows=[row_of(r) for r in RECORDS], sha256="x")
        assert list(by_rows.records()) == list(by_records.records())
        assert [s.records for s in by_rows.sources()] == [len(RECORDS)]
