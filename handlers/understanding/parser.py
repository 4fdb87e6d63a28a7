"""Reading one message: ``understand(text, now, gazetteer)`` → :class:`Understanding`.

A short pipeline over the folded text (lower case, no accents), in the contract's order:
1. normalise, put a greeting aside, read a leading command (words from ``vocabulary.py``);
2. the intent: the first of :data:`INTENT_RULES` that reads one — a command's action on a post,
   list or help, or post direction; then, without a command, a how-to question (help, before
   any action), an action on a post (a claim, done or cancel verb with a post number), a list
   or help question, chat (``acts.looks_like_chat``), and the direction of a post from
   weighted cue words, its family (food or shared resource) from what is named first;
3. category and the "what"; dates (``dates.DATE_RULES``), amounts and the commune, each read
   outside the spans already used (a post number is not a quantity, a date is not a post
   number); urgency and cold chain; the confidence.

What is named is read in ``mentions.py``, the cues in ``cues.py``, post numbers and actions on
them in ``refs.py``, the "what" in ``labels.py``, the post's amount in ``amounts_chosen.py``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Final, Literal
from zoneinfo import ZoneInfo

from . import acts, prefilter, vocabulary
from . import intent_model as im
from . import lexicon as lx
from .amounts_chosen import amount_for
from .cues import Cues, Direction, read_cues, read_direction
from .dates import STREET_WORDS, DateHit, find_dates
from .gazetteer import Gazetteer
from .labels import what_label
from .mentions import Mention, find_mentions, food_category, resource_category
from .model import CERTAIN, Intent, Understanding
from .quantities import Amount, find_amounts
from .refs import UNIT_OR_MONTH, post_number, read_action
from .text import Folded, fold, readable


# -- commands (words from vocabulary.py) ---------------------------------------------------
def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# Without a slash (WhatsApp), only these shapes open a command: an action on a post number,
# a post word followed by the goods (not « don de », which the free reading takes), or a
# list / help word alone.
_BARE_COMMAND_RE: Final = re.compile(
    rf"^(?:({_alternation(vocabulary.bare_words('post_number'))})\s#?\d{{1,6}}\b"
    rf"|({_alternation(vocabulary.post_heads())})\b(?!\s(?:de|d'|d|du|des|urgent)\b)(?!\s?:?\s?$)"
    rf"|({_alternation(vocabulary.bare_words('alone'))})\W*$)"
)
_SLASH_RE: Final = re.compile(r"^/([a-z]+)(?:@\w+)?\b")


_GREETING_RE: Final = re.compile(r"^(?:bonjour|bjr|salut|slt|hello|coucou|bonsoir|hey)\b[ ,!.]*")


@dataclass(frozen=True)
class _Command:
    kind: str  # request, urgent, offer, equipment, claim, done, cancel, list, help
    end: int  # where the command's arguments start


def _command(text: str) -> _Command | None:
    m = _SLASH_RE.match(text)
    if m:
        if vocabulary.listed_when_alone(text):
            return _Command("list", m.end())
        return _Command(vocabulary.reading_of(m.group(1)) or "unknown", m.end())
    m = _BARE_COMMAND_RE.match(text)
    if m:
        word = m.group(1) or m.group(2) or m.group(3)
        return _Command(vocabulary.reading_of(word) or "unknown", len(word))
    return None


def _urgent(text: str) -> bool:
    m = prefilter.search(lx.URGENT_RE, text)
    if not m:
        return False
    for m in lx.URGENT_RE.finditer(text):
        window = text[max(0, m.start() - 16) : m.end()]
        if not lx.NOT_URGENT_RE.search(window):
            return True
    return False


def _cold(text: str, category: str | None) -> bool:
    if category in lx.COLD_CATEGORIES:
        # « lait UHT…, pas besoin de froid »: the writer says these goods keep without it.
        return lx.NO_COLD_NEEDED_RE.search(text) is None
    for m in prefilter.finditer(lx.COLD_WORDS_RE, text):
        word = m.group(0)
        after = text[m.end() : m.end() + 6]
        if word == "frais" and (
            after.startswith((" de ", " d'"))
            or text[max(0, m.start() - 5) : m.start()].endswith(("nos ", "vos ", "mes ", "les "))
        ):
            continue
        window = text[max(0, m.start() - 22) : m.end()]
        if lx.NOT_COLD_RE.search(window):
            continue
        return True
    return False


# « au 3 rue de Narbonne », « 12 avenue de la Mer »: an address's street is named after
# a place that is not where the post is; its words are kept from the commune search.
_ADDRESS_RE: Final = re.compile(
    rf"\b\d{{1,4}}\s?(?:bis|ter)?\s?,?\s?{STREET_WORDS}\b"
    r"(?:\s(?!(?:a|au|sur|pour|avant|apres|et|ou|vers|pres|des|de|du|la|le)\b(?!\s\w))"
    r"(?!(?:a|au|sur|pour|avant|apres|et|ou|vers|pres)\b)[a-z'-]+){1,5}"
)


def _addresses(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _ADDRESS_RE.finditer(text)]


_POSTAL_CODE_RE: Final = re.compile(r"(?:0[1-9]|[1-8]\d|9[0-8])\d{3}\b")


def _amount_spans(text: str, amounts: list[Amount], gazetteer: Gazetteer) -> list[tuple[int, int]]:
    """Amounts are no commune (« 3 palettes »), but « 11000 Carcassonne » is a postal code
    and its commune, read as 11,000 of a thing the lexicon does not know."""
    return [
        (a.start, a.end)
        for a in amounts
        if not (
            a.unit == "unite"
            and _POSTAL_CODE_RE.match(text, a.start)
            and gazetteer.find(text[a.start : a.end]) is not None
        )
    ]


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(max(0, s), min(len(chars), e)):
            chars[i] = " "
    return "".join(chars)


def _deadline(hits: list[DateHit]) -> tuple[date | None, Literal["dlc", "ddm"] | None, str | None]:
    # What already happened (« récupéré hier ») says when the goods came, not by when.
    valid = [h for h in hits if h.value is not None and not h.past]
    # A time of day is today's only when no other day is said; a use-by date is no such day
    # (« DLC 10/01, à prendre avant 18h »: today, before 18h).
    strong = [h for h in valid if not h.weak] or valid
    if all(h.kind is not None for h in strong):
        strong = valid
    invalid = next((h.text for h in hits if h.value is None), None)
    if not strong:
        return None, None, invalid
    best = min(strong, key=lambda h: (h.value, h.kind is None))
    return best.value, best.kind, invalid


def _local_now(now: datetime, tz: str) -> datetime:
    try:
        zone = ZoneInfo(tz)
    except Exception:  # an unknown zone name: read in the network's default
        zone = ZoneInfo("Europe/Paris")
    if now.tzinfo is None:
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


def understand(
    text: str, now: datetime, gazetteer: Gazetteer, tz: str = "Europe/Paris"
) -> Understanding:
    """What a message says. Pure and deterministic; never raises."""
    try:
        return _understand(text, now, gazetteer, tz)
    except Exception:  # a bug must not take a conversation down: read it as chat
        return Understanding(intent="unknown")


@dataclass(frozen=True)
class _Message:
    """A message normalised, its command (if any) and what every later rule reads."""

    folded: Folded
    args_start: int  # after a greeting and the command: where the message's own words start
    command: _Command | None
    mentions: list[Mention]
    # `_confidence` of a reading, kept once computed (the learned signal asks it first)
    confidences: dict[tuple[str, bool], tuple[float, tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # `search` of each pattern in the body, kept: several rules test the same words (issue 12)
    searched: dict[int, re.Match[str] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def search(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """``prefilter.search(pattern, self.body)``, run once per message."""
        key = id(pattern)
        found = self.searched.get(key, _NOT_SEARCHED)
        if found is _NOT_SEARCHED:
            found = self.searched[key] = prefilter.search(pattern, self.body)
        return found  # type: ignore[return-value]

    def search_in(self, pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
        """``prefilter.search``, kept when ``text`` is the body (`read_action` reads it)."""
        return self.search(pattern) if text == self.body else prefilter.search(pattern, text)

    @functools.cached_property
    def cues(self) -> Cues:
        """The asking and giving cues of the body, read when a rule first asks (issue 12: a
        command, a how-to or a list question never needs them)."""
        return read_cues(self.body)

    @property
    def text(self) -> str:
        return self.folded.text

    @functools.cached_property
    def body(self) -> str:
        return self.folded.text[self.args_start :]

    @property
    def cue(self) -> float:
        return self.cues.strongest

    @property
    def commanded(self) -> bool:
        """Written as a known command (`/besoin`, `don 4 cagettes`): it says what it is."""
        return self.command is not None and self.command.kind != "unknown"


# A pattern not searched yet in `_Message.searched` (only compared by identity).
_NOT_SEARCHED: Final = object()


@dataclass(frozen=True)
class _IntentReading:
    intent: Intent
    post_ref: int | None = None
    ref_span: tuple[int, int] | None = None
    urgent: bool = False  # said by the command (/urgent)


def _read_message(text: str) -> _Message:
    folded = fold(readable(text if isinstance(text, str) else str(text)))
    greet = _GREETING_RE.match(folded.text)
    body_start = greet.end() if greet else 0
    command = _command(folded.text[body_start:])
    args_start = body_start + command.end if command else body_start
    return _Message(folded, args_start, command, find_mentions(folded, args_start))


# -- the intent: the first rule that reads one, in the contract's order --------------------


def _commanded_action(msg: _Message) -> _IntentReading | None:
    """`/prendre 12`, `fait 12`, `/annuler 4`: the intent, and the post number after it."""
    kind = msg.command.kind if msg.command else None
    if kind not in {"claim", "done", "cancel"}:
        return None
    intent: Intent = "claim" if kind == "claim" else "done" if kind == "done" else "cancel"
    m = re.search(r"#?\s?(\d{1,6})\b(?![.,]\d)", msg.body)
    if m is None or re.match(UNIT_OR_MONTH, msg.body[m.end() :]):
        return _IntentReading(intent)
    span = (msg.args_start + m.start(1), msg.args_start + m.end(1))
    return _IntentReading(intent, int(m.group(1)), span)


def _commanded_question(msg: _Message) -> _IntentReading | None:
    kind = msg.command.kind if msg.command else None
    if kind == "list":
        return _IntentReading("list")
    return _IntentReading("help") if kind == "help" else None


def _commanded_post(msg: _Message) -> _IntentReading | None:
    """`/besoin`, `/urgent`, `/don`, `/materiel`: the direction; the family from what is named."""
    kind = msg.command.kind if msg.command else None
    if kind not in {"request", "urgent", "offer", "equipment"}:
        return None
    wants: Direction
    if kind == "equipment":
        wants = "offer" if msg.cues.offer > msg.cues.request else "request"
    else:
        wants = "offer" if kind == "offer" else "request"
    intent = _family(wants, msg.mentions, forced_resource=kind == "equipment")
    return _IntentReading(intent, urgent=kind == "urgent")


def _free_action(msg: _Message) -> _IntentReading | None:
    """« je prends le 12 », « 21 récupéré », « annule le 4 » (no command)."""
    if msg.command is not None and msg.command.kind != "unknown":
        return None
    action = read_action(msg.folded, msg.args_start, lambda: msg.cue, msg.search_in)
    return _IntentReading(*action) if action is not None else None


def _free_how_to(msg: _Message) -> _IntentReading | None:
    """« comment je mets une offre ? », « comment on fait pour le 12 ? »: help, before any
    action, so that a question about a post never acts on it."""
    if msg.command is not None and msg.command.kind != "unknown":
        return None
    return _IntentReading("help") if acts.asks_how(msg.body) else None


def _free_question(msg: _Message) -> _IntentReading | None:
    """« qu'est-ce qu'il y a ? », « les besoins du moment ? » is a list, « comment ça
    marche ? » help."""
    if msg.command is not None and msg.command.kind != "unknown":
        return None
    if msg.search(lx.LIST_RE) or acts.asks_what_is_open(msg.body):
        return _IntentReading("list")
    if msg.search(lx.HELP_RE):
        return _IntentReading("help")
    return None


def _free_chat(msg: _Message) -> _IntentReading | None:
    """Thanks, a question to a person, a report (« vous avez bien reçu les pâtes ? »): chat,
    unless a firm asking or giving cue says it is a post all the same."""
    if msg.command is not None and msg.command.kind != "unknown":
        return None
    if not acts.looks_like_chat(msg.body):
        return None
    if acts.is_question(msg.body) or msg.cue < _FIRM_CUE:
        return _IntentReading("unknown")
    return None


# A cue this strong (« besoin de », « à donner ») is a post even in a chatty message.
_FIRM_CUE: Final = 3.0


def _free_post(msg: _Message) -> _IntentReading | None:
    """The direction from weighted cues, the family from what is named at the main cue; a
    weak cue naming nothing the lexicon knows is chat, and so is a question for information
    (« quelqu'un a le numéro de… ? », « savez-vous si… »)."""
    if msg.command is not None and msg.command.kind != "unknown":
        return None
    direction = read_direction(msg.cues)
    if direction is None or _asks_for_information(msg):
        return None
    if msg.search(lx.THANKS_RE) and msg.cue < _THANKS_OUTWEIGHED:
        return None  # « merci pour le prêt du camion »: thanks for what happened
    if msg.search(lx.ASKS_NOTHING_RE):
        return None  # « on n'a besoin de rien, c'était juste pour info »
    main = msg.cues.request_main if direction == "request" else msg.cues.offer_main
    spare = direction == "offer" and msg.cues.spare_capacity
    at = msg.args_start + main
    resource_first = spare or _resource_serves_goods(msg)
    intent = _family(direction, msg.mentions, forced_resource=False, at=at, spare=resource_first)
    # A weak cue naming nothing, or only what broke (« le VF est tombé en panne »): chat.
    if msg.cue < 2 and all(m.context for m in msg.mentions):
        return None
    return _IntentReading(intent)


def _resource_serves_goods(msg: _Message) -> bool:
    """The contract's rule 3: a resource named first, then goods after « pour » (« place au
    congélateur pour vos sorbets », « conserverie pour 200 kg de pommes »): the goods are what
    the resource will hold or carry, and the post is about the resource."""
    first = next((m for m in msg.mentions if not m.context), None)
    if first is None or not first.resource:
        return False
    goods = next((m for m in msg.mentions if not m.resource and m.start > first.end), None)
    if goods is None:
        return False
    between = msg.text[first.end : goods.start]
    # Within one short clause: « moins de bénévoles… L'épicerie est à sec en produits pour le
    # petit déjeuner » names the goods for another reason, sentences later.
    return (
        " pour " in between and len(between) <= _SERVES_GAP and not _CLAUSE_END_RE.search(between)
    )


_SERVES_GAP: Final = 60
_CLAUSE_END_RE: Final = re.compile(r"[.!?;:]")


# Thanks carry a post only beside a clear cue (« merci d'avance » aside, which is not thanks).
_THANKS_OUTWEIGHED: Final = 3.0


def _asks_for_information(msg: _Message) -> bool:
    return bool(msg.search(lx.INFO_QUESTION_RE)) and bool(msg.search(lx.QUESTION_FORM_RE))


INTENT_RULES: Final[tuple[Callable[[_Message], _IntentReading | None], ...]] = (
    _commanded_action,
    _commanded_question,
    _commanded_post,
    _free_how_to,
    _free_action,
    _free_question,
    _free_chat,
    _free_post,
)


def _intent(msg: _Message) -> _IntentReading:
    for rule in INTENT_RULES:
        reading = rule(msg)
        if reading is not None:
            return reading
    return _IntentReading("unknown")


# -- the learned intent signal (intent_model.py; docs/understanding.md) ---------------------


@dataclass(frozen=True)
class LearnedPolicy:
    """How the learned intent signal is combined with the rules. Free text only: a command is
    never read by the model, nor a reading the rules are sure of that is not a post (a
    question, a claim, done or cancel). Values chosen by cross-validation on the development
    files (``bench/intent_cv.py simulate``; docs/benchmarks.md)."""

    # The model's intent replaces an unknown rule reading when its probability is at least
    # this, and a post reading that is not certain at least ``override_post``.
    override: float = 0.6
    override_post: float = 0.6
    # An unsure post reading is replaced only when the model gives it less than this.
    keep_above: float = 0.1
    # ... and replaces any rule reading at least this (above 1: never).
    override_firm: float = 1.01
    # The model's claim, done or cancel (which acts on a post at once, with no confirmation)
    # needs at least this, and a post number named in the message (« l'annonce 12 », « le
    # 12 », not « 12 » alone, which may answer a question).
    override_action: float = 0.5
    # A certain post reading to which the model gives less than this is no longer certain:
    # its writer confirms it before it is published.
    doubt_below: float = 0.3

    def with_changes(self, spec: str) -> LearnedPolicy:
        """``"override=0.7,doubt_below=0.5"`` → a copy with those values (for the bench)."""
        pairs = (item.split("=") for item in spec.split(",") if item)
        return replace(self, **{k.strip(): float(v) for k, v in pairs})


# None: the rules alone.
LEARNED: LearnedPolicy | None = LearnedPolicy()

ACTIONS: Final = frozenset({"claim", "done", "cancel"})


def combine_intent(
    rule_intent: str,
    rule_certain: bool,
    scores: dict[Intent, float],
    policy: LearnedPolicy,
    post_number_found: bool = True,
) -> tuple[Intent, bool]:
    """The intent, and whether the model doubts a post reading (then it is not certain). A
    post the model read where the rules did not is always confirmed by its writer; a claim,
    done or cancel it read needs a post number in the message (``post_number_found``)."""
    best = max(scores, key=lambda k: scores[k])
    if rule_intent == "unknown":
        needed = policy.override
    elif rule_intent in POST_INTENTS and not rule_certain:
        kept = scores.get(rule_intent, 0.0) >= policy.keep_above  # type: ignore[call-overload]
        needed = policy.override_firm if kept else policy.override_post
    else:
        needed = policy.override_firm
    if best in ACTIONS:
        needed = max(needed, policy.override_action) if post_number_found else 2.0
    if best != rule_intent and scores[best] >= min(needed, policy.override_firm):
        return best, best in POST_INTENTS
    doubt = rule_intent in POST_INTENTS and scores.get(rule_intent, 0.0) < policy.doubt_below  # type: ignore[call-overload]
    return rule_intent, doubt  # type: ignore[return-value]


def _learned(
    msg: _Message, reading: _IntentReading, policy: LearnedPolicy
) -> tuple[_IntentReading, bool]:
    """The rules' reading, or the model's where the policy lets it decide; and whether the
    model doubts a post reading."""
    if (
        reading.intent not in POST_INTENTS
        and reading.intent != "unknown"
        and policy.override_firm > 1
    ):
        return reading, False  # a sure reading that is not a post: nothing the model may change
    certain = False
    if reading.intent in POST_INTENTS:
        confidence, guessed = _confidence(reading.intent, msg)
        certain = confidence >= CERTAIN
        if "intent" in guessed and policy.override_post > 1 and policy.override_firm > 1:
            # The rules already doubt the intent, and the model may not replace it: its
            # doubt would change nothing (the same confidence, the same guesses).
            return reading, False
    scores = im.intent_model().scores(msg.text)
    best = max(scores, key=lambda k: scores[k])
    found = post_number(msg.folded, msg.args_start, named=True) if best in ACTIONS else None
    intent, doubt = combine_intent(reading.intent, certain, scores, policy, found is not None)
    if intent == reading.intent or not _asked_if_a_question(intent, msg):
        return reading, doubt
    if intent in POST_INTENTS and reading.intent not in POST_INTENTS and not _says_a_post(msg):
        return reading, doubt
    if intent in ACTIONS and found is not None:
        return _IntentReading(intent, found[0], found[1]), doubt
    return _IntentReading(intent), doubt


# Words that ask, even without « ? »: « c quoi les annonces du jour », « cmt on fait »,
# « je voudrais savoir si… », « dites moi », « can I see… ».
_ASKING_WORD_RE: Final = re.compile(
    r"\b(?:quoi|quel\w*|comment|cmt|savoir|expliqu\w*|dites|montre\w*|voir|liste|reste|"
    r"can|how|what|which|any|show)\b"
)


def _asked_if_a_question(intent: Intent, msg: _Message) -> bool:
    """What is open and how the bot works are asked: the model reads a `list` or `help` only
    in a message that asks (a question, or a word that asks: `_ASKING_WORD_RE`), never in a
    bare phrase (« des trucs », « des guirlandes à donner pour noël »)."""
    if intent not in {"list", "help"}:
        return True
    return acts.is_question(msg.text) or prefilter.search(_ASKING_WORD_RE, msg.text) is not None


_POST_MIN_WORDS: Final = 3


def _says_a_post(msg: _Message) -> bool:
    """A post the model reads where the rules read none names goods or a resource and says
    something of it: « Limoux » or « des pâtes » alone (an answer, a place) is no post."""
    return bool(msg.mentions) and len(msg.text.split()) >= _POST_MIN_WORDS


# -- the fields --------------------------------------------------------------------------


def _category(intent: Intent, mentions: list[Mention]) -> str | None:
    if intent in {"need", "offer"}:
        return food_category(mentions)
    if intent in {"equipment_request", "equipment_offer"}:
        return resource_category(mentions)
    return None


def _label(msg: _Message, intent: Intent, category: str | None) -> tuple[str | None, str | None]:
    """The "what" of a post, and its category: goods the lexicon does not know are `autre`."""
    if intent not in POST_INTENTS:
        return None, category
    what = what_label(msg.folded, msg.mentions, category, msg.args_start)
    if category is None and intent in {"need", "offer"} and what is not None:
        category = "autre"
    return what, category


def _missing(
    intent: Intent, what: str | None, category: str | None, reading: _IntentReading,
    cold: bool, deadline: date | None, invalid: str | None,
) -> tuple[str, ...]:  # fmt: skip
    missing: list[str] = []
    if intent in POST_INTENTS and what is None and category is None:
        missing.append("what")
    if intent == "offer" and cold and deadline is None:
        missing.append("dlc")
    if intent in {"claim", "done", "cancel"} and reading.post_ref is None:
        missing.append("post_ref")
    if invalid is not None:
        missing.append("date")
    return tuple(missing)


POST_INTENTS: Final = frozenset({"need", "offer", "equipment_request", "equipment_offer"})


_COMPOUND_WORDS: Final = 3
_PLACE_WORD_BEFORE_RE: Final = re.compile(
    r"\b(?:a|secteur|sur|vers|de|d'|du|pres|depuis|commune|ville|region|in|around|near)\s?$"
)


def understand_details(
    text: str, now: datetime, gazetteer: Gazetteer, tz: str = "Europe/Paris"
) -> Understanding:
    """Every field a fragment states (« vendredi », « 30 kg à Narbonne »), whatever its intent:
    the answer to a question about a post is read for that post. Pure; never raises."""
    try:
        return _understand(text, now, gazetteer, tz, whole_message=False)
    except Exception:  # a bug must not take a conversation down: nothing read
        return Understanding(intent="unknown")


def _understand(
    text: str, now: datetime, gazetteer: Gazetteer, tz: str, whole_message: bool = True
) -> Understanding:
    msg = _read_message(text)
    t = msg.text
    reading = _intent(msg)
    learned_doubt = False
    if whole_message and LEARNED is not None and msg.command is None and not t.startswith("/"):
        reading, learned_doubt = _learned(msg, reading, LEARNED)
    intent = reading.intent
    if whole_message and (intent in {"list", "help"} or (intent == "unknown" and not msg.mentions)):
        # Nothing a question or chat without goods carries needs its dates or amounts.
        return _not_a_post(msg, reading, None, None, learned_doubt)

    skip = [reading.ref_span] if reading.ref_span else []
    hits = find_dates(t, _local_now(now, tz), skip)
    deadline, date_kind, invalid = _deadline(hits)
    spans = [(h.start, h.end) for h in hits] + skip
    people = any(m.category == "benevoles" for m in msg.mentions)
    amounts = find_amounts(t, spans, people=people)
    what, category = _label(msg, intent, _category(intent, msg.mentions))
    amount = (
        None
        if intent in {"list", "help"}
        else amount_for(amounts, msg.mentions, intent, msg.folded, category)
    )
    if whole_message and intent not in POST_INTENTS:
        return _not_a_post(msg, reading, amount, deadline, learned_doubt)
    cold = _cold(t, category) if intent != "unknown" else False
    # A compound name of goods is not a place (« céleris-raves » is not the commune of Raves);
    # a long resource phrase (« chauffeur passe par Mende avec le camion ») may hold one.
    compounds = [
        (m.start, m.end)
        for m in msg.mentions
        if re.search(r"[ -]", t[m.start : m.end])
        and (not m.resource or t.count(" ", m.start, m.end) < _COMPOUND_WORDS)
    ]
    # Goods named as goods are no commune (« (lentilles, pois chiches) » is not Lentilles),
    # unless a place word introduces them (« à Orange »).
    compounds += [
        (m.start, m.end)
        for m in msg.mentions
        if not m.resource and not _PLACE_WORD_BEFORE_RE.search(t, max(0, m.start - 12), m.start)
    ]
    place_text = _mask(t, spans + _amount_spans(t, amounts, gazetteer) + _addresses(t) + compounds)
    commune = gazetteer.find_in(place_text) if intent != "help" else None
    confidence, guessed = _confidence(intent, msg, learned_doubt)
    return Understanding(
        intent=intent,
        urgent=reading.urgent or _urgent(t),
        category=category,
        quantity=amount.value if amount else None,
        unit=amount.unit if amount else None,
        deadline=deadline,
        place=commune.name if commune else None,
        cold_chain=cold,
        post_ref=reading.post_ref,
        what=what,
        date_kind=date_kind,
        invalid_date=invalid,
        missing=_missing(intent, what, category, reading, cold, deadline, invalid),
        confidence=confidence,
        guessed=guessed,
    )


def _not_a_post(
    msg: _Message,
    reading: _IntentReading,
    amount: Amount | None,
    deadline: date | None,
    learned_doubt: bool = False,
) -> Understanding:
    """Only what applies (the contract's labels): a claim, done or cancel keeps its post and
    the amount taken (a claim also when they come for it); a question, thanks or chat carries
    no post fields. Chat that names goods with an amount (« 500 g de sel ») keeps their label
    in `what`, so the bot can ask whether they are given or wanted."""
    intent = reading.intent
    confidence, guessed = _confidence(intent, msg, learned_doubt)
    if intent in {"claim", "done", "cancel"}:
        return Understanding(
            intent=intent,
            quantity=amount.value if amount else None,
            unit=amount.unit if amount else None,
            post_ref=reading.post_ref,
            deadline=deadline if intent == "claim" else None,  # when they come for it
            missing=("post_ref",) if reading.post_ref is None else (),
            confidence=confidence,
            guessed=guessed,
        )
    goods = None
    if intent == "unknown" and amount is not None and msg.mentions:
        goods = what_label(msg.folded, msg.mentions, food_category(msg.mentions), msg.args_start)
    return Understanding(intent=intent, what=goods, confidence=confidence, guessed=guessed)


# The confidence rule (docs/understanding.md, "Confidence"): free text read as a post starts
# sure, and each doubt takes some away; one doubt about the intent or the "what" is enough to
# ask the writer first (below CERTAIN), a question always is.
_SURE: Final = 0.95
_DOUBT: Final = 0.3
_LONG_DOUBT: Final = 0.1
_QUESTION_AT_MOST: Final = 0.5
_LONG_CHARS: Final = 320  # a post is a line or two; past this, news and thanks mix in
_LONG_SENTENCES: Final = 4
# A clear direction: its cues weigh this much, and this much more than the other direction's.
_CLEAR_CUE: Final = 2.0
_CLEAR_MARGIN: Final = 2.0
_OPPOSED_CUE: Final = 1.5
_SENTENCE_RE: Final = re.compile(r"[.!?]+(?:\s|$)")


def _confidence(
    intent: Intent, msg: _Message, learned_doubt: bool = False
) -> tuple[float, tuple[str, ...]]:
    """How sure a reading is, and what was guessed (names the confirmation shows: "intent",
    "what", "question"). A command, and any reading that is not a post, is sure: only free
    text read as a post may be published without its writer's yes. The learned intent signal
    doubting a post (``learned_doubt``) is a doubt about the intent."""
    if msg.commanded or intent not in POST_INTENTS:
        return 1.0, ()
    known = msg.confidences.get((intent, learned_doubt))
    if known is None:
        known = msg.confidences[(intent, learned_doubt)] = _post_confidence(
            intent, msg, learned_doubt
        )
    return known


def _post_confidence(
    intent: Intent, msg: _Message, learned_doubt: bool
) -> tuple[float, tuple[str, ...]]:
    guessed: list[str] = []
    if learned_doubt or _intent_doubtful(msg):
        guessed.append("intent")
    resource = intent in {"equipment_request", "equipment_offer"}
    if not any(m.resource == resource for m in msg.mentions):
        guessed.append("what")  # goods or a resource the lexicon does not know
    if _is_question(msg):
        guessed.append("question")
    confidence = _SURE - _DOUBT * (("intent" in guessed) + ("what" in guessed))
    body = msg.body
    if len(body) > _LONG_CHARS or len(_SENTENCE_RE.findall(body)) >= _LONG_SENTENCES:
        confidence -= _LONG_DOUBT
    if "question" in guessed:
        confidence = min(confidence, _QUESTION_AT_MOST)
    return round(max(confidence, 0.05), 2), tuple(guessed)


def _intent_doubtful(msg: _Message) -> bool:
    """A weak or contested direction, both food and a resource named, or words of another
    kind of message (thanks, a report in the past, a claim, done or cancel)."""
    cues = msg.cues
    weaker = min(cues.request, cues.offer)
    return (
        cues.strongest < _CLEAR_CUE
        or cues.margin < _CLEAR_MARGIN
        or weaker >= _OPPOSED_CUE
        or cues.past_report
        or _family_doubtful(msg)
        or msg.search(lx.THANKS_RE) is not None
        or any(msg.search(r) for r in (lx.CANCEL_RE, lx.CLAIM_RE))
    )


def _family_doubtful(msg: _Message) -> bool:
    """Food and a resource both named, and the first named is not the one at the main cue:
    « notre frigo est vide : on cherche du fromage » could be either."""
    direction = read_direction(msg.cues)
    if direction is None or len({m.resource for m in msg.mentions}) < 2:
        return False
    main = msg.cues.request_main if direction == "request" else msg.cues.offer_main
    spare = direction == "offer" and msg.cues.spare_capacity
    at_cue = _family(direction, msg.mentions, False, msg.args_start + main, spare)
    return at_cue != _family(direction, msg.mentions, False)


def _is_question(msg: _Message) -> bool:
    """A question mark, an interrogative opening, « est-ce que », a question for information
    or a request to a person (« pouvez-vous », « tu peux »)."""
    return any(
        msg.search(r) for r in (lx.QUESTION_FORM_RE, lx.INFO_QUESTION_RE, lx.ASKS_A_PERSON_RE)
    )


def _family(
    direction: Direction,
    mentions: list[Mention],
    forced_resource: bool,
    at: int = 0,
    spare: bool = False,
) -> Intent:
    """Food (need/offer) or shared resource (equipment_*): what is named at the main cue,
    the first thing after it (« notre frigo est vide : on cherche du fromage » is food), or
    else the nearest before it (« 30 kg de pâtes à donner »), past what is named only as the
    setting (« vacances des bénévoles », « vider le frigo »). Spare capacity offered
    (« notre autoclave ne tourne pas, si vous avez des légumes… ») is the resource named."""
    mentions = [m for m in mentions if not m.context] or mentions
    after = [m for m in mentions if m.start >= at]
    before = [m for m in mentions if m.start < at]
    named = after[0] if after else before[-1] if before else None
    if before and at - before[-1].end <= 1:
        named = before[-1]  # « 200 kg de clémentines à donner, entrepôt de Nîmes »: the cue's own
    resource = forced_resource or (named is not None and named.resource)
    resource = resource or (spare and any(m.resource for m in mentions))
    if direction == "request":
        return "equipment_request" if resource else "need"
    return "equipment_offer" if resource else "offer"


def contract_json_lines(
    texts: Iterable[str], now: datetime, gazetteer: Gazetteer, tz: str = "Europe/Paris"
) -> Iterator[str]:
    """One compact JSON object per message, in order (for ``boucle parse``)."""
    for text in texts:
        result = understand(text, now, gazetteer, tz)
        yield json.dumps(result.to_contract(), ensure_ascii=False, separators=(",", ":"))


def understand_amount(text: str) -> Amount | None:
    """The amount stated after a post number (`/prendre 12 10 kg`, `/fait 12 deux cagettes`):
    read as a claim's amount is, whatever else the words say. Pure; never raises."""
    try:
        msg = _read_message(text)
        people = any(m.category == "benevoles" for m in msg.mentions)
        amounts = find_amounts(msg.text, [], people=people)
        return amount_for(amounts, msg.mentions, "claim", msg.folded)
    except Exception:  # a bug must not take a conversation down: no amount read
        return None


def understand_correction(
    text: str, now: datetime, gazetteer: Gazetteer, tz: str = "Europe/Paris"
) -> dict[str, object]:
    """Only the fields a correction states ("30 kg", "pour jeudi", "à Narbonne", "urgent").

    Keys among quantity, unit, deadline (a ``date``), place (official name), urgent,
    cold_chain, category, what; plus ``invalid_date`` when a date written does not exist.
    Never raises.
    """
    try:
        return _correction(text, now, gazetteer, tz)
    except Exception:  # a bug must not take a conversation down
        return {}


def _correction(text: str, now: datetime, gazetteer: Gazetteer, tz: str) -> dict[str, object]:
    f = fold(readable(text))
    t = f.text
    out: dict[str, object] = {}
    hits = find_dates(t, _local_now(now, tz))
    deadline, _kind, invalid = _deadline(hits)
    if deadline is not None:
        out["deadline"] = deadline
    if invalid is not None:
        out["invalid_date"] = invalid
    spans = [(h.start, h.end) for h in hits]
    mentions = find_mentions(f)
    people = any(m.category == "benevoles" for m in mentions)
    amounts = find_amounts(t, spans, people=people)
    amount = next((a for a in amounts if a.explicit), None)
    if amount is None and amounts and amounts[0].noun is None:
        out["quantity"] = amounts[0].value  # "30": the number alone, its unit unchanged
    elif amount is not None:
        out["quantity"] = amount.value
        out["unit"] = amount.unit
    masked = _mask(t, spans + _amount_spans(t, amounts, gazetteer) + _addresses(t))
    commune = gazetteer.find_in(masked) or gazetteer.find(masked)
    if commune is not None:
        out["place"] = commune.name
    if lx.URGENT_RE.search(t):
        out["urgent"] = _urgent(t)
    if lx.COLD_WORDS_RE.search(t):
        out["cold_chain"] = _cold(t, None)
    if mentions:
        resource = [m for m in mentions if m.resource]
        category = (
            resource[0].category if resource and mentions[0].resource else food_category(mentions)
        )
        if category is not None:
            out["category"] = category
            if category in lx.COLD_CATEGORIES:
                out["cold_chain"] = True
            label = what_label(f, mentions, category, 0)
            if label:
                out["what"] = label
    return out
