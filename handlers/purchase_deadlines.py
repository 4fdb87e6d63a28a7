"""A group purchase's scheduled deeds (issue 14): the reminder the day before its deadline, and
its settlement at the deadline (or when its organiser closes it early).

Run by the scheduler every minute (bot/scheduler.py), each deed claimed with
`schedules.claim_once` in the same transaction as its messages and the purchase's change of
state, so it happens once across restarts and double wake-ups:

- `purchase:N:reminder:<deadline>`: the coordinators of the associations it was announced to
  that have not answered (no commitment, not even a withdrawn one) are reminded, with the
  one-tap way to order. Keyed by the deadline, so an extended purchase is reminded again
  before its new deadline.
- `purchase:N:settle`: minimum reached → each participant gets its share, what it owes and
  the pick-up details, the organiser a recap and the CSV of the orders; not reached → each
  participant and the organiser are told it is cancelled.

What is due is read from the two partial indexes of migration 0026 (only what is still to do).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.context import Notification, Render, ToMember
from handlers.formatting import contact_links, contact_text
from handlers.messages import Attachment, Choice, Outgoing
from handlers.purchase_view import (
    pack_alone,
    pickup_text,
    progress_text,
    share_text,
    when_text,
)
from handlers.purchase_words import csv_amount, euros, packs_word
from handlers.texts import t
from storage import events, members, purchases, schedules
from storage.db import Conn
from storage.models import Contact
from storage.purchases import Order, Purchase

# Lines of the organiser's recap; the rest is in the CSV.
RECAP_LINES = 15


@dataclass
class Deeds:
    deeds: int = 0
    notes: list[Notification] = field(default_factory=list)


@dataclass(frozen=True)
class Settlement:
    reached: bool
    # To each participant (its share, or the cancellation).
    notes: list[Notification]
    # To the organiser: the recap (and the CSV), in the reader's language.
    organiser: tuple[Render, ...]
    # Who the organiser's messages go to (the organiser, else their association's
    # coordinators when they left).
    organiser_ids: tuple[int, ...]

    def all_notes(self) -> list[Notification]:
        to_organiser = [
            Notification(ToMember(member_id), render)
            for member_id in self.organiser_ids
            for render in self.organiser
        ]
        return [*self.notes, *to_organiser]


def settle_key(purchase_id: int) -> str:
    return f"purchase:{purchase_id}:settle"


def reminder_key(purchase: Purchase) -> str:
    return f"purchase:{purchase.id}:reminder:{purchase.closes_at.isoformat()}"


def order_choice(lang: str, purchase_id: int) -> Choice:
    return Choice(t(lang, "button_purchase_order"), f"/commande {purchase_id}")


async def due_deeds(conn: Conn, now: datetime, tz: ZoneInfo, limit: int) -> Deeds:
    """The reminders and settlements due at `now`, at most `limit` deeds, each claimed with
    its messages in the caller's transaction (fewer than `limit`: nothing more is due). One
    statement when nothing is due."""
    done = Deeds()
    for deed, purchase_id in await purchases.due(conn, now, limit):
        if done.deeds >= limit:
            break
        purchase = await purchases.purchase_by_id(conn, purchase_id)
        if purchase is None:
            continue
        if deed == "remind":
            done.deeds += 1  # done, or found done: it leaves the index either way
            done.notes += await remind(conn, purchase, now, tz)
            continue
        settled = await settle(conn, purchase, now, tz)
        if settled is not None:  # (never None here: its claim and its status change together)
            done.deeds += 1
            done.notes += settled.all_notes()
    return done


# ------------------------------------------------------------------ the day before


async def remind(conn: Conn, purchase: Purchase, now: datetime, tz: ZoneInfo) -> list[Notification]:
    """The reminder of those who have not answered; nothing when it was done already."""
    await purchases.mark_reminded(conn, purchase.id, now)
    if not await schedules.claim_once(conn, reminder_key(purchase), now):
        return []
    coordinators = await purchases.coordinators_to_remind(conn, purchase.id)
    await events.record_event(
        conn,
        now,
        "purchase_reminded",
        None,
        detail=f"purchase={purchase.id};coordinators={len(coordinators)}",
    )
    today = now.astimezone(tz).date()

    def render(lang: str) -> Outgoing:
        text = t(
            lang,
            "purchase_reminder",
            id=purchase.id,
            product=purchase.product,
            pack=purchase.pack,
            price=euros(purchase.unit_price_cents),
            supplier=purchase.supplier,
            association=purchase.association_name,
            when=when_text(purchase.closes_at, tz, lang, today),
            progress=progress_text(purchase, lang),
        )
        return Outgoing(text, choices=(order_choice(lang, purchase.id),))

    return [Notification(ToMember(member_id), render) for member_id in coordinators]


# ------------------------------------------------------------------ at the deadline


async def settle(conn: Conn, purchase: Purchase, now: datetime, tz: ZoneInfo) -> Settlement | None:
    """Close the purchase: reached or cancelled, with every message it owes; None when it was
    settled already (a second wake-up, a restart, the organiser's « clore » meanwhile)."""
    if not await schedules.claim_once(conn, settle_key(purchase.id), now):
        return None
    orders = await purchases.orders_of(conn, purchase.id)
    reached = purchase.reached and bool(orders)
    await purchases.settle(conn, purchase.id, "reached" if reached else "cancelled", now)
    detail = (
        f"purchase={purchase.id};association={purchase.association_id};"
        f"participants={len(orders)};packs={purchase.total_packs};"
        f"amount_cents={purchase.total_cents}"
    )
    await events.record_event(
        conn,
        now,
        "purchase_reached" if reached else "purchase_cancelled",
        None,
        quantity=purchase.total_packs,
        unit="pack",
        detail=detail,
    )
    organiser_ids = await _active_or_coordinators(
        conn, purchase.organiser_id, purchase.association_id
    )
    if not reached:
        return Settlement(
            False,
            await _to_participants(conn, orders, _cancelled(purchase)),
            (_recap_cancelled(purchase),),
            organiser_ids,
        )
    contact = await members.contact_card(conn, purchase.organiser_id)
    notes: list[Notification] = []
    for order in orders:
        notes += await _to_participants(conn, [order], _share(purchase, order, contact))
    contacts = await purchases.order_contacts(conn, purchase.id)
    return Settlement(
        True,
        notes,
        (_recap_reached(purchase, orders, tz), _csv_message(purchase, orders, contacts)),
        organiser_ids,
    )


async def _active_or_coordinators(
    conn: Conn, member_id: int, association_id: int
) -> tuple[int, ...]:
    """The member when still active; else their association's active coordinators."""
    member = await members.member_by_id(conn, member_id)
    if member is not None and member.status == "active":
        return (member_id,)
    return tuple(c.id for c in await members.coordinators_of(conn, association_id))


async def _to_participants(conn: Conn, orders: list[Order], render: Render) -> list[Notification]:
    """One message to the coordinator who set each order (or, gone, to their association's
    coordinators)."""
    notes: list[Notification] = []
    seen: set[int] = set()
    for order in orders:
        ids: tuple[int, ...] = (order.member_id,)
        if not order.member_active:
            ids = tuple(c.id for c in await members.coordinators_of(conn, order.association_id))
        for member_id in ids:
            if member_id not in seen:
                seen.add(member_id)
                notes.append(Notification(ToMember(member_id), render))
    return notes


def _cancelled(purchase: Purchase) -> Render:
    def render(lang: str) -> Outgoing:
        return Outgoing(
            t(
                lang,
                "purchase_cancelled_notice",
                id=purchase.id,
                product=purchase.product,
                progress=progress_text(purchase, lang),
            )
        )

    return render


def _share(purchase: Purchase, order: Order, contact: Contact | None) -> Render:
    def render(lang: str) -> Outgoing:
        text = t(
            lang,
            "purchase_share",
            id=purchase.id,
            product=purchase.product,
            pack=purchase.pack,
            supplier=purchase.supplier,
            association=order.association_name,
            packs=share_text(order.quantity, purchase.pack),
            price=euros(purchase.unit_price_cents),
            amount=euros(order.quantity * purchase.unit_price_cents),
            organiser=purchase.association_name,
            pickup=pickup_text(purchase, lang),
            contact=t(
                lang,
                "purchase_contact",
                name=purchase.organiser_name,
                association=purchase.association_name,
                contact=contact_text(contact, lang),
            ),
        )
        return Outgoing(text, links=contact_links(contact))

    return render


def _recap_reached(purchase: Purchase, orders: list[Order], tz: ZoneInfo) -> Render:
    def render(lang: str) -> Outgoing:
        lines = [
            t(
                lang,
                "purchase_recap_line",
                association=order.association_name,
                packs=packs_word(order.quantity, purchase.pack),
                amount=euros(order.quantity * purchase.unit_price_cents),
            )
            for order in orders[:RECAP_LINES]
        ]
        if len(orders) > RECAP_LINES:
            lines.append(t(lang, "purchase_recap_more", count=len(orders) - RECAP_LINES))
        minimum = (
            euros(purchase.minimum)
            if purchase.minimum_kind == "euros"
            else packs_word(purchase.minimum, purchase.pack)
        )
        text = t(
            lang,
            "purchase_recap_reached",
            id=purchase.id,
            product=purchase.product,
            pack=purchase.pack,
            supplier=purchase.supplier,
            packs=packs_word(purchase.total_packs, purchase.pack),
            amount=euros(purchase.total_cents),
            count=len(orders),
            minimum=minimum,
            lines="\n".join(lines),
        )
        return Outgoing(text)

    return render


def _recap_cancelled(purchase: Purchase) -> Render:
    def render(lang: str) -> Outgoing:
        return Outgoing(
            t(
                lang,
                "purchase_recap_cancelled",
                id=purchase.id,
                product=purchase.product,
                progress=progress_text(purchase, lang),
            )
        )

    return render


def _csv_message(
    purchase: Purchase, orders: list[Order], contacts: dict[int, Contact | None]
) -> Render:
    def render(lang: str) -> Outgoing:
        data = orders_csv(purchase, orders, contacts, lang)
        document = Attachment("document", f"achat-{purchase.id}.csv", "text/csv", data)
        return Outgoing(t(lang, "purchase_csv_caption", id=purchase.id), attachment=document)

    return render


def orders_csv(
    purchase: Purchase, orders: list[Order], contacts: dict[int, Contact | None], lang: str
) -> bytes:
    """The orders as a spreadsheet opens them in France: UTF-8 with a BOM, « ; » between
    cells, decimal commas, headers in the reader's language; one row per association, then
    the total. `contacts`: each order's coordinator's (a phone number only if they agreed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(t(lang, "purchase_csv_headers").split(";"))
    pack = pack_alone(purchase.pack)
    price = csv_amount(purchase.unit_price_cents)
    for order in orders:
        contact = contacts.get(order.member_id)
        writer.writerow(
            [
                order.association_name,
                order.association_commune,
                order.member_name,
                contact.text if contact is not None else "",
                order.quantity,
                pack,
                price,
                csv_amount(order.quantity * purchase.unit_price_cents),
            ]
        )
    total = sum(order.quantity for order in orders)
    writer.writerow(
        [
            t(lang, "purchase_csv_total"),
            "",
            "",
            "",
            total,
            pack,
            "",
            csv_amount(total * purchase.unit_price_cents),
        ]
    )
    return buffer.getvalue().encode("utf-8-sig")
