"""Membership: listing members with their numbers, removing, promoting, demoting, leaving,
the last coordinator, and `boucle promote` / `boucle invite --role admin`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from handlers.texts import t
from storage import members
from storage.db import Database
from storage.models import Role
from tests.network import CHANNEL, Network

OURS = "Banque Alimentaire de l'Aude"
THEIRS = "Restos du Cœur Narbonne"
NOT_MEMBER = t("fr", "not_member")


async def number(network: Network, user: str) -> int:
    async with network.db.transaction() as conn:
        found = await members.member_by_address(conn, CHANNEL, user)
    assert found is not None
    return found.id


async def ours_and_theirs(network: Network) -> None:
    await network.join("camille", OURS, role="coordinator")
    await network.join("anna", OURS)
    await network.join("bob", THEIRS, "Narbonne")
    for user in ("camille", "anna", "bob"):
        network.take_inbox(user)


async def test_members_are_listed_with_their_numbers(network: Network) -> None:
    await ours_and_theirs(network)
    (listed,) = await network.say("anna", "/membres")
    assert f"n°{await number(network, 'camille')} Camille — coordinateur·rice" in listed
    assert f"n°{await number(network, 'anna')} Anna — membre (vous)" in listed
    assert "Bob" not in listed and "/retirer" not in listed  # a member: no coordinator's hint
    (listed,) = await network.say("camille", "/membres")
    assert "/retirer N°" in listed


async def test_the_list_of_a_big_association_comes_in_pages(network: Network) -> None:
    await network.join("camille", OURS, role="coordinator")
    async with network.db.transaction() as conn:
        association = await members.association_by_name(conn, OURS)
        assert association is not None
        for index in range(40):
            await members.create_member(
                conn, association.id, f"Bénévole {index:02}", "member", network.clock.now()
            )
    (first,) = await network.say("camille", "/membres")
    assert "41 membre(s) — page 1/2" in first and "/membres 2" in first
    assert first.index("Camille") < first.index("Bénévole 00")  # coordinators first
    (second,) = await network.say("camille", "/membres 2")
    assert "page 2/2" in second and "Bénévole 39" in second and "Bénévole 00" not in second
    assert "pas de page 3" in (await network.say("camille", "/membres 3"))[0]


async def test_a_removed_member_can_no_longer_act_nor_be_reached(network: Network) -> None:
    await ours_and_theirs(network)
    await network.say("anna", "/don 30 kg de pommes à Carcassonne")
    await network.say("bob", "/prendre 1 10 kg")
    network.take_inbox("anna")
    # News for Anna waits in the outbox when she is removed: it is not sent either.
    await network.dispatcher.handle(network.incoming("bob", "/besoin 10 kg de riz pour jeudi"))
    anna = await number(network, "anna")
    replies = await network.dispatcher.handle(network.incoming("camille", f"/retirer {anna}"))
    assert "Anna ne fait plus partie de Banque Alimentaire de l'Aude" in replies[0].text
    await network.deliver()
    (farewell,) = network.take_inbox("anna")  # and not the news that was waiting
    assert "Vous ne faites plus partie" in farewell and "Camille" in farewell
    assert await network.say("anna", "/liste") == [NOT_MEMBER]
    assert await network.say("anna", "/don 5 kg de poires") == [NOT_MEMBER]
    await network.say("bob", "/besoin 20 kg de pâtes pour vendredi")
    await network.say("camille", "/alerte plus de lait infantile")
    assert network.take_inbox("anna") == []
    # Her post and Bob's claim stay, signed with her name.
    listed = "\n".join(await network.say("camille", "/mes"))
    assert "#1" in listed and "pommes" in listed
    replies = await network.say("bob", "/mes")
    assert "#1 pommes" in "\n".join(replies)
    async with network.db.transaction() as conn:
        gone = await members.member_by_address(conn, CHANNEL, "anna")
    assert gone is None
    await network.join("lea", "Épicerie solidaire de Limoux", "Limoux")
    replies = await network.say("lea", "/prendre 1")
    assert "Contact : Anna (Banque Alimentaire de l'Aude)" in replies[0]
    # Not in the list any more; a new invite brings her back.
    assert "Anna" not in (await network.say("camille", "/membres"))[0]
    assert "Bienvenue Anna" in (await network.join("anna", OURS))[0]


async def test_members_are_designated_by_name_when_unique(network: Network) -> None:
    await ours_and_theirs(network)
    assert "Anna ne fait plus partie" in (await network.say("camille", "/retirer anna"))[0]
    await network.join("paul", OURS)
    await network.join("paul2", OURS)
    async with network.db.transaction() as conn:
        await conn.execute("UPDATE members SET name = 'Paul' WHERE name = 'Paul2'")
    assert "Plusieurs membres" in (await network.say("camille", "/retirer Paul"))[0]
    assert "Je ne trouve pas « Zoé »" in (await network.say("camille", "/retirer Zoé"))[0]
    assert "Je ne trouve pas « n°999 »" in (await network.say("camille", "/retirer n°999"))[0]
    assert "Usage : /retirer N°" in (await network.say("camille", "/retirer"))[0]
    assert "/quitter" in (await network.say("camille", "/retirer Camille"))[0]


async def test_promote_and_demote(network: Network) -> None:
    await ours_and_theirs(network)
    anna = await number(network, "anna")
    assert "réservée aux coordinateurs" in (await network.say("anna", "/inviter"))[0]
    replies = await network.say("camille", f"/promouvoir n°{anna}")
    assert "Anna est maintenant coordinateur·rice" in replies[0]
    (told,) = network.take_inbox("anna")
    assert "Vous êtes maintenant coordinateur·rice" in told and "Camille" in told
    assert "Code d'invitation" in (await network.say("anna", "/inviter"))[0]
    assert "déjà coordinateur·rice" in (await network.say("camille", f"/promouvoir {anna}"))[0]
    replies = await network.say("camille", f"/retrograder {anna}")
    assert "Anna est maintenant membre" in replies[0]
    assert "Vous n'êtes plus coordinateur·rice" in network.take_inbox("anna")[0]
    assert "réservée aux coordinateurs" in (await network.say("anna", "/inviter"))[0]
    assert "rien à rétrograder" in (await network.say("camille", f"/retrograder {anna}"))[0]


async def test_a_coordinator_acts_on_their_own_association_only(network: Network) -> None:
    await ours_and_theirs(network)
    bob = await number(network, "bob")
    for command in ("retirer", "promouvoir", "retrograder"):
        replies = await network.say("camille", f"/{command} {bob}")
        assert replies == [t("fr", "admin_only")]
    # By name, another association's member is not even found.
    assert "Je ne trouve pas" in (await network.say("camille", "/retirer Bob"))[0]
    assert (await network.say("bob", "/liste"))[0] != NOT_MEMBER


async def test_the_last_coordinator_stays_until_another_is_named(network: Network) -> None:
    await ours_and_theirs(network)
    camille = await number(network, "camille")
    replies = await network.say("camille", f"/retrograder {camille}")
    assert "dernier coordinateur de Banque Alimentaire de l'Aude" in replies[0]
    assert "dernier coordinateur" in (await network.say("camille", "/quitter oui"))[0]
    await network.say("camille", f"/promouvoir {await number(network, 'anna')}")
    replies = await network.say("anna", f"/retirer {camille}")
    assert "Camille ne fait plus partie" in replies[0]
    await network.join("paul", OURS)
    assert "dernier coordinateur" in (await network.say("anna", "/quitter oui"))[0]


async def test_the_only_member_may_leave(network: Network) -> None:
    await network.join("solo", OURS, role="coordinator")
    assert "vous avez quitté" in (await network.say("solo", "/quitter oui"))[0]


async def test_leaving_asks_to_confirm_then_tells_the_coordinators(network: Network) -> None:
    await ours_and_theirs(network)
    replies = await network.say("anna", "/quitter")
    assert "Pour confirmer : /quitter oui" in replies[0]
    assert network.last_outgoing("anna").choices[0].command == "/quitter oui"
    assert (await network.say("anna", "/liste"))[0] != NOT_MEMBER  # still in
    replies = await network.say("anna", "/quitter oui")
    assert "vous avez quitté Banque Alimentaire de l'Aude" in replies[0]
    assert await network.say("anna", "/liste") == [NOT_MEMBER]
    (told,) = network.take_inbox("camille")
    assert "Anna a quitté Banque Alimentaire de l'Aude" in told


async def test_an_administrator_manages_another_association(network: Network) -> None:
    await ours_and_theirs(network)
    await network.join("ada", "Croix-Rouge de Castelnaudary", role="admin")
    await network.join("bea", THEIRS, "Narbonne", role="coordinator")
    (listed,) = await network.say("ada", "/membres restos du cœur narbonne")
    bob = await number(network, "bob")
    assert f"n°{bob} Bob" in listed
    replies = await network.say("ada", f"/retirer {bob}")
    assert "Bob ne fait plus partie de Restos du Cœur Narbonne" in replies[0]
    assert "l'administrateur Ada du réseau" in network.take_inbox("bob")[0]
    (told,) = network.take_inbox("bea")
    assert "Bob ne fait plus partie" in told and "l'administrateur Ada du réseau" in told
    assert "Je ne connais pas l'association" in (await network.say("ada", "/membres Nulle"))[0]


async def test_an_administrator_is_changed_with_the_cli_only(network: Network) -> None:
    await network.join("camille", OURS, role="coordinator")
    await network.join("ada", OURS, role="admin")
    ada = await number(network, "ada")
    for command in ("retirer", "retrograder"):
        replies = await network.say("camille", f"/{command} {ada}")
        assert "boucle promote" in replies[0]
    assert "boucle promote" in (await network.say("ada", f"/retrograder {ada}"))[0]


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "network.db"
    monkeypatch.setenv("BOUCLE_DB_PATH", str(path))
    return path


async def roles(path: Path) -> dict[str, str]:
    db = await Database.open(path)
    async with db.transaction() as conn:
        found = {
            name: (await members.members_called(conn, name, None, 1))[0].role
            for name in ("Camille", "Ada")
        }
    await db.close()
    return found


async def seed(path: Path, ada_role: Role) -> None:
    db = await Database.open(path)
    async with db.transaction() as conn:
        now = datetime(2026, 12, 1, tzinfo=UTC)
        association = await members.ensure_association(conn, OURS, "Carcassonne", now)
        await members.create_member(conn, association.id, "Camille", "coordinator", now)
        await members.create_member(conn, association.id, "Ada", ada_role, now)
    await db.close()


def test_cli_invite_admin_and_promote(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["invite", "--association", OURS, "--commune", "Carcassonne", "--role", "admin"]) == 0
    )
    code = capsys.readouterr().out.strip().splitlines()[-1]

    async def invite_role() -> str:
        db = await Database.open(cli_db)
        async with db.transaction() as conn:
            invite = await members.invite_by_code(conn, code)
        await db.close()
        assert invite is not None
        return invite.role

    assert run(invite_role()) == "admin"
    run(seed(cli_db, "member"))
    assert main(["promote", "--name", "ada", "--role", "admin"]) == 0
    assert "rôle member → admin" in capsys.readouterr().out
    assert run(roles(cli_db)) == {"Camille": "coordinator", "Ada": "admin"}
    assert main(["promote", "--name", "Ada", "--association", OURS, "--role", "coordinator"]) == 0
    assert run(roles(cli_db)) == {"Camille": "coordinator", "Ada": "coordinator"}
    assert main(["promote", "--member", "1", "--role", "member"]) == 0
    # Ada is now the last coordinator: not demoted.
    assert main(["promote", "--name", "Ada", "--role", "member"]) == 2
    assert "dernier coordinateur" in capsys.readouterr().err
    assert main(["promote", "--member", "99", "--role", "admin"]) == 2
    assert main(["promote", "--name", "Zoé", "--role", "admin"]) == 2


async def test_an_admin_invite_makes_an_administrator(network: Network) -> None:
    code = await network.invite("Croix-Rouge de Castelnaudary", role="admin")
    await network.say("ada", f"/start {code}")
    async with network.db.transaction() as conn:
        ada = await members.member_by_address(conn, CHANNEL, "ada")
    assert ada is not None and ada.is_admin and ada.is_coordinator
