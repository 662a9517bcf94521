"""The release columns the store keeps as CSV lines (migration 4) read back as the events hold them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from coder.models import CodedEvent, Event
from coder.release_rows import RELEASE_SCHEMA, load_events
from coder.store import MIGRATIONS, Store
from tests.conftest import ARTICLE, UNDO_RELEASE_TABLE, make_event

#: Values a CSV line must carry through unchanged: quotes, commas, line breaks, Arabic, empty
#: text, nulls, floats with every digit, several articles.
AWKWARD: list[Event] = [
    make_event(),
    make_event(
        location='Sarmin, "old town"',
        notes='He said: "they came at night",\nthen left.\r\nSecond line; third, "fourth"',
        admin2="سراقب",
        admin3="",
        tags=None,
        latitude=35.12345678901234,
        longitude=-0.000049999,
        fatalities=0,
        civilian_targeting=None,
        interaction=10,
        actor2=None,
        inter2=None,
        confidence=0.123456789012345678,
        article_ids=[ARTICLE.id, "fedcba9876543210"],
        model="gpt-4o-mini",
        prompt_hash="abc",
    ),
    make_event(event_date=None, year=None, time_precision=None, iso=None, article_ids=[]),
]


def _expected(store: Store) -> pl.DataFrame:
    """The releasable rows built from the stored JSON through the Event model, not through SQL."""
    rows: list[dict[str, Any]] = []
    for stored in store.events(statuses=["valid", "accepted"]):
        row = stored.event.model_dump(mode="python")
        row["article_ids"] = "; ".join(row["article_ids"])
        row["status"] = stored.event.status
        for column in ("latitude", "longitude"):
            row[column] = None if row[column] is None else round(row[column], 4)
        rows.append({c: row.get(c) for c in RELEASE_SCHEMA if c not in ("timestamp", "review_decision_id")})
    schema = {c: t for c, t in RELEASE_SCHEMA.items() if c not in ("timestamp", "review_decision_id")}
    return pl.DataFrame(rows, schema=schema, orient="row").sort("event_id_cnty")


def _store_awkward(store: Store) -> list[str]:
    store.add_articles([ARTICLE])
    run = store.start_run("offline", "test")
    coded = [CodedEvent(event=e) for e in AWKWARD]
    ids = store.save_coding(ARTICLE.id, "offline", run, coded, lambda e: "SYR")
    store.set_validation({i: ("valid", []) for i in ids})
    return ids


def _loaded(store: Store) -> pl.DataFrame:
    # the release sorts its rows itself; the order they are read in is not part of the contract
    return load_events(store).drop("timestamp", "review_decision_id").sort("event_id_cnty")


def test_release_lines_carry_every_value_as_stored(store: Store) -> None:
    _store_awkward(store)
    loaded = _loaded(store)
    assert loaded.height == len(AWKWARD)
    assert_frame_equal(loaded, _expected(store))
    notes = loaded["notes"].to_list()
    assert notes[1] == AWKWARD[1].notes
    assert loaded["admin3"].to_list()[1] == ""  # empty text stays empty, not missing
    assert loaded["article_ids"].to_list() == [ARTICLE.id, f"{ARTICLE.id}; fedcba9876543210", ""]


def test_lines_follow_every_way_the_data_changes(store: Store) -> None:
    first, second, _ = _store_awkward(store)
    # a script writing the JSON directly (as bench/release.py does), a reviewer's edit, a re-coding
    store.db.execute(
        "UPDATE events SET data = json_set(data, '$.fatalities', 7, '$.source', 'Other \"Outlet\"')"
        " WHERE id = ?",
        (first,),
    )
    assert_frame_equal(_loaded(store), _expected(store))
    assert _loaded(store)["fatalities"].to_list()[0] == 7
    stored = store.event(second)
    assert stored is not None
    edited = stored.event.model_copy(update={"location": "Ariha", "latitude": 35.8})
    store.record_decision(second, stored.version, "amal", "edit", edited, None)
    assert_frame_equal(_loaded(store), _expected(store))
    run = store.start_run("offline", "test")
    recoded = [CodedEvent(event=make_event(fatalities=3)), *(CodedEvent(event=e) for e in AWKWARD[1:])]
    store.save_coding(ARTICLE.id, "offline", run, recoded, lambda e: "SYR")
    loaded = _loaded(store)
    assert_frame_equal(loaded, _expected(store))
    assert loaded.filter(pl.col("event_id_cnty") == second)["location"].to_list() == ["Ariha"]


def test_lines_follow_status_changes_and_deletions(store: Store) -> None:
    first, second, third = _store_awkward(store)
    lines = lambda: [r[0] for r in store.db.execute("SELECT id FROM release_lines ORDER BY id")]  # noqa: E731
    assert lines() == sorted([first, second, third])
    store.db.execute("UPDATE events SET status = 'rejected' WHERE id = ?", (first,))
    assert sorted(_loaded(store)["event_id_cnty"].to_list()) == sorted([second, third])
    store.db.execute("DELETE FROM events WHERE id = ?", (third,))
    assert lines() == sorted([first, second])
    assert _loaded(store)["event_id_cnty"].to_list() == [second]
    assert_frame_equal(_loaded(store), _expected(store))


def test_status_and_data_changed_in_one_statement(store: Store) -> None:
    # both triggers fire, in an order SQLite does not promise: the line must come out the same
    first, second, _ = _store_awkward(store)
    store.db.execute(
        "UPDATE events SET status = 'accepted', updated_at = '2030-01-01T00:00:00+00:00',"
        " data = json_set(data, '$.fatalities', 9) WHERE id = ?",
        (first,),
    )
    assert_frame_equal(_loaded(store), _expected(store))
    # a new stamp alone swaps the line's head and keeps its columns (quotes and line breaks too)
    before = store.db.execute("SELECT line FROM release_lines WHERE id = ?", (second,)).fetchone()[0]
    store.db.execute("UPDATE events SET updated_at = '2031-01-01T00:00:00+00:00' WHERE id = ?", (second,))
    line = store.db.execute("SELECT line FROM release_lines WHERE id = ?", (second,)).fetchone()[0]
    assert line.startswith(f"{second},valid,2031-01-01T00:00:00+00:00,")
    assert line.split(",", 3)[3] == before.split(",", 3)[3]
    loaded = _loaded(store)
    assert_frame_equal(loaded, _expected(store))
    assert loaded.filter(pl.col("event_id_cnty") == first)["fatalities"].to_list() == [9]


def test_migration_gives_existing_events_their_release_lines(tmp_path: Path) -> None:
    with Store(tmp_path / "c.db") as store:
        _store_awkward(store)
        expected = _expected(store)
        with_lines = _loaded(store)
    # make the file look like a store from before migrations 4 and 5: no lines, no triggers
    db = sqlite3.connect(tmp_path / "c.db")
    number = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_migration_4_release_lines"))
    db.executescript(f"{UNDO_RELEASE_TABLE} PRAGMA user_version = {number};")
    db.close()
    with Store(tmp_path / "c.db") as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.db.execute("SELECT count(*) FROM release_lines").fetchone()[0] == len(AWKWARD)
        columns = [r[1] for r in store.db.execute("PRAGMA table_info(events)")]
        assert "release_line" not in columns  # migration 4's column went with migration 5
        assert_frame_equal(_loaded(store), expected)
        assert_frame_equal(_loaded(store), with_lines)
        # and the triggers are back
        run = store.start_run("offline", "test")
        new = CodedEvent(event=make_event(event_date=dt.date(2020, 2, 29)))
        [eid] = store.save_coding(ARTICLE.id, "offline", run, [new], lambda e: "SYR")
        store.set_validation({eid: ("valid", [])})
        assert _loaded(store)["event_date"].to_list() == [dt.date(2020, 2, 29)]


def test_ranges_without_releasable_events_are_skipped(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _store_awkward(store)
    store.set_validation({ids[0]: ("rejected", []), ids[1]: ("flagged", [])})
    ranges = store.release_ranges(size=1)
    assert len(ranges) == 3
    assert [store.releasable_csv(["valid"], r) != b"" for r in ranges] == [False, False, True]
    monkeypatch.setattr(store, "release_ranges", lambda: Store.release_ranges(store, size=1))
    assert _loaded(store)["event_id_cnty"].to_list() == [ids[2]]


def test_migration_5_on_a_sqlite_that_cannot_drop_columns(tmp_path: Path) -> None:
    # SQLite before 3.35 has no DROP COLUMN: the old column is emptied instead, and releases read
    # the new table all the same
    with Store(tmp_path / "c.db") as store:
        _store_awkward(store)
        expected = _expected(store)
    db = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    number = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_migration_4_release_lines"))
    db.executescript(f"{UNDO_RELEASE_TABLE} PRAGMA user_version = {number};")
    MIGRATIONS[number](db)  # migration 4 again: the column and its triggers

    class OldSqlite:
        def execute(self, sql: str, *args: Any) -> Any:
            if "DROP COLUMN" in sql:
                raise sqlite3.OperationalError('near "DROP": syntax error')
            return db.execute(sql, *args)

    db.execute("BEGIN")
    MIGRATIONS[number + 1](OldSqlite())  # type: ignore[arg-type]
    db.execute(f"PRAGMA user_version = {number + 2}")
    db.execute("COMMIT")
    assert db.execute("SELECT count(*) FROM events WHERE release_line IS NOT NULL").fetchone()[0] == 0
    db.close()
    with Store(tmp_path / "c.db") as store:
        assert_frame_equal(_loaded(store), expected)
