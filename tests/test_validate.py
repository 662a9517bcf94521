"""Validating export files and the store: formats, structure errors, exit codes, outputs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from coder.cli import cli
from coder.store import Store
from coder.validate import TableError, rules_markdown, validate_store, validate_table
from tests.conftest import ROOT, make_event

TODAY = dt.date(2026, 1, 1)
HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp\n"
)
# Rows written for these tests: the same shelling in the older export format (numeric inter
# codes, 1-Mar-20 dates, no disorder_type) and in the newer one (word codes, ISO dates).
OLD = (
    "SYR1,1-Mar-20,2020,1,,Explosions/Remote violence,Shelling/artillery/missile attack,"
    "Military Forces of Syria (2000-2024),,1,Civilians (Syria),,7,17,,760,Middle East,Syria,Idleb,"
    ',,Sarmin,35.9033,36.7244,1,Test Outlet,Local,"On 1 March 2020, shelling hit Sarmin.",2,,1583107200\n'
)
NEW = (
    "SYR2,2020-03-01,2020,1,Political violence,Explosions/Remote violence,"
    "Shelling/artillery/missile attack,Military Forces of Syria (2000-2024),,State forces,"
    "Civilians (Syria),,Civilians,State forces-Civilians,Civilian targeting,760,Middle East,Syria,"
    'Idleb,,,Sarmin,35.9033,36.7244,1,Test Outlet,Local,"On 1 March 2020, shelling hit Sarmin.",2,,'
    "1583107200\n"
)
BROKEN = (  # an air strike typed as a battle, the wrong year, no second actor
    "SYR3,01 March 2020,2021,1,,Battles,Air/drone strike,Military Forces of Syria (2000-2024),,1,"
    ",,,10,,760,Middle East,Syria,Idleb,,,Sarmin,35.9033,36.7244,1,Test Outlet,Local,"
    '"On 1 March 2020, jets struck Sarmin.",0,,1583107200\n'
)


def export(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def codes_by_row(path: Path) -> dict[int, set[str]]:
    flags = validate_table(path, TODAY).flags
    return {row: set(codes) for row, codes in flags.group_by("row").agg("code").iter_rows()}


@pytest.mark.parametrize("row", [OLD, NEW], ids=["numeric-codes", "word-codes"])
def test_old_and_new_export_formats_both_read_clean(tmp_path: Path, row: str) -> None:
    report = validate_table(export(tmp_path, HEADER + row), TODAY)
    assert (report.rows, report.flags.height) == (1, 0)


def test_both_formats_read_to_the_same_values(tmp_path: Path) -> None:
    from coder.tables import read_table, typed_frame

    frame = typed_frame(read_table(export(tmp_path, HEADER + OLD + NEW)))
    columns = ["event_date", "inter1", "inter2", "interaction", "fatalities", "latitude"]
    assert frame.select(columns).row(0) == frame.select(columns).row(1)
    assert frame.select(columns).row(0) == (dt.date(2020, 3, 1), 1, 7, 17, 2, 35.9033)


def test_the_same_event_twice_is_a_duplicate(tmp_path: Path) -> None:
    flags = validate_table(export(tmp_path, HEADER + OLD + NEW), TODAY).flags
    assert flags.select("row", "code").rows() == [(1, "CIVILIAN_TARGETING_MISSING"), (2, "DUPLICATE_EVENT")]


def test_a_broken_export_row_gets_each_of_its_codes(tmp_path: Path) -> None:
    assert codes_by_row(export(tmp_path, HEADER + OLD + BROKEN)) == {
        2: {"SUBTYPE_NOT_IN_TYPE", "YEAR_MISMATCH", "ACTOR2_REQUIRED"}
    }


def test_structure_errors_name_the_column(tmp_path: Path) -> None:
    bad = (
        OLD.replace("Explosions/Remote violence", "Skirmish")
        .replace("35.9033", "135.9")
        .replace(",2,,1583107200", ",two,,1583107200")
        .replace("1-Mar-20", "31-Feb-20")
        .replace(",1,Civilians", ",Warlords,Civilians")
    )
    flags = validate_table(export(tmp_path, HEADER + bad), TODAY).flags
    schema = flags.filter(pl.col("code") == "SCHEMA_VIOLATION")
    assert set(schema["field"]) == {"event_type", "latitude", "fatalities", "event_date", "inter1"}
    messages = dict(schema.select("field", "message").iter_rows())
    assert messages["fatalities"] == "fatalities: 'two' is not of type 'integer'"
    assert "135.9 is greater than the maximum of 90" in messages["latitude"]


def test_missing_required_values_are_structure_errors(tmp_path: Path) -> None:
    blank_actor = OLD.replace("Military Forces of Syria (2000-2024),,1,", ",,1,")
    flags = validate_table(export(tmp_path, HEADER + blank_actor), TODAY).flags
    assert flags.filter(pl.col("code") == "SCHEMA_VIOLATION")["field"].to_list() == ["actor1"]


def test_columns_older_exports_lack_are_not_errors(tmp_path: Path) -> None:
    header = HEADER.replace("disorder_type,", "").replace("civilian_targeting,", "").replace(",tags", "")
    row = OLD.replace("2020,1,,Explosions", "2020,1,Explosions").replace("17,,760", "17,760")
    row = row.replace(",2,,1583107200", ",2,1583107200")
    assert validate_table(export(tmp_path, header + row), TODAY).flags.height == 0


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".json"])
def test_parquet_and_json_inputs(tmp_path: Path, suffix: str) -> None:
    frame = pl.read_csv(export(tmp_path, HEADER + OLD + BROKEN), infer_schema_length=None)
    path = tmp_path / f"export{suffix}"
    if suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix == ".jsonl":
        frame.write_ndjson(path)
    else:
        frame.write_json(path)
    assert codes_by_row(path) == {2: {"SUBTYPE_NOT_IN_TYPE", "YEAR_MISMATCH", "ACTOR2_REQUIRED"}}


def test_unreadable_tables_raise_table_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(TableError, match=r"export.csv: missing column\(s\) event_date"):
        validate_table(export(tmp_path, "a,b\n1,2\n"))
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(HEADER.encode() + OLD.replace("Sarmin", "Sarm\xefn").encode("latin-1"))
    with pytest.raises(TableError, match=r"latin1\.csv: not UTF-8"):
        validate_table(latin1)
    with pytest.raises(TableError, match="unknown format"):
        validate_table(export(tmp_path, "x", "notes.docx"))
    with pytest.raises(TableError, match="not a readable parquet table"):
        validate_table(export(tmp_path, "not parquet", "fake.parquet"))
    with pytest.raises(TableError, match="no such file"):
        validate_table(tmp_path / "absent.csv")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_cli_exit_codes_json_and_flags_csv(tmp_path: Path) -> None:
    clean = export(tmp_path, HEADER + NEW, "clean.csv")
    broken = export(tmp_path, HEADER + OLD + BROKEN, "broken.csv")
    assert run("validate", str(clean))[0] == 0
    assert run("validate", str(tmp_path / "absent.csv"))[0] == 2
    out = tmp_path / "flags.csv"
    code, text = run("validate", str(broken), "--format", "json", "--out", str(out))
    assert code == 1
    doc = json.loads(text)
    assert set(doc) == {"rows", "rows_with_errors", "rows_with_warnings", "flags", "rows_per_second"}
    assert (doc["rows"], doc["rows_with_errors"], doc["rows_with_warnings"]) == (2, 1, 0)
    assert set(doc["flags"][0]) == {"row", "event_id", "code", "severity", "field", "message"}
    assert doc["rows_per_second"] > 0
    written = pl.read_csv(out)
    assert written.columns == ["row", "event_id", "code", "severity", "field", "message"]
    assert sorted(written["code"]) == sorted(f["code"] for f in doc["flags"])


def test_cli_table_output_counts_codes(tmp_path: Path) -> None:
    code, text = run("validate", str(export(tmp_path, HEADER + OLD + BROKEN)))
    assert code == 1
    assert "2 rows: 1 with errors" in text and "SUBTYPE_NOT_IN_TYPE" in text


def test_store_validation_sets_statuses_and_keeps_coder_flags(store: Store, stored_event: str) -> None:
    assert validate_store(store) == {"valid": 1}
    event = store.event(stored_event)
    assert event is not None
    broken = event.event.model_copy(update={"fatalities": 3, "sub_event_type": "Armed clash"})
    store.db.execute("UPDATE events SET data = ? WHERE id = ?", (broken.model_dump_json(), stored_event))
    assert validate_store(store, [stored_event]) == {"flagged": 1}
    flagged = store.event(stored_event)
    assert flagged is not None
    assert {f.code for f in flagged.flags} == {"SUBTYPE_NOT_IN_TYPE"}


def test_cli_validates_the_store(tmp_path: Path, store: Store, stored_event: str) -> None:
    code, text = run("validate", "--db", str(store.path), "--format", "json")
    assert code == 0
    assert json.loads(text)["rows"] == 1


def test_rules_command_lists_every_code() -> None:
    from coder.validate import catalogue

    code, text = run("rules", "--format", "markdown")
    assert code == 0
    assert text == rules_markdown()
    assert all(f"`{e.code}`" in text for e in catalogue())


def test_readme_rules_table_is_up_to_date() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert rules_markdown() in readme, "README rules table is stale: paste `coder rules --format markdown`"


def test_validate_event_is_clean_for_the_shared_valid_event() -> None:
    from coder.validate import validate_event

    assert validate_event(make_event(), dt.date(2020, 3, 2), today=TODAY) == []
