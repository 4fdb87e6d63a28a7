"""`GET /metrics` (issue 15): the Prometheus text format, read back with the official client's
parser after real traffic through python-telegram-bot and the fake Bot API; 404 when
BOUCLE_METRICS_TOKEN is unset, 401 without the right bearer token; prometheus_client imported
only when metrics are on."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.app import Boucle
from bot.clock import ManualClock
from bot.settings import Settings
from storage import outbox
from tests.conftest import START
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.network import invite_three

ALICE, BOB, CARLA = 111, 222, 333
METRICS_TOKEN = "m3tr1cs-" + "k" * 32
ROOT = Path(__file__).resolve().parents[1]


def settings_for(api: FakeTelegramAPI, db_path: Path, **more: object) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(api.token),
        telegram_base_url=api.base_url,
        boucle_db_path=db_path,
        boucle_http_port=0,
        _env_file=None,  # type: ignore[call-arg]
        **more,
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        for chat, name in ((ALICE, "Alice"), (BOB, "Bob"), (CARLA, "Carla")):
            fake.user(chat, name)
        yield fake


def families(text: str) -> dict[str, Metric]:
    return {family.name: family for family in text_string_to_metric_families(text)}


def value(found: dict[str, Metric], sample: str, **labels: str) -> float:
    family = sample.removesuffix("_total").removesuffix("_count").removesuffix("_sum")
    for candidate in found[family].samples:
        if candidate.name == sample and candidate.labels == labels:
            return float(candidate.value)
    raise AssertionError(f"no sample {sample}{labels} in {found[family].samples}")


async def scrape(app: Boucle, headers: dict[str, str] | None = None) -> httpx.Response:
    assert app.web is not None and app.web.port
    async with httpx.AsyncClient() as client:
        return await client.get(f"http://127.0.0.1:{app.web.port}/metrics", headers=headers)


BEARER = {"Authorization": f"Bearer {METRICS_TOKEN}"}


async def test_metrics_after_traffic_are_read_by_the_prometheus_parser(
    api: FakeTelegramAPI, tmp_path: Path
) -> None:
    db_path = tmp_path / "boucle.db"
    codes = await invite_three(db_path, ("alice", "bob", "carla"), START)
    clock = ManualClock(START)
    settings = settings_for(api, db_path, boucle_metrics_token=SecretStr(METRICS_TOKEN))
    app = await Boucle.create(settings, clock)
    await app.start()  # polling: the web server runs for /metrics alone
    scheduler = app.scheduler
    assert scheduler is not None and scheduler.catch_up is not None and scheduler.aps is not None
    await scheduler.catch_up  # the tick at start (counted)
    scheduler.aps.pause()  # no tick on the wall clock's minutes: the test runs them
    try:
        for chat, person in ((ALICE, "alice"), (BOB, "bob"), (CARLA, "carla")):
            api.send_text(chat, f"/start {codes[person]}")
            await api.wait_for_messages(chat, 1)
        api.send_text(ALICE, "/don 30 kg de pommes à Carcassonne, à prendre demain")
        for chat in (ALICE, BOB, CARLA):
            await api.wait_for_messages(chat, 2)
        # Carla blocked the bot: her relay is a 403 (unreachable).
        api.blocked_users.add(CARLA)
        api.send_text(BOB, "/besoin 12 kg de café pour vendredi")
        await api.wait_for_messages(BOB, 3)
        await api.wait_for(lambda: app.sender.stats.unreachable == 1, what="the 403")
        # Bob asks for his digest at 08:00; the next morning's tick sends it.
        api.send_text(BOB, "/digest 8h")
        await api.wait_for_messages(BOB, 4)
        clock.advance(timedelta(hours=23))
        await scheduler.run_due_jobs()
        await api.wait_for_messages(BOB, 5)
        # Alice's next answer meets a 429 (the channel then pauses: last): it waits, queued.
        api.fail_next("sendMessage", 429, retry_after=600, chat_id=ALICE)
        api.send_text(ALICE, "/liste")
        await api.wait_for(lambda: app.sender.stats.rate_limited == 1, what="the 429")
        clock.advance(timedelta(seconds=90))

        response = await scrape(app, BEARER)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
        found = families(response.text)
        async with app.db.transaction() as conn:
            states = await outbox.count_by_state(conn)

        assert value(found, "boucle_messages_received_total", channel="telegram") == 7
        assert value(found, "boucle_messages_sent_total", channel="telegram") == states["sent"]
        # 3 welcomes, the offer and 2 relays, the need and 1 relay, /digest's answer, the digest
        assert states["sent"] >= 10
        assert value(found, "boucle_send_errors_total", channel="telegram", kind="unreachable") == 1
        for kind in ("retry", "ambiguous", "failed", "rejected", "held"):
            assert value(found, "boucle_send_errors_total", channel="telegram", kind=kind) == 0
        assert value(found, "boucle_rate_limited_total", channel="telegram") == 1
        assert value(found, "boucle_outbox_messages", state="queued") == 1
        assert value(found, "boucle_outbox_messages", state="in_flight") == 0
        assert value(found, "boucle_outbox_oldest_queued_seconds") == 90
        assert value(found, "boucle_scheduler_tick_seconds_count") == 2  # at start, and ours
        assert value(found, "boucle_scheduler_tick_seconds_sum") > 0
        assert value(found, "boucle_digests_total") == 1
        assert value(found, "boucle_digest_run_seconds_count") == 1
        assert found["boucle_scheduler_tick_seconds"].type == "histogram"
        assert found["boucle_messages_received"].type == "counter"
        assert found["boucle_outbox_messages"].type == "gauge"
    finally:
        await app.stop()


async def test_metrics_need_the_bearer_token(api: FakeTelegramAPI, tmp_path: Path) -> None:
    settings = settings_for(
        api, tmp_path / "boucle.db", boucle_metrics_token=SecretStr(METRICS_TOKEN)
    )
    app = await Boucle.create(settings, ManualClock(START))
    await app.start()
    try:
        for headers in (
            None,
            {"Authorization": "Bearer wrong-token"},
            {"Authorization": f"Bearer {METRICS_TOKEN}x"},
            {"Authorization": METRICS_TOKEN},
            {"Authorization": f"Basic {METRICS_TOKEN}"},
            {"Authorization": "Bearer"},
        ):
            response = await scrape(app, headers)
            assert response.status_code == 401, headers
            assert response.headers["www-authenticate"] == "Bearer"
            assert "boucle_" not in response.text
        assert (await scrape(app, BEARER)).status_code == 200
    finally:
        await app.stop()


async def test_metrics_are_off_by_default(api: FakeTelegramAPI, tmp_path: Path) -> None:
    """No token: no /metrics (404), though the server runs for /healthz when asked to."""
    settings = settings_for(api, tmp_path / "boucle.db", boucle_http_always=True)
    app = await Boucle.create(settings, ManualClock(START))
    await app.start()
    try:
        assert app.metrics is None and app.sender.metrics is None
        assert (await scrape(app, BEARER)).status_code == 404
        assert app.web is not None
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{app.web.port}/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
    finally:
        await app.stop()
    # Polling without metrics nor BOUCLE_HTTP_ALWAYS: no web server at all.
    app = await Boucle.create(settings_for(api, tmp_path / "other.db"), ManualClock(START))
    try:
        assert app.web is None
    finally:
        await app.db.close()


def test_prometheus_client_is_imported_only_when_metrics_are_on() -> None:
    """The CLI and a bot without metrics start without it (~60 ms of imports)."""
    code = (
        "import sys, bot.app, bot.cli, bot.delivery, bot.intake, bot.scheduler\n"
        "assert 'prometheus_client' not in sys.modules, 'imported'\n"
        "import bot.metrics\n"
        "assert 'prometheus_client' in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
