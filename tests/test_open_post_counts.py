"""The open posts' counts kept by triggers (migration 0033) never drift from the posts (issue 12).

`/liste` reads its total from `open_post_counts` instead of counting every open post. Random
writes of every shape a post sees (created open or not, taken, reopened, done, cancelled,
expired, made urgent or not, its kind corrected, deleted, several rows in one statement) are
applied, and after each batch the counts equal a COUNT over the posts themselves.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import posts
from storage.connection import Conn
from storage.db import Database
from tests.conftest import START

KINDS = ("need", "offer", "equipment_request", "equipment_offer")
STATUSES = ("open", "taken", "done", "cancelled", "expired")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "counts.db")
    await database.migrate()
    async with database.transaction() as conn:
        await conn.execute(
            "INSERT INTO associations (id, name, commune, created_at)"
            " VALUES (1, 'Resto', 'Albi', ?)",
            (START.isoformat(),),
        )
        await conn.execute(
            "INSERT INTO members (id, association_id, name, role, joined_at)"
            " VALUES (1, 1, 'Alice', 'member', ?)",
            (START.isoformat(),),
        )
    try:
        yield database
    finally:
        await database.close()


async def counted(conn: Conn) -> dict[tuple[str, bool], int]:
    """What a COUNT over the posts says, by kind and urgency."""
    rows = await conn.execute_fetchall(
        "SELECT kind, urgent != 0, COUNT(*) FROM posts WHERE status = 'open'"
        " GROUP BY kind, urgent != 0"
    )
    return {(str(r[0]), bool(r[1])): int(r[2]) for r in rows}


async def kept(conn: Conn) -> dict[tuple[str, bool], int]:
    """What the kept counts say, by kind and urgency (empty rows left out)."""
    result = {}
    for kind in KINDS:
        urgent, others = await posts.count_open_posts(conn, (kind,))  # type: ignore[arg-type]
        result.update({(kind, True): urgent, (kind, False): others})
    return {key: value for key, value in result.items() if value}


async def random_write(conn: Conn, rng: random.Random) -> None:
    ids = [int(r[0]) for r in await conn.execute_fetchall("SELECT id FROM posts")]
    action = rng.choice(("insert", "insert", "status", "urgent", "kind", "many", "delete"))
    if action == "insert" or not ids:
        await conn.execute(
            "INSERT INTO posts (kind, what, urgent, status, author_id, association_id,"
            " original_text, created_at, updated_at) VALUES (?, 'riz', ?, ?, 1, 1, '', ?, ?)",
            (
                rng.choice(KINDS),
                rng.choice((0, 1)),
                rng.choice(("open", "open", *STATUSES)),
                START.isoformat(),
                START.isoformat(),
            ),
        )
    elif action == "status":
        await conn.execute(
            "UPDATE posts SET status = ? WHERE id = ?", (rng.choice(STATUSES), rng.choice(ids))
        )
    elif action == "urgent":
        await conn.execute(
            "UPDATE posts SET urgent = ? WHERE id = ?", (rng.choice((0, 1, 2)), rng.choice(ids))
        )
    elif action == "kind":
        await conn.execute(
            "UPDATE posts SET kind = ?, status = ? WHERE id = ?",
            (rng.choice(KINDS), rng.choice(STATUSES), rng.choice(ids)),
        )
    elif action == "many":  # one statement, several rows: expiry, a purge
        await conn.execute(
            "UPDATE posts SET status = ? WHERE id % 3 = ?", (rng.choice(STATUSES), rng.randrange(3))
        )
    else:
        await conn.execute("DELETE FROM posts WHERE id = ?", (rng.choice(ids),))


async def test_the_kept_counts_equal_a_count_of_the_posts_after_any_writes(db: Database) -> None:
    rng = random.Random(33)
    for _ in range(60):
        async with db.transaction() as conn:
            for _ in range(rng.randrange(1, 8)):
                await random_write(conn, rng)
        async with db.read() as conn:
            assert await kept(conn) == await counted(conn)
    async with db.read() as conn:
        assert sum((await counted(conn)).values()) > 5  # the walk left open posts to count


async def test_a_rolled_back_write_leaves_the_counts_as_they_were(db: Database) -> None:
    async with db.transaction() as conn:
        await random_write(conn, random.Random(1))
    async with db.read() as conn:
        before = await kept(conn)
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("UPDATE posts SET status = 'done'")
            raise RuntimeError("crash in the middle of the message")
    async with db.read() as conn:
        assert await kept(conn) == before
