"""The transfers between associations, one per completed claim, read in batches (issue 13).

A transfer is a claim completed (`/fait`): what one association gave another. Its date is its
`completed` event's; its figure is the claim's latest figure in the log (`events.FIGURE_KINDS`:
an author's `done_corrected` takes the place of the claimer's first figure). A claim withdrawn
(`cancelled`) never appears, nor any claim of a post withdrawn (`cancelled`), even one that was
completed before the rest of the post was withdrawn: the issue's rule, « cancelled posts and
claims do not count ». Each claim appears once, on its first `completed` event.

Direction: an offer (or equipment lent) goes from its author's association to the claimer's; a
need (or equipment asked) is filled by the claimer's association for the author's.

The rows are read by keyset pagination, `batch` rows per statement, each starting where the
previous one stopped (no OFFSET): an export of a year of the whole network never holds more
than a batch in memory. The whole network's in the order of the partial index
`events_completed` (migration 0025, no sort); one association's from its own claims and posts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from storage.db import Conn, fetch_all, fetch_one
from storage.events import FIGURE_KINDS
from storage.models import PostKind
from storage.timefmt import from_db, to_db

DEFAULT_BATCH = 1_000


@dataclass(frozen=True)
class Transfer:
    completed_at: datetime  # UTC
    post_id: int
    claim_id: int
    kind: PostKind
    what: str
    category: str | None
    quantity: float | None  # the claim's latest figure; None: the post had no quantity
    unit: str | None
    giver_id: int
    giver: str
    receiver_id: int
    receiver: str


_OFFER_LIKE = ("offer", "equipment_offer")

# Where the completed events come from. The whole network: the period's range of the partial
# index `events_completed`. One association: its done claims (`claims_done_association`) and
# the done claims of its posts (`posts_association`, then `claims_post`), each claim's events
# by its post (`events_post`): a few rows, whatever the network's size, where the range would
# read every transfer of the period to keep the association's.
_NETWORK = " FROM events e INDEXED BY events_completed"
_ONE_ASSOCIATION = (
    " FROM (SELECT c.id AS claim_id, c.post_id FROM claims c INDEXED BY claims_done_association"
    "  WHERE c.association_id = ? AND c.status = 'done'"
    "  UNION SELECT c.id, c.post_id FROM posts p INDEXED BY posts_association"
    "  JOIN claims c ON c.post_id = p.id AND c.status = 'done' WHERE p.association_id = ?) mine"
    " CROSS JOIN events e INDEXED BY events_post"
    " ON e.post_id = mine.post_id AND e.claim_id = mine.claim_id"
)
# The completed claims of the period that count.
_WHERE = (
    " JOIN claims c ON c.id = e.claim_id"
    " JOIN posts p ON p.id = e.post_id"
    " WHERE e.kind = 'completed' AND e.at >= ? AND e.at < ?"
    " AND c.status = 'done' AND p.status != 'cancelled'"
    # Once per claim: its first `completed` event (there is one; a log written twice, once).
    " AND NOT EXISTS (SELECT 1 FROM events g WHERE g.post_id = e.post_id"
    "  AND g.claim_id = e.claim_id AND g.kind = 'completed' AND g.id < e.id)"
)
_COLUMNS = (
    "SELECT e.id, e.at, e.post_id, e.claim_id, p.kind, p.what, p.category, p.unit,"
    " p.association_id AS author_id, c.association_id AS claimer_id,"
    # The claim's latest figure: a correction replaces the first one (a few events per post).
    " (SELECT f.quantity FROM events f WHERE f.post_id = e.post_id AND f.claim_id = e.claim_id"
    f"  AND f.kind IN ({', '.join('?' for _ in FIGURE_KINDS)}) ORDER BY f.id DESC LIMIT 1)"
    "  AS quantity"
)
# Where the previous batch stopped: after (at, id), the index's own order on the network.
_AFTER = " AND e.at >= ? AND (e.at > ? OR e.id > ?) ORDER BY e.at, e.id LIMIT ?"


def _source(association_id: int | None) -> tuple[str, list[object]]:
    if association_id is None:
        return _NETWORK, []
    return _ONE_ASSOCIATION, [association_id, association_id]


def page_query(
    start: datetime,
    end: datetime,
    association_id: int | None,
    after: tuple[str, int] | None,
    batch: int,
) -> tuple[str, tuple[object, ...]]:
    """The statement of one batch and its parameters (its plans are tested). The associations'
    names are joined outside the page, by primary key, for its rows only."""
    source, source_params = _source(association_id)
    at, event_id = after if after is not None else (to_db(start), 0)
    params = [*FIGURE_KINDS, *source_params, to_db(start), to_db(end), at, at, event_id, batch]
    return (
        "SELECT page.*, ap.name AS author_name, ac.name AS claimer_name FROM ("
        + _COLUMNS
        + source
        + _WHERE
        + _AFTER
        + ") page JOIN associations ap ON ap.id = page.author_id"
        " JOIN associations ac ON ac.id = page.claimer_id ORDER BY page.at, page.id",
        tuple(params),
    )


async def transfer_batches(
    conn: Conn,
    start: datetime,
    end: datetime,
    association_id: int | None = None,
    batch: int = DEFAULT_BATCH,
) -> AsyncIterator[list[Transfer]]:
    """The transfers completed in [start, end), oldest first, `batch` at a time; only those
    where `association_id` gave or received, when given."""
    after: tuple[str, int] | None = None
    while True:
        # Off the loop: a page of a year's transfers reads thousands of rows.
        page = page_query(start, end, association_id, after, batch)
        rows = await fetch_all(conn.off_loop(), *page)
        if not rows:
            return
        yield [_transfer(row) for row in rows]
        if len(rows) < batch:
            return
        last = rows[-1]
        after = (last["at"], int(last["id"]))


async def transfers(
    conn: Conn,
    start: datetime,
    end: datetime,
    association_id: int | None = None,
    batch: int = DEFAULT_BATCH,
) -> AsyncIterator[Transfer]:
    """`transfer_batches`, one transfer at a time."""
    async for rows in transfer_batches(conn, start, end, association_id, batch):
        for row in rows:
            yield row


def count_query(
    start: datetime, end: datetime, association_id: int | None, limit: int
) -> tuple[str, tuple[object, ...]]:
    source, source_params = _source(association_id)
    return (
        "SELECT COUNT(*) FROM (SELECT 1" + source + _WHERE + " LIMIT ?)",
        (*source_params, to_db(start), to_db(end), limit),
    )


async def count_transfers(
    conn: Conn, start: datetime, end: datetime, association_id: int | None = None, limit: int = -1
) -> int:
    """How many transfers `transfers` would give, counting no further than `limit` (a file
    built in memory only needs to know it is too big: `limit` + 1 says so, fast)."""
    row = await fetch_one(conn, *count_query(start, end, association_id, limit))
    return int(row[0]) if row else 0


def _transfer(row: sqlite3.Row) -> Transfer:
    author = (int(row["author_id"]), str(row["author_name"]))
    claimer = (int(row["claimer_id"]), str(row["claimer_name"]))
    giver, receiver = (author, claimer) if row["kind"] in _OFFER_LIKE else (claimer, author)
    return Transfer(
        completed_at=from_db(row["at"]),
        post_id=int(row["post_id"]),
        claim_id=int(row["claim_id"]),
        kind=row["kind"],
        what=row["what"],
        category=row["category"],
        quantity=row["quantity"],
        unit=row["unit"],
        giver_id=giver[0],
        giver=giver[1],
        receiver_id=receiver[0],
        receiver=receiver[1],
    )
