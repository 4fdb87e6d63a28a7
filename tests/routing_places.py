"""A network of associations at real communes of Aude and Hérault, and posts placed there
(matching and escalation tests). Posts' coordinates are set directly: at publication they
come from the post's place, else its association's."""

from __future__ import annotations

from datetime import date

from storage import members, posts
from storage.models import NewPost, Post, PostKind, Role
from storage.profiles import set_profile
from tests.network import Network

# Town-hall coordinates (rounded). Distances from Carcassonne: Limoux 21 km, Castelnaudary
# 34 km, Narbonne 53 km, Béziers 72 km, Montpellier 131 km; Narbonne–Béziers 25 km.
PLACES: dict[str, tuple[float, float]] = {
    "Carcassonne": (43.2130, 2.3491),
    "Narbonne": (43.1839, 3.0042),
    "Limoux": (43.0546, 2.2186),
    "Béziers": (43.3442, 3.2158),
    "Montpellier": (43.6108, 3.8767),
    "Castelnaudary": (43.3181, 1.9539),
}


async def association_at(
    network: Network,
    user: str,
    name: str,
    commune: str,
    role: Role = "member",
    **profile: object,
) -> int:
    """`user` joins `name` (created at `commune` if new, its profile set); its id."""
    await network.join(user, name, commune, role)
    network.take_inbox(user)
    async with network.db.transaction() as conn:
        member = await members.member_by_address(conn, "test", user)
        assert member is not None
        latitude, longitude = PLACES[commune]
        await set_profile(
            conn, member.association_id, latitude=latitude, longitude=longitude, **profile
        )
    return member.association_id


async def placed_post(
    network: Network,
    user: str,
    kind: PostKind,
    what: str,
    category: str | None,
    *,
    quantity: float | None = None,
    unit: str | None = None,
    deadline: date | None = None,
    date_kind: str | None = None,
    cold_chain: bool = False,
    urgent: bool = False,
    commune: str | None = None,
) -> Post:
    """An open post by `user`, placed at `commune` (default: where its association is)."""
    async with network.db.transaction() as conn:
        member = await members.member_by_address(conn, "test", user)
        assert member is not None
        association = await members.association_by_id(conn, member.association_id)
        assert association is not None
        where = commune or association.commune
        post = await posts.create_post(
            conn,
            NewPost(
                kind=kind,
                what=what,
                category=category,
                quantity=quantity,
                unit=unit,
                deadline=deadline,
                date_kind=date_kind,
                place=where,
                urgent=urgent,
                cold_chain=cold_chain,
                original_text=what,
            ),
            member.id,
            member.association_id,
            network.clock.now(),
        )
        await posts.set_post_place(conn, post.id, *PLACES[where])
    return post


def containing(messages: list[str], words: str) -> list[str]:
    return [message for message in messages if words in message]
