"""Words of the trade, as regular expressions over folded text (lower case, no accents).

Each category lists the words that name it; a word is written with its usual endings
(``yaourts?`` for "yaourt" and "yaourts"). Order inside a family does not matter: the
parser takes every match, then applies the precedence rules of the contract.
"""

from __future__ import annotations

import re
from typing import Final


def _alt(*words: str) -> str:
    return "|".join(words)


FOOD: Final[dict[str, str]] = {
    "bebe": _alt(
        r"bebes?",
        r"laits? infantiles?",
        r"infantiles?",
        r"nourrissons?",
        r"lait (?:de )?(?:1er|2e|2eme|3e|3eme|premier|deuxieme|troisieme|1|2|3) ?age",
        r"lait (?:de )?croissance",
        r"petits? pots?",
        r"couches?(?! adultes?)(?: bebe)?",
        r"changes? complets? bebe",
        r"biberons?",
        r"puericulture",
        r"bledine",
        r"lingettes? bebe",
        r"pots? pour bebe",
    ),
    "surgeles": _alt(
        r"surgel(?:e|es|ee|ees|er)",
        r"congel(?:e|es|ee|ees)",
        r"produits? congel\w*",
        r"glaces?(?! pilee)",
        r"cremes? glacees?",
        r"frozen",
    ),
    "conserves": _alt(
        r"conserves?",
        r"en boite",
        r"en boites",
        r"en conserve",
        r"bocal",
        r"bocaux",
        r"en bocal",
        r"appertis\w*",
        r"boites? (?:de |d')(?:thon|sardines?|maquereaux?|haricots|petits? pois|legumes|"
        r"foie gras|rillettes|confits? de canard|"
        r"tomates?|raviolis?|mais|cassoulet|lentilles|pois chiches|fruits au sirop|"
        r"pates? de tomates?|ratatouille|champignons|flageolets|soupe|poisson)",
        r"cassoulets?",
        r"raviolis? en boite",
        r"thon en boite",
        r"pots? (?:de |d')(?:\w+ ){1,2}en verre",  # jarred
    ),
    "boissons": _alt(
        r"jus(?: (?:de |d')\w+)?",
        r"eaux?(?! de javel)(?: (?:minerale|plate|gazeuse|de source))?",
        r"sodas?",
        r"boissons?",
        r"sirops?",
        r"limonades?",
        r"coca(?: cola)?",
        r"bouteilles? d'eau",
        r"packs? d'eau",
        r"briques? de jus",
        r"nectars?",
        r"smoothies?",
    ),
    "hygiene": _alt(
        r"hygiene",
        r"produits? d'hygiene",
        r"hygieniques?",
        r"savons?",
        r"lessives?",
        r"gels? douches?",
        r"shampo{1,2}ings?",
        r"shampoo",
        r"dentifrices?",
        r"brosses? a dents?",
        r"papier toilette",
        r"papier wc",
        r"pq",
        r"serviettes? hygieniques?",
        r"protections? (?:hygieniques?|periodiques?)",
        r"tampons?",
        r"deodorants?",
        r"deos?",
        r"rasoirs?",
        r"mouchoirs?",
        r"produits? (?:d'entretien|menagers?)",
        r"liquide vaisselle",
        r"eau de javel",
        r"javel",
        r"couches? adultes?",
        r"gel hydroalcoolique",
        r"cotons?(?: tiges?)?",
        r"lingettes?",
        # « crème solaire », « crème hydratante »: a toiletry, not the dairy cream
        r"cremes? (?:solaires?|hydratantes?|pour les mains|pour le corps|de jour|pour bebes?)",
        r"protections? solaires?",
        r"ecrans? solaires?",
    ),
    "fruits_legumes": _alt(
        r"fruits?",
        r"legumes?",
        r"f ?& ?l",
        r"f ?et ?l",
        r"pommes? de terre",
        r"pdt",
        r"patates?",
        r"pommes?",
        r"poires?",
        r"oranges?",
        r"bananes?",
        r"clementines?",
        r"mandarines?",
        r"citrons?",
        r"kiwis?",
        r"raisins?(?! secs?)",
        r"fraises?",
        r"framboises?",
        r"cerises?",
        r"abricots?",
        r"peches?",
        r"nectarines?",
        r"prunes?",
        r"melons?",
        r"pasteques?",
        r"ananas",
        r"mangues?",
        r"tomates?",
        r"carottes?",
        r"courgettes?",
        r"aubergines?",
        r"poivrons?",
        r"salades?(?! composees?)",
        r"laitues?",
        r"choux?(?: fleurs?)?",
        r"brocolis?",
        r"epinards?",
        r"haricots? verts?",
        r"poireaux?",
        r"oignons?",
        r"echalotes?",
        r"navets?",
        r"radis",
        r"betteraves?",
        r"potirons?",
        r"potimarrons?",
        r"courges?",
        r"citrouilles?",
        r"butternuts?",
        r"concombres?",
        r"celeris?",
        r"champignons?",
        r"endives?",
        r"artichauts?",
        r"avocats?",
        r"fenouils?",
        r"panais",
        r"primeurs?",
        r"agrumes?",
        r"figues?",
        r"chataignes?",
        r"ail",
    ),
    "produits_laitiers": _alt(
        r"lait(?:s)?(?! (?:infantile|de croissance|(?:de )?(?:1er|2e|2eme|3e|1|2|3) ?age))",
        r"laitages?",
        r"produits? laitiers?",
        r"yaourts?",
        r"yogh?ourts?",
        r"fromages?(?: blancs?)?",
        r"beurres?",
        r"cremes?(?! (?:glacees?|dessert))(?: fraiches?)?",
        r"cremes? dessert",
        r"petits? suisses?",
        r"faisselles?",
        r"emmental",
        r"gruyere",
        r"mozzarella",
        r"camemberts?",
        r"comte",
        r"raclette",
        r"desserts? lactes?",
        r"kefir",
        r"fromage frais",
    ),
    "viande_poisson_oeufs": _alt(
        r"viandes?",
        r"boeuf",
        r"veau",
        r"porc",
        r"agneau",
        r"poulets?",
        r"volailles?",
        r"dindes?",
        r"canards?",
        r"jambons?",
        r"saucisses?",
        r"saucissons?",
        r"charcuteries?",
        r"steaks?",
        r"steacks?",
        r"hache(?:e|s|es)?",
        r"lardons?",
        r"merguez",
        r"chipolatas?",
        r"escalopes?",
        r"nuggets?",
        r"cordons? bleus?",
        r"poissons?",
        r"saumons?",
        r"thon",
        r"cabillauds?",
        r"colin",
        r"merlu",
        r"sardines?",
        r"maquereaux?",
        r"crevettes?",
        r"moules?",
        r"filets? de poisson",
        r"oeufs?",
        r"pate",  # "pâté": only when written with its accent, see parser
    ),
    "epicerie_seche": _alt(
        r"pates?(?! (?:a tartiner|feuilletee|brisee))",
        r"spaghettis?",
        r"coquillettes?",
        r"macaronis?",
        r"riz",
        r"farines?",
        r"sucres?",
        r"huiles?",
        r"cafes?",
        # « du thé », « café, thé », « thé vert »; not the English article (« the student
        # restaurant gives potatoes »: issue 10, tune10b)
        # (the word first, its context after: a pattern that starts with a look-behind is
        # tried at every position)
        r"the(?:(?<=\bdu the)|(?<=\bde the)|(?<=\ble the)|(?<=\bdes the)|(?<=\ben the)"
        r"|(?<=[,+/:(] the)"
        r"|(?=\s?(?:[,.;:!?+/)]|$)|\s(?:et|ou|vert|noir|glace|menthe|a la|infusion|bio|en)\b))",
        r"thes",
        r"infusions?",
        r"tisanes?",
        r"chocolats?(?: en poudre)?",
        r"cacao",
        r"biscuits?",
        r"gateaux secs",
        r"cereales?",
        r"muesli",
        r"legumineuses?",
        r"legumes secs",
        r"lentilles?",
        r"pois chiches?",
        r"haricots? secs?",
        r"haricots? rouges?",
        r"semoule",
        r"couscous",
        r"quinoa",
        r"sel",
        r"poivre",
        r"epices?",
        r"vinaigre",
        r"moutarde",
        r"ketchup",
        r"mayonnaise",
        r"sauces?(?: tomates?)?",
        r"confitures?",
        r"pates? a tartiner",
        r"nutella",
        r"miel",
        r"compotes?",
        # « l'épicerie de Razimbaud », « notre épicerie »: a shop, named as a place; goods
        # only as « épicerie sèche » or « d'épicerie » (« 200 kg d'épicerie »).
        r"epiceries? (?:seches?|salees?|sucrees?)",
        r"(?<=d')epicerie",
        r"produits? secs",
        r"denrees? seches",
        r"flocons? d'avoine",
        r"madeleines?",
        r"levure",
        r"chapelure",
        r"petits? dejeuners?",
        r"raisins? secs?",
        r"fruits? secs",
        r"puree en flocons",
        r"lait en poudre",
    ),
    "boulangerie": _alt(
        r"pains?(?! au chocolat)",
        r"pains? au chocolat",
        r"chocolatines?",
        r"baguettes?",
        r"brioches?",
        r"viennoiseries?",
        r"croissants?",
        r"gateaux?(?! secs)",
        r"patisseries?",
        r"tartes?",
        r"pain de mie",
        r"boulangerie",
        r"muffins?",
        r"beignets?",
        r"galettes? des rois",
        r"buches?",
    ),
    "plats_prepares": _alt(
        r"plats?(?: (?:cuisines?|prepares?|chauds?|du jour|prets?|prepares))?",
        r"repas",
        r"plateaux? repas",
        r"sandwi?t?ch(?:s|es)?",
        r"sandwiches",
        r"salades? composees?",
        r"quiches?",
        r"pizzas?",
        r"lasagnes?",
        r"soupes?",
        r"veloutes?",
        r"traiteur",
        r"taboules?",
        r"hachis parmentier",
        r"gratins?",
        r"barquettes? repas",
        r"portions?",
        r"wraps?",
        r"paellas?",
    ),
    # Not food for people, but goods the network passes on all the same.
    "autre": _alt(
        r"croquettes? (?:pour |de |d')(?:chiens?|chats?|animaux)",
        r"(?:nourriture|aliments?|patee) (?:pour |de |d')(?:chiens?|chats?|animaux)",
        r"litieres?(?: pour chats?)?",
        # « 30 colis alimentaires »: mixed food parcels, no one family
        r"colis (?:alimentaires?|de denrees|de nourriture)",
    ),
}

