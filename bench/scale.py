"""Benchmark (issue 12): every row of the issue's table, at the scale of the largest network.

    .venv/bin/python bench/scale.py                    # 5,000 associations, 10,000 members,
                                                       # 100,000 posts (a few minutes)
    .venv/bin/python bench/scale.py --fast             # 500 / 1,000 / 10,000, fewer messages
    .venv/bin/python bench/scale.py --only post-cpu,reply-p99 [--seed N]
    .venv/bin/python bench/scale.py --list             # the rows and their targets

The network is built from a seed (bench/network.py) in a temporary SQLite file
(storage.bulk.load_network), plus two associations of our own: one in Brest, 5 km of reach,
whose posts reach nobody (the cost of a post alone), and one in Albi with a 300 km reach,
whose posts reach the whole region (every other member: 10,000 at full scale; the issue's
post reached 9,688).

Each row of the table is one small measuring function, registered in `ROWS` in the issue's
order; each prints one line with its figure, its target and "met" / "NOT met", or
"not measured: <reason>" when what it needs is not in this branch. The rows of the other
engineers' work import their machinery lazily (`_hook`): `bench.scale_scheduler.
measure_scheduler` (tick, digests, restart; branch tick12) and `bench.outbox_pick.measure_pick`
(the sender's pick; branch sender12). Once merged, those rows measure by themselves; if a
signature differs, the one call in `scheduler_figures` or `sender_pick` is the line to adapt.

Per-message CPU (post, /aide, /liste, a chat line) and reply latency: Boucle (`Boucle.create`,
`start`, its real Telegram channel and sender) and a bare python-telegram-bot echo bot, each
against its own local fake Bot API (tests/fakes/telegram_api.py), both running in this one
process; blocks of the same messages alternate between them (Boucle, echo, next kind...), one
message outstanding at a time, at `--rate` messages/s. CPU is this process's
(`time.process_time`) over each block, the fakes' share included for both; latency, from the
update's injection to the fake's receipt of the first sendMessage to that chat
(bench/reply.py's `exchange`). Boucle's scheduler is not started: with the network's 5,000
coordinators, its every-minute tick and the start's digest catch-up are rows of their own and
must not land in a per-message figure.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bench.network import BuiltNetwork, Sizes, build_network  # noqa: E402
from bench.parse import Timing, read_corpus  # noqa: E402
from bench.reply import (  # noqa: E402
    Outbound,
    echo_application,
    exchange,
    pace,
    percentile,
    settings_for,
    settle,
)
from bot.app import Boucle, network_gazetteer  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.dispatch import Dispatcher  # noqa: E402
from bot.fanout_jobs import FanoutJobs  # noqa: E402
from bot.settings import Settings  # noqa: E402
from handlers.messages import Address, Incoming  # noqa: E402
from handlers.understanding import Gazetteer, load_gazetteer  # noqa: E402
from storage import bulk  # noqa: E402
from storage.bulk import AssociationRow, MemberRow  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.footprint import OutboxFootprint, outbox_footprint  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramAPI  # noqa: E402

# A Tuesday morning, after the 08:00 digests: deadlines read the same on every run.
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
KINDS = ("post", "aide", "liste", "chat")
ISOLATED_MEMBERS = 60  # Brest: posts that reach nobody, each member writes a few
WIDE_MEMBERS = 8  # Albi, 300 km: posts that reach the whole region
EXTRA_FIRST_CHAT = 9_000_000
ECHO_FIRST_CHAT = 7_000_000
FOODS = ("pâtes", "riz", "lentilles", "farine", "conserves de thon", "lait UHT", "pommes")
FOODS += ("carottes", "yaourts", "compotes", "café", "sucre", "huile", "biscuits", "haricots")
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")
FANOUT_TEXTS = (
    "/besoin 30 kg de riz pour vendredi",
    "/besoin 20 kg de pâtes pour jeudi",
    "/besoin 40 kg de farine pour samedi",
    "/besoin 25 kg de lentilles pour lundi",
)
# When neither ../shared nor tests/corpus is there: messages of our own, every kind.
SAMPLE_MESSAGES = (
    "besoin de 20 kg de riz à Carcassonne pour vendredi",
    "on a 40 kg de yaourts DLC demain à donner",
    "urgent : plus de lait infantile pour ce soir",
    "qui aurait des cagettes de pommes ? on passe jeudi à Narbonne",
    "merci pour les pâtes, bien reçues !",
    "on prête notre camion frigo samedi matin",
    "12 cartons de conserves de thon à récupérer à Limoux avant mardi",
    "quelqu'un va à Toulouse demain ?",
)
CORPUS_FILES = (
    "dev.jsonl",
    "dev_extra_c.jsonl",
    "dev_extra_d.jsonl",
    "dev_extra_f.jsonl",
    "dev_extra_g.jsonl",
)
SHARED_EXAMPLES = ROOT / ".." / "shared" / "corpus" / "parse_examples.jsonl"
PARSE_COMMAND_TEXT = "besoin de 20 kg de riz à Albi pour vendredi"

T = TypeVar("T")


# ------------------------------------------------------------------ options


@dataclass(frozen=True)
class Options:
    sizes: Sizes = field(default_factory=Sizes)
    rounds: int = 10  # rounds of blocks, Boucle then echo, every kind
    block: int = 10  # messages per block: 100 of each kind in all
    rate: float = 20.0  # messages/s: under Telegram's 30/s, which Boucle's sender keeps to
    fanouts: int = 3  # posts to the whole region, in process
    probe_every_s: float = 0.02  # between a probe's reply and the next probe, during a fan-out
    parses: int = 5_000
    starts: int = 5  # `boucle parse` runs (median), after one not counted
    rss_messages: int = 300
    seed: int = 11
    only: frozenset[str] = frozenset()

    @classmethod
    def fast(cls) -> Options:
        return cls(Sizes(500, 2, 10_000), 2, 3, 25.0, 1, 0.02, 600, 3, 40)


# ------------------------------------------------------------------ the network


@dataclass(frozen=True)
class Extras:
    isolated: list[MemberRow]  # Brest, reach 5 km: a post reaches nobody
    wide: list[MemberRow]  # Albi, reach 300 km: a post reaches the whole region


def extra_associations(
    gazetteer: Gazetteer, network: BuiltNetwork
) -> tuple[list[AssociationRow], Extras]:
    first_id = max(a.id for a in network.associations) + 1
    member_id = max(m.id for m in network.members) + 1
    chat = EXTRA_FIRST_CHAT
    rows: list[AssociationRow] = []
    groups: list[list[MemberRow]] = []
    for offset, (town, reach, count) in enumerate(
        (("Brest", 5.0, ISOLATED_MEMBERS), ("Albi", 300.0, WIDE_MEMBERS))
    ):
        commune = gazetteer.find(town)
        assert commune is not None and commune.latitude is not None, town
        ident = first_id + offset
        rows.append(
            AssociationRow(
                ident, f"Association {town} (bench)", commune.name, commune.latitude,
                commune.longitude, reach, None, None, False,
            )
        )  # fmt: skip
        people = []
        for k in range(count):
            role = "coordinator" if k == 0 else "member"
            people.append(
                MemberRow(member_id, ident, f"Bénévole {town} {k}", role, "telegram", str(chat))
            )
            member_id += 1
            chat += 1
        groups.append(people)
    return rows, Extras(groups[0], groups[1])


@dataclass
class Scale:
    """What the rows share: the options, the network (built once, when a row first needs it),
    and measurements several rows read (each made once)."""

    options: Options
    folder: Path
    _gazetteer: Gazetteer | None = None
    _built: tuple[BuiltNetwork, Extras, float] | None = None
    _cache: dict[str, object] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.folder / "scale.db"

    @property
    def pristine_path(self) -> Path:
        """A copy of the database as built (the RSS row starts from it)."""
        return self.folder / "pristine.db"

    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer()
        return self._gazetteer

    async def network(self) -> tuple[BuiltNetwork, Extras, float]:
        if self._built is None:
            gazetteer = self.gazetteer()
            started = time.perf_counter()
            built = build_network(gazetteer, NOW, self.options.sizes, self.options.seed)
            extra_rows, extras = extra_associations(gazetteer, built)
            db = await Database.open(self.db_path)
            try:
                await db.migrate()
                async with db.transaction() as conn:
                    await bulk.load_network(
                        conn,
                        built.associations + extra_rows,
                        built.members + extras.isolated + extras.wide,
                        built.posts,
                        NOW,
                    )
            finally:
                await db.close()
            elapsed = time.perf_counter() - started
            shutil.copy(self.db_path, self.pristine_path)
            self._built = (built, extras, elapsed)
        return self._built

    async def once(self, key: str, make: Callable[[], Awaitable[T]]) -> T:
        if key not in self._cache:
            self._cache[key] = await make()
        return self._cache[key]  # type: ignore[return-value]


# ------------------------------------------------------------------ verdicts and rows


@dataclass(frozen=True)
class Verdict:
    figure: str
    met: bool | None  # None: not measured
    reason: str = ""

    @property
    def word(self) -> str:
        if self.met is None:
            return f"not measured: {self.reason}"
        return "met" if self.met else "NOT met"


def not_measured(reason: str) -> Verdict:
    return Verdict("—", None, reason)


@dataclass(frozen=True)
class Row:
    key: str
    what: str
    target: str
    measure: Callable[[Scale], Awaitable[Verdict]]


def _hook(module: str, name: str) -> Any | None:
    """Another branch's measuring function, or None while it is not merged."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# ------------------------------------------------------------------ Boucle and the echo bot


