"""What is open (`/liste`), what concerns my association (`/mes`), and `/aide`."""

from __future__ import annotations

from handlers.context import Context, Effects, UserError
from handlers.formatting import post_list_line, quantity
from handlers.messages import Outgoing
from handlers.texts import t
from storage import posts
from storage.models import PostKind

LIST_LIMIT = 25
ALL_KINDS: tuple[PostKind, ...] = ("need", "offer", "equipment_request", "equipment_offer")
FILTERS: dict[str, tuple[PostKind, ...]] = {
    "": ALL_KINDS,
    "besoin": ("need",),
    "besoins": ("need",),
    "needs": ("need",),
    "don": ("offer",),
    "dons": ("offer",),
    "surplus": ("offer",),
    "offers": ("offer",),
    "materiel": ("equipment_request", "equipment_offer"),
    "matériel": ("equipment_request", "equipment_offer"),
    "equipment": ("equipment_request", "equipment_offer"),
}


async def list_open(ctx: Context, args: str) -> Effects:
    kinds = FILTERS.get(args.strip().lower())
    if kinds is None:
        raise UserError(t(ctx.lang, "list_usage"))
    return await list_kinds(ctx, kinds)


async def list_kinds(ctx: Context, kinds: tuple[PostKind, ...]) -> Effects:
    found = await posts.open_posts(ctx.conn, kinds, LIST_LIMIT)
    if not found:
        return Effects.reply(Outgoing(t(ctx.lang, "list_empty")))
    lines = [post_list_line(post, ctx.lang, ctx.today) for post in found]
    lines.append(t(ctx.lang, "list_footer"))
    return Effects.reply(
        Outgoing(title=t(ctx.lang, "list_title", count=len(found)), text="\n".join(lines))
    )


async def mine(ctx: Context, args: str) -> Effects:
    member = ctx.need_member()
    own = await posts.posts_of_association(ctx.conn, member.association_id)
    claims = await posts.claims_of_association(ctx.conn, member.association_id)
    if not own and not claims:
        return Effects.reply(Outgoing(t(ctx.lang, "mine_empty")))
    lines: list[str] = []
    if own:
        lines.append(t(ctx.lang, "mine_posts"))
        lines += [post_list_line(post, ctx.lang, ctx.today) for post in own]
    if claims:
        lines.append(t(ctx.lang, "mine_claims"))
        for claim in claims:
            post = await posts.post_by_id(ctx.conn, claim.post_id)
            if post is None:
                continue
            amount = quantity(claim.quantity, post.unit, ctx.lang) if claim.quantity else ""
            lines.append(
                f"#{post.id} {post.what} {amount} ({post.association_name}) → /fait {post.id}"
            )
    return Effects.reply(
        Outgoing(
            title=t(ctx.lang, "mine_title", association=member.association_name),
            text="\n".join(lines),
        )
    )


async def help_text(ctx: Context, args: str) -> Effects:
    text = t(ctx.lang, "help")
    if ctx.member and ctx.member.is_coordinator:
        text += "\n" + t(ctx.lang, "help_coordinator")
    return Effects.reply(Outgoing(text))
