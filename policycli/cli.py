"""The ``policycli`` command line: a thin typer layer over batch, store, export and evaluate.

Records go to stdout, everything else (progress, warnings, failures, the
closing summary) to stderr. Exit codes: 0 all inputs processed, 1 some
failed, 2 usage error, 75 store locked by another run, 130 interrupted
(SIGINT), 143 terminated (SIGTERM).
"""
from __future__ import annotations

import io
import os
import signal
import sys
from pathlib import Path
from typing import Optional

import typer

from . import readers

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM

app = typer.Typer(
    name="policycli",
    help="Extract quantified commitments from Chinese policy documents as traceable records.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

KIND_HELP = "Keep only these kinds, comma-separated: target, plan, fact."
UNIT_KIND_HELP = "Keep only these unit kinds, comma-separated: currency, area, percent, count, ..."
SUBJECT_HELP = "Keep only records whose subject contains this text."
FORMAT_HELP = ("table, json, jsonl, csv, xlsx, parquet or html (a review page). Default: from -o's suffix; "
               "else table on a terminal, jsonl in a pipe.")


def _print_version(value: bool) -> None:
    """``--version``: the installed distribution's version, as its metadata gives it."""
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("policycli")
    except PackageNotFoundError:  # run from a source tree that was never installed
        from . import __version__ as number
    typer.echo(f"policycli {number}")
    raise typer.Exit()


@app.callback(epilog="Examples:\n\n    policycli --version\n\n    policycli extract --help")
def _options(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Extract quantified commitments from Chinese policy documents as traceable records."""


def _say(line: str) -> None:
    """One line on stderr."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _usage_error(message: str) -> typer.Exit:
    _say(f"policycli: error: {message}")
    return typer.Exit(EXIT_USAGE)


def _choose_format(fmt: str | None, output: Path | None) -> str:
    """The output format: ``--format``, else ``-o``'s suffix, else by what stdout is.

    Also refuses, before any work is done, an output that cannot be written.
    """
    from .export import FORMATS, format_from_path

    if fmt is not None:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise _usage_error(f"--format: unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
        named = format_from_path(output) if output is not None else None
        if named is not None and named != fmt:
            raise _usage_error(f"-o {output}: the suffix says {named}, --format says {fmt}; make them agree")
    elif output is not None:
        fmt = format_from_path(output)
        if fmt is None:
            raise _usage_error(f"-o {output}: cannot tell the format from the suffix; add --format")
    else:
        fmt = "table" if sys.stdout.isatty() else "jsonl"
    if output is not None and not output.absolute().parent.is_dir():
        raise _usage_error(f"-o {output}: folder {output.absolute().parent} does not exist")
    if output is None and fmt == "xlsx" and sys.stdout.isatty():
        raise _usage_error("an XLSX workbook cannot go to a terminal; give -o FILE.xlsx")
    if output is None and fmt == "html" and sys.stdout.isatty():
        raise _usage_error("an HTML review page cannot go to a terminal; give -o FILE.html")
    if fmt == "parquet":
        from .export.parquet import pyarrow

        _need(pyarrow)
    return fmt


def _need(load) -> None:
    """Call ``load`` (which imports an optional dependency); exit 2 with its
    one-line install hint when the dependency is missing."""
    from .export.parquet import MissingDependency

    try:
        load()
    except MissingDependency as exc:
        raise _usage_error(str(exc)) from None


def _record_filter(kind: str | None, unit_kind: str | None, subject: str | None):
    from .filters import FilterError, RecordFilter

    try:
        return RecordFilter.from_options(kind, unit_kind, subject)
    except FilterError as exc:
        raise _usage_error(str(exc)) from None


def _silence_stdout() -> None:
    """After the reader of a pipe has gone, send further output (and the final
    flush at exit) to /dev/null so Python prints no BrokenPipeError."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # not a real file descriptor (a test runner's buffer): nothing to flush later
    finally:
        os.close(devnull)


def _deliver(write, output: Path | None) -> bool:
    """Run ``write`` (an exporter's call) to ``output`` or stdout; False when
    stdout's reader went away mid-way. Any other write error is one line on
    stderr and exit code 1."""
    try:
        write()
        if output is None:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return False
    except OSError as exc:
        _say(f"policycli: {exc.filename or output or 'stdout'}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_FAILED) from None
    return True


def _write(records, fmt: str, output: Path | None, sources, bom: bool, texts=None) -> bool:
    """Write with the exporters; False when stdout's reader went away mid-way."""
    from .export import write_records

    if not _deliver(lambda: write_records(records, fmt, output, sources=sources, bom=bom, texts=texts), output):
        return False
    for problem in getattr(texts, "problems", ()):
        _say(f"policycli: warning: {problem}")
    return True


def _page_texts(fmt: str, stdin_data: bytes | None = None, expected_sha256=None, max_bytes=None):
    """What an HTML page reads its documents' text from; None for the other formats."""
    if fmt != "html":
        return None
    from .export.doc_texts import DocumentTexts

    return DocumentTexts(preloaded={"-": stdin_data} if stdin_data is not None else None,
                         expected_sha256=expected_sha256, max_bytes=max_bytes or readers.DEFAULT_MAX_BYTES)


def _check_packs(pack_paths: tuple[str, ...]):
    """Load extra packs before any work, or exit 2 saying why. Without them the
    pattern engine is not imported here: the shipped packs load where files are
    extracted, and a re-run over unchanged files extracts none."""
    from .packs import PackError, load_packs

    try:
        return load_packs(extra=pack_paths)
    except PackError as exc:
        raise _usage_error(str(exc)) from None


def _open_store(db: Path):
    """Open ``db`` for writing, or exit: 75 when another run holds it, 1 when it is unusable."""
    from .store import Store, StoreError, StoreLocked

    try:
        return Store(db)
    except StoreLocked as exc:
        _say(f"policycli: {exc}")
        raise typer.Exit(EXIT_LOCKED) from None
    except StoreError as exc:
        _say(f"policycli: {exc}")
        raise typer.Exit(EXIT_FAILED) from None


#: Options several commands declare alike, declared once (typer reads these
#: as the parameters' defaults).
OUTPUT_OPTION = typer.Option(None, "-o", "--output", help="Write here (atomically) instead of stdout.")
NO_BOM_OPTION = typer.Option(False, "--no-bom", help="Write CSV without the UTF-8 byte order mark.")
QUIET_OPTION = typer.Option(False, "--quiet", "-q", help="Nothing on stderr unless something failed.")


@app.command(epilog="Examples:\n\n"
             "    policycli extract report.txt\n\n"
             "    policycli extract docs/ 'more/*.html' -o commitments.xlsx --kind target\n\n"
             "    policycli extract report.txt -o review.html\n\n"
             "    cat notice.txt | policycli extract - --format json\n\n"
             "    policycli extract /data/policies --db /data/policies.sqlite -o /data/new.jsonl --quiet\n\n"
             "    policycli extract /data/policies --scheduler tcp://10.0.0.5:8786 -o /data/records/\n\n"
             "    policycli extract docs/ --scheduler local:4 -o records/")
def extract(
    inputs: list[str] = typer.Argument(..., metavar="FILE_OR_DIR_OR_GLOB...",
                                       help="Files, folders (walked recursively) or quoted globs; - reads stdin."),
    output: Optional[Path] = OUTPUT_OPTION,
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    kind: Optional[str] = typer.Option(None, "--kind", help=KIND_HELP),
    unit_kind: Optional[str] = typer.Option(None, "--unit-kind", help=UNIT_KIND_HELP),
    subject: Optional[str] = typer.Option(None, "--subject", help=SUBJECT_HELP),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes. Default: the CPU count."),
    db: Optional[Path] = typer.Option(None, "--db", help="SQLite store: skip unchanged files, keep every record."),
    pack: list[Path] = typer.Option([], "--pack", help="An extra pattern pack (TOML); repeatable."),
    max_bytes: int = typer.Option(readers.DEFAULT_MAX_BYTES, "--max-bytes", min=1,
                                  help="Refuse files larger than this."),
    force: bool = typer.Option(False, "--force", help="With --db, re-extract unchanged files too."),
    no_bom: bool = NO_BOM_OPTION,
    quiet: bool = QUIET_OPTION,
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Also name each file a folder walk did not read, and why."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", metavar="ADDRESS",
        help="Run on a Dask cluster (tcp://HOST:8786, or local:N for N worker processes here); "
             "-o names the folder of the Parquet dataset written."),
    send_bytes: bool = typer.Option(False, "--send-bytes",
                                    help="With --scheduler, send the files' bytes to workers that do not "
                                         "share this file system."),
    partition_files: Optional[int] = typer.Option(None, "--partition-files", min=1,
                                                  help="With --scheduler, files per partition (one Parquet file "
                                                       "each). Default: from the number of files."),
) -> None:
    """Extract records from documents and write them to stdout or -o.

    With --db, files whose content is unchanged since the last run are skipped
    and their records are not written again (use `policycli export` for all of
    them); records an earlier run stored but never delivered, because it was
    stopped before its output was complete, are written with this run's.
    With --scheduler, files are spread over a Dask cluster's workers and -o is
    a folder that receives a Parquet dataset (see docs/cluster.md).
    """
    from . import batch

    if scheduler is not None:
        _extract_on_cluster(inputs, output, fmt, scheduler, db, pack, max_bytes, send_bytes, partition_files,
                            _record_filter(kind, unit_kind, subject), quiet, verbose)
    fmt = _choose_format(fmt, output)
    keep = _record_filter(kind, unit_kind, subject)
    pack_paths = tuple(str(path) for path in pack)
    packs = _check_packs(pack_paths) if pack_paths else None

    found = batch.expand(inputs)
    if db is not None and batch.STDIN in found.paths:
        raise _usage_error("--db records files by path; stdin (-) cannot be stored")
    if not quiet:
        for arg in found.unmatched:
            _say(f"policycli: warning: {arg}: no input files")
        if verbose:
            for suffix, names in found.unsupported.items():
                for name in names:
                    _say(f"policycli: not read: {name} ({batch.why_not_read(suffix)})")

    store = _open_store(db) if db is not None else None
    summary = batch.Summary(unsupported=found.unsupported)
    sources = []
    delivered: list[str] = []  # documents whose records this run's output holds
    # Not while records stream to the same terminal: the bar would tear them.
    # A table is printed only once every file is done, after the bar is gone.
    show_progress = not quiet and sys.stderr.isatty() and (
        output is not None or fmt == "table" or not sys.stdout.isatty())
    progress = None
    if show_progress:
        from rich.console import Console

        progress = batch.ProgressBar(len(found.paths), Console(stderr=True))
    note = progress.note if progress is not None else _say
    stdin = getattr(sys.stdin, "buffer", None)
    stdin_data = None
    if fmt == "html" and batch.STDIN in found.paths and stdin is not None:
        stdin_data = stdin.read(max_bytes + 1)  # kept: the page shows the text the records index
        stdin = io.BytesIO(stdin_data)
    texts = _page_texts(fmt, stdin_data, max_bytes=max_bytes)
    results = batch.run(found, packs=packs, pack_paths=pack_paths, jobs=jobs, max_bytes=max_bytes,
                        store=store, force=force, stdin=stdin,
                        json_lines=fmt in ("json", "jsonl"), backlog=store is not None)

    def records():
        """Each document's records as the block of rows (and JSON lines) the run packed."""
        for result in results:
            summary.add(result)
            sources.append(result.source_info())
            if progress is not None:
                progress.advance(result)
            if result.error:
                note(result.error)
            if result.status == "ok" or result.backlog:
                delivered.append(result.path)
            kept = result.found.filtered(keep) if keep.active else result.found
            if kept:
                yield kept
        if progress is not None:
            progress.stop()

    stream = records()
    complete = False
    try:
        if progress is not None:
            progress.start()
        complete = _write(stream, fmt, output, sources, bom=not no_bom, texts=texts)
        if complete and store is not None:  # only now: the output is in place, whole
            store.mark_delivered(delivered, to=str(output) if output is not None else "-")
        if not complete and store is not None:
            for _ in stream:  # the reader has gone, but the store still gets every document
                pass
    except KeyboardInterrupt:
        _say("policycli: interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Terminated:
        _say("policycli: terminated")
        raise typer.Exit(EXIT_TERMINATED) from None
    finally:
        stream.close()
        results.close()
        if progress is not None:
            progress.stop()
        if store is not None:
            store.close()
    code = EXIT_FAILED if summary.failed else 0
    if complete or store is not None:  # a cut-short run without a store has no summary to give
        if summary.failed or not quiet:
            _say(summary.line())
    raise typer.Exit(code)


def _extract_on_cluster(inputs, output, fmt, scheduler, db, pack, max_bytes, send_bytes, partition_files,
                        keep, quiet, verbose) -> None:
    """``extract --scheduler``: a Parquet dataset from a Dask cluster, the usual summary on stderr."""
    from . import batch
    from .distributed import DatasetError, check_folder, connect, dask_modules, local_workers, tally, write_dataset
    from .export.parquet import pyarrow

    if output is None:
        raise _usage_error("--scheduler writes a Parquet dataset: give -o FOLDER")
    if fmt is not None and fmt.lower() != "parquet":
        raise _usage_error("--scheduler writes Parquet only; drop --format or give --format parquet")
    if db is not None:
        raise _usage_error("--scheduler does not use a --db store; run without one of them")
    _need(dask_modules)
    _need(pyarrow)
    packs = _check_packs(tuple(str(path) for path in pack)) if pack else None
    found = batch.expand(inputs)
    if batch.STDIN in found.paths:
        raise _usage_error("--scheduler reads files; stdin (-) cannot be sent to a cluster")
    if not found.paths:
        raise _usage_error(f"no input files in {' '.join(inputs)}")
    if not quiet:
        for arg in found.unmatched:
            _say(f"policycli: warning: {arg}: no input files")
        if verbose:
            for suffix, names in found.unsupported.items():
                for name in names:
                    _say(f"policycli: not read: {name} ({batch.why_not_read(suffix)})")
    try:
        check_folder(output)
        local_workers(scheduler)
    except (DatasetError, ValueError) as exc:
        raise _usage_error(str(exc)) from None
    summary = batch.Summary(unsupported=found.unsupported)
    try:
        with connect(scheduler) as client:
            sources = write_dataset(found.paths, output, client, packs=packs, keep=keep if keep.active else None,
                                    files_per_partition=partition_files, send_bytes=send_bytes,
                                    max_bytes=max_bytes)
    except DatasetError as exc:  # the folder changed since it was checked
        _say(f"policycli: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    except KeyboardInterrupt:
        _say("policycli: interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except OSError as exc:
        _say(f"policycli: {scheduler}: {' '.join(str(exc).split())}")
        raise typer.Exit(EXIT_FAILED) from None
    for info in sources:
        tally(summary, info)
        if info.error:
            _say(info.error)
    if summary.failed or not quiet:
        _say(summary.line())
    raise typer.Exit(EXIT_FAILED if summary.failed else 0)


@app.command(epilog="Examples:\n\n"
             "    policycli export --db policies.sqlite -o all.xlsx\n\n"
             "    policycli export --db policies.sqlite -o targets.csv --kind target --since 2026-01-01\n\n"
             "    policycli export --db policies.sqlite -o review.html --since 2026-01-01\n\n"
             "    policycli export --db policies.sqlite -o records.parquet")
def export(
    db: Path = typer.Option(..., "--db", help="The SQLite store written by `extract --db`."),
    output: Optional[Path] = OUTPUT_OPTION,
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    since: Optional[str] = typer.Option(None, "--since",
                                        help="Only documents processed at or after this ISO date or time (UTC)."),
    kind: Optional[str] = typer.Option(None, "--kind", help=KIND_HELP),
    unit_kind: Optional[str] = typer.Option(None, "--unit-kind", help=UNIT_KIND_HELP),
    subject: Optional[str] = typer.Option(None, "--subject", help=SUBJECT_HELP),
    no_bom: bool = NO_BOM_OPTION,
) -> None:
    """Write the records kept in a store, with the same formats and filters as extract."""
    from .store import Store, StoreError, normalise_since

    fmt = _choose_format(fmt, output)
    keep = _record_filter(kind, unit_kind, subject)
    if since is not None:
        try:
            since = normalise_since(since)
        except ValueError as exc:
            raise _usage_error(str(exc)) from None
    try:
        store = Store(db, readonly=True)
    except StoreError as exc:
        _say(f"policycli: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    with store:
        sources = store.sources(since)
        texts = _page_texts(fmt, expected_sha256={path: seen.sha256 for path, seen in store.known().items()})
        try:
            _write(filter(keep, store.records(since)), fmt, output, sources, bom=not no_bom, texts=texts)
        except KeyboardInterrupt:
            _say("policycli: interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None


COMPARE_FORMAT_HELP = "table, json, jsonl, csv or xlsx. Default: from -o's suffix; else table on a terminal, jsonl in a pipe."
COMPARE_FORMAT_OPTION = typer.Option(None, "--format", "-f", help=COMPARE_FORMAT_HELP)
COMPARE_DB_OPTION = typer.Option(None, "--db", help="Read the inputs' records from this store.")
COMPARE_PACK_OPTION = typer.Option([], "--pack", help="An extra pattern pack (TOML), e.g. more indicators; repeatable.")
COMPARE_MAX_BYTES_OPTION = typer.Option(readers.DEFAULT_MAX_BYTES, "--max-bytes", min=1,
                                        help="Refuse documents larger than this.")
COMPARE_INPUT_HELP = "A document (txt, html, docx, pdf), a JSON Lines file of records, or with --db a stored path."


def _compare(command: str, first: str | None, second: str | None, pairs: Path | None, output: Path | None,
             fmt: str | None, db: Path | None, pack: list[Path], max_bytes: int, no_bom: bool, quiet: bool,
             run) -> None:
    """Run ``run(first, second, packs)`` on each pair and write every
    comparison; a pair that cannot be read is one line on stderr and exit 1."""
    from .compare_inputs import CompareInputError, compare_pairs, read_pairs, stored_records
    from .export.comparison import FORMATS, write_comparisons

    if pairs is not None and (first or second):
        raise _usage_error(f"{command}: give two inputs or --pairs, not both")
    if pairs is None and not (first and second):
        raise _usage_error(f"{command}: give two inputs (or --pairs FILE.csv)")
    fmt = _choose_format(fmt, output)
    if fmt not in FORMATS:
        raise _usage_error(f"{command} writes {', '.join(FORMATS)}, not {fmt}")
    packs = _check_packs(tuple(str(p) for p in pack)) if pack else None
    try:
        todo = read_pairs(str(pairs)) if pairs is not None else [(first, second)]
    except CompareInputError as exc:
        raise _usage_error(str(exc)) from None
    stored = None
    if db is not None:
        from .store import Store, StoreError

        try:
            with Store(db, readonly=True) as store:
                stored = stored_records(store, {name for pair in todo for name in pair})
        except StoreError as exc:
            _say(f"policycli: {exc}")
            raise typer.Exit(EXIT_FAILED) from None
    try:
        comparisons, errors = compare_pairs(todo, lambda a, b: run(a, b, packs), stored=stored, packs=packs,
                                            max_bytes=max_bytes)
    except KeyboardInterrupt:
        _say("policycli: interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    for error in errors:
        _say(f"policycli: {error}")
    failed = len(errors)
    try:
        _deliver(lambda: write_comparisons(comparisons, fmt, output, kind=command, bom=not no_bom), output)
    except ValueError as exc:
        _say(f"policycli: {output or 'stdout'}: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    if failed or not quiet:
        rows = sum(len(rows) for _, rows in comparisons)
        _say(f"{rows} rows from {len(comparisons)} of {len(todo)} pairs" + (f"; {failed} failed" if failed else ""))
    raise typer.Exit(EXIT_FAILED if failed else 0)


@app.command(epilog="Examples:\n\n"
             "    policycli diff report-2025.docx report-2026.txt\n\n"
             "    policycli diff old.jsonl new.jsonl --format csv > changes.csv\n\n"
             "    policycli diff --pairs pairs.csv -o changes.xlsx\n\n"
             "    policycli diff /data/a-2025.docx /data/a-2026.txt --db /data/policies.sqlite")
def diff(
    old: Optional[str] = typer.Argument(None, metavar="OLD", help=COMPARE_INPUT_HELP),
    new: Optional[str] = typer.Argument(None, metavar="NEW", help=COMPARE_INPUT_HELP),
    pairs: Optional[Path] = typer.Option(None, "--pairs", help="A CSV file of old,new names, one pair a line."),
    output: Optional[Path] = OUTPUT_OPTION,
    fmt: Optional[str] = COMPARE_FORMAT_OPTION,
    db: Optional[Path] = COMPARE_DB_OPTION,
    pack: list[Path] = COMPARE_PACK_OPTION,
    max_bytes: int = COMPARE_MAX_BYTES_OPTION,
    old_year: Optional[int] = typer.Option(None, "--old-year", help="OLD's year. Default: read from its text, name or targets."),
    new_year: Optional[int] = typer.Option(None, "--new-year", help="NEW's year. Default: read from its text, name or targets."),
    no_bom: bool = NO_BOM_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Set NEW's targets beside OLD's: raised, lowered, same, reworded, new or dropped.

    Targets pair by indicator (地区生产总值 = 全省生产总值 = GDP; the names are
    the indicator pack's), unit and year; every target appears once.
    """
    from . import compare

    def run(a, b, packs):
        return compare.diff(a.records, b.records, old_year=old_year or a.year, new_year=new_year or b.year,
                            packs=packs)

    _compare("diff", old, new, pairs, output, fmt, db, pack, max_bytes, no_bom, quiet, run)


@app.command(epilog="Examples:\n\n"
             "    policycli scorecard report-2025.docx report-2026.txt\n\n"
             "    policycli scorecard targets.jsonl results.jsonl --tolerance-points 0.3 --format json\n\n"
             "    policycli scorecard --pairs pairs.csv -o scorecard.xlsx")
def scorecard(
    targets: Optional[str] = typer.Argument(None, metavar="TARGETS", help=COMPARE_INPUT_HELP),
    results: Optional[str] = typer.Argument(None, metavar="RESULTS", help=COMPARE_INPUT_HELP),
    pairs: Optional[Path] = typer.Option(None, "--pairs", help="A CSV file of targets,results names, one pair a line."),
    output: Optional[Path] = OUTPUT_OPTION,
    fmt: Optional[str] = COMPARE_FORMAT_OPTION,
    db: Optional[Path] = COMPARE_DB_OPTION,
    pack: list[Path] = COMPARE_PACK_OPTION,
    max_bytes: int = COMPARE_MAX_BYTES_OPTION,
    tolerance_points: float = typer.Option(0.2, "--tolerance-points", min=0,
                                           help="左右 allows a rate this many percentage points either way."),
    tolerance_share: float = typer.Option(0.02, "--tolerance-share", min=0,
                                          help="左右 allows any other figure this share of its value either way."),
    any_metric: bool = typer.Option(False, "--any-metric",
                                    help="Also judge targets whose metric is no known indicator, by a fact of the same metric."),
    target_year: Optional[int] = typer.Option(None, "--target-year", help="TARGETS' year. Default: read from its text, name or targets."),
    review_year: Optional[int] = typer.Option(None, "--review-year",
                                              help="The year RESULTS' undated figures report. Default: the year before RESULTS'."),
    no_bom: bool = NO_BOM_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Check TARGETS' targets against the results RESULTS reports: met, missed or unknown.

    Each target is judged by the fact that reports the same indicator for the
    target's year, never by a five-year average or another indicator; 左右
    allows the tolerance. Both sentences are kept as evidence.
    """
    from . import compare

    tolerance = compare.Tolerance(tolerance_points, tolerance_share)

    def run(a, b, packs):
        return compare.scorecard(a.records, b.records, target_year=target_year or a.year, result_year=b.year,
                                 review_year=review_year, tolerance=tolerance, any_metric=any_metric,
                                 result_text=b.text, packs=packs)

    _compare("scorecard", targets, results, pairs, output, fmt, db, pack, max_bytes, no_bom, quiet, run)


@app.command("eval", epilog="Example:\n\n    policycli eval seed/gold.jsonl pred.jsonl --show")
def eval_(
    gold: Path = typer.Argument(..., help="Gold records, JSON Lines."),
    pred: Path = typer.Argument(..., help="Predicted records, JSON Lines (as `extract` writes them)."),
    show: bool = typer.Option(False, "--show", help="Also list the misses and false finds."),
) -> None:
    """Score predicted records against gold ones: precision, recall, F1 and field accuracy."""
    from .evaluate import EvalInputError, format_report, load_jsonl, score

    loaded = []
    for path in (gold, pred):
        try:
            loaded.append(load_jsonl(path))
        except EvalInputError as exc:
            _say(" ".join(str(exc).split()))
            raise typer.Exit(EXIT_FAILED) from None
    typer.echo(format_report(score(*loaded), show=show))


@app.command("packs", epilog="Example:\n\n    policycli packs --pack my-units.toml")
def packs_(
    pack: list[Path] = typer.Option([], "--pack", help="An extra pattern pack (TOML) to check; repeatable."),
) -> None:
    """List the pattern packs in use (name, path, entries) and check that they load."""
    from .packs import PackError, load_packs

    try:
        loaded = load_packs(extra=tuple(str(path) for path in pack))
    except PackError as exc:
        _say(str(exc))
        raise typer.Exit(EXIT_FAILED) from None
    rows = [(str(f.name), str(f.path), str(f.entries)) for f in loaded.files]
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table("name", "path", "entries")
        for row in rows:
            table.add_row(*row)
        Console().print(table)
    else:
        for row in rows:
            typer.echo("\t".join(row))


@app.command("text", epilog="Example:\n\n    policycli text notice.html > notice.txt")
def text_(
    file: str = typer.Argument(..., metavar="FILE", help="A document; - reads stdin."),
    max_bytes: int = typer.Option(readers.DEFAULT_MAX_BYTES, "--max-bytes", min=1,
                                  help="Refuse files larger than this."),
) -> None:
    """Print the decoded text that record offsets index, exactly (no newline added)."""
    try:
        if file == "-":
            source = readers.read_bytes(sys.stdin.buffer.read(max_bytes + 1), "-", max_bytes=max_bytes)
        else:
            source = readers.read(file, max_bytes=max_bytes)
    except readers.ReadError as exc:
        _say(str(exc))
        raise typer.Exit(EXIT_FAILED) from None
    sys.stdout.flush()
    try:
        sys.stdout.buffer.write(source.text.encode("utf-8"))
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        _silence_stdout()


class Terminated(BaseException):
    """SIGTERM, raised where the main thread stands so that every ``finally``
    runs: worker pools shut down, transactions roll back, temporary files go.
    Not an ``Exception``, so that no handler for one file's errors catches it."""


def _on_sigterm(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Terminated


def main() -> None:
    """Run the command line (``policycli.__main__`` calls this), ending cleanly on SIGTERM."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        app()
    except Terminated:
        _say("policycli: terminated")
        sys.exit(EXIT_TERMINATED)
