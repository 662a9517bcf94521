"""The codebook's consistency rules (../shared/codebook.md), each a vectorised polars rule.

A rule is a boolean polars expression over the validator frame (`coder.tables`, with the
helper columns of `coder.rule_inputs`) that is true on the rows breaking it, and a message
expression telling a reviewer what to check. Codes are stable: reviewers, review files and
downstream scripts key on them. `coder rules` prints RULES; `rules_markdown()` renders the
README table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from coder.codebook import SOURCE_SCALES
from coder.models import Severity
from coder.place_consistency import (
    ADMIN1_MARGIN_KM,
    ADMIN2_MARGIN_KM,
    LOCATION_TOLERANCE_KM,
    LOCATION_TOLERANCE_WIDE_KM,
    NOTABLE_POPULATION,
)
from coder.rule_inputs import ADMIN1_TOLERANCE_DEG, COUNTRY_TOLERANCE_DEG


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    fields: tuple[str, ...]
    explanation: str
    when: pl.Expr  # true on the rows that break the rule
    message: pl.Expr  # one line per such row


RULES: list[Rule] = []


def rule(
    code: str, severity: Severity, fields: tuple[str, ...], explanation: str, when: pl.Expr, message: pl.Expr
) -> None:
    RULES.append(Rule(code, severity, fields, explanation, when, message))


c = pl.col
ARMED: Final[list[int]] = [1, 2, 3, 4, 8]  # organised armed actors (codebook section 5)
#: ACLED writes its partner networks as "Local partner" ("Local partner-National").
SOURCE_SCALE_PARTS: Final[list[str]] = [*SOURCE_SCALES, "Local partner"]
#: Actor names whose form fixes the inter code (codebook section 4 and ACLED's naming).
NAME_KINDS: Final[dict[str, int]] = {
    "Protesters (": 6,
    "Rioters (": 5,
    "Civilians (": 7,
    "Unidentified Armed Group (": 3,
    "Unidentified Communal Militia (": 4,
}


def _either_inter(code: int) -> pl.Expr:
    return (c("inter1") == code).fill_null(False) | (c("inter2") == code).fill_null(False)


def _name_kind(slot: int) -> pl.Expr:
    """The inter code the actor's name form implies (None when it implies none)."""
    name = c(f"actor{slot}")
    expr = pl.lit(None, pl.Int64)
    for prefix, code in NAME_KINDS.items():
        expr = pl.when(name.str.starts_with(prefix)).then(pl.lit(code, pl.Int64)).otherwise(expr)
    return expr


def _text(column: str) -> pl.Expr:
    return c(column).cast(pl.String).fill_null("—")


# --- taxonomy ----------------------------------------------------------------------------------
rule(
    "SUBTYPE_NOT_IN_TYPE",
    "error",
    ("sub_event_type", "event_type"),
    "The sub-event type must be one of its event type's (codebook section 3).",
    c("_type_of_sub").is_not_null() & (c("_type_of_sub") != c("event_type")),
    pl.format(
        "'{}' is a sub-event type of '{}', not of '{}'",
        c("sub_event_type"),
        c("_type_of_sub"),
        c("event_type"),
    ),
)
rule(
    "DISORDER_TYPE_MISMATCH",
    "error",
    ("disorder_type", "sub_event_type"),
    "disorder_type follows from the sub-event type (codebook section 3); blank is allowed.",
    c("disorder_type").is_not_null()
    & c("_disorder_of_sub").is_not_null()
    & (c("disorder_type") != c("_disorder_of_sub")),
    pl.format("'{}' is '{}', not '{}'", c("sub_event_type"), c("_disorder_of_sub"), c("disorder_type")),
)

