"""Benchmark: the outbox at network scale (issue 12): the sender's pick with 50 / 10k / 50k
queued, a post's fan-out to 10,000 members, and the bytes each recipient's row costs.

    .venv/bin/python bench/outbox_pick.py                 # 50, 10,000 and 50,000 queued
    .venv/bin/python bench/outbox_pick.py --queued 50 10000 50000 --repeats 200
    .venv/bin/python bench/outbox_pick.py --members 10000 # the fan-out (default 10,000)

The queue is what a busy network leaves behind: relays of a few posts to many members (one chat
each, one shared payload per post), a few urgent alerts and replies, and a share deferred by
members' quiet hours (due later, skipped by the pick). Each pick is `deliveries.due_heads` as
the sender's lane calls it (a batch of 50 heads, one per chat), through the bot's own
`Database`, inside a transaction; reported: its median and 95th percentile.

`measure_pick(target, queued)` is the hook for `bench/scale.py`: `target` is a database path
or an open `Database`; the rows it adds are on a channel of their own (`PICK_CHANNEL`) and are
deleted afterwards, so a network built for other measures is left as it was.

Fan-out (`measure_fanout(db, association_ids, post_id)`): a post relayed to every member of
these associations (`bot.fanout.enqueue_notifications`, each member's preferences applied,
each language rendered once), in one transaction as the handler's: the time from its BEGIN to
its COMMIT, which the author's confirmation waits for, and beside it a reference in the same
run, the same number of 3-column rows written by one `executemany` into a scratch table (the
floor of writing that many rows). `load_audience(db, members)` builds a network of that many
members (two per association) and an open post for it. Bytes: the outbox's and `payloads`'
text per row queued (`SUM(LENGTH(...))`), and the database's growth in pages per row (table
and indexes).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.fanout import enqueue_notifications
from handlers.context import Notification, ToAudience
from handlers.messages import Outgoing
from handlers.posts import relay_message
from storage import deliveries, outbox, posts
from storage.bulk import AssociationRow, MemberRow, PostRow, load_network
from storage.db import Conn, Database
from storage.outbox import (
    PRIORITY_DIGEST,
    PRIORITY_NOTIFICATION,
    PRIORITY_REPLY,
    PRIORITY_URGENT,
    QueuedMessage,
)

PICK_CHANNEL = "bench-pick"
BATCH = 50
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# One chat in this many is in quiet hours: its relay waits until 07:30 tomorrow.
DEFERRED_EVERY = 10
RELAY_SIZE = 2_500  # members reached by one post


@dataclass(frozen=True)
class PickFigures:
    queued: int
    median_ms: float
    p95_ms: float
    heads: int  # rows returned by one pick (at most `BATCH`)


def queue_rows(queued: int, now: datetime = NOW) -> list[QueuedMessage]:
    """`queued` rows on `PICK_CHANNEL`: relays (one payload per post, one chat per member),
    one deferred chat in `DEFERRED_EVERY`, an urgent alert and a reply now and then."""
    rows: list[QueuedMessage] = []
    payloads: dict[int, str] = {}
    later = now + timedelta(hours=22)
    for index in range(queued):
        post = index // RELAY_SIZE
        payload = payloads.get(post)
        if payload is None:
            text = f"Offre #{post} : 40 kg de pommes à Limoux, à prendre avant vendredi. " * 8
            payload = payloads[post] = Outgoing(f"Nouvelle offre #{post}", text).to_json()
        chat = str(1_000_000 + index % (RELAY_SIZE * 2))
        if index % 997 == 0:
            priority = PRIORITY_URGENT
        elif index % 991 == 0:
            priority = PRIORITY_REPLY
        elif index % 1_009 == 0:
            priority = PRIORITY_DIGEST
        else:
            priority = PRIORITY_NOTIFICATION
        not_before = later if index % DEFERRED_EVERY == 0 else None
        rows.append(
            QueuedMessage(PICK_CHANNEL, chat, None, payload, priority, not_before=not_before)
        )
    return rows


async def measure_pick(
    target: Database | Path | str, queued: int, *, repeats: int = 100
) -> PickFigures:
    """Queue `queued` rows on `PICK_CHANNEL` in `target` (a path or an open `Database`), time
    `repeats` picks of the sender's next `BATCH` rows, then delete those rows."""
    db = target if isinstance(target, Database) else await Database.open(target)
    try:
        async with db.transaction() as conn:
            await outbox.enqueue(conn, queue_rows(queued), NOW)
        times: list[float] = []
        heads = 0
        for _ in range(repeats):
            async with db.transaction() as conn:
                started = time.perf_counter()
                picked = await deliveries.due_heads(conn, PICK_CHANNEL, NOW, BATCH)
                times.append(time.perf_counter() - started)
            heads = len(picked)
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM outbox WHERE channel = ?", (PICK_CHANNEL,))
    finally:
        if not isinstance(target, Database):
            await db.close()
    times.sort()
    return PickFigures(
        queued=queued,
        median_ms=statistics.median(times) * 1000,
        p95_ms=times[int(len(times) * 0.95) - 1] * 1000,
        heads=heads,
    )


