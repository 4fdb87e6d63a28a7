"""A month of transfers between four associations, written through the real commands, and what
its export must say, computed by hand (issue 13): a partial claim, a corrected figure, a
withdrawn claim, two withdrawn posts (one after a part was collected), cartons, cagettes and
repas converted, both directions (offers taken, needs filled), and the edges of the month in
the network's time zone.

Default equivalents (handlers/equivalents.py): 1 carton = 10 kg, 1 cagette = 8 kg,
1 repas = 0.5 kg.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tests.network import Network

PARIS = ZoneInfo("Europe/Paris")

BANQUE = "Banque Alimentaire de l'Aude"
RESTOS = "Restos du Cœur Narbonne"
EPICERIE = "Épicerie solidaire de Limoux"
CCAS = "CCAS de Quillan"
CROIX_ROUGE = "Croix-Rouge de Castelnaudary"


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


# After the month: `/export mois` is December 2026.
EXPORT_DAY = at(1, 5, 9, year=2027)


async def december(network: Network) -> None:
    """Alice (coordinator) and Eve (member) of the Banque, Bob (coordinator) of the Restos,
    Carla of the Épicerie, Dan of the CCAS, Ada an administrator of the Croix-Rouge."""
    network.clock.set(at(11, 30, 20))
    await network.join("alice", BANQUE, "Carcassonne", "coordinator")
    await network.join("eve", BANQUE, "Carcassonne")
    await network.join("bob", RESTOS, "Narbonne", "coordinator")
    await network.join("carla", EPICERIE, "Limoux")
    await network.join("dan", CCAS, "Quillan")
    await network.join("ada", CROIX_ROUGE, "Castelnaudary", "admin")

    async def say(user: str, text: str, moment: datetime | None = None) -> None:
        if moment is not None:
            network.clock.set(moment)
        replies = await network.say(user, text)
        assert replies, text

    # #1, claim 1: done at 23:30 on 30 November in Paris (22:30 UTC): November's.
    await say("alice", "/don 12 kg de pommes à Carcassonne", at(11, 30, 22))
    await say("bob", "/prendre 1")
    await say("bob", "/fait 1", at(11, 30, 23, 30))
    # #2: Bob takes 10 kg (claim 2), Carla 20 kg (claim 3). Bob says 10, Carla collects only
    # 15 of her 20 (partial); next day Alice corrects Bob's figure to 8 kg (still 1 December's).
    await say("alice", "/don 30 kg de pommes à Carcassonne", at(12, 1, 10))
    await say("bob", "/prendre 2 10 kg")
    await say("carla", "/prendre 2 20 kg")
    await say("bob", "/fait 2", at(12, 1, 11))
    await say("carla", "/fait 2 15 kg", at(12, 1, 12))
    await say("alice", "/fait 2 8 kg Restos", at(12, 2, 9))
    # #3, claim 4: a need filled: the Épicerie gives the Restos 20 kg of rice.
    await say("bob", "/besoin 20 kg de riz pour vendredi", at(12, 2, 10))
    await say("carla", "/prendre 3")
    await say("carla", "/fait 3", at(12, 2, 15))
    # #4, claim 5: 4 cagettes of tomatoes, Épicerie → CCAS: 32 kg.
    await say("carla", "/don 4 cagettes de tomates à Limoux", at(12, 3, 10))
    await say("dan", "/prendre 4")
    await say("dan", "/fait 4", at(12, 3, 11))
    # #5, claim 6: a need of 40 repas filled by the CCAS for the Banque: 20 kg.
    await say("alice", "/besoin 40 repas pour samedi", at(12, 3, 12))
    await say("dan", "/prendre 5")
    await say("dan", "/fait 5", at(12, 3, 16))
    # #6, claim 7: taken, then the post is withdrawn: nothing.
    await say("alice", "/don 10 kg de carottes à Carcassonne", at(12, 4, 9))
    await say("bob", "/prendre 6")
    await say("alice", "/annuler 6")
    # #7: Carla's claim 8 withdrawn, then Dan takes all 3 cartons (claim 9): Restos → CCAS.
    await say("bob", "/don 3 cartons de conserves à Narbonne", at(12, 4, 10))
    await say("carla", "/prendre 7")
    await say("carla", "/annuler 7")
    await say("dan", "/prendre 7")
    await say("dan", "/fait 7", at(12, 4, 17))
    # #8, claim 10: 10 kg collected, then the post withdrawn: a withdrawn post does not count.
    await say("alice", "/don 50 kg de pain à Carcassonne", at(12, 5, 9))
    await say("dan", "/prendre 8 10 kg")
    await say("dan", "/fait 8", at(12, 5, 10))
    await say("alice", "/annuler 8", at(12, 5, 11))
    # #9, claim 11: done at 23:30 on 31 December in Paris: December's.
    await say("dan", "/don 5 kg de pain à Quillan", at(12, 31, 22))
    await say("bob", "/prendre 9")
    await say("bob", "/fait 9", at(12, 31, 23, 30))
    # #10, claim 12: done at 00:30 on 1 January in Paris (23:30 UTC on 31 December): January's.
    await say("carla", "/don 6 kg de pommes à Limoux", at(1, 1, 0, 10, year=2027))
    await say("alice", "/prendre 10")
    await say("alice", "/fait 10", at(1, 1, 0, 30, year=2027))
    network.clock.set(EXPORT_DAY)
    for user in ("alice", "eve", "bob", "carla", "dan", "ada"):
        network.take_inbox(user)


FRUITS = "fruits et légumes"
# December's transfers, in order: date, giver, receiver, what, category, quantity, unit, kilos,
# post, claim.
DECEMBER: list[tuple[date, str, str, str, str, float, str, float, int, int]] = [
    (date(2026, 12, 1), BANQUE, RESTOS, "pommes", FRUITS, 8, "kg", 8, 2, 2),
    (date(2026, 12, 1), BANQUE, EPICERIE, "pommes", FRUITS, 15, "kg", 15, 2, 3),
    (date(2026, 12, 2), EPICERIE, RESTOS, "riz", "épicerie sèche", 20, "kg", 20, 3, 4),
    (date(2026, 12, 3), EPICERIE, CCAS, "tomates", FRUITS, 4, "cagette", 32, 4, 5),
    (date(2026, 12, 3), CCAS, BANQUE, "repas", "plats préparés", 40, "repas", 20, 5, 6),
    (date(2026, 12, 4), RESTOS, CCAS, "conserves", "conserves", 3, "carton", 30, 7, 9),
    (date(2026, 12, 31), CCAS, RESTOS, "pain", "boulangerie", 5, "kg", 5, 9, 11),
]
DECEMBER_KILOS = 8 + 15 + 20 + 32 + 20 + 30 + 5  # 130
CONVERSIONS = "1 carton = 10 kg ; 1 cagette = 8 kg ; 1 repas = 0,5 kg"


def rows_of(association: str) -> list[tuple[date, str, str, str, str, float, str, float, int, int]]:
    return [row for row in DECEMBER if association in (row[1], row[2])]
