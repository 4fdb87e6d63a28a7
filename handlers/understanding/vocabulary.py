"""The command words, defined once: the dispatcher's table, the parser and /aide read them here.

Each command has its canonical name (the one /aide shows and the rights table is keyed by),
its synonyms (French and English, singular and plural, written folded: lower case, no
accents — typed words are folded the same way, so /Matériel is /materiel), what the parser
reads from it, and whether it may be written without the slash (WhatsApp has no command menu).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

# What the parser reads from a command: an intent, or a direction whose family (food or shared
# resource) still comes from what the message names ("equipment": resource, direction by its
# wording; "urgent": a request that is urgent).
CommandReading = Literal[
    "request", "urgent", "offer", "equipment", "claim", "done", "cancel", "list", "help"
]
# How the command may be written without its slash: never; followed by a post number
# (`prendre 12`, not `prendre soin`); or alone (`liste`), the dispatcher deciding which
# arguments a bare word may take.
BareUse = Literal["never", "post_number", "alone"]


@dataclass(frozen=True)
class CommandWords:
    name: str
    synonyms: tuple[str, ...] = ()
    reads_as: CommandReading | None = None
    bare: BareUse = "never"
    # Which of its words may be written bare (None: all). A bare word followed by a number is a
    # command, so everyday verbs (« prends 2 cagettes du 12 », « livre 12 cartons ») stay
    # slash-only and are left to the free reading.
    bare_only: tuple[str, ...] | None = None
    # Words that, opening a free message and followed by the goods (« don 4 cagettes de
    # pommes »), read as this command; the dispatcher leaves them to the free reading.
    post_heads: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)

    @property
    def bare_words(self) -> tuple[str, ...]:
        if self.bare == "never":
            return ()
        return self.words if self.bare_only is None else self.bare_only


VOCABULARY: Final[tuple[CommandWords, ...]] = (
    CommandWords("start", ("demarrer", "rejoindre", "join"), "help", "alone"),
    CommandWords("aide", ("help", "aider", "commandes"), "help", "alone"),
    CommandWords("besoin", ("demande", "need", "besoins", "demandes", "needs"), "request"),
    CommandWords(
        "don",
        ("offre", "surplus", "offer", "dons", "offres", "offers", "give", "donner", "donne"),
        "offer",
        post_heads=("don", "surplus"),
    ),
    CommandWords(
        "materiel",
        ("equipement", "equipements", "equipment", "mat"),
        "equipment",
        post_heads=("materiel",),
    ),
    CommandWords("urgent", ("urgence", "sos"), "urgent"),
    CommandWords(
        "prendre",
        ("prends", "take", "claim"),
        "claim",
        "post_number",
        ("prendre", "take", "claim"),
    ),
    CommandWords(
        "fait",
        ("done", "recupere", "termine", "livre", "fini"),
        "done",
        "post_number",
        ("fait", "done", "recupere"),
    ),
    CommandWords(
        "annuler",
        ("annule", "cancel", "supprimer"),
        "cancel",
        "post_number",
        ("annuler", "annule", "cancel"),
    ),
    CommandWords("corriger", ("fix", "edit"), None, "post_number"),
    CommandWords(
        "liste", ("list", "annonces", "voir", "lister"), "list", "alone", ("liste", "list")
    ),
    CommandWords("mes", ("mine",), None, "alone"),
    CommandWords("inviter", ("invite",)),
    CommandWords("langue", ("language", "lang")),
    CommandWords("numero", ("number",), None, "alone"),
    CommandWords("lier", ("link",), None, "alone"),
    CommandWords("alerte", ("alert",)),
    CommandWords("digest", ("point",)),
    CommandWords("arrivees", ("arrivals",)),
    CommandWords("relancer", ("relaunch",), None, "post_number"),
    # Bare too: WhatsApp shows the « Confirmer l'urgence » choice as « CONFIRMER 12 ».
    CommandWords("confirmer", ("confirm",), None, "post_number"),
    CommandWords("invitations", ("invites",)),
    CommandWords("revoquer", ("revoke",)),
    CommandWords("membres", ("members",)),
    # Not a synonym of /annuler: it removes a member (see handlers/membership.py).
    CommandWords("retirer", ("remove",)),
    CommandWords("promouvoir", ("promote",)),
    CommandWords("retrograder", ("demote",)),
    CommandWords("quitter", ("leave",)),
    # The confirmation's buttons (`/publier TOKEN`): never bare, « 1 / 2 / 3 » answer it there.
    CommandWords("publier", ("publish",)),
    CommandWords("reecrire", ("rewrite",)),
    CommandWords("abandonner", ("discard",)),
    # Issue 11: an association's profile and each member's notifications. Bare alone
    # (« profil », « notifs » on WhatsApp), or followed by one of their words (`profil rayon 40`).
    CommandWords("profil", ("profile", "profils"), None, "alone"),
    CommandWords("notifs", ("notif", "notifications", "notification"), None, "alone"),
    # Issue 13: the transfers as a file (coordinators: their association; administrators: the
    # network). Bare alone (« export » on WhatsApp).
    CommandWords("export", ("exporter", "exports"), None, "alone"),
    # Issue 15, privacy: one's data as a file (bare alone on WhatsApp), and erasing them
    # (slash only: it asks to confirm, then `/oublier oui`).
    CommandWords("mesdonnees", ("mydata", "donnees"), None, "alone"),
    CommandWords("oublier", ("forget", "forgetme")),
    # Issue 14, the shared equipment calendar (handlers/resources.py, handlers/bookings.py).
    # « ressource(s) » and « réserver » were words of /materiel and /prendre: they are these
    # commands' now (a post asking for equipment is still /materiel, a claim /prendre). Bare
    # (WhatsApp) with their arguments only: `reserver 3 jeudi 8h-14h`, `rendu R12`, `agenda 3`.
    CommandWords("ressource", ("resource",)),
    CommandWords("ressources", ("resources",), None, "alone"),
    CommandWords("reserver", ("reserve", "reservation", "book"), None, "alone", ("reserver",)),
    CommandWords("agenda", ("calendrier", "planning", "calendar"), None, "alone", ("agenda",)),
    CommandWords("rendu", ("rendre", "retour", "returned"), None, "alone", ("rendu",)),
    # Issue 14: group purchases. Bare alone (« achats ») or with a purchase number or one of
    # its words (`achat 12`, `achat 12 clore`); « commande 12 5 » bare only as number(s), so
    # that « commande 20 kg de riz » stays a message (handlers/purchases.py decides).
    CommandWords("achat", ("achats", "purchase", "purchases"), None, "alone"),
    CommandWords("commande", ("commander", "order"), None, "alone", ("commande", "commander")),
    # Issue 13: the bilan of a period (coordinators: their association; administrators: the
    # network). Bare alone or followed by a period (`bilan mois`); « rapport » is the PDF's.
    CommandWords("bilan", ("bilans", "stats", "statistiques", "indicateurs"), None, "alone"),
    # Issue 13, part 4: the monthly report as a PDF. Bare alone or followed by a period
    # (`rapport novembre`).
    CommandWords("rapport", ("rapports", "report"), None, "alone"),
)


def _by_word(vocabulary: tuple[CommandWords, ...]) -> dict[str, CommandWords]:
    found: dict[str, CommandWords] = {}
    for entry in vocabulary:
        for word in entry.words:
            if word in found:
                raise ValueError(f"command word {word!r} belongs to /{found[word].name} too")
            found[word] = entry
    return found


BY_WORD: Final[dict[str, CommandWords]] = _by_word(VOCABULARY)
BY_NAME: Final[dict[str, CommandWords]] = {entry.name: entry for entry in VOCABULARY}


def fold_word(word: str) -> str:
    """How a typed command word is compared: /Matériel is /materiel."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def command_words(name: str) -> CommandWords:
    """The entry of a canonical name (KeyError for a command the vocabulary lacks)."""
    return BY_NAME[name]


