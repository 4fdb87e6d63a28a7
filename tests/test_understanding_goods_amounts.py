"""Which goods a post is about and which amount is theirs (issue 10): the first goods named
decide, an amount may come after the goods or through « en », packages count their content,
a resource's count is its own, and what is only the setting (a shop, an occasion, what broke)
is not the thing posted."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.understanding import Gazetteer, understand

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def _read(gazetteer: Gazetteer, text: str, *keys: str) -> tuple[object, ...]:
    got = understand(text, NOW, gazetteer).to_contract()
    return tuple(got[k] for k in keys)


# -- several goods: the first named is the post; the same goods listed twice are added -----


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("à donner 15 kg de navets et 5 kg de radis", 15, "kg"),
        ("on cherche 3 l d'huile + 2 l de vinaigre", 3, "l"),
        ("dispo : 1 t de carottes, 2 t de patates, sous 48h", 1000, "kg"),
        ("besoin de 4 cartons de lait et 6 cartons de yaourts", 4, "carton"),
    ],
)
def test_other_goods_named_after_are_not_added(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (quantity, unit)


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("à donner 12 kg + 8 kg de courgettes", 20),
        ("dispo 3 cartons de yaourts nature et 2 cartons de yaourts aux fruits", 5),
        ("on a 10 kg de pommes golden + 5 kg de pommes gala en trop", 15),
    ],
)
def test_amounts_of_the_same_goods_listed_together_are_one_post(
    gazetteer: Gazetteer, text: str, quantity: float
) -> None:
    assert _read(gazetteer, text, "quantity")[0] == quantity


# -- an amount after the goods, announced, approximate or through the pronoun « en » -------


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("qui aurait des bocaux de confiture ? on en voudrait 25", 25, "unite"),
        ("des crêpes en trop, on en a 35 à donner", 35, "unite"),
        ("il nous faudrait des clémentines, il en faut CINQUANTE pour la fête", 50, "unite"),
        ("reçu 10 cartons de lait ce matin, on en propose 4 aux assos", 4, "carton"),
        ("12 palettes d'eau arrivées, il en reste 5 pour le réseau", 5, "palette"),
        ("des fromages blancs à donner, au moins 60", 60, "unite"),
        ("besoin de petits pains pour le goûter, une cinquantaine", 50, "unite"),
        ("surplus de quiches 😋 une quinzaine ce soir", 15, "unite"),
        ("on a des wraps de la cantine : 30, à prendre avant 14h", 30, "unite"),
    ],
)
def test_an_amount_stated_after_the_goods_is_theirs(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (quantity, unit)


@pytest.mark.parametrize(
    "text",
    [
        "on a des pommes, on en parle jeudi à 2 à la réunion",
        "besoin de riz pour 30 familles",
        "des yaourts dispo, rdv au 12 rue des Lilas",
    ],
)
def test_a_bare_number_that_announces_no_amount_is_not_the_quantity(
    gazetteer: Gazetteer, text: str
) -> None:
    assert _read(gazetteer, text, "quantity")[0] is None


# -- packages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("à donner 20 packs de 6 yaourts", 120, "unite"),
        ("5 boîtes de 12 œufs dispo", 60, "unite"),
        ("dispo lait demi-écrémé 1L x6, Sigean", 6, "l"),
        ("à donner sauce tomate 500 g x 10", 5, "kg"),
    ],
)
def test_packs_count_what_they_hold(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (quantity, unit)


def test_an_article_before_repas_is_an_occasion_not_one_meal(gazetteer: Gazetteer) -> None:
    text = "après un repas de noël annulé, 80 parts de tarte à donner"
    assert _read(gazetteer, text, "quantity", "unit") == (80, "unite")


# -- resources: the count of the resource the post is about --------------------------------


@pytest.mark.parametrize(
    ("text", "category", "quantity"),
    [
        ("on a 4 benevolles libres samedi pour une autre asso", "benevoles", 4),
        ("besoin d'un diable et 3 bras pour vider le camion", "manutention", None),
        ("cherche 3 bénévoles et un camion pour la collecte", "benevoles", 3),
    ],
)
def test_a_resource_count_belongs_to_the_first_resource(
    gazetteer: Gazetteer, text: str, category: str, quantity: float | None
) -> None:
    assert _read(gazetteer, text, "category", "quantity") == (category, quantity)


# -- the setting is not the thing posted ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("l'épicerie solidaire de Sigean a 15 kg de carottes à donner", "fruits_legumes"),
        ("notre épicerie manque de savon et de dentifrice", "hygiene"),
        ("une épicerie nous a laissé des yaourts en trop", "produits_laitiers"),
        ("besoin de 30 kg d'épicerie sèche", "epicerie_seche"),
        ("on prépare le repas des bénévoles, il faudrait du jambon", "viande_poisson_oeufs"),
    ],
)
def test_a_shop_or_an_occasion_is_not_the_goods(
    gazetteer: Gazetteer, text: str, category: str
) -> None:
    assert _read(gazetteer, text, "category")[0] == category


@pytest.mark.parametrize(
    ("text", "intent", "category"),
    [
        ("la remorque est HS, on cherche une camionnette demain", "equipment_request", "vehicule"),
        (
            "congélateur en panne, on cherche un fourgon frigorifique pour 200 kg de viande",
            "equipment_request",
            "vehicule_frigo",
        ),
        (
            "notre chauffeur est malade, qui pourrait prêter un camion samedi ?",
            "equipment_request",
            "vehicule",
        ),
    ],
)
def test_what_broke_is_not_what_is_asked_for(
    gazetteer: Gazetteer, text: str, intent: str, category: str
) -> None:
    assert _read(gazetteer, text, "intent", "category") == (intent, category)


# -- categories of some goods ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("à donner 30 boîtes de rillettes", "conserves"),
        ("dispo 50 pots de confiture en verre", "conserves"),
        ("besoin de sandwitches pour la maraude", "plats_prepares"),
        ("on a de la pâtée pour chats en trop", "autre"),
        ("besoin de croquettes pour chiens", "autre"),
        ("on cherche de la lessive, 5 bidons", "hygiene"),
        ("à donner 20 kg de pâtes, 5 kg de riz et des conserves", "epicerie_seche"),
        ("viande hachée en trop (surgelée), 10 kg", "surgeles"),
    ],
)
def test_category_of_the_first_goods_and_how_they_are_kept(
    gazetteer: Gazetteer, text: str, category: str
) -> None:
    assert _read(gazetteer, text, "category")[0] == category


@pytest.mark.parametrize(
    ("text", "cold"),
    [
        ("à donner 40 briques de lait UHT, pas besoin de froid", False),
        ("à donner 40 briques de lait, pas de frigo chez nous", True),
        ("à donner 40 yaourts", True),
    ],
)
def test_goods_said_to_keep_without_cold_have_no_cold_chain(
    gazetteer: Gazetteer, text: str, cold: bool
) -> None:
    assert _read(gazetteer, text, "cold_chain")[0] is cold


# -- issue 10, parts F and G: goods, amounts and days named in English or Spanish ----------


@pytest.mark.parametrize(
    ("text", "category", "quantity", "unit"),
    [
        ("we have 20 kg of apples to give, pick up before thursday", "fruits_legumes", 20, "kg"),
        (
            "we got 3 cartons of yogurts, too many for us, à donner",
            "produits_laitiers",
            3,
            "carton",
        ),
        ("we need ready meals for the exam week, like 30 meals", "plats_prepares", 30, "repas"),
        ("we're out of toilet paper and soap, need like 60 rolls", "hygiene", 60, "unite"),
        ("need baby stuff: nappies size 3 and baby food", "bebe", None, None),
        ("necesitamos leche, 30 litros, para el jueves", "produits_laitiers", 30, "l"),
        ("we need rice, 15 kg if possible", "epicerie_seche", 15, "kg"),
        ("we have canned tomatoes, 90 tins, à donner", "conserves", 90, "unite"),
    ],
)
def test_goods_in_english_or_spanish(
    gazetteer: Gazetteer, text: str, category: str, quantity: float | None, unit: str | None
) -> None:
    assert _read(gazetteer, text, "category", "quantity", "unit") == (category, quantity, unit)


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("we have canned tomatoes à donner before 20 July", "2027-07-20"),
        ("necesitamos leche para el jueves", "2026-12-03"),
        ("on a besoin de lait pour le 8 january", "2027-01-08"),
    ],
)
def test_days_in_english_or_spanish(gazetteer: Gazetteer, text: str, deadline: str) -> None:
    assert _read(gazetteer, text, "deadline") == (deadline,)


@pytest.mark.parametrize(
    "text",
    [
        "besoin de bénévoles car beaucoup partent en vacances",  # « car »: because
        "le CCAS de Saint-Flour cherche des conserves",  # « flour » inside a town
    ],
)
def test_french_words_are_not_read_as_english(gazetteer: Gazetteer, text: str) -> None:
    got = understand(text, NOW, gazetteer).to_contract()
    assert got["category"] != "vehicule"
    assert got["category"] != "epicerie_seche" or "Flour" not in text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("notre minibus est libre samedi si une asso en a besoin", "vehicule"),
        ("besoin d'un porteur frigo 19 t pour mercredi", "vehicule_frigo"),
        ("cherche transpal electrique pr jeudi", "manutention"),
        ("on a une salle sèche qui ne sert pas, pour une asso qui manque de place", "stockage"),
        ("le quai est libre jeudi, on peut dépanner une asso", "stockage"),
        ("depot : place pour 4 palettes au froid jusqu'a jeudi", "stockage_froid"),
        ("on cherche deux personnes de bonne volonté pour décharger", "benevoles"),
    ],
)
def test_resources_named_by_the_trade(gazetteer: Gazetteer, text: str, category: str) -> None:
    assert _read(gazetteer, text, "category") == (category,)


# -- issue 10 (tune10): amounts written in shorthand, sizes per container, news figures --------


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("on a une 20aine de courges à donner", 20, "unite"),
        ("besoin d'une 15aine de boîtes de thon", 15, "unite"),
        ("dispo une 50aine de kilos de patates", 50, "kg"),
        ("une 10aine de cartons de lait en trop", 10, "carton"),
    ],
)
def test_sms_approximate_counts(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (quantity, unit)


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("à donner 30 cartons de pommes (8 kg/carton)", 240, "kg"),
        ("on donne 12 sacs de farine, 5 kg par sac", 60, "kg"),
        ("6 bidons d'huile, 2 l chacun, à donner", 12, "l"),
        ("besoin de 20 packs de lait (6 l/pack)", 120, "l"),
        ("à donner 200 plaquettes de 125 g", 25, "kg"),
        ("on cherche 24 bouteilles d'un litre de jus", 24, "l"),
        ("à donner 10 barquettes de hachis de 2 kg", 20, "kg"),
    ],
)
def test_a_size_per_container_makes_the_total(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (quantity, unit)


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("besoin de couches taille 3 x40", 40, "unite"),
        ("/besoin couches T4 x 25 Lens", 25, "unite"),
        ("lait 1er âge 12 boîtes à donner", 12, "unite"),
        ("besoin de lait 2e âge, 6 boîtes", 6, "unite"),
    ],
)
def test_a_count_after_a_size_or_an_age(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (quantity, unit)


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("collecte finie, 2 tonnes récoltées ! il nous manque 30 kg de sucre", 30, "kg"),
        ("800 repas servis ce mois, merci ; besoin de 50 kg de riz", 50, "kg"),
        ("on a 0 lait pour demain, 20 litres svp", 20, "l"),
        ("1,2 t collectée samedi, on donne 200 kg de pâtes en trop", 200, "kg"),
    ],
)
def test_a_figure_of_a_report_or_a_zero_is_not_the_amount(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (quantity, unit)


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("dispo 40 kg de poivrons + 10 kg de couregttes", 40),  # the second misspelt
        ("à donner 15 kg de topinanbours + 5 kg de panais", 15),
        ("besoin de 20 kg + 15 kg de riz", 35),  # the same goods: added
        ("on donne 8 kg + 4 kg de clémentines", 12),
    ],
)
def test_a_sum_is_of_the_same_goods_only(gazetteer: Gazetteer, text: str, quantity: float) -> None:
    assert _read(gazetteer, text, "quantity") == (quantity,)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("on n'a pas besoin de pâtes mais de lait, 20 litres", "produits_laitiers"),
        ("pas besoin de fruits ms de savon svp, Albi", "hygiene"),
        ("pas de pain cette fois, par contre il nous faut du fromage", "produits_laitiers"),
        ("il nous reste pas de légumes mais 30 yaourts à donner", "produits_laitiers"),
        ("plus besoin de riz, en revanche on cherche de l'huile", "epicerie_seche"),
        ("plus de riz en stock, mais aussi de l'huile", "epicerie_seche"),  # riz is needed
        ("plus besoin de conserves mais de légumes frais", "fruits_legumes"),
    ],
)
def test_goods_denied_before_a_contrast_are_not_the_post(
    gazetteer: Gazetteer, text: str, category: str
) -> None:
    """Issue 10 (tune10): « pas besoin de X mais de Y »: the post is about Y."""
    assert _read(gazetteer, text, "category") == (category,)


# -- issue 10 (tune10b): the part of a lot that is offered ---------------------------------


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        (
            "La mairie a reçu 600 kg de carottes d'un maraîcher, nous proposons 200 kg au réseau",
            200,
            "kg",
        ),
        (
            "3 tonnes de pommes livrées hier, on en donne une partie, 800 kg, à prendre au dépôt",
            800,
            "kg",
        ),
        ("On a récupéré 150 sandwichs ce midi. Nous en cédons 60 sandwichs aux assos", 60, "unite"),
        ("120 repas préparés pour la fête, on vous propose 40 repas pour ce soir", 40, "repas"),
    ],
)
def test_the_part_offered_of_a_lot_received_is_the_amount(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    assert _read(gazetteer, text, "intent", "quantity", "unit") == ("offer", quantity, unit)


# -- issue 10 (tune10b): English posts' goods, units and times -------------------------------


@pytest.mark.parametrize(
    ("text", "category", "quantity", "unit"),
    [
        ("we have 6 crates of strawberries to give away", "fruits_legumes", 6, "cagette"),
        ("3 crates of mushrooms left, free for any asso", "fruits_legumes", 3, "cagette"),
        ("we need volunteers x3 for saturday morning", "benevoles", 3, "personne"),
        ("2 pallets of bananas free, pick up tomorrow", "fruits_legumes", 2, "palette"),
        ("we need water, 50 bottles for the maraude", "boissons", 50, "unite"),
        ("necesitamos agua, 30 litros para el viernes", "boissons", 30, "l"),
    ],
)
def test_english_goods_and_units(
    gazetteer: Gazetteer, text: str, category: str, quantity: float, unit: str
) -> None:
    assert _read(gazetteer, text, "category", "quantity", "unit") == (category, quantity, unit)


@pytest.mark.parametrize(
    "text", ["we'll take post 12, coming at 6pm", "on prend le 12, on passe vers 9am"]
)
def test_an_english_time_is_no_amount(gazetteer: Gazetteer, text: str) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (None, None)


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("à donner 120 bouteilles d'eau 1,5 L, avant vendredi", 180),
        ("on cherche 24 briques de lait 1L pour la distribution", 24),
        ("dispo 10 bidons d'huile 5 litres", 50),
        ("40 canettes de soda 33cl à donner", 13.2),
    ],
)
def test_bottles_of_a_stated_volume_count_their_content(
    gazetteer: Gazetteer, text: str, quantity: float
) -> None:
    got = _read(gazetteer, text, "quantity", "unit")
    assert got[0] == pytest.approx(quantity) and got[1] == "l"


# -- issue 10 (tune10b): an amount corrected, a message of earlier today -----------------------


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        (
            "pardon je me suis trompée c'est pas trente kilos mais quinze de farine qu'il faut",
            15,
            "kg",
        ),
        ("correction : non pas 3 cartons mais 5 cartons de lait à donner", 5, "carton"),
        ("on cherche du riz, pas 10 kg mais plutôt 20 pour samedi", 20, "kg"),
    ],
)
def test_a_corrected_amount_is_the_one_after_mais(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (quantity, unit)


@pytest.mark.parametrize(
    "text",
    [
        "je reprends mon message de tout à l'heure : il nous faut du sucre pour jeudi",
        "le pain de ce matin est à donner avant jeudi",
    ],
)
def test_earlier_today_told_of_is_no_deadline(gazetteer: Gazetteer, text: str) -> None:
    assert _read(gazetteer, text, "deadline") == ("2026-12-03",)


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("we have like ninety tins of beans to give away", 90, "unite"),
        ("twenty-five meals left from the party, free tonight", 25, "repas"),
        ("need two hundred and fifty kg of rice for the food bank", 250, "kg"),
        ("we need twelve volunteers for saturday", 12, "personne"),
    ],
)
def test_english_number_words(gazetteer: Gazetteer, text: str, quantity: float, unit: str) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (quantity, unit)


@pytest.mark.parametrize(
    ("text", "intent", "category"),
    [
        ("the student restaurant gives 20 kg of carrots", "offer", "fruits_legumes"),
        ("the bakery gives 40 croissants, pick up before 6pm", "offer", "boulangerie"),
        ("on a 5 kg de thé à donner", "offer", "epicerie_seche"),
        ("thé vert, café : à donner avant jeudi", "offer", "epicerie_seche"),
        (
            "we are 3 students, we can help with the distribution on friday",
            "equipment_offer",
            "benevoles",
        ),
        ("2 students free to help with the sorting on saturday", "equipment_offer", "benevoles"),
    ],
)
def test_english_the_is_no_tea_and_help_offered(
    gazetteer: Gazetteer, text: str, intent: str, category: str
) -> None:
    assert _read(gazetteer, text, "intent", "category") == (intent, category)


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        (
            "reçu 3 palettes de jus, c'est trop pour nous : une palette est à donner avant lundi",
            1,
            "palette",
        ),
        (
            "livraison de 800 kg de carottes, on en garde un peu, le reste (500 kg) est à prendre",
            500,
            "kg",
        ),
        ("on a 6 cagettes de tomates, 45 kg au total, à donner ce soir", 45, "kg"),
        ("il nous faut 300 g de levure... bon en fait 3 kg, pour jeudi", 3, "kg"),
        ("on cherche 100 repas, on sera 30 bénévoles au total", 100, "repas"),
    ],
)
def test_the_amount_a_message_says_is_the_posts(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    assert _read(gazetteer, text, "quantity", "unit") == (quantity, unit)
