"""Big relays leave the request's transaction (issue 12, bot/fanout_jobs.py): the message's
transaction commits its reply and one job; the job queues the relay in chunks, each one short
transaction that also moves its cursor, so a crash at any moment neither loses nor repeats a
member, and a message arriving meanwhile waits for one chunk, not the whole relay."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest

from bot import fanout_jobs as runner_module
from bot.clock import ManualClock
from bot.dispatch import Dispatcher
from bot.fanout import enqueue_notifications, queue_notifications
from bot.fanout_jobs import FanoutJobs
from handlers.context import Notification, ToAudience
from handlers.messages import Address, Incoming, Outgoing
from handlers.posts import relay_message
from handlers.understanding import Gazetteer
from storage import fanout_jobs, members, posts, profiles
from storage.db import Database
from storage.models import Preferences
from tests.aude import PEOPLE, aude_and_herault, receivers
from tests.network import NETWORK_CONFIG, Network

BENCH = Path(__file__).resolve().parents[1] / "bench" / "outbox_pick.py"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
AUDIENCE = 600


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_outbox_pick", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_outbox_pick", module)
    spec.loader.exec_module(module)
    return module


async def big_network(path: Path) -> tuple[Database, tuple[int, ...]]:
    """600 members (two per association) and post 1 (fruits_legumes, by member 2); some
    members speak English, some muted the category, some are quiet now, some receive nothing,
    one was removed: every rule a relay applies."""
    db = await Database.open(path)
    ids = await load_bench().load_audience(db, AUDIENCE, NOW)
    async with db.transaction() as conn:
        async with conn.execute("SELECT id FROM members ORDER BY id") as cur:
            everyone = [int(row[0]) for row in await cur.fetchall()]
        for member_id in everyone[::7]:
            await members.set_member_language(conn, member_id, "en")
        for member_id in everyone[1::11]:
            await profiles.set_preferences(
                conn, Preferences(member_id, muted=frozenset({"fruits_legumes"}))
            )
        for member_id in everyone[2::13]:
            await profiles.set_preferences(
                conn, Preferences(member_id, quiet_start="09:30", quiet_end="12:00")
            )
        for member_id in everyone[3::17]:
            await profiles.set_preferences(conn, Preferences(member_id, mode="off"))
        await members.set_member_status(conn, everyone[5], "removed")
    return db, ids


async def relay(db: Database, ids: tuple[int, ...]) -> Notification:
    async with db.transaction() as conn:
        post = await posts.post_by_id(conn, 1)
    assert post is not None

    def render(lang: str) -> Outgoing:
        return relay_message(post, lang, NOW.date())

    audience = ToAudience(ids, post.category, post.urgent, exclude_members=frozenset({10, 11}))
    return Notification(audience, render, post_id=post.id)


async def queued_relays(db: Database) -> list[tuple[object, ...]]:
    """Every relay row as a recipient sees it (its text resolved), in id order."""
    async with (
        db.transaction() as conn,
        conn.execute(
            "SELECT o.channel, o.external_id, o.member_id, COALESCE(p.body, o.payload),"
            " o.priority, o.next_attempt_at, o.post_id, o.state FROM outbox o"
            " LEFT JOIN payloads p ON p.id = o.payload_id WHERE o.post_id = 1 ORDER BY o.id"
        ) as cur,
    ):
        return [tuple(row) for row in await cur.fetchall()]


async def defer(db: Database, note: Notification, defer_above: int = 50) -> None:
    async with db.transaction() as conn:
        queued = await queue_notifications(
            conn, [note], NOW, None, 2, tz=PARIS, defer_above=defer_above
        )
    assert queued.rows == 0 and queued.jobs == 1


async def running_jobs(db: Database) -> int:
    async with db.transaction() as conn:
        return await fanout_jobs.count_running(conn)


async def test_a_job_reaches_exactly_the_members_of_the_in_transaction_relay(
    tmp_path: Path,
) -> None:
    inline_db, ids = await big_network(tmp_path / "inline.db")
    job_db, same_ids = await big_network(tmp_path / "job.db")
    try:
        note = await relay(inline_db, ids)
        async with inline_db.transaction() as conn:
            count = await enqueue_notifications(conn, [note], NOW, None, 2, tz=PARIS)
        expected = await queued_relays(inline_db)
        await defer(job_db, await relay(job_db, same_ids))
        assert await queued_relays(job_db) == [], "nothing queued in the request"
        jobs = FanoutJobs(job_db, ManualClock(NOW), PARIS, chunk=64)
        chunks = await jobs.run_all()
        got = await queued_relays(job_db)
        assert await running_jobs(job_db) == 0
    finally:
        await inline_db.close()
        await job_db.close()
    assert chunks == AUDIENCE // 64 + 1
    assert 400 < count < AUDIENCE, "the preferences left some out"
    assert got == expected, "same members, same texts, same moments, same order"
    assert len({row[3] for row in got}) == 2, "a text in French, one in English"
    assert len({row[5] for row in got}) == 2, "some held by their quiet hours"
    assert len({row[2] for row in got}) == len(got), "once each"


async def test_the_text_is_stored_once_per_language(tmp_path: Path) -> None:
    db, ids = await big_network(tmp_path / "boucle.db")
    try:
        await defer(db, await relay(db, ids))
        await FanoutJobs(db, ManualClock(NOW), PARIS, chunk=64).run_all()
        async with db.transaction() as conn:
            async with conn.execute("SELECT COUNT(*) FROM payloads") as cur:
                stored = await cur.fetchone()
            async with conn.execute(
                "SELECT COUNT(*) FROM outbox WHERE post_id = 1 AND payload != ''"
            ) as cur:
                copied = await cur.fetchone()
    finally:
        await db.close()
    assert stored is not None and stored[0] == 2, "French and English"
    assert copied is not None and copied[0] == 0


async def test_a_crash_after_some_chunks_resumes_and_reaches_everyone_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "boucle.db"
    inline_db, ids = await big_network(tmp_path / "inline.db")
    note = await relay(inline_db, ids)
    async with inline_db.transaction() as conn:
        await enqueue_notifications(conn, [note], NOW, None, 2, tz=PARIS)
    expected = await queued_relays(inline_db)
    await inline_db.close()

    db, ids = await big_network(path)
    await defer(db, await relay(db, ids))
    jobs = FanoutJobs(db, ManualClock(NOW), PARIS, chunk=64)
    for _ in range(3):
        assert await jobs.run_chunk()
    done_before = len(await queued_relays(db))
    await db.close()  # the process dies between two chunks

    db = await Database.open(path)
    try:
        assert await running_jobs(db) == 1, "the job survives the restart"
        jobs = FanoutJobs(db, ManualClock(NOW), PARIS, chunk=64)
        jobs.start()
        await asyncio.wait_for(jobs.wait_idle(), 10)
        await jobs.stop()
        got = await queued_relays(db)
    finally:
        await db.close()
    assert 0 < done_before < len(got)
    assert got == expected


async def test_a_chunk_cut_short_is_rolled_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelled after its rows were inserted, before its cursor moved (a stop, a crash):
    neither is kept, and the next run queues that chunk once."""
    db, ids = await big_network(tmp_path / "boucle.db")
    try:
        await defer(db, await relay(db, ids))
        jobs = FanoutJobs(db, ManualClock(NOW), PARIS, chunk=64)
        assert await jobs.run_chunk()
        first = len(await queued_relays(db))
        real_advance = fanout_jobs.advance

        async def cut(*args: object) -> None:
            raise asyncio.CancelledError

        monkeypatch.setattr(runner_module.fanout_jobs, "advance", cut)
        with pytest.raises(asyncio.CancelledError):
            await jobs.run_chunk()
        assert len(await queued_relays(db)) == first
        monkeypatch.setattr(runner_module.fanout_jobs, "advance", real_advance)
        await jobs.run_all()
        got = await queued_relays(db)
    finally:
        await db.close()
    assert len({row[2] for row in got}) == len(got) > first


