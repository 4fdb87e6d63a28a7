"""What a handler gets (a context) and what it gives back (effects), with no platform in sight."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.equivalents import Equivalents
from handlers.messages import Incoming, Outgoing
from handlers.understanding import Gazetteer
from storage.db import Conn
from storage.models import Member
from storage.outbox import PRIORITY_NOTIFICATION

# A question about a post expires: answered later, the message is read as a new one.
DEFAULT_QUESTION_MINUTES = 30


class UserError(Exception):
    """A mistake of the person writing: its message (already in their language) is the answer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ToMember:
    """One active member, on the channel they last wrote from.

    `quiet`: a post brought to them that they did not ask for and that is not urgent (a
    match): it waits for the end of their quiet hours (`/notifs calme`), like a relay. By
    default a direct message goes at once: news of their own posts and claims (someone
    takes their offer, corrects what they took), of their association, anything urgent.
    Their mode (`/notifs off`…) never stops a direct message (docs/routing.md).
    """

    member_id: int
    quiet: bool = False


@dataclass(frozen=True)
class ToFormerMember:
    """Someone just removed from the network: the one last message that tells them so."""

    member_id: int


@dataclass(frozen=True)
class ToAssociation:
    association_id: int


@dataclass(frozen=True)
class ToAudience:
    """The active members of these associations: a post's audience (issue 11, handlers/routing).

    `category` and `urgent` are what each member's preferences (`/notifs`) are checked against.
    `exclude_members`: members who get this post another way (a new post's matched authors get
    the match message, with its one-tap action, instead of the relay).
    """

    association_ids: tuple[int, ...]
    category: str | None = None
    urgent: bool = False
    exclude_members: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ToEveryone:
    pass


@dataclass(frozen=True)
class ToGroup:
    """The network's group chat, when one is configured."""


Recipient = ToMember | ToFormerMember | ToAssociation | ToAudience | ToEveryone | ToGroup

# Notifications are rendered per recipient, in the recipient's language.
Render = Callable[[str], Outgoing]


@dataclass(frozen=True)
class Notification:
    to: Recipient
    render: Render
    priority: int = PRIORITY_NOTIFICATION
    # The post this relays: the sender drops the rows still queued once the post is no longer
    # open (a relay held overnight by quiet hours for a post taken meanwhile).
    post_id: int | None = None


@dataclass
class Effects:
    replies: list[Outgoing] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)

    @classmethod
    def reply(cls, *messages: Outgoing) -> Effects:
        return cls(replies=list(messages))


@dataclass(frozen=True)
class Limits:
    """The network's limits (issue 9), from the settings (`bot.settings`, `BOUCLE_*`)."""

    # A post goes to the whole network again (`/relancer`) at most once in this time, counted
    # from its last broadcast (publication included).
    relaunch_interval: timedelta = timedelta(hours=6)
    # Urgent posts a member publishes as urgent in 24 hours; beyond, a coordinator confirms.
    urgent_per_day: int = 3
    # Failed invite or link codes: per sender in `code_window`, then network-wide per minute.
    code_attempts_per_sender: int = 5
    code_window: timedelta = timedelta(minutes=10)
    code_attempts_per_minute: int = 100
    # How long a new invite code works.
    invite_validity: timedelta = timedelta(days=14)
    # Messages one sender may send in `message_window`; beyond, stored but not processed.
    messages_per_window: int = 20
    message_window: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class NetworkConfig:
    timezone: str = "Europe/Paris"
    bot_username: str | None = None
    has_group: bool = False
    # How long a question about a post waits for its answer (BOUCLE_QUESTION_MINUTES).
    question_ttl: timedelta = timedelta(minutes=DEFAULT_QUESTION_MINUTES)
    limits: Limits = field(default_factory=Limits)
    # Kilos per carton, cagette, palette, colis, repas, litre (BOUCLE_EQUIVALENTS).
    equivalents: Equivalents = field(default_factory=Equivalents)


@dataclass
class Context:
    conn: Conn
    incoming: Incoming
    member: Member | None
    now: datetime
    gazetteer: Gazetteer
    config: NetworkConfig

    @property
    def lang(self) -> str:
        return self.member.language if self.member else "fr"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.config.timezone)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def need_member(self) -> Member:
        assert self.member is not None, "the dispatcher lets only members through"
        return self.member
