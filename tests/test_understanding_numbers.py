"""Numbers: French number words, approximate counts, multiplication signs, decimals, and the
numbers that are not amounts.

The words are checked against num2words (an independent writer of French numbers) for every
number from 0 to 1,000 and a sample to 999,999, in the traditional spelling, the 1990 one
(hyphens everywhere) and with spaces for hyphens.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from num2words import num2words

from handlers.understanding import Gazetteer, understand, understand_details
from handlers.understanding.numbers import APPROX_WORDS, number_value, words_value
from handlers.understanding.quantities import (
    Amount,
    approximate_amounts,
    counted_amounts,
    find_amounts,
    half_amounts,
    mixed_amounts,
    multiplied_amounts,
    package_amounts,
)
from handlers.understanding.text import fold, readable

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
UP_TO_1000 = range(0, 1001)
SAMPLE_TO_9999 = range(1001, 10_000, 37)
BEYOND = (10_000, 21_000, 80_000, 100_001, 200_000, 999_999)


def folded(text: str) -> str:
    return fold(readable(text)).text


def spellings(n: int) -> dict[str, str]:
    """How people write n: num2words' traditional spelling, the 1990 one, spaces only."""
    traditional = folded(num2words(n, lang="fr"))
    return {
        "traditional": traditional,
        "1990": traditional.replace(" ", "-"),
        "spaces": traditional.replace("-", " "),
    }


def quantity_of(gazetteer: Gazetteer, text: str) -> tuple[float | None, str | None]:
    # The amount read whatever the intent (« on annonce 4 cagettes » is neither given nor
    # wanted, so the whole message carries no amount, but the amount is still read).
    got = understand_details(text, NOW, gazetteer).to_contract()
    return got["quantity"], got["unit"]


# -- number words, exhaustively -------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["traditional", "1990", "spaces"])
def test_every_number_word_to_1000_reads_as_num2words_writes_it(spelling: str) -> None:
    wrong = {
        n: (spellings(n)[spelling], words_value(spellings(n)[spelling]))
        for n in UP_TO_1000
        if words_value(spellings(n)[spelling]) != n
    }
    assert wrong == {}


@pytest.mark.parametrize("spelling", ["traditional", "1990", "spaces"])
def test_a_sample_of_bigger_number_words_reads_right(spelling: str) -> None:
    numbers = [*SAMPLE_TO_9999, *BEYOND]
    wrong = {n: spellings(n)[spelling] for n in numbers if words_value(spellings(n)[spelling]) != n}
    assert wrong == {}


@pytest.mark.parametrize("spelling", ["traditional", "1990"])
def test_every_number_word_is_an_amount_in_a_message(gazetteer: Gazetteer, spelling: str) -> None:
    """The words are found in a sentence as one span, up to their unit."""
    wrong = {}
    for n in range(2, 1001):
        words = spellings(n)[spelling]
        got = quantity_of(gazetteer, f"à donner {words} kilos de pommes")
        if got != (n, "kg"):
            wrong[n] = (words, got)
    assert wrong == {}


@pytest.mark.parametrize(
    ("written", "value"),
    [
        # the slips people make, read as meant
        ("quatre vingt", 80),
        ("quatre vingts", 80),
        ("quatre-vingts-dix", 90),
        ("quatre vingt dix neuf", 99),
        ("soixante dix", 70),
        ("soixante-et-onze", 71),
        ("vingt-un", 21),
        ("deux cents cinquante", 250),
        ("deux milles", 2000),
        ("douze cents", 1200),
        ("dix sept", 17),
        ("ZÉRO", 0),
        ("Quatre-Vingt-Dix", 90),
        # Belgian and Swiss French
        ("septante", 70),
        ("septante et un", 71),
        ("huitante-huit", 88),
        ("octante", 80),
        ("nonante-neuf", 99),
    ],
)
def test_common_slips_and_regional_words(written: str, value: int) -> None:
    assert words_value(folded(written)) == value


@pytest.mark.parametrize(
    "written",
    ["deux trois", "vingt et deux", "cent et un", "un cent", "un mille", "cinq vingt", "et un"],
)
def test_a_run_of_words_that_is_no_number_reads_as_none(written: str) -> None:
    assert words_value(written) is None


