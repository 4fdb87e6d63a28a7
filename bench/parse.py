"""Accuracy and speed of the message parser on the labelled examples.

    .venv/bin/python bench/parse.py [PATH_TO_parse_examples.jsonl] [--repeat N]

Reads ``../shared/corpus/parse_examples.jsonl`` (relative to the repository) by default.
Reports accuracy per key and per whole message (only the keys under ``expect`` are
checked; a null expected must be null), lists the failures, then the speed on one core:
messages per second, p50 and p99 latency.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.understanding import load_gazetteer, understand

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "parse_examples.jsonl"


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    repeat = 50
    if "--repeat" in argv:
        repeat = int(argv[argv.index("--repeat") + 1])
        args = [a for a in args if a != str(repeat)]
    path = Path(args[0]) if args else DEFAULT
    if not path.exists():
        print(f"no corpus at {path}")
        return 2
    examples = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]

    t0 = time.perf_counter()
    gazetteer = load_gazetteer()
    load_s = time.perf_counter() - t0

    per_key_ok: Counter[str] = Counter()
    per_key_all: Counter[str] = Counter()
    failures: list[str] = []
    whole_ok = 0
    for ex in examples:
        got = understand(ex["text"], datetime.fromisoformat(ex["now"]), gazetteer).to_contract()
        bad = []
        for key, want in ex["expect"].items():
            per_key_all[key] += 1
            if got.get(key) == want:
                per_key_ok[key] += 1
            else:
                bad.append(f"{key}: want {want!r} got {got.get(key)!r}")
        if bad:
            failures.append(f"{ex.get('id', '?')} {ex['text']!r}\n    " + "\n    ".join(bad))
        else:
            whole_ok += 1

    print(f"corpus: {path} ({len(examples)} messages)")
    print(f"whole message: {whole_ok}/{len(examples)} = {whole_ok / len(examples):.1%}")
    for key in sorted(per_key_all):
        ok, total = per_key_ok[key], per_key_all[key]
        print(f"  {key:<10} {ok:>3}/{total:<3} {ok / total:.1%}")
    if failures:
        print("failures:")
        for failure in failures:
            print("  " + failure)

    # Speed, one core, gazetteer already loaded.
    latencies: list[float] = []
    texts = [(ex["text"], datetime.fromisoformat(ex["now"])) for ex in examples]
    start = time.perf_counter()
    for _ in range(repeat):
        for text, now in texts:
            t = time.perf_counter()
            understand(text, now, gazetteer)
            latencies.append(time.perf_counter() - t)
    total = time.perf_counter() - start
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(f"gazetteer load: {load_s * 1000:.0f} ms ({len(gazetteer)} communes)")
    print(
        f"speed: {len(latencies) / total:,.0f} msg/s over {len(latencies)} parses; "
        f"p50 {p50:.3f} ms, p99 {p99:.3f} ms"
    )
    return 0 if not failures else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
