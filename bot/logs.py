"""Logging for the whole process: one stderr handler, our level, quiet libraries, no secrets.

`configure_logging(level, secrets)` is called once per command (again is fine: it replaces its
own handler, it never stacks one). Every record, from any logger, passes the handler's
`RedactingFilter` before it is written: the message is formatted (`msg % args`), the exception
and stack text rendered, then every registered secret, anything shaped like a Telegram token
or an HTTP basic credential, and every phone number becomes `***`. The record keeps only that
redacted text (`args` cleared), so no later handler can format the originals again.

One event, one line (issue 15): `BOUCLE_LOG_FORMAT=json` writes each record as one JSON object
(time, level, logger, message, the fields passed with `extra=` such as `post` and `member`,
the traceback as a field); `text` (the default) writes "time LEVEL logger: message key=value",
the message's own line breaks escaped, a traceback on the lines below it.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Literal, TextIO
from urllib.parse import quote

if TYPE_CHECKING:  # pydantic is imported when the settings are (issue 12: `boucle parse`)
    from pydantic import BaseModel

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Our own loggers (`logging.getLogger(__name__)` in these packages) follow BOUCLE_LOG_LEVEL.
OURS = ("bot", "handlers", "storage")
# Libraries stay at WARNING whatever our level. Any other logger inherits the root's WARNING.
THIRD_PARTY = (
    "aiohttp",
    "aiolimiter",
    "apscheduler",
    "asyncio",
    "h11",
    "h2",
    "hpack",
    "httpcore",
    "httpx",
    "multipart",
    "python_multipart",
    "starlette",
    "telegram",
    "twilio",
    "urllib3",
    "uvicorn",
)
THIRD_PARTY_LEVEL = logging.WARNING
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"
LogFormat = Literal["text", "json"]
FORMATS: tuple[LogFormat, ...] = ("text", "json")

# A Telegram bot token: the bot's id, a colon, 35 characters of base64url (be generous).
_TELEGRAM_TOKEN = re.compile(r"(?<![\w-])\d{5,}:[A-Za-z0-9_-]{30,}")
# The token's place in Bot API URLs (https://api.telegram.org/bot<token>/getMe), whatever it is.
_BOT_API_PATH = re.compile(r"(/bot)\d[^/\s'\"?#]*")
# HTTP basic credentials (Twilio's Authorization header), in headers, dicts and reprs.
_BASIC_AUTH = re.compile(r"\b(Basic|BASIC|basic)\s+[A-Za-z0-9+/_-]{8,}={0,2}")
_AUTH_HEADER = re.compile(
    r"(?i)(authorization|x-telegram-bot-api-secret-token)(['\"]?\s*[:=]\s*['\"]?)"
    r"(?!basic\b|bearer\b)[^\s'\",}]+"
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s'\",}]+")
# aiohttp's BasicAuth(login='AC…', password='…') and user:password@host in URLs.
_PASSWORD = re.compile(r"(password=)(['\"]?)[^'\",)\s]+")
_URL_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+(@)")
# Phone numbers (issue 15): international (+33 6 12 34 56 78, +33 (0)6…, 0033…, whatsapp:+…,
# percent-encoded %2B33…, wa.me/33…; separators among spaces, dots and dashes) and French
# national (06 12 34 56 78, 06.12.34.56.78, 0612345678). Ids, dates and amounts do not have
# these shapes.
_SEPARATOR = r"[ \u00a0.\-]?"
_INTERNATIONAL_PHONE = re.compile(
    rf"(?:(?<![\w+])(?:\+|00)|%2[Bb]|(?<=wa\.me/))[1-9]\d{{0,2}}{_SEPARATOR}"
    rf"(?:\(0\){_SEPARATOR})?\d(?:{_SEPARATOR}\d){{5,13}}(?!\d)"
)
_NATIONAL_PHONE = re.compile(rf"(?<![\w+])0[1-9](?:{_SEPARATOR}\d\d){{4}}(?!\d)")

_MARK = "_boucle_redacted"


class Redactor:
    """Replaces secrets, and whatever looks like one, by `***` in any text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        variants: set[str] = set()
        numbers: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            variants.update(_variants(secret))
            bot_id, colon, rest = secret.partition(":")
            if colon and bot_id.isdigit() and rest:
                # A Telegram token: its secret half, and the bot's id next to it, never appear.
                variants.update(_variants(rest))
                numbers.add(bot_id)
        # Longest first, so that a secret containing another one goes whole.
        ordered = sorted(variants, key=len, reverse=True)
        self._literal = re.compile("|".join(re.escape(v) for v in ordered)) if ordered else None
        self._numbers = (
            re.compile(
                r"(?<!\d)(?:" + "|".join(sorted(numbers, key=len, reverse=True)) + r")(?!\d)"
            )
            if numbers
            else None
        )

    def __call__(self, text: str) -> str:
        # Shapes first: a literal replaced inside a token would leave the rest unrecognisable.
        text = _TELEGRAM_TOKEN.sub(MASK, text)
        text = _BOT_API_PATH.sub(rf"\1{MASK}", text)
        if self._literal is not None:
            text = self._literal.sub(MASK, text)
        text = _BASIC_AUTH.sub(rf"\1 {MASK}", text)
        text = _BEARER.sub(rf"\1 {MASK}", text)
        text = _AUTH_HEADER.sub(rf"\1\2{MASK}", text)
        text = _PASSWORD.sub(rf"\1\2{MASK}", text)
        text = _URL_USERINFO.sub(rf"\1{MASK}\2", text)
        if self._numbers is not None:
            text = self._numbers.sub(MASK, text)
        text = _INTERNATIONAL_PHONE.sub(MASK, text)
        return _NATIONAL_PHONE.sub(MASK, text)


