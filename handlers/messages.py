"""The language of the core: `Incoming` in, `Outgoing` out, addresses, choices.

Handlers speak only these types; channel adapters (`bot/channels/`) translate a platform's
update into an `Incoming` and an `Outgoing` into a platform call. They live here, below the
handlers, so that no handler depends on the channel layer.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal


@dataclass(frozen=True)
class Address:
    """Where a person (or a group) is reached: `telegram:123`, `whatsapp:+33612345678`."""

    channel: str
    external_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"

    @classmethod
    def parse(cls, text: str) -> Address:
        channel, _, external_id = text.partition(":")
        if not channel or not external_id:
            raise ValueError(f"not an address: {text!r}")
        return cls(channel, external_id)


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Incoming:
    """One message from a person, whatever the platform."""

    address: Address
    message_id: str
    text: str
    received_at: datetime
    display_name: str = ""
    # How others reach this person directly: the text shown (`@anne (Telegram)`), a link that
    # opens a chat in one tap ("" if none), and whether the text is a phone number (private:
    # shown only to the other side of a claim).
    contact: str = ""
    contact_link: str = ""
    contact_private: bool = False
    # Written in the network's group chat, not in private (the address is still the person's).
    in_group: bool = False
    is_button: bool = False
    unsupported: bool = False
    location: Location | None = None
    media_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    """A one-tap answer: a button on Telegram, a keyword reply on WhatsApp and in the terminal.

    `reply`, when set, is the short answer typed instead of a tap where there are no buttons
    (« 1 », « 2 », « 3 »): WhatsApp and the terminal list the choice as « 1 ✅ Publier ». The
    handler that asked reads that answer back; the button still sends `command`."""

    label: str
    command: str
    reply: str = ""


@dataclass(frozen=True)
class Link:
    """A piece of a message's text that opens something in one tap (a chat with a person).
    `text` appears as is in the message; a platform that can make it a link does (Telegram),
    the others show the text alone."""

    text: str
    url: str


# What a file sent with a message may weigh, in bytes: the strictest platform's limits, so that
# every member can receive every file, whatever their channel. WhatsApp through Twilio takes
# images up to 5 MB and other media up to 16 MB (twilio.com/docs/whatsapp/guidance-whatsapp-
# media-messages); Telegram bots upload photos up to 10 MB and documents up to 50 MB
# (core.telegram.org/bots/api#sending-files). The one table: handlers check against it before
# building a big export, `Outgoing.to_json` refuses what exceeds it (`AttachmentTooLarge`).
MEGABYTE = 1024 * 1024
MAX_ATTACHMENT_BYTES: dict[str, int] = {"photo": 5 * MEGABYTE, "document": 16 * MEGABYTE}


class AttachmentTooLarge(ValueError):
    """A file over `MAX_ATTACHMENT_BYTES`: refused when its message is queued (the dispatcher
    answers the person in words; nothing of the handler's transaction is kept)."""

    def __init__(self, kind: str, filename: str, size: int, limit: int) -> None:
        super().__init__(f"{kind} {filename!r} is {size} bytes, over the {limit}-byte limit")
        self.kind = kind
        self.filename = filename
        self.size = size
        self.limit = limit


def attachment_fits(kind: str, size: int) -> bool:
    """Whether a file of `size` bytes may be sent as `kind` ("photo", "document")."""
    return 0 < size <= MAX_ATTACHMENT_BYTES.get(kind, 0)


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: a chart (`photo`, shown inline) or a file to keep
    (`document`: a CSV, a spreadsheet, a PDF, a JSON export). The message's text is its caption.

    Queued, the bytes are stored once in the database (`storage/files.py`) and the message keeps
    only `file_id`; the sender reads them back (`data`) before the channel sends. A handler
    never sets `file_id`."""

    kind: Literal["photo", "document"]
    filename: str
    mime: str
    data: bytes
    # Set once stored (`files.id`): `data` may then be b"" until the sender loads it.
    file_id: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def check(self) -> None:
        """Raise `AttachmentTooLarge` when the file is over its kind's limit; `ValueError` for
        an empty file (no platform sends one) or an unknown kind."""
        if self.kind not in MAX_ATTACHMENT_BYTES:
            raise ValueError(f"not an attachment kind: {self.kind!r}")
        if not self.data:
            raise ValueError(f"empty attachment {self.filename!r}")
        if not attachment_fits(self.kind, self.size):
            limit = MAX_ATTACHMENT_BYTES[self.kind]
            raise AttachmentTooLarge(self.kind, self.filename, self.size, limit)

    def to_dict(self) -> dict[str, str | int]:
        """The outbox form. `data` travels base64-encoded until `storage.files` swaps it for
        the stored file's `file_id` (the payload then carries `file_id` and `size`, no data)."""
        if self.file_id is not None and not self.data:
            return {
                "kind": self.kind,
                "filename": self.filename,
                "mime": self.mime,
                "file_id": self.file_id,
            }
        return {
            "kind": self.kind,
            "filename": self.filename,
            "mime": self.mime,
            "data": base64.b64encode(self.data).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        """Either form: the bytes inline (rows queued before files were stored apart), or a
        stored file's id (`data` b"" until the sender loads it). Never checks the size: a row
        already queued is sent as it is."""
        kind: Literal["photo", "document"]
        if data["kind"] == "photo":
            kind = "photo"
        elif data["kind"] == "document":
            kind = "document"
        else:
            raise ValueError(f"not an attachment kind: {data['kind']!r}")
        file_id = data.get("file_id")
        content = base64.b64decode(data["data"]) if "data" in data else b""
        return cls(
            kind,
            str(data["filename"]),
            str(data["mime"]),
            content,
            int(file_id) if file_id is not None else None,
        )


@dataclass(frozen=True)
class Outgoing:
    """One message to send. Text is plain (adapters escape and format it); `title` is emphasised."""

    text: str
    title: str = ""
    choices: tuple[Choice, ...] = ()
    media_urls: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    # Where a platform only allows pre-approved templates (WhatsApp outside its 24-hour
    # window): which template may carry this message ("alert", "digest"; "" = none) and its
    # variables. Other messages wait for the person's next message there.
    template: str = ""
    template_variables: tuple[str, ...] = ()
    # The reader's language, for the words an adapter adds itself (« Répondez PRENDRE 12 »).
    lang: str = "fr"
    # A file sent with the text (which is then its caption).
    attachment: Attachment | None = None

    def to_json(self) -> str:
        """The outbox payload. Raises `AttachmentTooLarge` for a file over the limits."""
        attachment = self.attachment
        if attachment is not None and (attachment.data or attachment.file_id is None):
            attachment.check()
        return json.dumps(
            {
                "text": self.text,
                "title": self.title,
                "choices": [[c.label, c.command, c.reply] for c in self.choices],
                "media_urls": list(self.media_urls),
                "links": [[link.text, link.url] for link in self.links],
                "template": self.template,
                "template_variables": list(self.template_variables),
                "lang": self.lang,
                **({"attachment": self.attachment.to_dict()} if self.attachment else {}),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, payload: str) -> Outgoing:
        data = json.loads(payload)
        return cls(
            text=data["text"],
            title=data.get("title", ""),
            # Rows queued before `reply` existed have two items.
            choices=tuple(Choice(*choice) for choice in data.get("choices", [])),
            media_urls=tuple(data.get("media_urls", [])),
            links=tuple(Link(text, url) for text, url in data.get("links", [])),
            template=data.get("template", ""),
            template_variables=tuple(data.get("template_variables", [])),
            lang=data.get("lang", "fr"),
            attachment=Attachment.from_dict(data["attachment"]) if "attachment" in data else None,
        )


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into chunks of at most `limit` characters, at line boundaries when possible."""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            chunks.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks
