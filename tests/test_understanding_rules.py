"""The parser's pipeline, rule by rule: each intent rule of `parser.INTENT_RULES` alone, then
their order (the contract's: a command, an action on a post, a question, a post)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.understanding import load_gazetteer, understand
from handlers.understanding import parser as p

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
GAZETTEER = load_gazetteer()

# (rule, message, what it reads: intent and post number, or None when the rule declines)
CASES = [
    (p._commanded_action, "/prendre 12 10 kg", ("claim", 12)),
    (p._commanded_action, "/fait #7", ("done", 7)),
    (p._commanded_action, "/annuler 3 kg", ("cancel", None)),  # a quantity, not a post
    (p._commanded_action, "/don 4 cagettes", None),
    (p._commanded_question, "/liste", ("list", None)),
    (p._commanded_question, "/aide", ("help", None)),
    (p._commanded_question, "/besoin de riz", None),
    (p._commanded_post, "/besoin 10 kg de riz", ("need", None)),
    (p._commanded_post, "/don un congélateur", ("equipment_offer", None)),
    (p._commanded_post, "/materiel on prête un diable", ("equipment_offer", None)),
    (p._commanded_post, "/materiel cherche un camion", ("equipment_request", None)),
    (p._commanded_post, "on a besoin de riz", None),
    (p._free_how_to, "comment on fait pour le 12 ?", ("help", None)),
    (p._free_how_to, "comment je mets une offre ?", ("help", None)),
    (p._free_how_to, "je prends le 12", None),
    (p._free_action, "je prends le 12", ("claim", 12)),
    (p._free_action, "21 récupéré merci", ("done", 21)),
    (p._free_action, "annule le 4 svp", ("cancel", 4)),
    (p._free_action, "/prendre 12", None),  # the command's, not the free reading's
    (p._free_action, "on a 30 kg de pommes en trop", None),
    (p._free_question, "qu'est-ce qu'il y a en ce moment ?", ("list", None)),
    (p._free_question, "comment ça marche ?", ("help", None)),
    (p._free_question, "besoin de lait", None),
    (p._free_chat, "vous avez bien reçu les pâtes ?", ("unknown", None)),
    (p._free_chat, "merci pour les 20 kg de pommes hier !", ("unknown", None)),
    (p._free_chat, "on a besoin de riz pour jeudi", None),
    (p._free_post, "bjr on aurait besoin de riz", ("need", None)),
    (p._free_post, "yaourts en trop", ("offer", None)),
    (p._free_post, "on cherche un camion frigo", ("equipment_request", None)),
    (p._free_post, "merci beaucoup", None),
]


@pytest.mark.parametrize(
    ("rule", "text", "expected"), CASES, ids=lambda x: getattr(x, "__name__", x)
)
def test_each_intent_rule_alone(rule: object, text: str, expected: tuple[str, int | None]) -> None:
    reading = rule(p._read_message(text))  # type: ignore[operator]
    got = None if reading is None else (reading.intent, reading.post_ref)
    assert got == expected


def test_every_intent_rule_is_tested() -> None:
    assert {rule for rule, _, _ in CASES} == set(p.INTENT_RULES)


def test_the_urgent_command_says_urgent() -> None:
    reading = p._commanded_post(p._read_message("/urgent lait infantile"))
    assert reading is not None and reading.urgent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("on annule le 4, qu'est-ce qu'il y a ?", "cancel"),  # an action before a question
        ("quels sont les besoins de riz ?", "list"),  # a question before a post
        ("/liste des besoins de riz", "list"),  # a command before the free reading
        ("bonjour ! /don 3 cartons de lait", "offer"),  # a greeting before the command
    ],
)
def test_the_rules_order(text: str, intent: str) -> None:
    assert understand(text, NOW, GAZETTEER).intent == intent


def test_read_message_puts_a_greeting_and_the_command_aside() -> None:
    msg = p._read_message("Bonjour, /besoin 10 kg de riz")
    assert msg.command is not None and msg.command.kind == "request"
    assert msg.body.strip() == "10 kg de riz"
    assert msg.cues.request == 0  # the command gives the direction, not a cue word


def test_a_post_lacks_what_it_does_not_say() -> None:
    assert understand("/besoin urgent", NOW, GAZETTEER).missing == ("what",)
    assert understand("/prendre", NOW, GAZETTEER).missing == ("post_ref",)
