"""Each member's preferences (issue 11): modes, muted categories and quiet hours, as pure rules
(handlers/preferences.py) and as applied when a relay is queued (bot/fanout.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.fanout import enqueue_notifications
from handlers.context import Notification, ToAudience
from handlers.messages import Outgoing
from handlers.preferences import mode_text, quiet_until, relay_at, relayed
from storage import members, profiles
from storage.db import Conn
from storage.models import NotifyMode, Preferences
from storage.timefmt import from_db, to_db
from tests.aude import PEOPLE, aude_and_herault, place, receivers
from tests.network import Network
from tests.scheduled import PARIS, local

DEFAULTS = Preferences(member_id=1)


@pytest.mark.parametrize(
    ("mode", "ordinary", "urgent"),
    [("all", True, True), ("urgent", False, True), ("digest", False, False), ("off", False, False)],
)
def test_modes(mode: NotifyMode, ordinary: bool, urgent: bool) -> None:
    preferences = Preferences(1, mode=mode)
    assert relayed(preferences, "epicerie_seche", urgent=False) is ordinary
    assert relayed(preferences, "epicerie_seche", urgent=True) is urgent


def test_a_muted_category_is_relayed_only_when_urgent() -> None:
    preferences = Preferences(1, muted=frozenset({"fruits_legumes"}))
    assert not relayed(preferences, "fruits_legumes", urgent=False)
    assert relayed(preferences, "fruits_legumes", urgent=True)
    assert relayed(preferences, "epicerie_seche", urgent=False)
    assert relayed(preferences, None, urgent=False)


def test_modes_have_words_in_both_languages() -> None:
    assert mode_text("fr", "urgent") == "les urgences seulement"
    assert mode_text("en", "off") == "nothing"


def test_quiet_hours_end_in_the_local_morning() -> None:
    assert quiet_until(DEFAULTS, local(2026, 12, 1, 22, 0), PARIS) == local(2026, 12, 2, 7, 30)
    assert quiet_until(DEFAULTS, local(2026, 12, 2, 3, 0), PARIS) == local(2026, 12, 2, 7, 30)
    assert quiet_until(DEFAULTS, local(2026, 12, 1, 21, 0), PARIS) == local(2026, 12, 2, 7, 30)
    assert quiet_until(DEFAULTS, local(2026, 12, 1, 7, 30), PARIS) is None
    assert quiet_until(DEFAULTS, local(2026, 12, 1, 20, 59), PARIS) is None
    # Given in UTC, read in the network's time zone: 21:30 UTC is 22:30 in Paris in winter.
    winter_evening = datetime(2026, 12, 1, 21, 30, tzinfo=UTC)
    assert quiet_until(DEFAULTS, winter_evening, PARIS) == local(2026, 12, 2, 7, 30)


def test_quiet_hours_within_one_day_and_none() -> None:
    nap = Preferences(1, quiet_start="12:00", quiet_end="14:00")
    assert quiet_until(nap, local(2026, 12, 1, 13, 0), PARIS) == local(2026, 12, 1, 14, 0)
    assert quiet_until(nap, local(2026, 12, 1, 22, 0), PARIS) is None
    never = Preferences(1, quiet_start="00:00", quiet_end="00:00")
    assert quiet_until(never, local(2026, 12, 1, 3, 0), PARIS) is None


@pytest.mark.parametrize(
    ("evening", "morning_utc"),
    [
        # Summer time starts on 29 March 2026: 7:30 is then 5:30 UTC, not 6:30.
        (local(2026, 3, 28, 22, 0), datetime(2026, 3, 29, 5, 30, tzinfo=UTC)),
        # It ends on 25 October 2026: 7:30 is then 6:30 UTC, not 5:30.
        (local(2026, 10, 24, 22, 0), datetime(2026, 10, 25, 6, 30, tzinfo=UTC)),
    ],
)
def test_quiet_hours_across_the_change_of_time(evening: datetime, morning_utc: datetime) -> None:
    at = relay_at(DEFAULTS, "epicerie_seche", False, evening, PARIS)
    assert at == morning_utc
    assert at is not None and at.astimezone(PARIS).hour == 7 and at.astimezone(PARIS).minute == 30


def test_urgent_goes_at_once_even_in_quiet_hours() -> None:
    night = local(2026, 12, 1, 23, 0)
    assert relay_at(DEFAULTS, None, True, night, PARIS) == night
    assert relay_at(DEFAULTS, None, False, night, PARIS) == local(2026, 12, 2, 7, 30)
    assert relay_at(Preferences(1, mode="off"), None, True, night, PARIS) is None


# ------------------------------------------------------------------ applied at fan-out


async def set_preferences(network: Network, user: str, **values: object) -> None:
    async with network.db.transaction() as conn:
        member = await members.member_by_address(conn, "test", user)
        assert member is not None
        await profiles.set_preferences(conn, Preferences(member.id, **values))  # type: ignore[arg-type]


async def within_reach_of_everyone(network: Network) -> None:
    """Everyone of PEOPLE in one place: each post reaches all, and preferences alone decide."""
    await aude_and_herault(network, **{user: {"reach_km": 300.0} for user in PEOPLE})


async def test_modes_and_muted_categories_decide_who_gets_a_relay(network: Network) -> None:
    await within_reach_of_everyone(network)
    await set_preferences(network, "nora", mode="off")
    await set_preferences(network, "lina", mode="digest")
    await set_preferences(network, "basile", mode="urgent")
    await set_preferences(network, "manon", muted=frozenset({"epicerie_seche"}))
    await network.say("carole", "/don 20 kg de pâtes")
    assert receivers(network) == {"cassandre"}
    await network.say("carole", "/don 30 kg de pommes")
    assert receivers(network) == {"cassandre", "manon"}
    await network.say("carole", "/besoin urgent 20 kg de riz")
    assert receivers(network) == {"cassandre", "manon", "basile"}


async def test_a_relay_in_quiet_hours_waits_for_the_morning(network: Network) -> None:
    await within_reach_of_everyone(network)
    await set_preferences(network, "lina", quiet_start="21:00", quiet_end="08:15")
    await set_preferences(network, "nora", quiet_start="00:00", quiet_end="00:00")
    network.clock.set(local(2026, 12, 1, 22, 0))
    await network.say("carole", "/don 20 kg de pâtes")
    # Only nora, who set no quiet hours, gets it now.
    assert receivers(network) == {"nora"}
    async with network.db.transaction() as conn:
        waiting = await queued_times(conn)
    assert waiting["lina"] == local(2026, 12, 2, 8, 15)
    assert waiting["basile"] == local(2026, 12, 2, 7, 30)
    network.clock.set(local(2026, 12, 2, 7, 29))
    await network.deliver()
    assert receivers(network) == set()
    network.clock.set(local(2026, 12, 2, 7, 30))
    await network.deliver()
    assert receivers(network) == {"basile", "manon", "cassandre"}
    network.clock.set(local(2026, 12, 2, 8, 15))
    await network.deliver()
    assert receivers(network) == {"lina"}


async def test_an_urgent_relay_goes_at_once_at_night(network: Network) -> None:
    await within_reach_of_everyone(network)
    network.clock.set(local(2026, 12, 1, 23, 0))
    await network.say("carole", "/besoin urgent 20 kg de riz")
    assert receivers(network) == set(PEOPLE) - {"carole"}


async def test_a_relay_at_night_before_summer_time_goes_at_local_7h30(network: Network) -> None:
    await within_reach_of_everyone(network)
    network.clock.set(local(2026, 3, 28, 22, 0))
    await network.say("carole", "/don 20 kg de pâtes")
    assert receivers(network) == set()
    network.clock.set(datetime(2026, 3, 29, 5, 29, tzinfo=UTC))
    await network.deliver()
    assert receivers(network) == set()
    network.clock.set(datetime(2026, 3, 29, 5, 30, tzinfo=UTC))  # 7:30 summer time
    await network.deliver()
    assert receivers(network) == set(PEOPLE) - {"carole"}


async def queued_times(conn: Conn) -> dict[str, datetime]:
    async with conn.execute(
        "SELECT external_id, next_attempt_at FROM outbox WHERE state = 'queued'"
    ) as cur:
        return {row[0]: from_db(row[1]) for row in await cur.fetchall()}


async def test_each_language_is_rendered_once(network: Network) -> None:
    await within_reach_of_everyone(network)
    await network.join("lena", PEOPLE["lina"][0])
    await network.say("lena", "/langue en")
    ids: list[int] = []
    async with network.db.transaction() as conn:
        for user in PEOPLE:
            member = await members.member_by_address(conn, "test", user)
            assert member is not None
            ids.append(member.association_id)
    rendered: list[str] = []

    def render(lang: str) -> Outgoing:
        rendered.append(lang)
        return Outgoing(f"news in {lang}")

    note = Notification(ToAudience(tuple(ids), "epicerie_seche", urgent=False), render)
    async with network.db.transaction() as conn:
        queued = await enqueue_notifications(conn, [note], network.clock.now(), None, tz=PARIS)
    assert queued == len(PEOPLE) + 1
    assert sorted(rendered) == ["en", "fr"]
    await network.deliver()
    assert network.take_inbox("lena") == ["news in en"]
    assert network.take_inbox("lina") == ["news in fr"]


async def test_an_audience_is_read_in_chunks_with_the_latest_identity(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    await within_reach_of_everyone(network)
    async with network.db.transaction() as conn:
        ids = []
        for user in PEOPLE:
            member = await members.member_by_address(conn, "test", user)
            assert member is not None
            ids.append(member.association_id)
        whole = await profiles.audience_members(conn, tuple(ids))
        monkeypatch.setattr(profiles, "CHUNK", 2)
        chunked = await profiles.audience_members(conn, tuple(reversed(ids)))
    assert chunked == whole
    assert sorted(m.external_id for m in whole) == sorted(PEOPLE)
    assert all(m.preferences == Preferences(m.member_id) for m in whole)


async def test_a_member_is_reached_where_they_last_wrote(network: Network) -> None:
    await place(network, "carole")
    await place(network, "lina")
    async with network.db.transaction() as conn:
        lina = await members.member_by_address(conn, "test", "lina")
        assert lina is not None
        await conn.execute(
            "INSERT INTO identities (channel, external_id, member_id, last_inbound_at,"
            " created_at) VALUES ('test', 'lina-phone', ?, ?, ?)",
            (
                lina.id,
                to_db(network.clock.now() + timedelta(minutes=1)),
                to_db(network.clock.now()),
            ),
        )
        [reached] = await profiles.audience_members(conn, (lina.association_id,))
    assert reached.external_id == "lina-phone"
