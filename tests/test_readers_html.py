"""The HTML reader against the pages in tests/cases/readers_html.toml."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from policycli.readers import read

CASES = tomllib.loads((Path(__file__).parent / "cases" / "readers_html.toml").read_text("utf-8"))["case"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_page_reduces_to_its_article(tmp_path, case):
    path = tmp_path / case["file"]
    path.write_bytes(case["html"].encode(case["encoding"]))
    source = read(path)
    assert (source.format, source.encoding) == ("html", case["decoded"])
    assert source.text == case["text"]
    for leak in case["absent"]:
        assert leak not in source.text


def test_bom_outranks_a_declared_charset(tmp_path):
    path = tmp_path / "bom.html"
    page = '<html><head><meta charset="gbk"><title>标题</title></head><body><p>增长6%</p></body></html>'
    path.write_bytes(b"\xef\xbb\xbf" + page.encode("utf-8"))
    source = read(path)
    assert (source.text, source.encoding) == ("标题\n增长6%", "utf-8-sig")


def test_utf16_page_with_bom(tmp_path):
    path = tmp_path / "wide.htm"
    page = "<html><head><title>标题</title></head><body><p>增长6%</p></body></html>"
    path.write_bytes(b"\xff\xfe" + page.encode("utf-16-le"))
    assert read(path).text == "标题\n增长6%"


def test_deeply_nested_unclosed_markup_does_not_overflow(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div><span>甲" * 5000 + "</body></html>", encoding="utf-8")
    assert read(path).text.count("甲") == 5000
