"""Nothing secret in logs: the redacting handler, quiet libraries, BOUCLE_LOG_LEVEL, and whole
loops at DEBUG (Telegram through python-telegram-bot's HTTP stack, WhatsApp through the twilio
client) whose every captured line is searched for the token, the auth token and the secret."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from bot.app import Boucle
from bot.cli import main
from bot.clock import ManualClock
from bot.logs import (
    MASK,
    OURS,
    THIRD_PARTY,
    BoucleHandler,
    JsonFormatter,
    Redactor,
    configure_logging,
    settings_secrets,
)
from bot.settings import Settings
from tests.conftest import START
from tests.fakes.telegram_api import FakeTelegramAPI, SentMessage
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeTwilioAPI
from tests.network import invite_three

# Shaped like real ones: BotFather's tokens are the bot's id, a colon and 35 characters.
BOT_ID = "7012345678"
TOKEN_SECRET = "AAFq3x_Zb8kLmN0pQrStUvWxYz-1234567"
TOKEN = f"{BOT_ID}:{TOKEN_SECRET}"
WEBHOOK_SECRET = "hook-Secret_9f8e7d6c5b4a"
PUBLIC = "https://boucle.example.org"
ALICE, BOB, GROUP = 111, 222, -1001234
AWA = "+33611111111"

# Every library, and the root, at DEBUG: the worst case a redaction must survive.
EVERYTHING = ("", *THIRD_PARTY)


def capture(level: str = "DEBUG", secrets: tuple[str, ...] = ()) -> io.StringIO:
    stream = io.StringIO()
    configure_logging(level, secrets, stream=stream)
    return stream


def open_everything() -> None:
    for name in EVERYTHING:
        logging.getLogger(name).setLevel(logging.DEBUG)


def logger_names(text: str) -> set[str]:
    """The logger of each line written with our format ("date time LEVEL name: message")."""
    return set(re.findall(r"^\S+ \S+ [A-Z]+ ([\w.]+): ", text, flags=re.MULTILINE))


def assert_no_secret(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret!r} written to the log"


# ------------------------------------------------------------------------------ redaction


def test_message_args_and_exception_are_redacted() -> None:
    stream = capture(secrets=(TOKEN, AUTH_TOKEN))
    seen: list[logging.LogRecord] = []

    class Later(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    logging.getLogger().addHandler(Later())
    log = logging.getLogger("bot.test")
    try:
        raise RuntimeError(f"Twilio refused {AUTH_TOKEN} for bot {TOKEN}")
    except RuntimeError as error:
        log.error("call with %s failed: %r (%s)", TOKEN, error, AUTH_TOKEN, exc_info=True)
    log.info(f"message with {AUTH_TOKEN} in the format string itself, 100%")

    text = stream.getvalue()
    assert_no_secret(text, TOKEN, TOKEN_SECRET, BOT_ID, AUTH_TOKEN)
    assert "call with *** failed" in text and "RuntimeError: Twilio refused ***" in text
    assert "Traceback" in text and "in the format string itself, 100%" in text
    # A handler after ours gets the record already redacted, with nothing left to format again.
    assert len(seen) == 2
    for record in seen:
        assert not record.args and record.exc_info is None
        rendered = logging.Formatter().format(record)
        assert_no_secret(rendered, TOKEN, AUTH_TOKEN)


def test_token_shaped_strings_are_redacted_even_unregistered() -> None:
    stream = capture()
    other = "123456789:ABCdefGHIjklMNOpqrSTUvwxYZ_0123456-7"
    log = logging.getLogger("bot.test")
    log.warning("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", other)
    log.warning("a token in text: %s.", other)
    log.warning("a short one in a URL: %s", "http://127.0.0.1:8081/bot123456:TEST/getMe")
    text = stream.getvalue()
    assert "123456789" not in text and "ABCdefGHI" not in text and "TEST" not in text
    assert "https://api.telegram.org/bot***/getUpdates" in text
    assert "/bot***/getMe" in text


@pytest.mark.parametrize(
    "line",
    [
        "Authorization: Basic QUMwMDAwOmZha2UtYXV0aC10b2tlbg==",
        "{'Authorization': 'Basic QUMwMDAwOmZha2UtYXV0aC10b2tlbg=='}",
        "authorization=Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc",
        "BasicAuth(login='AC0001', password='p4ss-w0rd!', encoding='latin1')",
        "https://AC0001:p4ss-w0rd!@api.twilio.com/2010-04-01",
        "{'X-Telegram-Bot-Api-Secret-Token': 'guess-me-42'}",
    ],
)
def test_credentials_in_headers_and_urls_are_redacted(line: str) -> None:
    redacted = Redactor(())(line)
    for part in ("QUMwMDAw", "eyJhbGci", "p4ss-w0rd", "guess-me-42"):
        assert part not in redacted
    assert "***" in redacted


def test_registered_secrets_in_any_form() -> None:
    redact = Redactor((TOKEN, WEBHOOK_SECRET, "x y/z"))
    assert redact(f"bot id {BOT_ID}, secret {TOKEN_SECRET}") == "bot id ***, secret ***"
    assert redact(f"quoted {BOT_ID}%3A{TOKEN_SECRET}") == "quoted ***"
    assert (
        redact(f"params {{'secret_token': '{WEBHOOK_SECRET}'}}") == "params {'secret_token': '***'}"
    )
    assert redact("form x%20y%2Fz, x y/z") == "form ***, ***"
    # Longer numbers that merely contain the bot's id are left alone.
    assert redact(f"chat 9{BOT_ID}1") == f"chat 9{BOT_ID}1"


def test_uncaught_exception_goes_through_the_redacting_handler() -> None:
    stream = capture(secrets=(TOKEN,))
    try:
        raise ValueError(f"The token `{TOKEN}` was rejected by the server.")
    except ValueError:
        kind, value, tb = sys.exc_info()
        assert kind is not None and value is not None
        sys.excepthook(kind, value, tb)
    text = stream.getvalue()
    assert "The token `***` was rejected" in text and "CRITICAL" in text
    assert_no_secret(text, TOKEN, BOT_ID, TOKEN_SECRET)


# ------------------------------------------------------------------------------ levels


def test_libraries_stay_at_warning_when_ours_is_debug() -> None:
    stream = capture("debug")
    for name in OURS:
        assert logging.getLogger(f"{name}.module").getEffectiveLevel() == logging.DEBUG
    for name in (*THIRD_PARTY, "telegram.ext.Application", "httpx", "some_other_library"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING, name
    logging.getLogger("httpx").info("HTTP Request: GET https://example.org")
    logging.getLogger("twilio.http_client").info("-- BEGIN Twilio API Request --")
    logging.getLogger("bot.dispatch").debug("ours at debug")
    logging.getLogger("telegram.ext").warning("a library's warning")
    assert logger_names(stream.getvalue()) == {"bot.dispatch", "telegram.ext"}


def test_our_level_and_no_stacked_handlers() -> None:
    stream = io.StringIO()
    for level in ("DEBUG", "error", "WARNING"):
        configure_logging(level, (TOKEN,), stream=stream)
    ours = [h for h in logging.getLogger().handlers if isinstance(h, BoucleHandler)]
    assert len(ours) == 1
    logging.getLogger("storage.db").info("not at WARNING")
    logging.getLogger("storage.db").warning("once")
    assert stream.getvalue().count("once") == 1 and "not at WARNING" not in stream.getvalue()
    with pytest.raises(ValueError, match="DEBUG"):
        configure_logging("verbose", ())


def test_boucle_log_level_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOUCLE_LOG_LEVEL", raising=False)
    assert Settings(_env_file=None).boucle_log_level == "INFO"  # type: ignore[call-arg]
    monkeypatch.setenv("BOUCLE_LOG_LEVEL", " debug ")
    assert Settings(_env_file=None).boucle_log_level == "DEBUG"  # type: ignore[call-arg]
    monkeypatch.setenv("BOUCLE_LOG_LEVEL", "Warning")
    assert Settings(_env_file=None).boucle_log_level == "WARNING"  # type: ignore[call-arg]
    monkeypatch.setenv("BOUCLE_LOG_LEVEL", "verbose")
    with pytest.raises(ValidationError, match="boucle_log_level"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_cli_applies_the_level_and_names_a_bad_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOUCLE_LOG_LEVEL", "error")
    assert main(["parse", "besoin 10 kg de riz"]) == 0
    assert logging.getLogger("bot").level == logging.ERROR
    assert logging.getLogger("httpx").level == logging.WARNING
    monkeypatch.setenv("BOUCLE_LOG_LEVEL", "loud")
    assert main(["parse", "besoin 10 kg de riz"]) == 2
    err = capsys.readouterr().err
    assert "BOUCLE_LOG_LEVEL" in err and "Traceback" not in err


def test_every_secret_field_of_the_settings_is_collected() -> None:
    class Future(Settings):
        some_new_api_key: SecretStr | None = None

    settings = Future(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
        twilio_auth_token=SecretStr(AUTH_TOKEN),
        some_new_api_key=SecretStr("k-123"),
        twilio_account_sid=ACCOUNT_SID,
        _env_file=None,  # type: ignore[call-arg]
    )
    assert sorted(settings_secrets(settings)) == sorted(
        [TOKEN, WEBHOOK_SECRET, AUTH_TOKEN, "k-123"]
    )
    assert settings_secrets(Settings(_env_file=None)) == []  # type: ignore[call-arg]


# ------------------------------------------------------------------------------ whole loops


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(token=TOKEN) as fake:
        fake.user(ALICE, "Alice", "alice_ba")
        fake.user(BOB, "Bob", "bob_restos")
        yield fake


async def last_text(api: FakeTelegramAPI, chat: int, count: int) -> SentMessage:
    return (await api.wait_for_messages(chat, count))[count - 1]


@pytest.mark.parametrize("libraries", ["quiet", "all at debug"])
async def test_telegram_loop_at_debug_logs_no_token(
    api: FakeTelegramAPI, tmp_path: Path, capfd: pytest.CaptureFixture[str], libraries: str
) -> None:
    db_path = tmp_path / "boucle.db"
    codes = await invite_three(db_path, ("alice", "bob", "carla"), START)
    settings = Settings(
        telegram_bot_token=SecretStr(api.token),
        telegram_base_url=api.base_url,
        boucle_db_path=db_path,
        boucle_group_chat_id=GROUP,
        boucle_log_level="DEBUG",
        _env_file=None,  # type: ignore[call-arg]
    )
    configure_logging(settings.boucle_log_level, settings_secrets(settings))  # to stderr
    if libraries == "all at debug":
        open_everything()
    logging.getLogger("bot.test").info("loop starts")
    app = await Boucle.create(settings, ManualClock(START))
    await app.start()
    try:
        api.send_text(ALICE, f"/start {codes['alice']}")
        api.send_text(BOB, f"/start {codes['bob']}")
        assert "Bienvenue" in (await last_text(api, ALICE, 1)).plain_text
        await last_text(api, BOB, 1)
        api.send_text(ALICE, "/besoin 20 kg de pâtes")
        assert "#1" in (await last_text(api, ALICE, 2)).plain_text
        assert "pâtes" in (await last_text(api, BOB, 2)).plain_text
        api.send_text(BOB, "/liste")
        assert "pâtes" in (await last_text(api, BOB, 3)).plain_text
    finally:
        await app.stop()

    out, err = capfd.readouterr()
    assert_no_secret(out + err, TOKEN, BOT_ID, TOKEN_SECRET)
    names = logger_names(err)
    assert "bot.test" in names, "the capture holds what the handler wrote"
    if libraries == "all at debug":
        # The HTTP client did log every Bot API call, its URL redacted.
        assert {"httpx", "httpcore.http11", "telegram.Bot"} <= names
        assert "/bot***/getupdates" in err.lower() and "/bot***/sendmessage" in err.lower()
    else:
        assert not {name for name in names if not name.startswith(tuple(f"{n}." for n in OURS))}
        assert "/bot" not in err


async def test_whatsapp_and_webhook_at_debug_log_no_secret(
    api: FakeTelegramAPI, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "boucle.db"
    codes = await invite_three(db_path, ("awa", "bob", "denis"), START)
    async with FakeTwilioAPI(public_url=PUBLIC) as twilio:
        settings = Settings(
            telegram_bot_token=SecretStr(api.token),
            telegram_base_url=api.base_url,
            telegram_webhook_url=f"{PUBLIC}/telegram",
            telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
            boucle_db_path=db_path,
            boucle_public_url=PUBLIC,
            boucle_http_port=0,
            boucle_log_level="debug",  # type: ignore[arg-type]
            twilio_account_sid=ACCOUNT_SID,
            twilio_auth_token=SecretStr(AUTH_TOKEN),
            twilio_whatsapp_from=SENDER,
            twilio_api_base_url=twilio.base_url,
            _env_file=None,  # type: ignore[call-arg]
        )
        configure_logging(settings.boucle_log_level, settings_secrets(settings))
        open_everything()
        app = await Boucle.create(settings, ManualClock(START))
        await app.start()
        try:
            assert app.web is not None and app.web.port
            twilio.connect(f"http://127.0.0.1:{app.web.port}")
            await twilio.send_whatsapp(AWA, codes["awa"], name="Awa")
            assert "Bienvenue" in (await twilio.wait_for_messages(AWA, 1))[0].body
            await twilio.send_whatsapp(AWA, "besoin 20 kg de pâtes")
            await twilio.send_whatsapp(AWA, "liste")
            await twilio.wait_for_messages(AWA, 3)
            # Telegram's side of the webhook: a wrong secret is refused, the right one accepted.
            api.send_text(BOB, f"/start {codes['bob']}")
            url = f"http://127.0.0.1:{app.web.port}/telegram"
            header = "X-Telegram-Bot-Api-Secret-Token"
            async with httpx.AsyncClient() as client:
                wrong = await client.post(url, json=api.updates[-1], headers={header: "guess"})
                right = await client.post(
                    url, json=api.updates[-1], headers={header: WEBHOOK_SECRET}
                )
            assert (wrong.status_code, right.status_code) == (403, 200)
            await last_text(api, BOB, 1)
        finally:
            await app.stop()

    out, err = capfd.readouterr()
    basic = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert_no_secret(out + err, AUTH_TOKEN, basic, WEBHOOK_SECRET, TOKEN, TOKEN_SECRET, BOT_ID)
    # Nor the member's phone number, in any form the HTTP clients write it (issue 15).
    assert_no_secret(out + err, AWA, AWA.removeprefix("+"), AWA[3:])
    names = logger_names(err)
    assert {"twilio.async_http_client", "bot.web", "telegram.Bot"} <= names
    assert "Twilio API Request" in err and "setWebhook" in err


async def test_invite_at_debug_prints_no_token(
    api: FakeTelegramAPI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """`boucle invite` asks Telegram for the bot's name: nothing of that reaches the terminal."""
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "BOUCLE_DB_PATH": str(tmp_path / "network.db"),
        "BOUCLE_LOG_LEVEL": "DEBUG",
    }.items():
        monkeypatch.setenv(name, value)
    # As in a terminal: no handler yet (pytest's own would keep `logging.basicConfig` away).
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    argv = ["invite", "--association", "Restos", "--commune", "Narbonne"]
    assert await asyncio.to_thread(main, argv) == 0
    out, err = capfd.readouterr()
    assert "t.me/" in out and api.calls_to("getMe")
    assert_no_secret(out + err, TOKEN, BOT_ID, TOKEN_SECRET)
    assert not {name for name in logger_names(err) if not name.startswith("bot.")}


