"""The sender loop: delivers the outbox, most urgent first, and records every outcome.

A row is marked `in_flight` (committed) before its send and `sent` right after, so after a
crash only rows that were in flight at that instant can go out twice; they are counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.channels.base import (
    Channel,
    Outgoing,
    OutsideWindow,
    Rejected,
    RetryLater,
    SendResult,
    Sent,
    Unreachable,
)
from bot.clock import Clock
from storage import members, outbox
from storage.db import Database
from storage.outbox import OutboxMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryPolicy:
    batch_size: int = 50
    max_attempts: int = 8
    first_backoff_seconds: float = 2.0
    max_backoff_seconds: float = 600.0
    idle_poll_seconds: float = 5.0

    def backoff(self, attempts: int) -> float:
        delay: float = self.first_backoff_seconds * 2 ** max(attempts - 1, 0)
        return min(delay, self.max_backoff_seconds)


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    held: int = 0
    requeued_after_crash: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


class Sender:
    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        clock: Clock,
        policy: DeliveryPolicy | None = None,
    ) -> None:
        self.db = db
        self.channels = channels
        self.clock = clock
        self.policy = policy or DeliveryPolicy()
        self.stats = DeliveryStats()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def recover(self) -> int:
        """At start: what was in flight when the process stopped is queued again."""
        async with self.db.transaction() as conn:
            count = await outbox.requeue_in_flight(conn, self.clock.now())
        self.stats.requeued_after_crash += count
        if count:
            log.warning("%d message(s) were in flight at the last stop: sending them again", count)
        return count

    async def deliver_due(self) -> int:
        """Send one batch of due messages; returns how many were attempted."""
        async with self.db.transaction() as conn:
            batch = await outbox.take_due(conn, self.clock.now(), self.policy.batch_size)
        for message in batch:
            await self.deliver(message)
        return len(batch)

    async def deliver_all_due(self) -> int:
        total = 0
        while attempted := await self.deliver_due():
            total += attempted
        return total

    async def deliver(self, message: OutboxMessage) -> None:
        channel = self.channels.get(message.channel)
        if channel is None:
            async with self.db.transaction() as conn:
                await outbox.mark_held(conn, message.id, f"channel {message.channel} not running")
            self.stats.held += 1
            return
        try:
            result: SendResult = await channel.send(
                message.external_id, Outgoing.from_json(message.payload)
            )
        except Exception as error:  # an adapter bug must not stop the loop
            log.exception("send of outbox message %d raised", message.id)
            result = RetryLater(self.policy.backoff(message.attempts), repr(error))
        await self.record(message, result)

    async def record(self, message: OutboxMessage, result: SendResult) -> None:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            if isinstance(result, Sent):
                await outbox.mark_sent(conn, message.id, result.platform_message_id, now)
                self.stats.sent += 1
                self.stats.by_channel[message.channel] = (
                    self.stats.by_channel.get(message.channel, 0) + 1
                )
            elif isinstance(result, RetryLater):
                if message.attempts >= self.policy.max_attempts and not result.rate_limited:
                    await outbox.mark_failed(conn, message.id, result.reason)
                    self.stats.failed += 1
                else:
                    at = now + timedelta(seconds=result.seconds)
                    await outbox.mark_retry(conn, message.id, at, result.reason)
                    self.stats.retried += 1
            elif isinstance(result, Unreachable):
                await outbox.mark_failed(conn, message.id, f"unreachable: {result.reason}")
                if message.member_id is not None:
                    await members.set_member_status(conn, message.member_id, "unreachable")
                self.stats.failed += 1
            elif isinstance(result, OutsideWindow):
                await outbox.mark_held(conn, message.id, result.reason)
                self.stats.held += 1
            elif isinstance(result, Rejected):
                await outbox.mark_failed(conn, message.id, result.reason)
                self.stats.failed += 1

    async def run(self) -> None:
        await self.recover()
        while True:
            attempted = await self.deliver_due()
            if attempted:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.policy.idle_poll_seconds)

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="boucle-sender")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
