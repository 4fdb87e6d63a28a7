"""`/corriger N TEXTE`: change only the fields the text gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from handlers import rights, urgency
from handlers.amounts import check_quantity
from handlers.audience import post_point
from handlers.claims import done_by, load_post, require_live, require_post_ref
from handlers.context import Context, Effects, Notification, ToMember, UserError
from handlers.formatting import UNIT_WORDS, plain_quantity, post_details, quantity
from handlers.messages import Choice, Outgoing
from handlers.texts import t
from handlers.understanding import understand_correction
from storage import members, posts
from storage.models import Post
from storage.posts import PostUpdate


async def correct_command(ctx: Context, args: str) -> Effects:
    if not args.strip():
        raise UserError(t(ctx.lang, "correct_usage"))
    post_id, text = require_post_ref(ctx, args, "corriger", "correct_usage")
    if not text:
        raise UserError(t(ctx.lang, "correct_usage"))
    member = ctx.need_member()
    post = await load_post(ctx, post_id)
    # Another association's post: moderation, by a network administrator only.
    rights.require(ctx, "corriger", post.association_id == member.association_id, id=post.id)
    require_live(ctx, post)
    fields = understand_correction(text, ctx.now, ctx.gazetteer, ctx.config.timezone)
    update = _update_from(fields)
    if update.quantity is not None:
        check_quantity(ctx, update.quantity, update.unit)
    check_against_claims(ctx, post, update)
    if update.deadline is not None and update.deadline < ctx.today:
        raise UserError(t(ctx.lang, "deadline_past", deadline=update.deadline.strftime("%d/%m/%Y")))
    # Made urgent beyond the daily quota: as at publishing, a coordinator confirms it.
    asked: tuple[str, tuple[Choice, ...], list[Notification]] | None = None
    if update.urgent and not post.urgent and not await urgency.urgent_quota_left(ctx, member):
        update = replace(update, urgent=None)
        await posts.ask_urgency(ctx.conn, post.id)
        asked = await urgency.ask_confirmation(ctx, member, post)
    changed = await posts.update_post_fields(ctx.conn, post.id, update, member.id, ctx.now)
    if not changed and asked is None:
        raise UserError(t(ctx.lang, "correct_nothing", text=text, id=post.id))
    if update.place is not None:
        await move_post(ctx, post, update.place)
    # A new total may free a part (taken → open) or use up the rest (open → taken).
    post = await posts.refresh_post_status(ctx.conn, post.id, ctx.now)
    today = ctx.today
    claims = await posts.active_claims_of_post(ctx.conn, post.id)

    def to_claimer(lang: str) -> Outgoing:
        by = done_by(lang, member, post)
        return Outgoing(
            title=t(
                lang,
                "post_corrected_to_claimer",
                id=post.id,
                what=post.what,
                association=post.association_name,
                by=by,
            ),
            text="\n".join(post_details(post, lang, today)),
        )

    def to_author(lang: str) -> Outgoing:
        return Outgoing(
            title=t(lang, "post_corrected_to_author", id=post.id, by=done_by(lang, member, post)),
            text="\n".join(post_details(post, lang, today)),
        )

    # Those who took it plan a pickup on these figures: they hear of the new ones at once.
    notifications = [Notification(ToMember(claim.member_id), to_claimer) for claim in claims]
    if post.author_id != member.id:
        notifications.append(Notification(ToMember(post.author_id), to_author))
    lines = post_details(post, ctx.lang, today)
    if asked is not None:
        lines = [*lines, asked[0]]
    return Effects(
        replies=[
            Outgoing(
                title=t(ctx.lang, "post_corrected", id=post.id),
                text="\n".join(lines),
                choices=asked[1] if asked else (),
            )
        ],
        notifications=[*notifications, *(asked[2] if asked else [])],
    )


async def move_post(ctx: Context, post: Post, place: str) -> None:
    """A new place moves the post's point, by the rule of publication
    (`audience.post_point`): the commune named, else its association's place. Its
    distances in `/liste`, a relaunch, the escalation steps then measure from there."""
    association = await members.association_by_id(ctx.conn, post.association_id)
    assert association is not None
    point = post_point(ctx.gazetteer, place, association)
    await posts.set_post_place(
        ctx.conn, post.id, point[0] if point else None, point[1] if point else None
    )


def check_against_claims(ctx: Context, post: Post, update: PostUpdate) -> None:
    """What associations already took stays true: the total never drops under it, and its unit
    does not change under their feet."""
    if post.claimed <= 0:
        return
    if update.unit is not None and post.unit is not None and update.unit != post.unit:
        raise UserError(
            t(
                ctx.lang,
                "correct_unit_claimed",
                id=post.id,
                claimed=quantity(post.claimed, post.unit, ctx.lang),
                unit=UNIT_WORDS.get(post.unit, post.unit),
                example=plain_quantity(max(post.claimed, post.quantity or 0), post.unit),
            )
        )
    if update.quantity is not None and update.quantity < post.claimed:
        raise UserError(
            t(
                ctx.lang,
                "correct_under_claimed",
                id=post.id,
                claimed=quantity(post.claimed, post.unit, ctx.lang),
                asked=quantity(update.quantity, update.unit or post.unit, ctx.lang),
                claimed_plain=plain_quantity(post.claimed, post.unit),
            )
        )


def _update_from(fields: dict[str, object]) -> PostUpdate:
    def text(name: str) -> str | None:
        value = fields.get(name)
        return str(value) if value is not None else None

    def flag(name: str) -> bool | None:
        value = fields.get(name)
        return bool(value) if value is not None else None

    quantity = fields.get("quantity")
    deadline = fields.get("deadline")
    return PostUpdate(
        what=text("what"),
        category=text("category"),
        quantity=float(quantity) if isinstance(quantity, int | float) else None,
        unit=text("unit"),
        deadline=deadline if isinstance(deadline, date) else None,
        date_kind=text("date_kind"),
        place=text("place"),
        urgent=flag("urgent"),
        cold_chain=flag("cold_chain"),
    )
