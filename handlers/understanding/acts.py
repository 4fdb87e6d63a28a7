"""What a message does when it is not a post: a question, chat, a how-to, a look at what is open.

Every function here reads the *folded* text (``fold(readable(text)).text``: lower case, no
accents, texting shorthand spelled out) and is pure. The parser uses them to choose an intent;
the confidence rule and the handlers may use them as signals:

- :func:`is_question`: the message asks something (a « ? » at its end, an interrogative opening,
  an inversion such as « avez-vous »). A question is never a post published unasked.
- :func:`looks_like_chat`: thanks, greetings, a question to a person about something other than
  goods, a report of what happened: words of the conversation, not a post.
- :func:`asks_how`: a question about how to use the bot (→ ``help``), never an action on a post,
  even when it names one (« comment on fait pour le 12 ? »).
- :func:`asks_what_is_open`: a question or a request to see what is open (→ ``list``).
"""

from __future__ import annotations

import re
from typing import Final

from . import prefilter
from .lexicon import TAKES_A_POST

# What the bot deals in, as volunteers name it: asking about these is about the bot.
_BOT_THINGS = (
    r"(?:annonces?|offres?|demandes?|besoins?|dons?|posts?|commandes?|bot|robot|boucle|"
    r"photos?|groupe|materiel|liste|messages?|publications?|/[a-z]+)"
)
# The things listed by /liste, when asked about as a whole (« les besoins », « des offres »).
_OPEN_THINGS = r"(?:annonces|besoins|offres|dons|demandes|posts|propositions|surplus)"
_OPEN_NOW = (
    r"(?:du moment|en ce moment|ouvert(?:e|s|es)?|en cours|actuel\w*|non pris\w*|pas pris\w*|"
    r"encore dispo\w*|en attente|de la semaine|cette semaine|du jour|aujourd'hui|ce soir|"
    r"pour (?:noel|janvier|fevrier|la semaine|demain|ce week-end))"
)

# Doing something with the bot: « poster une offre », « utiliser le bot », « m'inscrire ».
_USE_THE_BOT = (
    r"(?:(?:m'|s'|me |se )?inscrire\b|(?:poster|publier|mettre|creer|deposer|passer|annuler|"
    r"supprimer|retirer|modifier|corriger|repondre|utiliser|proposer|signaler|ajouter|envoyer|"
    rf"ecrire)\b(?:\s[\w']+){{0,2}}?\s?(?:a |au |sur )?"
    rf"(?:une |un |mon |ma |mes |l'|le |la |les |des |notre |nos |cette |ce )?{_BOT_THINGS}\b)"
)

