"""Verbs: the action that governs a figure (引进, 新增, 突破), as written.

Usually the last verb before the figure in its clause; a frame (以…为支撑)
gives its closing verb; a verb inside a comparator (不超过) or a noun phrase
(提升12项长效机制) gives way to the one before it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .cues import Cues
from .packs import Packs, alternation
from .quantities import Mention

#: How far before a quantity the opening of a frame (以…为) is looked for.
_FRAME_REACH = 40


@dataclass(slots=True)
class _Words:
    """Compiled word matchers the verb reader needs beyond the packs' own."""

    frame_close: re.Pattern
    frame_open: re.Pattern
    list_split: re.Pattern
    heads: re.Pattern
    #: The longer comparator words each verb ends (超过: 不超过), for the verbs that end one.
    long_comparators: dict[str, tuple[str, ...]]
    levels: frozenset[str]
    nominal: frozenset[str]
    elaborations: tuple[str, ...]
    adjacent: frozenset[str]
    yielding: frozenset[str]
    objects: frozenset[str]
    #: The verbs that may give way to one before them: comparator endings and adjacent verbs.
    giving_way: frozenset[str]
    starts: re.Pattern
    results: tuple[str, ...]
    list_marks: str


@lru_cache(maxsize=8)
def _words(packs: Packs) -> _Words:
    """The matchers for ``packs``, built once per pack set."""
    long_comparators = {verb: longer for verb in packs.verbs
                        if (longer := tuple(word for word in packs.prefix_comparators
                                            if word.endswith(verb) and word != verb))}
    return _Words(
        re.compile(f"^[^，,。；;]{{0,30}}?(?:{alternation(packs.frame_close)})(?P<verb>{alternation(packs.verbs)})"),
        re.compile(alternation(packs.frame_open)),
        re.compile(f"(?:{alternation(packs.metric_list_separators)})"),
        re.compile(f"(?:{alternation(packs.metric_heads)})"),
        long_comparators,
        frozenset(packs.level_verbs),
        frozenset(packs.nominal_verbs),
        tuple(packs.elaboration_words),
        frozenset(packs.adjacent_verbs),
        frozenset(packs.yielding_verbs),
        frozenset(packs.object_verbs),
        frozenset(long_comparators) | frozenset(packs.adjacent_verbs),
        re.compile(alternation(packs.start_words)),
        tuple(packs.result_words),
        "".join(sorted({c for word in packs.metric_list_separators for c in word} | set(" 　"))),
    )


