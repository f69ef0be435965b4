"""Shared fixtures: case tables and the shared corpus folder when it exists."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"


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
