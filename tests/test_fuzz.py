"""Property tests: no text, however odd, makes extraction raise or break the record contract.

Three kinds of input, each with a bounded number of examples so the file
stays fast: arbitrary Unicode, a soup of the characters Chinese quantities
are written with, and the sample documents cut, spliced and re-wrapped.
``check_records`` is the contract every record must keep; the pathological
and hostile-pack tests and the atheris harness under ``fuzz/`` use it too.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policycli import FIELD_NAMES, Record, extract_text
from policycli.record import COMPARATORS, KINDS, UNIT_KINDS

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))

# A line break with the edge spaces the segmenter trims when it rejoins lines.
_BREAK = regex.compile(r"[ \t\u3000\u00a0\ufeff]*[\r\n\f\v\x1c\x1d\x1e\x85\u2028\u2029]+[ \t\u3000\u00a0\ufeff]*")
_OPTIONAL_TEXT = ("subject", "verb", "metric", "modality", "period", "section")


def record_problems(text: str, records: list[Record], doc: str = "-") -> list[str]:
    """Every way ``records`` break the record contract for ``text``; empty when they keep it."""
    problems = []
    for i, r in enumerate(records):
        where = f"record {i} {r.text!r} [{r.start}:{r.end}]"
        if not isinstance(r, Record):
            problems.append(f"{where}: not a Record")
            continue
        if not (isinstance(r.start, int) and isinstance(r.end, int) and 0 <= r.start < r.end <= len(text)):
            problems.append(f"{where}: offsets outside the text of {len(text)} characters")
        elif text[r.start:r.end] != r.text:
            problems.append(f"{where}: text[start:end] is {text[r.start:r.end]!r}")
        if r.doc != doc:
            problems.append(f"{where}: doc {r.doc!r}, expected {doc!r}")
        if isinstance(r.value, bool) or not isinstance(r.value, (int, float)) or not math.isfinite(r.value):
            problems.append(f"{where}: value {r.value!r} is not a finite number")
        if r.value_max is not None and (isinstance(r.value_max, bool) or not isinstance(r.value_max, (int, float))
                                        or not math.isfinite(r.value_max)):
            problems.append(f"{where}: value_max {r.value_max!r} is not a finite number")
        if r.unit_kind not in UNIT_KINDS:
            problems.append(f"{where}: unit_kind {r.unit_kind!r}")
        if r.comparator not in COMPARATORS:
            problems.append(f"{where}: comparator {r.comparator!r}")
        if r.kind not in KINDS:
            problems.append(f"{where}: kind {r.kind!r}")
        if (r.comparator == "range") != (r.value_max is not None):
            problems.append(f"{where}: comparator {r.comparator!r} with value_max {r.value_max!r}")
        if r.unit is not None and not (isinstance(r.unit, str) and r.unit):
            problems.append(f"{where}: unit {r.unit!r}")
        for name in _OPTIONAL_TEXT:
            value = getattr(r, name)
            if value is not None and not (isinstance(value, str) and value):
                problems.append(f"{where}: {name} {value!r} is neither null nor a non-empty string")
        if not isinstance(r.sentence, str) or _BREAK.sub("", r.text) not in r.sentence:
            problems.append(f"{where}: sentence {r.sentence!r} does not hold the mention")
        row = r.to_dict()
        if tuple(row) != FIELD_NAMES:
            problems.append(f"{where}: fields {tuple(row)}")
        try:  # the sentence is checked above; leaving it out keeps a long-line document linear
            json.dumps({**row, "sentence": ""}, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: not JSON: {exc}")
    return problems


def check_records(text: str, records: list[Record], doc: str = "-") -> None:
    """Fail with every broken rule listed when ``records`` break the contract for ``text``."""
    problems = record_problems(text, records, doc)
    assert not problems, "\n".join(problems[:20])


# --- strategies -------------------------------------------------------------

NUMERALS = "零〇一二两三四五六七八九十百千万亿点几半"
DIGITS = "0123456789０１２３４５６７８９"
UNIT_WORDS = ["元", "亿元", "万元", "美元", "平方米", "万平方米", "亩", "公顷", "公里", "吨", "千瓦时",
              "%", "％", "个百分点", "倍", "个", "项", "家", "人", "户", "条", "辆", "MW", "平方公里",
              "成", "分之", "番", "工作日"]
WORDS = ["以上", "左右", "以内", "多", "余", "逾", "近", "约", "突破", "超过", "不低于", "不少于", "不超过",
         "控制在", "至", "到", "—", "-", "~", "～", "翻一番", "一半", "三分之一", "七成", "第", "期", "届",
         "力争", "确保", "计划", "预计", "目标", "全年", "到2028年", "“十五五”", "亿元以上项目", "的", "级",
         "管委会", "提出", "新增", "引进", "增长", "完成", "一批", "一线", "进一步", "5G", "3+2", "12345热线"]
PUNCTUATION = list("，。；：、！？“”（）《》,.;:()  \t\n\r\u3000") + ["\r\n", "\n\n", "\u2028", "\x0b", "\x0c"]

numeral_soup = st.lists(
    st.one_of(
        st.text(alphabet=NUMERALS, min_size=1, max_size=12),
        st.text(alphabet=DIGITS + ".,，", min_size=1, max_size=14),
        st.sampled_from(UNIT_WORDS),
        st.sampled_from(WORDS),
        st.sampled_from(PUNCTUATION),
        st.builds(lambda char, n: char * n, st.sampled_from(list("一万亿7０.，")), st.integers(20, 300)),
    ),
    max_size=60,
).map("".join)

any_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
    max_size=500,
)


@st.composite
def mutated_sample(draw) -> str:
    """A sample document with slices deleted, inserted, duplicated or broken by newlines."""
    text = SAMPLES[draw(st.integers(0, len(SAMPLES) - 1))].read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 6))):
        n = len(text)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 80)))
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "break", "soup"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "insert":
            text = text[:i] + draw(st.text(max_size=20)) + text[i:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] * draw(st.integers(1, 5)) + text[j:]
        elif op == "break":
            text = text[:i] + draw(st.sampled_from(["\n", "\n\n", "\r\n", " \n ", "\u3000\n"])) + text[i:]
        else:
            text = text[:i] + draw(numeral_soup) + text[i:]
    return text


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _extract_and_check(text: str) -> None:
    records = extract_text(text, doc="fuzz")
    check_records(text, records, doc="fuzz")


@FUZZ
@given(any_text)
def test_random_unicode(text: str) -> None:
    _extract_and_check(text)


@FUZZ
@given(numeral_soup)
def test_numeral_soup(text: str) -> None:
    _extract_and_check(text)


@settings(FUZZ, max_examples=150)
@given(mutated_sample())
def test_mutated_samples(text: str) -> None:
    _extract_and_check(text)


def test_samples_keep_the_contract() -> None:
    """The unmutated samples: the checker itself accepts the engine's ordinary output."""
    assert SAMPLES, "samples/*.txt are missing"
    total = 0
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        records = extract_text(text, doc=path.name)
        check_records(text, records, doc=path.name)
        total += len(records)
    assert total > 0


def test_checker_catches_broken_records() -> None:
    """The checker is not vacuous: a record with a wrong span, NaN and an unknown kind fails it."""
    text = "全年新增10个项目。"
    good = extract_text(text, doc="x")
    assert good and not record_problems(text, good, doc="x")
    bad = Record.from_dict({**good[0].to_dict(), "start": good[0].start + 1, "value": float("nan"), "kind": "wish"})
    problems = record_problems(text, [bad], doc="x")
    assert any("text[start:end]" in p for p in problems)
    assert any("finite" in p for p in problems)
    assert any("kind" in p for p in problems)
