"""Post references and actions on them in free text (contract: claim, done, cancel):
a post number, and whether a claim, done or cancel verb acts on it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from . import acts, prefilter
from . import lexicon as lx
from .model import Intent
from .numbers import NUMBER_WORD_RE, words_value
from .text import Folded

# -- post references -----------------------------------------------------------------------
UNIT_OR_MONTH = (
    r"\s?(?:kg|kgs|kilos?|g|gr|t|tonnes?|l|litres?|cl|cartons?|palettes?|cagettes?|colis|"
    r"repas|pieces?|unites?|sacs?|boites?|bouteilles?|benevoles?|personnes?|h|heures?|%|€|"
    r"euros?|x|jours?|semaines?|" + lx.MONTHS_WORDS + r")\b"
)
# Issue 10 (tune10b): « notre proposition 305 », formal for « notre offre 305 ».
_EXPLICIT_REF_RE: Final = re.compile(
    r"(?:\b(?:annonce|post|offre|publication|demande|proposition)s?\s?(?:n°|no|numero|num|#|n\s)?\s?"
    # « n° 101 » reads « n  101 » once « ° » is folded away
    r"|\b(?:n°|numero|num|ref|number)\s?|#\s?|\bno\s|\bn\s\s?)(\d{1,6})\b(?![.,]\d)"
    rf"(?!{UNIT_OR_MONTH})"  # "on offre 4 cagettes": an amount, not post 4
)
_IMPLICIT_REF_RE: Final = re.compile(
    r"\b(?:le|la|du|l'|de l'|pour le|sur le|au|the)\s?(\d{1,6})\b(?![.,/:-]?\d)"
    rf"(?!{UNIT_OR_MONTH})"
)
_BARE_REF_RE: Final = re.compile(rf"(?<![\d,./:])(\d{{1,6}})\b(?![.,/:-]?\d)(?!{UNIT_OR_MONTH})")
_PRESENT_RECUP_RE: Final = re.compile(r"récupère|recupère|récupérons|recuperons")


@dataclass(frozen=True)
class _Ref:
    """A post number found in free text, and how sure it is to be one."""

    value: int
    start: int
    end: int
    kind: Literal["explicit", "implicit", "bare"]  # « annonce 12 » / « le 12 » / « 12 »


# « l'annonce douze », « le vingt-trois », « la numéro soixante et onze »: a post in words.
_WORD_REF_RE: Final = re.compile(
    r"(?:\b(?:annonce|post|offre|publication|demande)s?\s?(?:n°|no|numero|num)?\s?"
    r"|\b(?:n°|numero|num)\s?|\b(?:le|la|du|l'|pour le|sur le|au)\s?)"
    rf"({NUMBER_WORD_RE})(?!{UNIT_OR_MONTH})(?!-)"
)


_ARTICLE_RE: Final = re.compile(r"(?:le|la|du|l'|pour le|sur le|au)\b")


def _refs(text: str, start: int) -> list[_Ref]:
    """Post numbers, the surest kinds first; a number that reads as a day (« avant le 12 »,
    « jeudi 12 », « le 12 à 10h ») is not one unless a post word names it."""
    refs: list[_Ref] = []
    patterns: tuple[tuple[re.Pattern[str], Literal["explicit", "implicit", "bare"]], ...] = (
        (_EXPLICIT_REF_RE, "explicit"),
        (_IMPLICIT_REF_RE, "implicit"),
        (_BARE_REF_RE, "bare"),
    )
    for pattern, kind in patterns:
        for m in prefilter.finditer(pattern, text, start):
            s, e = m.start(1), m.end(1)
            if any(r.start == s for r in refs):
                continue
            if kind != "explicit" and _reads_as_day(text, s, e):
                continue
            refs.append(_Ref(int(m.group(1)), s, e, kind))
    for m in prefilter.finditer(_WORD_REF_RE, text, start):
        value = words_value(m.group(1))
        if value is None or value < 1 or m.group(1) in {"un", "une"}:
            continue
        explicit = not _ARTICLE_RE.match(m.group(0))  # « annonce douze », not « le douze »
        if not explicit and _reads_as_day(text, m.start(1), m.end(1)):
            continue
        refs.append(_Ref(int(value), m.start(1), m.end(1), "explicit" if explicit else "implicit"))
    order = {"explicit": 0, "implicit": 1, "bare": 2}
    return sorted(refs, key=lambda r: (order[r.kind], r.start))


# Issue 10 (tune10): « du 7 au 11 décembre », « fermé du 3 au 24 août », « libre du 21 au 4 »:
# both ends of a range of days are days, not post numbers.
_RANGE_START_RE: Final = re.compile(r"(?:er)?\s?(?:au|a|-|jusqu'au)\s?\d{1,2}(?:er)?\b(?![.,]\d)")
_RANGE_END_RE: Final = re.compile(r"\b(?:du|le|des)\s\d{1,2}(?:er)?\s?(?:au|a|-|jusqu'au)\s?$")


def _reads_as_day(text: str, start: int, end: int) -> bool:
    return bool(
        acts.DATE_BEFORE_RE.search(text[max(0, start - 20) : start])
        or acts.DATE_AFTER_RE.match(text[end : end + 12])
        or _RANGE_START_RE.match(text, end, end + 16)
        or _RANGE_END_RE.search(text, max(0, start - 20), start)
    )


def read_action(
    f: Folded,
    start: int,
    direction_strength: float | Callable[[], float],
    search: Callable[[re.Pattern[str], str], re.Match[str] | None] = prefilter.search,
) -> tuple[Intent, int | None, tuple[int, int] | None] | None:
    """claim / done / cancel read from free text, with the post they are about.

    A verb of the action and a post number make an action. When the message also reads as a
    post (a strong asking or giving cue), only a firm verb (« on le prendrait », « on retire
    le 20 ») or a number a post word names (« l'offre 27 ») keeps it an action."""
    text = f.text
    body = text[start:]
    # Each verb list runs only where one of its words occurs (``search``: `prefilter.search`,
    # or the parser's, which keeps what it found for its later rules: issue 12).
    cancel = search(lx.CANCEL_RE, body) or search(acts.CANCEL_MORE_RE, body)
    firm_claim = search(acts.CLAIM_FIRM_RE, body)
    claim = search(lx.CLAIM_RE, body) or firm_claim or search(acts.CLAIM_SOFT_RE, body)
    done_found = _done_verbs(body)
    if not (cancel or claim or done_found):
        return None  # no verb of an action: its post number is not looked for (issue 12)
    refs = _refs(text, start)
    ref = refs[0] if refs else None
    named = ref is not None and ref.kind != "bare"
    words = len(body.split())
    done = _done_verb(done_found, ref, start)
    if callable(direction_strength):  # asked only now (issue 12: the cues cost a reading)
        direction_strength = direction_strength()
    if (
        done
        and done.group(0) == "recupere"
        and _PRESENT_RECUP_RE.search(f.original(start + done.start(), start + done.end()))
    ):
        done = None
    explicit = ref is not None and ref.kind == "explicit"
    post_like = direction_strength >= 3 and not explicit
    firm = named and not (direction_strength >= 3 and ref is not None and ref.kind == "bare")
    if done and ref and ref.kind == "bare" and _next_to(ref, done, start) and not post_like:
        return _with_ref("done", ref)  # « 150 enlevé, c'est bon pour nous »: a report first
    if cancel and (ref or words <= 5) and (not post_like or (firm and _first_person(body))):
        return _with_ref("cancel", ref)
    if claim and (ref or words <= 4) and (not post_like or (firm and firm_claim)):
        return _with_ref("claim", ref)
    if done and ref and not post_like and (named or _next_to(ref, done, start)):
        return _with_ref("done", ref)
    if (
        done
        and words <= 3
        and not post_like
        and done.re is lx.DONE_RE  # « merci, bien reçu » acknowledges a message
        and done.group(0) not in {"faite", "faites", "livre"}
    ):
        return _with_ref("done", None)
    return None


_FIRST_PERSON_RE: Final = re.compile(r"\b(?:je|j'|on|nous|notre|ma|mon|nos|mes)\b")


def _first_person(body: str) -> bool:
    """The writer speaks of their own post (« on retire le 20 »), as only its author can."""
    return bool(_FIRST_PERSON_RE.search(body))


def _done_verbs(body: str) -> list[re.Match[str]]:
    """The done verbs found in ``body``, the first of each list."""
    return [m for r in (lx.DONE_RE, acts.DONE_MORE_RE) if (m := prefilter.search(r, body))]


def _done_verb(found: list[re.Match[str]], ref: _Ref | None, start: int) -> re.Match[str] | None:
    """The done verb; of several, the one right after a bare post number (« 150 enlevé,
    c'est bon pour nous »: « enlevé » reports post 150, « c'est bon » only agrees)."""
    beside = [m for m in found if ref is not None and _next_to(ref, m, start)]
    chosen = beside or found
    return chosen[0] if chosen else None


def _next_to(ref: _Ref, verb: re.Match[str], start: int) -> bool:
    """A bare number is a post only right before the verb (« 21 récupéré »), not « partis,
    240 familles servies »."""
    return ref.end <= start + verb.start() <= ref.end + 3


def _with_ref(
    intent: Intent, ref: _Ref | None
) -> tuple[Intent, int | None, tuple[int, int] | None]:
    if ref is None:
        return intent, None, None
    return intent, ref.value, (ref.start, ref.end)


def post_number(f: Folded, start: int, named: bool = False) -> tuple[int, tuple[int, int]] | None:
    """The surest post number of folded text from ``start`` (« annonce 12 », « le 12 », then a
    bare number), and its span: for a claim, done or cancel the rules did not read (the learned
    intent signal read it). ``named``: only a number a post word or an article names, never a
    bare one (« 12 » alone may answer a question)."""
    found = _refs(f.text, start)
    refs = [r for r in found if r.kind != "bare"] or ([] if named else found)
    if not refs:
        return None
    return refs[0].value, (refs[0].start, refs[0].end)