# --- actor slots each type requires or forbids (codebook section 5) -----------------------------
_NEEDS_ACTOR2 = c("event_type").is_in(["Battles", "Violence against civilians"]) | c("sub_event_type").is_in(
    ["Protest with intervention", "Excessive force against protesters"]
)
rule(
    "ACTOR2_REQUIRED",
    "error",
    ("actor2", "event_type"),
    "Battles, violence against civilians and protests met with force need a second actor.",
    _NEEDS_ACTOR2 & c("actor2").is_null(),
    pl.format("a '{}' event needs actor2: name the other side", c("sub_event_type")),
)
rule(
    "INTER2_WITHOUT_ACTOR2",
    "error",
    ("inter2", "actor2"),
    "inter2 is set only when there is an actor2, and the other way round.",
    c("actor2").is_null() != c("inter2").is_null(),
    pl.when(c("actor2").is_null())
    .then(pl.format("inter2={} but no actor2: clear inter2 or name actor2", c("inter2")))
    .otherwise(pl.format("actor2 '{}' has no inter2: set its type code", c("actor2"))),
)
rule(
    "ASSOC_ACTOR_WITHOUT_ACTOR",
    "error",
    ("assoc_actor_2", "actor2"),
    "An associated actor belongs to a main actor: assoc_actor_2 needs an actor2.",
    c("assoc_actor_2").is_not_null() & c("actor2").is_null(),
    pl.format("assoc_actor_2 '{}' but no actor2", c("assoc_actor_2")),
)
rule(
    "BATTLE_ACTOR_NOT_ARMED",
    "error",
    ("inter1", "inter2", "event_type"),
    "Both sides of a battle are organised armed groups (inter 1, 2, 3, 4 or 8).",
    (c("event_type") == "Battles") & (~c("inter1").is_in(ARMED) | ~c("inter2").is_in(ARMED)).fill_null(False),
    pl.format(
        "a battle between inter {} and inter {}: recode the type or the actors", c("inter1"), _text("inter2")
    ),
)
rule(
    "CIVILIAN_VIOLENCE_TARGET",
    "error",
    ("inter2", "event_type"),
    "In violence against civilians actor2 is civilians (inter 7).",
    (c("event_type") == "Violence against civilians") & (c("inter2") != 7).fill_null(False),
    pl.format("violence against civilians with actor2 '{}' of inter {}", c("actor2"), c("inter2")),
)
rule(
    "CIVILIAN_VIOLENCE_PERPETRATOR",
    "error",
    ("inter1", "event_type"),
    "In violence against civilians actor1 is an armed or organised actor (inter 1-5 or 8).",
    (c("event_type") == "Violence against civilians") & c("inter1").is_in([6, 7]).fill_null(False),
    pl.format("violence against civilians by '{}' (inter {})", c("actor1"), c("inter1")),
)
rule(
    "PROTEST_WITHOUT_PROTESTERS",
    "error",
    ("inter1", "inter2", "event_type"),
    "Protests involve protesters (inter 6); a peaceful protest has them as actor1.",
    (c("event_type") == "Protests")
    & (
        ~_either_inter(6)
        | ((c("sub_event_type") == "Peaceful protest") & (c("inter1") != 6).fill_null(False))
    ),
    pl.format(
        "a '{}' with inter1={} and inter2={}: who protested?",
        c("sub_event_type"),
        c("inter1"),
        _text("inter2"),
    ),
)
rule(
    "PEACEFUL_PROTEST_OPPONENT",
    "error",
    ("actor2", "sub_event_type"),
    "A peaceful protest has no actor2, except other protesters (a counter-demonstration).",
    (c("sub_event_type") == "Peaceful protest")
    & c("actor2").is_not_null()
    & (c("inter2") != 6).fill_null(True),
    pl.format(
        "a peaceful protest facing '{}' (inter {}): protest with intervention?", c("actor2"), _text("inter2")
    ),
)
rule(
    "RIOT_WITHOUT_RIOTERS",
    "error",
    ("inter1", "inter2", "event_type"),
    "Rioters (inter 5) are one of the actors of a riot.",
    (c("event_type") == "Riots") & ~_either_inter(5),
    pl.format("a riot with inter1={} and inter2={}: no rioters", c("inter1"), _text("inter2")),
)

# --- inter codes ------------------------------------------------------------------------------
rule(
    "INTERACTION_MISMATCH",
    "error",
    ("interaction", "inter1", "inter2"),
    "interaction is the two inter codes, smaller first; a lone actor is inter1 * 10.",
    c("interaction").is_not_null()
    & c("_interaction").is_not_null()
    & (c("interaction") != c("_interaction")),
    pl.format(
        "inter1={} and inter2={} make {}, not {}",
        c("inter1"),
        _text("inter2"),
        c("_interaction"),
        c("interaction"),
    ),
)
for _slot in (1, 2):
    rule(
        f"INTER{_slot}_NAME_MISMATCH",
        "error",
        (f"inter{_slot}", f"actor{_slot}"),
        f"actor{_slot}'s name form fixes inter{_slot}: 'Protesters (…)' 6, 'Rioters (…)' 5,"
        " 'Civilians (…)' 7, 'Unidentified Armed Group (…)' 3, 'Unidentified Communal Militia (…)' 4.",
        (_name_kind(_slot) != c(f"inter{_slot}")).fill_null(False),
        pl.format(
            "actor{} '{}' has inter{}={}; its name says {}",
            pl.lit(_slot),
            c(f"actor{_slot}"),
            pl.lit(_slot),
            c(f"inter{_slot}"),
            _name_kind(_slot),
        ),
    )
    rule(
        f"INTER{_slot}_ACTOR_KIND",
        "warning",
        (f"inter{_slot}", f"actor{_slot}"),
        f"inter{_slot} differs from the type the actor dictionary gives actor{_slot} (state forces of"
        " another country are 8).",
        _name_kind(_slot).is_null() & (c(f"_kind{_slot}") != c(f"inter{_slot}")).fill_null(False),
        pl.format(
            "actor{} '{}' is usually inter {} in {}, not {}",
            pl.lit(_slot),
            c(f"actor{_slot}"),
            c(f"_kind{_slot}"),
            _text("country"),
            c(f"inter{_slot}"),
        ),
    )
