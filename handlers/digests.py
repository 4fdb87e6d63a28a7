"""The daily digest: one morning summary instead of scrolling a group, and `/digest`.

`gather_digest` reads (storage only); `render_digest` is pure: urgent needs first, then needs,
offers by deadline, resources; what was taken and completed since the last digest; what
expires today; the reader's association's pending actions; unreachable members and new
members (for coordinators; new members for those who chose `/arrivees digest`). Each line
carries the command to act on it (`/prendre 12`), and the text is split in parts under every
platform's limit, each part one message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.context import Context, Effects, Notification, Render, ToMember, UserError
from handlers.formatting import day, post_list_line, quantity
from handlers.messages import Outgoing, split_text
from handlers.texts import t
from storage import arrivals, posts, schedules
from storage.arrivals import Arrivals
from storage.db import Conn
from storage.models import Claim, Member, Post
from storage.outbox import PRIORITY_DIGEST
from storage.schedules import Activity

# Coordinators get the digest at this local time unless they chose another (or `/digest off`).
DEFAULT_DIGEST_TIME = time(8, 0)
# Under WhatsApp's 1,600 characters (Telegram allows 4,096): every part is one message.
DIGEST_PART_LIMIT = 1500
# A phone screen or two per section; the rest is one `/liste` away.
SECTION_LIMIT = 8
ACTIVITY_LIMIT = 12
# New members are counted; this many are named (a big intake is a number, not a roll call).
ARRIVAL_NAMES = 10
# The first digest (or `/digest` before any) covers the last day.
FIRST_DIGEST_SPAN = timedelta(days=1)

OFF_WORDS = frozenset({"off", "non", "stop", "arret", "arrêt", "arreter", "arrêter", "no"})
TIME_PATTERN = re.compile(r"^(\d{1,2})\s*(?:h|:|heures?)?\s*(\d{2})?$")


@dataclass(frozen=True)
class DigestData:
    urgent_needs: list[Post]
    needs: list[Post]
    offers: list[Post]
    resources: list[Post]
    activity: list[Activity]
    expiring_today: list[Post]
    to_collect: list[tuple[Claim, Post]]
    unanswered: list[Post]
    unreachable: list[Member]
    arrivals: Arrivals

    @property
    def open_count(self) -> int:
        return (
            len(self.urgent_needs)
            + len(self.needs)
            + len(self.offers)
            + len(self.resources)
            + len(self.expiring_today)
        )

    @property
    def empty(self) -> bool:
        return not (
            self.open_count
            or self.activity
            or self.to_collect
            or self.unanswered
            or self.unreachable
            or self.arrivals.count
        )


def digest_key(member_id: int, local_day: date) -> str:
    return f"digest:{member_id}:{local_day.isoformat()}"


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def parse_digest_time(text: str) -> time | None:
    """ "7h30", "07:30", "8h", "8" -> a time; None when it is not one."""
    match = TIME_PATTERN.match(text.strip().lower())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


# ------------------------------------------------------------------ reading


async def gather_digest(
    conn: Conn, reader: Member, since: datetime, today: date, now: datetime
) -> DigestData:
    """What the reader's digest says now; what happened is what happened in [since, now)."""
    others = await posts.open_posts(conn, ("need", "offer"), 200)
    others += await posts.open_posts(conn, ("equipment_request", "equipment_offer"), 100)
    # The reader's own posts are listed under their pending actions, not as things to take.
    foreign = [p for p in others if p.association_id != reader.association_id]
    expiring = [p for p in foreign if p.deadline == today]
    live = [p for p in foreign if p.deadline != today]
    claims = await posts.claims_of_association(conn, reader.association_id)
    to_collect: list[tuple[Claim, Post]] = []
    for claim in claims:
        post = await posts.post_by_id(conn, claim.post_id)
        if post is not None and post.is_offer_like:
            to_collect.append((claim, post))
    return DigestData(
        urgent_needs=[p for p in live if p.kind == "need" and p.urgent],
        needs=[p for p in live if p.kind == "need" and not p.urgent],
        offers=sorted(
            (p for p in live if p.kind == "offer"),
            key=lambda p: (p.deadline is None, p.deadline or today, p.id),
        ),
        resources=[p for p in live if p.kind in ("equipment_request", "equipment_offer")],
        activity=await schedules.activity_since(conn, since, ACTIVITY_LIMIT),
        expiring_today=expiring,
        to_collect=to_collect,
        unanswered=await schedules.unanswered_posts_of(conn, reader.association_id),
        unreachable=(
            await schedules.unreachable_members_of(conn, reader.association_id)
            if reader.is_coordinator
            else []
        ),
        arrivals=await arrivals_for(conn, reader, since, now),
    )


