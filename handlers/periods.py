"""The period of a bilan, an export or a report, as volunteers write it: `semaine`, `mois`,
`année`, a month's name, a month as `2026-11` or `11/2026`, a year, two dates
`JJ/MM/AAAA-JJ/MM/AAAA` (or `AAAA-MM-JJ`, or the two dates with a space between) (French and
English words). Pure: dates in, dates out. `/bilan`, `/export`, `/rapport` and the command line
read their periods here.

A word alone means the last complete one (`mois` on 14 December: November); with « ce »,
« cette », « en cours » (`ce mois`, `this week`) it is the current one up to today. Nothing
means the last complete month. Each period has a previous one to compare with: the week, month
or year before (the same days of it for a current one), or as many days just before a range of
dates. Local dates; `bounds` turns them into UTC instants in the network's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

from handlers.understanding.vocabulary import fold_word

PeriodKind = Literal["week", "month", "year", "range"]
Step = Literal["day", "week", "month"]

# The longest period asked for (a grant report covers a year or two).
MAX_DAYS: Final = 3 * 366
# Bins of the chart: days up to two weeks, weeks up to about six months, then months.
MAX_DAILY_DAYS: Final = 14
MAX_WEEKLY_DAYS: Final = 190

KIND_WORDS: Final[dict[str, PeriodKind]] = {
    "semaine": "week",
    "semaines": "week",
    "sem": "week",
    "hebdo": "week",
    "week": "week",
    "mois": "month",
    "mensuel": "month",
    "month": "month",
    "annee": "year",
    "annees": "year",
    "an": "year",
    "ans": "year",
    "annuel": "year",
    "year": "year",
}
# « ce mois », « cette semaine », « this year », « l'année en cours »: up to today.
CURRENT_WORDS: Final = frozenset({"ce", "cet", "cette", "this", "current", "cours", "courant"})
# Words that add nothing: « le mois dernier », « la semaine passée », « last month ».
FILLER_WORDS: Final = frozenset(
    {
        "le",
        "la",
        "l",
        "les",
        "de",
        "du",
        "en",
        "dernier",
        "derniere",
        "passe",
        "passee",
        "precedent",
        "precedente",
        "last",
        "previous",
        "past",
        "the",
    }
)
MONTH_WORDS: Final[dict[str, int]] = {
    **{
        name: index + 1
        for index, names in enumerate(
            (
                ("janvier", "janv", "january", "jan"),
                ("fevrier", "fevr", "fev", "february", "feb"),
                ("mars", "march", "mar"),
                ("avril", "avr", "april", "apr"),
                ("mai", "may"),
                ("juin", "june", "jun"),
                ("juillet", "juil", "july", "jul"),
                ("aout", "august", "aug"),
                ("septembre", "sept", "september", "sep"),
                ("octobre", "oct", "october"),
                ("novembre", "nov", "november"),
                ("decembre", "dec", "december"),
            )
        )
        for name in names
    }
}
# A date: JJ/MM/AAAA (or with dots or dashes), or AAAA-MM-JJ (six groups, three of them set).
DATE = r"(?:(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2}))"
# Two dates: « 01/11/2026-30/11/2026 », « du 1/11/2026 au 30/11/2026 », « 2026-11-01 2026-11-30 ».
RANGE_RE: Final = re.compile(
    rf"^(?:du\s+|from\s+)?{DATE}(?:\s*(?:-|–|—|au|a|à|to|until)\s*|\s+){DATE}$", re.IGNORECASE
)
ONE_DATE_RE: Final = re.compile(DATE)
ONE_DATE_ONLY_RE: Final = re.compile(rf"^{DATE}$")
YEAR_RE: Final = re.compile(r"^(?:19|20)\d{2}$")
# A month by its number: « 2026-11 », « 11/2026 », « 11.2026 ».
MONTH_NUMBER_RE: Final = re.compile(r"^(?:(\d{4})-(\d{1,2})|(\d{1,2})[/.](\d{4}))$")
# The years a date may fall in (the network's log starts in the 2020s; « 01/01/0001 » has no
# instant in UTC to read).
YEARS: Final = (2000, 2200)


class PeriodError(ValueError):
    """Why a period cannot be read: `reason` (a key the handler turns into a sentence) and the
    values that sentence names."""

    def __init__(self, reason: str, **values: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values = values


@dataclass(frozen=True)
class Period:
    """Local days `first` to `last` (both included)."""

    kind: PeriodKind
    first: date
    last: date
    # Up to today (« ce mois »): compared with the same days of the previous one.
    to_date: bool = False

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period to compare with."""
        if self.kind == "week":
            week = timedelta(days=7)
            return Period("week", self.first - week, self.last - week, self.to_date)
        if self.kind == "month":
            first = _add_months(self.first, -1)
            if not self.to_date:
                return Period("month", first, self.first - timedelta(days=1))
            last = min(_add_months(self.last, -1), self.first - timedelta(days=1))
            return Period("month", first, last, to_date=True)
        if self.kind == "year":
            first = self.first.replace(year=self.first.year - 1)
            if not self.to_date:
                return Period("year", first, self.first - timedelta(days=1))
            return Period("year", first, _same_day(self.last, self.last.year - 1), to_date=True)
        return Period("range", self.first - timedelta(days=self.days), self.first - timedelta(1))

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as UTC instants: local midnight of `first`, of the day after `last`."""
        return local_midnight(self.first, tz), local_midnight(self.last + timedelta(days=1), tz)

    @property
    def step(self) -> Step:
        if self.days <= MAX_DAILY_DAYS:
            return "day"
        return "week" if self.days <= MAX_WEEKLY_DAYS else "month"

    def bins(self) -> list[tuple[date, date]]:
        """The chart's bins, (first, last) local days: days, weeks of seven days from the
        first (only the last may be shorter), or calendar months cut to the period."""
        found: list[tuple[date, date]] = []
        day = self.first
        while day <= self.last:
            if self.step == "day":
                end = day
            elif self.step == "week":
                end = day + timedelta(days=6)
            else:
                end = _add_months(day.replace(day=1), 1) - timedelta(days=1)
            end = min(end, self.last)
            found.append((day, end))
            day = end + timedelta(days=1)
        return found

    def bin_bounds(self, tz: ZoneInfo) -> list[datetime]:
        """The bins' limits as UTC instants: (start, ..., end), for storage.indicators."""
        bins = self.bins()
        return [local_midnight(first, tz) for first, _ in bins] + [self.bounds(tz)[1]]


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _month_days(year, month + 1)))