# « comment », « how », « marche à suivre », « on écrit comment » ... — asking for a way.
_HOW_RE: Final = re.compile(
    r"\bcomment\b|\bhow\b|\bmarche a suivre\b|\bpar ou (?:je |on )?commence"
    r"|\b(?:il )?faut (?:ecrire|mettre|taper|faire) quoi\b|\bquoi (?:ecrire|taper|mettre)\b"
    r"|\bdifference entre\b|\bje fais quoi\b|\bque (?:dois|faut)[- ]"
    r"|\b(?:je|on) (?:dois|doit) (?:mettre|ecrire|preciser|indiquer)\b"
    r"|\b(?:c'est|est-ce) possible de (?:mettre|joindre|ajouter|modifier|poster|publier)\b"
    r"|\bon peut (?:poster|publier|ecrire|mettre une photo|joindre)\b"
    r"|\bje n'?(?:y )?arrive pas a\b|\bque faire\b"
    r"|\bc(?:'est)? (?:quoi|koi) les commandes\b"
    r"|\bbesoin d'aide pour (?:utiliser|me servir|comprendre)\b"
    # « à quoi sert /fait ? », « quelle est la syntaxe pour /prendre ? », « je tape quoi ? »,
    # « il faut mettre le numéro… ? », « m'expliquer le fonctionnement de ce service »
    r"|\ba quoi (?:sert|servent)\b|\b(?:quelle est|c'est quoi|c quoi) la (?:commande|syntaxe|"
    r"procedure|demarche)\b|\bla syntaxe\b|\b(?:je |j'|on )(?:tape|ecri[st]|mets?) quoi\b"
    r"|\bil faut (?:mettre|ecrire|taper|indiquer|preciser|donner) [^.!?]{0,60}\?"
    r"|\bexpliquer? (?:le fonctionnement|comment)\b|\bfonctionnement (?:de|du) (?:ce|cette|la|l')"
    r"|\bhow (?:does|do|to|can)\b"
    # « est-ce que je peux proposer des bénévoles par ici ? »: asks what the channel is for
    r"|\b(?:peux|peut|pourrai[st]?|pourrions|possible de) [^.!?]{0,40}\b"
    r"(?:par ici|ici|sur (?:ce|le) "
    r"(?:groupe|bot|canal))\s?\?"
    # Issue 10 (tune10): help asked for without an asking word, « besoin d'aide pour poster
    # une offre », « du mal à utiliser le bot », « je galère pour annuler ma demande »; not
    # « besoin d'aide pour le tri » (a need of hands).
    rf"|\b(?:aide|du mal|galere|peine|bloquee?|coincee?)\s(?:pour|a)\s{_USE_THE_BOT}"
    rf"|\bbesoin d'(?:un coup de main|explications?)\s(?:pour|a)\s{_USE_THE_BOT}"
    # Issue 10 (tune10b): formal and indirect questions about the service, « dans quelles
    # conditions une association peut-elle consulter les annonces ? », « je me demandais si
    # le bot pouvait prévenir… »
    r"|\b(?:dans|a|sous) quelles? conditions?\b"
    r"|\b(?:me|se) demand\w* (?:si|comment) (?:le bot|le robot|boucle|ce service|le service|"
    r"l'appli|l'application)\b"
)
# « help stp », « aide svp » (spelled out by `readable`): a call for help, whatever follows.
_HELP_ALONE_RE: Final = re.compile(r"^(?:help|aide)\b(?:\W+\w+){0,5}\W*$")
# « comment on signale qu'une annonce a été récupérée » asks a way; « comment ça marche » too.
_HOW_ABOUT_BOT_RE: Final = re.compile(
    rf"\b{_BOT_THINGS}\b|\b(?:publi|post|signal|inscri|annul|modifi|supprim|repond|utilis|"
    r"mett|ecri|marche|fonctionn|commenc|prend|propos|demand|declar|work)\w*|/[a-z]+"
)

