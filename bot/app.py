"""Start and stop everything: storage, dispatcher, channels, sender (and, later, the rest)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.channels.base import Channel
from bot.channels.telegram import CHANNEL as TELEGRAM
from bot.channels.telegram import TelegramChannel
from bot.channels.terminal import TerminalChannel, run_chat
from bot.channels.whatsapp import CHANNEL as WHATSAPP
from bot.channels.whatsapp import WhatsAppChannel
from bot.clock import Clock, SystemClock
from bot.delivery import Sender, default_pacing
from bot.demo import demo_names, demo_users, seed_demo
from bot.dispatch import Dispatcher
from bot.scheduler import Scheduler
from bot.settings import Settings
from bot.web import Web, WebServer
from handlers.context import NetworkConfig
from handlers.messages import Address
from handlers.understanding import Gazetteer, load_gazetteer
from storage import members, statuses
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
    whatsapp: WhatsAppChannel | None = None
    web: WebServer | None = None
    scheduler: Scheduler | None = None

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
        gazetteer = await network_gazetteer(db)
        dispatcher = Dispatcher(db, clock, gazetteer, config, group)
        channels: dict[str, Channel] = {}
        sender = Sender(db, channels, clock, pacing=default_pacing(settings.boucle_whatsapp_rate))
        dispatcher.add_sender_wakeup(sender.wake)
        app = cls(settings, db, dispatcher, sender, clock, channels)
        app.scheduler = Scheduler(db, clock, settings.boucle_timezone, group, sender.wake)
        if settings.telegram_enabled:
            assert settings.telegram_bot_token is not None
            app.telegram = TelegramChannel.build(
                settings.telegram_bot_token.get_secret_value(),
                settings.telegram_base_url,
                dispatcher.accept,
                dispatcher.process,
                clock.now,
            )
            channels[TELEGRAM] = app.telegram
        app._build_whatsapp_and_web()
        return app

    async def start(self) -> None:
        if self.telegram is not None:
            webhook = self.settings.telegram_webhook_url
            await self.telegram.start(polling=webhook is None)
            if webhook is not None:
                secret = self.settings.telegram_webhook_secret
                await self.telegram.set_webhook(
                    webhook, secret.get_secret_value() if secret else None
                )
            self.dispatcher.config = NetworkConfig(
                timezone=self.settings.boucle_timezone,
                bot_username=self.telegram.bot_username,
                has_group=self.dispatcher.group is not None,
            )
        await self.sender.recover()
        await self.dispatcher.replay_unprocessed()
        self.sender.start()
        if self.scheduler is not None:
            await self.scheduler.start()  # catches up a digest missed today, then every minute
        if self.web is not None:
            await self.web.start()

    async def stop(self) -> None:
        if self.web is not None:
            await self.web.stop()  # no new webhook first, then finish what was accepted
        if self.scheduler is not None:
            await self.scheduler.stop()
        await self.sender.stop()
        if self.telegram is not None:
            await self.telegram.stop()
        if self.whatsapp is not None:
            await self.whatsapp.close()
        await self.db.close()

    def _build_whatsapp_and_web(self) -> None:
        """WhatsApp (Twilio) and the web server, when configured (see README, "WhatsApp")."""
        settings = self.settings
        if settings.telegram_webhook_url is not None and settings.telegram_webhook_secret is None:
            raise ValueError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET")
        if settings.whatsapp_enabled:
            if not settings.boucle_public_url:
                raise ValueError("WhatsApp needs BOUCLE_PUBLIC_URL (to verify Twilio's signatures)")
            assert settings.twilio_auth_token is not None
            assert settings.twilio_account_sid and settings.twilio_whatsapp_from
            db = self.db

            async def last_inbound(external_id: str) -> datetime | None:
                async with db.transaction() as conn:
                    return await statuses.last_inbound_at(conn, WHATSAPP, external_id)

            self.whatsapp = WhatsAppChannel.build(
                settings.twilio_account_sid,
                settings.twilio_auth_token.get_secret_value(),
                settings.twilio_whatsapp_from,
                settings.twilio_api_base_url,
                f"{settings.boucle_public_url.rstrip('/')}/whatsapp/status",
                {
                    "alert": settings.twilio_template_alert or "",
                    "digest": settings.twilio_template_digest or "",
                },
                last_inbound,
                self.clock.now,
            )
            self.channels[WHATSAPP] = self.whatsapp
        if self.whatsapp is None and settings.telegram_webhook_url is None:
            return
        secret = settings.telegram_webhook_secret
        web = Web(
            self.dispatcher,
            self.db,
            self.clock,
            dict(self.channels),
            settings.boucle_public_url,
            settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else None,
            whatsapp=self.whatsapp,
            telegram=self.telegram if settings.telegram_webhook_url else None,
            telegram_secret=secret.get_secret_value() if secret else None,
            wake_sender=self.sender.wake,
        )
        self.web = WebServer(web, settings.boucle_http_host, settings.boucle_http_port)


async def network_gazetteer(db: Database) -> Gazetteer:
    """Communes of France, homonyms resolved towards the network's own associations."""
    async with db.transaction() as conn:
        associations = await members.all_associations(conn)
    points = [
        (a.latitude, a.longitude)
        for a in associations
        if a.latitude is not None and a.longitude is not None
    ]
    gazetteer = load_gazetteer()
    return gazetteer.with_focus(points) if points else gazetteer


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
    await seed_demo(db, load_gazetteer(), clock.now(), settings.boucle_timezone)
    gazetteer = await network_gazetteer(db)
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
