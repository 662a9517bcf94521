"""Identity militias named after ethnic groups, and the community's members named as victims."""

from __future__ import annotations

from coder.actors import ActorMention
from coder.communal import find_identity_militias, merge_mentions


def names(text: str) -> list[str]:
    return [m.actor.name for m in find_identity_militias(text)]


def test_group_acting_is_an_identity_militia() -> None:
    assert names("Turkana raiders drove away 200 goats.") == ["Turkana Ethnic Militia (Kenya)"]
    assert names("Fulani herdsmen attacked the village.") == ["Fulani Ethnic Militia (Nigeria)"]
    # home country in the name, whatever the event's country
    assert names("Toposa gunmen crossed the border.") == ["Toposa Ethnic Militia (South Sudan)"]
    found = find_identity_militias("Pokot raiders attacked.")
    assert found[0].actor.inter == 4 and found[0].text == "Pokot"


def test_peoples_of_sudan_and_the_lake_turkana_borderlands() -> None:
    assert names("Rizeigat gunmen burned a market in Nyala.") == ["Rizeigat Ethnic Militia (Sudan)"]
    assert names("Dassanach raiders crossed the border at night.") == ["Dassanach Ethnic Militia (Ethiopia)"]


def test_members_named_as_victims_are_not_a_militia() -> None:
    assert names("Gunmen attacked Abanyabasi villagers.") == []
    assert names("Two Turkana women were shot.") == []
    assert names("the meru of the hills") == []  # the word, not the people


def test_a_place_named_after_a_people_is_no_militia() -> None:
    # counties, towns and borders that carry a people's name
    assert names("A herder was shot dead in West Pokot county on Monday.") == []
    assert names("Unknown men burned two huts in Keiyo.") == []
    assert names("Thieves stole a cow close to the Kericho-Nandi boundary.") == []
    assert names("A matatu was stopped by robbers outside Kikuyu town.") == []
    # ... but the people still act, after "in" too
    assert names("Two died in Turkana raids on the lake shore.") == ["Turkana Ethnic Militia (Kenya)"]
    assert names("Pokot raiders crossed into Baringo.") == ["Pokot Ethnic Militia (Kenya)"]


def test_merge_keeps_dictionary_mentions_first() -> None:
    a = find_identity_militias("Maasai youths fought.")[0]
    other = ActorMention(0, 6, "Maasai", a.actor, None)
    assert merge_mentions([other], [a]) == [other]
    assert merge_mentions([], [a]) == [a]