@pytest.mark.parametrize(
    "text",
    [
        "besoin de riz pour le centre social",
        "quelques centimes restent",
        "un don recent arrive",
        "aucun camion dispo",
        "le dixieme carton",
        "besoin de lait pour chacun",
        "la commune voisine",
        "un frigo tout neuf",
    ],
)
def test_number_words_inside_other_words_are_not_numbers(text: str) -> None:
    assert find_amounts(text) == []


@pytest.mark.parametrize(
    ("written", "value"),
    [("1,5", 1.5), ("0,75", 0.75), ("1.5", 1.5), ("2 500", 2500), ("12", 12), ("trois", 3)],
)
def test_number_value_reads_digits_and_words(written: str, value: float) -> None:
    assert number_value(written) == value


# -- approximate counts ---------------------------------------------------------------------


@pytest.mark.parametrize(("word", "value"), sorted(APPROX_WORDS.items()))
@pytest.mark.parametrize(
    ("lead", "times"),
    [
        ("une ", 1),
        ("un ", 1),
        ("une bonne ", 1),
        ("une petite ", 1),
        ("deux ", 2),
        ("3 ", 3),
        ("deux bonnes ", 2),
        ("trois petites ", 3),
    ],
)
def test_approximate_counts(
    gazetteer: Gazetteer, word: str, value: int, lead: str, times: int
) -> None:
    plural = "s" if times > 1 else ""
    text = f"à donner {lead}{word}{plural} de cagettes de pommes"
    assert quantity_of(gazetteer, text) == (value * times, "cagette")


@pytest.mark.parametrize("word", sorted(APPROX_WORDS))
@pytest.mark.parametrize("lead", ["des", "plusieurs", "quelques", "des bonnes"])
def test_vague_approximate_counts_give_no_number(
    gazetteer: Gazetteer, word: str, lead: str
) -> None:
    assert quantity_of(gazetteer, f"à donner {lead} {word}s de cagettes de pommes") == (None, None)


def test_a_half_dozen_is_six(gazetteer: Gazetteer) -> None:
    assert quantity_of(gazetteer, "à donner une demi-douzaine d'oeufs") == (6, "unite")


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("à donner une quinzaine de barquettes de 500 g de tomates", 7.5, "kg"),
        ("à donner une vingtaine de sacs de 5 kg de riz", 100, "kg"),
        ("à donner une dizaine de bouteilles de 1,5 l d'eau", 15, "l"),
        ("à donner deux centaines de briques de 50 cl de lait", 100, "l"),
    ],
)
def test_approximate_counts_of_packages_of_a_stated_size(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    got, got_unit = quantity_of(gazetteer, text)
    assert got == pytest.approx(quantity) and got_unit == unit


@pytest.mark.parametrize("number", ["quatre-vingts", "80", "quatre vingt"])
def test_a_number_said_to_be_approximate_after_the_goods(gazetteer: Gazetteer, number: str) -> None:
    text = f"il nous faudrait des steaks hachés {number} à peu près pour mardi"
    assert quantity_of(gazetteer, text) == (80, "unite")


# -- multiplication, decimals, mixed units ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("à donner x4 cartons de lait", 4, "carton"),
        ("à donner 4x cartons de lait", 4, "carton"),
        ("à donner 4 x cartons de lait", 4, "carton"),
        ("à donner 4 x 5 kg de farine", 20, "kg"),
        ("à donner 4x5kg de farine", 20, "kg"),
        ("à donner 4*5 kg de farine", 20, "kg"),
        ("à donner 6 × 1 l de lait", 6, "l"),
        ("à donner 6×1,5 l d'eau", 9, "l"),
        ("à donner 2 x 6 bouteilles d'eau", 12, "unite"),
        ("à donner 3 X 2 palettes d'eau", 6, "palette"),
        ("à donner cartons de lait x4", 4, "carton"),
        ("à donner yaourts x12", 12, "unite"),
        ("à donner des cagettes de pommes × 3, merci", 3, "cagette"),
    ],
)
def test_multiplication_signs(gazetteer: Gazetteer, text: str, quantity: float, unit: str) -> None:
    assert quantity_of(gazetteer, text) == (quantity, unit)


