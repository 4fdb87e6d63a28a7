"""The WhatsApp adapter: the pure form parser and renderer, and sends through twilio's real
async client to the local fake Twilio REST API (reached through TWILIO_API_BASE_URL)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import aiohttp
import pytest
from twilio.base.exceptions import TwilioRestException

from bot.channels.base import OutsideWindow, Rejected, RetryLater, Sent, Unreachable
from bot.channels.whatsapp import (
    MAX_BODY,
    BaseUrlHttpClient,
    WhatsAppChannel,
    parse_twilio_form,
    render_whatsapp,
    result_of_error,
)
from bot.clock import ManualClock
from handlers.messages import Address, Choice, Location, Outgoing
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeTwilioAPI, inbound_form

NUMBER = "+33611111111"


def form_of(pairs: list[tuple[str, str]]) -> dict[str, str]:
    return dict(pairs)


def test_parse_text_message(clock: ManualClock) -> None:
    form = form_of(inbound_form(NUMBER, "prendre 12", "SM1", name="Awa"))
    incoming = parse_twilio_form(form, clock.now())
    assert incoming is not None
    assert incoming.address == Address("whatsapp", NUMBER)
    assert str(incoming.address) == f"whatsapp:{NUMBER}"
    assert incoming.message_id == "SM1" and incoming.text == "prendre 12"
    assert incoming.display_name == "Awa" and NUMBER in incoming.contact
    assert not incoming.unsupported and incoming.location is None and incoming.media_urls == ()


def test_parse_location_and_media(clock: ManualClock) -> None:
    pin = parse_twilio_form(
        form_of(inbound_form(NUMBER, "", "SM2", location=(43.2130, 2.3491))), clock.now()
    )
    assert pin is not None and pin.location == Location(43.213, 2.3491) and not pin.unsupported
    photo = parse_twilio_form(
        form_of(
            inbound_form(NUMBER, "don 3 cagettes", "SM3", media=["https://m/1", "https://m/2"])
        ),
        clock.now(),
    )
    assert photo is not None and photo.media_urls == ("https://m/1", "https://m/2")
    bare_photo = parse_twilio_form(
        form_of(inbound_form(NUMBER, "", "SM4", media=["https://m/1"])), clock.now()
    )
    assert bare_photo is not None and bare_photo.unsupported


@pytest.mark.parametrize(
    ("changes", "parsed"),
    [
        ({"From": "+33611111111"}, False),  # an SMS, not WhatsApp
        ({"From": "whatsapp:"}, False),
        ({"MessageSid": "", "SmsMessageSid": ""}, False),
        ({"Latitude": "abc", "Longitude": "2"}, True),
        ({"Latitude": "91", "Longitude": "2"}, True),
        ({"NumMedia": "x"}, True),
        ({"NumMedia": "1", "MediaUrl0": "javascript:alert(1)"}, True),
    ],
)
def test_parse_odd_forms(clock: ManualClock, changes: dict[str, str], parsed: bool) -> None:
    form = form_of(inbound_form(NUMBER, "bonjour", "SM9"))
    form.update(changes)
    incoming = parse_twilio_form(form, clock.now())
    assert (incoming is not None) is parsed
    if incoming is not None:
        assert incoming.location is None and incoming.media_urls == ()


def test_render_title_choices_and_split() -> None:
    relay = Outgoing(
        title="Don #12 · Banque Alimentaire",
        text="pommes — 30 kg",
        choices=(Choice("Je prends", "/prendre 12"),),
    )
    [body] = render_whatsapp(relay)
    assert body.startswith("*Don #12 · Banque Alimentaire*\npommes — 30 kg")
    assert "Répondez PRENDRE 12" in body.replace("répondez", "Répondez")
    long = Outgoing(text="\n".join(f"ligne {i} " + "x" * 60 for i in range(80)))
    chunks = render_whatsapp(long)
    assert len(chunks) >= 3 and all(len(c) <= MAX_BODY for c in chunks)
    assert all(c.startswith("ligne") for c in chunks), "split at line boundaries"
    assert "\n".join(chunks) == long.text


def test_keyword_lines_speak_the_readers_language() -> None:
    choice = (Choice("I'll take it", "/prendre 12"),)
    [english] = render_whatsapp(Outgoing(text="apples", choices=choice, lang="en"))
    [french] = render_whatsapp(Outgoing(text="pommes", choices=choice))
    assert "reply PRENDRE 12" in english and "répondez PRENDRE 12" in french


def exception(status: int, code: int) -> TwilioRestException:
    return TwilioRestException(status, "https://api.twilio.com/x", "error", code)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (exception(400, 63016), OutsideWindow),
        (exception(429, 20429), RetryLater),
        (exception(500, 20500), RetryLater),
        (exception(503, 0), RetryLater),
        (exception(400, 21211), Unreachable),
        (exception(400, 21610), Unreachable),
        (exception(400, 21617), Rejected),
        (exception(404, 20404), Rejected),
        (TimeoutError(), RetryLater),
        (OSError("connection refused"), RetryLater),
    ],
)
def test_error_mapping(error: Exception, expected: type) -> None:
    result = result_of_error(error)
    assert isinstance(result, expected)
    if isinstance(result, RetryLater):
        assert result.rate_limited == (getattr(error, "status", 0) == 429)


@pytest.mark.parametrize(
    ("error", "ambiguous"),
    [
        (TimeoutError(), True),  # our time limit ran out while Twilio may be creating it
        (aiohttp.ServerDisconnectedError(), True),
        (OSError("connection refused"), False),
        (exception(503, 0), False),  # Twilio answered: nothing was created
    ],
)
def test_ambiguous_outcomes(error: Exception, ambiguous: bool) -> None:
    result = result_of_error(error)
    assert isinstance(result, RetryLater) and result.ambiguous == ambiguous


async def test_base_url_rewrite() -> None:
    url = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    client = BaseUrlHttpClient("http://127.0.0.1:9999/")
    default = BaseUrlHttpClient(None)
    try:
        assert client.rebase(url) == url.replace("https://api.twilio.com", "http://127.0.0.1:9999")
        assert default.rebase(url) == url
    finally:
        await client.close()
        await default.close()


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilioAPI]:
    async with FakeTwilioAPI() as fake:
        yield fake


@pytest.fixture
async def channel(
    twilio: FakeTwilioAPI, clock: ManualClock
) -> AsyncIterator[tuple[WhatsAppChannel, dict[str, datetime]]]:
    last_seen: dict[str, datetime] = {}

    async def last_inbound(external_id: str) -> datetime | None:
        return last_seen.get(external_id)

    built = WhatsAppChannel.build(
        ACCOUNT_SID,
        AUTH_TOKEN,
        SENDER,
        twilio.base_url,
        "https://boucle.example.org/whatsapp/status",
        {"alert": "HXalert", "digest": ""},
        last_inbound,
        clock.now,
    )
    yield built, last_seen
    await built.close()
    assert built.state == "stopped"


async def test_send_inside_window(
    twilio: FakeTwilioAPI, channel: tuple[WhatsAppChannel, dict[str, datetime]], clock: ManualClock
) -> None:
    whatsapp, last_seen = channel
    last_seen[NUMBER] = clock.now() - timedelta(hours=23)
    message = Outgoing(title="Titre", text="corps", media_urls=("https://m/photo.jpg",))
    result = await whatsapp.send(NUMBER, message)
    assert isinstance(result, Sent) and result.platform_message_id.startswith("SM")
    [sent] = twilio.messages_to(NUMBER)
    assert sent.sid == result.platform_message_id
    assert sent.body == "*Titre*\ncorps" and sent.from_ == SENDER
    assert sent.media_urls == ["https://m/photo.jpg"]
    assert sent.status_callback == "https://boucle.example.org/whatsapp/status"
    assert sent.content_sid is None


async def test_long_message_is_split(
    twilio: FakeTwilioAPI, channel: tuple[WhatsAppChannel, dict[str, datetime]], clock: ManualClock
) -> None:
    whatsapp, last_seen = channel
    last_seen[NUMBER] = clock.now()
    text = "\n".join(f"#{i} " + "riz " * 30 for i in range(40))
    assert isinstance(await whatsapp.send(NUMBER, Outgoing(text=text)), Sent)
    bodies = [m.body for m in twilio.messages_to(NUMBER)]
    assert len(bodies) == len(render_whatsapp(Outgoing(text=text))) >= 3
    assert whatsapp.parts(Outgoing(text=text)) == len(bodies)


async def test_outside_window_waits_or_uses_template(
    twilio: FakeTwilioAPI, channel: tuple[WhatsAppChannel, dict[str, datetime]], clock: ManualClock
) -> None:
    whatsapp, last_seen = channel
    last_seen[NUMBER] = clock.now() - timedelta(hours=25)
    plain = await whatsapp.send(NUMBER, Outgoing(text="Carla a pris votre don"))
    assert isinstance(plain, OutsideWindow) and not twilio.messages
    # No template configured for digests: it waits too.
    digest = await whatsapp.send(NUMBER, Outgoing(text="3 annonces", template="digest"))
    assert isinstance(digest, OutsideWindow) and not twilio.messages
    alert = Outgoing(text="URGENT lait", template="alert", template_variables=("lait", "Quillan"))
    result = await whatsapp.send(NUMBER, alert)
    assert isinstance(result, Sent)
    [sent] = twilio.messages
    assert sent.content_sid == "HXalert" and sent.body == ""
    assert json.loads(sent.content_variables or "") == {"1": "lait", "2": "Quillan"}
    # Never written at all: outside the window as well.
    assert isinstance(await whatsapp.send("+33699999999", Outgoing(text="x")), OutsideWindow)


async def test_63016_falls_back_like_a_closed_window(
    twilio: FakeTwilioAPI, channel: tuple[WhatsAppChannel, dict[str, datetime]], clock: ManualClock
) -> None:
    whatsapp, last_seen = channel
    last_seen[NUMBER] = clock.now()  # we think the window is open; Twilio says otherwise
    twilio.outside_window.add(NUMBER)
    assert isinstance(await whatsapp.send(NUMBER, Outgoing(text="x")), OutsideWindow)
    result = await whatsapp.send(NUMBER, Outgoing(text="y", template="alert"))
    assert isinstance(result, Sent) and twilio.messages[-1].content_sid == "HXalert"


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (429, 20429, RetryLater),
        (500, 20500, RetryLater),
        (400, 21610, Unreachable),
        (400, 21211, Unreachable),
        (400, 21620, Rejected),
    ],
)
async def test_send_errors(
    twilio: FakeTwilioAPI,
    channel: tuple[WhatsAppChannel, dict[str, datetime]],
    clock: ManualClock,
    status: int,
    code: int,
    expected: type,
) -> None:
    whatsapp, last_seen = channel
    last_seen[NUMBER] = clock.now()
    twilio.fail_next(status, code)
    assert isinstance(await whatsapp.send(NUMBER, Outgoing(text="x")), expected)
    assert isinstance(await whatsapp.send(NUMBER, Outgoing(text="x")), Sent)


async def test_unreachable_api_is_retry_later(clock: ManualClock) -> None:
    async def always(external_id: str) -> datetime | None:
        return clock.now()

    whatsapp = WhatsAppChannel.build(
        ACCOUNT_SID, AUTH_TOKEN, SENDER, "http://127.0.0.1:9", None, {}, always, clock.now
    )
    try:
        assert isinstance(await whatsapp.send(NUMBER, Outgoing(text="x")), RetryLater)
    finally:
        await whatsapp.close()
