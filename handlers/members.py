"""Joining with an invite code (the coordinators hear of it: `/arrivees`), inviting from the
chat, the member's language."""

from __future__ import annotations

import re
import unicodedata

from handlers import limits
from handlers.context import Context, Effects, Notification, ToMember, UserError
from handlers.digests import DEFAULT_DIGEST_TIME, format_time
from handlers.messages import Outgoing
from handlers.texts import LANGUAGES, t
from storage import arrivals, members, schedules
from storage.arrivals import ArrivalMode
from storage.models import Role

# `/arrivees digest|direct`: the words a coordinator may use for each choice (no accents).
ARRIVAL_WORDS: dict[str, ArrivalMode] = {
    "digest": "digest",
    "point": "digest",
    "quotidien": "digest",
    "resume": "digest",
    "direct": "direct",
    "directement": "direct",
    "immediat": "direct",
    "message": "direct",
}

INVITE_CODE = re.compile(r"^[A-Za-z0-9]{6,12}$")
MAX_NAME_LENGTH = 60


def looks_like_invite_code(text: str) -> bool:
    return bool(INVITE_CODE.match(text.strip()))


async def start(ctx: Context, args: str) -> Effects:
    """`/start CODE`: a newcomer joins the association the code was made for."""
    if ctx.member is not None:
        return Effects.reply(
            Outgoing(t(ctx.lang, "already_member", association=ctx.member.association_name))
        )
    code = args.strip().split()[0] if args.strip() else ""
    if not code:
        raise UserError(t(ctx.lang, "start_needs_code"))
    wait = await limits.code_wait(ctx)
    if wait is not None:
        return Effects.reply(wait)  # the code is not even looked at
    invite = await members.invite_by_code(ctx.conn, code)
    if invite is None:
        return await limits.failed_code(ctx, t(ctx.lang, "invite_unknown"))
    if invite.revoked_at is not None:
        return await limits.failed_code(ctx, t(ctx.lang, "invite_revoked"))
    if invite.used_by is not None:
        return await limits.failed_code(ctx, t(ctx.lang, "invite_used"))
    if invite.expired(ctx.now):
        until = (
            invite.expires_at.astimezone(ctx.tz).strftime("%d/%m/%Y") if invite.expires_at else ""
        )
        return await limits.failed_code(ctx, t(ctx.lang, "invite_expired", date=until))
    name = (ctx.incoming.display_name or ctx.incoming.address.external_id)[:MAX_NAME_LENGTH]
    member = await members.create_member(
        ctx.conn, invite.association_id, name, invite.role, ctx.now
    )
    if not await members.use_invite(ctx.conn, invite.code, member.id, ctx.now):
        raise UserError(t(ctx.lang, "invite_used"))  # rolls the new member back
    address = ctx.incoming.address
    await members.add_identity(
        ctx.conn,
        member.id,
        address.channel,
        address.external_id,
        ctx.incoming.contact,
        ctx.now,
        link=ctx.incoming.contact_link,
        private=ctx.incoming.contact_private,
    )
    welcome = t("fr", "welcome", name=member.name, association=member.association_name)
    if ctx.incoming.contact_private:  # a phone number: shown to nobody until they agree
        welcome += "\n" + t("fr", "welcome_number")

    def joined(lang: str) -> Outgoing:
        return Outgoing(
            t(lang, "member_joined", name=member.name, association=member.association_name)
        )

    # Only the association's coordinators hear of it, at once or in their digest (their
    # choice, `/arrivees`): telling every member made N joins cost N² messages.
    told = await arrivals.coordinators_told_at_once(ctx.conn, member.association_id, member.id)
    return Effects(
        replies=[Outgoing(welcome)],
        notifications=[Notification(ToMember(coordinator.id), joined) for coordinator in told],
    )


async def invite(ctx: Context, args: str) -> Effects:
    """`/inviter [coordinateur]`: a coordinator makes a code for their own association."""
    member = ctx.need_member()
    wanted = args.strip().lower()
    role: Role
    if wanted in ("", "membre", "member"):
        role = "member"
    elif wanted.startswith(("coord", "coordinator")):
        role = "coordinator"
    else:
        raise UserError(t(ctx.lang, "invite_usage"))
    validity = ctx.config.limits.invite_validity
    code = await members.create_invite(
        ctx.conn, member.association_id, role, ctx.now, member.id, valid_for=validity
    )
    link = ""
    if ctx.config.bot_username:
        link = f"\n{deep_link(ctx.config.bot_username, code)}"
    created = t(
        ctx.lang,
        "invite_created",
        association=member.association_name,
        role=t(ctx.lang, f"role_{role}"),
        code=code,
        link=link,
    )
    until = (ctx.now + validity).astimezone(ctx.tz).strftime("%d/%m/%Y")
    expiry = t(ctx.lang, "invite_valid_until", date=until)
    return Effects.reply(Outgoing(f"{created}\n{expiry}"))