RESOURCE: Final[dict[str, str]] = {
    "vehicule_frigo": _alt(
        r"(?:camion|camionnette|vehicule|fourgon|utilitaire|voiture|van|remorque|transport|"
        r"fourgonnette|porteur|minibus)s?(?: \w+){0,2}? "
        r"(?:frigo|frigorifi?ques?|frigorifies?|refrigeres?|isothermes?|froid)",
        r"camions? frigos?",
        # issue 10 (tune10b): « notre frigo camion »
        r"frigos? (?:camions?|camionnettes?|utilitaires?)",
        r"frigo roulant",
        r"vfs?",  # a logistician's « VF »: véhicule frigorifique
    ),
    "vehicule": _alt(
        r"camions?",
        r"camionnettes?",
        r"vehicules?",
        r"fourgons?",
        r"fourgonnettes?",
        r"utilitaires?",
        r"voitures?",
        r"vans?",
        r"remorques?",
        r"transport(?:er|ez|ons)?",
        r"livrer",
        r"livraisons?",
        r"convoyer",
        r"chauffeurs?(?: [\w']+){0,5}? avec (?:son |un |une |leur |sa |le |la |notre )?"
        r"(?:vehicule|camion|camionnette|voiture|utilitaire|fourgon)",
        r"navette",
        r"(?:un|le|du|d'un|notre|mon|son) \d{1,2} ?m3",
        r"vls?|pl",  # « 2 VL », « un PL »: véhicule léger, poids lourd (« pls » is please)
        r"ramener",
        r"faire (?:une|la|des|les) ramasses?",  # « un 20m3 »: a van by its volume
        r"poids lourds?",
        r"minibus",  # issue 10, part G: « notre minibus communal est libre »
        # Issue 10 (tune10b): a driver who brings their own vehicle is the vehicle (« je fais le
        # chauffeur…, j'ai ma voiture libre lundi », « je peux conduire avec mon utilitaire »);
        # « un chauffeur pour conduire notre camion » asks for a driver; « le chauffeur… fait la
        # tournée vendredi avec le camion à moitié vide » offers the truck.
        r"(?:chauffeu?rs?|conduire|conduis)[^.!?]{0,60}?\b(?:ma|mon|sa|son|leurs?|avec (?:le|la)) "
        r"(?:voiture|camionnette|utilitaire|fourgon|camion|vehicule|break|minibus)s?",
    ),
    "stockage_froid": _alt(
        r"chambres? froides?",
        r"cfs?(?!\.\s?[a-z])(?! ci\b)",  # « CF »: chambre froide (« cf. p. 3 » refers)
        r"(?:de la )?place (?:au|en) (?:froid|frais)",
        # « place pour 4 palettes au froid » (issue 10, part F)
        r"place pour (?:\d+ )?(?:palettes?|cartons?|colis) (?:au|en) (?:froid|frais)",
        r"frigos?",
        r"refrigerateurs?",
        r"congelateurs?",
        r"congel",
        r"congelos?",
        r"armoires? (?:refrigerees?|froides?)",
        r"vitrines? refrigerees?",
        r"cellules? de refroidissement",
        r"stockage (?:froid|frigorifique|refrigere|au froid)",
        r"espace froid",
        r"froid (?:positif|negatif)",
    ),
    "stockage": _alt(
        r"entrepots?",
        r"locaux",
        r"local",
        r"stockage",
        r"stocker",
        r"hangars?",
        r"garages?",
        r"caves?",
        r"espace de stockage",
        r"lieu de stockage",
        r"box",
        r"depots?",
        r"de la place",
        r"place pour (?:du |des |stocker)",
        r"entreposer",
        r"accueillir (?:\d+ |des |vos |les |leurs )?(?:palettes?|cartons?|colis|caisses?)",
        r"garder (?:\d+ |des |du |vos |les |de la |leurs )",
        r"chambres? seches?",
        # « une grande salle sèche », « le quai est libre » (issue 10, parts F and G)
        r"salles? seches?",
        r"quais? (?:est |sont )?libres?",
    ),
    "conserverie": _alt(
        r"conserveries?",
        r"autoclaves?",
        r"sterilisat\w+",
        r"steriliser",
        r"mise en conserve",
        r"mettre en conserve",
        r"mise en bocaux",
    ),
    "manutention": _alt(
        r"transpalettes?",
        r"transpals?",
        r"trans palettes?",
        r"diables?",
        r"chariots?(?: elevateurs?)?",
        r"palettes?(?: \w+)? vides?",
        r"caisses?(?: \w+)? vides?",
        r"caisses? (?:en )?plastiques?",
        r"cagettes? vides?",
        r"bacs?(?: vides?)?",
        r"gerbeurs?",
        r"rolls?",
        r"sangles?",
        r"manutention",
        r"clark",
        r"monte[- ]charges?",
        r"hayon",
    ),
    "benevoles": _alt(
        r"benevol+es?",
        r"du monde",
        r"(?:venir|veulent|peuvent|pourraient|pourront) (?:vous )?(?:aider|renforcer|donner)",
        r"renforcer",
        r"conduire",
        r"volontaires?",
        r"bras",
        r"coups? de main",
        r"mains? fortes?",
        r"chauffeurs?",
        r"renforts?",
        r"(?:personnes|gens|monde)(?= pour)",
        # « deux personnes de bonne volonté pour décharger » (issue 10, part G)
        r"personnes(?= de bonne volonte)",
        r"aide pour (?:trier|porter|decharger|charger|distribuer|la distribution|le tri)",
        r"(?:aider|aidez) a (?:trier|porter|decharger|charger|distribuer)",
        r"trieurs?",
        r"manutentionnaires?",
        # Helping hands named by the task or the people sent: « aider samedi au tri »,
        # « envoyer deux personnes », « on est 5 en service civique », « need volunteers ».
        r"aider(?: \w+)? (?:a|au|aux|pour) (?:la |le |les )?(?:distribution|distrib|tri|collecte|"
        r"ramasse|maraude|chargement|dechargement|inventaire)",
        r"(?:envoyer|detacher|preter) (?:\w+ )?(?:personnes|gens)",
        r"services? civiques?",
        r"donner (?:\d+ ?h\w*|\d+ heures|du temps|de (?:notre|leur|mon) temps|quelques heures)",
        r"volunteers?|people",
        # Issue 10 (tune10b): strong arms asked for by their build (« 1 gars costaud ») or
        # counted (« 2 gars pr décharger »); a driver of a lorry (« conducteur PL »).
        r"(?:gars|hommes?|personnes?|jeunes) (?:costauds?|costaudes?|baraques?|muscles?)",
        r"(?:\d+|un|deux|trois|quatre|cinq|six|quelques) gars",
        r"conducteurs?|conductrices?",
        r"(?:to|can|could) help(?: out)? (?:with|at|for|on)",  # « 2 students free to help with… »
    ),
}