# ------------------------------------------------------------------------------ issue 15:
# one line per event, JSON or text, and never a phone number

PHONES = (
    "+33 6 12 34 56 78",
    "+33612345678",
    "+33 (0)6 12 34 56 78",
    "0033 6 12 34 56 78",
    "06 12 34 56 78",
    "06.12.34.56.78",
    "06-12-34-56-78",
    "0612345678",
    "whatsapp:+33612345678",
    "whatsapp%3A%2B33612345678",
    "https://wa.me/33612345678",
    "+33\u00a06\u00a012\u00a034\u00a056\u00a078",
)


def digits_left(text: str) -> list[str]:
    """Runs of the test number's digits still in `text` (whatever separates them)."""
    squeezed = re.sub(r"[\s.\-()\u00a0]", "", text)
    return re.findall(r"612345678|12345678", squeezed)


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("phone", PHONES)
def test_a_phone_number_and_the_token_are_redacted_in_both_formats(fmt: str, phone: str) -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", (TOKEN,), stream=stream, fmt=fmt)
    log = logging.getLogger("bot.test")
    log.info("reply to %s with %s", phone, TOKEN)
    log.warning(f"formatted in: {phone} / {TOKEN}")
    log.info("in a field", extra={"to": phone, "auth": TOKEN, "member": 37})
    try:
        raise ValueError(f"Twilio refused {phone} ({TOKEN})")
    except ValueError:
        log.exception("send failed")
    text = stream.getvalue()
    assert digits_left(text) == [], text
    assert_no_secret(text, TOKEN, TOKEN_SECRET, BOT_ID, phone)
    assert text.count(MASK) >= 8
    if fmt == "json":
        entries = [json.loads(line) for line in text.splitlines()]
        assert len(entries) == 4  # one line per event, the traceback inside its own
        assert MASK in entries[2]["to"] and entries[2]["member"] == 37
        assert "Traceback" in entries[3]["exception"]


