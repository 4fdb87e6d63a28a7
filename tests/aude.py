"""A network of six associations at real communes of Aude and Hérault, placed through their
profiles (storage.profiles.set_profile), for the tests of who receives a post.

Distances between these town halls (km): Carcassonne–Limoux 20.6, Carcassonne–Castelnaudary
34.1, Carcassonne–Narbonne 53.2, Carcassonne–Béziers 71.7, Narbonne–Béziers 24.7,
Narbonne–Limoux 65.4, Béziers–Montpellier 61.0, Carcassonne–Montpellier 131.1.
"""

from __future__ import annotations

from storage import members, profiles
from tests.network import Network

PLACES = {
    "Carcassonne": (43.2130, 2.3491),
    "Narbonne": (43.1839, 3.0042),
    "Limoux": (43.0546, 2.2186),
    "Béziers": (43.3442, 3.2158),
    "Montpellier": (43.6108, 3.8767),
    "Castelnaudary": (43.3181, 1.9539),
}

# One person per association, named after its commune.
PEOPLE = {
    "carole": ("Banque Alimentaire de l'Aude", "Carcassonne"),
    "nora": ("Restos du Cœur Narbonne", "Narbonne"),
    "lina": ("Épicerie solidaire de Limoux", "Limoux"),
    "basile": ("Secours populaire Béziers", "Béziers"),
    "manon": ("Banque alimentaire de l'Hérault", "Montpellier"),
    "cassandre": ("Entraide Lauragais", "Castelnaudary"),
}


async def place(network: Network, user: str, **profile: object) -> int:
    """`user` joins their association, which is set at its commune (and `profile`)."""
    name, commune = PEOPLE[user]
    await network.join(user, name, commune)
    latitude, longitude = PLACES[commune]
    async with network.db.transaction() as conn:
        association = await members.association_by_name(conn, name)
        assert association is not None
        await profiles.set_profile(
            conn, association.id, latitude=latitude, longitude=longitude, **profile
        )
    return association.id


async def aude_and_herault(network: Network, **profile_of: dict[str, object]) -> None:
    """Everyone of PEOPLE joins; `profile_of[user]` sets more of their association's profile."""
    for user in PEOPLE:
        await place(network, user, **profile_of.get(user, {}))
    await network.deliver()
    for user in (*PEOPLE, "group"):
        network.take_inbox(user)


def receivers(network: Network) -> set[str]:
    """Who of PEOPLE received something since the last look (the inboxes are emptied)."""
    return {user for user in PEOPLE if network.take_inbox(user)}
