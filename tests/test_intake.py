"""The intake: stored first, then one chat's messages in order, different chats at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.intake import Intake
from handlers.messages import Address, Incoming

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)


def message(chat: str, number: int) -> Incoming:
    return Incoming(Address("test", chat), f"{chat}-{number}", f"message {number}", NOW)


class Recorder:
    """Accepts each id once; processing takes `delays[chat]` seconds and is logged."""

    def __init__(self, delays: dict[str, float] | None = None) -> None:
        self.delays = delays or {}
        self.seen: set[str] = set()
        self.events: list[tuple[str, str]] = []
        self.running: set[str] = set()
        self.most_at_once = 0

    async def accept(self, incoming: Incoming) -> bool:
        if incoming.message_id in self.seen:
            return False
        self.seen.add(incoming.message_id)
        return True

    async def process(self, incoming: Incoming) -> None:
        chat = incoming.address.external_id
        assert chat not in self.running, "two messages of one chat processed at once"
        self.running.add(chat)
        self.most_at_once = max(self.most_at_once, len(self.running))
        self.events.append(("start", incoming.message_id))
        await asyncio.sleep(self.delays.get(chat, 0.001))
        self.events.append(("end", incoming.message_id))
        self.running.discard(chat)

    def finished(self, chat: str) -> list[str]:
        return [mid for kind, mid in self.events if kind == "end" and mid.startswith(f"{chat}-")]


async def test_one_chat_in_order_different_chats_at_once() -> None:
    recorder = Recorder({"slow": 0.05})
    intake = Intake(recorder.accept, recorder.process)
    for number in range(5):
        await intake.take(message("slow", number))
        await intake.take(message("fast", number))
    await intake.idle()
    assert recorder.finished("slow") == [f"slow-{n}" for n in range(5)]
    assert recorder.finished("fast") == [f"fast-{n}" for n in range(5)]
    # The fast chat did not wait behind the slow one.
    ends = [mid for kind, mid in recorder.events if kind == "end"]
    assert ends.index("fast-4") < ends.index("slow-1")
    assert recorder.most_at_once == 2


async def test_concurrency_is_bounded() -> None:
    recorder = Recorder({f"c{i}": 0.02 for i in range(20)})
    intake = Intake(recorder.accept, recorder.process, max_concurrent=4)
    for chat in range(20):
        await intake.take(message(f"c{chat}", 0))
    await intake.idle()
    assert sum(kind == "end" for kind, _ in recorder.events) == 20
    assert recorder.most_at_once == 4


async def test_a_redelivery_is_not_processed_again() -> None:
    recorder = Recorder()
    intake = Intake(recorder.accept, recorder.process)
    assert await intake.take(message("a", 1))
    assert not await intake.take(message("a", 1))
    await intake.idle()
    assert recorder.finished("a") == ["a-1"]


async def test_resumed_messages_go_before_new_ones_of_their_chat() -> None:
    recorder = Recorder()
    intake = Intake(recorder.accept, recorder.process)
    await intake.resume([message("a", 1), message("a", 2)])
    await intake.take(message("a", 3))
    await intake.idle()
    assert recorder.finished("a") == ["a-1", "a-2", "a-3"]


async def test_a_failing_message_does_not_stop_its_chat() -> None:
    recorder = Recorder()

    async def process(incoming: Incoming) -> None:
        if incoming.message_id == "a-1":
            raise OSError("disk gone")
        await recorder.process(incoming)

    intake = Intake(recorder.accept, process)
    for number in range(3):
        await intake.take(message("a", number))
    await intake.idle()
    assert recorder.finished("a") == ["a-0", "a-2"]
    assert intake.failed == 1 and intake.processed == 2


async def test_stop_lets_work_finish_then_cancels_the_rest() -> None:
    recorder = Recorder({"quick": 0.01, "stuck": 60})
    intake = Intake(recorder.accept, recorder.process)
    await intake.take(message("quick", 0))
    await intake.take(message("stuck", 0))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await intake.stop(grace_seconds=0.2)
    assert loop.time() - started < 1.0
    assert recorder.finished("quick") == ["quick-0"]
    assert recorder.finished("stuck") == [], "cancelled: stays stored for the next start"
    assert not intake.busy
