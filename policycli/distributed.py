"""Extraction on a Dask cluster: the per-file work of a local run, spread over a cluster's workers.

The inputs (sorted, as ``batch.expand`` gives them) are cut into partitions of
consecutive files; each partition is one task, run by whichever worker is
free, with the very per-file step a local batch runs (read by content, then
``extract_text``). Partitions depend on the inputs alone, never on the number
of workers, so the output is the same on one worker or a hundred. Workers
read each file by its path (a shared file system) or, with ``send_bytes``,
get its bytes read here. User packs travel to the workers as the loaded
``Packs`` object, sent once to each. dask is an optional dependency
(``pip install 'policycli[dask]'``), imported only by this module.
"""
from __future__ import annotations

import importlib
import math
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import readers
from .batch import DocResult, Summary, _extract, expand
from .export.parquet import MissingDependency, parquet_bytes, rows_table
from .record import FIELD_NAMES, SourceInfo

INSTALL_HINT = "pip install 'policycli[dask]'"
#: Partitions a run aims at when not told how many files each holds: enough to
#: keep a cluster's workers busy to the end, few enough that the dataset does
#: not become a heap of tiny files.
TARGET_PARTITIONS = 64
MAX_FILES_PER_PARTITION = 1000
PART_NAME = re.compile(r"part-\d+\.parquet\Z")
LOCAL_PREFIX = "local"


class DatasetError(Exception):
    """An output folder that cannot take a dataset; ``str()`` is one line naming it."""


class ExtractionFailed(Exception):
    """A file that failed while ``extract_bag`` was asked to raise; ``str()`` is its one-line error."""


def _require(module: str = "dask"):
    """``module`` (dask or distributed), or MissingDependency naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(f"running on a Dask cluster needs dask[distributed]: {INSTALL_HINT}") from None


def dask_modules() -> None:
    """Import what a cluster run needs, or raise MissingDependency naming the extra."""
    _require("distributed")
    _require("dask.bag")


def partition_size(files: int, requested: int | None = None) -> int:
    """Files in each partition: ``requested``, or enough to make about
    ``TARGET_PARTITIONS`` partitions (at most ``MAX_FILES_PER_PARTITION`` each)."""
    if requested is not None:
        if requested < 1:
            raise ValueError("files per partition must be at least 1")
        return requested
    return max(1, min(MAX_FILES_PER_PARTITION, math.ceil(files / TARGET_PARTITIONS)))


def partitions(paths: Sequence[str], per: int) -> list[list[str]]:
    """``paths`` cut into runs of ``per`` consecutive files."""
    return [list(paths[i:i + per]) for i in range(0, len(paths), per)]


def part_names(count: int) -> list[str]:
    """The file names of ``count`` partitions, in order, all of one width so they sort as numbered."""
    width = max(5, len(str(count - 1)))
    return [f"part-{i:0{width}d}.parquet" for i in range(count)]


# -- connecting -------------------------------------------------------------

def local_workers(scheduler: str) -> int | None:
    """The worker count ``local:N`` asks for (``local`` alone: one per CPU), or
    None for a scheduler's address; ValueError for a malformed ``local:``."""
    if scheduler != LOCAL_PREFIX and not scheduler.startswith(LOCAL_PREFIX + ":"):
        return None
    count = scheduler.partition(":")[2]
    if not count:
        return os.cpu_count() or 1
    if not (count.isdigit() and int(count) > 0):
        raise ValueError(f"--scheduler {scheduler}: expected local:N with N a whole number above 0")
    return int(count)


@contextmanager
def connect(scheduler: str, *, quiet_logs: bool = True) -> Iterator:
    """A ``distributed.Client`` for ``scheduler``: ``local:N`` starts a cluster of N
    single-threaded worker processes on this machine (its dashboard on a free
    port) and stops it afterwards; anything else is a scheduler's address
    (``tcp://host:8786``), an OSError when it cannot be reached within dask's
    connect timeout. ``quiet_logs`` keeps dask's own log lines below errors."""
    distributed = _require("distributed")
    workers = local_workers(scheduler)
    if quiet_logs:
        import logging

        logging.getLogger("distributed").setLevel(logging.ERROR)
    if workers is not None:
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
            yield client
        return
    with distributed.Client(scheduler) as client:
        yield client


# -- the work on each worker --------------------------------------------------

