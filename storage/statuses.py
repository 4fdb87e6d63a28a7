"""What the platforms tell us after a send (Twilio status callbacks), and when a person last
wrote (WhatsApp's 24-hour window).

Kept apart from `storage/outbox.py` (the sender's queue) because only WhatsApp uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Conn
from storage.timefmt import from_db, to_db

# Twilio's statuses in the order a message moves through them; a late callback
# ("sent" after "delivered") must not move a message backwards.
STATUS_ORDER = ("accepted", "queued", "sending", "sent", "delivered", "read")
FAILED_STATUSES = frozenset({"failed", "undelivered"})


@dataclass(frozen=True)
class DeliveredRow:
    """The outbox row a status callback is about."""

    id: int
    channel: str
    external_id: str
    member_id: int | None
    payload: str
    attempts: int
    state: str
    delivery_status: str
    last_error: str | None


def moves_forward(old: str | None, new: str) -> bool:
    if old is None:
        return True
    if old in FAILED_STATUSES:
        return False  # final for this send; a new send clears the status
    if new in FAILED_STATUSES:
        return True
    if old not in STATUS_ORDER or new not in STATUS_ORDER:
        return True
    return STATUS_ORDER.index(new) > STATUS_ORDER.index(old)


async def record_delivery_status(
    conn: Conn, platform_message_id: str, status: str
) -> DeliveredRow | None:
    """Store `status` on the row sent as `platform_message_id`; None for an unknown id or a
    status older than the one stored (callbacks may arrive out of order, or twice)."""
    async with conn.execute(
        # A shared text (a relay's, migration 0019) is in `payloads`; older rows carry theirs.
        "SELECT o.id, o.channel, o.external_id, o.member_id,"
        " COALESCE(p.body, o.payload) AS payload, o.attempts, o.state, o.delivery_status,"
        " o.last_error FROM outbox o LEFT JOIN payloads p ON p.id = o.payload_id"
        " WHERE o.platform_message_id = ?",
        (platform_message_id,),
    ) as cur:
        row = await cur.fetchone()
    if row is None or not moves_forward(row["delivery_status"], status):
        return None
    await conn.execute("UPDATE outbox SET delivery_status = ? WHERE id = ?", (status, row["id"]))
    return DeliveredRow(
        id=row["id"],
        channel=row["channel"],
        external_id=row["external_id"],
        member_id=row["member_id"],
        payload=row["payload"],
        attempts=row["attempts"],
        state=row["state"],
        delivery_status=status,
        last_error=row["last_error"],
    )


async def requeue_after_failure(conn: Conn, outbox_id: int, at: datetime, error: str) -> None:
    """A message reported failed after it was sent: send it again at `at`."""
    await conn.execute(
        "UPDATE outbox SET state = 'queued', next_attempt_at = ?, last_error = ?,"
        " delivery_status = NULL WHERE id = ?",
        (to_db(at), error, outbox_id),
    )


async def hold_after_failure(conn: Conn, outbox_id: int, error: str) -> None:
    """Failed because the window was closed: wait until the person writes again."""
    await conn.execute(
        "UPDATE outbox SET state = 'held', last_error = ?, delivery_status = NULL WHERE id = ?",
        (error, outbox_id),
    )


async def fail_after_failure(conn: Conn, outbox_id: int, error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", (error, outbox_id)
    )


async def last_inbound_at(conn: Conn, channel: str, external_id: str) -> datetime | None:
    """When this address last wrote to us: the identity's mark, or the inbox for strangers
    (who have no identity yet but still get their reply). None when the platform told us
    their window closed after that (`close_window`)."""
    async with conn.execute(
        "SELECT MAX(at) FROM (SELECT last_inbound_at AS at FROM identities"
        " WHERE channel = ? AND external_id = ?"
        " UNION ALL SELECT MAX(received_at) FROM inbox WHERE address = ?)",
        (channel, external_id, f"{channel}:{external_id}"),
    ) as cur:
        row = await cur.fetchone()
    last = from_db(row[0]) if row and row[0] else None
    closed = await window_closed_at(conn, channel, external_id)
    if last is None or (closed is not None and closed > last):
        return None
    return last


async def window_closed_at(conn: Conn, channel: str, external_id: str) -> datetime | None:
    async with conn.execute(
        "SELECT closed_at FROM closed_windows WHERE channel = ? AND external_id = ?",
        (channel, external_id),
    ) as cur:
        row = await cur.fetchone()
    return from_db(row[0]) if row else None


async def close_window(conn: Conn, channel: str, external_id: str, at: datetime) -> None:
    """The platform refused a free-form message as outside the window: until the person
    writes again, their messages go as templates or wait."""
    await conn.execute(
        "INSERT INTO closed_windows (channel, external_id, closed_at) VALUES (?, ?, ?)"
        " ON CONFLICT (channel, external_id) DO UPDATE SET closed_at = excluded.closed_at",
        (channel, external_id, to_db(at)),
    )
