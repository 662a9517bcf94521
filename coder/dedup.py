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

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cached_property

import polars as pl

from coder.release_order import Interleaving

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
#: The columns a block is made of.
_KEY_COLUMNS = ("country", "location", "event_type", "sub_event_type", "actor1", "actor2")


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


def _block_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """The _BLOCK columns of each row: the key text two reports of one event share."""
    a1, a2 = _normalised(frame["actor1"]), _normalised(frame["actor2"])
    return pl.DataFrame(
        {
            "_country": _normalised(frame["country"]),
            "_location": _normalised(frame["location"]),
            "_type": frame["event_type"].cast(pl.String),
            "_sub": frame["sub_event_type"].cast(pl.String),
            "_actor_lo": pl.select(pl.min_horizontal(pl.lit(a1), pl.lit(a2))).to_series(),
            "_actor_hi": pl.select(pl.max_horizontal(pl.lit(a1), pl.lit(a2))).to_series(),
        }
    )


def block_hash(frame: pl.DataFrame) -> pl.Series:
    """One number per block of each row (the same for rows that may be one event).

    Sorting and windows on it are far cheaper than on six strings. A hash of polars: equal
    within one polars version only (coder/release_rows.py caches it under that version).
    """
    return _block_keys(frame).select(pl.struct(_BLOCK).hash()).to_series().alias("_block")


#: Rows of one block further apart than this are never one event, whatever their precisions.
MAX_TOLERANCE_DAYS = max(_TOLERANCE_DAYS.values())


def date_segments(frame: pl.DataFrame) -> pl.Series:
    """A number per row of a frame with `_block` and `event_date`: rows that may be one event,
    or be chained to one, share it.

    A segment is a run of a block's rows by date with no gap over MAX_TOLERANCE_DAYS; a row
    without a date is one alone. Merging is done segment by segment: no chain crosses a gap
    wider than any tolerance.
    """
    gap = (pl.col("event_date") - pl.col("event_date").shift(1)).dt.total_days()
    starts = (pl.col("_block") != pl.col("_block").shift(1)) | (gap > MAX_TOLERANCE_DAYS)
    numbered = (
        frame.select("_block", "event_date")
        .with_row_index("_i")
        .sort(["_block", "event_date"], nulls_last=True)
        .with_columns(_segment=starts.fill_null(True).cast(pl.UInt32).cum_sum())
    )
    return pl.repeat(0, frame.height, dtype=pl.UInt32, eager=True).scatter(
        numbered["_i"], numbered["_segment"]
    )


def duplicate_groups(
    frame: pl.DataFrame, blocks: pl.Series | None = None, keys: pl.Series | None = None
) -> pl.DataFrame:
    """`event_id_cnty`, `group` and position (`_row`) of every row sharing its event with another.

    `blocks` is block_hash(frame) when the caller has it already. Rows of one block and day
    are chained in the order of `keys` (the release key), else in the frame's order: with
    dates of different precisions the chains can depend on that order, so it must not depend
    on how the rows were read.
    """
    blocks = block_hash(frame) if blocks is None else blocks
    if keys is None:
        by, stable = ["_block", "event_date"], True
    elif keys.is_sorted() and frame["event_date"].is_sorted(nulls_last=True):
        by, stable = ["_block"], True  # rows by date, then key: a stable sort on the block is enough
    else:
        by, stable = ["_block", "event_date", "_key"], False
    # Only blocks with several rows can hold duplicates; chains are found on four narrow
    # columns sorted by block and day, never on the text.
    same_block = pl.col("_block") == pl.col("_block").shift(1)
    precision = pl.max_horizontal("_precision", pl.col("_precision").shift(1))
    tolerance = precision.replace_strict(_TOLERANCE_DAYS, default=0, return_dtype=pl.Int64)
    gap = (pl.col("event_date") - pl.col("event_date").shift(1)).dt.total_days()
    chained = (
        frame.select(
            pl.lit(blocks).alias("_block"),
            "event_date",
            pl.col("time_precision").fill_null(1).alias("_precision"),
            *([] if keys is None else [pl.lit(keys).alias("_key")]),
        )
        .with_row_index("_row")
        .lazy()
        .filter(pl.col("event_date").is_not_null() & pl.col("_block").is_duplicated())
        .sort(by, maintain_order=stable)
        .with_columns(_joins=(same_block & (gap <= tolerance)).fill_null(False))
        # a chain is a run of rows each within tolerance of the one before; a row belongs to a
        # chain of several when it joins the row before or the row after joins it
        .with_columns(
            _chain=(~pl.col("_joins")).cast(pl.UInt32).cum_sum(),
            _several=pl.col("_joins") | pl.col("_joins").shift(-1).fill_null(False),
        )
        .filter("_several")
        .select("_row", "_chain")
        .collect()
    )
    empty = pl.DataFrame(schema={"event_id_cnty": pl.String, "group": pl.UInt32, "_row": pl.UInt32})
    if chained.is_empty():
        return empty
    # Split again on the key text itself, so two blocks sharing a hash are never merged; the
    # text is worked out for the chained rows only.
    rows = frame.select(pl.col("event_id_cnty", *_KEY_COLUMNS).gather(chained["_row"]))
    grouped = pl.concat([chained, rows.select("event_id_cnty"), _block_keys(rows)], how="horizontal")
    exact = pl.struct("_chain", *_BLOCK).rank("dense").cast(pl.UInt32)
    grouped = grouped.with_columns(group=exact).filter(pl.len().over("group") > 1)
    return grouped.select("event_id_cnty", "group", "_row")


