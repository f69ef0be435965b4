"""End-to-end accuracy against hand-checked gold: the seed article and our own samples.

The thresholds are the release bar from the engine's issue: mention F1 at
least 0.95, every field accuracy at least 0.90, and on the seed article every
target found with no false ones.
"""
from pathlib import Path

import pytest

from conftest import SAMPLES
from policycli import extract_file
from policycli.evaluate import load_jsonl, score

SAMPLE_TEXTS = sorted(SAMPLES.glob("*.txt"))


def _score(text_path: Path, gold_path: Path):
    gold = load_jsonl(gold_path)
    pred = [r.to_dict() for r in extract_file(text_path)]
    for record in pred:
        assert text_path.read_text(encoding="utf-8-sig")[record["start"]:record["end"]] == record["text"]
    return score(gold, pred)


@pytest.mark.parametrize("path", SAMPLE_TEXTS, ids=lambda p: p.stem)
def test_sample_meets_the_bar(path):
    result = _score(path, path.with_suffix(".gold.jsonl"))
    assert result.mention_f1 >= 0.95, result.mention
    assert result.mean_field_accuracy >= 0.90, result.field_accuracy


def test_all_samples_together_meet_the_bar():
    """Pooled over the samples, every field is right at least nine times in ten."""
    gold, pred = [], []
    for path in SAMPLE_TEXTS:
        gold += load_jsonl(path.with_suffix(".gold.jsonl"))
        pred += [r.to_dict() for r in extract_file(path)]
    result = score(gold, pred)
    assert result.mention_f1 >= 0.95
    assert result.target_f1 >= 0.95
    for field, accuracy in result.field_accuracy.items():
        assert accuracy >= 0.90, (field, accuracy)


def test_seed_article(shared):
    text = shared / "seed" / "qingdao-zones.txt"
    result = _score(text, shared / "seed" / "qingdao-zones.gold.jsonl")
    assert result.mention_f1 >= 0.95
    assert result.target_f1 == 1.0
    for field, accuracy in result.field_accuracy.items():
        assert accuracy >= 0.90, (field, accuracy)
