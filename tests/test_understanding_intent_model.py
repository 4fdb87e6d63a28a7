"""The learned intent signal (handlers/understanding/intent_model.py) and how the parser
combines it with the rules (parser.LEARNED, docs/understanding.md). The sentences here are
written for this test, not taken from the corpus."""

from __future__ import annotations

import ast
import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest

from handlers.understanding import Gazetteer, intent_model, parser, understand
from handlers.understanding.intent_model import (
    DATA,
    IntentModel,
    feature_counts,
    features,
    from_json,
    word_features,
)
from handlers.understanding.model import INTENTS
from handlers.understanding.text import fold, readable

NOW = datetime.fromisoformat("2026-12-01T09:00:00+01:00")


def folded(text: str) -> str:
    return fold(readable(text)).text


def test_the_shipped_model_loads_once_is_small_and_knows_every_intent() -> None:
    model = intent_model.intent_model()
    assert model is intent_model.intent_model()
    assert set(model.classes) == set(INTENTS)
    assert DATA.stat().st_size < 1_000_000
    assert len(model.weights) > 1000


def test_the_inference_needs_no_numpy_nor_scikit_learn() -> None:
    source = Path(intent_model.__file__).read_text(encoding="utf-8")
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if name.split(".")[0] in {"numpy", "sklearn"}}


def test_scores_are_probabilities_and_deterministic() -> None:
    model = intent_model.intent_model()
    text = folded("Bonjour, il nous reste 12 cagettes de poireaux à donner avant samedi")
    first = model.scores(text)
    assert first == model.scores(text)
    assert sum(first.values()) == pytest.approx(1.0)
    assert all(0.0 <= p <= 1.0 for p in first.values())
    # A fresh copy of the same weights (no memo yet) says the same.
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        fresh = from_json(json.load(f))
    assert fresh.scores(text) == pytest.approx(first)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("on aurait besoin de farine et de sucre pour l'atelier gâteaux de jeudi", "need"),
        ("nous manquons de lait demi-écrémé, une vingtaine de litres serait top", "need"),
        ("il nous reste 15 kg de pommes de terre à donner, à récupérer demain", "offer"),
        ("surplus de yaourts aux fruits, 40 pots, DLC dimanche, qui est intéressé", "offer"),
        (
            "on cherche un véhicule frigorifique pour une tournée mercredi matin",
            "equipment_request",
        ),
        (
            "notre chambre froide a de la place la semaine prochaine si ça dépanne",
            "equipment_offer",
        ),
        ("je prends l'annonce 31, on passe vers 15h", "claim"),
        ("c'est bon pour le 27, tout a été récupéré ce matin", "done"),
        ("merci d'annuler notre demande 14, on a trouvé ailleurs", "cancel"),
        ("c'est quoi les dons dispo en ce moment ?", "list"),
        ("comment on fait pour publier une annonce ?", "help"),
        ("merci beaucoup à toute l'équipe, belle journée à vous", "unknown"),
    ],
)
def test_clear_cases_of_every_class(text: str, intent: str) -> None:
    assert intent_model.intent_model().best(folded(text))[0] == intent


def test_the_features_a_message_is_trained_on_are_those_read() -> None:
    """Training reads `feature_counts`; inference sums per-word vectors and pairs. Both must
    give the same scores."""
    model = intent_model.intent_model()
    text = folded("Salut ! on a 3 palettes d'eau en trop, #12 réglé, ça intéresse qui ?")
    counts = feature_counts(text)
    _words, marks, _ = features(text)
    assert "s:q_end" in marks and "s:post_ref" in marks and "s:number" in marks
    assert "w:palette" not in counts and "w:palettes" in counts
    assert all(f in counts for f in word_features("palettes"))
    logits = list(model.intercepts)
    for name, value in counts.items():
        for k, w in enumerate(model.weights.get(name, ())):
            logits[k] += w * value
    best = max(range(len(logits)), key=lambda k: logits[k])
    assert model.best(text)[0] == model.classes[best]


def test_an_empty_model_reads_nothing_and_never_raises() -> None:
    model = IntentModel(("need", "offer"), (0.0, 0.0), {})
    assert model.scores("") == {"need": 0.5, "offer": 0.5}


COMMANDS = [
    "/besoin 20 kg de riz pour vendredi",
    "/don 3 cagettes de pommes",
    "/prendre 12",
    "/fait 12",
    "/annuler 4",
    "/liste",
    "/aide",
    "/materiel camion frigo samedi",
    "/inconnue merci à tous",
    "prendre 12",
    "fait 7",
]


@pytest.mark.parametrize("text", COMMANDS)
def test_commands_are_never_read_by_the_model(text: str, gazetteer: Gazetteer) -> None:
    with_model = understand(text, NOW, gazetteer)
    saved = parser.LEARNED
    try:
        parser.LEARNED = None
        rules_alone = understand(text, NOW, gazetteer)
    finally:
        parser.LEARNED = saved
    assert with_model == rules_alone


