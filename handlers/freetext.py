"""A member's message without a command: an answer to our question, or understood as a post,
a claim, a closing, a withdrawal, a question about what is open — or politely not understood."""

from __future__ import annotations

from handlers import (
    bookings,
    claims,
    confirmation,
    listing,
    posts,
    profile,
    purchases,
    questions,
    reminders,
)
from handlers.amounts import Amount, check_quantity
from handlers.context import Context, Effects, UserError
from handlers.messages import Outgoing
from handlers.texts import t
from handlers.understanding import Understanding, read_reply, understand
from storage import drafts

# Answers that drop the post we were asking about.
DROP_WORDS = frozenset({"annuler", "annule", "stop", "non", "laisse tomber", "cancel"})
GREETINGS = ("bonjour", "bonsoir", "salut", "coucou", "hello", "bjr", "slt")
ECHO_LENGTH = 200
THANKS = ("merci", "mrc", "thanks", "thx", "top", "super", "parfait", "génial", "genial")


async def handle_free_text(ctx: Context, text: str) -> Effects:
    member = ctx.need_member()
    # An expired question is dropped here: the message is read as a new one, with a note.
    draft, expired_note = await questions.current(ctx)
    if draft is not None and draft.question == reminders.QUESTION_PICKUP:
        # « récupéré ? combien ? »: « non » is an answer here, not "drop the post".
        answered = await reminders.answer_pickup(ctx, draft, text)
        if answered is not None:
            return answered
        draft = None  # not an answer: the question is dropped, the message read as usual
    if draft is not None and draft.question in profile.QUESTIONS:
        # The guided profile's step: « 2 », « passer », « Limoux »... (handlers/profile.py).
        stepped = await profile.answer_step(ctx, draft, text)
        if stepped is not None:
            return stepped
        draft = None  # expired: dropped, the message read as usual
    if draft is not None and draft.question in bookings.QUESTIONS:
        # Issue 14: the guided /ressource's step, « 1 » / « 2 » to a booking request, the
        # number of a free slot proposed (handlers/bookings.py).
        waited = await bookings.answer_waiting(ctx, draft, text)
        if waited is not None:
            return waited
        draft = None  # not an answer (or expired): dropped, the message read as usual
    if draft is not None and draft.question in purchases.QUESTIONS:
        # Issue 14: a group purchase being opened (« 18,50 € », « 1 »…) or the quantity asked
        # by « 🛒 Commander » (handlers/purchases.py).
        answered = await purchases.answer_step(ctx, draft, text)
        if answered is not None:
            return answered
        draft = None  # expired, or not an answer: the message read as usual
    if draft is not None and draft.question in confirmation.QUESTIONS:
        # « 1 », « oui », « annuler »...: the answer to « ✅ Publier / ✏️ Corriger / ✖ Annuler ».
        chosen = confirmation.answer_of(text)
        if chosen is not None:
            return await confirmation.act(ctx, draft, chosen)
    if draft is not None:
        if text.strip().lower().strip(" .!") in DROP_WORDS:
            await drafts.drop_draft(ctx.conn, member.id)
            return Effects.reply(Outgoing(t(ctx.lang, "draft_dropped")))
        return await answer_or_aside(ctx, draft, text)
    if len(text) > posts.MAX_POST_LENGTH:
        raise UserError(t(ctx.lang, "too_long", length=len(text), limit=posts.MAX_POST_LENGTH))
    understood = understand(text, ctx.now, ctx.gazetteer, ctx.config.timezone)
    effects = await route(ctx, understood, text)
    return questions.with_line(effects, expired_note) if expired_note else effects


async def answer_or_aside(ctx: Context, draft: drafts.Draft, text: str) -> Effects:
    """The answer to our question, or something said meanwhile (« je prends le 1 »,
    « merci »): that is handled as what it is and the question waits, with a reminder."""
    reply = read_reply(text, ctx.now, ctx.gazetteer, ctx.config.timezone)
    waiting_confirmation = draft.question in confirmation.QUESTIONS
    if waiting_confirmation and reply.understood.intent in posts.POST_KINDS:
        # Read as a post, even when phrased as a question (« qui aurait du riz ? »): it is
        # confirmed again if unsure, never published on a guess.
        return await new_post_instead(ctx, draft, reply.understood, text)
    if reply.kind == "answer" and waiting_confirmation:
        effects = await route(ctx, reply.understood, text)
    elif reply.kind == "answer":
        return await posts.answer_draft(ctx, draft, text)
    elif reply.kind in ("action", "list", "help"):
        effects = await route(ctx, reply.understood, text)
    elif reply.kind == "question":
        effects = await questions.answer_question(ctx, reply.post_ref)
    elif reply.kind == "thanks":
        effects = Effects.reply(Outgoing(t(ctx.lang, "thanks_reply")))
    elif reply.kind == "greeting":
        effects = Effects.reply(Outgoing(t(ctx.lang, "greeting_reply")))
    else:  # signs only (« 👍 »): the reminder says all there is to say
        effects = Effects()
    return questions.remind(ctx, effects, draft)


async def new_post_instead(
    ctx: Context, draft: drafts.Draft, understood: Understanding, text: str
) -> Effects:
    """A post written while one waits for « ✅ Publier »: after « ✏️ Corriger », it is the post
    written again (the first photos go with it); before, a new post that replaces it."""
    if len(text) > posts.MAX_POST_LENGTH:
        raise UserError(t(ctx.lang, "too_long", length=len(text), limit=posts.MAX_POST_LENGTH))
    if draft.question == confirmation.QUESTION_REWRITE:
        return await confirmation.rewritten(ctx, draft, text, understood)
    return await confirmation.publish_or_confirm(ctx, understood, text)


async def route(ctx: Context, understood: Understanding, text: str) -> Effects:
    intent = understood.intent
    if intent in posts.POST_KINDS:
        # Free text: published at once only when surely read (handlers/confirmation.py).
        return await confirmation.publish_or_confirm(ctx, understood, text)
    if intent in ("claim", "done", "cancel"):
        if understood.post_ref is None:
            command = {"claim": "prendre", "done": "fait", "cancel": "annuler"}[intent]
            raise UserError(t(ctx.lang, "post_ref_missing", command=command))
        if intent == "cancel":
            return await claims.cancel(ctx, understood.post_ref)
        amount = amount_of(ctx, understood)
        if intent == "claim":
            return await claims.take(ctx, understood.post_ref, amount)
        return await claims.done(ctx, understood.post_ref, amount)
    if intent == "list":
        return await listing.list_open(ctx, "")
    if intent == "help":
        return await listing.help_text(ctx, "")
    if text.strip().lower().startswith(GREETINGS):
        return Effects.reply(Outgoing(t(ctx.lang, "greeting_reply")))
    if text.strip().lower().startswith(THANKS):
        return Effects.reply(Outgoing(t(ctx.lang, "thanks_reply")))
    if understood.what is not None:
        # "500 g de sel": goods and an amount, but given or wanted? Their words come back
        # ready to send, so nothing they typed is lost.
        echo = " ".join(text.split())[:ECHO_LENGTH]
        return Effects.reply(Outgoing(t(ctx.lang, "need_or_offer", text=echo)))
    return Effects.reply(Outgoing(t(ctx.lang, "not_understood")))


def amount_of(ctx: Context, understood: Understanding) -> Amount | None:
    if understood.quantity is None:
        return None
    value = float(understood.quantity)
    check_quantity(ctx, value, understood.unit)
    return Amount(value, understood.unit)
