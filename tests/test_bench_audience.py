"""The audience benchmark on a reduced network: it builds, publishes real messages through the
dispatcher, and reports audiences that the rule would give (a smoke run, not the figures)."""

from __future__ import annotations

import pytest

from bench import audience as bench
from bench.network import OCCITANIE, Sizes, build_network
from handlers.understanding import Gazetteer


def test_the_network_is_deterministic_and_of_the_asked_size(gazetteer: Gazetteer) -> None:
    sizes = Sizes(associations=200, members_per_association=2, posts=1_000)
    first = build_network(gazetteer, bench.NOW, sizes, seed=5)
    again = build_network(gazetteer, bench.NOW, sizes, seed=5)
    other = build_network(gazetteer, bench.NOW, sizes, seed=6)
    assert first == again and first != other
    assert (len(first.associations), len(first.members), len(first.posts)) == (200, 400, 1_000)
    departments = {c.department for c in gazetteer.communes_of(OCCITANIE)}
    assert departments == set(OCCITANIE)
    assert 0.02 < sum(p.status == "open" for p in first.posts) / 1_000 < 0.09


def test_a_smoke_run_reports_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    bench.main(["--associations", "150", "--network-posts", "800", "--posts", "6"])
    out = capsys.readouterr().out
    for line in ("network: 150 associations, 300 members, 800 posts", "computed", "queued"):
        assert line in out
    assert "associations reached per post: median" in out
    # 150 associations spread over a region: some posts reach someone, none reach everyone.
    assert "max 0;" not in out
