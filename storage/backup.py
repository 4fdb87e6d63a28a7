"""`boucle backup` and `boucle restore`: consistent copies of the live database, and back.

SQLite's online backup API copies every page in one step (`pages=-1`), inside one read
transaction of our own connection: in WAL mode the bot keeps writing meanwhile, and the copy is
the database as of one commit. The copy goes to a temporary file (mode 0600, it holds phone
numbers) in the target's folder, is checked (`quick_check`), compressed when the name ends in
`.gz` (gzip), synced, then takes its final name: a half-written backup never has it. Without
`overwrite`, an existing target is never replaced, even one that appears while the copy is made
(the final step is a hard link, which fails if the name exists).

`backup_rotated` (`boucle backup --dir DIR --keep N`) names each copy after its moment,
`boucle-20261201T031500Z.db.gz` (UTC: names sort by time, DST never repeats one), and deletes
the oldest of those names beyond N; it never touches another file of the folder.

`restore_database` (`boucle restore FILE`) refuses while the bot runs (it takes the bot's lock,
storage/lock.py, for the whole restore), decompresses the backup beside the database, checks
it (`PRAGMA integrity_check`, a Boucle schema), keeps the current database aside
(`boucle.db.avant-restauration-<moment>`, with its -wal and -shm: still openable as it was),
then puts the backup in its place.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import sqlite3
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage import lock
from storage.db import SIDE_FILES

# How long the copy waits for a lock (a WAL recovery, a checkpoint) before giving up.
BUSY_SECONDS = 10.0
GZIP_MAGIC = b"\x1f\x8b"
# Fast enough for a nightly copy of a few hundred megabytes, most of the gain of level 9.
GZIP_LEVEL = 6
STAMP = "%Y%m%dT%H%M%SZ"
ASIDE = "avant-restauration"


class BackupError(Exception):
    """Why the backup could not be written, said to the person running it."""


def backup_database(
    source: Path, target: Path, *, overwrite: bool = False, compress: bool | None = None
) -> int:
    """Copy the database at `source` to `target`, gzip-compressed when `compress` (by default:
    when the name ends in `.gz`); the copy's size in bytes."""
    if compress is None:
        compress = target.name.endswith(".gz")
    if not source.is_file():
        raise BackupError(f"base de données introuvable : {source}")
    if target.is_dir():
        raise BackupError(f"{target} est un dossier ; donnez un nom de fichier")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} existe déjà (--force pour le remplacer)")
    folder = target.absolute().parent
    if not folder.is_dir():
        raise BackupError(f"dossier introuvable : {folder}")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError(f"{target} est la base elle-même")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise BackupError(f"impossible d'écrire dans {folder} : {error.strerror}") from error
    os.close(handle)
    temporary = Path(name)
    packed = temporary.with_name(temporary.name + ".gz")
    try:
        copy_pages(source, temporary)
        if compress:
            _compress(temporary, packed)
            temporary.unlink()
            os.replace(packed, temporary)
        _sync(temporary)
        _publish(temporary, target, overwrite)
        _sync(folder)
        return target.stat().st_size
    except sqlite3.Error as error:
        raise BackupError(f"copie impossible : {error}") from error
    except OSError as error:
        raise BackupError(f"écriture impossible : {error.strerror or error}") from error
    finally:
        for leftover in (temporary, packed):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _compress(source: Path, target: Path) -> None:
    """gzip `source` into a new file `target` (mode 0600)."""
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with (
        open(source, "rb") as raw,
        os.fdopen(handle, "wb") as out,
        gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=GZIP_LEVEL, mtime=0) as z,
    ):
        shutil.copyfileobj(raw, z, 1024 * 1024)


# ------------------------------------------------------------------ rotation


@dataclass(frozen=True)
class Rotated:
    path: Path  # the new copy
    size: int
    removed: list[Path]  # the oldest copies deleted beyond `keep`


def rotated_name(source: Path, now: datetime) -> str:
    return f"{source.stem}-{now.astimezone(UTC).strftime(STAMP)}.db.gz"


def rotated_copies(folder: Path, source: Path) -> list[Path]:
    """The copies `backup_rotated` made of `source` in `folder`, oldest first."""
    shape = re.compile(rf"{re.escape(source.stem)}-\d{{8}}T\d{{6}}Z\.db\.gz")
    return sorted(p for p in folder.iterdir() if shape.fullmatch(p.name) and p.is_file())


def backup_rotated(source: Path, folder: Path, keep: int, now: datetime) -> Rotated:
    """A compressed copy named after `now` in `folder` (created, 0700, if missing), then only
    the `keep` newest copies of this database stay."""
    if keep < 1:
        raise BackupError("--keep doit valoir au moins 1")
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except FileNotFoundError as error:
        raise BackupError(f"dossier introuvable : {folder.absolute().parent}") from error
    except OSError as error:
        raise BackupError(f"impossible de créer {folder} : {error.strerror}") from error
    if not folder.is_dir():
        raise BackupError(f"{folder} n'est pas un dossier")
    target = folder / rotated_name(source, now)
    size = backup_database(source, target, compress=True)
    removed: list[Path] = []
    for old in rotated_copies(folder, source)[:-keep]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
            removed.append(old)
    _sync(folder)
    return Rotated(target, size, removed)


# ------------------------------------------------------------------ restore


class RestoreError(Exception):
    """Why the restore did not happen (the database was left as it was)."""


@dataclass(frozen=True)
class Restored:
    aside: Path | None  # where the replaced database now is (None: there was none)
    size: int  # the restored database's size in bytes


