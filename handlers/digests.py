"""The daily digest: one morning summary instead of scrolling a group, and `/digest`.

`gather_digest` reads (storage only); `render_digest` is pure: urgent needs first, then needs,
offers by deadline, resources; what was taken and completed since the last digest; what
expires today; the reader's association's pending actions; unreachable members and new
members (for coordinators; new members for those who chose `/arrivees digest`). Each line
carries the command to act on it (`/prendre 12`), and the text is split in parts under every
platform's limit, each part one message.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.booking_times import LATE_AFTER
from handlers.context import Context, Effects, Notification, Render, ToMember, UserError
from handlers.formatting import day, post_list_line, quantity
from handlers.messages import Outgoing, split_text
from handlers.texts import t
from storage import arrivals, schedules
from storage import resources as shared_equipment
from storage.arrivals import Arrivals
from storage.db import Conn
from storage.models import Claim, DigestPost, Member
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
class Section:
    """A list of open posts: the first `SECTION_LIMIT`, shown, and how many there are."""

    posts: list[DigestPost]
    total: int


@dataclass(frozen=True)
class LateReturn:
    """A loan of the reader's association's equipment not returned LATE_AFTER its end (issue
    14), and by how much."""

    booking: shared_equipment.Booking
    overdue: timedelta


@dataclass(frozen=True)
class DigestData:
    urgent_needs: Section
    needs: Section
    offers: Section
    resources: Section
    activity: list[Activity]
    expiring_today: Section
    to_collect: list[tuple[Claim, DigestPost]]
    unanswered: list[DigestPost]
    unreachable: list[Member]
    arrivals: Arrivals
    late_returns: list[LateReturn] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return (
            self.urgent_needs.total
            + self.needs.total
            + self.offers.total
            + self.resources.total
            + self.expiring_today.total
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
            or self.late_returns
        )


def digest_key(member_id: int, local_day: date) -> str:
    return f"digest:{member_id}:{local_day.isoformat()}"


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


@functools.lru_cache(maxsize=2048)
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

# The open posts a digest lists: the first of each group, in the list's order (as `/liste`).
FOOD_KINDS = ("need", "offer")
RESOURCE_KINDS = ("equipment_request", "equipment_offer")
FOOD_READ = 200
RESOURCE_READ = 100
# A reader's association: its active claims to collect, newest first.
TO_COLLECT_READ = 20
# A coordinator's association: its loans not returned (issue 14), the longest overdue first.
LATE_RETURNS_READ = 5
# The activity of every reader of a tick is read at once, at most this many rows; a reader
# whose part of it was cut reads their own.
SHARED_ACTIVITY_READ = 2000


@dataclass(frozen=True)
class Reader:
    """A digest to write: for whom, and since when (their last digest)."""

    member: Member
    since: datetime
    local_time: time | None = None  # when it is due (None: on demand)
    # Since when a coordinator reads arrivals here (`/arrivees digest`; None: not), when read
    # with the due rows; not known (read by `arrivals_for_readers`) on demand.
    arrivals_since: datetime | None = None
    arrivals_known: bool = False


@dataclass(frozen=True)
class Shared:
    """What every digest of a tick reads alike, read once: the open posts of the network and
    the claims and completions since the oldest reader's last digest."""

    heads: list[schedules.PostHead]
    activity: list[Activity]
    activity_since: datetime
    activity_complete: bool  # False: cut at SHARED_ACTIVITY_READ rows
    version: int | None  # the open list's when the heads were read (`kept_open_post_heads`)
    # Placed once per day for every batch of the tick, and every tick while the heads are kept
    # (`schedules.kept_open_post_heads`).
    layouts: dict[date, _Layout] = field(default_factory=dict)


async def read_shared(conn: Conn, readers: list[Reader], now: datetime) -> Shared:
    """Readers who share their last digest's moment (a burst, or one reader) need the same
    first `ACTIVITY_LIMIT` rows of activity: only those are read."""
    since = min((r.since for r in readers), default=now)
    limit = ACTIVITY_LIMIT if len({r.since for r in readers}) <= 1 else SHARED_ACTIVITY_READ
    kept = await schedules.kept_open_post_heads(
        conn, [(FOOD_KINDS, FOOD_READ), (RESOURCE_KINDS, RESOURCE_READ)]
    )
    food, resources = kept.groups
    rows = await schedules.activity_rows(conn, since, now, limit)
    # The sections' layout of a day is kept with the heads (until a post, a claim or a name
    # changes): the single digests of 07:00, 07:01, ... place the same heads once.
    return Shared(food + resources, rows, since, len(rows) < limit, kept.version, kept.derived)


