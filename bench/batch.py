"""Batch throughput: one worker against two, then a re-run over unchanged files.

Runs ``policycli extract CORPUS --db ...`` as a subprocess into fresh stores
and prints wall time, files per second, the speed-up of two workers over
one, the re-run's time as a share of the first run, and peak memory
(``ru_maxrss`` of the child processes). The worker processes are not the
command's own children (they fork from a server process that outlives it by a
moment), so on Linux this script adopts and waits for them: their CPU time and
memory count too. The corpus is ``../shared/bench`` beside the repository when
present, else a generated one of 240 files.

It first times two CPU-bound processes against one: on a shared machine the
second core is not always there, and a speed-up can only be judged against
what the machine gave at the time.

    python bench/batch.py [CORPUS]
"""
from __future__ import annotations

import ctypes
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench"
PR_SET_CHILD_SUBREAPER = 36
SPIN = "n = 0\nfor i in range(6_000_000): n += i"
SUMMARY = re.compile(r"(\d+) files: (\d+) processed, (\d+) skipped, (\d+) failed; (\d+) records")
PARAGRAPH = (
    "第{n}号通知：全年力争引进亿元以上项目{a}个，新增高新技术企业{b}家，"
    "完成固定资产投资{a}.5亿元，同比增长{c}%左右。到2028年，产业链总规模突破{b}00亿元，"
    "新建标准厂房{a}万平方米，新增就业岗位{c}000个。\n"
)


def generated_corpus(folder: Path, files: int = 240) -> Path:
    """A stand-in corpus of short policy-style texts with many figures each."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        text = "".join(PARAGRAPH.format(n=n, a=n % 50 + k, b=n % 30 + 2, c=k % 9 + 1) for k in range(40))
        (folder / f"notice-{n:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def adopt_descendants() -> None:
    """Become the parent of processes our children leave behind (Linux only)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def reap() -> None:
    """Wait for adopted processes, so that their usage is counted."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def parallel_ceiling() -> float:
    """How much faster two CPU-bound processes finish than one after the other (2.0 at best)."""
    command = [sys.executable, "-c", SPIN]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    one = time.perf_counter() - started
    started = time.perf_counter()
    pair = [subprocess.Popen(command) for _ in range(2)]
    for process in pair:
        process.wait()
    return 2 * one / (time.perf_counter() - started)


def extract(corpus: Path, db: Path, jobs: int) -> tuple[float, float, tuple[int, ...], int]:
    """Run one extract: wall seconds, CPU seconds of it and its workers, the
    summary counts, and the peak RSS of any child so far (KiB)."""
    command = [sys.executable, "-m", "policycli", "extract", str(corpus), "--db", str(db),
               "--jobs", str(jobs), "-o", str(db.with_suffix(".jsonl"))]
    cpu = cpu_seconds()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    reap()
    cpu = cpu_seconds() - cpu
    found = SUMMARY.search(done.stderr)
    if done.returncode not in (0, 1) or not found:
        sys.exit(f"extract failed ({done.returncode}):\n{done.stderr}")
    counts = tuple(int(g) for g in found.groups())
    return wall, cpu, counts, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    adopt_descendants()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if len(sys.argv) > 1:
            corpus = Path(sys.argv[1])
        elif SHARED.is_dir():
            corpus = SHARED
        else:
            corpus = generated_corpus(tmp / "corpus")
        print(f"corpus: {corpus}; {os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.2f}")
        print(f"two CPU-bound processes at once ran {parallel_ceiling():.2f}x as fast as one after the other "
              "(2.0 on two idle cores)")
        print(f"{'run':<18}{'wall s':>8}{'cpu s':>8}{'files/s':>9}{'files':>7}{'done':>6}{'skip':>6}{'fail':>6}"
              f"{'records':>9}{'peak MiB':>10}")
        walls = {}
        for name, db, jobs in (("--jobs 1", "one", 1), ("--jobs 2", "two", 2), ("re-run --jobs 2", "two", 2)):
            wall, cpu, (files, processed, skipped, failed, records), peak = extract(corpus, tmp / f"{db}.sqlite", jobs)
            walls[name] = wall
            print(f"{name:<18}{wall:>8.2f}{cpu:>8.2f}{files / wall:>9.1f}{files:>7}{processed:>6}{skipped:>6}"
                  f"{failed:>6}{records:>9}{peak / 1024:>10.1f}")
        print(f"speed-up, 2 jobs over 1: {walls['--jobs 1'] / walls['--jobs 2']:.2f}x (aim >= 1.7 on 2 idle cores)")
        print(f"re-run over unchanged files: {100 * walls['re-run --jobs 2'] / walls['--jobs 2']:.1f}% "
              "of the first run (aim < 10%)")


if __name__ == "__main__":
    main()
