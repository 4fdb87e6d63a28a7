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
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
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


@functools.lru_cache(maxsize=8)
def _parsed(source: str, flags: int) -> tuple[tuple[Any, Any], ...]:
    """A pattern's parse tree, read (never changed) by each derivation: a pattern's gate,
    twin, starts and opening class are derived one after the other, so a few are kept and
    the pattern is parsed once for all of them instead of four times (issue 12: the start)."""
    return tuple(_sre_parser.parse(source, flags))


def heads(
    pattern: re.Pattern[str], limit: int = _MAX_HEADS, cut: int | None = None
) -> frozenset[str] | None:
    """Literal strings one of which starts every match of ``pattern``; None when unknown or
    when there would be more than ``limit`` of them. With ``cut``, heads are no longer than
    that (the expansion stops there, so that long alternations stay few)."""
    if _sre_parser is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        tree = list(_parsed(pattern.pattern, pattern.flags))
        found, _ = _expand(tree, {""}, (limit, cut), outermost=True)
    except Exception:  # an unexpected parse tree: no filter, the pattern is always run
        return None
    if not found or "" in found or len(found) > limit:
        return None
    return _shortest(found)


def _shortest(found: Iterable[str]) -> frozenset[str]:
    """« cherch » in a text whenever « recherch » is: the shorter one is enough to test."""
    found = set(found)
    return frozenset(h for h in found if not any(o != h and o in h for o in found))


_Limits = tuple[int, int | None]  # how many heads at most, how long at most (None: no limit)


def _expand(
    items: Iterable[tuple[Any, Any]], starts: set[str], limits: _Limits, outermost: bool = False
) -> tuple[set[str], bool]:
    """The literal starts after ``items``, and whether they were all literal (so that the
    starts may go on with what follows). Only the outermost sequence stops once its starts
    are long enough: inside a group, stopping would end every alternative."""
    for op, av in items:
        if outermost and min(map(len, starts)) >= _LONG_ENOUGH:
            return starts, False
        if op.name in _ZERO_WIDTH:
            continue
        longer, whole = _step(op.name, av, starts, limits)
        limit, cut = limits
        if len(longer) > limit:
            return starts, False  # the starts so far are heads all the same, fewer of them
        if cut is not None:  # what follows the first ``cut`` characters adds nothing
            longer = {s[:cut] for s in longer}
            if outermost and min(map(len, longer)) >= cut:
                return longer, False
        if not whole:
            return longer, False
        starts = longer
    return starts, True


def _step(name: str, av: Any, starts: set[str], limits: _Limits) -> tuple[set[str], bool]:
    """``starts`` followed by one item of a parse tree, and whether the item is literal."""
    if name == "LITERAL":
        return {s + chr(av) for s in starts}, True
    if name == "IN" and all(o.name == "LITERAL" for o, _ in av):
        return {s + chr(code) for s in starts for _, code in av}, True
    if name == "SUBPATTERN" and not av[1] and not av[2]:  # no flag set or cleared inside
        return _expand(list(av[3]), starts, limits)
    if name == "BRANCH":
        branches = [_expand(list(branch), starts, limits) for branch in av[1]]
        union: set[str] = set().union(*(found for found, _ in branches))
        return union, all(whole for _, whole in branches)
    if name in _REPEATS and av[0] <= 1:
        once, whole = _expand(list(av[2]), starts, limits)
        # Optional (min 0): with or without it; more repetitions may follow (max > 1): the
        # starts end after the first one.
        return (starts | once) if av[0] == 0 else once, whole and av[1] == 1
    return starts, False


# -- gates: the text's short substrings, once, against any pattern's heads -----------------
@functools.lru_cache(maxsize=32)
def grams(text: str) -> frozenset[str]:
    """Every substring of ``text`` of GRAM characters (memoised: the rules of one message
    test the same text many times)."""
    return frozenset(map("".join, zip(*(text[i:] for i in range(GRAM)), strict=False)))


