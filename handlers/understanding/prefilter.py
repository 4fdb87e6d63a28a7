"""Skip the regular expressions that cannot match a text, by a literal every match starts with.

Reading a message scans it with dozens of cue patterns (``lexicon.REQUEST_CUES`` …) of which a
handful match. Each pattern's *heads* are derived from the pattern itself (its parse tree): a
few literal strings such that every match starts with one of them (``\\b(?:re)?cherch(?:e|ons)``
→ ``cherch``, ``recherch``). When none of them occurs in the text the pattern cannot match, and
is not run. Nothing is written by hand, so the cue lists can change freely; a pattern whose
heads cannot be found (a class, a wildcard or a flag first) is always run.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

try:  # the standard library's parser of regular expressions, private but stable since 3.11
    _sre_parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - another interpreter: every pattern is run
    _sre_parser = None

_MAX_HEADS: Final = 24  # past this many alternatives a pattern is cheaper to run than to test
_LONG_ENOUGH: Final = 6  # heads this long are rare enough in a message: no need to go on
_ZERO_WIDTH: Final = frozenset({"AT", "ASSERT", "ASSERT_NOT"})
_REPEATS: Final = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})


def heads(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Literal strings one of which starts every match of ``pattern``; None when unknown."""
    if _sre_parser is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        found, _ = _expand(list(_sre_parser.parse(pattern.pattern, pattern.flags)), {""}, True)
    except Exception:  # an unexpected parse tree: no filter, the pattern is always run
        return None
    if not found or "" in found or len(found) > _MAX_HEADS:
        return None
    # « cherch » in a text whenever « recherch » is: the shorter one is enough to test.
    return frozenset(h for h in found if not any(o != h and o in h for o in found))


def _expand(
    items: Iterable[tuple[Any, Any]], starts: set[str], outermost: bool = False
) -> tuple[set[str], bool]:
    """The literal starts after ``items``, and whether they were all literal (so that the
    starts may go on with what follows). Only the outermost sequence stops once its starts
    are long enough: inside a group, stopping would end every alternative."""
    for op, av in items:
        if outermost and min(map(len, starts)) >= _LONG_ENOUGH:
            return starts, False
        if op.name in _ZERO_WIDTH:
            continue
        longer, whole = _step(op.name, av, starts)
        if len(longer) > _MAX_HEADS:
            return starts, False  # the starts so far are heads all the same, fewer of them
        if not whole:
            return longer, False
        starts = longer
    return starts, True


def _step(name: str, av: Any, starts: set[str]) -> tuple[set[str], bool]:
    """``starts`` followed by one item of a parse tree, and whether the item is literal."""
    if name == "LITERAL":
        return {s + chr(av) for s in starts}, True
    if name == "IN" and all(o.name == "LITERAL" for o, _ in av):
        return {s + chr(code) for s in starts for _, code in av}, True
    if name == "SUBPATTERN" and not av[1] and not av[2]:  # no flag set or cleared inside
        return _expand(list(av[3]), starts)
    if name == "BRANCH":
        branches = [_expand(list(branch), starts) for branch in av[1]]
        union: set[str] = set().union(*(found for found, _ in branches))
        return union, all(whole for _, whole in branches)
    if name in _REPEATS and av[0] <= 1:
        once, whole = _expand(list(av[2]), starts)
        # Optional (min 0): with or without it; more repetitions may follow (max > 1): the
        # starts end after the first one.
        return (starts | once) if av[0] == 0 else once, whole and av[1] == 1
    return starts, False


class Cues:
    """Weighted patterns, each with its heads: `score` runs only those that may match."""

    def __init__(self, weighted: Iterable[tuple[re.Pattern[str], float]]) -> None:
        self.patterns: Final = tuple((p, w, heads(p)) for p, w in weighted)
        # Every head once: a text is searched for each of them once, not once per pattern.
        self.heads: Final = frozenset(h for _, _, found in self.patterns for h in found or ())

    def candidates(self, text: str) -> Iterator[tuple[re.Pattern[str], float]]:
        """The (pattern, weight) pairs that may match ``text``, in their order: the others
        cannot (none of their heads occurs in it)."""
        present = {h for h in self.heads if h in text}
        for pattern, weight, starts in self.patterns:
            if starts is None or not starts.isdisjoint(present):
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
