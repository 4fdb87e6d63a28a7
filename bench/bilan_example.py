"""The README's example bilan (issue 13): a demo network's November 2026, its text and chart.

    .venv/bin/python bench/bilan_example.py            # writes docs/bilan-exemple.png, prints
                                                       # the text the README shows

A small network of bench/network.py (60 associations of Occitanie, 1,500 posts over the year,
seed 11) with a year of activity (`bench.network.year_of_activity`), in a temporary SQLite
file; the bilan is the network administrator's `/bilan` on 1 December 2026 (last month), drawn
by the same functions as the bot's (handlers/bilan.py, handlers/charts.py).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.network import Sizes, build_network, year_of_activity
from handlers import bilan, charts
from handlers.equivalents import Equivalents
from handlers.periods import parse_period
from handlers.understanding import load_gazetteer
from storage.bulk import load_activity, load_network
from storage.db import Database

ROOT = Path(__file__).resolve().parents[1]
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)
SIZES = Sizes(associations=60, members_per_association=2, posts=1_500)
IMAGE = ROOT / "docs" / "bilan-exemple.png"


async def example() -> tuple[str, bytes]:
    network = build_network(load_gazetteer(), NOW, SIZES)
    year = year_of_activity(network, NOW)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "exemple.db")
        try:
            async with db.transaction() as conn:
                await load_network(conn, network.associations, network.members, year.posts, NOW)
                await load_activity(conn, year.claims, year.events)
                period = parse_period("", date(2026, 12, 1))
                found = await bilan.compute(conn, period, PARIS, None)
        finally:
            await db.close()
    equivalents = Equivalents()
    text = bilan.bilan_text(found, "fr", equivalents)
    return text, charts.render_bilan_chart(bilan.chart_data(found, "fr", equivalents))


def main() -> None:
    text, png = asyncio.run(example())
    IMAGE.write_bytes(png)
    print(text)
    print(f"\n{IMAGE.relative_to(ROOT)}: {len(png):,} bytes")


if __name__ == "__main__":
    main()
