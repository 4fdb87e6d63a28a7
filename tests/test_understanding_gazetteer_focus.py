"""Homonyms resolved towards the network: the same choice as the brute-force rule, at a cost
per message that does not grow with the number of associations."""

from __future__ import annotations

import math
import random

import pytest

from handlers.understanding import Commune, Gazetteer
from handlers.understanding.gazetteer import Point, distance_km

FRANCE = (41.4, 51.0, -4.7, 8.2)  # latitude and longitude ranges, Corsica included
OCCITANIE = (42.6, 44.9, -0.3, 4.8)
BRITTANY = (47.3, 48.8, -4.7, -1.1)  # far from the many Villers of the north


def _random_points(rng: random.Random, count: int, box: tuple[float, ...]) -> list[Point]:
    south, north, west, east = box
    return [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(count)]


def _brute_force(gazetteer: Gazetteer, indices: tuple[int, ...], focus: list[Point]) -> Commune:
    """The rule as first written: every homonym against every point of the network."""
    communes = [gazetteer._data.communes[i] for i in indices]

    def rank(c: Commune) -> tuple[float, int]:
        if c.latitude is None or c.longitude is None:
            return (math.inf, -(c.population or 0))
        here = (c.latitude, c.longitude)
        return (min(distance_km(here, p) for p in focus), -(c.population or 0))

    return min(communes, key=rank)


def _name_groups(gazetteer: Gazetteer) -> list[tuple[int, ...]]:
    """Every name (or name's head) shared by several communes, as the look-ups see it."""
    data = gazetteer._data
    keys = sorted(set(data.by_key) | set(data.by_prefix))
    groups = [data.by_key.get(k, ()) + data.by_prefix.get(k, ()) for k in keys]
    return [g for g in groups if len(g) > 1]


def _postal_groups(gazetteer: Gazetteer) -> list[tuple[int, ...]]:
    return [g for g in gazetteer._data.by_postal.values() if len(g) > 1]


@pytest.mark.parametrize(
    ("seed", "count", "box"),
    [(1, 1, FRANCE), (2, 12, FRANCE), (3, 80, OCCITANIE), (4, 40, BRITTANY)],
)
def test_same_choice_as_brute_force_on_every_homonym_name(
    gazetteer: Gazetteer, seed: int, count: int, box: tuple[float, ...]
) -> None:
    rng = random.Random(seed)
    focus = _random_points(rng, count, box)
    focus += focus[: count // 4]  # associations sharing a place
    focused = gazetteer.with_focus(focus)
    groups = _name_groups(gazetteer)
    assert len(groups) > 3000
    wrong = [g for g in groups if focused._best(g) is not _brute_force(gazetteer, g, focus)]
    assert wrong == []


@pytest.mark.parametrize("box", [FRANCE, OCCITANIE])
def test_same_choice_as_brute_force_with_5000_associations(
    gazetteer: Gazetteer, box: tuple[float, ...]
) -> None:
    rng = random.Random(5)
    focus = _random_points(rng, 5000, box)
    focused = gazetteer.with_focus(focus)
    groups = rng.sample(_name_groups(gazetteer), 15) + rng.sample(_postal_groups(gazetteer), 6)
    groups.append(max(_name_groups(gazetteer), key=len))  # Villers: 105 communes
    wrong = [g for g in groups if focused._best(g) is not _brute_force(gazetteer, g, focus)]
    assert wrong == []


def test_same_choice_as_brute_force_on_postal_codes(gazetteer: Gazetteer) -> None:
    focus = _random_points(random.Random(6), 30, FRANCE)
    focused = gazetteer.with_focus(focus)
    groups = _postal_groups(gazetteer)[::4]
    wrong = [g for g in groups if focused._best(g) is not _brute_force(gazetteer, g, focus)]
    assert wrong == []


def test_communes_without_coordinates_lose_to_located_ones(gazetteer: Gazetteer) -> None:
    communes = gazetteer._data.communes
    unlocated = next(i for i, c in enumerate(communes) if c.latitude is None)
    located = next(i for i, c in enumerate(communes) if c.latitude is not None)
    focused = gazetteer.with_focus([(43.2, 2.35)])
    assert focused._best((unlocated, located)) is communes[located]
    assert focused._best((unlocated,)) is communes[unlocated]


MESSAGES = [
    "besoin de riz à Villers",
    "on donne des pâtes, secteur Montigny",
    "30 kg de carottes à Neuville",
    "frigo dispo à Châteauneuf",
    "je passe par Courcelles demain",
    "ramasse à Saint-Martin",
    "des yaourts à prendre, 51300",
    "Lezignan, 20 kg de pommes",
]


def _distances_for(gazetteer: Gazetteer, focus: list[Point]) -> tuple[int, int]:
    """Distances computed on the first, then on the second, reading of MESSAGES."""
    calls = 0

    def counted(a: Point, b: Point) -> float:
        nonlocal calls
        calls += 1
        return distance_km(a, b)

    focused = gazetteer.with_focus(focus, distance=counted)
    assert calls == 0  # building the focus measures nothing: names are resolved when met
    first = [focused.find_in(m) for m in MESSAGES]
    cold = calls
    second = [focused.find_in(m) for m in MESSAGES]
    assert second == first and all(c is not None for c in first)
    return cold, calls - cold


@pytest.mark.parametrize("box", [FRANCE, OCCITANIE])
def test_cost_per_message_does_not_grow_with_the_network(
    gazetteer: Gazetteer, box: tuple[float, ...]
) -> None:
    rng = random.Random(7)
    small_cold, small_warm = _distances_for(gazetteer, _random_points(rng, 10, box))
    large_cold, large_warm = _distances_for(gazetteer, _random_points(rng, 5000, box))
    # The brute-force rule measured every homonym against every association: ~1.5 million
    # distances for these messages with 5,000 of them. A name met once costs nothing more.
    assert small_warm == 0 and large_warm == 0
    assert large_cold <= 3 * small_cold + 100, (small_cold, large_cold)
    assert large_cold < 2000, large_cold
