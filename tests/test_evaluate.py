"""The scorer: matching and field rules from a case table, file loading, the report,
and agreement with the shared reference scorer when it is present."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from policycli.evaluate import EvalInputError, format_report, load_jsonl, score

ROOT = Path(__file__).resolve().parents[1]
CASES = tomllib.loads((ROOT / "tests" / "cases" / "evaluate.toml").read_text(encoding="utf-8"))["case"]
SAMPLES = ROOT / "samples"
REFERENCE = ROOT.parent / "shared" / "score.py"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case):
    result = score(case["gold"], case["pred"])
    for key, want in case["expect"].items():
        got = getattr(result, key)
        if isinstance(want, dict):
            assert {k: got[k] for k in want} == want, key
        else:
            assert got == want, key
    if "misses_text" in case:
        assert [g.get("text") for _, g in result.misses] == case["misses_text"]
    if "extras_text" in case:
        assert [p.get("text") for _, p in result.extras] == case["extras_text"]


def test_perfect_prediction_scores_one():
    gold = load_jsonl(SAMPLES / "zone-news.gold.jsonl")
    result = score(gold, gold)
    assert result.fn == result.fp == 0
    assert result.exact_spans == result.tp
    assert (result.mention_f1, result.target_f1, result.mean_field_accuracy) == (1.0, 1.0, 1.0)


def test_nothing_matched_gives_zero_figures():
    result = score([{"doc": "a.txt", "start": 0, "end": 2, "kind": "target"}], [])
    assert result.mention == (0.0, 0.0, 0.0)
    assert result.field_accuracy == dict.fromkeys(result.field_hits, 0.0)
    assert format_report(result).splitlines()[-1] == "mentionF1=0.000 targetF1=0.000 fieldacc=0.000"


def test_field_mismatches_name_the_fields():
    gold = [{"doc": "a.txt", "start": 0, "end": 3, "text": "24个", "value": 24, "kind": "target",
             "verb": "引进", "period": "全年"}]
    pred = [{"doc": "a.txt", "start": 0, "end": 3, "text": "24个", "value": 42, "kind": "target",
             "verb": "引进", "period": None}]
    (mismatch,) = score(gold, pred).mismatches
    assert mismatch.fields == ["value", "period"]


def test_report_lines():
    gold = [
        {"doc": "a.txt", "start": 0, "end": 3, "text": "24个", "value": 24, "kind": "target"},
        {"doc": "a.txt", "start": 10, "end": 13, "text": "15个", "value": 15, "kind": "plan"},
    ]
    pred = [
        {"doc": "out/a.txt", "start": 0, "end": 3, "text": "24个", "value": 25, "kind": "target"},
        {"doc": "a.txt", "start": 20, "end": 22, "text": "二期", "value": 2, "kind": "plan"},
    ]
    lines = format_report(score(gold, pred), show=True).splitlines()
    assert lines[0] == ("mentions  gold=2 pred=2 tp=1 fp=1 fn=1  P=0.500 R=0.500 F1=0.500  "
                        "exact-span=1/1")
    assert lines[1] == "targets   tp=1 fp=0 fn=0  P=1.000 R=1.000 F1=1.000"
    assert lines[2] == "  value         0/1    0.000"
    assert "MISS  a.txt 10-13 15个 (plan)" in lines
    assert "EXTRA a.txt 20-22 二期 (plan)" in lines
    assert "FIELD 24个: value gold=24 pred=25" in lines
    assert lines[-1] == "mentionF1=0.500 targetF1=1.000 fieldacc=0.889"
    assert not any(line.startswith(("MISS", "EXTRA", "FIELD")) for line in
                   format_report(score(gold, pred)).splitlines())


def test_load_jsonl_skips_blank_lines_and_a_bom(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text('\ufeff{"doc": "a.txt"}\n\n  \n{"doc": "b.txt"}\n', encoding="utf-8")
    assert [row["doc"] for row in load_jsonl(path)] == ["a.txt", "b.txt"]


@pytest.mark.parametrize("content, message", [
    ('{"doc": "a.txt"}\n{"doc": \n', ":2: not JSON"),
    ('{"doc": "a.txt"}\n\n[1, 2]\n', ":3: expected a JSON object"),
    (b'{"doc": "\xff"}\n', ": not UTF-8 text"),
])
def test_load_jsonl_names_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(EvalInputError) as info:
        load_jsonl(path)
    text = str(info.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text


def test_load_jsonl_missing_file(tmp_path):
    with pytest.raises(EvalInputError, match="missing.jsonl: cannot read"):
        load_jsonl(tmp_path / "missing.jsonl")


def _perturbed(gold: list[dict]) -> list[dict]:
    """A deterministic imperfect prediction: drops, shifted spans, wrong fields, extras."""
    pred = []
    for i, g in enumerate(gold):
        if i % 7 == 3:
            continue
        p = {k: v for k, v in g.items() if k != "optional"}
        p["doc"] = "out/" + g["doc"]
        if i % 5 == 1:
            p["end"] += 1
        if i % 4 == 2:
            p["kind"] = "target" if g["kind"] != "target" else "plan"
        if i % 6 == 0:
            p["value"] = g["value"] * 10
        if i % 3 == 0:
            p["subject"] = (g["subject"] or "某地")[:1]
        if i % 8 == 5:
            p["metric"] = "数量"
        pred.append(p)
        if i % 9 == 4:
            pred.append(dict(p, start=p["end"] + 1, end=p["end"] + 3, text="额外", kind="target"))
    return pred


@pytest.mark.skipif(not REFERENCE.exists(), reason="reference scorer not available")
@pytest.mark.parametrize("names", [["zone-news"], ["traps", "action-plan", "subject-switch"]])
def test_agrees_with_reference_scorer(tmp_path, names):
    gold = [row for n in names for row in load_jsonl(SAMPLES / f"{n}.gold.jsonl")]
    gold.append({"doc": "traps.txt", "region": [0, 400]})
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    for path, rows in ((gold_path, gold), (pred_path, _perturbed(gold[:-1]))):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    run = subprocess.run([sys.executable, str(REFERENCE), str(gold_path), str(pred_path), "--show"],
                         capture_output=True, text=True, encoding="utf-8", check=True)
    ours = format_report(score(load_jsonl(gold_path), load_jsonl(pred_path)), show=True)
    assert ours.splitlines()[-1] == run.stdout.splitlines()[-1]
    assert ours == run.stdout.rstrip("\n")
