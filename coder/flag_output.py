"""What `coder validate` prints and writes: a summary table, JSON, or a flags CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from rich.table import Table

from coder.validate import Report


def summary(report: Report) -> dict[str, Any]:
    """The `--format json` document: counts, every flag and the throughput."""
    seconds = report.total_seconds
    return {
        "rows": report.rows,
        "rows_with_errors": report.rows_with_errors,
        "rows_with_warnings": report.rows_with_warnings,
        "flags": report.flags.to_dicts(),
        "rows_per_second": round(report.rows / seconds, 1) if seconds > 0 else None,
    }


def write_flags(flags: pl.DataFrame, path: Path) -> None:
    """The flags as CSV (row, event_id, code, severity, field, message), UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags.write_csv(path)


def flag_table(report: Report) -> Table:
    """Flags counted by code, errors first, with the rows they touch."""
    counts = (
        report.flags.group_by("severity", "code")
        .agg(pl.len().alias("flags"), pl.col("row").n_unique().alias("rows"), pl.col("message").first())
        .sort("severity", "flags", descending=[False, True])
    )
    seconds = report.total_seconds
    speed = f", {report.rows / seconds:,.0f} rows/s" if seconds > 0 else ""
    table = Table(
        title=f"{report.rows} rows: {report.rows_with_errors} with errors,"
        f" {report.rows_with_warnings} with warnings{speed}"
    )
    for column, justify in (("severity", "left"), ("code", "left"), ("flags", "right"), ("rows", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    table.add_column("example")
    for severity, code, flags, rows, message in counts.iter_rows():
        style = "red" if severity == "error" else "yellow"
        table.add_row(f"[{style}]{severity}[/{style}]", code, str(flags), str(rows), message)
    return table
