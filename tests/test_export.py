"""Exports of the transfers (issue 13): the rows that count, the CSV and the spreadsheet as a
spreadsheet program reads them, `/export` through the rights, its limits, and the streaming.

The scenario (tests/export_scenario.py) and its figures are written by hand."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from handlers import exports
from handlers.context import NetworkConfig
from handlers.equivalents import Equivalents, parse_equivalents
from handlers.messages import Attachment
from handlers.periods import PeriodError, read_date
from storage import transfers
from storage.db import Database
from storage.timefmt import to_db
from storage.transfers import Transfer
from tests.export_scenario import (
    BANQUE,
    CCAS,
    CONVERSIONS,
    DECEMBER,
    DECEMBER_KILOS,
    EPICERIE,
    PARIS,
    RESTOS,
    at,
    december,
    rows_of,
)
from tests.network import Network

DECEMBER_START, DECEMBER_END = at(12, 1, 0), at(1, 1, 0, year=2027)
HEADERS = [
    "Date",
    "Association donneuse",
    "Association receveuse",
    "Quoi",
    "Catégorie",
    "Quantité",
    "Unité",
    "Kilos (équivalent)",
    "Annonce n°",
    "Prise n°",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_rows(found: list[Transfer]) -> list[tuple[Any, ...]]:
    """A transfer as the scenario writes it (local date; category and unit as the files)."""
    return [
        (
            t.completed_at.astimezone(PARIS).date(),
            t.giver,
            t.receiver,
            t.what,
            exports.category_name("fr", t.category),
            t.quantity,
            t.unit,
            Equivalents().kilos_of(t.quantity, t.unit),
            t.post_id,
            t.claim_id,
        )
        for t in found
    ]


async def stored(
    db: Database, association_id: int | None = None, batch: int = 1000
) -> list[Transfer]:
    async with db.transaction() as conn:
        return [
            t
            async for t in transfers.transfers(
                conn, DECEMBER_START, DECEMBER_END, association_id, batch
            )
        ]


async def association_id(db: Database, name: str) -> int:
    from storage import members

    async with db.transaction() as conn:
        found = await members.association_by_name(conn, name)
    assert found is not None
    return found.id


async def document(network: Network, user: str, text: str) -> tuple[str, Attachment]:
    """`user` sends `text`: the one reply, its caption and its file."""
    replies = await network.say(user, text)
    assert len(replies) == 1, replies
    sent = network.last_outgoing(user)
    assert sent.attachment is not None, replies
    return replies[0], sent.attachment


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def csv_line(row: tuple[Any, ...]) -> list[str]:
    """The scenario's row as the CSV must write it: JJ/MM/AAAA, decimal comma, unit names."""
    day, giver, receiver, what, category, quantity, unit, kilos, post, claim = row
    return [
        f"{day:%d/%m/%Y}",
        giver,
        receiver,
        what,
        category,
        exports.csv_number(quantity),
        unit,
        exports.csv_number(kilos),
        str(post),
        str(claim),
    ]


def sheet_rows(data: bytes, sheet: str) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(data))
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def labelled(rows: list[list[Any]], label: str) -> list[Any]:
    """The values after `label` in the first row that starts with it."""
    for row in rows:
        if row and row[0] == label:
            return [value for value in row[1:] if value is not None]
    raise AssertionError(f"no row {label!r} in {rows}")


# ------------------------------------------------------------------ the rows that count


async def test_december_transfers_are_the_hand_computed_ones(network: Network) -> None:
    await december(network)
    found = await stored(network.db)
    assert as_rows(found) == DECEMBER
    # Both directions: an offer goes from its author's association, a need to it.
    riz = next(t for t in found if t.what == "riz")
    assert (riz.kind, riz.giver, riz.receiver) == ("need", EPICERIE, RESTOS)
    async with network.db.transaction() as conn:
        counted = await transfers.count_transfers(conn, DECEMBER_START, DECEMBER_END)
        capped = await transfers.count_transfers(conn, DECEMBER_START, DECEMBER_END, limit=3)
    assert (counted, capped) == (7, 3)


