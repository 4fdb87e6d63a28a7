"""The cue prefilter skips a pattern only when it cannot match (understanding/prefilter.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from handlers.understanding import lexicon as lx
from handlers.understanding.prefilter import Cues, heads
from handlers.understanding.text import fold, readable

CORPUS = Path(__file__).parent / "corpus"


def test_heads_are_what_every_match_starts_with() -> None:
    assert heads(re.compile(r"\b(?:re)?cherch(?:e|ons)\b")) == {"cherch"}
    # « a la disp » holds « a disp »: testing the shorter one is enough.
    assert heads(re.compile(r"\ba (?:votre |la )?disposition\b")) == {"a disp", "a votre disp"}
    assert heads(re.compile(r"\?\s*$")) == {"?"}
    assert heads(re.compile(r"\b\w+ment\b")) is None  # a class first: always run
    assert heads(re.compile(r"besoin", re.IGNORECASE)) is None


def test_cue_scores_are_those_of_every_pattern_run() -> None:
    texts = [
        fold(readable(json.loads(line)["text"])).text
        for path in sorted(CORPUS.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for weighted in (lx.REQUEST_RES, lx.OFFER_RES):
        cues = Cues(weighted)
        for text in texts:
            total, first = 0.0, len(text)
            for pattern, weight in weighted:
                for m in pattern.finditer(text):
                    total, first = total + weight, min(first, m.start())
            assert cues.score(text) == (total, first)
