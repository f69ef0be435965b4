"""Batch runs: expand the inputs, extract each file (in worker processes when
asked), keep the store up to date, and hand results back in input order.

The command line's ``extract`` is a thin layer over ``expand`` and ``run``;
library users get the same skipping, storing and ordering by calling them.
"""
from __future__ import annotations

import glob
import heapq
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, BinaryIO

from . import readers
from .record import Record, SourceInfo
from .rows import RecordRows

if TYPE_CHECKING:  # futures and the process pool are imported only once a run needs workers
    from concurrent.futures import Future, ProcessPoolExecutor

FALLBACK_SUFFIXES = frozenset({".txt", ".html", ".htm", ".shtml", ".docx", ".pdf"})
STDIN = "-"
MAX_POOL_BREAKS = 3  # worker pools lost before the rest of a run goes on in-process
WORKER_PRELOAD = "policycli.warmup"  # imported once by the server workers fork from


# Read when named, passed over by a folder walk: a Markdown file beside policy
# documents is almost always a note about the folder (README.md), not one of them.
NOT_WALKED = frozenset({".md"})
NO_SUFFIX = "(no suffix)"


def why_not_read(suffix: str) -> str:
    """Why a folder walk passed over files with ``suffix`` (as ``Inputs.unsupported`` keys it)."""
    if suffix in NOT_WALKED:
        return f"a folder walk reads {suffix} files only when they are named"
    return f"no reader for {suffix} files"


def supported_suffixes() -> frozenset[str]:
    """The suffixes a folder walk picks up: the readers' list when they publish one,
    less ``NOT_WALKED``."""
    published = getattr(readers, "supported_suffixes", None)
    return (frozenset(published()) if published else FALLBACK_SUFFIXES) - NOT_WALKED


def _has_magic(arg: str) -> bool:
    return any(char in arg for char in "*?[")


def _one_line(message: str) -> str:
    return " ".join(message.split())


@dataclass(slots=True)
class Inputs:
    """The expanded inputs of a run.

    ``paths`` are files to process, sorted and de-duplicated; ``folders`` and
    ``patterns`` are the walked directories and expanded globs, the places
    where a stored document whose file has gone is marked ``missing``;
    ``unmatched`` are the arguments that yielded no file; ``unsupported``
    maps each suffix a folder walk passed over (lower case, or ``NO_SUFFIX``)
    to the files it passed over, sorted. Hidden files are not listed.
    """

    paths: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    unsupported: dict[str, list[str]] = field(default_factory=dict)

    def covers(self, path: str) -> bool:
        """True when ``path`` lies in a walked folder or matches an expanded glob."""
        absolute = os.path.abspath(path)
        if any(absolute.startswith(os.path.join(os.path.abspath(folder), "")) for folder in self.folders):
            return True
        return any(fnmatchcase(os.path.normpath(path), pattern) for pattern in self.patterns)


