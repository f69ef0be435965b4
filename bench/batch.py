"""Batch throughput: one worker against two, then a re-run over unchanged files.

Runs ``policycli extract CORPUS --db ...`` as a subprocess into fresh stores
and prints wall time, files per second, the speed-up of two workers over
one, the re-run's time as a share of the first run, and peak memory
(``ru_maxrss`` of the child processes). The worker processes are not the
command's own children (they fork from a server process that outlives it by a
moment), so on Linux this script adopts and waits for them: their CPU time and
memory count too. The corpus is ``../shared/bench`` beside the repository when
present, else a generated one of 240 files.

Each round first times two CPU-bound processes against one: on a shared
machine the second core is not always there, and a speed-up can only be
judged against what the machine gave at the time. Rounds repeat the whole
set, and the summary gives medians, because a single pair of runs on a busy
machine can be off by a third either way.

    python bench/batch.py [CORPUS] [--rounds N]
"""
from __future__ import annotations

import argparse
import ctypes
import os
import statistics
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
    """How much faster two CPU-bound processes finish than one after the other (2.0 at best).

    One process is timed alone just before and just after the pair, and the
    two times averaged, so that a drift in the machine's speed cancels out.
    """
    command = [sys.executable, "-c", SPIN]

    def alone() -> float:
        started = time.perf_counter()
        subprocess.run(command, check=True)
        return time.perf_counter() - started

    before = alone()
    started = time.perf_counter()
    pair = [subprocess.Popen(command) for _ in range(2)]
    for process in pair:
        process.wait()
    together = time.perf_counter() - started
    return (before + alone()) / together


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


RUNS = (("--jobs 1", "one", 1), ("--jobs 2", "two", 2), ("re-run --jobs 2", "two", 2))


def one_round(corpus: Path, tmp: Path, number: int) -> dict[str, float]:
    """Time the machine's two-process ratio, then each run of RUNS into fresh stores."""
    figures = {"machine": parallel_ceiling()}
    print(f"round {number}: two CPU-bound processes at once ran {figures['machine']:.2f}x "
          "as fast as one after the other (2.0 on two idle cores)")
    print(f"  {'run':<18}{'wall s':>8}{'cpu s':>8}{'files/s':>9}{'files':>7}{'done':>6}{'skip':>6}{'fail':>6}"
          f"{'records':>9}{'peak MiB':>10}")
    for name, db, jobs in RUNS:
        store = tmp / f"{db}-{number}.sqlite"
        wall, cpu, (files, processed, skipped, failed, records), peak = extract(corpus, store, jobs)
        figures[name] = wall
        figures["peak"] = max(figures.get("peak", 0), peak / 1024)
        print(f"  {name:<18}{wall:>8.2f}{cpu:>8.2f}{files / wall:>9.1f}{files:>7}{processed:>6}{skipped:>6}"
              f"{failed:>6}{records:>9}{peak / 1024:>10.1f}")
    figures["speed-up"] = figures["--jobs 1"] / figures["--jobs 2"]
    figures["share"] = figures["speed-up"] / figures["machine"]
    figures["re-run"] = 100 * figures["re-run --jobs 2"] / figures["--jobs 2"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, help="folder of documents (default: ../shared/bench)")
    parser.add_argument("--rounds", type=int, default=3, help="how many times to repeat the set (default 3)")
    args = parser.parse_args()
    adopt_descendants()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.corpus is not None:
            corpus = args.corpus
        elif SHARED.is_dir():
            corpus = SHARED
        else:
            corpus = generated_corpus(tmp / "corpus")
        print(f"corpus: {corpus}; {os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.2f}")
        rounds = [one_round(corpus, tmp, number) for number in range(1, max(1, args.rounds) + 1)]

    def median(key: str) -> float:
        return statistics.median(figures[key] for figures in rounds)

    print(f"medians over {len(rounds)} rounds:")
    for name, _, _ in RUNS:
        print(f"  {name:<18}{median(name):>8.2f} s")
    print(f"  speed-up, 2 jobs over 1: {median('speed-up'):.2f}x (aim >= 1.7 on 2 idle cores); "
          f"the machine's own two-process ratio: {median('machine'):.2f}x")
    print(f"  speed-up as a share of the machine's ratio in the same round: {median('share'):.0%}")
    print(f"  re-run over unchanged files: {median('re-run'):.1f}% of the first run (aim < 10%)")
    print(f"  peak memory of any process: {max(figures['peak'] for figures in rounds):.1f} MiB")


if __name__ == "__main__":
    main()
