"""Benchmark (issue 13): the indicators of a year of the largest network, summed in SQL.

    .venv/bin/python bench/indicators.py                       # 5,000 / 10,000 / 100,000
    .venv/bin/python bench/indicators.py --associations 500 --posts 10000 --repeat 3

Builds the network of bench/network.py (seed 11) with a year of activity
(`bench.network.year_of_activity`: posts in kg, cartons, cagettes, litres, repas…, done posts
taken whole or in two parts, figures corrected, claims withdrawn, posts partly taken then
expired or withdrawn, loans of equipment and volunteers) in a temporary SQLite file, then
measures on Tuesday 1 December 2026, 09:00 (Europe/Paris), the median of `--repeat` runs
after one not counted:

- `year_network_ms`: `storage.indicators.figures` of the network's year (1 December 2025 to
  30 November 2026, in monthly bins), each of its two statements apart too
  (`year_exchanges_ms`, `year_posts_ms`);
- `year_bilan_ms`: what `/bilan` computes for it: both periods (the previous year too), the
  text and the chart's data, without drawing; `chart_ms`: drawing the chart (PNG);
- `month_network_ms`, `month_association_ms`, `year_association_ms`: November 2026, of the
  network and of the association with the most transfers;
- next to the main ones, the process's CPU time (SQLite's thread included): on a shared machine
  the wall time moves with the others' load, the CPU time much less;
- `dispatch_ms`: `/bilan 01/12/2025-30/11/2026` from a network administrator through the
  dispatcher (figures, text, chart drawn, the reply and its photo stored in the outbox).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.network import Sizes, build_network, year_of_activity
from bot.clock import ManualClock
from bot.dispatch import Dispatcher
from handlers import bilan, charts
from handlers.context import NetworkConfig
from handlers.equivalents import Equivalents
from handlers.indicators import moved
from handlers.messages import Address, Incoming
from handlers.periods import Period
from handlers.understanding import load_gazetteer
from storage import indicators
from storage.bulk import load_activity, load_network
from storage.db import Database
from storage.timefmt import to_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)
YEAR = Period("range", date(2025, 12, 1), date(2026, 11, 30))
MONTH = Period("month", date(2026, 11, 1), date(2026, 11, 30))
TARGET_MS = 1000.0
T = TypeVar("T")


async def build(path: Path, sizes: Sizes) -> tuple[Database, int, int]:
    """The network and its year in `path`; (database, a network administrator's member id,
    the association with the most transfers)."""
    network = build_network(load_gazetteer(), NOW, sizes)
    year = year_of_activity(network, NOW)
    db = await Database.open(path)
    async with db.transaction() as conn:
        await load_network(conn, network.associations, network.members, year.posts, NOW)
        await load_activity(conn, year.claims, year.events)
        admin = network.members[0].id
        await conn.execute(
            "INSERT INTO network_admins (member_id, granted_at) VALUES (?, ?)",
            (admin, to_db(NOW)),
        )
        async with conn.execute(
            "SELECT association_id FROM claims WHERE status = 'done'"
            " GROUP BY association_id ORDER BY COUNT(*) DESC LIMIT 1"
        ) as cur:
            row = await cur.fetchone()
    assert row is not None
    return db, admin, int(row[0])


# CPU time of this process (SQLite's thread included) for each measure of `median_ms`: on a
# shared machine the wall time moves with the others' load, the CPU time much less.
CPU_MS: dict[str, float] = {}


async def median_ms(
    action: Callable[[], Awaitable[T]], repeat: int, name: str = ""
) -> tuple[float, T]:
    values: list[float] = []
    cpu: list[float] = []
    result: T | None = None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = await action()
        values.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    assert result is not None
    if name:
        CPU_MS[name] = statistics.median(cpu)
    return statistics.median(values), result


async def measure(sizes: Sizes, repeat: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    equivalents = Equivalents()
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        db, admin, busiest = await build(Path(tmp) / "indicators.db", sizes)
        figures["build_s"] = time.perf_counter() - began
        try:
            async with db.transaction() as conn:
                year_bounds = YEAR.bin_bounds(PARIS)

                async def year_network() -> indicators.Figures:
                    return await indicators.figures(conn, year_bounds)

                await year_network()  # warm-up, not counted: the pages read once from disk

                ms, year = await median_ms(year_network, repeat, "year_network_ms")
                figures["year_network_ms"] = ms
                done = moved(year.flows_of("given"), equivalents)
                figures["year_transfers"] = done.transfers
                figures["year_tonnes"] = round(done.kilos / 1000, 1)
                figures["year_needs_posted"] = year.posted("need").posted
                for name, (sql, params) in indicators.statements(year_bounds, None).items():

                    async def one(sql: str = sql, params: dict[str, object] = params) -> int:
                        async with conn.execute(sql, params) as cur:
                            return len(await cur.fetchall()) + 1

                    figures[f"year_{name}_ms"] = (await median_ms(one, repeat))[0]

                async def year_bilan() -> charts.ChartData:
                    found = await bilan.compute(conn, YEAR, PARIS, None)
                    bilan.bilan_text(found, "fr", equivalents)
                    return bilan.chart_data(found, "fr", equivalents)

                figures["year_bilan_ms"], data = await median_ms(
                    year_bilan, repeat, "year_bilan_ms"
                )
                charts.render_bilan_chart(data)  # matplotlib imported once

                async def draw() -> bytes:
                    return charts.render_bilan_chart(data)

                figures["chart_ms"] = (await median_ms(draw, repeat, "chart_ms"))[0]
                month_bounds = MONTH.bin_bounds(PARIS)

                async def month_network() -> indicators.Figures:
                    return await indicators.figures(conn, month_bounds)

                async def month_association() -> indicators.Figures:
                    return await indicators.figures(conn, month_bounds, busiest)

                async def year_association() -> indicators.Figures:
                    return await indicators.figures(conn, year_bounds, busiest)

                figures["month_network_ms"] = (
                    await median_ms(month_network, repeat, "month_network_ms")
                )[0]
                figures["month_association_ms"] = (await median_ms(month_association, repeat))[0]
                figures["year_association_ms"] = (await median_ms(year_association, repeat))[0]
            figures["dispatch_ms"] = await through_the_dispatcher(db, admin, repeat)
        finally:
            await db.close()
    return figures


async def through_the_dispatcher(db: Database, admin: int, repeat: int) -> float:
    """`/bilan` of the year, as a network administrator writes it, reply stored."""
    async with (
        db.transaction() as conn,
        conn.execute(
            "SELECT channel, external_id FROM identities WHERE member_id = ?", (admin,)
        ) as cur,
    ):
        row = await cur.fetchone()
    assert row is not None
    dispatcher = Dispatcher(db, ManualClock(NOW), load_gazetteer(), NetworkConfig())
    values: list[float] = []
    for index in range(repeat):
        incoming = Incoming(
            address=Address(row[0], row[1]),
            message_id=f"bilan-{index}",
            text="/bilan 01/12/2025-30/11/2026",
            received_at=NOW,
        )
        started = time.perf_counter()
        replies = await dispatcher.handle(incoming)
        values.append((time.perf_counter() - started) * 1000)
        assert replies and replies[0].attachment is not None, replies
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--associations", type=int, default=Sizes().associations)
    parser.add_argument("--posts", type=int, default=Sizes().posts)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    sizes = Sizes(options.associations, Sizes().members_per_association, options.posts)
    figures = asyncio.run(measure(sizes, options.repeat))
    for name, value in figures.items():
        cpu = f"   (CPU {CPU_MS[name]:.1f})" if name in CPU_MS else ""
        print(f"{name:24} {value:10.1f}{cpu}")
    for name in ("year_network_ms", "year_bilan_ms", "month_association_ms"):
        verdict = "met" if figures[name] < TARGET_MS else "NOT met"
        print(f"{name}: {figures[name]:.0f} ms (target < {TARGET_MS:.0f} ms): {verdict}")


if __name__ == "__main__":
    main()