def test_redaction_leaves_ids_dates_and_amounts_alone() -> None:
    redact = Redactor(())
    for text in (
        "post 12 member 37 outbox 123456 chat 7012345678 group -1001234567890",
        "at 2026-12-01T09:00:00+01:00 (2026-12-01 09:00:00,123), retry in 0.25 s",
        "30 kg, 4 cagettes, 12.5 l, SM0123456789abcdef, update 987654321",
    ):
        assert redact(text) == text


def test_json_lines_carry_the_fields_passed_with_extra() -> None:
    stream = io.StringIO()
    configure_logging("INFO", (), stream=stream, fmt="json")
    logging.getLogger("bot.dispatch").info(
        "post %d published", 12, extra={"post": 12, "member": 37}
    )
    logging.getLogger("bot.delivery").warning("two\nlines", extra={"outbox": 5, "post": None})
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "post 12 published"
    assert (first["level"], first["logger"], first["post"], first["member"]) == (
        "INFO",
        "bot.dispatch",
        12,
        37,
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["time"])
    assert second["message"] == "two\nlines" and second["outbox"] == 5 and second["post"] is None


def test_text_lines_are_one_per_event_with_their_fields() -> None:
    stream = capture("INFO")
    logging.getLogger("bot.dispatch").info(
        "message handled", extra={"member": 37, "command": "/don"}
    )
    logging.getLogger("bot.test").info("a message\nwith a break", extra={"note": "two words"})
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("bot.dispatch: message handled member=37 command=/don")
    assert lines[1].endswith('a message\\nwith a break note="two words"')


