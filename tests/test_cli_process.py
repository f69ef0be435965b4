"""The command line as a real process: exit codes, stream separation, pipes, the store lock."""
from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

from policycli.store import lock_path

TEXT = "全年力争引进亿元以上项目{n}个，新增高新技术企业{m}家，完成固定资产投资{n}.5亿元，增长6%左右。\n"


def policycli(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policycli", *map(str, args)],
                          capture_output=True, timeout=120, **kwargs)


def corpus(folder: Path, count: int, repeat: int = 2) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"doc{n:03d}.txt"
        path.write_text(TEXT.format(n=n + 1, m=n + 2) * repeat, encoding="utf-8")
        paths.append(path)
    return paths


def test_exit_codes_and_streams(tmp_path):
    good = corpus(tmp_path / "docs", 2)
    ok = policycli("extract", tmp_path / "docs", "--jobs", "2")
    assert ok.returncode == 0
    lines = ok.stdout.decode("utf-8").splitlines()
    assert lines and all(json.loads(line)["doc"] in {str(p) for p in good} for line in lines)
    assert ok.stderr.decode("utf-8").startswith("2 files: 2 processed, 0 skipped, 0 failed; ")

    failed = policycli("extract", *good, tmp_path / "gone.txt", "--quiet", "--jobs", "1")
    assert failed.returncode == 1
    assert failed.stdout.splitlines() == ok.stdout.splitlines()  # one worker or two: same output
    errors = failed.stderr.decode("utf-8").splitlines()
    assert errors[0].startswith(f"{tmp_path / 'gone.txt'}: ")
    assert errors[1].startswith("3 files: 2 processed, 0 skipped, 1 failed; ")

    usage = policycli("extract", *good, "--format", "yaml")
    assert usage.returncode == 2 and usage.stdout == b"" and b"unknown format" in usage.stderr
    assert policycli("extract", *good, "--jobs", "none").returncode == 2  # typer's own check


def test_quiet_success_prints_nothing_on_stderr(tmp_path):
    corpus(tmp_path / "docs", 2)
    result = policycli("extract", tmp_path / "docs", "--quiet", "--jobs", "1", "-o", tmp_path / "out.jsonl")
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") > 0


def test_stdin_through_a_pipe(tmp_path):
    result = policycli("extract", "-", input=TEXT.format(n=7, m=8).encode("utf-8"))
    assert result.returncode == 0
    assert {json.loads(line)["doc"] for line in result.stdout.splitlines()} == {"-"}


def test_a_reader_closing_the_pipe_early_ends_quietly(tmp_path):
    corpus(tmp_path / "docs", 40, repeat=4)  # far more than a pipe buffer holds
    proc = subprocess.Popen([sys.executable, "-m", "policycli", "extract", str(tmp_path / "docs"), "--jobs", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=120) == 0
    assert json.loads(first)["doc"].endswith("doc000.txt")
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


def test_a_closed_pipe_still_lets_the_store_finish(tmp_path):
    corpus(tmp_path / "docs", 40, repeat=4)
    db = tmp_path / "s.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "policycli", "extract", str(tmp_path / "docs"),
                             "--jobs", "1", "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=120) == 0
    assert stderr.startswith("40 files: 40 processed, 0 skipped, 0 failed; "), stderr

    # The reader left before the end: nothing counts as delivered, so the next
    # run's output has every record; standard output read to its end delivers.
    again = policycli("extract", tmp_path / "docs", "--jobs", "1", "--db", db)
    assert again.returncode == 0
    assert again.stderr.decode("utf-8").startswith("40 files: 0 processed, 40 skipped, 0 failed; ")
    everything = policycli("extract", tmp_path / "docs", "--jobs", "1").stdout
    assert again.stdout == everything != b""
    after = policycli("extract", tmp_path / "docs", "--jobs", "1", "--db", db, "-o", tmp_path / "new.jsonl")
    assert after.returncode == 0 and (tmp_path / "new.jsonl").read_bytes() == b""


def test_a_locked_store_exits_75_at_once_and_is_left_alone(tmp_path):
    corpus(tmp_path / "docs", 2)
    db = tmp_path / "s.sqlite"
    with open(lock_path(db), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = policycli("extract", tmp_path / "docs", "--db", db)
    assert result.returncode == 75
    assert result.stdout == b""
    message = result.stderr.decode("utf-8")
    assert message.count("\n") == 1 and "in use by another run" in message and str(db) in message
    assert not db.exists()


def loaded_modules(*code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    script = "\n".join([*code, "import sys", "print('\\n'.join(sys.modules))"])
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


HEAVY = {"policycli.api", "policycli.packs", "regex", "cn2an", "rich", "openpyxl", "pydantic", "multiprocessing"}


def test_a_rerun_over_unchanged_files_loads_no_engine_and_no_heavy_library(tmp_path):
    corpus(tmp_path / "docs", 3)
    db = tmp_path / "s.sqlite"
    assert policycli("extract", tmp_path / "docs", "--db", db, "--jobs", "2", "-q").returncode == 0
    args = ["extract", str(tmp_path / "docs"), "--db", str(db), "--jobs", "2", "-o", str(tmp_path / "new.jsonl"), "-q"]
    loaded = loaded_modules(
        "import runpy, sys",
        f"sys.argv = ['policycli', *{args!r}]",
        "try:\n    runpy.run_module('policycli', run_name='__main__')\nexcept SystemExit as exit:\n    assert exit.code == 0",
    )
    assert "policycli.store" in loaded
    assert loaded & HEAVY == set()


def test_a_worker_reimporting_the_main_module_loads_no_command_line():
    loaded = loaded_modules("import policycli.__main__")
    assert "policycli.cli" not in loaded and "typer" not in loaded
