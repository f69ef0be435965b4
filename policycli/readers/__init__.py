"""Readers turn a file's bytes into the text that record offsets index."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class ReadError(Exception):
    """A file that cannot be read as a document; ``str()`` is a one-line message."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(slots=True)
class Source:
    path: str
    text: str
    format: str
    encoding: str | None = None


def read_bytes(data: bytes, name: str = "-") -> Source:
    try:
        return Source(name, data.decode("utf-8-sig"), "text", "utf-8")
    except UnicodeDecodeError as exc:
        raise ReadError(name, f"not UTF-8 text ({exc.reason})") from None


def read(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ReadError(name, exc.strerror or str(exc)) from None
    return read_bytes(data, name)
