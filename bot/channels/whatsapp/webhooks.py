"""Twilio's webhooks: `POST /whatsapp` (inbound messages) and `POST /whatsapp/status`
(delivery status callbacks), each a straight line: refuse an oversized body, check the
signature, parse, hand over, answer.

An inbound message is handed to the intake (stored before Twilio gets its answer, processed
after, in order per chat); a status callback to one worker task fed by a queue. Twilio wants
its answer within seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qsl

from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from bot.channels.whatsapp.adapter import parse_twilio_form
from bot.channels.whatsapp.status import StatusPolicy, apply_status, status_report
from bot.clock import Clock
from bot.intake import Intake
from bot.web import BodyTooLarge, Worker, read_body
from storage.db import Database

log = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
TWILIO_SIGNATURE = "X-Twilio-Signature"


def public_url(base: str, request: Request) -> str:
    """The URL Twilio called, rebuilt from the configured public base (a proxy in front
    changes the host, scheme and port the process sees)."""
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base.rstrip('/')}{request.url.path}{query}"


class TwilioWebhooks:
    def __init__(
        self,
        intake: Intake,
        db: Database,
        clock: Clock,
        public_base_url: str | None,
        auth_token: str | None,
        wake_sender: Callable[[], None] = lambda: None,
        status_policy: StatusPolicy | None = None,
    ) -> None:
        self.intake = intake
        self.db = db
        self.clock = clock
        self.public_base_url = public_base_url
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.wake_sender = wake_sender
        self.status_policy = status_policy or StatusPolicy()
        self.worker = Worker()

    def routes(self) -> list[Route]:
        return [
            Route("/whatsapp", self.inbound, methods=["POST"]),
            Route("/whatsapp/status", self.status, methods=["POST"]),
        ]

    async def _verified_form(self, request: Request) -> ImmutableMultiDict[str, str] | Response:
        """The form when Twilio signed it; else the response to give (403, 413)."""
        try:
            body = await read_body(request)
        except BodyTooLarge:
            log.warning("refused an oversized request to %s", request.url.path)
            return Response(status_code=413)
        # Repeated keys are kept: the signature covers every value.
        form = ImmutableMultiDict(
            parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        )
        signature = request.headers.get(TWILIO_SIGNATURE, "")
        if self.validator is None or self.public_base_url is None or not signature:
            log.warning("refused an unsigned request to %s", request.url.path)
            return Response(status_code=403)
        if not self.validator.validate(public_url(self.public_base_url, request), form, signature):
            # The body is not logged: it is someone's message, or an attacker's payload.
            log.warning("refused a request to %s: wrong Twilio signature", request.url.path)
            return Response(status_code=403)
        return form

    async def inbound(self, request: Request) -> Response:
        form = await self._verified_form(request)
        if isinstance(form, Response):
            return form
        incoming = parse_twilio_form(form, self.clock.now())
        if incoming is not None:
            await self.intake.take(incoming)
        return Response(EMPTY_TWIML, media_type="text/xml")

    async def status(self, request: Request) -> Response:
        form = await self._verified_form(request)
        if isinstance(form, Response):
            return form
        report = status_report(dict(form))
        if report is not None:
            self.worker.submit(
                lambda: apply_status(
                    report, self.db, self.clock, self.wake_sender, self.status_policy
                )
            )
        return Response(EMPTY_TWIML, media_type="text/xml")
