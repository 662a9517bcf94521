"""Validation: JSON Schema for structure, then the codebook's consistency rules.

Every violation is a `Flag` with a stable code. Rules are small pure functions over one row
(a dict with the Event's columns, dates as `datetime.date`) and a `RowContext`; `RULES` lists
them with their code, severity, fields and explanation (`coder rules` prints it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
from jsonschema import Draft202012Validator

from coder.codebook import (
    SUB_TO_EVENT,
    TAXONOMY,
    disorder_type_for,
    interaction_code,
    parse_inter,
    parse_interaction,
)
from coder.models import Event, Flag, Severity
from coder.schema import published_schema
from coder.store import Store


@dataclass(frozen=True)
class RowContext:
    """What a rule may know beyond the row itself."""

    published: dt.date | None = None
    today: dt.date = field(default_factory=dt.date.today)


Check = Callable[[dict[str, Any], RowContext], str | None]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    fields: tuple[str, ...]
    explanation: str
    check: Check

    def apply(self, row: dict[str, Any], ctx: RowContext) -> Flag | None:
        message = self.check(row, ctx)
        if message is None:
            return None
        return Flag(code=self.code, severity=self.severity, field=self.fields[0], message=message)


RULES: list[Rule] = []


def rule(
    code: str, severity: Severity, fields: tuple[str, ...], explanation: str
) -> Callable[[Check], Check]:
    """Register a rule function under a stable code."""

    def register(check: Check) -> Check:
        RULES.append(Rule(code, severity, fields, explanation, check))
        return check

    return register


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- taxonomy ---------------------------------------------------------------------------------
@rule(
    "SUBTYPE_NOT_IN_TYPE",
    "error",
    ("sub_event_type", "event_type"),
    "The sub-event type must be one of its event type's (codebook section 3).",
)
def _subtype_in_type(row: dict[str, Any], ctx: RowContext) -> str | None:
    event_type, sub = row.get("event_type"), row.get("sub_event_type")
    if event_type in TAXONOMY and sub in SUB_TO_EVENT and SUB_TO_EVENT[sub] != event_type:
        return f"'{sub}' is a sub-event type of '{SUB_TO_EVENT[sub]}', not of '{event_type}'"
    return None


@rule(
    "DISORDER_TYPE_MISMATCH",
    "error",
    ("disorder_type", "sub_event_type"),
    "disorder_type follows from the sub-event type (codebook section 3); blank is allowed.",
)
def _disorder_type(row: dict[str, Any], ctx: RowContext) -> str | None:
    given = row.get("disorder_type")
    expected = disorder_type_for(row.get("sub_event_type") or "")
    if _blank(given) or expected is None or given == expected:
        return None
    return f"'{row['sub_event_type']}' is '{expected}', not '{given}'"


# --- actors -----------------------------------------------------------------------------------
@rule(
    "INTERACTION_MISMATCH",
    "error",
    ("interaction", "inter1", "inter2"),
    "interaction is the two inter codes, smaller first; a lone actor is inter1 * 10.",
)
def _interaction(row: dict[str, Any], ctx: RowContext) -> str | None:
    given = row.get("interaction")
    expected = interaction_code(row.get("inter1"), row.get("inter2"))
    if given is None or expected is None or given == expected:
        return None
    return f"inter1={row.get('inter1')} and inter2={row.get('inter2')} make {expected}, not {given}"


@rule(
    "ACTOR2_REQUIRED",
    "error",
    ("actor2", "event_type"),
    "Battles and violence against civilians need a second actor (codebook section 5).",
)
def _actor2_required(row: dict[str, Any], ctx: RowContext) -> str | None:
    if row.get("event_type") in {"Battles", "Violence against civilians"} and _blank(row.get("actor2")):
        return f"a '{row['event_type']}' event needs actor2; name the other side"
    return None


@rule(
    "INTER2_WITHOUT_ACTOR2",
    "error",
    ("inter2", "actor2"),
    "inter2 is set only when there is an actor2, and the other way round.",
)
def _inter2_pairs(row: dict[str, Any], ctx: RowContext) -> str | None:
    if _blank(row.get("actor2")) != (row.get("inter2") is None):
        return "actor2 and inter2 must be both present or both blank"
    return None


_NAME_KINDS = {"Protesters (": 6, "Rioters (": 5, "Civilians (": 7}


@rule(
    "INTER_NAME_MISMATCH",
    "error",
    ("inter1", "actor1", "inter2", "actor2"),
    "An actor named 'Protesters (…)' has inter 6, 'Rioters (…)' 5, 'Civilians (…)' 7.",
)
def _inter_name(row: dict[str, Any], ctx: RowContext) -> str | None:
    for slot in ("1", "2"):
        name, code = row.get(f"actor{slot}") or "", row.get(f"inter{slot}")
        for prefix, expected in _NAME_KINDS.items():
            if name.startswith(prefix) and code is not None and code != expected:
                return f"actor{slot} '{name}' has inter{slot}={code}; expected {expected}"
    return None


# --- fatalities -------------------------------------------------------------------------------
@rule(
    "FATALITIES_NOT_ALLOWED",
    "error",
    ("fatalities", "sub_event_type"),
    "Peaceful protests and protests with intervention have no fatalities (codebook section 5.8).",
)
def _protest_fatalities(row: dict[str, Any], ctx: RowContext) -> str | None:
    if (
        row.get("sub_event_type") in {"Peaceful protest", "Protest with intervention"}
        and (row.get("fatalities") or 0) > 0
    ):
        return f"a '{row['sub_event_type']}' with {row['fatalities']} fatalities: recode or fix"
    return None


# --- dates ------------------------------------------------------------------------------------
@rule(
    "EVENT_DATE_MISSING",
    "error",
    ("event_date",),
    "Every event needs a date; without a publication date a relative date cannot be resolved.",
)
def _date_missing(row: dict[str, Any], ctx: RowContext) -> str | None:
    if row.get("event_date") is None:
        return "no event_date: read the article and set the date (publication date unknown?)"
    return None


@rule(
    "DATE_AFTER_PUBLICATION",
    "error",
    ("event_date",),
    "An event cannot happen after the article reporting it was published.",
)
def _date_after_publication(row: dict[str, Any], ctx: RowContext) -> str | None:
    date = row.get("event_date")
    if date is not None and ctx.published is not None and date > ctx.published:
        return f"event_date {date} is after the publication date {ctx.published}"
    return None


@rule("DATE_IN_FUTURE", "error", ("event_date",), "An event date cannot be in the future.")
def _date_in_future(row: dict[str, Any], ctx: RowContext) -> str | None:
    date = row.get("event_date")
    if date is not None and date > ctx.today:
        return f"event_date {date} is in the future"
    return None


@rule("YEAR_MISMATCH", "error", ("year", "event_date"), "year is the year of event_date.")
def _year(row: dict[str, Any], ctx: RowContext) -> str | None:
    date, year = row.get("event_date"), row.get("year")
    if date is not None and year is not None and year != date.year:
        return f"year {year} but event_date {date}"
    return None


# --- place ------------------------------------------------------------------------------------
@rule(
    "LOCATION_MISSING",
    "error",
    ("location", "latitude", "longitude", "country"),
    "Every event needs a country, a named location and its coordinates.",
)
def _location_missing(row: dict[str, Any], ctx: RowContext) -> str | None:
    missing = [k for k in ("country", "location", "latitude", "longitude") if _blank(row.get(k))]
    if missing:
        return f"missing {', '.join(missing)}: geocode the place the article names"
    return None


@rule(
    "COORDS_OUTSIDE_COUNTRY",
    "error",
    ("latitude", "longitude", "country"),
    "The coordinates must lie inside the named country (its bounding box in the gazetteer).",
)
def _coords_in_country(row: dict[str, Any], ctx: RowContext) -> str | None:
    lat, lon, country = row.get("latitude"), row.get("longitude"), row.get("country")
    if lat is None or lon is None or _blank(country):
        return None
    inside = _gazetteer_contains(country, lat, lon)
    if inside is False:
        return f"({lat}, {lon}) is not inside {country}"
    return None


@cache
def _gazetteer():  # type: ignore[no-untyped-def]
    from coder.gazetteer import get_gazetteer

    return get_gazetteer()


def _gazetteer_contains(country: str, lat: float, lon: float) -> bool | None:
    return _gazetteer().contains(country, lat, lon)


# --- sources ----------------------------------------------------------------------------------
@rule("SOURCE_MISSING", "error", ("source",), "Every event names the outlet(s) it rests on.")
def _source(row: dict[str, Any], ctx: RowContext) -> str | None:
    if _blank(row.get("source")):
        return "no source: name the outlet that reported the event"
    return None


@rule(
    "CIVILIAN_TARGETING_UNEXPECTED",
    "warning",
    ("civilian_targeting",),
    "civilian_targeting is set only when civilians (inter 7) are a target.",
)
def _civilian_targeting(row: dict[str, Any], ctx: RowContext) -> str | None:
    if _blank(row.get("civilian_targeting")):
        return None
    if 7 not in (row.get("inter2"), row.get("inter1")):
        return "civilian_targeting is set but no actor is civilians"
    return None


# --- running ----------------------------------------------------------------------------------
@cache
def _schema_validator() -> Draft202012Validator:
    schema = published_schema()
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_flags(json_row: dict[str, Any]) -> list[Flag]:
    """Structure errors of one row in its JSON form (dates as ISO strings)."""
    flags = []
    for error in _schema_validator().iter_errors(json_row):
        column = str(error.path[0]) if error.path else None
        flags.append(
            Flag(
                code="SCHEMA_VIOLATION",
                severity="error",
                field=column,
                message=f"{column or 'row'}: {error.message}"[:300],
            )
        )
    return flags


def rule_flags(row: dict[str, Any], ctx: RowContext, rules: Iterable[Rule] = RULES) -> list[Flag]:
    """Consistency flags of one row (python values: dates as datetime.date)."""
    return [f for r in rules if (f := r.apply(row, ctx)) is not None]


def has_errors(flags: Iterable[Flag]) -> bool:
    return any(f.severity == "error" for f in flags)


def _event_row(event: Event) -> dict[str, Any]:
    return event.model_dump(mode="python")


def validate_event(event: Event, published: dt.date | None, today: dt.date | None = None) -> list[Flag]:
    """Schema and rule flags of one stored or coded event."""
    ctx = RowContext(published=published, today=today or dt.date.today())
    return schema_flags(event.model_dump(mode="json")) + rule_flags(_event_row(event), ctx)


def status_after_validation(current: str, flags: Iterable[Flag]) -> str:
    """A reviewer's decision stands; otherwise any error flag sends the event to review."""
    if current in {"accepted", "rejected"}:
        return current
    return "flagged" if has_errors(flags) else "valid"


