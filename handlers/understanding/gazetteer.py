"""An offline gazetteer of the communes of France (see data/README.md for the source)."""

from __future__ import annotations

import difflib
import gzip
import hashlib
import heapq
import itertools
import math
import pickle
import re
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from operator import itemgetter
from typing import TypeVar, overload

from .text import canonical, fold, fold_text, word_set

_DATA_FILE = "communes.tsv.gz"
# The same data, parsed and indexed (`_index_bytes`): loading it costs a decompression and an
# unpickling of plain tuples, not a parse of 44,000 lines (issue 12, `boucle parse`'s start).
# Rebuilt by data/build_gazetteer_index.py; tests check that it matches the source.
_INDEX_FILE = "communes.idx"
# Changed whenever `_parse` or what it depends on changes the index's shape.
_INDEX_VERSION = 4  # 3: the communes as columns (`_Columns`); 4: _SAID_SHORT_RATIO
# Inhabitants from which a commune is known by its name, and by the first word of a compound
# name (« Rillieux » for Rillieux-la-Pape): measured on the development corpora, no town of
# this size is read out of an everyday word there.
_KNOWN_BY = 10_000
# First words that are everyday words once their accents are back (« rivière », « orée »,
# « morne »; the data file's check read them without accents) or English ones.
_NOT_SHORT_FORMS = frozenset({"riviere", "oree", "morne", "noisy", "chilly", "bully", "teva"})
# Issue 10 (tune10b): a town said by the first words of its name when those words are also a
# village's full name (« clermont » for Clermont-Ferrand, not Clermont in the Oise; « au puy »
# for Le Puy-en-Velay): the town of _KNOWN_BY inhabitants or more and this many times the
# village's is also indexed under those words, so that `_best_named` weighs both (the nearest
# to the network wins, else the most populous).
_SAID_SHORT_RATIO = 10
_MAX_WORDS = 8
# Misspelt names (issue 10, parts F and G: « carcassone », « perpignant », « millaud »,
# « castelsarazin », « montluson », « trebe »): a name is also indexed by how it sounds
# (`sound_key`), for the towns of this size, and read by that key only when no name or postal
# code matched exactly. Smaller communes sound too much like everyday words.
_SOUNDS_FROM = 2_000
_SOUND_MIN_LETTERS = 5  # a word read by its sound has five letters or more
_MAX_SOUND_WORDS = 3
# Everyday words that sound like a town (« aurait », Auray), never read as one: built offline
# by data/build_sound_alikes.py.
_SOUND_ALIKES_FILE = "sound_alikes.txt"
# Pronouns that follow « à » as a place would (« merci à celles et ceux qui… »): never a place.
_NEVER_PLACES = frozenset({"celles", "celle", "ceux", "elles", "eux"})
# ... nor English determiners after « in » (« in our coloc », « in this town »: Our, This, His,
# Us are tiny communes; issue 10, tune10).
_NEVER_PLACES |= frozenset({"our", "this", "his", "us"})
# « au Havre », « du Havre », « aux Sables-d'Olonne »: the article contracted with « à » / « de ».
_CONTRACTED = {"au": ("a", "le"), "du": ("de", "le"), "aux": ("a", "les")}
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_STRONG_BEFORE = {
    "a",
    "secteur",
    "sur",
    "vers",
    "commune",
    "ville",
    "mairie",
    "region",
    "cote",
    "proche",
    "pres",
    "depuis",
    "centre",
    "zone",
    # Issue 10 (tune10): posts written in English (« food bank in Bordeaux », « transport
    # around Bordeaux », « near Orange »).
    "in",
    "around",
    "near",
}
# « sur place », « sur demande », « sur palette »: before a name that is also an everyday
# word, "sur" is the idiom, not a place context (« sur Montpellier » still counts).
# Issue 10 (tune10b): « côté frais », « côté sec », « côté logistique »: the same for « côté ».
_STRONG_ONLY_BEFORE_NAMES = frozenset({"sur", "cote"})
# An everyday noun with its article (« la réunion », « le port », « la salle », « le parc »):
# after « à » / « au » it is the place of a meeting or a stop, not the commune so named.
_ARTICLES = frozenset({"la", "le", "les", "l"})
# « le CCAS de Mer », « la mairie de Mer »: "de" after an institution names its commune.
_INSTITUTIONS = frozenset({"ccas", "cias", "mairie", "commune", "ville"})
# ... and after the networks' local branches (issue 10, tune10b): « le Secours catholique du
# Puy », « la Banque alimentaire de Mer », « Emmaüs de Don ».
_INSTITUTIONS |= frozenset({"catholique", "populaire", "alimentaire", "emmaus"})
_WORD = re.compile(r"[a-z0-9]+")
_POSTAL = re.compile(r"(?<![\d,.])(?:0[1-9]|[1-8]\d|9[0-8])\d{3}(?![\d,.]|\s?(?:kg|g|l|t|€|e)\b)")
_SEGMENT_BREAK = re.compile(r"[,;:!?()\[\]\n/|]| - |\.(?:\s|$)")

