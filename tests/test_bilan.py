"""`/bilan` (issue 13): the chat text on the fixed scenario (tests/bilan_scenario.py, figures by
hand), who gets which figures, the periods as volunteers write them, French numbers, the chart
(a PNG of the expected size, not blank), and the whole way on the fake Telegram Bot API."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.app import Boucle
from bot.clock import ManualClock
from handlers import bilan, charts
from handlers.bilan import duration, figure, period_label
from handlers.equivalents import Equivalents
from handlers.periods import Period, PeriodError, parse_period
from handlers.texts import t
from storage import members
from storage.indicators import Figures, Flow, Reach
from tests import bilan_scenario as scenario
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.network import Network
from tests.test_telegram_loop import settings_for

TODAY = date(2026, 12, 1)  # a Tuesday
PARIS = ZoneInfo("Europe/Paris")
NNBSP = "\u202f"


@pytest.fixture
async def played(network: Network) -> Network:
    await scenario.play(network)
    return network


# ------------------------------------------------------------------ the text, by hand

NETWORK_TEXT = """📊 Bilan du réseau — novembre 2026
(entre parenthèses : mois précédent, octobre 2026)

⚖️ Kilos échangés : 65 kg (mois précédent : 70)
   conserves 30 kg (0) · bébé 20 kg (0) · produits laitiers 10 kg (0) · autres 5 kg (70)
   ℹ️ Converti : 1 l = 1 kg ; 1 carton = 10 kg ; 1 repas = 0,5 kg
🔄 Échanges entre associations : 4 (2)
🙋 Besoins publiés : 3 (1) · comblés : 1 (1) · en partie : 1 (0)
🚨 Besoins urgents : 1 (0) · comblés : 1 (0) · en partie : 0 (0)
⏱️ Première réponse à un besoin, en médiane : 45 min (2 h) ; urgents : 1 h (—)
🎁 Dons publiés : 3 (1) · pris avant leur date : 2 (1) · perdus : 1 (0)
🚚 Prêts de matériel : 1 (0) · jours : 3 (0)
🙌 Renforts de bénévoles : 1 (0) · personnes : 3 (0)
🤝 Associations qui ont donné ou reçu : 3 (3)"""

ASSOCIATION_TEXT = """📊 Bilan de Banque Alimentaire de l'Aude — novembre 2026
(entre parenthèses : mois précédent, octobre 2026)

📤 Donné : 30 kg (mois précédent : 50) · échanges : 1 (1)
   conserves 30 kg (0)
   ℹ️ Converti : 1 carton = 10 kg
📥 Reçu : 10 kg (0) · échanges : 1 (0)
   produits laitiers 10 kg (0)
   ℹ️ Converti : 1 l = 1 kg
