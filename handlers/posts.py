"""Needs, offers and equipment: publish (with at most one question), correct, relay."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, replace
from datetime import date
from typing import Any

from handlers import matching, urgency
from handlers.amounts import check_quantity
from handlers.audience import Reach, post_point, reach_of
from handlers.context import (
    Context,
    Effects,
    Notification,
    ToAudience,
    ToGroup,
    UserError,
)
from handlers.formatting import post_details, post_headline
from handlers.messages import Choice, Outgoing
from handlers.texts import t
from handlers.understanding import (
    Understanding,
    check_offer_dates,
    names_goods,
    understand,
    understand_details,
)
from handlers.writer_words import shorten, writer_words
from storage import drafts, members, posts
from storage.db import Conn
from storage.models import NewPost, Post, PostKind
from storage.outbox import PRIORITY_NOTIFICATION, PRIORITY_URGENT

log = logging.getLogger(__name__)

POST_KINDS: tuple[PostKind, ...] = ("need", "offer", "equipment_request", "equipment_offer")
# A post is a few lines; anything longer is a pasted document or a mistake.
MAX_POST_LENGTH = 1000
MAX_WHAT_LENGTH = 120

QUESTION_WHAT = "what"
QUESTION_DLC = "dlc"
QUESTION_DATE = "date"
# Free text not surely read: shown to its writer before anything goes out
# (handlers/confirmation.py); then, after « ✏️ Corriger », waiting for the post written again.
QUESTION_CONFIRM = "confirm"
QUESTION_REWRITE = "rewrite"
# A question is asked at most twice (once, then once more when the reply missed it).
ASKED_AT_MOST = 2
# WhatsApp templates (Meta's rules; platforms.md names no number): the body, variables
# included, is at most 1,024 characters and a variable holds no line break, tab or more than
# four spaces in a row. Our alert template's own words fit in the rest.
TEMPLATE_VARIABLE_LENGTH = 700
# How much of a reply is quoted back (« Je n'ai pas reconnu de produit dans « … » »).
ECHO_LENGTH = 60


async def publish_text(ctx: Context, text: str) -> Effects:
    """Understand `text` (a command included) and publish it, or ask the one missing thing."""
    if len(text) > MAX_POST_LENGTH:
        raise UserError(t(ctx.lang, "too_long", length=len(text), limit=MAX_POST_LENGTH))
    understood = understand(text, ctx.now, ctx.gazetteer, ctx.config.timezone)
    if understood.intent not in POST_KINDS:
        raise UserError(t(ctx.lang, "not_understood"))
    return await publish_understood(ctx, understood, text)


async def publish_understood(
    ctx: Context, understood: Understanding, original: str, earlier_media: tuple[str, ...] = ()
) -> Effects:
    """`earlier_media`: photos sent with the first message, before our question."""
    media = (*earlier_media, *ctx.incoming.media_urls)
    question = question_for(understood)
    if question:
        return await ask(ctx, understood, original, question, media)
    return await publish(ctx, understood, original, media)


def question_for(understood: Understanding) -> str | None:
    if understood.invalid_date:
        return QUESTION_DATE
    if not understood.what or "what" in understood.missing:
        return QUESTION_WHAT
    if understood.intent == "offer" and understood.cold_chain and understood.deadline is None:
        return QUESTION_DLC
    return None


async def ask(
    ctx: Context,
    understood: Understanding,
    original: str,
    question: str,
    media: tuple[str, ...] = (),
) -> Effects:
    member = ctx.need_member()
    payload = json.dumps(
        {
            "understood": understanding_to_json(understood),
            "original": original,
            "media_urls": list(media),
        },
        ensure_ascii=False,
    )
    await drafts.save_draft(ctx.conn, member.id, question, payload, ctx.now)
    return Effects.reply(Outgoing(question_text(ctx, question, understood)))


def question_text(ctx: Context, question: str, understood: Understanding) -> str:
    if question == QUESTION_DATE:
        return t(ctx.lang, "ask_invalid_date", date=understood.invalid_date)
    if question == QUESTION_DLC:
        return t(ctx.lang, "ask_dlc")
    return t(ctx.lang, "ask_what", kind_verb=t(ctx.lang, f"kind_verb_{understood.intent}"))


async def ask_again(
    ctx: Context, draft: drafts.Draft, data: dict[str, Any], reason: str, question: str
) -> Effects:
    """The reply did not contain what was asked: ask once more, then give up (the draft is
    dropped and the person told nothing went out): never an interrogation."""
    member = ctx.need_member()
    attempts = int(data.get("attempts", 0))
    if attempts + 1 >= ASKED_AT_MOST:
        await drafts.drop_draft(ctx.conn, member.id)
        return Effects.reply(Outgoing(t(ctx.lang, "pending_given_up")))
    payload = json.dumps({**data, "attempts": attempts + 1}, ensure_ascii=False)
    await drafts.save_draft(ctx.conn, member.id, draft.question, payload, ctx.now)
    return Effects.reply(Outgoing(f"{reason}\n{question}" if reason else question))


async def answer_draft(ctx: Context, draft: drafts.Draft, answer: str) -> Effects:
    """The person answered our one question: complete the post and publish it."""
    member = ctx.need_member()
    data = json.loads(draft.payload)
    understood = understanding_from_json(data["understood"])
    reply = understand_details(answer, ctx.now, ctx.gazetteer, ctx.config.timezone)
    echo = " ".join(answer.split())[:ECHO_LENGTH]
    if draft.question in (QUESTION_DLC, QUESTION_DATE):
        if reply.deadline is None:
            if reply.invalid_date:
                again = t(ctx.lang, "ask_invalid_date", date=reply.invalid_date)
                return await ask_again(ctx, draft, data, "", again)
            reason = t(ctx.lang, "pending_no_date", text=echo)
            again = question_text(ctx, draft.question, understood)
            return await ask_again(ctx, draft, data, reason, again)
        date_kind = reply.date_kind or (
            understood.date_kind if draft.question == QUESTION_DATE else "dlc"
        )
        understood = replace(
            understood,
            deadline=reply.deadline,
            date_kind=date_kind,
            invalid_date=None,
            missing=tuple(m for m in understood.missing if m not in ("dlc", "deadline")),
        )
    elif not names_goods(answer, ctx.now, ctx.gazetteer, ctx.config.timezone):
        reason = t(ctx.lang, "pending_no_goods", text=echo)
        again = question_text(ctx, QUESTION_WHAT, understood)
        return await ask_again(ctx, draft, data, reason, again)
    else:
        # The answer completes the first message: read both together ("/don 30 kg" + "des
        # yaourts" is an offer of yoghurts, which must stay cold).
        combined = understand(
            f"{data['original']} {answer}", ctx.now, ctx.gazetteer, ctx.config.timezone
        )
        if combined.intent == understood.intent and combined.what:
            understood = combined
        what = understood.what or reply.what or answer.strip()[:MAX_WHAT_LENGTH]
        understood = replace(
            understood,
            what=what,
            category=understood.category or reply.category,
            quantity=understood.quantity if understood.quantity is not None else reply.quantity,
            unit=understood.unit if understood.quantity is not None else reply.unit,
            cold_chain=understood.cold_chain or reply.cold_chain,
            deadline=understood.deadline or reply.deadline,
            missing=tuple(m for m in understood.missing if m != "what"),
        )
    await drafts.drop_draft(ctx.conn, member.id)
    return await publish_understood(
        ctx,
        understood,
        f"{data['original']}\n{answer}",
        tuple(data.get("media_urls", ())),
    )


async def publish(
    ctx: Context, understood: Understanding, original: str, media: tuple[str, ...] = ()
) -> Effects:
    member = ctx.need_member()
    notes = check_post(ctx, understood)
    association = await members.association_by_id(ctx.conn, member.association_id)
    assert association is not None
    kind: PostKind = understood.intent  # type: ignore[assignment]
    # Beyond the daily urgent quota, the post goes as ordinary until a coordinator confirms.
    pending = understood.urgent and not await urgency.urgent_quota_left(ctx, member)
    point = post_point(ctx.gazetteer, understood.place, association)
    new = NewPost(
        kind=kind,
        what=(understood.what or "")[:MAX_WHAT_LENGTH],
        category=understood.category,
        quantity=float(understood.quantity) if understood.quantity is not None else None,
        unit=understood.unit if understood.quantity is not None else None,
        deadline=understood.deadline,
        date_kind=understood.date_kind,
        place=understood.place or association.commune,
        urgent=understood.urgent and not pending,
        cold_chain=understood.cold_chain,
        original_text=original,
        # Photos sent with the post (WhatsApp), also before our one question, go with it.
        media_urls=media,
        urgent_pending=pending,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
    )
    post = await posts.create_post(ctx.conn, new, member.id, member.association_id, ctx.now)
    # Issue 15: the event, its numbers as fields (committed with the message, else the
    # dispatcher logs the failure next).
    log.info("post %d published", post.id, extra={"post": post.id, "member": member.id})
    matched = await matching.on_publish(ctx.conn, post, ctx.lang, ctx.today)
    # A matched post's author gets the match message (its one-tap action), not the relay too.
    relays, reach = await relay_notifications(ctx.conn, post, ctx.today, matched.told)
    lines = [*post_details(post, ctx.lang, ctx.today), *notes]
    lines.append(reach.summary(ctx.lang))
    choices: tuple[Choice, ...] = ()
    if matched.line:
        lines.append(matched.line)
    relays += matched.notes
    if pending:
        line, choices, requests = await urgency.ask_confirmation(ctx, member, post)
        lines.append(line)
        relays += requests
    lines.append(t(ctx.lang, "post_next_steps", id=post.id))
    confirmation = Outgoing(
        title=t(ctx.lang, "post_published", id=post.id, kind=t(ctx.lang, f"kind_{post.kind}")),
        text="\n".join(lines),
        choices=choices,
    )
    return Effects(replies=[confirmation], notifications=relays)


def check_post(ctx: Context, understood: Understanding) -> list[str]:
    """What would refuse the post (UserError), else the notes for its confirmation."""
    if understood.quantity is not None:
        check_quantity(ctx, float(understood.quantity), understood.unit)
    return check_dates(ctx, understood)


def check_dates(ctx: Context, understood: Understanding) -> list[str]:
    """Food-safety rules at posting: refuse (UserError) or return notes for the confirmation."""
    verdict = check_offer_dates(understood, ctx.today)
    if verdict.refused:
        raise UserError(t(ctx.lang, "dlc_past_refused"))
    if understood.deadline and understood.deadline < ctx.today and verdict.note_key is None:
        raise UserError(
            t(ctx.lang, "deadline_past", deadline=understood.deadline.strftime("%d/%m/%Y"))
        )
    return [t(ctx.lang, "ddm_past_note")] if verdict.note_key else []


async def relay_notifications(
    conn: Conn, post: Post, today: date, exclude_members: frozenset[int] = frozenset()
) -> tuple[list[Notification], Reach]:
    """The relay of `post` to its audience (each member's preferences apply when it is queued,
    bot/fanout) but `exclude_members`, and to the network's group, and how far it went."""
    reach = await reach_of(conn, post)

    def render(lang: str) -> Outgoing:
        return relay_message(post, lang, today)

    priority = PRIORITY_URGENT if post.urgent else PRIORITY_NOTIFICATION
    to = ToAudience(reach.association_ids, post.category, post.urgent, exclude_members)
    relays = [
        Notification(to, render, priority, post_id=post.id),
        Notification(ToGroup(), render, priority, post_id=post.id),
    ]
    return relays, reach


