"""Big relays queued in the background, a chunk of members at a time (issue 12).

A post reaching thousands of members commits, in its message's transaction, its reply and one
job (storage/fanout_jobs.py; `bot.fanout.queue_notifications(defer_above=...)`). `FanoutJobs`
then queues the relay's rows: each chunk (`chunk` members after the job's cursor, in member id
order) is one short transaction that inserts the chunk's outbox rows and moves the cursor, so
a crash at any moment leaves every member queued exactly once when the job resumes (at the
next start: `start` looks for unfinished jobs). Between chunks the task gives way to the event
loop: a message arriving during a fan-out waits for one chunk at most, not the whole relay.
Preferences and quiet hours are applied as in the request (`bot.fanout.relay_rows`), at the
job's `decided_at`. The sender is woken after each chunk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.delivery import cancel_and_wait
from bot.fanout import relay_rows
from handlers.texts import LANGUAGES
from storage import fanout_jobs, outbox, profiles
from storage.db import Database
from storage.fanout_jobs import FanoutJob

log = logging.getLogger(__name__)

# Members per chunk, and the size above which a relay leaves the request for a job. A chunk of
# 500 held the database ~20 ms at full scale; 100, ~5 ms (its read and insert run in the
# connection's worker thread, `run_chunk`): a message arriving during a fan-out waits for one
# chunk at most. The job takes ~0.6 s instead of ~0.4 s for 10,000 members, whose relays then
# take minutes to leave at the platform's rate (docs/benchmarks.md, stop 21).
CHUNK = 100
# After a chunk raised: wait this long before trying again (storage.fanout_jobs.MAX_ATTEMPTS).
RETRY_SECONDS = 1.0
# Between chunks, messages being handled go first, for this long at most: a message is two
# transactions (stored, then handled), and the job's next chunk took the database between
# them, so a reply waited for two chunks (~20 ms each on a busy machine; issue 12,
# during-fanout). Bounded: a stream of messages slows the job, never stops it.
GIVE_WAY_SECONDS = 0.05


class FanoutJobs:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        tz: ZoneInfo,
        chunk: int = CHUNK,
        wake_sender: Callable[[], None] | None = None,
        retry_seconds: float = RETRY_SECONDS,
        messages_handled: Callable[[], Awaitable[None]] | None = None,
        give_way_seconds: float = GIVE_WAY_SECONDS,
    ) -> None:
        self.db = db
        self.clock = clock
        self.tz = tz
        self.chunk = chunk
        self.retry_seconds = retry_seconds
        self._wake_sender = wake_sender
        # Returns when no message is being stored or handled (`Intake.idle`).
        self._messages_handled = messages_handled
        self.give_way_seconds = give_way_seconds
        self._queued = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self.chunks_done = 0

    def wake(self) -> None:
        """A job was stored (or may have been): look again."""
        self._queued.set()
        self._idle.clear()

    def start(self) -> None:
        """Run in the background; unfinished jobs of the last run are resumed first."""
        self.wake()
        self._task = asyncio.create_task(self._loop(), name="fanout-jobs")

    async def stop(self) -> None:
        """Cancel: a chunk under way is rolled back and done again at the next start."""
        if self._task is not None:
            task, self._task = self._task, None
            await cancel_and_wait([task])

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    @property
    def idle(self) -> bool:
        """No job is known to be left."""
        return self._idle.is_set()

    async def wait_idle(self) -> None:
        """Until no job is left (benches, tests)."""
        await self._idle.wait()

    async def run_all(self) -> int:
        """Every chunk of every job, now (tests, without the background task); chunks done."""
        done = 0
        while await self.run_chunk():
            done += 1
        return done

    async def run_chunk(self) -> bool:
        """One chunk of the oldest running job, in one transaction; False when none is left."""
        async with self.db.transaction() as conn:
            job = await fanout_jobs.next_job(conn)
            if job is None:
                return False
            # The page's read and the rows' insert (~16 of a chunk's ~20 ms at full scale) run
            # in the connection's worker thread: the event loop meanwhile answers HTTP, sends
            # what is on the wire and takes in messages; only the database waits for the chunk
            # (issue 12, during-fanout: a reply's send took 180 ms behind them).
            worker = conn.off_loop()
            page = await profiles.audience_page(worker, job.association_ids, job.cursor, self.chunk)
            rows = relay_rows(
                page,
                job.category,
                job.urgent,
                job.exclude_members,
                job.decided_at,
                self.tz,
                stored_payload(job),
                job.priority,
                job.post_id,
            )
            await outbox.enqueue(worker, rows, self.clock.now())
            if len(page) < self.chunk:
                await fanout_jobs.finish(conn, job.id)
            else:
                await fanout_jobs.advance(conn, job.id, page[-1].member_id)
        self.chunks_done += 1
        if rows and self._wake_sender is not None:
            self._wake_sender()
        return True

    async def _loop(self) -> None:
        while True:
            await self._queued.wait()
            self._queued.clear()
            while await self._step():
                pass
            if not self._queued.is_set():
                self._idle.set()

    async def _step(self) -> bool:
        """One chunk, then give way: whatever waits for the database goes before the next."""
        try:
            more = await self.run_chunk()
            await asyncio.sleep(0)
            if more:
                await self._give_way()
            return more
        except Exception as error:
            log.exception("a relay job's chunk failed")
            async with self.db.transaction() as conn:
                job = await fanout_jobs.next_job(conn)
                if job is not None and await fanout_jobs.record_failure(conn, job.id, repr(error)):
                    log.error("relay job %d given up after repeated failures", job.id)
            await asyncio.sleep(self.retry_seconds)
            return True

    async def _give_way(self) -> None:
        """Until the messages being handled are done, `give_way_seconds` at most."""
        if self._messages_handled is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._messages_handled(), self.give_way_seconds)


def stored_payload(job: FanoutJob) -> Callable[[str], tuple[str, int | None]]:
    """A job's text in `language` (its stored payload's id); a language it was not rendered in
    gets the first of `LANGUAGES`."""

    def payload(language: str) -> tuple[str, int | None]:
        found = job.payload_ids.get(language)
        return "", found if found is not None else job.payload_ids[LANGUAGES[0]]

    return payload
