"""The structure layer: rows against the published JSON Schema (Draft 2020-12, `jsonschema`).

Every constraint of `schemas/event.schema.json` on a column (type, enum, range, pattern,
format) depends on that column's value alone, so validating each *distinct* value of a column
against the column's subschema gives exactly the errors per-row validation would, at a cost
that grows with the number of distinct values rather than rows. `required` is checked per row
as a null test. Cells a file holds that could not be coerced (`_raw_<column>`) are validated as
the text they are, so the message says what is wrong with them.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Final

import polars as pl
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from coder.codebook import ACLED_COLUMNS
from coder.schema import published_schema

CODE: Final[str] = "SCHEMA_VIOLATION"
EXPLANATION: Final[str] = (
    "The row breaks schemas/event.schema.json (JSON Schema 2020-12): a wrong type, a value outside "
    "its enumeration or range, a bad date, or a required column left empty."
)


@cache
def _column_validators() -> dict[str, Draft202012Validator]:
    schema = published_schema()
    defs = schema.get("$defs", {})
    return {
        column: Draft202012Validator(
            {"$defs": defs, **subschema}, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for column, subschema in schema["properties"].items()
        if column in ACLED_COLUMNS
    }


_VALUE_KEYWORDS: Final[frozenset[str]] = frozenset(
    {
        "enum",
        "const",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "multipleOf",
    }
)


def _constrains_values(subschema: Any) -> bool:
    """Does the subschema say more about a value than its type? (The frame's dtype fixes that.)"""
    if isinstance(subschema, dict):
        return any(k in _VALUE_KEYWORDS or _constrains_values(v) for k, v in subschema.items())
    if isinstance(subschema, list):
        return any(_constrains_values(v) for v in subschema)
    return False


@cache
def _value_checked_columns() -> frozenset[str]:
    return frozenset(c for c, s in published_schema()["properties"].items() if _constrains_values(s))


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _value_errors(column: str, value: Any) -> str | None:
    # best_match reaches inside anyOf ("123 is greater than the maximum of 90", not "is not
    # valid under any of the given schemas")
    errors = [best_match([e]).message for e in _column_validators()[column].iter_errors(_json_value(value))]
    return f"{column}: {'; '.join(errors)}"[:300] if errors else None


_SCREENED_TYPES: Final[dict[str, tuple[type[pl.DataType], ...]]] = {
    "string": (pl.String,),
    "integer": (pl.Int64,),
    "number": (pl.Float64, pl.Int64),
}


def _may_break(subschema: dict[str, Any], dtype: pl.DataType, value: pl.Expr) -> pl.Expr:
    """True wherever a value *might* break the subschema (never false where it does).

    A cheap polars screen for the keywords the published schema uses; anything it does not
    know screens every value in. jsonschema then judges and words each candidate, so the
    result is exactly that of validating every value with jsonschema.
    """
    if "anyOf" in subschema:
        return pl.all_horizontal(_may_break(branch, dtype, value) for branch in subschema["anyOf"])
    kind = subschema.get("type")
    if kind == "null":
        return value.is_not_null()
    if kind not in _SCREENED_TYPES or not isinstance(dtype, _SCREENED_TYPES[kind]):
        return pl.lit(True)
    checks: list[pl.Expr] = []
    for keyword, bound in subschema.items():
        if keyword in {"type", "title", "description", "default"}:
            continue
        if keyword == "enum":
            checks.append(~value.is_in(bound))
        elif keyword == "const":
            checks.append(value != bound)
        elif keyword == "minimum":
            checks.append(value < bound)
        elif keyword == "maximum":
            checks.append(value > bound)
        elif keyword == "minLength":
            checks.append(value.str.len_chars() < bound)
        elif keyword == "pattern":
            checks.append(~value.str.contains(bound))
        else:
            return pl.lit(True)
    return pl.any_horizontal(checks).fill_null(True) if checks else pl.lit(False)


def _errors_of(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """(_row, message) for the rows whose value in `column` breaks the column's subschema."""
    name = column.removeprefix("_raw_")
    subschema = published_schema()["properties"][name]
    value = pl.col(column)
    candidates = frame.select(value).drop_nulls()
    if frame.schema[column] != pl.Date:  # dates are few: jsonschema sees every distinct one
        candidates = candidates.filter(_may_break(subschema, frame.schema[column], value))
    values = candidates.get_column(column).unique().to_list()
    bad = {v: m for v in values if (m := _value_errors(name, v)) is not None}
    if not bad:
        return pl.DataFrame(schema={"_row": pl.Int64, "message": pl.String})
    keys = pl.DataFrame(
        {column: list(bad), "message": list(bad.values())},
        schema={column: frame.schema[column], "message": pl.String},
    )
    return frame.select("_row", column).join(keys, on=column).select("_row", "message")


def structure_flags(frame: pl.DataFrame) -> pl.DataFrame:
    """Schema violations of the validator frame: one flag row per (row, column)."""
    schema = published_schema()
    parts: list[pl.DataFrame] = []
    for column in ACLED_COLUMNS:
        if column not in _column_validators():
            continue
        # a String / Int64 / Float64 / Date column holds the JSON type its subschema wants, so
        # only columns whose subschema constrains values need their distinct values checked
        found = [_errors_of(frame, column)] if column in _value_checked_columns() else []
        raw = f"_raw_{column}"
        if raw in frame.columns:
            found.append(_errors_of(frame, raw))
        if column in schema.get("required", ()):
            missing = pl.col(column).is_null()
            if raw in frame.columns:
                missing = missing & pl.col(raw).is_null()
            found.append(
                frame.filter(missing).select(
                    "_row", pl.lit(f"{column}: a required column is empty").alias("message")
                )
            )
        for part in found:
            if part.height:
                parts.append(part.with_columns(pl.lit(column).alias("field")))
    if not parts:
        return pl.DataFrame(schema={"_row": pl.Int64, "message": pl.String, "field": pl.String})
    return pl.concat(parts)
