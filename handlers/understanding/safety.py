"""Food-safety checks on the dates of a post. Pure: the caller gives ``today``.

A verdict says whether the post is refused, with one note key for its author (the chat
layer maps keys to French sentences):

``dlc_past``  an offer past its use-by date (DLC, "à consommer jusqu'au"): refused.
``ddm_past``  an offer past its best-before date (DDM/DLUO, "à consommer de préférence"):
              accepted, with a note that it is still safe to eat.

``flags`` tells more, for whoever wants it (never a reason to refuse by itself):

``date_past``     a date already past (a need's deadline, a pickup day): to be questioned.
``dlc_today``     an offer whose use-by date is today: to hand out today.
``date_invalid``  a date that does not exist (31/02): ask again, do not guess.
``dlc_missing``   an offer of chilled goods without any date: ask for the DLC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .model import Understanding

POSTS = frozenset({"need", "offer", "equipment_request", "equipment_offer"})


@dataclass(frozen=True)
class SafetyVerdict:
    refused: bool
    note_key: str | None = None
    flags: tuple[str, ...] = ()


def check_offer_dates(u: Understanding, today: date) -> SafetyVerdict:
    """Whether a post may be published given its dates, and what to tell its author."""
    if u.intent not in POSTS:
        return SafetyVerdict(False)
    flags: list[str] = []
    if u.invalid_date is not None:
        flags.append("date_invalid")
    past = u.deadline is not None and u.deadline < today
    if past:
        flags.append("date_past")
    offer = u.intent == "offer"
    if offer and u.date_kind == "dlc" and u.deadline == today:
        flags.append("dlc_today")
    if offer and u.cold_chain and u.deadline is None:
        flags.append("dlc_missing")
    if offer and past and u.date_kind == "dlc":
        return SafetyVerdict(True, "dlc_past", tuple(flags))
    if offer and past and u.date_kind == "ddm":
        return SafetyVerdict(False, "ddm_past", tuple(flags))
    return SafetyVerdict(False, None, tuple(flags))
