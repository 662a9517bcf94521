"""The store's releasable events as typed rows, read through a columnar cache.

A release needs every releasable event as a typed frame. The store keeps each event's release
columns as a ready CSV line (migrations 4, 5), and parsing a million of them takes over a
second; the same rows kept as Parquet read back in a tenth of that. So the store
also holds the typed rows themselves (migration 6): `release_cache_parts` holds them in
layers, each layer the rows of the events it covers, newest layer first in authority.

The cache cannot go stale by mistake: triggers on `release_lines` put the id of every line
inserted, changed or deleted into `release_dirty`, inside the writer's own transaction, and a
reader takes cached rows only for ids that are not dirty and not covered by a newer layer;
dirty events are read from their lines. `refresh` folds the dirty lines into a new layer (or
compacts all layers into one when the newer ones add up to a quarter of the oldest) and
empties `release_dirty`, in one write transaction. Layers written under another cache
format, polars or coder version are ignored (read as if absent) and rebuilt by the next
refresh. Validation and every release refresh the cache, so a release reads it warm. When
most events are dirty (a validation of every event sets every status), all lines are read in
ranges instead, as with no cache at all.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from coder import __version__
from coder.codebook import ACLED_COLUMNS, CIVILIAN_TARGETING, DISORDER_TYPES, EVENT_TYPES, SUB_EVENT_TYPES
from coder.dedup import block_hash
from coder.store import RELEASE_LINE_COLUMNS, Store, now

#: --min-status -> the statuses released.
STATUS_LEVELS: dict[str, tuple[str, ...]] = {"valid": ("valid", "accepted"), "accepted": ("accepted",)}
RELEASABLE = STATUS_LEVELS["valid"]

#: Column dtypes of a release; the CSV reads back into exactly this with `read_release_csv`.
#: Closed codebook vocabularies are Enums and repetitive text Categoricals (Parquet stores both
#: as dictionaries; pandas reads them as `category`, R arrow as factors, DuckDB as VARCHAR).
RELEASE_SCHEMA: dict[str, pl.DataType] = {
    "event_id_cnty": pl.String(),
    "event_date": pl.Date(),
    "year": pl.Int64(),
    "time_precision": pl.Int64(),
    "disorder_type": pl.Enum(DISORDER_TYPES),
    "event_type": pl.Enum(EVENT_TYPES),
    "sub_event_type": pl.Enum(SUB_EVENT_TYPES),
    "actor1": pl.String(),
    "assoc_actor_1": pl.String(),
    "inter1": pl.Int64(),
    "actor2": pl.String(),
    "assoc_actor_2": pl.String(),
    "inter2": pl.Int64(),
    "interaction": pl.Int64(),
    "civilian_targeting": pl.Enum([CIVILIAN_TARGETING]),
    "iso": pl.Int64(),
    "region": pl.Categorical(),
    "country": pl.Categorical(),
    "admin1": pl.Categorical(),
    "admin2": pl.String(),
    "admin3": pl.String(),
    "location": pl.String(),
    "latitude": pl.Float64(),
    "longitude": pl.Float64(),
    "geo_precision": pl.Int64(),
    "source": pl.String(),
    "source_scale": pl.Categorical(),
    "notes": pl.String(),
    "fatalities": pl.Int64(),
    "tags": pl.String(),
    "timestamp": pl.Int64(),
    # provenance
    "article_ids": pl.String(),
    "coder": pl.Categorical(),
    "coder_version": pl.Categorical(),
    "model": pl.String(),
    "prompt_hash": pl.String(),
    "schema_version": pl.Categorical(),
    "confidence": pl.Float64(),
    "status": pl.Enum(("valid", "accepted")),
    "review_decision_id": pl.Int64(),
}
assert tuple(RELEASE_SCHEMA)[: len(ACLED_COLUMNS)] == ACLED_COLUMNS

#: What one stored line becomes: every release column but the review decision, which is joined
#: from the decisions table when the rows are read (a decision does not touch the line).
ROW_SCHEMA: dict[str, pl.DataType] = {k: v for k, v in RELEASE_SCHEMA.items() if k != "review_decision_id"}
#: A row as read and cached: with its deduplication block (coder/dedup.py block_hash), which
#: costs a release a third of a second to work out for a million rows.
CACHED_SCHEMA: dict[str, pl.DataType] = ROW_SCHEMA | {"_block": pl.UInt64()}

#: How the store's CSV lines (coder/store.py releasable_csv) are read: text first, typed after.
_STORED_CSV: dict[str, pl.DataType] = {
    "event_id_cnty": pl.String(),
    "status": pl.String(),
    "_updated": pl.String(),
} | {name: RELEASE_SCHEMA[name] if kind == "number" else pl.String() for name, kind in RELEASE_LINE_COLUMNS}
assert set(_STORED_CSV) - {"_updated"} == set(ROW_SCHEMA) - {"timestamp"}

#: Bump when what a cached row holds, or how a line becomes one (block_hash included), changes.
CACHE_FORMAT = 3
#: Rows per cached part: a part is one blob, far below SQLite's 1 GB limit on one value.
_PART_ROWS = 200_000
#: Layers beyond the oldest before a refresh compacts them all into one.
_MAX_LAYERS = 8
#: Dirty events past which (and past half of all) every line is read in ranges, not by id:
#: after a validation of every event, one scan beats a million lookups.
_SCAN_DIRTY = 10_000


def cache_format() -> str:
    """The key cached rows are valid under: the row layout, polars (hashes, categoricals), coder."""
    layout = repr([(name, str(dtype)) for name, dtype in CACHED_SCHEMA.items()])
    text = f"{CACHE_FORMAT}|{pl.__version__}|{__version__}|{layout}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


ID = "event_id_cnty"
#: An id as coder/store.py hands them out: three country letters and a number.
_PLAIN_ID = r"^[A-Z]{3}\d{1,9}$"


def release_key(frame: pl.DataFrame) -> pl.Series:
    """One number per row that sorts the rows of a release: by event date (missing last),
    then by id: its country letters, then its number (SYR9 before SYR10).

    A frame holding an id of another shape goes by the ids' text instead after the date.
    """
    # One integer (18 bits of day, then 46 of id): polars sorts it ~10x faster than the pair
    # of columns, and reading the letters as a base-36 number costs a fifth of ranking the text.
    days = pl.col("event_date").cast(pl.Int64) + 2**16  # 1790-2329 in 17 bits; outside, clipped
    day = days.clip(0, 2**17 - 1).fill_null(2**17).cast(pl.UInt64)
    ids = pl.col("event_id_cnty")
    if frame.select(ids.str.contains(_PLAIN_ID).all()).item():
        letters = ids.str.head(3).str.to_integer(base=36).cast(pl.UInt64)  # < 36**3 < 2**16
        id_key = letters * 2**30 + ids.str.slice(3).cast(pl.UInt64)  # numbers < 10**9 < 2**30
    else:
        id_key = ids.rank("dense").cast(pl.UInt64)
    return frame.select(day * 2**46 + id_key).to_series().rename("_key")


# --- stored lines -> typed rows -----------------------------------------------------------------
def _parse(lines: bytes) -> pl.DataFrame:
    if not lines:  # polars reads no columns from no bytes
        return pl.DataFrame(schema=_STORED_CSV)
    return pl.read_csv(lines, has_header=False, new_columns=list(_STORED_CSV), schema=_STORED_CSV)


def _once(frame: pl.DataFrame, parse: pl.Expr) -> pl.Series:
    """`parse` of the text column it reads, worked out once per distinct value.

    Dates and updated_at stamps repeat a lot (a few thousand days, one stamp per batch), so a
    lookup per row is much cheaper than parsing each row.
    """
    [source] = parse.meta.root_names()
    distinct = frame.select(pl.col(source).unique())
    parsed = distinct.select(parse).to_series()
    return frame[source].replace_strict(distinct.to_series(), parsed, default=None).rename(parsed.name)


def _typed(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Parsed lines as CACHED_SCHEMA rows: dates and stamps parsed, coordinates to 4 decimals."""
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=_STORED_CSV)
    updated = pl.col("_updated").str.to_datetime("%Y-%m-%dT%H:%M:%S%z", time_zone="UTC").dt.epoch("s")
    rows = frame.with_columns(
        _once(frame, pl.col("event_date").str.to_date("%Y-%m-%d")),
        _once(frame, updated.alias("timestamp")),
        pl.col("latitude", "longitude").round(4),
    ).select([pl.col(name).cast(dtype) for name, dtype in ROW_SCHEMA.items()])
    return rows.with_columns(block_hash(rows))


