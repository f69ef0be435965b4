"""Numerals: Arabic, full-width, separated, Chinese and mixed, to floats."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping


#: Full-width digits and marks read as ASCII, one character for one, so that
#: offsets into the translated text are offsets into the original.
FULL_WIDTH = str.maketrans("０１２３４５６７８９．％＋－", "0123456789.%+-")

_CJK_SCALE_CHARS = frozenset("十百千万亿")
_SCALED_PART = re.compile(r"([0-9][0-9.,，]*)([^0-9.,，]*)")


_HAS_FULL_WIDTH = re.compile("[０-９．％＋－]")


def normalise(text: str) -> str:
    """``text`` with full-width digits as ASCII; same length, same offsets."""
    if _HAS_FULL_WIDTH.search(text) is None:
        return text
    return text.translate(FULL_WIDTH)


def is_scale_only(numeral: str) -> bool:
    """True for a numeral made of scale words alone (千亿, 万): an order of magnitude."""
    return bool(numeral) and all(c in _CJK_SCALE_CHARS for c in numeral)


@lru_cache(maxsize=4096)
def parse_cjk(numeral: str) -> float | None:
    """A Chinese numeral (一百二十万, 两千万, 三点五, 千亿) as a float, or None."""
    import cn2an  # imported on first use: it is slow to import and most texts need it rarely

    if is_scale_only(numeral):
        numeral = "一" + numeral
    try:
        value = cn2an.cn2an(numeral, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(value)


@lru_cache(maxsize=16)
def _drop_table(chars: str) -> dict[int, None]:
    return {ord(c): None for c in chars}


def parse_number(numeral: str, scales: Mapping[str, float], mids: str = "多余") -> float | None:
    """An Arabic, Chinese or mixed numeral with scale words (1.5万亿, 30多万, 1亿7000万) as a float.

    Approximation marks between number and scale (``mids``) are skipped; the
    caller reads them as comparators.
    """
    if numeral.isascii() and numeral.isdigit():
        return float(numeral)
    numeral = numeral.translate(_drop_table(mids))
    if not numeral:
        return None
    if numeral[0].isdigit():
        total = 0.0
        for digits, scale in _SCALED_PART.findall(numeral):
            try:
                value = float(digits.replace(",", "").replace("，", ""))
            except ValueError:
                return None
            if scale:
                factor = scales.get(scale)
                if factor is None:
                    return None
                value *= factor
            total += value
        return total
    return parse_cjk(numeral)
