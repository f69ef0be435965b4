"""Batch runs: input expansion, failures that do not stop the rest, order whatever the workers."""
from __future__ import annotations

import os
import re

import pytest

from policycli import api, batch

TEXT = "全年力争引进亿元以上项目{n}个，新增高新技术企业{m}家，完成固定资产投资{n}.5亿元，增长6%左右。\n"


def touch(path, text: str = "") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_expand_walks_folders_skips_hidden_and_unsupported_and_sorts(tmp_path):
    docs = tmp_path / "docs"
    wanted = [touch(docs / "b.txt"), touch(docs / "a" / "z.html"), touch(docs / "a" / "Y.TXT")]
    touch(docs / ".hidden.txt")
    touch(docs / ".git" / "c.txt")
    touch(docs / "photo.png")
    assert ".png" not in batch.supported_suffixes()
    found = batch.expand([str(docs)])
    assert found.paths == sorted(wanted)
    assert found.folders == [str(docs)]
    assert found.unmatched == []
    assert found.unsupported == {".png": [str(docs / "photo.png")]}  # hidden files are not listed


def test_a_file_passed_over_by_a_walk_but_named_or_globbed_is_read_and_not_listed(tmp_path):
    docs = tmp_path / "docs"
    notes, other = touch(docs / "README.md"), touch(docs / "sub" / "notes.md")
    found = batch.expand([str(docs), notes])
    assert found.paths == [notes]
    assert found.unsupported == {".md": [other]}
    assert batch.expand([str(docs / "**" / "*.md")]).paths == sorted([notes, other])


def test_expand_takes_plain_files_whatever_their_suffix_and_dedupes(tmp_path):
    notes = touch(tmp_path / "notes.png")
    text = touch(tmp_path / "a.txt")
    found = batch.expand([notes, text, str(tmp_path / "." / "a.txt"), str(tmp_path)])
    assert found.paths == sorted([notes, text])


def test_expand_globs_and_reports_what_matched_nothing(tmp_path):
    one = touch(tmp_path / "g" / "1.txt")
    two = touch(tmp_path / "g" / "deep" / "2.txt")
    touch(tmp_path / "g" / "3.html")
    found = batch.expand([str(tmp_path / "g" / "*.txt"), str(tmp_path / "none" / "*.txt")])
    assert found.paths == [one]
    assert found.unmatched == [str(tmp_path / "none" / "*.txt")]
    assert batch.expand([str(tmp_path / "g" / "**" / "*.txt")]).paths == sorted([one, two])


def test_expand_keeps_a_missing_plain_path_so_it_fails_visibly(tmp_path):
    ghost = str(tmp_path / "ghost.txt")
    assert batch.expand([ghost]).paths == [ghost]


def test_covers_is_limited_to_walked_folders_and_globs(tmp_path):
    found = batch.expand([str(tmp_path / "docs"), str(tmp_path / "g" / "*.txt")])
    found.folders = [str(tmp_path / "docs")]
    assert found.covers(str(tmp_path / "docs" / "x" / "gone.txt"))
    assert found.covers(str(tmp_path / "g" / "gone.txt"))
    assert not found.covers(str(tmp_path / "docs-old" / "gone.txt"))
    assert not found.covers(str(tmp_path / "g" / "gone.html"))


@pytest.fixture
def mixed(tmp_path):
    """Good files, an empty one, a binary one, a directory named like a file, a missing file."""
    good = [touch(tmp_path / f"good{n}.txt", TEXT.format(n=n + 3, m=n + 4) * 2) for n in range(3)]
    empty = touch(tmp_path / "empty.txt")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    missing = str(tmp_path / "missing.txt")
    return {"good": good, "empty": empty, "binary": str(binary), "folder": str(folder), "missing": missing}


@pytest.mark.parametrize("jobs", [1, 2])
def test_failures_are_one_line_each_and_never_stop_the_others(mixed, jobs):
    paths = sorted(mixed["good"] + [mixed["empty"], mixed["binary"], mixed["folder"], mixed["missing"]])
    summary = batch.Summary()
    results = []
    for result in batch.run(paths, jobs=jobs):
        summary.add(result)
        results.append(result)
    by_path = {r.path: r for r in results}
    assert [r.path for r in results] == paths
    for path in (mixed["folder"], mixed["missing"]):
        assert by_path[path].status == "failed"
        assert by_path[path].error.startswith(f"{path}: ") and "\n" not in by_path[path].error
    assert by_path[mixed["empty"]].status == "ok" and by_path[mixed["empty"]].records == []
    for path in mixed["good"]:
        expected = api.extract_text(open(path, encoding="utf-8").read(), doc=path)
        assert by_path[path].status == "ok"
        assert [r.to_dict() for r in by_path[path].records] == [r.to_dict() for r in expected]
        assert expected
    assert summary.processed + summary.skipped + summary.failed == summary.files == len(paths)
    assert summary.failed == sum(r.status == "failed" for r in results) >= 2
    assert re.fullmatch(
        rf"{len(paths)} files: {summary.processed} processed, 0 skipped, {summary.failed} failed; "
        rf"{summary.records} records in \d+\.\d s",
        summary.line(),
    )