def _month_days(year: int, month: int) -> int:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _same_day(day: date, year: int, day_of_month: int | None = None) -> date:
    """`day` in `year` (29 February becomes the 28th)."""
    wanted = day_of_month or day.day
    return date(year, day.month, min(wanted, _month_days(year, day.month)))


def last_complete(kind: PeriodKind, today: date) -> Period:
    if kind == "week":
        monday = today - timedelta(days=today.weekday() + 7)
        return Period("week", monday, monday + timedelta(days=6))
    if kind == "year":
        return Period("year", date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    first_of_this = today.replace(day=1)
    return Period("month", _add_months(first_of_this, -1), first_of_this - timedelta(days=1))


def current(kind: PeriodKind, today: date) -> Period:
    if kind == "week":
        return Period("week", today - timedelta(days=today.weekday()), today, to_date=True)
    if kind == "year":
        return Period("year", date(today.year, 1, 1), today, to_date=True)
    return Period("month", today.replace(day=1), today, to_date=True)


def month_period(month: int, year: int | None, today: date) -> Period:
    """A month by its name: this year's if it has begun, else last year's (« novembre » in
    January is last November)."""
    if year is None:
        year = today.year if month <= today.month else today.year - 1
    first = date(year, month, 1)
    return Period("month", first, _add_months(first, 1) - timedelta(days=1))


def parse_period(text: str, today: date, longest: int | None = MAX_DAYS) -> Period:
    """The period `text` names (empty: the last complete month); PeriodError otherwise.
    `longest`: the most days it may have (None: any, the exports)."""
    raw = " ".join(text.split())
    if not raw:
        return last_complete("month", today)
    numbered = MONTH_NUMBER_RE.match(raw)
    if numbered is not None:
        return _numbered_month(numbered, raw, today)
    if ONE_DATE_RE.search(raw):
        return _dates(raw, today, longest)
    words = [fold_word(w) for w in re.split(r"[\s']+", raw.replace("’", "'")) if w]
    words = [w.strip(".,;:!?") for w in words]
    words = [w for w in words if w and w not in FILLER_WORDS]
    is_current = any(w in CURRENT_WORDS for w in words)
    words = [w for w in words if w not in CURRENT_WORDS]
    if len(words) == 1 and words[0] in KIND_WORDS:
        kind = KIND_WORDS[words[0]]
        return current(kind, today) if is_current else last_complete(kind, today)
    if len(words) == 1 and YEAR_RE.match(words[0]):
        year = int(words[0])
        if year == today.year:
            return current("year", today)
        return _checked(Period("year", date(year, 1, 1), date(year, 12, 31)), today, longest)
    if 1 <= len(words) <= 2 and words[0] in MONTH_WORDS and not is_current:
        written = words[1] if len(words) == 2 else None
        if written is not None and not YEAR_RE.match(written):
            raise PeriodError("unknown", text=raw)
        found = month_period(MONTH_WORDS[words[0]], int(written) if written else None, today)
        if found.first <= today <= found.last:
            return current("month", today)
        return _checked(found, today, longest)
    raise PeriodError("unknown", text=raw)


def _numbered_month(found: re.Match[str], raw: str, today: date) -> Period:
    """« 2026-11 », « 11/2026 »: that month (up to today if it is the current one)."""
    year = int(found.group(1) or found.group(4))
    month = int(found.group(2) or found.group(3))
    if not 1 <= month <= 12 or not YEARS[0] <= year <= YEARS[1]:
        raise PeriodError("bad_date", text=raw)
    period = month_period(month, year, today)
    if period.first <= today <= period.last:
        return current("month", today)
    return _checked(period, today)


def _dates(raw: str, today: date, longest: int | None) -> Period:
    match = RANGE_RE.match(raw)
    if match is None:
        raise PeriodError("one_date", text=raw)
    first = _date_of(match.groups()[:6])
    last = _date_of(match.groups()[6:])
    if last < first:
        raise PeriodError(
            "reversed", first=first.strftime("%d/%m/%Y"), last=last.strftime("%d/%m/%Y")
        )
    return _checked(Period("range", first, last), today, longest)


def read_date(text: str) -> date:
    """One date, « 03/11/2026 », « 3/11/2026 », « 2026-11-03 » (`boucle export --from`);
    PeriodError("bad_date") otherwise."""
    match = ONE_DATE_ONLY_RE.match(text.strip())
    if match is None:
        raise PeriodError("bad_date", text=text.strip())
    return _date_of(match.groups())


def _date_of(groups: tuple[str | None, ...]) -> date:
    """A DATE's six groups: day, month, year, or year, month, day (ISO)."""
    day, month, year, iso_year, iso_month, iso_day = groups
    if iso_year is not None:
        day, month, year = iso_day, iso_month, iso_year
    assert day is not None and month is not None and year is not None
    written = f"{day}/{month}/{year}" if iso_year is None else f"{year}-{month}-{day}"
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        raise PeriodError("bad_date", text=written) from None
    if not YEARS[0] <= found.year <= YEARS[1]:
        raise PeriodError("bad_date", text=written)
    return found


def _checked(period: Period, today: date, longest: int | None = MAX_DAYS) -> Period:
    if period.first > today:
        raise PeriodError("future", first=period.first.strftime("%d/%m/%Y"))
    if longest is not None and period.days > longest:
        raise PeriodError("too_long", days=str(period.days))
    return period
