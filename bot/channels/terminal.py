"""The terminal chat: try Boucle without any token, as members of a small demo network.

`/as NAME` (terminal only) switches to another demo member to see the other side of the loop.
Every message, the reply included, comes through the outbox and the sender like on any other
channel: the reply to the member typing is printed as the bot's answer, messages for the other
members with their name, as if on their phone.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import re
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from bot.channels.base import SendResult, Sent
from bot.clock import Clock
from handlers.messages import Address, Attachment, Incoming, Outgoing
from handlers.texts import t

CHANNEL = "terminal"


def file_path(folder: Path, attachment: Attachment) -> Path:
    """Where the terminal writes a file: its own name (no folder, no odd character), then the
    start of its content's hash, so two files never overwrite each other."""
    name = re.sub(r"[^\w.-]+", "-", Path(attachment.filename).name).strip("-.") or "fichier"
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    digest = hashlib.sha256(attachment.data).hexdigest()[:8]
    return folder / (f"{stem}-{digest}.{extension}" if extension else f"{stem}-{digest}")


def write_file(folder: Path, attachment: Attachment) -> Path:
    """Write the file (readable by its owner only, like the database: an export holds
    members' details) unless it is there already; its path."""
    path = file_path(folder, attachment)
    if not path.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(attachment.data)
    return path


def render_plain(message: Outgoing) -> str:
    lines = [message.title] if message.title else []
    if message.text:
        lines.append(message.text)
    for choice in message.choices:
        # A choice answered by a short reply (« 1 ») is typed as that reply, like on WhatsApp.
        lines.append(
            f"  {choice.reply} {choice.label}"
            if choice.reply
            else f"  [{choice.label}] → {choice.command}"
        )
    return "\n".join(lines)


@dataclass
class TerminalChannel:
    out: TextIO = field(default_factory=lambda: sys.stdout)
    names: dict[str, str] = field(default_factory=dict)
    name: str = CHANNEL
    # The member typing now: what is sent to them is the bot's answer.
    current: str = ""
    # Where files sent with messages are written.
    files_dir: Path = field(default_factory=lambda: Path("boucle-fichiers"))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, external_id: str, message: Outgoing) -> SendResult:
        if message.attachment is not None:
            path = write_file(self.files_dir, message.attachment)
            line = t(message.lang, "terminal_file", path=path)
            message = replace(message, text=f"{message.text}\n{line}" if message.text else line)
        if external_id == self.current:
            self.out.write(f"🤖 {render_plain(message)}\n")
        else:
            who = self.names.get(external_id, external_id)
            body = render_plain(message).replace("\n", "\n   ")
            self.out.write(f"\n📨 [pour {who}] {body}\n")
        self.out.flush()
        return Sent(f"t{next(self._ids)}")


Handle = Callable[[Incoming], Awaitable[object]]
Flush = Callable[[], Awaitable[object]]


async def run_chat(
    channel: TerminalChannel,
    handle: Handle,
    flush: Flush,
    clock: Clock,
    users: dict[str, str],
    first_user: str,
    read_line: Callable[[], Awaitable[str | None]] | None = None,
) -> None:
    """Read lines, answer them, show what the others receive. `users`: lowercase name -> id."""
    current = first_user
    counter = itertools.count(1)
    read = read_line or StdinLines()
    channel.out.write(
        f"Boucle — chat de démonstration. Vous êtes {channel.names[users[current]]}.\n"
        "Essayez : /liste · /besoin 20 kg de pâtes pour vendredi · /prendre 1 · /aide\n"
        f"/as NOM pour changer de membre ({', '.join(channel.names[i] for i in users.values())})"
        " · /sortir pour sortir.\n"
    )
    while True:
        channel.out.write(f"\n{channel.names[users[current]]} > ")
        channel.out.flush()
        line = await read()
        # Not /quitter: that is the bot's own command (a member leaves the network), which the
        # demo lets through so that it can be tried like any other.
        if line is None or line.strip().lower() in ("/sortir", "/exit"):
            channel.out.write("\nÀ bientôt !\n")
            return
        line = line.strip()
        if not line:
            continue
        if line.lower().startswith("/as"):
            wanted = line[3:].strip().lower()
            match = next((name for name in users if name.startswith(wanted) and wanted), None)
            if match is None:
                channel.out.write(f"Membres : {', '.join(users)}. Ex. : /as {first_user}\n")
            else:
                current = match
                channel.out.write(f"Vous êtes maintenant {channel.names[users[current]]}.\n")
            continue
        incoming = Incoming(
            address=Address(CHANNEL, users[current]),
            message_id=f"{users[current]}-{clock.now().timestamp()}-{next(counter)}",
            text=line,
            received_at=clock.now(),
            display_name=channel.names[users[current]],
            contact="",  # keep the contact the demo network was seeded with
        )
        channel.current = users[current]
        await handle(incoming)
        await flush()


class StdinLines:
    """Lines typed in the terminal, read by a daemon thread: unlike a worker thread of the
    event loop, it never keeps the process alive after Ctrl+C (a blocked `readline` cannot be
    cancelled, and `asyncio.run` would wait for it until the next Enter)."""

    def __init__(self) -> None:
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        threading.Thread(target=self._read, name="terminal-stdin", daemon=True).start()

    def _read(self) -> None:
        while True:
            line = sys.stdin.readline()
            self._loop.call_soon_threadsafe(self._lines.put_nowait, line or None)
            if not line:
                return

    async def __call__(self) -> str | None:
        return await self._lines.get()
