"""`boucle backup`: a consistent copy of the live database, taken beside the running bot.

SQLite's online backup API copies every page in one step (`pages=-1`), inside one read
transaction of our own connection: in WAL mode the bot keeps writing meanwhile, and the copy is
the database as of one commit. The copy goes to a temporary file (mode 0600, it holds phone
numbers) in the target's folder, is synced, then takes its final name: a half-written backup
never has it. Without `overwrite`, an existing target is never replaced, even one that appears
while the copy is made (the final step is a hard link, which fails if the name exists).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

# How long the copy waits for a lock (a WAL recovery, a checkpoint) before giving up.
BUSY_SECONDS = 10.0


class BackupError(Exception):
    """Why the backup could not be written, said to the person running it."""


def backup_database(source: Path, target: Path, *, overwrite: bool = False) -> int:
    """Copy the database at `source` to `target`; the copy's size in bytes."""
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
    try:
        copy_pages(source, temporary)
        _sync(temporary)
        _publish(temporary, target, overwrite)
        _sync(folder)
        return target.stat().st_size
    except sqlite3.Error as error:
        raise BackupError(f"copie impossible : {error}") from error
    except OSError as error:
        raise BackupError(f"écriture impossible : {error.strerror or error}") from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


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
