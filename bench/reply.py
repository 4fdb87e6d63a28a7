"""Benchmark: reply latency of Boucle against a bare python-telegram-bot echo bot, both through
the local fake Bot API, in one run.

    .venv/bin/python bench/reply.py               # the whole run (about 40 s)
    .venv/bin/python bench/reply.py --fast        # a smoke run (about 10 s)
    .venv/bin/python bench/reply.py --messages N [--concurrent N] [--width K] [--rate R]
                                    [--members M] [--echo-rate R] [--seed S]

Latency: from the moment an update is injected into the fake (the bot's waiting getUpdates is
woken at once) to the moment the fake records the bot's first sendMessage to that chat, both
read on `time.monotonic()` in this one process (the fake stamps `SentMessage.time` with it).

(a) Echo: python-telegram-bot's own `Application` and polling (`start_polling(poll_interval=0)`),
    one MessageHandler that replies with the same text. Nothing else.
(b) Boucle: `Boucle.create(settings, clock)`, `start()`, `stop()` and nothing else, so the bench
    measures whatever path the code takes to reply (direct send or outbox + sender). Members join
    with invite codes first (not measured); then a realistic mix, one of each kind in every
    block of four: a post (`/besoin` or `/don`, each a new one, relayed to every member of the
    other associations), a claim (`/prendre N` of another association's open post, which
    notifies its author), `/liste` and `/aide`.

Sequential: one message outstanding at a time; the next one is injected once the previous one's
reply *and* its notifications have reached the fake, so no relay is ever mistaken for a reply.
Concurrent: rounds of `--width` members of one association writing at the same instant (no
one of them receives another's notifications). Both run at `--rate` messages per second on
average, which keeps Boucle's sends inside Telegram's limits (30/s overall, about 1/s per chat:
every post reaches two thirds of the network): above them a correct bot must delay its sends,
and the bench would measure the pacing, not the reply path. The echo bot gets the same messages
from its own chats at `--echo-rate` (it sends one reply per message: no limit is near).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import Boucle
from bot.clock import ManualClock
from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegramAPI, SentMessage
from tests.network import invite_three

# A fixed moment (a Tuesday morning): deadlines parse the same on every run, and the scheduler
# (digests, reminders) never fires in the middle of a measurement.
START = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
ASSOCIATIONS = 3  # tests/network.invite_three: three associations, one invite each per call
KINDS = ("post", "claim", "liste", "aide")
BOUCLE_FIRST_CHAT = 200_001
ECHO_FIRST_CHAT = 300_001
TARGET_RATIO = 3.0
ECHO_WARM_UP = 5  # messages not measured
STEP_TIMEOUT_S = 15.0  # a message whose reply or notifications take longer fails the run

FOODS = ("pâtes", "riz", "lentilles", "farine", "conserves de thon", "lait UHT", "pommes")
FOODS += ("carottes", "yaourts", "compotes", "café", "sucre", "huile", "biscuits", "haricots")
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")
TOWNS = ("Carcassonne", "Narbonne", "Limoux", "Quillan", "Castelnaudary", "Lézignan-Corbières")
POST_NUMBER = re.compile(r"#(\d+)")


# ------------------------------------------------------------------ figures


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Stats:
    count: int
    p50: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        return cls(
            len(values),
            percentile(values, 0.50),
            percentile(values, 0.95),
            percentile(values, 0.99),
            max(values) if values else math.nan,
        )


@dataclass
class Phase:
    """One bot, one mode: the latency of each measured message, by kind."""

    bot: str
    mode: str
    samples: list[tuple[str, float]] = field(default_factory=list)  # (kind, seconds)
    expected_sends: int = 0  # replies + notifications the messages should cause
    sends: int = 0  # what the fake received meanwhile (and in a short pause after the last)
    started: float = math.nan
    ended: float = math.nan
    chat_sends: Counter[int] = field(default_factory=Counter)

    def record(
        self, batch: Sequence[Outbound], latencies: Sequence[float], sent: Sequence[SentMessage],
        started: float,
    ) -> None:  # fmt: skip
        self.samples.extend(zip((m.kind for m in batch), latencies, strict=True))
        self.expected_sends += expected_sends(batch).total()
        self.sends += len(sent)
        self.chat_sends.update(message.chat_id for message in sent)
        if math.isnan(self.started):
            self.started = started
        self.ended = time.monotonic()

    @property
    def duration_s(self) -> float:
        return self.ended - self.started if self.samples else 0.0

    @property
    def busiest_chat_per_s(self) -> float:
        most = max(self.chat_sends.values(), default=0)
        return most / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def stats(self) -> Stats:
        return Stats.of([latency for _, latency in self.samples])

    def by_kind(self) -> dict[str, Stats]:
        kinds = [kind for kind in KINDS if any(k == kind for k, _ in self.samples)]
        return {kind: Stats.of([s for k, s in self.samples if k == kind]) for kind in kinds}

    @property
    def unexpected_sends(self) -> int:
        return self.sends - self.expected_sends


@dataclass(frozen=True)
class ReplyReport:
    members: int
    echo_sequential: Phase
    echo_concurrent: Phase
    boucle_sequential: Phase
    boucle_concurrent: Phase

    @property
    def phases(self) -> list[Phase]:
        return [
            self.echo_sequential,
            self.echo_concurrent,
            self.boucle_sequential,
            self.boucle_concurrent,
        ]

    def echo(self, mode: str) -> Phase:
        return self.echo_sequential if mode == "sequential" else self.echo_concurrent

    def boucle(self, mode: str) -> Phase:
        return self.boucle_sequential if mode == "sequential" else self.boucle_concurrent

    def ratio(self, mode: str, which: str) -> float:
        """Boucle's `which` (p50, p99...) over the echo bot's, in `mode`."""
        denominator = float(getattr(self.echo(mode).stats, which))
        numerator = float(getattr(self.boucle(mode).stats, which))
        return numerator / denominator if denominator > 0 else math.inf

    def complete(self, options: Options) -> bool:
        """Every message answered, nothing sent beyond what was expected."""
        wanted = {"sequential": options.messages, "concurrent": options.concurrent}
        return all(
            len(phase.samples) == wanted[phase.mode] and phase.unexpected_sends == 0
            for phase in self.phases
        )

    @property
    def passed(self) -> bool:
        """Issue 8: Boucle's p99 reply latency within 3x the echo bot's (sequential)."""
        return self.ratio("sequential", "p99") <= TARGET_RATIO


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class Step:
    """Messages injected at the same instant (one per chat), and what kind each one is."""

    writers: tuple[int, ...]  # indexes into the member list
    kinds: tuple[str, ...]


def block_kinds(rng: random.Random, count: int) -> list[str]:
    """`count` kinds, one of each in every block of four, each block shuffled."""
    kinds: list[str] = []
    while len(kinds) < count:
        block = list(KINDS)
        rng.shuffle(block)
        kinds.extend(block)
    return kinds[:count]


def plan(members: int, sequential: int, concurrent: int, width: int, seed: int) -> list[Step]:
    """Sequential steps (writers in turn, associations alternating), then concurrent rounds of
    `width` members of one association (the association changes every round)."""
    rng = random.Random(seed)
    steps = [
        Step((index % members,), (kind,)) for index, kind in enumerate(block_kinds(rng, sequential))
    ]
    per_association = members // ASSOCIATIONS
    kinds = block_kinds(rng, concurrent)
    for round_index in range(math.ceil(concurrent / width)):
        association = round_index % ASSOCIATIONS
        round_kinds = kinds[round_index * width : (round_index + 1) * width]
        first = (round_index // ASSOCIATIONS) * width
        writers = tuple(
            association + ASSOCIATIONS * ((first + slot) % per_association)
            for slot in range(len(round_kinds))
        )
        steps.append(Step(writers, tuple(round_kinds)))
    return steps


def post_text(index: int) -> str:
    food = FOODS[index % len(FOODS)]
    day = DAYS[index % len(DAYS)]
    amount = 4 + index  # every post differs from the others
    if index % 2:
        town = TOWNS[index % len(TOWNS)]
        return f"/don {amount} kg de {food} à {town}, à prendre {day}"
    return f"/besoin {amount} kg de {food} pour {day}"


# ------------------------------------------------------------------ driving a bot


@dataclass(frozen=True)
class Outbound:
    """One message a member writes, and who else it should notify."""

    writer: int
    chat: int
    kind: str
    text: str
    notified: tuple[int, ...] = ()  # the chats told about it (a relay, the author's news)


def expected_sends(batch: Sequence[Outbound]) -> Counter[int]:
    """Per chat: the replies and notifications a batch of messages should cause."""
    expected: Counter[int] = Counter()
    for message in batch:
        expected[message.chat] += 1
        expected.update(message.notified)
    return expected


async def exchange(
    api: FakeTelegramAPI, batch: Sequence[Outbound]
) -> tuple[list[float], list[str]]:
    """Inject every message at once; wait until each chat got its reply and every notified
    chat its notifications; return each writer's latency (its chat's first message since the
    injection) and that message's text."""
    wanted = {
        chat: len(api.messages_to(chat)) + count for chat, count in expected_sends(batch).items()
    }
    before = {message.chat: len(api.messages_to(message.chat)) for message in batch}
    injected: dict[int, float] = {}
    for message in batch:
        injected[message.chat] = time.monotonic()
        api.send_text(message.chat, message.text)
    await api.wait_for(
        lambda: all(len(api.messages_to(chat)) >= count for chat, count in wanted.items()),
        timeout=STEP_TIMEOUT_S,
        what=f"the answers to {[message.text for message in batch]}",
    )
    replies = [api.messages_to(message.chat)[before[message.chat]] for message in batch]
    latencies = [reply.time - injected[reply.chat_id] for reply in replies]
    return latencies, [reply.plain_text for reply in replies]


