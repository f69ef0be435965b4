"""`policycli diff` and `policycli scorecard` in-process: formats, inputs, pairs, exit codes."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import CASES, SAMPLES
from policycli.cli import app
from policycli.compare import CHANGES, DIFF_FIELDS, SCORE_FIELDS, STATUSES
from policycli.record import FIELD_NAMES

SAMPLE = tomllib.loads((CASES / "compare_samples.toml").read_text(encoding="utf-8"))
OLD, NEW = str(SAMPLES / SAMPLE["old"]), str(SAMPLES / SAMPLE["new"])


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("command, fields, expected", [
    ("diff", DIFF_FIELDS, SAMPLE["diff"]), ("scorecard", SCORE_FIELDS, SAMPLE["scorecard"])])
def test_jsonl_rows_hold_records_in_schema_order(command, fields, expected):
    result = cli(command, OLD, NEW, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = lines(result.stdout)
    assert len(rows) == len(expected)
    for row in rows:
        assert tuple(row) == fields
        for side in fields[2:4]:
            assert row[side] is None or tuple(row[side]) == FIELD_NAMES
    verdict = fields[4]
    assert sorted(r[verdict] for r in rows) == sorted(e[3] for e in expected)
    assert "rows from 1 of 1 pairs" in result.stderr


def test_json_csv_and_table_carry_the_same_rows(tmp_path):
    as_json = json.loads(cli("diff", OLD, NEW, "--format", "json").stdout)
    assert [r["change"] for r in as_json] == [r["change"] for r in lines(cli("diff", OLD, NEW, "-f", "jsonl").stdout)]
    out = tmp_path / "d.csv"
    assert cli("diff", OLD, NEW, "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["indicator"], r["old_text"], r["new_text"], r["change"]) for r in table] == \
        [(r["indicator"], (r["old"] or {}).get("text", ""), (r["new"] or {}).get("text", ""), r["change"])
         for r in as_json]
    shown = cli("scorecard", OLD, NEW, "--format", "table").stdout
    assert "4.9%" in shown and "missed" in shown
    counts = {s: sum(1 for e in SAMPLE["scorecard"] if e[3] == s) for s in ("met", "missed", "unknown")}
    assert (f"{len(SAMPLE['scorecard'])} rows: {counts['met']} met, {counts['missed']} missed, "
            f"{counts['unknown']} unknown, from 1 comparison") in shown


def test_xlsx_has_a_sheet_per_comparison_and_a_summary(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"old,new\n{OLD},{NEW}\n{NEW},{OLD}\n", encoding="utf-8")
    out = tmp_path / "d.xlsx"
    result = cli("diff", "--pairs", pairs, "-o", out)
    assert result.exit_code == 0, result.stderr
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["Summary", "qinglan-2025→2026", "qinglan-2026→2025"]
    summary = list(book["Summary"].values)
    assert summary[0][:3] == ("comparison", "sheet", "rows")
    header = summary[0]
    first = dict(zip(header, summary[1]))
    expected = {c: sum(1 for e in SAMPLE["diff"] if e[3] == c) for c in ("raised", "lowered", "new", "dropped")}
    assert first["rows"] == len(SAMPLE["diff"]) and all(first[c] == n for c, n in expected.items())
    second = dict(zip(header, summary[2]))  # the same pair the other way round
    assert (second["raised"], second["lowered"], second["new"], second["dropped"]) == \
        (expected["lowered"], expected["raised"], expected["dropped"], expected["new"])
    total = dict(zip(header, summary[3]))
    assert total["comparison"] == "all" and total["rows"] == 2 * len(SAMPLE["diff"])
    assert total["raised"] == total["lowered"] == expected["raised"] + expected["lowered"]
    sheet = list(book[first["sheet"]].values)
    assert sheet[0][:3] == ("indicator", "subject", "change") and len(sheet) == len(SAMPLE["diff"]) + 1


@pytest.mark.parametrize("command, verdict", [("diff", "change"), ("scorecard", "status")])
def test_documents_without_targets_still_write_their_columns(tmp_path, command, verdict):
    plain = tmp_path / "plain.txt"
    plain.write_text("会议听取了有关情况的汇报。\n", encoding="utf-8")
    out = tmp_path / "empty.csv"
    result = cli(command, plain, plain, "-o", out)
    assert result.exit_code == 0, result.stderr
    header = out.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()[0].split(",")
    assert verdict in header and len(header) > 4
    book_path = tmp_path / "empty.xlsx"
    assert cli(command, plain, plain, "-o", book_path).exit_code == 0
    summary = list(load_workbook(book_path, read_only=True)["Summary"].values)
    assert summary[1][2] == 0 and summary[0][3:] == (CHANGES if command == "diff" else STATUSES)


def test_a_pair_that_fails_is_one_line_and_the_others_are_written(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"{OLD},{tmp_path / 'gone.txt'}\n{OLD},{NEW}\n", encoding="utf-8")
    result = cli("scorecard", "--pairs", pairs, "--format", "jsonl")
    assert result.exit_code == 1
    assert len(lines(result.stdout)) == len(SAMPLE["scorecard"])
    assert "gone.txt" in result.stderr and "1 failed" in result.stderr


def test_a_document_over_max_bytes_is_refused_in_one_line():
    result = cli("diff", OLD, NEW, "--max-bytes", "100", "-f", "jsonl")
    assert result.exit_code == 1 and result.stdout == ""
    lines_ = result.stderr.splitlines()
    assert any(Path(OLD).name in line for line in lines_) and "0 rows from 0 of 1 pairs; 1 failed" in result.stderr


def test_records_from_jsonl_and_from_a_store(tmp_path, monkeypatch):
    for name, path in (("old", OLD), ("new", NEW)):
        result = cli("extract", path, "--format", "jsonl", "-o", tmp_path / f"{name}.jsonl")
        assert result.exit_code == 0
    from_files = lines(cli("diff", tmp_path / "old.jsonl", tmp_path / "new.jsonl", "-f", "jsonl").stdout)
    assert sorted(r["change"] for r in from_files) == sorted(e[3] for e in SAMPLE["diff"])
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in (OLD, NEW):
        shutil.copy(path, docs)
    db = tmp_path / "s.sqlite"
    assert cli("extract", docs, "--db", db, "-o", tmp_path / "all.jsonl", "--quiet").exit_code == 0
    stored = cli("diff", docs / Path(OLD).name, docs / Path(NEW).name, "--db", db, "-f", "jsonl")
    assert stored.exit_code == 0, stored.stderr
    assert sorted(r["change"] for r in lines(stored.stdout)) == sorted(e[3] for e in SAMPLE["diff"])
    monkeypatch.chdir(tmp_path)  # the store holds absolute paths; a relative name finds the same file
    relative = cli("diff", f"docs/{Path(OLD).name}", f"docs/{Path(NEW).name}", "--db", db, "-f", "jsonl")
    assert relative.exit_code == 0 and relative.stdout == stored.stdout
    missing = cli("diff", docs / "nothing.txt", docs / Path(NEW).name, "--db", db, "-f", "jsonl")
    assert missing.exit_code == 1 and "no such document in the store" in missing.stderr


@pytest.mark.parametrize("args, message", [
    (["diff", OLD], "give two inputs"),
    (["diff", OLD, NEW, "--pairs", "p.csv"], "not both"),
    (["scorecard", OLD, NEW, "--format", "docx"], "unknown format"),
    (["diff", OLD, NEW, "-o", "out.weird"], "cannot tell the format"),
    (["diff", OLD, NEW, "-o", "out.html"], "diff writes table, json, jsonl, csv, xlsx, not html"),
    (["scorecard", "--pairs", "nowhere.csv"], "nowhere.csv"),
])
def test_usage_errors_exit_2(args, message):
    result = cli(*args)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""


def test_tolerance_and_any_metric_options():
    def status(*options, indicator, target):
        rows = lines(cli("scorecard", OLD, NEW, "-f", "jsonl", *options).stdout)
        [row] = [r for r in rows if r["indicator"] == indicator and r["target"]["text"] == target]
        return row["status"]

    assert status(indicator="居民人均可支配收入", target="5.5%左右") == "met"
    assert status("--tolerance-points", "0", indicator="居民人均可支配收入", target="5.5%左右") == "missed"
    assert status(indicator="老旧小区", target="90个") == "unknown"
    assert status("--any-metric", indicator="老旧小区", target="90个") == "met"


def test_a_user_pack_reaches_the_comparison(tmp_path):
    pack = tmp_path / "names.toml"
    pack.write_text('[[indicator]]\nname = "城市道路"\nvariants = ["市政道路"]\n', encoding="utf-8")
    rows = lines(cli("diff", OLD, NEW, "-f", "jsonl", "--pack", pack).stdout)
    assert any(r["indicator"] == "城市道路" for r in rows)
    bad = tmp_path / "bad.toml"
    bad.write_text('[[indicator]]\nname = "甲"\nbetter = "sideways"\n', encoding="utf-8")
    result = cli("diff", OLD, NEW, "--pack", bad)
    assert result.exit_code == 2 and "indicator[0].better" in result.stderr


@pytest.mark.parametrize("command", ["diff", "scorecard"])
def test_help_ends_with_examples(command):
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert re.search(rf"Examples:.*policycli {command} .*--pairs", result.stdout, re.S)


@pytest.mark.parametrize("command", ["diff", "scorecard"])
def test_the_readme_example_is_what_the_command_prints(command, monkeypatch):
    root = SAMPLES.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    shown = re.search(rf"`COLUMNS=100 policycli {command} ([^`]*)`[^`]*```\n(.*?)\n```", readme, re.S)
    assert shown, f"README shows no {command} example"
    monkeypatch.chdir(root)
    # On a terminal the format is the table; the test runner is no terminal, so it asks for it.
    result = CliRunner().invoke(app, [command, *shown.group(1).split(), "--format", "table"], env={"COLUMNS": "100"})
    printed = "\n".join(line.rstrip() for line in result.stdout.splitlines())
    head, _, tail = shown.group(2).partition("\n…\n")
    assert printed.startswith(head) and printed.endswith(tail)
