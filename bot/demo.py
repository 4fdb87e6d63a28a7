"""A small demo network around Carcassonne and Narbonne, for `boucle chat`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.audience import post_point
from handlers.routing import DEFAULT_REACH_KM
from handlers.understanding import Gazetteer, understand
from storage import members, posts, profiles
from storage.db import Database
from storage.models import NewPost, PostKind, Preferences

CHANNEL = "terminal"


@dataclass(frozen=True)
class DemoMember:
    key: str
    name: str
    association: str
    commune: str
    role: str
    phone: str  # fictitious: the 01 99 00 range is reserved for fiction by ARCEP
    # How far the association travels (issue 11): Narbonne's van takes it to Carcassonne, so
    # Camille's first post reaches Nadia as the README's walk-through says.
    reach_km: float = DEFAULT_REACH_KM


DEMO_MEMBERS = (
    DemoMember(
        "camille",
        "Camille",
        "Banque Alimentaire de l'Aude",
        "Carcassonne",
        "coordinator",
        "01 99 00 00 01",
    ),
    DemoMember(
        "nadia",
        "Nadia",
        "Restos du Cœur de Narbonne",
        "Narbonne",
        "member",
        "01 99 00 00 02",
        reach_km=60.0,
    ),
    DemoMember("leo", "Léo", "Épicerie solidaire de Limoux", "Limoux", "member", "01 99 00 00 03"),
    DemoMember(
        "sophie",
        "Sophie",
        "Croix-Rouge de Castelnaudary",
        "Castelnaudary",
        "coordinator",
        "01 99 00 00 04",
    ),
)

DEMO_POSTS = (
    ("nadia", "/besoin 30 kg de pâtes pour vendredi, Narbonne"),
    ("leo", "/don 12 cagettes de pommes à Limoux, à prendre d'ici samedi"),
    ("sophie", "/materiel notre camion frigo est dispo lundi, secteur Castelnaudary"),
)


async def seed_demo(db: Database, gazetteer: Gazetteer, now: datetime, timezone: str) -> None:
    """Create the demo network once (an existing demo database is left as it is)."""
    async with db.transaction() as conn:
        if await members.all_associations(conn):
            return
        ids: dict[str, int] = {}
        for demo in DEMO_MEMBERS:
            commune = gazetteer.find(demo.commune)
            association = await members.ensure_association(
                conn,
                demo.association,
                demo.commune,
                now,
                commune.latitude if commune else None,
                commune.longitude if commune else None,
            )
            await profiles.set_profile(conn, association.id, reach_km=demo.reach_km)
            member = await members.create_member(
                conn,
                association.id,
                demo.name,
                "coordinator" if demo.role == "coordinator" else "member",
                now,
            )
            await members.add_identity(conn, member.id, CHANNEL, demo.key, demo.phone, now)
            # The demo is tried at any hour: with the default quiet hours (21:00–07:30) an
            # evening visitor would see « Envoyée à 3 associations » and nothing arrive.
            # `/notifs calme 22h-7h` shows them at work.
            await profiles.set_preferences(
                conn, Preferences(member.id, quiet_start="00:00", quiet_end="00:00")
            )
            ids[demo.key] = member.id
        for key, text in DEMO_POSTS:
            author = await members.member_by_id(conn, ids[key])
            assert author is not None
            understood = understand(text, now, gazetteer, timezone)
            home = await members.association_by_id(conn, author.association_id)
            assert home is not None
            point = post_point(gazetteer, understood.place, home)
            kind: PostKind = understood.intent  # type: ignore[assignment]
            await posts.create_post(
                conn,
                NewPost(
                    kind=kind,
                    what=understood.what or text,
                    category=understood.category,
                    quantity=float(understood.quantity) if understood.quantity else None,
                    unit=understood.unit if understood.quantity else None,
                    deadline=understood.deadline or (now + timedelta(days=3)).date(),
                    date_kind=understood.date_kind,
                    place=understood.place,
                    urgent=understood.urgent,
                    cold_chain=understood.cold_chain,
                    original_text=text,
                    latitude=point[0] if point else None,
                    longitude=point[1] if point else None,
                ),
                author.id,
                author.association_id,
                now,
            )


def demo_users() -> dict[str, str]:
    return {demo.key: demo.key for demo in DEMO_MEMBERS}


def demo_names() -> dict[str, str]:
    return {demo.key: f"{demo.name} ({demo.association})" for demo in DEMO_MEMBERS}
