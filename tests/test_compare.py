"""policycli.compare: how figures compare, which indicator a metric names, and
diff and scorecard on our own pair of sample reports."""
from __future__ import annotations

import json
import tomllib
from collections import Counter

import pytest

from conftest import CASES, SAMPLES
from policycli import compare
from policycli.compare_inputs import CompareInputError, load, read_pairs
from policycli.packs import PackError, load_packs
from policycli.record import Record

RULES = tomllib.loads((CASES / "compare_rules.toml").read_text(encoding="utf-8"))
SAMPLE = tomllib.loads((CASES / "compare_samples.toml").read_text(encoding="utf-8"))


def figure(spec, verb_default="增长", metric="指标") -> Record:
    value, value_max, comparator, verb = spec
    return Record(doc="-", start=0, end=1, text=f"{value}", value=value, value_max=value_max or None, unit="%",
                  unit_kind="percent", comparator=comparator, kind="target", subject=None, verb=verb or None,
                  metric=metric, modality=None, period=None, sentence=f"{value}", section=None)


@pytest.mark.parametrize("case", RULES["change"], ids=lambda c: f"{c['old']}->{c['new']}")
def test_change(case):
    assert compare.change_of(figure(case["old"]), figure(case["new"])) == case["change"]


@pytest.mark.parametrize("case", RULES["judge"], ids=lambda c: f"{c['target']}:{c['actual']}")
def test_judge(case):
    reader = compare.IndicatorReader()
    target, actual = figure(case["target"]), figure(case["actual"])
    if case["target"][0] >= 100:  # a count, not a rate
        for record in (target, actual):
            record.unit, record.unit_kind = "人", "count"
    status, gap = compare.judge(target, actual, reader, case.get("indicator", "指标"))
    assert status == case["status"]
    assert isinstance(gap, float)


@pytest.mark.parametrize("metric, indicator", [
    ("地区生产总值", "地区生产总值"), ("全省生产总值", "地区生产总值"), ("生产总值", "地区生产总值"),
    ("GDP", "地区生产总值"), ("全市GDP", "地区生产总值"),
    ("城镇新增就业", "城镇新增就业"), ("城镇调查失业率", "城镇调查失业率"),
    ("单位地区生产总值能耗", "单位地区生产总值能耗"), ("单位GDP能耗", "单位地区生产总值能耗"),
    ("单位GDP二氧化碳排放", "单位地区生产总值二氧化碳排放"),
    ("居民人均可支配收入实际", "居民人均可支配收入"), ("规上工业增加值", "规模以上工业增加值"),
    ("民间投资", "民间投资"), ("产业投资占比", "产业投资占比"), (None, None),
    ("粮食总产", "粮食产量"), ("全社会固定资产投资", "固定资产投资"), ("全社会研发投入强度", "研发投入强度"),
    ("城镇调查失业率均值", "城镇调查失业率"), ("新增就业", "城镇新增就业"), ("居民消费价格上涨", "居民消费价格涨幅"),
])
def test_indicator_names(metric, indicator):
    assert compare.IndicatorReader().indicator(metric) == indicator


def test_a_user_pack_adds_a_variant_and_an_indicator(tmp_path):
    pack = tmp_path / "more.toml"
    pack.write_text('[[indicator]]\nname = "地区生产总值"\nvariants = ["经济总产出"]\n\n'
                    '[[indicator]]\nname = "港口集装箱吞吐量"\nvariants = ["集装箱吞吐量"]\nbetter = "higher"\n',
                    encoding="utf-8")
    reader = compare.IndicatorReader(load_packs([pack]))
    assert reader.indicator("经济总产出") == "地区生产总值"
    assert reader.indicator("集装箱吞吐量") == "港口集装箱吞吐量"
    assert compare.IndicatorReader().indicator("经济总产出") == "经济总产出"


