"""Amounts and their units: "30 kg", "1,2 t", "une vingtaine de bidons", "3 sacs de 5 kg"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Final

from . import prefilter
from .numbers import (
    APPROX_WORDS,
    EN_NUMBER_WORD_RE,
    EN_TENS_WORDS,
    EN_UNITS_WORDS,
    NUMBER_WORD_RE,
    NUMBER_WORDS_FIRST,
    number_value,
)
from .text import word_set

# unit word → (contract unit, factor to that unit)
UNIT_WORDS: Final[dict[str, tuple[str, float]]] = {
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogramme", "kilogrammes"), ("kg", 1.0)),
    **dict.fromkeys(("g", "gr", "grs", "gramme", "grammes"), ("kg", 0.001)),
    **dict.fromkeys(("t", "tonne", "tonnes", "tonnes"), ("kg", 1000.0)),
    **dict.fromkeys(("l", "litre", "litres", "lt", "lts", "ltr"), ("l", 1.0)),
    **dict.fromkeys(("cl", "centilitre", "centilitres"), ("l", 0.01)),
    **dict.fromkeys(("ml", "millilitre", "millilitres"), ("l", 0.001)),
    **dict.fromkeys(("dl",), ("l", 0.1)),
    **dict.fromkeys(("hl", "hectolitre", "hectolitres"), ("l", 100.0)),
    **dict.fromkeys(("carton", "cartons", "ctn", "cartonnes"), ("carton", 1.0)),
    **dict.fromkeys(
        ("cagette", "cagettes", "caisse", "caisses", "caissette", "caissettes"), ("cagette", 1.0)
    ),
    **dict.fromkeys(("palette", "palettes", "pal"), ("palette", 1.0)),
    **dict.fromkeys(("colis",), ("colis", 1.0)),
    **dict.fromkeys(
        (
            "repas",
            "portion",
            "portions",
            "couverts",
            "plateaux repas",
            "plateaux-repas",
            "plateau-repas",
            "plateau repas",
        ),
        ("repas", 1.0),
    ),
    **dict.fromkeys(
        (
            "benevole",
            "benevoles",
            "benevolle",  # a common slip
            "benevolles",
            "volontaire",
            "volontaires",
            "bras",
            "chauffeur",
            "chauffeurs",
            "renfort",
            "renforts",
        ),
        ("personne", 1.0),
    ),
    # English and Spanish posts (issue 10, parts F and G): « like 30 meals », « 30 litros ».
    **dict.fromkeys(("liters", "liter", "litros", "litro"), ("l", 1.0)),
    **dict.fromkeys(("meals", "comidas"), ("repas", 1.0)),
    **dict.fromkeys(("volunteers", "students"), ("personne", 1.0)),
    # issue 10 (tune10b): more English units (« 8 crates », « 2 pallets », « drivers x2 »)
    **dict.fromkeys(("crate", "crates"), ("cagette", 1.0)),
    **dict.fromkeys(("pallet", "pallets"), ("palette", 1.0)),
    **dict.fromkeys(("volunteer", "drivers", "helpers"), ("personne", 1.0)),
    **dict.fromkeys(("gars",), ("personne", 1.0)),  # « 2 gars costauds »
}
COUNT_WORDS: Final = word_set(
    """
    pot pots boite boites bouteille bouteilles baguette baguettes piece pieces pcs pc
    kit kits pack packs sac sacs paquet paquets brique briques bidon bidons barquette
    barquettes bocal bocaux conserve conserves flacon flacons tube tubes canette
    canettes sachet sachets lot lots unite unites u filet filets seau seaux plateau
    plateaux boule boules tranche tranches rouleau rouleaux bac bacs fut futs poche
    poches cageot cageots botte bottes douzaines plaque plaques boîte baril barils jerrican
    jerricans part parts
    items tins cans rolls bottles boxes packets bags jars latas botellas
    """
)
CONTAINERS: Final = (
    r"sacs?|cartons?|cagettes?|caisses?|packs?|bidons?|bouteilles?|boites?|palettes?|colis|"
    r"filets?|seaux?|paquets?|lots?|barquettes?|sachets?|briques?|pots?|bocaux|bocal|"
    r"futs?|poches?|cageots?|plateaux?|plaquettes?"
)
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNIT_WORDS), key=len, reverse=True))
_NUM = r"\d{1,3}(?: \d{3})+(?=\s?(?:kg|g|t|l|litres?|kilos?|tonnes?|repas|colis)\b)|\d+(?:[.,]\d+)?"
_NUMBER = rf"(?:{_NUM}|{NUMBER_WORD_RE})"
# Issue 10 (tune10b): English number words are read by the plain amounts only (« ninety
# tins », « twenty-five meals »): one more alternative in every package pattern would be tried
# at every position of every message.
_NUMBER_OR_ENGLISH = rf"(?:{_NUM}|{NUMBER_WORD_RE}|{EN_NUMBER_WORD_RE})"
_APPROX = "|".join(APPROX_WORDS)
_TIMES = r"[x*]"  # "×" is folded to "x" (text.py)

# "3 sacs de 5 kg", "30 x 5 kg", "2 cartons de 10 kilos"
PACKAGE_RE: Final = re.compile(
    rf"(?<![\d,.])({_NUMBER})\s?(?:(?:{CONTAINERS})\s(?:de|d')\s?|{_TIMES}\s?)"
    rf"({_NUM}|un|une)\s?(kg|kgs|kilos?|g|gr|grammes?|l|litres?|cl|ml)\b"
)
# Issue 10 (tune10): « 40 cartons de légumes (10 kg/carton) », « 12 sacs de riz, 5 kg par
# sac », « 6 colis, 3 kg chacun »: containers counted, their size said after the goods.
PER_CONTAINER_RE: Final = re.compile(
    rf"(?<![\d,.])({_NUMBER})\s?(?:{CONTAINERS})\b[^()\d.;:!?]{{0,40}}?[(,]?\s?"
    rf"({_NUM})\s?(kg|kgs|kilos?|g|gr|grammes?|l|litres?)\s?"
    rf"(?:/\s?(?:{CONTAINERS}|u|unite|piece)\b|par\s(?:{CONTAINERS}|unite|piece)\b|chacune?s?\b)"
)
# "2 t 500" (2,500 kg), "1 kg 500" (1.5 kg): the smaller unit's digits after the larger one.
MIXED_RE: Final = re.compile(
    r"(?<![\d,.])(\d+)\s?(t|tonnes?|kg|kilos?)\s?(\d{3})(?:\s?(?:kg|kilos?|g|gr|grammes?))?\b"
    r"(?![.,]?\d)(?!\s?(?!de\b|d')[a-z])"
)
# "une vingtaine de bidons", "deux centaines de kilos", "une bonne vingtaine", "une demi-douzaine"
APPROX_RE: Final = re.compile(
    rf"\b(?:(des|plusieurs|quelques|ces|{NUMBER_WORD_RE}|\d+)\s)?"
    rf"(?:(?:bonne|petite|grosse|grande|belle)s?\s)?(?:demi[- ])?({_APPROX})s?\b"
    rf"(?:\s(?:de|d')\s?(\w+(?:-repas|(?: \w+))?))?"
)
# "40 plateaux de 30", "6 packs de 12": counted packs of a stated number of items.
_COUNTED_PACKS = r"plateaux?|packs?|lots?|boites?|paquets?|barquettes?|sachets?|pochettes?"
PACKED_COUNT_RE: Final = re.compile(
    rf"(?<![\d,.])({_NUMBER})\s?(?:{_COUNTED_PACKS})\s(?:de|d')\s?(\d+)\b(?![.,/:]?\d)"
    rf"(?!\s?(?:{_UNIT_ALT})\b)(?:\s([a-z][a-z']*))?"
)
# "12 cartons de 6 bouteilles": cases of a stated number of counted items (their total).
CASES_OF_ITEMS_RE: Final = re.compile(
    rf"(?<![\d,.])({_NUMBER})\s?(?:cartons?|caisses?|cagettes?|colis|sacs?|cageots?)\s(?:de|d')\s?"
    r"(\d+)\s([a-z]+)\b"
)
# "12 packs de lait de 6 L", "40 sacs de riz de 5 kg": the size after the goods, of the pack
# (« cartons de yaourts de 125 g » is the size of a yaourt: under a kilo or a litre, not read).
PACKAGE_OF_GOODS_RE: Final = re.compile(
    rf"(?<![\d,.])({_NUMBER})\s?(?:sacs?|packs?|bidons?|cartons?|bouteilles?|caisses?|seaux?|"
    r"futs?|jerricans?|barils?|barquettes?|boites?|paquets?|plaquettes?|pots?|sachets?|"
    r"briques?)\s(?:de|d')\s?[a-z]+\s(?:de|d')\s?"
    rf"({_NUM})\s?(kg|kgs|kilos?|l|litres?)\b"
)
# Issue 10 (tune10b): « 500 bouteilles d'eau 1,5L », « 24 briques de lait 1 l »: bottles
# and cans of a stated volume, the size written after the drink without « de ».
_BOTTLE_WORDS: Final = ("bouteille", "bidon", "brique", "jerrican", "canette", "pack")
BOTTLES_OF_SIZE_RE: Final = re.compile(
    rf"(?<![\d,.])({_NUMBER})\s?(?:bouteilles?|bidons?|briques?|jerricans?|canettes?|packs?)"
    rf"\s(?:de|d')\s?[a-z]+\s({_NUM})\s?(l|litres?|cl)\b"
)
# "jus d'orange 1L x12", "500 g x 6": a size, then how many of it.
SIZE_TIMES_RE: Final = re.compile(
    rf"(?<![\d,.])({_NUM})\s?(kg|kgs|kilos?|g|gr|grammes?|l|litres?|cl|ml)\s?{_TIMES}\s?(\d+)\b"
    r"(?![.,]?\d)"
)
_CONTAINER_RE: Final = re.compile(CONTAINERS)
# "une quinzaine de barquettes de 500 g": the size after the containers counted approximately
_SIZE_AFTER_RE: Final = re.compile(
    rf"\s(?:de|d')\s?({_NUM})\s?(kg|kgs|kilos?|g|gr|grammes?|l|litres?|cl|ml)\b"
)
DEMI_RE: Final = re.compile(rf"\b(?:une |un )?demi[- ]({_UNIT_ALT})\b")
# "4x cartons", "2 x 6 bouteilles": a count written with a multiplication sign.
MULTIPLIED_RE: Final = re.compile(
    rf"(?<![\w,.])(\d+)\s?{_TIMES}(?:\s?(\d+(?:[.,]\d+)?))?\s(?:({_UNIT_ALT})\b|([a-z][a-z']*))"
)
# "cartons de lait x4": the sign after the goods counts them (when no other goods follow).
_WORD_RE: Final = re.compile(r"[a-z][a-z']*")
_THEN = r"(?:et|ou|pour|a|dispo|svp|merci|demain|for|and|on|in|at|please|pls|asap|tomorrow)"
# The sign is found first and the goods read back from it: a pattern that starts at the goods
# would be tried at every word of every message.
TRAILING_TIMES_RE: Final = re.compile(
    rf"(?<=[a-z'])\s{_TIMES}\s?(\d+)\b(?![.,]?\d)(?!\s?(?!{_THEN}\b)[a-z])"
)
AMOUNT_RE: Final = re.compile(
    rf"(?<![\d,./:])({_NUMBER_OR_ENGLISH})(?![\d])\s?(?:-\s?)?"
    rf"(?:({_UNIT_ALT})\b(\set\sdemie?\b(?!-))?|([a-z][a-z']*))?"
)
# Issue 12: the patterns that open with `(?<![...])({_NUMBER})` are matched only where a number
# may start (`_from_numbers`) instead of being tried by the engine at every letter that may
# open a number word (each cost ~5-10 µs a message).
# The first words of a number in words, French and English (`AMOUNT_RE` reads « ninety tins »).
_FIRST_WORDS: Final = NUMBER_WORDS_FIRST | EN_UNITS_WORDS.keys() | EN_TENS_WORDS.keys()
_NUMBER_START_RE: Final = re.compile(
    r"(?<!\d)\d|\b(?:" + "|".join(sorted(_FIRST_WORDS, key=lambda w: (-len(w), w))) + r")\b"
)


@lru_cache(maxsize=4)
def _number_starts(text: str) -> tuple[int, ...]:
    """Every position where `_NUMBER` may match: a digit after no digit, or a whole word that
    opens a number in words (a superset of the places the engine would find a match)."""
    return tuple(map(re.Match.start, _NUMBER_START_RE.finditer(text)))


def _from_numbers(pattern: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose matches open with `_NUMBER`: matched at
    the number starts only, in order, each past the last match (the engine's scan when a
    match is empty, which it steps past)."""
    found: list[re.Match[str]] = []
    done = 0
    match = pattern.match
    for at in _number_starts(text):
        if at >= done:
            m = match(text, at)
            if m is not None:
                if m.end() == at:
                    return pattern.finditer(text)
                found.append(m)
                done = m.end()
    return found


