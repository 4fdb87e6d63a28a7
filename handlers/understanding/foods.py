"""The vocabulary of foods and products, and whether a label names a thing.

``data/foods.tsv.gz`` maps a folded, singular name of one to four words (``celeri rave``,
``lentille corail``, ``gel douche``) to a category of the contract. It is derived by
``data/build_foods.py`` from the Open Food Facts taxonomies plus a few hand-kept additions
(see ``data/README.md``). The hand lexicon (``lexicon.py``) stays first: the parser reads
the vocabulary only for what the lexicon does not name, or names only in part
(``céleris-raves`` is one thing, not ``céleris`` followed by an unknown word).

Look-ups are dictionary hits on word n-grams, so their cost does not grow with the size of
the vocabulary.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Final

from . import lexicon as lx
from .text import fold, readable, word_set

DATA: Final = Path(__file__).with_name("data") / "foods.tsv.gz"
# Everyday words that a slip would turn into goods (« salle », « balle »; « patte »):
# built offline by data/build_food_alikes.py.
FOOD_ALIKES: Final = Path(__file__).with_name("data") / "food_alikes.txt"
LONGEST_NAME: Final = 4  # words; longer names in the source are descriptions, not names

_WORD_RE: Final = re.compile(r"[a-z0-9]+")
# A name never starts or ends on these, so "de riz" is read as "riz".
EDGE_WORDS: Final = word_set("de d du des la le les l a au aux en et ou un une pour avec sans sur")


@dataclass(frozen=True)
class FoodMatch:
    """A name of the vocabulary found in folded text: [start, end) and its category."""

    start: int
    end: int
    category: str


@lru_cache(maxsize=1 << 16)  # the words of messages recur: a look-up instead of the tests
def singular(word: str) -> str:
    """One spelling for singular and plural (``raves`` → ``rave``, ``poireaux`` →
    ``poireau``). Applied alike to the vocabulary and to messages, so it only has to be
    consistent, not grammatical (``radis`` becomes ``radi`` on both sides)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    if len(word) > 3 and word.endswith(("aux", "eux", "oux", "eaux")):
        return word[:-1]
    return word


def name_key(name: str) -> str:
    """The look-up key of a written name: folded, words split on spaces, hyphens and
    apostrophes, each word singular (``Céleris-Raves`` → ``celeri rave``)."""
    folded = fold(readable(name)).text
    return " ".join(singular(w) for w in _WORD_RE.findall(folded))


@cache
def vocabulary() -> dict[str, str]:
    """Folded singular name → category; read once from the packaged file."""
    names: dict[str, str] = {}
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        next(lines)  # header
        for line in lines:
            name, category = line.rstrip("\n").split("\t")
            names[name] = category
    return names


@cache
def _prefixes() -> frozenset[str]:
    """Every name's opening words (``celeri`` for ``celeri rave``): a scan stops as soon as
    what it has read opens no name."""
    found: set[str] = set()
    for name in vocabulary():
        words = name.split()
        found.update(" ".join(words[:size]) for size in range(1, len(words)))
    return frozenset(found)


def find_foods(text: str, start: int = 0) -> list[FoodMatch]:
    """Names of the vocabulary in folded ``text`` from ``start``, longest first, left to
    right, not overlapping."""
    names, prefixes = vocabulary(), _prefixes()
    keys = list(map(singular, _WORD_RE.findall(text, start)))
    words: list[re.Match[str]] = []  # the words' spans, found only once a name is
    found: list[FoodMatch] = []
    after = 0  # the first word not read into a name yet
    for i, key in enumerate(keys):
        # Most words open no name: one look-up each (issue 12: parse rate).
        if i < after or (key not in names and key not in prefixes) or key in EDGE_WORDS:
            continue
        best: tuple[int, str] | None = None
        read = key
        last = i
        while True:
            category = names.get(read)
            if category is not None:
                best = (last, category)
            if read not in prefixes or last + 1 >= len(keys) or last + 1 - i >= LONGEST_NAME:
                break
            last += 1
            read = f"{read} {keys[last]}"
        if best is None:
            continue
        words = words or list(_WORD_RE.finditer(text, start))
        found.append(FoodMatch(words[i].start(), words[best[0]].end(), best[1]))
        after = best[0] + 1
    return found