@pytest.mark.parametrize("name", [BANQUE, RESTOS, EPICERIE, CCAS])
async def test_one_association_as_giver_or_receiver(network: Network, name: str) -> None:
    await december(network)
    wanted = await association_id(network.db, name)
    assert as_rows(await stored(network.db, wanted)) == rows_of(name)
    async with network.db.transaction() as conn:
        counted = await transfers.count_transfers(conn, DECEMBER_START, DECEMBER_END, wanted)
    assert counted == len(rows_of(name))


async def test_the_months_edges_are_the_networks_local_days(network: Network) -> None:
    await december(network)
    async with network.db.transaction() as conn:
        november = [t async for t in transfers.transfers(conn, at(11, 1, 0), DECEMBER_START)]
        january = [t async for t in transfers.transfers(conn, DECEMBER_END, at(2, 1, 0, year=2027))]
    # 23:30 on 30 November in Paris; 00:30 on 1 January in Paris (31 December in UTC).
    assert [(t.post_id, t.claim_id) for t in november] == [(1, 1)]
    assert [(t.post_id, t.claim_id) for t in january] == [(10, 12)]


async def test_a_claim_logged_completed_twice_counts_once(network: Network) -> None:
    await december(network)
    async with network.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO events (at, kind, post_id, claim_id, quantity) VALUES (?, ?, ?, ?, ?)",
            (to_db(at(12, 20, 9)), "completed", 3, 4, 20.0),
        )
    assert as_rows(await stored(network.db)) == DECEMBER


async def test_the_latest_figure_of_the_log_counts(network: Network) -> None:
    """A second correction by the author replaces the first (a new event each time)."""
    await december(network)
    network.clock.set(at(12, 10, 9))
    replies = await network.say("alice", "/fait 2 9 kg Restos")
    assert "9 kg" in replies[0]
    network.clock.set(at(1, 5, 9, year=2027))
    first = (await stored(network.db))[0]
    assert (first.claim_id, first.quantity, first.completed_at.date()) == (
        2,
        9.0,
        date(2026, 12, 1),
    )


# ------------------------------------------------------------------ reading in batches


@pytest.mark.parametrize(("batch", "sizes"), [(3, [3, 3, 1]), (7, [7]), (1, [1] * 7)])
async def test_rows_come_in_batches_and_the_same(
    network: Network, batch: int, sizes: list[int]
) -> None:
    await december(network)
    async with network.db.transaction() as conn:
        batches = [
            rows
            async for rows in transfers.transfer_batches(
                conn, DECEMBER_START, DECEMBER_END, None, batch
            )
        ]
    assert [len(rows) for rows in batches] == sizes
    assert as_rows([t for rows in batches for t in rows]) == DECEMBER
    # One association's too (its rows are read from its claims and posts, not the range).
    restos = await association_id(network.db, RESTOS)
    assert as_rows(await stored(network.db, restos, batch=1)) == rows_of(RESTOS)


async def test_same_instant_rows_are_not_lost_between_batches(network: Network) -> None:
    """Keyset on (time, event id): three claims completed at the very same instant, read one
    per batch, all come."""
    await december(network)
    async with network.db.transaction() as conn:
        await conn.execute(
            "UPDATE events SET at = ? WHERE kind = 'completed' AND claim_id IN (4, 5, 6)",
            (to_db(at(12, 2, 15)),),
        )
        found = [
            t.claim_id
            async for t in transfers.transfers(conn, DECEMBER_START, DECEMBER_END, None, 1)
        ]
    assert found == [2, 3, 4, 5, 6, 9, 11]


def table_scans(plan: list[str]) -> list[str]:
    """Steps that read a whole table (scanning a page, a subquery's rows, is reading them)."""
    return [
        step
        for step in plan
        if step.startswith("SCAN") and not step.startswith(("SCAN page", "SCAN mine", "SCAN ("))
    ]


async def plan_of(db: Database, sql: str, params: tuple[object, ...]) -> list[str]:
    async with db.transaction() as conn, conn.execute("EXPLAIN QUERY PLAN " + sql, params) as cur:
        return [row[3] for row in await cur.fetchall()]


