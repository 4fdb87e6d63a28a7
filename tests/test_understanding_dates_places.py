"""Deadlines and places by class of phrasing (issue 10): what is a deadline, what is a commune."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.understanding import Gazetteer, understand
from handlers.understanding.data.build_communes import is_common
from handlers.understanding.parser import understand_details

PARIS = ZoneInfo("Europe/Paris")
TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)
MONTPELLIER = (43.6108, 3.8767)


def deadline(text: str, gazetteer: Gazetteer, now: datetime = TUESDAY) -> date | None:
    return understand(text, now, gazetteer).deadline


def place(text: str, gazetteer: Gazetteer) -> str | None:
    return understand(text, TUESDAY, gazetteer).place


# -- deadlines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "on donne 15 kg de clémentines, passer avant 17h au 7 rue des Écoles",
        "besoin de couches pour notre local au 22 avenue Foch",
        "à donner 8 cartons de lait, 14 bis rue Pasteur, sonner",
        "surplus de pain, c'est au 9 boulevard Victor Hugo, avant 19h",
        "on prête notre camion, rdv au 2 place du Marché",
    ],
)
def test_a_house_number_is_not_a_day(text: str, gazetteer: Gazetteer) -> None:
    assert deadline(text, gazetteer) in {None, TUESDAY.date()}  # only the time of day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("besoin de lait pour le deux décembre", date(2026, 12, 2)),
        ("on cherche des pâtes pour le quinze janvier", date(2027, 1, 15)),
        ("à donner : yaourts, dlc le vingt-huit décembre", date(2026, 12, 28)),
        ("camion dispo le premier février", date(2027, 2, 1)),
    ],
)
def test_a_day_in_words_with_its_month(text: str, expected: date, gazetteer: Gazetteer) -> None:
    assert deadline(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("il nous faut du lait dans la journée", date(2026, 12, 1)),
        ("besoin de pain ds la journee svp", date(2026, 12, 1)),
        ("besoin de riz ds 3 jours", date(2026, 12, 4)),
        ("besoin de 10 l de lait sous 24h", date(2026, 12, 2)),
        ("don de courges à enlever sous 72h", date(2026, 12, 4)),
        ("pommes à récupérer sous 72 heures", date(2026, 12, 4)),
    ],
)
def test_within_a_day_or_a_few_hours(text: str, expected: date, gazetteer: Gazetteer) -> None:
    assert deadline(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pain d'hier à donner, 20 baguettes", None),
        ("yaourts récupérés hier à donner, dlc vendredi", date(2026, 12, 4)),
        ("on a récupéré ce matin 30 kg de tomates, à donner", None),
        ("j'ai reçu ce matin des invendus de la boulangerie, qui les veut ?", None),
        ("salades ramassées ce matin au marché, à donner avant jeudi", date(2026, 12, 3)),
        ("on a fait l'inventaire ce matin : il nous faut du riz pour lundi", date(2026, 12, 7)),
        ("après la réunion d'avant-hier, besoin de bénévoles samedi", date(2026, 12, 5)),
        ("40 repas en trop, préparés hier soir, à consommer avant dimanche", date(2026, 12, 6)),
    ],
)
def test_what_already_happened_is_no_deadline(
    text: str, expected: date | None, gazetteer: Gazetteer
) -> None:
    assert deadline(text, gazetteer) == expected


@pytest.mark.parametrize(
    "text",
    [
        "à donner 30 sandwichs, à prendre ce soir",
        "on a des yaourts à donner ce midi",
        "à récupérer ce soir avant 20h : 12 quiches",
        "besoin de plats préparés pour ce soir",
    ],
)
def test_today_still_counts_when_it_is_the_deadline(text: str, gazetteer: Gazetteer) -> None:
    assert deadline(text, gazetteer) == TUESDAY.date()


# Issue 10 (tune10): a day told of in news is when something happened, not a deadline.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lundi on a reçu 200 kg de carottes, à donner avant le 10", date(2026, 12, 10)),
        ("samedi, nous avons distribué 90 colis ; il nous manque du lait pour le 9",
         date(2026, 12, 9)),
        ("vendredi dernier on nous a livré des courges, qui en veut ? 40 kg", None),
        ("suite à notre réunion de lundi, besoin de 3 bénévoles le 12", date(2026, 12, 12)),
        ("après la maraude de samedi il reste 25 repas, à prendre le 8", date(2026, 12, 8)),
        ("des jouets reçus pendant la collecte de dimanche, à donner avant le 20",
         date(2026, 12, 20)),
        ("on a ouvert un créneau le jeudi, du coup besoin de pâtes pour le 9", date(2026, 12, 9)),
        ("notre frigo est en panne depuis samedi, besoin d'un congélateur le 10",
         date(2026, 12, 10)),
        ("le marché qui fermait ce midi nous a laissé 30 kg de pommes, à prendre demain",
         date(2026, 12, 2)),
        ("après le repas de ce midi il reste 12 quiches, à donner jeudi", date(2026, 12, 3)),
    ],
)  # fmt: skip
def test_a_day_told_of_in_news_is_no_deadline(
    text: str, expected: date | None, gazetteer: Gazetteer
) -> None:
    assert deadline(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on a reçu 40 kg de pommes à donner avant jeudi", date(2026, 12, 3)),
        ("besoin de lait pour la distribution de jeudi", date(2026, 12, 3)),
        ("on a 30 kg de riz à donner lundi", date(2026, 12, 7)),
        ("lundi on a besoin de 4 bénévoles", date(2026, 12, 7)),
        ("il nous faudrait du pain pour ce soir", date(2026, 12, 1)),
        ("on prend le 18 s'il vous plaît, on passe jeudi", date(2026, 12, 3)),
    ],
)
def test_a_day_that_looks_ahead_is_still_the_deadline(
    text: str, expected: date, gazetteer: Gazetteer
) -> None:
    assert deadline(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yaourts à donner, DLC 20/12, à prendre avant 18h", date(2026, 12, 1)),
        ("lait DDM 10/01 à récupérer jusqu'à 17h au local", date(2026, 12, 1)),
        ("quiches dlc jeudi, passer avant 19h", date(2026, 12, 1)),
        ("yaourts DLC 20/12, à prendre vendredi avant 18h", date(2026, 12, 4)),
    ],
)
def test_a_time_beside_use_by_dates_only_is_today(
    text: str, expected: date, gazetteer: Gazetteer
) -> None:
    """Issue 10 (tune10): a time of day is today when the only days said are use-by dates."""
    assert deadline(text, gazetteer) == expected


def test_a_past_use_by_date_is_still_the_offers_date(gazetteer: Gazetteer) -> None:
    # A past DLC must reach the food-safety check, which refuses the offer.
    assert deadline("à donner 20 yaourts, DLC hier", gazetteer) == date(2026, 11, 30)


def test_a_calendar_date_in_the_past_is_kept_to_be_questioned(gazetteer: Gazetteer) -> None:
    # Not a word for the past but a slip of the year: the bot says it has passed.
    assert deadline("besoin de riz pour le 3/10/2025", gazetteer) == date(2025, 10, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("notre chambre froide est libre jusqu'à jeudi", date(2026, 12, 3)),
        ("on peut prêter nos transpalettes jusqu'au 15", date(2026, 12, 15)),
        ("le camion frigo est dispo à partir de lundi", date(2026, 12, 7)),
        ("3 bénévoles dispo samedi 12 pour vos tris", date(2026, 12, 12)),
        ("on prête le fourgon les 10 et 11 décembre", date(2026, 12, 10)),
        ("chambre froide libre du 21 au 4 janvier", date(2026, 12, 21)),
        ("camion dispo le vendredi 18/12, pas besoin de lui ce jour-là", date(2026, 12, 18)),
    ],
)
def test_the_day_a_resource_is_free(text: str, expected: date, gazetteer: Gazetteer) -> None:
    assert deadline(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yahourts en trop, dlc samdi", date(2026, 12, 5)),
        ("il nous faudrait un camion pour vendedi", date(2026, 12, 4)),
        ("besoin de riz pour mecredi", date(2026, 12, 2)),
        ("need 20 kg of rice before Friday", date(2026, 12, 4)),
        ("free van tomorrow morning, Narbonne", date(2026, 12, 2)),
    ],
)
def test_slips_and_english_weekdays(text: str, expected: date, gazetteer: Gazetteer) -> None:
    # read whatever the intent (English and slips are the intent rules' part too)
    assert understand_details(text, TUESDAY, gazetteer).deadline == expected


# -- places -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "besoin de 20 kg de riz, Lunel",
        "on a 30 kg de pommes à donner, ramasse Lidl Lunel",
        "besoin de bénévoles à Lunel samedi",
    ],
)
def test_a_name_in_full_beats_the_longer_names_it_begins(text: str, gazetteer: Gazetteer) -> None:
    # Lunel-Viel is nearer Montpellier than Lunel, but « Lunel » names Lunel.
    focused = gazetteer.with_focus([MONTPELLIER])
    assert understand(text, TUESDAY, focused).place == "Lunel"


@pytest.mark.parametrize(
    "text",
    [
        "besoin de 20 kg de riz pour la réunion de jeudi",
        "retour de la reunion d'hier : il nous manque du lait",
        "il nous faut des chaises pour la salle des fêtes",
        "il nous manque des brosses à dents et du dentifrice",
        "à donner 20 kg de pommes, à prendre sur place",
        "on a du pain à donner, sur demande",
    ],
)
def test_an_everyday_word_is_no_commune_outside_a_place_context(
    text: str, gazetteer: Gazetteer
) -> None:
    assert place(text, gazetteer) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le CCAS de Frontignan a 200 l de jus à donner, à retirer sur place", "Frontignan"),
        ("la mairie de Mer prête sa salle des fêtes", "Mer"),
        ("à donner 3 palettes de pommes, livrables sur Montpellier", "Montpellier"),
        ("besoin de lait, 11000 Carcassonne", "Carcassonne"),
        ("à donner 10 cagettes au 3 rue de Narbonne, Béziers", "Béziers"),
    ],
)
def test_places_in_context(text: str, expected: str, gazetteer: Gazetteer) -> None:
    assert place(text, gazetteer) == expected


def test_a_street_named_after_a_town_is_not_the_place(gazetteer: Gazetteer) -> None:
    assert place("à donner 10 cagettes, au 3 rue de Narbonne", gazetteer) is None


# -- the data rule that flags everyday words (build_communes.is_common) --------------------


def zipf_of(table: dict[str, float]) -> object:
    def zipf(word: str, _lang: str) -> float:
        return table.get(word, 0.0)

    return zipf


def test_a_name_is_looked_up_with_its_accents() -> None:
    # Folded, « reunion » is a rare word; written « réunion », an everyday one.
    zipf = zipf_of({"reunion": 3.1, "réunion": 4.8})
    assert is_common("La Réunion", 524, zipf)


def test_a_villages_plural_name_is_read_as_the_plural_of_a_word() -> None:
    zipf = zipf_of({"brosses": 3.1, "brosse": 3.8, "saintes": 3.0, "sainte": 4.3})
    assert is_common("Brosses", 265, zipf)
    assert not is_common("Saintes", 25_363, zipf)  # a town is known by its name


def test_a_towns_fame_is_not_an_everyday_word() -> None:
    zipf = zipf_of({"lunel": 2.8, "narbonne": 3.9})
    assert not is_common("Lunel", 26_623, zipf)
    assert not is_common("Narbonne", 55_000, zipf)


# Issue 10 (tune10): posts written in English name their commune after « in », « around »,
# « near »; an English determiner after them is no commune (Our, This, His, Us).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we need veggies for the food bank in Bordeaux, 40 kg", "Bordeaux"),
        ("car free on friday if someone needs transport around Cognac", "Cognac"),
        ("we give 20 kg of apples near Orange, tomorrow", "Orange"),
        ("a fridge free in our flat at Pessac, until june", "Pessac"),
        ("we have 10 kg of pasta in this box, who wants it", None),
    ],
)
def test_a_commune_named_in_english(text: str, expected: str | None, gazetteer: Gazetteer) -> None:
    assert place(text, gazetteer) == expected


@pytest.mark.parametrize(
    "text",
    [
        "à donner 3 palettes de haricots (boîtes 4/4)",
        "conserves 5/1 de tomates pelées à donner, 20 boîtes",
        "on donne des petits pois format 1/2, 40 boîtes",
    ],
)
def test_the_size_of_a_tin_is_no_date(text: str, gazetteer: Gazetteer) -> None:
    """Issue 10 (tune10): « boîtes 4/4 » is a tin's size, not the 4th of April."""
    assert deadline(text, gazetteer) is None


