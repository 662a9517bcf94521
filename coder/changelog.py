"""What changed between two releases: events added, changed (which fields) and deleted.

Rows are matched by event_id_cnty (ids are stable, coder/store.py). `timestamp` is not
compared: it records when a row last changed, so it moves only with the other columns.
"""

from __future__ import annotations

import polars as pl

ID = "event_id_cnty"
NOT_COMPARED = frozenset({ID, "timestamp"})
CHANGE_KINDS = ("added", "changed", "deleted")

#: Columns of changes.parquet.
CHANGES_SCHEMA: dict[str, pl.DataType] = {
    "event_id_cnty": pl.String(),
    "change": pl.Enum(CHANGE_KINDS),
    "fields": pl.String(),
    "timestamp": pl.Int64(),
}


def _text(column: pl.Series) -> pl.Series:
    # Categories may differ between releases; compare the text.
    return column.cast(pl.String) if isinstance(column.dtype, pl.Categorical | pl.Enum) else column


def _row_hashes(frame: pl.DataFrame, columns: list[str], text: set[str]) -> pl.DataFrame:
    """ID and one hash of the compared values per row; `text` columns are hashed as text."""
    if not columns:
        return frame.select(ID, _hash=pl.lit(0, pl.UInt64))
    values = frame.select(_text(frame[c]) if c in text else frame[c] for c in columns)
    return frame.select(ID).with_columns(_hash=values.hash_rows())


def _changed_fields(
    old: pl.DataFrame, new: pl.DataFrame, candidates: pl.DataFrame, common: list[str], extra: list[str]
) -> pl.DataFrame:
    """ID and `fields` of the `candidates` (ids in both frames) whose compared values differ."""
    # filtered first: joining the few candidates straight to a million rows hashes the million
    wanted = pl.col(ID).is_in(candidates[ID].implode())
    before = candidates.join(old.filter(wanted).select(ID, *common), on=ID, how="left", maintain_order="left")
    after = candidates.join(new.filter(wanted).select(ID, *common), on=ID, how="left", maintain_order="left")
    masks = {c: _text(before[c]).ne_missing(_text(after[c])).fill_null(False) for c in common}
    masks |= {c: pl.Series(c, [True] * candidates.height) for c in extra}
    if not masks:
        return pl.DataFrame(schema={ID: pl.String, "fields": pl.String})
    flags = pl.DataFrame(masks).with_columns(candidates[ID])
    touched = flags.filter(pl.any_horizontal(list(masks)))
    fields = [pl.when(pl.col(c)).then(pl.lit(c)) for c in masks]
    return touched.select(ID, fields=pl.concat_list(fields).list.drop_nulls().list.join("; "))


def diff_frames(old: pl.DataFrame, new: pl.DataFrame, deleted_at: int | None = None) -> pl.DataFrame:
    """One row per added, changed or deleted event (CHANGES_SCHEMA), sorted by change and id.

    `fields` lists the changed columns (`; `-separated) of a changed row, and the columns a
    release gained or lost count as changed for every row. `timestamp` is the row's new
    timestamp, or `deleted_at` for deletions (as ACLED's deletion lists give it).
    """
    if old.width == 0:
        old = pl.DataFrame(schema={ID: pl.String})
    common = [c for c in new.columns if c in old.columns and c not in NOT_COMPARED]
    reshaped = sorted((set(new.columns) ^ set(old.columns)) - NOT_COMPARED)
    stamp = pl.col("timestamp") if "timestamp" in new.columns else pl.lit(None, pl.Int64)
    # Categories of one dtype hash alike in both frames; only differing dtypes go through text.
    text = {c for c in common if old.schema[c] != new.schema[c]}
    # One join of the row hashes (and the new timestamps) finds the added, the deleted and the
    # few changed rows; only the changed ones are compared column by column.
    both = _row_hashes(old, common, text).join(
        _row_hashes(new, common, text).with_columns(new.select(stamp.alias("timestamp"))),
        on=ID,
        how="full",
        suffix="_new",
    )
    added = both.filter(pl.col(ID).is_null()).select(
        pl.col(f"{ID}_new").alias(ID),
        change=pl.lit("added"),
        fields=pl.lit(None, pl.String),
        timestamp="timestamp",
    )
    deleted = both.filter(pl.col(f"{ID}_new").is_null()).select(
        ID, change=pl.lit("deleted"), fields=pl.lit(None, pl.String), timestamp=pl.lit(deleted_at, pl.Int64)
    )
    in_both = both.filter(pl.col(ID).is_not_null() & pl.col(f"{ID}_new").is_not_null())
    if not reshaped:  # a column gained or lost: every row changed, in that column at least
        in_both = in_both.filter(pl.col("_hash") != pl.col("_hash_new"))
    changed = (
        _changed_fields(old, new, in_both.select(ID), common, reshaped)
        .join(in_both.select(ID, "timestamp"), on=ID, how="left")
        .select(ID, change=pl.lit("changed"), fields="fields", timestamp="timestamp")
    )
    out = pl.concat([added, changed, deleted], how="vertical_relaxed")
    return out.cast(CHANGES_SCHEMA).sort(["change", ID])  # type: ignore[arg-type]


def counts(changes: pl.DataFrame) -> dict[str, int]:
    """{added, changed, deleted: n}."""
    found = dict(changes.group_by("change").len().iter_rows()) if changes.height else {}
    return {kind: int(found.get(kind, 0)) for kind in CHANGE_KINDS}


def render_changelog(
    changes: pl.DataFrame,
    version: str,
    previous: str | None,
    limit: int | None = 1000,
) -> str:
    """CHANGELOG.md: the counts, then the ids of each kind (at most `limit` per kind)."""
    n = counts(changes)
    lines = [f"# Changelog of release {version}", ""]
    if previous is None:
        lines += [f"First release: {n['added']} event(s) added.", ""]
        return "\n".join(lines)
    lines += [f"Compared with release {previous}.", ""]
    if not changes.height:
        lines += ["Nothing changed: no event was added, changed or deleted.", ""]
        return "\n".join(lines)
    lines += [f"- added: {n['added']}", f"- changed: {n['changed']}", f"- deleted: {n['deleted']}", ""]
    for kind in CHANGE_KINDS:
        part = changes.filter(pl.col("change") == kind)
        if not part.height:
            continue
        lines += [f"## {kind.capitalize()} ({part.height})", ""]
        shown = part if limit is None else part.head(limit)
        for event_id, fields in shown.select(ID, "fields").iter_rows():
            lines.append(f"- {event_id}: {fields}" if fields else f"- {event_id}")
        if shown.height < part.height:
            lines.append(f"- … and {part.height - shown.height} more (all are in changes.parquet)")
        lines.append("")
    return "\n".join(lines)
