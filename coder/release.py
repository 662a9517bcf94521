"""Releases: versioned, immutable, deduplicated event files that downstream users can cite.

A release folder holds events.csv and events.parquet (identical rows, ACLED column order then
provenance), changes.parquet, deleted.csv and CHANGELOG.md (what changed since the previous
release), datapackage.json (Frictionless), README.md, metadata.json and SHA256SUMS. It is
written under a temporary name, renamed when complete, made read-only, and never
overwritten. Only events without error flags and events a reviewer accepted are released;
rows of several articles reporting one event are merged (coder/dedup.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import stat
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from coder import __version__, release_rows
from coder.changelog import CHANGES_SCHEMA, Comparison, compare, counts, render_changelog
from coder.datapackage import descriptor, resource
from coder.dedup import MAX_TOLERANCE_DAYS, block_hash, date_segments, merge_duplicates
from coder.models import SCHEMA_VERSION
from coder.release_csv import HashingFile, Splice, spliced
from coder.release_order import BATCH_ROWS, Interleaving
from coder.release_readme import Counts, count_rows, render_readme
from coder.release_rows import RELEASE_SCHEMA, STATUS_LEVELS, release_key
from coder.store import ReleaseBase, Store

VERSION_PATTERN = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")

DELETED_SCHEMA: dict[str, pl.DataType] = {"event_id_cnty": pl.String(), "deleted_timestamp": pl.Int64()}
DATA_FILES = ("events.csv", "events.parquet", "changes.parquet", "deleted.csv")

_Frame = TypeVar("_Frame", pl.DataFrame, pl.LazyFrame)


class ReleaseError(Exception):
    """A release cannot be written (e.g. the version exists already)."""


@dataclass(frozen=True)
class ReleaseFilters:
    """Which releasable events go into a release."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    countries: tuple[str, ...] = ()  # names or ISO3 codes, any case
    min_status: str = "valid"

    def describe(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "country": list(self.countries) or None,
            "min_status": self.min_status,
        }

    def apply(self, frame: _Frame) -> _Frame:
        """The rows of a release frame (this one or an earlier release) inside the filters."""
        conditions = [pl.col("status").cast(pl.String).is_in(list(STATUS_LEVELS[self.min_status]))]
        if self.date_from:
            conditions.append(pl.col("event_date") >= self.date_from)
        if self.date_to:
            conditions.append(pl.col("event_date") <= self.date_to)
        if self.countries:
            names = [c.casefold() for c in self.countries]
            codes = [c.upper() for c in self.countries if len(c) == 3]
            conditions.append(
                pl.col("country").cast(pl.String).str.to_lowercase().is_in(names)
                | pl.col("event_id_cnty").str.slice(0, 3).is_in(codes)
            )
        return frame.filter(*conditions)


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    path: Path
    events: int
    previous: str | None = None
    changes: dict[str, int] = field(default_factory=dict)
    merged: int = 0
    recomputed: int | None = None  # rows worked out again, when the previous release's were reused
    whole_because: str | None = None  # why every row was worked out again, with a previous release


# --- reading releases ---------------------------------------------------------------------------
def read_release(folder: Path) -> pl.DataFrame:
    """A release's events (from events.parquet)."""
    return pl.read_parquet(folder / "events.parquet")


def read_release_csv(path: Path) -> pl.DataFrame:
    """Read a release's events.csv back with the release dtypes."""
    return pl.read_csv(path, schema=RELEASE_SCHEMA, try_parse_dates=False)


def release_versions(out_dir: Path) -> list[str]:
    """Versions of the complete releases in `out_dir`, oldest first."""
    if not out_dir.is_dir():
        return []
    found = [
        p.name for p in out_dir.iterdir() if VERSION_PATTERN.match(p.name) and (p / "events.parquet").exists()
    ]
    return sorted(found, key=_version_tuple)


def _version_tuple(version: str) -> tuple[int, int, int]:
    match = VERSION_PATTERN.match(version)
    if not match:
        raise ReleaseError(f"version {version!r} is not MAJOR.MINOR.PATCH (e.g. 1.2.0)")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def next_version(previous: list[str]) -> str:
    """Next version: same schema major as SCHEMA_VERSION, minor + 1 (data changes)."""
    major = int(SCHEMA_VERSION.split(".")[0])
    minors = [int(v.split(".")[1]) for v in previous if v.split(".")[0] == str(major) and v.count(".") == 2]
    return f"{major}.{max(minors) + 1 if minors else 0}.0"


