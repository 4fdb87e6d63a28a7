"""The cue prefilter skips a pattern only when it cannot match (understanding/prefilter.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from handlers.understanding import lexicon as lx
from handlers.understanding import prefilter
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


def test_a_finer_test_skips_the_cue_patterns_a_gate_opened_for_nothing() -> None:
    """Issue 12: « pour » opens « pourriez-vous », whose 8-character heads rule it out; a
    pattern anchored where the text starts is matched there only."""
    polite = re.compile(r"\b(?:auriez|avez|pourriez|pouvez)[- ]vous\b")
    heading = re.compile(r"^\W*(?:demandes?|besoins?)\s?:")
    cues = Cues([(polite, 1.0), (heading, 2.0)])
    assert cues._opened("pour vous aider") == []  # the gate opened it: « pour »
    assert cues._opened("riz, besoins : pates") == []
    assert cues._opened("besoins : pourriez-vous ?") == [0, 1]
    for text in ("pour vous aider", "riz, besoins : pates", "besoins : pourriez-vous ?"):
        total, first = 0.0, len(text)
        for pattern, weight in ((polite, 1.0), (heading, 2.0)):
            for m in pattern.finditer(text):
                total, first = total + weight, min(first, m.start())
        assert cues.score(text) == (total, first)


def _patterns() -> list[re.Pattern[str]]:
    """Every compiled pattern the parser's modules hold, alone or in a list or dict."""
    from handlers.understanding import (
        acts,
        amounts_chosen,
        cues,
        dates,
        labels,
        mentions,
        parser,
        quantities,
        refs,
    )

    found: dict[int, re.Pattern[str]] = {}
    modules = (lx, acts, dates, parser, quantities, mentions, cues, refs, labels, amounts_chosen)
    for module in modules:
        for value in vars(module).values():
            members = value.values() if isinstance(value, dict) else value
            if isinstance(value, re.Pattern):
                members = [value]
            elif not isinstance(value, (dict, list, tuple)):
                continue
            for member in members:
                for candidate in (member, *(member if isinstance(member, tuple) else ())):
                    if not isinstance(candidate, re.Pattern):  # a DateRule holds one
                        candidate = getattr(candidate, "pattern", candidate)
                    if isinstance(candidate, re.Pattern) and candidate.pattern:
                        found[id(candidate)] = candidate
    return list(found.values())