async def test_the_network_s_batches_read_the_completed_index_in_order(
    network: Network,
) -> None:
    """A batch starts where the last stopped, in the index's order: no sort of the period,
    every other table by primary key or by post."""
    after = (to_db(at(12, 2, 0)), 5)
    plan = await plan_of(
        network.db, *transfers.page_query(DECEMBER_START, DECEMBER_END, None, after, 1000)
    )
    assert "SEARCH e USING INDEX events_completed (at>? AND at<?)" in plan
    assert not table_scans(plan)
    # Only the outer sort of the batch's own rows (the names joined), none inside the page.
    assert plan.count("USE TEMP B-TREE FOR ORDER BY") == 1
    assert plan[-1] == "USE TEMP B-TREE FOR ORDER BY"
    plan = await plan_of(
        network.db, *transfers.count_query(DECEMBER_START, DECEMBER_END, None, 5001)
    )
    assert "SEARCH e USING INDEX events_completed (at>? AND at<?)" in plan


async def test_one_association_s_batches_read_its_own_claims_and_posts(
    network: Network,
) -> None:
    for sql, params in (
        transfers.page_query(DECEMBER_START, DECEMBER_END, 3, None, 1000),
        transfers.count_query(DECEMBER_START, DECEMBER_END, 3, 5001),
    ):
        plan = await plan_of(network.db, sql, params)
        assert "SEARCH c USING INDEX claims_done_association (association_id=?)" in plan
        assert "SEARCH p USING COVERING INDEX posts_association (association_id=?)" in plan
        assert "SEARCH e USING INDEX events_post (post_id=?)" in plan
        assert not table_scans(plan)
        assert not [s for s in plan if "events_completed" in s]


# ------------------------------------------------------------------ the CSV


async def test_csv_reads_back_as_the_hand_computed_rows(network: Network) -> None:
    await december(network)
    caption, file = await document(network, "ada", "/export mois csv")
    assert (file.kind, file.mime) == ("document", "text/csv")
    assert file.filename == "boucle-transferts-2026-12.csv"
    lines = read_csv(file.data)
    assert lines[0] == HEADERS
    assert lines[1:] == [csv_line(row) for row in DECEMBER]
    # As a French spreadsheet program shows them: a decimal comma, JJ/MM/AAAA, `;` apart.
    text = file.data.decode("utf-8-sig")
    assert (
        text.splitlines()[4] == "03/12/2026;Épicerie solidaire de Limoux;CCAS de Quillan;"
        "tomates;fruits et légumes;4;cagette;32;4;5"
    )
    assert "\r\n" in text
    assert caption.splitlines()[0] == (
        "📄 Transferts du 01/12/2026 au 31/12/2026 — tout le réseau : 7 transfert(s), "
        f"{DECEMBER_KILOS} kg (équivalent)."
    )
    assert f"Conversions : {CONVERSIONS}." in caption


def transfer(**changes: Any) -> Transfer:
    base = Transfer(
        completed_at=datetime(2026, 12, 3, 22, 30, tzinfo=UTC),  # 23:30 in Paris
        post_id=12,
        claim_id=30,
        kind="offer",
        what="soupe",
        category="plats_prepares",
        quantity=3,
        unit="repas",
        giver_id=1,
        giver="A",
        receiver_id=2,
        receiver="B",
    )
    return replace(base, **changes)


async def rows_from(*items: Transfer) -> Any:
    for item in items:
        yield item


