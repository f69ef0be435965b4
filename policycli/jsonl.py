"""JSON Lines files of objects, read with errors that name the file and the line."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def read_objects(path: str | Path, error: type[Exception], check: Callable[[dict], str | None] | None = None,
                 what: str = "a JSON object") -> list[dict[str, Any]]:
    """Every JSON object in the JSON Lines file ``path``; blank lines are skipped.

    The first line that is no JSON object (``what`` the caller expects), or of
    which ``check`` names a problem, raises ``error`` with one line naming the
    file and that line; so does a file that cannot be read or is not UTF-8.
    """
    rows: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise error(f"{path}:{number}: not JSON ({exc.msg})") from None
                if not isinstance(row, dict):
                    raise error(f"{path}:{number}: expected {what}")
                problem = check(row) if check else None
                if problem:
                    raise error(f"{path}:{number}: {problem}")
                rows.append(row)
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text") from None
    return rows
