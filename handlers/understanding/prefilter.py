"""Skip the regular expressions that cannot match a text, by a literal every match starts with.

Reading a message scans it with dozens of cue patterns (``lexicon.REQUEST_CUES`` …) of which a
handful match. Each pattern's *heads* are derived from the pattern itself (its parse tree): a
few literal strings such that every match starts with one of them (``\\b(?:re)?cherch(?:e|ons)``
→ ``cherch``, ``recherch``). When none of them occurs in the text the pattern cannot match, and
is not run. Nothing is written by hand, so the cue lists can change freely; a pattern whose
heads cannot be found (a class, a wildcard or a flag first) is always run.

Any other pattern is gated the same way through :func:`search` and :func:`finditer` (the
category words, the date rules, the questions and chat of ``acts``): its heads, cut to their
first :data:`GRAM` characters, are looked up in the set of the text's ``GRAM``-character
substrings, built once per text (memoised), so that testing a pattern costs one set
intersection however many words it lists.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

try:  # the standard library's parser of regular expressions, private but stable since 3.11
    _sre_parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - another interpreter: every pattern is run
    _sre_parser = None

_MAX_HEADS: Final = 24  # past this many alternatives a pattern is cheaper to run than to test
# A gate tests its heads as one set intersection, so it affords many more of them.
_MAX_GATE_HEADS: Final = 400
_LONG_ENOUGH: Final = 6  # heads this long are rare enough in a message: no need to go on
# Heads are compared by their first GRAM characters: four letters of a word already pick few
# messages (« beso », « cher », « lait »), and the text's substrings of one length are a set.
GRAM: Final = 4
_ZERO_WIDTH: Final = frozenset({"AT", "ASSERT", "ASSERT_NOT"})
_REPEATS: Final = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})


def heads(pattern: re.Pattern[str], limit: int = _MAX_HEADS) -> frozenset[str] | None:
    """Literal strings one of which starts every match of ``pattern``; None when unknown or
    when there would be more than ``limit`` of them."""
    if _sre_parser is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        tree = list(_sre_parser.parse(pattern.pattern, pattern.flags))
        found, _ = _expand(tree, {""}, limit, outermost=True)
    except Exception:  # an unexpected parse tree: no filter, the pattern is always run
        return None
    if not found or "" in found or len(found) > limit:
        return None
    return _shortest(found)


def _shortest(found: Iterable[str]) -> frozenset[str]:
    """« cherch » in a text whenever « recherch » is: the shorter one is enough to test."""
    found = set(found)
    return frozenset(h for h in found if not any(o != h and o in h for o in found))


def _expand(
    items: Iterable[tuple[Any, Any]], starts: set[str], limit: int, outermost: bool = False
) -> tuple[set[str], bool]:
    """The literal starts after ``items``, and whether they were all literal (so that the
    starts may go on with what follows). Only the outermost sequence stops once its starts
    are long enough: inside a group, stopping would end every alternative."""
    for op, av in items:
        if outermost and min(map(len, starts)) >= _LONG_ENOUGH:
            return starts, False
        if op.name in _ZERO_WIDTH:
            continue
        longer, whole = _step(op.name, av, starts, limit)
        if len(longer) > limit:
            return starts, False  # the starts so far are heads all the same, fewer of them
        if not whole:
            return longer, False
        starts = longer
    return starts, True


def _step(name: str, av: Any, starts: set[str], limit: int) -> tuple[set[str], bool]:
    """``starts`` followed by one item of a parse tree, and whether the item is literal."""
    if name == "LITERAL":
        return {s + chr(av) for s in starts}, True
    if name == "IN" and all(o.name == "LITERAL" for o, _ in av):
        return {s + chr(code) for s in starts for _, code in av}, True
    if name == "SUBPATTERN" and not av[1] and not av[2]:  # no flag set or cleared inside
        return _expand(list(av[3]), starts, limit)
    if name == "BRANCH":
        branches = [_expand(list(branch), starts, limit) for branch in av[1]]
        union: set[str] = set().union(*(found for found, _ in branches))
        return union, all(whole for _, whole in branches)
    if name in _REPEATS and av[0] <= 1:
        once, whole = _expand(list(av[2]), starts, limit)
        # Optional (min 0): with or without it; more repetitions may follow (max > 1): the
        # starts end after the first one.
        return (starts | once) if av[0] == 0 else once, whole and av[1] == 1
    return starts, False


# -- gates: the text's short substrings, once, against any pattern's heads -----------------
@functools.lru_cache(maxsize=32)
def grams(text: str) -> frozenset[str]:
    """Every substring of ``text`` of GRAM characters (memoised: the rules of one message
    test the same text, its body and its folded form many times)."""
    return frozenset(text[i : i + GRAM] for i in range(len(text) - GRAM + 1))


@dataclass(frozen=True)
class Gate:
    """A pattern's heads, cut to GRAM characters; the shorter heads are tested as they are."""

    long: frozenset[str]
    short: tuple[str, ...]

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Gate | None:
        found = heads(pattern, _MAX_GATE_HEADS)
        if found is None:
            return None
        cut = _shortest(h[:GRAM] for h in found)
        long = frozenset(h for h in cut if len(h) == GRAM)
        return cls(long, tuple(h for h in cut if len(h) < GRAM))

    def opens(self, text: str) -> bool:
        """May a match start in ``text`` (or in any part of it)?"""
        return any(s in text for s in self.short) or not self.long.isdisjoint(grams(text))