NOT_AMOUNT_NEXT: Final = word_set(
    """
    h heure heures min mn minute minutes jour jours j semaine semaines sem mois an ans
    annee annees m m2 m3 cm mm km metre metres metres2 e eme er ere nd nde °c ° % eur
    euro euros familles famille foyers foyer beneficiaires beneficiaire enfants enfant
    gens adultes personnes personne habitants janvier janv fevrier fev mars avril avr
    mai juin juillet juil aout septembre sept octobre oct novembre nov decembre dec x
    fois mn places place age ieme iemes nuits nuit rue avenue bd boulevard chemin route
    bis ter allee impasse etage km2 kw cv ch v w pm am
    """
)
# Words that name a post: the number after them is the post's, unless goods are counted
# ("l'offre 12" is post 12; "on offre 4 cagettes" is an amount: the same word as a verb).
POST_WORDS: Final = word_set("annonce post offre demande publication proposition")
NOT_AMOUNT_BEFORE: Final = word_set(
    """
    taille t n° no num numero ref dans sous avant apres le du au la depuis d'ici ici age rue
    tel telephone tél bus ligne route salle porte etage niveau code article lot quai tome
    tranche
    """
)
# Words after a number that count nothing ("l'offre 12 est prise", "4x par semaine").
NOT_COUNTED: Final = word_set(
    """
    a au aux en et ou pour par de du des d' le la les est sont merci svp stp demain
    encore toujours dispo deja bien
    """
)
# Words after a bare number that start the rest of the sentence ("40 en trop", "80 à donner").
_LINK_WORDS: Final = frozenset({"a", "en", "pour", "au", "aux"})
PEOPLE_NOUNS: Final = frozenset({"personnes", "personne", "gens", "adultes"})