# Communes named like words that Boucle's messages use all the time: accepted only in a
# place context ("à Orange", "secteur Mer", "…, Don"), never as the word itself.
STOP_WORDS = word_set(
    """
    sos orange cognac camembert brie munster roquefort champagne chablis beaufort vittel
    volvic evian morbier laguiole comte bordeaux bourgogne cantal reblochon banon
    pouilly sancerre lait pain riz sel sucre the cafe miel oeufs beurre creme viande
    poisson porc boeuf poulet pomme pommes poire poires orange oranges peche peches
    prune prunes cerise cerises raisin carotte carottes chou choux salade courge noix
    chataigne olive olives ail oignon don dons besoin besoins aide liste urgent fait
    annule annuler prendre prends merci bonjour bonsoir salut coucou ok oui non plus
    moins tres bien tout tous toute toutes lundi mardi mercredi jeudi vendredi samedi
    dimanche janvier fevrier mars avril mai juin juillet aout septembre octobre novembre
    decembre demain midi soir matin semaine mois jour jours heure heures kilo kilos kg
    litre litres carton cartons palette palettes colis repas sac sacs boite boites pot
    pots lot lots pack packs caisse caisses place places local locaux salle salles cave
    caves mer port pont ponts gare vallee bois foret champ champs prairie moulin moulins
    fontaine fontaines croix chapelle eglise chateau tour tours val mont monts plaine
    ile iles bourg ville village hameau cours camion camions frigo voiture remorque
    stock stocks reserve depot marche marches famille familles enfants collecte tournee
    ramasse livraison transport entraide epicerie solidaire restos resto association
    asso assos secours populaire croix rouge fruits legumes conserve conserves surgele
    surgeles hygiene bebe couches savon charge sept huit neuf dix cent mille vingt
    trente quarante cinquante soixante si sans avec pour par chez entre vers sur sous
    dans plein vide bon bonne beau belle eu y us as os en es
    this our still jars cans baby
    """
)


@dataclass(frozen=True, slots=True)
class Commune:
    name: str
    insee: str
    postal_codes: tuple[str, ...]
    department: str
    latitude: float | None
    longitude: float | None
    population: int | None


_Row = tuple[str, str, tuple[str, ...], str, float | None, float | None, int | None]

# The communes of the packaged index as columns (issue 12, memory: a tuple, two floats and an
# int per commune weighed ~10 MB of the bot's RSS; these ~3 MB): every name in one string
# with where each ends, every INSEE code in one string (five characters each), the tuples of
# postal codes and the departments (shared objects), then latitudes, longitudes (NaN: none)
# and populations (-1: none) as arrays.
_Columns = tuple[
    str,
    "array[int]",
    str,
    tuple[tuple[str, ...], ...],
    tuple[str, ...],
    "array[float]",
    "array[float]",
    "array[int]",
]
_INSEE_CHARS = 5
_NO_POPULATION = -1


def _columns(communes: Iterable[Commune]) -> _Columns:
    """The columns of ``communes``, their equal tuples and strings made one object."""
    shared: dict[object, object] = {}

    def one(value: _T) -> _T:
        return shared.setdefault(value, value)  # type: ignore[return-value]

    rows = list(communes)
    ends = array("I", itertools.accumulate(len(c.name) for c in rows))
    insee = "".join(c.insee for c in rows)
    if len(insee) != _INSEE_CHARS * len(rows):
        raise ValueError("an INSEE code is not five characters long")
    return (
        "".join(c.name for c in rows),
        ends,
        insee,
        tuple(one(tuple(one(code) for code in c.postal_codes)) for c in rows),
        tuple(one(c.department) for c in rows),
        array("d", (math.nan if c.latitude is None else c.latitude for c in rows)),
        array("d", (math.nan if c.longitude is None else c.longitude for c in rows)),
        array("q", (_NO_POPULATION if c.population is None else c.population for c in rows)),
    )


