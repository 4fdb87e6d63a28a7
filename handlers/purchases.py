"""Group purchases (issue 14): `/achat`, `/achats`, `/commande`.

A coordinator opens a purchase in one line (`/achat riz, sac de 25 kg, 18,50 €, Metro
Carcassonne, minimum 40 sacs, avant le 15/12`, read by handlers/purchase_words.py) or guided
(`/achat nouveau`): what the line lacks is asked one question at a time, as the member's
pending question (`storage/drafts.py`, like `/profil modifier`), then the whole purchase is
shown to check, with « ✅ Annoncer / ✖ Abandonner » (buttons on Telegram, « 1 » / « 2 » on
WhatsApp); « annuler » stops at any step, a value written at the check corrects that field.

Announced like a post (its audience: the associations within reach of the organiser's that
take its category, handlers/audience.py), with the one-tap « 🛒 Commander ». A coordinator
commits their association with `/commande N QUANTITÉ` (packs; 0 withdraws), until the deadline;
one row per association and purchase. The committer's confirmation shows the progress towards
the minimum; the other participants (and the organiser) hear of it only when a threshold is
crossed: half of the minimum, the minimum, and the minimum lost again after a withdrawal. A
message to every participant at each change would be O(participants) rows per change, most
of them noise; the thresholds are at most three messages each over a purchase's life (a
withdrawal then a new order around the minimum may tell the minimum twice, each time for a
change that matters to them).

`/achats` (or `/achat` alone) lists the open purchases that concern the writer's association;
`/achat N` shows one; its organiser's association closes it early (`/achat N clore`: settled
now, as at the deadline) or extends it once (`/achat N prolonger 20/12`). At the deadline:
handlers/purchase_deadlines.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Final, Literal

from handlers import rights
from handlers.amounts import split_post_ref
from handlers.audience import Reach, reach_of_place
from handlers.context import (
    Context,
    Effects,
    Notification,
    ToAudience,
    ToGroup,
    ToMember,
    UserError,
)
from handlers.formatting import contact_text
from handlers.messages import Choice, Outgoing
from handlers.purchase_deadlines import order_choice, settle
from handlers.purchase_view import (
    DEADLINE_LINE,
    pack_alone,
    progress_text,
    share_text,
    status_text,
    summary_lines,
    when_text,
)
from handlers.purchase_words import (
    MAX_PICKUP,
    Fields,
    Invalid,
    category_of,
    clean,
    euros,
    folded,
    pack_as_stored,
    packs_word,
    parse_deadline,
    parse_minimum,
    parse_price,
    parse_quantity,
    parse_text,
    product_and_pack,
    read_line,
    split_parts,
    supplier_of,
)
from handlers.routing import PostPlace
from handlers.texts import t
from storage import drafts, events, members, profiles, purchases
from storage.purchases import NewPurchase, Purchase

Step = Literal["product", "pack", "price", "supplier", "minimum", "deadline", "pickup", "confirm"]
# The fields a purchase cannot be opened without, in the order they are asked.
REQUIRED: Final[tuple[Step, ...]] = ("product", "pack", "price", "supplier", "minimum", "deadline")
ALL_STEPS: Final[tuple[Step, ...]] = (*REQUIRED, "pickup", "confirm")
QUESTION_PREFIX: Final = "purchase_"
QUESTION_QUANTITY: Final = "purchase_quantity"
STEP_QUESTIONS: Final = frozenset(f"{QUESTION_PREFIX}{step}" for step in ALL_STEPS)
QUESTIONS: Final = STEP_QUESTIONS | {QUESTION_QUANTITY}

OPEN_ACTION: Final = "achat_ouvrir"  # the rights table's row for opening one
MANAGE_ACTION: Final = "achat_gerer"  # … for closing early or extending
ORDER_ACTION: Final = "commande"

# The words after /achat, folded.
NEW_WORDS: Final = frozenset({"nouveau", "nouvel", "nouvelle", "creer", "ouvrir", "lancer", "new"})
LIST_WORDS: Final = frozenset({"liste", "list", "tous", "tout", "encours", "ouverts"})
PUBLISH_WORDS: Final = frozenset(
    {"publier", "annoncer", "valider", "confirmer", "ok", "oui", "publish", "announce", "yes"}
)
STOP_WORDS: Final = frozenset(
    {"annuler", "annule", "stop", "arreter", "abandonner", "abandon", "cancel", "drop"}
)
SKIP_WORDS: Final = frozenset({"passer", "passe", "skip", "suivant", "next"})
CLOSE_WORDS: Final = frozenset({"clore", "cloturer", "fermer", "terminer", "close", "finir"})
EXTEND_WORDS: Final = frozenset({"prolonger", "prolonge", "repousser", "reporter", "extend"})
BUTTON_WORDS: Final = PUBLISH_WORDS | STOP_WORDS | SKIP_WORDS
# Open purchases `/achats` lists, and commitments `/achat N` names.
LIST_LIMIT: Final = 20
SHOW_ORDERS: Final = 20
_SEPARATORS: Final = re.compile(r"[;\n]|,(?!\d)|(?<!\d),")

ERROR_STEP: Final[dict[str, Step]] = {
    "price": "price",
    "minimum": "minimum",
    "deadline": "deadline",
}


def fold(word: str) -> str:
    return folded(word).strip(" .!:?")


def is_purchase_args(args: str) -> bool:
    """`achat 12`, `achat 12 clore`, `achat nouveau` written without the slash (WhatsApp): a
    purchase number (alone, or before one of its words or a quantity) or one of /achat's
    words. A line opening a purchase needs the slash (« achat de riz ? » stays a message)."""
    words = args.split()
    if not words:
        return True
    head = fold(words[0])
    if head.lstrip("#").isdigit():
        return (
            len(words) == 1
            or fold(words[1]) in CLOSE_WORDS | EXTEND_WORDS
            or (len(words) == 2 and words[1].isdigit())
        )
    return len(words) == 1 and head in NEW_WORDS | LIST_WORDS | BUTTON_WORDS


_ORDER_ARGS: Final = re.compile(r"^#?\d{1,7}(?:\s+\d{1,6}(?:\s+[^\d\s]+)?)?$")


def is_order_args(args: str) -> bool:
    """`commande 12`, `commande 12 5`, `commande 12 5 sacs` without the slash: numbers only
    (« commande 20 kg de riz » is a message)."""
    return bool(_ORDER_ARGS.match(args.strip()))


# ------------------------------------------------------------------ /achat


async def purchase_command(ctx: Context, args: str) -> Effects:
    text = args.strip()
    words = text.split()
    if not words:
        return await list_purchases(ctx)
    head = fold(words[0])
    if head.lstrip("#").isdigit() and not _SEPARATORS.search(text):
        return await manage(ctx, int(head.lstrip("#")), words[1:])
    if len(words) == 1 and head in LIST_WORDS:
        return await list_purchases(ctx)
    if len(words) == 1 and head in BUTTON_WORDS:
        return await button(ctx, head)
    rights.require(ctx, OPEN_ACTION)
    if head in NEW_WORDS:
        return await start(ctx, text[len(words[0]) :].strip(), guided=True)
    return await start(ctx, text, guided=False)


async def start(ctx: Context, text: str, guided: bool) -> Effects:
    """Open a purchase from what `text` says; what it lacks is asked."""
    if not text:
        return await ask(ctx, "product", Fields(), guided, [])
    reading = read_line(text, ctx.now, ctx.tz)
    lines = [error_text(ctx.lang, error) for error in reading.errors]
    if reading.fields.unknown:
        lines.append(unknown_text(ctx.lang, reading.fields.unknown))
    first_error = next((ERROR_STEP[e.field] for e in reading.errors if e.field in ERROR_STEP), None)
    fields = replace(reading.fields, unknown=())
    return await ask(ctx, first_error or next_step(fields, guided), fields, guided, lines)


def next_step(fields: Fields, guided: bool) -> Step:
    """The first field still missing; the pick-up when guided (optional); else the check."""
    for step in REQUIRED:
        if step == "minimum" and fields.minimum is None:
            return step
        if step == "deadline" and fields.closes_at is None:
            return step
        if step == "price" and fields.price_cents is None:
            return step
        if step in ("product", "pack", "supplier") and getattr(fields, step) is None:
            return step
    if guided and fields.pickup is None:
        return "pickup"
    return "confirm"


def error_text(lang: str, error: Invalid) -> str:
    return t(lang, error.key, **error.values)


def unknown_text(lang: str, parts: tuple[str, ...]) -> str:
    return t(lang, "purchase_unknown_parts", parts=", ".join(f"« {p} »" for p in parts))


def payload_of(fields: Fields, guided: bool) -> str:
    return json.dumps({"fields": fields.to_dict(), "guided": guided})


def state_of(draft: drafts.Draft) -> tuple[Fields, bool]:
    data = json.loads(draft.payload)
    return Fields.from_dict(data["fields"]), bool(data.get("guided"))


def step_of(question: str) -> Step:
    name = question.removeprefix(QUESTION_PREFIX)
    return next(step for step in ALL_STEPS if step == name)


async def ask(ctx: Context, step: Step, fields: Fields, guided: bool, lines: list[str]) -> Effects:
    """Save `step` as the waiting question (with what is known) and ask it."""
    member = ctx.need_member()
    payload = payload_of(fields, guided)
    await drafts.save_draft(ctx.conn, member.id, f"{QUESTION_PREFIX}{step}", payload, ctx.now)
    if step == "confirm":
        return await confirm(ctx, fields, lines)
    pack = pack_alone(fields.pack) if fields.pack else t(ctx.lang, "purchase_pack_unknown")
    question = t(ctx.lang, f"purchase_step_{step}", product=fields.product or "", pack=pack)
    choices: tuple[Choice, ...] = ()
    if step == "pickup":
        choices = (Choice(t(ctx.lang, "button_purchase_skip"), "/achat passer", "1"),)
    text = "\n".join([*lines, question, t(ctx.lang, "purchase_step_hint")])
    return Effects.reply(Outgoing(text, choices=choices))


def preview(fields: Fields, organiser: str, commune: str) -> Purchase:
    """The purchase being opened, as it will read (nothing committed yet)."""
    deadline = fields.deadline
    assert deadline is not None and fields.price_cents is not None and fields.minimum is not None
    return Purchase(
        id=0,
        association_id=0,
        association_name=organiser,
        association_commune=commune,
        organiser_id=0,
        organiser_name="",
        product=fields.product or "",
        pack=fields.pack or "",
        category=None,
        unit_price_cents=fields.price_cents,
        supplier=fields.supplier or "",
        minimum_kind=fields.minimum_kind or "packs",
        minimum=fields.minimum,
        pickup=fields.pickup or "",
        closes_at=deadline.closes_at,
        remind_at=deadline.remind_at,
        reminded_at=None,
        extended=False,
        progress_level=0,
        status="open",
        closed_at=None,
        created_at=deadline.closes_at,
        total_packs=0,
        participants=0,
    )


async def confirm(ctx: Context, fields: Fields, lines: list[str]) -> Effects:
    """The whole purchase, who it will be announced to, « ✅ Annoncer / ✖ Abandonner »."""
    member = ctx.need_member()
    association = await members.association_by_id(ctx.conn, member.association_id)
    commune = association.commune if association else ""
    shown = preview(fields, member.association_name, commune)
    reach = await purchase_reach(ctx, category_of(shown.product))
    summary = summary_lines(shown, ctx.lang, ctx.tz, ctx.today)
    if fields.shifted:
        summary[DEADLINE_LINE] += " " + t(
            ctx.lang, "purchase_summary_shifted", typed=fields.shifted
        )
    if reach.radius_km is None:
        audience = t(ctx.lang, "purchase_confirm_audience_all", count=len(reach.association_ids))
    else:
        audience = t(
            ctx.lang,
            "purchase_confirm_audience",
            count=len(reach.association_ids),
            radius=f"{reach.radius_km:g}",
        )
    text = "\n".join(
        [
            *lines,
            t(ctx.lang, "purchase_confirm_title"),
            *summary,
            audience,
            t(ctx.lang, "purchase_confirm_fix"),
        ]
    )
    choices = (
        Choice(t(ctx.lang, "button_purchase_publish"), "/achat publier", "1"),
        Choice(t(ctx.lang, "button_purchase_stop"), "/achat abandonner", "2"),
    )
    return Effects.reply(Outgoing(text, choices=choices))


async def purchase_reach(ctx: Context, category: str | None) -> Reach:
    """The associations a purchase of `category` by the writer's association concerns: those
    within its reach (ring 0, as an ordinary post) that take the category, where someone can
    be reached; every interested one when its place is unknown (docs/routing.md)."""
    member = ctx.need_member()
    profile = await profiles.profile_of(ctx.conn, member.association_id)
    assert profile is not None, "a member's association exists"
    place = PostPlace(
        kind="offer",  # those who take the category, as for goods offered
        category=category,
        cold=False,  # bought goods are not perishable surplus: no cold-keeping filter
        point=profile.point,
        author_reach_km=profile.reach_km,
        association_id=member.association_id,
    )
    return await reach_of_place(ctx.conn, place, 0)


# ------------------------------------------------------------------ the answers


async def own_draft(ctx: Context) -> drafts.Draft | None:
    """The purchase being opened by this member, if any and still alive."""
    member = ctx.need_member()
    draft = await drafts.draft_of(ctx.conn, member.id)
    if draft is None or draft.question not in STEP_QUESTIONS:
        return None
    if ctx.now - draft.created_at >= ctx.config.question_ttl:
        await drafts.drop_draft(ctx.conn, member.id)
        return None
    return draft


async def button(ctx: Context, word: str) -> Effects:
    """« ✅ Annoncer », « ✖ Abandonner », « ⏭ Passer » (also typed: `/achat publier`)."""
    draft = await own_draft(ctx)
    if draft is None:
        return Effects.reply(Outgoing(t(ctx.lang, "purchase_nothing_guided")))
    if word in STOP_WORDS:
        return await stop(ctx)
    fields, guided = state_of(draft)
    step = step_of(draft.question)
    if word in PUBLISH_WORDS and step == "confirm":
        return await publish(ctx, fields, guided)
    if word in SKIP_WORDS and step == "pickup":
        return await ask(ctx, "confirm", replace(fields, pickup=""), guided, [])
    return await ask(ctx, step, fields, guided, [])


async def stop(ctx: Context) -> Effects:
    await drafts.drop_draft(ctx.conn, ctx.need_member().id)
    return Effects.reply(Outgoing(t(ctx.lang, "purchase_guided_stopped")))


async def answer_step(ctx: Context, draft: drafts.Draft, text: str) -> Effects | None:
    """A typed answer to the waiting question. None when it has expired, or (the quantity)
    when the text is no answer: the question is dropped and the message read as usual."""
    member = ctx.need_member()
    if ctx.now - draft.created_at >= ctx.config.question_ttl:
        await drafts.drop_draft(ctx.conn, member.id)
        return None
    if draft.question == QUESTION_QUANTITY:
        return await answer_quantity(ctx, draft, text)
    answer = fold(text)
    if answer in STOP_WORDS:
        return await stop(ctx)
    fields, guided = state_of(draft)
    step = step_of(draft.question)
    if step == "confirm":
        if answer == "1" or answer in PUBLISH_WORDS:
            return await publish(ctx, fields, guided)
        if answer in ("2", "non", "no"):
            return await stop(ctx)
        return await correct(ctx, fields, guided, text)
    if step == "pickup":
        skip = answer == "1" or answer in SKIP_WORDS
        fields = replace(fields, pickup="" if skip else clean(text)[:MAX_PICKUP])
        return await ask(ctx, next_step(fields, guided), fields, guided, [])
    if step == "product" and len(split_parts(text)) > 1:
        # « riz, sac de 25 kg, 18 € … »: the first answer may say more than the product.
        return await correct(ctx, fields, guided, text)
    try:
        fields = set_field(ctx, fields, step, text)
    except Invalid as error:
        return await ask(ctx, step, fields, guided, [error_text(ctx.lang, error)])
    return await ask(ctx, next_step(fields, guided), fields, guided, [])


def set_field(ctx: Context, fields: Fields, step: Step, text: str) -> Fields:
    """`fields` with the answer to `step` (Invalid when it cannot be read)."""
    if step == "product":
        product, pack = product_and_pack(clean(text))
        return replace(fields, product=parse_text(product), pack=pack or fields.pack)
    if step == "pack":
        return replace(fields, pack=parse_text(pack_as_stored(text)))
    if step == "price":
        return replace(fields, price_cents=parse_price(text))
    if step == "supplier":
        return replace(fields, supplier=parse_text(supplier_of(text)))
    if step == "minimum":
        kind, value = parse_minimum(text)
        return replace(fields, minimum_kind=kind, minimum=value)
    assert step == "deadline"
    return fields.with_deadline(parse_deadline(text, ctx.now, ctx.tz))


async def correct(ctx: Context, fields: Fields, guided: bool, text: str) -> Effects:
    """A line written at the check (or at a step): the fields it names take their place. A
    part that names no field goes to the product, then the supplier, while they are missing;
    else it cannot be told apart and is said not understood."""
    reading = read_line(text, ctx.now, ctx.tz)
    merged = fields.merged(replace(reading.fields, product=None, supplier=None, unknown=()))
    leftover = list(reading.fields.unknown)
    for part in (reading.fields.product, reading.fields.supplier):
        if part is None:
            continue
        if merged.product is None:
            merged = replace(merged, product=part)
        elif merged.supplier is None:
            merged = replace(merged, supplier=part)
        else:
            leftover.insert(0, part)
    lines = [error_text(ctx.lang, error) for error in reading.errors]
    if leftover:
        lines.append(unknown_text(ctx.lang, tuple(leftover)))
    if merged == fields and not reading.errors:
        lines.append(t(ctx.lang, "purchase_confirm_again"))
    first_error = next((ERROR_STEP[e.field] for e in reading.errors if e.field in ERROR_STEP), None)
    return await ask(ctx, first_error or next_step(merged, guided), merged, guided, lines)


# ------------------------------------------------------------------ announcing it


async def publish(ctx: Context, fields: Fields, guided: bool) -> Effects:
    """Store the purchase, its audience and the event; announce it like a post."""
    rights.require(ctx, OPEN_ACTION)
    member = ctx.need_member()
    missing = next_step(fields, False)
    if missing != "confirm":
        return await ask(ctx, missing, fields, guided, [])
    deadline = fields.deadline
    assert deadline is not None and fields.price_cents is not None and fields.minimum is not None
    if deadline.closes_at <= ctx.now:
        lines = [t(ctx.lang, "purchase_deadline_past")]
        return await ask(ctx, "deadline", replace(fields, closes_at=None), guided, lines)
    category = category_of(fields.product or "")
    new = NewPurchase(
        product=fields.product or "",
        pack=fields.pack or "",
        category=category,
        unit_price_cents=fields.price_cents,
        supplier=fields.supplier or "",
        minimum_kind=fields.minimum_kind or "packs",
        minimum=fields.minimum,
        pickup=fields.pickup or "",
        closes_at=deadline.closes_at,
        remind_at=deadline.remind_at,
        # Opened less than a day before its deadline: the announcement is the reminder.
        reminded_at=ctx.now if deadline.remind_at <= ctx.now else None,
    )
    purchase_id = await purchases.create_purchase(
        ctx.conn, new, member.id, member.association_id, ctx.now
    )
    reach = await purchase_reach(ctx, category)
    await purchases.add_audience(ctx.conn, purchase_id, reach.association_ids)
    await events.record_event(
        ctx.conn,
        ctx.now,
        "purchase_opened",
        member.id,
        quantity=fields.minimum,
        unit="cents" if fields.minimum_kind == "euros" else "pack",
        detail=f"purchase={purchase_id};association={member.association_id};"
        f"audience={len(reach.association_ids)};category={category or ''}",
    )
    await drafts.drop_draft(ctx.conn, member.id)
    purchase = await load(ctx, purchase_id)
    contact = await members.contact_card(ctx.conn, member.id, public=True)
    today = ctx.today

    def render(lang: str) -> Outgoing:
        how = t(
            lang,
            "purchase_announce_how",
            id=purchase.id,
            contact=t(
                lang,
                "purchase_contact",
                name=member.name,
                association=member.association_name,
                contact=contact_text(contact, lang),
            ),
        )
        return Outgoing(
            title=t(
                lang,
                "purchase_announce_title",
                id=purchase.id,
                association=purchase.association_name,
            ),
            text="\n".join([*summary_lines(purchase, lang, ctx.tz, today), how]),
            choices=(order_choice(lang, purchase.id),),
        )

    notes = [
        Notification(ToAudience(reach.association_ids, category), render),
        Notification(ToGroup(), render),
    ]
    if reach.radius_km is None:
        audience = t(ctx.lang, "purchase_reach_all", count=len(reach.association_ids))
    else:
        audience = t(
            ctx.lang,
            "purchase_reach",
            count=len(reach.association_ids),
            radius=f"{reach.radius_km:g}",
        )
    reply = t(ctx.lang, "purchase_opened", id=purchase.id, audience=audience)
    return Effects(replies=[Outgoing(reply)], notifications=notes)


# ------------------------------------------------------------------ one purchase


async def load(ctx: Context, purchase_id: int) -> Purchase:
    purchase = await purchases.purchase_by_id(ctx.conn, purchase_id)
    if purchase is None:
        raise UserError(t(ctx.lang, "purchase_not_found", id=purchase_id))
    return purchase


async def manage(ctx: Context, purchase_id: int, words: list[str]) -> Effects:
    """`/achat N`, `/achat N clore`, `/achat N prolonger DATE` (and `/achat N 5`: an order)."""
    purchase = await load(ctx, purchase_id)
    if not words:
        return await show(ctx, purchase)
    verb = fold(words[0])
    if verb in CLOSE_WORDS:
        return await close_early(ctx, purchase)
    if verb in EXTEND_WORDS:
        return await extend(ctx, purchase, " ".join(words[1:]))
    if verb.isdigit():
        rights.require(ctx, ORDER_ACTION)
        return await order(ctx, purchase, " ".join(words))
    raise UserError(t(ctx.lang, "purchase_usage", id=purchase.id, word=words[0][:30]))


async def list_purchases(ctx: Context) -> Effects:
    member = ctx.need_member()
    found = await purchases.open_purchases_for(ctx.conn, member.association_id, LIST_LIMIT)
    if not found:
        return Effects.reply(Outgoing(t(ctx.lang, "purchase_list_empty")))
    lines = [t(ctx.lang, "purchase_list_title", count=len(found))]
    for purchase in found:
        mine = await purchases.order_of(ctx.conn, purchase.id, member.association_id)
        yours = (
            t(ctx.lang, "purchase_list_yours", packs=packs_word(mine, purchase.pack))
            if mine
            else ""
        )
        lines.append(
            t(
                ctx.lang,
                "purchase_list_line",
                id=purchase.id,
                product=purchase.product,
                pack=purchase.pack,
                price=euros(purchase.unit_price_cents),
                association=purchase.association_name,
                percent=purchase.percent,
                when=when_text(purchase.closes_at, ctx.tz, ctx.lang, ctx.today),
                yours=yours,
            )
        )
    lines.append(t(ctx.lang, "purchase_list_how"))
    return Effects.reply(Outgoing("\n".join(lines)))


async def show(ctx: Context, purchase: Purchase) -> Effects:
    member = ctx.need_member()
    lines = [
        t(
            ctx.lang,
            "purchase_show_title",
            id=purchase.id,
            association=purchase.association_name,
            status=status_text(purchase, ctx.now, ctx.lang),
        ),
        *summary_lines(purchase, ctx.lang, ctx.tz, ctx.today),
        progress_text(purchase, ctx.lang),
    ]
    orders = await purchases.orders_of(ctx.conn, purchase.id)
    if orders:
        named = [f"{o.association_name} {o.quantity}" for o in orders[:SHOW_ORDERS]]
        if len(orders) > SHOW_ORDERS:
            named.append(t(ctx.lang, "purchase_show_more", count=len(orders) - SHOW_ORDERS))
        lines.append(t(ctx.lang, "purchase_show_orders", orders=", ".join(named)))
    mine = await purchases.order_of(ctx.conn, purchase.id, member.association_id)
    if mine:
        lines.append(t(ctx.lang, "purchase_show_yours", packs=share_text(mine, purchase.pack)))
    else:
        lines.append(t(ctx.lang, "purchase_show_yours_none"))
    choices: tuple[Choice, ...] = ()
    if purchase.is_open_at(ctx.now):
        when = when_text(purchase.closes_at, ctx.tz, ctx.lang, ctx.today)
        lines.append(t(ctx.lang, "purchase_change_until", when=when, id=purchase.id))
        choices = (order_choice(ctx.lang, purchase.id),)
    return Effects.reply(Outgoing("\n".join(lines), choices=choices))


def not_open(ctx: Context, purchase: Purchase) -> UserError:
    status = status_text(purchase, ctx.now, ctx.lang)
    return UserError(t(ctx.lang, "purchase_not_open", id=purchase.id, status=status))


# ------------------------------------------------------------------ closing early, extending


async def close_early(ctx: Context, purchase: Purchase) -> Effects:
    """Settle now, as at the deadline: the writer reads the organiser's recap (and CSV)."""
    member = ctx.need_member()
    own = purchase.association_id == member.association_id
    rights.require(ctx, MANAGE_ACTION, own)
    if purchase.status != "open":
        raise not_open(ctx, purchase)
    settled = await settle(ctx.conn, purchase, ctx.now, ctx.tz)
    if settled is None:
        raise not_open(ctx, purchase)
    await events.record_event(
        ctx.conn, ctx.now, "purchase_closed_early", member.id, detail=f"purchase={purchase.id}"
    )
    to_organiser = [
        Notification(ToMember(member_id), render)
        for member_id in settled.organiser_ids
        if member_id != member.id
        for render in settled.organiser
    ]
    replies = [render(ctx.lang) for render in settled.organiser]
    return Effects(replies=replies, notifications=[*settled.notes, *to_organiser])