class Gate:
    """A pattern's heads cut to GRAM characters, tested against the text's substrings of that
    length at once; the shorter heads are looked for in the text one by one."""

    __slots__ = ("long", "short")

    def __init__(self, found: frozenset[str]) -> None:
        self.long: Final = frozenset(h for h in found if len(h) == GRAM)
        self.short: Final = tuple(h for h in found if len(h) < GRAM)

    def opens(self, text: str) -> bool:
        """May a match start in ``text`` (or in any part of it)?"""
        if not self.long.isdisjoint(grams(text)):
            return True
        return bool(self.short) and any(map(text.__contains__, self.short))


def gate(pattern: re.Pattern[str]) -> Gate | None:
    """The gate of a pattern; None when the pattern must always run (no heads found)."""
    found = heads(pattern, _MAX_GATE_HEADS, GRAM)
    return None if found is None else Gate(_shortest(found))


def twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """``pattern`` behind a look-ahead for the first characters of its matches, when the
    engine has no fast way to skip the other positions (a pattern opening with ``\b`` or an
    alternation of such): at each position one character is tested instead of every
    alternative. Same matches at the same positions; None when not worth it or not known."""
    if pattern.flags & re.VERBOSE or not _scans_slowly(pattern):
        return None
    try:
        openings = _openings(pattern)
    except Exception:  # an unexpected parse tree: no twin
        return None
    if openings is None:
        return None
    first, at_start = openings
    ahead = f"(?=[{''.join(sorted(first))}])" if first else ""
    ahead = f"(?:\\A|{ahead})" if at_start and ahead else ahead or "\\A"
    try:
        return re.compile(f"{ahead}(?:{pattern.pattern})", pattern.flags)
    except re.error:  # inline flags, which must open a pattern: no twin
        return None


def _openings(pattern: re.Pattern[str]) -> tuple[frozenset[str], bool] | None:
    """What a match may start with, as members of a character class (``a``, ``\\d``), and
    whether it may also start where the text does whatever its first character (an
    alternative opening with ``^``, « ^\\W*merci »); None when unknown."""
    tree = list(_parsed(pattern.pattern, pattern.flags))
    alternatives = [tree]
    if len(tree) == 1 and tree[0][0].name == "BRANCH":
        alternatives = [list(branch) for branch in tree[0][1][1]]
    first: set[str] = set()
    at_start = False
    for items in alternatives:
        if items and _opens_the_text(items[0], pattern.flags):
            at_start = True
            continue
        found = _first(items)
        if found is None or found[1]:  # unknown, or a match may be empty
            return None
        first |= found[0]
    return frozenset(first), at_start


_CLASSES: Final = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _first(items: Iterable[tuple[Any, Any]]) -> tuple[set[str], bool] | None:
    """The class members the sequence ``items`` may start with, and whether it may match
    nothing (then what follows it may start the match too); None when unknown."""
    members: set[str] = set()
    for op, av in items:
        if op.name in _ZERO_WIDTH:
            continue
        found = _first_of(op.name, av)
        if found is None:
            return None
        members |= found[0]
        if not found[1]:
            return members, False
    return members, True


