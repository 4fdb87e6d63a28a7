"""Numbers written in words or digits ("trois", "une vingtaine", "1,5")."""

from __future__ import annotations

import re
from typing import Final

UNITS_WORDS: Final[dict[str, int]] = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
}
TENS_WORDS: Final[dict[str, int]] = {
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
}
BIG_WORDS: Final[dict[str, int]] = {"cent": 100, "cents": 100, "mille": 1000}
APPROX_WORDS: Final[dict[str, int]] = {
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
    "millier": 1000,
}

NUMBER_WORDS: Final[dict[str, int]] = {
    **{k: v for k, v in UNITS_WORDS.items() if k not in {"un", "une"}},
    **TENS_WORDS,
    "cent": 100,
    "mille": 1000,
}
_SIMPLE = {**UNITS_WORDS, **TENS_WORDS, **BIG_WORDS}
_WORD_SEQ_RE: Final = re.compile(r"[a-z]+")


def words_value(text: str) -> float | None:
    """ "vingt-cinq" → 25, "deux cents" → 200, "trois" → 3; None if not a number."""
    parts = [p for p in _WORD_SEQ_RE.findall(text) if p != "et"]
    if not parts or any(p not in _SIMPLE for p in parts):
        return None
    total = 0
    current = 0
    for p in parts:
        v = _SIMPLE[p]
        if v == 100:
            current = max(current, 1) * 100
        elif v == 1000:
            total += max(current, 1) * 1000
            current = 0
        else:
            current += v
    return float(total + current)


def number_value(text: str) -> float | None:
    """Digits ("1,5", "1 200") or words ("trois")."""
    text = text.strip()
    digits = text.replace(" ", "").replace(",", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", digits):
        return float(digits)
    return words_value(text)


NUMBER_WORD_RE: Final = (
    r"(?:(?:" + "|".join(sorted(TENS_WORDS, key=len, reverse=True)) + r")(?:[- ](?:et[- ])?"
    r"(?:" + "|".join(sorted(UNITS_WORDS, key=len, reverse=True)) + r"))?"
    r"|(?:deux|trois|quatre|cinq|six|sept|huit|neuf)[- ]cents?"
    r"|" + "|".join(sorted(_SIMPLE, key=len, reverse=True)) + ")"
)
