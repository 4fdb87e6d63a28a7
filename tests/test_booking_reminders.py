"""The scheduled side of the shared equipment calendar (issue 14), with the injected clock: the
day before (both sides), the return time (the borrower), the late flag (the lender, and its
daily digest), a request left unanswered; each once, across restarts (every `run_jobs` is a
fresh scheduler on the same database); the March clock change."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from storage import resources as stored
from tests.network import Network
from tests.scheduled import local, run_jobs
from tests.test_bookings import lending_network, say


async def nothing_for(network: Network, *users: str) -> None:
    for user in users:
        assert network.take_inbox(user) == [], user


async def late_events(network: Network) -> list[dict[str, object]]:
    async with network.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT detail FROM events WHERE kind = 'booking_late'")
    return [json.loads(row[0]) for row in rows]


async def test_eve_return_and_late_each_once_across_restarts(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")  # Thursday 3 December
    network.take_inbox("nora")
    network.take_inbox("nina")

    await run_jobs(network, local(2026, 12, 2, 17, 59))
    await nothing_for(network, "carla", "nora", "nina")
    await run_jobs(network, local(2026, 12, 2, 18, 0))
    [eve] = network.take_inbox("carla")
    assert (
        "📅 Rappel, demain : Chambre froide 20 m3 de Restos du Cœur Narbonne, jeu. 3 déc., " in eve
    )
    assert "8h-14h (R1), à Narbonne." in eve and "Contact : @nora" in eve
    for lender in ("nora", "nina"):
        [told] = network.take_inbox(lender)
        assert "📅 Rappel, demain : Épicerie de Limoux emprunte Chambre froide 20 m3" in told
        assert "Contact : @carla" in told
    await run_jobs(network, local(2026, 12, 2, 18, 5))  # a restart: a new scheduler
    await nothing_for(network, "carla", "nora", "nina", "bob")

    await run_jobs(network, local(2026, 12, 3, 13, 59))
    await nothing_for(network, "carla")
    await run_jobs(network, local(2026, 12, 3, 14, 0))
    [back] = network.take_inbox("carla")
    assert "⏰ C'est l'heure de rendre Chambre froide 20 m3 à Restos du Cœur Narbonne (R1" in back
    assert "/rendu R1" in back
    await nothing_for(network, "nora", "bob")  # the lender is not told yet; one booker
    await run_jobs(network, local(2026, 12, 3, 14, 1))
    await nothing_for(network, "carla")

    await run_jobs(network, local(2026, 12, 3, 15, 59))
    await nothing_for(network, "nora")
    await run_jobs(network, local(2026, 12, 3, 16, 0))
    for lender in ("nora", "nina"):
        [late] = network.take_inbox(lender)
        assert (
            "⚠️ Chambre froide 20 m3, prêté à Épicerie de Limoux jusqu'à jeu. 3 déc. 14h, " in late
        )
        assert "n'est pas signalé rendu (R1)" in late and "/rendu R1" in late
    await nothing_for(network, "carla")
    await run_jobs(network, local(2026, 12, 3, 16, 1))
    await nothing_for(network, "nora", "nina")
    assert [e["booking"] for e in await late_events(network)] == [1]

    # Even written again, a deed done is not done twice (schedules).
    async with network.db.transaction() as conn:
        await stored.set_alerts(conn, 1, [("late", local(2026, 12, 3, 16, 0))])
    await run_jobs(network, local(2026, 12, 3, 16, 2))
    await nothing_for(network, "nora", "nina")


async def test_the_late_loan_is_in_the_lender_s_digest_until_it_is_returned(
    network: Network,
) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    network.take_inbox("nora")
    network.clock.set(local(2026, 12, 3, 15, 0))
    assert "pas encore rendu" not in await say(network, "nora", "/digest")  # not late yet
    await run_jobs(network, local(2026, 12, 4, 8, 0))  # Friday: the morning digests
    digest = "\n".join(network.take_inbox("nora"))
    assert "⚠️ Votre matériel pas encore rendu" in digest
    assert "R1 Chambre froide 20 m3, prêté à Épicerie de Limoux : 18 h de retard → /rendu R1" in (
        digest
    )
    borrower = "\n".join(network.take_inbox("carla"))
    assert "pas encore rendu" not in borrower  # the borrower's digest does not list it
    await say(network, "bob", "/rendu R1")
    assert "pas encore rendu" not in await say(network, "nora", "/digest")


async def test_a_cancelled_booking_is_not_reminded(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    await say(network, "carla", "/reserver annuler R1")
    network.take_inbox("nora")
    network.take_inbox("nina")
    for hour in (18, 23):
        await run_jobs(network, local(2026, 12, 2, hour, 0))
    await run_jobs(network, local(2026, 12, 3, 17, 0))
    await nothing_for(network, "carla", "nora", "nina")
    async with network.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT COUNT(*) FROM booking_alerts")
    assert next(iter(rows))[0] == 0


async def test_a_returned_loan_is_not_flagged(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    network.clock.set(local(2026, 12, 3, 12, 0))
    await say(network, "carla", "/rendu R1")
    network.take_inbox("nora")
    network.take_inbox("nina")
    await run_jobs(network, local(2026, 12, 3, 18, 0))
    await nothing_for(network, "carla", "nora", "nina")


async def test_a_request_left_unanswered_is_declined_at_its_start(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 1 jeudi 8h-14h")
    network.take_inbox("nora")
    network.take_inbox("nina")
    await run_jobs(network, local(2026, 12, 2, 18, 0))  # no eve reminder for a request
    await nothing_for(network, "carla", "nora")
    await run_jobs(network, local(2026, 12, 3, 8, 0))
    [told] = network.take_inbox("carla")
    assert "⌛ Restos du Cœur Narbonne n'a pas répondu à temps : R1" in told
    [lender] = network.take_inbox("nora")
    assert "⌛ La demande R1 de Épicerie de Limoux" in lender
    async with network.db.read() as conn:
        found = await stored.booking_by_id(conn, 1)
    assert found is not None and found.status == "declined"
    assert "n'attend plus de réponse" in await say(network, "nina", "/reserver accepter R1")


async def test_an_accepted_request_is_reminded_and_not_declined(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 1 jeudi 8h-14h")
    await say(network, "nora", "/reserver accepter R1")
    network.take_inbox("carla")
    await run_jobs(network, local(2026, 12, 2, 18, 0))
    assert "📅 Rappel, demain : Camion frigo" in network.take_inbox("carla")[0]
    await run_jobs(network, local(2026, 12, 3, 8, 0))
    await nothing_for(network, "carla")


async def test_a_whole_day_is_reminded_at_18h_of_its_last_day(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 du jeudi au vendredi")
    network.take_inbox("carla")
    await run_jobs(network, local(2026, 12, 4, 17, 59))
    assert [m for m in network.take_inbox("carla") if "heure de rendre" in m] == []
    await run_jobs(network, local(2026, 12, 4, 18, 0))
    [back] = network.take_inbox("carla")
    assert "C'est l'heure de rendre" in back and "du jeu. 3 déc. au ven. 4 déc." in back
    network.take_inbox("nora")  # the booking, the eve
    await run_jobs(network, local(2026, 12, 5, 1, 0))  # 02:00 is night: the flag waits
    await nothing_for(network, "nora")
    await run_jobs(network, local(2026, 12, 5, 8, 0))
    assert "n'est pas signalé rendu" in network.take_inbox("nora")[0]


async def test_a_booking_made_after_its_eve_is_not_reminded_the_day_before(
    network: Network,
) -> None:
    await lending_network(network)
    network.clock.set(local(2026, 12, 1, 20, 0))
    await say(network, "carla", "/reserver 2 demain 8h-12h")
    network.take_inbox("carla")
    await run_jobs(network, local(2026, 12, 1, 20, 5))
    await nothing_for(network, "carla")
    await run_jobs(network, local(2026, 12, 2, 12, 0))
    assert "heure de rendre" in network.take_inbox("carla")[0]


async def test_the_march_clock_change(network: Network) -> None:
    """Sunday 28 March 2027, 01:00-05:00 local: 02:00 CET jumps to 03:00 CEST, so it lasts 3
    hours (0.125 day); the eve reminder is Saturday 18:00 CET (17:00 UTC), the return 05:00
    CEST (03:00 UTC), the late flag 07:00 CEST, out of the night at 08:00 (06:00 UTC)."""
    await lending_network(network)
    network.clock.set(local(2027, 3, 20, 10, 0))
    booked = await say(network, "carla", "/reserver 2 dimanche 28 mars 1h-5h")
    assert "dim. 28 mars, 1h-5h" in booked
    async with network.db.transaction() as conn:
        found = await stored.booking_by_id(conn, 1)
    assert found is not None
    assert found.start_at == datetime(2027, 3, 28, 0, 0, tzinfo=UTC)
    assert found.end_at == datetime(2027, 3, 28, 3, 0, tzinfo=UTC)
    assert found.days == 0.125
    network.take_inbox("nora")
    network.take_inbox("nina")

    await run_jobs(network, datetime(2027, 3, 27, 16, 59, tzinfo=UTC))
    await nothing_for(network, "carla")
    await run_jobs(network, datetime(2027, 3, 27, 17, 0, tzinfo=UTC))  # 18:00 CET
    assert "📅 Rappel, demain" in network.take_inbox("carla")[0]
    await run_jobs(network, datetime(2027, 3, 28, 2, 59, tzinfo=UTC))  # 04:59 CEST
    await nothing_for(network, "carla")
    await run_jobs(network, datetime(2027, 3, 28, 3, 0, tzinfo=UTC))  # 05:00 CEST
    assert "heure de rendre" in network.take_inbox("carla")[0]
    await run_jobs(network, datetime(2027, 3, 28, 5, 59, tzinfo=UTC))  # 07:59 CEST
    assert [m for m in network.take_inbox("nora") if "signalé rendu" in m] == []
    await run_jobs(network, datetime(2027, 3, 28, 6, 0, tzinfo=UTC))  # 08:00 CEST
    late = [m for m in network.take_inbox("nora") if "signalé rendu" in m]
    assert len(late) == 1 and "jusqu'à dim. 28 mars 5h" in late[0]
