"""Limits that fit the field (issue 9): relaunches, the urgent quota and its confirmation,
code guesses, invite expiry and revocation, one member's flood.

Every limit is read from `NetworkConfig.limits` (the settings): the tests set small or large
values where the default would make them slow, and check the defaults elsewhere."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import create_invites, list_invites, revoke_invite
from bot.clock import ManualClock
from bot.dispatch import Dispatcher
from bot.intake import Intake
from bot.settings import Settings
from handlers.context import Limits, NetworkConfig
from handlers.messages import Address, Incoming
from handlers.understanding import Gazetteer
from storage import db as db_module
from storage import inbox, members
from storage.db import Database
from tests.network import CHANNEL, Network

URGENT = "🆘 URGENT"


def set_limits(network: Network, **values: object) -> None:
    config = network.dispatcher.config
    network.dispatcher.config = replace(config, limits=replace(config.limits, **values))


async def two_associations(network: Network) -> None:
    """carla (member) and cora (coordinator) in Limoux; bob in Narbonne."""
    await network.join("cora", "Épicerie de Limoux", "Limoux", role="coordinator")
    await network.join("carla", "Épicerie de Limoux", "Limoux")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    for user in ("cora", "carla", "bob"):
        network.take_inbox(user)


async def post_id_of(network: Network, reply: str) -> int:
    async with network.db.transaction() as conn, conn.execute("SELECT MAX(id) FROM posts") as cur:
        row = await cur.fetchone()
    assert row is not None and f"#{row[0]}" in reply
    return int(row[0])


# ------------------------------------------------------------------ relaunch


async def test_relaunch_at_most_once_per_interval_from_the_last_broadcast(
    network: Network,
) -> None:
    await two_associations(network)
    [published] = await network.say("carla", "/don 20 kg de pommes à Limoux")
    post = await post_id_of(network, published)
    network.take_inbox("bob")
    # Right after publishing: the same message again on every phone is refused, with when.
    [refused] = await network.say("carla", f"/relancer {post}")
    assert "moins de 6 h" in refused and "à 15h00" in refused
    assert network.take_inbox("bob") == []
    network.clock.advance(timedelta(hours=5, minutes=59))
    [refused] = await network.say("carla", f"/relancer {post}")
    assert "à 15h00" in refused
    network.clock.advance(timedelta(minutes=1))
    [done] = await network.say("carla", f"/relancer {post}")
    assert "relancée. Envoyée à 1 association" in done
    assert len(network.take_inbox("bob")) == 1
    # The next one counts from this relaunch, another day shows its date; anyone of the
    # association is held to it (cora, a coordinator, too).
    network.clock.advance(timedelta(hours=4))  # 19h00 → next at 21h00
    [refused] = await network.say("cora", f"/relancer {post}")
    assert "à 21h00" in refused
    network.clock.advance(timedelta(hours=4))  # 23h00 → 21h00 passed
    [done] = await network.say("cora", f"/relancer {post}")
    assert "relancée" in done
    [refused] = await network.say("carla", f"/relancer {post}")
    assert "le 02/12 à 5h00" in refused
    # 23h00 is in bob's quiet hours (21h00–7h30 by default): the relay waits for his morning.
    assert network.take_inbox("bob") == []
    network.clock.advance(timedelta(hours=8, minutes=29))
    await network.deliver()
    assert network.take_inbox("bob") == []
    network.clock.advance(timedelta(minutes=1))
    await network.deliver()
    assert len(network.take_inbox("bob")) == 1


async def test_relaunch_interval_is_a_setting(network: Network) -> None:
    await two_associations(network)
    set_limits(network, relaunch_interval=timedelta(hours=1))
    [published] = await network.say("carla", "/besoin 10 kg de riz")
    post = await post_id_of(network, published)
    [refused] = await network.say("carla", f"/relancer {post}")
    assert "moins de 1 h" in refused and "à 10h00" in refused
    network.clock.advance(timedelta(hours=1))
    [done] = await network.say("carla", f"/relancer {post}")
    assert "relancée" in done


# ------------------------------------------------------------------ urgent quota


async def test_urgent_posts_beyond_the_daily_quota_go_as_ordinary_until_confirmed(
    network: Network,
) -> None:
    await two_associations(network)
    for number in range(3):
        [reply] = await network.say("carla", f"/urgent {number + 1}0 boîtes de lait infantile")
        assert "ordinaire" not in reply
        [relay] = network.take_inbox("bob")
        assert URGENT in relay
    [reply] = await network.say("carla", "/urgent 40 boîtes de lait infantile")
    post = await post_id_of(network, reply)
    assert "déjà publié 3 annonce(s) urgente(s) en 24 h" in reply
    assert "part comme annonce ordinaire" in reply
    # Relayed at once, as an ordinary post.
    [relay] = network.take_inbox("bob")
    assert URGENT not in relay and f"#{post}" in relay
    # The coordinator of carla's association gets a one-tap choice; nobody else does.
    [request] = network.take_inbox("cora")
    assert f"#{post}" in request and "Carla" in request
    choice = network.last_outgoing("cora").choices
    assert [(c.label, c.command) for c in choice] == [
        (f"Confirmer l'urgence #{post}", f"/confirmer {post}")
    ]
    # Only a coordinator, only of the author's association, only once.
    [refused] = await network.say("carla", f"/confirmer {post}")
    assert "réservée aux coordinateurs" in refused
    await network.join("boris", "Restos du Cœur", "Narbonne", role="coordinator")
    network.take_inbox("bob")
    [refused] = await network.say("boris", f"/confirmer {post}")
    assert "pas de votre association" in refused
    [confirmed] = await network.say("cora", f"/confirmer {post}", button=True)
    assert f"Urgence de l'annonce #{post} confirmée" in confirmed
    [urgent_relay] = network.take_inbox("bob")
    assert URGENT in urgent_relay and f"#{post}" in urgent_relay
    [told] = network.take_inbox("carla")
    assert "Cora a confirmé l'urgence" in told
    [again] = await network.say("cora", f"/confirmer {post}")
    assert "déjà urgente" in again
    assert network.take_inbox("bob") == []


async def test_urgent_quota_is_per_author_over_24_hours(network: Network) -> None:
    await two_associations(network)
    set_limits(network, urgent_per_day=1)
    [first] = await network.say("carla", "/urgent 10 boîtes de lait infantile")
    assert "ordinaire" not in first
    [second] = await network.say("carla", "/urgent 5 packs d'eau")
    assert "déjà publié 1 annonce(s) urgente(s)" in second
    # Another author of the same association has a quota of their own.
    await network.join("cyril", "Épicerie de Limoux", "Limoux")
    [other] = await network.say("cyril", "/urgent 5 packs d'eau")
    assert "ordinaire" not in other
    # A plain post is never counted nor held.
    [plain] = await network.say("carla", "/besoin 10 kg de riz")
    assert "ordinaire" not in plain
    network.clock.advance(timedelta(hours=24))
    [next_day] = await network.say("carla", "/urgent 5 packs d'eau")
    assert "ordinaire" not in next_day
    network.take_inbox("bob")


async def test_correcting_a_post_to_urgent_counts_against_the_quota(network: Network) -> None:
    """`/corriger N urgent` then `/relancer N` is no way around the quota."""
    await two_associations(network)
    set_limits(network, urgent_per_day=1, relaunch_interval=timedelta(0))
    await network.say("carla", "/urgent 10 boîtes de lait infantile")
    [published] = await network.say("carla", "/besoin 10 kg de riz")
    post = await post_id_of(network, published)
    network.take_inbox("bob")
    [corrected] = await network.say("carla", f"/corriger {post} urgent")
    assert "part comme annonce ordinaire" in corrected
    [request] = network.take_inbox("cora")
    assert f"#{post}" in request
    [relaunched] = await network.say("carla", f"/relancer {post}")
    assert "relancée" in relaunched
    [relay] = network.take_inbox("bob")
    assert URGENT not in relay
    # As a WhatsApp user answers the choice: the keyword, without a slash.
    assert "confirmée" in (await network.say("cora", f"CONFIRMER {post}"))[0]
    assert URGENT in network.take_inbox("bob")[0]


async def test_a_coordinator_beyond_the_quota_confirms_in_their_own_reply(
    network: Network,
) -> None:
    await two_associations(network)
    set_limits(network, urgent_per_day=0)
    [reply] = await network.say("cora", "/urgent 10 boîtes de lait infantile")
    post = await post_id_of(network, reply)
    assert f"/confirmer {post}" in reply
    assert [c.command for c in network.last_outgoing("cora").choices] == [f"/confirmer {post}"]
    network.take_inbox("bob")
    [done] = await network.say("cora", f"/confirmer {post}")
    assert "confirmée" in done
    assert URGENT in network.take_inbox("bob")[0]


async def test_without_a_coordinator_the_author_is_told_nobody_can_confirm(
    network: Network,
) -> None:
    await network.join("nina", "Secours de Narbonne", "Narbonne")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    set_limits(network, urgent_per_day=0)
    [reply] = await network.say("nina", "/urgent 10 boîtes de lait infantile")
    assert "pas de coordinateur" in reply
    [relay] = network.take_inbox("bob")
    assert URGENT not in relay


# ------------------------------------------------------------------ code guesses


async def test_wrong_start_codes_are_throttled_per_sender_even_a_right_one_waits(
    network: Network,
) -> None:
    good = await network.invite("Restos du Cœur", "Narbonne")
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "EEEEEEEE"):
        [answer] = await network.say("mallory", f"/start {guess}")
        assert "n'existe pas" in answer
    [wait] = await network.say("mallory", f"/start {good}")
    assert "Trop d'essais de code" in wait and "10 min" in wait
    # A bare code (WhatsApp) is no way around it, nor is /lier.
    [wait] = await network.say("mallory", good)
    assert "Trop d'essais" in wait
    [wait] = await network.say("mallory", "/lier ABCDEF")
    assert "Trop d'essais" in wait
    # Someone else is not held by mallory's guesses.
    assert "Bienvenue" in (await network.say("nadia", f"/start {good}"))[0]
    good = await network.invite("Restos du Cœur", "Narbonne")
    network.clock.advance(timedelta(minutes=9))
    [wait] = await network.say("mallory", f"/start {good}")
    assert "1 min" in wait
    network.clock.advance(timedelta(minutes=1))
    [welcome] = await network.say("mallory", f"/start {good}")
    assert "Bienvenue" in welcome


async def test_the_throttle_survives_a_restart(
    db: Database, clock: ManualClock, gazetteer: Gazetteer
) -> None:
    first = Network(db, clock, gazetteer)
    for _ in range(5):
        await first.say("mallory", "/start ZZZZZZZZ")
    restarted = Network(db, clock, gazetteer)
    restarted._message_ids = 100  # new message ids, not redeliveries
    good = await restarted.invite("Restos du Cœur", "Narbonne")
    [wait] = await restarted.say("mallory", f"/start {good}")
    assert "Trop d'essais" in wait


async def test_wrong_link_codes_and_bare_guesses_count(network: Network) -> None:
    for guess in ("AAAAAA", "BBBBBB", "CCCCCC"):
        [answer] = await network.say("mallory", f"/lier {guess}")
        assert "Code inconnu" in answer or "inconnu" in answer.lower() or "expiré" in answer
    # Bare words shaped like our codes count; a greeting does not.
    for text in ("Bonjour", "Bonjour", "Bonjour"):
        [answer] = await network.say("mallory", text)
        assert "demandez un code" in answer
    for guess in ("KKKKKKKK", "MMMMMMMM"):
        [answer] = await network.say("mallory", guess)
        assert "demandez un code" in answer
    [wait] = await network.say("mallory", "NNNNNNNN")
    assert "Trop d'essais" in wait


async def test_wrong_codes_are_throttled_network_wide(network: Network) -> None:
    set_limits(network, code_attempts_per_minute=30)
    for number in range(30):
        await network.say(f"guess{number}", "/start ZZZZZZZZ")
    good = await network.invite("Restos du Cœur", "Narbonne")
    [wait] = await network.say("nadia", f"/start {good}")
    assert "Beaucoup d'essais de code en ce moment" in wait and "1 min" in wait
    network.clock.advance(timedelta(minutes=1))
    [welcome] = await network.say("nadia", f"/start {good}")
    assert "Bienvenue" in welcome


async def test_default_code_limits() -> None:
    limits = Settings(_env_file=None).limits  # type: ignore[call-arg]
    assert limits.code_attempts_per_sender == 5
    assert limits.code_window == timedelta(minutes=10)
    assert limits.code_attempts_per_minute == 100
    assert limits.relaunch_interval == timedelta(hours=6)
    assert limits.urgent_per_day == 3
    assert limits.invite_validity == timedelta(days=14)
    assert limits.messages_per_window == 20 and limits.message_window == timedelta(minutes=1)


# ------------------------------------------------------------------ invites


async def test_invites_expire_after_14_days_and_say_so(network: Network) -> None:
    await two_associations(network)
    [made] = await network.say("cora", "/inviter")
    assert "Valable jusqu'au 15/12/2026" in made
    code = made.split("/start ")[1].split()[0]
    later = await network.say("cora", "/inviter")
    later_code = later[0].split("/start ")[1].split()[0]
    network.clock.advance(timedelta(days=14) - timedelta(seconds=1))
    assert "Bienvenue" in (await network.say("dora", f"/start {later_code}"))[0]
    network.clock.advance(timedelta(seconds=1))
    [expired] = await network.say("eve", f"/start {code}")
    assert "a expiré le 15/12/2026" in expired
    async with network.db.transaction() as conn:
        assert await members.member_by_address(conn, CHANNEL, "eve") is None


async def test_expired_and_revoked_codes_count_as_failed_attempts(network: Network) -> None:
    await two_associations(network)
    codes = []
    for _ in range(5):
        [made] = await network.say("cora", "/inviter")
        codes.append(made.split("/start ")[1].split()[0])
    await network.say("cora", f"/revoquer {codes[0]}")
    network.clock.advance(timedelta(days=15))
    [revoked] = await network.say("mallory", f"/start {codes[0]}")
    assert "annulé par votre association" in revoked
    for code in codes[1:]:
        [expired] = await network.say("mallory", f"/start {code}")
        assert "a expiré" in expired
    fresh = await network.invite("Épicerie de Limoux", "Limoux")
    [wait] = await network.say("mallory", f"/start {fresh}")
    assert "Trop d'essais" in wait


async def test_coordinators_list_and_revoke_their_own_codes_in_the_chat(network: Network) -> None:
    await two_associations(network)
    made = [(await network.say("cora", "/inviter"))[0] for _ in range(3)]
    codes = [text.split("/start ")[1].split()[0] for text in made]
    await network.say("cora", "/inviter coordinateur")
    await network.join("boris", "Restos du Cœur", "Narbonne", role="coordinator")
    [theirs] = await network.say("boris", "/inviter")
    other_code = theirs.split("/start ")[1].split()[0]
    assert "Bienvenue" in (await network.say("dora", f"/start {codes[0]}"))[0]
    network.take_inbox("cora")

    [listing] = await network.say("cora", "/invitations")
    assert "Épicerie de Limoux (3)" in listing
    assert codes[0] not in listing  # used
    assert codes[1] in listing and codes[2] in listing and other_code not in listing
    assert "coordinateur·rice" in listing and "15/12/2026" in listing

    [done] = await network.say("cora", f"/revoquer {codes[1].lower()}")
    assert f"Code {codes[1]} annulé" in done
    [listing] = await network.say("cora", "/invitations")
    assert codes[1] not in listing and "(2)" in listing
    [refused] = await network.say("eve", f"/start {codes[1]}")
    assert "annulé" in refused
    assert "déjà annulé" in (await network.say("cora", f"/revoquer {codes[1]}"))[0]
    assert "déjà servi" in (await network.say("cora", f"/revoquer {codes[0]}"))[0]
    # Another association's code is as unknown as a made-up one, and stays valid.
    assert "Je ne trouve pas" in (await network.say("cora", f"/revoquer {other_code}"))[0]
    assert "Bienvenue" in (await network.say("fred", f"/start {other_code}"))[0]
    assert "réservée aux coordinateurs" in (await network.say("carla", "/invitations"))[0]
    assert "réservée aux coordinateurs" in (await network.say("carla", f"/revoquer {codes[2]}"))[0]
    # Expired codes leave the list.
    network.clock.advance(timedelta(days=15))
    [empty] = await network.say("cora", "/invitations")
    assert "Aucun code d'invitation en cours" in empty


async def cli_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(tmp_path)
    return Settings(_env_file=None, boucle_db_path=tmp_path / "cli.db")  # type: ignore[call-arg]


async def test_cli_expires_lists_and_revokes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = await cli_settings(tmp_path, monkeypatch)
    assert await create_invites(settings, "Restos", "Narbonne", "member", 2, days=3) == 0
    made = capsys.readouterr().out
    assert "(3 jours)" in made
    codes = [line for line in made.splitlines() if len(line) == 8 and line.isalnum()]
    assert len(codes) == 2
    db = await Database.open(settings.boucle_db_path)
    async with db.transaction() as conn:
        invite = await members.invite_by_code(conn, codes[0])
    await db.close()
    assert invite is not None and invite.expires_at is not None and invite.created_at
    assert invite.expires_at - invite.created_at == timedelta(days=3)

    assert await list_invites(settings, "Restos") == 0
    listed = capsys.readouterr().out
    assert "2 code(s) en cours" in listed and codes[0] in listed and codes[1] in listed
    assert await revoke_invite(settings, codes[0]) == 0
    assert "révoqué" in capsys.readouterr().out
    assert await list_invites(settings, "Restos") == 0
    listed = capsys.readouterr().out
    assert "1 code(s) en cours" in listed and codes[0] not in listed
    assert await revoke_invite(settings, "ZZZZZZZZ") == 2
    assert await list_invites(settings, "Inconnue") == 2
    assert await create_invites(settings, "Restos", "Narbonne", "member", 1, days=0) == 2


async def test_cli_parser_knows_the_new_options() -> None:
    from bot.cli import build_parser

    args = build_parser().parse_args(
        ["invite", "--association", "A", "--commune", "Narbonne", "--expires", "7"]
    )
    assert args.expires == 7
    assert build_parser().parse_args(["invites", "--revoke", "ABCDEFGH"]).revoke == "ABCDEFGH"
    assert build_parser().parse_args(["invites", "--association", "A"]).association == "A"


# ------------------------------------------------------------------ flood


def message(user: str, number: int, text: str, clock: ManualClock) -> Incoming:
    return Incoming(
        Address(CHANNEL, user), f"{user}-{number}", text, clock.now(), display_name=user
    )


async def joined(db: Database, clock: ManualClock, *users: str) -> None:
    async with db.transaction() as conn:
        association = await members.ensure_association(conn, "Restos", "Narbonne", clock.now())
        for user in users:
            member = await members.create_member(conn, association.id, user, "member", clock.now())
            await members.add_identity(conn, member.id, CHANNEL, user, "", clock.now())


async def test_one_members_flood_does_not_delay_anothers_answer(
    db: Database, clock: ManualClock, gazetteer: Gazetteer
) -> None:
    """1,500 messages of A taken at once (webhooks), then one of B: B's answer is committed to
    the outbox within a fraction of a second, not after A's 1,500 (9.4 s measured before)."""
    await joined(db, clock, "alice", "bruno")
    config = NetworkConfig(limits=replace(Limits(), messages_per_window=100_000))
    dispatcher = Dispatcher(db, clock, gazetteer, config)
    answered: dict[str, float] = {}
    bruno_done = asyncio.Event()

    async def process(incoming: Incoming) -> None:
        await dispatcher.process(incoming)
        if incoming.address.external_id == "bruno":
            answered["bruno"] = time.perf_counter()
            bruno_done.set()

    intake = Intake(dispatcher.accept, process)
    flood = [
        asyncio.create_task(intake.take(message("alice", n, "/aide", clock))) for n in range(1500)
    ]
    await asyncio.sleep(0)  # every one of alice's takes has started and waits its turn
    started = time.perf_counter()
    await intake.take(message("bruno", 0, "/aide", clock))
    await bruno_done.wait()
    delay = answered["bruno"] - started
    print(f"\nB's answer committed {delay * 1000:.0f} ms after B's message (A: 1,500 queued)")
    assert delay < 0.5
    await intake.stop(0)
    for task in flood:
        task.cancel()
    await asyncio.gather(*flood, return_exceptions=True)


