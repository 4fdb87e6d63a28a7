"""`boucle backup PATH`: a consistent copy of the live database while the bot writes to it."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.cli import main
from storage.db import Database

TABLES = ("associations", "members", "identities", "inbox", "outbox", "events", "posts")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder (no `.env`); the bot's database is the `db` fixture's file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOUCLE_DB_PATH", str(tmp_path / "boucle.db"))
    return tmp_path


def row_counts(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as c:
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {t: int(c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in TABLES}


def temporary_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


class Writer:
    """The bot at work: pairs of rows, one transaction each, until stopped."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.written = 0
        self.warmed_up = asyncio.Event()
        self.stop = asyncio.Event()

    async def run(self) -> None:
        while not self.stop.is_set():
            await write_pair(self.db, self.written)
            self.written += 1
            if self.written >= 20:
                self.warmed_up.set()


async def write_pair(db: Database, n: int) -> None:
    """One transaction, two rows in two tables, with a pause between them."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO events (at, kind, detail) VALUES ('2026-12-01', 'test', ?)", (f"e{n}",)
        )
        await asyncio.sleep(0)
        await conn.execute(
            "INSERT INTO inbox (channel, message_id, address, payload, received_at)"
            " VALUES ('test', ?, 'test:x', ?, '2026-12-01')",
            (f"m{n}", "x" * 2000),
        )


async def fill(db: Database, pairs: int) -> None:
    """`pairs` events and inbox rows (2 kB each) in one go: a database of a few megabytes."""
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO events (at, kind, detail) VALUES ('2026-12-01', 'test', ?)",
            [(f"fill{n}",) for n in range(pairs)],
        )
        await conn.executemany(
            "INSERT INTO inbox (channel, message_id, address, payload, received_at)"
            " VALUES ('test', ?, 'test:x', ?, '2026-12-01')",
            [(f"fill{n}", "x" * 2000) for n in range(pairs)],
        )


async def test_backup_while_the_bot_writes_is_a_consistent_copy(
    db: Database, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await fill(db, 3000)
    writer = Writer(db)
    task = asyncio.create_task(writer.run())
    try:
        await writer.warmed_up.wait()  # the bot is writing before the copy starts
        started = writer.written
        code = await asyncio.to_thread(main, ["backup", "boucle-copy.db"])
        finished = writer.written
    finally:
        writer.stop.set()
        await task

    assert code == 0
    target = isolated / "boucle-copy.db"
    counts = row_counts(target)
    # As of one commit: both rows of every pair, or neither; the bot was not stopped.
    assert counts["events"] == counts["inbox"]
    assert 3000 + started <= counts["events"] <= 3000 + finished + 1
    assert finished > started  # the bot kept writing during the copy
    assert row_counts(isolated / "boucle.db")["events"] == 3000 + writer.written
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with contextlib.closing(sqlite3.connect(target)) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert temporary_files(isolated) == []
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and str(target) in out[0] and " Mo" in out[0]


def test_backup_into_a_missing_folder_fails_cleanly(
    network_db: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "copies/copy.db"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Sauvegarde impossible") and "copies" in err and err.count("\n") == 1
    assert sorted(p.name for p in isolated.iterdir()) == ["boucle.db"]


async def test_backup_of_a_quiet_database_has_the_same_row_counts(
    network_db: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await asyncio.to_thread(main, ["backup", "copy.db"]) == 0
    assert row_counts(isolated / "copy.db") == row_counts(network_db)
    assert row_counts(network_db)["members"] == 2


@pytest.fixture
async def network_db(isolated: Path) -> Path:
    """A small network in `boucle.db`, the bot's connection closed."""
    from bot.clock import ManualClock
    from handlers.understanding import load_gazetteer
    from tests.conftest import START
    from tests.network import Network

    db = await Database.open(isolated / "boucle.db")
    network = Network(db, ManualClock(START), load_gazetteer())
    await network.join("alice", "Banque Alimentaire")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    await network.say("alice", "/don 4 cagettes de tomates à Trèbes")
    await db.close()
    return isolated / "boucle.db"


def test_backup_refuses_to_overwrite_unless_forced(
    network_db: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = isolated / "copy.db"
    target.write_bytes(b"an older backup")
    target.chmod(0o644)
    assert main(["backup", str(target)]) == 1
    err = capsys.readouterr().err
    assert "existe déjà" in err and "--force" in err and "Traceback" not in err
    assert target.read_bytes() == b"an older backup"

    assert main(["backup", "--force", str(target)]) == 0
    assert row_counts(target) == row_counts(network_db)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert temporary_files(isolated) == []


def test_backup_of_a_missing_database_fails_without_creating_one(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "copy.db"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "introuvable" in err
    assert list(isolated.iterdir()) == []


def test_backup_of_something_that_is_not_a_database_says_so(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated / "boucle.db").write_bytes(b"not a database at all" * 100)
    assert main(["backup", "copy.db"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Sauvegarde impossible") and err.count("\n") == 1
    assert sorted(p.name for p in isolated.iterdir()) == ["boucle.db"]


async def test_database_backup_from_the_bots_own_connection_waits_for_a_commit(
    db: Database, tmp_path: Path
) -> None:
    """`Database.backup` from the bot's connection, between two of its transactions (without
    the connection's lock this deadlocks: the test then hangs instead of failing)."""
    writer = Writer(db)
    task = asyncio.create_task(writer.run())
    try:
        await writer.warmed_up.wait()
        await db.backup(tmp_path / "own.db")
    finally:
        writer.stop.set()
        await task
    counts = row_counts(tmp_path / "own.db")
    assert counts["events"] == counts["inbox"] >= 20