async def pace(next_at: float) -> float:
    """Sleep until `next_at` (monotonic), if it is still ahead; returns the current time."""
    delay = next_at - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
    return time.monotonic()


async def settle(api: FakeTelegramAPI, quiet_s: float, limit_s: float = 30.0) -> None:
    """Wait until the fake has received nothing for `quiet_s` (at most `limit_s`)."""
    deadline = time.monotonic() + limit_s
    seen = -1
    while seen != len(api.sent) and time.monotonic() < deadline:
        seen = len(api.sent)
        await asyncio.sleep(quiet_s)


Prepare = Callable[[Step], list[Outbound]]
Answered = Callable[[list[Outbound], list[str]], None]


async def play(
    bot: str,
    api: FakeTelegramAPI,
    steps: Sequence[Step],
    rate: float,
    prepare: Prepare,
    answered: Answered,
) -> tuple[Phase, Phase]:
    """Every step in turn, `rate` messages per second on average, one step outstanding."""
    phases = {mode: Phase(bot, mode) for mode in ("sequential", "concurrent")}
    next_at = time.monotonic()
    for step in steps:
        phase = phases["sequential" if len(step.writers) == 1 else "concurrent"]
        batch = prepare(step)
        first_send = len(api.sent)
        started = await pace(next_at)
        next_at = started + len(batch) / rate
        latencies, replies = await exchange(api, batch)
        answered(batch, replies)
        phase.record(batch, latencies, api.sent[first_send:], started)
    counted = len(api.sent)
    await settle(api, 0.3)
    phase.sends += len(api.sent) - counted  # late duplicates, if any
    return phases["sequential"], phases["concurrent"]


