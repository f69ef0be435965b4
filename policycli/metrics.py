"""Metrics: what a figure counts or measures (亿元以上项目, 产业链总规模), from the words around it.

The words between the governing verb (or the previous figure) and the figure,
trimmed of subject, period, commitment and comparator words; for a count,
the noun it stands before; for 甲、乙分别达X、Y, the list item the figure
pairs with; a named indicator when one stands there.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import regex

from .cues import BOOK_TITLE, Cues
from .packs import Packs, alternation, last_char_class, union
from .quantities import Mention

#: How much of a phrase's end is looked at for words to trim.
_TRIM_TAIL = 24
#: Kinds of quantity that do not measure a named thing standing right after
#: them: counts (their noun is read apart), shares and durations.
_NAMED_AFTER_EXCLUDED = frozenset({"count", "percent", "ratio", "percentage_point", "duration"})
#: A gloss in brackets (宏观税负（即一般公共预算收入中税收收入占GDP比重）): no part of
#: the metric; a short one (研究与试验发展（R&D）) may be its name, and stays.
_GLOSS = re.compile(r"[（(][^（）()]{7,}[）)]")
#: A list item's or headline's number or mark at the start of a phrase: （4）, 7., ###.
#: List items this short and alike (一, 二; 城镇) before a last item this much
#: longer share its rest.
_SHORT_ITEM = 2
_SHARED_MIN = 4
#: The longest noun of a list after a count, and the numerals no such noun holds.
_LIST_ITEM_MIN, _LIST_ITEM_MAX = 2, 8
#: How much of what follows a figure may name what it counts.
_FOLLOWING_MAX = 16
_NUMERALS = "零〇一二两三四五六七八九十百千万亿"
_NUMERAL = re.compile(f"[{_NUMERALS}]")
_ITEM_MARK = r"[（(]\d{1,2}[）)]|\d{1,2}[.．、](?!\d)|#+"
_ANY_CHAR = re.compile(".", re.DOTALL)
_DIGITS_AND_NUMERALS = frozenset("0123456789" + _NUMERALS)
_NUMBER = f"[\\d.{_NUMERALS}]+"


#: Opening quotes and their closers.
_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』"}


@dataclass(slots=True)
class _Words:
    """Compiled word matchers the metric reader needs beyond the packs' own."""

    trim_leading: regex.Pattern
    reported_by: regex.Pattern
    #: Any reporting word at all: a phrase without one needs no reported_by match.
    reported_cue: re.Pattern
    trim_trailing: regex.Pattern
    #: What a phrase must end with for trim_trailing to find anything (any character when not known).
    trim_last: re.Pattern
    stop_after: regex.Pattern
    respectively: regex.Pattern
    list_split: regex.Pattern
    heads: regex.Pattern
    modifier_end: regex.Pattern
    grants: tuple[str, ...]
    predicates: tuple[str, ...]
    shares: frozenset[str]
    #: The verbs a list's head runs back past: shares and adjacent verbs.
    passed_verbs: frozenset[str]
    comparison: regex.Pattern
    compounds: tuple[str, ...]
    places: frozenset[str]
    separators: frozenset[str]
    #: What closes a whole a count is a part of (中, 当中), longest first.
    partitives: tuple[str, ...]
    #: Bare numbers of a list whose last figure alone carries the unit (增加了187、28、20倍).
    bare_numbers: re.Pattern


def _stop_after(stops: list[str], exceptions: list[str]) -> str:
    """A pattern for what ends the noun after a count: any of ``stops``, except
    where one ends a word of ``exceptions`` (the 等 of 高等), a digit, or two
    numerals. The guards follow the word, and a lookahead for the characters a
    match can start with leads: a search passes over other positions at once."""
    branches = []
    for stop in sorted(stops, key=len, reverse=True):
        heads = {word[:-len(stop)] for word in exceptions if word.endswith(stop) and len(word) > len(stop)}
        guards = "".join(f"(?<!{re.escape(head + stop)})" for head in sorted(heads))
        branches.append(re.escape(stop) + guards)
    firsts = "".join(sorted({re.escape(stop[0]) for stop in stops}))
    words = f"(?:{'|'.join(branches)})|" if branches else ""
    return f"(?=[{firsts}\\d{_NUMERALS}])(?:{words}\\d|[{_NUMERALS}]{{2}})"