def _union(members: pl.DataFrame, column: str, source: str | None = None) -> pl.DataFrame:
    """group -> every `;`-separated item of the members' `source` values once, in member
    order, `; `-joined (null when none), as `column`."""
    # Frame operations over all groups at once: the same as an expression in group_by().agg(),
    # which polars evaluates group by group, ten times faster on thousands of groups.
    items = (
        members.select("group", _item=pl.col(source or column).str.split(";"))
        .explode("_item", keep_nulls=False, empty_as_null=False)
        .with_columns(pl.col("_item").str.strip_chars())
        .filter(pl.col("_item") != "")
        .unique(["group", "_item"], keep="first", maintain_order=True)
    )
    joined = items.group_by("group", maintain_order=True).agg(pl.col("_item").str.join("; ").alias(column))
    return members.select(pl.col("group").unique(maintain_order=True)).join(
        joined, on="group", how="left", maintain_order="left"
    )


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


#: Merged.members: each row merged into another, the id of the row it went into, and its own
#: date (the merged row has its primary's).
MEMBERS_SCHEMA: dict[str, pl.DataType] = {
    "event_id_cnty": pl.String(),
    "primary_id": pl.String(),
    "event_date": pl.Date(),
}


@dataclass(frozen=True)
class Merged:
    """What merge_duplicates made of a frame: its rows, lazily (a release writes them straight
    to its files, never building the merged frame), and the rows merged away."""

    rows: pl.LazyFrame
    members: pl.DataFrame  # MEMBERS_SCHEMA, one row per row merged away

    @cached_property
    def frame(self) -> pl.DataFrame:
        return self.rows.collect()

    @property
    def dropped(self) -> int:
        return self.members.height


def merge_duplicates(
    frame: pl.DataFrame,
    keep_ids: Collection[str] | pl.Series = (),
    order: Callable[[pl.DataFrame], pl.Series] | None = None,
    blocks: pl.Series | None = None,
) -> Merged:
    """The frame with each group of same-event rows merged into one, and the rows that went.

    `keep_ids` are the ids of the previous release: a group keeps one of them when it can, so
    an event's id does not change because another outlet reported it later. With `order`, the
    rows come sorted by the key it gives a frame (cheaper than sorting after: the wide rows are
    gathered once, not once to drop the merged members and again to sort). `blocks` is
    block_hash(frame) when the caller has it already (the release cache keeps it).
    """
    # the merge leaves dates and ids alone, so the key is worked out once, before it
    key = order(frame) if order is not None else None
    groups = duplicate_groups(frame, blocks, key)
    kept = pl.repeat(True, frame.height, eager=True).alias("_kept")
    members = pl.DataFrame(schema=MEMBERS_SCHEMA)
    if groups.height:
        combined = _combined(frame, groups, keep_ids)
        # The merged row takes its primary member's place: only the combined columns change
        # there, so they are written in place and no wide row is built or concatenated.
        gone = groups.join(combined.select("group", _primary="_row"), on="group").filter(
            pl.col("_row") != pl.col("_primary")
        )
        members = pl.DataFrame(
            {
                "event_id_cnty": gone["event_id_cnty"],
                "primary_id": frame["event_id_cnty"].gather(gone["_primary"]),
                "event_date": frame["event_date"].gather(gone["_row"]),
            },
            schema=MEMBERS_SCHEMA,
        )
        frame = frame.with_columns(frame[name].scatter(combined["_row"], combined[name]) for name in COMBINED)
        kept = kept.scatter(gone["_row"], False)
    if key is None or key.is_sorted():  # rows read in release order (coder/release_rows.py keeps them so)
        if not members.height:
            return Merged(frame.lazy(), members)
        # filtered as they are written (a copy of a million wide rows costs a fifth of a second)
        return Merged(frame.with_columns(kept).lazy().filter("_kept").drop("_kept"), members)
    ordered = _sorted_prefix(key)
    if ordered * 2 >= frame.height:  # the release cache's first layer, then the newer ones
        rest = kept.slice(ordered)
        interleaving = Interleaving.of(
            frame.slice(0, ordered),
            key.slice(0, ordered),
            kept.slice(0, ordered),
            frame.slice(ordered).filter(rest),
            key.slice(ordered).filter(rest),
        )
        return Merged(interleaving.rows(), members)
    index = pl.DataFrame({"_key": key, "_kept": kept}).with_row_index("_i").filter("_kept").sort("_key")["_i"]
    # Gathering from one chunk per column, with select, is ~3x faster in polars 2.1 than from
    # the chunks the rows were read in, or than indexing the frame with the Series.
    return Merged(frame.rechunk().select(pl.all().gather(index)).lazy(), members)