@pytest.mark.parametrize("pack, words", [
    ('[[indicator]]\nname = "甲"\nbetter = "up"\n', ["indicator[0].better", "up"]),
    ('[[indicator]]\nname = "城镇调查失业率"\nvariants = ["城镇新增就业"]\n', ["indicator[0].variants", "城镇新增就业"]),
    ('[[indicator]]\nvariants = ["甲"]\n', ["indicator[0].name"]),
    ('[[indicator]]\nname = "甲"\nsynonyms = ["乙"]\n', ["indicator[0].synonyms"]),
    ('[indicator]\nname = "甲"\n', ["indicator", "array of tables"]),
    ('[compare]\nmulti_year = "年均"\n', ["compare.multi_year"]),
])
def test_an_invalid_indicator_pack_is_refused(tmp_path, pack, words):
    path = tmp_path / "bad.toml"
    path.write_text(pack, encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_packs([path])
    assert str(path) in str(err.value) and all(w in str(err.value) for w in words)


@pytest.fixture(scope="module")
def sample():
    return load(str(SAMPLES / SAMPLE["old"])), load(str(SAMPLES / SAMPLE["new"]))


def _t(record) -> str:
    return record.text if record is not None else ""


def test_sample_years_are_read_from_the_text(sample):
    assert (sample[0].year, sample[1].year) == (2025, 2026)


def test_sample_diff(sample):
    old, new = sample
    rows = compare.diff(old.records, new.records, old_year=old.year, new_year=new.year)
    got = Counter((r.indicator, _t(r.old), _t(r.new), r.change) for r in rows)
    assert got == Counter(tuple(row) for row in SAMPLE["diff"])
    for row in rows:
        for doc, record in ((old, row.old), (new, row.new)):
            if record is not None:
                assert doc.text[record.start:record.end] == record.text


def test_sample_diff_lists_every_target_once(sample):
    old, new = sample
    rows = compare.diff(old.records, new.records)
    for doc, side in ((old, "old"), (new, "new")):
        listed = sorted(getattr(r, side).start for r in rows if getattr(r, side) is not None)
        assert listed == sorted(r.start for r in doc.records if r.kind == "target")


def test_sample_diff_without_years_pairs_the_same(sample):
    """Years read from the targets' periods (as for records from a file) give the same pairs."""
    old, new = sample
    with_years = compare.diff(old.records, new.records, old_year=old.year, new_year=new.year)
    without = compare.diff(old.records, new.records)
    assert [(r.old, r.new, r.change) for r in with_years] == [(r.old, r.new, r.change) for r in without]


def _scorecard(sample, **options):
    old, new = sample
    return compare.scorecard(old.records, new.records, target_year=old.year, result_year=new.year,
                             result_text=new.text, **options)


def test_sample_scorecard(sample):
    rows = _scorecard(sample)
    got = [(r.indicator, _t(r.target), _t(r.actual), r.status) for r in rows]
    assert Counter(got) == Counter(tuple(row[:4]) for row in SAMPLE["scorecard"])
    gaps = {(row[0], row[1]): row[4] for row in SAMPLE["scorecard"]}
    for row in rows:
        expected = gaps[(row.indicator, row.target.text)]
        assert row.gap == (None if expected == "" else pytest.approx(expected))
        if row.actual is not None:
            assert sample[1].text[row.actual.start:row.actual.end] == row.actual.text
            assert row.actual.kind == "fact" and row.target.kind == "target"


@pytest.mark.parametrize("variant", SAMPLE["variant"], ids=lambda v: json.dumps(v["options"]))
def test_sample_scorecard_options(sample, variant):
    options = dict(variant["options"])
    if "tolerance_points" in options:
        options["tolerance"] = compare.Tolerance(points=options.pop("tolerance_points"))
    rows = _scorecard(sample, **options)
    indicator, target, actual, status = variant["row"]
    [row] = [r for r in rows if r.indicator == indicator and r.target.text == target]
    assert (_t(row.actual), row.status) == (actual, status)


def test_without_the_text_a_five_year_figure_is_not_told_apart(sample):
    """From records alone (a JSON Lines file, a store) a figure is read in its
    sentence only: the five-year paragraph's 新增城镇就业58万人 is taken."""
    old, new = sample
    rows = compare.scorecard(old.records, new.records, target_year=old.year, result_year=new.year)
    [row] = [r for r in rows if r.indicator == "城镇新增就业"]
    assert row.actual.text == "58万人"


def test_no_fact_of_another_year_or_indicator_is_used(sample):
    """A target for a later year has no result in a review of the year before."""
    old, new = sample
    later = [Record(**{**r.to_dict(), "period": "到2027年"}) for r in old.records if r.kind == "target"]
    rows = compare.scorecard(later, new.records, target_year=2025, result_year=2026, result_text=new.text)
    assert {r.status for r in rows} == {"unknown"}


def test_subjects_pair_by_document_not_by_name(sample):
    """The document's own subject pairs whatever each side calls it (青岚市人民政府, 青岚)."""
    old, new = sample
    renamed = [Record(**{**r.to_dict(), "subject": "青岚"}) for r in new.records]
    rows = compare.diff(old.records, renamed, old_year=2025, new_year=2026)
    assert Counter(r.change for r in rows) == Counter(row[3] for row in SAMPLE["diff"])


def test_another_subject_pairs_only_with_itself():
    def target(subject, value):
        return Record("-", 0, 2, f"{value}%", value, None, "%", "percent", "=", "target", subject, "增长",
                      "地区生产总值", None, None, "", None)

    old = [target("临江省", 5), target("临江省", 5), target("北河市", 6)]
    new = [target("临江", 5), target("临江", 5), target("南湖市", 7)]
    changes = Counter((r.change, r.subject) for r in compare.diff(old, new, old_year=1, new_year=2))
    assert changes == Counter({("same", "临江"): 2, ("dropped", "北河市"): 1, ("new", "南湖市"): 1})


def test_jsonl_input_gives_the_same_records(sample, tmp_path):
    path = tmp_path / "old-2025.jsonl"
    path.write_text("".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in sample[0].records),
                    encoding="utf-8")
    doc = load(str(path))
    assert doc.records == sample[0].records and doc.year == 2025
    assert doc.text == sample[0].text  # the document the records name is still there


