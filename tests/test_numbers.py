"""Numeral parsing, from tests/cases/numbers.toml, and the Chinese numeral
reader checked against cn2an."""
import itertools
import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import case_id, load_cases
from policycli import numbers
from policycli.numbers import is_scale_only, normalise, parse_cjk, parse_number, read_cjk
from policycli.packs import default_packs

CASES = load_cases("numbers")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_parse_number(case):
    value = parse_number(normalise(case["numeral"]), default_packs().scales)
    if case["value"] == "none":
        assert value is None
    else:
        assert value == case["value"]  # exactly: the nearest double to the written decimal


def test_normalise_keeps_length_and_offsets():
    text = "港口吞吐量６．５亿吨，增长１２％"
    norm = normalise(text)
    assert len(norm) == len(text)
    assert norm == "港口吞吐量6.5亿吨，增长12%"


# The numeral reader must agree with cn2an wherever it gives a value; it leaves
# the rest to cn2an. Checked over every short string of numeral characters and
# over random longer ones.
NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿点"


def cn2an_value(numeral: str) -> float | None:
    if is_scale_only(numeral):
        numeral = "一" + numeral
    return numbers._cn2an(numeral)


def test_reader_agrees_with_cn2an_on_every_short_numeral():
    accepted = 0
    for size in (1, 2, 3):
        for chars in itertools.product(NUMERAL_CHARS, repeat=size):
            numeral = "".join(chars)
            value = read_cjk(numeral)
            if value is not None:
                accepted += 1
                assert value == numbers._cn2an(numeral), numeral
            assert parse_cjk.__wrapped__(numeral) == cn2an_value(numeral), numeral
    assert accepted > 2000  # the reader covers most well-formed short numerals


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=NUMERAL_CHARS, min_size=4, max_size=12))
def test_parse_cjk_gives_what_cn2an_gives(numeral):
    assert parse_cjk.__wrapped__(numeral) == cn2an_value(numeral)


def _skips_an_empty_group(whole: int) -> bool:
    """True when the units group follows an all-zero 万 group and starts with a
    digit, so cn2an writes no 零 before it (100,001,000 as 一亿一千). Read as
    shorthand the same characters mean 1.1亿, and cn2an cannot read its own
    output back, so no value is the safe answer."""
    digits = f"{whole}"
    return len(digits) > 8 and digits[-8:-4] == "0000" and digits[-4] != "0"


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=1, max_value=10**16 - 1), st.integers(min_value=0, max_value=999))
@example(100_001_000, 0)
@example(100_001_000, 250)
def test_reader_reads_numerals_written_in_full(whole, thousandths):
    import cn2an

    numeral = cn2an.an2cn(whole)
    expected = None if _skips_an_empty_group(whole) else float(whole)
    assert read_cjk(numeral) == expected
    assert parse_cjk.__wrapped__(numeral) == expected
    written = cn2an.an2cn(f"{whole}.{thousandths:03d}".rstrip("0").rstrip("."))
    if expected is None:
        assert read_cjk(written) is None
    else:
        # Past 2**53 cn2an's sum of whole and fraction rounds differently: equal to the last bit.
        in_full = float(cn2an.cn2an(written, "normal"))
        assert read_cjk(written) == pytest.approx(in_full, rel=1e-15)


def test_engine_leaves_cn2an_unloaded_on_ordinary_text():
    """cn2an costs about 0.2 s to import; text with numerals written in full must not pay it."""
    code = (
        "import sys; from policycli import extract_text; "
        "found = extract_text('全年力争引进亿元以上项目二十四个，新增两千万元，增长三点五个百分点。'); "
        "print(len(found), 'cn2an' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["3", "False"]
