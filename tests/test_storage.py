"""Storage: migrations, transactions that cannot half-happen, the inbox and the outbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import ManualClock
from storage import deliveries, inbox, members, outbox
from storage.db import Database, migration_files
from storage.outbox import QueuedMessage


async def test_migrations_apply_once_and_wal_is_on(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.db")
    assert await db.migrate() == []  # already applied at open
    async with db.transaction() as conn:
        async with conn.execute("PRAGMA journal_mode") as cur:
            row = await cur.fetchone()
        async with conn.execute("SELECT COUNT(*) FROM schema_migrations") as cur:
            applied = await cur.fetchone()
    await db.close()
    assert row is not None and row[0] == "wal"
    assert applied is not None and applied[0] == len(migration_files())
    reopened = await Database.open(tmp_path / "a.db")  # a restart applies nothing twice
    await reopened.close()


async def test_failed_transaction_leaves_nothing(db: Database, clock: ManualClock) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await members.ensure_association(conn, "Asso", "Narbonne", clock.now())
            raise RuntimeError("crash in the middle")
    async with db.transaction() as conn:
        assert await members.association_by_name(conn, "Asso") is None


async def test_inbox_recognises_a_redelivery(db: Database, clock: ManualClock) -> None:
    async with db.transaction() as conn:
        assert await inbox.record_inbound(conn, "telegram", "u1", "telegram:1", "{}", clock.now())
        assert not await inbox.record_inbound(
            conn, "telegram", "u1", "telegram:1", "{}", clock.now()
        )
        assert await inbox.record_inbound(conn, "whatsapp", "u1", "whatsapp:+33", "{}", clock.now())


async def test_outbox_priority_and_crash_recovery(db: Database, clock: ManualClock) -> None:
    rows = [
        QueuedMessage("telegram", "1", None, '{"text": "digest"}', outbox.PRIORITY_DIGEST),
        QueuedMessage("telegram", "2", None, '{"text": "urgent"}', outbox.PRIORITY_URGENT),
        QueuedMessage("telegram", "3", None, '{"text": "news"}', outbox.PRIORITY_NOTIFICATION),
    ]
    async with db.transaction() as conn:
        await outbox.enqueue(conn, rows, clock.now())
        heads = await deliveries.due_heads(conn, "telegram", clock.now(), 2)
        assert [m.external_id for m in heads] == ["2", "3"]
        for head in heads:
            assert await deliveries.mark_in_flight(conn, head.id) is not None
    async with db.transaction() as conn:
        assert await deliveries.requeue_interrupted(conn, clock.now()) == 2
        assert (await outbox.count_by_state(conn)) == {"queued": 3}