# Goods and resources named in English or Spanish (issue 10, parts F and G: Erasmus students,
# « we have 20 kg of apples à donner », « necesitamos leche »): the everyday words of a post.
# « can » alone is the verb; « car » is French (because), « flour » is in Saint-Flour and « pan »
# in « un pan de mur »: left out.
FOREIGN_WORDS: Final[dict[str, str]] = {
    "bebe": _alt(r"nappies", r"diapers?", r"baby (?:food|formula|milk)", r"panales"),
    "conserves": _alt(r"canned \w+", r"tinned \w+", r"tins", r"cans", r"latas?"),
    "boissons": _alt(
        r"juices?",
        r"drinks?",
        r"bottled water",
        r"zumos?",
        r"water",
        r"agua",  # tune10b: water
    ),
    "hygiene": _alt(
        r"toilet (?:paper|rolls?)",
        r"soaps?",
        r"toothpastes?",
        r"toothbrush(?:es)?",
        r"sanitary (?:pads|towels)",
        r"hygiene products?",
        r"jabon",
    ),
    "fruits_legumes": _alt(
        r"apples?",
        r"pears?",
        r"potato(?:es)?",
        r"tomato(?:es)?",
        r"carrots?",
        r"onions?",
        # issue 10 (tune10b): the fruit and vegetables of students' posts
        r"strawberr(?:y|ies)",
        r"raspberr(?:y|ies)",
        r"bananas?",
        r"lemons?",
        r"cabbages?",
        r"cucumbers?",
        r"mushrooms?",
        r"fruits? and veg(?:etables|gies)?",
        r"veggies",
        r"vegetables?",
        r"lettuces?",
        r"verduras?",
        r"frutas?",
        r"manzanas?",
        r"patatas?",
    ),
    "produits_laitiers": _alt(
        r"yogh?urts?", r"milk", r"cheeses?", r"butter", r"dairy(?: products?)?", r"leche"
    ),
    "viande_poisson_oeufs": _alt(r"meat", r"chicken", r"fish", r"eggs", r"carne", r"huevos"),
    "epicerie_seche": _alt(
        r"rice", r"pasta", r"sugar", r"coffee", r"cereals?", r"arroz", r"harina"
    ),
    "boulangerie": _alt(r"bread", r"pastries", r"cakes?"),
    "plats_prepares": _alt(r"ready meals?", r"meals?", r"comidas?"),
    "stockage_froid": _alt(r"fridges?", r"freezers?", r"cold rooms?"),
    "vehicule": _alt(r"trucks?"),
}

CATEGORY_RES: Final[dict[str, re.Pattern[str]]] = {
    name: re.compile(rf"\b(?:{pattern}|{FOREIGN_WORDS[name]})\b")
    if name in FOREIGN_WORDS
    else re.compile(rf"\b(?:{pattern})\b")
    for name, pattern in {**FOOD, **RESOURCE}.items()
}

# -- intents -----------------------------------------------------------------------------
# « il faut que ça parte », « il faut venir avant 19h »: what to do, not what is lacking.
_NOT_AN_INSTRUCTION = (
    r"(?! (?:que (?:ca|cela|ce|tout|les)|venir|passer|compter|prevoir|appeler|les|le|la|l')\b)"
)
REQUEST_CUES: Final[list[tuple[str, float]]] = [
    (
        r"(?<!si )(?<!plus )(?<!pas )(?<!pas de )(?<!jamais )"
        r"\bbesoins? (?:urgents? )?(?:de|d'|d |en|du|des)\b",
        3,
    ),
    (r"(?<!si )(?<!plus )(?<!pas )(?<!jamais )\bbesoin\b", 2),
    (r"\b(?:on|nous|je|j') ?(?:re)?cherch(?:e|ons|ent)\b", 3),
    (r"\b(?:re)?cherch(?:e|ons|ez|ent|ons)\b", 2.5),
    (r"\brecherche\b", 2.5),
    (r"\bil (?:nous |me |leur )?(?:manque|faut|faudrait)\b" + _NOT_AN_INSTRUCTION, 3),
    (r"\b(?:nous|me|leur) (?:manque|faut|faudrait)\b", 3),
    (r"\bmanqu(?:e|ons|ent) (?:de|d')", 2.5),
    (r"\bon manque\b", 2.5),
    (r"\bqui (?:aurait|a|peut|pourrait|dispose|possede|aurais|peux|prete|pourra)\b", 3),
    (r"\bquelqu ?'? ?un (?:aurait|a|peut|pourrait|dispose|pour)\b", 3),
    (r"\b(?:qq ?1|qqn|qqun|qlq ?1|qlqn|quelqun|qlqun|qq'(?:un|1))\b", 2.5),
    (r"\b(?:auriez|avez|pourriez|pouvez)[- ]vous\b", 3),
    (r"\bvous (?:auriez|avez|pourriez)\b", 2),
    (r"\bplus (?:de|d') .{1,40}? en stock\b", 3),
    (r"\b(?:on|nous) n'?(?:a|avons) plus (?:de|d')", 3),
    (r"\bplus (?:de|d') .{1,30}? (?:pour|a|chez|dans)\b", 1),
    (r"\brupture\b", 3),
    (r"\bstocks? vides?\b", 2),
    (r"\bdemand(?:e|ons|ent)\b", 1.5),
    (r"\bappel aux dons\b", 3),
    (r"\bsollicit\w+", 2),
    (r"\b(?:je|on|nous) (?:voudrai(?:s|t)|voudrions|souhait\w+|aimerai\w*)\b", 2),
    (r"\bemprunt\w*\b", 2.5),
    (r"\ba emprunter\b", 1),
    (r"\bloue[rz]?\b", 1),
    (r"\b(?:nous|me) (?:preter|pretez|aider|aidez|depanner)\b", 2.5),
    (r"\bqui (?:nous )?(?:prete|preterait|donnerait|depannerait)\b", 3),
    (r"\bbesoin d'aide\b", 2),
    (r"\ben panne\b", 0.5),
    # Typed in a hurry: « bsoin », « besion », « bezoin »; and the English word.
    (r"\b(?:bsoin|besion|bezoin|beosin|besoing|bsn)s? (?:de|d'|d |du|des)\b", 3),
    (r"\bneed\b", 3),
    (r"\b(?:a|au) court (?:de|d')", 3),
    (
        r"\bil (?:nous |leur )?(?:en )?(?:manquerai(?:t|ent)|faudrai(?:t|ent)|faut)\b"
        + _NOT_AN_INSTRUCTION,
        3,
    ),
    (r"\b(?:nous|leur) manquerai(?:t|ent)\b", 3),
    (r"\bmanque (?:\d|un |une |des |du |de la )", 2),
    (
        r"\b(?:n'?(?:a|ont|avons)|on a|nous avons) (?:presque |quasi(?:ment)? )?"
        r"plus (?:de|d'|rien|aucune?)\b",
        3,
    ),
    (r"^(?:\W*urgent\W*)?plus (?:de|d')", 3),
    (r"\bplus rien\b", 2),
    (r"\bne (?:nous |leur |me )?reste (?:plus|rien|aucune?)\b", 3),
    (r"\b(?:on|nous) (?:n'?)?(?:a|avons) (?:plus )?rien\b", 3),
    (r"\b(?:tout est|tout sera) bon a prendre\b", 3),
    (
        r"\b(?:souhaiterai(?:t|ent)|aimerai(?:t|ent)) "
        r"(?:obtenir|recevoir|avoir|emprunter|trouver)\b",
        3,
    ),
    (r"\b(?:le|un) pret (?:de|d'|du)\b", 2),
    (r"\bany chance\b", 2),
    (r"\bsos\b", 2),
    (r"\bcherc?h?ons\b|\bcherhc?e\b|\brecherhce\b", 2.5),
    # More ways of saying « we lack », by class (issue 10, corpora C and D).
    (r"\b(?:a|est|sont|sommes|suis|etre) (?:completement |totalement |vraiment )?a sec\b", 3),
    (r"\bmanqu(?:e|ons|ent) \w+ment (?:de|d')", 2.5),  # « manque cruellement de »
    # « on serait preneurs de jus » asks for goods (« preneurs du 12 » takes a post; a short
    # « on est preneurs ! » answers one: `_action` reads it first).
    (
        r"\b(?:serai(?:t|ent)|serions|sommes|suis|est|sont)"
        r"(?<!qui est)(?<!qui serait)(?<!un est)(?<!un serait)(?<!asso est)(?<!asso serait)"
        r" (?:\w+ )?preneu(?:r|rs|se|ses)\b"  # « qui est preneur ? » offers
        r"(?! (?:de |du |pour |sur )?(?:l'annonce|l'offre|la|le|#)? ?\d)",
        3,
    ),
    (r"\bshort (?:en|de|d'|sur)\b", 3),
    (r"\bnecesit\w+", 3),  # Spanish: « necesitamos agua »
    (r"\b(?:on|nous) (?:n'?a|n'?avons) pas (?:de|d')", 2),  # « on a pas de véhicule »
    (r"^\W*(?:demandes?|recherches?|besoins?)\s?:", 3),  # a heading: « demande : … »
    # « une asso aurait de la place… ? », « est-ce qu'une structure aurait… »
    (
        r"\b(?:une|des|d'autres|quelle) (?:assos?|associations?|structures?|antennes?|"
        r"partenaires?) (?:aurai(?:t|ent)|pourrai(?:t|ent)|dispose\w*|possede\w*)\b",
        3,
    ),
]
OFFER_CUES: Final[list[tuple[str, float]]] = [
    (r"\ba donner\b", 3),
    (r"\b(?:je|on|nous) donn(?:e|ons)\b", 3),
    (r"\bdonnons\b", 3),
    (r"\bdonne(?:nt)? (?:\d|des |du |de la |un |une |quelques )", 2.5),
    (r"\bdon(?<!\ble don)(?<!\bdu don)(?<!\bau don)s? (?:de|d')", 3),
    (r"\bdispo(?:nible|nibles|s)?\b", 3),
    (r"\ben trop\b", 3),
    (r"\bsurplus\b", 3),
    (r"\bexced\w+", 3),
    (r"\bqui (?:veut|voudrait|en veut|est interesse|serait interesse|prend)\b", 3),
    (r"\b(?:des )?interesse(?:e|s|es)? \?", 1.5),
    (r"\bpropos(?:e|ons|ent|ez)\b", 3),
    (r"\bpret(?:e|ons|ent|ons)\b", 3),
    (r"\bpeut (?:etre )?prete\b", 3),
    (r"\b(?:on|nous|je) (?:peu[tx]|pouvons) (?:preter|donner|proposer|mettre a disposition)\b", 3),
    (r"\ba recuperer\b", 2),
    # "Qui peut récupérer 500 kg de pommes ?" asks who takes an offer (outweighs "qui peut").
    (
        r"\bqui (?:peut|pourrait|veut|voudrait) (?:les |le |la |l')?"
        r"(?:recuperer|prendre|enlever|venir chercher)\b",
        5,
    ),
    (r"\ba preter\b", 2.5),
    (r"(?<!bon )\ba prendre\b", 2),
    (r"\ba partager\b", 1),
    (r"\ba enlever\b", 2),
    (r"(?<!ne )(?<!ne nous )(?<!ne leur )\b(?:il )?(?:nous )?reste\b", 1.5),
    (r"\brestants?\b", 1.5),
    (r"\binvendus?\b", 2),
    (r"\boffr(?:e|ons|ent|ez)\b", 2.5),
    (r"\b(?:mettons|met|mets|mettre) a disposition\b", 3),
    (r"\ba (?:votre |la )?disposition\b", 2),
    (r"\ba ceder\b", 3),
    (r"\bced(?:e|ons)\b", 2),
    (r"\bgratuit\w*", 1),
    (r"\bsi besoin\b", 1.5),
    (r"\bsi (?:ca|cela) (?:interesse|peut servir|dépanne|depanne)\b", 2.5),
    (r"\b(?:notre|nos) \w+(?: \w+)? (?:a|ont|avons) de la place\b", 2),
    (r"\b(?:on|nous) (?:a|avons) (?:recu|recupere) (?:trop|beaucoup)\b", 2),
    (r"\b(?:on a|nous avons|j'ai) (?:\d+|des|du|de la|plein|beaucoup|une|un|quelques)\b", 0.8),
    (r"\blibres?\b", 1),
    (r"\bvacant\w*", 1.5),
    (
        r"\b(?:on|nous|je|j') ?(?:peu[tx]|pouvons|pourrai[st]?|pourrions|pourra|pourrons)"
        r"(?: vous| leur| lui| en| y| les| la| le| l')? (?:envoyer|laisser|depanner|faire|"
        r"mettre|ceder|rendre service|fournir)\b",
        3,
    ),
    (r"\b(?:pour|a|aider) (?:une|des|d') ?(?:autres? )?(?:assos?|associations?|structures?)\b", 2),
    (r"\bsi (?:ca|cela|ça) (?:aide|sert|rend service|vous sert|arrange|dépanne)\b", 2.5),
    (r"\bsi (?:ca|cela) peut (?:aider|servir|rendre service|depanner)\b", 2.5),
    (r"\bsi (?:qqn|quelqu'un|qqun|qq1|une asso|vous) (?:veut|voulez|souhaite)\b", 2.5),
    (r"\b(?:dispose|disposons) (?:de|d')", 2),
    (r"\bfree\b|\bto give\b", 2),
    (r"\ba (?:repartir|placer|sortir|ecouler|distribuer|sauver)\b", 2),
    (r"\bfaut que (?:ca|cela) parte\b", 3),
    # More ways of saying « we give », by class (issue 10, corpora C and D).
    (r"\ba saisir\b|\b(?:du|en|de) rab\b|\bde trop\b", 3),
    # « on a trop de pain », « grave trop de melons », « on en a trop reçu » (not « il y a trop
    # de monde »)
    (
        r"\b(?:a|ai|avons|ont|eu|recu|grave|vraiment|beaucoup)(?<!\by a) trop (?:de|d')"
        r"(?! ?(?:monde|gens|travail|boulot|pluie|demandes?|familles?|temps|retard|questions?)\b)",
        3,
    ),
    (r"\ben (?:a|ai|avons|ont) (?:eu |recu )?trop\b", 3),
    (r"\bservez[- ]vous\b", 2.5),
    (
        r"\bqui (?:est|serait|sera) (?:preneu\w*|interesse\w*|partant\w*)\b"
        r"|\bqui (?:la|le|les|l') ?veut\b",
        3,
    ),
    (
        r"\b(?:quelqu ?'? ?un|une asso\w*) (?:veut|voudrait|en veut|est interesse\w*|"
        r"serait interesse\w*|est preneu\w*|serait preneu\w*)\b",
        3,
    ),
    (
        r"\bqui (?:vient|viendrait|passe|passerait) (?:les |le |la |l')?"
        r"(?:chercher|prendre|recuperer)\b",
        5,
    ),
    # « ce serait dommage de les perdre », « ça partira à la poubelle sinon »
    (
        r"\bdommage de (?:les |le |la |l')?(?:perdre|jeter|gacher|gaspiller)\b"
        r"|\b(?:a|partira a|finir a|finira a|ira a|iront a|partir a) la poubelle\b"
        r"|\bsinon (?:poubelle|ca part|c'est perdu|on jette)\b",
        2.5,
    ),
    (r"\ba venir (?:chercher|prendre|recuperer)\b", 2.5),
    (r"\b(?:je|on|nous) (?:les |le |la |l'|en |vous |leur )donn(?:e|ons)\b", 3),
    # English and Spanish words: « I have extra tomatoes », « 60 sandwiches left », « sobran »
    (r"\b(?:have|got) (?:some )?extra\b|\bleft ?overs?\b|\bleft (?:from|over)\b", 3),
    (r"\bgiving away\b|\bregal(?:o|amos)\b|\bsobr(?:a|an)\b", 3),
    (r"\bpick ?up\b", 1.5),
    (r"\b(?:qu'on|que nous) ne (?:pourr\w+|pouvons|peut) pas (?:stocker|garder|ecouler)\b", 3),
]

# Spare capacity, said as what « we » can do for another association (issue 10): a modal with
# a helping verb, a resource standing idle. Only a resource is spare this way, so these cues
# also say the post is about the shared resource the message names, not the goods it serves.
# « on peut aider pour le 2 » answers post 2 (a claim), it offers nothing new.
_NOT_ON_A_POST = r"(?!(?: [a-z]+)? (?:pour|sur|avec|a) (?:le |la |l'|l'annonce |#) ?\d)"
SPARE_CAPACITY_CUES: Final[list[tuple[str, float]]] = [
    (
        r"\b(?:on|nous|je|j') ?(?:peu[tx]|pouvons|pourrai[st]?|pourrions|pourra|pourrons)"
        r"(?: vous| leur| lui| en| y| les| la| le| l')? (?:stocker|garder|accueillir|"
        r"preter|ramener|transporter|livrer|venir|conduire|aider|heberger|entreposer|"
        r"renforcer|detacher|emmener)\b" + _NOT_ON_A_POST,
        3,
    ),
    (
        r"\b(?:peu(?:t|vent)|pourr(?:ai(?:en)?t|ont|a)) (?:vous |leur |y |en |les |la |l')?"
        r"(?:accueillir|servir|venir|aller|renforcer|stocker|recevoir|depanner|aider|conduire|"
        r"preter|faire un detour|ramener|prendre des|dormir|heberger|garder)\b" + _NOT_ON_A_POST,
        2.5,
    ),
    (
        r"\b(?:est|sont|sera|seront|reste|restent|sera) (?:a moitie |presque |completement |"
        r"entierement |quasi )?(?:vides?|libres?|inoccupee?s?|inutilisee?s?)\b",
        1.5,
    ),
    # « roule à vide » is spare; « est reparti à vide hier » reports a trip.
    (
        r"\bde libre\b|\ba vide\b(?<!parti a vide)(?<!partie a vide)(?<!revenu a vide)"
        r"(?<!rentre a vide)"
        r"|\ba moitie vide\b|\bau ralenti\b|\bde la marge\b",
        2,
    ),
    (r"\bne (?:sert|servent|roule|roulent|tourne|tournent) (?:pas|plus)\b", 2.5),
    # Issue 10 (tune10b): « on n'utilise pas notre local en novembre », « nous n'utilisons plus
    # la chambre froide le week-end »: a resource not in use is offered.
    (r"\b(?:on|nous) n'?(?:utilise|utilisons|occupe|occupons) (?:pas|plus)\b", 2.5),
    # English: « we can help with the distribution », « free to help on saturday »
    (r"\b(?:we|i) (?:can|could) (?:help|come|drive|lend)\b|\bfree to help\b", 3),
    (r"\bqui (?:dorment|dort|trainent|traine|ne servent)\b", 2),
    # Hands and time offered: « on est trois à pouvoir venir », « on est chaud pour aider »,
    # « les étudiants peuvent donner un coup de main », « on peut envoyer deux personnes »
    (
        r"\b(?:on est|on sera|nous sommes|nous serons|ils sont|ils seront) (?:\w+ )?a pouvoir "
        r"(?:venir|aider|donner|conduire|renforcer|preter)\b",
        3,
    ),
    (
        r"\b(?:on est|on sera|nous sommes|suis|sommes) (?:chauds?|partants?|dispo|motive\w*) "
        r"pour (?:aider|venir|donner|renforcer|conduire|trier|porter)\b",
        3,
    ),
    (
        r"\b(?:peu[tx]|peuvent|pouvons|pourr\w+) (?:vous |leur )?(?:donner|filer|apporter|"
        r"envoyer|detacher) (?:un |\w+ )?(?:coups? de (?:main|pouce)|personnes|gens|"
        r"benevoles|bras|\d+ ?h\w*)\b",
        3,
    ),
    # A service for another's goods: « notre conserverie peut transformer vos surplus »,
    # « on peut faire vos tomates en même temps »
    (
        r"\b(?:peu[tx]|peuvent|pouvons|pourr\w+) (?:vous |leur )?(?:transformer|steriliser|"
        r"conserver|congeler|faire|traiter) (?:vos|leurs|les votres)\b",
        3,
    ),
    # Room said as had (« on a de la place dans nos congélateurs », « notre chambre froide a
    # de la place »), not asked (« qui a de la place ? »)
    (
        r"\b(?:on a|nous avons|j'ai|avons|a|ont)(?<!\bqui a)(?<!quelqu'un a) (?:encore )?"
        r"(?:de la place|de la marge|du volume|de l'espace)\b",
        2.5,
    ),
]

# « si une asso a besoin de… », « quelqu'un a besoin ? »: another's need, said by who offers;
# it counts as an offer and its « besoin » is not read as the writer's own request.
_OTHERS = (
    r"(?:une|des|d'|les|vous|qqn|qqun|qq1|quelqu'un|quelqu un|l'une|une autre|d'autres|"
    r"certaine?s?)"
)
OTHERS_NEED_RE: Final = re.compile(
    rf"\bsi (?:{_OTHERS}[\w' ]{{0,30}}? )?(?:a|ont|avez|avait|aviez|as) (?:besoin|besoins)\b"
    # « si vous manquez de bras », « si une asso est coincée »
    rf"|\bsi (?:{_OTHERS}[\w' ]{{0,30}}? )?(?:manquez|manquent|manque|manquiez|manquait) (?:de|d')"
    rf"|\bsi (?:{_OTHERS}[\w' ]{{0,30}}? )?(?:est|sont|etes) (?:coince\w*|bloque\w*|en galere|"
    r"en difficulte|juste\w*)\b"
    # « si quelqu'un a du surgelé à mettre à l'abri », « si une asso a une ramasse à faire »
    rf"|\bsi (?:{_OTHERS}[\w' ]{{0,30}}? )?(?:a|ont|avez|avait|aviez) "
    r"(?:du|des|de la|de l'|une|un) "
    r"(?:[\w']+ ){0,3}?(?:a (?:mettre|stocker|faire|garder|transporter|deplacer|ranger|bouger|"
    r"livrer|conserver|transformer|abriter|ramener|emmener|recuperer|descendre|monter)\b|(?:ramasses?|tournees?|livraisons?|transports?|"
    r"trajets?|collectes?)\b)"
    # Issue 10 (tune10b): « si vous cherchez à stocker du sec », « si une asso cherche un
    # camion »: another's search, said by who offers.
    rf"|\bsi (?:{_OTHERS}[\w' ]{{0,30}}? )?(?:cherchez|cherchent|cherche|cherchiez|cherchait)"
    r" (?:a|de|des|du|un|une|encore)\b"
    r"|\ba qui en a (?:besoin|l'usage|l'utilite)\b"
    r"|\b(?:quelqu'un|quelqu un|qqn|qqun|qq1|qui) (?:en )?a besoin\b(?= ?\?| d'un coup| de| d')"
)
OTHERS_NEED_WEIGHT: Final = 3.0
# « si vous avez du rab de pain, on prend », « si quelqu'un a des cartons à donner »: goods
# another has, up to the end of that clause (« …, on vous donne… » is the writer's again).
OTHERS_HAVE_RE: Final = re.compile(
    rf"\bsi (?:{_OTHERS}[\w' ]{{0,30}}? )?(?:a|ont|avez|avait|aviez|as) "
    r"(?:du|des|de la|de l'|d'|un|une|quelques|trop|encore|en)\b"
    r"(?:(?! (?:on|nous|je|j'|notre|nos) )[^,.;:!?]){0,40}"
)

# A perfect tense (« vous avez bien reçu », « quelqu'un a vu », « avez-vous pensé »): a report
# or a question about the past, not a request; its auxiliary is not read as « avez-vous … ».
_NOT_A_PARTICIPLE = (
    r"(?!(?:une|de|le|la|les|ce|cette|encore|trop|assez|besoin|quelque|quelques|presque|juste|"
    r"aussi|ici|merci|midi|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|plus|rien|"
    r"personne|que|comme|quatre|onze|douze|treize|quatorze|quinze|seize|trente|quarante|"
    r"cinquante|soixante|mille|cent|toujours|surement|peut|vraiment|meme|tout|toute|du|des|un|"
    r"beaucoup|plein|notre|votre|leur|mon|ton|son|ma|ta|sa)\b)(?![a-z]*(?:er|ir|re)\b)"
)
_PARTICIPLE = r"(?:pu|su|vu|eu|lu|fait|dit|ecrit|pris|mis|recu|[a-z]{2,}(?:ee?s?|ie?s?|u|us|is))\b"
_PERFECT_ADVERBS = r"(?: (?:bien|deja|pas|jamais|encore|finalement|reussi a|pu))* "
PERFECT_RE: Final = re.compile(
    # « a » after its subject only: alone it is mostly « à » typed without its accent.
    r"(?:(?<=\bqui )|(?<=\bon )|(?<=\bil )|(?<=\belle )|(?<=\bqqn )|(?<=\bqq1 )|(?<=\bqqun )"
    r"|(?<=\bun )|(?<=\bca )|(?<=\bn')|(?<=\bpersonne ))a\b(?:[- ](?:t-il|t-elle|t-on))?"
    + _PERFECT_ADVERBS
    + _NOT_A_PARTICIPLE
    + _PARTICIPLE
    + r"|\b(?:as|avez|ont|avons|ai|aurait|auriez|avait|aviez|etait|etaient)"
    + r"(?:[- ](?:vous|tu|t-il|t-elle|ils|elles|on))?"
    + _PERFECT_ADVERBS
    + _NOT_A_PARTICIPLE
    + _PARTICIPLE
)

