"""Validation: the structure layer (JSON Schema), the codebook's rules (polars), evidence checks.

Store events and export files become the same typed frame (`coder.tables`); the structure
layer (`coder.structure`) and the vectorised rules (`coder.rules`) run on that frame and
produce one flag frame with columns row, event_id, code, severity, field, message. Rows the
coder made also get their evidence checked against the article (`coder.evidence`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import polars as pl

from coder import structure
from coder.evidence import EVIDENCE_RULES, evidence_flags
from coder.models import Event, Flag
from coder.rule_inputs import add_rule_inputs
from coder.rules import RULES
from coder.store import Store
from coder.tables import REQUIRED_COLUMNS, TableError, events_frame, read_table, typed_frame

__all__ = [
    "REQUIRED_COLUMNS",
    "RULES",
    "Report",
    "TableError",
    "catalogue",
    "has_errors",
    "read_table",
    "rule_flags",
    "rules_markdown",
    "status_after_validation",
    "store_report",
    "validate_event",
    "validate_events",
    "validate_frame",
    "validate_store",
    "validate_table",
]

FLAG_SCHEMA: Final[dict[str, pl.DataType]] = {
    "row": pl.Int64(),
    "event_id": pl.String(),
    "code": pl.String(),
    "severity": pl.String(),
    "field": pl.String(),
    "message": pl.String(),
}


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    severity: str
    fields: tuple[str, ...]
    explanation: str
    applies_to: str  # "all rows" or "coded rows"


def catalogue() -> list[CatalogueEntry]:
    """Every check with its stable code, in the order flags are reported."""
    return [
        CatalogueEntry(structure.CODE, "error", ("any",), structure.EXPLANATION, "all rows"),
        *(CatalogueEntry(r.code, r.severity, r.fields, r.explanation, "all rows") for r in RULES),
        *(CatalogueEntry(r.code, r.severity, r.fields, r.explanation, "coded rows") for r in EVIDENCE_RULES),
    ]


def rules_markdown() -> str:
    """The README's rules table (a test keeps the README in step with it)."""
    lines = ["| code | severity | fields | checks | on |", "|---|---|---|---|---|"]
    for e in catalogue():
        text = e.explanation.replace("|", "\\|")
        lines.append(f"| `{e.code}` | {e.severity} | {', '.join(e.fields)} | {text} | {e.applies_to} |")
    return "\n".join(lines) + "\n"


@dataclass
class Report:
    """What validating a table found, and how long each layer took."""

    rows: int
    flags: pl.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rows_with_errors(self) -> int:
        return self.flags.filter(pl.col("severity") == "error")["row"].n_unique()

    @property
    def rows_with_warnings(self) -> int:
        return self.flags.filter(pl.col("severity") == "warning")["row"].n_unique()

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def has_errors(flags: Iterable[Flag]) -> bool:
    return any(f.severity == "error" for f in flags)


def _empty_flags() -> pl.DataFrame:
    return pl.DataFrame(schema={**FLAG_SCHEMA, "_order": pl.Int64})


def _structure_part(frame: pl.DataFrame) -> pl.DataFrame:
    found = structure.structure_flags(frame)
    if not found.height:
        return _empty_flags()
    ids = frame.select("_row", "event_id_cnty")
    return (
        found.join(ids, on="_row", how="left")
        .select(
            pl.col("_row").alias("row"),
            pl.col("event_id_cnty").alias("event_id"),
            pl.lit(structure.CODE).alias("code"),
            pl.lit("error").alias("severity"),
            "field",
            "message",
            pl.lit(0, pl.Int64).alias("_order"),
        )
        .cast(FLAG_SCHEMA)  # type: ignore[arg-type]
    )


def rule_flags(
    frame: pl.DataFrame, today: dt.date | None = None, civilian_targeting_in_use: bool | None = None
) -> pl.DataFrame:
    """Flags of the consistency rules on a validator frame (vectorised, every rule at once)."""
    if civilian_targeting_in_use is None:
        civilian_targeting_in_use = frame["civilian_targeting"].null_count() < frame.height
    enriched = add_rule_inputs(frame, today or dt.date.today(), civilian_targeting_in_use)
    masks = enriched.select(r.when.fill_null(False).alias(r.code) for r in RULES)
    parts = [_empty_flags()]
    for order, r in enumerate(RULES, start=1):
        mask = masks[r.code]
        if not mask.any():
            continue
        parts.append(
            enriched.filter(mask).select(
                pl.col("_row").alias("row"),
                pl.col("event_id_cnty").alias("event_id"),
                pl.lit(r.code).alias("code"),
                pl.lit(r.severity).alias("severity"),
                pl.lit(r.fields[0]).alias("field"),
                r.message.cast(pl.String).str.slice(0, 300).alias("message"),
                pl.lit(order, pl.Int64).alias("_order"),
            )
        )
    return pl.concat(parts)


