"""The shared equipment calendar (issue 14): `/reserver`, `/agenda`, `/rendu`, and what the
scheduler does for bookings.

- `/reserver N jeudi 8h-14h` (« le 12/12 de 8h à 14h », « demain matin », « vendredi »: read by
  handlers/understanding/time_ranges.py) books resource N for its coordinator's association. A
  range that overlaps a live booking is refused, with the next free slots (one tap, or « 1 »,
  « 2 », « 3 » on WhatsApp). With the owner's approval on (and another association booking),
  the booking is `requested`: the owner's coordinators accept or decline with one tap (« 1 » /
  « 2 » on WhatsApp) and the borrower is told; else it is confirmed at once. The overlap check
  and the insert are one statement in the message's transaction (storage/resources.py).
- `/reserver annuler R12`: either side cancels a booking that has not started.
- `/agenda [N]`: the coming bookings of resource N, or of my association (its resources, and
  what it booked), with what waits for whom.
- `/rendu R12 [note]`: the return (by either side), and an incident note for the owner.
- The scheduler (`due_booking_alerts`, from handlers/reminders.py): the day before at 18:00,
  both sides; at the end, the borrower; not returned LATE_AFTER later, the owner (and the
  owner's daily digest lists it); a request still unanswered at its start is declined. Each is
  a `booking_alerts` row, read from its due-time index, claimed once (`schedules`).
- Loans count in the indicators: `booking_made` and `booking_returned` events, `quantity` the
  loan's days, `detail` JSON with the resource, owner and borrower; and
  `storage.resources.loans_between`.

Who may do what is the rights table's: booking (`reserver`), answering a request
(`reserver_decider`, the owner's coordinators), cancelling (`reserver_annuler`, either side's
coordinators), recording a return (`rendu`, any member of either side).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from typing import Final, Protocol
from zoneinfo import ZoneInfo

from handlers import resources, rights
from handlers.booking_times import (
    FURTHEST,
    LONGEST,
    Slot,
    eve_reminder_at,
    late_flag_at,
    loan_days,
    next_free_slots,
    return_reminder_at,
)
from handlers.category_words import fold_text
from handlers.context import Context, Effects, Notification, ToMember, UserError
from handlers.formatting import contact_links, contact_text, day
from handlers.messages import Choice, Outgoing
from handlers.texts import t
from handlers.understanding.time_ranges import SpanError, read_span
from storage import drafts, events, members, schedules
from storage import resources as stored
from storage.db import Conn
from storage.models import Contact, Member
from storage.resources import AlertKind, Booking, DueAlert, NewBooking, Resource
from storage.timefmt import from_db, to_db

QUESTION_DECIDE: Final = "booking_decide"
QUESTION_SLOTS: Final = "booking_slots"
QUESTIONS: Final = frozenset({QUESTION_DECIDE, QUESTION_SLOTS}) | resources.QUESTIONS

CANCEL_WORDS: Final = frozenset({"annuler", "annule", "cancel", "supprimer"})
ACCEPT_WORDS: Final = frozenset({"accepter", "accepte", "valider", "accept", "oui", "ok"})
DECLINE_WORDS: Final = frozenset({"refuser", "refuse", "decliner", "decline", "non"})
_BOOKING_REF: Final = re.compile(r"^(?:r|resa|reservation)?\s?(?:n°|no|#)?\s?(\d{1,9})[.,:]?$")
_RESOURCE_REF: Final = re.compile(r"^(?:n°|no|n|#)?(\d{1,9})[.,:]?$")
# What `/agenda` shows: live bookings ending after (now - this), so that a loan not returned
# still shows, at most this many.
AGENDA_PAST: Final = timedelta(days=30)
AGENDA_LIMIT: Final = 20
# Live bookings read to find the next free slots.
BUSY_READ: Final = 200
# Alerts read per statement when no budget bounds them.
ALERT_BATCH: Final = 50


class Budget(Protocol):
    """handlers/reminders.Budget: how many deeds this transaction may still claim."""

    @property
    def spent(self) -> bool: ...

    def take(self) -> None: ...


# ------------------------------------------------------------------ wording


def hour_text(moment: datetime) -> str:
    return f"{moment.hour}h" if moment.minute == 0 else f"{moment.hour}h{moment.minute:02d}"


def span_text(lang: str, start: datetime, end: datetime, whole_days: bool, tz: ZoneInfo) -> str:
    """« jeu. 10 déc., 8h-14h », « ven. 11 déc. (journée) », « du lun. 7 déc. au mer. 9 déc. »,
    « du sam. 12 déc. 20h au dim. 13 déc. 6h », in local time."""
    first, last = start.astimezone(tz), end.astimezone(tz)
    if whole_days:
        last_day = last.date() - timedelta(days=1)
        if last_day == first.date():
            return t(lang, "booking_span_day", day=day(first.date(), lang))
        return t(lang, "booking_span_days", first=day(first.date(), lang), last=day(last_day, lang))
    ends_at_midnight = last.time() == time(0) and last.date() == first.date() + timedelta(days=1)
    if last.date() == first.date() or ends_at_midnight:
        until = t(lang, "booking_midnight") if ends_at_midnight else hour_text(last)
        return t(
            lang,
            "booking_span_hours",
            day=day(first.date(), lang),
            start=hour_text(first),
            end=until,
        )
    return t(
        lang,
        "booking_span_across",
        first=day(first.date(), lang),
        start=hour_text(first),
        last=day(last.date(), lang),
        end=hour_text(last),
    )


def booking_span(lang: str, booking: Booking, tz: ZoneInfo) -> str:
    return span_text(lang, booking.start_at, booking.end_at, booking.whole_days, tz)


def when_words(slot: Slot, tz: ZoneInfo) -> str:
    """The slot as `/reserver` reads it back (handlers/understanding/time_ranges.py):
    « 12/12/2026 8h-14h », « 12/12/2026 », « du 12/12/2026 au 14/12/2026 »,
    « du 12/12/2026 20h au 13/12/2026 6h »."""
    first, last = slot.start.astimezone(tz), slot.end.astimezone(tz)

    def numeric(moment: datetime) -> str:
        return f"{moment.day:02d}/{moment.month:02d}/{moment.year}"

    if slot.whole_days:
        last_day = last - timedelta(days=1)
        if last_day.date() == first.date():
            return numeric(first)
        return f"du {numeric(first)} au {numeric(last_day)}"
    if last.date() == first.date():
        return f"{numeric(first)} {hour_text(first)}-{hour_text(last)}"
    if last.time() == time(0) and last.date() == first.date() + timedelta(days=1):
        return f"{numeric(first)} {hour_text(first)}-minuit"
    return f"du {numeric(first)} {hour_text(first)} au {numeric(last)} {hour_text(last)}"


def ref(booking_id: int) -> str:
    return f"R{booking_id}"


def conditions_line(lang: str, conditions: str) -> str:
    return t(lang, "booking_conditions", conditions=conditions) if conditions else ""


def tidy(text: str) -> str:
    """A template's text without the lines left empty (no conditions, no contact)."""
    return "\n".join(line for line in text.split("\n") if line.strip())


