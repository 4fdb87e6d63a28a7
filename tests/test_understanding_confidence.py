"""Issue 10, item 1 (understanding side): free text read as a post is certain only when its
direction is clear, its "what" is known and it is neither a question, nor thanks, nor a report;
a command is always certain. Messages of our own, by class."""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.understanding import Gazetteer, Understanding, understand
from handlers.understanding.model import CERTAIN

NOW = datetime.fromisoformat("2026-03-02T10:00:00+01:00")
POSTS = {"need", "offer", "equipment_request", "equipment_offer"}


def read(text: str, gazetteer: Gazetteer) -> Understanding:
    return understand(text, NOW, gazetteer)


@pytest.mark.parametrize(
    "text",
    [
        "on a besoin de 30 kg de riz pour vendredi",
        "on donne 20 kg de pommes",
        "nous cherchons un camion frigo pour mardi matin",
        "notre chambre froide est libre jusqu'à jeudi, on peut stocker vos yaourts",
        "2 bénévoles dispo samedi pour le tri à Narbonne",
        "surplus de 40 baguettes à donner ce soir",
        "il nous manque du lait infantile, 12 boîtes pour lundi",
    ],
)
def test_a_clear_post_is_certain(text: str, gazetteer: Gazetteer) -> None:
    u = read(text, gazetteer)
    assert u.intent in POSTS and u.certain and u.confidence >= CERTAIN, u
    assert u.guessed == ()


@pytest.mark.parametrize(
    "text",
    [
        "on aurait besoin de riz ?",
        "est-ce que quelqu'un aurait 20 kg de farine pour jeudi",
        "pouvez-vous nous prêter votre camion samedi",
        "qui aurait un transpalette à nous prêter ?",
        "Qui veut des yaourts ? 3 cagettes à prendre ce soir",
    ],
)
def test_a_post_phrased_as_a_question_is_never_certain(text: str, gazetteer: Gazetteer) -> None:
    u = read(text, gazetteer)
    assert u.intent in POSTS and not u.certain and "question" in u.guessed, u


@pytest.mark.parametrize(
    "text",
    [
        "savez-vous si la banque alimentaire a encore des yaourts ?",
        "merci à l'équipe de Bram pour les 30 kg de pommes, super !",
        "un grand merci pour le prêt du camion frigo hier",
        "on a bien reçu les 3 palettes de lait, merci",
        "quelqu'un a récupéré les cagettes vides ce matin ?",
        "bonne journée à tous, la distribution s'est bien passée",
    ],
)
def test_questions_thanks_and_chat_are_never_certain_posts(text: str, gazetteer: Gazetteer) -> None:
    u = read(text, gazetteer)
    assert not (u.intent in POSTS and u.certain), u


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("il reste 20 kg de pommes", "intent"),  # « il reste »: given or lacking?
        ("on a des trucs en trop", "what"),  # goods the lexicon does not know
        ("des guirlandes à donner pour noël", "what"),
        ("20 kg de carottes à donner, merci pour le camion de la semaine dernière", "intent"),
        ("notre frigo est vide : on cherche du beurre", "intent"),  # food or the fridge?
    ],
)
def test_a_guess_is_named_and_not_certain(text: str, field: str, gazetteer: Gazetteer) -> None:
    u = read(text, gazetteer)
    assert u.intent in POSTS and not u.certain and field in u.guessed, u


@pytest.mark.parametrize("text", ["/besoin 30 kg de riz", "/don des jouets ?", "/materiel camion"])
def test_a_command_is_certain(text: str, gazetteer: Gazetteer) -> None:
    u = read(text, gazetteer)
    assert u.confidence == 1.0 and u.guessed == ()