def check_version(version: str, previous: Sequence[str]) -> None:
    """Refuse a version that is malformed, not the schema's major, or not after `previous`."""
    wanted = _version_tuple(version)
    major = int(SCHEMA_VERSION.split(".")[0])
    if wanted[0] != major:
        raise ReleaseError(
            f"version {version}: the major version follows the event schema ({SCHEMA_VERSION}),"
            f" so it must be {major}.x.y"
        )
    if version in previous:
        raise ReleaseError(f"release {version} exists already; releases are never overwritten")
    later = [v for v in previous if VERSION_PATTERN.match(v) and _version_tuple(v) >= wanted]
    if later:
        raise ReleaseError(
            f"version {version} is not after the latest release {max(later, key=_version_tuple)}"
        )


# --- writing ------------------------------------------------------------------------------------
def sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


#: The event files whose stat a release keeps for the next one (Store.add_release).
_FINGERPRINTED = ("events.csv", "events.parquet")


def _fingerprint(path: Path) -> list[int]:
    """What tells a file unchanged without reading it, as git's index does: its size, inode and
    device, and the times its content and its status last changed (any edit moves the latter,
    which, unlike the former, cannot be set back short of the system clock)."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


#: Whether a file's stat can tell it unchanged: on Windows st_ctime is the file's creation
#: time, which an edit leaves alone, and its modification time can be set back.
_STAT_TELLS = os.name == "posix"


def _as_written(path: Path, sha256: str | None, fingerprint: list[int] | None) -> bool:
    """Whether a file of the previous release is as it was written: its stat as taken then, or
    else its checksum as recorded."""
    try:
        unchanged = _STAT_TELLS and fingerprint is not None and _fingerprint(path) == fingerprint
        return unchanged or sha256_file(path) == sha256
    except OSError:  # gone, or unreadable
        return False


def _make_read_only(folder: Path) -> None:
    for child in folder.iterdir():
        child.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)


def _carry_timestamps(frame: pl.DataFrame, comparison: Comparison) -> pl.DataFrame:
    """Unchanged rows keep the previous release's timestamp (a re-validation is not a change)."""
    carried = pl.select(
        pl.when(pl.lit(comparison.changed))
        .then(pl.max_horizontal(frame["timestamp"], comparison.before))
        .otherwise(pl.lit(comparison.before).fill_null(frame["timestamp"]))
    )
    return frame.with_columns(timestamp=carried.to_series())


def _deleted_list(previous_folder: Path | None, changes: pl.DataFrame, rows: pl.LazyFrame) -> pl.DataFrame:
    """All ids deleted so far with the time of deletion (an id that came back is dropped)."""
    if previous_folder is None:  # a first release: nothing was ever released to delete
        return pl.DataFrame(schema=DELETED_SCHEMA)
    earlier = pl.DataFrame(schema=DELETED_SCHEMA)
    if (previous_folder / "deleted.csv").exists():
        earlier = pl.read_csv(previous_folder / "deleted.csv", schema=DELETED_SCHEMA)
    new = changes.filter(pl.col("change") == "deleted").select("event_id_cnty", deleted_timestamp="timestamp")
    out = pl.concat([earlier, new]).unique("event_id_cnty", keep="last", maintain_order=True)
    back = rows.select("event_id_cnty").filter(pl.col("event_id_cnty").is_in(out["event_id_cnty"].implode()))
    return out.join(back.collect(), on="event_id_cnty", how="anti").sort("event_id_cnty")


@dataclass(frozen=True)
class _Contents:
    """What a release folder is written from."""

    rows: pl.LazyFrame  # the release's rows in release order, built as they are written
    changes: pl.DataFrame
    deleted: pl.DataFrame
    members: pl.DataFrame  # coder/dedup.py MEMBERS_SCHEMA: the rows merged into another
    mark: int  # the store's journal position the rows are as of
    recomputed: int | None = None  # rows worked out again from the store; None: all of them
    whole_because: str | None = None  # why all of them, with a previous release
    splice: Splice | None = None  # events.csv from the previous release's lines, when it can be

    @property
    def merged(self) -> int:
        return self.members.height


#: The columns of a release's rows its README, metadata and data package sum up.
_SUMMED_UP = ("event_date", "country", "event_type", "source", "article_ids", "coder", "coder_version")


