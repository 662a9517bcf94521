"""Does a row's place agree with the gazetteer? Helper columns for the location/admin rules.

A row names a location, its admin1 and admin2, and gives coordinates. The gazetteer
(`coder.gazetteer`, GeoNames towns of 500+ people and admin units) knows many of those names
under several spellings, but not every village, and its admin units follow GeoNames' (partly
dated) boundaries. So the checks only speak when the gazetteer is sure:

- a location is *far* from its coordinates only when the gazetteer knows a town of that name
  (>= NOTABLE_POPULATION people) in the row's own admin1 and no place of that name, anywhere,
  lies within the tolerance of the coordinates: unknown villages and homonyms stay silent;
- an admin1 (admin2) *mismatch* needs the location's entries near the coordinates to lie in
  other known units than the row's, the row's unit to be known too (names compared through the
  gazetteer's aliases: "Odessa" is "Odesa"), and the point to lie farther than a border margin
  from every gazetteer place of the row's unit: towns on a boundary, or on one that moved, pass.

Everything is computed once per distinct (country, admin1, admin2, location, coordinates,
geo_precision) and joined back, so the cost follows a file's variety, not its length.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Final

import polars as pl

from coder.gazetteer import MAX_CANDIDATES, PLACES_FILE, Place, get_gazetteer, place_key

#: A location lies this close to a place of its name (geo_precision 1) ...
LOCATION_TOLERANCE_KM: Final[float] = 50.0
#: ... or this close at geo_precision 2 and 3 ("near X", a district or province centre).
LOCATION_TOLERANCE_WIDE_KM: Final[float] = 100.0
#: Only towns this big count as "the gazetteer knows it there": smaller names repeat too often
#: within one province for the gazetteer's copy to be the row's place.
NOTABLE_POPULATION: Final[int] = 5_000
#: A point this close to a place of the row's admin1 (admin2) may be inside it.
ADMIN1_MARGIN_KM: Final[float] = 25.0
ADMIN2_MARGIN_KM: Final[float] = 50.0

KEY: Final[list[str]] = ["_c_name", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision"]
SCHEMA: Final[dict[str, pl.DataType]] = {
    "_gz_far_km": pl.Float64(),  # distance to the gazetteer's town of that name in admin1
    "_gz_far_lat": pl.Float64(),
    "_gz_far_lon": pl.Float64(),
    "_gz_admin1": pl.String(),  # the gazetteer's admin1 of the location, when it contradicts
    "_gz_admin2": pl.String(),  # the gazetteer's admin2 of the location, when it contradicts
}
#: One distinct place's SCHEMA values.
Verdict = tuple[float | None, float | None, float | None, str | None, str | None]
_NOTHING: Final[Verdict] = (None, None, None, None, None)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


@cache
def _candidates(country: str, location: str) -> tuple[Place, ...] | None:
    """Entries named `location` in `country`; None when there are too many to tell apart."""
    found = get_gazetteer().lookup(location, country)
    return None if len(found) >= MAX_CANDIDATES else tuple(found)


@cache
def admin1_unit(country: str, name: str) -> str | None:
    """The gazetteer's canonical name of admin1 unit `name` of `country`, None when unknown."""
    g = get_gazetteer()
    canonical = g.canonical_admin1(country, name)
    if g.admin1_place(country, name) is not None or g.admin1_place(country, canonical) is not None:
        return canonical
    # "Odessa": GeoNames gives the alias to the city, not to the province named after it
    for place in g.lookup(name, country):
        if place.kind == "place" and place.admin1:
            unit = g.canonical_admin1(country, place.admin1)
            if place_key(unit) == place_key(place.name):
                return unit
    return None


@cache
def _admin2_units(country: str, admin1: str, name: str) -> frozenset[str]:
    """Gazetteer admin2 units of `country`'s `admin1` unit called `name` (any alias)."""
    return frozenset(
        p.name
        for p in get_gazetteer().lookup(name, country)
        if p.kind == "admin2" and p.admin1 and admin1_unit(country, p.admin1) == admin1
    )


def _other_admin2(country: str, admin1: str, row_admin2: str | None, place_admin2: str | None) -> bool:
    """Do the row and a gazetteer place name different admin2 units (so perhaps two places)?"""
    if not row_admin2 or not place_admin2 or place_key(row_admin2) == place_key(place_admin2):
        return False
    return place_admin2 not in _admin2_units(country, admin1, row_admin2)


