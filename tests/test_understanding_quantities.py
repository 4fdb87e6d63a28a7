"""Amounts and units."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.understanding import Gazetteer, understand

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("besoin de 30 kg de riz", 30, "kg"),
        ("besoin de 30kg de riz", 30, "kg"),
        ("besoin de 30 kilos de riz", 30, "kg"),
        ("à donner 2,5 t de pommes", 2500, "kg"),
        ("à donner 1.5 tonne de pommes", 1500, "kg"),
        ("besoin de 500 g de sel", 0.5, "kg"),
        ("à donner 50 cl de crème", 0.5, "l"),
        ("besoin de 40 litres d'huile", 40, "l"),
        ("30 sacs de 5 kg de riz à donner", 150, "kg"),
        ("3 cartons de 10 kg de pâtes à donner", 30, "kg"),
        ("à donner 30 x 5 kg de farine", 150, "kg"),
        ("à donner 5 cartons de biscuits", 5, "carton"),
        ("à donner 4 cagettes de tomates", 4, "cagette"),
        ("à donner 2 palettes d'eau", 2, "palette"),
        ("à donner 10 colis alimentaires", 10, "colis"),
        ("à donner 100 repas", 100, "repas"),
        ("à donner 200 yaourts", 200, "unite"),
        ("à donner 12 pots de compote", 12, "unite"),
        ("besoin d'une dizaine de bidons de lessive", 10, "unite"),
        ("besoin d'une douzaine d'oeufs", 12, "unite"),
        ("dispo une cinquantaine de kilos de poires", 50, "kg"),
        ("besoin d'une centaine de baguettes", 100, "unite"),
        ("besoin de deux cartons de lait", 2, "carton"),
        ("besoin de trois kilos de sucre", 3, "kg"),
        ("besoin d'environ 80 kg de legumes", 80, "kg"),
        ("besoin de 20 kg de pommes si possible", 20, "kg"),
        ("besoin de 6 bénévoles samedi", 6, "personne"),
        ("besoin de 2 congélateurs", 2, "unite"),
        # numbers that are not the amount
        ("besoin de couches taille 4", None, None),
        ("besoin de lait pour 30 familles", None, None),
        ("camion de 20m3 dispo", None, None),
        ("local de 50 m² dispo", None, None),
        ("besoin de riz avant le 12/12", None, None),
        ("besoin de riz avant 16h", None, None),
        ("besoin de lait 2e âge", None, None),
        ("cherche place en chambre froide pour 2 palettes de yaourts", None, None),
        ("besoin de riz dans 3 jours", None, None),
    ],
)
def test_amount(gazetteer: Gazetteer, text: str, quantity: float | None, unit: str | None) -> None:
    got = understand(text, NOW, gazetteer).to_contract()
    assert (got["quantity"], got["unit"]) == (quantity, unit)


def test_integral_quantities_are_ints_in_json(gazetteer: Gazetteer) -> None:
    got = understand("besoin de 30 kg de riz", NOW, gazetteer).to_contract()
    assert isinstance(got["quantity"], int)
    got = understand("besoin de 2,5 kg de riz", NOW, gazetteer).to_contract()
    assert got["quantity"] == 2.5


def test_claim_amount_after_post_number(gazetteer: Gazetteer) -> None:
    u = understand("/prendre 7 15 kg", NOW, gazetteer)
    assert (u.post_ref, u.quantity, u.unit) == (7, 15, "kg")
    u = understand("on récupère 5 cartons du 21 demain", NOW, gazetteer)
    assert (u.post_ref, u.quantity, u.unit) == (21, 5, "carton")


# Issue 12 (parse rate): the patterns that open with a number are matched where a number starts.
_NUMBER_LED = ("PACKAGE_RE", "PER_CONTAINER_RE", "PACKAGE_OF_GOODS_RE", "CASES_OF_ITEMS_RE")
_NUMBER_LED += ("PACKED_COUNT_RE", "AMOUNT_RE")


def test_number_led_patterns_open_with_a_number() -> None:
    """`_from_numbers` is the engine's scan only for patterns whose matches open with
    `_NUMBER` (or, for `AMOUNT_RE`, a number in French or English words) after a look-behind
    refusing a digit: a rule changed otherwise goes red here."""
    import re

    from handlers.understanding import quantities as q

    for name in _NUMBER_LED:
        source = getattr(q, name).pattern
        opening = re.match(r"\(\?<!\[([^\]]*)\]\)\(", source)
        assert opening is not None and r"\d" in opening.group(1), name
        opens = q._NUMBER_OR_ENGLISH if name == "AMOUNT_RE" else q._NUMBER
        assert source[opening.end() :].startswith(f"{opens})"), name


def test_number_led_matches_are_the_engines() -> None:
    import json
    from pathlib import Path

    from handlers.understanding import quantities as q
    from handlers.understanding.text import fold, readable

    corpus = Path(__file__).parent / "corpus"
    texts = [
        fold(readable(json.loads(line)["text"])).text
        for path in sorted(corpus.glob("dev*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts += [
        "vingt-deux sacs de 5 kg",
        "x3 cartons de 6 bouteilles, 2024 12 packs de 6",
        "trois-cents kg, soixante et onze cagettes de 2 kg chacune",
        "a12 cartons de 10 kg/carton",
        "deux_trois sacs de 5 kg, 1 000 kg",
        "like ninety tins and twenty-five meals, two hundred and fifty kg of rice",
        "we have forty crates, one pallet",
        "",
    ]
    for name in _NUMBER_LED:
        pattern = getattr(q, name)
        for text in texts:
            got = [(m.span(), m.groups()) for m in q._from_numbers(pattern, text)]
            assert got == [(m.span(), m.groups()) for m in pattern.finditer(text)], (name, text)
