"""A message that is not a post never reaches the other associations without its writer's yes.

Replays, in a live network, every held-out line of the corpus (tests/corpus) that is not a post:
questions about the bot or about what is open, claims, thanks, greetings, chat. None may be
published or relayed; at most the writer is asked to confirm what the bot understood.
"""

from __future__ import annotations

from storage import drafts, members
from tests.corpus.load import load
from tests.network import CHANNEL, Network


async def test_held_out_non_posts_are_never_published(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude", "Carcassonne")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    network.take_inbox("bob")
    non_posts = [row for row in load("heldout") if not row.is_post]
    assert len(non_posts) >= 100
    published: list[str] = []
    for row in non_posts:
        await network.say("alice", row.text)
        if network.take_inbox("bob"):
            published.append(row.id)
        # Each line starts afresh: a question or confirmation left waiting is dropped unanswered.
        async with network.db.transaction() as conn:
            alice = await members.member_by_address(conn, CHANNEL, "alice")
            assert alice is not None
            await drafts.drop_draft(conn, alice.id)
    async with network.db.transaction() as conn, conn.execute("SELECT COUNT(*) FROM posts") as cur:
        row_count = await cur.fetchone()
    assert published == [] and row_count is not None and row_count[0] == 0, published
