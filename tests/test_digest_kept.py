"""What a digest keeps from one to the next (issue 12, one digest): the open posts' heads, their
sections and the posts a digest shows are kept on the connection with the open list's version
(migration 0034: every write of a post, a claim or an association's name changes it), and a
post's line by the post as read. A digest written after any such write shows it, exactly as a
digest written with nothing kept; with no write, the heads are not read again."""

from __future__ import annotations

from datetime import date

from handlers.digests import digest_for, listed_line
from handlers.messages import Outgoing
from storage import members
from storage.models import Member
from tests.network import Network
from tests.scheduled import PARIS, local, make_post, run_jobs


async def reader(network: Network, user: str) -> Member:
    async with network.db.transaction() as conn:
        found = await members.member_by_address(conn, "test", user)
    assert found is not None
    return found


async def digest_now(network: Network, user: str, *, fresh: bool = False) -> list[Outgoing]:
    """`user`'s digest now, in one transaction; `fresh`: with nothing kept (what it must be)."""
    member = await reader(network, user)
    async with network.db.transaction() as conn:
        if fresh:
            conn.memo.clear()
            listed_line.cache_clear()
        return await digest_for(conn, member, network.clock.now(), PARIS)


async def kept_and_fresh(network: Network, user: str) -> str:
    """The digest with what the previous ones kept, checked against one with nothing kept."""
    kept = await digest_now(network, user)
    fresh = await digest_now(network, user, fresh=True)
    assert kept == fresh
    return "\n".join(part.text for part in kept)


async def test_a_digest_after_a_write_shows_it(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire", role="coordinator")
    await network.join("camille", "Secours Populaire", role="coordinator")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    await network.join("carla", "Épicerie de Limoux", "Limoux")
    await network.say("alice", "/digest 7h00")
    rice = await make_post(
        network, "bob", "need", "riz", date(2026, 12, 4), quantity=30, unit="kg", place="Gruissan"
    )
    yogurts = await make_post(network, "carla", "offer", "yaourts", date(2026, 12, 5))
    for user in ("alice", "camille", "bob", "carla"):
        network.take_inbox(user)

    # A scheduled digest keeps the heads, the posts shown and their lines.
    await run_jobs(network, local(2026, 12, 2, 7, 0))
    [morning] = network.take_inbox("alice")
    assert f"#{rice.id} Besoin · riz — 30 kg — ven. 4 déc. — Gruissan (Restos du Cœur)" in morning
    first = await kept_and_fresh(network, "camille")
    assert f"#{yogurts.id} Don · yaourts" in first

    # A claim: what is left.
    await network.say("carla", f"/prendre {rice.id} 12 kg")
    text = await kept_and_fresh(network, "camille")
    assert f"#{rice.id} Besoin · riz — 18 kg / 30 kg" in text

    # A new post.
    milk = await make_post(network, "bob", "need", "lait", urgent=True)
    text = await kept_and_fresh(network, "camille")
    assert f"🆘 #{milk.id} Besoin · lait" in text

    # An association's new name.
    async with network.db.transaction() as conn:
        await conn.execute(
            "UPDATE associations SET name = 'Restos du Cœur de l''Aude' WHERE name = ?",
            ("Restos du Cœur",),
        )
    text = await kept_and_fresh(network, "camille")
    assert f"#{rice.id} Besoin · riz — 18 kg / 30 kg — ven. 4 déc. — Gruissan" in text
    assert "(Restos du Cœur de l'Aude)" in text and "(Restos du Cœur)" not in text

    # A post closed, another's deadline moved to today (its own section).
    async with network.db.transaction() as conn:
        await conn.execute("UPDATE posts SET status = 'cancelled' WHERE id = ?", (milk.id,))
        await conn.execute("UPDATE posts SET deadline = '2026-12-02' WHERE id = ?", (yogurts.id,))
    text = await kept_and_fresh(network, "camille")
    assert f"#{milk.id} " not in text
    assert f"#{yogurts.id} Don · yaourts — aujourd'hui, mer. 2 déc." in text
    assert text.index("⏰ Expire aujourd'hui") < text.index(f"#{yogurts.id} ")


async def test_with_no_write_the_heads_are_not_read_again(network: Network) -> None:
    await network.join("camille", "Secours Populaire", role="coordinator")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    await make_post(network, "bob", "need", "riz", quantity=30, unit="kg")
    first = await digest_now(network, "camille")
    statements: list[str] = []
    await network.db._conn.set_trace_callback(statements.append)
    try:
        again = await digest_now(network, "camille")
    finally:
        await network.db._conn.set_trace_callback(None)
    assert again == first
    assert any("open_list_version" in s for s in statements)
    assert not any("posts_open_heads" in s for s in statements), statements
    # The post shown is kept too: only the reader's association's unanswered posts are read.
    assert not any("SUM(COALESCE(c.done_quantity" in s for s in statements), statements


async def test_what_is_kept_is_placed_again_the_next_day(network: Network) -> None:
    """The heads are kept across midnight (no write), their sections are placed for each day:
    a post due tomorrow is not « expiring today » today, and is tomorrow."""
    await network.join("camille", "Secours Populaire", role="coordinator")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    bread = await make_post(network, "bob", "offer", "pain", date(2026, 12, 3))
    network.clock.set(local(2026, 12, 2, 9, 0))
    today = await kept_and_fresh(network, "camille")
    assert "⏰ Expire aujourd'hui" not in today
    assert f"#{bread.id} Don · pain — jeu. 3 déc." in today
    network.clock.set(local(2026, 12, 3, 9, 0))
    tomorrow = await kept_and_fresh(network, "camille")
    assert tomorrow.index("⏰ Expire aujourd'hui") < tomorrow.index(f"#{bread.id} ")
    assert f"#{bread.id} Don · pain — aujourd'hui, jeu. 3 déc." in tomorrow
