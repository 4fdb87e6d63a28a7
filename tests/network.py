"""A network driven in memory: people write through the real dispatcher, and what the sender
delivers lands in per-person inboxes (a recording channel, no platform)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path

from bot.channels.base import RecordingChannel
from bot.channels.terminal import render_plain
from bot.clock import ManualClock
from bot.delivery import Sender
from bot.dispatch import Dispatcher
from handlers.context import Limits, NetworkConfig
from handlers.messages import Address, Incoming, Outgoing
from handlers.understanding import Gazetteer
from storage import members
from storage.db import Database
from storage.models import Role

CHANNEL = "test"
# The manual clock stands still between messages: a scenario's dozens of messages would all
# fall in one minute and meet the per-sender rate (20 a minute), which no person typing could.
# tests/test_limits.py sets the rate it tests.
NETWORK_CONFIG = NetworkConfig(limits=Limits(messages_per_window=100_000))


class Network:
    def __init__(self, db: Database, clock: ManualClock, gazetteer: Gazetteer) -> None:
        self.db = db
        self.clock = clock
        self.gazetteer = gazetteer
        self.channel = RecordingChannel(CHANNEL)
        self.group = Address(CHANNEL, "group")
        self.dispatcher = Dispatcher(db, clock, gazetteer, NETWORK_CONFIG, self.group)
        self.sender = Sender(db, {CHANNEL: self.channel}, clock)
        self._message_ids = 0
        self._delivered = 0
        self.inboxes: dict[str, list[str]] = defaultdict(list)

    async def invite(
        self, association: str, commune: str = "Carcassonne", role: Role = "member"
    ) -> str:
        async with self.db.transaction() as conn:
            found = await members.ensure_association(conn, association, commune, self.clock.now())
            return await members.create_invite(conn, found.id, role, self.clock.now())

    async def join(
        self, user: str, association: str, commune: str = "Carcassonne", role: Role = "member"
    ) -> list[str]:
        code = await self.invite(association, commune, role)
        return await self.say(user, f"/start {code}")

    async def say(self, user: str, text: str, *, button: bool = False) -> list[str]:
        """`user` writes `text`; returns what the sender delivered to them for it (their
        replies come through the outbox like everything else), rendered as plain text."""
        await self.deliver()
        before = len(self.inboxes[user])
        await self.dispatcher.handle(self.incoming(user, text, button=button))
        await self.deliver()
        replies = self.inboxes[user][before:]
        del self.inboxes[user][before:]
        return replies

    def incoming(self, user: str, text: str, *, button: bool = False) -> Incoming:
        self._message_ids += 1
        return Incoming(
            address=Address(CHANNEL, user),
            message_id=f"m{self._message_ids}",
            text=text,
            received_at=self.clock.now(),
            display_name=user.capitalize(),
            contact=f"@{user}",
            is_button=button,
        )

    async def deliver(self) -> None:
        await self.sender.deliver_all_due()
        for external_id, message in self.channel.sent[self._delivered :]:
            self.inboxes[external_id].append(render_plain(message))
        self._delivered = len(self.channel.sent)

    def take_inbox(self, user: str) -> list[str]:
        """What `user` received since the last call."""
        received = self.inboxes.pop(user, [])
        return received

    def last_outgoing(self, user: str) -> Outgoing:
        return next(m for who, m in reversed(self.channel.sent) if who == user)


THREE_ASSOCIATIONS = (
    ("Banque Alimentaire de l'Aude", "Carcassonne"),
    ("Restos du Cœur Narbonne", "Narbonne"),
    ("Épicerie solidaire de Limoux", "Limoux"),
)


async def invite_three(
    db_path: Path, people: tuple[str, str, str], now: datetime
) -> dict[str, str]:
    """One invite code per person, each for one of three associations (in a fresh database)."""
    db = await Database.open(db_path)
    codes: dict[str, str] = {}
    async with db.transaction() as conn:
        for person, (name, commune) in zip(people, THREE_ASSOCIATIONS, strict=True):
            association = await members.ensure_association(conn, name, commune, now)
            codes[person] = await members.create_invite(conn, association.id, "member", now)
    await db.close()
    return codes
