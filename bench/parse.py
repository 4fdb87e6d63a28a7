"""Accuracy and speed of the message parser, at the network's scale.

    .venv/bin/python bench/parse.py [CORPUS.jsonl ...] [--failures | --no-failures]
                                    [--repeat N] [--homonyms N] [--seed N] [--profile]

Corpora: the paths given, else ``../shared/corpus/parse_examples.jsonl`` (the contract's
examples) plus the development files of ``tests/corpus`` (dev, dev_extra_c, d, f, g)
and ``heldout.jsonl`` when they exist.
For each file: accuracy per key and per whole message (only the keys under ``expect`` are
checked; a null expected must be null), and per tag when rows have ``tags``. Failures are
listed for files of at most 100 messages (the contract's 48 examples), for every file with
``--failures``, for none with ``--no-failures``.

Speed, on one core: every message of the corpora parsed ``--repeat`` times (default: enough
for ~5,000 parses) with the gazetteer focused on 1 association, on 5,000 associations spread
over France and on 5,000 in one region (random points, seeded), passes interleaved so that a
busy machine slows every network alike; then the same on messages that each name a commune
whose name several communes share (``--homonyms``, default 300), first reading (the name is
resolved) and later ones. Prints messages per CPU-second (the rate of one core even when
others preempt us) and per wall-clock second, p50 and p99 latency, and the rate's ratio to
1 association. ``--profile`` adds the parser's top costs (cProfile, 5,000 associations in
France, names already met).

Exit status 1 when one of the contract's examples is misread, else 0.
"""

from __future__ import annotations

import cProfile
import io
import json
import math
import pstats
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.understanding import Gazetteer, load_gazetteer, understand  # noqa: E402

CONTRACT_EXAMPLES = ROOT / ".." / "shared" / "corpus" / "parse_examples.jsonl"
CORPUS = ROOT / "tests" / "corpus"
CORPORA = [CONTRACT_EXAMPLES, CORPUS / "dev.jsonl", CORPUS / "dev_extra_c.jsonl"]
CORPORA += [CORPUS / "dev_extra_d.jsonl", CORPUS / "dev_extra_f.jsonl"]
CORPORA += [CORPUS / "dev_extra_g.jsonl", CORPUS / "heldout.jsonl"]
LISTED_UP_TO = 100  # failures shown by default for files this small
PARSES_PER_NETWORK = 5000
FRANCE = (42.3, 51.0, -4.5, 7.8)  # latitudes, longitudes: mainland France's bounding box
OCCITANIE = (42.6, 44.9, -0.3, 4.8)
HOMONYM_MESSAGES = 300
NOW = datetime.fromisoformat("2026-12-01T09:00:00+01:00")

Message = tuple[str, datetime]


