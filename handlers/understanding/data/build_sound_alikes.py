"""Rebuild ``sound_alikes.txt``: everyday words that sound like a town (issue 10).

The gazetteer reads a misspelt town by its sound (``gazetteer.sound_key``: « narbone » is
Narbonne) when no name matched exactly. Everyday words sound like towns too (« aurait » like
Auray, « avant » like Avanne-Aveney, « avons » like Avon): this file lists them, one folded word
a line, and such a word is never read as a misspelt town. A word is listed when it is frequent
in French or English (``wordfreq``'s Zipf frequency ≥ 2, about once in ten million words:
misspellings such as « perpignant », « castelsarazin » are far below), has five letters or more,
is not itself a commune's name, and sounds like a name of ``by_sound``.

Source: PyPI ``wordfreq`` (code Apache-2.0, data CC-BY-SA 4.0), as for the communes' ``common``
flag (data/README.md). Only the list of colliding words is stored, no frequency. Run it in a
throw-away venv (it is not a dependency of Boucle)::

    python -m venv /tmp/wfenv && /tmp/wfenv/bin/pip install wordfreq
    PYTHONPATH=. /tmp/wfenv/bin/python handlers/understanding/data/build_sound_alikes.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from handlers.understanding import gazetteer  # noqa: E402
from handlers.understanding.text import canonical, fold  # noqa: E402

HERE = Path(__file__).parent
MIN_ZIPF = 2.0
_WORD = re.compile(f"[a-z]{{{gazetteer._SOUND_MIN_LETTERS},}}")


def main() -> int:
    from wordfreq import iter_wordlist, zipf_frequency

    data = gazetteer._load_data()
    found: set[str] = set()
    for lang in ("fr", "en"):
        for word in iter_wordlist(lang, "best"):
            if zipf_frequency(word, lang) < MIN_ZIPF:
                break  # the list runs from the most frequent down
            key = fold(canonical(word)).text
            if not _WORD.fullmatch(key) or key in data.by_key or key in data.by_prefix:
                continue
            if gazetteer.sound_key(key) in data.by_sound:
                found.add(key)
    target = HERE / gazetteer._SOUND_ALIKES_FILE
    target.write_text("".join(f"{w}\n" for w in sorted(found)), encoding="utf-8")
    print(f"{target.relative_to(ROOT)}: {len(found):,} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
