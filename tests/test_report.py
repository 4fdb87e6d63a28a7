"""The monthly report for funders (issue 13, part 4): the PDF of the fixed scenario
(tests/bilan_scenario.py) read back with pypdf — its title, month, key figures computed by hand,
the main exchanges, the conversion note, two pages, the chart as an image —, `/rapport` in the
chat (who gets which report, periods), `boucle rapport` (file written, --force, errors), and
the whole way on the fake Telegram Bot API (a PDF by sendDocument)."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.app import Boucle
from bot.cli import main
from bot.clock import ManualClock, SystemClock
from handlers import bilan, report
from handlers.equivalents import Equivalents
from handlers.periods import parse_period
from handlers.texts import t
from storage import members
from storage.indicators import Figures, Flow, Loans, PairFlow, PostCounts, Purchases, Reach
from tests import bilan_scenario as scenario
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.network import Network
from tests.test_telegram_loop import settings_for

NNBSP = "\u202f"


@pytest.fixture
async def played(network: Network) -> Network:
    await scenario.play(network)
    return network


def pages_of(data: bytes) -> list[str]:
    """Each page's text, as a PDF reader extracts it."""
    assert data.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """The text on one line (a long title wraps)."""
    return " ".join(text.split())


def images_of(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


async def asked(network: Network, user: str, text: str = "/rapport") -> tuple[str, bytes, str]:
    """The caption, the PDF and its file name of what `user` got for `text`."""
    (caption,) = await network.say(user, text)
    sent = network.last_outgoing(user)
    assert sent.attachment is not None, caption
    assert sent.attachment.kind == "document" and sent.attachment.mime == "application/pdf"
    return caption, sent.attachment.data, sent.attachment.filename


# ------------------------------------------------------------------ the PDF, by hand

# November 2026 (tests/bilan_scenario.py): 30 kg (3 cartons, corrected from 4) + 5 kg (10
# repas) + 20 kg + 10 kg (10 L) = 65 kg; October 50 + 20 = 70 kg. Each key figure is the line
# `/bilan` writes (tests/test_bilan.py), in a table: label, November, October.
NETWORK_ROWS = [
    "Kilos échangés entre associations * 65 kg 70 kg",
    "dont conserves 30 kg 0 kg",
    "dont bébé 20 kg 0 kg",
    "dont produits laitiers 10 kg 0 kg",
    "dont autres 5 kg 70 kg",
    "Échanges entre associations 4 2",
    "Besoins publiés 3 1",
    "comblés 1 1",
    "comblés en partie 1 0",
    "Besoins urgents publiés 1 0",
    "Première réponse à un besoin (médiane) 45 min 2 h",
    "besoins urgents 1 h —",
    "Dons publiés 3 1",
    "pris avant leur date 2 1",
    "perdus (sans preneur) 1 0",
    "Prêts de matériel 1 0",
    "jours de prêt 3 0",
    "Renforts de bénévoles 1 0",
    "personnes 3 0",
    "Associations qui ont donné, reçu ou prêté 3 3",
]
NOTE = "* Kilos : 1 l = 1 kg ; 1 carton = 10 kg ; 1 repas = 0,5 kg (équivalents du réseau)."
# The links of November, most kilos first: A → B 3 cartons (30 kg), B → C 20 kg of infant
# milk, C → A 10 L of milk, C → B 10 repas (5 kg). Nothing of the withdrawn #7.
TOP = [
    "Banque Alimentaire de l'Aude Restos du Cœur Narbonne 1 30 kg   conserves",
    "Restos du Cœur Narbonne Épicerie solidaire de Limoux 1 20 kg   bébé",
    "Épicerie solidaire de Limoux Banque Alimentaire de l'Aude 1 10 kg   produits laitiers",
    "Épicerie solidaire de Limoux Restos du Cœur Narbonne 1 5 kg   plats préparés",
]


def lines_of(text: str) -> list[str]:
    return [" ".join(line.split()) if line.startswith(" ") else line for line in text.split("\n")]


async def test_an_administrator_gets_the_network_s_report(played: Network) -> None:
    caption, data, name = await asked(played, "ada")
    assert caption == (
        "📄 Rapport de novembre 2026 — le réseau : les chiffres clés, le graphique et les "
        "échanges principaux, à joindre à un dossier de financement."
    )
    assert name == "boucle-rapport-2026-11.pdf"
    first, second = pages_of(data)  # two pages
    lines = lines_of(first)
    assert lines[:2] == [
        "Rapport d'activité · coopération entre associations d'aide alimentaire",
        "Le réseau — novembre 2026",
    ]
    assert "novembre 2026 octobre 2026" in lines
    # Every key figure, in its order, next to October's.
    found = [line for line in lines if line in NETWORK_ROWS]
    assert found == [row for row in NETWORK_ROWS if row in found]
    assert set(NETWORK_ROWS) <= set(lines), sorted(set(NETWORK_ROWS) - set(lines))
    assert NOTE in lines  # the conversions, under the table of kilos
    top = lines.index("De À Échanges Kilos   Surtout")
    assert lines[top + 1 : top + 5] == TOP
    # The chart (the bilan's PNG) on the second page, with the definitions and the footer.
    assert images_of(data) == 1
    assert second.startswith("En un coup d'œil\nComment les chiffres sont comptés\n")
    footer = (
        "Généré par Boucle le 01/12/2026 à 09:00 · Définitions : README de Boucle, « Le bilan »"
    )
    assert first.endswith(f"{footer} · page 1/2") and second.endswith(f"{footer} · page 2/2")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None and reader.metadata.title == "Le réseau — novembre 2026"
    assert reader.metadata.creation_date == scenario.ASKED_AT  # the injected clock's


async def test_a_coordinator_gets_their_association_s_report(played: Network) -> None:
    caption, data, name = await asked(played, "alice", "/rapport novembre")
    assert f"— {scenario.A} :" in caption
    assert name == "boucle-rapport-banque-alimentaire-de-l-aude-2026-11.pdf"
    first, _ = pages_of(data)
    lines = lines_of(first)
    assert lines[1] == f"{scenario.A} — novembre 2026"
    # A gave #3 (3 cartons: 30 kg; October: 50 kg of apples), received #6 (10 L); borrowed
    # B's van (3 days) and received C's volunteers; its partners: B and C (October: B).
    for row in (
        "Kilos donnés * 30 kg 50 kg",
        "dont conserves 30 kg 0 kg",
        "nombre d'échanges 1 1",
        "Kilos reçus * 10 kg 0 kg",
        "Dons publiés 2 1",
        "perdus (sans preneur) 1 0",
        "Matériel emprunté 1 0",
        "jours de prêt 3 0",
        "Bénévoles reçus 1 0",
        "Associations partenaires 2 1",
        "* Kilos : 1 l = 1 kg ; 1 carton = 10 kg (équivalents du réseau).",
    ):
        assert row in lines, (row, lines)
    # Its own links only.
    top = lines.index("De À Échanges Kilos   Surtout")
    assert lines[top + 1 : top + 3] == [TOP[0], TOP[2]]
    assert "Restos du Cœur Narbonne Épicerie solidaire de Limoux" not in first


async def test_the_report_and_the_bilan_say_the_same(played: Network) -> None:
    """Not counted twice, nor differently: the PDF's figures are the bilan's."""
    (text,) = await played.say("ada", "/bilan")
    _, data, _ = await asked(played, "ada")
    assert "⚖️ Kilos échangés : 65 kg (mois précédent : 70)" in text
    assert "Kilos échangés entre associations * 65 kg 70 kg" in pages_of(data)[0]
    assert "🚚 Prêts de matériel : 1 (0) · jours : 3 (0)" in text
    assert "Prêts de matériel 1 0\n" in pages_of(data)[0]


async def test_a_member_is_sent_to_a_coordinator(played: Network) -> None:
    assert await played.say("marc", "/rapport") == [t("fr", "report_coordinators")]
    assert played.last_outgoing("marc").attachment is None
    assert await played.say("zora", "/rapport") == [t("fr", "not_member")]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/rapport demain", "Je n'ai pas compris la période « demain »"),
        ("/rapport 2026-13", "« 2026-13 » n'est pas une date ni un mois"),
        ("/rapport 2027-01", "après aujourd'hui"),
        ("/rapport 01/09/2026", "Il faut deux dates"),
    ],
)
async def test_a_bad_period_gets_a_precise_answer(
    played: Network, typed: str, expected: str
) -> None:
    (reply,) = await played.say("alice", typed)
    assert expected in reply and "/rapport" in reply
    assert played.last_outgoing("alice").attachment is None


