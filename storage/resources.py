"""The shared equipment calendar (issue 14): resources, their bookings, the alerts they are due.

A booking is inserted only if no live booking (requested or confirmed) of the same resource
overlaps it, in ONE statement (`book_if_free`: INSERT … SELECT … WHERE NOT EXISTS): SQLite runs a
statement atomically and serialises writers, and the caller's transaction is a `BEGIN
IMMEDIATE` (storage/db.py) that holds the write lock from its first statement, so two
bookings of the same range can never both be stored, whatever the interleaving. Ranges are
half-open, [start, end): a booking ending at 14:00 and one starting at 14:00 do not overlap.
State changes are conditional updates (`WHERE status IN …`): two coordinators answering the
same request at once, one wins.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from storage.db import Conn, fetch_all, fetch_one
from storage.timefmt import from_db, to_db

BookingStatus = Literal["requested", "confirmed", "declined", "cancelled", "returned"]
AlertKind = Literal["eve", "return", "late", "unanswered"]
# The statuses that hold a range of a resource's calendar.
LIVE: tuple[BookingStatus, ...] = ("requested", "confirmed")
# The statuses that are loans (for the indicators).
LOANS: tuple[BookingStatus, ...] = ("confirmed", "returned")
# A bound on the statements' variables (an IN list is read in chunks of this many).
CHUNK = 500


@dataclass(frozen=True)
class NewResource:
    association_id: int
    kind: str
    name: str
    place: str
    latitude: float | None
    longitude: float | None
    conditions: str
    needs_approval: bool


@dataclass(frozen=True)
class Resource:
    id: int
    association_id: int
    association_name: str
    kind: str
    name: str
    place: str
    latitude: float | None
    longitude: float | None
    conditions: str
    needs_approval: bool
    status: str
    created_by: int | None
    created_at: datetime

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


@dataclass(frozen=True)
class NewBooking:
    resource_id: int
    owner_association_id: int
    borrower_association_id: int
    member_id: int
    start_at: datetime
    end_at: datetime
    whole_days: bool
    days: float
    status: BookingStatus


@dataclass(frozen=True)
class Booking:
    id: int
    resource_id: int
    resource_name: str
    resource_kind: str
    resource_place: str
    resource_conditions: str
    owner_association_id: int
    owner_name: str
    borrower_association_id: int
    borrower_name: str
    member_id: int
    start_at: datetime
    end_at: datetime
    whole_days: bool
    days: float
    status: BookingStatus
    decided_by: int | None
    returned_at: datetime | None
    incident: str
    created_at: datetime

    @property
    def is_loan_between_associations(self) -> bool:
        return self.owner_association_id != self.borrower_association_id


@dataclass(frozen=True)
class DueAlert:
    kind: AlertKind
    due_at: datetime
    booking: Booking


# ------------------------------------------------------------------ resources

SELECT_RESOURCE_FROM = """
SELECT r.*, a.name AS association_name FROM resources r {index}
JOIN associations a ON a.id = r.association_id
"""
SELECT_RESOURCE = SELECT_RESOURCE_FROM.format(index="")


def resource_from_row(row: sqlite3.Row) -> Resource:
    return Resource(
        id=int(row["id"]),
        association_id=int(row["association_id"]),
        association_name=row["association_name"],
        kind=row["kind"],
        name=row["name"],
        place=row["place"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        conditions=row["conditions"],
        needs_approval=bool(row["needs_approval"]),
        status=row["status"],
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
    )


async def create_resource(
    conn: Conn, new: NewResource, member_id: int | None, now: datetime
) -> Resource:
    rows = await fetch_all(
        conn,
        "INSERT INTO resources (association_id, kind, name, place, latitude, longitude,"
        " conditions, needs_approval, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            new.association_id,
            new.kind,
            new.name,
            new.place,
            new.latitude,
            new.longitude,
            new.conditions,
            int(new.needs_approval),
            member_id,
            to_db(now),
        ),
    )
    found = await resource_by_id(conn, int(rows[0][0]))
    assert found is not None
    return found


async def resource_by_id(conn: Conn, resource_id: int) -> Resource | None:
    row = await fetch_one(conn, SELECT_RESOURCE + " WHERE r.id = ?", (resource_id,))
    return resource_from_row(row) if row is not None else None


async def withdraw_resource(conn: Conn, resource_id: int) -> bool:
    cur = await conn.execute(
        "UPDATE resources SET status = 'withdrawn' WHERE id = ? AND status = 'active'",
        (resource_id,),
    )
    return cur.rowcount == 1


def in_box_query(
    box: tuple[float, float, float, float], kind: str | None
) -> tuple[str, list[object]]:
    """The statement of `resources_in_box` and its parameters (its plan is tested)."""
    south, north, west, east = box
    sql = (
        SELECT_RESOURCE_FROM.format(index="INDEXED BY resources_place")
        + " WHERE r.status = 'active' AND r.latitude BETWEEN ? AND ?"
        " AND r.longitude BETWEEN ? AND ?"
    )
    params: list[object] = [south, north, west, east]
    if kind is not None:
        sql += " AND r.kind = ?"
        params.append(kind)
    return sql + " ORDER BY r.id", params


async def resources_in_box(
    conn: Conn, box: tuple[float, float, float, float], kind: str | None = None
) -> list[Resource]:
    """Active resources inside (south, north, west, east), from resources_place (a range on
    latitude); the caller keeps those within the exact distance."""
    sql, params = in_box_query(box, kind)
    return [resource_from_row(row) for row in await fetch_all(conn, sql, params)]


async def count_unplaced_resources(conn: Conn, kind: str | None = None) -> int:
    """Active resources whose place is unknown: a list by distance leaves them out."""
    sql = "SELECT COUNT(*) FROM resources WHERE status = 'active' AND latitude IS NULL"
    params: list[object] = []
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    row = await fetch_one(conn, sql, params)
    return int(row[0]) if row else 0


async def latest_resources(conn: Conn, kind: str | None, limit: int) -> list[Resource]:
    """The newest active resources (a reader whose place is unknown)."""
    sql = SELECT_RESOURCE + " WHERE r.status = 'active'"
    params: list[object] = []
    if kind is not None:
        sql += " AND r.kind = ?"
        params.append(kind)
    sql += " ORDER BY r.id DESC LIMIT ?"
    params.append(limit)
    return [resource_from_row(row) for row in await fetch_all(conn, sql, params)]


async def resources_of_association(conn: Conn, association_id: int) -> list[Resource]:
    rows = await fetch_all(
        conn,
        SELECT_RESOURCE + " WHERE r.association_id = ? AND r.status = 'active' ORDER BY r.id",
        (association_id,),
    )
    return [resource_from_row(row) for row in rows]


# ------------------------------------------------------------------ bookings

SELECT_BOOKING_FROM = """
SELECT b.*, r.name AS resource_name, r.kind AS resource_kind, r.place AS resource_place,
       r.conditions AS resource_conditions,
       o.name AS owner_name, w.name AS borrower_name
