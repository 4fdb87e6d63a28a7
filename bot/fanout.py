"""Turn a handler's notifications into outbox rows: one per person reached, in their language.

Runs inside the handler's transaction, so a change and the news of it commit together. A relay
to a big audience may instead commit as a job (`queue_notifications(defer_above=...)`), whose
rows bot/fanout_jobs.py queues in short transactions of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.context import (
    Notification,
    ToAssociation,
    ToAudience,
    ToEveryone,
    ToFormerMember,
    ToGroup,
    ToMember,
)
from handlers.messages import Address
from handlers.preferences import quiet_until, relay_at
from handlers.texts import LANGUAGES
from storage import fanout_jobs, members, outbox, profiles
from storage.db import Conn
from storage.fanout_jobs import FanoutJob
from storage.models import AudienceMember, Member
from storage.outbox import QueuedMessage


@dataclass
class Queued:
    rows: int = 0
    # Relays left to a background job (storage/fanout_jobs.py): their rows come later.
    jobs: int = 0


async def enqueue_notifications(
    conn: Conn,
    notifications: list[Notification],
    now: datetime,
    group: Address | None,
    exclude_member: int | None = None,
    *,
    tz: ZoneInfo,
) -> int:
    """Store every notification; `exclude_member` (the writer) gets a direct reply instead.
    `tz`: the network's time zone, in which members' quiet hours are read. Returns the rows
    queued: everything, in this transaction."""
    queued = await queue_notifications(conn, notifications, now, group, exclude_member, tz=tz)
    return queued.rows


async def queue_notifications(
    conn: Conn,
    notifications: list[Notification],
    now: datetime,
    group: Address | None,
    exclude_member: int | None = None,
    *,
    tz: ZoneInfo,
    defer_above: int | None = None,
) -> Queued:
    """`enqueue_notifications`, except that with `defer_above` a relay to an audience of more
    active members than that is not expanded here: its text is stored once per language and a
    job (storage/fanout_jobs.py) is, in this transaction, for bot/fanout_jobs.py to queue its
    rows in short transactions of their own."""
    rows: list[QueuedMessage] = []
    queued = Queued()
    for notification in notifications:
        if isinstance(notification.to, ToGroup):
            if group is not None:
                payload = notification.render("fr").to_json()
                rows.append(
                    QueuedMessage(
                        group.channel,
                        group.external_id,
                        None,
                        payload,
                        notification.priority,
                        post_id=notification.post_id,
                    )
                )
            continue
        if isinstance(notification.to, ToAudience):
            to = notification.to
            if defer_above is not None and (
                await profiles.count_active_members(conn, to.association_ids, defer_above + 1)
                > defer_above
            ):
                await defer_relay(conn, notification, now, exclude_member)
                queued.jobs += 1
            else:
                rows.extend(await audience_rows(conn, notification, now, tz, exclude_member))
            continue
        # Rendered once per language: the same text (and file) for every member of the group.
        rendered: dict[str, str] = {}
        for member in await recipients(conn, notification):
            if member.id == exclude_member:
                continue
            not_before = await held_until(conn, notification, member, now, tz)
            row = await row_for_member(conn, member, notification, not_before, rendered)
            if row is not None:
                rows.append(row)
    queued.rows = await outbox.enqueue(conn, rows, now)
    return queued


async def defer_relay(
    conn: Conn, notification: Notification, now: datetime, exclude_member: int | None
) -> int:
    """Store a relay to a big audience as a job: its text once per language (`payloads`), the
    audience and who is left out; returns the job's id."""
    to = notification.to
    assert isinstance(to, ToAudience)
    payload_ids = {}
    for lang in LANGUAGES:
        body = replace(notification.render(lang), lang=lang).to_json()
        payload_ids[lang] = await outbox.store_payload(conn, body, now)
    exclude = to.exclude_members | ({exclude_member} if exclude_member is not None else set())
    job = FanoutJob(
        id=0,
        association_ids=to.association_ids,
        exclude_members=frozenset(exclude),
        category=to.category,
        urgent=to.urgent,
        priority=notification.priority,
        post_id=notification.post_id,
        payload_ids=payload_ids,
        decided_at=now,
        cursor=0,
    )
    return await fanout_jobs.create_job(conn, job, now)


