"""Taking a post (all or part), closing it once collected, withdrawing posts and claims.

Each handler runs inside one `BEGIN IMMEDIATE` transaction opened by the dispatcher, so the
availability check and the claim cannot interleave with another claim: exactly one wins.
"""

from __future__ import annotations

from handlers import rights
from handlers.amounts import Amount, parse_amount, split_post_ref
from handlers.context import Context, Effects, Notification, Render, ToMember, UserError
from handlers.formatting import (
    UNIT_WORDS,
    contact_links,
    contact_text,
    plain_quantity,
    quantity,
)
from handlers.messages import Outgoing
from handlers.texts import t
from storage import members, posts
from storage.models import Claim, Member, Post


async def load_post(ctx: Context, post_id: int) -> Post:
    post = await posts.post_by_id(ctx.conn, post_id)
    if post is None:
        raise UserError(t(ctx.lang, "post_not_found", id=post_id))
    return post


def not_open(ctx: Context, post: Post) -> UserError:
    status = t(ctx.lang, f"status_{post.status}")
    return UserError(t(ctx.lang, "post_not_open", id=post.id, status=status))


def unit_mismatch(ctx: Context, post: Post) -> UserError:
    """The amount given is not in the post's unit: say which unit, with a typed example."""
    unit = UNIT_WORDS.get(post.unit or "", post.unit or "")
    example = plain_quantity(5, post.unit)
    return UserError(t(ctx.lang, "claim_unit_mismatch", id=post.id, unit=unit, example=example))


def require_live(ctx: Context, post: Post) -> None:
    """Open or taken: a post that can still be closed, withdrawn or corrected."""
    if post.status not in ("open", "taken"):
        raise not_open(ctx, post)


def require_post_ref(ctx: Context, args: str, command: str, usage_key: str) -> tuple[int, str]:
    parsed = split_post_ref(args)
    if parsed is None:
        raise UserError(
            t(ctx.lang, "post_ref_missing", command=command)
            if not args.strip()
            else t(ctx.lang, usage_key)
        )
    return parsed


async def take_command(ctx: Context, args: str) -> Effects:
    post_id, rest = require_post_ref(ctx, args, "prendre", "claim_usage")
    return await take(ctx, post_id, parse_amount(ctx, rest, "claim_usage"))


async def take(ctx: Context, post_id: int, amount: Amount | None) -> Effects:
    member = ctx.need_member()
    post = await load_post(ctx, post_id)
    rights.require(ctx, "prendre", post.association_id == member.association_id, id=post.id)
    if await posts.active_claim_of_association(ctx.conn, post.id, member.association_id):
        raise UserError(t(ctx.lang, "claim_already_yours", id=post.id))
    if post.status != "open":
        raise not_open(ctx, post)
    taken = claimed_quantity(ctx, post, amount)
    claim = await posts.claim_post(
        ctx.conn, post.id, member.id, member.association_id, taken, ctx.now
    )
    post = await posts.refresh_post_status(ctx.conn, post.id, ctx.now)
    return await claim_effects(ctx, member, post, claim)


def claimed_quantity(ctx: Context, post: Post, amount: Amount | None) -> float | None:
    """The quantity this claim takes: all that remains by default, never more."""
    remaining = post.remaining
    if amount is None:
        return remaining
    if amount.unit is not None and post.unit is not None and amount.unit != post.unit:
        raise unit_mismatch(ctx, post)
    if remaining is not None and amount.quantity > remaining:
        raise UserError(
            t(
                ctx.lang,
                "claim_too_much",
                id=post.id,
                remaining=quantity(remaining, post.unit, ctx.lang),
                remaining_plain=plain_quantity(remaining, post.unit),
            )
        )
    return amount.quantity


async def claim_effects(ctx: Context, member: Member, post: Post, claim: Claim) -> Effects:
    author = await members.member_by_id(ctx.conn, post.author_id)
    assert author is not None
    # The two sides of a claim see each other's contact, a phone number included.
    author_contact = await members.contact_card(ctx.conn, author.id)
    claimer_contact = await members.contact_card(ctx.conn, member.id)

    def part(lang: str) -> str:
        if claim.quantity is None or claim.quantity == post.quantity:
            return t(lang, "claim_all")
        return quantity(claim.quantity, post.unit, lang)

    key = "claim_confirmed" if post.is_offer_like else "claim_confirmed_need"
    lines = [
        t(
            ctx.lang,
            key,
            association=member.association_name,
            what_part=part(ctx.lang),
            id=post.id,
            author=author.name,
            author_association=post.association_name,
            contact=contact_text(author_contact, ctx.lang),
        )
    ]
    if post.remaining:
        remaining = quantity(post.remaining, post.unit, ctx.lang)
        lines.append(t(ctx.lang, "claim_remaining", remaining=remaining))

    def to_author(lang: str) -> Outgoing:
        key = "claim_to_author" if post.is_offer_like else "claim_to_author_need"
        text = t(
            lang,
            key,
            claimer=member.name,
            association=member.association_name,
            what_part=part(lang),
            id=post.id,
            what=post.what,
            contact=contact_text(claimer_contact, lang),
        )
        if post.remaining:
            text += "\n" + t(
                lang, "claim_remaining", remaining=quantity(post.remaining, post.unit, lang)
            )
        return Outgoing(text, links=contact_links(claimer_contact))

    return Effects(
        replies=[Outgoing("\n".join(lines), links=contact_links(author_contact))],
        notifications=[Notification(ToMember(author.id), to_author)],
    )


async def done_command(ctx: Context, args: str) -> Effects:
    post_id, rest = require_post_ref(ctx, args, "fait", "done_usage")
    return await done(ctx, post_id, parse_amount(ctx, rest, "done_usage"))


