"""Dates as volunteers write them, resolved against "now" in the network's time zone.

One rule per way of writing a date (the contract's "Deadline" section), each a pattern and a
resolver that can be tested alone (:data:`DATE_RULES`). The table's order is precedence: a
span read by a rule is not read again by a later one, so the most specific forms come first
(« 12/12 » before « le 12 », « après-demain » before « demain »).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Final, Literal

from . import prefilter
from .numbers import NUMBER_WORD_RE, NUMBER_WORDS, number_value, words_value

DateKind = Literal["dlc", "ddm"]

WEEKDAYS: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_ENGLISH_WEEKDAYS: Final = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
# Spanish weekdays (issue 10: « para el jueves »; « lunes », « martes » are no French word).
_SPANISH_WEEKDAYS: Final = (
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
)


def _slips(word: str) -> set[str]:
    """One letter dropped or two swapped (« samdi », « vendedi », « mecredi »)."""
    dropped = {word[:i] + word[i + 1 :] for i in range(len(word))}
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    return (dropped | swapped) - {word}


# Every way of writing a weekday, to its number (Monday 0). Slips only for the long names:
# one letter off « lundi » or « mardi » is too often another word.
WEEKDAY_NUMBER: Final[dict[str, int]] = {
    **{slip: n for n, day in enumerate(WEEKDAYS) if len(day) >= 6 for slip in _slips(day)},
    **{day: n for n, day in enumerate(_ENGLISH_WEEKDAYS)},
    **{day: n for n, day in enumerate(_SPANISH_WEEKDAYS)},
    **{day: n for n, day in enumerate(WEEKDAYS)},
}
# Longest first, ties in a fixed order (the slips come from sets): the same source in every
# process, as the prefilter's prebuilt index needs (issue 12); equal-length literals cannot
# both match at one place, so their order changes no match.
_WEEKDAY_ALT = "|".join(sorted(WEEKDAY_NUMBER, key=lambda w: (-len(w), w)))
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
    # English months (issue 10: « before 20 July »); « may » is the verb, « march » a walk
    # too rarely to matter, « august » kept.
    **{
        m: n
        for n, m in enumerate(
            ("january", "february", "march", "april", "", "june", "july", "august"), start=1
        )
        if m
    },
    **{"september": 9, "october": 10, "november": 11, "december": 12},
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_ENGLISH_MONTH_ALT = (
    "january|february|march|april|june|july|august|september|october|november|december"
)
# After a day in words, « sept » is the number (« vingt sept »), not September.
_MONTH_AFTER_WORDS_ALT = "|".join(
    m for m in sorted(MONTHS, key=len, reverse=True) if m in {"septembre"} or m[:3] != "sep"
)
# « au 3 rue des Lilas », « 12 avenue Jaurès », « 5 bis chemin… »: a house number, not a day.
STREET_WORDS: Final = (
    r"(?:rue|av|avenue|bd|boulevard|allee|impasse|imp|chemin|ch|route|rte|quai|place|pl|"
    r"cours|square|passage|residence|lotissement|lot|zac|za|zi)"
)
_STREET_AFTER = rf"\s?(?:bis|ter)?\s?,?\s?{STREET_WORDS}\b"
_NUMWORD_ALT = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_UNIT_AFTER = (
    r"\s?(?:kg|kgs|kilos?|g|gr|grammes?|t|tonnes?|l|litres?|cl|ml|cartons?|palettes?|"
    r"cagettes?|colis|repas|pieces?|unites?|sacs?|pots?|boites?|bouteilles?|x|%|€|euros?|h\b)"
)
_KIND_RE: Final = re.compile(
    r"\b(?:dlc|dlv|date limite(?: de consommation)?|a consommer (?:jusqu|avant)|"
    r"consommer avant le|peremption|perime\w*|expir\w*|a consommer rapidement|"
    r"(ddm|dluo|a consommer de preference|de preference avant|date de durabilite))\b"
)
_DATE_OR_CLAUSE_END_RE: Final = re.compile(r"\d{1,2}[/.-]\d{1,2}|[,;]|\bet\b|\bou\b")
# Today's words told of what already happened: « on a fait l'inventaire ce matin » (a passé
# composé earlier in the clause), « yaourts récupérés ce matin » (how the goods came: a
# participle of getting them, not after « on » or « je », which make it the present).
_PAST_TENSE_IN_CLAUSE_RE: Final = re.compile(
    # the auxiliary after its subject: a bare « a » is as often « à » (« à prendre ce soir »)
    r"(?:\b(?:on|il|elle|qui|ca|nous|vous|ils|elles|tu)\s(?:(?:nous|vous|les|en|leur|y)\s|l')?"
    r"(?:a|avons|avez|ont|as)|\bj'(?:en\s|y\s)?ai)\s(?:(?:bien|deja|tout|encore|aussi)\s)?"
    r"(?!(?:une|elle|cette|quelques|autre|autres|notre|votre|encore|juste|presque|rien)\b)"
    r"(?:eu|fait|faits|pris|mis|recu|recus|ouvert|offert|\w{3,}(?:e|ee|es|ees|i|is|u|us))\b"
    r"[^.,;:!?]*$"
)
_GOT_BEFORE_RE: Final = re.compile(
    r"(?<!\bon )(?<!\bje )(?<!\bj')(?<!\bnous )"
    r"\b(?:recuper|ramass|collect|livr|arriv|prepar|recu\b|recus\b|recue)\w*(?<!er)(?<!ons)"
    r"\s(?:(?:de|du|a|au|chez|par)\s\w+\s)?$"
)
_PAST_DAY_RULES: Final = frozenset({"yesterday", "before_yesterday"})

# Issue 10 (tune10): a day told of in news (« notre assemblée de mardi », « lundi on a reçu
# 200 kg », « en panne depuis ce matin », « le traiteur qui fermait ce soir ») is when
# something happened, not by when anything must happen.
# « depuis lundi », « depuis ce matin »: since then, never a deadline.
_SINCE_RE: Final = re.compile(r"\bdepuis\s(?:(?:le|la|ce|cette|l')\s?)?$")
# « après notre assemblée de mardi », « suite à la distribution de ce matin »: after an event.
_AFTER_EVENT_RE: Final = re.compile(
    r"\b(?:apres|suite a|retour (?:de|sur))\s"
    r"(?:la|le|l'|les|notre|nos|votre|vos|leur|leurs|cette|ce|cet)\s?[\w-]+"
    r"(?:\s[\w-]+)?\s(?:de|du|d')\s?$"
)
# « biscuits reçus lors de la quête de dimanche »: goods received at a past event.
_RECEIVED_AT_EVENT_RE: Final = re.compile(
    r"\b(?:recu|recue|recus|recues|offert|offerts|offertes)\s(?:[\w'-]+\s){0,5}(?:de|du)\s$"
)
# An imperfect tense in the clause before (« qui fermait ce soir »); a conditional (« il
# faudrait », « on aimerait ») ends in -rait and is no news, nor are « fait », « s'il
# vous plaît », « il sait ».
_IMPERFECT_IN_CLAUSE_RE: Final = re.compile(
    r"\b(?!(?:fait|plait|sait|tait)\b)\w{2,}(?<!r)(?:ait|aient)\b[^.,;:!?]*$"
)
# A passé composé just after a weekday: « lundi on a reçu 200 kg », « samedi, nous avons
# distribué… » (not « lundi on a besoin », « mardi on a des pommes »).
_PAST_TENSE_AFTER_RE: Final = re.compile(
    r"(?:\s(?:matin|soir|midi|aprem|apres[- ]midi))?(?:\s?,)?\s(?:on|nous|j'|je|il|elle|ils|elles)"
    r"\s?(?:(?:nous|vous|les|en|leur|y|l')\s?)?(?:a|avons|ai|ont)\s(?:(?:bien|deja|tout)\s)?"
    r"(?!(?:besoin|des|les|ses|nos|vos|leurs|une|plus|pas|rien|encore|assez|trop|beaucoup)\b)"
    r"(?:eu|fait|pris|mis|recu|recus|\w{3,}(?:e|ee|es|ees|i|is|u|us))\b"
)
# « nous avons dû ouvrir le mercredi »: dû before an infinitive is a past tense too.
_HAD_TO_IN_CLAUSE_RE: Final = re.compile(
    r"\b(?:on a|nous avons|j'ai|ils ont|elles ont)\sdu\s\w+(?:er|ir)\b[^.,;:!?]*$"
)
# Between a past verb and the day, a word that looks ahead makes the day a deadline again
# (« on a reçu 40 kg de pommes à donner avant mardi »).
_LOOKS_AHEAD_RE: Final = re.compile(
    r"\b(?:avant|pour|jusqu\w*|d'ici|a partir|a prendre|a donner|a recup\w*|a retirer|"
    r"a enlever|dispo\w*|libres?|des|besoin|prochain\w*|faudra\w*|faut|peut|peuvent|pourr\w*"
    # issue 10 (tune10b): « reçu 90 yaourts qui arrivent à date lundi », « DLC lundi »
    r"|a date|dlc|ddm|dluo|perim\w*|a consommer)\b"
)


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    value: date | None  # None for an invalid date (kept in ``text``)
    text: str
    kind: DateKind | None = None
    weak: bool = False  # a time of day alone: "today" only when nothing else is said
    past: bool = False  # what already happened (« hier », « récupéré ce matin »): no deadline


@dataclass(frozen=True)
class Reading:
    """What a rule read in its match: a day, or (``value`` None) a date that does not exist."""

    value: date | None
    weak: bool = False


INVALID: Final = Reading(None)

# A resolver reads one match against "now"; ``labelled`` is true after « DLC », « à consommer
# avant »… (a use-by date may be past). None: the match is not a date after all.
Resolver = Callable[[re.Match[str], datetime, bool], Reading | None]


@dataclass(frozen=True)
class DateRule:
    name: str
    pattern: re.Pattern[str]
    resolve: Resolver


# -- calendar helpers -----------------------------------------------------------------------


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


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _day_of_year(
    today: date, day: int, month: int, year_text: str | None, labelled: bool
) -> Reading:
    """A day and month, the year given or not: that date, the next such one, or invalid."""
    year = _year(year_text)
    if year is not None:
        return Reading(_valid(year, month, day))
    if _valid(2024, month, day) is None:  # 2024: a leap year, so 29/02 is a real day
        return INVALID
    return Reading(_next_yearly(today, month, day, nearest=labelled))


# -- one resolver per way of writing a date --------------------------------------------------


# Issue 10 (tune10): « boîtes 4/4 », « conserves 5/1 », « format 1/2 »: the size of a tin.
_TIN_SIZE_BEFORE_RE: Final = re.compile(r"\b(?:boites?|conserves?|format|bocaux|bocal)\s?\(?$")


def resolve_numeric(m: re.Match[str], now: datetime, labelled: bool) -> Reading | None:
    """« 12/12 », « 12.12.26 », « 3-12 »; not the size of a tin (« boîtes 4/4 »)."""
    day, separator, month = int(m.group(1)), m.group(2), int(m.group(3))
    if separator == "/" and not labelled and _TIN_SIZE_BEFORE_RE.search(m.string, 0, m.start()):
        return None
    if separator == "." and (len(m.group(1)) == 1 or len(m.group(3)) == 1):
        return None  # "2.5": a decimal number
    if separator == "-" and not m.group(4) and month > 12:
        return None
    if not (1 <= day <= 31 and 1 <= month <= 12):
        if 1 <= day <= 31 and 13 <= month <= 31:
            return None  # "3-15": a range, not a date
        return INVALID
    return _day_of_year(now.date(), day, month, m.group(4), labelled)


def resolve_day_month_words(m: re.Match[str], now: datetime, labelled: bool) -> Reading:
    """« 12 décembre », « 1er mars 2027 »."""
    raw_day = m.group(1)
    day = 1 if raw_day in {"1er", "premier"} else int(raw_day)
    return _day_of_year(now.date(), day, MONTHS[m.group(2)], m.group(3), labelled)


def resolve_english_month_day(m: re.Match[str], now: datetime, labelled: bool) -> Reading:
    """« january 8 », « July 20th, 2027 »."""
    return _day_of_year(now.date(), int(m.group(2)), MONTHS[m.group(1)], m.group(3), labelled)


def resolve_day_in_words_month(m: re.Match[str], now: datetime, labelled: bool) -> Reading | None:
    """« le deux décembre », « vingt-trois janvier »; a run of number words that is no day
    of a month (« cent mars ») is no date at all."""
    day = words_value(m.group(1))
    if day is None or not 1 <= day <= 31 or day != int(day):
        return None
    return _day_of_year(now.date(), int(day), MONTHS[m.group(2)], m.group(3), labelled)


def resolve_days_then_month(m: re.Match[str], now: datetime, labelled: bool) -> Reading:
    """« les 2 et 3 juillet », « du 28 au 3 janvier »: the earliest, its month from the end
    (the month before it when the first day is past the last)."""
    days = [1 if d == "1er" else int(d) for d in re.findall(r"1er|\d{1,2}", m.group(1))]
    month = MONTHS[m.group(2)]
    if days[0] > days[-1]:
        month = 12 if month == 1 else month - 1
    return _day_of_year(now.date(), days[0], month, None, labelled)


def resolve_weekday_and_day(m: re.Match[str], now: datetime, labelled: bool) -> Reading | None:
    """« samedi 9 mai », « vendredi 20/03 », « samedi 12 »: the day said decides; the
    weekday only names it."""
    day = 1 if m.group(1) in {"1er", "premier"} else int(m.group(1))
    month = int(m.group(2)) if m.group(2) else MONTHS[m.group(3)] if m.group(3) else None
    if month is not None:
        if not 1 <= month <= 12:
            return None
        return _day_of_year(now.date(), day, month, m.group(4), labelled)
    value = _next_monthly(now.date(), day)
    if value is not None and _a_count_after_another_day(m, value):
        return None
    return Reading(value) if value is not None else None


# Issue 10 (tune10): « dispo mercredi 1 VF », « jeudi 3 cartons »: when the number is not a
# day of that weekday and a word follows it, it counts something (the weekday is read alone).
_WORD_AFTER_A_DAY_RE: Final = re.compile(
    r"\s(?!(?:au|a|et|ou|avant|apres|pour|matin|soir|midi|aprem|de|des|dans|prochain|"
    r"jusqu\w*|vers|inclus)\b)[a-z]"
)


def _a_count_after_another_day(m: re.Match[str], value: date) -> bool:
    said = WEEKDAY_NUMBER.get(m.group(0).split()[0].rstrip("s"))
    if said is None or said == value.weekday():
        return False
    return _WORD_AFTER_A_DAY_RE.match(m.string, m.end()) is not None


def _days_from_today(days: int) -> Resolver:
    def resolve(m: re.Match[str], now: datetime, labelled: bool) -> Reading:
        return Reading(now.date() + timedelta(days=days))

    return resolve


def resolve_in_n(m: re.Match[str], now: datetime, labelled: bool) -> Reading | None:
    """« dans 3 jours », « sous 48h », « d'ici 2 semaines », « dans un mois »."""
    amount = number_value(m.group(1))
    if amount is None:
        return None
    today = now.date()
    unit = m.group(2)
    if unit.startswith(("jour", "j")):
        return Reading(today + timedelta(days=int(amount)))
    if unit.startswith("sem"):
        return Reading(today + timedelta(days=7 * int(amount)))
    if unit.startswith("mois"):
        return Reading(_add_months(today, int(amount)))
    return Reading((now + timedelta(hours=min(amount, 24 * 400))).date())


