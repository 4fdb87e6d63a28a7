"""Who may do what, tested as a table through the real dispatcher and handlers; moderation of
another association's post by a network administrator, and who is told of a change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from handlers import rights
from handlers.commands import Command, build_command_table
from handlers.context import Context, Effects
from handlers.linking import LINK_CODE_VALIDITY
from handlers.texts import CATALOGUE
from storage import links, members, purchases
from storage import resources as stored_resources
from storage.db import Conn
from storage.models import Role
from storage.purchases import NewPurchase
from storage.resources import NewBooking, NewResource
from tests.conftest import PARIS
from tests.network import CHANNEL, Network

OK = "allowed"
NM = "not_member"
CO = "coordinators_only"
AD = "admin_only"
DN = "done_nothing_to_close"
RN = "relaunch_not_author"
NY = "confirm_urgent_not_yours"
EVERY_MEMBER = (NM, OK, OK, OK)
RC = "resource_coordinators"
NO = "booking_decide_not_owner"
NS = "booking_not_yours"

# What each person gets, written by hand (not read from handlers/rights.py, so that a wrong
# table fails here): per command, (stranger, member, coordinator, admin) acting on their own
# association's post or member, then on another association's (None: no such target).
EXPECTED: dict[str, tuple[tuple[str, str, str, str], tuple[str, str, str, str] | None]] = {
    "start": ((OK, OK, OK, OK), None),
    "aide": (EVERY_MEMBER, None),
    "besoin": (EVERY_MEMBER, None),
    "don": (EVERY_MEMBER, None),
    "materiel": (EVERY_MEMBER, None),
    "urgent": (EVERY_MEMBER, None),
    "prendre": ((NM, "claim_own_post", "claim_own_post", "claim_own_post"), EVERY_MEMBER),
    "fait": (EVERY_MEMBER, (NM, DN, DN, DN)),
    "annuler": (EVERY_MEMBER, (NM, "cancel_not_allowed", "cancel_not_allowed", OK)),
    "corriger": (EVERY_MEMBER, (NM, "correct_not_author", "correct_not_author", OK)),
    "relancer": (EVERY_MEMBER, (NM, RN, RN, RN)),
    "liste": (EVERY_MEMBER, None),
    "mes": (EVERY_MEMBER, None),
    "inviter": ((NM, CO, OK, OK), None),
    "langue": (EVERY_MEMBER, None),
    "lier": ((OK, OK, OK, OK), None),
    "alerte": ((NM, CO, OK, OK), None),
    "digest": (EVERY_MEMBER, None),
    "arrivees": ((NM, CO, OK, OK), None),
    "membres": (EVERY_MEMBER, (NM, AD, AD, OK)),
    "retirer": ((NM, CO, OK, OK), (NM, CO, AD, OK)),
    "promouvoir": ((NM, CO, OK, OK), (NM, CO, AD, OK)),
    "retrograder": ((NM, CO, OK, OK), (NM, CO, AD, OK)),
    "quitter": (EVERY_MEMBER, None),
    "confirmer": ((NM, CO, OK, OK), (NM, CO, NY, NY)),
    "invitations": ((NM, CO, OK, OK), None),
    "revoquer": ((NM, CO, OK, OK), None),
    "numero": (EVERY_MEMBER, None),
    "publier": (EVERY_MEMBER, None),
    "reecrire": (EVERY_MEMBER, None),
    "abandonner": (EVERY_MEMBER, None),
    "profil": (EVERY_MEMBER, None),
    "profil_changer": ((NM, "profile_change_coordinators", OK, OK), None),
    "notifs": (EVERY_MEMBER, None),
    # Issue 13: the transfers as a file (an administrator's: the network's).
    "export": ((NM, CO, OK, OK), None),
    "mesdonnees": (EVERY_MEMBER, None),
    "oublier": (EVERY_MEMBER, None),
    "oublier_membre": ((NM, CO, OK, OK), (NM, CO, AD, OK)),
    # Issue 14, the shared equipment calendar.
    "ressource": ((NM, RC, OK, OK), (NM, RC, "resource_not_yours", OK)),
    "ressources": (EVERY_MEMBER, None),
    "reserver": ((NM, CO, OK, OK), None),
    "reserver_decider": ((NM, CO, OK, OK), (NM, CO, NO, NO)),
    "reserver_annuler": ((NM, CO, OK, OK), (NM, CO, NS, OK)),
    "agenda": (EVERY_MEMBER, None),
    "rendu": (EVERY_MEMBER, (NM, NS, NS, NS)),
    # Issue 14: group purchases.
    "achat": (EVERY_MEMBER, None),
    "achat_ouvrir": ((NM, "purchase_open_coordinators", OK, OK), None),
    "achat_gerer": ((NM, CO, OK, OK), (NM, CO, "purchase_not_organiser", OK)),
    "commande": ((NM, "purchase_commit_coordinators", OK, OK), None),
    # Issue 13: the bilan (coordinators: their association; administrators: the network).
    "bilan": ((NM, "bilan_coordinators", OK, OK), None),
    # Issue 13, part 4: the monthly report (a PDF), as the bilan.
    "rapport": ((NM, "report_coordinators", OK, OK), None),
}  # fmt: skip

# What each one types; {own_*} designates the writer's association's post or member, {other_*}
# another association's. A stranger linking an identity sends the code they were given.
TEXTS: dict[str, tuple[str, str | None]] = {
    "start": ("/start {code}", None),
    "aide": ("/aide", None),
    "besoin": ("/besoin 10 kg de riz pour vendredi", None),
    "don": ("/don 5 cagettes de pommes à Narbonne", None),
    "materiel": ("/materiel cherche un camion frigo jeudi", None),
    "urgent": ("/urgent plus de lait infantile à Quillan", None),
    "prendre": ("/prendre {own_post}", "/prendre {other_post}"),
    "fait": ("/fait {own_post}", "/fait {other_post}"),
    "annuler": ("/annuler {own_post}", "/annuler {other_post}"),
    "corriger": ("/corriger {own_post} 40 kg", "/corriger {other_post} 40 kg"),
    "relancer": ("/relancer {own_post}", "/relancer {other_post}"),
    "liste": ("/liste", None),
    "mes": ("/mes", None),
    "inviter": ("/inviter", None),
    "langue": ("/langue fr", None),
    "lier": ("/lier {link}", None),
    "alerte": ("/alerte essai du réseau", None),
    "digest": ("/digest", None),
    "arrivees": ("/arrivees", None),
    "membres": ("/membres", "/membres Restos du Cœur Narbonne"),
    "retirer": ("/retirer {own_member}", "/retirer {other_member}"),
    "promouvoir": ("/promouvoir {own_member}", "/promouvoir {other_member}"),
    "retrograder": ("/retrograder {own_coordinator}", "/retrograder {other_coordinator}"),
    "quitter": ("/quitter oui", None),
    "confirmer": ("/confirmer {own_post}", "/confirmer {other_post}"),
    "invitations": ("/invitations", None),
    "revoquer": ("/revoquer ABCDEFGH", None),
    "numero": ("/numero oui", None),
    # The buttons of a free-text post's confirmation (nothing waits here: they say so).
    "publier": ("/publier", None),
    "reecrire": ("/reecrire", None),
    "abandonner": ("/abandonner", None),
    # Issue 11: seeing the profile, changing it (a part of /profil), one's notifications.
    "profil": ("/profil", None),
    "profil_changer": ("/profil rayon 40", None),
    "notifs": ("/notifs urgent", None),
    # Issue 13: the transfers of last month as a spreadsheet.
    "export": ("/export mois", None),
    # Issue 15: one's data, one's erasure (asks to confirm), another member's (a part).
    "mesdonnees": ("/mesdonnees", None),
    "oublier": ("/oublier", None),
    "oublier_membre": ("/oublier {own_member}", "/oublier {other_member}"),
    # Issue 14: registering (and withdrawing) a resource, booking, answering, cancelling.
    "ressource": ("/ressource retirer {own_resource}", "/ressource retirer {other_resource}"),
    "ressources": ("/ressources", None),
    "reserver": ("/reserver {other_resource} vendredi 8h-14h", None),
    "reserver_decider": ("/reserver accepter {own_request}", "/reserver accepter {other_request}"),
    "reserver_annuler": ("/reserver annuler {own_booking}", "/reserver annuler {other_booking}"),
    "agenda": ("/agenda", None),
    "rendu": ("/rendu {own_loan}", "/rendu {other_loan}"),
    # Issue 14: listing, opening (a part of /achat), closing early (another part), ordering.
    "achat": ("/achats", None),
    "achat_ouvrir": (
        "/achat riz, sac de 25 kg, 18,50 €, Metro, minimum 40 sacs, avant le 15/12",
        None,
    ),
    "achat_gerer": ("/achat {own_purchase} clore", "/achat {other_purchase} clore"),
    "commande": ("/commande {other_purchase} 5", None),
    # Issue 13.
    "bilan": ("/bilan", None),
    # Issue 13, part 4: last month's report.
    "rapport": ("/rapport", None),
}

WHO: tuple[str, ...] = ("stranger", "member", "coordinator", "admin")
OURS = "Banque Alimentaire de l'Aude"
THEIRS = "Restos du Cœur Narbonne"


@dataclass(frozen=True)
class Case:
    command: str
    who: str
    own: bool
    expected: str

    def __str__(self) -> str:
        return f"{self.command}-{self.who}-{'own' if self.own else 'other'}"


def cases() -> list[Case]:
    found = []
    for command, (own, other) in EXPECTED.items():
        for index, who in enumerate(WHO):
            found.append(Case(command, who, True, own[index]))
            if other is not None:
                found.append(Case(command, who, False, other[index]))
    return found


def refusal_patterns() -> dict[str, re.Pattern[str]]:
    """Each refusal's French sentence as a pattern ({values} match anything)."""
    keys = {k for own, other in EXPECTED.values() for k in (*own, *(other or ())) if k != OK}
    keys |= {"internal_error", "unknown_command", "coordinators_only", "not_member"}
    patterns = {}
    for key in keys:
        template = re.escape(CATALOGUE[key]["fr"])
        patterns[key] = re.compile(re.sub(r"\\\{\w+\\\}", "(?s:.*?)", template))
    return patterns


