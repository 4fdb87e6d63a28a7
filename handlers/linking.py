"""`/lier`: one member, two identities (Telegram and WhatsApp).

On the channel where they are registered, a member asks for a short code; sending `lier CODE`
from the other channel attaches that identity to the same member. The code is single-use and
short-lived, so a code seen over someone's shoulder is of little use.
"""

from __future__ import annotations

from datetime import timedelta

from handlers import limits
from handlers.context import Context, Effects, UserError
from handlers.messages import Outgoing
from handlers.texts import t
from storage import links, members

LINK_COMMAND = "lier"
LINK_CODE_VALIDITY = timedelta(minutes=15)


async def link_command(ctx: Context, args: str) -> Effects:
    """`/lier` gives a code; `/lier CODE` (from the other channel) uses it."""
    code = args.strip().split()[0] if args.strip() else ""
    if not code:
        if ctx.member is None:
            raise UserError(t(ctx.lang, "not_member"))
        created = await links.create_link_code(ctx.conn, ctx.member.id, ctx.now, LINK_CODE_VALIDITY)
        minutes = int(LINK_CODE_VALIDITY.total_seconds() // 60)
        return Effects.reply(Outgoing(t(ctx.lang, "link_code", code=created.code, minutes=minutes)))
    return await use_code(ctx, code)


async def use_code(ctx: Context, code: str) -> Effects:
    wait = await limits.code_wait(ctx)
    if wait is not None:
        return Effects.reply(wait)  # the code is not even looked at
    found = await links.link_code(ctx.conn, code)
    if found is None or found.used or found.expires_at <= ctx.now:
        return await limits.failed_code(ctx, t(ctx.lang, "link_unknown"))
    if ctx.member is not None:
        if ctx.member.id == found.member_id:
            raise UserError(t(ctx.lang, "link_same_member"))
        raise UserError(t(ctx.lang, "link_other_member", name=ctx.member.name))
    owner = await members.member_by_id(ctx.conn, found.member_id)
    if owner is None or owner.status == "removed":
        return await limits.failed_code(ctx, t(ctx.lang, "link_unknown"))
    if not await links.use_link_code(ctx.conn, found.code, ctx.now):
        raise UserError(t(ctx.lang, "link_unknown"))
    address = ctx.incoming.address
    await members.add_identity(
        ctx.conn,
        owner.id,
        address.channel,
        address.external_id,
        ctx.incoming.contact,
        ctx.now,
        link=ctx.incoming.contact_link,
        private=ctx.incoming.contact_private,
    )
    return Effects.reply(
        Outgoing(
            t(owner.language, "link_done", name=owner.name, association=owner.association_name)
        )
    )
