"""Imported once by the server that worker processes fork from (see ``batch``).

It loads what every worker would otherwise load for itself: the engine and
the shipped packs with every matcher built (a run over one file builds only
those it uses). Workers forked from the server start with all of it in place.
"""
from __future__ import annotations

#: A sentence that takes the engine through its lazily built parts: figures,
#: a Chinese numeral, a percentage, a range, a period and a target verb.
SAMPLE = "到2025年，全年力争引进亿元以上项目二十四个，投资增长6%左右，新增面积3.5至4万平方米。\n"


def warm() -> None:
    """Run the engine once on ``SAMPLE``; a failure here only means workers start cold."""
    try:
        from .api import extract_text
        from .packs import default_packs

        packs = default_packs()
        packs.compile()
        extract_text(SAMPLE, packs=packs)
    except Exception:  # the workers meet the same problem and report it per file
        pass


warm()
