"""Value exactness: how many records' values differ from the exact decimal they write.

Extracts every text of the folders given (by default ``../shared/bench`` and
``../shared/corpus``) and, for each record whose mention is written in
Arabic digits, works out on its own what the value should be: the written
decimals times the pack's scale word and unit factor, in exact rational
arithmetic, rounded once to the nearest double (a range's low end takes the
scale of its high end when it has none, 80至100亿; a unit that opens with a
scale word is the unit, 500千瓦). A record whose value or value_max is another
double is counted and a few are shown. Mentions in Chinese numerals and fixed
phrases are not checked.

    python bench/exactness.py [FOLDER ...] [--show N]
"""
from __future__ import annotations

import argparse
import re
import sys
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policycli import extract_file  # noqa: E402
from policycli.numbers import normalise  # noqa: E402
from policycli.packs import default_packs  # noqa: E402

SHARED = ROOT.parent / "shared"
NUMBER = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?")


def written(number: float) -> Fraction:
    """A pack factor as the decimal the pack wrote (0.1, not the binary 0.1000…0555)."""
    return Fraction(repr(number))


def longest(words, text: str, at: int) -> str:
    return max((w for w in words if text.startswith(w, at)), key=len, default="")


def expected(text: str, has_max: bool) -> tuple[float, float | None] | None:
    """The nearest doubles to the exact value (and high end) a mention writes, or None
    when it is not written in Arabic digits."""
    packs = default_packs()
    mids = {w for w in packs.suffix_comparators if len(w) == 1}
    flat = "".join(normalise(text).split())
    numbers = list(NUMBER.finditer(flat))
    if not numbers:
        return None
    if packs.fraction_marker in flat and len(numbers) == 2:
        den, num = (Fraction(m.group().replace(",", "").replace("，", "")) for m in numbers)
        return float(num / den), None
    parts, after = [], 0
    for m in numbers:
        value, at = Fraction(m.group().replace(",", "").replace("，", "")), m.end()
        while at < len(flat) and flat[at] in mids:
            at += 1
        scale = longest(packs.scales, flat, at)
        if scale and longest(packs.units, flat, at).startswith(scale):
            scale = ""  # a unit that opens with a scale word is the unit: 500千瓦, 3千克
        parts.append((value, written(packs.scales[scale]) if scale else None))
        after = at + len(scale)
    while after < len(flat) and flat[after] in mids:
        after += 1
    unit = longest(packs.units, flat, after)
    factor = written(packs.units[unit].factor) if unit else Fraction(1)
    word = longest(packs.percent_words, flat, 0)
    if word:
        factor *= written(packs.percent_words[word])
    if has_max:
        (low, low_scale), (high, high_scale) = parts[0], parts[-1]
        low *= low_scale or high_scale or 1
        high *= high_scale or 1
        return float(low * factor), float(high * factor)
    return float(sum(v * (s or 1) for v, s in parts) * factor), None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path,
                        default=[SHARED / "bench", SHARED / "corpus"])
    parser.add_argument("--show", type=int, default=5, help="differing records to show per folder")
    args = parser.parse_args()
    for folder in args.folders:
        files = sorted(p for p in folder.glob("*") if p.suffix in (".txt", ".docx", ".html"))
        records = checked = 0
        differing = []
        for path in files:
            for record in extract_file(str(path)):
                records += 1
                want = expected(record.text, record.value_max is not None)
                if want is None:
                    continue
                checked += 1
                if (record.value, record.value_max) != want:
                    differing.append((path.name, record.text, record.value, record.value_max, *want))
        print(f"{folder}: {len(files)} files, {records:,} records, {checked:,} in Arabic digits checked, "
              f"{len(differing)} differ from the exact decimal")
        for name, text, value, value_max, exact, exact_max in differing[:args.show]:
            print(f"    {name}: {text!r} value {value!r} (exact {exact!r})"
                  + (f", value_max {value_max!r} (exact {exact_max!r})" if value_max is not None else ""))


if __name__ == "__main__":
    main()