def end_text(lang: str, booking: Booking, tz: ZoneInfo) -> str:
    """« jeu. 10 déc. 14h »: when it is due back."""
    end = booking.end_at.astimezone(tz)
    return f"{day(end.date(), lang)} {hour_text(end)}"


# ------------------------------------------------------------------ who hears about it


async def owner_side(conn: Conn, booking: Booking) -> list[Member]:
    """The owner association's active coordinators: they lend, accept, hand the keys over."""
    return await members.coordinators_of(conn, booking.owner_association_id)


async def borrower_side(conn: Conn, booking: Booking) -> list[int]:
    """Who booked; when they are no longer active, their association's coordinators."""
    booker = await members.member_by_id(conn, booking.member_id)
    if booker is not None and booker.status == "active":
        return [booker.id]
    return [m.id for m in await members.coordinators_of(conn, booking.borrower_association_id)]


async def owner_contact(conn: Conn, booking: Booking) -> Contact | None:
    """Whom the borrower calls: the coordinator who accepted, else the first one."""
    if booking.decided_by is not None:
        found = await members.contact_card(conn, booking.decided_by)
        if found is not None:
            return found
    for coordinator in await owner_side(conn, booking):
        found = await members.contact_card(conn, coordinator.id)
        if found is not None:
            return found
    return None


def notice(
    member_id: int, key: str, tz: ZoneInfo, booking: Booking, **values: object
) -> Notification:
    """A message about `booking` to one member, in their language (`{span}` filled in it)."""
    contact = values.pop("contact", None)
    shown = contact if isinstance(contact, Contact) else None

    def render(lang: str) -> Outgoing:
        text = t(
            lang,
            key,
            ref=ref(booking.id),
            resource=booking.resource_name,
            rid=booking.resource_id,
            owner=booking.owner_name,
            borrower=booking.borrower_name,
            span=booking_span(lang, booking, tz),
            end=end_text(lang, booking, tz),
            contact=contact_text(shown, lang),
            conditions=conditions_line(lang, booking.resource_conditions),
            **values,
        )
        return Outgoing(tidy(text), links=contact_links(shown))

    return Notification(ToMember(member_id), render)


