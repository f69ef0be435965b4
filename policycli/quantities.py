"""Quantity mentions: numbers with their scale, unit, range and comparator.

One scan of the whole text with the packs' combined quantity pattern finds
candidates; each is parsed, checked against the stop spans and the rules for
thresholds (亿元以上项目, 百亿级) and per-unit denominators (万元地区生产总值),
and kept as a :class:`Mention` whose offsets index the original text.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from operator import methodcaller

import regex

from .numbers import SPACES, is_scale_only, nearest, normalise, parse_cjk, parse_decimal, ratio, scaled, unspaced
from .packs import HAN, STOP_NEAR, Packs
from .segment import Paragraph

_HAN = re.compile(f"[{HAN}]")
_SPACED = re.compile(f"[{SPACES}]")
#: Digits and spaces ending where a mention starts (95   亿元).
_DIGITS_SPACED = re.compile(f"[0-9][{SPACES}]+$")
#: A match's start and end (of ``re`` or ``regex``), read over a list of them without a Python step each.
_START, _END = methodcaller("start"), methodcaller("end")
_CODE_BEFORE = frozenset("0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+")


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    value: float
    value_max: float | None
    unit: str | None
    unit_kind: str
    comparator: str
    is_verb: bool = False


def _stop_spans(norm: str, packs: Packs) -> tuple[list[int], list[int]]:
    """The starts and the ends of the stop spans (non-overlapping, in order)."""
    found = list(packs.stop_re.finditer(norm))
    return list(map(_START, found)), list(map(_END, found))


def _prefix(norm: str, start: int, packs: Packs) -> str | None:
    m = packs.prefix_re.search(norm, start - 6 if start > 6 else 0, start)
    return m.group().strip() if m else None


def _comparator(prefix: str | None, suffix: str, mid: bool, packs: Packs) -> str:
    if suffix:
        if prefix:
            for pre, suf, comp in packs.circumfixes:
                if pre == prefix and suf == suffix:
                    return comp
        return packs.suffix_comparators[suffix]
    if mid:
        return ">"
    if prefix and prefix in packs.prefix_comparators:
        return packs.prefix_comparators[prefix]
    return "="


@lru_cache(maxsize=8)
def _mids(packs: Packs) -> str:
    """The one-character comparator words (多, 余), which may stand inside a numeral."""
    return "".join(w for w in packs.suffix_comparators if len(w) == 1)


def find_mentions(text: str, packs: Packs) -> list[Mention]:
    """Every quantity mention in ``text``, in order, offsets into ``text``."""
    norm = normalise(text)
    stop_starts, stop_ends = _stop_spans(norm, packs)
    mids = _mids(packs)
    out: list[Mention] = []
    # The numerals read so far: a text repeats many of its figures (2025, 10亿).
    values: dict[str, Decimal | None] = {}
    near = packs.stop_near_scan
    quantity = packs.quantity_re
    last_end = 0
    for start in map(_START, packs.quantity_start_re.finditer(norm)):
        if start < last_end:
            continue
        m = quantity.match(norm, start)
        if m is None:
            continue
        end = last_end = m.end()
        if start and norm[start - 1] in _CODE_BEFORE:
            continue
        k = bisect_right(stop_starts, end - 1) - 1
        if k >= 0 and stop_ends[k] > start:
            continue  # [start, end) overlaps a stop span
        form = m.lastgroup
        if form in _GENERAL_FORMS:
            # Positional arguments: a call with * or a keyword takes the slow road, and most matches come here.
            n1, u1, n2, unit, per, suffix = m.group(*_GENERAL_FORMS[form])
            mention = _general(norm, packs, mids, values, start, end, n1, u1, n2, unit, per, suffix, form == "csuf")
        else:
            mention = _build(m, form, start, end, norm, packs, mids)
        if mention is None:
            continue
        low, high = start - STOP_NEAR if start > STOP_NEAR else 0, end + STOP_NEAR
        stop = near.pattern_for(norm, low, high)
        if stop is not None and stop.search(norm, low, high) and any(
                s.start() < end and s.end() > start for s in stop.finditer(norm, low, high)):
            continue
        out.append(mention)
    return out


_DIGITS = "一二三四五六七八九"
#: How far before a figure with no unit a money word is looked for.
_MONEY_REACH = 10


def _neighbours(numeral: str) -> tuple[str, str] | None:
    """两三, 三四, 七八: two neighbouring digits that together mean one or the other."""
    if len(numeral) != 2:
        return None
    first, second = ("二" if c == "两" else c for c in numeral)
    i, j = _DIGITS.find(first), _DIGITS.find(second)
    return (numeral[0], numeral[1]) if i >= 0 and j == i + 1 else None


def find_mentions_in_paragraph(paragraph: Paragraph, packs: Packs) -> list[Mention]:
    """The mentions of a paragraph whose lines were rejoined, found in the rejoined
    text, so that a wrap inside a quantity (1300亿⏎元) or between it and its
    qualifier (10亿元⏎以上项目) reads as it would unwrapped. Offsets index the
    original text, line break included."""
    out = find_mentions(paragraph.text, packs)
    for m in out:
        m.start = paragraph.to_original(m.start)
        m.end = paragraph.to_original(m.end - 1) + 1
    return out


#: The general forms of the quantity pattern (Arabic and Chinese numerals), by the
#: last group of a match, with the groups :func:`_general` reads.
_GENERAL_FORMS = {"suf": ("n1", "u1", "n2", "unit", "per", "suf"),
                  "csuf": ("c1", "cu1", "c2", "cunit", "cper", "csuf")}


def _build(m: regex.Match, form: str, start: int, end: int, norm: str, packs: Packs,
           mids: str) -> Mention | None:
    """The mention a match of the quantity pattern, from ``start`` to ``end``,
    in one of its other forms (``form``, its last group), stands for."""
    if form == "special":
        sp = packs.specials[m.group("special")]
        return Mention(start, end, sp.value, None, sp.unit, sp.kind, "=", sp.is_verb)
    if form == "psuf":
        word, numeral, suffix = m.group("pword", "pnum", "psuf")
        value = parse_decimal(numeral, packs.scales, mids)
        if value is None:
            return None
        comp = _comparator(_prefix(norm, start, packs), suffix, False, packs)
        return Mention(start, end, nearest(scaled(value, packs.percent_words[word])), None, "%", "percent", comp)
    if form == "fnum":
        den = parse_decimal(m.group("fden"), packs.scales, mids)
        num = parse_decimal(m.group("fnum"), packs.scales, mids)
        if not den or num is None:
            return None
        comp = _comparator(_prefix(norm, start, packs), "", False, packs)
        return Mention(start, end, ratio(num, den), None, None, "ratio", comp)
    value = parse_cjk(m.group("group"))
    if value is None:
        return None
    return Mention(start, end, value, None, None, "count", "=")


def _general(norm: str, packs: Packs, mids: str, values: dict[str, Decimal | None], start: int, end: int,
             n1: str, u1: str | None, n2: str | None, unit_word: str | None, per: str | None, suffix: str,
             cjk: bool) -> Mention | None:
    """The mention an Arabic or Chinese numeral with its unit, range and suffix
    stands for, or None when the rules read it as no quantity; ``values`` holds
    the numerals the text has read (parse_decimal's value of each). The rules
    for Arabic and Chinese numerals are read apart: most of them concern one."""
    unit_word = unit_word or u1
    unit = packs.units.get(unit_word) if unit_word else None
    if _SPACED.search(norm, start, end):
        n1, n2 = unspaced(n1), unspaced(n2) if n2 else n2
    if cjk:
        # A Chinese numeral always has its unit; it has no scale part of its own.
        if unit is None:
            return None
        bare = n1.strip(mids)
        if not n2 and bare in packs.bare_numerals:
            return None
        if unit.after_scale_only and (is_scale_only(bare) or not bare.endswith(tuple(packs.scales))):
            return None  # 1200亿度 is energy; 38度, 三度 and 百度 are not
        if not n2 and (pair := _neighbours(bare)):
            n1, n2 = pair  # 三四轮, 两三个: "three or four", a range
        scale = scale2 = ""
    else:
        if unit is not None and unit.after_cjk_only:
            return None
        scale = n1.lstrip("0123456789.,，").strip(mids)
        scale2 = n2.lstrip("0123456789.,，").strip(mids) if n2 else ""
        if not (scale or scale2) and (unit is None or unit.after_scale_only):
            return None  # a bare figure; or 38度, which is no energy
    if n1 in values:
        value = values[n1]
    else:
        value = values[n1] = parse_decimal(n1, packs.scales, mids)
    if value is None:
        return None
    value_max = None
    if n2:
        value_max = parse_decimal(n2, packs.scales, mids)
        if value_max is None:
            return None
        if scale2 and not scale:
            value = scaled(value, packs.scales.get(scale2, 1))
    prefix = _prefix(norm, start, packs)
    followed_by_word = _HAN.match(norm, end) is not None
    if cjk and is_scale_only(bare) and (followed_by_word or _DIGITS_SPACED.search(norm, max(0, start - 8), start)):
        return None  # 千亿元 alone is an amount; 亿元 after 95 and spaces is that figure's tail
    if prefix or suffix:
        if (suffix and packs.suffix_comparators.get(suffix) in (">=", "<=") and followed_by_word
                and not packs.modifier_re.match(norm, end)):
            return None  # 亿元以上项目: a threshold inside a metric; not 20家以上具有…的企业
        after = norm[end:end + 1]
        if after in packs.threshold_markers and not norm.startswith(
                (*packs.grant_words, *packs.goal_words), end + len(after)):
            return None  # 年营收超10亿元的企业; but 不超过500万元的补助 and 超45%的目标 are records
    if unit is None and packs.implicit_currency_re.search(norm, max(0, start - _MONEY_REACH), start):
        unit = packs.implicit_unit
    if unit is not None and unit.factor != 1:
        value = scaled(value, unit.factor)
        value_max = scaled(value_max, unit.factor) if value_max is not None else None
    low = nearest(value)
    if value_max is None:
        if not math.isfinite(low):
            return None
        high = None
        if prefix or suffix or not set(n1).isdisjoint(mids):
            comparator = _comparator(prefix, suffix, not set(n1).isdisjoint(mids), packs)
        else:
            comparator = "="  # a bare figure, the common case
    else:
        high = nearest(value_max)
        if not (math.isfinite(low) and math.isfinite(high)):
            return None
        comparator = "range"
    if unit is None:
        return Mention(start, end, low, high, None, "count", comparator)
    return Mention(start, end, low, high, unit.base + "/" + per if per else unit.base, unit.kind, comparator)
