"""Plain text in the encodings Chinese documents come in, decoded without any other change.

Order: byte-order mark, then (for HTML) a declared charset, then strict UTF-8,
then strict GB18030 (a superset of GBK and GB2312). NUL bytes mean binary
unless their pattern says BOM-less UTF-16. GB18030 decodes almost any byte
string, so its result must also look like text. The decoded string keeps every
character (newlines, spaces) because record offsets index it.
"""
from __future__ import annotations

import codecs

import regex

from .source import ReadError, Source

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)

GB_ALIASES = frozenset({
    "gb18030", "gbk", "gb2312", "gb_2312", "gb_2312-80", "x-gbk", "euc-cn",
    "cp936", "ms936", "windows-936", "csgb2312", "chinese", "iso-ir-58", "x-euc-cn",
})
UTF8_ALIASES = frozenset({"utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"})

# Characters no document is made of: controls other than tab, line feed,
# vertical tab (Word's manual line break), form feed and carriage return;
# private use; unassigned code points.
_ODD = regex.compile(r"[[\p{Cc}\p{Co}\p{Cn}]--[\t\n\v\f\r]]", regex.V1)
# What GB18030 only reaches through its four-byte forms and real text rarely holds.
_RARE_GB = regex.compile(r"[[\p{Cc}\p{Co}\p{Cn}\u3400-\u4dbf\U00010000-\U0010ffff]--[\t\n\v\f\r]]", regex.V1)
_COMMON_CJK = regex.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_HANZI = regex.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = regex.compile(r"[A-Za-z\u00c0-\u024f]*[A-Za-z][A-Za-z\u00c0-\u024f]*")
_NON_ASCII = regex.compile(r"[^\x00-\x7f]")
# Past this size a byte string cannot be both real UTF-8 Chinese and all-GB2312 GBK.
AMBIGUOUS_BYTES = 4096
ODD_SHARE = 0.02
TRUNCATED = "UTF-8 text ends in the middle of a character (truncated file?)"


def normalise_charset(name: str | None) -> str | None:
    """A Python codec name for a declared charset, ``None`` if unknown or meaningless."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in GB_ALIASES:
        return "gb18030"
    if label in UTF8_ALIASES:
        return "utf-8"
    if label.startswith(("utf-16", "utf-32", "unicode")):
        return None  # only a byte-order mark can say this, and it was not there
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def bom_of(data: bytes) -> tuple[bytes, str, str] | None:
    """The byte-order mark ``data`` starts with: (mark, codec, reported name)."""
    for mark, codec, label in BOMS:
        if data.startswith(mark):
            return mark, codec, label
    return None


def looks_like_text(text: str, pattern: regex.Pattern = _ODD) -> bool:
    """True unless more than a small share of ``text`` is characters no document holds."""
    limit = len(text) * ODD_SHARE
    count = 0
    for _ in pattern.finditer(text):
        count += 1
        if count > limit:
            return False
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes sit in one byte lane only, as ASCII in UTF-16 does."""
    if len(data) < 2 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd and even * 20 <= odd:
        return "utf-16-le"
    if even and odd * 20 <= even:
        return "utf-16-be"
    return None


def _gb2312_reading(data: bytes) -> str | None:
    """``data`` as GB18030 if that gives only GB2312 characters with some hanzi, else None."""
    try:
        gb = data.decode("gb18030")
        gb.encode("gb2312")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None
    return gb if _HANZI.search(gb) else None


def _reads_well(text: str) -> bool:
    """True when every non-ASCII character is a GB2312 Chinese character or sign, or a
    letter of a Latin word (café): what a real document in either script holds."""
    for char in _NON_ASCII.findall(_LATIN_WORD.sub("", text)):
        if not _COMMON_CJK.match(char):
            return False
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            return False
    return True


