"""Every real document of ../shared/corpus runs cleanly and yields valid records."""
import math

import pytest

from conftest import SHARED
from policycli import extract_file
from policycli.record import COMPARATORS, KINDS, UNIT_KINDS

DOCS = sorted((SHARED / "corpus").glob("*.txt")) if (SHARED / "corpus").is_dir() else []


@pytest.mark.skipif(not DOCS, reason="../shared/corpus is not present")
@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_corpus_document(path):
    source = path.read_text(encoding="utf-8-sig")
    records = extract_file(path)
    for r in records:
        assert source[r.start:r.end] == r.text
        assert math.isfinite(r.value)
        assert r.value_max is None or math.isfinite(r.value_max)
        assert r.unit_kind in UNIT_KINDS and r.comparator in COMPARATORS and r.kind in KINDS
        assert r.text in r.sentence.replace("\n", "")
    if "negctrl" not in path.name:
        assert records, "a policy document with no records at all"
