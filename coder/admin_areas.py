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

from coder.gazetteer import place_key

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
    pattern: re.Pattern[str]
    units: dict[str, tuple[str, str | None, bool]]  # name key -> (admin1, admin2 when one, minor)


@lru_cache(maxsize=8)
def _areas(country: str, path: Path = AREAS_FILE) -> _Areas | None:
    if not path.exists():
        return None
    admin1s: dict[str, set[str]] = defaultdict(set)
    admin2s: dict[str, set[str]] = defaultdict(set)
    names: set[str] = set()
    major: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["country"] != country:
                continue
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
    usable = sorted({n for n in names if place_key(n) in units}, key=len, reverse=True)
    if not usable:
        return None
    alternatives = "|".join(re.escape(n) for n in usable)
    return _Areas(re.compile(rf"(?<![\w'-])(?:{alternatives})(?![\w'-])", re.IGNORECASE), units)


def find_areas(text: str, country: str | None) -> list[AreaMention]:
    """The area names of `country` written as names (capitalised) in `text`."""
    areas = _areas(country) if country else None
    if areas is None:
        return []
    found = []
    for m in areas.pattern.finditer(text):
        if not m.group()[0].isupper():
            continue  # "the market", "a central ward": words, not the names
        admin1, admin2, minor = areas.units[place_key(m.group())]
        found.append(AreaMention(m.start(), m.end(), m.group(), admin1, admin2, minor))
    return found


def area_named(name: str, country: str | None) -> AreaMention | None:
    """The area of `country` called `name` (the whole name), when it lies in one province: for
    a place an LLM returned that the gazetteer lacks."""
    areas = _areas(country) if country else None
    unit = areas.units.get(place_key(name)) if areas is not None and name else None
    if unit is None:
        return None
    return AreaMention(0, len(name), name, *unit)


@lru_cache(maxsize=1)
def area_countries(path: Path = AREAS_FILE) -> tuple[str, ...]:
    """The countries the table has areas of."""
    if not path.exists():
        return ()
    with path.open(encoding="utf-8") as fh:
        return tuple(sorted({row["country"] for row in csv.DictReader(fh)}))
