"""Numeral parsing, from tests/cases/numbers.toml."""
import pytest

from conftest import case_id, load_cases
from policycli.numbers import normalise, parse_number
from policycli.packs import default_packs

CASES = load_cases("numbers")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_parse_number(case):
    value = parse_number(normalise(case["numeral"]), default_packs().scales)
    if case["value"] == "none":
        assert value is None
    else:
        assert value == pytest.approx(case["value"], rel=1e-12)


def test_normalise_keeps_length_and_offsets():
    text = "港口吞吐量６．５亿吨，增长１２％"
    norm = normalise(text)
    assert len(norm) == len(text)
    assert norm == "港口吞吐量6.5亿吨，增长12%"
