"""Group purchases as coordinators write them (issue 14): prices, minimums, deadlines (DST
included), quantities and whole lines, read by the pure rules of handlers/purchase_words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.purchase_words import (
    Invalid,
    category_of,
    csv_amount,
    euros,
    packs_text,
    packs_word,
    parse_deadline,
    parse_minimum,
    parse_price,
    parse_quantity,
    product_and_pack,
    read_line,
)
from tests.conftest import PARIS, START

NOW = START  # Tuesday 1 December 2026, 09:00 in Paris


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("18,50 €", 1850),
        ("18,5€", 1850),
        ("18.50 euros", 1850),
        ("18 €", 1800),
        ("18€50", 1850),
        ("prix 9,90", 990),
        ("1 234,50 €", 123450),
        ("0,89 €", 89),
    ],
)
def test_prices_in_euros_with_a_decimal_comma(text: str, cents: int) -> None:
    assert parse_price(text) == cents


@pytest.mark.parametrize("text", ["gratuit", "0 €", "€", "beaucoup"])
def test_a_price_that_is_none_is_refused(text: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_price(text)
    assert refused.value.key == "purchase_price_invalid"


@pytest.mark.parametrize(
    ("text", "minimum"),
    [
        ("minimum 40 sacs", ("packs", 40)),
        ("40", ("packs", 40)),
        ("au moins 30 paquets", ("packs", 30)),
        ("min 800 €", ("euros", 80000)),
        ("seuil 1 500 euros", ("euros", 150000)),
    ],
)
def test_minimums_in_packs_or_in_euros(text: str, minimum: tuple[str, int]) -> None:
    assert parse_minimum(text) == minimum


def test_a_minimum_in_kilos_gets_its_own_answer() -> None:
    with pytest.raises(Invalid) as refused:
        parse_minimum("minimum 2 tonnes")
    assert refused.value.key == "purchase_minimum_unit"
    with pytest.raises(Invalid) as unread:
        parse_minimum("minimum beaucoup")
    assert unread.value.key == "purchase_minimum_invalid"


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("avant le 15/12", datetime(2026, 12, 15, 18, 0)),  # a day alone: 18:00
        ("15/12 à 12h30", datetime(2026, 12, 15, 12, 30)),
        ("jusqu'au 15 décembre midi", datetime(2026, 12, 15, 12, 0)),
        ("vendredi 10h", datetime(2026, 12, 4, 10, 0)),
        ("demain", datetime(2026, 12, 2, 18, 0)),
        ("dans 10 jours", datetime(2026, 12, 11, 18, 0)),
        ("8h", datetime(2026, 12, 2, 8, 0)),  # an hour already past today: tomorrow's
        ("16h", datetime(2026, 12, 1, 16, 0)),
        ("le 3/01", datetime(2027, 1, 3, 18, 0)),
    ],
)
def test_deadlines_in_the_network_s_time_zone(text: str, local: datetime) -> None:
    deadline = parse_deadline(text, NOW, PARIS)
    assert deadline.closes_at == local.replace(tzinfo=PARIS).astimezone(UTC)
    assert not deadline.shifted


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("hier", "purchase_deadline_invalid"),
        ("31/02", "purchase_deadline_invalid"),
        ("bientôt", "purchase_deadline_invalid"),
        ("le 1/12 à 8h", "purchase_deadline_past"),
        ("12/12/2028", "purchase_deadline_far"),
    ],
)
def test_deadlines_that_cannot_be(text: str, key: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_deadline(text, NOW, PARIS)
    assert refused.value.key == key


def test_the_reminder_is_the_same_local_time_the_day_before() -> None:
    deadline = parse_deadline("15/12 18h", NOW, PARIS)
    assert deadline.remind_at == datetime(2026, 12, 14, 17, 0, tzinfo=UTC)


def test_march_a_deadline_in_the_skipped_hour_is_after_the_jump() -> None:
    """Sunday 28 March 2027, the last of the month: clocks go from 02:00 to 03:00."""
    march = datetime(2027, 3, 20, 9, 0, tzinfo=PARIS)
    deadline = parse_deadline("28/03 2h30", march, PARIS)
    # 02:30 does not exist: it is read with the winter offset, i.e. 03:30 summer time.
    assert deadline.closes_at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert deadline.closes_at.astimezone(PARIS).strftime("%H:%M") == "03:30"
    assert deadline.shifted and deadline.typed == "2h30"
    # The day before at 02:30 (winter time) exists: exactly 24 hours before.
    assert deadline.remind_at == datetime(2027, 3, 27, 1, 30, tzinfo=UTC)
    # A morning deadline that day: reminded the day before at the same time on the clock,
    # 23 hours before.
    morning = parse_deadline("28/03 10h", march, PARIS)
    assert morning.closes_at == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)
    assert morning.remind_at == datetime(2027, 3, 27, 9, 0, tzinfo=UTC)
    assert not morning.shifted


@pytest.mark.parametrize(("text", "packs"), [("5", 5), ("5 sacs", 5), ("0", 0), ("12 x sac", 12)])
def test_quantities_are_whole_packs(text: str, packs: int) -> None:
    assert parse_quantity(text) == packs


@pytest.mark.parametrize("text", ["2,5", "-3", "beaucoup", "5 kg de riz"])
def test_quantities_that_are_not(text: str) -> None:
    with pytest.raises(Invalid):
        parse_quantity(text)


def test_the_line_of_the_issue() -> None:
    line = "riz, sac de 25 kg, 18,50 €, Metro Carcassonne, minimum 40 sacs, avant le 15/12"
    reading = read_line(line, NOW, PARIS)
    fields = reading.fields
    assert reading.errors == ()
    assert (fields.product, fields.pack, fields.price_cents, fields.supplier) == (
        "riz",
        "sac de 25 kg",
        1850,
        "Metro Carcassonne",
    )
    assert (fields.minimum_kind, fields.minimum) == ("packs", 40)
    assert fields.deadline is not None
    assert fields.deadline.closes_at == datetime(2026, 12, 15, 17, 0, tzinfo=UTC)
    assert fields.pickup is None and fields.unknown == ()


def test_a_forgiving_line_in_another_order() -> None:
    line = (
        "chez Promocash ; min 800 € ; riz basmati en sac de 5 kg ; 12€ ; jusqu'au 15 décembre "
        "12h ; retrait : entrepôt BA11, le 18/12 au matin"
    )
    fields = read_line(line, NOW, PARIS).fields
    assert (fields.product, fields.pack, fields.supplier) == (
        "riz basmati",
        "sac de 5 kg",
        "Promocash",
    )
    assert (fields.price_cents, fields.minimum_kind, fields.minimum) == (1200, "euros", 80000)
    assert fields.closes_at is not None and fields.closes_at.startswith("2026-12-15T11:00")
    # The pick-up's commas do not cut it, nor does its date become the deadline.
    assert fields.pickup == "entrepôt BA11, le 18/12 au matin"


def test_a_date_is_not_taken_for_a_price() -> None:
    fields = read_line("riz, sac de 25 kg, 18 €, Metro, min 40, pour le 15/12 à 18h", NOW, PARIS)
    assert fields.fields.price_cents == 1800
    assert fields.fields.closes_at is not None and fields.fields.closes_at.startswith("2026-12-15")
    fields = read_line("riz, sac de 25 kg, prix 18, Metro, min 40, 15/12", NOW, PARIS)
    assert fields.fields.price_cents == 1800 and fields.fields.closes_at is not None


def test_a_line_says_what_it_lacks_and_what_it_could_not_read() -> None:
    reading = read_line("huile, bidon de 5 L, minimum beaucoup, chez Lidl", NOW, PARIS)
    assert reading.fields.product == "huile" and reading.fields.pack == "bidon de 5 L"
    assert reading.fields.price_cents is None and reading.fields.closes_at is None
    [error] = reading.errors
    assert (error.key, error.field) == ("purchase_minimum_invalid", "minimum")


def test_a_price_can_name_its_pack() -> None:
    fields = read_line("café, 18,50 € le paquet de 1 kg, Metro", NOW, PARIS).fields
    assert (fields.product, fields.pack, fields.price_cents) == ("café", "paquet de 1 kg", 1850)


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("riz en sac de 25 kg", ("riz", "sac de 25 kg")),
        ("riz (sac de 25 kg)", ("riz", "sac de 25 kg")),
        ("lait UHT - brique de 1 L", ("lait UHT", "brique de 1 L")),
        ("riz basmati", ("riz basmati", None)),
    ],
)
def test_product_and_pack_in_one_part(text: str, split: tuple[str, str | None]) -> None:
    assert product_and_pack(text) == split


def test_amounts_and_packs_read_back_in_french() -> None:
    assert euros(1850) == "18,50 €" and euros(123450) == "1 234,50 €" and euros(5) == "0,05 €"
    assert csv_amount(123450) == "1234,50"
    assert packs_text(10, "sac de 25 kg") == "10 sacs de 25 kg"
    assert packs_text(1, "sac de 25 kg") == "1 sac de 25 kg"
    assert packs_text(2, "boîte de 12") == "2 boîtes de 12"
    assert packs_text(3, "25 kg") == "3 × 25 kg"
    assert packs_word(40, "sac de 25 kg") == "40 sacs"


def test_the_category_of_a_product() -> None:
    assert category_of("riz") == "epicerie_seche"
    assert category_of("steaks hachés surgelés") == "surgeles"
    assert category_of("brosses") is None