rule(
    "CIVILIAN_TARGETING_UNEXPECTED",
    "warning",
    ("civilian_targeting", "inter2"),
    "civilian_targeting is set only when civilians (inter 7) are a side of the event.",
    c("civilian_targeting").is_not_null() & ~_either_inter(7),
    pl.lit("civilian_targeting is set but no actor is civilians"),
)
rule(
    "CIVILIAN_TARGETING_MISSING",
    "warning",
    ("civilian_targeting", "event_type"),
    "Violence against civilians, and explosions aimed at civilians, set civilian_targeting"
    " (only checked where a file uses the column).",
    c("_ct_in_use")
    & c("civilian_targeting").is_null()
    & (
        (c("event_type") == "Violence against civilians")
        | ((c("event_type") == "Explosions/Remote violence") & (c("inter2") == 7).fill_null(False))
    ),
    pl.format("civilians are the target of this '{}': set civilian_targeting", c("sub_event_type")),
)

# --- fatalities (codebook sections 5.8 and 6) ----------------------------------------------------
rule(
    "FATALITIES_NOT_ALLOWED",
    "error",
    ("fatalities", "sub_event_type"),
    "Peaceful protests and protests with intervention have no fatalities (codebook section 5.8).",
    c("sub_event_type").is_in(["Peaceful protest", "Protest with intervention"])
    & (c("fatalities") > 0).fill_null(False),
    pl.format(
        "a '{}' with {} fatalities: recode the type or fix the count", c("sub_event_type"), c("fatalities")
    ),
)
rule(
    "FATALITIES_UNEXPECTED",
    "warning",
    ("fatalities", "event_type"),
    "Strategic developments are expected to have no fatalities (codebook section 5.8).",
    (c("event_type") == "Strategic developments") & (c("fatalities") > 0).fill_null(False),
    pl.format(
        "a '{}' with {} fatalities: is it a battle or an attack?", c("sub_event_type"), c("fatalities")
    ),
)

# --- dates ------------------------------------------------------------------------------------
rule(
    "EVENT_DATE_MISSING",
    "error",
    ("event_date",),
    "Every event needs a date; without a publication date a relative date cannot be resolved.",
    c("event_date").is_null(),
    pl.lit("no event_date: read the article and set the date (publication date unknown?)"),
)
rule(
    "DATE_AFTER_PUBLICATION",
    "error",
    ("event_date",),
    "An event cannot happen after the article reporting it was published (for export files: after"
    " the row's timestamp).",
    (c("event_date") > c("_published")).fill_null(False),
    pl.format("event_date {} is after the publication date {}", c("event_date"), c("_published")),
)
rule(
    "DATE_IN_FUTURE",
    "error",
    ("event_date",),
    "An event date cannot be in the future.",
    (c("event_date") > c("_today")).fill_null(False),
    pl.format("event_date {} is in the future", c("event_date")),
)
rule(
    "YEAR_MISMATCH",
    "error",
    ("year", "event_date"),
    "year is the year of event_date.",
    (c("year") != c("event_date").dt.year()).fill_null(False),
    pl.format("year {} but event_date {}", c("year"), c("event_date")),
)
_notes_gap = (c("_notes_date") - c("event_date")).dt.total_days().abs()
rule(
    "NOTES_DATE_MISMATCH",
    "error",
    ("notes", "event_date"),
    "The date notes open with is event_date (within a week at time_precision 2, a month at 3).",
    pl.when(c("time_precision") == 3)
    .then(_notes_gap > 31)
    .when(c("time_precision") == 2)
    .then(_notes_gap > 7)
    .otherwise(_notes_gap > 0)
    .fill_null(False),
    pl.format("notes say {} but event_date is {}", c("_notes_date"), c("event_date")),
)
rule(
    "NOTES_WITHOUT_DATE",
    "warning",
    ("notes",),
    "notes open with the event date, as in 'On 12 October 2022, ...' (codebook section 2).",
    c("notes").is_not_null() & c("_notes_date").is_null() & ~c("_notes_month_only"),
    pl.lit("notes do not open with the event date ('On 12 October 2022, ...')"),
)
rule(
    "TIME_PRECISION_NOTES",
    "warning",
    ("time_precision", "notes"),
    "time_precision agrees with the notes: a month only ('In May 2020') is 3 or 2, an exact"
    " 'On 5 May 2020' is not 3.",
    (
        (c("_notes_month_only") & (c("time_precision") == 1))
        | (c("_notes_exact_day") & (c("time_precision") == 3))
    ).fill_null(False),
    pl.format(
        "time_precision {} does not fit notes opening '{}'", c("time_precision"), c("notes").str.slice(0, 40)
    ),
)

