"""The reply-latency benchmark, in its smoke mode: both bots answer every message, the figures
are sane. The Boucle/echo ratio is not asserted (timing on a shared CI machine is noise)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "reply.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_reply", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_reply", module)
    spec.loader.exec_module(module)
    return module


def test_percentile_interpolates_between_ranks() -> None:
    bench = load_bench()
    values = [0.004, 0.001, 0.003, 0.002, 0.005]
    assert bench.percentile(values, 0.5) == pytest.approx(0.003)
    assert bench.percentile(values, 0.99) == pytest.approx(0.00496)
    assert bench.percentile(values, 1.0) == pytest.approx(0.005)
    assert math.isnan(bench.percentile([], 0.5))


def test_plan_mixes_every_kind_and_keeps_rounds_in_one_association() -> None:
    bench = load_bench()
    steps = bench.plan(members=18, sequential=8, concurrent=8, width=4, seed=3)
    sequential, concurrent = steps[:8], steps[8:]
    kinds = [step.kinds[0] for step in sequential]
    assert sorted(kinds[:4]) == sorted(kinds[4:]) == sorted(bench.KINDS)
    assert [step.writers[0] for step in sequential] == list(range(8))
    for step in concurrent:
        assert len(set(step.writers)) == len(step.writers) == 4
        assert len({writer % 3 for writer in step.writers}) == 1  # one association
    assert steps == bench.plan(members=18, sequential=8, concurrent=8, width=4, seed=3)


async def test_fast_run_answers_every_message_with_sane_latencies() -> None:
    bench = load_bench()
    options = bench.Options.fast()
    report = await bench.run(options)
    assert report.complete(options), [
        (phase.bot, phase.mode, len(phase.samples), phase.sends, phase.expected_sends)
        for phase in report.phases
    ]
    for phase in report.phases:
        latencies = [latency for _, latency in phase.samples]
        assert all(0 < latency < bench.STEP_TIMEOUT_S for latency in latencies), phase
        stats = phase.stats
        assert 0 < stats.p50 <= stats.p95 <= stats.p99 <= stats.max
    boucle_kinds = {kind for kind, _ in report.boucle_sequential.samples}
    assert boucle_kinds == set(bench.KINDS)
    # The fake ends a waiting long poll at once: a reply never waits for a poll to expire
    # (the echo bot polls with a 10 s timeout, Boucle with 25 s).
    assert report.echo_sequential.stats.max < 5.0
    assert report.boucle_sequential.stats.max < 5.0
    assert math.isfinite(report.ratio("sequential", "p99"))