@dataclass(frozen=True)
class _Summary:
    """What the README, metadata and data package say of a release's rows (_SUMMED_UP of each)."""

    frame: pl.DataFrame

    @property
    def events(self) -> int:
        return self.frame.height

    @cached_property
    def articles(self) -> int:
        """How many distinct articles the rows come from."""
        ids = self.frame["article_ids"].drop_nulls()
        # only merged rows list several articles: the rest need no split
        several = ids.str.contains(";", literal=True)
        items = ids.filter(several).str.split(";").explode().str.strip_chars()
        every = pl.concat([ids.filter(~several), items.filter(items != "")]).to_frame()
        # counted by the query engine: a third of the time Series.n_unique takes (polars 2.1)
        return every.lazy().select(pl.first().n_unique()).collect().item()

    @cached_property
    def outlets(self) -> list[str]:
        """Every outlet the rows cite, once, sorted."""
        # a few hundred distinct values among a million rows: split those, not every row
        sources = self.frame["source"].drop_nulls().unique().str.split("; ").explode().str.strip_chars()
        return sources.unique().sort().to_list()

    @cached_property
    def counts(self) -> Counts:
        return count_rows(self.frame)

    @property
    def by_event_type(self) -> dict[str, int]:
        return {str(k): n for k, n in self.counts["event_type"]}

    @property
    def by_country(self) -> dict[str, int]:
        return {str(k): n for k, n in self.counts["country"]}

    @property
    def coders(self) -> list[str]:
        pairs = self.frame.select("coder", "coder_version").unique().iter_rows()
        return sorted(f"{name} {version}" for name, version in pairs)


def _filters_key(filters: ReleaseFilters) -> str:
    return json.dumps(filters.describe(), sort_keys=True)


def _contents(
    store: Store,
    filters: ReleaseFilters,
    previous_folder: Path | None,
    created_at: dt.datetime,
    base: ReleaseBase | None = None,
) -> _Contents:
    """The deduplicated rows, their changes since the previous release and the deletion list.

    With `base` (the store's record of the previous release, made by the same code under the
    same filters), only the events changed since it and the rows that may merge with them are
    worked out again; the other rows are the previous release's (see _recompute).
    """
    # the previous release is read in another thread while the store is (both mostly wait on
    # polars and SQLite, which release the GIL); in the file's chunks: _in_release_order puts
    # its rows into one chunk anyway, and a rechunk here would copy them once more
    with ThreadPoolExecutor(max_workers=2) as pool:
        previous = pool.submit(read_release, previous_folder) if previous_folder else None
        # A release that reuses the previous one copies its CSV lines (coder/release_csv.py) once
        # the file is known to be as written; when its stat says nothing, it is hashed while the
        # store is read and the changed rows merged again, which leaves a core mostly idle.
        csv_if_as_written = None
        if base is not None and previous_folder is not None:
            csv = _recorded_files(store, previous_folder.name).get("events.csv", {})
            since = (base.files or {}).get("events.csv")
            as_written = partial(_as_written, previous_folder / "events.csv", csv.get("sha256"), since)
            csv_if_as_written = pool.submit(lambda: csv if as_written() else None)
        statuses = STATUS_LEVELS[filters.min_status]
        loaded = release_rows.read_releasable(store, statuses, blocks=True, since=base.mark if base else None)
        previous_rows = previous.result() if previous else None
        before = filters.apply(previous_rows) if previous_rows is not None else None
        deleted_at = int(created_at.timestamp())
        whole_because = _why_not_reused(before, loaded) if before is not None and base is not None else None
        if before is not None and base is not None and whole_because is None:
            assert previous_folder is not None and previous_rows is not None and csv_if_as_written is not None
            return _reusing(
                previous_folder, previous_rows, before, loaded, base, deleted_at, csv_if_as_written, filters
            )
    # filtered as they are read: a filter of the collected rows would copy them all
    frame = filters.apply(loaded.rows).collect()
    keep = before["event_id_cnty"] if before is not None else ()
    blocks = frame["_block"]
    result = merge_duplicates(frame.drop("_block"), keep_ids=keep, order=release_key, blocks=blocks)
    rows = result.rows
    if before is None:
        changes = (
            rows.select("event_id_cnty", "timestamp")
            .with_columns(change=pl.lit("added"), fields=pl.lit(None, pl.String))
            .select(list(CHANGES_SCHEMA))
            .cast(CHANGES_SCHEMA)  # type: ignore[arg-type]
            .collect()
        )
    else:
        comparison = compare(before, result.frame, deleted_at=deleted_at)
        changes, rows = comparison.changes, _carry_timestamps(result.frame, comparison).lazy()
    deleted = _deleted_list(previous_folder, changes, rows)
    return _Contents(rows, changes, deleted, result.members, loaded.mark, None, whole_because)


