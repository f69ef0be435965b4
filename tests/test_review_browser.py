"""The review page in a real browser (headless Chromium through selenium): highlights,
filters, hostile documents, and corrections that ``policycli eval`` scores.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them).
Outside CI the tests skip when they are missing; in CI (``CI=true``) they fail.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policycli import api, readers
from policycli.cli import app
from policycli.evaluate import load_jsonl, score
from policycli.export.html import shown_text

from conftest import SAMPLES, load_cases
from review_page import build

HOSTILE = load_cases("review_page")
MARK_OFFSETS_JS = """
// Where each mark stands, counted in code points over the text as displayed (not from data-s).
const pane = document.getElementById('doc-text');
const out = {}; let at = 0;
for (const seg of pane.children) {
  const n = Array.from(seg.textContent).length;
  if (seg.tagName === 'MARK') for (const id of seg.dataset.rs.split(' ')) {
    if (!(id in out)) out[id] = [at, ''];
    out[id][1] += seg.textContent;
  }
  at += n;
}
return out;
"""
SELECT_JS = """
// Select the first occurrence of arguments[0] in the shown document, as a reader's mouse would.
const pane = document.getElementById('doc-text');
const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const i = n.data.indexOf(arguments[0]);
  if (i < 0) continue;
  const range = document.createRange();
  range.setStart(n, i); range.setEnd(n, i + arguments[0].length);
  const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
  document.dispatchEvent(new Event('selectionchange'));
  return true;
}
return false;
"""


def _tools() -> tuple[str, str]:
    browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    driver = shutil.which("chromedriver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        browser = None
    if browser and driver:
        return browser, driver
    message = "headless Chromium tests need chromium, chromium-driver and selenium (.ci/run installs them)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads):
    binary, driver_path = _tools()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,900", "--lang=zh-CN"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP violations and script errors
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, str]:
    """Our samples and the hostile cases, as files: path -> text as read."""
    folder = tmp_path_factory.mktemp("docs")
    paths = sorted(SAMPLES.glob("*.txt"))
    for i, case in enumerate(HOSTILE):
        path = folder / f"hostile-{i}.txt"
        path.write_bytes(case["text"].encode("utf-8"))
        paths.append(path)
    return {str(path): readers.read(path).text for path in paths}


def open_page(browser, path: Path, *, fresh: bool = True) -> None:
    """Open the page and wait for its script; ``fresh`` forgets corrections an earlier test left."""
    browser.get(path.as_uri())
    if fresh:
        browser.execute_script("localStorage.clear()")
        browser.get(path.as_uri())
    for _ in range(100):
        if browser.execute_script("return document.body.dataset.ready") == "true":
            return
        time.sleep(0.05)
    raise AssertionError("the page's script did not finish")


def show(browser, doc_index: int) -> None:
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "doc-select")).select_by_value(str(doc_index))


def check_marks(browser, records, texts) -> int:
    """Every record of every document is highlighted at its offsets, in the browser's own rendering."""
    docs = browser.execute_script("return JSON.parse(document.getElementById('review-data').textContent).docs")
    checked = 0
    for doc_index, doc in enumerate(docs):
        show(browser, doc_index)
        marks = browser.execute_script(MARK_OFFSETS_JS)
        shown = browser.execute_script("return document.getElementById('doc-text').textContent")
        assert shown == shown_text(texts[doc["name"]])
        for i, record in enumerate(records):
            if record.doc == doc["name"]:
                assert marks[str(i)] == [record.start, record.text], record
                checked += 1
    return checked


def rows_total(browser) -> int:
    info = browser.find_element("id", "page-info").text
    return 0 if info == "no records match" else int(info.split(" of ")[1].split()[0])


def download(browser, folder: Path) -> list[dict]:
    """Click "Download corrections" and read the one file it saves."""
    for old in folder.iterdir():
        old.unlink()
    browser.find_element("id", "download").click()
    for _ in range(100):
        done = [p for p in folder.iterdir() if not p.name.endswith(".crdownload")]
        if done and done[0].stat().st_size:
            assert [p.name for p in done] == ["corrections.jsonl"]
            return load_jsonl(done[0])
        time.sleep(0.05)
    raise AssertionError("no corrections downloaded")


@pytest.fixture(scope="module")
def page(tmp_path_factory, documents):
    records = [r for path, text in documents.items() for r in api.extract_text(text, doc=path)]
    path = tmp_path_factory.mktemp("page") / "review.html"
    build(records, path)
    return path, records