async def test_other_periods_and_bare_words(played: Network) -> None:
    _, data, name = await asked(played, "ada", "/rapport 2026-10")
    assert name == "boucle-rapport-2026-10.pdf"
    assert "Le réseau — octobre 2026" in pages_of(data)[0]
    assert "Kilos échangés entre associations 70 kg 0 kg" in pages_of(data)[0]  # no conversion
    _, data, name = await asked(played, "alice", "rapport 01/10/2026-30/11/2026")
    assert name == "boucle-rapport-banque-alimentaire-de-l-aude-2026-10-01_2026-11-30.pdf"
    assert "du 01/10/2026 au 30/11/2026" in flat(pages_of(data)[0])
    assert report.is_report_args("novembre") and not report.is_report_args("de la distribution")


async def test_an_empty_month_still_makes_a_report(played: Network) -> None:
    _, data, _ = await asked(played, "ada", "/rapport septembre")
    first = pages_of(data)[0]
    assert "Kilos échangés entre associations 0 kg 0 kg" in first
    assert "Aucun échange entre associations sur la période." in first
    assert len(pages_of(data)) <= 2 and images_of(data) == 1


async def test_help_names_the_report_for_coordinators_only(played: Network) -> None:
    assert "/aide chiffres (/bilan, /export, /rapport)" in "\n".join(
        await played.say("alice", "/aide")
    )
    (figures,) = await played.say("alice", "/aide rapport")  # the section of the figures
    assert t("fr", "help_rapport") in figures and "/rapport novembre" in figures
    assert not any("/rapport" in reply for reply in await played.say("marc", "/aide"))


