"""Paragraphs and sentences, from tests/cases/segment.toml, plus the offset map."""
import pytest

from conftest import case_id, load_cases
from policycli.packs import default_packs
from policycli.segment import paragraphs, segment

CASES = load_cases("segment")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_paragraphs(case):
    chrome = default_packs().page_chrome if case.get("chrome") else None
    got = [{"text": p.text, "role": p.role} for p in paragraphs(case["text"], chrome)]
    assert got == case["paragraphs"]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_sentence_offsets_map_back(case):
    """Every character of a rejoined sentence maps back to the same character of the source."""
    source = case["text"]
    for sentence in segment(source):
        for i, ch in enumerate(sentence.text):
            assert source[sentence.to_original(i)] == ch
        assert sentence.to_local(sentence.start) == 0


def test_section_is_the_nearest_heading_above():
    text = "一、工作回顾\n去年完成投资100亿元。\n二、目标任务\n今年力争投资120亿元。"
    sections = [s.section for s in segment(text) if s.role == "body"]
    assert sections == ["一、工作回顾", "二、目标任务"]


def test_sentences_split_at_terminal_punctuation():
    text = "全年引进项目24个。推动产业链总规模突破1300亿元！是否可行？"
    assert [s.text for s in segment(text)] == ["全年引进项目24个。", "推动产业链总规模突破1300亿元！", "是否可行？"]


@pytest.mark.parametrize("case", [c for c in CASES if "sentences" in c], ids=case_id)
def test_sentences(case):
    assert [s.text for s in segment(case["text"])] == case["sentences"]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_section_has_no_edge_space(case):
    """The heading a sentence stands under is kept without its indentation."""
    for sentence in segment(case["text"]):
        if sentence.section is not None:
            assert sentence.section == sentence.section.strip()