@dataclass
class Block:
    cpu_s: float = 0.0
    messages: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def cpu_per_message(self) -> float:
        return self.cpu_s / self.messages if self.messages else float("nan")


@dataclass
class ChatRun:
    boucle: dict[str, Block]
    echo: dict[str, Block]
    probe_latencies: list[float]  # messages injected while the big fan-out was processed
    fanout_reply_s: float  # the fan-out post's own reply, full stack
    probes_before_reply: int


def texts_for(kind: str, index: int) -> str:
    if kind == "post":
        food, day = FOODS[index % len(FOODS)], DAYS[index % len(DAYS)]
        verb = "/besoin" if index % 2 == 0 else "/don"
        return f"{verb} {4 + index} kg de {food} pour {day}"
    return {"aide": "/aide", "liste": "/liste", "chat": "merci !"}[kind]


class Writers:
    """Who writes each message: posts from the Brest association (in turn), the rest from
    members of the network, each chat once (no chat's pacing ever delays a reply)."""

    def __init__(self, built: BuiltNetwork, extras: Extras, seed: int) -> None:
        chats = [int(m.external_id) for m in built.members]
        random.Random(seed).shuffle(chats)
        self._others: Iterator[int] = iter(chats)
        self._isolated = [int(m.external_id) for m in extras.isolated]
        self._posts = 0

    def next(self, kind: str) -> int:
        if kind == "post":
            self._posts += 1
            return self._isolated[self._posts % len(self._isolated)]
        return next(self._others)


