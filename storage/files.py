"""Files sent with messages (a chart, an export): stored once per content, referenced by id.

An `Outgoing` with an attachment is serialised with its bytes inline (base64, see
`handlers/messages.py` `Attachment.to_dict`). `externalise`, called by `storage.outbox` for
every payload it stores, moves those bytes into `files` (one row per sha256: a file sent to a
thousand members, or twice, is stored once) and leaves `"file_id": N` in the payload, which
stays a few hundred bytes. The sender reads the bytes back (`file_data`) right before its send.
Payloads queued before this (bytes inline) are still read as they are.

A stored file is found by its content: the name and type kept are those of its first store;
each message keeps its own in its payload (what the channels use). A file that no outbox row
and no shared payload references any more is purged with them (`storage/retention.py`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Conn, fetch_all, fetch_one
from storage.timefmt import to_db

# How the attachment's key appears in a payload (json.dumps' default separators): a payload
# without it is never parsed. The text's own quotes are escaped (\"), so it cannot fake it.
ATTACHMENT_KEY = '"attachment":'


@dataclass(frozen=True)
class StoredFile:
    id: int
    sha256: str
    filename: str
    mime: str
    size: int
    data: bytes


async def store_file(conn: Conn, filename: str, mime: str, data: bytes, now: datetime) -> int:
    """The id of the file with these bytes, stored now unless it already is."""
    digest = hashlib.sha256(data).hexdigest()
    found = await fetch_one(conn, "SELECT id FROM files WHERE sha256 = ?", (digest,))
    if found is not None:
        return int(found[0])
    row = await fetch_one(
        conn,
        "INSERT INTO files (sha256, filename, mime, size, data, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (digest, filename, mime, len(data), data, to_db(now)),
    )
    assert row is not None
    return int(row[0])


async def externalise(conn: Conn, payload: str, now: datetime) -> tuple[str, int | None]:
    """`payload` with its attachment's bytes stored in `files` and replaced by their id, and
    that id (None: no attachment). A payload already referencing a file is returned as is,
    with its id."""
    if ATTACHMENT_KEY not in payload:
        return payload, None
    data = json.loads(payload)
    attachment = data.get("attachment") if isinstance(data, dict) else None
    if not isinstance(attachment, dict):
        return payload, None
    if "data" not in attachment:
        file_id = attachment.get("file_id")
        return payload, int(file_id) if file_id is not None else None
    content = base64.b64decode(attachment.pop("data"))
    file_id = await store_file(
        conn, str(attachment["filename"]), str(attachment["mime"]), content, now
    )
    attachment["file_id"] = file_id
    return json.dumps(data, ensure_ascii=False), file_id


async def file_data(conn: Conn, file_id: int) -> bytes | None:
    """The bytes of that file (None: purged, which no row still referencing it allows)."""
    row = await fetch_one(conn, "SELECT data FROM files WHERE id = ?", (file_id,))
    return bytes(row[0]) if row is not None else None


async def file_by_id(conn: Conn, file_id: int) -> StoredFile | None:
    row = await fetch_one(
        conn, "SELECT id, sha256, filename, mime, size, data FROM files WHERE id = ?", (file_id,)
    )
    if row is None:
        return None
    return StoredFile(
        int(row["id"]),
        str(row["sha256"]),
        str(row["filename"]),
        str(row["mime"]),
        int(row["size"]),
        bytes(row["data"]),
    )


async def link_key(conn: Conn) -> bytes:
    """The random key that signs links to files (migration 0023 made it)."""
    row = await fetch_one(conn, "SELECT secret FROM file_link_key WHERE id = 1")
    if row is None:
        raise RuntimeError("file_link_key is missing: the database was not migrated")
    return bytes(row[0])


# Files created before the retention's start that nothing references any more, oldest first
# (`files_created`); each check is one seek in `outbox_file` and one in `payloads_file`. A file
# is stored in the transaction that queues its rows, so none is found unreferenced before they
# were purged. (created before, limit)
ORPHAN_FILES = """
SELECT f.id FROM files f INDEXED BY files_created
WHERE f.created_at < ?
  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.file_id = f.id)
  AND NOT EXISTS (SELECT 1 FROM payloads p WHERE p.file_id = f.id)
LIMIT ?
"""


async def purge_orphans_batch(conn: Conn, before: datetime, limit: int) -> int:
    """Delete up to `limit` files created before `before` that nothing references."""
    ids = [(row[0],) for row in await fetch_all(conn, ORPHAN_FILES, (to_db(before), limit))]
    if not ids:
        return 0
    deleted = await conn.executemany("DELETE FROM files WHERE id = ?", ids)
    return deleted.rowcount
