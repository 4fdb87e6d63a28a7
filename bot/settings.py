"""Settings read from the environment and `.env` (names are a contract, see `.env.example`)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.context import DEFAULT_QUESTION_MINUTES, NetworkConfig
from storage.retention import DEFAULT_RETENTION_DAYS

TELEGRAM_DEFAULT_BASE_URL = "https://api.telegram.org/bot"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


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
        )

    def problems(self) -> list[str]:
        """Settings that cannot work together, said to the person configuring the bot."""
        found: list[str] = []
        if self.telegram_webhook_url and self.telegram_webhook_secret is None:
            found.append("TELEGRAM_WEBHOOK_URL demande aussi TELEGRAM_WEBHOOK_SECRET.")
        twilio = (self.twilio_account_sid, self.twilio_auth_token, self.twilio_whatsapp_from)
        if any(twilio) and not all(twilio):
            found.append(
                "WhatsApp demande TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN et TWILIO_WHATSAPP_FROM."
            )
        if self.whatsapp_enabled and not self.boucle_public_url:
            found.append(
                "WhatsApp demande BOUCLE_PUBLIC_URL (l'adresse publique que Twilio appelle)."
            )
        return found
