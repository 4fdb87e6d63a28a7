"""The audience of a post (issue 11): its place, and who it reaches.

The rule is handlers/routing's (`audience`, the reference the README and docs/routing.md
describe); it runs in SQLite, in one statement (storage.profiles.audience, issue 12), so that a
post to a whole region does not build thousands of profiles in the message's transaction.
tests/test_audience_sql.py checks that both give the same audience.

A relay (publishing, relaunching, confirming an urgency) goes to `reach_of`, a group purchase
to `reach_of_place`; escalation calls `audience_of` with the ring it needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from handlers.routing import (
    DEFAULT_REACH_KM,
    OFFER_LIKE,
    RING_FACTOR,
    URGENT_RING,
    Point,
    PostPlace,
    Reached,
    is_cold,
)
from handlers.texts import t
from handlers.understanding import Gazetteer
from storage import profiles
from storage.db import Conn
from storage.models import Association, Post

# An urgent need must find help: it reaches one ring further. An urgent offer does not: the
# urgency is the giver's (goods to clear), and those nearby are the ones who can come in time.
URGENT_WIDENS: frozenset[str] = frozenset({"need", "equipment_request"})


def post_point(gazetteer: Gazetteer, place: str | None, association: Association) -> Point | None:
    """Where a new post is: the commune it names, else its association's place, else unknown."""
    if place:
        commune = gazetteer.find(place)
        if commune is not None and commune.latitude is not None and commune.longitude is not None:
            return (commune.latitude, commune.longitude)
    if association.latitude is not None and association.longitude is not None:
        return (association.latitude, association.longitude)
    return None


def ring_of(post: Post) -> int:
    return URGENT_RING if post.urgent and post.kind in URGENT_WIDENS else 0


async def _place(conn: Conn, post: Post) -> PostPlace:
    author = await profiles.profile_of(conn, post.association_id)
    return PostPlace(
        kind=post.kind,
        category=post.category,
        cold=is_cold(post.category, post.cold_chain),
        point=post.point,
        author_reach_km=author.reach_km if author else DEFAULT_REACH_KM,
        association_id=post.association_id,
    )


def _audience_of(place: PostPlace, ring: int) -> profiles.AudienceOf:
    """The rule of handlers/routing.audience is computed in SQLite (storage.profiles.audience):
    what it needs of the place, never the profiles of thousands of associations."""
    return profiles.AudienceOf(
        point=place.point,
        author_id=place.association_id,
        author_reach_km=place.author_reach_km,
        factor=RING_FACTOR**ring,
        offer_like=place.kind in OFFER_LIKE,
        category=place.category,
        cold_offer=place.cold and place.kind == "offer",
    )


async def audience_of_place(conn: Conn, place: PostPlace, ring: int) -> list[Reached]:
    """The associations a place reaches at `ring`, nearest first, whether or not someone can
    be reached in them (handlers/routing.audience)."""
    return [Reached(*pair) for pair in await profiles.audience(conn, _audience_of(place, ring))]


async def audience_of(conn: Conn, post: Post, ring: int) -> list[Reached]:
    """The associations `post` reaches at `ring` (0: ordinary, `URGENT_RING`, then one more
    per escalation step), nearest first."""
    return await audience_of_place(conn, await _place(conn, post), ring)


@dataclass(frozen=True)
class Reach:
    """Who a post's relay goes to, and how far, for its author."""

    # The associations reached that someone can be reached in, nearest first.
    association_ids: tuple[int, ...]
    # The author's own radius at the post's ring; None when the post's place is unknown.
    radius_km: float | None

    def summary(self, lang: str) -> str:
        count = len(self.association_ids)
        if self.radius_km is None:
            return t(lang, "post_relayed_to_all", count=count)
        radius = f"{math.ceil(self.radius_km):d}"
        if not count:
            return t(lang, "post_relayed_to_none", radius=radius)
        return t(lang, "post_relayed_to", count=count, radius=radius)


async def reach_of_place(conn: Conn, place: PostPlace, ring: int) -> Reach:
    """Who a place reaches at `ring` that someone can be reached in: what is not a post (a group
    purchase, issue 14) reaches the associations a post of that kind and category would."""
    ids = await profiles.reachable(conn, _audience_of(place, ring))
    radius = None if place.point is None else place.author_reach_km * RING_FACTOR**ring
    return Reach(ids, radius)


async def reach_of(conn: Conn, post: Post) -> Reach:
    """The audience of `post` at its own ring (urgent needs one further)."""
    return await reach_of_place(conn, await _place(conn, post), ring_of(post))
