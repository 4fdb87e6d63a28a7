"""Escalation (issue 11): what is still unanswered goes further, each step once.

Run by the scheduler every minute (bot/scheduler.py), in one transaction with the outbox rows
it produces. Each step of a post is claimed first in `post_escalations` (post_id, step), a
primary key: a step claimed is done, with its messages, or not at all; run again (a second
tick, a restart) it is skipped. Each step is also an `escalated` event (detail: the step).

- 'ring2': an urgent need (need or equipment_request, urgent, open) with no claim that counts
  (active or done) `after` (default 2 h, BOUCLE_ESCALATE_HOURS) since it became urgent
  (posts.urgent_since), and urgent for less than `ring2_window(after)` (24 h), goes to the
  associations within ring URGENT_RING + 1 that were not within URGENT_RING (the urgent
  relay's ring); its author is told how many.
- 'coordinators': still so `after` the 'ring2' step, and urgent for less than
  `coordinators_window(after)` (48 h), every active coordinator (and network administrator)
  of the other associations is told, and the author too.
- 'dlc_midday': an offer still open (nothing or only part taken) whose use-by date (DLC) is
  today, local, is re-sent from midday to the `DLC_NEAREST` nearest associations of its
  ring-0 audience that have not taken part of it (« dernier rappel : DLC aujourd'hui »).

The windows keep old news quiet: on the first start after an upgrade (or after the bot was
down a day), an urgent need left open for days is not suddenly sent further, then to every
coordinator. A step out of its window is not recorded: the post only gets older, so it is never
taken later (its author can still `/relancer` it).

`post_escalations.notified`: how many associations (ring2, dlc_midday) or coordinators were
told. A step with nobody to tell is still done (claimed), so it is never retried.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.audience import audience_of
from handlers.context import Notification, Render, ToAudience, ToMember
from handlers.messages import Outgoing
from handlers.posts import relay_message
from handlers.routing import (
    URGENT_RING,
)
from handlers.texts import t
from storage import events
from storage import matching as stored
from storage.db import Conn
from storage.models import Post
from storage.outbox import PRIORITY_NOTIFICATION, PRIORITY_URGENT

ESCALATE_AFTER = timedelta(hours=2)
# How long after becoming urgent a need may still go to the next ring (at least; the
# coordinators: twice as long). See the windows below.
RING2_WITHIN = timedelta(hours=24)
DLC_RESEND_AT = time(12, 0)
DLC_NEAREST = 10
# Posts handled per step and tick: a tick stays short; the rest comes at the next minute.
BATCH = 50

RING2 = "ring2"
COORDINATORS = "coordinators"
DLC_MIDDAY = "dlc_midday"


@dataclass
class Escalations:
    steps: int = 0
    notes: list[Notification] = field(default_factory=list)


async def due_escalations(
    conn: Conn, now: datetime, tz: ZoneInfo, after: timedelta = ESCALATE_AFTER
) -> Escalations:
    """Every step due at `now` and not done yet, claimed in the caller's transaction."""
    done = Escalations()
    await widen_urgent_needs(conn, now, tz, after, done)
    await tell_coordinators(conn, now, tz, after, done)
    await resend_dlc_offers(conn, now, tz, done)
    return done


def ring2_window(after: timedelta) -> timedelta:
    """How long after becoming urgent a need may still go to the next ring: 24 h, or twice
    `after` when it is set longer than 12 h (the step must always have time to happen)."""
    return max(RING2_WITHIN, 2 * after)


def coordinators_window(after: timedelta) -> timedelta:
    """How long after becoming urgent the coordinators may still be told: twice the ring2
    window (48 h)."""
    return 2 * ring2_window(after)


# ------------------------------------------------------------------ the steps


async def widen_urgent_needs(
    conn: Conn, now: datetime, tz: ZoneInfo, after: timedelta, done: Escalations
) -> None:
    since = now - ring2_window(after)
    for post in await stored.urgent_needs_to_widen(conn, since, now - after, BATCH):
        if not await stored.claim_step(conn, post.id, RING2, now):
            continue
        near = {r.association_id for r in await audience_of(conn, post, URGENT_RING)}
        wider = await audience_of(conn, post, URGENT_RING + 1)
        ids = tuple(r.association_id for r in wider if r.association_id not in near)
        await _record(conn, now, post, RING2, len(ids))
        done.steps += 1
        if ids:
            render = _relay_with(post, "escalation_ring2_intro", _today(now, tz), after)
            done.notes.append(
                Notification(
                    ToAudience(ids, post.category, urgent=True),
                    render,
                    PRIORITY_URGENT,
                    post_id=post.id,
                )
            )
            done.notes.append(
                _to_author(post, "escalation_ring2_author", count=len(ids), id=post.id)
            )


async def tell_coordinators(
    conn: Conn, now: datetime, tz: ZoneInfo, after: timedelta, done: Escalations
) -> None:
    since = now - coordinators_window(after)
    for post in await stored.urgent_needs_for_coordinators(conn, since, now - after, BATCH):
        if not await stored.claim_step(conn, post.id, COORDINATORS, now):
            continue
        coordinators = await stored.network_coordinators(conn, post.association_id)
        await _record(conn, now, post, COORDINATORS, len(coordinators))
        done.steps += 1
        # Since it became urgent: two intervals (the bot may have been down in between).
        render = _relay_with(post, "escalation_coordinators_intro", _today(now, tz), 2 * after)
        done.notes.extend(
            Notification(ToMember(c.id), render, PRIORITY_URGENT) for c in coordinators
        )
        if coordinators:
            done.notes.append(_to_author(post, "escalation_coordinators_author", id=post.id))


async def resend_dlc_offers(conn: Conn, now: datetime, tz: ZoneInfo, done: Escalations) -> None:
    local = now.astimezone(tz)
    if local.time() < DLC_RESEND_AT:
        return
    for post in await stored.dlc_offers_of(conn, local.date(), BATCH):
        if not await stored.claim_step(conn, post.id, DLC_MIDDAY, now):
            continue
        taken = await stored.claiming_associations(conn, post.id)
        reached = await audience_of(conn, post, 0)
        ids = tuple(r.association_id for r in reached if r.association_id not in taken)
        ids = ids[:DLC_NEAREST]
        await _record(conn, now, post, DLC_MIDDAY, len(ids))
        done.steps += 1
        if ids:
            render = _relay_with(post, "dlc_midday_intro", local.date(), None)
            done.notes.append(
                Notification(
                    ToAudience(ids, post.category), render, PRIORITY_NOTIFICATION, post_id=post.id
                )
            )


# ------------------------------------------------------------------ helpers


async def _record(conn: Conn, now: datetime, post: Post, step: str, notified: int) -> None:
    await stored.set_step_notified(conn, post.id, step, notified)
    await events.record_event(
        conn, now, "escalated", None, post_id=post.id, detail=f"{step}:{notified}"
    )


def _today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def _hours(interval: timedelta) -> str:
    return f"{interval.total_seconds() / 3600:g}"


def _relay_with(post: Post, intro_key: str, today: date, since: timedelta | None) -> Render:
    """The post's relay, under one line saying why it comes (again)."""

    def render(lang: str) -> Outgoing:
        relay = relay_message(post, lang, today)
        values = {"hours": _hours(since)} if since is not None else {}
        return replace(relay, text=f"{t(lang, intro_key, **values)}\n{relay.text}")

    return render


def _to_author(post: Post, key: str, **values: object) -> Notification:
    def render(lang: str) -> Outgoing:
        return Outgoing(t(lang, key, what=post.what, **values))

    return Notification(ToMember(post.author_id), render)
