"""Make text safe for spreadsheets: no formula injection, no characters Excel rejects.

A spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` (and, in
some importers, tab or carriage return) as a formula, so text from a document
could run as one when a CSV or XLSX export is opened. Such text gets a leading
single quote. Numbers are never passed through here.
"""
from __future__ import annotations

import re


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# The control characters an XLSX cell cannot hold (the same set openpyxl refuses).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f]")

# C0 controls except tab and newline, DEL and C1 controls: what a terminal may act on.
TERMINAL_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when it would otherwise start a formula."""
    return "'" + text if is_dangerous(text) else text


def strip_illegal(text: str) -> str:
    """``text`` without the control characters an XLSX file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def xlsx_text(text: str) -> str:
    """Text ready for an XLSX cell: illegal characters removed, then neutralised.

    The order matters: removing ``\\x01`` from ``\\x01=cmd`` exposes ``=``.
    """
    return neutralise(strip_illegal(text))


def strip_terminal_controls(text: str) -> str:
    """``text`` without control characters a terminal could interpret."""
    return TERMINAL_CONTROL_RE.sub("", text)