# Every perfect tense above holds one of these words, whole (« a » after its subject, or an
# auxiliary): a message without any is not scanned for one (issue 12: PERFECT_RE's gate opens on
# « a », and the scan cost ~10 µs of each message).
PERFECT_AUX_RE: Final = re.compile(
    r"\b(?:a|as|avez|ont|avons|ai|aurait|auriez|avait|aviez|etait|etaient)\b"
)

# Thanks for what happened (« merci à l'équipe de Trèbes pour les melons »), not « merci
# d'avance »: a post may close with thanks, but thanks that open or carry a message are chat.
THANKS_RE: Final = re.compile(
    r"^\W*(?:(?:un )?(?:grand |gros |immense )?merci|mille mercis|thanks?|thank you)\b"
    r"(?! (?:d'avance|par avance|de (?:votre|vos)|pour (?:votre|vos) (?:retours?|reponses?|aide)))"
    r"|\b(?:un )?(?:grand |gros |immense )merci\b|\bmerci (?:a|aux|pour) (?:la|le|les|l')\b"
    r"|\bremerci\w* (?:la|le|les|l')\b"
)
# A question for information (who, how many, where, a phone number, a code): never a post.
# Issue 10 (tune10): « on n'a besoin de rien, c'était juste pour info »: news that asks for
# nothing and gives nothing is no post.
ASKS_NOTHING_RE: Final = re.compile(
    r"\bbesoin de rien\b(?! d'autre)(?! sauf)"
    r"|(?:(?<=c'est )|(?<=c'etait )|(?<=cetait )|(?<=c etait ))(?:juste|seulement|simplement)\s"
    r"(?:pour (?:info|information|vous informer|vous prevenir)|une info)\b"
)
INFO_QUESTION_RE: Final = re.compile(
    r"\bsavez[- ]vous\b|\bsais[- ]tu\b|\btu sais\b|\bvous savez\b"
    r"|\b(?:peut|pouvez|pourriez|peux|pourrais)[- ]?(?:vous |tu )?me (?:dire|rappeler|"
    r"confirmer|renseigner|envoyer|transmettre|redire|expliquer|appeler)\b"
    r"|\bs'y conna\w+|\bconna(?:it|is|issez|issent)\b"
    r"|\b(?:le|son|leur|votre|ton) (?:numero|num|tel|telephone|mail|email|adresse|code|horaires?)\b"
    r"|^(?:\W*)(?:combien|pourquoi|quand|ou|quel|quelle|quels|quelles)\b"
    r"|\b(?:vous etes|on est|ils sont) combien\b"
    # « qui vient demain ? » asks who; « qui vient les chercher ? » offers them
    r"|\bqui (?:vient|viendra|etait|sera)\b(?! (?:les |le |la |l'|en )?(?:chercher|prendre|recup))"
    r"|\bles? cles?\b"
)
# The form of a question: a question mark, or an interrogative opening.
QUESTION_FORM_RE: Final = re.compile(
    r"\?|\best[- ]ce qu|\bsavez[- ]vous\b|^(?:\W*)(?:qui|quoi|combien|pourquoi|quand|ou|"
    r"comment|quel|quelle|quels|quelles|avez[- ]vous|auriez[- ]vous|pouvez[- ]vous|"
    r"pourriez[- ]vous|y a[- ]t[- ]il)\b"
)
# Asked of a person (« pouvez-vous », « tu peux », « vous pourriez »): not an announcement.
ASKS_A_PERSON_RE: Final = re.compile(
    r"\b(?:pouvez|pourriez|auriez|avez|peux|pourrais|aurais)[- ](?:vous|tu)\b"
    r"|\b(?:vous|tu) (?:pouvez|pourriez|auriez|peux|pourrais|aurais)\b"
)
# A closing question mark leans to asking, but only beside another cue: « vous avez bien reçu
# les pâtes ? » alone is a question, not a need.
QUESTION_END_RE: Final = re.compile(r"\?\s*$")
QUESTION_END_WEIGHT: Final = 1.0
REQUEST_RES: Final[list[tuple[re.Pattern[str], float]]] = [
    (re.compile(p), w) for p, w in REQUEST_CUES
]
SPARE_CAPACITY_RES: Final[list[tuple[re.Pattern[str], float]]] = [
    (re.compile(p), w) for p, w in SPARE_CAPACITY_CUES
]
OFFER_RES: Final[list[tuple[re.Pattern[str], float]]] = [
    (re.compile(p), w) for p, w in OFFER_CUES
] + SPARE_CAPACITY_RES

URGENT_RE: Final = re.compile(
    r"\b(?:urgen(?:t|te|ts|tes|ce|ces|tissime)|urgemment|sos|au plus vite|au plus tot|"
    r"des que possible|dqp|rapidement|asap|faire vite|(?:tres|super|hyper|assez) vite|"
    r"vite svp|pressant|presse|d'urgence|en urgence|au secours(?! pop\w*| catholique| islamique))\b"
)
NOT_URGENT_RE: Final = re.compile(
    r"\b(?:pas|non|rien d'|rien de|sans|aucune?) ?(?:tres |super |si )?(?:urgen\w*|presse)"
    # Issue 10 (tune10b): « pas de besoin urgent », « aucune demande urgente », « pas
    # d'urgence », « sans caractère d'urgence »: the hurry is denied.
    r"|\b(?:pas|rien|aucune?|sans) (?:de |d')?(?:(?:besoins?|demandes?|caractere|priorite) "
    r"(?:d')?)?(?:tres |super |si )?(?:urgen\w*)"
    # Issue 10 (tune10): « jus de pomme pressé », « citron pressé »: squeezed, not in a hurry.
    r"|\b(?:pommes?|oranges?|citrons?|raisins?|fruits?|carottes?|jus)\s(?:\w+\s)?presse"
)

