"""Start and stop everything: storage, dispatcher, channels, sender (and, later, the rest)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field
from pathlib import Path

from bot.channels.base import Address, Channel
from bot.channels.telegram import CHANNEL as TELEGRAM
from bot.channels.telegram import TelegramChannel
from bot.channels.terminal import TerminalChannel, run_chat
from bot.clock import Clock, SystemClock
from bot.delivery import Sender
from bot.demo import demo_names, demo_users, seed_demo
from bot.dispatch import Dispatcher
from bot.settings import Settings
from handlers.context import NetworkConfig
from handlers.understanding import load_gazetteer
from storage.db import Database

log = logging.getLogger(__name__)

DEMO_DB_PATH = Path("boucle-demo.db")


@dataclass
class Boucle:
    """The running bot: one database, one dispatcher, the channels and the sender loop."""

    settings: Settings
    db: Database
    dispatcher: Dispatcher
    sender: Sender
    clock: Clock
    channels: dict[str, Channel] = field(default_factory=dict)
    telegram: TelegramChannel | None = None

    @classmethod
    async def create(cls, settings: Settings, clock: Clock | None = None) -> Boucle:
        clock = clock or SystemClock()
        db = await Database.open(settings.boucle_db_path)
        group = (
            Address(TELEGRAM, str(settings.boucle_group_chat_id))
            if settings.boucle_group_chat_id is not None
            else None
        )
        config = NetworkConfig(timezone=settings.boucle_timezone, has_group=group is not None)
        gazetteer = load_gazetteer()
        dispatcher = Dispatcher(db, clock, gazetteer, config, group)
        channels: dict[str, Channel] = {}
        sender = Sender(db, channels, clock)
        dispatcher.add_sender_wakeup(sender.wake)
        app = cls(settings, db, dispatcher, sender, clock, channels)
        if settings.telegram_enabled:
            assert settings.telegram_bot_token is not None
            app.telegram = TelegramChannel.build(
                settings.telegram_bot_token.get_secret_value(),
                settings.telegram_base_url,
                dispatcher.handle,
                clock.now,
            )
            channels[TELEGRAM] = app.telegram
        return app

    async def start(self) -> None:
        if self.telegram is not None:
            await self.telegram.start(polling=True)
            self.dispatcher.config = NetworkConfig(
                timezone=self.settings.boucle_timezone,
                bot_username=self.telegram.bot_username,
                has_group=self.dispatcher.group is not None,
            )
        await self.sender.recover()
        await self.dispatcher.replay_unprocessed()
        self.sender.start()

    async def stop(self) -> None:
        await self.sender.stop()
        if self.telegram is not None:
            await self.telegram.stop()
        await self.db.close()


async def run_bot(settings: Settings) -> None:
    app = await Boucle.create(settings)
    await app.start()
    log.info("Boucle is running (Ctrl+C to stop)")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await app.stop()


async def run_terminal_chat(settings: Settings, db_path: Path = DEMO_DB_PATH) -> None:
    clock = SystemClock()
    db = await Database.open(db_path)
    gazetteer = load_gazetteer()
    await seed_demo(db, gazetteer, clock.now(), settings.boucle_timezone)
    config = NetworkConfig(timezone=settings.boucle_timezone)
    dispatcher = Dispatcher(db, clock, gazetteer, config)
    terminal = TerminalChannel(names=demo_names())
    sender = Sender(db, {"terminal": terminal}, clock)
    await sender.recover()
    try:
        await run_chat(
            terminal, dispatcher.handle, sender.deliver_all_due, clock, demo_users(), "camille"
        )
    finally:
        await db.close()