async def run_block(
    api: FakeTelegramAPI, messages: Sequence[Outbound], rate: float, block: Block
) -> None:
    """One message outstanding at a time, at `rate` messages/s; CPU over the whole block."""
    cpu = time.process_time()
    next_at = time.monotonic()
    for message in messages:
        started = await pace(next_at)
        next_at = started + 1 / rate
        latencies, _ = await exchange(api, [message])
        block.latencies.extend(latencies)
    await settle(api, 0.05, 2.0)  # trailing sends (if any) are part of the cost
    block.cpu_s += time.process_time() - cpu
    block.messages += len(messages)


async def probe_fanout(
    api: FakeTelegramAPI,
    writers: Writers,
    author_chat: int,
    every_s: float,
    relaying: Callable[[], bool] = lambda: False,
) -> tuple[list[float], float, int]:
    """Inject a post reaching the whole region, then, until the post's reply arrived and its
    relay is queued (`relaying()` false: the background job, bot/fanout_jobs.py, is done), a
    /aide from another member, one at a time: each sent `every_s` after the previous one's
    reply (and one after); each probe's reply latency.

    One at a time, because the row is about what a message waits for when it arrives during
    a fan-out. Sent every `every_s` whatever the replies (the first form of this probe), each
    /aide costing ~15 ms of this machine's CPU full stack (its share of the fake Bot API
    included), the probes alone kept one core 75-90 % busy and mostly measured each other's
    queue (docs/benchmarks.md, "during-fanout")."""
    before_post = len(api.messages_to(author_chat))
    posted = time.monotonic()
    api.send_text(author_chat, FANOUT_TEXTS[-1])
    latencies: list[float] = []
    probes_before_reply = 0
    while True:
        await asyncio.sleep(every_s)
        answered = len(api.messages_to(author_chat)) > before_post
        done = answered and not relaying()
        chat = writers.next("aide")
        before = len(api.messages_to(chat))
        sent = time.monotonic()
        api.send_text(chat, "/aide")
        await api.wait_for(
            lambda chat=chat, before=before: len(api.messages_to(chat)) > before,
            timeout=30.0,
            what="the reply to a /aide sent during the fan-out",
        )
        latencies.append(api.messages_to(chat)[before].time - sent)
        if done:
            break
        probes_before_reply += not answered
        if time.monotonic() - posted > 60:
            raise AssertionError("the fan-out post got no reply (or its relay) within 60 s")
    reply_s = api.messages_to(author_chat)[before_post].time - posted
    return latencies, reply_s, probes_before_reply


