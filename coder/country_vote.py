"""Which country an article is about: a vote of what its text names.

Country names and adjectives, places (split among same-name candidates by population), the
provinces and districts the text states, and the actors of the dictionary tied to a country
each vote; the rules below decide how much, and what is no evidence at all (a border, a
currency, who people are, a word of a longer name). Used by the offline coder (coder/offline.py)
before it looks for places, so that a name several countries share goes to the right one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from coder.actors import find_actors
from coder.admin_areas import area_countries, find_areas
from coder.codebook import ARMED_INTERS
from coder.frontlines import front_named
from coder.gazetteer import Place, PlaceMention, get_gazetteer, place_key
from coder.models import Article
from coder.textnorm import name_key

#: After a name, words that make it a clan's or a community's: "the Jimo and Agoro clans",
#: "Orma community".
_KIN_GROUP_AFTER = re.compile(
    r"(?:\s+and\s+(?:the\s+)?[A-Z][\w'-]*)?\s+(?:sub-?)?(?:clans?|communit(?:y|ies)|tribes?|"
    r"(?:cattle\s+)?raiders|morans|warriors|herders|herdsmen)\b"
)


def main_country(article: Article, countries: list, prior: str | None = None) -> tuple[str | None, bool]:
    """The country the article is about: a vote of country names, places and actors.

    Country names and adjectives weigh most; an unambiguous place counts fully, an ambiguous
    one splits its vote among its candidates' countries (so "Tripoli" alone cannot outvote
    "Lebanese"); a place whose province is also named ("Rajshahi city (Rajshahi)") counts
    double; actors from the dictionary tied to a country ("GSU", "Houthis") vote too.
    """
    gazetteer = get_gazetteer()
    votes: Counter[str] = Counter()
    # "Kenya's", and the apostrophe-less "Kenyas" of hurried notes
    actors = find_actors(article.text, article.language, None, article.published)
    # armed actors only: "Kenyan civilians", "Lebanese protesters" are where they live
    spans = [(a.start, a.end) for a in actors if a.actor.inter in ARMED_INTERS]
    starts = {a for a, _ in spans}
    peoples: set[str] = set()  # countries named only as whose people someone is
    for start, end, country in countries:
        word = article.text[start:end]
        adjective = gazetteer.country(word) is None  # "Somali", "Kenyans", not "Somalia"
        # "Turkish forces", "Saudi-led coalition", "Turkey-backed factions": whose forces, not
        # where they were; "military forces of India" names the country itself
        of_actor = bool(_LED_AFTER.match(article.text, end)) or end + 1 in starts
        if not of_actor and any(a <= start and end <= b for a, b in spans):
            of_actor = adjective
        # "fled into Somalia", "near the Somali border": where people went or came from, or the
        # border the place is near, not where it happened
        # "the US dollar exchange rate": which money, not where
        elsewhere = (
            (
                _BORDER_AFTER.match(article.text, end)
                # "shelling inside the Kenyan border": on that side of it
                and not _INSIDE_BEFORE.search(article.text, max(0, start - 12), start)
            )
            or _CURRENCY_AFTER.match(article.text, end)
            or _ELSEWHERE_BEFORE.search(article.text[max(0, start - 30) : start])
        )
        # "Somali residents of Eastleigh", "a Somali shop owner": who people are, not where
        # "Somali region" of Ethiopia: a province named after a people
        people = names_people(article.text, start, end) or (
            adjective and bool(_PEOPLE_REGION_AFTER.match(article.text, end))
        )
        votes[country.name] += 0.5 if of_actor or elsewhere or people else 3.0 / 2
        # "Palestinian farmers", "four Palestinians": people of that country (for the army rule
        # below; the vote above stays as it is)
        if (
            adjective
            and not (of_actor or elsewhere)
            and (people or word.endswith("s") or _CIVILIANS_AFTER.match(article.text, end))
        ):
            peoples.add(country.name)
    # "Kenya's", the apostrophe-less "Kenyas" of hurried notes, "Somalis": countries only found
    # that way (a word lookup each, not a second scan of the article)
    seen = {country.name for _, _, country in countries}
    for m in _POSSESSIVE.finditer(article.text):
        found = gazetteer.country_word(m.group(1))
        if found is not None and found.name not in seen:
            votes[found.name] += 3.0 / 2
            if gazetteer.country(m.group(1)) is None and "'" not in m.group(0):
                peoples.add(found.name)  # "four Palestinians"
    mentions = gazetteer.find(article.text)
    prior_region = _region(prior) if prior is not None else None
    named = named_keys(mentions)
    actor_starts = [a.start for a in actors]  # actor mentions are in text order, not overlapping
    for mention in mentions:
        if mention.place.kind == "country" or _SAINT_BEFORE.search(
            article.text[max(0, mention.start - 8) : mention.start]
        ):
            continue  # "Mt Carmel Academy", "St Mary's", "Jabal al-Zawiya": part of another name
        i = bisect_right(actor_starts, mention.start) - 1
        if i >= 0 and mention.end <= actors[i].end:
            continue  # "Abu" of "Abu Sayyaf": part of an actor's name
        if _TITLE_BEFORE.search(article.text, max(0, mention.start - 12), mention.start):
            continue  # "MP Moroto", "VP Moody Awori": a person named like a town
        if GANG_AFTER.match(article.text, mention.end):
            continue  # "the Gaza gang" of Nairobi: a name, not where it is
        if _KIN_GROUP_AFTER.match(article.text, mention.end):
            continue  # "between the Jimo and Agoro clans": a clan's name, not China's Jimo
        if _ACRONYM.fullmatch(article.text, mention.start, mention.end):
            continue  # "clashes between AAS and JaS": factions, not As in Norway or Iasi
        weight = 2.0 if not mention.ambiguous else 1.0
        candidates = mention.candidates or (mention.place,)
        # a capitalised word glued before it, and a unit word the text puts after it
        glued = _CAPITAL_WORD_BEFORE.search(article.text, max(0, mention.start - 20), mention.start)
        said = _UNIT_AFTER.match(article.text, mention.end)
        if (
            mention.place.population < _LARGE_CITY
            and (glued or _CAPITAL_WORD_AFTER.match(article.text, mention.end))
            and (prior_region is None or all(_region(c.country) != prior_region for c in candidates))
        ):
            # "Garba Gola", "Ol Moran", "Moody Awori", "Hamza Division": one word of a longer
            # name we lack, which a town on another continent happens to share
            weight /= 4
        elif (
            half := _COMPOUND_BEFORE.search(article.text, max(0, mention.start - 20), mention.start)
        ) and not (
            gazetteer.lookup(half.group(1))  # "Tripoli-Beirut highway", "Gorom-Gorom": places both
        ):
            weight /= 4  # "Xaaji-Lima": the second half of a name we lack, not Lima, Peru
        if (
            prior is not None
            and all(c.country != prior for c in candidates)
            and all(place_key(mention.text) != place_key(c.name) for c in candidates)
        ):
            # in a run about another country, a town known abroad by this spelling only as one
            # of its alternate names ("Mitau" for Jelgava, "Bwake" for Bouake) is a local name
            weight /= 4
        if mention.place.kind in ("place", "admin2") and mention.place.population < SMALL_PLACE and not said:
            # a hamlet or a small county that shares its name with an English word, a party or
            # a surname ("Jubilee supporters", "New Years Day", "Moody Awori"); not one the
            # text calls a unit ("Al Dhaher district")
            weight /= 4
        # split the vote by population: "Beirut" is the capital of Lebanon far more than
        # it is the Polish town that lists it as an alternate name
        sizes: Counter[str] = Counter()
        if said and "district" in said.group(0).casefold():
            # "Ilam district" is Nepal's district, not Iran's city and province of Ilam
            candidates = tuple(c for c in candidates if c.kind == "admin2") or candidates
        if prior is not None and any(c.country == prior for c in candidates):
            candidates = tuple(c for c in candidates if c.country == prior)  # the run's namesake
        for candidate in candidates:
            sizes[candidate.country] += max(candidate.population, 100)
        total = sum(sizes.values())
        for c, size in sizes.items():
            votes[c] += weight * size / total
        for c in {p.country for p in candidates if admin_named(p, named, mention)}:
            votes[c] += 2.0
        if (said or _UNIT_LAST.search(mention.text)) and not glued:
            # "Lamu County", "Tana River County": the text itself calls it a province, the
            # surest sign of where it happened after the country's name (not a district: every
            # US county is one; not "Trans Mara District", a longer name we lack)
            units = {p.country for p in candidates if p.kind == "admin1"}
            for c in units:
                votes[c] += 2.0 / len(units)
    # each actor once: "UPDF ... impounded by UPDF" is one force, not two votes for Uganda
    for actor in {a.actor.name: a for a in reversed(actors)}.values():
        # generic actors found without a country are "(Unknown)": no evidence of any country
        if actor.actor.country not in (None, "Unknown") and actor.actor.inter in (1, 2, 3, 4, 6, 8):
            # state forces act at home; armed groups cross borders (Al Shabaab in Kenya), and so
            # do forces that lead a coalition ("Saudi-led coalition airstrikes")
            home = actor.actor.inter in (1, 6) and not _LED_AFTER.search(
                article.text, actor.start, min(actor.end + 5, len(article.text))
            )
            # ... unless the people an army acts on are another country's ("Israeli forces
            # fired at Palestinian farmers", "Ugandan soldiers seized Kenyan fishermen's
            # boats"): events across a border or a line of occupation are coded where those
            # people are (not the police's: "Kenyan police arrested Somali traders" in Nairobi)
            foreign = peoples - {actor.actor.country}
            if home and actor.actor.name.startswith("Military Forces of") and foreign:
                home = False
                for name in foreign:
                    votes[name] += 1.0 / len(foreign)
                peoples -= foreign
            votes[actor.actor.country] += 1.0 if home else 0.5
    for m in _ADMIN_WORD.finditer(article.text):
        # words only one country uses for its local units ("Barangay Tumantangis", "Makurdi LGA")
        votes[_ADMIN_WORD_COUNTRY[m.group(1).casefold()]] += 1.5
    votes.update(_units_in_parentheses(article.text))
    votes.update(_areas_in(article.text))
    front = front_named(article.text, article.published)
    if front is not None:
        votes[front] += 3.0  # "the OSCE SMM observed ... near X": X is on the Donbas front
    if not votes:
        return prior, prior is not None
    if prior is not None:
        # the run's country weighs like one place and wins ties: it is evidence too
        votes[prior] += 1.0
        top = max(votes.values())
        if votes[prior] == top:
            return prior, False
    return votes.most_common(1)[0][0], False


_AREA_AT = re.compile(r"\b(?:in|at|near|from)\s+$", re.IGNORECASE)


def _areas_in(text: str) -> Counter[str]:
    """A vote for the country of the wards and constituencies the text places something in
    ("in Kanduyi", "at Liboi"), one per name, two at most: the gazetteer lacks most of them."""
    votes: Counter[str] = Counter()
    for country in area_countries():
        names = {
            a.text
            for a in find_areas(text, country)
            if not a.minor and _AREA_AT.search(text, max(0, a.start - 8), a.start)
        }
        if names:
            votes[country] += min(2.0, float(len(names)))
    return votes


#: "Gaskinde (Pobe-Mengao, Soum)": a name, then in parentheses the units it lies in
_PARENTHESES = re.compile(r"\w\s*\(([^()]{2,80})\)")
_UNIT_KINDS = ("admin1", "admin2")
#: Abbreviations of states and provinces that notes put in parentheses ("Pratapgarh (UP)");
#: only read there, and none that a dateline or a title also writes so ("(AP)", "(MP)", "(WB)").
_STATE_ABBREVIATIONS = {
    "J&K": "India",
    "UP": "India",
    "HP": "India",
    "KP": "Pakistan",
    "KPK": "Pakistan",
    "AJK": "Pakistan",
    "KRI": "Iraq",
}


def _units_in_parentheses(text: str) -> Counter[str]:
    """Votes for the countries of the provinces and districts named in parentheses after a
    place, as ACLED-style notes and many wires write them ("Al Hasamah (Munabbih, Sadah)").

    The widest unit the gazetteer knows as a unit counts, once per parenthesis: a village or
    district we lack is no evidence, and a province names its country better than any town
    that shares its name ("Al Bayda" the Yemeni governorate, not the Libyan city).
    """
    gazetteer = get_gazetteer()
    votes: Counter[str] = Counter()
    for m in _PARENTHESES.finditer(text):
        for item in reversed(m.group(1).split(",")):
            said = _UNIT_LAST.search(item.strip())
            name = item.strip()[: said.start()] if said else item.strip()  # "Rajouri district"
            if not name or len(name.split()) > 4:
                continue
            if name in _STATE_ABBREVIATIONS:
                votes[_STATE_ABBREVIATIONS[name]] += 2.0
                break
            units = [p for p in gazetteer.lookup(name) if p.kind in _UNIT_KINDS]
            # the unit the text says ("Ilam district": Nepal's, not Iran's province of Ilam);
            # else the widest, which comes last ("(district, province)")
            kind = "admin2" if said and said.group(0).strip().casefold() == "district" else "admin1"
            countries = {p.country for p in ([p for p in units if p.kind == kind] or units)}
            if countries:
                for country in countries:
                    votes[country] += 2.0 / len(countries)
                break
    return votes


_POSSESSIVE = re.compile(r"\b([A-Z][\w-]*[a-z])'?s\b")
_CURRENCY_AFTER = re.compile(
    r"\s+(?:dollars?|riyals?|rials?|pounds?|liras?|euros?|rupees?|shillings?|dinars?|dirhams?|"
    r"francs?|yuan|yen|rubles?|roubles?|currency)\b",
    re.IGNORECASE,
)
_CIVILIANS_AFTER = re.compile(
    r"\s+(?:[a-z-]+\s+)?(?:farmers?|fisherm[ae]n|villagers?|civilians?|residents?|workers?|pickers?|"
    r"shepherds?|herders?|children|students?|youths?|men|women|people|nationals?|traders?|families|"
    r"worshippers?|protesters?|demonstrators?|detainees?|prisoners?|journalists?|boys?|girls?)\b"
)
_INSIDE_BEFORE = re.compile(r"\b(?:inside|within)\s+(?:the\s+)?$", re.IGNORECASE)
_BORDER_AFTER = re.compile(r"(?:-\w+)?\s+(?:border|frontier)\b", re.IGNORECASE)
_ELSEWHERE_BEFORE = re.compile(
    r"\b(?:from|into|to|towards?|border with|borders with|bordering|fled to|crossed into|back to|"
    # where a hostage was taken and kept afterwards, not where the abduction happened
    r"held in|kept in|held captive in|released in)\s+"
    r"(?:the\s+)?(?:neighbou?ring\s+)?$",
    re.IGNORECASE,
)
#: Words for administrative units, after a name ("Kilifi County", "Al Dhaher district").
UNIT_WORDS = (
    "county|province|governorate|region|state|district|department|oblast|prefecture|municipality|"
    "parish|division"
)
_TITLE_BEFORE = re.compile(r"\b(?:MPs?|MCA|VP|Senator|Governor|Hon|Mr|Mrs|Ms|Dr)\.?\s+$")
_LARGE_CITY = 1_000_000  # a name this big is meant even as one word of a longer one ("Beirut Port")
#: "Al Dhaher district", "Laisamis sub county": the text says the name is a unit
_UNIT_AFTER = re.compile(rf"[\s,]*(?:{UNIT_WORDS}|sub[- ]?county|constituency|ward)\b", re.IGNORECASE)
_UNIT_LAST = re.compile(rf"\s(?:{UNIT_WORDS})$", re.IGNORECASE)
#: the first half of a hyphenated name, not an Arabic article ("Al-Hasakeh")
_COMPOUND_BEFORE = re.compile(r"\b(?![AaEe][ls]-|[Aa][dnrstz]h?-|[Ee][dnrst]-)([A-Z][a-z]+)-$")
_CAPITAL_WORD_BEFORE = re.compile(r"\b[A-Z][\w'-]* $")
_CAPITAL_WORD_AFTER = re.compile(
    rf" (?!(?i:{UNIT_WORDS}|city|town|village|camp|sub-?county|constituency|ward)\b)[A-Z]"
)
_SAINT_BEFORE = re.compile(r"\b(?:Mt|Mount|St|Saint|Ste|Jabal|Jebel|Djebel|Jabel)\.?[\s-]+$")
_ADMIN_WORD_COUNTRY = {
    "barangay": "Philippines",
    "barangays": "Philippines",
    "upazila": "Bangladesh",
    "tambon": "Thailand",
    "lga": "Nigeria",
}
_ADMIN_WORD = re.compile(r"\b(Barangays?|barangays?|[Uu]pazila|[Tt]ambon|LGA)\b")
#: "a Palestinian", "an Israeli woman", "one of them was Somali", "one American and one Briton"
_A_PERSON_BEFORE = re.compile(r"\b(?:a|an|was|were|one|two|three|four|five|\d+)\s+$", re.IGNORECASE)
_PEOPLE_AFTER = re.compile(
    r"\s+(?:[\w-]+\s+)?(?:residents?|nationals?|man|men|woman|women|shop ?owners?|traders?|"
    r"businessm[ae]n|expatriates?|refugees?|immigrants?|community|communities|populated|families|"
    r"family|people|youths?|students?|elders?|herders?|cleric|sheikh|"
    # armed men named by origin: "Somali militants" in Mandera are who they are, not where
    r"militias?|militiamen|militants?|gunm[ae]n|islamists?|assailants?|attackers?|fighters?|bandits?|"
    r"raiders?|insurgents?|rebels?|pirates?|soldiers?|troops?|groups?)\b",
    re.IGNORECASE,
)
_PEOPLE_REGION_AFTER = re.compile(r"\s+region\b", re.IGNORECASE)
_LED_AFTER = re.compile(r"[- ](?:led|backed|supported|allied|affiliated|sponsored)\b", re.IGNORECASE)
SMALL_PLACE = 10_000


def names_people(text: str, start: int, end: int) -> bool:
    """The nationality word at text[start:end] ("Somali", not "Somalia") says who people are
    ("a Somali shop owner", "one American"), not where something happened."""
    return get_gazetteer().country(text[start:end]) is None and bool(
        _PEOPLE_AFTER.match(text, end) or _A_PERSON_BEFORE.search(text, max(0, start - 6), start)
    )


def _region(country: str) -> str | None:
    found = get_gazetteer().country(country)
    return found.region if found is not None else None


def named_keys(mentions: list[PlaceMention]) -> set[str]:
    """The name keys of the places a text names, as written and as the gazetteer calls them."""
    return {name_key(m.text) for m in mentions} | {name_key(m.place.name) for m in mentions}


def admin_named(place: Place, named: set[str], mention: PlaceMention) -> bool:
    """The place's province or district is named elsewhere in the text."""
    # a unit named like the mention or the place itself is the place, not its province
    own = {name_key(mention.text), name_key(place.name)}
    return any(
        unit is not None and name_key(unit) in named and name_key(unit) not in own
        for unit in (place.admin1, place.admin2)
    )


_ACRONYM = re.compile(r"[A-Z]{2,5}|[A-Z][a-z][A-Z]{1,3}")
GANG_AFTER = re.compile(r"\s+gang\b", re.IGNORECASE)