def event_detail(booking: Booking, **more: object) -> str:
    return json.dumps(
        {
            "booking": booking.id,
            "resource": booking.resource_id,
            "kind": booking.resource_kind,
            "owner": booking.owner_association_id,
            "borrower": booking.borrower_association_id,
            **more,
        }
    )


async def confirmed_alerts(conn: Conn, booking: Booking, now: datetime, tz: ZoneInfo) -> None:
    """A confirmed booking's reminders: the eve (if still to come), the return, the late flag."""
    alerts: list[tuple[AlertKind, datetime]] = []
    eve = eve_reminder_at(booking.start_at, tz)
    if eve > now:
        alerts.append(("eve", eve))
    alerts.append(("return", return_reminder_at(booking.start_at, booking.end_at, tz)))
    alerts.append(("late", late_flag_at(booking.end_at, tz)))
    await stored.set_alerts(conn, booking.id, alerts)


async def confirmed_event(
    conn: Conn, booking: Booking, actor_id: int | None, now: datetime
) -> None:
    """`booking_made`: what the indicators count (its days; between two associations or not)."""
    await events.record_event(
        conn,
        now,
        "booking_made",
        actor_id,
        quantity=booking.days,
        unit="day",
        detail=event_detail(booking, between_associations=booking.is_loan_between_associations),
    )


# ------------------------------------------------------------------ /reserver


def booking_id_of(ctx: Context, text: str, usage: str) -> int:
    found = _BOOKING_REF.match(fold_text(text).strip())
    if found is None:
        raise UserError(t(ctx.lang, usage))
    return int(found.group(1))


async def load_booking(ctx: Context, booking_id: int) -> Booking:
    booking = await stored.booking_by_id(ctx.conn, booking_id)
    if booking is None:
        raise UserError(t(ctx.lang, "booking_unknown", ref=ref(booking_id)))
    return booking


async def reserver_command(ctx: Context, args: str) -> Effects:
    """`/reserver N QUAND`, `/reserver annuler R12`, `/reserver accepter R12`, `/reserver
    refuser R12`."""
    words = args.split(maxsplit=1)
    if not words:
        raise UserError(t(ctx.lang, "booking_usage"))
    head = fold_text(words[0]).strip(" :.")
    rest = words[1].strip() if len(words) > 1 else ""
    if head in CANCEL_WORDS:
        return await cancel(ctx, booking_id_of(ctx, rest, "booking_cancel_usage"))
    if head in ACCEPT_WORDS or head in DECLINE_WORDS:
        return await decide(
            ctx, booking_id_of(ctx, rest, "booking_decide_usage"), head in ACCEPT_WORDS
        )
    found = _RESOURCE_REF.match(head)
    if found is None:
        raise UserError(t(ctx.lang, "booking_usage"))
    resource = await stored.resource_by_id(ctx.conn, int(found.group(1)))
    if resource is None or resource.status != "active":
        raise UserError(t(ctx.lang, "resource_unknown", id=found.group(1)))
    if not rest:
        raise UserError(t(ctx.lang, "when_missing", id=resource.id))
    try:
        span = read_span(rest, ctx.now.astimezone(ctx.tz))
    except SpanError as error:
        raise UserError(t(ctx.lang, error.key, id=resource.id)) from None
    return await book(ctx, resource, Slot(span.start, span.end, span.whole_days))


def is_booking_args(args: str) -> bool:
    """`reserver 3 jeudi 8h-14h`, `reserver accepter 12` without the slash (WhatsApp, and the
    keyword lines of its choices): a resource number or a booking word first."""
    head = fold_text(args.split(maxsplit=1)[0]).strip(" :.") if args.split() else ""
    words = CANCEL_WORDS | ACCEPT_WORDS | DECLINE_WORDS
    return bool(_RESOURCE_REF.match(head)) or (head in words and len(args.split()) > 1)


async def book(ctx: Context, resource: Resource, slot: Slot) -> Effects:
    member = ctx.need_member()
    if slot.end <= ctx.now:
        raise UserError(t(ctx.lang, "booking_past", id=resource.id))
    if slot.end - slot.start > LONGEST:
        raise UserError(t(ctx.lang, "booking_too_long", days=LONGEST.days))
    if slot.start > ctx.now + FURTHEST:
        raise UserError(t(ctx.lang, "booking_too_far"))
    own = resource.association_id == member.association_id
    status: stored.BookingStatus = (
        "requested" if resource.needs_approval and not own else "confirmed"
    )
    new = NewBooking(
        resource_id=resource.id,
        owner_association_id=resource.association_id,
        borrower_association_id=member.association_id,
        member_id=member.id,
        start_at=slot.start,
        end_at=slot.end,
        whole_days=slot.whole_days,
        days=loan_days(slot.start, slot.end),
        status=status,
    )
    booking = await stored.book_if_free(ctx.conn, new, ctx.now)
    if booking is None:
        return await refused(ctx, resource, slot)
    waiting = await drafts.draft_of(ctx.conn, member.id)
    if waiting is not None and waiting.question == QUESTION_SLOTS:
        await drafts.drop_draft(ctx.conn, member.id)  # the free slots proposed are moot
    if status == "requested":
        return await requested(ctx, booking)
    return await confirmed_now(ctx, booking, own)


