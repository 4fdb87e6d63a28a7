"""`/profil`: where an association is, how far it goes, what it takes and gives, its means.

Any member sees their association's profile (`/profil`); its coordinators change it, in one
line (`/profil rayon 40`, `/profil commune Limoux`, `/profil reçoit laitiers, fruits`,
`/profil donne tout`, `/profil capacites chambre froide, bénévoles`), with a location pin, or
guided (`/profil modifier`): five short questions asked one at a time as the member's pending
question (`storage/drafts.py`), with buttons on Telegram and numbered answers on WhatsApp,
« passer » keeping a value. Every change is confirmed in one line and written to the event log.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from handlers import rights
from handlers.category_words import SUGGESTED_WORDS, fold_text, read_categories
from handlers.context import Context, Effects, UserError
from handlers.messages import Choice, Location, Outgoing
from handlers.routing import DEFAULT_REACH_KM, MAX_REACH_KM
from handlers.texts import t
from handlers.understanding import Commune, Gazetteer
from storage import drafts, events, members, profiles
from storage.db import Conn
from storage.models import Profile

Field = Literal["commune", "reach", "takes", "gives", "capacities"]
STEPS: Final[tuple[Field, ...]] = ("commune", "reach", "takes", "gives", "capacities")
QUESTION_PREFIX: Final = "profile_"
QUESTIONS: Final = frozenset(f"{QUESTION_PREFIX}{step}" for step in STEPS)
CHANGE_ACTION: Final = "profil_changer"  # the rights table's row for a change

# The words after /profil, folded (lower case, no accents).
FIELD_WORDS: Final[dict[str, Field]] = {
    **dict.fromkeys(("commune", "ville", "lieu", "adresse", "town", "place"), "commune"),
    **dict.fromkeys(("rayon", "distance", "km", "reach", "radius", "portee"), "reach"),
    **dict.fromkeys(("recoit", "recois", "recevoir", "prend", "accepte", "takes"), "takes"),
    **dict.fromkeys(("donne", "donner", "donnons", "gives", "give"), "gives"),
    **dict.fromkeys(
        ("capacites", "capacite", "moyens", "moyen", "equipement", "capacities"), "capacities"
    ),
}
GUIDED_WORDS: Final = frozenset({"modifier", "changer", "guide", "guider", "edit", "setup"})
SKIP_WORDS: Final = frozenset({"passer", "passe", "skip", "suivant", "garder", "next", "pareil"})
STOP_WORDS: Final = frozenset({"annuler", "annule", "stop", "arreter", "fin", "cancel"})
EXAMPLES: Final[dict[Field, str]] = {
    "commune": "/profil commune Limoux",
    "reach": "/profil rayon 40",
    "takes": "/profil reçoit laitiers, fruits et légumes",
    "gives": "/profil donne tout",
    "capacities": "/profil capacites chambre froide, bénévoles",
}
# The ascii command each field's buttons send (Telegram callback data stays short).
COMMAND_WORD: Final[dict[Field, str]] = {
    "commune": "commune",
    "reach": "rayon",
    "takes": "recoit",
    "gives": "donne",
    "capacities": "capacites",
}
REACH_CHOICES: Final = (10, 20, 30, 50)

Capacity = Literal["cold_storage", "cold_vehicle", "dry_storage", "volunteers"]
CAPACITIES: Final[tuple[Capacity, ...]] = (
    "cold_storage",
    "cold_vehicle",
    "dry_storage",
    "volunteers",
)
# Checked in order: « camion frigo » is a vehicle before « frigo » is a cold room.
_CAPACITY_WORDS: Final[tuple[tuple[str, Capacity], ...]] = (
    (
        r"(?:camion|camionnette|vehicule|voiture|utilitaire|fourgon)s?"
        r"(?: (?:frigo|frigorifique|refrigere|isotherme)s?)|camion frigo|"
        r"refrigerated (?:van|vehicle|truck)|cold vehicle",
        "cold_vehicle",
    ),
    (
        r"chambres? froides?|frigos?|refrigerateurs?|congelateurs?|froid|"
        r"stockage (?:froid|frigo)|cold (?:room|storage)|fridge",
        "cold_storage",
    ),
    (
        r"stockage(?: sec)?|entrepot|local|reserve|depot|dry storage|storage",
        "dry_storage",
    ),
    (r"benevoles?|volontaires?|bras|volunteers?", "volunteers"),
)
CAPACITY_PATTERNS: Final[tuple[tuple[re.Pattern[str], Capacity], ...]] = tuple(
    (re.compile(rf"^(?:{pattern})$"), capacity) for pattern, capacity in _CAPACITY_WORDS
)
NO_CAPACITY_WORDS: Final = frozenset({"aucune", "aucun", "rien", "none", "nothing", "non"})
_ITEM_SPLIT: Final = re.compile(r"\s*(?:,|;|/|\+|&|\bet\b|\band\b)\s*")
_NUMBER: Final = re.compile(r"^(\d{1,6}(?:[.,]\d+)?)\s*(?:km|kms|kilometres?)?\.?$")


class Invalid(Exception):
    """A value that cannot be set: the catalogue key of the answer and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


