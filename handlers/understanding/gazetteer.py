"""An offline gazetteer of the communes of France (see data/README.md for the source)."""

from __future__ import annotations

import gzip
import math
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .text import canonical, fold, word_set

_DATA_FILE = "communes.tsv.gz"
_MAX_WORDS = 8
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
}
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
    """
)


@dataclass(frozen=True)
class Commune:
    name: str
    insee: str
    postal_codes: tuple[str, ...]
    department: str
    latitude: float | None
    longitude: float | None
    population: int | None


@dataclass(frozen=True)
class _Data:
    communes: tuple[Commune, ...]
    by_key: dict[str, tuple[int, ...]]  # official names and former communes' names
    by_prefix: dict[str, tuple[int, ...]]  # "lezignan" for Lézignan-Corbières, etc.
    by_postal: dict[str, tuple[int, ...]]
    common: frozenset[str]


def _name_key(text: str) -> str:
    words = _WORD.findall(fold(canonical(text)).text)
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def _parse(raw: str) -> _Data:
    communes: list[Commune] = []
    by_insee: dict[str, int] = {}
    by_key: dict[str, list[int]] = {}
    by_prefix: dict[str, list[int]] = {}
    by_postal: dict[str, list[int]] = {}
    common: set[str] = set()
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
    return _Data(
        communes=tuple(communes),
        by_key={k: tuple(v) for k, v in by_key.items()},
        by_prefix=prefix,
        by_postal={k: tuple(v) for k, v in by_postal.items()},
        common=frozenset(common),
    )


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    indices: tuple[int, ...]
    score: float


@dataclass(frozen=True)
class Gazetteer:
    """Look communes up by name or postal code. Immutable; ``with_focus`` shares the data."""

    _data: _Data = field(repr=False)
    focus: tuple[tuple[float, float], ...] = ()

    def __len__(self) -> int:
        return len(self._data.communes)

    def with_focus(self, points: list[tuple[float, float]]) -> Gazetteer:
        """The same gazetteer, preferring among homonyms the commune nearest to ``points``."""
        return Gazetteer(self._data, tuple((float(a), float(b)) for a, b in points))

    # -- choosing among homonyms -------------------------------------------------------
    def _best(self, indices: tuple[int, ...]) -> Commune | None:
        if not indices:
            return None
        communes = [self._data.communes[i] for i in indices]
        if self.focus:

            def rank(c: Commune) -> tuple[float, int]:
                if c.latitude is None or c.longitude is None:
                    return (math.inf, -(c.population or 0))
                here = (c.latitude, c.longitude)
                return (min(_distance(here, p) for p in self.focus), -(c.population or 0))

            return min(communes, key=rank)
        return max(communes, key=lambda c: (c.population or 0, c.insee))

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
        found = self._data.by_key.get(name, ()) + self._data.by_prefix.get(name, ())
        if found and by_code:
            both = tuple(i for i in found if i in by_code)
            return self._best(both or found)
        if found:
            return self._best(found)
        if by_code and not name:
            return self._best(by_code)
        return None

    def find_in(self, text: str) -> Commune | None:
        """The commune named anywhere in a free message, or None."""
        folded = fold(canonical(text)).text
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(folded)]
        tokens = [_ABBREVIATIONS.get(w, w) for _, _, w in words]
        breaks = [m.start() for m in _SEGMENT_BREAK.finditer(folded)]
        data = self._data
        candidates: list[_Candidate] = []
        i = 0
        while i < len(tokens):
            hit: _Candidate | None = None
            for n in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
                k = " ".join(tokens[i : i + n])
                exact = data.by_key.get(k)
                indices = (exact or ()) + data.by_prefix.get(k, ())
                if not indices:
                    continue
                score = self._score(folded, words, tokens, breaks, i, i + n, k, exact is None)
                if score is not None:
                    hit = _Candidate(i, i + n, indices, score)
                    break
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
            best = max(candidates, key=lambda c: (c.score, c.start))
            indices = best.indices
            for code in codes:
                both = tuple(i for i in indices if i in code)
                if both:
                    indices = both
                    break
            return self._best(indices)
        if codes:
            return self._best(codes[0])
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
        strong = before in _STRONG_BEFORE or (before == "de" and before2 in _STRONG_BEFORE)
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
        ambiguous = k in STOP_WORDS or k in self._data.common or is_prefix
        if single and (len(k) < 3 or k.isdigit()):
            ambiguous = True
        if ambiguous and not (strong or alone):
            return None
        if single and k in STOP_WORDS and not strong:
            return None
        score = 2.0 * strong + 1.5 * alone + 0.5 * last + 0.3 * (end - start)
        return score - (1.0 if is_prefix else 0.0)


@cache
def load_gazetteer() -> Gazetteer:
    """The communes of France, loaded once from the packaged data file."""
    raw = resources.files(__package__).joinpath("data", _DATA_FILE).read_bytes()
    return Gazetteer(_parse(gzip.decompress(raw).decode("utf-8")))
