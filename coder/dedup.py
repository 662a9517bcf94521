"""One release row per event, however many articles reported it.

Rows are the same event when they share country, location, event and sub-event type and the
pair of actors (in either order; text compared case- and space-insensitively, as in
coder/identity.py) and their dates fall within the tolerance of their time precision
(codebook section 2): the same day for exact dates, within 6 days when either row only knows
the week (precision 2), within 30 days when either only knows the month (precision 3). Rows
without a date are never merged. Grouping is single-linkage over dates sorted within a block.

A merged row keeps the id and the values of its primary member (the member already released
under its id, else the one coded first) except for the columns that combine:
- source: every outlet once, `; `-separated, primary first;
- source_scale: the distinct scales ordered from narrowest to widest reach as ACLED writes
  pairs (`Subnational-National`, `New media-National`); with three or more, the narrowest and
  widest (project convention);
- fatalities: the lowest figure any report gives (codebook section 6: lowest credible figure);
  a report that gives no figure (0) does not count as a report of zero when another gives one
  (project convention);
- article_ids, assoc actors, tags: union; confidence, timestamp, review_decision_id: maximum;
  status: `accepted` when a reviewer accepted any member.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

#: Reach order of ACLED source scales, read off the pairs ACLED writes (narrowest first).
SCALE_ORDER: tuple[str, ...] = (
    "Local partner",
    "Local",
    "Other",
    "New media",
    "Subnational",
    "National",
    "Regional",
    "International",
)
_TOLERANCE_DAYS = {1: 0, 2: 6, 3: 30}
_BLOCK = ("_country", "_location", "_type", "_sub", "_actor_lo", "_actor_hi")


def _norm(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).str.replace_all(r"\s+", " ").str.strip_chars().str.to_lowercase()


def _normalised(column: pl.Series) -> pl.Series:
    """_norm of every value, worked out once per distinct value ('' for missing).

    Key columns repeat a few thousand values across a million rows, so the regex runs on
    those few thousand only.
    """
    text = column.cast(pl.String)
    distinct = text.unique().drop_nulls()
    normal = distinct.to_frame("v").select(_norm("v")).to_series()
    return text.replace_strict(distinct, normal, default="").rename(column.name)


def duplicate_groups(frame: pl.DataFrame) -> pl.DataFrame:
    """`event_id_cnty` and `group` of every row that shares its event with another row."""
    lo, hi = pl.min_horizontal("_a1", "_a2"), pl.max_horizontal("_a1", "_a2")
    dated = frame.filter(pl.col("event_date").is_not_null())
    keyed = (
        dated.select(
            "event_id_cnty",
            "event_date",
            pl.col("time_precision").fill_null(1).alias("_precision"),
            pl.lit(_normalised(dated["country"])).alias("_country"),
            pl.lit(_normalised(dated["location"])).alias("_location"),
            pl.col("event_type").cast(pl.String).alias("_type"),
            pl.col("sub_event_type").cast(pl.String).alias("_sub"),
            pl.lit(_normalised(dated["actor1"])).alias("_a1"),
            pl.lit(_normalised(dated["actor2"])).alias("_a2"),
        )
        .with_columns(lo.alias("_actor_lo"), hi.alias("_actor_hi"))
        # one number per block: sorting and windows on it are far cheaper than on six strings
        .with_columns(_block=pl.struct(_BLOCK).hash())
        .with_row_index("_row")
    )
    # Only blocks with several rows can hold duplicates; chains are found on four narrow
    # columns sorted by one integer (block rank, then day), never on the text.
    days = pl.col("event_date").cast(pl.Int64) + 2**31
    order = pl.col("_block").rank("dense").cast(pl.UInt64) * 2**32 + days.cast(pl.UInt64)
    candidates = (
        keyed.select("_row", "_block", "event_date", "_precision")
        .filter(pl.len().over("_block") > 1)
        .sort(order)
    )
    if candidates.is_empty():
        return pl.DataFrame(schema={"event_id_cnty": pl.String, "group": pl.UInt32})
    same_block = pl.col("_block") == pl.col("_block").shift(1)
    precision = pl.max_horizontal("_precision", pl.col("_precision").shift(1))
    tolerance = precision.replace_strict(_TOLERANCE_DAYS, default=0, return_dtype=pl.Int64)
    gap = (pl.col("event_date") - pl.col("event_date").shift(1)).dt.total_days()
    starts = ~same_block.fill_null(False) | (gap > tolerance)
    chained = candidates.with_columns(starts.cast(pl.UInt32).cum_sum().alias("_chain"))
    chained = chained.filter(pl.len().over("_chain") > 1).select("_row", "_chain")
    grouped = keyed.join(chained, on="_row", how="inner")
    # Split again on the key text itself, so two blocks sharing a hash are never merged.
    exact = pl.struct("_chain", *_BLOCK).rank("dense").cast(pl.UInt32)
    grouped = grouped.with_columns(group=exact).filter(pl.len().over("group") > 1)
    return grouped.select("event_id_cnty", "group")


def _union(column: str, sep: str) -> pl.Expr:
    """Every item of the group's values once, in member order, `; `-joined (null when none)."""
    items = (
        pl.col(column).str.split(sep).list.explode(keep_nulls=False, empty_as_null=False).str.strip_chars()
    )
    joined = items.filter(items.is_not_null() & (items != "")).unique(maintain_order=True).str.join("; ")
    return pl.when(joined != "").then(joined).alias(column)