def test_gated_search_is_the_patterns_own() -> None:
    texts = [
        fold(readable(json.loads(line)["text"])).text
        for path in sorted(CORPUS.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts = [*texts[::2], "", "?", "merci", "la liste", "  help  ", "a", "\n"]  # ~6 s
    patterns = _patterns()
    assert len(patterns) > 150
    for pattern in patterns:
        for i, text in enumerate(texts):
            for pos in (0, 7) if i % 4 == 0 else (0,):  # from a position: the same, sampled
                want = pattern.search(text, pos)
                got = prefilter.search(pattern, text, pos)
                assert (got and (got.re, got.span(), got.groups())) == (
                    want and (want.re, want.span(), want.groups())
                ), (pattern.pattern, text, pos)
            # finditer's matches may be the twin's (issue 12): the same spans and groups.
            every = [(m.span(), m.groups()) for m in pattern.finditer(text)]
            gated = [(m.span(), m.groups()) for m in prefilter.finditer(pattern, text)]
            assert gated == every, (pattern.pattern, text)


def test_a_position_past_the_end_reads_as_the_end() -> None:
    """As ``re`` does (``pattern.search("", 7)`` searches from 0): a pattern that can match
    nothing (« ^(?:…)*$ ») matches there."""
    for pattern in _patterns():
        for text in ("", "merci", "12 kg"):
            want = pattern.search(text, len(text) + 5)
            got = prefilter.search(pattern, text, len(text) + 5)
            assert (got and got.span()) == (want and want.span()), (pattern.pattern, text)


def test_twins_open_on_the_first_characters() -> None:
    chat = prefilter.twin(re.compile(r"\b(?:merci|bravo)\b|^\W*ok\b"))
    assert chat is not None
    assert chat.pattern == r"(?:\A|(?=[bm]))(?:\b(?:merci|bravo)\b|^\W*ok\b)"
    assert prefilter.twin(re.compile(r"besoin")) is None  # a literal first: already fast
    digits = prefilter.twin(re.compile(r"(?<![\d,])(\d+|deux) ?kg\b"))
    assert digits is not None and digits.pattern.startswith(r"(?=[\dd])")
    assert prefilter.twin(re.compile(r".*[.;!?]")) is None  # any character first: no gain
    assert prefilter.twin(re.compile(r"\b(?:tres )?\w*")) is None  # may match nothing


def test_list_gates_run_every_pattern_that_matches() -> None:
    texts = [
        fold(readable(json.loads(line)["text"])).text
        for path in sorted(CORPUS.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ][::3]
    patterns = _patterns()
    gates = prefilter.Gates(patterns)
    for text in [*texts, "", "?", "merci"]:
        opened = gates.opened(text)
        assert opened == sorted(set(opened))
        for i, pattern in enumerate(patterns):
            every = [(m.span(), m.groups()) for m in pattern.finditer(text)]
            if i not in opened:
                assert every == [], (pattern.pattern, text)
                continue
            gated = [(m.span(), m.groups()) for m in gates.finditer(i, text)]
            assert gated == every, (pattern.pattern, text)
        assert gates.any_match(text) == any(p.search(text) for p in patterns)


def test_split_alternations_match_as_the_joined_pattern() -> None:
    from handlers.understanding import acts

    texts = [
        fold(readable(json.loads(line)["text"])).text
        for path in sorted(CORPUS.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for text in [*texts, "", "?", "merci"]:
        assert acts.looks_like_chat(text) == bool(acts._CHAT_RE.search(text)), text
        assert acts.asks_what_is_open(text) == bool(acts._OPEN_RE.search(text)), text


def test_searches_from_the_heads_positions_as_the_engine_does() -> None:
    pattern = re.compile(r"^\W*merci\b|\bsavez[- ]vous\b|(?<=\d )litres?\b")
    found = prefilter.starts(pattern)
    assert found is not None and found.at_start
    assert found.positions("merci, savez-vous ?") == [0, 7]
    for text in [
        "  merci !",
        "ok merci",
        "savez vous",
        "10 litres et 3 litre",
        "litre",
        "",
        "xsavez-vous",
    ]:
        want = pattern.search(text)
        got = prefilter.search(pattern, text)
        assert (got and (got.span(), got.re)) == (want and (want.span(), want.re)), text
    many = " ".join(["savez-vous"] * 20)  # more starts than worth trying: the pattern scans
    assert found.positions(many) is None
    assert prefilter.search(pattern, many) is not None
    # Two-letter words start everywhere: such a pattern scans.
    assert prefilter.starts(re.compile(r"\b(?:je|on)\s*prends\b")) is None


PERFECT_TENSES = [
    "qqn a deja pris les yaourts ?",
    "qui a pris le camion hier",
    "on a bien recu les 3 palettes",
    "il n'a jamais rappele",
    "est-ce que vous avez pu joindre la mairie",
    "avez-vous eu des nouvelles du local",
    "(ont recu) les cagettes",
    "ils ont finalement recu",
    "on avait deja donne les pates",
    "elle a-t-elle vu",
    "c'etait fait",
    "personne a vu le chauffeur",
]


@pytest.mark.parametrize("text", PERFECT_TENSES)
def test_a_perfect_tense_holds_one_of_the_words_its_precheck_looks_for(text: str) -> None:
    """`read_cues` scans for a perfect tense only where `PERFECT_AUX_RE` finds a word: each of
    its matches must hold one (a rule added to PERFECT_RE without it goes red here)."""
    from handlers.understanding import lexicon as lx

    matches = list(lx.PERFECT_RE.finditer(text))
    assert matches, text
    for match in matches:
        assert lx.PERFECT_AUX_RE.search(match.group(0)), match.group(0)