def resolve_plus_days(m: re.Match[str], now: datetime, labelled: bool) -> Reading:
    """« J+2 », « T+1 »: a logistician's count of days from today."""
    return Reading(now.date() + timedelta(days=int(m.group(1))))


def resolve_within(m: re.Match[str], now: datetime, labelled: bool) -> Reading:
    """« sous huitaine », « sous quinzaine »."""
    days = 7 if m.group(1) in {"huitaine", "8 jours"} else 14
    return Reading(now.date() + timedelta(days=days))


def resolve_weekday(m: re.Match[str], now: datetime, labelled: bool) -> Reading:
    """The next such day after today; « ce mardi » said on a Tuesday is today."""
    today = now.date()
    ahead = (WEEKDAY_NUMBER[m.group(2)] - today.weekday()) % 7
    this_one = m.group(1) in {"ce", "cette"} and not m.group(3)
    if ahead == 0 and not this_one and not _part_of_today_to_come(m, now):
        ahead = 7
    return Reading(today + timedelta(days=ahead))


# Issue 10 (tune10): « dimanche soir : 12 kg de pain » said on a Sunday evening, « samedi
# matin » said on a Saturday at 8: that part of today, still to come, not next week's.
_PART_OF_DAY_ENDS: Final = {"matin": 12, "midi": 14, "aprem": 18, "apres-midi": 18, "soir": 24}
_PART_OF_DAY_RE: Final = re.compile(r"\s(matin|midi|aprem|apres-midi|apres midi|soir)\b")


