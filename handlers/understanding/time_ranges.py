"""When a booking runs, as volunteers write it: « jeudi 8h-14h », « le 12/12 de 8h à 14h »,
« demain matin », « vendredi » (the whole day), « du lundi au mercredi », « du 12/12 20h au
13/12 6h » (issue 14, `/reserver`).

The days come from the date rules (dates.py: « jeudi », « demain », « 12/12 », « le 12 »),
plus one rule of its own here (« du 12 au 14 décembre », which the date rules read as one day).
The hours and the parts of a day come from the rules below, one per way of writing them, each a
pattern and a resolver tested alone (:data:`TIME_RULES`), in precedence order: a span read by
one rule is not read again by a later one (« de 8h à midi » is a range before « midi » is an
hour; « après-midi » is a part of the day before « midi » is one).

`read_when` gathers what the text says; `span_of` makes it a range of instants in the network's
zone (a whole day is [00:00, next 00:00); an end at or before the start on the same day is the
next day's: « 22h-6h »). Pure: no storage, no sentence (errors are catalogue keys).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final, Literal

from .dates import MONTHS, find_dates
from .text import fold_text, readable

MINUTES_PER_DAY: Final = 24 * 60
# « matin », « après-midi », « soir »: what each part of the day books (local, minutes).
MORNING: Final = (8 * 60, 12 * 60)
AFTERNOON: Final = (14 * 60, 18 * 60)
EVENING: Final = (18 * 60, 22 * 60)

_HOUR: Final = r"\d{1,2}\s?(?:h|heures?)(?:\d{2})?(?!\d)|\d{1,2}:\d{2}|midi|minuit"
_HOUR_TOKEN_RE: Final = re.compile(
    r"^(?:(\d{1,2})\s?(?:h|heures?)(\d{2})?|(\d{1,2}):(\d{2})|(midi)|(minuit))$"
)
_MONTH_ALT: Final = "|".join(sorted(MONTHS, key=len, reverse=True))

Part = Literal["range", "hour", "part", "whole_day", "days"]


@dataclass(frozen=True)
class TimeHit:
    """What one rule read: hours (minutes from midnight, in the order written), a part of the
    day (its two bounds), the whole day, or days (« du 12 au 14 décembre »)."""

    start: int
    end: int
    part: Part
    minutes: tuple[int, ...] = ()
    days: tuple[date, ...] = ()


Resolver = Callable[[re.Match[str], datetime], TimeHit | None]


@dataclass(frozen=True)
class TimeRule:
    name: str
    pattern: re.Pattern[str]
    resolve: Resolver


def hour_minutes(token: str) -> int | None:
    """« 8h » → 480, « 8h30 » → 510, « 14:00 » → 840, « midi » → 720, « minuit » → 0;
    None beyond 23:59 (24h is « minuit »)."""
    m = _HOUR_TOKEN_RE.match(token.strip())
    if m is None:
        return None
    if m.group(5):
        return 12 * 60
    if m.group(6):
        return 0
    hour = int(m.group(1) or m.group(3))
    minute = int(m.group(2) or m.group(4) or 0)
    if hour == 24 and minute == 0:
        return 0
    if hour > 23 or minute > 59:
        return None
    return hour * 60 + minute


def resolve_hour_range(m: re.Match[str], now: datetime) -> TimeHit | None:
    """« 8h-14h », « de 8 à 14h », « 8h30 à 12h », « entre 14h et 18h », « 8:00-14:00 »."""
    first = m.group(1)
    # « de 8 à 14h »: the first hour takes the second's unit.
    start = hour_minutes(first if not first.isdigit() else f"{first}h")
    end = hour_minutes(m.group(2))
    if start is None or end is None:
        return None
    return TimeHit(m.start(), m.end(), "range", (start, end))


def resolve_hour(m: re.Match[str], now: datetime) -> TimeHit | None:
    """« 8h », « à 14h30 », « jusqu'à 18h », « 9:00 »: one hour (two make a range)."""
    value = hour_minutes(m.group(1))
    if value is None:
        return None
    return TimeHit(m.start(), m.end(), "hour", (value,))


