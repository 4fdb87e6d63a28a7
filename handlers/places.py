"""A shared location pin (Telegram or WhatsApp) sets where the member's association is."""

from __future__ import annotations

from handlers.context import Context, Effects
from handlers.messages import Location, Outgoing
from handlers.texts import t
from storage import members


async def set_place(ctx: Context, location: Location) -> Effects:
    member = ctx.need_member()
    await members.set_association_location(
        ctx.conn, member.association_id, location.latitude, location.longitude
    )
    return Effects.reply(
        Outgoing(
            t(
                ctx.lang,
                "place_set",
                association=member.association_name,
                latitude=f"{location.latitude:.5f}",
                longitude=f"{location.longitude:.5f}",
            )
        )
    )
