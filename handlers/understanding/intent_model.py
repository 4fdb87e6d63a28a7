"""A learned intent signal: a linear model (multinomial logistic regression) over the words of
a message, read beside the rules (docs/understanding.md, "The learned intent signal").

The weights are trained offline on the development files of ``tests/corpus`` by
``data/build_intent_model.py`` (scikit-learn, a development dependency) and shipped as
``data/intent_model.json.gz``; here inference is pure Python: features are strings, each a
dictionary look-up, and a message's scores are sums of per-class weights.

Features of the folded text (lower case, no accents), digits runs written ``0``:
- each word (``w:``) (pairs of neighbouring words were tried: no better in cross-validation,
  and slower);
- the character 2- to 5-grams of each word padded as ``<word>`` (``c:``), which carry typos,
  plurals and SMS spellings to the words they resemble;
- a few structural marks (``s:``): a question mark, an interrogative opening or an inversion,
  a post reference (« #12 », « annonce 12 », « le 12 »), a number, the length in words.

Word and character features are scaled by 1/sqrt(words) so that a long message's score does
not grow with its length. A word's own features (itself and its character n-grams) are summed
once per distinct word and memoised: the same pure function, read faster.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from .model import INTENTS, Intent

DATA: Final = Path(__file__).with_name("data") / "intent_model.json.gz"

_TOKEN_RE: Final = re.compile(r"[a-z0-9]+(?:'|)|[?#]")
_DIGITS_RE: Final = re.compile(r"\d+")
_CHAR_SIZES: Final = (2, 3, 4, 5)
_INTERROGATIVE: Final = frozenset(
    {"comment", "quand", "ou", "qui", "quoi", "quel", "quelle", "quels", "quelles"}
    | {"pourquoi", "combien", "estce", "ya"}
)
_INVERSION_RE: Final = re.compile(r"\b[a-z]+-(?:t-)?(?:vous|tu|on|il|elle|ils|elles|je|nous)\b")
_QUESTION_OPENING_RE: Final = re.compile(
    r"^(?:comment|quand|ou |qui |quoi|quel|pourquoi|combien|est-ce|est ce|ya |y a|il y a|"
    r"c'est quoi|qu'est|vous avez|tu as|quelqu'un|qqn|on peut|je peux)"
)
_POST_REF_RE: Final = re.compile(
    r"#\s?\d|\bn[°o]\s?\d|\b(?:annonce|offre|demande|post|l'annonce|l'offre|la demande)\s\d"
    r"|\b(?:le|du|au)\s\d{1,4}\b(?!\s?(?:[a-z]{1,3}\b|janv|fev|mars|avr|mai|juin|juil|aou|sep|oct"
    r"|nov|dec|h\b|heures?))"
)


def _length_bucket(words: int) -> str:
    if words <= 3:
        return "s:len1"
    if words <= 8:
        return "s:len2"
    if words <= 20:
        return "s:len3"
    if words <= 50:
        return "s:len4"
    return "s:len5"


def tokens(folded: str) -> list[str]:
    """The words of folded text (apostrophes kept on the word they end: « l' », « qu' »), «
    ? » and « # » as words, digit runs as ``0``."""
    return _TOKEN_RE.findall(_DIGITS_RE.sub("0", folded))


def word_features(word: str) -> list[str]:
    """A word's own features: the word, and its character n-grams within « <word> »."""
    padded = f"<{word}>"
    found = [f"w:{word}"]
    for size in _CHAR_SIZES:
        found += [f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1)]
    return found


def structure(folded: str, words: list[str]) -> list[str]:
    """Marks of the message's shape (not scaled by its length)."""
    stripped = folded.rstrip(" !.)*:;,-~\u2026")
    marks = [_length_bucket(len(words))]
    if stripped.endswith("?"):
        marks.append("s:q_end")
    if "?" in folded:
        marks.append("s:q_any")
    if (words and words[0] in _INTERROGATIVE) or _QUESTION_OPENING_RE.match(folded):
        marks.append("s:q_open")
    if "-" in folded and _INVERSION_RE.search(folded):
        marks.append("s:inversion")
    if _DIGITS_RE.search(folded):
        marks.append("s:number")
        if _POST_REF_RE.search(folded):
            marks.append("s:post_ref")
    if folded.startswith("/"):
        marks.append("s:slash")
    return marks