def validate_store(store: Store, event_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Re-validate stored events (all, or the given ids); return counts by resulting status."""
    wanted = set(event_ids) if event_ids is not None else None
    published = {a.id: a.published for a in store.articles()}
    results: dict[str, tuple[str, list[Flag]]] = {}
    counts: dict[str, int] = {}
    for stored in store.events():
        if wanted is not None and stored.id not in wanted:
            continue
        flags = validate_event(stored.event, published.get(stored.article_id))
        coder_flags = store.flag_sources(stored.id).get("coder", [])
        status = status_after_validation(stored.event.status, [*flags, *coder_flags])
        results[stored.id] = (status, flags)
        counts[status] = counts.get(status, 0) + 1
    store.set_validation(results)
    return counts


# --- files in ACLED export format -----------------------------------------------------------------
class TableError(Exception):
    """The input file cannot be read as an ACLED-style table."""


REQUIRED_COLUMNS = ("event_date", "event_type", "sub_event_type", "actor1", "country")
_INT_COLUMNS = ("year", "time_precision", "iso", "geo_precision", "fatalities", "timestamp")
_FLOAT_COLUMNS = ("latitude", "longitude")


def read_table(path: Path) -> pl.DataFrame:
    """Read a CSV, Parquet or JSON Lines export with every column as text; raise TableError."""
    if not path.exists():
        raise TableError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pl.read_parquet(path)
            frame = frame.with_columns(pl.all().cast(pl.String))
        elif suffix in {".jsonl", ".ndjson"}:
            frame = pl.read_ndjson(path, infer_schema_length=None)
            frame = frame.with_columns(pl.all().cast(pl.String))
        elif suffix in {".csv", ".tsv", ".txt"}:
            path.read_bytes().decode("utf-8")  # polars would replace bad bytes silently
            frame = pl.read_csv(path, infer_schema=False, separator="\t" if suffix == ".tsv" else ",")
        else:
            raise TableError(f"{path}: unknown format '{suffix}'; use .csv, .parquet or .jsonl")
    except UnicodeDecodeError as exc:
        raise TableError(f"{path}: not UTF-8 text (byte {exc.start}); re-save it as UTF-8") from exc
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise TableError(f"{path}: not a readable table ({str(exc).splitlines()[0]})") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise TableError(f"{path}: missing column(s) {', '.join(missing)}; is this an ACLED export?")
    return frame


def _coerce(record: dict[str, str | None]) -> tuple[dict[str, Any], list[Flag]]:
    """Turn an export row's text cells into typed values; unreadable cells become flags."""
    from coder.dates import parse_export_date

    row: dict[str, Any] = {}
    flags: list[Flag] = []

    def bad(column: str, value: str, what: str) -> None:
        flags.append(
            Flag(
                code="BAD_VALUE", severity="error", field=column, message=f"{column} {value!r} is not {what}"
            )
        )

    for column, raw in record.items():
        if column not in Event.model_fields:
            continue
        value = raw.strip() if isinstance(raw, str) else raw
        if value in (None, ""):
            row[column] = None
            continue
        try:
            if column == "event_date":
                row[column] = parse_export_date(value)
                if row[column] is None:
                    bad(column, value, "a date")
            elif column in ("inter1", "inter2"):
                row[column] = parse_inter(value)
            elif column == "interaction":
                row[column] = parse_interaction(value)
            elif column in _INT_COLUMNS:
                row[column] = int(float(value))
            elif column in _FLOAT_COLUMNS:
                row[column] = float(value)
            else:
                row[column] = value
        except ValueError:
            row[column] = None
            bad(column, value, "a number" if column in _INT_COLUMNS + _FLOAT_COLUMNS else "a code")
    row.setdefault("fatalities", 0)
    if row.get("fatalities") is None:
        row["fatalities"] = 0
    return row, flags


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items() if v is not None}


def validate_table(path: Path) -> tuple[int, list[tuple[int, str | None, Flag]]]:
    """Validate every row of an export file; return (rows, [(row number, event id, flag)]).

    Row numbers count data rows from 1. The publication date of a row is taken from its
    `timestamp` (when the row was uploaded) since exports carry no article dates.
    """
    frame = read_table(path)
    findings: list[tuple[int, str | None, Flag]] = []
    today = dt.date.today()
    for number, record in enumerate(frame.iter_rows(named=True), start=1):
        row, flags = _coerce(record)
        stamp = row.get("timestamp")
        published = dt.datetime.fromtimestamp(stamp, dt.UTC).date() if stamp else None
        ctx = RowContext(published=published, today=today)
        flags += schema_flags(_json_row(row)) + rule_flags(row, ctx)
        findings += [(number, row.get("event_id_cnty"), f) for f in flags]
    return frame.height, findings
