"""The shared equipment calendar's rules of time (issue 14), pure and each tested alone.

Ranges are half-open, [start, end), in UTC: [8h, 14h) and [14h, 18h) do not overlap. What a
person reads (the day before at 18:00, « demain matin ») is local time, in the network's zone,
DST included: a booking on the last Sunday of March from 01:00 to 05:00 lasts three hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from handlers.understanding.time_ranges import local_moment

# The day before a booking, both sides are reminded at this local time.
EVE_AT: Final = time(18, 0)
# A whole-day booking ends at midnight: its borrower is reminded at this local time of its last
# day (« à rendre ce soir »), not in the night.
WHOLE_DAY_RETURN_AT: Final = time(18, 0)
# Not returned this long after its end, a loan is flagged to its owner…
LATE_AFTER: Final = timedelta(hours=2)
# … but never in the night: a flag due then waits for the morning.
NIGHT_FROM: Final = time(21, 0)
MORNING_AT: Final = time(8, 0)
# A free slot proposed instead of a taken one starts in the day (or at the hour asked).
DAYTIME: Final = (time(7, 0), time(20, 0))
# How far the next free slots are looked for, and how many are proposed.
SEARCH_DAYS: Final = 28
FREE_SLOTS: Final = 3
# A booking is at most this long, and starts at most this far ahead.
LONGEST: Final = timedelta(days=31)
FURTHEST: Final = timedelta(days=366)


def at_local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on `day`, local, as a UTC instant (the hours used here are never skipped by DST)."""
    return local_moment(day, at.hour * 60 + at.minute, tz)


@dataclass(frozen=True)
class Slot:
    """[start, end) in UTC; `whole_days` when it is days (midnight to midnight, local)."""

    start: datetime
    end: datetime
    whole_days: bool = False


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Whether [a_start, a_end) and [b_start, b_end) share a moment (touching ones do not)."""
    return a_start < b_end and b_start < a_end


def loan_days(start: datetime, end: datetime) -> float:
    """The loan's length in days, from the real time elapsed (a DST night is an hour shorter):
    8h-14h is 0.25, a whole day 1."""
    return round((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 86400, 3)


def eve_reminder_at(start: datetime, tz: ZoneInfo) -> datetime:
    """EVE_AT local on the day before the booking's first (local) day."""
    first_day = start.astimezone(tz).date()
    return at_local(first_day - timedelta(days=1), EVE_AT, tz)


def return_reminder_at(start: datetime, end: datetime, tz: ZoneInfo) -> datetime:
    """At the booking's end; a booking that ends at local midnight (a whole day), at
    WHOLE_DAY_RETURN_AT of its last day when that is after its start."""
    local_end = end.astimezone(tz)
    if local_end.time() != time(0):
        return end
    evening = at_local(local_end.date() - timedelta(days=1), WHOLE_DAY_RETURN_AT, tz)
    return evening if evening > start else end


def out_of_night(moment: datetime, tz: ZoneInfo) -> datetime:
    """`moment`, or the next MORNING_AT local when it falls between NIGHT_FROM and MORNING_AT."""
    local = moment.astimezone(tz)
    if local.time() >= NIGHT_FROM:
        return at_local(local.date() + timedelta(days=1), MORNING_AT, tz)
    if local.time() < MORNING_AT:
        return at_local(local.date(), MORNING_AT, tz)
    return moment


def late_flag_at(end: datetime, tz: ZoneInfo) -> datetime:
    """When a loan not returned is flagged to its owner: LATE_AFTER its end, out of the night."""
    return out_of_night(end + LATE_AFTER, tz)


def shifted(slot: Slot, days: int, tz: ZoneInfo) -> Slot:
    """The same local hours `days` later (wall clock: across a DST change, 8h stays 8h)."""
    start = slot.start.astimezone(tz).replace(tzinfo=None) + timedelta(days=days)
    end = slot.end.astimezone(tz).replace(tzinfo=None) + timedelta(days=days)
    return Slot(
        start.replace(tzinfo=tz).astimezone(UTC),
        end.replace(tzinfo=tz).astimezone(UTC),
        slot.whole_days,
    )


def is_free(start: datetime, end: datetime, busy: Sequence[tuple[datetime, datetime]]) -> bool:
    return not any(overlaps(start, end, b_start, b_end) for b_start, b_end in busy)


def next_free_slots(
    busy: Sequence[tuple[datetime, datetime]],
    wanted: Slot,
    not_before: datetime,
    tz: ZoneInfo,
    count: int = FREE_SLOTS,
) -> list[Slot]:
    """The first `count` free slots as long as `wanted`, from its start on, that do not
    overlap `busy` (the live bookings) nor one another: the same hours on the following days,
    and (for hours, not days) right after each booking in the way when that is in the day
    (DAYTIME) or at the hour asked. Only slots starting at or after `not_before` (now), within
    SEARCH_DAYS."""
    length = wanted.end - wanted.start
    candidates: list[Slot] = [shifted(wanted, days, tz) for days in range(SEARCH_DAYS + 1)]
    if not wanted.whole_days:
        asked = wanted.start.astimezone(tz).time()
        for _, b_end in busy:
            local = b_end.astimezone(tz).time()
            if b_end >= wanted.start and (DAYTIME[0] <= local <= DAYTIME[1] or local == asked):
                candidates.append(Slot(b_end, b_end + length))
    limit = wanted.start + timedelta(days=SEARCH_DAYS + 1)
    found: list[Slot] = []
    for slot in sorted(set(candidates), key=lambda s: s.start):
        if slot.start < not_before or slot.start > limit:
            continue
        taken = [(s.start, s.end) for s in found]
        if is_free(slot.start, slot.end, busy) and is_free(slot.start, slot.end, taken):
            found.append(slot)
            if len(found) == count:
                break
    return found
