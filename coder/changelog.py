"""What changed between two releases: events added, changed (which fields) and deleted.

Rows are matched by event_id_cnty (ids are stable, coder/store.py). `timestamp` is not
compared: it records when a row last changed, so it moves only with the other columns.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """ID, position (`_pos`) and one hash of the compared values per row; `text` columns are
    hashed as text."""
    rows = frame.select(ID).with_row_index("_pos")
    if not columns:
        return rows.with_columns(_hash=pl.lit(0, pl.UInt64))
    values = frame.select(_text(frame[c]) if c in text else frame[c] for c in columns)
    return rows.with_columns(_hash=values.hash_rows())


def _changed_fields(
    old: pl.DataFrame, new: pl.DataFrame, candidates: pl.DataFrame, common: list[str], extra: list[str]
) -> pl.DataFrame:
    """`_pos_new` and `fields` of the `candidates` (`_pos` in old, `_pos_new` in new) whose
    compared values differ."""
    # the few candidates gathered by position: no lookup of their ids among a million rows
    before = old.select(pl.col(common).gather(candidates["_pos"]))
    after = new.select(pl.col(common).gather(candidates["_pos_new"]))
    masks = {c: _text(before[c]).ne_missing(_text(after[c])).fill_null(False) for c in common}
    masks |= {c: pl.Series(c, [True] * candidates.height, dtype=pl.Boolean) for c in extra}
    if not masks:
        return pl.DataFrame(schema={"_pos_new": pl.UInt32, "fields": pl.String})
    flags = pl.DataFrame(masks).with_columns(candidates["_pos_new"])
    touched = flags.filter(pl.any_horizontal(list(masks)))
    fields = [pl.when(pl.col(c)).then(pl.lit(c)) for c in masks]
    return touched.select("_pos_new", fields=pl.concat_list(fields).list.drop_nulls().list.join("; "))


def _timestamps(frame: pl.DataFrame) -> pl.Series:
    """The frame's timestamps, or nulls for a frame without them (one per row either way)."""
    if "timestamp" in frame.columns:
        return frame["timestamp"].cast(pl.Int64)
    return pl.repeat(None, frame.height, dtype=pl.Int64, eager=True)


@dataclass(frozen=True)
class Comparison:
    """What changed from one release frame to the next."""

    changes: pl.DataFrame  # CHANGES_SCHEMA, see diff_frames
    before: pl.Series  # per row of the new frame: its timestamp in the old one (null if added)
    changed: pl.Series  # per row of the new frame: added or changed


def compare(old: pl.DataFrame, new: pl.DataFrame, deleted_at: int | None = None) -> Comparison:
    """diff_frames, and for each row of `new` its old timestamp and whether it changed."""
    if old.width == 0:
        old = pl.DataFrame(schema={ID: pl.String})
    common = [c for c in new.columns if c in old.columns and c not in NOT_COMPARED]
    reshaped = sorted((set(new.columns) ^ set(old.columns)) - NOT_COMPARED)
    # Categories of one dtype hash alike in both frames; only differing dtypes go through text.
    text = {c for c in common if old.schema[c] != new.schema[c]}
    # One join of the row hashes (and positions and timestamps) finds the added, the deleted
    # and the few changed rows; only the changed ones are compared column by column. Lazy: the
    # eager full join of a million rows is slower in polars 1.x.
    both = (
        _row_hashes(old, common, text)
        .with_columns(_before=_timestamps(old))
        .lazy()
        .join(
            _row_hashes(new, common, text).with_columns(timestamp=_timestamps(new)).lazy(),
            on=ID,
            how="full",
            suffix="_new",
        )
        .collect()
    )
    added = both.filter(pl.col(ID).is_null())
    deleted = both.filter(pl.col(f"{ID}_new").is_null())
    in_both = both.filter(pl.col(ID).is_not_null() & pl.col(f"{ID}_new").is_not_null())
    # a column gained or lost: every row changed, in that column at least
    candidates = in_both if reshaped else in_both.filter(pl.col("_hash") != pl.col("_hash_new"))
    touched = _changed_fields(old, new, candidates, common, reshaped).join(
        candidates.select("_pos_new", ID, "timestamp"), on="_pos_new", how="left"
    )
    changes = pl.concat(
        [
            added.select(
                pl.col(f"{ID}_new").alias(ID),
                change=pl.lit("added"),
                fields=pl.lit(None, pl.String),
                timestamp="timestamp",
            ),
            touched.select(ID, change=pl.lit("changed"), fields="fields", timestamp="timestamp"),
            deleted.select(
                ID,
                change=pl.lit("deleted"),
                fields=pl.lit(None, pl.String),
                timestamp=pl.lit(deleted_at, pl.Int64),
            ),
        ],
        how="vertical_relaxed",
    )
    before = pl.repeat(None, new.height, dtype=pl.Int64, eager=True).scatter(
        in_both["_pos_new"], in_both["_before"]
    )
    changed = pl.repeat(False, new.height, eager=True).scatter(
        pl.concat([added["_pos_new"], touched["_pos_new"]]), True
    )
    return Comparison(
        changes.cast(CHANGES_SCHEMA).sort(["change", ID]),  # type: ignore[arg-type]
        before.rename("_before"),
        changed.rename("_changed"),
    )


def diff_frames(old: pl.DataFrame, new: pl.DataFrame, deleted_at: int | None = None) -> pl.DataFrame:
    """One row per added, changed or deleted event (CHANGES_SCHEMA), sorted by change and id.

    `fields` lists the changed columns (`; `-separated) of a changed row, and the columns a
    release gained or lost count as changed for every row. `timestamp` is the row's new
    timestamp, or `deleted_at` for deletions (as ACLED's deletion lists give it).
    """
    return compare(old, new, deleted_at).changes


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