async def extend(ctx: Context, purchase: Purchase, text: str) -> Effects:
    """A later deadline, once; the participants are told."""
    member = ctx.need_member()
    rights.require(ctx, MANAGE_ACTION, purchase.association_id == member.association_id)
    if not purchase.is_open_at(ctx.now):
        raise not_open(ctx, purchase)
    current = when_text(purchase.closes_at, ctx.tz, ctx.lang, ctx.today)
    if purchase.extended:
        raise UserError(t(ctx.lang, "purchase_extend_once", id=purchase.id, when=current))
    if not text.strip():
        raise UserError(t(ctx.lang, "purchase_extend_usage", id=purchase.id))
    try:
        deadline = parse_deadline(text, ctx.now, ctx.tz)
    except Invalid as error:
        raise UserError(error_text(ctx.lang, error)) from None
    if deadline.closes_at <= purchase.closes_at:
        raise UserError(t(ctx.lang, "purchase_extend_earlier", id=purchase.id, when=current))
    reminded_at = ctx.now if deadline.remind_at <= ctx.now else None
    if not await purchases.extend(
        ctx.conn, purchase.id, deadline.closes_at, deadline.remind_at, reminded_at, ctx.now
    ):
        raise UserError(t(ctx.lang, "purchase_extend_once", id=purchase.id, when=current))
    await events.record_event(
        ctx.conn,
        ctx.now,
        "purchase_extended",
        member.id,
        detail=f"purchase={purchase.id};closes_at={deadline.closes_at.isoformat()}",
    )
    extended = await load(ctx, purchase.id)
    today = ctx.today

    def render(lang: str) -> Outgoing:
        return Outgoing(
            t(
                lang,
                "purchase_extended_notice",
                id=extended.id,
                product=extended.product,
                association=extended.association_name,
                when=when_text(extended.closes_at, ctx.tz, lang, today),
                progress=progress_text(extended, lang),
            )
        )

    notes = await news_to_participants(ctx, extended, render)
    when = when_text(extended.closes_at, ctx.tz, ctx.lang, ctx.today)
    if deadline.shifted:
        when += " " + t(ctx.lang, "purchase_summary_shifted", typed=deadline.typed)
    reply = t(ctx.lang, "purchase_extended", id=extended.id, when=when)
    return Effects(replies=[Outgoing(reply)], notifications=notes)


