"""The SQLite store: which documents were processed, with what content, and their records.

One transaction per document (delete its old records, insert the new ones,
update its row), so a run killed at any moment leaves whole documents only and
the next run picks up where it stopped. Each document also remembers whether
its records have reached an output (``delivered_at``): set only once a run's
output is complete, so the records of a run cut short are delivered by the
next. A lock file beside the database (the resolved one, so no symlink leads
around it) keeps two writers apart. The schema is documented in ``docs/store.md``.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .record import FIELD_NAMES, Record, SourceInfo
from .rows import row_of

# value and value_max carry no declared type, so SQLite keeps ints as ints and
# floats as floats: an export then prints them exactly as a fresh extract does.
_COLUMN_TYPES = {
    "doc": "TEXT NOT NULL",
    "start": "INTEGER NOT NULL",
    "end": "INTEGER NOT NULL",
    "text": "TEXT NOT NULL",
    "value": "",
    "value_max": "",
    "unit": "TEXT",
    "unit_kind": "TEXT",
    "comparator": "TEXT",
    "kind": "TEXT",
    "sentence": "TEXT",
}

SCHEMA = """\
CREATE TABLE IF NOT EXISTS documents (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    sha256       TEXT,
    size         INTEGER,
    chars        INTEGER,
    processed_at TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'missing')),
    error        TEXT,
    records      INTEGER NOT NULL DEFAULT 0,
    delivered_at TEXT,
    delivered_to TEXT
);
CREATE TABLE IF NOT EXISTS records (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
""" + ",\n".join(
    f'    "{name}" {_COLUMN_TYPES.get(name, "TEXT")}'.rstrip() for name in FIELD_NAMES
) + """
);
CREATE INDEX IF NOT EXISTS records_document ON records(document_id);
"""

_INSERT = "INSERT INTO records (document_id, {}) VALUES (?, {})".format(
    ", ".join(f'"{name}"' for name in FIELD_NAMES), ", ".join("?" for _ in FIELD_NAMES)
)
_SELECT = ", ".join(f'r."{name}"' for name in FIELD_NAMES)

# Stores made before delivery was tracked gain its columns; their documents
# count as delivered, as every run of that time wrote its records out.
_DELIVERY_COLUMNS = ("delivered_at", "delivered_to")
_MIGRATE_DELIVERY = (
    "ALTER TABLE documents ADD COLUMN delivered_at TEXT",
    "ALTER TABLE documents ADD COLUMN delivered_to TEXT",
    "UPDATE documents SET delivered_at = processed_at, delivered_to = '(before delivery was tracked)'",
)


class StoreError(Exception):
    """A store that cannot be opened or used; ``str()`` is one line."""


class StoreLocked(StoreError):
    """Another run holds the store's lock file."""


def lock_path(db: str | os.PathLike) -> Path:
    """The lock file beside ``db`` that a writing run holds for its whole length.

    Symbolic links are resolved first: every name of one database leads to one lock.
    """
    db = Path(db).resolve()
    return db.with_name(db.name + ".lock")


