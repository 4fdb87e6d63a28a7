"""The APScheduler wiring: a CronTrigger in the network's zone that only wakes the code reading
SQLite; the catch-up at start, in the background; nothing twice across restarts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger

import bot.scheduler
from bot.app import Boucle
from bot.clock import ManualClock
from bot.scheduler import Scheduler, Tally
from tests.conftest import START
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.network import Network
from tests.scheduled import PARIS, local, make_post, run_jobs, scheduler_for
from tests.test_process_lifecycle import TOKEN, settings_for


async def coordinator_with_news(network: Network) -> None:
    await network.join("camille", "Banque Alimentaire", role="coordinator")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    await make_post(network, "bob", "need", "riz")
    network.take_inbox("camille")


async def test_start_catches_up_a_missed_digest_once_and_wakes_every_minute(
    network: Network,
) -> None:
    await coordinator_with_news(network)
    # The bot was down at 08:00; it starts at 15:00 the same day.
    network.clock.set(local(2026, 12, 2, 15, 0))
    scheduler = scheduler_for(network)
    await scheduler.start()
    try:
        assert scheduler.aps is not None and scheduler.aps.running
        [job] = scheduler.aps.get_jobs()
        assert isinstance(job.trigger, CronTrigger)
        assert str(job.trigger.timezone) == str(PARIS)
        assert scheduler.catch_up is not None
        await scheduler.catch_up
        await network.deliver()
        assert len(network.take_inbox("camille")) == 1
    finally:
        await scheduler.stop()
    # A restart the same day: the digest is not sent again.
    again = scheduler_for(network)
    await again.start()
    try:
        assert again.catch_up is not None
        await again.catch_up
        await network.deliver()
        assert network.take_inbox("camille") == []
        # The minute job itself runs the same code.
        [job] = again.aps.get_jobs() if again.aps else []
        await job.func()
        await network.deliver()
        assert network.take_inbox("camille") == []
    finally:
        await again.stop()


async def test_a_digest_missed_yesterday_is_not_sent_today_before_its_time(
    network: Network,
) -> None:
    await coordinator_with_news(network)
    # Down all of 2 December; back on the 3rd at 07:00: yesterday's digest is gone for good.
    await run_jobs(network, local(2026, 12, 3, 7, 0))
    assert network.take_inbox("camille") == []
    await run_jobs(network, local(2026, 12, 3, 8, 0))
    assert len(network.take_inbox("camille")) == 1


async def test_digest_and_reminders_are_queued_atomically_with_their_key(
    network: Network,
) -> None:
    await coordinator_with_news(network)
    network.clock.set(local(2026, 12, 2, 8, 0))
    tally = await scheduler_for(network).run_due_jobs()
    assert tally.digests == 1 and tally.messages >= 1
    tally = await scheduler_for(network).run_due_jobs()
    assert tally.digests == 0 and tally.messages == 0


class SlowCatchUp(Scheduler):
    """A catch-up that lasts until the test lets it finish."""

    finish: asyncio.Event

    async def run_due_jobs(self) -> Tally:
        await self.finish.wait()
        return await super().run_due_jobs()


async def test_start_returns_before_a_slow_catch_up_finishes(network: Network) -> None:
    await coordinator_with_news(network)
    network.clock.set(local(2026, 12, 2, 15, 0))
    scheduler = SlowCatchUp(network.db, network.clock, "Europe/Paris", None, network.sender.wake)
    scheduler.finish = asyncio.Event()
    await asyncio.wait_for(scheduler.start(), timeout=1)
    try:
        assert scheduler.aps is not None and scheduler.aps.running
        assert scheduler.catch_up is not None and not scheduler.catch_up.done()
        # The connection is free meanwhile: a message's transaction goes through.
        async with network.db.transaction() as conn:
            await conn.execute("SELECT 1")
        scheduler.finish.set()
        await scheduler.catch_up
        await network.deliver()
        assert len(network.take_inbox("camille")) == 1
    finally:
        await scheduler.stop()


async def test_the_bot_serves_before_the_catch_up_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Boucle.start` (polling, web server) does not wait for the catch-up."""
    finish = asyncio.Event()
    started = asyncio.Event()
    real = Scheduler.run_due_jobs

    async def slow(self: Scheduler) -> Tally:
        started.set()
        await finish.wait()
        return await real(self)

    monkeypatch.setattr(Scheduler, "run_due_jobs", slow)
    async with FakeTelegramAPI(token=TOKEN) as api:
        app = await Boucle.create(settings_for(api, tmp_path / "boucle.db"), ManualClock(START))
        try:
            await asyncio.wait_for(app.start(), timeout=10)
            assert app.telegram is not None and app.telegram.polling is not None
            assert app.scheduler is not None and app.scheduler.catch_up is not None
            await asyncio.wait_for(started.wait(), timeout=5)
            assert not app.scheduler.catch_up.done()
            finish.set()
            await asyncio.wait_for(app.scheduler.catch_up, timeout=10)
        finally:
            finish.set()
            await app.stop()


