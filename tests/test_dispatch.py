"""The dispatcher: once per message, commands with or without slash, replay after a crash."""

from __future__ import annotations

import asyncio
from unittest import mock

import pytest

from bot.dispatch import Dispatcher
from handlers.commands import Command, build_command_table, command_key
from handlers.context import Context, Effects
from storage import posts
from tests.network import Network


async def test_redelivered_message_is_processed_once(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    network.take_inbox("bob")
    message = network.incoming("alice", "/don 4 cagettes de tomates à Trèbes")
    assert await network.dispatcher.handle(message)
    assert await network.dispatcher.handle(message) == []
    await network.deliver()
    assert len(network.take_inbox("bob")) == 1


async def test_message_stored_but_not_processed_is_replayed_at_start(network: Network) -> None:
    """A crash between storing a message and processing it loses nothing."""
    await network.join("alice", "Banque Alimentaire de l'Aude")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    network.take_inbox("bob")
    message = network.incoming("alice", "/don 4 cagettes de tomates à Trèbes")
    with (
        mock.patch.object(Dispatcher, "process", side_effect=SystemExit),
        pytest.raises(SystemExit),
    ):
        await network.dispatcher.handle(message)
    restarted = Dispatcher(
        network.db, network.clock, network.gazetteer, network.dispatcher.config, network.group
    )
    assert await restarted.replay_unprocessed() == 1
    await network.deliver()
    assert any("#1" in m for m in network.take_inbox("alice"))  # the reply, via the outbox
    assert len(network.take_inbox("bob")) == 1
    assert await restarted.replay_unprocessed() == 0


async def test_bug_in_a_handler_apologises_and_keeps_the_message(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude")

    async def broken(ctx: Context, args: str) -> Effects:
        raise ZeroDivisionError

    network.dispatcher.commands = build_command_table((Command("casse", broken, rule="liste"),))
    replies = await network.say("alice", "/casse")
    assert "Désolé" in replies[0] and "ZeroDivision" not in replies[0]
    async with (
        network.db.transaction() as conn,
        conn.execute("SELECT state, payload FROM inbox ORDER BY rowid DESC") as cur,
    ):
        row = await cur.fetchone()
    assert row is not None and row[0] == "failed" and "/casse" in row[1]


def test_duplicate_command_names_fail_at_start() -> None:
    async def noop(ctx: Context, args: str) -> Effects:
        return Effects()

    with pytest.raises(ValueError, match="/prendre"):
        build_command_table((Command("prendre", noop),))


def test_command_keys_ignore_case_and_accents() -> None:
    assert command_key("Matériel") == "materiel"


async def test_commands_without_slash(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    await network.say("alice", "don 4 cagettes de tomates à Trèbes")
    assert "C'est noté" in (await network.say("bob", "prendre 1"))[0]
    assert "Aucune annonce ouverte" in (await network.say("bob", "liste"))[0]
    assert "Boucle — les commandes" in (await network.say("bob", "aide"))[0]
    # A bare word is a command only when its arguments fit: this is a post, not /aide.
    assert "#2" in (await network.say("bob", "aide alimentaire : besoin de 10 kg de riz"))[0]


async def test_a_message_processed_twice_acts_once(network: Network) -> None:
    """A replay at start and the live path may meet on one message: it is handled once."""
    await network.join("alice", "Banque Alimentaire de l'Aude")
    message = network.incoming("alice", "/don 4 cagettes de tomates à Trèbes")
    assert await network.dispatcher.accept(message)
    first, second = await asyncio.gather(
        network.dispatcher.process(message), network.dispatcher.process(message)
    )
    assert sorted(len(replies) for replies in (first, second)) == [0, 1]
    async with network.db.transaction() as conn:
        assert await posts.post_by_id(conn, 2) is None


# issue 12 (cpu22): the inbox payload is built field by field, not with `asdict`.
def test_inbox_payload_is_asdicts_json_and_reads_back() -> None:
    import json
    from dataclasses import asdict
    from datetime import UTC, datetime

    from bot.dispatch import decode_incoming, encode_incoming
    from handlers.messages import Address, Incoming, Location

    plain = Incoming(Address("telegram", "42"), "m1", "/aide", datetime(2026, 3, 1, tzinfo=UTC))
    full = Incoming(
        Address("whatsapp", "+33600000000"),
        "m2",
        "Ici « à côté »",
        datetime(2026, 3, 1, 9, 30, 5, 120, tzinfo=UTC),
        display_name="Anne",
        contact="@anne",
        contact_link="https://t.me/anne",
        contact_private=True,
        in_group=True,
        is_button=True,
        unsupported=True,
        location=Location(48.85, 2.35),
        media_urls=("https://example.org/a.jpg",),
    )
    for incoming in (plain, full):
        data = asdict(incoming)
        data["address"] = str(incoming.address)
        data["received_at"] = incoming.received_at.isoformat()
        assert encode_incoming(incoming) == json.dumps(data, ensure_ascii=False)
        assert decode_incoming(encode_incoming(incoming)) == incoming
