from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from coder.cli import cli
from coder.codebook import ACLED_COLUMNS
from coder.models import CodedEvent, Flag
from coder.release import (
    ReleaseError,
    ReleaseFilters,
    check_version,
    next_version,
    read_release_csv,
    release_versions,
    write_release,
)
from coder.release_verify import verify_release
from coder.store import Store
from tests.conftest import ARTICLE, make_event

ERROR = Flag(code="NO_PUBLICATION_DATE", severity="error", message="check the date")


def _store_two(store: Store) -> tuple[str, str]:
    store.add_articles([ARTICLE])
    run = store.start_run("offline", "test")
    ok, bad = store.save_coding(
        ARTICLE.id,
        "offline",
        run,
        [CodedEvent(event=make_event()), CodedEvent(event=make_event(location="Saraqeb"))],
        lambda e: "SYR",
    )
    store.set_validation({ok: ("valid", []), bad: ("flagged", [])})
    return ok, bad


def _store_many(store: Store) -> list[str]:
    """Four valid events: Syria in March and April 2020, one in Iraq."""
    store.add_articles([ARTICLE])
    run = store.start_run("offline", "test")
    events = [
        make_event(),
        make_event(location="Saraqeb", event_date=dt.date(2020, 3, 5), fatalities=4),
        make_event(location="Ariha", event_date=dt.date(2020, 4, 2), year=2020),
        make_event(
            location="Al-Qaim", country="Iraq", iso=368, admin1="Al Anbar", latitude=34.37, longitude=41.09
        ),
    ]
    ids = store.save_coding(
        ARTICLE.id,
        "offline",
        run,
        [CodedEvent(event=e) for e in events],
        lambda e: "IRQ" if e.country == "Iraq" else "SYR",
    )
    store.set_validation({i: ("valid", []) for i in ids})
    return ids


def test_release_holds_valid_rows_with_identical_csv_and_parquet(store: Store, tmp_path: Path) -> None:
    ok, _ = _store_two(store)
    info = write_release(store, tmp_path / "releases")
    assert info.version == "1.0.0"
    assert info.events == 1
    parquet = pl.read_parquet(info.path / "events.parquet")
    csv = read_release_csv(info.path / "events.csv")
    assert_frame_equal(parquet, csv)
    assert tuple(parquet.columns[: len(ACLED_COLUMNS)]) == ACLED_COLUMNS
    assert parquet.schema["event_date"] == pl.Date
    assert parquet.schema["latitude"] == pl.Float64
    assert parquet.schema["fatalities"] == pl.Int64
    assert isinstance(parquet.schema["event_type"], pl.Enum)
    assert parquet["event_id_cnty"].to_list() == [ok]
    assert parquet["location"].to_list() == ["Sarmin"]
    meta = json.loads((info.path / "metadata.json").read_text())
    assert meta["version"] == "1.0.0" and meta["events"] == 1
    assert meta["by_country"] == {"Syria": 1}
    assert meta["changes"] == {"added": 1, "changed": 0, "deleted": 0}


def test_valid_status_with_an_error_flag_is_not_released(store: Store, tmp_path: Path) -> None:
    ok, other = _store_two(store)
    # inconsistent on purpose: `valid` but carrying an error flag -> only review may release it
    store.set_validation({ok: ("valid", []), other: ("valid", [ERROR])})
    info = write_release(store, tmp_path / "r")
    assert pl.read_parquet(info.path / "events.parquet")["event_id_cnty"].to_list() == [ok]


