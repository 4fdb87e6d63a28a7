"""Booking shared equipment through the bot (issue 14): overlaps at the edges of ranges, the next
free slots, approval (accept, decline, by number and by button, by one coordinator of two),
cancelling, `/agenda`, `/rendu` with an incident note, what the indicators get, and two
overlapping bookings sent at the same moment."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from storage import events, members, profiles
from storage import resources as stored
from storage.resources import Booking
from tests.aude import PLACES
from tests.network import Network
from tests.scheduled import local

LENDER = "Restos du Cœur Narbonne"
BORROWER = "Épicerie de Limoux"
THIRD = "Banque Alimentaire de l'Aude"
TRUCK = "/ressource Camion frigo Renault 12 m³ ; Narbonne ; permis B ; accord"
COLD_ROOM = "/ressource Chambre froide 20 m3 ; Narbonne ; ; libre"


async def place(network: Network, association: str, commune: str) -> None:
    async with network.db.transaction() as conn:
        found = await members.association_by_name(conn, association)
        assert found is not None
        latitude, longitude = PLACES[commune]
        await profiles.set_profile(
            conn, found.id, commune=commune, latitude=latitude, longitude=longitude
        )


async def lending_network(network: Network) -> None:
    """Nora and Nina coordinate the lender (Narbonne): a refrigerated truck on approval (n°1), a
    cold room booked directly (n°2). Carla coordinates a borrower (Limoux), Bob is a member of
    it; Léa coordinates a third association (Carcassonne)."""
    for user, association, commune, role in [
        ("nora", LENDER, "Narbonne", "coordinator"),
        ("nina", LENDER, "Narbonne", "coordinator"),
        ("carla", BORROWER, "Limoux", "coordinator"),
        ("bob", BORROWER, "Limoux", "member"),
        ("lea", THIRD, "Carcassonne", "coordinator"),
    ]:
        await network.join(user, association, commune, role)  # type: ignore[arg-type]
    for association, commune in [
        (LENDER, "Narbonne"),
        (BORROWER, "Limoux"),
        (THIRD, "Carcassonne"),
    ]:
        await place(network, association, commune)
    await network.say("nora", TRUCK)
    await network.say("nora", COLD_ROOM)
    for user in ("nora", "nina", "carla", "bob", "lea"):
        network.take_inbox(user)


async def say(network: Network, user: str, text: str, *, button: bool = False) -> str:
    return "\n".join(await network.say(user, text, button=button))


async def booking(network: Network, booking_id: int) -> Booking:
    async with network.db.transaction() as conn:
        found = await stored.booking_by_id(conn, booking_id)
    assert found is not None
    return found


async def logged(network: Network, kind: str) -> list[tuple[float | None, dict[str, object]]]:
    async with network.db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT quantity, detail FROM events WHERE kind = ? ORDER BY id", (kind,)
        )
    return [(row[0], json.loads(row[1])) for row in rows]


# ------------------------------------------------------------------ overlaps at the edges


async def test_touching_ranges_are_all_booked(network: Network) -> None:
    await lending_network(network)
    first = await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    assert (
        "✅ Réservé : Chambre froide 20 m3 (n°2, Restos du Cœur Narbonne), jeu. 3 déc., " in first
    )
    assert "8h-14h. Réservation R1." in first
    assert "✅ Réservé" in await say(network, "lea", "/reserver 2 jeudi 14h-18h")
    assert "✅ Réservé" in await say(network, "lea", "/reserver 2 le 3/12 de 4h à 8h")
    [notice] = network.take_inbox("nora")[:1]
    assert "Épicerie de Limoux a réservé Chambre froide 20 m3 (n°2) : jeu. 3 déc., 8h-14h" in notice


@pytest.mark.parametrize(
    "when",
    [
        "jeudi 13h59-18h",  # one minute over the end
        "jeudi 6h-8h01",  # one minute over the start
        "jeudi 6h-20h",  # containing it
        "jeudi 9h-10h",  # contained in it
        "jeudi",  # the whole day
        "du mercredi au vendredi",  # days around it
    ],
)
async def test_an_overlapping_booking_is_refused(network: Network, when: str) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    refused = await say(network, "lea", f"/reserver 2 {when}")
    assert (
        "⛔ Chambre froide 20 m3 (n°2) est déjà réservé sur ce créneau : jeu. 3 déc., " in refused
    )
    assert "8h-14h (R1, Épicerie de Limoux)" in refused
    async with network.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT COUNT(*) FROM bookings")
    assert next(iter(rows))[0] == 1


async def test_the_next_free_slots_are_proposed_and_one_is_booked_by_its_number(
    network: Network,
) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    refused = await say(network, "lea", "/reserver 2 jeudi 13h-15h")
    assert "Prochains créneaux libres (touchez pour réserver) :" in refused
    assert "1 jeu. 3 déc., 14h-16h" in refused and "2 ven. 4 déc., 13h-15h" in refused
    assert "3 sam. 5 déc., 13h-15h" in refused
    choices = network.last_outgoing("lea").choices
    assert [c.command for c in choices] == [
        "/reserver 2 03/12/2026 14h-16h",
        "/reserver 2 04/12/2026 13h-15h",
        "/reserver 2 05/12/2026 13h-15h",
    ]
    booked = await say(network, "lea", "2")
    assert "✅ Réservé" in booked and "ven. 4 déc., 13h-15h" in booked
    # The proposal is answered: « 1 » is no longer a slot.
    assert "Réservé" not in await say(network, "lea", "1")


async def test_a_free_slot_is_booked_with_its_button(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    await say(network, "lea", "/reserver 2 jeudi 13h-15h")
    first = network.last_outgoing("lea").choices[0].command
    booked = await say(network, "lea", first, button=True)
    assert "✅ Réservé" in booked and "jeu. 3 déc., 14h-16h" in booked


async def test_free_slots_leave_a_waiting_post_question_alone(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    assert "Qu'est-ce qui est à donner exactement" in await say(network, "lea", "/don 30 kg")
    refused = await say(network, "lea", "/reserver 2 jeudi 13h-15h")
    assert "Prochains créneaux libres" in refused and "toujours" in refused.lower()
    assert [c.reply for c in network.last_outgoing("lea").choices] == ["", "", ""]
    published = await say(network, "lea", "des pommes")  # the post's answer, not a slot
    assert "#1" in published


async def test_two_overlapping_bookings_at_the_same_moment_one_wins(network: Network) -> None:
    await lending_network(network)
    handle = network.dispatcher.handle
    replies = await asyncio.gather(
        handle(network.incoming("carla", "/reserver 2 jeudi 8h-14h")),
        handle(network.incoming("lea", "/reserver 2 jeudi 10h-16h")),
    )
    texts = [reply[0].text for reply in replies]
    assert sum("✅ Réservé" in text for text in texts) == 1
    assert sum("déjà réservé" in text for text in texts) == 1


async def test_what_cannot_be_booked_is_said_kindly(network: Network) -> None:
    await lending_network(network)
    assert "Jusqu'à quelle heure ?" in await say(network, "carla", "/reserver 2 jeudi 8h")
    assert "Quand ?" in await say(network, "carla", "/reserver 2")
    assert "Pas de ressource n°9" in await say(network, "carla", "/reserver 9 jeudi 8h-14h")
    assert "déjà passé" in await say(network, "carla", "/reserver 2 hier 8h-14h")
    assert "31 jours au plus" in await say(network, "carla", "/reserver 2 du 1/12 au 15/01")
    assert "réservée aux coordinateurs" in await say(network, "bob", "/reserver 2 jeudi 8h-14h")


# ------------------------------------------------------------------ approval


async def test_a_request_waits_for_the_lender_who_accepts_with_1(network: Network) -> None:
    await lending_network(network)
    asked = await say(network, "carla", "/reserver 1 jeudi 8h-14h")
    assert (
        "⏳ Demande envoyée à Restos du Cœur Narbonne : Camion frigo Renault 12 m³ (n°1)" in asked
    )
    [request] = network.take_inbox("nora")
    assert "Demande de réservation" in request
    assert (
        "Épicerie de Limoux (Carla) demande Camion frigo Renault 12 m³ (n°1) : jeu. 3 déc., "
        in (request)
    )
    assert "1 ✅ Accepter" in request and "2 ❌ Refuser" in request
    buttons = network.last_outgoing("nora").choices
    assert [c.command for c in buttons] == ["/reserver accepter 1", "/reserver refuser 1"]
    # Meanwhile the range is held for Carla.
    assert "déjà réservé" in await say(network, "lea", "/reserver 1 jeudi 9h-10h")

    accepted = await say(network, "nora", "1")
    assert "✅ R1 acceptée" in accepted and "Épicerie de Limoux est prévenue" in accepted
    [told] = network.take_inbox("carla")
    assert "✅ Restos du Cœur Narbonne a accepté votre réservation R1" in told
    assert "Conditions : permis B" in told and "Contact : @nora" in told
    asked_too, answered = network.take_inbox("nina")  # the other coordinator: asked, then told
    assert "Demande de réservation" in asked_too and "acceptée par Nora" in answered
    assert (await booking(network, 1)).status == "confirmed"
    [(days, detail)] = await logged(network, "booking_made")
    assert days == 0.25
    assert detail["resource"] == 1 and detail["booking"] == 1
    assert detail["between_associations"] is True
    assert detail["owner"] != detail["borrower"]


async def test_the_other_coordinator_is_told_who_answered(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 1 jeudi 8h-14h")
    network.take_inbox("nora")
    network.take_inbox("nina")
    await say(network, "nina", "/reserver accepter R1", button=True)
    [told] = network.take_inbox("nora")
    assert (
        "R1 (Camion frigo Renault 12 m³, Épicerie de Limoux, jeu. 3 déc., 8h-14h) : acceptée"
        in (told)
    )
    assert "par Nina" in told
    # Nora's « 1 » comes too late: the request is answered.
    assert "R1 n'attend plus de réponse : elle est confirmée." in await say(network, "nora", "1")


async def test_a_declined_request_frees_the_range_and_tells_the_borrower(
    network: Network,
) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 1 jeudi 8h-14h")
    declined = await say(network, "nora", "/reserver refuser R1", button=True)
    assert "❌ R1 refusée" in declined
    [told] = network.take_inbox("carla")
    assert "❌ Restos du Cœur Narbonne n'a pas accepté R1" in told and "/agenda 1" in told
    assert (await booking(network, 1)).status == "declined"
    assert await logged(network, "booking_made") == []
    assert "⏳ Demande envoyée" in await say(network, "lea", "/reserver 1 jeudi 8h-14h")


async def test_a_lender_busy_with_another_question_answers_with_the_keyword(
    network: Network,
) -> None:
    """Nora is in the middle of registering a resource: the request does not take over her
    « 1 »; its choices read as commands, typed without the slash on WhatsApp."""
    await lending_network(network)
    await say(network, "nora", "/ressource")
    await say(network, "carla", "/reserver 1 jeudi 8h-14h")
    [request] = network.take_inbox("nora")
    assert "1 ✅ Accepter" not in request
    assert [c.reply for c in network.last_outgoing("nora").choices] == ["", ""]
    assert "2/5" in await say(network, "nora", "1")  # still her registration's answer
    assert "✅ R1 acceptée" in await say(network, "nora", "reserver accepter 1")
    assert "✅ Restos du Cœur Narbonne a accepté" in network.take_inbox("carla")[0]


async def test_only_the_lender_answers_a_request(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 1 jeudi 8h-14h")
    refused = await say(network, "lea", "/reserver accepter R1")
    assert "Seuls les coordinateurs de l'association qui prête" in refused
    assert (await booking(network, 1)).status == "requested"


async def test_the_lender_books_its_own_truck_without_asking_itself(network: Network) -> None:
    await lending_network(network)
    booked = await say(network, "nora", "/reserver 1 vendredi")
    assert "✅ Réservé" in booked and "ven. 4 déc. (journée)" in booked
    assert network.take_inbox("nina") == []
    [(days, detail)] = await logged(network, "booking_made")
    assert days == 1.0 and detail["between_associations"] is False


# ------------------------------------------------------------------ cancelling


async def test_either_side_cancels_before_the_start_and_the_other_is_told(
    network: Network,
) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    network.take_inbox("nora")
    cancelled = await say(network, "carla", "/reserver annuler R1")
    assert "R1 annulée (Chambre froide 20 m3, jeu. 3 déc., 8h-14h) : le créneau est libre." in (
        cancelled
    )
    [told] = network.take_inbox("nora")
    assert "🚫 R1 annulée par Carla (Épicerie de Limoux)" in told
    assert "✅ Réservé" in await say(network, "lea", "/reserver 2 jeudi 8h-14h")
    network.take_inbox("nora")
    await say(network, "nora", "/reserver annuler R2")
    [told] = network.take_inbox("lea")
    assert "🚫 R2 annulée par Nora (Restos du Cœur Narbonne)" in told


async def test_a_started_booking_is_returned_not_cancelled(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    network.clock.set(local(2026, 12, 3, 9, 0))
    assert "a déjà commencé : quand le matériel est rendu, /rendu R1" in await say(
        network, "carla", "/reserver annuler R1"
    )


async def test_a_third_association_cannot_cancel(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    assert "ne concerne pas votre association" in await say(network, "lea", "/reserver annuler R1")


# ------------------------------------------------------------------ /agenda


async def test_the_agendas(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    await say(network, "carla", "/reserver 1 vendredi 8h-12h")
    mine = await say(network, "bob", "/agenda")
    assert "Agenda — Épicerie de Limoux" in mine
    assert "R1 · jeu. 3 déc., 8h-14h · Chambre froide 20 m3 ← Restos du Cœur Narbonne" in mine
    assert "R2 · ven. 4 déc., 8h-12h · Camion frigo Renault 12 m³ ← Restos du Cœur Narbonne" in (
        mine
    )
    assert "⏳ attend leur accord" in mine
    theirs = await say(network, "nina", "/agenda")
    assert "R1 · jeu. 3 déc., 8h-14h · Chambre froide 20 m3 → Épicerie de Limoux" in theirs
    assert "⏳ à accepter : /reserver accepter R2" in theirs
    truck = await say(network, "lea", "/agenda 1")
    assert "Agenda — n°1 Camion frigo Renault 12 m³ (Restos du Cœur Narbonne)" in truck
    assert "R2 · ven. 4 déc., 8h-12h · Épicerie de Limoux ⏳ demandée" in truck
    assert "Conditions : permis B" in truck and "/reserver 1 jeudi 8h-14h" in truck
    empty = await say(network, "lea", "/agenda")
    assert "Aucune réservation à venir pour votre association." in empty


# ------------------------------------------------------------------ /rendu


async def test_a_return_with_an_incident_note_reaches_the_lender(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    network.take_inbox("nora")
    assert "n'a pas commencé" in await say(network, "bob", "/rendu R1")
    network.clock.set(local(2026, 12, 3, 13, 30))
    done = await say(network, "bob", "/rendu R1 porte du frigo qui ferme mal")
    assert "👍 Retour de Chambre froide 20 m3 enregistré (R1), avec votre note" in done
    [told] = network.take_inbox("nora")
    assert "↩️ Chambre froide 20 m3 est rendu (R1, Épicerie de Limoux) : signalé par Bob." in told
    assert "⚠️ Incident : porte du frigo qui ferme mal" in told
    assert "R1 est déjà rendue." in await say(network, "carla", "/rendu R1")
    returned = await booking(network, 1)
    assert returned.status == "returned" and returned.incident == "porte du frigo qui ferme mal"
    [(days, detail)] = await logged(network, "booking_returned")
    assert days == 0.25 and detail["incident"] is True and detail["late"] is False
    # Returned early: the rest of the range is free again.
    assert "✅ Réservé" in await say(network, "lea", "/reserver 2 jeudi 13h45-18h")


async def test_the_lender_records_the_return_and_the_borrower_is_told(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")
    network.clock.set(local(2026, 12, 3, 15, 0))
    await say(network, "nina", "/rendu R1")
    [told] = network.take_inbox("carla")
    assert "↩️ Restos du Cœur Narbonne a enregistré le retour de Chambre froide 20 m3 (R1)" in told
    assert "ne concerne pas votre association" in await say(network, "lea", "/rendu R1")


# ------------------------------------------------------------------ the indicators


async def test_loans_between_counts_the_loans_and_their_days(network: Network) -> None:
    await lending_network(network)
    await say(network, "carla", "/reserver 2 jeudi 8h-14h")  # 0.25 day
    await say(network, "lea", "/reserver 2 du lundi au mercredi")  # 3 days
    await say(network, "nora", "/reserver 2 samedi")  # its own: no loan
    await say(network, "carla", "/reserver 1 vendredi 8h-14h")  # requested: not yet a loan
    async with network.db.transaction() as conn:
        lender = await members.association_by_name(conn, LENDER)
        assert lender is not None
        start, end = local(2026, 12, 1, 0), local(2027, 1, 1, 0)
        assert await stored.loans_between(conn, start, end) == (2, 3.25)
        assert await stored.loans_between(conn, start, end, lender.id) == (2, 3.25)
        assert await stored.loans_between(conn, start, start + timedelta(days=5)) == (1, 0.25)
    kinds = [kind for kind, _ in await events_of(network)]
    assert kinds.count("booking_made") == 3 and kinds.count("booking_requested") == 1


async def events_of(network: Network) -> list[tuple[str, str]]:
    async with network.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT kind, detail FROM events ORDER BY id")
    return [(row[0], row[1]) for row in rows]


async def test_aide_tells_the_shared_equipment_commands(network: Network) -> None:
    await lending_network(network)
    member = await say(network, "bob", "/aide")
    assert "/ressources" in member and "/aide materiel" in member and "/reserver" not in member
    member = await say(network, "bob", "/aide materiel")
    assert "/ressources" in member and "/rendu R12" in member and "/reserver" not in member
    coordinator = await say(network, "carla", "/aide matériel")
    assert "/ressource pour prêter" in coordinator and "/reserver 3 jeudi 8h-14h" in coordinator


async def test_resource_events_are_logged(network: Network) -> None:
    await lending_network(network)
    async with network.db.transaction() as conn:
        found = await events.events_of_kind(conn, "resource_registered")
    details = [json.loads(detail) for _, detail in found]
    assert [d["resource"] for d in details] == [1, 2]
    assert [d["needs_approval"] for d in details] == [True, False]
