"""`/ressource`: an association's equipment to lend (issue 14); `/ressources`: the network's.

A coordinator registers a resource guided (`/ressource`: five short questions, one at a time,
as the member's pending question — `storage/drafts.py` — with buttons on Telegram and numbered
answers on WhatsApp, « annuler » to stop, like `/profil modifier`), or in one line:

    /ressource Camion frigo Renault 12 m³ ; Narbonne ; permis B, à rendre propre ; accord

(name ; where ; conditions ; « accord » or « libre »; a kind may come first when the name does
not say it: `/ressource véhicule ; Renault Master ; …`). Its kind is one of the resource
categories of the understanding contract (`RESOURCE_CATEGORIES`, read from the name with the
same lexicon). Where: a commune (the gazetteer, as `/profil commune`), or free words placed at
the commune they name or else at the association. `/ressource retirer N` stops lending it.

`/ressources [sorte] [20km]`: the active resources, nearest first (the association's place, as
`/liste`), with their numbers, to book with `/reserver N …` (handlers/bookings.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final, Literal

from handlers import profile, rights
from handlers.category_words import fold_text
from handlers.context import Context, Effects, UserError
from handlers.messages import Choice, Outgoing
from handlers.routing import box_around
from handlers.texts import t
from handlers.understanding import Gazetteer, distance_km
from handlers.understanding.lexicon import CATEGORY_RES
from handlers.understanding.model import RESOURCE_CATEGORIES
from storage import drafts, events, profiles
from storage import resources as stored
from storage.resources import NewResource, Resource

Step = Literal["kind", "name", "place", "conditions", "approval"]
STEPS: Final[tuple[Step, ...]] = ("kind", "name", "place", "conditions", "approval")
QUESTION_PREFIX: Final = "resource_"
QUESTIONS: Final = frozenset(f"{QUESTION_PREFIX}{step}" for step in STEPS)
# The word after /ressource that the guided steps' buttons send (`/ressource etape 2`).
ANSWER_WORD: Final = "etape"
WITHDRAW_WORDS: Final = frozenset({"retirer", "supprimer", "enlever", "remove", "withdraw"})
STOP_WORDS: Final = profile.STOP_WORDS
APPROVAL_YES: Final = frozenset(
    {"oui", "accord", "avec accord", "avec notre accord", "validation", "yes", "approval"}
)
APPROVAL_NO: Final = frozenset(
    {"non", "libre", "direct", "directe", "sans accord", "no", "free", "open"}
)
NO_CONDITIONS: Final = frozenset({"aucune", "aucun", "rien", "non", "none", "sans", "-"})
AT_HOME_WORDS: Final = frozenset({"chez nous", "ici", "chez vous", "passer", "here"})
MAX_NAME = 80
MAX_CONDITIONS = 300
MAX_PLACE = 80
# What `/ressources` shows: the nearest this many, within this distance by default.
LIST_LIMIT = 15
DEFAULT_RADIUS_KM = 50.0
MAX_RADIUS_KM = 500.0
_RADIUS_RE: Final = re.compile(r"^(?:<\s?|rayon\s)?(\d{1,3}(?:[.,]\d+)?)\s?(?:km|kms)$")
_NUMBER_RE: Final = re.compile(r"^(?:n°|no|n|#)?\s?(\d{1,9})$")
KIND_EMOJI: Final[dict[str, str]] = {
    "vehicule_frigo": "🚚❄️",
    "vehicule": "🚚",
    "stockage_froid": "❄️",
    "stockage": "📦",
    "conserverie": "🫙",
    "manutention": "🛒",
    "benevoles": "🙋",
}


# ------------------------------------------------------------------ pure readings


def kind_word(text: str) -> str | None:
    """A kind written as such: its slug (« vehicule_frigo », « stockage froid ») or its name
    in French or English (« véhicule frigo », « cold storage »)."""
    folded = fold_text(text).strip(" .!?").replace("_", " ")
    for slug in RESOURCE_CATEGORIES:
        names = {
            slug.replace("_", " "),
            *(fold_text(t(lang, f"cat_{slug}")) for lang in ("fr", "en")),
        }
        if folded in names:
            return slug
    return None


def kind_of(text: str) -> str | None:
    """The kind a name says (« Camion frigo Renault 12 m³ » → vehicule_frigo), read with the
    understanding's lexicon; the most specific first (a cold van before a van)."""
    found = kind_word(text)
    if found is not None:
        return found
    folded = fold_text(text)
    return next((slug for slug in RESOURCE_CATEGORIES if CATEGORY_RES[slug].search(folded)), None)


