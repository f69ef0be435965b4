"""Comparison rows (``diff`` and ``scorecard``) in the formats of ``extract``.

JSON Lines and JSON write each row as an object whose record fields
(``old``, ``new``, ``target``, ``actual``) are record objects in schema
order. CSV and XLSX flatten a row: the row's own fields, then each record's
``doc``, ``text``, ``value``, ``value_max``, ``unit``, ``comparator``,
``period`` and ``sentence`` behind its prefix (``old_text``…). The XLSX
workbook has one sheet per comparison and a Summary sheet of counts (a row
per comparison, then one for all of them); the
terminal table shows one block per comparison and a closing count.
"""
from __future__ import annotations

import csv
import json
import os
import sys
from collections import Counter
from pathlib import PurePath
from collections.abc import Sequence
from typing import IO, Any

from ..compare import CHANGES, STATUSES, DiffRow, ScoreRow, figure_at
from .atomic import atomic_path
from .csv_out import BOM, csv_cell
from .safety import strip_terminal_controls, xlsx_text

#: The formats a comparison is written in (those of ``extract`` but the review page).
FORMATS = ("table", "json", "jsonl", "csv", "xlsx")

#: The record fields a flattened row keeps of each record it holds.
RECORD_COLUMNS = ("doc", "text", "value", "value_max", "unit", "comparator", "period", "sentence")

#: One comparison: its title (old → new) and its rows.
Comparison = tuple[str, Sequence[DiffRow | ScoreRow]]


#: What each kind of comparison writes: its own fields, the records it holds
#: and the values its verdict takes.
SHAPES = {
    "diff": (("indicator", "subject", "change"), ("old", "new"), CHANGES),
    "scorecard": (("indicator", "subject", "status", "gap"), ("target", "actual"), STATUSES),
}


def kind_of(comparisons: Sequence[Comparison]) -> str:
    """"scorecard" when the rows are ScoreRows, else "diff"."""
    for _, rows in comparisons:
        if rows:
            return "scorecard" if isinstance(rows[0], ScoreRow) else "diff"
    return "diff"


def flat_header(kind: str) -> list[str]:
    own, held, _ = SHAPES[kind]
    return [*own, *(f"{side}_{name}" for side in held for name in RECORD_COLUMNS)]


def flat_row(row: DiffRow | ScoreRow) -> list[Any]:
    own, held, _ = SHAPES["scorecard" if isinstance(row, ScoreRow) else "diff"]
    values = [getattr(row, name) for name in own]
    for side in held:
        record = getattr(row, side)
        values.extend(getattr(record, name) if record is not None else None for name in RECORD_COLUMNS)
    return values


def verdict(row: DiffRow | ScoreRow) -> str:
    return row.status if isinstance(row, ScoreRow) else row.change


def write_comparisons(comparisons: Sequence[Comparison], fmt: str, dest: str | os.PathLike | None = None, *,
                      kind: str | None = None, bom: bool = True, stream: IO | None = None,
                      width: int | None = None) -> int:
    """Write every comparison's rows in ``fmt`` to ``dest`` (atomically) or
    ``stream`` (default stdout); returns how many rows. ``kind`` ("diff" or
    "scorecard") names the columns when there may be no row to tell them by."""
    kind = kind or kind_of(comparisons)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} for a comparison; expected one of {', '.join(FORMATS)}")
    if kind not in SHAPES:
        raise ValueError(f"unknown comparison {kind!r}; expected diff or scorecard")
    if fmt == "xlsx":
        if dest is None:
            raise ValueError("an XLSX workbook needs an output file")
        with atomic_path(dest) as tmp:
            return _write_xlsx(comparisons, kind, tmp)
    if dest is None:
        return _write_text(comparisons, kind, fmt, stream or sys.stdout, bom, width, color=None)
    with atomic_path(dest) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        return _write_text(comparisons, kind, fmt, out, bom, width or 120, color=False)


def _write_text(comparisons, kind, fmt, out, bom, width, color) -> int:
    rows = [row for _, group in comparisons for row in group]
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "json":
        out.write(json.dumps([row.to_dict() for row in rows], ensure_ascii=False, indent=1) + "\n")
    elif fmt == "csv":
        if bom:
            out.write(BOM)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(flat_header(kind))
        for row in rows:
            writer.writerow([csv_cell(v) for v in flat_row(row)])
    elif fmt == "table":
        _write_table(comparisons, kind, out, width, color)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return len(rows)


def _mention(record) -> str:
    if record is None:
        return "—"
    period = f" ({record.period})" if record.period else ""
    return strip_terminal_controls(f"{record.text}{period}")