_QU = r"qu(?:'| |)"  # « qu'est-ce », « qu est ce », « quest ce »: typed without apostrophes
# Asking for what is open (→ list), as a question or a request to be shown.
_OPEN_RES: Final = (
    # « il reste quoi comme dons ? », « est-ce qu'il reste des offres ? », « qu'est-ce qui reste »
    rf"\b(?:il )?reste(?:-t-il)? (?:quoi|encore (?:des|quelque chose)|des {_OPEN_THINGS})\b",
    rf"\b{_QU}est[- ]ce {_QU}i "
    r"(?:reste|est (?:encore )?(?:dispo\w*|ouvert|a prendre|en attente))\b",
    rf"\b{_QU}est[- ]ce {_QU}(?:il|y) (?:y )?a (?:a|de) (?:prendre|recup\w*|dispo\w*)\b",
    # « ya des besoins à couvrir ? », « il y a encore des offres pas prises ? »
    rf"\b(?:il y a|y a|ya|y'a|y a-t-il|il y aurait) (?:encore |toujours )?(?:des|d') ?"
    rf"(?:{_OPEN_THINGS}|trucs? a (?:recup\w*|prendre))\b",
    # « c'est quoi les besoins », « c koi les besoins pr janvier »
    rf"\bc(?:'est)? (?:quoi|koi) les {_OPEN_THINGS}\b",
    # « les besoins du moment », « les annonces ouvertes » (« des surplus de la semaine »
    # introduces an offer)
    rf"\bles {_OPEN_THINGS} {_OPEN_NOW}",
    # « montre moi les besoins », « rappelle moi les demandes », « la liste stp »
    rf"\b(?:montre|rappel\w*|donne|envoie|affiche|voir|lister?|avoir) (?:moi |nous )?"
    rf"(?:la liste|les {_OPEN_THINGS}|tout ce qui)",
    r"^(?:la )?liste\b(?:\W+\w+){0,5}\W*$",  # « la liste stp » (« s'il te plaît »)
    r"\bliste de (?:ce qui|tout)\b",
    r"\b(?:tout )?ce qui (?:est |reste )?(?:encore )?(?:dispo\w*|a prendre|a recup\w*|ouvert|"
    r"en attente|en cours)\b",
    r"\bqu'?est[- ]ce qu'?on (?:peut|pourrait) (?:aller )?(?:recuperer|prendre)\b",
    r"\b(?:qu'?est[- ]ce que|que) les autres (?:assos?|associations|structures) "
    r"(?:demandent|recherchent|cherchent|proposent|offrent|donnent)\b",
    r"\bwhat(?:'s| is) (?:available|open)\b",
    # A question about open things alone: « des offres de pain aujourd'hui ? », « des annonces
    # sur l'Aveyron en ce moment ? », « quelqu'un a posté des offres de fruits ? »
    rf"^\W*(?:des|d'autres|de nouvelles) {_OPEN_THINGS}\b[^.!?]{{0,60}}\?\s*$",
    r"\b(?:a|ont|avez|as) (?:deja |encore )?(?:poste|publie|mis) (?:des|d'autres) "
    rf"{_OPEN_THINGS}\b",
    # « vous avez quoi en fruits à donner ? », « y a quoi de dispo ? »; Spanish « qué hay »
    r"\b(?:vous avez|avez-vous|vous auriez|il y a|y a|ya|y'a) quoi (?:en|comme|a|de)\b",
    r"\bque hay\b|\bhay algo\b",
)
_OPEN_RE: Final = re.compile("|".join(_OPEN_RES))
# The same alternatives gated at once: each runs only where one of its heads occurs.
_OPEN_GATES: Final = prefilter.Gates(re.compile(p) for p in _OPEN_RES)