def approval_of(text: str) -> bool | None:
    folded = fold_text(text).strip(" .!?")
    if folded in APPROVAL_YES:
        return True
    if folded in APPROVAL_NO:
        return False
    return None


@dataclass(frozen=True)
class Place:
    """Where a resource is: the words shown, and a point when known."""

    text: str
    latitude: float | None
    longitude: float | None


def place_of(gazetteer: Gazetteer, text: str, home: Place) -> Place:
    """A commune (« Narbonne », « Saint-Martin 11300 »), free words naming one (« entrepôt ZI
    de Narbonne »: placed there), other free words (placed at the association), or « chez
    nous » (the association's place). A commune name shared by several: profile.Invalid."""
    words = " ".join(text.split())[:MAX_PLACE]
    if not words or fold_text(words) in AT_HOME_WORDS:
        return home
    try:
        commune = profile.find_commune(gazetteer, words)
    except profile.Invalid as error:
        if error.key == "profile_commune_ambiguous":
            raise
        found = gazetteer.find_in(words)
        if found is not None and found.latitude is not None and found.longitude is not None:
            return Place(words, found.latitude, found.longitude)
        return Place(words, home.latitude, home.longitude)
    return Place(commune.name, commune.latitude, commune.longitude)


@dataclass(frozen=True)
class OneLine:
    kind: str
    name: str
    place: str
    conditions: str
    needs_approval: bool


class Unreadable(Exception):
    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def read_one_line(text: str) -> OneLine:
    """« NOM ; LIEU ; CONDITIONS ; accord|libre » (a kind may come first; only the name is
    needed: no place is the association's, no conditions none, approval by default)."""
    fields = [" ".join(part.split()) for part in re.split(r"[;|]", text)]
    kind = kind_word(fields[0]) if len(fields) > 1 else None
    if kind is not None:
        fields = fields[1:]
    name = fields[0][:MAX_NAME]
    if not name:
        raise Unreadable("resource_name_missing")
    kind = kind or kind_of(name)
    if kind is None:
        raise Unreadable("resource_kind_unknown", name=name)
    place = fields[1] if len(fields) > 1 else ""
    conditions = fields[2] if len(fields) > 2 else ""
    if fold_text(conditions).strip(" .") in NO_CONDITIONS:
        conditions = ""
    approval = True
    if len(fields) > 3 and fields[3]:
        chosen = approval_of(fields[3])
        if chosen is None:
            raise Unreadable("resource_approval_unknown", word=fields[3][:30])
        approval = chosen
    if len(fields) > 4:
        raise Unreadable("resource_too_many_fields")
    return OneLine(kind, name, place, conditions[:MAX_CONDITIONS], approval)


# ------------------------------------------------------------------ wording


def kind_name(lang: str, kind: str) -> str:
    return t(lang, f"cat_{kind}")


def resource_line(lang: str, resource: Resource, where: str = "") -> str:
    """« n°3 · 🚚❄️ véhicule frigo · Camion frigo — Narbonne, à 8 km (Restos) · sur accord »"""
    emoji = KIND_EMOJI.get(resource.kind, "")
    place = resource.place or t(lang, "resource_place_association")
    located = f"{place}, {where}" if where else place
    approval = t(lang, "resource_on_approval" if resource.needs_approval else "resource_direct")
    return t(
        lang,
        "resource_line",
        id=resource.id,
        emoji=emoji,
        kind=kind_name(lang, resource.kind),
        name=resource.name,
        place=located,
        association=resource.association_name,
        approval=approval,
    )


