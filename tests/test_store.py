from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from coder.models import CodedEvent, Flag
from coder.store import MIGRATIONS, StaleVersionError, Store
from tests.conftest import ARTICLE, make_event


def test_new_store_runs_all_migrations_and_uses_wal(tmp_path: Path) -> None:
    with Store(tmp_path / "c.db") as s:
        assert s.schema_version == len(MIGRATIONS)
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in s.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "runs", "codings", "events", "flags", "decisions", "releases"} <= tables


def test_reopening_does_not_rerun_migrations(tmp_path: Path) -> None:
    Store(tmp_path / "c.db").close()
    with Store(tmp_path / "c.db") as s:  # would fail with "table exists" if re-run
        assert s.schema_version == len(MIGRATIONS)


def test_store_from_newer_coder_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "c.db")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    db.close()
    with pytest.raises(RuntimeError, match="newer coder"):
        Store(tmp_path / "c.db")


def test_articles_are_stored_once(store: Store) -> None:
    assert store.add_articles([ARTICLE]) == (1, 0)
    assert store.add_articles([ARTICLE]) == (0, 1)
    assert store.article(ARTICLE.id) == ARTICLE


def test_coding_is_idempotent_and_ids_are_never_reused(store: Store, stored_event: str) -> None:
    assert stored_event == "SYR1"
    assert store.uncoded_articles("offline") == []
    assert store.uncoded_articles("llm") == [ARTICLE]
    run = store.start_run("offline", "test")
    # re-coding the same event (same key) keeps its id; a different event gets a new one and
    # the id of the event not coded again is retired, never handed out again
    [same] = store.save_coding(ARTICLE.id, "offline", run, [CodedEvent(event=make_event())], lambda e: "SYR")
    assert same == "SYR1"
    moved = make_event(location="Saraqeb")
    [new_id] = store.save_coding(ARTICLE.id, "offline", run, [CodedEvent(event=moved)], lambda e: "SYR")
    assert new_id == "SYR2"
    assert [e.id for e in store.events()] == ["SYR2"]
    [third] = store.save_coding(ARTICLE.id, "offline", run, [CodedEvent(event=make_event())], lambda e: "SYR")
    assert third == "SYR3"


def test_failed_coding_is_recorded_and_retried(store: Store) -> None:
    store.add_articles([ARTICLE])
    run = store.start_run("offline", "test")
    store.save_failure(ARTICLE.id, "offline", run, "ValueError: boom")
    store.finish_run(run)
    assert store.failures()[0]["error"] == "ValueError: boom"
    assert store.uncoded_articles("offline") == [ARTICLE]
    assert store.uncoded_articles("offline", retry_failed=False) == []
    assert store.runs()[0]["articles_failed"] == 1


def test_a_failing_transaction_leaves_nothing_behind(store: Store) -> None:
    store.add_articles([ARTICLE])
    run = store.start_run("offline", "test")

    def exploding_prefix(event: object) -> str:
        raise RuntimeError("crash mid-article")

    coded = [CodedEvent(event=make_event()), CodedEvent(event=make_event())]
    with pytest.raises(RuntimeError):
        store.save_coding(ARTICLE.id, "offline", run, coded, exploding_prefix)
    assert store.events() == []
    assert store.uncoded_articles("offline") == [ARTICLE]


def test_coder_flags_are_kept_with_the_event(store: Store) -> None:
    store.add_articles([ARTICLE])
    run = store.start_run("offline", "test")
    flag = Flag(code="LOW_CONFIDENCE", severity="warning", message="check")
    [eid] = store.save_coding(
        ARTICLE.id, "offline", run, [CodedEvent(event=make_event(), flags=[flag])], lambda e: "SYR"
    )
    assert store.event(eid).flags == [flag]
    assert store.flag_sources(eid) == {"coder": [flag]}


def test_decision_with_stale_version_is_refused_and_changes_nothing(store: Store, stored_event: str) -> None:
    before = store.event(stored_event)
    edited = before.event.model_copy(update={"fatalities": 3})
    store.record_decision(stored_event, 1, "amal", "edit", edited, "toll rose")
    with pytest.raises(StaleVersionError, match="someone else changed it"):
        store.record_decision(stored_event, 1, "omar", "reject", before.event, None)
    after = store.event(stored_event)
    assert after.version == 2
    assert after.event.fatalities == 3
    assert after.event.status == "accepted"
    assert [d["reviewer"] for d in store.decisions()] == ["amal"]
