"""Helper columns the consistency rules read, derived once per frame.

Everything here is computed per *distinct* key (country, admin1, actor name, ...) and joined
back, so the cost grows with the variety of a file rather than its length. Helper columns
start with `_` and never reach the output.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Final

import polars as pl

from coder.codebook import SUB_TO_EVENT, TAXONOMY
from coder.gazetteer import COUNTRIES_FILE, PLACES_FILE, place_key
from coder.place_consistency import admin1_unit, place_columns

#: An admin1 unit's extent is trusted only when the gazetteer holds this many places in it.
ADMIN1_MIN_PLACES: Final[int] = 20
#: How far (degrees) beyond the extent of the gazetteer's places a point may lie: the extract
#: holds towns (GeoNames cities500), not borders, so remote villages lie a little outside.
COUNTRY_TOLERANCE_DEG: Final[float] = 0.25
ADMIN1_TOLERANCE_DEG: Final[float] = 1.0

MONTHS: Final[tuple[str, ...]] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH = "|".join(MONTHS)
# "On 5 May 2020, ...", "Around 1 May 2020 (as reported), ...", "Looting: As reported on 2 May
# 2020, ...", "HPG reported that on 28 April 2020, ...": a few words, then the date.
_LABEL = r"(?:[A-Z][A-Za-z /-]{0,40}: )?"
NOTES_DATE = rf"^{_LABEL}(?:[A-Za-z]+[ ,]+){{0,5}}(\d{{1,2}}) ({_MONTH}),? (\d{{4}})"
NOTES_EXACT_DAY = rf"^{_LABEL}On (\d{{1,2}}) ({_MONTH}),? (\d{{4}})"
NOTES_MONTH_ONLY = (
    rf"^{_LABEL}(?:In|During|Throughout|Early|Late|Mid|In early|In late|In mid|At the (?:beginning|end) of)"
    rf"[ -](?:{_MONTH})\b"
)

# "Around 5 May 2020", "As reported on 28 April 2020", "On 2 May 2020 (or around)", "Around 29 April
# 2020 (midweek)", "During the week of ...": a day ACLED's coders only know roughly.
NOTES_APPROXIMATE = (
    rf"^{_LABEL}(?:(?:Around|As reported on|Reported on|On or around|On or about) \d{{1,2}} (?:{_MONTH})"
    r"|[^,(]{0,40}\((?:or around|as reported|midweek|exact date (?:not|un)\w* reported)\)"
    r"|(?:During|In) the week (?:of|beginning|starting)\b)"
)
# Words before a location that put the event beside it (codebook section 8), and what may stand
# between them and the name ("near the village of X").
_NEAR_CUE = r"(?i)\b(?:near|vicinity of|countryside of)\s+(?:the\s+(?:town|village|city)\s+of\s+)?"
# What may follow the name for it to be the place itself, not "near Kibera slum" or "near
# Mombasa city hall" (a landmark inside it).
_AFTER_NAME = r"^(?:\s*$|\s*[,.;:()]|\s+(?:in|on|at|and|after|during|with|where|while|when|town|village)\b)"


@cache
def country_table() -> pl.DataFrame:
    """One row per name key of a country (name and aliases): ISO numeric, region, bounding box."""
    countries = pl.read_csv(COUNTRIES_FILE, infer_schema_length=None)
    rows: dict[str, dict[str, object]] = {}
    for c in countries.iter_rows(named=True):
        for name in [c["country"], *(c["aliases"] or "").split("|")]:
            key = place_key(name) if name else ""
            if key and key not in rows:
                rows[key] = {
                    "_c_key": key,
                    "_c_iso": c["iso"],
                    "_c_region": c["region"] or None,
                    "_c_min_lat": c["min_lat"],
                    "_c_min_lon": c["min_lon"],
                    "_c_max_lat": c["max_lat"],
                    "_c_max_lon": c["max_lon"],
                    "_c_name": c["country"],
                }
    return pl.DataFrame(list(rows.values())).with_columns(
        pl.col("_c_iso").cast(pl.Int64), pl.col("^_c_m.*$").cast(pl.Float64)
    )


@cache
def admin1_table() -> pl.DataFrame:
    """Extent of the gazetteer's places per (country, admin1 name key), where it has enough."""
    places = pl.read_parquet(PLACES_FILE, columns=["country", "admin1", "latitude", "longitude"])
    extents = (
        places.drop_nulls("admin1")
        .group_by(pl.col("country").cast(pl.String), "admin1")
        .agg(
            pl.col("latitude").min().alias("_a_min_lat"),
            pl.col("longitude").min().alias("_a_min_lon"),
            pl.col("latitude").max().alias("_a_max_lat"),
            pl.col("longitude").max().alias("_a_max_lon"),
            pl.len().alias("_a_places"),
        )
        .filter(pl.col("_a_places") >= ADMIN1_MIN_PLACES)
    )
    return (
        extents.rename({"country": "_c_name"})
        .join(_admin1_keys(extents.rename({"country": "_c_name"})), on=["_c_name", "admin1"], how="left")
        .drop("admin1")
        .unique(["_c_name", "_a_key"], keep="first")
    )


