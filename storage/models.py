"""Typed rows: storage functions return these, never raw rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, NamedTuple

# "admin": a network administrator (storage keeps it as a grant on top of "coordinator").
Role = Literal["member", "coordinator", "admin"]
PostKind = Literal["need", "offer", "equipment_request", "equipment_offer"]
PostStatus = Literal["open", "taken", "done", "cancelled", "expired"]
ClaimStatus = Literal["active", "done", "cancelled"]


@dataclass(frozen=True)
class Association:
    id: int
    name: str
    commune: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Member:
    id: int
    association_id: int
    association_name: str
    name: str
    role: Role
    status: str
    language: str

    @property
    def is_coordinator(self) -> bool:
        """A network administrator is also a coordinator of their own association."""
        return self.role in ("coordinator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Identity:
    channel: str
    external_id: str
    member_id: int
    contact: str
    last_inbound_at: datetime | None
    contact_link: str = ""
    contact_private: bool = False


@dataclass(frozen=True)
class Contact:
    """How to reach a member directly: `text` to show, `link` to open a chat in one tap ("" if
    none), `private` when it is a phone number (for the other side of a claim only)."""

    text: str
    link: str = ""
    private: bool = False


@dataclass(frozen=True)
class Invite:
    code: str
    association_id: int
    role: Role
    used_by: int | None
    created_at: datetime | None = None
    # None: never expires (only codes made before invites expired, and only in old tests).
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


@dataclass(frozen=True)
class NewPost:
    kind: PostKind
    what: str
    category: str | None
    quantity: float | None
    unit: str | None
    deadline: date | None
    date_kind: str | None
    place: str | None
    urgent: bool
    cold_chain: bool
    original_text: str
    # Photos sent with the post (Twilio media URLs), relayed with it.
    media_urls: tuple[str, ...] = ()
    # Asked as urgent beyond the author's daily quota: relayed as ordinary until a
    # coordinator of their association confirms the urgency (`urgent` is then False).
    urgent_pending: bool = False
    # Where the post is (its named commune, else its association's place): its audience is
    # measured from here. None: unknown, the post reaches everyone.
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Post:
    id: int
    kind: PostKind
    what: str
    category: str | None
    quantity: float | None
    unit: str | None
    deadline: date | None
    date_kind: str | None
    place: str | None
    urgent: bool
    cold_chain: bool
    status: PostStatus
    author_id: int
    association_id: int
    association_name: str
    created_at: datetime
    claimed: float
    active_claims: int
    media_urls: tuple[str, ...] = ()
    urgent_pending: bool = False
    # The writer's own words, as typed (the command included): relays show them.
    original_text: str = ""
    # Where the post is (issue 11): its place from the gazetteer, else its association's.
    latitude: float | None = None
    longitude: float | None = None

    @property
    def remaining(self) -> float | None:
        """What is still free to claim, when the post has a quantity."""
        if self.quantity is None:
            return None
        return max(self.quantity - self.claimed, 0.0)

    @property
    def is_offer_like(self) -> bool:
        return self.kind in ("offer", "equipment_offer")

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


class DigestPost(NamedTuple):
    """A post as a digest shows it (issue 12): the fields of its list line, its « to collect »
    and « unanswered » lines and nothing else (no original text, no media, no place's point).
    A tuple, as read: equal rows give equal lines (handlers/digests.py writes each once)."""

    id: int
    kind: PostKind
    what: str
    quantity: float | None
    unit: str | None
    deadline: date | None
    place: str | None
    urgent: bool
    cold_chain: bool
    association_id: int
    association_name: str
    claimed: float

    @property
    def remaining(self) -> float | None:
        """What is still free to claim, when the post has a quantity (as `Post.remaining`)."""
        if self.quantity is None:
            return None
        return max(self.quantity - self.claimed, 0.0)

    @property
    def is_offer_like(self) -> bool:
        return self.kind in ("offer", "equipment_offer")


@dataclass(frozen=True)
class PostPoint:
    """An open post as a filtered `/liste` first reads it: enough to measure and page."""

    id: int
    urgent: bool
    latitude: float
    longitude: float

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


@dataclass(frozen=True)
class Claim:
    id: int
    post_id: int
    member_id: int
    association_id: int
    association_name: str
    quantity: float | None
    status: ClaimStatus
    done_quantity: float | None
    created_at: datetime


@dataclass(frozen=True)
class Profile:
    """Where an association is, how far it travels, what it takes and gives, what it can keep.

    `takes` / `gives`: category slugs, or None for every category (the default).
    """

    association_id: int
    name: str
    commune: str
    latitude: float | None
    longitude: float | None
    reach_km: float = 30.0
    takes: frozenset[str] | None = None
    gives: frozenset[str] | None = None
    cold_storage: bool = False
    cold_vehicle: bool = False
    dry_storage: bool = False
    volunteers: bool = False

    @property
    def keeps_cold(self) -> bool:
        return self.cold_storage or self.cold_vehicle

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


NotifyMode = Literal["all", "urgent", "digest", "off"]


@dataclass(frozen=True)
class Preferences:
    """What a member wants relayed (`/notifs`). The defaults are a member with no row."""

    member_id: int
    mode: NotifyMode = "all"
    muted: frozenset[str] = frozenset()
    # Local times "HH:MM" in the network's time zone; equal: no quiet hours.
    quiet_start: str = "21:00"
    quiet_end: str = "07:30"


@dataclass(frozen=True)
class AudienceMember:
    """One active member of an audience: where to reach them (the identity they last wrote
    from), in which language, and what they want relayed."""

    member_id: int
    association_id: int
    language: str
    channel: str
    external_id: str
    preferences: Preferences