def relay_message(post: Post, lang: str, today: date) -> Outgoing:
    icon = t(lang, "relay_urgent_icon") if post.urgent else ""
    title = t(
        lang,
        "relay_title",
        icon=icon,
        kind=t(lang, f"kind_{post.kind}"),
        id=post.id,
        association=post.association_name,
    )
    if post.is_offer_like:
        how = t(lang, "relay_how_to_take", id=post.id)
        choice = Choice(t(lang, "button_take_offer"), f"/prendre {post.id}")
    else:
        how = t(lang, "relay_how_to_help", id=post.id)
        choice = Choice(t(lang, "button_help_need"), f"/prendre {post.id}")
    headline = post_headline(post, lang, today)
    # Under the parsed fields, what they cannot carry (« sonner au portail »).
    words = writer_words(post.original_text, headline)
    lines = [headline, t(lang, "relay_words", words=words), how] if words else [headline, how]
    return Outgoing(
        title=title,
        text="\n".join(lines),
        choices=(choice,),
        media_urls=post.media_urls,
        # Outside WhatsApp's 24-hour window, only an urgent post may go (as the alert template).
        template="alert" if post.urgent else "",
        template_variables=(alert_variable(post, headline, words, lang),) if post.urgent else (),
    )


def alert_variable(post: Post, headline: str, words: str, lang: str) -> str:
    """The alert template's one variable: one line (a template variable may hold no line
    break, tab or run of spaces), at most `TEMPLATE_VARIABLE_LENGTH` characters."""
    text = f"#{post.id} {headline} ({post.association_name})"
    if words:
        text += f" {t(lang, 'relay_words', words=words)}"
    return shorten(" ".join(text.split()), TEMPLATE_VARIABLE_LENGTH)


def understanding_to_json(understood: Understanding) -> dict[str, object]:
    data = asdict(understood)
    data["deadline"] = understood.deadline.isoformat() if understood.deadline else None
    return data


def understanding_from_json(data: dict[str, object]) -> Understanding:
    values = dict(data)
    deadline = values.get("deadline")
    values["deadline"] = date.fromisoformat(deadline) if isinstance(deadline, str) else None
    values["missing"] = tuple(values.get("missing") or ())  # type: ignore[arg-type]
    values["guessed"] = tuple(values.get("guessed") or ())  # type: ignore[arg-type]
    return Understanding(**values)  # type: ignore[arg-type]
