"""The few settings `boucle parse` needs, read without pydantic (issue 12: its start time).

`bot.settings.Settings` (pydantic-settings) costs ~0.2 s to import and build, more than a
third of what `boucle parse` is allowed. `parse` needs only the time zone, the log level and
format, and the secrets to redact; they are read here with the same sources and rules as
`Settings`:

- an environment variable, by its name in any case (``BOUCLE_TIMEZONE``, ``boucle_timezone``);
- else `.env` in the current directory, read by python-dotenv's ``dotenv_values`` (what
  pydantic-settings calls, same encoding), imported only when the file exists;
- an empty value (or a bare ``KEY`` line in `.env`) means "not set": the next source, or the
  default, applies;
- the log level and format are trimmed and their case ignored, as `Settings`' validators do.

A value `Settings` would refuse (a log level « loud ») makes :func:`for_parse` answer None:
the caller then builds `Settings`, which names the setting as for every other command.
tests/test_settings_reader.py compares the two readers on the same environments and files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ENV_FILE = ".env"  # `Settings.model_config["env_file"]`, read as UTF-8
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")  # `bot.settings.LogLevel`
FORMATS = ("text", "json")  # `bot.settings.LogFormat`
# `Settings`' SecretStr fields (a test checks this is all of them): redacted from the logs.
SECRET_FIELDS = (
    "telegram_bot_token",
    "telegram_webhook_secret",
    "boucle_metrics_token",
    "twilio_auth_token",
)
# `Settings`' defaults.
DEFAULTS = {
    "boucle_timezone": "Europe/Paris",
    "boucle_log_level": "INFO",
    "boucle_log_format": "text",
}


def read(names: Iterable[str], env_file: str | Path | None = ENV_FILE) -> dict[str, str]:
    """The values set for ``names`` (lower case), as pydantic-settings finds them: the
    environment first, then ``env_file``; unset names are absent."""
    wanted = {name.lower() for name in names}
    from_file: dict[str, str | None] = {}
    path = Path(env_file).expanduser() if env_file is not None else None
    if path is not None and (path.is_file() or path.is_fifo()):
        from dotenv import dotenv_values

        for key, value in dotenv_values(path, encoding="utf-8").items():
            if value != "" and key.lower() in wanted:
                from_file[key.lower()] = value
    from_environment: dict[str, str] = {}
    for key, value in os.environ.items():
        if value != "" and key.lower() in wanted:
            from_environment[key.lower()] = value
    found: dict[str, str] = {}
    for name in wanted:
        value = from_environment.get(name)
        if value is None:
            value = from_file.get(name)
        if value is not None:
            found[name] = value
    return found


@dataclass(frozen=True, slots=True)
class ParseSettings:
    """What `boucle parse` reads of the settings."""

    timezone: str
    log_level: str
    log_format: str
    secrets: tuple[str, ...]


def for_parse(env_file: str | Path | None = ENV_FILE) -> ParseSettings | None:
    """The settings of `boucle parse`; None when one of them is invalid (`Settings` says
    which)."""
    found = read((*DEFAULTS, *SECRET_FIELDS), env_file)
    values = {**DEFAULTS, **found}
    level = values["boucle_log_level"].strip().upper()
    fmt = values["boucle_log_format"].strip().lower()
    if level not in LEVELS or fmt not in FORMATS:
        return None
    secrets = tuple(found[name] for name in SECRET_FIELDS if name in found)
    return ParseSettings(values["boucle_timezone"], level, fmt, secrets)
