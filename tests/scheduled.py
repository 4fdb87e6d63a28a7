"""Helpers for the scheduled side: posts with exact deadlines, local moments, one scheduler."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.scheduler import Scheduler
from storage import members, posts
from storage.models import NewPost, Post, PostKind
from tests.network import Network

PARIS = ZoneInfo("Europe/Paris")


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def scheduler_for(network: Network) -> Scheduler:
    return Scheduler(network.db, network.clock, "Europe/Paris", network.group, network.sender.wake)


async def run_jobs(network: Network, at: datetime | None = None) -> None:
    """Move the clock (if asked), run what is due, deliver it."""
    if at is not None:
        network.clock.set(at)
    await scheduler_for(network).run_due_jobs()
    await network.deliver()


async def make_post(
    network: Network,
    user: str,
    kind: PostKind,
    what: str,
    deadline: date | None = None,
    *,
    quantity: float | None = None,
    unit: str | None = None,
    urgent: bool = False,
    place: str | None = "Narbonne",
    cold_chain: bool = False,
) -> Post:
    async with network.db.transaction() as conn:
        member = await members.member_by_address(conn, "test", user)
        assert member is not None
        return await posts.create_post(
            conn,
            NewPost(
                kind=kind,
                what=what,
                category=None,
                quantity=quantity,
                unit=unit,
                deadline=deadline,
                date_kind=None,
                place=place,
                urgent=urgent,
                cold_chain=cold_chain,
                original_text=what,
            ),
            member.id,
            member.association_id,
            network.clock.now(),
        )


async def member_id(network: Network, user: str) -> int:
    async with network.db.transaction() as conn:
        member = await members.member_by_address(conn, "test", user)
    assert member is not None
    return member.id
