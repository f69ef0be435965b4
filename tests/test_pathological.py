"""Pathological input: every file ends in valid records or one clear line, and a batch loses nothing.

The inputs are described in ``tests/cases/pathological.toml`` at sizes the
suite affords (``bench/pathological.py`` builds them at full size and times
them). Inputs that can hang a run (a named pipe, a long line of quantities, a
long digit run inside a sentence) run at full size in child processes started
together, with a generous hang guard, so that a hang fails its test instead of
freezing the suite.
"""
from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import read_error_as_a_user
from policycli import extract_file, extract_text, readers
from policycli.readers import ReadError
from test_fuzz import check_records

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CASES = tomllib.loads((TESTS / "cases" / "pathological.toml").read_text(encoding="utf-8"))["input"]
SUMMARY = re.compile(r"^(\d+) files: (\d+) processed, (\d+) skipped, (\d+) failed; (\d+) records in ")
#: Seconds a child process may run before it is taken to hang. The work it does
#: takes a few seconds alone, but the children run at once on a machine that may
#: be busy with other work: the guard catches a hang, not a slow run (speed is
#: the benches' business), so it is generous.
HANG_GUARD = 60


def case_text(case: dict) -> str:
    """The decoded text of a case: head + body * repeat + tail."""
    return case.get("head", "") + case["body"] * case["repeat"] + case.get("tail", "")


def write_case(case: dict, folder: Path) -> Path:
    """The case written as a file in its encoding, BOM and truncation."""
    encoding = case.get("encoding", "utf-8")
    data = case_text(case).encode(encoding)
    if case.get("bom"):
        data = "\ufeff".encode(encoding) + data
    if case.get("cut"):
        data = data[: -case["cut"]]
    path = folder / f"{case['name']}.txt"
    path.write_bytes(data)
    return path


def assert_one_line_error(message: str, path: str, reason: str) -> None:
    assert "\n" not in message and message.startswith(f"{path}: "), message
    assert reason.lower() in message.lower(), message


def assert_expected_records(records, case: dict) -> None:
    found = {(r.text, r.value) for r in records}
    for want in case.get("records", []):
        assert any(text == want["text"] and math.isclose(value, want["value"]) for text, value in found), (
            f"{want} not among {sorted(found)[:10]}")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_file_reads_to_records_or_one_line(case, tmp_path):
    path = write_case(case, tmp_path)
    if case["expect"] == "error":
        with pytest.raises(ReadError) as info:
            extract_file(path)
        assert_one_line_error(str(info.value), str(path), case["error"])
        return
    source = readers.read(path)
    assert source.format == case.get("format", "text")
    if source.format == "text":
        assert source.text == case_text(case)
    records = extract_text(source.text, doc=str(path))
    check_records(source.text, records, doc=str(path))
    assert_expected_records(records, case)


ERROR_CASES = [c for c in CASES if c["expect"] == "error"]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c["name"] for c in ERROR_CASES])
def test_text_of_an_unreadable_file_still_extracts(case):
    """What the reader refuses (NULs, a cut-off tail) the engine takes as text and keeps the contract."""
    text = case_text(case)
    check_records(text, extract_text(text, doc="t"), doc="t")


def _directory(tmp_path: Path) -> Path:
    (tmp_path / "folder.txt").mkdir()
    return tmp_path / "folder.txt"


def _under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
    return tmp_path / "plain.txt" / "inner.txt"


def _too_big(tmp_path: Path) -> Path:
    path = tmp_path / "big.txt"
    path.write_text("全年新增10个项目。" * 200, encoding="utf-8")
    return path


BAD_PATHS = {
    "directory": (_directory, "is a directory"),
    "missing": (lambda tmp: tmp / "gone.txt", "no such file"),
    "under-a-file": (_under_a_file, "not a directory"),
    "over-max-bytes": (_too_big, "--max-bytes"),
}


@pytest.mark.parametrize("kind", BAD_PATHS)
def test_bad_path_is_one_line(kind, tmp_path):
    make, reason = BAD_PATHS[kind]
    path = make(tmp_path)
    with pytest.raises(ReadError) as info:
        extract_file(path, max_bytes=1000)
    assert_one_line_error(str(info.value), str(path), reason)