def _part_of_today_to_come(m: re.Match[str], now: datetime) -> bool:
    if m.group(3):
        return False
    part = _PART_OF_DAY_RE.match(m.string, m.end())
    if part is None:
        return False
    return now.hour < _PART_OF_DAY_ENDS[part.group(1).replace(" ", "-")]


def resolve_weekend(m: re.Match[str], now: datetime, labelled: bool) -> Reading:
    today = now.date()
    return Reading(today + timedelta(days=(5 - today.weekday()) % 7))


def resolve_next_week(m: re.Match[str], now: datetime, labelled: bool) -> Reading:
    """Its Monday."""
    today = now.date()
    return Reading(today + timedelta(days=7 - today.weekday()))


def resolve_month_end(m: re.Match[str], now: datetime, labelled: bool) -> Reading:
    today = now.date()
    return Reading(today.replace(day=calendar.monthrange(today.year, today.month)[1]))


def resolve_day_of_month(m: re.Match[str], now: datetime, labelled: bool) -> Reading | None:
    """« le 12 », « semaine du 14 »: this month's, or next month's if passed."""
    value = _next_monthly(now.date(), int(m.group(1)))
    return Reading(value) if value is not None else None


def resolve_time_of_day(m: re.Match[str], now: datetime, labelled: bool) -> Reading | None:
    """« avant 16h », « 9:30 »: today, but only when no day is said (weak)."""
    hour = int(m.group(1) or m.group(3))
    minute = int(m.group(2) or m.group(4) or 0)
    if hour > 23 or minute > 59:
        return None
    return Reading(now.date(), weak=True)


