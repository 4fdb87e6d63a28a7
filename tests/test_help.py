"""`/aide`: one short message of the everyday commands, with where the rest is; each area
(coordination, figures, shared equipment, group purchases) on demand, `/aide SECTION`."""

from __future__ import annotations

import re

import pytest

from handlers.listing import HELP_SECTION_WORDS, HELP_SECTIONS
from handlers.texts import t
from tests.network import Network

BANQUE = "Banque Alimentaire de l'Aude"
# A phone screen shows ~15 lines of ~45 characters before scrolling: the first answer stays
# within two screens whoever asks.
SHORT = 1_400


async def two_people(network: Network) -> None:
    await network.join("carla", BANQUE, role="coordinator")
    await network.join("marc", BANQUE)
    network.take_inbox("carla")
    network.take_inbox("marc")


@pytest.mark.parametrize("user", ["carla", "marc"])
async def test_the_first_answer_is_short_and_says_where_the_rest_is(
    network: Network, user: str
) -> None:
    await two_people(network)
    [answer] = await network.say(user, "/aide")
    assert len(answer) < SHORT, len(answer)
    assert answer.startswith(t("fr", "help").split("\n")[0])
    assert "/aide materiel" in answer and "/aide achats" in answer
    assert ("/aide coordination" in answer) == (user == "carla")


@pytest.mark.parametrize("section", sorted(HELP_SECTIONS))
async def test_each_section_answers_a_coordinator(network: Network, section: str) -> None:
    await two_people(network)
    [answer] = await network.say("carla", f"/aide {section}")
    keys = HELP_SECTIONS[section].everyone + HELP_SECTIONS[section].coordinators
    assert answer == "\n".join(t("fr", key) for key in keys)


async def test_a_member_is_told_a_coordinators_section_is_not_theirs(network: Network) -> None:
    await two_people(network)
    for section in ("coordination", "chiffres"):
        [answer] = await network.say("marc", f"/aide {section}")
        assert answer == t("fr", "help_section_coordinators")
    [equipment] = await network.say("marc", "/aide materiel")
    assert equipment == t("fr", "help_equipment"), "the lender's part is for coordinators"


@pytest.mark.parametrize("words", ["/aide Matériel", "/aide BILAN", "/help achats", "/aide export"])
async def test_sections_open_whatever_the_case_accents_or_synonym(
    network: Network, words: str
) -> None:
    await two_people(network)
    [answer] = await network.say("carla", words)
    assert not answer.startswith(t("fr", "help").split("\n")[0])


async def test_an_unknown_section_gets_the_first_answer(network: Network) -> None:
    await two_people(network)
    [answer] = await network.say("marc", "/aide n'importe quoi")
    assert answer == t("fr", "help") + "\n" + t("fr", "help_more_member")


def test_every_section_word_opens_a_known_section() -> None:
    assert set(HELP_SECTION_WORDS.values()) == set(HELP_SECTIONS)
    for key in ("help_more_member", "help_more_coordinator"):
        # What the help tells to type opens a section, in both languages.
        for lang in ("fr", "en"):
            shown = re.findall(r"/aide (\w+)", t(lang, key))
            assert shown and all(HELP_SECTION_WORDS.get(word) for word in shown), (key, shown)
