"""Whatever a member types, the bot answers once, kindly, and never with an internal error."""

from __future__ import annotations

import random

import pytest

from handlers.texts import t
from tests.network import Network

NASTY = [
    "",
    " ",
    "/",
    "//",
    "/prendre",
    "/prendre #",
    "/prendre 0",
    "/prendre 99999999999999999999",
    "/prendre 1 1e308 kg",
    "/prendre 1 NaN",
    "/prendre 1 -0",
    "/prendre 1 0,0001 kg",
    "/fait 1 ∞",
    "/annuler -1",
    "/corriger 1 \x00\x01",
    "/besoin",
    "/don 🍝🍝🍝",
    "/materiel ???",
    "/urgent <script>alert(1)</script>",
    "/liste ' OR 1=1 --",
    "/inviter",
    "/langue 🇫🇷",
    "/digest 99h99",
    "/alerte",
    "/start",
    "/lier 123",
    "prendre 1 2 3 4 5",
    "fait #",
    "besoin de " + "riz " * 2000,
    "💩" * 500,
    "\u202e\u202d renversé",
    "Ω≈ç√∫˜µ≤≥÷ 日本語 العربية",
    "le 31/02 besoin de lait",
    "DLC 00/00/0000 yaourts à donner",
    "/don 1e9 kg de pommes",
    "/besoin -5 kg de riz",
    "%s %d {0} {name}",
    "\n\n\n",
    "/PRENDRE 1",
    "/Matériel cherche camion",
]


def random_texts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words = [
        "besoin",
        "don",
        "prendre",
        "fait",
        "12",
        "kg",
        "/",
        "#",
        "à",
        "demain",
        "é",
        "🍎",
        "<",
        "&",
        "'",
        '"',
        "le",
        "31/02",
        "-3",
        "urgent",
        "Narbonne",
        "\t",
        "annuler",
    ]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(count)]


@pytest.mark.parametrize("text", NASTY + random_texts(40))
async def test_any_message_gets_one_kind_answer(network: Network, text: str) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude", role="coordinator")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    await network.say("alice", "/don 10 kg de pommes à Carcassonne")
    replies = await network.say("bob", text)
    assert len(replies) >= 1, f"no answer to {text!r}"
    apology = t("fr", "internal_error")
    assert all(apology not in reply for reply in replies), f"internal error on {text!r}"
    assert all(0 < len(reply) <= 4000 for reply in replies)