class VerbReader:
    """The governing verb of each record."""

    def __init__(self, packs: Packs):
        self.packs = packs
        self.words = _words(packs)

    def read(self, text: str, cues: Cues, mention: Mention, clause_start: int, ls: int,
             clause_after: str, spans: list[tuple[int, int]]) -> tuple[str | None, tuple[int, int, str] | None]:
        """The governing verb and its (start, end, text) in the sentence (None when it follows the number)."""
        if mention.is_verb:
            # The figure is its own verb (翻一番); a verb right before it
            # (产值实现翻番) or a word of two or more opening its clause
            # (推动园区算力规模翻一番, not the 高 of 高新技术企业) still ends what it measures.
            found = cues.last_entry("verb", ls, clause_start)
            if found and found[1] != ls:
                opening = cues.entries("verb", clause_start, ls)[0]
                found = opening if opening[0] == clause_start and len(opening[2]) > 1 else None
            return text[ls:ls + mention.end - mention.start], found
        words = self.words
        if words.frame_open.search(text, max(clause_start, ls - _FRAME_REACH), ls):
            m = words.frame_close.match(clause_after)
            if m:
                return m.group("verb"), None
        found = cues.last_entry("verb", ls, clause_start)
        if words.starts.search(text, found[1] if found else clause_start, ls) and (result := self._result(clause_after)):
            # A start word (从) past the last verb: 比重从10.64%增加到17.92%:
            # 10.64% changes by the verb after it.
            return result, None
        if found is None:
            return None, None  # no verb before the figure in its clause, as for many figures
        while found and found[2] in words.giving_way and (
                (found[2] in words.long_comparators and self._in_comparator(text, found))
                or (found[2] in words.adjacent and not self._adjacent(text, found[1], ls, spans))):
            # 给予最高不超过500万元: 给予; 培育产值超百亿元企业2家: 培育
            found = cues.last_entry("verb", found[0], clause_start)
        if found and (found[2] in words.yielding or found[2] in words.objects):
            earlier = self._before(cues, found[0], clause_start)
            if earlier and (earlier[1] == found[0] or found[2] in words.objects):
                found = earlier  # 建成超200家: 超 only compares; 完成固定资产投资: 完成
        if found and words.heads.fullmatch(text, found[1], ls):
            earlier = self._before(cues, found[0], clause_start)
            if earlier:
                found = earlier
        elif found and found[1] == ls and mention.unit_kind == "count" and found[2] in words.nominal:
            # 深化作风能力提升12项长效机制: 提升 belongs to the noun phrase that the
            # clause's first verb governs (开展补贴性培训: 开展, not 补贴).
            first, at = None, found[0]
            while (earlier := self._before(cues, at, clause_start)) is not None:
                at = earlier[0]
                if earlier[2] not in words.levels:  # 累计开展…: 开展
                    first = earlier
            if (first and first[1] < found[0] and not words.list_split.search(text, first[1], found[0])
                    and not any(cues.last_entry(cue, found[0], first[1]) for cue in ("future", "modality"))):
                found = first  # not across a list, or a 将 (改造完成后将惠及1200余户: 惠及)
        return (found[2], found) if found else (None, None)

    def after(self, mention: Mention, cues: Cues, le: int, end: int) -> str | None:
        """For a count that no verb governs, the first verb after it in its clause
        (from ``le`` to ``end``): the count is who acts (近23亿人次跨区域流动,
        35个商圈举办…)."""
        if mention.unit_kind != "count":
            return None
        for found in cues.entries("verb", le, end):
            if found[2] not in self.words.adjacent:  # 65个高标准农田: no 高 of a figure
                return found[2]
        return None

    def _before(self, cues: Cues, end: int, start: int) -> tuple[int, int, str] | None:
        """The last verb within [start, end) that can govern what follows it: a verb
        that governs only a figure right after it (the 低 of 农村低保标准) cannot."""
        found = cues.last_entry("verb", end, start)
        while found and found[2] in self.words.adjacent:
            found = cues.last_entry("verb", found[0], start)
        return found

    def _result(self, clause_after: str) -> str | None:
        """The first verb after a figure that leads to a result (增加到, 降至), if any."""
        for m in self.packs.verb_re.finditer(clause_after):
            if m.group().endswith(self.words.results) or clause_after.startswith(self.words.results, m.end()):
                return clause_after[m.start():m.end() + (0 if m.group().endswith(self.words.results) else 1)]
        return None

    def _adjacent(self, text: str, end: int, ls: int, spans: list[tuple[int, int]]) -> bool:
        """Whether only figures of the sentence and list marks stand between ``end``
        and the mention at ``ls`` (分别为17.47%、17.35%: 为 governs both)."""
        at = end
        for start, stop in spans:
            if start >= ls:
                break
            if start >= at:
                if text[at:start].strip(self.words.list_marks):
                    return False
                at = stop
        return not text[at:ls].strip(self.words.list_marks)

    def _in_comparator(self, text: str, verb: tuple[int, int, str]) -> bool:
        """Whether ``verb`` ends a longer comparator word (the 超过 of 不超过)."""
        return text.endswith(self.words.long_comparators.get(verb[2], ()), 0, verb[1])

    def elaborates(self, text: str, cues: Cues, ls: int) -> bool:
        """Whether the clause holding position ``ls`` opens with an elaboration (其中)."""
        return text.startswith(self.words.elaborations, cues.clause_start(ls))