def _guarded(words: list[str], exceptions: list[str]) -> str:
    """A pattern for any of ``words``, except where one stands inside a word of
    ``exceptions`` (the 比 of 比重 or 占比). The guards follow the word, so
    they are only tried where it stands."""
    branches = []
    for word in sorted(words, key=len, reverse=True):
        guards = []
        for other in exceptions:
            at = other.find(word)
            if at < 0 or other == word:
                continue
            head, tail = other[:at + len(word)], other[at + len(word):]
            if not tail:
                guards.append(f"(?<!{re.escape(head)})")
            elif at == 0:
                guards.append(f"(?!{re.escape(tail)})")
            else:
                guards.append(f"(?!(?<={re.escape(head)}){re.escape(tail)})")
        branches.append(re.escape(word) + "".join(guards))
    return f"(?:{'|'.join(branches)})" if branches else "(?!)"


@lru_cache(maxsize=8)
def _words(packs: Packs) -> _Words:
    """The matchers for ``packs``, built once per pack set."""
    periods = union(packs.period_patterns)
    trailing = alternation([*packs.metric_trim_trailing, *packs.prefix_comparators,
                     *(c[0] for c in packs.circumfixes), *packs.modality])
    # The union leads with the characters a word, period or mark can start with:
    # the search for the trailing run passes over the other positions at once.
    trailing = f"(?:{union([trailing, f'(?<=.)(?:{periods})', '[，,、；;：:]'])}|\\s)+$"
    return _Words(
        packs.compile_user(f"^(?:{_ITEM_MARK}|{alternation(packs.metric_trim_leading)}|{periods}|[，,、；;：:\\s])+"),
        packs.compile_user(f".*(?:{alternation(packs.metric_reported_by)})" if packs.metric_reported_by else "(?!)"),
        re.compile(alternation(packs.metric_reported_by)),
        packs.compile_user(trailing),
        last_char_class(trailing) or _ANY_CHAR,
        re.compile(_stop_after(packs.metric_stop_after, packs.metric_not_stops)),
        re.compile(f"(?:{alternation(packs.metric_respectively)})$"),
        re.compile(f"(?:{alternation(packs.metric_list_separators)})"),
        re.compile(f"(?:{alternation(packs.metric_heads)})"),
        re.compile("的|(?=[，,。；;：:])"),
        tuple(packs.grant_words),
        tuple(packs.metric_predicates),
        frozenset(packs.share_verbs),
        frozenset(packs.share_verbs) | frozenset(packs.adjacent_verbs),
        re.compile(_guarded(packs.metric_comparisons, packs.metric_not_comparisons)),
        tuple(sorted(packs.metric_compounds, key=len, reverse=True)),
        frozenset(place + suffix for place in packs.places for suffix in ["", *packs.place_suffixes]),
        frozenset(packs.metric_list_separators),
        tuple(sorted(packs.metric_partitives, key=len, reverse=True)),
        re.compile(f"{_NUMBER}(?:(?:{alternation(packs.metric_list_separators)}){_NUMBER})*"
                   f"(?:{alternation(packs.metric_list_separators)})?"),
    )