def utc_now() -> str:
    """The current time as ISO-8601 UTC with a ``Z``, so text order is time order."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise_since(value: str) -> str:
    """An ISO date or date-time as the store's UTC text form; naive values count as UTC.

    Raises ``ValueError`` with a one-line message for anything else.
    """
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--since: not an ISO date or date-time: {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Known:
    """What the store remembers of one document: enough to decide whether to skip
    it, and whether its records still wait to be delivered to an output."""

    sha256: str | None
    status: str
    delivered: bool = True


class Store:
    """A policycli SQLite database, opened for writing (locked) or for reading.

    Use as a context manager. ``readonly=True`` takes no lock and never
    creates the file, so ``export`` can run beside a writing ``extract``.
    """

    def __init__(self, path: str | os.PathLike, *, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self._lock_fd: int | None = None
        if readonly and not self.path.is_file():
            raise StoreError(f"{self.path}: no such store")
        if not readonly:
            self._lock()
        try:
            if readonly:
                self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
                self._db.execute("SELECT path, sha256, status FROM documents LIMIT 1")
            else:
                self._db = sqlite3.connect(str(self.path.resolve()), isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(SCHEMA)
                self._migrate()
            self._db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            self._unlock()
            raise StoreError(f"{self.path}: not a usable policycli store ({exc})") from None
        except BaseException:
            self._unlock()
            raise

    def _migrate(self) -> None:
        """Add the delivery columns to a store written before they existed."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        if all(name in columns for name in _DELIVERY_COLUMNS):
            return
        with self._transaction() as db:
            for statement in _MIGRATE_DELIVERY:
                db.execute(statement)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, rolled back on any exception (Ctrl-C and SIGTERM
        included) unless it had already committed when the exception came."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _lock(self) -> None:
        lock = lock_path(self.path)
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"{lock}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreLocked(
                f"{self.path}: store is in use by another run (lock {lock} is held); try again later"
            ) from None
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def close(self) -> None:
        """Close the database and release the lock."""
        self._db.close()
        self._unlock()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def known(self) -> dict[str, Known]:
        """Every stored document path with its hash, status and whether it was delivered
        (always, in a store from before delivery was tracked, opened read-only)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        delivered = "delivered_at IS NOT NULL" if "delivered_at" in columns else "1"
        rows = self._db.execute(f"SELECT path, sha256, status, {delivered} FROM documents")
        return {path: Known(sha, status, bool(delivered)) for path, sha, status, delivered in rows}

    def rows(self, path: str) -> list[tuple]:
        """One document's stored records as rows in schema order (``policycli.rows``), in text order."""
        cursor = self._db.execute(
            f"SELECT {_SELECT} FROM records r JOIN documents d ON d.id = r.document_id"
            " WHERE d.path = ? ORDER BY r.\"start\", r.\"end\", r.id",
            (path,),
        )
        return cursor.fetchall()

    def mark_delivered(self, paths: Iterable[str], to: str) -> int:
        """Record that the records of ``paths`` are now in the output ``to``, in one transaction.

        Call it only once that output is complete (a file renamed into place,
        standard output written and flushed): a run stopped before then leaves
        its documents undelivered, and the next run delivers them.
        """
        when = utc_now()
        with self._transaction() as db:
            cursor = db.executemany(
                "UPDATE documents SET delivered_at = ?, delivered_to = ? WHERE path = ?",
                [(when, to, path) for path in paths],
            )
        return cursor.rowcount

    def save(
        self,
        path: str,
        *,
        status: str,
        records: Iterable[Record] = (),
        rows: Sequence[tuple] | None = None,
        sha256: str | None = None,
        size: int | None = None,
        chars: int | None = None,
        error: str | None = None,
    ) -> None:
        """Replace one document's row and records in a single transaction.

        ``rows`` (values in schema order, as ``policycli.rows`` packs them)
        may stand in for ``records``. A failed document keeps no records: what
        it held belonged to content that is no longer there, and the next run
        tries it again. The document is undelivered until ``mark_delivered``.
        """
        if rows is None:
            rows = [row_of(record) for record in records]
        with self._transaction() as db:
            db.execute(
                "INSERT INTO documents (path, sha256, size, chars, processed_at, status, error, records)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(path) DO UPDATE SET sha256=excluded.sha256, size=excluded.size,"
                " chars=excluded.chars, processed_at=excluded.processed_at, status=excluded.status,"
                " error=excluded.error, records=excluded.records, delivered_at=NULL, delivered_to=NULL",
                (path, sha256, size, chars, utc_now(), status, error, len(rows)),
            )
            (doc_id,) = db.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchone()
            db.execute("DELETE FROM records WHERE document_id = ?", (doc_id,))
            db.executemany(_INSERT, [(doc_id, *row) for row in rows])

    def mark_present(self, path: str) -> None:
        """A document seen again unchanged after being marked missing is ``ok`` once more."""
        self._db.execute("UPDATE documents SET status = 'ok' WHERE path = ? AND status = 'missing'", (path,))

    def mark_missing(self, paths: Iterable[str]) -> int:
        """Mark documents whose files are gone as ``missing``, keeping their records."""
        paths = list(paths)
        with self._transaction() as db:
            cursor = db.executemany(
                "UPDATE documents SET status = 'missing' WHERE path = ? AND status != 'missing'",
                [(path,) for path in paths],
            )
        return cursor.rowcount

    def _where(self, since: str | None) -> tuple[str, tuple]:
        if since is None:
            return "", ()
        return " WHERE d.processed_at >= ?", (normalise_since(since),)

    def records(self, since: str | None = None) -> Iterator[Record]:
        """Stored records in document path order then text order, optionally only
        those of documents processed at or after ``since``."""
        where, args = self._where(since)
        cursor = self._db.execute(
            f"SELECT {_SELECT} FROM records r JOIN documents d ON d.id = r.document_id{where}"
            " ORDER BY d.path, r.\"start\", r.\"end\", r.id",
            args,
        )
        for row in cursor:
            yield Record(*row)

    def sources(self, since: str | None = None) -> list[SourceInfo]:
        """One ``SourceInfo`` per stored document, in path order."""
        where, args = self._where(since)
        rows = self._db.execute(
            f"SELECT d.path, d.chars, d.records, d.error, d.status FROM documents d{where} ORDER BY d.path",
            args,
        )
        return [SourceInfo(path, chars or 0, records, error, status) for path, chars, records, error, status in rows]