async def test_csv_numbers_use_a_decimal_comma_and_text_never_runs() -> None:
    summary = exports.Summary("fr", parse_equivalents("carton=12,5"))
    sink = io.BytesIO()
    items = (
        transfer(),  # 3 repas: 1.5 kg
        transfer(quantity=2.25, unit="carton", what='=HYPERLINK("http://x";"clic")'),
        transfer(quantity=None, unit=None, giver="+33 6 12", receiver="@Restos", what="-pain"),
        transfer(quantity=1234.5, unit="kg", what='riz; "basmati"'),
    )
    await exports.write_csv(rows_from(*items), sink, summary, PARIS)
    lines = read_csv(sink.getvalue())
    assert lines[1][0] == "03/12/2026" and lines[1][5:8] == ["3", "repas", "1,5"]
    assert lines[2][3] == '\'=HYPERLINK("http://x";"clic")'
    assert lines[2][5:8] == ["2,25", "carton", "28,125"]
    assert lines[3][1:4] == ["'+33 6 12", "'@Restos", "'-pain"]
    assert lines[3][5:8] == ["", "", ""]
    assert lines[4][3] == 'riz; "basmati"' and lines[4][5:8] == ["1234,5", "kg", "1234,5"]
    # What a French spreadsheet does with a number cell: the comma is the decimal point.
    assert float(lines[2][7].replace(",", ".")) == 28.125
    assert summary.without_kilos == 1 and summary.kilos == pytest.approx(1.5 + 28.125 + 1234.5)


# ------------------------------------------------------------------ the spreadsheet


async def test_a_coordinator_gets_their_association_s_spreadsheet(network: Network) -> None:
    await december(network)
    caption, file = await document(network, "alice", "/export")  # default: last month, xlsx
    assert file.mime == XLSX
    assert file.filename == "boucle-transferts-banque-alimentaire-de-l-aude-2026-12.xlsx"
    assert caption.splitlines()[:2] == [
        "📄 Transferts du 01/12/2026 au 31/12/2026 — Banque Alimentaire de l'Aude : "
        "3 transfert(s), 43 kg (équivalent).",
        "Conversions : 1 repas = 0,5 kg.",
    ]
    book = load_workbook(io.BytesIO(file.data))
    assert book.sheetnames == ["Transferts", "Synthèse"]
    rows = sheet_rows(file.data, "Transferts")
    assert rows[0] == HEADERS
    assert rows[1:] == [
        [datetime.combine(row[0], datetime.min.time()), *row[1:]] for row in rows_of(BANQUE)
    ]
    assert book["Transferts"]["A2"].number_format == "DD/MM/YYYY"
    summary = sheet_rows(file.data, "Synthèse")
    assert labelled(summary, "Période") == ["du 01/12/2026 au 31/12/2026"]
    assert labelled(summary, "Pour") == [BANQUE]
    assert labelled(summary, "Transferts") == [3]
    assert labelled(summary, "Kilos (équivalent)") == [43]
    assert labelled(summary, "Kilos donnés (équivalent)") == [23]  # 8 + 15 kg of apples
    assert labelled(summary, "Kilos reçus (équivalent)") == [20]  # 40 repas
    assert labelled(summary, "Associations donneuses") == [2]  # the Banque, the CCAS
    assert labelled(summary, "Associations receveuses") == [3]  # Restos, Épicerie, the Banque
    assert labelled(summary, "Associations en tout") == [4]
    assert labelled(summary, "Conversions utilisées") == ["1 repas = 0,5 kg"]
    start = summary.index(["Catégorie", "Transferts", "Kilos (équivalent)", None])
    assert summary[start + 1 : start + 4] == [
        ["fruits et légumes", 2, 23, None],
        ["plats préparés", 1, 20, None],
        ["Total", 3, 43, None],
    ]
    start = summary.index(["Catégorie", "Unité", "Quantité", "Kilos (équivalent)"])
    assert summary[start + 1 : start + 3] == [
        ["fruits et légumes", "kg", 23, 23],
        ["plats préparés", "repas", 40, 20],
    ]


