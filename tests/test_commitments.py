"""Commitment context, from tests/cases/commitments.toml."""
import pytest

from conftest import case_id, load_cases
from policycli import extract_text

CASES = load_cases("commitments")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_commitment_fields(case):
    source = case["text"]
    records = extract_text(source)
    found = [r for r in records if r.text == case["mention"]]
    assert found, f"no record {case['mention']!r} among {[r.text for r in records]}"
    record = found[0]
    assert source[record.start:record.end] == record.text
    for field, value in case["expect"].items():
        assert getattr(record, field) == (value or None), field
