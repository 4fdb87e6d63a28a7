"""How times and dates are written in the database: ISO-8601, UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime


def to_db(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def date_to_db(day: date | None) -> str | None:
    return day.isoformat() if day else None


def date_from_db(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