def resolve_time_in_words(m: re.Match[str], now: datetime, labelled: bool) -> Reading | None:
    """« avant dix-neuf heures », « vers midi » aside: today, weak like any time of day."""
    hour = words_value(m.group(1))
    if hour is None or not 0 <= hour <= 23 or hour != int(hour):
        return None
    return Reading(now.date(), weak=True)


DATE_RULES: Final[tuple[DateRule, ...]] = (
    DateRule(
        "weekday_and_day",
        re.compile(
            rf"\b(?:{_WEEKDAY_ALT})s?\s(?:le\s)?(1er|premier|\d{{1,2}})"
            rf"(?:\s?(?:/|-|\.)\s?(\d{{1,2}})|\s?({_MONTH_ALT})\b\.?)?(?:\s?(?:/\s?)?(\d{{4}}))?"
            rf"(?![/.,:-]?\d|{_UNIT_AFTER}|\s?(?:h|heures?|personnes?|benevoles?)\b"
            rf"|{_STREET_AFTER})"
        ),
        resolve_weekday_and_day,
    ),
    DateRule(
        "days_then_month",
        re.compile(
            r"\b((?:1er|\d{1,2})(?:\s?(?:,|et|ou|au|&|-)\s?(?:le\s)?(?:1er|\d{1,2}))+)"
            rf"\s?({_MONTH_ALT})\b"
        ),
        resolve_days_then_month,
    ),
    DateRule(
        "numeric",
        re.compile(
            r"(?<![\d/.,:])(\d{1,2})\s?([/.-])\s?(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/]|[.,]\d)"
            rf"(?!{_UNIT_AFTER})"
        ),
        resolve_numeric,
    ),
    DateRule(
        "day_month_words",
        re.compile(rf"\b(1er|premier|\d{{1,2}})\s?(?:-\s?)?({_MONTH_ALT})\b\.?(?:\s?(\d{{4}}))?"),
        resolve_day_month_words,
    ),
    # Issue 10 (tune10): English order, the month first (« for january 8 », « by July 20th »).
    DateRule(
        "english_month_day",
        re.compile(
            rf"\b({_ENGLISH_MONTH_ALT})\s(\d{{1,2}})(?:st|nd|rd|th)?\b(?![.,:/-]?\d)"
            rf"(?!{_UNIT_AFTER})(?:,?\s(\d{{4}}))?"
        ),
        resolve_english_month_day,
    ),
    DateRule(
        "day_in_words_month",
        re.compile(
            rf"(?<![\w-])({NUMBER_WORD_RE})\s?({_MONTH_AFTER_WORDS_ALT})\b\.?(?:\s?(\d{{4}}))?"
        ),
        resolve_day_in_words_month,
    ),
    DateRule(
        "after_tomorrow", re.compile(r"\bapres[- ]?demain\b|\bapredemain\b"), _days_from_today(2)
    ),
    DateRule("before_yesterday", re.compile(r"\bavant[- ]?hier\b"), _days_from_today(-2)),
    DateRule(
        "tomorrow",
        re.compile(r"\bdemain\b|\bdem1\b|\bdmain\b|\btomorrow\b|\btmrw\b"),
        _days_from_today(1),
    ),
    DateRule("yesterday", re.compile(r"\bhier\b"), _days_from_today(-1)),
    DateRule(
        "today",
        re.compile(
            r"\baujourd ?'? ?hui\b|\bauj\b|\bajd\b|\bce (?:midi|soir|matin)\b|"
            r"\bcet (?:apres[- ]?midi|aprem|aprem's)\b|\bcette (?:nuit|apres[- ]?midi|aprem)\b|"
            r"\b(?:dans|ds) la journee\b|\btout a l'heure\b|\btantot\b|\bimmediatement\b|"
            # « ce jour-là » points back at a day already said, it is not today
            r"\bce jour\b(?![- ]?la\b)|\btout de suite\b|\bde suite\b|"
            r"\btoday\b|\btonight\b|\bthis (?:morning|afternoon|evening)\b"
        ),
        _days_from_today(0),
    ),
    DateRule(
        "in_n",
        re.compile(
            rf"\b(?:dans|ds|sous|d'ici|d ici|en)\s(?:les\s)?(\d{{1,3}}|{_NUMWORD_ALT})\s?"
            r"(jours?|j|semaines?|sem|heures?|h|mois)\b"
        ),
        resolve_in_n,
    ),
    DateRule("plus_days", re.compile(r"\b[jt] ?\+ ?(\d{1,2})\b(?![.,]\d)"), resolve_plus_days),
    DateRule(
        "within", re.compile(r"\bsous (huitaine|quinzaine|8 jours|15 jours)\b"), resolve_within
    ),
    DateRule(
        "weekday",
        re.compile(
            rf"\b(?:(ce|cette|des|dès|this|on|next) )?({_WEEKDAY_ALT})"
            r"(?:s)?(?: (prochain))?\b"
        ),
        resolve_weekday,
    ),
    DateRule("weekend", re.compile(r"\b(?:ce|le) (?:week[- ]?end|we)\b"), resolve_weekend),
    DateRule("next_week", re.compile(r"\b(?:la )?semaine prochaine\b"), resolve_next_week),
    DateRule("month_end", re.compile(r"\bfin (?:du|de) mois\b"), resolve_month_end),
    DateRule(
        "week_of",
        re.compile(rf"\bsemaine du (\d{{1,2}})(?:\s?(?:{_MONTH_ALT}))?\b"),
        resolve_day_of_month,
    ),
    DateRule(
        "day_of_month",
        re.compile(
            r"\b(?:le|au|du|jusqu'au|jusqu au|avant le|pour le|d'ici le|ce)\s(\d{1,2})(?:er)?\b"
            rf"(?![/.,:-]\d|\s?(?:{_MONTH_ALT})\b|{_UNIT_AFTER}|\s?(?:h|heures?|eme|e)\b"
            rf"|{_STREET_AFTER})"
        ),
        resolve_day_of_month,
    ),
    DateRule(
        "time_of_day",
        re.compile(r"(?<![\d,.])(\d{1,2})\s?(?:h|heures?)(?:\s?(\d{2}))?\b|\b(\d{1,2}):(\d{2})\b"),
        resolve_time_of_day,
    ),
    # Issue 10 (tune10): a time dictated in words, « avant dix-neuf heures trente ».
    DateRule(
        "time_in_words",
        re.compile(rf"\b(?:avant|vers|jusqu'a|a partir de)\s({NUMBER_WORD_RE})\sheures?\b"),
        resolve_time_in_words,
    ),
)

