"""`/alerte TEXTE`: a coordinator reaches every active member, ahead of every other message.

The alert is stored like any notification (one outbox row per member, in the same transaction)
at `PRIORITY_URGENT`, which the sender serves first; on WhatsApp, outside the 24-hour window,
it travels as the approved "alert" template.
"""

from __future__ import annotations

from handlers.context import Context, Effects, Notification, ToEveryone, ToGroup, UserError
from handlers.formatting import contact_links, contact_text
from handlers.messages import Outgoing
from handlers.texts import t
from storage import members
from storage.outbox import PRIORITY_URGENT

# An alert is read on a lock screen: a few lines, not a document.
MAX_ALERT_LENGTH = 800


async def alert_command(ctx: Context, args: str) -> Effects:
    """Coordinators only (checked by the dispatcher from the command table)."""
    member = ctx.need_member()
    text = args.strip()
    if not text:
        raise UserError(t(ctx.lang, "alert_usage"))
    if len(text) > MAX_ALERT_LENGTH:
        raise UserError(t(ctx.lang, "too_long", length=len(text), limit=MAX_ALERT_LENGTH))
    # To the whole network and its group: never a phone number nobody agreed to show.
    contact = await members.contact_card(ctx.conn, member.id, public=True)
    audience = await members.count_active_members(ctx.conn) - 1

    shown = contact_text(contact, ctx.lang, "—")

    def render(lang: str) -> Outgoing:
        return Outgoing(
            title=t(lang, "alert_title", association=member.association_name),
            text=f"{text}\n{t(lang, 'alert_from', name=member.name, contact=shown)}",
            links=contact_links(contact),
            template="alert",
            template_variables=(f"{member.association_name} : {text}"[:MAX_ALERT_LENGTH],),
        )

    return Effects(
        replies=[Outgoing(t(ctx.lang, "alert_sent", count=max(audience, 0)))],
        notifications=[
            Notification(ToEveryone(), render, PRIORITY_URGENT),
            Notification(ToGroup(), render, PRIORITY_URGENT),
        ],
    )