def test_commands_are_never_read_even_by_a_model_that_always_disagrees(
    gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    contrary = IntentModel(INTENTS, tuple(10.0 if i == "help" else 0.0 for i in INTENTS), {})
    monkeypatch.setattr(intent_model, "intent_model", lambda: contrary)
    for text in COMMANDS:
        assert understand(text, NOW, gazetteer).intent != "help" or "aide" in text
    # Free text, by contrast, is overridden where the rules are unsure (a help read by the
    # model needs a message that asks: `parser._asked_if_a_question`).
    assert understand("bof, on verra bien ?", NOW, gazetteer).intent == "help"
    assert understand("bof, on verra bien", NOW, gazetteer).intent != "help"


def test_combination_overrides_only_unsure_readings() -> None:
    policy = parser.LearnedPolicy(
        override=0.6, override_post=0.6, keep_above=1.01, override_firm=1.01, doubt_below=0.3
    )
    sure_help = {i: (0.9 if i == "help" else 0.1 / 9) for i in INTENTS}
    # An unknown reading, or a post not certain, takes the model's confident intent.
    wired = parser.LearnedPolicy()
    assert wired.override < 1 and wired.override_post < 1 < wired.override_firm  # as wired
    assert parser.combine_intent("unknown", True, sure_help, policy) == ("help", False)
    assert parser.combine_intent("need", False, sure_help, policy) == ("help", False)
    # A certain reading stays, but a post the model finds unlikely loses its certainty.
    assert parser.combine_intent("claim", True, sure_help, policy) == ("claim", False)
    assert parser.combine_intent("need", True, sure_help, policy) == ("need", True)
    # A post the model reads where the rules read nothing is always confirmed by its writer.
    sure_offer = {i: (0.9 if i == "offer" else 0.1 / 9) for i in INTENTS}
    assert parser.combine_intent("unknown", True, sure_offer, policy) == ("offer", True)
    # An unsure model changes nothing.
    flat = dict.fromkeys(INTENTS, 0.1)
    assert parser.combine_intent("unknown", True, flat, policy) == ("unknown", False)


def test_an_unsure_post_the_model_still_finds_likely_is_kept() -> None:
    policy = parser.LearnedPolicy(override_post=0.6, keep_above=0.2)
    leaning_help = {i: (0.7 if i == "help" else 0.25 if i == "need" else 0.05 / 8) for i in INTENTS}
    assert parser.combine_intent("need", False, leaning_help, policy)[0] == "need"
    unlikely = {i: (0.7 if i == "help" else 0.1 if i == "need" else 0.2 / 8) for i in INTENTS}
    assert parser.combine_intent("need", False, unlikely, policy) == ("help", False)


def test_the_model_acts_on_a_post_only_when_a_post_number_is_written(
    gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A claim, done or cancel acts at once (no confirmation): the model may read one only
    with a post number in the message, and at ``override_action``."""
    policy = parser.LearnedPolicy(override=0.6, override_action=0.95)
    sure_claim = {i: (0.9 if i == "claim" else 0.1 / 9) for i in INTENTS}
    assert parser.combine_intent("unknown", True, sure_claim, policy, True) == ("unknown", False)
    policy = parser.LearnedPolicy(override=0.6, override_action=0.5)
    assert parser.combine_intent("unknown", True, sure_claim, policy, True) == ("claim", False)
    assert parser.combine_intent("unknown", True, sure_claim, policy, False) == ("unknown", False)
    claiming = IntentModel(INTENTS, tuple(10.0 if i == "claim" else 0.0 for i in INTENTS), {})
    monkeypatch.setattr(intent_model, "intent_model", lambda: claiming)
    assert understand("bof, on verra bien", NOW, gazetteer).intent == "unknown"
    # « 12 » alone may answer a question (a menu's choice, an amount): no post is named.
    assert understand("12", NOW, gazetteer).intent == "unknown"
    read = understand("bof, on verra pour l'annonce 12", NOW, gazetteer)
    assert (read.intent, read.post_ref) == ("claim", 12)
    assert understand("on verra pour le 12", NOW, gazetteer).post_ref == 12


def test_a_post_the_model_doubts_is_confirmed_not_published(
    gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "on a besoin de 20 kg de riz pour vendredi"
    assert understand(text, NOW, gazetteer).certain
    doubting = IntentModel(INTENTS, tuple(10.0 if i == "unknown" else 0.0 for i in INTENTS), {})
    monkeypatch.setattr(intent_model, "intent_model", lambda: doubting)
    doubted = understand(text, NOW, gazetteer)
    assert doubted.intent == "need" and not doubted.certain and "intent" in doubted.guessed
    assert doubted.category == "epicerie_seche" and doubted.quantity == 20


# -- issue 10, third round: what the model may not read where the rules read nothing ----------


@pytest.mark.parametrize(
    "text", ["des trucs", "des guirlandes à donner pour noël", "du riz, des pâtes", "Limoux"]
)
def test_the_model_reads_no_list_or_help_in_a_phrase_that_asks_nothing(
    gazetteer: Gazetteer, text: str
) -> None:
    assert understand(text, NOW, gazetteer).intent not in {"list", "help"}


@pytest.mark.parametrize(
    "text", ["c quoi les annonces du jour", "il reste des trucs a recup demain ?", "can I see"]
)
def test_a_phrase_that_asks_may_be_a_list_or_help(text: str) -> None:
    msg = parser._read_message(text)
    assert parser._asked_if_a_question("list", msg)


@pytest.mark.parametrize("text", ["Limoux", "des pâtes", "Carcassonne svp", "ok merci"])
def test_the_model_makes_no_post_of_a_place_or_goods_alone(gazetteer: Gazetteer, text: str) -> None:
    assert understand(text, NOW, gazetteer).intent == "unknown"
    assert not parser._says_a_post(parser._read_message(text))