class _Communes(Sequence[Commune]):
    """The communes of a loaded index (`_Columns`), each made the first time it is read: a
    start reads a handful of 35,000 (making them all took ~0.05 s of `boucle parse`)."""

    __slots__ = ("_columns", "_made")

    def __init__(self, columns: _Columns) -> None:
        self._columns = columns
        self._made: dict[int, Commune] = {}

    def __len__(self) -> int:
        return len(self._columns[1])

    @overload
    def __getitem__(self, index: int) -> Commune: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Commune, ...]: ...
    def __getitem__(self, index: int | slice) -> Commune | tuple[Commune, ...]:
        if isinstance(index, slice):
            return tuple(map(self.__getitem__, range(*index.indices(len(self)))))
        found = self._made.get(index)
        if found is None:
            found = self._make(index)
        return found

    def _make(self, index: int) -> Commune:
        names, ends, insee, postal, departments, latitudes, longitudes, populations = self._columns
        if index < 0:
            index += len(ends)
        if not 0 <= index < len(ends):
            raise IndexError("commune index out of range")
        latitude, longitude, population = latitudes[index], longitudes[index], populations[index]
        made = self._made[index] = Commune(
            names[ends[index - 1] if index else 0 : ends[index]],
            insee[_INSEE_CHARS * index : _INSEE_CHARS * (index + 1)],
            postal[index],
            departments[index],
            None if math.isnan(latitude) else latitude,
            None if math.isnan(longitude) else longitude,
            None if population == _NO_POPULATION else population,
        )
        return made

    def __iter__(self) -> Iterator[Commune]:
        return map(self.__getitem__, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Communes | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class _Data:
    communes: Sequence[Commune]
    by_key: dict[str, tuple[int, ...]]  # official names and former communes' names
    by_prefix: dict[str, tuple[int, ...]]  # "lezignan" for Lézignan-Corbières, etc.
    by_postal: dict[str, tuple[int, ...]]
    common: frozenset[str]
    # First words that a town is called by in speech (« Rillieux », « Caluire »): see _KNOWN_BY.
    short_forms: frozenset[str]
    # Names of towns of _SOUNDS_FROM inhabitants by their sound (`sound_key`), for misspellings.
    by_sound: dict[str, tuple[int, ...]]
    # Words in the longest name starting with each word: most words of a message start
    # none, and are passed over without building any of their word sequences.
    longest_from: dict[str, int]


def _name_key(text: str) -> str:
    words = _WORD.findall(fold(canonical(text)).text)
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


_SOUND_STEPS = (
    (re.compile(r"ph"), "f"),
    (re.compile(r"y"), "i"),
    (re.compile(r"z"), "s"),
    (re.compile(r"([a-z])\1+"), r"\1"),  # doubled letters
    (re.compile(r"(?<=[a-z]{3})[estdx]+$"), ""),  # silent endings: « trèbe(s) », « millau(d) »
)


@cache
def sound_key(word: str) -> str:
    """How a folded word sounds, roughly: « carcassone » and « carcassonne » are « carcason »,
    « perpignant » and « perpignan » are « perpignan »."""
    for pattern, replacement in _SOUND_STEPS:
        word = pattern.sub(replacement, word)
    return word


def _sound_keys(name: str) -> set[str]:
    """The sound of a name, from its folded key and (« Montluçon » said « montluson ») with
    « ç » read as « s »."""
    spellings = {_name_key(name), _name_key(name.replace("ç", "s").replace("Ç", "S"))}
    return {" ".join(sound_key(w) for w in k.split()) for k in spellings if k}


def _parse(raw: str) -> _Data:
    communes: list[Commune] = []
    by_insee: dict[str, int] = {}
    by_key: dict[str, list[int]] = {}
    by_prefix: dict[str, list[int]] = {}
    by_postal: dict[str, list[int]] = {}
    common: set[str] = set()
    towns: set[str] = set()  # names of towns of _KNOWN_BY inhabitants, not flagged as words
    aliases: list[tuple[str, str, bool]] = []
    prefixes: list[tuple[str, str]] = []
    for line in raw.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 9:
            continue
        kind, insee, name, postal, dept, lat, lon, pop, flag = cols[:9]
        if kind == "a":
            aliases.append((insee, name, flag == "1"))
            continue
        if kind == "p":
            prefixes.append((insee, name))
            continue
        idx = len(communes)
        codes = tuple(postal.split())
        communes.append(
            Commune(
                name=name,
                insee=insee,
                postal_codes=codes,
                department=dept,
                latitude=float(lat) if lat else None,
                longitude=float(lon) if lon else None,
                population=int(pop) if pop else None,
            )
        )
        by_insee[insee] = idx
        k = _name_key(name)
        by_key.setdefault(k, []).append(idx)
        if flag == "1":
            common.add(k)
        elif (communes[idx].population or 0) >= _KNOWN_BY:
            towns.add(k)
        for code in codes:
            by_postal.setdefault(code, []).append(idx)
    for insee, name, is_common in aliases:
        if insee in by_insee:
            k = _name_key(name)
            by_key.setdefault(k, []).append(by_insee[insee])
            if is_common:
                common.add(k)
    for insee, head in prefixes:
        if insee in by_insee and head not in STOP_WORDS:
            by_prefix.setdefault(head, []).append(by_insee[insee])
    prefix = {k: tuple(v) for k, v in by_prefix.items()}
    by_sound: dict[str, list[int]] = {}
    for idx, commune in enumerate(communes):
        everyday = _name_key(commune.name) in common or _name_key(commune.name) in STOP_WORDS
        if (commune.population or 0) >= _SOUNDS_FROM and not everyday:
            for k in sorted(_sound_keys(commune.name)):
                by_sound.setdefault(k, []).append(idx)
    stop_sounds = {sound_key(w) for w in STOP_WORDS}  # « oranges » is not Orange
    for head, found in prefix.items():  # « valras » for Valras-Plage
        if max(communes[i].population or 0 for i in found) >= _SOUNDS_FROM:
            by_sound.setdefault(" ".join(map(sound_key, head.split())), []).extend(found)
    # A town is known by its name: « Valence » is not the word « valence » because a hamlet
    # of that name is flagged as one; its short form (« Décines ») is said as its name.
    common -= towns - STOP_WORDS
    short = frozenset(
        k
        for k, v in prefix.items()
        if max(communes[i].population or 0 for i in v) >= _KNOWN_BY and k not in _NOT_SHORT_FORMS
    )
    prefix = _with_said_short(communes, by_key, prefix)
    return _Data(
        communes=tuple(communes),
        by_key={k: tuple(v) for k, v in by_key.items()},
        by_prefix=prefix,
        by_postal={k: tuple(v) for k, v in by_postal.items()},
        common=frozenset(common),
        short_forms=short,
        by_sound={
            k: tuple(sorted(set(v)))
            for k, v in by_sound.items()
            if len(k.replace(" ", "")) >= _SOUND_MIN_LETTERS - 1 and k not in stop_sounds
        },
        longest_from=_longest_from([*by_key, *prefix]),
    )


def _with_said_short(
    communes: list[Commune], by_key: dict[str, list[int]], prefix: dict[str, tuple[int, ...]]
) -> dict[str, tuple[int, ...]]:
    """`prefix` plus the towns said by the first words of their name where those words are
    a village's whole name (`_SAID_SHORT_RATIO`)."""
    extra: dict[str, list[int]] = {}
    for idx, commune in enumerate(communes):
        population = commune.population or 0
        words = _name_key(commune.name).split()
        if population < _KNOWN_BY or len(words) < 2 or commune.latitude is None:
            continue  # (no coordinates: overseas, never nearest to a network)
        for n in range(1, len(words)):
            head = " ".join(words[:n])
            villages = by_key.get(head)
            if not villages or head in prefix or head in STOP_WORDS:
                continue
            if population >= _SAID_SHORT_RATIO * max(communes[i].population or 0 for i in villages):
                extra.setdefault(head, []).append(idx)
    return {**prefix, **{k: tuple(v) for k, v in extra.items()}}


Point = tuple[float, float]  # (latitude, longitude) in degrees
Vector = tuple[float, float, float]  # on the unit sphere
DistanceKm = Callable[[Point, Point], float]

_EARTH_RADIUS_KM = 6371.0
_LEAF_SIZE = 8
# Pruning compares a chord with a bound derived from a haversine: this slack (far above
# their rounding errors, far below any real gap between places) keeps every possibly
# nearest point in the search, so the result is exactly the brute-force minimum.
_SLACK = 1e-9


def _longest_from(keys: list[str]) -> dict[str, int]:
    longest: dict[str, int] = {}
    for key in keys:
        words = key.split()
        if words:
            longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return longest


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance in km (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return _EARTH_RADIUS_KM * 2 * math.asin(min(1.0, math.sqrt(h)))


def _unit_vector(p: Point) -> Vector:
    lat, lon = math.radians(p[0]), math.radians(p[1])
    return (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))


def _chord(km: float) -> float:
    """The straight-line distance, on the unit sphere, of a great-circle distance in km."""
    return 2.0 * math.sin(min(km / (2.0 * _EARTH_RADIUS_KM), math.pi / 2))


@dataclass(frozen=True)
class _Node:
    """A box of the k-d tree: its bounds, then either two halves or (a leaf) its points."""

    low: Vector
    high: Vector
    halves: tuple[int, int] | None
    points: tuple[Point, ...]


_Entry = tuple[float, float, float, float, float]  # unit vector x, y, z; latitude, longitude


def _kd_tree(points: list[Point]) -> list[_Node]:
    """A k-d tree over the points' unit vectors, root first. The chord between unit vectors
    grows with the great-circle distance, so boxes bound the search without spherical
    trigonometry."""
    nodes: list[_Node] = []
    _grow(nodes, [(*_unit_vector(p), *p) for p in points])
    return nodes


def _grow(nodes: list[_Node], entries: list[_Entry]) -> int:
    xs, ys, zs, lats, lons = zip(*entries, strict=True)
    low = (min(xs), min(ys), min(zs))
    high = (max(xs), max(ys), max(zs))
    index = len(nodes)
    if len(entries) <= _LEAF_SIZE:
        nodes.append(_Node(low, high, None, tuple(zip(lats, lons, strict=True))))
        return index
    nodes.append(_Node(low, high, None, ()))  # keeps the parent before its halves
    axis = max(range(3), key=lambda a: high[a] - low[a])
    entries = sorted(entries, key=itemgetter(axis))
    middle = len(entries) // 2
    halves = (_grow(nodes, entries[:middle]), _grow(nodes, entries[middle:]))
    nodes[index] = _Node(low, high, halves, ())
    return index


def _gap2(v: Vector, node: _Node) -> float:
    """Squared straight-line distance from ``v`` to the node's box (0 inside it)."""
    total = 0.0
    for axis in (0, 1, 2):
        below = node.low[axis] - v[axis]
        above = v[axis] - node.high[axis]
        if below > 0:
            total += below * below
        elif above > 0:
            total += above * above
    return total


class _Network:
    """The network's places, to tell which of several homonyms is nearest to them.

    Built once per focus: a k-d tree over the distinct places, O(P log P). A choice among
    homonyms is one best-first search for the closest (commune, place) pair, which only
    opens the boxes near that pair, and is memoised: a name costs one dictionary look-up
    after its first message, whatever the size of the network. The memo caches a pure
    function of the homonyms (one entry per group met, a few thousand at most): it changes
    no answer.
    """

    __slots__ = ("_chosen", "_distance", "_nodes")

    def __init__(self, points: tuple[Point, ...], distance: DistanceKm) -> None:
        self._nodes = _kd_tree(sorted(set(points)))
        self._distance = distance
        self._chosen: dict[tuple[int, ...], int] = {}

    def nearest(self, indices: tuple[int, ...], communes: Sequence[Commune]) -> int:
        """Which of ``indices`` is nearest to the network, then most populous, then first."""
        chosen = self._chosen.get(indices)
        if chosen is None:
            located = [
                (i, (c.latitude, c.longitude))
                for i in indices
                if (c := communes[i]).latitude is not None and c.longitude is not None
            ]
            ties = self._closest(located) if located else set(indices)
            chosen = min(
                (i for i in indices if i in ties),
                key=lambda i: -(communes[i].population or 0),
            )
            self._chosen[indices] = chosen
        return chosen

    def _closest(self, located: list[tuple[int, Point]]) -> set[int]:
        """The communes of ``located`` at the least distance from any place of the network."""
        vectors = [_unit_vector(place) for _, place in located]
        found = [math.inf] * len(located)
        best = math.inf
        reach2 = math.inf  # squared chord beyond which no place can beat ``best``
        pending = [(_gap2(v, self._nodes[0]), k, 0) for k, v in enumerate(vectors)]
        heapq.heapify(pending)
        while pending:
            gap2, k, at = heapq.heappop(pending)
            if gap2 > reach2:
                break  # every box left is farther than the best pair found
            node = self._nodes[at]
            if node.halves is not None:
                for half in node.halves:
                    heapq.heappush(pending, (_gap2(vectors[k], self._nodes[half]), k, half))
                continue
            here = located[k][1]
            for point in node.points:
                km = self._distance(here, point)
                if km < found[k]:
                    found[k] = km
                    if km < best:
                        best = km
                        reach2 = (_chord(km) * (1 + _SLACK) + _SLACK) ** 2
        # A commune whose search stopped early is farther than ``best``: its ``found`` may
        # be inexact but is then above ``best`` too.
        return {located[k][0] for k, km in enumerate(found) if km == best}


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    exact: tuple[int, ...]  # communes of that very name
    shortened: tuple[int, ...]  # communes whose longer name it begins (« Lézignan »)
    score: float


@dataclass(frozen=True)
class Gazetteer:
    """Look communes up by name or postal code. Answers never change (a focused gazetteer
    memoises its choices among homonyms, nothing else); ``with_focus`` shares the data."""

    _data: _Data = field(repr=False)
    focus: tuple[Point, ...] = ()
    _network: _Network | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self._data.communes)

    def communes_of(self, departments: frozenset[str]) -> list[Commune]:
        """Every commune of these departments (benchmarks place associations in them)."""
        return [c for c in self._data.communes if c.department in departments]

    def with_focus(self, points: list[Point], *, distance: DistanceKm = distance_km) -> Gazetteer:
        """The same gazetteer, preferring among homonyms the commune nearest to ``points``.

        ``distance`` (km between two points) is only replaced by tests, to count calls.
        """
        focus = tuple((float(a), float(b)) for a, b in points)
        return Gazetteer(self._data, focus, _Network(focus, distance) if focus else None)

    # -- choosing among homonyms -------------------------------------------------------
    def _best(self, indices: tuple[int, ...]) -> Commune | None:
        """Nearest to the network, then most populous; without a network, most populous."""
        if not indices:
            return None
        communes = self._data.communes
        if len(indices) == 1:
            return communes[indices[0]]
        if self._network is not None:
            return communes[self._network.nearest(indices, communes)]
        return max((communes[i] for i in indices), key=lambda c: (c.population or 0, c.insee))

    def _best_named(self, exact: tuple[int, ...], shortened: tuple[int, ...]) -> Commune | None:
        """A name written in full wins over the longer names it begins (« Lunel », not
        Lunel-Viel next door, nearer the network); it is read as a shortened name only when
        one of those is more populous (« Saint-Pons » for Saint-Pons-de-Thomières), and the
        nearest of all then wins."""
        named = self._best(exact)
        longer = self._best(shortened)
        if named is None or longer is None:
            return named or longer
        if (longer.population or 0) <= (named.population or 0):
            return named
        return self._best(exact + shortened)

    def _best_with_codes(
        self, exact: tuple[int, ...], shortened: tuple[int, ...], codes: list[tuple[int, ...]]
    ) -> Commune | None:
        """A postal code written beside the name narrows it to the communes it serves."""
        for code in codes:
            exact_here = tuple(i for i in exact if i in code)
            shortened_here = tuple(i for i in shortened if i in code)
            if exact_here or shortened_here:
                return self._best_named(exact_here, shortened_here)
        return self._best_named(exact, shortened)

    # -- public look-ups ---------------------------------------------------------------
    def find(self, text: str) -> Commune | None:
        """The commune named by ``text`` (a name, written any way, or a postal code)."""
        k = _name_key(text[:300])
        for prefix in ("a ", "commune de ", "ville de "):
            if k.startswith(prefix) and k[len(prefix) :] in self._data.by_key:
                k = k[len(prefix) :]
        if not k:
            return None
        words = k.split()
        codes = [w for w in words if len(w) == 5 and w in self._data.by_postal]
        name = " ".join(w for w in words if w not in codes)
        by_code = tuple(i for c in codes for i in self._data.by_postal[c])
        exact = self._data.by_key.get(name, ())
        shortened = self._data.by_prefix.get(name, ())
        if exact or shortened:
            return self._best_with_codes(exact, shortened, [by_code] if by_code else [])
        if by_code and not name:
            return self._best(by_code)
        return None

    def homonyms(self, text: str) -> tuple[Commune, ...]:
        """Every commune ``text`` names by its very name (a postal code beside it narrows
        them), most populous first: more than one, and the name alone is ambiguous."""
        words = _name_key(text[:300]).split()
        codes = {w for w in words if len(w) == 5 and w in self._data.by_postal}
        name = " ".join(w for w in words if w not in codes)
        found = self._data.by_key.get(name, ())
        if codes:
            served = {i for c in codes for i in self._data.by_postal[c]}
            found = tuple(i for i in found if i in served)
        communes = {self._data.communes[i].insee: self._data.communes[i] for i in found}
        return tuple(sorted(communes.values(), key=lambda c: (-(c.population or 0), c.insee)))

    def suggestions(self, text: str, limit: int = 3) -> list[Commune]:
        """Communes whose name is close to ``text`` (a misspelling), best first."""
        k = _name_key(text[:100])
        if len(k) < 3:
            return []
        keys = [key for key in self._data.by_key if key[:1] == k[:1]]
        close = difflib.get_close_matches(k, keys, n=limit, cutoff=0.75)
        found: list[Commune] = []
        for key in close:
            commune = self._best(self._data.by_key[key])
            if commune is not None and commune not in found:
                found.append(commune)
        return found

    def find_in(self, text: str) -> Commune | None:
        """The commune named anywhere in a free message, or None."""
        folded = fold_text(canonical(text))  # no index map (issue 12)
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(folded)]
        tokens = [_ABBREVIATIONS.get(w, w) for _, _, w in words]
        breaks = [m.start() for m in _SEGMENT_BREAK.finditer(folded)]
        data = self._data
        candidates: list[_Candidate] = []
        longest_from = data.longest_from
        i = 0
        while i < len(tokens):
            # Most words start no name, and follow no « au », « du », « aux » (issue 12: a
            # look-up here instead of a call of `_named_at` that finds nothing).
            if tokens[i] not in longest_from and (i == 0 or tokens[i - 1] not in _CONTRACTED):
                i += 1
                continue
            hit = self._named_at(folded, words, tokens, breaks, i)
            if hit is None:
                i += 1
                continue
            candidates.append(hit)
            i = hit.end
        codes = [
            data.by_postal[m.group()]
            for m in _POSTAL.finditer(folded)
            if m.group() in data.by_postal
        ]
        if candidates:
            best = max(_qualified(candidates, tokens), key=lambda c: (c.score, c.start))
            return self._best_with_codes(best.exact, best.shortened, codes)
        if codes:
            return self._best(codes[0])
        return self._sounding(tokens)

    def _named_at(
        self,
        folded: str,
        words: list[tuple[int, int, str]],
        tokens: list[str],
        breaks: list[int],
        i: int,
    ) -> _Candidate | None:
        """The longest name starting at tokens[i] that reads as a place here, if any; after
        « au », « du », « aux », a name with its article (« au havre »: Le Havre)."""
        data = self._data
        article = _CONTRACTED.get(tokens[i - 1]) if i > 0 else None
        heads = ("", article[1] + " ") if article else ("",)
        for head in heads:
            first, extra = (head.split()[0], 1) if head else (tokens[i], 0)
            longest = min(_MAX_WORDS, data.longest_from.get(first, 0) - extra, len(tokens) - i)
            for n in range(longest, 0, -1):
                k = head + " ".join(tokens[i : i + n])
                if k in _NEVER_PLACES:
                    continue
                exact = data.by_key.get(k, ())
                shortened = data.by_prefix.get(k, ())
                if not (exact or shortened):
                    continue
                if head and article is not None:  # « au havre » reads « à le havre »
                    tokens = [*tokens[: i - 1], article[0], *tokens[i:]]
                score = self._score(folded, words, tokens, breaks, i, i + n, k, not exact)
                if score is not None:
                    return _Candidate(i, i + n, exact, shortened, score)
        return None

    def _sounding(self, tokens: list[str]) -> Commune | None:
        """A town named with a misspelling (« narbone », « castelsarazin »): one to three
        words sounding like its name (`sound_key`); the first such name, longest first."""
        by_sound = self._data.by_sound
        everyday = _sound_alikes()
        for i in range(len(tokens)):
            word = tokens[i]
            if len(word) < _SOUND_MIN_LETTERS or word in STOP_WORDS or word in everyday:
                continue
            if word in self._data.by_key or word in self._data.by_prefix:
                continue  # a name, refused where it stands (« au frais »): not a misspelling
            for n in range(min(_MAX_SOUND_WORDS, len(tokens) - i), 0, -1):
                found = by_sound.get(" ".join(map(sound_key, tokens[i : i + n])))
                if found:
                    return self._best(found)
        return None

    def _score(
        self,
        folded: str,
        words: list[tuple[int, int, str]],
        tokens: list[str],
        breaks: list[int],
        start: int,
        end: int,
        k: str,
        is_prefix: bool,
    ) -> float | None:
        """How surely words[start:end] name a place here; None when they surely do not."""
        before = tokens[start - 1] if start > 0 else ""
        before2 = tokens[start - 2] if start > 1 else ""
        strong = before in _STRONG_BEFORE or (
            before == "de" and (before2 in _STRONG_BEFORE or before2 in _INSTITUTIONS)
        )
        if before == "a" and start > 1 and tokens[start - 2] in {"il", "y", "on", "qui", "elle"}:
            strong = False  # "il a", "on a": the verb, not "à"
        seg_start = max((b for b in breaks if b < words[start][0]), default=-1)
        seg_end = min((b for b in breaks if b >= words[end - 1][1]), default=len(folded))
        seg_words = [
            w for s, _, w in words if seg_start < s < seg_end and w not in {"secteur", "a"}
        ]
        alone = len(seg_words) == end - start and (seg_start >= 0 or seg_end < len(folded))
        last = end == len(tokens)
        single = end - start == 1
        everyday = k in STOP_WORDS or k in self._data.common
        ambiguous = everyday or (is_prefix and k not in self._data.short_forms)
        if single and (len(k) < 3 or k.isdigit()):
            ambiguous = True
        if everyday and before in _STRONG_ONLY_BEFORE_NAMES:
            strong = False
        if everyday and before == "a" and k.split(" ", 1)[0] in _ARTICLES:
            # issue 10 (tune10b): « à la réunion », « au port », « au parc »; not « au puy »,
            # a town's short name (`_SAID_SHORT_RATIO`)
            strong = k in self._data.by_prefix
        if ambiguous and not (strong or alone):
            return None
        if single and k in STOP_WORDS and not strong:
            return None
        score = 2.0 * strong + 1.5 * alone + 0.5 * last + 0.3 * (end - start)
        return score - (1.0 if is_prefix else 0.0)


