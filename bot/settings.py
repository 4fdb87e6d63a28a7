"""Settings read from the environment and `.env` (names are a contract, see `.env.example`)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.context import DEFAULT_QUESTION_MINUTES, Limits, NetworkConfig
from handlers.equivalents import Equivalents, parse_equivalents
from handlers.texts import t
from storage.retention import DEFAULT_RETENTION_DAYS

TELEGRAM_DEFAULT_BASE_URL = "https://api.telegram.org/bot"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
LogFormat = Literal["text", "json"]


class Settings(BaseSettings):
    # Empty values in `.env` (as in `.env.example`) mean "not set", not "empty string".
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", env_file_encoding="utf-8", env_ignore_empty=True
    )

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = TELEGRAM_DEFAULT_BASE_URL
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None

    boucle_db_path: Path = Path("boucle.db")
    boucle_timezone: str = "Europe/Paris"
    boucle_group_chat_id: int | None = None
    boucle_public_url: str | None = None
    boucle_http_host: str = "127.0.0.1"
    boucle_http_port: int = 8080
    # Messages per second the sender allows itself on WhatsApp (Twilio's default: ~80/s).
    boucle_whatsapp_rate: float = Field(default=80.0, gt=0)
    # At start, how long to keep trying to reach Telegram before giving up (exit status 1).
    boucle_startup_timeout: float = Field(default=30.0, gt=0, le=300)
    # Level of our own loggers (bot, handlers, storage); libraries stay at WARNING.
    boucle_log_level: LogLevel = "INFO"
    # Days after which sent messages, delivery attempts and handled inbound messages are purged.
    boucle_retention_days: int = Field(default=DEFAULT_RETENTION_DAYS, ge=1)
    # Minutes a question about a post (« Qu'est-ce qui est à donner ? ») waits for its answer.
    boucle_question_minutes: int = Field(default=DEFAULT_QUESTION_MINUTES, ge=1, le=7 * 24 * 60)

    # Limits (issue 9), see `handlers.context.Limits` and the README.
    # Hours between two broadcasts of one post (`/relancer`; publication counts).
    boucle_relaunch_hours: float = Field(default=6.0, ge=0)
    # Urgent posts a member may publish in 24 h; beyond, a coordinator confirms the urgency.
    boucle_urgent_per_day: int = Field(default=3, ge=0)
    # Wrong invite or link codes one sender may try in BOUCLE_CODE_WINDOW_MINUTES...
    boucle_code_attempts: int = Field(default=5, ge=1)
    boucle_code_window_minutes: int = Field(default=10, ge=1)
    # ...and the whole network in a minute (a guessing attack from many accounts).
    boucle_code_attempts_per_minute: int = Field(default=100, ge=1)
    # Days a new invite code works (`boucle invite --expires` overrides it).
    boucle_invite_days: int = Field(default=14, ge=1, le=365)
    # Messages one sender may send in BOUCLE_FLOOD_WINDOW_MINUTES; the extra ones are stored
    # but neither processed nor answered (one notice per window).
    boucle_flood_messages: int = Field(default=20, ge=1)
    boucle_flood_window_minutes: int = Field(default=1, ge=1, le=1440)
    # Hours an urgent need waits unclaimed before it goes to the next ring, then as long again
    # before the network's coordinators are told (issue 11, handlers/escalation.py).
    boucle_escalate_hours: float = Field(default=2.0, gt=0, le=72)
    # Kilos per carton, cagette, palette, colis, repas, litre for the indicators, over the
    # defaults of handlers/equivalents.py: « carton=12, palette=350 ».
    boucle_equivalents: str = ""

    # Running it (issue 15, docs/deploy.md).
    # Log lines as text (default) or one JSON object per line (for Loki, journald's JSON...).
    boucle_log_format: LogFormat = "text"
    # Set: `GET /metrics` (Prometheus) answers to `Authorization: Bearer <this token>`; unset,
    # /metrics does not exist (404).
    boucle_metrics_token: SecretStr | None = None
    # Serve /healthz (and /metrics) even in polling mode, with no webhook to receive (a
    # container's health check, a monitoring probe). WhatsApp, a Telegram webhook or a metrics
    # token start the web server anyway.
    boucle_http_always: bool = False

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_base_url: str | None = None
    twilio_template_alert: str | None = None
    twilio_template_digest: str | None = None

    @field_validator("boucle_log_level", mode="before")
    @classmethod
    def log_level_any_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("boucle_log_format", mode="before")
    @classmethod
    def log_format_any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def web_server_wanted(self) -> bool:
        """Whether `boucle run` serves HTTP: webhooks to receive, metrics, or asked to."""
        return bool(
            self.whatsapp_enabled
            or self.telegram_webhook_url
            or self.boucle_metrics_token
            or self.boucle_http_always
        )

    @field_validator("boucle_equivalents")
    @classmethod
    def equivalents_readable(cls, value: str) -> str:
        parse_equivalents(value)  # EquivalentsError is a ValueError: pydantic reports it
        return value

    @property
    def equivalents(self) -> Equivalents:
        return parse_equivalents(self.boucle_equivalents)

    @property
    def limits(self) -> Limits:
        return Limits(
            relaunch_interval=timedelta(hours=self.boucle_relaunch_hours),
            urgent_per_day=self.boucle_urgent_per_day,
            code_attempts_per_sender=self.boucle_code_attempts,
            code_window=timedelta(minutes=self.boucle_code_window_minutes),
            code_attempts_per_minute=self.boucle_code_attempts_per_minute,
            invite_validity=timedelta(days=self.boucle_invite_days),
            messages_per_window=self.boucle_flood_messages,
            message_window=timedelta(minutes=self.boucle_flood_window_minutes),
        )

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None and bool(
            self.telegram_bot_token.get_secret_value()
        )

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(
            self.twilio_account_sid and self.twilio_auth_token and self.twilio_whatsapp_from
        )

    def network_config(
        self, bot_username: str | None = None, has_group: bool = False
    ) -> NetworkConfig:
        """What handlers know of the settings (the network's time zone, its limits)."""
        return NetworkConfig(
            timezone=self.boucle_timezone,
            bot_username=bot_username,
            has_group=has_group,
            question_ttl=timedelta(minutes=self.boucle_question_minutes),
            limits=self.limits,
            equivalents=self.equivalents,
        )

    def problem_keys(self) -> list[str]:
        """Settings that cannot work together, as texts keys (handlers/texts.py)."""
        found: list[str] = []
        if self.telegram_webhook_url and self.telegram_webhook_secret is None:
            found.append("settings_webhook_needs_secret")
        twilio = (self.twilio_account_sid, self.twilio_auth_token, self.twilio_whatsapp_from)
        if any(twilio) and not all(twilio):
            found.append("settings_whatsapp_incomplete")
        if self.whatsapp_enabled and not self.boucle_public_url:
            found.append("settings_whatsapp_needs_public_url")
        return found

    def problems(self, lang: str = "fr") -> list[str]:
        """Settings that cannot work together, said to the person configuring the bot."""
        return [t(lang, key) for key in self.problem_keys()]
