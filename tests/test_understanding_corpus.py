"""Honest generalisation: the parser on our labelled corpus of volunteers' messages.

The corpus (tests/corpus/README.md) was written from the contract alone, by authors who did
not read the parser, and split once into a development part (tune on it, failures are shown)
and a held-out part (never tuned on: only its figures are shown, never its messages).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from handlers.understanding import CONTRACT_KEYS, Gazetteer
from handlers.understanding.model import INTENTS
from tests.corpus.load import HERE, load, score

# Floors: what the parser reached when last measured (docs/benchmarks.md), so that a change
# that reads worse fails here. Raise them as the parser improves; never lower them to pass.
# The target (#10) for the held-out part is 0.95 whole message and 0.98 intent.
HELD_OUT_WHOLE_MESSAGE = 0.905  # stop 21 after tune10: 0.899; stop 22 after tune10b: 0.908
HELD_OUT_INTENT = 0.95  # stop 21 after tune10: 0.953; stop 22 after tune10b: 0.953
DEV_WHOLE_MESSAGE = 0.985  # tune10b (issue 10): 0.982 -> 0.987
DEV_INTENT = 0.995
# The two development files written after the first tuning round (README.md there).
# F and G (issue 10, third round): written from the contract only, tuned on since.
DEV_EXTRA_WHOLE_MESSAGE = {
    "dev_extra_c": 0.995,  # tune10b: 0.995 -> 0.997
    "dev_extra_d": 0.99,
    "dev_extra_f": 0.97,  # tune10 (issue 10): 0.902 -> 0.953; tune10b: 0.973
    "dev_extra_g": 0.98,  # tune10: 0.921 -> 0.968; tune10b: 0.985
    "dev_extra_h": 0.925,  # untuned 0.833; after tune10 (not on H) 0.850; tune10b (on 75 %) 0.930
    "dev_extra_i": 0.805,  # stop 22 untuned: 0.805; after tune10b (not on I): 0.812
}
DEV_EXTRA_INTENT = {
    "dev_extra_c": 0.995,
    "dev_extra_d": 0.995,
    "dev_extra_f": 0.9875,  # tune10: 0.985 -> 0.988; tune10b: 0.990
    "dev_extra_g": 0.99,  # tune10: 0.988 -> 0.995
    "dev_extra_h": 0.985,  # before tuning: 0.965; after tune10 (not on H): 0.970; tune10b: 0.990
    "dev_extra_i": 0.965,  # stop 22 untuned: 0.970; after tune10b (not on I): 0.970
}


def test_the_corpus_is_large_split_and_labelled_on_all_contract_keys() -> None:
    dev, held_out = load("dev"), load("heldout")
    assert len(dev) + len(held_out) >= 1000
    assert 0.25 <= len(held_out) / (len(dev) + len(held_out)) <= 0.35
    assert not {r.id for r in dev} & {r.id for r in held_out}
    assert not {r.text for r in dev} & {r.text for r in held_out}
    extra = [row for part in DEV_EXTRA_WHOLE_MESSAGE for row in load(part)]
    assert not {r.text for r in extra} & {r.text for r in held_out}
    assert not {r.id for r in extra} & {r.id for r in (*dev, *held_out)}
    for row in (*dev, *held_out):
        assert set(CONTRACT_KEYS) <= set(row.expect), row.id
    # Every class of message is in both parts.
    intents = Counter(str(r.expect["intent"]) for r in held_out)
    assert all(intents[i] >= 5 for i in ("need", "offer", "claim", "list", "help", "unknown"))


def test_the_rows_written_to_train_the_model_are_no_corpus_text() -> None:
    """intent_train_e.jsonl (README.md there) trains the intent model only: every intent,
    no text of the labelled files (the held-out part above all)."""
    lines = (HERE / "intent_train_e.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    assert len(rows) >= 700 and len({r["id"] for r in rows}) == len(rows)
    assert {r["intent"] for r in rows} == set(INTENTS)
    labelled = [*load("heldout"), *load("dev"), *(r for p in DEV_EXTRA_INTENT for r in load(p))]
    texts = {r.text.strip().lower() for r in labelled}
    assert not [r["id"] for r in rows if r["text"].strip().lower() in texts]


def test_development_part(gazetteer: Gazetteer) -> None:
    result = score(load("dev"), gazetteer)
    shown = "\n".join(f"{row.id} {row.text!r}: {bad}" for row, bad in result.failures[:40])
    assert result.intent >= DEV_INTENT, f"intent {result.intent:.3f}\n{shown}"
    assert result.whole >= DEV_WHOLE_MESSAGE, f"whole {result.whole:.3f}\n{shown}"


@pytest.mark.parametrize("part", sorted(DEV_EXTRA_WHOLE_MESSAGE))
def test_more_development_data(part: str, gazetteer: Gazetteer) -> None:
    result = score(load(part), gazetteer)
    shown = "\n".join(f"{row.id} {row.text!r}: {bad}" for row, bad in result.failures[:40])
    assert result.rows >= 380
    assert result.intent >= DEV_EXTRA_INTENT[part], f"intent {result.intent:.3f}\n{shown}"
    assert result.whole >= DEV_EXTRA_WHOLE_MESSAGE[part], f"whole {result.whole:.3f}\n{shown}"


def test_held_out_part(gazetteer: Gazetteer) -> None:
    result = score(load("heldout"), gazetteer)
    # Figures only: showing the failing messages would invite tuning on them.
    figures = f"held-out: intent {result.intent:.3f}, whole message {result.whole:.3f}"
    assert result.intent >= HELD_OUT_INTENT, figures
    assert result.whole >= HELD_OUT_WHOLE_MESSAGE, figures
