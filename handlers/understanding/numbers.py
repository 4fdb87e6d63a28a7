"""Numbers written in words or digits ("trois", "quatre-vingt-dix", "une vingtaine", "1,5").

French number words are read by a small grammar rather than by adding word values, because
the language multiplies as well as adds: « quatre-vingt-dix » is 4 × 20 + 10, not 4 + 20 + 10,
and « deux cent mille » is (2 × 100) × 1000. The reader accepts the traditional spelling, the
1990 one (hyphens everywhere: « deux-cent-vingt-et-un »), spaces for hyphens, and the common
slips (« quatre-vingts-dix », « deux cents cinquante », « vingt-un »). It is checked against
num2words for every number up to 1,000 and a sample to 9,999 (tests/test_understanding_numbers.py).

Why not text2num (allo-media, MIT), which reads these words well: it rewrites a whole sentence
(``alpha2digit``) and so loses the character positions that the parser needs to keep a post
number or a date out of the amounts; its wheel is compiled (Rust), and it leaves « une » and
« deux » as words by design. Reading one span of number words is the small part we need.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

UNITS_WORDS: Final[dict[str, int]] = {
    "zero": 0,
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
# "vingts" is the plural of « quatre-vingts »; written after other tens it is a slip we forgive.
TENS_WORDS: Final[dict[str, int]] = {
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    # Belgian and Swiss French
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
}
HUNDRED_WORDS: Final = frozenset({"cent", "cents"})
THOUSAND_WORDS: Final = frozenset({"mille", "milles"})  # "milles": a common slip
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
    # Issue 10 (tune10): the same in SMS, « une 20aine de pizzas », « 15aine de cartons ».
    **{f"{n}aine": n for n in (10, 12, 15, 20, 30, 40, 50, 60, 100)},
}

# The words that dates.py accepts in « dans trois jours » (no "un"/"une": articles there).
NUMBER_WORDS: Final[dict[str, int]] = {
    **{k: v for k, v in UNITS_WORDS.items() if k not in {"un", "une", "zero"}},
    **TENS_WORDS,
    "cent": 100,
    "mille": 1000,
}

_ALL_WORDS: Final = (*UNITS_WORDS, *TENS_WORDS, *HUNDRED_WORDS, *THOUSAND_WORDS)
_WORD_ALT: Final = "|".join(sorted(_ALL_WORDS, key=len, reverse=True))
NUMBER_WORD_RE: Final = (
    rf"\b(?:{_WORD_ALT})(?:[- ](?:et[- ](?=(?:un|une|onze)\b))?(?:{_WORD_ALT}))*\b"
)
"""One run of number words, as a regex fragment; ``words_value`` says whether it is a number.

