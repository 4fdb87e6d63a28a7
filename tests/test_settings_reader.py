"""`boucle parse` reads its settings without pydantic (bot/settings_reader.py, issue 12): the
same values as `bot.settings.Settings` from the same environment and `.env`."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.settings import Settings
from bot.settings_reader import DEFAULTS, FORMATS, LEVELS, SECRET_FIELDS, for_parse, read

NAMES = (*DEFAULTS, *SECRET_FIELDS)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in NAMES:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def both(env_file: Path | None) -> tuple[dict[str, object], dict[str, str]]:
    """What `Settings` and the reader find for the names the reader knows."""
    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    expected: dict[str, object] = {}
    for name in NAMES:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if value is not None:
            expected[name] = value
    found = {**DEFAULTS, **read(NAMES, env_file)}
    light = for_parse(env_file)
    assert light is not None
    found["boucle_log_level"] = light.log_level
    found["boucle_log_format"] = light.log_format
    assert list(light.secrets) == [found[n] for n in SECRET_FIELDS if n in found]
    return expected, found


def test_defaults_without_environment_or_file(tmp_path: Path) -> None:
    expected, found = both(tmp_path / ".env")
    assert expected == found == DEFAULTS


def test_environment_any_case_and_trimmed_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("boucle_timezone", "America/Cayenne")
    monkeypatch.setenv("BOUCLE_LOG_LEVEL", " warning ")
    monkeypatch.setenv("BOUCLE_LOG_FORMAT", "JSON")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:secret")
    expected, found = both(None)
    assert expected == found
    assert found["boucle_timezone"] == "America/Cayenne"
    assert found["boucle_log_level"] == "WARNING"


def test_env_file_and_its_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# a comment\n"
        "export BOUCLE_TIMEZONE='Indian/Reunion'\n"
        'boucle_log_level="debug"  # inline comment\n'
        "BOUCLE_LOG_FORMAT=\n"  # empty: not set, the default applies
        "TWILIO_AUTH_TOKEN=from-the-file\n"
        "BOUCLE_METRICS_TOKEN\n"  # a bare key: not set
        "TELEGRAM_WEBHOOK_SECRET=${HOME_SECRET}-x\n",  # interpolated, as dotenv does
        encoding="utf-8",
    )
    monkeypatch.setenv("HOME_SECRET", "abc")
    expected, found = both(env_file)
    assert expected == found
    assert found["boucle_timezone"] == "Indian/Reunion"
    assert found["telegram_webhook_secret"] == "abc-x"
    # The environment wins over the file; an empty variable does not count.
    monkeypatch.setenv("BOUCLE_TIMEZONE", "Europe/Brussels")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "")
    expected, found = both(env_file)
    assert expected == found
    assert found["boucle_timezone"] == "Europe/Brussels"
    assert found["twilio_auth_token"] == "from-the-file"


@pytest.mark.parametrize(
    ("name", "value"), [("BOUCLE_LOG_LEVEL", "loud"), ("BOUCLE_LOG_FORMAT", "xml")]
)
def test_a_value_settings_refuses_is_left_to_settings(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    assert for_parse(None) is None
    with pytest.raises(ValidationError, match=name.lower()):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_reader_knows_every_secret_and_the_allowed_values() -> None:
    fields = Settings.model_fields
    secrets = {n for n, f in fields.items() if "SecretStr" in str(f.annotation)}
    assert set(SECRET_FIELDS) == secrets
    for name, default in DEFAULTS.items():
        assert fields[name].default == default
    assert set(LEVELS) == set(fields["boucle_log_level"].annotation.__args__)  # type: ignore[union-attr]
    assert set(FORMATS) == set(fields["boucle_log_format"].annotation.__args__)  # type: ignore[union-attr]
