"""Privacy: `/mesdonnees` (everything stored about me, as a file) and `/oublier` (erase me).

`/oublier` alone explains what erasing does and asks to confirm (`/oublier oui`): nothing can
bring the data back. A coordinator erases a member of their association, an administrator
anyone, by number (`/oublier 37`, then `/oublier 37 oui`); a member who already left is still
found by number, since that is when they usually ask. The last coordinator of an association
with other members is kept, as for `/quitter`. The erasure itself is storage's
(`storage/privacy.py`): the posts, claims and figures stay, under « membre retiré ».
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from handlers import rights
from handlers.context import Context, Effects, Notification, ToMember, UserError
from handlers.messages import Attachment, Choice, Outgoing
from handlers.texts import t
from storage import members, privacy
from storage.models import Member

CONFIRM_WORDS = frozenset({"oui", "yes", "confirmer", "confirm", "ok"})
MEMBER_NUMBER = re.compile(r"^(?:n[°o]\s*|#)?(\d{1,9})$", re.IGNORECASE)
# A file larger than this is not sent in the chat (the CLI writes it: `boucle mesdonnees`).
CHAT_FILE_LIMIT = 8 * 1024 * 1024


def personal_data_file(data: dict[str, object], now: datetime) -> bytes:
    """The JSON file a member receives: readable, UTF-8, dated."""
    document = {"exporte_le": now.isoformat(timespec="seconds"), **data}
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


async def my_data_command(ctx: Context, args: str) -> Effects:
    """`/mesdonnees`: the member's own data, as a JSON file."""
    member = ctx.need_member()
    data = await privacy.personal_data(ctx.conn, member.id)
    assert data is not None, "the writer is a member"
    content = personal_data_file(data, ctx.now)
    if len(content) > CHAT_FILE_LIMIT:
        return Effects.reply(Outgoing(t(ctx.lang, "mydata_too_large", number=member.id)))
    attachment = Attachment(
        "document", f"boucle-mes-donnees-{member.id}.json", "application/json", content
    )
    return Effects.reply(Outgoing(t(ctx.lang, "mydata_sent"), attachment=attachment))


async def forget_command(ctx: Context, args: str) -> Effects:
    """`/oublier [N°] [oui]`."""
    actor = ctx.need_member()
    words = args.split()
    confirmed = bool(words) and words[-1].lower() in CONFIRM_WORDS
    ref = " ".join(words[:-1] if confirmed else words)
    target = actor if not ref else await _target(ctx, ref)
    if target.is_admin and target.id != actor.id:
        raise UserError(t(ctx.lang, "target_is_admin", name=target.name))
    if target.status != "removed":
        await _keep_a_coordinator(ctx, target)
    myself = target.id == actor.id
    if not confirmed:
        command = "/oublier oui" if myself else f"/oublier {target.id} oui"
        key = "forget_confirm_self" if myself else "forget_confirm_other"
        text = t(ctx.lang, key, name=target.name, number=target.id, command=command)
        return Effects.reply(
            Outgoing(text, choices=(Choice(t(ctx.lang, "forget_button"), command),))
        )
    asking = (ctx.incoming.address.channel, ctx.incoming.message_id)
    erased = await privacy.forget_member(ctx.conn, target.id, ctx.now, asking)
    notices = await _tell_coordinators(ctx, target, actor)
    if myself:
        return Effects(replies=[Outgoing(t(ctx.lang, "forgotten_self"))], notifications=notices)
    reply = t(
        ctx.lang,
        "forgotten_other",
        number=target.id,
        identities=erased.identities,
        posts=erased.posts_reworded,
    )
    return Effects(replies=[Outgoing(reply)], notifications=notices)


async def _target(ctx: Context, ref: str) -> Member:
    """The member a coordinator designates: by number (a member who left included), or by
    name among the active members of their association."""
    actor = ctx.need_member()
    number = MEMBER_NUMBER.match(ref)
    if number:
        found = await members.member_by_id(ctx.conn, int(number.group(1)))
        if found is None or await privacy.is_forgotten(ctx.conn, found.id):
            raise UserError(t(ctx.lang, "member_not_found", ref=ref))
    else:
        named = await members.members_called(ctx.conn, ref, actor.association_id, 2)
        if len(named) != 1:
            key = "member_ambiguous" if named else "member_not_found"
            raise UserError(t(ctx.lang, key, ref=ref, command="oublier"))
        found = named[0]
    if found.id != actor.id:
        rights.require(ctx, "oublier_membre", found.association_id == actor.association_id)
    return found


async def _keep_a_coordinator(ctx: Context, target: Member) -> None:
    if not target.is_coordinator:
        return
    if await members.count_coordinators(ctx.conn, target.association_id) > 1:
        return
    if await members.count_association_members(ctx.conn, target.association_id) == 1:
        return
    raise UserError(
        t(ctx.lang, "last_coordinator", name=target.name, association=target.association_name)
    )


async def _tell_coordinators(ctx: Context, target: Member, actor: Member) -> list[Notification]:
    """The association's other coordinators learn that a member's data were erased (by
    number: the name is gone)."""
    coordinators = await members.coordinators_of(ctx.conn, target.association_id)
    number = target.id

    def render(lang: str) -> Outgoing:
        return Outgoing(t(lang, "forgotten_to_coordinators", number=number))

    return [
        Notification(ToMember(c.id), render)
        for c in coordinators
        if c.id not in (actor.id, target.id)
    ]
