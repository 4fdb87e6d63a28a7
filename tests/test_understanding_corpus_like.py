"""Messages written the way volunteers write them (our own, not the contract's examples).

Lower case, no accents, capitals, abbreviations, emojis, WhatsApp commands without slash.
Each row: the text and the keys that must come out (a None must be None).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.understanding import Gazetteer, understand

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))  # a Tuesday

CASES: list[tuple[str, dict[str, object]]] = [
    # needs
    (
        "bjr on aurait besoin de riz, 30 kilos, pour vendredi",
        {
            "intent": "need",
            "category": "epicerie_seche",
            "quantity": 30,
            "unit": "kg",
            "deadline": "2026-12-04",
            "place": None,
        },
    ),
    ("besoin 30kg riz", {"intent": "need", "category": "epicerie_seche", "quantity": 30}),
    (
        "URGENT besoin lait bebe 2eme age carcassonne",
        {
            "intent": "need",
            "urgent": True,
            "category": "bebe",
            "place": "Carcassonne",
            "quantity": None,
        },
    ),
    (
        "sos plus de pates ni de riz a l'epicerie solidaire de sigean",
        {"intent": "need", "urgent": True, "category": "epicerie_seche", "place": "Sigean"},
    ),
    (
        "Besoin urgent 50 kg de viande hachée surgelée pour le 3 janvier",
        {
            "intent": "need",
            "category": "surgeles",
            "quantity": 50,
            "deadline": "2027-01-03",
            "cold_chain": True,
        },
    ),
    (
        "pas urgent : besoin de lessive pour la fin du mois",
        {"intent": "need", "urgent": False, "category": "hygiene", "deadline": "2026-12-31"},
    ),
    (
        "il nous manque des conserves de legumes, une trentaine de boites, NARBONNE",
        {
            "intent": "need",
            "category": "conserves",
            "quantity": 30,
            "unit": "unite",
            "place": "Narbonne",
        },
    ),
    (
        "qq1 aurait du lait ?? on est a sec 😅 st pons de thomieres",
        {
            "intent": "need",
            "category": "produits_laitiers",
            "cold_chain": True,
            "place": "Saint-Pons-de-Thomières",
        },
    ),
    ("Besoin de jouets pour Noël", {"intent": "need", "category": "autre"}),
    (
        "recherche jus de pomme 20 L dans 2 semaines",
        {
            "intent": "need",
            "category": "boissons",
            "quantity": 20,
            "unit": "l",
            "deadline": "2026-12-15",
        },
    ),
    (
        "ON CHERCHE DES OEUFS ET DU JAMBON POUR SAMEDI - LEZIGNAN CORBIERES",
        {
            "intent": "need",
            "category": "viande_poisson_oeufs",
            "deadline": "2026-12-05",
            "place": "Lézignan-Corbières",
            "cold_chain": True,
        },
    ),
    # offers
    (
        "slt on a 3 cartons de yaourts en trop dlc demain, qui veut ? 🙏",
        {
            "intent": "offer",
            "category": "produits_laitiers",
            "quantity": 3,
            "unit": "carton",
            "deadline": "2026-12-02",
            "cold_chain": True,
        },
    ),
    (
        # Other goods are not added: the first named is the post (its category, its amount).
        "dispo 20 kg de carottes + 10 kg de poireaux a recuperer a lezignan",
        {
            "intent": "offer",
            "category": "fruits_legumes",
            "quantity": 20,
            "unit": "kg",
            "place": "Lézignan-Corbières",
        },
    ),
    ("don 4 cagettes de pommes", {"intent": "offer", "quantity": 4, "unit": "cagette"}),
    (
        "30 sacs de 5 kg de farine a donner narbonne",
        {
            "intent": "offer",
            "category": "epicerie_seche",
            "quantity": 150,
            "unit": "kg",
            "place": "Narbonne",
        },
    ),
    (
        "2,5 t de pommes de terre à donner avant le 15/12, Castelnaudary",
        {
            "intent": "offer",
            "category": "fruits_legumes",
            "quantity": 2500,
            "unit": "kg",
            "deadline": "2026-12-15",
            "place": "Castelnaudary",
        },
    ),
    (
        "24 bouteilles de 1,5 l d'eau à donner",
        {"intent": "offer", "category": "boissons", "quantity": 36, "unit": "l"},
    ),
    (
        "On a 12 kg de fromage, à consommer de préférence avant le 10/12",
        {
            "intent": "offer",
            "category": "produits_laitiers",
            "quantity": 12,
            "deadline": "2026-12-10",
        },
    ),
    (
        "jus d'orange 20 L dispo",
        {"intent": "offer", "category": "boissons", "quantity": 20, "place": None},
    ),
    (
        "surplus de pain ce soir restos du coeur narbonne",
        {
            "intent": "offer",
            "category": "boulangerie",
            "deadline": "2026-12-01",
            "place": "Narbonne",
        },
    ),
    (
        "excedent de 500 g de sel",
        {"intent": "offer", "category": "epicerie_seche", "quantity": 0.5, "unit": "kg"},
    ),
    (
        "Reste une douzaine de quiches du traiteur, a prendre avant 20h, Gruissan",
        {
            "intent": "offer",
            "category": "plats_prepares",
            "quantity": 12,
            "deadline": "2026-12-01",
            "place": "Gruissan",
            "cold_chain": True,
        },
    ),
    (
        "on donne 15 paquets de couches taille 4, bram",
        {"intent": "offer", "category": "bebe", "quantity": 15, "unit": "unite", "place": "Bram"},
    ),
    (
        "/surplus 50 cl de creme fraiche x 40",
        {"intent": "offer", "category": "produits_laitiers", "cold_chain": True},
    ),
    # shared resources
    (
        "/materiel dispo camion frigo samedi narbonne",
        {
            "intent": "equipment_offer",
            "category": "vehicule_frigo",
            "deadline": "2026-12-05",
            "place": "Narbonne",
            "cold_chain": True,
        },
    ),
    (
        "qq1 aurait un transpalette a preter jeudi ? secteur limoux",
        {
            "intent": "equipment_request",
            "category": "manutention",
            "deadline": "2026-12-03",
            "place": "Limoux",
        },
    ),
    (
        "on cherche 2 benevoles pour la distrib de samedi matin",
        {
            "intent": "equipment_request",
            "category": "benevoles",
            "quantity": 2,
            "unit": "personne",
            "deadline": "2026-12-05",
        },
    ),
    (
        "besoin de 5 personnes pour decharger le camion demain 14h",
        {
            "intent": "equipment_request",
            "category": "benevoles",
            "quantity": 5,
            "unit": "personne",
            "deadline": "2026-12-02",
        },
    ),
    (
        "Camion non frigorifique dispo mardi prochain",
        {
            "intent": "equipment_offer",
            "category": "vehicule",
            "cold_chain": False,
            "deadline": "2026-12-08",
        },
    ),
    (
        "on a besoin de bras pour trier les fruits samedi",
        {"intent": "equipment_request", "category": "benevoles"},
    ),
    (
        "cherche de la place au congélateur pour 80 kg de viande",
        {"intent": "equipment_request", "category": "stockage_froid", "quantity": None},
    ),
    (
        "qui a une conserverie pour 200 kg de pommes ?",
        {"intent": "equipment_request", "category": "conserverie", "quantity": None},
    ),
    (
        "Chambre froide libre ce week-end à Bram",
        {
            "intent": "equipment_offer",
            "category": "stockage_froid",
            "deadline": "2026-12-05",
            "place": "Bram",
        },
    ),
    (
        "besoin de 2 congelateurs pour l'hiver",
        {
            "intent": "equipment_request",
            "category": "stockage_froid",
            "quantity": 2,
            "unit": "unite",
        },
    ),
    (
        "camion 20m3 dispo demain",
        {"intent": "equipment_offer", "category": "vehicule", "quantity": None},
    ),
    # actions on posts
    ("prendre 12", {"intent": "claim", "post_ref": 12, "quantity": None}),
    ("fait 12", {"intent": "done", "post_ref": 12}),
    ("annuler 12", {"intent": "cancel", "post_ref": 12}),
    ("/prendre 12 20kg", {"intent": "claim", "post_ref": 12, "quantity": 20, "unit": "kg"}),
    ("je prends le 12", {"intent": "claim", "post_ref": 12}),
    ("on prend l'annonce #45, on passe demain", {"intent": "claim", "post_ref": 45}),
    ("annonce 8 livrée", {"intent": "done", "post_ref": 8}),
    ("c bon pour le 8 c récupéré 👍", {"intent": "done", "post_ref": 8}),
    ("plus besoin pour l'annonce 30", {"intent": "cancel", "post_ref": 30}),
    ("j'annule le 4", {"intent": "cancel", "post_ref": 4}),
    # the rest
    ("Merci à tous 👍👍", {"intent": "unknown"}),
    ("ok", {"intent": "unknown"}),
    ("🍎🍎🍎", {"intent": "unknown"}),
    ("quels sont les besoins a narbonne ?", {"intent": "list"}),
    ("il y a quoi de dispo ?", {"intent": "list"}),
    ("c'est quoi les dons en ce moment ?", {"intent": "list"}),
    ("baguettes en trop, 25 environ, Bram", {"intent": "offer", "quantity": 25, "unit": "unite"}),
    (
        "cherche 20 kg de viande (pas surgelée) pour le repas de noël le 24/12",
        {
            "intent": "need",
            "category": "viande_poisson_oeufs",
            "deadline": "2026-12-24",
            "cold_chain": True,
        },
    ),
    ("Au secours on n'a plus de couches pour les bébés !!", {"urgent": True, "category": "bebe"}),
    (
        "2 congélateurs à prêter, Lézignan",
        {
            "intent": "equipment_offer",
            "category": "stockage_froid",
            "quantity": 2,
            "place": "Lézignan-Corbières",
        },
    ),
    (
        "sandwichs en trop ce midi, environ 50, Narbonne centre",
        {
            "intent": "offer",
            "category": "plats_prepares",
            "quantity": 50,
            "unit": "unite",
            "deadline": "2026-12-01",
            "place": "Narbonne",
        },
    ),
    (
        "Qui peut récupérer 500 kg de pommes de terre à Castelnaudary d'ici vendredi ?",
        {
            "intent": "offer",
            "category": "fruits_legumes",
            "quantity": 500,
            "unit": "kg",
            "deadline": "2026-12-04",
        },
    ),
    ("qqn a un frigo a preter ?", {"intent": "equipment_request", "category": "stockage_froid"}),
    (
        "bsn 15 kgs de farine pr dem",
        {
            "intent": "need",
            "category": "epicerie_seche",
            "quantity": 15,
            "unit": "kg",
            "deadline": "2026-12-02",
        },
    ),
    ("SOS plus rien en rayon, besoin de pates", {"intent": "need", "urgent": True, "place": None}),
    ("qqn aurait du lait ajd ?", {"intent": "need", "deadline": "2026-12-01"}),
    ("les besoins du jour ?", {"intent": "list"}),
    ("/urgent plus de lait infantile", {"intent": "need", "category": "bebe"}),
    ("/liste", {"intent": "list"}),
    ("comment on fait pour poster une annonce ?", {"intent": "help"}),
    ("aide", {"intent": "help"}),
    ("/aide", {"intent": "help"}),
]


@pytest.mark.parametrize(("text", "expect"), CASES, ids=[c[0][:40] for c in CASES])
def test_message_like_the_corpus(
    gazetteer: Gazetteer, text: str, expect: dict[str, object]
) -> None:
    got = understand(text, NOW, gazetteer).to_contract()
    assert {k: got[k] for k in expect} == expect


def test_what_is_a_short_label_as_written(gazetteer: Gazetteer) -> None:
    assert understand("Cherche un camion frigorifique jeudi", NOW, gazetteer).what == (
        "camion frigorifique"
    )
    assert understand("On a 200 yaourts en trop", NOW, gazetteer).what == "yaourts"
    assert understand("Besoin de jouets pour Noël", NOW, gazetteer).what == "jouets"
    assert understand("Viande hachée surgelée : 25 kg en surplus", NOW, gazetteer).what == (
        "viande hachée surgelée"
    )


def test_missing_what_and_dlc(gazetteer: Gazetteer) -> None:
    assert understand("/besoin", NOW, gazetteer).missing == ("what",)
    assert "dlc" in understand("/don 40 yaourts", NOW, gazetteer).missing
    assert "dlc" not in understand("/don 40 yaourts DLC vendredi", NOW, gazetteer).missing
    assert understand("/prendre", NOW, gazetteer).missing == ("post_ref",)


def test_date_kinds_and_invalid_dates(gazetteer: Gazetteer) -> None:
    u = understand("yaourts a donner DLC 31/02", NOW, gazetteer)
    assert (u.deadline, u.invalid_date) == (None, "31/02")
    u = understand("yaourts a donner DLC 28/11", NOW, gazetteer)
    assert (str(u.deadline), u.date_kind) == ("2026-11-28", "dlc")  # past: kept, not next year
    u = understand("lait infantile, DDM dans 10 jours, à donner", NOW, gazetteer)
    assert (str(u.deadline), u.date_kind) == ("2026-12-11", "ddm")
