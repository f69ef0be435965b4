"""Helpers shared by the review page tests: build a page, and read it back as data."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from policycli.export import write_records
from policycli.export.doc_texts import DocumentTexts
from policycli.record import FIELD_NAMES, Record


class Page(HTMLParser):
    """The parts of a review page the tests check: every tag, the templates' segments, the scripts."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.templates: dict[str, list[dict]] = {}
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self._template: str | None = None
        self._segment: dict | None = None
        self._raw: tuple[str, dict] | None = None
        self.feed(markup)
        self.close()
        self.data = json.loads(next(body for attrs, body in self.scripts if attrs.get("type") == "application/json"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "template":
            self._template = attrs["id"]
            self.templates[self._template] = []
        elif self._template is not None and tag in ("span", "mark"):
            self._segment = {"tag": tag, "attrs": attrs, "text": ""}
            self.templates[self._template].append(self._segment)
        elif tag in ("script", "style"):
            self._raw = (tag, attrs)
            (self.scripts if tag == "script" else self.styles).append((attrs, "") if tag == "script" else "")

    def handle_endtag(self, tag):
        if tag == "template":
            self._template = None
        elif tag in ("span", "mark"):
            self._segment = None
        elif tag in ("script", "style"):
            self._raw = None

    def handle_data(self, data):
        if self._segment is not None:
            self._segment["text"] += data
        elif self._raw is not None:
            if self._raw[0] == "script":
                attrs, body = self.scripts[-1]
                self.scripts[-1] = (attrs, body + data)
            else:
                self.styles[-1] += data

    def records(self) -> list[dict]:
        """The page's records as schema dicts, decoded from its JSON block."""
        data, out = self.data, []
        for row in data["records"]:
            record = {"doc": data["docs"][row[0]]["name"]}
            for name, value in zip(FIELD_NAMES[1:], row[1:]):
                numeric = name in ("start", "end", "value", "value_max")
                record[name] = value if numeric or value is None else data["strings"][value]
            out.append(record)
        return out


def build(records: list[Record], path: Path, **texts) -> Page:
    """Write the page for ``records`` to ``path`` and parse it."""
    write_records(records, "html", path, texts=DocumentTexts(**texts) if texts else None)
    return Page(path.read_text(encoding="utf-8"))
