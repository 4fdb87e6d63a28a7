"""Reminders and expiry: what is due at `now`, each done once (keys in `schedules`).

Every function takes the connection, `now` and the network's time zone, claims its deed with
`schedules.claim_once` in the caller's transaction and returns the notifications to store with
it. Posts carry a deadline day, not an hour: the hours below say when, on or after that day,
each reminder goes (local time, set here and nowhere else).

- an offer still open on its deadline day, in the afternoon: its author may extend, withdraw or
  re-broadcast it (`/relancer`);
- the claimer, the morning of the pickup day (an offer's deadline);
- a lent resource (a claimed `equipment_offer`): both sides on its return date (its deadline);
- the day after the deadline of a claimed post: author and claimers are asked « récupéré ?
  combien ? »; the answer closes the post with its quantity (`answer_pickup`);
- a post nobody took expires once its deadline day is over, and its author is told;
- the shared equipment calendar's bookings (issue 14): the eve, the return, the late flag, a
  request left unanswered (handlers/bookings.py, `due_booking_alerts`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers import bookings, claims, rights
from handlers.amounts import parse_amount
from handlers.context import Context, Effects, Notification, ToMember, UserError
from handlers.formatting import contact_links, contact_text, quantity
from handlers.messages import Link, Outgoing
from handlers.posts import relay_notifications
from handlers.texts import t
from storage import drafts, events, limits, members, posts, schedules
from storage.db import Conn
from storage.models import Claim, Post

QUESTION_PICKUP = "pickup"


@dataclass(frozen=True)
class ReminderTimes:
    """When each reminder goes, in the network's local time."""

    # "A few hours before its deadline": deadlines are days, so the afternoon of that day.
    offer_expiring_at: time = time(15, 0)
    # The claimer, on the morning of the pickup day.
    pickup_day_at: time = time(8, 0)
    # A lent resource, on its return date.
    return_day_at: time = time(9, 0)
    # The day after the deadline: « récupéré ? combien ? ».
    pickup_check_at: time = time(10, 0)
    # The deadline day is over: unclaimed posts expire.
    expire_at: time = time(0, 0)


DEFAULT_TIMES = ReminderTimes()

YES = re.compile(r"^(oui|ouais|yes|ok|c'est fait|fait|done)\b[\s,.!:]*", re.IGNORECASE)
NO = re.compile(r"^(non|no|pas encore|not yet)\b", re.IGNORECASE)
STARTS_WITH_NUMBER = re.compile(r"^\d")


def moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on `day` in the network's zone (an hour skipped by DST counts from the jump)."""
    return datetime.combine(day, at, tzinfo=tz)


@dataclass
class Budget:
    """How many deeds (a reminder, a question, an expiry) one transaction may claim; None: all
    of them. Each deed claimed is left out of the next reading, so the next transaction goes on
    where this one stopped."""

    limit: int | None = None
    deeds: int = 0

    @property
    def spent(self) -> bool:
        return self.limit is not None and self.deeds >= self.limit

    def take(self) -> None:
        self.deeds += 1


async def due_reminders(
    conn: Conn,
    now: datetime,
    tz: ZoneInfo,
    times: ReminderTimes = DEFAULT_TIMES,
    budget: Budget | None = None,
) -> list[Notification]:
    """What is due at `now`, at most `budget.limit` deeds (then `budget.spent`: call again in
    another transaction for the rest)."""
    budget = budget or Budget()
    today = now.astimezone(tz).date()
    notes: list[Notification] = []
    notes += await offers_expiring(conn, now, today, tz, times, budget)
    notes += await pickup_days(conn, now, today, tz, times, budget)
    notes += await pickup_checks(conn, now, today, tz, times, budget)
    notes += await expire_posts(conn, now, today, tz, times, budget)
    notes += await bookings.due_booking_alerts(conn, now, tz, budget)  # issue 14
    return notes


def last_deadline(now: datetime, today: date, at: time, tz: ZoneInfo) -> date:
    """The latest deadline whose day-after reminder (at `at`) has come at `now`: yesterday's
    once `at` has passed today, else the day before."""
    return today - timedelta(days=1 if now >= moment(today, at, tz) else 2)


async def offers_expiring(
    conn: Conn, now: datetime, today: date, tz: ZoneInfo, times: ReminderTimes, budget: Budget
) -> list[Notification]:
    if now < moment(today, times.offer_expiring_at, tz) or budget.spent:
        return []
    notes: list[Notification] = []
    for post in await schedules.offers_to_remind(conn, today):
        if budget.spent:
            break
        key = f"reminder:offer_expiring:post:{post.id}:{today.isoformat()}"
        if await schedules.claim_once(conn, key, now):
            budget.take()
            notes.append(_to(post.author_id, "reminder_offer_expiring", id=post.id, what=post.what))
    return notes


