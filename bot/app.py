"""Start and stop everything: storage, dispatcher, intake, channels, sender, scheduler, web.

The process is honest about its health: a start-up failure raises `StartupError` (one line for
the operator, the CLI exits non-zero); a stop (SIGTERM, Ctrl+C) completes within
`STOP_SECONDS`, letting sends already on the wire finish; if one of the bot's loops dies
(polling, a sender lane, the web server), `/healthz` answers 503 and `run_bot` stops the
process with a non-zero exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from starlette.routing import Route

from bot.channels.base import Channel, StartupError
from bot.channels.telegram import CHANNEL as TELEGRAM
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram import webhook_route as telegram_webhook_route
from bot.channels.terminal import TerminalChannel, run_chat
from bot.channels.whatsapp import CHANNEL as WHATSAPP
from bot.channels.whatsapp import MEDIA_TYPES, WhatsAppChannel
from bot.channels.whatsapp.webhooks import TwilioWebhooks
from bot.clock import Clock, SystemClock
from bot.delivery import Sender
from bot.demo import demo_names, demo_users, seed_demo
from bot.dispatch import Dispatcher
from bot.fanout_jobs import FanoutJobs
from bot.file_links import FileLinks
from bot.intake import Intake
from bot.scheduler import Scheduler
from bot.settings import Settings
from bot.web import Web, WebServer, Worker
from handlers.messages import Address, Incoming
from handlers.understanding import Gazetteer, load_gazetteer
from storage import files, lock, members, statuses
from storage.db import Database

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)

DEMO_DB_PATH = Path("boucle-demo.db")
# The terminal writes the files it "sends" (a chart, an export) here, beside its database.
TERMINAL_FILES_DIR = "boucle-fichiers"
# A stop (SIGTERM, Ctrl+C) is over within this time, whatever is under way. Supervisors
# (systemd, Docker) wait 10 s before they kill.
STOP_SECONDS = 8.0
# Of it: messages being processed may finish for this long, then sends on the wire.
PROCESSING_GRACE_SECONDS = 2.0


@dataclass
class Boucle:
    """The running bot: one database, one dispatcher, the channels and the sender loop."""

    settings: Settings
    db: Database
    dispatcher: Dispatcher
    intake: Intake
    sender: Sender
    clock: Clock
    channels: dict[str, Channel] = field(default_factory=dict)
    telegram: TelegramChannel | None = None
    whatsapp: WhatsAppChannel | None = None
    web: WebServer | None = None
    scheduler: Scheduler | None = None
    fanout_jobs: FanoutJobs | None = None
    metrics: Metrics | None = None  # BOUCLE_METRICS_TOKEN set (issue 15)

    @classmethod
    async def create(cls, settings: Settings, clock: Clock | None = None) -> Boucle:
        clock = clock or SystemClock()
        db = await Database.open(settings.boucle_db_path)
        try:
            return await cls._assemble(settings, clock, db)
        except BaseException:
            await db.close()  # its worker thread would keep the process alive
            raise

    @classmethod
    async def _assemble(cls, settings: Settings, clock: Clock, db: Database) -> Boucle:
        group = (
            Address(TELEGRAM, str(settings.boucle_group_chat_id))
            if settings.boucle_group_chat_id is not None
            else None
        )
        config = settings.network_config(has_group=group is not None)
        gazetteer = await network_gazetteer(db)
        dispatcher = Dispatcher(db, clock, gazetteer, config, group)
        intake = Intake(dispatcher.accept, dispatcher.process)
        channels: dict[str, Channel] = {}
        sender = Sender(db, channels, clock)
        dispatcher.add_sender_wakeup(sender.wake)
        dispatcher.use_direct_replies(sender)
        app = cls(settings, db, dispatcher, intake, sender, clock, channels)
        app.fanout_jobs = FanoutJobs(
            db,
            clock,
            ZoneInfo(config.timezone),
            wake_sender=sender.wake,
            messages_handled=intake.idle,
        )
        dispatcher.use_fanout_jobs(app.fanout_jobs.chunk, app.fanout_jobs.wake)
        app.scheduler = Scheduler(db, clock, settings.boucle_timezone, group, sender.wake)
        app.scheduler.retention_days = settings.boucle_retention_days
        app.scheduler.escalate_after = timedelta(hours=settings.boucle_escalate_hours)
        if settings.boucle_metrics_token is not None:
            from bot.metrics import Metrics  # prometheus_client: only when metrics are on

            app.metrics = Metrics()
            intake.metrics = sender.metrics = app.scheduler.metrics = app.metrics
        if settings.telegram_enabled:
            assert settings.telegram_bot_token is not None
            app.telegram = TelegramChannel.build(
                settings.telegram_bot_token.get_secret_value(),
                settings.telegram_base_url,
                intake.take,
                dispatcher.reject_unreadable,
                clock.now,
                settings.boucle_group_chat_id,
                dispatcher.is_member,
            )
            channels[TELEGRAM] = app.telegram
        link_key = None
        if settings.whatsapp_enabled:
            async with db.read() as conn:
                link_key = await files.link_key(conn)
        app._build_whatsapp_and_web(link_key)
        return app

    async def start(self) -> None:
        """Reach the platforms, finish what the last run left, then listen. On failure,
        what was started is stopped again and `StartupError` (or the error) propagates."""
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        if self.telegram is not None:
            await self.telegram.connect(self.settings.boucle_startup_timeout)
            self.dispatcher.config = self.settings.network_config(
                self.telegram.bot_username, self.dispatcher.group is not None
            )
        await self.sender.recover()
        self.sender.start()
        if self.fanout_jobs is not None:
            self.fanout_jobs.start()  # resumes the relays the last run left unfinished
        # What was stored but not processed at the last stop goes first, in order.
        await self.intake.resume(await self.dispatcher.unprocessed())
        if self.scheduler is not None:
            # Returns at once: the catch-up (a digest missed today) runs in the background.
            await self.scheduler.start()
        if self.web is not None:
            try:
                await self.web.start()
            except OSError as error:
                host, port = self.settings.boucle_http_host, self.settings.boucle_http_port
                raise StartupError(
                    f"le serveur web ne peut pas écouter sur {host}:{port} ({error.strerror}) : "
                    "changez BOUCLE_HTTP_PORT ou arrêtez l'autre programme."
                ) from None
        if self.telegram is not None:
            webhook = self.settings.telegram_webhook_url
            if webhook is None:
                await self.telegram.bot.delete_webhook(drop_pending_updates=False)
                self.telegram.start_polling()
            else:
                secret = self.settings.telegram_webhook_secret
                await self.telegram.set_webhook(
                    webhook, secret.get_secret_value() if secret else None
                )

    async def stop(self, seconds: float = STOP_SECONDS) -> None:
        """Stop within about `seconds`: receive nothing more, let the work under way finish
        briefly, then cancel; whatever is cut short is finished at the next start."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        try:
            if self.telegram is not None:
                await self.telegram.stop_receiving()
            if self.web is not None:
                await self.web.stop()  # no new webhook first
            await self.intake.stop(min(PROCESSING_GRACE_SECONDS, seconds / 4))
            if self.fanout_jobs is not None:
                await self.fanout_jobs.stop()
            if self.scheduler is not None:
                await self.scheduler.stop()
            await self.sender.stop(grace_seconds=max(deadline - loop.time() - 1.0, 0.0))
            if self.telegram is not None:
                await self.telegram.stop()
            if self.whatsapp is not None:
                await self.whatsapp.close()
        finally:
            # Always: the database's worker thread would keep the process alive.
            await self.db.close()

    def loop_states(self) -> dict[str, str]:
        """The bot's own loops: "running", or "failed" once one has ended."""
        states = self.sender.loop_states()
        if self.fanout_jobs is not None and self.fanout_jobs.task is not None:
            task = self.fanout_jobs.task
            states[task.get_name()] = "failed" if task.done() else "running"
        if self.telegram is not None and self.telegram.polling is not None:
            states["telegram-polling"] = self.telegram.state
        return states

    def vital_tasks(self) -> list[asyncio.Task[None]]:
        tasks = self.sender.loops
        if self.fanout_jobs is not None and self.fanout_jobs.task is not None:
            tasks.append(self.fanout_jobs.task)
        if self.telegram is not None and self.telegram.polling is not None:
            tasks.append(self.telegram.polling)
        if self.web is not None and self.web.task is not None:
            tasks.append(self.web.task)
        return tasks

    def _build_whatsapp_and_web(self, link_key: bytes | None = None) -> None:
        """WhatsApp (Twilio) and the web server, when configured (see README, "WhatsApp").
        `link_key`: signs the links to files Twilio fetches (`/fichiers/...`)."""
        settings = self.settings
        links: FileLinks | None = None
        if settings.telegram_webhook_url is not None and settings.telegram_webhook_secret is None:
            raise ValueError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET")
        if settings.whatsapp_enabled:
            if not settings.boucle_public_url:
                raise ValueError("WhatsApp needs BOUCLE_PUBLIC_URL (to verify Twilio's signatures)")
            assert settings.twilio_auth_token is not None
            assert settings.twilio_account_sid and settings.twilio_whatsapp_from
            assert link_key is not None
            db = self.db
            links = FileLinks(
                settings.boucle_public_url, link_key, self.clock.now, inline_types=MEDIA_TYPES
            )

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
                settings.boucle_whatsapp_rate,
                links,
            )
            self.channels[WHATSAPP] = self.whatsapp
        if not settings.web_server_wanted:
            return
        routes: list[Route] = []
        workers: list[Worker] = []
        if self.whatsapp is not None:
            assert settings.twilio_auth_token is not None
            twilio = TwilioWebhooks(
                self.intake,
                self.db,
                self.clock,
                settings.boucle_public_url,
                settings.twilio_auth_token.get_secret_value(),
                wake_sender=self.sender.wake,
            )
            routes += twilio.routes()
            workers.append(twilio.worker)
        if links is not None:
            routes.append(links.route(self.db))
        secret = settings.telegram_webhook_secret
        if self.telegram is not None and settings.telegram_webhook_url and secret is not None:
            routes.append(telegram_webhook_route(self.telegram, secret.get_secret_value()))
        if self.metrics is not None and settings.boucle_metrics_token is not None:
            from bot.metrics import metrics_route

            self.metrics.channels(self.channels)
            token = settings.boucle_metrics_token.get_secret_value()
            routes.append(metrics_route(self.metrics, self.db, self.clock, token))
        web = Web(self.db, dict(self.channels), routes, self.loop_states, workers, self.intake)
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


