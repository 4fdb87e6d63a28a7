"""Quiet joins (issue 9): a newcomer is welcomed, their association's coordinators are told (one
line at once, or counted in their next digest: `/arrivees`), nobody else. N joins cost O(N)
messages, and an alert sent while people join still leaves first."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.delivery import Sender
from bot.dispatch import Dispatcher
from handlers.context import NetworkConfig
from handlers.messages import Address, Incoming
from handlers.understanding import Gazetteer
from storage import members, outbox
from storage.db import Database
from storage.models import Role
from tests.network import Network
from tests.scheduled import local, make_post, run_jobs
from tests.test_delivery import FakeTime, TimedChannel

FOOD_BANK = "Banque Alimentaire de l'Aude"
RESTOS = "Restos du Cœur Narbonne"


async def two_associations(network: Network) -> None:
    """Two coordinators and a member in the food bank; a coordinator and a member elsewhere."""
    await network.join("cora", FOOD_BANK, role="coordinator")
    await network.join("cleo", FOOD_BANK, role="coordinator")
    await network.join("max", FOOD_BANK)
    await network.join("bea", RESTOS, "Narbonne", role="coordinator")
    await network.join("ben", RESTOS, "Narbonne")
    for user in ("cora", "cleo", "max", "bea", "ben", "group"):
        network.take_inbox(user)


# ------------------------------------------------------------------ who is told


@pytest.mark.parametrize("role", ["member", "coordinator"])
async def test_a_join_tells_the_newcomer_and_their_coordinators_only(
    network: Network, role: Role
) -> None:
    await two_associations(network)
    replies = await network.join("nina", FOOD_BANK, role=role)
    assert len(replies) == 1 and "Bienvenue Nina" in replies[0]
    line = f"Nina a rejoint {FOOD_BANK} sur Boucle."
    assert network.take_inbox("cora") == [line]
    assert network.take_inbox("cleo") == [line]
    # Not the association's members, not another association, not the network's group.
    for user in ("max", "bea", "ben", "group", "nina"):
        assert network.take_inbox(user) == [], user


async def test_an_association_without_coordinator_hears_nothing(network: Network) -> None:
    for user in ("ana", "bo", "cy"):
        await network.join(user, "Épicerie solidaire de Limoux", "Limoux")
    await network.join("dee", RESTOS, "Narbonne", role="coordinator")
    for user in ("ana", "bo", "cy", "dee", "group"):
        assert network.take_inbox(user) == [], user


async def test_a_join_reads_the_coordinators_not_the_association(
    network: Network, db: Database
) -> None:
    """The statements a join runs do not grow with its association: no loop over members."""

    async def statements_of_one_join(user: str) -> int:
        code = await network.invite(FOOD_BANK)
        seen: list[str] = []
        # The one connection (storage.db); a trace callback counts what SQLite runs.
        await db._conn.set_trace_callback(seen.append)
        try:
            await network.dispatcher.handle(network.incoming(user, f"/start {code}"))
        finally:
            await db._conn.set_trace_callback(None)
        return len(seen)

    await network.join("cora", FOOD_BANK, role="coordinator")
    small = await statements_of_one_join("first")
    for index in range(40):
        await network.join(f"m{index}", FOOD_BANK)
    assert await statements_of_one_join("late") == small


# ------------------------------------------------------------------ /arrivees


@pytest.mark.parametrize(
    ("words", "mode"),
    [
        ("digest", "digest"),
        ("Digest", "digest"),
        ("point", "digest"),
        ("quotidien", "digest"),
        ("direct", "direct"),
        ("DIRECT", "direct"),
        ("directement", "direct"),
        ("immédiat", "direct"),
    ],
)
async def test_arrivees_words(network: Network, words: str, mode: str) -> None:
    await network.join("cora", FOOD_BANK, role="coordinator")
    other = "direct" if mode == "digest" else "digest"
    await network.say("cora", f"/arrivees {other}")
    [reply] = await network.say("cora", f"/arrivées {words}")
    expected = "point quotidien (08:00)" if mode == "digest" else "annoncée à mesure"
    assert expected in reply
    [shown] = await network.say("cora", "/arrivees")
    assert expected in shown


async def test_arrivees_default_usage_and_permission(network: Network) -> None:
    await network.join("cora", FOOD_BANK, role="coordinator")
    await network.join("max", FOOD_BANK)
    [shown] = await network.say("cora", "/arrivees")
    assert "annoncée à mesure" in shown and "/arrivees digest" in shown
    for wrong in ("bof", "off", "12"):
        [usage] = await network.say("cora", f"/arrivees {wrong}")
        assert usage.startswith("Usage : /arrivees direct"), wrong
    [refused] = await network.say("max", "/arrivees digest")
    assert "réservée aux coordinateurs" in refused
    # Since /aide has sections (main, 6a78f1d), /arrivees is in « /aide coordination ».
    [help_text] = await network.say("cora", "/aide coordination")
    assert "/arrivees direct|digest" in help_text
    [member_help] = await network.say("max", "/aide")
    assert "/arrivees" not in member_help


# ------------------------------------------------------------------ in the digest


async def test_digest_choice_holds_the_line_and_the_digest_counts_arrivals_once(
    network: Network,
) -> None:
    await two_associations(network)
    network.clock.advance(timedelta(minutes=5))
    [reply] = await network.say("cora", "/arrivees digest")
    assert "point quotidien (08:00)" in reply
    network.clock.advance(timedelta(minutes=5))
    await network.join("nina", FOOD_BANK)
    await network.join("omar", FOOD_BANK)
    await network.join("zoe", RESTOS, "Narbonne")
    assert network.take_inbox("cora") == [], "the digest choice: nothing at once"
    assert len(network.take_inbox("cleo")) == 2, "the other coordinator kept the line"
    assert network.take_inbox("bea") == [f"Zoe a rejoint {RESTOS} sur Boucle."]
    await make_post(network, "ben", "need", "riz")  # something else to say every morning

    await run_jobs(network, local(2026, 12, 2, 8, 0))
    [digest] = network.take_inbox("cora")
    assert f"👋 Nouveaux membres de {FOOD_BANK}\n2 arrivée(s) : Nina, Omar" in digest
    assert digest.count("Nina") == 1 and "Zoe" not in digest
    [cleo_digest] = network.take_inbox("cleo")
    assert "Nouveaux membres" not in cleo_digest, "told at once: not told again"
    [bea_digest] = network.take_inbox("bea")
    assert "Nouveaux membres" not in bea_digest

    # The next digest counts only who joined since: each arrival is counted once.
    network.clock.set(local(2026, 12, 2, 15, 0))
    await network.join("paul", FOOD_BANK)
    await run_jobs(network, local(2026, 12, 3, 8, 0))
    [digest] = network.take_inbox("cora")
    assert "1 arrivée(s) : Paul" in digest and "Nina" not in digest
    await run_jobs(network, local(2026, 12, 4, 8, 0))
    [digest] = network.take_inbox("cora")
    assert "Nouveaux membres" not in digest


async def test_a_join_at_the_digest_instant_is_counted_in_exactly_one_digest(
    network: Network,
) -> None:
    await network.join("cora", FOOD_BANK, role="coordinator")
    await network.say("cora", "/arrivees digest")
    network.clock.set(local(2026, 12, 2, 8, 0))
    await network.join("early", FOOD_BANK)  # same instant, before the digest
    await run_jobs(network)
    await network.join("late", FOOD_BANK)  # same instant, after it
    network.clock.advance(timedelta(days=1))
    await run_jobs(network)
    digests = network.take_inbox("cora")
    assert sum(d.count("Early") for d in digests) == 1
    assert sum(d.count("Late") for d in digests) == 1


async def test_a_big_intake_is_a_number_and_a_few_names(network: Network) -> None:
    await network.join("cora", FOOD_BANK, role="coordinator")
    network.clock.advance(timedelta(minutes=1))
    await network.say("cora", "/arrivees digest")
    for index in range(15):
        network.clock.advance(timedelta(minutes=1))
        await network.join(f"new{index:02d}", FOOD_BANK)
    assert network.take_inbox("cora") == []
    network.clock.advance(timedelta(minutes=1))
    digest = (await network.say("cora", "/digest"))[0]
    assert "15 arrivée(s) : New00, New01," in digest
    assert "New09 et 5 autre(s)" in digest and "New10" not in digest


async def test_choosing_the_digest_again_loses_no_arrival(network: Network) -> None:
    await network.join("cora", FOOD_BANK, role="coordinator")
    network.clock.advance(timedelta(minutes=1))
    await network.say("cora", "/arrivees digest")
    network.clock.advance(timedelta(minutes=1))
    await network.join("nina", FOOD_BANK)
    network.clock.advance(timedelta(minutes=1))
    await network.say("cora", "/arrivees point")  # the same choice, said again
    network.clock.advance(timedelta(minutes=1))
    assert "1 arrivée(s) : Nina" in (await network.say("cora", "/digest"))[0]


async def test_digest_choice_with_the_digest_stopped_is_told_at_once(network: Network) -> None:
    await network.join("cora", FOOD_BANK, role="coordinator")
    await network.say("cora", "/digest off")
    [reply] = await network.say("cora", "/arrivees digest")
    assert "il est arrêté" in reply and "/digest 8h" in reply
    await network.join("nina", FOOD_BANK)
    assert network.take_inbox("cora") == [f"Nina a rejoint {FOOD_BANK} sur Boucle."]
    await network.say("cora", "/digest 7h")
    await network.join("omar", FOOD_BANK)
    assert network.take_inbox("cora") == []


# ------------------------------------------------------------------ a thousand joins


JOINS = 1000
ALERT_AFTER = 500
# Joins reach the dispatcher in bursts; the sender drains between bursts (it is woken on each
# commit in production). The alert lands in the middle of one.
BURST = 10
ROWS_PER_JOIN = 3


def start_message(number: int, code: str) -> Incoming:
    return Incoming(
        address=Address("telegram", str(100_000 + number)),
        message_id=f"join-{number}",
        text=f"/start {code}",
        received_at=START_OF_INTAKE,
        display_name=f"Bénévole {number}",
    )


START_OF_INTAKE = local(2026, 12, 1, 18, 0)


async def queued_rows(db: Database) -> int:
    async with db.transaction() as conn:
        return sum((await outbox.count_by_state(conn)).values())


async def test_a_thousand_joins_cost_o_n_messages_and_an_alert_leaves_first(
    db: Database, clock: ManualClock, gazetteer: Gazetteer
) -> None:
    clock.set(START_OF_INTAKE)
    fake = FakeTime()
    channel = TimedChannel(fake)  # Telegram's pacing, on a clock that moves when it sleeps
    sender = Sender(db, {"telegram": channel}, clock, monotonic=fake.monotonic, sleep=fake.sleep)
    dispatcher = Dispatcher(db, clock, gazetteer, NetworkConfig())
    async with db.transaction() as conn:
        association = await members.ensure_association(conn, FOOD_BANK, "Carcassonne", clock.now())
        boss = await members.create_invite(conn, association.id, "coordinator", clock.now())
        codes = [
            await members.create_invite(conn, association.id, "member", clock.now())
            for _ in range(JOINS)
        ]
    coordinator = Address("telegram", "1")
    await dispatcher.handle(
        Incoming(coordinator, "boss-start", f"/start {boss}", clock.now(), "Cora")
    )
    await sender.deliver_all_due()

    alert_rows = 0
    alert_at = 0.0
    processing = 0.0
    for number in range(JOINS):
        if number == ALERT_AFTER:
            before = await queued_rows(db)
            started = time.perf_counter()
            await dispatcher.handle(
                Incoming(coordinator, "alert", "/alerte plus de lait infantile", clock.now())
            )
            processing = time.perf_counter() - started
            alert_at = fake.now
            alert_rows = await queued_rows(db) - before
        await dispatcher.handle(start_message(number, codes[number]))
        if (number + 1) % BURST == 0:
            await sender.deliver_all_due()
            # Checked as it goes: the old behaviour (every member told) fails at once.
            joined = number + 2  # the coordinator too
            assert await queued_rows(db) - alert_rows <= ROWS_PER_JOIN * joined

    # Every member already there (the writer excepted), and the writer's « envoyée ».
    assert alert_rows == ALERT_AFTER + 1
    assert await queued_rows(db) - alert_rows <= ROWS_PER_JOIN * (JOINS + 1)
    first_member = str(100_000)
    reached = next(
        moment
        for moment, chat, message in channel.sent
        if chat == first_member and "lait infantile" in message.text
    )
    # Sender time (Telegram's pacing) from the alert's commit: only the welcomes of the joins
    # that arrived with it went before it.
    assert reached - alert_at < 1.0
    # And storing it did not wait behind the joins' news (real time, generous for slow CI).
    assert processing < 1.0
    # The coordinator's arrival lines were still waiting (one chat: about one a second) and the
    # alert went before them: it overtook everything queued.
    async with db.transaction() as conn:
        waiting = (await outbox.count_by_state(conn)).get("queued", 0)
    assert waiting > 100
