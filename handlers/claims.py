"""Taking a post (all or part), closing it once collected, withdrawing posts and claims.

Each handler runs inside one `BEGIN IMMEDIATE` transaction opened by the dispatcher, so the
availability check and the claim cannot interleave with another claim: exactly one wins.
"""

from __future__ import annotations

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
from handlers.understanding.text import key
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


def unit_mismatch(ctx: Context, post: Post, text_key: str = "claim_unit_mismatch") -> UserError:
    """The amount given is not in the post's unit: say which unit, with a typed example."""
    unit = UNIT_WORDS.get(post.unit or "", post.unit or "")
    example = plain_quantity(5, post.unit)
    return UserError(t(ctx.lang, text_key, id=post.id, unit=unit, example=example))


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
    if post.association_id == member.association_id:
        raise UserError(t(ctx.lang, "claim_own_post", id=post.id))
    if await posts.active_claim_of_association(ctx.conn, post.id, member.association_id):
        raise UserError(t(ctx.lang, "claim_already_yours", id=post.id))
    if post.status != "open":
        raise not_open(ctx, post)
    if post.remaining is not None and post.remaining <= 0:
        # Nothing left to share (claims reached the total): taken, whatever the status says.
        raise UserError(
            t(ctx.lang, "post_not_open", id=post.id, status=t(ctx.lang, "status_taken"))
        )
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
    member = ctx.need_member()
    post = await load_post(ctx, post_id)
    if post.association_id == member.association_id and rest:
        # The author may name whose figure it is: `/fait 12 8 kg Restos`.
        amount, target = await designated_claim(ctx, post, rest)
        return await close_by_author(ctx, member, post, amount, target)
    return await done(ctx, post_id, parse_amount(ctx, rest, "done_usage"))


async def done(ctx: Context, post_id: int, amount: Amount | None) -> Effects:
    member = ctx.need_member()
    post = await load_post(ctx, post_id)
    if post.association_id == member.association_id:
        return await close_by_author(ctx, member, post, amount, None)
    claim = await posts.active_claim_of_association(ctx.conn, post.id, member.association_id)
    if claim is None:
        raise await nothing_to_close(ctx, post, member)
    if amount and amount.unit and post.unit and amount.unit != post.unit:
        raise unit_mismatch(ctx, post, "done_unit_mismatch")
    limit = claim_limit(post, claim)
    if amount and limit is not None and amount.quantity > limit:
        raise too_much_done(ctx, post, limit, amount, "done_more_than_claimed")
    collected = amount.quantity if amount else (claim.quantity or post.quantity)
    # Only this association's claim is completed: what it did not collect, and what others
    # took, stay as they are (refresh_post_status reopens the part left behind).
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


def claim_limit(post: Post, claim: Claim) -> float | None:
    """The most a claim's collected figure may be: what its association took, and for a claim
    already done, no more than its figure plus what is free again (others may have taken the
    part it left). None when neither the claim nor the post has a quantity."""
    taken = claim.quantity if claim.quantity is not None else post.quantity
    if taken is None:
        return None
    free = post.remaining
    if free is None:
        return taken
    share = claim.done_quantity if claim.status == "done" else None
    return min(taken, (share if share is not None else taken) + free)


def too_much_done(
    ctx: Context, post: Post, limit: float, amount: Amount, text_key: str, association: str = ""
) -> UserError:
    return UserError(
        t(
            ctx.lang,
            text_key,
            id=post.id,
            claimed=quantity(limit, post.unit, ctx.lang),
            asked=quantity(amount.quantity, post.unit, ctx.lang),
            claimed_plain=plain_quantity(limit, post.unit),
            association=association,
        )
    )


async def nothing_to_close(ctx: Context, post: Post, member: Member) -> UserError:
    """No active claim: either never taken, or its figure is already recorded (then only the
    author's association can change it)."""
    for claim in await posts.claims_of_post(ctx.conn, post.id):
        if claim.association_id == member.association_id and claim.status == "done":
            return UserError(
                t(
                    ctx.lang,
                    "done_already_recorded",
                    id=post.id,
                    quantity=figure(claim, post, ctx.lang),
                    author_association=post.association_name,
                )
            )
    return UserError(t(ctx.lang, "done_nothing_to_close", id=post.id))


def figure(claim: Claim, post: Post, lang: str) -> str:
    value = claim.done_quantity if claim.status == "done" else claim.quantity
    value = value if value is not None else post.quantity
    return quantity(value, post.unit, lang) if value is not None else t(lang, "claim_all")


# Words that may sit between the amount and the association's name (`8 kg pour Restos`).
NAME_FILLERS = frozenset(("pour", "de", "du", "des", "la", "le", "les", "l", "d", "chez", "a"))


def names_match(words: list[str], association: str) -> bool:
    """Every word typed starts a word of the association's name (« Restos » → Restos du Cœur)."""
    own = key(association).split()
    wanted = [w for w in words if w not in NAME_FILLERS] or words
    return bool(wanted) and all(any(o.startswith(w) for o in own) for w in wanted)


async def designated_claim(
    ctx: Context, post: Post, rest: str
) -> tuple[Amount | None, Claim | None]:
    """`8 kg Restos` → (8 kg, Restos' claim); `8 kg` → (8 kg, None). The shortest amount
    followed by a name that fits exactly one claim wins."""
    claims = await posts.claims_of_post(ctx.conn, post.id)
    words = rest.split()
    for cut in range(1, len(words)):
        name = key(" ".join(words[cut:])).split()
        found = [c for c in claims if names_match(name, c.association_name)]
        if len(found) != 1:
            continue
        try:
            amount = parse_amount(ctx, " ".join(words[:cut]), "done_usage")
        except UserError:
            continue
        if amount is not None:
            return amount, found[0]
    return parse_amount(ctx, rest, "done_usage"), None