🙋 Besoins publiés : 0 (0) · comblés : 0 (0) · en partie : 0 (0)
🎁 Dons publiés : 2 (1) · pris avant leur date : 1 (1) · perdus : 1 (0)
🚚 Matériel prêté : 0 (0) · jours : 0 (0) · emprunté : 1 (0)
🙌 Bénévoles envoyés : 0 (0) · reçus : 1 (0)
🤝 Associations partenaires : 2 (1)"""


async def test_an_administrator_gets_the_network_s_bilan_with_its_chart(played: Network) -> None:
    # November: 30 kg (3 cartons, corrected) + 5 kg (10 repas) + 20 kg + 10 kg (10 L) = 65 kg;
    # October: 50 + 20 = 70 kg. Every other figure: tests/test_indicators.py, by hand.
    (reply,) = await played.say("ada", "/bilan")
    assert reply.startswith(NETWORK_TEXT)
    sent = played.last_outgoing("ada")
    assert sent.text == NETWORK_TEXT and len(sent.text) < 1024  # a photo's caption
    assert sent.attachment is not None and sent.attachment.kind == "photo"
    assert sent.attachment.filename == "bilan-reseau-2026-11-01-2026-11-30.png"
    assert_chart(sent.attachment.data)


async def test_a_coordinator_gets_their_association_s_bilan(played: Network) -> None:
    (reply,) = await played.say("alice", "/bilan mois")
    assert reply.startswith(ASSOCIATION_TEXT)
    sent = played.last_outgoing("alice")
    assert sent.attachment is not None and sent.attachment.mime == "image/png"
    assert_chart(sent.attachment.data)


async def test_a_member_is_sent_to_a_coordinator(played: Network) -> None:
    (reply,) = await played.say("marc", "/bilan")
    assert reply == t("fr", "bilan_coordinators")
    assert "coordinateur" in reply and "/membres" in reply
    assert played.last_outgoing("marc").attachment is None


async def test_a_stranger_is_told_how_to_join(played: Network) -> None:
    (reply,) = await played.say("zora", "/bilan")
    assert reply == t("fr", "not_member")


async def test_the_bilan_in_english(played: Network) -> None:
    await played.say("ada", "/langue en")
    (reply,) = await played.say("ada", "/bilan month")
    assert reply.startswith("📊 The network's bilan — November 2026\n(in brackets: previous month")
    assert "⚖️ Kilos exchanged: 65 kg (previous month: 70)" in reply
    assert "ℹ️ Converted: 1 l = 1 kg ; 1 carton = 10 kg ; 1 repas = 0,5 kg" in reply


async def test_a_period_without_anything_says_how_exchanges_count(played: Network) -> None:
    (reply,) = await played.say("ada", "/bilan 2025")
    assert reply.startswith(
        "📊 Bilan du réseau — 2025\n(entre parenthèses : année précédente, 2024)"
    )
    assert "Kilos échangés : 0 kg (année précédente : 0)" in reply
    assert reply.endswith(t("fr", "bilan_empty"))
    sent = played.last_outgoing("ada")
    assert sent.attachment is not None
    assert_chart(sent.attachment.data, bars=False)


async def test_the_current_week_and_a_range_of_dates(played: Network) -> None:
    (week,) = await played.say("alice", "/bilan cette semaine")
    assert "semaine du 30/11/2026 au 01/12/2026" in week
    assert "(entre parenthèses : semaine précédente, semaine du 23/11/2026 au 24/11/2026)" in week
    (dates,) = await played.say("ada", "/bilan 01/10/2026-30/11/2026")
    assert dates.startswith("📊 Bilan du réseau — du 01/10/2026 au 30/11/2026")
    assert "(entre parenthèses : période précédente, du 01/08/2026 au 30/09/2026)" in dates
    assert "Kilos échangés : 135 kg (période précédente : 0)" in dates  # 70 + 65


def test_what_has_no_kilos_is_counted_apart_in_the_text() -> None:
    period = parse_period("", TODAY)
    start, end = period.bounds(PARIS)
    flows = (
        Flow(0, "given", "boulangerie", "unite", 2, 40.0, 0),
        Flow(0, "given", "boulangerie", None, 1, 0.0, 1),
        Flow(1, "given", "fruits_legumes", "kg", 1, 1240.0, 0),
    )
    current = Figures(None, (start, end), flows, (), (), Reach(2, 2, 3), None, None)
    previous = Figures(None, (start, end), (), (), (), Reach(), None, None)
    text = bilan.bilan_text(bilan.Bilan(period, current, previous, None), "fr", Equivalents())
    assert f"⚖️ Kilos échangés : 1{NNBSP}240 kg (mois précédent : 0)" in text
    assert "   fruits et légumes 1\u202f240 kg (0)\n" in text
    assert "   hors kg : unités 40 (0)\n" in text
    assert "   échanges sans quantité (hors kg) : 1\n" in text
    assert "🔄 Échanges entre associations : 4 (0)" in text
    assert "Converti" not in text  # nothing converted, no note


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/bilan demain", "Je n'ai pas compris la période « demain ». Écrivez /bilan"),
        ("/bilan 31/02/2026-01/03/2026", "« 31/02/2026 » n'est pas une date"),
        ("/bilan 01/12/2026-01/11/2026", "/bilan 01/11/2026-01/12/2026"),
        ("/bilan 01/09/2026", "Il faut deux dates"),
        ("/bilan 01/01/2027-31/01/2027", "après aujourd'hui"),
        ("/bilan 01/01/2020-01/12/2026", "3 ans au plus"),
    ],
)
async def test_a_bad_period_gets_a_precise_answer_with_an_example(
    played: Network, typed: str, expected: str
) -> None:
    (reply,) = await played.say("alice", typed)
    assert expected in reply and "/bilan" in reply
    assert played.last_outgoing("alice").attachment is None


async def test_bare_words_on_whatsapp(played: Network) -> None:
    (reply,) = await played.say("alice", "bilan semaine")
    assert reply.startswith("📊 Bilan de Banque Alimentaire de l'Aude — semaine du 23/11/2026")
    assert bilan.is_bilan_args("mois") and bilan.is_bilan_args("01/09/2026-30/11/2026")
    assert not bilan.is_bilan_args("de la distribution de samedi")


async def test_help_names_the_bilan_for_coordinators_only(played: Network) -> None:
    assert any("/bilan" in reply for reply in await played.say("alice", "/aide"))
    assert not any("/bilan" in reply for reply in await played.say("marc", "/aide"))


# ------------------------------------------------------------------ periods

d = date  # the table below on one line per period
PERIODS = [
    ("", "month", d(2026, 11, 1), d(2026, 11, 30), d(2026, 10, 1), d(2026, 10, 31)),
    ("mois", "month", d(2026, 11, 1), d(2026, 11, 30), d(2026, 10, 1), d(2026, 10, 31)),
    ("le mois dernier", "month", d(2026, 11, 1), d(2026, 11, 30), None, None),
    ("Month", "month", d(2026, 11, 1), d(2026, 11, 30), None, None),
    ("semaine", "week", d(2026, 11, 23), d(2026, 11, 29), d(2026, 11, 16), None),
    ("last week", "week", d(2026, 11, 23), d(2026, 11, 29), None, None),
    ("année", "year", d(2025, 1, 1), d(2025, 12, 31), d(2024, 1, 1), d(2024, 12, 31)),
    ("annee", "year", d(2025, 1, 1), d(2025, 12, 31), None, None),
    ("year", "year", d(2025, 1, 1), d(2025, 12, 31), None, None),
    ("ce mois", "month", d(2026, 12, 1), d(2026, 12, 1), d(2026, 11, 1), d(2026, 11, 1)),
    ("cette semaine", "week", d(2026, 11, 30), d(2026, 12, 1), d(2026, 11, 23), None),
    ("this year", "year", d(2026, 1, 1), d(2026, 12, 1), d(2025, 1, 1), d(2025, 12, 1)),
    ("l'année en cours", "year", d(2026, 1, 1), d(2026, 12, 1), None, None),
    ("novembre", "month", d(2026, 11, 1), d(2026, 11, 30), None, None),
    ("février", "month", d(2026, 2, 1), d(2026, 2, 28), d(2026, 1, 1), d(2026, 1, 31)),
    ("décembre", "month", d(2026, 12, 1), d(2026, 12, 1), None, None),
    ("mars 2025", "month", d(2025, 3, 1), d(2025, 3, 31), d(2025, 2, 1), d(2025, 2, 28)),
    ("2025", "year", d(2025, 1, 1), d(2025, 12, 31), None, None),
    ("01/09/2026-30/11/2026", "range", d(2026, 9, 1), d(2026, 11, 30), d(2026, 6, 2), None),
    ("du 1/9/2026 au 30/11/2026", "range", d(2026, 9, 1), d(2026, 11, 30), None, None),
    ("01.09.2026 – 30.11.2026", "range", d(2026, 9, 1), d(2026, 11, 30), None, None),
    ("15/11/2026-15/11/2026", "range", d(2026, 11, 15), d(2026, 11, 15), None, None),
    # Issue 13, part 4: a month by its number (/rapport 2026-11, boucle rapport --mois) and
    # /export's dates (ISO, or two dates with a space between).
    ("2026-11", "month", d(2026, 11, 1), d(2026, 11, 30), d(2026, 10, 1), d(2026, 10, 31)),
    ("11/2026", "month", d(2026, 11, 1), d(2026, 11, 30), None, None),
    ("2026-12", "month", d(2026, 12, 1), d(2026, 12, 1), d(2026, 11, 1), d(2026, 11, 1)),
    ("2025-02", "month", d(2025, 2, 1), d(2025, 2, 28), d(2025, 1, 1), None),
    ("2026-09-01-2026-11-30", "range", d(2026, 9, 1), d(2026, 11, 30), None, None),
    ("du 2026-09-01 au 2026-11-30", "range", d(2026, 9, 1), d(2026, 11, 30), None, None),
    ("2026-09-01 2026-11-30", "range", d(2026, 9, 1), d(2026, 11, 30), None, None),
    ("01/09/2026 30/11/2026", "range", d(2026, 9, 1), d(2026, 11, 30), None, None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "first", "last", "before", "before_last"), PERIODS)
def test_each_way_to_write_a_period(
    text: str,
    kind: str,
    first: date,
    last: date,
    before: date | None,
    before_last: date | None,
) -> None:
    period = parse_period(text, TODAY)
    assert (period.kind, period.first, period.last) == (kind, first, last)
    previous = period.previous()
    if before is not None:
        assert previous.first == before
    if before_last is not None:
        assert previous.last == before_last
    # The previous period ends the day before this one starts, and is as long (a range),
    # or is the previous week, month or year (the same days of it, for a current one).
    assert previous.last < period.first
    if kind in ("range", "week"):
        assert previous.days == period.days


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("demain", "unknown"),
        ("12", "unknown"),
        ("mois de la distribution", "unknown"),
        ("novembre deux", "unknown"),
        ("ce novembre", "unknown"),
        ("01/09/2026", "one_date"),
        ("01/09/2026 et 30/11/2026", "one_date"),
        ("31/02/2026-01/03/2026", "bad_date"),
        ("01/13/2026-01/03/2027", "bad_date"),
        ("30/11/2026-01/09/2026", "reversed"),
        ("02/12/2026-31/12/2026", "future"),
        ("2027", "future"),
        ("01/01/2020-31/12/2026", "too_long"),
        ("2026-13", "bad_date"),
        ("0/2026", "bad_date"),
        ("2027-01", "future"),
        ("2026-02-30-2026-03-01", "bad_date"),
        ("01/01/1999-31/12/1999", "bad_date"),
    ],
)
def test_a_period_that_cannot_be_read_says_why(text: str, reason: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(text, TODAY)
    assert raised.value.reason == reason


def test_every_reason_has_its_sentence_in_both_languages() -> None:
    for reason in ("unknown", "one_date", "bad_date", "reversed", "future", "too_long"):
        for lang in ("fr", "en"):
            assert "/bilan" in t(
                lang, f"bilan_period_{reason}", text="x", first="a", last="b", days=9
            )


def test_bounds_are_local_midnights_across_the_change_of_hour() -> None:
    october = Period("month", date(2026, 10, 1), date(2026, 10, 31))  # summer time ends 25/10
    start, end = october.bounds(PARIS)
    assert start == datetime(2026, 9, 30, 22, tzinfo=ZoneInfo("UTC"))
    assert end == datetime(2026, 10, 31, 23, tzinfo=ZoneInfo("UTC"))
    bounds = october.bin_bounds(PARIS)
    assert bounds[0] == start and bounds[-1] == end and len(bounds) == 6
    assert bounds[4] == datetime(2026, 10, 28, 23, tzinfo=ZoneInfo("UTC"))  # 29/10 00:00 CET


def test_bins_are_days_weeks_or_months() -> None:
    week = parse_period("semaine", TODAY)
    assert week.step == "day" and len(week.bins()) == 7
    month = parse_period("mois", TODAY)
    assert month.step == "week"
    assert month.bins()[0] == (date(2026, 11, 1), date(2026, 11, 7))
    assert month.bins()[-1] == (date(2026, 11, 29), date(2026, 11, 30))
    year = parse_period("année", TODAY)
    assert year.step == "month" and len(year.bins()) == 12
    assert year.bins()[1] == (date(2025, 2, 1), date(2025, 2, 28))
    assert [bilan.bin_label(first, month, "fr") for first, _ in month.bins()] == [
        "1/11",
        "8/11",
        "15/11",
        "22/11",
        "29/11",
    ]
    assert bilan.bin_label(date(2025, 2, 1), year, "fr") == "févr."
    assert bilan.bin_label(date(2026, 11, 23), week, "fr") == "lun. 23"


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (1240, f"1{NNBSP}240", "1,240"),
        (1240.4, f"1{NNBSP}240", "1,240"),
        (1234567.0, f"1{NNBSP}234{NNBSP}567", "1,234,567"),
        (2.5, "2,5", "2.5"),
        (0.25, "0,2", "0.2"),
        (65.0, "65", "65"),
        (0, "0", "0"),
        (99.96, "100", "100"),
    ],
)
def test_numbers_are_written_the_french_way(value: float, fr: str, en: str) -> None:
    assert figure(value, "fr") == fr
    assert figure(value, "en") == en


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=3, minutes=20), "3 h 20"),
        (timedelta(hours=3, minutes=5), "3 h 05"),
        (timedelta(days=2, hours=12), "2,5 jours"),
        (None, "—"),
    ],
)
def test_median_times_read_shortly(value: timedelta | None, text: str) -> None:
    assert duration(value, "fr") == text


def test_period_labels() -> None:
    assert period_label(parse_period("", TODAY), "fr") == "novembre 2026"
    assert period_label(parse_period("", TODAY), "en") == "November 2026"
    assert (
        period_label(parse_period("ce mois", TODAY), "fr") == "décembre 2026, jusqu'au 01/12/2026"
    )
    assert period_label(parse_period("année", TODAY), "fr") == "2025"


# ------------------------------------------------------------------ the chart


def assert_chart(png: bytes, bars: bool = True) -> None:
    """A PNG of 1080 x 1350 pixels that is not one colour (with bars: some of them blue)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (charts.WIDTH_PX, charts.HEIGHT_PX) == (1080, 1350)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 10
    # Mostly white paper, with bars of the palette's colours on it.
    counts = {colour: count for count, colour in colours}
    assert counts.get((255, 255, 255), 0) > 0.3 * 1080 * 1350
    if bars:
        assert counts.get((0, 114, 178), 0) > 1000  # the first category's blue (#0072B2)


