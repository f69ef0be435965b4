"""Open and filter times of the HTML review page for 1,000 documents and 50,000 records,
measured in headless Chromium (Debian's chromium and chromium-driver, driven by selenium).

Documents are generated from our own phrase lists (about 50 figures each),
extracted by the engine, and written as one page; the browser then opens it
and times each interaction from the input to the next painted frame. Usage:

    python bench/review_page.py [--docs 1000] [--per-doc 50] [--repeat 5]
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACES = ["云江市人民政府", "北湖区管理委员会", "东港新区管理委员会", "南山高新区管理委员会", "西林县人民政府",
          "临海经济技术开发区管理委员会"]
MODALITIES = ["力争", "确保", "争取", "计划", ""]
FIGURES = [  # (verb, metric, amount with its unit)
    ("引进", "亿元以上项目", "{n}个"), ("完成", "固定资产投资", "{f}亿元"), ("新增", "产业载体", "{n}万平方米"),
    ("增长", "地区生产总值", "{p}%左右"), ("培育", "高新技术企业", "{n}家"), ("建设", "城市道路", "{n}公里"),
    ("突破", "规模以上工业总产值", "{n}亿元"), ("新增", "城镇就业", "{f}万人"),
]
FILLERS = ["坚持创新驱动发展战略，", "深入实施项目攻坚行动，", "围绕高质量发展目标，", "持续优化营商环境，", ""]

FRAME_JS = """
// Run arguments[0] (a step name) and report the time until the next frame has been painted.
const done = arguments[arguments.length - 1];
const step = arguments[0], $ = (id) => document.getElementById(id);
const t0 = performance.now();
const fire = (el, type) => el.dispatchEvent(new Event(type, {bubbles: true}));
if (step === 'reset') { $('f-text').value = ''; $('f-subject').value = ''; $('f-unit').value = ''; $('f-doc').value = '-1'; fire($('f-unit'), 'change'); }
else if (step === 'text') { $('f-text').value = arguments[1]; fire($('f-unit'), 'change'); }
else if (step === 'subject') { $('f-subject').value = arguments[1]; fire($('f-unit'), 'change'); }
else if (step === 'unit') { $('f-unit').value = arguments[1]; fire($('f-unit'), 'change'); }
else if (step === 'doc') { $('f-doc').value = arguments[1]; fire($('f-doc'), 'change'); }
else if (step === 'kind') { document.querySelector('[data-kind="plan"]').click(); }
else if (step === 'sort') { document.querySelector('th[data-key="value"]').click(); }
else if (step === 'row') { document.querySelectorAll('#rows tr')[arguments[1]].click(); }
requestAnimationFrame(() => setTimeout(() => done([performance.now() - t0, $('page-info').textContent]), 0));
"""


def make_documents(folder: Path, docs: int, per_doc: int, seed: int = 11) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for d in range(docs):
        place = rng.choice(PLACES)
        lines = [f"{place}{2020 + d % 7}年重点工作安排（第{d + 1}号）", ""]
        for s in range(per_doc):
            verb, metric, amount = rng.choice(FIGURES)
            amount = amount.format(n=rng.randint(2, 900), f=round(rng.uniform(1, 99), 1), p=round(rng.uniform(1, 9), 1))
            lines.append(f"{rng.choice(FILLERS)}{place}全年{rng.choice(MODALITIES)}{verb}{metric}{amount}。")
            if s % 10 == 9:
                lines.append("")
        path = folder / f"doc-{d:04d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def browser(binary: str, driver_path: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_script_timeout(120)
    return driver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--per-doc", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    binary = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        sys.exit("needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver)")

    from policycli import api, readers
    from policycli.export import write_records

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_documents(folder, args.docs, args.per_doc)
        records = [r for p in paths for r in api.extract_text(readers.read(p).text, doc=str(p))]
        page = folder / "review.html"
        started = time.perf_counter()
        write_records(records, "html", page)
        written = time.perf_counter() - started
        print(f"{len(paths)} documents, {len(records)} records; page {page.stat().st_size / 1e6:.1f} MB "
              f"written in {written:.2f} s")

        opens, steps = [], {}
        driver = browser(binary, driver_path)
        try:
            for _ in range(args.repeat):
                started = time.perf_counter()
                driver.get("about:blank")
                driver.get(page.as_uri())
                wall = time.perf_counter() - started
                nav = driver.execute_script(
                    "const n = performance.getEntriesByType('navigation')[0];"
                    "const p = performance.getEntriesByName('first-contentful-paint')[0];"
                    "return [n.domInteractive, n.loadEventEnd, p ? p.startTime : null, document.body.dataset.ready]")
                assert nav[3] == "true", "the page's script did not run"
                opens.append((wall, nav[1] / 1000, (nav[2] or 0) / 1000))
                for name, step, arg in [("free text 亿元", "text", "亿元"), ("subject 北湖区", "subject", "北湖区"),
                                        ("sort 50,000 by value", "sort", None), ("clear filters", "reset", None),
                                        ("unit kind currency", "unit", "currency"), ("one document", "doc", "7"),
                                        ("kind chip", "kind", None), ("row → its mention", "row", 3)]:
                    took, info = driver.execute_async_script(FRAME_JS, step, arg)
                    steps.setdefault(name, []).append((took / 1000, info))
                    if step in ("text", "subject", "unit"):  # each filter alone, from the full table
                        driver.execute_async_script(FRAME_JS, "reset", None)
        finally:
            driver.quit()

    med = lambda values: statistics.median(values)  # noqa: E731
    print(f"open (get() to load, wall): median {med([o[0] for o in opens]):.2f} s, "
          f"range {min(o[0] for o in opens):.2f}–{max(o[0] for o in opens):.2f} s")
    print(f"open (navigation to load event, in page): median {med([o[1] for o in opens]):.2f} s; "
          f"first contentful paint {med([o[2] for o in opens]):.2f} s")
    for name, values in steps.items():
        times = [t for t, _ in values]
        print(f"{name:22} median {med(times) * 1000:7.0f} ms  (max {max(times) * 1000:.0f} ms)  → {values[-1][1]}")


if __name__ == "__main__":
    main()