def test_links_are_ranked_by_kilos_then_exchanges() -> None:
    def flow(giver: str, receiver: str, unit: str, n: int, quantity: float) -> PairFlow:
        ids = {"A": 1, "B": 2, "C": 3}
        return PairFlow(ids[giver], giver, ids[receiver], receiver, "fruits_legumes", unit, n,
                        quantity, 0)  # fmt: skip

    pairs = report.strongest_pairs(
        [
            flow("A", "B", "kg", 2, 40.0),
            flow("A", "B", "carton", 1, 2.0),  # 20 kg more: A → B 60 kg in 3 exchanges
            flow("B", "C", "kg", 5, 60.0),  # as many kilos, more exchanges: first
            flow("C", "A", "unite", 4, 30.0),  # no kilos: last, its items apart
        ],
        Equivalents(),
    )
    assert [(p.giver, p.receiver, p.transfers, p.kilos, p.counted) for p in pairs] == [
        ("B", "C", 5, 60.0, 0.0),
        ("A", "B", 3, 60.0, 0.0),
        ("C", "A", 4, 0.0, 30.0),
    ]


async def _bilan_of_november(network: Network) -> report.Report:
    async with network.db.transaction() as conn:
        return await report.gather(
            conn,
            parse_period("novembre", date(2026, 12, 1)),
            scenario.PARIS,
            None,
            Equivalents(),
            scenario.ASKED_AT,
        )