@dataclass(frozen=True)
class _Heads:
    """A section before its posts are read: the heads shown (at most SECTION_LIMIT), and how
    many there are."""

    shown: list[schedules.PostHead]
    total: int


@dataclass(frozen=True)
class _Plan:
    """One reader's digest before its posts are read: the heads of each section."""

    urgent_needs: _Heads
    needs: _Heads
    offers: _Heads
    resources: _Heads
    expiring: _Heads
    activity: list[Activity]

    def shown_ids(self) -> list[int]:
        sections = (self.urgent_needs, self.needs, self.offers, self.resources, self.expiring)
        return [h.id for heads in sections for h in heads.shown]


@dataclass(frozen=True)
class _Layout:
    """Every open post read, in its section, before a reader's own are left out (the same for
    every reader of a batch: placed once), and how many each association has in each."""

    sections: tuple[list[schedules.PostHead], ...]  # urgent needs, needs, offers, resources,
    # expiring today
    counts: tuple[dict[int, int], ...]


def _layout(heads: list[schedules.PostHead], today: date) -> _Layout:
    day = today.isoformat()
    live = [h for h in heads if h.deadline != day]
    sections = (
        [h for h in live if h.kind == "need" and h.urgent],
        [h for h in live if h.kind == "need" and not h.urgent],
        sorted(
            (h for h in live if h.kind == "offer"),
            key=lambda h: (h.deadline is None, h.deadline or "", h.id),
        ),
        [h for h in live if h.kind in RESOURCE_KINDS],
        [h for h in heads if h.deadline == day],
    )
    counts: list[dict[int, int]] = []
    for section in sections:
        count: dict[int, int] = {}
        for h in section:
            count[h.association_id] = count.get(h.association_id, 0) + 1
        counts.append(count)
    return _Layout(sections, tuple(counts))


def _foreign(layout: _Layout, index: int, association_id: int) -> _Heads:
    # The reader's own posts are listed under their pending actions, not as things to take.
    shown: list[schedules.PostHead] = []
    for head in layout.sections[index]:
        if head.association_id != association_id:
            shown.append(head)
            if len(shown) == SECTION_LIMIT:
                break
    total = len(layout.sections[index]) - layout.counts[index].get(association_id, 0)
    return _Heads(shown, total)


def _plan(reader: Member, layout: _Layout) -> _Plan:
    association = reader.association_id
    return _Plan(
        urgent_needs=_foreign(layout, 0, association),
        needs=_foreign(layout, 1, association),
        offers=_foreign(layout, 2, association),
        resources=_foreign(layout, 3, association),
        expiring=_foreign(layout, 4, association),
        activity=[],
    )


async def _activity_of(conn: Conn, reader: Reader, shared: Shared, now: datetime) -> list[Activity]:
    if reader.since >= shared.activity_since:
        mine = [a for a in shared.activity if a.at > reader.since][:ACTIVITY_LIMIT]
        if len(mine) == ACTIVITY_LIMIT or shared.activity_complete:
            return mine
    return await schedules.activity_rows(conn, reader.since, now, ACTIVITY_LIMIT)


