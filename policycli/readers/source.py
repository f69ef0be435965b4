"""The reader result and its error: shared by every reader so none imports another."""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class ReadError(Exception):
    """A file that cannot be read as a document; ``str()`` is one line, ``path: reason``."""

    def __init__(self, path: str, reason: str):
        reason = " ".join(str(reason).split()) or "cannot be read"
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(slots=True)
class Source:
    """A decoded document: ``text`` is exactly what record offsets index."""

    path: str
    text: str
    format: str
    encoding: str | None = None
