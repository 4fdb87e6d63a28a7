"""Reminders, each once, at the right local moment; expiry; « récupéré ? combien ? ».

Every `run_jobs` builds a new `Scheduler` on the same database, as after a restart: what was
done is only known from SQLite.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import bot.scheduler
from storage import events, posts
from tests.network import Network
from tests.scheduled import local, make_post, run_jobs, scheduler_for

DEADLINE = date(2026, 12, 3)  # a Thursday; the clock starts on Tuesday 1 December, 09:00


async def two_associations(network: Network) -> None:
    await network.join("carla", "Épicerie de Limoux", "Limoux")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    network.take_inbox("carla")
    network.take_inbox("bob")


async def test_offer_still_open_reminds_its_author_once(network: Network) -> None:
    await two_associations(network)
    offer = await make_post(network, "carla", "offer", "pommes", DEADLINE)
    await make_post(network, "carla", "need", "riz", DEADLINE)
    await run_jobs(network, local(2026, 12, 3, 14, 59))
    assert network.take_inbox("carla") == []
    await run_jobs(network, local(2026, 12, 3, 15, 0))
    [reminder] = network.take_inbox("carla")
    assert f"#{offer.id} « pommes » est encore ouverte" in reminder
    assert f"/corriger {offer.id}" in reminder and f"/relancer {offer.id}" in reminder
    await run_jobs(network, local(2026, 12, 3, 18, 0))
    assert network.take_inbox("carla") == []


async def test_relaunch_sends_the_post_again(network: Network) -> None:
    await two_associations(network)
    offer = await make_post(network, "carla", "offer", "pommes", DEADLINE)
    network.take_inbox("bob")
    network.clock.advance(timedelta(hours=6))  # one broadcast per 6 hours (tests/test_limits.py)
    [reply] = await network.say("carla", f"/relancer {offer.id}")
    assert "relancée. Envoyée à 1 association" in reply
    [relay] = network.take_inbox("bob")
    assert "pommes" in relay and f"/prendre {offer.id}" in relay
    [refused] = await network.say("bob", f"/relancer {offer.id}")
    assert "Seule l'association" in refused


async def test_claimer_reminded_on_the_morning_of_the_pickup_day(network: Network) -> None:
    await two_associations(network)
    offer = await make_post(network, "carla", "offer", "pommes", DEADLINE, quantity=20, unit="kg")
    await network.say("bob", f"/prendre {offer.id} 8 kg")
    network.take_inbox("carla")
    await run_jobs(network, local(2026, 12, 3, 7, 59))
    assert network.take_inbox("bob") == []
    await run_jobs(network, local(2026, 12, 3, 8, 0))
    [reminder] = network.take_inbox("bob")
    assert f"récupération de #{offer.id} « pommes » (8 kg)" in reminder
    assert "@carla" in reminder and f"/fait {offer.id}" in reminder
    await run_jobs(network, local(2026, 12, 3, 9, 0))
    assert network.take_inbox("bob") == []


async def test_after_the_deadline_both_sides_are_asked_and_the_answer_closes(
    network: Network,
) -> None:
    await two_associations(network)
    offer = await make_post(network, "carla", "offer", "pommes", DEADLINE, quantity=20, unit="kg")
    await network.say("bob", f"/prendre {offer.id}")
    async with network.db.transaction() as conn:
        [claim] = await posts.active_claims_of_post(conn, offer.id)
    network.take_inbox("carla")
    await run_jobs(network, local(2026, 12, 4, 9, 59))
    assert network.take_inbox("bob") == [] and network.take_inbox("carla") == []
    await run_jobs(network, local(2026, 12, 4, 10, 0))
    for user in ("bob", "carla"):
        [question] = network.take_inbox(user)
        assert f"#{offer.id} « pommes » : récupéré ? combien ?" in question
    await run_jobs(network, local(2026, 12, 4, 12, 0))
    assert network.take_inbox("bob") == [], "asked once"

    [reply] = await network.say("carla", "non")
    assert "pas encore" in reply
    [reply] = await network.say("bob", "oui 18 kg")
    assert "18 kg" in reply
    async with network.db.transaction() as conn:
        done = await posts.claim_by_id(conn, claim.id)
        kinds = await events.event_kinds_for_post(conn, offer.id)
        post = await posts.post_by_id(conn, offer.id)
    assert done is not None and done.status == "done" and done.done_quantity == 18
    assert "completed" in kinds
    # 2 kg were left behind: with no claim left and its day over, the post expires.
    assert post is not None and post.status == "open" and post.remaining == 2
    await run_jobs(network, local(2026, 12, 4, 12, 1))
    assert "a expiré" in network.take_inbox("carla")[-1]


async def test_the_author_answer_with_a_bare_number_closes_the_post(network: Network) -> None:
    await two_associations(network)
    offer = await make_post(network, "carla", "offer", "yaourts", DEADLINE, quantity=40)
    await network.say("bob", f"/prendre {offer.id}")
    async with network.db.transaction() as conn:
        [claim] = await posts.active_claims_of_post(conn, offer.id)
    await run_jobs(network, local(2026, 12, 4, 10, 0))
    [reply] = await network.say("carla", "25")
    assert f"#{offer.id}" in reply
    async with network.db.transaction() as conn:
        post = await posts.post_by_id(conn, offer.id)
        done = await posts.claim_by_id(conn, claim.id)
    assert post is not None and post.status == "done"
    assert done is not None and done.done_quantity == 25
    # The claimer's question is still there, but the post is settled.
    [reply] = await network.say("bob", "oui")
    assert "déjà clôturée" in reply


async def test_another_message_instead_of_an_answer_is_read_as_usual(network: Network) -> None:
    await two_associations(network)
    offer = await make_post(network, "carla", "offer", "pommes", DEADLINE)
    await network.say("bob", f"/prendre {offer.id}")
    await run_jobs(network, local(2026, 12, 4, 10, 0))
    network.take_inbox("bob")
    replies = await network.say("bob", "besoin de 30 kg de riz pour vendredi")
    assert any("publiée" in reply for reply in replies)


async def test_unclaimed_posts_expire_once_their_day_is_over(network: Network) -> None:
    await two_associations(network)
    offer = await make_post(network, "carla", "offer", "pommes", DEADLINE)
    need = await make_post(network, "bob", "need", "riz", DEADLINE)
    partly = await make_post(network, "carla", "offer", "poires", DEADLINE, quantity=10)
    await network.say("bob", f"/prendre {partly.id} 4")
    await run_jobs(network, local(2026, 12, 3, 23, 59))
    assert len(network.take_inbox("carla")) == 3, "the claim and two offers still open"
    network.take_inbox("bob")  # the pickup-day reminder
    assert network.take_inbox("carla") == []
    await run_jobs(network, local(2026, 12, 4, 0, 0))
    [told] = network.take_inbox("carla")
    assert f"#{offer.id} « pommes » a expiré" in told
    assert f"#{need.id} « riz » a expiré" in network.take_inbox("bob")[0]
    async with network.db.transaction() as conn:
        expired = await posts.post_by_id(conn, offer.id)
        still = await posts.post_by_id(conn, partly.id)
    assert expired is not None and expired.status == "expired"
    assert still is not None and still.status == "open", "partly taken: asked, not expired"
    await run_jobs(network, local(2026, 12, 4, 1, 0))
    assert network.take_inbox("carla") == []


async def test_lent_equipment_return_date(network: Network) -> None:
    await two_associations(network)
    truck = await make_post(network, "bob", "equipment_offer", "camion frigo", date(2026, 12, 5))
    await network.say("carla", f"/prendre {truck.id}")
    network.take_inbox("bob")
    await run_jobs(network, local(2026, 12, 5, 8, 59))
    assert network.take_inbox("carla") == []
    await run_jobs(network, local(2026, 12, 5, 9, 0))
    [borrower] = network.take_inbox("carla")
    [owner] = network.take_inbox("bob")
    assert f"#{truck.id} « camion frigo »" in borrower and "à rendre aujourd'hui" in borrower
    assert "rendu aujourd'hui" in owner and f"/fait {truck.id}" in owner
    await run_jobs(network, local(2026, 12, 6, 12, 0))
    assert network.take_inbox("carla") == [] and network.take_inbox("bob") == []


async def test_many_reminders_go_a_few_per_transaction_each_once(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tick claims at most `REMINDER_BATCH` deeds per transaction and goes on in the next
    (what it claimed is left out of the next reading): every reminder goes, and once."""
    monkeypatch.setattr(bot.scheduler, "REMINDER_BATCH", 2)
    await two_associations(network)
    offers = [
        await make_post(network, "carla", "offer", f"pommes {i}", DEADLINE, quantity=20, unit="kg")
        for i in range(5)
    ]
    for offer in offers:
        await network.say("bob", f"/prendre {offer.id} 8 kg")
    network.take_inbox("carla")
    network.take_inbox("bob")
    transactions: list[int] = []
    real = bot.scheduler.reminders.due_reminders

    async def counted(*args: object) -> object:
        notes = await real(*args)  # type: ignore[arg-type]
        transactions.append(len(notes))
        return notes

    monkeypatch.setattr(bot.scheduler.reminders, "due_reminders", counted)
    network.clock.set(local(2026, 12, 3, 8, 0))
    tally = await scheduler_for(network).run_due_jobs()
    await network.deliver()
    assert tally.reminders == 5
    assert transactions == [2, 2, 1], transactions
    reminders = network.take_inbox("bob")
    assert sorted(r for r in reminders if "récupération de" in r) == sorted(reminders)
    for offer in offers:
        assert sum(f"#{offer.id} « pommes" in r for r in reminders) == 1, offer.id
    await run_jobs(network, local(2026, 12, 3, 8, 1))
    assert network.take_inbox("bob") == []
