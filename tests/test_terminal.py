"""The terminal chat: a newcomer plays the loop without any token."""

from __future__ import annotations

import io
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.channels.base import Sent
from bot.channels.terminal import TerminalChannel, run_chat
from bot.clock import ManualClock
from bot.delivery import Sender
from bot.demo import demo_names, demo_users, seed_demo
from bot.dispatch import Dispatcher
from handlers.context import NetworkConfig
from handlers.messages import Choice, Outgoing
from handlers.understanding import Gazetteer
from storage.db import Database


def scripted(lines: list[str]) -> Callable[[], Awaitable[str | None]]:
    queue = list(lines)

    async def read() -> str | None:
        return queue.pop(0) if queue else None

    return read


async def test_demo_chat_plays_the_loop(
    tmp_path: Path, clock: ManualClock, gazetteer: Gazetteer
) -> None:
    db = await Database.open(tmp_path / "demo.db")
    await seed_demo(db, gazetteer, clock.now(), "Europe/Paris")
    await seed_demo(db, gazetteer, clock.now(), "Europe/Paris")  # idempotent
    out = io.StringIO()
    terminal = TerminalChannel(out=out, names=demo_names())
    dispatcher = Dispatcher(db, clock, gazetteer, NetworkConfig())
    sender = Sender(db, {"terminal": terminal}, clock)
    script = [
        "/liste",
        "/besoin 20 kg de pâtes pour vendredi",
        "/as nad",
        "/prendre 4",
        "/as personne",
        "/quitter",  # the bot's command (leave the network): it asks to confirm
        "/sortir",  # the demo's exit
        "/aide",  # never read
    ]
    await run_chat(
        terminal,
        dispatcher.handle,
        sender.deliver_all_due,
        clock,
        demo_users(),
        "camille",
        scripted(script),
    )
    await db.close()
    text = out.getvalue()
    assert "Annonces ouvertes (3)" in text
    assert "Annonce #4 publiée" in text
    assert "[pour Nadia (Restos du Cœur de Narbonne)] Besoin #4" in text
    # Who a post reaches (issue 11): Limoux, 21 km away, and Narbonne (53 km), whose van goes
    # 60 km; not Castelnaudary, 34 km away.
    assert "[pour Léo (Épicerie solidaire de Limoux)] Besoin #4" in text
    assert "[pour Sophie (Croix-Rouge de Castelnaudary)] Besoin #4" not in text
    assert "Vous êtes maintenant Nadia" in text
    assert "C'est noté" in text and "01 99 00 00 01" in text  # Camille's contact
    assert "[pour Camille (Banque Alimentaire de l'Aude)] 🤝 Nadia" in text
    assert "Membres :" in text and "À bientôt" in text
    assert "Pour confirmer : /quitter oui" in text
    assert "Boucle — les commandes" not in text


async def test_terminal_channel_renders_choices() -> None:
    out = io.StringIO()
    channel = TerminalChannel(out=out, names={"x": "Xavier"})
    result = await channel.send(
        "x", Outgoing("corps", "Titre", (Choice("Je prends", "/prendre 3"),))
    )
    assert isinstance(result, Sent)
    assert "[pour Xavier] Titre" in out.getvalue() and "[Je prends] → /prendre 3" in out.getvalue()


def test_ctrl_c_leaves_the_terminal_chat_at_once(tmp_path: Path) -> None:
    """A typed line is read by a daemon thread: Ctrl+C does not wait for the next Enter."""
    fd, terminal = pty.openpty()  # a real terminal, as a person would use it
    chat = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=tmp_path,
    )
    os.close(terminal)
    try:
        output = read_until(fd, b"> ", seconds=30)
        chat.send_signal(signal.SIGINT)
        assert chat.wait(timeout=10) == 130
        output += read_until(fd, b"", seconds=0.5)
    finally:
        chat.kill()
        chat.wait()
        os.close(fd)
    assert b"Traceback" not in output
    assert "À bientôt".encode() in output


def read_until(fd: int, marker: bytes, seconds: float) -> bytes:
    data = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (marker and marker in data):
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data
