"""Replace a file only once its new content is complete.

Output goes to a temporary file beside the destination (same file system, so
``os.replace`` is atomic); on any exception the temporary file is removed and
whatever was at the destination before stays as it was. The content is on disk
before the rename and the rename before the block returns, so a store may
record the output as delivered once it has.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync(path: Path) -> None:
    """Flush a file's content, or a folder's entries, to disk (where the system allows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a folder
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(dest: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path to write; move it onto ``dest`` when the block succeeds."""
    dest = Path(dest)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        try:
            mode = dest.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        _sync(tmp)
        os.replace(tmp, dest)
        _sync(dest.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
