"""Benchmark (issue 13): streaming the transfers of a year of the whole network to a file.

    .venv/bin/python bench/export.py                        # 5,000 / 10,000 / 100,000
    .venv/bin/python bench/export.py --associations 500 --posts 10000

Builds the network of bench/network.py (seed 11) with a year of claims and events
(bench/scale_scheduler.py's `build_activity`: a completed claim on every done post, about
47,500 transfers at full size) in a temporary SQLite file, then measures, on the year before
the network's day (2 December 2026, Europe/Paris):

- `count_ms`: `count_transfers` of the year; `count_capped_ms`: the same stopped at
  `MAX_CHAT_ROWS` + 1, what `/export année` checks before building a file in the chat;
- `rows_s`, `rows_per_s`: reading every transfer (`storage.transfers.transfers`, batches of
  1,000), nothing written;
- `csv_s`, `xlsx_s`: `boucle export`'s writers to a file (kilos and summary included), with
  the file's size;
- `one_association_ms`: the year of the association with the most transfers;
- `chat_month_s`: a month of the whole network as `/export` builds it, a spreadsheet in memory;
- `peak_mb`: the peak of Python's traced memory while the year is written to CSV.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.network import Sizes, build_network
from bench.scale_scheduler import build_activity
from handlers import exports
from handlers.equivalents import Equivalents
from handlers.periods import Period
from handlers.understanding import load_gazetteer
from storage import transfers
from storage.bulk import load_activity, load_network
from storage.db import Database

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 2, 6, 0, tzinfo=PARIS)
YEAR = exports.dates(date(2025, 12, 2), date(2026, 12, 1))
MONTH = exports.dates(date(2026, 11, 1), date(2026, 11, 30))


async def build(path: Path, sizes: Sizes) -> Database:
    network = build_network(load_gazetteer(), NOW, sizes)
    claims, events = build_activity(network, NOW)
    db = await Database.open(path)
    async with db.transaction() as conn:
        await load_network(conn, network.associations, network.members, network.posts, NOW)
        await load_activity(conn, claims, events)
    return db


async def write(db: Database, period: Period, chosen: exports.Format, path: Path) -> int:
    start, end = period.bounds(PARIS)
    summary = exports.Summary("fr", Equivalents())
    top = exports.heading("fr", period, None)
    async with db.snapshot() as conn:
        with path.open("wb") as sink:
            rows = transfers.transfers(conn, start, end)
            await exports.write_export(rows, sink, chosen, summary, PARIS, top)
    return summary.transfers


async def measure(sizes: Sizes) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        db = await build(Path(tmp) / "export.db", sizes)
        figures["build_s"] = time.perf_counter() - began
        start, end = YEAR.bounds(PARIS)
        try:
            async with db.snapshot() as conn:
                began = time.perf_counter()
                count = await transfers.count_transfers(conn, start, end)
                figures["count_ms"] = (time.perf_counter() - began) * 1000
                figures["transfers"] = count
                began = time.perf_counter()
                await transfers.count_transfers(conn, start, end, limit=exports.MAX_CHAT_ROWS + 1)
                figures["count_capped_ms"] = (time.perf_counter() - began) * 1000
                began = time.perf_counter()
                seen = 0
                busiest: dict[int, int] = {}
                async for row in transfers.transfers(conn, start, end):
                    seen += 1
                    busiest[row.giver_id] = busiest.get(row.giver_id, 0) + 1
                    busiest[row.receiver_id] = busiest.get(row.receiver_id, 0) + 1
                figures["rows_s"] = time.perf_counter() - began
                figures["rows_per_s"] = seen / figures["rows_s"]
                assert seen == count, (seen, count)
                top = max(busiest, key=lambda a: busiest[a])
                began = time.perf_counter()
                mine = [r async for r in transfers.transfers(conn, start, end, top)]
                figures["one_association_ms"] = (time.perf_counter() - began) * 1000
                figures["one_association_rows"] = len(mine)
            for chosen in exports.FORMATS:
                path = Path(tmp) / f"year.{chosen}"
                began = time.perf_counter()
                await write(db, YEAR, chosen, path)
                figures[f"{chosen}_s"] = time.perf_counter() - began
                figures[f"{chosen}_mb"] = path.stat().st_size / 1e6
            began = time.perf_counter()
            month_start, month_end = MONTH.bounds(PARIS)
            async with db.transaction() as conn:
                sink = io.BytesIO()
                summary = exports.Summary("fr", Equivalents())
                rows = transfers.transfers(conn, month_start, month_end)
                top_line = exports.heading("fr", MONTH, None)
                await exports.write_xlsx(rows, sink, summary, PARIS, top_line)
            figures["chat_month_s"] = time.perf_counter() - began
            figures["chat_month_rows"] = summary.transfers
            figures["chat_month_kb"] = len(sink.getvalue()) / 1e3
            tracemalloc.start()
            await write(db, YEAR, "csv", Path(tmp) / "traced.csv")
            figures["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
        finally:
            await db.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--associations", type=int, default=Sizes.associations)
    parser.add_argument("--posts", type=int, default=Sizes.posts)
    args = parser.parse_args()
    sizes = Sizes(associations=args.associations, posts=args.posts)
    for name, value in asyncio.run(measure(sizes)).items():
        print(f"{name:>22}: {value:,.2f}")


if __name__ == "__main__":
    main()