class MetricReader:
    """The metric of each record."""

    def __init__(self, packs: Packs):
        self.packs = packs
        self.words = _words(packs)

    def read(self, text: str, cues: Cues, mention: Mention, spans: list[tuple[int, int]], index: int,
                clause_start: int, prev_end: int, verb_span: tuple[int, int, str] | None,
                clause_after: str, subject: str | None) -> str | None:
        """What the quantity counts or measures: the words around it in its clause."""
        words = self.words
        ls, le = spans[index]
        if verb_span and verb_span[2] in words.shares:
            verb_span = None  # 数字经济总量占全省近30%: the share's words are the metric
        between_start = max(verb_span[1], prev_end) if verb_span else prev_end
        between = text[max(between_start, text.rfind("等", between_start, ls) + 1):ls]
        if prev_end > clause_start and between_start == prev_end:
            between = words.list_split.split(between)[-1]
        if mention.unit_kind == "count":
            following = self._following(clause_after)
            if not following and index + 1 < len(spans) and spans[index + 1][0] == le:
                # 出台7批28项税费优惠政策: a count right before another counts the same noun.
                following = self._following(clause_after[spans[index + 1][1] - le:])
            if following.startswith(words.predicates):
                following = ""  # 多线切割机500台将投入生产: what the count does, not what it counts
            if following and words.list_split.search(between):
                between = ""  # 昌都、林芝、山南3个地市: the noun names what is counted, not the list of its members
            elif (prev_end > clause_start and between.endswith(words.partitives)
                  and not words.list_split.search(text, prev_end, ls)):
                # 41个工业大类行业中23个行业同比增长, 15个成员中14个投下赞成票: a part
                # of a whole counted right before it counts what the whole does.
                partitive = next(word for word in words.partitives if between.endswith(word))
                between, following = between[:-len(partitive)], ""
        else:
            following = ""
        cleaned = self._clean(between, subject)
        phrase = self._trim_end(cleaned)
        if phrase and phrase[0] in _DIGITS_AND_NUMERALS and self.words.bare_numbers.fullmatch(phrase):
            # 分别增加了187、28、20倍: the list's other numbers, figures without a unit
            # of their own, measure nothing; the figure's metric is read as if they were not there.
            cleaned = phrase = ""
        distributed = False  # the phrase is one item of a 分别 list
        if not phrase and not following and verb_span:
            verb_start = verb_span[0]
            k = bisect_right(spans, (verb_start, verb_start)) - 1
            while k >= 0 and spans[k][1] > verb_start:
                k -= 1
            head_start = max(clause_start, spans[k][1]) if k >= 0 else clause_start
            earlier_verb = cues.last_entry("verb", verb_start, head_start)
            while earlier_verb and earlier_verb[2] in words.passed_verbs:
                earlier_verb = cues.last_entry("verb", earlier_verb[0], head_start)
            if earlier_verb and verb_start - earlier_verb[1] >= 2:
                if text[earlier_verb[0] - 1:earlier_verb[0]] in words.separators:
                    # 接待游客人次、旅游总花费、接待入境过夜游客人次分别增长…: a verb
                    # opening an item of a 分别 list belongs to it; the list starts before it.
                    respective, distributed = self._respective(cues, text[head_start:verb_start], spans,
                                                               index, verb_span, within=True)
                head_start = earlier_verb[1]
            if not distributed:
                respective, distributed = self._respective(cues, text[head_start:verb_start], spans, index, verb_span)
            phrase = self._trim_end(self._clean(respective, subject))
        elif following or phrase != cleaned:
            # What was trimmed may leave more to trim, and a count's noun joins the phrase.
            phrase = self._trim_end(phrase + following)
        if clause_after.startswith("的"):
            if clause_after.startswith(words.grants, 1):
                # 给予最高不超过500万元的补助: the amount of what is granted.
                phrase = self._trim_end(self._following(clause_after[1:]))
            elif not phrase and mention.unit_kind != "count":
                # 实现60%的乡镇通油路, 可实现每年70亿的销售额: a share or an amount with
                # nothing before it measures the noun after its 的.
                phrase = self._trim_end(self._following(clause_after[1:]))
        elif not phrase and mention.unit_kind not in _NAMED_AFTER_EXCLUDED and clause_after:
            # 每年安排2亿元专项资金: an amount with nothing before it measures the
            # named thing right after it (a count's noun is read apart: it is excluded).
            after = self._following(clause_after)
            ends = any(head.end() == len(after) for head in words.heads.finditer(after))
            if ends and not self._opens_predicate(after):
                phrase = after
        if phrase and (base := words.comparison.search(phrase)):
            phrase = self._trim_end(phrase[:base.start()])  # GDP比去年同期: GDP
        if phrase in words.places:
            return None  # 仅为上海的75.7%, 同期山东为…亿元: the place's figure of the metric before it
        indicator = cues.last_entry("indicator", ls, prev_end)
        if indicator and (not phrase or phrase in indicator[2] or phrase.endswith(indicator[2])) \
                and not (distributed and phrase in self.packs.indicator_names):  # 城镇居民人均可支配收入 stays whole
            return indicator[2]
        return phrase[-20:] or None

    def _opens_predicate(self, phrase: str) -> bool:
        """Whether ``phrase`` opens with a verb or a predicate word (…23公里为地下
        工程, 5000亿元用于…): then it says what the amount does or is, not what
        it measures."""
        return bool(self.packs.verb_re.match(phrase) or phrase.startswith(self.words.predicates))

    def _following(self, clause_after: str) -> str:
        """The noun phrase a count stands before (15个重点项目建设 → 重点项目)."""
        words = self.words
        stop = words.stop_after.search(clause_after)
        if stop is not None and (mark := stop.group()) in "的、":
            # Most counts stop at neither: their noun is read at once below.
            if self.packs.modifier_re.match(clause_after):
                # 100项具有较大知名度的体育精品赛事, 10个左右有条件、有基础的城市:
                # past the modifiers, the head noun they qualify names what is
                # counted, when one of the head words ends it.
                if mark == "、":
                    stop = words.modifier_end.search(clause_after)
                    mark = stop.group() if stop else None
                if mark == "的":
                    rest = clause_after[stop.end():]
                    end = words.stop_after.search(rest)
                    head = words.heads.search(rest, 0, end.start() if end else len(rest))
                    if head and head.end() <= 16:
                        return rest[:head.end()]
            if mark == "的" and stop.start():
                # 20个乡镇的油路项目, 2000亿元规模的产业集群: a noun qualified by the
                # one before 的, when a head word ends it, is what is counted.
                end = words.stop_after.search(clause_after, stop.end())
                end = end.start() if end else len(clause_after)
                head = words.heads.search(clause_after, stop.end(), end)
                if head and head.end() == end <= _FOLLOWING_MAX and not self.packs.verb_re.search(clause_after, 0, end):
                    return clause_after[:end]
        following = clause_after[:min(stop.start(), _FOLLOWING_MAX) if stop else _FOLLOWING_MAX]
        if verb := self.packs.verb_re.search(following, 1):
            # Most counts have no verb past their noun's first character: the head is read only here.
            verb_re = self.packs.verb_re
            head = words.heads.search(following)
            while verb:
                if (head.end() <= verb.start()) if head else verb.start() >= 2:
                    return following[:verb.start()]
                verb = verb_re.search(following, verb.end())
        if stop and following and stop.start() == len(following) and stop.group() in words.separators:
            return clause_after[:self._list_end(clause_after, stop)]
        return following

    def _list_end(self, clause_after: str, stop: re.Match) -> int:
        """Where a list of nouns after a count ends (800多家智能工厂、数字化车间;
        年产2万余台闸阀、截止阀和隔膜阀): each item short, holding no verb and no number."""
        end = stop.start()
        while stop is not None and stop.group() in self.words.separators:
            nxt = self.words.stop_after.search(clause_after, stop.end())
            item = clause_after[stop.end():nxt.start() if nxt else len(clause_after)]
            if (not _LIST_ITEM_MIN <= len(item) <= _LIST_ITEM_MAX or self.packs.verb_re.search(item)
                    or _NUMERAL.search(item)):
                break
            end, stop = stop.end() + len(item), nxt
        return end

    def _respective(self, cues: Cues, head: str, spans: list[tuple[int, int]], index: int,
                    verb_span: tuple[int, int, str], within: bool = False) -> tuple[str, bool]:
        """For 甲、乙分别达X、Y: the item of the list that this quantity belongs to,
        and whether one was found. ``within``: the head runs back past a verb,
        which is taken for part of the list only where every item stands apart
        from it (the verbs that open items are dropped)."""
        m = self.words.respectively.search(head)
        if not m:
            return head, False
        items = [i for i in self.words.list_split.split(head[:m.start()]) if i]
        if items:
            items[0] = self.words.trim_leading.sub("", items[0]) or items[0]
        if within:
            if len(items) < 2:
                return head, False
            items = [self._without_verb(item) for item in items]
        limit = cues.clause_end(verb_span[1])
        governed = [s for s, e in spans if verb_span[1] <= s < limit]
        position = governed.index(spans[index][0]) if spans[index][0] in governed else 0
        if len(items) == 1 and len(governed) > 1 and position < len(governed):
            item = self._compound_item(items[0], len(governed), position)
            if item:
                return item, True
        elif len(items) == len(governed) and position < len(items):
            return items[position] + self._shared_tail(items, position), True
        return head[:m.start()], False

    def _without_verb(self, item: str) -> str:
        """``item`` without the verb that opens it (接待游客人次 → 游客人次)."""
        verb = self.packs.verb_re.match(item)
        return item[verb.end():] if verb and verb.end() < len(item) else item

    def _compound_item(self, phrase: str, count: int, position: int) -> str | None:
        """For 城乡居民收入分别增长X和Y: ``phrase`` with its compound word (城乡)
        replaced by the item at ``position`` (城镇), when the compound holds
        ``count`` items."""
        for word in self.words.compounds:
            at = phrase.find(word)
            if at >= 0:
                items = self.packs.metric_compounds[word]
                if len(items) != count:
                    return None
                return phrase[:at] + items[position] + phrase[at + len(word):]
        return None

    def _shared_tail(self, items: list[str], position: int) -> str:
        """The head noun the last item carries for all (交通、水利、能源领域投资额:
        领域投资额), when it opens with a head word the other items lack."""
        last, others = items[-1], items[:-1]
        if position == len(items) - 1 or not others:
            return ""
        # The tail starts past the last item's own word, as long as the others'
        # (农村居民…: not the 村); items that end alike are whole already (就业支出、城乡社区支出).
        if any(item[-2:] == last[-2:] for item in others):
            return ""
        shared = self.words.heads.search(last, max(2, min(map(len, others))))
        if shared is not None and not any(self.words.heads.search(item) for item in others):
            return last[shared.start():]
        # Items of a word or two before a long last one (一、二、三产增加值,
        # 城镇和农村常住居民收入) are its modifiers: the rest of the last item is theirs too.
        own = len(others[0])
        if own <= _SHORT_ITEM and all(len(item) == own for item in others) and len(last) - own >= _SHARED_MIN:
            return last[own:]
        return ""

    def _trim_end(self, phrase: str) -> str:
        """``phrase`` without trailing particles, comparator and commitment words and periods."""
        if not phrase or not self.words.trim_last.match(phrase, len(phrase) - 1):
            return phrase  # it cannot end with anything trimmed
        # Only the tail can hold what is trimmed; an end-anchored pattern would
        # otherwise be tried from every position of a long phrase.
        cut = max(0, len(phrase) - _TRIM_TAIL)
        return phrase[:cut] + self.words.trim_trailing.sub("", phrase[cut:])

    def _clean(self, phrase: str, subject: str | None) -> str:
        """``phrase`` without the subject's name, a reporting clause, periods, modality and particles at its start."""
        if not phrase:
            return phrase  # most figures with a verb right before them have none
        if subject and phrase.startswith(subject):
            phrase = phrase[len(subject):]
        if self.words.reported_cue.search(phrase) and (
                reported := self.words.reported_by.match(phrase)):
            phrase = phrase[reported.end():]  # 某市委全会提出了数字经济占GDP比重: the reporting clause is no metric
            if phrase[:1] in _QUOTES and _QUOTES[phrase[0]] not in phrase:
                phrase = phrase[1:]  # 重申“工业用地比例不低于30%”: what is said, quoted
        if "《" in phrase:
            phrase = BOOK_TITLE.sub("", phrase)
        if "）" in phrase or ")" in phrase:
            phrase = _GLOSS.sub("", phrase)
        # The pattern is anchored at the start: one match, not a search.
        m = self.words.trim_leading.match(phrase) if phrase else None
        return phrase[m.end():] if m else phrase
