"""A digest line shows every field of its post (issue 12): the digest reads only the columns
its lines show (`storage.schedules.digest_posts`, `DigestPost`), so a field left out of that
read would silently vanish from the morning digest. Each line is compared with the same line
written from the whole post (`storage.posts.post_by_id`) and with its literal text."""

from __future__ import annotations

from datetime import date

from handlers.formatting import post_list_line
from handlers.texts import t
from storage import posts
from storage.models import Post
from tests.network import Network
from tests.scheduled import local, make_post, run_jobs

TODAY = date(2026, 12, 2)


async def whole(network: Network, post_id: int) -> Post:
    async with network.db.transaction() as conn:
        post = await posts.post_by_id(conn, post_id)
    assert post is not None
    return post


async def test_every_field_of_a_post_reaches_its_digest_line(network: Network) -> None:
    await network.join("camille", "Banque Alimentaire", role="coordinator")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    await network.join("carla", "Épicerie de Limoux", "Limoux")
    for user in ("camille", "bob", "carla"):
        network.take_inbox(user)
    # Every field a line shows: urgent, kind, what, what is left of how much, the deadline,
    # the place, the cold chain, the author's association.
    need = await make_post(
        network,
        "bob",
        "need",
        "riz basmati",
        date(2026, 12, 4),
        quantity=30,
        unit="kg",
        urgent=True,
        cold_chain=True,
        place="Gruissan",
    )
    offer = await make_post(
        network,
        "carla",
        "offer",
        "yaourts nature",
        date(2026, 12, 5),
        quantity=40,
        unit="unite",
        urgent=False,
        cold_chain=True,
        place="Quillan",
    )
    ours = await make_post(
        network,
        "camille",
        "offer",
        "conserves de thon",
        None,
        quantity=None,
        unit=None,
        urgent=False,
        cold_chain=False,
        place=None,
    )
    await network.say("carla", f"/prendre {need.id} 12 kg")  # 18 kg of 30 left
    await network.say("camille", f"/prendre {offer.id} 15")  # 25 of 40 left, ours to collect
    for user in ("camille", "bob", "carla"):
        network.take_inbox(user)

    await run_jobs(network, local(2026, 12, 2, 8, 0))
    [digest] = network.take_inbox("camille")
    lines = digest.splitlines()

    need_line = f"{post_list_line(await whole(network, need.id), 'fr', TODAY)} → /prendre {need.id}"
    assert need_line == (
        f"🆘 #{need.id} Besoin · riz basmati — 18 kg / 30 kg — ven. 4 déc. — Gruissan ❄️"
        f" (Restos du Cœur) → /prendre {need.id}"
    )
    assert need_line in lines
    offer_line = (
        f"{post_list_line(await whole(network, offer.id), 'fr', TODAY)} → /prendre {offer.id}"
    )
    assert offer_line == (
        f"#{offer.id} Don · yaourts nature — 25 unité(s) / 40 unité(s) — sam. 5 déc. — Quillan ❄️"
        f" (Épicerie de Limoux) → /prendre {offer.id}"
    )
    assert offer_line in lines
    # What the reader's association took, to collect: the post's what, the amount in the
    # post's unit, the giver; and its own post nobody answered.
    collect = t(
        "fr",
        "digest_to_collect",
        id=offer.id,
        what="yaourts nature",
        amount=" (15 unité(s))",
        association="Épicerie de Limoux",
    )
    assert collect in lines
    assert t("fr", "digest_unanswered", id=ours.id, what="conserves de thon") in lines