def _first_of(name: str, av: Any) -> tuple[set[str], bool] | None:
    if name == "LITERAL":
        return {re.escape(chr(av))}, False
    if name == "IN":
        members = set()
        for op, value in av:
            if op.name == "LITERAL":
                members.add(re.escape(chr(value)))
            elif op.name == "RANGE":
                members.add(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
            elif op.name == "CATEGORY" and value.name in _CLASSES:
                members.add(_CLASSES[value.name])
            else:  # a negated set, or a category of another kind
                return None
        return members, False
    if name == "SUBPATTERN" and not av[1] and not av[2]:
        return _first(av[3])
    if name == "BRANCH":
        branches = [_first(branch) for branch in av[1]]
        if any(found is None for found in branches):
            return None
        known = [found for found in branches if found is not None]
        return set().union(*(m for m, _ in known)), any(empty for _, empty in known)
    if name in _REPEATS:
        found = _first(av[2])
        return None if found is None else (found[0], found[1] or av[0] == 0)
    return None


def _opens_the_text(item: tuple[Any, Any], flags: int) -> bool:
    """``\\A``, or ``^`` without MULTILINE: a match only where the text starts."""
    op, av = item
    if op.name != "AT":
        return False
    return av.name == "AT_BEGINNING_STRING" or (
        av.name == "AT_BEGINNING" and not flags & re.MULTILINE
    )


def _scans_slowly(pattern: re.Pattern[str]) -> bool:
    """Does the pattern open with anything but a literal, a set of literals or an alternation
    of literals (the openings the engine skips positions by)?"""
    if _sre_parser is None:
        return False
    try:
        items = list(_parsed(pattern.pattern, pattern.flags))
    except Exception:  # an unexpected parse tree: leave the pattern as it is
        return False
    while items and items[0][0].name == "SUBPATTERN":
        items = list(items[0][1][3])
    if not items:
        return False
    name, av = items[0][0].name, items[0][1]
    if name in {"LITERAL", "IN"}:
        return False
    if name == "BRANCH":
        return not all(b and b[0][0].name == "LITERAL" for b in av[1])
    return True


class Starts:
    """Where a match of a pattern may start: where one of its heads occurs (cut to GRAM
    characters, as a gate's), or where the text starts for alternatives anchored there
    (« ^\\W*merci »). Searching only there finds the pattern's first match as the engine
    would (it tries every position in order, and a match at a position is ``pattern.match``
    there: look-behinds and ``\\b`` see the text before it) without trying every
    alternative at every other position."""

    __slots__ = ("at_start", "long", "short")

    def __init__(self, found: frozenset[str], at_start: bool) -> None:
        self.long: Final = frozenset(h for h in found if len(h) == GRAM)
        self.short: Final = tuple(h for h in found if len(h) < GRAM)
        self.at_start: Final = at_start

    def positions(self, text: str, among: frozenset[str] | None = None) -> list[int] | None:
        """The sorted positions where a match may start; None when there are too many to
        be worth trying one by one (then the pattern scans). ``among``: the text's grams, or
        a part of them known to hold every head of ``long`` the text has (`Gates`)."""
        found = [0] if self.at_start else []
        present = self.long.intersection(grams(text) if among is None else among)
        if not (present or self.short):
            return found  # most texts: no head at all
        find = text.find
        for head in (*present, *self.short):
            i = find(head)
            while i >= 0:
                found.append(i)
                if len(found) > _MAX_STARTS:
                    return None
                i = find(head, i + 1)
        found.sort()
        return found


# Past this many possible starts, one scan by the engine is cheaper than a match at each.
_MAX_STARTS: Final = 12


def starts(pattern: re.Pattern[str]) -> Starts | None:
    """The possible starts of ``pattern``'s matches; None when not known."""
    if _sre_parser is None or pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        tree = list(_parsed(pattern.pattern, pattern.flags))
        alternatives = [tree]
        if len(tree) == 1 and tree[0][0].name == "BRANCH":
            alternatives = [list(branch) for branch in tree[0][1][1]]
        found: set[str] = set()
        at_start = False
        for items in alternatives:
            if items and _opens_the_text(items[0], pattern.flags):
                at_start = True
                continue
            more, _ = _expand(items, {""}, (_MAX_GATE_HEADS, GRAM), outermost=True)
            if not more or "" in more:
                return None
            found |= more
    except Exception:  # an unexpected parse tree: the pattern scans
        return None
    heads = _shortest(found)
    if len(heads) > _MAX_GATE_HEADS or not (heads or at_start):
        return None
    if any(len(h) <= 2 and h.isalpha() for h in heads):
        return None  # « on », « je » start words all over a message: scanning is cheaper
    return Starts(heads, at_start)


class _Entry:
    """What is derived once for a pattern: its gate, its twin, its possible starts and, when it
    has no gate, the class its matches open with. Read from the prebuilt index when the
    pattern is in it (no parse tree at all); the twin is compiled when first run."""

    __slots__ = ("gate", "opening", "pattern", "starts", "twin", "twin_source")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern: Final = pattern  # kept alive: its id, the key, is never another's
        key = (pattern.pattern, pattern.flags)
        found = _packaged().get(key)
        if found is None:
            missed.add(key)
            found = derived(pattern)
        heads_of, twin_of, starts_of, opening = found
        self.gate: Final = None if heads_of is None else Gate(frozenset(heads_of))
        self.twin_source: Final = twin_of
        # `_LATER` until first run (`compiled_twin`): most patterns of a list never open for
        # a given message, and compiling their twins cost a start ~0.1 s (issue 12).
        self.twin: re.Pattern[str] | None = None if twin_of is None else _LATER
        self.starts: Final = (
            None if starts_of is None else Starts(frozenset(starts_of[0]), starts_of[1])
        )
        self.opening: Final = opening

    def compiled_twin(self) -> re.Pattern[str] | None:
        """The twin, compiled the first time it is needed."""
        found = self.twin
        if found is _LATER:
            assert self.twin_source is not None
            found = self.twin = re.compile(self.twin_source, self.pattern.flags)
        return found

    def runs(self) -> re.Pattern[str]:
        """What runs for the pattern: its twin when it has one (the same matches, sooner)."""
        return self.compiled_twin() or self.pattern


# A twin not compiled yet (only compared by identity).
_LATER: Final = re.compile("(?!)")

# What is derived of a pattern, as plain data: its gate's heads, its twin's source, its
# possible starts (heads, and whether at the text's start too), its opening class (no gate).
Derived = tuple[
    tuple[str, ...] | None,
    str | None,
    tuple[tuple[str, ...], bool] | None,
    str | None,
]


def derived(pattern: re.Pattern[str]) -> Derived:
    """Everything `_Entry` needs of a pattern, derived from its parse tree (heads sorted)."""
    found = gate(pattern)
    twinned = twin(pattern)
    begins = starts(pattern)
    return (
        None if found is None else tuple(sorted((*found.long, *found.short))),
        None if twinned is None else twinned.pattern,
        None if begins is None else (tuple(sorted((*begins.long, *begins.short))), begins.at_start),
        _opening_class(pattern) if found is None else None,
    )


# The derivations of the package's patterns, prebuilt (data/build_prefilter_index.py: plain
# JSON, keyed by each pattern's source and flags) so that a start does not parse ~250
# patterns to derive them again (issue 12). A pattern not in it (new, or changed) is derived
# as before: same gates, slower start. Tests check that each entry is what `derived` gives,
# and that a start and a first reading derive none.
INDEX_FILE: Final = "prefilter.json"
INDEX_VERSION: Final = 1  # changed with `derived` or what it reads (the index is then unused)
_index: dict[tuple[str, int], Derived] | None = None
missed: set[tuple[str, int]] = set()  # the patterns derived here, not read from the index


def index_json(patterns: Iterable[re.Pattern[str]]) -> str:
    """The index of ``patterns``' derivations, deterministic (sorted, one entry a line)."""
    entries = sorted({(p.pattern, p.flags): derived(p) for p in patterns}.items())
    lines = [json.dumps([s, f, *found], ensure_ascii=False) for (s, f), found in entries]
    return f'{{"version": {INDEX_VERSION}, "entries": [\n' + ",\n".join(lines) + "\n]}\n"


def read_index(text: str) -> dict[tuple[str, int], Derived]:
    data = json.loads(text)
    if data["version"] != INDEX_VERSION or _sre_parser is None:
        return {}
    return {
        (source, flags): (
            None if heads_of is None else tuple(heads_of),
            twin_of,
            None if starts_of is None else (tuple(starts_of[0]), starts_of[1]),
            opening,
        )
        for source, flags, heads_of, twin_of, starts_of, opening in data["entries"]
    }


def _packaged() -> dict[tuple[str, int], Derived]:
    global _index
    if _index is None:
        path = Path(__file__).parent / "data" / INDEX_FILE
        _index = read_index(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return _index


# By the pattern's id: a pattern's own hash reads its whole compiled code.
_ENTRIES: Final[dict[int, _Entry]] = {}


def _entry(pattern: re.Pattern[str]) -> _Entry:
    try:
        return _ENTRIES[id(pattern)]
    except KeyError:
        entry = _ENTRIES[id(pattern)] = _Entry(pattern)
        return entry


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when ``pattern`` cannot match anywhere in ``text``."""
    found = _entry(pattern).gate
    return found is None or found.opens(text)


def search(
    pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int = sys.maxsize
) -> re.Match[str] | None:
    """``pattern.search``: skipped when none of its heads occurs in ``text``, run through its
    twin when it has one (the match returned is the pattern's own)."""
    entry = _ENTRIES.get(id(pattern)) or _entry(pattern)
    begins = entry.starts
    if begins is not None:  # its own gate: no head, no position (issue 12: tested once)
        if not (begins.short or begins.at_start) and begins.long.isdisjoint(grams(text)):
            return None  # most searches: none of its heads (no list of positions made)
        positions = begins.positions(text)
        if positions is not None:
            match = pattern.match
            pos = min(pos, len(text))  # as ``re`` does: past the end is the end
            for at in positions:
                if at >= pos:
                    found = match(text, at, endpos)
                    if found is not None:
                        return found
            return None
    elif entry.gate is not None and not entry.gate.opens(text):
        return None
    twin_ = entry.twin
    if twin_ is _LATER:
        twin_ = entry.compiled_twin()
    if twin_ is None:
        return pattern.search(text, pos, endpos)
    found = twin_.search(text, pos, endpos)
    return None if found is None else pattern.match(text, found.start(), endpos) or found


def finditer(
    pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int = sys.maxsize
) -> Iterator[re.Match[str]]:
    """``pattern.finditer``, skipped and run as :func:`search` is; the matches come from the
    twin when there is one (the same spans and groups, as `Gates.finditer`'s): only their
    ``re`` differs, which no caller of ``finditer`` compares (issue 12: matching each span
    again with the pattern, for its own ``re``, cost ~3% of a message's reading)."""
    entry = _ENTRIES.get(id(pattern)) or _entry(pattern)
    if entry.gate is not None and not entry.gate.opens(text):
        return iter(())
    twin_ = entry.twin
    if twin_ is _LATER:
        twin_ = entry.compiled_twin()
    return (twin_ or pattern).finditer(text, pos, endpos)


def matches_at(
    pattern: re.Pattern[str],
    begins: Starts,
    text: str,
    pos: int = 0,
    endpos: int = sys.maxsize,
    among: frozenset[str] | None = None,
) -> list[re.Match[str]] | None:
    """``list(pattern.finditer(text, pos, endpos))``, matched only where a match may start
    (``begins``, ``among`` as `Starts.positions`); None when there are too many such places,
    or a match is empty (then the engine's scan, which steps past it, is the reference)."""
    positions = begins.positions(text, among)
    if positions is None:
        return None
    found: list[re.Match[str]] = []
    match = pattern.match
    pos = min(pos, len(text))  # as ``re`` does: past the end is the end
    for at in positions:
        if at >= pos:
            m = match(text, at, endpos)
            if m is not None:
                pos = m.end()
                if pos == at:
                    return None
                found.append(m)
    return found


def _opening_class(pattern: re.Pattern[str]) -> str | None:
    """A character class one of whose members starts every match of ``pattern`` (its flags
    apply), or None when unknown or when a match may start where the text does."""
    if _sre_parser is None or pattern.flags & re.VERBOSE:
        return None
    try:
        openings = _openings(pattern)
    except Exception:  # an unexpected parse tree: the pattern is always run
        return None
    if openings is None or openings[1] or not openings[0]:
        return None
    return f"[{''.join(sorted(openings[0]))}]"


class Gates:
    """One gate index for a list of patterns: the text's substrings are looked up once for
    all of them (instead of one :func:`search` or :func:`finditer` gate per pattern), and
    only the patterns that may match are run, through their twins."""

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        self.patterns: Final = tuple(patterns)
        entries = [_entry(p) for p in self.patterns]
        self._entries: Final = tuple(entries)
        # What runs for each: its twin when it has one (the same matches, found sooner);
        # None until the pattern first opens (its twin is compiled then: `_run`).
        self._runs: Final[list[re.Pattern[str] | None]] = [
            e.pattern if e.twin is None else None for e in entries
        ]
        # Which patterns each head opens, so that a text is looked up once for all of them.
        by_head: dict[str, set[int]] = {}
        for i, entry in enumerate(entries):
            found = entry.gate
            for head in (*found.long, *found.short) if found else ():
                by_head.setdefault(head, set()).add(i)
        self._opened_by: Final = {h: frozenset(i) for h, i in by_head.items()}
        self._long: Final = frozenset(h for h in by_head if len(h) == GRAM)
        self._short: Final = tuple(h for h in by_head if len(h) < GRAM)
        # Without heads, a pattern may still be gated by the characters its matches start
        # with (« \d »: a text without a digit has no date « 12/10 »), tested as one class.
        by_class: dict[str, set[int]] = {}
        always: set[int] = set()
        for i, entry in enumerate(entries):
            if entry.gate is None:
                if (opening := entry.opening) is None:
                    always.add(i)
                else:
                    by_class.setdefault(opening, set()).add(i)
        self._always: Final = frozenset(always)
        self._starts: Final = tuple(e.starts for e in entries)
        # Whose starts are all heads of the list: their positions are looked for among the
        # heads `opened` found (a few) instead of the text's grams (~100) (issue 12).
        self._among: Final = tuple(
            begins is not None and begins.long <= self._long for begins in self._starts
        )
        self._found: tuple[str, frozenset[str]] = ("", frozenset())  # `opened`'s last text
        self._by_class: Final = tuple(
            (re.compile(c, p.flags), frozenset(i))
            for c, i in by_class.items()
            for p in (self.patterns[min(i)],)
        )

    def opened(self, text: str) -> list[int]:
        """The indices, in order, of the patterns that may match ``text`` (or any part of it):
        the others cannot (none of their heads occurs in it)."""
        opened = set(self._always)
        by_head = self._opened_by.__getitem__
        found = self._long.intersection(grams(text))
        self._found = (text, found)
        for head in found:
            opened |= by_head(head)
        for head in filter(text.__contains__, self._short):
            opened |= by_head(head)
        for opening, indices in self._by_class:
            if opening.search(text):
                opened |= indices
        return sorted(opened)

    def finditer(
        self, i: int, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        """The matches of pattern ``i`` (one of `opened`), found by its twin when it has one:
        the same spans and groups as the pattern's (the look-ahead in front is zero-width and
        the pattern follows it whole, in a non-capturing group), but their ``re`` is the
        twin. Where the pattern's possible starts are few (`Starts`), it is matched there
        only, as `search` does (issue 12: the engine's scan of the whole text cost more)."""
        begins = self._starts[i]
        if begins is not None:
            last, heads_found = self._found  # one read: another thread may change it
            among = heads_found if self._among[i] and last == text else None
            found = matches_at(self.patterns[i], begins, text, pos, endpos, among)
            if found is not None:
                return iter(found)
        return (self._runs[i] or self._run(i)).finditer(text, pos, endpos)

    def _run(self, i: int) -> re.Pattern[str]:
        """What runs for pattern ``i``, its twin compiled the first time (issue 12)."""
        found = self._runs[i]
        if found is None:
            found = self._runs[i] = self._entries[i].runs()
        return found

    def any_match(self, text: str) -> bool:
        """Does any pattern of the list match ``text``?"""
        runs = self._runs
        for i in self.opened(text):  # noqa: SIM110 (a loop: a generator cost more, issue 12)
            if (runs[i] or self._run(i)).search(text):
                return True
        return False


class Cues:
    """Weighted patterns, each with its gate: `score` runs only those that may match."""

    def __init__(self, weighted: Iterable[tuple[re.Pattern[str], float]]) -> None:
        self.patterns: Final = tuple((p, w) for p, w in weighted)
        self._gates: Final = Gates(p for p, _ in self.patterns)
        # What runs for each: its twin when it has one (the same matches, found sooner);
        # None until the pattern first opens (its twin is compiled then: `_run`).
        self._runs: Final[list[tuple[re.Pattern[str], float] | None]] = [
            (p, w) if _entry(p).twin is None else None for p, w in self.patterns
        ]
        self._pending: Final = {i for i, run in enumerate(self._runs) if run is None}
        # Each pattern's finer test (`_finer_check`), derived when the gate first opens it.
        self._checks: Final[list[Any]] = [_UNKNOWN] * len(self.patterns)

    def candidates(self, text: str) -> Iterator[tuple[re.Pattern[str], float]]:
        """The (pattern, weight) pairs that may match ``text``, in their order: the others
        cannot (none of their heads occurs in it)."""
        return map(self.patterns.__getitem__, self._opened(text))

    def runs(self, text: str) -> Iterator[tuple[re.Pattern[str], float]]:
        """`candidates`, each pattern as its twin when it has one: for the spans of its
        matches (the same as the pattern's; their ``re`` is the twin)."""
        opened = self._opened(text)
        if not self._pending.isdisjoint(opened):  # twins compiled when first needed
            for i in self._pending.intersection(opened):
                pattern, weight = self.patterns[i]
                self._runs[i] = (_entry(pattern).runs(), weight)
            self._pending.difference_update(opened)
        return map(self._runs.__getitem__, opened)  # type: ignore[arg-type]

    def _opened(self, text: str) -> list[int]:
        """The patterns the gate opens, less those a second, finer test rules out (issue 12:
        of ~7 cue patterns opened by 4-character heads, ~0.6 match)."""
        checks = self._checks
        kept = []
        for i in self._gates.opened(text):
            check = checks[i]
            if check is _UNKNOWN:
                check = checks[i] = _finer_check(self.patterns[i][0])
            if check is None or check(text):
                kept.append(i)
        return kept

    def score(self, text: str) -> tuple[float, int]:
        """The weights of every match summed, and where the first match starts (len(text)
        when none)."""
        total = 0.0
        first = len(text)
        for pattern, weight in self.runs(text):
            for m in pattern.finditer(text):
                total += weight
                first = min(first, m.start())
        return total, first


# A finer test not derived yet (only compared by identity).
_UNKNOWN: Final = object()
# Heads this long test a cue pattern the gate opened: « pour » opens
# `\b(?:auriez|avez|pourriez|pouvez)[- ]vous\b`, « pourriez » much more rarely.
_FINER_HEADS: Final = 8
# How many such heads are worth testing: one is mostly the gate's own head a few letters
# longer (« besoin d'aide » for « beso »), and past a score testing them costs more than the
# pattern's run (measured on the development corpora).
_FINER_COUNT: Final = (2, 24)


def _finer_check(pattern: re.Pattern[str]) -> Callable[[str], object] | None:
    """A test false only when ``pattern`` cannot match a text its gate opened: a match where
    the text starts for a pattern anchored there (« ^\\W*(?:demandes?|besoins?)\\s?: »; its
    scan would try every position), else one of its heads up to `_FINER_HEADS` characters in
    the text; None when neither is known (the pattern runs)."""
    begins = _entry(pattern).starts
    if begins is not None and begins.at_start and not (begins.long or begins.short):
        return pattern.match
    found = heads(pattern, _FINER_COUNT[1], _FINER_HEADS)
    if found is None or len(found) < _FINER_COUNT[0]:
        return None
    longer = tuple(sorted(found))
    return lambda text: any(map(text.__contains__, longer))
