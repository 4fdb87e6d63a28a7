"""The open list's pages kept between /liste (issue 12): never a page the database no longer shows.

`open_posts_slice` keeps the pages it read with the number migration 0034's triggers change at
every write of a post, a claim or an association's name. After any write, the page served must
equal a page read afresh; with no write, no page is read again.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from storage import posts
from storage.connection import Conn
from storage.db import Database
from storage.models import Post
from tests.conftest import START

KINDS: tuple[Any, ...] = ("need", "offer", "equipment_request", "equipment_offer")
NOW = START.isoformat()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "memo.db")
    await database.migrate()
    async with database.transaction() as conn:
        for ident, name in ((1, "Resto"), (2, "Epicerie")):
            await conn.execute(
                "INSERT INTO associations (id, name, commune, created_at) VALUES (?, ?, 'Albi', ?)",
                (ident, name, NOW),
            )
            await conn.execute(
                "INSERT INTO members (id, association_id, name, role, joined_at)"
                " VALUES (?, ?, 'Alice', 'member', ?)",
                (ident, ident, NOW),
            )
        for index in range(30):
            await insert_post(conn, random.Random(index))
    try:
        yield database
    finally:
        await database.close()


async def insert_post(conn: Conn, rng: random.Random) -> None:
    await conn.execute(
        "INSERT INTO posts (kind, what, quantity, deadline, urgent, status, author_id,"
        " association_id, original_text, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, 'open', 1, 1, '', ?, ?)",
        (
            rng.choice(KINDS),
            rng.choice(("riz", "pâtes", "lait")),
            rng.randrange(1, 50),
            f"2026-12-{rng.randrange(1, 28):02d}",
            rng.choice((0, 1)),
            NOW,
            NOW,
        ),
    )


async def pages(conn: Conn) -> list[list[Post]]:
    return [
        await posts.open_posts_slice(conn, KINDS, urgent, offset, 5)
        for urgent in (True, False)
        for offset in (0, 5)
    ]


async def fresh_pages(conn: Conn) -> list[list[Post]]:
    kept = dict(conn.memo)
    conn.memo.clear()
    try:
        return await pages(conn)
    finally:
        conn.memo.clear()
        conn.memo.update(kept)


async def random_write(conn: Conn, rng: random.Random) -> None:
    ids = [int(r[0]) for r in await conn.execute_fetchall("SELECT id FROM posts")]
    post = rng.choice(ids)
    action = rng.choice(("post", "what", "status", "urgent", "claim", "claim_done", "rename"))
    if action == "post":
        await insert_post(conn, rng)
    elif action == "what":
        await conn.execute("UPDATE posts SET what = ? WHERE id = ?", (f"riz {rng.random()}", post))
    elif action == "status":
        status = rng.choice(("open", "done", "cancelled"))
        await conn.execute("UPDATE posts SET status = ? WHERE id = ?", (status, post))
    elif action == "urgent":
        await conn.execute("UPDATE posts SET urgent = 1 - urgent WHERE id = ?", (post,))
    elif action == "claim":
        await conn.execute(
            "INSERT INTO claims (post_id, association_id, member_id, quantity, status,"
            " created_at, updated_at) VALUES (?, 2, 2, ?, 'active', ?, ?)",
            (post, rng.randrange(1, 5), NOW, NOW),
        )
    elif action == "claim_done":
        await conn.execute("UPDATE claims SET status = 'done', done_quantity = 1")
    else:
        await conn.execute(
            "UPDATE associations SET name = ? WHERE id = 1", (f"Resto {rng.randrange(999)}",)
        )


async def test_a_page_served_always_equals_a_page_read_afresh(db: Database) -> None:
    rng = random.Random(34)
    served = 0
    for _ in range(80):
        async with db.transaction() as conn:
            await random_write(conn, rng)
        async with db.read() as conn:
            assert await pages(conn) == await fresh_pages(conn)
            served += sum(len(page) for page in await pages(conn))  # the kept ones, this time
    assert served > 100


async def test_with_no_write_no_page_is_read_again(db: Database) -> None:
    statements: list[str] = []
    async with db.read() as conn:
        first = await pages(conn)
        await conn.set_trace_callback(statements.append)
        again = await pages(conn)
        await conn.set_trace_callback(None)
    assert again == first and any(first)
    assert not [s for s in statements if "FROM posts" in s], statements


async def test_a_page_read_in_a_rolled_back_write_is_never_served_after(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("UPDATE posts SET what = 'disparu'")
            assert any(p.what == "disparu" for page in await pages(conn) for p in page)
            raise RuntimeError("the message failed after listing")
    async with db.transaction() as conn:  # the next write
        await conn.execute("UPDATE posts SET quantity = quantity + 1 WHERE id = 1")
    async with db.read() as conn:
        served = await pages(conn)
        assert not any(p.what == "disparu" for page in served for p in page)
        assert served == await fresh_pages(conn)