async def test_rendering_time_and_size(played: Network) -> None:
    gathered = await _bilan_of_november(played)
    report.render(gathered, "fr", Equivalents())  # fonts and matplotlib loaded: once
    started = time.perf_counter()
    data = report.render(gathered, "fr", Equivalents())
    elapsed = time.perf_counter() - started
    # About 0.45 s here (docs/benchmarks.md); the bound leaves room for a busy machine.
    assert elapsed < 3.0, elapsed
    assert 20_000 < len(data) < 1_000_000  # far under a document's 16 MB


def test_a_full_report_holds_on_two_pages() -> None:
    """Every line an association's report may have (categories, items and people, exchanges
    without a quantity, urgent needs, loans both ways, purchases), ten links of long names and
    more: still two pages, the chart among them."""
    period = parse_period("novembre", date(2026, 12, 1))
    bounds = tuple(period.bin_bounds(scenario.PARIS))
    flows = tuple(
        Flow(0, side, category, unit, 3, 40.0, 1)
        for side in ("given", "received")
        for category in ("fruits_legumes", "epicerie_seche", "bebe", "conserves", "surgeles")
        for unit in ("kg", "carton", "unite", "personne")
    )
    posts = tuple(
        PostCounts(0, kind, urgent, 12, 5, 3, 2)
        for kind in ("need", "offer")
        for urgent in (False, True)
    )  # fmt: skip
    loans = tuple(
        Loans(side, family, 4, 3, 6.5, 9.0)
        for side in ("given", "received")
        for family in ("equipment", "volunteers")
    )  # fmt: skip
    minutes = timedelta(minutes=95)
    figures = Figures(
        7, bounds, flows, posts, loans, Reach(4, 5, 8), minutes, minutes, Purchases(3, 123_460)
    )
    before = Figures(7, bounds[:1] + bounds[-1:], flows, posts, loans, Reach(1, 1, 2), None, None)
    name = "Association d'entraide alimentaire du canton de Saint-Laurent-de-la-Salanque"
    links = tuple(
        report.Pair(f"{name} {i}", f"Épicerie sociale et solidaire {i}", 12, 1234.5, 3, "bebe")
        for i in range(report.TOP_PAIRS)
    )
    full = report.Report(bilan.Bilan(period, figures, before, name), links, 250, scenario.ASKED_AT)
    data = report.render(full, "fr", Equivalents())
    pages = pages_of(data)
    assert len(pages) == 2 and images_of(data) == 1
    text = flat("\n".join(pages))
    for part in (
        "hors kg : personnes",
        "échanges sans quantité",
        "Besoins urgents publiés",
        "Matériel emprunté",
        "Bénévoles reçus",
        "Achats groupés aboutis (avec l'association) 3 0",
        f"sa part 1{NNBSP}235 € 0 €",
        "… et 250 autre(s) lien(s) entre associations.",
        "Comment les chiffres sont comptés",
        "commencés dans la période.",
    ):
        assert flat(part) in text, part


