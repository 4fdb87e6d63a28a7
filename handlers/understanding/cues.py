"""The direction of a post (contract: need or offer): weighted asking and giving cues."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Literal

from . import lexicon as lx
from . import prefilter

Direction = Literal["request", "offer"]


# Each cue pattern runs only on a text holding one of the literals its matches start with.
_REQUEST_CUES: Final = prefilter.Cues(lx.REQUEST_RES)
_OFFER_CUES: Final = prefilter.Cues(lx.OFFER_RES)
_SPARE_GATES: Final = prefilter.Gates(pattern for pattern, _ in lx.SPARE_CAPACITY_RES)


def _score(patterns: Iterable[tuple[re.Pattern[str], float]], text: str) -> tuple[float, int, int]:
    """The summed weight of the cues found, where the first starts, and where the heaviest
    starts (the "what" of a post is named near its main cue)."""
    total = 0.0
    first = len(text)
    heaviest, heaviest_at = 0.0, len(text)
    for pattern, weight in patterns:
        for m in pattern.finditer(text):
            total += weight
            first = min(first, m.start())
            if weight > heaviest or (weight == heaviest and m.start() < heaviest_at):
                heaviest, heaviest_at = weight, m.start()
    return total, first, heaviest_at


@dataclass(frozen=True)
class Cues:
    """How strongly a message asks and gives (`lexicon.REQUEST_CUES` / `OFFER_CUES`)."""

    request: float
    offer: float
    request_first: int
    offer_first: int
    request_main: int  # where the heaviest asking cue starts
    offer_main: int
    past_report: bool  # a perfect tense (« vous avez bien reçu ») hid an asking cue
    question_end: bool
    body: str = field(repr=False, compare=False)  # what was read (for `spare_capacity`)

    @functools.cached_property
    def spare_capacity(self) -> bool:
        """« notre camion ne roule pas jeudi »: a resource is offered. Read when first asked
        (issue 12: only an offer asks)."""
        return _SPARE_GATES.any_match(self.body)

    @property
    def strongest(self) -> float:
        return max(self.request, self.offer)

    @property
    def margin(self) -> float:
        return abs(self.request - self.offer)


def _blank(text: str, matches: Iterable[re.Match[str]]) -> str:
    """``text`` with the spans of ``matches`` (in order, not overlapping: one finditer) made
    spaces; the very same string when there are none, so that what was read of it is reused."""
    pieces: list[str] = []
    done = 0
    for m in matches:
        pieces += (text[done : m.start()], " " * (m.end() - m.start()))
        done = m.end()
    return "".join(pieces) + text[done:] if pieces else text


def read_cues(body: str) -> Cues:
    """Another's need (« si une asso a besoin ») gives; a perfect tense (« quelqu'un a vu »)
    neither asks nor gives: both are blanked before the asking cues are read."""
    others = list(prefilter.finditer(lx.OTHERS_NEED_RE, body))
    aux = lx.PERFECT_AUX_RE.search(body) is not None
    perfect = list(prefilter.finditer(lx.PERFECT_RE, body)) if aux else []
    asking = _blank(body, others)
    unblanked = _score(_REQUEST_CUES.runs(asking), asking)
    # Without a perfect tense the text read is the same: so is its score.
    asking = _blank(asking, perfect)
    request, r_first, r_main = _score(_REQUEST_CUES.runs(asking), asking) if perfect else unblanked
    past_report = request < unblanked[0]
    # « si vous avez du rab de pain, on prend »: what another has is not given by the writer.
    theirs = [
        m
        for m in prefilter.finditer(lx.OTHERS_HAVE_RE, body)
        if not any(o.start() <= m.start() < o.end() for o in others)
    ]
    giving = _blank(body, theirs)
    offer, o_first, o_main = _score(_OFFER_CUES.runs(giving), giving)
    if others:
        offer += lx.OTHERS_NEED_WEIGHT * len(others)
        o_first = min(o_first, others[0].start())
        o_main = min(o_main, others[0].start()) if offer <= lx.OTHERS_NEED_WEIGHT else o_main
    question_end = lx.QUESTION_END_RE.search(body) is not None
    if question_end and request > 0:  # only beside another asking cue
        request += lx.QUESTION_END_WEIGHT
    return Cues(request, offer, r_first, o_first, r_main, o_main, past_report, question_end, body)


def read_direction(cues: Cues) -> Direction | None:
    if cues.request <= 0 and cues.offer <= 0:
        return None
    if cues.request > cues.offer:
        return "request"
    if cues.offer > cues.request:
        return "offer"
    return "request" if cues.request_first <= cues.offer_first else "offer"
