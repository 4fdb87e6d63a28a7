"""Dates as volunteers write them, resolved against "now" in the network's time zone."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal

from .numbers import NUMBER_WORDS, number_value

DateKind = Literal["dlc", "ddm"]

WEEKDAYS: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS: Final[dict[str, int]] = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMWORD_ALT = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_UNIT_AFTER = (
    r"\s?(?:kg|kgs|kilos?|g|gr|grammes?|t|tonnes?|l|litres?|cl|ml|cartons?|palettes?|"
    r"cagettes?|colis|repas|pieces?|unites?|sacs?|pots?|boites?|bouteilles?|x|%|€|euros?|h\b)"
)

_PATTERNS: Final[list[tuple[str, re.Pattern[str]]]] = [
    (
        "numeric",
        re.compile(
            r"(?<![\d/.,:])(\d{1,2})\s?([/.-])\s?(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/]|[.,]\d)"
            rf"(?!{_UNIT_AFTER})"
        ),
    ),
    (
        "text",
        re.compile(rf"\b(1er|premier|\d{{1,2}})\s?(?:-\s?)?({_MONTH_ALT})\b\.?(?:\s?(\d{{4}}))?"),
    ),
    ("after_tomorrow", re.compile(r"\bapres[- ]?demain\b|\bapredemain\b")),
    ("before_yesterday", re.compile(r"\bavant[- ]?hier\b")),
    ("tomorrow", re.compile(r"\bdemain\b|\bdem1\b|\bdmain\b")),
    ("yesterday", re.compile(r"\bhier\b")),
    (
        "today",
        re.compile(
            r"\baujourd ?'? ?hui\b|\bauj\b|\bajd\b|\bce (?:midi|soir|matin|jour)\b|"
            r"\bcet (?:apres[- ]?midi|aprem|aprem's)\b|\bcette (?:nuit|apres[- ]?midi|aprem)\b|"
            r"\bdans la journee\b|\btout a l'heure\b|\btantot\b|\bce jour\b|\bimmediatement\b|"
            r"\btout de suite\b|\bde suite\b"
        ),
    ),
    (
        "relative",
        re.compile(
            rf"\b(?:dans|sous|d'ici|d ici|en)\s(?:les\s)?(\d{{1,3}}|{_NUMWORD_ALT})\s?"
            r"(jours?|j|semaines?|sem|heures?|h|mois)\b"
        ),
    ),
    ("within", re.compile(r"\bsous (huitaine|quinzaine|8 jours|15 jours)\b")),
    (
        "weekday",
        re.compile(
            r"\b(?:(ce|cette|des|dès) )?(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
            r"(?:s)?(?: (prochain))?\b"
        ),
    ),
    ("weekend", re.compile(r"\b(?:ce|le) (?:week[- ]?end|we)\b")),
    ("next_week", re.compile(r"\b(?:la )?semaine prochaine\b")),
    ("month_end", re.compile(r"\bfin (?:du|de) mois\b")),
    ("week_of", re.compile(rf"\bsemaine du (\d{{1,2}})(?:\s?(?:{_MONTH_ALT}))?\b")),
    (
        "day",
        re.compile(
            r"\b(?:le|au|du|jusqu'au|jusqu au|avant le|pour le|d'ici le|ce)\s(\d{1,2})(?:er)?\b"
            rf"(?![/.,:-]\d|\s?(?:{_MONTH_ALT})\b|{_UNIT_AFTER}|\s?(?:h|heures?|eme|e)\b)"
        ),
    ),
    (
        "time",
        re.compile(r"(?<![\d,.])(\d{1,2})\s?(?:h|heures?)(?:\s?(\d{2}))?\b|\b(\d{1,2}):(\d{2})\b"),
    ),
]
_KIND_RE: Final = re.compile(
    r"\b(?:dlc|dlv|date limite(?: de consommation)?|a consommer (?:jusqu|avant)|"
    r"consommer avant le|peremption|perime\w*|expir\w*|a consommer rapidement|"
    r"(ddm|dluo|a consommer de preference|de preference avant|date de durabilite))\b"
)


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    value: date | None  # None for an invalid date (kept in ``text``)
    text: str
    kind: DateKind | None = None
    weak: bool = False  # a time of day alone: "today" only when nothing else is said


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_yearly(today: date, month: int, day: int, nearest: bool) -> date | None:
    """The next such day (or, for a use-by date, the nearest one, possibly past)."""
    options = [
        d
        for y in (today.year - 1, today.year, today.year + 1, today.year + 2)
        if (d := _valid(y, month, day)) is not None
    ]
    if not options:
        return None
    if nearest:
        return min(options, key=lambda d: (abs((d - today).days), d))
    return min((d for d in options if d >= today), default=None)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def find_dates(
    text: str,
    now: datetime,
    skip: Iterable[tuple[int, int]] = (),
) -> list[DateHit]:
    """Every date in folded ``text`` (``now`` already in the network's time zone)."""
    today = now.date()
    taken: list[tuple[int, int]] = list(skip)
    hits: list[DateHit] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            kind = _kind_before(text, m.start())
            value: date | None = None
            weak = False
            written = m.group(0).strip()
            if name == "numeric":
                day, month = int(m.group(1)), int(m.group(3))
                if m.group(2) == "." and (len(m.group(1)) == 1 or len(m.group(3)) == 1):
                    continue  # "2.5": a decimal number
                if m.group(2) == "-" and not m.group(4) and month > 12:
                    continue
                if not (1 <= day <= 31 and 1 <= month <= 12):
                    if day <= 31 and month <= 12 and day and month:
                        pass
                    elif 1 <= day <= 31 and 13 <= month <= 31:
                        continue  # "3-15": a range, not a date
                    else:
                        hits.append(DateHit(m.start(), m.end(), None, written, kind))
                        taken.append((m.start(), m.end()))
                        continue
                year = _year(m.group(4))
                if year is not None:
                    value = _valid(year, month, day)
                elif _valid(2024, month, day) is not None:  # 2024: leap, so 29/02 is real
                    value = _next_yearly(today, month, day, nearest=kind is not None)
                if value is None:
                    hits.append(DateHit(m.start(), m.end(), None, written, kind))
                    taken.append((m.start(), m.end()))
                    continue
            elif name == "text":
                raw_day = m.group(1)
                day = 1 if raw_day in {"1er", "premier"} else int(raw_day)
                month = MONTHS[m.group(2)]
                year = _year(m.group(3))
                if year is not None:
                    value = _valid(year, month, day)
                elif _valid(2024, month, day) is not None:
                    value = _next_yearly(today, month, day, nearest=kind is not None)
                if value is None:
                    hits.append(DateHit(m.start(), m.end(), None, written, kind))
                    taken.append((m.start(), m.end()))
                    continue
            elif name == "after_tomorrow":
                value = today + timedelta(days=2)
            elif name == "before_yesterday":
                value = today - timedelta(days=2)
            elif name == "tomorrow":
                value = today + timedelta(days=1)
            elif name == "yesterday":
                value = today - timedelta(days=1)
            elif name == "today":
                value = today
            elif name == "relative":
                amount = number_value(m.group(1))
                if amount is None:
                    continue
                unit = m.group(2)
                if unit.startswith(("jour", "j")):
                    value = today + timedelta(days=int(amount))
                elif unit.startswith(("sem",)):
                    value = today + timedelta(days=7 * int(amount))
                elif unit.startswith("mois"):
                    value = _add_months(today, int(amount))
                else:
                    value = (now + timedelta(hours=min(amount, 24 * 400))).date()
            elif name == "within":
                value = today + timedelta(days=7 if m.group(1) in {"huitaine", "8 jours"} else 14)
            elif name == "weekday":
                wd = WEEKDAYS.index(m.group(2))
                ahead = (wd - today.weekday()) % 7
                if ahead == 0 and not (m.group(1) in {"ce", "cette"} and not m.group(3)):
                    ahead = 7
                value = today + timedelta(days=ahead)
            elif name == "weekend":
                value = today + timedelta(days=(5 - today.weekday()) % 7)
            elif name == "next_week":
                value = today + timedelta(days=7 - today.weekday())
            elif name == "month_end":
                value = today.replace(day=calendar.monthrange(today.year, today.month)[1])
            elif name in {"week_of", "day"}:
                day = int(m.group(1))
                value = _next_monthly(today, day)
                if value is None:
                    continue
            elif name == "time":
                hour = int(m.group(1) or m.group(3))
                minute = int(m.group(2) or m.group(4) or 0)
                if hour > 23 or minute > 59:
                    continue
                value = today
                weak = True
            if value is None:
                continue
            hits.append(DateHit(m.start(), m.end(), value, written, kind, weak))
            taken.append((m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    return hits


def _next_monthly(today: date, day: int) -> date | None:
    if not 1 <= day <= 31:
        return None
    probe = today.replace(day=1)
    for _ in range(13):
        candidate = _valid(probe.year, probe.month, day)
        if candidate is not None and candidate >= today:
            return candidate
        probe = _add_months(probe, 1)
    return None


def _kind_before(text: str, start: int) -> DateKind | None:
    """ "DLC 12/12", "à consommer de préférence avant le …": the kind of date written."""
    window = text[max(0, start - 45) : start]
    found: DateKind | None = None
    for m in _KIND_RE.finditer(window):
        found = "ddm" if m.group(1) else "dlc"
    if found is None:
        return None
    last = max(m.end() for m in _KIND_RE.finditer(window))
    between = window[last:]
    # Another date, or the end of the clause, between the label and this date: not its date.
    if re.search(r"\d{1,2}[/.-]\d{1,2}|[,;]|\bet\b|\bou\b", between):
        return None
    return found