async def confirmed_now(ctx: Context, booking: Booking, own: bool) -> Effects:
    """Booked without approval: the reminders, the event, the owner told (another association)."""
    member = ctx.need_member()
    await confirmed_alerts(ctx.conn, booking, ctx.now, ctx.tz)
    await confirmed_event(ctx.conn, booking, member.id, ctx.now)
    notes: list[Notification] = []
    contact = None
    if not own:
        contact = await owner_contact(ctx.conn, booking)
        booker = await members.contact_card(ctx.conn, member.id)
        for coordinator in await owner_side(ctx.conn, booking):
            notes.append(
                notice(coordinator.id, "booking_made_owner", ctx.tz, booking, contact=booker)
            )
    reply = t(
        ctx.lang,
        "booking_confirmed",
        ref=ref(booking.id),
        resource=booking.resource_name,
        rid=booking.resource_id,
        owner=booking.owner_name,
        span=booking_span(ctx.lang, booking, ctx.tz),
        conditions=conditions_line(ctx.lang, booking.resource_conditions),
        contact=t(ctx.lang, "booking_contact", contact=contact_text(contact, ctx.lang))
        if not own
        else "",
    )
    return Effects(
        replies=[Outgoing(tidy(reply), links=contact_links(contact))], notifications=notes
    )


async def requested(ctx: Context, booking: Booking) -> Effects:
    """Waits for the owner: each of its coordinators gets « ✅ Accepter / ❌ Refuser » (and, on
    WhatsApp, « 1 » / « 2 » when no other question waits for them); unanswered at its start,
    the request is declined (the 'unanswered' alert)."""
    member = ctx.need_member()
    await stored.set_alerts(ctx.conn, booking.id, [("unanswered", booking.start_at)])
    await events.record_event(
        ctx.conn,
        ctx.now,
        "booking_requested",
        member.id,
        quantity=booking.days,
        unit="day",
        detail=event_detail(booking),
    )
    booker = await members.contact_card(ctx.conn, member.id)
    notes: list[Notification] = []
    for coordinator in await owner_side(ctx.conn, booking):
        numbered = await drafts.draft_of(ctx.conn, coordinator.id) is None
        if numbered:
            payload = json.dumps({"booking": booking.id})
            await drafts.save_draft(ctx.conn, coordinator.id, QUESTION_DECIDE, payload, ctx.now)
        notes.append(request_notice(coordinator.id, booking, booker, ctx.tz, member.name, numbered))
    reply = t(
        ctx.lang,
        "booking_requested",
        ref=ref(booking.id),
        resource=booking.resource_name,
        rid=booking.resource_id,
        owner=booking.owner_name,
        span=booking_span(ctx.lang, booking, ctx.tz),
    )
    if not notes:
        reply += "\n" + t(ctx.lang, "booking_no_coordinator", owner=booking.owner_name)
    return Effects(replies=[Outgoing(reply)], notifications=notes)


def request_notice(
    member_id: int,
    booking: Booking,
    booker: Contact | None,
    tz: ZoneInfo,
    name: str,
    numbered: bool,
) -> Notification:
    def render(lang: str) -> Outgoing:
        text = t(
            lang,
            "booking_request_owner",
            ref=ref(booking.id),
            resource=booking.resource_name,
            rid=booking.resource_id,
            borrower=booking.borrower_name,
            name=name,
            span=booking_span(lang, booking, tz),
            contact=contact_text(booker, lang),
        )
        return Outgoing(
            text,
            title=t(lang, "booking_request_title"),
            choices=(
                Choice(
                    t(lang, "booking_button_accept"),
                    f"/reserver accepter {booking.id}",
                    "1" if numbered else "",
                ),
                Choice(
                    t(lang, "booking_button_decline"),
                    f"/reserver refuser {booking.id}",
                    "2" if numbered else "",
                ),
            ),
            links=contact_links(booker),
        )

    return Notification(ToMember(member_id), render)


