"""Kilos equivalents for the indicators: defaults, a network's own values, refused values."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from handlers.equivalents import DEFAULT_KILOS, Equivalents, EquivalentsError, parse_equivalents


@pytest.mark.parametrize(
    ("quantity", "unit", "kilos"),
    [
        (30.0, "kg", 30.0),
        (3.0, "carton", 30.0),
        (2.0, "cagette", 16.0),
        (1.0, "palette", 400.0),
        (5.0, "colis", 40.0),
        (100.0, "repas", 50.0),
        (12.5, "l", 12.5),
        (40.0, "unite", None),
        (3.0, "personne", None),
        (None, "kg", None),
        (4.0, None, None),
    ],
)
def test_default_equivalents(quantity: float | None, unit: str | None, kilos: float | None) -> None:
    assert Equivalents().kilos_of(quantity, unit) == kilos


def test_network_values_replace_the_defaults_and_keep_the_others() -> None:
    equivalents = parse_equivalents("carton=12 ; Palettes = 350, repas=0,4")
    assert equivalents.kilos_of(2, "carton") == 24
    assert equivalents.kilos_of(1, "palette") == 350
    assert equivalents.kilos_of(10, "repas") == pytest.approx(4)
    assert equivalents.kilos_of(1, "cagette") == DEFAULT_KILOS["cagette"]


def test_the_note_names_each_conversion_used_once_in_french() -> None:
    note = Equivalents().note(["repas", "kg", "carton", "carton", None, "unite"])
    assert note == "1 carton = 10 kg ; 1 repas = 0,5 kg"
    assert Equivalents().note(["kg", "unite"]) == ""


@pytest.mark.parametrize("text", ["carton", "carton=", "caddie=3", "carton=-1", "carton=dix"])
def test_unreadable_values_are_refused_with_the_reason(text: str) -> None:
    with pytest.raises(EquivalentsError, match="«"):
        parse_equivalents(text)


def test_settings_refuse_unreadable_equivalents_at_start() -> None:
    with pytest.raises(ValidationError, match="carton=dix"):
        Settings(boucle_equivalents="carton=dix", _env_file=None)  # type: ignore[call-arg]
    settings = Settings(boucle_equivalents="carton=12", _env_file=None)  # type: ignore[call-arg]
    assert settings.network_config().equivalents.kilos_of(1, "carton") == 12
