"""The administrator's CLI (issue 15): `boucle members` (list, filters, remove, promote, with
the chat's rules), `boucle invites` (every association's open codes), `boucle stats` (queues,
messages in and out, errors, 429s, digests; its queries on indexes) and `boucle doctor`
(settings, token, webhook, database, disk, time zone; French and English; exit 1 on a
problem)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli import main, show_stats
from bot.clock import ManualClock
from bot.doctor import Finding, diagnose, report
from bot.settings import Settings
from handlers.understanding import Gazetteer
from storage import deliveries, lock, members, stats
from storage.db import Database
from tests.conftest import START
from tests.fakes.telegram_api import BOT_USERNAME, FakeTelegramAPI
from tests.network import CHANNEL, Network

PHONE = "+33612345678"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder (no `.env`), no channel settings, the database `network.db`."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("BOUCLE_", "TELEGRAM_", "TWILIO_")):
            monkeypatch.delenv(name)
    path = tmp_path / "network.db"
    monkeypatch.setenv("BOUCLE_DB_PATH", str(path))
    return path


@pytest.fixture
async def network_file(cli_env: Path, gazetteer: Gazetteer) -> AsyncIterator[Network]:
    """A network in `network.db`: Camille coordinates the food bank with Ada and Zoé (who
    gave her phone number); Bob coordinates the Restos alone."""
    db = await Database.open(cli_env)
    network = Network(db, ManualClock(START), gazetteer)
    await network.join("camille", "Banque Alimentaire", role="coordinator")
    await network.join("ada", "Banque Alimentaire")
    await network.join("zoe", "Banque Alimentaire")
    await network.join("bob", "Restos du Cœur", "Narbonne", role="coordinator")
    async with db.transaction() as conn:
        zoe = await members.member_by_address(conn, CHANNEL, "zoe")
        assert zoe is not None
        await members.add_identity(conn, zoe.id, "whatsapp", PHONE, PHONE, START)
    try:
        yield network
    finally:
        await db.close()


def cli(*argv: str) -> int:
    return main(list(argv))


async def in_thread(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


# ------------------------------------------------------------------ boucle members


async def test_members_lists_with_filters_and_never_a_phone_number(
    network_file: Network, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await in_thread("members") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "4 membre(s)."
    # By association, coordinators first: the number is the one /membres shows.
    assert [line.split()[0] for line in lines[1:]] == ["n°1", "n°2", "n°3", "n°4"]
    assert "Camille  coordinateur  actif  Banque Alimentaire  test  depuis le 01/12/2026" in out
    assert "Zoé" not in out and "Zoe  membre  actif  Banque Alimentaire  test,whatsapp" in out
    assert PHONE not in out and "612345678" not in out

    assert await in_thread("members", "--association", "restos du cœur") == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:3] == ["n°4", "Bob", "coordinateur"]
    assert await in_thread("members", "--role", "coordinator", "--limit", "1") == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0] == "2 membre(s)." and len(listed) == 3
    assert listed[2].startswith("… et 1 autre(s)")
    assert await in_thread("members", "--association", "Nulle Part") == 2
    assert "Association inconnue" in capsys.readouterr().err


async def test_members_remove_follows_the_chat_s_rules(
    network_file: Network, capsys: pytest.CaptureFixture[str]
) -> None:
    network = network_file
    # News waiting for Ada (queued, not yet sent) is not sent once she is removed.
    await network.dispatcher.handle(network.incoming("bob", "/don 10 kg de pommes à Narbonne"))
    assert await in_thread("members", "--remove", "2") == 0
    assert "Ada (n°2, Banque Alimentaire) est retiré·e du réseau" in capsys.readouterr().out
    await network.deliver()
    assert network.take_inbox("ada") == [] and "pommes" in network.take_inbox("zoe")[0]
    assert await in_thread("members", "--status", "removed") == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:4] == ["n°2", "Ada", "membre", "retiré"]
    # The chat now treats her as a stranger.
    assert "code d'invitation" in (await network.say("ada", "/liste"))[0]
    # Camille is the food bank's last coordinator (Zoé remains): refused, as in the chat.
    assert await in_thread("members", "--remove", "1") == 2
    assert "dernier coordinateur" in capsys.readouterr().err
    # Bob alone in his association may go.
    assert await in_thread("members", "--remove", "4") == 0
    assert await in_thread("members", "--remove", "4") == 2
    assert "Aucun membre n°4" in capsys.readouterr().err
    assert await in_thread("members") == 0
    assert capsys.readouterr().out.startswith("2 membre(s).")


async def test_members_promote_then_the_last_coordinator_stays(
    network_file: Network, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await in_thread("members", "--promote", "3") == 2
    assert "--role" in capsys.readouterr().err
    assert await in_thread("members", "--promote", "3", "--role", "coordinator") == 0
    assert "rôle member → coordinator" in capsys.readouterr().out
    assert await in_thread("members", "--promote", "1", "--role", "member") == 0
    assert await in_thread("members", "--promote", "3", "--role", "member") == 2
    assert "dernier coordinateur" in capsys.readouterr().err
    # Bob, alone: the chat keeps him coordinator (`/retrograder`), so does the CLI now.
    assert await in_thread("members", "--promote", "4", "--role", "member") == 2
    assert await in_thread("members", "--role", "admin") == 0
    assert capsys.readouterr().out.startswith("0 membre(s).")


def test_read_only_commands_create_no_database(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("members", "stats", "invites"):
        assert cli(command) == 1
        assert "Base introuvable" in capsys.readouterr().err
    assert not cli_env.exists()


# ------------------------------------------------------------------ boucle invites


def test_invites_lists_every_association_s_open_codes(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("invite", "--association", "Restos", "--commune", "Narbonne", "--count", "2") == 0
    restos = capsys.readouterr().out.strip().splitlines()[-2:]
    assert cli("invite", "--association", "Croix-Rouge", "--commune", "Limoux") == 0
    croix = capsys.readouterr().out.strip().splitlines()[-1]
    assert cli("invites", "--revoke", restos[0]) == 0
    capsys.readouterr()
    assert cli("invites") == 0
    out = capsys.readouterr().out
    assert out.startswith("2 code(s) en cours.")
    assert f"{croix}  member" in out and "Croix-Rouge" in out
    assert f"{restos[1]}  member" in out and restos[0] not in out


# ------------------------------------------------------------------ boucle stats


async def test_stats_count_queues_traffic_errors_and_digests(
    network_file: Network, capsys: pytest.CaptureFixture[str]
) -> None:
    network = network_file
    await network.say("bob", "/don 10 kg de pommes à Narbonne")  # 4 relays and a reply
    async with network.db.transaction() as conn:
        await deliveries.record_attempt(conn, 1, 2, START, deliveries.RATE_LIMITED, "429")
        await deliveries.record_attempt(conn, 2, 2, START, deliveries.UNREACHABLE, "403")
        await conn.execute("UPDATE outbox SET state = 'queued', sent_at = NULL WHERE id IN (3, 4)")
        [[sent]] = await conn.execute_fetchall("SELECT COUNT(*) FROM outbox WHERE state = 'sent'")
        await conn.execute(
            "UPDATE digest_schedule SET last_sent_at = ? WHERE member_id = 1", (START.isoformat(),)
        )
    now = START + timedelta(minutes=30)
    assert await show_stats(Settings(_env_file=None), now) == 0  # type: ignore[call-arg]
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("File d'envoi : 2 en attente, le plus ancien depuis 30 min, 0 en")
    assert out[1] == "Messages reçus (1 h / 24 h) : test 5 / 5."  # 4 joins and the post
    assert out[2] == f"Messages envoyés (1 h / 24 h) : test {sent} / {sent}."
    assert sent >= 7  # 4 welcomes, 2 arrival notices, the reply, the relays
    assert out[3] == "Erreurs d'envoi (24 h) : unreachable 1."
    assert out[4] == "Réponses 429 (trop de messages, 24 h) : 1."
    assert out[5].startswith("Points quotidiens : le dernier le 01/12/2026 09:00, 1 en 24 h")
    later = START + timedelta(hours=2)
    assert await show_stats(Settings(_env_file=None), later) == 0  # type: ignore[call-arg]
    assert "test 0 / 5" in capsys.readouterr().out


async def test_stats_queries_read_indexes_not_the_history(db: Database) -> None:
    """At scale the outbox holds millions of sent rows within the retention: each figure
    reads an index range, never the whole table."""
    since = START.isoformat()
    plans = {
        "sent": (
            "SELECT channel, COUNT(*) FROM outbox INDEXED BY outbox_sent_at"
            " WHERE sent_at >= ? GROUP BY channel",
            (since,),
        ),
        "attempts": (
            "SELECT outcome, COUNT(*) FROM delivery_attempts INDEXED BY"
            " delivery_attempts_at WHERE at >= ? GROUP BY outcome",
            (since,),
        ),
        "received": (
            "SELECT channel, COUNT(*) FROM inbox WHERE received_at >= ? GROUP BY channel",
            (since,),
        ),
        "queue": (
            "SELECT state, COUNT(*) FROM outbox WHERE state IN (?, ?, ?) GROUP BY state",
            stats.WAITING_STATES,
        ),
        "oldest": ("SELECT MIN(created_at) FROM outbox WHERE state = 'queued'", ()),
    }
    async with db.transaction() as conn:
        for name, (sql, params) in plans.items():
            rows = await conn.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[3]) for row in rows)
            assert "USING" in plan and "INDEX" in plan, (name, plan)
            assert not any(
                str(row[3]).startswith("SCAN outbox") and "INDEX" not in str(row[3]) for row in rows
            ), (name, plan)
        # The functions run the same statements.
        await stats.sent_since(conn, START)
        await stats.attempts_since(conn, START)


# ------------------------------------------------------------------ boucle doctor


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture
async def fresh_db(tmp_path: Path) -> Path:
    path = tmp_path / "boucle.db"
    db = await Database.open(path)
    await db.close()
    return path


def settings_of(api: FakeTelegramAPI, db_path: Path, **more: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": SecretStr(api.token),
        "telegram_base_url": api.base_url,
        "boucle_db_path": db_path,
    }
    values.update(more)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def keys(findings: list[Finding], level: str) -> list[str]:
    return [f.key for f in findings if f.level == level]


async def test_doctor_on_a_good_setup_says_all_is_ready(
    api: FakeTelegramAPI, fresh_db: Path
) -> None:
    findings = await diagnose(settings_of(api, fresh_db), now=START)
    text, status = report(findings, "fr")
    assert status == 0, text
    assert keys(findings, "problem") == [] and keys(findings, "warning") == []
    assert f"✓ Telegram accepte le jeton : le bot est @{BOT_USERNAME}." in text
    assert "✓ Telegram en polling (sans webhook) : 0 mise(s) à jour en attente." in text
    assert "intègre, mode WAL, migrations à jour" in text and text.endswith("Tout est prêt.")
    assert "✓ Boucle ne tourne pas sur cette base en ce moment." in text
    with lock.hold(fresh_db):
        running = await diagnose(settings_of(api, fresh_db), now=START)
    assert f"processus {os.getpid()}" in report(running, "fr")[0]


async def test_doctor_says_the_token_is_refused_in_french_and_english(
    api: FakeTelegramAPI, fresh_db: Path
) -> None:
    settings = settings_of(api, fresh_db, telegram_bot_token=SecretStr("123456:" + "W" * 35))
    findings = await diagnose(settings, now=START)
    assert keys(findings, "problem") == ["doctor_telegram_refused"]
    french, status = report(findings, "fr")
    english, _ = report(findings, "en")
    assert status == 1
    assert "✗ Telegram refuse le jeton : recopiez TELEGRAM_BOT_TOKEN depuis @BotFather" in french
    assert "✗ Telegram refuses the token: copy TELEGRAM_BOT_TOKEN again" in english
    assert english.endswith("Fix the ✗ lines, then run boucle doctor again.")
    assert "W" * 35 not in french + english


async def test_doctor_when_telegram_does_not_answer(fresh_db: Path) -> None:
    with socket_closed() as port:
        settings = Settings(
            telegram_bot_token=SecretStr("123456:" + "A" * 35),
            telegram_base_url=f"http://127.0.0.1:{port}/bot",
            boucle_db_path=fresh_db,
            _env_file=None,  # type: ignore[call-arg]
        )
        findings = await diagnose(settings, now=START)
    assert keys(findings, "problem") == ["doctor_telegram_unreachable"]
    assert "NetworkError" in report(findings, "fr")[0]


@contextlib.contextmanager
def socket_closed() -> Iterator[int]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield port


async def test_doctor_reads_the_webhook_as_telegram_sees_it(
    api: FakeTelegramAPI, fresh_db: Path
) -> None:
    hook = "https://boucle.example.org/telegram"
    webhook = {"telegram_webhook_url": hook, "telegram_webhook_secret": SecretStr("s3cret")}
    found = await diagnose(settings_of(api, fresh_db, **webhook), now=START)
    assert keys(found, "warning") == ["doctor_webhook_not_set"]  # the bot sets it at start
    api.webhook = {"url": "https://old.example.org/telegram"}
    found = await diagnose(settings_of(api, fresh_db, **webhook), now=START)
    assert keys(found, "warning") == ["doctor_webhook_mismatch"]
    with lock.hold(fresh_db):  # while the bot runs, it is a problem
        found = await diagnose(settings_of(api, fresh_db, **webhook), now=START)
    assert keys(found, "problem") == ["doctor_webhook_mismatch"]
    api.webhook = {"url": hook}
    for n in range(150):
        api.send_text(111, f"m{n}")
    api.webhook_last_error = (int(START.timestamp()) - 600, "Wrong response from the webhook")
    found = await diagnose(settings_of(api, fresh_db, **webhook), now=START)
    assert keys(found, "warning") == ["doctor_webhook_backlog", "doctor_webhook_error"]
    text = report(found, "en")[0]
    assert f"✓ Telegram webhook: {hook}, 150 update(s) waiting." in text
    assert "(01/12 08:50): “Wrong response from the webhook”" in text
    # In polling mode, a webhook left registered is said.
    found = await diagnose(settings_of(api, fresh_db), now=START)
    assert "doctor_webhook_in_polling" in keys(found, "warning")
    # A webhook URL Boucle does not serve, or not HTTPS.
    bad = {**webhook, "telegram_webhook_url": "http://boucle.example.org/hook"}
    found = await diagnose(settings_of(api, fresh_db, **bad), now=START)
    assert "doctor_webhook_url_bad" in keys(found, "problem")


async def test_doctor_on_broken_settings(
    api: FakeTelegramAPI, fresh_db: Path, tmp_path: Path
) -> None:
    found = await diagnose(settings_of(api, fresh_db, boucle_timezone="Europe/Pariss"), now=START)
    assert keys(found, "problem") == ["doctor_timezone_unknown"]
    assert "Fuseau horaire inconnu : « Europe/Pariss »" in report(found, "fr")[0]

    whatsapp = {
        "twilio_account_sid": "AC123",
        "twilio_auth_token": SecretStr("t" * 32),
        "twilio_whatsapp_from": "whatsapp:+14155238886",
    }
    found = await diagnose(settings_of(api, fresh_db, **whatsapp), now=START)
    assert keys(found, "problem") == ["doctor_settings_problem"]
    assert "WhatsApp needs BOUCLE_PUBLIC_URL" in report(found, "en")[0]
    public = {**whatsapp, "boucle_public_url": "http://boucle.example.org/?x=1"}
    found = await diagnose(settings_of(api, fresh_db, **public), now=START)
    assert keys(found, "problem") == ["doctor_public_url_bad"]

    found = await diagnose(
        settings_of(api, fresh_db, boucle_metrics_token=SecretStr("abc")), now=START
    )
    assert keys(found, "warning") == ["doctor_metrics_token_short"]

    found = await diagnose(Settings(boucle_db_path=fresh_db, _env_file=None), now=START)  # type: ignore[call-arg]
    assert keys(found, "problem") == ["doctor_no_channel"]

    # A full disk, simulated by asking for more free space than any disk has.
    found = await diagnose(settings_of(api, fresh_db), now=START, min_free_bytes=10**18)
    assert keys(found, "problem") == ["doctor_disk_low"]
    assert "(minimum 1000000000,0 Go)" in report(found, "fr")[0]


async def test_doctor_on_database_trouble(api: FakeTelegramAPI, tmp_path: Path) -> None:
    # A folder the bot cannot write in. As root permissions do not stop us: /proc/self then.
    if os.geteuid() == 0:
        readonly = Path("/proc/self")
    else:
        readonly = tmp_path / "readonly"
        readonly.mkdir(mode=0o500)
    found = await diagnose(settings_of(api, readonly / "boucle.db"), now=START)
    assert "doctor_db_folder_readonly" in keys(found, "problem")
    found = await diagnose(settings_of(api, tmp_path / "none" / "boucle.db"), now=START)
    assert "doctor_db_folder_missing" in keys(found, "problem")
    found = await diagnose(settings_of(api, tmp_path / "new.db"), now=START)
    assert keys(found, "warning") == ["doctor_db_missing"] and keys(found, "problem") == []
    assert not (tmp_path / "new.db").exists()  # never created

    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a database" * 1000)
    found = await diagnose(settings_of(api, damaged), now=START)
    assert keys(found, "problem") == ["doctor_db_damaged"]

    path = tmp_path / "boucle.db"
    db = await Database.open(path)
    await db.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE name LIKE '0028%'")
        conn.execute("INSERT INTO schema_migrations (name) VALUES ('9999_from_the_future.sql')")
        conn.commit()
        conn.execute("PRAGMA journal_mode=DELETE")
    path.chmod(0o644)
    found = await diagnose(settings_of(api, path), now=START)
    assert keys(found, "problem") == ["doctor_db_newer"]
    assert keys(found, "warning") == [
        "doctor_db_pending",
        "doctor_db_not_wal",
        "doctor_db_open_to_others",
    ]
    assert "9999_from_the_future.sql" in report(found, "fr")[0]


def test_doctor_from_the_command_line_exits_1_on_a_problem(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOUCLE_TIMEZONE", "Mars/Olympus")
    assert cli("doctor", "--lang", "en", "--min-free-mb", "1") == 1
    out = capsys.readouterr().out
    assert "✗ Unknown time zone: “Mars/Olympus”" in out and "✗ No channel configured" in out
    assert "Boucle doctor: " in out and not cli_env.exists()
