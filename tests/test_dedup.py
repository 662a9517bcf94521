"""Cross-article deduplication: one release row per event, whoever reported it."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from coder.dedup import duplicate_groups, merge_duplicates
from coder.ingest import ingest_paths
from coder.models import CodedEvent, Event
from coder.release import write_release
from coder.release_rows import RELEASE_SCHEMA, load_events
from coder.review import import_decisions
from coder.store import Store
from coder.validate import validate_store
from tests.conftest import SEEDS, make_event

ROZANA = SEEDS / "rozana_regime_takes_bukamal.ar.txt"
SADA = SEEDS / "sadanews_army_retakes_bukamal.ar.txt"

#: The event both articles report, as we code it from reading them: regime forces with Russian
#: air support, Hezbollah and IRGC fighters retake Al-Bukamal from IS on Sunday 19 November 2017
#: (Rozana, published the 20th: "SANA said yesterday, Sunday, evening"; Sada News: "on Sunday").
BUKAMAL: dict[str, Any] = {
    "event_date": dt.date(2017, 11, 19),
    "year": 2017,
    "time_precision": 1,
    "disorder_type": "Political violence",
    "event_type": "Battles",
    "sub_event_type": "Government regains territory",
    "actor1": "Military Forces of Syria (2000-2024)",
    "inter1": 1,
    "actor2": "Islamic State (Syria)",
    "inter2": 2,
    "interaction": 12,
    "iso": 760,
    "region": "Middle East",
    "country": "Syria",
    "admin1": "Deir ez Zor",
    "admin2": "Al Mayadin",
    "location": "Abu Kamal",
    "latitude": 34.4506,
    "longitude": 40.9171,
    "geo_precision": 1,
    "fatalities": 0,
    "coder": "offline",
    "coder_version": "test",
}


def _bukamal(**overrides: Any) -> Event:
    return Event(**{**BUKAMAL, **overrides})


def _frame(*events: Event) -> pl.DataFrame:
    rows = []
    for e in events:
        row = e.model_dump(mode="python", exclude={"evidence"})
        row["article_ids"] = "; ".join(e.article_ids)
        row["status"] = "valid" if e.status == "coded" else e.status
        rows.append({name: row.get(name) for name in RELEASE_SCHEMA})
    return pl.DataFrame(rows, schema=RELEASE_SCHEMA, orient="row")


def test_the_bukamal_reports_become_one_row_with_both_sources() -> None:
    rozana = _bukamal(
        event_id_cnty="SYR7",
        assoc_actor_1="Military Forces of Russia (2000-); Hezbollah",
        source="Rozana",
        source_scale="National",
        article_ids=["aaaa"],
        notes="On 19 November 2017, regime forces retook Al-Bukamal from IS.",
    )
    # Sada News names the sides the other way round and adds an ally on the IS side's list
    sada = _bukamal(
        event_id_cnty="SYR12",
        actor1="Islamic State (Syria)",
        inter1=2,
        actor2="Military Forces of Syria  (2000-2024)",
        inter2=1,
        assoc_actor_2="Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps",
        location="abu kamal",
        source="Sada News",
        source_scale="Regional",
        article_ids=["bbbb"],
    )
    other = make_event(event_id_cnty="SYR3", article_ids=["cccc"])
    result = merge_duplicates(_frame(sada, other, rozana))
    merged, dropped = result.frame, result.dropped
    assert dropped == 1 and merged.height == 2
    row = merged.filter(pl.col("event_type") == "Battles").row(0, named=True)
    assert row["event_id_cnty"] == "SYR7"  # coded first: keeps its id
    # what went where, for the next release
    assert result.members.select("event_id_cnty", "primary_id").rows() == [("SYR12", "SYR7")]
    assert row["source"] == "Rozana; Sada News"
    assert row["source_scale"] == "National-Regional"
    assert row["article_ids"] == "aaaa; bbbb"
    assert row["notes"] == rozana.notes
    assert row["assoc_actor_1"] == (
        "Military Forces of Russia (2000-); Hezbollah; Military Forces of Iran (1989-) Islamic Revolutionary"
        " Guard Corps"
    )


def test_previously_released_id_wins_over_an_earlier_coded_one() -> None:
    first = _bukamal(event_id_cnty="SYR3", source="A", article_ids=["a"])
    second = _bukamal(event_id_cnty="SYR9", source="B", article_ids=["b"])
    merged = merge_duplicates(_frame(first, second), keep_ids={"SYR9"}).frame
    assert merged["event_id_cnty"].to_list() == ["SYR9"]
    assert merged["source"].to_list() == ["B; A"]


def test_a_group_merges_alike_in_every_release() -> None:
    # SYR5 and SYR9 were released apart; a third report joins them, SYR5 goes on. In the next
    # release only SYR5 is an id released before: the merged row must not change for that.
    rows = _frame(
        _bukamal(event_id_cnty="SYR3", source="A", article_ids=["a"]),
        _bukamal(event_id_cnty="SYR5", source="B", article_ids=["b"]),
        _bukamal(event_id_cnty="SYR9", source="C", article_ids=["c"]),
    )
    joined = merge_duplicates(rows, keep_ids={"SYR5", "SYR9"}).frame
    later = merge_duplicates(rows, keep_ids={"SYR5"}).frame
    assert joined["event_id_cnty"].to_list() == ["SYR5"]
    assert joined["source"].to_list() == ["B; A; C"]  # the primary, then in the order coded
    assert_frame_equal(joined, later)


@pytest.mark.parametrize(
    ("overrides", "same"),
    [
        ({}, True),
        ({"event_date": dt.date(2017, 11, 20)}, False),  # exact dates must agree
        ({"event_date": dt.date(2017, 11, 24), "time_precision": 2}, True),  # week known: 6 days
        ({"event_date": dt.date(2017, 11, 27), "time_precision": 2}, False),
        ({"event_date": dt.date(2017, 12, 10), "time_precision": 3}, True),  # month known: 30 days
        ({"sub_event_type": "Armed clash"}, False),
        ({"location": "Hawi al-Ashara"}, False),
        ({"actor2": "Unidentified Armed Group (Syria)"}, False),
        ({"country": "Iraq"}, False),
        ({"event_date": None}, False),  # undated rows are never merged
    ],
)
def test_tolerance(overrides: dict[str, Any], same: bool) -> None:
    base = _bukamal(event_id_cnty="SYR1", source="A", article_ids=["a"])
    other = _bukamal(event_id_cnty="SYR2", source="B", article_ids=["b"], **overrides)
    groups = duplicate_groups(_frame(base, other))
    assert (groups.height == 2) is same


def test_undated_pair_is_kept_apart() -> None:
    a = _bukamal(event_id_cnty="SYR1", event_date=None, year=None, source="A", article_ids=["a"])
    b = _bukamal(event_id_cnty="SYR2", event_date=None, year=None, source="B", article_ids=["b"])
    result = merge_duplicates(_frame(a, b))
    merged, dropped = result.frame, result.dropped
    assert dropped == 0 and merged.height == 2


def test_three_reports_chain_and_take_the_lowest_fatality_figure() -> None:
    rows = [
        _bukamal(event_id_cnty=f"SYR{i}", source=s, fatalities=f, article_ids=[s])
        for i, (s, f) in enumerate([("A", 0), ("B", 12), ("C", 7)], start=1)
    ]
    result = merge_duplicates(_frame(*rows))
    merged, dropped = result.frame, result.dropped
    assert dropped == 2
    assert merged.row(0, named=True)["fatalities"] == 7
    assert merged.row(0, named=True)["source"] == "A; B; C"


def _merged(column: str, *values: object) -> object:
    rows = [
        _bukamal(event_id_cnty=f"SYR{i}", source=f"S{i}", article_ids=[f"a{i}"], **{column: v})
        for i, v in enumerate(values, start=1)
    ]
    result = merge_duplicates(_frame(*rows))
    merged, dropped = result.frame, result.dropped
    assert dropped == len(values) - 1
    return merged.row(0, named=True)[column]


def test_combine_scales_follows_acled_pair_order() -> None:
    assert _merged("source_scale", "National", "Local") == "Local-National"
    assert _merged("source_scale", "National", "New media") == "New media-National"
    assert _merged("source_scale", "International", "Regional", None) == "Regional-International"
    assert _merged("source_scale", "Subnational-National", "International") == "Subnational-International"
    assert _merged("source_scale", "National", "National") == "National"
    assert _merged("source_scale", None, None) is None


def test_combine_fatalities() -> None:
    assert _merged("fatalities", 0, 0) == 0
    assert _merged("fatalities", 0, 5, 3) == 3


def test_merged_status_and_provenance() -> None:
    reviewed = _bukamal(
        event_id_cnty="SYR9", source="B", article_ids=["b"], status="accepted", confidence=0.9
    )
    first = _bukamal(event_id_cnty="SYR2", source="A", article_ids=["a"], confidence=0.4, tags="x")
    merged = merge_duplicates(_frame(reviewed, first)).frame
    row = merged.row(0, named=True)
    assert (row["event_id_cnty"], row["status"], row["confidence"], row["tags"]) == (
        "SYR2",
        "accepted",
        0.9,
        "x",
    )
    assert merged.schema == _frame(first).schema


# --- through the store ----------------------------------------------------------------------------
def _ingest_bukamal_pair(store: Store) -> dict[str, str]:
    result = ingest_paths((ROZANA, SADA))
    assert not result.errors
    store.add_articles(result.articles)
    return {Path(a.source_path or "").name: a.id for a in result.articles}


def test_release_merges_the_two_outlets_and_keeps_both_articles(store: Store, tmp_path: Path) -> None:
    ids = _ingest_bukamal_pair(store)
    run = store.start_run("offline", "test")
    rozana_id, sada_id = ids[ROZANA.name], ids[SADA.name]
    [kept] = store.save_coding(
        rozana_id,
        "offline",
        run,
        [CodedEvent(event=_bukamal(source="Rozana", source_scale="National", article_ids=[rozana_id]))],
        lambda e: "SYR",
    )
    # Sada News has no publication date: its row comes without a date and waits for review
    undated = _bukamal(event_date=None, year=None, source="Sada News", source_scale="Regional")
    [waiting] = store.save_coding(
        sada_id,
        "offline",
        run,
        [CodedEvent(event=undated.model_copy(update={"article_ids": [sada_id]}))],
        lambda e: "SYR",
    )
    validate_store(store)
    assert store.event(waiting).event.status == "flagged"
    assert write_release(store, tmp_path / "r").events == 1

    # the reviewer supplies the date ("on Sunday", the 19th) and accepts
    decisions = tmp_path / "decisions.csv"
    with decisions.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["event_id", "version", "decision", "event_date", "year"])
        writer.writerow([waiting, store.event(waiting).version, "edit", "2017-11-19", "2017"])
    import_decisions(store, decisions, "amal")

    info = write_release(store, tmp_path / "r")
    released = pl.read_parquet(info.path / "events.parquet")
    assert released.height == 1 and info.merged == 1
    row = released.row(0, named=True)
    assert row["event_id_cnty"] == kept
    assert row["source"] == "Rozana; Sada News"
    assert set(row["article_ids"].split("; ")) == {rozana_id, sada_id}
    assert row["status"] == "accepted"
    changelog = (info.path / "CHANGELOG.md").read_text()
    assert f"- {kept}: source; source_scale; article_ids; status; review_decision_id" in changelog
    assert len(load_events(store)) == 2  # the store keeps both rows; only the release merges


def test_pipeline_seeds_code_review_release_holds_the_event_once(store: Store, tmp_path: Path) -> None:
    """Offline coder on the two seeds, then a reviewer codes the retaking as the codebook says."""
    from coder.pipeline import code_articles

    ids = _ingest_bukamal_pair(store)
    code_articles(store, "offline")
    validate_store(store)
    by_article: dict[str, list[Any]] = {}
    for stored in store.events():
        by_article.setdefault(stored.article_id, []).append(stored)
    assert set(by_article) == set(ids.values()), "the offline coder must code both articles"

    decisions = tmp_path / "decisions.csv"
    columns = [c for c in BUKAMAL if c not in ("coder", "coder_version")]
    with decisions.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["event_id", "version", "decision", *columns])
        for events in by_article.values():
            first, *rest = sorted(events, key=lambda e: e.id)
            values = [BUKAMAL[c].isoformat() if c == "event_date" else BUKAMAL[c] for c in columns]
            writer.writerow([first.id, first.version, "edit", *values])
            for other in rest:
                writer.writerow([other.id, other.version, "reject", *([""] * len(columns))])
    import_decisions(store, decisions, "amal")

    info = write_release(store, tmp_path / "r")
    released = pl.read_parquet(info.path / "events.parquet")
    assert released.height == 1
    assert released["source"].to_list() == ["Rozana; Sada News"]
    assert set(released["article_ids"].item().split("; ")) == set(ids.values())


def test_offline_coder_rows_of_the_two_outlets_merge_once_the_reviewer_dates_sada(
    store: Store, tmp_path: Path
) -> None:
    """No edit but the date Sada News leaves unknown (no publication date): the offline coder's
    own rows for the retaking must then be the same event."""
    from coder.pipeline import code_articles

    ids = _ingest_bukamal_pair(store)
    code_articles(store, "offline")
    validate_store(store)

    def retaking(article: str) -> Any:
        rows = [
            e
            for e in store.events()
            if e.article_id == ids[article] and e.event.sub_event_type == "Government regains territory"
        ]
        assert len(rows) == 1, f"{article}: {[(e.event.location, e.event.event_date) for e in rows]}"
        return rows[0]

    rozana, sada = retaking(ROZANA.name), retaking(SADA.name)
    assert rozana.event.event_date == dt.date(2017, 11, 19) and rozana.event.status == "valid"
    assert sada.event.event_date is None and sada.event.status == "flagged"
    decisions = tmp_path / "decisions.csv"
    with decisions.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["event_id", "version", "decision", "event_date", "year", "time_precision"])
        writer.writerow([sada.id, sada.version, "edit", "2017-11-19", "2017", "1"])
    import_decisions(store, decisions, "amal")

    released = pl.read_parquet(write_release(store, tmp_path / "r").path / "events.parquet")
    row = released.filter(pl.col("sub_event_type") == "Government regains territory").row(0, named=True)
    assert released.filter(pl.col("sub_event_type") == "Government regains territory").height == 1
    assert row["event_id_cnty"] == rozana.id
    assert row["source"] == "Rozana; Sada News"
    assert set(row["article_ids"].split("; ")) == {ids[ROZANA.name], ids[SADA.name]}
    assert sada.id not in released["event_id_cnty"].to_list()


def test_merging_in_release_order_equals_merging_then_sorting() -> None:
    from coder.release_rows import release_key

    rows = [
        _bukamal(event_id_cnty="SYR10", source="A", article_ids=["a1"]),
        _bukamal(event_id_cnty="SYR2", source="B", article_ids=["a2"]),
        _bukamal(event_id_cnty="SYR12", location="Al-Qaim"),
        _bukamal(event_id_cnty="SYR3", location="Al-Qaim", event_date=dt.date(2017, 11, 3)),
        _bukamal(event_id_cnty="SYR11", location="Hajin", event_date=None),
        _bukamal(event_id_cnty="SYR4", location="Mayadin", event_date=dt.date(2017, 11, 19)),
        _bukamal(event_id_cnty="SYR1", location="Hajin", event_date=None),
    ]
    frame = _frame(*rows)
    result = merge_duplicates(frame)
    merged, dropped = result.frame, result.dropped
    result = merge_duplicates(frame, order=release_key)
    ordered, dropped_too = result.frame, result.dropped
    assert dropped == dropped_too == 1
    number = pl.col("event_id_cnty").str.slice(3).cast(pl.Int64)
    expected = merged.sort([pl.col("event_date"), number], nulls_last=True)
    assert ordered.equals(expected)
    # by date, ids by number within a day (SYR2 before SYR12), undated rows last
    assert ordered["event_id_cnty"].to_list() == ["SYR3", "SYR2", "SYR4", "SYR12", "SYR1", "SYR11"]


def test_rows_read_as_an_ordered_layer_then_newer_rows_come_out_in_release_order() -> None:
    from coder.release_rows import release_key

    # as the release cache reads them: its first layer in release order, then rows changed since
    first_layer = [
        _bukamal(event_id_cnty="SYR3", location="Al-Qaim", event_date=dt.date(2017, 11, 3)),
        _bukamal(event_id_cnty="SYR5", location="Hajin", event_date=dt.date(2017, 11, 9)),
        _bukamal(event_id_cnty="SYR2", source="B", article_ids=["b"]),
        _bukamal(event_id_cnty="SYR4", location="Mayadin"),
    ]
    newer = [
        _bukamal(event_id_cnty="SYR10", source="A", article_ids=["a"]),  # SYR2's event, reported again
        _bukamal(event_id_cnty="SYR6", location="Hajin", event_date=dt.date(2017, 11, 1)),
    ]
    result = merge_duplicates(_frame(*first_layer, *newer), order=release_key)
    assert result.dropped == 1
    merged = result.frame
    assert merged["event_id_cnty"].to_list() == ["SYR6", "SYR3", "SYR5", "SYR2", "SYR4"]
    assert merged.filter(pl.col("event_id_cnty") == "SYR2")["source"].item() == "B; A"


def test_release_key_orders_by_date_then_country_letters_then_number() -> None:
    from coder.release_rows import release_key

    day = dt.date(2020, 3, 1)
    frame = pl.DataFrame(
        {
            "event_id_cnty": ["SYR10", "IRQ7", "SYR9", "SYR1", "LBN3"],
            "event_date": [day, day, day, None, dt.date(2020, 2, 28)],
        }
    )
    ordered = frame[release_key(frame).arg_sort()]["event_id_cnty"].to_list()
    assert ordered == ["LBN3", "IRQ7", "SYR9", "SYR10", "SYR1"]
    # an id of another shape (an import, a test) puts the ids of a day in text order
    odd = pl.concat([frame, pl.DataFrame({"event_id_cnty": ["syr-2"], "event_date": [day]})])
    ordered = odd[release_key(odd).arg_sort()]["event_id_cnty"].to_list()
    assert ordered == ["LBN3", "IRQ7", "SYR10", "SYR9", "syr-2", "SYR1"]


def test_chains_of_mixed_precision_do_not_depend_on_the_order_rows_are_read_in() -> None:
    from coder.release_rows import release_key

    # SYR1 and SYR2 share a day; SYR2 only knows the month, so it reaches SYR3 twenty days
    # later, which SYR1 (an exact date) does not. Chained in release order (SYR1, SYR2, SYR3)
    # all three are one event; chained in the order SYR2, SYR1, SYR3 they would not be.
    day = dt.date(2017, 11, 1)
    rows = [
        _bukamal(event_id_cnty="SYR2", event_date=day, time_precision=3, source="B", article_ids=["b"]),
        _bukamal(event_id_cnty="SYR1", event_date=day, source="A", article_ids=["a"]),
        _bukamal(event_id_cnty="SYR3", event_date=day + dt.timedelta(days=20), source="C", article_ids=["c"]),
    ]
    as_read = _frame(*rows)
    for frame in (as_read, as_read.reverse(), as_read.sort("event_id_cnty")):
        result = merge_duplicates(frame, order=release_key)
        merged, dropped = result.frame, result.dropped
        assert dropped == 2
        assert merged["event_id_cnty"].to_list() == ["SYR1"]
        assert merged["source"].to_list() == ["A; B; C"]


def test_an_order_that_is_not_by_date_still_chains_by_date() -> None:
    # by id the month-precise SYR3 comes after SYR2, twenty days later; by date it sits between
    # SYR1 and SYR2 and reaches both, so all three are one event
    day = dt.date(2017, 11, 1)
    rows = [
        _bukamal(event_id_cnty="SYR1", event_date=day, source="A", article_ids=["a"]),
        _bukamal(event_id_cnty="SYR2", event_date=day + dt.timedelta(days=20), source="B", article_ids=["b"]),
        _bukamal(event_id_cnty="SYR3", event_date=day, time_precision=3, source="C", article_ids=["c"]),
    ]
    by_number = lambda frame: frame["event_id_cnty"].str.slice(3).cast(pl.Int64)  # noqa: E731
    result = merge_duplicates(_frame(*rows), order=by_number)
    merged, dropped = result.frame, result.dropped
    assert dropped == 2 and merged["source"].to_list() == ["A; B; C"]
