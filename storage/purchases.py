"""Group purchases (issue 14): the purchases, who they were announced to, each association's
commitment. Migration 0026 explains the columns; handlers/purchases.py what they are for.

The scheduler's read (`due`) is two range reads of partial indexes that hold only what is still
to do, in one statement (tests/test_purchases.py checks its plan).
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from storage.db import Conn, fetch_all, fetch_one
from storage.models import Contact
from storage.timefmt import from_db, to_db

MinimumKind = Literal["packs", "euros"]
PurchaseStatus = Literal["open", "reached", "cancelled"]

# Rows per statement when a purchase's audience is stored (two variables a row).
CHUNK = 400


@dataclass(frozen=True)
class NewPurchase:
    product: str
    pack: str
    category: str | None
    unit_price_cents: int
    supplier: str
    minimum_kind: MinimumKind
    minimum: int
    pickup: str
    closes_at: datetime
    remind_at: datetime
    # Set when the reminder has no time to be useful (opened less than 24 h before).
    reminded_at: datetime | None = None


@dataclass(frozen=True)
class Purchase:
    id: int
    association_id: int
    association_name: str
    association_commune: str
    organiser_id: int
    organiser_name: str
    product: str
    pack: str
    category: str | None
    unit_price_cents: int
    supplier: str
    minimum_kind: MinimumKind
    minimum: int
    pickup: str
    closes_at: datetime
    remind_at: datetime
    reminded_at: datetime | None
    extended: bool
    progress_level: int
    status: PurchaseStatus
    closed_at: datetime | None
    created_at: datetime
    # Packs committed by every association, and how many associations committed some.
    total_packs: int
    participants: int

    @property
    def total_cents(self) -> int:
        return self.total_packs * self.unit_price_cents

    @property
    def reached(self) -> bool:
        if self.minimum_kind == "packs":
            return self.total_packs >= self.minimum
        return self.total_cents >= self.minimum

    @property
    def percent(self) -> int:
        """How far towards the minimum, in whole per cent (rounded down: 99 % is not there)."""
        done = self.total_packs if self.minimum_kind == "packs" else self.total_cents
        return done * 100 // self.minimum

    def is_open_at(self, now: datetime) -> bool:
        return self.status == "open" and now < self.closes_at


@dataclass(frozen=True)
class Order:
    """One association's commitment, with who set it (told at the deadline)."""

    association_id: int
    association_name: str
    association_commune: str
    member_id: int
    member_name: str
    member_active: bool
    quantity: int


SELECT_PURCHASE = """
SELECT p.*, a.name AS association_name, a.commune AS association_commune,
       m.name AS organiser_name,
       COALESCE((SELECT SUM(o.quantity) FROM purchase_orders o WHERE o.purchase_id = p.id), 0)
           AS total_packs,
       (SELECT COUNT(*) FROM purchase_orders o WHERE o.purchase_id = p.id AND o.quantity > 0)
           AS participants
FROM purchases p {indexed}
JOIN associations a ON a.id = p.association_id
JOIN members m ON m.id = p.organiser_id
"""


def _select(indexed: str = "") -> str:
    return SELECT_PURCHASE.format(indexed=f"INDEXED BY {indexed}" if indexed else "")


def purchase_from_row(row: sqlite3.Row) -> Purchase:
    return Purchase(
        id=int(row["id"]),
        association_id=int(row["association_id"]),
        association_name=row["association_name"],
        association_commune=row["association_commune"],
        organiser_id=int(row["organiser_id"]),
        organiser_name=row["organiser_name"],
        product=row["product"],
        pack=row["pack"],
        category=row["category"],
        unit_price_cents=int(row["unit_price_cents"]),
        supplier=row["supplier"],
        minimum_kind="euros" if row["minimum_kind"] == "euros" else "packs",
        minimum=int(row["minimum"]),
        pickup=row["pickup"],
        closes_at=from_db(row["closes_at"]),
        remind_at=from_db(row["remind_at"]),
        reminded_at=from_db(row["reminded_at"]) if row["reminded_at"] else None,
        extended=bool(row["extended"]),
        progress_level=int(row["progress_level"]),
        status=_status(row["status"]),
        closed_at=from_db(row["closed_at"]) if row["closed_at"] else None,
        created_at=from_db(row["created_at"]),
        total_packs=int(row["total_packs"]),
        participants=int(row["participants"]),
    )


def _status(text: str) -> PurchaseStatus:
    if text == "reached":
        return "reached"
    if text == "cancelled":
        return "cancelled"
    return "open"


# ------------------------------------------------------------------ opening