async def test_an_administrator_gets_the_network_s_spreadsheet(network: Network) -> None:
    await december(network)
    caption, file = await document(network, "ada", "/export 01/12/2026-31/12/2026 xlsx")
    assert file.filename == "boucle-transferts-2026-12.xlsx"
    assert "tout le réseau : 7 transfert(s), 130 kg" in caption
    rows = sheet_rows(file.data, "Transferts")
    assert [row[1:] for row in rows[1:]] == [list(row[1:]) for row in DECEMBER]
    summary = sheet_rows(file.data, "Synthèse")
    assert labelled(summary, "Pour") == ["tout le réseau"]
    assert labelled(summary, "Transferts") == [7]
    assert labelled(summary, "Kilos (équivalent)") == [DECEMBER_KILOS]
    assert labelled(summary, "Associations donneuses") == [4]
    assert labelled(summary, "Associations receveuses") == [4]
    assert labelled(summary, "Conversions utilisées") == [CONVERSIONS]
    with pytest.raises(AssertionError):
        labelled(summary, "Kilos donnés (équivalent)")  # the network gives to itself
    start = summary.index(["Catégorie", "Transferts", "Kilos (équivalent)", None])
    # Most kilos first; equal ones by name, accents aside (épicerie before plats).
    assert summary[start + 1 : start + 7] == [
        ["fruits et légumes", 3, 55, None],
        ["conserves", 1, 30, None],
        ["épicerie sèche", 1, 20, None],
        ["plats préparés", 1, 20, None],
        ["boulangerie", 1, 5, None],
        ["Total", 7, DECEMBER_KILOS, None],
    ]
    start = summary.index(["Catégorie", "Unité", "Quantité", "Kilos (équivalent)"])
    assert summary[start + 1 : start + 7] == [
        ["boulangerie", "kg", 5, 5],
        ["conserves", "carton", 3, 30],
        ["épicerie sèche", "kg", 20, 20],
        ["fruits et légumes", "cagette", 4, 32],
        ["fruits et légumes", "kg", 23, 23],
        ["plats préparés", "repas", 40, 20],
    ]


async def test_spreadsheet_text_never_runs_as_a_formula() -> None:
    summary = exports.Summary("fr", Equivalents())
    sink = io.BytesIO()
    await exports.write_xlsx(
        rows_from(transfer(what="=1+1", giver="=A1")), sink, summary, PARIS, ("p", "w")
    )
    book = load_workbook(io.BytesIO(sink.getvalue()))
    cells = book["Transferts"][2]
    assert [cells[1].value, cells[3].value] == ["=A1", "=1+1"]
    assert [cells[1].data_type, cells[3].data_type] == ["s", "s"]
    assert cells[0].value == datetime(2026, 12, 3)  # 23:30 in Paris: still the 3rd
    assert [cells[5].value, cells[7].value] == [3, 1.5]


async def test_the_network_s_equivalents_are_used_and_stated(network: Network) -> None:
    await december(network)
    network.dispatcher.config = replace(
        network.dispatcher.config, equivalents=parse_equivalents("carton=12")
    )
    caption, file = await document(network, "ada", "/export mois")
    assert "136 kg" in caption and "1 carton = 12 kg" in caption
    summary = sheet_rows(file.data, "Synthèse")
    assert labelled(summary, "Conversions utilisées") == [
        "1 carton = 12 kg ; 1 cagette = 8 kg ; 1 repas = 0,5 kg"
    ]


# ------------------------------------------------------------------ /export in the chat


async def test_a_member_is_refused_kindly(network: Network) -> None:
    await december(network)
    assert await network.say("eve", "/export") == ["Cette commande est réservée aux coordinateurs."]
    assert network.last_outgoing("eve").attachment is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("/export 31/02/2026-31/03/2026", "« 31/02/2026 » n'est pas une date"),
        ("/export 31/12/2026-01/12/2026", "Le début (31/12/2026) est après la fin (01/12/2026)"),
        ("/export 01/12/2026", "/export 01/11/2026-30/11/2026"),
        ("/export hier", "/export mois (le mois dernier)"),
        ("/export 01/06/2026-30/06/2026", "Aucun transfert du 01/06/2026 au 30/06/2026 pour"),
    ],
)
async def test_bad_or_empty_periods_get_a_precise_answer(
    network: Network, text: str, answer: str
) -> None:
    await december(network)
    replies = await network.say("alice", text)
    assert len(replies) == 1 and answer in replies[0], replies
    assert network.last_outgoing("alice").attachment is None


