"""Intents by class of phrasing (issue 10, second round: what corpora C and D showed missing).

Our own messages, not the corpus's: each class is written several ways (accents or not, SMS,
capitals, formal), so that a rule matching one sentence only would fail here.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.understanding import Gazetteer, understand

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))  # a Tuesday

POSTS = {"need", "offer", "equipment_request", "equipment_offer"}

# (text, intent, post_ref)
CASES: list[tuple[str, str, int | None]] = [
    # -- needs: « à sec », « preneurs de », « manque cruellement », English / Spanish words
    ("on est complètement à sec de lait, 40 briques ce serait top", "need", None),
    ("l'épicerie est a sec en conserves depuis lundi", "need", None),
    ("Nous serions preneurs de farine et de sucre pour l'atelier cuisine", "need", None),
    ("on serait preneuses d'une dizaine de kilos de riz avant vendredi", "need", None),
    ("le foyer manque terriblement de produits d'hygiène", "need", None),
    ("on est short en pâtes cette semaine, 20 kg svp", "need", None),
    ("necesitamos leche para los niños, 30 litres", "need", None),
    ("Demande : 15 kg de café pour la maraude de jeudi", "need", None),
    ("nos familles n'en auront jamais besoin : on donne 50 couches taille 2", "offer", None),
    # -- offers: « à saisir », « du rab », « trop de », « qui est preneur », « servez-vous »
    ("À SAISIR : 12 cagettes de pommes, à prendre à Limoux", "offer", None),
    ("y'a du rab de yaourts au local, 3 cartons", "offer", None),
    ("on a vraiment trop de courgettes cette semaine, 40 kg", "offer", None),
    ("on en a trop reçu, des biscuits, 6 cartons", "offer", None),
    ("20 kg de poireaux de trop après le marché", "offer", None),
    ("des oranges en quantité, qui est preneur ?", "offer", None),
    ("quelqu'un veut 10 kg de carottes ? sinon poubelle vendredi", "offer", None),
    ("8 plateaux de fromage, qui vient les chercher ce soir ?", "offer", None),
    ("du pain d'hier, servez-vous au local avant midi", "offer", None),
    ("we have leftovers from the gala, about 40 sandwiches", "offer", None),
    ("sobran 30 kg de manzanas, les pommes, à Castres", "offer", None),
    ("ce serait dommage de jeter ces 25 kg de tomates", "offer", None),
    ("un don de 300 kg de pommes de terre à récupérer à Bram", "offer", None),
    # « le don de la boulangerie » is a donation received: the message asks for a van
    (
        "on cherche un camion pour aller chercher le don de la boulangerie",
        "equipment_request",
        None,
    ),
    # « il faut que ça parte », « il faut venir avant 18h »: instructions, not needs
    ("2 palettes de jus de pomme à donner, il faut venir avant 18h", "offer", None),
    ("Yaourts DLC jeudi, il faut que ça parte vite, 300 pots", "offer", None),
    ("il faudrait qu'une asso nous prête un camion frigo samedi", "equipment_request", None),
    # what another has is not given by the writer; too many people is not goods
    ("si vous avez du rab de yaourts, on prend volontiers", "need", None),
    ("si une asso a des pommes à donner on serait preneurs", "need", None),
    ("on a eu trop de monde à la distrib, 250 familles", "unknown", None),
    (
        "notre fourgon repart à vide de Toulouse demain si quelqu'un a des cartons à ramener",
        "equipment_offer",
        None,
    ),
    # -- shared resources: logisticians' shorthand, spare capacity, another's load
    ("VF libre mercredi après-midi si une asso a une ramasse à faire", "equipment_offer", None),
    ("notre VL est dispo demain matin", "equipment_offer", None),
    ("CF disponible du 3 au 10, 4 palettes de place", "equipment_offer", None),
    ("besoin d'un PL lundi pour 12 palettes", "equipment_request", None),
    ("il nous faudrait un VF jeudi pour des surgelés", "equipment_request", None),
    (
        "on a de la place dans la chambre froide si quelqu'un a du frais à stocker",
        "equipment_offer",
        None,
    ),
    (
        "notre congélateur du sous-sol a de la place, si une structure est coincée",
        "equipment_offer",
        None,
    ),
    ("si vous manquez de bras samedi on est quatre à pouvoir venir", "equipment_offer", None),
    (
        "on est partants pour aider au tri jeudi, 3 jeunes en service civique",
        "equipment_offer",
        None,
    ),
    (
        "nous pouvons envoyer deux personnes pour la distribution de vendredi",
        "equipment_offer",
        None,
    ),
    (
        "notre autoclave peut stériliser vos bocaux de tomates la semaine prochaine",
        "equipment_offer",
        None,
    ),
    ("une asso aurait de la place au frais pour 5 palettes ?", "equipment_request", None),
    ("on a une chambre sèche de libre pour des palettes", "equipment_offer", None),
    ("need volunteers samedi matin pour le tri", "equipment_request", None),
    # a van's trip reported, and what broke: not posts
    ("le PL est rentré à vide hier soir, dommage", "unknown", None),
    ("le VL est tombé en panne à Castres ce matin", "unknown", None),
    # -- claims, done, cancels in casual forms
    ("EPICERIE DE PAMIERS PREND LE 23", "claim", 23),
    ("prenons le 17, on passe jeudi", "claim", 17),
    ("on peut se charger du 52 demain matin", "claim", 52),
    ("serait-il possible qu'on prenne le 8 ?", "claim", 8),
    ("nous aimerions récupérer 3 cagettes du 61", "claim", 61),
    ("on voudrait 2 cartons sur l'annonce 12", "claim", 12),
    ("réservé pour notre épicerie : annonce 33", "claim", 33),
    ("#27 pour le Secours pop de Foix merci", "claim", 27),
    ("we take number 19", "claim", 19),
    ("I take the 40 tomorrow", "claim", 40),
    ("annonce 31 : enlevée hier soir", "done", 31),
    ("18 : enlevé ce matin par le chauffeur", "done", 18),
    ("66 récup 👍", "done", 66),
    ("l'annonce 25 a bien été honorée, merci", "done", 25),
    ("120 enlevé, c'est bon pour nous", "done", 120),
    ("oubliez le 14, on a trouvé", "cancel", 14),
    ("suppression de l'annonce 9 stp", "cancel", 9),
    ("cancel the 21 please", "cancel", 21),
    # -- how-to and list questions
    ("à quoi sert la commande /annuler ?", "help", None),
    ("c'est quoi la commande pour dire qu'on a récupéré ?", "help", None),
    ("quelle est la syntaxe pour /materiel ?", "help", None),
    ("je veux proposer un frigo, j'écris quoi ?", "help", None),
    ("il faut donner la date de la DLC quand on poste ?", "help", None),
    ("pouvez-vous m'expliquer le fonctionnement du groupe ?", "help", None),
    ("on peut proposer un camion ici ?", "help", None),
    ("how do I post an offer?", "help", None),
    ("comment on déclare un besoin urgent ?", "help", None),
    ("des besoins en hygiène cette semaine ?", "list", None),
    ("d'autres offres de légumes vers Alès ?", "list", None),
    ("est-ce que quelqu'un a publié des dons aujourd'hui ?", "list", None),
    ("vous avez quoi comme fruits à donner ?", "list", None),
    ("qué hay para hoy ?", "list", None),
    # -- chat that names goods or people
    ("quelqu'un a des nouvelles du camion de Limoux ?", "unknown", None),
    ("vous avez des chiffres sur les repas servis en 2025 ?", "unknown", None),
    # -- withdrawn by their writer (issue 10, parts F and G): « plus demandeurs », « renonçons »,
    # « n° 101 » with a space (the « ° » folds away)
    ("nous ne sommes finalement plus demandeurs pour l'annonce 41", "cancel", 41),
    ("Je ne suis plus preneuse pour l'offre n° 12, merci", "cancel", 12),
    ("nous renonçons à notre demande (n° 203), merci à tous", "cancel", 203),
    ("On renonce a la demande 88, un voisin nous a dépannés", "cancel", 88),
    (
        "nous retirons notre demande n° 101 : nous avions besoin de couches, c'est réglé",
        "cancel",
        101,
    ),
]


@pytest.mark.parametrize(("text", "intent", "post_ref"), CASES)
def test_intent_by_class(
    gazetteer: Gazetteer, text: str, intent: str, post_ref: int | None
) -> None:
    u = understand(text, NOW, gazetteer)
    assert (u.intent, u.post_ref) == (intent, post_ref), text


# A clear post in these new phrasings is published at once; a question never is.
CERTAIN_POSTS = [
    "À SAISIR : 12 cagettes de pommes, à prendre à Limoux",
    "Nous serions preneurs de farine et de sucre pour l'atelier cuisine",
    "notre VL est dispo demain matin",
    "besoin d'un PL lundi pour 12 palettes",
]


@pytest.mark.parametrize("text", CERTAIN_POSTS)
def test_clear_new_phrasings_are_certain(gazetteer: Gazetteer, text: str) -> None:
    u = understand(text, NOW, gazetteer)
    assert u.intent in POSTS and u.certain, (u.intent, u.confidence, u.guessed)


@pytest.mark.parametrize(
    "text",
    [
        "des oranges en quantité, qui est preneur ?",
        "une asso aurait de la place au frais pour 5 palettes ?",
        "quelqu'un veut 10 kg de carottes ? sinon poubelle vendredi",
    ],
)
def test_posts_asked_as_questions_are_confirmed(gazetteer: Gazetteer, text: str) -> None:
    u = understand(text, NOW, gazetteer)
    assert u.intent in POSTS and not u.certain


# -- issue 10 (tune10b): spare capacity without « prête / dispo / propose » -------------------


@pytest.mark.parametrize(
    ("text", "intent", "category"),
    [
        (
            "on n'utilise plus notre chambre froide le lundi, si vous cherchez de la place",
            "equipment_offer",
            "stockage_froid",
        ),
        (
            "nous n'occupons pas la salle du fond en janvier, si une asso cherche à stocker du sec",
            "equipment_offer",
            "stockage",
        ),
        ("on peut dépanner en stockage cet hiver, appelez-nous", "equipment_offer", "stockage"),
        (
            "notre frigo camion reste au garage mardi, si ça intéresse une asso",
            "equipment_offer",
            "vehicule_frigo",
        ),
        (
            "on cherche à stocker 3 palettes de conserves en janvier",
            "equipment_request",
            "stockage",
        ),
    ],
)
def test_spare_capacity_in_other_words(
    gazetteer: Gazetteer, text: str, intent: str, category: str
) -> None:
    got = understand(text, NOW, gazetteer).to_contract()
    assert (got["intent"], got["category"]) == (intent, category)


# -- issue 10 (tune10b): formal and indirect wording ------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "post_ref"),
    [
        (
            "Sous quelles conditions une épicerie non adhérente accède-t-elle aux annonces ?",
            "help",
            None,
        ),
        (
            "Bonjour, ma collègue se demande si le bot peut envoyer un rappel la veille",
            "help",
            None,
        ),
        ("je me demandais si le service pouvait m'envoyer les offres par mail", "help", None),
        (
            "existe-t-il encore des offres de produits frais ? Le CCAS de Vire serait preneur.",
            "list",
            None,
        ),
        ("Pouvez-vous retirer notre proposition 64 ? Le camion est déjà prêté.", "cancel", 64),
        ("qqn sait si le CCAS fait des colis le 20 ?", "unknown", None),
        ("quelqu'un sait si la banque alimentaire fait une ramasse le 9 ?", "unknown", None),
        ("c'est fait pour le 14, merci", "done", 14),
        (
            "c'est moi qui ai posté l'annonce des pommes ce matin, appelez-moi si besoin",
            "unknown",
            None,
        ),
        (
            "c'est moi qui ai mis l'annonce du pain, je réponds aux questions ce soir",
            "unknown",
            None,
        ),
    ],
)
def test_formal_and_indirect_wording(
    gazetteer: Gazetteer, text: str, intent: str, post_ref: int | None
) -> None:
    u = understand(text, NOW, gazetteer)
    assert (u.intent, u.post_ref) == (intent, post_ref)
