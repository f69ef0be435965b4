"""Atheris harness: arbitrary bytes through the reader and the engine, checked against the record contract.

Each input is read as a document with ``policycli.readers.read_bytes``. A
``ReadError`` is an accepted outcome when its message is one line naming the
input; anything else the reader or the engine raises is a crash, and so is a
record that breaks the contract ``tests/test_fuzz.py`` states
(``check_records``). Run it as ``fuzz/README.md`` says.
"""
from __future__ import annotations

import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

with atheris.instrument_imports(include=["policycli"]):
    from policycli import extract_text
    from policycli.packs import default_packs
    from policycli.readers import ReadError, read_bytes

from test_fuzz import check_records  # noqa: E402  (needs tests/ on the path)

NAME = "fuzz-input"
PACKS = default_packs()


def test_one_input(data: bytes) -> None:
    """Read ``data`` and extract from it; raise on any broken promise."""
    try:
        source = read_bytes(data, NAME)
    except ReadError as exc:
        message = str(exc)
        if "\n" in message or not message.startswith(f"{NAME}: "):
            raise AssertionError(f"read error is not one line naming the input: {message!r}") from exc
        return
    records = extract_text(source.text, doc=NAME, packs=PACKS)
    check_records(source.text, records, doc=NAME)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