def _read_lines(store: Store) -> pl.DataFrame:
    """Every releasable event straight from its line (no cache)."""
    # Two threads each read a range with SQLite then parse it with polars (both release the
    # GIL), so one range is read while the other is parsed; memory holds the parsed frames.
    with ThreadPoolExecutor(max_workers=2) as pool:
        ranges = store.release_ranges()
        return _typed(list(pool.map(lambda rows: _parse(store.releasable_csv(RELEASABLE, rows)), ranges)))


def _read_dirty(store: Store) -> tuple[pl.Series, pl.DataFrame]:
    """The dirty ids, and the rows of those still releasable (read on the caller's snapshot)."""
    ids = pl.Series(
        "event_id_cnty", [r[0] for r in store.db.execute("SELECT id FROM release_dirty")], pl.String
    )
    if not ids.len():
        return ids, _typed([])
    marks = ",".join("?" * len(RELEASABLE))
    # CROSS JOIN keeps the dirty ids as the outer loop: the lines are looked up by id, not scanned
    [lines] = store.db.execute(
        "SELECT CAST(group_concat(l.line, char(10)) AS BLOB) FROM release_dirty d"
        f" CROSS JOIN release_lines l ON l.id = d.id WHERE l.status IN ({marks})",
        RELEASABLE,
    ).fetchone()
    return ids, _typed([_parse(lines or b"")])