async def test_too_many_rows_for_the_chat_point_to_a_shorter_period(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    await december(network)
    monkeypatch.setattr(exports, "MAX_CHAT_ROWS", 6)
    replies = await network.say("ada", "/export mois")
    assert replies == [
        "Plus de 6 transferts du 01/12/2026 au 31/12/2026 : c'est trop pour un fichier dans la "
        "discussion. Choisissez une période plus courte (/export mois, ou des dates), ou "
        "demandez l'export à la personne qui gère le serveur (boucle export)."
    ]
    assert network.last_outgoing("ada").attachment is None
    monkeypatch.setattr(exports, "MAX_CHAT_ROWS", 7)  # exactly at the limit: the file
    _, file = await document(network, "ada", "/export mois")
    assert len(sheet_rows(file.data, "Transferts")) == 8


def test_the_chat_limit_fits_a_month_of_the_whole_network() -> None:
    # 100,000 posts a year, about half completed (bench/export.py: 3,758 in November).
    assert 4_000 < exports.MAX_CHAT_ROWS <= 10_000


async def test_bare_word_and_english_words(network: Network) -> None:
    await december(network)
    _, file = await document(network, "bob", "export month csv")
    assert file.filename == "boucle-transferts-restos-du-coeur-narbonne-2026-12.csv"
    assert len(read_csv(file.data)) == 1 + len(rows_of(RESTOS))


# ------------------------------------------------------------------ periods


TODAY = date(2027, 1, 5)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "period", "chosen"),
    [
        ("", (date(2026, 12, 1), date(2026, 12, 31)), "xlsx"),
        ("mois", (date(2026, 12, 1), date(2026, 12, 31)), "xlsx"),
        ("le mois dernier csv", (date(2026, 12, 1), date(2026, 12, 31)), "csv"),
        ("semaine", (date(2026, 12, 28), date(2027, 1, 3)), "xlsx"),
        ("année", (date(2026, 1, 1), date(2026, 12, 31)), "xlsx"),
        ("csv annee", (date(2026, 1, 1), date(2026, 12, 31)), "csv"),
        ("01/11/2026-30/11/2026", (date(2026, 11, 1), date(2026, 11, 30)), "xlsx"),
        ("du 1/11/2026 au 15/11/2026 excel", (date(2026, 11, 1), date(2026, 11, 15)), "xlsx"),
        ("2026-11-01 2026-11-30 csv", (date(2026, 11, 1), date(2026, 11, 30)), "csv"),
        # The bilan's period reader (handlers/periods.py) brings its forms, and no limit of
        # length (the chat's limit is a number of rows).
        ("novembre csv", (date(2026, 11, 1), date(2026, 11, 30)), "csv"),
        ("2026-10 tableur", (date(2026, 10, 1), date(2026, 10, 31)), "xlsx"),
        ("01/01/2020-31/12/2026", (date(2020, 1, 1), date(2026, 12, 31)), "xlsx"),
    ],
)
def test_export_words(text: str, period: tuple[date, date], chosen: str) -> None:
    # The period is read by handlers/periods.py, the bilan's reader (one reader for both).
    found, format_ = exports.parse_export_args(text, TODAY)
    assert ((found.first, found.last), format_) == (period, chosen)


def test_last_month_at_the_turn_of_the_year_and_in_march() -> None:
    for today, first, last in (
        (date(2027, 1, 1), date(2026, 12, 1), date(2026, 12, 31)),
        (date(2028, 3, 31), date(2028, 2, 1), date(2028, 2, 29)),
    ):
        found, _ = exports.parse_export_args("mois", today)
        assert (found.first, found.last) == (first, last)


@pytest.mark.parametrize(
    ("period", "name"),
    [
        ((date(2026, 11, 1), date(2026, 11, 30)), "boucle-transferts-2026-11.csv"),
        ((date(2026, 1, 1), date(2026, 12, 31)), "boucle-transferts-2026.csv"),
        ((date(2026, 11, 2), date(2026, 11, 30)), "boucle-transferts-2026-11-02_2026-11-30.csv"),
    ],
)
def test_file_names(period: tuple[date, date], name: str) -> None:
    assert exports.file_name(exports.dates(*period), "csv", None) == name


