"""What a member wants relayed (`/notifs`, issue 11): pure rules, no storage.

- mode « off »: nothing; « digest »: no relay (the daily digest still goes); « urgent »: urgent
  posts only; « all »: everything.
- A muted category is not relayed, unless the post is urgent.
- In quiet hours (local time, the network's time zone) a relay waits for their end; an urgent
  one goes at once.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.texts import t
from storage.models import NotifyMode, Preferences

MODES: tuple[NotifyMode, ...] = ("all", "urgent", "digest", "off")


def mode_text(lang: str, mode: NotifyMode) -> str:
    """A mode in words (« tout », « urgences seulement »…), for `/notifs` and its answers."""
    return t(lang, f"notify_mode_{mode}")


def relayed(preferences: Preferences, category: str | None, urgent: bool) -> bool:
    """Whether a relayed post of `category` reaches this member at all."""
    if preferences.mode in ("off", "digest"):
        return False
    if urgent:
        return True
    if preferences.mode == "urgent":
        return False
    return category is None or category not in preferences.muted


def clock_time(text: str) -> time:
    """ "HH:MM" as stored by `/notifs`."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def quiet_until(preferences: Preferences, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The end of the quiet period `now` falls in, or None outside quiet hours.

    Computed on the local calendar, not by adding hours to `now`: a night that crosses a change
    to or from summer time is an hour shorter or longer, and the morning is still 07:30.
    """
    start, end = clock_time(preferences.quiet_start), clock_time(preferences.quiet_end)
    if start == end:
        return None
    local = now.astimezone(tz)
    moment = local.time().replace(tzinfo=None)
    if start < end:
        quiet = start <= moment < end
        day = local.date()
    else:
        quiet = moment >= start or moment < end
        day = local.date() if moment < end else local.date() + timedelta(days=1)
    if not quiet:
        return None
    return datetime.combine(day, end, tzinfo=tz)


def relay_at(
    preferences: Preferences, category: str | None, urgent: bool, now: datetime, tz: ZoneInfo
) -> datetime | None:
    """When a relay may go to this member: None when it must not go at all, else `now` or the
    end of their quiet hours."""
    if not relayed(preferences, category, urgent):
        return None
    if urgent:
        return now
    return quiet_until(preferences, now, tz) or now
