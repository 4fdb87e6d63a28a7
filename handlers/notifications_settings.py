"""What `/notifs` reads and says: each member's choice of what is relayed to them.

Pure (no storage): `read_notifs` turns the words after /notifs into a `NotifsChange`,
`changed` applies it to the stored `Preferences`, `settings_text` and `confirmation` word the
answers. The rule that applies preferences to each relay is the delivery's, not this module's.

- `/notifs tout | urgent | resume | off` (and synonyms: « urgences », « digest », « résumé »,
  « rien », « aucune »…): everything, urgent posts only, the daily digest only, nothing.
- `/notifs sans laitiers` / `/notifs avec laitiers` (`avec tout`: no category muted).
- `/notifs calme 22h-7h` / `/notifs calme off`: quiet hours, the network's local time.
Defaults (a member who never wrote /notifs): everything, quiet 21:00–07:30.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final, Literal

from handlers.category_words import SUGGESTED_WORDS, fold_text, read_categories
from handlers.texts import t
from storage.models import NotifyMode, Preferences

DEFAULTS: Final = Preferences(member_id=0)
NO_QUIET: Final = "00:00"  # quiet_start == quiet_end: no quiet hours

MODE_WORDS: Final[dict[str, NotifyMode]] = {
    **dict.fromkeys(
        ("tout", "toutes", "tous", "all", "everything", "normal", "defaut", "on"), "all"
    ),
    **dict.fromkeys(
        ("urgent", "urgents", "urgente", "urgentes", "urgence", "urgences", "sos", "urgent only"),
        "urgent",
    ),
    **dict.fromkeys(
        (
            "resume",
            "resumes",
            "digest",
            "point",
            "quotidien",
            "resume quotidien",
            "le resume",
            "recap",
            "daily",
        ),
        "digest",
    ),
    **dict.fromkeys(
        ("off", "rien", "aucune", "aucun", "stop", "non", "none", "nothing", "plus rien"),
        "off",
    ),
}
MUTE_WORDS: Final = frozenset({"sans", "without", "couper", "mute", "moins", "pas"})
UNMUTE_WORDS: Final = frozenset({"avec", "with", "remettre", "unmute"})
QUIET_WORDS: Final = frozenset({"calme", "calmes", "quiet", "nuit", "silence"})
QUIET_OFF_WORDS: Final = frozenset({"off", "non", "aucun", "aucune", "jamais", "rien", "none"})
_TIME: Final = r"(\d{1,2})\s*(?:h|:|heures?)?\s*(\d{2})?\s*h?"
_QUIET_RE: Final = re.compile(
    rf"^(?:de\s+|from\s+)?{_TIME}\s*(?:-|–|a|au|to|jusqu'a|jusqu'au)\s*{_TIME}$"
)


class Invalid(Exception):
    """Words /notifs cannot read: the catalogue key of the answer and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class NotifsChange:
    kind: Literal["mode", "mute", "unmute", "unmute_all", "quiet", "quiet_off"]
    mode: NotifyMode = "all"
    categories: frozenset[str] = frozenset()
    start: str = ""
    end: str = ""


def read_notifs(args: str) -> NotifsChange | None:
    """The change the words ask for; None for /notifs alone (show the settings)."""
    folded = fold_text(args).strip(" .!")
    if not folded:
        return None
    if folded in MODE_WORDS:
        return NotifsChange("mode", mode=MODE_WORDS[folded])
    head, _, rest = folded.partition(" ")
    if head in MUTE_WORDS or head in UNMUTE_WORDS:
        return _categories_change(head in MUTE_WORDS, rest)
    if head in QUIET_WORDS:
        return _quiet_change(rest.strip())
    raise Invalid("notifs_usage", word=args.strip()[:30])


def _categories_change(mute: bool, text: str) -> NotifsChange:
    words = read_categories(text)
    if words.every and not words.categories:
        if mute:
            raise Invalid("notifs_mute_everything")
        return NotifsChange("unmute_all")
    if words.unknown or not words.categories:
        shown = ", ".join(f"« {w} »" for w in words.unknown) or f"« {text.strip()} »"
        raise Invalid(
            "profile_categories_unknown", words=shown, accepted=", ".join(SUGGESTED_WORDS)
        )
    return NotifsChange("mute" if mute else "unmute", categories=words.categories)


