"""Rule packs: the lexicons under ``patterns/`` loaded, validated and compiled.

Every word list and pattern the engine uses lives in TOML files. This module
reads them (the bundled packs plus any the user adds with ``--pack``), checks
each entry, and compiles the few combined regular expressions that the
engine scans text with. Errors name the file and the entry.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property, lru_cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

import regex

from .numbers import SPACES
from .record import COMPARATORS, UNIT_KINDS

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

#: Seconds a single pack pattern may spend on one text before it is abandoned.
MATCH_TIMEOUT = 2.0
#: The largest factor a scale word or unit may carry (万亿亿 is 1e16): larger
#: ones would let an amount overflow to infinity.
MAX_FACTOR = 1e16
#: How far from a quantity a stop pattern that does not begin with a literal
#: character is looked for (such patterns are only matched near quantities).
STOP_NEAR = 8
#: The longest name before a subject suffix that subject_re reads.
NAME_MAX = 24


class PackError(Exception):
    """A rule pack that cannot be used; the message is one line naming file and entry."""


class PackTimeout(Exception):
    """A pack pattern ran out of time on a document; the message names the pack and entry."""


@dataclass(slots=True)
class PackFile:
    name: str
    path: str
    entries: int


@dataclass(frozen=True, slots=True)
class Unit:
    written: str
    kind: str
    base: str
    factor: float = 1.0
    after_cjk_only: bool = False
    #: Only after a scale word (1200亿度, 3.5万度): bare, the word means something else (38度).
    after_scale_only: bool = False


@dataclass(frozen=True, slots=True)
class Special:
    value: float
    unit: str | None
    kind: str
    is_verb: bool = False


def alternation(words: Iterable[str]) -> str:
    """A regex matching any of the literal ``words``, the longest where several fit.

    The words are laid out as a trie (市|市场|市委 becomes 市(?:场|委)?), so a
    position is tested once per character rather than once per word: scans over
    long word lists run about a third faster than over a flat alternation.
    Built once per set of words: several matchers share a list (the verbs,
    the places).
    """
    return _alternation(frozenset(words))


@lru_cache(maxsize=256)
def _alternation(words: frozenset[str]) -> str:
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_pattern(trie, root=True) if trie else "(?!)"


def led_alternation(words: Iterable[str]) -> str:
    """:func:`alternation`, led by a lookahead for the words' first characters,
    for a list tried at many positions inside a pattern (the suffixes after
    each length of a name): ``re`` tries the branches of an alternation one by
    one, but tests a class of characters at once. Not for a pattern's start,
    where ``re`` skips ahead to a first character by itself."""
    words = set(words)
    firsts = {word[0] for word in words if word}
    body = alternation(words)
    return f"{_lead(firsts)}(?:{body})" if len(firsts) > 1 else body


def _trie_pattern(node: dict, root: bool = False) -> str:
    """The pattern for one trie node: its children, longest continuation first.

    Below the root, one-character endings share a class. At the root every
    branch starts with a literal, which lets ``re`` skip at C speed to the
    characters a word can start with.
    """
    leaves, branches = [], []
    for ch in sorted(c for c in node if c):
        child = node[ch]
        if list(child) == [""]:
            leaves.append(re.escape(ch))
        else:
            branches.append(re.escape(ch) + _trie_pattern(child))
    if len(leaves) > 1 and not root:
        branches.append(f"[{''.join(leaves)}]")
    else:
        branches.extend(leaves)
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 and "" not in node else f"(?:{'|'.join(branches)})"
    return f"{body}?" if "" in node and body else body


#: Chinese characters (CJK unified ideographs, extension A, compatibility forms),
#: spelled out so that patterns built from word lists compile with the standard
#: library's ``re``, which matches big literal alternations several times faster
#: than ``regex``. Patterns written by users keep the ``regex`` module (and its
#: timeouts).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

#: The Han script as the ``regex`` module reads ``\p{Han}``, as class ranges, so
#: that bundled patterns written with ``\p{Han}`` also compile with ``re``.
HAN_SCRIPT = (
    "\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9\U00016fe2-\U00016fe3\U00016ff0-\U00016ff6"
    "\U00020000-\U0002a6df\U0002a700-\U0002b81e\U0002b820-\U0002cead\U0002ceb0-\U0002ebe0"
    "\U0002ebf0-\U0002ee5d\U0002f800-\U0002fa1d\U00030000-\U0003134a\U00031350-\U00033479"
)


class TimedPattern:
    """A pattern of a pack set a user's pack is part of, compiled with ``regex``:
    each of its matches runs under the set's timeout, given here once, so that
    callers pass none (a keyword on every call would slow the bundled ``re``
    patterns, which need none). Other attributes are the compiled pattern's."""

    __slots__ = ("compiled", "timeout")

    def __init__(self, compiled: regex.Pattern, timeout: float):
        self.compiled, self.timeout = compiled, timeout

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)

    def match(self, string: str, pos: int = 0, endpos: int | None = None):
        return self.compiled.match(string, pos, endpos, timeout=self.timeout)

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None):
        return self.compiled.fullmatch(string, pos, endpos, timeout=self.timeout)

    def search(self, string: str, pos: int = 0, endpos: int | None = None):
        return self.compiled.search(string, pos, endpos, timeout=self.timeout)

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None):
        return self.compiled.finditer(string, pos, endpos, timeout=self.timeout)

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count=count, timeout=self.timeout)


@dataclass(frozen=True, slots=True)
class PageChrome:
    """Matchers for the furniture of a saved web page (patterns/chrome.toml):
    ``line`` matches a whole chrome line, ``separator`` a line of breadcrumb
    separators alone."""

    line: Any
    separator: Any

    def is_line(self, text: str) -> bool:
        return self.line.fullmatch(text) is not None

    def is_separator(self, text: str) -> bool:
        return self.separator.fullmatch(text) is not None


# --- validation helpers ----------------------------------------------------

