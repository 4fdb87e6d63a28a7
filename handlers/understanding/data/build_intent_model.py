"""Rebuild ``intent_model.json.gz``, the learned intent signal shipped with Boucle.

Run by hand when the development files of ``tests/corpus`` change; the bot never runs it and
needs no scikit-learn (``intent_model.py`` reads the weights in pure Python). Deterministic:
the same files give the same bytes.

Usage (from the repository root, after ``.venv/bin/pip install -e '.[train]'``)::

    .venv/bin/python handlers/understanding/data/build_intent_model.py

Training data: ``tests/corpus/dev.jsonl``, ``dev_extra_c.jsonl``, ``dev_extra_d.jsonl``,
``dev_extra_f.jsonl``, ``dev_extra_g.jsonl`` and ``dev_extra_h.jsonl`` (authors A, B, C, D, F,
G, H; 2,811 rows; part I is kept out during stop 22, as a measure), and
``intent_train_e.jsonl`` (author E, rows labelled with their intent only, written to train
this model: see ``tests/corpus/README.md``); never ``heldout.jsonl``. Every row counts, slash
commands too (the parser never asks the model about them, but they teach it the words).
Model: multinomial logistic regression (scikit-learn ``LogisticRegression``, lbfgs, L2,
``C`` below, chosen by leave-one-author-out cross-validation in ``bench/intent_cv.py``) over
``intent_model.feature_counts`` of the folded text. Export: each feature's per-class weights
as integers of ``SCALE``, features whose weights are all below ``PRUNE`` left out (the
intercepts kept exactly), as gzip'd JSON.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from handlers.understanding.intent_model import (  # noqa: E402
    IntentModel,
    feature_counts,
    from_json,
)
from handlers.understanding.model import INTENTS  # noqa: E402
from handlers.understanding.text import fold, readable  # noqa: E402

OUT = Path(__file__).with_name("intent_model.json.gz")
CORPUS = ROOT / "tests" / "corpus"
# Never "heldout"; part I is kept out during stop 22 (an independent measure of the tuning).
PARTS = ("dev", "dev_extra_c", "dev_extra_d", "dev_extra_f", "dev_extra_g", "dev_extra_h")
# Rows written only to train the model (intent labels only): always trained on, never
# measured on (their author had read the parser's tests: bench/intent_cv.py keeps them out of
# every test fold).
TRAIN_ONLY = ("intent_train_e",)
C = 10.0
PRUNE = 0.02  # a feature whose every weight is smaller than this (in absolute value) is dropped
SCALE = 1000  # weights are stored as integers of 1/SCALE
SEED = 20261129


def load_rows(parts: Sequence[str] = PARTS + TRAIN_ONLY) -> list[dict[str, Any]]:
    """The rows of the development files, each with its ``part`` and ``author`` (id's first
    letter: a, b, c, d, e); a training-only row's intent is put under ``expect`` as the
    others'."""
    rows = []
    for part in parts:
        if part == "heldout":
            raise ValueError("the held-out part is never trained on")
        for line in (CORPUS / f"{part}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if "expect" not in row:
                    row["expect"] = {"intent": row["intent"]}
                row["part"] = part
                row["author"] = str(row["id"])[0]
                rows.append(row)
    return rows


def folded(text: str) -> str:
    return fold(readable(text)).text


def train(
    texts: Sequence[str], labels: Sequence[str], c: float = C, drop: tuple[str, ...] = ()
) -> Any:
    """A fitted (vectoriser, classifier) pair on folded texts; ``drop``: feature prefixes left
    out (``"b:"``, ``"c:"``, ``"s:"``: for the bench's ablations)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = DictVectorizer(sort=True)
    counts = [feature_counts(t) for t in texts]
    if drop:
        counts = [{k: v for k, v in c.items() if not k.startswith(drop)} for c in counts]
    x = vectoriser.fit_transform(counts)
    classifier = LogisticRegression(C=c, max_iter=2000, random_state=SEED, tol=1e-4)
    classifier.fit(x, list(labels))
    return vectoriser, classifier


def export(vectoriser: Any, classifier: Any, prune: float = PRUNE) -> dict[str, Any]:
    """The fitted model as the JSON ``intent_model.from_json`` reads."""
    names = vectoriser.get_feature_names_out()
    coef = classifier.coef_  # classes x features
    weights: dict[str, list[int]] = {}
    for j, name in enumerate(names):
        column = coef[:, j]
        if float(abs(column).max()) < prune:
            continue
        weights[str(name)] = [round(float(w) * SCALE) for w in column]
    return {
        "classes": [str(c) for c in classifier.classes_],
        "intercepts": [round(float(b), 6) for b in classifier.intercept_],
        "scale": 1 / SCALE,
        "weights": dict(sorted(weights.items())),
    }


def fitted_model(texts: Sequence[str], labels: Sequence[str], c: float = C) -> IntentModel:
    vectoriser, classifier = train(texts, labels, c)
    return from_json(export(vectoriser, classifier))


def main() -> int:
    rows = load_rows()
    texts = [folded(str(r["text"])) for r in rows]
    labels = [str(r["expect"]["intent"]) for r in rows]
    assert set(labels) <= set(INTENTS)
    vectoriser, classifier = train(texts, labels)
    data = export(vectoriser, classifier)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    with OUT.open("wb") as out, gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        gz.write(raw.encode("utf-8"))
    print(
        f"{len(rows)} rows, {len(vectoriser.get_feature_names_out())} features, "
        f"{len(data['weights'])} kept (|w| >= {PRUNE}); {OUT.stat().st_size:,} bytes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