@cache
def _all_places() -> dict[str, pl.DataFrame]:
    places = pl.read_parquet(PLACES_FILE, columns=["country", "admin1", "admin2", "latitude", "longitude"])
    parts = places.drop_nulls("admin1").partition_by("country", as_dict=True, include_key=False)
    return {str(key[0]): part for key, part in parts.items()}


@cache
def _places_of(country: str) -> pl.DataFrame:
    """Every gazetteer entry of `country`: canonical admin1, admin2, coordinates."""
    places = _all_places().get(country)
    if places is None:
        return pl.DataFrame(
            schema={"admin1": pl.String, "admin2": pl.String, "latitude": pl.Float64, "longitude": pl.Float64}
        )
    units = {name: admin1_unit(country, name) for name in places["admin1"].unique().to_list()}
    return places.with_columns(pl.col("admin1").replace_strict(units, default=None, return_dtype=pl.String))


@cache
def _unit_points(country: str, admin1: str, admin2s: frozenset[str]) -> pl.DataFrame:
    places = _places_of(country).filter(pl.col("admin1") == admin1)
    return places.filter(pl.col("admin2").is_in(list(admin2s))) if admin2s else places


def _distance_to_unit(
    country: str, lat: float, lon: float, admin1: str, admin2s: frozenset[str] = frozenset()
) -> float:
    """Distance from the point to the nearest gazetteer place of the unit (inf: none known)."""
    places = _unit_points(country, admin1, admin2s)
    if not places.height:
        return math.inf
    # equirectangular distance: exact enough to compare with a margin of tens of km
    x = (pl.col("longitude") - lon).radians() * math.cos(math.radians(lat))
    y = (pl.col("latitude") - lat).radians()
    return float(places.select(((x * x + y * y).sqrt() * 6371.0).min()).item())


def place_verdict(
    country: str,
    admin1: str | None,
    admin2: str | None,
    location: str,
    lat: float,
    lon: float,
    geo_precision: int | None,
) -> Verdict:
    """The SCHEMA columns for one distinct place (all None when the gazetteer has nothing to say)."""
    candidates = _candidates(country, location)
    if not candidates:
        return _NOTHING
    tolerance = LOCATION_TOLERANCE_KM if geo_precision in (None, 1) else LOCATION_TOLERANCE_WIDE_KM
    distances = [km(lat, lon, p.latitude, p.longitude) for p in candidates]
    # nearest first, so a message names the entry at the coordinates
    near = [
        p for d, p in sorted(zip(distances, candidates, strict=True), key=lambda t: t[0]) if d <= tolerance
    ]
    unit = admin1_unit(country, admin1) if admin1 else None
    if not near:
        towns = [
            (d, p)
            for p, d in zip(candidates, distances, strict=True)
            if unit is not None
            and p.kind == "place"
            and p.population >= NOTABLE_POPULATION
            and p.admin1
            and admin1_unit(country, p.admin1) == unit
            and not _other_admin2(country, unit, admin2, p.admin2)
        ]
        if not towns:
            return _NOTHING
        d, town = min(towns, key=lambda t: t[0])
        return (round(d), town.latitude, town.longitude, None, None)
    if unit is None:
        return _NOTHING
    theirs = [admin1_unit(country, p.admin1) if p.admin1 else None for p in near]
    if all(theirs) and unit not in theirs:
        if _distance_to_unit(country, lat, lon, unit) > ADMIN1_MARGIN_KM:
            return (None, None, None, near[0].admin1, None)
        return _NOTHING
    if not admin2:
        return _NOTHING
    units2 = _admin2_units(country, unit, admin2)
    here = [p for p, a in zip(near, theirs, strict=True) if a == unit]
    if (
        units2
        and here
        and all(p.admin2 for p in here)
        and not units2 & {p.admin2 for p in here}
        and _distance_to_unit(country, lat, lon, unit, units2) > ADMIN2_MARGIN_KM
    ):
        return (None, None, None, None, here[0].admin2)
    return _NOTHING


def place_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with the SCHEMA helper columns (needs `_c_name`, the gazetteer's country name)."""
    keys = frame.select(KEY).unique().drop_nulls(["_c_name", "location", "latitude", "longitude"])
    verdicts = [place_verdict(*key) for key in keys.iter_rows()]
    found = keys.hstack(pl.DataFrame(verdicts, schema=SCHEMA, orient="row"))
    return frame.join(found, on=KEY, how="left", nulls_equal=True)
