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