def _qualified(candidates: list[_Candidate], tokens: list[str]) -> list[_Candidate]:
    """« la conférence Saint-Vincent-de-Paul de Valence »: a name followed by « de » and a
    commune is the name of something in that commune, which is the place."""
    ends = {c.end for c in candidates}
    return [
        replace(c, score=c.score + _QUALIFIED)
        if c.start >= 2 and tokens[c.start - 1] == "de" and c.start - 1 in ends
        else c
        for c in candidates
    ]


_QUALIFIED = 2.0


_T = TypeVar("_T")


def _source_digest(raw: bytes) -> str:
    """What the index was built from: the data file and the constants `_parse` reads."""
    digest = hashlib.sha256(raw)
    rules = (
        _INDEX_VERSION,
        _KNOWN_BY,
        sorted(_NOT_SHORT_FORMS),
        sorted(_ABBREVIATIONS.items()),
        sorted(STOP_WORDS),
        _SOUNDS_FROM,
        _SOUND_MIN_LETTERS,
        _SAID_SHORT_RATIO,
    )
    digest.update(repr(rules).encode("utf-8"))
    return digest.hexdigest()


def _index_bytes(raw: bytes) -> bytes:
    """The packaged index of ``raw`` (communes.tsv.gz's bytes): `_parse`'s result as the
    communes' columns (`_Columns`: strings, tuples, arrays) and plain dicts and tuples,
    pickled and compressed, behind the source's digest."""
    data = _parse(gzip.decompress(raw).decode("utf-8"))
    # Equal strings and tuples made one object: pickle then stores them once and loading
    # shares them (a department's code, a postal code and its communes' tuples of codes:
    # ~35,000 of each in the data file, a few thousand distinct; issue 12, memory).
    columns = _columns(data.communes)
    shared: dict[object, object] = {code: code for codes in columns[3] for code in codes}

    def one(value: _T) -> _T:
        return shared.setdefault(value, value)  # type: ignore[return-value]

    # The same for the look-ups' keys and tuples of communes: a word that is a name and
    # begins longer ones is one string, a commune alone under its name and its postal code
    # one tuple (issue 12, memory).
    by_key = {one(k): one(v) for k, v in data.by_key.items()}
    fields = (
        columns,
        by_key,
        {one(k): one(v) for k, v in data.by_prefix.items()},
        {one(code): one(found) for code, found in data.by_postal.items()},
        tuple(sorted(map(one, data.common))),  # sorted: the same bytes from one build to the next
        tuple(sorted(map(one, data.short_forms))),
        {one(k): one(v) for k, v in data.by_sound.items()},
        {one(k): v for k, v in data.longest_from.items()},
    )
    body = zlib.compress(pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL), 9)
    return _source_digest(raw).encode("ascii") + b"\n" + body


