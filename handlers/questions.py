"""A post waiting for its one answer knows its place.

It expires (`NetworkConfig.question_ttl`, 30 minutes by default): an answer days later is
more likely a new message than the answer. Meanwhile, what is not its answer (a command, a
claim, a thank-you, a greeting, a question) is handled as what it is, and the question is
kept — the volunteer may well come back to it — with one line saying it is still waiting.
A new post replaces it (the person started over).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import replace

from handlers import listing, posts
from handlers.context import Context, Effects
from handlers.formatting import post_list_line
from handlers.messages import Outgoing
from handlers.texts import t
from storage import drafts
from storage import posts as stored_posts

POST_QUESTIONS = (
    posts.QUESTION_WHAT,
    posts.QUESTION_DLC,
    posts.QUESTION_DATE,
    posts.QUESTION_CONFIRM,
    posts.QUESTION_REWRITE,
)
# Commands that publish a post: it replaces the one that was waiting for an answer.
NEW_POST_COMMANDS = frozenset({"besoin", "don", "materiel", "urgent"})
# The buttons of a confirmation (handlers/confirmation.py): they answer it themselves.
CONFIRMATION_COMMANDS = frozenset({"publier", "reecrire", "abandonner"})
# Commands that answer their own waiting question (the guided `/profil modifier`'s buttons
# send `/profil rayon 30`): they find it and keep or drop it themselves.
OWN_QUESTION_COMMANDS = frozenset({"profil"})
# Issue 14: the guided `/ressource`'s buttons send `/ressource etape …` (handlers/resources.py).
OWN_QUESTION_COMMANDS |= {"ressource"}
# Issue 14: `/achat publier`, `/achat passer`… (the guided purchase's buttons) too.
OWN_QUESTION_COMMANDS |= {"achat"}


def is_expired(ctx: Context, draft: drafts.Draft) -> bool:
    return (
        draft.question in POST_QUESTIONS and ctx.now - draft.created_at >= ctx.config.question_ttl
    )


async def current(ctx: Context) -> tuple[drafts.Draft | None, str | None]:
    """The question waiting for this member, if any and still alive; and, when one just
    expired (it is dropped), the line telling them nothing was published."""
    member = ctx.need_member()
    draft = await drafts.draft_of(ctx.conn, member.id)
    if draft is None or not is_expired(ctx, draft):
        return draft, None
    await drafts.drop_draft(ctx.conn, member.id)
    return None, t(ctx.lang, "pending_expired")


async def run_command(
    ctx: Context, command_name: str, run: Callable[[], Awaitable[Effects]]
) -> Effects:
    """A command while a question waits: the command runs; the question stays (reminded),
    unless the command posts anew or the question was the pickup one (both as before)."""
    if command_name in CONFIRMATION_COMMANDS or command_name in OWN_QUESTION_COMMANDS:
        return await run()
    draft, expired_note = await current(ctx)
    # « /besoins » alone (or « /besoins 20km ») lists the needs: it posts nothing.
    posts_anew = command_name in NEW_POST_COMMANDS and not listing.listed_by_posting_command(
        ctx.incoming.text
    )
    if draft is not None and (draft.question not in POST_QUESTIONS or posts_anew):
        await drafts.drop_draft(ctx.conn, ctx.need_member().id)
        draft = None
    effects = await run()
    if expired_note is not None:
        return with_line(effects, expired_note)
    if draft is not None:
        return remind(ctx, effects, draft)
    return effects


def remind(ctx: Context, effects: Effects, draft: drafts.Draft) -> Effects:
    """One line after the replies: the earlier post is still waiting for its answer."""
    return with_line(
        effects, t(ctx.lang, "pending_still_waiting", missing=missing_text(ctx, draft))
    )


def missing_text(ctx: Context, draft: drafts.Draft) -> str:
    if draft.question == posts.QUESTION_DLC:
        return t(ctx.lang, "pending_missing_dlc")
    if draft.question == posts.QUESTION_DATE:
        return t(ctx.lang, "pending_missing_date")
    if draft.question == posts.QUESTION_CONFIRM:
        return t(ctx.lang, "pending_missing_confirm")
    if draft.question == posts.QUESTION_REWRITE:
        return t(ctx.lang, "pending_missing_rewrite")
    intent = json.loads(draft.payload)["understood"]["intent"]
    return t(ctx.lang, "pending_missing_what", kind_verb=t(ctx.lang, f"kind_verb_{intent}"))


def with_line(effects: Effects, line: str) -> Effects:
    """`line` at the end of the last reply (one message, not one more), or alone."""
    if not effects.replies:
        return Effects([Outgoing(line)], effects.notifications)
    *first, last = effects.replies
    joined = f"{last.text}\n{line}" if last.text else line
    return Effects([*first, replace(last, text=joined)], effects.notifications)


async def answer_question(ctx: Context, post_ref: int | None) -> Effects:
    """« c'est quoi le 2 ? »: the post in one line when it is live; else where to look."""
    if post_ref is not None:
        post = await stored_posts.post_by_id(ctx.conn, post_ref)
        if post is not None and post.status in ("open", "taken"):
            line = post_list_line(post, ctx.lang, ctx.today)
            return Effects.reply(
                Outgoing(t(ctx.lang, "pending_question_post", line=line, id=post.id))
            )
    return Effects.reply(Outgoing(t(ctx.lang, "pending_question_redirect")))