async def gather_digests(
    conn: Conn, readers: list[Reader], today: date, now: datetime, shared: Shared | None = None
) -> dict[int, DigestData]:
    """What each reader's digest says now (storage only, a few statements for all of them);
    what happened is what happened in (their last digest, now]."""
    if not readers:
        return {}
    # The open list's version in this transaction, when the heads are read here (else
    # `digest_posts` reads it: a burst's heads were read in an earlier transaction).
    current: int | None = None
    if shared is None:
        shared = await read_shared(conn, readers, now)
        current = shared.version
    associations = sorted({r.member.association_id for r in readers})
    coordinators = [r.member for r in readers if r.member.is_coordinator]
    claims = await schedules.active_claims_of_associations(conn, associations, TO_COLLECT_READ)
    unreachable = (
        await schedules.unreachable_members_of_associations(
            conn, sorted({m.association_id for m in coordinators})
        )
        if coordinators
        else {}
    )
    # Issue 14: the coordinators' associations' loans not returned, one indexed statement.
    late = (
        await shared_equipment.late_returns(
            conn,
            sorted({m.association_id for m in coordinators}),
            now - LATE_AFTER,
            LATE_RETURNS_READ,
        )
        if coordinators
        else {}
    )
    plans: dict[int, _Plan] = {}
    wanted: set[int] = set()
    layout = shared.layouts.get(today)
    if layout is None:
        layout = shared.layouts[today] = _layout(shared.heads, today)
    for reader in readers:
        plan = _plan(reader.member, layout)
        plan = replace(plan, activity=await _activity_of(conn, reader, shared, now))
        plans[reader.member.id] = plan
        wanted.update(plan.shown_ids())
        wanted.update(c.post_id for c in claims.get(reader.member.association_id, []))
    found, unanswered = await schedules.digest_posts(conn, sorted(wanted), associations, current)
    arrivals_of = await arrivals_for_readers(conn, readers, now)

    def section(heads: _Heads) -> Section:
        return Section([found[h.id] for h in heads.shown if h.id in found], heads.total)

    data: dict[int, DigestData] = {}
    for reader in readers:
        member, plan = reader.member, plans[reader.member.id]
        to_collect = [
            (claim, found[claim.post_id])
            for claim in claims.get(member.association_id, [])
            if claim.post_id in found and found[claim.post_id].is_offer_like
        ]
        data[member.id] = DigestData(
            urgent_needs=section(plan.urgent_needs),
            needs=section(plan.needs),
            offers=section(plan.offers),
            resources=section(plan.resources),
            activity=plan.activity,
            expiring_today=section(plan.expiring),
            to_collect=to_collect,
            unanswered=unanswered.get(member.association_id, []),
            unreachable=unreachable.get(member.association_id, []) if member.is_coordinator else [],
            arrivals=arrivals_of.get(member.id, Arrivals(0, ())),
            late_returns=[
                LateReturn(b, now - b.end_at) for b in late.get(member.association_id, [])
            ]
            if member.is_coordinator
            else [],
        )
    return data


async def arrivals_for_readers(
    conn: Conn, readers: list[Reader], now: datetime
) -> dict[int, Arrivals]:
    """New members of each reader's association, for coordinators who chose to read them here
    (`/arrivees digest`), since they chose it: those before were told at once."""
    coordinators = [r for r in readers if r.member.is_coordinator]
    if not coordinators:
        return {}
    unknown = [r.member.id for r in coordinators if not r.arrivals_known]
    choices = await arrivals.digest_choices(conn, unknown) if unknown else {}
    found: dict[int, Arrivals] = {}
    for reader in coordinators:
        chosen_at = (
            reader.arrivals_since if reader.arrivals_known else choices.get(reader.member.id)
        )
        if chosen_at is None:
            continue
        start = max(reader.since, chosen_at)
        found[reader.member.id] = await arrivals.arrivals_between(
            conn, reader.member.association_id, start, now, ARRIVAL_NAMES
        )
    return found


async def digest_since(conn: Conn, member_id: int, now: datetime) -> datetime:
    last = await schedules.last_digest_at(conn, member_id)
    return last if last is not None else now - FIRST_DIGEST_SPAN


async def digest_for(conn: Conn, reader: Member, now: datetime, tz: ZoneInfo) -> list[Outgoing]:
    """The reader's digest now, in their language ([] when there is nothing to say)."""
    today = now.astimezone(tz).date()
    since = await digest_since(conn, reader.id, now)
    data = await gather_digests(conn, [Reader(reader, since)], today, now)
    return render_digest(data[reader.id], reader.language, today, reader.association_name)


# ------------------------------------------------------------------ writing (pure)


# Posts' lines kept (`listed_line`): the 08:00 burst lists the same few dozen posts 4,800
# times, each single digest of the morning most of the previous one's.
LINES_KEPT = 1024


