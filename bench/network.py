"""A network of the largest real size, built the same way for every benchmark from a seed.

5,000 associations in the communes of Occitanie (weighted by population, so towns hold
several), 2 members each (a coordinator and a volunteer), 100,000 posts over the past year of
which about 5 % are still open. Profiles vary as they would in the field: most keep the
defaults, some set a wider reach, a third declare cold storage, a fifth limit what they take.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from handlers.understanding import Gazetteer
from handlers.understanding.lexicon import COLD_CATEGORIES
from handlers.understanding.model import FOOD_CATEGORIES, RESOURCE_CATEGORIES
from storage.bulk import AssociationRow, ClaimRow, EventRow, MemberRow, PostRow

# Occitanie: Ariège, Aude, Aveyron, Gard, Haute-Garonne, Gers, Hérault, Lot, Lozère,
# Hautes-Pyrénées, Pyrénées-Orientales, Tarn, Tarn-et-Garonne.
OCCITANIE = frozenset(
    {"09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"}
)
KINDS = ("need", "offer", "equipment_request", "equipment_offer")
KIND_WEIGHTS = (40, 45, 7, 8)
OPEN_SHARE = 0.05
FIRST_CHAT = 1_000_000


@dataclass(frozen=True)
class Sizes:
    associations: int = 5_000
    members_per_association: int = 2
    posts: int = 100_000


@dataclass(frozen=True)
class BuiltNetwork:
    associations: list[AssociationRow]
    members: list[MemberRow]
    posts: list[PostRow]


def build_network(
    gazetteer: Gazetteer, now: datetime, sizes: Sizes = Sizes(), seed: int = 11
) -> BuiltNetwork:
    rng = random.Random(seed)
    communes = [
        c for c in gazetteer.communes_of(OCCITANIE) if c.latitude is not None and c.population
    ]
    weights = [float(c.population or 1) ** 0.5 for c in communes]
    places = rng.choices(communes, weights=weights, k=sizes.associations)
    associations = [
        AssociationRow(
            id=i + 1,
            name=f"Association {i + 1} {commune.name}",
            commune=commune.name,
            latitude=commune.latitude,
            longitude=commune.longitude,
            reach_km=rng.choice((30.0,) * 6 + (20.0, 50.0)),
            takes=",".join(rng.sample(FOOD_CATEGORIES, 5)) if rng.random() < 0.2 else None,
            gives=None,
            cold_storage=rng.random() < 0.33,
        )
        for i, commune in enumerate(places)
    ]
    people = [
        MemberRow(
            id=a.id * sizes.members_per_association + k,
            association_id=a.id,
            name=f"Bénévole {a.id}-{k}",
            role="coordinator" if k == 0 else "member",
            channel="telegram",
            external_id=str(FIRST_CHAT + a.id * sizes.members_per_association + k),
        )
        for a in associations
        for k in range(sizes.members_per_association)
    ]
    posts = [_post(rng, i + 1, associations, sizes, now) for i in range(sizes.posts)]
    return BuiltNetwork(associations, people, posts)


def _post(
    rng: random.Random, ident: int, associations: list[AssociationRow], sizes: Sizes, now: datetime
) -> PostRow:
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    food = kind in ("need", "offer")
    category = rng.choice(FOOD_CATEGORIES if food else RESOURCE_CATEGORIES)
    author = rng.choice(associations)
    is_open = rng.random() < OPEN_SHARE
    created = now - timedelta(days=rng.randint(0, 3) if is_open else rng.randint(4, 365))
    return PostRow(
        id=ident,
        kind=kind,
        category=category,
        what=category.replace("_", " "),
        quantity=float(rng.randint(1, 200)) if food else None,
        unit="kg" if food else None,
        deadline=(created + timedelta(days=rng.randint(1, 10))).date(),
        urgent=kind in ("need", "equipment_request") and rng.random() < 0.1,
        cold_chain=category in COLD_CATEGORIES,
        status="open" if is_open else rng.choice(("done", "done", "expired", "cancelled")),
        author_id=author.id * sizes.members_per_association,
        association_id=author.id,
        latitude=author.latitude,
        longitude=author.longitude,
        created_at=created,
    )


# ------------------------------------------------------------------ a year of activity (issue 13)

# Units food posts are counted in (weights) and their quantities' ranges.
FOOD_UNITS = (
    ("kg", 55, (1, 200)),
    ("carton", 12, (1, 20)),
    ("cagette", 10, (1, 15)),
    ("l", 8, (5, 100)),
    ("repas", 8, (10, 200)),
    ("colis", 2, (1, 20)),
    ("unite", 4, (5, 100)),
    ("palette", 1, (1, 2)),
)
TWO_CLAIMS_SHARE = 0.25  # a done post taken in two parts
CORRECTED_SHARE = 0.1  # a done claim whose figure the author corrected
WITHDRAWN_CLAIM_SHARE = 0.1  # a post with one more claim, withdrawn
PARTLY_SHARE = 0.1  # an expired or withdrawn post partly taken before


@dataclass(frozen=True)
class Year:
    """A network's posts (with varied units) and a year of their claims and events."""

    posts: list[PostRow]
    claims: list[ClaimRow]
    events: list[EventRow]


