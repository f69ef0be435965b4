"""The text each document was read as, for an exporter that shows records in place.

Records carry offsets, not their document's text, so a page that highlights
them must read each document again. What it reads is checked before use: the
file's SHA-256 against the one a store recorded, when there is one, and every
record's ``text`` against the slice its offsets name. A document that has
changed, gone or cannot be read again is not shown with wrong highlights:
``text_for`` returns no text and a one-line reason instead, and ``problems``
collects those reasons for the caller to report.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from .. import readers
from ..record import Record


class DocumentTexts:
    """Reads documents again by the path their records name.

    ``known`` maps a document name to its text as already read (a library
    caller's ``extract_text`` input); ``preloaded`` maps a name to the bytes it
    was read from (stdin, which cannot be read twice); ``expected_sha256`` maps
    a path to the hash a store recorded when the records were extracted.
    """

    def __init__(
        self,
        *,
        known: Mapping[str, str] | None = None,
        preloaded: Mapping[str, bytes] | None = None,
        expected_sha256: Mapping[str, str | None] | None = None,
        max_bytes: int = readers.DEFAULT_MAX_BYTES,
    ):
        self.known = dict(known or {})
        self.preloaded = dict(preloaded or {})
        self.expected_sha256 = dict(expected_sha256 or {})
        self.max_bytes = max_bytes
        self.problems: list[str] = []

    def text_for(self, doc: str, records: Iterable[Record] = ()) -> tuple[str | None, str | None]:
        """``(text, None)`` when ``doc`` reads as its records say, else ``(None, reason)``."""
        text, problem = self._read(doc)
        if text is not None:
            problem = _mismatch(doc, text, records)
            if problem is not None:
                text = None
        if problem is not None:
            self.problems.append(problem)
        return text, problem

    def _read(self, doc: str) -> tuple[str | None, str | None]:
        if doc in self.known:
            return self.known[doc], None
        try:
            data = self.preloaded.get(doc)
            if data is None:
                if doc == "-":
                    return None, "-: standard input was not kept, so its text cannot be shown"
                with open(doc, "rb") as handle:
                    data = handle.read(self.max_bytes + 1)
            expected = self.expected_sha256.get(doc)
            if expected and hashlib.sha256(data).hexdigest() != expected:
                return None, f"{doc}: file changed since its records were extracted; run extract again"
            return readers.read_bytes(data, doc, max_bytes=self.max_bytes).text, None
        except readers.ReadError as exc:
            return None, str(exc)
        except OSError as exc:
            return None, f"{doc}: cannot be read again ({exc.strerror or exc})"


def _mismatch(doc: str, text: str, records: Iterable[Record]) -> str | None:
    """A one-line reason when some record's offsets do not name its text in ``text``."""
    for record in records:
        start, end = record.start, record.end
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)) \
                or text[start:end] != record.text:
            return (f"{doc}: the text read now does not hold {record.text!r} at {start}-{end}; "
                    "the file changed since its records were extracted")
    return None
