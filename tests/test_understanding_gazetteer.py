"""The offline gazetteer of French communes."""

from __future__ import annotations

import time

import pytest

from handlers.understanding import Gazetteer, load_gazetteer

CARCASSONNE = (43.2130, 2.3491)


def test_loads_every_commune_once_and_fast() -> None:
    load_gazetteer.cache_clear()
    start = time.perf_counter()
    gazetteer = load_gazetteer()
    assert time.perf_counter() - start < 4.0  # ~0.4 s on one core; margin for a loaded CI
    assert len(gazetteer) > 34_000
    assert load_gazetteer() is gazetteer


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("TREBES", "Trèbes"),
        ("trèbes", "Trèbes"),
        ("lezignan corbieres", "Lézignan-Corbières"),
        ("Lézignan-Corbières", "Lézignan-Corbières"),
        ("st pons de thomieres", "Saint-Pons-de-Thomières"),
        ("Sete", "Sète"),
        ("11000", "Carcassonne"),
        ("l'isle sur la sorgue", "L'Isle-sur-la-Sorgue"),
        ("Cherbourg", "Cherbourg-en-Cotentin"),  # a former commune's name
        ("Paris", "Paris"),
    ],
)
def test_find(gazetteer: Gazetteer, text: str, name: str) -> None:
    commune = gazetteer.find(text)
    assert commune is not None and commune.name == name


def test_find_nothing(gazetteer: Gazetteer) -> None:
    assert gazetteer.find("") is None
    assert gazetteer.find("zzzz") is None
    assert gazetteer.find("99999") is None


def test_commune_fields(gazetteer: Gazetteer) -> None:
    commune = gazetteer.find("Narbonne")
    assert commune is not None
    assert commune.insee == "11262"
    assert "11100" in commune.postal_codes
    assert commune.department == "11"
    assert commune.population is not None and commune.population > 50_000
    assert commune.latitude is not None and 43 < commune.latitude < 43.3


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("BESOIN DE POISSON POUR VENDREDI - RESTOS TREBES", "Trèbes"),
        ("150 litres de jus d'orange à donner, Trèbes", "Trèbes"),
        ("Notre entrepôt a de la place pour du sec si besoin, Bram", "Bram"),
        ("2 palettes à donner, entrepôt de Carcassonne", "Carcassonne"),
        ("besoin de couches, Lézignan-Corbières, dans 3 jours", "Lézignan-Corbières"),
        ("dispo secteur castelnaudary", "Castelnaudary"),
        ("livraison à Orange", "Orange"),
        ("besoin de riz à Mer", "Mer"),
        ("besoin de riz 11100", "Narbonne"),
        ("on est a st pons de thomieres", "Saint-Pons-de-Thomières"),
    ],
)
def test_find_in(gazetteer: Gazetteer, text: str, name: str) -> None:
    commune = gazetteer.find_in(text)
    assert commune is not None and commune.name == name


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour",
        "Merci beaucoup",
        "on a du jus d'orange",
        "besoin de lait et de pain",
        "la mer est belle",
        "un don de fromage",
        "le 3 mars",
        "on a du champagne et du camembert",
        "",
    ],
)
def test_find_in_ignores_common_words(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find_in(text) is None


def test_homonyms_prefer_the_focus(gazetteer: Gazetteer) -> None:
    plain = gazetteer.find("Lezignan")
    assert plain is not None and plain.name == "Lézignan-Corbières"  # largest by default
    near_pyrenees = gazetteer.with_focus([(43.10, 0.05)]).find("Lezignan")
    assert near_pyrenees is not None and near_pyrenees.name == "Lézignan"
    aude = gazetteer.with_focus([CARCASSONNE])
    commune = aude.find("Saint-Martin-Lalande")
    assert commune is not None and commune.department == "11"
    villeneuve = aude.find_in("besoin de riz à Villeneuve-Minervois")
    assert villeneuve is not None and villeneuve.department == "11"


def test_with_focus_shares_data(gazetteer: Gazetteer) -> None:
    focused = gazetteer.with_focus([CARCASSONNE])
    assert focused._data is gazetteer._data
    assert gazetteer.focus == ()


# -- issue 10, parts F and G: misspelt towns, contracted articles, words that are no place --


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("besoin de riz a narbone", "Narbonne"),
        ("pain auchan perpignant 80 baguettes", "Perpignan"),
        ("viande a prendre avant mercredi, millaud", "Millau"),
        ("cherche un transpalette depot trebe", "Trèbes"),
        ("montluson : 200kg de pommes de terre", "Montluçon"),
        ("c pr lepicerie de castelsarazin", "Castelsarrasin"),
        ("leclerc castelnaudari 3 palettes", "Castelnaudary"),
        ("on passe par vichi jeudi", "Vichy"),
    ],
)
def test_a_misspelt_town_is_read_by_its_sound(gazetteer: Gazetteer, text: str, name: str) -> None:
    commune = gazetteer.find_in(text)
    assert commune is not None and commune.name == name