async def done(ctx: Context, post_id: int, amount: Amount | None) -> Effects:
    member = ctx.need_member()
    post = await load_post(ctx, post_id)
    if post.association_id == member.association_id:
        return await close_by_author(ctx, member, post, amount)
    claim = await posts.active_claim_of_association(ctx.conn, post.id, member.association_id)
    if claim is None:
        rights.require(ctx, "fait", False, id=post.id)
        raise UserError(t(ctx.lang, "done_nothing_to_close", id=post.id))
    if amount and amount.unit and post.unit and amount.unit != post.unit:
        raise unit_mismatch(ctx, post)
    collected = amount.quantity if amount else (claim.quantity or post.quantity)
    await posts.complete_claim(ctx.conn, claim.id, collected, member.id, ctx.now)
    post = await posts.refresh_post_status(ctx.conn, post.id, ctx.now)
    shown = quantity(collected, post.unit, ctx.lang) if collected else t(ctx.lang, "claim_all")

    def to_author(lang: str) -> Outgoing:
        amount_text = quantity(collected, post.unit, lang) if collected else t(lang, "claim_all")
        return Outgoing(
            t(
                lang,
                "done_to_author",
                association=member.association_name,
                id=post.id,
                what=post.what,
                quantity=amount_text,
            )
        )

    return Effects(
        replies=[Outgoing(t(ctx.lang, "done_confirmed", id=post.id, quantity=shown))],
        notifications=[Notification(ToMember(post.author_id), to_author)],
    )


async def close_by_author(
    ctx: Context, member: Member, post: Post, amount: Amount | None
) -> Effects:
    """The author's side says it is settled: every active claim is completed, the post closed."""
    rights.require(ctx, "fait", True, id=post.id)
    require_live(ctx, post)
    claims = await posts.active_claims_of_post(ctx.conn, post.id)
    for claim in claims:
        collected = claim.quantity or post.quantity
        if amount and len(claims) == 1:
            collected = amount.quantity
        await posts.complete_claim(ctx.conn, claim.id, collected, member.id, ctx.now)
    await posts.set_post_status(ctx.conn, post.id, "done", member.id, ctx.now, "closed")
    notifications = [
        Notification(ToMember(claim.member_id), _closed_notice(member, post)) for claim in claims
    ]
    return Effects(
        replies=[Outgoing(t(ctx.lang, "done_by_author", id=post.id))],
        notifications=notifications,
    )


def _closed_notice(member: Member, post: Post) -> Render:
    def render(lang: str) -> Outgoing:
        return Outgoing(
            t(
                lang,
                "done_to_claimer",
                association=member.association_name,
                id=post.id,
                what=post.what,
            )
        )

    return render


async def cancel_command(ctx: Context, args: str) -> Effects:
    post_id, _ = require_post_ref(ctx, args, "annuler", "cancel_usage")
    return await cancel(ctx, post_id)


async def cancel(ctx: Context, post_id: int) -> Effects:
    member = ctx.need_member()
    post = await load_post(ctx, post_id)
    own = post.association_id == member.association_id
    if not own:
        # Their association's claim on another's post is their own association's business.
        claim = await posts.active_claim_of_association(ctx.conn, post.id, member.association_id)
        if claim is not None:
            return await withdraw_claim(ctx, member, post, claim)
    # Their association's post, or moderation (another's post: administrators only).
    rights.require(ctx, "annuler", own, id=post.id)
    return await withdraw_post(ctx, member, post)


def done_by(lang: str, actor: Member, post: Post) -> str:
    """Who changed a post, as its author and its claimers are told: its author, a colleague of
    the author's association, or a network administrator moderating another association's."""
    if actor.id == post.author_id:
        return t(lang, "by_author")
    if actor.association_id == post.association_id:
        return t(lang, "by_colleague", name=actor.name, association=actor.association_name)
    return t(lang, "by_admin", name=actor.name)


async def withdraw_post(ctx: Context, member: Member, post: Post) -> Effects:
    require_live(ctx, post)
    claims = await posts.active_claims_of_post(ctx.conn, post.id)
    for claim in claims:
        await posts.cancel_claim(ctx.conn, claim.id, member.id, ctx.now)
    await posts.set_post_status(ctx.conn, post.id, "cancelled", member.id, ctx.now, "cancelled")

    def to_claimer(lang: str) -> Outgoing:
        return Outgoing(
            t(
                lang,
                "post_cancelled_to_claimer",
                id=post.id,
                what=post.what,
                association=post.association_name,
                by=done_by(lang, member, post),
            )
        )

    def to_author(lang: str) -> Outgoing:
        return Outgoing(
            t(
                lang,
                "post_cancelled_to_author",
                id=post.id,
                what=post.what,
                by=done_by(lang, member, post),
            )
        )

    notifications = [Notification(ToMember(c.member_id), to_claimer) for c in claims]
    if post.author_id != member.id:
        notifications.append(Notification(ToMember(post.author_id), to_author))
    return Effects(
        replies=[Outgoing(t(ctx.lang, "post_cancelled", id=post.id))], notifications=notifications
    )


async def withdraw_claim(ctx: Context, member: Member, post: Post, claim: Claim) -> Effects:
    await posts.cancel_claim(ctx.conn, claim.id, member.id, ctx.now)
    post = await posts.refresh_post_status(ctx.conn, post.id, ctx.now)

    def to_author(lang: str) -> Outgoing:
        return Outgoing(
            t(
                lang,
                "claim_cancelled_to_author",
                association=member.association_name,
                id=post.id,
                what=post.what,
            )
        )

    return Effects(
        replies=[Outgoing(t(ctx.lang, "claim_cancelled", id=post.id))],
        notifications=[Notification(ToMember(post.author_id), to_author)],
    )