async def count_states(db: Database, user: str) -> dict[str, int]:
    async with (
        db.transaction() as conn,
        conn.execute(
            "SELECT state, COUNT(*) FROM inbox WHERE address = ? GROUP BY state",
            (f"{CHANNEL}:{user}",),
        ) as cur,
    ):
        return {row[0]: row[1] for row in await cur.fetchall()}


async def outbox_to(db: Database, user: str) -> list[str]:
    async with (
        db.transaction() as conn,
        conn.execute(
            "SELECT COALESCE(p.body, o.payload) FROM outbox o"
            " LEFT JOIN payloads p ON p.id = o.payload_id WHERE o.external_id = ? ORDER BY o.id",
            (user,),
        ) as cur,
    ):
        return [row[0] for row in await cur.fetchall()]


async def test_beyond_the_rate_messages_are_stored_not_processed_and_noticed_once(
    db: Database, clock: ManualClock, gazetteer: Gazetteer
) -> None:
    await joined(db, clock, "alice")
    dispatcher = Dispatcher(db, clock, gazetteer, NetworkConfig())
    intake = Intake(dispatcher.accept, dispatcher.process)
    started = time.perf_counter()
    await asyncio.gather(*(intake.take(message("alice", n, "/aide", clock)) for n in range(1500)))
    await intake.idle()
    print(f"\n1,500 messages of one member stored in {time.perf_counter() - started:.1f} s")
    # Every message is kept; 20 were processed (answered), the rest are stored 'throttled'.
    assert await count_states(db, "alice") == {"processed": 20, "throttled": 1480}
    replies = await outbox_to(db, "alice")
    assert len(replies) == 21  # 20 answers and one notice
    notices = [payload for payload in replies if "Trop de messages" in payload]
    assert len(notices) == 1 and "1 min" in notices[0]
    # Nothing is replayed at the next start.
    assert await Dispatcher(db, clock, gazetteer, NetworkConfig()).unprocessed() == []

    # A restart within the window keeps counting; the next window starts afresh.
    restarted = Dispatcher(db, clock, gazetteer, NetworkConfig())
    assert await restarted.handle(message("alice", 2000, "/aide", clock)) == []
    clock.advance(timedelta(minutes=1))
    assert await restarted.handle(message("alice", 2001, "/aide", clock)) != []
    async with db.transaction() as conn:
        assert not await inbox.is_pending(conn, CHANNEL, "alice-2000")


