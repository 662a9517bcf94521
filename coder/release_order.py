"""Rows put in release order lazily, batch by batch, as a release's files are written.

A release's rows are mostly in order already: the previous release's, or the release cache's
oldest and largest layer (coder/release_rows.py). The rest (rows redone, newer layers) go
among them. Gathering a million wide rows into a new frame in order touches 700 MB of fresh
memory, which on a virtual machine costs more than the gather itself; sorting each run of
BATCH_ROWS ordered rows with the other rows that go among them, as the files are written,
reuses the same few buffers.
"""

from __future__ import annotations

import polars as pl

#: Ordered rows put in order with the others at a time (a tenth of a million: fastest on the bench).
BATCH_ROWS = 100_000


def interleaved(
    ordered: pl.DataFrame,
    ordered_keys: pl.Series,
    kept: pl.Series,
    others: pl.DataFrame,
    other_keys: pl.Series,
    batch_rows: int = BATCH_ROWS,
) -> pl.LazyFrame:
    """The `kept` rows of `ordered` (sorted by `ordered_keys`) and every row of `others`, sorted by
    key (keys are distinct), lazily.

    `ordered_keys` must be sorted (ascending); `others` may come in any order.
    """
    # where each other row goes: before the first ordered row with a greater key (an ordered row
    # with its very key is one it replaces, not kept)
    at = ordered_keys.search_sorted(other_keys, side="left")
    others = others.with_columns(_key=other_keys, _at=at)
    batches = []
    for start in range(0, max(ordered.height, 1), batch_rows):
        end = start + batch_rows
        rows = ordered.slice(start, batch_rows).with_columns(
            _key=ordered_keys.slice(start, batch_rows), _kept=kept.slice(start, batch_rows)
        )
        last = end >= ordered.height
        among = others.filter((pl.col("_at") >= start) & ((pl.col("_at") < end) | last)).drop("_at")
        batches.append(pl.concat([rows.lazy().filter("_kept").drop("_kept"), among.lazy()]).sort("_key"))
    return pl.concat(batches).drop("_key")
