"""Paired A/B of the engine's speed: this checkout against an earlier commit.

Checks the base commit out into a temporary git worktree, then runs, in turn
and ``--rounds`` times, one process per engine that times ``extract_text``
over the texts of a folder (CPU seconds, best of two passes after a warm-up
pass that also compiles every pattern). Each round pairs the two runs, the
engine that runs first alternating, so a drift in the machine's speed tilts
neither; the median of the per-round ratios is the figure to quote. With
``--together`` the two runs of a round start at the same moment, one per core,
so both meet the same load from the rest of the machine. With ``--interleaved``
(the closest pairing), each engine runs in a process of its own that stays up,
and the two take turns file by file: every file is timed by both within a few
milliseconds, so a drift of the machine's speed, or another program's load,
falls on both alike; a round's ratio is of the two engines' sums over all
files. The engines' record counts are printed: they must agree for the
comparison to be about speed alone.

Usage: python bench/engine_ab.py --base COMMIT [--rounds N] [--folder DIR] [--together | --interleaved]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Run in a fresh interpreter with the engine under test first on sys.path.
_PASS = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from policycli import extract_text
texts = [f.read_text(encoding="utf-8-sig") for f in sorted(Path(sys.argv[2]).glob("*.txt"))]
records = sum(len(extract_text(t)) for t in texts)
best = float("inf")
for _ in range(2):
    start = time.process_time()
    for t in texts:
        extract_text(t)
    best = min(best, time.process_time() - start)
print(best, records)
"""


#: A worker for --interleaved: loads the texts and warms up, prints its record
#: count, then for each file number read from stdin prints the CPU seconds of
#: extracting that file.
_WORKER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from policycli import extract_text
texts = [f.read_text(encoding="utf-8-sig") for f in sorted(Path(sys.argv[2]).glob("*.txt"))]
print(sum(len(extract_text(t)) for t in texts), flush=True)
for line in sys.stdin:
    text = texts[int(line)]
    start = time.process_time()
    extract_text(text)
    print(time.process_time() - start, flush=True)
"""


class _Worker:
    """One engine in a process that stays up, timing one file at a time on request."""

    def __init__(self, engine: Path, folder: Path):
        self.run = subprocess.Popen([sys.executable, "-c", _WORKER, str(engine), str(folder)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                    cwd=tempfile.gettempdir())
        self.records = int(self._line())

    def _line(self) -> str:
        line = self.run.stdout.readline()
        if not line:
            sys.exit("engine_ab: a timing worker failed (run its engine alone to see why)")
        return line

    def time(self, index: int) -> float:
        self.run.stdin.write(f"{index}\n")
        self.run.stdin.flush()
        return float(self._line())

    def close(self) -> None:
        self.run.stdin.close()
        self.run.wait()


def interleaved(base: Path, new: Path, folder: Path, rounds: int) -> list[tuple[tuple[float, int], tuple[float, int]]]:
    """Rounds of both engines taking turns file by file (which goes first
    alternates by file and round): per round, each engine's CPU seconds summed
    over the files, with its record count."""
    files = len(sorted(folder.glob("*.txt")))
    workers = _Worker(base, folder), _Worker(new, folder)
    try:
        pairs = []
        for round_ in range(rounds):
            sums = [0.0, 0.0]
            for index in range(files):
                order = (0, 1) if (index + round_) % 2 == 0 else (1, 0)
                for which in order:
                    sums[which] += workers[which].time(index)
            pairs.append(((sums[0], workers[0].records), (sums[1], workers[1].records)))
        return pairs
    finally:
        for worker in workers:
            worker.close()


def _start(engine: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _PASS, str(engine), str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tempfile.gettempdir())


def _result(run: subprocess.Popen) -> tuple[float, int]:
    """CPU seconds of the best pass and the number of records, from a finished run."""
    out, err = run.communicate()
    if run.returncode:
        sys.exit(f"engine_ab: a timing run failed:\n{err}")
    seconds, records = out.split()
    return float(seconds), int(records)


def one_run(engine: Path, folder: Path) -> tuple[float, int]:
    """CPU seconds of the best pass and the number of records, for the engine at ``engine``."""
    return _result(_start(engine, folder))


def both_at_once(base: Path, new: Path, folder: Path) -> tuple[tuple[float, int], tuple[float, int]]:
    """The two engines' results from runs started together."""
    runs = _start(base, folder), _start(new, folder)
    return _result(runs[0]), _result(runs[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the commit to compare against")
    parser.add_argument("--rounds", type=int, default=7, help="paired rounds (default 7)")
    parser.add_argument("--folder", type=Path, default=ROOT.parent / "shared" / "bench")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--together", action="store_true",
                      help="run the two engines of a round at the same time (needs two cores)")
    mode.add_argument("--interleaved", action="store_true",
                      help="the two engines take turns file by file, each in a process that stays up")
    args = parser.parse_args()
    if not sorted(args.folder.glob("*.txt")):
        sys.exit(f"{args.folder}: no .txt files to time")

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.base],
                       check=True, capture_output=True)
        try:
            pairs = interleaved(base, ROOT, args.folder, args.rounds) if args.interleaved else []
            for round_ in range(0 if args.interleaved else args.rounds):
                # Which engine runs first alternates: a process that follows a busy
                # one, or an idle spell, may run at another speed.
                if args.together:
                    pairs.append(both_at_once(base, ROOT, args.folder))
                elif round_ % 2:
                    new = one_run(ROOT, args.folder)
                    pairs.append((one_run(base, args.folder), new))
                else:
                    pairs.append((one_run(base, args.folder), one_run(ROOT, args.folder)))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           check=False, capture_output=True)

    base_times = [b[0] for b, _ in pairs]
    new_times = [n[0] for _, n in pairs]
    ratios = sorted(n / b for b, n in zip(base_times, new_times))
    print(f"base {args.base}: median {statistics.median(base_times):.2f} s CPU per pass, {pairs[0][0][1]:,} records")
    print(f"this checkout: median {statistics.median(new_times):.2f} s CPU per pass, {pairs[0][1][1]:,} records")
    print(f"ratio this/base: median {statistics.median(ratios):.3f} over {len(ratios)} paired rounds "
          f"({ratios[0]:.3f}–{ratios[-1]:.3f}){_MODES[args.together, args.interleaved]}")


#: How the rounds were run, for the last line printed, by (--together, --interleaved).
_MODES = {(False, False): ", taking turns", (True, False): ", run together",
          (False, True): ", file by file in turn"}


if __name__ == "__main__":
    main()
