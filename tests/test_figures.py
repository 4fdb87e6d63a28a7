"""Figures that cannot be falsified: `/fait` never records more than was taken, never closes
what others may still take; the author confirms or corrects a figure, and every change is a new
event; `/corriger` never brings a total under what is already taken; no sequence of claims,
completions, corrections and withdrawals ever reaches the internal-error apology."""

from __future__ import annotations

import random

import pytest

from handlers.texts import t
from storage import events, posts
from storage.models import Post
from tests.network import Network

APOLOGY = t("fr", "internal_error")


async def three_associations(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude", "Carcassonne")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    await network.join("carla", "Épicerie solidaire de Limoux", "Limoux")
    for user in ("alice", "bob", "carla"):
        network.take_inbox(user)


async def post_of(network: Network, post_id: int = 1) -> Post:
    async with network.db.transaction() as conn:
        post = await posts.post_by_id(conn, post_id)
    assert post is not None
    return post


async def figure_events(network: Network, post_id: int = 1) -> list[tuple[str, float | None]]:
    async with (
        network.db.transaction() as conn,
        conn.execute(
            "SELECT kind, quantity FROM events WHERE post_id = ? AND kind IN"
            " ('completed', 'done_corrected', 'done_confirmed') ORDER BY id",
            (post_id,),
        ) as cur,
    ):
        return [(row[0], row[1]) for row in await cur.fetchall()]


# ------------------------------------------------------------------ the claimer's /fait


@pytest.mark.parametrize("asked", ["100000", "2", "1,5", "1.01", "3 kg", "100000 kg"])
async def test_claimer_cannot_record_more_than_claimed(network: Network, asked: str) -> None:
    await three_associations(network)
    await network.say("alice", "/don 30 kg de pommes à Carcassonne")
    await network.say("bob", "/prendre 1 1")
    replies = await network.say("bob", f"/fait 1 {asked}")
    assert "Votre association a pris 1 kg" in replies[0]
    assert "/fait 1 1 kg" in replies[0]  # the example given works:
    assert await figure_events(network) == []
    assert "1 kg" in (await network.say("bob", "/fait 1 1 kg"))[0]
    assert await figure_events(network) == [("completed", 1.0)]
    post = await post_of(network)
    assert post.status == "open" and post.remaining == 29  # the rest is still offered
    assert "29 kg" in (await network.say("carla", "/prendre 1"))[0]


async def test_claimer_figure_in_another_unit_is_refused_with_a_done_example(
    network: Network,
) -> None:
    await three_associations(network)
    await network.say("alice", "/don 30 kg de pommes à Carcassonne")
    await network.say("bob", "/prendre 1 10 kg")
    replies = await network.say("bob", "/fait 1 3 palettes")
    assert "comptée en kg" in replies[0] and "/fait 1 5 kg" in replies[0]
    assert "5 kg" in (await network.say("bob", "/fait 1 5 kg"))[0]


async def test_done_closes_only_the_claimers_own_claim(network: Network) -> None:
    await three_associations(network)
    await network.join("dan", "CCAS de Quillan", "Quillan")
    await network.say("alice", "/don 30 kg de pommes à Carcassonne")
    await network.say("bob", "/prendre 1 10 kg")
    await network.say("carla", "/prendre 1 10 kg")
    await network.say("bob", "/fait 1")
    post = await post_of(network)
    assert post.status == "open" and post.remaining == 10 and post.active_claims == 1
    async with network.db.transaction() as conn:
        carla_claims = await posts.active_claims_of_post(conn, 1)
    assert [c.association_name for c in carla_claims] == ["Épicerie solidaire de Limoux"]
    assert "10 kg" in (await network.say("dan", "/prendre 1"))[0]
    assert "4 kg" in (await network.say("carla", "/fait 1 4 kg"))[0]
    post = await post_of(network)
    # The 6 kg carla left behind are offered again; dan still holds his 10 kg.
    assert post.status == "open" and post.remaining == 6 and post.active_claims == 1
    # Once recorded, a claimer's figure is the author's to correct, not the claimer's.
    replies = await network.say("bob", "/fait 1 25 kg")
    assert "déjà indiqué 10 kg" in replies[0] and "Banque Alimentaire" in replies[0]


# ------------------------------------------------------------------ the author's word


async def test_author_corrects_a_done_figure_as_a_new_event(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/don 30 kg de pommes à Carcassonne")
    await network.say("bob", "/prendre 1")
    await network.say("bob", "/fait 1")  # bob says 30 kg; alice saw only 22 leave
    network.take_inbox("bob")
    replies = await network.say("alice", "/fait 1 22 kg")
    assert "22 kg" in replies[0] and "30 kg" in replies[0]
    assert any("corrigé" in m and "22 kg" in m for m in network.take_inbox("bob"))
    assert await figure_events(network) == [("completed", 30.0), ("done_corrected", 22.0)]
    async with network.db.transaction() as conn:
        by_claim = await events.collected_by_claim(conn, 1)
        totals = await events.collected_totals(conn)
    assert list(by_claim.values()) == [22.0] and totals == {"kg": 22.0}
    # The author cannot inflate it beyond what was taken either.
    replies = await network.say("alice", "/fait 1 31 kg")
    assert "30 kg" in replies[0] and "/fait 1 30 kg" in replies[0]
    assert (await figure_events(network))[-1] == ("done_corrected", 22.0)


async def test_author_confirms_the_figures_of_a_completed_post(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/don 4 cagettes de tomates à Trèbes")
    await network.say("bob", "/prendre 1")
    await network.say("bob", "/fait 1")
    assert (await post_of(network)).status == "done"
    replies = await network.say("alice", "/fait 1")
    assert "confirmés" in replies[0] and "Restos du Cœur Narbonne : 4 cagette" in replies[0]
    assert await figure_events(network) == [("completed", 4.0), ("done_confirmed", 4.0)]


async def test_author_names_which_claim_when_several(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/don 30 kg de pommes à Carcassonne")
    await network.say("bob", "/prendre 1 10 kg")
    await network.say("carla", "/prendre 1 20 kg")
    await network.say("bob", "/fait 1")
    await network.say("carla", "/fait 1")
    replies = await network.say("alice", "/fait 1 8 kg")
    assert "Plusieurs associations" in replies[0] and "/fait 1 8 kg restos" in replies[0]
    replies = await network.say("alice", "/fait 1 8 kg Restos")
    assert "Restos du Cœur Narbonne a récupéré 8 kg" in replies[0]
    replies = await network.say("alice", "/fait 1 15 pour épicerie")
    assert "Épicerie solidaire de Limoux a récupéré 15 kg" in replies[0]
    async with network.db.transaction() as conn:
        assert await events.collected_totals(conn) == {"kg": 23.0}


async def test_author_closing_with_a_figure_completes_the_claim_within_its_share(
    network: Network,
) -> None:
    await three_associations(network)
    await network.say("alice", "/besoin 20 kg de riz pour vendredi")
    await network.say("bob", "/prendre 1 5 kg")
    assert "Restos du Cœur Narbonne a pris 5 kg" in (await network.say("alice", "/fait 1 9"))[0]
    assert "clôturée" in (await network.say("alice", "/fait 1 4"))[0]
    assert await figure_events(network) == [("completed", 4.0)]
    assert (await post_of(network)).status == "done"


# ------------------------------------------------------------------ /corriger and claims


async def test_correction_under_what_is_claimed_is_refused_with_the_figures(
    network: Network,
) -> None:
    await three_associations(network)
    await network.say("alice", "/don 30 kg de pommes à Carcassonne")
    await network.say("bob", "/prendre 1 2")
    for asked in ("1 kg", "1", "0,5 kg"):
        replies = await network.say("alice", f"/corriger 1 {asked}")
        assert "Déjà pris sur l'annonce #1 : 2 kg" in replies[0], asked
        assert "/corriger 1 2 kg" in replies[0] and "/annuler 1" in replies[0]
    assert (await post_of(network)).quantity == 30
    replies = await network.say("alice", "/corriger 1 3 palettes")
    assert "comptée en kg" in replies[0] and "/corriger 1 30 kg" in replies[0]
    replies = await network.say("carla", "/prendre 1")
    assert "28 kg" in replies[0] and APOLOGY not in replies[0]
    assert "✏️" in (await network.say("alice", "/corriger 1 30 kg"))[0]  # exactly what's taken


async def test_correction_upwards_reopens_a_taken_post(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/don 10 kg de pommes à Carcassonne")
    await network.say("bob", "/prendre 1")
    assert (await post_of(network)).status == "taken"
    await network.say("alice", "/corriger 1 25 kg")
    post = await post_of(network)
    assert post.status == "open" and post.remaining == 15
    assert "15 kg" in (await network.say("carla", "/prendre 1"))[0]
    async with (
        network.db.transaction() as conn,
        conn.execute(
            "SELECT quantity FROM events WHERE kind = 'post_corrected' AND post_id = 1"
        ) as cur,
    ):
        assert [row[0] for row in await cur.fetchall()] == [25.0]


# ------------------------------------------------------------------ any sequence at all

# Small figures come often (they make partial claims and corrections under what is taken);
# zero, negative, huge and malformed ones are there too.
QUANTITIES = [
    "",
    "",
    "",
    "",
    "0",
    "-3",
    "1",
    "1",
    "2",
    "2,5",
    "3",
    "5",
    "10",
    "30",
    "100000",
    "1e9",
]
UNITS = ["", "", "", "", "", " kg", " palettes", " cagettes", " l", " g", " repas"]
USERS = ["alice", "bob", "carla", "dan"]
COMMANDS = ["prendre"] * 4 + ["fait"] * 3 + ["corriger"] * 3 + ["annuler", "publier"]
OFFERS = [
    "/don {n} kg de pommes à Carcassonne",
    "/besoin {n} kg de riz pour vendredi",
    "/don {n} cagettes de tomates à Trèbes",
    "/don du pain à Narbonne",
    "/materiel on prête notre chambre froide",
]


def random_message(rng: random.Random, authors: list[str]) -> tuple[str, str]:
    """One random message; `authors[i]` wrote post i + 1."""
    user = rng.choice(USERS)
    command = rng.choice(COMMANDS)
    if command == "publier" or not authors:  # new posts keep the network busy
        return user, rng.choice(OFFERS).format(n=rng.choice([1, 2, 5, 30]))
    # Mostly the latest posts (still open), sometimes old ones or one that does not exist.
    post_id = max(1, len(authors) - int(rng.expovariate(0.5)))
    if rng.random() < 0.05:
        post_id = len(authors) + 1
    if command == "corriger" and post_id <= len(authors) and rng.random() < 0.7:
        user = authors[post_id - 1]  # mostly the author, sometimes anyone
    amount = rng.choice(QUANTITIES)
    if amount:
        amount = " " + amount + rng.choice(UNITS)
    if command == "corriger" and not amount:
        amount = " 20 kg"
    if command == "annuler":
        amount = ""
    return user, f"/{command} {post_id}{amount}"


async def check_consistency(network: Network) -> None:
    async with network.db.transaction() as conn:
        async with conn.execute(
            "SELECT c.quantity, c.done_quantity, c.status, p.quantity FROM claims c"
            " JOIN posts p ON p.id = c.post_id WHERE c.status != 'cancelled'"
        ) as cur:
            rows = await cur.fetchall()
        async with conn.execute("SELECT id FROM posts") as cur:
            ids = [row[0] for row in await cur.fetchall()]
        found = [await posts.post_by_id(conn, post_id) for post_id in ids]
    for claimed, done, status, total in rows:
        share = claimed if claimed is not None else total
        if status == "done" and done is not None and share is not None:
            assert done <= share + 1e-9, (claimed, done, total)
    for post in found:
        assert post is not None
        if post.quantity is not None:
            assert post.claimed <= post.quantity + 1e-9, post


@pytest.mark.parametrize("seed", range(8))
async def test_random_claims_corrections_and_withdrawals_stay_consistent(
    network: Network, seed: int
) -> None:
    await three_associations(network)
    await network.join("dan", "CCAS de Quillan", "Quillan")
    rng = random.Random(seed)
    authors: list[str] = []
    for step in range(120):
        user, text = random_message(rng, authors)
        if step < len(OFFERS):  # start with one of each kind
            user, text = USERS[step % len(USERS)], OFFERS[step].format(n=30)
        replies = await network.say(user, text)
        assert replies, text
        assert all(APOLOGY not in reply for reply in replies), (seed, user, text, replies)
        for other in USERS:
            assert all(APOLOGY not in m for m in network.take_inbox(other))
        if "publiée" in replies[0]:
            authors.append(user)
        await check_consistency(network)