@pytest.mark.parametrize(
    "text",
    [
        "qq1 aurait 20 kg de farine pr demain",  # « aurait » sounds like Auray
        "a enlever avant le 8 janvier",  # « avant », Avanne-Aveney
        "nous avons des biscuits en trop",  # « avons », Avon
        "si une asso veut stocker des trucs au frais",  # Frais, refused as the word
        "par le plus grand des hasards, un peu de café",
        "il nous faut des sacs cabas pour la distribution",
    ],
)
def test_everyday_words_are_not_misspelt_towns(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find_in(text) is None


def test_an_exact_name_wins_over_a_sound() -> None:
    gazetteer = load_gazetteer()
    commune = gazetteer.find_in("narbone ou plutot carcassonne")
    assert commune is not None and commune.name == "Carcassonne"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("2 transpalettes au depot du havre", "Le Havre"),
        ("on a 2 camions qui bougent pas lundi au havre", "Le Havre"),
        ("distribution du Havre samedi", "Le Havre"),
        ("livraison aux sables d'olonne", "Les Sables-d'Olonne"),
    ],
)
def test_a_name_after_a_contracted_article(gazetteer: Gazetteer, text: str, name: str) -> None:
    commune = gazetteer.find_in(text)
    assert commune is not None and commune.name == name


@pytest.mark.parametrize(
    "text",
    [
        "merci à celles et ceux qui se sont proposés",
        "some baby food jars please",
        "we still need shampoo",
        "this is our last box",
    ],
)
def test_pronouns_and_english_words_are_no_place(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find_in(text) is None


# -- issue 10 (tune10b), part H: a town said by the first words of its name --


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("on a du fromage pour les étudiants de clermont", "Clermont-Ferrand"),
        ("besoin de 10 kg de riz à Clermont", "Clermont-Ferrand"),
        ("distribution au puy jeudi, il manque du lait", "Le Puy-en-Velay"),
        ("3 cagettes de poires à donner, aix", "Aix-en-Provence"),
    ],
)
def test_a_town_said_short_beats_the_village_of_that_name(
    gazetteer: Gazetteer, text: str, name: str
) -> None:
    commune = gazetteer.find_in(text)
    assert commune is not None and commune.name == name


def test_a_village_said_short_stays_the_village_near_the_network(gazetteer: Gazetteer) -> None:
    oise = gazetteer.with_focus([(49.38, 2.41)])  # beside Clermont (Oise)
    commune = oise.find_in("besoin de 10 kg de riz à Clermont")
    assert commune is not None and commune.department == "60"
    assert gazetteer.find("Clermont-Ferrand") is not None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ici le secours catholique de mer, on cherche du lait", "Mer"),
        ("la banque alimentaire du puy cherche deux chauffeurs", "Le Puy-en-Velay"),
        ("le secours populaire de don a besoin de pâtes", "Don"),
    ],
)
def test_a_commune_after_a_networks_local_branch(
    gazetteer: Gazetteer, text: str, name: str
) -> None:
    commune = gazetteer.find_in(text)
    assert commune is not None and commune.name == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("côté frais on est à sec : beurre et lait, c'est pour Bayeux", "Bayeux"),
        ("rien côté sec, mais des yaourts à donner à Vire", "Vire Normandie"),
    ],
)
def test_an_everyday_word_after_cote_is_no_place(
    gazetteer: Gazetteer, text: str, name: str
) -> None:
    commune = gazetteer.find_in(text)
    assert commune is not None and commune.name == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("comme dit à la réunion, on a 30 kg de riz à donner", None),
        ("ramasse au port lundi, on cherche un camion frigo", None),
        ("rendez-vous au parc pour la distribution, besoin de bras", None),
        ("des pommes à donner au puy, à prendre jeudi", "Le Puy-en-Velay"),
    ],
)
def test_an_everyday_noun_with_its_article_after_a_is_no_place(
    gazetteer: Gazetteer, text: str, name: str | None
) -> None:
    commune = gazetteer.find_in(text)
    assert (commune.name if commune else None) == name