def _items(paths: Sequence[str], send_bytes: bool, max_bytes: int) -> list[tuple[str, bytes | str | None]]:
    """What travels for each file: nothing but its path, or its bytes read here
    (a one-line error instead when this machine cannot read it)."""
    if not send_bytes:
        return [(path, None) for path in paths]
    items = []
    for path in paths:
        try:
            items.append((path, readers.read_raw(path, max_bytes=max_bytes)))
        except readers.ReadError as exc:
            items.append((path, str(exc)))
    return items


def _extract_items(items, max_bytes: int, packs) -> list[DocResult]:
    results = []
    for path, data in items:
        if isinstance(data, str):
            results.append(DocResult(path, "failed", error=data))
        else:
            results.append(_extract(path, max_bytes, packs, data))
    return results


def _sorted_rows(results: Sequence[DocResult], keep) -> list[tuple]:
    """The rows of ``results`` that ``keep`` accepts, by path and then offset."""
    rows = []
    for result in sorted(results, key=lambda r: r.path):
        found = result.found.filtered(keep) if keep is not None and keep.active else result.found
        rows.extend(sorted(found.rows, key=lambda row: (row[1], row[2])))
    return rows


def _dataset_task(items, max_bytes: int, packs, keep) -> tuple[list[SourceInfo], bytes]:
    """One partition on a worker: what happened to each file, and its rows as a Parquet file."""
    results = _extract_items(items, max_bytes, packs)
    return [r.source_info() for r in results], parquet_bytes(_sorted_rows(results, keep))


def _records_task(items, max_bytes: int, packs, errors: str) -> list[dict]:
    results = _extract_items(items, max_bytes, packs)
    if errors == "raise":
        for result in results:
            if result.error is not None:
                raise ExtractionFailed(result.error)
    return [dict(zip(FIELD_NAMES, row)) for row in _sorted_rows(results, None)]


# -- the library: a bag and a DataFrame -----------------------------------------

def extract_bag(paths: Sequence[str], packs=None, *, files_per_partition: int | None = None,
                send_bytes: bool = False, max_bytes: int = readers.DEFAULT_MAX_BYTES, errors: str = "raise"):
    """A ``dask.bag`` of record dicts (schema field order) for the files, folders
    and globs in ``paths``, sorted by path and offset, one partition per run of
    files.

    ``packs`` (from ``policycli.packs.load_packs``) go to each worker once.
    With ``send_bytes`` the files are read here when the bag is built and
    their bytes travel in the graph, for workers without this file system.
    ``errors="raise"`` makes a file that cannot be read or extracted fail the
    computation with its one-line error; ``"skip"`` leaves its records out.
    """
    dask = _require()
    import dask.bag as db

    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    files = expand(paths).paths
    per = partition_size(len(files), files_per_partition)
    chunks = [_items(chunk, send_bytes, max_bytes) for chunk in partitions(files, per)]
    shared_packs = dask.delayed(packs, traverse=False) if packs is not None else None
    return db.from_sequence(chunks, npartitions=max(1, len(chunks))).map_partitions(
        _flatten_records, max_bytes=max_bytes, packs=shared_packs, errors=errors)


def _flatten_records(chunks, max_bytes: int, packs, errors: str) -> list[dict]:
    return [record for items in chunks for record in _records_task(items, max_bytes, packs, errors)]


def frame_meta():
    """An empty pandas DataFrame with the record schema's columns and dtypes."""
    return _frame([])


def _frame(records: Sequence[dict]):
    """Record dicts as a pandas DataFrame: int64 offsets, float64 values, string columns."""
    import pandas as pd

    pa = __import__("pyarrow")
    rows = [tuple(record[name] for name in FIELD_NAMES) for record in records]
    table = rows_table(rows)
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)


def records_frame(bag):
    """A Dask DataFrame of a bag of record dicts (as ``extract_bag`` gives), one
    partition per bag partition, with the schema's columns and dtypes."""
    _require()
    import dask
    import dask.dataframe as dd

    parts = [dask.delayed(_frame)(part) for part in bag.to_delayed()]
    return dd.from_delayed(parts, meta=frame_meta(), verify_meta=False)


# -- the command line's run: a Parquet dataset -----------------------------------