@dataclass(frozen=True)
class FanoutFigures:
    rows: int  # outbox rows queued by the relay
    seconds: float  # BEGIN to COMMIT of the relay's transaction
    cpu_seconds: float  # the process's CPU meanwhile (both threads): the time on an idle machine
    reference_seconds: float  # the same number of small rows by one executemany
    text_bytes_per_row: float  # outbox.payload + payloads.body added, per row
    db_bytes_per_row: float  # pages added (table and indexes), per row

    @property
    def ratio(self) -> float:
        return self.seconds / self.reference_seconds


async def load_audience(db: Database, members: int, now: datetime = NOW) -> tuple[int, ...]:
    """`members` members (two per association, on Telegram) and one open post of association
    1 (id 1): the associations' ids, for `measure_fanout`."""
    count = max(1, members // 2)
    associations = [
        AssociationRow(i, f"Association {i}", "Limoux", None, None, 30.0, None, None, False)
        for i in range(1, count + 1)
    ]
    people = [
        MemberRow(
            a.id * 2 + k,
            a.id,
            f"Bénévole {a.id}-{k}",
            "coordinator" if k == 0 else "member",
            "telegram",
            str(2_000_000 + a.id * 2 + k),
        )
        for a in associations
        for k in range(2)
    ]
    post = PostRow(
        1, "offer", "fruits_legumes", "pommes", 40.0, "kg", (now + timedelta(days=3)).date(),
        False, False, "open", 2, 1, None, None, now,
    )  # fmt: skip
    async with db.transaction() as conn:
        await load_network(conn, associations, people, [post], now)
    return tuple(a.id for a in associations)


async def measure_fanout(
    db: Database, association_ids: tuple[int, ...], post_id: int = 1, now: datetime = NOW
) -> FanoutFigures:
    """Relay post `post_id` to every member of `association_ids` (but its author) through
    `bot.fanout`, in one transaction, timed; then the reference and the bytes (see above)."""
    async with db.transaction() as conn:
        post = await posts.post_by_id(conn, post_id)
        text_before = await _text_bytes(conn)
        pages_before = await _pages(conn)
    assert post is not None

    def render(lang: str) -> Outgoing:
        return relay_message(post, lang, now.date())

    note = Notification(
        ToAudience(association_ids, post.category, post.urgent), render, post_id=post.id
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    async with db.transaction() as conn:
        rows = await enqueue_notifications(
            conn, [note], now, None, post.author_id, tz=ZoneInfo("Europe/Paris")
        )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    reference = await _reference(db, rows)
    async with db.transaction() as conn:
        text_after = await _text_bytes(conn)
        pages_after = await _pages(conn)
    return FanoutFigures(
        rows=rows,
        seconds=seconds,
        cpu_seconds=cpu,
        reference_seconds=reference,
        text_bytes_per_row=(text_after - text_before) / max(rows, 1),
        db_bytes_per_row=(pages_after - pages_before) / max(rows, 1),
    )


async def _reference(db: Database, rows: int) -> float:
    """One executemany of `rows` 3-column rows into a scratch table, BEGIN to COMMIT."""
    async with db.transaction() as conn:
        await conn.execute("CREATE TEMP TABLE IF NOT EXISTS bench_reference (a, b, c)")
    started = time.perf_counter()
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO bench_reference VALUES (?, ?, ?)",
            [(index, "telegram", str(index)) for index in range(rows)],
        )
    seconds = time.perf_counter() - started
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM bench_reference")
    return seconds


async def _text_bytes(conn: Conn) -> int:
    async with conn.execute(
        "SELECT (SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM outbox)"
        " + (SELECT COALESCE(SUM(LENGTH(body)), 0) FROM payloads)"
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def _pages(conn: Conn) -> int:
    """The bytes the database's pages hold (free pages are reused first, so none here)."""
    async with conn.execute("PRAGMA page_count") as cur:
        pages = await cur.fetchone()
    async with conn.execute("PRAGMA page_size") as cur:
        size = await cur.fetchone()
    return int(pages[0]) * int(size[0]) if pages and size else 0


async def main(sizes: list[int], repeats: int, members: int) -> None:
    print(f"== Sender pick: a batch of {BATCH} heads, {repeats} picks per size")
    print(f"{'queued':>8} {'median':>10} {'p95':>10} {'heads':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for index, size in enumerate(sizes):
            figures = await measure_pick(Path(folder) / f"pick{index}.db", size, repeats=repeats)
            print(
                f"{figures.queued:>8} {figures.median_ms:>8.3f}ms {figures.p95_ms:>8.3f}ms"
                f" {figures.heads:>6}"
            )
        if not members:
            return
        print(f"\n== Fan-out: a post relayed to {members:,} members")
        db = await Database.open(Path(folder) / "fanout.db")
        try:
            ids = await load_audience(db, members)
            for attempt in range(3):  # the first one warms the caches
                fan = await measure_fanout(db, ids)
                print(
                    f"#{attempt + 1}: {fan.rows:,} rows queued in {fan.seconds * 1000:.0f} ms"
                    f" ({fan.cpu_seconds * 1000:.0f} ms CPU; target < 200 ms);"
                    f" reference {fan.reference_seconds * 1000:.1f} ms,"
                    f" ratio {fan.ratio:.1f}; text {fan.text_bytes_per_row:.1f} B/row,"
                    f" database {fan.db_bytes_per_row:.0f} B/row"
                )
        finally:
            await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queued", type=int, nargs="+", default=[50, 10_000, 50_000])
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--members", type=int, default=10_000, help="fan-out size; 0: none")
    args = parser.parse_args()
    asyncio.run(main(args.queued, args.repeats, args.members))
