"""`boucle doctor`: checks what `boucle run` needs, and says what to fix (issue 15).

Each check gives findings: `ok` (✓), `warning` (!, works but worth a look: `boucle run` fixes
it at start, or it is a hint) or `problem` (✗, the bot cannot work well until it is fixed; the
command then exits 1). The sentences are in handlers/texts.py (`doctor_*`), French or English.

It reads and never writes: the database is opened read-only (never created nor migrated), the
Telegram Bot API is asked `getMe` and `getWebhookInfo` only.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.settings import Settings
from handlers.texts import t
from storage import lock
from storage.db import migration_files

Level = Literal["ok", "warning", "problem"]
MARKS: dict[Level, str] = {"ok": "✓", "warning": "!", "problem": "✗"}
# Below this much free space in the database's folder (the WAL, a backup, a VACUUM need room).
DEFAULT_MIN_FREE_MB = 200
# Updates waiting at Telegram beyond which the bot is not keeping up (or not receiving).
BACKLOG = 100
# A webhook error older than this is history.
RECENT_ERROR = timedelta(hours=24)
# Shorter metrics tokens are guessable.
MIN_TOKEN_LENGTH = 32
TELEGRAM_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Said:
    """A value said in the reader's language: another text's key."""

    key: str


@dataclass(frozen=True)
class Size:
    """A size in bytes, said in the reader's units (Mo or MB)."""

    bytes: int


@dataclass(frozen=True)
class Finding:
    level: Level
    key: str
    values: dict[str, object] = field(default_factory=dict)

    def line(self, lang: str) -> str:
        values = {name: _said(value, lang) for name, value in self.values.items()}
        return f"{MARKS[self.level]} {t(lang, self.key, **values)}"


def _said(value: object, lang: str) -> object:
    if isinstance(value, Said):
        return t(lang, value.key)
    if isinstance(value, Size):
        return size_text(value.bytes, lang)
    return value


def ok(key: str, **values: object) -> Finding:
    return Finding("ok", key, values)


def warning(key: str, **values: object) -> Finding:
    return Finding("warning", key, values)


def problem(key: str, **values: object) -> Finding:
    return Finding("problem", key, values)


async def diagnose(
    settings: Settings,
    *,
    now: datetime,
    min_free_bytes: int = DEFAULT_MIN_FREE_MB * 1_000_000,
) -> list[Finding]:
    """Every check, in the order an operator fixes things (`now`: to date Telegram's last
    webhook error)."""
    found = check_settings(settings)
    found += check_timezone(settings.boucle_timezone)
    found += check_addresses(settings)
    found += await check_telegram(settings, now)
    found += check_database(settings.boucle_db_path)
    found += check_disk(settings.boucle_db_path, min_free_bytes)
    return found


def report(findings: list[Finding], lang: str) -> tuple[str, int]:
    """The text to print and the exit status (1 when there is a problem)."""
    problems = sum(f.level == "problem" for f in findings)
    warnings = sum(f.level == "warning" for f in findings)
    lines = [f.line(lang) for f in findings]
    lines.append(
        t(lang, "doctor_summary", checks=len(findings), problems=problems, warnings=warnings)
    )
    lines.append(t(lang, "doctor_fix_first" if problems else "doctor_all_good"))
    return "\n".join(lines), 1 if problems else 0


# ------------------------------------------------------------------ settings


def check_settings(settings: Settings) -> list[Finding]:
    found = [
        problem("doctor_settings_problem", problem=Said(key)) for key in settings.problem_keys()
    ]
    if not settings.telegram_enabled and not settings.whatsapp_enabled:
        found.append(problem("doctor_no_channel"))
    token = settings.boucle_metrics_token
    if token is not None and len(token.get_secret_value()) < MIN_TOKEN_LENGTH:
        found.append(warning("doctor_metrics_token_short", length=len(token.get_secret_value())))
    return found or [ok("doctor_settings_ok")]


def check_timezone(zone: str) -> list[Finding]:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return [problem("doctor_timezone_unknown", zone=zone)]
    return [ok("doctor_timezone_ok", zone=zone)]


def check_addresses(settings: Settings) -> list[Finding]:
    """The public address Twilio signs, and the Telegram webhook's: HTTPS, and the webhook
    at the path the bot serves it on."""
    found: list[Finding] = []
    public = settings.boucle_public_url
    if public:
        parts = urlsplit(public)
        if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
            found.append(problem("doctor_public_url_bad", url=public))
        else:
            found.append(ok("doctor_public_url_ok", url=public))
    webhook = settings.telegram_webhook_url
    if webhook and settings.telegram_enabled:
        parts = urlsplit(webhook)
        if parts.scheme != "https" or not parts.netloc or not parts.path.endswith("/telegram"):
            found.append(problem("doctor_webhook_url_bad", url=webhook))
    return found


# ------------------------------------------------------------------ Telegram