def _mostly_dirty(store: Store) -> bool:
    [dirty] = store.db.execute("SELECT count(*) FROM release_dirty").fetchone()
    if dirty < _SCAN_DIRTY:
        return False
    [lines] = store.db.execute("SELECT count(*) FROM release_lines").fetchone()
    return dirty * 2 > lines


# --- the cache ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Layer:
    number: int
    height: int
    covers: pl.Series  # every id this layer speaks for: its rows' ids and the ids it removed
    rows: pl.LazyFrame | None  # None when only the layer's outline was read


def _to_blob(frame: pl.DataFrame) -> bytes:
    # Parquet, not Arrow IPC: its dictionary pages make a third of the bytes and polars reads
    # a million rows of it back in 0.05 s, against 0.13 s for zstd IPC.
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd")
    return buffer.getvalue()


def _from_blob(blob: bytes) -> pl.DataFrame:
    return pl.read_parquet(io.BytesIO(blob))


def _layers(store: Store, with_rows: bool = True) -> list[_Layer] | None:
    """The cached layers, oldest first; None when there are none under the current format."""
    sql = "SELECT layer, format, rows, covers FROM release_cache_layers ORDER BY layer"
    found = store.db.execute(sql).fetchall()
    if not found or any(row[1] != cache_format() for row in found):
        return None
    # The parts are scanned, not decoded: a reader decodes the columns and rows it collects
    # (every column of every row for a whole release, 0.26 s for a million rows; a few columns
    # of all, or all columns of a few thousand, for one that reuses the previous release's).
    scans: dict[int, list[pl.LazyFrame]] = {}
    if with_rows:
        for layer, blob in store.db.execute(
            "SELECT layer, rows FROM release_cache_parts ORDER BY layer, part"
        ):
            scans.setdefault(layer, []).append(pl.scan_parquet(io.BytesIO(blob)))
    layers = []
    for number, _, height, covers in found:
        ids = _from_blob(covers).to_series() if covers else pl.Series("event_id_cnty", [], pl.String)
        rows = pl.concat(scans.get(number) or [pl.LazyFrame(schema=CACHED_SCHEMA)]) if with_rows else None
        layers.append(_Layer(number, height, ids, rows))
    return layers


def _live(layers: list[_Layer], dirty: pl.Series, fresh: pl.DataFrame) -> pl.LazyFrame:
    """The current rows: each id from the newest source that speaks for it.

    Lazy, over the layers' scanned parts: a reader that wants a few columns of every row, or
    every column of a few rows, decodes no more than that.
    """
    frames, shadowed = [fresh.lazy()], dirty
    for layer in reversed(layers):
        assert layer.rows is not None
        rows = layer.rows
        if shadowed.len():
            rows = rows.filter(~pl.col("event_id_cnty").is_in(shadowed.implode()))
        frames.append(rows)
        shadowed = pl.concat([shadowed, layer.covers])
    return pl.concat(frames[::-1])


def stored_rows(store: Store) -> pl.DataFrame:
    """Every releasable event (valid or accepted) as CACHED_SCHEMA rows, in no particular order."""
    with store.snapshot():  # the layers, the dirty ids and their lines must agree
        return _stored_rows(store).collect()


def _stored_rows(store: Store) -> pl.LazyFrame:
    """stored_rows inside the caller's snapshot, lazily (the data is read; see _live)."""
    if _mostly_dirty(store):
        return _read_lines(store).lazy()
    layers = _layers(store)
    if layers is None:
        return _read_lines(store).lazy()
    dirty, fresh = _read_dirty(store)
    return _live(layers, dirty, fresh)


@dataclass(frozen=True)
class RefreshInfo:
    """What a refresh did: rows read from their lines, and whether it rebuilt the cache."""

    rows_read: int
    rebuilt: bool


def refresh(store: Store) -> RefreshInfo:
    """Fold the dirty events into the cache (see the module docstring); one write transaction.

    Also bounds the release journal (Store.trim_release_journal): validation calls this.
    """
    info = _refresh(store)
    store.trim_release_journal()
    return info


