"""The HTML review page without a browser: highlights at the records' offsets, escaping, CSP, inputs it cannot show."""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from policycli import api, readers
from policycli.cli import app
from policycli.export import format_from_path, write_records
from policycli.export.html import segments, shown_text
from policycli.record import SourceInfo

from conftest import SAMPLES, load_cases
from review_page import Page, build

HOSTILE = load_cases("review_page")
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
HOSTILE_FIELD = '</script><script>window.__pwned=9</script>"onerror="x\u2028'
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "div", "strong", "span", "button",
                "select", "option", "main", "section", "label", "input", "article", "table", "thead", "tr",
                "tbody", "p", "noscript", "template", "mark", "script", "kbd"}


def check_highlights(page: Page, texts: dict[str, str]) -> int:
    """Every document's template rebuilds its text, and every record's marks cover exactly its span."""
    records = page.records()
    checked = 0
    for doc_id, doc in enumerate(page.data["docs"]):
        segs = page.templates[f"doc-{doc_id}"]
        assert "".join(seg["text"] for seg in segs) == shown_text(texts[doc["name"]])
        at = 0
        for seg in segs:
            assert int(seg["attrs"]["data-s"]) == at
            at += len(seg["text"])
        for i, record in enumerate(records):
            if record["doc"] != doc["name"]:
                continue
            source = texts[doc["name"]]
            assert source[record["start"]:record["end"]] == record["text"]
            covering = [seg for seg in segs if str(i) in seg["attrs"].get("data-rs", "").split()]
            assert covering and all(seg["tag"] == "mark" for seg in covering)
            assert int(covering[0]["attrs"]["data-s"]) == record["start"]
            assert "".join(seg["text"] for seg in covering) == shown_text(record["text"])
            checked += 1
    return checked


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_pages_highlight_every_record_where_its_offsets_say(tmp_path, path):
    records = api.extract_file(path)
    page = build(records, tmp_path / "page.html")
    assert page.records() == [r.to_dict() for r in records]
    assert check_highlights(page, {str(path): readers.read(path).text}) == len(records) > 0


def test_seed_page_highlights_every_record(tmp_path, shared):
    path = shared / "seed" / "qingdao-zones.txt"
    records = api.extract_file(path)
    page = build(records, tmp_path / "seed.html")
    assert check_highlights(page, {str(path): readers.read(path).text}) == len(records) >= 12


def test_many_documents_in_one_page(tmp_path):
    records = [r for path in SAMPLE_FILES for r in api.extract_file(path)]
    page = build(records, tmp_path / "all.html")
    assert [d["name"] for d in page.data["docs"]] == [str(p) for p in SAMPLE_FILES]
    assert check_highlights(page, {str(p): readers.read(p).text for p in SAMPLE_FILES}) == len(records)


@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c["name"])
def test_hostile_documents_stay_text(tmp_path, case):
    doc = tmp_path / '"><img src=x onerror=alert(1)>.txt'  # the name is shown too: in the title, the lists
    doc.write_bytes(case["text"].encode("utf-8"))
    text = readers.read(doc).text
    records = api.extract_text(text, doc=str(doc))
    assert len(records) >= case["expect_records"]
    records[0] = replace(records[0], subject=HOSTILE_FIELD, metric=HOSTILE_FIELD, section=HOSTILE_FIELD)
    markup_path = tmp_path / "page.html"
    page = build(records, markup_path)
    check_highlights(page, {str(doc): text})
    assert page.records()[0]["subject"] == HOSTILE_FIELD
    markup = markup_path.read_text(encoding="utf-8")
    assert markup.count("<script") == 2  # the data block and the page's own script, nothing from the document
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    data_block = markup.split('id="review-data">', 1)[1].split("</script>", 1)[0]
    assert not re.search("[<>&\u2028\u2029]", data_block)


