"""Names of administrative areas below the province (wards, constituencies, localities) with
the province they lie in: datasets/admin_areas.csv, built by scripts/build_admin_areas.py.

They carry no coordinates. A text that names one and no place the gazetteer knows is coded,
as ACLED coders code a village they cannot find, to the province's capital with
geo_precision 3 (coder/offline.py).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coder.gazetteer import Place, get_gazetteer, lacked_place, place_key

AREAS_FILE = Path(__file__).resolve().parents[1] / "datasets" / "admin_areas.csv"


#: Kinds of area less surely a place than the others: an estate, market or landmark is named
#: like people and things more often than a ward is.
MINOR_KINDS = frozenset({"area"})


@dataclass(frozen=True)
class AreaMention:
    start: int
    end: int
    text: str
    admin1: str
    admin2: str | None
    minor: bool  # only a kind of MINOR_KINDS bears the name


@dataclass(frozen=True)
class _Areas:
    # first word (casefolded) -> the names starting with it, as word tuples, longest first: a
    # word-by-word match is a hundred times faster than one regex of 3,000 names
    starts: dict[str, list[tuple[str, ...]]]
    units: dict[str, tuple[str, str | None, bool]]  # name key -> (admin1, admin2 when one, minor)


_WORD = re.compile(r"[\w'-]+")


@lru_cache(maxsize=2)
def _rows_by_country(path: Path) -> dict[str, list[dict[str, str]]]:
    """The table's rows by country, read once (empty when the file is missing)."""
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rows[row["country"]].append(row)
    return dict(rows)


@lru_cache(maxsize=8)
def _areas(country: str, path: Path = AREAS_FILE) -> _Areas | None:
    admin1s: dict[str, set[str]] = defaultdict(set)
    admin2s: dict[str, set[str]] = defaultdict(set)
    names: set[str] = set()
    major: set[str] = set()
    for row in _rows_by_country(path).get(country, ()):
        key = place_key(row["name"])
        if row["kind"] not in MINOR_KINDS:
            if key not in major:  # a ward's or constituency's county, not an estate's
                admin1s.pop(key, None)
                admin2s.pop(key, None)
            major.add(key)
        elif key in major:
            continue
        admin1s[key].add(row["admin1"])
        if row["admin2"]:
            admin2s[key].add(row["admin2"])
        names.add(row["name"])
    # a name shared by areas of two provinces says nothing about where the event was
    units = {
        key: (next(iter(a1)), next(iter(admin2s[key])) if len(admin2s[key]) == 1 else None, key not in major)
        for key, a1 in admin1s.items()
        if len(a1) == 1
    }
    starts: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for name in {n for n in names if place_key(n) in units}:
        words = tuple(w.casefold() for w in _WORD.findall(name))
        if words and words not in starts[words[0]]:
            starts[words[0]].append(words)
    if not starts:
        return None
    for options in starts.values():
        options.sort(key=len, reverse=True)
    return _Areas(dict(starts), units)


def find_areas(text: str, country: str | None) -> list[AreaMention]:
    """The area names of `country` written as names (capitalised) in `text`."""
    areas = _areas(country) if country else None
    if areas is None:
        return []
    words = list(_WORD.finditer(text))
    found = []
    i = 0
    while i < len(words):
        first = words[i].group()
        # capitalised: "the market", "a central ward" are words, not the names
        options = areas.starts.get(first.casefold()) if first[0].isupper() else None
        size = next((len(o) for o in options or () if _matches(words, i, o, text)), 0)
        if not size:
            i += 1
            continue
        start, end = words[i].start(), words[i + size - 1].end()
        admin1, admin2, minor = areas.units[place_key(text[start:end])]
        found.append(AreaMention(start, end, text[start:end], admin1, admin2, minor))
        i += size
    return found


def _matches(words: list[re.Match[str]], i: int, name: tuple[str, ...], text: str) -> bool:
    """The words from `i` on spell `name`, separated by spaces only."""
    if i + len(name) > len(words):
        return False
    return all(
        words[i + k].group().casefold() == w
        and (k == 0 or text[words[i + k - 1].end() : words[i + k].start()].isspace())
        for k, w in enumerate(name)
    )


def area_named(name: str, country: str | None) -> AreaMention | None:
    """The area of `country` called `name` (the whole name), when it lies in one province: for
    a place an LLM returned that the gazetteer lacks."""
    areas = _areas(country) if country else None
    unit = areas.units.get(place_key(name)) if areas is not None and name else None
    if unit is None:
        return None
    return AreaMention(0, len(name), name, *unit)


def area_place(area: AreaMention, country: str) -> Place | None:
    """Where an area is coded, as coders code a village they cannot find: its province's capital
    (geo_precision 3). None when the gazetteer lacks the province."""
    centre = get_gazetteer().admin1_place(country, area.admin1)
    return lacked_place(area.text, centre, area.admin1, area.admin2) if centre is not None else None


def area_countries(path: Path = AREAS_FILE) -> tuple[str, ...]:
    """The countries the table has areas of."""
    return tuple(sorted(_rows_by_country(path)))