async def refused(ctx: Context, resource: Resource, wanted: Slot) -> Effects:
    """The range is taken: which booking is in the way, and the next free slots (one tap, or
    their number on WhatsApp: the writer's pending question)."""
    member = ctx.need_member()
    around = await stored.live_bookings_after(
        ctx.conn, resource.id, min(wanted.start, ctx.now), BUSY_READ
    )
    busy = [(b.start_at, b.end_at) for b in around]
    blocking = next(
        (b for b in around if b.start_at < wanted.end and wanted.start < b.end_at), None
    )
    lines = []
    if blocking is not None:
        lines.append(
            t(
                ctx.lang,
                "booking_taken",
                resource=resource.name,
                rid=resource.id,
                span=booking_span(ctx.lang, blocking, ctx.tz),
                ref=ref(blocking.id),
                borrower=blocking.borrower_name,
            )
        )
    free = next_free_slots(busy, wanted, ctx.now, ctx.tz)
    if not free:
        lines.append(t(ctx.lang, "booking_no_free_slot", id=resource.id))
        return Effects.reply(Outgoing("\n".join(lines)))
    lines.append(t(ctx.lang, "booking_free_slots"))
    payload = json.dumps(
        {
            "resource": resource.id,
            "slots": [[to_db(s.start), to_db(s.end), s.whole_days] for s in free],
        }
    )
    # Numbered (« 1 », « 2 » on WhatsApp) unless another question waits for its answer (a
    # post's): that one is kept, and the choices are typed as commands there.
    waiting = await drafts.draft_of(ctx.conn, member.id)
    numbered = waiting is None or waiting.question == QUESTION_SLOTS
    if numbered:
        await drafts.save_draft(ctx.conn, member.id, QUESTION_SLOTS, payload, ctx.now)
    buttons = tuple(
        Choice(
            span_text(ctx.lang, s.start, s.end, s.whole_days, ctx.tz),
            f"/reserver {resource.id} {when_words(s, ctx.tz)}",
            str(index) if numbered else "",
        )
        for index, s in enumerate(free, 1)
    )
    return Effects.reply(Outgoing("\n".join(lines), choices=buttons))


async def answer_slot(ctx: Context, draft: drafts.Draft, text: str) -> Effects | None:
    """« 2 »: books the second free slot proposed. Anything else (or too late): None, the
    question dropped and the message read as usual."""
    member = ctx.need_member()
    await drafts.drop_draft(ctx.conn, member.id)
    answer = fold_text(text).strip(" .!")
    data = json.loads(draft.payload)
    slots = data["slots"]
    expired = ctx.now - draft.created_at >= ctx.config.question_ttl
    if expired or not answer.isdigit() or not 1 <= int(answer) <= len(slots):
        return None
    start, end, whole = slots[int(answer) - 1]
    resource = await stored.resource_by_id(ctx.conn, int(data["resource"]))
    if resource is None or resource.status != "active":
        raise UserError(t(ctx.lang, "resource_unknown", id=data["resource"]))
    rights.require(ctx, "reserver")
    return await book(ctx, resource, Slot(from_db(start), from_db(end), bool(whole)))


# ------------------------------------------------------------------ accept, decline, cancel


async def decide(ctx: Context, booking_id: int, accept: bool) -> Effects:
    member = ctx.need_member()
    booking = await load_booking(ctx, booking_id)
    own = booking.owner_association_id == member.association_id
    rights.require(ctx, "reserver_decider", own, ref=ref(booking.id))
    to: stored.BookingStatus = "confirmed" if accept else "declined"
    if booking.status != "requested" or not await stored.change_status(
        ctx.conn, booking.id, ("requested",), to, member.id, ctx.now
    ):
        status = t(ctx.lang, f"booking_status_{booking.status}")
        raise UserError(t(ctx.lang, "booking_already_answered", ref=ref(booking.id), status=status))
    decided = await load_booking(ctx, booking.id)
    notes: list[Notification] = []
    if accept:
        await confirmed_alerts(ctx.conn, decided, ctx.now, ctx.tz)
        await confirmed_event(ctx.conn, decided, member.id, ctx.now)
        contact = await members.contact_card(ctx.conn, member.id)
        for borrower in await borrower_side(ctx.conn, decided):
            notes.append(
                notice(borrower, "booking_accepted_borrower", ctx.tz, decided, contact=contact)
            )
    else:
        await stored.drop_alerts(ctx.conn, decided.id)
        await events.record_event(
            ctx.conn, ctx.now, "booking_declined", member.id, detail=event_detail(decided)
        )
        for borrower in await borrower_side(ctx.conn, decided):
            notes.append(notice(borrower, "booking_declined_borrower", ctx.tz, decided))
    outcome = "booking_outcome_accepted" if accept else "booking_outcome_declined"
    for coordinator in await owner_side(ctx.conn, decided):
        if coordinator.id != member.id:
            notes.append(notice(coordinator.id, outcome, ctx.tz, decided, name=member.name))
    key = "booking_accept_done" if accept else "booking_decline_done"
    reply = t(
        ctx.lang,
        key,
        ref=ref(decided.id),
        resource=decided.resource_name,
        borrower=decided.borrower_name,
        span=booking_span(ctx.lang, decided, ctx.tz),
    )
    return Effects(replies=[Outgoing(reply)], notifications=notes)


