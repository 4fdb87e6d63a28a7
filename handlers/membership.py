"""Membership: `/membres`, `/retirer`, `/promouvoir`, `/retrograder`, `/quitter`.

A member is designated by the number `/membres` shows next to their name (their member id:
it never changes, so a list read an hour ago still designates the right person, whoever
joined or left since), or by their name when it is unique in the writer's association.

Who may do what is the rights table's (`handlers/rights.py`): a coordinator in their own
association, a network administrator in any. Whatever the person, an association that keeps
members keeps a coordinator: the last one can neither be removed, nor demoted, nor leave
(another is appointed first). A network administrator's role is changed with the CLI only.

A removed member (or one who left) is 'removed': every lookup by address treats them as a
stranger, every audience skips them, and what was waiting for them is not sent. Their posts,
claims and events stay, with their name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from handlers import rights
from handlers.context import (
    Context,
    Effects,
    Notification,
    Render,
    ToFormerMember,
    ToMember,
    UserError,
)
from handlers.messages import Choice, Outgoing
from handlers.texts import t
from storage import members, outbox
from storage.db import Conn
from storage.models import Member, Role

MEMBERS_PAGE_SIZE = 30
# The same person may be written n°37, #37, no 37 or 37.
MEMBER_NUMBER = re.compile(r"^(?:n[°o]\s*|#)?(\d{1,9})$", re.IGNORECASE)
PAGE_AT_END = re.compile(r"^(.*?)\s*(\d{1,4})$")
CONFIRM_WORDS = ("oui", "yes", "confirmer", "confirm")
AMBIGUOUS_LIMIT = 2


async def roster_command(ctx: Context, args: str) -> Effects:
    """`/membres [page]`, `/membres ASSOCIATION [page]` (administrators: another association)."""
    member = ctx.need_member()
    name, page = _name_and_page(args)
    association_id, association_name = member.association_id, member.association_name
    if name:
        found = await members.association_by_name(ctx.conn, name)
        if found is None:
            raise UserError(t(ctx.lang, "association_unknown", name=name))
        rights.require(ctx, "membres", found.id == member.association_id)
        association_id, association_name = found.id, found.name
    count = await members.count_association_members(ctx.conn, association_id)
    pages = max(math.ceil(count / MEMBERS_PAGE_SIZE), 1)
    if page > pages:
        raise UserError(t(ctx.lang, "members_past_end", page=page, pages=pages))
    roster = await members.association_roster(
        ctx.conn, association_id, MEMBERS_PAGE_SIZE, (page - 1) * MEMBERS_PAGE_SIZE
    )
    lines = [_roster_line(ctx, person, member) for person in roster]
    choices: tuple[Choice, ...] = ()
    if page < pages:
        command = f"/membres {name} {page + 1}".replace("  ", " ")
        lines.append(t(ctx.lang, "members_next", command=command))
        choices = (Choice(t(ctx.lang, "list_next_button"), command),)
    if member.is_coordinator:
        lines.append(t(ctx.lang, "members_footer"))
    title = t(
        ctx.lang,
        "members_title",
        association=association_name,
        count=count,
        page=page,
        pages=pages,
    )
    return Effects.reply(Outgoing(title=title, text="\n".join(lines), choices=choices))


def _name_and_page(args: str) -> tuple[str, int]:
    text = " ".join(args.split())
    found = PAGE_AT_END.match(text)
    if found:
        return found.group(1).strip(), max(int(found.group(2)), 1)
    return text, 1


def _roster_line(ctx: Context, person: Member, reader: Member) -> str:
    line = t(
        ctx.lang,
        "members_line",
        number=person.id,
        name=person.name,
        role=t(ctx.lang, f"role_{person.role}"),
    )
    if person.status == "unreachable":
        line += t(ctx.lang, "members_unreachable")
    if person.id == reader.id:
        line += t(ctx.lang, "members_you")
    return line


async def remove_command(ctx: Context, args: str) -> Effects:
    """`/retirer N°|NOM`: the member can no longer act nor be reached."""
    actor = ctx.need_member()
    target = await _target(ctx, args, "retirer")
    if target.id == actor.id:
        raise UserError(t(ctx.lang, "remove_self"))
    await _keep_a_coordinator(ctx, target, leaving=True)
    await _remove(ctx, target)
    by = _by(actor, target)

    def to_them(lang: str) -> Outgoing:
        association = target.association_name
        return Outgoing(t(lang, "member_removed_to_them", association=association, by=by(lang)))

    def to_coordinators(lang: str) -> Outgoing:
        return Outgoing(
            t(
                lang,
                "member_removed_to_coordinators",
                name=target.name,
                association=target.association_name,
                by=by(lang),
            )
        )

    notices = [Notification(ToFormerMember(target.id), to_them)]
    notices += await _to_coordinators(ctx, target, to_coordinators, actor)
    reply = t(ctx.lang, "member_removed", name=target.name, association=target.association_name)
    return Effects(replies=[Outgoing(reply)], notifications=notices)


async def promote_command(ctx: Context, args: str) -> Effects:
    """`/promouvoir N°|NOM`: a member becomes a coordinator of their association."""
    return await _change_role(ctx, args, "promouvoir", "coordinator")


async def demote_command(ctx: Context, args: str) -> Effects:
    """`/retrograder N°|NOM`: a coordinator becomes a member again (themselves included)."""
    return await _change_role(ctx, args, "retrograder", "member")


async def _change_role(ctx: Context, args: str, command: str, role: Role) -> Effects:
    actor = ctx.need_member()
    target = await _target(ctx, args, command)
    values = {"name": target.name, "association": target.association_name}
    promoting = role == "coordinator"
    if target.is_coordinator == promoting:
        already = "member_already_coordinator" if promoting else "member_already_member"
        return Effects.reply(Outgoing(t(ctx.lang, already, **values)))
    if not promoting:
        await _keep_a_coordinator(ctx, target, leaving=False)
    await members.set_member_role(ctx.conn, target.id, role, ctx.now)
    by = _by(actor, target)
    done, notice = (
        ("member_promoted", "member_promoted_to_them")
        if promoting
        else ("member_demoted", "member_demoted_to_them")
    )

    def to_them(lang: str) -> Outgoing:
        return Outgoing(t(lang, notice, association=target.association_name, by=by(lang)))

    return Effects(
        replies=[Outgoing(t(ctx.lang, done, **values))],
        notifications=[Notification(ToMember(target.id), to_them)],
    )


async def leave_command(ctx: Context, args: str) -> Effects:
    """`/quitter` asks to confirm (a slip of the finger would need a new invite code);
    `/quitter oui` leaves."""
    member = ctx.need_member()
    association = member.association_name
    if args.strip().lower() not in CONFIRM_WORDS:
        return Effects.reply(
            Outgoing(
                t(ctx.lang, "leave_confirm", association=association),
                choices=(Choice(t(ctx.lang, "leave_button"), "/quitter oui"),),
            )
        )
    await _keep_a_coordinator(ctx, member, leaving=True)
    await _remove(ctx, member)

    def to_coordinators(lang: str) -> Outgoing:
        return Outgoing(t(lang, "left_to_coordinators", name=member.name, association=association))

    return Effects(
        replies=[Outgoing(t(ctx.lang, "left", association=association))],
        notifications=await _to_coordinators(ctx, member, to_coordinators, member),
    )


async def _target(ctx: Context, args: str, command: str) -> Member:
    """The member `args` designates, once the rights table allows acting on them."""
    actor = ctx.need_member()
    ref = " ".join(args.split())
    if not ref:
        raise UserError(t(ctx.lang, "member_ref_usage", command=command))
    number = MEMBER_NUMBER.match(ref)
    if number:
        found = await members.member_by_id(ctx.conn, int(number.group(1)))
        if found is None or found.status == "removed":
            raise UserError(t(ctx.lang, "member_not_found", ref=ref))
        target = found
    else:
        # Names are looked up in the writer's own association only (an administrator uses
        # numbers for another's: `/membres ASSOCIATION` gives them).
        named = await members.members_called(ctx.conn, ref, actor.association_id, AMBIGUOUS_LIMIT)
        if not named:
            raise UserError(t(ctx.lang, "member_not_found", ref=ref))
        if len(named) > 1:
            raise UserError(t(ctx.lang, "member_ambiguous", ref=ref, command=command))
        target = named[0]
    rights.require(ctx, command, target.association_id == actor.association_id)
    # The network's administrators are named and demoted with the CLI, never in the chat.
    if target.is_admin and (target.id != actor.id or command == "retrograder"):
        raise UserError(t(ctx.lang, "target_is_admin", name=target.name))
    return target


async def last_coordinator(conn: Conn, target: Member, *, leaving: bool) -> bool:
    """Whether `target` may not go (leaving) or stop coordinating: an association keeps a
    coordinator, the last one is replaced first. Leaving the association as its only member is
    allowed (nobody is left to coordinate). The chat and `boucle members`/`promote` share it."""
    if not target.is_coordinator:
        return False
    if await members.count_coordinators(conn, target.association_id) > 1:
        return False
    return not (
        leaving and await members.count_association_members(conn, target.association_id) == 1
    )


async def remove_from_network(conn: Conn, member_id: int) -> None:
    """The member can no longer act nor be reached; news already queued for them (or held for
    WhatsApp's window) is not sent either. The chat and `boucle members --remove` share it."""
    await members.remove_member(conn, member_id)
    await outbox.drop_pending_for_member(conn, member_id, "member removed")


async def _keep_a_coordinator(ctx: Context, target: Member, *, leaving: bool) -> None:
    if await last_coordinator(ctx.conn, target, leaving=leaving):
        raise UserError(
            t(ctx.lang, "last_coordinator", name=target.name, association=target.association_name)
        )


async def _remove(ctx: Context, target: Member) -> None:
    await remove_from_network(ctx.conn, target.id)


def _by(actor: Member, target: Member) -> Callable[[str], str]:
    """Who did it, as the member concerned and the coordinators are told."""

    def phrase(lang: str) -> str:
        if actor.association_id != target.association_id:
            return t(lang, "by_admin", name=actor.name)
        return t(lang, "by_colleague", name=actor.name, association=actor.association_name)

    return phrase


async def _to_coordinators(
    ctx: Context, target: Member, render: Render, actor: Member
) -> list[Notification]:
    """The association's other coordinators hear that someone left or was removed."""
    coordinators = await members.coordinators_of(ctx.conn, target.association_id)
    return [
        Notification(ToMember(c.id), render)
        for c in coordinators
        if c.id not in (actor.id, target.id)
    ]
