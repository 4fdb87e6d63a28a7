"""The audience of a post (issue 11): its place, its candidates read from storage, and the pure
rule of handlers/routing applied to them.

A relay (publishing, relaunching, confirming an urgency) goes to `reach_of`; matching and
escalation call `audience_of` with the ring they need.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from handlers.routing import (
    DEFAULT_REACH_KM,
    RING_FACTOR,
    URGENT_RING,
    Point,
    PostPlace,
    Reached,
    audience,
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


async def _audience(conn: Conn, place: PostPlace, ring: int) -> list[Reached]:
    if place.point is None:
        candidates = await profiles.all_profiles(conn)
    else:
        # Estimated in SQLite (a little generously), then measured exactly by the rule.
        candidates = await profiles.profiles_within(
            conn, place.point, place.author_reach_km, RING_FACTOR**ring
        )
    return audience(place, candidates, ring)


async def audience_of_place(conn: Conn, place: PostPlace, ring: int) -> list[Reached]:
    """The associations a place reaches at `ring`, nearest first: what is not a post (a group
    purchase, issue 14) reaches the associations a post of that kind and category would."""
    return await _audience(conn, place, ring)


async def audience_of(conn: Conn, post: Post, ring: int) -> list[Reached]:
    """The associations `post` reaches at `ring` (0: ordinary, `URGENT_RING`, then one more
    per escalation step), nearest first."""
    return await _audience(conn, await _place(conn, post), ring)


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


async def reach_of(conn: Conn, post: Post) -> Reach:
    """The audience of `post` at its own ring (urgent needs one further)."""
    place = await _place(conn, post)
    ring = ring_of(post)
    ids = tuple(r.association_id for r in await _audience(conn, place, ring))
    reachable = await profiles.with_active_members(conn, ids)
    radius = None if place.point is None else place.author_reach_km * RING_FACTOR**ring
    return Reach(tuple(i for i in ids if i in reachable), radius)
