"""Benchmark (issue 11): the audience and matches of a new post in a network of the largest
real size, and the time to queue its relay.

    .venv/bin/python bench/audience.py                 # 5,000 associations, 10,000 members,
                                                       # 100,000 posts; 60 posts measured
    .venv/bin/python bench/audience.py --posts 20 --associations 500 --seed 3

The network is built from a seed (bench/network.py) in a temporary SQLite file. Each measured
post is a real message from a real member, through the dispatcher: understood, stored, its
audience and matches computed, its relay and match messages queued in the outbox, the
transaction committed ("queued"). Then, for the same post, the audience and matches alone are
computed again ("computed"), as escalation and relaunches do. Reported: p50, p95 and max of
both, the number of associations and messages per post, and whether the targets hold
(computed < 50 ms, queued < 200 ms at p95).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.network import Sizes, build_network
from bot.clock import ManualClock
from bot.dispatch import Dispatcher
from handlers import matching
from handlers.audience import reach_of
from handlers.context import Limits, NetworkConfig
from handlers.messages import Address, Incoming
from handlers.understanding import load_gazetteer
from storage import bulk, outbox, posts
from storage.db import Database

COMPUTED_BUDGET_MS = 50.0
QUEUED_BUDGET_MS = 200.0
NOW = datetime(2026, 11, 30, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
MESSAGES = (
    "/don 40 kg de yaourts DLC demain",
    "/don 25 cagettes de pommes",
    "/besoin 30 kg de riz pour vendredi",
    "/urgent besoin de lait infantile pour ce soir",
    "/besoin 20 kg de pâtes",
    "/don 12 cartons de conserves de thon",
    "/materiel on prête notre camion frigo jeudi",
)


@dataclass(frozen=True)
class Stats:
    p50: float
    p95: float
    worst: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        ordered = sorted(values)
        return cls(
            ordered[len(ordered) // 2],
            ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
            ordered[-1],
        )

    def __str__(self) -> str:
        return f"p50 {self.p50:6.1f} ms · p95 {self.p95:6.1f} ms · max {self.worst:6.1f} ms"


async def run(sizes: Sizes, measured: int, seed: int) -> bool:
    gazetteer = load_gazetteer()
    built = build_network(gazetteer, NOW, sizes, seed)
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "audience.db")
        await db.migrate()
        started = time.perf_counter()
        async with db.transaction() as conn:
            await bulk.load_network(conn, built.associations, built.members, built.posts, NOW)
        print(
            f"network: {len(built.associations):,} associations, {len(built.members):,} members,"
            f" {len(built.posts):,} posts ({sum(p.status == 'open' for p in built.posts):,} open)"
            f", loaded in {time.perf_counter() - started:.1f} s"
        )
        clock = ManualClock(NOW)
        config = NetworkConfig(limits=Limits(messages_per_window=1_000_000))
        dispatcher = Dispatcher(db, clock, gazetteer, config)
        rng = random.Random(seed)
        authors = rng.sample([m for m in built.members if m.role == "member"], measured)
        queued: list[float] = []
        computed: list[float] = []
        reached: list[int] = []
        rows: list[int] = []
        for n, author in enumerate(authors):
            before = await _outbox_rows(db)
            text = MESSAGES[n % len(MESSAGES)]
            incoming = Incoming(Address(author.channel, author.external_id), f"b{n}", text, NOW)
            started = time.perf_counter()
            await dispatcher.handle(incoming)
            queued.append((time.perf_counter() - started) * 1000)
            rows.append(await _outbox_rows(db) - before)
            async with db.transaction() as conn:
                post = await posts.latest_post_by(conn, author.id)
                assert post is not None, text
                started = time.perf_counter()
                reach = await reach_of(conn, post)
                await matching.matches_for(conn, post, NOW.date())
                computed.append((time.perf_counter() - started) * 1000)
                reached.append(len(reach.association_ids))
        await db.close()
    computed_stats, queued_stats = Stats.of(computed), Stats.of(queued)
    print(f"posts measured: {measured} (seed {seed})")
    print(
        f"associations reached per post: median {sorted(reached)[len(reached) // 2]},"
        f" max {max(reached)}; outbox rows per post: median {sorted(rows)[len(rows) // 2]},"
        f" max {max(rows)}"
    )
    print(f"computed (audience + matches): {computed_stats}")
    print(f"queued (message in → relay committed): {queued_stats}")
    ok = computed_stats.p95 < COMPUTED_BUDGET_MS and queued_stats.p95 < QUEUED_BUDGET_MS
    print(
        f"targets: computed p95 < {COMPUTED_BUDGET_MS:.0f} ms, queued p95 <"
        f" {QUEUED_BUDGET_MS:.0f} ms: {'met' if ok else 'NOT met'}"
    )
    return ok


async def _outbox_rows(db: Database) -> int:
    async with db.transaction() as conn:
        return sum((await outbox.count_by_state(conn)).values())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--associations", type=int, default=5_000)
    parser.add_argument("--members-per-association", type=int, default=2)
    parser.add_argument("--network-posts", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=60, help="posts measured")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    sizes = Sizes(args.associations, args.members_per_association, args.network_posts)
    return 0 if asyncio.run(run(sizes, args.posts, args.seed)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