def test_releases_are_never_overwritten_and_read_only(store: Store, tmp_path: Path) -> None:
    _store_two(store)
    first = write_release(store, tmp_path / "r")
    second = write_release(store, tmp_path / "r")
    assert (first.version, second.version) == ("1.0.0", "1.1.0")
    with pytest.raises(ReleaseError, match="never overwritten"):
        write_release(store, tmp_path / "r", version="1.0.0")
    # nor is a version written to another folder: refused before anything is written
    with pytest.raises(ReleaseError, match=r"1\.1\.0 of this store was written already, to .*r/1\.1\.0"):
        write_release(store, tmp_path / "elsewhere", version="1.1.0")
    assert not list((tmp_path / "elsewhere").iterdir())
    assert write_release(store, tmp_path / "elsewhere").version == "1.2.0"
    # no write bit for anyone (root ignores mode bits, so check the bits themselves)
    assert all(p.stat().st_mode & 0o222 == 0 for p in [first.path, *first.path.iterdir()])
    assert not [p for p in (tmp_path / "r").iterdir() if p.name.startswith(".tmp")]


def test_next_version() -> None:
    assert next_version([]) == "1.0.0"
    assert next_version(["1.0.0", "1.4.0", "0.9.0"]) == "1.5.0"


def test_explicit_versions_are_checked() -> None:
    check_version("1.2.1", ["1.0.0", "1.2.0"])
    with pytest.raises(ReleaseError, match=r"MAJOR\.MINOR\.PATCH"):
        check_version("v1.2", [])
    with pytest.raises(ReleaseError, match="major version follows the event schema"):
        check_version("2.0.0", [])
    with pytest.raises(ReleaseError, match=r"not after the latest release 1\.3\.0"):
        check_version("1.2.0", ["1.3.0"])


def test_release_folder_contents_and_checksums(store: Store, tmp_path: Path) -> None:
    _store_many(store)
    info = write_release(store, tmp_path / "r")
    names = sorted(p.name for p in info.path.iterdir())
    assert names == sorted(
        [
            "events.csv",
            "events.parquet",
            "changes.parquet",
            "deleted.csv",
            "CHANGELOG.md",
            "README.md",
            "datapackage.json",
            "metadata.json",
            "SHA256SUMS",
        ]
    )
    lines = (info.path / "SHA256SUMS").read_text().splitlines()
    listed = dict(reversed(line.split("  ")) for line in lines)
    assert set(listed) == set(names) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((info.path / name).read_bytes()).hexdigest() == digest
    assert verify_release(info.path) == []

    readme = (info.path / "README.md").read_text()
    assert "| Syria | 3 |" in readme and "| Iraq | 1 |" in readme
    assert "| 2020-03 | 3 |" in readme and "| 2020-04 | 1 |" in readme
    assert "| Explosions/Remote violence | 4 |" in readme


