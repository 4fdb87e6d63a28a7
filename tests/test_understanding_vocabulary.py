"""The vocabulary of foods and products (derived from Open Food Facts), the « is it a thing »
test on a post's label, and labels that keep compound names whole.

Our own messages, written the way volunteers write; none comes from the shared corpus.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.understanding import Gazetteer, names_goods_or_resource, understand
from handlers.understanding import lexicon as lx
from handlers.understanding.foods import find_foods, name_key, vocabulary
from handlers.understanding.model import RESOURCE_CATEGORIES
from handlers.understanding.text import fold

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))  # a Tuesday

FOOD_CATEGORIES = {
    "fruits_legumes",
    "produits_laitiers",
    "viande_poisson_oeufs",
    "epicerie_seche",
    "conserves",
    "surgeles",
    "boulangerie",
    "plats_prepares",
    "boissons",
    "hygiene",
    "bebe",
    "autre",
}

# Words the hand lexicon does not know: only the vocabulary derived from the source names them.
FROM_THE_SOURCE: list[tuple[str, str]] = [
    ("salsifis", "fruits_legumes"),
    ("reblochon", "produits_laitiers"),
    ("mascarpone", "produits_laitiers"),
    ("skyr", "produits_laitiers"),
    ("merlans", "viande_poisson_oeufs"),
    ("pintades", "viande_poisson_oeufs"),
    ("andouillettes", "viande_poisson_oeufs"),
    ("sarrasin", "epicerie_seche"),
    ("pistaches", "epicerie_seche"),
    ("chouquettes", "boulangerie"),
    ("gaufres", "boulangerie"),
    ("biscottes", "boulangerie"),
    ("tartiflette", "plats_prepares"),
    ("samoussas", "plats_prepares"),
    ("kombucha", "boissons"),
    ("citronnade", "boissons"),
    ("sorbets", "surgeles"),
    ("cornichons", "conserves"),
]


def _lexicon_names(text: str) -> bool:
    folded = fold(text).text
    return any(pattern.search(folded) for pattern in lx.CATEGORY_RES.values())


@pytest.mark.parametrize(("word", "category"), FROM_THE_SOURCE)
def test_the_lexicon_alone_does_not_know_these_words(word: str, category: str) -> None:
    # Keeps the next test honest: it measures the vocabulary, not the hand lexicon.
    assert not _lexicon_names(word)


@pytest.mark.parametrize(("word", "category"), FROM_THE_SOURCE)
def test_a_word_from_the_source_is_goods_of_its_category(
    gazetteer: Gazetteer, word: str, category: str
) -> None:
    need = understand(f"bonjour, on cherche des {word} pour vendredi", NOW, gazetteer)
    offer = understand(f"{word.upper()} à donner, 3 cartons", NOW, gazetteer)
    assert (need.intent, need.category, need.what) == ("need", category, word)
    assert (offer.intent, offer.category) == ("offer", category)
    assert "what" not in need.guessed


@pytest.mark.parametrize(
    ("written", "category"),
    [
        # the brief's examples: singular/plural, accents or not, hyphen or space, any case
        ("céleris-raves", "fruits_legumes"),
        ("céleri-rave", "fruits_legumes"),
        ("celeri rave", "fruits_legumes"),
        ("CELERIS RAVES", "fruits_legumes"),
        ("topinambours", "fruits_legumes"),
        ("topinambour", "fruits_legumes"),
        ("panais", "fruits_legumes"),
        ("compotes", "epicerie_seche"),
        ("lentilles corail", "epicerie_seche"),
        ("lentilles-corail", "epicerie_seche"),
        ("crème fraîche", "produits_laitiers"),
        ("creme fraiche", "produits_laitiers"),
        ("quinoa", "epicerie_seche"),
        ("brioches", "boulangerie"),
        ("sardines", "viande_poisson_oeufs"),
        ("gel douche", "hygiene"),
        ("gels douche", "hygiene"),
        ("petits pois", "fruits_legumes"),
        ("pâtissons", "fruits_legumes"),
        ("patisson", "fruits_legumes"),
    ],
)
def test_forms_of_a_name_are_one_thing(gazetteer: Gazetteer, written: str, category: str) -> None:
    read = understand(f"on a 20 kg de {written} en trop", NOW, gazetteer)
    assert (read.intent, read.category, read.quantity, read.unit) == ("offer", category, 20, "kg")
    assert read.what == written.lower()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # rule 1: the way it is kept beats the family
        ("topinambours surgelés à donner", "surgeles"),
        ("besoin de petits pois surgelés", "surgeles"),
        ("conserves de salsifis dispo", "conserves"),
        ("on donne des reblochons (pas surgelés)", "produits_laitiers"),
        # rule 2: infant products; juice is a drink
        ("compotes pour bébé à donner", "bebe"),
        ("jus de cranberry à donner", "boissons"),
        # rule 3: a resource message is categorised by the resource
        ("on cherche un camion frigo pour 300 kg de salsifis", "vehicule_frigo"),
        ("place au congélateur dispo pour vos sorbets", "stockage_froid"),
        ("besoin de bras pour trier les topinambours", "benevoles"),
    ],
)
def test_the_lexicon_rules_keep_priority(gazetteer: Gazetteer, text: str, category: str) -> None:
    assert understand(text, NOW, gazetteer).category == category


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("on a 20 kg de céleris-raves à donner", "céleris-raves"),
        ("besoin de choux-raves pour jeudi", "choux-raves"),
        ("50 kg de pommes-reinettes dispo", "pommes-reinettes"),
        # hyphenated, and only the first half known anywhere: the whole word still stays
        ("50 kg de poires-williams dispo", "poires-williams"),
        ("qui veut des salades-batavia ?", "salades-batavia"),
        ("on cherche des lentilles corail", "lentilles corail"),
        ("dispo : pommes de terre nouvelles, 3 cagettes", "pommes de terre nouvelles"),
        ("crème fraîche en trop, 12 pots", "crème fraîche"),
    ],
)
def test_the_label_keeps_the_compound_as_written(
    gazetteer: Gazetteer, text: str, what: str
) -> None:
    assert understand(text, NOW, gazetteer).what == what


def test_part_of_a_compound_name_is_not_a_commune(gazetteer: Gazetteer) -> None:
    # "Raves" is a commune of the Vosges; here it is half of a vegetable's name.
    assert gazetteer.find("Raves") is not None
    assert understand("20 kg de céleris-raves à donner", NOW, gazetteer).place is None
    assert understand("20 kg de céleris-raves à donner à Trèbes", NOW, gazetteer).place == "Trèbes"


@pytest.mark.parametrize(
    "label",
    [
        "riz",
        "céleris-raves",
        "CELERI RAVE",
        "3 palettes de yaourts",
        "topinambours",
        "des pistaches",
        "gel douche",
        "des couches taille 4",
        "un camion frigo",
        "des bras",
        "2 transpalettes",
        "une chambre froide",
        "un coup de main",
    ],
)
def test_goods_and_resources_are_things(label: str) -> None:
    assert names_goods_or_resource(label)


@pytest.mark.parametrize(
    "label",
    [
        "moment",
        "ça",
        "la réunion",
        "comment",
        "des nouvelles",
        "des infos",
        "le planning",
        "la distribution",
        "demain",
        "Narbonne",
        "merci",
        "ok",
        "des trucs",
        "12",
        "",
    ],
)
def test_words_of_the_conversation_are_not_things(label: str) -> None:
    assert not names_goods_or_resource(label)


def test_the_vocabulary_maps_only_to_the_contracts_goods_categories() -> None:
    names = vocabulary()
    assert len(names) > 5000  # derived from the source, not a hand list
    assert set(names.values()) <= FOOD_CATEGORIES
    assert not set(names.values()) & set(RESOURCE_CATEGORIES)


@pytest.mark.parametrize("word", ["moment", "mais", "mars", "orange", "lieu", "vive", "son"])
def test_everyday_words_are_not_in_the_vocabulary(word: str) -> None:
    assert name_key(word) not in vocabulary()


def test_a_name_is_found_whole_and_not_across_small_words() -> None:
    text = fold("des céleris-raves et des lentilles corail").text
    found = [(text[m.start : m.end], m.category) for m in find_foods(text)]
    assert found == [("celeris-raves", "fruits_legumes"), ("lentilles corail", "epicerie_seche")]


# -- issue 10 (tune10b): goods written with one slip -----------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("on cherche de l'huille pour la cuisine, 6 bouteilles", "epicerie_seche"),
        ("à donner : farrine, une dizaine de paquets", "epicerie_seche"),
        ("besoin de carrottes pour l'atelier de jeudi", "fruits_legumes"),
        ("on a 20 paquets de pattes en trop", "epicerie_seche"),
        ("il nous faudrait du frommage pour samedi", "produits_laitiers"),
        ("dispo 12 kg de tomattes", "fruits_legumes"),
    ],
)
def test_goods_written_with_one_slip_are_read(
    gazetteer: Gazetteer, text: str, category: str
) -> None:
    assert understand(text, NOW, gazetteer).to_contract()["category"] == category


@pytest.mark.parametrize(
    "text",
    [
        "la salle est prise jeudi, désolée",
        "le chien s'est cassé la patte, je serai en retard",
        "attention au poison dans la réserve, on a des souris",
        "c'est une belle soirée, merci à toutes",
    ],
)
def test_everyday_words_are_no_slipped_goods(gazetteer: Gazetteer, text: str) -> None:
    assert understand(text, NOW, gazetteer).to_contract()["category"] is None
