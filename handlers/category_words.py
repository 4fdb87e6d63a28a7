"""Category words as volunteers write them (« laitiers, fruits et légumes », « frais »), read
into the understanding's category slugs: `/profil reçoit …`, `/profil donne …`, `/notifs sans …`.

A word is, in this order: a slug (`produits_laitiers`, or written with spaces), one of the
short words below (« laitiers », « frais », « sec »), or any word the understanding's lexicon
names a category by (« yaourts », « légumes », « surgelés »). Pure: no storage, no sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from handlers.understanding.lexicon import CATEGORY_RES, COLD_CATEGORIES
from handlers.understanding.model import FOOD_CATEGORIES, RESOURCE_CATEGORIES
from handlers.understanding.vocabulary import fold_word

CATEGORIES: Final[tuple[str, ...]] = (*FOOD_CATEGORIES, *RESOURCE_CATEGORIES)

# Words that stand for every category, and for none.
ALL_WORDS: Final = frozenset({"tout", "toutes", "tous", "toute", "all", "everything", "any"})
NONE_WORDS: Final = frozenset({"rien", "aucun", "aucune", "none", "nothing"})

# Short words the lexicon does not know alone (it reads « produits laitiers », not
# « laitiers »), and words for several categories at once.
SHORT_WORDS: Final[dict[str, frozenset[str]]] = {
    "laitiers": frozenset({"produits_laitiers"}),
    "laitier": frozenset({"produits_laitiers"}),
    "dairy": frozenset({"produits_laitiers"}),
    "frais": frozenset({"produits_laitiers", "viande_poisson_oeufs", "plats_prepares"}),
    "fresh": frozenset({"produits_laitiers", "viande_poisson_oeufs", "plats_prepares"}),
    "froid": COLD_CATEGORIES & frozenset(FOOD_CATEGORIES),
    "sec": frozenset({"epicerie_seche"}),
    "secs": frozenset({"epicerie_seche"}),
    "epicerie": frozenset({"epicerie_seche"}),
    "pain": frozenset({"boulangerie"}),
    "plats": frozenset({"plats_prepares"}),
    "oeufs": frozenset({"viande_poisson_oeufs"}),
    "poisson": frozenset({"viande_poisson_oeufs"}),
    "bebes": frozenset({"bebe"}),
    "baby": frozenset({"bebe"}),
    "materiel": frozenset(RESOURCE_CATEGORIES),
    "alimentaire": frozenset(FOOD_CATEGORIES),
    "nourriture": frozenset(FOOD_CATEGORIES),
    "food": frozenset(FOOD_CATEGORIES),
}
# What an answer that recognised nothing lists: the words a volunteer would write.
SUGGESTED_WORDS: Final = (
    "fruits",
    "légumes",
    "laitiers",
    "viande",
    "poisson",
    "œufs",
    "épicerie",
    "conserves",
    "surgelés",
    "pain",
    "plats",
    "boissons",
    "hygiène",
    "bébé",
    "frais",
    "matériel",
    "tout",
)

_SPLIT_RE: Final = re.compile(r"\s*(?:,|;|/|\+|&|\bet\b|\band\b|\bou\b|\bor\b)\s*")
_ARTICLE_RE: Final = re.compile(r"^(?:(?:de|des|du|les|le|la|the)\s+|[dl]'\s*)+")
_SLUGS: Final = {slug.replace("_", " "): slug for slug in CATEGORIES}


@dataclass(frozen=True)
class CategoryWords:
    """What a list of words named: the categories, `every` (« tout »), `none` (« aucune »),
    and the words that named nothing (as typed)."""

    categories: frozenset[str] = frozenset()
    every: bool = False
    none: bool = False
    unknown: tuple[str, ...] = ()


def fold_text(text: str) -> str:
    folded = fold_word(text.replace("œ", "oe").replace("Œ", "oe"))
    return " ".join(folded.replace("’", "'").split())


def categories_of_item(item: str) -> frozenset[str]:
    """The categories one item names (« produits_laitiers », « laitiers », « yaourts »)."""
    folded = _ARTICLE_RE.sub("", fold_text(item).strip(" .!?"))
    spaced = folded.replace("_", " ")
    if spaced in _SLUGS:
        return frozenset({_SLUGS[spaced]})
    if folded in SHORT_WORDS:
        return SHORT_WORDS[folded]
    return frozenset(name for name, pattern in CATEGORY_RES.items() if pattern.search(folded))


def read_categories(text: str) -> CategoryWords:
    """« produits_laitiers, fruits et légumes » → both slugs; « tout » → every."""
    items = [item for item in _SPLIT_RE.split(fold_text(text)) if item.strip(" .!?")]
    found: set[str] = set()
    unknown: list[str] = []
    every = none = False
    for item in items:
        word = item.strip(" .!?")
        if word in ALL_WORDS or word in {"toutes categories", "tout type"}:
            every = True
            continue
        if word in NONE_WORDS:
            none = True
            continue
        named = categories_of_item(word)
        if named:
            found |= named
        else:
            unknown.append(word)
    return CategoryWords(frozenset(found), every, none, tuple(unknown))