def _refresh(store: Store) -> RefreshInfo:
    with store.transaction() as db:
        outline = _layers(store, with_rows=False)
        if outline is None or _mostly_dirty(store):
            # Other connections read the lines in parallel: our write lock means nobody
            # commits meanwhile, so they see what this transaction sees.
            rows = _read_lines(store)
            _write(db, None, rows)
            return RefreshInfo(rows.height, True)
        dirty, fresh = _read_dirty(store)
        if not dirty.len():
            return RefreshInfo(0, False)
        newer = sum(layer.covers.len() for layer in outline[1:]) + dirty.len()
        if len(outline) < _MAX_LAYERS and newer * 4 <= max(outline[0].height, 1):
            _write(db, outline[-1].number, fresh, dirty)
            return RefreshInfo(fresh.height, False)
        layers = _layers(store)
        assert layers is not None
        _write(db, None, _live(layers, dirty, fresh).collect())
        return RefreshInfo(fresh.height, True)


def _write(
    db: sqlite3.Connection, after: int | None, rows: pl.DataFrame, covers: pl.Series | None = None
) -> None:
    """Add `rows` as the layer after layer `after` (covering `covers`); after None, the only one."""
    if after is None:
        db.execute("DELETE FROM release_cache_parts")
        db.execute("DELETE FROM release_cache_layers")
    number = (after or 0) + 1
    # Kept in release order, a release's gather reads the text nearly in sequence: writing
    # the CSV from rows gathered in random order takes twice as long.
    rows = rows.select(pl.all().gather(release_key(rows).arg_sort()))
    covers_blob = _to_blob(covers.to_frame()) if covers is not None else None
    db.execute(
        "INSERT INTO release_cache_layers (layer, format, rows, covers, created_at) VALUES (?,?,?,?,?)",
        (number, cache_format(), rows.height, covers_blob, now()),
    )
    db.executemany(
        "INSERT INTO release_cache_parts (layer, part, rows) VALUES (?,?,?)",
        ((number, i, _to_blob(part)) for i, part in enumerate(rows.iter_slices(_PART_ROWS))),
    )
    db.execute("DELETE FROM release_dirty")


# --- what releases read -------------------------------------------------------------------------
def load_events(store: Store, statuses: Sequence[str] = RELEASABLE, blocks: bool = False) -> pl.DataFrame:
    """The releasable events as a typed frame in release column order (not deduplicated).

    Takes the events with the given statuses, except a `valid` event that carries an error flag
    anyway: only a reviewer's acceptance releases a row with an error. With `blocks`, a last
    column `_block` holds each row's deduplication block (for merge_duplicates).
    """
    return read_releasable(store, statuses, blocks).rows.collect()


@dataclass(frozen=True)
class Releasable:
    """The releasable events (load_events) and where the release journal stood when read."""

    rows: pl.LazyFrame  # over frames in memory: collect what is needed, when it is needed
    mark: int  # the journal position the rows are as of (Store.journal_mark)
    # ids changed after the `since` asked for (empty when none was); None when the journal no
    # longer holds all of them (the last release is no longer at `since`: trimmed meanwhile)
    touched: pl.Series | None


def read_releasable(
    store: Store, statuses: Sequence[str] = RELEASABLE, blocks: bool = False, since: int | None = None
) -> Releasable:
    """load_events, with the journal position it is as of and the ids touched after `since`,
    all read in one snapshot: a change that lands during the read is either in the rows and
    before the mark, or after the mark for the next release to see."""
    with store.snapshot():
        rows = _stored_rows(store)
        flagged = pl.Series(store.error_flagged_ids(), dtype=pl.String)
        decisions = store.last_decision_ids()
        mark = store.journal_mark()
        touched: pl.Series | None = pl.Series(ID, [], pl.String)
        if since is not None:
            whole = store.release_base_mark() == since
            touched = pl.Series(ID, store.touched_since(since), pl.String) if whole else None
    if set(statuses) != set(RELEASABLE):
        rows = rows.filter(pl.col("status").cast(pl.String).is_in(list(statuses)))
    if flagged.len():
        rows = rows.filter(
            (pl.col("status") == "accepted") | ~pl.col("event_id_cnty").is_in(flagged.implode())
        )
    if decisions:
        decided = pl.LazyFrame(
            {"event_id_cnty": list(decisions), "review_decision_id": list(decisions.values())},
            schema={"event_id_cnty": pl.String, "review_decision_id": pl.Int64},
        )
        rows = rows.join(decided, on="event_id_cnty", how="left", maintain_order="left")
    else:  # a join of a million rows with nothing
        rows = rows.with_columns(review_decision_id=pl.lit(None, pl.Int64))
    columns = [pl.col(name).cast(dtype) for name, dtype in RELEASE_SCHEMA.items()]
    return Releasable(rows.select(*columns, *(["_block"] if blocks else [])), mark, touched)
