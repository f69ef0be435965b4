"""Split text into paragraphs and sentences, rejoining hard-wrapped lines.

Documents arrive with lines broken mid-sentence (newspaper layouts, page
breaks, PDF text layers) and with real paragraph breaks, headlines, bylines
and subtitles. This module decides which line breaks are wraps, rejoins
those, and yields sentences whose text is the rejoined sentence and whose
offsets map back to the original text, which is never changed.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import chain, compress
from operator import attrgetter, not_
from typing import TYPE_CHECKING, Callable, Iterator, Sequence, TypeVar

import re

if TYPE_CHECKING:
    from .packs import PageChrome

#: The line breaks, those of ``str.splitlines``.
_BREAKS = "\r\n\f\v\x1c\x1d\x1e\x85\u2028\u2029"
#: Indentation and padding: every Unicode space (ASCII, no-break, the en, em
#: and thin spaces of Word files, ideographic), tabs, zero-width spaces and
#: byte-order marks. None of them is ever part of a line's text at its edges.
_EDGE_SPACE = "\t \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200C))) + "\u202f\u205f\u3000\ufeff"
_TERMINAL = "。！？!?；;…"
#: The last characters that close a line by themselves: the end marks and a colon.
_ENDS = _TERMINAL + "：:"
_CLOSERS = "”’」』）)》】"
_OPENERS = "“‘「『（(《【"
_CONTINUES = "，,、（(“‘《【—-"
#: A run of end marks, or an ellipsis of two or more, with the closing quotes
#: after it. Opening with a character class lets a search skip to the marks at
#: C speed, which a leading lookahead does not.
_SENTENCE_END = re.compile(r"[。！？!?…](?:(?<=…)…+|(?<!…)[。！？!?]*)[”’」』）)]*")
_END_OF = re.Match.end
_LIST_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]\D|第[一二三四五六七八九十\d]+[章节部分篇条])"
)
_SUB_MARKER = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]\D|第[一二三四五六七八九十\d]+条)")
_BYLINE_START = re.compile(r"[□■◆●]|(?:本报|新华社|记者|来源|时间|作者|编辑|责任编辑|发布时间|通讯员)[：:\s]")
_REPORTER = re.compile(r"记者\s")
_STOP_MARK = re.compile("[。！？!?；;]")
_FULL_STOP = re.compile("[。！？]")
_LIST_STOP = re.compile("[。！？；]")
_PAUSE_MARK = re.compile("[，,、：]")
_OPENER = re.compile("[“（《(]")
_SUBTITLE = re.compile(r"^(?:——|—|--)")
#: A figure ending a line: digits, not the end of a date or code (2026-02-03).
_FIGURE_END = re.compile(r"(?:^|[^-/:：.\d])\d[\d,，]*(?:\.\d+)?$")
#: The longest figure _FIGURE_END is looked for in (so a long line costs no more).
_FIGURE_MAX = 40

HEADING_MAX = 40
#: Longer than this, a paragraph is body text, whatever it starts with.
_BODY_MIN = 80


@dataclass(slots=True)
class Rejoined:
    """Text made of original line pieces, with the map back to the original offsets:
    piece k starts at ``joins[k]`` in ``text`` and at ``origins[k]`` in the source."""

    text: str
    start: int
    end: int
    joins: tuple[int, ...]
    origins: tuple[int, ...]

    def to_original(self, i: int) -> int:
        """The original offset of position ``i`` of ``text``."""
        k = bisect_right(self.joins, i) - 1
        return self.origins[k] + (i - self.joins[k])

    def to_local(self, offset: int) -> int:
        """The position in ``text`` of original offset ``offset`` (inside a piece)."""
        k = bisect_right(self.origins, offset) - 1
        return self.joins[k] + (offset - self.origins[k])


@dataclass(slots=True)
class Sentence(Rejoined):
    """One sentence of a paragraph, with the paragraph's role and section."""

    paragraph: int
    first: bool
    role: str
    section: str | None


