"""Stable event ids: kept across re-codings and releases, never reused after deletion."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from coder.cli import cli
from coder.identity import event_key
from coder.models import CodedEvent
from coder.release import write_release
from coder.store import MIGRATIONS, Store
from tests.conftest import ARTICLE, SEEDS, UNDO_RELEASE_TABLE, make_event

SYR = lambda e: "SYR"  # noqa: E731


def _code(store: Store, *events: object) -> list[str]:
    run = store.start_run("offline", "test")
    return store.save_coding(ARTICLE.id, "offline", run, [CodedEvent(event=e) for e in events], SYR)


def test_event_key_ignores_case_spacing_and_actor_order() -> None:
    a = make_event()
    b = make_event(
        actor1="Civilians (Syria)", actor2="military forces of  Syria (2000-2024)", location=" sarmin"
    )
    assert event_key(a) == event_key(b) == event_key(a.model_dump(mode="json"))
    assert event_key(a) != event_key(make_event(location="Saraqeb"))
    assert event_key(a) == event_key(make_event(fatalities=9, notes="other words"))


def test_recoding_keeps_ids_and_updates_values(store: Store, tmp_path: Path) -> None:
    store.add_articles([ARTICLE])
    first = _code(store, make_event(), make_event(location="Saraqeb"))
    store.set_validation({i: ("valid", []) for i in first})
    write_release(store, tmp_path / "r")

    # the same events again (a re-run of the same coder): nothing changes, not even versions
    assert _code(store, make_event(), make_event(location="Saraqeb")) == first
    assert [e.version for e in store.events()] == [1, 1]
    assert [e.event.status for e in store.events()] == ["valid", "valid"]
    second = write_release(store, tmp_path / "r")
    assert second.changes == {"added": 0, "changed": 0, "deleted": 0}

    # an improved coder finds another death toll for the same event: same id, new values
    again = _code(store, make_event(location="Saraqeb"), make_event(fatalities=3))
    assert sorted(again) == sorted(first)
    sarmin = store.event(first[0])
    assert sarmin.event.fatalities == 3 and sarmin.version == 2 and sarmin.event.status == "coded"
    store.set_validation({i: ("valid", []) for i in again})
    third = write_release(store, tmp_path / "r")
    changes = pl.read_parquet(third.path / "changes.parquet")
    assert changes.select("event_id_cnty", "change", "fields").rows() == [(first[0], "changed", "fatalities")]


def test_an_event_not_coded_again_is_retired_and_its_id_never_reused(store: Store, tmp_path: Path) -> None:
    store.add_articles([ARTICLE])
    first = _code(store, make_event(), make_event(location="Saraqeb"))
    store.set_validation({i: ("valid", []) for i in first})
    write_release(store, tmp_path / "r")

    moved = _code(store, make_event(), make_event(location="Ariha"))
    assert moved[0] == first[0] and moved[1] not in first
    retired = store.db.execute("SELECT id, reason FROM retired_events").fetchall()
    assert [r[0] for r in retired] == [first[1]] and "not coded again" in retired[0][1]
    # coding Saraqeb once more gives a new id: the retired one stays retired
    back = _code(store, make_event(), make_event(location="Ariha"), make_event(location="Saraqeb"))
    assert back[:2] == moved and back[2] not in (*first, *moved)

    store.set_validation({i: ("valid", []) for i in back})
    info = write_release(store, tmp_path / "r")
    changes = dict(pl.read_parquet(info.path / "changes.parquet").select("event_id_cnty", "change").rows())
    assert changes == {first[1]: "deleted", moved[1]: "added", back[2]: "added"}
    deleted = pl.read_csv(info.path / "deleted.csv")
    assert deleted["event_id_cnty"].to_list() == [first[1]]


def test_a_reviewed_event_survives_recoding_as_the_reviewer_left_it(store: Store) -> None:
    store.add_articles([ARTICLE])
    [eid] = _code(store, make_event())
    stored = store.event(eid)
    edited = stored.event.model_copy(update={"fatalities": 7})
    store.record_decision(eid, stored.version, "amal", "edit", edited, "toll per the hospital")

    # re-coded with the same key: the reviewer's values and status stand
    assert _code(store, make_event()) == [eid]
    assert store.event(eid).event.fatalities == 7 and store.event(eid).event.status == "accepted"
    # not produced at all any more: still kept, with its audit trail
    _code(store, make_event(location="Saraqeb"))
    assert store.event(eid).event.status == "accepted"
    assert len(store.decisions(eid)) == 1


def test_migration_gives_existing_events_their_coding_key(tmp_path: Path) -> None:
    with Store(tmp_path / "c.db") as store:
        store.add_articles([ARTICLE])
        [eid] = _code(store, make_event())
        stored = store.event(eid)
        store.record_decision(eid, stored.version, "amal", "edit", make_event(location="Ariha"), None)
    # make the file look like a store from before the migration
    db = sqlite3.connect(tmp_path / "c.db")
    number = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_migration_3_stable_ids"))
    db.executescript(
        "DROP INDEX events_coding_key; ALTER TABLE events DROP COLUMN coding_key; DROP TABLE retired_events;"
        # ... and from before the later migrations, which run again after this one
        f" {UNDO_RELEASE_TABLE}"
        f" PRAGMA user_version = {number};"
    )
    db.close()
    with Store(tmp_path / "c.db") as store:
        key = store.db.execute("SELECT coding_key FROM events WHERE id = ?", (eid,)).fetchone()[0]
        # the key of what the coder produced, not of the reviewer's edit
        assert key == event_key(make_event())


def test_recode_through_the_cli_keeps_every_id(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("stepnews_is_ambush_bukamal.ar", "eyeofeuphrates_idlib_shelling.ar"):
        for suffix in (".txt", ".json"):
            shutil.copy(SEEDS / f"{name}{suffix}", seeds)
    db, out = str(tmp_path / "coder.db"), str(tmp_path / "r")
    runner = CliRunner()
    assert runner.invoke(cli, ["run", str(seeds), "--db", db, "--out", out]).exit_code == 0
    with Store(db) as store:
        before = sorted(e.id for e in store.events())
    for args in (["code", "--recode"], ["validate"], ["release", "--out", out]):
        result = runner.invoke(cli, [*args, "--db", db])
        assert result.exit_code in (0, 1), result.output  # validate exits 1 when rows have errors
    with Store(db) as store:
        assert sorted(e.id for e in store.events()) == before
    changelog = (Path(out) / "1.1.0" / "CHANGELOG.md").read_text()
    assert "Nothing changed" in changelog
