"""Matching (issue 11): a new offer that fits an open need, or a new need an open offer, is
told to the author of the other post, with the one-tap action. The rule (docs/routing.md):

A pair (offer, need) matches when
- the kinds answer each other: offer ↔ need, equipment_offer ↔ equipment_request;
- the categories are the same. A vague category (none, or « autre ») matches only the same
  vague category, and only when the two `what` share a word (« palettes » ↔ « palettes
  bois »); otherwise nothing is assumed;
- both places are known and the distance is within ring 0: the larger of the two
  associations' reaches (`routing.ring_radius_km(..., 0)`). A post whose place is unknown is
  not matched (it still reaches everyone through the relay);
- something is left on both sides, and neither date is past (today, local).

Its score, between 0 and 1, orders several matches (ties: nearest, then oldest post):
    (0.45 × proximity + 0.45 × coverage + 0.10 × same word) × date factor × cold factor
- proximity = 1 − distance / radius;
- coverage = how much of what the need still lacks the offer can give (capped at 1), when
  both quantities are known in the same unit; 0.5 when that cannot be said;
- same word = 1 when the two `what` share a word (« yaourts » ↔ « yaourts nature »);
- date factor: 1, except an offer whose date comes before the need's date: its goods must
  be used before the day planned — ×0.5 for a use-by date (DLC), ×0.9 for a best-before
  (DDM); a plain availability date is only the pickup window (×1);
- cold factor: ×0.5 when the offer is cold goods (routing.is_cold) and the needing
  association declares no way to keep them cold. Lowered, not excluded: the defaults declare
  no capacity, and routing sends cold goods to everyone near when nobody near keeps cold.

A new post is matched once, when it is published; at most `MAX_MATCH_NOTICES` authors (the
best scores) are told, so the same pair is never told twice and nothing is stored.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from handlers.context import Notification, Render, ToMember
from handlers.formatting import post_headline
from handlers.messages import Choice, Outgoing
from handlers.routing import Point, box_around, distance_km, is_cold, ring_radius_km
from handlers.texts import t
from handlers.understanding.text import key
from storage import matching as stored
from storage import profiles
from storage.db import Conn
from storage.models import Post, PostKind, Profile
from storage.outbox import PRIORITY_NOTIFICATION, PRIORITY_URGENT

MAX_MATCH_NOTICES = 3
# Candidates read from the index for one new post (a latitude band of one kind and category).
MAX_CANDIDATES = 200

W_PROXIMITY = 0.45
W_COVERAGE = 0.45
W_WORDS = 0.10
UNKNOWN_COVERAGE = 0.5
DLC_BEFORE_NEED = 0.5
DDM_BEFORE_NEED = 0.9
COLD_WITHOUT_FRIDGE = 0.5

VAGUE_CATEGORIES: frozenset[str | None] = frozenset({None, "autre"})
COUNTERPART: dict[PostKind, PostKind] = {
    "offer": "need",
    "need": "offer",
    "equipment_offer": "equipment_request",
    "equipment_request": "equipment_offer",
}
# Words of `what` that say nothing of the goods (singular: plurals are dropped first).
NOT_GOODS = frozenset(
    {
        "des",
        "les",
        "pour",
        "avec",
        "sans",
        "une",
        "aux",
        "sur",
        "kilo",
        "litre",
        "lot",
        "plein",
        "reste",
        "surplu",
        "besoin",
        "urgent",
    }
)


@dataclass(frozen=True)
class Side:
    """One post of a pair: the post, where it is, its association's profile."""

    post: Post
    point: Point | None
    profile: Profile


@dataclass(frozen=True)
class Match:
    other: Post
    distance_km: float
    score: float


@functools.lru_cache(maxsize=4096)
def goods_words(what: str) -> frozenset[str]:
    """The words of `what` that name goods: folded, plural s/x dropped, 3 letters or more.
    Kept per text: a new post is compared with up to 200 candidates, each of which was met by
    the posts before it (~15 µs a call; a sixth of a region-wide post's CPU, issue 12)."""
    words = set()
    for word in key(what).split():
        singular = word[:-1] if len(word) > 3 and word[-1] in "sx" else word
        if len(singular) >= 3 and not singular.isdigit() and singular not in NOT_GOODS:
            words.add(singular)
    return frozenset(words)


def coverage(offer: Post, need: Post) -> float | None:
    """How much of the need's remainder the offer covers (0–1]; None: nothing left."""
    offer_left, need_left = offer.remaining, need.remaining
    if (offer_left is not None and offer_left <= 0) or (need_left is not None and need_left <= 0):
        return None
    if offer_left is None or need_left is None or offer.unit != need.unit:
        return UNKNOWN_COVERAGE
    return min(1.0, offer_left / need_left)


def date_factor(offer: Post, need: Post, today: date) -> float | None:
    """None when a date is past; else how well the offer's date fits the need's."""
    if (offer.deadline and offer.deadline < today) or (need.deadline and need.deadline < today):
        return None
    if offer.deadline and need.deadline and offer.deadline < need.deadline:
        if offer.date_kind == "dlc":
            return DLC_BEFORE_NEED
        if offer.date_kind == "ddm":
            return DDM_BEFORE_NEED
    return 1.0


def cold_factor(offer: Side, need: Side) -> float:
    cold_goods = offer.post.kind == "offer" and is_cold(offer.post.category, offer.post.cold_chain)
    return COLD_WITHOUT_FRIDGE if cold_goods and not need.profile.keeps_cold else 1.0


