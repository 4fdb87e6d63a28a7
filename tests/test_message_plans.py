"""Every statement on the path of a message reads an index (issue 12).

The whole stack (python-telegram-bot on the fake Bot API, intake, dispatcher, sender) on a
reduced network with a year of claims and events: members write the everyday messages and
commands, and every statement SQLite ran meanwhile is explained (`EXPLAIN QUERY PLAN`). None
may scan a table that grows with the network (members, identities, associations, posts,
claims, events, the outbox), nor read all its rows in one state (the held outbox rows), nor
build a list of one (`LIST SUBQUERY` over a scan: `x IN (SELECT id FROM members ...)`).

Found by measuring, not by reading: `touch_writer` (every message) built the list of every
member (`member_id IN (SELECT id FROM members WHERE status != 'removed')`), ~5 ms of the 8 ms
of CPU an /aide cost at 10,000 members, and no test at the small sizes saw it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bench.network import BuiltNetwork, Sizes, build_network
from bench.scale_scheduler import build_activity
from bot.app import Boucle
from bot.clock import ManualClock
from handlers.understanding import Gazetteer
from storage.bulk import load_activity, load_network
from storage.db import Database
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.test_statement_budget import settings_for

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
REDUCED = Sizes(associations=300, posts=3_000)
# Tables that grow with the network or its history. A scan of one of them inside a message is
# a cost per member or per post; an alias is matched by the table's name in the plan line.
GROWING = ("members", "identities", "associations", "posts", "claims", "events", "outbox")
SCAN = re.compile(r"^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?")
# A search on a state alone reads every row in that state: for the outbox's held rows, or the
# posts' open ones, a number that grows with the network like a scan.
STATE_ONLY = re.compile(r"^SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \((?:state|status)=\?\)$")


@dataclass
class Traced:
    statements: set[str] = field(default_factory=set)
    on: bool = False

    def __call__(self, sql: str) -> None:
        if self.on and not sql.startswith("--"):
            self.statements.add(sql)


@dataclass
class Stack:
    api: FakeTelegramAPI
    app: Boucle
    network: BuiltNetwork
    traced: Traced


@pytest.fixture
async def stack(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[Stack]:
    path = tmp_path / "plans.db"
    network = build_network(gazetteer, NOW, REDUCED, seed=5)
    claims, events = build_activity(network, NOW, seed=5)
    db = await Database.open(path)
    try:
        await db.migrate()
        async with db.transaction() as conn:
            await load_network(conn, network.associations, network.members, network.posts, NOW)
            await load_activity(conn, claims, events)
    finally:
        await db.close()
    async with FakeTelegramAPI() as api:
        app = await Boucle.create(settings_for(api, path), ManualClock(NOW))
        app.scheduler = None  # the tick has its own plan test (tests/test_scheduler_scale.py)
        app.sender.policy = replace(app.sender.policy, idle_poll_seconds=3600)
        traced = Traced()
        conn: Any = app.db._conn  # test instrumentation only
        await conn.set_trace_callback(traced)
        await app.start()
        try:
            yield Stack(api, app, network, traced)
        finally:
            await app.stop()


ALIAS = re.compile(r"\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.IGNORECASE)


def tables_by_name(sql: str) -> dict[str, str]:
    """Each table of `sql` by the name a plan line gives it: its own, and its alias."""
    names: dict[str, str] = {}
    for table, alias in ALIAS.findall(sql):
        names[table] = table
        if alias and alias.upper() not in ("WHERE", "ON", "JOIN", "LEFT", "INNER", "USING", "SET"):
            names[alias] = table
    return names


def plan_scans(sql: str, plan: list[str]) -> list[str]:
    """The plan lines that read a growing table whole. A table the statement does not name is
    left out: the plan of an INSERT into a parent table (claims) shows SQLite's check of its
    children (`SCAN events`), which runs only while a deferred foreign-key violation is
    pending, never with our immediate keys."""
    names = tables_by_name(sql)
    found = []
    for line in plan:
        match = SCAN.match(line) or STATE_ONLY.match(line)
        if match and match.group(1) in names and names[match.group(1)] in GROWING:
            found.append(line)
    return found


def test_plan_scans_sees_a_scan_and_a_list_built_from_one() -> None:
    listed = "SELECT 1 FROM identities WHERE member_id IN (SELECT id FROM members m)"
    assert plan_scans(listed, ["SCAN members USING COVERING INDEX members_association_role"])
    assert plan_scans(listed, ["LIST SUBQUERY 1", "SCAN m"])
    assert not plan_scans(listed, ["SEARCH members USING INTEGER PRIMARY KEY (rowid=?)"])
    assert not plan_scans("SELECT * FROM purchases p", ["SCAN p"])  # not the posts
    assert not plan_scans("SELECT * FROM drafts", ["SCAN drafts"])
    assert not plan_scans("INSERT INTO claims (post_id) VALUES (1)", ["SCAN events"])
    held = "UPDATE outbox SET state = 'queued' WHERE state = 'held' AND external_id = '7'"
    assert plan_scans(held, ["SEARCH outbox USING INDEX outbox_state_created (state=?)"])


async def say(stack: Stack, chat: int, text: str) -> None:
    before = len(stack.api.messages_to(chat))
    stack.api.send_text(chat, text)
    await stack.api.wait_for(
        lambda: len(stack.api.messages_to(chat)) > before, timeout=20.0, what=f"a reply to {text}"
    )


async def test_no_statement_of_an_everyday_message_scans_a_growing_table(stack: Stack) -> None:
    members = [m for m in stack.network.members if m.role == "member"]
    coordinators = [m for m in stack.network.members if m.role == "coordinator"]
    open_posts = [p for p in stack.network.posts if p.status == "open"]
    member, coordinator = int(members[3].external_id), int(coordinators[7].external_id)
    other = int(members[11].external_id)
    taken = next(p.id for p in open_posts if p.association_id != members[3].association_id)
    stack.traced.on = True
    for chat, text in (
        (member, "/aide"),
        (member, "/liste"),
        (member, "/liste dons 20km"),
        (member, "merci !"),
        (member, "/besoin 20 kg de riz pour vendredi"),
        (member, "on a 30 kg de pommes à donner demain"),
        (member, "/don 12 cartons de lait UHT, à prendre avant jeudi"),
        (member, f"/prendre {taken}"),
        (member, f"/fait {taken}"),
        (member, "/mes"),
        (other, "/profil"),
        (other, "/notifs"),
        (coordinator, "/membres"),
        (coordinator, "/invitations"),
        (coordinator, "/ressources"),
        (coordinator, "/agenda"),
        (coordinator, "/achats"),
    ):
        await say(stack, chat, text)
    await asyncio.sleep(0.2)  # the sender's last marks
    stack.traced.on = False
    statements = sorted(stack.traced.statements)
    assert any("identities" in s for s in statements)
    assert any(s.startswith("INSERT INTO posts") for s in statements)
    offending: dict[str, list[str]] = {}
    raw: Any = stack.app.db._conn.raw
    for sql in statements:
        if sql.split(None, 1)[0].upper() in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"):
            continue
        plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql).fetchall()]
        if found := plan_scans(sql, plan):
            offending[" ".join(sql.split())] = found
    assert not offending, "\n".join(f"{sql}\n  {plan}" for sql, plan in offending.items())