def _scales(members: pl.DataFrame) -> pl.DataFrame:
    """group -> combined source_scale: narrowest and widest reach, ACLED's pair order."""
    rank = {name: i for i, name in enumerate(SCALE_ORDER)}
    parts = (
        members.select("group", part=pl.col("source_scale").cast(pl.String).str.split("-"))
        .explode("part")
        .with_columns(pl.col("part").str.strip_chars())
        .filter(pl.col("part").is_not_null() & (pl.col("part") != ""))
        .unique(["group", "part"])
        .with_columns(rank=pl.col("part").replace_strict(rank, default=len(rank), return_dtype=pl.Int64))
        .sort(["group", "rank", "part"])
    )
    ends = parts.group_by("group").agg(first=pl.col("part").first(), last=pl.col("part").last(), n=pl.len())
    return ends.select(
        "group",
        source_scale=pl.when(pl.col("n") > 1)
        .then(pl.format("{}-{}", "first", "last"))
        .otherwise(pl.col("first")),
    )


def _sequence() -> pl.Expr:
    """The number of an id (SYR12 -> 12): the order ids were handed out in."""
    return pl.col("event_id_cnty").str.extract(r"(\d+)$").cast(pl.Int64)


def merge_duplicates(
    frame: pl.DataFrame, keep_ids: Collection[str] = (), order: pl.Expr | None = None
) -> tuple[pl.DataFrame, int]:
    """The frame with each group of same-event rows merged into one; also how many rows went.

    `keep_ids` are the ids of the previous release: a group keeps one of them when it can, so
    an event's id does not change because another outlet reported it later. With `order`, the
    rows come sorted by that expression (cheaper than sorting after: the wide rows are
    gathered once, not once to drop the merged members and again to sort).
    """
    groups = duplicate_groups(frame)
    merged = _merged_rows(frame, groups, keep_ids) if groups.height else frame.clear()
    if order is None and groups.is_empty():
        return frame, 0
    rows = pl.concat([frame, merged])
    members = pl.col("event_id_cnty").is_in(groups["event_id_cnty"].implode())
    kept = (pl.int_range(pl.len()) >= frame.height) | ~members
    if order is None:
        return rows.filter(kept), groups.height - merged.height
    index = rows.select(_key=order, _kept=kept).with_row_index("_i").filter("_kept").sort("_key")["_i"]
    # Gathering from one chunk per column, with select, is ~3x faster in polars 2.1 than from
    # the chunks the rows were read in, or than indexing the frame with the Series.
    return rows.rechunk().select(pl.all().gather(index)), groups.height - merged.height


def _merged_rows(frame: pl.DataFrame, groups: pl.DataFrame, keep_ids: Collection[str]) -> pl.DataFrame:
    """One row per group of duplicate_groups: the primary member with the combined columns."""
    keep = pl.Series(list(keep_ids), dtype=pl.String)
    members = (
        frame.join(groups, on="event_id_cnty", how="inner")
        .with_columns(_kept=pl.col("event_id_cnty").is_in(keep.implode()), _seq=_sequence())
        .sort(["group", "_kept", "_seq", "event_id_cnty"], descending=[False, True, False, False])
    )
    # Members that name the sides the other way round bring their assoc actors to the other side.
    swapped = _norm("actor1").fill_null("") != _norm("actor1").fill_null("").first().over("group")
    members = members.with_columns(
        _assoc1=pl.when(swapped).then("assoc_actor_2").otherwise("assoc_actor_1"),
        _assoc2=pl.when(swapped).then("assoc_actor_1").otherwise("assoc_actor_2"),
    )
    combined = members.group_by("group", maintain_order=True).agg(
        _union("source", ";"),
        _union("article_ids", ";"),
        _union("tags", ";"),
        _union("_assoc1", ";").alias("assoc_actor_1"),
        _union("_assoc2", ";").alias("assoc_actor_2"),
        # codebook section 6: the lowest figure; a report without one (0) counts only if all lack one
        pl.col("fatalities").filter(pl.col("fatalities") > 0).min().fill_null(0),
        pl.col("confidence", "timestamp", "review_decision_id").max(),
        pl.when((pl.col("status").cast(pl.String) == "accepted").any())
        .then(pl.lit("accepted"))
        .otherwise(pl.col("status").cast(pl.String).first())
        .alias("status"),
    )
    combined = combined.join(_scales(members), on="group", how="left")
    primaries = members.group_by("group", maintain_order=True).first()
    replaced = [c for c in combined.columns if c != "group"]
    merged = primaries.drop(replaced).join(combined, on="group", how="left")
    return merged.select([pl.col(name).cast(dtype) for name, dtype in frame.schema.items()])
