"""The scheduled side of the bot: APScheduler only wakes code that reads SQLite.

`AsyncIOScheduler` runs one `CronTrigger` job, every minute in the network's time zone, that
calls `run_due_jobs`. What is due (digests at each subscriber's local time, reminders,
expiries) is computed from the database at `now` (the injected clock), and each deed is
claimed in `schedules` in the same transaction as its messages: a restart loses nothing and
sends nothing twice. APScheduler's own jobs live in memory and vanish on restart, which is
fine: they hold no state. At start, `run_due_jobs` runs once in the background (the catch-up:
a digest missed while the bot was down goes out if it is still the same day): `start`
returns at once, so the web server, the health check and polling start without waiting.

At scale (issue 12): a tick reads only what is due, from indexes (`digest_schedule.next_due_at`
for digests; reminders, expiries and escalation steps leave out what is done). The due rows are
read `DUE_PAGE` at a time, each page its own transaction; the digests of a page read what they
share once (the open posts, the activity since the oldest reader's last digest), then go in
batches of `DIGEST_BATCH`, each one transaction (its claims, its messages), yielding to the
event loop between them; reminders go `REMINDER_BATCH` deeds per transaction: a message
arriving meanwhile waits for one page or one batch at most (~20 ms at 08:00 on the largest
network).

The retention purge is one more daily deed (`retention:<local date>`, from `PURGE_AT` local
time): claimed before it runs, so it happens at most once a day even if it fails or the process
stops half-way (each batch it committed stays done; the next day's purge finishes the rest).
Missed while the bot was down, it runs at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.fanout import enqueue_notifications, enqueue_to_members
from handlers import digests, escalation, reminders
from handlers.messages import Address
from storage import retention, schedules
from storage.db import Conn, Database

log = logging.getLogger(__name__)

# A minute is the finest grain of a digest time (07:30); waking more often finds nothing new.
TICK_MINUTES = "*"
# A tick late by less than this (a busy loop) still runs; later ones merge into the next.
MISFIRE_GRACE_SECONDS = 50
# The daily purge runs from this local time (a quiet hour), or at start when it was missed.
PURGE_AT = time(4, 0)
# Digests per transaction in a burst (the 08:00 digests of every coordinator): small enough
# that a message waits for one batch only (a few milliseconds), large enough that the reads
# of a batch are shared.
DIGEST_BATCH = 10
# Due rows read (and computed) per transaction: a burst starts with a page of them, not with
# every subscriber at once (4,800 rows, ~100 ms, at 08:00 on the largest network).
DUE_PAGE = 250
# Reminders, questions and expiries claimed per transaction (each about 1 ms: its claim, a
# contact card, its recipients' identities; 54 at 08:00 on the largest network).
REMINDER_BATCH = 10


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
        # The catch-up at start, running in the background (None before `start`).
        self.catch_up: asyncio.Task[None] | None = None
        self._running = asyncio.Lock()
        self._zone_checked = False
        self._purged_on: date | None = None

    async def run_due_jobs(self) -> Tally:
        """Do whatever is due at the clock's `now` and not done yet."""
        async with self._running:
            return await self._run_due_jobs()

    async def _run_due_jobs(self) -> Tally:
        now = self.clock.now()
        tally = Tally()
        after: tuple[str, int] | None = schedules.FIRST_DUE
        while after is not None:
            # A page of the due rows (DUE_PAGE) per transaction, then its digests in batches;
            # a batch's worth (a minute with a few digests) goes in the page's transaction.
            async with self.db.transaction() as conn:
                if not self._zone_checked:
                    await digests.check_zone(conn, now, self.tz)
                    self._zone_checked = True
                page = await digests.due_digests(conn, now, self.tz, after, DUE_PAGE)
                rest = page.readers
                if len(rest) <= DIGEST_BATCH:
                    await self.send_batch(conn, rest, now, None, tally)
                    rest = []
            if rest:
                await self.send_digests(rest, now, tally)
            after = page.after
            if after is not None:
                await asyncio.sleep(0)
        while True:
            # REMINDER_BATCH deeds per transaction; the rest in the next one (what is claimed is
            # left out of the next reading).
            budget = reminders.Budget(REMINDER_BATCH)
            async with self.db.transaction() as conn:
                notes = await reminders.due_reminders(conn, now, self.tz, self.times, budget)
                tally.reminders += len(notes)
                tally.messages += await enqueue_notifications(
                    conn, notes, now, self.group, tz=self.tz
                )
            if not budget.spent:
                break
            await asyncio.sleep(0)
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

    async def send_digests(self, due: list[digests.Reader], now: datetime, tally: Tally) -> None:
        """The digests due, in batches: each batch claims its digests with their messages in
        one transaction; the event loop runs between batches, the sender starts at once."""
        shared: digests.Shared | None = None  # one batch: read in its own transaction
        if len(due) > DIGEST_BATCH:
            async with self.db.transaction() as conn:
                shared = await digests.read_shared(conn, due, now)
        for start in range(0, len(due), DIGEST_BATCH):
            batch = due[start : start + DIGEST_BATCH]
            async with self.db.transaction() as conn:
                await self.send_batch(conn, batch, now, shared, tally)
            await asyncio.sleep(0)  # a message waiting for the connection goes first

    async def send_batch(
        self,
        conn: Conn,
        batch: list[digests.Reader],
        now: datetime,
        shared: digests.Shared | None,
        tally: Tally,
    ) -> None:
        """One batch of digests, claimed with their messages in the caller's transaction; the
        sender is woken (it waits for the commit: the connection is ours till then)."""
        if not batch:
            return
        sent = await digests.send_digests(conn, batch, now, self.tz, shared)
        tally.messages += await enqueue_to_members(conn, sent.notes, now)
        tally.digests += sent.digests
        if sent.notes and self.wake_sender is not None:
            self.wake_sender()

    async def purge_if_due(self, now: datetime) -> retention.PurgeCounts | None:
        """The daily retention purge, once per local day from `PURGE_AT`; None when not due."""
        local = now.astimezone(self.tz)
        if local.time() < PURGE_AT or self._purged_on == local.date():
            return None
        self._purged_on = local.date()  # claimed below, or claimed already: once a day
        async with self.db.transaction() as conn:
            if not await schedules.claim_once(conn, f"retention:{local.date().isoformat()}", now):
                return None
        counts = await retention.purge_expired(self.db, now, timedelta(days=self.retention_days))
        log.info(
            "retention (%d days): %d outbox row(s), %d delivery attempt(s), %d file(s),"
            " %d inbox row(s) deleted, %d inbox payload(s) blanked, in %d batch(es)",
            self.retention_days,
            counts.outbox,
            counts.attempts,
            counts.files,
            counts.inbox_deleted,
            counts.inbox_blanked,
            counts.batches,
        )
        return counts

    async def _tick(self) -> None:
        if self._running.locked():
            return  # the catch-up (or a long burst) is under way: it does this minute's too
        try:
            await self.run_due_jobs()
        except Exception:  # the next tick tries again; nothing was half-done (transactions)
            log.exception("scheduled jobs failed")

    async def start(self) -> None:
        """Start the catch-up in the background, and wake every minute. Returns at once.
        Call inside the running event loop."""
        self.catch_up = asyncio.create_task(self._tick(), name="scheduler-catch-up")
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
        if self.catch_up is not None and not self.catch_up.done():
            # Cut short between or inside batches: a batch's transaction rolls back, the rest
            # is due again at the next start.
            self.catch_up.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.catch_up
