"""The pure audience rule (handlers/routing.py) with real communes of Aude and Hérault."""

from __future__ import annotations

import pytest

from handlers.routing import (
    PostPlace,
    audience,
    box_around,
    distance_km,
    interested,
    is_cold,
    ring_radius_km,
)
from storage.models import Profile

# Town-hall coordinates (rounded): known distances between them.
CARCASSONNE = (43.2130, 2.3491)
NARBONNE = (43.1839, 3.0042)
LIMOUX = (43.0546, 2.2186)
BEZIERS = (43.3442, 3.2158)
MONTPELLIER = (43.6108, 3.8767)


def profile(ident: int, point: tuple[float, float] | None, **kwargs: object) -> Profile:
    lat, lon = point if point else (None, None)
    return Profile(ident, f"A{ident}", "x", lat, lon, **kwargs)  # type: ignore[arg-type]


def post(
    point: tuple[float, float] | None = CARCASSONNE,
    kind: str = "offer",
    category: str | None = "epicerie_seche",
    cold: bool = False,
    reach: float = 30.0,
) -> PostPlace:
    return PostPlace(kind, category, cold, point, reach, 0)  # type: ignore[arg-type]


def test_distances_between_real_communes() -> None:
    assert distance_km(CARCASSONNE, NARBONNE) == pytest.approx(53.3, abs=1.0)
    assert distance_km(CARCASSONNE, LIMOUX) == pytest.approx(21.0, abs=1.0)
    assert distance_km(NARBONNE, BEZIERS) == pytest.approx(24.7, abs=1.0)
    assert distance_km(CARCASSONNE, MONTPELLIER) == pytest.approx(131.0, abs=2.0)


def test_reach_is_the_larger_radius_and_rings_double() -> None:
    assert ring_radius_km(30, 60, 0) == 60
    assert ring_radius_km(30, 10, 1) == 60
    assert ring_radius_km(30, 10, 2) == 120


def test_an_ordinary_post_reaches_within_the_larger_radius() -> None:
    near = profile(1, LIMOUX)
    far = profile(2, NARBONNE)
    wide = profile(3, NARBONNE, reach_km=60.0)
    got = [r.association_id for r in audience(post(), [far, near, wide])]
    assert got == [1, 3]


def test_urgent_ring_reaches_further() -> None:
    far = profile(2, NARBONNE)
    assert audience(post(), [far], ring=0) == []
    assert [r.association_id for r in audience(post(), [far], ring=1)] == [2]


def test_interests_needs_go_to_givers_offers_to_takers() -> None:
    takes_dairy = profile(1, LIMOUX, takes=frozenset({"produits_laitiers"}))
    gives_rice = profile(2, LIMOUX, gives=frozenset({"epicerie_seche"}))
    assert interested(takes_dairy, "offer", "produits_laitiers")
    assert not interested(takes_dairy, "offer", "epicerie_seche")
    assert interested(gives_rice, "need", "epicerie_seche")
    assert not interested(gives_rice, "need", "bebe")
    assert interested(gives_rice, "offer", "bebe")  # takes nothing set: every category


def test_cold_offers_go_to_cold_keepers_unless_none_near() -> None:
    fridge = profile(1, LIMOUX, cold_storage=True)
    plain = profile(2, LIMOUX)
    yoghurts = post(category="produits_laitiers", cold=True)
    assert [r.association_id for r in audience(yoghurts, [plain, fridge])] == [1]
    assert [r.association_id for r in audience(yoghurts, [plain])] == [2]
    assert is_cold("surgeles", False) and is_cold(None, True) and not is_cold("conserves", False)


def test_unknown_places_are_never_left_out_and_the_author_is() -> None:
    nowhere = profile(1, None)
    author = profile(0, LIMOUX)
    assert [r.association_id for r in audience(post(), [nowhere, author])] == [1]
    assert [r.association_id for r in audience(post(point=None), [profile(2, MONTPELLIER)])] == [2]


def test_box_holds_the_ring() -> None:
    south, north, west, east = box_around(CARCASSONNE, 60)
    for point in (NARBONNE, LIMOUX):
        assert south <= point[0] <= north and west <= point[1] <= east
    assert not (west <= MONTPELLIER[1] <= east)
