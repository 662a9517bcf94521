from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from coder.codebook import ACLED_COLUMNS
from coder.models import CodedEvent
from coder.release import ReleaseError, next_version, read_release_csv, write_release
from coder.store import Store
from tests.conftest import ARTICLE, make_event


def _store_two(store: Store) -> tuple[str, str]:
    store.add_articles([ARTICLE])
    run = store.start_run("offline", "test")
    ok, bad = store.save_coding(
        ARTICLE.id,
        "offline",
        run,
        [CodedEvent(event=make_event()), CodedEvent(event=make_event(location="Saraqeb"))],
        lambda e: "SYR",
    )
    store.set_validation({ok: ("valid", []), bad: ("flagged", [])})
    return ok, bad


def test_release_holds_valid_rows_with_identical_csv_and_parquet(store: Store, tmp_path: Path) -> None:
    ok, _ = _store_two(store)
    info = write_release(store, tmp_path / "releases")
    assert info.version == "1.0.0"
    assert info.events == 1
    parquet = pl.read_parquet(info.path / "events.parquet")
    csv = read_release_csv(info.path / "events.csv")
    assert_frame_equal(parquet, csv)
    assert tuple(parquet.columns[: len(ACLED_COLUMNS)]) == ACLED_COLUMNS
    assert parquet.schema["event_date"] == pl.Date
    assert parquet.schema["latitude"] == pl.Float64
    assert parquet.schema["fatalities"] == pl.Int64
    assert parquet["event_id_cnty"].to_list() == [ok]
    assert parquet["location"].to_list() == ["Sarmin"]
    meta = json.loads((info.path / "metadata.json").read_text())
    assert meta["version"] == "1.0.0" and meta["events"] == 1
    assert meta["by_country"] == {"Syria": 1}


def test_releases_are_never_overwritten_and_read_only(store: Store, tmp_path: Path) -> None:
    _store_two(store)
    first = write_release(store, tmp_path / "r")
    second = write_release(store, tmp_path / "r")
    assert (first.version, second.version) == ("1.0.0", "1.1.0")
    with pytest.raises(ReleaseError, match="never overwritten"):
        write_release(store, tmp_path / "r", version="1.0.0")
    # no write bit for anyone (root ignores mode bits, so check the bits themselves)
    assert all(p.stat().st_mode & 0o222 == 0 for p in [first.path, *first.path.iterdir()])
    assert not [p for p in (tmp_path / "r").iterdir() if p.name.startswith(".tmp")]


def test_next_version() -> None:
    assert next_version([]) == "1.0.0"
    assert next_version(["1.0.0", "1.4.0", "0.9.0"]) == "1.5.0"