# -- questions and chat ----------------------------------------------------------------------
_QUESTION_START_RE: Final = re.compile(
    r"^(?:comment|pourquoi|quand|qui|quoi|quel|quels|quelle|quelles|combien|est-ce|est ce"
    r"|c'est quoi|c'est qui|c'est ou|c'est quand|qu'est-ce|qu'est ce|ou ca|ou est|ou sont"
    r"|on fait comment|ca marche comment)\b"
)
_INVERSION_RE: Final = re.compile(
    r"\b(?:avez|pouvez|pourriez|savez|etes|auriez|as|peux|sais)-(?:vous|tu)\b|\best-ce qu"
)
# A past participle after « avez / as / a »: what someone did, not goods asked for.
_DONE_BY_SOMEONE = (
    r"(?:(?:bien |deja )?(?:pu|su|reussi a|pense a) \w+"
    r"|(?:bien |deja )?(?:recu|reussi|pense|vu|fait|eu|joint|pris|note|envoye|lu|ete|"
    r"appele|contacte|trouve|ecoule|distribue|reserve|ramene|range|ferme|oublie|perdu|garde|"
    r"recupere))"
)
# Chat, by class: each alternative reads a kind of sentence that is never a post.
_CHAT_RES: Final = (
    # Questions to a person about what they did: « vous avez bien reçu les pâtes ? »,
    # « avez-vous pensé à … », « qui a pris les cagettes ? », « quelqu'un a vu passer … »
    rf"\b(?:vous avez|avez-vous|tu as|as-tu|quelqu'un a|qui a|qui avait) {_DONE_BY_SOMEONE}\b",
    # Asking for information, not goods: « quelqu'un sait si … », « savez-vous si … »,
    # « qqn peut me dire si … », « qui a le numéro de … », « quel est le code … »
    r"\b(?:quelqu'un|qui|vous) (?:sait|saurait|savez|saurai\w*|connait|connaitrai\w*|"
    r"s'y connait)\b",
    r"\bsavez-vous\b|\bsais-tu\b",
    r"\b(?:peut|pourrait|pouvez|pourriez|peux|pourrais)(?:-vous|-tu)? me (?:dire|rappeler|"
    r"confirmer|renseigner|tenir au courant)\b(?! (?:les|ce qui|comment))",
    r"\b(?:quelqu'un|qui) a (?:le|la|les|l') ?(?:num\w*|no|tel\w*|contact|mail|adresse|cle|"
    r"cles|code|photo|lien)\b",
    r"\bquel(?:le)? est (?:le|la|l')",
    r"\b(?:qui|vous) (?:etait|etiez|vient|viendra|viennent|venez|sera|serez|seront|passe) "
    r"(?:a|au|aux|a la|demain|samedi|ce|cet|cette)\b",
    r"\bvous etes combien\b|\bcombien (?:de|d') ?\w+ (?:vous|on|tu|avez|as)\b",
    r"\bcombien (?:vous|on|tu) (?:avez|a|as|etes)\b",
    # Said to one person (« Nicolas, tu as besoin d'aide ? »): posts speak to the network.
    r"\btu (?:as|es|peux|pourrais|viens|sais|vas)\b",
    # Where things go or are: « les cagettes vides on les ramène où ? »
    r"\bou (?:du coup |ca |exactement )?\?\s*$|\b(?:c'est|c) ou\b"
    r"|\bou (?:est|sont) (?:le|la|les)\b",
    # Thanks for what was done: « merci pour les 20 kg de pommes hier ! »
    r"^(?:un )?(?:grand |gros |immense )?merci\w* (?:pour|a|aux|de votre|a vous)\b",
    r"^(?:un )?(?:grand |gros |immense )?merci\w*\W*$",
    # Reports of what happened: « les colis sont tous partis », « la distribution s'est bien
    # passée », « tout a été distribué »
    r"\b(?:sont|est) (?:tous |toutes |tout |bien |deja )*(?:partis?|parties?|passee?s?|"
    r"distribue\w*|arrive\w*|termine\w*)\b(?!.*\b(?:besoin|manque|cherch|donner|dispo\w*)\b)",
    r"\bs'est (?:bien |tres bien )?(?:passee?|deroulee?)\b",
    # Meetings and paperwork, not goods: « la réunion de jeudi est maintenue ? », « c'est pour
    # le bilan »
    r"\b(?:reunion|formation|ag|assemblee|permanence|distrib\w*)\b[^?.!]{0,30}\b(?:maintenue?|"
    r"annulee?|reportee?|decalee?|confirmee?|a quelle heure|c'est quand|est (?:demain|ce))\b",
    r"\bpour (?:le|la|mon|notre|un|une) (?:bilan|rapport|dossier|expose|subvention|compte rendu)\b",
    # News and figures asked for, not goods: « quelqu'un a des nouvelles de… ? », « vous avez
    # des chiffres ? »
    r"\b(?:des|de ses|de leurs|les) nouvelles (?:de|d'|du|des)\b",
    r"\b(?:vous avez|avez-vous|quelqu'un a|qui a|vous auriez|auriez-vous) (?:des|les) "
    r"(?:chiffres|stats?|statistiques|infos?|informations|renseignements|retours|conseils)\b",
    # Issue 10 (tune10b): about one's own post (« c'est moi qui ai posté l'annonce des
    # clémentines, si vous avez des questions »): talk about it, not a new post.
    r"\b(?:qui ai|j'ai|qui avons) (?:poste|publie|mis|passe) (?:l'annonce|l'offre|la demande|"
    r"le post|la proposition)\b",
)
_CHAT_RE: Final = re.compile("|".join(_CHAT_RES))
_CHAT_GATES: Final = prefilter.Gates(re.compile(p) for p in _CHAT_RES)
_TRAILING_SIGNS_RE: Final = re.compile(r"[^\w?]+$")
_SENTENCE_QUESTION_RE: Final = re.compile(r"\w\s?\?+\s")  # « … me rappeler ? C'est Gérard »