@dataclass(frozen=True)
class Amount:
    start: int
    end: int
    value: float
    unit: str
    noun: str | None = None  # the word counted, for "200 yaourts" or "2 congélateurs"
    explicit: bool = True  # a unit was written (kg, carton…), not just a noun
    approximate: bool = False  # "une vingtaine": a count by itself, even with no noun


Rule = Callable[[str], Iterator[Amount]]


def _value(text: str) -> float | None:
    return number_value(text.replace("-", " "))


def _unit_of(word: str) -> tuple[str, float]:
    return UNIT_WORDS.get(word, UNIT_WORDS.get(word.rstrip("s"), ("kg", 1.0)))


def package_amounts(text: str) -> Iterator[Amount]:
    """Packages of a stated size, as their total: "3 sacs de 5 kg" → 15 kg, "4 x 5 kg"."""
    per_container = "/" in text or " par " in text or "chacun" in text  # else no match
    for m in _from_numbers(PER_CONTAINER_RE, text) if per_container else ():
        count, size = _value(m.group(1)), _value(m.group(2))
        if count is None or size is None:
            continue
        unit, factor = _unit_of(m.group(3))
        yield Amount(m.start(), m.end(), count * size * factor, unit)
    for m in _from_numbers(PACKAGE_RE, text):
        count = _value(m.group(1))
        size = 1.0 if m.group(2) in {"un", "une"} else _value(m.group(2))
        if count is None or size is None:
            continue
        unit, factor = _unit_of(m.group(3))
        yield Amount(m.start(), m.end(), count * size * factor, unit)
    for m in prefilter.finditer(SIZE_TIMES_RE, text):
        size, count = _value(m.group(1)), _value(m.group(3))
        if count is None or size is None:
            continue
        unit, factor = _unit_of(m.group(2))
        yield Amount(m.start(), m.end(), count * size * factor, unit)
    for m in _from_numbers(PACKAGE_OF_GOODS_RE, text):
        count, size = _value(m.group(1)), _value(m.group(2))
        unit, factor = _unit_of(m.group(3))
        if count is not None and size is not None and size * factor >= 1:
            yield Amount(m.start(), m.end(), count * size * factor, unit)
    bottles = any(w in text for w in _BOTTLE_WORDS)  # else no match (a cheap test first)
    for m in prefilter.finditer(BOTTLES_OF_SIZE_RE, text) if bottles else ():
        count, size = _value(m.group(1)), _value(m.group(2))
        if count is not None and size is not None:
            unit, factor = _unit_of(m.group(3))
            yield Amount(m.start(), m.end(), count * size * factor, unit)
    for m in _from_numbers(CASES_OF_ITEMS_RE, text):
        count, each = _value(m.group(1)), _value(m.group(2))
        if count is not None and each is not None and m.group(3) in COUNT_WORDS:
            yield Amount(m.start(), m.end(), count * each, "unite", m.group(3))
    for m in _from_numbers(PACKED_COUNT_RE, text):
        count, each = _value(m.group(1)), _value(m.group(2))
        if count is None or each is None or (m.group(3) or "") in NOT_AMOUNT_NEXT:
            continue  # "3 boîtes de 2 kg" is read above; "2 lots de 3 jours" counts nothing
        yield Amount(m.start(), m.end(), count * each, "unite")


