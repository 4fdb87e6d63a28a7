"""A message's reply marked in flight in the message's own transaction (issue 12, CPU per message).

`Sender.take_reply`, called last in the dispatcher's transaction, takes the one reply it queued
when it may leave at once; the dispatcher launches it at the commit, and gives it back to the
lane if the commit fails. A sent message whose lane has nothing else to do wakes no pass.
Ordering, pacing and "nothing lost" stay the lane's: each rule below has its test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.channels.base import RecordingChannel, SendResult, Sent
from bot.channels.telegram import TELEGRAM_PACING
from bot.clock import ManualClock
from bot.delivery import MAX_IN_FLIGHT, REPLY_SLOTS, DirectReply, Sender
from handlers.messages import Outgoing
from storage import outbox
from storage.db import Database
from storage.outbox import PRIORITY_NOTIFICATION, PRIORITY_REPLY, QueuedMessage


class GatedChannel(RecordingChannel):
    """Records sends; a send to a chat in `held` waits until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__("telegram")
        self.held: set[str] = set()
        self.gate = asyncio.Event()

    async def send(self, external_id: str, message: Outgoing) -> SendResult:
        if external_id in self.held:
            await self.gate.wait()
        self.sent.append((external_id, message))
        return Sent(str(len(self.sent)))


def reply(chat: str, text: str, priority: int = PRIORITY_REPLY) -> QueuedMessage:
    return QueuedMessage("telegram", chat, None, Outgoing(text).to_json(), priority)


@pytest.fixture
async def running(db: Database, clock: ManualClock) -> AsyncIterator[tuple[Sender, GatedChannel]]:
    channel = GatedChannel()
    sender = Sender(db, {"telegram": channel}, clock)
    sender.start()
    await until(lambda: sender._lanes["telegram"].settled)  # the first pass found nothing
    try:
        yield sender, channel
    finally:
        await sender.stop()