def sample_data(bins: int, title: str = "Le réseau — novembre 2026") -> charts.ChartData:
    return charts.ChartData(
        title=title,
        kilos_title="Kilos échangés par semaine",
        needs_title="Besoins publiés et comblés",
        labels=tuple(f"{1 + 7 * i}/11" for i in range(bins)),
        kilos=(
            ("fruits et légumes", tuple(100.0 + 10 * i for i in range(bins))),
            ("épicerie sèche", tuple(50.0 for _ in range(bins))),
            ("autres", tuple(20.0 for _ in range(bins))),
        ),
        needs_posted=tuple(10 for _ in range(bins)),
        needs_filled=tuple(6 for _ in range(bins)),
        needs_partly=tuple(2 for _ in range(bins)),
        posted_label="publiés",
        filled_label="comblés",
        partly_label="en partie",
        kilos_axis="kg",
        needs_axis="besoins",
        empty_label="Aucun échange sur la période",
        note="Converti : 1 carton = 10 kg",
    )


def test_the_chart_is_a_phone_sized_png_drawn_in_under_a_second() -> None:
    charts.render_bilan_chart(sample_data(5))  # matplotlib imported, fonts loaded: once
    started = time.perf_counter()
    png = charts.render_bilan_chart(sample_data(5))
    elapsed = time.perf_counter() - started
    assert_chart(png)
    # About 0.2 s here (docs/benchmarks.md); the bound leaves room for a busy machine.
    assert elapsed < 2.0, elapsed