async def chat_run(scale: Scale) -> ChatRun:
    built, extras, _ = await scale.network()
    options = scale.options
    writers = Writers(built, extras, options.seed)
    boucle_blocks = {kind: Block() for kind in KINDS}
    echo_blocks = {kind: Block() for kind in KINDS}
    async with FakeTelegramAPI() as boucle_api, FakeTelegramAPI() as echo_api:
        app = await Boucle.create(settings_for(boucle_api, scale.db_path), ManualClock(NOW))
        app.scheduler = None  # see the module's docstring: the scheduler has rows of its own
        await app.start()
        echo = echo_application(echo_api)
        try:
            async with echo:
                await echo.start()
                assert echo.updater is not None
                await echo.updater.start_polling(poll_interval=0, timeout=10)
                try:
                    counter = 0

                    def messages(kind: str, count: int) -> tuple[list[Outbound], list[Outbound]]:
                        nonlocal counter
                        ours, theirs = [], []
                        for _ in range(count):
                            text = texts_for(kind, counter)
                            chat = writers.next(kind)
                            ours.append(Outbound(counter, chat, kind, text))
                            theirs.append(Outbound(counter, ECHO_FIRST_CHAT + counter, kind, text))
                            counter += 1
                        return ours, theirs

                    for kind in KINDS:  # warm-up, not measured
                        ours, theirs = messages(kind, 2)
                        await run_block(boucle_api, ours, options.rate, Block())
                        await run_block(echo_api, theirs, options.rate, Block())
                    for _ in range(options.rounds):
                        for kind in KINDS:
                            ours, theirs = messages(kind, options.block)
                            await run_block(boucle_api, ours, options.rate, boucle_blocks[kind])
                            await run_block(echo_api, theirs, options.rate, echo_blocks[kind])
                    author = int(extras.wide[0].external_id)
                    jobs = app.fanout_jobs
                    probes, reply_s, before_reply = await probe_fanout(
                        boucle_api,
                        writers,
                        author,
                        options.probe_every_s,
                        lambda: jobs is not None and not jobs.idle,
                    )
                finally:
                    await echo.updater.stop()
                    await echo.stop()
        finally:
            await app.stop()
    return ChatRun(boucle_blocks, echo_blocks, probes, reply_s, before_reply)


def cpu_verdict(run: ChatRun, kind: str, ratio_target: float) -> Verdict:
    ours, theirs = run.boucle[kind], run.echo[kind]
    ratio = ours.cpu_per_message / theirs.cpu_per_message
    return Verdict(
        f"{ours.cpu_per_message * 1000:.2f} ms vs echo {theirs.cpu_per_message * 1000:.2f} ms "
        f"({ratio:.2f}×, {ours.messages} messages each)",
        ratio <= ratio_target,
    )


async def post_cpu(scale: Scale) -> Verdict:
    run = await scale.once("chat", lambda: chat_run(scale))
    return cpu_verdict(run, "post", 1.5)


def command_row(kind: str) -> Callable[[Scale], Awaitable[Verdict]]:
    async def measure(scale: Scale) -> Verdict:
        run = await scale.once("chat", lambda: chat_run(scale))
        return cpu_verdict(run, kind, 1.3)

    measure.__name__ = f"{kind}_cpu"
    return measure