async def news_to_participants(
    ctx: Context, purchase: Purchase, render: Callable[[str], Outgoing]
) -> list[Notification]:
    """One message to each participant's coordinator and to the organiser (the writer gets
    the reply instead: the dispatcher leaves them out)."""
    ids = {order.member_id for order in await purchases.orders_of(ctx.conn, purchase.id)}
    ids.add(purchase.organiser_id)
    return [Notification(ToMember(member_id), render) for member_id in sorted(ids)]


# ------------------------------------------------------------------ /commande


async def order_command(ctx: Context, args: str) -> Effects:
    """`/commande N QUANTITÉ` (0 withdraws); `/commande N` alone asks how many."""
    parsed = split_post_ref(args)
    if parsed is None:
        raise UserError(t(ctx.lang, "purchase_commit_usage"))
    purchase_id, rest = parsed
    purchase = await load(ctx, purchase_id)
    if not rest:
        return await ask_quantity(ctx, purchase)
    return await order(ctx, purchase, rest)


async def order(ctx: Context, purchase: Purchase, text: str) -> Effects:
    try:
        quantity = parse_quantity(text)
    except Invalid as error:
        raise UserError(t(ctx.lang, error.key, id=purchase.id)) from None
    return await commit(ctx, purchase, quantity)


async def ask_quantity(ctx: Context, purchase: Purchase) -> Effects:
    """The one-tap « 🛒 Commander »: how many, as the member's waiting question (unless a post
    of theirs waits for its own answer: then the command says how)."""
    member = ctx.need_member()
    if not purchase.is_open_at(ctx.now):
        raise not_open(ctx, purchase)
    waiting = await drafts.draft_of(ctx.conn, member.id)
    if (
        waiting is not None
        and waiting.question not in QUESTIONS
        and ctx.now - waiting.created_at < ctx.config.question_ttl
    ):
        return Effects.reply(Outgoing(t(ctx.lang, "purchase_ask_busy", id=purchase.id)))
    payload = json.dumps({"purchase_id": purchase.id})
    await drafts.save_draft(ctx.conn, member.id, QUESTION_QUANTITY, payload, ctx.now)
    text = t(
        ctx.lang,
        "purchase_ask_quantity",
        association=member.association_name,
        id=purchase.id,
        product=purchase.product,
        price=euros(purchase.unit_price_cents),
        pack=pack_alone(purchase.pack),
    )
    return Effects.reply(Outgoing(text))