def test_period_bounds_are_local_midnights_in_utc() -> None:
    summer = exports.dates(date(2026, 7, 1), date(2026, 7, 31)).bounds(PARIS)
    assert summer == (datetime(2026, 6, 30, 22, tzinfo=UTC), datetime(2026, 7, 31, 22, tzinfo=UTC))
    winter = exports.dates(date(2026, 12, 1), date(2026, 12, 31)).bounds(PARIS)
    assert winter == (
        datetime(2026, 11, 30, 23, tzinfo=UTC),
        datetime(2026, 12, 31, 23, tzinfo=UTC),
    )


def test_association_names_are_matched_and_suggested() -> None:
    names = [BANQUE, RESTOS, EPICERIE, CCAS, "Restos du Cœur Carcassonne"]
    assert exports.match_association("epicerie solidaire de limoux", names) == (EPICERIE, [])
    found, close = exports.match_association("Restos", names)
    assert found is None and close == [RESTOS, "Restos du Cœur Carcassonne"]
    found, close = exports.match_association("Banque Alimentaire de l'Aube", names)
    assert found is None and close == [BANQUE]
    assert exports.match_association("Secours", names) == (None, [])


def test_a_network_config_carries_the_equivalents() -> None:
    # The chat reads the network's equivalents (BOUCLE_EQUIVALENTS), not a table of its own.
    assert NetworkConfig().equivalents == Equivalents()


# ------------------------------------------------------------------ a big export


async def test_a_big_export_streams_in_flat_memory(
    db: Database, gazetteer: Any, tmp_path: Any
) -> None:
    """A network of 12,000 posts and its year of claims (bench/network.py, bulk-loaded): the
    CSV of every transfer is written with no more memory than a few batches, far less than
    the rows held at once."""
    import tracemalloc

    from bench.network import Sizes, build_network
    from bench.scale_scheduler import build_activity
    from storage.bulk import load_activity, load_network

    now = datetime(2026, 12, 2, 6, tzinfo=PARIS)
    built = build_network(gazetteer, now, Sizes(associations=200, posts=12_000))
    claims, events = build_activity(built, now)
    async with db.transaction() as conn:
        await load_network(conn, built.associations, built.members, built.posts, now)
        await load_activity(conn, claims, events)
    start, end = datetime(2025, 12, 1, tzinfo=UTC), now

    async def streamed(batch: int) -> tuple[int, int]:
        summary = exports.Summary("fr", Equivalents())
        tracemalloc.start()
        with (tmp_path / f"year-{batch}.csv").open("wb") as sink:
            async with db.transaction() as conn:
                rows = transfers.transfers(conn, start, end, None, batch)
                await exports.write_csv(rows, sink, summary, PARIS)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return summary.transfers, peak

    count, flat = await streamed(200)
    everything, whole = await streamed(100_000)  # one batch: every row at once
    assert count == everything > 5_000
    assert flat * 4 < whole, (flat, whole)


@pytest.mark.parametrize("text", ["01/01/0001", "31/12/9999", "30/02/2027", "2026-13-01"])
def test_dates_that_cannot_be_read_are_bad_dates(text: str) -> None:
    with pytest.raises(PeriodError) as raised:
        read_date(text)
    assert raised.value.reason == "bad_date"
    with pytest.raises(PeriodError) as raised:
        exports.parse_export_args(f"{text}-31/12/2026", TODAY)
    assert raised.value.reason == "bad_date"


async def test_help_names_export_for_coordinators_only(network: Network) -> None:
    await december(network)
    assert "/export" in "\n".join(await network.say("alice", "/aide"))
    assert "/export mois" in "\n".join(await network.say("alice", "/aide chiffres"))
    assert "/export" not in "\n".join(await network.say("eve", "/aide"))
    assert "/export" not in "\n".join(await network.say("eve", "/aide chiffres"))
