"""Startup cost of a one-file run: ``python -m policycli extract FILE``, whole process.

Cron jobs run one process per new file, so what each pays is the whole start:
imports, loading the rule packs and the first document. This times ``--runs``
such processes for this checkout (CPU seconds of the child, user plus system,
from ``getrusage(RUSAGE_CHILDREN)`` before and after each run) and prints the
median and range. With ``--base COMMIT`` it checks that commit out into a
temporary git worktree and times it too, one run of each in turn (which runs
first alternating), then prints the median of the per-pair ratios. Each
checkout runs from its own folder, so that ``-m`` imports its package; Python's
bytecode is cached as a user's install has it (one untimed run first writes
it), whatever ``PYTHONDONTWRITEBYTECODE`` says. Both checkouts must write the
same number of records for the figures to be about speed alone; a difference
is printed.

Usage: python bench/startup.py [--base COMMIT] [--runs N] [--file PATH]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The environment of the timed runs: bytecode written and read, as installed.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(checkout: Path, file: Path) -> tuple[float, int]:
    """CPU seconds of one ``python -m policycli extract file`` run from ``checkout``,
    and the number of records it wrote."""
    before = _cpu_children()
    run = subprocess.run([sys.executable, "-m", "policycli", "extract", "--quiet", str(file)],
                         cwd=checkout, env=_ENV, capture_output=True, text=True)
    seconds = _cpu_children() - before
    if run.returncode:
        sys.exit(f"startup: a run from {checkout} failed:\n{run.stderr}")
    return seconds, run.stdout.count("\n")


def _summary(label: str, runs: list[tuple[float, int]]) -> str:
    times = sorted(t for t, _ in runs)
    return (f"{label}: median {statistics.median(times):.3f} s CPU "
            f"({times[0]:.3f}–{times[-1]:.3f}) over {len(times)} runs, {runs[0][1]:,} records")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="a commit to compare against")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per checkout (default 15)")
    parser.add_argument("--file", type=Path, default=ROOT / "samples" / "zone-news.txt",
                        help="the one file extracted (default samples/zone-news.txt)")
    args = parser.parse_args()
    file = args.file.resolve()
    if not file.is_file():
        sys.exit(f"{file}: no such file")

    if args.base is None:
        one_run(ROOT, file)
        print(_summary("this checkout", [one_run(ROOT, file) for _ in range(args.runs)]))
        return

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.base],
                       check=True, capture_output=True)
        try:
            one_run(base, file)
            one_run(ROOT, file)
            pairs = []
            for round_ in range(args.runs):
                if round_ % 2:
                    new = one_run(ROOT, file)
                    pairs.append((one_run(base, file), new))
                else:
                    pairs.append((one_run(base, file), one_run(ROOT, file)))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           check=False, capture_output=True)

    ratios = sorted(n[0] / b[0] for b, n in pairs)
    print(_summary(f"base {args.base}", [b for b, _ in pairs]))
    print(_summary("this checkout", [n for _, n in pairs]))
    print(f"ratio this/base: median {statistics.median(ratios):.3f} over {len(ratios)} pairs "
          f"({ratios[0]:.3f}–{ratios[-1]:.3f})")


if __name__ == "__main__":
    main()