FROM bookings b {index}
JOIN resources r ON r.id = b.resource_id
JOIN associations o ON o.id = b.owner_association_id
JOIN associations w ON w.id = b.borrower_association_id
"""
SELECT_BOOKING = SELECT_BOOKING_FROM.format(index="")


def select_booking(index: str) -> str:
    """SELECT_BOOKING reading `bookings` through `index`."""
    return SELECT_BOOKING_FROM.format(index=f"INDEXED BY {index}")


def booking_from_row(row: sqlite3.Row) -> Booking:
    return Booking(
        id=int(row["id"]),
        resource_id=int(row["resource_id"]),
        resource_name=row["resource_name"],
        resource_kind=row["resource_kind"],
        resource_place=row["resource_place"],
        resource_conditions=row["resource_conditions"],
        owner_association_id=int(row["owner_association_id"]),
        owner_name=row["owner_name"],
        borrower_association_id=int(row["borrower_association_id"]),
        borrower_name=row["borrower_name"],
        member_id=int(row["member_id"]),
        start_at=from_db(row["start_at"]),
        end_at=from_db(row["end_at"]),
        whole_days=bool(row["whole_days"]),
        days=float(row["days"]),
        status=row["status"],
        decided_by=row["decided_by"],
        returned_at=from_db(row["returned_at"]) if row["returned_at"] else None,
        incident=row["incident"],
        created_at=from_db(row["created_at"]),
    )


# The live bookings of a resource that overlap [start, end): read from bookings_live (a
# range on end_at, then start_at checked in the index).
OVERLAPPING = (
    "SELECT 1 FROM bookings o INDEXED BY bookings_live"
    " WHERE o.resource_id = ? AND o.status IN ('requested', 'confirmed')"
    " AND o.end_at > ? AND o.start_at < ?"
)


async def book_if_free(conn: Conn, new: NewBooking, now: datetime) -> Booking | None:
    """Store the booking unless a live booking of the resource overlaps it (None then), in one
    statement: the check and the insert cannot be split by another writer."""
    start, end = to_db(new.start_at), to_db(new.end_at)
    rows = await fetch_all(
        conn,
        "INSERT INTO bookings (resource_id, owner_association_id, borrower_association_id,"
        " member_id, start_at, end_at, whole_days, days, status, created_at, updated_at)"
        " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
        f" WHERE NOT EXISTS ({OVERLAPPING}) RETURNING id",
        (
            new.resource_id,
            new.owner_association_id,
            new.borrower_association_id,
            new.member_id,
            start,
            end,
            int(new.whole_days),
            new.days,
            new.status,
            to_db(now),
            to_db(now),
            new.resource_id,
            start,
            end,
        ),
    )
    if not rows:
        return None
    return await booking_by_id(conn, int(rows[0][0]))


async def booking_by_id(conn: Conn, booking_id: int) -> Booking | None:
    row = await fetch_one(conn, SELECT_BOOKING + " WHERE b.id = ?", (booking_id,))
    return booking_from_row(row) if row is not None else None


def live_after_query(resource_id: int, after: datetime, limit: int) -> tuple[str, list[object]]:
    """The statement of `live_bookings_after` (its plan is tested)."""
    return (
        select_booking("bookings_live")
        + " WHERE b.resource_id = ? AND b.status IN ('requested', 'confirmed') AND b.end_at > ?"
        " ORDER BY b.end_at LIMIT ?",
        [resource_id, to_db(after), limit],
    )


async def live_bookings_after(
    conn: Conn, resource_id: int, after: datetime, limit: int
) -> list[Booking]:
    """The live bookings of a resource that end after `after`, in time order (they never
    overlap one another, so by end is by start), at most `limit`."""
    sql, params = live_after_query(resource_id, after, limit)
    return [booking_from_row(row) for row in await fetch_all(conn, sql, params)]


async def bookings_of_association(
    conn: Conn, association_id: int, after: datetime, limit: int
) -> list[Booking]:
    """The live bookings of an association's resources and those it made, ending after
    `after`, in time order, at most `limit` (two index ranges, one statement)."""
    rows = await fetch_all(
        conn,
        "SELECT * FROM ("
        + select_booking("bookings_owner_live")
        + " WHERE b.owner_association_id = ?"
        " AND b.status IN ('requested', 'confirmed') AND b.end_at > ?"
        " UNION "
        + select_booking("bookings_borrower_live")
        + " WHERE b.borrower_association_id = ?"
        " AND b.status IN ('requested', 'confirmed') AND b.end_at > ?"
        ") ORDER BY start_at, id LIMIT ?",
        (association_id, to_db(after), association_id, to_db(after), limit),
    )
    return [booking_from_row(row) for row in rows]


async def change_status(
    conn: Conn,
    booking_id: int,
    from_statuses: Sequence[BookingStatus],
    to: BookingStatus,
    actor_id: int | None,
    now: datetime,
) -> bool:
    """Move the booking to `to` if it is in one of `from_statuses`; False when it was not
    (answered, cancelled or returned meanwhile)."""
    marks = ",".join("?" for _ in from_statuses)
    cur = await conn.execute(
        "UPDATE bookings SET status = ?, updated_at = ?,"
        " decided_by = CASE WHEN ? IN ('confirmed', 'declined') THEN ? ELSE decided_by END"
        f" WHERE id = ? AND status IN ({marks})",
        (to, to_db(now), to, actor_id, booking_id, *from_statuses),
    )
    return cur.rowcount == 1


async def mark_returned(
    conn: Conn, booking_id: int, actor_id: int, incident: str, now: datetime
) -> bool:
    cur = await conn.execute(
        "UPDATE bookings SET status = 'returned', returned_at = ?, returned_by = ?,"
        " incident = ?, updated_at = ? WHERE id = ? AND status = 'confirmed'",
        (to_db(now), actor_id, incident, to_db(now), booking_id),
    )
    return cur.rowcount == 1


def late_returns_query(
    association_ids: Sequence[int], ended_before: datetime
) -> tuple[str, list[object]]:
    marks = ",".join("?" for _ in association_ids)
    return (
        select_booking("bookings_owner_live")
        + " WHERE b.status IN ('requested', 'confirmed') AND b.status = 'confirmed'"
        f" AND b.owner_association_id IN ({marks}) AND b.end_at <= ?"
        " ORDER BY b.owner_association_id, b.end_at",
        [*association_ids, to_db(ended_before)],
    )


async def late_returns(
    conn: Conn, association_ids: Sequence[int], ended_before: datetime, per_association: int
) -> dict[int, list[Booking]]:
    """Confirmed bookings of these owners' resources that ended before `ended_before` and were
    not returned: one statement (bookings_owner_live) for a batch of digests."""
    found: dict[int, list[Booking]] = {}
    ids = sorted(set(association_ids))
    for start in range(0, len(ids), CHUNK):
        sql, params = late_returns_query(ids[start : start + CHUNK], ended_before)
        for row in await fetch_all(conn, sql, params):
            late = found.setdefault(int(row["owner_association_id"]), [])
            if len(late) < per_association:
                late.append(booking_from_row(row))
    return found


# ------------------------------------------------------------------ alerts


async def set_alerts(
    conn: Conn, booking_id: int, alerts: Sequence[tuple[AlertKind, datetime]]
) -> None:
    """The booking's alerts are these (any earlier ones are dropped)."""
    await drop_alerts(conn, booking_id)
    if alerts:
        await conn.executemany(
            "INSERT INTO booking_alerts (booking_id, kind, due_at) VALUES (?, ?, ?)",
            [(booking_id, kind, to_db(at)) for kind, at in alerts],
        )


