"""Plain-text decoding, content sniffing and the one-line errors of policycli.readers."""
from __future__ import annotations

import codecs
import random
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import read_error_as_a_user
from policycli import readers
from policycli.readers import ReadError, read, read_bytes

PARAGRAPH = "到2025年，全市粮食产量稳定在６．５亿吨以上，\r\n新增城镇就业1，200万人。\n\n  末尾的空格保留  \n"
CONTENTS = {
    "short": "节能",
    "short-valid-utf8-in-gbk": "实施",  # GBK bytes D2 B5 CA A9 also read as UTF-8 "ʵʩ"
    "paragraph": PARAGRAPH,
}
ENCODINGS = {
    "utf-8": (lambda s: s.encode("utf-8"), "utf-8"),
    "utf-8-sig": (lambda s: codecs.BOM_UTF8 + s.encode("utf-8"), "utf-8-sig"),
    "utf-16-le-bom": (lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"), "utf-16-le"),
    "utf-16-be-bom": (lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"), "utf-16-be"),
    "utf-32-le-bom": (lambda s: codecs.BOM_UTF32_LE + s.encode("utf-32-le"), "utf-32-le"),
    "gb18030": (lambda s: s.encode("gb18030"), "gb18030"),
    "gbk": (lambda s: s.encode("gbk"), "gb18030"),
}


def one_line_error(exc: pytest.ExceptionInfo, path: str) -> str:
    message = str(exc.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message[len(path) + 2:]


@pytest.mark.parametrize("content", CONTENTS.values(), ids=CONTENTS.keys())
@pytest.mark.parametrize("encoding", ENCODINGS, ids=ENCODINGS.keys())
def test_text_decodes_to_the_original_string_exactly(tmp_path, encoding, content):
    encode, reported = ENCODINGS[encoding]
    path = tmp_path / "doc.txt"
    path.write_bytes(encode(content))
    source = read(path)
    assert source.text == content
    assert (source.format, source.encoding) == ("text", reported)
    assert source.path == str(path)


@pytest.mark.parametrize("endian", ["le", "be"])
def test_utf16_without_bom_is_recognised_by_its_nul_pattern(endian):
    text = "2025年目标\nGDP growth 6%\n"
    source = read_bytes(text.encode(f"utf-16-{endian}"), "x.txt")
    assert (source.text, source.encoding) == (text, f"utf-16-{endian}")


def test_a_second_bom_is_text_and_kept():
    source = read_bytes(codecs.BOM_UTF8 * 2 + "甲".encode(), "x.txt")
    assert source.text == "\ufeff甲"


@pytest.mark.parametrize("text", ["café 12 €", "naïve résumé", "Привет, мир: рост 5%", "plain ascii", "中文"])
def test_utf8_in_other_scripts_is_not_taken_for_gbk(text):
    assert read_bytes(text.encode("utf-8"), "x.txt").encoding == "utf-8"


# GBK bytes that are also valid UTF-8 ("¼", "ʵʩ") or begin like a UTF-8 BOM.
@pytest.mark.parametrize("text", ["录", "实施", "锘狂鼹峦"])
def test_gbk_that_is_also_valid_utf8_is_read_as_gbk(text):
    source = read_bytes(text.encode("gbk"), "x.txt")
    assert (source.text, source.encoding) == (text, "gb18030")


# Every GB2312 hanzi (rows B0-F7), digits, Chinese punctuation and layout.
GB2312_HANZI = [
    bytes([row, cell]).decode("gb2312")
    for row in range(0xB0, 0xF8) for cell in range(0xA1, 0xFF)
    if (row, cell) not in {(0xD7, c) for c in range(0xFA, 0xFF)}
]
CHINESE_TEXT = st.text(
    alphabet=st.sampled_from(GB2312_HANZI + list("0123456789．，。、；：％（）　 \n\r\t")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(text=CHINESE_TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le-bom", "gb18030"]))
def test_chinese_text_round_trips_in_every_encoding(text, encoding):
    assert read_bytes(ENCODINGS[encoding][0](text), "x.txt").text == text


BAD_TEXT = {
    "nul-bytes": (b"abc\x00def\x00\x00ghi\x00", "not a text document (contains NUL bytes)"),
    "random-binary": (random.Random(7).randbytes(4096), "not a text document (contains NUL bytes)"),
    "control-characters": (b"\x01\x02\x03\x04\x05\x06abc", "not a text document"),
    "private-use-gb18030": (b"\xaa\xa1" * 20, "not a text document"),
    "undecodable": ("中文".encode("gbk") + b"\x80\xff", "cannot decode as UTF-8 or GB18030"),
    # Offsets index the decoded text, so a cut character is reported rather
    # than dropped or the whole file re-read as GB18030 mojibake.
    "truncated-utf8": ("到2025年粮食产量稳定".encode()[:-1], "UTF-8 text ends in the middle of a character"),
    "bom-but-invalid": (codecs.BOM_UTF16_LE + b"\x00\xd8", "is not valid utf-16-le"),
}


@pytest.mark.parametrize("data,reason", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_what_is_not_text_fails_with_one_line(tmp_path, data, reason):
    path = tmp_path / "a.bin"
    path.write_bytes(data)
    with pytest.raises(ReadError) as exc:
        read(path)
    assert reason in one_line_error(exc, str(path))


def test_empty_file_is_empty_text(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert read(path).text == ""


def test_directory(tmp_path):
    with pytest.raises(ReadError) as exc:
        read(f"{tmp_path}/")
    assert one_line_error(exc, f"{tmp_path}/") == "is a directory"


def test_missing_file(tmp_path):
    path = str(tmp_path / "nope.txt")
    with pytest.raises(ReadError) as exc:
        read(path)
    assert one_line_error(exc, path) == "no such file"


def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("甲")
    path.chmod(0)
    try:
        assert read_error_as_a_user(path, "policycli.readers:read") == f"{path}: permission denied"
    finally:
        path.chmod(0o600)


def test_permission_error_is_reported_even_when_running_as_root(tmp_path, monkeypatch):
    import policycli.readers as module

    path = tmp_path / "locked.txt"
    path.write_text("甲")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(module, "open", refuse, raising=False)
    with pytest.raises(ReadError) as exc:
        read(path)
    assert one_line_error(exc, str(path)) == "permission denied"


def test_size_is_checked_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    with open(path, "wb") as handle:  # sparse: nothing is written, the size is set
        handle.truncate(63_124_480)
    with pytest.raises(ReadError) as exc:
        read(path)
    assert one_line_error(exc, str(path)) == "file is 60.2 MB, over the 50 MB limit (--max-bytes)"


def test_max_bytes_is_a_hard_limit(tmp_path):
    path = tmp_path / "small.txt"
    path.write_bytes(b"x" * 1001)
    assert read(path, max_bytes=1001).text == "x" * 1001
    with pytest.raises(ReadError) as exc:
        read(path, max_bytes=1000)
    assert "over the 1000 bytes limit (--max-bytes)" in one_line_error(exc, str(path))
    with pytest.raises(ReadError, match="over the 1000 bytes limit"):
        read_bytes(b"x" * 1001, "-", max_bytes=1000)


def test_stdin_bytes_are_read_by_content():
    assert read_bytes("<html><body><p>全年新增5个</p></body></html>".encode()).format == "html"
    source = read_bytes("全年新增5个".encode("gbk"))
    assert (source.path, source.text, source.format) == ("-", "全年新增5个", "text")


def test_an_html_named_file_holding_plain_text_is_text(tmp_path):
    text = "全年新增5个项目 <见附件>\n第二行\n"
    path = tmp_path / "notes.html"
    path.write_text(text, encoding="utf-8")
    source = read(path)
    assert (source.format, source.text) == ("text", text)


def _zip(entries: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


SNIFFED_ERRORS = {
    "pdf-magic-in-txt": ("report.txt", b"%PDF-1.4\n1 0 obj\n", "PDF is truncated"),
    "docx-that-is-text": ("x.docx", "不是压缩包".encode(), "not a valid .docx (not a zip archive)"),
    "pdf-that-is-text": ("y.pdf", b"hello", "not a valid PDF (no %PDF- header)"),
    "other-zip": ("book.txt", _zip({"xl/workbook.xml": b"<x/>"}), "a zip archive that is not a .docx"),
    "legacy-doc": ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "legacy .doc/.xls"),
}


@pytest.mark.parametrize("name,data,reason", SNIFFED_ERRORS.values(), ids=SNIFFED_ERRORS.keys())
def test_content_decides_the_reader_and_its_error(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as exc:
        read(path)
    assert reason in one_line_error(exc, str(path))


def test_a_docx_with_another_suffix_is_read_as_docx():
    body = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>新增就业12万人</w:t></w:r></w:p></w:body></w:document>"
    )
    source = read_bytes(_zip({"word/document.xml": body.encode()}), "upload.bin")
    assert (source.format, source.text) == ("docx", "新增就业12万人")


def test_read_error_message_is_one_line_whatever_the_reason():
    assert str(ReadError("a.txt", "first line\nsecond  line")) == "a.txt: first line second line"


def test_supported_suffixes_cover_every_reader():
    assert readers.supported_suffixes() >= {
        ".txt", ".text", ".md", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".pdf",
    }