def year_of_activity(network: BuiltNetwork, now: datetime, seed: int = 13) -> Year:
    """What a year of cooperation leaves in the tables: posts in kg, cartons, cagettes, litres,
    repas…, volunteers counted in people; done posts taken whole or in two parts (a figure
    sometimes corrected by the author), claims withdrawn, posts partly taken then expired or
    withdrawn, open posts with active claims: every case the indicators must count right.
    The events are in time order (storage.bulk.load_activity keeps it)."""
    rng = random.Random(seed)
    per = len(network.members) // max(len(network.associations), 1)
    posts: list[PostRow] = []
    claims: list[ClaimRow] = []
    events: list[EventRow] = []

    def claim(
        post: PostRow, quantity: float | None, status: str, figure: float | None = None
    ) -> None:
        taker = rng.choice(network.associations)
        while taker.id == post.association_id:
            taker = rng.choice(network.associations)
        at = min(post.created_at + timedelta(hours=rng.uniform(0.2, 30)), now)
        row = ClaimRow(
            id=len(claims) + 1,
            post_id=post.id,
            member_id=taker.id * per,
            association_id=taker.id,
            quantity=quantity,
            status=status,
            created_at=at,
            done_quantity=figure,
        )
        claims.append(row)
        events.append(EventRow(at, "claimed", row.member_id, post.id, row.id, quantity))
        if status == "cancelled":
            gone = min(at + timedelta(hours=rng.uniform(1, 24)), now)
            events.append(EventRow(gone, "claim_cancelled", row.member_id, post.id, row.id, None))
            return
        if status != "done":
            return
        done_at = min(at + timedelta(hours=rng.uniform(2, 72)), now)
        events.append(EventRow(done_at, "completed", row.member_id, post.id, row.id, quantity))
        if figure is not None and figure != quantity:
            fixed = min(done_at + timedelta(hours=rng.uniform(1, 48)), now)
            events.append(
                EventRow(fixed, "done_corrected", post.author_id, post.id, row.id, figure)
            )

    # Ids grow with time, as they do when the bot writes (a post, a claim, an event is numbered
    # when it happens): a period's rows sit together in the tables.
    ordered = sorted(network.posts, key=lambda p: (p.created_at, p.id))
    for number, base in enumerate(ordered, start=1):
        post = _with_units(rng, replace(base, id=number))
        posts.append(post)
        events.append(
            EventRow(post.created_at, "post_created", post.author_id, post.id, None, post.quantity)
        )
        whole = post.quantity
        if rng.random() < WITHDRAWN_CLAIM_SHARE:
            claim(post, whole, "cancelled")
        if post.status == "done":
            if whole is not None and rng.random() < TWO_CLAIMS_SHARE:
                first = max(1.0, round(whole * rng.uniform(0.2, 0.8)))
                parts = [first, whole - first] if whole > first else [whole]
            else:
                parts = [whole]  # type: ignore[list-item]
            for part in parts:
                corrected = rng.random() < CORRECTED_SHARE and part is not None
                figure = round(part * 0.8, 1) if corrected and part else None
                claim(post, part, "done", figure)
        elif post.status in ("expired", "cancelled") and whole and rng.random() < PARTLY_SHARE:
            claim(post, max(1.0, round(whole / 2)), "done")  # then expired, or withdrawn
        elif post.status == "open" and rng.random() < 0.3:
            claim(post, whole, "active")
        if post.status in ("expired", "cancelled", "done"):
            end = min(post.created_at + timedelta(days=rng.uniform(1, 10)), now)
            kind = {"done": "closed"}.get(post.status, post.status)
            events.append(EventRow(end, kind, None, post.id, None, None))
    # Claims numbered in the order they were made, the events' references with them.
    order = sorted(claims, key=lambda c: (c.created_at, c.id))
    number = {c.id: index for index, c in enumerate(order, start=1)}
    claims = [replace(c, id=number[c.id]) for c in order]
    events = [replace(e, claim_id=number[e.claim_id]) if e.claim_id else e for e in events]
    events.sort(key=lambda e: e.at)
    return Year(posts, claims, events)


def _with_units(rng: random.Random, post: PostRow) -> PostRow:
    if post.kind in ("need", "offer"):
        unit, _, (low, high) = rng.choices(FOOD_UNITS, [w for _, w, _ in FOOD_UNITS])[0]
        return replace(post, unit=unit, quantity=float(rng.randint(low, high)))
    if post.category == "benevoles":
        return replace(post, unit="personne", quantity=float(rng.randint(1, 5)))
    return post
