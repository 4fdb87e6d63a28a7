"""Group purchases (issue 14), their whole life through the real dispatcher and scheduler with
the injected clock: opened in one line or guided, announced to the associations within reach,
quantities changed and withdrawn, thresholds told once, reminded the day before to those who
have not answered, reached or cancelled at the deadline (shares, amounts, the CSV), closed early,
extended once; each deed once across double wake-ups and restarts; the March change of time.

Distances from Carcassonne (tests/routing_places.py): Limoux 21 km, Castelnaudary 34,
Narbonne 53. The organiser's reach is 30 km; Castelnaudary's association reaches 40 km.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.fanout import enqueue_to_members
from bot.scheduler import PURCHASE_BATCH, Scheduler
from handlers import purchase_deadlines
from storage import events, members, outbox, purchases
from storage.db import Database
from storage.purchases import (
    COORDINATORS_TO_REMIND,
    DUE,
    OPEN_FOR_ASSOCIATION,
    NewPurchase,
)
from tests.conftest import PARIS
from tests.network import Network
from tests.routing_places import association_at
from tests.scheduled import local, run_jobs, scheduler_for

LINE = "/achat riz, sac de 25 kg, 18,50 €, Metro Carcassonne, minimum 40 sacs, avant le 15/12"
PEOPLE = ("olga", "alain", "lea", "carla", "remi", "fred", "dora")
DEADLINE = local(2026, 12, 15, 18, 0)
REMINDER = local(2026, 12, 14, 18, 0)


async def network_of_six(network: Network) -> None:
    """olga (organiser) and alain, coordinators in Carcassonne; lea (coordinator) and carla in
    Limoux; remi, coordinator in Castelnaudary (reach 40 km); fred, coordinator in Narbonne
    (too far); dora, coordinator in Carcassonne of an association that takes dairy only."""
    await association_at(
        network, "olga", "Banque Alimentaire de l'Aude", "Carcassonne", "coordinator"
    )
    await association_at(
        network, "alain", "Banque Alimentaire de l'Aude", "Carcassonne", "coordinator"
    )
    await association_at(network, "lea", "Épicerie de Limoux", "Limoux", "coordinator")
    await association_at(network, "carla", "Épicerie de Limoux", "Limoux")
    await association_at(
        network, "remi", "Restos du Cœur Castelnaudary", "Castelnaudary", "coordinator", reach_km=40
    )
    await association_at(network, "fred", "Restos du Cœur Narbonne", "Narbonne", "coordinator")
    await association_at(
        network,
        "dora",
        "Croix-Rouge Carcassonne",
        "Carcassonne",
        "coordinator",
        takes=frozenset({"produits_laitiers"}),
    )
    inboxes(network)


def take(network: Network, user: str) -> list[str]:
    """What `user` received since the last call, the morning digest left out."""
    return [m for m in network.take_inbox(user) if not m.startswith("☀️ Le point Boucle")]


def inboxes(network: Network) -> dict[str, list[str]]:
    return {user: take(network, user) for user in PEOPLE}


async def open_rice(network: Network, line: str = LINE) -> int:
    """olga opens the purchase of the issue in one line, and announces it."""
    [check] = await network.say("olga", line)
    assert "Vérifiez l'achat groupé" in check
    [opened] = await network.say("olga", "1")
    assert "Achat groupé #" in opened and "annoncé" in opened
    inboxes(network)
    return int(opened.split("#")[1].split()[0])


async def the_purchase(network: Network, purchase_id: int) -> purchases.Purchase:
    async with network.db.transaction() as conn:
        found = await purchases.purchase_by_id(conn, purchase_id)
    assert found is not None
    return found


async def event_kinds(network: Network) -> list[str]:
    async with network.db.transaction() as conn:
        rows = await conn.execute_fetchall(
            "SELECT kind FROM events WHERE kind LIKE 'purchase%' ORDER BY id"
        )
    return [row[0] for row in rows]


async def queued_total(db: Database) -> int:
    async with db.transaction() as conn:
        return sum((await outbox.count_by_state(conn)).values())


# ------------------------------------------------------------------ opening


async def test_opened_in_one_line_and_announced_to_the_associations_within_reach(
    network: Network,
) -> None:
    await network_of_six(network)
    [check] = await network.say("olga", LINE)
    assert "Produit : riz — sac de 25 kg" in check
    assert "Prix : 18,50 € par sac de 25 kg" in check
    assert "Fournisseur : Metro Carcassonne" in check
    assert "Minimum à atteindre (toutes associations) : 40 sacs" in check
    assert "Commandes jusqu'au mar. 15 déc. à 18h00" in check
    assert "Retrait : à convenir avec Banque Alimentaire de l'Aude (Carcassonne)" in check
    assert "annoncé à 2 association(s) proche(s) (dans un rayon de 30 km)" in check
    assert "1 ✅ Annoncer" in check and "2 ✖ Abandonner" in check
    assert all(not got for got in inboxes(network).values())  # nothing sent before « 1 »

    [opened] = await network.say("olga", "1")
    assert "✅ Achat groupé #1 annoncé : envoyé à 2 association(s) proche(s)" in opened
    got = inboxes(network)
    # Limoux (both members) and Castelnaudary (its own reach is 40 km); not Narbonne (too
    # far), not the dairy-only association, not the organiser's own association.
    for user in ("lea", "carla", "remi"):
        [announce] = got.pop(user)
        assert "🛒 Achat groupé #1 — Banque Alimentaire de l'Aude" in announce
        assert "18,50 € par sac de 25 kg" in announce and "/commande 1 QUANTITÉ" in announce
        assert "[🛒 Commander] → /commande 1" in announce
    assert all(not messages for messages in got.values()), got
    assert any("Achat groupé #1" in m for m in network.take_inbox("group"))
    async with network.db.transaction() as conn:
        assert await purchases.audience_count(conn, 1) == 2
    purchase = await the_purchase(network, 1)
    assert purchase.category == "epicerie_seche" and purchase.unit_price_cents == 1850
    assert purchase.closes_at == DEADLINE and purchase.remind_at == REMINDER
    assert await event_kinds(network) == ["purchase_opened"]


async def test_opened_guided_one_question_at_a_time(network: Network) -> None:
    await network_of_six(network)
    [first] = await network.say("olga", "/achat nouveau")
    assert "Quel produit, et dans quel conditionnement" in first and "« annuler »" in first
    [pack] = await network.say("olga", "riz basmati")
    assert "Quel conditionnement pour « riz basmati »" in pack
    [price] = await network.say("olga", "sac de 5 kg")
    assert "Quel prix par sac de 5 kg" in price
    [supplier] = await network.say("olga", "12")
    assert "Chez quel fournisseur" in supplier
    [minimum] = await network.say("olga", "chez Promocash Narbonne")
    assert "Quel minimum" in minimum
    [again] = await network.say("olga", "beaucoup")
    assert "Je n'ai pas compris le minimum" in again and "Quel minimum" in again
    [deadline] = await network.say("olga", "800 €")
    assert "Jusqu'à quand" in deadline
    [pickup] = await network.say("olga", "vendredi 12h")
    assert "Où et quand récupérer" in pickup and "1 ⏭ Passer" in pickup
    [check] = await network.say("olga", "entrepôt BA11, Carcassonne, le 8/12 au matin")
    assert "Produit : riz basmati — sac de 5 kg" in check
    assert "Prix : 12,00 € par sac de 5 kg" in check
    assert "Fournisseur : Promocash Narbonne" in check
    assert "Minimum à atteindre (toutes associations) : 800,00 €" in check
    assert "Commandes jusqu'au ven. 4 déc. à 12h00" in check
    assert "Retrait : entrepôt BA11, Carcassonne, le 8/12 au matin" in check
    # A value written at the check corrects that field.
    [corrected] = await network.say("olga", "12,50 €")
    assert "Prix : 12,50 € par sac de 5 kg" in corrected and "Vérifiez" in corrected
    [opened] = await network.say("olga", "/achat publier")  # the button
    assert "Achat groupé #1 annoncé" in opened
    purchase = await the_purchase(network, 1)
    assert (purchase.product, purchase.pack, purchase.supplier) == (
        "riz basmati",
        "sac de 5 kg",
        "Promocash Narbonne",
    )
    assert (purchase.unit_price_cents, purchase.minimum_kind, purchase.minimum) == (
        1250,
        "euros",
        80000,
    )
    assert purchase.pickup == "entrepôt BA11, Carcassonne, le 8/12 au matin"
    assert purchase.closes_at == local(2026, 12, 4, 12, 0)


async def test_a_missing_field_is_asked_alone(network: Network) -> None:
    await network_of_six(network)
    [asked] = await network.say(
        "olga", "/achat riz, sac de 25 kg, Metro, minimum 40 sacs, avant le 15/12"
    )
    assert asked.startswith("Quel prix par sac de 25 kg")
    [check] = await network.say("olga", "18,50")
    assert "Vérifiez" in check and "Prix : 18,50 €" in check  # no pick-up question: not guided
    [refused] = await network.say("olga", "/achat riz, sac de 25 kg, 18 €, Metro, minimum 40, hier")
    assert "Je n'ai pas compris la date limite" in refused and "Jusqu'à quand" in refused


async def test_stopping_announces_nothing(network: Network) -> None:
    await network_of_six(network)
    await network.say("olga", "/achat nouveau")
    [price] = await network.say("olga", "riz, sac de 25 kg")  # the product and its pack
    assert price.startswith("Quel prix par sac de 25 kg")
    [supplier] = await network.say("olga", "18,50 €")
    assert "Chez quel fournisseur" in supplier
    [minimum] = await network.say("olga", "Metro, zone industrielle")  # commas and all
    assert "Quel minimum" in minimum
    [stopped] = await network.say("olga", "annuler")
    assert "abandonné : rien n'a été annoncé" in stopped
    await network.say("olga", LINE)
    [dropped] = await network.say("olga", "2")
    assert "abandonné" in dropped
    assert all(not got for got in inboxes(network).values())
    assert await event_kinds(network) == []
    async with network.db.transaction() as conn:
        assert await purchases.purchase_by_id(conn, 1) is None


async def test_members_are_kindly_sent_to_their_coordinator(network: Network) -> None:
    await network_of_six(network)
    [refused] = await network.say("carla", LINE)
    assert "Seuls les coordinateurs ouvrent un achat groupé" in refused
    await open_rice(network)
    for text in ("/commande 1 5", "/commande 1"):
        [refused] = await network.say("carla", text)
        assert "demandez à votre coordinateur de commander" in refused
    [close] = await network.say("carla", "/achat 1 clore")
    assert "coordinateurs" in close
    # Members see the purchases all the same.
    [listed] = await network.say("carla", "/achats")
    assert "#1 riz — sac de 25 kg, 18,50 € (Banque Alimentaire de l'Aude)" in listed
    [other] = await network.say("lea", "/achat 1 prolonger 20/12")
    assert "Seule l'association qui organise cet achat groupé" in other
    assert (await the_purchase(network, 1)).total_packs == 0


# ------------------------------------------------------------------ committing


async def test_quantities_change_and_are_withdrawn(network: Network) -> None:
    await network_of_six(network)
    await open_rice(network)
    [first] = await network.say("lea", "/commande 1 10")
    assert "✅ Épicerie de Limoux : 10 sacs de 25 kg à l'achat groupé #1 (riz), soit 185,00 €" in (
        first
    )
    assert "Total : 10 sacs sur 40 sacs minimum (25 %), 1 association(s)." in first
    assert "Modifiable jusqu'au mar. 15 déc. à 18h00" in first
    [changed] = await network.say("lea", "commande 1 15")  # without the slash (WhatsApp)
    assert "15 sacs de 25 kg" in changed and "277,50 €" in changed
    assert "Total : 15 sacs sur 40 sacs minimum (37 %)" in changed
    [withdrawn] = await network.say("lea", "/commande 1 0")
    assert "ne prend plus part à l'achat groupé #1" in withdrawn
    assert "Total : 0 sac sur 40 sacs minimum (0 %), 0 association(s)." in withdrawn
    [nothing] = await network.say("lea", "/commande 1 0")
    assert "n'a rien commandé" in nothing
    [bad] = await network.say("lea", "/commande 1 2,5")
    assert "nombre entier" in bad
    async with network.db.transaction() as conn:
        lea = await members.member_by_address(conn, "test", "lea")
        assert lea is not None
        # The row stays: the association answered (no reminder for it).
        assert await purchases.order_of(conn, 1, lea.association_id) == 0
    assert await event_kinds(network) == [
        "purchase_opened",
        "purchase_committed",
        "purchase_committed",
        "purchase_withdrawn",
    ]
    # « commande 20 kg de riz » without the slash stays a message, not an order.
    replies = await network.say("lea", "commande 20 kg de riz")
    assert not any("achat groupé" in reply for reply in replies)


async def test_the_one_tap_order_asks_how_many(network: Network) -> None:
    await network_of_six(network)
    await open_rice(network)
    [asked] = await network.say("remi", "/commande 1", button=True)
    assert "Combien pour Restos du Cœur Castelnaudary ?" in asked and "18,50 €" in asked
    [done] = await network.say("remi", "12 sacs")
    assert "12 sacs de 25 kg" in done and "222,00 €" in done
    # An answer that is no number is read as a message of its own.
    await network.say("remi", "/commande 1", button=True)
    replies = await network.say("remi", "merci")
    assert not any("achat groupé" in reply for reply in replies)
    assert (await the_purchase(network, 1)).total_packs == 12


async def test_participants_hear_only_of_the_thresholds(network: Network) -> None:
    await network_of_six(network)
    await open_rice(network)
    [half] = await network.say("lea", "/commande 1 20")
    assert "📈 La moitié du minimum est atteinte" in half
    got = inboxes(network)
    [told] = got.pop("olga")  # the organiser; lea has her reply
    assert "📈 Achat groupé #1 (riz) : la moitié du minimum est atteinte" in told
    assert all(not messages for messages in got.values())

    await network.say("remi", "/commande 1 5")  # 62 %: no news for anyone
    await network.say("lea", "/commande 1 15")  # 50 %: still no news (told once)
    assert all(not got for got in inboxes(network).values())

    [reached] = await network.say("remi", "/commande 1 25")
    assert "🎉 Le minimum est atteint" in reached
    got = inboxes(network)
    for user in ("olga", "lea"):
        [told] = got.pop(user)
        assert "🎉 Achat groupé #1 (riz) : le minimum est atteint !" in told
        assert "Total : 40 sacs sur 40 sacs minimum (100 %), 2 association(s)." in told
    assert all(not messages for messages in got.values())

    await network.say("alain", "/commande 1 3")  # above the minimum: nothing new
    assert all(not got for got in inboxes(network).values())
    [below] = await network.say("lea", "/commande 1 0")
    assert "⚠️ Le minimum n'est plus atteint" in below
    got = inboxes(network)
    # The organiser (also a participant, through alain's order) and the other participants.
    for user in ("olga", "remi", "alain"):
        [told] = got.pop(user)
        assert "le minimum n'est plus atteint" in told and "28 sacs" in told
    assert all(not messages for messages in got.values())


async def test_the_list_and_one_purchase(network: Network) -> None:
    await network_of_six(network)
    [empty] = await network.say("fred", "/achats")
    assert "Aucun achat groupé en cours" in empty
    await open_rice(network)
    await network.say("lea", "/commande 1 10")
    [listed] = await network.say("lea", "achats")  # bare, alone
    assert "🛒 Achats groupés en cours (1)" in listed
    assert "25 % du minimum · clôture mar. 15 déc. à 18h00 · vous : 10 sacs" in listed
    [shown] = await network.say("remi", "/achat 1")
    assert "🛒 Achat groupé #1 — Banque Alimentaire de l'Aude (en cours)" in shown
    assert "Commandes : Épicerie de Limoux 10" in shown
    assert "Votre association n'a pas commandé." in shown
    assert "[🛒 Commander] → /commande 1" in shown
    # Narbonne was not told, but it may look it up and order all the same.
    [far] = await network.say("fred", "/achat 1")
    assert "Achat groupé #1" in far
    [unknown] = await network.say("fred", "/achat 9")
    assert "Il n'y a pas d'achat groupé n°9" in unknown
    [usage] = await network.say("fred", "/achat 1 acheter")
    assert "Je n'ai pas compris « acheter »" in usage and "/achat 1 clore" in usage
    # /aide tells every member; an English reader reads English.
    help_text = "\n".join(await network.say("carla", "/aide"))
    assert "/achat" in help_text and "/aide achats" in help_text
    help_text = "\n".join(await network.say("carla", "/aide achats"))
    assert "/achats" in help_text and "/commande 12 5" in help_text
    await network.say("remi", "/langue en")
    [english] = await network.say("remi", "/achats")
    assert "🛒 Open group purchases (1):" in english and "25% of the minimum" in english


# ------------------------------------------------------------------ at the deadline


async def test_reached_at_the_deadline_shares_amounts_and_the_csv(network: Network) -> None:
    await network_of_six(network)
    await open_rice(network)
    await network.say("lea", "/commande 1 25")
    await network.say("remi", "/commande 1 14")
    await network.say("alain", "/commande 1 3")
    inboxes(network)
    await run_jobs(network, local(2026, 12, 15, 17, 59))
    assert (await the_purchase(network, 1)).status == "open"  # 17:59: not yet
    await run_jobs(network, DEADLINE)
    got = inboxes(network)
    [share] = got.pop("lea")
    assert "✅ Achat groupé #1 conclu : riz — sac de 25 kg, chez Metro Carcassonne." in share
    assert (
        "Votre part (Épicerie de Limoux) : 25 sacs de 25 kg × 18,50 € = 462,50 €, "
        "à régler à Banque Alimentaire de l'Aude." in share
    )
    assert "Retrait : à convenir avec Banque Alimentaire de l'Aude (Carcassonne)" in share
    assert "Contact : Olga (Banque Alimentaire de l'Aude) : @olga" in share
    [share] = got.pop("remi")
    assert "14 sacs de 25 kg × 18,50 € = 259,00 €" in share
    [share] = got.pop("alain")
    assert "3 sacs de 25 kg × 18,50 € = 55,50 €" in share
    recap, attached = got.pop("olga")
    assert "✅ Votre achat groupé #1 est conclu" in recap
    assert "42 sacs pour 777,00 € au total, 3 association(s) (minimum : 40 sacs)." in recap
    assert "• Épicerie de Limoux : 25 sacs — 462,50 €" in recap
    assert "📎 Achat groupé #1" in attached
    assert all(not messages for messages in got.values())

    document = network.last_outgoing("olga").attachment
    assert document is not None
    assert (document.kind, document.filename, document.mime) == (
        "document",
        "achat-1.csv",
        "text/csv",
    )
    assert document.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads accents
    assert document.data.decode("utf-8-sig").split("\r\n") == [
        "Association;Commune;Coordinateur;Contact;Quantité;Conditionnement;"
        "Prix unitaire (€);Montant (€)",
        "Banque Alimentaire de l'Aude;Carcassonne;Alain;@alain;3;sac de 25 kg;18,50;55,50",
        "Épicerie de Limoux;Limoux;Lea;@lea;25;sac de 25 kg;18,50;462,50",
        "Restos du Cœur Castelnaudary;Castelnaudary;Remi;@remi;14;sac de 25 kg;18,50;259,00",
        "Total;;;;42;sac de 25 kg;;777,00",
        "",
    ]
    purchase = await the_purchase(network, 1)
    assert purchase.status == "reached" and purchase.closed_at == DEADLINE
    assert (await event_kinds(network))[-1] == "purchase_reached"
    [late] = await network.say("lea", "/commande 1 30")
    assert "sont closes (conclu, minimum atteint)" in late


async def test_not_reached_everyone_who_committed_is_told_it_is_cancelled(
    network: Network,
) -> None:
    await network_of_six(network)
    await open_rice(network)
    await network.say("lea", "/commande 1 10")
    await network.say("remi", "/commande 1 5")
    await network.say("remi", "/commande 1 0")  # withdrew: not a participant any more
    inboxes(network)
    await run_jobs(network, DEADLINE)
    got = inboxes(network)
    [cancelled] = got.pop("lea")
    assert "❌ Achat groupé #1 (riz) annulé : le minimum n'a pas été atteint." in cancelled
    assert "Total : 10 sacs sur 40 sacs minimum (25 %)" in cancelled
    assert "Rien n'est commandé, rien n'est dû." in cancelled
    [recap] = got.pop("olga")
    assert "❌ Votre achat groupé #1 (riz) est annulé : minimum non atteint." in recap
    assert all(not messages for messages in got.values())
    assert (await the_purchase(network, 1)).status == "cancelled"
    assert (await event_kinds(network))[-1] == "purchase_cancelled"


async def test_the_organiser_closes_early(network: Network) -> None:
    await network_of_six(network)
    await open_rice(network)
    await network.say("lea", "/commande 1 40")
    inboxes(network)
    [refused] = await network.say("remi", "/achat 1 clore")
    assert "Seule l'association qui organise" in refused
    recap, attached = await network.say("olga", "/achat 1 clore")
    assert "✅ Votre achat groupé #1 est conclu" in recap and "📎" in attached
    assert network.last_outgoing("olga").attachment is not None
    got = inboxes(network)
    [share] = got.pop("lea")
    assert "40 sacs de 25 kg × 18,50 € = 740,00 €" in share
    assert all(not messages for messages in got.values())
    [again] = await network.say("olga", "/achat 1 clore")
    assert "sont closes" in again
    await run_jobs(network, DEADLINE)  # the deadline comes: nothing more
    assert all(not got for got in inboxes(network).values())
    kinds = await event_kinds(network)
    assert kinds.count("purchase_reached") == 1 and "purchase_closed_early" in kinds


async def test_extended_once_a_second_time_is_refused(network: Network) -> None:
    await network_of_six(network)
    await open_rice(network)
    await network.say("lea", "/commande 1 10")
    inboxes(network)
    [earlier] = await network.say("olga", "/achat 1 prolonger 10/12")
    assert "doit venir après la clôture prévue (mar. 15 déc. à 18h00)" in earlier
    [extended] = await network.say("olga", "/achat 1 prolonger 20/12 12h")
    assert "✅ Achat groupé #1 prolongé : commandes jusqu'au dim. 20 déc. à 12h00" in extended
    got = inboxes(network)
    [told] = got.pop("lea")
    assert "📅 Achat groupé #1 (riz) prolongé par Banque Alimentaire de l'Aude" in told
    assert all(not messages for messages in got.values())
    [refused] = await network.say("olga", "/achat 1 prolonger 22/12")
    assert "a déjà été prolongé une fois (commandes jusqu'au dim. 20 déc. à 12h00)" in refused
    assert "/achat 1 clore" in refused
    # The old deadline and its reminder pass quietly; the new ones come.
    await run_jobs(network, REMINDER)
    await run_jobs(network, DEADLINE)
    assert all(not got for got in inboxes(network).values())
    await run_jobs(network, local(2026, 12, 19, 12, 0))
    assert any("⏰ Achat groupé #1" in m for m in take(network, "remi"))
    await run_jobs(network, local(2026, 12, 20, 12, 0))
    assert any("annulé" in m for m in take(network, "lea"))
    assert (await the_purchase(network, 1)).status == "cancelled"


async def test_reminded_the_day_before_only_to_coordinators_who_have_not_answered(
    network: Network,
) -> None:
    await network_of_six(network)
    await open_rice(network)
    await network.say("lea", "/commande 1 10")
    inboxes(network)
    await run_jobs(network, local(2026, 12, 14, 17, 59))
    assert all(not got for got in inboxes(network).values())
    await run_jobs(network, REMINDER)
    got = inboxes(network)
    # remi coordinates an association told of it that has not answered; lea's answered; carla
    # is not a coordinator; the others were not told of it.
    [reminder] = got.pop("remi")
    assert "⏰ Achat groupé #1 : riz — sac de 25 kg, 18,50 € (fournisseur : Metro Carcassonne)" in (
        reminder
    )
    assert "Clôture le mar. 15 déc. à 18h00." in reminder
    assert "Total : 10 sacs sur 40 sacs minimum (25 %)" in reminder
    assert "[🛒 Commander] → /commande 1" in reminder
    assert all(not messages for messages in got.values())
    await run_jobs(network, local(2026, 12, 14, 18, 30))
    assert all(not got for got in inboxes(network).values())
    assert (await event_kinds(network)).count("purchase_reminded") == 1


async def test_each_deed_once_across_double_wake_ups_and_restarts(
    network: Network, tmp_path: Path
) -> None:
    await network_of_six(network)
    await open_rice(network)
    await network.say("lea", "/commande 1 40")
    inboxes(network)
    network.clock.set(REMINDER)
    # Two schedulers wake at once (a restart while a tick runs): one reminder.
    await asyncio.gather(
        scheduler_for(network).run_due_jobs(), scheduler_for(network).run_due_jobs()
    )
    await network.deliver()
    assert len(take(network, "remi")) == 1
    network.clock.set(DEADLINE)
    await asyncio.gather(
        scheduler_for(network).run_due_jobs(), scheduler_for(network).run_due_jobs()
    )
    queued = await queued_total(network.db)
    # A restart: a new connection to the same file, a new scheduler; nothing is done again.
    reopened = await Database.open(tmp_path / "boucle.db")
    try:
        await Scheduler(reopened, network.clock, "Europe/Paris").run_due_jobs()
    finally:
        await reopened.close()
    await run_jobs(network, DEADLINE)
    assert await queued_total(network.db) == queued
    got = inboxes(network)
    assert len(got["lea"]) == 1 and len(got["olga"]) == 2  # share; recap and CSV
    kinds = await event_kinds(network)
    assert kinds.count("purchase_reached") == 1 and kinds.count("purchase_reminded") == 1


async def test_march_a_deadline_at_02_30_on_the_last_sunday(network: Network) -> None:
    """Sunday 28 March 2027: clocks go from 02:00 to 03:00. « 2h30 » is 03:30 summer time
    (01:30 UTC); its reminder is at 02:30 winter time the day before (01:30 UTC), 24 hours
    earlier."""
    network.clock.set(datetime(2027, 3, 20, 9, 0, tzinfo=PARIS))
    await network_of_six(network)
    [check] = await network.say(
        "olga", "/achat riz, sac de 25 kg, 18,50 €, Metro, minimum 10, avant le 28/03 à 2h30"
    )
    assert "Commandes jusqu'au dim. 28 mars à 3h30" in check
    assert "(2h30 n'existe pas ce jour-là : passage à l'heure d'été)" in check
    await network.say("olga", "1")
    await network.say("lea", "/commande 1 10")
    inboxes(network)
    purchase = await the_purchase(network, 1)
    assert purchase.closes_at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert purchase.remind_at == datetime(2027, 3, 27, 1, 30, tzinfo=UTC)
    await run_jobs(network, datetime(2027, 3, 27, 1, 29, tzinfo=UTC))
    assert take(network, "remi") == []
    await run_jobs(network, datetime(2027, 3, 27, 1, 30, tzinfo=UTC))  # 02:30 winter time
    [reminder] = take(network, "remi")
    assert "Clôture le dim. 28 mars à 3h30." in reminder
    await run_jobs(network, datetime(2027, 3, 28, 1, 29, tzinfo=UTC))  # 03:29 summer time
    assert (await the_purchase(network, 1)).status == "open"
    await run_jobs(network, datetime(2027, 3, 28, 1, 30, tzinfo=UTC))
    assert (await the_purchase(network, 1)).status == "reached"
    [share] = take(network, "lea")
    assert "10 sacs de 25 kg × 18,50 € = 185,00 €" in share
    # A morning deadline that Sunday: reminded on Saturday at the same time on the clock.
    await network.say("olga", "/achat riz, sac de 25 kg, 18 €, Metro, minimum 10, 28/03 10h")
    await network.say("olga", "1")
    second = await the_purchase(network, 2)
    assert second.closes_at.astimezone(PARIS).strftime("%d %H:%M %Z") == "28 10:00 CEST"
    assert second.remind_at.astimezone(PARIS).strftime("%d %H:%M %Z") == "27 10:00 CET"


# ------------------------------------------------------------------ at scale


async def test_the_scheduler_reads_what_is_due_from_indexes(network: Network) -> None:
    """What is due is a range of a partial index holding only what is still to do; `/achats`
    walks the open purchases (a handful) in deadline order, each tested by primary key."""
    plans = {
        "remind": (DUE, ("x", "x", 5, "x", 5), "SEARCH p USING INDEX purchases_open_reminding"),
        "settle": (DUE, ("x", "x", 5, "x", 5), "SEARCH p USING INDEX purchases_open_closing"),
        "list": (OPEN_FOR_ASSOCIATION, (1, 1, 1, 20), "SCAN p USING INDEX purchases_open_closing"),
        "coordinators": (
            COORDINATORS_TO_REMIND,
            (1,),
            "INDEX members_association_role (association_id=? AND status=? AND role=?)",
        ),
    }
    async with network.db.transaction() as conn:
        for name, (sql, params, expected) in plans.items():
            rows = await conn.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " / ".join(str(row[3]) for row in rows)
            assert expected in plan, (name, plan)
            assert "TEMP B-TREE" not in plan, (name, plan)


async def test_events_count_for_the_indicators(network: Network) -> None:
    await network_of_six(network)
    await open_rice(network)
    await network.say("lea", "/commande 1 40")
    await run_jobs(network, DEADLINE)
    async with network.db.transaction() as conn:
        reached = [d for _, d in await events.events_of_kind(conn, "purchase_reached")]
    assert reached == ["purchase=1;association=1;participants=1;packs=40;amount_cents=74000"]


PARTICIPANTS = 300  # associations that ordered
WAITING = 100  # told of it, not answered


async def deeds_at(db: Database, at: datetime) -> tuple[int, int]:
    """Run the purchases' deeds due at `at` in one transaction, as the scheduler does: the
    statements it took (BEGIN and COMMIT included) and the outbox rows it queued."""
    traced: list[str] = []
    await db._conn.set_trace_callback(traced.append)
    try:
        async with db.transaction() as conn:
            done = await purchase_deadlines.due_deeds(conn, at, PARIS, PURCHASE_BATCH)
            rows = await enqueue_to_members(conn, done.notes, at)
    finally:
        await db._conn.set_trace_callback(None)
    return len(traced), rows


async def test_hundreds_of_associations_in_a_few_statements(db: Database) -> None:
    """A purchase told to 400 associations, 300 of which ordered: its reminder and its
    settlement each take a handful of statements, not some per association."""
    now = local(2026, 12, 1, 9, 0)
    async with db.transaction() as conn:
        people = []
        for index in range(PARTICIPANTS + WAITING + 1):
            association = await members.ensure_association(
                conn, f"Association {index:03d}", "Carcassonne", now
            )
            member = await members.create_member(
                conn, association.id, f"Coord {index}", "coordinator", now
            )
            await members.add_identity(conn, member.id, "test", f"c{index}", f"@c{index}", now)
            people.append((association.id, member.id))
        (organiser_association, organiser), *others = people
        new = NewPurchase(
            product="riz",
            pack="sac de 25 kg",
            category="epicerie_seche",
            unit_price_cents=1850,
            supplier="Metro",
            minimum_kind="packs",
            minimum=400,
            pickup="",
            closes_at=DEADLINE,
            remind_at=REMINDER,
        )
        purchase_id = await purchases.create_purchase(
            conn, new, organiser, organiser_association, now
        )
        await purchases.add_audience(conn, purchase_id, [a for a, _ in others])
        for association_id, member_id in others[:PARTICIPANTS]:
            await purchases.set_order(conn, purchase_id, association_id, member_id, 2, now)

    assert await deeds_at(db, local(2026, 12, 14, 17, 59)) == (3, 0)  # BEGIN, due, COMMIT
    statements, rows = await deeds_at(db, REMINDER)
    assert rows == WAITING and statements <= 14, statements
    statements, rows = await deeds_at(db, DEADLINE)
    assert rows == PARTICIPANTS + 2 and statements <= 20, statements  # shares, recap, CSV
    assert await deeds_at(db, DEADLINE) == (3, 0)
    async with db.transaction() as conn:
        settled = await purchases.purchase_by_id(conn, purchase_id)
        queued = await conn.execute_fetchall(
            "SELECT member_id, COUNT(*) FROM outbox GROUP BY member_id HAVING COUNT(*) > 1"
        )
    assert settled is not None and settled.status == "reached" and settled.total_packs == 600
    async with db.transaction() as conn:
        assert await purchases.audience_count(conn, purchase_id) == 0  # kept while open only
    assert [tuple(row) for row in queued] == [(organiser, 2)]  # everyone else: one message
