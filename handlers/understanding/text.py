"""Text normalisation shared by the parser and the gazetteer.

``canonical`` is what the parser reads: NFC, case-folded, control characters and runs of
spaces collapsed to one space. ``fold`` strips the accents of that text one character at a
time (``é`` → ``e``, ``œ`` → ``oe``) and keeps, for each folded character, the index of the
canonical character it comes from, so that a span found in the folded text can be shown
as written (with its accents).

Both run per message, so each maps characters through a `str.translate` table filled as
characters are met, rather than a Python loop; ``fold`` builds its index map character by
character only when a character folds to several (``œ``), and ASCII text skips the tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

MAX_CHARS = 2000  # a post is a few lines; past this we read only the start of a message

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
# A run of spaces that is not one space already (replaced by one): ``\s+`` replaced each
# single space by a space, ~1.5 µs a message (issue 12).
_SPACES = re.compile(r"[^\S ]\s*| \s+")
# "×" reads as "x" so that « 6 × 1 l » is a product like « 6 x 1 l ».
_SPECIAL = {
    "œ": "oe",
    "æ": "ae",
    "ß": "ss",
    "ø": "o",
    "đ": "d",
    "ł": "l",
    "²": "2",
    "³": "3",
    "×": "x",
}


class _CharTable(dict[int, str]):
    """A per-character function as a `str.translate` table, filled as characters are met
    (a memo of a pure function; bounded, past which characters are mapped without keeping)."""

    def __init__(self, char_map: Callable[[str], str]) -> None:
        super().__init__()
        self._char_map = char_map

    def __missing__(self, code: int) -> str:
        mapped = self._char_map(chr(code))
        if len(self) < _TABLE_SIZE:
            self[code] = mapped
        return mapped


_TABLE_SIZE = 65536


def _printable_or_space(char: str) -> str:
    return char if char.isprintable() or char.isspace() else " "


def _canonical_char(char: str) -> str:
    """Apostrophes and dashes as one, then `_printable_or_space`: the three tables of
    `canonical`'s general path in one (issue 12: a `str.maketrans` table raises and clears a
    KeyError inside `translate` for each character it does not map, ~12 µs a message)."""
    char = _APOSTROPHES.get(ord(char), char)
    return _printable_or_space(_DASHES.get(ord(char), char))


_CANONICAL_CHARS: Final = _CharTable(_canonical_char)


def _ascii_canonical_char(char: str) -> str:
    """What `canonical`'s general path makes of one ASCII character: NFC changes nothing,
    "`" is an apostrophe, a control character is a space, casefold is lower case."""
    return "'" if char == "`" else _printable_or_space(char).casefold()


_ASCII_CANONICAL: Final = str.maketrans({chr(c): _ascii_canonical_char(chr(c)) for c in range(128)})


def canonical(text: str) -> str:
    """NFC, case-folded, one space between words: case and spacing no longer matter."""
    text = text[: MAX_CHARS * 2]
    if text.isascii():  # the same result, in one table and without Unicode normalisation
        # One space between words already: cut, only a space may end it (issue 12).
        return _SPACES.sub(" ", text.translate(_ASCII_CANONICAL)).strip()[:MAX_CHARS].strip()
    text = unicodedata.normalize("NFC", text).translate(_CANONICAL_CHARS)
    text = _SPACES.sub(" ", text.casefold()).strip()
    # casefold can produce combining marks again (e.g. "İ"): recompose once more.
    text = unicodedata.normalize("NFC", text)[:MAX_CHARS]
    return _SPACES.sub(" ", text).strip()


# Texting shorthand, read as the words they stand for. Only in messages (`readable`), never in
# commune lookups.
ABBREVIATIONS = {
    "bsn": "besoin",
    "bsns": "besoins",
    "pr": "pour",
    "dem": "demain",
    "dmn": "demain",
    "ajd": "aujourd'hui",
    "auj": "aujourd'hui",
    "aujd": "aujourd'hui",
    "qqn": "quelqu'un",
    "qq1": "quelqu'un",
    "qqun": "quelqu'un",
    "qqch": "quelque chose",
    "tjrs": "toujours",
    "aprem": "après-midi",
    "dispos": "dispo",
    "svp": "s'il vous plaît",
    "stp": "s'il te plaît",
}
_ABBREVIATION = re.compile(r"(?<![\w'])(" + "|".join(ABBREVIATIONS) + r")(?![\w'])")


def readable(text: str) -> str:
    """`canonical`, with texting shorthand spelled out ("bsn 15 kg pr dem")."""
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1)], canonical(text))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char.isascii():
        return char
    if char in _SPECIAL:
        return _SPECIAL[char]
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base.isascii() and base.strip():
        return base.lower()
    if char.isalpha() or char.isdigit():
        return char  # other scripts stay as they are (they match nothing in the lexicon)
    return " "


@dataclass(frozen=True)
class Folded:
    """Accent-free text plus, per character, its index in the canonical text."""

    text: str
    source: str
    index: tuple[int, ...]

    def original(self, start: int, end: int) -> str:
        """The canonical (accented) text behind the folded span [start, end)."""
        if start >= end or start >= len(self.index):
            return ""
        first = self.index[start]
        last = self.index[min(end, len(self.index)) - 1]
        return self.source[first : last + 1]


_FOLD_TABLE: Final = _CharTable(_fold_char)


def fold_text(source: str) -> str:
    """`fold(source).text`, without the index map."""
    return source if source.isascii() else source.translate(_FOLD_TABLE)


def fold(source: str) -> Folded:
    text = fold_text(source)
    if len(text) == len(source):
        # Every character folded to one (no character folds to none): index i comes from i.
        return Folded(text, source, tuple(range(len(source))))
    parts: list[str] = []
    index: list[int] = []
    for i, char in enumerate(source):
        folded = _fold_char(char)
        parts.append(folded)
        index.extend([i] * len(folded))
    return Folded("".join(parts), source, tuple(index))


def key(text: str) -> str:
    """A lookup key: folded, lower case, letters and digits separated by single spaces."""
    folded = fold_text(canonical(text))
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one block of text."""
    return frozenset(text.split())
