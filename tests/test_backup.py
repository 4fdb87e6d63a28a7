"""`boucle backup PATH`: a consistent copy of the live database while the bot writes to it;
`boucle backup --dir DIR --keep N` (compressed, rotated) and `boucle restore FILE` (issue 15)."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import os
import signal
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main, restore_from
from storage import lock, members, posts
from storage.backup import backup_rotated, rotated_copies
from storage.db import Database
from storage.models import NewPost

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


# ------------------------------------------------------------------ issue 15: compressed,
# rotated copies; restore (checked, refused while the bot runs, the old base kept aside)


class PostWriter:
    """The bot publishing: one post (its row and its event) per transaction, until stopped;
    `committed` holds the ids whose transaction has committed."""

    def __init__(self, db: Database, author_id: int, association_id: int) -> None:
        self.db = db
        self.author_id = author_id
        self.association_id = association_id
        self.committed: list[int] = []
        self.warmed_up = asyncio.Event()
        self.stop = asyncio.Event()

    async def run(self) -> None:
        while not self.stop.is_set():
            async with self.db.transaction() as conn:
                post = await posts.create_post(
                    conn, new_post(len(self.committed)), self.author_id, self.association_id, NOW
                )
            self.committed.append(post.id)  # after the commit
            if len(self.committed) >= 20:
                self.warmed_up.set()


NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def new_post(n: int) -> NewPost:
    return NewPost(
        kind="offer",
        what=f"pommes {n}",
        category="fruits_legumes",
        quantity=10.0,
        unit="kg",
        deadline=None,
        date_kind=None,
        place=None,
        urgent=False,
        cold_chain=False,
        original_text=f"on a 10 kg de pommes ({n}) " + "x" * 1500,
    )


async def author_of_posts(db: Database) -> tuple[int, int]:
    async with db.transaction() as conn:
        association = await members.ensure_association(conn, "Banque Alimentaire", "Trèbes", NOW)
        author = await members.create_member(conn, association.id, "Alice", "coordinator", NOW)
    return author.id, association.id


def post_ids(path: Path) -> set[int]:
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as c:
        assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        ids = {int(row[0]) for row in c.execute("SELECT id FROM posts")}
        # Each post and its event were one transaction: a copy holds both or neither.
        created = c.execute("SELECT COUNT(*) FROM events WHERE kind = 'post_created'").fetchone()
        assert created == (len(ids),)
        return ids


def kept_aside(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith("boucle.db.avant-restauration")]


async def test_backup_under_writes_then_restore_holds_every_post_committed_before_it(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = isolated / "boucle.db"
    db = await Database.open(live)
    try:
        author, association = await author_of_posts(db)
        async with db.transaction() as conn:  # a few megabytes: the copy takes a while
            for n in range(2000):
                await posts.create_post(conn, new_post(n), author, association, NOW)
        writer = PostWriter(db, author, association)
        task = asyncio.create_task(writer.run())
        try:
            await writer.warmed_up.wait()
            before = set(writer.committed)  # committed before the backup started
            code = await asyncio.to_thread(main, ["backup", "--dir", "backups", "--keep", "3"])
            during = len(writer.committed) - len(before)
        finally:
            writer.stop.set()
            await task
        written = set(writer.committed)
    finally:
        await db.close()  # the bot stops before a restore
    assert code == 0, capsys.readouterr().err
    assert during > 0  # the bot kept publishing while the copy was made
    [copy] = (isolated / "backups").iterdir()
    assert copy.name.startswith("boucle-") and copy.name.endswith("Z.db.gz")
    assert copy.read_bytes()[:2] == b"\x1f\x8b"  # gzip
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert copy.stat().st_size < live.stat().st_size / 3  # the posts' text compresses well
    capsys.readouterr()

    assert main(["restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "Base restaurée" in out and "avant-restauration" in out
    restored = post_ids(live)
    assert before <= restored  # every post committed before the backup started
    assert restored <= written | set(range(1, 2001))
    assert len(restored) >= 2000 + len(before)
    # The database as it was is kept aside, with every post (its WAL came along).
    [aside] = kept_aside(isolated)
    assert post_ids(aside) == written | set(range(1, 2001))
    assert temporary_files(isolated) == []
    assert not (isolated / "boucle.db-wal").exists()  # the old WAL is never played onto it
    # The bot starts on the restored database.
    db = await Database.open(live)
    async with db.transaction() as conn:
        assert (await posts.post_by_id(conn, min(before))) is not None
    await db.close()


def test_rotation_keeps_the_newest_n_and_nothing_else_is_touched(
    network_db: Path, isolated: Path
) -> None:
    folder = isolated / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "autre-20200101T000000Z.db.gz").write_bytes(b"another database's copy")
    made = [
        backup_rotated(network_db, folder, 3, NOW + timedelta(seconds=n)).path for n in range(5)
    ]
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        ["notes.txt", "autre-20200101T000000Z.db.gz", *(p.name for p in made[-3:])]
    )
    assert [p.name for p in rotated_copies(folder, network_db)] == [p.name for p in made[-3:]]
    # Named in UTC, sortable: 08:00 UTC whatever the local time.
    assert made[0].name == "boucle-20261201T080000Z.db.gz"


def test_backup_dir_and_keep_from_the_command_line(
    network_db: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "--dir", "backups", "--keep", "0"]) == 1
    assert "--keep" in capsys.readouterr().err
    assert main(["backup", "--dir", "missing/backups"]) == 1
    assert "introuvable" in capsys.readouterr().err
    assert main(["backup"]) == 2
    assert main(["backup", "copy.db", "--keep", "3"]) == 2  # --keep goes with --dir
    assert "--dir" in capsys.readouterr().err
    assert main(["backup", "--dir", "backups", "--keep", "2"]) == 0
    out = capsys.readouterr().out
    assert "Sauvegarde écrite" in out and ".db.gz" in out
    [copy] = (isolated / "backups").iterdir()
    assert stat.S_IMODE((isolated / "backups").stat().st_mode) == 0o700  # created: ours only
    # A plain name ending in .gz is compressed too; its content is the database.
    assert main(["backup", "copy.db.gz"]) == 0
    with gzip.open(isolated / "copy.db.gz") as packed:
        (isolated / "unpacked.db").write_bytes(packed.read())
    assert row_counts(isolated / "unpacked.db") == row_counts(network_db)
    assert (isolated / "copy.db.gz").read_bytes() == copy.read_bytes()  # no name nor time inside


def test_restore_refuses_while_the_bot_holds_its_lock(
    network_db: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "copy.db"]) == 0
    before = network_db.read_bytes()
    with lock.hold(network_db):
        assert main(["restore", "copy.db"]) == 1
    err = capsys.readouterr().err
    assert f"Boucle tourne (processus {os.getpid()})" in err and "arrêtez-le" in err
    assert network_db.read_bytes() == before
    assert sorted(p.name for p in isolated.iterdir()) == ["boucle.db", "boucle.db.lock", "copy.db"]
    # Released (the bot stopped): the restore goes ahead.
    assert main(["restore", "copy.db"]) == 0


def test_a_lock_file_left_by_a_dead_bot_does_not_block(
    network_db: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "copy.db"]) == 0
    lock.lock_path(network_db).write_text("999999\n")  # a crash left it; nobody holds it
    assert lock.holder(network_db) is None
    assert main(["restore", "copy.db"]) == 0
    assert lock.lock_path(network_db).read_text() == ""  # released: no stale id left


@pytest.mark.parametrize("damage", ["not_sqlite", "truncated_gzip", "corrupt_pages", "foreign"])
def test_restore_checks_the_backup_and_changes_nothing_when_it_is_bad(
    network_db: Path, isolated: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    assert main(["backup", "good.db"]) == 0
    good = (isolated / "good.db").read_bytes()
    bad = isolated / "bad.db"
    if damage == "not_sqlite":
        bad.write_bytes(b"this is a spreadsheet" * 200)
    elif damage == "truncated_gzip":
        bad.write_bytes(gzip.compress(good)[:500])
    elif damage == "corrupt_pages":
        # The members table's page is garbage; the schema still reads (only a full check sees).
        with contextlib.closing(sqlite3.connect(isolated / "good.db")) as c:
            size = c.execute("PRAGMA page_size").fetchone()[0]
            root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'members'").fetchone()
        broken = bytearray(good)
        start = (root[0] - 1) * size
        broken[start : start + size] = b"\xff" * size
        bad.write_bytes(bytes(broken))
    else:  # a SQLite database, not Boucle's
        with contextlib.closing(sqlite3.connect(bad)) as other:
            other.execute("CREATE TABLE t (x)")
            other.commit()
    before = network_db.read_bytes()
    capsys.readouterr()
    assert main(["restore", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Restauration refusée") and err.count("\n") == 1
    assert network_db.read_bytes() == before
    assert temporary_files(isolated) == []
    assert kept_aside(isolated) == []


async def test_a_running_bot_blocks_restore_and_a_second_bot(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`boucle run` itself holds the lock: restore and another `boucle run` on the same
    database are refused naming its process; once it stopped, the restore goes ahead."""
    from tests.fakes.telegram_api import FakeTelegramAPI
    from tests.test_process_lifecycle import CHILD_START_SECONDS, boucle_run, env_for, until

    db_path = isolated / "boucle.db"
    db = await Database.open(db_path)
    await db.close()
    assert await asyncio.to_thread(main, ["backup", "copy.db"]) == 0
    async with FakeTelegramAPI() as api:
        first, second = isolated / "first", isolated / "second"
        first.mkdir()
        second.mkdir()
        async with boucle_run(first, env_for(api, db_path)) as child:
            await until(lambda: bool(api.calls_to("getUpdates")), CHILD_START_SECONDS, "polling")
            pid = child.process.pid
            assert lock.holder(db_path) == pid
            assert await asyncio.to_thread(main, ["restore", "copy.db"]) == 1
            assert f"Boucle tourne (processus {pid})" in capsys.readouterr().err
            async with boucle_run(second, env_for(api, db_path)) as other:
                assert await other.exit_status(CHILD_START_SECONDS) == 1
            assert f"un autre Boucle utilise déjà {db_path} (processus {pid})" in other.stderr()
            child.signal(signal.SIGTERM)
            assert await child.exit_status(10) == 0
    assert lock.holder(db_path) is None
    assert await asyncio.to_thread(main, ["restore", "copy.db"]) == 0


