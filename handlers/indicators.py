"""The indicators in kilos: storage sums transfers in their posts' own units
(`storage/indicators.py`); here they become kilos with the network's equivalents
(`handlers/equivalents.py`, the one table of conversions), per category and per bin.

Pure (no storage, no sentence): `/bilan`, the exports and the monthly report share it. A unit
without kilos (`unite`, `personne`, none) is never guessed: it is counted apart. A transfer
without a figure is counted as a transfer, apart too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from handlers.equivalents import CONVERTED_UNITS, Equivalents
from storage.indicators import Flow

# How a quantity without kilos is counted when its post has no unit.
NO_UNIT = "unite"


@dataclass(frozen=True)
class Moved:
    """What some transfers moved, in kilos where a unit allows it."""

    transfers: int = 0
    kilos: float = 0.0
    # Kilos per category (None: no category), the biggest first.
    by_category: tuple[tuple[str | None, float], ...] = ()
    # Quantities that have no kilos, per unit (`unite`, `personne`), in that order.
    counted: tuple[tuple[str, float], ...] = ()
    without_figure: int = 0
    # The units converted to make `kilos` (for `Equivalents.note`), in the note's order.
    converted: tuple[str, ...] = ()
    # Every unit's own total (kg, l, carton…), before any conversion.
    quantities: tuple[tuple[str, float], ...] = ()

    def kilos_of(self, category: str | None) -> float:
        return dict(self.by_category).get(category, 0.0)

    def counted_of(self, unit: str) -> float:
        return dict(self.counted).get(unit, 0.0)


def moved(flows: Iterable[Flow], equivalents: Equivalents) -> Moved:
    """Sum these flows (one side, any bins) into kilos per category."""
    transfers = 0
    without = 0
    kilos: dict[str | None, float] = defaultdict(float)
    counted: dict[str, float] = defaultdict(float)
    quantities: dict[str, float] = defaultdict(float)
    converted: set[str] = set()
    for flow in flows:
        transfers += flow.transfers
        without += flow.without_figure
        if flow.transfers == flow.without_figure:
            continue  # no figure at all in this group
        unit = flow.unit or NO_UNIT
        quantities[unit] += flow.quantity
        weight = equivalents.kilos_of(flow.quantity, flow.unit)
        if weight is None:
            counted[unit] += flow.quantity
            continue
        kilos[flow.category] += weight
        if equivalents.is_converted(flow.unit):
            converted.add(unit)
    by_category = tuple(sorted(kilos.items(), key=lambda item: (-item[1], item[0] or "~")))
    return Moved(
        transfers=transfers,
        kilos=sum(kilos.values()),
        by_category=by_category,
        counted=tuple(sorted(counted.items(), key=lambda item: (item[0] != NO_UNIT, item[0]))),
        without_figure=without,
        converted=tuple(unit for unit in CONVERTED_UNITS if unit in converted),
        quantities=tuple(sorted(quantities.items())),
    )


def kilos_per_bin(
    flows: Iterable[Flow], equivalents: Equivalents, bins: int
) -> dict[str | None, list[float]]:
    """Kilos per category and bin (both sides together), for a chart."""
    series: dict[str | None, list[float]] = {}
    for flow in flows:
        weight = equivalents.kilos_of(flow.quantity, flow.unit)
        if weight is None or flow.transfers == flow.without_figure:
            continue
        series.setdefault(flow.category, [0.0] * bins)[flow.bin] += weight
    return series