async def arrivals_for(conn: Conn, reader: Member, since: datetime, now: datetime) -> Arrivals:
    """New members of the reader's association, for a coordinator who chose to read them here
    (`/arrivees digest`), since they chose it: those before were told at once."""
    if not reader.is_coordinator:
        return Arrivals(0, ())
    choice = await arrivals.arrival_choice(conn, reader.id)
    if choice.mode != "digest":
        return Arrivals(0, ())
    start = max(since, choice.since) if choice.since is not None else since
    return await arrivals.arrivals_between(conn, reader.association_id, start, now, ARRIVAL_NAMES)


async def digest_since(conn: Conn, member_id: int, now: datetime) -> datetime:
    last = await schedules.last_done_at(conn, f"digest:{member_id}:")
    return last if last is not None else now - FIRST_DIGEST_SPAN


async def digest_for(conn: Conn, reader: Member, now: datetime, tz: ZoneInfo) -> list[Outgoing]:
    """The reader's digest now, in their language ([] when there is nothing to say)."""
    today = now.astimezone(tz).date()
    since = await digest_since(conn, reader.id, now)
    data = await gather_digest(conn, reader, since, today, now)
    return render_digest(data, reader.language, today, reader.association_name)


# ------------------------------------------------------------------ writing (pure)


def render_digest(data: DigestData, lang: str, today: date, association: str) -> list[Outgoing]:
    if data.empty:
        return []
    lines: list[str] = []

    def section(title: str, items: list[str]) -> None:
        if not items:
            return
        if lines:
            lines.append("")
        lines.append(title)
        lines.extend(items[:SECTION_LIMIT])
        if len(items) > SECTION_LIMIT:
            lines.append(t(lang, "digest_more", count=len(items) - SECTION_LIMIT))

    def takeable(found: list[Post]) -> list[str]:
        return [
            f"{post_list_line(p, lang, today)} {t(lang, 'digest_take', id=p.id)}" for p in found
        ]

    section(t(lang, "digest_section_urgent"), takeable(data.urgent_needs))
    section(t(lang, "digest_section_expiring"), takeable(data.expiring_today))
    section(t(lang, "digest_section_needs"), takeable(data.needs))
    section(t(lang, "digest_section_offers"), takeable(data.offers))
    section(t(lang, "digest_section_resources"), takeable(data.resources))
    section(t(lang, "digest_section_activity"), [activity_line(a, lang) for a in data.activity])
    yours = [
        t(
            lang,
            "digest_to_collect",
            id=post.id,
            what=post.what,
            amount=f" ({quantity(claim.quantity, post.unit, lang)})" if claim.quantity else "",
            association=post.association_name,
        )
        for claim, post in data.to_collect
    ]
    yours += [t(lang, "digest_unanswered", id=p.id, what=p.what) for p in data.unanswered]
    section(t(lang, "digest_section_yours", association=association), yours)
    if data.unreachable:
        names = ", ".join(m.name for m in data.unreachable)
        section(
            t(lang, "digest_section_unreachable"),
            [t(lang, "digest_unreachable_line", names=names)],
        )
    if data.arrivals.count:
        section(
            t(lang, "digest_section_arrivals", association=association),
            [arrivals_line(data.arrivals, lang)],
        )
    parts = split_text("\n".join(lines), DIGEST_PART_LIMIT)
    summary = t(lang, "digest_template_summary", count=data.open_count)
    title = t(lang, "digest_title", day=day(today, lang))
    return [
        # Only the first part may travel as WhatsApp's digest template outside the 24-hour
        # window; the others wait for the person's answer.
        Outgoing(title=title, text=part, template="digest", template_variables=(summary,))
        if index == 0
        else Outgoing(text=part)
        for index, part in enumerate(parts)
    ]


