"""Who a post concerns (issue 11): pure rules of distance, interests and cold keeping.

The rule, in the words the README gives coordinators:
- An association is within reach of a post when the distance between the post's place and the
  association is at most the larger of the two radii (the post's association's reach and its
  own), times the ring's factor: ring 0 for an ordinary post, ring 1 (twice as far) for an
  urgent one, and one ring further at each escalation step.
- It must be interested: a need goes to those who give its category, an offer to those who take
  it (no list set: every category).
- Cold goods offered go only to those that can keep them cold (cold storage or a refrigerated
  vehicle), unless none of the others within reach can: then to all of them.
- An association whose place is unknown cannot be measured: it is never left out. A post whose
  place is unknown reaches every interested association.

This module is the rule's reference. The bot computes it in SQLite, in one statement
(storage.profiles.audience, through handlers/audience: issue 12); tests/test_audience_sql.py
checks that both agree. A change to the rule is made in both places.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from handlers.understanding import distance_km
from handlers.understanding.lexicon import COLD_CATEGORIES
from storage.models import PostKind, Profile

DEFAULT_REACH_KM = 30.0
# Each ring reaches twice as far as the one before.
RING_FACTOR = 2.0
URGENT_RING = 1
# What a coordinator may set as reach: beyond, a "local" network is the whole country.
MAX_REACH_KM = 300.0
EARTH_RADIUS_KM = 6371.0

__all__ = ["distance_km"]  # re-exported: the one haversine of the project

Point = tuple[float, float]  # (latitude, longitude) in degrees


def ring_radius_km(author_reach: float, candidate_reach: float, ring: int) -> float:
    return max(author_reach, candidate_reach) * RING_FACTOR**ring


def box_around(point: Point, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box holding every point within `radius_km`."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(point[0])), 0.01)
    dlon = min(180.0, dlat / cos_lat)
    return (point[0] - dlat, point[0] + dlat, point[1] - dlon, point[1] + dlon)


@dataclass(frozen=True)
class PostPlace:
    """What the rules need of a post."""

    kind: PostKind
    category: str | None
    cold: bool
    point: Point | None
    author_reach_km: float
    association_id: int


def is_cold(category: str | None, cold_chain: bool) -> bool:
    return cold_chain or (category is not None and category in COLD_CATEGORIES)


# What an association takes (rather than gives) is what these kinds concern.
OFFER_LIKE: frozenset[PostKind] = frozenset({"offer", "equipment_offer"})


def interested(profile: Profile, kind: PostKind, category: str | None) -> bool:
    """Needs go to those who give the category; offers to those who take it."""
    wanted = profile.takes if kind in OFFER_LIKE else profile.gives
    return wanted is None or category is None or category in wanted


class Reached(NamedTuple):
    """A light pair (built by the thousand for a post to a whole region)."""

    association_id: int
    distance_km: float | None  # None: the association's or the post's place is unknown


def within_ring(post: PostPlace, profile: Profile, ring: int) -> Reached | None:
    if post.point is None or profile.point is None:
        return Reached(profile.association_id, None)
    distance = distance_km(post.point, profile.point)
    if distance > ring_radius_km(post.author_reach_km, profile.reach_km, ring):
        return None
    return Reached(profile.association_id, distance)


def audience(post: PostPlace, candidates: Iterable[Profile], ring: int = 0) -> list[Reached]:
    """The associations a post reaches at `ring`, nearest first (unknown places last)."""
    reached: list[tuple[Reached, Profile]] = []
    for profile in candidates:
        if profile.association_id == post.association_id:
            continue
        if not interested(profile, post.kind, post.category):
            continue
        near = within_ring(post, profile, ring)
        if near is not None:
            reached.append((near, profile))
    if post.cold and post.kind == "offer":
        cold_keepers = [pair for pair in reached if pair[1].keeps_cold]
        if cold_keepers:
            reached = cold_keepers
    reached.sort(
        key=lambda pair: (pair[0].distance_km is None, pair[0].distance_km or 0.0, pair[1].name)
    )
    return [pair[0] for pair in reached]
