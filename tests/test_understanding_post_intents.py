"""Issue 10: the direction and family of a post, by classes of phrasing (messages of our own,
not the corpus's): spare capacity offered to another association, another's need said by who
offers, goods named beside the depot that holds them, needs typed in a hurry, and questions or
reports that name goods or resources without being posts."""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.understanding import Gazetteer, understand

NOW = datetime.fromisoformat("2026-03-02T10:00:00+01:00")


def intent_of(text: str, gazetteer: Gazetteer) -> str:
    return understand(text, NOW, gazetteer).intent


# What « we » can do for another association, without « prête », « dispo » or « propose ».
SPARE_CAPACITY = [
    "notre fourgon ne roule pas mercredi, il peut servir à une autre association",
    "la chambre froide du local est à moitié vide jusqu'à lundi",
    "nous pouvons accueillir 4 palettes dans notre entrepôt jusqu'à fin mars",
    "trois bénévoles de chez nous peuvent venir donner un coup de main samedi",
    "on a 2 congélateurs qui dorment au garage, si ça sert à quelqu'un",
    "je descends à Béziers vendredi avec la camionnette, je peux ramener des choses pour une asso",
    "nos deux transpalettes ne servent pas en août, on peut les prêter",
    "si une asso a besoin d'un camion jeudi, le nôtre est libre",
    "l'autoclave tourne au ralenti ce mois-ci, si vous avez des tomates à mettre en bocaux",
]


@pytest.mark.parametrize("text", SPARE_CAPACITY)
def test_spare_capacity_is_an_equipment_offer(text: str, gazetteer: Gazetteer) -> None:
    assert intent_of(text, gazetteer) == "equipment_offer"


# « si une asso a besoin de… » is said by the one who gives: an offer, not a need.
@pytest.mark.parametrize(
    "text",
    [
        "si une association a besoin de pommes, on en a 40 kg",
        "on a trop de yaourts cette semaine, si quelqu'un en a besoin",
        "20 kg de carottes, qui en a besoin ?",
    ],
)
def test_anothers_need_said_by_who_offers_is_an_offer(text: str, gazetteer: Gazetteer) -> None:
    assert intent_of(text, gazetteer) == "offer"


# Pallets, crates and the depot that holds them are the goods' unit and address, not the post.
@pytest.mark.parametrize(
    "text",
    [
        "Entrepôt de Béziers : 5 palettes de compotes à donner",
        "12 cartons de biscuits à enlever avant mardi. Dépôt de Sète.",
        "nous avons 3 palettes de lait à partager, à enlever avant jeudi",
        "l'épicerie de Bram donne 15 kg de courgettes",
    ],
)
def test_goods_beside_their_depot_are_goods(text: str, gazetteer: Gazetteer) -> None:
    assert intent_of(text, gazetteer) == "offer"


@pytest.mark.parametrize(
    "text",
    [
        "besion de 12 kg de farine pour lundi",
        "bsoin de lait pour mardi",
        "on est à court de lait infantile",
        "il nous en faudrait une vingtaine de kilos de riz",
        "PLUS DE CAFÉ !! Restos de Limoux",
        "need 10 kg de sucre asap",
        "les Restos n'ont presque plus de conserves de poisson",
    ],
)
def test_needs_typed_in_a_hurry_are_needs(text: str, gazetteer: Gazetteer) -> None:
    assert intent_of(text, gazetteer) == "need"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("il nous manquerait trois bénévoles pour dimanche", "equipment_request"),
        ("on cherche du monde pour trier vendredi", "equipment_request"),
        ("besoin d'un 12m3 mardi pour déménager le stock", "equipment_request"),
        ("notre frigo est vide : on cherche du beurre et des œufs", "need"),
    ],
)
def test_the_family_is_what_the_main_cue_names(
    text: str, intent: str, gazetteer: Gazetteer
) -> None:
    assert intent_of(text, gazetteer) == intent


# A report in the past, a question for information, a question to a person: not a post, even
# when goods or a resource are named.
@pytest.mark.parametrize(
    "text",
    [
        "vous avez bien reçu les cagettes de poires ?",
        "quelqu'un a vu le camion frigo ce matin ?",
        "avez-vous pensé à fermer la chambre froide hier ?",
        "qui a pris les cartons de lait ce matin ?",
        "qqn a le numéro du chauffeur de la Croix-Rouge ?",
        "combien de kg de pommes vous avez distribués en mars ?",
        "savez-vous si le local de Bram est ouvert samedi ?",
        "quelqu'un peut me rappeler pour la ramasse de demain ?",
    ],
)
def test_reports_and_questions_for_information_are_not_posts(
    text: str, gazetteer: Gazetteer
) -> None:
    assert intent_of(text, gazetteer) == "unknown"


# Help offered on a post by its number answers that post: not a new offer of volunteers.
@pytest.mark.parametrize("text", ["on peut venir aider pour le 7", "nous pouvons aider sur le 12"])
def test_help_offered_on_a_post_is_not_spare_capacity(text: str, gazetteer: Gazetteer) -> None:
    assert intent_of(text, gazetteer) != "equipment_offer"