async def test_the_rate_is_per_sender_and_a_setting(network: Network) -> None:
    await two_associations(network)
    network.clock.advance(timedelta(minutes=5))  # the joins' window is over
    set_limits(network, messages_per_window=3, message_window=timedelta(minutes=5))
    for _ in range(3):
        assert await network.say("carla", "/aide")
    [notice] = await network.say("carla", "/aide")
    assert "Trop de messages" in notice and "5 min" in notice
    assert await network.say("carla", "/aide") == []
    assert await network.say("bob", "/aide")  # another sender is not held
    network.clock.advance(timedelta(minutes=2))
    assert await network.say("carla", "/aide") == []
    network.clock.advance(timedelta(minutes=3))
    assert await network.say("carla", "/aide")


async def test_a_strangers_flood_is_throttled_too(network: Network) -> None:
    set_limits(network, messages_per_window=2)
    assert await network.say("mallory", "hello")
    assert await network.say("mallory", "hello")
    [notice] = await network.say("mallory", "hello")
    assert "Trop de messages" in notice
    assert await network.say("mallory", "hello") == []


async def test_migration_gives_old_unused_invites_14_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codes made before invites expired (expires_at NULL) get 14 days from the upgrade, in
    the format the rest reads; used ones stay as they were."""
    every = db_module.migration_files()
    monkeypatch.setattr(db_module, "migration_files", lambda: [f for f in every if f[0] < "0012"])
    db = await Database.open(tmp_path / "old.db")
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO associations (name, commune, created_at) VALUES ('A', 'Narbonne', '')"
        )
        await conn.execute(
            "INSERT INTO invites (code, association_id, role, created_at)"
            " VALUES ('OLDCODE2', 1, 'member', '2020-01-01T00:00:00.000000+00:00')"
        )
    monkeypatch.setattr(db_module, "migration_files", lambda: every)
    assert "0012_limits.sql" in await db.migrate()
    async with db.transaction() as conn:
        invite = await members.invite_by_code(conn, "OLDCODE2")
    await db.close()
    assert invite is not None and invite.expires_at is not None
    left = invite.expires_at - datetime.now(UTC)
    assert timedelta(days=13, hours=23) < left <= timedelta(days=14)
