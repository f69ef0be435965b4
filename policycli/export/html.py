"""The review page: one self-contained HTML file showing records in their documents.

Each document's text, as read, is written into an inert ``<template>`` with
every mention already wrapped in a ``<mark>`` (so the page's structure can be
checked without a browser, and a document is only laid out when opened). The
records themselves travel as one JSON block, their strings interned, which
the page's script (``review_page.js``) turns into a filterable, sortable,
paged table with an editor for corrections.

Safety: every piece of document text and every field is escaped for its
place (HTML text, or JSON with ``<``, ``>``, ``&`` and U+2028/2029 escaped),
class names come from fixed lists only, and a Content-Security-Policy meta
tag admits nothing but the page's own style and script, by their hashes.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import PurePath
from typing import TextIO

from ..record import COMPARATORS, FIELD_NAMES, KINDS, UNIT_KINDS, Record, SourceInfo
from .doc_texts import DocumentTexts

NUMBER_FIELDS = frozenset({"start", "end", "value", "value_max"})

# Characters that would not reach the page as themselves (the HTML parser drops
# NUL, folds CR LF, and UTF-8 cannot carry lone surrogates): each is shown as a
# single stand-in so that every later offset still counts the same.
_UNSHOWABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _stand_in(match: re.Match) -> str:
    char = match.group()
    if char == "\x7f":
        return "\u2421"
    if char < " ":
        return chr(0x2400 + ord(char))  # the Control Pictures block: ␀ ␁ …
    return "\ufffd"


def shown_text(text: str) -> str:
    """``text`` as the page shows it: same length, unshowable characters replaced."""
    return _UNSHOWABLE.sub(_stand_in, text)


def _html_text(text: str) -> str:
    """Escape a piece of document text for HTML; CR stays a CR, by reference."""
    return html.escape(shown_text(text), quote=False).replace("\r", "&#13;")


def _json_for_script(data: object) -> str:
    """JSON that cannot end or confuse the ``<script>`` element that holds it."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _csp_hash(code: str) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class _Strings:
    """Interns the record's text fields: sentences, subjects and sections repeat a lot."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.items: list[str] = []

    def __call__(self, value: object) -> int | None:
        if value is None:
            return None
        text = _SURROGATE.sub("\ufffd", str(value))
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.items)
            self.items.append(text)
        return found


def segments(text: str, spans: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, list[int]]]:
    """Cut ``text`` where any span starts or ends: ``(start, end, ids covering it)``.

    ``spans`` are ``(start, end, id)``; overlapping spans split each other, so
    each piece knows every record it belongs to. Empty or out-of-range spans
    cover nothing.
    """
    size = len(text)
    spans = sorted((s, e, i) for s, e, i in spans if 0 <= s < e <= size)
    cuts = sorted({0, size, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces: list[tuple[int, int, list[int]]] = []
    active: list[tuple[int, int, int]] = []
    next_span = 0
    for a, b in zip(cuts, cuts[1:]):
        while next_span < len(spans) and spans[next_span][0] <= a:
            active.append(spans[next_span])
            next_span += 1
        active = [span for span in active if span[1] > a]
        pieces.append((a, b, [i for _, _, i in active]))
    return pieces


def _number(value: object) -> int | float | None:
    """A numeric field as JSON can carry it (a ``Decimal`` becomes the nearest float)."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _kind_class(kind: object) -> str:
    return f"k-{kind}" if kind in KINDS else "k-other"


def _template(doc_id: int, text: str, records: Sequence[tuple[int, Record]]) -> str:
    """One document's text as segments: ``<mark>`` over mentions, ``<span>`` between."""
    kinds = {i: record.kind for i, record in records}
    spans = [(r.start, r.end, i) for i, r in records if isinstance(r.start, int) and isinstance(r.end, int)]
    parts = [f'<template id="doc-{doc_id}">']
    for start, end, ids in segments(text, spans):
        piece = _html_text(text[start:end])
        if ids:
            parts.append(f'<mark class="m {_kind_class(kinds[ids[0]])}" data-s="{start}" data-r="{ids[0]}"'
                         f' data-rs="{" ".join(map(str, ids))}">{piece}</mark>')
        else:
            parts.append(f'<span data-s="{start}">{piece}</span>')
    parts.append("</template>\n")
    return "".join(parts)


def write_html(
    records: Iterable[Record],
    out: TextIO,
    *,
    sources: Sequence[SourceInfo] = (),
    texts: DocumentTexts | None = None,
    title: str | None = None,
) -> int:
    """Write the review page for ``records`` to ``out``; returns how many records.

    ``texts`` supplies each document's text (by default, read again from the
    path each record names); a document whose text cannot be had is listed
    with its records and the reason, without highlights. ``sources`` adds the
    inputs that yielded no record, so a reviewer can still mark figures missed.
    ``title`` defaults to the first document's name and how many follow.
    """
    texts = texts if texts is not None else DocumentTexts()
    by_doc: dict[str, list[Record]] = {}
    for record in records:
        by_doc.setdefault(record.doc, []).append(record)
    errors = {source.doc: source.error for source in sources}
    # A skipped file wrote nothing, unless it brought records an earlier run did not deliver.
    listed = [source.doc for source in sources if source.status != "skipped" or source.records]
    if listed:  # in the inputs' order, with those that yielded no record
        by_doc = {**{doc: by_doc.get(doc, []) for doc in listed}, **by_doc}

    if title is None:
        names = [PurePath(doc).name or doc for doc in by_doc]
        title = "policycli review" + (f": {names[0]}" if names else "") + (
            f" and {len(names) - 1} more" if len(names) > 1 else "")
    strings = _Strings()
    css, script = _asset("review_page.css"), _asset("review_page.js")
    csp = (f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(css)}; "
           "base-uri 'none'; form-action 'none'")
    out.write(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta name=\"generator\" content=\"policycli\">\n<title>{html.escape(title)}</title>\n"
        f"<style>{css}</style>\n</head>\n<body>\n{_asset('review_page.html')}"
    )
    docs, rows, count = [], [], 0
    for doc_id, (doc, doc_records) in enumerate(by_doc.items()):
        numbered = list(enumerate(doc_records, count))
        count += len(doc_records)
        error = errors.get(doc)
        text, problem = (None, None) if error else texts.text_for(doc, doc_records)
        if text is not None:
            out.write(_template(doc_id, text, numbered))
        docs.append({"name": _SURROGATE.sub("\ufffd", doc), "chars": len(text) if text is not None else None,
                     "records": len(doc_records), "note": error or problem})
        for _, record in numbered:
            row = [doc_id]
            for name in FIELD_NAMES[1:]:
                value = getattr(record, name)
                row.append(_number(value) if name in NUMBER_FIELDS else strings(value))
            rows.append(row)
    data = {
        "fields": list(FIELD_NAMES), "kinds": list(KINDS), "unit_kinds": list(UNIT_KINDS),
        "comparators": list(COMPARATORS), "docs": docs, "strings": strings.items, "records": rows,
    }
    payload = _json_for_script(data)
    page_id = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]  # keys the browser's saved corrections
    out.write(f'<script type="application/json" id="review-data">{payload[:-1]},"id":"{page_id}"}}</script>\n')
    out.write(f"<script>{script}</script>\n</body>\n</html>\n")
    return count
