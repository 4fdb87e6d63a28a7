"""The writer's reply survives a 429, a 502, a timeout and a crash (issue 8, "Done when").

Everything goes through python-telegram-bot's real HTTP stack against the local fake Bot API.
In process: the first sendMessage to the writer fails, and the reply to a post, a claim and a
`/liste` still arrives, from its outbox row. In a subprocess (`python -m bot.cli run`): the bot
is killed (SIGKILL) with the reply on the wire, or committed but not yet sent, and the next
process delivers it (at most once more); a SIGTERM lets the sends on the wire finish.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import Boucle
from bot.channels import telegram as telegram_channel
from bot.clock import ManualClock
from bot.settings import Settings
from storage.outbox import PRIORITY_REPLY
from tests.conftest import START
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.network import invite_three

ALICE, BOB, CARLA = 111, 222, 333
# Bob's offer, which Alice claims or lists.
BOB_OFFER = "/don 30 kg de pommes à Narbonne, à prendre demain"
ALICE_NEED = "/besoin 20 kg de pâtes pour vendredi"
# The sender retries a 5xx or a timeout 2 s later on the injected clock.
PAST_BACKOFF = timedelta(seconds=3)


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        fake.user(ALICE, "Alice", "alice_ba")
        fake.user(BOB, "Bob", "bob_restos")
        fake.user(CARLA, "Carla")
        yield fake


async def until(
    predicate: Callable[[], bool],
    what: str,
    timeout: float = 5.0,  # noqa: ASYNC109 (a deadline)
    alive: asyncio.subprocess.Process | None = None,
) -> None:
    """Poll `predicate` (it may read the database, which the fake's signals do not cover)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if alive is not None and alive.returncode is not None:
            raise AssertionError(f"the bot exited ({alive.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


def texts_to(api: FakeTelegramAPI, chat: int, part: str) -> list[str]:
    """What `chat` received that contains `part` (plain text, as the person reads it)."""
    return [m.plain_text for m in api.messages_to(chat) if part in m.plain_text]


def calls_to_chat(api: FakeTelegramAPI, chat: int, part: str = "") -> list[str]:
    """sendMessage requests for `chat` (answered or not) whose text contains `part`."""
    return [
        str(params.get("text", ""))
        for params in api.calls_to("sendMessage")
        if params.get("chat_id") == chat and part in str(params.get("text", ""))
    ]


async def join_all(api: FakeTelegramAPI, codes: dict[str, str], timeout: float = 5.0) -> None:  # noqa: ASYNC109
    for person, chat in (("alice", ALICE), ("bob", BOB), ("carla", CARLA)):
        api.send_text(chat, f"/start {codes[person]}")
    for chat in (ALICE, BOB, CARLA):
        [welcome] = await api.wait_for_messages(chat, 1, timeout)
        assert "Bienvenue" in welcome.plain_text


# ------------------------------------------------------------------ the database, read aside


def query(db_path: Path, sql: str, *args: object) -> list[sqlite3.Row]:
    """A separate connection, as an operator would open one (the bot may be running)."""
    conn = sqlite3.connect(db_path, timeout=5)
    try:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


@dataclass(frozen=True)
class Row:
    id: int
    state: str
    text: str
    outcomes: list[str]


def rows_to(db_path: Path, chat: int, part: str, reply: bool | None = None) -> list[Row]:
    """Outbox rows to `chat` whose text contains `part`, with their attempts' outcomes."""
    found = []
    for row in query(
        db_path,
        # A relay's text is stored once, in `payloads` (migration 0019).
        "SELECT o.id, o.state, COALESCE(p.body, o.payload) AS payload, o.priority FROM outbox o"
        " LEFT JOIN payloads p ON p.id = o.payload_id WHERE o.external_id = ?",
        str(chat),
    ):
        payload = json.loads(row["payload"])
        text = f"{payload.get('title', '')}\n{payload.get('text', '')}"
        if part not in text or (reply is not None and (row["priority"] == PRIORITY_REPLY) != reply):
            continue
        outcomes = query(
            db_path,
            "SELECT outcome FROM delivery_attempts WHERE outbox_id = ? ORDER BY id",
            row["id"],
        )
        found.append(Row(row["id"], row["state"], text, [o["outcome"] for o in outcomes]))
    return found


def count(db_path: Path, sql: str, *args: object) -> int:
    return int(query(db_path, sql, *args)[0][0])


# ------------------------------------------------------------------ 1. in process


@dataclass(frozen=True)
class Action:
    name: str
    text: str  # what Alice writes
    reply_marker: str  # in her reply, and only there
    reply_checks: tuple[str, ...]  # also in her reply
    bob_posts_first: bool


POST = Action("post", ALICE_NEED, "Annonce #1 publiée", ("20 kg", "pâtes"), False)
CLAIM = Action("claim", "/prendre 1", "C'est noté", ("#1", "@bob_restos", "/fait 1"), True)
LIST = Action("list", "/liste", "Annonces ouvertes (1)", ("#1", "pommes"), True)


@dataclass(frozen=True)
class Failure:
    name: str
    outcome: str  # in delivery_attempts, before "sent"
    # Copies of the reply Alice ends up with. After a timeout the fake executes the late call
    # and the bot, which cannot know, sends once more: two, the bounded price of ambiguity.
    copies: int


RATE_LIMITED = Failure("429", "rate_limited", 1)
BAD_GATEWAY = Failure("502", "retry", 1)
TIMEOUT = Failure("timeout", "ambiguous", 2)


def midday_zone() -> str:
    """A time zone where it is about noon now: the child bot runs on the real clock, and the
    members' default quiet hours (21:00–07:30 local) would hold the relays these tests wait for
    whenever the suite runs in the evening."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12  # -12..+11 hours from UTC
    # Etc/GMT's sign is inverted: "Etc/GMT-3" is three hours ahead of UTC.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "boucle.db"


@pytest.fixture
async def codes(db_path: Path) -> dict[str, str]:
    return await invite_three(db_path, ("alice", "bob", "carla"), START)


@pytest.mark.parametrize("action", [POST, CLAIM, LIST], ids=lambda a: a.name)
@pytest.mark.parametrize("failure", [RATE_LIMITED, BAD_GATEWAY, TIMEOUT], ids=lambda f: f.name)
async def test_reply_survives_a_failed_send(
    api: FakeTelegramAPI,
    db_path: Path,
    codes: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    action: Action,
    failure: Failure,
) -> None:
    if failure is TIMEOUT:
        monkeypatch.setattr(telegram_channel, "SEND_READ_TIMEOUT_SECONDS", 0.3)
    clock = ManualClock(START)
    settings = Settings(
        telegram_bot_token=SecretStr(api.token),
        telegram_base_url=api.base_url,
        boucle_db_path=db_path,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = await Boucle.create(settings, clock)
    await app.start()
    try:
        await join_all(api, codes)
        if action.bob_posts_first:
            api.send_text(BOB, BOB_OFFER)
            await api.wait_for_messages(BOB, 2)
            [relay] = (await api.wait_for_messages(ALICE, 2))[1:]
            assert "pommes" in relay.plain_text
        before = len(api.messages_to(ALICE))

        # The first sendMessage to Alice from now on fails; the relays to others go through.
        if failure is RATE_LIMITED:
            api.fail_next("sendMessage", 429, retry_after=1, chat_id=ALICE)
        elif failure is BAD_GATEWAY:
            api.fail_next("sendMessage", 502, chat_id=ALICE)
        else:  # answered after the client gave up: PTB raises TimedOut, the fake executes it
            api.delay_next("sendMessage", 0.6, chat_id=ALICE)
        api.send_text(ALICE, action.text)

        def failed_once() -> bool:
            rows = rows_to(db_path, ALICE, action.reply_marker, reply=True)
            return bool(rows) and rows[0].outcomes[:1] == [failure.outcome]

        await until(failed_once, f"the {failure.name} recorded")
        # Past the retry's due time on the bot's clock. A 429 also pauses the channel for its
        # retry_after (1 s, real time): the reply goes then, not when Alice's chat's window
        # for news opens (it holds her welcome, the relay and the failed try: 3 s).
        clock.advance(PAST_BACKOFF)
        app.sender.wake()
        # (Before that was fixed, the reply came 3 s after the 429: this would fail.)
        soon = 2.2 if failure is RATE_LIMITED else 1.5

        await api.wait_for_messages(ALICE, before + failure.copies, timeout=soon)
        [row] = rows_to(db_path, ALICE, action.reply_marker, reply=True)
        await until(lambda: rows_to(db_path, ALICE, row.text)[0].state == "sent", "row sent")
        await asyncio.sleep(0.1)  # nothing more comes
        replies = api.messages_to(ALICE)[before:]
        assert len(replies) == failure.copies, [m.plain_text for m in replies]
        for reply in replies:
            assert action.reply_marker in reply.plain_text
            for part in action.reply_checks:
                assert part in reply.plain_text, (part, reply.plain_text)
        [row] = rows_to(db_path, ALICE, action.reply_marker, reply=True)
        assert row.state == "sent"
        assert row.outcomes == [failure.outcome, "sent"]
        assert len(calls_to_chat(api, ALICE, action.reply_marker)) == 2  # one retry, no more

        # The others got their news once, unaffected.
        if action is POST:
            for chat in (BOB, CARLA):
                assert len(texts_to(api, chat, "pâtes")) == 1
        if action is CLAIM:
            news = "prend la totalité de votre annonce #1"
            await until(lambda: bool(texts_to(api, BOB, news)), "Bob told of the claim")
            assert len(texts_to(api, BOB, news)) == 1
        duplicates = {(ALICE, replies[0].text): 1} if failure.copies == 2 else {}
        assert api.duplicates() == duplicates
    finally:
        await app.stop()


# ------------------------------------------------------------------ 2. a real process, killed

PUBLISHED = "Annonce #1 publiée"
# The bot's own settings are given explicitly; none is inherited from the test's environment.
BOT_ENV_PREFIXES = ("TELEGRAM_", "BOUCLE_", "TWILIO_")


class BotProcess:
    """`python -m bot.cli run` against the fake, run in `workdir` (no `.env` is read there)."""

    def __init__(self, api: FakeTelegramAPI, db_path: Path, workdir: Path, name: str) -> None:
        self.api = api
        self.db_path = db_path
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(BOT_ENV_PREFIXES)}
        env.update(
            TELEGRAM_BOT_TOKEN=self.api.token,
            TELEGRAM_BASE_URL=self.api.base_url,
            BOUCLE_DB_PATH=str(self.db_path),
            BOUCLE_STARTUP_TIMEOUT="10",
            PTB_TIMEDELTA="1",
            BOUCLE_TIMEZONE=midday_zone(),
        )
        polls = len(self.api.calls_to("getUpdates"))
        with self.log_path.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "run",
                cwd=self.workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        await self.until(lambda: len(self.api.calls_to("getUpdates")) > polls, "polling", 20)

    @property
    def process(self) -> asyncio.subprocess.Process:
        assert self.proc is not None, "not started"
        return self.proc

    async def until(self, predicate: Callable[[], bool], what: str, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        try:
            await until(predicate, what, timeout, alive=self.process)
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- bot output ---\n{self.output()}") from None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def signal_and_wait(self, sig: signal.Signals, timeout: float) -> int:  # noqa: ASYNC109
        self.process.send_signal(sig)
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def ensure_dead(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await asyncio.wait_for(self.proc.wait(), 10)


@pytest.fixture
async def bots(
    api: FakeTelegramAPI, db_path: Path, tmp_path: Path
) -> AsyncIterator[Callable[[str], BotProcess]]:
    """Makes bot processes; whatever happens, each is killed at the end (before the fake)."""
    made: list[BotProcess] = []

    def make(name: str) -> BotProcess:
        made.append(BotProcess(api, db_path, tmp_path, name))
        return made[-1]

    try:
        yield make
    finally:
        for bot in made:
            await bot.ensure_dead()


def in_flight(db_path: Path) -> int:
    return count(db_path, "SELECT COUNT(*) FROM outbox WHERE state = 'in_flight'")


def the_need_is_stored_once(db_path: Path) -> None:
    assert count(db_path, "SELECT COUNT(*) FROM posts") == 1
    assert count(db_path, "SELECT COUNT(*) FROM inbox WHERE payload LIKE '%pâtes%'") == 1
    assert count(db_path, "SELECT COUNT(*) FROM inbox WHERE state != 'processed'") == 0


def relayed_once(api: FakeTelegramAPI, db_path: Path) -> bool:
    """Bob and Carla got the relay, and the bot recorded it as sent."""
    rows = [rows_to(db_path, chat, "pâtes") for chat in (BOB, CARLA)]
    return all(len(texts_to(api, chat, "pâtes")) == 1 for chat in (BOB, CARLA)) and all(
        len(found) == 1 and found[0].state == "sent" for found in rows
    )


@pytest.mark.parametrize("held_send", ["dropped", "executed"])
async def test_sigkill_with_the_reply_on_the_wire(
    api: FakeTelegramAPI,
    db_path: Path,
    codes: dict[str, str],
    bots: Callable[[str], BotProcess],
    held_send: str,
) -> None:
    """Killed while the reply's send is on the wire, unanswered: the next process sends it
    again. Alice reads it once if the killed request never reached Telegram, twice if it did
    (the one duplicate a crash may cause); Bob's and Carla's relays, recorded before, once."""
    first = bots("first")
    await first.start()
    await join_all(api, codes, timeout=10)
    api.hold_chats(ALICE)
    api.send_text(ALICE, ALICE_NEED)
    await first.until(lambda: len(calls_to_chat(api, ALICE, PUBLISHED)) == 1, "reply on the wire")
    await first.until(lambda: relayed_once(api, db_path), "relays sent and recorded")
    [reply] = rows_to(db_path, ALICE, PUBLISHED, reply=True)
    assert reply.state == "in_flight" and in_flight(db_path) == 1
    the_need_is_stored_once(db_path)

    assert await first.signal_and_wait(signal.SIGKILL, 5) == -signal.SIGKILL
    assert rows_to(db_path, ALICE, PUBLISHED)[0].state == "in_flight"
    if held_send == "dropped":
        api.release_chats(execute=False)
        await api.wait_for(lambda: len(api.dropped) == 1, what="the held send dropped")
    else:  # Telegram executes what it received, whether the bot still waits or not
        api.release_chats()
        await api.wait_for(lambda: bool(texts_to(api, ALICE, PUBLISHED)), what="late delivery")
    copies = 1 if held_send == "dropped" else 2

    second = bots("second")
    await second.start()
    await second.until(lambda: rows_to(db_path, ALICE, PUBLISHED)[0].state == "sent", "resent")
    await asyncio.sleep(0.3)  # nothing more comes
    replies = texts_to(api, ALICE, PUBLISHED)
    assert len(replies) == copies, replies
    assert all("20 kg" in text and "pâtes" in text for text in replies)
    assert rows_to(db_path, ALICE, PUBLISHED)[0].outcomes == ["interrupted", "sent"]
    assert relayed_once(api, db_path)
    the_need_is_stored_once(db_path)
    assert await second.signal_and_wait(signal.SIGTERM, 10) == 0


async def test_sigkill_with_the_reply_committed_not_yet_sent(
    api: FakeTelegramAPI,
    db_path: Path,
    codes: dict[str, str],
    bots: Callable[[str], BotProcess],
) -> None:
    """Killed after the reply was committed and before its send began: the next process sends
    it, once. To hold the sender deterministically between the two, a 429 to Bob first: a
    private chat's 429 pauses the whole channel (here for 30 s) in that process."""
    first = bots("first")
    await first.start()
    await join_all(api, codes, timeout=10)
    api.fail_next("sendMessage", 429, retry_after=30, chat_id=BOB)
    api.send_text(BOB, "/liste")

    def bob_rate_limited() -> bool:
        return any(row.outcomes == ["rate_limited"] for row in rows_to(db_path, BOB, "Aucune"))

    await first.until(bob_rate_limited, "the 429 recorded")
    sends = len(api.calls_to("sendMessage"))
    api.send_text(ALICE, ALICE_NEED)
    await first.until(lambda: bool(rows_to(db_path, ALICE, PUBLISHED)), "the reply committed")
    await asyncio.sleep(0.2)
    assert len(api.calls_to("sendMessage")) == sends, "the channel was to be paused"
    [reply] = rows_to(db_path, ALICE, PUBLISHED, reply=True)
    assert (reply.state, reply.outcomes) == ("queued", [])
    the_need_is_stored_once(db_path)

    assert await first.signal_and_wait(signal.SIGKILL, 5) == -signal.SIGKILL
    second = bots("second")
    await second.start()
    await second.until(lambda: relayed_once(api, db_path), "relays sent")
    await second.until(lambda: rows_to(db_path, ALICE, PUBLISHED)[0].state == "sent", "reply sent")
    await asyncio.sleep(0.3)
    [text] = texts_to(api, ALICE, PUBLISHED)
    assert "20 kg" in text and "pâtes" in text
    assert rows_to(db_path, ALICE, PUBLISHED)[0].outcomes == ["sent"]
    assert api.duplicates() == {}
    the_need_is_stored_once(db_path)
    assert await second.signal_and_wait(signal.SIGTERM, 10) == 0


# ------------------------------------------------------------------ 3. SIGTERM, sends on the wire


async def test_sigterm_lets_the_sends_on_the_wire_finish(
    api: FakeTelegramAPI,
    db_path: Path,
    codes: dict[str, str],
    bots: Callable[[str], BotProcess],
) -> None:
    first = bots("first")
    await first.start()
    await join_all(api, codes, timeout=10)
    api.hold_chats(ALICE, BOB, CARLA)
    api.send_text(ALICE, ALICE_NEED)

    def three_on_the_wire() -> bool:
        return (
            len(calls_to_chat(api, ALICE, PUBLISHED)) == 1
            and all(len(calls_to_chat(api, chat, "pâtes")) == 1 for chat in (BOB, CARLA))
            and in_flight(db_path) == 3
        )

    await first.until(three_on_the_wire, "reply and relays on the wire")
    asked = time.monotonic()
    first.process.send_signal(signal.SIGTERM)
    await asyncio.sleep(0.5)
    assert first.process.returncode is None, "it waits for the sends on the wire"
    api.release_chats()
    status = await asyncio.wait_for(first.process.wait(), 10)
    assert status == 0, first.output()
    assert time.monotonic() - asked < 10
    assert in_flight(db_path) == 0
    [reply] = rows_to(db_path, ALICE, PUBLISHED, reply=True)
    assert (reply.state, reply.outcomes) == ("sent", ["sent"])
    assert relayed_once(api, db_path)
    received = {chat: len(api.messages_to(chat)) for chat in (ALICE, BOB, CARLA)}

    second = bots("second")
    await second.start()
    await asyncio.sleep(1.0)  # a resend would go at once
    assert {chat: len(api.messages_to(chat)) for chat in (ALICE, BOB, CARLA)} == received
    assert api.duplicates() == {}
    assert (
        count(db_path, "SELECT COUNT(*) FROM delivery_attempts WHERE outcome = 'interrupted'") == 0
    )
    assert await second.signal_and_wait(signal.SIGTERM, 10) == 0
