"""Every gold line under samples/ keeps the record contract against its own text."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from policycli.record import COMPARATORS, FIELD_NAMES, KINDS, UNIT_KINDS

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
GOLD_FILES = sorted(SAMPLES.glob("*.gold.jsonl"))
HARD_WRAP = "\n\n"


def _lines():
    for path in GOLD_FILES:
        source = (SAMPLES / path.name.replace(".gold.jsonl", ".txt")).read_text(encoding="utf-8-sig")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield pytest.param(source, json.loads(line), id=f"{path.name}:{number}")


def test_every_sample_has_gold():
    texts = sorted(p.stem for p in SAMPLES.glob("*.txt"))
    assert len(texts) >= 6
    assert [p.name.removesuffix(".gold.jsonl") for p in GOLD_FILES] == texts


@pytest.mark.parametrize("source, record", list(_lines()))
def test_gold_line(source, record):
    assert list(record) == [*FIELD_NAMES, "optional"]
    assert isinstance(record["optional"], bool)
    assert record["doc"].endswith(".txt") and "/" not in record["doc"]
    start, end = record["start"], record["end"]
    assert isinstance(start, int) and isinstance(end, int) and 0 <= start < end
    assert source[start:end] == record["text"]
    assert math.isfinite(record["value"])
    if record["comparator"] == "range":
        assert math.isfinite(record["value_max"]) and record["value_max"] > record["value"]
    else:
        assert record["value_max"] is None
    assert record["unit_kind"] in UNIT_KINDS
    assert record["comparator"] in COMPARATORS
    assert record["kind"] in KINDS
    sentence = record["sentence"]
    assert record["text"] in sentence
    assert "\n" not in sentence and sentence in source.replace(HARD_WRAP, "")
    section = record["section"]
    assert section is None or f"\n{section}\n" in f"\n{source[:start]}"
