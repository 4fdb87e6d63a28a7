"""A fixed scenario for the indicators (issue 13), played through the real dispatcher: two
months of three associations, whose figures the tests compute by hand.

A = Banque Alimentaire de l'Aude (alice, coordinator; ada, network administrator; marc, member)
B = Restos du Cœur Narbonne (bob, coordinator)
C = Épicerie solidaire de Limoux (carla, coordinator)
D = CCAS de Quillan (dora, coordinator): only in the cancelled post

October 2026 (the previous period):
  #1 A offers 50 kg of apples; B takes and collects them                  A→B 50 kg
  #2 B needs 20 kg of rice; C takes it 2 hours later and delivers         C→B 20 kg

November 2026 (the period):
  #3 A offers 4 cartons of tins; B collects 4, A corrects it to 3          A→B 3 cartons = 30 kg
  #4 B needs 30 repas; A takes 5 at +15 min then withdraws its claim (cancelled claim);
     C takes 10 at +30 min and delivers them: partly filled               C→B 10 repas = 5 kg
  #5 C needs 20 kg of infant milk, urgent; B takes it 1 hour later, delivers (filled)
                                                                           B→C 20 kg
  #6 C offers 10 L of milk; A collects it                                 C→A 10 L = 10 kg
  #7 B offers 100 kg of potatoes; A takes 40 kg and collects them, D takes 20 kg; then B
     withdraws the post: a cancelled post, nothing of it counts (D's claim is cancelled with
     it; A's completed 40 kg neither, the issue's rule, as the exports read it)
  #8 A offers 6 cagettes of tomatoes nobody takes: it expires (lost)
  #9 B lends its refrigerated van to A from the 10th, 10:00, to the 12th, 15:00: 3 days
  #10 A needs 3 volunteers; C takes it (not back yet: days unknown)
  #11 B needs 15 kg of flour: nobody answers

The bilan is asked on Tuesday 1 December 2026 (the test clock's start): last month, November.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from zoneinfo import ZoneInfo

from storage import posts
from tests.network import Network

PARIS = ZoneInfo("Europe/Paris")
A = "Banque Alimentaire de l'Aude"
B = "Restos du Cœur Narbonne"
C = "Épicerie solidaire de Limoux"
D = "CCAS de Quillan"
ASKED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS)


async def play(network: Network) -> None:
    """The scenario, then the clock back to 1 December 09:00."""
    say = network.say
    network.clock.set(at(10, 1, 9))
    await network.join("alice", A, "Carcassonne", "coordinator")
    await network.join("ada", A, "Carcassonne", "admin")
    await network.join("marc", A, "Carcassonne", "member")
    await network.join("bob", B, "Narbonne", "coordinator")
    await network.join("carla", C, "Limoux", "coordinator")
    await network.join("dora", D, "Quillan", "coordinator")

    # October.
    network.clock.set(at(10, 6, 10))
    await expect(say("alice", "/don 50 kg de pommes à Carcassonne pour vendredi"), "#1")
    await expect(say("bob", "/prendre 1"), "C'est noté")
    await expect(say("bob", "/fait 1"), "50 kg")
    await expect(say("bob", "/besoin 20 kg de riz pour vendredi"), "#2")
    network.clock.set(at(10, 6, 12))
    await expect(say("carla", "/prendre 2"), "C'est noté")
    await expect(say("carla", "/fait 2"), "20 kg")

    # November.
    network.clock.set(at(11, 3, 9))
    await expect(say("alice", "/don 4 cartons de conserves à Carcassonne, avant le 20/11"), "#3")
    await expect(say("bob", "/prendre 3"), "C'est noté")
    await expect(say("bob", "/fait 3"), "4 carton")
    await expect(say("alice", "/fait 3 3"), "3 carton")
    await expect(say("bob", "/besoin 30 repas pour samedi"), "#4")
    network.clock.set(at(11, 3, 9, 15))
    await expect(say("alice", "/prendre 4 5"), "C'est noté")
    await expect(say("alice", "/annuler 4"), "#4")
    network.clock.set(at(11, 3, 9, 30))
    await expect(say("carla", "/prendre 4 10"), "C'est noté")
    await expect(say("carla", "/fait 4"), "10 repas")
    network.clock.set(at(11, 3, 11))
    await expect(say("carla", "/urgent 20 kg de lait infantile pour demain"), "#5")
    network.clock.set(at(11, 3, 12))
    await expect(say("bob", "/prendre 5"), "C'est noté")
    await expect(say("bob", "/fait 5"), "20 kg")
    await expect(say("carla", "/don 10 L de lait à Limoux pour vendredi"), "#6")
    await expect(say("alice", "/prendre 6"), "C'est noté")
    await expect(say("alice", "/fait 6"), "10 L")
    await expect(say("bob", "/don 100 kg de pommes de terre à Narbonne pour jeudi"), "#7")
    await expect(say("alice", "/prendre 7 40"), "C'est noté")
    await expect(say("alice", "/fait 7"), "40 kg")
    await expect(say("dora", "/prendre 7 20"), "C'est noté")
    await expect(say("bob", "/annuler 7"), "#7")
    await expect(say("alice", "/don 6 cagettes de tomates à Carcassonne pour jeudi"), "#8")
    network.clock.set(at(11, 6, 10))
    async with network.db.transaction() as conn:  # what the scheduler does (handlers/reminders)
        await posts.set_post_status(conn, 8, "expired", None, network.clock.now(), "expired")
    await expect(say("bob", "/materiel on prête notre camion frigo"), "#9")
    network.clock.set(at(11, 10, 10))
    await expect(say("alice", "/prendre 9"), "C'est noté")
    network.clock.set(at(11, 12, 15))
    await expect(say("alice", "/fait 9"), "#9")
    await expect(say("alice", "/materiel besoin de 3 bénévoles samedi"), "#10")
    await expect(say("carla", "/prendre 10"), "C'est noté")
    await expect(say("bob", "/besoin 15 kg de farine pour lundi"), "#11")

    network.clock.set(ASKED_AT)
    for user in ("alice", "ada", "marc", "bob", "carla", "dora"):
        network.take_inbox(user)


async def expect(replies: Awaitable[list[str]], part: str) -> None:
    """A step of the scenario did what it says (else the figures would be of another story)."""
    found = await replies
    assert any(part in reply for reply in found), (part, found)