rule(
    "TIME_PRECISION_APPROXIMATE",
    "warning",
    ("time_precision", "notes"),
    "An approximate date in the notes ('Around 5 May 2020', 'As reported on …', '(or around)', '(as"
    " reported)', 'the week of') is time_precision 2 or 3, not 1.",
    (c("time_precision") == 1) & c("_notes_approximate"),
    pl.format(
        "notes open with an approximate date ('{}'): time_precision 2, not 1", c("notes").str.slice(0, 40)
    ),
)

# --- place ------------------------------------------------------------------------------------
rule(
    "LOCATION_MISSING",
    "error",
    ("location", "latitude", "longitude", "country"),
    "Every event needs a country, a named location and its coordinates.",
    pl.any_horizontal(c(k).is_null() for k in ("country", "location", "latitude", "longitude")),
    pl.concat_str(
        pl.lit("missing "),
        pl.concat_str(
            [
                pl.when(c(k).is_null()).then(pl.lit(k))
                for k in ("country", "location", "latitude", "longitude")
            ],
            separator=", ",
            ignore_nulls=True,
        ),
        pl.lit(": geocode the place the article names"),
    ),
)
rule(
    "COUNTRY_UNKNOWN",
    "warning",
    ("country",),
    "The country is not one the gazetteer knows (datasets/countries.csv): check its spelling.",
    c("country").is_not_null() & c("_c_name").is_null(),
    pl.format("country '{}' is unknown to the gazetteer", c("country")),
)
_t = COUNTRY_TOLERANCE_DEG
rule(
    "COORDS_OUTSIDE_COUNTRY",
    "error",
    ("latitude", "longitude", "country"),
    f"The coordinates lie inside the named country: its bounding box in the gazetteer, {_t}° of slack.",
    (
        (c("latitude") < c("_c_min_lat") - _t)
        | (c("latitude") > c("_c_max_lat") + _t)
        | (c("longitude") < c("_c_min_lon") - _t)
        | (c("longitude") > c("_c_max_lon") + _t)
    ).fill_null(False),
    pl.format("({}, {}) is not inside {}", c("latitude"), c("longitude"), c("country")),
)
_a = ADMIN1_TOLERANCE_DEG
rule(
    "COORDS_OUTSIDE_ADMIN1",
    "warning",
    ("latitude", "longitude", "admin1"),
    f"The coordinates lie within {_a}° of the gazetteer's places in admin1 (where it holds enough of them;"
    " admin1 read through its aliases).",
    (
        (c("latitude") < c("_a_min_lat") - _a)
        | (c("latitude") > c("_a_max_lat") + _a)
        | (c("longitude") < c("_a_min_lon") - _a)
        | (c("longitude") > c("_a_max_lon") + _a)
    ).fill_null(False),
    pl.format("({}, {}) is far from {} ({})", c("latitude"), c("longitude"), c("admin1"), c("country")),
)
_tol, _wide = LOCATION_TOLERANCE_KM, LOCATION_TOLERANCE_WIDE_KM
rule(
    "LOCATION_FAR_FROM_COORDS",
    "warning",
    ("latitude", "longitude", "location"),
    f"The gazetteer knows a town called location in admin1 ({NOTABLE_POPULATION:,}+ people), but no place"
    f" of that name lies within {_tol:.0f} km of the coordinates ({_wide:.0f} km at geo_precision 2-3).",
    c("_gz_far_km").is_not_null(),
    pl.format(
        "the gazetteer has {} ({}) at ({}, {}), {} km from ({}, {}): check the coordinates or the location",
        c("location"),
        c("admin1"),
        c("_gz_far_lat").round(4),
        c("_gz_far_lon").round(4),
        c("_gz_far_km").cast(pl.Int64),
        c("latitude"),
        c("longitude"),
    ),
)
rule(
    "ADMIN1_GAZETTEER_MISMATCH",
    "warning",
    ("admin1", "location"),
    "The gazetteer puts location, at these coordinates, in another admin1 than the row's (names compared"
    f" through its aliases), and the point is over {ADMIN1_MARGIN_KM:.0f} km from every place it knows in"
    " the row's admin1.",
    c("_gz_admin1").is_not_null(),
    pl.format("the gazetteer puts {} in {}, not {}", c("location"), c("_gz_admin1"), c("admin1")),
)
rule(
    "ADMIN2_GAZETTEER_MISMATCH",
    "warning",
    ("admin2", "location"),
    "The gazetteer puts location, at these coordinates, in another admin2 of the admin1 than the row's,"
    f" and the point is over {ADMIN2_MARGIN_KM:.0f} km from every place it knows in the row's admin2.",
    c("_gz_admin2").is_not_null(),
    pl.format("the gazetteer puts {} in {}, not {}", c("location"), c("_gz_admin2"), c("admin2")),
)
rule(
    "GEO_PRECISION_NOTES",
    "warning",
    ("geo_precision", "notes"),
    "Notes that place the event 'near' / 'in the vicinity of' / 'in the countryside of' the location"
    " mean geo_precision 2, not 1 (codebook section 8).",
    (c("geo_precision") == 1) & c("_notes_near_location"),
    pl.format("notes place the event near {}: geo_precision 2, not 1", c("location")),
)
rule(
    "ISO_MISMATCH",
    "error",
    ("iso", "country"),
    "iso is the ISO 3166 numeric code of the country.",
    (c("iso") != c("_c_iso")).fill_null(False),
    pl.format("iso {} but {} is {}", c("iso"), c("country"), c("_c_iso")),
)
rule(
    "REGION_MISMATCH",
    "warning",
    ("region", "country"),
    "region is the country's ACLED region (where the gazetteer records one).",
    (c("region") != c("_c_region")).fill_null(False),
    pl.format("region '{}' but {} is in '{}'", c("region"), c("country"), c("_c_region")),
)
rule(
    "ADMIN_LEVEL_GAP",
    "warning",
    ("admin2", "admin1"),
    "Administrative units nest: admin2 needs admin1, admin3 needs admin2.",
    (c("admin2").is_not_null() & c("admin1").is_null()) | (c("admin3").is_not_null() & c("admin2").is_null()),
    pl.lit("a lower administrative unit without the one above it"),
)