# ------------------------------------------------------------------ pure readings


def parse_reach(text: str) -> float:
    """« 40 », « 40 km », « 12,5 » → km, between 1 and MAX_REACH_KM."""
    found = _NUMBER.match(fold_text(text).strip())
    if found is None:
        raise Invalid("profile_reach_invalid", max=int(MAX_REACH_KM))
    km = float(found.group(1).replace(",", "."))
    if not 1 <= km <= MAX_REACH_KM:
        raise Invalid("profile_reach_invalid", max=int(MAX_REACH_KM))
    return km


def parse_categories(text: str) -> frozenset[str] | None:
    """The categories an association takes or gives; None for every one (« tout »)."""
    words = read_categories(text)
    if words.unknown or not (words.categories or words.every or words.none):
        shown = ", ".join(f"« {w} »" for w in words.unknown) or f"« {text.strip()} »"
        raise Invalid(
            "profile_categories_unknown", words=shown, accepted=", ".join(SUGGESTED_WORDS)
        )
    if words.every:
        return None
    return words.categories


def parse_capacities(text: str) -> dict[Capacity, bool]:
    """« chambre froide, camion frigo » → the four capacities (those not named: False)."""
    items = [i.strip(" .!?") for i in _ITEM_SPLIT.split(fold_text(text)) if i.strip(" .!?")]
    chosen: set[Capacity] = set()
    unknown: list[str] = []
    for item in items:
        if item in NO_CAPACITY_WORDS:
            continue
        capacity = next((c for pattern, c in CAPACITY_PATTERNS if pattern.match(item)), None)
        if capacity is None:
            unknown.append(item)
        else:
            chosen.add(capacity)
    if unknown or not items:
        shown = ", ".join(f"« {w} »" for w in unknown) or f"« {text.strip()} »"
        raise Invalid("profile_capacities_unknown", words=shown)
    return {capacity: capacity in chosen for capacity in CAPACITIES}


def find_commune(gazetteer: Gazetteer, text: str) -> Commune:
    """The commune named, or Invalid with homonyms or close names to choose from."""
    name = " ".join(text.split())
    homonyms = gazetteer.homonyms(name)
    if len(homonyms) > 1:
        listed = [
            f"{c.name} ({c.postal_codes[0] if c.postal_codes else c.department})"
            for c in homonyms[:4]
        ]
        first = homonyms[0]
        example = f"{first.name} {first.postal_codes[0]}" if first.postal_codes else first.name
        raise Invalid(
            "profile_commune_ambiguous", name=name, names=", ".join(listed), example=example
        )
    commune = gazetteer.find(name)
    if commune is None or commune.latitude is None or commune.longitude is None:
        close = ", ".join(f"{c.name} ({c.department})" for c in gazetteer.suggestions(name))
        raise Invalid("profile_commune_unknown", name=name, close=close)
    return commune