def test_boucle_log_format_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOUCLE_LOG_FORMAT", " JSON ")
    assert main(["parse", "besoin 10 kg de riz"]) == 0
    [handler] = [h for h in logging.getLogger().handlers if isinstance(h, BoucleHandler)]
    assert isinstance(handler.formatter, JsonFormatter)
    monkeypatch.setenv("BOUCLE_LOG_FORMAT", "xml")
    assert main(["parse", "besoin 10 kg de riz"]) == 2
    assert "BOUCLE_LOG_FORMAT" in capsys.readouterr().err
    with pytest.raises(ValueError, match="json"):
        configure_logging("INFO", (), fmt="yaml")


async def test_a_loop_in_json_logs_each_message_with_its_member_and_post(
    api: FakeTelegramAPI, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "boucle.db"
    codes = await invite_three(db_path, ("alice", "bob", "carla"), START)
    settings = Settings(
        telegram_bot_token=SecretStr(api.token),
        telegram_base_url=api.base_url,
        boucle_db_path=db_path,
        boucle_log_format="json",
        _env_file=None,  # type: ignore[call-arg]
    )
    configure_logging("INFO", settings_secrets(settings), fmt=settings.boucle_log_format)
    app = await Boucle.create(settings, ManualClock(START))
    await app.start()
    try:
        api.send_text(ALICE, f"/start {codes['alice']}")
        await last_text(api, ALICE, 1)
        api.send_text(ALICE, "/besoin 20 kg de pâtes, appelez le 06 12 34 56 78")
        await last_text(api, ALICE, 2)
    finally:
        await app.stop()
    _, err = capfd.readouterr()
    entries = [json.loads(line) for line in err.splitlines()]  # every line is one object
    handled = [e for e in entries if e["message"] == "message handled"]
    assert [(e["member"], e["command"]) for e in handled] == [(1, "/start"), (1, "/besoin")]
    [published] = [e for e in entries if e["message"] == "post 1 published"]
    assert (published["post"], published["member"]) == (1, 1)
    assert digits_left(err) == [] and "pâtes" not in err  # nor the words written
