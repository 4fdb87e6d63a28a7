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
  dispatcher (figures, text, chart drawn, the reply and its photo stored in the outbox);
- issue 13, part 4: `report_month_ms`, the monthly report of the network (November: figures of
  both months, its links, chart and PDF), and `report_pdf_ms`, the PDF alone; `report_dispatch_ms`
  `/rapport novembre` through the dispatcher (the PDF stored in the outbox).

The year also holds the shared equipment calendar and the group purchases of issue 14
(`calendar_of_the_year`: 1,000 resources, 20,000 bookings, 600 purchases), which the indicators
count as loans and purchases.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.network import BuiltNetwork, Sizes, build_network, year_of_activity
from bot.clock import ManualClock
from bot.dispatch import Dispatcher
from handlers import bilan, charts, report
from handlers.context import NetworkConfig
from handlers.equivalents import Equivalents
from handlers.indicators import moved
from handlers.messages import Address, Incoming
from handlers.periods import Period
from handlers.understanding import load_gazetteer
from storage import indicators
from storage.bulk import load_activity, load_network
from storage.db import Conn, Database
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
        await calendar_of_the_year(conn, network)
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


RESOURCE_KINDS = ("vehicule_frigo", "vehicule", "stockage_froid", "conserverie", "benevoles")
BOOKING_STATUSES = ("returned",) * 7 + ("confirmed", "cancelled", "declined")


async def calendar_of_the_year(conn: Conn, network: BuiltNetwork, seed: int = 17) -> None:
    """Issue 14 over the year: a resource for one association in five, 20,000 bookings
    (70 % returned, 10 % confirmed, cancelled, declined; a few of the owner's own), from a
    quarter of a day to three days; 600 group purchases (70 % reached), 2 to 8 orders each."""
    rng = random.Random(seed)
    first = datetime(2025, 12, 1, 8, tzinfo=PARIS)
    seconds = int((NOW - first).total_seconds())
    coordinator = {m.association_id: m.id for m in network.members}
    associations = [a.id for a in network.associations]
    owners = associations[:: max(1, len(associations) // 1000)][:1000]
    resources = [
        (i + 1, owner, rng.choice(RESOURCE_KINDS), f"Ressource {i + 1}", to_db(first))
        for i, owner in enumerate(owners)
    ]
    await conn.executemany(
        "INSERT INTO resources (id, association_id, kind, name, created_at) VALUES (?, ?, ?, ?, ?)",
        resources,
    )
    bookings = []
    for i in range(20_000):
        resource, owner = rng.choice(resources)[:2]
        borrower = owner if rng.random() < 0.03 else rng.choice(associations)
        start = first + timedelta(seconds=rng.randrange(seconds))
        days = rng.choice((0.25, 0.5, 1.0, 1.0, 2.0, 3.0))
        end = start + timedelta(days=days)
        bookings.append(
            (i + 1, resource, owner, borrower, coordinator[borrower], to_db(start), to_db(end),
             days, rng.choice(BOOKING_STATUSES), to_db(start), to_db(start))
        )  # fmt: skip
    await conn.executemany(
        "INSERT INTO bookings (id, resource_id, owner_association_id, borrower_association_id,"
        " member_id, start_at, end_at, days, status, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        bookings,
    )
    for i in range(600):
        organiser = rng.choice(associations)
        closes = first + timedelta(seconds=rng.randrange(seconds))
        status = "reached" if rng.random() < 0.7 else "cancelled"
        await conn.execute(
            "INSERT INTO purchases (id, association_id, organiser_id, product, pack,"
            " unit_price_cents, supplier, minimum_kind, minimum, closes_at, remind_at, status,"
            " closed_at, created_at, updated_at)"
            " VALUES (?, ?, ?, 'riz', 'sac de 25 kg', 1850, 'Metro', 'packs', 20,"
            " ?, ?, ?, ?, ?, ?)",
            (i + 1, organiser, coordinator[organiser], *[to_db(closes)] * 2, status,
             *[to_db(closes)] * 3),
        )  # fmt: skip
        for taker in rng.sample(associations, rng.randint(2, 8)):
            await conn.execute(
                "INSERT INTO purchase_orders (purchase_id, association_id, member_id, quantity,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (i + 1, taker, coordinator[taker], rng.randint(1, 10), *[to_db(closes)] * 2),
            )


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
                november = await indicators.figures(conn, month_bounds)
                figures["month_loans"] = sum(loan.loans for loan in november.loans)
                figures["month_purchases"] = november.purchases.reached

                async def month_report() -> bytes:
                    found = await report.gather(conn, MONTH, PARIS, None, equivalents, NOW)
                    return report.render(found, "fr", equivalents)

                figures["report_month_ms"] = (
                    await median_ms(month_report, repeat, "report_month_ms")
                )[0]
                gathered = await report.gather(conn, MONTH, PARIS, None, equivalents, NOW)
                png = charts.render_bilan_chart(bilan.chart_data(gathered.bilan, "fr", equivalents))

                async def pdf() -> bytes:
                    return report.pdf_bytes(gathered, "fr", equivalents, png)

                figures["report_pdf_ms"] = (await median_ms(pdf, repeat, "report_pdf_ms"))[0]
            figures["dispatch_ms"] = await through_the_dispatcher(db, admin, repeat)
            figures["report_dispatch_ms"] = await through_the_dispatcher(
                db, admin, repeat, "/rapport novembre"
            )
        finally:
            await db.close()
    return figures


async def through_the_dispatcher(
    db: Database, admin: int, repeat: int, text: str = "/bilan 01/12/2025-30/11/2026"
) -> float:
    """`/bilan` of the year (or `text`), as a network administrator writes it, reply stored."""
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
            message_id=f"{text}-{index}",
            text=text,
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