async def answer_decision(ctx: Context, draft: drafts.Draft, text: str) -> Effects | None:
    """« 1 » / « oui » accepts, « 2 » / « non » declines the request the coordinator was
    asked about; anything else: None, the question dropped and the message read as usual."""
    member = ctx.need_member()
    answer = fold_text(text).strip(" .!")
    await drafts.drop_draft(ctx.conn, member.id)
    if answer in ("1", *ACCEPT_WORDS):
        accept = True
    elif answer in ("2", *DECLINE_WORDS):
        accept = False
    else:
        return None
    return await decide(ctx, int(json.loads(draft.payload)["booking"]), accept)


async def cancel(ctx: Context, booking_id: int) -> Effects:
    """Either side's coordinators (an administrator anywhere) cancel a booking not started."""
    member = ctx.need_member()
    booking = await load_booking(ctx, booking_id)
    sides = (booking.owner_association_id, booking.borrower_association_id)
    rights.require(ctx, "reserver_annuler", member.association_id in sides, ref=ref(booking.id))
    if booking.status not in stored.LIVE:
        status = t(ctx.lang, f"booking_status_{booking.status}")
        raise UserError(t(ctx.lang, "booking_not_live", ref=ref(booking.id), status=status))
    if booking.start_at <= ctx.now and booking.status == "confirmed":
        raise UserError(t(ctx.lang, "booking_cancel_started", ref=ref(booking.id)))
    if not await stored.change_status(
        ctx.conn, booking.id, stored.LIVE, "cancelled", member.id, ctx.now
    ):
        raise UserError(t(ctx.lang, "booking_not_live", ref=ref(booking.id), status="?"))
    await stored.drop_alerts(ctx.conn, booking.id)
    await events.record_event(
        ctx.conn, ctx.now, "booking_cancelled", member.id, detail=event_detail(booking)
    )
    notes: list[Notification] = []
    told: set[int] = {member.id}
    if member.association_id != booking.owner_association_id or member.is_admin:
        for coordinator in await owner_side(ctx.conn, booking):
            told.add(coordinator.id)
            notes.append(
                notice(
                    coordinator.id,
                    "booking_cancelled_other",
                    ctx.tz,
                    booking,
                    name=member.name,
                    association=member.association_name,
                )
            )
    if member.association_id != booking.borrower_association_id or member.is_admin:
        for borrower in await borrower_side(ctx.conn, booking):
            if borrower not in told:
                notes.append(
                    notice(
                        borrower,
                        "booking_cancelled_other",
                        ctx.tz,
                        booking,
                        name=member.name,
                        association=member.association_name,
                    )
                )
    reply = t(
        ctx.lang,
        "booking_cancel_done",
        ref=ref(booking.id),
        resource=booking.resource_name,
        span=booking_span(ctx.lang, booking, ctx.tz),
    )
    return Effects(replies=[Outgoing(reply)], notifications=notes)


# ------------------------------------------------------------------ /rendu


async def rendu_command(ctx: Context, args: str) -> Effects:
    """`/rendu R12 [note d'incident]`: the resource is back; the note goes to the owner."""
    member = ctx.need_member()
    words = args.split(maxsplit=1)
    if not words:
        raise UserError(t(ctx.lang, "return_usage"))
    booking = await load_booking(ctx, booking_id_of(ctx, words[0], "return_usage"))
    note = " ".join(words[1].split())[:500] if len(words) > 1 else ""
    sides = (booking.owner_association_id, booking.borrower_association_id)
    rights.require(ctx, "rendu", member.association_id in sides, ref=ref(booking.id))
    if booking.status == "returned":
        raise UserError(t(ctx.lang, "return_already", ref=ref(booking.id)))
    if booking.status != "confirmed":
        status = t(ctx.lang, f"booking_status_{booking.status}")
        raise UserError(t(ctx.lang, "booking_not_live", ref=ref(booking.id), status=status))
    if booking.start_at > ctx.now:
        raise UserError(t(ctx.lang, "return_not_started", ref=ref(booking.id)))
    if not await stored.mark_returned(ctx.conn, booking.id, member.id, note, ctx.now):
        raise UserError(t(ctx.lang, "return_already", ref=ref(booking.id)))
    await stored.drop_alerts(ctx.conn, booking.id)
    late = ctx.now > booking.end_at
    await events.record_event(
        ctx.conn,
        ctx.now,
        "booking_returned",
        member.id,
        quantity=booking.days,
        unit="day",
        detail=event_detail(
            booking,
            incident=bool(note),
            late=late,
            between_associations=booking.is_loan_between_associations,
        ),
    )
    notes: list[Notification] = []
    incident = {"incident": note} if note else {}
    key = "return_owner_incident" if note else "return_owner"
    for coordinator in await owner_side(ctx.conn, booking):
        notes.append(notice(coordinator.id, key, ctx.tz, booking, name=member.name, **incident))
    if member.association_id != booking.borrower_association_id:
        for borrower in await borrower_side(ctx.conn, booking):
            notes.append(notice(borrower, "return_borrower", ctx.tz, booking, name=member.name))
    reply = t(
        ctx.lang,
        "return_done_incident" if note else "return_done",
        ref=ref(booking.id),
        resource=booking.resource_name,
        owner=booking.owner_name,
    )
    return Effects(replies=[Outgoing(reply)], notifications=notes)


