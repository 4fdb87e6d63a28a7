"""How a group purchase reads on a small phone (issue 14): its fields, its deadline, its
progress towards the minimum. Pure: a purchase (or the fields of one being opened) in, lines
in the reader's language out."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.formatting import day
from handlers.purchase_words import euros, packs_text, packs_word
from handlers.texts import t
from storage.purchases import Purchase


def when_text(at: datetime, tz: ZoneInfo, lang: str, today: date | None = None) -> str:
    """« lun. 15 déc. à 18h00 » in the network's time zone (the year when not this one)."""
    local = at.astimezone(tz)
    return t(
        lang,
        "purchase_when",
        day=day(local.date(), lang, today),
        time=f"{local.hour}h{local.minute:02d}",
    )


def pack_alone(pack: str) -> str:
    """The pack after « par » (« par sac de 25 kg »): without its article."""
    words = pack.split()
    if len(words) > 1 and words[0].lower() in {"le", "la", "les", "un", "une"}:
        return " ".join(words[1:])
    return pack


def minimum_text(purchase: Purchase) -> str:
    if purchase.minimum_kind == "euros":
        return euros(purchase.minimum)
    return packs_word(purchase.minimum, purchase.pack)


def total_text(purchase: Purchase) -> str:
    if purchase.minimum_kind == "euros":
        return euros(purchase.total_cents)
    return packs_word(purchase.total_packs, purchase.pack)


def progress_text(purchase: Purchase, lang: str) -> str:
    """« Total : 32 sacs sur 40 sacs minimum (80 %), 4 association(s). »"""
    return t(
        lang,
        "purchase_progress",
        total=total_text(purchase),
        minimum=minimum_text(purchase),
        percent=purchase.percent,
        count=purchase.participants,
    )


def pickup_text(purchase: Purchase, lang: str) -> str:
    if purchase.pickup:
        return purchase.pickup
    return t(
        lang,
        "purchase_pickup_default",
        association=purchase.association_name,
        commune=purchase.association_commune,
    )


# The deadline's line in `summary_lines` (a note is added to it when its hour was moved).
DEADLINE_LINE = 4


def summary_lines(
    purchase: Purchase, lang: str, tz: ZoneInfo, today: date | None = None
) -> list[str]:
    """The purchase's fields, one a line (announcement, details, confirmation)."""
    return [
        t(lang, "purchase_summary_product", product=f"{purchase.product} — {purchase.pack}"),
        t(
            lang,
            "purchase_summary_price",
            price=euros(purchase.unit_price_cents),
            pack=pack_alone(purchase.pack),
        ),
        t(lang, "purchase_summary_supplier", supplier=purchase.supplier),
        t(lang, "purchase_summary_minimum", minimum=minimum_text(purchase)),
        t(lang, "purchase_summary_deadline", when=when_text(purchase.closes_at, tz, lang, today)),
        t(lang, "purchase_summary_pickup", pickup=pickup_text(purchase, lang)),
    ]


def share_text(count: int, pack: str) -> str:
    """An association's share: « 10 sacs de 25 kg »."""
    return packs_text(count, pack)


def status_text(purchase: Purchase, now: datetime, lang: str) -> str:
    if purchase.status == "open":
        key = "purchase_status_open" if now < purchase.closes_at else "purchase_status_closing"
        return t(lang, key)
    return t(lang, f"purchase_status_{purchase.status}")
