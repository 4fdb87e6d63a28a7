"""Twilio status callbacks: each sent message's delivery state, and what to do when it failed.

A message Twilio accepted (the REST call answered 201) may still fail later: the callback then
says `failed` or `undelivered` with an error code. The policy:
- 63016 (outside the 24-hour window): the window is recorded closed and the row goes back to
  the outbox, so the sender sends it again as the approved template when the message may use
  one, else holds it until the person next writes (as for a send refused at once). If the
  window was already known closed, what failed was the template itself: the row waits for the
  person. Nothing is sent from here: every message leaves through the outbox and the sender;
- a code meaning the number can never receive (invalid, unsubscribed): the member is unreachable;
- anything else: sent again after a pause, at most `max_attempts` sends in all, after which
  the member is marked unreachable (their coordinator sees it; writing again reactivates them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.channels.whatsapp.adapter import ERROR_OUTSIDE_WINDOW, UNREACHABLE_CODES
from bot.clock import Clock
from storage import members, statuses
from storage.db import Database
from storage.statuses import FAILED_STATUSES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusPolicy:
    max_attempts: int = 3
    retry_after_seconds: float = 60.0


@dataclass(frozen=True)
class StatusReport:
    """One status callback, as Twilio posts it (MessageSid, MessageStatus, ErrorCode)."""

    message_sid: str
    status: str
    error_code: int | None = None


def status_report(form: Mapping[str, str]) -> StatusReport | None:
    sid = form.get("MessageSid", "").strip()
    status = form.get("MessageStatus", "").strip().lower()
    if not sid or not status:
        return None
    code_text = form.get("ErrorCode", "").strip()
    code = int(code_text) if code_text.isdigit() else None
    return StatusReport(sid, status, code)


async def apply_status(
    report: StatusReport,
    db: Database,
    clock: Clock,
    wake_sender: Callable[[], None],
    policy: StatusPolicy | None = None,
) -> None:
    policy = policy or StatusPolicy()
    async with db.transaction() as conn:
        row = await statuses.record_delivery_status(conn, report.message_sid, report.status)
    if row is None or report.status not in FAILED_STATUSES:
        return
    reason = f"{report.status} (twilio error {report.error_code})"
    log.warning("outbox message %d %s", row.id, reason)
    if report.error_code == ERROR_OUTSIDE_WINDOW:
        async with db.transaction() as conn:
            known_closed = await statuses.last_inbound_at(conn, row.channel, row.external_id)
            if known_closed is None and await statuses.window_closed_at(
                conn, row.channel, row.external_id
            ):
                # Refused although we knew the window closed: the template itself failed
                # (not approved?). Wait for the person rather than loop.
                await statuses.hold_after_failure(conn, row.id, reason)
                return
            await statuses.close_window(conn, row.channel, row.external_id, clock.now())
            await statuses.requeue_after_failure(conn, row.id, clock.now(), reason)
        wake_sender()
        return
    permanent = report.error_code in UNREACHABLE_CODES
    async with db.transaction() as conn:
        if not permanent and row.attempts < policy.max_attempts:
            at = clock.now() + timedelta(seconds=policy.retry_after_seconds)
            await statuses.requeue_after_failure(conn, row.id, at, reason)
        else:
            await statuses.fail_after_failure(conn, row.id, reason)
            if row.member_id is not None:
                await members.set_member_status(conn, row.member_id, "unreachable")
    if not permanent:
        wake_sender()
