"""Cross-validation of the learned intent signal, on the development files only.

    .venv/bin/python bench/intent_cv.py alone [--c 1,3,10,30] [--prune 0.02] [--drop b:,s:]
    .venv/bin/python bench/intent_cv.py combined [--c 10]
    .venv/bin/python bench/intent_cv.py simulate [--c 10] [--rules PATH]
    .venv/bin/python bench/intent_cv.py grid [--c 10] [--rules PATH] [--top 20]
    (any mode) --no-extra: without the rows written only to train the model

The rows written only to train the model (``tests/corpus/intent_train_e.jsonl``,
``build.TRAIN_ONLY``) are in every training set and in no test set.

``alone``: the model by itself, leave-one-author-out (A, B, C, D, F, G; A and B share dev.jsonl)
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
model trained on dev.jsonl (and the training-only rows), as each policy would. Intent accuracy
and certain-and-wrong.

``grid``: how ``parser.LEARNED`` is chosen. Every policy of a grid (``override``,
``override_post``, ``keep_above``, ``override_action``) on both measures: ``simulate``'s (what the
model adds to rules that never saw the messages; it favours overriding) and out of fold on the
shipped rules (``combined``'s, what the model breaks where rules tuned on these rows are right;
it favours overriding nothing). Ranked by the mean of the two intent accuracies; the wired
policy and the rules alone are shown first.

The held-out file is never read here.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
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


def measured(row: Row) -> bool:
    """A row of the development files (not one written only to train the model)."""
    return row["part"] not in build.TRAIN_ONLY


def folds(rows: list[Row], by: str) -> list[tuple[str, list[int], list[int]]]:
    """(group, rows to train on, rows to test on) per group; training-only rows are always
    trained on and never tested on."""
    groups = sorted({r[by] for r in rows if measured(r)})
    return [
        (
            g,
            [i for i, r in enumerate(rows) if r[by] != g],
            [i for i, r in enumerate(rows) if r[by] == g and measured(r)],
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

    tested = [r for r in rows if measured(r)]
    print("rules alone (the parser without the model):")
    print(figures(tested, read_all(tested, None)), flush=True)
    models = out_of_fold_models(rows, c)
    wired = parser.LEARNED
    for variant in ["wired", *variants]:
        if variant != "wired":
            parser.LEARNED = wired.with_changes(variant)
        print(f"rules + out-of-fold model ({variant}: {parser.LEARNED}):")
        print(figures(tested, read_all(tested, models)), flush=True)
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


@dataclass(frozen=True)
class Case:
    """One message as a policy sees it: the rules' reading, the model's scores."""

    part: str
    want: str
    rule_intent: str
    rule_certain: bool
    question: bool  # "question" in the rules' guesses: never published at once
    slash: bool
    scores: dict[str, float]
    post_number: bool  # a post number the parser would give a claim, done or cancel


def cases(rows: list[Row], readings: list[dict[str, Any]], models: dict[str, Any]) -> list[Case]:
    """``readings``: the rules' (intent, certain, guessed) of each row; ``models``: the model
    that reads each row, by author (a row is never read by a model trained on it)."""
    from handlers.understanding.refs import post_number
    from handlers.understanding.text import fold, readable

    out = []
    for row, reading in zip(rows, readings, strict=True):
        text = str(row["text"])
        folded = build.folded(text)
        out.append(
            Case(
                part=row["part"],
                want=str(row["expect"]["intent"]),
                rule_intent=reading["intent"],
                rule_certain=reading["certain"],
                question="question" in reading["guessed"],
                slash=folded.lstrip().startswith("/"),
                scores=models[row["author"]].scores(folded),
                post_number=post_number(fold(readable(text)), 0, named=True) is not None,
            )
        )
    return out


def decide(case: Case, policy: Any) -> tuple[str, bool]:
    """(intent, published at once) of a case under a policy (None: the rules alone;
    "model": the model alone for free text)."""
    from handlers.understanding.parser import ACTIONS, combine_intent

    if policy is None or case.slash:
        intent, certain = case.rule_intent, case.rule_certain
    elif policy == "model":
        intent, certain = max(case.scores, key=lambda k: case.scores[k]), True
    else:
        best = max(case.scores, key=lambda k: case.scores[k])
        found = best not in ACTIONS or case.post_number
        intent, doubt = combine_intent(
            case.rule_intent,
            case.rule_certain,
            case.scores,  # type: ignore[arg-type]
            policy,
            found,
        )
        certain = case.rule_certain and not doubt and intent == case.rule_intent
    return intent, intent in POSTS and certain and not case.question


@dataclass(frozen=True)
class Outcome:
    right: dict[str, int]
    seen: dict[str, int]
    certain_wrong: int

    @property
    def intent(self) -> float:
        return sum(self.right.values()) / sum(self.seen.values())

    def per_part(self) -> str:
        return "  ".join(f"{p} {self.right[p] / self.seen[p]:.3f}" for p in sorted(self.seen))


def outcome(found: list[Case], policy: Any) -> Outcome:
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    certain_wrong = 0
    for case in found:
        intent, published = decide(case, policy)
        seen[case.part] += 1
        right[case.part] += intent == case.want
        certain_wrong += (not case.slash) and published and intent != case.want
    return Outcome(dict(right), dict(seen), certain_wrong)


def policy_grid() -> dict[str, Any]:
    from handlers.understanding.parser import LearnedPolicy

    policies: dict[str, Any] = {}
    for override in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        for post in (0.5, 0.6, 0.7, 0.8, 0.9, 1.01):
            for keep in (0.1, 0.2, 1.01):
                for action in (0.5, 0.7, 0.9):
                    name = f"override {override} post {post} keep {keep} action {action}"
                    policies[name] = LearnedPolicy(
                        override=override,
                        override_post=post,
                        keep_above=keep,
                        override_action=action,
                        doubt_below=0.3,
                    )
    return policies


def simulated_cases(rows: list[Row], c: float, rules: Path) -> list[Case]:
    """C and D read by the rules of 54a1ca9 (which never saw them), scored by a model trained
    on dev.jsonl and the training-only rows."""
    train = [r for r in rows if r["part"] == "dev" or not measured(r)]
    test = [r for r in rows if r["part"] != "dev" and measured(r)]
    model = build.fitted_model(
        [build.folded(str(r["text"])) for r in train],
        [str(r["expect"]["intent"]) for r in train],
        c,
    )
    return cases(test, old_readings(test, rules), {r["author"]: model for r in test})


def out_of_fold_cases(rows: list[Row], c: float) -> list[Case]:
    """dev, C and D read by the shipped rules (tuned on them), scored out of fold."""
    from handlers.understanding import load_gazetteer, parser, understand

    tested = [r for r in rows if measured(r)]
    gazetteer = load_gazetteer()
    wired = parser.LEARNED
    readings = []
    try:
        parser.LEARNED = None
        for row in tested:
            u = understand(str(row["text"]), datetime.fromisoformat(str(row["now"])), gazetteer)
            readings.append({"intent": u.intent, "certain": u.certain, "guessed": u.guessed})
    finally:
        parser.LEARNED = wired
    return cases(tested, readings, out_of_fold_models(rows, c))


def simulate(rows: list[Row], c: float, rules: Path) -> None:
    found = simulated_cases(rows, c, rules)
    policies: dict[str, Any] = {"rules alone": None, "model alone": "model", **policy_grid()}
    for name, policy in policies.items():
        o = outcome(found, policy)
        print(
            f"{name:<40} intent {o.intent:.3f} ({o.per_part()})  certain&wrong {o.certain_wrong}",
            flush=True,
        )


def grid(rows: list[Row], c: float, rules: Path, top: int) -> None:
    """Every policy of the grid on both measures: ``simulate`` (what the model adds to rules
    that never saw the messages) and out of fold on the shipped rules (what it breaks where
    the rules are right); ranked by their mean."""
    from handlers.understanding import parser

    simulated = simulated_cases(rows, c, rules)
    tuned = out_of_fold_cases(rows, c)
    policies: dict[str, Any] = {
        "rules alone": None,
        f"wired {parser.LEARNED}": parser.LEARNED,
        **policy_grid(),
    }
    ranked = []
    for name, policy in policies.items():
        a, b = outcome(simulated, policy), outcome(tuned, policy)
        ranked.append(((a.intent + b.intent) / 2, name, a, b))
    shown = [r for r in ranked if not r[1].startswith("override")]
    shown += sorted((r for r in ranked if r[1].startswith("override")), reverse=True)[:top]
    for mean, name, a, b in shown:
        print(
            f"{name[:60]:<60} mean {mean:.4f} | simulated {a.intent:.3f} cw {a.certain_wrong} | "
            f"out of fold {b.intent:.3f} ({b.per_part()}) cw {b.certain_wrong}",
            flush=True,
        )


def main(argv: list[str]) -> int:
    # --no-extra: without the training-only rows (build.TRAIN_ONLY), to measure what they add
    rows = build.load_rows(build.PARTS if "--no-extra" in argv else build.PARTS + build.TRAIN_ONLY)
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
    elif mode == "grid":
        rules = Path(option(argv, "--rules", "/tmp/im_rules54"))
        top = int(option(argv, "--top", "20"))
        grid(rows, float(option(argv, "--c", str(build.C))), rules, top)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