def test_unreadable_path_is_one_line(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("全年新增10个项目。", encoding="utf-8")
    path.chmod(0)
    assert_one_line_error(read_error_as_a_user(path, "policycli:extract_file"), str(path), "permission denied")


def test_default_size_limit_is_sensible():
    """Large enough for any real policy document, small enough to hold in memory many times over."""
    assert 1 << 20 <= readers.DEFAULT_MAX_BYTES <= 1 << 30


def policycli(*args, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policycli", *map(str, args)], input=stdin,
                          capture_output=True, timeout=300, cwd=ROOT)


def summary_of(stderr: str) -> tuple[int, ...]:
    lines = stderr.splitlines()
    match = SUMMARY.match(lines[-1]) if lines else None
    assert match, f"no summary line at the end of stderr: {stderr[-500:]!r}"
    return tuple(int(n) for n in match.groups())


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")


def records_by_doc(stdout: bytes) -> dict[str, list[dict]]:
    """JSON Lines output grouped by document; NaN or Infinity in it fail the test."""
    out: dict[str, list[dict]] = {}
    for line in stdout.decode("utf-8").splitlines():
        row = json.loads(line, parse_constant=_not_json)
        out.setdefault(row["doc"], []).append(row)
    return out


def test_batch_accounts_for_every_input(tmp_path):
    """Pathological files, good samples and bad paths in one run: every input is counted,
    every failure has its line, and every readable file's records are all there."""
    limit = 4 << 20
    case_paths = {write_case(c, tmp_path): c for c in CASES}
    samples = sorted((ROOT / "samples").glob("*.txt"))
    big = tmp_path / "over-limit.txt"
    big.write_bytes(b"a" * (limit + 1))
    bad_paths = [big, tmp_path / "gone.txt", _under_a_file(tmp_path)]
    if Path("/dev/zero").exists():
        bad_paths.append(Path("/dev/zero"))
    failing = [p for p, c in case_paths.items() if c["expect"] == "error"] + bad_paths
    inputs = [*case_paths, *samples, *bad_paths]
    run = policycli("extract", *inputs, "--format", "jsonl", "--jobs", "2", "--max-bytes", limit)

    assert run.returncode == 1, run.stderr.decode("utf-8")[-2000:]
    stderr = run.stderr.decode("utf-8")
    files, processed, skipped, failed, records = summary_of(stderr)
    got = records_by_doc(run.stdout)
    assert (files, processed, skipped, failed) == (len(inputs), len(inputs) - len(failing), 0, len(failing))
    assert records == sum(len(rows) for rows in got.values())
    for path in failing:
        lines = [line for line in stderr.splitlines() if line.startswith(f"{path}: ")]
        assert len(lines) == 1, (path, stderr[-2000:])
        assert str(path) not in got
    for path in [p for p in case_paths if p not in failing] + samples:
        expected = [r.to_dict() for r in extract_file(path)]
        assert got.get(str(path), []) == expected, path


def test_stdin_over_the_limit_fails_in_one_line():
    run = policycli("extract", "-", "--format", "jsonl", "--max-bytes", 100, stdin="全年新增10个项目。".encode() * 20)
    assert run.returncode == 1
    lines = run.stderr.decode("utf-8").splitlines()
    assert lines[0].startswith("-: ") and len(lines) == 2
    assert summary_of(run.stderr.decode("utf-8"))[:4] == (1, 0, 0, 1)
    assert run.stdout == b""


# --- inputs that can hang a run, in guarded child processes ----------------

#: Texts at full size the engine must finish in about linear time, and the
#: mentions it must still find in them.
LONG_TEXTS = {
    "dense-line": ("新增10个项目投资5亿元建设厂房" * 12000, {"10个", "5亿元"}),  # 0.5 MB, one line
    "digits-in-sentence": ("全年新增10个项目。" + "7" * 100_000 + "\n力争地区生产总值增长6%左右。", {"10个", "6%左右"}),
}
ENGINE_CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from test_fuzz import check_records
from policycli import extract_text
text = open(sys.argv[2], encoding="utf-8").read()
records = extract_text(text, doc="long")
check_records(text, records, doc="long")
print(json.dumps(sorted({r.text for r in records})))
"""


@dataclass
class Guarded:
    """A child process started early; ``result`` waits for it until the shared deadline."""

    process: subprocess.Popen
    deadline: float

    @classmethod
    def start(cls, cmd, deadline: float) -> "Guarded":
        return cls(subprocess.Popen([str(part) for part in cmd], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, cwd=ROOT), deadline)

    def result(self) -> tuple[int, str, str]:
        try:
            out, err = self.process.communicate(timeout=max(0.1, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(f"still running after {HANG_GUARD} s: the input hangs the run")
        return self.process.returncode, out.decode("utf-8"), err.decode("utf-8")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """Start every guarded child at once so that their guards overlap instead of adding up."""
    folder = tmp_path_factory.mktemp("guarded")
    deadline = time.monotonic() + HANG_GUARD
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    sample = ROOT / "samples" / "traps.txt"
    cli = [sys.executable, "-m", "policycli", "extract", fifo, sample, "--format", "jsonl", "--jobs", "1"]
    children = {"fifo": (Guarded.start(cli, deadline), fifo, sample)}
    for name, (text, _) in LONG_TEXTS.items():
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        children[name] = (Guarded.start([sys.executable, "-c", ENGINE_CHILD, TESTS, path], deadline), path, None)
    yield children
    for child, *_ in children.values():
        child.stop()


def test_named_pipe_fails_in_one_line_and_the_batch_goes_on(guarded):
    child, fifo, sample = guarded["fifo"]
    code, out, err = child.result()
    assert code == 1
    assert [line for line in err.splitlines() if line.startswith(f"{fifo}: ")]
    assert records_by_doc(out.encode()).get(str(sample)) == [r.to_dict() for r in extract_file(sample)]




@pytest.mark.parametrize("name", list(LONG_TEXTS))
def test_long_text_finishes_with_its_records(guarded, name):
    child, _, _ = guarded[name]
    code, out, err = child.result()
    assert code == 0, err[-2000:]
    assert LONG_TEXTS[name][1] <= set(json.loads(out))
