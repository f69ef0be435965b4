"""Known failures, from tests/cases/known_failures.toml: strict xfails, an honest to-do list."""
import pytest

from conftest import case_id, load_cases
from policycli import extract_text
from policycli.segment import paragraphs

CASES = load_cases("known_failures")


@pytest.mark.xfail(strict=True, reason="known failure: see tests/cases/known_failures.toml")
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_known_failure(case):
    source = case["text"]
    if "paragraphs" in case:
        assert len(list(paragraphs(source))) == case["paragraphs"]
        return
    record = next(r for r in extract_text(source) if r.text == case["mention"])
    for field, value in case["expect"].items():
        assert getattr(record, field) == (value or None), field