def arrivals_line(found: Arrivals, lang: str) -> str:
    names = ", ".join(found.names)
    more = found.count - len(found.names)
    if more > 0:
        names += t(lang, "digest_arrivals_more", count=more)
    return t(lang, "digest_arrivals_line", count=found.count, names=names)


def activity_line(activity: Activity, lang: str) -> str:
    post = activity.post
    amount = (
        f" ({quantity(activity.quantity, post.unit, lang)})"
        if activity.quantity is not None
        else ""
    )
    return t(
        lang,
        f"digest_activity_{activity.kind}",
        id=post.id,
        what=post.what,
        association=activity.association_name or "?",
        amount=amount,
    )


# ------------------------------------------------------------------ what is due


async def due_digests(conn: Conn, now: datetime, tz: ZoneInfo) -> list[schedules.Subscriber]:
    """Subscribers whose digest time has passed today (local) and who did not get today's.

    This one rule gives both the morning digest and the catch-up: a digest missed while the
    bot was down is due at the next start if it is still the same day, and only once."""
    local = now.astimezone(tz)
    due: list[schedules.Subscriber] = []
    for subscriber in await schedules.digest_subscribers(conn, format_time(DEFAULT_DIGEST_TIME)):
        at = parse_digest_time(subscriber.local_time)
        if at is None or local.time() < at:
            continue
        if await schedules.is_done(conn, digest_key(subscriber.member.id, local.date())):
            continue
        due.append(subscriber)
    return due


async def send_digest(
    conn: Conn, member: Member, now: datetime, tz: ZoneInfo
) -> list[Notification]:
    """Claim today's digest for `member` (once) and return its parts as notifications."""
    local_day = now.astimezone(tz).date()
    parts = await digest_for(conn, member, now, tz)
    if not await schedules.claim_once(conn, digest_key(member.id, local_day), now):
        return []
    return [Notification(ToMember(member.id), _fixed(part), PRIORITY_DIGEST) for part in parts]


def _fixed(message: Outgoing) -> Render:
    def render(lang: str) -> Outgoing:
        return message  # already written in the reader's language

    return render


# ------------------------------------------------------------------ /digest


async def digest_command(ctx: Context, args: str) -> Effects:
    member = ctx.need_member()
    wanted = args.strip().lower()
    if not wanted:
        parts = await digest_for(ctx.conn, member, ctx.now, ctx.tz)
        current = await schedules.digest_time_of(
            ctx.conn, member.id, format_time(DEFAULT_DIGEST_TIME)
        )
        status = (
            t(ctx.lang, "digest_subscription_on", time=current)
            if current
            else t(ctx.lang, "digest_subscription_off")
        )
        if not parts:
            return Effects.reply(Outgoing(f"{t(ctx.lang, 'digest_nothing')}\n{status}"))
        return Effects.reply(*parts, Outgoing(status))
    if wanted in OFF_WORDS:
        await schedules.set_digest_time(ctx.conn, member.id, None, ctx.now)
        return Effects.reply(Outgoing(t(ctx.lang, "digest_stopped")))
    at = parse_digest_time(wanted)
    if at is None:
        raise UserError(t(ctx.lang, "digest_usage"))
    await schedules.set_digest_time(ctx.conn, member.id, format_time(at), ctx.now)
    return Effects.reply(Outgoing(t(ctx.lang, "digest_set", time=format_time(at))))
