"""Where every channel hands over a message: stored first, then processed in order per chat.

A channel adapter calls `Intake.take(incoming)`. It returns once the message is committed to the
inbox (the adapter may then acknowledge it to the platform); processing happens afterwards, in a
task. Messages of one chat are processed one after the other, in the order they were taken (a
button press is never answered before the post it follows); different chats are processed
concurrently, at most `max_concurrent` at once. Storing is fair in the same way (`take`): one
chat's flood never queues ahead of another chat's message.

A message taken but not processed when the process stops stays `received` in the inbox and is
processed at the next start (`resume`), ahead of anything new from the same chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from handlers.messages import Incoming

if TYPE_CHECKING:  # prometheus_client is imported only when metrics are on (issue 15)
    from bot.metrics import Metrics

log = logging.getLogger(__name__)

# Processing is mostly SQLite work behind one connection: a few chats at once overlap parsing
# and I/O without letting one flood of messages occupy every slot.
MAX_CONCURRENT_CHATS = 8

Accept = Callable[[Incoming], Awaitable[bool]]
Process = Callable[[Incoming], Awaitable[object]]


class _Turn:
    """One chat's messages being stored, one at a time (FIFO: their order is kept)."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class Intake:
    def __init__(
        self, accept: Accept, process: Process, max_concurrent: int = MAX_CONCURRENT_CHATS
    ) -> None:
        self._accept = accept
        self._process = process
        self._slots = asyncio.Semaphore(max_concurrent)
        self._chats: dict[str, deque[Incoming]] = {}
        self._storing: dict[str, _Turn] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self.processed = 0
        self.failed = 0
        # Messages stored, counted for /metrics when they are on (Boucle sets it).
        self.metrics: Metrics | None = None

    async def take(self, incoming: Incoming) -> bool:
        """Store `incoming` (committed when this returns), then queue its processing.
        False for a redelivery, which is not processed again, or a message stored beyond its
        sender's rate (`Dispatcher.accept`), which is not processed at all.

        One chat's messages are stored one after the other: the database takes transactions
        in the order they ask, so 1,500 messages of one flooding chat arriving at once would
        otherwise all be queued ahead of another member's single message. In turn, each
        chat has at most one transaction waiting: another member waits for a couple of
        them, not for the flood."""
        chat = str(incoming.address)
        turn = self._storing.get(chat)
        if turn is None:
            turn = self._storing[chat] = _Turn()
        turn.users += 1
        try:
            async with turn.lock:
                fresh = await self._accept(incoming)
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._storing[chat]
        if fresh:
            if self.metrics is not None:
                self.metrics.received(incoming.address.channel)
            self.submit(incoming)
        return fresh

    def submit(self, incoming: Incoming) -> None:
        """Queue an already stored message behind the earlier ones of its chat."""
        chat = str(incoming.address)
        waiting = self._chats.get(chat)
        if waiting is not None:
            waiting.append(incoming)
            return
        self._chats[chat] = deque([incoming])
        self._idle.clear()
        task = asyncio.create_task(self._drain(chat), name=f"intake-{chat}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def resume(self, pending: list[Incoming]) -> int:
        """At start: what was stored but not processed goes first, in its order."""
        for incoming in pending:
            self.submit(incoming)
        return len(pending)

    async def _drain(self, chat: str) -> None:
        waiting = self._chats[chat]
        try:
            while waiting:
                async with self._slots:
                    await self._process_one(waiting[0])
                waiting.popleft()
        finally:
            # No await between the last check and here: nothing was appended meanwhile.
            del self._chats[chat]
            if not self._chats:
                self._idle.set()

    async def _process_one(self, incoming: Incoming) -> None:
        try:
            await self._process(incoming)
            self.processed += 1
        except Exception:
            # The dispatcher answers its own errors; this is storage failing underneath it.
            # The message stays `received` and is processed again at the next start.
            self.failed += 1
            log.exception("could not process message %s", incoming.message_id)

    @property
    def busy(self) -> bool:
        return bool(self._chats)

    async def idle(self) -> None:
        """Wait until every taken message is processed (tests, the terminal, a stop)."""
        await self._idle.wait()

    async def stop(self, grace_seconds: float) -> None:
        """Let the work under way finish for `grace_seconds`, then cancel the rest: what was
        cancelled rolls back and stays `received`, for the next start."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), max(grace_seconds, 0.0))
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:  # a cancellation of the caller itself still propagates
            await asyncio.gather(*tasks, return_exceptions=True)
