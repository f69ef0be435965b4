"""The command line in-process (typer's CliRunner): options, formats, filters, exit codes."""
from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policycli import api, readers
from policycli.cli import app
from policycli.filters import RecordFilter
from policycli.record import FIELD_NAMES, Record
from policycli.store import Store

CASES = Path(__file__).parent / "cases"
SAMPLES = Path(__file__).parent.parent / "samples"
TEXT = "全年力争引进亿元以上项目24个，新增高新技术企业15家，完成固定资产投资386.5亿元，增长6%左右。\n"
SUMMARY = re.compile(r"^(\d+) files: (\d+) processed, (\d+) skipped, (\d+) failed; (\d+) records in \d+\.\d s$", re.M)


def cli(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], input=input)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(TEXT * 2, encoding="utf-8")
    return path


def expected(path: Path) -> list[dict]:
    return [r.to_dict() for r in api.extract_text(readers.read(path).text, doc=str(path))]


def usage_cases():
    return tomllib.loads((CASES / "cli_usage.toml").read_text(encoding="utf-8"))["case"]


@pytest.mark.parametrize("case", usage_cases(), ids=lambda case: case["name"])
def test_usage_errors_exit_2_with_a_message(case, tmp_path, good):
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "bad.toml").write_text("this is = = not toml\n", encoding="utf-8")
    swap = {"GOOD": str(good), "DB": str(tmp_path / "s.sqlite"), "BADPACK": str(tmp_path / "bad.toml")}
    args = [swap.get(arg, arg.replace("TMP", str(tmp_path))) for arg in case["args"]]
    result = cli(*args)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert case["stderr"] in result.stderr
    if not case.get("typer"):
        assert result.stderr.startswith("policycli: error: ") and result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "empty-folder", good.name]


def test_records_on_stdout_summary_on_stderr(good):
    result = cli("extract", good)
    assert result.exit_code == 0, result.stderr
    assert jsonl(result.stdout) == expected(good) != []
    (line,) = SUMMARY.findall(result.stderr)
    assert line[:4] == ("1", "1", "0", "0") and int(line[4]) == len(expected(good))


def test_some_inputs_failing_exit_1_and_the_rest_is_written(tmp_path, good):
    missing = tmp_path / "missing.txt"
    result = cli("extract", good, missing, "--jobs", "1")
    assert result.exit_code == 1
    assert jsonl(result.stdout) == expected(good)
    assert re.search(rf"^{re.escape(str(missing))}: .+$", result.stderr, re.M)
    assert SUMMARY.search(result.stderr).groups()[:4] == ("2", "1", "0", "1")


def test_quiet_is_silent_on_success_but_not_on_failure(tmp_path, good):
    ok = cli("extract", good, "--quiet")
    assert ok.exit_code == 0 and ok.stderr == "" and jsonl(ok.stdout)
    failed = cli("extract", good, tmp_path / "missing.txt", "--quiet", "--jobs", "1")
    assert failed.exit_code == 1
    assert "missing.txt" in failed.stderr and SUMMARY.search(failed.stderr)


def test_stdin_dash(good):
    result = cli("extract", "-", input=good.read_bytes())
    assert result.exit_code == 0
    records = jsonl(result.stdout)
    assert records == [dict(r, doc="-") for r in expected(good)]


@pytest.fixture(scope="module")
def samples_extracted() -> tuple[list[Path], list[dict]]:
    files = sorted(SAMPLES.glob("*.txt"))
    if not files:
        pytest.skip("samples/*.txt not present")
    everything = cli("extract", *files, "--quiet", "--jobs", "1")
    assert everything.exit_code == 0
    return files, jsonl(everything.stdout)


@pytest.mark.parametrize("options", [
    {"kind": "target"}, {"kind": "plan,fact"}, {"unit_kind": "currency,percent"}, {"subject": "委员会"},
    {"kind": "target", "unit_kind": "count"},
])
def test_filters_keep_exactly_the_matching_records(samples_extracted, options):
    files, everything = samples_extracted
    flags = [part for key, value in options.items() for part in (f"--{key.replace('_', '-')}", value)]
    filtered = cli("extract", *files, "--quiet", "--jobs", "1", *flags)
    assert filtered.exit_code == 0
    keep = RecordFilter.from_options(**options)
    wanted = [r for r in everything if keep(Record.from_dict(r))]
    assert wanted != everything
    assert jsonl(filtered.stdout) == wanted


def read_output(path: Path, fmt: str) -> tuple[bytes, list[dict]]:
    """Raw head of the file and its records as dicts, read the way each format is written."""
    raw = path.read_bytes()
    if fmt == "jsonl":
        return raw, jsonl(raw.decode("utf-8"))
    if fmt == "json":
        data = json.loads(raw.decode("utf-8"))
        return raw, data if isinstance(data, list) else data["records"]
    if fmt == "csv":
        return raw, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))  # headers are display labels, in schema order
    return raw, [dict(zip(FIELD_NAMES, row)) for row in rows[1:]]


