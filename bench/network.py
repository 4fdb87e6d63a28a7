"""A network of the largest real size, built the same way for every benchmark from a seed.

5,000 associations in the communes of Occitanie (weighted by population, so towns hold
several), 2 members each (a coordinator and a volunteer), 100,000 posts over the past year of
which about 5 % are still open. Profiles vary as they would in the field: most keep the
defaults, some set a wider reach, a third declare cold storage, a fifth limit what they take.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.understanding import Gazetteer
from handlers.understanding.lexicon import COLD_CATEGORIES
from handlers.understanding.model import FOOD_CATEGORIES, RESOURCE_CATEGORIES
from storage.bulk import AssociationRow, MemberRow, PostRow

# Occitanie: Ariège, Aude, Aveyron, Gard, Haute-Garonne, Gers, Hérault, Lot, Lozère,
# Hautes-Pyrénées, Pyrénées-Orientales, Tarn, Tarn-et-Garonne.
OCCITANIE = frozenset(
    {"09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"}
)
KINDS = ("need", "offer", "equipment_request", "equipment_offer")
KIND_WEIGHTS = (40, 45, 7, 8)
OPEN_SHARE = 0.05
FIRST_CHAT = 1_000_000


@dataclass(frozen=True)
class Sizes:
    associations: int = 5_000
    members_per_association: int = 2
    posts: int = 100_000


@dataclass(frozen=True)
class BuiltNetwork:
    associations: list[AssociationRow]
    members: list[MemberRow]
    posts: list[PostRow]


def build_network(
    gazetteer: Gazetteer, now: datetime, sizes: Sizes = Sizes(), seed: int = 11
) -> BuiltNetwork:
    rng = random.Random(seed)
    communes = [
        c for c in gazetteer.communes_of(OCCITANIE) if c.latitude is not None and c.population
    ]
    weights = [float(c.population or 1) ** 0.5 for c in communes]
    places = rng.choices(communes, weights=weights, k=sizes.associations)
    associations = [
        AssociationRow(
            id=i + 1,
            name=f"Association {i + 1} {commune.name}",
            commune=commune.name,
            latitude=commune.latitude,
            longitude=commune.longitude,
            reach_km=rng.choice((30.0,) * 6 + (20.0, 50.0)),
            takes=",".join(rng.sample(FOOD_CATEGORIES, 5)) if rng.random() < 0.2 else None,
            gives=None,
            cold_storage=rng.random() < 0.33,
        )
        for i, commune in enumerate(places)
    ]
    people = [
        MemberRow(
            id=a.id * sizes.members_per_association + k,
            association_id=a.id,
            name=f"Bénévole {a.id}-{k}",
            role="coordinator" if k == 0 else "member",
            channel="telegram",
            external_id=str(FIRST_CHAT + a.id * sizes.members_per_association + k),
        )
        for a in associations
        for k in range(sizes.members_per_association)
    ]
    posts = [_post(rng, i + 1, associations, sizes, now) for i in range(sizes.posts)]
    return BuiltNetwork(associations, people, posts)


def _post(
    rng: random.Random, ident: int, associations: list[AssociationRow], sizes: Sizes, now: datetime
) -> PostRow:
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    food = kind in ("need", "offer")
    category = rng.choice(FOOD_CATEGORIES if food else RESOURCE_CATEGORIES)
    author = rng.choice(associations)
    is_open = rng.random() < OPEN_SHARE
    created = now - timedelta(days=rng.randint(0, 3) if is_open else rng.randint(4, 365))
    return PostRow(
        id=ident,
        kind=kind,
        category=category,
        what=category.replace("_", " "),
        quantity=float(rng.randint(1, 200)) if food else None,
        unit="kg" if food else None,
        deadline=(created + timedelta(days=rng.randint(1, 10))).date(),
        urgent=kind in ("need", "equipment_request") and rng.random() < 0.1,
        cold_chain=category in COLD_CATEGORIES,
        status="open" if is_open else rng.choice(("done", "done", "expired", "cancelled")),
        author_id=author.id * sizes.members_per_association,
        association_id=author.id,
        latitude=author.latitude,
        longitude=author.longitude,
        created_at=created,
    )
