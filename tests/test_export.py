"""Exporter entry point: format names, JSON/JSONL/CSV round trips, atomic writes, safety, highlighting."""
from __future__ import annotations

import csv
import io
import json
import os
import tomllib
from pathlib import Path

import pytest

from policycli.export import FORMATS, format_from_path, write_records
from policycli.export.highlight import MentionLocator
from policycli.export.safety import neutralise, xlsx_text
from policycli.record import FIELD_NAMES, Record, SourceInfo

CASES = Path(__file__).parent / "cases"
NUMBER_FIELDS = {"start": int, "end": int, "value": float, "value_max": float}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def load_records() -> list[Record]:
    data = tomllib.loads((CASES / "export_records.toml").read_text(encoding="utf-8"))
    return [Record.from_dict(entry) for entry in data["record"]]


RECORDS = load_records()


def failing(records, after: int):
    """Yield ``after`` records, then fail as a broken extraction would."""
    for i, record in enumerate(records):
        if i == after:
            raise RuntimeError("extraction failed mid-way")
        yield record


@pytest.mark.parametrize("path, fmt", [
    ("out.jsonl", "jsonl"), ("out.ndjson", "jsonl"), ("OUT.JSON", "json"), ("a/b.csv", "csv"),
    (Path("x.xlsx"), "xlsx"), ("notes.txt", None), ("noext", None), ("archive.xlsx.bak", None),
])
def test_format_from_path(path, fmt):
    assert format_from_path(path) == fmt


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        write_records(iter(RECORDS), "xml", tmp_path / "out.xml")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_generator_is_consumed_once_and_counted(tmp_path, fmt):
    assert write_records((r for r in RECORDS), fmt, tmp_path / f"out.{fmt}") == len(RECORDS)


def test_jsonl_lines_equal_to_dict(tmp_path):
    dest = tmp_path / "out.jsonl"
    write_records(iter(RECORDS), "jsonl", dest)
    raw = dest.read_bytes()
    assert "青岛高科技工业园管理委员会".encode() in raw  # not \u-escaped
    lines = raw.decode("utf-8").splitlines()
    assert len(lines) == len(RECORDS)
    for line, record in zip(lines, RECORDS):
        loaded = json.loads(line)
        assert list(loaded) == list(FIELD_NAMES)
        assert loaded == record.to_dict()


def test_json_array_equal_to_dicts(tmp_path):
    dest = tmp_path / "out.json"
    write_records(iter(RECORDS), "json", dest)
    assert json.loads(dest.read_text(encoding="utf-8")) == [r.to_dict() for r in RECORDS]


def test_json_empty_is_an_empty_array():
    out = io.StringIO()
    assert write_records(iter([]), "json", stream=out) == 0
    assert json.loads(out.getvalue()) == []


def test_jsonl_loads_in_pandas(tmp_path):
    pandas = pytest.importorskip("pandas")
    dest = tmp_path / "out.jsonl"
    write_records(iter(RECORDS), "jsonl", dest)
    frame = pandas.read_json(dest, lines=True)
    assert list(frame.columns) == list(FIELD_NAMES)
    assert len(frame) == len(RECORDS)


def csv_field(name: str, cell: str, original):
    """A CSV cell back to the record's value: numbers parsed, empty as None, one guard quote removed."""
    if cell == "":
        return None
    if name in NUMBER_FIELDS:
        return NUMBER_FIELDS[name](cell)
    if isinstance(original, str) and original.startswith(TRIGGERS):
        assert cell == "'" + original, f"{name} not neutralised"
        return cell[1:]
    return cell


@pytest.mark.parametrize("bom", [True, False])
def test_csv_round_trip(tmp_path, bom):
    dest = tmp_path / "out.csv"
    write_records(iter(RECORDS), "csv", dest, bom=bom)
    raw = dest.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") is bom
    with dest.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == FIELD_NAMES
    assert len(rows) == len(RECORDS) + 1
    for row, record in zip(rows[1:], RECORDS):
        for name, cell in zip(FIELD_NAMES, row):
            original = getattr(record, name)
            back = csv_field(name, cell, original)
            if name in NUMBER_FIELDS and original is not None:
                assert back == pytest.approx(original), name
            else:
                assert back == original, name