@pytest.mark.parametrize("name, flags, fmt", [
    ("out.jsonl", [], "jsonl"),
    ("out.json", [], "json"),
    ("out.csv", [], "csv"),
    ("out.xlsx", [], "xlsx"),
    ("out.txt", ["--format", "csv"], "csv"),
    ("out.CSV", ["--format", "CSV"], "csv"),
    ("out.weird", ["--format", "jsonl"], "jsonl"),
])
def test_output_format_follows_the_suffix_unless_given(tmp_path, good, name, flags, fmt):
    out = tmp_path / name
    result = cli("extract", good, "-o", out, *flags)
    assert result.exit_code == 0 and result.stdout == ""
    raw, rows = read_output(out, fmt)
    assert [row["text"] for row in rows] == [r["text"] for r in expected(good)]
    assert raw.startswith(b"PK") == (fmt == "xlsx")
    if fmt == "csv":
        assert raw.startswith(b"\xef\xbb\xbf")
        assert list(rows[0])[: len(FIELD_NAMES)] == list(FIELD_NAMES)


def test_no_bom(tmp_path, good):
    out = tmp_path / "out.csv"
    assert cli("extract", good, "-o", out, "--no-bom").exit_code == 0
    assert out.read_bytes().startswith(b"doc,")


def test_text_prints_exactly_the_decoded_text(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff第一行\r\n第二行：投资5亿元".encode("utf-8"))
    result = cli("text", path)
    assert result.exit_code == 0
    assert result.stdout_bytes == readers.read(path).text.encode("utf-8")
    assert not result.stdout.endswith("\n")


def test_text_of_an_unreadable_file_is_one_line(tmp_path):
    result = cli("text", tmp_path / "none.txt")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path / 'none.txt'}: ") and result.stderr.count("\n") == 1


def test_packs_lists_the_loaded_packs():
    from policycli.packs import load_packs

    result = cli("packs")
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows == [[str(f.name), str(f.path), str(f.entries)] for f in load_packs(extra=()).files] != []


def test_packs_reports_an_invalid_pack_in_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[units]\n", encoding="utf-8")
    result = cli("packs", "--pack", bad)
    assert result.exit_code == 1
    assert "bad.toml" in result.stderr and result.stderr.count("\n") == 1


def test_eval_prints_the_scorer_report(tmp_path, good):
    from policycli.evaluate import format_report, load_jsonl, score

    pred = tmp_path / "pred.jsonl"
    assert cli("extract", good, "-o", pred).exit_code == 0
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(pred.read_text(encoding="utf-8").splitlines()[:1]) + "\n", encoding="utf-8")
    for flags, show in (([], False), (["--show"], True)):
        result = cli("eval", gold, pred, *flags)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.rstrip("\n") == format_report(score(load_jsonl(gold), load_jsonl(pred)), show=show)


def stored(doc: str, start: int, kind: str, unit_kind: str, subject: str | None) -> Record:
    return Record(doc, start, start + 2, "5个", 5, None, "个", unit_kind, "=", kind, subject,
                  None, None, None, None, "新增5个。", None)


@pytest.fixture
def filled_store(tmp_path) -> Path:
    db = tmp_path / "s.sqlite"
    with Store(db) as store:
        store.save("a.txt", status="ok", records=[
            stored("a.txt", 0, "target", "count", "区政府"), stored("a.txt", 9, "fact", "currency", None),
        ])
        store.save("b.txt", status="ok", records=[stored("b.txt", 3, "plan", "count", "市商务局")])
        store._db.execute("UPDATE documents SET processed_at = '2020-05-01T00:00:00Z' WHERE path = 'b.txt'")
    return db


@pytest.mark.parametrize("flags, wanted", [
    ([], [("a.txt", 0), ("a.txt", 9), ("b.txt", 3)]),
    (["--kind", "target,plan"], [("a.txt", 0), ("b.txt", 3)]),
    (["--unit-kind", "currency"], [("a.txt", 9)]),
    (["--subject", "商务"], [("b.txt", 3)]),
    (["--since", "2021-01-01"], [("a.txt", 0), ("a.txt", 9)]),
    (["--since", "2019-01-01", "--kind", "plan"], [("b.txt", 3)]),
])
def test_export_writes_the_store_through_the_filters(filled_store, flags, wanted):
    result = cli("export", "--db", filled_store, *flags)
    assert result.exit_code == 0, result.stderr
    assert [(r["doc"], r["start"]) for r in jsonl(result.stdout)] == wanted


def test_export_to_a_file(filled_store, tmp_path):
    out = tmp_path / "all.xlsx"
    assert cli("export", "--db", filled_store, "-o", out).exit_code == 0
    assert [row["doc"] for row in read_output(out, "xlsx")[1]] == ["a.txt", "a.txt", "b.txt"]