def _write_table(comparisons, kind, out, width, color) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=width, color_system="auto" if color is not False else None,
                      force_terminal=color, highlight=False)
    totals: Counter = Counter()
    for title, rows in comparisons:
        _, held, _ = SHAPES[kind]
        scoring = kind == "scorecard"
        table = Table(title=strip_terminal_controls(title), box=box.SQUARE, title_justify="left")
        table.add_column("Indicator", ratio=2)
        table.add_column(held[0].capitalize(), ratio=2)
        table.add_column(held[1].capitalize(), ratio=2)
        table.add_column("Status" if scoring else "Change", no_wrap=True)
        if scoring:
            table.add_column("Gap", justify="right", no_wrap=True)
        table.add_column("Evidence" if scoring else "Sentence", ratio=5)
        for row in rows:
            first, second = getattr(row, held[0]), getattr(row, held[1])
            shown = second or first
            cells = [strip_terminal_controls(row.indicator or "—"), _mention(first), _mention(second), verdict(row)]
            if scoring:
                cells.append("" if row.gap is None else f"{row.gap:g}")
            cells.append(_evidence(shown))
            table.add_row(*cells)
        totals.update(verdict(row) for row in rows)
        console.print(table)
    counts = ", ".join(f"{n} {name}" for name, n in sorted(totals.items(), key=lambda kv: _order(kv[0])))
    console.print(f"{sum(totals.values())} rows: {counts or 'none'}, from {len(comparisons)} "
                  f"comparison{'s' if len(comparisons) != 1 else ''}")


def _order(name: str) -> int:
    values = CHANGES + STATUSES
    return values.index(name) if name in values else len(values)


#: Characters of a sentence shown before and after the mention in the table:
#: few before, so that the mention stays in view in a narrow column.
LEAD, TAIL = 8, 24


def _evidence(record):
    """The sentence from shortly before the mention, the mention highlighted."""
    from rich.text import Text

    from .table import MENTION_STYLE

    sentence = record.sentence or ""
    start = figure_at(sentence, record.text, record.metric)
    if start < 0:
        return Text(strip_terminal_controls(sentence))
    end = start + len(record.text)
    left = max(0, start - LEAD)
    text = Text("…" if left else "")
    text.append(strip_terminal_controls(sentence[left:start]))
    text.append(strip_terminal_controls(sentence[start:end]), style=MENTION_STYLE)
    right = min(len(sentence), end + TAIL)
    text.append(strip_terminal_controls(sentence[end:right]) + ("…" if right < len(sentence) else ""))
    return text


def _sheet_name(title: str, used: set[str]) -> str:
    """A unique sheet name (31 characters at most, none Excel refuses) from a
    comparison's title: the two file names without folders or suffixes, the
    part they share written once (beijing-gwr-2025→2026)."""
    names = [PurePath(part.strip()).stem for part in title.split(" → ")]
    if len(names) == 2:
        shared = 0
        while shared < min(map(len, names)) and names[0][shared] == names[1][shared]:
            shared += 1
        while shared and names[0][shared - 1].isalnum():
            shared -= 1  # keep a word whole: 2025→2026, not 5→6
        name = f"{names[0]}→{names[1][shared:]}" if shared else f"{names[0]}→{names[1]}"
    else:
        name = title
    name = "".join(c for c in name if c not in "[]:*?/\\'").strip() or "Comparison"
    name = name[:28]
    candidate, n = name, 2
    while candidate.lower() in used or candidate.lower() == "summary":
        candidate, n = f"{name[:25]} {n}", n + 1
    used.add(candidate.lower())
    return candidate


def _cell(value: Any) -> Any:
    return xlsx_text(value) if isinstance(value, str) else value


def _write_xlsx(comparisons: Sequence[Comparison], kind: str, path) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    used: set[str] = set()
    header_font = Font(bold=True)
    values = SHAPES[kind][2]
    summary.append(["comparison", "sheet", "rows", *values])
    count, totals = 0, Counter()
    for title, rows in comparisons:
        sheet = book.create_sheet(_sheet_name(title, used))
        sheet.append([_cell(h) for h in flat_header(kind)])
        for row in rows:
            sheet.append([_cell(v) for v in flat_row(row)])
        for cell in sheet[1]:
            cell.font = header_font
        sheet.freeze_panes = "A2"
        tally = Counter(verdict(row) for row in rows)
        summary.append([_cell(title), sheet.title, len(rows), *(tally.get(v, 0) for v in values)])
        count += len(rows)
        totals.update(tally)
    if len(comparisons) > 1:
        summary.append(["all", None, count, *(totals.get(v, 0) for v in values)])
    for cell in summary[1]:
        cell.font = header_font
    book.save(path)
    return count


__all__ = ["FORMATS", "SHAPES", "flat_header", "flat_row", "kind_of", "write_comparisons"]
