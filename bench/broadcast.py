"""Benchmark: an urgent alert to 1,000 members through the local fake Bot API, with Telegram's
limits enforced by the fake (429 + retry_after when exceeded), then the crash test.

    .venv/bin/python bench/broadcast.py            # both parts (about 2 minutes)
    .venv/bin/python bench/broadcast.py --fast     # a smoke run (120 members, 3 kills)
    .venv/bin/python bench/broadcast.py --only rate|crash

Rate: the real path — a coordinator's `/alerte` goes through the dispatcher (one outbox row
per member, committed), the sender loop (pacing, in-flight marking) and python-telegram-bot's
HTTP stack to the fake on 127.0.0.1. Reported: the sustained rate as a fraction of 30/s, the
429s, lost and duplicated messages, and the time from the post to the first delivery.

Crash: the sender runs in a child process (`--child`) on a shared SQLite file, and is killed
with SIGKILL at random moments of the broadcast, 20 times, then run to the end. Reported: lost
members, duplicates, and the rows in flight at each kill (the only ones that may repeat).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.channels.base import Channel
from bot.channels.telegram import TELEGRAM_MESSAGES_PER_SECOND, TelegramChannel
from bot.clock import SystemClock
from bot.delivery import Sender
from bot.dispatch import Dispatcher
from handlers.context import NetworkConfig
from handlers.messages import Address, Incoming
from handlers.understanding import load_gazetteer
from storage import deliveries, members, outbox
from storage.db import Database
from tests.fakes.telegram_api import FakeTelegramAPI

SCRIPT = str(Path(__file__).resolve())
FIRST_CHAT = 100_000
COORDINATOR_CHAT = 99_999
ALERT = "/alerte Rupture de lait infantile à Quillan : qui peut livrer aujourd'hui ?"


@dataclass(frozen=True)
class BroadcastReport:
    members: int
    delivered: int
    lost: int
    duplicated: int
    rate_limited: int
    first_delivery_s: float
    duration_s: float
    rate_per_s: float

    @property
    def rate_fraction(self) -> float:
        return self.rate_per_s / TELEGRAM_MESSAGES_PER_SECOND


def measure(
    expected: Sequence[int],
    sent: Sequence[tuple[int, float]],
    posted_at: float,
    rate_limited: int,
) -> BroadcastReport:
    """`sent`: (chat id, monotonic time) of each message the fake accepted."""
    wanted = set(expected)
    counts = Counter(chat for chat, _ in sent if chat in wanted)
    times = sorted(at for chat, at in sent if chat in wanted)
    duration = times[-1] - times[0] if len(times) > 1 else 0.0
    return BroadcastReport(
        members=len(wanted),
        delivered=len(counts),
        lost=len(wanted - set(counts)),
        duplicated=sum(count - 1 for count in counts.values()),
        rate_limited=rate_limited,
        first_delivery_s=(times[0] - posted_at) if times else float("nan"),
        duration_s=duration,
        rate_per_s=(len(times) - 1) / duration if duration > 0 else 0.0,
    )


async def seed(db_path: Path, count: int) -> list[int]:
    """One coordinator and `count` members, each on Telegram; returns the members' chat ids."""
    db = await Database.open(db_path)
    now = SystemClock().now()
    chats = [FIRST_CHAT + index for index in range(count)]
    async with db.transaction() as conn:
        association = await members.ensure_association(conn, "Banque Alimentaire", "Quillan", now)
        coordinator = await members.create_member(
            conn, association.id, "Camille", "coordinator", now
        )
        await members.add_identity(
            conn, coordinator.id, "telegram", str(COORDINATOR_CHAT), "@camille", now
        )
        for chat in chats:
            member = await members.create_member(conn, association.id, f"M{chat}", "member", now)
            await members.add_identity(conn, member.id, "telegram", str(chat), "", now)
    await db.close()
    return chats


def dispatcher_for(db: Database) -> Dispatcher:
    return Dispatcher(db, SystemClock(), load_gazetteer(), NetworkConfig())


def alert_message() -> Incoming:
    return Incoming(
        Address("telegram", str(COORDINATOR_CHAT)),
        f"bench-{time.time_ns()}",
        ALERT,
        datetime.now(ZoneInfo("UTC")),
    )


async def telegram_channel(base_url: str, token: str) -> TelegramChannel:
    """The Telegram adapter as the sender uses it (it receives nothing here)."""

    async def no_take(_: Incoming) -> bool:
        return False

    async def no_reject(*_: str) -> bool:
        return False

    channel = TelegramChannel.build(token, base_url, no_take, no_reject, SystemClock().now)
    await channel.bot.initialize()
    return channel


# ------------------------------------------------------------------ part 1: the rate


async def rate_bench(count: int) -> BroadcastReport:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        chats = await seed(db_path, count)
        async with FakeTelegramAPI(enforce_limits=True) as api:
            db = await Database.open(db_path)
            channel = await telegram_channel(api.base_url, api.token)
            channels: dict[str, Channel] = {"telegram": channel}
            sender = Sender(db, channels, SystemClock())
            dispatcher = dispatcher_for(db)  # loads the gazetteer before the clock starts
            dispatcher.add_sender_wakeup(sender.wake)
            sender.start()
            try:
                posted_at = time.monotonic()
                await dispatcher.handle(alert_message())
                await api.wait_for(
                    lambda: len({m.chat_id for m in api.sent}) >= count,
                    timeout=count / 20 + 30,
                    what="every member reached",
                )
                await asyncio.sleep(0.5)  # let late duplicates, if any, show up
            finally:
                await sender.stop()
                await channel.bot.shutdown()
                await db.close()
            sent = [(m.chat_id, m.time) for m in api.sent]
            return measure(chats, sent, posted_at, api.rate_limited_count)


