"""Guessing codes: failed `/start` and `/lier` attempts are throttled per sender and in all.

A code is checked only while the sender and the network are under their limits; beyond, the
answer is a polite wait, given without looking at the code (so that a guess learns nothing,
not even whether it was right). Only checked attempts are stored (storage.limits): the count
never grows past the limits, and a restart forgets nothing.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from handlers.context import Context, Effects
from handlers.messages import Outgoing
from handlers.texts import t
from storage import limits

NETWORK_WINDOW = timedelta(minutes=1)


async def code_wait(ctx: Context) -> Outgoing | None:
    """The wait message when this sender, or the whole network, tried too many wrong codes
    lately; None when the code may be checked."""
    config = ctx.config.limits
    address = str(ctx.incoming.address)
    since = ctx.now - config.code_window
    mine = await limits.failed_attempts_since(ctx.conn, since, address)
    if mine >= config.code_attempts_per_sender:
        oldest = await limits.nth_latest_attempt(
            ctx.conn, since, config.code_attempts_per_sender, address
        )
        minutes = _minutes_until(oldest, config.code_window, ctx.now)
        return Outgoing(t(ctx.lang, "code_attempts_sender", minutes=minutes))
    since = ctx.now - NETWORK_WINDOW
    everyone = await limits.failed_attempts_since(ctx.conn, since)
    if everyone >= config.code_attempts_per_minute:
        oldest = await limits.nth_latest_attempt(ctx.conn, since, config.code_attempts_per_minute)
        minutes = _minutes_until(oldest, NETWORK_WINDOW, ctx.now)
        return Outgoing(t(ctx.lang, "code_attempts_network", minutes=minutes))
    return None


async def failed_code(ctx: Context, answer: str) -> Effects:
    """A wrong, used, expired or revoked code: counted, then answered. Returned, not raised,
    so that the count is committed with the answer (a UserError rolls back)."""
    await limits.record_failed_attempt(ctx.conn, str(ctx.incoming.address), ctx.now)
    return Effects.reply(Outgoing(answer))


def _minutes_until(oldest: datetime | None, window: timedelta, now: datetime) -> int:
    """Whole minutes (at least one) until `oldest` leaves the window."""
    if oldest is None:
        return 1
    seconds = (oldest + window - now).total_seconds()
    return max(1, math.ceil(seconds / 60))
