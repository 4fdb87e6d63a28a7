"""The parsing benchmark on a small corpus of its own: accuracy per file and per tag, failures
on request, and the rate with 1 and with 5,000 associations."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "parse.py"
NOW = "2026-12-01T09:00:00+01:00"
ROWS = [
    {
        "id": "t1",
        "now": NOW,
        "text": "Besoin de 30 kg de riz pour vendredi, Narbonne",
        "expect": {"intent": "need", "quantity": 30, "unit": "kg", "place": "Narbonne"},
        "tags": ["plain"],
    },
    {
        "id": "t2",
        "now": NOW,
        "text": "merci beaucoup !",
        "expect": {"intent": "need"},  # deliberately wrong: a failure to report
        "tags": ["chat", "plain"],
    },
]


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_parse", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_parse", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def corpora(tmp_path: Path) -> list[Path]:
    paths = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    for path in paths:
        path.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n", encoding="utf-8")
    return paths


def test_reports_each_file_per_tag_and_both_network_sizes(
    corpora: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status = load_bench().main(["parse.py", *map(str, corpora), "--repeat", "1", "--homonyms", "5"])
    out = capsys.readouterr().out
    assert status == 0  # only the contract's examples decide the exit status
    assert out.count("whole message: 1/2 = 50.0%") == 2
    assert "  intent " in out
    assert "plain" in out and "chat" in out  # per tag
    assert "'merci beaucoup !'" in out  # small files list their failures
    assert "1 association" in out and "5,000 associations, France" in out
    assert "5,000 associations, Occitanie" in out and "x1.00" in out


def test_failures_can_be_hidden(corpora: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    load_bench().main(
        ["parse.py", str(corpora[0]), "--no-failures", "--repeat", "1", "--homonyms", "5"]
    )
    out = capsys.readouterr().out
    assert "merci beaucoup" not in out
    assert "failures: 1 (listed with --failures)" in out
