"""`GET /metrics` in the Prometheus text format (issue 15), off unless BOUCLE_METRICS_TOKEN is set.

The counters live in memory, in a registry of their own (not prometheus_client's global one),
and are incremented where things happen: a message stored by the intake (`received`), a send's
outcome recorded by the sender (`delivery`), a scheduler tick (`tick`). None of that adds a
statement per message; a scrape reads the outbox's waiting rows with two (storage/stats.py).

This module imports prometheus_client: only `boucle run` with metrics on imports it (the bot's
other modules know `Metrics` by type only), so the CLI and a bot without metrics start as fast.

    boucle_messages_received_total{channel}     messages stored by the intake
    boucle_messages_sent_total{channel}         messages the platform accepted
    boucle_send_errors_total{channel,kind}      retry, ambiguous, failed, unreachable, rejected,
                                                held (outside WhatsApp's window)
    boucle_rate_limited_total{channel}          429 answers
    boucle_outbox_messages{state}               queued, in_flight, held (at the scrape)
    boucle_outbox_oldest_queued_seconds         age of the oldest queued message (0: none)
    boucle_scheduler_tick_seconds               one minute tick (histogram)
    boucle_digest_run_seconds                   the digests of one tick, when there were some
    boucle_digests_total                        digests claimed
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.clock import Clock
from storage import stats
from storage.db import Database

# Send outcomes counted as errors (storage/deliveries.py's names); `sent` is counted apart,
# `rate_limited` too (boucle_rate_limited_total).
ERROR_KINDS = ("retry", "ambiguous", "failed", "unreachable", "rejected", "held")
# The classic text format (every Prometheus reads it; our names need no escaping), whatever
# the library's latest default.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# A tick is milliseconds on a quiet minute, seconds at 08:00 on a large network.
TICK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """The bot's counters, in a registry of their own."""

    def __init__(self, monotonic: Callable[[], float] = time.perf_counter) -> None:
        self.monotonic = monotonic  # durations only (never a time of day)
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.received_total = Counter(
            "boucle_messages_received",
            "Messages received and stored, per channel.",
            ["channel"],
            registry=registry,
        )
        self.sent_total = Counter(
            "boucle_messages_sent",
            "Messages the platform accepted, per channel.",
            ["channel"],
            registry=registry,
        )
        self.errors_total = Counter(
            "boucle_send_errors",
            "Sends that did not go through, per channel and kind.",
            ["channel", "kind"],
            registry=registry,
        )
        self.rate_limited_total = Counter(
            "boucle_rate_limited",
            "429 answers (too many requests), per channel.",
            ["channel"],
            registry=registry,
        )
        self.outbox = Gauge(
            "boucle_outbox_messages",
            "Outgoing messages waiting, per state.",
            ["state"],
            registry=registry,
        )
        self.oldest_queued = Gauge(
            "boucle_outbox_oldest_queued_seconds",
            "Age of the oldest queued outgoing message (0 when none waits).",
            registry=registry,
        )
        self.tick_seconds = Histogram(
            "boucle_scheduler_tick_seconds",
            "Duration of one scheduler tick (digests, reminders, escalations).",
            buckets=TICK_BUCKETS,
            registry=registry,
        )
        self.digest_seconds = Histogram(
            "boucle_digest_run_seconds",
            "Duration of the digests of one tick, when it had some.",
            buckets=TICK_BUCKETS,
            registry=registry,
        )
        self.digests_total = Counter(
            "boucle_digests", "Daily digests claimed and queued.", registry=registry
        )
        for state in stats.WAITING_STATES:
            self.outbox.labels(state).set(0)

    def channels(self, names: Iterable[str]) -> None:
        """Every series of these channels exists from the start, at 0."""
        for name in names:
            self.received_total.labels(name)
            self.sent_total.labels(name)
            self.rate_limited_total.labels(name)
            for kind in ERROR_KINDS:
                self.errors_total.labels(name, kind)

    # ------------------------------------------------------------------ where things happen

    def received(self, channel: str) -> None:
        self.received_total.labels(channel).inc()

    def delivery(self, channel: str, outcome: str) -> None:
        """One send's outcome, as recorded in `delivery_attempts`."""
        if outcome == "sent":
            self.sent_total.labels(channel).inc()
        elif outcome == "rate_limited":
            self.rate_limited_total.labels(channel).inc()
        else:
            self.errors_total.labels(channel, outcome).inc()

    def tick(self, seconds: float, digests: int, digest_seconds: float) -> None:
        self.tick_seconds.observe(seconds)
        if digests:
            self.digests_total.inc(digests)
            self.digest_seconds.observe(digest_seconds)

    # ------------------------------------------------------------------ the scrape

    async def render(self, db: Database, clock: Clock) -> bytes:
        """The text exposition, the outbox's gauges read now."""
        async with db.transaction() as conn:
            queue = await stats.outbox_queue(conn)
        for state, count in queue.by_state.items():
            self.outbox.labels(state).set(count)
        age = 0.0
        if queue.oldest_queued_at is not None:
            age = max((clock.now() - queue.oldest_queued_at).total_seconds(), 0.0)
        self.oldest_queued.set(age)
        return generate_latest(self.registry)


def metrics_route(metrics: Metrics, db: Database, clock: Clock, token: str) -> Route:
    """`GET /metrics`, for `Authorization: Bearer <token>` only (401 otherwise)."""
    expected = f"Bearer {token}".encode()

    async def endpoint(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode()
        if not token or not hmac.compare_digest(given, expected):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return Response(await metrics.render(db, clock), media_type=CONTENT_TYPE)

    return Route("/metrics", endpoint, methods=["GET"])