def _reusing(
    previous_folder: Path,
    previous_rows: pl.DataFrame,
    before: pl.DataFrame,
    loaded: release_rows.Releasable,
    base: ReleaseBase,
    deleted_at: int,
    csv_if_as_written: Future[dict[str, Any] | None],
    filters: ReleaseFilters,
) -> _Contents:
    """_contents of a release that starts from the previous one (`before`: its rows inside the
    filters; `csv_if_as_written`: its events.csv's recorded sha256 and bytes if the file is as
    written, else None, being found out)."""
    members = pl.read_parquet(io.BytesIO(base.members))
    # what a segment is made of, for every row: a few narrow columns
    narrow = filters.apply(loaded.rows.select(_NARROW)).collect()
    assert loaded.touched is not None
    rows, comparison, members, recomputed, interleaving = _recompute(
        before, loaded.rows, narrow, loaded.touched, members, deleted_at
    )
    splice = None
    # the previous file's lines are `before`'s, one for one, when the filters dropped none
    csv = csv_if_as_written.result() if interleaving is not None else None
    if interleaving is not None and csv is not None and previous_rows.height == before.height:
        splice = Splice(
            previous_folder / "events.csv",
            csv["bytes"],
            interleaving.kept.to_numpy(),
            interleaving.others,
            interleaving.at.to_numpy(),
        )
    deleted = _deleted_list(previous_folder, comparison.changes, rows)
    return _Contents(rows, comparison.changes, deleted, members, loaded.mark, recomputed, None, splice)


#: Changed events past which (as a share of the previous release's rows) a release works out
#: every row again: picking the blocks to redo would cost more than it saves.
_REDO_ALL_SHARE = 0.25


#: The columns release_key reads.
_ORDERED_BY = ("event_id_cnty", "event_date")

#: The columns _recompute needs of every row (and ReleaseFilters.apply).
_NARROW = ("event_id_cnty", "event_date", "country", "status", "_block")


def _why_not_reused(before: pl.DataFrame, loaded: release_rows.Releasable) -> str | None:
    """Why the previous release's rows cannot stand in for the events not touched since (None
    when they can)."""
    columns = dict(loaded.rows.collect_schema())
    del columns["_block"]
    if dict(before.schema) != columns:
        return "the previous release has other columns"
    if loaded.touched is None:
        return "the store's record of changes since the previous release was emptied meanwhile"
    if loaded.touched.len() > _REDO_ALL_SHARE * before.height:
        return f"{loaded.touched.len()} events changed since the previous release, more than a quarter of it"
    return None


