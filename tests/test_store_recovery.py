"""SIGKILL in the middle of a stored run: the store stays consistent, the next run completes it, no worker lingers."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

TEXT = "第{n}项：全年力争引进亿元以上项目{n}个，新增高新技术企业{m}家，完成固定资产投资{n}.5亿元，增长6%左右。\n"
FILES = 200


def extract(db: Path, folder: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "policycli", "extract", str(folder), "--db", str(db), "--jobs", "1",
         "-o", str(db.with_suffix(".jsonl")), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def committed(db: Path) -> int:
    """Documents the store shows as done, read the way any other reader would."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def dump(db: Path) -> tuple[list, list]:
    with sqlite3.connect(db) as con:
        docs = con.execute("SELECT path, sha256, size, status, error, records FROM documents ORDER BY path")
        recs = con.execute("SELECT d.path, r.* FROM records r JOIN documents d ON d.id = r.document_id"
                           " ORDER BY d.path, r.start, r.\"end\"")
        return docs.fetchall(), [row[:1] + row[3:] for row in recs.fetchall()]  # without row ids


def documents(tmp_path: Path, repeat: int) -> Path:
    """A folder of FILES policy texts, each TEXT ``repeat`` times over."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(FILES):
        (folder / f"{n:04d}.txt").write_text(TEXT.format(n=n + 1, m=n + 3) * repeat, encoding="utf-8")
    return folder


def wait_for_a_commit(db: Path, proc: subprocess.Popen) -> None:
    """Return once ``proc`` has committed a document to ``db`` (or ended, or a minute passed)."""
    deadline = time.monotonic() + 60
    while committed(db) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)


def test_sigkill_mid_run_then_rerun_equals_one_clean_run(tmp_path):
    folder = documents(tmp_path, 2)
    killed_db = tmp_path / "killed.sqlite"
    proc = extract(killed_db, folder)
    wait_for_a_commit(killed_db, proc)
    assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read()[-500:]!r}"
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    partial = committed(killed_db)
    assert 1 <= partial < FILES
    assert not killed_db.with_suffix(".jsonl").exists()  # written atomically: nothing half-made

    with sqlite3.connect(killed_db) as con:
        docs, recs = con.execute(
            "SELECT sum(records), (SELECT count(*) FROM records) FROM documents").fetchone()
        assert docs == recs  # every committed document came with all its records

    rerun = extract(killed_db, folder)
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0
    assert stderr.decode("utf-8").startswith(f"{FILES} files: {FILES - partial} processed, {partial} skipped, 0 failed")

    clean_db = tmp_path / "clean.sqlite"
    clean = extract(clean_db, folder)
    clean.communicate(timeout=120)
    assert clean.returncode == 0
    assert dump(killed_db) == dump(clean_db)


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads the process tree from /proc")
def test_workers_do_not_outlive_a_killed_run(tmp_path):
    folder = documents(tmp_path, 20)
    db = tmp_path / "s.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "policycli", "extract", str(folder), "--db", str(db),
                             "--jobs", "2", "-o", str(tmp_path / "new.jsonl")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_a_commit(db, proc)
    helpers = descendants(proc.pid)  # the workers, and whatever started them
    assert proc.poll() is None and len(helpers) >= 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 20
    while any(map(running, helpers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(running, helpers))


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def no_leftovers(folder: Path) -> bool:
    """No temporary output file was left behind."""
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


STOPS = [  # (signal, workers, exit status the stopped run reports)
    (signal.SIGINT, 1, 130),
    (signal.SIGKILL, 1, -signal.SIGKILL),
    (signal.SIGINT, 2, 130),
    (signal.SIGTERM, 2, 143),
]


@pytest.mark.parametrize("stop, jobs, status", STOPS, ids=lambda v: getattr(v, "name", str(v)))
def test_records_of_a_stopped_run_reach_the_next_output_and_none_is_lost(tmp_path, stop, jobs, status):
    folder = documents(tmp_path, 2)
    db = tmp_path / "s.sqlite"
    outputs = [tmp_path / f"new{n}.jsonl" for n in range(3)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "policycli", "extract", str(folder), "--db", str(db), "--jobs", str(jobs),
         "-o", str(outputs[0])],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while committed(db) < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert proc.poll() is None, f"the run ended before it could be stopped: {proc.stderr.read()[-500:]!r}"
    os.kill(proc.pid, stop)
    _, stderr = proc.communicate(timeout=60)  # read to the end: helpers that share stderr have gone too
    assert proc.returncode == status, stderr
    stderr = stderr.decode("utf-8")
    assert "Traceback" not in stderr and "leaked" not in stderr and "resource_tracker" not in stderr, stderr
    partial = committed(db)
    assert 20 <= partial < FILES
    assert not outputs[0].exists()
    if stop != signal.SIGKILL:  # a killed process cannot remove its hidden temporary file
        assert no_leftovers(tmp_path)
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM documents WHERE delivered_at IS NOT NULL").fetchone() == (0,)

    for n, out in enumerate(outputs[1:], 1):
        rerun = subprocess.run([sys.executable, "-m", "policycli", "extract", str(folder), "--db", str(db),
                                "--jobs", str(jobs), "-o", str(out)], capture_output=True, timeout=120)
        assert rerun.returncode == 0, rerun.stderr
        if n == 1:
            assert f"{FILES} files: {FILES - partial} processed, {partial} skipped, 0 failed" in \
                rerun.stderr.decode("utf-8")
            assert "documents an earlier run did not deliver" in rerun.stderr.decode("utf-8")

    clean = subprocess.run([sys.executable, "-m", "policycli", "extract", str(folder), "--jobs", "1",
                            "--format", "jsonl"], capture_output=True, timeout=120)
    everything = clean.stdout.decode("utf-8").splitlines()
    assert len(everything) > FILES
    assert lines(outputs[1]) == everything  # the stopped run's records, in path order among the rest
    assert lines(outputs[2]) == []  # and once delivered, never again
    delivered = [line for out in outputs for line in lines(out)]
    assert set(everything) <= set(delivered)
