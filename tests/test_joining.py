"""Joining: invite codes, /start, strangers."""

from __future__ import annotations

from storage import members
from tests.network import Network


async def test_start_with_code_joins_and_welcomes(network: Network) -> None:
    replies = await network.join("alice", "Banque Alimentaire de l'Aude")
    assert len(replies) == 1
    assert "Bienvenue Alice" in replies[0]
    assert "/besoin" in replies[0] and "/don" in replies[0] and "/prendre" in replies[0]
    async with network.db.transaction() as conn:
        member = await members.member_by_address(conn, "test", "alice")
    assert member is not None and member.association_name == "Banque Alimentaire de l'Aude"


async def test_code_is_single_use(network: Network) -> None:
    code = await network.invite("Restos du Cœur Narbonne", "Narbonne")
    await network.say("alice", f"/start {code}")
    replies = await network.say("bob", f"/start {code}")
    assert "déjà servi" in replies[0]
    assert "Bienvenue" not in replies[0]


async def test_unknown_code_and_missing_code(network: Network) -> None:
    assert "n'existe pas" in (await network.say("bob", "/start ZZZZZZZZ"))[0]
    assert "Il manque le code" in (await network.say("bob", "/start"))[0]


async def test_stranger_is_told_how_to_join_and_nothing_is_stored(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude")
    network.take_inbox("alice")
    replies = await network.say("mallory", "/don 30 kg de pommes à Narbonne")
    assert "code d'invitation" in replies[0]
    replies = await network.say("mallory", "besoin de 20 kg de riz")
    assert "code d'invitation" in replies[0]
    async with network.db.transaction() as conn, conn.execute("SELECT COUNT(*) FROM posts") as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] == 0
    assert network.take_inbox("alice") == []


async def test_bare_code_joins_like_start(network: Network) -> None:
    """WhatsApp users simply send the code they were given."""
    code = await network.invite("Épicerie solidaire de Limoux", "Limoux")
    replies = await network.say("carla", code.lower())
    assert "Bienvenue Carla" in replies[0]


async def test_second_start_says_already_member(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude")
    code = await network.invite("Autre asso", "Narbonne")
    replies = await network.say("alice", f"/start {code}")
    assert "déjà inscrit" in replies[0]


async def test_coordinator_invites_from_chat_member_cannot(network: Network) -> None:
    await network.join("cora", "Croix-Rouge Castelnaudary", "Castelnaudary", role="coordinator")
    await network.join("max", "Croix-Rouge Castelnaudary", "Castelnaudary")
    replies = await network.say("cora", "/inviter")
    code = replies[0].split("/start ")[1].split()[0]
    assert "Croix-Rouge Castelnaudary" in replies[0]
    assert "réservée aux coordinateurs" in (await network.say("max", "/inviter"))[0]
    joined = await network.say("nina", f"/start {code}")
    assert "Croix-Rouge Castelnaudary" in joined[0]
    assert any("Nina a rejoint" in m for m in network.take_inbox("cora"))


async def test_coordinator_invite_for_coordinator_role(network: Network) -> None:
    await network.join("cora", "Croix-Rouge Castelnaudary", "Castelnaudary", role="coordinator")
    replies = await network.say("cora", "/inviter coordinateur")
    code = replies[0].split("/start ")[1].split()[0]
    await network.say("dan", f"/start {code}")
    async with network.db.transaction() as conn:
        dan = await members.member_by_address(conn, "test", "dan")
    assert dan is not None and dan.role == "coordinator"
    assert "Usage" in (await network.say("cora", "/inviter chef"))[0]