"et" may only join "un", "une" or "onze" (« vingt et un », « soixante et onze »), so that
« deux et trois kilos » stays two numbers."""
# Issue 12: a run of number words starts on a whole word (`\b`, then `[- ]` or `\b` after it)
# that is one of these (all letters): where such a run may start is found by one scan.
NUMBER_WORDS_FIRST: Final = frozenset(_ALL_WORDS)

# Issue 10 (tune10b): amounts in English posts (« like ninety tins », « twenty-five meals »).
# « one », « four » (an oven), « ten » are left out: French words or too short to be sure.
EN_UNITS_WORDS: Final[dict[str, int]] = {
    "two": 2,
    "three": 3,
    "five": 5,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
EN_TENS_WORDS: Final[dict[str, int]] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_EN_TAIL: Final = {**EN_UNITS_WORDS, "one": 1, "four": 4, "six": 6}
_EN_ALT: Final = "|".join(sorted((*EN_UNITS_WORDS, *EN_TENS_WORDS), key=len, reverse=True))
_EN_TAIL_ALT: Final = "|".join(sorted(_EN_TAIL, key=len, reverse=True))
_EN_TENS_ALT: Final = "|".join(EN_TENS_WORDS)
EN_NUMBER_WORD_RE: Final = (
    rf"\b(?:(?:{_EN_ALT})[- ]hundred(?:[- ](?:and[- ])?(?:{_EN_ALT}))?"
    rf"|(?:{_EN_TENS_ALT})(?:[- ](?:{_EN_TAIL_ALT}))?|{_EN_ALT})\b"
)
"""A number in English words, as a regex fragment; ``english_words_value`` reads it."""


def english_words_value(text: str) -> float | None:
    """ "ninety" → 90, "twenty-five" → 25, "two hundred and fifty" → 250; None otherwise."""
    tokens = [t for t in re.split(r"[\s-]+", text.strip()) if t and t != "and"]
    value, i = 0, 0
    if len(tokens) > 1 and tokens[1] == "hundred":
        head = EN_UNITS_WORDS.get(tokens[0])
        if head is None:
            return None
        value, i = head * 100, 2
    if i < len(tokens) and tokens[i] in EN_TENS_WORDS:
        value, i = value + EN_TENS_WORDS[tokens[i]], i + 1
        if i < len(tokens) and tokens[i] in _EN_TAIL:
            value, i = value + _EN_TAIL[tokens[i]], i + 1
    elif i < len(tokens) and tokens[i] in EN_UNITS_WORDS:
        value, i = value + EN_UNITS_WORDS[tokens[i]], i + 1
    return float(value) if i == len(tokens) and value else None


_SEPARATORS_RE: Final = re.compile(r"[\s-]+")
_DIGITS_RE: Final = re.compile(r"\d+(?:\.\d+)?")

Tokens = Sequence[str]
Reading = tuple[int, int]  # (value, index of the first token not read)


def _below_20(tokens: Tokens, i: int) -> Reading | None:
    """0–19: a unit word, or « dix-sept », « dix-huit », « dix-neuf »."""
    if i >= len(tokens) or tokens[i] not in UNITS_WORDS:
        return None
    value = UNITS_WORDS[tokens[i]]
    if value == 10 and i + 1 < len(tokens) and tokens[i + 1] in {"sept", "huit", "neuf"}:
        return 10 + UNITS_WORDS[tokens[i + 1]], i + 2
    return value, i + 1


def _tail(tokens: Tokens, i: int, allowed: range) -> Reading | None:
    """What follows a tens word: « et un », « -deux », « -dix-sept » (within ``allowed``)."""
    joined = i < len(tokens) and tokens[i] == "et"
    reading = _below_20(tokens, i + 1 if joined else i)
    if reading is None or reading[0] not in allowed:
        return None
    if joined and reading[0] not in {1, 11}:
        return None
    return reading


def _below_100(tokens: Tokens, i: int) -> Reading | None:
    """0–99, with the vigesimal « soixante-dix » and « quatre-vingt(s)(-dix-neuf) »."""
    if i >= len(tokens):
        return None
    word = tokens[i]
    if word == "quatre" and i + 1 < len(tokens) and tokens[i + 1] in {"vingt", "vingts"}:
        base, i, tail_range = 80, i + 2, range(1, 20)
    elif word in TENS_WORDS:
        base, i = TENS_WORDS[word], i + 1
        tail_range = range(1, 20) if base == 60 else range(1, 10)
    else:
        return _below_20(tokens, i)
    tail = _tail(tokens, i, tail_range)
    return (base + tail[0], tail[1]) if tail else (base, i)


def _below_1000(tokens: Tokens, i: int) -> Reading | None:
    """0–999: « cent », « deux cents », « deux cent cinquante » (« douze cents » too)."""
    return _scaled(tokens, i, HUNDRED_WORDS, 100, _below_100)


def _below_million(tokens: Tokens, i: int) -> Reading | None:
    """0–999,999: « mille », « deux mille », « mille deux cent trente »."""
    return _scaled(tokens, i, THOUSAND_WORDS, 1000, _below_1000)


def _scaled(
    tokens: Tokens,
    i: int,
    scale_words: frozenset[str],
    scale: int,
    below: Callable[[Tokens, int], Reading | None],
) -> Reading | None:
    """[count] SCALE [rest], each part read by `below`: the count is 2 or more, or absent
    (« cent », « mille » alone are one of it)."""
    if i < len(tokens) and tokens[i] in scale_words:
        count = 1
    else:
        head = below(tokens, i)
        if head is None:
            return None
        if head[1] >= len(tokens) or tokens[head[1]] not in scale_words or head[0] < 2:
            return head
        count, i = head[0], head[1]
    rest = below(tokens, i + 1)
    if rest is not None and rest[0] > 0:
        return count * scale + rest[0], rest[1]
    return count * scale, i + 1


def words_value(text: str) -> float | None:
    """ "quatre-vingt-dix" → 90, "deux cents" → 200, "trois" → 3; None unless all of
    ``text`` (folded: lower case, no accents) is one number."""
    tokens = [t for t in _SEPARATORS_RE.split(text.strip()) if t]
    reading = _below_million(tokens, 0)
    if reading is None or reading[1] != len(tokens):
        return None
    return float(reading[0])


def number_value(text: str) -> float | None:
    """Digits ("1,5", "1 200") or words ("trois")."""
    text = text.strip()
    digits = text.replace(" ", "").replace(",", ".")
    if _DIGITS_RE.fullmatch(digits):
        return float(digits)
    value = words_value(text)
    return value if value is not None else english_words_value(text)
