"""Which amount is the post's (contract: quantity, unit): of the goods or resource
named, not what a store holds, summed over a list of the same goods."""

from __future__ import annotations

import re
from typing import Final

from .mentions import Mention
from .model import Intent
from .quantities import COUNT_WORDS, UNIT_WORDS, Amount
from .text import Folded, word_set


def amount_for(
    amounts: list[Amount],
    mentions: list[Mention],
    intent: Intent,
    f: Folded,
    category: str | None = None,
) -> Amount | None:
    if not amounts:
        return None
    if intent in {"equipment_request", "equipment_offer"}:
        found = (
            _resource_amount(amounts, mentions, category, f.text)
            or _given_through_pronoun(amounts, f.text)
            or _head_count(amounts, f.text, category)
        )
        return _in_resource_unit(found, mentions, f.text, category) if found else None
    if intent == "claim":
        return amounts[0]
    if len(amounts) > 1 and (said := _said_last_word(amounts, f.text, intent)):
        return said
    return _given_through_pronoun(amounts, f.text) or _goods_amount(amounts, mentions, f.text)


# « caisses (plastiques) (E2 x) 50 »: a word, a model and a sign may stand between.
_RIGHT_AFTER_RE: Final = re.compile(r"\s?(?:[a-z]+\s)?(?:[a-z]{1,6}\s?\d{1,2}\s)?(?:[x*]\s?)?")


