"""Which reader a file needs, judged by its first bytes first and its name second.

Content wins over the suffix for the text formats (a ``.txt`` holding a web
page is read as HTML, an ``.html`` holding plain text as text); a ``.docx`` or
``.pdf`` name is kept so that a broken file of that kind says what is wrong
with it rather than being read as text.
"""
from __future__ import annotations

import re

PDF, DOCX, HTML, TEXT, ZIP, OLE = "pdf", "docx", "html", "text", "zip", "ole"

SUFFIX_FORMATS = {
    ".txt": TEXT, ".text": TEXT, ".md": TEXT,
    ".html": HTML, ".htm": HTML, ".shtml": HTML, ".xhtml": HTML,
    ".docx": DOCX,
    ".pdf": PDF,
}

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD = 4096

_LEADING_JUNK = re.compile(r"\A(?:\s+|<!--.*?-->|<\?xml[^>]*>)*", re.S)
_HTML_START = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I)
_HTML_STRUCTURE = re.compile(r"<(?:html|head|body)[\s>]|<(?:p|div|table|h[1-6]|title|meta)[\s>/]", re.I)
_HTML_CLOSERS = re.compile(r"</(?:p|div|td|li|span|a|h[1-6])>|<br\s*/?>", re.I)


def head_text(data: bytes) -> str:
    """The first bytes as a string good enough to spot markup in any of our encodings."""
    from .text import bom_of  # with regex, which a run that reads nothing need not import

    head = data[:HEAD]
    bom = bom_of(head)
    if bom:
        head = head[len(bom[0]):]
        if bom[1].startswith(("utf-16", "utf-32")):
            return head.decode(bom[1], errors="ignore")
    return head.decode("latin-1")


def looks_like_html(data: bytes) -> bool:
    """A doctype or <html>/<head>/<body> at the start, or markup structure early on."""
    head = head_text(data)
    rest = head[_LEADING_JUNK.match(head).end():]
    if _HTML_START.match(rest):
        return True
    if rest.startswith("<") and _HTML_STRUCTURE.search(rest):
        return True
    return len(_HTML_CLOSERS.findall(head)) >= 3


def sniff(data: bytes, suffix: str = "") -> str:
    """The format of ``data``: pdf, docx, html, text, or zip/ole for archives we cannot read."""
    suffix = suffix.lower()
    if b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(ZIP_MAGIC):
        return DOCX if suffix == ".docx" or b"word/document" in data else ZIP
    if data.startswith(OLE_MAGIC):
        return OLE
    if SUFFIX_FORMATS.get(suffix) in (DOCX, PDF):
        return SUFFIX_FORMATS[suffix]
    return HTML if looks_like_html(data) else TEXT