def test_datapackage_is_accepted_by_frictionless(store: Store, tmp_path: Path) -> None:
    from frictionless import validate

    _store_many(store)
    first = write_release(store, tmp_path / "r")
    store.set_validation({"SYR1": ("rejected", [])})  # a deletion, so every table has rows
    info = write_release(store, tmp_path / "r")
    package = json.loads((info.path / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert {"title": "Test Outlet"} in package["sources"]
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert fields["event_date"]["type"] == "date"
    assert "lowest credible" in fields["fatalities"]["description"]
    assert "Battles" in fields["event_type"]["constraints"]["enum"]
    for folder in (first.path, info.path):
        report = validate(folder / "datapackage.json")
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_rejects_a_tampered_csv(store: Store, tmp_path: Path) -> None:
    from frictionless import validate

    _store_many(store)
    info = write_release(store, tmp_path / "r")
    copy = tmp_path / "copy"
    shutil.copytree(info.path, copy)
    copy.chmod(0o755)
    for p in copy.iterdir():
        p.chmod(0o644)
    csv = copy / "events.csv"
    csv.write_text(csv.read_text().replace("Explosions/Remote violence", "Explosions"))
    report = validate(copy / "datapackage.json")
    assert not report.valid
    assert {"hash-count", "constraint-error"} <= {t for [t] in report.flatten(["type"])}
    problems = verify_release(copy)
    assert "events.csv: checksum differs from SHA256SUMS (the file changed)" in problems
    assert any("does not read with the release schema" in p for p in problems)


def test_verify_finds_changed_counts_and_missing_files(store: Store, tmp_path: Path) -> None:
    _store_many(store)
    info = write_release(store, tmp_path / "r")
    copy = tmp_path / "copy"
    shutil.copytree(info.path, copy)
    for p in [copy, *copy.iterdir()]:
        p.chmod(0o755)
    frame = pl.read_parquet(copy / "events.parquet")
    frame.head(2).write_parquet(copy / "events.parquet")
    problems = verify_release(copy)
    assert "events.parquet: checksum differs from SHA256SUMS (the file changed)" in problems
    assert "row counts differ: events.parquet 2, events.csv 4, metadata.json 4" in problems
    (copy / "README.md").unlink()
    assert verify_release(copy) == ["missing file(s): README.md"]


def test_readable_unchanged_by_pandas_and_duckdb(store: Store, tmp_path: Path) -> None:
    import duckdb
    import pandas as pd

    _store_many(store)
    folder = write_release(store, tmp_path / "r").path
    reference = pl.read_parquet(folder / "events.parquet")

    # pandas: both files give the same values (dtypes differ only where CSV cannot tell)
    from_parquet = pd.read_parquet(folder / "events.parquet", dtype_backend="pyarrow")
    from_csv = pd.read_csv(folder / "events.csv", dtype_backend="pyarrow", parse_dates=["event_date"])
    assert list(from_parquet.columns) == list(from_csv.columns) == reference.columns
    assert len(from_parquet) == len(from_csv) == reference.height
    for column in reference.columns:
        left = from_parquet[column].astype("string").fillna("<NA>").tolist()
        right = from_csv[column].astype("string").fillna("<NA>").tolist()
        if column == "event_date":
            right = [v[:10] for v in right]
        assert left == right, column
    assert from_parquet["fatalities"].tolist() == reference["fatalities"].to_list()

    # DuckDB: identical rows from both files, typed columns from the CSV sniffer too
    con = duckdb.connect()
    parquet_rows = con.sql(f"SELECT * FROM '{folder / 'events.parquet'}' ORDER BY event_id_cnty").fetchall()
    csv_rows = con.sql(f"SELECT * FROM read_csv('{folder / 'events.csv'}') ORDER BY event_id_cnty").fetchall()
    assert parquet_rows == csv_rows
    assert con.execute(f"SELECT sum(fatalities) FROM '{folder / 'events.csv'}'").fetchone() == (
        reference["fatalities"].sum(),
    )


def test_filters(store: Store, tmp_path: Path) -> None:
    ids = _store_many(store)

    def released(filters: ReleaseFilters) -> list[str]:
        info = write_release(store, tmp_path / "r", filters=filters)
        return sorted(pl.read_parquet(info.path / "events.parquet")["event_id_cnty"].to_list())

    assert released(ReleaseFilters(countries=("iraq",))) == ["IRQ1"]
    assert released(ReleaseFilters(countries=("SYR",))) == sorted(i for i in ids if i.startswith("SYR"))
    assert released(ReleaseFilters(date_from=dt.date(2020, 3, 2), date_to=dt.date(2020, 3, 31))) == ["SYR2"]
    # a release that would hold nothing and change nothing is not written
    with pytest.raises(ReleaseError, match=r"no event is releasable under the filters \(min_status accepted"):
        released(ReleaseFilters(min_status="accepted"))
    assert release_versions(tmp_path / "r") == ["1.0.0", "1.1.0", "1.2.0"]
    stored = store.event("SYR3")
    store.record_decision("SYR3", stored.version, "amal", "accept", stored.event, None)
    assert released(ReleaseFilters(min_status="accepted")) == ["SYR3"]
    meta = json.loads((tmp_path / "r" / "1.3.0" / "metadata.json").read_text())
    assert meta["filters"]["min_status"] == "accepted"
    # a filtered release compares with the previous one inside the same filters
    assert meta["changes"] == {"added": 1, "changed": 0, "deleted": 0}


def test_cli_release_verify_and_diff(tmp_path: Path) -> None:
    db = tmp_path / "coder.db"
    with Store(db) as store:
        _store_many(store)
    runner = CliRunner()
    out = str(tmp_path / "r")
    first = runner.invoke(cli, ["release", "--out", out, "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "release 1.0.0: 4 event(s)" in first.output
    with Store(db) as store:
        stored = store.event("SYR2")
        store.record_decision(
            "SYR2", stored.version, "amal", "edit", stored.event.model_copy(update={"fatalities": 5}), None
        )
    second = runner.invoke(cli, ["release", "--out", out, "--db", str(db), "--version", "1.0.1"])
    assert second.exit_code == 0, second.output
    assert "since 1.0.0: 0 added, 1 changed, 0 deleted" in second.output
    verified = runner.invoke(cli, ["release", "verify", f"{out}/1.0.1"])
    assert verified.exit_code == 0 and "are correct" in verified.output
    diff = runner.invoke(cli, ["release", "diff", f"{out}/1.0.0", f"{out}/1.0.1"])
    assert diff.exit_code == 0
    assert "- SYR2: fatalities; status; review_decision_id" in diff.output
    as_csv = runner.invoke(cli, ["release", "diff", f"{out}/1.0.0", f"{out}/1.0.1", "--format", "csv"])
    assert as_csv.output.splitlines() == [
        "event_id_cnty,change,fields",
        "SYR2,changed,fatalities; status; review_decision_id",
    ]
    refused = runner.invoke(cli, ["release", "--out", out, "--db", str(db), "--version", "1.0.0"])
    assert refused.exit_code == 1 and "never overwritten" in refused.output
    broken = runner.invoke(cli, ["release", "verify", str(tmp_path)])
    assert broken.exit_code == 1


def test_cli_country_names_aliases_and_codes_resolve_and_a_misspelt_one_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "coder.db"
    with Store(db) as store:
        _store_many(store)
    out = tmp_path / "r"

    def release(*args: str) -> Any:
        return CliRunner().invoke(cli, ["release", "--out", str(out), "--db", str(db), *args])

    refused = release("--country", "Syira")
    assert refused.exit_code == 2
    assert "'Syira' is no country datasets/countries.csv knows (did you mean Syria?)" in refused.output
    assert not out.exists()
    written = release("--country", "syrian arab republic", "--country", "SYR", "--country", "العراق")
    assert written.exit_code == 0, written.output
    meta = json.loads((out / "1.0.0" / "metadata.json").read_text())
    assert meta["filters"]["country"] == ["Syria", "Iraq"]
    assert meta["events"] == 4


def test_a_release_of_nothing_is_refused_unless_it_deletes(store: Store, tmp_path: Path) -> None:
    ids = _store_many(store)
    store.set_validation({ids[0]: ("flagged", [Flag(code="CHECK_ME", severity="error", message="x")])})
    store.set_validation({i: ("coded", []) for i in ids[1:3]})
    out = tmp_path / "r"
    with pytest.raises(ReleaseError) as refused:
        write_release(store, out, filters=ReleaseFilters(countries=("Yemen",)))
    assert str(refused.value) == (
        "nothing to release: no event is releasable under the filters (country Yemen), and no"
        " earlier release to change; the store holds 4 event(s) (2 coded, 1 flagged, 1 valid):"
        " `coder validate` checks the coded ones; `coder review export flagged.csv` puts the"
        " flagged ones to a reviewer"
    )
    assert not out.exists() or release_versions(out) == []
    first = write_release(store, out)
    assert first.events == 1
    store.set_validation({ids[3]: ("flagged", [Flag(code="CHECK_ME", severity="error", message="x")])})
    emptied = write_release(store, out)  # holds nothing, but deletes the one event released
    assert (emptied.events, emptied.changes["deleted"]) == (0, 1)
    with pytest.raises(ReleaseError, match="no event is releasable, and no earlier release to change"):
        write_release(store, out)
    assert release_versions(out) == ["1.0.0", "1.1.0"]
