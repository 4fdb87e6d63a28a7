"""Rebuild ``prefilter.json``, the prebuilt derivations of the parser's patterns (issue 12).

Each pattern the prefilter gates (``prefilter._Entry``) is derived from its parse tree: its
gate's heads, its twin's source, its possible starts, its opening class. A start read ~250
of them, ~0.1 s; the index holds them as plain JSON keyed by each pattern's source and flags.
The patterns are those the package builds at import and those a reading reaches (the
messages of ``tests/corpus/dev*.jsonl`` through every reader). Run after a change to the
patterns or to ``prefilter.derived`` (``tests/test_understanding_prefilter_index.py`` fails
until then; meanwhile the patterns not in it are derived at start, slower, same gates)::

    .venv/bin/python handlers/understanding/data/build_prefilter_index.py
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from handlers.understanding import (  # noqa: E402
    load_gazetteer,
    prefilter,
    read_reply,
    understand,
    understand_amount,
    understand_correction,
    understand_details,
)

HERE = Path(__file__).parent


def reached_patterns() -> list[re.Pattern[str]]:
    """Every pattern with a prefilter entry once the corpus has been read every way."""
    gazetteer = load_gazetteer()
    for path in sorted((ROOT / "tests" / "corpus").glob("dev*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            text, now = str(row["text"]), datetime.fromisoformat(str(row["now"]))
            understand(text, now, gazetteer)
            understand_details(text, now, gazetteer)
            understand_correction(text, now, gazetteer)
            understand_amount(text)
            read_reply(text, now, gazetteer)
    return [entry.pattern for entry in prefilter._ENTRIES.values()]


def main() -> int:
    text = prefilter.index_json(reached_patterns())
    target = HERE / prefilter.INDEX_FILE
    target.write_text(text, encoding="utf-8")
    print(f"{target.relative_to(ROOT)}: {text.count(chr(10)) - 1} patterns, {len(text):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