async def reply_p99(scale: Scale) -> Verdict:
    run = await scale.once("chat", lambda: chat_run(scale))
    ours = [s for block in run.boucle.values() for s in block.latencies]
    theirs = [s for block in run.echo.values() for s in block.latencies]
    p99, echo_p99 = percentile(ours, 0.99), percentile(theirs, 0.99)
    ratio = p99 / echo_p99
    per_kind = ", ".join(
        f"{kind} {percentile(block.latencies, 0.99) * 1000:.0f}"
        for kind, block in run.boucle.items()
    )
    return Verdict(
        f"{ms(p99)} vs echo {ms(echo_p99)} ({ratio:.2f}×; p99 by kind, ms: {per_kind})",
        ratio <= 3.0,
    )


async def during_fanout(scale: Scale) -> Verdict:
    run = await scale.once("chat", lambda: chat_run(scale))
    worst = max(run.probe_latencies)
    normal = statistics.median(run.boucle["aide"].latencies)
    first, *later = run.probe_latencies
    return Verdict(
        f"max {ms(worst)}, median {ms(statistics.median(run.probe_latencies))} over "
        f"{len(run.probe_latencies)} /aide (the first, arriving with the post itself: "
        f"{ms(first)}; the others' max: {ms(max(later, default=0.0))}), one at a time, each "
        f"{scale.options.probe_every_s * 1000:.0f} ms after the previous reply "
        f"({run.probes_before_reply} before the post's reply, which took "
        f"{ms(run.fanout_reply_s)} full stack; /aide alone: median {ms(normal)})",
        worst <= 0.050,
    )


# ------------------------------------------------------------------ fan-out, in process


@dataclass(frozen=True)
class Fanout:
    seconds: list[float]  # dispatcher.handle(), message in -> reply committed (relay: a job)
    queued_seconds: list[float]  # message in -> every relay row queued by the job
    recipients: list[int]
    text_bytes: list[int]
    database_bytes: list[int]


async def fanout_run(scale: Scale) -> Fanout:
    _, extras, _ = await scale.network()
    db = await Database.open(scale.db_path)
    try:
        gazetteer = await network_gazetteer(db)
        config = Settings(_env_file=None).network_config()  # type: ignore[call-arg]
        clock = ManualClock(NOW)
        dispatcher = Dispatcher(db, clock, gazetteer, config)
        jobs = FanoutJobs(db, clock, ZoneInfo(config.timezone))
        dispatcher.use_fanout_jobs(jobs.chunk, jobs.wake)
        jobs.start()
        seconds, queued, recipients, text, pages = [], [], [], [], []
        for index in range(scale.options.fanouts):
            author = extras.wide[1 + index % (len(extras.wide) - 1)]
            text_in = FANOUT_TEXTS[index % len(FANOUT_TEXTS)]
            address = Address(author.channel, author.external_id)
            incoming = Incoming(address, f"scale-fanout-{index}", text_in, NOW)
            before = await _footprint(db)
            started = time.perf_counter()
            await dispatcher.handle(incoming)
            seconds.append(time.perf_counter() - started)
            await jobs.wait_idle()
            queued.append(time.perf_counter() - started)
            after = await _footprint(db)
            recipients.append(after.rows - before.rows - 1)  # the author's reply is one row
            text.append(after.text_bytes - before.text_bytes)
            pages.append(after.database_bytes - before.database_bytes)
        await jobs.stop()
    finally:
        await db.close()
    return Fanout(seconds, queued, recipients, text, pages)


async def _footprint(db: Database) -> OutboxFootprint:
    async with db.transaction() as conn:
        return await outbox_footprint(conn)


async def fanout_confirmation(scale: Scale) -> Verdict:
    run = await scale.once("fanout", lambda: fanout_run(scale))
    worst = max(run.seconds)
    listed = ", ".join(ms(s) for s in run.seconds)
    queued = ", ".join(ms(s) for s in run.queued_seconds)
    return Verdict(
        f"{listed} (max {ms(worst)}) to {min(run.recipients):,}–{max(run.recipients):,} members;"
        f" every relay row queued (background job) {queued}",
        worst < 0.200,
    )


