"""The shared equipment calendar's rules of time (handlers/booking_times.py), each alone:
overlaps at the edges, a loan's days, when each reminder goes (DST included), the next free
slots, and a slot written back as `/reserver` reads it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from handlers.booking_times import (
    Slot,
    eve_reminder_at,
    late_flag_at,
    loan_days,
    next_free_slots,
    out_of_night,
    overlaps,
    return_reminder_at,
    shifted,
)
from handlers.bookings import span_text, when_words
from handlers.understanding.time_ranges import read_span
from tests.conftest import PARIS


def at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


NOW = at(1, 9)


# ------------------------------------------------------------------ overlaps


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ((at(3, 14), at(3, 18)), False),  # touching after: [8h,14h) and [14h,18h)
        ((at(3, 4), at(3, 8)), False),  # touching before
        ((at(3, 13, 59), at(3, 18)), True),  # one minute over the end
        ((at(3, 4), at(3, 8, 1)), True),  # one minute over the start
        ((at(3, 6), at(3, 20)), True),  # containing
        ((at(3, 9), at(3, 10)), True),  # contained
        ((at(3, 8), at(3, 14)), True),  # the same
        ((at(4, 8), at(4, 14)), False),  # another day
    ],
)
def test_overlaps_at_the_edges(other: tuple[datetime, datetime], expected: bool) -> None:
    assert overlaps(at(3, 8), at(3, 14), *other) is expected
    assert overlaps(*other, at(3, 8), at(3, 14)) is expected


# ------------------------------------------------------------------ a loan's days


def test_loan_days_are_real_time() -> None:
    assert loan_days(at(3, 8), at(3, 14)) == 0.25
    assert loan_days(at(4, 0), at(5, 0)) == 1.0
    # The night the clocks go forward is 23 hours; 01:00-05:00 that night is 3 hours.
    assert loan_days(at(28, 0, month=3, year=2027), at(29, 0, month=3, year=2027)) == 0.958
    assert loan_days(at(28, 1, month=3, year=2027), at(28, 5, month=3, year=2027)) == 0.125


# ------------------------------------------------------------------ when reminders go


def test_the_eve_reminder_is_at_18h_the_day_before() -> None:
    assert eve_reminder_at(at(3, 8), PARIS) == at(2, 18)
    assert eve_reminder_at(at(3, 0), PARIS) == at(2, 18)  # a whole day from midnight
    # Before the March change (Saturday 27 March 2027, still winter time: 17:00 UTC).
    dst = eve_reminder_at(at(28, 1, month=3, year=2027), PARIS)
    assert dst == datetime(2027, 3, 27, 17, 0, tzinfo=UTC)


def test_the_return_reminder_is_at_the_end_or_the_last_evening_of_a_whole_day() -> None:
    assert return_reminder_at(at(3, 8), at(3, 14), PARIS) == at(3, 14)
    assert return_reminder_at(at(4, 0), at(5, 0), PARIS) == at(4, 18)  # « vendredi »
    assert return_reminder_at(at(4, 0), at(7, 0), PARIS) == at(6, 18)  # three days
    assert return_reminder_at(at(4, 20), at(5, 0), PARIS) == at(5, 0)  # 20h-minuit
    # On the March change: 05:00 CEST, 03:00 UTC.
    dst = return_reminder_at(at(28, 1, month=3, year=2027), at(28, 5, month=3, year=2027), PARIS)
    assert dst == datetime(2027, 3, 28, 3, 0, tzinfo=UTC)


def test_nothing_is_flagged_in_the_night() -> None:
    assert out_of_night(at(3, 16), PARIS) == at(3, 16)
    assert out_of_night(at(3, 21), PARIS) == at(4, 8)
    assert out_of_night(at(4, 3), PARIS) == at(4, 8)
    assert late_flag_at(at(3, 14), PARIS) == at(3, 16)  # two hours after the end
    assert late_flag_at(at(3, 20), PARIS) == at(4, 8)  # 22:00: the next morning
    assert late_flag_at(at(5, 0), PARIS) == at(5, 8)  # a whole day, 02:00: that morning


# ------------------------------------------------------------------ the next free slots


def test_a_slot_moves_by_wall_clock_days_across_dst() -> None:
    saturday = Slot(at(27, 8, month=3, year=2027), at(27, 14, month=3, year=2027))
    sunday = shifted(saturday, 1, PARIS)
    assert sunday.start.astimezone(PARIS).hour == 8 and sunday.end.astimezone(PARIS).hour == 14
    assert sunday.start - saturday.start == timedelta(hours=23)


def test_free_slots_after_the_booking_in_the_way_and_on_the_next_days() -> None:
    busy = [(at(3, 8), at(3, 14)), (at(4, 10), at(4, 12))]
    wanted = Slot(at(3, 12), at(3, 16))
    assert next_free_slots(busy, wanted, NOW, PARIS) == [
        Slot(at(3, 14), at(3, 18)),  # right after the booking in the way
        Slot(at(4, 12), at(4, 16)),  # Friday, the hours asked (touching Friday's booking)
        Slot(at(5, 12), at(5, 16)),  # the hours asked, the day after
    ]


def test_free_slots_never_overlap_one_another_nor_start_in_the_past() -> None:
    busy = [(at(1, 8), at(1, 10))]
    wanted = Slot(at(1, 9), at(1, 11))
    found = next_free_slots(busy, wanted, at(1, 10, 30), PARIS)
    assert found[0].start >= at(1, 10, 30)
    for a, b in itertools.pairwise(found):
        assert not overlaps(a.start, a.end, b.start, b.end)


def test_free_slots_for_days_are_days() -> None:
    busy = [(at(4, 0), at(6, 0))]  # Friday and Saturday taken
    wanted = Slot(at(4, 0), at(5, 0), whole_days=True)
    assert next_free_slots(busy, wanted, NOW, PARIS, count=2) == [
        Slot(at(6, 0), at(7, 0), whole_days=True),
        Slot(at(7, 0), at(8, 0), whole_days=True),
    ]


def test_a_night_end_is_proposed_only_at_the_hour_asked() -> None:
    busy = [(at(3, 8), at(3, 23))]
    wanted = Slot(at(3, 10), at(3, 12))
    assert Slot(at(3, 23), at(4, 1)) not in next_free_slots(busy, wanted, NOW, PARIS)


# ------------------------------------------------------------------ written back


@pytest.mark.parametrize(
    ("slot", "words", "shown"),
    [
        (Slot(at(10, 14), at(10, 20)), "10/12/2026 14h-20h", "jeu. 10 déc., 14h-20h"),
        (Slot(at(10, 8, 30), at(10, 12)), "10/12/2026 8h30-12h", "jeu. 10 déc., 8h30-12h"),
        (Slot(at(11, 0), at(12, 0), True), "11/12/2026", "ven. 11 déc. (journée)"),
        (
            Slot(at(11, 0), at(14, 0), True),
            "du 11/12/2026 au 13/12/2026",
            "du ven. 11 déc. au dim. 13 déc.",
        ),
        (Slot(at(10, 20), at(11, 0)), "10/12/2026 20h-minuit", "jeu. 10 déc., 20h-minuit"),
        (
            Slot(at(12, 20), at(13, 6)),
            "du 12/12/2026 20h au 13/12/2026 6h",
            "du sam. 12 déc. 20h au dim. 13 déc. 6h",
        ),
    ],
)
def test_a_slot_is_written_as_reserver_reads_it(slot: Slot, words: str, shown: str) -> None:
    assert when_words(slot, PARIS) == words
    span = read_span(words, NOW.astimezone(PARIS))
    assert Slot(span.start, span.end, span.whole_days) == slot
    assert span_text("fr", slot.start, slot.end, slot.whole_days, PARIS) == shown