# --- sources ----------------------------------------------------------------------------------
rule(
    "SOURCE_MISSING",
    "error",
    ("source",),
    "Every event names the outlet(s) it rests on.",
    c("source").is_null(),
    pl.lit("no source: name the outlet that reported the event"),
)
rule(
    "SOURCE_SCALE_UNKNOWN",
    "warning",
    ("source_scale",),
    "source_scale is one of " + ", ".join(SOURCE_SCALE_PARTS) + ", or two joined by '-'.",
    c("source_scale").is_not_null()
    & ~c("source_scale")
    .str.split("-")
    .list.eval(pl.element().str.strip_chars().is_in(SOURCE_SCALE_PARTS))
    .list.all(),
    pl.format("source_scale '{}' is not a known scale", c("source_scale")),
)

# --- identity ---------------------------------------------------------------------------------
rule(
    "DUPLICATE_EVENT_ID",
    "error",
    ("event_id_cnty",),
    "An event id is used once: the same event_id_cnty never appears twice.",
    c("event_id_cnty").is_not_null() & (c("_row") != c("_first_with_id")),
    pl.format("event_id_cnty {} already used on row {}", c("event_id_cnty"), c("_first_with_id")),
)
rule(
    "DUPLICATE_EVENT",
    "warning",
    ("event_date", "location", "actor1", "actor2", "sub_event_type"),
    "Rows with the same date, location, actors and type are one event unless they are separate incidents.",
    c("event_date").is_not_null() & c("location").is_not_null() & (c("_row") != c("_first_same_event")),
    pl.format(
        "same date, place, actors and type as row {}: merge unless two incidents", c("_first_same_event")
    ),
)
