"""Validator speed on a 1,000,000-row ACLED-style CSV made by resampling.

    .venv/bin/python bench/validate.py                    # resample rows synthesised here
    .venv/bin/python bench/validate.py EXPORT.csv         # resample the rows of a file you point to
    .venv/bin/python bench/validate.py --rows 200000

Synthesised rows are valid events of every event type at gazetteer places (no real rows); each
resampled row gets its own id and a date of its own (notes, year and timestamp follow), so they
are distinct events. Rows resampled from a file keep their content apart from a fresh id, so
repeats of a row are flagged DUPLICATE_EVENT (the flags are built and counted in the timing).
The file is written to a temporary folder and deleted. Targets (issue 6): the rule layer
>= 50,000 rows/s, end to end (read, coerce, JSON Schema layer, rules) >= 10,000 rows/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from coder.codebook import ACLED_COLUMNS, TAXONOMY
from coder.gazetteer import COUNTRIES_FILE, PLACES_FILE
from coder.tables import read_table, typed_frame
from coder.validate import rule_flags, validate_frame

RULE_TARGET, END_TO_END_TARGET = 50_000, 10_000
COUNTRIES = ("Syria", "Iraq", "Yemen", "Kenya", "Nigeria", "Mexico", "India", "Ukraine", "Libya", "Somalia")
#: (event_type, sub_event_type, actor1 form, inter1, actor2 form or None, inter2, civilian_targeting)
TEMPLATES = (
    ("Battles", "Armed clash", "Military Forces of {c}", 1, "Unidentified Armed Group ({c})", 3, None),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Military Forces of {c}", 1,
     "Civilians ({c})", 7, "Civilian targeting"),
    ("Explosions/Remote violence", "Air/drone strike", "Military Forces of {c}", 1, None, None, None),
    ("Violence against civilians", "Attack", "Unidentified Armed Group ({c})", 3, "Civilians ({c})", 7,
     "Civilian targeting"),
    ("Protests", "Peaceful protest", "Protesters ({c})", 6, None, None, None),
    ("Protests", "Protest with intervention", "Protesters ({c})", 6, "Police Forces of {c}", 1, None),
    ("Riots", "Violent demonstration", "Rioters ({c})", 5, "Police Forces of {c}", 1, None),
    ("Strategic developments", "Change to group/activity", "Military Forces of {c}", 1, None, None, None),
)  # fmt: skip
START = dt.date(2019, 1, 1)


def synthesised_pool(seed: int = 0) -> pl.DataFrame:
    """Template x place rows with every ACLED column as text (dates filled in per row later)."""
    countries = pl.read_csv(COUNTRIES_FILE).filter(pl.col("country").is_in(COUNTRIES))
    places = (
        pl.read_parquet(PLACES_FILE)
        .with_columns(pl.col("country").cast(pl.String), pl.col("kind").cast(pl.String))
        .filter(pl.col("country").is_in(COUNTRIES), pl.col("kind") == "place", pl.col("admin1").is_not_null())
        .sort("population", descending=True)
        .group_by("country", maintain_order=True)
        .head(300)
        .join(countries.select("country", "iso", "region"), on="country")
    )
    rows = []
    for event_type, sub, a1, i1, a2, i2, ct in TEMPLATES:
        for p in places.iter_rows(named=True):
            c = p["country"]
            rows.append(
                {
                    "disorder_type": TAXONOMY[event_type][sub],
                    "event_type": event_type,
                    "sub_event_type": sub,
                    "actor1": a1.format(c=c),
                    "inter1": i1,
                    "actor2": a2.format(c=c) if a2 else None,
                    "inter2": i2,
                    "interaction": i1 * 10 if i2 is None else min(i1, i2) * 10 + max(i1, i2),
                    "civilian_targeting": ct,
                    "iso": p["iso"],
                    "region": p["region"],
                    "country": c,
                    "admin1": p["admin1"],
                    "location": p["name"],
                    "latitude": round(p["latitude"], 4),
                    "longitude": round(p["longitude"], 4),
                    "geo_precision": 1,
                    "source": "Bench Outlet",
                    "source_scale": "National",
                    "what": f"{sub.lower()} involving {a1.format(c=c)} in {p['name']} ({p['admin1']})",
                    "fatalities": 0 if event_type in ("Protests", "Strategic developments") else 1,
                }
            )
    return pl.DataFrame(rows, infer_schema_length=None).sample(fraction=1.0, shuffle=True, seed=seed)


def synthesised_rows(n: int, seed: int = 0) -> pl.DataFrame:
    pool = synthesised_pool(seed)
    picked = pool.sample(n, with_replacement=True, seed=seed)
    days = pl.Series(
        "days", pl.int_range(0, n, eager=True).hash(seed) % 2000, dtype=pl.Int64
    )  # a pseudo-random date per row: distinct events, reproducible
    date = pl.lit(START) + pl.duration(days=pl.col("days"))
    return (
        picked.with_columns(days)
        .with_columns(date.alias("event_date"))
        .with_columns(
            pl.format("SYN{}", pl.int_range(1, n + 1)).alias("event_id_cnty"),
            pl.col("event_date").dt.year().alias("year"),
            pl.lit(1).alias("time_precision"),
            pl.format("On {}, {}.", pl.col("event_date").dt.strftime("%-d %B %Y"), pl.col("what")).alias(
                "notes"
            ),
            ((pl.col("event_date").cast(pl.Datetime("ms")).dt.epoch("s")) + 3 * 86400).alias("timestamp"),
            pl.lit(None, pl.String).alias("assoc_actor_1"),
            pl.lit(None, pl.String).alias("assoc_actor_2"),
            pl.lit(None, pl.String).alias("admin2"),
            pl.lit(None, pl.String).alias("admin3"),
            pl.lit(None, pl.String).alias("tags"),
        )
        .select(ACLED_COLUMNS)
    )


def resampled_rows(source: Path, n: int, seed: int = 0) -> pl.DataFrame:
    frame = read_table(source)
    picked = frame.sample(n, with_replacement=True, seed=seed)
    if "event_id_cnty" in picked.columns:
        picked = picked.with_columns(pl.format("RES{}", pl.int_range(1, n + 1)).alias("event_id_cnty"))
    return picked


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", nargs="?", type=Path, help="ACLED-style file to resample (read only)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    console = Console()

    made = time.perf_counter()
    rows = resampled_rows(args.source, args.rows) if args.source else synthesised_rows(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        rows.write_csv(path)
        size_mb = path.stat().st_size / 1e6
        console.print(f"made {args.rows:,} rows ({size_mb:,.0f} MB CSV) in {time.perf_counter() - made:.1f}s")

        started = time.perf_counter()
        raw = read_table(path)
        read = time.perf_counter()
        frame = typed_frame(raw)
        coerced = time.perf_counter()
        flags, seconds = validate_frame(frame)
        total = time.perf_counter() - started
    del raw

    # the rule layer alone, on the typed frame, a second time (gazetteer tables already loaded)
    rule_started = time.perf_counter()
    rule_only = rule_flags(frame)
    rule_seconds = time.perf_counter() - rule_started

    n = frame.height
    table = Table(title=f"coder validate on {n:,} rows ({args.source or 'synthesised rows'})")
    for column, justify in (
        ("stage", "left"),
        ("seconds", "right"),
        ("rows/s", "right"),
        ("target", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]

    def line(stage: str, secs: float, target: int | None = None) -> None:
        speed = n / secs if secs else float("inf")
        verdict = "" if target is None else f"{target:,} {'ok' if speed >= target else 'MISSED'}"
        table.add_row(stage, f"{secs:.2f}", f"{speed:,.0f}", verdict)

    line("read CSV", read - started)
    line("coerce to types", coerced - read)
    line("JSON Schema layer", seconds["structure"])
    line("rule layer (in the run)", seconds["rules"])
    line("rule layer (alone)", rule_seconds, RULE_TARGET)
    line("end to end", total, END_TO_END_TARGET)
    console.print(table)
    counts = flags.group_by("severity", "code").len().sort("len", descending=True)
    error_rows = flags.filter(pl.col("severity") == "error")["row"].n_unique()
    console.print(
        f"{flags.height:,} flags ({rule_only.height:,} from the rules); rows with errors: {error_rows:,}"
    )
    for severity, code, count in counts.head(8).iter_rows():
        console.print(f"  {severity:8} {code:28} {count:,}")


if __name__ == "__main__":
    main()
