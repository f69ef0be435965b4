"""The SQLite store: schema, whole-document transactions, incremental runs, missing files, locking."""
from __future__ import annotations

import fcntl
import os
import sqlite3

import pytest

from policycli import batch
from policycli.record import FIELD_NAMES, Record
from policycli.store import SCHEMA, Store, StoreError, StoreLocked, lock_path, normalise_since

TEXT = "全年力争引进亿元以上项目{n}个，新增高新技术企业{m}家，完成固定资产投资{n}.5亿元，增长6%左右。\n"


def record(doc: str, start: int, kind: str = "target", value: float = 24, subject: str | None = "管委会") -> Record:
    return Record(
        doc=doc, start=start, end=start + 3, text="24个", value=value, value_max=None, unit="个",
        unit_kind="count", comparator="=", kind=kind, subject=subject, verb="引进", metric="项目",
        modality="力争", period="全年", sentence="全年力争引进项目24个。", section=None,
    )


def write_corpus(folder, count: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"doc{n:03d}.txt"
        path.write_text(TEXT.format(n=n + 1, m=n + 2) * 3, encoding="utf-8")
        paths.append(str(path))
    return paths


def run_once(store: Store, *args: str, **options) -> list[batch.DocResult]:
    return list(batch.run(batch.expand(args), store=store, jobs=1, **options))


def test_schema_has_every_record_field_in_order_and_uses_wal(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        columns = [row[1] for row in store._db.execute("PRAGMA table_info(records)")]
        mode = store._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert columns == ["id", "document_id", *FIELD_NAMES]
    assert mode == "wal"


def test_records_round_trip_keep_int_and_float_values(tmp_path):
    saved = [record("a.txt", 0, value=24), record("a.txt", 10, value=386.5, kind="fact", subject=None)]
    with Store(tmp_path / "s.sqlite") as store:
        store.save("a.txt", status="ok", records=saved, sha256="x", size=10, chars=10)
        loaded = list(store.records())
    assert loaded == saved
    assert type(loaded[0].value) is int and type(loaded[1].value) is float


def test_saving_again_replaces_records_and_updates_the_row(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.save("a.txt", status="ok", records=[record("a.txt", 0), record("a.txt", 5)], sha256="old")
        store.save("b.txt", status="ok", records=[record("b.txt", 0)], sha256="b")
        store.save("a.txt", status="ok", records=[record("a.txt", 9)], sha256="new")
        assert [(r.doc, r.start) for r in store.records()] == [("a.txt", 9), ("b.txt", 0)]
        assert store.known()["a.txt"].sha256 == "new"
        rows = store._db.execute("SELECT path, records FROM documents ORDER BY path").fetchall()
    assert rows == [("a.txt", 1), ("b.txt", 1)]


def test_a_failing_insert_leaves_the_previous_document_whole(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.save("a.txt", status="ok", records=[record("a.txt", 0)], sha256="old")
        broken = record("a.txt", 5)
        broken.start = None  # violates NOT NULL half-way through the insert
        with pytest.raises(sqlite3.IntegrityError):
            store.save("a.txt", status="ok", records=[record("a.txt", 1), broken], sha256="new")
        assert [(r.start) for r in store.records()] == [0]
        assert store.known()["a.txt"].sha256 == "old"


def test_rerun_skips_unchanged_and_reextracts_a_changed_file(tmp_path):
    paths = write_corpus(tmp_path / "docs", 3)
    db = tmp_path / "s.sqlite"
    with Store(db) as store:
        first = run_once(store, str(tmp_path / "docs"))
        assert [r.status for r in first] == ["ok"] * 3
        assert all(r.records for r in first)
        before = {r.path: [x.to_dict() for x in r.records] for r in first}
    with open(paths[1], "a", encoding="utf-8") as handle:
        handle.write("今年新增就业岗位1200个。\n")
    with Store(db) as store:
        second = run_once(store, str(tmp_path / "docs"))
        assert [r.status for r in second] == ["skipped", "ok", "skipped"]
        assert second[0].records == [] and second[2].records == []
        stored = {}
        for rec in store.records():
            stored.setdefault(rec.doc, []).append(rec.to_dict())
    assert stored[paths[0]] == before[paths[0]]
    assert stored[paths[1]] == [r.to_dict() for r in second[1].records]
    assert stored[paths[1]] != before[paths[1]]


def test_force_reextracts_unchanged_files(tmp_path):
    write_corpus(tmp_path / "docs", 2)
    with Store(tmp_path / "s.sqlite") as store:
        run_once(store, str(tmp_path / "docs"))
        assert [r.status for r in run_once(store, str(tmp_path / "docs"), force=True)] == ["ok", "ok"]


def test_removed_file_is_marked_missing_and_keeps_its_records(tmp_path):
    paths = write_corpus(tmp_path / "docs", 3)
    outside = write_corpus(tmp_path / "other", 1)
    db = tmp_path / "s.sqlite"
    with Store(db) as store:
        run_once(store, str(tmp_path / "docs"), outside[0])
        kept = [r.to_dict() for r in store.records() if r.doc == paths[2]]
    os.remove(paths[2])
    os.remove(outside[0])  # not under the folder given next time: left as it was
    with Store(db) as store:
        results = run_once(store, str(tmp_path / "docs"))
        known = store.known()
        assert [r.to_dict() for r in store.records() if r.doc == paths[2]] == kept
    assert [r.path for r in results] == paths[:2]
    assert known[paths[2]].status == "missing"
    assert known[outside[0]].status == "ok"
    assert {known[p].status for p in paths[:2]} == {"ok"}


def test_a_missing_file_that_returns_unchanged_is_ok_again(tmp_path):
    paths = write_corpus(tmp_path / "docs", 2)
    content = open(paths[0], "rb").read()
    with Store(tmp_path / "s.sqlite") as store:
        run_once(store, str(tmp_path / "docs"))
        os.remove(paths[0])
        run_once(store, str(tmp_path / "docs"))
        assert store.known()[paths[0]].status == "missing"
        open(paths[0], "wb").write(content)
        assert [r.status for r in run_once(store, str(tmp_path / "docs"))] == ["skipped", "skipped"]
        assert store.known()[paths[0]].status == "ok"


def test_second_writer_is_refused_while_the_lock_is_held(tmp_path):
    db = tmp_path / "s.sqlite"
    with Store(db) as first:
        first.save("a.txt", status="ok", records=[record("a.txt", 0)])
        with pytest.raises(StoreLocked, match="in use by another run"):
            Store(db)
        assert len(list(first.records())) == 1
    with Store(db) as again:  # released on close
        assert len(list(again.records())) == 1


def test_lock_is_an_flock_on_the_file_beside_the_database(tmp_path):
    db = tmp_path / "s.sqlite"
    assert lock_path(db) == tmp_path / "s.sqlite.lock"
    with open(lock_path(db), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(StoreLocked):
            Store(db)


def test_readonly_store_needs_an_existing_file_and_takes_no_lock(tmp_path):
    db = tmp_path / "s.sqlite"
    with pytest.raises(StoreError, match="no such store"):
        Store(db, readonly=True)
    with Store(db) as writer:
        writer.save("a.txt", status="ok", records=[record("a.txt", 0)])
        with Store(db, readonly=True) as reader:
            assert len(list(reader.records())) == 1


def test_since_selects_documents_by_processing_time(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.save("old.txt", status="ok", records=[record("old.txt", 0)])
        store.save("new.txt", status="ok", records=[record("new.txt", 0)])
        store._db.execute("UPDATE documents SET processed_at = '2020-01-01T00:00:00Z' WHERE path = 'old.txt'")
        assert [r.doc for r in store.records(since="2021-06-01")] == ["new.txt"]
        assert [s.doc for s in store.sources(since="2019-12-31T23:00:00+00:00")] == ["new.txt", "old.txt"]


@pytest.mark.parametrize("given, stored", [
    ("2026-01-31", "2026-01-31T00:00:00Z"),
    ("2026-01-31T08:00:00+08:00", "2026-01-31T00:00:00Z"),
    ("2026-01-31T08:30Z", "2026-01-31T08:30:00Z"),
])
def test_since_is_normalised_to_utc(given, stored):
    assert normalise_since(given) == stored


def test_since_rejects_what_is_not_a_date():
    with pytest.raises(ValueError, match="--since"):
        normalise_since("last week")


def test_the_documented_schema_is_the_one_in_use():
    doc = os.path.join(os.path.dirname(__file__), "..", "docs", "store.md")
    with open(doc, encoding="utf-8") as handle:
        assert SCHEMA in handle.read()


@pytest.mark.parametrize("readonly", [False, True])
def test_a_file_that_is_not_a_store_is_refused_in_one_line(tmp_path, readonly):
    db = tmp_path / "notes.sqlite"
    db.write_text("these are notes, not a database\n" * 50, encoding="utf-8")
    with pytest.raises(StoreError, match="not a usable policycli store"):
        Store(db, readonly=readonly)
    if not readonly:  # the lock was released on the way out
        with open(lock_path(db), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)


@pytest.mark.parametrize("link", ["file", "folder"])
def test_a_symlinked_path_leads_to_the_same_lock(tmp_path, link):
    real = tmp_path / "real"
    real.mkdir()
    db = real / "s.sqlite"
    if link == "file":
        other = tmp_path / "alias.sqlite"
        other.symlink_to(db)
    else:
        (tmp_path / "alias").symlink_to(real, target_is_directory=True)
        other = tmp_path / "alias" / "s.sqlite"
    assert lock_path(other) == lock_path(db)
    with Store(db) as first:
        first.save("a.txt", status="ok", records=[record("a.txt", 0)])
        with pytest.raises(StoreLocked):
            Store(other)
    with Store(other) as again:  # and through the link it is the same database
        assert [r.doc for r in again.records()] == ["a.txt"]


def undelivered(store: Store) -> set[str]:
    return {path for path, seen in store.known().items() if not seen.delivered}


def test_saved_documents_wait_for_delivery_and_a_new_version_waits_again(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.save("a.txt", status="ok", records=[record("a.txt", 0)], sha256="1")
        store.save("b.txt", status="ok", records=[record("b.txt", 0)], sha256="1")
        assert undelivered(store) == {"a.txt", "b.txt"}
        assert store.mark_delivered(["a.txt"], to="new.jsonl") == 1
        assert undelivered(store) == {"b.txt"}
        (at, to), = store._db.execute("SELECT delivered_at, delivered_to FROM documents WHERE path = 'a.txt'")
        assert to == "new.jsonl" and normalise_since(at) == at
        store.save("a.txt", status="ok", records=[record("a.txt", 5)], sha256="2")
        assert undelivered(store) == {"a.txt", "b.txt"}


def test_a_run_with_backlog_hands_on_what_no_run_delivered_exactly_once(tmp_path):
    paths = write_corpus(tmp_path / "docs", 4)
    folder = str(tmp_path / "docs")
    with Store(tmp_path / "s.sqlite") as store:
        first = run_once(store, folder)  # a library run that never marks its output delivered
        stored = {r.path: r.found.rows for r in first}
        os.remove(paths[3])  # gone, but its records were never delivered
        with open(paths[1], "a", encoding="utf-8") as changed:
            changed.write(TEXT.format(n=77, m=78))
        second = run_once(store, folder, backlog=True)
        assert [(r.path, r.status, r.backlog) for r in second] == [
            (paths[0], "skipped", True), (paths[1], "ok", False),
            (paths[2], "skipped", True), (paths[3], "stored", True)]
        assert second[0].found.rows == stored[paths[0]] and second[3].found.rows == stored[paths[3]]
        assert len(second[1].found) > len(stored[paths[1]])  # the new version only, not the old one too
        summary = batch.Summary()
        for result in second:
            summary.add(result)
        assert (summary.files, summary.processed, summary.skipped, summary.backlog_docs) == (3, 1, 2, 3)
        assert summary.records == sum(len(r.found) for r in second)
        store.mark_delivered([r.path for r in second], to="-")
        third = run_once(store, folder, backlog=True)
        assert [(r.status, len(r.found)) for r in third] == [("skipped", 0)] * 3


def test_a_store_from_before_delivery_counts_as_delivered(tmp_path):
    db = tmp_path / "old.sqlite"
    old_schema = SCHEMA.replace(",\n    delivered_at TEXT,\n    delivered_to TEXT\n", "\n")
    assert "delivered" not in old_schema
    with sqlite3.connect(db) as con:
        con.executescript(old_schema)
        con.execute("INSERT INTO documents (path, processed_at, status, records)"
                    " VALUES ('a.txt', '2026-01-01T00:00:00Z', 'ok', 0)")
    with Store(db, readonly=True) as reader:  # export reads an old store as it is
        assert reader.known()["a.txt"].delivered
    with Store(db) as store:
        assert undelivered(store) == set()
        store.save("b.txt", status="ok", records=[record("b.txt", 0)])
        assert undelivered(store) == {"b.txt"}


class InterruptedAfterCommit:
    """A connection whose COMMIT succeeds and is then hit by Ctrl-C, as a signal may land."""

    def __init__(self, db):
        self._db = db

    def __getattr__(self, name):
        return getattr(self._db, name)

    def execute(self, sql, *args):
        cursor = self._db.execute(sql, *args)
        if sql == "COMMIT":
            raise KeyboardInterrupt
        return cursor


def test_ctrl_c_just_after_a_commit_keeps_the_document_and_stays_a_ctrl_c(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        real = store._db
        store._db = InterruptedAfterCommit(real)
        with pytest.raises(KeyboardInterrupt):
            store.save("a.txt", status="ok", records=[record("a.txt", 0)], sha256="x")
        store._db = real
        assert [r.doc for r in store.records()] == ["a.txt"]