# Issue 10 (tune10b): a correction, « c'était pas vingt kilos mais douze », « non pas 3
# cartons mais 5 »: the amount said after « mais », in the unit of the one it replaces.
CORRECTED_RE: Final = re.compile(
    rf"\bpas\s({_NUMBER})\s?({_UNIT_ALT})\s(?:mais(?:\splutot)?|plutot)\s({_NUMBER})\b(?:\s?({_UNIT_ALT})\b)?"
)


def corrected_amounts(text: str) -> Iterator[Amount]:
    if " mais " not in text and " plutot " not in text:
        return
    for m in prefilter.finditer(CORRECTED_RE, text):
        value = _value(m.group(3))
        if value is not None:
            unit, factor = UNIT_WORDS[m.group(4) or m.group(2)]
            yield Amount(m.start(), m.end(), value * factor, unit, m.group(4) or m.group(2))


def mixed_amounts(text: str) -> Iterator[Amount]:
    """ "2 t 500" → 2,500 kg, "1 kg 500" → 1.5 kg."""
    for m in prefilter.finditer(MIXED_RE, text):
        whole, part = float(m.group(1)), float(m.group(3))
        tonnes = m.group(2).startswith("t")
        value = whole * 1000 + part if tonnes else whole + part / 1000
        yield Amount(m.start(), m.end(), value, "kg", m.group(2))