@pytest.mark.parametrize("change", ["moved", "edited"])
def test_jsonl_input_without_its_document_has_no_text(sample, tmp_path, change):
    source = tmp_path / "report-2026.txt"
    source.write_text(sample[1].text if change == "edited" else "", encoding="utf-8")
    records = [Record(**{**r.to_dict(), "doc": str(source if change == "edited" else tmp_path / "gone-2026.txt")})
               for r in sample[1].records]
    if change == "edited":
        source.write_text("前言。\n" + sample[1].text, encoding="utf-8")
    path = tmp_path / "new.jsonl"
    path.write_text("".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    doc = load(str(path))
    assert doc.text is None and doc.year == 2026


@pytest.mark.parametrize("content, words", [
    ('{"kind": "target"\n', ["bad.jsonl:1", "not JSON"]),
    ('[1, 2]\n', ["bad.jsonl:1", "record object"]),
    ('\n{"doc": "x"}\n', ["bad.jsonl:2", "not a record", "no start"]),
    ('{"start": 0, "end": 2, "text": "5%", "value": "5", "kind": "target"}\n', ["bad.jsonl:1", 'value is "5"']),
    ('{"start": 0, "end": 2, "text": "5%", "value": 5, "kind": "goal"}\n', ["bad.jsonl:1", "kind is 'goal'"]),
])
def test_a_bad_jsonl_input_is_one_line(tmp_path, content, words):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CompareInputError) as err:
        load(str(path))
    assert "\n" not in str(err.value) and all(w in str(err.value) for w in words)


def test_a_missing_document_is_one_line(tmp_path):
    with pytest.raises(CompareInputError) as err:
        load(str(tmp_path / "gone.txt"))
    assert "gone.txt" in str(err.value) and "\n" not in str(err.value)


def test_pairs_file(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("old,new\na.txt, b.txt\n\nc.jsonl,d.jsonl\n", encoding="utf-8")
    assert read_pairs(str(path)) == [("a.txt", "b.txt"), ("c.jsonl", "d.jsonl")]
    path.write_text("a.txt,b.txt,c.txt\n", encoding="utf-8")
    with pytest.raises(CompareInputError, match="pairs.csv:1"):
        read_pairs(str(path))


def test_compare_pairs_loads_each_document_once_and_goes_on_past_failures(tmp_path, sample, monkeypatch):
    from policycli import compare_inputs

    calls = Counter()
    real_load = compare_inputs.load

    def counting_load(name, **options):
        calls[name] += 1
        return real_load(name, **options)

    monkeypatch.setattr(compare_inputs, "load", counting_load)
    old, new, gone = sample[0].name, sample[1].name, str(tmp_path / "gone.txt")
    pairs = [(old, new), (gone, new), (old, gone), (new, old)]
    comparisons, errors = compare_inputs.compare_pairs(pairs, lambda a, b: compare.diff(a.records, b.records))
    assert [title for title, _ in comparisons] == [f"{old} → {new}", f"{new} → {old}"]
    assert len(errors) == 2 and all("gone.txt" in e for e in errors)
    assert set(calls.values()) == {1}


@pytest.mark.parametrize("text, year", [
    ("2025年青岚市政府工作报告\n", 2025),
    ("下载\n打印\n时间：2024-02-02\n政府工作报告\n（2026年1月27日在省人民代表大会上）\n", 2026),
    ("通知\n各单位：请于本月底前报送材料。\n", None),
])
def test_document_year(text, year):
    assert compare.document_year(text) == year


@pytest.mark.parametrize("name, year", [
    ("reports/beijing-gwr-2025.docx", 2025), ("2026.jsonl", 2026), ("a-2025-vs-2026.jsonl", None), ("x.txt", None),
])
def test_name_year(name, year):
    assert compare.name_year(name) == year
