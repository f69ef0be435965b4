"""Quantity mentions, from tests/cases/quantities.toml: what is a record and what is not."""
import pytest

from conftest import case_id, load_cases
from policycli import extract_text

CASES = load_cases("quantities")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_mentions(case):
    source = case["text"]
    records = extract_text(source)
    for record in records:
        assert source[record.start:record.end] == record.text
    assert [r.text for r in records] == [m["text"] for m in case["mentions"]]
    for record, expected in zip(records, case["mentions"]):
        for field, value in expected.items():
            got = getattr(record, field)
            if isinstance(value, float) or field in ("value", "value_max"):
                assert got == pytest.approx(value, rel=1e-12), field
            else:
                assert got == value, field