# The rules' patterns, gated at once: one look-up of the text for all of them.
_DATE_GATES: Final = prefilter.Gates(rule.pattern for rule in DATE_RULES)


def find_dates(
    text: str,
    now: datetime,
    skip: Iterable[tuple[int, int]] = (),
) -> list[DateHit]:
    """Every date in folded ``text`` (``now`` already in the network's time zone)."""
    taken: list[tuple[int, int]] = list(skip)
    hits: list[DateHit] = []
    for i in _DATE_GATES.opened(text):
        rule = DATE_RULES[i]
        for m in _DATE_GATES.finditer(i, text):
            if not _free(taken, m.start(), m.end()):
                continue
            kind = date_kind_before(text, m.start())
            reading = rule.resolve(m, now, kind is not None)
            if reading is None:
                continue
            written = m.group(0).strip()
            past = kind is None and _told_of_the_past(text, m, reading, rule.name)
            hits.append(
                DateHit(m.start(), m.end(), reading.value, written, kind, reading.weak, past)
            )
            taken.append((m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    if len(hits) > 1:
        hits = _within_another_day(hits, now)
    return hits


# Issue 10 (tune10): a part of a day said after that day (« le 24 dans la journée », « demain
# dans la journée ») is that day, not today; a period with a day in it (« la semaine
# prochaine, jeudi 29 », « ce week-end, dimanche ») is that day.
_PART_OF_A_DAY_RE: Final = re.compile(r"d(?:an)?s la journee")
_PERIOD_RE: Final = re.compile(r"(?:la )?semaine prochaine|(?:ce|le) (?:week[- ]?end|we)")


def _within_another_day(hits: list[DateHit], now: datetime) -> list[DateHit]:
    hits = [
        hit
        for i, hit in enumerate(hits)
        if not (i and _PART_OF_A_DAY_RE.fullmatch(hit.text) and hit.start - hits[i - 1].end <= 1)
    ]
    for period in [h for h in hits if h.value is not None and _PERIOD_RE.fullmatch(h.text)]:
        assert period.value is not None
        first, last = (
            period.value,
            period.value + timedelta(days=6 if "semaine" in period.text else 1),
        )
        days = [h for h in hits if h is not period and not h.weak and h.kind is None and h.value]
        # « semaine prochaine, mercredi »: that week's Wednesday, not this week's
        moved = {
            id(h): replace(h, value=h.value + timedelta(days=7))
            for h in days
            if h.text in WEEKDAY_NUMBER and h.value is not None and h.value < first
        }
        hits = [moved.get(id(h), h) for h in hits]
        days = [moved.get(id(h), h) for h in days]
        if any(h.value is not None and first <= h.value <= last for h in days):
            hits = [h for h in hits if h is not period]
    return hits


def _told_of_the_past(text: str, m: re.Match[str], reading: Reading, rule_name: str) -> bool:
    """A word for a past day (« hier », « pain d'hier »), or today or a weekday told of in
    news: when the goods came, not by when anything must happen. A calendar date in the past
    (« pour le 3/10/2025 ») is a slip the bot questions, and a date labelled DLC may be past
    (the offer is then refused): neither comes here."""
    if reading.value is None:
        return False
    if rule_name in _PAST_DAY_RULES:
        return True
    start = m.start()
    before = text[max(0, start - 80) : start]
    if "depuis" in before and _SINCE_RE.search(before):
        return True
    if rule_name == "weekday":
        return _weekday_in_news(text, m, _clause_of(before))
    if rule_name == "weekend":  # issue 10 (tune10b): « le congélateur a lâché ce week-end »
        return _DONE_BEFORE_RE.search(_clause_of(before)) is not None
    if rule_name != "today":
        return False
    if before.endswith(("de ", "d'")) and m.group(0) in _EARLIER_TODAY:
        return (
            True  # issue 10 (tune10b): « mon message de tout à l'heure », « le pain de ce matin »
        )
    clause = _clause_of(before)
    return bool(
        _PAST_TENSE_IN_CLAUSE_RE.search(clause)
        or _GOT_BEFORE_RE.search(clause)
        or _after_an_event(clause)
        or ("ait" in clause and _past_verb_before(_IMPERFECT_IN_CLAUSE_RE, clause))
    )


# A verb in the past right before the day, whatever its subject (« leur congélateur a lâché
# ce week-end », « on a été livrés ce week-end »); « à prendre », « à donner » are no participle.
_DONE_BEFORE_RE: Final = re.compile(
    r"\b(?:a|ont|est|sont|avons|avez|ai|as|ete)\s(?:\w+\s)?"
    r"\w{2,}(?:[^r\W]e|ee|ees|[^r\W]es|i|is|u|us)\s(?:[\w']+\s){0,3}$"
)


def _clause_of(before: str) -> str:
    """What follows the last end of a sentence or clause (« . ; ! ? » or a new line): found
    from the end, not by a pattern tried from every position."""
    cut = max(before.rfind(c) for c in ".;!?\n")
    return before[cut + 1 :] if cut >= 0 else before


def _weekday_in_news(text: str, m: re.Match[str], clause: str) -> bool:
    """« mardi dernier », « lundi on a reçu 200 kg », « notre assemblée de mardi », « reçus
    lors de la quête de dimanche », « nous avons voté … le jeudi »: a day in news. A weekday
    said with « ce », « dès » or « prochain » looks ahead (« ce mardi », « mardi prochain »)."""
    if m.group(1) or m.group(3):
        return False
    if text.startswith(" dernier", m.end()):
        return True
    if _PAST_TENSE_AFTER_RE.match(text, m.end()):
        return True
    # Each pattern runs only where its words are (a cheap test first: dates are read often).
    return bool(
        _after_an_event(clause)
        or (
            ("recu" in clause or "offert" in clause)
            and _past_verb_before(_RECEIVED_AT_EVENT_RE, clause)
        )
        or _past_verb_before(_PAST_TENSE_IN_CLAUSE_RE, clause)
        or (" du " in clause and _past_verb_before(_HAD_TO_IN_CLAUSE_RE, clause))
        or ("ait" in clause and _past_verb_before(_IMPERFECT_IN_CLAUSE_RE, clause))
        or (" s" in clause and _past_verb_before(_REFLEXIVE_PAST_IN_CLAUSE_RE, clause))
    )


_EARLIER_TODAY: Final = frozenset({"tout a l'heure", "ce matin"})
# Issue 10 (tune10b): « l'AG s'est tenue mardi », « les colis se sont bien vendus samedi ».
_REFLEXIVE_PAST_IN_CLAUSE_RE: Final = re.compile(
    r"\b(?:s'est|se sont|s'etait|s'etaient)\s(?:(?:bien|deja|tres bien|mal)\s)?"
    r"\w{3,}(?:e|ee|es|ees|i|is|u|us)\b[^.,;:!?]*$"
)


def _after_an_event(clause: str) -> bool:
    if "apres" not in clause and "suite a" not in clause and "retour" not in clause:
        return False
    return _AFTER_EVENT_RE.search(clause) is not None


def _past_verb_before(pattern: re.Pattern[str], clause: str) -> bool:
    """A past verb in the clause before the day, with no word that looks ahead after it."""
    found = pattern.search(clause)
    return found is not None and not _LOOKS_AHEAD_RE.search(found.group(0))


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e in taken)


def date_kind_before(text: str, start: int) -> DateKind | None:
    """ "DLC 12/12", "à consommer de préférence avant le …": the kind of date written."""
    window = text[max(0, start - 45) : start]
    labels = list(_KIND_RE.finditer(window))
    if not labels:
        return None
    # Another date, or the end of the clause, between the label and this date: not its date.
    if _DATE_OR_CLAUSE_END_RE.search(window[max(m.end() for m in labels) :]):
        return None
    return "ddm" if labels[-1].group(1) else "dlc"
