"""Throughput of the extraction API against a bare numeral scan, and its memory.

Reads the texts of ../shared/bench/ (or, when that folder is absent, a
generated corpus of policy-style sentences), then measures on one core:

- characters per second of ``policycli.extract_text`` end to end;
- characters per second of a bare regex scan for numeral characters over the
  same texts (the floor any extractor pays to look at every character);
- their ratio, from passes of the two taken in turn so that a drift in the
  machine's speed does not tilt it (the median over the pairs is printed);
- peak memory after each quarter of the files, to show that memory stays flat
  as the number of files grows.

Usage: python bench/throughput.py [--repeat N] [--folder DIR]
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policycli import extract_text  # noqa: E402
from policycli.packs import default_packs  # noqa: E402

NUMERALS = regex.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万亿]+")


def generated_corpus(files: int = 240, seed: int = 7) -> list[str]:
    """Policy-style texts built from templates, about 25,000 characters each."""
    rng = random.Random(seed)
    places = ["滨江新区", "云江市", "临澜高新区", "西岸经济开发区", "青枫湾产业园"]
    clauses = [
        "全年力争引进亿元以上项目{n}个",
        "地区生产总值增长{p}%左右",
        "新增产业载体{n}万平方米",
        "深入开展{n}个专项行动",
        "一般公共预算收入完成{n}.{m}亿元，同比增长{p}%",
        "推动产业链总规模突破{n}00亿元",
        "城镇新增就业{n}万人以上",
        "坚持稳中求进工作总基调，持续推动高质量发展",
        "加快构建现代化产业体系，着力扩大有效需求",
    ]
    texts = []
    for _ in range(files):
        paragraphs = []
        while sum(map(len, paragraphs)) < 25_000:
            sentence = "，".join(
                rng.choice(clauses).format(n=rng.randint(2, 99), m=rng.randint(0, 9), p=rng.randint(1, 9))
                for _ in range(rng.randint(2, 5))
            )
            paragraphs.append(f"{rng.choice(places)}{sentence}。")
        texts.append("\n".join(paragraphs))
    return texts


def load(folder: Path | None) -> tuple[list[str], str]:
    if folder and folder.is_dir():
        files = sorted(folder.glob("*.txt"))
        if files:
            return [f.read_text(encoding="utf-8-sig") for f in files], str(folder)
    return generated_corpus(), "generated corpus"


def one_pass(fn, texts: list[str]) -> float:
    """CPU seconds of one pass of ``fn`` over all texts."""
    start = time.process_time()
    for text in texts:
        fn(text)
    return time.process_time() - start


def paired(texts: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """``repeat`` pairs of (one API pass, one bare-scan pass), taken in turn so that
    each ratio compares the two under the same machine speed. A bare-scan pass is
    timed over as many repetitions as last about as long as an API pass, so that
    both see the machine's speed over a like stretch of time."""
    times = round(one_pass(extract_text, texts) / max(one_pass(bare_scan, texts), 1e-6)) or 1
    api, bare = [], []
    for _ in range(repeat):
        api.append(one_pass(extract_text, texts))
        bare.append(sum(one_pass(bare_scan, texts) for _ in range(times)) / times)
    return api, bare


def bare_scan(text: str) -> int:
    return sum(1 for _ in NUMERALS.finditer(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="paired passes (default 5)")
    parser.add_argument("--folder", type=Path, default=ROOT.parent / "shared" / "bench")
    args = parser.parse_args()

    texts, origin = load(args.folder)
    chars = sum(map(len, texts))
    default_packs()
    records = sum(len(extract_text(t)) for t in texts)

    api_times, bare_times = paired(texts, args.repeat)
    api, bare = min(api_times), min(bare_times)
    ratios = sorted(a / b for a, b in zip(api_times, bare_times))

    tracemalloc.start()
    quarter = max(1, len(texts) // 4)
    peaks = []
    for i, text in enumerate(texts, 1):
        extract_text(text)
        if i % quarter == 0:
            peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
            tracemalloc.reset_peak()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"corpus        {origin}: {len(texts)} files, {chars:,} characters, {records:,} records")
    print(f"extract_text  {chars / api:>12,.0f} chars/s  ({api:.2f} s CPU, best of {args.repeat} passes)")
    print(f"bare scan     {chars / bare:>12,.0f} chars/s  ({bare:.3f} s CPU)")
    print(f"ratio         {statistics.median(ratios):>12.1f} x slower than the bare scan "
          f"(median of {len(ratios)} paired passes, {ratios[0]:.1f}–{ratios[-1]:.1f})")
    print("peak traced   " + "  ".join(f"{p:.1f} MB" for p in peaks) + "  (per quarter of the files)")
    print(f"peak RSS      {rss:>12.1f} MB")


if __name__ == "__main__":
    main()
