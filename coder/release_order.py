"""Rows put in release order lazily, batch by batch, as a release's files are written.

A release's rows are mostly in order already: the previous release's, or the release cache's
oldest and largest layer (coder/release_rows.py). The rest (rows redone, newer layers) go
among them. Gathering a million wide rows into a new frame in order touches 700 MB of fresh
memory, which on a virtual machine costs more than the gather itself; sorting each run of
BATCH_ROWS ordered rows with the other rows that go among them, as the files are written,
reuses the same few buffers.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

#: Ordered rows put in order with the others at a time (a tenth of a million: fastest on the bench).
BATCH_ROWS = 100_000


@dataclass(frozen=True)
class Interleaving:
    """The `kept` rows of `ordered` (sorted by `ordered_keys`) and every row of `others`
    (sorted by `other_keys`), in key order (keys are distinct); `at` is, for each other row,
    the ordered row it goes before (an ordered row with its very key is one it replaces, not
    kept)."""

    ordered: pl.DataFrame
    ordered_keys: pl.Series
    kept: pl.Series
    others: pl.DataFrame
    other_keys: pl.Series
    at: pl.Series

    @classmethod
    def of(
        cls,
        ordered: pl.DataFrame,
        ordered_keys: pl.Series,
        kept: pl.Series,
        others: pl.DataFrame,
        other_keys: pl.Series,
    ) -> Interleaving:
        """`ordered_keys` must be sorted (ascending); `others` may come in any order."""
        by_key = other_keys.arg_sort()
        others, other_keys = others.select(pl.all().gather(by_key)), other_keys.gather(by_key)
        at = ordered_keys.search_sorted(other_keys, side="left")
        return cls(ordered, ordered_keys, kept, others, other_keys, at)

    def rows(self, batch_rows: int = BATCH_ROWS) -> pl.LazyFrame:
        """The rows, lazily: each run of `batch_rows` ordered rows with the others among them."""
        ordered, keys, kept = self.ordered, self.ordered_keys, self.kept
        others = self.others.with_columns(_key=self.other_keys, _at=self.at)
        batches = []
        for start in range(0, max(ordered.height, 1), batch_rows):
            end = start + batch_rows
            rows = ordered.slice(start, batch_rows).with_columns(
                _key=keys.slice(start, batch_rows), _kept=kept.slice(start, batch_rows)
            )
            last = end >= ordered.height
            among = others.filter((pl.col("_at") >= start) & ((pl.col("_at") < end) | last)).drop("_at")
            batches.append(pl.concat([rows.lazy().filter("_kept").drop("_kept"), among.lazy()]).sort("_key"))
        return pl.concat(batches).drop("_key")
