"""Field readers, from the per-field case tables tests/cases/<field>.toml."""
import pytest

from conftest import case_id, load_cases
from policycli import extract_text

#: One case table per field reader (policycli/<field>.py).
FIELDS = ("subjects", "verbs", "metrics", "periods", "modality", "kinds")
CASES = [pytest.param(case, id=f"{field}:{case_id(case)}") for field in FIELDS for case in load_cases(field)]


@pytest.mark.parametrize("case", CASES)
def test_field(case):
    source = case["text"]
    records = extract_text(source)
    found = [r for r in records if r.text == case["mention"]]
    assert found, f"no record {case['mention']!r} among {[r.text for r in records]}"
    record = found[0]
    assert source[record.start:record.end] == record.text
    for field, value in case["expect"].items():
        assert getattr(record, field) == (value or None), field
