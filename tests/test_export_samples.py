"""Every format on realistic records: the samples' gold records, and the engine's own output when it runs."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock

from policycli.export import write_records
from policycli.export.safety import strip_illegal
from policycli.record import FIELD_NAMES, Record, SourceInfo

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def gold_records() -> list[Record]:
    records = []
    for path in sorted(SAMPLES.glob("*.gold.jsonl")):
        with path.open(encoding="utf-8") as fh:
            records += [Record.from_dict(json.loads(line)) for line in fh if line.strip()]
    return records


def engine_records() -> list[Record]:
    try:
        from policycli import extract_file
    except ImportError as exc:
        pytest.skip(f"extraction engine not importable: {exc}")
    records = []
    for path in sorted(SAMPLES.glob("*.txt")):
        records += extract_file(path)
    return records


@pytest.fixture(params=["gold", "engine"], scope="module")
def records(request) -> list[Record]:
    found = gold_records() if request.param == "gold" else engine_records()
    if not found:
        pytest.skip(f"no {request.param} records under samples/")
    return found


def test_all_formats_round_trip(records, tmp_path):
    docs = sorted({r.doc for r in records})
    sources = [SourceInfo(doc, records=sum(r.doc == doc for r in records)) for doc in docs]
    for fmt in ("jsonl", "json", "csv", "xlsx"):
        assert write_records(iter(records), fmt, tmp_path / f"out.{fmt}", sources=sources) == len(records)

    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [r.to_dict() for r in records]
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == [r.to_dict() for r in records]

    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["text"] for row in rows] == [r.text for r in records]
    assert [float(row["value"]) for row in rows] == pytest.approx([r.value for r in records])

    ws = load_workbook(tmp_path / "out.xlsx", rich_text=True)["Records"]
    col = FIELD_NAMES.index("sentence") + 1
    for i, record in enumerate(records, start=2):
        cell = ws.cell(i, col).value
        if record.text and record.text in record.sentence:
            assert isinstance(cell, CellRichText)
            marked = [part.text for part in cell if isinstance(part, TextBlock)]
            assert marked == [strip_illegal(record.text)]
