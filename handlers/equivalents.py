"""Kilos equivalents: how a quantity in cartons, cagettes, palettes, colis or repas counts in kilos.

Funders read kilos; volunteers count what they carry. The indicators (/bilan, exports, the
monthly report) convert with these equivalents and say so under every figure that used one, so
that a figure is never more precise than it looks. The defaults are round orders of magnitude;
a network sets its own with `BOUCLE_EQUIVALENTS` (« carton=12,palette=350 »).

- `kg`: itself. `l`: one kilo per litre (milk, juice, soup: close enough, and stated).
- `repas`: 0.5 kg, the equivalence the Banques Alimentaires publish (1 repas = 500 g).
- `unite` (counted items of unknown size) and `personne` (volunteers) have no kilos: they are
  counted apart, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

# Units whose quantity is mass already.
MASS_UNITS: Final = frozenset({"kg"})
# Units converted by an equivalent (the `l` one included), in the order a note lists them.
CONVERTED_UNITS: Final = ("l", "carton", "cagette", "palette", "colis", "repas")

DEFAULT_KILOS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "l": 1.0,
        "carton": 10.0,
        "cagette": 8.0,
        "palette": 400.0,
        "colis": 8.0,
        "repas": 0.5,
    }
)

# Words accepted in BOUCLE_EQUIVALENTS for each unit (plural, the contract's name).
_UNIT_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        **{name: name for name in CONVERTED_UNITS},
        "litre": "l",
        "litres": "l",
        "cartons": "carton",
        "cagettes": "cagette",
        "palettes": "palette",
        "repas": "repas",
    }
)


class EquivalentsError(ValueError):
    """A BOUCLE_EQUIVALENTS value that cannot be read, said to the person configuring."""


@dataclass(frozen=True)
class Equivalents:
    """Kilos per unit for the units that are not mass (`kilos["carton"]` = 10.0)."""

    kilos: Mapping[str, float] = field(default_factory=lambda: DEFAULT_KILOS)

    def kilos_of(self, quantity: float | None, unit: str | None) -> float | None:
        """The kilos a quantity stands for; None when it has none (unknown, units, people)."""
        if quantity is None or unit is None:
            return None
        if unit in MASS_UNITS:
            return quantity
        per_unit = self.kilos.get(unit)
        return None if per_unit is None else quantity * per_unit

    def is_converted(self, unit: str | None) -> bool:
        return unit is not None and unit in self.kilos

    def note(self, units: Iterable[str | None]) -> str:
        """The conversions used for these units, to print under a figure: « 1 carton = 10 kg »
        (empty when none was used). Numbers are written the French way (0,5)."""
        used = set(units)
        parts = [
            f"1 {unit} = {_number(self.kilos[unit])} kg"
            for unit in CONVERTED_UNITS
            if unit in used and unit in self.kilos
        ]
        return " ; ".join(parts)


def parse_equivalents(text: str | None) -> Equivalents:
    """Read « carton=12, palette=350 » over the defaults; an empty text keeps the defaults."""
    kilos = dict(DEFAULT_KILOS)
    # Items are separated by « , » or « ; » before a unit's name: « repas=0,5 » keeps its comma.
    for item in re.split(r"[;,]\s*(?=[^\W\d_])", text or ""):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        unit = _UNIT_NAMES.get(name.strip().lower())
        if not sep or unit is None:
            known = ", ".join(CONVERTED_UNITS)
            raise EquivalentsError(
                f"« {item.strip()} » : écrivez unité=kilos, l'unité parmi {known}"
            )
        try:
            per_unit = float(value.strip().replace(",", "."))
        except ValueError as error:
            message = f"« {item.strip()} » : {value.strip()!r} n'est pas un nombre"
            raise EquivalentsError(message) from error
        if not 0 < per_unit <= 10_000:
            raise EquivalentsError(f"« {item.strip()} » : entre 0 et 10 000 kg")
        kilos[unit] = per_unit
    return Equivalents(MappingProxyType(kilos))


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")
