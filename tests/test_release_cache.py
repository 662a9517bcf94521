"""The release cache (coder/release_rows.py): a columnar copy of the release lines that never
gives a release a row its line has overtaken."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import sqlite3
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from coder import release_rows
from coder.cli import cli
from coder.models import Article, CodedEvent, Flag
from coder.release_rows import CACHED_SCHEMA, refresh, stored_rows
from coder.store import MIGRATIONS, Store
from tests.conftest import ARTICLE, UNDO_RELEASE_JOURNAL, make_event

PLACES = ["Sarmin", "Ariha", "Saraqib", "Binnish", "Taftanaz", "Maarrat Misrin", "Kafr Takharim", "Idlib"]


def _store_events(store: Store, n: int = len(PLACES), article: Article = ARTICLE) -> list[str]:
    store.add_articles([article])
    run = store.start_run("offline", "test")
    coded = [
        CodedEvent(event=make_event(location=place, event_date=dt.date(2020, 3, 1 + i)))
        for i, place in enumerate(PLACES[:n])
    ]
    ids = store.save_coding(article.id, "offline", run, coded, lambda e: "SYR")
    store.set_validation({i: ("valid", []) for i in ids})
    return ids


_STAMPS = itertools.count()


def _touch(store: Store, *ids: str) -> None:
    """A new updated_at on events, as any writer may give them."""
    stamp = f"2031-01-01T00:00:{next(_STAMPS) % 60:02d}+00:00"
    store.db.executemany("UPDATE events SET updated_at = ? WHERE id = ?", [(stamp, i) for i in ids])


def _from_lines(store: Store) -> pl.DataFrame:
    """What the cache must agree with: every releasable row read from its line."""
    return release_rows._read_lines(store).sort("event_id_cnty")


def _cached(store: Store) -> pl.DataFrame:
    return stored_rows(store).sort("event_id_cnty")


def _layers(store: Store) -> int:
    return store.db.execute("SELECT count(*) FROM release_cache_layers").fetchone()[0]


def _dirty(store: Store) -> int:
    return store.db.execute("SELECT count(*) FROM release_dirty").fetchone()[0]


def test_the_cache_agrees_with_the_lines_through_every_kind_of_change(store: Store) -> None:
    ids = _store_events(store)
    assert _dirty(store) == len(ids) and _layers(store) == 0
    info = refresh(store)
    assert (info.rows_read, info.rebuilt, _dirty(store), _layers(store)) == (len(ids), True, 0, 1)
    assert_frame_equal(_cached(store), _from_lines(store))

    stored = store.event(ids[0])
    assert stored is not None
    changes = [
        # a reviewer's edit (data, status and stamp change)
        lambda: store.record_decision(ids[0], stored.version, "amal", "edit", make_event(fatalities=7), None),
        # validation sends one to review
        lambda: store.set_validation({ids[1]: ("flagged", [])}),
        # a new stamp alone
        lambda: _touch(store, ids[2]),
        # a script writing the JSON directly
        lambda: store.db.execute(
            "UPDATE events SET data = json_set(data, '$.location', 'Jisr al-Shughur') WHERE id = ?", (ids[3],)
        ),
        # an event gone from the store altogether (a re-coding retires events this way)
        lambda: store.db.execute("DELETE FROM events WHERE id = ?", (ids[4],)),
        # a rejection
        lambda: store.set_validation({ids[5]: ("rejected", [])}),
        # a new article's events
        lambda: _store_events(store, 2, ARTICLE.model_copy(update={"id": "fedcba9876543210"})),
    ]
    for change in changes:
        change()
        assert _dirty(store) > 0
        assert_frame_equal(_cached(store), _from_lines(store))  # dirty rows come from their lines
        refresh(store)
        assert _dirty(store) == 0
        assert_frame_equal(_cached(store), _from_lines(store))  # and now from the cache
    cached = _cached(store)
    assert cached.filter(pl.col("event_id_cnty") == ids[0])["fatalities"].to_list() == [7]
    assert cached.filter(pl.col("event_id_cnty") == ids[3])["location"].to_list() == ["Jisr al-Shughur"]
    assert not {ids[1], ids[4], ids[5]} & set(cached["event_id_cnty"])
    assert cached.height == len(ids) - 3 + 2


def test_small_changes_add_layers_until_they_weigh_a_quarter_of_the_first(store: Store) -> None:
    ids = _store_events(store)  # 8 rows: up to 2 changed ids stay in layers of their own
    refresh(store)
    for i, layers in ((0, 2), (1, 3), (2, 1)):  # the third change makes 3 x 4 > 8: one layer again
        _touch(store, ids[i])
        info = refresh(store)
        assert (_layers(store), info.rows_read, info.rebuilt) == (layers, 1, layers == 1)
        assert_frame_equal(_cached(store), _from_lines(store))


def test_rows_are_read_from_the_cache_not_from_their_lines(store: Store) -> None:
    # A cached row that disagrees with its line (only a bug could make one) is what a reader
    # gets while the line is unchanged: the cache really is what releases read.
    ids = _store_events(store)
    refresh(store)
    [(blob,)] = store.db.execute("SELECT rows FROM release_cache_parts").fetchall()
    rows = pl.read_parquet(io.BytesIO(blob)).with_columns(location=pl.lit("Nowhere"))
    buffer = io.BytesIO()
    rows.write_parquet(buffer)
    store.db.execute("UPDATE release_cache_parts SET rows = ?", (buffer.getvalue(),))
    assert set(_cached(store)["location"]) == {"Nowhere"}
    # once the line changes, its own row comes back
    _touch(store, ids[0])
    cached = _cached(store)
    assert cached.filter(pl.col("event_id_cnty") == ids[0])["location"].to_list() == [PLACES[0]]


def test_a_cache_written_under_another_format_is_not_read(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_events(store)
    refresh(store)
    store.db.execute("UPDATE release_cache_parts SET rows = x'00'")  # unreadable, were it read
    monkeypatch.setattr(release_rows, "cache_format", lambda: "another polars")
    assert_frame_equal(_cached(store), _from_lines(store))
    info = refresh(store)
    assert info.rebuilt and _layers(store) == 1
    monkeypatch.undo()
    assert refresh(store).rebuilt  # and back: the layer written under "another polars" is stale
    assert_frame_equal(_cached(store), _from_lines(store))


def test_cached_rows_keep_the_schema_and_release_order(store: Store) -> None:
    ids = _store_events(store)
    _touch(store, ids[0])  # a later stamp: not the first row by time
    refresh(store)
    rows = stored_rows(store)
    assert rows.schema == pl.Schema(CACHED_SCHEMA)
    assert rows["event_id_cnty"].to_list() == sorted(ids, key=lambda i: int(i[3:]))  # by date here


def test_migration_marks_every_existing_event_dirty(tmp_path: Path) -> None:
    with Store(tmp_path / "c.db") as store:
        ids = _store_events(store)
    db = sqlite3.connect(tmp_path / "c.db")
    number = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_migration_6_release_cache"))
    db.executescript(
        "DROP TABLE release_cache_parts; DROP TABLE release_cache_layers; DROP TABLE release_dirty;"
        " DROP TRIGGER release_lines_dirty_insert; DROP TRIGGER release_lines_dirty_update;"
        f" DROP TRIGGER release_lines_dirty_delete; {UNDO_RELEASE_JOURNAL} PRAGMA user_version = {number};"
    )
    db.close()
    with Store(tmp_path / "c.db") as store:
        assert _dirty(store) == len(ids)
        assert refresh(store).rows_read == len(ids)
        assert_frame_equal(_cached(store), _from_lines(store))


def test_validate_brings_the_cache_up_to_date(tmp_path: Path) -> None:
    db = tmp_path / "coder.db"
    with Store(db) as store:
        _store_events(store)
    result = CliRunner().invoke(cli, ["validate", "--db", str(db)])
    # exit 1: the notes of all but the first give another date, so those go to review
    assert result.exit_code == 1, result.output
    with Store(db) as store:
        assert (_dirty(store), _layers(store)) == (0, 1)
        assert_frame_equal(_cached(store), _from_lines(store))
        assert _cached(store).height == 1


def test_a_store_mostly_dirty_is_read_in_one_scan(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _store_events(store)
    refresh(store)
    monkeypatch.setattr(release_rows, "_SCAN_DIRTY", 1)
    _touch(store, *ids[:4])  # half: still by id
    assert not release_rows._mostly_dirty(store)
    _touch(store, ids[4])  # past half: one scan
    assert release_rows._mostly_dirty(store)
    with monkeypatch.context() as patched:
        patched.setattr(release_rows, "_read_dirty", None)  # no lookups by id on either path
        assert_frame_equal(_cached(store), _from_lines(store))
        info = refresh(store)
    assert (info.rows_read, info.rebuilt, _dirty(store), _layers(store)) == (len(ids), True, 0, 1)
    assert_frame_equal(_cached(store), _from_lines(store))


def test_validating_again_touches_no_event(store: Store) -> None:
    ids = _store_events(store)
    refresh(store)
    stamps = store.db.execute("SELECT id, updated_at FROM events ORDER BY id").fetchall()
    flag = Flag(code="NOTES_DATE_MISMATCH", severity="error", field="event_date", message="check the date")
    assert store.set_validation({i: ("valid", []) for i in ids}) == 0
    assert store.db.execute("SELECT id, updated_at FROM events ORDER BY id").fetchall() == stamps
    assert _dirty(store) == 0
    # a new flag, or a new status, is a change
    assert store.set_validation({ids[0]: ("valid", [flag]), ids[1]: ("flagged", [])}) == 2
    assert store.set_validation({ids[0]: ("valid", [flag]), ids[1]: ("flagged", [])}) == 0
    assert _dirty(store) == 2
