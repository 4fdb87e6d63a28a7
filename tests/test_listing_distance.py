"""`/liste` with distances (issue 11 item 2): each line says how far the post is from the
reader's association, and `/liste dons 20km` keeps those within 20 km — a box read from an
index, then the exact distance — with associations at real communes of Aude and Hérault."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest

from handlers.listing import PAGE_SIZE, parse_list_args
from handlers.routing import box_around, distance_km
from storage import members, posts, profiles
from storage.models import NewPost, PostKind
from storage.timefmt import date_to_db, to_db
from tests.network import Network

CARCASSONNE = (43.2130, 2.3491)
NARBONNE = (43.1839, 3.0042)
LIMOUX = (43.0546, 2.2186)
BEZIERS = (43.3442, 3.2158)
MONTPELLIER = (43.6108, 3.8767)
# Who is where: the reader (Alice) in Carcassonne, one association per commune.
PLACES = {
    "alice": ("Banque Alimentaire de l'Aude", "Carcassonne", CARCASSONNE),
    "nora": ("Restos du Cœur Narbonne", "Narbonne", NARBONNE),
    "leo": ("Secours Populaire Limoux", "Limoux", LIMOUX),
    "bea": ("Épicerie solidaire Béziers", "Béziers", BEZIERS),
    "marc": ("Croix-Rouge Montpellier", "Montpellier", MONTPELLIER),
}
KINDS: tuple[PostKind, ...] = ("need", "offer", "equipment_request", "equipment_offer")


async def place_association(network: Network, user: str, point: tuple[float, float]) -> None:
    async with network.db.transaction() as conn:
        member = await members.member_by_address(conn, "test", user)
        assert member is not None
        await profiles.set_profile(
            conn, member.association_id, latitude=point[0], longitude=point[1]
        )


async def network_of_five(network: Network, *, reader_placed: bool = True) -> None:
    for user, (association, commune, point) in PLACES.items():
        await network.join(user, association, commune)
        if user != "alice" or reader_placed:
            await place_association(network, user, point)


async def publish(
    network: Network,
    user: str,
    point: tuple[float, float] | None,
    *,
    kind: PostKind = "offer",
    urgent: bool = False,
    what: str = "yaourts",
    count: int = 1,
) -> list[int]:
    """`count` open posts of `user`'s association at `point` (None: place unknown), as the
    publishing code will leave them (posts.latitude/longitude set)."""
    made: list[int] = []
    async with network.db.transaction() as conn:
        member = await members.member_by_address(conn, "test", user)
        assert member is not None
        for index in range(count):
            new = NewPost(
                kind=kind,
                what=f"{what} {index}" if count > 1 else what,
                category=None,
                quantity=10.0,
                unit="kg",
                deadline=date(2026, 12, 2) + timedelta(days=index % 20),
                date_kind=None,
                place=None,
                urgent=urgent,
                cold_chain=False,
                original_text=what,
            )
            post = await posts.create_post(
                conn, new, member.id, member.association_id, network.clock.now()
            )
            if point is not None:
                await posts.set_post_place(conn, post.id, point[0], point[1])
            made.append(post.id)
    return made


def line_of(listing: str, post_id: int) -> str:
    for line in listing.splitlines():
        if re.match(rf"^(?:🆘 )?#{post_id} ", line):
            return line
    raise AssertionError(f"#{post_id} not listed in:\n{listing}")


def ids(listing: str) -> set[int]:
    return {int(n) for n in re.findall(r"^(?:🆘 )?#(\d+) ", listing, re.M)}


# ---------------------------------------------------------------------------- the words


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # (word, urgent word, radius, page)
        ("20km", ("", "", 20.0, 1)),
        ("20 km", ("", "", 20.0, 1)),
        ("20KM", ("", "", 20.0, 1)),
        ("20 kms", ("", "", 20.0, 1)),
        ("20 kilomètres", ("", "", 20.0, 1)),
        ("<20km", ("", "", 20.0, 1)),
        ("< 20 km", ("", "", 20.0, 1)),
        ("<=20km", ("", "", 20.0, 1)),
        ("moins de 20 km", ("", "", 20.0, 1)),
        ("à moins de 20 km", ("", "", 20.0, 1)),
        ("rayon 20", ("", "", 20.0, 1)),
        ("rayon 20km", ("", "", 20.0, 1)),
        ("rayon de 20 km", ("", "", 20.0, 1)),
        ("radius 20", ("", "", 20.0, 1)),
        ("within 20 km", ("", "", 20.0, 1)),
        ("2,5 km", ("", "", 2.5, 1)),
        ("dons 20km", ("dons", "", 20.0, 1)),
        ("20km dons", ("dons", "", 20.0, 1)),
        ("besoins 50 km", ("besoins", "", 50.0, 1)),
        ("matériel rayon 30", ("matériel", "", 30.0, 1)),
        ("urgent 30km", ("", "urgent", 30.0, 1)),
        ("dons urgent 30km 2", ("dons", "urgent", 30.0, 2)),
        ("20km 3", ("", "", 20.0, 3)),
        ("3 20 km", ("", "", 20.0, 3)),
        ("dons 20 km 3", ("dons", "", 20.0, 3)),
        # Out of range, read as written: /liste answers with the range (see below).
        ("0km", ("", "", 0.0, 1)),
        ("-5km", ("", "", -5.0, 1)),
        ("99999km", ("", "", 99999.0, 1)),
        # The forms of before stay as they were.
        ("", ("", "", None, 1)),
        ("20", ("", "", None, 20)),
        ("dons 3", ("dons", "", None, 3)),
        ("urgent", ("", "urgent", None, 1)),
        ("urgences 2", ("", "urgences", None, 2)),
    ],
)
def test_list_arguments_with_a_distance(
    args: str, expected: tuple[str, str, float | None, int]
) -> None:
    request = parse_list_args(args)
    assert request is not None
    assert (request.word, request.urgent_word, request.radius_km, request.page) == expected


@pytest.mark.parametrize(
    "args",
    ["20 km 30km", "rayon", "km", "20kg", "20 kg", "dons 20km dons", "urgent urgent 20km", "2,5"],
)
def test_list_arguments_that_are_not_distances(args: str) -> None:
    assert parse_list_args(args) is None


# ---------------------------------------------------------------------------- distances shown


async def test_each_line_says_how_far_from_the_readers_association(network: Network) -> None:
    await network_of_five(network)
    narbonne = (await publish(network, "nora", NARBONNE))[0]
    limoux = (await publish(network, "leo", LIMOUX, kind="need"))[0]
    montpellier = (await publish(network, "marc", MONTPELLIER))[0]
    own = (await publish(network, "alice", CARCASSONNE))[0]
    unknown = (await publish(network, "bea", None))[0]
    listing = (await network.say("alice", "/liste"))[0]
    assert "Annonces ouvertes (5)" in listing  # every open post stays visible
    assert line_of(listing, narbonne).endswith("(Restos du Cœur Narbonne, à 53 km)")
    assert line_of(listing, limoux).endswith("(Secours Populaire Limoux, à 21 km)")
    assert line_of(listing, montpellier).endswith("(Croix-Rouge Montpellier, à 131 km)")
    assert line_of(listing, own).endswith("(Banque Alimentaire de l'Aude, chez vous)")
    assert line_of(listing, unknown).endswith("(Épicerie solidaire Béziers)")  # nothing said
    # From Narbonne, the same posts are at other distances.
    from_narbonne = (await network.say("nora", "/liste"))[0]
    assert line_of(from_narbonne, narbonne).endswith("chez vous)")
    assert line_of(from_narbonne, limoux).endswith("à 65 km)")
    assert line_of(from_narbonne, own).endswith("à 53 km)")
    assert line_of(from_narbonne, montpellier).endswith("à 85 km)")


async def test_distances_agree_with_the_one_haversine(network: Network) -> None:
    """The shown figure is the routing distance rounded to the km, whichever pair."""
    await network_of_five(network)
    made = {user: (await publish(network, user, PLACES[user][2]))[0] for user in PLACES}
    for reader in ("alice", "leo", "marc"):
        listing = (await network.say(reader, "/liste"))[0]
        for author, post_id in made.items():
            if author == reader:
                continue
            km = round(distance_km(PLACES[reader][2], PLACES[author][2]))
            assert line_of(listing, post_id).endswith(f", à {km} km)")


async def test_a_post_a_few_hundred_metres_away(network: Network) -> None:
    await network_of_five(network)
    near = (await publish(network, "nora", (43.2150, 2.3500)))[0]  # ~230 m from Alice
    listing = (await network.say("alice", "/liste"))[0]
    assert line_of(listing, near).endswith("à moins d'1 km)")


async def test_without_the_readers_place_lines_say_no_distance(network: Network) -> None:
    await network_of_five(network, reader_placed=False)
    narbonne = (await publish(network, "nora", NARBONNE))[0]
    listing = (await network.say("alice", "/liste"))[0]
    assert line_of(listing, narbonne).endswith("(Restos du Cœur Narbonne)")
    assert " km" not in listing


async def test_distances_in_english(network: Network) -> None:
    await network_of_five(network)
    narbonne = (await publish(network, "nora", NARBONNE))[0]
    own = (await publish(network, "alice", CARCASSONNE))[0]
    await network.say("alice", "/langue en")
    listing = (await network.say("alice", "/list"))[0]
    assert line_of(listing, narbonne).endswith("53 km away)")
    assert line_of(listing, own).endswith("yours)")
    near = (await network.say("alice", "/list 60km"))[0]
    assert "Open posts within 60 km (2)" in near


# ---------------------------------------------------------------------------- the filter


async def setup_region(network: Network) -> dict[str, int]:
    await network_of_five(network)
    return {
        "own": (await publish(network, "alice", CARCASSONNE))[0],
        "limoux_need": (await publish(network, "leo", LIMOUX, kind="need"))[0],
        "limoux_offer": (await publish(network, "leo", LIMOUX))[0],
        "narbonne_offer": (await publish(network, "nora", NARBONNE))[0],
        "narbonne_urgent": (await publish(network, "nora", NARBONNE, kind="need", urgent=True))[0],
        "beziers_offer": (await publish(network, "bea", BEZIERS))[0],
        "montpellier_need": (await publish(network, "marc", MONTPELLIER, kind="need"))[0],
    }


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        # Limoux is 20.6 km away, shown « à 21 km »: in from 21 km, not at 20.
        ("/liste 20km", {"own"}),
        ("/liste 21km", {"own", "limoux_need", "limoux_offer"}),
        ("/liste 20 km", {"own"}),
        ("/liste <25km", {"own", "limoux_need", "limoux_offer"}),
        ("/liste rayon 25", {"own", "limoux_need", "limoux_offer"}),
        (
            "/liste moins de 60 km",
            {"own", "limoux_need", "limoux_offer", "narbonne_offer", "narbonne_urgent"},
        ),
        ("/liste dons 60km", {"own", "limoux_offer", "narbonne_offer"}),
        ("/liste 60km dons", {"own", "limoux_offer", "narbonne_offer"}),
        ("/liste besoins 50 km", {"limoux_need"}),
        ("/liste besoins 60 km", {"limoux_need", "narbonne_urgent"}),
        ("/liste urgent 60km", {"narbonne_urgent"}),
        ("/liste urgent 30km", set()),
        ("/liste dons 80km", {"own", "limoux_offer", "narbonne_offer", "beziers_offer"}),
        ("/liste 200km", {"own", "limoux_need", "limoux_offer", "narbonne_offer",
                          "narbonne_urgent", "beziers_offer", "montpellier_need"}),
        ("/besoins 60km", {"limoux_need", "narbonne_urgent"}),
        ("/dons 25 km", {"own", "limoux_offer"}),
        ("/offres rayon 60", {"own", "limoux_offer", "narbonne_offer"}),
        ("liste dons 60km", {"own", "limoux_offer", "narbonne_offer"}),  # bare (WhatsApp)
        ("LISTE 21 KM", {"own", "limoux_need", "limoux_offer"}),
    ],
)  # fmt: skip
async def test_filters_of_every_form(network: Network, command: str, expected: set[str]) -> None:
    made = await setup_region(network)
    answer = (await network.say("alice", command))[0]
    assert ids(answer) == {made[name] for name in expected}, answer
    if expected:
        assert f"ou moins ({len(expected)})" in answer
    else:
        assert "Aucune annonce ouverte à 30 km ou moins" in answer
        assert "/liste urgent 60km" in answer  # one step further, the same filter
        assert "/liste urgent" in answer


async def test_a_filtered_list_says_its_distance_and_each_lines(network: Network) -> None:
    made = await setup_region(network)
    answer = (await network.say("alice", "/liste dons 60km"))[0]
    assert "Annonces ouvertes à 60 km ou moins (3)" in answer
    assert line_of(answer, made["narbonne_offer"]).endswith("à 53 km)")
    assert line_of(answer, made["limoux_offer"]).endswith("à 21 km)")
    assert line_of(answer, made["own"]).endswith("chez vous)")
    # The usual order: urgent first, then by deadline (here the same day: oldest first).
    urgent = (await network.say("alice", "/liste 60km"))[0]
    assert re.search(rf"^🆘 #{made['narbonne_urgent']} ", urgent.split("\n", 2)[1], re.M)


async def test_besoins_with_goods_still_posts(network: Network) -> None:
    """« /besoins 20 kg de riz » is a post, « /besoins 20km » a list: the unit decides."""
    await network_of_five(network)
    posted = "\n".join(await network.say("alice", "/besoins 20 kg de riz pour vendredi"))
    assert "Annonces ouvertes" not in posted
    async with network.db.transaction() as conn:
        urgent, others = await posts.count_open_posts(conn, KINDS)
    assert urgent + others == 1
    listed = (await network.say("alice", "/besoins 20km"))[0]
    assert "Annonces ouvertes" in listed or "Aucune annonce ouverte à 20 km" in listed


async def test_besoins_with_a_distance_keeps_a_waiting_question(network: Network) -> None:
    """Like « /besoins » alone, « /besoins 20km » posts nothing: a post that waits for an
    answer (its date, its quantity…) keeps waiting."""
    await network_of_five(network)
    await publish(network, "leo", LIMOUX, kind="need")
    asked = "\n".join(await network.say("alice", "/don des yaourts"))
    assert "DLC" in asked  # cold goods: their use-by date is asked
    listed = "\n".join(await network.say("alice", "/besoins 30km"))
    assert "Annonces ouvertes à 30 km ou moins (1)" in listed
    assert "attend toujours sa réponse" in listed.splitlines()[-1]
    # Still waiting: the answer completes it.
    assert "attend toujours sa réponse" in "\n".join(await network.say("alice", "/besoins"))


async def test_posts_without_a_place_are_left_out_and_counted(network: Network) -> None:
    made = await setup_region(network)
    unknown = await publish(network, "bea", None, count=2)
    await publish(network, "bea", None, kind="need")
    answer = (await network.say("alice", "/liste dons 60km"))[0]
    assert not set(unknown) & ids(answer)
    assert "+ 2 annonce(s) au lieu inconnu, pas dans ce filtre : /liste dons" in answer
    # Counted with the list's own kinds: the need is not among the offers, but is with needs.
    needs = (await network.say("alice", "/liste besoins 60km"))[0]
    assert "+ 1 annonce(s) au lieu inconnu" in needs
    # Nothing near: the count is still said.
    home = (await network.say("alice", "/liste dons 5km"))[0]
    assert ids(home) == {made["own"]} and "+ 2 annonce(s)" in home
    nothing = (await network.say("bea", "/liste besoins 5km"))[0]
    assert "Aucune annonce ouverte à 5 km ou moins" in nothing and "+ 1 annonce(s)" in nothing
    # No unknown place among them: no such line.
    await network.say("alice", "/liste 60km")
    assert "lieu inconnu" not in (await network.say("alice", "/liste urgent 60km"))[0]
    # Unfiltered, every post is there, those without a place too.
    assert set(unknown) <= ids((await network.say("alice", "/liste"))[0])


async def test_the_reader_without_a_place_is_told_how_to_set_it(network: Network) -> None:
    await network_of_five(network, reader_placed=False)
    await publish(network, "leo", LIMOUX)
    for command in ("/liste 20km", "/liste dons 20 km", "/besoins 20km", "liste rayon 20"):
        answer = (await network.say("alice", command))[0]
        assert "Banque Alimentaire de l'Aude" in answer, command
        assert "position" in answer and "/profil commune" in answer, command
    assert "/liste dons" in (await network.say("alice", "/liste dons 20 km"))[0]
    # Once the coordinator sets it, the same command lists.
    await place_association(network, "alice", CARCASSONNE)
    assert (
        "Annonces ouvertes à 30 km ou moins (1)" in (await network.say("alice", "/liste 30km"))[0]
    )


@pytest.mark.parametrize("command", ["/liste 0km", "/liste -5km", "/liste 99999km",
                                     "/liste dons 0,5 km", "/liste rayon 501"])  # fmt: skip
async def test_distances_out_of_range_are_answered(network: Network, command: str) -> None:
    await setup_region(network)
    answer = (await network.say("alice", command))[0]
    assert "Distance entre 1 et 500 km" in answer
    example = "/liste dons 20km" if "dons" in command else "/liste 20km"
    assert example in answer
    assert "Annonces ouvertes" not in answer


async def test_a_filtered_list_pages_and_keeps_its_filter(network: Network) -> None:
    await network_of_five(network)
    near = await publish(network, "leo", LIMOUX, count=30)
    near += await publish(network, "leo", LIMOUX, urgent=True, count=8)
    far = await publish(network, "marc", MONTPELLIER, count=25)
    first = (await network.say("alice", "/liste dons 30km"))[0]
    assert "Annonces ouvertes à 30 km ou moins (38) — page 1/2" in first
    assert len(ids(first)) == PAGE_SIZE
    assert [c.command for c in network.last_outgoing("alice").choices] == ["/liste dons 30km 2"]
    assert "Suivantes : /liste dons 30km 2" in first
    second = (await network.say("alice", "/liste dons 30km 2"))[0]
    assert "page 2/2" in second and not network.last_outgoing("alice").choices
    assert ids(first) | ids(second) == set(near) and not ids(first) & ids(second)
    assert not (ids(first) | ids(second)) & set(far)
    # Urgent first on each page, at most five when others are left.
    assert len(re.findall(r"^🆘 ", first, re.M)) == 5
    # The bare form pages too; past the end says the last page with the filter.
    assert "page 2/2" in (await network.say("alice", "liste dons 30km 2"))[0]
    past = (await network.say("alice", "/liste dons 30km 9"))[0]
    assert "pas de page 9" in past and "/liste dons 30km 2" in past
    # Other spellings give the same pages, named the one way.
    (await network.say("alice", "/liste rayon 30 dons"))[0]
    assert [c.command for c in network.last_outgoing("alice").choices] == ["/liste dons 30km 2"]


async def test_old_forms_still_work_with_places_set(network: Network) -> None:
    made = await setup_region(network)
    everything = (await network.say("alice", "/liste"))[0]
    assert ids(everything) == set(made.values())
    assert ids((await network.say("alice", "/liste dons"))[0]) == {
        made[n] for n in ("own", "limoux_offer", "narbonne_offer", "beziers_offer")
    }
    assert ids((await network.say("alice", "/besoins"))[0]) == {
        made[n] for n in ("limoux_need", "narbonne_urgent", "montpellier_need")
    }
    assert ids((await network.say("alice", "/liste urgent"))[0]) == {made["narbonne_urgent"]}
    assert ids((await network.say("alice", "liste"))[0]) == set(made.values())
    assert "Usage" in (await network.say("alice", "/liste n'importe"))[0]


async def test_help_names_the_filter(network: Network) -> None:
    await network_of_five(network)
    assert "/liste dons 20km" in (await network.say("alice", "/aide"))[0]
    await network.say("alice", "/langue en")
    assert "/list dons 20km" in (await network.say("alice", "/help"))[0]


# ---------------------------------------------------------------------------- at scale


async def test_the_box_is_read_from_the_index_not_every_open_post(network: Network) -> None:
    """EXPLAIN QUERY PLAN: a range on latitude in posts_open_place, covering, no scan."""
    await network_of_five(network)
    box = box_around(CARCASSONNE, 20.5)
    for urgent_only in (False, True):
        for kinds in (KINDS, ("offer",)):
            for sql, params in (
                posts.open_in_box_query(kinds, urgent_only, box),
                posts.without_place_query(kinds, urgent_only),
            ):
                async with (
                    network.db.transaction() as conn,
                    conn.execute("EXPLAIN QUERY PLAN " + sql, params) as cur,
                ):
                    plan = " / ".join(row[3] for row in await cur.fetchall())
                assert "SEARCH p USING COVERING INDEX posts_open_place (latitude" in plan, plan
                assert "SCAN" not in plan, plan


async def test_a_filtered_page_of_20000_open_posts_costs_milliseconds(network: Network) -> None:
    """20,000 open posts (100,000 in all) spread over Aude, Hérault and beyond: a page of
    « /liste 20km » reads the box around the reader (a few hundred), not every open post."""
    await network_of_five(network)
    now = to_db(network.clock.now())
    async with network.db.transaction() as conn:
        leo = await members.member_by_address(conn, "test", "leo")
        assert leo is not None
        rows = [
            (
                ("need", "offer")[index % 2],
                f"lot {index}",
                date_to_db(date(2026, 12, 2) + timedelta(days=index % 60)),
                int(index % 25 == 0),
                "open" if index % 5 == 0 else "done",
                leo.id,
                leo.association_id,
                # A grid over 42.3–44.9 N, 0.5–4.9 E (about 290 × 360 km).
                42.3 + (index * 7919 % 1000) / 1000 * 2.6,
                0.5 + (index * 104729 % 997) / 997 * 4.4,
                now,
            )
            for index in range(100_000)
        ]
        await conn.executemany(
            "INSERT INTO posts (kind, what, deadline, urgent, status, author_id, association_id,"
            " latitude, longitude, original_text, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)",
            [(*row, now) for row in rows],
        )
    box = box_around(CARCASSONNE, 20.5)
    async with network.db.transaction() as conn:
        in_box = await posts.open_post_points_in_box(conn, KINDS, False, box)
    assert 100 < len(in_box) < 1_000  # bounded: about 2 % of the open posts
    best = float("inf")
    for _ in range(3):  # the best of three: the machine is shared
        started = time.perf_counter()
        answer = (await network.say("alice", "/liste 20km 2"))[0]
        best = min(best, time.perf_counter() - started)
    within = sum(1 for p in in_box if distance_km(CARCASSONNE, p.point) < 20.5)
    assert f"Annonces ouvertes à 20 km ou moins ({within})" in answer
    assert len(ids(answer)) == PAGE_SIZE
    print(f"/liste 20km at 20,000 open posts: {len(in_box)} in the box, {best * 1000:.1f} ms")
    assert best < 0.1