def _walk(folder: str, suffixes: frozenset[str], passed_over: dict[str, set[str]]) -> list[str]:
    """Supported files under ``folder``, skipping hidden files and directories;
    the other files go into ``passed_over`` by suffix."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            path = os.path.normpath(os.path.join(root, name))
            suffix = os.path.splitext(name)[1].lower()
            if suffix in suffixes:
                found.append(path)
            else:
                passed_over.setdefault(suffix or NO_SUFFIX, set()).add(path)
    return found


def expand(args: Iterable[str], suffixes: frozenset[str] | None = None) -> Inputs:
    """Turn command-line arguments into the sorted, de-duplicated list of inputs.

    A folder is walked recursively for ``suffixes``; a glob is expanded (``**``
    included) and any folder it matches is walked; any other argument is taken
    as a file whatever its suffix, even if it does not exist (it then fails
    with a one-line error like any unreadable file). ``-`` stands for stdin.
    """
    suffixes = supported_suffixes() if suffixes is None else suffixes
    inputs = Inputs()
    chosen: set[str] = set()
    passed_over: dict[str, set[str]] = {}
    for arg in args:
        if arg == STDIN:
            chosen.add(STDIN)
            continue
        if os.path.isdir(arg):
            inputs.folders.append(os.path.normpath(arg))
            found = _walk(arg, suffixes, passed_over)
        elif os.path.exists(arg) or not _has_magic(arg):
            found = [os.path.normpath(arg)]
        else:
            inputs.patterns.append(os.path.normpath(arg))
            found = []
            for match in glob.glob(arg, recursive=True):
                if os.path.isdir(match):
                    inputs.folders.append(os.path.normpath(match))
                    found.extend(_walk(match, suffixes, passed_over))
                else:
                    found.append(os.path.normpath(match))
        if not found:
            inputs.unmatched.append(arg)
        chosen.update(found)
    inputs.paths = sorted(chosen)
    inputs.unsupported = {suffix: sorted(paths - chosen) for suffix, paths in sorted(passed_over.items())
                          if paths - chosen}
    return inputs


@dataclass(slots=True)
class DocResult:
    """The outcome for one input: ``ok`` with what was ``found``, ``skipped``
    (unchanged since the store last saw it) or ``failed`` with a one-line ``error``.

    ``found`` holds the records as rows, with their JSON Lines when the run was
    asked to encode them: the compact form a worker sends back. A ``backlog``
    result carries records an earlier run committed but never delivered, read
    back from the store: of a ``skipped`` file, or of a stored document that is
    not one of this run's files (status ``stored``: its file has gone, say).
    """

    path: str
    status: str
    found: RecordRows = field(default_factory=RecordRows)
    chars: int = 0
    error: str | None = None
    sha256: str | None = None
    size: int | None = None
    backlog: bool = False

    @property
    def records(self) -> list[Record]:
        """The records found, built from their rows."""
        return self.found.records()

    def source_info(self) -> SourceInfo:
        """The summary an exporter lists for this input."""
        return SourceInfo(self.path, self.chars, len(self.found), self.error, self.status)


@dataclass(slots=True)
class Summary:
    """Counts for the closing line; processed + skipped + failed == files.

    ``records`` counts every record handed on, the backlog's included;
    ``backlog_docs`` and ``backlog_records`` count those an earlier run left
    undelivered. ``unsupported`` is what a folder walk passed over
    (``Inputs.unsupported``).
    """

    files: int = 0
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    records: int = 0
    backlog_docs: int = 0
    backlog_records: int = 0
    unsupported: dict[str, list[str]] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def add(self, result: DocResult) -> None:
        if result.backlog:
            self.backlog_docs += 1
            self.backlog_records += len(result.found)
            self.records += len(result.found)
        if result.status == "stored":  # a stored document only, not a file of this run
            return
        self.files += 1
        if result.status == "ok":
            self.processed += 1
            self.records += len(result.found)
        elif result.status == "skipped":
            self.skipped += 1
        else:
            self.failed += 1

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        line = (
            f"{self.files} files: {self.processed} processed, {self.skipped} skipped, "
            f"{self.failed} failed; {self.records} records in {elapsed:.1f} s"
        )
        if self.backlog_docs:
            line += (f" ({self.backlog_records} of them from {self.backlog_docs} documents"
                     " an earlier run did not deliver)")
        if self.unsupported:
            counts = ", ".join(f"{len(names)} {suffix}" for suffix, names in sorted(
                self.unsupported.items(), key=lambda item: (-len(item[1]), item[0])))
            total = sum(map(len, self.unsupported.values()))
            line += f"; {total} other {'file' if total == 1 else 'files'} not read ({counts})"
        return line


def _extract(path: str, max_bytes: int, packs, data: bytes | None = None, encode: bool = False) -> DocResult:
    """Read and extract one file, packing the records (and their JSON Lines when
    ``encode``); any error becomes a failed result, never an exception."""
    from .api import extract_text

    try:
        if data is None:
            source = readers.read(path, max_bytes=max_bytes)
        else:
            source = readers.read_bytes(data, path, max_bytes=max_bytes)
        found = RecordRows.of(extract_text(source.text, doc=path, packs=packs), encode=encode)
    except readers.ReadError as exc:
        return DocResult(path, "failed", error=_one_line(str(exc)))
    except Exception as exc:  # one file's bug must not stop the batch
        return DocResult(path, "failed", error=_one_line(f"{path}: {type(exc).__name__}: {exc}"))
    return DocResult(path, "ok", found=found, chars=len(source.text))


def _load_packs(pack_paths: Sequence[str]):
    """The packs, or the one-line reason they failed to load (then every file fails with it)."""
    try:
        from .packs import default_packs, load_packs

        return (load_packs(extra=tuple(pack_paths)) if pack_paths else default_packs()), None
    except Exception as exc:
        return None, _one_line(f"{type(exc).__name__}: {exc}")


_worker_packs = None
_worker_error: str | None = None


def _init_worker(pack_paths: tuple[str, ...], lifeline) -> None:
    """Load the packs once per worker (the shipped ones are already loaded in a
    worker forked from a warmed server); Ctrl-C is the parent's to handle.

    A pack that fails to load here is reported on every file the worker is
    given, rather than breaking the pool with no explanation. ``lifeline`` is
    the read end of a pipe that only the running process writes to.
    """
    global _worker_packs, _worker_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_run, args=(lifeline,), daemon=True).start()
    _worker_packs, _worker_error = _load_packs(pack_paths)


def _exit_with_run(lifeline) -> None:
    """End this worker once the run's process is gone (killed, say): the pipe then
    reads as closed. The pool's queues alone would keep it waiting for work forever,
    and with it the server it forked from."""
    try:
        lifeline.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(1)


def _work(path: str, max_bytes: int, encode: bool) -> DocResult:
    if _worker_error is not None:
        return DocResult(path, "failed", error=f"{path}: {_worker_error}")
    return _extract(path, max_bytes, _worker_packs, encode=encode)


def _worker_context():
    """How worker processes start: forked from a server that has imported and warmed
    the engine once (``policycli.warmup``), where the platform has one; otherwise
    spawned, each loading the engine for itself. Neither inherits the caller's
    threads or open store the way a plain fork would."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([WORKER_PRELOAD])
        return context
    return multiprocessing.get_context("spawn")