def restore_database(backup: Path, database: Path, now: datetime) -> Restored:
    """Put the backup at `backup` (gzip or plain) in place of `database`, unless the bot runs.
    The backup is checked first; the current database is kept aside, never deleted."""
    if not backup.is_file():
        raise RestoreError(f"sauvegarde introuvable : {backup}")
    folder = database.absolute().parent
    if not folder.is_dir():
        raise RestoreError(f"dossier de la base introuvable : {folder}")
    try:
        with lock.hold(database):
            return _restore(backup, database, folder, now)
    except lock.Locked as locked:
        raise RestoreError(
            f"Boucle tourne (processus {locked.pid or '?'}) : arrêtez-le d'abord "
            "(systemctl stop boucle, docker stop…), puis recommencez."
        ) from None
    except PermissionError as error:
        raise RestoreError(
            f"pas le droit d'écrire dans {folder} ({error.strerror}) : lancez la restauration "
            "avec le compte du bot (sudo -u boucle …)."
        ) from None


def _restore(backup: Path, database: Path, folder: Path, now: datetime) -> Restored:
    try:
        handle, name = tempfile.mkstemp(prefix=f".{database.name}.", suffix=".restore", dir=folder)
    except OSError as error:
        raise RestoreError(f"impossible d'écrire dans {folder} : {error.strerror}") from error
    os.close(handle)
    temporary = Path(name)
    try:
        _unpack(backup, temporary)
        check_backup(temporary)
        _match_owner(temporary, database)
        _sync(temporary)
        aside = _set_aside(database, now)
        os.replace(temporary, database)
        _sync(folder)
        return Restored(aside, database.stat().st_size)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _unpack(backup: Path, target: Path) -> None:
    """The backup's database into `target`: decompressed if it is gzip, else copied."""
    try:
        with open(backup, "rb") as raw:
            gzipped = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            with (
                open(target, "wb") as out,
                gzip.GzipFile(fileobj=raw, mode="rb")
                if gzipped
                else contextlib.nullcontext(raw) as data,
            ):
                shutil.copyfileobj(data, out, 1024 * 1024)
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise RestoreError(f"{backup} est abîmée (décompression : {error})") from error
    except OSError as error:
        raise RestoreError(f"lecture impossible de {backup} : {error.strerror or error}") from error


def check_backup(path: Path) -> None:
    """A whole SQLite database (`PRAGMA integrity_check`) with Boucle's schema, or
    `RestoreError` saying what is wrong."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            problems = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise RestoreError(f"la sauvegarde est abîmée : {'; '.join(problems[:3])}")
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            ).fetchone()
    except sqlite3.DatabaseError as error:
        raise RestoreError(f"ce n'est pas une base SQLite lisible ({error})") from error
    if found is None:
        raise RestoreError("ce n'est pas une base de Boucle (aucune migration)")


def _match_owner(restored: Path, database: Path) -> None:
    """Run as root for the bot's account: the restored file gets the current one's owner."""
    if os.geteuid() != 0 or not database.exists():
        return
    owner = database.stat()
    os.chown(restored, owner.st_uid, owner.st_gid)


def _set_aside(database: Path, now: datetime) -> Path | None:
    """Keep the current database (and its -wal and -shm, which hold its latest commits) under
    another name, then take its side files away: the old write-ahead log must never be played
    onto the restored file. Hard links first (the database stays whole until replaced)."""
    if not database.exists():
        for suffix in SIDE_FILES:
            with contextlib.suppress(FileNotFoundError):
                database.with_name(database.name + suffix).unlink()
        return None
    aside = database.with_name(f"{database.name}.{ASIDE}-{now.astimezone(UTC).strftime(STAMP)}")
    pairs = [(database, aside)] + [
        (database.with_name(database.name + s), aside.with_name(aside.name + s)) for s in SIDE_FILES
    ]
    for current, kept in pairs:
        if not current.exists():
            continue
        if kept.exists():
            raise RestoreError(f"{kept} existe déjà : réessayez dans une seconde")
        try:
            os.link(current, kept)
        except OSError:  # no hard links here: a copy does as well
            shutil.copy2(current, kept)
    for current, _ in pairs[1:]:
        with contextlib.suppress(FileNotFoundError):
            current.unlink()
    return aside


def copy_pages(source: Path, target: Path) -> None:
    """SQLite's online backup of `source` into the (empty) file `target`, which ends up in
    rollback-journal mode: one self-contained file, readable even from read-only media."""
    # mode=rw: never create an empty database where the real one is missing.
    uri = f"{source.resolve().as_uri()}?mode=rw"
    with (
        contextlib.closing(sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS)) as src,
        contextlib.closing(sqlite3.connect(target, timeout=BUSY_SECONDS)) as dest,
    ):
        src.backup(dest, pages=-1)
        dest.execute("PRAGMA journal_mode=DELETE")
        check = dest.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise sqlite3.DatabaseError(f"la copie est abîmée ({check[0] if check else '?'})")


def _publish(temporary: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # fails if `target` exists, unlike a rename
    except FileExistsError as error:
        raise BackupError(f"{target} existe déjà (--force pour le remplacer)") from error
    except OSError:  # a file system without hard links (FAT, some network shares)
        if target.exists():
            raise BackupError(f"{target} existe déjà (--force pour le remplacer)") from None
        os.replace(temporary, target)


def _sync(path: Path) -> None:
    """Flush `path` (a file or a folder) to disk, where the system allows it."""
    flags = (os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if path.is_dir() else os.O_RDONLY
    try:
        handle = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
