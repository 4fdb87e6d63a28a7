"""Issue 10, item 5: a relay shows the structured headline and, under it, the writer's own
words (without the command), shortened past a sensible length, and left out when they add
nothing. Urgent alerts' template variable carries them too, on one line.

Alice (Banque Alimentaire de l'Aude) posts; Bob (Restos du Cœur Narbonne) receives the relays.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from handlers.posts import TEMPLATE_VARIABLE_LENGTH, relay_message
from handlers.writer_words import WORDS_LENGTH, shorten, without_command, writer_words
from storage.models import Post
from tests.network import Network

DIRECTIONS = "avant 18h au 3 rue des Lilas, sonner au portail"
TODAY = date(2026, 12, 1)


async def two(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude", "Carcassonne")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    network.take_inbox("alice")
    network.take_inbox("bob")


def relayed(network: Network) -> str:
    [relay] = network.take_inbox("bob")
    return relay


def post(original: str, *, urgent: bool = False, what: str = "courgettes") -> Post:
    return Post(
        id=7,
        kind="offer",
        what=what,
        category="fruits_legumes",
        quantity=20,
        unit="kg",
        deadline=None,
        date_kind=None,
        place="Carcassonne",
        urgent=urgent,
        cold_chain=False,
        status="open",
        author_id=1,
        association_id=1,
        association_name="Banque Alimentaire de l'Aude",
        created_at=datetime(2026, 12, 1, 9, 0),
        claimed=0,
        active_claims=0,
        original_text=original,
    )


class TestTheWordsReachEveryone:
    async def test_a_command_s_extra_words(self, network: Network) -> None:
        await two(network)
        await network.say("alice", f"/don 20 kg de courgettes {DIRECTIONS}")
        relay = relayed(network)
        assert f"« 20 kg de courgettes {DIRECTIONS} »" in relay
        assert "/don" not in relay.split("«")[1]
        # Under the structured line, above how to answer.
        lines = relay.splitlines()
        words = next(i for i, line in enumerate(lines) if DIRECTIONS in line)
        assert "courgettes — 20 kg" in lines[words - 1]
        assert "/prendre" in lines[words + 1]

    async def test_free_text(self, network: Network) -> None:
        await two(network)
        await network.say("alice", f"on donne 20 kg de courgettes, {DIRECTIONS}")
        assert DIRECTIONS in relayed(network)

    async def test_the_answer_to_the_one_question_too(self, network: Network) -> None:
        await two(network)
        await network.say("alice", "/don 30 kg")
        await network.say("alice", "des pâtes, à récupérer avant midi")
        relay = relayed(network)
        assert "« 30 kg des pâtes, à récupérer avant midi »" in relay

    async def test_words_that_add_nothing_are_not_repeated(self, network: Network) -> None:
        await two(network)
        await network.say("alice", "/don 20 kg de pommes")
        relay = relayed(network)
        assert "«" not in relay
        assert "pommes — 20 kg" in relay

    async def test_a_long_text_is_shortened_at_a_word(self, network: Network) -> None:
        await two(network)
        long = f"/don 20 kg de courgettes {DIRECTIONS}, " + "puis la deuxième porte " * 30
        await network.say("alice", long)
        relay = relayed(network)
        words = relay.split("« ")[1].split(" »")[0]
        assert words.endswith("…") and len(words) <= WORDS_LENGTH
        assert DIRECTIONS in words
        assert words[:-1].endswith(("porte", "deuxième", "la", "puis"))


class TestWriterWords:
    @pytest.mark.parametrize(
        ("original", "words"),
        [
            ("/besoin 30 kg de riz", "30 kg de riz"),
            ("/besoin@boucle_bot 30 kg de riz", "30 kg de riz"),
            ("/don\ndes yaourts", "des yaourts"),
            ("on a du riz", "on a du riz"),
            ("  /don  ", ""),
        ],
    )
    def test_without_the_command(self, original: str, words: str) -> None:
        assert without_command(original) == words

    def test_lines_become_one(self) -> None:
        assert writer_words("/don 30 kg\ndes yaourts\n\nDLC lundi", "x") == (
            "30 kg des yaourts DLC lundi"
        )

    @pytest.mark.parametrize(
        ("original", "headline"),
        [
            ("/besoin riz", "riz — Carcassonne"),
            ("/don 20 kg de pommes", "pommes — 20 kg — Carcassonne"),
            ("/don 20 KG de Pommes !", "pommes — 20 kg"),
            ("/besoin de céleris", "céleris — Narbonne"),
        ],
    )
    def test_nothing_added(self, original: str, headline: str) -> None:
        assert writer_words(original, headline) == ""

    def test_one_word_more_is_shown(self) -> None:
        assert writer_words("/besoin de céleris-raves", "céleris — Narbonne") == (
            "de céleris-raves"
        )

    def test_shorten(self) -> None:
        assert shorten("un deux trois", 20) == "un deux trois"
        cut = shorten("un deux trois quatre", 12)
        assert cut == "un deux…" and len(cut) <= 12
        # One long word: cut inside it rather than show nothing.
        assert shorten("a" * 50, 10) == "a" * 9 + "…"


class TestUrgentTemplate:
    def test_the_variable_carries_the_words_on_one_line(self) -> None:
        message = relay_message(
            post(f"/urgent 20 kg de courgettes\n{DIRECTIONS}", urgent=True), "fr", TODAY
        )
        [variable] = message.template_variables
        assert DIRECTIONS in variable
        assert "\n" not in variable and "\t" not in variable and "     " not in variable
        assert variable.startswith("#7 courgettes — 20 kg")

    def test_the_variable_stays_within_its_limit(self) -> None:
        words = " ".join(["sonner"] * 200)
        message = relay_message(post(words, urgent=True, what="x" * 120), "fr", TODAY)
        [variable] = message.template_variables
        assert len(variable) <= TEMPLATE_VARIABLE_LENGTH

    def test_not_urgent_has_no_template(self) -> None:
        message = relay_message(post(DIRECTIONS), "fr", TODAY)
        assert message.template_variables == ()
        assert DIRECTIONS in message.text
