"""The indicators (issue 13): what the network's cooperation moved over a period, summed in SQL.

`/bilan`, the exports and the monthly report all read their figures here, so that they agree.
The definitions, in one place:

- A **transfer** is a completed claim (`claims.status = 'done'`) between two associations,
  dated by its `completed` event. Its figure is the claim's current one, `claims.done_quantity`:
  every figure event (`events.FIGURE_KINDS`, the claimer's `completed` then each author's
  `done_corrected`) sets it in the same transaction, so a correction counts instead of the
  first figure, and a claim corrected twice still counts once. A cancelled claim never counts,
  nor any claim of a cancelled post, even one completed before the rest of the post was
  withdrawn (the issue's rule; the exports, storage/transfers.py, read it the same way).
- **Direction**: an offer taken is given by its author's association to the claimer's; a need
  filled is given by the claimer's association to the author's. Equipment the same way: an
  `equipment_offer` taken is lent by its author's association, an `equipment_request` filled
  is lent by the claimer's.
- **Goods** (needs and offers) are summed in their post's unit, per category: the kilos they
  stand for are the caller's to compute (`handlers/equivalents.py`, `handlers/indicators.py`),
  so that no table of conversions lives here.
- **Needs and offers posted** in the period, cancelled ones left out. One is *filled* when the
  claims that count (active or done) cover its quantity (or, without a quantity, when one
  counts), *partly* when they cover a part; an offer nobody took that expired is *lost*.
  Equipment requests are loans, not needs.
- **Loans**: claims that count on equipment posts, started (claimed) in the period: lent
  equipment, and volunteers (category `benevoles` or unit `personne`). Their days are known
  once the loan came back (its claim completed): from the claim to its completion, rounded up,
  at least one. And the bookings of the shared equipment calendar (issue 14, `bookings`)
  confirmed or returned, between two associations, starting in the period: lent by the
  resource's association to the booking one (a resource of kind `benevoles`: volunteers), for
  their booked days (real time: 8h-14h is 0.25). A booking is not a claim nor a post, so
  nothing is counted twice: a loan arranged by `/materiel` and `/prendre` is a claim, one
  booked with `/reserver` a booking.
- **Group purchases** (issue 14) reached: settled as reached in the period; their amount is
  every order's packs at the unit price (one association: its own orders, in purchases it
  took part in).
- **Median time to the first claim**: over the needs posted in the period that a claim that
  counts answered (all needs, and the urgent ones).
- **Reach**: the associations on either side of a transfer completed, or a loan started, in the
  period; for one association, its partners.

A period is given as UTC instants `bounds` = (start, ..., end): consecutive bounds delimit the
bins a chart draws (weeks, days, months), each [lo, hi). The totals are the bins' sums.

Scale (docs/benchmarks.md, "Indicators"): the network's period is read by time from the indexes
(migrations 0024, 0025), a year of 5,000 associations in about 0.65 s; one association's from
its own claims and posts, a few milliseconds whatever the network's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Literal

from storage.db import Conn
from storage.timefmt import to_db

Side = Literal["given", "received"]
PostFamily = Literal["need", "offer"]
LoanFamily = Literal["equipment", "volunteers"]
Scope = int | None  # one association's id, or None: the whole network

# Who gives in a claim: the author's association for an offer, the claimer's for a request.
GIVER = (
    "CASE WHEN p.kind IN ('offer', 'equipment_offer') THEN p.association_id"
    " ELSE c.association_id END"
)
RECEIVER = (
    "CASE WHEN p.kind IN ('offer', 'equipment_offer') THEN c.association_id"
    " ELSE p.association_id END"
)
GOODS = "('need', 'offer')"
EQUIPMENT = "('equipment_offer', 'equipment_request')"
# A claim's share of its post: what it collected, else what it took, else the whole post (the
# same as the post's `claimed` figure, storage/posts.py).
SHARE = "COALESCE(c.done_quantity, c.quantity, p.quantity)"
# A quantity covered up to rounding (0.1 + 0.2 kg) is covered.
EPSILON = 1e-9


@dataclass(frozen=True)
class Flow:
    """Transfers of goods of one bin, side, category and unit: how many, and their figures."""

    bin: int
    side: Side
    category: str | None
    unit: str | None
    transfers: int
    quantity: float  # the sum of the figures known
    without_figure: int  # transfers whose figure is unknown (a post without quantity)


@dataclass(frozen=True)
class PostCounts:
    """Needs (or offers) posted in one bin, urgent or not, and what became of them."""

    bin: int
    kind: PostFamily
    urgent: bool
    posted: int
    filled: int  # wholly covered by claims that count (an offer: wholly taken)
    partly: int  # partly covered
    lost: int  # expired with no claim that counts

    @property
    def answered(self) -> int:
        """Taken or filled, wholly or in part."""
        return self.filled + self.partly


@dataclass(frozen=True)
class Loans:
    """Loans of one side and family started in the period (claims and bookings)."""

    side: Side
    family: LoanFamily
    loans: int
    returned: int  # those whose days are known (a booking's are: its booked days)
    days: float
    people: float  # volunteers lent (unit `personne`)


@dataclass(frozen=True)
class Purchases:
    """Group purchases reached in the period: how many, and their amount in cents (one
    association: those it ordered in, and its own orders' amount)."""

    reached: int = 0
    cents: int = 0


@dataclass(frozen=True)
class Reach:
    """Network: associations that gave, that received, either. One association: those it gave
    to, those it received from, its partners in all."""

    givers: int = 0
    receivers: int = 0
    associations: int = 0


@dataclass(frozen=True)
class Figures:
    """A period's figures, for the network (`association_id` None) or one association."""

    association_id: int | None
    bounds: tuple[datetime, ...]
    flows: tuple[Flow, ...]
    posts: tuple[PostCounts, ...]
    loans: tuple[Loans, ...]
    reach: Reach
    first_claim: timedelta | None
    first_claim_urgent: timedelta | None
    purchases: Purchases = Purchases()

    @property
    def start(self) -> datetime:
        return self.bounds[0]

    @property
    def end(self) -> datetime:
        return self.bounds[-1]

    @property
    def bins(self) -> int:
        return len(self.bounds) - 1

    def flows_of(self, side: Side) -> list[Flow]:
        """The network's transfers are all on the `given` side (each counted once)."""
        return [flow for flow in self.flows if flow.side == side]

    def posted(self, kind: PostFamily, urgent: bool | None = None) -> PostCounts:
        """Needs or offers of the whole period (urgent ones only, others only, or all)."""
        return sum_posts(
            (c for c in self.posts if c.kind == kind and urgent in (None, c.urgent)), kind
        )

    def posted_in_bin(self, kind: PostFamily, index: int) -> PostCounts:
        return sum_posts((c for c in self.posts if c.kind == kind and c.bin == index), kind)

    def loaned(self, side: Side, family: LoanFamily) -> Loans:
        for loans in self.loans:
            if loans.side == side and loans.family == family:
                return loans
        return Loans(side, family, 0, 0, 0.0, 0.0)


def sum_posts(counts: Iterable[PostCounts], kind: PostFamily, index: int = -1) -> PostCounts:
    total = PostCounts(index, kind, False, 0, 0, 0, 0)
    for c in counts:
        total = PostCounts(
            index,
            kind,
            False,
            total.posted + c.posted,
            total.filled + c.filled,
            total.partly + c.partly,
            total.lost + c.lost,
        )
    return total


# ------------------------------------------------------------------ the statements
#
# Two statements read a period, each in one pass over its rows (a year of the largest network:
# some 60,000 completions and 100,000 posts): the exchanges (transfers and loans, with the
# associations on their sides) and the posts (needs and offers, with the time to their first
# claim). Each gathers its rows once in a MATERIALIZED table, then sums it several ways; a
# result row starts with what it is (`flow`, `loan`, `reach`; `count`, `median`).


def _bins(bounds: Sequence[datetime]) -> tuple[str, dict[str, object]]:
    """`bins(n, lo, hi)`: the period's bins as a table of named parameters."""
    if len(bounds) < 2 or any(a >= b for a, b in pairwise(bounds)):
        raise ValueError("bounds must be at least two increasing instants")
    rows = ", ".join(f"({i}, :lo{i}, :hi{i})" for i in range(len(bounds) - 1))
    params: dict[str, object] = {"start": to_db(bounds[0]), "end": to_db(bounds[-1])}
    for i in range(len(bounds) - 1):
        params[f"lo{i}"] = to_db(bounds[i])
        params[f"hi{i}"] = to_db(bounds[i + 1])
    return f"bins(n, lo, hi) AS (VALUES {rows})", params


def _side(association_id: Scope) -> tuple[str, str]:
    """The side column and the scope condition of a claim `c` on a post `p`."""
    if association_id is None:
        return "'given'", ""
    return (
        f"CASE WHEN {GIVER} = :association THEN 'given' ELSE 'received' END",
        " AND :association IN (p.association_id, c.association_id)",
    )


def _goods(association_id: Scope) -> tuple[str, str]:
    """The `mine` CTE (one association's claims; "" for the network) and the SELECT of the
    transfers of goods completed in each bin of `bins`: one row per claim that counts, with its
    bin, side, giver, receiver, category, unit and figure."""
    side, scope = _side(association_id)
    if association_id is None:
        # The network: the period's completions (the index's range, bin by bin).
        mine = ""
        completions = (
            " FROM bins b JOIN events e INDEXED BY events_completed"
            " ON e.kind = 'completed' AND e.at >= b.lo AND e.at < b.hi"
            " JOIN claims c ON c.id = e.claim_id"
        )
    else:
        # One association: its own claims and those on its posts (a few hundred a year, where
        # the period's range would read the whole network's), then their completions.
        mine = (
            ", mine(claim_id) AS ("
            "SELECT id FROM claims INDEXED BY claims_done_association"
            " WHERE association_id = :association AND status = 'done'"
            " UNION SELECT id FROM claims INDEXED BY claims_association_active"
            " WHERE association_id = :association AND status = 'active'"
            " UNION SELECT c.id FROM posts p INDEXED BY posts_association"
            " JOIN claims c ON c.post_id = p.id AND c.status != 'cancelled'"
            " WHERE p.association_id = :association)"
        )
        completions = (
            " FROM mine m CROSS JOIN events e INDEXED BY events_completed_claim"
            " ON e.claim_id = m.claim_id AND e.kind = 'completed'"
            " CROSS JOIN bins b ON e.at >= b.lo AND e.at < b.hi"
            " JOIN claims c ON c.id = e.claim_id"
        )
    goods = (
        # Each claim once (its first `completed` event; there is one).
        f"SELECT 'goods' AS source, b.n AS bin, {side} AS side, {GIVER} AS giver,"
        f" {RECEIVER} AS receiver, p.category AS category, p.unit AS unit,"
        " c.done_quantity AS quantity, NULL AS returned, NULL AS days"
        f"{completions} JOIN posts p ON p.id = c.post_id"
        " WHERE c.status = 'done' AND p.status != 'cancelled'"
        f" AND c.association_id != p.association_id AND p.kind IN {GOODS}{scope}"
        " AND NOT EXISTS (SELECT 1 FROM events g INDEXED BY events_completed_claim"
        " WHERE g.claim_id = e.claim_id AND g.kind = 'completed' AND g.id < e.id)"
    )
    return mine, goods


def exchanges_query(
    bounds: Sequence[datetime], association_id: Scope
) -> tuple[str, dict[str, object]]:
    """Transfers of goods completed in each bin (per side, category, unit), loans started in
    the period (per side and family), the associations on either side of them, and the group
    purchases reached."""
    bins, params = _bins(bounds)
    side, scope = _side(association_id)
    mine, goods = _goods(association_id)
    days = "julianday(r.at) - julianday(c.created_at)"
    if association_id is None:
        # The network: the period's claims and bookings.
        claims = " FROM claims c INDEXED BY claims_created"
        bookings = (
            " FROM bookings k INDEXED BY bookings_loans"
            " WHERE k.status IN ('confirmed', 'returned')"
            " AND k.start_at >= :start AND k.start_at < :end"
        )
        booking_side = "'given'"
    else:
        claims = " FROM mine m CROSS JOIN claims c ON c.id = m.claim_id"
        # Its bookings as lender and as borrower (never both: a booking of its own counts not).
        bookings = (
            " FROM (SELECT id FROM bookings INDEXED BY bookings_owner_loans"
            " WHERE owner_association_id = :association AND status IN ('confirmed', 'returned')"
            " AND start_at >= :start AND start_at < :end"
            " UNION ALL SELECT id FROM bookings INDEXED BY bookings_borrower_loans"
            " WHERE borrower_association_id = :association"
            " AND status IN ('confirmed', 'returned') AND start_at >= :start AND start_at < :end)"
            " mk CROSS JOIN bookings k ON k.id = mk.id WHERE 1"
        )
        booking_side = (
            "CASE WHEN k.owner_association_id = :association THEN 'given' ELSE 'received' END"
        )
    exchanges = goods + (
        # The loans started in the period, with their return when they came back.
        f" UNION ALL SELECT 'loan', 0, {side}, {GIVER}, {RECEIVER},"
        " CASE WHEN p.category = 'benevoles' OR p.unit = 'personne' THEN 'volunteers'"
        " ELSE 'equipment' END,"
        f" p.unit, CASE WHEN p.unit = 'personne' THEN {SHARE} END, r.at,"
        f" MAX(1, CAST({days} AS INTEGER) + ({days} > CAST({days} AS INTEGER)))"
        f"{claims} JOIN posts p ON p.id = c.post_id"
        " LEFT JOIN events r INDEXED BY events_completed_claim"
        " ON r.claim_id = c.id AND r.kind = 'completed' AND c.status = 'done'"
        " AND NOT EXISTS (SELECT 1 FROM events g INDEXED BY events_completed_claim"
        " WHERE g.claim_id = r.claim_id AND g.kind = 'completed' AND g.id < r.id)"
        " WHERE c.created_at >= :start AND c.created_at < :end AND c.status != 'cancelled'"
        " AND p.status != 'cancelled' AND c.association_id != p.association_id"
        f" AND p.kind IN {EQUIPMENT}{scope}"
        # The calendar's bookings (issue 14): lent by the resource's association, for their
        # booked days; a resource of kind `benevoles` lends volunteers.
        f" UNION ALL SELECT 'loan', 0, {booking_side}, k.owner_association_id,"
        " k.borrower_association_id,"
        " CASE WHEN (SELECT r.kind FROM resources r WHERE r.id = k.resource_id) = 'benevoles'"
        " THEN 'volunteers' ELSE 'equipment' END, NULL, NULL, k.end_at, k.days"
        f"{bookings} AND k.owner_association_id != k.borrower_association_id"
    )
    if association_id is None:
        reach = (
            "SELECT 'reach', COUNT(DISTINCT giver), COUNT(DISTINCT receiver),"
            " (SELECT COUNT(*) FROM (SELECT giver FROM x UNION SELECT receiver FROM x)),"
            " NULL, NULL, NULL, NULL FROM x"
        )
    else:
        reach = (
            "SELECT 'reach', COUNT(DISTINCT CASE WHEN side = 'given' THEN receiver END),"
            " COUNT(DISTINCT CASE WHEN side = 'received' THEN giver END),"
            " COUNT(DISTINCT CASE WHEN side = 'given' THEN receiver ELSE giver END),"
            " NULL, NULL, NULL, NULL FROM x"
        )
    if association_id is None:
        purchases = (
            "SELECT 'purchase', COUNT(*), TOTAL(u.unit_price_cents * (SELECT TOTAL(o.quantity)"
            " FROM purchase_orders o WHERE o.purchase_id = u.id)), NULL, NULL, NULL, NULL, NULL"
            " FROM purchases u INDEXED BY purchases_reached"
            " WHERE u.status = 'reached' AND u.closed_at >= :start AND u.closed_at < :end"
        )
    else:
        purchases = (
            "SELECT 'purchase', COUNT(*), TOTAL(u.unit_price_cents * o.quantity),"
            " NULL, NULL, NULL, NULL, NULL"
            " FROM purchase_orders o INDEXED BY purchase_orders_association"
            " JOIN purchases u ON u.id = o.purchase_id"
            " WHERE o.association_id = :association AND o.quantity > 0"
            " AND u.status = 'reached' AND u.closed_at >= :start AND u.closed_at < :end"
        )
    sql = (
        f"WITH {bins}{mine}, x AS MATERIALIZED ({exchanges})"
        " SELECT 'flow', bin, side, category, unit, COUNT(*), TOTAL(quantity),"
        " SUM(quantity IS NULL) FROM x WHERE source = 'goods' GROUP BY 2, 3, 4, 5"
        # For a loan, `category` holds its family.
        " UNION ALL SELECT 'loan', side, category, COUNT(*), COUNT(returned), TOTAL(days),"
        " TOTAL(quantity), NULL FROM x WHERE source = 'loan' GROUP BY 2, 3"
        f" UNION ALL {reach}"
        f" UNION ALL {purchases}"
    )
    return sql, {**params, "association": association_id}


def posts_query(bounds: Sequence[datetime], association_id: Scope) -> tuple[str, dict[str, object]]:
    """Needs and offers posted in each bin (not withdrawn), what the claims that count made of
    them, and the median time from a need to its first claim (all needs: 2; urgent ones: 1)."""
    bins, params = _bins(bounds)
    if association_id is None:
        source, scope = "posts p INDEXED BY posts_created", ""
    else:
        source = "posts p INDEXED BY posts_association_created"
        scope = " AND p.association_id = :association"
    sql = (
        f"WITH {bins}, per_post AS MATERIALIZED ("
        " SELECT b.n AS bin, p.kind AS kind, p.urgent AS urgent, p.status AS status,"
        f" p.quantity AS quantity, COUNT(c.id) AS claims, TOTAL({SHARE}) AS covered,"
        " p.created_at AS posted, MIN(c.created_at) AS answered"
        f" FROM bins b JOIN {source} ON p.created_at >= b.lo AND p.created_at < b.hi{scope}"
        " LEFT JOIN claims c ON c.post_id = p.id AND c.status != 'cancelled'"
        f" WHERE p.kind IN {GOODS} AND p.status != 'cancelled'"
        " GROUP BY p.id),"
        " firsts AS (SELECT urgent, julianday(answered) - julianday(posted) AS first"
        " FROM per_post WHERE kind = 'need' AND answered IS NOT NULL),"
        " grouped AS (SELECT 2 AS grp, first FROM firsts"
        " UNION ALL SELECT 1, first FROM firsts WHERE urgent),"
        " ranked AS (SELECT grp, first, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY first) AS k,"
        " COUNT(*) OVER (PARTITION BY grp) AS n FROM grouped)"
        " SELECT 'count', bin, kind, urgent, COUNT(*),"
        f" SUM(claims > 0 AND (quantity IS NULL OR covered >= quantity - {EPSILON})),"
        f" SUM(claims > 0 AND quantity IS NOT NULL AND covered < quantity - {EPSILON}),"
        " SUM(status = 'expired' AND claims = 0)"
        " FROM per_post GROUP BY 2, 3, 4"
        " UNION ALL SELECT 'median', grp, NULL, NULL, AVG(first), NULL, NULL, NULL"
        " FROM ranked WHERE k IN ((n + 1) / 2, (n + 2) / 2) GROUP BY grp"
    )
    return sql, {**params, "association": association_id}


def pairs_query(
    start: datetime, end: datetime, association_id: Scope
) -> tuple[str, dict[str, object]]:
    """The transfers of goods completed in [start, end) per giving and receiving association,
    category and unit (one association: those it gave or received), with both names: what the
    monthly report's table of the main exchanges is made of. The same rows as the flows."""
    bins, params = _bins((start, end))
    mine, goods = _goods(association_id)
    sql = (
        f"WITH {bins}{mine}, x AS MATERIALIZED ({goods}),"
        " g AS (SELECT giver, receiver, category, unit, COUNT(*) AS n, TOTAL(quantity) AS q,"
        " SUM(quantity IS NULL) AS w FROM x GROUP BY giver, receiver, category, unit)"
        " SELECT g.giver, ag.name, g.receiver, ar.name, g.category, g.unit, g.n, g.q, g.w"
        " FROM g JOIN associations ag ON ag.id = g.giver"
        " JOIN associations ar ON ar.id = g.receiver"
    )
    return sql, {**params, "association": association_id}


@dataclass(frozen=True)
class PairFlow:
    """Transfers of goods from one association to another, of one category and unit."""

    giver_id: int
    giver: str
    receiver_id: int
    receiver: str
    category: str | None
    unit: str | None
    transfers: int
    quantity: float
    without_figure: int

    def flow(self) -> Flow:
        """As a flow of `handlers.indicators.moved` (one bin, the giver's side)."""
        return Flow(
            0, "given", self.category, self.unit, self.transfers, self.quantity, self.without_figure
        )


async def pair_flows(
    conn: Conn, start: datetime, end: datetime, association_id: Scope = None
) -> list[PairFlow]:
    """`pairs_query`'s rows: a month of the whole network is a few thousand."""
    # Off the loop, as the two statements below: a network's year takes ~0.3 s each.
    async with conn.off_loop().execute(*pairs_query(start, end, association_id)) as cur:
        rows = await cur.fetchall()
    return [
        PairFlow(
            int(r[0]),
            str(r[1]),
            int(r[2]),
            str(r[3]),
            r[4],
            r[5],
            int(r[6]),
            float(r[7]),
            int(r[8]),
        )
        for r in rows
    ]


# ------------------------------------------------------------------ reading them


@dataclass(frozen=True)
class Exchanges:
    """What the exchanges statement reads: transfers, loans, reach, group purchases."""

    flows: tuple[Flow, ...]
    loans: tuple[Loans, ...]
    reach: Reach
    purchases: Purchases


async def loans_started(
    conn: Conn, start: datetime, end: datetime, association_id: Scope = None
) -> tuple[Loans, ...]:
    """The loans started in [start, end) (claims on equipment posts and bookings), per side and
    family: the exports' summary (one statement, the exchanges')."""
    return (await exchanges(conn, (start, end), association_id)).loans


async def exchanges(conn: Conn, bounds: Sequence[datetime], association_id: Scope) -> Exchanges:
    flows: list[Flow] = []
    loans: list[Loans] = []
    reach = Reach()
    bought = Purchases()
    async with conn.off_loop().execute(*exchanges_query(bounds, association_id)) as cur:
        for r in await cur.fetchall():
            if r[0] == "flow":
                flows.append(Flow(int(r[1]), r[2], r[3], r[4], int(r[5]), float(r[6]), int(r[7])))
            elif r[0] == "loan":
                days = round(float(r[5]), 3)  # whole days (claims) and booked ones (0.25)
                loans.append(Loans(r[1], r[2], int(r[3]), int(r[4]), days, float(r[6])))
            elif r[0] == "purchase":
                bought = Purchases(int(r[1]), round(float(r[2])))
            else:
                reach = Reach(int(r[1]), int(r[2]), int(r[3]))
    return Exchanges(
        flows=tuple(sorted(flows, key=_flow_order)),
        loans=tuple(sorted(loans, key=lambda loan: (loan.side, loan.family))),
        reach=reach,
        purchases=bought,
    )


async def figures(conn: Conn, bounds: Sequence[datetime], association_id: Scope = None) -> Figures:
    """The period's figures: `bounds` are UTC instants (start, ..., end), the bins between
    consecutive ones; `association_id` None for the whole network."""
    bounds = tuple(bounds)
    found = await exchanges(conn, bounds, association_id)
    counts: list[PostCounts] = []
    medians: dict[int, timedelta] = {}
    async with conn.off_loop().execute(*posts_query(bounds, association_id)) as cur:
        for r in await cur.fetchall():
            if r[0] == "count":
                counts.append(
                    PostCounts(
                        int(r[1]), r[2], bool(r[3]), int(r[4]), int(r[5]), int(r[6]), int(r[7])
                    )
                )
            else:
                medians[int(r[1])] = _seconds(float(r[4]))
    return Figures(
        association_id=association_id,
        bounds=bounds,
        flows=found.flows,
        posts=tuple(sorted(counts, key=lambda c: (c.bin, c.kind, c.urgent))),
        loans=found.loans,
        reach=found.reach,
        first_claim=medians.get(2),
        first_claim_urgent=medians.get(1),
        purchases=found.purchases,
    )


def _flow_order(flow: Flow) -> tuple[int, str, str, str]:
    return (flow.bin, flow.side, flow.category or "", flow.unit or "")


def _seconds(days: float) -> timedelta:
    """A julianday difference to the second (its float is a few microseconds off)."""
    return timedelta(seconds=round(days * 86_400))


def statements(
    bounds: Sequence[datetime], association_id: Scope
) -> dict[str, tuple[str, dict[str, object]]]:
    """Both statements, for the plan tests (tests/test_indicators.py) and the benchmark."""
    return {
        "exchanges": exchanges_query(bounds, association_id),
        "posts": posts_query(bounds, association_id),
    }
