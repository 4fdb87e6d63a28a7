"""`boucle invite` and `boucle parse`, as a person runs them."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli import build_parser, create_invites, main
from bot.settings import Settings
from storage import events, members, profiles
from storage.db import Database
from storage.models import Profile
from tests.fakes.telegram_api import BOT_USERNAME, FakeTelegramAPI


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder (no `.env`), with the database there."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "BOUCLE_DB_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOUCLE_DB_PATH", str(tmp_path / "network.db"))
    return tmp_path


def test_invite_prints_single_use_code_on_last_line(
    capsys: pytest.CaptureFixture[str], isolated: Path
) -> None:
    assert main(["invite", "--association", "Restos du Cœur", "--commune", "NARBONNE"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    code = lines[-1]
    assert len(code) == 8 and code.isalnum() and code.isupper()
    assert "Narbonne" in lines[0]  # the commune's official spelling

    async def check() -> None:
        db = await Database.open(isolated / "network.db")
        async with db.transaction() as conn:
            invite = await members.invite_by_code(conn, code)
            association = await members.association_by_name(conn, "Restos du Cœur")
        await db.close()
        assert invite is not None and invite.used_by is None and invite.role == "member"
        assert association is not None and association.latitude is not None

    asyncio.run(check())


def test_invite_count_prints_n_distinct_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "invite",
                "--association",
                "Épicerie",
                "--commune",
                "Limoux",
                "--count",
                "5",
                "--role",
                "coordinator",
            ]
        )
        == 0
    )
    codes = capsys.readouterr().out.strip().splitlines()[-5:]
    assert len(set(codes)) == 5 and all(len(c) == 8 for c in codes)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--commune", "Nulle-Part-Sur-Rien"], "Commune inconnue"),
        (["--commune", "Limoux", "--count", "0"], "--count"),
    ],
)
def test_invite_refuses_bad_input(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["invite", "--association", "A", *args]) == 2
    assert message in capsys.readouterr().err


def test_parse_arguments_prints_one_json_per_message(capsys: pytest.CaptureFixture[str]) -> None:
    now = "2026-12-01T09:00:00+01:00"
    assert (
        main(
            ["parse", "--now", now, "Besoin de 30 kg de riz pour vendredi, Narbonne", "/prendre 7"]
        )
        == 0
    )
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["intent"] == "need" and first["deadline"] == "2026-12-04"
    assert first["place"] == "Narbonne" and first["quantity"] == 30
    assert second["intent"] == "claim" and second["post_ref"] == 7
    keys = {
        "intent",
        "urgent",
        "category",
        "quantity",
        "unit",
        "deadline",
        "place",
        "cold_chain",
        "post_ref",
    }
    assert keys <= first.keys()


def test_parse_reads_stdin_line_by_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Bonjour\n/fait 12\n"))
    assert main(["parse", "--now", "2026-12-01T09:00:00+01:00"]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["intent"] for r in results] == ["unknown", "done"]


# The stacks `boucle parse` must not load (issue 12: its start is budgeted at 0.5 s).
PLATFORM_STACKS = ("telegram", "twilio", "aiohttp", "uvicorn", "starlette", "apscheduler")
# Issue 12 (start13): nor pydantic (bot/settings_reader.py), asyncio or the report stacks.
PLATFORM_STACKS += ("pydantic", "pydantic_settings", "asyncio", "matplotlib", "openpyxl")
PLATFORM_STACKS += ("prometheus_client", "fpdf")


def test_parse_imports_no_platform_stack(tmp_path: Path) -> None:
    """In a fresh interpreter (this one has imported everything): `boucle parse` answers
    without importing the Telegram, WhatsApp, web or scheduler stacks."""
    probe = (
        "import sys\n"
        "from bot.cli import main\n"
        "status = main(['parse', '--now', '2026-12-01T09:00:00+01:00', '/prendre 7'])\n"
        f"loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({PLATFORM_STACKS!r}))\n"
        "print('LOADED', status, ','.join(loaded))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOUCLE_", "TELEGRAM_"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert json.loads(lines[0])["post_ref"] == 7
    assert lines[-1] == "LOADED 0 ", lines[-1]


def test_parse_rejects_bad_now(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--now", "mardi", "x"]) == 2
    assert "ISO" in capsys.readouterr().err


async def test_invite_prints_deep_link_when_the_bot_is_reachable(
    capsys: pytest.CaptureFixture[str], isolated: Path
) -> None:
    async with FakeTelegramAPI() as api:
        settings = Settings(
            telegram_bot_token=SecretStr(api.token),
            telegram_base_url=api.base_url,
            boucle_db_path=isolated / "network.db",
            _env_file=None,  # type: ignore[call-arg]
        )
        assert await create_invites(settings, "Restos", "Narbonne", "member", 1) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-2] == f"https://t.me/{BOT_USERNAME}?start={lines[-1]}"


def test_run_explains_incomplete_settings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC123")
    assert main(["run"]) == 2
    assert "TWILIO_AUTH_TOKEN" in capsys.readouterr().err


def test_invalid_setting_is_named_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOUCLE_GROUP_CHAT_ID", "le groupe")
    assert main(["run"]) == 2
    assert "BOUCLE_GROUP_CHAT_ID" in capsys.readouterr().err


def test_makefile_run_target_calls_a_real_command() -> None:
    """`make run` is the first thing a newcomer types."""
    makefile = (Path(__file__).parent.parent / "Makefile").read_text(encoding="utf-8")
    commands = re.findall(r"/bin/boucle (\w+)", makefile)
    assert commands, "the Makefile starts the bot"
    for command in commands:
        assert build_parser().parse_args([command]).command == command


# ------------------------------------------------------------------ boucle profil (issue 11)


async def stored_profile(path: Path, name: str) -> tuple[Profile, int]:
    """The association's profile, and how many profile changes the event log holds."""
    db = await Database.open(path)
    async with db.transaction() as conn:
        association = await members.association_by_name(conn, name)
        assert association is not None
        found = await profiles.profile_of(conn, association.id)
        logged = await events.events_of_kind(conn, "profile_changed")
    await db.close()
    assert found is not None
    return found, len(logged)


