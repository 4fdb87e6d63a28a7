"""`/invitations` and `/revoquer CODE`: a coordinator sees the codes of their association that
still work, and stops one (a code given to the wrong person, printed on a lost sheet).
Coordinators only (the command table). The CLI does the same: `boucle invites`."""

from __future__ import annotations

from datetime import datetime

from handlers.context import Context, Effects, UserError
from handlers.messages import Outgoing
from handlers.texts import t
from storage import members
from storage.models import Invite

# A message, not a register: the newest codes, and how many more there are.
MAX_LISTED = 20


def valid_until(lang: str, expires_at: datetime | None, ctx: Context) -> str:
    if expires_at is None:
        return t(lang, "invite_no_expiry")
    return expires_at.astimezone(ctx.tz).strftime("%d/%m/%Y")


async def list_command(ctx: Context, args: str) -> Effects:
    member = ctx.need_member()
    found, total = await members.open_invites(ctx.conn, member.association_id, ctx.now, MAX_LISTED)
    association = member.association_name
    if not found:
        return Effects.reply(Outgoing(t(ctx.lang, "invites_none", association=association)))
    lines = [invite_line(ctx, invite) for invite in found]
    if total > len(found):
        lines.append(t(ctx.lang, "invites_more", count=total - len(found)))
    lines.append(t(ctx.lang, "invites_how_to_revoke"))
    return Effects.reply(
        Outgoing(
            title=t(ctx.lang, "invites_title", association=association, count=total),
            text="\n".join(lines),
        )
    )


def invite_line(ctx: Context, invite: Invite) -> str:
    return t(
        ctx.lang,
        "invites_line",
        code=invite.code,
        role=t(ctx.lang, f"role_{invite.role}"),
        until=valid_until(ctx.lang, invite.expires_at, ctx),
    )


async def revoke_command(ctx: Context, args: str) -> Effects:
    member = ctx.need_member()
    code = args.strip().split()[0].upper() if args.strip() else ""
    if not code:
        raise UserError(t(ctx.lang, "revoke_usage"))
    invite = await members.invite_by_code(ctx.conn, code)
    # Another association's code is answered like an unknown one: nothing to learn here.
    if invite is None or invite.association_id != member.association_id:
        raise UserError(t(ctx.lang, "revoke_unknown", code=code))
    if invite.used_by is not None:
        raise UserError(t(ctx.lang, "revoke_used", code=invite.code))
    if invite.revoked_at is not None:
        raise UserError(t(ctx.lang, "revoke_already", code=invite.code))
    await members.revoke_invite(ctx.conn, invite.code, member.id, ctx.now)
    return Effects.reply(Outgoing(t(ctx.lang, "revoke_done", code=invite.code)))
