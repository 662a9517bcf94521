"""Every check fires on a valid row broken one way, and stays silent on a valid near miss.

The rows are written here (a shelling, a battle, a protest, a riot, an attack on civilians and
a strategic development, all in Sarmin, Syria); none comes from an eval file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from coder.models import Article, Event, Span
from coder.validate import catalogue, validate_events
from tests.conftest import ARTICLE, make_event

PUBLISHED = dt.date(2020, 3, 2)
TODAY = dt.date(2026, 1, 1)
NO_CIVILIANS: dict[str, Any] = {"civilian_targeting": None}

BASES: dict[str, dict[str, Any]] = {
    "shelling": {},
    "battle": {
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor2": "Unidentified Armed Group (Syria)",
        "inter2": 3,
        "interaction": 13,
        "fatalities": 1,
        **NO_CIVILIANS,
        "notes": "On 1 March 2020, regime forces clashed with gunmen in Sarmin (Idleb).",
    },
    "protest": {
        "disorder_type": "Demonstrations",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "actor1": "Protesters (Syria)",
        "inter1": 6,
        "actor2": None,
        "inter2": None,
        "interaction": 60,
        "fatalities": 0,
        **NO_CIVILIANS,
        "notes": "On 1 March 2020, residents of Sarmin (Idleb) protested against the shelling.",
    },
    "riot": {
        "disorder_type": "Demonstrations",
        "event_type": "Riots",
        "sub_event_type": "Violent demonstration",
        "actor1": "Rioters (Syria)",
        "inter1": 5,
        "actor2": "Police Forces of Syria (2000-2024)",
        "inter2": 1,
        "interaction": 15,
        "fatalities": 0,
        **NO_CIVILIANS,
        "notes": "On 1 March 2020, rioters burned tyres and threw stones at police in Sarmin (Idleb).",
    },
    "attack": {
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "actor1": "Unidentified Armed Group (Syria)",
        "inter1": 3,
        "interaction": 37,
        "fatalities": 1,
        "notes": "On 1 March 2020, gunmen shot dead a man in Sarmin (Idleb).",
    },
    "strategic": {
        "disorder_type": "Strategic developments",
        "event_type": "Strategic developments",
        "sub_event_type": "Other",
        "actor2": None,
        "inter2": None,
        "interaction": 10,
        "fatalities": 0,
        **NO_CIVILIANS,
        "notes": "On 1 March 2020, regime forces set up checkpoints around Sarmin (Idleb).",
    },
}
NEAR_TEXT = "Regime artillery shelled the area near Sarmin in Idlib on Sunday, killing two civilians."


def row(base: str, **overrides: Any) -> Event:
    return make_event(**{**BASES[base], **overrides})


def span(text: str, needle: str) -> Span:
    start = text.index(needle)
    return Span(start=start, end=start + len(needle), text=needle)


# Each case: the events validated together (the last one is checked) and the article text.
Case = tuple[list[Event], str | None]


def one(event: Event, text: str | None = None) -> Case:
    return [event], text


def twins(first: Event, second: Event) -> Case:
    return [first, second], None


FIRES: dict[str, Case] = {
    # built with model_copy, which skips pydantic, as a hand-edited or LLM row could be
    "SCHEMA_VIOLATION": one(make_event().model_copy(update={"latitude": 123.0})),
    "SUBTYPE_NOT_IN_TYPE": one(row("shelling", sub_event_type="Armed clash")),
    "DISORDER_TYPE_MISMATCH": one(row("shelling", disorder_type="Demonstrations")),
    "ACTOR2_REQUIRED": one(row("battle", actor2=None, inter2=None, interaction=10)),
    "INTER2_WITHOUT_ACTOR2": one(row("strategic", inter2=7, interaction=17)),
    "ASSOC_ACTOR_WITHOUT_ACTOR": one(row("strategic", assoc_actor_2="Women (Syria)")),
    "BATTLE_ACTOR_NOT_ARMED": one(row("battle", actor2="Civilians (Syria)", inter2=7, interaction=17)),
    "CIVILIAN_VIOLENCE_TARGET": one(
        row("attack", actor2="Police Forces of Syria (2000-2024)", inter2=1, interaction=13, **NO_CIVILIANS)
    ),
    "CIVILIAN_VIOLENCE_PERPETRATOR": one(
        row("attack", actor1="Protesters (Syria)", inter1=6, interaction=67)
    ),
    "PROTEST_WITHOUT_PROTESTERS": one(
        row("protest", actor1="Military Forces of Syria (2000-2024)", inter1=1, interaction=10)
    ),
    "PEACEFUL_PROTEST_OPPONENT": one(
        row("protest", actor2="Police Forces of Syria (2000-2024)", inter2=1, interaction=16)
    ),
    "RIOT_WITHOUT_RIOTERS": one(row("riot", actor1="Protesters (Syria)", inter1=6, interaction=16)),
    "INTERACTION_MISMATCH": one(row("shelling", interaction=71)),
    "INTER1_NAME_MISMATCH": one(row("protest", inter1=5, interaction=50)),
    # the inter codes of a shelling of civilians swapped
    "INTER2_NAME_MISMATCH": one(row("shelling", inter1=7, inter2=1)),
    "INTER1_ACTOR_KIND": one(row("shelling", actor1="Military Forces of Turkey")),
    "INTER2_ACTOR_KIND": one(row("battle", actor2="Military Forces of Turkey", inter2=1, interaction=11)),
    "CIVILIAN_TARGETING_UNEXPECTED": one(
        row("shelling", actor2="Military Forces of Turkey", inter2=8, interaction=18)
    ),
    "CIVILIAN_TARGETING_MISSING": one(row("attack", **NO_CIVILIANS)),
    "FATALITIES_NOT_ALLOWED": one(row("protest", fatalities=2)),  # a protest with fatalities
    "FATALITIES_UNEXPECTED": one(row("strategic", fatalities=1)),
    "EVENT_DATE_MISSING": one(row("shelling", event_date=None, year=None)),
    "DATE_AFTER_PUBLICATION": one(row("shelling", event_date=dt.date(2020, 3, 5), notes=None)),
    "DATE_IN_FUTURE": one(row("shelling", event_date=dt.date(2030, 1, 1), year=2030, notes=None)),
    "YEAR_MISMATCH": one(row("shelling", year=2019)),
    "NOTES_DATE_MISMATCH": one(row("shelling", notes="On 2 March 2020, regime artillery shelled Sarmin.")),
    "NOTES_WITHOUT_DATE": one(row("shelling", notes="Regime artillery shelled Sarmin (Idleb).")),
    "TIME_PRECISION_NOTES": one(row("shelling", time_precision=3)),
    "LOCATION_MISSING": one(row("shelling", location=None)),
    "COUNTRY_UNKNOWN": one(row("shelling", country="Atlantis", iso=None, region=None)),
    # coordinates in another country: Baghdad
    "COORDS_OUTSIDE_COUNTRY": one(row("shelling", latitude=33.3152, longitude=44.3661)),
    # Al-Bukamal (Deir-ez-Zor) given as in Idleb
    "COORDS_OUTSIDE_ADMIN1": one(row("shelling", latitude=34.4534, longitude=40.9188)),
    "ISO_MISMATCH": one(row("shelling", iso=368)),
    "REGION_MISMATCH": one(row("shelling", region="Europe")),
    "ADMIN_LEVEL_GAP": one(row("shelling", admin1=None, admin2="Idleb")),
    "SOURCE_MISSING": one(row("shelling", source=None)),
    "SOURCE_SCALE_UNKNOWN": one(row("shelling", source_scale="Galactic")),
    "DUPLICATE_EVENT_ID": twins(row("shelling", event_id_cnty="SYR1"), row("battle", event_id_cnty="SYR1")),
    "DUPLICATE_EVENT": twins(
        row("shelling", event_id_cnty="SYR1"), row("shelling", event_id_cnty="SYR2", fatalities=1)
    ),
    "EVIDENCE_OUTSIDE_ARTICLE": one(
        row("shelling", evidence={"location": [Span(start=80, end=500, text="Sarmin")]}), ARTICLE.text
    ),
    "EVIDENCE_TEXT_MISMATCH": one(
        row("shelling", evidence={"actor1": [Span(start=0, end=6, text="Rebels")]}), ARTICLE.text
    ),
    "EVIDENCE_UNKNOWN_FIELD": one(
        row("shelling", evidence={"weather": [span(ARTICLE.text, "Sunday")]}), ARTICLE.text
    ),
    "LOCATION_EVIDENCE_MISMATCH": one(
        row("shelling", evidence={"location": [span(ARTICLE.text, "Idlib")]}), ARTICLE.text
    ),
    "GEO_PRECISION_EVIDENCE": one(
        row("shelling", evidence={"location": [span(NEAR_TEXT, "Sarmin")]}), NEAR_TEXT
    ),
}

SILENT: dict[str, Case] = {
    "SCHEMA_VIOLATION": one(make_event().model_copy(update={"latitude": 35.95})),
    "SUBTYPE_NOT_IN_TYPE": one(row("battle", sub_event_type="Government regains territory")),
    "DISORDER_TYPE_MISMATCH": one(row("shelling", disorder_type=None)),  # older exports leave it blank
    "ACTOR2_REQUIRED": one(row("shelling", actor2=None, inter2=None, interaction=10, **NO_CIVILIANS)),
    "INTER2_WITHOUT_ACTOR2": one(row("strategic")),
    "ASSOC_ACTOR_WITHOUT_ACTOR": one(row("shelling", assoc_actor_2="Women (Syria)")),
    "BATTLE_ACTOR_NOT_ARMED": one(
        row("battle", actor2="Military Forces of Turkey", inter2=8, interaction=18)
    ),
    "CIVILIAN_VIOLENCE_TARGET": one(row("attack")),
    "CIVILIAN_VIOLENCE_PERPETRATOR": one(row("attack", actor1="Rioters (Syria)", inter1=5, interaction=57)),
    "PROTEST_WITHOUT_PROTESTERS": one(
        row(
            "protest",
            sub_event_type="Protest with intervention",
            actor2="Police Forces of Syria (2000-2024)",
            inter2=1,
            interaction=16,
        )
    ),
    # a counter-demonstration: protesters on both sides
    "PEACEFUL_PROTEST_OPPONENT": one(row("protest", actor2="Protesters (Syria)", inter2=6, interaction=66)),
    "RIOT_WITHOUT_RIOTERS": one(
        row(
            "riot",
            disorder_type="Political violence",
            sub_event_type="Mob violence",
            actor1="Police Forces of Syria (2000-2024)",
            inter1=1,
            actor2="Rioters (Syria)",
            inter2=5,
        )
    ),
    "INTERACTION_MISMATCH": one(row("shelling", interaction=None)),
    "INTER1_NAME_MISMATCH": one(row("protest")),
    "INTER2_NAME_MISMATCH": one(row("shelling", inter1=1, inter2=7)),
    "INTER1_ACTOR_KIND": one(row("shelling", actor1="Military Forces of Turkey", inter1=8, interaction=78)),
    "INTER2_ACTOR_KIND": one(row("battle", actor2="Military Forces of Turkey", inter2=8, interaction=18)),
    "CIVILIAN_TARGETING_UNEXPECTED": one(row("shelling")),
    "CIVILIAN_TARGETING_MISSING": one(
        row("shelling", actor2=None, inter2=None, interaction=10, **NO_CIVILIANS)
    ),
    "FATALITIES_NOT_ALLOWED": one(
        row(
            "protest",
            disorder_type="Political violence; Demonstrations",
            sub_event_type="Excessive force against protesters",
            actor2="Police Forces of Syria (2000-2024)",
            inter2=1,
            interaction=16,
            fatalities=2,
        )
    ),
    "FATALITIES_UNEXPECTED": one(row("strategic")),
    "EVENT_DATE_MISSING": one(row("shelling")),
    "DATE_AFTER_PUBLICATION": one(row("shelling", event_date=PUBLISHED, notes=None)),
    "DATE_IN_FUTURE": one(row("shelling", event_date=PUBLISHED, notes=None)),
    "YEAR_MISMATCH": one(row("shelling", year=None)),
    # time_precision 2: the notes' date lies within the week coded
    "NOTES_DATE_MISMATCH": one(
        row(
            "shelling", time_precision=2, notes="Around 2 March 2020 (as reported), artillery shelled Sarmin."
        )
    ),
    "NOTES_WITHOUT_DATE": one(
        row("shelling", notes="Looting: On 1 March 2020, gunmen looted shops in Sarmin.")
    ),
    "TIME_PRECISION_NOTES": one(
        row("shelling", time_precision=3, notes="In March 2020, artillery repeatedly shelled Sarmin (Idleb).")
    ),
    "LOCATION_MISSING": one(row("shelling")),
    "COUNTRY_UNKNOWN": one(row("shelling", country="Syrian Arab Republic")),  # an alias
    # Syria's edge: inside the gazetteer's bounding box
    "COORDS_OUTSIDE_COUNTRY": one(row("shelling", admin1="Deir-ez-Zor", latitude=34.4534, longitude=40.9188)),
    "COORDS_OUTSIDE_ADMIN1": one(row("shelling", admin1="Deir-ez-Zor", latitude=34.4534, longitude=40.9188)),
    "ISO_MISMATCH": one(row("shelling", iso=None)),
    "REGION_MISMATCH": one(row("shelling", region="Middle East")),
    "ADMIN_LEVEL_GAP": one(row("shelling", admin2="Idleb")),
    "SOURCE_MISSING": one(row("shelling", source="Test Outlet; Another Outlet")),
    "SOURCE_SCALE_UNKNOWN": one(row("shelling", source_scale="Local partner-National")),
    "DUPLICATE_EVENT_ID": twins(row("shelling", event_id_cnty="SYR1"), row("battle", event_id_cnty="SYR2")),
    # same day and actors, another place: two events
    "DUPLICATE_EVENT": twins(
        row("shelling", event_id_cnty="SYR1"),
        row("shelling", event_id_cnty="SYR2", location="Saraqib", latitude=35.8647, longitude=36.8006),
    ),
    "EVIDENCE_OUTSIDE_ARTICLE": one(
        row("shelling", evidence={"location": [span(ARTICLE.text, "Sarmin")]}), ARTICLE.text
    ),
    "EVIDENCE_TEXT_MISMATCH": one(
        row("shelling", evidence={"actor1": [span(ARTICLE.text, "Regime artillery")]}), ARTICLE.text
    ),
    "EVIDENCE_UNKNOWN_FIELD": one(
        row("shelling", evidence={"event_date": [span(ARTICLE.text, "Sunday")]}), ARTICLE.text
    ),
    "LOCATION_EVIDENCE_MISMATCH": one(
        row("shelling", evidence={"location": [span(ARTICLE.text, "Sarmin")]}), ARTICLE.text
    ),
    "GEO_PRECISION_EVIDENCE": one(
        row("shelling", geo_precision=2, evidence={"location": [span(NEAR_TEXT, "Sarmin")]}), NEAR_TEXT
    ),
}


def codes_of(case: Case) -> list[str]:
    events, text = case
    flags = validate_events(events, [PUBLISHED] * len(events), TODAY, [text] * len(events))
    return [f.code for f in flags[-1]]


def test_every_check_has_a_firing_and_a_silent_case() -> None:
    codes = [e.code for e in catalogue()]
    assert len(codes) == len(set(codes))
    assert set(FIRES) == set(codes)
    assert set(SILENT) == set(codes)


@pytest.mark.parametrize("base", sorted(BASES))
def test_the_valid_rows_have_no_flags(base: str) -> None:
    assert codes_of(one(row(base))) == []


@pytest.mark.parametrize("code", sorted(FIRES))
def test_check_fires_on_its_break(code: str) -> None:
    assert code in codes_of(FIRES[code])


@pytest.mark.parametrize("code", sorted(SILENT))
def test_check_stays_silent_on_a_near_miss(code: str) -> None:
    assert codes_of(SILENT[code]) == []


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # the breaks the issue names, one at a time, and the exact codes they raise
        (FIRES["SUBTYPE_NOT_IN_TYPE"], ["SUBTYPE_NOT_IN_TYPE"]),
        (FIRES["INTER2_NAME_MISMATCH"], ["INTER1_ACTOR_KIND", "INTER2_NAME_MISMATCH"]),
        (FIRES["DATE_AFTER_PUBLICATION"], ["DATE_AFTER_PUBLICATION"]),
        (FIRES["COORDS_OUTSIDE_COUNTRY"], ["COORDS_OUTSIDE_COUNTRY", "COORDS_OUTSIDE_ADMIN1"]),
        (FIRES["FATALITIES_NOT_ALLOWED"], ["FATALITIES_NOT_ALLOWED"]),
        (FIRES["ACTOR2_REQUIRED"], ["ACTOR2_REQUIRED"]),
    ],
)
def test_single_breaks_raise_exactly_their_codes(case: Case, expected: list[str]) -> None:
    assert sorted(codes_of(case)) == sorted(expected)


def test_flags_name_the_field_and_say_what_to_check() -> None:
    events, _ = FIRES["INTERACTION_MISMATCH"]
    [flag] = validate_events(events, [PUBLISHED], TODAY)[0]
    assert (flag.field, flag.severity) == ("interaction", "error")
    assert flag.message == "inter1=1 and inter2=7 make 17, not 71"


def test_duplicates_flag_the_later_row_only() -> None:
    events, _ = FIRES["DUPLICATE_EVENT_ID"]
    first, second = validate_events(events, [PUBLISHED, PUBLISHED], TODAY)
    assert "DUPLICATE_EVENT_ID" not in {f.code for f in first}
    assert [f.message for f in second if f.code == "DUPLICATE_EVENT_ID"] == [
        "event_id_cnty SYR1 already used on row 1"
    ]


def test_offline_coder_rows_pass_their_own_evidence_checks() -> None:
    from coder.offline import OfflineCoder

    article = Article(
        id="fedcba9876543210",
        text="Regime artillery shelled the town of Sarmin in Idlib on Sunday, killing two civilians.",
        outlet="Test Outlet",
        language="en",
        published=PUBLISHED,
    )
    coded = OfflineCoder()(article)
    assert coded
    events = [c.event for c in coded]
    found = validate_events(events, [PUBLISHED] * len(events), TODAY, [article.text] * len(events))
    evidence_codes = {e.code for e in catalogue() if e.applies_to == "coded rows"}
    assert not {f.code for flags in found for f in flags} & evidence_codes
