"""The APScheduler wiring: a CronTrigger in the network's zone that only wakes the code reading
SQLite; the catch-up at start; nothing twice across restarts."""

from __future__ import annotations

from apscheduler.triggers.cron import CronTrigger

from tests.network import Network
from tests.scheduled import PARIS, local, make_post, run_jobs, scheduler_for


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
        await network.deliver()
        assert len(network.take_inbox("camille")) == 1
    finally:
        await scheduler.stop()
    # A restart the same day: the digest is not sent again.
    again = scheduler_for(network)
    await again.start()
    try:
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