# ------------------------------------------------------------------ (a) the echo bot


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text is not None:
        await update.message.reply_text(update.message.text)


def echo_application(api: FakeTelegramAPI) -> Application[Any, Any, Any, Any, Any, Any]:
    """A bare python-telegram-bot echo bot on the fake (bench/scale.py builds it too)."""
    application = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


async def echo_bot_run(
    api: FakeTelegramAPI, played: Sequence[Outbound], steps: Sequence[Step], rate: float
) -> tuple[Phase, Phase]:
    """The very messages Boucle got, from the echo bot's own chats: one reply each."""
    application = echo_application(api)
    texts = iter(played)

    def prepare(step: Step) -> list[Outbound]:
        return [
            Outbound(writer, ECHO_FIRST_CHAT + writer, kind, next(texts).text)
            for writer, kind in zip(step.writers, step.kinds, strict=True)
        ]

    async with application:
        await application.start()
        assert application.updater is not None
        # A long poll (10 s) that the fake must end the moment an update arrives.
        await application.updater.start_polling(poll_interval=0, timeout=10)
        try:
            for index in range(ECHO_WARM_UP):
                chat = ECHO_FIRST_CHAT + index % 3
                await exchange(api, [Outbound(index, chat, "aide", "/aide")])
            return await play("echo", api, steps, rate, prepare, lambda *_: None)
        finally:
            await application.updater.stop()
            await application.stop()


# ------------------------------------------------------------------ (b) Boucle


def settings_for(api: FakeTelegramAPI, db_path: Path) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(api.token),
        telegram_base_url=api.base_url,
        boucle_db_path=db_path,
        _env_file=None,  # type: ignore[call-arg]
    )


