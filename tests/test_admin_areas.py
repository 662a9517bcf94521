"""Areas below the province (datasets/admin_areas.csv): found in a text, coded to their
province's capital when the gazetteer knows no place there (sentences are ours)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from coder.admin_areas import AREAS_FILE, _areas, find_areas
from coder.gazetteer import get_gazetteer
from coder.models import Article
from coder.offline import OfflineCoder


def code(text: str) -> list:
    article = Article(id="t", text=text, language="en", published=dt.date(2019, 3, 5))
    return [c.event for c in OfflineCoder()(article)]


def test_the_dataset_names_provinces_the_gazetteer_knows() -> None:
    gazetteer = get_gazetteer()
    with AREAS_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 1000
    assert {r["kind"] for r in rows} == {"constituency", "ward", "sub-county", "locality", "area"}
    for admin1 in {r["admin1"] for r in rows}:
        assert gazetteer.admin1_place("Kenya", admin1) is not None, admin1
    # a name the gazetteer knows is left to the gazetteer
    assert not [r for r in rows if r["name"] in ("Kisumu", "Eldoret", "Garissa")]


def test_an_area_is_found_with_its_province() -> None:
    found = find_areas("Traders in Kanduyi shut their stalls, and Rarieda stayed calm.", "Kenya")
    assert [(a.text, a.admin1, a.admin2) for a in found] == [
        ("Kanduyi", "Bungoma", "Kanduyi"),
        ("Rarieda", "Siaya", "Rarieda"),
    ]


def test_only_a_written_name_counts() -> None:
    assert find_areas("the kanduyi traders", "Kenya") == []  # not written as a name
    assert find_areas("Traders in Kanduyi shut their stalls.", "Uganda") == []  # another country
    assert find_areas("Traders in Kanduyi shut their stalls.", None) == []


def test_a_name_of_two_provinces_is_not_used(tmp_path: Path) -> None:
    table = tmp_path / "areas.csv"
    table.write_text(
        "country,name,kind,admin1,admin2\n"
        "Kenya,Kamukunji,ward,Nairobi,Kamukunji\n"
        "Kenya,Township,ward,Kakamega,Lurambi\n"
        "Kenya,Township,ward,Kisumu,Kisumu Central\n",
        encoding="utf-8",
    )
    areas = _areas("Kenya", table)
    assert areas is not None
    assert set(areas.units) == {"kamukunji"}


def test_a_ward_outranks_an_estate_of_its_name(tmp_path: Path) -> None:
    table = tmp_path / "areas.csv"
    table.write_text(
        "country,name,kind,admin1,admin2\n"
        "Kenya,Kamukunji,area,Kisumu,\n"
        "Kenya,Kamukunji,ward,Nairobi,Kamukunji\n"
        "Kenya,Pembe,area,Kilifi,\n",
        encoding="utf-8",
    )
    areas = _areas("Kenya", table)
    assert areas is not None
    assert areas.units == {"kamukunji": ("Nairobi", "Kamukunji", False), "pembe": ("Kilifi", None, True)}


def test_an_event_in_an_area_is_coded_to_its_province_capital() -> None:
    events = code("Police in Kenya shot dead two robbery suspects in Kanduyi on Sunday night.")
    assert len(events) == 1
    event = events[0]
    capital = get_gazetteer().admin1_place("Kenya", "Bungoma")
    assert capital is not None
    assert (event.country, event.admin1, event.location, event.geo_precision) == (
        "Kenya",
        "Bungoma",
        "Kanduyi",
        3,
    )
    assert (event.latitude, event.longitude) == (round(capital.latitude, 4), round(capital.longitude, 4))


def test_a_village_and_its_constituency_make_one_place() -> None:
    events = code("In Kenya, residents of Kochia in Rangwe constituency beat a suspected thief to death.")
    assert [(e.location, e.admin1) for e in events] == [("Kochia", "Homa Bay")]


def test_areas_of_two_provinces_leave_the_place_open() -> None:
    events = code("Kenyan police broke up protests in Kanduyi and in Rarieda on Monday.")
    assert events and all(e.admin1 is None for e in events)


def test_a_place_the_gazetteer_knows_comes_first() -> None:
    events = code("Police in Kenya dispersed traders in Kisumu, whose leader comes from Rarieda.")
    assert [(e.location, e.admin1) for e in events] == [("Kisumu", "Kisumu")]


def test_a_person_named_like_an_area_is_no_place() -> None:
    events = code("In Kenya, supporters of Governor Kanduyi stoned a rival's car.")
    assert events and all(e.admin1 is None for e in events)
    events = code("In Kenya, supporters stoned a rival's car in Kanduyi.")
    assert [e.admin1 for e in events] == ["Bungoma"]
    # a side or a body named after it is not where it acted
    for text in (
        "In Kenya, Kanduyi supporters stoned a rival's car.",
        "In Kenya, workers of the Kanduyi Milling Company stoned a rival's car.",
    ):
        events = code(text)
        assert events and all(e.admin1 is None for e in events), text


def test_a_ward_in_the_text_outranks_an_estate_elsewhere() -> None:
    # Allsops is listed only as an estate of Nairobi; Kanduyi is a constituency of Bungoma
    events = code("In Kenya, hawkers who live in Allsops marched through Kanduyi on Friday.")
    assert [(e.location, e.admin1) for e in events] == [("Kanduyi", "Bungoma")]
    events = code("In Kenya, hawkers marched through Allsops on Friday.")
    assert [(e.location, e.admin1) for e in events] == [("Allsops", "Nairobi")]


def test_an_estates_name_needs_a_word_that_makes_it_a_place() -> None:
    # "Teachers" is also listed as an estate of Nakuru: as the subject of a sentence it is people
    events = code("Teachers marched to the education office in Kenya over unpaid allowances.")
    assert events and all(e.admin1 is None for e in events)
    events = code("In Kenya, hawkers marched through the Teachers estate on Friday.")
    assert [(e.location, e.admin1) for e in events] == [("Teachers", "Nakuru")]


def test_an_area_outranks_a_road_end_the_gazetteer_knows() -> None:
    # Nairobi is only where the road leads; Kinangop (a constituency of Nyandarua) is the place
    events = code("Farmers in Kenya barricaded the Nairobi-Naivasha road at Kinangop to oppose a dam.")
    assert [(e.location, e.admin1) for e in events] == [("Kinangop", "Nyandarua")]


def test_an_institution_named_after_a_town_gives_way_to_the_area() -> None:
    # the University of Eldoret is named after Eldoret; the students marched in Kapseret
    events = code("In Kenya, students of the University of Eldoret marched through Kapseret over fees.")
    assert [(e.location, e.admin1, e.geo_precision) for e in events] == [("Kapseret", "Uasin Gishu", 3)]