async def run_bot(settings: Settings) -> int:
    """Run until SIGTERM or Ctrl+C (exit status 0), or until one of the bot's loops dies
    (status 1, after a clean stop). A start-up failure raises `StartupError`."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    # One bot per database, and no `boucle restore` while it runs (storage/lock.py).
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(lock.hold(settings.boucle_db_path))
        except lock.Locked as locked:
            raise StartupError(
                f"un autre Boucle utilise déjà {settings.boucle_db_path} (processus "
                f"{locked.pid or '?'}) : arrêtez-le d'abord."
            ) from None
        except OSError as error:  # no lock file beside the database: no database either
            raise StartupError(
                f"impossible d'écrire à côté de {settings.boucle_db_path} ({error.strerror}) : "
                "vérifiez le dossier de BOUCLE_DB_PATH et ses droits."
            ) from None
        return await _run_locked(settings, stop)


async def _run_locked(settings: Settings, stop: asyncio.Event) -> int:
    app = await Boucle.create(settings)
    starting = asyncio.create_task(app.start())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not starting.done():  # asked to stop while starting (Telegram slow to answer...)
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError, StartupError):
            await starting
        return 0
    stopping.cancel()
    starting.result()  # raises StartupError (the app stopped itself)
    log.info("Boucle is running (Ctrl+C to stop)")
    status = await run_until_stopped(app, stop)
    await app.stop()
    return status


async def run_until_stopped(app: Boucle, stop: asyncio.Event) -> int:
    waiting = asyncio.create_task(stop.wait())
    vital = app.vital_tasks()
    done, _ = await asyncio.wait({waiting, *vital}, return_when=asyncio.FIRST_COMPLETED)
    if waiting in done:
        return 0
    waiting.cancel()
    for task in done:
        error = task.exception() if not task.cancelled() else None
        log.critical(
            "%s stopped (%s): Boucle stops too, so that its supervisor restarts it",
            task.get_name(),
            type(error).__name__ if error else "ended",
        )
    return 1


async def run_terminal_chat(settings: Settings, db_path: Path = DEMO_DB_PATH) -> None:
    clock = SystemClock()
    db = await Database.open(db_path)
    await seed_demo(db, load_gazetteer(), clock.now(), settings.boucle_timezone)
    gazetteer = await network_gazetteer(db)
    config = settings.network_config()
    dispatcher = Dispatcher(db, clock, gazetteer, config)
    intake = Intake(dispatcher.accept, dispatcher.process)
    terminal = TerminalChannel(names=demo_names(), files_dir=db_path.parent / TERMINAL_FILES_DIR)
    sender = Sender(db, {"terminal": terminal}, clock)
    await sender.recover()
    await intake.resume(await dispatcher.unprocessed())

    async def take_and_process(incoming: Incoming) -> None:
        await intake.take(incoming)
        await intake.idle()

    try:
        await run_chat(
            terminal, take_and_process, sender.deliver_all_due, clock, demo_users(), "camille"
        )
    finally:
        await intake.stop(PROCESSING_GRACE_SECONDS)
        await db.close()
