"""GuardedUnion and needed_texts: a union that leaves out, for a text, the
patterns it cannot match must find exactly what the whole union finds."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from policycli.packs import GuardedUnion, default_packs, last_char_class, needed_class, needed_texts, union


@pytest.mark.parametrize("pattern, texts", [
    (r"(?:\d{4}年|今年)?\d{1,2}月份", ("月份",)),
    (r"(?:春节|国庆|五一|中秋|端午)节?(?:假期|期间)", ("假期", "期间")),  # twenty ways are too many: the fewer texts
    (r"(?:春节|国庆)(?:假期|期间)", ("春节假期", "春节期间", "国庆假期", "国庆期间")),  # a run of small choices
    (r"\d{4}年(?:以来|起)", ("年以来", "年起")),
    (r"[一二三\d]{1,3}年(?:内|来)", ("年内", "年来")),  # a class of literals is a small choice too
    (r"\d{1,2}月(?:底|末)?前", ("月前", "月底前", "月末前")),  # as is an optional part
    (r"“?十[一二]五”?", ("十一五", "十二五")),  # a text holding another of its choice is left out
    (r"(?:前|近)\d个月", ("个月",)),
    (r"(?<![较比])上年", ("上年",)),
    (r"\d+(?:期|号)?", ()),  # an optional part is needed by no match
    (r"\d(?=热线)", ()),  # nor is what a lookaround reads
    (r"(?i)abc", ()),  # case-insensitive: no literal is needed as written
])
def test_needed_texts(pattern, texts):
    assert needed_texts(pattern) == texts


@pytest.mark.parametrize("pattern, cls", [
    (r"[A-Za-z]+[\d.]+[A-Za-z]*", "[A-Za-z]"),  # of two classes, the one without a category
    (r"\d+(?:\s*[+＋]\s*[\dA-Za-z]+)+", r"[\+＋]"),  # inside a part repeated at least once
    (r"[两三四]轮(?:车|船)", "[车船]"),  # the fewest characters: one of 车 and 船, not of three
    (r"\d+[A-Z]?", None),  # an optional class is needed by no match
    (r"[^a]b", None),  # a negated class is never taken
    (r"\d+\w", None),  # nor a category
    (r"(?i)[a-z]\d", None),  # nor a class read without case
])
def test_needed_class(pattern, cls):
    assert needed_class(pattern) == cls


@pytest.mark.parametrize("pattern, last, not_last", [
    (r"(?:了|的)+$", "的", "额"),
    (r"(?:年|月)?[，\s]+$", " ", "年"),
    (r"\d+$", "7", "元"),
])
def test_last_char_class(pattern, last, not_last):
    cls = last_char_class(pattern)
    assert cls.match(last) and not cls.match(not_last)


@pytest.mark.parametrize("pattern", [
    r".+$",  # a wildcard
    r"[^a]$",  # a negated class
    r"x(?i:a)$",  # a scoped flag: A ends a match too
    r"(?i)xa$",  # a global one
])
def test_last_char_class_unknown(pattern):
    assert last_char_class(pattern) is None


@pytest.mark.parametrize("pattern, text", [
    (r"(?i:a)b", "Ab"),
    (r"(?i:ab)|c", "AB"),
])
def test_union_lookahead_lets_case_insensitive_patterns_match(pattern, text):
    """The first-character lookahead a union gets must not turn away a match
    that a scoped flag ignoring case allows."""
    assert re.compile(union([pattern, r"\d+x"])).match(text)


def _spans(pattern, text, pos=0, endpos=None):
    """What ``pattern`` finds in the window; nothing for no pattern (a window no union need search)."""
    endpos = len(text) if endpos is None else endpos
    return [] if pattern is None else [m.span() for m in pattern.finditer(text, pos, endpos)]


def _unions():
    packs = default_packs()
    return {"periods": packs.period_scan, "stops": packs.stop_near_scan}


def test_guards_are_taken():
    """The bundled periods and stops have patterns worth leaving out; else this test is moot."""
    for guarded in _unions().values():
        assert guarded._guarded


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name)
@pytest.mark.parametrize("name", ["periods", "stops"])
def test_same_matches_on_samples(sample, name):
    guarded = _unions()[name]
    for line in sample.read_text(encoding="utf-8").splitlines():
        for pos in range(0, len(line), 7):
            end = min(len(line), pos + 25)
            assert _spans(guarded.pattern_for(line, pos, end), line, pos, end) == _spans(guarded.full, line, pos, end)


_PIECES = ["2025年", "今年", "3月份", "1—2月份", "春节", "假期", "期间", "前3个月", "近两个月", "上年", "较上年",
           "增长", "5%", "12月31日", "第5期", "，", "。", "“", "”", "十四五", "A级", "3位数", "5人制", "8时30分",
           "G20", "5G", "12345", "热线", "平台", "+", "３", "三轮车", "MW"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.integers(0, 40), st.integers(0, 40))
def test_same_matches_on_built_texts(pieces, a, b):
    text = "".join(pieces)
    pos, end = min(a, b, len(text)), min(max(a, b), len(text))
    for guarded in _unions().values():
        assert _spans(guarded.pattern_for(text, pos, end), text, pos, end) == _spans(guarded.full, text, pos, end)


def test_lean_union_leaves_out():
    """A text with none of the needed texts gets the lean union, one with one of them the whole."""
    guarded = GuardedUnion([r"(?:\d{4}年)?\d{1,2}月份", r"\d{4}年"], re.compile)
    assert guarded.pattern_for("2025年增长5%") is not guarded.full
    assert guarded.pattern_for("2025年3月份") is guarded.full
    assert guarded.pattern_for("同比增长5%") is None  # no 年 nor 月份: no pattern can match


def test_a_window_without_any_need_gets_no_union():
    """When every pattern of a union has a need (a text, a class, a text its
    lookahead reads), a window holding none of them is not searched at all."""
    guarded = GuardedUnion([r"[A-Za-z]+\d+", r"\d{5,}(?=热线)", r"\d+月"], re.compile, shortest=1)
    assert guarded.pattern_for("增长了12345个") is None
    assert guarded.pattern_for("拨打12345热线") is guarded.full
    assert guarded.pattern_for("5G基站") is guarded.full
    assert guarded.pattern_for("拨打12345热线", 0, 7) is None  # the lookahead's text lies past the window