def _recompute(
    before: pl.DataFrame,
    rows: pl.LazyFrame,
    narrow: pl.DataFrame,
    touched: pl.Series,
    members: pl.DataFrame,
    deleted_at: int,
) -> tuple[pl.LazyFrame, Comparison, pl.DataFrame, int, Interleaving | None]:
    """The release rows from the previous release's, with the rows near the touched events
    merged again.

    Rows are merged segment by segment (coder/dedup.py date_segments), so a segment of rows
    none of which changed, and near which no touched event was, comes out as the previous
    release has it, timestamp included. Near means in its block and within the widest
    tolerance of its dates: a touched event there may have chained it to other rows. Where a
    touched event was is its released row's block and date, or for a row merged into another,
    that row's block and its own date. The previous rows to replace are those of the ids now in
    the segments redone, and of the touched ids. `rows` are the store's releasable rows (with
    `_block`), `narrow` their _NARROW columns inside the release's filters. Returns the rows (in
    release order, lazily: see _in_release_order), the comparison of the redone part, the new
    merge members, how many rows were merged again and how the rows interleave.
    """
    # Wide rows are gathered only for the few events concerned: the rest is found on narrow
    # columns (a wide filter of a million rows costs a tenth of a second each).
    ids = pl.col("event_id_cnty")
    touched_ids = touched.implode()
    released = _rows(before, before["event_id_cnty"].is_in(touched_ids))
    went = members.filter(ids.is_in(touched_ids))
    into = _rows(before, before["event_id_cnty"].is_in(went["primary_id"].implode()))
    was = pl.concat(
        [
            released.select(block_hash(released), "event_date"),
            went.join(into.select(block_hash(into), primary_id="event_id_cnty"), on="primary_id").select(
                "_block", "event_date"
            ),
        ]
    )
    is_now = narrow.filter(ids.is_in(touched_ids))
    near = narrow.filter(pl.col("_block").is_in(pl.concat([was["_block"], is_now["_block"]]).implode()))
    near = near.with_columns(_segment=date_segments(near))
    spans = near.group_by("_segment").agg(
        pl.col("_block").first(), lo=pl.col("event_date").min(), hi=pl.col("event_date").max()
    )
    reach = dt.timedelta(days=MAX_TOLERANCE_DAYS)
    dirty = pl.concat(
        [
            near.filter(ids.is_in(touched_ids))["_segment"],
            spans.join(was.drop_nulls(), on="_block").filter(
                pl.col("event_date").is_between(pl.col("lo") - reach, pl.col("hi") + reach)
            )["_segment"],
        ]
    )
    redone = near.filter(pl.col("_segment").is_in(dirty.implode()))["event_id_cnty"]
    now = rows.filter(ids.is_in(redone.implode())).collect()
    redo = before["event_id_cnty"].is_in(pl.concat([now["event_id_cnty"], touched]).implode())
    old_part = _rows(before, redo)
    result = merge_duplicates(
        now.drop("_block"), keep_ids=before["event_id_cnty"], order=release_key, blocks=now["_block"]
    )
    comparison = compare(old_part, result.frame, deleted_at=deleted_at)
    new_part = _carry_timestamps(result.frame, comparison)
    still = members.filter(~pl.col("primary_id").is_in(old_part["event_id_cnty"].implode()))
    ordered, interleaving = _in_release_order(before, ~redo, new_part)
    return ordered, comparison, pl.concat([still, result.members]), now.height, interleaving


def _rows(frame: pl.DataFrame, mask: pl.Series) -> pl.DataFrame:
    """The few rows of a wide frame where `mask` holds (cheaper than filter on a million)."""
    return frame.select(pl.all().gather(mask.arg_true()))


def _in_release_order(
    before: pl.DataFrame, kept: pl.Series, new: pl.DataFrame, batch_rows: int = BATCH_ROWS
) -> tuple[pl.LazyFrame, Interleaving | None]:
    """The `kept` rows of `before` (a release, in release order) and the `new` rows, sorted by
    the release key, lazily (coder/release_order.py); and how they interleave (None when
    `before` is not in release order)."""
    keys = release_key(pl.concat([before.select(_ORDERED_BY), new.select(_ORDERED_BY)]))
    before_keys, new_keys = keys.head(before.height), keys.tail(new.height)
    if not before_keys.is_sorted():  # not a release made by this code: sort it all
        both = pl.concat([before.filter(kept), new]).with_columns(
            _key=pl.concat([before_keys.filter(kept), new_keys])
        )
        return both.lazy().sort("_key").drop("_key"), None
    interleaving = Interleaving.of(before, before_keys, kept, new, new_keys)
    return interleaving.rows(batch_rows), interleaving


