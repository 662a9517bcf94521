from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from coder.cli import cli
from coder.models import CodedEvent
from coder.review import ReviewFileError, UnknownEventsError, decision_log, export_queue, import_decisions
from coder.store import Store
from tests.conftest import ARTICLE, make_event


def _flag_it(store: Store, event_id: str) -> None:
    store.set_validation({event_id: ("flagged", [])})


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_export_edit_import_round_trip(store: Store, stored_event: str, tmp_path: Path) -> None:
    _flag_it(store, stored_event)
    path = tmp_path / "queue.csv"
    assert export_queue(store, path) == 1
    [row] = _rows(path)
    assert row["event_id"] == stored_event and row["location"] == "Sarmin"
    row.update(decision="edit", reviewer="amal", note="two more died", fatalities="4")
    _write(path, [row])
    assert import_decisions(store, path) == {"accept": 0, "edit": 1, "reject": 0}
    stored = store.event(stored_event)
    assert stored.event.fatalities == 4
    assert stored.event.status == "accepted"
    [entry] = decision_log(store)
    assert entry["reviewer"] == "amal"
    assert entry["changed"] == {"fatalities": [2, 4]}


def test_malformed_file_is_refused_whole_with_row_numbers(
    store: Store, stored_event: str, tmp_path: Path
) -> None:
    _flag_it(store, stored_event)
    path = tmp_path / "queue.csv"
    export_queue(store, path)
    [row] = _rows(path)
    good = {**row, "decision": "accept", "reviewer": "amal"}
    bad_decision = {**row, "event_id": stored_event, "decision": "maybe"}
    unknown = {**row, "event_id": "SYR999", "decision": "reject"}
    bad_edit = {**row, "decision": "edit", "sub_event_type": "Picnic"}
    for broken, reason in [
        (bad_decision, "row 3: decision 'maybe'"),
        (unknown, "row 3: no event 'SYR999'"),
    ]:
        _write(path, [good, broken])
        with pytest.raises(ReviewFileError, match=reason):
            import_decisions(store, path)
    _write(path, [bad_edit])
    with pytest.raises(ReviewFileError, match="row 2: sub_event_type"):
        import_decisions(store, path, "amal")
    assert store.decisions() == []
    assert store.event(stored_event).event.status == "flagged"


def test_stale_export_is_refused(store: Store, stored_event: str, tmp_path: Path) -> None:
    _flag_it(store, stored_event)
    path = tmp_path / "queue.csv"
    export_queue(store, path)
    [row] = _rows(path)
    _write(path, [{**row, "decision": "accept"}])
    import_decisions(store, path, "amal")
    with pytest.raises(ReviewFileError, match="changed since export"):
        import_decisions(store, path, "omar")
    assert len(store.decisions()) == 1


def _two_events(store: Store) -> tuple[str, str]:
    """A valid event (Sarmin) and a flagged one (Saraqeb)."""
    store.add_articles([ARTICLE])
    run = store.start_run("offline", "test")
    events = [CodedEvent(event=make_event()), CodedEvent(event=make_event(location="Saraqeb"))]
    valid, flagged = store.save_coding(ARTICLE.id, "offline", run, events, lambda e: "SYR")
    store.set_validation({valid: ("valid", []), flagged: ("flagged", [])})
    return valid, flagged


def test_export_chosen_events_whatever_their_status(store: Store, tmp_path: Path) -> None:
    valid, flagged = _two_events(store)
    path = tmp_path / "fix.csv"
    assert export_queue(store, path) == 1
    assert [(r["event_id"], r["status"]) for r in _rows(path)] == [(flagged, "flagged")]
    assert export_queue(store, path, statuses=("valid",)) == 1
    assert [(r["event_id"], r["status"]) for r in _rows(path)] == [(valid, "valid")]

    # a released (valid) event corrected through review
    assert export_queue(store, path, ids=[valid]) == 1
    [row] = _rows(path)
    assert (row["event_id"], row["status"], row["flags"], row["location"]) == (valid, "valid", "", "Sarmin")
    _write(path, [{**row, "decision": "edit", "fatalities": "5", "note": "hospital figure"}])
    assert import_decisions(store, path, "amal") == {"accept": 0, "edit": 1, "reject": 0}
    assert store.event(valid).event.fatalities == 5
    assert store.event(valid).event.status == "accepted"
    assert export_queue(store, path, ids=[valid, flagged], statuses=("flagged",)) == 1


def test_export_of_an_unknown_event_writes_nothing(store: Store, tmp_path: Path) -> None:
    valid, _ = _two_events(store)
    path = tmp_path / "fix.csv"
    with pytest.raises(UnknownEventsError, match="no event SYR99 in the store"):
        export_queue(store, path, ids=[valid, "SYR99"])
    assert not path.exists()
    result = CliRunner().invoke(
        cli, ["review", "export", str(path), "--event", "SYR99", "--db", str(tmp_path / "coder.db")]
    )
    assert result.exit_code == 1
    assert "no event SYR99 in the store; nothing written" in result.output
    assert not path.exists()
    result = CliRunner().invoke(
        cli, ["review", "export", str(path), "--event", valid, "--db", str(tmp_path / "coder.db")]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 1 event(s)" in result.output
    assert [r["event_id"] for r in _rows(path)] == [valid]
