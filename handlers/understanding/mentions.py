"""What a message names (contract: category, rule 3): every lexicon and vocabulary
mention, whether it is only the setting, and the category the first goods decide."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from . import lexicon as lx
from . import prefilter
from .foods import find_foods, find_misspelt_foods
from .model import RESOURCE_CATEGORIES
from .text import Folded

# -- categories ----------------------------------------------------------------------------
_LOCATION_BEFORE_RE: Final = re.compile(
    r"(?:\ba l'|\bau|\ba la|\bdans l'|\bdans (?:le|la|les|notre|nos|un|une|leur|leurs|votre)|"
    r"\bchez|\bdepuis l'|\bdevant l'|\bdevant (?:le|la)|\bpres (?:du|de l'|de la)|\bvers l')\s?$"
)
# « 3 pal yaourts en CF », « stockés en chambre froide »: where the goods are kept, not a store
# offered or asked for (« de la place en chambre froide » is room: _ROOM_BEFORE_RE).
# Issue 10 (tune10b): « on peut dépanner en stockage » offers storage.
_KEPT_IN_BEFORE_RE: Final = re.compile(r"(?<!depanner )(?<!aider )\ben $")
_STORES: Final = frozenset({"stockage", "stockage_froid"})
_ROOM_BEFORE_RE: Final = re.compile(
    r"\b(?:places?|espaces?|stocker|stockage|ranger)\b\s?(?:\w+\s?){0,2}$"
)

# A warehouse or depot that heads or signs a message (« BA entrepôt Carcassonne : 3 pal… »,
# « …, à prendre demain. Entrepôt de Perpignan. ») is where the goods are, not the post.
_SIGNATURE_RE: Final = re.compile(
    r"^(?:[\w'-]+ ){0,2}(?:entrepots?|depots?|local)(?: (?:de |d'|du )?[\w'-]+){0,4} ?:"
    r"|[.,;:!] ?(?:(?:a|a l'|au|de l') ?)?(?:entrepots?|depots?|local)"
    r"(?: (?:de |d'|du )?[\w'-]+){1,2}(?:, [\w' -]+)?[ .!]*$"
)
_FROM_STORE_BEFORE_RE: Final = re.compile(r"\b(?:du|de la|de l'|vider (?:le|la|l'|notre))\s?$")
_SHELF_BEFORE_RE: Final = re.compile(r"(?:\ben |\bd'|\brayons? )$")
_FRIGO_NEG_RE: Final = lx.FRIGO_NEGATED_RE
_KEEPING_NEGATED_RE: Final = re.compile(r"\b(?:pas|non|sans|ni)\s$")


# The category patterns, gated at once: one look-up of the text for all of them.
_CATEGORIES: Final = tuple(lx.CATEGORY_RES)
_CATEGORY_GATES: Final = prefilter.Gates(lx.CATEGORY_RES.values())


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    category: str
    # Named as the setting, not as the thing posted: « le repas des bénévoles », « le frigo du
    # camion en panne ». Still read for the family; the category prefers the other mentions.
    context: bool = False
    # Which item of a list of goods it belongs to (« 20 kg de fromage, quelques yaourts »):
    # a keeping word (frozen, canned, infant) decides only for the item it qualifies.
    item: int = 0

    @property
    def resource(self) -> bool:
        return self.category in RESOURCE_CATEGORIES


def find_mentions(f: Folded, start: int = 0) -> list[Mention]:
    text = f.text
    found: list[Mention] = []
    signatures: list[tuple[int, int]] | None = None  # read for the first resource (issue 12)
    for i in _CATEGORY_GATES.opened(text):
        category = _CATEGORIES[i]
        for m in _CATEGORY_GATES.finditer(i, text, start):
            category_here = category
            word = m.group(0)
            if word == "pate":
                accented = f.original(m.start(), m.end())
                is_pate = accented.endswith("é")
                if (category == "viande_poisson_oeufs") != is_pate:
                    continue
            if category == "vehicule_frigo" and _FRIGO_NEG_RE.search(word):
                category_here = "vehicule"
            if category in ("surgeles", "conserves") and _KEEPING_NEGATED_RE.search(
                text[max(0, m.start() - 8) : m.start()]
            ):
                continue  # "viande (pas surgelée)": the way it is kept is denied, not stated
            if category in RESOURCE_CATEGORIES:
                before = text[max(0, m.start() - 20) : m.start()]
                where = _LOCATION_BEFORE_RE.search(before) or (
                    category in _STORES and _KEPT_IN_BEFORE_RE.search(before)
                )
                if where and not _ROOM_BEFORE_RE.search(text[max(0, m.start() - 30) : m.start()]):
                    continue  # "à l'entrepôt", "dans notre local": where, not what
                if signatures is None:
                    signatures = [s.span() for s in prefilter.finditer(_SIGNATURE_RE, text, start)]
                if any(s <= m.start() < e for s, e in signatures):
                    continue  # "Entrepôt de Narbonne." signing an offer: who, not what
            if word == "epicerie" and not _SHELF_BEFORE_RE.search(text[: m.start()]):
                continue  # "l'épicerie de Bram" is an association, "en épicerie" its goods
            found.append(Mention(m.start(), m.end(), category_here))
    found = _with_vocabulary(found, text, start)
    if not any(not m.resource for m in found):  # issue 10 (tune10b): « huille », « patte »
        found += [Mention(g.start, g.end, g.category) for g in find_misspelt_foods(text, start)]
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    # « on donne tout le frais du frigo : fromages… »: beside goods, the store they come from.
    if any(not m.resource for m in kept):
        kept = [m for m in kept if not _storage_of_goods(text, m)]
    # Generic room ("de la place", "stockage") right before a cold one is cold room.
    result: list[Mention] = []
    for i, mention in enumerate(kept):
        nxt = kept[i + 1] if i + 1 < len(kept) else None
        if (
            mention.category == "stockage"
            and nxt is not None
            and nxt.category == "stockage_froid"
            and nxt.start - mention.end < 25
        ):
            continue
        result.append(mention)
    return _in_context(result, text)


# « le repas des bénévoles », « un repas de fin d'année »: an occasion, not meals to give.
_EVENT_RE: Final = re.compile(r"\b(?:le|du|au|un|notre|leur|votre|ce) repas (?:de|des|du|d')")
# « (vacances des bénévoles) », « le repas des bénévoles », « on doit vider le frigo »: the
# people's occasion, the place the goods come from.
_SETTING_BEFORE_RE: Final = re.compile(
    r"\b(?:(?:repas|vacances|conges|reunion|fete|pot|formation|planning|absence)"
    r" (?:des|de nos|de leurs?|du)|vider (?:le|la|les|notre|nos|leur|leurs)"
    # issue 10 (tune10b): « pour charger le camion »: the helpers' task, not a vehicle asked
    r"|(?:charger|decharger|remplir|laver|nettoyer) (?:le|la|les|notre|nos|leur|leurs|un|une))\s?$"
)
# « hayon du camion HS », « frigo du camion en panne », « leur chauffeur est hospitalisé »:
# what broke or who is missing, not what is asked for.
_BROKEN_AFTER_RE: Final = re.compile(
    r"[^,.;:!?]{0,25}?\b(?:hs|en panne|casse\w*|hors service|ne marche plus|"
    r"ne fonctionne plus|a lache|en reparation|hospitalise\w*|malade\w*|absent\w*|"
    r"indisponibles?|en arret|en conges?|en vacances)\b"  # « en congé »: issue 10 (tune10b)
)
# Issue 10 (tune10): « pas besoin de pain mais de beurre », « pas de légumes svp, par contre
# du riz », « il me reste pas de pain mais des sandwichs »: goods denied before a contrast
# are not the post; what comes after « mais » is.
_DENIED_BEFORE_RE: Final = re.compile(
    r"\b(?:pas|plus|aucun)\s(?:(?:besoin|envie)\s)?(?:de|d'|du|des)\s?(?:\w+\s)?$"
)
_NOT_NEEDED_RE: Final = re.compile(r"\b(?:pas|plus|aucun)\sbesoin\s(?:de|d'|du|des)\s?$")
_CONTRAST_AFTER_RE: Final = re.compile(r"\b(?:mais|ms|par contre|en revanche|plutot)\b")


def _denied_before_a_contrast(text: str, m: Mention) -> bool:
    before = text[max(0, m.start - 22) : m.start]
    if not _DENIED_BEFORE_RE.search(before):
        return False
    if "plus" in before and not _NOT_NEEDED_RE.search(before):
        return False  # « plus de riz en stock, mais… » says riz is needed
    return _CONTRAST_AFTER_RE.search(text, m.end, m.end + 60) is not None


# Between two goods of one list: a comma, « et », « + »… (not « de », « en »: one item);
# a bullet « - » of a list written line by line (issue 10, tune10).
_NEXT_ITEM_RE: Final = re.compile(r"[,;+/&]|\s-\s|\b(?:et|ou|avec|puis|plus)\b")


def _in_context(mentions: list[Mention], text: str) -> list[Mention]:
    """Each mention with its list item, and whether it is only the setting of the post."""
    marked: list[Mention] = []
    item = 0
    for i, m in enumerate(mentions):
        if i and _NEXT_ITEM_RE.search(text, mentions[i - 1].end, m.start):
            item += 1
        event = _EVENT_RE.search(text, max(0, m.start - 7), m.end + 4)
        context = (
            (event is not None and event.start() < m.start < event.end())
            or _SETTING_BEFORE_RE.search(text, max(0, m.start - 24), m.start) is not None
            or (m.resource and _BROKEN_AFTER_RE.match(text, m.end) is not None)
            or _denied_before_a_contrast(text, m)
        )
        marked.append(Mention(m.start, m.end, m.category, context, item))
    return marked


# The lexicon's precedence rules (keeping, infant, juice, resources) are never overridden.
_LEXICON_FIRST: Final = frozenset({"surgeles", "conserves", "bebe", "boissons"})


def _with_vocabulary(found: list[Mention], text: str, start: int) -> list[Mention]:
    """Add the vocabulary's names the lexicon misses; a longer name (« céleris-raves »)
    replaces the plain lexicon words inside it (« céleris »)."""
    for food in find_foods(text, start):
        inside = [m for m in found if m.start < food.end and food.start < m.end]
        if any(
            m.start < food.start
            or m.end > food.end
            or m.end - m.start >= food.end - food.start
            or m.resource
            or (m.category in _LEXICON_FIRST and m.category != food.category)
            for m in inside
        ):
            continue
        found = [m for m in found if m not in inside]
        found.append(Mention(food.start, food.end, food.category))
    return found


def _storage_of_goods(text: str, mention: Mention) -> bool:
    if mention.category not in {"stockage", "stockage_froid"}:
        return False
    before = text[max(0, mention.start - 30) : mention.start]
    return _FROM_STORE_BEFORE_RE.search(before) is not None and not _ROOM_BEFORE_RE.search(before)


def food_category(mentions: list[Mention]) -> str | None:
    """The first goods named decide; how they are kept (frozen, canned) or whom they are for
    (infants) beats their family, for that item only."""
    food = [m for m in mentions if not m.resource]
    food = [m for m in food if not m.context] or food
    if not food:
        return None
    first_item = [m.category for m in food if m.item == food[0].item]
    for first in ("surgeles", "conserves", "bebe"):
        if first in first_item:
            return first
    return food[0].category


def resource_category(mentions: list[Mention]) -> str | None:
    """The first resource named, unless it is only what broke (« hayon du camion HS »)."""
    resources = [m for m in mentions if m.resource]
    chosen = next((m for m in resources if not m.context), None) or next(iter(resources), None)
    if chosen is None:
        return None
    if chosen.category == "stockage" and any(
        m.category in _KEPT_COLD and not m.context for m in mentions
    ):
        return "stockage_froid"  # « on peut garder vos surgelés, notre congel est vide »
    return chosen.category


# Named beside a generic store, a cold store or frozen goods make it cold storage: frozen
# goods are kept nowhere else.
_KEPT_COLD: Final = frozenset({"stockage_froid", "surgeles"})
