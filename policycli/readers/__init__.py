"""Readers turn a file's bytes into the text that record offsets index.

``read`` and ``read_bytes`` choose the reader by content first (see
``sniff``): plain text, HTML, DOCX or PDF. Every failure is a ``ReadError``
whose message is one line naming the file and the problem.
"""
from __future__ import annotations

import importlib
import os
import stat
from pathlib import Path, PurePath

from .sniff import DOCX, HTML, OLE, PDF, SUFFIX_FORMATS, ZIP, sniff
from .source import DEFAULT_MAX_BYTES, ReadError, Source

__all__ = [
    "DEFAULT_MAX_BYTES", "ReadError", "Source", "read", "read_bytes", "read_raw", "supported_suffixes",
]

#: The module and function that read each format, imported when a file needs them.
READERS = {PDF: ("pdf", "read_pdf"), DOCX: ("docx", "read_docx"), HTML: ("html", "read_html")}
TEXT_READER = ("text", "read_text")
MB = 1024 * 1024


def supported_suffixes() -> frozenset[str]:
    """File name suffixes (lower case, with the dot) a folder walk should pick up."""
    return frozenset(SUFFIX_FORMATS)


def _size(n: int) -> str:
    """A byte count for messages: 60.2 MB, 512 KB, 900 bytes."""
    if n >= MB:
        return f"{n / MB:.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"


def _too_big(name: str, size: int | None, max_bytes: int) -> ReadError:
    limit = _size(max_bytes)
    if size is None:
        return ReadError(name, f"input is over the {limit} limit (--max-bytes)")
    shown = _size(size)
    if shown == limit:
        shown, limit = f"{size} bytes", f"{max_bytes} bytes"
    what = "input" if name == "-" else "file"
    return ReadError(name, f"{what} is {shown}, over the {limit} limit (--max-bytes)")


def read_bytes(data: bytes, name: str = "-", *, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read a document held in memory; ``name`` labels it and its suffix is a hint."""
    if len(data) > max_bytes:
        raise _too_big(name, len(data), max_bytes)
    kind = sniff(data, PurePath(name).suffix if name != "-" else "")
    if kind == ZIP:
        raise ReadError(name, "not a text document (a zip archive that is not a .docx)")
    if kind == OLE:
        raise ReadError(name, "not a supported document (a legacy .doc/.xls file or an encrypted Office file; save it as .docx)")
    module, function = READERS.get(kind, TEXT_READER)
    reader = getattr(importlib.import_module(f".{module}", __name__), function)
    try:
        return reader(data, name)
    except ReadError:
        raise
    except Exception as exc:  # a reader bug or an input it did not foresee: still one line
        raise ReadError(name, f"cannot be read as {kind} ({type(exc).__name__}: {exc})") from exc


def read(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read the document at ``path``, refusing files over ``max_bytes`` before reading them."""
    return read_bytes(read_raw(path, max_bytes=max_bytes), str(path), max_bytes=max_bytes)


def read_raw(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of the file at ``path``, with ``read``'s checks and one-line errors,
    for a reader that runs elsewhere (a cluster worker without this file system)."""
    name = str(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ReadError(name, "is a directory")
        if not stat.S_ISREG(info.st_mode):
            # A named pipe or device would block the whole batch until someone writes to it.
            raise ReadError(name, "is not a regular file (a pipe, socket or device); pass - to read standard input")
        if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
            raise _too_big(name, info.st_size, max_bytes)
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise ReadError(name, "no such file") from None
    except NotADirectoryError:
        raise ReadError(name, "no such file (a part of the path is not a directory)") from None
    except IsADirectoryError:
        raise ReadError(name, "is a directory") from None
    except PermissionError:
        raise ReadError(name, "permission denied") from None
    except OSError as exc:
        raise ReadError(name, exc.strerror or str(exc)) from None
    if len(data) > max_bytes:
        raise _too_big(name, None, max_bytes)
    return data