# ------------------------------------------------------------------ wording


def category_names(lang: str, categories: frozenset[str] | None) -> str:
    if categories is None:
        return t(lang, "profile_every_category")
    if not categories:
        return t(lang, "profile_no_category")
    return ", ".join(t(lang, f"cat_{slug}") for slug in sorted(categories))


def capacity_names(lang: str, profile: Profile) -> str:
    held = [t(lang, f"capacity_{c}") for c in CAPACITIES if getattr(profile, c)]
    return ", ".join(held) if held else t(lang, "profile_no_capacity")


def km_text(km: float) -> str:
    return f"{km:g}".replace(".", ",")


def place_text(lang: str, profile: Profile) -> str:
    if profile.point is None:
        return t(lang, "profile_place_unknown")
    return profile.commune or t(lang, "profile_place_pin")


def current_value(lang: str, profile: Profile, field: Field) -> str:
    if field == "commune":
        return place_text(lang, profile)
    if field == "reach":
        return f"{km_text(profile.reach_km)} km"
    if field == "takes":
        return category_names(lang, profile.takes)
    if field == "gives":
        return category_names(lang, profile.gives)
    return capacity_names(lang, profile)


def profile_text(lang: str, profile: Profile, may_change: bool) -> str:
    default = t(lang, "profile_default") if profile.reach_km == DEFAULT_REACH_KM else ""
    lines = [
        t(lang, "profile_title", association=profile.name),
        t(lang, "profile_place", place=place_text(lang, profile)),
        t(lang, "profile_reach", km=km_text(profile.reach_km), default=default),
        t(lang, "profile_takes", categories=category_names(lang, profile.takes)),
        t(lang, "profile_gives", categories=category_names(lang, profile.gives)),
        t(lang, "profile_capacities", capacities=capacity_names(lang, profile)),
        t(lang, "profile_how_to_change" if may_change else "profile_members_cannot_change"),
    ]
    return "\n".join(lines)


def invalid_text(lang: str, error: Invalid) -> str:
    values = dict(error.values)
    if "close" in values:  # close names, in a sentence of the reader's language
        close = values.pop("close")
        values["suggestions"] = t(lang, "profile_commune_suggestions", names=close) if close else ""
    return t(lang, error.key, **values)


# ------------------------------------------------------------------ applying a change


@dataclass(frozen=True)
class Change:
    columns: dict[str, object]
    line_key: str
    line_values: dict[str, object]
    detail: str


def change_of(gazetteer: Gazetteer, lang: str, field: Field, value: str) -> Change:
    """What setting `field` to `value` changes (Invalid when it cannot be read)."""
    if field == "commune":
        commune = find_commune(gazetteer, value)
        return Change(
            {"commune": commune.name, "latitude": commune.latitude, "longitude": commune.longitude},
            "profile_set_commune",
            {"commune": commune.name, "department": commune.department},
            f"commune={commune.name}",
        )
    if field == "reach":
        km = parse_reach(value)
        return Change(
            {"reach_km": km}, "profile_set_reach", {"km": km_text(km)}, f"reach_km={km:g}"
        )
    if field in ("takes", "gives"):
        categories = parse_categories(value)
        stored = profiles.categories_text(categories)
        return Change(
            {field: categories},
            f"profile_set_{field}",
            {"categories": category_names(lang, categories)},
            f"{field}={'*' if stored is None else stored}",
        )
    held = parse_capacities(value)
    names = [t(lang, f"capacity_{c}") for c in CAPACITIES if held[c]]
    listed = ",".join(c for c in CAPACITIES if held[c])
    columns: dict[str, object] = {capacity: held[capacity] for capacity in CAPACITIES}
    return Change(
        columns,
        "profile_set_capacities",
        {"capacities": ", ".join(names) or t(lang, "profile_no_capacity")},
        f"capacities={listed}",
    )


