"""The indicators (issue 13): storage's sums over a period (storage/indicators.py) and their
kilos (handlers/indicators.py), on the fixed scenario of tests/bilan_scenario.py whose every
figure is computed here by hand; honest figures (nothing counted twice); the plans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.equivalents import Equivalents, parse_equivalents
from handlers.indicators import kilos_per_bin, moved
from handlers.periods import Period
from storage import indicators, members, posts, transfers
from storage.db import Database
from storage.indicators import Figures, Flow, Loans, PostCounts, Reach
from storage.models import NewPost
from tests import bilan_scenario as scenario
from tests.bilan_scenario import PARIS
from tests.network import Network

NOVEMBER = Period("month", datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date())
OCTOBER = NOVEMBER.previous()
DEFAULTS = Equivalents()


async def figures_of(network: Network, period: Period, association: str | None) -> Figures:
    async with network.db.transaction() as conn:
        association_id = None
        if association is not None:
            found = await members.association_by_name(conn, association)
            assert found is not None
            association_id = found.id
        return await indicators.figures(conn, period.bin_bounds(PARIS), association_id)


@pytest.fixture
async def played(network: Network) -> Network:
    await scenario.play(network)
    return network


# ------------------------------------------------------------------ the network's figures


async def test_the_network_s_november_by_hand(played: Network) -> None:
    november = await figures_of(played, NOVEMBER, None)
    # Weekly bins: 1-7 (bin 0), 8-14 (1), 15-21, 22-28, 29-30.
    assert november.bins == 5
    # Every transfer once, on the giver's side: #3 A→B 3 cartons (the corrected figure, not
    # the first 4), #4 C→B 10 repas (A's cancelled claim of 5 is not there), #5 B→C 20 kg,
    # #6 C→A 10 L. Nothing of #7 (a cancelled post), nor of the loans (#9, #10).
    assert sorted(november.flows, key=lambda f: f.category or "") == [
        Flow(0, "given", "bebe", "kg", 1, 20.0, 0),
        Flow(0, "given", "conserves", "carton", 1, 3.0, 0),
        Flow(0, "given", "plats_prepares", "repas", 1, 10.0, 0),
        Flow(0, "given", "produits_laitiers", "l", 1, 10.0, 0),
    ]
    assert november.flows_of("received") == []
    # Needs posted: #4 (partly: 10 of 30 repas), #5 (urgent, filled), #11 (nothing) — #4 and
    # #5 on the 3rd, #11 on the 12th. Offers: #6 wholly taken, #3 partly (3 of its 4 cartons,
    # by the author's correction), #8 lost; #7 withdrawn: out.
    assert november.posted("need") == PostCounts(-1, "need", False, 3, 1, 1, 0)
    assert november.posted("need", urgent=True) == PostCounts(-1, "need", False, 1, 1, 0, 0)
    assert november.posted("need", urgent=False) == PostCounts(-1, "need", False, 2, 0, 1, 0)
    assert november.posted("offer") == PostCounts(-1, "offer", False, 3, 1, 1, 1)
    assert november.posted("offer").answered == 2
    assert [november.posted_in_bin("need", i).posted for i in range(5)] == [2, 1, 0, 0, 0]
    # #4's first claim that counts came at +30 min (A's at +15 min was cancelled), #5's at
    # +1 h: the median of 30 min and 1 h is 45 min; of the urgent ones (#5), 1 h.
    assert november.first_claim == timedelta(minutes=45)
    assert november.first_claim_urgent == timedelta(hours=1)
    # #9: B lent its van to A from the 10th 10:00 to the 12th 15:00, 2 days 5 hours: 3 days.
    # #10: C sends 3 volunteers to A, not back yet: a loan, no days known.
    assert november.loans == (
        Loans("given", "equipment", 1, 1, 3, 0.0),
        Loans("given", "volunteers", 1, 0, 0, 3.0),
    )
    # A, B and C gave or received; D (only in the withdrawn #7) did not.
    assert november.reach == Reach(givers=3, receivers=3, associations=3)


async def test_the_network_s_october_is_the_previous_period(played: Network) -> None:
    october = await figures_of(played, OCTOBER, None)
    assert (OCTOBER.first, OCTOBER.last) == (
        datetime(2026, 10, 1).date(),
        datetime(2026, 10, 31).date(),
    )
    assert sorted((f.category, f.unit, f.quantity) for f in october.flows) == [
        ("epicerie_seche", "kg", 20.0),
        ("fruits_legumes", "kg", 50.0),
    ]
    assert october.posted("need") == PostCounts(-1, "need", False, 1, 1, 0, 0)
    assert october.posted("offer") == PostCounts(-1, "offer", False, 1, 1, 0, 0)
    assert october.first_claim == timedelta(hours=2)
    assert october.first_claim_urgent is None
    assert october.loans == ()
    assert october.reach == Reach(givers=2, receivers=1, associations=3)  # A, C gave to B


async def test_one_association_s_november_by_hand(played: Network) -> None:
    mine = await figures_of(played, NOVEMBER, scenario.A)
    # A gave #3 (3 cartons to B) and received #6 (10 L from C).
    assert mine.flows == (
        Flow(0, "given", "conserves", "carton", 1, 3.0, 0),
        Flow(0, "received", "produits_laitiers", "l", 1, 10.0, 0),
    )
    # A's own posts: no need (#10 asks for volunteers: a loan); offers #3 taken, #8 lost.
    assert mine.posted("need").posted == 0
    assert mine.posted("offer") == PostCounts(-1, "offer", False, 2, 0, 1, 1)
    assert mine.first_claim is None
    # A borrowed B's van (3 days) and received C's volunteers.
    assert mine.loans == (
        Loans("received", "equipment", 1, 1, 3, 0.0),
        Loans("received", "volunteers", 1, 0, 0, 3.0),
    )
    # A gave to B; received from C (goods) and B, C (loans): partners B and C.
    assert mine.reach == Reach(givers=1, receivers=2, associations=2)
    october = await figures_of(played, OCTOBER, scenario.A)
    assert october.flows == (Flow(0, "given", "fruits_legumes", "kg", 1, 50.0, 0),)
    assert october.reach == Reach(1, 0, 1)


async def test_the_withdrawn_post_s_association_counts_nothing(played: Network) -> None:
    dora = await figures_of(played, NOVEMBER, "CCAS de Quillan")
    assert dora.flows == () and dora.loans == () and dora.reach == Reach()
    bob = await figures_of(played, NOVEMBER, scenario.B)
    assert bob.posted("offer").posted == 0  # #7, withdrawn, is not a post of the period


# ------------------------------------------------------------------ kilos


async def test_kilos_with_the_default_equivalents(played: Network) -> None:
    november = await figures_of(played, NOVEMBER, None)
    done = moved(november.flows_of("given"), DEFAULTS)
    # 3 cartons x 10 + 10 repas x 0.5 + 20 kg + 10 L x 1 = 30 + 5 + 20 + 10.
    assert done.kilos == 65.0 and done.transfers == 4
    assert done.by_category == (
        ("conserves", 30.0),
        ("bebe", 20.0),
        ("produits_laitiers", 10.0),
        ("plats_prepares", 5.0),
    )
    assert done.converted == ("l", "carton", "repas")
    assert DEFAULTS.note(done.converted) == "1 l = 1 kg ; 1 carton = 10 kg ; 1 repas = 0,5 kg"
    assert dict(done.quantities) == {"carton": 3.0, "kg": 20.0, "l": 10.0, "repas": 10.0}
    assert kilos_per_bin(november.flows, DEFAULTS, 5)["conserves"] == [30.0, 0, 0, 0, 0]


async def test_kilos_follow_the_network_s_equivalents(played: Network) -> None:
    november = await figures_of(played, NOVEMBER, None)
    mine = parse_equivalents("carton=12, repas=0,4")
    done = moved(november.flows_of("given"), mine)
    assert done.kilos == 36.0 + 4.0 + 20.0 + 10.0
    assert mine.note(done.converted) == "1 l = 1 kg ; 1 carton = 12 kg ; 1 repas = 0,4 kg"


def test_units_without_kilos_are_counted_apart() -> None:
    flows = [
        Flow(0, "given", "boulangerie", "unite", 2, 40.0, 0),
        Flow(0, "given", "boulangerie", None, 1, 0.0, 1),
        Flow(1, "given", "fruits_legumes", "kg", 1, 12.5, 0),
        Flow(1, "given", "autre", "personne", 1, 3.0, 0),
    ]
    done = moved(flows, DEFAULTS)
    assert done.kilos == 12.5 and done.converted == ()
    assert done.counted == (("unite", 40.0), ("personne", 3.0))
    assert done.transfers == 5 and done.without_figure == 1


async def test_the_figures_agree_with_the_export(played: Network) -> None:
    """/bilan and /export read the same transfers (storage/transfers.py): same claims, same
    current figures, for the goods."""
    start, end = NOVEMBER.bounds(PARIS)
    async with played.db.transaction() as conn:
        exported = [t async for t in transfers.transfers(conn, start, end)]
    goods = [t for t in exported if t.kind in ("need", "offer")]
    assert sorted((t.category, t.unit, t.quantity) for t in goods) == sorted(
        (f.category, f.unit, f.quantity) for f in (await figures_of(played, NOVEMBER, None)).flows
    )


# ------------------------------------------------------------------ nothing counted twice


async def two_associations(db: Database, now: datetime) -> tuple[int, int, int, int]:
    """(association, member) twice: an author and a taker."""
    async with db.transaction() as conn:
        ours = await members.ensure_association(conn, "Ours", "Carcassonne", now)
        theirs = await members.ensure_association(conn, "Theirs", "Narbonne", now)
        author = await members.create_member(conn, ours.id, "Ana", "coordinator", now)
        taker = await members.create_member(conn, theirs.id, "Tom", "coordinator", now)
    return ours.id, author.id, theirs.id, taker.id


def offer(quantity: float) -> NewPost:
    return NewPost(
        kind="offer",
        what="pommes",
        category="fruits_legumes",
        quantity=quantity,
        unit="kg",
        deadline=None,
        date_kind=None,
        place=None,
        urgent=False,
        cold_chain=False,
        original_text="pommes",
    )


async def test_two_claims_two_corrections_and_a_double_log_count_once(db: Database) -> None:
    now = datetime(2026, 11, 10, 9, tzinfo=UTC)
    ours, author, theirs, taker = await two_associations(db, now)
    async with db.transaction() as conn:
        post = await posts.create_post(conn, offer(30), author, ours, now)
        first = await posts.claim_post(conn, post.id, taker, theirs, 10, now)
        second = await posts.claim_post(conn, post.id, taker, theirs, 20, now)
        await posts.complete_claim(conn, first.id, 10, taker, now)
        await posts.complete_claim(conn, second.id, 20, taker, now)
        await posts.correct_done_quantity(conn, first.id, 8, author, now)
        await posts.correct_done_quantity(conn, first.id, 7, author, now)
        # A log written twice (never by the code; were it so, still once).
        await conn.execute(
            "INSERT INTO events (at, kind, actor_id, post_id, claim_id, quantity)"
            " SELECT at, kind, actor_id, post_id, claim_id, quantity FROM events"
            " WHERE kind = 'completed' AND claim_id = ?",
            (second.id,),
        )
        found = await indicators.figures(conn, [now - timedelta(days=1), now + timedelta(days=1)])
    assert found.flows == (Flow(0, "given", "fruits_legumes", "kg", 2, 27.0, 0),)
    assert found.posted("offer") == PostCounts(-1, "offer", False, 1, 0, 1, 0)  # 27 of 30 kg
    assert found.reach == Reach(1, 1, 2)


async def test_a_transfer_is_dated_by_its_completion(db: Database) -> None:
    posted = datetime(2026, 10, 30, 9, tzinfo=UTC)
    done = datetime(2026, 11, 2, 9, tzinfo=UTC)
    ours, author, theirs, taker = await two_associations(db, posted)
    async with db.transaction() as conn:
        post = await posts.create_post(conn, offer(5), author, ours, posted)
        claim = await posts.claim_post(conn, post.id, taker, theirs, None, posted)
        await posts.complete_claim(conn, claim.id, 5, taker, done)
        before = await indicators.figures(conn, OCTOBER.bin_bounds(PARIS))
        after = await indicators.figures(conn, NOVEMBER.bin_bounds(PARIS))
    assert before.flows == () and before.posted("offer").posted == 1
    assert after.flows == (Flow(0, "given", "fruits_legumes", "kg", 1, 5.0, 0),)
    assert after.posted("offer").posted == 0


async def test_an_offer_partly_taken_then_expired_is_not_lost(db: Database) -> None:
    now = datetime(2026, 11, 10, 9, tzinfo=UTC)
    ours, author, theirs, taker = await two_associations(db, now)
    async with db.transaction() as conn:
        partly = await posts.create_post(conn, offer(6), author, ours, now)
        claim = await posts.claim_post(conn, partly.id, taker, theirs, 2, now)
        await posts.complete_claim(conn, claim.id, 2, taker, now)
        nobody = await posts.create_post(conn, offer(4), author, ours, now)
        for post in (partly, nobody):
            await posts.set_post_status(conn, post.id, "expired", None, now, "expired")
        found = await indicators.figures(conn, [now - timedelta(days=1), now + timedelta(days=1)])
    assert found.posted("offer") == PostCounts(-1, "offer", False, 2, 0, 1, 1)


def test_bounds_must_increase() -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    for bad in ([now], [now, now], [now, now - timedelta(days=1)]):
        with pytest.raises(ValueError, match="increasing"):
            indicators.exchanges_query(bad, None)


# ------------------------------------------------------------------ plans

# The indexes each statement reads from (never a whole table): the network's period by time;
# one association's from its own rows, whatever the network's size.
EXPECTED_INDEXES = {
    ("exchanges", "network"): (
        "events_completed",
        "events_completed_claim",
        "claims_created",
        "bookings_loans",
        "purchases_reached",
    ),
    ("exchanges", "association"): (
        "claims_done_association",
        "claims_association_active",
        "posts_association",
        "events_completed_claim",
        "bookings_owner_loans",
        "bookings_borrower_loans",
        "purchase_orders_association",
    ),
    ("posts", "network"): ("posts_created", "claims_post"),
    ("posts", "association"): ("posts_association_created", "claims_post"),
}


@pytest.mark.parametrize(("name", "scope"), sorted(EXPECTED_INDEXES))
async def test_each_statement_reads_the_period_from_its_indexes(
    db: Database, name: str, scope: str
) -> None:
    bounds = NOVEMBER.bin_bounds(PARIS)
    sql, params = indicators.statements(bounds, None if scope == "network" else 1)[name]
    async with db.transaction() as conn, conn.execute("EXPLAIN QUERY PLAN " + sql, params) as cur:
        plan = [str(row[3]) for row in await cur.fetchall()]
    text = "\n".join(plan)
    # Only the bins (constant rows) and the statement's own gathered rows are scanned.
    scanned = [line for line in plan if line.startswith("SCAN")]
    assert all(
        line in ("SCAN b", "SCAN m", "SCAN x", "SCAN per_post", "SCAN firsts", "SCAN ranked")
        or "CONSTANT ROW" in line
        or line.startswith("SCAN (subquery")
        for line in scanned
    ), text
    for index in EXPECTED_INDEXES[(name, scope)]:
        assert f"INDEX {index} (" in text, text


async def test_the_report_s_links_read_the_period_from_the_same_indexes(db: Database) -> None:
    start, end = NOVEMBER.bounds(PARIS)
    for scope, indexes in (
        (None, ("events_completed", "events_completed_claim")),
        (1, ("claims_done_association", "posts_association", "events_completed_claim")),
    ):
        sql, params = indicators.pairs_query(start, end, scope)
        async with db.read() as conn, conn.execute("EXPLAIN QUERY PLAN " + sql, params) as cur:
            plan = [str(row[3]) for row in await cur.fetchall()]
        text = "\n".join(plan)
        scanned = [line for line in plan if line.startswith("SCAN")]
        assert all(
            line in ("SCAN b", "SCAN m", "SCAN x", "SCAN g") or "CONSTANT ROW" in line
            for line in scanned
        ), text
        for index in indexes:
            assert f"INDEX {index} (" in text, text


# ------------------------------------------------------------------ the calendar's loans


async def bookings_of_november(network: Network) -> None:
    """Issue 14's calendar in the scenario's November: the Restos (B) register a cold room and
    the Épicerie (C) books it on Tuesday 17 and Wednesday 18 (whole days: 2 days), gives it
    back on the 19th; B books it for itself on the 19th (no loan); C registers a team of
    volunteers that the Banque (A) books on Friday 20 (1 day); a booking cancelled counts
    nothing."""
    steps = [
        (scenario.at(11, 16, 9), "bob", "/ressource Chambre froide 20 m3 ; Narbonne ; ; libre"),
        (None, "carla", "/reserver 1 du mardi au mercredi"),
        (None, "bob", "/reserver 1 jeudi"),
        (None, "carla", "/ressource Équipe de bénévoles ; Limoux ; ; libre"),
        (None, "alice", "/reserver 2 vendredi"),
        (None, "alice", "/reserver 1 samedi"),
        (None, "alice", "/reserver annuler R4"),
        (scenario.at(11, 19, 10), "carla", "/rendu R1"),
    ]
    expected = [
        "Ressource n°1 enregistrée",
        "Réservé : Chambre froide 20 m3 (n°1, Restos du Cœur Narbonne), du mar. 17 nov. au "
        "mer. 18 nov.. Réservation R1.",
        "Réservation R2.",
        "Ressource n°2 enregistrée : Équipe de bénévoles\nSorte : bénévoles",
        "ven. 20 nov. (journée). Réservation R3.",
        "Réservation R4.",
        "R4 annulée",
        "Retour de Chambre froide 20 m3 enregistré (R1)",
    ]
    for (moment, user, text), part in zip(steps, expected, strict=True):
        if moment is not None:
            network.clock.set(moment)
        (reply,) = await network.say(user, text)
        assert part in reply, (text, reply)
    network.clock.set(scenario.ASKED_AT)
    for user in ("alice", "bob", "carla"):
        network.take_inbox(user)


async def test_a_booking_is_a_loan_next_to_the_equipment_posts(played: Network) -> None:
    await bookings_of_november(played)
    november = await figures_of(played, NOVEMBER, None)
    # Equipment: #9 (B's van lent to A, 3 days, a /materiel post) and R1 (2 days booked,
    # given back): 2 loans, 5 days, each once. Volunteers: #10 (C's 3 volunteers, not back)
    # and R3 (1 day). R2 (B's own) and R4 (cancelled) count nothing.
    assert november.loans == (
        Loans("given", "equipment", 2, 2, 5.0, 0.0),
        Loans("given", "volunteers", 2, 1, 1.0, 3.0),
    )
    assert november.reach == Reach(givers=3, receivers=3, associations=3)
    restos = await figures_of(played, NOVEMBER, scenario.B)
    assert restos.loans == (Loans("given", "equipment", 2, 2, 5.0, 0.0),)
    epicerie = await figures_of(played, NOVEMBER, scenario.C)
    assert epicerie.loans == (
        Loans("given", "volunteers", 2, 1, 1.0, 3.0),
        Loans("received", "equipment", 1, 1, 2.0, 0.0),
    )
    assert (await figures_of(played, OCTOBER, None)).loans == ()


async def test_the_bilan_counts_the_booking_s_days_once(played: Network) -> None:
    await bookings_of_november(played)
    (network_text,) = await played.say("ada", "/bilan")
    assert "🚚 Prêts de matériel : 2 (0) · jours : 5 (0)" in network_text
    assert "🙌 Renforts de bénévoles : 2 (0) · personnes : 3 (0)" in network_text
    (lender,) = await played.say("bob", "/bilan")
    assert "🚚 Matériel prêté : 2 (0) · jours : 5 (0) · emprunté : 0 (0)" in lender
    (borrower,) = await played.say("carla", "/bilan")
    assert "🚚 Matériel prêté : 0 (0) · jours : 0 (0) · emprunté : 1 (0)" in borrower
    assert "🙌 Bénévoles envoyés : 2 (0) · reçus : 0 (0)" in borrower


async def test_the_export_s_summary_counts_the_loans(played: Network) -> None:
    from tests.test_export import labelled, sheet_rows

    await bookings_of_november(played)
    await played.say("ada", "/export novembre")
    network_file = played.last_outgoing("ada").attachment
    assert network_file is not None
    summary = sheet_rows(network_file.data, "Synthèse")
    assert labelled(summary, "Prêts (annonces /materiel et calendrier partagé)") == [
        "Prêts",
        "Jours",
    ]
    assert labelled(summary, "Matériel") == [2, 5]
    assert labelled(summary, "Bénévoles") == [2, 1]
    await played.say("carla", "/export 2026-11")
    own = played.last_outgoing("carla").attachment
    assert own is not None
    summary = sheet_rows(own.data, "Synthèse")
    assert labelled(summary, "Matériel prêté") == [0, 0]
    assert labelled(summary, "Matériel emprunté") == [1, 2]
    assert labelled(summary, "Bénévoles envoyés") == [2, 1]


# ------------------------------------------------------------------ group purchases


async def test_group_purchases_reached_count_once_with_their_amount(played: Network) -> None:
    """Two purchases of rice at 18,50 € a sack: one reached on 20 November (A 10 sacks, B 4,
    C 0: withdrawn), one cancelled; the reached one is 14 x 18,50 € = 259 €."""
    from storage import purchases
    from storage.purchases import NewPurchase

    moment = scenario.at(11, 20, 12)
    async with played.db.transaction() as conn:
        ids = {}
        for name in (scenario.A, scenario.B, scenario.C):
            found = await members.association_by_name(conn, name)
            assert found is not None
            ids[name] = found.id
        alice = (await members.members_called(conn, "Alice", ids[scenario.A], limit=1))[0]
        new = NewPurchase(
            "riz", "sac de 25 kg", "epicerie_seche", 1850, "Metro", "packs", 10, "",
            moment, moment,
        )  # fmt: skip
        reached = await purchases.create_purchase(conn, new, alice.id, ids[scenario.A], moment)
        failed = await purchases.create_purchase(conn, new, alice.id, ids[scenario.A], moment)
        for purchase, name, sacks in (
            (reached, scenario.A, 10),
            (reached, scenario.B, 4),
            (reached, scenario.C, 0),
            (failed, scenario.C, 3),
        ):
            await purchases.set_order(conn, purchase, ids[name], alice.id, sacks, moment)
        assert await purchases.settle(conn, reached, "reached", moment)
        assert await purchases.settle(conn, failed, "cancelled", moment)
    november = await figures_of(played, NOVEMBER, None)
    assert november.purchases == indicators.Purchases(reached=1, cents=14 * 1850)
    assert (await figures_of(played, NOVEMBER, scenario.B)).purchases == indicators.Purchases(
        1, 4 * 1850
    )
    assert (await figures_of(played, NOVEMBER, scenario.C)).purchases == indicators.Purchases()
    assert (await figures_of(played, OCTOBER, None)).purchases == indicators.Purchases()
    (text,) = await played.say("ada", "/bilan")
    assert "🛒 Achats groupés aboutis : 1 (0) · montant : 259 € (0)" in text
    (text,) = await played.say("bob", "/bilan")
    assert "🛒 Achats groupés aboutis avec vous : 1 (0) · votre part : 74 € (0)" in text
    (text,) = await played.say("carla", "/bilan")
    assert "Achats groupés" not in text
