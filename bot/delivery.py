"""The sender loop: delivers the outbox, most urgent first, within each platform's limits.

One lane per channel (Telegram, WhatsApp, ...), each paced by the limits its channel declares
(`Channel.pacing`: the sender knows no platform), so a throttled platform never holds the others
back. A lane reads the next due row of each chat, waits for
its pacer, marks that one row `in_flight` (committed) and sends it; several sends are in flight
at once (bounded), so a slow HTTP round-trip does not cap the rate. The outcome is committed
with a `delivery_attempts` row. After a crash only rows that were in flight at that instant can
go out twice; `recover` requeues and counts them.

Outcomes: a 429 requeues the row after `retry_after` and pauses the chat (the whole channel
for a private chat, see `Pacer.pause`); 5xx and refused connections retry with exponential
backoff, then `failed`; an ambiguous outcome (the request may have reached the platform but no
answer was read) is retried at most `max_ambiguous_attempts` times, each one counted, since
each retry may be a duplicate; 403 marks the member unreachable (their coordinator reads it in
the digest) and holds their other messages; outside WhatsApp's window the row is held until the
person writes.

The pick reads one batch from the index it walks (storage/deliveries.py), however long the
queue. A relay's text is shared by its rows (`payloads`): read by id, the latest few kept in
memory. A file sent with a message (a chart, an export) is stored once (`files`) and read back
right before its send, outside the pick's transaction; the last few stay in memory, so a file
relayed to many members is read once. A relay whose post is no longer open when it is picked
is not sent (`failed`, 'post closed'): held overnight by quiet hours, it does not announce at
07:30 a post taken at 23:00.

Pacing uses an injectable monotonic clock and sleep (real time in production, fast in tests);
when a row is due is read against the injected `Clock`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from bot.channels.base import (
    UNLIMITED,
    Channel,
    OutsideWindow,
    Pacing,
    Rejected,
    RetryLater,
    SendResult,
    Sent,
    Unreachable,
)
from bot.clock import Clock
from handlers.messages import Outgoing
from storage import deliveries, files, members, outbox, statuses
from storage.db import Conn, Database
from storage.outbox import PRIORITY_REPLY, OutboxMessage

if TYPE_CHECKING:  # prometheus_client is imported only when metrics are on (issue 15)
    from bot.metrics import Metrics

log = logging.getLogger(__name__)

# The platforms count arrival times, which jitter by a few milliseconds: aim 3 % under each
# limit so that a window measured at the other end never holds one message too many.
SAFETY = 0.97
# How many sends one lane keeps on the wire at once. Bounded: these are the only messages a
# crash can duplicate. 16 covers ~0.5 s round-trips at 30/s.
MAX_IN_FLIGHT = 16
# Beyond those, kept for replies: relays and notifications never hold them.
REPLY_SLOTS = 2
# Sends that may leave back to back (a reply and its few notifications) before the channel's
# schedule applies: then one send every average interval (`SAFETY` under the rate), a late
# one catching up by at most `CATCH_UP` of an interval. The burst's sends take their places in
# the schedule too (the news after them wait), so the one-second window stays level during a
# broadcast, and a reply arriving meanwhile soon finds a place (`REPLY_AHEAD`). Sends spaced
# by half the interval after the last one, as before, filled the window in half a second and
# nothing could leave for the other half: a reply waited up to 0.5 s (issue 12, during-fanout).
FREE_BURST = 5
CATCH_UP = 0.5
# The schedule runs this much under the window's own rate: a window kept exactly full leaves
# the platform's count no room for the network's jitter (bench/broadcast.py earned a 429 in
# 2 runs of 3 at 0.97 of 30/s; at 0.955, none).
LEVEL = 0.985
# A reply may go as far ahead of the schedule as a free burst: during a broadcast it takes the
# window's next free place, at most ~20 ms away on Telegram, not the schedule's next (up to
# ~35 ms), and after a burst (a post's reply and notifications) it does not wait for the
# burst's places. Its send pushes the news after it by an interval; replies coming in a flood
# soon run into the schedule and follow it.
REPLY_AHEAD = FREE_BURST + CATCH_UP
# Shared payloads (a relay's text, one per language) kept in memory: a broadcast reads its
# text once, not once per recipient.
PAYLOAD_CACHE = 16
# Files (a chart, an export) kept in memory after their send, up to this many bytes: a file
# relayed to many members is read from the database once, not once per recipient.
FILE_CACHE_BYTES = 32 * 1024 * 1024
# Why a row whose file is gone fails (none should: the file is purged after its last row).
FILE_MISSING = "attachment file missing"

T = TypeVar("T")
Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Window:
    """At most `limit` events in any `period` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = max(1, limit)
        self.period = period
        self.times: deque[float] = deque()

    def wait(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.period:
            self.times.popleft()
        if len(self.times) < self.limit:
            return 0.0
        return self.times[-self.limit] + self.period - now

    def add(self, now: float) -> None:
        self.times.append(now)


def _rate_window(per_second: float, burst: int) -> Window:
    """`burst` messages per `burst / per_second` seconds, `SAFETY` under the rate."""
    limit = max(1, burst)
    return Window(limit, limit / (per_second * SAFETY))


class Pacer:
    """One channel's pacing: a window over all its sends, one per chat, and pauses after 429s.

    The overall window is one second wide. Past a small burst (a reply and its few
    notifications go at once), sends follow the channel's schedule (`FREE_BURST`), so a
    broadcast neither leaves in one clump at the start of each second nor keeps a message
    arriving meanwhile waiting for the window to empty."""

    def __init__(self, pacing: Pacing, monotonic: Monotonic, resuming: bool = False) -> None:
        self.pacing = pacing
        self._now = monotonic
        self._global = (
            _rate_window(pacing.per_second, math.floor(pacing.per_second) or 1)
            if pacing.per_second
            else None
        )
        self._interval = 1.0 / (pacing.per_second * SAFETY * LEVEL) if pacing.per_second else 0.0
        self._scheduled = -math.inf  # when the next send is due on the channel's schedule
        if self._global is not None and resuming:
            # Restarted with messages waiting (after a crash, mid-broadcast): the previous
            # process may have filled the platform's window just before dying. Start as if the
            # window were full at the steady rate, so the first sends do not burst into a 429.
            start = monotonic()
            step = self._global.period / self._global.limit
            for index in range(self._global.limit):
                moment = start - self._global.period + (index + 1) * step
                self._global.add(moment)
            self._scheduled = start + self._interval
        self._paused_until = -math.inf
        self.replies_waiting = 0
        self._chats: dict[str, Window] = {}
        self._chat_paused: dict[str, float] = {}
        self._replies: dict[str, Window] = {}

    def global_wait(self, reply: bool = False) -> float:
        """How long before the next message may go on this channel. While a reply waits for
        its place (`Sender.take_reply`), news waits behind it."""
        now = self._now()
        wait = max(self._paused_until - now, 0.0)
        if self.replies_waiting and not reply:
            wait = max(wait, self._interval or 0.001)
        if self._global is not None:
            wait = max(wait, self._global.wait(now))
            if len(self._global.times) >= FREE_BURST:
                ahead = REPLY_AHEAD if reply else CATCH_UP
                wait = max(wait, self._scheduled - ahead * self._interval - now)
        return wait

    def chat_wait(self, external_id: str, reply: bool = False) -> float:
        """How long before the next message may go to this chat. The answer to what the
        person just wrote is not held behind the chat's window, which news fills (they
        are waiting for it, and a private chat takes short bursts): only a 429 pause and a
        window of replies of its own apply to it."""
        now = self._now()
        wait = self._chat_paused.get(external_id, -math.inf) - now
        window = (self._replies if reply else self._chats).get(external_id)
        if window is not None:
            wait = max(wait, window.wait(now))
        return max(wait, 0.0)

    def paused_chats(self) -> set[str]:
        """Chats under a 429 pause: nothing at all may go to them."""
        now = self._now()
        return {chat for chat, until in self._chat_paused.items() if until > now}

    def blocked_chats(self) -> dict[str, float]:
        """Chats whose news must wait, and how long; forgets chats idle for long (bounded
        memory)."""
        blocked: dict[str, float] = {}
        for external_id in list(self._chats) + list(self._chat_paused):
            wait = self.chat_wait(external_id)
            if wait > 0:
                blocked[external_id] = wait
            else:
                window = self._chats.get(external_id)
                if window is not None and not window.times:
                    del self._chats[external_id]
                self._chat_paused.pop(external_id, None)
        for external_id in [chat for chat, window in self._replies.items() if not window.times]:
            del self._replies[external_id]
        return blocked

    def record(self, external_id: str, parts: int = 1, reply: bool = False) -> None:
        """`parts` platform messages leave now for `external_id`."""
        now = self._now()
        window = self._chats.get(external_id) or self._chat_window(external_id)
        replies = self._replies.get(external_id)
        if reply and replies is None and self.pacing.reply_per_second:
            replies = self._replies[external_id] = Window(
                math.ceil(self.pacing.reply_per_second), 1.0 / SAFETY
            )
        for _ in range(max(1, parts)):
            # Every send takes its place in the schedule, a burst's and a reply's included: the
            # news after them wait for theirs, and the window never fills for long.
            self._scheduled = max(self._scheduled, now) + self._interval
            if self._global is not None:
                self._global.add(now)
            if window is not None:
                window.add(now)
            if reply and replies is not None:
                replies.add(now)

    def _chat_window(self, external_id: str) -> Window | None:
        if self.pacing.is_group(external_id) and self.pacing.group_per_minute:
            window = Window(self.pacing.group_per_minute, 60.0 / SAFETY)
        elif self.pacing.chat_per_second:
            window = _rate_window(self.pacing.chat_per_second, self.pacing.chat_burst)
        else:
            return None
        self._chats[external_id] = window
        return window

    def pause(self, external_id: str, seconds: float) -> None:
        """After a 429. Our own pacing keeps each private chat far under Telegram's limit, so a
        429 there means the bot-wide limit: the whole channel waits. A group's 429 is its own
        20/min limit: only that group waits (its retry_after may be most of a minute)."""
        until = self._now() + seconds
        self._chat_paused[external_id] = max(self._chat_paused.get(external_id, until), until)
        if not self.pacing.is_group(external_id):
            self._paused_until = max(self._paused_until, until)


def log_fields(message: OutboxMessage) -> dict[str, object]:
    """The numbers a log line about one outgoing message carries (issue 15); no address."""
    return {"outbox": message.id, "member": message.member_id, "post": message.post_id}


async def cancel_and_wait(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel `tasks` and wait for them to end. Their own errors were logged where they
    happened and must not stop a shutdown; a cancellation of the caller still propagates."""
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)


async def uninterrupted(work: Coroutine[object, object, T]) -> T:
    """Run `work` to its end even when the caller is cancelled meanwhile; the cancellation is
    raised after it (its result, or its error, logged, is then dropped). For a short step
    that must not stop halfway (a pick: its commit, then the launch of its sends)."""
    task = asyncio.create_task(work)
    cancelled: asyncio.CancelledError | None = None
    while not task.done():
        try:
            await asyncio.wait([task])  # a cancellation ends this wait, not the task
        except asyncio.CancelledError as error:
            cancelled = error
    if cancelled is not None:
        if not task.cancelled() and (failure := task.exception()) is not None:
            log.error("interrupted step failed", exc_info=failure)
        raise cancelled
    return task.result()


@dataclass(frozen=True)
class DeliveryPolicy:
    batch_size: int = 50
    max_attempts: int = 8
    first_backoff_seconds: float = 2.0
    max_backoff_seconds: float = 600.0
    idle_poll_seconds: float = 5.0
    max_in_flight: int = MAX_IN_FLIGHT
    # Sends whose outcome we could not read (each may have arrived): after this many, give up
    # rather than risk the person receiving the message once more.
    max_ambiguous_attempts: int = 2

    def backoff(self, attempts: int) -> float:
        delay: float = self.first_backoff_seconds * 2 ** max(attempts - 1, 0)
        return min(delay, self.max_backoff_seconds)


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    ambiguous: int = 0
    rate_limited: int = 0
    failed: int = 0
    unreachable: int = 0
    held: int = 0
    requeued_after_crash: int = 0
    # Relays not sent: their post was no longer open when they were due (taken, cancelled...).
    dropped: int = 0
    most_in_flight: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


class Slots:
    """Sends on the wire at once in a lane: `total`, the last `kept_for_replies` of them for
    replies only (the sender gives replies `REPLY_SLOTS` beyond `max_in_flight`). A fan-out's
    relays never hold every slot: a reply picked while thousands of relays go out leaves at
    once, not after one of them ended (issue 12, during-fanout)."""

    def __init__(self, total: int, kept_for_replies: int) -> None:
        self._free = total
        self._kept = min(kept_for_replies, total - 1)
        self._freed = asyncio.Event()

    def full(self, reply: bool) -> bool:
        return self._free <= (0 if reply else self._kept)

    async def acquire(self, reply: bool) -> None:
        while self.full(reply):
            self._freed.clear()
            await self._freed.wait()
        self._free -= 1

    def try_acquire(self, reply: bool) -> bool:
        """A slot now, or False (never waits)."""
        if self.full(reply):
            return False
        self._free -= 1
        return True

    def release(self) -> None:
        self._free += 1
        self._freed.set()


@dataclass
class Lane:
    """One channel's sending state (in memory only: the truth is in the outbox)."""

    name: str
    channel: Channel
    pacer: Pacer
    slots: Slots
    busy_chats: set[str] = field(default_factory=set)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    new_rows: asyncio.Event = field(default_factory=asyncio.Event)
    progress: asyncio.Event = field(default_factory=asyncio.Event)
    # The last pass found every due head and dispatched or set aside each (`Pass.complete`),
    # and the chats its pick left out (a send to them was on the wire) or found with more
    # rows behind their head: a sent message of another chat then leaves nothing new to pick,
    # and wakes no pass (`_deliver`).
    settled: bool = False
    left_out: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DirectReply:
    """A reply marked in flight in the transaction that queued it (`Sender.take_reply`), to be
    launched when that transaction commits."""

    lane: Lane
    message: OutboxMessage
    outgoing: Outgoing


@dataclass(frozen=True)
class Pick:
    """What a pick did: launched `dispatched` sends; `heads` wait for their pacing."""

    heads: list[OutboxMessage]
    dispatched: int
    dropped: int  # relays of closed posts, marked failed unsent
    settled: bool  # every due head was found and none is left waiting
    next_due: datetime | None


@dataclass(frozen=True)
class Pass:
    dispatched: int
    retry_in: float | None  # a chat window opens in this many seconds
    dropped: int = 0  # relays of closed posts, marked failed unsent
    # The pick found every due head and each was dispatched or set aside: another pass now
    # would find nothing new; `next_due` was read with it.
    complete: bool = False
    next_due: datetime | None = None

    @property
    def progressed(self) -> bool:
        """Rows left the queue: the next pass may find others (a dropped head's chat)."""
        return bool(self.dispatched or self.dropped)


class Sender:
    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        clock: Clock,
        policy: DeliveryPolicy | None = None,
        pacing: Mapping[str, Pacing] | None = None,  # overrides the channels' own (tests)
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.db = db
        self.channels = channels  # may be filled after construction (Boucle.create)
        self.clock = clock
        self.policy = policy or DeliveryPolicy()
        self.pacing = dict(pacing) if pacing is not None else {}
        self.stats = DeliveryStats()
        self._monotonic = monotonic
        self._sleep = sleep
        self._lanes: dict[str, Lane] = {}
        self._loops: list[asyncio.Task[None]] = []
        self._waiting_replies: set[asyncio.Task[None]] = set()
        self._resuming = False
        self._payloads: OrderedDict[int, str] = OrderedDict()
        self._files: OrderedDict[int, bytes] = OrderedDict()
        self._files_bytes = 0
        # Each send's outcome, counted for /metrics when they are on (Boucle sets it).
        self.metrics: Metrics | None = None

    # ------------------------------------------------------------------ lifecycle

    def wake(self) -> None:
        """New rows were committed (maybe urgent ones): every lane looks again."""
        for lane in self._lanes.values():
            lane.new_rows.set()
            lane.progress.set()

    async def recover(self) -> int:
        """At start: what was in flight when the process stopped is queued again (counted)."""
        async with self.db.transaction() as conn:
            count = await deliveries.requeue_interrupted(conn, self.clock.now())
            waiting = (await outbox.count_by_state(conn)).get("queued", 0)
        self._resuming = waiting > 0
        self.stats.requeued_after_crash += count
        if count:
            log.warning(
                "%d message(s) were in flight at the last stop: sending them again "
                "(they may arrive twice)",
                count,
            )
        return count

    def start(self) -> None:
        for name in self.channels:
            lane = self._lane(name)
            self._loops.append(asyncio.create_task(self._run_lane(lane), name=f"sender-{name}"))

    async def stop(self, grace_seconds: float = 0.0) -> None:
        """Take no new row; sends already on the wire may finish for `grace_seconds` (a message
        the platform accepted is then recorded as sent, not sent again after a restart). What is
        still on the wire then is cancelled: its row stays `in_flight` and the next `recover`
        requeues (and counts) it. The loops are cancelled where they wait; a pick under way
        launches what it marked in flight first (`_pass`), so that every row left `in_flight`
        was on the wire."""
        loops, self._loops = self._loops, []
        await cancel_and_wait([*loops, *self._waiting_replies])
        on_wire = [task for lane in self._lanes.values() for task in lane.tasks]
        if on_wire and grace_seconds > 0:
            await asyncio.wait(on_wire, timeout=grace_seconds)
        await cancel_and_wait(on_wire)

    @property
    def loops(self) -> list[asyncio.Task[None]]:
        return list(self._loops)

    def loop_states(self) -> dict[str, str]:
        return {task.get_name(): "failed" if task.done() else "running" for task in self._loops}

    # ------------------------------------------------------------------ draining

    async def deliver_all_due(self) -> int:
        """Send everything due now and wait for the outcomes (terminal, tests): passes until
        nothing is left that may go now. Rows whose chat must wait stay queued."""
        total = 0
        while True:
            await self._hold_unknown_channels()
            dispatched = 0
            progressed = False
            for name in list(self.channels):
                lane = self._lane(name)
                done = await self._pass(lane)
                dispatched += done.dispatched
                progressed = progressed or done.progressed
                await self._settle(lane)
            total += dispatched
            if not progressed:
                return total

    async def _settle(self, lane: Lane) -> None:
        while lane.tasks:
            await asyncio.gather(*list(lane.tasks), return_exceptions=True)

    # ------------------------------------------------------------------ the lane loop

    def _lane(self, name: str) -> Lane:
        lane = self._lanes.get(name)
        if lane is None:
            lane = Lane(
                name=name,
                channel=self.channels[name],
                pacer=Pacer(self._pacing_of(name), self._monotonic, self._resuming),
                slots=Slots(self.policy.max_in_flight + REPLY_SLOTS, REPLY_SLOTS),
            )
            self._lanes[name] = lane
        return lane

    def _pacing_of(self, name: str) -> Pacing:
        """Each channel knows its platform's limits; the sender knows no platform."""
        declared = getattr(self.channels[name], "pacing", UNLIMITED)
        return self.pacing.get(name, declared if isinstance(declared, Pacing) else UNLIMITED)

    async def _run_lane(self, lane: Lane) -> None:
        await self._hold_unknown_channels()
        while True:
            lane.settled = False
            try:
                done = await self._pass(lane)
            except Exception:  # a storage hiccup must not end delivery for good
                log.exception("sender lane %s failed; trying again", lane.name)
                await self._sleep(self.policy.idle_poll_seconds)
                continue
            lane.settled = done.complete and not lane.new_rows.is_set()
            if done.progressed and not done.complete:
                continue
            # Nothing more may go now (a complete pick dispatched all it could): wait for a
            # send to end, new rows, a chat's window or the next due row.
            timeout = self.policy.idle_poll_seconds
            if done.retry_in is not None:
                timeout = min(timeout, done.retry_in)
            next_due = done.next_due
            if not done.complete:
                async with self.db.read() as conn:
                    next_due = await deliveries.next_due_at(conn, lane.name)
            if next_due is not None:
                until_due = (next_due - self.clock.now()).total_seconds()
                if until_due > 0:
                    timeout = min(timeout, until_due)
            # Not `asyncio.wait_for`: on Python 3.11 it swallows a cancellation that arrives as
            # the event is set (a send just finished), and the lane then ran on and `stop`
            # waited for it for ever. `asyncio.timeout` lets the cancellation through.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(timeout, 0.001)):
                    await lane.progress.wait()

    async def _pass(self, lane: Lane) -> Pass:
        """Dispatch the due head rows of this lane that may go now, most urgent first.

        The heads that may leave at once (no pacing wait, a free slot) are marked in flight in
        the pick's own transaction and sent as soon as it commits; the others, after their
        wait, each in a transaction of their own (marked right before their send, as ever).
        A pick that found every head (fewer than a batch) also reads when the next row is due,
        for the lane's wait, in the same transaction.

        A stop cancels the lane wherever it waits (for its pacer, a slot, the next row), but
        the pick and each take run to their launch (`uninterrupted`): cancelled while awaiting
        the commit (which SQLite completes all the same in the driver's thread), they left rows
        `in_flight` that nothing was sending, until the next start requeued them."""
        lane.new_rows.clear()
        lane.progress.clear()
        blocked = lane.pacer.blocked_chats()
        paused = lane.pacer.paused_chats()
        pick = await uninterrupted(self._pick(lane, blocked, paused))
        dispatched = pick.dispatched
        for head in pick.heads:
            if lane.new_rows.is_set():
                break  # something new, maybe urgent: read the queue again in priority order
            if head.external_id in lane.busy_chats:
                continue
            reply = head.priority == PRIORITY_REPLY
            while (wait := lane.pacer.global_wait(reply)) > 0:
                await self._sleep(wait)
            chat_wait = lane.pacer.chat_wait(head.external_id, reply)
            if chat_wait > 0:  # a 429 arrived meanwhile, or replies come too fast
                blocked[head.external_id] = chat_wait
                continue
            await lane.slots.acquire(reply)
            if await uninterrupted(self._take_and_launch(lane, head.id, reply)):
                dispatched += 1
        return Pass(
            dispatched,
            self._retry_in(lane.pacer, blocked),
            pick.dropped,
            complete=pick.settled,
            next_due=pick.next_due,
        )

    async def _pick(self, lane: Lane, blocked: dict[str, float], paused: set[str]) -> Pick:
        """Read the due heads, mark in flight those that may leave at once and launch their
        sends; the heads left wait for their pacing (`_pass`)."""
        ready: list[tuple[OutboxMessage, Outgoing]] = []
        next_due: datetime | None = None
        async with self.db.transaction() as conn:
            behind: set[str] = set()
            left_out = set(lane.busy_chats)
            heads = await deliveries.due_heads(
                conn,
                lane.name,
                self.clock.now(),
                self.policy.batch_size,
                skip_chats=paused | lane.busy_chats,
                replies_only=set(blocked) - paused,
                behind=behind,
            )
            lane.left_out = frozenset(left_out | behind)
            # Rows committed before this read are in it: only those committed after it call
            # for a new read. A wake-up that came while the pick waited for the connection
            # (a fan-out job wakes the sender after every chunk) must not cancel the pick's
            # sends: it did, pass after pass, and nothing, replies included, left until the
            # job ended (issue 12, during-fanout).
            lane.new_rows.clear()
            complete = len(heads) < self.policy.batch_size
            closed = [head.id for head in heads if head.post_closed]
            if closed:
                dropped = await outbox.drop_closed_relays(conn, closed)
                heads = [head for head in heads if not head.post_closed]
                self.stats.dropped += dropped
                log.info("%d relay(s) not sent: their post is closed", dropped)
            while heads and not lane.new_rows.is_set():
                head = heads[0]
                reply = head.priority == PRIORITY_REPLY
                if head.external_id in lane.busy_chats:
                    heads.pop(0)
                    continue
                if (
                    lane.slots.full(reply)
                    or lane.pacer.global_wait(reply) > 0
                    or lane.pacer.chat_wait(head.external_id, reply) > 0
                ):
                    break  # the slow path in `_pass` waits, or sets the chat aside
                heads.pop(0)
                await lane.slots.acquire(reply)  # free: checked just above
                taken = await self._take(conn, lane, head.id, reply)
                if taken is None:
                    lane.slots.release()
                else:
                    ready.append(taken)
            settled = complete and not heads
            if settled:
                next_due = await deliveries.next_due_at(conn, lane.name)
        for message, outgoing in ready:
            self._launch(lane, message, outgoing)
        return Pick(heads, len(ready), len(closed), settled, next_due)

    async def _take_and_launch(self, lane: Lane, message_id: int, reply: bool) -> bool:
        """Mark one row in flight in a transaction of its own and launch its send (the caller
        holds a slot for it, released here when the row is no longer queued)."""
        async with self.db.transaction() as conn:
            taken = await self._take(conn, lane, message_id, reply)
        if taken is None:
            lane.slots.release()
            return False
        self._launch(lane, *taken)
        return True

    async def _take(
        self, conn: Conn, lane: Lane, message_id: int, reply: bool
    ) -> tuple[OutboxMessage, Outgoing] | None:
        """Mark one row in flight (in the caller's transaction) and count its sends in the
        lane's pacing; None when it is no longer queued (or its payload is missing)."""
        message = await deliveries.mark_in_flight(conn, message_id)
        if message is None:
            return None
        return await self._taken(conn, lane, message, reply)

    async def _taken(
        self, conn: Conn, lane: Lane, message: OutboxMessage, reply: bool
    ) -> tuple[OutboxMessage, Outgoing] | None:
        """A row just marked in flight, with its payload, counted in the lane's pacing; None
        when its payload is missing (marked failed)."""
        if message.payload_id is not None:
            found = await self._with_payload(conn, message)
            if found is None:
                return None
            message = found
        outgoing = Outgoing.from_json(message.payload)
        lane.pacer.record(message.external_id, self._parts(lane.channel, outgoing), reply)
        lane.busy_chats.add(message.external_id)
        return message, outgoing

    def _launch(self, lane: Lane, message: OutboxMessage, outgoing: Outgoing) -> None:
        """Send a row marked in flight (committed), in a task of its own."""
        task = asyncio.create_task(self._deliver(lane, message, outgoing))
        lane.tasks.add(task)
        self.stats.most_in_flight = max(self.stats.most_in_flight, len(lane.tasks))

    async def _with_payload(self, conn: Conn, message: OutboxMessage) -> OutboxMessage | None:
        """The row with its shared text, from the few kept in memory or read by id. A row whose
        payload is missing (none should be: the foreign key keeps it) fails instead of
        stopping the lane."""
        assert message.payload_id is not None
        body = self._payloads.get(message.payload_id)
        if body is None:
            body = await outbox.payload_body(conn, message.payload_id)
            if body is None:
                await outbox.mark_failed(conn, message.id, "payload missing")
                return None
            self._payloads[message.payload_id] = body
            if len(self._payloads) > PAYLOAD_CACHE:
                self._payloads.popitem(last=False)
        else:
            self._payloads.move_to_end(message.payload_id)
        return replace(message, payload=body)

    async def _with_file(self, outgoing: Outgoing) -> Outgoing | None:
        """The message with its file's bytes (read by id, or from the few kept in memory);
        None when the file is missing."""
        attachment = outgoing.attachment
        if attachment is None or attachment.data or attachment.file_id is None:
            return outgoing
        file_id = attachment.file_id
        data = self._files.get(file_id)
        if data is None:
            async with self.db.read() as conn:
                data = await files.file_data(conn, file_id)
            if data is None:
                return None
            if len(data) <= FILE_CACHE_BYTES:
                self._files[file_id] = data
                self._files_bytes += len(data)
                while self._files_bytes > FILE_CACHE_BYTES:
                    _, dropped = self._files.popitem(last=False)
                    self._files_bytes -= len(dropped)
        else:
            self._files.move_to_end(file_id)
        return replace(outgoing, attachment=replace(attachment, data=data))

    @staticmethod
    def _retry_in(pacer: Pacer, blocked: dict[str, float]) -> float | None:
        """When the next pass may find something to send in a blocked chat. A reply is not
        held behind its chat's window for news, only behind a 429 pause and its own window:
        it may go sooner than the news (a 1 s pause in a chat whose news window opens in 3 s),
        so the lane must look again then, not when the news may go."""
        waits = []
        for external_id, news_wait in blocked.items():
            reply_wait = pacer.chat_wait(external_id, reply=True)
            waits.append(min(news_wait, reply_wait) if reply_wait > 0 else news_wait)
        return min(waits) if waits else None

    @staticmethod
    def _parts(channel: Channel, message: Outgoing) -> int:
        """How many platform messages this one becomes (a long text is split by the channel)."""
        parts = getattr(channel, "parts", None)
        return int(parts(message)) if callable(parts) else 1

    async def _deliver(self, lane: Lane, message: OutboxMessage, outgoing: Outgoing) -> None:
        started_at = self.clock.now()
        outcome: str | None = None
        try:
            try:
                loaded = await self._with_file(outgoing)
                result: SendResult = (
                    await lane.channel.send(message.external_id, loaded)
                    if loaded is not None
                    else Rejected(FILE_MISSING)
                )
            except asyncio.CancelledError:
                raise
            except Exception as error:  # an adapter bug must not stop the loop
                log.exception(
                    "send of outbox message %d raised", message.id, extra=log_fields(message)
                )
                result = RetryLater(self.policy.backoff(message.attempts), repr(error))
            outcome = await self.record(message, result, lane, started_at)
        finally:
            lane.busy_chats.discard(message.external_id)
            lane.slots.release()
            current = asyncio.current_task()
            if current is not None:
                lane.tasks.discard(current)
            if not (outcome == deliveries.SENT and self._nothing_waits_on(lane, message)):
                lane.progress.set()

    @staticmethod
    def _nothing_waits_on(lane: Lane, message: OutboxMessage) -> bool:
        """After `message` was sent: whether the lane would find nothing new to send. So when
        its last pass was settled (every due head found, none left for want of a slot), no
        row was queued since, and its pick neither left this chat out while a send to it was
        on the wire nor found another row of it behind its head. A pass then is
        two reads and a commit for nothing, with every reply (issue 12, CPU per message)."""
        return (
            lane.settled and not lane.new_rows.is_set() and message.external_id not in lane.left_out
        )

    # ------------------------------------------------------------------ replies at once

    async def take_reply(self, conn: Conn, channel: str, external_id: str) -> DirectReply | None:
        """In the transaction that queued a reply to `external_id`: mark it in flight now when
        it may leave at once, so that it goes when that transaction commits (`launch_reply`)
        instead of after a pass of the lane (its own transaction, the queue read again). So
        when the lane runs (not the terminal's `deliver_all_due`), nothing is on the wire to
        that chat, a reply slot is free, neither the channel's nor the chat's pacing holds it,
        and it is the chat's only queued reply (two keep their order through the lane)."""
        lane = self._lanes.get(channel)
        if not self._loops or lane is None or external_id in lane.busy_chats:
            return None
        if lane.pacer.chat_wait(external_id, reply=True) > 0:
            return None
        if (wait := lane.pacer.global_wait(reply=True)) > 0:
            # A broadcast holds the channel's schedule: the reply takes its next place, news
            # waiting behind it (`_reply_at_its_place`), not after the lane's pass under way.
            self._waiting_replies.add(
                asyncio.create_task(self._reply_at_its_place(lane, external_id, wait))
            )
            return None
        return await self._take_sole_reply(conn, lane, external_id)

    async def _take_sole_reply(
        self, conn: Conn, lane: Lane, external_id: str
    ) -> DirectReply | None:
        """Mark the chat's one queued reply in flight, a reply slot held for it; None when
        there is none, or more than one, or no slot is free."""
        if not lane.slots.try_acquire(reply=True):
            return None
        taken = None
        try:
            message = await deliveries.take_sole_queued_reply(conn, lane.name, external_id)
            if message is not None:
                taken = await self._taken(conn, lane, message, reply=True)
        finally:
            if taken is None:  # none to take, or a failed statement: the slot is free again
                lane.slots.release()
        return None if taken is None else DirectReply(lane, *taken)

    async def _reply_at_its_place(self, lane: Lane, external_id: str, wait: float) -> None:
        """The reply just queued for `external_id` leaves at the channel's next place: news
        waits meanwhile. Whatever changed (the message's transaction rolled back, the lane took
        the reply first, the chat became busy), the lane sends what is left, as ever."""
        lane.pacer.replies_waiting += 1
        try:
            await self._sleep(wait)
            while (wait := lane.pacer.global_wait(reply=True)) > 0:
                await self._sleep(wait)
            await uninterrupted(self._take_reply_now(lane, external_id))
        finally:
            lane.pacer.replies_waiting -= 1
            current = asyncio.current_task()
            if current is not None:
                self._waiting_replies.discard(current)

    async def _take_reply_now(self, lane: Lane, external_id: str) -> None:
        if external_id in lane.busy_chats or lane.pacer.chat_wait(external_id, reply=True) > 0:
            return
        direct: DirectReply | None = None
        try:
            async with self.db.transaction() as conn:
                direct = await self._take_sole_reply(conn, lane, external_id)
        except BaseException:
            if direct is not None:  # the commit failed: the row is queued, the lane sends it
                self.drop_reply(direct)
            raise
        if direct is not None:
            self.launch_reply(direct)

    def launch_reply(self, reply: DirectReply) -> None:
        """The transaction that took `reply` committed: send it."""
        self._launch(reply.lane, reply.message, reply.outgoing)

    def drop_reply(self, reply: DirectReply) -> None:
        """The transaction that took `reply` rolled back: the row is queued as before; the
        chat and the slot are free again (its pacing keeps the count: a little caution)."""
        reply.lane.busy_chats.discard(reply.message.external_id)
        reply.lane.slots.release()
        reply.lane.progress.set()

    async def record(
        self,
        message: OutboxMessage,
        result: SendResult,
        lane: Lane | None = None,
        started_at: datetime | None = None,
    ) -> str | None:
        """Commit the outcome of one send; the outcome recorded, as `_record`."""
        outcome = await self._record(message, result, lane, started_at)
        if self.metrics is not None and outcome is not None:
            self.metrics.delivery(message.channel, outcome)
        return outcome

    async def _record(
        self,
        message: OutboxMessage,
        result: SendResult,
        lane: Lane | None,
        started_at: datetime | None,
    ) -> str | None:
        """Commit the outcome of one send; the outcome recorded (`deliveries`' names), or None
        when the row simply goes again."""
        now = self.clock.now()
        attempt = message.attempts
        async with self.db.transaction() as conn:
            if isinstance(result, Sent):
                await outbox.mark_sent(conn, message.id, result.platform_message_id, now)
                await deliveries.record_attempt(conn, message.id, attempt, now, deliveries.SENT)
                self.stats.sent += 1
                self.stats.by_channel[message.channel] = (
                    self.stats.by_channel.get(message.channel, 0) + 1
                )
                return deliveries.SENT
            elif isinstance(result, RetryLater) and result.rate_limited:
                at = now + timedelta(seconds=result.seconds)
                await deliveries.requeue(
                    conn, message.id, at, result.reason, counts_as_attempt=False
                )
                await deliveries.record_attempt(
                    conn, message.id, attempt, now, deliveries.RATE_LIMITED, result.reason
                )
                if lane is not None:
                    lane.pacer.pause(message.external_id, result.seconds)
                self.stats.rate_limited += 1
                log.warning(
                    "429 for %s: waiting %.1f s",
                    message.channel,
                    result.seconds,
                    extra=log_fields(message),
                )
                return deliveries.RATE_LIMITED
            elif isinstance(result, RetryLater):
                ambiguous = message.ambiguous_attempts + (1 if result.ambiguous else 0)
                outcome = deliveries.AMBIGUOUS if result.ambiguous else deliveries.RETRY
                if result.ambiguous:
                    self.stats.ambiguous += 1
                    log.warning(
                        "outbox message %d: no answer from %s, it may have arrived (%d/%d)",
                        message.id,
                        message.channel,
                        ambiguous,
                        self.policy.max_ambiguous_attempts,
                        extra=log_fields(message),
                    )
                if (
                    attempt >= self.policy.max_attempts
                    or ambiguous >= self.policy.max_ambiguous_attempts
                ):
                    await outbox.mark_failed(conn, message.id, result.reason)
                    await deliveries.record_attempt(
                        conn, message.id, attempt, now, deliveries.FAILED, result.reason
                    )
                    self.stats.failed += 1
                    return deliveries.FAILED
                else:
                    at = now + timedelta(seconds=self.policy.backoff(attempt))
                    await deliveries.requeue(
                        conn, message.id, at, result.reason, ambiguous=result.ambiguous
                    )
                    await deliveries.record_attempt(
                        conn, message.id, attempt, now, outcome, result.reason
                    )
                    self.stats.retried += 1
                    return outcome
            elif isinstance(result, Unreachable):
                await outbox.mark_failed(conn, message.id, f"unreachable: {result.reason}")
                await deliveries.record_attempt(
                    conn, message.id, attempt, now, deliveries.UNREACHABLE, result.reason
                )
                if message.member_id is not None:
                    await members.set_member_status(conn, message.member_id, "unreachable")
                await deliveries.hold_queued_for(
                    conn, message.channel, message.external_id, "unreachable"
                )
                self.stats.unreachable += 1
                return deliveries.UNREACHABLE
            elif isinstance(result, OutsideWindow):
                wrote = await statuses.last_inbound_at(conn, message.channel, message.external_id)
                if started_at is not None and wrote is not None and wrote > started_at:
                    # They wrote while this send was on the wire: their message found nothing
                    # held to release, so this one goes again now instead of waiting for the next.
                    await deliveries.requeue(conn, message.id, now, result.reason)
                    self.stats.retried += 1
                    return None
                await outbox.mark_held(conn, message.id, result.reason)
                await deliveries.record_attempt(
                    conn, message.id, attempt, now, deliveries.HELD, result.reason
                )
                self.stats.held += 1
                return deliveries.HELD
            elif isinstance(result, Rejected):
                await outbox.mark_failed(conn, message.id, result.reason)
                await deliveries.record_attempt(
                    conn, message.id, attempt, now, deliveries.REJECTED, result.reason
                )
                self.stats.failed += 1
                return deliveries.REJECTED
        return None

    async def _hold_unknown_channels(self) -> None:
        async with self.db.transaction() as conn:
            held = await deliveries.hold_unknown_channels(conn, list(self.channels))
        self.stats.held += held