@pytest.mark.parametrize(
    "text",
    [
        "un 4x4 dispo samedi pour les livraisons",
        "on peut passer 2x par semaine",
        "local de 20 x 30 m dispo",
        "camion de 20 x 30 cm",
    ],
)
def test_multiplication_signs_that_count_nothing(text: str) -> None:
    assert [a for a in find_amounts(folded(text)) if a.value != 4 or a.noun != "dispo"] == []


@pytest.mark.parametrize("separator", [",", "."])
@pytest.mark.parametrize(
    ("number", "unit", "quantity", "contract_unit"),
    [
        ("2{}5", "t", 2500, "kg"),
        ("1{}5", "kg", 1.5, "kg"),
        ("0{}75", "l", 0.75, "l"),
        ("1{}2", "tonne", 1200, "kg"),
        ("2{}5", "kilos", 2.5, "kg"),
        ("1{}5", "litres", 1.5, "l"),
        ("7{}5", "cl", 0.075, "l"),
    ],
)
def test_decimals_with_a_comma_or_a_point(
    gazetteer: Gazetteer,
    separator: str,
    number: str,
    unit: str,
    quantity: float,
    contract_unit: str,
) -> None:
    text = f"à donner {number.format(separator)} {unit} de pommes"
    got, got_unit = quantity_of(gazetteer, text)
    assert got == pytest.approx(quantity) and got_unit == contract_unit


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("à donner 2 t 500 de pommes", 2500, "kg"),
        ("à donner 2t500 de pommes", 2500, "kg"),
        ("à donner 1 kg 500 de sucre", 1.5, "kg"),
        ("à donner 2 kilos et demi de pommes", 2.5, "kg"),
        ("à donner une palette et demie d'eau", 1.5, "palette"),
        ("à donner trois kilos et demi de pommes", 3.5, "kg"),
    ],
)
def test_mixed_units_and_halves(
    gazetteer: Gazetteer, text: str, quantity: float, unit: str
) -> None:
    assert quantity_of(gazetteer, text) == (quantity, unit)


def test_half_skimmed_milk_is_not_a_half(gazetteer: Gazetteer) -> None:
    assert quantity_of(gazetteer, "à donner 6 l et demi-écrémé") == (6, "l")


# -- a verb that also names a post, followed by an amount -----------------------------------


@pytest.mark.parametrize(
    "verb", ["on offre", "on donne", "on propose", "on demande", "on annonce", "on cherche"]
)
@pytest.mark.parametrize(
    ("amount", "quantity", "unit"),
    [
        ("4 cagettes de tomates", 4, "cagette"),
        ("3 palettes d'eau", 3, "palette"),
        ("12 kg de pommes", 12, "kg"),
        ("deux cartons de lait", 2, "carton"),
        ("200 yaourts", 200, "unite"),
        ("x4 cartons de lait", 4, "carton"),
    ],
)
def test_a_post_verb_before_an_amount_keeps_the_amount(
    gazetteer: Gazetteer, verb: str, amount: str, quantity: float, unit: str
) -> None:
    assert quantity_of(gazetteer, f"{verb} {amount}") == (quantity, unit)


@pytest.mark.parametrize(
    ("text", "quantity", "unit", "post_ref"),
    [
        ("je prends 5 cartons du 21", 5, "carton", 21),
        ("on récupère 12 kg du 8", 12, "kg", 8),
        ("je réserve 3 cagettes du 12", 3, "cagette", 12),
        ("on récupère quatre cartons du 21", 4, "carton", 21),
        ("je prends l'offre 12", None, None, 12),
        ("je prends l'annonce 7 demain", None, None, 7),
    ],
)
def test_a_claim_keeps_its_amount_and_its_post(
    gazetteer: Gazetteer, text: str, quantity: float | None, unit: str | None, post_ref: int
) -> None:
    u = understand(text, NOW, gazetteer)
    assert (u.intent, u.quantity, u.unit, u.post_ref) == ("claim", quantity, unit, post_ref)