async def outbox_size(scale: Scale) -> Verdict:
    run = await scale.once("fanout", lambda: fanout_run(scale))
    people = sum(run.recipients)
    text = sum(run.text_bytes) / people
    pages = sum(run.database_bytes) / people
    per_post = sum(run.database_bytes) / len(run.database_bytes) / 1e6
    # Stored once: the text of a relay is a few hundred bytes per language, so spread over
    # thousands of recipients it weighs well under 10 bytes each; copied, ~0.5-1 KB each.
    return Verdict(
        f"text {text:.0f} B and database {pages:.0f} B per recipient ({per_post:.1f} MB per "
        "post); the bound (retention of sent rows) is not measured here",
        text < 10,
    )


# ------------------------------------------------------------------ parsing


def parse_messages() -> tuple[list[tuple[str, datetime]], str]:
    corpus = ROOT / "tests" / "corpus"
    files = [corpus / name for name in CORPUS_FILES if (corpus / name).exists()]
    if not files and SHARED_EXAMPLES.exists():
        files = [SHARED_EXAMPLES]
    rows = [row for path in files for row in read_corpus(path)]
    if rows:
        found = [(str(r["text"]), datetime.fromisoformat(str(r["now"]))) for r in rows]
        return found, " + ".join(path.name for path in files)
    return [(text, NOW) for text in SAMPLE_MESSAGES], "the bench's own sample"


async def parse_rate(scale: Scale) -> Verdict:
    built, _, _ = await scale.network()
    points = [
        (a.latitude, a.longitude)
        for a in built.associations
        if a.latitude is not None and a.longitude is not None
    ]
    focused = scale.gazetteer().with_focus(points)
    messages, source = parse_messages()
    Timing().run(messages, focused)  # warm-up: names met once, caches filled
    timing = Timing()
    while len(timing.latencies) < scale.options.parses:
        timing.run(messages, focused)
    rate = timing.rate()
    latency = timing.summary().split("msg/s", 1)[1].strip()
    return Verdict(
        f"{rate:,.0f} msg/CPU-s with {len(points):,} associations ({len(timing.latencies):,} "
        f"parses of {len(messages):,} messages: {source}; {latency})",
        rate >= 2_000,
    )


def boucle_command() -> list[str]:
    script = Path(sys.executable).with_name("boucle")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def clean_environment() -> dict[str, str]:
    prefixes = ("BOUCLE_", "TELEGRAM_", "TWILIO_")
    return {k: v for k, v in os.environ.items() if not k.upper().startswith(prefixes)}