def _package(
    version: str, created: str, c: _Contents, summary: _Summary, files: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    events = c.rows.collect_schema()
    described = (
        ("events-csv", "events.csv", events, "The events (CSV).", "event_id_cnty"),
        ("events-parquet", "events.parquet", events, "The same events, typed (Parquet).", "event_id_cnty"),
        ("changes", "changes.parquet", c.changes.schema, "Changes since the previous release.", None),
        ("deleted", "deleted.csv", c.deleted.schema, "Every event id deleted so far.", "event_id_cnty"),
    )
    return descriptor(
        version,
        created,
        [resource(n, p, s, files[p]["sha256"], files[p]["bytes"], d, k) for n, p, s, d, k in described],
        summary.outlets,
        f"ACLED-style political violence and protest events coded from news articles; release {version}.",
    )


def _metadata(
    version: str,
    created: str,
    previous: str | None,
    filters: ReleaseFilters,
    c: _Contents,
    summary: _Summary,
    files: dict,
) -> dict[str, Any]:
    return {
        "version": version,
        "created": created,
        "previous_version": previous,
        "schema_version": SCHEMA_VERSION,
        "coder_package_version": __version__,
        "filters": filters.describe(),
        "events": summary.events,
        "merged_rows": c.merged,
        "articles": summary.articles,
        "changes": counts(c.changes),
        "by_event_type": summary.by_event_type,
        "by_country": summary.by_country,
        "coders": summary.coders,
        "files": files,
    }


#: How dates are written in the CSV files.
_DATE_FORMAT = "%Y-%m-%d"


def _write_events(tmp: Path, rows: pl.LazyFrame, splice: Splice | None) -> tuple[_Summary, str]:
    """events.csv and events.parquet in one pass over the rows; their summary and the CSV's
    SHA-256.

    The rows are built batch by batch as both files are written (filtered, merged), never as a
    whole frame: on a million rows that is a third less memory to touch, and the CSV is hashed
    as it is written instead of read back. With `splice`, the CSV is copied from the previous
    release's lines in another thread while polars writes the Parquet file (coder/release_csv.py).
    """
    parquet = rows.sink_parquet(tmp / "events.parquet", compression="zstd", lazy=True)
    with (tmp / "events.csv").open("wb") as fh:
        if splice is not None:
            with ThreadPoolExecutor(max_workers=1) as pool:
                copied = pool.submit(spliced, splice, fh, _DATE_FORMAT)
                *_, summed_up = pl.collect_all([parquet, rows.select(_SUMMED_UP)])
                digest = copied.result()
            if digest is None:  # the previous file cannot be used (it wrote nothing): polars writes it
                csv = HashingFile(fh)
                _csv_sink(rows, csv).collect()
                digest = csv.hash.hexdigest()
        else:
            csv = HashingFile(fh)
            *_, summed_up = pl.collect_all([parquet, _csv_sink(rows, csv), rows.select(_SUMMED_UP)])
            digest = csv.hash.hexdigest()
    return _Summary(summed_up), digest


def _csv_sink(rows: pl.LazyFrame, out: HashingFile) -> pl.LazyFrame:
    # batches of 8192 rows: ~20 % faster than polars' default 1024 on a million rows
    return rows.sink_csv(out, date_format=_DATE_FORMAT, batch_size=8192, lazy=True)


def _write_folder(
    tmp: Path, version: str, created: str, previous: str | None, filters: ReleaseFilters, c: _Contents
) -> dict[str, Any]:
    """Every file of the release into `tmp`; returns metadata.json's content."""

    def changes() -> None:
        c.changes.write_parquet(tmp / "changes.parquet", compression="zstd")
        c.deleted.write_csv(tmp / "deleted.csv")
        (tmp / "CHANGELOG.md").write_text(render_changelog(c.changes, version, previous), encoding="utf-8")

    # The changes are written while the events are (polars releases the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        written = pool.submit(changes)
        summary, csv_digest = _write_events(tmp, c.rows, c.splice)
        written.result()
    digests = {"events.csv": csv_digest} | {n: sha256_file(tmp / n) for n in DATA_FILES if n != "events.csv"}
    files = {n: {"sha256": digests[n], "bytes": (tmp / n).stat().st_size} for n in DATA_FILES}
    readme = render_readme(
        summary.counts,
        summary.events,
        version,
        created,
        counts(c.changes),
        previous,
        filters.describe(),
        c.merged,
        summary.articles,
    )
    (tmp / "README.md").write_text(readme, encoding="utf-8")
    _write_json(tmp / "datapackage.json", _package(version, created, c, summary, files))
    metadata = _metadata(version, created, previous, filters, c, summary, files)
    _write_json(tmp / "metadata.json", metadata)
    digests |= {p.name: sha256_file(p) for p in tmp.iterdir() if p.name not in digests}
    (tmp / "SHA256SUMS").write_text(
        "".join(f"{digest}  {name}\n" for name, digest in sorted(digests.items())), encoding="utf-8"
    )
    return metadata


def write_release(
    store: Store,
    out_dir: Path,
    version: str | None = None,
    filters: ReleaseFilters | None = None,
    now: dt.datetime | None = None,
    full: bool = False,
) -> ReleaseInfo:
    """Write out_dir/<version>/ (see the module docstring) and record it in the store.

    When the previous release in out_dir is the last this store wrote, with the same filters
    and code, only what changed since is worked out again (the rest is its rows); `full`
    works out every row.
    """
    filters = filters or ReleaseFilters()
    out_dir.mkdir(parents=True, exist_ok=True)
    existing = release_versions(out_dir)
    recorded = {r["version"]: r["path"] for r in store.releases()}
    if version is None:
        version = next_version(existing + list(recorded))
    check_version(version, existing)
    if version in recorded:  # in another folder, or one since removed: a version names one release
        raise ReleaseError(
            f"release {version} of this store was written already, to {recorded[version]};"
            " leave --version out for the next free one"
        )
    final = out_dir / version
    if final.exists():
        raise ReleaseError(f"release {final} exists already; releases are never overwritten")
    created_at = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    previous = existing[-1] if existing else None
    store.begin_release_journal()  # from now on every change is journaled for the next release
    release_rows.refresh(store)  # usually a few rows since validation; the next release starts warm
    base, whole_because = None, None
    if previous is not None:
        base = store.release_base() if not full else None
        whole_because = "--full" if full else _why_not_from(base, out_dir / previous, filters, store)
        base = None if whole_because else base
    contents = _contents(store, filters, out_dir / previous if previous else None, created_at, base)

    tmp = out_dir / f".tmp-{version}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        metadata = _write_folder(tmp, version, created_at.isoformat(), previous, filters, contents)
        if metadata["events"] == 0 and not any(metadata["changes"].values()):
            raise ReleaseError(_nothing_to_release(store, filters))
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _make_read_only(final)
    members = io.BytesIO()
    contents.members.write_parquet(members)
    files = {name: _fingerprint(final / name) for name in _FINGERPRINTED}
    base = ReleaseBase(
        contents.mark, release_rows.cache_format(), _filters_key(filters), members.getvalue(), files=files
    )
    store.add_release(version, str(final), metadata["events"], metadata, base)
    return ReleaseInfo(
        version,
        final,
        metadata["events"],
        previous,
        counts(contents.changes),
        contents.merged,
        contents.recomputed,
        whole_because or contents.whole_because,
    )


def _nothing_to_release(store: Store, filters: ReleaseFilters) -> str:
    """Why a release would hold no event and change nothing (it is not written), and what to do."""
    counts = store.counts()
    by_status = {k.removeprefix("events_"): n for k, n in counts.items() if k.startswith("events_")}
    narrowed = [
        f"{k} {', '.join(v) if isinstance(v, list) else v}"
        for k, v in filters.describe().items()
        if v and (k, v) != ("min_status", "valid")
    ]
    within = f" under the filters ({'; '.join(narrowed)})" if narrowed else ""
    held = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
    message = f"nothing to release: no event is releasable{within}, and no earlier release to change"
    if not counts["events"]:
        return f"{message}; the store holds no event yet: `coder code` codes its articles"
    advice = []
    if by_status.get("coded"):
        advice.append("`coder validate` checks the coded ones")
    if by_status.get("flagged"):
        advice.append("`coder review export flagged.csv` puts the flagged ones to a reviewer")
    return f"{message}; the store holds {counts['events']} event(s) ({held})" + (
        f": {'; '.join(advice)}" if advice else ""
    )


def _why_not_from(
    base: ReleaseBase | None, previous: Path, filters: ReleaseFilters, store: Store
) -> str | None:
    """Why a release cannot start from `previous` (None when it can): it must be the last release
    this store wrote, made by this code under these filters (another coder, polars or filter
    makes other rows of the same events), its rows as written (they go into the new release
    unread)."""
    if base is None or base.version != previous.name or base.path is None:
        return f"release {previous.name} is not the last this store wrote"
    if Path(base.path).resolve() != previous.resolve():
        return f"this store wrote its last release to {base.path}"
    if base.mark is None:
        return f"more changed since release {previous.name} than the store keeps track of"
    if base.format != release_rows.cache_format():
        return f"release {previous.name} was made by another version of coder or polars"
    if base.filters != _filters_key(filters):
        return f"release {previous.name} was made under other filters"
    recorded = _recorded_files(store, base.version).get("events.parquet", {}).get("sha256")
    since = (base.files or {}).get("events.parquet")
    if not _as_written(previous / "events.parquet", recorded, since):
        return f"release {previous.name}'s events.parquet changed since it was written"
    return None


def _recorded_files(store: Store, version: str) -> dict[str, dict[str, Any]]:
    """The files of a release this store wrote, as its metadata records them (name -> sha256, bytes)."""
    recorded = next((r for r in store.releases() if r["version"] == version), None)
    return json.loads(recorded["metadata"]).get("files", {}) if recorded else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
