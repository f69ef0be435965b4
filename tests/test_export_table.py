"""Terminal table: columns, highlighted mention, kind colours, width, summary line, empty input."""
from __future__ import annotations

import io
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from rich.cells import cell_len

from policycli.export import write_records
from policycli.export.highlight import MentionLocator
from policycli.export.table import KIND_STYLES, MENTION_STYLE, NO_RECORDS, doc_labels, sentence_text, write_table
from policycli.record import Record, SourceInfo

CASES = Path(__file__).parent / "cases"
RECORDS = [Record.from_dict(e) for e in
           tomllib.loads((CASES / "export_records.toml").read_text(encoding="utf-8"))["record"]]


def render(records, width: int, color: bool = False, sources=()) -> str:
    out = io.StringIO()
    write_table(iter(records), out, width=width, color=color, sources=sources)
    return out.getvalue()


def expected_summary(records, documents: int) -> str:
    kinds = Counter(r.kind for r in records)
    return (f"{len(records)} records: {kinds['target']} targets, {kinds['plan']} plans, "
            f"{kinds['fact']} facts, from {documents} documents")


@pytest.mark.parametrize("width", [60, 100, 160])
def test_fits_the_width_and_ends_with_the_summary(width):
    text = render(RECORDS, width)
    lines = text.rstrip("\n").split("\n")
    assert lines[-1] == expected_summary(RECORDS, len({r.doc for r in RECORDS}))
    assert all(cell_len(line) <= width for line in lines[:-1])
    assert "Sentence" in text


KEY_COLUMNS = ["Subject", "Metric", "Mention", "Cmp", "Kind", "Period", "Sentence"]


def header_of(text: str) -> list[str]:
    return [h.strip() for h in text.split("\n")[1].strip("│ ").split("│")]


def test_wide_table_has_key_columns_and_a_doc_column_only_for_several_documents():
    one_doc = [r for r in RECORDS if r.doc == RECORDS[0].doc]
    assert header_of(render(one_doc, 160)) == KEY_COLUMNS
    assert header_of(render(RECORDS, 160)) == ["Doc", *KEY_COLUMNS]


def test_the_doc_column_names_each_row_by_its_path_less_the_shared_folder():
    moved = [Record.from_dict({**r.to_dict(), "doc": f"/srv/policies/{i % 2}/report.txt"})
             for i, r in enumerate(RECORDS)]
    rows = [line for line in render(moved, 160).split("\n")[3:] if line.startswith("│ ") and "report" in line]
    assert [line.split("│")[1].strip() for line in rows] == [f"{i % 2}/report.txt" for i in range(len(moved))]
    narrow = render(moved, 60)
    assert narrow.count("0/report.txt") + narrow.count("1/report.txt") == len(moved)
    assert "/srv" not in narrow


@pytest.mark.parametrize("docs, labels", [
    (["/srv/p/2025/a.txt", "/srv/p/2026/a.txt"], ["2025/a.txt", "2026/a.txt"]),
    (["x/a.txt", "x/b.txt"], ["a.txt", "b.txt"]),
    (["a.txt", "b/c.txt"], ["a.txt", "b/c.txt"]),
    (["-", "x/a.txt"], ["-", "x/a.txt"]),
    (["/abs/a.txt", "rel/b.txt"], ["/abs/a.txt", "rel/b.txt"]),
])
def test_doc_labels(docs, labels):
    assert [doc_labels(docs)[doc] for doc in docs] == labels


def test_summary_counts_sources_when_given():
    sources = [SourceInfo("a.txt"), SourceInfo("b.txt")]
    assert render(RECORDS[:1], 100, sources=sources).rstrip().endswith("from 2 documents")


def test_default_width_goes_through_write_records():
    out = io.StringIO()
    assert write_records(iter(RECORDS), "table", stream=out, width=90) == len(RECORDS)
    assert all(cell_len(line) <= 90 for line in out.getvalue().splitlines()[:-1])


@pytest.mark.parametrize("sources, expected", [
    ((), f"{NO_RECORDS}."),
    ((SourceInfo("a.txt"), SourceInfo("b.txt")), f"{NO_RECORDS} in 2 documents."),
])
def test_empty_input_says_so(sources, expected):
    assert render([], 80, sources=sources).strip() == expected


def test_sentence_mention_is_styled():
    locator = MentionLocator()
    for record in RECORDS[:2]:
        text = sentence_text(record, locator.span(record))
        styled = [text.plain[s.start:s.end] for s in text.spans if s.style == MENTION_STYLE]
        assert styled == [record.text]


def test_kinds_have_distinct_colours():
    assert len(set(KIND_STYLES.values())) == 3
    output = render(RECORDS, 200, color=True)
    codes = {}
    for kind in KIND_STYLES:
        match = re.search(r"(\x1b\[[0-9;]+m)" + kind, output)
        assert match, kind
        codes[kind] = match.group(1)
    assert len(set(codes.values())) == 3


def test_control_characters_and_markup_are_inert():
    record = Record.from_dict({**RECORDS[0].to_dict(), "subject": "[bold]甲[/bold]",
                               "sentence": "全年力争引进亿元以上项目30个以上\x1b[2J。"})
    output = render([record], 200)
    assert "\x1b" not in output
    assert "[bold]甲[/bold]" in output
