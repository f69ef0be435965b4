"""The same paragraphs as .txt, .html, .docx and .pdf read to the same text and the same records."""
from __future__ import annotations

import html

import pytest

from policycli.readers import read
from test_readers_docx import paragraph, t, write_docx

PARAGRAPHS = [
    "某市2025年工作要点",
    "全年力争引进亿元以上项目24个，地区生产总值增长6%左右。",
    "到2028年，产业链总规模突破1300亿元。",
    "2025年完成固定资产投资386.5亿元，新增产业载体45万平方米。",
    "计划出台20条支持措施，新增城镇就业1，200万人。",
]
FIELDS = ("text", "value", "unit", "unit_kind", "comparator", "kind", "subject", "metric",
          "verb", "modality", "period")


def write_txt(path):
    path.write_text("\n".join(PARAGRAPHS) + "\n", encoding="utf-8")


def write_html(path):
    title, *body = (html.escape(p) for p in PARAGRAPHS)
    path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<nav>首页 热线12345</nav><article><h1>{title}</h1>"
        + "".join(f"<p>{p}</p>" for p in body)
        + "</article><footer>浏览次数：3021</footer></body></html>",
        encoding="utf-8",
    )


def write_docx_doc(path):
    title, *body = PARAGRAPHS
    write_docx(path, paragraph(t(title), style="Heading1") + "".join(paragraph(t(p)) for p in body))


def write_pdf_doc(path):
    pytest.importorskip("pypdf")
    pytest.importorskip("reportlab")
    from test_readers_pdf import write_pdf

    write_pdf(path, [PARAGRAPHS])


WRITERS = {".txt": write_txt, ".html": write_html, ".docx": write_docx_doc, ".pdf": write_pdf_doc}


@pytest.fixture
def sources(tmp_path, request):
    suffix = request.param
    path = tmp_path / f"doc{suffix}"
    WRITERS[suffix](path)
    return read(path)


@pytest.mark.parametrize("sources", WRITERS, indirect=True)
def test_every_format_gives_the_same_lines(sources):
    assert sources.text.rstrip("\n").split("\n") == PARAGRAPHS


def _records(text: str) -> list[tuple]:
    try:
        from policycli import extract_text
    except ImportError as exc:
        pytest.skip(f"the extraction engine does not import yet ({exc})")
    return [tuple(getattr(r, f) for f in FIELDS) for r in extract_text(text)]


@pytest.mark.parametrize("sources", [s for s in WRITERS if s != ".txt"], indirect=True)
def test_every_format_gives_the_same_records(tmp_path, sources):
    plain = tmp_path / "plain.txt"
    write_txt(plain)
    expected = _records(read(plain).text)
    if not expected:
        pytest.skip("the extraction engine finds no records in plain text yet")
    assert _records(sources.text) == expected
