"""README.md of a release: what it holds (counts by country, event type and month) and how to load it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from coder.release_rows import RELEASE_SCHEMA


def r_col_types(schema: Mapping[str, pl.DataType]) -> str:
    """readr's compact column types of a release's columns: D(ate), d(ouble) or c(haracter).

    Integers are read as doubles: R's integers are 32-bit, and a double holds every integer a
    release has exactly.
    """
    return "".join("D" if d == pl.Date else "d" if d.is_numeric() else "c" for d in schema.values())


_LOADING = """## Loading the files

Both files hold the same rows; the Parquet file keeps the types (dates, integers,
categories).

```python
import polars as pl
events = pl.read_parquet("events.parquet")

import pandas as pd   # with pyarrow installed
events = pd.read_parquet("events.parquet", dtype_backend="pyarrow")  # keeps integer columns integer
```

```sql
-- DuckDB
SELECT * FROM 'events.parquet';
SELECT * FROM read_csv('events.csv');
```

```r
# R (arrow package)
events <- arrow::read_parquet("events.parquet")
# or, from the CSV with readr (every column's type given, so that a column is of the same
# type in every release: guessed, a column empty in this one would come as logical)
events <- readr::read_csv("events.csv", col_types = "@COL_TYPES@", na = "")
```

Check the files before use: `sha256sum -c SHA256SUMS` (or `coder release verify .`).
"""
LOADING = _LOADING.replace("@COL_TYPES@", r_col_types(RELEASE_SCHEMA))


def _table(title: str, counts: Iterable[tuple[object, int]], head: str) -> list[str]:
    lines = [f"### {title}", "", f"| {head} | events |", "|---|---:|"]
    lines += [f"| {'(none)' if key is None else key} | {n} |" for key, n in counts]
    return [*lines, ""]


def counts_by(frame: pl.DataFrame, column: str | pl.Expr) -> list[tuple[str | None, int]]:
    """(value as text, rows) for each value of a column, sorted by the text, missing last."""
    # grouped on the column as it is (category codes, dates) and only the few keys made text:
    # casting a million rows to text first costs ten times as much
    grouped = frame.group_by(column).len()
    key = grouped.columns[0]
    return list(grouped.with_columns(pl.col(key).cast(pl.String)).sort(key, nulls_last=True).iter_rows())


#: Counts of a release by column: (value as text, rows), sorted by the text, missing last.
Counts = dict[str, list[tuple[str | None, int]]]


def count_rows(frame: pl.DataFrame) -> Counts:
    """Rows by country, event type and month (YYYY-MM)."""
    # by day first (a few thousand days), then those by month: truncating a million dates to
    # their month costs more than all the counting
    days = frame.group_by("event_date").len()
    month = pl.col("event_date").dt.truncate("1mo").alias("month")
    by_month = days.group_by(month).agg(pl.col("len").sum()).sort("month", nulls_last=True)
    return {
        "country": counts_by(frame, "country"),
        "event_type": counts_by(frame, "event_type"),
        "month": [(None if m is None else m.isoformat()[:7], n) for m, n in by_month.iter_rows()],
    }


def count_tables(counts: Counts) -> list[str]:
    """Markdown tables of events by country, event type and month."""
    return [
        *_table("By country", counts["country"], "country"),
        *_table("By event type", counts["event_type"], "event type"),
        *_table("By month", counts["month"], "month"),
    ]


def render_readme(
    counts: Counts,
    events: int,
    version: str,
    created: str,
    change_counts: Mapping[str, int],
    previous: str | None,
    filters: Mapping[str, object],
    merged: int,
    articles: int,
) -> str:
    """The release's README.md (`counts`: count_rows of its `events` rows; `articles`: how many
    distinct articles they come from)."""
    used = {k: v for k, v in filters.items() if v}
    lines = [
        f"# coder events, release {version}",
        "",
        f"Created {created}. {events} event(s) coded from {articles} article(s);"
        f" {merged} row(s) reporting an event already in the release were merged into it.",
        "",
        "Rows are ACLED-style events (column order and names of ACLED exports, then provenance"
        " columns); `datapackage.json` describes every column. Only events without error flags"
        " and events a reviewer accepted are released.",
        "",
    ]
    if used:
        lines += ["Filters: " + ", ".join(f"{k} = {v}" for k, v in used.items()) + ".", ""]
    if previous:
        lines += [
            f"Since release {previous}: {change_counts['added']} added, {change_counts['changed']}"
            f" changed, {change_counts['deleted']} deleted (CHANGELOG.md, changes.parquet,"
            " deleted.csv).",
            "",
        ]
    lines += [
        "## Files",
        "",
        "| file | what |",
        "|---|---|",
        "| events.csv | the events, UTF-8 CSV, dates as YYYY-MM-DD |",
        "| events.parquet | the same rows, typed, zstd-compressed |",
        "| changes.parquet | events added, changed (which fields) and deleted since the previous release |",
        "| deleted.csv | every event id deleted so far, with the time of deletion (as ACLED lists them) |",
        "| CHANGELOG.md | the changes, readable |",
        "| datapackage.json | Frictionless Data Package: schemas, field descriptions, licence, sources |",
        "| metadata.json | counts, versions, filters |",
        "| SHA256SUMS | checksums of every other file |",
        "",
        "## Counts",
        "",
        *count_tables(counts),
        LOADING,
    ]
    return "\n".join(lines)