@functools.cache
def gate(pattern: re.Pattern[str]) -> Gate | None:
    """The gate of a pattern, derived once; None when the pattern is always run."""
    return Gate.of(pattern)


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when ``pattern`` cannot match anywhere in ``text``."""
    found = gate(pattern)
    return found is None or found.opens(text)


def search(
    pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int = sys.maxsize
) -> re.Match[str] | None:
    """``pattern.search``, skipped when none of its heads occurs in ``text``."""
    return pattern.search(text, pos, endpos) if may_match(pattern, text) else None


def finditer(
    pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int = sys.maxsize
) -> Iterator[re.Match[str]]:
    """``pattern.finditer``, skipped when none of its heads occurs in ``text``."""
    return pattern.finditer(text, pos, endpos) if may_match(pattern, text) else iter(())


class Cues:
    """Weighted patterns, each with its gate: `score` runs only those that may match."""

    def __init__(self, weighted: Iterable[tuple[re.Pattern[str], float]]) -> None:
        self.patterns: Final = tuple((p, w, gate(p)) for p, w in weighted)
        # Which patterns each head opens, so that a text is looked up once for all of them.
        by_head: dict[str, set[int]] = {}
        for i, (_, _, found) in enumerate(self.patterns):
            for head in (found.long | set(found.short)) if found else ():
                by_head.setdefault(head, set()).add(i)
        self._long: Final = {h: frozenset(i) for h, i in by_head.items() if len(h) == GRAM}
        self._long_heads: Final = frozenset(self._long)
        self._short: Final = tuple((h, frozenset(i)) for h, i in by_head.items() if len(h) < GRAM)
        self._always: Final = frozenset(i for i, (_, _, g) in enumerate(self.patterns) if g is None)

    def candidates(self, text: str) -> Iterator[tuple[re.Pattern[str], float]]:
        """The (pattern, weight) pairs that may match ``text``, in their order: the others
        cannot (none of their heads occurs in it)."""
        opened = set(self._always)
        for head in self._long_heads.intersection(grams(text)):
            opened |= self._long[head]
        for head, indices in self._short:
            if head in text:
                opened |= indices
        for i in sorted(opened):
            pattern, weight, _ = self.patterns[i]
            yield pattern, weight

    def score(self, text: str) -> tuple[float, int]:
        """The weights of every match summed, and where the first match starts (len(text)
        when none)."""
        total = 0.0
        first = len(text)
        for pattern, weight in self.candidates(text):
            for m in pattern.finditer(text):
                total += weight
                first = min(first, m.start())
        return total, first