PATTERNS = refusal_patterns()


def answer_class(replies: list[str]) -> str:
    assert replies, "no answer at all"
    for key, pattern in PATTERNS.items():
        if any(pattern.fullmatch(reply) for reply in replies):
            return key
    return OK


async def add(network: Network, user: str, association: str, role: Role) -> int:
    """A member created directly (faster than a join: the table runs ~150 networks)."""
    async with network.db.transaction() as conn:
        found = await members.ensure_association(
            conn, association, "Carcassonne", network.clock.now()
        )
        member = await members.create_member(
            conn, found.id, user.capitalize(), role, network.clock.now()
        )
        await members.add_identity(conn, member.id, CHANNEL, user, f"@{user}", network.clock.now())
    return member.id


async def build(network: Network, who: str) -> dict[str, object]:
    """Two associations with a post each; the writer "zoe" is in ours with the role `who`."""
    ids = {
        "own_coordinator": await add(network, "achille", OURS, "coordinator"),
        "own_member": await add(network, "anna", OURS, "member"),
        "other_coordinator": await add(network, "berthe", THEIRS, "coordinator"),
        "other_member": await add(network, "basile", THEIRS, "member"),
    }
    await add(network, "alma", OURS, "member")
    await add(network, "bruno", THEIRS, "coordinator")
    cyril = await add(network, "cyril", "CCAS de Lézignan", "coordinator")
    await network.say("alma", "/don 30 kg de pommes à Carcassonne")
    await network.say("bruno", "/don 20 kg de carottes à Narbonne")
    if who != "stranger":
        await add(network, "zoe", OURS, who)  # type: ignore[arg-type]
    code = await network.invite(OURS)
    async with network.db.transaction() as conn:
        link = await links.create_link_code(
            conn, ids["own_member"], network.clock.now(), LINK_CODE_VALIDITY
        )
        # Issue 14: a group purchase opened by each association's coordinator.
        purchases_made = {
            f"{side}_purchase": await open_purchase(conn, ids[f"{side}_coordinator"], network)
            for side in ("own", "other")
        }
    equipment = await shared_equipment(network, ids, cyril)
    return {
        **ids,
        **equipment,
        **purchases_made,
        "own_post": 1,
        "other_post": 2,
        "code": code,
        "link": link.code,
    }