def resource_card(lang: str, resource: Resource) -> str:
    """The registration's confirmation: what was stored and how others book it."""
    lines = [
        t(lang, "resource_registered", id=resource.id, name=resource.name),
        t(lang, "resource_card_kind", kind=kind_name(lang, resource.kind)),
        t(
            lang,
            "resource_card_place",
            place=resource.place or t(lang, "resource_place_association"),
        ),
        t(
            lang,
            "resource_card_conditions",
            conditions=resource.conditions or t(lang, "resource_no_conditions"),
        ),
        t(
            lang,
            "resource_card_approval_on"
            if resource.needs_approval
            else "resource_card_approval_off",
        ),
        t(lang, "resource_card_how_to_book", id=resource.id),
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ /ressource


async def home_place(ctx: Context) -> Place:
    member = ctx.need_member()
    found = await profiles.profile_of(ctx.conn, member.association_id)
    if found is None:
        return Place("", None, None)
    return Place(found.commune or "", found.latitude, found.longitude)


async def register(ctx: Context, line: OneLine, place: Place) -> Resource:
    member = ctx.need_member()
    resource = await stored.create_resource(
        ctx.conn,
        NewResource(
            association_id=member.association_id,
            kind=line.kind,
            name=line.name,
            place=place.text,
            latitude=place.latitude,
            longitude=place.longitude,
            conditions=line.conditions,
            needs_approval=line.needs_approval,
        ),
        member.id,
        ctx.now,
    )
    detail = json.dumps(
        {
            "resource": resource.id,
            "association": member.association_id,
            "kind": resource.kind,
            "needs_approval": resource.needs_approval,
        }
    )
    await events.record_event(ctx.conn, ctx.now, "resource_registered", member.id, detail=detail)
    return resource


async def resource_command(ctx: Context, args: str) -> Effects:
    """`/ressource` (guided), `/ressource NOM ; LIEU ; CONDITIONS ; accord|libre`, `/ressource
    retirer N`, and `/ressource etape …` (the guided steps' buttons). Coordinators only (the
    rights table)."""
    words = args.split(maxsplit=1)
    head = fold_text(words[0]).strip(" :.") if words else ""
    rest = words[1].strip() if len(words) > 1 else ""
    if not words:
        return await ask(ctx, "kind", {}, [])
    if head == ANSWER_WORD:
        draft = await guided_draft(ctx)
        if draft is None:
            return Effects.reply(Outgoing(t(ctx.lang, "resource_nothing_guided")))
        return await answer_step(ctx, draft, rest) or Effects.reply(
            Outgoing(t(ctx.lang, "resource_nothing_guided"))
        )
    if head in WITHDRAW_WORDS:
        return await withdraw(ctx, rest)
    try:
        line = read_one_line(args)
        place = place_of(ctx.gazetteer, line.place, await home_place(ctx))
    except Unreadable as error:
        raise UserError(t(ctx.lang, error.key, **error.values)) from None
    except profile.Invalid as error:
        raise UserError(profile.invalid_text(ctx.lang, error)) from None
    resource = await register(ctx, line, place)
    return Effects.reply(Outgoing(resource_card(ctx.lang, resource)))


async def withdraw(ctx: Context, args: str) -> Effects:
    member = ctx.need_member()
    found = _NUMBER_RE.match(fold_text(args).strip(" ."))
    if found is None:
        raise UserError(t(ctx.lang, "resource_withdraw_usage"))
    resource = await stored.resource_by_id(ctx.conn, int(found.group(1)))
    if resource is None or resource.status != "active":
        raise UserError(t(ctx.lang, "resource_unknown", id=found.group(1)))
    rights.require(
        ctx, "ressource", resource.association_id == member.association_id, id=resource.id
    )
    coming = await stored.live_bookings_after(ctx.conn, resource.id, ctx.now, 1)
    if coming:
        raise UserError(t(ctx.lang, "resource_withdraw_booked", id=resource.id))
    await stored.withdraw_resource(ctx.conn, resource.id)
    detail = json.dumps({"resource": resource.id, "association": member.association_id})
    await events.record_event(ctx.conn, ctx.now, "resource_withdrawn", member.id, detail=detail)
    return Effects.reply(
        Outgoing(t(ctx.lang, "resource_withdrawn", id=resource.id, name=resource.name))
    )


# ------------------------------------------------------------------ the guided registration


async def guided_draft(ctx: Context) -> drafts.Draft | None:
    """The guided registration's waiting step for this member, if any and still alive."""
    member = ctx.need_member()
    draft = await drafts.draft_of(ctx.conn, member.id)
    if draft is None or draft.question not in QUESTIONS:
        return None
    if ctx.now - draft.created_at >= ctx.config.question_ttl:
        await drafts.drop_draft(ctx.conn, member.id)
        return None
    return draft


def step_of(question: str) -> Step:
    step = question.removeprefix(QUESTION_PREFIX)
    return next(s for s in STEPS if s == step)


def choices(lang: str, step: Step, home: Place) -> list[tuple[str, str]]:
    """(label, value) of the step's one-tap answers, numbered from 1 on WhatsApp."""
    if step == "kind":
        return [
            (f"{KIND_EMOJI[slug]} {kind_name(lang, slug)}", slug) for slug in RESOURCE_CATEGORIES
        ]
    if step == "place" and home.text:
        return [(t(lang, "resource_button_at_home", place=home.text), "chez nous")]
    if step == "conditions":
        return [(t(lang, "resource_button_no_conditions"), "aucune")]
    if step == "approval":
        return [
            (t(lang, "resource_button_approval"), "accord"),
            (t(lang, "resource_button_direct"), "libre"),
        ]
    return []


async def ask(ctx: Context, step: Step, answers: dict[str, object], lines: list[str]) -> Effects:
    """Save `step` as the waiting question (with the answers so far) and ask it."""
    member = ctx.need_member()
    payload = json.dumps(answers, ensure_ascii=False)
    await drafts.save_draft(ctx.conn, member.id, f"{QUESTION_PREFIX}{step}", payload, ctx.now)
    home = await home_place(ctx)
    question = t(ctx.lang, f"resource_step_{step}", place=home.text or "—")
    buttons = tuple(
        Choice(label, f"/ressource {ANSWER_WORD} {value}", str(index))
        for index, (label, value) in enumerate(choices(ctx.lang, step, home), 1)
    )
    text = "\n".join([*lines, question, t(ctx.lang, "resource_step_hint")])
    return Effects.reply(Outgoing(text, choices=buttons))


async def answer_step(ctx: Context, draft: drafts.Draft, text: str) -> Effects | None:
    """A typed (or tapped) answer to the waiting step: « 2 », « annuler », or the value. None
    when the question has expired: it is dropped and the message read as usual."""
    member = ctx.need_member()
    if ctx.now - draft.created_at >= ctx.config.question_ttl:
        await drafts.drop_draft(ctx.conn, member.id)
        return None
    step = step_of(draft.question)
    answers: dict[str, object] = json.loads(draft.payload)
    answer = " ".join(text.split())
    folded = fold_text(answer).strip(" .!")
    if folded in STOP_WORDS:
        await drafts.drop_draft(ctx.conn, member.id)
        return Effects.reply(Outgoing(t(ctx.lang, "resource_guided_stopped")))
    home = await home_place(ctx)
    options = choices(ctx.lang, step, home)
    if folded.isdigit() and 1 <= int(folded) <= len(options) and step != "name":
        answer = options[int(folded) - 1][1]
    if not answer:
        return await ask(ctx, step, answers, [])
    if step == "kind":
        kind = kind_of(answer)
        if kind is None:
            return await ask(
                ctx, step, answers, [t(ctx.lang, "resource_kind_not_read", word=answer[:30])]
            )
        return await ask(ctx, "name", {**answers, "kind": kind}, [])
    if step == "name":
        return await ask(ctx, "place", {**answers, "name": answer[:MAX_NAME]}, [])
    if step == "place":
        try:
            place = place_of(ctx.gazetteer, answer, home)
        except profile.Invalid as error:
            return await ask(ctx, step, answers, [profile.invalid_text(ctx.lang, error)])
        found = {"place": place.text, "latitude": place.latitude, "longitude": place.longitude}
        return await ask(ctx, "conditions", {**answers, **found}, [])
    if step == "conditions":
        conditions = "" if folded in NO_CONDITIONS else answer[:MAX_CONDITIONS]
        return await ask(ctx, "approval", {**answers, "conditions": conditions}, [])
    approval = approval_of(answer)
    if approval is None:
        return await ask(
            ctx, step, answers, [t(ctx.lang, "resource_approval_unknown", word=answer[:30])]
        )
    await drafts.drop_draft(ctx.conn, member.id)
    line = OneLine(
        kind=str(answers["kind"]),
        name=str(answers["name"]),
        place=str(answers.get("place", "")),
        conditions=str(answers.get("conditions", "")),
        needs_approval=approval,
    )
    latitude, longitude = answers.get("latitude"), answers.get("longitude")
    place = Place(
        line.place,
        float(latitude) if isinstance(latitude, int | float) else None,
        float(longitude) if isinstance(longitude, int | float) else None,
    )
    resource = await register(ctx, line, place)
    return Effects.reply(Outgoing(resource_card(ctx.lang, resource)))


# ------------------------------------------------------------------ /ressources


@dataclass(frozen=True)
class ListRequest:
    kind: str | None
    radius_km: float | None


def read_list_args(args: str) -> ListRequest | None:
    """« », « vehicule frigo », « 20km », « chambre froide 30 km »: a kind and a distance,
    each optional; None when the words are neither."""
    folded = fold_text(args).strip(" .")
    radius: float | None = None
    found = re.search(r"(?:^|\s)((?:<\s?|rayon\s)?\d{1,3}(?:[.,]\d+)?\s?(?:km|kms))$", folded)
    if found is not None:
        number = _RADIUS_RE.match(found.group(1).strip())
        if number is None:
            return None
        radius = float(number.group(1).replace(",", "."))
        folded = folded[: found.start()].strip()
    if not folded:
        return ListRequest(None, radius)
    kind = kind_of(folded)
    return ListRequest(kind, radius) if kind is not None else None


async def list_command(ctx: Context, args: str) -> Effects:
    """The network's resources, nearest first (within 50 km unless asked), each with its
    number; without the association's place, the newest."""
    request = read_list_args(args)
    if request is None:
        raise UserError(t(ctx.lang, "resources_usage"))
    radius = request.radius_km if request.radius_km is not None else DEFAULT_RADIUS_KM
    if not 1 <= radius <= MAX_RADIUS_KM:
        raise UserError(t(ctx.lang, "resources_usage"))
    member = ctx.need_member()
    home = await home_place(ctx)
    footer = t(ctx.lang, "resources_footer")
    if home.latitude is None or home.longitude is None:
        latest = await stored.latest_resources(ctx.conn, request.kind, LIST_LIMIT)
        if not latest:
            return Effects.reply(Outgoing(t(ctx.lang, "resources_none")))
        lines = [resource_line(ctx.lang, r) for r in latest]
        lines += [t(ctx.lang, "resources_place_unknown"), footer]
        return Effects.reply(
            Outgoing(title=t(ctx.lang, "resources_title_latest"), text="\n".join(lines))
        )
    point = (home.latitude, home.longitude)
    reach = radius + 0.5
    near: list[tuple[float, Resource]] = []
    for resource in await stored.resources_in_box(ctx.conn, box_around(point, reach), request.kind):
        km = distance_km(point, resource.point) if resource.point else 0.0
        if km < reach:
            near.append((km, resource))
    near.sort(key=lambda pair: (pair[0], pair[1].id))
    if not near:
        return Effects.reply(
            Outgoing(
                t(
                    ctx.lang,
                    "resources_none_near",
                    km=f"{radius:g}",
                    wider=f"{min(radius * 3, MAX_RADIUS_KM):g}",
                )
            )
        )
    lines = []
    for km, resource in near[:LIST_LIMIT]:
        where = (
            t(ctx.lang, "list_at_home")
            if resource.association_id == member.association_id
            else t(ctx.lang, "list_distance_under_1")
            if km < 0.5
            else t(ctx.lang, "list_distance", km=round(km))
        )
        lines.append(resource_line(ctx.lang, resource, where))
    if len(near) > LIST_LIMIT:
        lines.append(t(ctx.lang, "resources_more", count=len(near) - LIST_LIMIT))
    lines.append(footer)
    title = t(ctx.lang, "resources_title", count=len(near), km=f"{radius:g}")
    return Effects.reply(Outgoing(title=title, text="\n".join(lines)))


def is_list_args(args: str) -> bool:
    """`ressources 20km` without the slash (WhatsApp): only what `/ressources` accepts."""
    return read_list_args(args) is not None
