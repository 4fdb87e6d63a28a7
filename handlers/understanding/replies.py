"""Is a message the answer to the one question we asked, or something else said meanwhile?

After « Qu'est-ce qui est à donner exactement ? » a volunteer may answer, but may as well take
an offer they just saw (« je prends le 1 »), thank someone, greet, or ask a question. Those are
never answers: publishing them would send « merci » to the whole network. Pure functions of
(text, now, gazetteer), like the rest of this package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from .acts import is_question
from .gazetteer import Gazetteer
from .model import Understanding
from .parser import understand
from .text import fold, readable, word_set

ReplyKind = Literal[
    "action",  # a claim, a done or a cancel on a numbered post (« je prends le 1 »)
    "list",  # « qu'est-ce qu'il y a comme offres »
    "help",  # « je comprends pas »
    "question",  # « comment on fait ? », « c'est quoi le 2 ? »
    "thanks",  # « merci beaucoup 🙏 »
    "greeting",  # « salut à tous »
    "signs",  # emojis or punctuation only (« 👍 », « ... »)
    "answer",  # anything else: to be checked against what was asked
]


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    understood: Understanding  # the message read alone, as a new message would be
    post_ref: int | None = None  # the post a question is about (« c'est quoi le 2 ? »)


_THANKS_RE: Final = re.compile(r"^(?:merci\w*|mrc|mci|thanks?|thx|remerci\w*)$")
_GREETING_WORDS: Final = word_set("bonjour bonsoir salut coucou hello bjr slt hey re yo")
# Words that go with thanks or greetings and carry nothing else (« merci beaucoup à tous »).
_SMALL_TALK: Final = word_set(
    """
    beaucoup bcp mille grand gros enorme infiniment encore bien vraiment tres trop vous toi
    a tous toutes tout le la les monde l'equipe equipe amis ami collegues gens ok super top
    parfait genial cool nickel bonne belle journee soiree semaine et pour c'est cordialement
    bises a+ ++ oui ah oh
    """
)
# « je sais pas » is how people answer a question they cannot answer, not a call for help.
_DONT_KNOW_RE: Final = re.compile(r"\b(?:je |j')?(?:ne |n')?(?:sais|sait|connais) (?:pas|plus)\b")
_POST_REF_RE: Final = re.compile(
    r"(?:\b(?:le|la|l'|du|au|annonce|offre|demande|post|n°|no|numero)\s?|#\s?)(\d{1,6})\b"
)
# A label made only of these does not say what is given or needed (« ok », « des trucs »).
_VAGUE: Final = word_set(
    """
    ok okay oui ouais ouai non nan euh heu hum hmm bah ben bof beh ah oh d'accord daccord dac
    truc trucs machin machins chose choses bidule bidules divers diverses autre autres
    rien aucun aucune pareil meme voila comme d'habitude habitude la-bas ca cela ceci tout
    sais pas plus je voir verra verrai
    """
)

# A reply opening on a negation names nothing given or needed.
_NEGATED_RE: Final = re.compile(r"^\W*(?:aucun|aucune|pas|rien|nul|nulle|jamais|personne)\b")

_SUBJECT_RE: Final = re.compile(
    r"^\W*(?:(?:je|on|nous|vous|il|elle|ils|elles|c'est|c'etait|ca|cela|moi|tu)\b|j'|t')"
)


def read_reply(text: str, now: datetime, gazetteer: Gazetteer, tz: str = "Europe/Paris") -> Reply:
    """What a message written while a question waits is. Never raises."""
    understood = understand(text, now, gazetteer, tz)
    folded = fold(readable(text)).text
    words = re.findall(r"[a-z0-9][a-z0-9'+-]*", folded)
    if not words:
        return Reply("signs", understood)
    if understood.intent in ("claim", "done", "cancel") and understood.post_ref is not None:
        return Reply("action", understood)
    if understood.intent == "list":
        return Reply("list", understood)
    if understood.intent == "help" and not _DONT_KNOW_RE.search(folded):
        return Reply("help", understood)
    if is_question(folded):
        ref = _POST_REF_RE.search(folded)
        return Reply("question", understood, int(ref.group(1)) if ref else None)
    if all(_small(word) for word in words):
        if any(_THANKS_RE.match(word) for word in words):
            return Reply("thanks", understood)
        if any(word in _GREETING_WORDS for word in words):
            return Reply("greeting", understood)
    return Reply("answer", understood)


def names_goods(text: str, now: datetime, gazetteer: Gazetteer, tz: str = "Europe/Paris") -> bool:
    """Does the text say what is given or needed (« des pâtes », « des jouets »), as opposed
    to « ok », « 12 » or « des trucs »? Read as the words after a posting command."""
    folded = fold(readable(text)).text
    if _NEGATED_RE.match(folded):
        return False  # « aucune idée », « pas de réponse »: what follows is not given
    read = understand(f"/don {text}", now, gazetteer, tz)
    label = read.what
    if label is None:
        return False
    if read.category in (None, "autre") and _SUBJECT_RE.match(folded):
        # No known goods, and a sentence about someone (« je demande à mon collègue »,
        # « c'est noté »): words of the conversation, not a label.
        return False
    return any(word not in _VAGUE for word in re.findall(r"[a-z][a-z'-]*", fold(label).text))


def _small(word: str) -> bool:
    return bool(_THANKS_RE.match(word)) or word in _GREETING_WORDS or word in _SMALL_TALK