async def bare_code(ctx: Context, text: str) -> Effects:
    """A stranger wrote a lone word that may be an invite code (WhatsApp users rarely type
    /start): joined with it when it is one, else told how to join. A word shaped like our
    codes that is none counts as a failed attempt (greetings are not shaped like them)."""
    wait = await limits.code_wait(ctx)
    if wait is not None:
        return Effects.reply(wait)
    code = text.strip()
    if await members.invite_by_code(ctx.conn, code) is not None:
        return await start(ctx, code)  # used, expired or revoked: its own clear answer
    if members.invite_shaped(code):
        return await limits.failed_code(ctx, t(ctx.lang, "not_member"))
    return Effects.reply(Outgoing(t(ctx.lang, "not_member")))


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


async def language(ctx: Context, args: str) -> Effects:
    member = ctx.need_member()
    wanted = args.strip().lower()[:2]
    if wanted not in LANGUAGES:
        raise UserError(t(ctx.lang, "language_usage"))
    await members.set_member_language(ctx.conn, member.id, wanted)
    return Effects.reply(Outgoing(t(wanted, "language_set")))


async def arrivals_command(ctx: Context, args: str) -> Effects:
    """`/arrivees [direct|digest]`: how a coordinator hears of new members (coordinators only,
    checked by the dispatcher). Without a word: the current choice and how to change it."""
    member = ctx.need_member()
    wanted = plain_word(args)
    if wanted:
        mode = ARRIVAL_WORDS.get(wanted)
        if mode is None:
            raise UserError(t(ctx.lang, "arrivals_usage"))
        await arrivals.set_arrival_mode(ctx.conn, member.id, mode, ctx.now)
    else:
        mode = (await arrivals.arrival_choice(ctx.conn, member.id)).mode
    association = member.association_name
    if mode == "direct":
        return Effects.reply(Outgoing(t(ctx.lang, "arrivals_direct", association=association)))
    at = await schedules.digest_time_of(ctx.conn, member.id, format_time(DEFAULT_DIGEST_TIME))
    if at is None:  # no digest to count them in: told at once (storage.arrivals)
        return Effects.reply(
            Outgoing(t(ctx.lang, "arrivals_digest_but_off", association=association))
        )
    return Effects.reply(Outgoing(t(ctx.lang, "arrivals_digest", association=association, time=at)))


def plain_word(text: str) -> str:
    """The first word, lower case, without accents: « Immédiat » is "immediat"."""
    words = text.strip().lower().split()
    if not words:
        return ""
    decomposed = unicodedata.normalize("NFKD", words[0])
    return "".join(c for c in decomposed if not unicodedata.combining(c))


SHOW_NUMBER = frozenset({"oui", "yes", "montrer", "show"})
HIDE_NUMBER = frozenset({"non", "no", "masquer", "cacher", "hide"})


def is_number_choice(args: str) -> bool:
    """`numero oui` typed without the slash (WhatsApp) is the command, not a message."""
    return args.strip().lower() in SHOW_NUMBER | HIDE_NUMBER


async def number_command(ctx: Context, args: str) -> Effects:
    """`/numero oui|non`: whether the other side of an exchange sees the member's phone number
    (never the whole network). Without a word: the current choice."""
    member = ctx.need_member()
    word = args.strip().lower()
    if word in SHOW_NUMBER or word in HIDE_NUMBER:
        shares = word in SHOW_NUMBER
        await members.set_shares_number(ctx.conn, member.id, shares)
        return Effects.reply(Outgoing(t(ctx.lang, "number_shown" if shares else "number_hidden")))
    if word:
        raise UserError(t(ctx.lang, "number_usage"))
    shares = await members.shares_number(ctx.conn, member.id)
    key = "number_shown" if shares else "number_hidden"
    return Effects.reply(Outgoing(t(ctx.lang, key) + "\n" + t(ctx.lang, "number_usage")))