def resolve_part_of_day(m: re.Match[str], now: datetime) -> TimeHit | None:
    """« matin », « après-midi », « soir »: their hours (MORNING, AFTERNOON, EVENING)."""
    word = m.group(1)
    bounds = (
        MORNING if word.startswith("matin") else EVENING if word.startswith("soir") else AFTERNOON
    )
    return TimeHit(m.start(), m.end(), "part", bounds)


def resolve_whole_day(m: re.Match[str], now: datetime) -> TimeHit | None:
    """« toute la journée », « la journée », « journée entière »: the whole day (as none)."""
    return TimeHit(m.start(), m.end(), "whole_day")


def resolve_days_of_one_month(m: re.Match[str], now: datetime) -> TimeHit | None:
    """« du 12 au 14 décembre », « du 28 au 3 janvier »: the first and the last day (the date
    rules read the first only)."""
    first = 1 if m.group(1) == "1er" else int(m.group(1))
    last_words = f"{m.group(2)} {m.group(3)} {m.group(4) or ''}".strip()
    found = [hit.value for hit in find_dates(last_words, now) if hit.value is not None]
    if not found:
        return None
    last = found[0]
    month_start = last.replace(day=1)
    if first > last.day:  # « du 28 au 3 janvier »: the 28th of the month before
        month_start = (month_start - timedelta(days=1)).replace(day=1)
    try:
        start = month_start.replace(day=first)
    except ValueError:
        return None
    return TimeHit(m.start(), m.end(), "days", days=(start, last))


TIME_RULES: Final[tuple[TimeRule, ...]] = (
    TimeRule(
        "days_of_one_month",
        re.compile(
            rf"\b(?:du|de)\s(1er|\d{{1,2}})\s?(?:au|a|-)\s?(1er|\d{{1,2}})\s?({_MONTH_ALT})\b\.?"
            r"(?:\s?(\d{4}))?"
        ),
        resolve_days_of_one_month,
    ),
    TimeRule(
        "hour_range",
        re.compile(
            rf"(?<![\d/.,:])(?:\b(?:de|entre|des)\s)?({_HOUR}|\d{{1,2}}(?=\s?(?:-|a\b|au\b|et\b)))"
            rf"\s?(?:-|>|\ba\b|\bau\b|\bjusqu'?\s?a\b|\bet\b)\s?({_HOUR})"
        ),
        resolve_hour_range,
    ),
    TimeRule(
        "part_of_day",
        re.compile(r"\b(apres[- ]?midi|aprem|matinee|matin|soiree|soir)\b"),
        resolve_part_of_day,
    ),
    TimeRule(
        "whole_day",
        re.compile(r"\b(?:toute la journee|la journee|journee (?:entiere|complete)|journee)\b"),
        resolve_whole_day,
    ),
    TimeRule(
        "hour",
        re.compile(
            rf"(?<![\d/.,:])(?:\b(?:a|des|vers|jusqu'?\s?a|a partir de|avant|apres)\s)?({_HOUR})"
        ),
        resolve_hour,
    ),
)


@dataclass(frozen=True)
class When:
    """What a text says of a booking's time: the days named (in order), the hours (in order),
    the part of the day, whether it says « toute la journée »."""

    days: tuple[date, ...] = ()
    hours: tuple[int, ...] = ()
    part: tuple[int, int] | None = None
    whole_day: bool = False
    invalid_date: bool = False

    @property
    def empty(self) -> bool:
        return not (self.days or self.hours or self.part or self.whole_day or self.invalid_date)


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e in taken)