async def pickup_days(
    conn: Conn, now: datetime, today: date, tz: ZoneInfo, times: ReminderTimes, budget: Budget
) -> list[Notification]:
    """Pickup morning (offers) and return date (lent equipment), for each active claim."""
    if now < moment(today, min(times.pickup_day_at, times.return_day_at), tz) or budget.spent:
        return []
    notes: list[Notification] = []
    for claim, post in await schedules.claims_to_remind(conn, today):
        if budget.spent:
            break
        if post.kind == "offer" and now >= moment(today, times.pickup_day_at, tz):
            key = f"reminder:pickup_day:claim:{claim.id}:{today.isoformat()}"
            if await schedules.claim_once(conn, key, now):
                budget.take()
                notes.append(await _pickup_day(conn, claim, post))
        elif post.kind == "equipment_offer" and now >= moment(today, times.return_day_at, tz):
            key = f"reminder:return:claim:{claim.id}:{today.isoformat()}"
            if await schedules.claim_once(conn, key, now):
                budget.take()
                notes += await _return_day(conn, claim, post)
    return notes


async def _pickup_day(conn: Conn, claim: Claim, post: Post) -> Notification:
    contact = await members.contact_card(conn, post.author_id)

    def render(lang: str) -> Outgoing:
        amount = f" ({quantity(claim.quantity, post.unit, lang)})" if claim.quantity else ""
        return Outgoing(
            t(
                lang,
                "reminder_pickup_day",
                id=post.id,
                what=post.what,
                amount=amount,
                association=post.association_name,
                contact=contact_text(contact, lang),
            ),
            links=contact_links(contact),
        )

    return Notification(ToMember(claim.member_id), render)


async def _return_day(conn: Conn, claim: Claim, post: Post) -> list[Notification]:
    owner_contact = await members.contact_card(conn, post.author_id)
    return [
        _to(
            claim.member_id,
            "reminder_return_claimer",
            links=contact_links(owner_contact),
            id=post.id,
            what=post.what,
            association=post.association_name,
            contact=contact_text(owner_contact, "fr", "—"),
        ),
        _to(
            post.author_id,
            "reminder_return_author",
            id=post.id,
            what=post.what,
            association=claim.association_name,
        ),
    ]


async def pickup_checks(
    conn: Conn, now: datetime, today: date, tz: ZoneInfo, times: ReminderTimes, budget: Budget
) -> list[Notification]:
    """After the deadline of a claimed post, ask both sides whether and how much was collected."""
    notes: list[Notification] = []
    if budget.spent:
        return notes
    cutoff = last_deadline(now, today, times.pickup_check_at, tz)
    for post in await schedules.posts_to_check(conn, cutoff):
        if budget.spent:
            break
        if post.kind == "equipment_offer" or post.deadline is None:
            continue  # a loan ends when the owner says it came back (/fait)
        if now < moment(post.deadline + timedelta(days=1), times.pickup_check_at, tz):
            continue
        active = await posts.active_claims_of_post(conn, post.id)
        if not active:
            continue
        key = f"reminder:pickup_check:post:{post.id}:{post.deadline.isoformat()}"
        if not await schedules.claim_once(conn, key, now):
            continue
        budget.take()
        asked = {post.author_id, *(c.member_id for c in active)}
        for member_id in sorted(asked):
            await ask_pickup(conn, member_id, post, now)
            notes.append(_to(member_id, "reminder_pickup_check", id=post.id, what=post.what))
    return notes


async def ask_pickup(conn: Conn, member_id: int, post: Post, now: datetime) -> None:
    """Remember the question, unless the person is in the middle of another one (a post
    waiting for an answer): then `/fait N` remains the way to answer."""
    if await drafts.draft_of(conn, member_id) is None:
        payload = json.dumps({"post_id": post.id})
        await drafts.save_draft(conn, member_id, QUESTION_PICKUP, payload, now)


async def expire_posts(
    conn: Conn, now: datetime, today: date, tz: ZoneInfo, times: ReminderTimes, budget: Budget
) -> list[Notification]:
    notes: list[Notification] = []
    if budget.spent:
        return notes
    cutoff = last_deadline(now, today, times.expire_at, tz)
    for post in await schedules.posts_to_expire(conn, cutoff):
        if budget.spent:
            break
        if post.status != "open" or post.deadline is None:
            continue
        if now < moment(post.deadline + timedelta(days=1), times.expire_at, tz):
            continue
        if await posts.active_claims_of_post(conn, post.id):
            continue  # partly taken: the pickup question settles it
        if not await schedules.claim_once(conn, f"expire:post:{post.id}", now):
            continue
        budget.take()
        await posts.set_post_status(conn, post.id, "expired", None, now, "expired")
        notes.append(_to(post.author_id, "post_expired_to_author", id=post.id, what=post.what))
    return notes


def _to(member_id: int, key: str, links: tuple[Link, ...] = (), **values: object) -> Notification:
    def render(lang: str) -> Outgoing:
        return Outgoing(t(lang, key, **values), links=links)

    return Notification(ToMember(member_id), render)


