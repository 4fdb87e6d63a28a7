"""Cross-validation of the learned intent signal, on the development files only.

    .venv/bin/python bench/intent_cv.py alone [--c 1,3,10,30] [--prune 0.02] [--drop b:,s:]
    .venv/bin/python bench/intent_cv.py combined [--c 10]
    .venv/bin/python bench/intent_cv.py simulate [--c 10] [--rules PATH]

``alone``: the model by itself, leave-one-author-out (A, B, C, D; A and B share dev.jsonl)
and leave-one-file-out (dev, C, D): intent accuracy per fold and overall, for each ``C``, the
exported (pruned, integer) weights read by the pure-Python inference.

``combined``: the parser as shipped with each fold's model in place of the shipped one
(out-of-fold: a row is read by a model that never saw its author): intent and whole-message
accuracy and "certain and wrong" free-text posts per file, without the model, with it as
wired (``parser.LEARNED``) and with variants of its thresholds. The rules themselves were
tuned on all these files, so this figure says what the model must not break, not what it
adds.

``simulate``: what the model adds to rules that never saw the messages: the parser as it was at
54a1ca9 (tuned on dev.jsonl only; extract it with ``git archive 54a1ca9 handlers | tar -x -C
/tmp/im_rules54``, then ``--rules /tmp/im_rules54``), read on C and D, its readings combined with a
model trained on dev.jsonl only, as each policy would. Intent accuracy and certain-and-wrong.

The held-out file is never read here.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location(
    "build_intent_model", ROOT / "handlers" / "understanding" / "data" / "build_intent_model.py"
)
assert _spec is not None and _spec.loader is not None
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

POSTS = frozenset({"need", "offer", "equipment_request", "equipment_offer"})
Row = dict[str, Any]


def option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv else default


def folds(rows: list[Row], by: str) -> list[tuple[str, list[int], list[int]]]:
    groups = sorted({r[by] for r in rows})
    return [
        (
            g,
            [i for i, r in enumerate(rows) if r[by] != g],
            [i for i, r in enumerate(rows) if r[by] == g],
        )
        for g in groups
    ]


def alone(rows: list[Row], cs: Sequence[float], prune: float, drop: tuple[str, ...]) -> None:
    texts = [build.folded(str(r["text"])) for r in rows]
    labels = [str(r["expect"]["intent"]) for r in rows]
    for by in ("author", "part"):
        for c in cs:
            right: Counter[str] = Counter()
            seen: Counter[str] = Counter()
            for group, train_ix, test_ix in folds(rows, by):
                vec, clf = build.train(
                    [texts[i] for i in train_ix], [labels[i] for i in train_ix], c, drop
                )
                model = build.from_json(build.export(vec, clf, prune))
                for i in test_ix:
                    seen[group] += 1
                    right[group] += model.best(texts[i])[0] == labels[i]
            per = "  ".join(f"{g} {right[g] / seen[g]:.3f}" for g in sorted(seen))
            total = sum(right.values()) / sum(seen.values())
            shown = f"without {','.join(drop)} " if drop else ""
            print(f"leave-one-{by}-out {shown}C={c:<5} intent {total:.3f}   ({per})", flush=True)


# -- the parser with each fold's model ------------------------------------------------------
def out_of_fold_models(rows: list[Row], c: float, by: str = "author") -> dict[str, Any]:
    """For each group, a model trained on the other groups."""
    texts = [build.folded(str(r["text"])) for r in rows]
    labels = [str(r["expect"]["intent"]) for r in rows]
    models = {}
    for group, train_ix, _ in folds(rows, by):
        models[group] = build.fitted_model(
            [texts[i] for i in train_ix], [labels[i] for i in train_ix], c
        )
    return models


def read_all(rows: list[Row], models: dict[str, Any] | None, by: str = "author") -> list[Any]:
    """Each row read by the parser, with its group's model (None: the rules alone)."""
    from handlers.understanding import intent_model as im
    from handlers.understanding import load_gazetteer, parser, understand

    gazetteer = load_gazetteer()
    shipped = im.intent_model
    wired = parser.LEARNED
    out = []
    try:
        for row in rows:
            if models is None:
                parser.LEARNED = None
            else:
                model = models[row[by]]
                im.intent_model = lambda model=model: model  # type: ignore[misc]
                parser.LEARNED = wired
            now = datetime.fromisoformat(str(row["now"]))
            out.append(understand(str(row["text"]), now, gazetteer))
    finally:
        im.intent_model = shipped  # type: ignore[misc]
        parser.LEARNED = wired
    return out


def figures(rows: list[Row], readings: list[Any]) -> str:
    from handlers.understanding import CONTRACT_KEYS

    lines = []
    for part in sorted({r["part"] for r in rows}):
        whole = intent = certain_wrong = certain_right = 0
        n = 0
        for row, u in zip(rows, readings, strict=True):
            if row["part"] != part:
                continue
            n += 1
            got = u.to_contract()
            intent += got["intent"] == row["expect"]["intent"]
            whole += all(got[k] == row["expect"][k] for k in CONTRACT_KEYS)
            free = not str(row["text"]).lstrip().startswith("/")
            if free and u.intent in POSTS and u.certain and "question" not in u.guessed:
                if got["intent"] == row["expect"]["intent"]:
                    certain_right += 1
                else:
                    certain_wrong += 1
        lines.append(
            f"  {part:<12} whole {whole / n:.3f}  intent {intent / n:.3f}  "
            f"certain&wrong {certain_wrong}  certain&right {certain_right}"
        )
    return "\n".join(lines)


