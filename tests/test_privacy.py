"""Privacy (issue 15): `/mesdonnees` gives a member everything stored about them; `/oublier`
erases it — nothing of the person is left once the retention has passed, and the network's
figures do not change."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from handlers.texts import t
from storage import events, members, privacy, retention
from storage.db import Database
from tests.network import Network

BANQUE = "Banque Alimentaire de l'Aude"
RESTOS = "Restos du Cœur Narbonne"
PHONE = "06 12 34 56 78"
# What identifies Alice anywhere: her name (display name), her address, her contact, the
# number she wrote in her post.
TRACES = ("Alice", "alice", PHONE)
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


async def scene(network: Network) -> None:
    await network.join("carla", BANQUE, role="coordinator")
    await network.join("alice", BANQUE)
    await network.join("bob", RESTOS, "Narbonne", role="coordinator")
    await network.say("alice", f"/don 3 cartons de lait, appelez-moi au {PHONE}")
    await network.say("bob", "/prendre 1")
    await network.say("bob", "/fait 1")
    for user in ("alice", "bob", "carla"):
        network.take_inbox(user)


async def member_id(network: Network, user: str) -> int:
    async with network.db.transaction() as conn:
        found = await members.member_by_address(conn, "test", user)
    assert found is not None
    return found.id


async def figures(db: Database) -> tuple[object, ...]:
    async with db.transaction() as conn:
        totals = await events.collected_totals(conn)
        async with conn.execute("SELECT COUNT(*) FROM events") as cur:
            count = (await cur.fetchone())[0]
        async with conn.execute(
            "SELECT id, kind, what, quantity, unit, status, author_id, association_id FROM posts"
        ) as cur:
            posts = [tuple(row) for row in await cur.fetchall()]
        async with conn.execute(
            "SELECT id, post_id, member_id, quantity, status FROM claims"
        ) as cur:
            claims = [tuple(row) for row in await cur.fetchall()]
    return totals, count, posts, claims


async def traces_in_database(db: Database, traces: tuple[str, ...]) -> list[str]:
    """Every (table.column = value) where one of `traces` appears, whole database."""
    found: list[str] = []
    async with db.transaction() as conn:
        async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
            tables = [row[0] for row in await cur.fetchall()]
        for table in tables:
            async with conn.execute(f"SELECT * FROM {table}") as cur:
                names = [column[0] for column in cur.description]
                for row in await cur.fetchall():
                    for name, value in zip(names, row, strict=True):
                        text = (
                            value.decode("utf-8", "replace") if isinstance(value, bytes) else value
                        )
                        if isinstance(text, str) and any(trace in text for trace in traces):
                            found.append(f"{table}.{name} = {text[:80]!r}")
    return found


async def test_my_data_is_a_json_file_of_everything_stored_about_me(network: Network) -> None:
    await scene(network)
    await network.say("alice", "/mesdonnees")
    sent = network.last_outgoing("alice")
    assert sent.attachment is not None and sent.attachment.kind == "document"
    assert sent.attachment.mime == "application/json"
    assert sent.attachment.filename.endswith(".json")
    data = json.loads(sent.attachment.data.decode("utf-8"))
    assert data["membre"]["nom"] == "Alice"
    assert data["membre"]["association"] == BANQUE
    assert [(i["canal"], i["identifiant"], i["contact"]) for i in data["identites"]] == [
        ("test", "alice", "@alice")
    ]
    [post] = data["annonces"]
    assert PHONE in post["texte"] and post["statut"] == "done"
    assert data["prises"] == []  # bob took it
    written = [m["texte"] for m in data["messages_recus_du_membre"]]
    assert any(PHONE in text for text in written) and "/mesdonnees" in written
    assert data["messages_envoyes_au_membre"], "the bot's answers to her are part of it"
    # Someone else's data are not in hers.
    assert "bob" not in json.dumps(data["identites"]) and "Carla" not in json.dumps(data)


async def test_forgetting_asks_first_then_leaves_nothing_of_the_person(network: Network) -> None:
    await scene(network)
    alice = await member_id(network, "alice")
    before = await figures(network.db)
    await network.say("alice", "/mesdonnees")  # a file of everything about her, now stored

    [prompt] = await network.say("alice", "/oublier")
    assert "/oublier oui" in prompt
    assert await traces_in_database(network.db, ("@alice",)), "nothing erased before she confirms"

    [done] = await network.say("alice", "/oublier oui")
    assert done == t("fr", "forgotten_self")
    await network.deliver()
    assert any(f"n°{alice}" in text for text in network.take_inbox("carla"))

    assert await figures(network.db) == before
    async with network.db.transaction() as conn:
        gone = await members.member_by_id(conn, alice)
        assert await privacy.is_forgotten(conn, alice)
    assert gone is not None and gone.name == privacy.FORGOTTEN_NAME and gone.status == "removed"

    # What is left names her only in copies of messages sent to others about her post (bob's
    # « Alice has an offer »…), which the retention purge removes like every delivered message.
    left = await traces_in_database(network.db, TRACES)
    assert all(line.startswith(("outbox.payload", "payloads.body")) for line in left), left
    network.clock.advance(timedelta(days=31))
    await retention.purge_expired(network.db, network.clock.now(), timedelta(days=30))
    assert await traces_in_database(network.db, TRACES) == []

    # She is a stranger now: writing again gets the invitation text, and is not linked to her.
    [answer] = await network.say("alice", "bonjour")
    assert answer == t("fr", "not_member")


async def test_her_answer_keeps_no_address_once_sent(network: Network) -> None:
    await scene(network)
    await network.say("alice", "/oublier oui")
    async with (
        network.db.transaction() as conn,
        conn.execute("SELECT COUNT(*) FROM outbox WHERE external_id = 'alice'") as cur,
    ):
        assert (await cur.fetchone())[0] == 0


async def test_a_coordinator_erases_a_member_who_left(network: Network) -> None:
    await scene(network)
    alice = await member_id(network, "alice")
    await network.say("alice", "/quitter oui")
    [prompt] = await network.say("carla", f"/oublier {alice}")
    assert f"/oublier {alice} oui" in prompt and "Alice" in prompt
    [done] = await network.say("carla", f"/oublier {alice} oui")
    assert f"n°{alice}" in done
    assert not [
        line
        for line in await traces_in_database(network.db, TRACES)
        if not line.startswith(("outbox.payload", "payloads.body"))
    ]
    # Once forgotten, the number designates nobody any more.
    [again] = await network.say("carla", f"/oublier {alice} oui")
    assert again == t("fr", "member_not_found", ref=str(alice))


async def test_no_one_erases_another_association_s_member_but_an_administrator(
    network: Network,
) -> None:
    await scene(network)
    alice = await member_id(network, "alice")
    [refused] = await network.say("bob", f"/oublier {alice} oui")
    assert refused == t("fr", "admin_only")
    [refused] = await network.say("alice", "/oublier carla oui")
    assert refused == t("fr", "coordinators_only")
    async with network.db.transaction() as conn:
        assert not await privacy.is_forgotten(conn, alice)


async def test_the_last_coordinator_is_kept(network: Network) -> None:
    await scene(network)
    carla = await member_id(network, "carla")
    [refused] = await network.say("carla", "/oublier oui")
    assert "dernier coordinateur" in refused
    async with network.db.transaction() as conn:
        assert not await privacy.is_forgotten(conn, carla)


# ------------------------------------------------------------------ the same from the CLI


async def member_on_disk(path: Path) -> int:
    db = await Database.open(path)
    await db.migrate()
    async with db.transaction() as conn:
        association = await members.ensure_association(conn, BANQUE, "Carcassonne", NOW)
        member = await members.create_member(conn, association.id, "Denise", "member", NOW)
        await members.add_identity(
            conn, member.id, "whatsapp", "+33612345678", "06 12 34 56 78", NOW, private=True
        )
    await db.close()
    return member.id


def test_the_cli_writes_a_member_s_data_then_erases_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "network.db"
    monkeypatch.setenv("BOUCLE_DB_PATH", str(path))
    number = asyncio.run(member_on_disk(path))

    assert main(["mesdonnees", str(number), "--output", "denise.json"]) == 0
    written = tmp_path / "denise.json"
    assert written.stat().st_mode & 0o777 == 0o600
    data = json.loads(written.read_text(encoding="utf-8"))
    assert data["membre"]["nom"] == "Denise"
    assert data["identites"][0]["identifiant"] == "+33612345678"
    assert main(["mesdonnees", str(number), "--output", "denise.json"]) == 2  # never overwritten

    assert main(["oublier", str(number)]) == 1  # asks to confirm, erases nothing
    assert "--oui" in capsys.readouterr().out
    assert main(["oublier", str(number), "--oui"]) == 0
    assert "1 compte(s)" in capsys.readouterr().out
    db = asyncio.run(Database.open(path))
    left = asyncio.run(traces_in_database(db, ("Denise", "+33612345678", "06 12 34 56 78")))
    asyncio.run(db.close())
    assert left == []
    assert main(["oublier", str(number), "--oui"]) == 2  # already erased
    assert main(["mesdonnees", "999"]) == 2
