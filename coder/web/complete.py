"""Completion for the form: actor names from the actor dictionary, places from the gazetteer."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from coder.actors import ACTORS_CSV, generic_actor, inter_of_name
from coder.gazetteer import Place, get_gazetteer
from coder.textnorm import name_key

GENERIC_KINDS = ("civilians", "protesters", "rioters", "unidentified", "communal")
LIMIT = 12


@dataclass(frozen=True)
class ActorChoice:
    name: str
    inter: int | None
    matched: str  # the name or alias the query matched


@cache
def _actor_index() -> tuple[tuple[str, int, tuple[str, ...]], ...]:
    """(name, home inter, folded name and aliases) per dictionary row."""
    rows = []
    with ACTORS_CSV.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            aliases = [a for a in f"{rec['aliases_en']}|{rec['aliases_ar']}".split("|") if a.strip()]
            rows.append((rec["name"], int(rec["inter"]), (rec["name"], *aliases)))
    return tuple(rows)


def _fold(text: str) -> str:
    return name_key(text)


def actor_choices(query: str, country: str | None = None, limit: int = LIMIT) -> list[ActorChoice]:
    """Dictionary actors whose name or an alias contains `query` (any script), best first.

    Generic actors of the event's country ("Civilians (Syria)") are offered too. Names that
    start with the query come before names that merely contain it.
    """
    key = _fold(query)
    if not key:
        return []
    found: list[tuple[int, str, ActorChoice]] = []
    candidates = [(n, i, names) for n, i, names in _actor_index()]
    if country:
        for kind in GENERIC_KINDS:
            actor = generic_actor(kind, country)
            candidates.append((actor.name, actor.inter, (actor.name,)))
    seen: set[str] = set()
    for name, _inter, names in candidates:
        best: tuple[int, str] | None = None
        for rank_base, alias in enumerate(names[:1] + names[1:]):
            folded = _fold(alias)
            if key not in folded:
                continue
            rank = (0 if folded.startswith(key) else 1) + (0 if rank_base == 0 else 2)
            if best is None or rank < best[0]:
                best = (rank, alias)
        if best is not None and name not in seen:
            seen.add(name)
            choice = ActorChoice(name, inter_of_name(name, country), best[1])
            found.append((best[0], name, choice))
    found.sort(key=lambda f: (f[0], len(f[1]), f[1]))
    return [c for _, _, c in found[:limit]]


@dataclass(frozen=True)
class PlaceChoice:
    place: Place
    iso: int | None
    region: str | None

    @property
    def key(self) -> str:
        """What the page sends back to pick this place."""
        return f"{self.place.name}|{self.place.country}|{self.place.latitude}|{self.place.longitude}"


def place_choices(name: str, country: str | None = None, limit: int = LIMIT) -> list[PlaceChoice]:
    """Gazetteer places called `name` (any alias, Arabic too) or starting with it, in `country`
    first when it knows it."""
    gazetteer = get_gazetteer()
    name = name.strip()
    if not name:
        return []
    places = gazetteer.lookup(name, country) if country and gazetteer.country(country) else []
    if not places:
        places = gazetteer.lookup(name)
    if len(places) < limit:
        # what the reviewer is still typing: names that start with it, the country's first
        known = country if country and gazetteer.country(country) else None
        started = [*gazetteer.complete(name, known, limit), *gazetteer.complete(name, None, limit)]
        places = [*places, *(p for p in started if p not in places)]
    out = []
    for place in places[:limit]:
        c = gazetteer.country(place.country)
        out.append(PlaceChoice(place, c.iso if c else None, c.region if c else None))
    return out


def pick_place(key: str) -> PlaceChoice | None:
    """The place a PlaceChoice.key names (name|country|lat|lon), or None."""
    parts = key.split("|")
    if len(parts) != 4:
        return None
    name, country, lat, lon = parts
    for choice in place_choices(name, country, limit=1000):
        if f"{choice.place.latitude}" == lat and f"{choice.place.longitude}" == lon:
            return choice
    return None