async def check_telegram(settings: Settings, now: datetime) -> list[Finding]:
    """The token (getMe) and the webhook as Telegram sees it (getWebhookInfo)."""
    if not settings.telegram_enabled or settings.telegram_bot_token is None:
        return []
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError
    from telegram.request import HTTPXRequest

    request = HTTPXRequest(
        connect_timeout=TELEGRAM_TIMEOUT_SECONDS, read_timeout=TELEGRAM_TIMEOUT_SECONDS
    )
    bot = Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_base_url,
        request=request,
        get_updates_request=request,
    )
    try:
        async with bot:
            found = [ok("doctor_telegram_ok", username=bot.username)]
            info = await bot.get_webhook_info()
    except InvalidToken:
        return [problem("doctor_telegram_refused")]
    except (TelegramError, OSError) as error:
        return [problem("doctor_telegram_unreachable", error=type(error).__name__)]
    running = lock.holder(settings.boucle_db_path) is not None
    # Telegram's own view: what `boucle run` sets at start, so a difference is a problem only
    # while it runs.
    drift: Level = "problem" if running else "warning"
    expected = settings.telegram_webhook_url or ""
    pending = info.pending_update_count
    if expected and info.url == expected:
        found.append(ok("doctor_webhook_ok", url=info.url, pending=pending))
    elif expected and not info.url:
        found.append(Finding(drift, "doctor_webhook_not_set"))
    elif expected:
        found.append(
            Finding(drift, "doctor_webhook_mismatch", {"actual": info.url, "expected": expected})
        )
    elif info.url:
        found.append(Finding(drift, "doctor_webhook_in_polling", {"actual": info.url}))
    else:
        found.append(ok("doctor_polling_ok", pending=pending))
    if pending > BACKLOG:
        found.append(warning("doctor_webhook_backlog", pending=pending))
    when = info.last_error_date
    if when is not None and info.last_error_message and now - when < RECENT_ERROR:
        found.append(
            warning(
                "doctor_webhook_error",
                when=f"{when.astimezone(ZoneInfo(_zone(settings))):%d/%m %H:%M}",
                error=info.last_error_message,
            )
        )
    return found


def _zone(settings: Settings) -> str:
    try:
        ZoneInfo(settings.boucle_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return settings.boucle_timezone


# ------------------------------------------------------------------ database and disk


def writable(folder: Path) -> bool:
    """Whether a file can be created in `folder` (tried: permissions, a read-only mount, a
    full disk all answer here)."""
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".boucle-doctor-"):
            return True
    except OSError:
        return False


def check_database(path: Path) -> list[Finding]:
    folder = path.absolute().parent
    if not folder.is_dir():
        return [problem("doctor_db_folder_missing", folder=folder)]
    found: list[Finding] = []
    if not writable(folder):
        found.append(problem("doctor_db_folder_readonly", folder=folder))
    if not path.exists():
        return [*found, warning("doctor_db_missing", path=path)]
    pid = lock.holder(path)
    found.append(ok("doctor_bot_running", pid=pid) if pid is not None else ok("doctor_bot_stopped"))
    try:
        found += _inspect(path)
    except sqlite3.Error as error:
        found.append(problem("doctor_db_damaged", path=path, error=str(error)))
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        found.append(warning("doctor_db_open_to_others", path=path))
    return found


def _inspect(path: Path) -> list[Finding]:
    """Read-only: integrity (quick_check), journal mode, migrations against this code's."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5.0)) as conn:
        checks = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
        if checks != ["ok"]:
            return [problem("doctor_db_damaged", path=path, error="; ".join(checks[:3]))]
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        applied = (
            {str(row[0]) for row in conn.execute("SELECT name FROM schema_migrations")}
            if has_table
            else set()
        )
    known = {name for name, _ in migration_files()}
    found: list[Finding] = []
    if unknown := sorted(applied - known):
        found.append(problem("doctor_db_newer", names=", ".join(unknown)))
    if pending := known - applied:
        found.append(warning("doctor_db_pending", count=len(pending)))
    if mode != "wal":
        found.append(warning("doctor_db_not_wal"))
    if not found:
        found.append(ok("doctor_db_ok", path=path, size=Size(path.stat().st_size)))
    return found


def check_disk(path: Path, min_free_bytes: int) -> list[Finding]:
    folder = path.absolute().parent
    if not folder.is_dir():
        return []
    free = shutil.disk_usage(folder).free
    values = {"free": Size(free), "folder": folder}
    if free < min_free_bytes:
        return [problem("doctor_disk_low", minimum=Size(min_free_bytes), **values)]
    return [ok("doctor_disk_ok", **values)]


def size_text(size: int, lang: str) -> str:
    units = (
        (("Go", 1e9), ("Mo", 1e6), ("ko", 1e3))
        if lang == "fr"
        else (
            ("GB", 1e9),
            ("MB", 1e6),
            ("kB", 1e3),
        )
    )
    for unit, scale in units:
        if size >= scale:
            text = f"{size / scale:.1f} {unit}"
            return text.replace(".", ",") if lang == "fr" else text
    return f"{size} {'octets' if lang == 'fr' else 'bytes'}"
