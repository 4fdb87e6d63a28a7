"""Benchmark: how long the sender takes to pick its next rows with 50 / 10k / 50k queued.

    .venv/bin/python bench/outbox_pick.py                 # 50, 10,000 and 50,000 queued
    .venv/bin/python bench/outbox_pick.py --queued 50 10000 50000 --repeats 200

The queue is what a busy network leaves behind: relays of a few posts to many members (one chat
each, one shared payload per post), a few urgent alerts and replies, and a share deferred by
members' quiet hours (due later, skipped by the pick). Each pick is `deliveries.due_heads` as
the sender's lane calls it (a batch of 50 heads, one per chat), through the bot's own
`Database` (aiosqlite), inside a transaction; reported: its median and 95th percentile.

`measure_pick(target, queued)` is the hook for `bench/scale.py`: `target` is a database path
or an open `Database`; the rows it adds are on a channel of their own (`PICK_CHANNEL`) and are
deleted afterwards, so a network built for other measures is left as it was.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.messages import Outgoing
from storage import deliveries, outbox
from storage.db import Database
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


async def main(sizes: list[int], repeats: int) -> None:
    print(f"== Sender pick: a batch of {BATCH} heads, {repeats} picks per size")
    print(f"{'queued':>8} {'median':>10} {'p95':>10} {'heads':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for index, size in enumerate(sizes):
            figures = await measure_pick(Path(folder) / f"pick{index}.db", size, repeats=repeats)
            print(
                f"{figures.queued:>8} {figures.median_ms:>8.3f}ms {figures.p95_ms:>8.3f}ms"
                f" {figures.heads:>6}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queued", type=int, nargs="+", default=[50, 10_000, 50_000])
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.queued, args.repeats))
