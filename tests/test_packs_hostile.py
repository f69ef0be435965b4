"""Hostile user rule packs: refused at load with one line naming file and entry, or harmless in a run.

``tests/cases/pathological_packs.toml`` holds the packs. Those that must not
load are checked in process and through ``policycli packs`` and ``policycli
extract``. Those that may slip past the load checks are run over a text made
to trip them, next to a good sample, in child processes started together with
a hang guard: a run must end, every file must be accounted for, and a failed
file's line must name the pack and the entry.
"""
from __future__ import annotations

import sys
import time
import tomllib
from pathlib import Path

import pytest

from policycli import Record, extract_text
from policycli.packs import PackError, load_packs
from test_fuzz import check_records
from test_pathological import HANG_GUARD, ROOT, Guarded, policycli, records_by_doc, summary_of

CASES = tomllib.loads((Path(__file__).parent / "cases" / "pathological_packs.toml").read_text(encoding="utf-8"))
REJECTED = CASES["rejected"]
HOSTILE = CASES["hostile"]
SAMPLE = ROOT / "samples" / "action-plan.txt"
#: A sentence that trips the hostile packs: a long run of 年 after a dash, quantities after it,
#: and a 年 that no bundled period pattern takes as the last period cue before the last one.
TRAP = "—" + "年" * 40 + "，全年新增10个项目，投资999999999999兆元，产值年均增长5%。\n"



def write_pack(case: dict, folder: Path) -> Path:
    path = folder / f"{case['name']}.toml"
    path.write_bytes(case["pack"].encode(case.get("encoding", "utf-8")))
    return path


def assert_names_pack(message: str, pack: Path, entry: str, reason: str = "") -> None:
    assert "\n" not in message.strip(), message
    assert str(pack) in message and entry in message, message
    assert reason.lower() in message.lower(), message


@pytest.mark.parametrize("case", REJECTED, ids=[c["name"] for c in REJECTED])
def test_rejected_at_load(case, tmp_path):
    pack = write_pack(case, tmp_path)
    with pytest.raises(PackError) as info:
        load_packs(extra=[pack])
    assert_names_pack(str(info.value), pack, case["entry"], case["reason"])


CLI_REJECTED = ["catastrophic-stop", "invalid-regex", "not-utf8"]


@pytest.mark.parametrize("name", CLI_REJECTED)
def test_packs_command_refuses_in_one_line(name, tmp_path):
    case = next(c for c in REJECTED if c["name"] == name)
    pack = write_pack(case, tmp_path)
    run = policycli("packs", "--pack", pack)
    assert run.returncode != 0
    assert run.stdout == b""
    lines = run.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1
    assert_names_pack(lines[0], pack, case["entry"], case["reason"])


def test_extract_refuses_a_bad_pack_before_any_work(tmp_path):
    case = next(c for c in REJECTED if c["name"] == "catastrophic-period")
    pack = write_pack(case, tmp_path)
    run = policycli("extract", SAMPLE, "--pack", pack, "--format", "jsonl")
    assert run.returncode == 2
    assert run.stdout == b""
    lines = run.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1
    assert_names_pack(lines[0], pack, case["entry"], case["reason"])


@pytest.fixture(scope="module")
def hostile_runs(tmp_path_factory):
    """One extract run per hostile pack, over the trap text and a good sample, all started at once."""
    folder = tmp_path_factory.mktemp("hostile")
    trap = folder / "trap.txt"
    trap.write_text(TRAP, encoding="utf-8")
    deadline = time.monotonic() + HANG_GUARD
    runs = {}
    for case in HOSTILE:
        pack = write_pack(case, folder)
        cmd = [sys.executable, "-m", "policycli", "extract", trap, SAMPLE, "--pack", pack,
               "--format", "jsonl", "--jobs", "1"]
        runs[case["name"]] = (Guarded.start(cmd, deadline), pack, trap)
    yield runs
    for child, *_ in runs.values():
        child.stop()


@pytest.mark.parametrize("case", HOSTILE, ids=[c["name"] for c in HOSTILE])
def test_hostile_pack_cannot_freeze_or_corrupt_a_run(case, hostile_runs):
    child, pack, trap = hostile_runs[case["name"]]
    code, out, err = child.result()
    lines = err.splitlines()
    if code == 2:  # refused before any work: fine, if it says which pack and entry
        assert len(lines) == 1
        assert_names_pack(lines[0], pack, case["entry"])
        return
    assert code in (0, 1), err[-2000:]
    files, processed, skipped, failed, count = summary_of(err)
    assert (files, skipped, processed + failed) == (2, 0, 2)
    got = records_by_doc(out.encode("utf-8"))
    assert count == sum(len(rows) for rows in got.values())
    for path in (trap, SAMPLE):
        errors = [line for line in lines if line.startswith(f"{path}: ")]
        if errors:
            assert len(errors) == 1 and str(path) not in got
            assert_names_pack(errors[0], pack, case["entry"])
        text = path.read_text(encoding="utf-8")
        check_records(text, [Record.from_dict(row) for row in got.get(str(path), [])], doc=str(path))
    expected = extract_text(SAMPLE.read_text(encoding="utf-8"), doc=str(SAMPLE), packs=load_packs(extra=[pack]))
    assert got.get(str(SAMPLE)) == [r.to_dict() for r in expected]
