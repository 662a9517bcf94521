"""ACLED-style tables in and out of the validator's typed frame.

The validator works on one polars frame with the Event's ACLED columns in fixed dtypes (dates
as Date, codes and counts as Int64, coordinates as Float64, text with blanks as null) plus
`_row` (1-based row number) and `_published` (the date the row was reported, when known).
Export files (CSV, Parquet, JSON Lines) are read as text and coerced column by column; a cell
that cannot be coerced keeps its text in `_raw_<column>` so the structure layer can name it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final

import polars as pl

from coder.codebook import ACLED_COLUMNS, parse_inter, parse_interaction
from coder.dates import parse_export_date
from coder.models import Event

#: Columns without which a file is not an ACLED-style export (exit status 2 when missing).
REQUIRED_COLUMNS: Final[tuple[str, ...]] = (
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "inter1",
    "country",
)
INT_COLUMNS: Final[tuple[str, ...]] = (
    "year",
    "time_precision",
    "iso",
    "geo_precision",
    "fatalities",
    "timestamp",
)
FLOAT_COLUMNS: Final[tuple[str, ...]] = ("latitude", "longitude")
CODE_COLUMNS: Final[dict[str, Callable[[object], int | None]]] = {
    "inter1": parse_inter,
    "inter2": parse_inter,
    "interaction": parse_interaction,
}

DTYPES: Final[dict[str, pl.DataType]] = {
    column: (
        pl.Date()
        if column == "event_date"
        else pl.Int64()
        if column in INT_COLUMNS or column in CODE_COLUMNS
        else pl.Float64()
        if column in FLOAT_COLUMNS
        else pl.String()
    )
    for column in ACLED_COLUMNS
}
_READERS: Final[dict[str, str]] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".jsonl": "ndjson",
    ".ndjson": "ndjson",
    ".json": "json",
}


class TableError(Exception):
    """The input file cannot be read as an ACLED-style table."""


def read_table(path: Path) -> pl.DataFrame:
    """Read a CSV, Parquet, JSON Lines (or JSON array) export with every column as text.

    Raises TableError naming the file and the problem: missing, unknown format, not UTF-8,
    not a table, or missing the columns every ACLED export has.
    """
    if not path.exists():
        raise TableError(f"{path}: no such file")
    if path.is_dir():
        raise TableError(f"{path}: is a folder, not a table")
    kind = _READERS.get(path.suffix.lower())
    if kind is None:
        raise TableError(f"{path}: unknown format '{path.suffix}'; use .csv, .parquet or .jsonl")
    try:
        frame = _read(path, kind)
    except UnicodeDecodeError as exc:
        raise TableError(f"{path}: not UTF-8 text (byte {exc.start}); re-save it as UTF-8") from exc
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise TableError(f"{path}: not a readable {kind} table ({first_line[:200]})") from exc
    frame = frame.rename({c: c.strip().lower() for c in frame.columns if c != c.strip().lower()})
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise TableError(f"{path}: missing column(s) {', '.join(missing)}; is this an ACLED export?")
    return frame


def _read(path: Path, kind: str) -> pl.DataFrame:
    if kind in {"csv", "tsv"}:
        # polars would replace undecodable bytes silently; a wrong encoding must be an error.
        data = path.read_bytes()
        data.decode("utf-8")
        frame = pl.read_csv(
            data, infer_schema=False, separator="\t" if kind == "tsv" else ",", encoding="utf8"
        )
        if frame.width < 2:
            raise TableError(f"{path}: one column only; is this a comma-separated table?")
        return frame
    if kind == "parquet":
        frame = pl.read_parquet(path)
    elif kind == "ndjson":
        path.read_bytes().decode("utf-8")
        frame = pl.read_ndjson(path, infer_schema_length=None)
    else:
        records = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise TableError(f"{path}: a JSON file must hold a list of row objects")
        frame = pl.from_dicts(records, infer_schema_length=None)
    return frame.with_columns(_as_text(c, frame.schema[c]) for c in frame.columns)


def _as_text(column: str, dtype: pl.DataType) -> pl.Expr:
    """Text form of a typed cell; dates and numbers as an export would write them."""
    if dtype == pl.Date or dtype == pl.Datetime:
        return pl.col(column).dt.strftime("%Y-%m-%d")
    if isinstance(dtype, pl.List | pl.Struct | pl.Array):
        return pl.col(column).cast(pl.String, strict=False)
    return pl.col(column).cast(pl.String)


def _blank_to_null(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text).otherwise(None)


def _mapped(column: str, parse: Callable[[str], Any], dtype: pl.DataType, frame: pl.DataFrame) -> pl.Expr:
    """Parse each distinct value once (exports repeat dates and codes a lot) and map back."""
    mapping: dict[str, Any] = {}
    for value in frame.get_column(column).drop_nulls().unique().to_list():
        try:
            mapping[value] = parse(value)
        except ValueError:
            mapping[value] = None
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=dtype)


def _number(column: str, integral: bool) -> pl.Expr:
    value = pl.col(column).cast(pl.Float64, strict=False)
    ok = value.is_finite()
    if integral:
        ok = ok & (value == value.floor()) & (value.abs() < 2**53)
        return pl.when(ok).then(value).otherwise(None).cast(pl.Int64)
    return pl.when(ok).then(value).otherwise(None)


def typed_frame(raw: pl.DataFrame) -> pl.DataFrame:
    """Coerce a text export into the validator's frame (see module docstring).

    `_published` is the UTC date of `timestamp` (when the row was uploaded): exports carry no
    article dates, and an event cannot be later than the upload of its row.
    """
    text = raw.select(
        [_blank_to_null(c) for c in ACLED_COLUMNS if c in raw.columns]
        + [pl.lit(None, pl.String).alias(c) for c in ACLED_COLUMNS if c not in raw.columns]
    )
    typed: list[pl.Expr] = []
    for column in ACLED_COLUMNS:
        if column == "event_date":
            expr = _mapped(column, parse_export_date, pl.Date(), text)
        elif column in CODE_COLUMNS:
            expr = _mapped(column, CODE_COLUMNS[column], pl.Int64(), text)
        elif column in INT_COLUMNS:
            expr = _number(column, integral=True)
        elif column in FLOAT_COLUMNS:
            expr = _number(column, integral=False)
        else:
            continue
        typed.append(expr.alias(column))
        # text kept only where coercion failed; "0" inter codes mean "no actor", not a failure
        failed = pl.col(column).is_not_null() & expr.is_null()
        if column in ("inter1", "inter2"):
            failed = failed & (pl.col(column).cast(pl.Float64, strict=False) != 0).fill_null(True)
        typed.append(pl.when(failed).then(pl.col(column)).otherwise(None).alias(f"_raw_{column}"))
    frame = text.with_columns(typed).with_row_index("_row", offset=1)
    frame = frame.with_columns(
        pl.col("_row").cast(pl.Int64),
        pl.from_epoch("timestamp", time_unit="s").dt.date().alias("_published"),
    )
    return frame.select("_row", *ACLED_COLUMNS, "_published", pl.selectors.starts_with("_raw_"))


def events_frame(events: Iterable[Event], published: Iterable[dt.date | None]) -> pl.DataFrame:
    """The validator's frame of events made or stored by the project (already typed by pydantic)."""
    rows = [e.model_dump(include=set(ACLED_COLUMNS)) for e in events]
    frame = pl.DataFrame(rows, schema=DTYPES, orient="row") if rows else pl.DataFrame(schema=DTYPES)
    return frame.with_columns(pl.Series("_published", list(published), dtype=pl.Date)).select(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("_row"), *ACLED_COLUMNS, "_published"
    )