# -- issue 10 (tune10b): a week-end told of in news ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("notre chambre froide a lâché ce week-end, on cherche de la place au froid", None),
        ("le camion est tombé en panne ce week-end, besoin d'un véhicule", None),
        ("on a été cambriolés ce week-end, il nous manque du riz et des pâtes", None),
        ("besoin de riz pour ce week-end", date(2026, 12, 5)),
        ("30 kg de pommes à prendre ce week-end", date(2026, 12, 5)),
    ],
)
def test_a_weekend_told_of_in_news_is_no_deadline(
    text: str, expected: date | None, gazetteer: Gazetteer
) -> None:
    assert deadline(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a day that looks ahead after news (a use-by day, time free)
        (
            "on a reçu du magasin 60 yaourts qui arrivent à date mardi, à donner",
            date(2026, 12, 8),
        ),
        (
            "j'ai trois heures libres vendredi et une camionnette, je peux faire une ramasse",
            date(2026, 12, 4),
        ),
        # a day told of with a reflexive past
        ("la collecte s'est bien passée samedi, il nous reste 30 kg de pâtes à donner", None),
        ("la réunion s'est tenue mardi, on cherche toujours 20 kg de riz", None),
    ],
)
def test_news_and_days_that_look_ahead(
    text: str, expected: date | None, gazetteer: Gazetteer
) -> None:
    assert deadline(text, gazetteer) == expected
