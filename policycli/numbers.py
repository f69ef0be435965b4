"""Numerals: Arabic, full-width, separated, Chinese and mixed, to exact decimals.

A written figure is read as the decimal it is (5.1亿 is 510000000 exactly)
and scaled with exact arithmetic; only the final value is rounded, once, to
the nearest double. Binary floats scaled step by step drift (5.1 × 1e8 is
509999999.99999994).
"""
from __future__ import annotations

import re
from decimal import Context, Decimal, Inexact
from fractions import Fraction
from functools import lru_cache
from typing import Callable, Mapping

#: Exact decimal arithmetic for the sizes numerals come in (24 digits, 12
#: decimals, factors up to 1e16, a few factors in a row); a result that would
#: need rounding raises Inexact rather than rounding silently.
EXACT = Context(prec=120, traps=[Inexact])


#: Full-width digits and marks read as ASCII, one character for one, so that
#: offsets into the translated text are offsets into the original.
_FULL_WIDTH_PAIRS = tuple(zip("０１２３４５６７８９．％＋－", "0123456789.%+-"))

_CJK_SCALE_CHARS = "十百千万亿"
_SCALED_PART = re.compile(r"([0-9][0-9.,，]*)([^0-9.,，]*)")


#: The Unicode space separators (ASCII and no-break spaces, the en, em, thin
#: and other typographic spaces, the ideographic space): PDF and Word text
#: puts them inside figures (95 亿元). Tabs part table cells and are not here.
SPACES = " \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_SPACE_RUN = re.compile(f"[{SPACES}]+")


def unspaced(numeral: str) -> str:
    """``numeral`` without the spaces written inside it (95 亿 → 95亿)."""
    return _SPACE_RUN.sub("", numeral) if _SPACE_RUN.search(numeral) else numeral


def normalise(text: str) -> str:
    """``text`` with full-width digits as ASCII; same length, same offsets."""
    # A str scan and replace per character is many times faster than a regex
    # class to find them or translate to swap them, on a text of Chinese.
    for wide, narrow in _FULL_WIDTH_PAIRS:
        if wide in text:
            text = text.replace(wide, narrow)
    return text


def is_scale_only(numeral: str) -> bool:
    """True for a numeral made of scale words alone (千亿, 万): an order of magnitude."""
    return bool(numeral) and not numeral.strip(_CJK_SCALE_CHARS)


#: The numeral grammar read without cn2an: digits, units within a group of
#: four, and the group words. Anything else is left to cn2an.
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_RUN_DIGITS = {**_DIGITS, "〇": 0}  # 〇 belongs to digit runs: 二〇二五
_UNITS = {"十": 10, "百": 100, "千": 1000}
_GROUPS = (("亿", 10**8), ("万", 10**4))


def _group(numeral: str) -> int | None:
    """A numeral below ten thousand written in full (三千零五十, 十二, 两百), or None."""
    value, unit, digit, zero = 0, 10**4, None, False
    for char in numeral:
        if char in _UNITS:
            step = _UNITS[char]
            if step >= unit or (zero and step * 10 == unit):
                return None
            if digit is None:
                if char != "十" or value or zero:
                    return None
                digit = 1
            value, unit, digit, zero = value + digit * step, step, None, False
        elif char == "零":
            if digit is not None or zero or not value:
                return None
            zero = True
        elif char in _DIGITS and digit is None:
            digit = _DIGITS[char]
        else:
            return None
    if digit is None:
        return None if zero else value
    if digit == 2 and numeral[-1] == "两" and len(numeral) > 1:
        return None
    if value and not zero and unit != 10:
        return None  # 一百五 is spoken shorthand for 150: cn2an's call
    if zero and unit == 10:
        return None
    return value + digit


def _whole(numeral: str) -> int | None:
    """A whole number in full with 万 and 亿 groups (一亿零五百万, 三千亿), or None."""
    for word, size in _GROUPS:
        head, found, tail = numeral.rpartition(word)
        if not found:
            continue
        high = _whole(head) if head else None
        if not high or high >= size:  # 万亿 is a unit, 万万 and 亿亿 are not
            return None
        if not tail:
            return high * size
        zero = tail.startswith("零")
        low = _whole(tail[1:] if zero else tail)
        if not low or (low * 10 < size) != zero or low >= size:
            return None
        return high * size + low
    return _group(numeral)


def _digit_run(numeral: str) -> int | None:
    """Digits with no unit, read one by one (二〇二五, 七三一), or None."""
    if not numeral or any(char not in _RUN_DIGITS for char in numeral):
        return None
    return int("".join(str(_RUN_DIGITS[char]) for char in numeral))


