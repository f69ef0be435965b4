"""PDF text layers, through the optional pypdf dependency.

Lines are returned as pypdf extracts them, pages separated by a blank line;
hard-wrapped lines are left for the segmenter to rejoin, as for plain text.
A PDF without extractable text is a scan and is refused with that reason.
"""
from __future__ import annotations

import io
import logging
import warnings
from contextlib import contextmanager

from .source import ReadError, Source

NEEDS_EXTRA = "reading PDF needs the optional extra: pip install 'policycli[pdf]'"
NO_TEXT = "PDF has no text layer; it needs OCR first"


@contextmanager
def _quiet():
    """Keep pypdf's warnings about damaged files off the terminal; errors still raise."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def pdf_pages(data: bytes, name: str) -> list[str]:
    """The extracted text of each page of the PDF in ``data``."""
    try:
        import pypdf
    except ImportError:
        raise ReadError(name, NEEDS_EXTRA) from None
    if not data.strip():
        raise ReadError(name, "not a valid PDF (empty file)")
    if b"%PDF-" not in data[:1024]:
        raise ReadError(name, "not a valid PDF (no %PDF- header)")
    if b"%%EOF" not in data[-65536:]:
        raise ReadError(name, "PDF is truncated (no %%EOF marker at the end)")
    with _quiet():
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ReadError(name, "PDF is encrypted with a password")
            pages = reader.pages
            count = len(pages)
        except ReadError:
            raise
        except pypdf.errors.DependencyError:
            raise ReadError(name, "PDF is encrypted; decrypting it needs: pip install cryptography") from None
        except Exception as exc:  # pypdf raises many types on damaged input
            raise ReadError(name, f"not a valid PDF ({_first_line(exc)})") from None
        texts = []
        for number in range(count):
            try:
                texts.append(pages[number].extract_text() or "")
            except Exception as exc:  # a damaged page must not pass silently
                raise ReadError(name, f"PDF page {number + 1} cannot be read ({_first_line(exc)})") from None
    return texts


def read_pdf(data: bytes, name: str) -> Source:
    """A PDF's text layer: lines as extracted, pages separated by a blank line."""
    pages = [page.rstrip("\n") for page in pdf_pages(data, name)]
    if not any(page.strip() for page in pages):
        raise ReadError(name, NO_TEXT)
    return Source(name, "\n\n".join(pages), "pdf", None)
