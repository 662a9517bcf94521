"""A release after the first works out again only what changed since (coder/release.py
_recompute); whatever changed, it must write exactly what a release of every row writes."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from coder import release
from coder.models import Article, CodedEvent, Flag
from coder.release import ReleaseFilters, read_release, write_release
from coder.store import Store
from tests.conftest import ARTICLE, make_event

NOW = dt.datetime(2031, 5, 1, 12, 0, tzinfo=dt.UTC)
PLACES = ("Sarmin", "Saraqeb", "Ariha")
ERROR = Flag(code="NO_PUBLICATION_DATE", severity="error", message="check the date")


def _article(number: int) -> Article:
    return ARTICLE.model_copy(update={"id": f"{number:016x}", "outlet": f"Outlet {number}"})


def _day(rng: random.Random) -> dt.date:
    """A day of a span four times the widest tolerance: the rows of a place and pair of actors
    fall into several runs of dates (coder/dedup.py date_segments), some of one event."""
    return dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 120))


def _event(rng: random.Random, article: Article) -> CodedEvent:
    """An event of a small space (three places, two actors, 121 days), so reports coincide."""
    return CodedEvent(
        event=make_event(
            location=rng.choice(PLACES),
            event_date=_day(rng),
            time_precision=rng.choice((1, 2, 3, 3)),
            actor2=rng.choice(("Civilians (Syria)", "Civilians (Syria)", "Rebel Forces")),
            fatalities=rng.randint(0, 3),
            source=article.outlet,
            article_ids=[article.id],
        )
    )


def _code(store: Store, rng: random.Random, article: Article, n: int) -> None:
    store.add_articles([article])
    run = store.start_run("offline", "test")
    ids = store.save_coding(
        article.id, "offline", run, [_event(rng, article) for _ in range(n)], lambda e: "SYR"
    )
    store.set_validation({i: ("valid", []) for i in ids})


#: The changes a user makes between releases.
KINDS = ("edit", "edit", "reject", "accept", "flag", "unflag", "article", "recode")


def _change(store: Store, rng: random.Random, articles: list[Article], kind: str) -> None:
    """One change of `kind` to a random event or article."""
    live = [e for e in store.events() if e.event.status != "rejected"]
    stored = rng.choice(live)
    if kind == "edit":
        field = rng.choice(("location", "event_date", "fatalities", "notes"))
        value = {
            "location": rng.choice(PLACES),
            "event_date": _day(rng),
            "fatalities": rng.randint(0, 5),
            "notes": f"edited {rng.random()}",
        }[field]
        _edit(store, stored.id, **{field: value})
    elif kind in ("reject", "accept"):
        store.record_decision(stored.id, stored.version, "amal", kind, stored.event, None)
    elif kind == "flag":
        store.set_validation({stored.id: ("flagged", [ERROR])})
    elif kind == "unflag":
        store.set_validation({stored.id: ("valid", [])})
    elif kind == "article":
        articles.append(_article(len(articles) + 1))
        _code(store, rng, articles[-1], rng.randint(1, 4))
    else:  # coded again: some events kept (same key), others retired, others new
        article = rng.choice(articles)
        _code(store, rng, article, rng.randint(1, 5))


def _edit(store: Store, event_id: str, **values: object) -> None:
    """A reviewer's edit of one event."""
    stored = store.event(event_id)
    assert stored is not None
    store.record_decision(
        event_id, stored.version, "amal", "edit", stored.event.model_copy(update=values), None
    )


def _release_both(
    tmp: Path, version: str, filters: ReleaseFilters | None = None
) -> tuple[Path, Path, int | None]:
    """The next release of the store in tmp/a, and of a copy of it in tmp/b worked out whole."""
    shutil.rmtree(tmp / "b", ignore_errors=True)
    shutil.copytree(tmp / "a", tmp / "b")
    with Store(tmp / "a" / "coder.db") as store:
        quick = write_release(store, tmp / "a" / "releases", filters=filters, now=NOW)
    with Store(tmp / "b" / "coder.db") as store:
        whole = write_release(store, tmp / "b" / "releases", filters=filters, now=NOW, full=True)
    assert quick.version == whole.version == version and whole.recomputed is None
    return quick.path, whole.path, quick.recomputed


