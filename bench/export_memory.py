"""Time and peak memory of exporting 100,000 synthetic records to xlsx, csv and jsonl.

Each format runs in a fresh interpreter so its peak RSS (``resource.getrusage``)
is its own. Records come from a generator, as a batch would produce them, so
the figures show whether an exporter streams. Usage:

    python bench/export_memory.py [--records N] [--formats xlsx,csv,jsonl]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBJECTS = ["青岛高科技工业园管理委员会", "市发展和改革委员会", "区商务局", "市工业和信息化局",
            "市住房和城乡建设局", "市科技局", "区人民政府", "市交通运输局"]
MODALITIES = ["力争", "确保", "争取", "计划", "预计", None]
PERIODS = ["全年", "2026年", "到2028年", "今年", "“十五五”期间", None]
# (verb, metric, unit, unit kind, base multiplier, scale word)
PATTERNS = [
    ("引进", "亿元以上项目", "个", "count", 1, ""),
    ("完成", "固定资产投资", "元", "currency", 100_000_000, "亿"),
    ("新增", "产业载体面积", "平方米", "area", 10_000, "万"),
    ("增长", "地区生产总值", "%", "percent", 1, ""),
    ("培育", "高新技术企业", "家", "count", 1, ""),
    ("建设", "城市道路", "公里", "length", 1, ""),
]
FILLERS = ["坚持创新驱动发展战略，聚焦主导产业链条延伸，", "深入实施项目攻坚行动，强化要素保障和服务供给，",
           "围绕高质量发展目标，统筹推进招商引资和产业升级，", "持续优化营商环境，加快培育新质生产力，"]


def synthetic_records(n: int, seed: int = 7) -> Iterator:
    """``n`` plausible records with sentences of about 80 characters, generated lazily."""
    from policycli.record import Record

    rng = random.Random(seed)
    for i in range(n):
        verb, metric, unit, unit_kind, base, scale = rng.choice(PATTERNS)
        number = rng.choice([rng.randint(2, 500), round(rng.uniform(1, 99), 1)])
        text = f"{number}{scale}{unit}"
        subject, modality, period = rng.choice(SUBJECTS), rng.choice(MODALITIES), rng.choice(PERIODS)
        lead = f"{period or ''}{subject}{rng.choice(FILLERS)}{modality or ''}{verb}{metric}"
        sentence = f"{lead}{text}，{rng.choice(FILLERS)[:-1]}。"
        start = 1000 + i * 90 + len(lead)
        yield Record(
            doc=f"docs/report-{i // 500:03d}.txt", start=start, end=start + len(text), text=text,
            value=number * base, value_max=None, unit=unit, unit_kind=unit_kind,
            comparator=rng.choice(["=", ">=", "~"]), kind=rng.choice(["target", "plan", "fact"]),
            subject=subject, verb=verb, metric=metric, modality=modality, period=period,
            sentence=sentence, section="一、主要目标",
        )


def run_one(fmt: str, directory: Path, n: int) -> dict:
    """Export in this process and report seconds, peak RSS and file size."""
    from policycli.export import write_records
    from policycli.record import SourceInfo

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    dest = directory / f"records.{fmt}"
    sources = [SourceInfo(f"docs/report-{i:03d}.txt", chars=45_000, records=500) for i in range((n + 499) // 500)]
    began = time.perf_counter()
    count = write_records(synthetic_records(n), fmt, dest, sources=sources)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"format": fmt, "records": count, "seconds": round(seconds, 2),
            "peak_rss_mb": round(peak / 1024, 1), "baseline_rss_mb": round(baseline / 1024, 1),
            "file_mb": round(dest.stat().st_size / 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--formats", default="xlsx,csv,jsonl")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, Path(args.dir), args.records)))
        return
    print(f"{'format':<7}{'records':>9}{'seconds':>9}{'peak RSS MB':>13}{'import RSS MB':>15}{'file MB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            done = subprocess.run(
                [sys.executable, __file__, "--one", fmt, "--dir", tmp, "--records", str(args.records)],
                check=True, capture_output=True, text=True,
            )
            r = json.loads(done.stdout)
            print(f"{r['format']:<7}{r['records']:>9}{r['seconds']:>9}{r['peak_rss_mb']:>13}"
                  f"{r['baseline_rss_mb']:>15}{r['file_mb']:>9}")


if __name__ == "__main__":
    main()