async def create_purchase(
    conn: Conn, new: NewPurchase, organiser_id: int, association_id: int, now: datetime
) -> int:
    cur = await conn.execute(
        "INSERT INTO purchases (association_id, organiser_id, product, pack, category,"
        " unit_price_cents, supplier, minimum_kind, minimum, pickup, closes_at, remind_at,"
        " reminded_at, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            association_id,
            organiser_id,
            new.product,
            new.pack,
            new.category,
            new.unit_price_cents,
            new.supplier,
            new.minimum_kind,
            new.minimum,
            new.pickup,
            to_db(new.closes_at),
            to_db(new.remind_at),
            to_db(new.reminded_at) if new.reminded_at else None,
            to_db(now),
            to_db(now),
        ),
    )
    assert cur.lastrowid is not None
    return int(cur.lastrowid)


async def add_audience(conn: Conn, purchase_id: int, association_ids: Sequence[int]) -> None:
    """The associations the purchase is announced to (a few statements for thousands)."""
    ids = sorted(set(association_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        values = ",".join("(?, ?)" for _ in chunk)
        params = [value for association_id in chunk for value in (purchase_id, association_id)]
        await conn.execute(
            "INSERT OR IGNORE INTO purchase_audience (purchase_id, association_id)"
            f" VALUES {values}",
            params,
        )


async def audience_count(conn: Conn, purchase_id: int) -> int:
    row = await fetch_one(
        conn, "SELECT COUNT(*) FROM purchase_audience WHERE purchase_id = ?", (purchase_id,)
    )
    return int(row[0]) if row else 0


# ------------------------------------------------------------------ reading


async def purchase_by_id(conn: Conn, purchase_id: int) -> Purchase | None:
    row = await fetch_one(conn, _select() + " WHERE p.id = ?", (purchase_id,))
    return purchase_from_row(row) if row else None


# What `/achats` lists to an association: the open purchases it was told of, organises or
# committed to, the nearest deadline first. Open purchases are few (a handful a month): they
# are read from the partial index in deadline order, each tested by primary key.
OPEN_FOR_ASSOCIATION = (
    _select("purchases_open_closing") + " WHERE p.status = 'open' AND (p.association_id = ?"
    " OR EXISTS (SELECT 1 FROM purchase_audience pa"
    "  WHERE pa.purchase_id = p.id AND pa.association_id = ?)"
    " OR EXISTS (SELECT 1 FROM purchase_orders o"
    "  WHERE o.purchase_id = p.id AND o.association_id = ?))"
    " ORDER BY p.closes_at, p.id LIMIT ?"
)


async def open_purchases_for(conn: Conn, association_id: int, limit: int) -> list[Purchase]:
    rows = await fetch_all(
        conn, OPEN_FOR_ASSOCIATION, (association_id, association_id, association_id, limit)
    )
    return [purchase_from_row(row) for row in rows]


# ------------------------------------------------------------------ commitments


async def order_of(conn: Conn, purchase_id: int, association_id: int) -> int | None:
    """The association's committed packs (0: withdrawn), None when it never committed."""
    row = await fetch_one(
        conn,
        "SELECT quantity FROM purchase_orders WHERE purchase_id = ? AND association_id = ?",
        (purchase_id, association_id),
    )
    return int(row[0]) if row else None


async def set_order(
    conn: Conn,
    purchase_id: int,
    association_id: int,
    member_id: int,
    quantity: int,
    now: datetime,
) -> None:
    """The association's commitment is now `quantity` packs (0: withdrawn), set by `member_id`."""
    await conn.execute(
        "INSERT INTO purchase_orders (purchase_id, association_id, member_id, quantity,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (purchase_id, association_id) DO UPDATE SET"
        " member_id = excluded.member_id, quantity = excluded.quantity,"
        " updated_at = excluded.updated_at",
        (purchase_id, association_id, member_id, quantity, to_db(now), to_db(now)),
    )


async def orders_of(conn: Conn, purchase_id: int) -> list[Order]:
    """The commitments still standing (quantity above 0), by association name (a purchase
    has a few dozen: sorted here, accents folded)."""
    rows = await fetch_all(
        conn,
        "SELECT o.association_id, a.name AS association_name, a.commune AS association_commune,"
        " o.member_id, m.name AS member_name, m.status AS member_status, o.quantity"
        " FROM purchase_orders o JOIN associations a ON a.id = o.association_id"
        " JOIN members m ON m.id = o.member_id"
        " WHERE o.purchase_id = ? AND o.quantity > 0",
        (purchase_id,),
    )
    found = [
        Order(
            int(row["association_id"]),
            row["association_name"],
            row["association_commune"],
            int(row["member_id"]),
            row["member_name"],
            row["member_status"] == "active",
            int(row["quantity"]),
        )
        for row in rows
    ]
    # By name as a reader sorts it: « Épicerie » with the E's, not after the Z's.
    return sorted(
        found, key=lambda order: (_sort_key(order.association_name), order.association_id)
    )


def _sort_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


async def order_contacts(conn: Conn, purchase_id: int) -> dict[int, Contact | None]:
    """How to reach each coordinator who set a standing order, in one statement (the CSV of a
    purchase with hundreds of participants): as `members.contact_card` says it, their most
    recently used identity with a contact, a phone number only if they agreed to show it."""
    rows = await fetch_all(
        conn,
        "SELECT o.member_id, m.shares_number, i.contact, i.contact_link, i.contact_private"
        " FROM purchase_orders o JOIN members m ON m.id = o.member_id"
        " JOIN identities i ON i.member_id = o.member_id"
        " WHERE o.purchase_id = ? AND o.quantity > 0"
        " ORDER BY o.member_id, i.last_inbound_at IS NULL, i.last_inbound_at DESC,"
        " i.created_at DESC",
        (purchase_id,),
    )
    found: dict[int, Contact | None] = {}
    for row in rows:
        member_id = int(row["member_id"])
        hidden = bool(row["contact_private"]) and not row["shares_number"]
        if found.get(member_id) is None and row["contact"] and not hidden:
            found[member_id] = Contact(
                row["contact"], row["contact_link"], bool(row["contact_private"])
            )
        found.setdefault(member_id, None)
    return found


async def set_progress_level(conn: Conn, purchase_id: int, level: int) -> None:
    await conn.execute("UPDATE purchases SET progress_level = ? WHERE id = ?", (level, purchase_id))


# ------------------------------------------------------------------ the scheduler's reads

# What is due, in one statement (the minute tick runs it with the escalation's, in the same
# transaction: an idle tick costs one statement more): reminders whose time has come for
# purchases still open before their deadline, then purchases whose deadline has come. Each arm
# is a range of a partial index holding only what is still to do.
DUE = (
    "SELECT * FROM (SELECT 'remind' AS deed, p.id FROM purchases p"
    " INDEXED BY purchases_open_reminding"
    " WHERE p.status = 'open' AND p.reminded_at IS NULL AND p.remind_at <= ?"
    " AND p.closes_at > ? ORDER BY p.remind_at, p.id LIMIT ?)"
    " UNION ALL SELECT * FROM (SELECT 'settle' AS deed, p.id FROM purchases p"
    " INDEXED BY purchases_open_closing"
    " WHERE p.status = 'open' AND p.closes_at <= ? ORDER BY p.closes_at, p.id LIMIT ?)"
)


async def due(conn: Conn, now: datetime, limit: int) -> list[tuple[str, int]]:
    """(« remind » or « settle », purchase id) of what is due at `now`, reminders first, at
    most `limit` of each."""
    moment = to_db(now)
    rows = await fetch_all(conn, DUE, (moment, moment, limit, moment, limit))
    return [(str(row[0]), int(row[1])) for row in rows]


async def mark_reminded(conn: Conn, purchase_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE purchases SET reminded_at = ? WHERE id = ?", (to_db(now), purchase_id)
    )


# The coordinators (administrators included: their stored role is 'coordinator') of the
# associations a purchase was announced to that have not answered it (no commitment row, even
# a withdrawn one), read through members_association_role.
COORDINATORS_TO_REMIND = """
SELECT m.id FROM purchase_audience pa
JOIN members m INDEXED BY members_association_role
  ON m.association_id = pa.association_id AND m.status = 'active' AND m.role = 'coordinator'
WHERE pa.purchase_id = ?
  AND NOT EXISTS (SELECT 1 FROM purchase_orders o
                  WHERE o.purchase_id = pa.purchase_id AND o.association_id = pa.association_id)
"""


async def coordinators_to_remind(conn: Conn, purchase_id: int) -> list[int]:
    rows = await fetch_all(conn, COORDINATORS_TO_REMIND, (purchase_id,))
    return [int(row[0]) for row in rows]


# ------------------------------------------------------------------ closing, extending


async def settle(conn: Conn, purchase_id: int, status: PurchaseStatus, now: datetime) -> bool:
    """Close an open purchase as 'reached' or 'cancelled'; False when it was not open. Its
    audience is forgotten (only an open purchase is listed or reminded): at 5,000
    associations, a year of purchases would otherwise keep a million rows."""
    cur = await conn.execute(
        "UPDATE purchases SET status = ?, closed_at = ?, updated_at = ?"
        " WHERE id = ? AND status = 'open'",
        (status, to_db(now), to_db(now), purchase_id),
    )
    if cur.rowcount != 1:
        return False
    await conn.execute("DELETE FROM purchase_audience WHERE purchase_id = ?", (purchase_id,))
    return True


async def extend(
    conn: Conn,
    purchase_id: int,
    closes_at: datetime,
    remind_at: datetime,
    reminded_at: datetime | None,
    now: datetime,
) -> bool:
    """Push an open purchase's deadline back, once; False when it was extended already."""
    cur = await conn.execute(
        "UPDATE purchases SET closes_at = ?, remind_at = ?, reminded_at = ?, extended = 1,"
        " updated_at = ? WHERE id = ? AND status = 'open' AND extended = 0",
        (
            to_db(closes_at),
            to_db(remind_at),
            to_db(reminded_at) if reminded_at else None,
            to_db(now),
            purchase_id,
        ),
    )
    return cur.rowcount == 1