def approximate_amounts(text: str) -> Iterator[Amount]:
    """ "une dizaine de bidons" → 10, "deux centaines de kilos" → 200 kg; "des centaines"
    and "quelques dizaines" give no number."""
    if "aine" not in text and "millier" not in text:
        return  # every approximate word ends so; most messages have none
    for m in prefilter.finditer(APPROX_RE, text):
        lead = m.group(1)
        if lead in {"des", "plusieurs", "quelques", "ces"}:
            continue
        base = APPROX_WORDS[m.group(2)]
        mult = 1.0 if lead in {None, "un", "une"} else (_value(lead) or 1.0)
        approx = base * mult / (2 if "demi" in m.group(0) else 1)
        noun = m.group(3)
        first = noun.split()[0] if noun else None
        size = _package_size(text, m.start(3) + len(first)) if first else None
        if first is not None and size is not None and _CONTAINER_RE.fullmatch(first):
            unit, each = size[0]
            yield Amount(m.start(), size[1], approx * each, unit, first)
        elif first in UNIT_WORDS:
            unit, factor = UNIT_WORDS[first]
            yield Amount(m.start(), m.end(), approx * factor, unit, first)
        elif first is None or first not in NOT_AMOUNT_NEXT:
            yield Amount(m.start(), m.end(), approx, "unite", first, False, approximate=True)


