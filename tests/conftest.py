"""Shared fixtures: case tables and the shared corpus folder when it exists."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"


#: Root reads a file whatever its mode; a child that drops the two capabilities
#: behind that is held to the mode like any other user, so the tests of unreadable
#: files run, and can fail, under root too (as CI runs them).
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []

_READ_CHILD = """
import importlib, sys
from policycli.readers import ReadError
module, name = sys.argv[1].split(":")
try:
    getattr(importlib.import_module(module), name)(sys.argv[2])
except ReadError as exc:
    print(exc)
else:
    print("read without error")
"""


def read_error_as_a_user(path: Path, call: str) -> str:
    """What ``call`` (``module:function``) says of ``path`` in a process without root's file privileges."""
    if UNPRIVILEGED and not shutil.which(UNPRIVILEGED[0]):
        pytest.skip("running as root, and setpriv (util-linux) is not there to drop file privileges")
    result = subprocess.run([*UNPRIVILEGED, sys.executable, "-c", _READ_CHILD, call, str(path)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def load_cases(name: str) -> list[dict]:
    """The ``[[case]]`` entries of ``tests/cases/<name>.toml``."""
    with open(CASES / f"{name}.toml", "rb") as f:
        return tomllib.load(f)["case"]


def case_id(case: dict) -> str:
    return case.get("name") or case.get("numeral") or case.get("text", "")[:20]


@pytest.fixture(scope="session")
def shared() -> Path:
    """``../shared`` beside the checkout; tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
