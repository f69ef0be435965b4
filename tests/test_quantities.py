"""Quantity mentions, from tests/cases/quantities.toml: what is a record and what
is not; and values exact: the nearest double to the written decimal times its
scale, whole amounts as ints."""
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, case_id, load_cases
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
            # Values exactly: 5.1亿 is 510000000 (an int), not 509999999.99999994.
            assert (got, type(got)) == (value, type(value)), field


#: Scale words and unit factors spelled here, apart from the packs, as the
#: property's own reference: a value is written decimal × scale × factor.
SCALES = {"": 1, "万": 10**4, "十万": 10**5, "百万": 10**6, "千万": 10**7, "亿": 10**8, "万亿": 10**12}
UNITS = {"元": 1, "人": 1, "公里": 1, "平方公里": 1, "吨": 1, "千瓦时": 1, "GWh": 10**6}
decimals = st.builds(
    lambda whole, fraction: f"{whole}.{fraction}" if fraction else str(whole),
    st.integers(min_value=0, max_value=99999),
    st.text(alphabet="0123456789", max_size=6),
)


def exact(value: Fraction) -> int | float:
    """What a record must hold for an exact value: an int when whole, else the nearest double."""
    return int(value) if value.denominator == 1 and abs(value) < 2**53 else float(value)


@settings(max_examples=300, deadline=None)
@given(decimals, st.sampled_from(sorted(SCALES)), st.sampled_from(sorted(UNITS)))
def test_scaled_decimals_are_exact(number, scale, unit):
    if not scale and unit == "人" and "." in number:
        return  # 2.5人 is no figure anyone writes
    text = f"总量达到{number}{scale}{unit}。"
    [record] = extract_text(text)
    want = exact(Fraction(number) * SCALES[scale] * UNITS[unit])
    assert record.text == f"{number}{scale}{unit}" == text[record.start:record.end]
    assert (record.value, type(record.value)) == (want, type(want))


@settings(max_examples=200, deadline=None)
@given(decimals, decimals, st.sampled_from(["万", "亿", "万亿"]))
def test_scaled_ranges_are_exact(low, high, scale):
    text = f"投资{low}至{high}{scale}元。"
    [record] = extract_text(text)
    assert record.text == text[2:-1] == text[record.start:record.end]
    assert record.value == exact(Fraction(low) * SCALES[scale])
    assert record.value_max == exact(Fraction(high) * SCALES[scale])


@settings(max_examples=200, deadline=None)
@given(decimals, st.integers(min_value=1, max_value=999), st.integers(min_value=1, max_value=999))
def test_percent_words_and_fractions_are_the_nearest_double(number, denominator, numerator):
    [per_mille] = extract_text(f"比例为千分之{number}。")
    assert per_mille.value == exact(Fraction(number) / 10)
    [share] = extract_text(f"比重超过{denominator}分之{numerator}。")
    assert share.value == exact(Fraction(numerator, denominator))


#: What PDF and Word text puts inside a figure: Unicode spaces, two of them, a
#: line break, a line break with the indentation around it.
BREAKS = [" ", "\u3000", "\u00a0", "\u2009", "\u2003", "\u202f", "  ", "\n", "\r\n", " \n", "\n\u3000"]


def _without_space(text: str | None) -> str | None:
    return text if text is None else "".join(text.split())


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
@pytest.mark.parametrize("gap", BREAKS, ids=repr)
def test_spaces_inside_figures_change_no_record(sample, gap):
    """Every figure written in digits, with ``gap`` put between its digits and
    the rest (95亿元 → 95 亿元), gives the same records: same values, units and
    readings, the text being the span as it stands."""
    source = sample.read_text(encoding="utf-8")
    records = extract_text(source)
    cuts = [r.start + m.end() for r in records if r.value_max is None
            and (m := re.match(r"[0-9０-９][0-9０-９.．,，]*", r.text)) and m.end() < len(r.text)]
    assert len(cuts) > 5
    pieces, last = [], 0
    for cut in cuts:
        pieces += [source[last:cut], gap]
        last = cut
    spaced = "".join(pieces + [source[last:]])
    again = extract_text(spaced)
    assert [spaced[r.start:r.end] for r in again] == [r.text for r in again]
    texts = {"text", "sentence", "section", "start", "end"}
    assert [{k: v for k, v in r.to_dict().items() if k not in texts} for r in again] == \
           [{k: v for k, v in r.to_dict().items() if k not in texts} for r in records]
    assert [[_without_space(getattr(r, k)) for k in ("text", "sentence", "section")] for r in again] == \
           [[_without_space(getattr(r, k)) for k in ("text", "sentence", "section")] for r in records]