def _gb_is_likelier(utf8_text: str, data: bytes) -> str | None:
    """The GB18030 reading of bytes that are also valid UTF-8, when it is the likelier one.

    Short GBK text can happen to be valid UTF-8 (实施 is D2B5 CAA9, which
    UTF-8 reads as "ʵʩ"). When the GB18030 reading is all GB2312 with some
    hanzi and the UTF-8 reading holds anything else than GB2312 Chinese and
    Latin words, the document is GBK. Long UTF-8 Chinese never reads as
    all-GB2312, so only short texts or texts with no Chinese are checked.
    """
    if not _NON_ASCII.search(utf8_text):
        return None
    if len(data) > AMBIGUOUS_BYTES and _COMMON_CJK.search(utf8_text):
        return None
    if _reads_well(utf8_text):
        return None
    return _gb2312_reading(data)


def decode(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` to (text, encoding name); raise ``ReadError`` when it is not text.

    ``declared`` is a charset a container format names (an HTML meta tag);
    a byte-order mark outranks it, and so do bytes that are plainly UTF-8.
    """
    bom = bom_of(data)
    if bom:
        mark, codec, label = bom
        try:
            text = data[len(mark):].decode(codec)
        except UnicodeDecodeError as exc:
            if codec == "utf-32-le":
                return decode_utf16_le_after_bom(data, name)
            if codec != "utf-8":  # EF BB BF can also begin GBK text (锘...)
                raise ReadError(name, f"starts with a {label} byte-order mark but is not valid {label} ({exc.reason})") from None
        else:
            if not looks_like_text(text):
                raise ReadError(name, f"not a text document (decodes as {label} to too many control or unassigned characters)")
            return text, label

    if 0 in data:
        guess = _utf16_without_bom(data)
        if guess:
            try:
                text = data.decode(guess)
            except UnicodeDecodeError:
                text = None
            if text is not None and looks_like_text(text):
                return text, guess
        raise ReadError(name, "not a text document (contains NUL bytes)")

    cut = truncated = False
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8 = None
        cut = exc.reason == "unexpected end of data" and exc.end == len(data)
        truncated = cut and bool(_COMMON_CJK.search(data[: exc.start].decode("utf-8")))

    codec = normalise_charset(declared)
    if codec and codec != "utf-8" and not (utf8 and _COMMON_CJK.search(utf8)):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = None
        if text is not None and looks_like_text(text, _RARE_GB if codec == "gb18030" else _ODD):
            return text, codec

    if utf8 is not None:
        gb = _gb_is_likelier(utf8, data)
        if gb is not None:
            return gb, "gb18030"
        if not looks_like_text(utf8):
            raise ReadError(name, "not a text document (too many control or unassigned characters)")
        return utf8, "utf-8"
    if cut and (len(data) <= AMBIGUOUS_BYTES or not truncated):
        gb = _gb2312_reading(data)
        if gb is not None:
            return gb, "gb18030"
    if truncated:
        raise ReadError(name, TRUNCATED)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        if cut:
            raise ReadError(name, TRUNCATED) from None
        raise ReadError(name, "cannot decode as UTF-8 or GB18030") from None
    if not looks_like_text(text, _RARE_GB):
        raise ReadError(name, "not a text document (not UTF-8, and as GB18030 too many control, private-use or rare characters)")
    return text, "gb18030"


def decode_utf16_le_after_bom(data: bytes, name: str) -> tuple[str, str]:
    """A UTF-16 LE file whose first character after the mark is U+0000 looks like UTF-32 LE."""
    try:
        text = data[2:].decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise ReadError(name, f"starts with a byte-order mark but is not valid UTF-16 or UTF-32 ({exc.reason})") from None
    if not looks_like_text(text):
        raise ReadError(name, "not a text document (contains NUL bytes)")
    return text, "utf-16-le"


def read_text(data: bytes, name: str) -> Source:
    """A plain-text document: its bytes decoded, the BOM removed, nothing else changed."""
    text, encoding = decode(data, name)
    return Source(name, text, "text", encoding)