def test_export_without_a_store_fails_in_one_line(tmp_path):
    result = cli("export", "--db", tmp_path / "none.sqlite")
    assert result.exit_code == 1 and "no such store" in result.stderr


@pytest.mark.parametrize("command", ["extract", "export", "eval", "packs", "text"])
def test_every_command_shows_an_example(command):
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert re.search(rf"Examples?:.*policycli {command}", result.stdout, re.S)


def test_a_stored_rerun_writes_only_what_changed_and_export_has_everything(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(3):
        (docs / f"{n}.txt").write_text(TEXT.replace("24", str(30 + n)), encoding="utf-8")
    db = tmp_path / "s.sqlite"
    first = cli("extract", docs, "--db", db, "--jobs", "1")
    assert first.exit_code == 0 and jsonl(first.stdout)
    again = cli("extract", docs, "--db", db, "--jobs", "1")
    assert again.exit_code == 0 and again.stdout == ""
    assert SUMMARY.search(again.stderr).groups()[:4] == ("3", "0", "3", "0")
    (docs / "1.txt").write_text(TEXT.replace("24", "99"), encoding="utf-8")
    changed = cli("extract", docs, "--db", db, "--jobs", "1")
    assert {r["doc"] for r in jsonl(changed.stdout)} == {str(docs / "1.txt")}
    exported = jsonl(cli("export", "--db", db).stdout)
    assert [r for r in exported if r["doc"] == str(docs / "1.txt")] == jsonl(changed.stdout)
    assert [r for r in exported if r["doc"] != str(docs / "1.txt")] == \
        [r for r in jsonl(first.stdout) if r["doc"] != str(docs / "1.txt")]


@pytest.mark.parametrize("where", ["empty-folder", "nowhere/*.txt"])
def test_nothing_to_read_is_a_quiet_success_not_a_usage_error(tmp_path, where):
    (tmp_path / "empty-folder").mkdir()
    arg = tmp_path / where
    told = cli("extract", arg)
    assert told.exit_code == 0 and told.stdout == ""
    assert told.stderr.splitlines()[-1].startswith("0 files: 0 processed, 0 skipped, 0 failed; 0 records")
    out = tmp_path / "new.jsonl"
    quiet = cli("extract", arg, "--quiet", "--db", tmp_path / "s.sqlite", "-o", out)
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert out.read_text(encoding="utf-8") == ""  # the output still says: nothing new


def test_a_folder_walk_says_what_it_did_not_read(tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.txt").write_text(TEXT, encoding="utf-8")
    for name in ("README.md", "old.doc", "sub/old2.doc", "table.xlsx", "bundle.zip", "NOTES", ".hidden.doc"):
        (docs / name).write_bytes(b"x")
    result = cli("extract", docs, "--jobs", "1")
    assert result.exit_code == 0
    assert {r["doc"] for r in jsonl(result.stdout)} == {str(docs / "a.txt")}
    assert result.stderr.count("\n") == 1
    assert result.stderr.rstrip().endswith("; 6 other files not read (2 .doc, 1 (no suffix), 1 .md, 1 .xlsx, 1 .zip)")
    verbose = cli("extract", docs, "--jobs", "1", "--verbose")
    named = [line for line in verbose.stderr.splitlines() if line.startswith("policycli: not read: ")]
    assert named == [
        f"policycli: not read: {docs / 'NOTES'} (no reader for (no suffix) files)",
        f"policycli: not read: {docs / 'old.doc'} (no reader for .doc files)",
        f"policycli: not read: {docs / 'sub' / 'old2.doc'} (no reader for .doc files)",
        f"policycli: not read: {docs / 'README.md'} (a folder walk reads .md files only when they are named)",
        f"policycli: not read: {docs / 'table.xlsx'} (no reader for .xlsx files)",
        f"policycli: not read: {docs / 'bundle.zip'} (no reader for .zip files)",
    ]
    named_md = cli("extract", docs / "README.md", "--jobs", "1", "--quiet")
    assert named_md.exit_code == 0  # read when named, like any file
    assert cli("extract", docs, "--jobs", "1", "--quiet").stderr == ""


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"policycli {version('policycli')}\n"


def test_ctrl_c_during_export_is_one_line_and_exit_130(filled_store, tmp_path, monkeypatch):
    def interrupted(records, *args, **kwargs):
        next(iter(records))
        raise KeyboardInterrupt

    monkeypatch.setattr("policycli.export.write_records", interrupted)
    result = cli("export", "--db", filled_store, "-o", tmp_path / "all.jsonl")
    assert (result.exit_code, result.stderr) == (130, "policycli: interrupted\n")
    assert not (tmp_path / "all.jsonl").exists()