def is_question(folded: str) -> bool:
    """Is the message phrased as a question? (« ? » ending it or one of its sentences, emojis
    after it do not count; an interrogative opening; an inversion or « est-ce que »)."""
    stripped = _TRAILING_SIGNS_RE.sub("", folded)
    return (
        stripped.endswith("?")
        or bool(_SENTENCE_QUESTION_RE.search(folded))
        or bool(_QUESTION_START_RE.match(folded))
        or bool(prefilter.search(_INVERSION_RE, folded))
    )


def looks_like_chat(folded: str) -> bool:
    """Thanks, a question to a person, a meeting, a report of what happened: conversation,
    not a post (a post cue written as well may still outweigh it: the parser decides)."""
    return _CHAT_GATES.any_match(folded)  # as _CHAT_RE: one of its alternatives matches


def asks_how(folded: str) -> bool:
    """A question about how the bot is used (« comment je mets une offre ? », « on fait
    comment pour répondre à une annonce »): help, never a post nor an action."""
    if _HELP_ALONE_RE.match(folded):
        return True
    if prefilter.search(_HOW_RE, folded) is None:
        return False
    return bool(_HOW_ABOUT_BOT_RE.search(folded)) or bool(
        re.search(r"\bcomment (?:on fait|faire|je fais|fait[- ]on|ca)\b", folded)
    )


def asks_what_is_open(folded: str) -> bool:
    """« c'est quoi les besoins en ce moment ? », « la liste stp », « ya quoi comme offres »."""
    return _OPEN_GATES.any_match(folded)  # as _OPEN_RE: one of its alternatives matches