def validate_frame(
    frame: pl.DataFrame, today: dt.date | None = None, civilian_targeting_in_use: bool | None = None
) -> tuple[pl.DataFrame, dict[str, float]]:
    """Both layers on a validator frame: (flags sorted by row, seconds per layer)."""
    started = time.perf_counter()
    schema_part = _structure_part(frame)
    middle = time.perf_counter()
    rules_part = rule_flags(frame, today, civilian_targeting_in_use)
    done = time.perf_counter()
    flags = pl.concat([schema_part, rules_part]).sort("row", "_order", maintain_order=True).drop("_order")
    return flags, {"structure": middle - started, "rules": done - middle}


def validate_table(path: Path, today: dt.date | None = None) -> Report:
    """Validate every row of an ACLED-style export (CSV, Parquet, JSON Lines); raise TableError.

    Rows are numbered from 1. A row's publication date is the date of its `timestamp`.
    """
    started = time.perf_counter()
    raw = read_table(path)
    read = time.perf_counter()
    frame = typed_frame(raw)
    coerced = time.perf_counter()
    flags, seconds = validate_frame(frame, today)
    return Report(frame.height, flags, {"read": read - started, "coerce": coerced - read, **seconds})


def _flags_by_row(flags: pl.DataFrame, rows: int) -> list[list[Flag]]:
    out: list[list[Flag]] = [[] for _ in range(rows)]
    for row, code, severity, column, message in flags.select(
        "row", "code", "severity", "field", "message"
    ).iter_rows():
        out[row - 1].append(Flag(code=code, severity=severity, field=column, message=message))
    return out


def validate_events(
    events: Sequence[Event],
    published: Sequence[dt.date | None],
    today: dt.date | None = None,
    article_texts: Sequence[str | None] | None = None,
) -> list[list[Flag]]:
    """Flags of each event made or stored by the project (duplicates are looked for among them)."""
    frame = events_frame(events, published)
    flags, _ = validate_frame(frame, today, civilian_targeting_in_use=True)
    per_row = _flags_by_row(flags, len(events))
    texts = article_texts or [None] * len(events)
    for found, event, text in zip(per_row, events, texts, strict=True):
        found += evidence_flags(event, text)
    return per_row


def validate_event(
    event: Event, published: dt.date | None, today: dt.date | None = None, article_text: str | None = None
) -> list[Flag]:
    """Flags of one event (see validate_events)."""
    return validate_events([event], [published], today, [article_text])[0]


def status_after_validation(current: str, flags: Iterable[Flag]) -> str:
    """A reviewer's decision stands; otherwise any error flag sends the event to review."""
    if current in {"accepted", "rejected"}:
        return current
    return "flagged" if has_errors(flags) else "valid"


def validate_store(store: Store, event_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Re-validate stored events (all, or the given ids); return counts by resulting status.

    Every stored event takes part (so a duplicate of an event outside `event_ids` is seen);
    only the wanted ones get new flags and statuses. Coder flags count towards the status.
    """
    wanted = set(event_ids) if event_ids is not None else None
    articles = {a.id: a for a in store.articles()}
    stored = store.events()
    if not stored:
        return {}
    published = [a.published if (a := articles.get(s.article_id)) else None for s in stored]
    texts = [a.text if (a := articles.get(s.article_id)) else None for s in stored]
    found = validate_events([s.event for s in stored], published, article_texts=texts)
    results: dict[str, tuple[str, list[Flag]]] = {}
    counts: dict[str, int] = {}
    for s, flags in zip(stored, found, strict=True):
        if wanted is not None and s.id not in wanted:
            continue
        coder_flags = store.flag_sources(s.id).get("coder", [])
        status = status_after_validation(s.event.status, [*flags, *coder_flags])
        results[s.id] = (status, flags)
        counts[status] = counts.get(status, 0) + 1
    store.set_validation(results)
    return counts


def store_report(store: Store) -> Report:
    """Validate the whole store, then report every event's flags (the coder's too)."""
    started = time.perf_counter()
    validate_store(store)
    seconds = time.perf_counter() - started
    rows = [
        (number, s.id, f.code, f.severity, f.field, f.message)
        for number, s in enumerate(store.events(), start=1)
        for f in s.flags
    ]
    flags = pl.DataFrame(rows, schema=FLAG_SCHEMA, orient="row")
    return Report(store.counts().get("events", 0), flags, {"validate": seconds})
