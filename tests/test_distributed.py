"""Extraction on a Dask cluster: one LocalCluster of two worker processes for the whole module.

A cluster run must give exactly the records of a local run, whatever the
transport (paths or bytes) and however the partitions fall on the workers.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from policycli import api, readers
from policycli.batch import expand
from policycli.distributed import (
    DatasetError, ExtractionFailed, extract_bag, frame_meta, part_names, partition_size, records_frame,
    write_dataset,
)
from policycli.export.parquet import parquet_bytes
from policycli.packs import load_packs
from policycli.record import FIELD_NAMES

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "samples").glob("*.txt"))
SUMMARY = re.compile(r"^(\d+) files: (\d+) processed, 0 skipped, (\d+) failed; (\d+) records in \d+\.\d s(;.*)?$",
                     re.M)
OIL_PACK = '[[units]]\nwritten = ["桶"]\nkind = "volume"\nbase = "桶"\n'
OIL_TEXT = "某石油公司提出，全年力争原油产量达到500万桶。\n"


@pytest.fixture(scope="module")
def client():
    """The cluster; the variables Dask sets in this process's environment for its
    workers (a fixed PYTHONHASHSEED among them) are undone for the tests after it."""
    from distributed import Client, LocalCluster

    saved = dict(os.environ)
    try:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
                Client(cluster) as client:
            yield client
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # the samples are named relative to the checkout, as a user would


def local_run(paths) -> list[dict]:
    """What one process finds in ``paths``, each record checked against its text."""
    records = []
    for path in paths:
        text = readers.read(path).text
        found = api.extract_text(text, doc=path)
        assert all(text[r.start:r.end] == r.text for r in found)
        records.extend(r.to_dict() for r in found)
    return records


def dataset(folder: Path) -> list[dict]:
    return pq.read_table(folder).to_pylist()


@pytest.mark.parametrize("send_bytes", [False, True], ids=["paths", "bytes"])
def test_samples_on_two_workers_equal_a_local_run(client, tmp_path, send_bytes):
    out = tmp_path / "records"
    sources = write_dataset(SAMPLES, out, client, files_per_partition=2, send_bytes=send_bytes)
    wanted = local_run(SAMPLES)
    assert dataset(out) == wanted and len(wanted) > 100
    assert sorted(p.name for p in out.iterdir()) == part_names(3) == [
        "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert [(s.doc, s.status, s.error) for s in sources] == [(p, "ok", None) for p in SAMPLES]
    assert sum(s.records for s in sources) == len(wanted)
    assert [p.name for p in tmp_path.iterdir()] == ["records"]  # no staging folder left behind


def test_partition_files_depend_only_on_their_inputs(client, tmp_path):
    out = tmp_path / "records"
    write_dataset(SAMPLES, out, client, files_per_partition=4)
    for name, chunk in zip(part_names(2), (SAMPLES[:4], SAMPLES[4:])):
        rows = [tuple(r[f] for f in FIELD_NAMES) for r in local_run(chunk)]
        assert (out / name).read_bytes() == parquet_bytes(rows)


def test_shared_corpus_equals_a_local_run(client, tmp_path, shared):
    paths = expand([str(shared / "corpus")]).paths
    out = tmp_path / "corpus"
    sources = write_dataset(paths, out, client)
    assert all(s.status == "ok" for s in sources) and len(sources) == len(paths) >= 25
    assert dataset(out) == local_run(paths)


def test_a_failing_file_is_reported_and_the_rest_written(client, tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip archive")
    missing = tmp_path / "missing.txt"
    inputs = sorted([SAMPLES[0], str(broken), str(missing), SAMPLES[1]])
    sources = write_dataset(inputs, tmp_path / "out", client, files_per_partition=1)
    failed = {s.doc: s.error for s in sources if s.status == "failed"}
    assert set(failed) == {str(broken), str(missing)}
    assert all(error.startswith(f"{doc}: ") and "\n" not in error for doc, error in failed.items())
    assert dataset(tmp_path / "out") == local_run(sorted(SAMPLES[:2]))
    assert len(list((tmp_path / "out").iterdir())) == 4


def test_user_packs_travel_to_the_workers(client, tmp_path):
    (tmp_path / "oil.toml").write_text(OIL_PACK, encoding="utf-8")
    (tmp_path / "oil.txt").write_text(OIL_TEXT, encoding="utf-8")
    doc = str(tmp_path / "oil.txt")
    write_dataset([doc], tmp_path / "plain", client)
    write_dataset([doc], tmp_path / "oil", client, packs=load_packs([tmp_path / "oil.toml"]))
    assert "桶" not in [row["unit"] for row in dataset(tmp_path / "plain")]
    (row,) = dataset(tmp_path / "oil")
    assert (row["text"], row["unit"], row["value"]) == ("500万桶", "桶", 5_000_000)
    assert OIL_TEXT[row["start"]:row["end"]] == row["text"]


def test_a_folder_of_other_files_is_refused_and_an_earlier_dataset_replaced(client, tmp_path):
    out = tmp_path / "records"
    write_dataset(SAMPLES, out, client, files_per_partition=1)
    assert len(list(out.iterdir())) == 6
    write_dataset(SAMPLES, out, client, files_per_partition=6)
    assert [p.name for p in out.iterdir()] == ["part-00000.parquet"]
    assert dataset(out) == local_run(SAMPLES)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DatasetError, match="notes.txt"):
        write_dataset(SAMPLES, out, client)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_bag_and_frame_give_the_local_records_with_schema_dtypes(client):
    bag = extract_bag(SAMPLES, files_per_partition=2)
    wanted = local_run(SAMPLES)
    assert bag.npartitions == 3
    assert bag.compute() == wanted
    frame = records_frame(bag)
    assert list(frame.columns) == list(FIELD_NAMES)
    assert frame.dtypes.to_dict() == frame_meta().dtypes.to_dict()
    assert {name: str(frame.dtypes[name]) for name in ("start", "end", "value", "value_max")} == {
        "start": "int64", "end": "int64", "value": "float64", "value_max": "float64"}
    local = frame.compute()
    assert len(local) == len(wanted)
    assert list(local["text"]) == [r["text"] for r in wanted]
    assert local["value_max"].isna().sum() == sum(r["value_max"] is None for r in wanted)


def test_bag_raises_or_skips_a_failing_file(client, tmp_path):
    missing = str(tmp_path / "missing.txt")
    with pytest.raises(ExtractionFailed, match="missing.txt"):
        extract_bag([SAMPLES[0], missing]).compute()
    assert extract_bag([SAMPLES[0], missing], errors="skip").compute() == local_run(SAMPLES[:1])


def test_bag_carries_user_packs(client, tmp_path):
    (tmp_path / "oil.toml").write_text(OIL_PACK, encoding="utf-8")
    (tmp_path / "oil.txt").write_text(OIL_TEXT, encoding="utf-8")
    records = extract_bag([str(tmp_path / "oil.txt")], packs=load_packs([tmp_path / "oil.toml"])).compute()
    assert [r["unit"] for r in records] == ["桶"]


@pytest.mark.parametrize("files, requested, per", [(6, None, 1), (240, None, 4), (10**6, None, 1000),
                                                   (240, 100, 100), (0, None, 1)])
def test_partition_size(files, requested, per):
    assert partition_size(files, requested) == per


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policycli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_command_line_on_a_scheduler_address(client, tmp_path):
    out = tmp_path / "records"
    done = cli("extract", "samples", "--scheduler", client.scheduler.address, "-o", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    files = expand(["samples"]).paths
    (line,) = SUMMARY.findall(done.stderr)
    assert line[:4] == (str(len(files)), str(len(files)), "0", str(len(local_run(files))))
    local = cli("extract", "samples", "-o", tmp_path / "local.jsonl")
    assert SUMMARY.findall(local.stderr) == [line]  # the closing line of a local run, seconds aside
    assert dataset(out) == local_run(files)


def test_command_line_reports_a_failure_and_writes_the_rest(client, tmp_path):
    missing = tmp_path / "missing.txt"
    out = tmp_path / "records"
    done = cli("extract", SAMPLES[0], missing, "--scheduler", client.scheduler.address, "-o", out,
               "--send-bytes", "--kind", "target")
    assert done.returncode == 1
    assert re.search(rf"^{re.escape(str(missing))}: no such file$", done.stderr, re.M)  # as a local run says
    assert SUMMARY.findall(done.stderr)[0][:3] == ("2", "1", "1")
    assert dataset(out) == [r for r in local_run(SAMPLES[:1]) if r["kind"] == "target"] != []


def test_command_line_names_a_scheduler_it_cannot_reach(tmp_path):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    done = subprocess.run([sys.executable, "-m", "policycli", "extract", SAMPLES[0], "--scheduler", address,
                           "-o", tmp_path / "records"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=os.environ | {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"})
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"policycli: {address}: ")
    assert list(tmp_path.iterdir()) == []


def test_without_dask_one_line_names_the_extra(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from policycli.cli import app

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    run = CliRunner().invoke(app, ["extract", SAMPLES[0], "--scheduler", "local:1", "-o", str(tmp_path / "out")])
    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1 and "pip install 'policycli[dask]'" in run.stderr
    assert list(tmp_path.iterdir()) == []
