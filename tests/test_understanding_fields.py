"""The fields of a post whose intent is read right (issue 10, corpora C and D): the trade's
abbreviations (VF, VL, PL, CF), products the lexicon missed, counted packages and people,
short forms of communes, and relative days written « J+2 ». Messages written for these
tests, by class; none is copied from the corpus."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.understanding import Gazetteer, understand

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))  # a Tuesday


def _read(gazetteer: Gazetteer, text: str, *keys: str) -> tuple[object, ...]:
    got = understand(text, NOW, gazetteer).to_contract()
    return tuple(got[k] for k in keys)


# -- logisticians' abbreviations -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "category", "cold"),
    [
        ("notre VF reste au dépôt jeudi, libre pour une tournée", "equipment_offer",
         "vehicule_frigo", True),
        ("on cherche un VF samedi pour aller au MIN", "equipment_request", "vehicule_frigo", True),
        ("un PL dispo lundi pour une navette", "equipment_offer", "vehicule", False),
        ("besoin d'un VL mercredi pour des livraisons", "equipment_request", "vehicule", False),
        ("CF libre tout le week-end, une dizaine de m²", "equipment_offer", "stockage_froid", True),
        ("il nous faudrait de la place en CF pour deux nuits", "equipment_request",
         "stockage_froid", True),
    ],
)  # fmt: skip
def test_vehicle_and_cold_room_abbreviations(
    gazetteer: Gazetteer, text: str, intent: str, category: str, cold: bool
) -> None:
    assert _read(gazetteer, text, "intent", "category", "cold_chain") == (intent, category, cold)


@pytest.mark.parametrize(
    "text",
    [
        "2 palettes de fromage blanc en CF, à enlever avant vendredi",
        "yaourts à donner, stockés en chambre froide, 40 kg",
    ],
)
def test_goods_kept_in_a_cold_room_are_goods(gazetteer: Gazetteer, text: str) -> None:
    assert _read(gazetteer, text, "intent", "category") == ("offer", "produits_laitiers")


def test_a_cf_reference_is_not_a_cold_room(gazetteer: Gazetteer) -> None:
    assert _read(gazetteer, "besoin de riz, cf. ci-dessous pour les horaires", "category") == (
        "epicerie_seche",
    )


@pytest.mark.parametrize(
    "text",
    [
        "VL + chauffeur dispo jeudi pour vos ramasses",
        "PL avec chauffeur libre vendredi matin",
        "notre chauffeur fait la tournée mardi avec le camion vide, il peut ramener vos cartons",
    ],
)
def test_a_driver_with_a_vehicle_is_the_vehicle(gazetteer: Gazetteer, text: str) -> None:
    assert _read(gazetteer, text, "category") == ("vehicule",)


def test_news_of_a_broken_vehicle_is_not_a_request(gazetteer: Gazetteer) -> None:
    assert _read(gazetteer, "le PL est tombé en panne à Rodez, on rentre tard", "intent") == (
        "unknown",
    )


@pytest.mark.parametrize(
    "text",
    [
        "on cherche de la place au froid pour 30 kg de poisson",
        "quelqu'un aurait de la place au frais pour nos yaourts ce soir ?",
        "on dispose de places en chambre froide jusqu'à la fin du mois",
    ],
)
def test_room_in_the_cold_is_cold_storage(gazetteer: Gazetteer, text: str) -> None:
    assert _read(gazetteer, text, "category") == ("stockage_froid",)


# -- products the lexicon missed -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "besoin de crème solaire pour la sortie des enfants",
        "on a 20 tubes de crème hydratante à donner",
        "cherche protection solaire et savon pour le centre aéré",
    ],
)
def test_body_creams_are_hygiene_not_dairy(gazetteer: Gazetteer, text: str) -> None:
    assert _read(gazetteer, text, "category", "cold_chain") == ("hygiene", False)


def test_food_parcels_are_other_goods(gazetteer: Gazetteer) -> None:
    assert _read(gazetteer, "il nous faudrait 12 colis alimentaires pour jeudi", "category") == (
        "autre",
    )


def test_the_secours_populaire_is_no_call_for_help(gazetteer: Gazetteer) -> None:
    text = "le Secours populaire de Millau cherche du lait pour vendredi"
    assert _read(gazetteer, text, "urgent") == (False,)
    assert _read(gazetteer, "au secours, plus rien en stock de pâtes", "urgent") == (True,)


@pytest.mark.parametrize(
    "text",
    [
        "on peut garder vos surgelés ce week-end, notre congélo est vide",
        "nous pouvons stocker des produits surgelés pour une autre asso jusqu'à lundi",
        "on peut entreposer tes glaces dans notre chambre froide jusqu'à jeudi",
    ],
)
def test_storing_frozen_goods_is_cold_storage(gazetteer: Gazetteer, text: str) -> None:
    assert _read(gazetteer, text, "intent", "category") == ("equipment_offer", "stockage_froid")


@pytest.mark.parametrize(
    "text",
    [
        "notre hangar peut accueillir 8 palettes pour une autre asso",
        "on cherche un VF pour ramener 4 palettes de lait jeudi",
        "on peut stocker jusqu'à 300 kg de légumes dans notre cave",
    ],
)
def test_what_a_store_or_vehicle_holds_is_not_its_count(gazetteer: Gazetteer, text: str) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (None, None)


# -- counts of people and of the resource itself -------------------------------------------


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("notre équipe peut venir aider à la collecte samedi, on sera 5", 5),
        ("des lycéens peuvent renforcer votre distribution jeudi, ils sont 8", 8),
        ("on a 3 retraités motivés qui veulent aider une autre asso lundi", 3),
        ("cherche des chauffeurs pour la ramasse de vendredi, trois si possible", 3),
        ("recherche bénévoles pour le tri de mercredi, une quinzaine", 15),
        ("il faudrait des bras pour décharger demain, il en faudrait 6", 6),
    ],
)
def test_a_count_of_people_counts_the_volunteers(
    gazetteer: Gazetteer, text: str, quantity: int
) -> None:
    assert _read(gazetteer, text, "category", "quantity", "unit") == (
        "benevoles",
        quantity,
        "personne",
    )


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("on cherche des palettes vides, une trentaine, pour vendredi", 30, "palette"),
        ("des cagettes vides si ça dépanne, on en a 25", 25, "cagette"),
        ("on prête 12 caisses plastiques pour vos colis", 12, "unite"),
    ],
)
def test_a_count_said_of_handling_gear_is_in_its_unit(
    gazetteer: Gazetteer, text: str, quantity: int, unit: str
) -> None:
    assert _read(gazetteer, text, "category", "quantity", "unit") == (
        "manutention",
        quantity,
        unit,
    )


# -- packages of a stated content ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("à donner 5 cartons de 12 boîtes de thon", 60, "unite"),
        ("on cherche 4 caisses de 24 canettes de soda", 96, "unite"),
        ("dispo 10 packs d'eau de 9 L", 90, "l"),
        ("on a 20 sacs de farine de 2 kg en trop", 40, "kg"),
        ("besoin d'une vingtaine de plateaux-repas pour ce soir", 20, "repas"),
        ("don de 15 plateaux-repas froids", 15, "repas"),
    ],
)
def test_packages_count_their_content(
    gazetteer: Gazetteer, text: str, quantity: int, unit: str
) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (quantity, unit)


def test_the_size_of_one_item_is_not_the_size_of_its_case(gazetteer: Gazetteer) -> None:
    text = "à donner 6 cartons de yaourts de 125 g"
    assert _read(gazetteer, text, "quantity", "unit") == (6, "carton")


@pytest.mark.parametrize(("text", "ref"), [("/prendre 31 250 kg", 31), ("/prendre 7 500 kg", 7)])
def test_a_claimed_amount_after_the_post_number(gazetteer: Gazetteer, text: str, ref: int) -> None:
    quantity = float(text.split()[2])
    assert _read(gazetteer, text, "post_ref", "quantity", "unit") == (ref, quantity, "kg")


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("PL dispo J+1 pour une navette", "2026-12-02"),
        ("besoin d'un VF à T+3 pour la ramasse", "2026-12-04"),
        ("on peut livrer j + 2 si besoin", "2026-12-03"),
    ],
)
def test_days_counted_from_today(gazetteer: Gazetteer, text: str, deadline: str) -> None:
    assert _read(gazetteer, text, "deadline") == (deadline,)


# -- communes named as people say them --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Restos Vaulx : besoin de lait pour jeudi", "Vaulx-en-Velin"),
        ("l'épicerie de Rillieux cherche des pâtes", "Rillieux-la-Pape"),
        ("on a 10 kg de pommes à donner, CCAS Caluire", "Caluire-et-Cuire"),
        ("à donner 30 yaourts, Villefranche, avant samedi", "Villefranche-sur-Saône"),
    ],
)
def test_a_town_is_known_by_the_first_word_of_its_name(
    gazetteer: Gazetteer, text: str, place: str
) -> None:
    assert _read(gazetteer, text, "place") == (place,)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("besoin de riz pour le centre social de valence", "Valence"),
        ("on peut stocker des palettes dans notre entrepôt de Rochefort", "Rochefort"),
    ],
)
def test_a_town_is_not_a_word_because_a_hamlet_is(
    gazetteer: Gazetteer, text: str, place: str
) -> None:
    assert _read(gazetteer, text, "place") == (place,)


@pytest.mark.parametrize(
    "text",
    [
        "on cherche des bords de rivière pour un pique-nique avec les familles",
        "besoin de légumes secs (lentilles, haricots) pour jeudi",
    ],
)
def test_everyday_words_and_goods_are_no_commune(gazetteer: Gazetteer, text: str) -> None:
    assert _read(gazetteer, text, "place") == (None,)


def test_what_is_named_after_a_name_is_in_that_commune(gazetteer: Gazetteer) -> None:
    text = "l'antenne Saint-Vincent-de-Paul de Millau peut prêter son camion lundi"
    assert _read(gazetteer, text, "place") == ("Millau",)


# -- issue 10 (tune10): squeezed is no hurry; a bullet starts another item ---------------------


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        ("on donne 30 L de jus de pomme pressé, avant jeudi", False),
        ("à donner 12 bouteilles de jus d'orange pressé", False),
        ("citron pressé maison, 5 litres à donner", False),
        ("besoin de lait, c'est pressé !", True),
    ],
)
def test_squeezed_juice_is_no_hurry(gazetteer: Gazetteer, text: str, urgent: bool) -> None:
    assert _read(gazetteer, text, "urgent") == (urgent,)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("besoins pour jeudi : - riz 20 kg - conserves de thon", "epicerie_seche"),
        ("on donne - pommes 30 kg - surgelés divers - pain", "fruits_legumes"),
        ("besoin de : - lait 12 L - haricots en boîte x10", "produits_laitiers"),
    ],
)
def test_a_bullet_starts_another_item(gazetteer: Gazetteer, text: str, category: str) -> None:
    assert _read(gazetteer, text, "category") == (category,)


# -- issue 10 (tune10b): a hurry denied; a driver and a vehicle -----------------------------------


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        ("Pas de besoin urgent, mais 10 kg de farine pour le 15 nous aideraient", False),
        ("aucune demande urgente : juste du café pour la permanence", False),
        ("besoin de couches taille 3, sans caractère d'urgence", False),
        ("on cherche du lait, pas d'urgence, avant la fin du mois", False),
        ("besoin urgent de lait pour ce soir", True),
    ],
)
def test_a_hurry_denied_is_no_urgency(gazetteer: Gazetteer, text: str, urgent: bool) -> None:
    assert _read(gazetteer, text, "urgent") == (urgent,)


@pytest.mark.parametrize(
    ("text", "category", "quantity", "unit"),
    [
        (
            "je suis chauffeur bénévole, j'ai mon utilitaire libre mercredi si besoin",
            "vehicule",
            None,
            None,
        ),
        ("Mon mari peut conduire sa camionnette jeudi pour vos ramasses", "vehicule", None, None),
        ("On cherche un chauffeur pour conduire notre camion vendredi", "benevoles", None, None),
        ("besoin de 2 gars costauds pour décharger le camion samedi", "benevoles", 2, "personne"),
        ("il faudrait 3 personnes pour charger le camion demain matin", "benevoles", 3, "personne"),
    ],
)
def test_a_driver_with_own_vehicle_and_helpers_for_a_vehicle(
    gazetteer: Gazetteer, text: str, category: str, quantity: int | None, unit: str | None
) -> None:
    assert _read(gazetteer, text, "category", "quantity", "unit") == (category, quantity, unit)


@pytest.mark.parametrize(
    ("text", "category", "quantity", "unit"),
    [
        ("bacs plastiques E1 x 30 à donner, avant vendredi", "manutention", 30, "unite"),
        (
            "caisses vertes vides : il nous en faudrait 120 pour la collecte",
            "manutention",
            120,
            "unite",
        ),
        (
            "plus de palettes EUR vides au dépôt, besoin de 40 pour lundi",
            "manutention",
            40,
            "palette",
        ),
        ("on cherche un conducteur PL samedi pour la ramasse", "benevoles", None, None),
        ("cherche 3 gars pour décharger un semi lundi 8h", "benevoles", 3, "personne"),
        (
            "Notre chauffeur est en vacances, on cherche quelqu'un avec un utilitaire jeudi",
            "vehicule",
            None,
            None,
        ),
        (
            "le chauffeur des Restos passe par Millau mardi avec le camion presque vide",
            "vehicule",
            None,
            None,
        ),
    ],
)
def test_resources_counted_and_drivers(
    gazetteer: Gazetteer, text: str, category: str, quantity: int | None, unit: str | None
) -> None:
    assert _read(gazetteer, text, "category", "quantity", "unit") == (category, quantity, unit)