async def answer_quantity(ctx: Context, draft: drafts.Draft, text: str) -> Effects | None:
    """« 5 », « 5 sacs », « 0 »: the order; « annuler »: nothing; anything else is read as
    a new message (the question is dropped)."""
    member = ctx.need_member()
    answer = fold(text)
    await drafts.drop_draft(ctx.conn, member.id)
    if answer in STOP_WORDS:
        return Effects.reply(Outgoing(t(ctx.lang, "purchase_guided_stopped")))
    if not answer[:1].isdigit():
        return None
    purchase = await load(ctx, int(json.loads(draft.payload)["purchase_id"]))
    return await order(ctx, purchase, text)


def level_of(purchase: Purchase) -> int:
    if purchase.reached:
        return 100
    return 50 if purchase.percent >= 50 else 0


async def commit(ctx: Context, purchase: Purchase, quantity: int) -> Effects:
    """The writer's association now takes `quantity` packs (0: withdraws)."""
    member = ctx.need_member()
    if not purchase.is_open_at(ctx.now):
        raise not_open(ctx, purchase)
    before = await purchases.order_of(ctx.conn, purchase.id, member.association_id)
    if quantity == 0 and not before:
        raise UserError(
            t(
                ctx.lang,
                "purchase_nothing_to_withdraw",
                association=member.association_name,
                id=purchase.id,
            )
        )
    await purchases.set_order(
        ctx.conn, purchase.id, member.association_id, member.id, quantity, ctx.now
    )
    await events.record_event(
        ctx.conn,
        ctx.now,
        "purchase_committed" if quantity else "purchase_withdrawn",
        member.id,
        quantity=quantity,
        unit="pack",
        detail=f"purchase={purchase.id};association={member.association_id};before={before or 0}",
    )
    after = await load(ctx, purchase.id)
    if quantity:
        line = t(
            ctx.lang,
            "purchase_committed",
            association=member.association_name,
            packs=share_text(quantity, after.pack),
            id=after.id,
            product=after.product,
            amount=euros(quantity * after.unit_price_cents),
        )
    else:
        line = t(
            ctx.lang,
            "purchase_withdrawn",
            association=member.association_name,
            id=after.id,
            product=after.product,
        )
    news_key = await threshold_crossed(ctx, after)
    lines = [line, progress_text(after, ctx.lang)]
    notes: list[Notification] = []
    if news_key is not None:
        lines.append(t(ctx.lang, f"{news_key}_you"))
        today = ctx.today

        def render(lang: str) -> Outgoing:
            return Outgoing(
                t(
                    lang,
                    news_key,
                    id=after.id,
                    product=after.product,
                    progress=progress_text(after, lang),
                    when=when_text(after.closes_at, ctx.tz, lang, today),
                )
            )

        notes = await news_to_participants(ctx, after, render)
    when = when_text(after.closes_at, ctx.tz, ctx.lang, ctx.today)
    lines.append(t(ctx.lang, "purchase_change_until", when=when, id=after.id))
    return Effects(replies=[Outgoing("\n".join(lines))], notifications=notes)


async def threshold_crossed(ctx: Context, purchase: Purchase) -> str | None:
    """The news a change makes for every participant, if any: half the minimum reached (told
    once), the minimum reached, the minimum lost again. The level told is kept on the row."""
    level = level_of(purchase)
    told = purchase.progress_level
    key: str | None = None
    if level == 100 and told < 100:
        key, kept = "purchase_reached_early", 100
    elif level == 50 and told == 0:
        key, kept = "purchase_half", 50
    elif level < 100 and told == 100:
        key, kept = "purchase_fell_below", 50
    else:
        return None
    await purchases.set_progress_level(ctx.conn, purchase.id, kept)
    return key