def score(new: Side, other: Side, today: date) -> Match | None:
    """Whether `other` (an open post) matches `new`, and how well (the rule above)."""
    if COUNTERPART[new.post.kind] != other.post.kind:
        return None
    if new.post.association_id == other.post.association_id:
        return None
    offer, need = (new, other) if new.post.is_offer_like else (other, new)
    if offer.post.category != need.post.category:
        return None
    shared = bool(goods_words(offer.post.what) & goods_words(need.post.what))
    if offer.post.category in VAGUE_CATEGORIES and not shared:
        return None
    if offer.point is None or need.point is None:
        return None
    distance = distance_km(offer.point, need.point)
    radius = ring_radius_km(offer.profile.reach_km, need.profile.reach_km, 0)
    if distance > radius:
        return None
    covered = coverage(offer.post, need.post)
    dates = date_factor(offer.post, need.post, today)
    if covered is None or dates is None:
        return None
    proximity = 1.0 - distance / radius if radius > 0 else 1.0
    value = W_PROXIMITY * proximity + W_COVERAGE * covered + W_WORDS * float(shared)
    value *= dates * cold_factor(offer, need)
    return Match(other.post, distance, round(value, 4))


def ranked(matches: Iterable[Match]) -> list[Match]:
    """Best score first; ties: nearest, then the oldest post."""
    return sorted(matches, key=lambda m: (-m.score, m.distance_km, m.other.id))


# ------------------------------------------------------------------ reading the database


def default_profile(association_id: int) -> Profile:
    return Profile(association_id, "", "", None, None)


async def matches_for(conn: Conn, post: Post, today: date) -> list[Match]:
    """The open posts of other associations that match `post`, best first."""
    point = post.point
    if point is None:
        return []
    own = await profiles.profile_of(conn, post.association_id) or default_profile(
        post.association_id
    )
    # Ring 0 is the larger of the two reaches: the box holds the farthest any other may be.
    radius = ring_radius_km(own.reach_km, await profiles.largest_reach_km(conn), 0)
    candidates = await stored.open_posts_matching(
        conn,
        COUNTERPART[post.kind],
        post.category,
        box_around(point, radius),
        post.association_id,
        MAX_CANDIDATES,
    )
    if not candidates:
        return []
    known = await stored.profiles_by_id(conn, {c.post.association_id for c in candidates})
    new = Side(post, point, own)
    found = []
    for candidate in candidates:
        profile = known.get(candidate.post.association_id) or default_profile(
            candidate.post.association_id
        )
        match = score(new, Side(candidate.post, candidate.point, profile), today)
        if match is not None:
            found.append(match)
    return ranked(found)


# ------------------------------------------------------------------ what people read


def distance_text(km: float) -> str:
    return str(max(1, round(km)))


def match_notifications(post: Post, matches: list[Match], today: date) -> list[Notification]:
    """The author of each matched post is told of `post` (the new one), with its action:
    « Je prends » for an offer, « Je peux aider » for a need (both `/prendre N`)."""
    notes: list[Notification] = []
    for match in matches[:MAX_MATCH_NOTICES]:
        # A post brought to them: it waits for the end of their quiet hours, as a relay does,
        # unless one of the two posts is urgent.
        urgent = post.urgent or match.other.urgent
        notes.append(
            Notification(
                ToMember(match.other.author_id, quiet=not urgent),
                _render(post, match, today),
                PRIORITY_URGENT if urgent else PRIORITY_NOTIFICATION,
            )
        )
    return notes


def told_authors(matches: list[Match]) -> frozenset[int]:
    """The members `match_notifications` tells: the new post's relay is not sent to them too."""
    return frozenset(match.other.author_id for match in matches[:MAX_MATCH_NOTICES])


def _render(post: Post, match: Match, today: date) -> Render:
    def render(lang: str) -> Outgoing:
        intro = t(
            lang,
            "match_for_your_post",
            kind=t(lang, f"kind_{post.kind}"),
            id=post.id,
            distance=distance_text(match.distance_km),
            mine=match.other.id,
            mine_what=match.other.what,
        )
        headline = f"{post_headline(post, lang, today)} ({post.association_name})"
        if post.is_offer_like:
            how = t(lang, "relay_how_to_take", id=post.id)
            choice = Choice(t(lang, "button_take_offer"), f"/prendre {post.id}")
        else:
            how = t(lang, "relay_how_to_help", id=post.id)
            choice = Choice(t(lang, "button_help_need"), f"/prendre {post.id}")
        return Outgoing("\n".join((intro, headline, how)), choices=(choice,))

    return render


def confirmation_line(post: Post, matches: list[Match], lang: str) -> str:
    """One line for the new post's author: which open posts match (those whose authors were
    told); "" when none."""
    shown = matches[:MAX_MATCH_NOTICES]
    if not shown:
        return ""
    ids = ", ".join(f"#{m.other.id} ({distance_text(m.distance_km)} km)" for m in shown)
    return t(lang, f"match_line_{COUNTERPART[post.kind]}", ids=ids, first=shown[0].other.id)


@dataclass(frozen=True)
class Published:
    """What matching adds to a new post's publication."""

    # The line for its author's confirmation ("" when nothing matches).
    line: str
    # The notices to the matched posts' authors.
    notes: list[Notification]
    # Those authors: they get the notice (with its one-tap action) instead of the relay.
    told: frozenset[int]


async def on_publish(conn: Conn, post: Post, lang: str, today: date) -> Published:
    """Called once when a post is published, before its relay."""
    matches = await matches_for(conn, post, today)
    return Published(
        confirmation_line(post, matches, lang),
        match_notifications(post, matches, today),
        told_authors(matches),
    )
