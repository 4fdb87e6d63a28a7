"""The labelled examples of the understanding contract, kept here as a regression table.

Copied from the contract's examples (the tests never read files outside the repository).
Only the keys given are checked; a key given as None must be None.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.understanding import Gazetteer, understand

EXAMPLES: list[tuple[str, str, str, dict[str, object]]] = [
    (
        "p01",
        "2026-12-01T09:00:00+01:00",
        "Besoin urgent de 30 kg de fruits pour mercredi, Narbonne",
        {
            "intent": "need",
            "urgent": True,
            "category": "fruits_legumes",
            "quantity": 30,
            "unit": "kg",
            "deadline": "2026-12-02",
            "place": "Narbonne",
            "cold_chain": False,
        },
    ),
    (
        "p02",
        "2026-12-01T09:00:00+01:00",
        "On a 200 yaourts en trop, DLC vendredi, à récupérer à Carcassonne",
        {
            "intent": "offer",
            "urgent": False,
            "category": "produits_laitiers",
            "quantity": 200,
            "unit": "unite",
            "deadline": "2026-12-04",
            "place": "Carcassonne",
            "cold_chain": True,
        },
    ),
    (
        "p03",
        "2026-12-01T09:00:00+01:00",
        "Cherche un camion frigorifique jeudi pour une ramasse à Limoux",
        {
            "intent": "equipment_request",
            "category": "vehicule_frigo",
            "deadline": "2026-12-03",
            "place": "Limoux",
            "cold_chain": True,
        },
    ),
    (
        "p04",
        "2026-12-01T09:00:00+01:00",
        "Notre camion est dispo lundi pour mutualiser une tournée, secteur Castelnaudary",
        {
            "intent": "equipment_offer",
            "category": "vehicule",
            "deadline": "2026-12-07",
            "place": "Castelnaudary",
            "cold_chain": False,
        },
    ),
    (
        "p05",
        "2026-12-01T09:00:00+01:00",
        "/besoin 50 kg de pâtes avant le 10/12",
        {
            "intent": "need",
            "category": "epicerie_seche",
            "quantity": 50,
            "unit": "kg",
            "deadline": "2026-12-10",
            "place": None,
        },
    ),
    (
        "p06",
        "2026-12-01T09:00:00+01:00",
        "/don 4 cagettes de tomates à Trèbes, à prendre demain",
        {
            "intent": "offer",
            "category": "fruits_legumes",
            "quantity": 4,
            "unit": "cagette",
            "deadline": "2026-12-02",
            "place": "Trèbes",
        },
    ),
    (
        "p07",
        "2026-12-01T09:00:00+01:00",
        "/materiel besoin de 4 bénévoles samedi pour la collecte",
        {
            "intent": "equipment_request",
            "category": "benevoles",
            "quantity": 4,
            "unit": "personne",
            "deadline": "2026-12-05",
        },
    ),
    (
        "p08",
        "2026-12-01T09:00:00+01:00",
        "/materiel on prête notre chambre froide ce mois-ci",
        {"intent": "equipment_offer", "category": "stockage_froid", "cold_chain": True},
    ),
    (
        "p09",
        "2026-12-01T09:00:00+01:00",
        "/urgent plus de lait pour les bébés, Quillan",
        {"intent": "need", "urgent": True, "category": "bebe", "place": "Quillan"},
    ),
    (
        "p10",
        "2026-12-01T09:00:00+01:00",
        "/prendre 7",
        {"intent": "claim", "post_ref": 7, "quantity": None},
    ),
    (
        "p11",
        "2026-12-01T09:00:00+01:00",
        "/prendre 7 15 kg",
        {"intent": "claim", "post_ref": 7, "quantity": 15, "unit": "kg"},
    ),
    ("p12", "2026-12-01T09:00:00+01:00", "/fait 7", {"intent": "done", "post_ref": 7}),
    ("p13", "2026-12-01T09:00:00+01:00", "/annuler 7", {"intent": "cancel", "post_ref": 7}),
    (
        "p14",
        "2026-12-01T09:00:00+01:00",
        "je prends l'annonce 19",
        {"intent": "claim", "post_ref": 19},
    ),
    (
        "p15",
        "2026-12-01T09:00:00+01:00",
        "on récupère 5 cartons du 21 demain",
        {
            "intent": "claim",
            "post_ref": 21,
            "quantity": 5,
            "unit": "carton",
            "deadline": "2026-12-02",
        },
    ),
    (
        "p16",
        "2026-12-01T09:00:00+01:00",
        "annonce 19 récupérée, merci !",
        {"intent": "done", "post_ref": 19},
    ),
    (
        "p17",
        "2026-12-01T09:00:00+01:00",
        "on annule le 23, plus besoin",
        {"intent": "cancel", "post_ref": 23},
    ),
    (
        "p18",
        "2026-12-01T09:00:00+01:00",
        "Surplus : 1,2 t d'oranges à Béziers, d'ici jeudi",
        {
            "intent": "offer",
            "category": "fruits_legumes",
            "quantity": 1200,
            "unit": "kg",
            "deadline": "2026-12-03",
            "place": "Béziers",
        },
    ),
    (
        "p19",
        "2026-12-01T09:00:00+01:00",
        "2 palettes de conserves de tomates à donner, entrepôt de Carcassonne",
        {
            "intent": "offer",
            "category": "conserves",
            "quantity": 2,
            "unit": "palette",
            "place": "Carcassonne",
        },
    ),
    (
        "p20",
        "2026-12-01T09:00:00+01:00",
        "Il nous faudrait 40 litres d'huile pour la cuisine solidaire, Narbonne, "
        "avant le 15 décembre",
        {
            "intent": "need",
            "category": "epicerie_seche",
            "quantity": 40,
            "unit": "l",
            "deadline": "2026-12-15",
            "place": "Narbonne",
        },
    ),
    (
        "p21",
        "2026-12-01T09:00:00+01:00",
        "Qui aurait des surgelés à partager ? Notre congélateur est vide, Limoux",
        {"intent": "need", "category": "surgeles", "place": "Limoux", "cold_chain": True},
    ),
    (
        "p22",
        "2026-12-01T09:00:00+01:00",
        "Besoin d'un congélateur, le nôtre est en panne",
        {"intent": "equipment_request", "category": "stockage_froid", "cold_chain": True},
    ),
    (
        "p23",
        "2026-12-01T09:00:00+01:00",
        "à donner : 60 baguettes ce soir à Castelnaudary",
        {
            "intent": "offer",
            "category": "boulangerie",
            "quantity": 60,
            "unit": "unite",
            "deadline": "2026-12-01",
            "place": "Castelnaudary",
        },
    ),
    (
        "p24",
        "2026-12-01T09:00:00+01:00",
        "On a besoin de savon et de lessive, une vingtaine de bidons, Sigean",
        {
            "intent": "need",
            "category": "hygiene",
            "quantity": 20,
            "unit": "unite",
            "place": "Sigean",
        },
    ),
    (
        "p25",
        "2026-12-01T09:00:00+01:00",
        "Dispo : 100 repas (plats cuisinés) du restaurant scolaire, "
        "à prendre aujourd'hui, Gruissan",
        {
            "intent": "offer",
            "category": "plats_prepares",
            "quantity": 100,
            "unit": "repas",
            "deadline": "2026-12-01",
            "place": "Gruissan",
            "cold_chain": True,
        },
    ),
    (
        "p26",
        "2026-12-01T09:00:00+01:00",
        "Urgent, cherche place en chambre froide pour 2 palettes de yaourts ce soir",
        {
            "intent": "equipment_request",
            "urgent": True,
            "category": "stockage_froid",
            "deadline": "2026-12-01",
            "cold_chain": True,
        },
    ),
    (
        "p27",
        "2026-12-01T09:00:00+01:00",
        "Nous prêtons une conserverie mobile la semaine du 14 décembre",
        {"intent": "equipment_offer", "category": "conserverie"},
    ),
    (
        "p28",
        "2026-12-01T09:00:00+01:00",
        "Notre entrepôt a de la place pour du sec si besoin, Bram",
        {"intent": "equipment_offer", "category": "stockage", "place": "Bram", "cold_chain": False},
    ),
    (
        "p29",
        "2026-12-01T09:00:00+01:00",
        "Recherche transpalette pour vendredi matin, Carcassonne",
        {
            "intent": "equipment_request",
            "category": "manutention",
            "deadline": "2026-12-04",
            "place": "Carcassonne",
        },
    ),
    ("p30", "2026-12-01T09:00:00+01:00", "Bonjour", {"intent": "unknown"}),
    ("p31", "2026-12-01T09:00:00+01:00", "Merci beaucoup 🙏", {"intent": "unknown"}),
    ("p32", "2026-12-01T09:00:00+01:00", "qu'est-ce qu'il y a comme besoins ?", {"intent": "list"}),
    ("p33", "2026-12-01T09:00:00+01:00", "comment ça marche ?", {"intent": "help"}),
    (
        "p34",
        "2026-12-01T09:00:00+01:00",
        "Besoin de 12 kg de café et thé pour l'accueil de jour, Carcassonne",
        {
            "intent": "need",
            "category": "epicerie_seche",
            "quantity": 12,
            "unit": "kg",
            "place": "Carcassonne",
        },
    ),
    (
        "p35",
        "2026-12-01T09:00:00+01:00",
        "Don de 300 bouteilles d'eau, Narbonne, avant le 6/12",
        {
            "intent": "offer",
            "category": "boissons",
            "quantity": 300,
            "unit": "unite",
            "deadline": "2026-12-06",
            "place": "Narbonne",
        },
    ),
    (
        "p36",
        "2026-12-01T09:00:00+01:00",
        "Besoin de petits pots et de couches taille 3, Lézignan-Corbières, dans 3 jours",
        {
            "intent": "need",
            "category": "bebe",
            "deadline": "2026-12-04",
            "place": "Lézignan-Corbières",
        },
    ),
    (
        "p37",
        "2026-12-01T09:00:00+01:00",
        "2 sacs de 10 kg de riz à donner, Castelnaudary",
        {
            "intent": "offer",
            "category": "epicerie_seche",
            "quantity": 20,
            "unit": "kg",
            "place": "Castelnaudary",
        },
    ),
    (
        "p38",
        "2026-12-01T09:00:00+01:00",
        "Viande hachée surgelée : 25 kg en surplus, à Limoux, DLC 20/12",
        {
            "intent": "offer",
            "category": "surgeles",
            "quantity": 25,
            "unit": "kg",
            "deadline": "2026-12-20",
            "place": "Limoux",
            "cold_chain": True,
        },
    ),
    (
        "p39",
        "2026-12-01T09:00:00+01:00",
        "Besoin de 6 bénévoles pour trier la collecte après-demain à Narbonne",
        {
            "intent": "equipment_request",
            "category": "benevoles",
            "quantity": 6,
            "unit": "personne",
            "deadline": "2026-12-03",
            "place": "Narbonne",
        },
    ),
    (
        "p40",
        "2026-12-01T09:00:00+01:00",
        "Bénévoles dispo vendredi pour des livraisons entre assos, Carcassonne",
        {
            "intent": "equipment_offer",
            "category": "benevoles",
            "deadline": "2026-12-04",
            "place": "Carcassonne",
        },
    ),
    (
        "p41",
        "2026-12-01T09:00:00+01:00",
        "BESOIN DE POISSON POUR VENDREDI - RESTOS TREBES",
        {
            "intent": "need",
            "category": "viande_poisson_oeufs",
            "deadline": "2026-12-04",
            "place": "Trèbes",
            "cold_chain": True,
        },
    ),
    (
        "p42",
        "2026-12-01T09:00:00+01:00",
        "dispo une cinquantaine de kilos de poires, Coursan, d'ici samedi",
        {
            "intent": "offer",
            "category": "fruits_legumes",
            "quantity": 50,
            "unit": "kg",
            "deadline": "2026-12-05",
            "place": "Coursan",
        },
    ),
    (
        "p43",
        "2026-12-01T09:00:00+01:00",
        "On cherche des fruits et légumes, environ 80 kg, pour le 12 décembre à Perpignan",
        {
            "intent": "need",
            "category": "fruits_legumes",
            "quantity": 80,
            "unit": "kg",
            "deadline": "2026-12-12",
            "place": "Perpignan",
        },
    ),
    (
        "p44",
        "2026-12-01T09:00:00+01:00",
        "Qui peut nous aider à transporter 3 palettes jeudi ? pas de véhicule",
        {"intent": "equipment_request", "category": "vehicule", "deadline": "2026-12-03"},
    ),
    (
        "p45",
        "2026-12-01T09:00:00+01:00",
        "Beaucoup de brioches en trop (40 pièces), à récupérer avant 18h à Sète",
        {
            "intent": "offer",
            "category": "boulangerie",
            "quantity": 40,
            "unit": "unite",
            "deadline": "2026-12-01",
            "place": "Sète",
        },
    ),
    (
        "p46",
        "2026-12-01T09:00:00+01:00",
        "Le lait infantile 2e âge arrive à DDM dans 10 jours, 24 boîtes à donner, Narbonne",
        {
            "intent": "offer",
            "category": "bebe",
            "quantity": 24,
            "unit": "unite",
            "deadline": "2026-12-11",
            "place": "Narbonne",
        },
    ),
    (
        "p47",
        "2026-12-01T09:00:00+01:00",
        "Besoin de thon en boîte, 5 cartons, pour lundi, Castelnaudary",
        {
            "intent": "need",
            "category": "conserves",
            "quantity": 5,
            "unit": "carton",
            "deadline": "2026-12-07",
            "place": "Castelnaudary",
        },
    ),
    (
        "p48",
        "2026-12-01T09:00:00+01:00",
        "Nous avons 150 litres de jus d'orange à donner avant le 9/12, Trèbes",
        {
            "intent": "offer",
            "category": "boissons",
            "quantity": 150,
            "unit": "l",
            "deadline": "2026-12-09",
            "place": "Trèbes",
        },
    ),
]


@pytest.mark.parametrize(
    ("now", "text", "expect"), [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES]
)
def test_contract_example(
    gazetteer: Gazetteer, now: str, text: str, expect: dict[str, object]
) -> None:
    got = understand(text, datetime.fromisoformat(now), gazetteer).to_contract()
    assert {k: got[k] for k in expect} == expect
