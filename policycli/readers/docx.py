"""Word documents (.docx) with the standard library's zipfile and ElementTree only.

The main document part is walked in order: each paragraph becomes one line
(runs joined, ``w:tab`` as a tab, ``w:br`` as a line break), each table row
one line with its cells joined by tabs, so figures in adjacent cells never
run together. Text boxes follow the paragraph that anchors them. Deleted
revisions, field codes and the fallback copy of drawings are left out.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from xml.etree import ElementTree as ET

from .source import ReadError, Source

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
OFFICE_DOCUMENT = "/officeDocument"
DEFAULT_PART = "word/document.xml"
# A document part larger than this, unpacked, is refused rather than parsed.
MAX_PART_BYTES = 128 * 1024 * 1024

P, TBL, TR, TC = W + "p", W + "tbl", W + "tr", W + "tc"
T, TAB, BR, CR = W + "t", W + "tab", W + "br", W + "cr"
NO_BREAK_HYPHEN, TXBX = W + "noBreakHyphen", W + "txbxContent"
# Inside a paragraph these hold no visible text of the paragraph itself.
SKIP_IN_PARAGRAPH = frozenset({W + "del", W + "instrText", W + "delInstrText", MC_FALLBACK, W + "pPr", W + "rPr"})


def _paragraph(p: ET.Element, boxes: list[ET.Element]) -> str:
    """The text of one ``w:p``; text boxes met inside are put aside in ``boxes``."""
    parts: list[str] = []
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag in SKIP_IN_PARAGRAPH:
            continue
        if tag == TXBX:
            boxes.append(el)
            continue
        if tag == T:
            parts.append(el.text or "")
        elif tag == TAB:
            parts.append("\t")
        elif tag in (BR, CR):
            parts.append("\n")
        elif tag == NO_BREAK_HYPHEN:
            parts.append("-")
        stack.extend(reversed(list(el)))
    return "".join(parts)


def _cell(tc: ET.Element) -> str:
    """A table cell's text on one line: its paragraphs and nested tables joined by spaces."""
    lines: list[str] = []
    _blocks(tc, lines)
    return " ".join(" ".join(line.split()) for line in lines if line.strip())


def _blocks(container: ET.Element, lines: list[str]) -> None:
    """Append the lines of the paragraphs and tables under ``container``, in order."""
    stack = list(reversed(list(container)))
    while stack:
        el = stack.pop()
        if el.tag == P:
            boxes: list[ET.Element] = []
            lines.append(_paragraph(el, boxes))
            for box in boxes:
                _blocks(box, lines)
        elif el.tag == TBL:
            for tr in _rows(el):
                cells = [_cell(tc) for tc in tr if tc.tag == TC]
                if any(cells):
                    lines.append("\t".join(cells))
        elif el.tag not in (MC_FALLBACK, W + "sectPr"):
            stack.extend(reversed(list(el)))


def _rows(table: ET.Element):
    """Rows of ``table`` in order, looking through row containers but not into cells."""
    stack = list(reversed(list(table)))
    while stack:
        el = stack.pop()
        if el.tag == TR:
            yield el
        elif el.tag not in (TC, TBL):
            stack.extend(reversed(list(el)))


def _main_part(archive: zipfile.ZipFile) -> str:
    """The document part the package relationships name, ``word/document.xml`` by default."""
    try:
        rels = ET.fromstring(archive.read("_rels/.rels"))
    except (KeyError, ET.ParseError, zipfile.BadZipFile):
        return DEFAULT_PART
    for rel in rels.iter(REL):
        if rel.get("Type", "").endswith(OFFICE_DOCUMENT) and rel.get("Target"):
            return posixpath.normpath(rel.get("Target").lstrip("/"))
    return DEFAULT_PART


def docx_text(data: bytes, name: str) -> str:
    """The text of a .docx held in ``data``, one paragraph or table row per line."""
    def fail(why: str) -> ReadError:
        return ReadError(name, f"not a valid .docx ({why})")

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise fail("not a zip archive") from None
    with archive:
        part = _main_part(archive)
        names = set(archive.namelist())
        if part not in names:
            part = DEFAULT_PART
        if part not in names:
            raise fail(f"no {DEFAULT_PART}")
        try:
            with archive.open(part) as stream:  # bounded: the declared size may lie
                xml = stream.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise fail(f"damaged zip: {exc}") from None
        if len(xml) > MAX_PART_BYTES:
            raise fail(f"{part} unpacks to over {MAX_PART_BYTES // 2**20} MB")
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise fail(f"{part} is not well-formed XML: {exc}") from None
    body = root.find(W + "body")
    if body is None:
        raise fail(f"{part} has no w:body")
    lines: list[str] = []
    _blocks(body, lines)
    return "\n".join(line for line in lines if line.strip())


def read_docx(data: bytes, name: str) -> Source:
    """A .docx document as text."""
    return Source(name, docx_text(data, name), "docx", None)