def combined(rows: list[Row], c: float, variants: list[str]) -> None:
    from handlers.understanding import parser

    print("rules alone (the parser without the model):")
    print(figures(rows, read_all(rows, None)), flush=True)
    models = out_of_fold_models(rows, c)
    wired = parser.LEARNED
    for variant in ["wired", *variants]:
        if variant != "wired":
            parser.LEARNED = wired.with_changes(variant)
        print(f"rules + out-of-fold model ({variant}: {parser.LEARNED}):")
        print(figures(rows, read_all(rows, models)), flush=True)
        parser.LEARNED = wired


# -- the simulation: rules that never saw C and D -------------------------------------------
_OLD_READER = """
import json, sys
sys.path.insert(0, sys.argv[1])
# the editable install of this tree would shadow the old one
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
from datetime import datetime
from handlers.understanding import load_gazetteer, understand
g = load_gazetteer()
for line in sys.stdin:
    row = json.loads(line)
    u = understand(row["text"], datetime.fromisoformat(row["now"]), g)
    print(json.dumps({"intent": u.intent, "certain": u.certain, "guessed": list(u.guessed)}))
"""


def old_readings(rows: list[Row], rules: Path) -> list[dict[str, Any]]:
    import json

    feed = "".join(json.dumps({"text": r["text"], "now": r["now"]}) + "\n" for r in rows)
    done = subprocess.run(
        [sys.executable, "-c", _OLD_READER, str(rules)],
        input=feed,
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    readings = [json.loads(line) for line in done.stdout.splitlines()]
    assert readings
    return readings


Policy = Callable[[dict[str, Any], dict[str, float], str], tuple[str, bool]]


def simulate(rows: list[Row], c: float, rules: Path) -> None:
    from handlers.understanding.parser import LearnedPolicy, combine_intent

    train = [r for r in rows if r["part"] == "dev"]
    test = [r for r in rows if r["part"] != "dev"]
    model = build.fitted_model(
        [build.folded(str(r["text"])) for r in train],
        [str(r["expect"]["intent"]) for r in train],
        c,
    )
    old = old_readings(test, rules)
    policies: dict[str, LearnedPolicy | None] = {"rules alone": None, "model alone": "model"}  # type: ignore[dict-item]
    for override in (0.5, 0.6, 0.7, 0.8, 0.9):
        for post in (0.6, 0.7, 0.8, 0.9, 1.01):
            for keep in (0.05, 0.1, 0.2, 1.01):
                policies[f"override {override} post {post} keep {keep}"] = LearnedPolicy(
                    override=override, override_post=post, keep_above=keep, doubt_below=0.3
                )
    for name, policy in policies.items():
        right: Counter[str] = Counter()
        seen: Counter[str] = Counter()
        cw = 0
        for row, reading in zip(test, old, strict=True):
            text = str(row["text"])
            folded = build.folded(text)
            scores = model.scores(folded)
            slash = folded.lstrip().startswith("/")
            if policy == "model":
                intent, certain = (
                    (reading["intent"], reading["certain"])
                    if slash
                    else (
                        max(scores, key=lambda k: scores[k]),
                        True,
                    )
                )
            elif policy is None or slash:
                intent, certain = reading["intent"], reading["certain"]
            else:
                intent, doubt = combine_intent(
                    reading["intent"], reading["certain"], scores, policy
                )
                certain = reading["certain"] and not doubt and intent == reading["intent"]
            want = row["expect"]["intent"]
            seen[row["part"]] += 1
            right[row["part"]] += intent == want
            posted = intent in POSTS and certain and "question" not in reading["guessed"]
            cw += (not slash) and posted and intent != want
        per = "  ".join(f"{p} {right[p] / seen[p]:.3f}" for p in sorted(seen))
        total = sum(right.values()) / sum(seen.values())
        print(f"{name:<40} intent {total:.3f} ({per})  certain&wrong {cw}", flush=True)


def main(argv: list[str]) -> int:
    rows = build.load_rows()
    mode = argv[1] if len(argv) > 1 else "alone"
    if mode == "alone":
        cs = [float(c) for c in option(argv, "--c", "1,3,10,30").split(",")]
        drop = tuple(d for d in option(argv, "--drop", "").split(",") if d)
        alone(rows, cs, float(option(argv, "--prune", str(build.PRUNE))), drop)
    elif mode == "combined":
        variants = [v for v in option(argv, "--variants", "").split(";") if v]
        combined(rows, float(option(argv, "--c", str(build.C))), variants)
    elif mode == "simulate":
        rules = Path(option(argv, "--rules", "/tmp/im_rules54"))
        simulate(rows, float(option(argv, "--c", str(build.C))), rules)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