async def test_the_catch_up_sends_each_missed_digest_once(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many coordinators missed 08:00; the catch-up goes in several batches while the minute
    job and a second scheduler (a restart racing the first) run too: one digest each."""
    monkeypatch.setattr(bot.scheduler, "DIGEST_BATCH", 2)
    users = [f"coord{i}" for i in range(7)]
    for index, user in enumerate(users):
        await network.join(user, f"Association {index}", role="coordinator")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    await make_post(network, "bob", "need", "riz")
    for user in users:
        network.take_inbox(user)
    network.clock.set(local(2026, 12, 2, 15, 0))
    scheduler = scheduler_for(network)
    await scheduler.start()
    try:
        assert scheduler.aps is not None
        [job] = scheduler.aps.get_jobs()
        await asyncio.gather(job.func(), scheduler_for(network).run_due_jobs())
        assert scheduler.catch_up is not None
        await scheduler.catch_up
        await network.deliver()
        for user in users:
            assert len(network.take_inbox(user)) == 1, user
        await scheduler_for(network).run_due_jobs()
        await network.deliver()
        assert all(network.take_inbox(user) == [] for user in users)
    finally:
        await scheduler.stop()


async def test_the_due_rows_are_read_a_page_at_a_time(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 08:00 the due rows are read `DUE_PAGE` at a time (each page its own short
    transaction), those due at the same instant included (the page goes on after the last
    member of the previous one): every subscriber gets one digest, whatever the page size; a
    row not due after all (another time chosen, stopped) is set aside on its page."""
    monkeypatch.setattr(bot.scheduler, "DUE_PAGE", 2)
    monkeypatch.setattr(bot.scheduler, "DIGEST_BATCH", 2)
    users = [f"coord{i}" for i in range(7)]
    for index, user in enumerate(users):
        await network.join(user, f"Association {index}", role="coordinator")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    await make_post(network, "bob", "need", "riz")
    await network.say("coord2", "/digest 9h")
    await network.say("coord4", "/digest off")
    for user in users:
        network.take_inbox(user)
    pages: list[int] = []
    real = bot.scheduler.digests.due_digests

    async def counted(*args: object) -> object:
        page = await real(*args)  # type: ignore[arg-type]
        pages.append(len(page.readers))
        return page

    monkeypatch.setattr(bot.scheduler.digests, "due_digests", counted)
    network.clock.set(local(2026, 12, 2, 8, 0))
    tally = await scheduler_for(network).run_due_jobs()
    await network.deliver()
    assert tally.digests == 5
    assert len(pages) >= 4 and max(pages) <= 2, pages
    for user in users:
        expected = 0 if user in ("coord2", "coord4") else 1
        assert len(network.take_inbox(user)) == expected, user
    await run_jobs(network, local(2026, 12, 2, 8, 1))
    assert all(network.take_inbox(user) == [] for user in users)
    await run_jobs(network, local(2026, 12, 2, 9, 0))
    assert len(network.take_inbox("coord2")) == 1
    assert all(network.take_inbox(user) == [] for user in users if user != "coord2")
