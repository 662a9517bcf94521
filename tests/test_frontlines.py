"""Unattributed fire across a front line is coded as the two sides facing there (our sentences)."""

from __future__ import annotations

import datetime as dt

import pytest

from coder.actors import Actor
from coder.frontlines import front_sides, fronts, held_by, held_in_text, km_from_front
from coder.gazetteer import Place, PlaceMention
from coder.models import Article, Event
from coder.offline import OfflineCoder

UKRAINE = "Military Forces of Ukraine (2019-)"
NAF = "NAF: United Armed Forces of Novorossiya"
UAG = Actor("Unidentified Armed Group (Ukraine)", 3, "Ukraine")


def coded(text: str, published: dt.date = dt.date(2020, 3, 4)) -> list[Event]:
    return [c.event for c in OfflineCoder()(Article(id="t", text=text, language="en", published=published))]


def test_every_front_names_dictionary_actors() -> None:
    for front in fronts():
        day = front.start
        assert front_sides(
            "ceasefire violations", "Armed clash", UAG, None, front.country, min(front.admin1), day
        )


def test_a_clash_across_the_contact_line_is_between_the_two_sides() -> None:
    # fire near a village no list says who held: the state force first, as ACLED lists it
    text = "On 2 March 2020, monitors heard bursts of fire across the contact line near Kalmiuske."
    sides = front_sides(text, "Armed clash", UAG, None, "Ukraine", "Donetsk", dt.date(2020, 3, 2))
    assert sides is not None
    assert (sides.actor1.name, sides.actor1.inter, sides.actor2.name, sides.actor2.inter) == (
        UKRAINE,
        1,
        NAF,
        2,
    )
    assert text[slice(*sides.cue)] == "contact line"


def test_fire_near_a_place_one_side_holds_came_from_the_other() -> None:
    day = dt.date(2020, 3, 2)
    # Avdiivka was government-held, Horlivka held by the armed groups (datasets/frontline_control.csv)
    text = "fire across the contact line"
    near_avdiivka = front_sides(text, "Armed clash", UAG, None, "Ukraine", "Donetsk", day, ("Avdiivka",))
    assert near_avdiivka is not None
    assert (near_avdiivka.actor1.name, near_avdiivka.actor2.name) == (NAF, UKRAINE)
    near_horlivka = front_sides(text, "Armed clash", UAG, None, "Ukraine", "Donetsk", day, ("Horlivka",))
    assert near_horlivka is not None
    assert (near_horlivka.actor1.name, near_horlivka.actor2.name) == (UKRAINE, NAF)
    # the text's spelling or the gazetteer's: either is enough
    assert held_by("Ukraine", "Luhansk", ("Zolote-5", "Zolote"), day) == "side_b"
    assert held_by("Ukraine", "Luhansk", ("Zolote",), day) == "side_a"
    before = dt.date(2014, 6, 1)  # before the line settled
    assert held_by("Ukraine", "Donetsk", ("Svitlodarsk",), before) is None
    # a village the gazetteer lacks is found in the text
    assert held_in_text("explosions near Novozvanivka and Krymske", "Ukraine", day) == "side_a"
    assert held_in_text("explosions between Krymske and Sokilnyky", "Ukraine", day) is None  # both sides


def test_shelling_keeps_its_target_and_the_event_cites_the_front() -> None:
    (event,) = coded("On 3 March 2020, ceasefire violations were recorded near Zolote in Luhansk region.")
    # Zolote was government-held: the fire came from the armed groups
    assert (event.actor1, event.inter1, event.admin1) == (NAF, 2, "Luhansk")
    assert event.evidence["actor1"][0].text == "ceasefire violations"


def test_attributed_or_off_the_front_or_out_of_period_stays_as_reported() -> None:
    # the report names the shooter
    named = coded("On 3 March 2020, Ukrainian troops shelled separatist positions near Avdiivka.")
    assert named[0].actor1 == UKRAINE
    # no word of a front line: an ordinary crime
    (crime,) = coded("On 3 March 2020, gunmen shot a shop owner near Avdiivka.")
    assert crime.actor1 == UAG.name
    # another province, and a date after the front's end
    assert (
        front_sides("front line", "Armed clash", UAG, None, "Ukraine", "Kyiv City", dt.date(2020, 3, 2))
        is None
    )
    assert (
        front_sides("front line", "Armed clash", UAG, None, "Ukraine", "Donetsk", dt.date(2022, 5, 1)) is None
    )


