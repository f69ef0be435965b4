"""The DOCX reader on documents the tests write with zipfile."""
from __future__ import annotations

import zipfile

import pytest

from policycli.readers import ReadError, read

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def paragraph(*runs: str, style: str | None = None) -> str:
    """A w:p whose runs are given as raw run content (w:t, w:tab, w:br...)."""
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}" + "".join(f"<w:r>{run}</w:r>" for run in runs) + "</w:p>"


def t(text: str) -> str:
    return f'<w:t xml:space="preserve">{text}</w:t>'


def table(*rows: tuple[str, ...]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{paragraph(t(c))}</w:tc>" for c in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl><w:tblPr/>{cells}</w:tbl>"


def write_docx(path, body: str, *, parts: dict[str, str] | None = None) -> None:
    """A minimal but valid .docx: content types, package relationships, the main part."""
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    entries = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS, "word/document.xml": document}
    entries.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            if data is not None:
                archive.writestr(name, data)


def test_paragraphs_headings_and_tables_in_order(tmp_path):
    path = tmp_path / "plan.docx"
    write_docx(path, "".join([
        paragraph(t("关于2025年粮食生产的通知"), style="Heading1"),
        paragraph(t("到2025年，全市粮食产量稳定在６．"), t("５亿吨以上。")),
        paragraph(t("指标"), "<w:tab/>", t("数值"), "<w:br/>", t("第二行")),
        paragraph(),
        table(("项目", "金额"), ("12", "34"), ("", "")),
        "<w:p><w:r>" + t("新增就业") + "</w:r>"
        '<w:del w:id="1" w:author="x"><w:r><w:delText>999</w:delText></w:r></w:del>'
        '<w:r><w:fldChar w:fldCharType="begin"/><w:instrText>PAGE 77</w:instrText></w:r>'
        "<w:r>" + t("1，200万人。") + "</w:r></w:p>",
    ]))
    source = read(path)
    assert source.format == "docx"
    assert source.text == (
        "关于2025年粮食生产的通知\n"
        "到2025年，全市粮食产量稳定在６．５亿吨以上。\n"
        "指标\t数值\n第二行\n"
        "项目\t金额\n"
        "12\t34\n"
        "新增就业1，200万人。"
    )


def test_adjacent_cells_never_merge(tmp_path):
    path = tmp_path / "t.docx"
    write_docx(path, table(("12", "34")))
    text = read(path).text
    assert "1234" not in text and text == "12\t34"


def test_nested_table_stays_inside_its_cell(tmp_path):
    path = tmp_path / "nested.docx"
    inner = table(("5", "6"))
    write_docx(path, f"<w:tbl><w:tr><w:tc>{paragraph(t('甲'))}{inner}</w:tc><w:tc>{paragraph(t('78'))}</w:tc></w:tr></w:tbl>")
    assert read(path).text == "甲 5 6\t78"


def test_text_box_follows_its_paragraph_once(tmp_path):
    path = tmp_path / "box.docx"
    box = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<mc:Choice><w:drawing><w:txbxContent>{paragraph(t('框内3个'))}</w:txbxContent></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><w:txbxContent>{paragraph(t('框内3个'))}</w:txbxContent></w:pict></mc:Fallback>"
        "</mc:AlternateContent>"
    )
    write_docx(path, paragraph(t("正文"), box))
    assert read(path).text == "正文\n框内3个"


BROKEN = {
    "not-a-zip": (lambda p: p.write_bytes(b"plain words"), "not a valid .docx (not a zip archive)"),
    "no-document-part": (
        lambda p: write_docx(p, "", parts={"word/document.xml": None}),
        "not a valid .docx (no word/document.xml)",
    ),
    "bad-xml": (
        lambda p: write_docx(p, "", parts={"word/document.xml": "<w:document><w:body>"}),
        "not a valid .docx (word/document.xml is not well-formed XML",
    ),
}


def _damage_document_part(path) -> None:
    write_docx(path, paragraph(t("甲乙丙丁" * 2000)))
    data = path.read_bytes()
    start = data.find(b"word/document.xml") + 40
    path.write_bytes(data[:start] + bytes(b ^ 0x55 for b in data[start:start + 50]) + data[start + 50:])


BROKEN["damaged-deflate-stream"] = (_damage_document_part, "not a valid .docx (damaged zip")


@pytest.mark.parametrize("make,reason", BROKEN.values(), ids=BROKEN.keys())
def test_broken_docx_fails_with_one_line(tmp_path, make, reason):
    path = tmp_path / "x.docx"
    make(path)
    with pytest.raises(ReadError) as exc:
        read(path)
    message = str(exc.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {reason}")