def read_cjk(numeral: str) -> float | None:
    """A Chinese numeral written in full or as a run of digits, or None when it
    is neither (spoken shorthand like 一万二, formal digits like 贰)."""
    whole, point, fraction = numeral.partition("点")
    run = _digit_run(whole)
    if run is not None and not point:
        return float(run)
    value = run if run is not None else _whole(whole) if whole else None
    if value is None or (point and not fraction):
        return None
    if not point:
        return float(value)
    if any(char not in _DIGITS or char == "两" for char in fraction):
        return None
    return float(f"{value}.{''.join(str(_DIGITS[char]) for char in fraction)}")


#: Numerals that name no single value, so are not read: two digits before a
#: unit (五六百, five or six hundred) and scale words out of order (千千万万,
#: 亿万: countless), which arrive here with a leading 一.
_FIGURE_OF_SPEECH = re.compile(
    "[一二两三四五六七八九]{2}(?:十|百|千|万|亿|十万|百万|千万|万亿)$|一[百千万亿]+$"
)


@lru_cache(maxsize=4096)
def parse_cjk(numeral: str) -> float | None:
    """A Chinese numeral (一百二十万, 两千万, 三点五, 千亿) as a float, or None.

    Numerals written in full are read here; the rest (七三一, 一万二, formal
    and traditional digits) go to cn2an, which is slow to import, so most
    runs never load it.
    """
    if is_scale_only(numeral):
        numeral = "一" + numeral
    value = read_cjk(numeral)
    if value is not None:
        return value
    if _FIGURE_OF_SPEECH.match(numeral):
        return None
    return _cn2an(numeral)


def _cn2an(numeral: str) -> float | None:
    import cn2an

    try:
        value = cn2an.cn2an(numeral, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(value)


@lru_cache(maxsize=1024)
def exact(number: float | int | str) -> Decimal:
    """The decimal a factor or value was written as: a float's shortest repr
    (0.1 → Decimal('0.1'), not the binary 0.1000000000000000055…)."""
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


#: The double nearest an exact value, a Decimal or a Fraction: float() of
#: either rounds correctly (bound to the builtin, as each figure read calls it).
nearest: Callable[[Decimal | Fraction], float] = float


def scaled(value: Decimal, factor: float | int | Decimal) -> Decimal:
    """``value`` times ``factor``, exactly."""
    return EXACT.multiply(value, factor if type(factor) is Decimal else exact(factor))


def ratio(numerator: Decimal, denominator: Decimal) -> float:
    """The double nearest numerator / denominator (三分之一 → 0.333…)."""
    return nearest(Fraction(numerator) / Fraction(denominator))


def parse_decimal(numeral: str, scales: Mapping[str, float], mids: str = "多余") -> Decimal | None:
    """An Arabic, Chinese or mixed numeral with scale words (1.5万亿, 30多万, 1亿7000万)
    as the exact decimal it writes.

    Approximation marks between number and scale (``mids``) are skipped; the
    caller reads them as comparators.
    """
    if numeral.isascii() and numeral.replace(".", "", 1).isdigit():
        return Decimal(numeral)  # 24, 5.5: the common case, read at once
    for mark in mids:  # a replace per mark present: translate reads Chinese slowly
        if mark in numeral:
            numeral = numeral.replace(mark, "")
    if not numeral:
        return None
    if numeral[0].isdigit():
        total = None
        for digits, scale in _SCALED_PART.findall(numeral):
            try:
                value = Decimal(digits.replace(",", "").replace("，", ""))
            except ArithmeticError:
                return None
            if scale:
                factor = scales.get(scale)
                if factor is None:
                    return None
                value = scaled(value, factor)
            total = value if total is None else EXACT.add(total, value)
        return total
    scale = ""
    if "点" in numeral:  # 三点五亿: a decimal in Chinese numerals, then a scale word
        scale = max((w for w in scales if numeral.endswith(w)), key=len, default="")
        numeral = numeral[:len(numeral) - len(scale)]
    value = parse_cjk(numeral)
    if value is None:
        return None
    return scaled(exact(value), scales[scale]) if scale else exact(value)


def parse_number(numeral: str, scales: Mapping[str, float], mids: str = "多余") -> float | None:
    """The numeral's value (see :func:`parse_decimal`) as the nearest double."""
    value = parse_decimal(numeral, scales, mids)
    return None if value is None else nearest(value)