def test_profil_shows_then_changes_an_association_s_profile(
    capsys: pytest.CaptureFixture[str], isolated: Path
) -> None:
    assert main(["invite", "--association", "Épicerie", "--commune", "Limoux"]) == 0
    capsys.readouterr()
    assert main(["profil", "Épicerie"]) == 0
    shown = capsys.readouterr().out
    assert "Profil de Épicerie" in shown and "30 km (par défaut)" in shown
    assert "Limoux" in shown and "/profil" not in shown
    argv = ["profil", "Épicerie", "--commune", "Quillan", "--rayon", "45"]
    argv += ["--recoit", "laitiers, fruits", "--donne", "tout", "--capacites", "frigo, bénévoles"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "✅ Lieu : Quillan (11)" in out and "✅ Rayon : 45 km" in out
    found, changes = asyncio.run(stored_profile(isolated / "network.db", "Épicerie"))
    assert found.commune == "Quillan" and found.reach_km == 45
    assert found.takes == {"produits_laitiers", "fruits_legumes"} and found.gives is None
    assert found.cold_storage and found.volunteers and not found.dry_storage
    assert changes == 5  # five changes, five lines in the event log


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Épicerie", "--rayon", "0"], "entre 1 et 300"),
        (["Épicerie", "--rayon", "abc"], "entre 1 et 300"),
        (["Épicerie", "--commune", "Carcasone"], "Vouliez-vous dire : Carcassonne"),
        (["Épicerie", "--recoit", "bidules"], "Je n'ai pas reconnu"),
        (["Épicerie", "--capacites", "hélicoptère"], "Moyens possibles"),
        (["Nulle association", "--rayon", "40"], "Association inconnue"),
    ],
)
def test_profil_refuses_bad_values_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], isolated: Path, args: list[str], message: str
) -> None:
    assert main(["invite", "--association", "Épicerie", "--commune", "Limoux"]) == 0
    capsys.readouterr()
    # A good value beside the bad one is not stored either.
    assert main(["profil", *args, "--donne", "laitiers"]) == 2
    assert message in capsys.readouterr().err
    found, changes = asyncio.run(stored_profile(isolated / "network.db", "Épicerie"))
    assert found.reach_km == 30 and found.gives is None and changes == 0


def test_the_terminal_demo_is_not_interrupted_by_log_lines(isolated: Path) -> None:
    """`make run` with no token opens the terminal chat: one INFO line per message would cut
    into the conversation. With a platform configured, or the level set, the level holds."""
    from bot.cli import log_level_for

    bare = Settings(_env_file=None)  # type: ignore[call-arg]
    assert log_level_for("run", bare) == "WARNING"
    assert log_level_for("chat", bare) == "WARNING"
    assert log_level_for("stats", bare) == "INFO"
    chosen = Settings(_env_file=None, boucle_log_level="INFO")  # type: ignore[call-arg]
    assert log_level_for("run", chosen) == "INFO"
    online = Settings(_env_file=None, telegram_bot_token=SecretStr("1:x"))  # type: ignore[call-arg]
    assert log_level_for("run", online) == "INFO"