def _sorted_prefix(key: pl.Series) -> int:
    """How many of the first keys are in ascending order."""
    if key.len() < 2:
        return key.len()
    descents = (key.slice(1) < key.slice(0, key.len() - 1)).arg_true()
    return int(descents[0]) + 1 if descents.len() else key.len()


#: What a merged row combines from its members; its other columns are its primary member's.
COMBINED = (
    "source",
    "article_ids",
    "tags",
    "assoc_actor_1",
    "assoc_actor_2",
    "fatalities",
    "confidence",
    "timestamp",
    "review_decision_id",
    "status",
    "source_scale",
)


def _combined(
    frame: pl.DataFrame, groups: pl.DataFrame, keep_ids: Collection[str] | pl.Series
) -> pl.DataFrame:
    """Per group of duplicate_groups: the group, its primary member's position (`_row`) and
    COMBINED."""
    keep = keep_ids if isinstance(keep_ids, pl.Series) else pl.Series(list(keep_ids), dtype=pl.String)
    # the previous release's ids among the members: a set of the few members, not of every id
    keep = keep.filter(keep.is_in(groups["event_id_cnty"].implode()))
    members = (
        frame.select(pl.col("event_id_cnty", "actor1", *COMBINED).gather(groups["_row"]))
        .with_columns(groups["group"], groups["_row"])
        .with_columns(_kept=pl.col("event_id_cnty").is_in(keep.implode()), _seq=_sequence())
        .sort(["group", "_kept", "_seq", "event_id_cnty"], descending=[False, True, False, False])
        # The primary first, the others in the order they were coded, whether released before
        # or not: a group that does not change merges the same in every release (ordered by
        # release, its sources would swap when a member released on its own merges in).
        .with_columns(_primary=pl.int_range(pl.len()).over("group") == 0)
        .sort(["group", "_primary", "_seq", "event_id_cnty"], descending=[False, True, False, False])
    )
    # Members that name the sides the other way round bring their assoc actors to the other side.
    members = members.with_columns(_actor1=_normalised(members["actor1"]))
    swapped = pl.col("_actor1") != pl.col("_actor1").first().over("group")
    members = members.with_columns(
        _assoc1=pl.when(swapped).then("assoc_actor_2").otherwise("assoc_actor_1"),
        _assoc2=pl.when(swapped).then("assoc_actor_1").otherwise("assoc_actor_2"),
    )
    combined = members.group_by("group", maintain_order=True).agg(
        pl.col("_row").first(),  # the primary member
        # codebook section 6: the lowest figure; a report without one (0) counts only if all lack one
        pl.col("fatalities").filter(pl.col("fatalities") > 0).min().fill_null(0),
        pl.col("confidence", "timestamp", "review_decision_id").max(),
        pl.when((pl.col("status").cast(pl.String) == "accepted").any())
        .then(pl.lit("accepted"))
        .otherwise(pl.col("status").cast(pl.String).first())
        .alias("status"),
    )
    unions = (
        _union(members, "source"),
        _union(members, "article_ids"),
        _union(members, "tags"),
        _union(members, "assoc_actor_1", "_assoc1"),
        _union(members, "assoc_actor_2", "_assoc2"),
        _scales(members),
    )
    for union in unions:
        combined = combined.join(union, on="group", how="left", maintain_order="left")
    return combined.select("group", "_row", *[pl.col(name).cast(frame.schema[name]) for name in COMBINED])