def read_when(text: str, now: datetime) -> When:
    """Everything `text` says of when (`now` in the network's zone: « jeudi » is the next)."""
    folded = fold_text(readable(text))
    taken: list[tuple[int, int]] = []
    hits: list[TimeHit] = []
    for rule in TIME_RULES:
        for m in rule.pattern.finditer(folded):
            if not _free(taken, m.start(), m.end()):
                continue
            hit = rule.resolve(m, now)
            if hit is None:
                continue
            hits.append(hit)
            taken.append((m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    # The hours' spans are not days (« 14h » is no « le 14 »); the parts' are left to the date
    # rules too (« ce soir » is today).
    skip = [(h.start, h.end) for h in hits if h.part in ("range", "hour", "days")]
    dated = [hit for hit in find_dates(folded, now, skip) if not hit.weak]
    day_hits = [(h.start, h.days) for h in hits if h.part == "days"]
    day_hits += [(d.start, (d.value,) if d.value is not None else ()) for d in dated]
    day_hits.sort(key=lambda pair: pair[0])
    days = tuple(day for _, found in day_hits for day in found)
    if len(days) > 1:
        # The days after the first are read from the first (« du lundi au mercredi »: the
        # Wednesday after that Monday, not the next one from today).
        since = datetime.combine(days[0], now.time(), now.tzinfo)
        again = {hit.start: hit.value for hit in find_dates(folded, since, skip)}
        first_at = day_hits[0][0]
        day_hits = [
            (start, found)
            if start == first_at or len(found) != 1
            else (start, (again.get(start) or found[0],))
            for start, found in day_hits
        ]
        days = tuple(day for _, found in day_hits for day in found)
    parts = [h.minutes for h in hits if h.part == "part"]
    part = (parts[0][0], parts[-1][1]) if parts else None
    return When(
        days=days,
        hours=tuple(m for h in hits if h.part in ("range", "hour") for m in h.minutes),
        part=part,
        whole_day=any(h.part == "whole_day" for h in hits),
        invalid_date=any(d.value is None for d in dated),
    )


class SpanError(Exception):
    """Not a range: the catalogue key of the answer."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Span:
    """A range of instants, [start, end), in UTC; `whole_days` when booked as days."""

    start: datetime
    end: datetime
    whole_days: bool = False


def local_moment(day: date, minutes: int, tz: tzinfo) -> datetime:
    """`minutes` after midnight of `day`, wall clock, in the zone (1440: the next midnight),
    as a UTC instant. An hour skipped by the clocks going forward reads as the one before the
    jump (02:30 on the last Sunday of March is 03:30 summer time)."""
    wall = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
    return wall.replace(tzinfo=tz).astimezone(UTC)


def span_of(when: When, now: datetime) -> Span:
    """The range `when` says, `now` (in the network's zone) giving today and the zone.

    Days: none (today), one, or several (from the first to the last). Hours: two make the
    range (from the first day at the first hour to the last day at the second); one alone is
    not enough; none: the part of the day said (« matin »), else the whole day(s)."""
    tz = now.tzinfo
    assert tz is not None, "now is in the network's zone"
    if when.invalid_date:
        raise SpanError("when_date_invalid")
    if when.empty:
        raise SpanError("when_missing")
    first = when.days[0] if when.days else now.date()
    last = when.days[-1] if when.days else first
    if last < first:
        raise SpanError("when_end_before_start")
    if len(when.hours) == 1:
        raise SpanError("when_end_missing")
    if len(when.hours) > 2:
        raise SpanError("when_too_many_hours")
    if len(when.hours) == 2:
        begin, finish = when.hours
        end_day = last
        if len(when.days) <= 1 and finish <= begin:
            end_day = first + timedelta(days=1)  # « 22h-6h », « 20h-minuit »: into the next day
        start, end = local_moment(first, begin, tz), local_moment(end_day, finish, tz)
        if end <= start:
            raise SpanError("when_end_before_start")
        return Span(start, end)
    if when.part is not None and not when.whole_day:
        return Span(local_moment(first, when.part[0], tz), local_moment(last, when.part[1], tz))
    return Span(
        local_moment(first, 0, tz), local_moment(last + timedelta(days=1), 0, tz), whole_days=True
    )


def read_span(text: str, now: datetime) -> Span:
    """`span_of(read_when(text, now), now)`: SpanError when `text` says no range."""
    return span_of(read_when(text, now), now)