# ------------------------------------------------------------------ part 2: the crash test


@dataclass(frozen=True)
class CrashReport:
    kills: int
    broadcast: BroadcastReport
    in_flight_at_kills: list[int]
    requeued_reported: int

    @property
    def duplicates_allowed(self) -> int:
        return sum(self.in_flight_at_kills)


async def count_in_flight(db_path: Path) -> tuple[int, dict[str, int]]:
    db = await Database.open(db_path)
    async with db.transaction() as conn:
        in_flight = await deliveries.count_in_flight(conn)
        states = await outbox.count_by_state(conn)
    await db.close()
    return in_flight, states


async def start_child(db_path: Path, api: FakeTelegramAPI) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        SCRIPT,
        "--child",
        "--db",
        str(db_path),
        "--base-url",
        api.base_url,
        "--token",
        api.token,
        stdout=asyncio.subprocess.PIPE,
    )


async def read_line(child: asyncio.subprocess.Process, timeout: float) -> str:  # noqa: ASYNC109
    assert child.stdout is not None
    line = await asyncio.wait_for(child.stdout.readline(), timeout)
    return line.decode().strip()


async def crash_bench(count: int, kills: int, seed_value: int) -> CrashReport:
    rng = random.Random(seed_value)
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "crash.db"
        chats = await seed(db_path, count)
        db = await Database.open(db_path)
        await dispatcher_for(db).handle(alert_message())  # 1 row per member, committed
        await db.close()
        async with FakeTelegramAPI(enforce_limits=True) as api:
            in_flight_at_kills: list[int] = []
            requeued = 0
            posted_at = time.monotonic()
            for _ in range(kills):
                child = await start_child(db_path, api)
                requeued += int((await read_line(child, 30)).split()[1])  # "recovered N"
                before = len(api.sent)
                # A random moment of the broadcast: once sends flow, up to ~1.2 s later.
                await api.wait_for(lambda b=before: len(api.sent) > b, 30, "sends")  # type: ignore[misc]
                await asyncio.sleep(rng.uniform(0.0, 1.2))
                child.send_signal(signal.SIGKILL)
                await child.wait()
                in_flight, _ = await count_in_flight(db_path)
                in_flight_at_kills.append(in_flight)
            child = await start_child(db_path, api)
            requeued += int((await read_line(child, 30)).split()[1])
            await asyncio.wait_for(child.wait(), count / 20 + 60)
            await asyncio.sleep(0.5)
            sent = [(m.chat_id, m.time) for m in api.sent]
            report = measure(chats, sent, posted_at, api.rate_limited_count)
            return CrashReport(kills, report, in_flight_at_kills, requeued)


async def child_main(db_path: Path, base_url: str, token: str) -> int:
    """The sender alone, as a restarted bot: recover, deliver until the outbox is empty."""
    db = await Database.open(db_path)
    channel = await telegram_channel(base_url, token)
    sender = Sender(db, {"telegram": channel}, SystemClock())
    recovered = await sender.recover()
    print(f"recovered {recovered}", flush=True)
    sender.start()
    try:
        while True:
            await asyncio.sleep(0.2)
            async with db.transaction() as conn:
                states = await outbox.count_by_state(conn)
            if not states.get("queued") and not states.get("in_flight"):
                return 0
    finally:
        await sender.stop()
        await channel.bot.shutdown()
        await db.close()


# ------------------------------------------------------------------ reporting


def print_rate(report: BroadcastReport) -> None:
    print(f"members                 {report.members}")
    print(f"delivered               {report.delivered}")
    print(
        f"sustained rate          {report.rate_per_s:.2f}/s = {report.rate_fraction:.3f} of "
        f"{TELEGRAM_MESSAGES_PER_SECOND}/s (target >= 0.95)"
    )
    print(f"429 received            {report.rate_limited} (target 0)")
    print(f"lost                    {report.lost} (target 0)")
    print(f"duplicated              {report.duplicated} (target 0)")
    print(f"post -> first delivery  {report.first_delivery_s * 1000:.0f} ms (target < 1 s)")
    print(f"broadcast duration      {report.duration_s:.1f} s")


def print_crash(report: CrashReport) -> None:
    print(f"SIGKILLs                {report.kills}")
    print(f"members                 {report.broadcast.members}")
    print(f"lost                    {report.broadcast.lost} (target 0)")
    print(
        f"duplicated              {report.broadcast.duplicated} "
        f"(allowed: {report.duplicates_allowed}, the rows in flight at the kills)"
    )
    print(f"in flight at each kill  {report.in_flight_at_kills}")
    print(f"requeued at restarts    {report.requeued_reported}")
    print(f"429 received            {report.broadcast.rate_limited}")


async def main_async(args: argparse.Namespace) -> int:
    count = 120 if args.fast else args.members
    kills = 3 if args.fast else args.kills
    ok = True
    if args.only in (None, "rate"):
        print(f"== Rate: /alerte to {count} members, Telegram limits enforced by the fake")
        rate = await rate_bench(count)
        print_rate(rate)
        ok &= rate.lost == 0 and rate.duplicated == 0 and rate.rate_limited == 0
    if args.only in (None, "crash"):
        print(f"\n== Crash: {kills} SIGKILLs during a broadcast to {count} members")
        crash = await crash_bench(count, kills, args.seed)
        print_crash(crash)
        ok &= crash.broadcast.lost == 0
        ok &= crash.broadcast.duplicated <= crash.duplicates_allowed
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--fast", action="store_true", help="smoke run: 120 members, 3 kills")
    parser.add_argument("--only", choices=("rate", "crash"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return asyncio.run(child_main(args.db, args.base_url, args.token))
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
