"""The prefilter's prebuilt derivations (data/prefilter.json, issue 12: the start time)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from handlers.understanding import prefilter

ROOT = Path(__file__).resolve().parents[1]
INDEX = ROOT / "handlers" / "understanding" / "data" / prefilter.INDEX_FILE


def test_each_entry_is_what_the_pattern_derives() -> None:
    """Stale entries fail here: rebuild with data/build_prefilter_index.py."""
    data = json.loads(INDEX.read_text(encoding="utf-8"))
    assert data["version"] == prefilter.INDEX_VERSION
    index = prefilter.read_index(INDEX.read_text(encoding="utf-8"))
    assert len(index) == len(data["entries"]) > 200
    for (source, flags), found in index.items():
        assert found == prefilter.derived(re.compile(source, flags)), source


def test_a_start_and_first_readings_derive_nothing_and_compile_few_twins() -> None:
    """In a fresh interpreter (any hash seed): every pattern gated at import or by a reading
    is in the index, and the twins of the patterns that did not open stay uncompiled."""
    probe = (
        "from datetime import datetime\n"
        "from handlers.understanding import load_gazetteer, prefilter, understand\n"
        "now = datetime.fromisoformat('2026-12-01T09:00:00+01:00')\n"
        "g = load_gazetteer()\n"
        "for text in ('on a 20 kg de pommes à Limoux', 'besoin de riz à Albi pour vendredi',\n"
        "             '/prendre 7', 'merci !'):\n"
        "    understand(text, now, g)\n"
        "entries = prefilter._ENTRIES.values()\n"
        "waiting = sum(e.twin is prefilter._LATER for e in entries)\n"
        "print(len(prefilter.missed), waiting, sum(e.twin_source is not None for e in entries))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONHASHSEED="7")
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    missed, waiting, twins = map(int, done.stdout.split())
    assert missed == 0
    assert twins > 100 and waiting > twins // 2
