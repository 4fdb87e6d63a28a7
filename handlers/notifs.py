"""`/notifs`: each member chooses, for themselves, what is relayed to them (issue 11, item 3).

The reading and the wording are `handlers/notifications_settings.py`'s; this stores the choice
(`storage.profiles.set_preferences`) and logs it. Who reads it: the delivery of each relay.
"""

from __future__ import annotations

from handlers import notifications_settings as settings
from handlers.context import Context, Effects, UserError
from handlers.digests import DEFAULT_DIGEST_TIME, format_time
from handlers.messages import Outgoing
from storage import events, profiles, schedules


def is_notifs_args(args: str) -> bool:
    """`notifs urgent` written without the slash (WhatsApp): words /notifs reads."""
    try:
        settings.read_notifs(args)
    except settings.Invalid as error:
        return error.key != "notifs_usage"
    return True


async def notifs_command(ctx: Context, args: str) -> Effects:
    member = ctx.need_member()
    try:
        change = settings.read_notifs(args)
    except settings.Invalid as error:
        raise UserError(settings.invalid_text(ctx.lang, error)) from None
    current = await profiles.preferences_of(ctx.conn, member.id)
    if change is None:
        return Effects.reply(Outgoing(settings.settings_text(ctx.lang, current)))
    updated = settings.changed(current, change)
    await profiles.set_preferences(ctx.conn, updated)
    detail = (
        f"mode={updated.mode};muted={','.join(sorted(updated.muted))};"
        f"quiet={updated.quiet_start}-{updated.quiet_end}"
    )
    await events.record_event(ctx.conn, ctx.now, "preferences_changed", member.id, detail=detail)
    digest_time = await schedules.digest_time_of(
        ctx.conn, member.id, format_time(DEFAULT_DIGEST_TIME)
    )
    return Effects.reply(Outgoing(settings.confirmation(ctx.lang, change, digest_time)))