def _lines(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The non-blank lines, edge whitespace trimmed: their spans and their texts."""
    spans: list[tuple[int, int]] = []
    lines: list[str] = []
    # Only a CRLF pair is a break of two characters; without one, each line is
    # followed by a break of one.
    crlf = "\r\n" in text
    pos = 0
    for raw in text.splitlines(crlf):
        body = raw.rstrip(_BREAKS) if crlf else raw
        line = body.strip(_EDGE_SPACE)
        if line:
            start = pos if line is body else pos + len(body) - len(body.lstrip(_EDGE_SPACE))
            spans.append((start, start + len(line)))
            lines.append(line)
        pos += len(raw) if crlf else len(raw) + 1
    return spans, lines


def _closed(line: str) -> bool:
    """True when a line ends a sentence (。, ！, ？, or one of them inside closing quotes)."""
    last = line[-1]
    if last in _ENDS:
        return True
    if last not in _CLOSERS:
        return False
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def _unbalanced(line: str) -> bool:
    return _OPENER.search(line) is not None and (line.count("“") > line.count("”") or line.count("（") > line.count("）")
            or line.count("《") > line.count("》") or line.count("(") > line.count(")"))


def _wrap_width(lines: list[str], closed: list[bool]) -> int | None:
    """The line width of a hard-wrapped document (PDF layers, fixed-width text), else None."""
    if len(lines) < 4:
        return None
    lengths = sorted(map(len, lines))
    p90 = lengths[int(len(lengths) * 0.9)]
    if not 15 <= p90 <= 100:
        return None
    open_lines = sum(1 for line, shut in zip(lines, closed) if len(line) >= 0.75 * p90 and not shut)
    return p90 if open_lines >= len(lines) * 0.3 else None


def _byline(line: str) -> bool:
    """True for a byline (□青岛日报记者…, 本报讯…, 记者 王某)."""
    return _BYLINE_START.match(line) is not None or ("记者" in line and _REPORTER.search(line) is not None)


def _joins(prev: str, nxt: str, width: int | None) -> bool:
    """Whether line ``nxt`` continues line ``prev`` (a wrap, not a paragraph break),
    ``prev`` being open and neither line a byline (the caller has those per line).

    ``prev`` must show it runs on: a continuing mark at its end, an unclosed
    bracket or quote, a stop mark inside, a pause inside a long line (the 、 of
    a numbered heading's marker, 二、, does not count), or a length near the
    document's wrap width. Most open lines (headings, titles) show none, so
    ``nxt`` is read only then: a subtitle, or a list item after a line that
    does not lead into it, starts afresh."""
    last = prev[-1]
    if not (last in _CONTINUES or _unbalanced(prev) or _STOP_MARK.search(prev)
            or len(prev) >= 25 and _PAUSE_MARK.search(prev, m.end() if (m := _LIST_MARKER.match(prev)) else 0)
            or width is not None and len(prev) >= 0.75 * width):
        return False
    return not (_SUBTITLE.match(nxt) or _LIST_MARKER.match(nxt) and last not in _CONTINUES)


def _role(para: str, closed: bool, byline: bool) -> str:
    """``para``'s role, given whether it is closed (:func:`_closed`) and a byline;
    for a paragraph of at most _BODY_MIN characters (a longer one is body text,
    which the caller tells first)."""
    if _SUBTITLE.match(para) and not _FULL_STOP.search(para, 0, len(para) - 1):
        return "subtitle"
    if byline:
        return "byline"
    if len(para) <= HEADING_MAX and not closed:
        return "heading"
    if len(para) <= 60 and _LIST_MARKER.match(para) and not _LIST_STOP.search(para, 0, len(para) - 1):
        return "heading"
    return "body"


@dataclass(slots=True)
class Paragraph(Rejoined):
    """A paragraph: its lines rejoined, its role, and the heading above it."""

    number: int
    role: str
    section: str | None
    #: True for a heading that opens a part of the document (一、…, a headline),
    #: False for a numbered sub-heading such as （一）… that stays inside its
    #: part. Told as the paragraph is cut (one match): the readers ask it of
    #: each pending heading, many times, and a property would cost a call each.
    top_level: bool = field(repr=False, compare=False)

    @property
    def numbered(self) -> bool:
        """True for a paragraph that opens with a list marker (一、, （二）, 3., 第四章)."""
        return _LIST_MARKER.match(self.text) is not None

    def first_sentence(self) -> str:
        """The paragraph's opening sentence, for finding who speaks in it."""
        m = _SENTENCE_END.search(self.text)
        return self.text[:m.end()] if m else self.text

    def sentences(self) -> Iterator[Sentence]:
        """The paragraph's sentences in order, each mapped back to the original offsets."""
        para, start = self.text, 0
        # Each end mark run ends a sentence (matches are never empty), and the
        # text after the last one is a sentence of its own.
        for end in chain(map(_END_OF, _SENTENCE_END.finditer(para)), (len(para),)):
            if end > start:
                yield self._sentence(start, end, start == 0)
                start = end

    def _sentence(self, start: int, end: int, first: bool) -> Sentence:
        para, joins, origins = self.text, self.joins, self.origins
        while start < end and para[start] in _EDGE_SPACE:
            start += 1
        if len(joins) == 1:
            o_start = origins[0] + start
            return Sentence(para[start:end], o_start, origins[0] + end, (0,), (o_start,),
                            self.number, first, self.role, self.section)
        k0 = bisect_right(joins, start) - 1
        k1 = bisect_right(joins, end - 1) - 1
        sub_joins = tuple(j - start if j > start else 0 for j in joins[k0:k1 + 1])
        sub_origins = (origins[k0] + (start - joins[k0]),) + origins[k0 + 1:k1 + 1]
        o_end = origins[k1] + (end - joins[k1])
        return Sentence(para[start:end], sub_origins[0], o_end, sub_joins, sub_origins,
                        self.number, first, self.role, self.section)


def _splits_figure(prev: str, nxt: str, gap: str, figure_tail: re.Pattern | None) -> bool:
    """Whether the one line break between ``prev`` and ``nxt`` stands inside a
    figure (达到9⏎万亿元左右): ``prev`` ends in digits and ``nxt`` opens with
    what ``figure_tail`` (the packs' scale words and units) reads as their rest.
    Table rows (tab-joined cells) are never joined this way, nor bylines (the
    caller has those per line)."""
    if figure_tail is None or not prev[-1].isdigit() or "\t" in prev:
        return False
    if not _FIGURE_END.search(prev, max(0, len(prev) - _FIGURE_MAX)):
        return False
    breaks = sum(gap.count(c) for c in _BREAKS) - gap.count("\r\n")
    return breaks == 1 and figure_tail.match(nxt) is not None


def _starts(text: str, spans: list[tuple[int, int]], lines: list[str], closed: list[bool],
            bylines: list[bool], figure_tail: re.Pattern | None) -> list[int]:
    """The lines that start a paragraph (by index): all but the wrapped ones. A
    line after a closed one starts a paragraph (a closed line ends in no digit),
    so only the lines after an open one are looked at."""
    width = _wrap_width(lines, closed)
    starts = [True, *closed[:-1]]
    for i in compress(range(1, len(lines)), map(not_, closed)):
        prev, line = lines[i - 1], lines[i]
        if bylines[i - 1] or bylines[i] or not (_joins(prev, line, width) or prev[-1].isdigit() and _splits_figure(
                prev, line, text[spans[i - 1][1]:spans[i][0]], figure_tail)):
            starts[i] = True
    return list(compress(range(len(lines)), starts))


class _Head:
    """Tells the page chrome among the paragraphs before a document's first
    running text: lines the pack's matchers recognise, the items of a
    breadcrumb laid out one a line (首页 / > / 要闻), and a line that repeats
    such an item."""

    def __init__(self, chrome: PageChrome):
        self.chrome = chrome
        self.open = True
        self.crumbs: set[str] = set()
        self.after_separator = False

    def role(self, para: str, role: str) -> str:
        """``para``'s role: ``chrome``, or ``role`` as the text alone gives it."""
        if self.chrome.is_separator(para):
            self.after_separator = True
            return "chrome"
        if self.after_separator or para in self.crumbs:
            self.after_separator = False
            self.crumbs.add(para)
            return "chrome"
        if len(para) <= _BODY_MIN and self.chrome.is_line(para):
            return "chrome"
        if role == "body":
            self.open = False
        return role


def paragraphs(text: str, chrome: PageChrome | None = None,
               figure_tail: re.Pattern | None = None) -> Iterator[Paragraph]:
    """The paragraphs of ``text`` in order, with role and section. With
    ``chrome`` (a pack's matchers for web-page furniture), the chrome lines
    before the first paragraph of running text get the role ``chrome``: they
    are neither the title nor a heading. With ``figure_tail``
    (Packs.figure_tail_re), a line break inside a figure (9⏎万亿元) is a wrap."""
    spans, lines = _lines(text)
    if not lines:
        return
    # Each line is read once for these; a paragraph of one line (most are) takes them as its own.
    # A line ending in an end mark is closed without a call to _closed.
    closed = [line[-1] in _ENDS or line[-1] in _CLOSERS and _closed(line) for line in lines]
    bylines = list(map(_byline, lines))
    starts = _starts(text, spans, lines, closed, bylines, figure_tail)
    section: str | None = None
    head = _Head(chrome) if chrome is not None else None
    for number, (first, end) in enumerate(zip(starts, starts[1:] + [len(lines)])):
        start = spans[first][0]
        one_line = end - first == 1
        if one_line:
            para, joins, origins = lines[first], (0,), (start,)
        else:
            pos, joins_l = 0, []
            for line in lines[first:end]:
                joins_l.append(pos)
                pos += len(line)
            para, joins, origins = "".join(lines[first:end]), tuple(joins_l), tuple(s for s, _ in spans[first:end])
        if len(para) > _BODY_MIN:
            role = "body"  # a long paragraph is body text, the common case
        elif one_line:
            role = _role(para, closed[first], bylines[first])
        else:
            role = _role(para, _closed(para), _byline(para))
        if head is not None and head.open:
            role = head.role(para, role)
        top_level = _SUB_MARKER.match(para) is None
        yield Paragraph(para, start, spans[end - 1][1], joins, origins, number, role, section, top_level)
        if role == "heading":
            section = para


def segment(text: str) -> Iterator[Sentence]:
    """Sentences of ``text`` in order, with paragraph, role and section."""
    for paragraph in paragraphs(text):
        yield from paragraph.sentences()


_T = TypeVar("_T")


def from_last(items: Sequence[_T], resets: Callable[[_T], bool]) -> Sequence[_T]:
    """``items`` from the last one for which ``resets`` holds (all of them when
    none does): a heading that resets its section makes the ones before it moot."""
    for k in range(len(items) - 1, -1, -1):
        if resets(items[k]):
            return items[k:]
    return items


#: The ``resets`` of from_last for the readers of headings: a top-level heading.
TOP_LEVEL = attrgetter("top_level")
