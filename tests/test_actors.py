"""Actor dictionary and matcher: the seed articles' actors, spans, names and inter codes."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from coder.actors import (
    ACTORS_CSV,
    Actor,
    ActorMention,
    actor_key,
    canonical_actor,
    find_actors,
    generic_actor,
    inter_of_name,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SYRIA = "Military Forces of Syria (2000-2024)"
RUSSIA = "Military Forces of Russia (2000-)"
IRGC = "Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps"
CIVILIANS = "Civilians (Syria)"
IS_SYRIA = "Islamic State (Syria)"
SDF = "SDF: Syrian Democratic Forces"


def _seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def _mentions(name: str, language: str, date: dt.date | None = None) -> list[ActorMention]:
    text = _seed(name)
    mentions = find_actors(text, language, "Syria", date)
    for m in mentions:
        assert text[m.start : m.end] == m.text  # spans point into the original text
    return mentions


def _by_text(mentions: list[ActorMention]) -> dict[str, Actor]:
    return {m.text: m.actor for m in mentions}


# --- seed articles -------------------------------------------------------------------------------
def test_eyeofeuphrates_regime_shelling_and_russian_jets() -> None:
    mentions = _mentions("eyeofeuphrates_idlib_shelling.ar.txt", "ar")
    found = _by_text(mentions)
    # headline: "...بقصف مدفعي لقوات النظام": the prefix ل stays outside the span
    assert found["قوات النظام"] == Actor(SYRIA, 1, "Syria")
    assert found["طائرات حربية روسية"] == Actor(RUSSIA, 8, "Russia")
    assert mentions[0].text == "مدني" and mentions[0].role_hint == "victim"
    assert found["أطفال"].name == CIVILIANS and found["امرأة"].name == CIVILIANS
    assert [m.text for m in mentions].count("قوات النظام") == 5
    assert {m.actor.name for m in mentions} == {SYRIA, RUSSIA, CIVILIANS}


def test_eyeofeuphrates_headline_span_excludes_attached_preposition() -> None:
    text = _seed("eyeofeuphrates_idlib_shelling.ar.txt")
    regime = next(m for m in find_actors(text, "ar", "Syria") if m.actor.name == SYRIA)
    assert text[regime.start - 1] == "ل"  # "لقوات النظام"
    assert regime.text == "قوات النظام"
    assert regime.role_hint is None


def test_rozana_regime_and_allies_take_bukamal() -> None:
    mentions = _mentions("rozana_regime_takes_bukamal.ar.txt", "ar", dt.date(2017, 11, 20))
    found = _by_text(mentions)
    assert mentions[0].text == "جيش النظام" and mentions[0].actor.name == SYRIA
    assert found["جيش النظام السوري"].name == SYRIA
    assert found["ضربات جوية روسية"] == Actor(RUSSIA, 8, "Russia")
    assert found["حزب الله اللبناني"].name == "Hezbollah"
    assert found["الحرس الثوري الإيراني"] == Actor(IRGC, 8, "Iran")
    assert found["داعش"] == Actor(IS_SYRIA, 2, "Syria")
    assert found["قوات سوريا الديمقراطية"] == Actor(SDF, 2, "Syria")
    # the 2017 date picks the period of the US forces behind "the international coalition"
    assert found["التحالف الدولي"] == Actor(
        "Military Forces of the United States (2017-2021)", 8, "United States"
    )
    # "the commander of the Quds Force in the IRGC" is one mention, not two
    assert found["فيلق القدس في الحرس الثوري الإيراني"].name == IRGC


def test_sadanews_syrian_army_retakes_bukamal() -> None:
    mentions = _mentions("sadanews_army_retakes_bukamal.ar.txt", "ar")
    names = [m.actor.name for m in mentions]
    assert mentions[0].text == "الجيش السوري" and names[0] == SYRIA
    assert names.count(SYRIA) == 3
    assert names.count(IS_SYRIA) == 3
    iraq = next(m for m in mentions if m.text == "القوات العراقية")
    assert iraq.actor.inter == 8 and iraq.actor.name.startswith("Military Forces of Iraq (")


def test_stepnews_is_ambush_against_regime() -> None:
    mentions = _mentions("stepnews_is_ambush_bukamal.ar.txt", "ar")
    assert [(m.text, m.actor.name) for m in mentions] == [
        ("تنظيم الدولة", IS_SYRIA),
        ("قوات النظام", SYRIA),
        ("قوات النظام", SYRIA),
        ("تنظيم الدولة", IS_SYRIA),
    ]


def test_microsyria_is_in_quotes_and_iraqi_forces() -> None:
    mentions = _mentions("microsyria_is_arrive_bukamal.ar.txt", "ar")
    found = _by_text(mentions)
    assert found['تنظيم "الدولة'].name == IS_SYRIA  # quotes inside the name
    assert found["القوات العراقية المشتركة"].inter == 8
    assert found["القوات العراقية المشتركة"].country == "Iraq"


def test_aletihad_quds_force_fatemiyoun_coalition_sdf_regime() -> None:
    mentions = _mentions("aletihad_qaani_bukamal.ar.txt", "ar")
    found = _by_text(mentions)
    quds = found["ميليشيا فيلق القدس في الحرس الثوري الإيراني"]
    assert quds == Actor(IRGC, 8, "Iran")
    assert found["ميليشيا فاطميون"].name == "Fatemiyoun Brigade"
    assert found["قوات التحالف الدولي"].name.startswith("Military Forces of the United States (")
    assert found["قوات التحالف الدولي"].inter == 8
    assert found["قوات سوريا الديمقراطية"].name == SDF
    assert found["قوات النظام السوري"] == Actor(SYRIA, 1, "Syria")
    assert found["مدنيين"].name == CIVILIANS
    assert found["تنظيم الدولة"].name == IS_SYRIA and found["داعش"].name == IS_SYRIA
    assert found["الطائرات الإسرائيلية"].name.startswith("Military Forces of Israel (")
    assert found["حزب الله"].name == "Hezbollah"
    # "للأهالي" = ل + الأهالي: the elided article keeps the whole word in the span
    assert found["للأهالي"].name == CIVILIANS
    # the title: "“قاآني” في البوكمال.. ومناورات للتحالف الدولي" - a commander is coded as his force
    assert mentions[0].text == "قاآني" and mentions[0].actor.name == IRGC
    assert mentions[1].text == "للتحالف الدولي"


def test_pakistantoday_government_air_strikes_on_civilians() -> None:
    text = _seed("pakistantoday_idlib_airstrikes.en.txt")
    mentions = _mentions("pakistantoday_idlib_airstrikes.en.txt", "en")
    found = _by_text(mentions)
    assert found["Syrian air strikes"].name == SYRIA
    assert found["Syrian government"].name == SYRIA
    assert found["civilians"] == Actor(CIVILIANS, 7, "Syria")
    victims = [m for m in mentions if m.role_hint == "victim"]
    assert {m.text for m in victims} == {"civilians", "women", "children", "people"}
    # "rebel-held territory" describes a place, not an actor
    held = text.index("rebel-held")
    assert not any(m.start <= held < m.end for m in mentions)


def test_voanews_assad_forces_and_government_troops() -> None:
    found = _by_text(_mentions("voanews_maar_shurin_airstrike.en.txt", "en"))
    assert found["Bashar Assad's forces"].name == SYRIA
    assert found["government troops"].name == SYRIA
    assert found["people"].name == CIVILIANS


def test_sy24_regime_helicopters_and_civilians() -> None:
    mentions = _mentions("sy24_kafr_ein_barrels.ar.txt", "ar")
    found = _by_text(mentions)
    assert found["براميل النظام"].name == SYRIA
    assert found["للنظام"].name == SYRIA  # "مروحيات عسكرية تابعة للنظام"
    assert found["سيدة"].name == CIVILIANS


def test_syriaone_opposition_factions() -> None:
    found = _by_text(_mentions("syriaone_idlib_shelling.ar.txt", "ar"))
    assert found["فصائل المعارضة"] == Actor("Opposition Rebels (Syria)", 2, "Syria")


def test_syriatv_assad_regime_forces() -> None:
    found = _by_text(_mentions("syriatv_afes_sarmin_shelling.ar.txt", "ar"))
    assert found["قوات نظام الأسد"].name == SYRIA
    assert found["مدنيان"].name == CIVILIANS


# --- matching rules -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected_text", "expected_name"),
    [
        ("قصف لقوات النظام", "قوات النظام", SYRIA),
        ("غارات والطيران الروسي", "الطيران الروسي", RUSSIA),
        ("قصف بالطيران الروسي", "الطيران الروسي", RUSSIA),
        ("وقسد انسحبت", "قسد", SDF),
        ("لهيئة تحرير الشام", "هيئة تحرير الشام", "HTS: Hayat Tahrir al Sham"),
        ("هجوم لداعش", "داعش", IS_SYRIA),
    ],
)
def test_arabic_attached_prefixes(text: str, expected_text: str, expected_name: str) -> None:
    (mention,) = find_actors(text, "ar", "Syria")
    assert (mention.text, mention.actor.name) == (expected_text, expected_name)


def test_english_acronyms_are_case_sensitive() -> None:
    text = "It is unclear whether IS fighters or the SDF hit the convoy; it is what it is."
    assert [(m.text, m.actor.name) for m in find_actors(text, "en", "Syria")] == [
        ("IS fighters", IS_SYRIA),
        ("SDF", SDF),
    ]


def test_longest_match_wins_without_overlap() -> None:
    mentions = find_actors("Syrian Democratic Forces and Syrian forces clashed", "en", "Syria")
    assert [(m.text, m.actor.name) for m in mentions] == [
        ("Syrian Democratic Forces", SDF),
        ("Syrian forces", SYRIA),
    ]


def test_generic_words_resolve_with_the_country() -> None:
    text = "Unknown gunmen shot two farmers before police dispersed protesters and rioters."
    got = [(m.text, m.actor) for m in find_actors(text, "en", "Kenya", dt.date(2019, 6, 1))]
    assert got == [
        ("Unknown gunmen", Actor("Unidentified Armed Group (Kenya)", 3, "Kenya")),
        ("farmers", Actor("Civilians (Kenya)", 7, "Kenya")),
        ("police", Actor("Police Forces of Kenya (2013-2022)", 1, "Kenya")),
        ("protesters", Actor("Protesters (Kenya)", 6, "Kenya")),
        ("rioters", Actor("Rioters (Kenya)", 5, "Kenya")),
    ]


def test_arabic_generic_words() -> None:
    text = "قتل مسلحون مجهولون مدنيا، وفرق الجيش المتظاهرين"
    got = [(m.text, m.actor.name) for m in find_actors(text, "ar", "Iraq")]
    assert got[0] == ("مسلحون مجهولون", "Unidentified Armed Group (Iraq)")
    assert got[1] == ("مدنيا", "Civilians (Iraq)")
    assert got[2][1].startswith("Military Forces of Iraq (")
    assert got[3] == ("المتظاهرين", "Protesters (Iraq)")


def test_regime_means_the_assad_army_and_army_needs_a_country() -> None:
    (regime,) = find_actors("قصف النظام القرية", "ar", None)
    assert regime.actor == Actor(SYRIA, 1, "Syria")
    assert find_actors("the army withdrew", "en", None) == []
    (army,) = find_actors("the army withdrew", "en", "Syria")
    assert army.actor.name == SYRIA


def test_state_force_period_follows_the_date() -> None:
    text = "Police officers arrested Kenya Police reservists."
    (first, *_rest) = find_actors(text, "en", "Kenya", dt.date(2008, 1, 3))
    assert first.actor.name == "Police Forces of Kenya (2002-2013)"
    (later, *_rest) = find_actors(text, "en", "Kenya", dt.date(2023, 1, 3))
    assert later.actor.name == "Police Forces of Kenya (2022-)"
    (syria,) = find_actors("الجيش السوري", "ar", "Syria", dt.date(2025, 3, 1))
    assert syria.actor.name == "Military Forces of Syria (2024-)"
    # Myanmar's forces before and after the coup of 1 February 2021
    (before,) = find_actors("the Myanmar military", "en", "Myanmar", dt.date(2020, 5, 7))
    (after,) = find_actors("the Myanmar military", "en", "Myanmar", dt.date(2021, 3, 1))
    assert (before.actor.name, after.actor.name) == (
        "Military Forces of Myanmar (2016-2021)",
        "Military Forces of Myanmar (2021-)",
    )


def test_state_forces_of_more_countries_and_an_acronym_two_actors_share() -> None:
    # a generic word names the country's own force, with its ACLED period
    (soldiers,) = find_actors("soldiers", "en", "Uganda", dt.date(2020, 5, 4))
    assert soldiers.actor.name == "Military Forces of Uganda (1986-)"
    (police,) = find_actors("police", "en", "Cameroon", dt.date(2020, 5, 4))
    assert police.actor.name == "Police Forces of Cameroon (1982-)"
    # UPDF is Uganda's army, and a party with an armed wing in Bangladesh's hill tracts
    (uganda,) = find_actors("UPDF", "en", "Uganda", dt.date(2020, 5, 4))
    (bangladesh,) = find_actors("UPDF", "en", "Bangladesh", dt.date(2020, 5, 4))
    assert (uganda.actor.inter, bangladesh.actor.name) == (1, "UPDF: United People's Democratic Front")


def test_foreign_state_forces_are_external_where_they_operate() -> None:
    (ukraine,) = find_actors("Russian troops shelled Kharkiv", "en", "Ukraine")
    assert ukraine.actor == Actor(RUSSIA, 8, "Russia")
    (home,) = find_actors("Russian troops", "en", "Russia")
    assert home.actor.inter == 1
    (no_country,) = find_actors("Russian troops", "en")
    assert no_country.actor.inter == 1


def test_coalition_is_saudi_led_in_yemen_and_us_led_elsewhere() -> None:
    (yemen,) = find_actors("coalition airstrikes hit Sanaa", "en", "Yemen")
    assert yemen.actor == Actor("Military Forces of Saudi Arabia (2015-)", 8, "Saudi Arabia")
    (syria,) = find_actors("coalition airstrikes hit Hajin", "en", "Syria", dt.date(2018, 5, 1))
    assert syria.actor.name == "Military Forces of the United States (2017-2021)"


def test_shared_alias_picks_the_event_country() -> None:
    (iraq,) = find_actors("ISIS militants attacked", "en", "Iraq")
    assert iraq.actor == Actor("Islamic State (Iraq)", 2, "Iraq")
    (houthi,) = find_actors("الحوثيين", "ar", "Yemen")
    houthis = "Military Forces of Yemen (2016-) Supreme Political Council"
    assert houthi.actor == Actor(houthis, 1, "Yemen")


def test_empty_text_and_a_repeated_scan() -> None:
    assert find_actors("", "ar", "Syria") == []
    text = (_seed("aletihad_qaani_bukamal.ar.txt") * 2)[:5000]
    # the scan is remembered per text (the coder asks twice); the country still applies
    syria = find_actors(text, "ar", "Syria")
    unknown = find_actors(text, "ar", None)
    assert [m.start for m in syria] == [m.start for m in unknown]
    assert find_actors(text, "ar", "Syria") == syria
    assert any(m.actor != n.actor for m, n in zip(syria, unknown, strict=True))


# --- names --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("Hay'at Tahrir al-Sham", "HTS: Hayat Tahrir al Sham"),
        ("HTS", "HTS: Hayat Tahrir al Sham"),
        ("hayat tahrir al sham", "HTS: Hayat Tahrir al Sham"),
        ("هيئة تحرير الشام", "HTS: Hayat Tahrir al Sham"),
        ("QSD: Syrian Democratic Forces", SDF),
        ("قسد", SDF),
        ("Russian jets", RUSSIA),
        ("الطيران الروسي", RUSSIA),
        ("Quds Force", IRGC),
        ("لواء فاطميون", "Fatemiyoun Brigade"),
        ("Daesh", IS_SYRIA),
        ("al-Shabaab", "Al Shabaab"),
        ("Houthis", "Military Forces of Yemen (2016-) Supreme Political Council"),
        (
            "military forces of united states (2017-2021)",
            "Military Forces of the United States (2017-2021)",
        ),
        # exports made while a period was open write it open
        ("Military Forces of Syria (2000-)", SYRIA),
        ("Police Forces of Kenya (2013-)", "Police Forces of Kenya (2013-2022)"),
        ("civilians (syria)", CIVILIANS),
        ("Protesters (kenya)", "Protesters (Kenya)"),
    ],
)
def test_canonical_actor(variant: str, expected: str) -> None:
    assert canonical_actor(variant) == expected


def test_canonical_actor_unknown_and_country() -> None:
    assert canonical_actor("Some Village Guard") is None
    assert canonical_actor("the army") is None  # generic words need a country
    assert canonical_actor("ISIS", "Iraq") == "Islamic State (Iraq)"


def test_actor_key() -> None:
    assert actor_key("Hayat Tahrir al-Sham") == actor_key("HTS: Hayat Tahrir al Sham")
    assert actor_key("QSD: Syrian Democratic Forces") == SDF
    assert actor_key("Some Village Guard") == "some village guard"


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Protesters (Kenya)", None, 6),
        ("Rioters (Kenya)", None, 5),
        ("Civilians (Syria)", None, 7),
        ("Unidentified Armed Group (Syria)", None, 3),
        ("Pokot Ethnic Militia (Kenya)", None, 4),
        (SYRIA, "Syria", 1),
        (RUSSIA, "Syria", 8),
        (RUSSIA, "Russia", 1),
        (RUSSIA, None, 1),
        ("Police Forces of Mongolia (2017-)", "Mongolia", 1),  # not in the dictionary
        ("Military Forces of the United States (2021-2025)", "Iraq", 8),
        (IRGC, "Syria", 8),
        ("Al Shabaab", None, 2),
        ("Hezbollah", "Lebanon", 3),
        ("AMISOM: African Union Mission in Somalia (2007-2022)", "Somalia", 8),
        ("Something else", None, None),
    ],
)
def test_inter_of_name(name: str, country: str | None, expected: int | None) -> None:
    assert inter_of_name(name, country) == expected


def test_generic_actor() -> None:
    assert generic_actor("civilians", "Syria") == Actor("Civilians (Syria)", 7, "Syria")
    assert generic_actor("protesters", "Syria") == Actor("Protesters (Syria)", 6, "Syria")
    assert generic_actor("rioters", "Syria") == Actor("Rioters (Syria)", 5, "Syria")
    unidentified = Actor("Unidentified Armed Group (Syria)", 3, "Syria")
    assert generic_actor("unidentified", "Syria") == unidentified
    with pytest.raises(ValueError):
        generic_actor("aliens", "Syria")


# --- the shipped dictionary ---------------------------------------------------------------------
def test_dictionary_is_well_formed() -> None:
    with ACTORS_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    countries_csv = ACTORS_CSV.parent / "countries.csv"
    with countries_csv.open(encoding="utf-8", newline="") as f:
        countries = {r["country"] for r in csv.DictReader(f)}
    assert list(rows[0]) == ["name", "inter", "country", "aliases_en", "aliases_ar", "notes"]
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    assert all(1 <= int(r["inter"]) <= 8 for r in rows)
    assert {r["country"] for r in rows} - {""} <= countries  # ACLED spellings
    for r in rows:
        if r["name"].startswith(("Military Forces of", "Police Forces of")):
            assert r["inter"] == "1", r["name"]
    # every actor of the seed articles has Arabic and English aliases
    by_name = {r["name"]: r for r in rows}
    for name in (SYRIA, RUSSIA, IRGC, IS_SYRIA, SDF, "Fatemiyoun Brigade", "Hezbollah"):
        assert by_name[name]["aliases_en"] and by_name[name]["aliases_ar"], name


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("Armed tribesmen clashed over a water well.", "Yemen", "Unidentified Tribal Militia (Yemen)"),
        ("اشتباكات بين مسلحين من العشائر قرب السوق", "Syria", "Unidentified Tribal Militia (Syria)"),
        ("Rival clans fought near the market.", "Somalia", "Unidentified Clan Militia (Somalia)"),
        (
            "Two rival pastoralist communities clashed over grazing land.",
            "Kenya",
            "Unidentified Communal Militia (Kenya)",
        ),
        ("Cattle thieves shot a herder near the dam.", "Kenya", "Unidentified Communal Militia (Kenya)"),
        ("An unidentified ethnic group burned homesteads.", "Kenya", "Unidentified Communal Militia (Kenya)"),
    ],
)
def test_unnamed_identity_militias(text: str, country: str, expected: str) -> None:
    (mention,) = find_actors(text, "en", country)
    assert (mention.actor.name, mention.actor.inter) == (expected, 4)
    assert canonical_actor(expected.lower()) == expected


def test_military_police_is_a_police_force() -> None:
    day = dt.date(2020, 5, 3)
    (brazil,) = find_actors("A shoot-out broke out with Military Police officers.", "en", "Brazil", day)
    assert brazil.actor == Actor("Police Forces of Brazil (2019-2022) Military Police", 1, "Brazil")
    (egypt,) = find_actors("The military police arrested him.", "en", "Egypt", day)
    assert egypt.actor.name.startswith("Police Forces of Egypt")
    # Brazil's Civil and Federal Police are units too; elsewhere the country's police
    (civil,) = find_actors("Civil Police agents searched a farm.", "en", "Brazil", day)
    assert civil.actor.name == "Police Forces of Brazil (2019-2022) Civil Police"
    (federal,) = find_actors("The federal police seized a plane.", "en", "Brazil", day)
    assert federal.actor.name == "Police Forces of Brazil (2019-2022) Federal Police"
    (mexico,) = find_actors("The federal police seized a plane.", "en", "Mexico", day)
    assert mexico.actor.name.startswith("Police Forces of Mexico")


def test_old_acled_names_and_periods() -> None:
    # names older exports use resolve to the dictionary's current name
    lna = "Military Forces of Libya (2014-) Libyan National Army"
    assert canonical_actor("Military Forces of Libya (2014-) Haftar Faction") == lna
    # Turkey's forces change period after the July 2016 coup attempt
    (before,) = find_actors("Turkish troops crossed the border.", "en", "Syria", dt.date(2016, 7, 1))
    (after,) = find_actors("Turkish troops crossed the border.", "en", "Syria", dt.date(2016, 8, 24))
    assert (before.actor.name, after.actor.name) == (
        "Military Forces of Turkey (2002-2016)",
        "Military Forces of Turkey (2016-)",
    )
    assert after.actor.inter == 8  # abroad


def test_state_units_acled_codes_as_state_forces() -> None:
    # Iraq's PMF is a unit of the armed forces, in the period of the day
    (pmf,) = find_actors("A PMF brigade shelled a hideout near Baiji.", "en", "Iraq", dt.date(2021, 3, 2))
    assert (pmf.actor.name, pmf.actor.inter) == (
        "Military Forces of Iraq (2020-2022) Popular Mobilization Forces",
        1,
    )
    assert canonical_actor("PMF: Popular Mobilization Forces") == (
        "Military Forces of Iraq (2022-) Popular Mobilization Forces"
    )
    # Yemen's forces aligned with the STC are coded as the Security Belt Forces
    (belt,) = find_actors("Pro-STC forces set up checkpoints in Zinjibar.", "en", "Yemen")
    assert (belt.actor.name, belt.actor.inter) == ("Military Forces of Yemen (2012-) Security Belt Forces", 1)
    assert find_actors("The STC announced self-rule.", "en", "Yemen")[0].actor.name == (
        "STC: Southern Transitional Council"
    )


def test_an_enemy_named_with_anti_is_not_that_actor() -> None:
    found = find_actors("Anti-Houthi National Resistance forces attacked pro-Houthi groups.", "en", "Yemen")
    assert [m.actor.name for m in found] == [
        "National Resistance Forces",
        "Military Forces of Yemen (2016-) Supreme Political Council",
    ]
    # factions operating under Turkey's Operation Peace Spring are coded to it, as ACLED does
    ops = find_actors("Factions operating under OPS looted crops.", "en", "Syria")[-1]
    assert (ops.text, ops.actor.name, ops.actor.inter) == ("OPS", "Operation Peace Spring", 2)


def test_military_describing_a_thing_is_no_force() -> None:
    # the foreign troops moved the convoy; "military" is what kind of convoy it was
    found = find_actors(
        "Jordanian troops sent a military convoy with ten tanks towards Daraa.", "en", "Syria"
    )
    assert [m.actor.name for m in found] == ["Military Forces of Jordan (1999-)"]
    # as a noun it is still the country's army
    found = find_actors("The military said two soldiers died near Homs.", "en", "Syria")
    assert found[0].actor.name == "Military Forces of Syria (2000-2024)"


def test_a_force_named_with_its_country_not_its_adjective() -> None:
    for text in ["The Kenya army shelled a camp.", "Kenya air forces bombed a forest hideout."]:
        assert find_actors(text, "en", "Kenya")[0].actor.name.startswith("Military Forces of Kenya")


def test_a_government_is_named_with_the_period_of_its_forces() -> None:
    (found,) = find_actors("The governorship banned all gatherings.", "en", "Turkey", dt.date(2020, 5, 1))
    assert (found.actor.name, found.actor.inter) == ("Government of Turkey (2016-)", 1)
    (found,) = find_actors("The government freed 40 detainees.", "en", "Philippines", dt.date(2019, 1, 5))
    assert found.actor.name == "Government of the Philippines (2016-2022)"
    # its forces are its forces, and its opponents are not it
    found = find_actors("Anti-government rebels ambushed government troops.", "en", "Chad")
    assert [m.actor.name.split(" (")[0] for m in found] == ["Military Forces of Chad"]


def test_a_gendarmerie_is_a_unit_of_the_military() -> None:
    (found,) = find_actors(
        "Gendarmes detained three smugglers near Sirnak.", "en", "Turkey", dt.date(2020, 5, 1)
    )
    assert (found.actor.name, found.actor.inter) == ("Military Forces of Turkey (2016-) Gendarmerie", 1)


def test_guards_of_prisons_and_borders_are_police() -> None:
    (found,) = find_actors(
        "Warders beat two inmates at the Kamiti prison.", "en", "Kenya", dt.date(2018, 3, 1)
    )
    assert (found.actor.name, found.actor.inter) == ("Police Forces of Kenya (2013-2022) Prison Guards", 1)
    (found,) = find_actors("Border guards turned back a lorry at Busia.", "en", "Kenya", dt.date(2018, 3, 1))
    assert found.actor.name == "Police Forces of Kenya (2013-2022)"
    (found,) = find_actors(
        "The governor of Mombasa ordered the market shut.", "en", "Kenya", dt.date(2018, 3, 1)
    )
    assert found.actor.name == "Government of Kenya (2013-2022)"


def test_a_numbered_unit_is_a_state_force() -> None:
    found = find_actors("The 14th Mechanized Brigade shelled a hill.", "en", "Yemen", dt.date(2019, 1, 1))
    assert [(m.text, m.actor.name) for m in found] == [
        ("14th Mechanized Brigade", "Military Forces of Yemen (2012-)")
    ]
    # a named group's own battalion is that group's
    found = find_actors("Hezbollah's 3rd Battalion fired rockets.", "en", "Lebanon")
    assert [m.actor.name for m in found] == ["Hezbollah"]


def test_militias_of_burundi_turkey_and_mozambique() -> None:
    (found,) = find_actors("Imbonerakure members beat an opposition activist in Ngozi.", "en", "Burundi")
    assert found.actor.name.startswith("CNDD-FDD-Imbonerakure") and found.actor.inter == 3
    (found,) = find_actors("The Children of Fire claimed the torching of a factory.", "en", "Turkey")
    assert found.actor.name == "Children of Fire"
    # unnamed Islamist militants have a local name in Mozambique only
    (found,) = find_actors("Islamic militants raided a village near Macomia.", "en", "Mozambique")
    assert (found.actor.name, found.actor.inter) == ("Islamist Militia (Mozambique)", 3)
    assert find_actors("Islamic militants raided a village.", "en", "Kenya") == []


def test_a_former_member_is_no_force() -> None:
    found = find_actors(
        "Gang members shot dead a retired police officer and a former soldier.", "en", "Honduras"
    )
    assert all(m.actor.inter != 1 for m in found)
    # off duty, before or after the name
    for text in [
        "Gunmen shot an off duty police officer.",
        "Gunmen shot a policeman, off duty that evening.",
    ]:
        assert all(m.actor.inter != 1 for m in find_actors(text, "en", "Mexico"))
    # nor are its weapons or an unknown "military group"
    text = "A man hurled stolen Kenyan Army grenades; an unknown military group claimed it."
    assert all(m.actor.inter != 1 for m in find_actors(text, "en", "Kenya"))


def test_gna_by_its_acronym() -> None:
    found = find_actors("GNA air force jets struck LNA trucks outside Gharyan.", "en", "Libya")
    assert [m.actor.name for m in found] == [
        "Military Forces of Libya (2016-2021) Government of National Accord",
        "Military Forces of Libya (2014-) Libyan National Army",
    ]