@functools.lru_cache(maxsize=LINES_KEPT)
def listed_line(post: DigestPost, lang: str, today: date) -> str:
    """A post's line in a digest, written once for every digest that lists it: keyed by the
    post as read (a claim in between reads another tuple), the language and the day."""
    return f"{post_list_line(post, lang, today)} {t(lang, 'digest_take', id=post.id)}"


def render_digest(data: DigestData, lang: str, today: date, association: str) -> list[Outgoing]:
    if data.empty:
        return []
    lines: list[str] = []

    def listed(post: DigestPost) -> str:
        return listed_line(post, lang, today)

    def section(title: str, items: list[str], total: int | None = None) -> None:
        count = len(items) if total is None else total
        if not count:
            return
        if lines:
            lines.append("")
        lines.append(title)
        lines.extend(items[:SECTION_LIMIT])
        if count > SECTION_LIMIT:
            lines.append(t(lang, "digest_more", count=count - SECTION_LIMIT))

    def takeable(title: str, found: Section) -> None:
        items = [listed(p) for p in found.posts[:SECTION_LIMIT]]
        section(title, items, found.total)

    takeable(t(lang, "digest_section_urgent"), data.urgent_needs)
    takeable(t(lang, "digest_section_expiring"), data.expiring_today)
    takeable(t(lang, "digest_section_needs"), data.needs)
    takeable(t(lang, "digest_section_offers"), data.offers)
    takeable(t(lang, "digest_section_resources"), data.resources)
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
    if data.late_returns:
        section(
            t(lang, "digest_section_late_returns"),
            [late_return_line(late, lang) for late in data.late_returns],
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


def late_return_line(late: LateReturn, lang: str) -> str:
    """« R12 Camion frigo, prêté à Épicerie de Limoux : 5 h de retard → /rendu R12 »."""
    hours = late.overdue.total_seconds() / 3600
    overdue = (
        t(lang, "digest_overdue_hours", hours=max(1, int(hours)))
        if hours < 48
        else t(lang, "digest_overdue_days", days=int(hours // 24))
    )
    booking = late.booking
    return t(
        lang,
        "digest_late_return",
        ref=f"R{booking.id}",
        resource=booking.resource_name,
        borrower=booking.borrower_name,
        overdue=overdue,
    )


def arrivals_line(found: Arrivals, lang: str) -> str:
    names = ", ".join(found.names)
    more = found.count - len(found.names)
    if more > 0:
        names += t(lang, "digest_arrivals_more", count=more)
    return t(lang, "digest_arrivals_line", count=found.count, names=names)


def activity_line(activity: Activity, lang: str) -> str:
    amount = (
        f" ({quantity(activity.quantity, activity.unit, lang)})"
        if activity.quantity is not None
        else ""
    )
    return t(
        lang,
        f"digest_activity_{activity.kind}",
        id=activity.post_id,
        what=activity.what,
        association=activity.association_name or "?",
        amount=amount,
    )


# ------------------------------------------------------------------ what is due


@functools.lru_cache(maxsize=4096)
def digest_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The first instant (UTC) at which the local time on `day` reaches `at`: `at` itself, its
    first occurrence when the clocks go back, the jump when they skip it (02:30 on the last
    Sunday of March is 03:00 summer time)."""
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=tz).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    # In the hour skipped: from the earliest reading of `wall`, the first minute past it.
    moment = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    while moment < first:
        local = moment.astimezone(tz)
        if local.date() > day or local.replace(tzinfo=None) >= wall:
            return moment
        moment += timedelta(minutes=1)
    return first


@functools.lru_cache(maxsize=16)
def zone_fingerprint(tz: ZoneInfo, year: int) -> str:
    """The zone's name, its UTC offsets hour by hour over `year` and the next, and the default
    digest time: when any of them changes (tzdata updated, another zone configured), every
    next digest instant is computed again."""
    digest = hashlib.sha256(f"{tz.key}|{format_time(DEFAULT_DIGEST_TIME)}|{year}".encode())
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 2, 1, 1, tzinfo=UTC)
    offsets: list[str] = []
    while moment < end:
        offset = moment.astimezone(tz).utcoffset()
        offsets.append(str(offset.total_seconds() if offset is not None else 0))
        moment += timedelta(hours=1)
    digest.update(",".join(offsets).encode())
    return digest.hexdigest()[:16]


async def check_zone(conn: Conn, now: datetime, tz: ZoneInfo) -> bool:
    """Compute every next digest again if the zone's rules are not those they were computed
    with; True when they were reset."""
    fingerprint = zone_fingerprint(tz, now.astimezone(tz).year)
    if await schedules.digest_zone(conn) == fingerprint:
        return False
    await schedules.reset_digest_schedule(conn, fingerprint)
    return True


def next_digest_after(sent_on: date, at: time, tz: ZoneInfo) -> datetime:
    return digest_instant(sent_on + timedelta(days=1), at, tz)


@dataclass(frozen=True)
class DuePage:
    """A page of the rows due: the digests to send, and where the next page starts (None: this
    was the last)."""

    readers: list[Reader]
    after: tuple[str, int] | None


async def due_digests(
    conn: Conn,
    now: datetime,
    tz: ZoneInfo,
    after: tuple[str, int] = schedules.FIRST_DUE,
    limit: int = schedules.CHUNK,
) -> DuePage:
    """Subscribers whose digest time has passed today (local) and who did not get today's, at
    most `limit` from `after` (the previous page's `after`).

    This one rule gives both the morning digest and the catch-up: a digest missed while the
    bot was down is due at the next start if it is still the same day, and only once. Only the
    rows whose `next_due_at` has come are read (digest_schedule_due); those that are not due
    after all (not subscribed any more, a day missed, a time changed) get their next instant."""
    today = now.astimezone(tz).date()
    due: list[Reader] = []
    later: list[tuple[int, datetime | None]] = []
    rows = await schedules.due_digest_rows(
        conn, now, format_time(DEFAULT_DIGEST_TIME), after, limit
    )
    for row in rows:
        at = parse_digest_time(row.local_time) if row.local_time else None
        if at is None:
            later.append((row.member.id, None))
            continue
        sent_on = row.last_sent_at.astimezone(tz).date() if row.last_sent_at else None
        if sent_on is not None and sent_on >= today:
            later.append((row.member.id, next_digest_after(sent_on, at, tz)))
            continue
        today_at = digest_instant(today, at, tz)
        if today_at > now:
            later.append((row.member.id, today_at))
            continue
        since = row.last_sent_at if row.last_sent_at is not None else now - FIRST_DIGEST_SPAN
        due.append(Reader(row.member, since, at, row.arrivals_since, arrivals_known=True))
    if later:
        await schedules.set_next_due(conn, later)
    return DuePage(due, rows[-1].position if len(rows) == limit else None)


@dataclass(frozen=True)
class Sent:
    digests: int  # claimed now (a digest already claimed is not counted)
    notes: list[Notification]


async def send_digests(
    conn: Conn, readers: list[Reader], now: datetime, tz: ZoneInfo, shared: Shared | None = None
) -> Sent:
    """Claim today's digest of each reader (once: a digest already claimed is skipped) and
    return their parts as notifications, in the caller's transaction."""
    today = now.astimezone(tz).date()
    keys = {r.member.id: digest_key(r.member.id, today) for r in readers}
    fresh_keys = await schedules.claim_new(conn, list(keys.values()), now)
    fresh = [r for r in readers if keys[r.member.id] in fresh_keys]
    data = await gather_digests(conn, fresh, today, now, shared)
    notes: list[Notification] = []
    for reader in fresh:
        member = reader.member
        parts = render_digest(data[member.id], member.language, today, member.association_name)
        notes += [Notification(ToMember(member.id), _fixed(p), PRIORITY_DIGEST) for p in parts]

    def following(reader: Reader) -> datetime | None:
        at = reader.local_time
        return next_digest_after(today, at, tz) if at is not None else None

    await schedules.mark_digests_sent(conn, [(r.member.id, following(r)) for r in fresh], now)
    skipped = [(r.member.id, following(r)) for r in readers if keys[r.member.id] not in fresh_keys]
    if skipped:
        await schedules.set_next_due(conn, skipped)
    return Sent(len(fresh), notes)


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
