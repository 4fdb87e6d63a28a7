"""Group purchases as coordinators write them (issue 14): pure readings, no storage, no sentence.

One line, its parts separated by commas or semicolons, in any order:

    /achat riz, sac de 25 kg, 18,50 €, Metro Carcassonne, minimum 40 sacs, avant le 15/12

- the price is the part with « € » or « euros » (« 18,50 € », « 18.5 euros », « 18€50 »,
  « prix 18,50 »); a comma between two digits is a decimal comma, never a separator;
- the minimum opens with « minimum », « min », « au moins », « seuil » or « objectif »: in packs
  (« minimum 40 sacs », « minimum 40 ») or in euros (« minimum 800 € »);
- the deadline opens with « avant », « jusqu'au », « clôture », « date limite », « d'ici », or
  is a date (the understanding's date rules: « 15/12 », « vendredi », « le 15 décembre ») with
  or without an hour (« 18h », « 18h30 », « midi »); a day alone closes at 18:00;
- the pack is a part that opens with a container (« sac de 25 kg », « carton de 12 »,
  « bidon 5 L ») or a bare size (« 25 kg »); « riz en sac de 25 kg » is the product and its pack;
- the pick-up opens with « retrait », « récupération » or « livraison » (optional);
- the supplier opens with « chez » or « fournisseur », else it is the second part left;
- the product is the first part left.

What is missing is asked, one question at a time (handlers/purchases.py).

Deadlines are instants in the network's time zone. A time that does not exist (the hour skipped
in March, 02:00–03:00) is taken after the jump (02:30 is 03:30 summer time, said so). The
reminder goes the day before at the same time on the clock (« demain à 18h00 »), which is 23
or 25 hours before across a change of time; for a deadline in the skipped hour, 24 hours.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any, Final, Literal, TypeVar
from zoneinfo import ZoneInfo

from handlers.category_words import categories_of_item
from handlers.understanding.dates import find_dates
from handlers.understanding.text import canonical, fold_text

MinimumKind = Literal["packs", "euros"]
T = TypeVar("T")

# A day said without an hour closes at this local time (the end of a working day).
DEFAULT_CLOSING: Final = time(18, 0)
# How far a deadline may be.
LONGEST: Final = timedelta(days=366)
MAX_PRICE_CENTS: Final = 10_000_000  # 100 000 € a pack
MAX_PACKS: Final = 100_000
MAX_MINIMUM_CENTS: Final = 100_000_000  # 1 000 000 €
MAX_TEXT: Final = 80
MAX_PICKUP: Final = 200

# Containers a pack is counted in: folded singular → (singular, plural) as shown.
PACK_NOUNS: Final[dict[str, tuple[str, str]]] = {
    "sac": ("sac", "sacs"),
    "sachet": ("sachet", "sachets"),
    "carton": ("carton", "cartons"),
    "caisse": ("caisse", "caisses"),
    "colis": ("colis", "colis"),
    "bidon": ("bidon", "bidons"),
    "bouteille": ("bouteille", "bouteilles"),
    "boite": ("boîte", "boîtes"),
    "brique": ("brique", "briques"),
    "pack": ("pack", "packs"),
    "paquet": ("paquet", "paquets"),
    "palette": ("palette", "palettes"),
    "lot": ("lot", "lots"),
    "seau": ("seau", "seaux"),
    "fut": ("fût", "fûts"),
    "bac": ("bac", "bacs"),
    "barquette": ("barquette", "barquettes"),
    "filet": ("filet", "filets"),
    "plateau": ("plateau", "plateaux"),
    "cagette": ("cagette", "cagettes"),
    "pot": ("pot", "pots"),
    "bocal": ("bocal", "bocaux"),
    "conserve": ("conserve", "conserves"),
    "unite": ("unité", "unités"),
    "piece": ("pièce", "pièces"),
}
# Written forms (folded) of each container, singular and plural, to its folded singular.
_NOUN_FORMS: Final[dict[str, str]] = {
    **{noun: noun for noun in PACK_NOUNS},
    **{fold_text(plural): noun for noun, (_, plural) in PACK_NOUNS.items()},
    "u": "unite",
}
_NOUN_ALT: Final = "|".join(sorted(_NOUN_FORMS, key=len, reverse=True))
_ARTICLES: Final = frozenset({"le", "la", "les", "un", "une", "l'"})
# Words that join a product to its pack (« riz en sac de 25 kg »).
_JOINS: Final = frozenset({"en", "par", "au", "-", ":", "–", "—"})
_SIZE_UNITS: Final = r"(?:kg|kgs|kilos?|g|gr|grammes?|t|tonnes?|l|litres?|cl|ml)"

_SPLIT: Final = re.compile(r"\s*(?:[;\n]|,(?!\d)|(?<!\d),)\s*")
_NUMBER: Final = r"(\d{1,3}(?:[  ]\d{3})+|\d+)(?:[.,](\d{1,2}))?"
# « 18,50 », « 1 234,5 », « 18 » (then « € » or « euros »), or « 18€50 ».
_MONEY: Final = re.compile(
    rf"(?<![\d.,]){_NUMBER}\s*(?:euros?|eur)\b(?:\s*(\d{{2}})\b)?|(?<![\d.,]){_NUMBER}(?![\d.,])"
)
_HAS_EURO: Final = re.compile(r"\b(?:euros?|eur)\b")
# Words before a price: all are dropped from an answer to « quel prix ? »; in a line, a part
# without « € » is a price only after the first three (« pour le 15/12 » is a date).
_PRICE_HEAD: Final = re.compile(r"^(?:prix|tarif|au prix de|a|pour)\b\s*:?\s*")
_PRICE_NAMED: Final = re.compile(r"^(?:prix|tarif|au prix de)\b")
_MINIMUM_HEAD: Final = re.compile(
    r"^(?:au minimum|minimum|mini|min|au moins|seuil(?: minimum)?|objectif|il faut)\b\.?\s*"
    r"(?:de\s+|d'\s*|a\s+|:\s*)?"
)
_DEADLINE_HEAD: Final = re.compile(
    r"^(?:commandes?\s+)?(?:avant|jusqu'?\s?au|jusqu'?\s?a|jusqu'?\s?le|date limite|limite|"
    r"cloture|fin des commandes|fin|deadline|d'ici|pour)\b\s*:?\s*"
)
_PICKUP_HEAD: Final = re.compile(
    r"^(?:retrait|a retirer|recuperation|a recuperer|livraison|livre|enlevement|"
    r"rendez-vous|rdv|pick-?up)\b\s*:?\s*"
)
_SUPPLIER_HEAD: Final = re.compile(
    r"^(?:chez|fournisseur|fourni par|aupres de|via|supplier)\b\s*:?\s*"
)
_PRODUCT_HEAD: Final = re.compile(r"^(?:produit|article)\b\s*:?\s*")
_PACK_START: Final = re.compile(
    rf"^(?:(?:le|la|les|un|une|en|par|au|a la)\s+)?(?:{_NOUN_ALT})\b"
    rf"|^\d+(?:[.,]\d+)?\s?{_SIZE_UNITS}\b"
)
_TIME: Final = re.compile(
    r"(?<![\d/.,])(\d{1,2})\s?(?:h|heures?)\s?(\d{2})?\b|\b(\d{1,2}):(\d{2})\b|\b(midi|minuit)\b"
)
_QUANTITY: Final = re.compile(rf"^(\d{{1,6}})(?:\s*(?:x\s*)?(?:{_NOUN_ALT})s?\b.*)?$")


class Invalid(Exception):
    """A value that cannot be read: the catalogue key of the answer and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
        # The field it is about, when read in a line (« price », « minimum », « deadline »).
        self.field = ""