def test_an_unexpected_engine_error_fails_only_that_file(tmp_path, monkeypatch):
    paths = [touch(tmp_path / f"{n}.txt", TEXT.format(n=n + 1, m=2)) for n in range(3)]
    real = api.extract_text

    def flaky(text, doc="-", packs=None):
        if doc == paths[1]:
            raise RuntimeError("boom\nsecond line")
        return real(text, doc=doc, packs=packs)

    monkeypatch.setattr(api, "extract_text", flaky)
    results = list(batch.run(paths, jobs=1))
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    assert results[1].error == f"{paths[1]}: RuntimeError: boom second line"


def test_output_order_and_records_are_the_same_with_one_or_two_workers(tmp_path):
    for n in range(12):
        # sizes vary so that workers finish out of order
        touch(tmp_path / "docs" / f"{n:02d}.txt", TEXT.format(n=n + 1, m=n + 7) * (1 + (11 - n) * 4))
    found = batch.expand([str(tmp_path / "docs")])
    one = [(r.path, r.status, [x.to_dict() for x in r.records]) for r in batch.run(found, jobs=1)]
    two = [(r.path, r.status, [x.to_dict() for x in r.records]) for r in batch.run(found, jobs=2)]
    assert one == two
    assert [path for path, _, _ in one] == found.paths


def test_stdin_is_read_once_and_named_dash(tmp_path):
    import io

    results = list(batch.run(["-"], stdin=io.BytesIO(TEXT.format(n=5, m=6).encode("utf-8")), jobs=1))
    assert [r.path for r in results] == ["-"]
    assert results[0].records and {r.doc for r in results[0].records} == {"-"}


def test_stdin_cannot_go_into_a_store(tmp_path):
    from policycli.store import Store

    with Store(tmp_path / "s.sqlite") as store, pytest.raises(ValueError, match="stdin"):
        list(batch.run(["-"], store=store))


def test_max_bytes_refuses_large_files_with_one_line(tmp_path):
    path = touch(tmp_path / "big.txt", TEXT.format(n=1, m=2) * 10)
    (result,) = batch.run([path], jobs=1, max_bytes=64)
    assert result.status == "failed" and result.error.startswith(f"{path}: ")


def test_fingerprint_ignores_what_cannot_be_hashed(tmp_path):
    path = touch(tmp_path / "a.txt", "abc")
    sha, size = batch.fingerprint(path, 100)
    assert size == 3 and sha == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert batch.fingerprint(path, 2) is None
    assert batch.fingerprint(str(tmp_path), 100) is None
    assert batch.fingerprint(os.path.join(tmp_path, "nope"), 100) is None


def test_packs_that_fail_to_load_fail_each_file_in_one_line(tmp_path):
    bad = touch(tmp_path / "bad.toml", "not = = toml\n")
    paths = [touch(tmp_path / f"{n}.txt", TEXT.format(n=n + 1, m=2)) for n in range(2)]
    for jobs in (1, 2):
        results = list(batch.run(paths, pack_paths=[bad], jobs=jobs))
        assert [r.status for r in results] == ["failed", "failed"]
        assert all(r.error.startswith(f"{r.path}: ") and "bad.toml" in r.error for r in results)


def test_a_worker_killed_mid_run_costs_at_most_the_files_it_held(tmp_path):
    import multiprocessing
    import signal

    paths = [touch(tmp_path / f"{n:02d}.txt", TEXT.format(n=n + 1, m=n + 2) * 40) for n in range(24)]
    results = []
    for result in batch.run(paths, jobs=2):
        results.append(result)
        if len(results) == 3:
            os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)
    assert [r.path for r in results] == paths
    failed = [r for r in results if r.status == "failed"]
    assert len(failed) <= 2
    assert all(r.error == f"{r.path}: worker process stopped unexpectedly" for r in failed)
    assert all(r.records for r in results if r.status == "ok")


@pytest.mark.parametrize("jobs", [1, 2])
def test_json_lines_come_encoded_only_when_asked(tmp_path, jobs):
    from policycli.rows import RecordRows

    paths = [touch(tmp_path / f"{n}.txt", TEXT.format(n=n + 1, m=n + 5) * 3) for n in range(3)]
    encoded = list(batch.run(paths, jobs=jobs, json_lines=True))
    plain = list(batch.run(paths, jobs=jobs))
    assert all(r.found.lines == RecordRows.of(r.records).jsonl() != "" for r in encoded)
    assert all(r.found.lines is None for r in plain)
    assert [r.found.rows for r in encoded] == [r.found.rows for r in plain]


def test_workers_use_the_extra_packs_they_are_given(tmp_path):
    """Workers start from a server that loaded the shipped packs; a user's pack must still apply."""
    pack = touch(tmp_path / "oil.toml", '[[units]]\nwritten = ["桶"]\nkind = "volume"\nbase = "桶"\n')
    paths = [touch(tmp_path / f"{n}.txt", f"原油产量力争达到{n + 3}00万桶。\n") for n in range(2)]
    shipped = list(batch.run(paths, jobs=2))
    extended = list(batch.run(paths, jobs=2, pack_paths=[pack]))
    assert {r.unit for result in shipped for r in result.records} == {None}
    assert {r.unit for result in extended for r in result.records} == {"桶"}
