"""A regular install works: the sdist carries the rule packs, a wheel built
from that sdist installs into a fresh virtual environment, and the installed
command extracts records with the packs it installed (not the checkout's)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from conftest import ROOT

#: Checkout files that are no part of a source tree a user would build from.
NOT_SOURCE = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", "build", "dist",
                                    ".pytest_cache", ".hypothesis", "out")


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, timeout=300, **kwargs)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    return result


def backend(hook: str, source: Path, out: Path) -> Path:
    """Call the project's PEP 517 build backend (setuptools, from the test extras) in ``source``."""
    out.mkdir()
    code = f"from setuptools import build_meta; print(build_meta.{hook}({str(out)!r}))"
    name = run(sys.executable, "-c", code, cwd=source).stdout.decode().split()[-1]
    return out / name


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding policycli installed from a wheel built from the sdist."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    sdist = backend("build_sdist", source, tmp / "sdist")
    with tarfile.open(sdist) as tar:
        # The "data" filter (Python 3.11.4 and later) refuses links and paths out of the folder.
        tar.extractall(tmp / "unpacked", **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    unpacked = next((tmp / "unpacked").iterdir())
    wheel = backend("build_wheel", unpacked, tmp / "wheel")
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    # The test venv's pip installs into the fresh one: the wheel and, from the
    # index (pip's cache makes this quick), the dependencies it declares.
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
        "--disable-pip-version-check", wheel)
    return venv


def test_sdist_carries_every_rule_pack(installed):
    sdist = next((installed.parent / "sdist").iterdir())
    with tarfile.open(sdist) as tar:
        names = {Path(*Path(n).parts[1:]).as_posix() for n in tar.getnames()}
    packs = {f"patterns/{p.name}" for p in (ROOT / "patterns").glob("*.toml")}
    assert packs and packs <= names


def test_wheel_install_extracts_from_stdin(installed, tmp_path):
    result = run(installed / "bin" / "policycli", "extract", "-", "--format", "jsonl",
                 input="全年力争引进项目24个，新增用地1300亩。".encode("utf-8"), cwd=tmp_path)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["text"], r["value"], r["unit"]) for r in records] == [("24个", 24, "个"), ("1300亩", 1300, "亩")]


def test_wheel_install_writes_a_review_page_with_its_assets(installed, tmp_path):
    """The page's stylesheet and script are package data too."""
    run(installed / "bin" / "policycli", "extract", "-", "-o", tmp_path / "page.html", "--quiet",
        input="全年力争引进项目24个。".encode("utf-8"), cwd=tmp_path)
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert all(Path(ROOT, "policycli", "export", name).read_text(encoding="utf-8") in page
               for name in ("review_page.css", "review_page.js"))


def test_wheel_install_reads_its_own_packs(installed, tmp_path):
    listing = run(installed / "bin" / "policycli", "packs", cwd=tmp_path).stdout.decode("utf-8")
    rows = [line.split("\t") for line in listing.splitlines() if "\t" in line]
    assert {Path(path).name for _, path, _ in rows} == {p.name for p in (ROOT / "patterns").glob("*.toml")}
    assert all(Path(path).is_relative_to(installed) for _, path, _ in rows)


def test_packs_load_from_a_zipped_package(installed, tmp_path):
    wheel = next((installed.parent / "wheel").iterdir())
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import policycli; "
            "assert policycli.__file__.startswith(sys.argv[1]), policycli.__file__; "
            "print(*[r.text for r in policycli.extract_text('新增用地1300亩')])")
    assert run(sys.executable, "-c", code, wheel, cwd=tmp_path).stdout.decode().split() == ["1300亩"]
