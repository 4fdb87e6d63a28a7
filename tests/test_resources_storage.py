"""storage/resources.py: a booking's check and insert cannot be split (two connections on one
database), state changes are conditional, loans are counted set-based, and every hot statement
reads its index (EXPLAIN QUERY PLAN)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import members
from storage import resources as stored
from storage.db import Conn, Database
from storage.resources import NewBooking, NewResource
from tests.conftest import PARIS, START


def at(day: int, hour: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS).astimezone(UTC)


async def two_associations(conn: Conn) -> tuple[int, int, int, int]:
    """(lender, borrower, a member of the borrower, the lender's resource)."""
    lender = await members.ensure_association(conn, "Restos du Cœur Narbonne", "Narbonne", START)
    borrower = await members.ensure_association(conn, "Épicerie de Limoux", "Limoux", START)
    carla = await members.create_member(conn, borrower.id, "Carla", "coordinator", START)
    truck = await stored.create_resource(
        conn,
        NewResource(lender.id, "vehicule_frigo", "Camion frigo", "Narbonne", 43.18, 3.0, "", True),
        None,
        START,
    )
    return lender.id, borrower.id, carla.id, truck.id


def booking(
    ids: tuple[int, int, int, int],
    start: datetime,
    end: datetime,
    status: stored.BookingStatus = "confirmed",
    borrower: int | None = None,
) -> NewBooking:
    lender, other, member, resource = ids
    days = round((end - start).total_seconds() / 86400, 3)
    return NewBooking(resource, lender, borrower or other, member, start, end, False, days, status)


async def test_touching_bookings_are_stored_overlapping_ones_are_not(db: Database) -> None:
    async with db.transaction() as conn:
        ids = await two_associations(conn)
        assert await stored.book_if_free(conn, booking(ids, at(3, 8), at(3, 14)), START)
        assert await stored.book_if_free(conn, booking(ids, at(3, 14), at(3, 18)), START)
        assert await stored.book_if_free(conn, booking(ids, at(3, 4), at(3, 8)), START)
        for start, end in [(at(3, 13), at(3, 15)), (at(3, 0), at(4, 0)), (at(3, 9), at(3, 10))]:
            assert await stored.book_if_free(conn, booking(ids, start, end), START) is None
        # A request holds its range too; a cancelled booking frees it.
        request = await stored.book_if_free(
            conn, booking(ids, at(4, 8), at(4, 14), "requested"), START
        )
        assert request is not None
        assert await stored.book_if_free(conn, booking(ids, at(4, 9), at(4, 10)), START) is None
        assert await stored.change_status(conn, request.id, stored.LIVE, "cancelled", None, START)
        assert await stored.book_if_free(conn, booking(ids, at(4, 9), at(4, 10)), START)


async def test_two_connections_cannot_both_book_the_same_range(tmp_path: Path) -> None:
    """Two processes (two connections): the second's BEGIN IMMEDIATE waits for the first's
    commit, then its one-statement check sees the first booking."""
    path = tmp_path / "boucle.db"
    first, second = await Database.open(path), await Database.open(path)
    try:
        async with first.transaction() as conn:
            ids = await two_associations(conn)
        wanted = booking(ids, at(3, 8), at(3, 14))
        entered = asyncio.Event()
        results: list[object] = []

        async def other_process() -> None:
            entered.set()
            async with second.transaction() as conn:
                results.append(await stored.book_if_free(conn, wanted, START))

        async with first.transaction() as conn:
            results.append(await stored.book_if_free(conn, wanted, START))
            task = asyncio.create_task(other_process())
            await entered.wait()
            await asyncio.sleep(0.05)  # the other one is waiting for the write lock
        await task
        assert results[0] is not None and results[1] is None
        async with first.read() as conn:
            rows = await conn.execute_fetchall("SELECT COUNT(*) FROM bookings")
        assert next(iter(rows))[0] == 1
    finally:
        await first.close()
        await second.close()


async def test_a_request_is_answered_once(db: Database) -> None:
    async with db.transaction() as conn:
        ids = await two_associations(conn)
        made = await stored.book_if_free(
            conn, booking(ids, at(3, 8), at(3, 14), "requested"), START
        )
        assert made is not None
        member = ids[2]
        assert await stored.change_status(conn, made.id, ("requested",), "confirmed", member, START)
        assert not await stored.change_status(
            conn, made.id, ("requested",), "declined", None, START
        )
        found = await stored.booking_by_id(conn, made.id)
    assert found is not None and found.status == "confirmed" and found.decided_by == member


async def test_loans_are_counted_between_two_moments(db: Database) -> None:
    async with db.transaction() as conn:
        ids = await two_associations(conn)
        lender, borrower, member, _ = ids
        week = [
            booking(ids, at(3, 8), at(3, 14)),  # 0.25 day, confirmed
            booking(ids, at(4, 0), at(5, 0)),  # 1 day, returned below
            booking(ids, at(7, 8), at(7, 14), "requested"),  # not a loan (yet)
            booking(ids, at(8, 8), at(8, 14)),  # cancelled below
            booking(ids, at(9, 8), at(9, 14), borrower=lender),  # its own truck: no loan
            booking(ids, at(20, 8), at(20, 14)),  # after the period
        ]
        made = [await stored.book_if_free(conn, b, START) for b in week]
        assert all(made)
        assert await stored.mark_returned(conn, made[1].id, member, "", START)  # type: ignore[union-attr]
        await stored.change_status(conn, made[3].id, stored.LIVE, "cancelled", None, START)  # type: ignore[union-attr]
        network = await stored.loans_between(conn, at(1, 0), at(15, 0))
        by_lender = await stored.loans_between(conn, at(1, 0), at(15, 0), lender)
        by_borrower = await stored.loans_between(conn, at(1, 0), at(15, 0), borrower)
    assert network == (2, 1.25)
    assert by_lender == (2, 1.25)
    assert by_borrower == (0, 0.0)  # it lent nothing


async def test_alerts_due_are_read_in_time_order_and_dropped(db: Database) -> None:
    async with db.transaction() as conn:
        ids = await two_associations(conn)
        made = await stored.book_if_free(conn, booking(ids, at(3, 8), at(3, 14)), START)
        assert made is not None
        await stored.set_alerts(conn, made.id, [("return", at(3, 14)), ("eve", at(2, 18))])
        assert await stored.due_alerts(conn, at(2, 17), 10) == []
        due = await stored.due_alerts(conn, at(3, 14), 10)
        assert [(a.kind, a.booking.id) for a in due] == [("eve", made.id), ("return", made.id)]
        await stored.drop_alert(conn, made.id, "eve")
        assert [a.kind for a in await stored.due_alerts(conn, at(3, 14), 10)] == ["return"]
        await stored.set_alerts(conn, made.id, [])  # replaced by none
        assert await stored.due_alerts(conn, at(9, 0), 10) == []


# ------------------------------------------------------------------ the plans


async def plan(conn: Conn, sql: str, params: list[object] | tuple[object, ...]) -> str:
    rows = await conn.execute_fetchall("EXPLAIN QUERY PLAN " + sql, params)
    return "\n".join(str(row[3]) for row in rows)


def scans(detail: str, table: str) -> bool:
    return any(
        line.strip().startswith(f"SCAN {table}") and "USING" not in line
        for line in detail.splitlines()
    )


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("overlap", "bookings_live"),
        ("live_after", "bookings_live"),
        ("of_association", "bookings_owner_live"),
        ("late_returns", "bookings_owner_live"),
        ("due_alerts", "booking_alerts_due"),
        ("loans_network", "bookings_loans"),
        ("loans_lender", "bookings_owner_loans"),
        ("in_box", "resources_place"),
    ],
)
async def test_each_hot_statement_reads_its_index(db: Database, name: str, index: str) -> None:
    now = at(3, 9)
    statements: dict[str, tuple[str, list[object]]] = {
        "overlap": (stored.OVERLAPPING, [1, "2026-12-03", "2026-12-04"]),
        "live_after": stored.live_after_query(1, now, 10),
        "of_association": (
            "SELECT * FROM ("
            + stored.select_booking("bookings_owner_live")
            + " WHERE b.owner_association_id = ? AND b.status IN ('requested', 'confirmed')"
            " AND b.end_at > ?)",
            [1, "2026-12-03"],
        ),
        "late_returns": stored.late_returns_query([1, 2, 3], now),
        "due_alerts": (stored.DUE_ALERTS, ["2026-12-03", 10]),
        "loans_network": stored.loans_query(at(1, 0), at(15, 0), None),
        "loans_lender": stored.loans_query(at(1, 0), at(15, 0), 1),
        "in_box": stored.in_box_query((43.0, 43.5, 2.5, 3.5), "vehicule_frigo"),
    }
    sql, params = statements[name]
    async with db.read() as conn:
        detail = await plan(conn, sql, params)
    assert index in detail, detail
    assert not scans(detail, "bookings") and not scans(detail, "booking_alerts"), detail
    assert not scans(detail, "resources"), detail
    if name.startswith("loans"):
        assert "COVERING INDEX" in detail, detail  # counted from the index alone