def fingerprint(path: str, max_bytes: int) -> tuple[str, int] | None:
    """SHA-256 and size of a regular file within ``max_bytes``; ``None`` when it
    cannot be hashed (the reader then reports why)."""
    try:
        size = os.stat(path).st_size
        if size > max_bytes or not os.path.isfile(path):
            return None
        import hashlib  # only a run with a store hashes files

        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest(), size
    except OSError:
        return None


def _done(result: DocResult) -> Future:
    from concurrent.futures import Future

    future: Future = Future()
    future.set_result(result)
    return future


@dataclass(slots=True)
class _Pending:
    path: str
    future: Future
    sha256: str | None
    size: int | None


def run(
    inputs: Inputs | Sequence[str],
    *,
    packs=None,
    pack_paths: Sequence[str] = (),
    jobs: int | None = None,
    max_bytes: int = readers.DEFAULT_MAX_BYTES,
    store=None,
    force: bool = False,
    stdin: BinaryIO | None = None,
    json_lines: bool = False,
    backlog: bool = False,
) -> Iterator[DocResult]:
    """Process every input and yield one ``DocResult`` each, in input order.

    ``jobs`` worker processes (default: the CPU count) extract files, each
    loading ``pack_paths`` once; with one job or one file everything runs
    here, using ``packs`` (loaded from ``pack_paths`` when not given, and only
    once a file needs extracting). With a ``store``
    (``policycli.store.Store``), files whose content hash is unchanged are
    skipped unless ``force``, each processed file is committed as a whole
    when its result is yielded, and stored documents whose files have gone
    from the inputs' folders are marked ``missing``. With ``backlog`` too,
    the inputs' stored documents that no run has delivered (see
    ``Store.mark_delivered``) come back with their stored records, in path
    order among the rest: a skipped file's result carries them, and a stored
    document that is not among the files (its file has gone) gets a result of
    status ``stored``. With ``json_lines``,
    each result's records come with their JSON Lines already encoded, by the
    worker that found them. At most a few results per worker are held at
    once. Closing the iterator stops the workers.
    """
    if not isinstance(inputs, Inputs):
        inputs = Inputs(paths=list(inputs))
    if store is not None and STDIN in inputs.paths:
        raise ValueError("stdin ('-') cannot be recorded in a store")
    yield from _Run(inputs, packs, tuple(pack_paths), jobs, max_bytes, store, force, stdin, json_lines, backlog)