def test_every_record_is_highlighted_and_hostile_text_runs_nothing(browser, page, documents, tmp_path):
    path, records = page
    open_page(browser, path)
    assert rows_total(browser) == len(records)
    assert check_marks(browser, records, documents) == len(records)
    assert browser.execute_script("return window.__pwned") is None
    hostile = list(documents).index(next(p for p in documents if p.endswith("hostile-0.txt")))
    show(browser, hostile)
    assert "<script>window.__pwned = 1</script>" in browser.find_element("id", "doc-text").text
    assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []
    shot = tmp_path / "review.png"
    assert browser.save_screenshot(str(shot)) and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_filters_narrow_the_table_and_rows_lead_to_mentions(browser, page):
    from selenium.webdriver.common.by import By

    path, records = page
    open_page(browser, path)
    box = browser.find_element(By.ID, "f-text")
    box.send_keys("亿元")
    expected = sum("亿元" in " ".join(str(v) for v in r.to_dict().values() if isinstance(v, str)) for r in records)
    for _ in range(40):
        if rows_total(browser) == expected:
            break
        time.sleep(0.05)
    assert 0 < rows_total(browser) == expected < len(records)
    box.clear()
    browser.find_element(By.CSS_SELECTOR, '#legend [data-kind="fact"]').click()
    assert rows_total(browser) == sum(r.kind != "fact" for r in records)
    browser.find_element(By.CSS_SELECTOR, '#legend [data-kind="fact"]').click()
    row = browser.find_elements(By.CSS_SELECTOR, "#rows tr")[3]
    row.click()
    chosen = records[int(row.get_attribute("data-id"))]
    selected = browser.find_elements(By.CSS_SELECTOR, "#doc-text .sel")
    assert selected and "".join(seg.text for seg in selected) == chosen.text
    browser.find_element(By.TAG_NAME, "body").send_keys("j")  # the next record, by keyboard
    after = records[int(browser.find_element(By.CSS_SELECTOR, "#rows tr.sel").get_attribute("data-id"))]
    assert after is records[records.index(chosen) + 1]
    mark = browser.find_element(By.CSS_SELECTOR, "#doc-text mark:not(.sel)")
    mark.click()  # and from a mention to its row
    assert browser.find_element(By.CSS_SELECTOR, "#rows tr.sel").get_attribute("data-id") == mark.get_attribute("data-r")


def test_corrections_download_as_gold_that_eval_scores(browser, page, documents, downloads, tmp_path):
    from selenium.webdriver.common.by import By

    path, records = page
    open_page(browser, path)
    names = list(documents)
    astral = names.index(next(p for p in names if p.endswith("hostile-2.txt")))
    show(browser, astral)
    browser.find_element(By.ID, "reviewed").click()
    in_doc = [(i, r) for i, r in enumerate(records) if r.doc == names[astral]]
    wrong_id, wrong = in_doc[0]
    browser.find_element(By.CSS_SELECTOR, f'#doc-text mark[data-r="{wrong_id}"]').click()
    browser.find_element(By.ID, "ed-wrong").click()
    edited_id, edited = in_doc[1]
    browser.find_element(By.CSS_SELECTOR, f'#doc-text mark[data-r="{edited_id}"]').click()
    metric = browser.find_element(By.CSS_SELECTOR, '#ed-fields [data-field="metric"]')
    metric.clear()
    metric.send_keys("营业收入总额\n")
    browser.execute_script("document.querySelector('#ed-fields [data-field=\"metric\"]')"
                           ".dispatchEvent(new Event('change', {bubbles: true}))")
    missed = "𪚥企业"  # not a figure: the reviewer adds it anyway, beyond the BMP
    assert browser.execute_script(SELECT_JS, missed)
    browser.find_element(By.ID, "add-missed").click()

    gold = download(browser, downloads)
    text = documents[names[astral]]
    added = [g for g in gold if g["text"] == missed]
    assert added and text[added[0]["start"]:added[0]["end"]] == missed  # code points, not UTF-16 units
    assert len(gold) == len(in_doc) - 1 + 1 and all(g["doc"] == names[astral] for g in gold)
    assert next(g for g in gold if g["start"] == edited.start)["metric"] == "营业收入总额"

    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    result = score(gold, load_jsonl(pred))
    assert [len(result.misses), len(result.extras)] == [1, 1]  # the added figure; the record marked wrong
    report = CliRunner().invoke(app, ["eval", str(downloads / "corrections.jsonl"), str(pred)])
    assert report.exit_code == 0 and "metric" in report.stdout

    browser.find_element(By.CSS_SELECTOR, "#rows tr.added").click()
    browser.find_element(By.ID, "ed-optional").click()
    again = download(browser, downloads)
    assert next(g for g in again if g["text"] == missed)["optional"] is True
    assert len(score(again, load_jsonl(pred)).misses) == 0

    time.sleep(0.5)  # corrections are saved to the browser's storage shortly after each change
    open_page(browser, path, fresh=False)
    assert browser.find_element(By.ID, "tally").text == "1 wrong · 1 edited · 1 added · 1 reviewed"
    assert download(browser, downloads) == again


def test_seed_and_a_work_report_in_the_browser(browser, shared, tmp_path):
    paths = [shared / "seed" / "qingdao-zones.txt", shared / "corpus" / "05_jiangsu-gwr-2026.txt"]
    texts = {str(p): readers.read(p).text for p in paths}
    records = [r for p in paths for r in api.extract_file(p)]
    page_path = tmp_path / "shared.html"
    build(records, page_path)
    open_page(browser, page_path)
    assert check_marks(browser, records, texts) == len(records) > 50
    assert browser.save_screenshot(str(tmp_path / "shared.png"))