def test_csp_admits_only_the_pages_own_style_and_script(tmp_path):
    page = build(api.extract_file(SAMPLE_FILES[0]), tmp_path / "page.html")
    csp = next(attrs["content"] for tag, attrs in page.tags
               if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["default-src"] == "'none'"
    code = next(body for attrs, body in page.scripts if "type" not in attrs)

    def digest(text):
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert policy["script-src"] == digest(code)
    assert policy["style-src"] == digest(page.styles[0])
    for body in (code, page.styles[0]):  # nothing to fetch: no URL, no import, no font file
        assert not re.search(r"https?:|//[a-z]|@import|url\(|fetch\(|XMLHttpRequest|innerHTML|eval\(", body)
    assert not any(name in ("src", "href") for _, attrs in page.tags for name in attrs)


def test_segments_split_overlapping_spans():
    assert segments("abcdef", [(1, 4, 0), (2, 5, 1), (9, 12, 2)]) == [
        (0, 1, []), (1, 2, [0]), (2, 4, [0, 1]), (4, 5, [1]), (5, 6, [])]


def test_shown_text_keeps_every_offset():
    text = "a\x00b\r\n\x07\ud800😀\x7f"
    assert len(shown_text(text)) == len(text)
    assert shown_text(text) == "a\u2400b\r\n\u2407\ufffd😀\u2421"


@pytest.mark.parametrize("name", ["review.html", "REVIEW.HTM"])
def test_html_suffix_picks_the_format(name):
    assert format_from_path(name) == "html"


def test_a_failed_page_leaves_the_old_file(tmp_path):
    dest = tmp_path / "review.html"
    dest.write_text("old", encoding="utf-8")
    records = api.extract_file(SAMPLE_FILES[0])

    def failing():
        yield records[0]
        raise RuntimeError("extraction failed mid-way")

    with pytest.raises(RuntimeError):
        write_records(failing(), "html", dest)
    assert dest.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["review.html"]


def test_a_changed_document_is_listed_without_highlights(tmp_path):
    doc = tmp_path / "changed.txt"
    doc.write_text("全年力争引进亿元以上项目24个。\n", encoding="utf-8")
    records = api.extract_file(doc)
    doc.write_text("全年力争引进亿元以上项目２４个。\n", encoding="utf-8")
    page = build(records, tmp_path / "page.html")
    assert page.templates == {}
    assert "changed since its records were extracted" in page.data["docs"][0]["note"]
    assert len(page.records()) == len(records)


def test_inputs_without_records_still_get_a_page(tmp_path):
    empty, failed = tmp_path / "empty.txt", tmp_path / "gone.txt"
    empty.write_text("没有数字的一段话。\n", encoding="utf-8")
    sources = [SourceInfo(str(empty)), SourceInfo(str(failed), error=f"{failed}: no such file", status="failed")]
    path = tmp_path / "page.html"
    assert write_records(iter([]), "html", path, sources=sources) == 0
    page = Page(path.read_text(encoding="utf-8"))
    assert [d["note"] for d in page.data["docs"]] == [None, f"{failed}: no such file"]
    assert list(page.templates) == ["doc-0"]


def cli(*args, input=None):
    return CliRunner().invoke(app, [str(a) for a in args], input=input)


def test_cli_page_from_stdin_keeps_its_text(tmp_path):
    text = "某园区全年力争引进亿元以上项目24个，新增企业15家。\n"
    result = cli("extract", "-", "-o", tmp_path / "stdin.html", input=text.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    page = Page((tmp_path / "stdin.html").read_text(encoding="utf-8"))
    assert check_highlights(page, {"-": text}) == 2


def test_cli_export_from_store_checks_the_stored_hash(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("全年力争引进亿元以上项目24个，新增企业15家。\n", encoding="utf-8")
    db = tmp_path / "s.sqlite"
    assert cli("extract", doc, "--db", db, "-o", tmp_path / "first.jsonl", "--quiet").exit_code == 0
    result = cli("export", "--db", db, "-o", tmp_path / "ok.html")
    assert result.exit_code == 0 and result.stderr == ""
    ok = Page((tmp_path / "ok.html").read_text(encoding="utf-8"))
    assert check_highlights(ok, {str(doc): doc.read_text(encoding="utf-8")}) == 2
    doc.write_text("全年力争引进亿元以上项目24个，新增企业15家。另有一句。\n", encoding="utf-8")  # same offsets, new bytes
    result = cli("export", "--db", db, "--format", "html", "-o", tmp_path / "changed.html")
    assert result.exit_code == 0
    assert result.stderr.strip() == (f"policycli: warning: {doc}: file changed since its records were extracted;"
                                     " run extract again")
    changed = Page((tmp_path / "changed.html").read_text(encoding="utf-8"))
    assert changed.templates == {} and len(changed.records()) == 2


def test_help_of_both_commands_shows_an_html_example():
    for command in ("extract", "export"):
        assert ".html" in cli(command, "--help").stdout


def test_library_page_for_a_text_extracted_in_memory(tmp_path):
    from policycli.export.doc_texts import DocumentTexts

    text = "通知：全年力争引进亿元以上项目24个，新增企业15家。\n"
    records = api.extract_text(text, doc="notice")
    page = build(records, tmp_path / "notice.html", known={"notice": text})
    assert check_highlights(page, {"notice": text}) == 2
    texts = DocumentTexts()
    write_records(records, "html", tmp_path / "unread.html", texts=texts)
    assert texts.problems == ["notice: cannot be read again (No such file or directory)"]


def test_documents_keep_the_inputs_order(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("没有数字。\n", encoding="utf-8")
    second.write_text("全年新增企业15家。\n", encoding="utf-8")
    path = tmp_path / "page.html"
    write_records(iter(api.extract_file(second)), "html", path,
                  sources=[SourceInfo(str(first)), SourceInfo(str(second), records=1)])
    page = Page(path.read_text(encoding="utf-8"))
    assert [d["name"] for d in page.data["docs"]] == [str(first), str(second)]
    assert "<title>policycli review: a.txt and 1 more</title>" in path.read_text(encoding="utf-8")
    assert len(page.data["id"]) == 16 and page.records()[0]["doc"] == str(second)
    write_records(iter([]), "html", path, sources=[SourceInfo(str(first), status="skipped")])
    assert Page(path.read_text(encoding="utf-8")).data["docs"] == []  # unchanged since a --db run: not shown
    # ... unless it brings records an earlier run stored but did not deliver: then in the inputs' order
    write_records(iter(api.extract_file(second)), "html", path,
                  sources=[SourceInfo(str(second), records=1, status="skipped"), SourceInfo(str(first))])
    assert [d["name"] for d in Page(path.read_text(encoding="utf-8")).data["docs"]] == [str(second), str(first)]