async def until(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    for _ in range(int(seconds / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition not met in time")


async def queue_and_take(
    db: Database, clock: ManualClock, sender: Sender, rows: list[QueuedMessage], chat: str
) -> DirectReply | None:
    async with db.transaction() as conn:
        await outbox.enqueue(conn, rows, clock.now())
        taken = await sender.take_reply(conn, "telegram", chat)
    return taken


def count_passes(sender: Sender) -> list[int]:
    passes = [0]
    real: Callable[..., Awaitable[Any]] = sender._pass

    async def counted(lane: Any) -> Any:
        passes[0] += 1
        return await real(lane)

    sender._pass = counted  # type: ignore[method-assign]
    return passes


async def test_a_reply_taken_in_its_transaction_leaves_at_the_commit_without_a_pass(
    db: Database, clock: ManualClock, running: tuple[Sender, GatedChannel]
) -> None:
    sender, channel = running
    passes = count_passes(sender)
    taken = await queue_and_take(db, clock, sender, [reply("7", "bonjour")], "7")
    assert taken is not None
    async with db.read() as conn:
        assert await outbox.count_by_state(conn) == {"in_flight": 1}
    sender.launch_reply(taken)
    await until(lambda: len(channel.sent) == 1)
    await asyncio.sleep(0.05)
    async with db.read() as conn:
        assert await outbox.count_by_state(conn) == {"sent": 1}
    assert passes[0] == 0, "neither the reply nor its send woke a pass of the lane"


async def test_no_reply_is_taken_without_a_running_lane(db: Database, clock: ManualClock) -> None:
    """The terminal and the tests drain with `deliver_all_due`: rows stay queued for it."""
    sender = Sender(db, {"telegram": RecordingChannel("telegram")}, clock)
    assert await queue_and_take(db, clock, sender, [reply("7", "bonjour")], "7") is None
    assert await sender.deliver_all_due() == 1


async def test_two_queued_replies_to_a_chat_keep_their_order_through_the_lane(
    db: Database, clock: ManualClock, running: tuple[Sender, GatedChannel]
) -> None:
    sender, channel = running
    async with db.transaction() as conn:  # queued, the lane not yet woken
        await outbox.enqueue(conn, [reply("7", "premier")], clock.now())
    assert await queue_and_take(db, clock, sender, [reply("7", "second")], "7") is None
    sender.wake()
    await until(lambda: len(channel.sent) == 2)
    assert [m.text for _, m in channel.sent] == ["premier", "second"]


async def test_a_chat_with_a_send_on_the_wire_gets_its_reply_after_it(
    db: Database, clock: ManualClock, running: tuple[Sender, GatedChannel]
) -> None:
    sender, channel = running
    channel.held.add("7")
    async with db.transaction() as conn:
        await outbox.enqueue(conn, [reply("7", "nouvelle", PRIORITY_NOTIFICATION)], clock.now())
    sender.wake()
    await until(lambda: "7" in sender._lanes["telegram"].busy_chats)
    assert await queue_and_take(db, clock, sender, [reply("7", "réponse")], "7") is None
    sender.wake()
    channel.gate.set()
    await until(lambda: len(channel.sent) == 2)
    assert [m.text for _, m in channel.sent] == ["nouvelle", "réponse"]


async def test_a_chat_left_out_of_a_pick_is_looked_at_again_after_its_send(
    db: Database, clock: ManualClock, running: tuple[Sender, GatedChannel]
) -> None:
    """The lane's pick skipped chat 7 (a reply on the wire): the row it left queued must go when
    that send ends, though nothing else wakes the lane."""
    sender, channel = running
    channel.held.add("7")
    taken = await queue_and_take(db, clock, sender, [reply("7", "réponse")], "7")
    assert taken is not None
    sender.launch_reply(taken)
    async with db.transaction() as conn:
        await outbox.enqueue(conn, [reply("7", "nouvelle", PRIORITY_NOTIFICATION)], clock.now())
    sender.wake()  # its pick leaves chat 7 out: a send to it is on the wire
    await until(lambda: "7" in sender._lanes["telegram"].left_out)
    channel.held.clear()
    channel.gate.set()
    await until(lambda: len(channel.sent) == 2, seconds=2.0)  # not the 5 s idle poll
    assert [m.text for _, m in channel.sent] == ["réponse", "nouvelle"]


async def test_a_commit_that_fails_gives_the_reply_back_to_the_lane(
    db: Database, clock: ManualClock, running: tuple[Sender, GatedChannel]
) -> None:
    sender, channel = running
    lane = sender._lanes["telegram"]
    async with db.transaction() as conn:  # sent once, by the lane, never lost
        await outbox.enqueue(conn, [reply("7", "réponse")], clock.now())
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            taken = await sender.take_reply(conn, "telegram", "7")
            assert taken is not None and "7" in lane.busy_chats
            try:
                raise RuntimeError("the commit failed")
            except RuntimeError:
                sender.drop_reply(taken)
                raise
    assert "7" not in lane.busy_chats and not lane.slots.full(reply=True)
    async with db.read() as conn:
        assert await outbox.count_by_state(conn) == {"queued": 1}
    await until(lambda: len(channel.sent) == 1)
    await asyncio.sleep(0.05)
    assert [m.text for _, m in channel.sent] == ["réponse"]


async def test_a_paced_chat_gets_no_reply_at_once(
    db: Database, clock: ManualClock, running: tuple[Sender, GatedChannel]
) -> None:
    sender, _ = running
    sender._lanes["telegram"].pacer.pause("7", 30.0)  # a 429 (a private chat's: the whole bot)
    assert await queue_and_take(db, clock, sender, [reply("7", "réponse")], "7") is None


async def test_no_reply_is_taken_without_a_free_slot(
    db: Database, clock: ManualClock, running: tuple[Sender, GatedChannel]
) -> None:
    sender, _ = running
    lane = sender._lanes["telegram"]
    while not lane.slots.full(reply=True):
        assert lane.slots.try_acquire(reply=True)
    assert await queue_and_take(db, clock, sender, [reply("8", "réponse")], "8") is None


async def test_a_chats_second_row_goes_right_after_its_first(
    db: Database, clock: ManualClock, running: tuple[Sender, GatedChannel]
) -> None:
    """A pick takes one head per chat: the row behind it must go when the head's send ends,
    though nothing else wakes the lane (a member's held news released when they write)."""
    sender, channel = running
    lane = sender._lanes["telegram"]
    channel.held.add("7")  # the first send ends after its pass did
    news = [reply("7", text, PRIORITY_NOTIFICATION) for text in ("une", "deux")]
    async with db.transaction() as conn:
        await outbox.enqueue(conn, news, clock.now())
    sender.wake()
    await until(lambda: "7" in lane.busy_chats and lane.settled)
    channel.gate.set()
    await until(lambda: len(channel.sent) == 2, seconds=2.0)  # not the 5 s idle poll
    assert [m.text for _, m in channel.sent] == ["une", "deux"]


async def test_a_reply_held_by_the_channels_pacing_takes_its_next_place_before_news(
    db: Database, clock: ManualClock, running: tuple[Sender, GatedChannel]
) -> None:
    """Mid-broadcast the channel's window is full: the reply is not taken in its transaction,
    but it leaves at the next place, ahead of the news already waiting, without waiting for a
    pass of the lane (issue 12, during-fanout)."""
    channel = GatedChannel()
    channel.pacing = TELEGRAM_PACING  # type: ignore[attr-defined]
    sender = Sender(db, {"telegram": channel}, clock)
    sender.start()
    try:
        lane = sender._lanes["telegram"]
        for chat in range(40):  # a broadcast just filled the one-second window
            lane.pacer.record(f"b{chat}")
        async with db.transaction() as conn:
            news = [reply("9", "nouvelle", PRIORITY_NOTIFICATION)]
            await outbox.enqueue(conn, news, clock.now())
        sender.wake()
        await asyncio.sleep(0.05)  # the lane waits for the window with the news
        assert await queue_and_take(db, clock, sender, [reply("7", "réponse")], "7") is None
        await until(lambda: len(channel.sent) == 2, seconds=3.0)
        assert [m.text for _, m in channel.sent] == ["réponse", "nouvelle"]
        assert lane.pacer.replies_waiting == 0
    finally:
        await sender.stop()


async def test_a_take_whose_statement_fails_gives_its_slot_back(
    db: Database,
    clock: ManualClock,
    running: tuple[Sender, GatedChannel],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reply slot is taken before the statement that marks the reply: a failing one must
    not keep it (enough such failures left no slot for any reply, ever)."""
    sender, _ = running
    lane = sender._lanes["telegram"]

    async def broken(*args: object) -> None:
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr("bot.delivery.deliveries.take_sole_queued_reply", broken)
    for _ in range(MAX_IN_FLIGHT + REPLY_SLOTS):  # more than every slot a reply may take
        with pytest.raises(RuntimeError):
            await queue_and_take(db, clock, sender, [reply("7", "bonjour")], "7")
    assert lane.slots.try_acquire(reply=True), "a reply slot is free"
    lane.slots.release()