def _package_size(text: str, pos: int) -> tuple[tuple[str, float], int] | None:
    """The size stated after a container ("… barquettes de 500 g"): (unit, size), its end."""
    m = _SIZE_AFTER_RE.match(text, pos)
    size = _value(m.group(1)) if m else None
    if m is None or size is None:
        return None
    unit, factor = _unit_of(m.group(2))
    return (unit, size * factor), m.end()


def half_amounts(text: str) -> Iterator[Amount]:
    """ "une demi-palette" → 0.5 palette."""
    if "demi" not in text:
        return  # every match holds it; its gate opens on « une », in most messages
    for m in prefilter.finditer(DEMI_RE, text):
        unit, factor = UNIT_WORDS[m.group(1)]
        yield Amount(m.start(), m.end(), 0.5 * factor, unit, m.group(1))


# Issue 10 (tune10): « couches taille 2 x30 », « caisses E2 x 50 »: a size or a model, then
# how many (the sign after a number, which the trailing sign's rule leaves).
SIZE_THEN_TIMES_RE: Final = re.compile(
    rf"\b(?:taille|t|e|type|modele|format)\s?\d{{1,2}}\s{_TIMES}\s?(\d+)\b(?![.,]?\d)"
    rf"(?!\s?(?:{_UNIT_ALT})\b)"
)


def multiplied_amounts(text: str) -> Iterator[Amount]:
    """ "4x cartons" → 4 cartons, "2 x 6 bouteilles" → 12, "cartons de lait x4" → 4 cartons.

    "2 x 3 m" and "4x4" (a vehicle) count nothing: a product needs a unit or a counted noun.
    """
    for m in prefilter.finditer(MULTIPLIED_RE, text):
        count = float(m.group(1))
        size = _value(m.group(2)) if m.group(2) else 1.0
        unit_word, noun = m.group(3), m.group(4)
        if size is None or (noun is not None and noun in NOT_AMOUNT_NEXT | NOT_COUNTED):
            continue
        if unit_word is not None:
            unit, factor = UNIT_WORDS[unit_word]
            yield Amount(m.start(), m.end(), count * size * factor, unit, unit_word)
        elif noun in COUNT_WORDS or (m.group(2) is None and len(noun or "") >= 3):
            yield Amount(m.start(), m.end(), count * size, "unite", noun, noun in COUNT_WORDS)
    for m in prefilter.finditer(SIZE_THEN_TIMES_RE, text) if " x" in text or " *" in text else ():
        start = text.rindex(" ", m.start(), m.start(1)) + 1
        yield Amount(start, m.end(), float(m.group(1)), "unite", None)
    for m in prefilter.finditer(TRAILING_TIMES_RE, text):
        words = _WORD_RE.findall(text, max(0, m.start() - 40), m.start())[-3:]
        if not words or words[-1] in NOT_AMOUNT_NEXT | NOT_COUNTED:
            continue
        # "cartons de lait x4" counts the cartons, "yaourts x12" the yaourts
        goods = next((w for w in reversed(words) if w in UNIT_WORDS), words[-1])
        unit = UNIT_WORDS[goods][0] if goods in UNIT_WORDS else "unite"
        yield Amount(m.start() + 1, m.end(), float(m.group(1)), unit, goods)