async def drop_alerts(conn: Conn, booking_id: int) -> None:
    await conn.execute("DELETE FROM booking_alerts WHERE booking_id = ?", (booking_id,))


async def drop_alert(conn: Conn, booking_id: int, kind: AlertKind) -> None:
    await conn.execute(
        "DELETE FROM booking_alerts WHERE booking_id = ? AND kind = ?", (booking_id, kind)
    )


DUE_ALERTS = (
    "SELECT a.kind AS alert_kind, a.due_at AS alert_due_at, bk.* FROM"
    " (SELECT booking_id, kind, due_at FROM booking_alerts INDEXED BY booking_alerts_due"
    "  WHERE due_at <= ? ORDER BY due_at LIMIT ?) a"
    " JOIN (" + SELECT_BOOKING + ") bk ON bk.id = a.booking_id"
    " ORDER BY a.due_at, a.booking_id"
)


async def due_alerts(conn: Conn, now: datetime, limit: int) -> list[DueAlert]:
    """The alerts due at `now`, oldest first, at most `limit`, with their bookings: one
    statement, a range of booking_alerts_due (nothing read when nothing is due)."""
    rows = await fetch_all(conn, DUE_ALERTS, (to_db(now), limit))
    return [
        DueAlert(row["alert_kind"], from_db(row["alert_due_at"]), booking_from_row(row))
        for row in rows
    ]