async def shared_equipment(network: Network, ids: dict[str, int], cyril: int) -> dict[str, object]:
    """Issue 14: a resource of each association, and bookings between them: requests waiting
    (on ours by theirs; on theirs by a third), confirmed bookings (ours on theirs; a third's on
    theirs), loans under way."""
    async with network.db.transaction() as conn:
        found = {name: await members.association_by_name(conn, name) for name in (OURS, THEIRS)}
        ours, theirs = (found[OURS].id, found[THEIRS].id)  # type: ignore[union-attr]
        third = (await members.member_by_id(conn, cyril)).association_id  # type: ignore[union-attr]
        now = network.clock.now()

        async def resource(association: int) -> int:
            new = NewResource(association, "vehicule_frigo", "Camion", "", None, None, "", True)
            return (await stored_resources.create_resource(conn, new, None, now)).id

        async def booking(
            resource_id: int, owner: int, borrower: int, member: int, day: int, status: str
        ) -> str:
            start = datetime(2026, 12, day, 8, tzinfo=PARIS)
            new = NewBooking(
                resource_id,
                owner,
                borrower,
                member,
                start,
                start + timedelta(hours=4),
                False,
                0.167,
                status,  # type: ignore[arg-type]
            )
            made = await stored_resources.book_if_free(conn, new, now)
            assert made is not None
            return f"R{made.id}"

        own_resource, lent, other_resource = (
            await resource(ours),
            await resource(ours),
            await resource(theirs),
        )
        theirs_lent, theirs_out = await resource(theirs), await resource(theirs)
        own_coordinator, other_coordinator = ids["own_coordinator"], ids["other_coordinator"]
        return {
            "own_resource": own_resource,
            "other_resource": other_resource,
            "own_request": await booking(lent, ours, theirs, other_coordinator, 10, "requested"),
            "other_request": await booking(theirs_lent, theirs, third, cyril, 10, "requested"),
            "own_booking": await booking(
                theirs_lent, theirs, ours, own_coordinator, 11, "confirmed"
            ),
            "other_booking": await booking(theirs_lent, theirs, third, cyril, 12, "confirmed"),
            "own_loan": await booking(theirs_lent, theirs, ours, own_coordinator, 1, "confirmed"),
            "other_loan": await booking(theirs_out, theirs, third, cyril, 1, "confirmed"),
        }


