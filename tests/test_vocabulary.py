"""One command vocabulary (handlers/understanding/vocabulary.py): the dispatcher accepts every
word of it, the parser reads each word as its command, /aide names the canonical commands, and
no other module keeps its own list of command words."""

from __future__ import annotations

import ast
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.dispatch import Dispatcher
from handlers.listing import parse_list_args
from handlers.texts import t
from handlers.understanding import INTENTS, Understanding, load_gazetteer, understand
from handlers.understanding.vocabulary import LISTED_WHEN_ALONE, VOCABULARY, CommandWords
from tests.network import Network

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
GAZETTEER = load_gazetteer()
# A dispatcher's command finding needs only its table.
DISPATCHER = Dispatcher(None, None, None, None)  # type: ignore[arg-type]

# What follows each command in the tests, by what the parser reads from it.
ARGUMENTS = {
    "request": "10 kg de riz pour vendredi",
    "urgent": "plus de lait infantile",
    "offer": "4 cagettes de tomates",
    "equipment": "cherche un camion frigo jeudi",
    "claim": "12",
    "done": "12",
    "cancel": "12",
    "list": "",
    "help": "",
}
READ = [(entry, word) for entry in VOCABULARY if entry.reads_as for word in entry.words]


def parsed(text: str) -> Understanding:
    return understand(text, NOW, GAZETTEER)


def agrees(reading: str, understood: Understanding) -> bool:
    """Whether the parser's reading is what the command means."""
    expected = {
        "request": {"need", "equipment_request"},
        "urgent": {"need", "equipment_request"},
        "offer": {"offer", "equipment_offer"},
        "equipment": {"equipment_request", "equipment_offer"},
    }.get(reading, {reading})
    if understood.intent not in expected:
        return False
    if reading == "urgent" and not understood.urgent:
        return False
    return reading not in {"claim", "done", "cancel"} or understood.post_ref == 12


def test_the_vocabulary_reads_as_intents_or_directions() -> None:
    directions = {"request", "urgent", "offer", "equipment"}
    assert {e.reads_as for e in VOCABULARY if e.reads_as} <= set(INTENTS) | directions


@pytest.mark.parametrize(("entry", "word"), READ, ids=lambda x: getattr(x, "name", x))
def test_every_word_is_accepted_by_the_dispatcher_and_read_alike_by_the_parser(
    entry: CommandWords, word: str
) -> None:
    text = f"/{word} {ARGUMENTS[entry.reads_as or '']}".strip()
    found = DISPATCHER.find_command(text, True)
    assert found is not None and found[0] is not None and found[0].name == entry.name
    assert entry.reads_as is not None and agrees(entry.reads_as, parsed(text))


@pytest.mark.parametrize("entry", [e for e in VOCABULARY if not e.reads_as], ids=lambda e: e.name)
def test_other_commands_are_the_dispatchers_and_never_a_post(entry: CommandWords) -> None:
    for word in entry.words:
        found = DISPATCHER.find_command(f"/{word} 12", True)
        assert found is not None and found[0] is not None and found[0].name == entry.name
        assert parsed(f"/{word} 12").intent == "unknown"


@pytest.mark.parametrize(
    ("typed", "name"),
    [("/Matériel camion", "materiel"), ("/ÉQUIPEMENT", "materiel"), ("/Offre", "don"),
     ("/besoins", "besoin"), ("/demande", "besoin"), ("/prendre@boucle_bot 3", "prendre")],
)  # fmt: skip
def test_case_accents_and_bot_suffix_do_not_matter(typed: str, name: str) -> None:
    found = DISPATCHER.find_command(typed, True)
    assert found is not None and found[0] is not None and found[0].name == name


BARE = [
    (entry, word)
    for entry in VOCABULARY
    if entry.reads_as and entry.name != "start"  # `start` needs an invite code: see below
    for word in entry.bare_words
]


@pytest.mark.parametrize(("entry", "word"), BARE, ids=lambda x: getattr(x, "name", x))
def test_bare_words_are_commands_for_both(entry: CommandWords, word: str) -> None:
    text = f"{word} 12" if entry.bare == "post_number" else word
    found = DISPATCHER.find_command(text, True)
    assert found is not None and found[0] is not None and found[0].name == entry.name
    assert entry.reads_as is not None and agrees(entry.reads_as, parsed(text))


