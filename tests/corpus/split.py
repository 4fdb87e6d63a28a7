"""Split the raw labelled messages ONCE into a development part and a held-out part.

    .venv/bin/python tests/corpus/split.py raw_a.jsonl raw_b.jsonl

Run once, on 2026-11-29 (see README.md here); never rerun to reshuffle. Stratified by
(author corpus, intent), after dropping the later copies of a text written by both authors (a
bare « /aide »): within each stratum, rows are shuffled with a fixed seed and 30 % go to
the held-out part. Writes dev.jsonl and heldout.jsonl beside this file.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261129
HELD_OUT_SHARE = 0.3


def main(paths: list[str]) -> None:
    strata: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    seen: set[str] = set()
    for name in paths:
        for line in (HERE / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row["text"] in seen:
                    continue
                seen.add(row["text"])
                strata[(name, row["expect"]["intent"])].append(row)
    rng = random.Random(SEED)
    dev: list[dict[str, object]] = []
    held_out: list[dict[str, object]] = []
    for key in sorted(strata):
        rows = strata[key]
        rng.shuffle(rows)
        cut = round(len(rows) * HELD_OUT_SHARE)
        held_out += rows[:cut]
        dev += rows[cut:]
    for part, rows in (("dev", dev), ("heldout", held_out)):
        rows.sort(key=lambda r: str(r["id"]))
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (HERE / f"{part}.jsonl").write_text(text, encoding="utf-8")
        print(part, len(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
