"""Reading one message: ``understand(text, now, gazetteer)`` → :class:`Understanding`.

A short pipeline over the folded text (lower case, no accents), in the contract's order:
1. normalise, put a greeting aside, read a leading command (words from ``vocabulary.py``);
2. the intent: the first of :data:`INTENT_RULES` that reads one — a command's action on a post,
   list or help, or post direction; then, without a command, a how-to question (help, before
   any action), an action on a post (a claim, done or cancel verb with a post number), a list
   or help question, chat (``acts.looks_like_chat``), and the direction of a post from
   weighted cue words, its family (food or shared resource) from what is named first;
3. category and the "what"; dates (``dates.DATE_RULES``), amounts and the commune, each read
   outside the spans already used (a post number is not a quantity, a date is not a post
   number); urgency and cold chain; the confidence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal
from zoneinfo import ZoneInfo

from . import acts, prefilter, vocabulary
from . import lexicon as lx
from .dates import STREET_WORDS, DateHit, find_dates
from .foods import find_foods
from .gazetteer import Gazetteer
from .model import RESOURCE_CATEGORIES, Intent, Understanding
from .numbers import NUMBER_WORD_RE, words_value
from .prefilter import Cues
from .quantities import COUNT_WORDS, UNIT_WORDS, Amount, find_amounts
from .text import Folded, fold, readable, word_set

Direction = Literal["request", "offer"]


# -- commands (words from vocabulary.py) ---------------------------------------------------
def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# Without a slash (WhatsApp), only these shapes open a command: an action on a post number,
# a post word followed by the goods (not « don de », which the free reading takes), or a
# list / help word alone.
_BARE_COMMAND_RE: Final = re.compile(
    rf"^(?:({_alternation(vocabulary.bare_words('post_number'))})\s#?\d{{1,6}}\b"
    rf"|({_alternation(vocabulary.post_heads())})\b(?!\s(?:de|d'|d|du|des|urgent)\b)(?!\s?:?\s?$)"
    rf"|({_alternation(vocabulary.bare_words('alone'))})\W*$)"
)
_SLASH_RE: Final = re.compile(r"^/([a-z]+)(?:@\w+)?\b")

# -- post references -----------------------------------------------------------------------
_UNIT_OR_MONTH = (
    r"\s?(?:kg|kgs|kilos?|g|gr|t|tonnes?|l|litres?|cl|cartons?|palettes?|cagettes?|colis|"
    r"repas|pieces?|unites?|sacs?|boites?|bouteilles?|benevoles?|personnes?|h|heures?|%|€|"
    r"euros?|x|jours?|semaines?|" + lx.MONTHS_WORDS + r")\b"
)
_EXPLICIT_REF_RE: Final = re.compile(
    r"(?:\b(?:annonce|post|offre|publication|demande)s?\s?(?:n°|no|numero|num|#)?\s?"
    r"|\b(?:n°|numero|num|ref|number)\s?|#\s?|\bno\s)(\d{1,6})\b(?![.,]\d)"
    rf"(?!{_UNIT_OR_MONTH})"  # "on offre 4 cagettes": an amount, not post 4
)
_IMPLICIT_REF_RE: Final = re.compile(
    r"\b(?:le|la|du|l'|de l'|pour le|sur le|au|the)\s?(\d{1,6})\b(?![.,/:-]?\d)"
    rf"(?!{_UNIT_OR_MONTH})"
)
_BARE_REF_RE: Final = re.compile(rf"(?<![\d,./:])(\d{{1,6}})\b(?![.,/:-]?\d)(?!{_UNIT_OR_MONTH})")
_PRESENT_RECUP_RE: Final = re.compile(r"récupère|recupère|récupérons|recuperons")

# -- categories ----------------------------------------------------------------------------
_LOCATION_BEFORE_RE: Final = re.compile(
    r"(?:\ba l'|\bau|\ba la|\bdans l'|\bdans (?:le|la|les|notre|nos|un|une|leur|leurs|votre)|"
    r"\bchez|\bdepuis l'|\bdevant l'|\bdevant (?:le|la)|\bpres (?:du|de l'|de la)|\bvers l')\s?$"
)
# « 3 pal yaourts en CF », « stockés en chambre froide »: where the goods are kept, not a store
# offered or asked for (« de la place en chambre froide » is room: _ROOM_BEFORE_RE).
_KEPT_IN_BEFORE_RE: Final = re.compile(r"\ben $")
_STORES: Final = frozenset({"stockage", "stockage_froid"})
_ROOM_BEFORE_RE: Final = re.compile(
    r"\b(?:places?|espaces?|stocker|stockage|ranger)\b\s?(?:\w+\s?){0,2}$"
)
_MERGE_GAP_RE: Final = re.compile(
    r"^(?:\s|,|&|\+|\bet\b|\bou\b|\bde\b|\bd'|\bdu\b|\bdes\b|\ben\b|\bau\b|\baux\b|"
    r"\ba la\b|\bpour\b(?=\s(?:les )?bebes?)|\bles\b)*$"
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
_WHAT_STOP: Final = word_set(
    """
    pour a avant d'ici dans sous au en le la les si svp merci ce cette demain des de du
    d' et ou mais car sur chez vers par avec sans aujourd'hui urgent urgence qui que
    quoi dont lundi mardi mercredi jeudi vendredi samedi dimanche svp stp s'il vous
    plait ! ? . , ; environ max maximum minimum min a asap rapidement vite possible si
    besoin on nous je est sont etre avoir avons ont ai a une un il y dispo disponible
    disponibles tout toute svp plz pls bonjour bjr slt salut hello coucou merci mrc
    """
)
_WHAT_SKIP: Final = word_set(
    """
    de d' du des un une le la les l' quelques plusieurs beaucoup plein environ notre nos
    votre vos leur leurs son sa ses mon ma mes ton ta tes ce cet cette ces encore aussi
    bien tres vraiment urgent urgemment rapidement svp stp
    """
)
_WHAT_AFTER_RE: Final = re.compile(
    r"\b(?:besoins?|cherch\w*|recherch\w*|manque|faudrait|faut|donner|donne|donnons|"
    r"dispo\w*|propos\w*|prete|pretons|trop|surplus|exced\w*|plus|aurait|a|avons|offre|"
    r"offrons|reste|restant|veut)\b"
)
_GREETING_RE: Final = re.compile(r"^(?:bonjour|bjr|salut|slt|hello|coucou|bonsoir|hey)\b[ ,!.]*")


@dataclass(frozen=True)
class _Mention:
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


@dataclass(frozen=True)
class _Command:
    kind: str  # request, urgent, offer, equipment, claim, done, cancel, list, help
    end: int  # where the command's arguments start


def _command(text: str) -> _Command | None:
    m = _SLASH_RE.match(text)
    if m:
        if vocabulary.listed_when_alone(text):
            return _Command("list", m.end())
        return _Command(vocabulary.reading_of(m.group(1)) or "unknown", m.end())
    m = _BARE_COMMAND_RE.match(text)
    if m:
        word = m.group(1) or m.group(2) or m.group(3)
        return _Command(vocabulary.reading_of(word) or "unknown", len(word))
    return None


def _mentions(f: Folded, start: int = 0) -> list[_Mention]:
    text = f.text
    found: list[_Mention] = []
    signatures = [m.span() for m in prefilter.finditer(_SIGNATURE_RE, text, start)]
    for category, pattern in lx.CATEGORY_RES.items():
        for m in prefilter.finditer(pattern, text, start):
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
                if any(s <= m.start() < e for s, e in signatures):
                    continue  # "Entrepôt de Narbonne." signing an offer: who, not what
            if word == "epicerie" and not _SHELF_BEFORE_RE.search(text[: m.start()]):
                continue  # "l'épicerie de Bram" is an association, "en épicerie" its goods
            found.append(_Mention(m.start(), m.end(), category_here))
    found = _with_vocabulary(found, text, start)
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[_Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    # « on donne tout le frais du frigo : fromages… »: beside goods, the store they come from.
    if any(not m.resource for m in kept):
        kept = [m for m in kept if not _storage_of_goods(text, m)]
    # Generic room ("de la place", "stockage") right before a cold one is cold room.
    result: list[_Mention] = []
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
    r" (?:des|de nos|de leurs?|du)|vider (?:le|la|les|notre|nos|leur|leurs))\s?$"
)
# « hayon du camion HS », « frigo du camion en panne », « leur chauffeur est hospitalisé »:
# what broke or who is missing, not what is asked for.
_BROKEN_AFTER_RE: Final = re.compile(
    r"[^,.;:!?]{0,25}?\b(?:hs|en panne|casse\w*|hors service|ne marche plus|"
    r"ne fonctionne plus|a lache|en reparation|hospitalise\w*|malade\w*|absent\w*|"
    r"indisponibles?|en arret)\b"
)
# Between two goods of one list: a comma, « et », « + »… (not « de », « en »: one item).
_NEXT_ITEM_RE: Final = re.compile(r"[,;+/&]|\b(?:et|ou|avec|puis|plus)\b")


def _in_context(mentions: list[_Mention], text: str) -> list[_Mention]:
    """Each mention with its list item, and whether it is only the setting of the post."""
    marked: list[_Mention] = []
    item = 0
    for i, m in enumerate(mentions):
        if i and _NEXT_ITEM_RE.search(text, mentions[i - 1].end, m.start):
            item += 1
        event = _EVENT_RE.search(text, max(0, m.start - 7), m.end + 4)
        context = (
            (event is not None and event.start() < m.start < event.end())
            or _SETTING_BEFORE_RE.search(text, max(0, m.start - 24), m.start) is not None
            or (m.resource and _BROKEN_AFTER_RE.match(text, m.end) is not None)
        )
        marked.append(_Mention(m.start, m.end, m.category, context, item))
    return marked


# The lexicon's precedence rules (keeping, infant, juice, resources) are never overridden.
_LEXICON_FIRST: Final = frozenset({"surgeles", "conserves", "bebe", "boissons"})


def _with_vocabulary(found: list[_Mention], text: str, start: int) -> list[_Mention]:
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
        found.append(_Mention(food.start, food.end, food.category))
    return found


def _storage_of_goods(text: str, mention: _Mention) -> bool:
    if mention.category not in {"stockage", "stockage_froid"}:
        return False
    before = text[max(0, mention.start - 30) : mention.start]
    return _FROM_STORE_BEFORE_RE.search(before) is not None and not _ROOM_BEFORE_RE.search(before)


def _food_category(mentions: list[_Mention]) -> str | None:
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


def _resource_category(mentions: list[_Mention]) -> str | None:
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


# Each cue pattern runs only on a text holding one of the literals its matches start with.
_REQUEST_CUES: Final = Cues(lx.REQUEST_RES)
_OFFER_CUES: Final = Cues(lx.OFFER_RES)


def _score(patterns: Iterable[tuple[re.Pattern[str], float]], text: str) -> tuple[float, int, int]:
    """The summed weight of the cues found, where the first starts, and where the heaviest
    starts (the "what" of a post is named near its main cue)."""
    total = 0.0
    first = len(text)
    heaviest, heaviest_at = 0.0, len(text)
    for pattern, weight in patterns:
        for m in pattern.finditer(text):
            total += weight
            first = min(first, m.start())
            if weight > heaviest or (weight == heaviest and m.start() < heaviest_at):
                heaviest, heaviest_at = weight, m.start()
    return total, first, heaviest_at


@dataclass(frozen=True)
class _Cues:
    """How strongly a message asks and gives (`lexicon.REQUEST_CUES` / `OFFER_CUES`)."""

    request: float
    offer: float
    request_first: int
    offer_first: int
    request_main: int  # where the heaviest asking cue starts
    offer_main: int
    past_report: bool  # a perfect tense (« vous avez bien reçu ») hid an asking cue
    question_end: bool
    spare_capacity: bool  # « notre camion ne roule pas jeudi »: a resource is offered

    @property
    def strongest(self) -> float:
        return max(self.request, self.offer)

    @property
    def margin(self) -> float:
        return abs(self.request - self.offer)


def _blank(text: str, matches: Iterable[re.Match[str]]) -> str:
    """``text`` with the spans of ``matches`` (in order, not overlapping: one finditer) made
    spaces; the very same string when there are none, so that what was read of it is reused."""
    pieces: list[str] = []
    done = 0
    for m in matches:
        pieces += (text[done : m.start()], " " * (m.end() - m.start()))
        done = m.end()
    return "".join(pieces) + text[done:] if pieces else text


def _cues(body: str) -> _Cues:
    """Another's need (« si une asso a besoin ») gives; a perfect tense (« quelqu'un a vu »)
    neither asks nor gives: both are blanked before the asking cues are read."""
    others = list(prefilter.finditer(lx.OTHERS_NEED_RE, body))
    perfect = list(prefilter.finditer(lx.PERFECT_RE, body))
    asking = _blank(body, others)
    unblanked = _score(_REQUEST_CUES.runs(asking), asking)
    # Without a perfect tense the text read is the same: so is its score.
    asking = _blank(asking, perfect)
    request, r_first, r_main = _score(_REQUEST_CUES.runs(asking), asking) if perfect else unblanked
    past_report = request < unblanked[0]
    # « si vous avez du rab de pain, on prend »: what another has is not given by the writer.
    theirs = [
        m
        for m in prefilter.finditer(lx.OTHERS_HAVE_RE, body)
        if not any(o.start() <= m.start() < o.end() for o in others)
    ]
    giving = _blank(body, theirs)
    offer, o_first, o_main = _score(_OFFER_CUES.runs(giving), giving)
    if others:
        offer += lx.OTHERS_NEED_WEIGHT * len(others)
        o_first = min(o_first, others[0].start())
        o_main = min(o_main, others[0].start()) if offer <= lx.OTHERS_NEED_WEIGHT else o_main
    question_end = lx.QUESTION_END_RE.search(body) is not None
    if question_end and request > 0:  # only beside another asking cue
        request += lx.QUESTION_END_WEIGHT
    spare = any(prefilter.search(pattern, body) for pattern, _ in lx.SPARE_CAPACITY_RES)
    return _Cues(request, offer, r_first, o_first, r_main, o_main, past_report, question_end, spare)


def _direction(cues: _Cues) -> Direction | None:
    if cues.request <= 0 and cues.offer <= 0:
        return None
    if cues.request > cues.offer:
        return "request"
    if cues.offer > cues.request:
        return "offer"
    return "request" if cues.request_first <= cues.offer_first else "offer"


@dataclass(frozen=True)
class _Ref:
    """A post number found in free text, and how sure it is to be one."""

    value: int
    start: int
    end: int
    kind: Literal["explicit", "implicit", "bare"]  # « annonce 12 » / « le 12 » / « 12 »


# « l'annonce douze », « le vingt-trois », « la numéro soixante et onze »: a post in words.
_WORD_REF_RE: Final = re.compile(
    r"(?:\b(?:annonce|post|offre|publication|demande)s?\s?(?:n°|no|numero|num)?\s?"
    r"|\b(?:n°|numero|num)\s?|\b(?:le|la|du|l'|pour le|sur le|au)\s?)"
    rf"({NUMBER_WORD_RE})(?!{_UNIT_OR_MONTH})(?!-)"
)


_ARTICLE_RE: Final = re.compile(r"(?:le|la|du|l'|pour le|sur le|au)\b")


def _refs(text: str, start: int) -> list[_Ref]:
    """Post numbers, the surest kinds first; a number that reads as a day (« avant le 12 »,
    « jeudi 12 », « le 12 à 10h ») is not one unless a post word names it."""
    refs: list[_Ref] = []
    patterns: tuple[tuple[re.Pattern[str], Literal["explicit", "implicit", "bare"]], ...] = (
        (_EXPLICIT_REF_RE, "explicit"),
        (_IMPLICIT_REF_RE, "implicit"),
        (_BARE_REF_RE, "bare"),
    )
    for pattern, kind in patterns:
        for m in prefilter.finditer(pattern, text, start):
            s, e = m.start(1), m.end(1)
            if any(r.start == s for r in refs):
                continue
            if kind != "explicit" and _reads_as_day(text, s, e):
                continue
            refs.append(_Ref(int(m.group(1)), s, e, kind))
    for m in prefilter.finditer(_WORD_REF_RE, text, start):
        value = words_value(m.group(1))
        if value is None or value < 1 or m.group(1) in {"un", "une"}:
            continue
        explicit = not _ARTICLE_RE.match(m.group(0))  # « annonce douze », not « le douze »
        if not explicit and _reads_as_day(text, m.start(1), m.end(1)):
            continue
        refs.append(_Ref(int(value), m.start(1), m.end(1), "explicit" if explicit else "implicit"))
    order = {"explicit": 0, "implicit": 1, "bare": 2}
    return sorted(refs, key=lambda r: (order[r.kind], r.start))


def _reads_as_day(text: str, start: int, end: int) -> bool:
    return bool(
        acts.DATE_BEFORE_RE.search(text[max(0, start - 20) : start])
        or acts.DATE_AFTER_RE.match(text[end : end + 12])
    )


def _action(
    f: Folded, start: int, direction_strength: float
) -> tuple[Intent, int | None, tuple[int, int] | None] | None:
    """claim / done / cancel read from free text, with the post they are about.

    A verb of the action and a post number make an action. When the message also reads as a
    post (a strong asking or giving cue), only a firm verb (« on le prendrait », « on retire
    le 20 ») or a number a post word names (« l'offre 27 ») keeps it an action."""
    text = f.text
    body = text[start:]
    refs = _refs(text, start)
    ref = refs[0] if refs else None
    named = ref is not None and ref.kind != "bare"
    words = len(body.split())
    search = prefilter.search  # each verb list runs only where one of its words occurs
    cancel = search(lx.CANCEL_RE, body) or search(acts.CANCEL_MORE_RE, body)
    firm_claim = search(acts.CLAIM_FIRM_RE, body)
    claim = search(lx.CLAIM_RE, body) or firm_claim or search(acts.CLAIM_SOFT_RE, body)
    done = _done_verb(body, ref, start)
    if (
        done
        and done.group(0) == "recupere"
        and _PRESENT_RECUP_RE.search(f.original(start + done.start(), start + done.end()))
    ):
        done = None
    explicit = ref is not None and ref.kind == "explicit"
    post_like = direction_strength >= 3 and not explicit
    firm = named and not (direction_strength >= 3 and ref is not None and ref.kind == "bare")
    if done and ref and ref.kind == "bare" and _next_to(ref, done, start) and not post_like:
        return _with_ref("done", ref)  # « 150 enlevé, c'est bon pour nous »: a report first
    if cancel and (ref or words <= 5) and (not post_like or (firm and _first_person(body))):
        return _with_ref("cancel", ref)
    if claim and (ref or words <= 4) and (not post_like or (firm and firm_claim)):
        return _with_ref("claim", ref)
    if done and ref and not post_like and (named or _next_to(ref, done, start)):
        return _with_ref("done", ref)
    if (
        done
        and words <= 3
        and not post_like
        and done.re is lx.DONE_RE  # « merci, bien reçu » acknowledges a message
        and done.group(0) not in {"faite", "faites", "livre"}
    ):
        return _with_ref("done", None)
    return None


_FIRST_PERSON_RE: Final = re.compile(r"\b(?:je|j'|on|nous|notre|ma|mon|nos|mes)\b")


def _first_person(body: str) -> bool:
    """The writer speaks of their own post (« on retire le 20 »), as only its author can."""
    return bool(_FIRST_PERSON_RE.search(body))


def _done_verb(body: str, ref: _Ref | None, start: int) -> re.Match[str] | None:
    """The done verb; of several, the one right after a bare post number (« 150 enlevé,
    c'est bon pour nous »: « enlevé » reports post 150, « c'est bon » only agrees)."""
    found = [m for r in (lx.DONE_RE, acts.DONE_MORE_RE) if (m := prefilter.search(r, body))]
    beside = [m for m in found if ref is not None and _next_to(ref, m, start)]
    chosen = beside or found
    return chosen[0] if chosen else None


def _next_to(ref: _Ref, verb: re.Match[str], start: int) -> bool:
    """A bare number is a post only right before the verb (« 21 récupéré »), not « partis,
    240 familles servies »."""
    return ref.end <= start + verb.start() <= ref.end + 3


def _with_ref(
    intent: Intent, ref: _Ref | None
) -> tuple[Intent, int | None, tuple[int, int] | None]:
    if ref is None:
        return intent, None, None
    return intent, ref.value, (ref.start, ref.end)


def _what(f: Folded, mentions: list[_Mention], chosen: str | None, start: int) -> str | None:
    """A short label of the goods or resource, as written."""
    text = f.text
    if chosen is not None and mentions:
        group: list[_Mention] = []
        resource = chosen in RESOURCE_CATEGORIES
        for m in mentions:
            if m.resource != resource:
                if group:
                    break
                continue
            if group:
                gap = text[group[-1].end : m.start]
                if not _MERGE_GAP_RE.match(gap) or m.end - group[0].start > 60:
                    break
            group.append(m)
            if len(group) >= 4:
                break
        if group:
            first, last = _whole_word(text, group[0].start, group[-1].end)
            label = f.original(first, last).strip(" ,;:")
            return _tidy(label)
    # Nothing in the lexicon: the words after the cue or the amount ("besoin de jouets").
    cue = _WHAT_AFTER_RE.search(text, start)
    pos = cue.end() if cue else start
    words = list(re.finditer(r"[a-z][a-z'-]*|\d+(?:[.,]\d+)?|[^\sa-z\d]", text[pos:]))
    picked: list[re.Match[str]] = []
    for w in words:
        token = w.group(0)
        if not picked:
            if token in _WHAT_SKIP or token[0].isdigit() or token in _UNIT_SKIP:
                continue
            if token in _WHAT_STOP or not token[0].isalpha():
                if token in {"de", "d'"}:
                    continue
                break
            picked.append(w)
            continue
        if token in _WHAT_STOP or not token[0].isalpha() or len(picked) >= 3:
            break
        picked.append(w)
    if not picked:
        return None
    label = f.original(pos + picked[0].start(), pos + picked[-1].end())
    return _tidy(label) if len(label) >= 3 else None


_HYPHENATED_TAIL_RE: Final = re.compile(r"(?:-[a-z]+)+")
_HYPHENATED_HEAD_RE: Final = re.compile(r"(?:[a-z]+-)+$")


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """A span widened to the hyphenated words it cuts (« céleris » in « céleris-raves »)."""
    tail = _HYPHENATED_TAIL_RE.match(text, end)
    head = _HYPHENATED_HEAD_RE.search(text, max(0, start - 30), start)
    return (head.start() if head else start), (tail.end() if tail else end)


_UNIT_SKIP: Final = (
    word_set(
        """
    kg kgs kilo kilos g gr t tonne tonnes l litre litres cl carton cartons cagette
    cagettes palette palettes colis sac sacs x dizaine douzaine quinzaine vingtaine
    trentaine quarantaine cinquantaine soixantaine centaine
    """
    )
    | COUNT_WORDS
)


def _tidy(label: str) -> str:
    label = re.sub(r"\s+", " ", label).strip(" ,;:.!?-()")
    return label[:60]


def _amount_for(
    amounts: list[Amount],
    mentions: list[_Mention],
    intent: Intent,
    f: Folded,
    category: str | None = None,
) -> Amount | None:
    if not amounts:
        return None
    if intent in {"equipment_request", "equipment_offer"}:
        found = (
            _resource_amount(amounts, mentions, category)
            or _given_through_pronoun(amounts, f.text)
            or _head_count(amounts, f.text, category)
        )
        return _in_resource_unit(found, mentions, f.text, category) if found else None
    if intent == "claim":
        return amounts[0]
    return _given_through_pronoun(amounts, f.text) or _goods_amount(amounts, mentions, f.text)


def _resource_amount(
    amounts: list[Amount], mentions: list[_Mention], category: str | None
) -> Amount | None:
    """The count of the resource the post is about (« 2 congélateurs », « 5 bénévoles »), not
    of another one named with it (« transpalette + 2 bras » counts no transpalette)."""
    for a in amounts:
        if category in _HOLDS_GOODS and a.unit in _GOODS_UNITS:
            continue  # « accueillir 6 palettes », « un VF pour 2 palettes »: what it holds
        counts_it = a.noun is not None and any(
            m.category == category and m.start <= a.end + 1 and m.end >= a.end - len(a.noun)
            for m in mentions
        )
        if counts_it or (a.unit == "personne" and category in {"benevoles", None}):
            return a
    return None


# « on est 4 », « ils sont 6 », « on sera une dizaine »: the people offered or asked for.
_WE_ARE_RE: Final = re.compile(
    r"\b(?:on est|on sera|nous sommes|nous serons|ils sont|elles sont|ils seront|elles seront"
    r"|on serait|nous serions)\s(?:environ\s|a peu pres\s)?$"
)
_PEOPLE_WORDS: Final = word_set(
    """
    personnes personne gens adultes etudiants etudiantes jeunes agents membres retraites
    salaries salariees lyceens lyceennes collegiens scouts parents habitants
    """
)
# After a count of people, words that close it (« deux si possible », « 4 environ »).
_COUNT_CLOSERS: Final = frozenset({"si", "environ", "max", "maximum", "minimum", "mini", "ou"})


def _head_count(amounts: list[Amount], text: str, category: str | None) -> Amount | None:
    """A count with no unit that can only be of the resource: for people, « on est 4 »,
    « 4 étudiants », « deux si possible », « une dizaine »; for any resource, an approximate
    count said after it (« des cagettes vides, une cinquantaine »)."""
    for a in amounts:
        if a.explicit:
            continue
        if a.approximate and a.noun is None:
            return a
        if category != "benevoles":
            continue
        if (
            _WE_ARE_RE.search(text, max(0, a.start - 30), a.start)
            or a.noun in _PEOPLE_WORDS
            or a.noun in _COUNT_CLOSERS
        ):
            return a
    return None


def _in_resource_unit(
    a: Amount, mentions: list[_Mention], text: str, category: str | None
) -> Amount:
    """A count without a unit is in the resource's own: people for volunteers, the unit its
    word names (« cagettes vides » → cagette); crates (« caisses plastiques ») are items."""
    unit = a.unit
    if category == "benevoles" and a.unit == "unite":
        unit = "personne"
    elif not a.explicit and a.noun is None:
        named = next((m for m in mentions if m.category == category), None)
        head = text[named.start : named.end].split()[0] if named else ""
        unit = UNIT_WORDS.get(head, ("unite", 1.0))[0]
    if category == "manutention" and (a.noun or "").startswith("caisse"):
        unit = "unite"
    if unit == a.unit:
        return a
    return Amount(a.start, a.end, a.value, unit, a.noun, a.explicit, a.approximate)


# A store or a vehicle is counted in its own units (« 2 congélateurs », « 2 VL »), never in
# the goods it will hold or carry (contract: "never the goods it will serve").
_HOLDS_GOODS: Final = frozenset(
    {"stockage", "stockage_froid", "vehicule", "vehicule_frigo", "conserverie"}
)
_GOODS_UNITS: Final = frozenset({"kg", "l", "carton", "cagette", "palette", "colis", "repas"})


def _goods_amount(amounts: list[Amount], mentions: list[_Mention], text: str) -> Amount | None:
    """The first amount of the goods: with a unit, a counted noun, or announced (« environ
    50 », « une vingtaine », « sandwichs : 45 »)."""
    for i, a in enumerate(amounts):
        if a.unit == "personne":
            continue
        if a.explicit:
            return _summed(a, amounts[i + 1 :], text, mentions)
        if a.noun in _ABOUT_WORDS or (a.approximate and a.noun is None):
            return a  # "25 environ", "une vingtaine": the count of the goods named
        if a.noun is None:
            if _announced(a, text, mentions):
                return a
            continue
        if a.noun in COUNT_WORDS or any(
            not m.resource and m.start <= a.end and m.end >= a.end - len(a.noun) for m in mentions
        ):
            return a
    return None


def _announced(a: Amount, text: str, mentions: list[_Mention]) -> bool:
    """ "sandwichs en trop, environ 50", "au moins 200", "des sandwichs : 45": a bare number
    announced as the count of the goods named."""
    before = text[max(0, a.start - 14) : a.start]
    if _ABOUT_BEFORE_RE.search(before):
        return True
    colon = _AFTER_COLON_RE.search(before)
    return colon is not None and any(
        not m.resource and 0 <= a.start - m.end <= 30 for m in mentions
    )


# « on en cherche 40 », « il nous en faut 60 », « il en reste 8 », « on en donne une palette »:
# the pronoun stands for the goods named before, and the amount after it is the post's own
# (« on a reçu trois palettes…, on en donne une palette » gives one).
_PRONOUN_BEFORE_RE: Final = re.compile(
    r"\ben (?:\w+ )?(?:a|ai|avons|ont|aurait|cherch\w*|recherch\w*|faut|faudrait|reste|restent|"
    r"donn\w*|propos\w*|ced\w*|veu\w*|voudr\w*|offr\w*|manque\w*|besoin)\b[^,.;:!?()]{0,25}$"
)


def _given_through_pronoun(amounts: list[Amount], text: str) -> Amount | None:
    for i, a in enumerate(amounts):
        if a.unit == "personne" or not _PRONOUN_BEFORE_RE.search(
            text, max(0, a.start - 45), a.start
        ):
            continue
        if a.explicit or a.noun is not None:
            return a
        # « 18 pal de desserts…, il en reste 8 »: the number counts in the unit stated before.
        unit = next((b.unit for b in amounts[:i] if b.explicit and b.unit != "personne"), a.unit)
        return Amount(a.start, a.end, a.value, unit, a.noun, a.explicit, a.approximate)
    return None


# "environ 50", "~50", "à peu près 50", "au moins 200": a bare number announced as an amount.
_ABOUT_BEFORE_RE: Final = re.compile(
    r"(?:environ|env\.?|~|a peu pres|pres de|dans les|au moins|au minimum|minimum|mini|"
    r"maximum|max|jusqu'a|plus de|moins de|soit)\s?$"
)
_AFTER_COLON_RE: Final = re.compile(r"[a-z)]\s?:\s?$")
_ABOUT_WORDS: Final = frozenset({"environ", "env", "approx"})
_LIST_GAP_RE: Final = re.compile(r"^\s?(?:de |d')?[a-z' -]{1,30}?\s?(?:\+|et|,|&|plus)\s?$")


def _summed(first: Amount, rest: list[Amount], text: str, mentions: list[_Mention]) -> Amount:
    """ "20 kg + 10 kg de carottes", "3 cartons de yaourts nature et 2 cartons de yaourts aux
    fruits": amounts of the same goods listed one after the other are one post. Other goods
    (« 80 kg de pommes de terre + 20 kg d'oignons ») are not added: the first named is the post."""
    total = first.value
    last = first
    goods = _goods_after(last, rest[0].start if rest else len(text), mentions, text)
    for i, nxt in enumerate(rest):
        if nxt.unit != first.unit or not nxt.explicit:
            break
        if not _LIST_GAP_RE.match(text[last.end : nxt.start]):
            break
        until = rest[i + 1].start if i + 1 < len(rest) else len(text)
        next_goods = _goods_after(nxt, until, mentions, text)
        if goods is not None and next_goods is not None and next_goods != goods:
            break
        goods = goods or next_goods
        total += nxt.value
        last = nxt
    if last is first:
        return first
    return Amount(first.start, last.end, total, first.unit, first.noun)


def _goods_after(a: Amount, until: int, mentions: list[_Mention], text: str) -> str | None:
    """The goods an amount counts (the first named after it, before the next amount), by its
    head noun without plural: « yaourts nature » and « yaourt aux fruits » are one goods,
    « pommes » and « pommes de terre » two."""
    for m in mentions:
        if not m.resource and a.end <= m.start < until:
            words = text[m.start : m.end].split()
            compound = len(words) > 2 and words[1] in {"de", "d'", "a", "au"}
            return " ".join(w.rstrip("sx") for w in (words if compound else words[:1]))
    return None


def _urgent(text: str) -> bool:
    m = prefilter.search(lx.URGENT_RE, text)
    if not m:
        return False
    for m in lx.URGENT_RE.finditer(text):
        window = text[max(0, m.start() - 16) : m.end()]
        if not lx.NOT_URGENT_RE.search(window):
            return True
    return False


def _cold(text: str, category: str | None) -> bool:
    if category in lx.COLD_CATEGORIES:
        # « lait UHT…, pas besoin de froid »: the writer says these goods keep without it.
        return lx.NO_COLD_NEEDED_RE.search(text) is None
    for m in prefilter.finditer(lx.COLD_WORDS_RE, text):
        word = m.group(0)
        after = text[m.end() : m.end() + 6]
        if word == "frais" and (
            after.startswith((" de ", " d'"))
            or text[max(0, m.start() - 5) : m.start()].endswith(("nos ", "vos ", "mes ", "les "))
        ):
            continue
        window = text[max(0, m.start() - 22) : m.end()]
        if lx.NOT_COLD_RE.search(window):
            continue
        return True
    return False


# « au 3 rue de Narbonne », « 12 avenue de la Mer »: an address's street is named after
# a place that is not where the post is; its words are kept from the commune search.
_ADDRESS_RE: Final = re.compile(
    rf"\b\d{{1,4}}\s?(?:bis|ter)?\s?,?\s?{STREET_WORDS}\b"
    r"(?:\s(?!(?:a|au|sur|pour|avant|apres|et|ou|vers|pres|des|de|du|la|le)\b(?!\s\w))"
    r"(?!(?:a|au|sur|pour|avant|apres|et|ou|vers|pres)\b)[a-z'-]+){1,5}"
)


def _addresses(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _ADDRESS_RE.finditer(text)]


_POSTAL_CODE_RE: Final = re.compile(r"(?:0[1-9]|[1-8]\d|9[0-8])\d{3}\b")


def _amount_spans(text: str, amounts: list[Amount], gazetteer: Gazetteer) -> list[tuple[int, int]]:
    """Amounts are no commune (« 3 palettes »), but « 11000 Carcassonne » is a postal code
    and its commune, read as 11,000 of a thing the lexicon does not know."""
    return [
        (a.start, a.end)
        for a in amounts
        if not (
            a.unit == "unite"
            and _POSTAL_CODE_RE.match(text, a.start)
            and gazetteer.find(text[a.start : a.end]) is not None
        )
    ]


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(max(0, s), min(len(chars), e)):
            chars[i] = " "
    return "".join(chars)


def _deadline(hits: list[DateHit]) -> tuple[date | None, Literal["dlc", "ddm"] | None, str | None]:
    # What already happened (« récupéré hier ») says when the goods came, not by when.
    valid = [h for h in hits if h.value is not None and not h.past]
    strong = [h for h in valid if not h.weak] or valid
    invalid = next((h.text for h in hits if h.value is None), None)
    if not strong:
        return None, None, invalid
    best = min(strong, key=lambda h: (h.value, h.kind is None))
    return best.value, best.kind, invalid


def _local_now(now: datetime, tz: str) -> datetime:
    try:
        zone = ZoneInfo(tz)
    except Exception:  # an unknown zone name: read in the network's default
        zone = ZoneInfo("Europe/Paris")
    if now.tzinfo is None:
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


def understand(
    text: str, now: datetime, gazetteer: Gazetteer, tz: str = "Europe/Paris"
) -> Understanding:
    """What a message says. Pure and deterministic; never raises."""
    try:
        return _understand(text, now, gazetteer, tz)
    except Exception:  # a bug must not take a conversation down: read it as chat
        return Understanding(intent="unknown")


@dataclass(frozen=True)
class _Message:
    """A message normalised, its command (if any) and what every later rule reads."""

    folded: Folded
    args_start: int  # after a greeting and the command: where the message's own words start
    command: _Command | None
    mentions: list[_Mention]
    cues: _Cues

    @property
    def text(self) -> str:
        return self.folded.text

    @property
    def body(self) -> str:
        return self.folded.text[self.args_start :]

    @property
    def cue(self) -> float:
        return self.cues.strongest

    @property
    def commanded(self) -> bool:
        """Written as a known command (`/besoin`, `don 4 cagettes`): it says what it is."""
        return self.command is not None and self.command.kind != "unknown"


@dataclass(frozen=True)
class _IntentReading:
    intent: Intent
    post_ref: int | None = None
    ref_span: tuple[int, int] | None = None
    urgent: bool = False  # said by the command (/urgent)


def _read_message(text: str) -> _Message:
    folded = fold(readable(text if isinstance(text, str) else str(text)))
    greet = _GREETING_RE.match(folded.text)
    body_start = greet.end() if greet else 0
    command = _command(folded.text[body_start:])
    args_start = body_start + command.end if command else body_start
    body = folded.text[args_start:]
    return _Message(
        folded,
        args_start,
        command,
        _mentions(folded, args_start),
        _cues(body),
    )


# -- the intent: the first rule that reads one, in the contract's order --------------------


def _commanded_action(msg: _Message) -> _IntentReading | None:
    """`/prendre 12`, `fait 12`, `/annuler 4`: the intent, and the post number after it."""
    kind = msg.command.kind if msg.command else None
    if kind not in {"claim", "done", "cancel"}:
        return None
    intent: Intent = "claim" if kind == "claim" else "done" if kind == "done" else "cancel"
    m = re.search(r"#?\s?(\d{1,6})\b(?![.,]\d)", msg.body)
    if m is None or re.match(_UNIT_OR_MONTH, msg.body[m.end() :]):
        return _IntentReading(intent)
    span = (msg.args_start + m.start(1), msg.args_start + m.end(1))
    return _IntentReading(intent, int(m.group(1)), span)


def _commanded_question(msg: _Message) -> _IntentReading | None:
    kind = msg.command.kind if msg.command else None
    if kind == "list":
        return _IntentReading("list")
    return _IntentReading("help") if kind == "help" else None


def _commanded_post(msg: _Message) -> _IntentReading | None:
    """`/besoin`, `/urgent`, `/don`, `/materiel`: the direction; the family from what is named."""
    kind = msg.command.kind if msg.command else None
    if kind not in {"request", "urgent", "offer", "equipment"}:
        return None
    wants: Direction
    if kind == "equipment":
        wants = "offer" if msg.cues.offer > msg.cues.request else "request"
    else:
        wants = "offer" if kind == "offer" else "request"
    intent = _family(wants, msg.mentions, forced_resource=kind == "equipment")
    return _IntentReading(intent, urgent=kind == "urgent")


def _free_action(msg: _Message) -> _IntentReading | None:
    """« je prends le 12 », « 21 récupéré », « annule le 4 » (no command)."""
    if msg.command is not None and msg.command.kind != "unknown":
        return None
    action = _action(msg.folded, msg.args_start, msg.cue)
    return _IntentReading(*action) if action is not None else None


def _free_how_to(msg: _Message) -> _IntentReading | None:
    """« comment je mets une offre ? », « comment on fait pour le 12 ? »: help, before any
    action, so that a question about a post never acts on it."""
    if msg.command is not None and msg.command.kind != "unknown":
        return None
    return _IntentReading("help") if acts.asks_how(msg.body) else None


def _free_question(msg: _Message) -> _IntentReading | None:
    """« qu'est-ce qu'il y a ? », « les besoins du moment ? » is a list, « comment ça
    marche ? » help."""
    if msg.command is not None and msg.command.kind != "unknown":
        return None
    if prefilter.search(lx.LIST_RE, msg.body) or acts.asks_what_is_open(msg.body):
        return _IntentReading("list")
    if prefilter.search(lx.HELP_RE, msg.body):
        return _IntentReading("help")
    return None


def _free_chat(msg: _Message) -> _IntentReading | None:
    """Thanks, a question to a person, a report (« vous avez bien reçu les pâtes ? »): chat,
    unless a firm asking or giving cue says it is a post all the same."""
    if msg.command is not None and msg.command.kind != "unknown":
        return None
    if not acts.looks_like_chat(msg.body):
        return None
    if acts.is_question(msg.body) or msg.cue < _FIRM_CUE:
        return _IntentReading("unknown")
    return None


# A cue this strong (« besoin de », « à donner ») is a post even in a chatty message.
_FIRM_CUE: Final = 3.0


def _free_post(msg: _Message) -> _IntentReading | None:
    """The direction from weighted cues, the family from what is named at the main cue; a
    weak cue naming nothing the lexicon knows is chat, and so is a question for information
    (« quelqu'un a le numéro de… ? », « savez-vous si… »)."""
    if msg.command is not None and msg.command.kind != "unknown":
        return None
    direction = _direction(msg.cues)
    if direction is None or _asks_for_information(msg.body):
        return None
    if prefilter.search(lx.THANKS_RE, msg.body) and msg.cue < _THANKS_OUTWEIGHED:
        return None  # « merci pour le prêt du camion »: thanks for what happened
    main = msg.cues.request_main if direction == "request" else msg.cues.offer_main
    spare = direction == "offer" and msg.cues.spare_capacity
    at = msg.args_start + main
    resource_first = spare or _resource_serves_goods(msg)
    intent = _family(direction, msg.mentions, forced_resource=False, at=at, spare=resource_first)
    # A weak cue naming nothing, or only what broke (« le VF est tombé en panne »): chat.
    if msg.cue < 2 and all(m.context for m in msg.mentions):
        return None
    return _IntentReading(intent)


def _resource_serves_goods(msg: _Message) -> bool:
    """The contract's rule 3: a resource named first, then goods after « pour » (« place au
    congélateur pour vos sorbets », « conserverie pour 200 kg de pommes »): the goods are what
    the resource will hold or carry, and the post is about the resource."""
    first = next((m for m in msg.mentions if not m.context), None)
    if first is None or not first.resource:
        return False
    goods = next((m for m in msg.mentions if not m.resource and m.start > first.end), None)
    if goods is None:
        return False
    between = msg.text[first.end : goods.start]
    # Within one short clause: « moins de bénévoles… L'épicerie est à sec en produits pour le
    # petit déjeuner » names the goods for another reason, sentences later.
    return (
        " pour " in between and len(between) <= _SERVES_GAP and not _CLAUSE_END_RE.search(between)
    )


_SERVES_GAP: Final = 60
_CLAUSE_END_RE: Final = re.compile(r"[.!?;:]")


# Thanks carry a post only beside a clear cue (« merci d'avance » aside, which is not thanks).
_THANKS_OUTWEIGHED: Final = 3.0


def _asks_for_information(body: str) -> bool:
    return bool(prefilter.search(lx.INFO_QUESTION_RE, body)) and bool(
        prefilter.search(lx.QUESTION_FORM_RE, body)
    )


INTENT_RULES: Final[tuple[Callable[[_Message], _IntentReading | None], ...]] = (
    _commanded_action,
    _commanded_question,
    _commanded_post,
    _free_how_to,
    _free_action,
    _free_question,
    _free_chat,
    _free_post,
)


def _intent(msg: _Message) -> _IntentReading:
    for rule in INTENT_RULES:
        reading = rule(msg)
        if reading is not None:
            return reading
    return _IntentReading("unknown")


# -- the fields --------------------------------------------------------------------------


def _category(intent: Intent, mentions: list[_Mention]) -> str | None:
    if intent in {"need", "offer"}:
        return _food_category(mentions)
    if intent in {"equipment_request", "equipment_offer"}:
        return _resource_category(mentions)
    return None


def _label(msg: _Message, intent: Intent, category: str | None) -> tuple[str | None, str | None]:
    """The "what" of a post, and its category: goods the lexicon does not know are `autre`."""
    if intent not in POST_INTENTS:
        return None, category
    what = _what(msg.folded, msg.mentions, category, msg.args_start)
    if category is None and intent in {"need", "offer"} and what is not None:
        category = "autre"
    return what, category


def _missing(
    intent: Intent, what: str | None, category: str | None, reading: _IntentReading,
    cold: bool, deadline: date | None, invalid: str | None,
) -> tuple[str, ...]:  # fmt: skip
    missing: list[str] = []
    if intent in POST_INTENTS and what is None and category is None:
        missing.append("what")
    if intent == "offer" and cold and deadline is None:
        missing.append("dlc")
    if intent in {"claim", "done", "cancel"} and reading.post_ref is None:
        missing.append("post_ref")
    if invalid is not None:
        missing.append("date")
    return tuple(missing)


POST_INTENTS: Final = frozenset({"need", "offer", "equipment_request", "equipment_offer"})


_COMPOUND_WORDS: Final = 3
_PLACE_WORD_BEFORE_RE: Final = re.compile(
    r"\b(?:a|secteur|sur|vers|de|d'|du|pres|depuis|commune|ville|region)\s?$"
)


def understand_details(
    text: str, now: datetime, gazetteer: Gazetteer, tz: str = "Europe/Paris"
) -> Understanding:
    """Every field a fragment states (« vendredi », « 30 kg à Narbonne »), whatever its intent:
    the answer to a question about a post is read for that post. Pure; never raises."""
    try:
        return _understand(text, now, gazetteer, tz, whole_message=False)
    except Exception:  # a bug must not take a conversation down: nothing read
        return Understanding(intent="unknown")


def _understand(
    text: str, now: datetime, gazetteer: Gazetteer, tz: str, whole_message: bool = True
) -> Understanding:
    msg = _read_message(text)
    t = msg.text
    reading = _intent(msg)
    intent = reading.intent

    skip = [reading.ref_span] if reading.ref_span else []
    hits = find_dates(t, _local_now(now, tz), skip)
    deadline, date_kind, invalid = _deadline(hits)
    spans = [(h.start, h.end) for h in hits] + skip
    people = any(m.category == "benevoles" for m in msg.mentions)
    amounts = find_amounts(t, spans, people=people)
    what, category = _label(msg, intent, _category(intent, msg.mentions))
    amount = (
        None
        if intent in {"list", "help"}
        else _amount_for(amounts, msg.mentions, intent, msg.folded, category)
    )
    if whole_message and intent not in POST_INTENTS:
        return _not_a_post(msg, reading, amount, deadline)
    cold = _cold(t, category) if intent != "unknown" else False
    # A compound name of goods is not a place (« céleris-raves » is not the commune of Raves);
    # a long resource phrase (« chauffeur passe par Mende avec le camion ») may hold one.
    compounds = [
        (m.start, m.end)
        for m in msg.mentions
        if re.search(r"[ -]", t[m.start : m.end])
        and (not m.resource or t.count(" ", m.start, m.end) < _COMPOUND_WORDS)
    ]
    # Goods named as goods are no commune (« (lentilles, pois chiches) » is not Lentilles),
    # unless a place word introduces them (« à Orange »).
    compounds += [
        (m.start, m.end)
        for m in msg.mentions
        if not m.resource and not _PLACE_WORD_BEFORE_RE.search(t, max(0, m.start - 12), m.start)
    ]
    place_text = _mask(t, spans + _amount_spans(t, amounts, gazetteer) + _addresses(t) + compounds)
    commune = gazetteer.find_in(place_text) if intent != "help" else None
    confidence, guessed = _confidence(intent, msg)
    return Understanding(
        intent=intent,
        urgent=reading.urgent or _urgent(t),
        category=category,
        quantity=amount.value if amount else None,
        unit=amount.unit if amount else None,
        deadline=deadline,
        place=commune.name if commune else None,
        cold_chain=cold,
        post_ref=reading.post_ref,
        what=what,
        date_kind=date_kind,
        invalid_date=invalid,
        missing=_missing(intent, what, category, reading, cold, deadline, invalid),
        confidence=confidence,
        guessed=guessed,
    )


def _not_a_post(
    msg: _Message, reading: _IntentReading, amount: Amount | None, deadline: date | None
) -> Understanding:
    """Only what applies (the contract's labels): a claim, done or cancel keeps its post and
    the amount taken; a question, thanks or chat carries no post fields. Chat that names goods
    with an amount (« 500 g de sel ») keeps their label in `what`, so the bot can ask whether
    they are given or wanted."""
    intent = reading.intent
    confidence, guessed = _confidence(intent, msg)
    if intent in {"claim", "done", "cancel"}:
        return Understanding(
            intent=intent,
            quantity=amount.value if amount else None,
            unit=amount.unit if amount else None,
            post_ref=reading.post_ref,
            deadline=deadline if intent == "claim" else None,  # when they come for it
            missing=("post_ref",) if reading.post_ref is None else (),
            confidence=confidence,
            guessed=guessed,
        )
    goods = None
    if intent == "unknown" and amount is not None and msg.mentions:
        goods = _what(msg.folded, msg.mentions, _food_category(msg.mentions), msg.args_start)
    return Understanding(intent=intent, what=goods, confidence=confidence, guessed=guessed)


# The confidence rule (docs/understanding.md, "Confidence"): free text read as a post starts
# sure, and each doubt takes some away; one doubt about the intent or the "what" is enough to
# ask the writer first (below CERTAIN), a question always is.
_SURE: Final = 0.95
_DOUBT: Final = 0.3
_LONG_DOUBT: Final = 0.1
_QUESTION_AT_MOST: Final = 0.5
_LONG_CHARS: Final = 320  # a post is a line or two; past this, news and thanks mix in
_LONG_SENTENCES: Final = 4
# A clear direction: its cues weigh this much, and this much more than the other direction's.
_CLEAR_CUE: Final = 2.0
_CLEAR_MARGIN: Final = 2.0
_OPPOSED_CUE: Final = 1.5
_SENTENCE_RE: Final = re.compile(r"[.!?]+(?:\s|$)")


def _confidence(intent: Intent, msg: _Message) -> tuple[float, tuple[str, ...]]:
    """How sure a reading is, and what was guessed (names the confirmation shows: "intent",
    "what", "question"). A command, and any reading that is not a post, is sure: only free
    text read as a post may be published without its writer's yes."""
    if msg.commanded or intent not in POST_INTENTS:
        return 1.0, ()
    guessed: list[str] = []
    if _intent_doubtful(msg):
        guessed.append("intent")
    resource = intent in {"equipment_request", "equipment_offer"}
    if not any(m.resource == resource for m in msg.mentions):
        guessed.append("what")  # goods or a resource the lexicon does not know
    if _is_question(msg.body):
        guessed.append("question")
    confidence = _SURE - _DOUBT * (("intent" in guessed) + ("what" in guessed))
    body = msg.body
    if len(body) > _LONG_CHARS or len(_SENTENCE_RE.findall(body)) >= _LONG_SENTENCES:
        confidence -= _LONG_DOUBT
    if "question" in guessed:
        confidence = min(confidence, _QUESTION_AT_MOST)
    return round(max(confidence, 0.05), 2), tuple(guessed)


def _intent_doubtful(msg: _Message) -> bool:
    """A weak or contested direction, both food and a resource named, or words of another
    kind of message (thanks, a report in the past, a claim, done or cancel)."""
    cues = msg.cues
    weaker = min(cues.request, cues.offer)
    body = msg.body
    return (
        cues.strongest < _CLEAR_CUE
        or cues.margin < _CLEAR_MARGIN
        or weaker >= _OPPOSED_CUE
        or cues.past_report
        or _family_doubtful(msg)
        or prefilter.search(lx.THANKS_RE, body) is not None
        or any(prefilter.search(r, body) for r in (lx.CANCEL_RE, lx.CLAIM_RE))
    )


def _family_doubtful(msg: _Message) -> bool:
    """Food and a resource both named, and the first named is not the one at the main cue:
    « notre frigo est vide : on cherche du fromage » could be either."""
    direction = _direction(msg.cues)
    if direction is None or len({m.resource for m in msg.mentions}) < 2:
        return False
    main = msg.cues.request_main if direction == "request" else msg.cues.offer_main
    spare = direction == "offer" and msg.cues.spare_capacity
    at_cue = _family(direction, msg.mentions, False, msg.args_start + main, spare)
    return at_cue != _family(direction, msg.mentions, False)


def _is_question(body: str) -> bool:
    """A question mark, an interrogative opening, « est-ce que », a question for information
    or a request to a person (« pouvez-vous », « tu peux »)."""
    return any(
        prefilter.search(r, body)
        for r in (lx.QUESTION_FORM_RE, lx.INFO_QUESTION_RE, lx.ASKS_A_PERSON_RE)
    )


def _family(
    direction: Direction,
    mentions: list[_Mention],
    forced_resource: bool,
    at: int = 0,
    spare: bool = False,
) -> Intent:
    """Food (need/offer) or shared resource (equipment_*): what is named at the main cue,
    the first thing after it (« notre frigo est vide : on cherche du fromage » is food), or
    else the nearest before it (« 30 kg de pâtes à donner »), past what is named only as the
    setting (« vacances des bénévoles », « vider le frigo »). Spare capacity offered
    (« notre autoclave ne tourne pas, si vous avez des légumes… ») is the resource named."""
    mentions = [m for m in mentions if not m.context] or mentions
    after = [m for m in mentions if m.start >= at]
    before = [m for m in mentions if m.start < at]
    named = after[0] if after else before[-1] if before else None
    if before and at - before[-1].end <= 1:
        named = before[-1]  # « 200 kg de clémentines à donner, entrepôt de Nîmes »: the cue's own
    resource = forced_resource or (named is not None and named.resource)
    resource = resource or (spare and any(m.resource for m in mentions))
    if direction == "request":
        return "equipment_request" if resource else "need"
    return "equipment_offer" if resource else "offer"


def contract_json_lines(
    texts: Iterable[str], now: datetime, gazetteer: Gazetteer, tz: str = "Europe/Paris"
) -> Iterator[str]:
    """One compact JSON object per message, in order (for ``boucle parse``)."""
    for text in texts:
        result = understand(text, now, gazetteer, tz)
        yield json.dumps(result.to_contract(), ensure_ascii=False, separators=(",", ":"))


def understand_amount(text: str) -> Amount | None:
    """The amount stated after a post number (`/prendre 12 10 kg`, `/fait 12 deux cagettes`):
    read as a claim's amount is, whatever else the words say. Pure; never raises."""
    try:
        msg = _read_message(text)
        people = any(m.category == "benevoles" for m in msg.mentions)
        amounts = find_amounts(msg.text, [], people=people)
        return _amount_for(amounts, msg.mentions, "claim", msg.folded)
    except Exception:  # a bug must not take a conversation down: no amount read
        return None


def understand_correction(
    text: str, now: datetime, gazetteer: Gazetteer, tz: str = "Europe/Paris"
) -> dict[str, object]:
    """Only the fields a correction states ("30 kg", "pour jeudi", "à Narbonne", "urgent").

    Keys among quantity, unit, deadline (a ``date``), place (official name), urgent,
    cold_chain, category, what; plus ``invalid_date`` when a date written does not exist.
    Never raises.
    """
    try:
        return _correction(text, now, gazetteer, tz)
    except Exception:  # a bug must not take a conversation down
        return {}


def _correction(text: str, now: datetime, gazetteer: Gazetteer, tz: str) -> dict[str, object]:
    f = fold(readable(text))
    t = f.text
    out: dict[str, object] = {}
    hits = find_dates(t, _local_now(now, tz))
    deadline, _kind, invalid = _deadline(hits)
    if deadline is not None:
        out["deadline"] = deadline
    if invalid is not None:
        out["invalid_date"] = invalid
    spans = [(h.start, h.end) for h in hits]
    mentions = _mentions(f)
    people = any(m.category == "benevoles" for m in mentions)
    amounts = find_amounts(t, spans, people=people)
    amount = next((a for a in amounts if a.explicit), None)
    if amount is None and amounts and amounts[0].noun is None:
        out["quantity"] = amounts[0].value  # "30": the number alone, its unit unchanged
    elif amount is not None:
        out["quantity"] = amount.value
        out["unit"] = amount.unit
    masked = _mask(t, spans + _amount_spans(t, amounts, gazetteer) + _addresses(t))
    commune = gazetteer.find_in(masked) or gazetteer.find(masked)
    if commune is not None:
        out["place"] = commune.name
    if lx.URGENT_RE.search(t):
        out["urgent"] = _urgent(t)
    if lx.COLD_WORDS_RE.search(t):
        out["cold_chain"] = _cold(t, None)
    if mentions:
        resource = [m for m in mentions if m.resource]
        category = (
            resource[0].category if resource and mentions[0].resource else _food_category(mentions)
        )
        if category is not None:
            out["category"] = category
            if category in lx.COLD_CATEGORIES:
                out["cold_chain"] = True
            label = _what(f, mentions, category, 0)
            if label:
                out["what"] = label
    return out
