"""Free text read as a post, but not surely: its writer sees what was understood first.

A slash command says what it is; free text is read, and a misreading relayed to every member
costs the network's trust. So free text read as a post is published at once only when the
reading is certain (`Understanding.certain`) and is not a question; otherwise the writer gets
one message with the reading and « ✅ Publier / ✏️ Corriger / ✖ Annuler » (buttons on Telegram,
« 1 / 2 / 3 » on WhatsApp and in the terminal), and nothing goes out until they answer.

The confirmation is the member's one pending question (`storage/drafts.py`): it expires after
`question_ttl`, a new post replaces it, commands meanwhile run and it is reminded.
Order with the other question: the confirmation comes first (whether it is a post at all is
what free text gets wrong most), then, once confirmed, the one question about what is missing
(what, the DLC, a date that does not exist) — at most one round-trip more than before.
« ✏️ Corriger » waits for the post written again: that text is read like a new message
(published if certain, confirmed again if not); the photos of the first message go with it.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any, Literal

from handlers import posts, questions
from handlers.context import Context, Effects
from handlers.formatting import day, quantity
from handlers.messages import Choice, Outgoing
from handlers.texts import t
from handlers.understanding import Understanding
from storage import drafts, members

QUESTION_CONFIRM = posts.QUESTION_CONFIRM
QUESTION_REWRITE = posts.QUESTION_REWRITE
QUESTIONS = (QUESTION_CONFIRM, QUESTION_REWRITE)

Action = Literal["publish", "rewrite", "drop"]
# The commands behind the buttons (`/publier TOKEN`): the token names the confirmation the
# button was shown with, so a button pressed on an older, replaced one does nothing.
COMMANDS: dict[Action, str] = {"publish": "publier", "rewrite": "reecrire", "drop": "abandonner"}
assert frozenset(COMMANDS.values()) == questions.CONFIRMATION_COMMANDS
# What a person types instead of pressing: the numbers shown on WhatsApp, and plain words.
REPLIES: dict[Action, str] = {"publish": "1", "rewrite": "2", "drop": "3"}
ANSWER_WORDS: dict[str, Action] = {
    **{word: "publish" for word in ("oui", "ok", "okay", "dac", "d'accord", "daccord", "go")},
    **{word: "publish" for word in ("publier", "publie", "publiez", "valider", "yes", "publish")},
    **{word: "rewrite" for word in ("corriger", "corrige", "modifier", "reecrire", "edit")},
    **{word: "drop" for word in ("non", "annuler", "annule", "abandonner", "stop", "no")},
    **{word: "drop" for word in ("cancel", "laisse tomber")},
    **{reply: action for action, reply in REPLIES.items()},
}
TOKEN_BYTES = 4


def needs_confirmation(understood: Understanding) -> bool:
    """Free text read as a post goes out at once only when sure, and never a question."""
    return not understood.certain or "question" in understood.guessed


async def publish_or_confirm(
    ctx: Context, understood: Understanding, original: str, earlier_media: tuple[str, ...] = ()
) -> Effects:
    """Free text read as a post: published (or its one question asked) when certain, else
    shown to its writer first. A confirmation or a rewrite waiting is replaced."""
    member = ctx.need_member()
    await drafts.drop_draft(ctx.conn, member.id)
    if needs_confirmation(understood):
        return await confirm(ctx, understood, original, (*earlier_media, *ctx.incoming.media_urls))
    return await posts.publish_understood(ctx, understood, original, earlier_media)


async def confirm(
    ctx: Context, understood: Understanding, original: str, media: tuple[str, ...]
) -> Effects:
    """Store the reading as the pending confirmation and show it with the three choices."""
    member = ctx.need_member()
    # What would be refused at publishing (a past DLC, an absurd amount) is said now.
    notes = posts.check_post(ctx, understood)
    token = hashlib.blake2s(
        f"{ctx.now.isoformat()}|{original}".encode(), digest_size=TOKEN_BYTES
    ).hexdigest()
    payload = {
        "understood": posts.understanding_to_json(understood),
        "original": original,
        "media_urls": list(media),
        "token": token,
    }
    await save(ctx, member.id, QUESTION_CONFIRM, payload)
    association = await members.association_by_id(ctx.conn, member.association_id)
    place = understood.place or (association.commune if association else None)
    lines = [reading_line(ctx, understood, place), *guess_lines(ctx, understood), *notes]
    return Effects.reply(
        Outgoing(
            title=t(ctx.lang, "confirm_title"),
            text="\n".join(lines),
            choices=choices(ctx.lang, token),
        )
    )


def reading_line(ctx: Context, understood: Understanding, place: str | None) -> str:
    """« 🆘 Besoin · riz — 30 kg — ven. 12 juin — Carcassonne ❄️ »: the post as it would go."""
    lang = ctx.lang
    parts = [understood.what or t(lang, "confirm_what_unknown")]
    if understood.quantity is not None:
        parts.append(quantity(understood.quantity, understood.unit, lang))
    if understood.deadline is not None:
        parts.append(day(understood.deadline, lang, ctx.today))
    if place:
        parts.append(place)
    line = f"{t(lang, f'kind_{understood.intent}')} · {' — '.join(parts)}"
    if understood.urgent:
        line = f"🆘 {line}"
    return f"{line} ❄️" if understood.cold_chain else line


def guess_lines(ctx: Context, understood: Understanding) -> list[str]:
    """What was guessed, in a few words, and the way out when it was a question."""
    fields = [
        t(ctx.lang, f"confirm_guessed_{field}")
        for field in understood.guessed
        if field in ("intent", "what", "quantity", "deadline", "place")
    ]
    lines = [t(ctx.lang, "confirm_guessed", fields=", ".join(fields))] if fields else []
    if "question" in understood.guessed:
        lines.append(t(ctx.lang, "confirm_if_question"))
    return lines


def choices(lang: str, token: str) -> tuple[Choice, ...]:
    return tuple(
        Choice(t(lang, f"confirm_button_{action}"), f"/{COMMANDS[action]} {token}", reply)
        for action, reply in REPLIES.items()
    )


def answer_of(text: str) -> Action | None:
    """« 1 », « oui », « ✅ Publier », « 3. »: which choice a typed reply makes, if any."""
    words = fold(text).split()
    if not words:
        return None
    whole = " ".join(words)
    # The label copied whole (« ✅ publier ») counts as its last word.
    return ANSWER_WORDS.get(whole) or (ANSWER_WORDS.get(words[-1]) if len(words) == 2 else None)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    kept = "".join(c if c.isalnum() or c in " '" else " " for c in plain)
    return " ".join(kept.split())


async def act(ctx: Context, draft: drafts.Draft, action: Action) -> Effects:
    """Do what the writer chose for the waiting post."""
    member = ctx.need_member()
    data = json.loads(draft.payload)
    if action == "drop":
        await drafts.drop_draft(ctx.conn, member.id)
        return Effects.reply(Outgoing(t(ctx.lang, "confirm_dropped")))
    if action == "rewrite":
        await save(ctx, member.id, QUESTION_REWRITE, data)
        return Effects.reply(Outgoing(t(ctx.lang, "confirm_rewrite")))
    await drafts.drop_draft(ctx.conn, member.id)
    understood = posts.understanding_from_json(data["understood"])
    media = tuple(data.get("media_urls", ()))
    # Confirmed: published, or first its one missing piece asked (then published on answer).
    return await posts.publish_understood(ctx, understood, data["original"], media)


async def rewritten(
    ctx: Context, draft: drafts.Draft, text: str, understood: Understanding
) -> Effects:
    """The post written again after « ✏️ Corriger »: read as new, with the first photos."""
    media = tuple(json.loads(draft.payload).get("media_urls", ()))
    return await publish_or_confirm(ctx, understood, text, media)


async def command(ctx: Context, args: str, action: Action) -> Effects:
    """A button pressed (`/publier TOKEN`) or the command typed (`/publier`)."""
    draft, expired_note = await questions.current(ctx)
    if draft is None or draft.question not in QUESTIONS:
        nothing = Effects.reply(Outgoing(expired_note or t(ctx.lang, "confirm_nothing_waiting")))
        if draft is not None and draft.question in questions.POST_QUESTIONS:
            return questions.remind(ctx, nothing, draft)  # the one question still waits
        return nothing
    token = args.split()[0] if args.split() else ""
    if token and token != json.loads(draft.payload).get("token"):
        return questions.remind(ctx, Effects.reply(Outgoing(t(ctx.lang, "confirm_stale"))), draft)
    return await act(ctx, draft, action)


async def publish_command(ctx: Context, args: str) -> Effects:
    return await command(ctx, args, "publish")


async def rewrite_command(ctx: Context, args: str) -> Effects:
    return await command(ctx, args, "rewrite")


async def drop_command(ctx: Context, args: str) -> Effects:
    return await command(ctx, args, "drop")


async def save(ctx: Context, member_id: int, question: str, payload: dict[str, Any]) -> None:
    text = json.dumps(payload, ensure_ascii=False)
    await drafts.save_draft(ctx.conn, member_id, question, text, ctx.now)
