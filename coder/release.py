"""Releases: versioned, immutable CSV + Parquet + metadata written with polars.

A release holds the events that passed validation or that a reviewer accepted, in ACLED
column order followed by provenance columns. It is written under a temporary name, renamed
when complete, made read-only, and never overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from coder import __version__
from coder.codebook import ACLED_COLUMNS
from coder.models import SCHEMA_VERSION
from coder.store import Store, StoredEvent

RELEASABLE = ("valid", "accepted")

#: Column dtypes of a release; the CSV reads back into exactly this with `read_release_csv`.
RELEASE_SCHEMA: dict[str, pl.DataType] = {
    "event_id_cnty": pl.String(),
    "event_date": pl.Date(),
    "year": pl.Int64(),
    "time_precision": pl.Int64(),
    "disorder_type": pl.String(),
    "event_type": pl.String(),
    "sub_event_type": pl.String(),
    "actor1": pl.String(),
    "assoc_actor_1": pl.String(),
    "inter1": pl.Int64(),
    "actor2": pl.String(),
    "assoc_actor_2": pl.String(),
    "inter2": pl.Int64(),
    "interaction": pl.Int64(),
    "civilian_targeting": pl.String(),
    "iso": pl.Int64(),
    "region": pl.String(),
    "country": pl.String(),
    "admin1": pl.String(),
    "admin2": pl.String(),
    "admin3": pl.String(),
    "location": pl.String(),
    "latitude": pl.Float64(),
    "longitude": pl.Float64(),
    "geo_precision": pl.Int64(),
    "source": pl.String(),
    "source_scale": pl.String(),
    "notes": pl.String(),
    "fatalities": pl.Int64(),
    "tags": pl.String(),
    "timestamp": pl.Int64(),
    # provenance
    "article_ids": pl.String(),
    "coder": pl.String(),
    "coder_version": pl.String(),
    "model": pl.String(),
    "prompt_hash": pl.String(),
    "schema_version": pl.String(),
    "confidence": pl.Float64(),
    "status": pl.String(),
    "review_decision_id": pl.Int64(),
}
assert tuple(RELEASE_SCHEMA)[: len(ACLED_COLUMNS)] == ACLED_COLUMNS


class ReleaseError(Exception):
    """A release cannot be written (e.g. the version exists already)."""


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    path: Path
    events: int


def _row(stored: StoredEvent, decision_id: int | None) -> dict[str, object]:
    event = stored.event
    row = event.model_dump(mode="python", exclude={"evidence"})
    row["article_ids"] = "; ".join(event.article_ids or [stored.article_id])
    row["review_decision_id"] = decision_id
    row["timestamp"] = int(dt.datetime.fromisoformat(stored.updated_at).timestamp())
    for coord in ("latitude", "longitude"):
        if row[coord] is not None:
            row[coord] = round(row[coord], 4)
    return {name: row.get(name) for name in RELEASE_SCHEMA}


def release_frame(store: Store) -> pl.DataFrame:
    """The releasable events as a typed frame in release column order."""
    decisions = store.last_decision_ids()
    rows = [_row(e, decisions.get(e.id)) for e in store.events(statuses=RELEASABLE)]
    frame = pl.DataFrame(rows, schema=RELEASE_SCHEMA, orient="row")
    return frame.sort(["event_date", "event_id_cnty"], nulls_last=True)


def read_release_csv(path: Path) -> pl.DataFrame:
    """Read a release's events.csv back with the release dtypes."""
    return pl.read_csv(path, schema=RELEASE_SCHEMA, try_parse_dates=False)


def next_version(previous: list[str]) -> str:
    """Next version: same schema major as SCHEMA_VERSION, minor + 1 (data changes)."""
    major = int(SCHEMA_VERSION.split(".")[0])
    minors = [int(v.split(".")[1]) for v in previous if v.split(".")[0] == str(major) and v.count(".") == 2]
    return f"{major}.{max(minors) + 1 if minors else 0}.0"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _make_read_only(folder: Path) -> None:
    for child in folder.iterdir():
        child.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)


def write_release(store: Store, out_dir: Path, version: str | None = None) -> ReleaseInfo:
    """Write releases/<version>/{events.csv, events.parquet, metadata.json}; never overwrite."""
    out_dir.mkdir(parents=True, exist_ok=True)
    existing = [p.name for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    version = version or next_version(existing + [r["version"] for r in store.releases()])
    final = out_dir / version
    if final.exists():
        raise ReleaseError(f"release {final} exists already; releases are never overwritten")

    frame = release_frame(store)
    tmp = out_dir / f".tmp-{version}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        frame.write_parquet(tmp / "events.parquet", compression="zstd")
        frame.write_csv(tmp / "events.csv", date_format="%Y-%m-%d")
        metadata = {
            "version": version,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "schema_version": SCHEMA_VERSION,
            "coder_package_version": __version__,
            "events": frame.height,
            "articles": frame["article_ids"].str.split("; ").explode().n_unique() if frame.height else 0,
            "by_event_type": dict(frame.group_by("event_type").len().sort("event_type").iter_rows()),
            "by_country": dict(frame.group_by("country").len().sort("country").iter_rows()),
            "coders": sorted(
                {f"{c} {v}" for c, v in frame.select("coder", "coder_version").unique().iter_rows()}
            ),
            "files": {
                name: {"sha256": _sha256(tmp / name), "bytes": (tmp / name).stat().st_size}
                for name in ("events.csv", "events.parquet")
            },
        }
        (tmp / "metadata.json").write_text(
            json.dumps(metadata, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _make_read_only(final)
    store.add_release(version, str(final), frame.height, metadata)
    return ReleaseInfo(version=version, path=final, events=frame.height)
