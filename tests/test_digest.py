"""The daily digest: content, order, numbers to act on, once a day at the local hour."""

from __future__ import annotations

from datetime import UTC, date, datetime

from handlers.digests import DIGEST_PART_LIMIT
from storage import members
from tests.network import Network
from tests.scheduled import local, make_post, member_id, run_jobs


async def small_network(network: Network) -> None:
    await network.join("camille", "Banque Alimentaire", role="coordinator")
    await network.join("eve", "Banque Alimentaire")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    await network.join("carla", "Épicerie de Limoux", "Limoux")
    for user in ("camille", "eve", "bob", "carla"):
        network.take_inbox(user)


async def test_morning_digest_content_and_order(network: Network) -> None:
    await small_network(network)
    need = await make_post(network, "bob", "need", "riz", quantity=30, unit="kg")
    urgent = await make_post(network, "bob", "need", "lait infantile", urgent=True)
    late = await make_post(network, "carla", "offer", "yaourts", date(2026, 12, 5))
    soon = await make_post(network, "carla", "offer", "pommes", date(2026, 12, 3))
    truck = await make_post(network, "bob", "equipment_offer", "camion frigo")
    today = await make_post(network, "carla", "offer", "pain", date(2026, 12, 2))
    taken = await make_post(network, "bob", "offer", "carottes", quantity=20, unit="kg")
    ours = await make_post(network, "camille", "offer", "conserves")
    await network.say("camille", f"/prendre {taken.id} 5 kg")
    await network.say("eve", f"/annuler {taken.id}")  # Eve withdraws her association's claim
    await network.say("camille", f"/prendre {taken.id}")
    network.take_inbox("camille")
    network.take_inbox("bob")

    await run_jobs(network, local(2026, 12, 2, 7, 59))
    assert network.take_inbox("camille") == []
    await run_jobs(network, local(2026, 12, 2, 8, 0))
    [digest] = network.take_inbox("camille")
    assert digest.startswith("☀️ Le point Boucle — mer. 2 déc.")
    order = [
        digest.index(f"#{urgent.id} "),
        digest.index("⏰ Expire aujourd'hui"),
        digest.index(f"#{today.id} "),
        digest.index(f"#{need.id} "),
        digest.index(f"#{soon.id} "),
        digest.index(f"#{late.id} "),
        digest.index(f"#{truck.id} "),
        digest.index("✅ Depuis le dernier point"),
        digest.index("🏠 Pour Banque Alimentaire"),
    ]
    assert order == sorted(order)
    assert f"/prendre {urgent.id}" in digest and f"/prendre {soon.id}" in digest
    assert f"#{taken.id} carottes : pris par Banque Alimentaire" in digest
    assert f"À récupérer : #{taken.id} carottes" in digest and f"/fait {taken.id}" in digest
    assert f"Sans réponse : #{ours.id} conserves → /relancer {ours.id}" in digest
    assert f"#{ours.id} Don" not in digest, "our own posts are not offered to us"
    # Plain members do not get it unless they ask; nobody gets it twice.
    assert network.take_inbox("eve") == [] and network.take_inbox("bob") == []
    await run_jobs(network, local(2026, 12, 2, 12, 0))
    # No second digest. (The urgent need, unanswered since yesterday, now reaches the network's
    # coordinators, camille among them: handlers/escalation.py.)
    assert [m for m in network.take_inbox("camille") if m.startswith("☀️")] == []


async def test_digest_at_eight_local_across_the_dst_change(network: Network) -> None:
    await small_network(network)
    await make_post(network, "bob", "need", "riz")
    # Saturday 27 March 2027, winter time: 08:00 in Paris is 07:00 UTC.
    await run_jobs(network, datetime(2027, 3, 27, 6, 59, tzinfo=UTC))
    assert network.take_inbox("camille") == []
    await run_jobs(network, datetime(2027, 3, 27, 7, 0, tzinfo=UTC))
    assert len(network.take_inbox("camille")) == 1
    # Sunday 28 March, summer time from 02:00: 08:00 in Paris is 06:00 UTC.
    await run_jobs(network, datetime(2027, 3, 28, 5, 59, tzinfo=UTC))
    assert network.take_inbox("camille") == []
    await run_jobs(network, datetime(2027, 3, 28, 6, 0, tzinfo=UTC))
    assert len(network.take_inbox("camille")) == 1
    await run_jobs(network, datetime(2027, 3, 28, 7, 0, tzinfo=UTC))
    assert network.take_inbox("camille") == []


async def test_digest_time_in_the_skipped_hour_goes_after_the_jump(network: Network) -> None:
    await small_network(network)
    await make_post(network, "bob", "need", "riz")
    await network.say("camille", "/digest 2h30")
    await run_jobs(network, datetime(2027, 3, 28, 0, 59, tzinfo=UTC))  # 01:59 CET
    assert network.take_inbox("camille") == []
    await run_jobs(network, datetime(2027, 3, 28, 1, 0, tzinfo=UTC))  # 03:00 CEST
    assert len(network.take_inbox("camille")) == 1


async def test_digest_command_sets_stops_and_shows(network: Network) -> None:
    await small_network(network)
    await make_post(network, "bob", "need", "riz")
    [shown, status] = await network.say("camille", "/digest")
    assert "riz" in shown and "chaque jour à 08:00" in status
    [reply] = await network.say("eve", "/digest 7h30")
    assert "07:30" in reply
    [reply] = await network.say("camille", "/digest off")
    assert "arrêté" in reply
    [reply] = await network.say("bob", "/digest 25h")
    assert "Usage : /digest" in reply
    await run_jobs(network, local(2026, 12, 2, 7, 30))
    assert len(network.take_inbox("eve")) == 1
    await run_jobs(network, local(2026, 12, 2, 8, 0))
    assert network.take_inbox("camille") == []
    *_, status = await network.say("bob", "/digest")
    assert "ne recevez pas le point quotidien" in status


async def test_unreachable_members_are_listed_to_their_coordinator(network: Network) -> None:
    await small_network(network)
    await make_post(network, "bob", "need", "riz")
    eve = await member_id(network, "eve")
    async with network.db.transaction() as conn:
        await members.set_member_status(conn, eve, "unreachable")
    await run_jobs(network, local(2026, 12, 2, 8, 0))
    [digest] = network.take_inbox("camille")
    assert "📵 Injoignables" in digest and "Eve" in digest


async def test_long_digest_is_split_under_the_limit(network: Network) -> None:
    await small_network(network)
    for index in range(8):
        await make_post(network, "bob", "need", f"denrées variées lot {index} " + "x" * 100)
        await make_post(network, "carla", "offer", f"surplus lot {index} " + "y" * 100)
        await make_post(network, "bob", "equipment_request", f"matériel {index} " + "z" * 100)
    before = len(network.channel.sent)
    await run_jobs(network, local(2026, 12, 2, 8, 0))
    parts = network.take_inbox("camille")
    assert len(parts) >= 2
    sent = [m for who, m in network.channel.sent[before:] if who == "camille"]
    assert all(len(m.text) <= DIGEST_PART_LIMIT for m in sent)
    assert sent[0].template == "digest" and sent[0].title.startswith("☀️")
