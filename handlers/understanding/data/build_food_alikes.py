"""Rebuild ``food_alikes.txt``: everyday words one slip away from goods (issue 10, tune10b).

The parser reads a word that names no goods as the goods one slip away (`foods.slip_category`:
« huille » is huile, « farrine » farine). Everyday words are one slip away from goods too
(« patte » from pâtes, « sucrée » from sucre, « pommée » from pomme): this file
lists them, one folded word a line, and such a word is read as goods only right after an
amount and « de » (« 40 paquets de patte »). A word is listed when it is frequent in French
or English (``wordfreq``'s Zipf frequency ≥ 2, about once in ten million words: slips such as
« huille », « farrine » are far below), has five letters or more and `slip_category` gives it
a category.

Source: PyPI ``wordfreq`` (code Apache-2.0, data CC-BY-SA 4.0), as for ``sound_alikes.txt``.
Only the list of words is stored, no frequency. Run it in a throw-away venv (it is not a
dependency of Boucle)::

    python -m venv /tmp/wfenv && /tmp/wfenv/bin/pip install wordfreq
    PYTHONPATH=. /tmp/wfenv/bin/python handlers/understanding/data/build_food_alikes.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from handlers.understanding import foods  # noqa: E402
from handlers.understanding.text import canonical, fold  # noqa: E402

MIN_ZIPF = 2.0
_WORD = re.compile(f"[a-z]{{{foods.MISSPELT_MIN_LETTERS},}}")


def main() -> int:
    from wordfreq import iter_wordlist, zipf_frequency

    found: set[str] = set()
    for lang in ("fr", "en"):
        for word in iter_wordlist(lang, "best"):
            if zipf_frequency(word, lang) < MIN_ZIPF:
                break  # the list runs from the most frequent down
            key = fold(canonical(word)).text
            if _WORD.fullmatch(key) and foods.slip_category(key) is not None:
                found.add(key)
    foods.FOOD_ALIKES.write_text("".join(f"{w}\n" for w in sorted(found)), encoding="utf-8")
    print(f"{foods.FOOD_ALIKES.relative_to(ROOT)}: {len(found):,} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
