"""Amounts and their units: "30 kg", "1,2 t", "une vingtaine de bidons", "3 sacs de 5 kg"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from .numbers import APPROX_WORDS, NUMBER_WORD_RE, number_value
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
    **dict.fromkeys(("repas", "portion", "portions", "couverts", "plateaux repas"), ("repas", 1.0)),
    **dict.fromkeys(
        (
            "benevole",
            "benevoles",
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
}
COUNT_WORDS: Final = word_set(
    """
    pot pots boite boites bouteille bouteilles baguette baguettes piece pieces pcs pc
    kit kits pack packs sac sacs paquet paquets brique briques bidon bidons barquette
    barquettes bocal bocaux conserve conserves flacon flacons tube tubes canette
    canettes sachet sachets lot lots unite unites u filet filets seau seaux plateau
    plateaux boule boules tranche tranches rouleau rouleaux bac bacs fut futs poche
    poches cageot cageots botte bottes douzaines plaque plaques boîte
    """
)
CONTAINERS: Final = (
    r"sacs?|cartons?|cagettes?|caisses?|packs?|bidons?|bouteilles?|boites?|palettes?|colis|"
    r"filets?|seaux?|paquets?|lots?|barquettes?|sachets?|briques?|pots?|bocaux|bocal|"
    r"futs?|poches?|cageots?|plateaux?"
)
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNIT_WORDS), key=len, reverse=True))
_NUM = r"\d{1,3}(?: \d{3})+(?=\s?(?:kg|g|t|l|litres?|kilos?|tonnes?|repas|colis)\b)|\d+(?:[.,]\d+)?"
_NUMBER = rf"(?:{_NUM}|{NUMBER_WORD_RE})"
_APPROX = "|".join(APPROX_WORDS)

# "3 sacs de 5 kg", "30 x 5 kg", "2 cartons de 10 kilos"
PACKAGE_RE: Final = re.compile(
    rf"(?<![\d,.])({_NUMBER})\s?(?:(?:{CONTAINERS})\s(?:de|d')\s?|x\s?|\*\s?)"
    rf"({_NUM})\s?(kg|kgs|kilos?|g|gr|grammes?|l|litres?|cl|ml)\b"
)
# "une vingtaine de bidons", "deux centaines de kilos", "une demi-palette"
APPROX_RE: Final = re.compile(
    rf"\b(?:(une|deux|trois|quatre|cinq|quelques|\d+)\s)?(?:demi[- ])?({_APPROX})s?\b"
    rf"(?:\s(?:de|d')\s?(\w+(?: \w+)?))?"
)
DEMI_RE: Final = re.compile(rf"\b(?:une |un )?demi[- ]({_UNIT_ALT})\b")
AMOUNT_RE: Final = re.compile(
    rf"(?<![\d,./:])({_NUMBER})(?![\d])\s?(?:-\s?)?(?:({_UNIT_ALT})\b|([a-z][a-z']*))?"
)
NOT_AMOUNT_NEXT: Final = word_set(
    """
    h heure heures min mn minute minutes jour jours j semaine semaines sem mois an ans
    annee annees m m2 m3 cm mm km metre metres metres2 e eme er ere nd nde °c ° % eur
    euro euros familles famille foyers foyer beneficiaires beneficiaire enfants enfant
    gens adultes personnes personne habitants janvier janv fevrier fev mars avril avr
    mai juin juillet juil aout septembre sept octobre oct novembre nov decembre dec x
    fois mn places place age ieme iemes nuits nuit rue avenue bd boulevard chemin route
    bis ter allee impasse etage km2 kw cv ch v w
    """
)
NOT_AMOUNT_BEFORE: Final = word_set(
    """
    taille t annonce post offre n° no num numero ref dans sous avant apres le du au la
    depuis d'ici ici age rue tel telephone tél bus ligne route salle porte etage niveau
    code numero article lot quai tome tranche
    """
)
NUMBER_ONLY_RE: Final = re.compile(rf"^(?:{_NUMBER})$")


@dataclass(frozen=True)
class Amount:
    start: int
    end: int
    value: float
    unit: str
    noun: str | None = None  # the word counted, for "200 yaourts" or "2 congélateurs"
    explicit: bool = True  # a unit was written (kg, carton…), not just a noun


def _value(text: str) -> float | None:
    return number_value(text.replace("-", " "))


def find_amounts(
    text: str,
    skip: Iterable[tuple[int, int]] = (),
    people: bool = False,
) -> list[Amount]:
    """Every amount in folded ``text``, outside the ``skip`` spans (dates, post numbers…).

    ``people``: "5 personnes" is a number of volunteers (a resource message), not of
    beneficiaries.
    """
    taken = list(skip)
    found: list[Amount] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(a: Amount) -> None:
        found.append(a)
        taken.append((a.start, a.end))

    for m in PACKAGE_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        count, size = _value(m.group(1)), _value(m.group(2))
        if count is None or size is None:
            continue
        unit, factor = UNIT_WORDS.get(m.group(3), UNIT_WORDS.get(m.group(3).rstrip("s"), ("kg", 1)))
        add(Amount(m.start(), m.end(), count * size * factor, unit))
    for m in APPROX_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        base = APPROX_WORDS[m.group(2)]
        lead = m.group(1)
        if lead == "quelques":
            continue
        mult = 1.0 if lead in {None, "une"} else (_value(lead) or 1.0)
        approx = base * mult / (2 if "demi" in m.group(0) else 1)
        noun = m.group(3)
        first = noun.split()[0] if noun else None
        if first in UNIT_WORDS:
            unit, factor = UNIT_WORDS[first]
            add(Amount(m.start(), m.end(), approx * factor, unit, first))
        elif first is not None and first in NOT_AMOUNT_NEXT:
            continue
        else:
            add(Amount(m.start(), m.end(), approx, "unite", first, explicit=False))
    for m in DEMI_RE.finditer(text):
        if free(m.start(), m.end()):
            unit, factor = UNIT_WORDS[m.group(1)]
            add(Amount(m.start(), m.end(), 0.5 * factor, unit, m.group(1)))
    for m in AMOUNT_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        raw = m.group(1)
        value = _value(raw)
        if value is None:
            continue
        before = text[max(0, m.start() - 12) : m.start()].split()
        prev = before[-1] if before else ""
        if (
            prev in NOT_AMOUNT_BEFORE
            or prev.endswith(("n°", "#"))
            or text[m.start() - 1 : m.start()] == "#"
        ):
            continue
        unit_word, noun = m.group(2), m.group(3)
        word_number = not raw[0].isdigit()
        if unit_word:
            if unit_word == "t" and text[m.end() : m.end() + 1] == "-":
                continue
            unit, factor = UNIT_WORDS[unit_word]
            if word_number and value == 1 and unit == "personne":
                continue  # "un chauffeur": an article, not a head count
            add(Amount(m.start(), m.end(), value * factor, unit, unit_word))
            continue
        if noun is None:
            if word_number:
                continue
            add(Amount(m.start(), m.end(), value, "unite", None, explicit=False))
            continue
        if noun in NOT_AMOUNT_NEXT:
            if people and noun in {"personnes", "personne", "gens", "adultes"}:
                add(Amount(m.start(), m.end(), value, "personne", noun))
            continue
        of = noun in {"de", "d'", "d"} or noun.startswith("d'")
        if (of and word_number) or noun in {"a", "et", "ou", "pour", "au", "en"}:
            continue
        if word_number and value == 1 and noun not in COUNT_WORDS:
            continue  # "un camion", "une place": an article, not an amount
        if noun in COUNT_WORDS:
            add(Amount(m.start(), m.end(), value, "unite", noun))
        else:
            add(Amount(m.start(), m.end(), value, "unite", noun, explicit=False))
    found.sort(key=lambda a: a.start)
    return found
