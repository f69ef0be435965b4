"""Subjects: who commits or reports, read from the document, its paragraphs and sentences.

A work report's issuer (我代表…人民政府) or the organisation a title names is
the document's subject; a paragraph or sentence that opens on an organisation
or place names its own, until a heading or another name ends it. Paragraphs
and sentences are only read for a name when a record needs a subject.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .cues import CLAUSE_BREAK
from .packs import Packs
from .segment import Paragraph, Sentence

#: An opening clause this short (结合全市部署，…) may come before the name of who speaks.
_OPENING_CLAUSE = 24
#: How far into a document its issuer is looked for.
_ISSUER_WINDOW = 4000


@dataclass(slots=True)
class _Words:
    """Compiled word matchers the subject reader needs beyond the packs' own."""

    short_suffixes: frozenset[str]
    not_place_endings: tuple[str, ...]
    reporting: tuple[str, ...]
    bodies: tuple[str, ...]
    connectives: frozenset[str]
    locatives: tuple[str, ...]


@lru_cache(maxsize=8)
def _words(packs: Packs) -> _Words:
    """The matchers for ``packs``, built once per pack set."""
    return _Words(
        frozenset(s for s in packs.subject_suffixes if len(s) == 1),
        tuple(packs.not_place_endings),
        tuple(packs.reporting_words),
        tuple(packs.subject_bodies),
        frozenset(packs.subject_connectives),
        tuple(packs.subject_locatives),
    )


def document_subject(text: str, packs: Packs) -> str | None:
    """The issuer a work report names near its start (我代表…人民政府), if any."""
    head = text[:_ISSUER_WINDOW]
    for pattern in packs.issuer_res:
        m = pattern.search(head, **packs.scan_options)
        if m:
            name = m.group("subject")
            return name + "人民政府" if "政府工作报告" in m.group() and not name.endswith("政府") else name
    return None


class SubjectReader:
    """The subject of each record, carried from the document, paragraph or sentence that names it."""

    def __init__(self, text: str, packs: Packs):
        self.packs = packs
        self.words = _words(packs)
        self._options = packs.scan_options
        self.doc_subject = document_subject(text, packs)
        #: Set when a body issued the document: only another body takes over from it.
        self._issuer = self.doc_subject if self.doc_subject and self.doc_subject.endswith(self.words.bodies) else None
        self.paragraph_subject: str | None = None
        self._pending: list[Paragraph] = []  # paragraphs not yet read for a name, oldest first
        self._pending_sentences: list[str] = []  # the same for the current paragraph's later sentences
        self._sentence_subject: str | None = None

    def enter(self, paragraph: Paragraph) -> None:
        """Take in a paragraph: a heading or body paragraph may name the subject."""
        self._pending_sentences.clear()
        self._sentence_subject = None
        if paragraph.role in ("heading", "body"):
            self._pending.append(paragraph)

    def enter_title(self, title: str) -> None:
        """Whom a document's title is about (a news story's or a plan's subject),
        when no issuer named it."""
        if self.doc_subject is None:
            found = self._opening_subject(title)
            self.doc_subject = found if self._takes_over(found) else None

    def sentence(self, sentence: Sentence) -> None:
        """Take in a sentence: a later sentence of a body paragraph may name its own subject."""
        if not sentence.first and sentence.role == "body":
            self._pending_sentences.append(sentence.text)

    def _subject_at(self, text: str) -> str | None:
        """An organisation or place named at the start of ``text``, or filling
        its opening clause after a locative word (在江城港区，…)."""
        m = self.packs.subject_re.match(text)
        if m is None and text.startswith(self.words.locatives):
            lead = next(word for word in self.words.locatives if text.startswith(word))
            m = self.packs.clause_subject_re.match(text, len(lead))
            text = text[len(lead):]
        if m is None:
            return None
        name = m.group("org")
        if name is None:
            return m.group("place")
        short_suffix = name[-1:] in self.words.short_suffixes
        if not (self.packs.name_stop_re.search(name) or self.packs.verb_re.match(name)
                or self.packs.follower_start_re.match(name)
                or (short_suffix and (self.packs.verb_re.search(name)
                                      or name.endswith(self.words.not_place_endings)))):
            return name
        m = self.packs.place_re.match(text)
        return m.group("place") if m else None

    def current(self) -> str | None:
        """Who commits: the latest sentence-level, paragraph-level or document subject.

        Sentences and paragraphs are only looked at when a record needs a
        subject; the newest one naming a subject wins over older ones.
        """
        if self._pending:
            self._resolve_paragraph_subject()
        paragraph = self.paragraph_subject or self.doc_subject
        for text in reversed(self._pending_sentences):
            found = self._opening_subject(text, any_clause=False)
            if self._takes_over(found):
                # 高新区将… inside a paragraph about 临澜高新区管委会 is the same body, named short.
                if not (paragraph and found in paragraph):
                    self._sentence_subject = found
                break
        self._pending_sentences.clear()
        return self._sentence_subject or paragraph

    def _takes_over(self, name: str | None) -> bool:
        """Whether ``name`` may stand as the subject: under an issuing body, only another body."""
        return bool(name) and (self._issuer is None or name.endswith(self.words.bodies))

    def _opening_subject(self, text: str, any_clause: bool = True) -> str | None:
        """A subject named at the start of ``text`` or after the clauses that open
        it within _OPENING_CLAUSE characters, when each is a period, a connective
        or reports what was said (今年，江苏将…; 其中，浙江明确要…; 报告提出，
        未来5年，长沙要…). With
        ``any_clause``, as for a paragraph's first sentence, the first clause
        may be any clause."""
        found = self._subject_at(text)
        start = 0
        skip_any = any_clause
        while not found:
            m = CLAUSE_BREAK.search(text, start)
            if m is None or m.end() > _OPENING_CLAUSE:
                return None
            clause = text[start:m.start()]
            if not (skip_any or clause in self.words.connectives or clause.endswith(self.words.reporting)
                    or self.packs.period_re.fullmatch(clause, **self._options)):
                return None
            skip_any = False
            start = m.end()
            found = self._subject_at(text[start:])
        return found

    def _resolve_paragraph_subject(self) -> None:
        """The subject the newest paragraph naming one sets. A heading that names
        none ends the subject of the section before it: the document's own
        subject (its issuer, or whom its title names), if any, takes over."""
        hint, reach = self.packs.subject_hint
        reach += _OPENING_CLAUSE
        for paragraph in reversed(self._pending):
            found = None
            if hint.search(paragraph.text, 0, reach) is not None:
                found = self._opening_subject(paragraph.first_sentence() if paragraph.role == "body" else paragraph.text)
                found = found if self._takes_over(found) else None
            if found or paragraph.role == "heading":
                self.paragraph_subject = found
                break
        self._pending.clear()

    # -- one mention -----------------------------------------------------