def features(folded: str) -> tuple[list[str], list[str], float]:
    """(the words, the structural marks, the scale of word features) of folded text; the
    features of the words are ``word_features`` of each word."""
    words = tokens(folded)
    scale = 1.0 / math.sqrt(max(1, len(words)))
    return words, structure(folded, words), scale


def feature_counts(folded: str) -> dict[str, float]:
    """Every feature of a message with its value, as the model reads it (used to train it)."""
    words, marks, scale = features(folded)
    counts: dict[str, float] = {}
    for word in words:
        for name in word_features(word):
            counts[name] = counts.get(name, 0.0) + scale
    for mark in marks:
        counts[mark] = 1.0
    return counts


@dataclass(frozen=True)
class IntentModel:
    """Per-class weights of each feature (classes in ``classes`` order) and the intercepts."""

    classes: tuple[Intent, ...]
    intercepts: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_word_memo", {})

    def _word_vector(self, word: str) -> tuple[float, ...]:
        memo: dict[str, tuple[float, ...]] = self._word_memo  # type: ignore[attr-defined]
        found = memo.get(word)
        if found is None:
            found = _sum(self.weights.get(f, ()) for f in word_features(word))
            found = found or (0.0,) * len(self.classes)
            if len(memo) < _MEMO_SIZE:
                memo[word] = found
        return found

    def scores(self, folded: str) -> dict[Intent, float]:
        """The probability of each intent for folded text (softmax of the linear scores)."""
        words, marks, scale = features(folded)
        memo: dict[str, tuple[float, ...]] = self._word_memo  # type: ignore[attr-defined]
        vectors = [memo.get(w) or self._word_vector(w) for w in words]
        if vectors:  # each class's column of word weights summed, then scaled
            logits = [
                b + scale * s
                for b, s in zip(
                    self.intercepts, map(sum, zip(*vectors, strict=False)), strict=False
                )
            ]
        else:
            logits = list(self.intercepts)
        get = self.weights.get
        for mark in marks:
            vector = get(mark)
            if vector:
                logits = [x + w for x, w in zip(logits, vector, strict=False)]
        top = max(logits)
        exp = math.exp
        exps = [exp(x - top) for x in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=False)}

    def best(self, folded: str) -> tuple[Intent, float]:
        """The likeliest intent and its probability."""
        scores = self.scores(folded)
        intent = max(scores, key=lambda c: scores[c])
        return intent, scores[intent]


_MEMO_SIZE: Final = 200_000  # distinct words memoised; past this they are summed each time


def _sum(vectors: Iterable[tuple[float, ...]]) -> tuple[float, ...]:
    total: list[float] = []
    for vector in vectors:
        if not vector:
            continue
        if not total:
            total = list(vector)
        else:
            for i, w in enumerate(vector):
                total[i] += w
    return tuple(total)


def from_json(data: dict[str, object]) -> IntentModel:
    """The model from its exported form (``data/build_intent_model.py``)."""
    classes = tuple(str(c) for c in data["classes"])  # type: ignore[attr-defined]
    if not set(classes) <= set(INTENTS):
        raise ValueError(f"unknown classes {classes}")
    scale = float(data["scale"])  # type: ignore[arg-type]
    raw = data["weights"]
    assert isinstance(raw, dict)
    # The weights are few distinct integers times ``scale``: each distinct float, and each
    # distinct vector, is made once and shared (the same values; a fraction of the memory).
    floats: dict[int, float] = {}
    vectors: dict[tuple[float, ...], tuple[float, ...]] = {}
    weights: dict[str, tuple[float, ...]] = {}
    for f, ws in raw.items():
        vector = tuple(
            floats[n] if (n := int(w)) in floats else floats.setdefault(n, n * scale) for w in ws
        )
        weights[f] = vectors.setdefault(vector, vector)
    intercepts = tuple(float(b) for b in data["intercepts"])  # type: ignore[attr-defined]
    return IntentModel(classes, intercepts, weights)  # type: ignore[arg-type]


@cache
def intent_model() -> IntentModel:
    """The shipped model, read once."""
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        return from_json(json.load(f))
