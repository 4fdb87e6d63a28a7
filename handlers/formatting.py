"""How posts, quantities and dates read on a small phone, in the reader's language."""

from __future__ import annotations

from datetime import date

from handlers.messages import Link
from handlers.texts import t
from storage.models import Contact, DigestPost, Post

WEEKDAYS = {
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS = {
    "fr": (
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
UNIT_LABELS = {
    "fr": {
        "kg": "kg",
        "l": "L",
        "unite": "unité(s)",
        "carton": "carton(s)",
        "cagette": "cagette(s)",
        "palette": "palette(s)",
        "colis": "colis",
        "repas": "repas",
        "personne": "personne(s)",
    },
    "en": {
        "kg": "kg",
        "l": "L",
        "unite": "item(s)",
        "carton": "carton(s)",
        "cagette": "crate(s)",
        "palette": "pallet(s)",
        "colis": "parcel(s)",
        "repas": "meal(s)",
        "personne": "person(s)",
    },
}


# How a unit reads in a sentence ("comptée en cagettes"): French unit names, as typed.
UNIT_WORDS = {
    "kg": "kg",
    "l": "litres",
    "unite": "unités",
    "carton": "cartons",
    "cagette": "cagettes",
    "palette": "palettes",
    "colis": "colis",
    "repas": "repas",
    "personne": "personnes",
}


def number(value: float) -> str:
    """12 -> "12", 2.5 -> "2,5" (French decimal comma; also fine for English readers here)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def quantity(value: float | None, unit: str | None, lang: str) -> str:
    if value is None:
        return t(lang, "post_summary_unknown")
    label = UNIT_LABELS.get(lang, UNIT_LABELS["fr"]).get(unit or "unite", unit or "")
    return f"{number(value)} {label}".strip()


def plain_quantity(value: float, unit: str | None) -> str:
    """A quantity as a person would type it back in a command: "12 kg", "3 cartons"."""
    if not unit or unit == "unite":
        return number(value)  # a bare number is read in the post's own unit
    return f"{number(value)} {UNIT_WORDS.get(unit, unit)}"


def day(value: date, lang: str, today: date | None = None) -> str:
    text = f"{WEEKDAYS[lang if lang in WEEKDAYS else 'fr'][value.weekday()]} {value.day} "
    text += MONTHS[lang if lang in MONTHS else "fr"][value.month - 1]
    if today is not None and value.year != today.year:
        text += f" {value.year}"
    if today is not None and value == today:
        return ("aujourd'hui, " if lang == "fr" else "today, ") + text
    return text


def post_headline(post: Post | DigestPost, lang: str, today: date) -> str:
    """One line: what — how much — until when — where."""
    parts = [post.what]
    if post.quantity is not None:
        left = post.remaining
        if left is not None and left < post.quantity:
            parts.append(
                f"{quantity(left, post.unit, lang)} / {quantity(post.quantity, post.unit, lang)}"
            )
        else:
            parts.append(quantity(post.quantity, post.unit, lang))
    if post.deadline:
        parts.append(day(post.deadline, lang, today))
    if post.place:
        parts.append(post.place)
    line = " — ".join(parts)
    if post.cold_chain:
        line += " ❄️"
    return line


def post_list_line(post: Post | DigestPost, lang: str, today: date, where: str = "") -> str:
    """`where`: how far it is from the reader (« à 8 km », « chez vous »), "" when unknown."""
    urgent = "🆘 " if post.urgent else ""
    kind = t(lang, f"kind_{post.kind}")
    author = f"{post.association_name}, {where}" if where else post.association_name
    return f"{urgent}#{post.id} {kind} · {post_headline(post, lang, today)} ({author})"


def post_details(post: Post, lang: str, today: date) -> list[str]:
    """The fields the bot understood, one per line (the confirmation after posting)."""
    lines = [t(lang, "post_summary_what", what=post.what)]
    lines.append(
        t(lang, "post_summary_quantity", quantity=quantity(post.quantity, post.unit, lang))
    )
    deadline = day(post.deadline, lang, today) if post.deadline else t(lang, "post_summary_unknown")
    key = {"dlc": "post_summary_deadline_dlc", "ddm": "post_summary_deadline_ddm"}.get(
        post.date_kind or "", "post_summary_deadline"
    )
    lines.append(t(lang, key, deadline=deadline))
    lines.append(t(lang, "post_summary_place", place=post.place or t(lang, "post_summary_unknown")))
    if post.cold_chain:
        lines.append(t(lang, "post_summary_cold"))
    return lines


def contact_text(contact: Contact | None, lang: str, fallback: str = "") -> str:
    """The contact as shown in a sentence; `fallback` (or « répondez-lui via Boucle »)."""
    if contact is not None:
        return contact.text
    return fallback or t(lang, "contact_unknown")


def contact_links(*contacts: Contact | None) -> tuple[Link, ...]:
    """One tap from the shown contact to a chat with the person, where there is a link."""
    return tuple(Link(c.text, c.link) for c in contacts if c is not None and c.link)
