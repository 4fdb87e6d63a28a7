"""The one path of every message: inbox, who is it, which command, handler, outbox.

`accept` stores the message (recognising a redelivery) together with the facts "this person
wrote" (last inbound time, reactivation, release of held messages), so that no later error can
roll them back. `process` runs the handler and stores, in one transaction, its effects, every
outgoing message (the writer's replies included) and the inbox row's "processed": either all of
it happens or none. The sender is woken as soon as that commits, so replies still leave in
milliseconds, and a 429, a 5xx or a crash cannot lose them. A crash between storing and
processing leaves the message `received`: it is processed at the next start.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.fanout import queue_notifications
from handlers import questions, rights
from handlers.commands import Command, build_command_table, command_key
from handlers.context import Context, Effects, NetworkConfig, UserError
from handlers.freetext import handle_free_text
from handlers.linking import LINK_COMMAND
from handlers.members import bare_code, looks_like_invite_code
from handlers.messages import MEGABYTE, Address, AttachmentTooLarge, Incoming, Location, Outgoing
from handlers.places import set_place
from handlers.texts import t
from handlers.understanding import Gazetteer
from storage import inbox, members, outbox
from storage import limits as limits_store
from storage.db import Conn, Database
from storage.models import Member
from storage.outbox import PRIORITY_REPLY, QueuedMessage

if TYPE_CHECKING:
    from bot.delivery import DirectReply, Sender

log = logging.getLogger(__name__)

# Longer than any sensible post; protects the database and the parser from pasted documents.
MAX_INCOMING_LENGTH = 4000


class _AlreadyHandled(Exception):
    """The message was processed meanwhile: its transaction rolls back, nothing is answered."""


@dataclass(frozen=True)
class Handled:
    """What the handler's transaction queued: the writer's replies; the one marked in flight
    with it, to launch at its commit (`Sender.take_reply`); whether the sender's lane must look
    at the queue (other rows were queued)."""

    replies: list[Outgoing]
    direct: DirectReply | None = None
    wake: bool = True


class Dispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        gazetteer: Gazetteer,
        config: NetworkConfig,
        group: Address | None = None,
        commands: dict[str, Command] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.gazetteer = gazetteer
        self.config = config
        self.group = group
        self.commands = commands if commands is not None else build_command_table()
        self._wake_sender: list[Callable[[], None]] = []
        # Set by `use_fanout_jobs`: relays to more members than this go to a background job.
        self._defer_above: int | None = None
        self._wake_fanout_jobs: Callable[[], None] | None = None
        self._direct: Sender | None = None

    def use_direct_replies(self, sender: Sender) -> None:
        """A message's one reply leaves when its transaction commits, marked in flight in it,
        when the sender may send it at once (`Sender.take_reply`): no pass of the sender's
        lane in between (its own transaction, the queue read again: issue 12)."""
        self._direct = sender

    def add_sender_wakeup(self, wake: Callable[[], None]) -> None:
        """Called (no arguments) whenever new outbox rows were committed."""
        self._wake_sender.append(wake)

    def use_fanout_jobs(self, defer_above: int, wake: Callable[[], None]) -> None:
        """Relays to more than `defer_above` members are committed as jobs (bot/fanout_jobs.py)
        that `wake` has queued after the message's transaction; without, all in it."""
        self._defer_above = defer_above
        self._wake_fanout_jobs = wake

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Accept then process one message (the terminal, tests). Returns the replies queued
        for its writer (already in the outbox); empty for a redelivery."""
        if not await self.accept(incoming):
            return []
        return await self.process(incoming)

    async def accept(self, incoming: Incoming) -> bool:
        """Store the message (committed) before anything else; True when it is to be
        processed, False for a redelivery or a message beyond its sender's rate.

        Channels call this (through `bot.intake.Intake`), acknowledge the platform, then
        `process` runs later: what was accepted is never lost. Beyond the rate, the message is
        stored 'throttled' and never processed: no answer (on WhatsApp, no paid reply) but one
        notice per window, queued here. The count lives in SQLite, in this transaction: it is
        decided before any processing (a flood costs one insert per message, not a handler
        run) and a restart neither forgets it nor replays the extra messages."""
        now = self.clock.now()
        limits = self.config.limits
        notice = False
        async with self.db.transaction() as conn:
            fresh = await inbox.record_inbound(
                conn,
                incoming.address.channel,
                incoming.message_id,
                str(incoming.address),
                encode_incoming(incoming),
                now,
            )
            released = await self._note_that_they_wrote(conn, incoming, now) if fresh else 0
            throttled = False
            if fresh:
                window = await limits_store.count_message(
                    conn,
                    str(incoming.address),
                    now,
                    limits.message_window,
                    limits.messages_per_window,
                )
                throttled = window.over(limits.messages_per_window)
            if throttled:
                address = incoming.address
                await inbox.mark_inbound(conn, address.channel, incoming.message_id, "throttled")
                if window.notify:
                    notice = await self._flood_notice(conn, incoming, window.started_at, now)
        if released or notice:
            self._notify_sender()
        if not fresh:
            log.info("redelivered message %s ignored", incoming.message_id)
        elif throttled:
            log.info(
                "message %s beyond its sender's rate: stored, not processed", incoming.message_id
            )
        return fresh and not throttled

    async def _flood_notice(
        self, conn: Conn, incoming: Incoming, started: datetime, now: datetime
    ) -> bool:
        """The one « trop de messages » of this window, in the writer's language."""
        address = incoming.address
        writer = await members.member_by_address(conn, address.channel, address.external_id)
        resume = started + self.config.limits.message_window
        minutes = max(1, math.ceil((resume - now).total_seconds() / 60))
        lang = writer.language if writer else "fr"
        notice = Outgoing(t(lang, "flood_notice", minutes=minutes), lang=lang)
        to = self.reply_address(incoming, writer)
        await enqueue_replies(conn, to, writer.id if writer else None, [notice], now)
        return True

    async def _note_that_they_wrote(self, conn: Conn, incoming: Incoming, now: datetime) -> int:
        """A member wrote: their window is open, they are reachable, held news may go."""
        address = incoming.address
        writer = await members.touch_writer(
            conn,
            address.channel,
            address.external_id,
            incoming.contact,
            now,
            link=incoming.contact_link,
            private=incoming.contact_private,
        )
        if writer is None:
            return 0
        if writer.status == "unreachable":
            await members.set_member_status(conn, writer.member_id, "active")
        return await outbox.release_held(conn, address.channel, address.external_id, now)

    async def is_member(self, address: Address) -> bool:
        """Whether `address` is a member's (a channel's quick answer depends on it)."""
        async with self.db.transaction() as conn:
            found = await members.member_by_address(conn, address.channel, address.external_id)
        return found is not None

    async def reject_unreadable(self, channel: str, message_id: str, payload: str) -> bool:
        """A platform update we cannot read: stored as failed (for an operator), never
        processed. False when it was stored before."""
        async with self.db.transaction() as conn:
            return await inbox.record_inbound(
                conn, channel, message_id, f"{channel}:?", payload, self.clock.now(), "failed"
            )

    async def process(self, incoming: Incoming) -> list[Outgoing]:
        """Handle an accepted message once; returns the replies queued for its writer."""
        now = self.clock.now()
        handled = Handled([])
        try:
            handled = await self._handled(incoming, now)
            replies = handled.replies
        except _AlreadyHandled:
            replies = []
        except UserError as error:
            replies = await self._conclude(incoming, [Outgoing(error.message)], "processed")
        except AttachmentTooLarge as error:  # a handler's file over the limits: said in words
            log.warning("message %s: %s", incoming.message_id, error)
            too_large = t(
                "fr",
                "attachment_too_large",
                size=f"{error.size / MEGABYTE:.1f}".replace(".", ","),
                limit=error.limit // MEGABYTE,
            )
            replies = await self._conclude(incoming, [Outgoing(too_large)], "processed")
        except Exception:
            log.exception(
                "failed to process message %s",
                incoming.message_id,
                extra={"channel": incoming.address.channel, "command": command_word(incoming)},
            )
            apology = [Outgoing(t("fr", "internal_error"))]
            replies = await self._conclude(incoming, apology, "failed")
        if handled.direct is not None and self._direct is not None:
            self._direct.launch_reply(handled.direct)
        if replies and handled.wake:
            self._notify_sender()
        return replies

    async def _handled(self, incoming: Incoming, now: datetime) -> Handled:
        """The handler's transaction; a reply it marked in flight is given back to the sender
        if the commit fails."""
        handled: Handled | None = None
        try:
            async with self.db.transaction() as conn:
                handled = await self._run(conn, incoming, now)
        except BaseException:
            if handled is not None and handled.direct is not None and self._direct is not None:
                self._direct.drop_reply(handled.direct)
            raise
        return handled

    async def _run(self, conn: Conn, incoming: Incoming, now: datetime) -> Handled:
        member = await members.member_by_address(
            conn, incoming.address.channel, incoming.address.external_id
        )
        ctx = Context(conn, incoming, member, now, self.gazetteer, self.config)
        effects = await self.route(ctx)
        # The writer gets replies, never a copy of the news they caused (even a newcomer).
        writer = member or await members.member_by_address(
            conn, incoming.address.channel, incoming.address.external_id
        )
        writer_id = writer.id if writer else None
        queued = await queue_notifications(
            conn,
            effects.notifications,
            now,
            self.group,
            exclude_member=writer_id,
            tz=ctx.tz,
            defer_above=self._defer_above,
        )
        if queued.jobs and self._wake_fanout_jobs is not None:
            # Woken before the commit, the job's first chunk waits for this transaction's lock.
            self._wake_fanout_jobs()
        replies = [replace(reply, lang=ctx.lang) for reply in effects.replies]
        to = self.reply_address(incoming, writer)
        await enqueue_replies(conn, to, writer_id, replies, now)
        # Checked last (one statement with the mark): already handled (a replay at start and
        # the live path met), everything above rolls back: once is enough.
        if not await inbox.finish_inbound(
            conn, incoming.address.channel, incoming.message_id, "processed"
        ):
            raise _AlreadyHandled
        # One line per message (issue 15), its fields structured; never its text.
        log.info(
            "message handled",
            extra={
                "channel": incoming.address.channel,
                "member": writer_id,
                "command": command_word(incoming),
                "replies": len(replies),
                "notified": queued.rows,
            },
        )
        direct = None
        if self._direct is not None and len(replies) == 1:
            # Last: nothing after it may roll the transaction back but the commit itself.
            direct = await self._direct.take_reply(conn, to.channel, to.external_id)
        return Handled(replies, direct, wake=direct is None or queued.rows > 0)

    async def _conclude(
        self, incoming: Incoming, replies: list[Outgoing], state: str
    ) -> list[Outgoing]:
        """After the handler's transaction rolled back: the answer and the inbox state, together."""
        address = incoming.address
        async with self.db.transaction() as conn:
            if not await inbox.is_pending(conn, address.channel, incoming.message_id):
                return []
            member = await members.member_by_address(conn, address.channel, address.external_id)
            if member is not None:  # the adapter's own words (« répondez … ») in their language
                replies = [replace(reply, lang=member.language) for reply in replies]
            await enqueue_replies(
                conn,
                self.reply_address(incoming, member),
                member.id if member else None,
                replies,
                self.clock.now(),
            )
            await inbox.mark_inbound(conn, address.channel, incoming.message_id, state)
        return replies

    async def route(self, ctx: Context) -> Effects:
        incoming = ctx.incoming
        if incoming.unsupported and not incoming.text.strip():
            return Effects.reply(Outgoing(t(ctx.lang, "unsupported")))
        text = incoming.text.strip()
        if len(text) > MAX_INCOMING_LENGTH:
            raise UserError(t(ctx.lang, "too_long", length=len(text), limit=MAX_INCOMING_LENGTH))
        found = self.find_command(text, ctx.member is not None)
        if ctx.member is None:
            return await self.route_stranger(ctx, found, text)
        if found is None and incoming.location is not None:
            return await set_place(ctx, incoming.location)
        if found is None:
            if not text:
                return Effects.reply(Outgoing(t(ctx.lang, "unsupported")))
            return await handle_free_text(ctx, text)
        command, args = found
        if command is None:
            raise UserError(t(ctx.lang, "unknown_command", name=args))
        answer = rights.may_at_all(rights.who(ctx.member), command.action)
        if isinstance(answer, rights.Refused):
            raise UserError(t(ctx.lang, answer.reason))
        return await questions.run_command(ctx, command.name, lambda: command.handler(ctx, args))

    def reply_address(self, incoming: Incoming, writer: Member | None) -> Address:
        """Answers go to the writer in private, also for a command typed in the group: a
        member has written to the bot in private to join, so the bot may write to them there.
        Someone it does not know may never have: for them, the group is the only way back."""
        if incoming.in_group and writer is None and self.group is not None:
            return self.group
        return incoming.address

    async def route_stranger(
        self, ctx: Context, found: tuple[Command | None, str] | None, text: str
    ) -> Effects:
        """Someone not registered: only joining is possible, nothing is stored or relayed."""
        if ctx.incoming.in_group:
            # Joining happens in private (an invite code is not for the whole group to see).
            # A button press was already answered on the spot by the channel.
            if ctx.incoming.is_button:
                return Effects()
            bot = f"@{self.config.bot_username}" if self.config.bot_username else "Boucle"
            name = ctx.incoming.display_name or "Bonjour"
            return Effects.reply(Outgoing(t(ctx.lang, "group_stranger", name=name, bot=bot)))
        command = found[0] if found is not None else None
        # Joining, and linking this new identity to an existing member (`lier CODE`): the
        # rights table's only rows open to strangers.
        if command is not None and rights.may("stranger", command.action) == rights.Allowed():
            return await command.handler(ctx, found[1] if found else "")
        if found is None and looks_like_invite_code(text):
            return await bare_code(ctx, text)
        return Effects.reply(Outgoing(t(ctx.lang, "not_member")))

    def find_command(self, text: str, is_member: bool) -> tuple[Command | None, str] | None:
        """(command, arguments); (None, name) for an unknown /name; None for plain text."""
        if text.startswith("/"):
            head, _, args = text[1:].partition(" ")
            name = head.split("@", 1)[0]  # /prendre@boucle_bot in groups
            command = self.commands.get(command_key(name))
            return (command, args.strip()) if command else (None, name[:30])
        head, _, args = text.partition(" ")
        command = self.commands.get(command_key(head))
        if command is None or command_key(head) not in command.bare_words:
            return None
        args = args.strip()
        if command.bare_needs_number:
            return (command, args) if args.lstrip("#")[:1].isdigit() else None
        if command.name == "start" or (command.name == LINK_COMMAND and args):
            return (command, args) if looks_like_invite_code(args) else None
        if args and command.bare_args is not None:
            return (command, args) if command.bare_args(args) else None
        return (command, args) if not args else None

    async def unprocessed(self) -> list[Incoming]:
        """Stored but not processed before the last stop, oldest first (see `Intake.resume`)."""
        async with self.db.transaction() as conn:
            pending = await inbox.unprocessed_inbound(conn)
        return [decode_incoming(entry.payload) for entry in pending]

    async def replay_unprocessed(self) -> int:
        """Process, one after the other, what was stored but not processed before a stop."""
        pending = await self.unprocessed()
        for incoming in pending:
            await self.process(incoming)
        return len(pending)

    def _notify_sender(self) -> None:
        for wake in self._wake_sender:
            wake()