# ------------------------------------------------------------------ the indicators


def loans_query(
    start: datetime, end: datetime, association_id: int | None
) -> tuple[str, list[object]]:
    """The statement of `loans_between` and its parameters (its plan is tested)."""
    if association_id is None:
        return (
            "SELECT COUNT(*), COALESCE(SUM(days), 0) FROM bookings INDEXED BY bookings_loans"
            " WHERE status IN ('confirmed', 'returned') AND start_at >= ? AND start_at < ?"
            " AND owner_association_id != borrower_association_id",
            [to_db(start), to_db(end)],
        )
    return (
        "SELECT COUNT(*), COALESCE(SUM(days), 0) FROM bookings INDEXED BY bookings_owner_loans"
        " WHERE status IN ('confirmed', 'returned') AND owner_association_id = ?"
        " AND start_at >= ? AND start_at < ? AND borrower_association_id != ?",
        [association_id, to_db(start), to_db(end), association_id],
    )


async def loans_between(
    conn: Conn, start: datetime, end: datetime, association_id: int | None = None
) -> tuple[int, float]:
    """Equipment lent, as (loans, days): the bookings confirmed (or returned) whose start is in
    [start, end), lent by one association to another (an association booking its own truck is
    no loan); `association_id`: lent BY that association (its resources), None: the network.
    A booking cancelled or declined never counts; one confirmed for a later day of the period
    counts already. Set-based: one statement, a range of bookings_loans / bookings_owner_loans."""
    sql, params = loans_query(start, end, association_id)
    row = await fetch_one(conn, sql, params)
    if row is None:
        return (0, 0.0)
    return (int(row[0]), round(float(row[1]), 3))
