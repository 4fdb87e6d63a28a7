"""Retention: the daily purge removes old sent messages, their attempts, handled and strangers'
inbound messages, in short transactions; it keeps what is pending, what is recent, the keys
that recognise a redelivery, and the network's own history."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from storage import deliveries, inbox, outbox, retention
from storage.db import Conn, Database
from storage.outbox import PRIORITY_NOTIFICATION, QueuedMessage
from storage.timefmt import to_db
from tests.network import Network
from tests.scheduled import local, scheduler_for

DAYS_30 = timedelta(days=30)


async def add_outbox(
    db: Database,
    created: datetime,
    state: str,
    *,
    sent: datetime | None = None,
    attempts: int = 0,
    who: str = "alice",
) -> int:
    """One outbox row in `state`, created at `created`, with `attempts` delivery attempts."""
    async with db.transaction() as conn:
        await outbox.enqueue(
            conn, [QueuedMessage("test", who, None, "{}", PRIORITY_NOTIFICATION)], created
        )
        async with conn.execute("SELECT MAX(id) FROM outbox") as cur:
            row = await cur.fetchone()
        assert row is not None
        row_id = int(row[0])
        for attempt in range(1, attempts + 1):
            await deliveries.record_attempt(conn, row_id, attempt, created, "sent")
        if state == "sent":
            await outbox.mark_sent(conn, row_id, f"p{row_id}", sent or created)
        elif state == "failed":
            await outbox.mark_failed(conn, row_id, "rejected")
        elif state == "held":
            await outbox.mark_held(conn, row_id, "window closed")
        elif state == "in_flight":
            assert await deliveries.mark_in_flight(conn, row_id) is not None
    return row_id


async def add_inbound(
    db: Database, address: str, received: datetime, state: str, message_id: str
) -> None:
    channel = address.split(":", 1)[0]
    async with db.transaction() as conn:
        assert await inbox.record_inbound(
            conn, channel, message_id, address, f'{{"text": "{message_id}"}}', received
        )
        if state != "received":
            await inbox.mark_inbound(conn, channel, message_id, state)


async def scalar(db: Database, sql: str, *params: object) -> object:
    async with db.transaction() as conn, conn.execute(sql, params) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def outbox_states(db: Database) -> dict[int, str]:
    async with db.transaction() as conn, conn.execute("SELECT id, state FROM outbox") as cur:
        return {int(row[0]): str(row[1]) for row in await cur.fetchall()}


async def inbox_rows(db: Database) -> dict[str, str]:
    """message_id -> payload."""
    async with (
        db.transaction() as conn,
        conn.execute("SELECT message_id, payload FROM inbox") as cur,
    ):
        return {str(row[0]): str(row[1]) for row in await cur.fetchall()}


async def test_old_sent_and_failed_rows_go_with_their_attempts_pending_and_recent_stay(
    network: Network,
) -> None:
    db, now = network.db, network.clock.now()
    old, recent = now - timedelta(days=40), now - timedelta(days=5)
    old_sent = await add_outbox(db, old, "sent", attempts=2)
    old_failed = await add_outbox(db, old, "failed", attempts=1)
    kept = {
        await add_outbox(db, old, "queued"): "queued",
        await add_outbox(db, old, "in_flight"): "in_flight",
        await add_outbox(db, old, "held", attempts=1): "held",
        await add_outbox(db, recent, "sent", attempts=1): "sent",
        # Created long ago (held for weeks), sent last week: a late status still finds it.
        await add_outbox(db, old, "sent", sent=recent, attempts=1): "sent",
    }

    counts = await retention.purge_expired(db, now, DAYS_30)

    assert (counts.outbox, counts.attempts) == (2, 3)
    assert await outbox_states(db) == kept
    attempts_left = await scalar(
        db,
        "SELECT COUNT(*) FROM delivery_attempts WHERE outbox_id IN (?, ?)",
        old_sent,
        old_failed,
    )
    assert attempts_left == 0
    assert await scalar(db, "SELECT COUNT(*) FROM delivery_attempts") == 3


async def test_strangers_and_handled_messages_go_members_pending_and_recent_ones_stay(
    network: Network,
) -> None:
    await network.join("alice", "Banque Alimentaire")
    db, now = network.db, network.clock.now()
    old, recent = now - timedelta(days=40), now - timedelta(days=5)
    before = await inbox_rows(db)  # alice's /start, just now
    await add_inbound(db, "test:alice", old, "processed", "alice-old-done")
    await add_inbound(db, "test:alice", old, "failed", "alice-old-failed")
    await add_inbound(db, "test:alice", old, "received", "alice-old-pending")  # replayed at start
    await add_inbound(db, "test:alice", recent, "processed", "alice-recent")
    await add_inbound(db, "test:stranger", old, "processed", "stranger-old-done")
    await add_inbound(db, "test:stranger", old, "received", "stranger-old-pending")
    await add_inbound(db, "test:stranger", recent, "processed", "stranger-recent")

    counts = await retention.purge_expired(db, now, DAYS_30)

    assert counts.inbox_deleted == 4 and counts.inbox_blanked == 0
    left = await inbox_rows(db)
    assert set(left) == set(before) | {"alice-old-pending", "alice-recent", "stranger-recent"}
    assert all(payload for payload in left.values())  # what stays keeps its content


async def test_a_redelivery_is_recognised_for_two_days_even_with_a_one_day_retention(
    network: Network,
) -> None:
    await network.join("alice", "Banque Alimentaire")
    message = network.incoming("alice", "/liste")
    stranger = network.incoming("inconnu", "bonjour")
    assert await network.dispatcher.handle(message)
    assert await network.dispatcher.handle(stranger)

    # 30 hours later, with a one-day retention: the content is gone, the keys are not.
    network.clock.advance(timedelta(hours=30))
    counts = await retention.purge_expired(network.db, network.clock.now(), timedelta(days=1))
    assert counts.inbox_blanked >= 2 and counts.inbox_deleted == 0
    rows = await inbox_rows(network.db)
    assert rows[message.message_id] == "" and rows[stranger.message_id] == ""
    assert not await network.dispatcher.accept(message)
    assert not await network.dispatcher.accept(stranger)
    assert await network.dispatcher.handle(message) == []

    # After two days the rows go: a message reusing the id is new.
    network.clock.advance(timedelta(hours=19))
    counts = await retention.purge_expired(network.db, network.clock.now(), timedelta(days=1))
    assert counts.inbox_deleted >= 2
    assert message.message_id not in await inbox_rows(network.db)
    assert await network.dispatcher.accept(message)


async def test_posts_claims_events_and_members_are_untouched(network: Network) -> None:
    network.clock.advance(-timedelta(days=90))
    await network.join("alice", "Banque Alimentaire")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    await network.say("alice", "/don 4 cagettes de tomates à Trèbes")
    await network.say("bob", "/prendre 1")
    await network.say("inconnu", "bonjour")
    await network.deliver()
    kept_tables = (
        "associations",
        "members",
        "identities",
        "invites",
        "posts",
        "claims",
        "events",
        "schedules",
    )
    counts_before = {t: await scalar(network.db, f"SELECT COUNT(*) FROM {t}") for t in kept_tables}
    assert counts_before["claims"] == 1 and counts_before["events"]
    assert await scalar(network.db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'")

    network.clock.advance(timedelta(days=90))
    counts = await retention.purge_expired(network.db, network.clock.now(), DAYS_30)

    assert counts.outbox and counts.attempts and counts.inbox_deleted
    for table in kept_tables:
        assert await scalar(network.db, f"SELECT COUNT(*) FROM {table}") == counts_before[table]
    for table in ("inbox", "outbox", "delivery_attempts"):
        assert await scalar(network.db, f"SELECT COUNT(*) FROM {table}") == 0


async def test_the_purge_queries_walk_an_index_not_a_table(db: Database) -> None:
    now = "2026-12-01T00:00:00+00:00"
    plans: list[str] = []
    async with db.transaction() as conn:
        for sql in (retention.EXPIRED_OUTBOX, retention.EXPIRED_INBOX, retention.INBOX_TO_BLANK):
            async with conn.execute("EXPLAIN QUERY PLAN " + sql, (now, now, 10)) as cur:
                plans.append(" / ".join(str(row[3]) for row in await cur.fetchall()))
    assert "SEARCH outbox USING INDEX outbox_state_created" in plans[0]
    assert "SEARCH inbox USING INDEX inbox_received" in plans[1]
    assert "SEARCH inbox USING INDEX inbox_received" in plans[2]
    assert not any(plan.startswith("SCAN") or " / SCAN" in plan for plan in plans)


async def add_many_old_sent(db: Database, now: datetime, count: int) -> None:
    old = now - timedelta(days=40)
    async with db.transaction() as conn:
        await outbox.enqueue(
            conn,
            [
                QueuedMessage("test", f"u{i}", None, "x" * 600, PRIORITY_NOTIFICATION)
                for i in range(count)
            ],
            old,
        )
        await conn.execute(
            "INSERT INTO delivery_attempts (outbox_id, attempt, at, outcome)"
            " SELECT id, 1, created_at, 'sent' FROM outbox"
        )
        await conn.execute("UPDATE outbox SET state = 'sent', sent_at = created_at")


async def test_a_large_backlog_goes_in_short_transactions_others_get_their_turn(
    network: Network,
) -> None:
    db, now = network.db, network.clock.now()
    await add_many_old_sent(db, now, 12_000)
    await network.join("alice", "Banque Alimentaire")  # her welcome: a recent sent row
    transactions: list[float] = []
    real_transaction = db.transaction
    loop = asyncio.get_running_loop()

    @asynccontextmanager
    async def timed() -> AsyncIterator[Conn]:
        async with real_transaction() as conn:
            started = loop.time()
            yield conn
        transactions.append(loop.time() - started)

    # A message arriving during the purge is stored between two batches, not after the purge.
    db.transaction = timed  # type: ignore[method-assign]
    purge = asyncio.create_task(retention.purge_expired(db, now, DAYS_30))
    await asyncio.sleep(0)
    assert await network.dispatcher.accept(network.incoming("alice", "/liste"))
    assert not purge.done()
    counts = await purge
    db.transaction = real_transaction  # type: ignore[method-assign]

    assert (counts.outbox, counts.attempts) == (12_000, 12_000)
    outbox_batches = -(-12_000 // retention.BATCH_ROWS)
    assert counts.batches >= outbox_batches + 1 >= 3
    assert await scalar(db, "SELECT COUNT(*) FROM outbox WHERE created_at < ?", to_db(now)) == 0
    assert await scalar(db, "SELECT COUNT(*) FROM outbox") == 1
    # Generous bound (shared CI machines); about 15 ms each on a laptop.
    assert max(transactions) < 0.5, transactions


async def test_the_daily_purge_runs_once_a_day_and_catches_up_after_a_missed_day(
    network: Network, caplog: pytest.LogCaptureFixture
) -> None:
    db = network.db
    await network.join("alice", "Banque Alimentaire")
    caplog.set_level(logging.INFO, logger="bot.scheduler")

    async def old_row(at: datetime) -> int:
        return await add_outbox(db, at - timedelta(days=40), "sent", attempts=1)

    async def run_at(at: datetime) -> retention.PurgeCounts | None:
        network.clock.set(at)
        return await scheduler_for(network).purge_if_due(network.clock.now())

    # Not before the purge time; then once that day, the next run at start included.
    first = await old_row(local(2026, 12, 2, 3, 0))
    assert await run_at(local(2026, 12, 2, 3, 59)) is None
    assert first in await outbox_states(db)
    counts = await run_at(local(2026, 12, 2, 4, 0))
    assert counts is not None and counts.outbox == 1
    assert first not in await outbox_states(db)
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retention")]
    assert "1 outbox row(s), 1 delivery attempt(s)" in line

    same_day = await old_row(local(2026, 12, 2, 12, 0))
    assert await run_at(local(2026, 12, 2, 23, 59)) is None
    restarted = scheduler_for(network)  # a restart the same day: the whole start-up path
    await restarted.start()
    assert restarted.catch_up is not None
    await restarted.catch_up  # the catch-up runs in the background
    await restarted.stop()
    assert same_day in await outbox_states(db)

    # Down all of 3 December, back on the 4th at 10:00: the start catches the purge up.
    network.clock.set(local(2026, 12, 4, 10, 0))
    again = scheduler_for(network)
    await again.start()
    assert again.catch_up is not None
    await again.catch_up
    await again.stop()
    assert same_day not in await outbox_states(db)
    assert await run_at(local(2026, 12, 4, 11, 0)) is None


def test_retention_days_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOUCLE_RETENTION_DAYS", raising=False)
    assert Settings(_env_file=None).boucle_retention_days == 30  # type: ignore[call-arg]
    monkeypatch.setenv("BOUCLE_RETENTION_DAYS", "7")
    assert Settings(_env_file=None).boucle_retention_days == 7  # type: ignore[call-arg]
    monkeypatch.setenv("BOUCLE_RETENTION_DAYS", "0")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]
