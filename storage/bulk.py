"""Bulk loading of a whole network in a few statements: the benchmarks build networks of the
largest real size (5,000 associations, 10,000 members, 100,000 posts) in seconds with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Conn
from storage.timefmt import date_to_db, to_db


@dataclass(frozen=True)
class AssociationRow:
    id: int
    name: str
    commune: str
    latitude: float | None
    longitude: float | None
    reach_km: float
    takes: str | None
    gives: str | None
    cold_storage: bool


@dataclass(frozen=True)
class MemberRow:
    id: int
    association_id: int
    name: str
    role: str
    channel: str
    external_id: str


@dataclass(frozen=True)
class PostRow:
    id: int
    kind: str
    category: str | None
    what: str
    quantity: float | None
    unit: str | None
    deadline: date | None
    urgent: bool
    cold_chain: bool
    status: str
    author_id: int
    association_id: int
    latitude: float | None
    longitude: float | None
    created_at: datetime


async def load_network(
    conn: Conn,
    associations: list[AssociationRow],
    people: list[MemberRow],
    posts: list[PostRow],
    now: datetime,
) -> None:
    stamp = to_db(now)
    await conn.executemany(
        "INSERT INTO associations (id, name, commune, latitude, longitude, created_at, reach_km,"
        " takes, gives, cold_storage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                a.id,
                a.name,
                a.commune,
                a.latitude,
                a.longitude,
                stamp,
                a.reach_km,
                a.takes,
                a.gives,
                int(a.cold_storage),
            )
            for a in associations
        ],
    )
    await conn.executemany(
        "INSERT INTO members (id, association_id, name, role, joined_at) VALUES (?, ?, ?, ?, ?)",
        [(m.id, m.association_id, m.name, m.role, stamp) for m in people],
    )
    await conn.executemany(
        "INSERT INTO identities (channel, external_id, member_id, last_inbound_at, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [(m.channel, m.external_id, m.id, stamp, stamp) for m in people],
    )
    await conn.executemany(
        "INSERT INTO posts (id, kind, category, what, quantity, unit, deadline, place, urgent,"
        " cold_chain, status, author_id, association_id, original_text, created_at,"
        " updated_at, urgent_since, latitude, longitude)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                p.id,
                p.kind,
                p.category,
                p.what,
                p.quantity,
                p.unit,
                date_to_db(p.deadline),
                int(p.urgent),
                int(p.cold_chain),
                p.status,
                p.author_id,
                p.association_id,
                p.what,
                to_db(p.created_at),
                to_db(p.created_at),
                to_db(p.created_at) if p.urgent else None,
                p.latitude,
                p.longitude,
            )
            for p in posts
        ],
    )


@dataclass(frozen=True)
class ClaimRow:
    id: int
    post_id: int
    member_id: int
    association_id: int
    quantity: float | None
    status: str
    created_at: datetime
    # A done claim's current figure when it is not `quantity` (collected less, or corrected
    # by the post's author: issue 13's indicators); None: `quantity`.
    done_quantity: float | None = None


@dataclass(frozen=True)
class EventRow:
    at: datetime
    kind: str
    actor_id: int | None
    post_id: int | None
    claim_id: int | None
    quantity: float | None


async def load_activity(conn: Conn, claims: list[ClaimRow], events: list[EventRow]) -> None:
    """Claims and the event log of a bulk-loaded network (events in the order given)."""
    await conn.executemany(
        "INSERT INTO claims (id, post_id, member_id, association_id, quantity, status,"
        " done_quantity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c.id,
                c.post_id,
                c.member_id,
                c.association_id,
                c.quantity,
                c.status,
                (c.quantity if c.done_quantity is None else c.done_quantity)
                if c.status == "done"
                else None,
                to_db(c.created_at),
                to_db(c.created_at),
            )
            for c in claims
        ],
    )
    await conn.executemany(
        "INSERT INTO events (at, kind, actor_id, post_id, claim_id, quantity)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(to_db(e.at), e.kind, e.actor_id, e.post_id, e.claim_id, e.quantity) for e in events],
    )