def _admin1_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """(gazetteer country, admin1) -> key of the admin1 unit, so "Odessa" and "Odesa" meet."""
    pairs = frame.select("_c_name", "admin1").unique().drop_nulls()
    keys = [place_key(admin1_unit(c, a) or a) for c, a in pairs.iter_rows()]
    return pairs.with_columns(pl.Series("_a_key", keys, dtype=pl.String))


def _keyed(frame: pl.DataFrame, column: str, alias: str) -> pl.Expr:
    keys = {v: place_key(v) for v in frame.get_column(column).drop_nulls().unique().to_list()}
    return pl.col(column).replace_strict(keys, default=None, return_dtype=pl.String).alias(alias)


def _actor_kinds(frame: pl.DataFrame) -> pl.DataFrame:
    """(actor name, event country) -> the inter code the actor dictionary gives that name."""
    from coder.actors import inter_of_name

    pairs = (
        pl.concat(
            [
                frame.select(pl.col(f"actor{n}").alias("_name"), pl.col("_kind_country").alias("_country"))
                for n in (1, 2)
            ]
        )
        .drop_nulls("_name")
        .unique()
    )
    kinds = [inter_of_name(name, country) for name, country in pairs.iter_rows()]
    return pairs.with_columns(pl.Series("_kind", kinds, dtype=pl.Int64))


def _notes_date() -> pl.Expr:
    parts = pl.col("notes").str.extract_groups(NOTES_DATE)
    text = pl.concat_str(
        parts.struct.field("3"), parts.struct.field("2"), parts.struct.field("1"), separator=" "
    )
    return text.str.to_date("%Y %B %d", strict=False).alias("_notes_date")


def _notes_near_location(frame: pl.DataFrame) -> pl.DataFrame:
    """`_row` -> do the notes say the event happened near the row's location?

    Only the phrases after a cue word are compared with the location (exploded, a handful per
    note that has any), so the cost follows the notes that say "near", not the file.
    """
    phrases = (
        frame.select(
            "_row",
            pl.col("location").str.to_lowercase(),
            pl.col("notes").str.extract_all(_NEAR_CUE + ".{0,80}"),
        )
        .filter(pl.col("notes").list.len() > 0, pl.col("location").is_not_null())
        .explode("notes")
        .with_columns(pl.col("notes").str.replace(_NEAR_CUE, "").str.to_lowercase())
    )
    rest = pl.col("notes").str.slice(pl.col("location").str.len_chars())
    return (
        phrases.group_by("_row")
        .agg((pl.col("notes").str.starts_with(pl.col("location")) & rest.str.contains(_AFTER_NAME)).any())
        .rename({"notes": "_notes_near_location"})
    )


def add_rule_inputs(frame: pl.DataFrame, today: dt.date, civilian_targeting_in_use: bool) -> pl.DataFrame:
    """The frame with every helper column a rule reads."""
    inter1, inter2 = pl.col("inter1"), pl.col("inter2")
    frame = frame.with_columns(
        pl.col("sub_event_type")
        .replace_strict(SUB_TO_EVENT, default=None, return_dtype=pl.String)
        .alias("_type_of_sub"),
        pl.col("sub_event_type")
        .replace_strict(
            {s: d for subs in TAXONOMY.values() for s, d in subs.items()},
            default=None,
            return_dtype=pl.String,
        )
        .alias("_disorder_of_sub"),
        pl.when(inter2.is_null())
        .then(inter1 * 10)
        .otherwise(pl.min_horizontal(inter1, inter2) * 10 + pl.max_horizontal(inter1, inter2))
        .alias("_interaction"),
        _keyed(frame, "country", "_c_key"),
        _notes_date(),
        pl.col("notes").str.contains(NOTES_EXACT_DAY).alias("_notes_exact_day"),
        pl.col("notes").str.contains(NOTES_MONTH_ONLY).alias("_notes_month_only"),
        pl.col("notes").str.contains(NOTES_APPROXIMATE).fill_null(False).alias("_notes_approximate"),
        pl.lit(today, pl.Date).alias("_today"),
        pl.lit(civilian_targeting_in_use).alias("_ct_in_use"),
    )
    frame = frame.join(country_table(), on="_c_key", how="left")
    frame = (
        frame.join(_admin1_keys(frame), on=["_c_name", "admin1"], how="left", nulls_equal=True)
        .join(admin1_table(), on=["_c_name", "_a_key"], how="left")
        .join(_notes_near_location(frame), on="_row", how="left")
        .with_columns(pl.col("_notes_near_location").fill_null(False))
    )
    # the gazetteer's spelling of the country, so "Syrian Arab Republic" reads as Syria
    frame = frame.with_columns(pl.coalesce("_c_name", "country").alias("_kind_country"))
    frame = place_columns(frame)
    kinds = _actor_kinds(frame)
    for n in (1, 2):
        frame = frame.join(
            kinds.rename({"_name": f"actor{n}", "_country": "_kind_country", "_kind": f"_kind{n}"}),
            on=[f"actor{n}", "_kind_country"],
            how="left",
            nulls_equal=True,
        )
    duplicate_key = ["event_date", "location", "actor1", "actor2", "event_type", "sub_event_type"]
    frame = frame.with_columns(
        pl.col("_row").min().over("event_id_cnty").alias("_first_with_id"),
        pl.col("_row").min().over(duplicate_key).alias("_first_same_event"),
    )
    return frame.sort("_row")
