"""Seconds per MB for pathological inputs at full size, next to ordinary text.

Each input of ``tests/cases/pathological.toml`` is built at its
``bench_repeat`` size (plus two long texts the test suite only runs under a
hang guard), written to a file, read with the reader and extracted. Every
measurement runs in a child process with a time cap, so an input that would
run for hours is reported as such instead of stalling the benchmark. Each
input is timed at 1/64, 1/16, 1/4 and all of its size, stopping at the first
size that runs past the cap: the growth exponent between the two largest
sizes that finished (1 for linear time, 2 for quadratic) shows how its cost
scales, and an input that did not finish is reported at its largest size that did.

Ordinary text is ``../shared/bench/*.txt`` when present, else the samples
repeated. The closing line gives the slowest input's seconds per MB over the
ordinary figure; the target is at most 5.

    .venv/bin/python bench/pathological.py [--cap SECONDS] [--only NAME ...] [--scale 0.1]
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = tomllib.loads((ROOT / "tests" / "cases" / "pathological.toml").read_text(encoding="utf-8"))["input"]
SHARED_BENCH = ROOT.parent / "shared" / "bench"
#: Inputs beyond the case file: a 5 MB line of quantities with no punctuation,
#: and the text of the gb18030/utf-16 cases in UTF-8, to tell what their
#: encoding costs from what their density of records costs.
EXTRA = [
    {"name": "dense-line-no-punctuation", "body": "新增10个项目投资5亿元建设厂房", "bench_repeat": 120000,
     "expect": "records"},
    {"name": "dense-records-utf8", "body": "力争地区生产总值增长6%左右，投资5亿元。\n", "bench_repeat": 25000,
     "expect": "records"},
]
ORDINARY = "ordinary"
TARGET_RATIO = 5.0
#: The inputs the 5x target is about: the hostile inputs of the hardening issue,
#: with the ordinary corpus standing in for the content of the GB18030 and
#: UTF-16 files. The other rows are stress tests of record density (tens of
#: thousands of records per MB) and of the HTML reader, shown per record too.
TARGET_INPUTS = {
    "long-line-no-punctuation", "digit-run", "digit-run-before-unit", "yi-run", "wan-yi-run",
    "numeral-soup", "mixed-scripts-emoji", "nul-bytes", "truncated-utf8", "empty",
    "ordinary-as-gb18030", "ordinary-as-utf-16le-bom",
}
#: The fractions of full size each input is timed at, smallest first.
LADDER = (64, 16, 4, 1)


def build(case: dict, repeat: int) -> bytes:
    """The bytes of a case file: head + body * repeat + tail, encoded, BOM and cut as the case says."""
    encoding = case.get("encoding", "utf-8")
    data = (case.get("head", "") + case["body"] * repeat + case.get("tail", "")).encode(encoding)
    if case.get("bom"):
        data = "\ufeff".encode(encoding) + data
    return data[: -case["cut"]] if case.get("cut") else data


def ordinary_files(folder: Path) -> list[Path]:
    """The ordinary corpus as files in ``folder``: the shared bench texts or the samples repeated."""
    shared = sorted(SHARED_BENCH.glob("*.txt"))
    if shared:
        return shared
    paths = []
    for sample in sorted((ROOT / "samples").glob("*.txt")):
        path = folder / sample.name
        path.write_text(sample.read_text(encoding="utf-8") * 200, encoding="utf-8")
        paths.append(path)
    return paths


def measure(paths: list[Path]) -> dict:
    """Read and extract ``paths`` in this process; CPU seconds, bytes, records, failures, peak RSS."""
    sys.path.insert(0, str(ROOT))
    from policycli import extract_text, readers
    from policycli.packs import default_packs

    packs = default_packs()
    for sample in sorted((ROOT / "samples").glob("*.txt")):  # warm up: lazily compiled matchers, caches
        extract_text(sample.read_text(encoding="utf-8"), packs=packs)
    size = records = failed = 0
    started = time.process_time()
    for path in paths:
        size += path.stat().st_size
        try:
            source = readers.read(path)
        except readers.ReadError:
            failed += 1
            continue
        records += len(extract_text(source.text, doc=str(path), packs=packs))
    seconds = time.process_time() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "bytes": size, "records": records, "failed": failed, "rss_mb": rss}


def run_child(paths: list[Path], cap: float) -> dict | None:
    """``measure`` in a child process; None when it ran past ``cap`` seconds."""
    cmd = [sys.executable, __file__, "--measure", *map(str, paths)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"measuring {paths[0]} failed:\n{exc.stderr.decode('utf-8', 'replace')}") from None
    return json.loads(done.stdout)


#: Below this many bytes a per-MB rate says nothing.
MIN_BYTES = 10_000


def per_mb(result: dict | None) -> float | None:
    if result is None or result["bytes"] < MIN_BYTES:
        return None
    return result["seconds"] / (result["bytes"] / 1e6)


def growth(small: dict | None, large: dict | None) -> str:
    """The exponent k in time ~ size^k between two runs of one input at different sizes."""
    if small is None or large is None or small["seconds"] < 0.05:
        return "-"
    ratio = large["bytes"] / max(small["bytes"], 1)
    return f"{math.log(max(large['seconds'], 1e-6) / small['seconds']) / math.log(ratio):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=60.0, help="seconds an input may run (default 60)")
    parser.add_argument("--only", nargs="*", help="input names to run (default: all)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes to build")
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure([Path(p) for p in args.measure])))
        return

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ordinary = run_child(ordinary_files(folder), args.cap * 4)
        base = per_mb(ordinary)
        if base is None:
            raise SystemExit("ordinary text ran past the cap; raise --cap")
        rows.append((ORDINARY, ordinary, "-"))
        for case in CASES + EXTRA:
            if args.only and case["name"] not in args.only:
                continue
            results = []
            for part in LADDER:
                repeat = round(case["bench_repeat"] * args.scale / part)
                path = folder / f"{case['name']}-{part}.txt"
                path.write_bytes(build(case, repeat))
                results.append(run_child([path], args.cap))
                path.unlink()
                if results[-1] is None:
                    break
            finished = [r for r in results if r is not None]
            rows.append((case["name"], results[-1], growth(*finished[-2:]) if len(finished) > 1 else "-",
                         finished[-1] if finished else None))
        # The ordinary corpus itself in the other encodings: what an encoding costs, apart
        # from the record density of the encoding cases above.
        text = "\n".join(p.read_text(encoding="utf-8") for p in ordinary_files(folder))
        for name, encoding in (("ordinary-as-gb18030", "gb18030"), ("ordinary-as-utf-16le-bom", "utf-16")):
            if args.only and name not in args.only:
                continue
            path = folder / f"{name}.txt"
            path.write_bytes(text.encode(encoding))
            rows.append((name, run_child([path], args.cap * 4), "-"))

    print(f"{'input':28} {'MB':>7} {'records':>8} {'failed':>6} {'CPU s':>8} {'s/MB':>8} "
          f"{'x ordinary':>10} {'us/record':>9} {'growth':>6} {'peak RSS MB':>11}")
    slowest = (0.0, ORDINARY)
    for name, result, exponent, *largest in rows:
        if result is None:
            done = largest[0] if largest else None
            note = "" if done is None else (f"; {done['bytes'] / 1e6:.2f} MB took {done['seconds']:.1f} s, "
                                            f"growth {exponent}")
            print(f"{name:28} did not finish within {args.cap:.0f} s{note}")
            if name in TARGET_INPUTS:
                slowest = (math.inf, name)
            continue
        rate = per_mb(result)
        if rate is not None and math.isfinite(slowest[0]) and rate > slowest[0] and name in TARGET_INPUTS:
            slowest = (rate, name)
        rates = f"{rate:8.3f} {rate / base:10.2f}" if rate is not None else f"{'-':>8} {'-':>10}"
        per_record = f"{result['seconds'] / result['records'] * 1e6:9.0f}" if result["records"] > 100 else f"{'-':>9}"
        label = name if name in TARGET_INPUTS or name == ORDINARY else f"{name} (stress)"
        print(f"{label:28} {result['bytes'] / 1e6:7.2f} {result['records']:8d} {result['failed']:6d} "
              f"{result['seconds']:8.2f} {rates} {per_record} {exponent:>6} {result['rss_mb']:11.0f}")
    ratio = slowest[0] / base
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    shown = "unbounded (did not finish)" if math.isinf(ratio) else f"{ratio:.2f}x"
    print(f"slowest of the target inputs: {slowest[1]}, {shown} ordinary text's seconds per MB "
          f"({verdict} the {TARGET_RATIO:.0f}x target; stress rows are not counted)")


if __name__ == "__main__":
    main()