def test_a_namesake_on_the_front_is_preferred() -> None:
    # several Novoselivkas; the one in Donetsk is on the contact line
    (event,) = coded("On 2 March 2020, shots were fired across the contact line near Novoselivka.")
    assert (event.location, event.admin1) == ("Novoselivka", "Donetsk")
    (inland,) = coded("On 2 March 2020, a storm damaged houses in Novoselivka.")
    assert inland.admin1 != "Donetsk"


def test_a_front_named_by_its_monitors_gives_country_and_sides() -> None:
    # the monitors' name places the report on the Donbas front even when the village is unknown
    (event,) = coded("On 4 March 2020, the OSCE SMM recorded an exchange of fire near Zhovtneve Pole.")
    assert event.country == "Ukraine"
    assert (event.actor1, event.actor2) == (UKRAINE, NAF)
    assert event.evidence["actor1"][0].text == "OSCE SMM"
    # before the war the name means nothing here
    before = coded(
        "On 4 March 2013, the OSCE SMM recorded an exchange of fire near Zhovtneve Pole.", dt.date(2013, 3, 5)
    )
    assert all(e.actor1 != UKRAINE for e in before)


def test_a_namesake_away_from_the_front_is_flagged() -> None:
    # the gazetteer knows no Lozove on the contact line, only one in Crimea, and neither does
    # datasets/frontline_control.csv
    text = "On 2 March 2020, the OSCE SMM recorded an exchange of fire near Lozove."
    (coded_event,) = OfflineCoder()(Article(id="t", text=text, language="en", published=dt.date(2020, 3, 4)))
    assert coded_event.event.admin1 not in ("Donetsk", "Luhansk")
    assert "PLACE_AMBIGUOUS" in [f.code for f in coded_event.flags]


def test_a_front_village_the_gazetteer_lacks_is_coded_on_its_provinces_stretch_of_the_front() -> None:
    from coder.frontlines import front_middle
    from coder.gazetteer import distance_km, get_gazetteer

    # Orikhove (Luhansk) is on the control list; the gazetteer only has Crimea's
    text = "On 2 March 2020, the OSCE SMM recorded an exchange of fire near Orikhove."
    (coded_event,) = OfflineCoder()(Article(id="t", text=text, language="en", published=dt.date(2020, 3, 4)))
    event = coded_event.event
    assert (event.location, event.admin1, event.geo_precision) == ("Orikhove", "Luhansk", 3)
    assert "PLACE_APPROXIMATE" in [f.code for f in coded_event.flags]
    # Orikhove was government-held: the fire came from the armed groups
    assert event.actor1 == NAF
    # placed in the middle of Luhansk province's stretch of the line (a few km from its
    # settlements), not at Luhansk city, at the province's eastern end
    middle = front_middle("Ukraine", "Luhansk")
    assert middle is not None and (event.latitude, event.longitude) == pytest.approx(middle)
    assert km_from_front("Ukraine", *middle) < 10
    capital = get_gazetteer().admin1_place("Ukraine", "Luhansk")
    assert capital is not None
    assert distance_km(middle[0], middle[1], capital.latitude, capital.longitude) > 20
    assert front_middle("Ukraine", "Lviv") is None  # no front there: the capital as before


def test_the_namesake_nearest_the_front_is_the_one_in_the_news() -> None:
    from coder.offline import _on_front

    # the front trace: the control list's settlements, as the gazetteer places them
    assert km_from_front("Ukraine", 48.14, 37.75) < 5  # Avdiivka, on the line
    assert km_from_front("Ukraine", 50.45, 30.52) > 500  # Kyiv

    # two villages of one name in Donetsk province: the one by the line wins
    def village(lat: float, lon: float) -> Place:
        return Place("Vodiane", "Ukraine", "Donetsk", None, None, lat, lon, "place", 300)

    far, near = village(48.90, 37.05), village(48.10, 37.62)
    mention = PlaceMention(10, 17, "Vodiane", far, (far, near), ambiguous=True, near=True)
    assert _on_front(mention, frozenset({"Donetsk", "Luhansk"})).place == near