def reading_of(word: str) -> CommandReading | None:
    """What the parser reads from a folded command word (None: not a post command)."""
    entry = BY_WORD.get(word)
    return entry.reads_as if entry else None


def bare_words(bare: BareUse) -> tuple[str, ...]:
    """The words the parser reads as commands without a slash, for one bare use."""
    return tuple(
        word
        for entry in VOCABULARY
        if entry.reads_as is not None and entry.bare == bare
        for word in entry.bare_words
    )


# A posting command's plural written alone asks what is open of that kind (« /besoins »:
# the needs), as `/liste besoins` does; with words after it, it posts (« /besoins 30 kg riz »).
LISTED_WHEN_ALONE: Final[frozenset[str]] = frozenset(
    {"besoins", "demandes", "needs", "dons", "offres", "offers", "equipements"}
)
_ALONE_RE: Final = re.compile(r"^\s*/([^\W\d_]+)(?:@\w+)?\s*[.!?]*\s*$")


def listed_when_alone(text: str) -> str | None:
    """The plural word when `text` is only « /besoins » (or /offres…): the kind to list."""
    m = _ALONE_RE.match(text)
    if m is None:
        return None
    word = fold_word(m.group(1))
    return word if word in LISTED_WHEN_ALONE else None


_PLURAL_RE: Final = re.compile(r"^\s*/([^\W\d_]+)(?:@\w+)?\s+(.+?)\s*$", re.S)


def listed_with_args(text: str) -> tuple[str, str] | None:
    """(plural word, what follows) when `text` opens with « /besoins » (or /offres…) and has
    words after it: the caller lists when those words are a distance (« /besoins 20km »)."""
    m = _PLURAL_RE.match(text)
    if m is None:
        return None
    word = fold_word(m.group(1))
    return (word, m.group(2)) if word in LISTED_WHEN_ALONE else None


def post_heads() -> tuple[str, ...]:
    return tuple(word for entry in VOCABULARY for word in entry.post_heads)