@pytest.mark.parametrize(
    "text",
    [
        "on offre 4 cagettes, on les récupère demain",
        "l'épicerie offre 4 cagettes, je les récupère demain",
    ],
)
def test_an_offer_verb_before_an_amount_is_no_post_number(gazetteer: Gazetteer, text: str) -> None:
    """A claim verb later in the message must not make « offre 4 » a claim on post 4."""
    u = understand(text, NOW, gazetteer)
    assert (u.intent, u.post_ref, u.quantity, u.unit) == ("offer", None, 4, "cagette")


@pytest.mark.parametrize(
    "text", ["l'offre 12 est prise", "suite à l'annonce 12 merci", "la demande 7", "offre 12"]
)
def test_a_bare_number_after_a_post_word_is_the_post_not_an_amount(text: str) -> None:
    assert find_amounts(folded(text)) == []


# -- numbers that are not amounts, in words too ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "besoin de couches taille quatre",
        "besoin de couches taille 4",
        "besoin de lait pour trois familles",
        "besoin de lait pour trente familles",
        "besoin de lait pour 30 familles",
        "besoin de lait pour le deux décembre",
        "besoin de lait pour le 2 décembre",
        "local de cinquante m² dispo",
        "camion de vingt m3 dispo",
        "camion de 20m3 dispo",
        "besoin de lait deuxième âge",
        "besoin de lait 2e âge",
        "besoin de riz avant quatorze heures",
        "besoin de riz dans trois jours",
        "besoin de riz pour dans quinze jours",
        "besoin de riz, une quinzaine de jours",
    ],
)
def test_numbers_that_are_not_amounts(gazetteer: Gazetteer, text: str) -> None:
    assert quantity_of(gazetteer, text) == (None, None)


@pytest.mark.parametrize("article", ["un", "une"])
def test_un_and_une_before_a_noun_are_articles(gazetteer: Gazetteer, article: str) -> None:
    assert quantity_of(gazetteer, f"besoin d'{article} camion frigo") == (None, None)


# -- each rule alone ---------------------------------------------------------------------------


def values(amounts: list[Amount]) -> list[tuple[float, str]]:
    return [(a.value, a.unit) for a in amounts]


def test_package_rule_totals_packages_of_a_stated_size() -> None:
    assert values(list(package_amounts("30 sacs de 5 kg de riz"))) == [(150, "kg")]
    assert values(list(package_amounts("5 cartons de biscuits"))) == []


def test_mixed_rule_reads_the_smaller_unit_after_the_larger() -> None:
    assert values(list(mixed_amounts("2 t 500 de pommes"))) == [(2500, "kg")]
    assert values(list(mixed_amounts("2 t 500 familles"))) == []


def test_approximate_rule_reads_the_counting_nouns() -> None:
    assert values(list(approximate_amounts("une vingtaine de bidons"))) == [(20, "unite")]
    assert values(list(approximate_amounts("des vingtaines de bidons"))) == []


def test_half_rule_reads_a_half_unit() -> None:
    assert values(list(half_amounts("une demi-palette"))) == [(0.5, "palette")]


def test_multiplied_rule_reads_the_signs() -> None:
    assert values(list(multiplied_amounts("4x cartons"))) == [(4, "carton")]
    assert values(list(multiplied_amounts("lait x6"))) == [(6, "unite")]
    assert values(list(multiplied_amounts("4 cartons"))) == []


def test_counted_rule_reads_a_number_and_what_it_counts() -> None:
    assert values(list(counted_amounts("quatre-vingt-dix kilos"))) == [(90, "kg")]
    assert values(list(counted_amounts("5 personnes", people=True))) == [(5, "personne")]
    assert values(list(counted_amounts("5 personnes"))) == []


def test_the_first_rule_to_read_a_span_keeps_it() -> None:
    assert values(find_amounts("3 sacs de 5 kg")) == [(15, "kg")]
    assert values(find_amounts("3 sacs de 5 kg", skip=[(0, 1)])) == [(5, "kg")]
