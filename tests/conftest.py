"""Shared fixtures: a valid event written by us (not taken from any eval file) and a store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from coder.models import Article, CodedEvent, Event
from coder.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

#: SQL undoing migrations 5 and 6 (the release_lines table, its triggers, the release cache), for
#: tests that make a store look older than it is; migration 4's column and triggers are gone
#: after it already.
#: SQL undoing migration 7 (the release journal), for tests that rerun the migrations.
UNDO_RELEASE_JOURNAL = (
    "DROP TRIGGER IF EXISTS release_lines_journal_insert;"
    " DROP TRIGGER IF EXISTS release_lines_journal_update;"
    " DROP TRIGGER IF EXISTS release_lines_journal_delete;"
    " DROP TRIGGER flags_journal_insert; DROP TRIGGER flags_journal_delete;"
    " DROP TRIGGER decisions_journal_insert; DROP TABLE release_journal; DROP TABLE release_base;"
)
UNDO_RELEASE_TABLE = (
    "DROP TRIGGER events_release_insert; DROP TRIGGER events_release_update;"
    " DROP TRIGGER events_release_data; DROP TRIGGER events_release_delete; DROP TABLE release_lines;"
    " DROP TABLE release_cache_parts; DROP TABLE release_cache_layers; DROP TABLE release_dirty; "
    + UNDO_RELEASE_JOURNAL
)

ARTICLE = Article(
    id="0123456789abcdef",
    text="Regime artillery shelled the town of Sarmin in Idlib on Sunday, killing two civilians.",
    outlet="Test Outlet",
    language="en",
    published=dt.date(2020, 3, 2),
    source_path="test.txt",
)


def make_event(**overrides: Any) -> Event:
    """A valid event: the shelling of Sarmin described in ARTICLE."""
    values: dict[str, Any] = {
        "event_date": dt.date(2020, 3, 1),
        "year": 2020,
        "time_precision": 1,
        "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Military Forces of Syria (2000-2024)",
        "inter1": 1,
        "actor2": "Civilians (Syria)",
        "inter2": 7,
        "interaction": 17,
        "civilian_targeting": "Civilian targeting",
        "iso": 760,
        "region": "Middle East",
        "country": "Syria",
        "admin1": "Idleb",
        "location": "Sarmin",
        "latitude": 35.9033,
        "longitude": 36.7244,
        "geo_precision": 1,
        "source": "Test Outlet",
        "notes": "On 1 March 2020, regime artillery shelled Sarmin (Idleb), killing two civilians.",
        "fatalities": 2,
        "article_ids": [ARTICLE.id],
        "coder": "offline",
        "coder_version": "test",
    }
    values.update(overrides)
    return Event(**values)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "coder.db")
    yield s
    s.close()


@pytest.fixture
def stored_event(store: Store) -> str:
    """ARTICLE stored and coded into one event; returns its id."""
    store.add_articles([ARTICLE])
    run = store.start_run("offline", "test")
    [event_id] = store.save_coding(
        ARTICLE.id, "offline", run, [CodedEvent(event=make_event())], lambda e: "SYR"
    )
    store.finish_run(run)
    return event_id