def counted_amounts(text: str, people: bool = False) -> Iterator[Amount]:
    """A number and what it counts: "30 kg", "5 cartons", "200 yaourts", "trois kilos et
    demi", "12" alone; not a size, a date, a post number or a number of families."""
    for m in _from_numbers(AMOUNT_RE, text):
        raw = m.group(1)
        value = _value(raw)
        if value is None:
            continue
        unit_word, half, noun = m.group(2), m.group(3), m.group(4)
        if noun == "a" and text.startswith(" peu pres", m.end()):
            noun = "environ"  # "quatre-vingts à peu près": a count, approximately
        before = text[max(0, m.start() - 12) : m.start()].split()
        prev = before[-1] if before else ""
        if _follows_non_amount_word(text, m.start(), prev, unit_word or noun) or (
            _elided(prev) in POST_WORDS and unit_word is None and _counts_nothing(noun)
        ):
            continue
        word_number = not raw[0].isdigit()
        if unit_word:
            if unit_word == "t" and text[m.end() : m.end() + 1] == "-":
                continue
            unit, factor = UNIT_WORDS[unit_word]
            if word_number and value == 1 and unit in {"personne", "repas"}:
                continue  # "un chauffeur", "un repas de fin d'année": an article, not a count
            value += 0.5 if half else 0.0
            yield Amount(m.start(), m.end(), value * factor, unit, unit_word)
        elif noun is None:
            if not word_number:
                yield Amount(m.start(), m.end(), value, "unite", None, explicit=False)
        elif noun in NOT_AMOUNT_NEXT:
            if people and noun in PEOPLE_NOUNS:
                yield Amount(m.start(), m.end(), value, "personne", noun)
        elif _counts(noun, word_number, value):
            yield Amount(m.start(), m.end(), value, "unite", noun, noun in COUNT_WORDS)
        elif noun in _LINK_WORDS and (value != 1 or not word_number):
            # "on en a 40 en trop", "QUATRE-VINGTS A DONNER": a bare number, which the parser
            # takes only where the message announces an amount (a pronoun « en », « environ »).
            yield Amount(m.start(), m.start() + len(raw), value, "unite", None, explicit=False)


def _follows_non_amount_word(text: str, start: int, prev: str, after: str | None = None) -> bool:
    """ "taille 4", "avant 16", "#12", "n°3": the number is not an amount; but after an age
    (« lait 2e âge 24 boîtes ») a number that counts items or is in a unit is one."""
    if prev == "age" and after is not None and (after in COUNT_WORDS or after in UNIT_WORDS):
        return False
    return prev in NOT_AMOUNT_BEFORE or prev.endswith(("n°", "#")) or text[start - 1 : start] == "#"


def _elided(word: str) -> str:
    """ "l'offre" → "offre"."""
    return word.rsplit("'", 1)[-1]


def _counts_nothing(noun: str | None) -> bool:
    return noun is None or noun in NOT_COUNTED or len(noun) < 3


def _counts(noun: str, word_number: bool, value: float) -> bool:
    """Whether "<number> <noun>" counts the noun ("3 congélateurs", not "trois de", "un camion")."""
    of = noun in {"de", "d'", "d"} or noun.startswith("d'")
    if (of and word_number) or noun in {"a", "et", "ou", "pour", "au", "aux", "en"}:
        return False
    # "un camion", "une place": an article, not an amount
    return not (word_number and value == 1 and noun not in COUNT_WORDS)


def find_amounts(
    text: str,
    skip: Iterable[tuple[int, int]] = (),
    people: bool = False,
) -> list[Amount]:
    """Every amount in folded ``text``, outside the ``skip`` spans (dates, post numbers…).

    The rules run from the most specific to the most general, and each keeps only what
    the ones before it left free ("3 sacs de 5 kg" is one amount, not two).
    ``people``: "5 personnes" is a number of volunteers (a resource message), not of
    beneficiaries.
    """
    rules: tuple[Rule, ...] = (
        corrected_amounts,
        mixed_amounts,
        package_amounts,
        approximate_amounts,
        half_amounts,
        multiplied_amounts,
        partial(counted_amounts, people=people),
    )
    taken = list(skip)
    # Blanked, not only skipped: « /prendre 29 100 kg » is post 29 and 100 kg, not 29,100 kg.
    for s, e in taken:
        text = text[:s] + " " * (e - s) + text[e:]
    found: list[Amount] = []
    for rule in rules:
        for amount in rule(text):
            if all(amount.end <= s or amount.start >= e for s, e in taken):
                found.append(amount)
                taken.append((amount.start, amount.end))
    found.sort(key=lambda a: a.start)
    return found