def _same_folders(quick: Path, whole: Path) -> None:
    assert_frame_equal(read_release(quick), read_release(whole))
    for name in sorted(p.name for p in whole.iterdir()):
        if name == "events.parquet":
            continue  # the same rows (above); its dictionary pages may list categories in another order
        assert (quick / name).read_bytes() == (whole / name).read_bytes(), name


SINCE_FEBRUARY = ReleaseFilters(date_from=dt.date(2020, 2, 1))
ACCEPTED = ReleaseFilters(min_status="accepted")


@pytest.mark.parametrize(
    ("seed", "filters"),
    [(seed, None) for seed in range(8)] + [(8, SINCE_FEBRUARY), (9, SINCE_FEBRUARY), (10, ACCEPTED)],
)
def test_a_release_of_what_changed_writes_what_a_whole_release_writes(
    tmp_path: Path, seed: int, filters: ReleaseFilters | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a store this small changes by more than the share past which all is redone: lift it
    monkeypatch.setattr(release, "_REDO_ALL_SHARE", float("inf"))
    rng = random.Random(seed)
    (tmp_path / "a").mkdir()
    articles = [_article(i) for i in range(1, 7)]
    with Store(tmp_path / "a" / "coder.db") as store:
        for article in articles:
            _code(store, rng, article, 6)
        if filters is ACCEPTED:  # some events accepted, so the release is not empty
            for stored in store.events()[::3]:
                store.record_decision(stored.id, stored.version, "amal", "accept", stored.event, None)
        first = write_release(store, tmp_path / "a" / "releases", filters=filters, now=NOW)
    assert first.merged > 0  # the reports coincide: there is merging to redo
    kinds = list(KINDS)
    rng.shuffle(kinds)
    for minor in range(1, 5):  # every kind of change, two to a release, in an order of the seed
        with Store(tmp_path / "a" / "coder.db") as store:
            for kind in kinds[2 * minor - 2 : 2 * minor]:
                _change(store, rng, articles, kind)
        quick, whole, recomputed = _release_both(tmp_path, f"1.{minor}.0", filters)
        assert recomputed is not None  # the quick way was taken ...
        _same_folders(quick, whole)  # ... and came to the same release


def test_nothing_changed_recomputes_nothing(tmp_path: Path) -> None:
    rng = random.Random(1)
    (tmp_path / "a").mkdir()
    with Store(tmp_path / "a" / "coder.db") as store:
        for number in range(1, 4):
            _code(store, rng, _article(number), 5)
        write_release(store, tmp_path / "a" / "releases", now=NOW)
    quick, whole, recomputed = _release_both(tmp_path, "1.1.0")
    assert recomputed == 0
    _same_folders(quick, whole)
    assert read_release(quick).height == read_release(whole).height > 0


def _store(tmp_path: Path, articles: int = 3) -> Path:
    rng = random.Random(2)
    (tmp_path / "a").mkdir()
    with Store(tmp_path / "a" / "coder.db") as store:
        for number in range(1, articles + 1):
            _code(store, rng, _article(number), 5)
    return tmp_path / "a" / "coder.db"


def test_every_kind_of_change_is_journaled_once_a_release_has_begun(tmp_path: Path) -> None:
    db = _store(tmp_path)
    with Store(db) as store:
        first, second, third, fourth = (e.id for e in store.events()[:4])
        store.set_validation({first: ("flagged", [ERROR])})
        assert store.journal_mark() == 0  # no release yet: nothing is kept
        write_release(store, tmp_path / "releases", now=NOW)
        mark = store.journal_mark()
        assert store.touched_since(mark) == []
        store.set_validation({first: ("valid", [])})  # a status and a flag
        _edit(store, second, fatalities=9)
        # a flag written by hand, past the store's methods, counts too
        store.db.execute(
            "INSERT INTO flags (event_id, source, code, severity, message)"
            " VALUES (?, 'coder', 'X', 'error', 'x')",
            (third,),
        )
        store.db.execute("UPDATE events SET updated_at = '2031-01-01T00:00:00+00:00' WHERE id = ?", (fourth,))
        assert sorted(store.touched_since(mark)) == sorted([first, second, third, fourth])
        write_release(store, tmp_path / "releases", now=NOW)
        # what the release read is pruned; its mark is where the next one starts
        assert store.db.execute("SELECT count(*) FROM release_journal").fetchone()[0] == 0
        assert store.touched_since(store.journal_mark()) == []


@pytest.mark.parametrize(
    ("second_release", "because"),
    [
        pytest.param({"full": True}, "--full", id="--full"),
        pytest.param(
            {"filters": ReleaseFilters(date_from=dt.date(2000, 1, 1))},  # the same rows, other filters
            "release 1.0.0 was made under other filters",
            id="other filters",
        ),
        pytest.param({"out": "elsewhere"}, None, id="another folder"),  # no previous release there
        pytest.param(
            {"format": "another coder"},
            "release 1.0.0 was made by another version of coder or polars",
            id="another coder",
        ),
    ],
)
def test_the_previous_rows_are_not_reused_when_they_may_differ(
    tmp_path: Path, second_release: dict, because: str | None
) -> None:
    db = _store(tmp_path)
    with Store(db) as store:
        write_release(store, tmp_path / "releases", now=NOW)
        if second_release.pop("format", None):  # made by a coder or polars of another version
            store.db.execute("UPDATE release_base SET format = 'another'")
        out = tmp_path / second_release.pop("out", "releases")
        info = write_release(store, out, now=NOW, **second_release)
        assert info.recomputed is None and info.whole_because == because
        again = write_release(store, out, now=NOW, **second_release)
        # the same filters again, to the folder just written: reused, unless told not to
        assert (again.recomputed is None) == ("full" in second_release)


def test_a_previous_release_changed_on_disk_is_not_reused(tmp_path: Path) -> None:
    db = _store(tmp_path)
    with Store(db) as store:
        first = write_release(store, tmp_path / "releases", now=NOW)
        parquet = first.path / "events.parquet"
        rows = read_release(first.path)
        parquet.chmod(0o644)
        rows.with_columns(fatalities=rows["fatalities"] + 1).write_parquet(parquet)
        again = write_release(store, tmp_path / "releases", now=NOW)
        assert again.recomputed is None  # worked out whole, so its rows are the store's
        assert again.whole_because == "release 1.0.0's events.parquet changed since it was written"
        assert read_release(again.path)["fatalities"].to_list() == rows["fatalities"].to_list()
        assert again.changes["changed"] == rows.height


def test_many_changes_redo_every_row(tmp_path: Path) -> None:
    db = _store(tmp_path)
    with Store(db) as store:
        write_release(store, tmp_path / "releases", now=NOW)
        events = store.events()
        assert release._REDO_ALL_SHARE < 0.5
        store.set_validation({e.id: ("valid", [ERROR]) for e in events[: len(events) // 2]})
        whole = write_release(store, tmp_path / "releases", now=NOW)
        assert whole.recomputed is None and "more than a quarter" in (whole.whole_because or "")
        store.set_validation({events[0].id: ("valid", [])})
        assert write_release(store, tmp_path / "releases", now=NOW).recomputed is not None


def test_the_cli_says_how_many_rows_it_worked_out_again(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from coder.cli import cli

    db = _store(tmp_path)
    runner = CliRunner()
    args = ["release", "--db", str(db), "--out", str(tmp_path / "releases")]
    assert runner.invoke(cli, args).exit_code == 0
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "0 row(s) worked out again; the others are 1.0.0's" in result.output
    result = runner.invoke(cli, [*args, "--full"])
    assert result.exit_code == 0 and "every row worked out again: --full" in result.output


def test_a_journal_grown_past_its_bound_is_emptied_and_the_next_release_redoes_every_row(
    tmp_path: Path,
) -> None:
    db = _store(tmp_path)  # 15 events
    with Store(db) as store:
        write_release(store, tmp_path / "releases", now=NOW)
        first = store.events()[0]
        for _ in range(3):  # validated again and again, each time differently
            store.set_validation({first.id: ("flagged", [ERROR])})
            store.set_validation({first.id: ("valid", [])})
        [entries] = store.db.execute("SELECT count(*) FROM release_journal").fetchone()
        assert 15 < entries < 30  # a line change (old and new id) and a flag, six times
        assert not store.trim_release_journal(per_event=2, floor=10)  # under two per event: kept
        assert store.trim_release_journal(per_event=1, floor=10)
        assert store.db.execute("SELECT count(*) FROM release_journal").fetchone()[0] == 0
        info = write_release(store, tmp_path / "releases", now=NOW)
        assert info.recomputed is None
        assert info.whole_because == "more changed since release 1.0.0 than the store keeps track of"
        assert write_release(store, tmp_path / "releases", now=NOW).recomputed == 0  # on from there


def test_a_trim_while_a_release_reads_makes_it_work_out_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _store(tmp_path)
    with Store(db) as store:
        write_release(store, tmp_path / "releases", now=NOW)
        _edit(store, store.events()[0].id, fatalities=7)
        found = store.release_base

        def then_trimmed() -> object:  # another process validates between the two reads
            base = found()
            store.trim_release_journal(per_event=0, floor=0)
            return base

        monkeypatch.setattr(store, "release_base", then_trimmed)
        info = write_release(store, tmp_path / "releases", now=NOW)
    assert info.recomputed is None
    assert (
        info.whole_because == "the store's record of changes since the previous release was emptied meanwhile"
    )
    assert info.changes["changed"] == 1  # the edit made before the trim is in it


def test_a_trim_while_a_release_is_written_makes_the_next_one_work_out_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _store(tmp_path)
    with Store(db) as store:
        write_release(store, tmp_path / "releases", now=NOW)
        write_folder = release._write_folder

        def edited_and_trimmed(*args: object) -> object:  # another process, meanwhile
            _edit(store, store.events()[0].id, fatalities=7)
            store.trim_release_journal(per_event=0, floor=0)
            return write_folder(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(release, "_write_folder", edited_and_trimmed)
        second = write_release(store, tmp_path / "releases", now=NOW)
        monkeypatch.undo()
        assert second.recomputed == 0 and second.changes["changed"] == 0  # read before the edit
        third = write_release(store, tmp_path / "releases", now=NOW)
    # the edit's journal entry was dropped: the next release cannot rely on the journal
    assert third.recomputed is None
    assert third.whole_because == "more changed since release 1.1.0 than the store keeps track of"
    assert third.changes["changed"] == 1


def _dated(*rows: tuple[str, str, int]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "event_id_cnty": [r[0] for r in rows],
            "event_date": [dt.date.fromisoformat(r[1]) for r in rows],
            "fatalities": [r[2] for r in rows],
        }
    )


@pytest.mark.parametrize("batch_rows", [1, 2, 3, 100])
def test_previous_and_new_rows_come_in_release_order_whatever_the_batches(batch_rows: int) -> None:
    before = _dated(
        ("SYR2", "2024-01-01", 0),
        ("SYR9", "2024-01-01", 0),
        ("SYR10", "2024-01-01", 0),
        ("SYR3", "2024-01-04", 1),
        ("SYR1", "2024-01-07", 0),
        ("SYR4", "2024-01-09", 2),
    )
    kept = pl.Series([True, True, False, True, False, True])  # SYR10 changed, SYR1 deleted
    new = _dated(
        ("SYR10", "2024-01-01", 5),  # in its old place
        ("SYR12", "2023-12-31", 1),  # before every previous row
        ("SYR11", "2024-01-05", 0),  # between two of them
        ("SYR13", "2024-02-01", 0),  # after all of them
        ("SYR5", "2024-01-04", 0),  # same day as SYR3, after it by number
    )
    rows, _ = release._in_release_order(before, kept, new, batch_rows=batch_rows)
    ordered = rows.collect()
    assert ordered["event_id_cnty"].to_list() == [
        "SYR12", "SYR2", "SYR9", "SYR10", "SYR3", "SYR5", "SYR11", "SYR4", "SYR13"
    ]  # fmt: skip
    assert ordered.filter(pl.col("event_id_cnty") == "SYR10")["fatalities"].item() == 5
    assert ordered.columns == before.columns


def test_previous_rows_out_of_release_order_are_sorted_with_the_new_ones() -> None:
    before = _dated(("SYR3", "2024-01-04", 0), ("SYR2", "2024-01-01", 0))
    new = _dated(("SYR1", "2024-01-02", 0))
    rows, interleaving = release._in_release_order(before, pl.Series([True, True]), new, batch_rows=1)
    ordered = rows.collect()
    assert interleaving is None
    assert ordered["event_id_cnty"].to_list() == ["SYR2", "SYR1", "SYR3"]


def _released(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A store of a few events and its first release: the store, the release, the event ids."""
    db = _store(tmp_path)
    with Store(db) as store:
        first = write_release(store, tmp_path / "a" / "releases", now=NOW).path
        return db, first, [e.id for e in store.events()]


def _splices(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """What each release's CSV splice returns from now on (None: the lines were not copied)."""
    monkeypatch.setattr(release, "_REDO_ALL_SHARE", float("inf"))
    copied: list[str | None] = []
    splice = release.spliced

    def spliced(*args: Any) -> str | None:
        copied.append(splice(*args))
        return copied[-1]

    monkeypatch.setattr(release, "spliced", spliced)
    return copied


def test_the_csv_is_copied_from_the_previous_release_unless_a_field_breaks_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied = _splices(monkeypatch)
    db, _, ids = _released(tmp_path)
    edits = [
        (ids[0], {"fatalities": 7}),
        (ids[1], {"notes": "Shelling near Sarmin.\nTwo civilians were wounded."}),  # written by polars ...
        (ids[2], {"fatalities": 9}),  # ... and the next release's previous file has it
    ]
    for minor, (event_id, values) in enumerate(edits, start=1):
        with Store(db) as store:
            _edit(store, event_id, **values)
        quick, whole, _ = _release_both(tmp_path, f"1.{minor}.0")
        _same_folders(quick, whole)
    assert [digest is not None for digest in copied] == [True, False, False]
    assert "Two civilians were wounded." in (quick / "events.csv").read_text(encoding="utf-8")


def test_a_previous_csv_changed_since_its_release_is_not_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied = _splices(monkeypatch)
    db, first, ids = _released(tmp_path)
    csv = first / "events.csv"
    csv.chmod(0o644)
    text = csv.read_bytes()
    assert b"Sarmin" in text
    csv.write_bytes(text.replace(b"Sarmin", b"Sarmln", 1))  # same size, one letter
    with Store(db) as store:
        _edit(store, ids[0], fatalities=7)
    quick, whole, recomputed = _release_both(tmp_path, "1.1.0")
    assert recomputed is not None and copied == []  # checked before any line is copied
    _same_folders(quick, whole)
    assert b"Sarmln" not in (quick / "events.csv").read_bytes()


def _hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files of releases 1.0.0 and 1.1.0 hashed from now on, as "version/name"."""
    hashed: list[str] = []
    checksum = release.sha256_file

    def sha256_file(path: Path) -> str:
        if path.parent.name in ("1.0.0", "1.1.0"):
            hashed.append(f"{path.parent.name}/{path.name}")
        return checksum(path)

    monkeypatch.setattr(release, "sha256_file", sha256_file)
    return hashed


def test_previous_files_are_read_for_their_checksums_only_when_their_stat_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied = _splices(monkeypatch)
    hashed = _hashed(monkeypatch)
    db, first, ids = _released(tmp_path)
    # written back as it was: the same bytes, but not the same stat, so it must be read
    csv = first / "events.csv"
    csv.chmod(0o644)
    csv.write_bytes(csv.read_bytes())
    csv.chmod(0o444)
    for minor in (1, 2):
        with Store(db) as store:
            _edit(store, ids[minor], fatalities=7)
        quick, whole, recomputed = _release_both(tmp_path, f"1.{minor}.0")  # the latter from scratch
        assert recomputed is not None
        _same_folders(quick, whole)
    assert hashed == ["1.0.0/events.csv"]
    assert len(copied) == 2 and None not in copied


def test_previous_files_are_hashed_where_their_stat_cannot_tell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(release, "_STAT_TELLS", False)  # as on Windows
    copied = _splices(monkeypatch)
    hashed = _hashed(monkeypatch)
    db, _, ids = _released(tmp_path)
    with Store(db) as store:
        _edit(store, ids[0], fatalities=7)
    quick, whole, recomputed = _release_both(tmp_path, "1.1.0")
    assert recomputed is not None and copied[0] is not None
    _same_folders(quick, whole)
    assert sorted(hashed) == ["1.0.0/events.csv", "1.0.0/events.parquet"]
