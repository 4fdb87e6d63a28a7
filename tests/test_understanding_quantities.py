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
