"""The subject name patterns try names without brackets first, as a plain run,
and the branch with a bracketed place only when a bracket follows: they must
find what one lazy branch over both finds, name for name."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from policycli.packs import HAN, NAME_MAX, alternation, default_packs

PACKS = default_packs()


def _one_branch(org_after: str, place_after: str) -> re.Pattern:
    """The names as one lazy branch that reads a bracketed place at any step."""
    long_suffixes = alternation(s for s in PACKS.subject_suffixes if len(s) > 1)
    short_suffixes = alternation(s for s in PACKS.subject_suffixes if len(s) == 1)
    names, place_suffixes = alternation(PACKS.places), alternation(PACKS.place_suffixes)
    return re.compile(
        rf"(?P<org>[{HAN}](?:[{HAN}]|（(?:{names})(?:{place_suffixes})?）){{0,{NAME_MAX - 1}}}?(?:{long_suffixes})"
        rf"|[{HAN}]{{2,{NAME_MAX}}}?(?:{short_suffixes})){org_after}|(?P<place>(?:{names})(?:{place_suffixes})?){place_after}")


def _found(pattern: re.Pattern, text: str):
    m = pattern.match(text)
    return m and (m.span(), m.group("org"), m.group("place"))


_PIECES = ["品捷", "电子", "科技", "（苏州）", "（上海市）", "（", "）", "有限公司", "管委会", "集团", "市", "县",
           "苏州", "上海", "高新区", "，", "将", "投资", "计划", "实现", "9000万元"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=10))
def test_clause_names_as_one_branch(pieces):
    text = "".join(pieces)
    assert _found(PACKS.clause_subject_re, text) == _found(_one_branch("(?=[，,])", "(?=[，,])"), text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=10))
def test_opening_names_as_one_branch(pieces):
    text = "".join(pieces)
    followers = alternation(PACKS.subject_followers + PACKS.verbs)
    reference = _one_branch(f"(?=(?:{followers}))", rf"(?=[，,、：:\s]|(?:{followers}))")
    assert _found(PACKS.subject_re, text) == _found(reference, text)