def is_return_args(args: str) -> bool:
    """`rendu R12 …` without the slash: a booking reference first."""
    head = args.split(maxsplit=1)[0] if args.split() else ""
    return bool(_BOOKING_REF.match(fold_text(head).strip()))


# ------------------------------------------------------------------ /agenda


def agenda_line(
    lang: str, booking: Booking, association_id: int, now: datetime, tz: ZoneInfo
) -> str:
    """« R12 · jeu. 10 déc., 8h-14h · Camion frigo → Épicerie de Limoux » with what waits."""
    lent = booking.owner_association_id == association_id
    other = booking.borrower_name if lent else booking.owner_name
    arrow = "→" if lent else "←"
    line = t(
        lang,
        "agenda_line",
        ref=ref(booking.id),
        span=booking_span(lang, booking, tz),
        resource=booking.resource_name,
        arrow=arrow,
        association=other,
    )
    if booking.owner_association_id == booking.borrower_association_id:
        line = t(
            lang,
            "agenda_line_own",
            ref=ref(booking.id),
            span=booking_span(lang, booking, tz),
            resource=booking.resource_name,
        )
    if booking.status == "requested":
        line += " " + t(lang, "agenda_to_answer" if lent else "agenda_waiting", ref=ref(booking.id))
    elif booking.end_at <= now:
        line += " " + t(lang, "agenda_not_returned", ref=ref(booking.id))
    return line


def resource_agenda_line(
    lang: str, booking: Booking, reader_association: int, now: datetime, tz: ZoneInfo
) -> str:
    """« R12 · jeu. 10 déc., 8h-14h · Épicerie de Limoux », with what waits (the owner sees
    how to answer a request)."""
    if booking.owner_association_id == reader_association:
        return agenda_line(lang, booking, reader_association, now, tz)
    line = t(
        lang,
        "agenda_resource_line",
        ref=ref(booking.id),
        span=booking_span(lang, booking, tz),
        association=booking.borrower_name,
    )
    if booking.status == "requested":
        line += " " + t(lang, "agenda_requested")
    elif booking.end_at <= now:
        line += " " + t(lang, "agenda_not_returned", ref=ref(booking.id))
    return line


async def agenda_command(ctx: Context, args: str) -> Effects:
    """`/agenda N`: resource N's coming bookings; `/agenda`: my association's."""
    member = ctx.need_member()
    since = ctx.now - AGENDA_PAST
    words = args.split()
    if words:
        found = _RESOURCE_REF.match(fold_text(words[0]).strip())
        if found is None or len(words) > 1:
            raise UserError(t(ctx.lang, "agenda_usage"))
        resource = await stored.resource_by_id(ctx.conn, int(found.group(1)))
        if resource is None:
            raise UserError(t(ctx.lang, "resource_unknown", id=found.group(1)))
        coming = await stored.live_bookings_after(ctx.conn, resource.id, since, AGENDA_LIMIT)
        title = t(
            ctx.lang,
            "agenda_resource_title",
            rid=resource.id,
            resource=resource.name,
            owner=resource.association_name,
        )
        lines = [
            resource_agenda_line(ctx.lang, b, member.association_id, ctx.now, ctx.tz)
            for b in coming
        ]
        if not lines:
            lines.append(t(ctx.lang, "agenda_resource_empty"))
        if resource.conditions:
            lines.append(conditions_line(ctx.lang, resource.conditions))
        if resource.status == "active":
            lines.append(t(ctx.lang, "agenda_how_to_book", id=resource.id))
        return Effects.reply(Outgoing(title=title, text="\n".join(lines)))
    coming = await stored.bookings_of_association(
        ctx.conn, member.association_id, since, AGENDA_LIMIT
    )
    title = t(ctx.lang, "agenda_title", association=member.association_name)
    lines = [agenda_line(ctx.lang, b, member.association_id, ctx.now, ctx.tz) for b in coming]
    if not lines:
        own = await stored.resources_of_association(ctx.conn, member.association_id)
        lines.append(t(ctx.lang, "agenda_empty"))
        lines += [resources.resource_line(ctx.lang, r) for r in own]
    lines.append(t(ctx.lang, "agenda_footer"))
    return Effects.reply(Outgoing(title=title, text="\n".join(lines)))


