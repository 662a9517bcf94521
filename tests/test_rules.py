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
PROVINCE_TEXT = "Regime artillery shelled villages in Idlib province on Sunday, killing two civilians."
WEEK_TEXT = "Regime artillery shelled Sarmin in Idlib last week, killing two civilians."
# gazetteer coordinates of towns in Aleppo governorate (GeoNames)
MANBIJ: dict[str, Any] = {"latitude": 36.5282, "longitude": 37.955}
ALEPPO: dict[str, Any] = {"latitude": 36.2012, "longitude": 37.1612}
IDLEB_CITY: dict[str, Any] = {"location": "Idleb", "latitude": 35.9306, "longitude": 36.6339}


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
    "TIME_PRECISION_APPROXIMATE": one(
        row("shelling", notes="Around 1 March 2020 (as reported), regime artillery shelled Sarmin (Idleb).")
    ),
    "LOCATION_MISSING": one(row("shelling", location=None)),
    "COUNTRY_UNKNOWN": one(row("shelling", country="Atlantis", iso=None, region=None)),
    # coordinates in another country: Baghdad
    "COORDS_OUTSIDE_COUNTRY": one(row("shelling", latitude=33.3152, longitude=44.3661)),
    # Al-Bukamal (Deir-ez-Zor) given as in Idleb
    "COORDS_OUTSIDE_ADMIN1": one(row("shelling", latitude=34.4534, longitude=40.9188)),
    # Aleppo city named, the coordinates of Manbij (80 km away) given
    "LOCATION_FAR_FROM_COORDS": one(row("shelling", location="Aleppo", admin1="Aleppo", **MANBIJ)),
    # Sarmin is in Idleb, some 50 km from the nearest place of Hama governorate
    "ADMIN1_GAZETTEER_MISMATCH": one(row("shelling", admin1="Hama")),
    # Manbij is the seat of its own district, not of Mount Simeon (Aleppo city's)
    "ADMIN2_GAZETTEER_MISMATCH": one(
        row("shelling", location="Manbij", admin1="Aleppo", admin2="Mount Simeon", **MANBIJ)
    ),
    "GEO_PRECISION_NOTES": one(
        row("shelling", notes="On 1 March 2020, regime artillery shelled farmland near Sarmin (Idleb).")
    ),
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
    "TIME_PRECISION_EVIDENCE": one(
        row(
            "shelling",
            event_date=dt.date(2020, 2, 24),
            notes=None,
            evidence={"event_date": [span(WEEK_TEXT, "last week")]},
        ),
        WEEK_TEXT,
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
    "TIME_PRECISION_APPROXIMATE": one(
        row(
            "shelling",
            time_precision=2,
            notes="Around 1 March 2020 (as reported), regime artillery shelled Sarmin (Idleb).",
        )
    ),
    "LOCATION_MISSING": one(row("shelling")),
    "COUNTRY_UNKNOWN": one(row("shelling", country="Syrian Arab Republic")),  # an alias
    # Syria's edge: inside the gazetteer's bounding box
    "COORDS_OUTSIDE_COUNTRY": one(row("shelling", admin1="Deir-ez-Zor", latitude=34.4534, longitude=40.9188)),
    "COORDS_OUTSIDE_ADMIN1": one(row("shelling", admin1="Deir-ez-Zor", latitude=34.4534, longitude=40.9188)),
    # at geo_precision 2 a place may be coded to a district centre up to 100 km away
    "LOCATION_FAR_FROM_COORDS": one(
        row("shelling", location="Aleppo", admin1="Aleppo", geo_precision=2, **MANBIJ)
    ),
    "ADMIN1_GAZETTEER_MISMATCH": one(row("shelling", admin1="Idlib")),  # another spelling of Idleb
    "ADMIN2_GAZETTEER_MISMATCH": one(
        row("shelling", location="Manbij", admin1="Aleppo", admin2="Manbij", **MANBIJ)
    ),
    "GEO_PRECISION_NOTES": one(
        row(
            "shelling",
            geo_precision=2,
            notes="On 1 March 2020, regime artillery shelled farmland near Sarmin (Idleb).",
        )
    ),
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
    "TIME_PRECISION_EVIDENCE": one(
        row(
            "shelling",
            event_date=dt.date(2020, 2, 24),
            time_precision=2,
            notes=None,
            evidence={"event_date": [span(WEEK_TEXT, "last week")]},
        ),
        WEEK_TEXT,
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


@pytest.mark.parametrize(
    ("event", "why"),
    [
        # Sarmin (Idleb) is a village the gazetteer cannot be sure is the only one of its name
        (row("shelling", **MANBIJ), "not a town of 5,000+"),
        # the row's admin2 is not Aleppo city's district: perhaps another place called Aleppo
        (row("shelling", location="Aleppo", admin1="Aleppo", admin2="Manbij", **MANBIJ), "other admin2"),
        (row("shelling", location="Aleppo", admin1="Idleb", **MANBIJ), "no Aleppo town in that admin1"),
    ],
)
def test_location_far_from_coords_stays_silent_where_the_gazetteer_is_unsure(event: Event, why: str) -> None:
    assert "LOCATION_FAR_FROM_COORDS" not in codes_of(one(event)), why


def test_location_far_from_coords_says_where_the_gazetteer_has_the_place() -> None:
    events, _ = FIRES["LOCATION_FAR_FROM_COORDS"]
    [flag] = validate_events(events, [PUBLISHED], TODAY)[0]
    assert (flag.code, flag.field, flag.severity) == ("LOCATION_FAR_FROM_COORDS", "latitude", "warning")
    assert flag.message == (
        "the gazetteer has Aleppo (Aleppo) at (36.2012, 37.1612), 80 km from (36.5282, 37.955):"
        " check the coordinates or the location"
    )


def test_admin1_mismatch_forgives_a_town_near_the_boundary() -> None:
    # Binnish (Idleb) lies within 25 km of places of Aleppo governorate
    binnish = row("shelling", location="Binnish", admin1="Aleppo", latitude=35.9566, longitude=36.7138)
    far = row("shelling", location="Binnish", admin1="Hama", latitude=35.9566, longitude=36.7138)
    assert "ADMIN1_GAZETTEER_MISMATCH" not in codes_of(one(binnish))
    assert "ADMIN1_GAZETTEER_MISMATCH" in codes_of(one(far))


def test_admin1_names_compare_through_the_gazetteer_aliases() -> None:
    from coder.place_consistency import admin1_unit

    assert admin1_unit("Syria", "Idlib") == admin1_unit("Syria", "Idleb") == "Idleb"
    assert admin1_unit("Ukraine", "Odessa") == "Odesa"  # the alias is the city's, the unit named after it
    assert admin1_unit("Syria", "Narnia") is None


@pytest.mark.parametrize(
    ("notes", "fires"),
    [
        ("On 1 March 2020, regime artillery shelled farmland near the village of Sarmin, Idleb.", True),
        ("On 1 March 2020, regime artillery shelled the countryside of Sarmin (Idleb).", True),
        ("On 1 March 2020, regime artillery shelled houses near Sarmin hospital (Idleb).", False),
        ("On 1 March 2020, regime artillery shelled Sarmin near the road to Saraqib (Idleb).", False),
    ],
)
def test_geo_precision_notes_reads_near_the_location_only(notes: str, fires: bool) -> None:
    assert ("GEO_PRECISION_NOTES" in codes_of(one(row("shelling", notes=notes)))) is fires


@pytest.mark.parametrize(
    ("notes", "fires"),
    [
        ("On 1 March 2020 (or around), regime artillery shelled Sarmin (Idleb).", True),
        ("As reported on 1 March 2020, regime artillery shelled Sarmin (Idleb).", True),
        ("Shelling: Around 1 March 2020, regime artillery shelled Sarmin (Idleb).", True),
        ("On 1 March 2020, regime artillery shelled Sarmin (Idleb), as reported by activists.", False),
    ],
)
def test_time_precision_approximate_reads_the_opening_date(notes: str, fires: bool) -> None:
    assert ("TIME_PRECISION_APPROXIMATE" in codes_of(one(row("shelling", notes=notes)))) is fires


def test_geo_precision_evidence_wants_3_for_a_province() -> None:
    evidence = {"location": [span(PROVINCE_TEXT, "Idlib")]}
    province = row("shelling", **IDLEB_CITY, geo_precision=1, evidence=evidence)
    assert "GEO_PRECISION_EVIDENCE" in codes_of(one(province, PROVINCE_TEXT))
    assert codes_of(one(province.model_copy(update={"geo_precision": 3}), PROVINCE_TEXT)) == []


@pytest.mark.parametrize(
    ("text", "quote", "event_date", "precision", "fires"),
    [
        ("Regime artillery shelled Sarmin around 1 March, killing two civilians.", "around 1 March",
         dt.date(2020, 3, 1), 1, True),
        ("Regime artillery shelled Sarmin yesterday, killing two civilians.", "yesterday",
         dt.date(2020, 3, 1), 3, True),
        ("Regime artillery shelled Sarmin yesterday, killing two civilians.", "yesterday",
         dt.date(2020, 3, 1), 1, False),
        ("Regime artillery shelled Sarmin in February, killing two civilians.", "February",
         dt.date(2020, 2, 1), 3, False),
    ],
)  # fmt: skip
def test_time_precision_evidence_follows_the_date_rules(
    text: str, quote: str, event_date: dt.date, precision: int, fires: bool
) -> None:
    event = row(
        "shelling",
        event_date=event_date,
        time_precision=precision,
        notes=None,
        evidence={"event_date": [span(text, quote)]},
    )
    assert ("TIME_PRECISION_EVIDENCE" in codes_of(one(event, text))) is fires


def test_coords_outside_admin1_reads_admin1_aliases() -> None:
    # Al-Bukamal's coordinates with "Idlib", the usual English spelling of the gazetteer's Idleb
    event = row("shelling", admin1="Idlib", latitude=34.4534, longitude=40.9188)
    assert "COORDS_OUTSIDE_ADMIN1" in codes_of(one(event))