def check_folder(out_dir: Path) -> None:
    """Refuse a destination that is a file, or a folder holding anything but an earlier dataset."""
    if not out_dir.exists():
        if not out_dir.absolute().parent.is_dir():
            raise DatasetError(f"{out_dir}: folder {out_dir.absolute().parent} does not exist")
        return
    if not out_dir.is_dir():
        raise DatasetError(f"{out_dir}: is a file; a cluster run writes a folder of Parquet files")
    strangers = sorted(entry.name for entry in out_dir.iterdir() if not PART_NAME.match(entry.name))
    if strangers:
        raise DatasetError(f"{out_dir}: holds {strangers[0]}, which is no part of a policycli dataset; "
                           "give a new or empty folder")


def _publish(staging: Path, out_dir: Path) -> None:
    """Put the finished dataset in place of ``out_dir``, and only then remove the earlier one."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(staging, 0o777 & ~mask)
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=out_dir.absolute().parent))
    os.rename(out_dir, old / out_dir.name)
    os.rename(staging, out_dir)
    shutil.rmtree(old)


def _failed_partition(paths: Sequence[str], exc: BaseException) -> list[SourceInfo]:
    reason = " ".join(f"{type(exc).__name__}: {exc}".split())
    return [SourceInfo(path, error=f"{path}: {reason}", status="failed") for path in paths]


def write_dataset(
    inputs: Sequence[str],
    out_dir: str | os.PathLike,
    client,
    *,
    packs=None,
    keep=None,
    files_per_partition: int | None = None,
    send_bytes: bool = False,
    max_bytes: int = readers.DEFAULT_MAX_BYTES,
    on_source: Callable[[SourceInfo], None] | None = None,
) -> list[SourceInfo]:
    """Extract ``inputs`` (files, already expanded) on ``client``'s cluster into
    a Parquet dataset at ``out_dir``, one ``part-NNNNN.parquet`` per partition;
    returns what happened to each file, in path order.

    Workers encode their partition's Parquet file; this process only writes
    the files, into a hidden folder beside ``out_dir`` that replaces it once
    every partition is in (an earlier dataset there is replaced whole; a
    folder holding anything else is refused with ``DatasetError``). At most a
    few partitions per worker are in flight, so with ``send_bytes`` only
    those files' bytes are held here. ``keep`` (a ``RecordFilter``) chooses
    the rows written; ``on_source`` hears of each file as its partition ends.
    A partition the cluster cannot run (its workers keep dying) is written
    empty and its files reported failed; the others are still written.
    """
    distributed = _require("distributed")
    out_dir = Path(out_dir)
    check_folder(out_dir)
    paths = sorted(inputs)
    chunks = partitions(paths, partition_size(len(paths), files_per_partition))
    names = part_names(len(chunks))
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.absolute().parent))
    token = uuid.uuid4().hex[:12]
    outcomes: dict[int, list[SourceInfo]] = {}
    waiting = distributed.as_completed()
    index_of = {}
    try:
        packs_ref = client.scatter(packs, broadcast=True, hash=False) if packs is not None else None
        limit = max(4, 2 * sum(client.nthreads().values()))
        queue = iter(enumerate(chunks))

        def submit_next() -> None:
            index, chunk = next(queue, (None, None))
            if chunk is None:
                return
            future = client.submit(_dataset_task, _items(chunk, send_bytes, max_bytes), max_bytes,
                                   packs_ref, keep, key=f"policycli-{token}-{index}", pure=False)
            index_of[future.key] = (index, future)
            waiting.add(future)

        for _ in range(limit):
            submit_next()
        for future in waiting:
            index, _ = index_of.pop(future.key)
            try:
                infos, data = future.result()
            except Exception as exc:  # the cluster gave up on this partition: a worker kept dying
                infos, data = _failed_partition(chunks[index], exc), parquet_bytes([])
            future.release()
            (staging / names[index]).write_bytes(data)
            outcomes[index] = infos
            if on_source is not None:
                for info in infos:
                    on_source(info)
            submit_next()
        _publish(staging, out_dir)
    except BaseException:
        client.cancel([future for _, future in index_of.values()])
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [info for index in sorted(outcomes) for info in outcomes[index]]


def tally(summary: Summary, info: SourceInfo) -> None:
    """Count one file's outcome into a batch ``Summary`` (the closing line's figures)."""
    summary.files += 1
    if info.status == "ok":
        summary.processed += 1
        summary.records += info.records
    else:
        summary.failed += 1


__all__ = ["DatasetError", "ExtractionFailed", "check_folder", "connect", "dask_modules", "local_workers", "extract_bag", "frame_meta", "records_frame",
           "write_dataset", "partition_size", "part_names", "tally"]