def _variants(secret: str) -> set[str]:
    """The forms a secret takes on the wire: as is, percent-encoded, in base64."""
    forms = {secret, quote(secret, safe=""), quote(secret)}
    forms.add(base64.b64encode(secret.encode()).decode().rstrip("="))
    return {form for form in forms if form}


class RedactingFilter(logging.Filter):
    """Formats each record once, redacted, and leaves nothing unredacted on it."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _MARK, None) is self.redactor:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: still say what was logged, redacted
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = self.redactor(message)
        record.args = None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = self._formatter.formatException(record.exc_info)
            # The exception object itself (its args, its traceback's locals) is dropped: a
            # handler that renders exc_info again would see the secret.
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redactor(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor(record.stack_info)
        for name, value in extra_fields(record).items():
            if not isinstance(value, bool | int | float | None):
                setattr(record, name, self.redactor(str(value)))
        setattr(record, _MARK, self.redactor)
        return True


# What every LogRecord has; anything else on a record came with `extra=` (post, member...).
_STANDARD = frozenset(
    {*logging.makeLogRecord({}).__dict__, "message", "asctime", "taskName", "color_message"}
)


def extra_fields(record: logging.LogRecord) -> dict[str, object]:
    """The fields a log call passed with `extra=` (`{"post": 12, "member": 37}`), in order."""
    return {
        name: value
        for name, value in record.__dict__.items()
        if name not in _STANDARD and not name.startswith("_")
    }


class RedactingFormatter(logging.Formatter):
    """ "time LEVEL logger: message key=value…", the message on one line, then a last pass over
    the written text (whatever the format string adds)."""

    def __init__(self, redactor: Redactor, fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.redactor = redactor

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        line = line.replace("\r", "\\r").replace("\n", "\\n")
        fields = extra_fields(record)
        if fields:
            line += " " + " ".join(f"{name}={_field_text(value)}" for name, value in fields.items())
        return line

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor(super().format(record))


def _field_text(value: object) -> str:
    text = str(value)
    if not text or any(c.isspace() or c in '"=' for c in text):
        return json.dumps(text, ensure_ascii=False)
    return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the `extra=`
    fields, and `exception` / `stack` when there is one; redacted once more as a whole."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, object] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in extra_fields(record).items():
            entry.setdefault(name, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return self.redactor(json.dumps(entry, ensure_ascii=False, default=str))


class BoucleHandler(logging.StreamHandler[TextIO]):
    """Writes to the given stream, or to whatever `sys.stderr` is at the time of writing."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream if stream is not None else sys.stderr)
        self._follow_stderr = stream is None

    def emit(self, record: logging.LogRecord) -> None:
        if self._follow_stderr:
            self.stream = sys.stderr
        super().emit(record)


def configure_logging(
    level: str, secrets: Iterable[str], stream: TextIO | None = None, fmt: str = "text"
) -> None:
    """Our loggers at `level` (DEBUG/INFO/WARNING/ERROR), libraries at WARNING, one handler
    writing `fmt` ("text" or "json", one line per event).

    `secrets` are redacted from every line; Telegram tokens, basic credentials and phone
    numbers are redacted even when not given. Uncaught exceptions are logged through the same
    handler."""
    name = level.strip().upper()
    if name not in LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LEVELS)}, not {level!r}")
    form = fmt.strip().lower()
    if form not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    redactor = Redactor(secrets)
    handler = BoucleHandler(stream)
    handler.addFilter(RedactingFilter(redactor))
    handler.setFormatter(
        JsonFormatter(redactor) if form == "json" else RedactingFormatter(redactor)
    )

    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, BoucleHandler)]:
        root.removeHandler(old)
        old.close()
    # First, so that any other handler on the root sees the records already redacted.
    root.handlers.insert(0, handler)
    root.setLevel(THIRD_PARTY_LEVEL)
    for logger_name in OURS:
        logging.getLogger(logger_name).setLevel(name)
    for logger_name in THIRD_PARTY:
        logging.getLogger(logger_name).setLevel(THIRD_PARTY_LEVEL)
    sys.excepthook = _log_uncaught


def _log_uncaught(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    """A crash is written through the redacting handler, not by Python's default hook."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    try:
        logging.getLogger("bot").critical("uncaught exception", exc_info=(kind, value, tb))
    except Exception:  # logging itself broken: the type only, never the message
        print(f"uncaught {kind.__name__}", file=sys.stderr)


def settings_secrets(settings: BaseModel) -> list[str]:
    """The value of every SecretStr field of `settings` (a new secret field is covered too)."""
    from pydantic import SecretStr

    found: list[str] = []
    for field in type(settings).model_fields:
        value = getattr(settings, field)
        if isinstance(value, SecretStr) and value.get_secret_value():
            found.append(value.get_secret_value())
    return found