def _resource_amount(
    amounts: list[Amount], mentions: list[Mention], category: str | None, text: str
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
        # Issue 10 (tune10b): « caisses plastiques E2 x 50 »: a count written right after the
        # resource it counts.
        if a.noun is None and any(
            m.category == category and _RIGHT_AFTER_RE.fullmatch(text, m.end, a.start)
            for m in mentions
        ):
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
        if a.noun is None and _ASKED_COUNT_BEFORE_RE.search(text, max(0, a.start - 30), a.start):
            return a  # « palettes vides…, besoin de 30 » (issue 10, tune10b)
        if category != "benevoles":
            continue
        if (
            _WE_ARE_RE.search(text, max(0, a.start - 30), a.start)
            or a.noun in _PEOPLE_WORDS
            or a.noun in _COUNT_CLOSERS
        ):
            return a
    return None


# A bare number asked for, after the resource was named: its count.
_ASKED_COUNT_BEFORE_RE: Final = re.compile(
    r"\b(?:besoin d[e']|il (?:nous |leur )?(?:en )?(?:faut|faudrait)|(?:on|nous) en (?:cherch\w+|"
    r"voudrions|voudrait|aurait besoin))\s?(?:environ\s|au moins\s)?$"
)


def _in_resource_unit(
    a: Amount, mentions: list[Mention], text: str, category: str | None
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
    if category == "manutention" and (
        a.noun or _resource_head(mentions, text, category)
    ).startswith("caisse"):
        unit = "unite"
    if unit == a.unit:
        return a
    return Amount(a.start, a.end, a.value, unit, a.noun, a.explicit, a.approximate)


def _resource_head(mentions: list[Mention], text: str, category: str | None) -> str:
    """The first word of the resource named (« caisses » of « caisses plastiques »)."""
    named = next((m for m in mentions if m.category == category), None)
    return text[named.start : named.end].split()[0] if named else ""


# A store or a vehicle is counted in its own units (« 2 congélateurs », « 2 VL »), never in
# the goods it will hold or carry (contract: "never the goods it will serve").
_HOLDS_GOODS: Final = frozenset(
    {"stockage", "stockage_froid", "vehicule", "vehicule_frigo", "conserverie"}
)
_GOODS_UNITS: Final = frozenset({"kg", "l", "carton", "cagette", "palette", "colis", "repas"})


def _goods_amount(amounts: list[Amount], mentions: list[Mention], text: str) -> Amount | None:
    """The first amount of the goods: with a unit, a counted noun, or announced (« environ
    50 », « une vingtaine », « sandwichs : 45 »)."""
    for i, a in enumerate(amounts):
        if a.unit == "personne" or a.value == 0 or _REPORTED_RE.match(text, a.end):
            continue  # « on a 0 pain », « 1,3 tonne récoltée »: no amount of the post
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


def _announced(a: Amount, text: str, mentions: list[Mention]) -> bool:
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


# Issue 10 (tune10b): the part of a lot that is offered (« 1,2 tonne reçue…, nous proposons
# 400 kg », « 2 tonnes livrées, on en donne la moitié, 1000 kg »): the amount right after the
# giving verb, not the lot received before it.
_OFFERED_BEFORE_RE: Final = re.compile(
    r"\b(?:nous|on|je)\s(?:vous\s)?(?:en\s)?(?:proposons|propose|donnons|donne|cedons|cede|"
    r"offrons|offre|mettons a disposition|met a disposition|laissons|laisse)\s"
    r"(?:(?:environ|la moitie|une partie|un tiers|le quart|le reste)\s?,?\s?(?:soit\s)?)?$"
)


# « 2 palettes reçues…, une palette est à donner », « le reste (2 750 kg) est à donner ».
_OFFERED_AFTER_RE: Final = re.compile(
    r"\)?\s?(?:(?:de|d')\s?\w+\s)?(?:est|sont)\s(?:a donner|a prendre|a recup\w*|dispo\w*|"
    r"a enlever|proposee?s?)\b"
)
# « 4 bacs de salade, 20 kg au total », « 3 cartons, 45 kg en tout »: the whole amount.
_TOTAL_AFTER_RE: Final = re.compile(r"\s?(?:au total|en tout)\b")
# « 250 g de levure… bon en fait 2 kg », « 500 g de safran… non je rigole, 500 kg »: the
# amount said again after a correction word is the one meant.
_CORRECTION_BEFORE_RE: Final = re.compile(
    r"\b(?:en fait|finalement|plutot|pardon|correction|je voulais dire|je rigole|je plaisante)"
    r"\b[^.!?]{0,40}$"
)


def _said_last_word(amounts: list[Amount], text: str, intent: Intent) -> Amount | None:
    """Of several amounts, the one a message says is the post's: the part offered of a lot,
    a total, a correction (issue 10, tune10b)."""
    for a in amounts[1:]:
        if not a.explicit or a.unit == "personne":
            continue  # « on sera 80 bénévoles au total »: people, not the goods
        before = text[max(0, a.start - 50) : a.start]
        if intent == "offer" and (
            _OFFERED_BEFORE_RE.search(before) or _OFFERED_AFTER_RE.match(text, a.end)
        ):
            return a
        if _TOTAL_AFTER_RE.match(text, a.end) or _CORRECTION_BEFORE_RE.search(before):
            return a
    return None


# Issue 10 (tune10): a figure of a report, said with its participle (« 1,3 tonne récoltée,
# merci », « 3 tonnes collectées », « 240 repas servis »), is news, not the post's amount.
_REPORTED_RE: Final = re.compile(
    r"\s(?:(?:de|d')\s?\w+\s)?(?:recolte|collecte|distribue|servi|vendu|ramasse)e?s?\b"
    r"(?!\s(?:a|pour|par)\b)"
)


# "environ 50", "~50", "à peu près 50", "au moins 200": a bare number announced as an amount.
_ABOUT_BEFORE_RE: Final = re.compile(
    r"(?:environ|env\.?|~|a peu pres|pres de|dans les|au moins|au minimum|minimum|mini|"
    r"maximum|max|jusqu'a|plus de|moins de|soit)\s?$"
)
_AFTER_COLON_RE: Final = re.compile(r"[a-z)]\s?:\s?$")
_ABOUT_WORDS: Final = frozenset({"environ", "env", "approx"})
_LIST_GAP_RE: Final = re.compile(r"^\s?(?:de |d')?[a-z' -]{1,30}?\s?(?:\+|et|,|&|plus)\s?$")


def _summed(first: Amount, rest: list[Amount], text: str, mentions: list[Mention]) -> Amount:
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
        goods = goods or _written_goods(text, last.end)
        next_goods = next_goods or _written_goods(text, nxt.end)
        if goods is not None and next_goods is not None and next_goods != goods:
            break
        goods = goods or next_goods
        total += nxt.value
        last = nxt
    if last is first:
        return first
    return Amount(first.start, last.end, total, first.unit, first.noun)


# « 250 kg de carotes + 100 kg de navets »: goods the lexicon does not know (a slip), by the
# word written after « de ».
_WRITTEN_GOODS_RE: Final = re.compile(r"\s(?:de|d')\s?([a-z]{3,})")


def _written_goods(text: str, end: int) -> str | None:
    """Issue 10 (tune10): the word after « de » right after an amount, without plural."""
    m = _WRITTEN_GOODS_RE.match(text, end)
    return m.group(1).rstrip("sx") if m else None


def _goods_after(a: Amount, until: int, mentions: list[Mention], text: str) -> str | None:
    """The goods an amount counts (the first named after it, before the next amount), by its
    head noun without plural: « yaourts nature » and « yaourt aux fruits » are one goods,
    « pommes » and « pommes de terre » two."""
    for m in mentions:
        if not m.resource and a.end <= m.start < until:
            words = text[m.start : m.end].split()
            compound = len(words) > 2 and words[1] in {"de", "d'", "a", "au"}
            return " ".join(w.rstrip("sx") for w in (words if compound else words[:1]))
    return None