class _Checker:
    """Type checks for one pack file, raising PackError with file and entry. With
    ``probe`` each regular expression is also compiled and probed (see
    ``patterns``): a user's pack gets that at every load; the bundled packs,
    which the test suite probes so, are trusted at run time."""

    def __init__(self, path: str, probe: bool = True):
        self.path = path
        self.probe = probe

    def fail(self, entry: str, problem: str) -> PackError:
        return PackError(f"{self.path}: {entry}: {problem}")

    def table(self, value: Any, entry: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(entry, "must be a table")
        return value

    def words(self, value: Any, entry: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
            raise self.fail(entry, "must be a list of non-empty strings")
        return list(value)

    def text(self, value: Any, entry: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(entry, "must be a non-empty string")
        return value

    def number(self, value: Any, entry: str, most: float = MAX_FACTOR) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise self.fail(entry, "must be a positive finite number")
        if value > most:
            raise self.fail(entry, f"must be a positive finite number no larger than {most:g}")
        return float(value)

    def flag(self, value: Any, entry: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(entry, "must be true or false")
        return value

    def choice(self, value: Any, entry: str, allowed: Sequence[str]) -> str:
        if value not in allowed:
            raise self.fail(entry, f"must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def patterns(self, value: Any, entry: str, origins: dict[str, str]) -> list[str]:
        """Regular expressions, each remembered with where it came from and, with
        ``probe``, compiled and probed."""
        out = []
        for i, pattern in enumerate(self.words(value, entry)):
            name = f"{entry}[{i}]"
            if _GLOBAL_FLAGS.search(pattern):
                raise self.fail(name, f"pattern {pattern!r} sets flags for the whole pattern; "
                                      "use a scoped group such as (?i:...)")
            if self.probe:
                self._probe(name, pattern)
            origins.setdefault(pattern, f"{self.path}: {name}")
            out.append(pattern)
        return out

    def _probe(self, name: str, pattern: str) -> None:
        """Refuse a pattern that does not compile, matches the empty string or backtracks catastrophically."""
        try:
            compiled = regex.compile(pattern)
        except regex.error as exc:
            raise self.fail(name, f"invalid pattern {pattern!r}: {exc}") from None
        if compiled.search("") is not None:
            raise self.fail(name, f"pattern {pattern!r} matches the empty string")
        _check_not_catastrophic(self, name, pattern, compiled)


_GLOBAL_FLAGS = regex.compile(r"\(\?[a-zA-Z]+\)")


def _check_not_catastrophic(checker: _Checker, entry: str, pattern: str, compiled: regex.Pattern) -> None:
    """Reject a pattern that backtracks for too long, or matches empty text, on probe texts.

    Each literal character of the pattern, repeated and then spoiled, is the
    input that makes patterns like ``(a|aa)+$`` explode; the same probes show
    a pattern such as ``(?=年)`` that matches nothing but a position.
    """
    chars = {c for c in pattern if c.isalnum()} | set("1一a")
    for c in sorted(chars)[:40]:
        probe = c * 40 + "!\n" + (c + " ") * 20
        try:
            for m in compiled.finditer(probe, timeout=0.05):
                if m.end() == m.start():
                    raise checker.fail(entry, f"pattern {pattern!r} matches the empty string (at {c!r})")
        except TimeoutError:
            raise checker.fail(entry, f"pattern {pattern!r} backtracks catastrophically "
                                      f"(timed out on {c!r} repeated)") from None


# --- the pack --------------------------------------------------------------

@dataclass(eq=False, init=False, repr=False)
class Packs:
    """All lexicons, merged from the pack files, and the matchers built from them."""

    files: list[PackFile] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)
    fraction_marker: str = ""
    percent_words: dict[str, float] = field(default_factory=dict)
    group_marker: str = ""
    group_numerals: str = ""
    group_not_before: list[str] = field(default_factory=list)
    specials: dict[str, Special] = field(default_factory=dict)
    prefix_comparators: dict[str, str] = field(default_factory=dict)
    suffix_comparators: dict[str, str] = field(default_factory=dict)
    circumfixes: list[tuple[str, str, str]] = field(default_factory=list)
    range_separators: list[str] = field(default_factory=list)
    implicit_currency_words: list[str] = field(default_factory=list)
    implicit_units: list[str] = field(default_factory=list)
    modality: list[str] = field(default_factory=list)
    verbs: list[str] = field(default_factory=list)
    not_verbs: list[str] = field(default_factory=list)
    level_verbs: list[str] = field(default_factory=list)
    nominal_verbs: list[str] = field(default_factory=list)
    elaboration_words: list[str] = field(default_factory=list)
    adjacent_verbs: list[str] = field(default_factory=list)
    yielding_verbs: list[str] = field(default_factory=list)
    object_verbs: list[str] = field(default_factory=list)
    share_verbs: list[str] = field(default_factory=list)
    start_words: list[str] = field(default_factory=list)
    result_words: list[str] = field(default_factory=list)
    not_modality: list[str] = field(default_factory=list)
    norm_words: list[str] = field(default_factory=list)
    frame_open: list[str] = field(default_factory=list)
    frame_close: list[str] = field(default_factory=list)
    metric_trim_leading: list[str] = field(default_factory=list)
    metric_reported_by: list[str] = field(default_factory=list)
    metric_trim_trailing: list[str] = field(default_factory=list)
    metric_stop_after: list[str] = field(default_factory=list)
    metric_not_stops: list[str] = field(default_factory=list)
    metric_predicates: list[str] = field(default_factory=list)
    metric_comparisons: list[str] = field(default_factory=list)
    metric_not_comparisons: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    threshold_markers: list[str] = field(default_factory=list)
    grant_words: list[str] = field(default_factory=list)
    goal_words: list[str] = field(default_factory=list)
    metric_respectively: list[str] = field(default_factory=list)
    metric_heads: list[str] = field(default_factory=list)
    metric_modifiers: list[str] = field(default_factory=list)
    metric_list_separators: list[str] = field(default_factory=list)
    #: Words that join the items of a list in one (城乡 = 城镇, 农村) -> the items, in order.
    metric_compounds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fact_cues: list[str] = field(default_factory=list)
    present_cues: list[str] = field(default_factory=list)
    span_patterns: list[str] = field(default_factory=list)
    baseline_patterns: list[str] = field(default_factory=list)
    future_cues: list[str] = field(default_factory=list)
    plan_verbs: list[str] = field(default_factory=list)
    fact_sections: list[str] = field(default_factory=list)
    target_sections: list[str] = field(default_factory=list)
    title_endings: list[str] = field(default_factory=list)
    period_patterns: list[str] = field(default_factory=list)
    period_bases: list[str] = field(default_factory=list)
    period_frequencies: list[str] = field(default_factory=list)
    period_since: list[str] = field(default_factory=list)
    stop_patterns: list[str] = field(default_factory=list)
    bare_numerals: list[str] = field(default_factory=list)
    pattern_origins: dict[str, str] = field(default_factory=dict, repr=False)
    #: Seconds a pattern may run on one text: MATCH_TIMEOUT once a user's pack adds
    #: patterns; None for the bundled packs alone, whose patterns the test suite
    #: proves fast (a timeout check costs about a third more per match).
    match_timeout: float | None = None
    subject_suffixes: list[str] = field(default_factory=list)
    subject_followers: list[str] = field(default_factory=list)
    not_subjects: list[str] = field(default_factory=list)
    not_in_names: list[str] = field(default_factory=list)
    not_place_endings: list[str] = field(default_factory=list)
    reporting_words: list[str] = field(default_factory=list)
    subject_bodies: list[str] = field(default_factory=list)
    subject_connectives: list[str] = field(default_factory=list)
    subject_locatives: list[str] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    governments: list[str] = field(default_factory=list)
    government_marks: list[str] = field(default_factory=list)
    national_issuers: list[str] = field(default_factory=list)
    country_names: list[str] = field(default_factory=list)
    country_topics: list[str] = field(default_factory=list)
    generic_places: list[str] = field(default_factory=list)
    source_patterns: list[str] = field(default_factory=list)
    source_cues: list[str] = field(default_factory=list)
    source_trailing: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    place_suffixes: list[str] = field(default_factory=list)
    #: Indicators as compare reads them: every name and variant -> the indicator's name.
    indicator_names: dict[str, str] = field(default_factory=dict)
    #: The indicator's name -> which way a figure beats its target (higher, lower, none).
    indicator_better: dict[str, str] = field(default_factory=dict)
    compare_qualifiers: list[str] = field(default_factory=list)
    compare_trailing: list[str] = field(default_factory=list)
    multi_year_words: list[str] = field(default_factory=list)
    this_year_words: list[str] = field(default_factory=list)
    last_year_words: list[str] = field(default_factory=list)
    next_year_words: list[str] = field(default_factory=list)
    whole_year_words: list[str] = field(default_factory=list)
    paragraph_span_words: list[str] = field(default_factory=list)
    decline_verbs: list[str] = field(default_factory=list)
    ceiling_verbs: list[str] = field(default_factory=list)
    chrome_words: list[str] = field(default_factory=list)
    chrome_labels: list[str] = field(default_factory=list)
    chrome_separators: list[str] = field(default_factory=list)
    chrome_patterns: list[str] = field(default_factory=list)
    #: Words for the whole of a year named before them (2020年，…全年…): that year is the period.
    period_whole_year: list[str] = field(default_factory=list)
    #: What a clause opens with to date what follows from a work's completion (…，投产后…).
    period_after: list[str] = field(default_factory=list)
    #: What closes the whole a count is a part of (41个行业中23个行业): 中, 当中.
    metric_partitives: list[str] = field(default_factory=list)

    def __init__(self) -> None:
        """Every lexicon empty, as ``load_packs`` starts from. Written here, not
        generated by ``dataclass``: generating it (and a repr) for its hundred
        fields took about 8 ms at each start."""
        for f in fields(self):
            setattr(self, f.name, f.default if f.default_factory is MISSING else f.default_factory())

    # -- compiled matchers, built once ------------------------------------

    def compile(self) -> None:
        """Build every combined matcher now, so a broken merge fails at load, not mid-run."""
        try:
            for name in ("quantity_re", "quantity_start_re", "figure_tail_re", "implicit_currency_re", "stop_re", "stop_near_re", "period_re",
                         "verb_re", "cue_words", "fact_re", "prefix_re", "subject_re",
                         "place_re", "name_stop_re", "issuer_res", "page_chrome", "source_re"):
                getattr(self, name)
        except regex.error as exc:
            files = ", ".join(f.path for f in self.files)
            raise PackError(f"packs ({files}): the patterns do not combine: {exc}") from None

    def compile_user(self, source: str, flags: int = 0):
        """Compile a pattern built from pack patterns. With the bundled packs alone it
        compiles with the faster ``re`` where it can; once a user's pack adds patterns,
        with ``regex``, as a :class:`TimedPattern` whose every match runs under
        ``match_timeout``."""
        if self.match_timeout is None:
            try:
                return re.compile(_spell_han(source), flags)
            except re.error:
                return regex.compile(source, flags)
        return TimedPattern(regex.compile(source, flags), self.match_timeout)

    def slow_pattern(self, text: str) -> str:
        """Where the pattern that cannot finish on ``text`` comes from, for an error message."""
        for pattern, origin in self.pattern_origins.items():
            try:
                for _ in regex.compile(pattern).finditer(text, timeout=MATCH_TIMEOUT / 4):
                    pass
            except TimeoutError:
                return f"{origin}: pattern {pattern!r} takes too long on this text"
        return "a rule pack pattern takes too long on this text"

    @cached_property
    def quantity_re(self) -> regex.Pattern:
        return self._build_quantity()

    @cached_property
    def implicit_unit(self) -> Unit | None:
        """The unit a figure after a money word takes (the last one a pack names)."""
        return self.units.get(self.implicit_units[-1]) if self.implicit_units else None

    @cached_property
    def implicit_currency_re(self) -> regex.Pattern:
        """A money word shortly before a figure with no unit (完成投资85亿): ends at the figure."""
        if not self.implicit_currency_words:
            return re.compile("(?!)")
        return re.compile(f"(?:{alternation(self.implicit_currency_words)})[^，,。；;、：:\\d]{{0,6}}$")

    @cached_property
    def stop_re(self) -> regex.Pattern:
        """Stop patterns that begin with a literal character, matched across the whole text.

        The patterns that open with the same character are tried behind it once
        (一(?:线|批|…)), so a scan tests that character once, not once per pattern;
        only patterns with no capture group, no ``|`` and no quantifier on that
        first character are so gathered, each keeping its place among those of
        its character (no two characters open a match at one place), so the
        union finds the same matches."""
        patterns = [p for p in self.stop_patterns if _literal_start(p)]
        whole = self.compile_user(union(patterns))
        if whole.groups:
            return whole
        by_first: dict[str, list[str]] = {}
        for p in patterns:
            by_first.setdefault(p[0], []).append(p)
        parts = [f"{re.escape(first)}(?:{'|'.join(f'(?:{p[1:]})' for p in group)})"
                 if all("|" not in p and p[1:2] not in ("*", "+", "?", "{") for p in group)
                 else "|".join(f"(?:{p})" for p in group)
                 for first, group in by_first.items()]
        return self.compile_user("|".join(parts) or "(?!)")

    @cached_property
    def stop_near_re(self) -> regex.Pattern:
        """The other stop patterns, matched only near each quantity (see STOP_NEAR)."""
        return self.stop_near_scan.full

    @cached_property
    def stop_near_scan(self) -> GuardedUnion:
        """stop_near_re for one window, without the patterns it cannot hold."""
        return GuardedUnion([p for p in self.stop_patterns if not _literal_start(p)], self.compile_user, shortest=1)

    @cached_property
    def period_re(self) -> regex.Pattern:
        return self.period_scan.full

    @cached_property
    def period_scan(self) -> GuardedUnion:
        """period_re for scanning a whole text, without the periods it cannot hold."""
        return GuardedUnion(self.period_patterns, self.compile_user)

    @cached_property
    def verb_re(self) -> regex.Pattern:
        # The check of the first character lets the scan pass over most
        # positions without trying the long list of words that hold no verb.
        starts = "".join(sorted({re.escape(word[0]) for word in self.verbs if word}))
        lead = f"(?=[{starts}])" if starts else ""
        return re.compile(f"{lead}(?!{alternation(self.not_verbs)})(?:{alternation(self.verbs)})")

    @cached_property
    def cue_words(self) -> tuple[regex.Pattern, dict[str, tuple[tuple[str, int, int, str], ...]]]:
        """One scan for every word-list cue: a pattern over all cue words, and for each
        word the cues it stands for, with the offset, end and text of each cue word it
        holds (城镇新增就业 is an indicator and holds the verb 新增; 增加值 holds no verb;
        行动计划 holds no modality), in order of their ends."""
        lists = {"modality": self.modality, "fact": self.fact_cues, "future": self.future_cues,
                 "verb": self.verbs, "indicator": self.indicators}
        blockers = {"verb": set(self.not_verbs), "modality": set(self.not_modality),
                    "future": set(self.not_modality)}
        everything = {w for words in lists.values() for w in words} | set().union(*blockers.values())
        table: dict[str, tuple[tuple[str, int, int], ...]] = {}
        unique = {cue: set(words) for cue, words in lists.items()}
        for word in everything:
            # Every piece of a word is looked up in each list (words are short;
            # the lists are long, so this is far cheaper than a find per listed word).
            pieces = [(at, length, word[at:at + length]) for length in range(1, len(word) + 1)
                      for at in range(len(word) - length + 1)]
            held = []
            for cue, words in unique.items():
                blocked = blockers.get(cue, ())
                if word in blocked:
                    continue  # a word that blocks a cue holds none of it
                for at, length, inner in pieces:
                    if inner in words and not any(n in word for n in blocked if inner in n):
                        held.append((cue, at, length))
            # Within one cue, a word inside a longer one of the same cue is not read (the
            # 目标 of 预期目标), as a scan for that cue alone would not read it.
            held = [h for h in held if not any(o != h and o[0] == h[0] and o[1] <= h[1]
                                               and h[1] + h[2] <= o[1] + o[2] for o in held)]
            table[word] = tuple((cue, at, at + length, word[at:at + length])
                                for cue, at, length in sorted(held, key=lambda h: (h[1] + h[2], h[1])))
        return re.compile(alternation(everything)), table

    @cached_property
    def fact_re(self) -> regex.Pattern:
        return re.compile(alternation(self.fact_cues))

    @cached_property
    def prefix_re(self) -> regex.Pattern:
        """Comparator words ending right where a quantity starts."""
        words = list(self.prefix_comparators) + [c[0] for c in self.circumfixes]
        return re.compile(f"(?:{alternation(words)})\\s*$")

    @cached_property
    def subject_re(self) -> regex.Pattern:
        """A subject named at the start of a text: an organisation (group ``org``,
        tried first) or a place (group ``place``), each followed by a verb or
        another word that opens a predicate."""
        followers = led_alternation(self.subject_followers + self.verbs)
        return self._subject_names(f"(?={followers})", rf"(?=[，,、：:\s]|{followers})")

    @cached_property
    def modifier_re(self) -> regex.Pattern:
        """A word that opens a modifier of the counted noun (具有, 具备)."""
        return re.compile(alternation(self.metric_modifiers)) if self.metric_modifiers else re.compile("(?!)")

    @cached_property
    def clause_subject_re(self) -> regex.Pattern:
        """A name that fills a clause after a locative word (在江城港区，…): the
        same names as subject_re, ending at the clause's break."""
        return self._subject_names("(?=[，,])", "(?=[，,])")

    def _subject_names(self, org_after: str, place_after: str) -> regex.Pattern:
        """An organisation (group ``org``) or a place (group ``place``) name,
        each followed by what its lookahead asks for."""
        long_suffixes = led_alternation(s for s in self.subject_suffixes if len(s) > 1)
        # A one-character suffix (县, 市, 镇) needs a name of two or more before it: 城镇 is no place.
        short_suffixes = alternation(s for s in self.subject_suffixes if len(s) == 1)
        names = alternation(self.places)
        place_suffixes = alternation(self.place_suffixes)
        # A name may hold a known place in brackets: 品捷电子（苏州）有限公司. Names
        # without brackets are tried first, as a run of characters that re reads
        # at once; each ends before the first bracket, so is shorter than any
        # with one, and the names are tried in the same order as by one branch.
        # The branch with brackets is entered only when a bracket follows.
        plain = rf"[{HAN}]{{1,{NAME_MAX}}}?{long_suffixes}"
        bracketed = (rf"(?=[{HAN}]{{1,{NAME_MAX}}}（)[{HAN}](?:[{HAN}]|（(?:{names})(?:{place_suffixes})?）)"
                     rf"{{0,{NAME_MAX - 1}}}?{long_suffixes}")
        return re.compile(
            rf"(?P<org>{plain}|{bracketed}|[{HAN}]{{2,{NAME_MAX}}}?(?:{short_suffixes}))"
            rf"{org_after}|(?P<place>(?:{names})(?:{place_suffixes})?){place_after}"
        )

    @cached_property
    def subject_hint(self) -> tuple[regex.Pattern, int]:
        """A cheap test that a text may name a subject at its start: a subject
        suffix or place name found within the returned reach (the farthest a
        name starting at the text's start can end). A text without one cannot
        match subject_re or place_re."""
        words = self.subject_suffixes + self.places
        longest_suffix = max(map(len, self.subject_suffixes), default=0)
        longest_place = max(map(len, self.places), default=0) + max(map(len, self.place_suffixes), default=0)
        return re.compile(alternation(words)), max(NAME_MAX + longest_suffix, longest_place)

    @cached_property
    def place_re(self) -> regex.Pattern:
        """A place named at the start of a text (the ``place`` branch of subject_re alone)."""
        names = alternation(self.places)
        suffixes = alternation(self.place_suffixes)
        followers = led_alternation(self.subject_followers + self.verbs)
        return re.compile(rf"(?P<place>(?:{names})(?:{suffixes})?)(?=[，,、：:\s]|{followers})")

    @cached_property
    def name_stop_re(self) -> regex.Pattern:
        """Words that show a candidate organisation name is really a clause."""
        return re.compile(alternation(self.not_subjects + self.not_in_names))

    @cached_property
    def follower_start_re(self) -> regex.Pattern:
        """A word of two or more characters that follows a subject (全力, 持续, 加快):
        a candidate name that opens with one is a predicate (全力支持雄安新区)."""
        return re.compile(alternation(w for w in self.subject_followers if len(w) > 1))

    @cached_property
    def issuer_res(self) -> list[regex.Pattern]:
        return [self.compile_user(p, re.MULTILINE) for p in self.issuers]

    @cached_property
    def source_re(self) -> list[regex.Pattern]:
        """A reporting clause naming who publishes the figures after it (据…统计,
        …数据显示, …发布): patterns to try in order at a clause's start, the first
        that matches naming it in group ``subject``. With the bundled packs alone,
        one ``re`` pattern per pack pattern (``re`` takes no group name twice in
        one pattern, and runs these faster than ``regex``); else their union, so
        that one timeout bounds them all."""
        if self.match_timeout is None:
            try:
                return [re.compile(_spell_han(p)) for p in self.source_patterns]
            except re.error:
                pass
        return [self.compile_user(union(self.source_patterns))]

    @cached_property
    def source_cue_re(self) -> regex.Pattern:
        """A cheap test that a paragraph may hold a reporting clause."""
        return re.compile(alternation(self.source_cues))

    @cached_property
    def topic_re(self) -> tuple[re.Pattern, re.Pattern]:
        """A name of the whole country or a place (with its suffix: 河北省), after
        a locative word or not, the name in group ``topic``: the pattern that
        reads it at a text's start, and the one that reads it after a clause
        break (the break included, so that ``re`` skips from break to break at
        C speed instead of trying every position). See :meth:`topics`.

        The break's spaces are those ``\\s`` stands for, spelled out (every
        character for which ``str.isspace`` holds lies below U+3001): ``re``
        passes over the characters of a class of characters alone faster than
        over those of a class that holds ``\\s``."""
        places = f"(?:{alternation(self.places)})(?:{alternation(self.place_suffixes)})?"
        locative = f"(?:{alternation(self.subject_locatives)})?"
        name = f"{locative}(?P<topic>{alternation(self.country_topics)}|{places})"
        spaces = re.escape("".join(c for c in map(chr, range(0x3001)) if c.isspace()))
        # After a break, most clauses open on no name: a class of the characters
        # a name or locative word can open with turns them away at once.
        firsts = _first_chars(name)
        lead = _lead(firsts) if firsts else ""
        return re.compile(name), re.compile(f"[，,；;：:。！？!?{spaces}]{lead}{name}")

    def topics(self, text: str) -> Iterator[re.Match]:
        """Where a country or place name opens a clause of ``text``, or follows a
        locative word that does (我国GDP…, …，上海静安商圈…, 在河南郑州，…), in
        order; read each from its group ``topic``. The same matches as trying
        every position after a break, as long as no name ends in a break mark
        or space (none does)."""
        opening, after_break = self.topic_re
        m = opening.match(text)
        if m is None:
            return after_break.finditer(text)
        return iter([m, *after_break.finditer(text, m.end())])

    @cached_property
    def page_chrome(self) -> PageChrome:
        """A saved web page's furniture: a line of tool words between separators
        (【字号：大 中 小】), a label with its value (来源：…, 首页 > …), or a line
        one of the chrome patterns matches whole (a publication time)."""
        seps = "".join(re.escape(c) for c in "".join(self.chrome_separators))
        gaps = f"[\\s{seps}【】\\[\\]：:]"
        words = alternation(self.chrome_words)
        labelled = f"(?:{alternation(self.chrome_labels)})(?:{gaps}.*)?" if self.chrome_labels else "(?!)"
        # Possessive: a line of tool words is read left to right, longest word first, once.
        parts = [f"(?:{gaps}|{words})++", labelled, *self.chrome_patterns]
        separator = re.compile(f"[\\s{seps}]+") if seps else re.compile("(?!)")
        return PageChrome(self.compile_user(union(parts)), separator)

    @cached_property
    def figure_tail_re(self) -> regex.Pattern:
        """The rest of a figure at the start of a line: scale words, a unit or both
        (万亿元左右, 个, 亿). After a line ending in digits it shows the break
        stands inside the figure (9⏎万亿元), which then reads as it would unwrapped."""
        mid = f"(?:{alternation(w for w in self.suffix_comparators if len(w) == 1)})?"
        return re.compile(f"{mid}(?:{alternation(self.scales)}|{alternation(self.units)})")

    @cached_property
    def quantity_start_re(self) -> regex.Pattern:
        """Where a quantity may start: a numeral run followed by a character
        that can continue a quantity (a unit, scale, mark or separator), or a
        special phrase or percent word. A cheap scan that finds the few places
        where the full quantity pattern is tried."""
        numerals = "0-9零〇一二两三四五六七八九十百千万亿"
        mids = [w for w in self.suffix_comparators if len(w) == 1]
        # One-character words are looked for by a character class; longer ones
        # whole, unless a one-character word opens them too, so that a date's
        # 1日 is not taken for the start of 1日元.
        singles = {w for w in [*self.units, *self.scales, *mids, *self.range_separators] if len(w) == 1}
        whole = sorted(w for w in [*self.units, *self.scales, *self.range_separators]
                       if len(w) > 1 and w[0] not in singles)
        follow = singles | {self.group_marker[0], self.fraction_marker[0], "点", ".", ",", "，", "\t", *SPACES}
        words = sorted({*self.specials, *self.percent_words}, key=lambda w: (-len(w), w))

        def cls(chars: Iterable[str]) -> str:
            return "".join(re.escape(c) for c in sorted(chars))
        # Every match opens with one character class, so re skips ahead to
        # those characters at C speed; what follows tells which branch the first
        # character opened. The lookbehind keeps a numeral run from being tried
        # again at each of its positions, so a long digit run stays linear.
        ahead = f"[{cls(follow)}]" + (f"|{alternation(whole)}" if whole else "")
        run = f"(?<=[{numerals}])(?<![{numerals}].)[{numerals}]{{0,23}}(?={ahead})"
        rests = [f"(?<={re.escape(w[0])}){re.escape(w[1:])}" for w in words]
        return re.compile(f"[{numerals}{cls({w[0] for w in words})}](?:{'|'.join([run, *rests])})")

    def _build_quantity(self) -> regex.Pattern:
        # Numerals start only where a numeral run starts (the lookbehinds) and
        # are bounded in length, so a run of a million digits costs linear time.
        arabic = r"(?<![\d.])\d{1,24}(?:[,，]\d{3}(?!\d)){0,8}(?:\.\d{1,12})?"
        mids = [w for w in self.suffix_comparators if len(w) == 1]
        # A decimal in Chinese numerals may take a scale word after its fraction (三点五亿).
        cjk = (r"(?<![零〇一二两三四五六七八九十百千万亿])[零〇一二两三四五六七八九十百千万亿]{1,24}"
               rf"(?:点[零〇一二三四五六七八九]{{1,12}}(?:{alternation(self.scales)})?)?")
        mid = f"(?:{alternation(mids)})?"
        # A scale word does not take the start of a unit (the 千 of 500千瓦, 3千克).
        scale_units = [u for u in self.units if any(u.startswith(s) for s in self.scales)]
        not_unit = f"(?!{alternation(scale_units)})" if scale_units else ""
        scale = f"(?:{not_unit}(?:{alternation(self.scales)}))?"
        unit = f"(?:{alternation(self.units)})"
        suffix = f"(?:{alternation(self.suffix_comparators)})?"
        sep = f"[ \\t]*(?:{alternation(self.range_separators)})[ \\t]*"
        firsts = {w[0] for w in [*self.units, *self.scales, *mids, *self.range_separators]} | {"\t", *SPACES}
        ahead = "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])"
        # 1亿7000万: an amount written as several scaled parts, read as their sum.
        parts = r"(?:(?:万亿|亿|万)\d{1,4}(?:\.\d{1,12})?){0,2}"
        # Spaces inside a figure, as PDF and Word text has them (95 亿元, 120 万人,
        # 5.5 %): one or two, taken only where a scale word or unit follows. A tab
        # parts table cells, so is never one of them.
        gap = f"[{SPACES}]{{1,2}}"
        to_scale = f"(?:{gap}(?={mid}(?:{not_unit}(?:{alternation(self.scales)})|{unit})))?"
        to_unit = f"(?:{gap}(?={unit}))?"
        num_a = f"{arabic}{parts}{to_scale}{ahead}{mid}{scale}{mid}"
        num_c = f"{cjk}{mid}"
        # A rate: 0.6人/百亿元, 3.5吨/亩. The unit after the slash, scale included, joins the unit.
        per_unit = f"(?:{alternation(self.scales)})?{unit}"
        per_a, per_c = f"(?:[/／](?P<per>{per_unit}))?", f"(?:[/／](?P<cper>{per_unit}))?"
        group_chars = re.escape(self.group_numerals)
        not_before = alternation(self.group_not_before)
        forms = [
            f"(?P<special>{alternation(self.specials)})",
            f"(?P<pword>{alternation(self.percent_words)})(?P<pnum>{arabic}|{cjk})(?P<psuf>{suffix})",
            f"(?P<fden>{arabic}|{cjk}){re.escape(self.fraction_marker)}(?P<fnum>{arabic}|{cjk})",
            f"(?<![零〇一二两三四五六七八九十百千第])(?P<group>[{group_chars}]){re.escape(self.group_marker)}"
            f"(?!{not_before})(?=[{HAN}]|“)",
            f"(?P<n1>{num_a})(?:(?P<u1>{unit})?{sep}(?P<n2>{num_a}))?{to_unit}(?P<unit>{unit})?{per_a}(?P<suf>{suffix})",
            f"(?P<c1>{num_c})(?:(?P<cu1>{unit})?{sep}(?P<c2>{num_c}))?(?P<cunit>{unit}){per_c}(?P<csuf>{suffix})",
        ]
        return re.compile("|".join(f"(?:{f})" for f in forms))


def _spell_han(source: str) -> str:
    """``source`` with ``\\p{Han}``, which ``re`` does not know, spelled as ranges."""
    if "\\p{Han}" not in source:
        return source
    out, i, in_class = [], 0, False
    while i < len(source):
        if source.startswith("\\p{Han}", i):
            out.append(HAN_SCRIPT if in_class else f"[{HAN_SCRIPT}]")
            i += 7
            continue
        ch = source[i]
        if ch == "\\":
            out.append(source[i:i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            # A ] right after the opening [ or [^ is a literal member.
            j = i + 1 + (source[i + 1:i + 2] == "^")
            if source[j:j + 1] == "]":
                out.append(source[i:j + 1])
                i = j + 1
                continue
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def _literal_start(pattern: str) -> bool:
    """True when a pattern's first character is a literal, so a text-wide scan for it is cheap."""
    return pattern[0] not in "\\[(.^$*+?{|"


def union(patterns: Sequence[str]) -> str:
    """One pattern matching any of ``patterns``, led by a lookahead for the characters
    they can start with when those are known: a position that cannot start any of
    them is then passed over at once (five times faster on period expressions).
    When every pattern starts with a literal character, ``re`` skips ahead by
    itself, faster than through a lookahead, and none is added."""
    body = "|".join(f"(?:{p})" for p in patterns) or "(?!)"
    if patterns and all(_literal_start(p) for p in patterns):
        return body
    starts: set[str] = set()
    for pattern in patterns:
        first = _first_chars(pattern)
        if first is None:
            return body
        starts |= first
    return f"{_lead(starts)}(?:{body})" if starts else body


def _lead(chars: Iterable[str]) -> str:
    """A lookahead for a class of ``chars``: the characters a pattern after it can
    start with, so that ``re`` turns away any other position at once."""
    return f"(?=[{''.join(map(re.escape, sorted(chars)))}])"


def _edge_members(items, last: bool, member: Callable) -> tuple[set[str], bool]:
    """What a match of the parsed ``items`` can begin with (or, with ``last``,
    end with): the union of ``member(kind, arg)`` over the literals and class
    members it can open (close) on, and whether every match has one. Raises
    ValueError on what the walk does not know (a wildcard, a backreference)."""
    from re import _constants as c

    found: set[str] = set()
    for op, av in (reversed(items) if last else items):
        if op is c.LITERAL:
            return found | member(c.LITERAL, av), True
        if op is c.IN:
            for kind, arg in av:
                found |= member(kind, arg)
            return found, True
        if op is c.SUBPATTERN and (av[1] or av[2]):
            raise ValueError("scoped flags")  # (?i:a) also matches A: the members are unknown
        if op is c.SUBPATTERN or op is c.ATOMIC_GROUP:
            inner, done = _edge_members(av[-1] if op is c.SUBPATTERN else av, last, member)
        elif op is c.BRANCH:
            results = [_edge_members(branch, last, member) for branch in av[1]]
            inner, done = set().union(*(r[0] for r in results)), all(r[1] for r in results)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            inner, done = _edge_members(av[2], last, member)
            done = done and av[0] > 0
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        else:
            raise ValueError(op)
        found |= inner
        if done:
            return found, True
    return found, False


@lru_cache(maxsize=512)
def _parsed(pattern: str):
    """``pattern`` as the standard library's parser reads it, once per pattern:
    the walks here read the same pack patterns several times (a union and its
    lean part, the period union that metrics' patterns hold). Shared between
    callers, so read only: no walk may alter what it returns."""
    from re import _parser as parser
    return parser.parse(pattern)


def _case_sensitive_items(pattern: str) -> list:
    """The parsed items of ``pattern``; ValueError when a flag at its start makes
    it ignore case, as then its literals stand for more characters than they name."""
    parsed = _parsed(pattern)
    if parsed.state.flags & re.IGNORECASE:
        raise ValueError("ignores case")
    return list(parsed)


def _first_chars(pattern: str) -> set[str] | None:
    """The characters a match of ``pattern`` can begin with, or None when unknown
    (syntax the standard parser does not read, or a class too wide to list)."""
    try:
        from re import _constants as c
    except ImportError:
        return None

    def chars(kind, arg) -> set[str]:
        if kind is c.LITERAL:
            return {chr(arg)}
        if kind is c.RANGE and arg[1] - arg[0] <= 2000:
            return {chr(x) for x in range(arg[0], arg[1] + 1)}
        if kind is c.CATEGORY and arg is c.CATEGORY_DIGIT:
            return set("0123456789０１２３４５６７８９")
        raise ValueError(kind)

    try:
        found, complete = _edge_members(_case_sensitive_items(pattern), False, chars)
    except Exception:  # anything the walk does not know: no prefilter, never a wrong one
        return None
    return found if complete and found else None


def last_char_class(pattern: str) -> re.Pattern | None:
    """A one-character pattern that every character a non-empty match of
    ``pattern`` can end with matches, or None when unknown (a wildcard, a negated
    class, syntax the standard parser does not read). A text whose last
    character it does not match has no match of ``pattern`` ending at its end,
    which lets an end-anchored pattern be skipped at once."""
    try:
        from re import _constants as c
    except ImportError:
        return None
    categories = {c.CATEGORY_DIGIT: r"\d", c.CATEGORY_SPACE: r"\s", c.CATEGORY_WORD: r"\w"}

    def members(kind, arg) -> set[str]:
        source = _class_member(kind, arg)
        return {categories[arg] if source is None else source}  # a negated class or another category: unknown

    try:
        found, _ = _edge_members(_case_sensitive_items(_spell_han(pattern)), True, members)
    except Exception:  # anything the walk does not know: no shortcut, never a wrong one
        return None
    return re.compile(f"[{''.join(sorted(found))}]") if found else None


class GuardedUnion:
    """A union of patterns that leaves out, for a text, the patterns it cannot
    match. When every pattern needs something (a text one of which its every
    match holds, a character class, a text a closing lookahead reads) and a
    text holds none of those, it gets no union at all: ``pattern_for`` gives
    None and the caller skips its search. Otherwise the patterns that ``re``
    enters at every position it tries (see _entered) and whose every match
    holds one of a few texts at least ``shortest`` characters long (月份,
    个月) are left out of a text holding none of them. What the union finds
    is unchanged; the union without the left-out patterns is compiled when
    first needed."""

    def __init__(self, patterns: Sequence[str], compile_: Callable[[str], Any], shortest: int = 2):
        self._patterns = list(patterns)
        self._compile = compile_
        self.full = compile_(union(self._patterns))
        needs = [_guard(p, 1) for p in self._patterns]
        self._some = _Needs(needs) if self._patterns and all(needs) else None
        if shortest > 1:
            needs = [_guard(p, shortest) for p in self._patterns]
        self._guarded = {i for i, (p, need) in enumerate(zip(self._patterns, needs)) if need and _entered(p)}
        self._needs = _Needs([needs[i] for i in self._guarded]) if self._guarded else None
        self._lean: Any = None

    def pattern_for(self, text: str, pos: int = 0, endpos: int | None = None):
        """The union for ``text[pos:endpos]``: None when it holds nothing any
        pattern needs, the union without the guarded patterns when it holds
        none of their needs, else the whole."""
        end = len(text) if endpos is None else endpos
        if self._some is not None and not self._some.held(text, pos, end):
            return None
        if self._needs is None or self._needs.held(text, pos, end):
            return self.full
        if self._lean is None:
            self._lean = self._compile(union([p for i, p in enumerate(self._patterns) if i not in self._guarded]))
        return self._lean


class _Needs:
    """Whether a text holds one of some needs (see _guard): the texts as one
    trie and the character classes as one class, each of which ``re`` skips
    through at C speed."""

    __slots__ = ("_texts", "_chars")

    def __init__(self, needs: Sequence[tuple[str, ...] | str]):
        texts = {t for need in needs if isinstance(need, tuple) for t in need}
        classes = sorted({need[1:-1] for need in needs if isinstance(need, str)})
        self._texts = re.compile(alternation(texts)) if texts else None
        self._chars = re.compile(f"[{''.join(classes)}]") if classes else None

    def held(self, text: str, pos: int, end: int) -> bool:
        return ((self._texts is not None and self._texts.search(text, pos, end) is not None)
                or (self._chars is not None and self._chars.search(text, pos, end) is not None))


def _guard(pattern: str, shortest: int) -> tuple[str, ...] | str | None:
    """What a window holding a match of ``pattern`` holds too: texts, one of
    which it holds (a tuple), its needed texts when the shortest is at least
    ``shortest`` long; with ``shortest`` 1, else a needed character class (a
    pattern, [A-Za-z]), else the texts a lookahead that closes it reads. None
    when there is none."""
    texts = needed_texts(pattern)
    if texts and min(map(len, texts)) >= shortest:
        return texts
    if shortest > 1:
        return None
    return needed_class(pattern) or _closing_lookahead_texts(pattern) or None


def _entered(pattern: str) -> bool:
    """Whether ``re``, trying a union at a position, enters ``pattern`` whatever
    the character there: it passes over one that opens with a literal, a class
    or a branch of those at once, but not one that opens with an optional part
    or a lookaround."""
    try:
        from re import _constants as c
        items = list(_parsed(pattern))
    except Exception:
        return False
    return bool(items) and items[0][0] not in (c.LITERAL, c.IN, c.BRANCH)


def _parse(pattern: str):
    """The standard parser's items of ``pattern``; None when it cannot read it, or
    the pattern ignores case or is verbose (its characters are not as written)."""
    try:
        parsed = _parsed(pattern)
    except Exception:  # anything the standard parser does not read: no guard
        return None
    return None if parsed.state.flags & (re.IGNORECASE | re.VERBOSE) else list(parsed)


def needed_texts(pattern: str) -> tuple[str, ...]:
    """Texts one of which every match of ``pattern`` holds: a run of literal
    characters outside any optional part (月份), or the texts the branches of
    a group each need (假期|长假|期间); the choice whose shortest text is
    longest. () when there is none or it cannot be told."""
    items = _parse(pattern)
    try:
        return _texts_needed(items) if items else ()
    except ValueError:
        return ()


#: At most this many texts stand for a run of small choices (年 then 内, 来 or 间: 年内|年来|年间).
_TEXTS_MAX = 16


def _texts_needed(items) -> tuple[str, ...]:
    from re import _constants as c

    choices: list[tuple[str, ...]] = []
    run: tuple[str, ...] = ("",)  # the texts the items read so far spell, one each way they can go
    for op, av in items:
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            continue  # reads no character of the match: the texts around it stay one run
        spelled = _spellings(op, av)
        if spelled is not None and len(run) * len(spelled) <= _TEXTS_MAX:
            run = tuple(dict.fromkeys(r + s for r in run for s in spelled))
            continue
        if run != ("",):
            choices.append(run)
            run = ("",)
        if op is c.BRANCH:
            branches = [_texts_needed(branch) for branch in av[1]]
            if all(branches):
                choices.append(tuple(dict.fromkeys(t for texts in branches for t in texts)))
        elif op is c.SUBPATTERN:
            if av[1] or av[2]:
                raise ValueError("flags")
            choices.append(_texts_needed(av[3]))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] > 0:
            choices.append(_texts_needed(av[2]))
    if run != ("",):
        choices.append(run)
    # A choice that may read nothing is no need; a text holding another of its
    # choice adds nothing (a match holding it holds the other).
    choices = [tuple(t for t in texts if not any(o != t and o in t for o in texts))
               for texts in choices if "" not in texts]
    return max((texts for texts in choices if texts),
               key=lambda texts: (min(map(len, texts)), -len(texts)), default=())


def _spellings(op, av) -> tuple[str, ...] | None:
    """Every text one item can read when they are few and fixed (年; [内来间];
    (?:以来|起); (?:底|末)?, which may read nothing), else None."""
    from re import _constants as c

    if op is c.LITERAL:
        return (chr(av),)
    if op is c.IN:
        if len(av) <= _TEXTS_MAX and all(kind is c.LITERAL for kind, _ in av):
            return tuple(chr(arg) for _, arg in av)
        return None
    if op is c.SUBPATTERN:
        return None if av[1] or av[2] else _sequence_spellings(av[3])
    if op is c.BRANCH:
        found: list[str] = []
        for branch in av[1]:
            spelled = _sequence_spellings(branch)
            if spelled is None:
                return None
            found += spelled
        return tuple(dict.fromkeys(found)) if len(found) <= _TEXTS_MAX else None
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[1] == 1:
        spelled = _sequence_spellings(av[2])  # (?:底|末)? reads nothing, 底 or 末
        return None if spelled is None else tuple(dict.fromkeys(("",) * (av[0] == 0) + spelled))
    return None


def _sequence_spellings(items) -> tuple[str, ...] | None:
    """Every text a sequence of items can read when each item's are few and fixed, else None."""
    texts: tuple[str, ...] = ("",)
    for op, av in items:
        spelled = _spellings(op, av)
        if spelled is None or len(texts) * len(spelled) > _TEXTS_MAX:
            return None
        texts = tuple(t + s for t in texts for s in spelled)
    return texts


def _class_member(kind, arg) -> str | None:
    """A member of a parsed class as pattern source, when it is a literal or a
    range of them; None for any other (a category, a negation)."""
    from re import _constants as c

    if kind is c.LITERAL:
        return re.escape(chr(arg))
    if kind is c.RANGE:
        return f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}"
    return None


def needed_class(pattern: str) -> str | None:
    """A character class, as a pattern, one of whose characters every match of
    ``pattern`` holds (the [A-Za-z] of [A-Za-z]+\\d+): of the classes outside
    any optional part, the one of fewest characters; a negated class or one
    holding a category (\\d) is never taken. None when there is none."""
    from re import _constants as c

    found: list[tuple[int, str]] = []

    def walk(items) -> None:
        for op, av in items:
            if op is c.IN:
                members, size = [], 0
                for kind, arg in av:
                    source = _class_member(kind, arg)
                    if source is None:
                        break
                    members.append(source)
                    size += arg[1] - arg[0] + 1 if kind is c.RANGE else 1
                else:
                    found.append((size, f"[{''.join(members)}]"))
            elif op is c.SUBPATTERN and not (av[1] or av[2]):
                walk(av[3])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] > 0:
                walk(av[2])

    items = _parse(pattern)
    if items:
        walk(items)
    return min(found)[1] if found else None


def _closing_lookahead_texts(pattern: str) -> tuple[str, ...]:
    """Texts one of which a lookahead of ``pattern`` outside any optional part
    needs (热线 in \\d{5,}(?=热线|平台)): a search that ends where a text ends
    cannot read past it, so a window holding a match holds one of them too."""
    from re import _constants as c

    items = _parse(pattern)
    for op, av in items or ():
        if op is c.ASSERT and av[0] == 1:
            try:
                if texts := _texts_needed(av[1]):
                    return texts
            except ValueError:
                return ()
    return ()


# --- loading ---------------------------------------------------------------

def _merge_file(packs: Packs, data: dict, path: str, probe: bool = True) -> int:
    """Merge one parsed TOML file into ``packs``; return the number of entries."""
    ck = _Checker(path, probe)
    count = 0
    for key, value in data.items():
        loader = _LOADERS.get(key)
        if loader is None:
            raise ck.fail(key, f"unknown table (known: {', '.join(sorted(_LOADERS))})")
        count += loader(packs, ck, value)
    return count


def _load_units(packs: Packs, ck: _Checker, value: Any) -> int:
    if not isinstance(value, list):
        raise ck.fail("units", "must be an array of tables ([[units]])")
    n = 0
    for i, entry in enumerate(value):
        name = f"units[{i}]"
        entry = ck.table(entry, name)
        unknown = set(entry) - {"written", "kind", "base", "factor", "after"}
        if unknown:
            raise ck.fail(name, f"unknown keys {sorted(unknown)}")
        kind = ck.choice(entry.get("kind"), f"{name}.kind", UNIT_KINDS)
        after = entry.get("after", "any")
        ck.choice(after, f"{name}.after", ("any", "cjk", "scale"))
        factor = ck.number(entry.get("factor", 1), f"{name}.factor")
        written = ck.words(entry.get("written"), f"{name}.written")
        base = entry.get("base")
        for w in written:
            packs.units[w] = Unit(w, kind, ck.text(base, f"{name}.base") if base is not None else w,
                                  factor, after == "cjk", after == "scale")
            n += 1
    return n


def _load_scales(packs: Packs, ck: _Checker, value: Any) -> int:
    for word, factor in ck.table(value, "scales").items():
        packs.scales[word] = ck.number(factor, f"scales.{word}")
    return len(value)


def _load_fractions(packs: Packs, ck: _Checker, value: Any) -> int:
    packs.fraction_marker = ck.text(ck.table(value, "fractions").get("marker"), "fractions.marker")
    return 1


def _load_percent_words(packs: Packs, ck: _Checker, value: Any) -> int:
    for word, factor in ck.table(value, "percent_words").items():
        packs.percent_words[word] = ck.number(factor, f"percent_words.{word}")
    return len(value)


def _load_groups(packs: Packs, ck: _Checker, value: Any) -> int:
    value = ck.table(value, "groups")
    packs.group_marker = ck.text(value.get("marker"), "groups.marker")
    packs.group_numerals = ck.text(value.get("numerals"), "groups.numerals")
    packs.group_not_before.extend(ck.words(value.get("not_before", []), "groups.not_before"))
    return 2 + len(value.get("not_before", []))


def _load_special(packs: Packs, ck: _Checker, value: Any) -> int:
    for phrase, entry in ck.table(value, "special").items():
        name = f"special.{phrase}"
        entry = ck.table(entry, name)
        unit = entry.get("unit")
        packs.specials[phrase] = Special(
            ck.number(entry.get("value"), f"{name}.value"),
            ck.text(unit, f"{name}.unit") if unit is not None else None,
            ck.choice(entry.get("kind"), f"{name}.kind", UNIT_KINDS),
            ck.flag(entry.get("verb", False), f"{name}.verb"),
        )
    return len(value)


def _load_prefix(packs: Packs, ck: _Checker, value: Any) -> int:
    for word, comp in ck.table(value, "prefix").items():
        packs.prefix_comparators[word] = ck.choice(comp, f"prefix.{word}", COMPARATORS)
    return len(value)


def _load_suffix(packs: Packs, ck: _Checker, value: Any) -> int:
    for word, comp in ck.table(value, "suffix").items():
        packs.suffix_comparators[word] = ck.choice(comp, f"suffix.{word}", COMPARATORS)
    return len(value)


def _load_circumfix(packs: Packs, ck: _Checker, value: Any) -> int:
    if not isinstance(value, list):
        raise ck.fail("circumfix", "must be an array of tables ([[circumfix]])")
    for i, entry in enumerate(value):
        name = f"circumfix[{i}]"
        entry = ck.table(entry, name)
        packs.circumfixes.append((
            ck.text(entry.get("prefix"), f"{name}.prefix"),
            ck.text(entry.get("suffix"), f"{name}.suffix"),
            ck.choice(entry.get("comparator"), f"{name}.comparator", COMPARATORS),
        ))
    return len(value)


#: Which way a figure beats a target that gives no direction of its own.
BETTER = ("higher", "lower", "none")


def _load_indicator(packs: Packs, ck: _Checker, value: Any) -> int:
    """[[indicator]] entries: a name, its variants and which way is better. A name
    already known (from an earlier pack) gains the variants; ``better`` replaces."""
    if not isinstance(value, list):
        raise ck.fail("indicator", "must be an array of tables ([[indicator]])")
    for i, entry in enumerate(value):
        where = f"indicator[{i}]"
        entry = ck.table(entry, where)
        unknown = set(entry) - {"name", "variants", "better"}
        if unknown:
            raise ck.fail(f"{where}.{sorted(unknown)[0]}", "unknown key (known: better, name, variants)")
        name = ck.text(entry.get("name"), f"{where}.name")
        name = packs.indicator_names.get(name, name)
        variants = ck.words(entry.get("variants", []), f"{where}.variants")
        for word in [name, *variants]:
            other = packs.indicator_names.get(word)
            if other is not None and other != name:
                raise ck.fail(f"{where}.variants", f"{word} is already a name of {other}")
            packs.indicator_names[word] = name
        if "better" in entry or name not in packs.indicator_better:
            packs.indicator_better[name] = ck.choice(entry.get("better", "higher"), f"{where}.better", BETTER)
    return len(value)


def _load_compound(packs: Packs, ck: _Checker, value: Any) -> int:
    """[[compound]] entries: a word that holds a list of two or more items in one
    (城乡 for 城镇 and 农村), so that 城乡居民收入分别增长X和Y pairs each item with its figure."""
    if not isinstance(value, list):
        raise ck.fail("compound", "must be an array of tables ([[compound]])")
    for i, entry in enumerate(value):
        where = f"compound[{i}]"
        entry = ck.table(entry, where)
        unknown = set(entry) - {"word", "items"}
        if unknown:
            raise ck.fail(f"{where}.{sorted(unknown)[0]}", "unknown key (known: items, word)")
        word = ck.text(entry.get("word"), f"{where}.word")
        items = ck.words(entry.get("items"), f"{where}.items")
        if len(items) < 2:
            raise ck.fail(f"{where}.items", "must name two or more items")
        packs.metric_compounds[word] = tuple(items)
    return len(value)


def _lists(regex_keys: frozenset[str] = frozenset(), **targets: str) -> Callable[..., int]:
    """A loader for a table of lists, each extending one Packs attribute: word lists,
    and (for the keys in ``regex_keys``) regular expressions, compiled and checked."""
    known = ", ".join(sorted(targets))

    def load(packs: Packs, ck: _Checker, value: Any, _table: str = "") -> int:
        n = 0
        for key, items in ck.table(value, _table).items():
            attr, entry = targets.get(key), f"{_table}.{key}"
            if attr is None:
                raise ck.fail(entry, f"unknown key (known: {known})")
            if key in regex_keys:
                getattr(packs, attr).extend(ck.patterns(items, entry, packs.pattern_origins))
            else:
                getattr(packs, attr).extend(ck.words(items, entry))
            n += len(items)
        return n
    return load


def _named(table: str, loader: Callable) -> Callable[[Packs, _Checker, Any], int]:
    return lambda packs, ck, value: loader(packs, ck, value, table)


_LOADERS: dict[str, Callable[[Packs, _Checker, Any], int]] = {
    "units": _load_units,
    "scales": _load_scales,
    "fractions": _load_fractions,
    "percent_words": _load_percent_words,
    "groups": _load_groups,
    "special": _load_special,
    "prefix": _load_prefix,
    "suffix": _load_suffix,
    "circumfix": _load_circumfix,
    "range": _named("range", _lists(separators="range_separators")),
    "implicit": _named("implicit", _lists(currency="implicit_currency_words", unit="implicit_units")),
    "modality": _named("modality", _lists(words="modality", not_words="not_modality", norms="norm_words")),
    "verbs": _named("verbs", _lists(words="verbs", not_verbs="not_verbs", levels="level_verbs",
                                    nominal="nominal_verbs", elaborations="elaboration_words",
                                    adjacent="adjacent_verbs", yielding="yielding_verbs", objects="object_verbs",
                                    shares="share_verbs",
                                    starts="start_words", results="result_words",
                                         frame_open="frame_open", frame_close="frame_close")),
    "metric": _named("metric", _lists(trim_leading="metric_trim_leading", reported_by="metric_reported_by",
                                           trim_trailing="metric_trim_trailing",
                                           stop_after="metric_stop_after",
                                           not_stops="metric_not_stops",
                                           predicates="metric_predicates",
                                           comparisons="metric_comparisons",
                                           not_comparisons="metric_not_comparisons",
                                           respectively="metric_respectively",
                                           heads="metric_heads",
                                           modifiers="metric_modifiers",
                                           list_separators="metric_list_separators",
                                           partitives="metric_partitives")),
    "kinds": _named("kinds", _lists(frozenset({"baselines", "span_openers"}), fact="fact_cues", future="future_cues",
                                    plan_verbs="plan_verbs", baselines="baseline_patterns",
                                    present="present_cues", span_openers="span_patterns")),
    "sections": _named("sections", _lists(fact="fact_sections", target="target_sections",
                                          titles="title_endings")),
    "periods": _named("periods", _lists(frozenset({"patterns", "bases"}), patterns="period_patterns",
                                        bases="period_bases", frequencies="period_frequencies",
                                        since="period_since", whole_year="period_whole_year",
                                        after="period_after")),
    "stops": _named("stops", _lists(frozenset({"patterns"}), patterns="stop_patterns",
                                    bare_numerals="bare_numerals", threshold_markers="threshold_markers",
                                    grants="grant_words", goals="goal_words")),
    "subjects": _named("subjects", _lists(frozenset({"issuers", "sources"}), issuers="issuers",
                                          governments="governments", national="national_issuers",
                                          government_marks="government_marks",
                                          country="country_names", country_topics="country_topics",
                                          generic="generic_places", sources="source_patterns",
                                          source_cues="source_cues", source_trailing="source_trailing",
                                          suffixes="subject_suffixes", followers="subject_followers",
                                          not_subjects="not_subjects", not_in_names="not_in_names",
                                          not_place_endings="not_place_endings", reporting="reporting_words",
                                          bodies="subject_bodies", connectives="subject_connectives",
                                          locatives="subject_locatives")),
    "indicators": _named("indicators", _lists(names="indicators")),
    "indicator": _load_indicator,
    "compound": _load_compound,
    "compare": _named("compare", _lists(qualifiers="compare_qualifiers", trailing="compare_trailing",
                                        multi_year="multi_year_words", this_year="this_year_words",
                                        last_year="last_year_words", next_year="next_year_words",
                                        whole_year="whole_year_words",
                                        paragraph_spans="paragraph_span_words", decline_verbs="decline_verbs",
                                        ceiling_verbs="ceiling_verbs")),
    "chrome": _named("chrome", _lists(frozenset({"patterns"}), words="chrome_words", labels="chrome_labels",
                                      separators="chrome_separators", patterns="chrome_patterns")),
    "places": _named("places", _lists(names="places", suffixes="place_suffixes",
                                           name_suffixes="place_suffixes")),
}


def bundled_pack_dir() -> Traversable:
    """The folder of bundled packs. In a source checkout (``pyproject.toml``
    beside the package), its own ``patterns/``, so that a second checkout or
    worktree run with PYTHONPATH (a benchmark's base) reads its own packs, not
    those of the checkout an editable install points at. Otherwise the
    ``policycli.patterns`` package, which the install maps to the top-level
    ``patterns/`` folder: read as a folder when it is one on disk (a wheel or
    editable install), any other (a zip) through importlib.resources, which
    takes a few milliseconds to import."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "patterns").is_dir():
        return root / "patterns"
    try:
        package = import_module("policycli.patterns")
    except ModuleNotFoundError:
        return root / "patterns"
    folder = Path(package.__file__).parent if getattr(package, "__file__", None) else None
    if folder is not None and folder.is_dir():
        return folder
    from importlib import resources

    return resources.files(package)


def bundled_pack_paths() -> list[Traversable]:
    """The pack files shipped with policycli, in name order."""
    files = [f for f in bundled_pack_dir().iterdir() if f.name.endswith(".toml") and f.is_file()]
    return sorted(files, key=lambda f: f.name)


def load_packs(extra: Sequence[str | Path] = (), check_bundled: bool = False) -> Packs:
    """The bundled packs plus ``extra`` user packs, merged and validated.

    A user's pack is checked whole, each pattern compiled and probed, and every
    matcher is then built, so that a bad pack is refused here, naming file and
    entry. The bundled packs are fixed: the test suite checks them so
    (``check_bundled``), and a run trusts them and builds each matcher when
    first used, which saves most of the start of a run over one file."""
    packs = Packs()
    extra_paths = [Path(p) for p in extra]
    bundled = bundled_pack_paths()
    for i, path in enumerate([*bundled, *extra_paths]):
        name = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise PackError(f"{name}: cannot read: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise PackError(f"{name}: not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            raise PackError(f"{name}: not valid TOML: {exc}") from None
        patterns_before = len(packs.pattern_origins)
        entries = _merge_file(packs, data, name, probe=check_bundled or i >= len(bundled))
        stray = [word for word in packs.present_cues if word not in packs.fact_cues]
        if stray:
            raise PackError(f"{name}: kinds.present: {', '.join(stray)} must be listed in kinds.fact too")
        if packs.implicit_units and packs.implicit_units[-1] not in packs.units:
            raise PackError(f"{name}: implicit.unit: {packs.implicit_units[-1]} is no unit any pack defines")
        packs.files.append(PackFile(Path(path.name).stem, name, entries))
        if path in extra_paths and len(packs.pattern_origins) > patterns_before:
            packs.match_timeout = MATCH_TIMEOUT
    _check_complete(packs)
    if extra_paths or check_bundled:
        packs.compile()
    return packs


def _check_complete(packs: Packs) -> None:
    if not packs.units:
        raise PackError("packs: no units defined (is patterns/units.toml missing?)")
    for attr in ("fraction_marker", "group_marker", "group_numerals"):
        if not getattr(packs, attr):
            raise PackError(f"packs: {attr} is not defined by any pack")


@lru_cache(maxsize=1)
def default_packs() -> Packs:
    """The bundled packs, loaded once per process."""
    return load_packs()