# ------------------------------------------------------------------ what was read


@dataclass(frozen=True)
class Deadline:
    closes_at: datetime  # UTC
    remind_at: datetime  # UTC: the same local time the day before
    # The local time typed does not exist (March): it was moved after the jump.
    shifted: bool = False
    typed: str = ""  # « 2h30 », when shifted


@dataclass(frozen=True)
class Fields:
    """What is known of a purchase being opened (every field optional until it is asked)."""

    product: str | None = None
    pack: str | None = None
    price_cents: int | None = None
    supplier: str | None = None
    minimum_kind: MinimumKind | None = None
    minimum: int | None = None
    closes_at: str | None = None  # ISO, UTC
    remind_at: str | None = None
    shifted: str = ""  # the hour typed, when it did not exist
    pickup: str | None = None
    # The parts of a line read as nothing (shown back).
    unknown: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The fields to keep while the next one is asked (`unknown` is said, not kept)."""
        data = asdict(self)
        del data["unknown"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fields:
        kind = data.get("minimum_kind")
        return cls(
            product=data.get("product"),
            pack=data.get("pack"),
            price_cents=data.get("price_cents"),
            supplier=data.get("supplier"),
            minimum_kind="euros" if kind == "euros" else "packs" if kind == "packs" else None,
            minimum=data.get("minimum"),
            closes_at=data.get("closes_at"),
            remind_at=data.get("remind_at"),
            shifted=data.get("shifted") or "",
            pickup=data.get("pickup"),
        )

    def merged(self, other: Fields) -> Fields:
        """These fields, with those `other` states taking their place."""
        changes = {
            name: getattr(other, name)
            for name in ("product", "pack", "price_cents", "supplier", "pickup")
            if getattr(other, name) is not None
        }
        if other.minimum is not None:
            changes |= {"minimum_kind": other.minimum_kind, "minimum": other.minimum}
        if other.closes_at is not None:
            changes |= {
                "closes_at": other.closes_at,
                "remind_at": other.remind_at,
                "shifted": other.shifted,
            }
        return replace(self, unknown=other.unknown, **changes)

    def with_deadline(self, deadline: Deadline) -> Fields:
        return replace(
            self,
            closes_at=deadline.closes_at.isoformat(),
            remind_at=deadline.remind_at.isoformat(),
            shifted=deadline.typed if deadline.shifted else "",
        )

    @property
    def deadline(self) -> Deadline | None:
        if self.closes_at is None or self.remind_at is None:
            return None
        return Deadline(
            datetime.fromisoformat(self.closes_at),
            datetime.fromisoformat(self.remind_at),
            bool(self.shifted),
            self.shifted,
        )


# ------------------------------------------------------------------ folding


def folded(text: str) -> str:
    """Lower case, no accents, one space; « € » spelled « euros » (folding drops it)."""
    return fold_text(canonical(text.replace("€", " euros ")))


def clean(text: str) -> str:
    """A value as typed, trimmed of spaces and the punctuation around it."""
    return " ".join(text.split()).strip(" .,;:-–—")


# ------------------------------------------------------------------ one field each


def _cents(whole: str, decimals: str | None) -> int:
    units = int(re.sub(r"\D", "", whole))
    fraction = (decimals or "0").ljust(2, "0")
    return units * 100 + int(fraction)


def parse_price(text: str) -> int:
    """« 18,50 € », « 18.5 », « 18€50 », « prix 18,50 » → cents (1850)."""
    words = _PRICE_HEAD.sub("", folded(text))
    found = _MONEY.search(words)
    if found is None:
        raise Invalid("purchase_price_invalid")
    if found.group(1) is not None:
        cents = _cents(found.group(1), found.group(2) or found.group(3))
    else:
        cents = _cents(found.group(4), found.group(5))
    if not 0 < cents <= MAX_PRICE_CENTS:
        raise Invalid("purchase_price_invalid")
    return cents


def parse_minimum(text: str) -> tuple[MinimumKind, int]:
    """« 40 sacs », « 40 », « 800 € » → ('packs', 40) or ('euros', 80000 cents)."""
    words = _MINIMUM_HEAD.sub("", folded(text)).strip(" .")
    if _HAS_EURO.search(words):
        found = _MONEY.search(words)
        if found is None:
            raise Invalid("purchase_minimum_invalid")
        whole, decimals = (found.group(1), found.group(2) or found.group(3))
        if whole is None:
            whole, decimals = found.group(4), found.group(5)
        cents = _cents(whole, decimals)
        if not 0 < cents <= MAX_MINIMUM_CENTS:
            raise Invalid("purchase_minimum_invalid")
        return "euros", cents
    found_packs = re.match(rf"^(\d{{1,6}})(?:\s+(?:{_NOUN_ALT})\b.*)?$", words)
    if found_packs is None:
        if re.match(rf"^\d+(?:[.,]\d+)?\s?{_SIZE_UNITS}\b", words):
            raise Invalid("purchase_minimum_unit")
        raise Invalid("purchase_minimum_invalid")
    packs = int(found_packs.group(1))
    if not 0 < packs <= MAX_PACKS:
        raise Invalid("purchase_minimum_invalid")
    return "packs", packs


def parse_quantity(text: str) -> int:
    """A commitment: « 5 », « 5 sacs », « 0 » (withdraw) → packs."""
    words = folded(text).strip(" .!")
    found = _QUANTITY.match(words)
    if found is None:
        raise Invalid("purchase_quantity_invalid")
    packs = int(found.group(1))
    if packs > MAX_PACKS:
        raise Invalid("purchase_quantity_invalid")
    return packs


def _time_of(words: str) -> time | None:
    found = _TIME.search(words)
    if found is None:
        return None
    if found.group(5) == "midi":
        return time(12, 0)
    if found.group(5) == "minuit":
        return time(23, 59)
    hour = int(found.group(1) or found.group(3))
    minute = int(found.group(2) or found.group(4) or 0)
    if hour == 24 and minute == 0:
        return time(23, 59)
    if hour > 23 or minute > 59:
        raise Invalid("purchase_deadline_invalid")
    return time(hour, minute)


def hour_text(at: time) -> str:
    return f"{at.hour}h{at.minute:02d}"


def parse_deadline(text: str, now: datetime, tz: ZoneInfo) -> Deadline:
    """« avant le 15/12 », « vendredi 12h », « 15 décembre à 18h30 », « demain midi » → the
    instant in the network's zone; a day alone closes at 18:00, an hour alone is today's (or
    tomorrow's when past). Refused when past or more than a year away."""
    words = _DEADLINE_HEAD.sub("", folded(text))
    local_now = now.astimezone(tz)
    at = _time_of(words)
    days = [
        hit
        for hit in find_dates(words, local_now.replace(tzinfo=None))
        if not hit.weak and not hit.past
    ]
    if days and days[0].value is None:
        raise Invalid("purchase_deadline_invalid")
    if days and days[0].value is not None:
        day = days[0].value
        wall = datetime.combine(day, at or DEFAULT_CLOSING, tzinfo=tz)
    elif at is not None:
        wall = datetime.combine(local_now.date(), at, tzinfo=tz)
        if wall.astimezone(UTC) <= now:
            wall = datetime.combine(local_now.date() + timedelta(days=1), at, tzinfo=tz)
    else:
        raise Invalid("purchase_deadline_invalid")
    closes_at = wall.astimezone(UTC)
    if closes_at <= now:
        raise Invalid("purchase_deadline_past")
    if closes_at - now > LONGEST:
        raise Invalid("purchase_deadline_far")
    # Wall-clock arithmetic (an aware datetime in its own zone): the same time the day before.
    remind_at = (wall - timedelta(days=1)).astimezone(UTC)
    shown = closes_at.astimezone(tz)
    shifted = (shown.hour, shown.minute) != (wall.hour, wall.minute)
    return Deadline(closes_at, remind_at, shifted, hour_text(wall.time()) if shifted else "")


def parse_text(text: str, longest: int = MAX_TEXT) -> str:
    value = clean(text)
    if len(value) < 2 or len(value) > longest:
        raise Invalid("purchase_text_invalid", longest=longest)
    return value


# ------------------------------------------------------------------ a whole line


def split_parts(text: str) -> list[str]:
    return [clean(part) for part in _SPLIT.split(text) if clean(part)]


def after_head(part: str, head: re.Pattern[str]) -> str:
    """`part` without the words its folded form's `head` matched (« Retrait : entrepôt » →
    « entrepôt »): folding keeps the words, so the head's words are the first ones."""
    found = head.match(folded(part))
    if found is None:
        return part
    skipped = len(found.group(0).split())
    return clean(" ".join(part.replace("(", " ( ").split()[skipped:]).replace(" ( ", " ("))


def _is_noun(word: str) -> bool:
    return fold_text(word.lower()).strip("().,:") in _NOUN_FORMS


def supplier_of(text: str) -> str:
    """The supplier as answered (« chez Metro » → « Metro »)."""
    return after_head(clean(text), _SUPPLIER_HEAD)


def product_and_pack(part: str) -> tuple[str, str | None]:
    """« riz en sac de 25 kg », « riz (sac de 25 kg) », « riz - sac de 25 kg » → (« riz »,
    « sac de 25 kg »); « riz » → (« riz », None)."""
    words = part.replace("(", " ( ").replace(")", " ) ").split()
    for index in range(1, len(words)):
        if not _is_noun(words[index]):
            continue
        before = words[:index]
        joined = bool(before) and (fold_text(before[-1].lower()) in _JOINS or before[-1] == "(")
        if not joined and not (fold_text(before[-1].lower()) in _ARTICLES and len(before) > 1):
            continue
        before = before[:-1]
        product = clean(" ".join(before))
        pack = pack_as_stored(" ".join(w for w in words[index:] if w not in ("(", ")")))
        if product and pack:
            return product, pack
    return part, None


@dataclass(frozen=True)
class Reading:
    """What a line says: its fields, and the parts that name a field but could not be read
    (« minimum beaucoup »), each an Invalid whose `field` says which."""

    fields: Fields
    errors: tuple[Invalid, ...] = ()


def read_line(text: str, now: datetime, tz: ZoneInfo) -> Reading:
    """Every field a line states; those it does not are None."""
    fields = Fields()
    errors: list[Invalid] = []
    left: list[str] = []
    in_pickup = False  # the pick-up's words may hold commas: « retrait : entrepôt, le 18/12 »
    for part in split_parts(text):
        words = folded(part)
        if in_pickup and fields.pickup is not None and not _is_headed(words):
            fields = replace(fields, pickup=f"{fields.pickup}, {part}"[:MAX_PICKUP])
            continue
        in_pickup = bool(_PICKUP_HEAD.match(words))
        try:
            fields, rest = _read_part(fields, part, words, now, tz)
        except Invalid as error:
            errors.append(error)
            continue
        left += rest
    unknown: list[str] = []
    for part in left:
        if fields.product is None:
            product, pack = product_and_pack(part)
            fields = replace(fields, product=product[:MAX_TEXT], pack=fields.pack or pack)
        elif fields.supplier is None:
            fields = replace(fields, supplier=part[:MAX_TEXT])
        else:
            unknown.append(part)
    return Reading(replace(fields, unknown=tuple(unknown)), tuple(errors))


def _read_part(
    fields: Fields, part: str, words: str, now: datetime, tz: ZoneInfo
) -> tuple[Fields, list[str]]:
    """`fields` with what one part states; the part itself when it names no field."""
    if _MINIMUM_HEAD.match(words):
        kind, value = with_field("minimum", parse_minimum, part)
        return replace(fields, minimum_kind=kind, minimum=value), []
    if _PICKUP_HEAD.match(words):
        return replace(fields, pickup=(after_head(part, _PICKUP_HEAD) or part)[:MAX_PICKUP]), []
    if _SUPPLIER_HEAD.match(words):
        return replace(fields, supplier=after_head(part, _SUPPLIER_HEAD)[:MAX_TEXT] or None), []
    if _PRODUCT_HEAD.match(words):
        product, pack = product_and_pack(after_head(part, _PRODUCT_HEAD))
        return replace(fields, product=product[:MAX_TEXT], pack=pack or fields.pack), []
    if _HAS_EURO.search(words) or (_PRICE_NAMED.match(words) and re.search(r"\d", words)):
        fields = replace(fields, price_cents=with_field("price", parse_price, part))
        pack = pack_in_price(part)
        return (replace(fields, pack=pack) if pack and fields.pack is None else fields), []
    if _DEADLINE_HEAD.match(words) or is_date(words, now, tz):
        deadline = with_field("deadline", lambda text: parse_deadline(text, now, tz), part)
        return fields.with_deadline(deadline), []
    if _PACK_START.match(words):
        return replace(fields, pack=pack_as_stored(part)), []
    return fields, [part]


def with_field(field: str, read: Callable[[str], T], text: str) -> T:
    """`read(text)`, an Invalid it raises marked with the field it is about."""
    try:
        return read(text)
    except Invalid as error:
        error.field = field
        raise


def pack_as_stored(text: str) -> str:
    """A pack without the article it may be written with (« le sac de 25 kg »)."""
    words = clean(text).split()
    if len(words) > 1 and fold_text(words[0].lower()) in _ARTICLES:
        words = words[1:]
    return " ".join(words)[:MAX_TEXT]


def _is_headed(words: str) -> bool:
    """A part that says which field it is (« minimum … », « chez … », « 18 € »)."""
    heads = (_MINIMUM_HEAD, _PICKUP_HEAD, _SUPPLIER_HEAD, _PRODUCT_HEAD, _DEADLINE_HEAD)
    return any(head.match(words) for head in heads) or bool(_HAS_EURO.search(words))


def pack_in_price(part: str) -> str | None:
    """« 18,50 € le sac de 25 kg »: the pack named after the price."""
    words = part.split()
    for index in range(1, len(words)):
        if _is_noun(words[index]) and fold_text(words[index - 1].lower()) in {
            "le",
            "la",
            "les",
            "par",
            "l'",
            "/",
        }:
            return pack_as_stored(" ".join(words[index:]))
    return None


def is_date(words: str, now: datetime, tz: ZoneInfo) -> bool:
    local = now.astimezone(tz).replace(tzinfo=None)
    return any(not hit.weak for hit in find_dates(words, local)) or bool(
        re.fullmatch(r"(?:a\s+)?(?:\d{1,2}\s?h(?:\d{2})?|midi|minuit)", words)
    )


# ------------------------------------------------------------------ reading back


def euros(cents: int) -> str:
    """1850 → « 18,50 € »; 123450 → « 1 234,50 € » (French: decimal comma, spaced thousands)."""
    whole, fraction = divmod(cents, 100)
    grouped = f"{whole:,}".replace(",", " ")
    return f"{grouped},{fraction:02d} €"


def csv_amount(cents: int) -> str:
    """A spreadsheet's number: « 1234,50 » (no thousands separator, no symbol)."""
    whole, fraction = divmod(cents, 100)
    return f"{whole},{fraction:02d}"


def _noun_and_rest(pack: str) -> tuple[str | None, str]:
    """(the container's folded singular, the words after it): « sac de 25 kg » → (« sac »,
    « de 25 kg »); « 25 kg » → (None, « 25 kg »)."""
    words = pack.split()
    if len(words) > 1 and fold_text(words[0].lower()) in _ARTICLES:
        words = words[1:]
    if words and _is_noun(words[0]):
        return _NOUN_FORMS[fold_text(words[0].lower()).strip("().,:")], " ".join(words[1:])
    return None, pack


def pack_noun(pack: str) -> str | None:
    """The container a pack is counted in, folded singular (« sac »), or None (« 25 kg »)."""
    return _noun_and_rest(pack)[0]


def packs_word(count: int, pack: str) -> str:
    """A count of packs by their container: « 40 sacs », « 1 boîte », « 40 × 25 kg »."""
    noun, _ = _noun_and_rest(pack)
    if noun is None:
        return f"{count} × {pack}"
    singular, plural = PACK_NOUNS[noun]
    return f"{count} {plural if count > 1 else singular}"


def packs_text(count: int, pack: str) -> str:
    """A count of packs in full: « 10 sacs de 25 kg », « 1 sac de 25 kg », « 10 × 25 kg »."""
    noun, rest = _noun_and_rest(pack)
    if noun is None:
        return f"{count} × {pack}"
    return f"{packs_word(count, pack)} {rest}".strip()


def category_of(product: str) -> str | None:
    """The category a product names (« riz »: épicerie sèche); None when none or unsure. How
    goods are kept (frozen, canned) or whom they are for (infants) beats their family, as in
    the understanding."""
    named = categories_of_item(product)
    for first in ("surgeles", "conserves", "bebe"):
        if first in named:
            return first
    return next(iter(sorted(named))) if len(named) == 1 else None