async def parse_start(scale: Scale) -> Verdict:
    command = [*boucle_command(), "parse", "--now", NOW.isoformat(), PARSE_COMMAND_TEXT]
    walls: list[float] = []
    for attempt in range(scale.options.starts + 1):
        started = time.perf_counter()
        done = subprocess.run(  # noqa: ASYNC221 (nothing else runs meanwhile)
            command,
            cwd=scale.folder,
            env=clean_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        if done.returncode != 0 or not done.stdout.startswith("{"):
            return not_measured(f"`boucle parse` failed: {done.stderr.strip()[-200:]}")
        if attempt:  # the first run fills the disk cache
            walls.append(wall)
    median = statistics.median(walls)
    return Verdict(
        f"median {ms(median)} wall over {len(walls)} runs (min {ms(min(walls))})", median < 0.5
    )


# ------------------------------------------------------------------ memory


async def rss(scale: Scale) -> Verdict:
    built, extras, _ = await scale.network()
    writers = Writers(built, extras, scale.options.seed + 1)
    count = scale.options.rss_messages
    plan = [
        (writers.next(KINDS[i % len(KINDS)]), texts_for(KINDS[i % len(KINDS)], 1_000 + i))
        for i in range(count)
    ]
    plan_path = scale.folder / "rss-plan.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    command = [sys.executable, str(THIS_FILE), "--rss-child", str(plan_path)]
    command += ["--db", str(scale.pristine_path)]
    done = subprocess.run(  # noqa: ASYNC221 (the child runs alone)
        command, capture_output=True, text=True, check=False, env=clean_environment()
    )
    last = done.stdout.strip().splitlines()[-1:] or [""]
    if done.returncode != 0 or not last[0].startswith("rss_kb="):
        return not_measured(f"the child failed: {done.stderr.strip()[-300:]}")
    megabytes = int(last[0].removeprefix("rss_kb=")) / 1024
    return Verdict(
        f"{megabytes:.0f} MB (peak RSS, VmHWM, of a process that opened the network, started "
        f"Boucle on the fake Bot API and answered {count} messages)",
        megabytes < 120,
    )


async def rss_child(plan_path: Path, db_path: Path) -> int:
    plan: list[tuple[int, str]] = json.loads(plan_path.read_text(encoding="utf-8"))  # noqa: ASYNC240
    async with FakeTelegramAPI() as api:
        app = await Boucle.create(settings_for(api, db_path), ManualClock(NOW))
        app.scheduler = None
        await app.start()
        try:
            for index, (chat, text) in enumerate(plan):
                await exchange(api, [Outbound(index, chat, "rss", text)])
        finally:
            await app.stop()
    return peak_rss_kb()


def peak_rss_kb() -> int:
    """This process's own peak RSS in KB: VmHWM on Linux. Not ``ru_maxrss``, which a child
    started by ``subprocess`` (vfork, then exec) inherits from its parent: it read the bench's
    own peak (200-330 MB at full scale), not the child's (issue 12)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux


# ------------------------------------------------------------------ the other branches' rows

SCHEDULER_MISSING = "bench/scale_scheduler.py measure_scheduler (branch tick12) not merged"
PICK_MISSING = "bench/outbox_pick.py measure_pick (branch sender12) not merged"


async def scheduler_figures(scale: Scale) -> dict[str, float] | None:
    measure = _hook("bench.scale_scheduler", "measure_scheduler")
    if measure is None:
        return None
    options = scale.options

    async def make() -> dict[str, float]:
        figures = await measure(options.sizes, seed=options.seed, gazetteer=scale.gazetteer())
        return dict(figures)

    return await scale.once("scheduler", make)


def scheduler_row(
    key: str, limit: float, unit: str, beside: str | None = None
) -> Callable[[Scale], Awaitable[Verdict]]:
    """A row read from `measure_scheduler`'s figures: `key` under `limit` (`unit`: ms or s);
    `beside`: another figure shown with it (not judged)."""

    async def measure(scale: Scale) -> Verdict:
        figures = await scheduler_figures(scale)
        if figures is None:
            return not_measured(SCHEDULER_MISSING)
        if key not in figures:
            return not_measured(f"measure_scheduler gave no {key!r} ({', '.join(figures)})")
        value = figures[key]
        shown = f"{value:.3g} {unit} ({key})"
        if beside is not None and beside in figures:
            shown += f", {figures[beside]:.3g} {unit} of CPU ({beside})"
        return Verdict(shown, value < limit)

    measure.__name__ = key
    return measure


async def sender_pick(scale: Scale) -> Verdict:
    measure = _hook("bench.outbox_pick", "measure_pick")
    if measure is None:
        return not_measured(PICK_MISSING)
    await scale.network()
    queued = (50, 10_000, 50_000)
    medians = [(await measure(scale.db_path, n)).median_ms for n in queued]
    flat = medians[-1] < 1.0 and medians[-1] <= 3 * max(medians[0], 0.05)
    listed = " / ".join(f"{m:.2f}" for m in medians)
    return Verdict(f"{listed} ms median pick with 50 / 10k / 50k queued", flat)


# ------------------------------------------------------------------ the table


async def build(scale: Scale) -> Verdict:
    built, extras, seconds = await scale.network()
    opened = sum(p.status == "open" for p in built.posts)
    return Verdict(
        f"{seconds:.1f} s for {len(built.associations) + 2:,} associations, "
        f"{len(built.members) + len(extras.isolated) + len(extras.wide):,} members, "
        f"{len(built.posts):,} posts ({opened:,} open), seed {scale.options.seed}",
        seconds < 60,
    )


ROWS: list[Row] = [
    Row("build", "network built and loaded (issue 12, item 1)", "< 60 s", build),
    Row("post-cpu", "CPU per post, nobody to relay to", "≤ 1.5× echo", post_cpu),
    Row("aide-cpu", "CPU per /aide", "≤ 1.3× echo", command_row("aide")),
    Row("liste-cpu", "CPU per /liste", "≤ 1.3× echo", command_row("liste")),
    Row("chat-cpu", "CPU per chat line « merci ! »", "≤ 1.3× echo", command_row("chat")),
    Row("reply-p99", "reply p99, every kind", "≤ 3× echo p99", reply_p99),
    Row(
        "tick",
        "scheduler tick, nothing due",
        "< 20 ms",
        scheduler_row("tick_idle_ms", 20.0, "ms"),
    ),
    Row(
        "digests-0800",
        "the 08:00 digests of every coordinator",
        "< 15 s",
        scheduler_row("burst_s", 15.0, "s"),
    ),
    Row(
        "one-digest",
        "one digest",
        "< 3 ms",
        scheduler_row("one_digest_ms", 3.0, "ms", "one_digest_cpu_ms"),
    ),
    Row(
        "fanout",
        "post relayed to the whole region: reply committed",
        "< 200 ms",
        fanout_confirmation,
    ),
    Row(
        "during-fanout",
        "reply to a message arriving during a fan-out",
        "never > 50 ms",
        during_fanout,
    ),
    Row("sender-pick", "sender: picking the next rows", "flat, < 1 ms", sender_pick),
    Row("outbox", "outbox size per recipient of a relay", "text stored once", outbox_size),
    Row(
        "restart",
        "restart after 08:00, digests missed: serving",
        "< 3 s",
        scheduler_row("restart_start_s", 3.0, "s"),
    ),
    Row("parse-rate", "parsing with 5,000 associations", "≥ 2,000 msg/s", parse_rate),
    Row("parse-start", '`boucle parse "…"` start', "< 0.5 s", parse_start),
    Row("rss", "RSS at full scale", "< 120 MB", rss),
]


def selected(options: Options) -> list[Row]:
    if not options.only:
        return ROWS
    unknown = options.only - {row.key for row in ROWS}
    if unknown:
        raise SystemExit(f"--only: unknown row(s) {', '.join(sorted(unknown))}")
    return [row for row in ROWS if row.key in options.only]


def row_line(row: Row, verdict: Verdict) -> str:
    return f"{row.key:<13} {row.what}: {verdict.figure} | target {row.target} | {verdict.word}"


async def run(options: Options) -> list[tuple[Row, Verdict]]:
    results: list[tuple[Row, Verdict]] = []
    with tempfile.TemporaryDirectory(prefix="boucle-scale-") as folder:
        scale = Scale(options, Path(folder))
        for row in selected(options):
            try:
                verdict = await row.measure(scale)
            except Exception as error:  # one broken row must not hide the others
                verdict = Verdict("—", False, "")
                verdict = replace(verdict, figure=f"failed: {type(error).__name__}: {error}")
            results.append((row, verdict))
            print(row_line(row, verdict), flush=True)
    return results


def markdown(results: Sequence[tuple[Row, Verdict]]) -> str:
    lines = ["| row | what | measured | target | verdict |", "| --- | --- | --- | --- | --- |"]
    for row, verdict in results:
        figure = verdict.figure.replace("|", "\\|")
        lines.append(f"| {row.key} | {row.what} | {figure} | {row.target} | {verdict.word} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--fast", action="store_true", help="500 / 1,000 / 10,000, fewer messages")
    parser.add_argument("--only", default="", help="rows, comma-separated (see --list)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--list", action="store_true", help="the rows and their targets")
    parser.add_argument("--rss-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child is not None:
        print(f"rss_kb={asyncio.run(rss_child(args.rss_child, args.db))}")
        return 0
    if args.list:
        for row in ROWS:
            print(f"{row.key:<13} {row.what} (target {row.target})")
        return 0
    options = Options.fast() if args.fast else Options()
    if args.seed is not None:
        options = replace(options, seed=args.seed)
    only = frozenset(key.strip() for key in args.only.split(",") if key.strip())
    options = replace(options, only=only)
    sizes = options.sizes
    print(
        f"== Scale (issue 12): {sizes.associations:,} associations, "
        f"{sizes.associations * sizes.members_per_association:,} members, {sizes.posts:,} posts, "
        f"seed {options.seed}{' (--fast)' if args.fast else ''}; load {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} cores",
        flush=True,
    )
    results = asyncio.run(run(options))
    print()
    print(markdown(results))
    measured = [verdict for _, verdict in results if verdict.met is not None]
    missing = len(results) - len(measured)
    print(
        f"\n{sum(bool(v.met) for v in measured)} of {len(measured)} measured rows met"
        f"{f', {missing} not measured' if missing else ''}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