def test_restore_after_a_crash_keeps_the_old_wal_with_its_database_only(
    network_db: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bot killed with commits still in its write-ahead log: the log goes aside with the
    old database (which then holds them), and is never played onto the restored one."""
    assert main(["backup", "copy.db"]) == 0
    expected = row_counts(isolated / "copy.db")
    crashed = isolated / "crashed"
    crashed.mkdir()
    with contextlib.closing(sqlite3.connect(network_db)) as bot:
        bot.execute("PRAGMA wal_autocheckpoint=0")  # the commits stay in boucle.db-wal
        for n in range(50):
            bot.execute(
                "INSERT INTO events (at, kind, detail) VALUES ('2026-12-01', 'test', ?)", (n,)
            )
            bot.commit()
        # The files as a crash leaves them: the database, its WAL and its index.
        for suffix in ("", "-wal", "-shm"):
            source = network_db.with_name(network_db.name + suffix)
            (crashed / source.name).write_bytes(source.read_bytes())
    live = crashed / "boucle.db"
    assert (crashed / "boucle.db-wal").stat().st_size > 0
    capsys.readouterr()
    assert restore_from(live, isolated / "copy.db") == 0
    assert row_counts(live) == expected
    [aside] = [p for p in crashed.iterdir() if p.name.endswith("Z")]
    assert row_counts(aside)["events"] == expected["events"] + 50
