"""Dates as written, read against a fixed "now" in the network's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.understanding import dates
from handlers.understanding.dates import find_dates
from handlers.understanding.text import canonical, fold

PARIS = ZoneInfo("Europe/Paris")
TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)


def first(text: str, now: datetime = TUESDAY) -> date | None:
    hits = [h for h in find_dates(fold(canonical(text)).text, now) if h.value is not None]
    strong = [h for h in hits if not h.weak] or hits
    return min((h.value for h in strong if h.value is not None), default=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aujourd'hui", date(2026, 12, 1)),
        ("ajd", date(2026, 12, 1)),
        ("ce soir", date(2026, 12, 1)),
        ("ce midi", date(2026, 12, 1)),
        ("avant 16h", date(2026, 12, 1)),
        ("demain", date(2026, 12, 2)),
        ("apres-demain", date(2026, 12, 3)),
        ("après demain", date(2026, 12, 3)),
        ("mercredi", date(2026, 12, 2)),
        ("lundi", date(2026, 12, 7)),
        ("mardi", date(2026, 12, 8)),  # said on a Tuesday: next week's
        ("mardi prochain", date(2026, 12, 8)),
        ("dans 3 jours", date(2026, 12, 4)),
        ("dans trois jours", date(2026, 12, 4)),
        ("sous 48h", date(2026, 12, 3)),
        ("d'ici 2 semaines", date(2026, 12, 15)),
        ("le 12", date(2026, 12, 12)),
        ("le 1er", date(2026, 12, 1)),
        ("12/12", date(2026, 12, 12)),
        ("12/12/2027", date(2027, 12, 12)),
        ("12 décembre", date(2026, 12, 12)),
        ("12 DECEMBRE", date(2026, 12, 12)),
        ("le 3 janvier", date(2027, 1, 3)),
        ("1er mars", date(2027, 3, 1)),
        ("15/11", date(2027, 11, 15)),  # passed this year: the next one
        ("ce week-end", date(2026, 12, 5)),
        ("fin du mois", date(2026, 12, 31)),
        ("jeudi ou vendredi", date(2026, 12, 3)),  # several: the earliest
        ("rien de prevu", None),
        ("30 kg", None),
        ("taille 3", None),
    ],
)
def test_dates(text: str, expected: date | None) -> None:
    assert first(text) == expected


def test_le_n_past_this_month_is_next_month() -> None:
    now = datetime(2026, 12, 20, 10, 0, tzinfo=PARIS)
    assert first("pour le 12", now) == date(2027, 1, 12)


def test_time_zone_decides_today() -> None:
    # 23:30 UTC on 1 December is already 2 December in Paris.
    utc_now = datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert first("demain", utc_now.astimezone(PARIS)) == date(2026, 12, 3)


def test_invalid_dates_are_kept_as_written() -> None:
    hits = find_dates(fold(canonical("DLC 31/02")).text, TUESDAY)
    assert [(h.value, h.text) for h in hits] == [(None, "31/02")]
    hits = find_dates(fold(canonical("30 février")).text, TUESDAY)
    assert [(h.value, h.text) for h in hits] == [(None, "30 fevrier")]


def test_kind_of_date() -> None:
    (hit,) = find_dates(fold(canonical("DLC 20/12")).text, TUESDAY)
    assert hit.kind == "dlc"
    (hit,) = find_dates(fold(canonical("à consommer de préférence avant le 3/12")).text, TUESDAY)
    assert hit.kind == "ddm"
    (hit,) = find_dates(fold(canonical("à prendre demain")).text, TUESDAY)
    assert hit.kind is None


# -- each rule alone (dates.DATE_RULES): its pattern, then its resolver --------------------

RULE_SAMPLES: dict[str, list[tuple[str, date | None]]] = {
    "weekday_and_day": [
        ("samedi 12", date(2026, 12, 12)),
        ("mardi 5 janvier", date(2027, 1, 5)),
        ("vendredi 18/12", date(2026, 12, 18)),
    ],
    "days_then_month": [
        ("les 2 et 3 janvier", date(2027, 1, 2)),
        ("du 28 au 3 janvier", date(2026, 12, 28)),
    ],
    "english_month_day": [
        ("for january 8", date(2027, 1, 8)),
        ("by July 20th", date(2027, 7, 20)),
        ("december 3rd", date(2026, 12, 3)),
    ],
    "day_in_words_month": [
        ("deux decembre", date(2026, 12, 2)),
        ("vingt-trois janvier", date(2027, 1, 23)),
    ],
    "numeric": [("12/12", date(2026, 12, 12)), ("03.12.2027", date(2027, 12, 3))],
    "day_month_words": [("1er mars", date(2027, 3, 1)), ("5 dec", date(2026, 12, 5))],
    "after_tomorrow": [("apres-demain", date(2026, 12, 3)), ("apredemain", date(2026, 12, 3))],
    "before_yesterday": [("avant-hier", date(2026, 11, 29))],
    "tomorrow": [("demain", date(2026, 12, 2)), ("dem1", date(2026, 12, 2))],
    "yesterday": [("hier", date(2026, 11, 30))],
    "today": [("ce soir", date(2026, 12, 1)), ("tout de suite", date(2026, 12, 1))],
    "in_n": [
        ("dans 3 jours", date(2026, 12, 4)),
        ("sous 48h", date(2026, 12, 3)),
        ("d'ici deux semaines", date(2026, 12, 15)),
        ("dans 1 mois", date(2027, 1, 1)),
    ],
    "plus_days": [("j+1", date(2026, 12, 2)), ("t + 3", date(2026, 12, 4))],
    "within": [("sous huitaine", date(2026, 12, 8)), ("sous quinzaine", date(2026, 12, 15))],
    "weekday": [
        ("jeudi", date(2026, 12, 3)),
        ("mardi", date(2026, 12, 8)),
        ("ce mardi", date(2026, 12, 1)),
        ("ce mardi prochain", date(2026, 12, 8)),
    ],
    "weekend": [("ce week-end", date(2026, 12, 5))],
    "next_week": [("la semaine prochaine", date(2026, 12, 7))],
    "month_end": [("fin du mois", date(2026, 12, 31))],
    "week_of": [("semaine du 14", date(2026, 12, 14))],
    "day_of_month": [("le 12", date(2026, 12, 12)), ("jusqu'au 1er", date(2026, 12, 1))],
    "time_of_day": [("avant 16h", date(2026, 12, 1)), ("a 9:30", date(2026, 12, 1))],
    "time_in_words": [
        ("avant dix-neuf heures trente", date(2026, 12, 1)),
        ("vers quinze heures", date(2026, 12, 1)),
    ],
}


def read_with(rule_name: str, text: str, labelled: bool = False) -> dates.Reading | None:
    rule = next(r for r in dates.DATE_RULES if r.name == rule_name)
    match = rule.pattern.search(fold(canonical(text)).text)
    assert match is not None, f"{rule_name} does not see {text!r}"
    return rule.resolve(match, TUESDAY, labelled)


def test_every_rule_has_samples() -> None:
    assert set(RULE_SAMPLES) == {rule.name for rule in dates.DATE_RULES}


@pytest.mark.parametrize(
    ("rule_name", "text", "expected"),
    [(name, text, value) for name, samples in RULE_SAMPLES.items() for text, value in samples],
)
def test_each_rule_alone(rule_name: str, text: str, expected: date) -> None:
    reading = read_with(rule_name, text)
    assert reading is not None and reading.value == expected


def test_only_a_time_of_day_is_weak() -> None:
    assert read_with("time_of_day", "avant 16h") == dates.Reading(TUESDAY.date(), weak=True)
    assert read_with("tomorrow", "demain") == dates.Reading(date(2026, 12, 2))


@pytest.mark.parametrize(
    ("rule_name", "text"),
    [
        ("numeric", "2.5"),  # a decimal number
        ("numeric", "3-15"),  # a range
        ("time_of_day", "25h"),
        ("time_of_day", "12:75"),
        ("day_of_month", "le 32"),
        ("day_in_words_month", "cent mars"),
    ],
)
def test_a_rule_can_decline_what_its_pattern_saw(rule_name: str, text: str) -> None:
    assert read_with(rule_name, text) is None


@pytest.mark.parametrize(
    ("rule_name", "text"),
    [("numeric", "31/04"), ("numeric", "32/12"), ("day_month_words", "30 fevrier")],
)
def test_a_date_that_does_not_exist_is_read_as_invalid(rule_name: str, text: str) -> None:
    assert read_with(rule_name, text) == dates.INVALID


def test_a_labelled_date_may_be_past() -> None:
    # « DLC 28/11 » said on 1 December: the 28th just passed, not next year's.
    assert read_with("numeric", "28/11", labelled=True) == dates.Reading(date(2026, 11, 28))
    assert read_with("numeric", "28/11") == dates.Reading(date(2027, 11, 28))


def test_the_table_order_is_precedence() -> None:
    hits = find_dates(fold(canonical("apres-demain ou le 12/12")).text, TUESDAY)
    assert [h.text for h in hits] == ["apres-demain", "12/12"]


def test_a_date_label_stops_at_the_clause() -> None:
    text = fold(canonical("DLC 20/12, a prendre le 5")).text
    assert dates.date_kind_before(text, text.index("20/12")) == "dlc"
    assert dates.date_kind_before(text, text.index("5")) is None


# Issue 10 (tune10): days said within another day or period.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le 24 dans la journée", date(2026, 12, 24)),
        ("demain dans la journee", date(2026, 12, 2)),
        ("jeudi ds la journée", date(2026, 12, 3)),
        ("dans la journée", date(2026, 12, 1)),  # alone: today
    ],
)
def test_a_part_of_a_day_said_after_it_is_that_day(text: str, expected: date) -> None:
    assert first(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("la semaine prochaine, jeudi 10", date(2026, 12, 10)),
        ("semaine prochaine, mercredi de préférence", date(2026, 12, 9)),
        ("ce week-end, dimanche plutôt", date(2026, 12, 6)),
        ("la semaine prochaine", date(2026, 12, 7)),  # alone: its Monday
        ("la semaine prochaine ou le 20", date(2026, 12, 7)),  # a day outside it: the earliest
    ],
)
def test_a_period_with_a_day_in_it_is_that_day(text: str, expected: date) -> None:
    assert first(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dispo mercredi 1 camion frigo", date(2026, 12, 2)),  # the 1st is a Tuesday
        ("vendredi 3 caisses de pommes", date(2026, 12, 4)),
        ("lundi 8 chaises pliantes", date(2026, 12, 7)),
        ("samedi 12 au local", date(2026, 12, 12)),  # the 12th is a Saturday: the day
        ("mardi 15 au plus tard", date(2026, 12, 15)),
    ],
)
def test_a_number_after_a_weekday_it_is_not_counts(text: str, expected: date) -> None:
    assert first(text) == expected


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("mardi soir : 12 baguettes", TUESDAY, date(2026, 12, 1)),
        ("mardi matin", TUESDAY, date(2026, 12, 1)),  # 9 h: the morning is still on
        ("mardi matin", TUESDAY.replace(hour=14), date(2026, 12, 8)),  # over: next week's
        ("mardi aprem", TUESDAY.replace(hour=20), date(2026, 12, 8)),
        ("mardi", TUESDAY, date(2026, 12, 8)),
        ("mardi prochain soir", TUESDAY, date(2026, 12, 8)),
    ],
)
def test_a_part_of_today_said_with_its_weekday_is_today(
    text: str, now: datetime, expected: date
) -> None:
    assert first(text, now) == expected
