"""When a booking runs (handlers/understanding/time_ranges.py): each rule of hours alone, what a
whole text says, and the range it makes, DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from handlers.understanding.time_ranges import (
    AFTERNOON,
    EVENING,
    MORNING,
    TIME_RULES,
    Span,
    SpanError,
    When,
    hour_minutes,
    read_span,
    read_when,
    span_of,
)
from tests.conftest import PARIS

# Tuesday 1 December 2026, 09:00 in Paris (tests/conftest.py's START).
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)
RULES = {rule.name: rule for rule in TIME_RULES}


def local(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def first_hit(rule: str, text: str) -> tuple[str, tuple[int, ...], tuple[date, ...]] | None:
    """What one rule alone reads in `text` (already folded): its kind, minutes and days."""
    found = RULES[rule].pattern.search(text)
    if found is None:
        return None
    hit = RULES[rule].resolve(found, NOW)
    return None if hit is None else (hit.part, hit.minutes, hit.days)


# ------------------------------------------------------------------ one hour


@pytest.mark.parametrize(
    ("token", "minutes"),
    [("8h", 480), ("8 h", 480), ("8h30", 510), ("08:00", 480), ("14:45", 885), ("14heures", 840),
     ("midi", 720), ("minuit", 0), ("24h", 0), ("0h", 0), ("25h", None), ("8h75", None)],
)  # fmt: skip
def test_hour_minutes(token: str, minutes: int | None) -> None:
    assert hour_minutes(token) == minutes


# ------------------------------------------------------------------ each rule alone


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("8h-14h", (480, 840)), ("8h - 14h", (480, 840)), ("de 8h a 14h", (480, 840)),
     ("de 8 a 14h", (480, 840)), ("8-14h", (480, 840)), ("8h30 a 12h", (510, 720)),
     ("entre 14h et 18h", (840, 1080)), ("8:00-14:00", (480, 840)), ("de 8h a midi", (480, 720)),
     ("20h-minuit", (1200, 0)), ("de 14h jusqu'a 18h", (840, 1080))],
)  # fmt: skip
def test_hour_range_rule(text: str, minutes: tuple[int, int]) -> None:
    assert first_hit("hour_range", text) == ("range", minutes, ())


@pytest.mark.parametrize("text", ["12/12", "du 12 au 14", "le 12 a 14", "3 cartons a 8h"])
def test_hour_range_rule_reads_no_date_nor_count(text: str) -> None:
    assert first_hit("hour_range", text) is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("jeudi 8h", (480,)), ("a 14h30", (870,)), ("jusqu'a 18h", (1080,)), ("9:15", (555,))],
)
def test_hour_rule(text: str, minutes: tuple[int, ...]) -> None:
    assert first_hit("hour", text) == ("hour", minutes, ())


@pytest.mark.parametrize(
    ("text", "bounds"),
    [("demain matin", MORNING), ("samedi matinee", MORNING), ("cet apres-midi", AFTERNOON),
     ("jeudi apres midi", AFTERNOON), ("aprem", AFTERNOON), ("vendredi soir", EVENING),
     ("en soiree", EVENING)],
)  # fmt: skip
def test_part_of_day_rule(text: str, bounds: tuple[int, int]) -> None:
    assert first_hit("part_of_day", text) == ("part", bounds, ())


@pytest.mark.parametrize("text", ["toute la journee", "jeudi la journee", "journee entiere"])
def test_whole_day_rule(text: str) -> None:
    assert first_hit("whole_day", text) == ("whole_day", (), ())


@pytest.mark.parametrize(
    ("text", "days"),
    [("du 12 au 14 decembre", (date(2026, 12, 12), date(2026, 12, 14))),
     ("du 28 au 3 janvier", (date(2026, 12, 28), date(2027, 1, 3))),
     ("du 1er au 3 mars 2027", (date(2027, 3, 1), date(2027, 3, 3)))],
)  # fmt: skip
def test_days_of_one_month_rule(text: str, days: tuple[date, date]) -> None:
    assert first_hit("days_of_one_month", text) == ("days", (), days)


# ------------------------------------------------------------------ a whole text


def test_the_hours_are_not_read_as_days() -> None:
    # « le 12 … 14h »: 14h is an hour, not the 14th; « 8h » after a weekday is no day 8.
    assert read_when("le 12 de 8h a 14h", NOW) == When(days=(date(2026, 12, 12),), hours=(480, 840))
    assert read_when("lundi 8h-14h", NOW).days == (date(2026, 12, 7),)


def test_the_later_day_of_a_range_is_read_from_the_first() -> None:
    # « mercredi » alone is tomorrow's Wednesday (2 Dec); after « lundi » (7 Dec), the 9th.
    assert read_when("du lundi au mercredi", NOW).days == (date(2026, 12, 7), date(2026, 12, 9))


# ------------------------------------------------------------------ the range


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("jeudi 8h-14h", Span(local(12, 3, 8), local(12, 3, 14))),
        ("le 12/12 de 8h à 14h", Span(local(12, 12, 8), local(12, 12, 14))),
        ("12/12/2026 8h-14h", Span(local(12, 12, 8), local(12, 12, 14))),
        ("demain matin", Span(local(12, 2, 8), local(12, 2, 12))),
        ("ce soir", Span(local(12, 1, 18), local(12, 1, 22))),
        ("vendredi", Span(local(12, 4, 0), local(12, 5, 0), whole_days=True)),
        ("vendredi toute la journée", Span(local(12, 4, 0), local(12, 5, 0), whole_days=True)),
        ("du lundi au mercredi", Span(local(12, 7, 0), local(12, 10, 0), whole_days=True)),
        ("du 12 au 14 décembre", Span(local(12, 12, 0), local(12, 15, 0), whole_days=True)),
        ("du lundi 8h au mercredi 18h", Span(local(12, 7, 8), local(12, 9, 18))),
        ("du 12/12 20h au 13/12 6h", Span(local(12, 12, 20), local(12, 13, 6))),
        ("samedi 22h-6h", Span(local(12, 5, 22), local(12, 6, 6))),
        ("samedi 20h-minuit", Span(local(12, 5, 20), local(12, 6, 0))),
        ("14h-18h", Span(local(12, 1, 14), local(12, 1, 18))),
    ],
)
def test_read_span(text: str, span: Span) -> None:
    assert read_span(text, NOW) == span


@pytest.mark.parametrize(
    ("text", "key"),
    [("", "when_missing"), ("bientôt", "when_missing"), ("jeudi 8h", "when_end_missing"),
     ("jeudi 8h 10h 14h", "when_too_many_hours"), ("le 31/02 8h-14h", "when_date_invalid"),
     ("du 12/12 18h au 12/12 8h", "when_end_before_start")],
)  # fmt: skip
def test_what_is_no_range(text: str, key: str) -> None:
    with pytest.raises(SpanError) as raised:
        read_span(text, NOW)
    assert raised.value.key == key


def test_a_range_across_the_march_clock_change_lasts_its_real_time() -> None:
    # The last Sunday of March 2027 (28 March): 02:00 CET jumps to 03:00 CEST.
    span = read_span("dimanche 28 mars 1h-5h", NOW)
    assert span.start == datetime(2027, 3, 28, 0, 0, tzinfo=UTC)  # 01:00 CET
    assert span.end == datetime(2027, 3, 28, 3, 0, tzinfo=UTC)  # 05:00 CEST
    assert span.end - span.start == timedelta(hours=3)
    whole = read_span("le 28/03/2027", NOW)
    assert whole.end - whole.start == timedelta(hours=23)


def test_span_of_reads_today_when_no_day_is_said() -> None:
    assert span_of(When(hours=(840, 1080)), NOW) == Span(local(12, 1, 14), local(12, 1, 18))
