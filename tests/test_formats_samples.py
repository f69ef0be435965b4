"""Every sample, written as a web page, a Word file and a wrapped PDF, gives the records of its plain text.

The PDF is laid out the way real ones are: fixed-width lines that break
words and numbers anywhere, pages that break paragraphs. The web page has
navigation, a footer and a script full of numbers around the article.
"""
import html

import pytest

from conftest import SAMPLES
from policycli import extract_text
from policycli.readers import read
from test_readers_docx import paragraph, t, write_docx

SAMPLE_TEXTS = sorted(SAMPLES.glob("*.txt"))
FIELDS = ("value", "value_max", "unit", "unit_kind", "comparator", "kind", "subject", "verb",
          "metric", "modality", "period", "sentence", "section")
LINE_WIDTH = 36
LINES_PER_PAGE = 40


def _paragraphs(path):
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _records(text):
    records = extract_text(text)
    for r in records:
        assert text[r.start:r.end] == r.text
    return [(r.text.replace("\n", ""),) + tuple(getattr(r, f) for f in FIELDS) for r in records]


def write_html(path, paras):
    title, *body = (html.escape(p) for p in paras)
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='gbk'>"
        f"<title>{title}</title><script>var hits = 12345; var views = '3021次';</script></head><body>"
        "<nav><a href='/'>首页</a> 服务热线12345 共8个栏目</nav>"
        f"<div class='content'><h1>{title}</h1>" + "".join(f"<p>{p}</p>" for p in body) + "</div>"
        "<footer>浏览次数：3021 版权所有 2026年</footer></body></html>",
        encoding="gbk",
    )


def write_docx_doc(path, paras):
    title, *body = paras
    write_docx(path, paragraph(t(title), style="Heading1") + "".join(paragraph(t(p)) for p in body))


def write_wrapped_pdf(path, paras):
    pytest.importorskip("pypdf")
    pytest.importorskip("reportlab")
    from test_readers_pdf import write_pdf

    lines = [p[i:i + LINE_WIDTH] for p in paras for i in range(0, len(p), LINE_WIDTH)]
    write_pdf(path, [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)])


WRITERS = {".html": write_html, ".docx": write_docx_doc, ".pdf": write_wrapped_pdf}


@pytest.mark.parametrize("suffix", WRITERS)
@pytest.mark.parametrize("sample", SAMPLE_TEXTS, ids=lambda p: p.stem)
def test_format_gives_the_plain_text_records(tmp_path, sample, suffix):
    paras = _paragraphs(sample)
    expected = _records(sample.read_text(encoding="utf-8"))
    path = tmp_path / f"{sample.stem}{suffix}"
    WRITERS[suffix](path, paras)
    assert _records(read(path).text) == expected