async def apply(
    conn: Conn, association_id: int, change: Change, actor_id: int | None, now: datetime
) -> None:
    """Store the change and log it (`profile_changed`; actor None: the command line)."""
    await profiles.set_profile(conn, association_id, **change.columns)
    detail = f"association={association_id};{change.detail}"
    await events.record_event(conn, now, "profile_changed", actor_id, detail=detail)


async def load_profile(ctx: Context) -> Profile:
    member = ctx.need_member()
    profile = await profiles.profile_of(ctx.conn, member.association_id)
    assert profile is not None, "a member's association exists"
    return profile


async def change(ctx: Context, field: Field, value: str) -> str:
    """Set one field of the writer's association's profile; the one-line confirmation."""
    member = ctx.need_member()
    try:
        found = change_of(ctx.gazetteer, ctx.lang, field, value)
    except Invalid as error:
        raise UserError(invalid_text(ctx.lang, error)) from None
    await apply(ctx.conn, member.association_id, found, member.id, ctx.now)
    return t(ctx.lang, found.line_key, **found.line_values)


# ------------------------------------------------------------------ the command


def is_profile_args(args: str) -> bool:
    """`profil rayon 40` written without the slash (WhatsApp): one of /profil's words first."""
    head = fold_text(args.split(maxsplit=1)[0]).strip(" :.") if args.split() else ""
    return head in FIELD_WORDS or head in GUIDED_WORDS or head in SKIP_WORDS


def may_change(ctx: Context) -> bool:
    return isinstance(rights.may(rights.who(ctx.member), CHANGE_ACTION), rights.Allowed)


async def profile_command(ctx: Context, args: str) -> Effects:
    words = args.split(maxsplit=1)
    if not words:
        profile = await load_profile(ctx)
        return Effects.reply(Outgoing(profile_text(ctx.lang, profile, may_change(ctx))))
    head = fold_text(words[0]).strip(" :.")
    rest = words[1].strip() if len(words) > 1 else ""
    field = FIELD_WORDS.get(head)
    if field is None and head not in GUIDED_WORDS and head not in SKIP_WORDS:
        raise UserError(t(ctx.lang, "profile_usage", word=words[0][:30]))
    rights.require(ctx, CHANGE_ACTION)
    waiting = await guided_draft(ctx)
    if head in GUIDED_WORDS:
        return await ask(ctx, "commune", [])
    if head in SKIP_WORDS:
        if waiting is None:
            return Effects.reply(Outgoing(t(ctx.lang, "profile_nothing_guided")))
        return await advance(ctx, waiting, [])
    assert field is not None
    if not rest:
        raise UserError(t(ctx.lang, "profile_missing_value", example=EXAMPLES[field]))
    line = await change(ctx, field, rest)
    if waiting is not None:  # a button of the guided profile, or the step answered by hand
        return await advance(ctx, field if waiting == field else waiting, [line], waiting == field)
    return Effects.reply(Outgoing(line))


async def guided_draft(ctx: Context) -> Field | None:
    """The step of the guided profile waiting for this member, if any and still alive."""
    member = ctx.need_member()
    draft = await drafts.draft_of(ctx.conn, member.id)
    if draft is None or draft.question not in QUESTIONS:
        return None
    if ctx.now - draft.created_at >= ctx.config.question_ttl:
        await drafts.drop_draft(ctx.conn, member.id)
        return None
    return step_of(draft.question)


def step_of(question: str) -> Field:
    step = question.removeprefix(QUESTION_PREFIX)
    return next(field for field in STEPS if field == step)


def choices(lang: str, field: Field) -> list[tuple[str, str]]:
    """(label, value) of the step's one-tap answers; the value "" skips."""
    found: list[tuple[str, str]] = []
    if field == "reach":
        found = [(t(lang, "profile_button_km", km=km), str(km)) for km in REACH_CHOICES]
    elif field in ("takes", "gives"):
        found = [(t(lang, "profile_button_every"), "tout")]
    elif field == "capacities":
        found = [(t(lang, "profile_button_none"), "aucune")]
    return [*found, (t(lang, "profile_button_skip"), "")]