@dataclass
class Accuracy:
    messages: int = 0
    whole: int = 0
    key_right: Counter[str] = field(default_factory=Counter)
    key_seen: Counter[str] = field(default_factory=Counter)
    tag_seen: Counter[str] = field(default_factory=Counter)
    tag_whole: Counter[str] = field(default_factory=Counter)
    tag_intent: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def read_corpus(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def measure_accuracy(rows: list[dict[str, object]], gazetteer: Gazetteer) -> Accuracy:
    accuracy = Accuracy()
    for row in rows:
        now = datetime.fromisoformat(str(row["now"]))
        got = understand(str(row["text"]), now, gazetteer).to_contract()
        expect = row["expect"]
        assert isinstance(expect, dict)
        wrong = []
        for key, want in expect.items():
            accuracy.key_seen[key] += 1
            if got.get(key) == want:
                accuracy.key_right[key] += 1
            else:
                wrong.append(f"{key}: want {want!r} got {got.get(key)!r}")
        accuracy.messages += 1
        accuracy.whole += not wrong
        tags = row.get("tags") or []
        assert isinstance(tags, list)
        for tag in tags:
            accuracy.tag_seen[tag] += 1
            accuracy.tag_whole[tag] += not wrong
            accuracy.tag_intent[tag] += got.get("intent") == expect.get("intent")
        if wrong:
            detail = "\n    ".join(wrong)
            accuracy.failures.append(f"{row.get('id', '?')} {row['text']!r}\n    {detail}")
    return accuracy


def report_accuracy(path: Path, accuracy: Accuracy, list_failures: bool) -> None:
    n = accuracy.messages
    print(f"corpus: {path} ({n} messages)")
    print(f"whole message: {accuracy.whole}/{n} = {accuracy.whole / n:.1%}")
    for key in sorted(accuracy.key_seen, key=lambda k: (k != "intent", k)):
        ok, total = accuracy.key_right[key], accuracy.key_seen[key]
        print(f"  {key:<10} {ok:>5}/{total:<5} {ok / total:.1%}")
    if accuracy.tag_seen:
        print(f"  {'tag':<22} {'messages':>8} {'whole':>7} {'intent':>7}")
        for tag in sorted(accuracy.tag_seen):
            seen = accuracy.tag_seen[tag]
            whole, intent = accuracy.tag_whole[tag] / seen, accuracy.tag_intent[tag] / seen
            print(f"  {tag:<22} {seen:>8} {whole:>7.1%} {intent:>7.1%}")
    if accuracy.failures and list_failures:
        print("failures:")
        for failure in accuracy.failures:
            print("  " + failure)
    elif accuracy.failures:
        print(f"failures: {len(accuracy.failures)} (listed with --failures)")


# -- speed ---------------------------------------------------------------------------------
def random_points(
    rng: random.Random, count: int, box: tuple[float, ...]
) -> list[tuple[float, float]]:
    south, north, west, east = box
    return [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(count)]


def homonym_messages(gazetteer: Gazetteer, rng: random.Random, count: int) -> list[Message]:
    """Messages naming, in a place context, a name that several communes share."""
    data = gazetteer._data  # the bench reads the data to find such names; the bot never does
    shared = sorted(k for k, found in data.by_key.items() if len(found) > 1)
    names = rng.sample(shared, min(count, len(shared)))
    return [(f"besoin de 20 kg de riz à {name} pour vendredi", NOW) for name in names]


def every_shared_name_ms(gazetteer: Gazetteer) -> float:
    """What resolving every shared name when the focus is built would cost (the gazetteer
    resolves each one when a message first names it instead)."""
    data = gazetteer._data
    keys = set(data.by_key) | set(data.by_prefix)
    groups = [data.by_key.get(k, ()) + data.by_prefix.get(k, ()) for k in sorted(keys)]
    start = time.perf_counter()
    for group in groups:
        if len(group) > 1:
            gazetteer._best(group)
    return (time.perf_counter() - start) * 1000


@dataclass
class Timing:
    """Latencies of single parses, and the wall-clock and CPU time of whole passes (a shared
    machine preempts us: CPU seconds tell the rate of one core of our own)."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0

    def run(self, messages: list[Message], gazetteer: Gazetteer) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        for text, now in messages:
            t = time.perf_counter()
            understand(text, now, gazetteer)
            self.latencies.append(time.perf_counter() - t)
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu

    def rate(self) -> float:
        return len(self.latencies) / self.cpu

    def summary(self) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)] * 1000
        wall_rate = len(ordered) / self.wall
        return (
            f"{self.rate():>7,.0f} msg/CPU-s {wall_rate:>7,.0f} msg/s  "
            f"p50 {p50:.3f} ms  p99 {p99:.3f} ms"
        )


def measure_speed(
    messages: list[Message], homonyms: list[Message], repeat: int, seed: int
) -> dict[str, Gazetteer]:
    rng = random.Random(seed)
    spread = random_points(rng, 5000, FRANCE)
    regional = random_points(rng, 5000, OCCITANIE)
    base = load_gazetteer()
    networks: dict[str, Gazetteer] = {}
    print("focus (built at each start; shared names resolved when first met):")
    for label, points in [
        ("1 association", spread[:1]),
        ("5,000 associations, France", spread),
        ("5,000 associations, Occitanie", regional),
    ]:
        start = time.perf_counter()
        networks[label] = base.with_focus(points)
        built = (time.perf_counter() - start) * 1000
        eager = every_shared_name_ms(base.with_focus(points))
        print(f"  {label:<30} built in {built:7.1f} ms; every shared name at once {eager:6.0f} ms")

    # First reading of each homonym, then a later one, on freshly built networks.
    first = {label: Timing() for label in networks}
    later = {label: Timing() for label in networks}
    for label, gazetteer in networks.items():
        fresh = gazetteer.with_focus(list(gazetteer.focus))
        first[label].run(homonyms, fresh)
        later[label].run(homonyms, fresh)

    for gazetteer in networks.values():  # warm-up: names met once, caches filled
        Timing().run(messages, gazetteer)
    timings = {label: Timing() for label in networks}
    for _ in range(repeat):
        for label, gazetteer in networks.items():
            timings[label].run(messages, gazetteer)

    parses = repeat * len(messages)
    print(f"speed on one core, {parses:,} parses per network")
    passes = f"{repeat} pass{'es' if repeat > 1 else ''}"
    print(f"({passes} over {len(messages)} messages, interleaved between networks):")
    reference = timings["1 association"].rate()
    for label, timing in timings.items():
        print(f"  {label:<30} {timing.summary()}  x{timing.rate() / reference:.2f}")
    print(f"messages naming a shared commune name ({len(homonyms)}, each a different name):")
    for label in networks:
        print(f"  {label:<30} first {first[label].summary()}")
        print(f"  {'':<30} later {later[label].summary()}")
    return networks


def profile(messages: list[Message], gazetteer: Gazetteer, repeat: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        for text, now in messages:
            understand(text, now, gazetteer)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(15)
    print("profile (5,000 associations in France, by own time):")
    table = out.getvalue()
    print(table[table.index("   ncalls") :].rstrip())


# -- command line --------------------------------------------------------------------------
def option(argv: list[str], name: str, default: int) -> int:
    return int(argv[argv.index(name) + 1]) if name in argv else default


def main(argv: list[str]) -> int:
    valued = {"--repeat", "--seed", "--homonyms"}
    args = [
        a for i, a in enumerate(argv[1:], 1) if not a.startswith("--") and argv[i - 1] not in valued
    ]
    paths = [Path(a) for a in args] or [p for p in CORPORA if p.exists()]
    missing = [p for p in paths if not p.exists()]
    if missing or not paths:
        print(f"no corpus at {missing[0] if missing else CONTRACT_EXAMPLES}")
        return 2

    start = time.perf_counter()
    gazetteer = load_gazetteer()
    print(
        f"gazetteer load: {(time.perf_counter() - start) * 1000:.0f} ms ({len(gazetteer)} communes)"
    )

    status = 0
    messages: list[Message] = []
    for path in paths:
        rows = read_corpus(path)
        accuracy = measure_accuracy(rows, gazetteer)
        listed = "--failures" in argv or (
            "--no-failures" not in argv and accuracy.messages <= LISTED_UP_TO
        )
        report_accuracy(path, accuracy, listed)
        if accuracy.failures and path.resolve() == CONTRACT_EXAMPLES.resolve():
            status = 1
        messages += [(str(r["text"]), datetime.fromisoformat(str(r["now"]))) for r in rows]

    repeat = option(argv, "--repeat", max(1, PARSES_PER_NETWORK // len(messages)))
    seed = option(argv, "--seed", 10)
    count = option(argv, "--homonyms", HOMONYM_MESSAGES)
    homonyms = homonym_messages(gazetteer, random.Random(seed), count)
    networks = measure_speed(messages, homonyms, repeat, seed)
    if "--profile" in argv:
        profile(messages, networks["5,000 associations, France"], repeat)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
