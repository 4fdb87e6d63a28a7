"""Rebuild ``communes.idx``, the prebuilt index of ``communes.tsv.gz`` (issue 12).

Run after any change to ``communes.tsv.gz`` or to what ``gazetteer._parse`` makes of it
(``tests/test_understanding_gazetteer_index.py`` fails until then; meanwhile the bot parses
the data file, slower but with the same answers)::

    .venv/bin/python handlers/understanding/data/build_gazetteer_index.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from handlers.understanding import gazetteer  # noqa: E402

HERE = Path(__file__).parent


def main() -> int:
    index = gazetteer._index_bytes((HERE / gazetteer._DATA_FILE).read_bytes())
    target = HERE / gazetteer._INDEX_FILE
    target.write_bytes(index)
    print(f"{target.relative_to(ROOT)}: {len(index):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