async def open_purchase(conn: Conn, organiser_id: int, network: Network) -> int:
    """An open group purchase (issue 14) made directly, like the members above."""
    organiser = await members.member_by_id(conn, organiser_id)
    assert organiser is not None
    now = network.clock.now()
    new = NewPurchase(
        product="riz",
        pack="sac de 25 kg",
        category="epicerie_seche",
        unit_price_cents=1850,
        supplier="Metro",
        minimum_kind="packs",
        minimum=40,
        pickup="",
        closes_at=now + timedelta(days=7),
        remind_at=now + timedelta(days=6),
    )
    return await purchases.create_purchase(conn, new, organiser.id, organiser.association_id, now)


@pytest.mark.parametrize("case", cases(), ids=str)
async def test_every_command_for_every_person(network: Network, case: Case) -> None:
    values = await build(network, case.who)
    own_text, other_text = TEXTS[case.command]
    text = own_text if case.own else other_text
    assert text is not None
    replies = await network.say("zoe", text.format(**values))
    assert answer_class(replies) == case.expected, replies


def test_the_table_covers_every_command() -> None:
    names = {command.name for command in build_command_table().values()}
    # A part of a command (a change with /profil) has its own row, checked by its handler.
    assert set(rights.PART_OF.values()) <= names and not set(rights.PART_OF) & names
    assert names | set(rights.PART_OF) == set(EXPECTED) == set(TEXTS) == set(rights.RULES)


def test_every_refusal_has_a_sentence() -> None:
    for rule in rights.RULES.values():
        for outcome in (*rule.own, *(rule.other or ())):
            assert outcome == rights.YES or outcome in CATALOGUE, outcome


def test_the_readme_shows_the_code_s_table() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert rights.rules_markdown() in readme


def test_a_command_without_a_rule_fails_at_start() -> None:
    async def noop(ctx: Context, args: str) -> Effects:
        return Effects()

    with pytest.raises(ValueError, match="rights"):
        build_command_table((Command("nouvelle", noop),))


