"""Guard for speed work on the parser: the readings must not change.

    .venv/bin/python bench/parse_identity.py record SNAPSHOT.json   # before a change
    .venv/bin/python bench/parse_identity.py check SNAPSHOT.json    # after it: exit 1 on a change

Reads every message of the contract's examples and of ``tests/corpus/*.jsonl`` (at their own
``now``), and every string literal of the test modules (at a fixed ``now``), with the gazetteer
focused on 1 association and on 5,000 (random points, seed 10, as ``bench/parse.py``). For each
it keeps ``repr`` of the whole reading (every field: the contract's keys, ``what``,
``confidence``, ``guessed``…), of ``understand_details``, ``understand_correction`` and
``understand_amount``, and of the text layer the speed work touches (``canonical``,
``readable``, ``fold`` with its index map, ``key``, ``Gazetteer.find_in``).

The snapshot holds held-out readings: keep it outside the repository. ``check`` prints a
changed corpus row by its id only (the held-out rows are never shown), a test string in full.
"""

from __future__ import annotations

import ast
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.understanding import (  # noqa: E402
    Gazetteer,
    load_gazetteer,
    understand,
    understand_amount,
    understand_correction,
    understand_details,
)
from handlers.understanding.text import canonical, fold, key, readable  # noqa: E402

CORPORA = [ROOT / ".." / "shared" / "corpus" / "parse_examples.jsonl"]
CORPORA += sorted((ROOT / "tests" / "corpus").glob("*.jsonl"))
NOW = datetime.fromisoformat("2026-12-01T09:00:00+01:00")
FRANCE = (42.3, 51.0, -4.5, 7.8)

Case = tuple[str, str, datetime]  # (label shown on a change, text, now)


def corpus_cases() -> Iterator[Case]:
    for path in CORPORA:
        if not path.exists():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                row = json.loads(line)
                label = f"{path.name}:{row.get('id', n)}"
                yield label, str(row["text"]), datetime.fromisoformat(str(row["now"]))


def test_string_cases() -> Iterator[Case]:
    """Every string literal of the test modules: the messages the tests read, and more."""
    seen: set[str] = set()
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if text.strip() and len(text) < 3000 and text not in seen:
                    seen.add(text)
                    yield f"{path.name}: {text!r}", text, NOW


def networks() -> dict[str, Gazetteer]:
    rng = random.Random(10)
    south, north, west, east = FRANCE
    points = [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(5000)]
    base = load_gazetteer()
    return {"1": base.with_focus(points[:1]), "5000": base.with_focus(points)}


def readings(text: str, now: datetime, gazetteers: dict[str, Gazetteer]) -> list[str]:
    folded = fold(canonical(text))
    out = [
        repr(canonical(text)),
        repr(readable(text)),
        repr(folded),
        repr(key(text)),
        repr(understand_amount(text)),
    ]
    for name, gazetteer in gazetteers.items():
        out += [
            f"{name} {understand(text, now, gazetteer)!r}",
            f"{name} {understand(text, now, gazetteer).to_contract()!r}",
            f"{name} {understand_details(text, now, gazetteer)!r}",
            f"{name} {understand_correction(text, now, gazetteer)!r}",
            f"{name} {gazetteer.find_in(text)!r}",
        ]
    return out


def snapshot() -> dict[str, list[str]]:
    gazetteers = networks()
    cases = list(corpus_cases()) + list(test_string_cases())
    result: dict[str, list[str]] = {}
    for label, text, now in cases:
        # The key hides the text (held-out rows); a corpus label names only its row.
        digest = hashlib.sha256(f"{label}\n{text}\n{now.isoformat()}".encode()).hexdigest()
        result[digest[:24]] = [label, *readings(text, now, gazetteers)]
    return result


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in {"record", "check"}:
        print(__doc__)
        return 2
    path = Path(argv[2])
    current = snapshot()
    if argv[1] == "record":
        path.write_text(json.dumps(current, ensure_ascii=False), encoding="utf-8")
        print(f"recorded {len(current)} messages, {sum(map(len, current.values()))} readings")
        return 0
    before: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
    changed = [k for k in before if k in current and current[k] != before[k]]
    gone = [k for k in before if k not in current]  # a test string edited or removed
    added = [k for k in current if k not in before]  # a new test string: nothing to compare
    for k in changed[:20]:
        print(f"changed: {current[k][0]}")
    print(
        f"{len(before)} messages before, {len(current)} now: {len(changed)} changed, "
        f"{len(gone)} no longer read, {len(added)} new"
    )
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