async def test_a_message_between_chunks_is_answered_before_the_job_ends(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    db, ids = await big_network(tmp_path / "boucle.db")
    clock = ManualClock(NOW)
    try:
        jobs = FanoutJobs(db, clock, PARIS, chunk=20)
        dispatcher = Dispatcher(db, clock, gazetteer, NETWORK_CONFIG)
        dispatcher.use_fanout_jobs(jobs.chunk, jobs.wake)
        await defer(db, await relay(db, ids))
        jobs.start()
        await asyncio.sleep(0)
        incoming = Incoming(Address("telegram", "2000004"), "aide-1", "/aide", NOW)
        replies = await dispatcher.handle(incoming)
        chunks_when_answered = jobs.chunks_done
        await asyncio.wait_for(jobs.wait_idle(), 10)
        await jobs.stop()
        total = jobs.chunks_done
    finally:
        await db.close()
    assert replies, "/aide was answered"
    assert chunks_when_answered <= 3 < total == 30, "599 active members, 20 a chunk"


async def chunks_while_handling(
    tmp_path: Path, give_way_seconds: float, handled_after_s: float | None
) -> tuple[int, int]:
    """A job of 30 chunks while messages are handled (done after `handled_after_s` past the
    first chunk; never with None): the chunks done by then, and in all."""
    db, ids = await big_network(tmp_path / "boucle.db")
    handled = asyncio.Event()
    try:
        jobs = FanoutJobs(
            db,
            ManualClock(NOW),
            PARIS,
            chunk=20,
            messages_handled=handled.wait,
            give_way_seconds=give_way_seconds,
        )
        await defer(db, await relay(db, ids))
        jobs.start()
        while_handling = 0
        if handled_after_s is not None:
            for _ in range(500):
                if jobs.chunks_done:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(handled_after_s)
            while_handling = jobs.chunks_done
            handled.set()
        await asyncio.wait_for(jobs.wait_idle(), 10)
        await jobs.stop()
    finally:
        await db.close()
    return while_handling, jobs.chunks_done


async def test_between_chunks_the_job_gives_way_to_the_messages_being_handled(
    tmp_path: Path,
) -> None:
    """A message is stored, then handled, in two transactions: the job's next chunk waits
    for the messages being handled (it took the database between the two, and a reply
    waited for two chunks), for `give_way_seconds` at most."""
    assert await chunks_while_handling(tmp_path, 30, handled_after_s=0.2) == (1, 30)


async def test_a_stream_of_messages_slows_the_job_but_never_stops_it(tmp_path: Path) -> None:
    _, done = await chunks_while_handling(tmp_path, 0.01, handled_after_s=None)
    assert done == 30


async def test_a_post_commits_its_reply_before_its_relay(network: Network) -> None:
    """Through the dispatcher: the author's confirmation is queued by the message's
    transaction, the relay by the job; everyone receives it as without a job."""
    await aude_and_herault(network, **{user: {"reach_km": 300.0} for user in PEOPLE})
    jobs = FanoutJobs(network.db, network.clock, PARIS, chunk=2, wake_sender=network.sender.wake)
    network.dispatcher.use_fanout_jobs(1, jobs.wake)
    replies = await network.say("carole", "/don 20 kg de pâtes")
    assert replies and "pâtes" in replies[0]
    assert receivers(network) == set(), "nothing relayed yet"
    assert await running_jobs(network.db) == 1
    assert await jobs.run_all() == 3
    await network.deliver()
    assert receivers(network) == set(PEOPLE) - {"carole"}


async def test_a_small_audience_is_relayed_in_the_request(network: Network) -> None:
    await aude_and_herault(network, **{user: {"reach_km": 300.0} for user in PEOPLE})
    jobs = FanoutJobs(network.db, network.clock, PARIS)
    network.dispatcher.use_fanout_jobs(jobs.chunk, jobs.wake)
    await network.say("carole", "/don 20 kg de pâtes")
    assert receivers(network) == set(PEOPLE) - {"carole"}
    assert await running_jobs(network.db) == 0


async def test_a_job_that_keeps_failing_is_left_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, ids = await big_network(tmp_path / "boucle.db")
    try:
        await defer(db, await relay(db, ids))

        async def broken(*args: object) -> None:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(runner_module.profiles, "audience_page", broken)
        jobs = FanoutJobs(db, ManualClock(NOW), PARIS, chunk=64, retry_seconds=0)
        jobs.start()
        await asyncio.wait_for(jobs.wait_idle(), 10)
        await jobs.stop()
        async with (
            db.transaction() as conn,
            conn.execute("SELECT state, attempts, last_error FROM fanout_jobs") as cur,
        ):
            found = [tuple(row) for row in await cur.fetchall()]
    finally:
        await db.close()
    assert found == [("failed", fanout_jobs.MAX_ATTEMPTS, "RuntimeError('disk on fire')")]
