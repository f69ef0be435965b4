"""Rule packs: the bundled ones load, user packs extend them, bad packs are refused clearly."""
import re

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, case_id, load_cases
from policycli import extract_text
from policycli.packs import PackError, TimedPattern, bundled_pack_paths, default_packs, load_packs

INVALID = load_cases("packs_invalid")


def test_bundled_packs_load_and_count_entries():
    packs = load_packs()
    names = {f.name for f in packs.files}
    assert {"units", "scales", "comparators", "modality", "cues", "periods", "subjects", "stops"} <= names
    assert all(f.entries > 0 for f in packs.files)
    assert len(packs.files) == len(bundled_pack_paths())


def test_bundled_patterns_pass_the_checks_a_users_pattern_gets():
    """A run trusts the bundled packs and builds their matchers on first use:
    here every bundled pattern is compiled and probed for catastrophic
    backtracking and every matcher is built, as a user's pack would be."""
    packs = load_packs(check_bundled=True)
    assert len(packs.pattern_origins) > 100


@pytest.mark.parametrize("pattern, reason", [
    ("(到\\d{4}年", "invalid pattern"),
    ("(年|年年)+$", "backtracks catastrophically"),
    ("(?=年)", "matches the empty string"),
])
def test_the_check_of_bundled_packs_refuses_a_bad_bundled_pattern(tmp_path, monkeypatch, pattern, reason):
    """The check above would fail on a bundled pattern that became invalid or
    catastrophic, naming file and entry, though a run would not check it."""
    from policycli import packs as packs_module

    for path in bundled_pack_paths():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    bad = tmp_path / "periods.toml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("[periods]\npatterns = [", f"[periods]\npatterns = [\n    '{pattern}',", 1),
                   encoding="utf-8")
    monkeypatch.setattr(packs_module, "bundled_pack_paths", lambda: sorted(tmp_path.glob("*.toml")))
    assert pattern in load_packs().period_patterns
    with pytest.raises(PackError) as err:
        load_packs(check_bundled=True)
    assert str(bad) in str(err.value) and "periods.patterns[0]" in str(err.value) and reason in str(err.value)


def test_user_pack_adds_a_unit(tmp_path):
    pack = tmp_path / "oil.toml"
    pack.write_text('[[units]]\nwritten = ["桶"]\nkind = "volume"\nbase = "桶"\n', encoding="utf-8")
    text = "原油产量力争达到300万桶。"
    assert [(r.text, r.unit) for r in extract_text(text)] == [("300万", None)]
    records = extract_text(text, packs=load_packs([pack]))
    assert [(r.text, r.value, r.unit, r.unit_kind) for r in records] == [("300万桶", 3000000, "桶", "volume")]


def test_user_pack_adds_a_stop_phrase(tmp_path):
    pack = tmp_path / "stops.toml"
    pack.write_text("[stops]\npatterns = ['三个代表']\n", encoding="utf-8")
    text = "坚持三个代表重要思想，新建三个园区。"
    default = [r.text for r in extract_text(text)]
    custom = [r.text for r in extract_text(text, packs=load_packs([pack]))]
    assert "三个" in default
    assert custom == ["三个"] and default.count("三个") == 2


def test_user_pack_adds_a_compound_word(tmp_path):
    pack = tmp_path / "compounds.toml"
    pack.write_text('[[compound]]\nword = "内外资"\nitems = ["内资", "外资"]\n', encoding="utf-8")
    text = "实际使用内外资金额分别增长5%和8%。"
    default = [r.metric for r in extract_text(text)]
    custom = [r.metric for r in extract_text(text, packs=load_packs([pack]))]
    assert default[0] == default[1]
    assert custom == ["实际使用内资金额", "实际使用外资金额"]


@pytest.mark.parametrize("case", INVALID, ids=case_id)
def test_invalid_pack_is_refused_naming_file_and_entry(tmp_path, case):
    pack = tmp_path / "mine.toml"
    pack.write_text(case["pack"], encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_packs([pack])
    message = str(err.value)
    assert "\n" not in message
    assert str(pack) in message
    for word in case["names"]:
        assert word in message


def test_missing_pack_file(tmp_path):
    with pytest.raises(PackError, match="cannot read"):
        load_packs([tmp_path / "absent.toml"])


def test_pack_that_is_not_utf8(tmp_path):
    pack = tmp_path / "gbk.toml"
    pack.write_bytes('[modality]\nwords = ["力争"]\n'.encode("gbk"))
    with pytest.raises(PackError, match="not UTF-8"):
        load_packs([pack])


def test_han_script_ranges_are_what_regex_reads_as_han():
    """Bundled patterns written with \\p{Han} compile with re through HAN_SCRIPT;
    the two must accept the same characters, or the issuer would change."""
    import sys

    from policycli.packs import HAN_SCRIPT

    spelled = re.compile(f"[{HAN_SCRIPT}]")
    han = regex.compile(r"\p{Han}")
    differ = [hex(c) for c in range(sys.maxunicode + 1)
              if (spelled.match(chr(c)) is None) != (han.match(chr(c)) is None)]
    assert differ == []


@pytest.mark.parametrize("source, text, expected", [
    (r"[\p{Han}]{2}", "青岛", "青岛"),
    (r"\p{Han}+", "a青岛b", "青岛"),
    (r"[^\p{Han}]+", "青岛abc", "abc"),
    (r"[]\p{Han}]+", "]青]x", "]青]"),
    (r"\\p{Han}", r"\p{Han}", r"\p{Han}"),
])
def test_bundled_patterns_with_han_compile_with_re_and_match_alike(source, text, expected):
    packs = default_packs()
    compiled = packs.compile_user(source)
    assert isinstance(compiled, re.Pattern)
    assert compiled.search(text).group() == regex.compile(source).search(text).group() == expected


@given(words=st.lists(st.text(alphabet="市场委员会区县a.-]^", min_size=1, max_size=4), max_size=12),
       text=st.text(alphabet="市场委员会区县a.-]^x", max_size=30))
@settings(max_examples=200, deadline=None)
def test_alternation_finds_what_a_longest_first_flat_alternation_finds(words, text):
    """The trie layout is only a faster spelling: same matches, longest word first."""
    from policycli.packs import alternation

    flat = "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) or "(?!)"
    trie = re.compile(alternation(words))
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in re.finditer(flat, text)]
    assert [m.span() for m in re.finditer(f"(?:{alternation(words)})x", text)] == \
        [m.span() for m in re.finditer(f"(?:{flat})x", text)]


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_topics_are_those_found_at_every_clause_start(sample):
    """packs.topics skips from break to break; it finds what trying every
    position after a break (or the text's start) finds."""
    packs = default_packs()
    text = sample.read_text(encoding="utf-8")
    opening, _ = packs.topic_re
    every = re.compile(f"(?:^|(?<=[，,；;：:。！？!?\\s])){opening.pattern}")
    fast = [(m.start("topic"), m.group("topic")) for m in packs.topics(text)]
    assert fast == [(m.start("topic"), m.group("topic")) for m in every.finditer(text)]
    lead = "我国经济总量达到5万亿元，上海新增就业10万人。"
    assert [m.group("topic") for m in packs.topics(lead + text)][:2] == ["我国", "上海"]


def test_a_timed_pack_set_without_span_or_base_patterns_still_reads(tmp_path):
    """A pack set whose patterns run under the timeout (a user's pack added one)
    and that holds no span openers or comparison bases: their stand-in patterns
    must take the timeout too, as every pattern the readers call with it."""
    pack = tmp_path / "stops.toml"
    pack.write_text("[stops]\npatterns = ['三个代表']\n", encoding="utf-8")
    packs = load_packs([pack])
    assert isinstance(packs.period_re, TimedPattern) and packs.period_re.timeout
    packs.span_patterns.clear()
    packs.period_bases.clear()
    text = "2021年至2025年，全市到2025年力争实现产值比2020年增长30%。"
    records = extract_text(text, packs=packs)
    assert [(r.text, r.comparator) for r in records] == [("30%", "=")]
    assert all(text[r.start:r.end] == r.text for r in records)


def test_a_checkout_reads_its_own_packs():
    """Run from a source checkout, the packs are those beside its package, so
    that a second checkout on PYTHONPATH (a benchmark's base commit) reads its
    own, whatever checkout an editable install points at."""
    from pathlib import Path

    from policycli.packs import bundled_pack_dir

    root = Path(__file__).resolve().parent.parent
    assert Path(str(bundled_pack_dir())) == root / "patterns"