async def close_by_author(
    ctx: Context, member: Member, post: Post, amount: Amount | None, target: Claim | None
) -> Effects:
    """The author's side says it is settled. Without a figure: every active claim is completed
    with what it took and the post closed, or, on a post already completed, the figures are
    confirmed. With a figure: it is the collected quantity of one claim (the only one, or the
    one named), recorded or corrected (never above what that claim took), then the post is
    closed if it was still live."""
    claims = await posts.claims_of_post(ctx.conn, post.id)
    live = post.status in ("open", "taken")
    if amount is None:
        if live:
            return await close_all(ctx, member, post, claims, None)
        done_claims = [c for c in claims if c.status == "done"]
        if not done_claims:
            raise not_open(ctx, post)
        return await confirm_figures(ctx, member, post, done_claims)
    if target is None:
        if len(claims) > 1:
            raise which_claim(ctx, post, claims, amount)
        target = claims[0] if claims else None
    if target is None:
        require_live(ctx, post)  # nobody took it: nothing to count, the post is closed
        return await close_all(ctx, member, post, claims, None)
    if target.status == "active":
        require_live(ctx, post)
    if amount.unit and post.unit and amount.unit != post.unit:
        raise unit_mismatch(ctx, post, "done_unit_mismatch")
    limit = claim_limit(post, target)
    if limit is not None and amount.quantity > limit:
        raise too_much_done(
            ctx, post, limit, amount, "done_author_more_than_claimed", target.association_name
        )
    if target.status == "active":
        return await close_all(ctx, member, post, claims, (target, amount.quantity))
    return await correct_figure(ctx, member, post, target, amount.quantity, live)


async def close_all(
    ctx: Context,
    member: Member,
    post: Post,
    claims: list[Claim],
    given: tuple[Claim, float] | None,
) -> Effects:
    active = [c for c in claims if c.status == "active"]
    for claim in active:
        collected = claim.quantity or post.quantity
        if given is not None and given[0].id == claim.id:
            collected = given[1]
        await posts.complete_claim(ctx.conn, claim.id, collected, member.id, ctx.now)
    await posts.set_post_status(ctx.conn, post.id, "done", member.id, ctx.now, "closed")
    notifications = [
        Notification(ToMember(claim.member_id), _closed_notice(member, post)) for claim in active
    ]
    return Effects(
        replies=[Outgoing(t(ctx.lang, "done_by_author", id=post.id))],
        notifications=notifications,
    )


async def correct_figure(
    ctx: Context, member: Member, post: Post, claim: Claim, value: float, live: bool
) -> Effects:
    """A claim already done gets the author's figure: a new event, the first one stays."""
    before = figure(claim, post, ctx.lang)
    if claim.done_quantity == value:
        await posts.confirm_done_quantity(ctx.conn, claim, member.id, ctx.now)
    else:
        await posts.correct_done_quantity(ctx.conn, claim.id, value, member.id, ctx.now)
    lines = [
        t(
            ctx.lang,
            "done_figure_set",
            id=post.id,
            association=claim.association_name,
            quantity=quantity(value, post.unit, ctx.lang),
            before=before,
        )
    ]
    effects = Effects()
    if claim.done_quantity != value:

        def to_claimer(lang: str) -> Outgoing:
            return Outgoing(
                t(
                    lang,
                    "done_figure_to_claimer",
                    association=member.association_name,
                    id=post.id,
                    what=post.what,
                    quantity=quantity(value, post.unit, lang),
                    before=figure(claim, post, lang),
                )
            )

        effects.notifications.append(Notification(ToMember(claim.member_id), to_claimer))
    if live:
        others = await posts.claims_of_post(ctx.conn, post.id)
        closed = await close_all(ctx, member, post, others, None)
        lines.extend(reply.text for reply in closed.replies)
        effects.notifications.extend(closed.notifications)
    effects.replies.append(Outgoing("\n".join(lines)))
    return effects


async def confirm_figures(
    ctx: Context, member: Member, post: Post, done_claims: list[Claim]
) -> Effects:
    for claim in done_claims:
        await posts.confirm_done_quantity(ctx.conn, claim, member.id, ctx.now)
    figures = ", ".join(
        f"{claim.association_name} : {figure(claim, post, ctx.lang)}" for claim in done_claims
    )
    return Effects.reply(
        Outgoing(t(ctx.lang, "done_figures_confirmed", id=post.id, figures=figures))
    )


def which_claim(ctx: Context, post: Post, claims: list[Claim], amount: Amount) -> UserError:
    figures = ", ".join(f"{c.association_name} ({figure(c, post, ctx.lang)})" for c in claims)
    first = key(claims[0].association_name).split()
    return UserError(
        t(
            ctx.lang,
            "done_which_claim",
            id=post.id,
            figures=figures,
            example=f"{plain_quantity(amount.quantity, amount.unit or post.unit)} "
            f"{first[0] if first else ''}".strip(),
        )
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
    if post.association_id == member.association_id:
        return await withdraw_post(ctx, member, post)
    claim = await posts.active_claim_of_association(ctx.conn, post.id, member.association_id)
    if claim is not None:
        return await withdraw_claim(ctx, member, post, claim)
    if member.is_coordinator:
        return await withdraw_post(ctx, member, post)
    raise UserError(t(ctx.lang, "cancel_not_allowed", id=post.id))


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
            )
        )

    notifications = [Notification(ToMember(c.member_id), to_claimer) for c in claims]
    if post.author_id != member.id:
        notifications.append(
            Notification(
                ToMember(post.author_id),
                lambda lang: Outgoing(t(lang, "post_cancelled", id=post.id)),
            )
        )
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