# ------------------------------------------------------------------ moderation and notices


async def post_taken_by_two(network: Network) -> None:
    """Alma (ours) offers 30 kg; Basile (theirs) and Léa (a third association) take 10 kg each;
    Ada, an administrator, and Cyril, a coordinator, of two more associations, watch."""
    await add(network, "alma", OURS, "member")
    await add(network, "achille", OURS, "coordinator")
    await add(network, "basile", THEIRS, "member")
    await add(network, "lea", "Épicerie solidaire de Limoux", "member")
    await add(network, "ada", "Croix-Rouge de Castelnaudary", "admin")
    await add(network, "bruno", THEIRS, "coordinator")
    await add(network, "cyril", "CCAS de Lézignan", "coordinator")
    await network.say("alma", "/don 30 kg de pommes à Carcassonne")
    await network.say("basile", "/prendre 1 10 kg")
    await network.say("lea", "/prendre 1 10 kg")
    for user in ("alma", "achille", "basile", "lea", "ada", "bruno", "cyril"):
        network.take_inbox(user)


async def test_an_administrator_withdraws_another_s_post_and_says_so(network: Network) -> None:
    await post_taken_by_two(network)
    replies = await network.say("ada", "/annuler 1")
    assert "Annonce #1 retirée" in replies[0]
    for claimer in ("basile", "lea"):
        (notice,) = network.take_inbox(claimer)
        assert "retirée par l'administrateur Ada du réseau" in notice
        assert "son auteur" not in notice
    (to_author,) = network.take_inbox("alma")
    assert "Votre annonce #1" in to_author and "l'administrateur Ada du réseau" in to_author
    assert "n'est plus ouverte (annulée)" in (await network.say("bruno", "/prendre 1"))[0]


async def test_a_coordinator_cannot_withdraw_or_change_another_s_post(network: Network) -> None:
    await post_taken_by_two(network)
    assert "administrateur du réseau" in (await network.say("cyril", "/annuler 1"))[0]
    assert "administrateur du réseau" in (await network.say("cyril", "/corriger 1 5 kg"))[0]
    assert network.take_inbox("alma") == [] and network.take_inbox("basile") == []
    listed = "\n".join(await network.say("lea", "/mes"))
    assert "#1" in listed  # still taken by Léa's association, unchanged


async def test_claimers_are_told_who_withdrew(network: Network) -> None:
    await post_taken_by_two(network)
    await network.say("achille", "/annuler 1")  # a colleague of the author
    (notice,) = network.take_inbox("basile")
    assert "retirée par Achille (Banque Alimentaire de l'Aude)" in notice
    (to_author,) = network.take_inbox("alma")
    assert "Votre annonce #1" in to_author and "Achille" in to_author


async def test_the_author_s_own_withdrawal_says_so(network: Network) -> None:
    await post_taken_by_two(network)
    await network.say("alma", "/annuler 1")
    (notice,) = network.take_inbox("lea")
    assert "retirée par son auteur" in notice
    assert network.take_inbox("alma") == []


async def test_a_correction_is_announced_to_active_claimers(network: Network) -> None:
    await post_taken_by_two(network)
    await network.say("lea", "/annuler 1")  # Léa's association no longer takes it
    network.take_inbox("alma")
    replies = await network.say("alma", "/corriger 1 50 kg pour vendredi")
    assert "Annonce #1 corrigée" in replies[0]
    (notice,) = network.take_inbox("basile")
    assert "#1" in notice and "modifiée par son auteur" in notice
    assert "Combien : 50 kg" in notice and "4 déc" in notice  # the new figures
    assert network.take_inbox("lea") == []  # not a claimer any more
    assert network.take_inbox("alma") == []  # the writer has the reply


async def test_an_administrator_s_correction_tells_author_and_claimers(network: Network) -> None:
    await post_taken_by_two(network)
    await network.say("ada", "/corriger 1 25 kg")
    (to_author,) = network.take_inbox("alma")
    assert "Votre annonce #1 a été modifiée par l'administrateur Ada du réseau" in to_author
    assert "25 kg" in to_author
    for claimer in ("basile", "lea"):
        (notice,) = network.take_inbox(claimer)
        assert "modifiée par l'administrateur Ada du réseau" in notice and "25 kg" in notice
