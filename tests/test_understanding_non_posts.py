"""Messages that are not posts (issue 10): claims, done and cancels in casual forms, questions
about what is open or how the bot works, and chat — by class of phrasing, each class with
several messages of our own (none copied from the corpus)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.understanding import load_gazetteer, understand
from handlers.understanding.acts import asks_how, asks_what_is_open, is_question, looks_like_chat
from handlers.understanding.text import fold, readable

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
GAZETTEER = load_gazetteer()


def _read(text: str) -> tuple[str, int | None]:
    u = understand(text, NOW, GAZETTEER)
    return u.intent, u.post_ref


def _folded(text: str) -> str:
    return fold(readable(text)).text


# -- claims ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "post"),
    [
        # conditional and polite: « voudrait bien », « prendrait », « souhaiterait »
        ("nous voudrions bien le 18 si personne ne l'a pris", 18),
        ("l'épicerie de Bram prendrait volontiers le 44", 44),
        ("on prendrait bien les courgettes de l'annonce 52", 52),
        ("Bonjour, notre association souhaiterait bénéficier de l'annonce 9. Cordialement", 9),
        ("on veut bien le 27, merci !", 27),
        ("serait-il possible de prendre une partie de l'annonce 15 ?", 15),
        ("est-ce qu'on pourrait avoir le reste du 63 ?", 63),
        # positioning and « pour nous »
        ("je me positionne sur le 14", 14),
        ("on se met sur l'offre 31 svp", 31),
        ("#12 pour nous stp", 12),
        ("le 58 pour nous, on passe jeudi", 58),
        ("partants pour le 73 !", 73),
        ("go pour le 26", 26),
        ("réservez-nous le 35 s'il vous plaît", 35),
        # the post in words
        ("on prend l'annonce douze", 12),
        ("je prends le trente-huit", 38),
        ("nous prenons l'offre quatre-vingt-quinze en entier", 95),
        # a giving word does not make a firm claim a post
        ("est-ce que le 41 est toujours dispo ? on le prendrait", 41),
    ],
)
def test_casual_claims(text: str, post: int) -> None:
    assert _read(text) == ("claim", post)


@pytest.mark.parametrize(
    ("text", "post"),
    [
        ("c'est bon pour le 14, récupéré ce matin", 14),
        ("le vingt-trois c'est récupéré", 23),
        ("l'annonce 47 on l'a eue, merci", 47),
        ("le 36 est bien arrivé à l'épicerie", 36),
        ("Nous accusons bonne réception de l'offre 88.", 88),
        ("l'annonce 19 a été enlevée hier soir", 19),
    ],
)
def test_done_reports(text: str, post: int) -> None:
    assert _read(text) == ("done", post)


@pytest.mark.parametrize(
    ("text", "post"),
    [
        ("on retire l'annonce 30, trouvé ailleurs", 30),
        ("plus besoin pour le 9", 9),
        ("vous pouvez enlever notre demande numéro cinquante-deux", 52),
        ("je retire le 17, le camion n'est plus dispo", 17),
        ("on a trouvé ailleurs pour l'annonce 61", 61),
    ],
)
def test_cancels(text: str, post: int) -> None:
    assert _read(text) == ("cancel", post)


@pytest.mark.parametrize(
    "text",
    [
        "on passe le chercher avant le 12",  # a day: no post named
        "les colis sont partis, 180 familles servies",  # a count of families, not a post
        "Merci, bien reçu",  # acknowledging a message
    ],
)
def test_numbers_that_are_days_or_counts_are_not_posts(text: str) -> None:
    assert _read(text)[1] is None


def test_a_day_before_the_number_keeps_it_a_date() -> None:
    u = understand("on aurait besoin de 20 kg de riz avant le 12", NOW, GAZETTEER)
    assert u.intent == "need" and u.post_ref is None and u.deadline is not None


# Issue 10 (tune10): both ends of a range of days are days.
@pytest.mark.parametrize(
    "text",
    [
        "le camion est réservé du 14 au 18",
        "on peut prendre vos palettes du 3 au 10 décembre",
        "épicerie fermée du 1er au 15, rien à récupérer",
        "je prends mes congés du 12 au 19, Paul fait le relais",
        "camion frigo libre du 14 au 18, on peut vous le prêter",
    ],
)
def test_a_range_of_days_holds_no_post(text: str) -> None:
    intent, post = _read(text)
    assert post is None and intent not in {"claim", "done", "cancel"}


# -- how-to questions: help, never an action on a post ---------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "comment on fait pour le 12 ?",
        "comment je mets une offre ?",
        "on fait comment pour répondre à une annonce",
        "comment on signale qu'une annonce a été récupérée ?",
        "Comment je supprime mon besoin ?",
        "how do I take a post?",
        "Pourriez-vous m'indiquer la marche à suivre pour publier un don ?",
        "il faut écrire quoi pour demander un camion ?",
        "quelle est la différence entre /besoin et /urgent ?",
        "je n'arrive pas à publier mon annonce",
        "par où je commence ?",
        "help svp",
    ],
)
def test_how_to_questions_are_help(text: str) -> None:
    assert _read(text) == ("help", None)


# -- what is open: list ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "c'est quoi les besoins en ce moment ?",
        "Pouvez-vous me rappeler les besoins du moment ?",
        "les annonces ouvertes cette semaine, c'est possible de les avoir ?",
        "ya quoi comme offres ce soir",
        "il reste quoi comme annonces ?",
        "est-ce qu'il reste des dons ?",
        "y a encore des offres pas prises ?",
        "montre moi les demandes",
        "la liste svp",
        "qu est ce qui reste",
        "c koi les offres pr demain",
        "qu'est-ce que les autres associations cherchent ?",
        "tout ce qui est encore dispo stp",
    ],
)
def test_questions_about_what_is_open_are_list(text: str) -> None:
    assert _read(text) == ("list", None)


def test_surplus_announced_with_a_time_word_stays_an_offer() -> None:
    text = "au sujet des surplus de la semaine : 40 repas en barquettes à donner demain"
    assert _read(text)[0] == "offer"


# -- chat -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "merci pour les 20 kg de pommes hier !",
        "vous avez bien reçu les pâtes ?",
        "quelqu'un sait si la réunion de jeudi est maintenue ?",
        "avez-vous pu livrer les yaourts à Bram ?",
        "qui a pris les cagettes de poireaux ce matin ?",
        "savez-vous si le magasin de Lézignan donne encore le mardi ?",
        "quelqu'un a le numéro du chauffeur de la banque alimentaire ?",
        "quel est l'horaire de la distribution samedi ?",
        "combien de colis vous avez distribués ce mois-ci ?",
        "Paul, tu as besoin d'un coup de main pour le camion ?",
        "les palettes vides on les dépose où ?",
        "la distribution s'est bien passée, merci à toutes",
        "vous pouvez me dire combien de familles vous aidez ? c'est pour le rapport",
    ],
)
def test_chat_and_questions_to_people_are_not_posts(text: str) -> None:
    assert _read(text) == ("unknown", None)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("merci ! au fait on a besoin de 30 kg de riz pour jeudi", "need"),
        ("quelqu'un aurait du lait infantile ?", "need"),
        ("on a récupéré trop de yaourts, 50 pots à donner", "offer"),
    ],
)
def test_a_post_is_still_a_post_around_chat(text: str, intent: str) -> None:
    assert _read(text)[0] == intent


# -- the signals, for the confidence rule ---------------------------------------------------
def test_signals() -> None:
    assert is_question(_folded("quelqu'un peut me rappeler ? c'est Gérard"))
    assert is_question(_folded("avez-vous du riz"))
    assert not is_question(_folded("on a besoin de riz"))
    assert looks_like_chat(_folded("vous avez bien reçu les pâtes ?"))
    assert not looks_like_chat(_folded("on aurait besoin de pâtes"))
    assert asks_how(_folded("comment on poste une offre ?"))
    assert not asks_how(_folded("on cherche un camion frigo"))
    assert asks_what_is_open(_folded("c'est quoi les besoins en ce moment ?"))
    assert not asks_what_is_open(_folded("besoin de riz en ce moment"))


# Issue 10 (tune10): help asked for without an asking word.
@pytest.mark.parametrize(
    "text",
    [
        "besoin d'aide pour poster une offre",
        "besoin d aide pour publier un besoin svp",
        "j'ai du mal à utiliser le bot",
        "aide pour annuler une annonce svp",
        "je galère pour modifier mon annonce",
        "besoin d'un coup de main pour m'inscrire",
    ],
)
def test_help_asked_without_an_asking_word(text: str) -> None:
    assert _read(text) == ("help", None)


@pytest.mark.parametrize(
    "text",
    [
        "besoin d'aide pour le tri samedi",
        "besoin d'aide pour décharger le camion jeudi",
        "on a besoin d'aide pour la distribution de vendredi",
    ],
)
def test_a_need_of_hands_is_no_help_question(text: str) -> None:
    assert _read(text)[0] == "equipment_request"


@pytest.mark.parametrize(
    "text",
    [
        "je ne sais pas si mon message est passé, vous l'avez reçu ?",
        "je sais pas si quelqu'un a pu récupérer les cartons",
        "je sais pas quand le camion repasse, quelqu'un sait ?",
    ],
)
def test_not_knowing_whether_is_no_help_question(text: str) -> None:
    """Issue 10 (tune10): « je ne sais pas si… » doubts; « je sais pas comment » asks."""
    assert _read(text)[0] != "help"
    assert _read("je sais pas comment on publie une offre")[0] == "help"


@pytest.mark.parametrize(
    "text",
    [
        "notre congélateur est plein mais on n'a besoin de rien, c'est juste pour info",
        "plus de place au dépôt cette semaine, c'était juste pour vous prévenir",
        "le camion est réparé, on a besoin de rien merci",
    ],
)
def test_news_that_asks_for_nothing_is_no_post(text: str) -> None:
    """Issue 10 (tune10)."""
    assert _read(text)[0] == "unknown"
    assert _read("on n'a besoin de rien d'autre que du lait, 10 litres")[0] == "need"


@pytest.mark.parametrize(
    ("text", "post"),
    [
        ("c'est bon pour le 150 on vient le chercher", 150),
        ("ok c'est bon pour le 7, on vient les récupérer demain", 7),
        ("c'est ok pour l'annonce 64, je viendrai la chercher", 64),
    ],
)
def test_coming_to_fetch_a_post_is_a_claim(text: str, post: int) -> None:
    """Issue 10 (tune10): « c'est bon » agrees; « on vient le chercher » takes the post."""
    assert _read(text) == ("claim", post)