def is_agenda_args(args: str) -> bool:
    """`agenda 3` without the slash: a resource number."""
    return bool(_RESOURCE_REF.match(fold_text(args).strip())) and len(args.split()) == 1


# ------------------------------------------------------------------ a waiting question


async def answer_waiting(ctx: Context, draft: drafts.Draft, text: str) -> Effects | None:
    """The answer to one of this module's questions (or the guided `/ressource`'s); None when
    it is not one (the question dropped, the message read as usual)."""
    if draft.question == QUESTION_DECIDE:
        return await answer_decision(ctx, draft, text)
    if draft.question == QUESTION_SLOTS:
        return await answer_slot(ctx, draft, text)
    return await resources.answer_step(ctx, draft, text)


# ------------------------------------------------------------------ the scheduler


async def due_booking_alerts(
    conn: Conn, now: datetime, tz: ZoneInfo, budget: Budget | None = None
) -> list[Notification]:
    """The alerts due at `now` (booking_alerts_due: nothing is read when nothing is due), each
    claimed once in `schedules` and deleted, in the caller's transaction, with its messages."""
    if budget is not None and budget.spent:
        return []
    notes: list[Notification] = []
    for alert in await stored.due_alerts(conn, now, ALERT_BATCH):
        if budget is not None and budget.spent:
            break
        booking = alert.booking
        await stored.drop_alert(conn, booking.id, alert.kind)
        if not await schedules.claim_once(conn, f"booking:{alert.kind}:{booking.id}", now):
            continue
        if budget is not None:
            budget.take()
        notes += await ALERTS[alert.kind](conn, alert, now, tz)
    return notes


async def _eve(conn: Conn, alert: DueAlert, now: datetime, tz: ZoneInfo) -> list[Notification]:
    booking = alert.booking
    if booking.status != "confirmed":
        return []
    place = booking.resource_place or booking.owner_name
    notes = []
    owner = await owner_contact(conn, booking)
    booker = await members.contact_card(conn, booking.member_id)
    for member_id in await borrower_side(conn, booking):
        notes.append(
            notice(
                member_id, "reminder_booking_eve_borrower", tz, booking, contact=owner, place=place
            )
        )
    if booking.is_loan_between_associations:
        for coordinator in await owner_side(conn, booking):
            notes.append(
                notice(coordinator.id, "reminder_booking_eve_owner", tz, booking, contact=booker)
            )
    return notes


async def _return(conn: Conn, alert: DueAlert, now: datetime, tz: ZoneInfo) -> list[Notification]:
    booking = alert.booking
    if booking.status != "confirmed":
        return []
    return [
        notice(member_id, "reminder_booking_return", tz, booking)
        for member_id in await borrower_side(conn, booking)
    ]


async def _late(conn: Conn, alert: DueAlert, now: datetime, tz: ZoneInfo) -> list[Notification]:
    booking = alert.booking
    if booking.status != "confirmed":
        return []
    await events.record_event(conn, now, "booking_late", None, detail=event_detail(booking))
    booker = await members.contact_card(conn, booking.member_id)
    return [
        notice(coordinator.id, "reminder_booking_late", tz, booking, contact=booker)
        for coordinator in await owner_side(conn, booking)
    ]


async def _unanswered(
    conn: Conn, alert: DueAlert, now: datetime, tz: ZoneInfo
) -> list[Notification]:
    booking = alert.booking
    if booking.status != "requested":
        return []
    if not await stored.change_status(conn, booking.id, ("requested",), "declined", None, now):
        return []
    await events.record_event(conn, now, "booking_expired", None, detail=event_detail(booking))
    notes = [
        notice(member_id, "booking_unanswered_borrower", tz, booking)
        for member_id in await borrower_side(conn, booking)
    ]
    notes += [
        notice(coordinator.id, "booking_unanswered_owner", tz, booking)
        for coordinator in await owner_side(conn, booking)
    ]
    return notes


class _AlertHandler(Protocol):
    async def __call__(
        self, conn: Conn, alert: DueAlert, now: datetime, tz: ZoneInfo
    ) -> list[Notification]: ...


ALERTS: Final[dict[str, _AlertHandler]] = {
    "eve": _eve,
    "return": _return,
    "late": _late,
    "unanswered": _unanswered,
}
