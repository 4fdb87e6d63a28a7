"""The "what" of a post (contract: what): a short label of the goods, as written."""

from __future__ import annotations

import re
from typing import Final

from .mentions import Mention
from .model import RESOURCE_CATEGORIES
from .quantities import COUNT_WORDS
from .text import Folded, word_set

_MERGE_GAP_RE: Final = re.compile(
    r"^(?:\s|,|&|\+|\bet\b|\bou\b|\bde\b|\bd'|\bdu\b|\bdes\b|\ben\b|\bau\b|\baux\b|"
    r"\ba la\b|\bpour\b(?=\s(?:les )?bebes?)|\bles\b)*$"
)

_WHAT_STOP: Final = word_set(
    """
    pour a avant d'ici dans sous au en le la les si svp merci ce cette demain des de du
    d' et ou mais car sur chez vers par avec sans aujourd'hui urgent urgence qui que
    quoi dont lundi mardi mercredi jeudi vendredi samedi dimanche svp stp s'il vous
    plait ! ? . , ; environ max maximum minimum min a asap rapidement vite possible si
    besoin on nous je est sont etre avoir avons ont ai a une un il y dispo disponible
    disponibles tout toute svp plz pls bonjour bjr slt salut hello coucou merci mrc
    """
)
_WHAT_SKIP: Final = word_set(
    """
    de d' du des un une le la les l' quelques plusieurs beaucoup plein environ notre nos
    votre vos leur leurs son sa ses mon ma mes ton ta tes ce cet cette ces encore aussi
    bien tres vraiment urgent urgemment rapidement svp stp
    """
)
_WHAT_AFTER_RE: Final = re.compile(
    r"\b(?:besoins?|cherch\w*|recherch\w*|manque|faudrait|faut|donner|donne|donnons|"
    r"dispo\w*|propos\w*|prete|pretons|trop|surplus|exced\w*|plus|aurait|a|avons|offre|"
    r"offrons|reste|restant|veut)\b"
)


def what_label(f: Folded, mentions: list[Mention], chosen: str | None, start: int) -> str | None:
    """A short label of the goods or resource, as written."""
    text = f.text
    if chosen is not None and mentions:
        group: list[Mention] = []
        resource = chosen in RESOURCE_CATEGORIES
        for m in mentions:
            if m.resource != resource:
                if group:
                    break
                continue
            if group:
                gap = text[group[-1].end : m.start]
                if not _MERGE_GAP_RE.match(gap) or m.end - group[0].start > 60:
                    break
            group.append(m)
            if len(group) >= 4:
                break
        if group:
            first, last = _whole_word(text, group[0].start, group[-1].end)
            label = f.original(first, last).strip(" ,;:")
            return _tidy(label)
    # Nothing in the lexicon: the words after the cue or the amount ("besoin de jouets").
    cue = _WHAT_AFTER_RE.search(text, start)
    pos = cue.end() if cue else start
    words = list(re.finditer(r"[a-z][a-z'-]*|\d+(?:[.,]\d+)?|[^\sa-z\d]", text[pos:]))
    picked: list[re.Match[str]] = []
    for w in words:
        token = w.group(0)
        if not picked:
            if token in _WHAT_SKIP or token[0].isdigit() or token in _UNIT_SKIP:
                continue
            if token in _WHAT_STOP or not token[0].isalpha():
                if token in {"de", "d'"}:
                    continue
                break
            picked.append(w)
            continue
        if token in _WHAT_STOP or not token[0].isalpha() or len(picked) >= 3:
            break
        picked.append(w)
    if not picked:
        return None
    label = f.original(pos + picked[0].start(), pos + picked[-1].end())
    return _tidy(label) if len(label) >= 3 else None


_HYPHENATED_TAIL_RE: Final = re.compile(r"(?:-[a-z]+)+")
_HYPHENATED_HEAD_RE: Final = re.compile(r"(?:[a-z]+-)+$")


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """A span widened to the hyphenated words it cuts (« céleris » in « céleris-raves »)."""
    tail = _HYPHENATED_TAIL_RE.match(text, end)
    head = _HYPHENATED_HEAD_RE.search(text, max(0, start - 30), start)
    return (head.start() if head else start), (tail.end() if tail else end)


_UNIT_SKIP: Final = (
    word_set(
        """
    kg kgs kilo kilos g gr t tonne tonnes l litre litres cl carton cartons cagette
    cagettes palette palettes colis sac sacs x dizaine douzaine quinzaine vingtaine
    trentaine quarantaine cinquantaine soixantaine centaine
    """
    )
    | COUNT_WORDS
)


def _tidy(label: str) -> str:
    label = re.sub(r"\s+", " ", label).strip(" ,;:.!?-()")
    return label[:60]
