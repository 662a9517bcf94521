"""Changelogs: a repeated run changes nothing; a review edit is named exactly; deletions are listed."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from coder.changelog import compare, diff_frames, render_changelog
from coder.cli import cli
from coder.release import write_release
from coder.release_verify import verify_release
from coder.store import Store
from coder.validate import validate_store
from tests.conftest import SEEDS

SOME_SEEDS = (
    "rozana_regime_takes_bukamal.ar",
    "sadanews_army_retakes_bukamal.ar",
    "sy24_kafr_ein_barrels.ar",
)


def _seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in SOME_SEEDS:
        for suffix in (".txt", ".json"):
            shutil.copy(SEEDS / f"{name}{suffix}", folder)
    return folder


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_run_twice_then_edit_one_event_through_review(tmp_path: Path) -> None:
    seeds, db, out = _seeds(tmp_path), str(tmp_path / "coder.db"), tmp_path / "releases"
    _cli("run", str(seeds), "--db", db, "--out", str(out))
    _cli("run", str(seeds), "--db", db, "--out", str(out))
    first, second = (
        pl.read_parquet(out / "1.0.0" / "events.parquet"),
        pl.read_parquet(out / "1.1.0" / "events.parquet"),
    )
    assert first.height > 0
    assert "Nothing changed" in (out / "1.1.0" / "CHANGELOG.md").read_text()
    assert pl.read_parquet(out / "1.1.0" / "changes.parquet").is_empty()
    # re-validation touched every stored row, but an unchanged row keeps its timestamp
    assert first.equals(second)
    assert verify_release(out / "1.1.0") == []

    # a reviewer edits one released event's death toll (the decisions file names any event)
    target = first.row(0, named=True)
    with Store(db) as store:
        version = store.event(target["event_id_cnty"]).version
    decisions = tmp_path / "decisions.csv"
    with decisions.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["event_id", "version", "decision", "fatalities", "note"])
        writer.writerow(
            [target["event_id_cnty"], version, "edit", target["fatalities"] + 2, "hospital figure"]
        )
    _cli("review", "import", str(decisions), "--reviewer", "amal", "--db", db)
    output = _cli("release", "--out", str(out), "--db", db)
    assert "0 added, 1 changed, 0 deleted" in output
    changes = pl.read_parquet(out / "1.2.0" / "changes.parquet")
    assert changes.select("event_id_cnty", "change", "fields").rows() == [
        (target["event_id_cnty"], "changed", "fatalities; status; review_decision_id")
    ]
    changelog = (out / "1.2.0" / "CHANGELOG.md").read_text()
    assert f"- {target['event_id_cnty']}: fatalities; status; review_decision_id" in changelog
    third = pl.read_parquet(out / "1.2.0" / "events.parquet")
    edited = third.filter(pl.col("event_id_cnty") == target["event_id_cnty"]).row(0, named=True)
    assert edited["timestamp"] >= target["timestamp"]
    assert third.filter(pl.col("event_id_cnty") != target["event_id_cnty"]).equals(
        first.filter(pl.col("event_id_cnty") != target["event_id_cnty"])
    )
    assert verify_release(out / "1.2.0") == []


def test_rejected_event_is_listed_as_deleted_and_stays_in_deleted_csv(tmp_path: Path) -> None:
    seeds, db, out = _seeds(tmp_path), tmp_path / "coder.db", tmp_path / "r"
    _cli("run", str(seeds), "--db", str(db), "--out", str(out))
    gone = pl.read_parquet(out / "1.0.0" / "events.parquet")["event_id_cnty"][0]
    with Store(db) as store:
        stored = store.event(gone)
        store.record_decision(gone, stored.version, "amal", "reject", stored.event, "not an event")
        validate_store(store)
        deleting = write_release(store, out)
        later = write_release(store, out)
    changes = pl.read_parquet(deleting.path / "changes.parquet")
    assert changes.select("event_id_cnty", "change").rows() == [(gone, "deleted")]
    assert changes["timestamp"][0] > 0
    assert f"## Deleted (1)\n\n- {gone}" in (deleting.path / "CHANGELOG.md").read_text()
    for info in (deleting, later):
        assert pl.read_csv(info.path / "deleted.csv")["event_id_cnty"].to_list() == [gone]
    assert "Nothing changed" in (later.path / "CHANGELOG.md").read_text()


def test_changelog_lists_a_limited_number_of_ids() -> None:
    old = pl.DataFrame({"event_id_cnty": ["A1"], "x": [1], "timestamp": [1]})
    new = pl.DataFrame({"event_id_cnty": [f"B{i}" for i in range(5)], "x": [1] * 5, "timestamp": [2] * 5})
    text = render_changelog(diff_frames(old, new, deleted_at=9), "1.1.0", "1.0.0", limit=2)
    assert "- added: 5\n- changed: 0\n- deleted: 1" in text
    assert "- B0\n- B1\n- … and 3 more (all are in changes.parquet)" in text


def test_a_column_gained_between_releases_counts_as_a_change() -> None:
    old = pl.DataFrame({"event_id_cnty": ["A1"], "x": [1], "timestamp": [1]})
    new = old.with_columns(y=pl.lit("new"))
    assert diff_frames(old, new).select("change", "fields").rows() == [("changed", "y")]


def test_compare_gives_each_new_row_its_old_timestamp_and_whether_it_changed() -> None:
    old = pl.DataFrame({"event_id_cnty": ["A1", "A2", "A3"], "x": [1, 2, 3], "timestamp": [10, 20, 30]})
    # new rows in another order: A3 changed, A2 only re-stamped, A4 added, A1 deleted
    new = pl.DataFrame({"event_id_cnty": ["A4", "A3", "A2"], "x": [4, 33, 2], "timestamp": [40, 41, 42]})
    comparison = compare(old, new, deleted_at=50)
    assert comparison.changes.select("event_id_cnty", "change", "fields", "timestamp").rows() == [
        ("A4", "added", None, 40),
        ("A3", "changed", "x", 41),
        ("A1", "deleted", None, 50),
    ]
    assert comparison.before.to_list() == [None, 30, 20]
    assert comparison.changed.to_list() == [True, True, False]


def test_compare_handles_empty_frames_and_frames_without_timestamps() -> None:
    rows = pl.DataFrame({"event_id_cnty": ["A1", "A2"], "x": [1, 2], "timestamp": [5, 6]})
    assert compare(pl.DataFrame(), rows).changes["change"].to_list() == ["added", "added"]
    assert compare(rows.clear(), rows).before.to_list() == [None, None]
    assert compare(rows, rows.clear(), deleted_at=9).changes["timestamp"].to_list() == [9, 9]
    assert compare(rows.clear(), rows.clear()).changes.is_empty()
    # an older release without timestamps: nothing to carry, nothing changed
    unstamped = compare(rows.drop("timestamp"), rows)
    assert unstamped.changes.is_empty() and unstamped.before.to_list() == [None, None]
    changed = compare(rows, rows.drop("timestamp").with_columns(x=pl.lit(3)))
    assert changed.changes.select("change", "fields", "timestamp").rows() == [("changed", "x", None)] * 2
