"""The scheduled side of the bot: APScheduler only wakes code that reads SQLite.

`AsyncIOScheduler` runs one `CronTrigger` job, every minute in the network's time zone, that
calls `run_due_jobs`. What is due (digests at each subscriber's local time, reminders,
expiries) is computed from the database at `now` (the injected clock), and each deed is
claimed in `schedules` in the same transaction as its messages: a restart loses nothing and
sends nothing twice. APScheduler's own jobs live in memory and vanish on restart, which is
fine: they hold no state. At start, `run_due_jobs` runs once at once (the catch-up: a digest
missed while the bot was down goes out if it is still the same day).

The retention purge is one more daily deed (`retention:<local date>`, from `PURGE_AT` local
time): claimed before it runs, so it happens at most once a day even if it fails or the process
stops half-way (each batch it committed stays done; the next day's purge finishes the rest).
Missed while the bot was down, it runs at the next start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.fanout import enqueue_notifications
from handlers import digests, escalation, reminders
from handlers.messages import Address
from storage import retention, schedules
from storage.db import Database

log = logging.getLogger(__name__)

# A minute is the finest grain of a digest time (07:30); waking more often finds nothing new.
TICK_MINUTES = "*"
# A tick late by less than this (a busy loop) still runs; later ones merge into the next.
MISFIRE_GRACE_SECONDS = 50
# The daily purge runs from this local time (a quiet hour), or at start when it was missed.
PURGE_AT = time(4, 0)


@dataclass
class Tally:
    digests: int = 0
    reminders: int = 0
    escalations: int = 0
    messages: int = 0


class Scheduler:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        timezone: str,
        group: Address | None = None,
        wake_sender: Callable[[], None] | None = None,
        times: reminders.ReminderTimes = reminders.DEFAULT_TIMES,
        retention_days: int = retention.DEFAULT_RETENTION_DAYS,
        escalate_after: timedelta = escalation.ESCALATE_AFTER,
    ) -> None:
        self.db = db
        self.clock = clock
        self.tz = ZoneInfo(timezone)
        self.group = group
        self.wake_sender = wake_sender
        self.times = times
        self.retention_days = retention_days
        self.escalate_after = escalate_after
        self.aps: AsyncIOScheduler | None = None

    async def run_due_jobs(self) -> Tally:
        """Do whatever is due at the clock's `now` and not done yet."""
        now = self.clock.now()
        tally = Tally()
        async with self.db.transaction() as conn:
            due = await digests.due_digests(conn, now, self.tz)
        for subscriber in due:
            # One transaction per digest: the claim of today's key and its parts commit together.
            async with self.db.transaction() as conn:
                parts = await digests.send_digest(conn, subscriber.member, now, self.tz)
                tally.messages += await enqueue_notifications(
                    conn, parts, now, self.group, tz=self.tz
                )
            tally.digests += 1
        async with self.db.transaction() as conn:
            notes = await reminders.due_reminders(conn, now, self.tz, self.times)
            tally.reminders = len(notes)
            tally.messages += await enqueue_notifications(conn, notes, now, self.group, tz=self.tz)
        # Escalation steps: each claimed (post_escalations) with its messages, or not at all.
        async with self.db.transaction() as conn:
            steps = await escalation.due_escalations(conn, now, self.tz, self.escalate_after)
            tally.escalations = steps.steps
            tally.messages += await enqueue_notifications(
                conn, steps.notes, now, self.group, tz=self.tz
            )
        if tally.messages and self.wake_sender is not None:
            self.wake_sender()
        if tally.digests or tally.reminders or tally.escalations:
            log.info(
                "scheduler: %d digest(s), %d reminder(s), %d escalation step(s),"
                " %d message(s) queued",
                tally.digests,
                tally.reminders,
                tally.escalations,
                tally.messages,
            )
        await self.purge_if_due(now)
        return tally

    async def purge_if_due(self, now: datetime) -> retention.PurgeCounts | None:
        """The daily retention purge, once per local day from `PURGE_AT`; None when not due."""
        local = now.astimezone(self.tz)
        if local.time() < PURGE_AT:
            return None
        async with self.db.transaction() as conn:
            if not await schedules.claim_once(conn, f"retention:{local.date().isoformat()}", now):
                return None
        counts = await retention.purge_expired(self.db, now, timedelta(days=self.retention_days))
        log.info(
            "retention (%d days): %d outbox row(s), %d delivery attempt(s), %d inbox row(s)"
            " deleted, %d inbox payload(s) blanked, in %d batch(es)",
            self.retention_days,
            counts.outbox,
            counts.attempts,
            counts.inbox_deleted,
            counts.inbox_blanked,
            counts.batches,
        )
        return counts

    async def _tick(self) -> None:
        try:
            await self.run_due_jobs()
        except Exception:  # the next tick tries again; nothing was half-done (transactions)
            log.exception("scheduled jobs failed")

    async def start(self) -> None:
        """Catch up at once, then wake every minute. Call inside the running event loop."""
        await self._tick()
        self.aps = AsyncIOScheduler(timezone=self.tz)
        self.aps.add_job(
            self._tick,
            CronTrigger(minute=TICK_MINUTES, timezone=self.tz),
            id="boucle-due-jobs",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
        )
        self.aps.start()

    async def stop(self) -> None:
        if self.aps is not None and self.aps.running:
            self.aps.shutdown(wait=False)
        self.aps = None
