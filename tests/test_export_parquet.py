"""Parquet output: every field and type round-trips, row groups stream, readers open it in one call."""
from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from policycli import api, readers
from policycli.cli import app
from policycli.export import write_records
from policycli.export.parquet import MissingDependency, arrow_schema, pyarrow, write_parquet
from policycli.record import FIELD_NAMES, Record

CASES = Path(__file__).parent / "cases"
SAMPLES = Path(__file__).parent.parent / "samples"
TYPES = {"start": pa.int64(), "end": pa.int64(), "value": pa.float64(), "value_max": pa.float64()}
#: Values float64 must hold exactly, and the first integer it cannot.
EXACT = [0, 1, 2**53, 10**15 + 1, 130000000000, 1 / 3, 5.5, -7, 2**53 - 1]
BEYOND = 2**53 + 1


def case_records() -> list[Record]:
    data = tomllib.loads((CASES / "export_records.toml").read_text(encoding="utf-8"))
    return [Record.from_dict(entry) for entry in data["record"]]


def sample_records() -> list[Record]:
    """The samples' records, each checked against its source text."""
    records = []
    for path in sorted(SAMPLES.glob("*.txt")):
        text = readers.read(path).text
        found = api.extract_text(text, doc=path.name)
        assert found and all(text[r.start:r.end] == r.text for r in found)
        records.extend(found)
    return records


def with_values(record: Record, value, value_max) -> Record:
    changed = record.to_dict() | {"value": value, "value_max": value_max}
    return Record.from_dict(changed)


def read_back(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def test_schema_is_the_record_schema_in_order_with_types():
    schema = arrow_schema()
    assert tuple(schema.names) == FIELD_NAMES
    for field in schema:
        assert field.type == TYPES.get(field.name, pa.string()), field.name
    assert [f.name for f in schema if not f.nullable] == [
        "doc", "start", "end", "text", "value", "unit_kind", "comparator", "kind", "sentence"]


@pytest.mark.parametrize("source", ["cases", "samples"])
def test_every_field_round_trips(tmp_path, source):
    records = case_records() if source == "cases" else sample_records()
    dest = tmp_path / "r.parquet"
    assert write_records(iter(records), "parquet", dest) == len(records)
    back = read_back(dest)
    assert back == [r.to_dict() for r in records]
    for row, record in zip(back, records):
        assert type(row["start"]) is int and type(row["value"]) is float
        assert (row["value_max"] is None) == (record.value_max is None)
        assert type(row["sentence"]) is str and (row["section"] is None) == (record.section is None)


def test_values_keep_exact_integers_and_nulls(tmp_path):
    base = case_records()[0]
    records = [with_values(base, v, None if i % 2 else v * 2) for i, v in enumerate(EXACT)]
    dest = tmp_path / "v.parquet"
    write_records(records, "parquet", dest)
    back = read_back(dest)
    assert [row["value"] for row in back] == EXACT
    assert [row["value_max"] for row in back] == [None if i % 2 else v * 2 for i, v in enumerate(EXACT)]
    write_records([with_values(base, BEYOND, None)], "parquet", dest)
    assert read_back(dest)[0]["value"] == float(BEYOND) != BEYOND  # past 2**53: the nearest float


def test_row_groups_stream_and_are_zstd(tmp_path):
    records = sample_records()
    dest = tmp_path / "g.parquet"
    assert write_parquet(iter(records), dest, row_group_rows=40) == len(records)
    meta = pq.ParquetFile(dest).metadata
    assert meta.num_rows == len(records)
    assert meta.num_row_groups == math.ceil(len(records) / 40)
    assert {meta.row_group(0).column(i).compression for i in range(meta.num_columns)} == {"ZSTD"}
    assert read_back(dest) == [r.to_dict() for r in records]


def test_no_records_is_a_readable_empty_file(tmp_path):
    dest = tmp_path / "empty.parquet"
    assert write_records(iter([]), "parquet", dest) == 0
    table = pq.read_table(dest)
    assert table.num_rows == 0 and table.schema.names == list(FIELD_NAMES)


def test_pandas_reads_it_in_one_call_with_typed_columns(tmp_path):
    pd = pytest.importorskip("pandas")  # installed with the test extra (dask's dataframe)
    records = sample_records()
    dest = tmp_path / "r.parquet"
    write_records(records, "parquet", dest)
    frame = pd.read_parquet(dest)
    assert list(frame.columns) == list(FIELD_NAMES) and len(frame) == len(records)
    assert str(frame["start"].dtype) == "int64" and str(frame["value"].dtype) == "float64"
    assert frame["value_max"].isna().sum() == sum(r.value_max is None for r in records)


def test_duckdb_reads_it_in_one_call(tmp_path):
    import duckdb

    records = sample_records()
    dest = tmp_path / "r.parquet"
    write_records(records, "parquet", dest)
    rows = duckdb.sql(f"SELECT kind, count(*), sum(value) FROM '{dest}' GROUP BY kind ORDER BY kind").fetchall()
    wanted = {}
    for r in records:
        count, total = wanted.get(r.kind, (0, 0.0))
        wanted[r.kind] = (count + 1, total + r.value)
    assert [(kind, n) for kind, n, _ in rows] == sorted((k, v[0]) for k, v in wanted.items())
    for kind, _, total in rows:
        assert total == pytest.approx(wanted[kind][1], rel=1e-12)


def test_cli_writes_parquet_from_extract_and_from_the_store(tmp_path):
    sample = SAMPLES / "zone-news.txt"
    direct, db, exported = tmp_path / "direct.parquet", tmp_path / "s.sqlite", tmp_path / "exported.parquet"
    run = CliRunner().invoke(app, ["extract", str(sample), "-o", str(direct), "--db", str(db), "-q"])
    assert run.exit_code == 0, run.stderr
    run = CliRunner().invoke(app, ["export", "--db", str(db), "-o", str(exported)])
    assert run.exit_code == 0, run.stderr
    text = readers.read(sample).text
    wanted = [r.to_dict() for r in api.extract_text(text, doc=str(sample))]
    assert read_back(direct) == read_back(exported) == wanted != []
    assert all(text[row["start"]:row["end"]] == row["text"] for row in wanted)


def test_without_pyarrow_one_line_names_the_extra(monkeypatch, tmp_path):
    for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now raises ImportError
    with pytest.raises(MissingDependency, match=r"pip install 'policycli\[parquet\]'"):
        pyarrow()
    run = CliRunner().invoke(app, ["extract", str(SAMPLES / "traps.txt"), "-o", str(tmp_path / "r.parquet")])
    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1 and "pyarrow" in run.stderr and "policycli[parquet]" in run.stderr
    assert list(tmp_path.iterdir()) == []