def test_the_bot_starts_without_the_pdf_library(tmp_path: Path) -> None:
    """fpdf2 is imported when a report is written, not with the bot nor the CLI."""
    probe = (
        "import sys\n"
        "import bot.app, bot.cli, handlers.commands, handlers.report\n"
        "print('fpdf' in sys.modules, 'matplotlib' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOUCLE_", "TELEGRAM_"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False False"


# ------------------------------------------------------------------ boucle rapport


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """In an empty folder (no `.env`), on the database of the `network` fixture, on the
    scenario's day (the command reads the system's clock)."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("BOUCLE_EQUIVALENTS", raising=False)
    monkeypatch.setenv("BOUCLE_DB_PATH", str(tmp_path / "boucle.db"))
    monkeypatch.setattr(SystemClock, "now", lambda self: scenario.ASKED_AT)
    return tmp_path


def written_files(folder: Path, suffixes: tuple[str, ...]) -> list[str]:
    return [path.name for path in folder.iterdir() if path.suffix in suffixes]


async def run(*args: str) -> int:
    """`boucle rapport ARGS` (its own event loop, in a thread: the test's is running)."""
    return await asyncio.to_thread(main, ["rapport", *args])


async def test_the_command_writes_the_month_s_pdf(
    played: Network, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run("--mois", "2026-11") == 0
    written = isolated / "boucle-rapport-2026-11.pdf"
    first, _ = pages_of(written.read_bytes())
    assert (
        "Le réseau — novembre 2026" in first
        and "Kilos échangés entre associations * 65 kg" in first
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Rapport : Le réseau — novembre 2026."
    assert out[1].startswith(f"Fichier écrit : {written}")
    assert not written_files(isolated, (".part",))
    # The chat's PDF is the same, byte for byte (same figures, same clock).
    _, data, _ = await asked(played, "ada")
    assert data == written.read_bytes()


async def test_an_association_s_report_loosely_named_to_a_chosen_file(
    played: Network, isolated: Path
) -> None:
    target = isolated / "out" / "banque.pdf"
    target.parent.mkdir()
    args = ("--mois", "novembre", "--association", "banque alimentaire de l'aude")
    assert await run(*args, "--output", str(target)) == 0
    assert f"{scenario.A} — novembre 2026" in flat(pages_of(target.read_bytes())[0])
    # An existing file is kept unless --force.
    before = target.read_bytes()
    assert await run("--mois", "2026-10", "--output", str(target)) == 2
    assert target.read_bytes() == before
    assert await run("--mois", "2026-10", "--output", str(target), "--force") == 0
    assert "Le réseau — octobre 2026" in pages_of(target.read_bytes())[0]


async def test_last_month_by_default(played: Network, isolated: Path) -> None:
    assert await run() == 0
    assert (isolated / "boucle-rapport-2026-11.pdf").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mois", "2026-13"], "Mois illisible : « 2026-13 »"),
        (["--mois", "decembre 2027"], "il commence après aujourd'hui"),
        (["--mois", "la semaine des quatre jeudis"], "--mois 2026-11"),
        (["--association", "Restos du Coeur"], f"Vouliez-vous dire : {scenario.B} ?"),
        (["--association", "Secours populaire"], "Association inconnue : « Secours populaire »."),
    ],
)
async def test_errors_are_clear_and_write_nothing(
    played: Network,
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    assert await run(*args) == 2
    assert message in capsys.readouterr().err
    assert not written_files(isolated, (".pdf", ".part"))


# ------------------------------------------------------------------ on Telegram

ADA = 111


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        fake.user(ADA, "Ada", "ada_reseau")
        yield fake


async def test_the_report_arrives_as_a_pdf_document_on_telegram(
    played: Network, api: FakeTelegramAPI, tmp_path: Path
) -> None:
    """The scenario's database, then a network administrator joins on Telegram and asks."""
    async with played.db.transaction() as conn:
        found = await members.association_by_name(conn, scenario.A)
        assert found is not None
        code = await members.create_invite(conn, found.id, "admin", scenario.ASKED_AT)
    app = await Boucle.create(
        settings_for(api, tmp_path / "boucle.db"), ManualClock(scenario.ASKED_AT)
    )
    await app.start()
    try:
        api.send_text(ADA, f"/start {code}")
        await api.wait_for_messages(ADA, 1)
        api.send_text(ADA, "/rapport novembre")
        await api.wait_for(
            lambda: any(m.method == "sendDocument" for m in api.messages_to(ADA)),
            what="the report",
        )
        (sent,) = [m for m in api.messages_to(ADA) if m.method == "sendDocument"]
    finally:
        await app.stop()
    assert sent.plain_text.startswith("📄 Rapport de novembre 2026 — le réseau")
    assert sent.upload is not None and sent.upload.content_type == "application/pdf"
    assert sent.upload.filename == "boucle-rapport-2026-11.pdf"
    first, _ = pages_of(sent.upload.content)
    assert "Kilos échangés entre associations * 65 kg 70 kg" in first
