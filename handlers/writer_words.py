"""The writer's own words under a relay: what the parsed fields cannot carry.

« avant 18h au 3 rue des Lilas, sonner au portail » has no field; relayed as the structured
headline alone, it would never reach anyone. So a relay shows the headline and, under it, what
the writer typed (without the `/besoin` in front), shortened past `WORDS_LENGTH` at a word.
When those words add nothing to the headline (« /don 20 kg de pommes »), they are left out.
"""

from __future__ import annotations

import re
import unicodedata

# About two lines on a phone, like a tweet: long enough for an address and a time, short
# enough that a relay stays a glance. Past it, the text is cut at a word, with « … ».
WORDS_LENGTH = 280
ELLIPSIS = "…"
# Words that carry nothing once the headline is shown (articles, « pour », the kind itself).
SMALL_WORDS = frozenset(
    {
        *("de", "du", "des", "d", "le", "la", "les", "l", "un", "une", "pour", "a", "au"),
        *("aux", "et", "en", "on", "nous", "il", "y", "avons", "ya"),
        *("besoin", "don", "dons", "surplus", "materiel", "urgent", "sos", "need", "offer"),
    }
)


def writer_words(original: str, headline: str, limit: int = WORDS_LENGTH) -> str:
    """What to show under the headline: the writer's text, one line, at most `limit`
    characters; "" when it says nothing the headline does not."""
    words = " ".join(without_command(original).split())
    if not words or adds_nothing(words, headline):
        return ""
    return shorten(words, limit)


def without_command(original: str) -> str:
    """« /besoin@boucle_bot 30 kg de riz » → « 30 kg de riz »; free text as is."""
    stripped = original.strip()
    if not stripped.startswith("/"):
        return stripped
    _command, _, rest = stripped.partition(" ")
    if "\n" in _command:  # « /don\ndes yaourts »: the command alone on its line
        _command, _, more = _command.partition("\n")
        rest = f"{more} {rest}"
    return rest.strip()


def adds_nothing(words: str, headline: str) -> bool:
    """Every meaningful word of the writer's text is already in the headline."""
    said = set(tokens(words)) - SMALL_WORDS
    return said <= set(tokens(headline))


def tokens(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", plain)


def shorten(text: str, limit: int) -> str:
    """`text` when it fits; else cut at the last space before `limit`, with « … »."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - len(ELLIPSIS) + 1)
    head = text[:cut] if cut > limit // 2 else text[: limit - len(ELLIPSIS)]
    return head.rstrip(" ,;:.-—") + ELLIPSIS