async def enqueue_replies(
    conn: Conn, to: Address, member_id: int | None, replies: list[Outgoing], now: datetime
) -> None:
    """The writer's replies: outbox rows like any other message, ahead of the news."""
    rows = [
        QueuedMessage(to.channel, to.external_id, member_id, reply.to_json(), PRIORITY_REPLY)
        for reply in replies
    ]
    await outbox.enqueue(conn, rows, now)


# Incoming's fields, in their order: the payload's keys, as `dataclasses.asdict` gave them.
INCOMING_FIELDS = tuple(field.name for field in fields(Incoming))


def encode_incoming(incoming: Incoming) -> str:
    """The inbox payload. Built field by field, not with `asdict`, which copies every value
    recursively (a tenth of `accept`'s CPU: issue 12); the JSON is the same."""
    data = {name: getattr(incoming, name) for name in INCOMING_FIELDS}
    data["address"] = str(incoming.address)
    data["received_at"] = incoming.received_at.isoformat()
    location = incoming.location
    if location is not None:
        data["location"] = {"latitude": location.latitude, "longitude": location.longitude}
    return json.dumps(data, ensure_ascii=False)


def decode_incoming(payload: str) -> Incoming:
    data = json.loads(payload)
    location = data.get("location")
    return Incoming(
        address=Address.parse(data["address"]),
        message_id=data["message_id"],
        text=data["text"],
        received_at=datetime.fromisoformat(data["received_at"]),
        display_name=data.get("display_name", ""),
        contact=data.get("contact", ""),
        contact_link=data.get("contact_link", ""),
        contact_private=data.get("contact_private", False),
        in_group=data.get("in_group", False),
        is_button=data.get("is_button", False),
        unsupported=data.get("unsupported", False),
        location=Location(**location) if location else None,
        media_urls=tuple(data.get("media_urls", ())),
    )


def command_word(incoming: Incoming) -> str:
    """What a message was, for the log: its command (« /don »), a button, or plain text. Never
    the words written (a post, a name, a number)."""
    text = incoming.text.strip()
    if incoming.is_button:
        return "button"
    if text.startswith("/"):
        word = text.split(maxsplit=1)[0].split("@", 1)[0].lower()
        return word if len(word) <= 24 and word[1:].isalpha() else "/?"
    return "text"