# ------------------------------------------------------------------ the answer


async def answer_pickup(ctx: Context, draft: drafts.Draft, text: str) -> Effects | None:
    """« oui 25 kg », « 25 », « oui », « non »: closes (or not) the post with its quantity.

    None when the text is not an answer (the person moved on): the question is dropped and the
    message is handled as usual."""
    member = ctx.need_member()
    post_id = int(json.loads(draft.payload)["post_id"])
    answer = text.strip()
    await drafts.drop_draft(ctx.conn, member.id)
    if NO.match(answer):
        return Effects.reply(Outgoing(t(ctx.lang, "pickup_not_yet", id=post_id)))
    yes = YES.match(answer)
    rest = answer[yes.end() :] if yes else answer
    if not yes and not STARTS_WITH_NUMBER.match(answer):
        return None
    post = await claims.load_post(ctx, post_id)
    if post.status not in ("open", "taken"):
        return Effects.reply(Outgoing(t(ctx.lang, "pickup_already_closed", id=post.id)))
    if post.association_id != member.association_id and not await posts.active_claim_of_association(
        ctx.conn, post.id, member.association_id
    ):
        return Effects.reply(Outgoing(t(ctx.lang, "pickup_already_closed", id=post.id)))
    amount = parse_amount(ctx, rest, "done_usage")
    return await claims.done(ctx, post.id, amount)


# ------------------------------------------------------------------ /relancer


async def relaunch_command(ctx: Context, args: str) -> Effects:
    """The author's association sends an open post to the network again, at most once per
    `relaunch_interval` (from its last broadcast: a relaunch right after publishing is a
    second copy of the same message on every phone)."""
    post_id, _ = claims.require_post_ref(ctx, args, "relancer", "relaunch_usage")
    member = ctx.need_member()
    post = await claims.load_post(ctx, post_id)
    rights.require(ctx, "relancer", post.association_id == member.association_id, id=post.id)
    if post.status != "open":
        raise UserError(t(ctx.lang, "relaunch_not_open", id=post.id))
    last = await limits.last_broadcast(ctx.conn, post.id) or post.created_at
    allowed_at = last + ctx.config.limits.relaunch_interval
    if ctx.now < allowed_at:
        hours = ctx.config.limits.relaunch_interval.total_seconds() / 3600
        raise UserError(
            t(
                ctx.lang,
                "relaunch_too_soon",
                id=post.id,
                hours=f"{hours:g}",
                when=moment_text(allowed_at, ctx),
            )
        )
    await events.record_event(ctx.conn, ctx.now, "post_relaunched", member.id, post_id=post.id)
    relays, reach = await relay_notifications(ctx.conn, post, ctx.today)
    return Effects(
        replies=[
            Outgoing(t(ctx.lang, "relaunch_done", id=post.id, audience=reach.summary(ctx.lang)))
        ],
        notifications=relays,
    )


def moment_text(at: datetime, ctx: Context) -> str:
    """« 15h20 » today, « le 02/12 à 15h20 » another day (the network's local time)."""
    local = at.astimezone(ctx.tz)
    hour = f"{local.hour}h{local.minute:02d}"
    if local.date() == ctx.today:
        return t(ctx.lang, "at_time_today", time=hour)
    return t(ctx.lang, "at_time_other_day", day=local.strftime("%d/%m"), time=hour)


# ------------------------------------------------------------------ /confirmer


async def confirm_urgent_command(ctx: Context, args: str) -> Effects:
    """`/confirmer N`: a coordinator of the author's association confirms the urgency of a post
    published beyond its author's daily quota (handlers.urgency); it goes to the network again,
    as urgent. Coordinators only (the command table)."""
    post_id, _ = claims.require_post_ref(ctx, args, "confirmer", "confirm_urgent_usage")
    member = ctx.need_member()
    post = await claims.load_post(ctx, post_id)
    rights.require(ctx, "confirmer", post.association_id == member.association_id, id=post.id)
    if post.urgent:
        raise UserError(t(ctx.lang, "confirm_urgent_already", id=post.id))
    if not post.urgent_pending:
        raise UserError(t(ctx.lang, "confirm_urgent_not_asked", id=post.id))
    if post.status != "open":
        raise UserError(t(ctx.lang, "relaunch_not_open", id=post.id))
    if not await posts.confirm_urgency(ctx.conn, post.id, member.id, ctx.now):
        raise UserError(t(ctx.lang, "confirm_urgent_already", id=post.id))
    confirmed = await claims.load_post(ctx, post.id)
    notes, reach = await relay_notifications(ctx.conn, confirmed, ctx.today)
    if confirmed.author_id != member.id:
        notes.append(
            _to(confirmed.author_id, "urgent_confirmed_author", id=post.id, name=member.name)
        )
    return Effects(
        replies=[
            Outgoing(t(ctx.lang, "urgent_confirmed", id=post.id, audience=reach.summary(ctx.lang)))
        ],
        notifications=notes,
    )