async def ask(ctx: Context, field: Field, lines: list[str]) -> Effects:
    """Save `field` as the waiting step and ask it (after `lines`, the last confirmation)."""
    member = ctx.need_member()
    payload = json.dumps({"step": field})
    await drafts.save_draft(ctx.conn, member.id, f"{QUESTION_PREFIX}{field}", payload, ctx.now)
    profile = await load_profile(ctx)
    question = t(ctx.lang, f"profile_step_{field}", current=current_value(ctx.lang, profile, field))
    buttons = tuple(
        Choice(
            label,
            f"/profil {COMMAND_WORD[field]} {value}" if value else "/profil passer",
            str(index),
        )
        for index, (label, value) in enumerate(choices(ctx.lang, field), 1)
    )
    text = "\n".join([*lines, question, t(ctx.lang, "profile_step_hint")])
    return Effects.reply(Outgoing(text, choices=buttons))


async def advance(ctx: Context, field: Field, lines: list[str], done: bool = True) -> Effects:
    """After `field` (answered or skipped): the next step, or the profile when it was the last."""
    if not done:
        return await ask(ctx, field, lines)
    following = STEPS.index(field) + 1
    if following < len(STEPS):
        return await ask(ctx, STEPS[following], lines)
    await drafts.drop_draft(ctx.conn, ctx.need_member().id)
    profile = await load_profile(ctx)
    summary = profile_text(ctx.lang, profile, False).split("\n")[:-1]
    return Effects.reply(
        Outgoing("\n".join([*lines, t(ctx.lang, "profile_guided_done"), *summary]))
    )


async def answer_step(ctx: Context, draft: drafts.Draft, text: str) -> Effects | None:
    """A typed answer to the waiting step: « 2 », « passer », « annuler », or the value.
    None when the question has expired: it is dropped and the message read as usual."""
    member = ctx.need_member()
    if ctx.now - draft.created_at >= ctx.config.question_ttl:
        await drafts.drop_draft(ctx.conn, member.id)
        return None
    field = step_of(draft.question)
    answer = fold_text(text).strip(" .!")
    if answer in STOP_WORDS:
        await drafts.drop_draft(ctx.conn, member.id)
        return Effects.reply(Outgoing(t(ctx.lang, "profile_guided_stopped")))
    options = choices(ctx.lang, field)
    if answer.isdigit() and 1 <= int(answer) <= len(options) and field != "commune":
        value = options[int(answer) - 1][1]
    elif answer.isdigit() and field == "commune" and int(answer) == 1 and len(answer) == 1:
        value = ""  # « 1 »: the only choice, « passer » (a postal code has five digits)
    else:
        value = "" if answer in SKIP_WORDS else text
    if not value:
        return await advance(ctx, field, [])
    try:
        line = await change(ctx, field, value)
    except UserError as error:
        return await ask(ctx, field, [error.message])
    return await advance(ctx, field, [line])


# ------------------------------------------------------------------ a location pin


async def set_place(ctx: Context, location: Location) -> Effects:
    """A shared location sets the association's place (coordinators); during the guided
    profile it answers the place's step and the next question follows."""
    member = ctx.need_member()
    rights.require(ctx, CHANGE_ACTION)
    await members.set_association_location(
        ctx.conn, member.association_id, location.latitude, location.longitude
    )
    await events.record_event(
        ctx.conn,
        ctx.now,
        "profile_changed",
        member.id,
        detail=f"association={member.association_id};"
        f"point={location.latitude:.5f},{location.longitude:.5f}",
    )
    line = t(
        ctx.lang,
        "profile_set_pin",
        association=member.association_name,
        latitude=f"{location.latitude:.5f}",
        longitude=f"{location.longitude:.5f}",
    )
    waiting = await guided_draft(ctx)
    if waiting is not None:
        return await advance(ctx, waiting, [line], waiting == "commune")
    profile = await load_profile(ctx)
    return Effects.reply(Outgoing(f"{line}\n\n{profile_text(ctx.lang, profile, True)}"))
