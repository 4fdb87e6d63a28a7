"""Links to the files the bot serves itself: `GET /fichiers/<token>` on its web server.

WhatsApp (Twilio) sends media by URL: Twilio fetches the file from `BOUCLE_PUBLIC_URL`
/fichiers/<token> when it sends the message. A file WhatsApp cannot carry (a CSV, a JSON
export) goes as the same kind of link in the text, for the person to download.

A token is `<file id>.<expiry, Unix seconds>.<signature>`; the signature is an HMAC-SHA256 of
the first two with a random key kept in the database (`file_link_key`, migration 0023): a link
cannot be guessed, nor its expiry moved. It works `LINK_DAYS` days (and until the file is
purged with its messages, storage/retention.py). Anything else, a forged, expired, malformed
or purged one, gets the same 404; nothing lists the files. The answer has the file's type, its
name (Content-Disposition) and headers that keep a browser from running it as a page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from storage import files
from storage.db import Database

# The path under the public URL, and how long a link works.
PATH = "/fichiers"
LINK_DAYS = 7
# Characters of the signature kept in the token (base64url: 6 bits each, 132 bits).
SIGNATURE_CHARS = 22
# Shown inline (Twilio asks `inline; filename=` for media it fetches); others are downloaded.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})
# Twilio: file names of 20 characters or less, no spaces, no special characters.
SHORT_NAME = 20

TOKEN = re.compile(r"([0-9]{1,18})\.([0-9]{1,12})\.([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class FileLinks:
    """Makes and checks the links; `now`: the injected clock's."""

    public_url: str
    key: bytes
    now: Callable[[], datetime]
    days: int = LINK_DAYS
    inline_types: Collection[str] = field(default=INLINE_TYPES)

    def _signature(self, file_id: int, expires: int) -> str:
        mac = hmac.new(self.key, f"{file_id}.{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode("ascii")[:SIGNATURE_CHARS]

    def token_for(self, file_id: int) -> str:
        expires = int((self.now() + timedelta(days=self.days)).timestamp())
        return f"{file_id}.{expires}.{self._signature(file_id, expires)}"

    def url_for(self, file_id: int) -> str:
        """A link to the file, valid `days` days from now."""
        return f"{self.public_url.rstrip('/')}{PATH}/{self.token_for(file_id)}"

    def file_id_of(self, token: str) -> int | None:
        """The file a token opens; None when forged, malformed or expired."""
        match = TOKEN.fullmatch(token)
        if match is None:
            return None
        file_id, expires = int(match[1]), int(match[2])
        if not hmac.compare_digest(match[3], self._signature(file_id, expires)):
            return None
        if self.now().timestamp() >= expires:
            return None
        return file_id

    def route(self, db: Database) -> Route:
        """`GET /fichiers/<token>` (and HEAD, which Twilio also sends)."""

        async def serve(request: Request) -> Response:
            file_id = self.file_id_of(request.path_params["token"])
            stored = None
            if file_id is not None:
                async with db.read() as conn:
                    stored = await files.file_by_id(conn, file_id)
            if stored is None:
                return Response(status_code=404)
            inline = stored.mime in self.inline_types
            return Response(
                stored.data,
                media_type=stored.mime,
                headers={
                    "Content-Disposition": disposition(stored.filename, inline),
                    "X-Content-Type-Options": "nosniff",
                    "Content-Security-Policy": "default-src 'none'; sandbox",
                    "Cache-Control": "private, max-age=3600",
                    "Referrer-Policy": "no-referrer",
                },
            )

        return Route(f"{PATH}/{{token}}", serve, methods=["GET"])


def ascii_name(filename: str, limit: int | None = None) -> str:
    """The file's name in plain ASCII, without spaces or special characters (« Bilan mars
    2026.png » -> « Bilan-mars-2026.png »), the stem cut to fit `limit` characters."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-.") or "fichier"
    stem, dot, extension = plain.rpartition(".")
    if not dot:
        stem, extension = plain, ""
    suffix = f".{extension}" if extension else ""
    if limit is not None and len(stem) + len(suffix) > limit:
        stem = stem[: max(limit - len(suffix), 1)]
    return f"{stem}{suffix}"


def disposition(filename: str, inline: bool) -> str:
    """Content-Disposition: inline with a short plain name (what Twilio reads), or attachment
    with the plain name and the real one (RFC 6266 `filename*`, for browsers)."""
    if inline:
        return f'inline; filename="{ascii_name(filename, SHORT_NAME)}"'
    real = quote(filename, safe="")
    return f"attachment; filename=\"{ascii_name(filename)}\"; filename*=UTF-8''{real}"
