"""Shared fixtures: a manual clock, a fresh database, and a small network driven in memory."""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.logs import OURS, THIRD_PARTY
from handlers.understanding import Gazetteer, load_gazetteer
from storage.db import Database
from tests.network import Network

# python-telegram-bot 22 warns that RetryAfter.retry_after becomes a timedelta; opt in now.
os.environ.setdefault("PTB_TIMEDELTA", "1")

PARIS = ZoneInfo("Europe/Paris")
# A Tuesday morning in the network's time zone.
START = datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests only ever talk to loopback: any other connection attempt fails loudly."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else ""
        if (
            isinstance(host, str)
            and host
            and not (host.startswith("127.") or host in ("localhost", "::1"))
        ):
            raise AssertionError(f"test tried to reach the network: {address!r}")
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """`configure_logging` (run by `boucle` commands and logging tests) is undone after each test:
    root handlers and level, our and the libraries' logger levels, the excepthook."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    names = ("", *OURS, *THIRD_PARTY)
    levels = {name: logging.getLogger(name).level for name in names}
    hook = sys.excepthook
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old_level in levels.items():
        logging.getLogger(name).setLevel(old_level)
    sys.excepthook = hook


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "boucle.db")
    yield database
    await database.close()


@pytest.fixture
async def network(db: Database, clock: ManualClock, gazetteer: Gazetteer) -> Network:
    return Network(db, clock, gazetteer)