def _quiet_change(text: str) -> NotifsChange:
    if text in QUIET_OFF_WORDS:
        return NotifsChange("quiet_off")
    found = _QUIET_RE.match(text)
    if found is None:
        raise Invalid("notifs_quiet_usage")
    h1, m1, h2, m2 = (int(part) if part else 0 for part in found.groups())
    if h1 == 24:
        h1 = 0
    if h2 == 24:
        h2 = 0
    if max(h1, h2) > 23 or max(m1, m2) > 59 or (h1, m1) == (h2, m2):
        raise Invalid("notifs_quiet_usage")
    return NotifsChange("quiet", start=f"{h1:02d}:{m1:02d}", end=f"{h2:02d}:{m2:02d}")


def changed(preferences: Preferences, change: NotifsChange) -> Preferences:
    if change.kind == "mode":
        return replace(preferences, mode=change.mode)
    if change.kind == "mute":
        return replace(preferences, muted=preferences.muted | change.categories)
    if change.kind == "unmute":
        return replace(preferences, muted=preferences.muted - change.categories)
    if change.kind == "unmute_all":
        return replace(preferences, muted=frozenset())
    if change.kind == "quiet":
        return replace(preferences, quiet_start=change.start, quiet_end=change.end)
    return replace(preferences, quiet_start=NO_QUIET, quiet_end=NO_QUIET)


def has_quiet_hours(preferences: Preferences) -> bool:
    return preferences.quiet_start != preferences.quiet_end


def category_list(lang: str, categories: frozenset[str]) -> str:
    return ", ".join(t(lang, f"cat_{slug}") for slug in sorted(categories))


def settings_text(lang: str, preferences: Preferences) -> str:
    """/notifs alone: the member's settings, the defaults named, and how to change them."""
    mode = t(lang, f"notifs_mode_{preferences.mode}")
    if preferences.mode == DEFAULTS.mode:
        mode += t(lang, "notifs_default")
    muted = (
        category_list(lang, preferences.muted)
        if preferences.muted
        else t(lang, "notifs_muted_none")
    )
    if has_quiet_hours(preferences):  # the defaults are named on the last line
        quiet = t(
            lang, "notifs_quiet_line", start=preferences.quiet_start, end=preferences.quiet_end
        )
    else:
        quiet = t(lang, "notifs_quiet_none")
    lines = [
        t(lang, "notifs_title"),
        t(lang, "notifs_mode_line", mode=mode),
        t(lang, "notifs_muted_line", categories=muted),
        quiet,
        t(lang, "notifs_how_to_change"),
    ]
    return "\n".join(lines)


def confirmation(lang: str, change: NotifsChange, digest_time: str | None) -> str:
    """One line: what was set, and what it means in practice. `digest_time`: the member's
    daily digest (None: they have none), since « résumé » and « urgent » lean on it."""
    if change.kind == "mode":
        if change.mode in ("urgent", "digest"):
            digest = (
                t(lang, "notifs_digest_on", time=digest_time)
                if digest_time
                else t(lang, "notifs_digest_off")
            )
            return t(lang, f"notifs_set_{change.mode}", digest=digest)
        return t(lang, f"notifs_set_{change.mode}")
    if change.kind == "mute":
        return t(lang, "notifs_set_muted", categories=category_list(lang, change.categories))
    if change.kind == "unmute":
        return t(lang, "notifs_set_unmuted", categories=category_list(lang, change.categories))
    if change.kind == "unmute_all":
        return t(lang, "notifs_set_unmuted_all")
    if change.kind == "quiet":
        return t(lang, "notifs_set_quiet", start=change.start, end=change.end)
    return t(lang, "notifs_set_quiet_off")


def invalid_text(lang: str, error: Invalid) -> str:
    return t(lang, error.key, **error.values)