@pytest.mark.parametrize("bins", [1, 12, 53])
def test_any_number_of_bins_and_a_long_name(bins: int) -> None:
    title = "Association d'entraide alimentaire du canton de Saint-Laurent-de-la-Salanque — 2025"
    assert_chart(charts.render_bilan_chart(sample_data(bins, title)))


def test_an_empty_period_still_draws() -> None:
    empty = sample_data(5)
    blank = charts.ChartData(
        **{**empty.__dict__, "kilos": (), "needs_filled": (0,) * 5, "needs_partly": (0,) * 5}
    )
    png = charts.render_bilan_chart(blank)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1080, 1350)
        assert len(image.convert("RGB").getcolors(maxcolors=1_000_000) or ()) > 10


def test_the_bot_starts_without_the_plotting_library(tmp_path: Path) -> None:
    """matplotlib is imported when a chart is drawn, not with the bot nor the CLI."""
    probe = (
        "import sys\n"
        "import bot.app, bot.cli, handlers.commands, handlers.bilan, handlers.charts\n"
        "print('matplotlib' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOUCLE_", "TELEGRAM_"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


# ------------------------------------------------------------------ on Telegram

ADA = 111


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        fake.user(ADA, "Ada", "ada_reseau")
        yield fake


async def test_bilan_sends_its_text_and_chart_on_telegram(
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
        api.send_text(ADA, "/bilan")
        await api.wait_for(
            lambda: any(m.method == "sendPhoto" for m in api.messages_to(ADA)),
            what="the bilan's photo",
        )
        (sent,) = [m for m in api.messages_to(ADA) if m.method == "sendPhoto"]
    finally:
        await app.stop()
    # The text is the photo's caption (under Telegram's 1,024 characters).
    assert sent.plain_text.startswith("📊 Bilan du réseau — novembre 2026")
    assert "⚖️ Kilos échangés : 65 kg (mois précédent : 70)" in sent.plain_text
    assert sent.upload is not None and sent.upload.content_type == "image/png"
    assert sent.upload.filename == "bilan-reseau-2026-11-01-2026-11-30.png"
    assert_chart(sent.upload.content)