def names_goods_or_resource(what: str) -> bool:
    """Does a post's label name goods (food or products) or a shared resource?

    ``riz``, ``céleris-raves``, ``3 palettes de yaourts``, ``un camion frigo``, ``des bras``
    do; ``moment``, ``ça``, ``la réunion``, ``comment``, ``des nouvelles`` do not. A post
    whose label names neither is to be asked about, not published. Pure; never raises.
    """
    folded = fold(readable(what if isinstance(what, str) else str(what))).text
    if not folded.strip():
        return False
    if any(pattern.search(folded) for pattern in lx.CATEGORY_RES.values()):
        return True
    return bool(find_foods(folded))


# -- misspelt goods (issue 10, tune10b) ----------------------------------------------------
# « patte », « huille », « farrine », « yahourts », « carote »: a word of five letters or more
# that names no goods is read as the goods one slip away, a letter doubled or not, or an « h »
# too many, when that spelling names goods of one category. Everyday words that a slip would
# turn into goods (`FOOD_ALIKES`, « balle », « salle ») are read so only right after an amount
# and « de » (« 40 paquets de patte »): never in chat.
MISSPELT_MIN_LETTERS: Final = 5
_DOUBLED_RE: Final = re.compile(r"([a-z])\1")
_SINGLE_RE: Final = re.compile(r"(?<=[aeiouy])([cflmnprst])(?=[aeiouy])")
_EXTRA_H_RE: Final = re.compile(r"(?<=[aeiou])h")


def _one_slip_away(word: str) -> set[str]:
    """The spellings one slip from ``word``: a doubled letter written once, or each of them
    (« carrotte »), a consonant between vowels doubled, an « h » between vowels dropped."""
    found: set[str] = set()
    doubled = [m.start() for m in _DOUBLED_RE.finditer(word)]
    for mask in range(1, 1 << min(len(doubled), 3)):
        dropped = {doubled[i] for i in range(len(doubled)) if mask >> i & 1}
        found.add("".join(c for i, c in enumerate(word) if i not in dropped))
    for m in _SINGLE_RE.finditer(word):
        found.add(word[: m.start()] + m.group(1) + word[m.start() :])
    for m in _EXTRA_H_RE.finditer(word):
        found.add(word[: m.start()] + word[m.end() :])
    return found


def _food_patterns() -> dict[str, re.Pattern[str]]:
    return {c: p for c, p in lx.CATEGORY_RES.items() if c in lx.FOOD}


@lru_cache(maxsize=1 << 14)
def slip_category(word: str) -> str | None:
    """The category of the goods ``word`` (folded, one word) names with one slip, if exactly
    one; None for a word that names goods as written."""
    patterns = _food_patterns()
    names = vocabulary()
    if len(word) < MISSPELT_MIN_LETTERS or singular(word) in names:
        return None
    if any(p.fullmatch(word) for p in patterns.values()):
        return None
    found: set[str] = set()
    for spelling in _one_slip_away(word):
        found.update(c for c, p in patterns.items() if p.fullmatch(spelling))
        if (category := names.get(singular(spelling))) is not None:
            found.add(category)
    if any(s.startswith("pate") for s in _one_slip_away(word)):
        found.discard("viande_poisson_oeufs")  # unaccented « pate »: pâtes, as in mentions.py
    return found.pop() if len(found) == 1 else None


@cache
def food_alikes() -> frozenset[str]:
    return frozenset(FOOD_ALIKES.read_text(encoding="utf-8").split())


_MISSPELT_WORD_RE: Final = re.compile(r"\b[a-z]{5,}\b")
_AFTER_AN_AMOUNT_RE: Final = re.compile(r"\d\s?(?:[a-z]+\s)?(?:de|d')\s?$")


def find_misspelt_foods(text: str, start: int = 0) -> list[FoodMatch]:
    """Goods named with one slip in folded ``text`` (see `slip_category`)."""
    found: list[FoodMatch] = []
    alikes = food_alikes()
    for m in _MISSPELT_WORD_RE.finditer(text, start):
        word = m.group()
        category = slip_category(word)
        if category is None:
            continue
        if word in alikes and not _AFTER_AN_AMOUNT_RE.search(
            text, max(0, m.start() - 25), m.start()
        ):
            continue
        found.append(FoodMatch(m.start(), m.end(), category))
    return found