def test_csv_numbers_are_plain_and_never_neutralised():
    negative = Record.from_dict({**RECORDS[2].to_dict(), "value": -3.0, "value_max": 1.3e11})
    out = io.StringIO()
    write_records(iter([negative]), "csv", stream=out, bom=False)
    row = dict(zip(FIELD_NAMES, list(csv.reader(io.StringIO(out.getvalue())))[1]))
    assert row["value"] == "-3"
    assert row["value_max"] == "130000000000"


@pytest.mark.parametrize("text, safe", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-某委员会", "'-某委员会"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("全年", "全年"), ("", ""), ("a=b", "a=b"),
])
def test_neutralise(text, safe):
    assert neutralise(text) == safe


def test_xlsx_text_strips_before_neutralising():
    assert xlsx_text("\x01=cmd\x1b") == "'=cmd"
    assert xlsx_text("行1\n行2\t完") == "行1\n行2\t完"


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_write_leaves_old_file_and_no_temp(tmp_path, fmt):
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    dest = tmp_path / f"out.{fmt}"
    dest.write_bytes(b"previous content")
    openpyxl_temps = list(ALL_TEMP_FILES)
    with pytest.raises(RuntimeError, match="mid-way"):
        write_records(failing(RECORDS, 3), fmt, dest, sources=[SourceInfo("a.txt")])
    assert dest.read_bytes() == b"previous content"
    assert [p.name for p in tmp_path.iterdir()] == [dest.name]
    assert ALL_TEMP_FILES == openpyxl_temps


@pytest.mark.parametrize("fmt", ["jsonl", "xlsx"])
def test_successful_write_replaces_file_with_usual_permissions(tmp_path, fmt):
    dest = tmp_path / f"new.{fmt}"
    write_records(iter(RECORDS), fmt, dest)
    mask = os.umask(0)
    os.umask(mask)
    assert dest.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == [dest.name]


@pytest.mark.parametrize("fmt", ["jsonl", "xlsx"])
def test_content_reaches_the_disk_before_the_rename_and_the_rename_before_returning(tmp_path, fmt, monkeypatch):
    from policycli.export import atomic

    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.path.realpath(f"/proc/self/fd/{fd}") if os.path.isdir("/proc/self/fd") else fd))
        real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    dest = tmp_path / f"new.{fmt}"
    write_records(iter(RECORDS), fmt, dest)
    assert [kind for kind, _ in events] == ["fsync", "replace", "fsync"]
    if os.path.isdir("/proc/self/fd"):
        assert events[0][1].endswith(".tmp") and events[2][1] == os.path.realpath(tmp_path)


def test_stream_output_defaults_and_xlsx_to_binary_stream():
    from openpyxl import load_workbook

    text = io.StringIO()
    write_records(iter(RECORDS), "jsonl", stream=text)
    assert len(text.getvalue().splitlines()) == len(RECORDS)
    binary = io.BytesIO()
    write_records(iter(RECORDS), "xlsx", stream=binary)
    binary.seek(0)
    assert load_workbook(binary).sheetnames == ["Records", "Summary", "Sources"]


def test_sources_are_read_after_records():
    sources: list[SourceInfo] = []

    def produce():
        for record in RECORDS:
            yield record
        sources.extend([SourceInfo("a.txt", 10, 3), SourceInfo("b.txt", 5, 0), SourceInfo("c.txt")])

    out = io.StringIO()
    write_records(produce(), "table", stream=out, width=120, sources=sources)
    assert "from 3 documents" in out.getvalue()


def highlight_cases():
    data = tomllib.loads((CASES / "export_highlight.toml").read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["name"]) for case in data["case"]]


@pytest.mark.parametrize("case", highlight_cases())
def test_mention_locator(case):
    locator = MentionLocator()
    found = []
    for text, start in zip(case["texts"], case["starts"]):
        record = Record.from_dict({**RECORDS[0].to_dict(), "sentence": case["sentence"], "text": text,
                                   "start": start, "end": start + len(text)})
        span = locator.span(record)
        found.append(-1 if span is None else span[0])
        if span is not None:
            assert case["sentence"][span[0]:span[1]] == text
    assert found == case["expect"]
