"""End to end through the CLI: the seed articles become a release (offline, no network)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from coder.cli import cli
from coder.release import read_release_csv
from coder.store import Store
from tests.conftest import SEEDS


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "coder.db")])
    return result.exit_code, result.output


def test_run_on_seeds_writes_a_release_and_is_idempotent(tmp_path: Path) -> None:
    code, output = _run(tmp_path, "run", str(SEEDS), "--out", str(tmp_path / "releases"))
    assert code == 0, output
    assert "released" in output and "flagged for review" in output
    [release] = list((tmp_path / "releases").iterdir())
    parquet = pl.read_parquet(release / "events.parquet")
    assert_frame_equal(parquet, read_release_csv(release / "events.csv"))
    meta = json.loads((release / "metadata.json").read_text())
    assert meta["events"] == parquet.height > 0

    with Store(tmp_path / "coder.db") as store:
        assert store.counts()["articles"] == 11
        events = store.events()
        by_article = {a.id: a for a in store.articles()}
    sources = {Path(by_article[e.article_id].source_path).name for e in events}
    # every English seed and every dated Arabic seed yields at least one event
    dated = {
        "pakistantoday_idlib_airstrikes.en.txt",
        "eyeofeuphrates_idlib_shelling.ar.txt",
        "stepnews_is_ambush_bukamal.ar.txt",
        "rozana_regime_takes_bukamal.ar.txt",
        "microsyria_is_arrive_bukamal.ar.txt",
    }
    assert dated <= sources
    for e in events:
        if Path(by_article[e.article_id].source_path).name in dated:
            row = e.event
            assert row.country and row.admin1 and row.location, row
            assert row.latitude is not None and row.longitude is not None
            assert row.event_date is not None
            assert row.evidence["location"][0].text
    # the undated Arabic seed must not get an invented date; its events wait for review
    undated = [
        e for e in events if by_article[e.article_id].source_path.endswith("aletihad_qaani_bukamal.ar.txt")
    ]
    assert undated and all(e.event.event_date is None for e in undated)
    assert all(e.event.status == "flagged" for e in undated)
    assert all("NO_PUBLICATION_DATE" in {f.code for f in e.flags} for e in undated)

    # second run: nothing new ingested or coded, next release version
    code, output = _run(tmp_path, "run", str(SEEDS), "--out", str(tmp_path / "releases"))
    assert code == 0, output
    assert "0 new, 11 already stored" in output
    assert sorted(p.name for p in (tmp_path / "releases").iterdir()) == ["1.0.0", "1.1.0"]


def test_step_by_step_with_review(tmp_path: Path) -> None:
    assert _run(tmp_path, "ingest", str(SEEDS))[0] == 0
    assert _run(tmp_path, "code", "--coder", "offline")[0] == 0
    code, _ = _run(tmp_path, "validate")
    assert code == 1  # the undated seed's events have errors
    queue = tmp_path / "flagged.csv"
    assert _run(tmp_path, "review", "export", str(queue))[0] == 0
    import csv

    with queue.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    # the reviewer sets the missing date on the first flagged row and rejects the rest
    first, rest = rows[0], rows[1:]
    first.update(decision="edit", event_date="2020-01-08", year="2020", time_precision="1")
    for r in rest:
        r.update(decision="reject", note="background, not an event")
    with queue.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, output = _run(tmp_path, "review", "import", str(queue), "--reviewer", "tester")
    assert code == 0, output
    code, output = _run(tmp_path, "release", "--out", str(tmp_path / "rel"))
    assert code == 0, output
    released = pl.read_parquet(next((tmp_path / "rel").iterdir()) / "events.parquet")
    assert first["event_id"] in released["event_id_cnty"].to_list()
    assert not set(r["event_id"] for r in rest) & set(released["event_id_cnty"].to_list())
    code, output = _run(tmp_path, "review", "log", "--format", "json")
    assert code == 0
    log = json.loads(output)
    assert len(log) == len(rows)
    assert log[0]["changed"]["event_date"][1] == "2020-01-08"


def test_ingest_reports_bad_files_and_keeps_the_good_ones(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Gunmen attacked a checkpoint in Sarmin on Sunday.", encoding="utf-8")
    (folder / "empty.txt").write_text("   ", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00")
    (folder / "latin1.txt").write_bytes("Caf\xe9 bombed".encode("latin-1"))
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    code, output = _run(tmp_path, "ingest", str(folder))
    assert code == 1
    for name in ("empty.txt", "binary.txt", "latin1.txt", "notes.docx"):
        assert name in output
    assert "ingested 1 new article" in output


def test_commands_other_than_ingest_and_run_refuse_a_store_that_does_not_exist(tmp_path: Path) -> None:
    """A typo in --db must not give an empty store and an empty, read-only release."""
    for args in (
        ["release", "--out", str(tmp_path / "releases")],
        ["code"],
        ["validate"],
        ["review", "export", str(tmp_path / "flagged.csv")],
        ["runs"],
    ):
        code, output = _run(tmp_path, *args)
        assert code == 1, args
        assert f"no store at {tmp_path / 'coder.db'}: `coder ingest` or `coder run` creates one" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Gunmen attacked a checkpoint in Sarmin on Sunday.", encoding="utf-8")
    assert _run(tmp_path, "ingest", str(folder))[0] == 0
    assert _run(tmp_path, "runs")[0] == 0


def test_run_with_nothing_releasable_keeps_the_coding_and_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    # no publication date and no date in the text: the event is flagged, not released
    text = "Gunmen attacked a checkpoint in Sarmin, Idlib, on Sunday."
    (folder / "a.txt").write_text(text, encoding="utf-8")
    code, output = _run(tmp_path, "run", str(folder), "--out", str(tmp_path / "releases"))
    assert code == 0, output
    flat = " ".join(output.split())
    assert "nothing to release: no event is releasable" in flat
    assert "coder review export flagged.csv" in flat
    assert not (tmp_path / "releases").exists() or not any((tmp_path / "releases").iterdir())
    with Store(tmp_path / "coder.db") as store:
        assert store.counts()["events_flagged"] >= 1