@pytest.mark.parametrize("text", ["prends 2 cagettes du 12", "livre 12 cartons demain"])
def test_everyday_verbs_are_not_bare_commands(text: str) -> None:
    assert DISPATCHER.find_command(text, True) is None


def test_a_post_head_without_slash_reads_as_its_command() -> None:
    assert parsed("don 4 cagettes de tomates").intent == "offer"
    assert parsed("surplus 3 cartons de yaourts").intent == "offer"
    assert parsed("materiel cherche un diable").intent == "equipment_request"


def test_list_filters_are_the_posting_commands_words() -> None:
    for word, kinds in [("demande", ("need",)), ("offre", ("offer",)), ("Matériel", None)]:
        request = parse_list_args(word)
        assert request is not None
        assert kinds is None or request.kinds == kinds


def test_help_names_the_canonical_commands_only() -> None:
    help_fr = t("fr", "help") + t("fr", "help_coordinator") + t("fr", "help_members")
    help_fr += t("fr", "help_equipment") + t("fr", "help_equipment_coordinator")  # issue 14
    help_fr += t("fr", "help_bilan") + t("fr", "help_export")
    help_fr += t("fr", "help_more_member") + t("fr", "help_more_coordinator")
    member_commands = {"besoin", "don", "materiel", "urgent", "prendre", "fait", "annuler",
                       "corriger", "liste", "mes"}  # fmt: skip
    named = set(re.findall(r"/([a-z]+)", help_fr))
    assert member_commands <= named
    canonical = {entry.name for entry in VOCABULARY}
    assert named <= canonical, f"/aide shows non-canonical words: {named - canonical}"


# Modules that route or read commands: none keeps a command word of its own (the canonical
# names, which key the handlers and the rights table, and intent names are allowed).
ROUTING_MODULES = ["handlers/understanding/parser.py", "handlers/understanding/refs.py",
                   "handlers/commands.py", "handlers/listing.py", "bot/dispatch.py"]  # fmt: skip


def string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


# Words that are also free-text cues, used there as such (« 12 livré », « l'offre 12 »).
FREE_TEXT_CUES = {"handlers/understanding/refs.py": {"livre", "recupere"}}


@pytest.mark.parametrize("module", ROUTING_MODULES)
def test_no_module_keeps_its_own_command_words(module: str) -> None:
    allowed = {e.name for e in VOCABULARY} | set(INTENTS) | {"request", "equipment", "urgent"}
    allowed |= FREE_TEXT_CUES.get(module, set())
    synonyms = {word for entry in VOCABULARY for word in entry.synonyms} - allowed
    repeated = string_constants(ROOT / module) & synonyms
    assert not repeated, f"{module} repeats command words: {sorted(repeated)}"


def test_the_repetition_check_sees_a_word_list(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('WORDS = dict.fromkeys(("besoin", "besoins", "demande"), "request")\n')
    assert {"besoins", "demande"} <= string_constants(sample)


@pytest.mark.parametrize("word", sorted(LISTED_WHEN_ALONE))
def test_a_posting_plural_alone_asks_for_the_list_and_with_words_posts(word: str) -> None:
    assert understand(f"/{word}", NOW, GAZETTEER).intent == "list"
    assert understand(f"/{word.upper()} ?", NOW, GAZETTEER).intent == "list"
    posted = understand(f"/{word} 30 kg de riz pour vendredi", NOW, GAZETTEER)
    assert posted.intent in {"need", "offer", "equipment_request", "equipment_offer"}
    assert parse_list_args(word) is not None  # the dispatcher lists that kind
    singular = understand(f"/{word.rstrip('s')}", NOW, GAZETTEER).intent
    assert word.rstrip("s") in LISTED_WHEN_ALONE or singular != "list"


async def test_besoins_alone_lists_the_needs_through_the_dispatcher(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude", "Carcassonne")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    await network.say("alice", "/besoin 30 kg de riz pour vendredi")
    await network.say("alice", "/don 10 kg de pommes")
    listed = await network.say("bob", "/besoins")
    assert "riz" in listed[0] and "pommes" not in listed[0]
    posted = await network.say("bob", "/besoins 5 kg de sucre")
    assert "#3" in posted[0]
