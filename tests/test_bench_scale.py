"""bench/scale.py in its smoke mode: the rows asked run, and every printed row has its target
and a verdict (met, NOT met, or not measured with a reason). Figures are not asserted: timing
on a shared machine is noise; the bench is what must not break."""

from __future__ import annotations

import re

import pytest

from bench import scale

# One row of each sort: built network, Boucle vs echo through the fake Bot API, in-process
# fan-out (and the outbox bytes it leaves), another branch's hook.
ROWS = ("build", "chat-cpu", "reply-p99", "fanout", "outbox", "sender-pick", "tick")
ROW_LINE = re.compile(
    r"^(?P<key>[a-z0-9-]+) +(?P<what>.+?): (?P<figure>.+) \| target (?P<target>.+)"
    r" \| (?P<verdict>met|NOT met|not measured: .+)$"
)


def test_the_rows_are_unique_and_each_has_a_target() -> None:
    keys = [row.key for row in scale.ROWS]
    assert len(keys) == len(set(keys)) and set(ROWS) <= set(keys)
    assert all(row.target and row.what for row in scale.ROWS)


def test_a_fast_run_prints_every_row_with_a_target_and_a_verdict(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The other branches' rows as before their merge (their own tests time them): quick here.
    monkeypatch.setattr(scale, "_hook", lambda module, name: None)
    assert scale.main(["--fast", "--only", ",".join(ROWS)]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.split(" ", 1)[0] in ROWS]
    found = {}
    for line in lines:
        match = ROW_LINE.match(line)
        assert match is not None, line
        found[match["key"]] = match
    assert set(found) == set(ROWS), out
    for key in ("build", "chat-cpu", "reply-p99", "fanout", "outbox"):
        assert not found[key]["verdict"].startswith("not measured"), found[key].string
        assert "failed" not in found[key]["figure"], found[key].string
    assert "× echo" in found["chat-cpu"]["target"]
    assert re.search(r"\(\d+\.\d\d×", found["chat-cpu"]["figure"])
    # The Markdown summary has one line per row, each with a verdict.
    table = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(table) == len(ROWS) + 1


def test_a_missing_hook_is_reported_not_measured() -> None:
    assert scale._hook("bench.no_such_module", "measure") is None
    verdict = scale.not_measured("branch x not merged")
    assert verdict.met is None and verdict.word == "not measured: branch x not merged"
    assert scale.Verdict("1 ms", True).word == "met"
    assert scale.Verdict("9 ms", False).word == "NOT met"
