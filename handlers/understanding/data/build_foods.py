"""Rebuild ``foods.tsv.gz``, the vocabulary of foods and products shipped with Boucle.

Run once, by hand, when the source changes; the bot never runs it and never needs the
network. Source: the **Open Food Facts** taxonomies of ingredients and of product categories
(``ingredients.full.json`` and ``categories.full.json``, the JSON exports of
``taxonomies/ingredients.txt`` and ``taxonomies/categories.txt``), © Open Food Facts
contributors, under the **Open Database License (ODbL) 1.0**. The copies used are the gzip'd
ones kept in the ``openfoodfacts/robotoff`` repository under ``data/taxonomies/`` (commit
73e23ceb31ac578c1817c558fc59c9d03edb6558, 2022-10-13; git blobs 9189b556… for ingredients,
1c9defb0… for categories); any later export of the same taxonomies works the same way.

Usage (from the repository root, with the package importable)::

    .venv/bin/python handlers/understanding/data/build_foods.py \
        PATH/ingredients.full.json.gz PATH/categories.full.json.gz

What is kept: the French name and French synonyms of every entry whose ancestors (the entry
itself included) meet one of ``RULES``, the mapping from the source's own categories to the
contract's, tried in order so that the way food is kept wins over its family (contract rule
1: frozen, canned), then infant food and drinks (rule 2), then the families. Names of more
than four words are descriptions, not what volunteers write; names in ``NOT_GOODS`` are
everyday words first (``son``, ``mais``, ``mars``…). ``HAND`` adds what a food bank handles
and the source lacks (hygiene, nappies, a few non-food goods). Where two entries give one
name different categories, the earlier rule wins.

Output (tab separated, UTF-8, gzip, first line a header): ``name category`` where ``name`` is
the look-up key of ``foods.name_key`` (folded, singular words, single spaces).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from handlers.understanding.foods import EDGE_WORDS, LONGEST_NAME, name_key
from handlers.understanding.lexicon import CATEGORY_RES

OUT = Path(__file__).with_name("foods.tsv.gz")
COMMUNES = Path(__file__).with_name("communes.tsv.gz")

# (source category or ingredient id, contract category or None to leave it out), in order.
RULES: list[tuple[str, str | None]] = [
    # Not goods a volunteer names: additives, supplements, flavourings, pet food, labels.
    ("en:food-additives", None),
    ("en:dietary-supplements", None),
    ("en:flavouring", None),
    ("en:minerals", None),
    ("en:vitamins", None),
    ("en:enzyme", None),
    ("en:starch", None),
    ("en:e450", None),
    ("en:e452", None),
    ("en:non-food-products", None),
    ("en:products-that-need-attention", None),
    ("en:pet-food", None),
    # Food banks hand out no alcohol, and wine appellations are communes' names (« Chinon »).
    ("en:alcoholic-beverages", None),
    ("en:wines", None),
    ("en:alcohol", None),
    # Rule 1: the way it is kept beats the family.
    ("en:frozen-foods", "surgeles"),
    ("en:canned-foods", "conserves"),
    ("en:canned-plant-based-foods", "conserves"),
    ("en:canned-fishes", "conserves"),
    ("en:canned-meats", "conserves"),
    ("en:canned-meals", "conserves"),
    # Rule 2: infant food; drinks (tea and coffee are dry groceries in the contract).
    ("en:baby-foods", "bebe"),
    ("en:baby-milks", "bebe"),
    ("en:teas", "epicerie_seche"),
    ("en:herbal-teas", "epicerie_seche"),
    ("en:coffees", "epicerie_seche"),
    ("en:instant-chicory", "epicerie_seche"),
    ("en:tea", "epicerie_seche"),
    ("en:coffee", "epicerie_seche"),
    ("en:plant-milks", "produits_laitiers"),
    ("en:dairies", "produits_laitiers"),  # drinking yoghurt and milk are dairy, not drinks
    ("en:beverages", "boissons"),
    ("en:water", "boissons"),
    ("en:juice", "boissons"),
    ("en:fruit-juice", "boissons"),
    # Cooked and ready meals.
    ("en:meals", "plats_prepares"),
    ("en:sandwiches", "plats_prepares"),
    ("en:pizzas-pies-and-quiches", "plats_prepares"),
    ("en:pizzas", "plats_prepares"),
    ("en:quiches", "plats_prepares"),
    ("en:soups", "plats_prepares"),
    ("en:salted-pies", "plats_prepares"),
    # Bread and pastries; biscuits are dry groceries.
    ("en:biscuits", "epicerie_seche"),
    ("en:biscuit", "epicerie_seche"),
    ("en:breads", "boulangerie"),
    ("en:bread", "boulangerie"),
    ("en:viennoiseries", "boulangerie"),
    ("en:pastries", "boulangerie"),
    ("en:cakes", "boulangerie"),
    ("en:sweet-pies", "boulangerie"),
    ("en:bakery-products", "boulangerie"),
    ("en:crepes-and-galettes", "boulangerie"),
    # Dairy (milk chocolate, cheese sauce and the like are not dairy: their own rule first).
    ("en:chocolates", "epicerie_seche"),
    ("en:chocolate", "epicerie_seche"),
    ("en:sauces", "epicerie_seche"),
    ("en:sauce", "epicerie_seche"),
    ("en:dairies", "produits_laitiers"),
    ("en:dairy", "produits_laitiers"),
    ("en:milk", "produits_laitiers"),
    ("en:cheeses", "produits_laitiers"),
    ("en:cheese", "produits_laitiers"),
    ("en:yogurts", "produits_laitiers"),
    ("en:dairy-desserts", "produits_laitiers"),
    ("en:creams", "produits_laitiers"),
    ("en:butters", "produits_laitiers"),
    # Seaweed sits under seafood in the source; a food bank shelves it as dry groceries.
    ("en:algae", "epicerie_seche"),
    # Meat, fish, eggs.
    ("en:fish-and-meat-and-eggs", "viande_poisson_oeufs"),
    ("en:meats", "viande_poisson_oeufs"),
    ("en:meat", "viande_poisson_oeufs"),
    ("en:meat-based-products", "viande_poisson_oeufs"),
    ("en:prepared-meats", "viande_poisson_oeufs"),
    ("en:poultry", "viande_poisson_oeufs"),
    ("en:seafood", "viande_poisson_oeufs"),
    ("en:fishes", "viande_poisson_oeufs"),
    ("en:fish", "viande_poisson_oeufs"),
    ("en:crustaceans", "viande_poisson_oeufs"),
    ("en:eggs", "viande_poisson_oeufs"),
    ("en:egg", "viande_poisson_oeufs"),
    # Fresh legumes are vegetables; dry pulses, cereals and the rest are dry groceries.
    ("en:green-bean", "fruits_legumes"),
    ("en:green-beans", "fruits_legumes"),
    ("en:fresh-vegetables", "fruits_legumes"),
    ("en:fresh-fruits", "fruits_legumes"),
    ("en:dried-fruits", "epicerie_seche"),
    ("en:dried-products", "epicerie_seche"),
    ("en:compotes", "epicerie_seche"),
    ("en:jams", "epicerie_seche"),
    ("en:spreads", "epicerie_seche"),
    ("en:legume", "epicerie_seche"),
    ("en:legumes", "epicerie_seche"),
    ("en:pulses", "epicerie_seche"),
    ("en:cereals-and-their-products", "epicerie_seche"),
    ("en:cereal", "epicerie_seche"),
    ("en:rice", "epicerie_seche"),
    ("en:rices", "epicerie_seche"),
    ("en:pastas", "epicerie_seche"),
    ("en:pasta", "epicerie_seche"),
    ("en:flour", "epicerie_seche"),
    ("en:flours", "epicerie_seche"),
    ("en:breakfasts", "epicerie_seche"),
    ("en:breakfast-cereals", "epicerie_seche"),
    ("en:sweeteners", "epicerie_seche"),
    ("en:sugar", "epicerie_seche"),
    ("en:sugars", "epicerie_seche"),
    ("en:bee-products", "epicerie_seche"),
    ("en:honey", "epicerie_seche"),
    ("en:fats", "epicerie_seche"),
    ("en:oil", "epicerie_seche"),
    ("en:vegetable-oil", "epicerie_seche"),
    ("en:condiments", "epicerie_seche"),
    ("en:condiment", "epicerie_seche"),
    ("en:salt", "epicerie_seche"),
    ("en:vinegar", "epicerie_seche"),
    ("en:spices", "epicerie_seche"),
    ("en:spice", "epicerie_seche"),
    ("en:cocoa-and-its-products", "epicerie_seche"),
    ("en:cocoa", "epicerie_seche"),
    ("en:snacks", "epicerie_seche"),
    ("en:nuts", "epicerie_seche"),
    ("en:nut", "epicerie_seche"),
    ("en:seed", "epicerie_seche"),
    ("en:seeds", "epicerie_seche"),
    ("en:yeast", "epicerie_seche"),
    ("en:syrups", "boissons"),
    # Fruit and vegetables.
    ("en:fruits", "fruits_legumes"),
    ("en:fruit", "fruits_legumes"),
    ("en:vegetable", "fruits_legumes"),
    ("en:root-vegetable", "fruits_legumes"),
    ("en:potatoes", "fruits_legumes"),
    ("en:potato", "fruits_legumes"),
    ("en:mushrooms", "fruits_legumes"),
    ("en:mushroom", "fruits_legumes"),
    ("en:herb", "fruits_legumes"),
]


def _listed(block: str) -> list[str]:
    """Names written one block of text, separated by "|" or line ends."""
    return [name.strip() for name in re.split(r"[|\n]", block) if name.strip()]


def _words(block: str) -> list[str]:
    return block.split()


# Names that are everyday French words first, or another thing in a message: never goods alone.
NOT_GOODS: frozenset[str] = frozenset(
    _words(
        """
    son mais mars mai bar sole raie carpe lotte orange avocat coco bon cru nature blanc blanche
    rouge vert verte noir noire jaune rose fin fine extra gros grosse petit petite entier
    entiere demi fleur feuille feuilles graine graines germe poudre morceau morceaux tranche
    tranches part parts pied pieds tete langue joue coeur queue cote cotes rognon gorge gras
    maigre sec seche doux douce fort forte base mix melange preparation produit produits
    aliment aliments alimentation nourriture bio vrac frais fraiche stock reste restes don dons
    aide colis cagette cagettes carton cartons palette palettes sac sacs kit kits pack packs
    boite boites pot pots bocal bouteille bouteilles brique briques sachet sachets barquette
    barquettes portion portions piece pieces unite unites lot lots famille familles page pages
    canard avoine bouchon bouchons chips coquille coquilles ecorce cerneau pate pates the thes
    fond fonds menu menus entree dessert desserts gouter gouters petit dejeuner dejeuner diner
    souper collation moment comment nouvelle nouvelles reunion ca cela chose choses truc trucs
    chinois congolais far nan miserable milliard opera religieuse charlotte gache palmier baie
    barre bounty chique chouchou civette coix gari kari lingot macis marmite mil nora palet
    pouliot rhum snack sable secale sofrit tapas torsade urd zizanie trempette oleisol anis
    eucalyptus absinthe chevrette gala herbe iceberg lavande mout navette passion rude souci
    reticulatus pudendo box canape bleu abondance saler lactique fromagerie cremerie batonnet
    battonet battonnet mystere eskimo agar anon barde carre corb dente deshydratee empereur
    fourmi insecte julienne loup lieu meduse mulet ruban sabre vive sol plie perche zebre
    dromadaire sauterelle saupe griset garnote diot boucaut
    """
    )
)

# What a food bank handles that the source lacks (hygiene, nappies, a few non-food goods), and
# the names volunteers write that the source spells otherwise or files elsewhere.
HAND_BY_CATEGORY: dict[str, str] = {
    "hygiene": """
        gel douche|savon liquide|savonnette|shampoing|shampooing|apres shampoing|dentifrice|
        brosse a dent|deodorant|rasoir|mousse a raser|papier toilette|papier hygienique|
        rouleau de papier toilette|essuie tout|mouchoir|serviette hygienique|
        protection periodique|tampon hygienique|coton tige|coton|creme hydratante|lait corporel|
        lessive|adoucissant|liquide vaisselle|eponge|produit menager|produit d'entretien|javel|
        eau de javel|nettoyant|desinfectant|gel hydroalcoolique|masque chirurgical|couche adulte|
        protection urinaire|kit d'hygiene|trousse de toilette|lingette
    """,
    "bebe": """
        couche|couche bebe|change bebe|lait infantile|lait 1er age|lait 2e age|lait de croissance|
        petit pot|petit pot bebe|biberon|tetine|lingette bebe|liniment|puree bebe|compote bebe|
        cereale bebe|farine infantile|gourde bebe
    """,
    "autre": """
        vetement|vetements enfant|jouet|couverture|duvet|sac de couchage|fourniture scolaire|
        cartable|vaisselle jetable|barquette vide
    """,
    "fruits_legumes": """
        topinambour|panais|rutabaga|celeri rave|celeri branche|patate douce|blette|cote de blette|
        chou rave|mache|roquette|cresson|fruit de saison|legume de saison|legume racine|
        legume oublie|courge spaghetti|potiron|potimarron|patisson|pomme de terre|petit pois|
        ail|oignon|echalote|celeri|chataigne|marron|persil|ciboulette|basilic|menthe|coriandre
    """,
    "epicerie_seche": """
        lentille corail|lentille verte|pois casse|quinoa|boulgour|compote|compote de pomme|
        puree en flocon|pate a tartiner|cafe moulu|cafe soluble|lait en poudre|vermicelle
    """,
    "produits_laitiers": """
        creme fraiche|creme liquide|fromage rape|yaourt nature|yaourt aux fruits|lait uht|
        lait demi ecreme|brique de lait
    """,
    "viande_poisson_oeufs": "sardine|sardine a l'huile|thon|maquereau",
    "boulangerie": "brioche|pain de mie|pain brioche|viennoiserie",
}
HAND: dict[str, str] = {
    name: category for category, block in HAND_BY_CATEGORY.items() for name in _listed(block)
}


def ancestors(taxonomy: dict[str, Any], entry: str) -> set[str]:
    """The entry and every entry above it."""
    seen: set[str] = set()
    todo = [entry]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(taxonomy.get(current, {}).get("parents") or [])
    return seen


def category_of(taxonomy: dict[str, Any], entry: str) -> tuple[int, str | None]:
    """The first rule the entry meets, as (its rank, its category); (len(RULES), None) if none."""
    above = ancestors(taxonomy, entry)
    for rank, (source_id, category) in enumerate(RULES):
        if source_id in above:
            return rank, category
    return len(RULES), None


def french_names(item: dict[str, Any]) -> Iterator[str]:
    name = (item.get("name") or {}).get("fr")
    if name:
        yield name
    yield from (item.get("synonyms") or {}).get("fr") or []


def keep(key: str, communes: frozenset[str]) -> bool:
    words = key.split()
    if not words or len(words) > LONGEST_NAME or len(key) < 3:
        return False
    if any(w.isdigit() for w in words) or words[0] in EDGE_WORDS or words[-1] in EDGE_WORDS:
        return False  # the parser never reads a name that opens or closes on "de", "a"...
    if key in communes and key not in FOOD_FIRST_KEYS:
        return False  # "Munster", "Saint-Marcellin": in a message, a place first
    if len(words) == 1 and key in NOT_GOODS_KEYS:
        return False
    # What the hand lexicon names whole stays its own (with its negation and precedence rules).
    return not any(pattern.fullmatch(key) for pattern in CATEGORY_RES.values())


NOT_GOODS_KEYS = frozenset(name_key(w) for w in NOT_GOODS)
# Names of communes that volunteers mean as food when they write them.
FOOD_FIRST_KEYS = frozenset(
    name_key(w)
    for w in [
        "agneau",
        "andouille",
        "brie",
        "camembert",
        "cannelle",
        "cerise",
        "chanterelle",
        "chantilly",
        "chou",
        "coing",
        "couche",
        "feve",
        "girolle",
        "goyave",
        "grenade",
        "gruyere",
        "lentille",
        "mache",
        "mure",
        "orge",
        "penne",
        "poisson",
        "poivre",
        "roquette",
        "sorbet",
        "caille",
    ]
)


def commune_keys() -> frozenset[str]:
    """Look-up keys of the communes' names (current and former), from the packaged gazetteer."""
    keys: set[str] = set()
    with gzip.open(COMMUNES, "rt", encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            kind, _insee, name = line.split("\t", 3)[:3]
            if kind in ("c", "a"):
                keys.add(name_key(name))
    return frozenset(keys)


def derive(taxonomies: list[dict[str, Any]], communes: frozenset[str]) -> dict[str, str]:
    first_rank: dict[str, int] = {}
    names: dict[str, str] = {}
    for taxonomy in taxonomies:
        for entry, item in taxonomy.items():
            rank, category = category_of(taxonomy, entry)
            if category is None:
                continue
            for name in french_names(item):
                key = name_key(name)
                if not keep(key, communes):
                    continue
                if key not in names or rank < first_rank[key]:
                    names[key] = category
                    first_rank[key] = rank
    for name, category in HAND.items():
        key = name_key(name)
        if not any(pattern.fullmatch(key) for pattern in CATEGORY_RES.values()):
            names[key] = category
    return names


def read_taxonomy(path: Path) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as text:
        taxonomy: dict[str, Any] = json.load(text)
    return taxonomy


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    taxonomies = [read_taxonomy(Path(path)) for path in argv[1:]]
    known = set().union(*taxonomies)
    unknown = [source_id for source_id, _ in RULES if source_id not in known]
    if unknown:
        print("rules naming no entry of the source:", " ".join(unknown), file=sys.stderr)
    names = derive(taxonomies, commune_keys())
    lines = ["name\tcategory"] + [f"{k}\t{v}" for k, v in sorted(names.items())]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with open(OUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(data)
    counts: dict[str, int] = {}
    for category in names.values():
        counts[category] = counts.get(category, 0) + 1
    print(
        f"{len(names)} names -> {OUT.name}: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
