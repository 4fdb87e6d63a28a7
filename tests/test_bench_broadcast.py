"""A smoke test of the broadcast benchmark's measuring function (the bench itself is slow)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "broadcast.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_broadcast", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_broadcast", module)
    spec.loader.exec_module(module)
    return module


def test_measure_counts_lost_duplicates_rate_and_first_delivery() -> None:
    bench = load_bench()
    sent = [(chat, 10.0 + index / 29) for index, chat in enumerate([1, 2, 3, 3, 5])]
    report = bench.measure([1, 2, 3, 4, 5], sent, posted_at=9.8, rate_limited=2)
    assert report.delivered == 4 and report.lost == 1 and report.duplicated == 1
    assert report.first_delivery_s == pytest.approx(0.2)
    assert report.rate_per_s == pytest.approx(29)
    assert report.rate_fraction == pytest.approx(29 / 30)
    assert report.rate_limited == 2
