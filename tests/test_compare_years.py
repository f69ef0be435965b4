"""diff and scorecard on the eight provinces of ../shared/years, against the
rows expected in tests/cases/years_compare.toml (checked by hand)."""
from __future__ import annotations

import tomllib
from collections import Counter
from functools import lru_cache

import pytest

from conftest import CASES, SHARED
from policycli import compare
from policycli.compare_inputs import load

YEARS = SHARED / "years"
pytestmark = pytest.mark.skipif(not YEARS.is_dir(), reason="../shared/years is not present")

with open(CASES / "years_compare.toml", "rb") as _f:
    EXPECTED = tomllib.load(_f)
PROVINCES = sorted({e["province"] for e in EXPECTED["diff"]})


def _param(entry: dict, label: str):
    marks = [pytest.mark.xfail(strict=True, reason=entry["xfail"])] if "xfail" in entry else []
    return pytest.param(entry, id=f"{entry['province']}-{entry['indicator'] or '?'}-{label}", marks=marks)


@lru_cache(maxsize=None)
def documents(province: str):
    old = load(str(YEARS / f"{province}-gwr-2025.docx"))
    new = load(str(YEARS / f"{province}-gwr-2026.txt"))
    return old, new


@lru_cache(maxsize=None)
def diff_rows(province: str):
    old, new = documents(province)
    return compare.diff(old.records, new.records, old_year=old.year, new_year=new.year)


@lru_cache(maxsize=None)
def score_rows(province: str):
    old, new = documents(province)
    return compare.scorecard(old.records, new.records, target_year=old.year, result_year=new.year,
                             result_text=new.text)


def main_targets(doc) -> range:
    """Where the paragraph that sets the year's main targets stands in the document's text."""
    at = next(at for at in (doc.text.find(w) for w in ("主要预期目标", "预期目标是", "预期目标")) if at >= 0)
    start = doc.text.rfind("\n", 0, at) + 1
    end = doc.text.find("\n", at)
    return range(start, len(doc.text) if end < 0 else end)


def _in(record, span: range) -> bool:
    return record is not None and record.start in span


def _text(record) -> str:
    return record.text if record is not None else ""


@pytest.mark.parametrize("province", PROVINCES)
def test_every_target_appears_once(province):
    old, new = documents(province)
    rows = diff_rows(province)
    for doc, side in ((old, "old"), (new, "new")):
        targets = [(r.start, r.end) for r in doc.records if r.kind == "target"]
        listed = [(getattr(row, side).start, getattr(row, side).end) for row in rows if getattr(row, side)]
        assert sorted(listed) == sorted(targets)
        for row in rows:
            record = getattr(row, side)
            if record is not None:
                assert doc.text[record.start:record.end] == record.text
    main = [r for r in new.records if r.kind == "target" and r.start in main_targets(new)]
    assert main, "the 2026 report's main targets are found"


@pytest.mark.parametrize("entry", [_param(e, f"{e['old']}>{e['new']}") for e in EXPECTED["diff"]])
def test_diff_pair(entry):
    old, new = documents(entry["province"])
    spans = main_targets(old), main_targets(new)
    found = [row for row in diff_rows(entry["province"])
             if _text(row.old) == entry["old"] and _text(row.new) == entry["new"]
             and (_in(row.old, spans[0]) or _in(row.new, spans[1]))
             and entry["indicator"] in ("", row.indicator)]
    assert len(found) == 1, [(r.indicator, _text(r.old), _text(r.new), r.change) for r in found]
    assert found[0].change == entry["change"]


@pytest.mark.parametrize("entry", [_param(e, e["target"]) for e in EXPECTED["scorecard"]])
def test_scorecard_row(entry):
    old, new = documents(entry["province"])
    found = [row for row in score_rows(entry["province"])
             if row.target.text == entry["target"] and row.indicator == entry["indicator"]
             and row.target.start in main_targets(old)]
    assert len(found) == 1
    row = found[0]
    assert (_text(row.actual), row.status) == (entry["actual"], entry["status"])
    if row.actual is not None:
        assert new.text[row.actual.start:row.actual.end] == row.actual.text
        assert row.gap is not None
    else:
        assert row.gap is None


def test_counts_cover_every_main_target():
    """The data file lists every main target of both years (and the targets they pair with)."""
    for province in PROVINCES:
        old, new = documents(province)
        listed_old = [e["old"] for e in EXPECTED["diff"] if e["province"] == province and e["old"]]
        listed_new = [e["new"] for e in EXPECTED["diff"] if e["province"] == province and e["new"]]
        main_old = [r.text for r in old.records if r.kind == "target" and r.start in main_targets(old)]
        main_new = [r.text for r in new.records if r.kind == "target" and r.start in main_targets(new)]
        assert not Counter(main_old) - Counter(listed_old), province
        assert not Counter(main_new) - Counter(listed_new), province