class _Run:
    """One pass of ``run``: a window of pending results, filled in input order."""

    def __init__(self, inputs: Inputs, packs, pack_paths: tuple[str, ...], jobs: int | None,
                 max_bytes: int, store, force: bool, stdin: BinaryIO | None, encode: bool, backlog: bool):
        self.inputs = inputs
        self.packs, self.packs_error = packs, None
        self.pack_paths = pack_paths
        self.workers = min(max(1, jobs or os.cpu_count() or 1), len(inputs.paths))
        self.max_bytes = max_bytes
        self.store = store
        self.force = force
        self.stdin = stdin
        self.encode = encode
        self.known = store.known() if store is not None else {}
        present = self.inputs_set = set(inputs.paths)
        self.backlog = {
            path for path, seen in self.known.items()
            if backlog and not seen.delivered and seen.status in ("ok", "missing")
            and (path in present or inputs.covers(path))
        }
        self.order = list(heapq.merge(inputs.paths, sorted(self.backlog - present)))
        self.pool: ProcessPoolExecutor | None = None
        self.pool_breaks = 0
        self.lifeline = None  # (read end for the workers, write end kept here)
        self.window: deque[DocResult | _Pending] = deque()

    def __iter__(self) -> Iterator[DocResult]:
        if self.store is not None:
            self._mark_missing()
        limit = max(2, self.workers * 4)
        window = self.window
        try:
            for path in self.order:
                window.append(self._start(path))
                while window and (len(window) >= limit or self._ready(window[0])):
                    yield self._resolve(window.popleft())
            while window:
                yield self._resolve(window.popleft())
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
            for end in self.lifeline or ():
                end.close()

    def _mark_missing(self) -> None:
        present = set(self.inputs.paths)
        self.store.mark_missing(
            path for path in self.known
            if path not in present and self.inputs.covers(path) and not os.path.exists(path)
        )

    @staticmethod
    def _ready(item: DocResult | _Pending) -> bool:
        return isinstance(item, DocResult) or item.future.done()

    def _start(self, path: str) -> DocResult | _Pending:
        """Skip, extract here, or hand ``path`` to a worker."""
        if path == STDIN:
            return self._in_process(STDIN, self.stdin.read(self.max_bytes + 1) if self.stdin is not None else b"")
        if path in self.backlog and path not in self.inputs_set:
            return DocResult(path, "stored", found=RecordRows(self.store.rows(path)), backlog=True)
        sha256, size, skipped = self._check(path)
        if skipped is not None:
            if path in self.backlog:
                skipped.found, skipped.backlog = RecordRows(self.store.rows(path)), True
            return skipped
        if self.workers > 1:
            return _Pending(path, self._submit(path), sha256, size)
        return self._finish(self._in_process(path), sha256, size)

    def _submit(self, path: str) -> Future:
        """Hand ``path`` to a worker, replacing a pool found broken."""
        from concurrent.futures import BrokenExecutor

        self.pool = self.pool or self._new_pool()
        try:
            return self.pool.submit(_work, path, self.max_bytes, self.encode)
        except BrokenExecutor:  # the pool's BrokenProcessPool
            self._replace_pool()
        if self.pool is None:
            return _done(self._in_process(path))
        return self.pool.submit(_work, path, self.max_bytes, self.encode)

    def _check(self, path: str) -> tuple[str | None, int | None, DocResult | None]:
        """Hash ``path`` for the store and decide whether it can be skipped."""
        if self.store is None or (fingerprinted := fingerprint(path, self.max_bytes)) is None:
            return None, None, None
        sha256, size = fingerprinted
        seen = self.known.get(path)
        if self.force or seen is None or seen.sha256 != sha256 or seen.status not in ("ok", "missing"):
            return sha256, size, None
        if seen.status == "missing":
            self.store.mark_present(path)
        return sha256, size, DocResult(path, "skipped", sha256=sha256, size=size)

    def _in_process(self, path: str, data: bytes | None = None) -> DocResult:
        if self.packs is None and self.packs_error is None:
            self.packs, self.packs_error = _load_packs(self.pack_paths)
        if self.packs_error is not None:
            return DocResult(path, "failed", error=f"{path}: {self.packs_error}")
        return _extract(path, self.max_bytes, self.packs, data, self.encode)

    def _new_pool(self) -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        context = _worker_context()
        self.lifeline = self.lifeline or context.Pipe(duplex=False)
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.pack_paths, self.lifeline[0]),
        )

    def _resolve(self, item: DocResult | _Pending) -> DocResult:
        """Wait for ``item``'s result and commit it to the store."""
        if isinstance(item, DocResult):
            return item
        from concurrent.futures import BrokenExecutor

        try:
            result = item.future.result()
        except BrokenExecutor:  # the pool's BrokenProcessPool
            self._replace_pool()
            if self.pool is None:  # given up on workers: this file gets its chance here
                result = self._in_process(item.path)
            else:
                result = DocResult(item.path, "failed", error=f"{item.path}: worker process stopped unexpectedly")
        except Exception as exc:  # e.g. a result that could not be sent back
            result = DocResult(item.path, "failed", error=_one_line(f"{item.path}: {type(exc).__name__}: {exc}"))
        return self._finish(result, item.sha256, item.size)

    def _replace_pool(self) -> None:
        """After a worker died, resubmit the files whose results were lost with it.

        Workers that keep dying (say, they cannot start at all) are given up
        after a few tries and the rest of the run goes on in this process.
        """
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool_breaks += 1
        lost = [item for item in self.window if isinstance(item, _Pending)
                and not (item.future.done() and item.future.exception() is None)]
        if self.pool_breaks >= MAX_POOL_BREAKS:
            self.pool, self.workers = None, 1
            for item in lost:
                item.future = _done(self._in_process(item.path))
            return
        self.pool = self._new_pool()
        for item in lost:
            item.future = self.pool.submit(_work, item.path, self.max_bytes, self.encode)

    def _finish(self, result: DocResult, sha256: str | None, size: int | None) -> DocResult:
        result.sha256, result.size = sha256, size
        if self.store is not None and result.status != "skipped":
            self.store.save(
                result.path, status=result.status, rows=result.found.rows, sha256=sha256,
                size=size, chars=result.chars, error=result.error,
            )
        return result


class ProgressBar:
    """A rich progress bar (files, records, rate, time left) for a terminal's stderr.

    ``console`` is a ``rich.console.Console`` writing to stderr; ``note`` prints
    a line above the bar so failures do not tear it.
    """

    def __init__(self, total: int, console):
        from rich.progress import (
            BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
        )

        self._progress = Progress(
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files, {task.fields[records]} records"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            redirect_stdout=False,  # records must reach stdout untouched
            redirect_stderr=False,
        )
        self._task = self._progress.add_task("extract", total=total, records=0, rate="")
        self._records = 0
        self._started = time.monotonic()

    def start(self) -> None:
        self._progress.start()

    def stop(self) -> None:
        """Remove the bar; safe to call more than once."""
        self._progress.stop()

    def advance(self, result: DocResult) -> None:
        """Count a result's records, and its file unless it is a stored document only."""
        self._records += len(result.found)
        step = 0 if result.status == "stored" else 1
        done = self._progress.tasks[0].completed + step
        rate = done / max(time.monotonic() - self._started, 1e-6)
        self._progress.update(self._task, advance=step, records=self._records, rate=f"{rate:.1f} files/s")

    def note(self, line: str) -> None:
        self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
