"""The PDF reader on PDFs the tests draw with reportlab (a test-only dependency)."""
from __future__ import annotations

import sys

import pytest

from policycli.readers import ReadError, read
from policycli.readers.pdf import NEEDS_EXTRA, NO_TEXT

pytest.importorskip("pypdf")
canvas = pytest.importorskip("reportlab.pdfgen.canvas")

PAGES = [
    ["到2025年，全市粮食产量稳定在６．５亿吨以上。", "新增城镇就业1，200万人，失业率控制在5.5%以内。"],
    ["第二页：计划出台20条支持措施。"],
]


def write_pdf(path, pages: list[list[str]], *, rectangle_only: bool = False) -> None:
    """One line per string, with the CID font every PDF viewer has for Chinese."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path))
    for lines in pages:
        if rectangle_only:
            pdf.rect(100, 500, 200, 100, fill=1)
        pdf.setFont("STSong-Light", 11)
        for number, line in enumerate(lines):
            pdf.drawString(40, 800 - 18 * number, line)
        pdf.showPage()
    pdf.save()


def one_line(exc: pytest.ExceptionInfo, path) -> str:
    message = str(exc.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message[len(str(path)) + 2:]


def test_chinese_text_layer_lines_and_pages(tmp_path):
    path = tmp_path / "plan.pdf"
    write_pdf(path, PAGES)
    source = read(path)
    assert source.format == "pdf"
    assert source.text == "\n".join(PAGES[0]) + "\n\n" + "\n".join(PAGES[1])


def test_pdf_is_sniffed_whatever_its_name(tmp_path):
    path = tmp_path / "download.txt"
    write_pdf(path, PAGES[:1])
    assert read(path).format == "pdf"


def test_no_text_layer_needs_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    write_pdf(path, [[]], rectangle_only=True)
    with pytest.raises(ReadError) as exc:
        read(path)
    assert one_line(exc, path) == NO_TEXT


def test_truncated_pdf(tmp_path):
    whole = tmp_path / "whole.pdf"
    write_pdf(whole, PAGES)
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ReadError) as exc:
        read(path)
    assert "truncated" in one_line(exc, path)


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    with pytest.raises(ReadError) as exc:
        read(path)
    assert one_line(exc, path).startswith("not a valid PDF (")


def test_missing_library_names_the_extra(tmp_path, monkeypatch):
    path = tmp_path / "plan.pdf"
    write_pdf(path, PAGES[:1])
    monkeypatch.setitem(sys.modules, "pypdf", None)
    with pytest.raises(ReadError) as exc:
        read(path)
    assert one_line(exc, path) == NEEDS_EXTRA
