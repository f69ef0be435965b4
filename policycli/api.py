"""The library entry points the command line is a thin layer over."""
from __future__ import annotations

from bisect import bisect_left
from operator import attrgetter
from pathlib import Path

from . import readers
from .commitments import CommitmentReader, mentions_by_sentence
from .packs import Packs, PackTimeout, default_packs
from .quantities import find_mentions, find_mentions_in_paragraph
from .record import Record
from .segment import paragraphs

_START = attrgetter("start")


def extract_text(text: str, doc: str = "-", packs: Packs | None = None) -> list[Record]:
    """Every quantified mention in ``text`` as a record; offsets index ``text``.

    Raises PackTimeout, naming the pack and entry, when a rule pack's pattern
    cannot finish on this text.
    """
    packs = packs or default_packs()
    try:
        return _extract(text, doc, packs)
    except TimeoutError:
        raise PackTimeout(packs.slow_pattern(text)) from None


def _extract(text: str, doc: str, packs: Packs) -> list[Record]:
    mentions = find_mentions(text, packs)
    if not mentions and "\n" not in text:
        return []
    reader = CommitmentReader(text, doc, packs)
    records: list[Record] = []
    starts = list(map(_START, mentions))
    for paragraph in paragraphs(text, packs.page_chrome, packs.figure_tail_re):
        if paragraph.role == "chrome":
            continue
        reader.enter(paragraph)
        if len(paragraph.joins) > 1:
            found = find_mentions_in_paragraph(paragraph, packs)
        else:
            i = bisect_left(starts, paragraph.start)
            found = mentions[i:bisect_left(starts, paragraph.end, i)]
        if found:
            for sentence, in_sentence in mentions_by_sentence(paragraph.sentences(), found):
                records.extend(reader.read(sentence, in_sentence))
    return records


def extract_file(
    path: str | Path,
    packs: Packs | None = None,
    *,
    max_bytes: int = readers.DEFAULT_MAX_BYTES,
) -> list[Record]:
    """Read ``path`` with the reader its content calls for, then extract."""
    source = readers.read(path, max_bytes=max_bytes)
    return extract_text(source.text, doc=str(path), packs=packs)
