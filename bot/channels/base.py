"""What a channel adapter answers: typed send results, the `Channel` protocol, a recorder.

The messages themselves (`Incoming`, `Outgoing`, ...) belong to the core: `handlers/messages.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from handlers.messages import Outgoing


@dataclass(frozen=True)
class Sent:
    platform_message_id: str = ""


@dataclass(frozen=True)
class RetryLater:
    """The platform asked us to wait (`retry_after`) or failed transiently (5xx, timeout)."""

    seconds: float
    reason: str = ""
    rate_limited: bool = False
    # The request may have reached the platform (no answer read): a retry may duplicate it.
    ambiguous: bool = False


@dataclass(frozen=True)
class Unreachable:
    """The person blocked the bot or cannot be reached: stop sending to them."""

    reason: str = ""


@dataclass(frozen=True)
class Rejected:
    """The platform refused this message for good (bad request): retrying will not help."""

    reason: str = ""


@dataclass(frozen=True)
class OutsideWindow:
    """WhatsApp only: the 24-hour window is closed; needs a template or must wait."""

    reason: str = ""


def never_a_group(_: str) -> bool:
    return False


@dataclass(frozen=True)
class Pacing:
    """How fast one platform takes messages, declared by its channel; `per_second` None: no
    limit (terminal, tests)."""

    per_second: float | None = None
    chat_per_second: float | None = None
    chat_burst: int = 1
    group_per_minute: int | None = None
    # Replies to what a person just wrote, per chat (outside the news' window).
    reply_per_second: float | None = None
    # Which chats are groups (their own per-minute limit; a 429 there pauses only them).
    is_group: Callable[[str], bool] = never_a_group


UNLIMITED = Pacing()


class StartupError(Exception):
    """A channel cannot start (bad token, platform unreachable for too long): its message is
    the one line an operator reads, and it never contains a secret."""


SendResult = Sent | RetryLater | Unreachable | Rejected | OutsideWindow


class Channel(Protocol):
    """Sends one message; may also declare `pacing: Pacing` (default: unlimited) and
    `parts(message) -> int`, how many platform messages one becomes."""

    name: str

    async def send(self, external_id: str, message: Outgoing) -> SendResult: ...


@dataclass
class RecordingChannel:
    """A channel that records what it would send: for tests and the terminal's other users."""

    name: str
    sent: list[tuple[str, Outgoing]] = field(default_factory=list)

    async def send(self, external_id: str, message: Outgoing) -> SendResult:
        self.sent.append((external_id, message))
        return Sent(str(len(self.sent)))