# -- actions on a post, in casual forms (the parser pairs them with a post number) ------------
# Firm: the writer takes the post themselves — whatever else the message says, with a post
# number these are a claim (« on le prendrait bien », « je me positionne sur le 14 »).
CLAIM_FIRM_RE: Final = re.compile(
    r"\b(?:prendrai[st]?|prendrions|prendriez|recupererai[st]?|recupererions|jprend\w*)\b"
    r"|\b(?:je|on|nous|j') ?(?:le |la |les |l'|en )?(?:prend|prends|prenons|reserve|reservons)\b"
    r"|\b(?:veut|veux|voulons|voudrai[st]|voudrions) (?:bien|volontiers)\b"
    r"|\bsouhait\w* (?:beneficier|recuperer|prendre|avoir|reserver|le |la |l')"
    r"|\b(?:me|se|nous) (?:positionn\w*|mets|met|mettons) sur\b|\bpositionn\w* sur\b"
    r"|\b(?:c'est |ok |go )?pour (?:nous|moi)\b(?! \w+(?:er|ir)\b)"  # not « pour nous aider »
    # « preneurs du 12 » takes a post; « preneurs de jus » asks for goods
    rf"|\bgo pour\b|\bpartant\w* pour\b|\bpreneu\w*{TAKES_A_POST}"
    r"|\breserv\w*[- ](?:pour (?:nous|le|la|l'|les|notre|nos)|nous|le|la|l')"
    r"|\b(?:nous|m') ?irai[te]? bien\b"
    # « CCAS Lectoure prend le 11 », « prenons le 29 », « we take the 52 »
    r"|\b(?:prend|prennent|prenons|prends|reservons) (?:le|la|l'annonce|l'offre|#) ?\d"
    r"|\b(?:we|i)(?:'ll| will)? take\b"
    # « on peut se charger du 70 », « ce serait possible qu'on prenne le 36 ? »
    r"|\b(?:se|me|nous) charg(?:er|e|eons|es) (?:du|de l'|de la|des)\b"
    r"|\bqu'(?:on|il|elle) (?:puisse )?(?:prenne|recupere|reserve)\b"
    r"|\bque (?:nous|je) (?:prenions|prenne|recuperions|reservions)\b"
    # « on aimerait récupérer 2 palettes sur les 6 du 38 », « on voudrait 4 cartons sur… »
    r"|\b(?:aimerai\w*|aimerions|voudrai\w*|voudrions|souhaiterai\w*) (?:bien )?"
    r"(?:recuperer|prendre|reserver|\d)"
    # « #14 pour l'épicerie de Pamiers »: a post, then who it is for
    r"|#\s?\d{1,6},? (?:c'est |est )?pour (?:l'|la |le |les |notre |nos )?(?:epicerie|asso\w*|ccas|"
    r"restos?|secours|croix|banque|paroisse|foyer|maraude|equipe|antenne|centre)"
    r"|\binteress\w* par\b|\bnous interesse\b"
)
# Soft: taking is one reading among others (« dispo pour récupérer le 25 », « passer chercher
# le 48 »): a claim only when nothing says the message is a post.
CLAIM_SOFT_RE: Final = re.compile(
    r"\b(?:pourrai[st]|pourrions|peut|peux|pouvons|possible de|pourrait-on|peut-on)(?: on)? "
    r"(?:en )?(?:prendre|avoir|recuperer|reserver|beneficier)\b"
    r"|\bpass\w* (?:le |la |les )?(?:chercher|prendre|recuperer)\b"
    # Issue 10 (tune10): « on vient le chercher », « je viendrai les récupérer demain »
    r"|\b(?:vien[st]|venons|viendr\w+) (?:le |la |les |l'|en )?(?:chercher|prendre|recuperer)\b"
    r"|\bbeneficier de\b|\b(?:dispo\w*|pret\w*) pour (?:le |la |les )?(?:recuperer|prendre)\b"
)
# A post collected or received, said casually: « le 3 on l'a eu », « bien arrivé »,
# « bonne réception », « a été enlevée ».
DONE_MORE_RE: Final = re.compile(
    r"\bl'a(?:vons)? (?:eu|eue|recu|recue|recupere|recuperee)\b"
    r"|\bbien (?:arrive|recu)e?s?\b|\bbonne reception\b"
    r"|\ba (?:bien )?ete (?:enlevee?|recuperee?|livree?|pris|prise|servie?|honoree?)\b"
    # « annonce 14 : enlevée ce matin », « 9 : enlevé », « 5 récup ✔️ »
    r"|\b(?:enlevee?s?|honoree?s?)\b"
    r"|recup\b(?:(?<=\drecup)|(?<=\d recup)|(?<=\d: recup)|(?<=\d : recup))"
)
# A post withdrawn by its author: « vous pouvez enlever notre demande », « trouvé ailleurs ».
CANCEL_MORE_RE: Final = re.compile(
    r"\b(?:enlev|retir|supprim)(?:er|ez|e|ons) (?:notre|ma|mon|la|le|l'|nos|mes)"
    r"|\btrouve\w* ailleurs\b|\bn'en (?:a|avons) plus besoin\b"
    # « oubliez le 16 » (not « n'oubliez pas »), « suppression de l'annonce 3 », « cancel le 44 »
    r"|\boubli(?<!n'oubli)(?:ez|e|ons) (?!pas\b)(?:le|la|l'|notre|ma|mon|nos|#)"
    r"|\b(?:suppression|retrait) (?:de|du|d')|\bcancel\w*"
    # « nous ne sommes finalement plus demandeurs », « nous renonçons à notre demande »
    r"|\bne (?:sommes|suis|serons) (?:\w+ )?plus (?:demandeu|preneu|interesse)\w*"
    r"|\brenon(?:c|ce|cons|cez)\w* a (?:notre|ma|mon|nos|la|le|l')"
)
# Words before a number that make it a day, not a post (« avant le 12 », « jeudi 12 »).
DATE_BEFORE_RE: Final = re.compile(
    r"(?:\bavant|\bapres|\bjusqu'|\bd'ici|\ba partir|\bdepuis|\bdes|\bentre|\bcomme|\bvers|"
    r"\blundi|\bmardi|\bmercredi|\bjeudi|\bvendredi|\bsamedi|\bdimanche|\bdate)"
    r"(?: au| du| le| la| l')?\s?$"
)
# After a number: a time (« le 12 à 10h ») makes it a day.
DATE_AFTER_RE: Final = re.compile(r"^\s?(?:a|vers|des|avant)\s\d{1,2}\s?h")