def _from_index(raw: bytes, index: bytes) -> _Data | None:
    """The data of a packaged index built from ``raw``; None when it was built from
    anything else (then the data file is parsed)."""
    digest, _, body = index.partition(b"\n")
    if digest.decode("ascii", "replace") != _source_digest(raw):
        return None
    # Our own packaged file, written by `_index_bytes`: plain built-in types only.
    columns, by_key, by_prefix, by_postal, common, short_forms, by_sound, longest_from = (
        pickle.loads(zlib.decompress(body))
    )
    return _Data(
        communes=_Communes(columns),
        by_key=by_key,
        by_prefix=by_prefix,
        by_postal=by_postal,
        common=frozenset(common),
        short_forms=frozenset(short_forms),
        by_sound=by_sound,
        longest_from=longest_from,
    )


def _load_data() -> _Data:
    folder = resources.files(__package__).joinpath("data")
    raw = folder.joinpath(_DATA_FILE).read_bytes()
    index = folder.joinpath(_INDEX_FILE)
    data = _from_index(raw, index.read_bytes()) if index.is_file() else None
    return data if data is not None else _parse(gzip.decompress(raw).decode("utf-8"))


@cache
def _sound_alikes() -> frozenset[str]:
    """Everyday words that sound like a town (data/build_sound_alikes.py), read once."""
    text = resources.files(__package__).joinpath("data", _SOUND_ALIKES_FILE).read_text("utf-8")
    return frozenset(text.split())


@cache
def load_gazetteer() -> Gazetteer:
    """The communes of France, loaded once from the packaged data (its prebuilt index when
    it matches the data file, else the data file itself)."""
    return Gazetteer(_load_data())