COLD_WORDS_RE: Final = re.compile(
    r"\b(?:frais|fraiche|fraiches|refrigere\w*|frigorifi\w*|chaine du froid|au froid|"
    r"froid|frigo|congel\w*|surgel\w*|0 ?- ?4 ?°?c?|4 ?°c|\+ ?4 ?°?c?|temperature dirigee|"
    r"isotherme)\b"
)
NOT_COLD_RE: Final = re.compile(
    r"\b(?:non|pas|sans|ni|aucune?|hors)(?: de| d'| besoin de| besoin du| la| le)? ?"
    r"(?:chaine du )?(?:frais|froid|frigo|frigorifi\w*|refrigere\w*|isotherme)"
    r"|\btemperature ambiante\b|\bne (?:craint|necessite) pas le froid\b"
)
# Said of the goods themselves: they keep without cold, whatever their family.
NO_COLD_NEEDED_RE: Final = re.compile(
    r"\b(?:pas|plus) besoin (?:de|du) (?:la )?(?:chaine du )?(?:froid|frigo|frais)\b"
    r"|\bsans (?:chaine du )?froid\b|\b(?:ne )?(?:craint|necessite) pas (?:le )?froid\b"
    r"|\btemperature ambiante\b|\bhors froid\b"
)
FRIGO_NEGATED_RE: Final = re.compile(
    r"\b(?:non|pas|sans)(?: de)? ?(?:frigo|frigorifi\w*|refrigere\w*|isotherme)"
)
COLD_CATEGORIES: Final = frozenset(
    {
        "produits_laitiers",
        "viande_poisson_oeufs",
        "surgeles",
        "plats_prepares",
        "vehicule_frigo",
        "stockage_froid",
    }
)

LIST_RE: Final = re.compile(
    r"qu'?est[- ]?ce qu'?(?:il|y) (?:y )?a"
    r"|qu'?est[- ]?ce qui (?:est )?(?:dispo|ouvert|en cours)"
    r"|\b(?:quels?|quelles?) (?:sont )?(?:les )?(?:besoins|offres|dons|annonces|surplus|posts)"
    r"|\b(?:il y a|y a|ya|y'a|y a t il|y a-t-il) quoi\b"
    r"|\bquoi de (?:neuf|dispo|prevu)\b"
    r"|\b(?:voir|afficher|affiche|montre\w*|lister?|consulter) "
    r"(?:les |la liste des |toutes les |tous les )?"
    r"(?:annonces|besoins|offres|dons|posts|demandes)"
    r"|\bliste des (?:annonces|besoins|offres|dons|demandes)\b"
    r"|^(?:la )?liste\W*$"
    r"|\by a[- ]t[- ]il des (?:besoins|dons|offres|annonces|demandes)"
    r"|\b(?:des |les )?(?:annonces|besoins|offres|demandes) en cours\b"
    r"|\bce qui est (?:dispo|disponible|propose|en cours)\b"
    r"|\bqui a besoin de quoi\b"
    r"|\bc'?est quoi les (?:besoins|offres|dons|annonces|surplus|demandes)\b"
    r"|\b(?:les )?(?:besoins|offres|dons|annonces|surplus) (?:du jour|en ce moment|actuels?)\b"
    # Issue 10 (tune10b): formal wording, « existe-t-il actuellement des offres de… ? »
    r"|\bexiste[- ]t[- ]il (?:actuellement |en ce moment |encore |deja )?des "
    r"(?:besoins|offres|dons|annonces|demandes|propositions)\b"
)
HELP_RE: Final = re.compile(
    r"\bcomment (?:ca|cela) (?:marche|fonctionne)"
    r"|\bcomment (?:faire|on fait|je fais|fait[- ]on|utiliser|publier|poster|ca se passe|"
    r"proceder|ca marche|s'en servir|m'en servir)"
    r"|^(?:aide|help|au secours|\?+)\W*$"
    r"|\bmode d'emploi\b"
    r"|\bje (?:ne )?(?:comprends?|sais) (?:pas|rien)\b"
    # Issue 10 (tune10): « je ne sais pas si mon message est arrivé » doubts, it asks no help.
    r"(?!\s(?:si|s'il|s'ils|s'elle|quand|qui|pourquoi|ou|combien|encore)\b)"
    r"|\bque (?:puis|peux)[- ]je faire\b"
    r"|\b(?:tuto(?:riel)?|notice)\b"
    r"|\bc'est quoi (?:ce|les) (?:bot|commandes)\b"
    r"|\bquelles? (?:sont les )?commandes?\b"
    r"|\bexplique[sz]?[- ]moi\b"
    r"|\bbesoin d'aide (?:pour|avec) (?:le bot|boucle|l'appli)"
)

# -- post references and the actions on them ---------------------------------------------
REF_WORD = r"(?:annonce|post|offre|demande|besoin|don|n°|no|num|numero|ref|#)"
MONTHS_WORDS = (
    r"janvier|janv|fevrier|fevr|fev|mars|avril|avr|mai|juin|juillet|juil|aout|septembre|sept|"
    r"octobre|oct|novembre|nov|decembre|dec"
)
CANCEL_RE: Final = re.compile(
    r"\bannul\w*|\bplus (?:besoin|necessaire|d'actualite|valable|dispo\w*)\b"
    r"|\b(?:retir|supprim|effac)(?:e|er|ez|ons)\b|\bn'est plus (?:dispo\w*|valable)"
)
DONE_RE: Final = re.compile(
    # « fait une distribution le 24 » is the verb « to do » (issue 10, tune10b), not « done »
    r"\b(?:recupere(?:e|s|es)|livre(?:e|s|es)?|collecte(?:e|s|es)|faite?s?(?! (?:une?|des|du) )|"
    r"reglee?s?|terminee?s?|clos|cloture\w*|servie?s?|distribuee?s?|partie?s?|recupere|c'est fait|"
    r"c'est bon|c'est ok|ok c'est fait|effectuee?s?)\b"
)
# After « preneur(s) »: « du 12 », « de l'annonce 12 » take a post; « de jus » asks for goods.
TAKES_A_POST: Final = r"(?! (?:de|d'|des)\b(?! ?l'(?:annonce|offre)))"
CLAIM_RE: Final = re.compile(
    r"\b(?:je|j'|on|nous|moi|on va|je vais|nous allons)\s*(?:les |le |la |l'|en |vous )?"
    r"(?:prend|prends|prenons|recupere|recuperons|recupererai|recuperera|reserve|reservons|"
    r"prendrai|prendra|prendrons|prendre|recuperer|passe(?:rai|ra|rons)? (?:prendre|recuperer)|"
    r"(?:peux|peut|pouvons|pourrait|pourrions|pourrais|vais|va|allons|voudrais|voudrait) "
    r"(?:prendre|recuperer|passer prendre|passer recuperer|reserver|aider)|"
    rf"m'occupe|s'occupe|occupe|positionne|suis preneu\w*{TAKES_A_POST}|"
    rf"sommes preneu\w*{TAKES_A_POST}|veux bien|interesse\w*)\b"
    rf"|\bpreneu(?:r|rs|se|ses)\b{TAKES_A_POST}"
    r"|\bje prends\b|\bok pour (?:le|la|l'annonce|l'offre)\b"
    r"|\binteresse(?:e|s|es)? par\b|\breserve(?:r)? (?:le|la|l')"
)