async def audience_rows(
    conn: Conn,
    notification: Notification,
    now: datetime,
    tz: ZoneInfo,
    exclude_member: int | None,
) -> list[QueuedMessage]:
    """A post's relay to its audience: members, channels and preferences in one read, each
    member's preferences applied (handlers/preferences), each language rendered once."""
    to = notification.to
    assert isinstance(to, ToAudience)

    def payload(language: str) -> tuple[str, int | None]:
        rendered = notification.render(language)
        return replace(rendered, lang=language).to_json(), None

    found = await profiles.audience_members(conn, to.association_ids)
    exclude = to.exclude_members | ({exclude_member} if exclude_member is not None else set())
    return relay_rows(
        found,
        to.category,
        to.urgent,
        exclude,
        now,
        tz,
        payload,
        notification.priority,
        notification.post_id,
    )


def relay_rows(
    found: list[AudienceMember],
    category: str | None,
    urgent: bool,
    exclude: Collection[int],
    now: datetime,
    tz: ZoneInfo,
    payload: Callable[[str], tuple[str, int | None]],
    priority: int,
    post_id: int | None,
) -> list[QueuedMessage]:
    """The outbox rows of a relay to these members: each one's preferences and quiet hours
    applied at `now`; `payload(language)`: the text, or '' and a stored payload's id, asked
    once per language."""
    texts: dict[str, tuple[str, int | None]] = {}
    # Most members keep the default preferences: each distinct setting is timed once.
    timing: dict[tuple[object, ...], datetime | None] = {}
    rows: list[QueuedMessage] = []
    for member in found:
        if member.member_id in exclude:
            continue
        prefs = member.preferences
        setting = (prefs.mode, prefs.muted, prefs.quiet_start, prefs.quiet_end)
        if setting in timing:
            at = timing[setting]
        else:
            at = timing[setting] = relay_at(prefs, category, urgent, now, tz)
        if at is None:
            continue
        text = texts.get(member.language)
        if text is None:
            text = texts[member.language] = payload(member.language)
        rows.append(
            QueuedMessage(
                member.channel,
                member.external_id,
                member.member_id,
                text[0],
                priority,
                not_before=at if at > now else None,
                post_id=post_id,
                payload_id=text[1],
            )
        )
    return rows


async def recipients(conn: Conn, notification: Notification) -> list[Member]:
    to = notification.to
    if isinstance(to, ToMember):
        member = await members.member_by_id(conn, to.member_id)
        return [member] if member and member.status == "active" else []
    if isinstance(to, ToFormerMember):
        former = await members.member_by_id(conn, to.member_id)
        return [former] if former and former.status == "removed" else []
    if isinstance(to, ToAssociation):
        return await members.members_of_association(conn, to.association_id)
    if isinstance(to, ToEveryone):
        return await members.active_members(conn)
    return []


async def held_until(
    conn: Conn, notification: Notification, member: Member, now: datetime, tz: ZoneInfo
) -> datetime | None:
    """The end of `member`'s quiet hours for a quiet direct message (`ToMember(quiet=True)`)
    sent in them; None: it goes at once."""
    if not (isinstance(notification.to, ToMember) and notification.to.quiet):
        return None
    return quiet_until(await profiles.preferences_of(conn, member.id), now, tz)


async def row_for_member(
    conn: Conn,
    member: Member,
    notification: Notification,
    not_before: datetime | None = None,
    rendered: dict[str, str] | None = None,
) -> QueuedMessage | None:
    """A member is reached on the channel they last wrote from. `rendered`: the texts already
    rendered for this notification, by language (a file is then encoded once, not once per
    member)."""
    identities = await members.identities_of(conn, member.id)
    if not identities:
        return None
    identity = identities[0]
    payload = rendered.get(member.language) if rendered is not None else None
    if payload is None:
        payload = replace(notification.render(member.language), lang=member.language).to_json()
        if rendered is not None:
            rendered[member.language] = payload
    return QueuedMessage(
        identity.channel,
        identity.external_id,
        member.id,
        payload,
        notification.priority,
        not_before=not_before,
        post_id=notification.post_id,
    )


async def enqueue_to_members(conn: Conn, notifications: list[Notification], now: datetime) -> int:
    """Store notifications to single members (`ToMember`) as `enqueue_notifications` does,
    reading every member's identity in a few statements: the digests of a whole minute."""
    ids = [n.to.member_id for n in notifications if isinstance(n.to, ToMember)]
    reachable = await members.reachable_identities(conn, ids)
    rows: list[QueuedMessage] = []
    for notification in notifications:
        if not isinstance(notification.to, ToMember):
            raise ValueError("enqueue_to_members: ToMember notifications only")
        found = reachable.get(notification.to.member_id)
        if found is None:
            continue
        language, identity = found
        payload = replace(notification.render(language), lang=language).to_json()
        rows.append(
            QueuedMessage(
                identity.channel,
                identity.external_id,
                notification.to.member_id,
                payload,
                notification.priority,
            )
        )
    return await outbox.enqueue(conn, rows, now)
