"""Properties: any text gives a valid result without raising; case and spacing don't matter."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.understanding import CONTRACT_KEYS, INTENTS, Understanding, load_gazetteer
from handlers.understanding.model import FOOD_CATEGORIES, RESOURCE_CATEGORIES, UNITS
from handlers.understanding.parser import _understand

GAZETTEER = load_gazetteer()
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
FRENCH = "abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöùûüçœæ"
ALPHABET = FRENCH + FRENCH.upper() + "0123456789 ,.;:!?'-/()#°%€+\n\t🙏🍎👍"
VOCABULARY = re.findall(
    r"\S+",
    "besoin de urgent SOS on cherche dispo à donner en trop surplus qui veut qui aurait "
    "30 kg 2,5 t 500 g 50 cl une vingtaine douzaine cartons de 10 kg palettes cagettes "
    "riz pâtes yaourts lait infantile couches surgelés conserves pain baguettes jus d'orange "
    "camion frigo non frigorifique chambre froide congélateur transpalette bénévoles "
    "conserverie entrepôt je prends le 12 annonce 19 récupérée annule plus besoin /fait 7 "
    "/prendre 3 /besoin /don /materiel /urgent prendre fait annuler liste aide "
    "demain ce soir vendredi mardi prochain dans 3 jours sous 48h le 12 12/12 31/02 "
    "3 janvier DLC DDM avant 16h Narbonne TREBES lezignan corbieres st pons de thomieres "
    "Bram Mer Orange 11000 taille 4 20m3 50 m² familles merci bonjour 🙏 ?",
)
MESSAGES = st.one_of(
    st.text(alphabet=ALPHABET, max_size=120),
    st.lists(st.sampled_from(VOCABULARY), max_size=18).map(" ".join),
)


def check_valid(u: Understanding) -> None:
    assert u.intent in INTENTS
    assert u.category is None or u.category in FOOD_CATEGORIES + RESOURCE_CATEGORIES
    assert u.unit is None or u.unit in UNITS
    assert (u.quantity is None) == (u.unit is None)
    assert u.quantity is None or u.quantity >= 0
    assert u.post_ref is None or u.post_ref >= 0
    assert u.date_kind in (None, "dlc", "ddm")
    contract = u.to_contract()
    assert tuple(contract)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS
    json.dumps(contract, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(MESSAGES)
def test_any_text_gives_a_valid_result(text: str) -> None:
    check_valid(_understand(text, NOW, GAZETTEER, "Europe/Paris"))  # the unguarded core


@settings(max_examples=200, deadline=None)
@given(MESSAGES)
def test_case_does_not_matter(text: str) -> None:
    base = _understand(text, NOW, GAZETTEER, "Europe/Paris")
    assert _understand(text.upper(), NOW, GAZETTEER, "Europe/Paris") == base
    assert _understand(text.lower(), NOW, GAZETTEER, "Europe/Paris") == base


@settings(max_examples=200, deadline=None)
@given(MESSAGES, st.sampled_from(["  ", "   ", " \t ", "\u00a0 "]))
def test_extra_spacing_does_not_matter(text: str, spaces: str) -> None:
    base = _understand(text, NOW, GAZETTEER, "Europe/Paris")
    spread = "  " + re.sub(r"\s+", spaces, text) + " \n"
    assert _understand(spread, NOW, GAZETTEER, "Europe/Paris") == base


@settings(max_examples=50, deadline=None)
@given(
    MESSAGES,
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2090, 1, 1),
        timezones=st.just(UTC),
    ),
)
def test_any_moment_is_fine(text: str, now: datetime) -> None:
    check_valid(_understand(text, now, GAZETTEER, "Europe/Paris"))


def test_hostile_inputs() -> None:
    for text in [
        "",
        " ",
        "\x00\x01\x02\x1b[31m",
        "🙏" * 500,
        "a" * 100_000,
        "besoin de riz " * 10_000,
        "9" * 5000,
        "/" * 100,
        "/prendre 99999999999999999999",
        "31/02/0000 00/00 99/99/9999",
        "Ω≈ç√ 中文 العربية русский",
        "le 12 le 12 le 12 " * 300,
    ]:
        check_valid(_understand(text, NOW, GAZETTEER, "Europe/Paris"))


def test_long_message_is_fast() -> None:
    start = datetime.now()
    _understand("besoin de riz à Narbonne " * 4000, NOW, GAZETTEER, "Europe/Paris")
    assert datetime.now() - start < timedelta(seconds=1)


def test_pure_and_deterministic() -> None:
    text = "Besoin urgent de 30 kg de fruits pour mercredi, Narbonne"
    first = _understand(text, NOW, GAZETTEER, "Europe/Paris")
    for _ in range(3):
        assert _understand(text, NOW, GAZETTEER, "Europe/Paris") == first
