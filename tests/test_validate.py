"""Each rule fires on a row broken one way, and stays silent on the valid row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coder.models import Event
from coder.validate import RULES, RowContext, has_errors, rule_flags, validate_event, validate_table
from tests.conftest import make_event

PUBLISHED = dt.date(2020, 3, 2)
TODAY = dt.date(2026, 1, 1)


def codes(event: Event, published: dt.date | None = PUBLISHED) -> set[str]:
    return {f.code for f in validate_event(event, published, today=TODAY)}


def test_valid_event_has_no_flags() -> None:
    assert validate_event(make_event(), PUBLISHED, today=TODAY) == []


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"sub_event_type": "Armed clash"}, "SUBTYPE_NOT_IN_TYPE"),
        ({"disorder_type": "Demonstrations"}, "DISORDER_TYPE_MISMATCH"),
        ({"interaction": 71}, "INTERACTION_MISMATCH"),
        ({"inter1": 7, "inter2": 1}, "INTER_NAME_MISMATCH"),  # swapped inter codes
        ({"event_date": dt.date(2020, 3, 5), "year": 2020}, "DATE_AFTER_PUBLICATION"),
        ({"year": 2019}, "YEAR_MISMATCH"),
        ({"latitude": 33.3152, "longitude": 44.3661}, "COORDS_OUTSIDE_COUNTRY"),  # Baghdad
        ({"source": None}, "SOURCE_MISSING"),
        ({"location": None}, "LOCATION_MISSING"),
        ({"event_date": None, "year": None}, "EVENT_DATE_MISSING"),
        (
            {
                "actor2": None,
                "inter2": None,
                "interaction": 10,
                "event_type": "Battles",
                "sub_event_type": "Armed clash",
                "civilian_targeting": None,
            },
            "ACTOR2_REQUIRED",
        ),
        ({"actor2": None, "interaction": 17}, "INTER2_WITHOUT_ACTOR2"),
        (
            {
                "event_type": "Protests",
                "sub_event_type": "Peaceful protest",
                "disorder_type": "Demonstrations",
                "actor1": "Protesters (Syria)",
                "inter1": 6,
                "actor2": None,
                "inter2": None,
                "interaction": 60,
                "civilian_targeting": None,
                "fatalities": 2,
            },
            "FATALITIES_NOT_ALLOWED",
        ),
        (
            {"actor2": "Military Forces of Turkey", "inter2": 8, "interaction": 18},
            "CIVILIAN_TARGETING_UNEXPECTED",
        ),
    ],
)
def test_each_break_raises_its_own_flag(overrides: dict, code: str) -> None:
    assert code in codes(make_event(**overrides))


def test_date_in_future_is_flagged_without_publication_date() -> None:
    future = make_event(event_date=dt.date(2030, 1, 1), year=2030)
    assert codes(future, published=None) >= {"DATE_IN_FUTURE"}


def test_every_rule_has_a_unique_code_and_an_explanation() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert all(r.explanation and r.fields for r in RULES)


def test_schema_layer_catches_what_the_model_would_not_allow() -> None:
    row = make_event().model_dump(mode="json")
    row["event_type"] = "Skirmish"
    row["latitude"] = 123.0
    flags = validate_event(make_event(), PUBLISHED, today=TODAY)
    assert flags == []
    from coder.validate import schema_flags

    fields = {f.field for f in schema_flags(row)}
    assert fields == {"event_type", "latitude"}


def test_warnings_are_not_errors() -> None:
    flags = rule_flags(
        make_event(actor2="Military Forces of Turkey", inter2=8, interaction=18).model_dump(),
        RowContext(published=PUBLISHED, today=TODAY),
    )
    assert flags and not has_errors(flags)


def _export(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp\n"
)


def test_export_file_in_old_and_new_formats(tmp_path: Path) -> None:
    # Rows written for this test: old numeric inter codes with a 9-May-20 date, and new word codes.
    rows = (
        "SYR1,1-Mar-20,2020,1,,Explosions/Remote violence,Shelling/artillery/missile attack,"
        "Military Forces of Syria (2000-2024),,1,Civilians (Syria),,7,17,,760,Middle East,Syria,Idleb,"
        ',,Sarmin,35.9033,36.7244,1,Test Outlet,Local,"On 1 March 2020, shelling.",2,,1583107200\n'
        "SYR2,2020-03-01,2020,1,Political violence,Explosions/Remote violence,"
        "Shelling/artillery/missile attack,Military Forces of Syria (2000-2024),,State forces,"
        "Civilians (Syria),,Civilians,State forces-Civilians,Civilian targeting,760,Middle East,Syria,"
        'Idleb,,,Sarmin,35.9033,36.7244,1,Test Outlet,Local,"On 1 March 2020, shelling.",2,,1583107200\n'
        "SYR3,01 March 2020,2021,1,,Battles,Air/drone strike,Military Forces of Syria (2000-2024),,1,"
        ",,,10,,760,Middle East,Syria,Idleb,,,Sarmin,35.9033,36.7244,1,Test Outlet,Local,x,0,,1583107200\n"
    )
    n, findings = validate_table(_export(tmp_path, HEADER + rows))
    assert n == 3
    by_row: dict[int, set[str]] = {}
    for row, _, flag in findings:
        by_row.setdefault(row, set()).add(flag.code)
    assert 1 not in by_row and 2 not in by_row
    assert by_row[3] >= {"SUBTYPE_NOT_IN_TYPE", "YEAR_MISMATCH", "ACTOR2_REQUIRED"}


def test_unreadable_tables_raise_table_error(tmp_path: Path) -> None:
    from coder.validate import TableError

    with pytest.raises(TableError, match="missing column"):
        validate_table(_export(tmp_path, "a,b\n1,2\n"))
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(HEADER.encode() + "SYR1,1-Mar-20,2020,1,,Battles,Armed clash,Caf\xe9".encode("latin-1"))
    with pytest.raises(TableError, match="not UTF-8"):
        validate_table(bad)
    with pytest.raises(TableError, match="unknown format"):
        validate_table(_export(tmp_path, "x").rename(tmp_path / "x.docx"))
