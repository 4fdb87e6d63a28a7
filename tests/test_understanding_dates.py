"""Dates as written, read against a fixed "now" in the network's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

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