@dataclass(frozen=True)
class Member:
    chat: int
    association: int  # 0, 1 or 2
    code: str


async def invite(db_path: Path, count: int) -> list[Member]:
    """`count` invite codes (a multiple of three); member i belongs to association i % 3."""
    people: list[Member] = []
    for batch in range(count // ASSOCIATIONS):
        names = (f"p{batch}-0", f"p{batch}-1", f"p{batch}-2")
        codes = await invite_three(db_path, names, START)
        for association, name in enumerate(names):
            people.append(Member(BOUCLE_FIRST_CHAT + len(people), association, codes[name]))
    return people


@dataclass
class Network:
    """What the bench knows of Boucle's network: who is in which association, the open posts."""

    members: list[Member]
    open_posts: list[tuple[int, int]] = field(default_factory=list)  # (number, association)
    authors: dict[int, int] = field(default_factory=dict)  # post number -> author's chat
    posts_written: int = 0
    played: list[Outbound] = field(default_factory=list)

    def message(self, writer: int, kind: str) -> Outbound:
        """A claim takes the oldest open post of another association (none: a post instead).
        A post reaches every member of the other associations; a claim, the post's author."""
        member = self.members[writer]
        if kind == "claim":
            for index, (number, association) in enumerate(self.open_posts):
                if association != member.association:
                    del self.open_posts[index]
                    author = self.authors[number]
                    return Outbound(writer, member.chat, "claim", f"/prendre {number}", (author,))
            kind = "post"
        if kind == "post":
            self.posts_written += 1
            reached = tuple(m.chat for m in self.members if m.association != member.association)
            return Outbound(writer, member.chat, "post", post_text(self.posts_written), reached)
        return Outbound(writer, member.chat, kind, f"/{kind}")

    def prepare(self, step: Step) -> list[Outbound]:
        batch = [self.message(w, k) for w, k in zip(step.writers, step.kinds, strict=True)]
        self.played.extend(batch)
        return batch

    def answered(self, batch: list[Outbound], replies: list[str]) -> None:
        for message, reply in zip(batch, replies, strict=True):
            if message.kind != "post":
                continue
            found = POST_NUMBER.search(reply)
            if found is None:
                raise AssertionError(f"no post number in the reply to a post: {reply!r}")
            number = int(found.group(1))
            self.open_posts.append((number, self.members[message.writer].association))
            self.authors[number] = message.chat


async def boucle_run(
    api: FakeTelegramAPI, db_path: Path, network: Network, steps: list[Step], options: Options
) -> tuple[Phase, Phase]:
    app = await Boucle.create(settings_for(api, db_path), ManualClock(START))
    await app.start()
    try:
        # Everyone joins with their code (not measured).
        for index, member in enumerate(network.members):
            api.user(member.chat, f"Bénévole {index}", f"benevole_{index}")
        joins = [
            Outbound(i, m.chat, "start", f"/start {m.code}") for i, m in enumerate(network.members)
        ]
        await exchange(api, joins)
        # The news of who joined is paced per chat (and, once replies go through the outbox,
        # queued ahead of them): let it all go before anything is timed or read as a reply.
        await settle(api, options.quiet_s)
        # Warm-up (not measured): a post by each association (the first claims take them),
        # a list and the help.
        for writer in range(options.warm_up):
            kind = ("post", "liste", "aide")[writer // ASSOCIATIONS % 3]
            batch = [network.message(writer % len(network.members), kind)]
            network.answered(batch, (await exchange(api, batch))[1])
        # Let each chat's window empty, so that the measurement starts from a quiet sender.
        await settle(api, options.quiet_s)
        return await play("Boucle", api, steps, options.rate, network.prepare, network.answered)
    finally:
        await app.stop()


# ------------------------------------------------------------------ the run


@dataclass(frozen=True)
class Options:
    members: int = 15
    messages: int = 60
    concurrent: int = 24
    width: int = 4
    rate: float = 3.0
    echo_rate: float = 40.0
    seed: int = 8
    warm_up: int = 9  # messages not measured, after the joins: posts, lists, help
    quiet_s: float = 3.2  # Telegram's per-chat window (3 messages in ~3.1 s) empties

    @classmethod
    def fast(cls) -> Options:
        return cls(6, 8, 4, width=2, rate=4.0, warm_up=ASSOCIATIONS, quiet_s=1.0)


async def run(options: Options) -> ReplyReport:
    if options.members % ASSOCIATIONS or options.members < ASSOCIATIONS * 2:
        raise ValueError("--members: a multiple of 3, at least 6")
    if not 1 <= options.width <= options.members // ASSOCIATIONS:
        raise ValueError("--width: between 1 and the members of one association")
    steps = plan(options.members, options.messages, options.concurrent, options.width, options.seed)
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "reply.db"
        network = Network(await invite(db_path, options.members))
        async with FakeTelegramAPI() as api:
            boucle = await boucle_run(api, db_path, network, steps, options)
            leftover = len(api.pending_updates)
            if leftover:
                raise AssertionError(f"{leftover} update(s) still pending after Boucle stopped")
            echo = await echo_bot_run(api, network.played, steps, options.echo_rate)
    return ReplyReport(options.members, *echo, *boucle)


# ------------------------------------------------------------------ reporting


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def stats_line(label: str, stats: Stats) -> str:
    return (
        f"{label:<22}{stats.count:>5} {ms(stats.p50)} {ms(stats.p95)} {ms(stats.p99)} "
        f"{ms(stats.max)}"
    )


def print_report(report: ReplyReport) -> None:
    print(f"{'latency (ms)':<22}{'n':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")
    for phase in report.phases:
        if not phase.samples:
            continue
        print(stats_line(f"{phase.bot} {phase.mode}", phase.stats))
        if phase.bot == "Boucle":
            for kind, stats in phase.by_kind().items():
                print(stats_line(f"  {kind}", stats))
    for mode in ("sequential", "concurrent"):
        if report.boucle(mode).samples:
            print(
                f"Boucle/echo {mode:<11} p50 {report.ratio(mode, 'p50'):.2f}x   "
                f"p99 {report.ratio(mode, 'p99'):.2f}x"
            )
    for phase in (report.boucle_sequential, report.boucle_concurrent):
        if phase.duration_s > 0:
            print(
                f"Boucle {phase.mode} load: {phase.sends} sends in {phase.duration_s:.1f} s = "
                f"{phase.sends / phase.duration_s:.1f}/s, busiest chat "
                f"{phase.busiest_chat_per_s:.2f}/s (Telegram: 30/s, ~1/s per chat)"
            )
    for phase in report.phases:
        if phase.unexpected_sends:
            print(
                f"{phase.bot} {phase.mode}: {phase.sends} sends for {phase.expected_sends} "
                "expected (duplicates or unexpected messages)"
            )
    echo_p99 = report.echo_sequential.stats.p99 * 1000
    boucle_p99 = report.boucle_sequential.stats.p99 * 1000
    print(
        f"{'PASS' if report.passed else 'FAIL'}  Boucle p99 {boucle_p99:.1f} ms <= "
        f"{TARGET_RATIO:g} x echo p99 ({TARGET_RATIO:g} x {echo_p99:.1f} = "
        f"{TARGET_RATIO * echo_p99:.1f} ms), sequential"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    defaults = Options()
    parser.add_argument("--messages", type=int, default=defaults.messages, help="sequential")
    parser.add_argument("--concurrent", type=int, default=defaults.concurrent)
    parser.add_argument("--width", type=int, default=defaults.width, help="chats per round")
    parser.add_argument("--members", type=int, default=defaults.members)
    parser.add_argument("--rate", type=float, default=defaults.rate, help="messages/s")
    parser.add_argument("--echo-rate", type=float, default=defaults.echo_rate)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--fast", action="store_true", help="smoke run: 6 members, 8 + 4 messages (about 10 s)"
    )
    args = parser.parse_args(argv)
    options = (
        Options.fast()
        if args.fast
        else Options(
            args.members, args.messages, args.concurrent, args.width, args.rate, args.echo_rate,
            args.seed,
        )
    )  # fmt: skip
    print(
        f"== Reply latency: Boucle ({options.members} members, {ASSOCIATIONS} associations) "
        "and a bare python-telegram-bot echo bot, same fake Bot API\n"
        f"{options.messages} sequential + {options.concurrent} concurrent messages (rounds of "
        f"{options.width}), {options.rate:g}/s (echo {options.echo_rate:g}/s), seed {options.seed}"
    )
    report = asyncio.run(run(options))
    print_report(report)
    return 0 if report.passed and report.complete(options) else 1


if __name__ == "__main__":
    sys.exit(main())
