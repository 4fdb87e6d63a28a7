"""The scheduler at scale (issue 12), on a reduced network (500 associations, 1,000 members,
10,000 posts, a year of claims and events: bench/scale_scheduler.py), in a few seconds.

- Every statement a tick runs (digests due, one digest, the 08:00 burst, reminders, expiries,
  escalation searches) is read from an index: no SCAN of posts, claims, events or members
  (`EXPLAIN QUERY PLAN` of each statement as it ran).
- A guard against regressions: the tick with nothing due and one digest stay within their
  budgets, counted in statements (exact) and timed as a ratio to a `SELECT 1` through the
  same connection in the same run (never an absolute time: the machine is shared).
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from bench.network import Sizes
from bench.scale_scheduler import NO_ESCALATION, TZ, at, build_database
from bot.clock import ManualClock
from bot.scheduler import Scheduler, Tally
from handlers.understanding import Gazetteer
from storage.db import Database

REDUCED = Sizes(associations=500, posts=10_000)
# Budgets, generous (a wide margin over what the code does: a regression to one lookup per
# subscriber or a scan is 10 to 100 times over them). Statements include BEGIN and COMMIT, and
# each row of an `executemany` (the trace sees one statement per row).
IDLE_TICK_STATEMENTS = 20
ONE_DIGEST_STATEMENTS = 40
BURST_STATEMENTS_PER_DIGEST = 10.0
IDLE_TICK_PINGS = 60.0
ONE_DIGEST_PINGS = 150.0
WATCHED = ("posts", "claims", "events", "members")


@dataclass
class Traced:
    statements: list[str] = field(default_factory=list)

    def __call__(self, sql: str) -> None:
        self.statements.append(sql)


@dataclass
class Scale:
    db: Database
    clock: ManualClock
    scheduler: Scheduler
    singles: list[int]
    traced: Traced


@pytest.fixture
async def scale(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[Scale]:
    db, singles = await build_database(tmp_path / "scale.db", gazetteer, REDUCED)
    clock = ManualClock(at(6, 58))
    scheduler = Scheduler(db, clock, TZ, escalate_after=NO_ESCALATION)
    await scheduler.run_due_jobs()  # the first computation of every next digest
    traced = Traced()
    await db._conn.set_trace_callback(traced)
    try:
        yield Scale(db, clock, scheduler, singles, traced)
    finally:
        await db._conn.set_trace_callback(None)
        await db.close()


async def tick(scale: Scale, moment: datetime) -> tuple[float, list[str]]:
    """Run the tick at `moment`: seconds taken, statements run."""
    elapsed, statements, _ = await counted_tick(scale, moment)
    return elapsed, statements


async def counted_tick(scale: Scale, moment: datetime) -> tuple[float, list[str], Tally]:
    """Run the tick at `moment`: seconds taken, statements run, what it did."""
    scale.clock.set(moment)
    scale.traced.statements.clear()
    start = time.perf_counter()
    tally = await scale.scheduler.run_due_jobs()
    elapsed = time.perf_counter() - start
    return elapsed, list(scale.traced.statements), tally


def scans(plan: list[str]) -> list[str]:
    pattern = re.compile(r"^SCAN (\w+)")
    found: list[str] = []
    for line in plan:
        match = pattern.match(line)
        if match and match.group(1) in WATCHED:
            found.append(line)
        # An alias: "SCAN p" (posts p), "SCAN c", "SCAN e", "SCAN m".
        if match and match.group(1) in ("p", "c", "e", "m"):
            found.append(line)
    return found


async def test_every_statement_of_a_tick_reads_an_index(scale: Scale) -> None:
    seen: set[str] = set()
    moments = [at(6, 59), at(7, 0), at(8, 0), at(9, 0), at(10, 0), at(15, 0), at(23, 59)]
    for moment in moments:
        _, statements = await tick(scale, moment)
        seen.update(s for s in statements if s.lstrip().upper().startswith("SELECT"))
    assert any("digest_schedule" in s for s in seen)
    assert any("FROM events" in s for s in seen)
    await scale.db._conn.set_trace_callback(None)
    offending: dict[str, list[str]] = {}
    async with scale.db.transaction() as conn:
        for sql in sorted(seen):
            async with conn.execute("EXPLAIN QUERY PLAN " + sql) as cur:
                plan = [row[3] for row in await cur.fetchall()]
            if scans(plan):
                offending[sql[:200]] = plan
    assert not offending, offending


async def test_the_tick_and_a_digest_stay_within_their_budgets(scale: Scale) -> None:
    pings: list[float] = []
    for _ in range(200):
        start = time.perf_counter()
        await scale.db.ping()
        pings.append(time.perf_counter() - start)
    ping = statistics.median(pings)

    idle_before = [await tick(scale, at(6, 59, second)) for second in range(5)]
    ones, differences = [], []
    for minute in range(len(scale.singles)):
        one = await tick(scale, at(7, minute))
        idle = await tick(scale, at(7, minute, 30))
        ones.append(one)
        differences.append(one[0] - idle[0])
    _, burst, burst_tally = await counted_tick(scale, at(8, 0))
    idle_after = [await tick(scale, at(9, 0, second)) for second in range(5)]

    # Statements: exact, whatever the machine.
    assert max(len(s) for _, s in idle_before + idle_after) <= IDLE_TICK_STATEMENTS
    assert max(len(s) for _, s in ones) <= ONE_DIGEST_STATEMENTS
    digests = burst_tally.digests
    assert digests > 400
    assert len(burst) / digests <= BURST_STATEMENTS_PER_DIGEST, len(burst)

    # Time, as a ratio to a SELECT 1 through the same connection, in this run.
    idle_ratio = statistics.median(t for t, _ in idle_before + idle_after) / ping
    digest_ratio = statistics.median(differences) / ping
    assert idle_ratio <= IDLE_TICK_PINGS, f"idle tick = {idle_ratio:.0f} pings"
    assert digest_ratio <= ONE_DIGEST_PINGS, f"one digest = {digest_ratio:.0f} pings"
