"""The offline coder: codebook lexicons and rules, no network, no key.

An article is split into sentences; a sentence with an event cue (an air strike, shelling, a
clash, a takeover, a protest, ...) becomes one event per place it names. Places come from the
gazetteer, actors from the actor dictionary, dates from `coder.dates` resolved against the
publication date, fatalities from `coder.fatalities`. Every filled field carries an evidence
span into the article; doubts become flags for the reviewer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, deque
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, TypeVar

from coder.actors import (
    Actor,
    ActorMention,
    dictionary_actor,
    find_actors,
    generic_actor,
    inter_of_name,
    is_government,
    local_unidentified,
    state_force,
)
from coder.admin_areas import AreaMention, area_place, find_areas
from coder.classifier import Prediction, SubEventModel, shipped_model
from coder.codebook import (
    ARMED_INTERS,
    CIVILIAN_TARGETING,
    SUB_TO_EVENT,
    TAKEOVERS,
    disorder_type_for,
    interaction_code,
)
from coder.communal import find_identity_militias, is_group_name, merge_mentions
from coder.country_vote import (
    GANG_AFTER,
    SMALL_PLACE,
    UNIT_WORDS,
    admin_named,
    main_country,
    named_keys,
    names_people,
)
from coder.dates import ResolvedDate, article_conflicts, best_date, find_dates
from coder.fatalities import find_fatalities, is_motive, lowest_credible
from coder.frontlines import front_middle, front_provinces, front_sides, front_villages, km_from_front
from coder.gazetteer import (
    Place,
    PlaceMention,
    approximate_message,
    distance_km,
    get_gazetteer,
    lacked_place,
)
from coder.literal_gate import GatedPattern
from coder.merge import drop_withdrawals_taken_over, merge_events
from coder.models import Article, CodedEvent, Event, Flag, Span
from coder.textnorm import name_key, normalize, normalize_document, normalize_with_map
from coder.victims import (
    HARMED_AFTER,
    OBJECT_BEFORE,
    RESPONDS_AFTER,
    acted_upon,
    armed_victims,
    civilians_attacked,
    crowd_did_it,
    force_attacked,
    force_did_it,
    force_fought_back,
    one_sided,
    post_attacked,
    reports_only,
    state_target,
)

CODER_NAME = "offline"
CODER_VERSION = "0.1.0"

# Cues in priority order: the first sub-event type whose cue a sentence contains wins.
# Patterns are written naturally and normalised like the text (coder.textnorm) at compile
# time, so Arabic letter variants need not be spelled out. Use lower-case regex escapes only.
_CUES: list[tuple[str, list[str]]] = [
    (
        "Chemical weapon",
        [r"chemical (?:weapon|attack)", r"chlorine", r"sarin", r"كيماوي", r"كيميائي", r"غاز الكلور"],
    ),
    ("Suicide bomb", [r"suicide (?:bomb|attack|car)", r"انتحاري", r"انتحارية"]),
    (
        "Remote explosive/landmine/IED",
        [
            r"\bied\b",
            r"roadside bomb",
            r"car bomb",
            r"landmine",
            r"explosive device",
            r"booby.trap",
            r"مفخخة",
            r"مفخخات",
            r"عبوة ناسفة",
            r"عبوات ناسفة",
            r"لغم",
            r"ألغام",
            r"انفجار",
        ],
    ),
    (
        "Air/drone strike",
        [
            r"air ?strikes?",
            r"air raids?",
            r"warplanes?",
            r"\bjets?\b",
            r"helicopters?",
            r"barrel bombs?",
            r"\bdrones?\b",
            r"bombed from the air",
            r"غارة",
            r"غارات",
            r"الطيران",
            r"طائرات",
            r"طائرة",
            r"الطيران الحربي",
            r"المروحيات",
            r"مروحيات",
            r"قصف جوي",
            r"جوية",
            r"براميل",
            r"مسيرة",
        ],
    ),
    (
        "Shelling/artillery/missile attack",
        [
            r"shell(?:ing|ed|s)?\b",
            r"artillery",
            r"mortars?",
            r"rockets?",
            r"missiles?",
            r"قصف",
            r"قذائف",
            r"قذيفة",
            r"مدفعي",
            r"صاروخي",
            r"صواريخ",
            r"هاون",
            r"راجمات",
        ],
    ),
    ("Grenade", [r"grenades?", r"قنبلة يدوية"]),
    (
        "Government regains territory",  # becomes "Non-state actor overtakes" for non-state actors
        [
            r"re-?(?:took|captured|gained)",
            r"took (?:full )?cont(?:r)?ol",
            r"(?:took|taking|takes?) over (?:the |a )?(?:village|town|area|city|post|camp|base)",
            r"gained control over",
            r"recovered (?:the )?territory",
            r"seized (?:it|the area|the town|the village|the city|the base|the camp)\b",
            r"(?:made|making|make) territorial gains",
            r"(?:seized|captured) (?:the )?(?:town|city|village)",
            r"استعاد",
            r"استعادة",
            r"سيطر",
            r"سيطرة",
            r"يسيطر",
            r"تسيطر",
        ],
    ),
    (
        "Armed clash",
        [
            r"clash(?:es|ed)?",
            r"fighting",
            r"ambush(?:ed)?",
            r"gun ?battle",
            r"exchange of fire",
            r"اشتباك",
            r"اشتباكات",
            r"معارك",
            r"كمين",
            r"مواجهات",
        ],
    ),
    (
        "Abduction/forced disappearance",
        [r"kidnap(?:ped|ping)?", r"abduct(?:ed|ion)", r"اختطاف", r"خطف", r"اختطف"],
    ),
    (
        "Attack",
        [r"shot dead", r"gunmen", r"executed", r"assassinat", r"اغتيال", r"إعدام ميداني", r"أعدم", r"طعن"],
    ),
    ("Excessive force against protesters", [r"(?:fire|shot) (?:on|at) protesters"]),
    (
        "Protest with intervention",
        [r"dispersed", r"tear ?gas", r"فض (?:ال)?(?:مظاهرة|اعتصام)", r"تفريق"],
    ),
    ("Violent demonstration", [r"\briot", r"pelted", r"stone.throwing", r"أعمال شغب"]),
    ("Mob violence", [r"\bmob\b", r"lynch"]),
    (
        "Peaceful protest",
        [
            r"protest",
            r"demonstrat",
            r"rall(?:y|ied)",
            r"sit-in",
            r"مظاهرة",
            r"مظاهرات",
            r"تظاهر",
            r"وقفة احتجاجية",
            r"اعتصام",
            r"احتجاج",
        ],
    ),
    ("Agreement", [r"agreement", r"ceasefire", r"truce", r"prisoner exchange", r"اتفاق", r"هدنة", r"تبادل"]),
    ("Arrests", [r"arrested", r"detained", r"اعتقل", r"اعتقال", r"حملة مداهمات", r"توقيف"]),
    (
        "Disrupted weapons use",
        [
            r"defused",
            r"intercept(?:ed|s|ing)? (?:[\w-]+ ){0,4}"
            r"(?:missiles?|rockets?|drones?|explosives?|ieds?|bombs?|shells?)",
            r"shot down (?:[\w-]+ ){0,3}(?:drones?|missiles?|rockets?|aircraft|planes?|jets?|helicopters?)",
            r"(?:recovered|seized|found|discovered|dismantled) (?:[\w-]+ ){0,4}"
            r"(?:improvised explosive devices?|ieds?|landmines?|explosives?|bombs?)",
            r"exploded prematurely",
            r"defusal",
            r"weapons? seizure",
            r"uncover(?:ed|s)? and remove[ds]?",
            r"(?:controlled|safely) (?:detonat\w+|explosion)",
            r"detonated (?:[\w-]+ ){0,3}(?:bombs?|ieds?|explosives?|devices?) planted",
            r"(?:bombs?|ieds?|explosives?|devices?) (?:they|he|she) (?:were|was) "
            r"(?:planting|assembling|making)",
            r"تفكيك",
            r"اعتراض",
            r"أسقط",
        ],
    ),
    (
        "Looting/property destruction",
        [r"looted", r"looting", r"torched", r"demolished", r"نهب", r"سرقة", r"هدم", r"إحراق"],
    ),
    (
        "Headquarters or base established",
        [r"(?:established|set up) (?:a )?(?:base|headquarters)", r"مقرا", r"قاعدة عسكرية"],
    ),
    (
        "Non-violent transfer of territory",
        [r"handed over", r"withdr[ae]w from", r"انسحب", r"انسحاب", r"تسليم"],
    ),
    (
        "Change to group/activity",
        [
            r"manoeuvres?",
            r"maneuvers?",
            r"military exercises?",
            r"drills?",
            r"reinforcements",
            r"recruit",
            r"arrived",
            r"convoy",
            r"مناورات",
            r"مناورة",
            r"تدريبات",
            r"تعزيزات",
            r"وصول(?!ا)",
            r"(?<!ال)وصل",
            r"دخلت",
            r"وصلت",
            r"تجنيد",
            r"رتل",
        ],
    ),
    ("Other", [r"\bvisit(?:ed)?\b", r"toured", r"settlement", r"زيارة", r"زار", r"جولة", r"تسوية"]),
]

_M = TypeVar("_M", bound=Any)
_AIR_SUBTYPES = {"Air/drone strike"}
_CITY = 100_000  # a town this size is no hamlet sharing a name: the gazetteer surely has it
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")

#: Sub-event types that have no fatalities (codebook section 5.8).
_NO_DEATHS = frozenset({"Peaceful protest", "Protest with intervention"})


@cache
def _compiled_cues() -> list[tuple[str, GatedPattern | None, GatedPattern | None]]:
    """Per sub-event type, one regex of its Latin-script cues and one of its Arabic cues: a
    text is searched only with the script(s) it contains."""
    compiled = []
    for sub, patterns in _CUES:
        latin = [normalize(p) for p in patterns if not _ARABIC_LETTER.match(normalize(p))]
        arabic = [normalize(p) for p in patterns if _ARABIC_LETTER.match(normalize(p))]
        latin_re = "|".join(f"(?:{p})" for p in latin)
        arabic_re = f"{_AR_LEFT}(?:" + "|".join(f"(?:{p})" for p in arabic) + ")"
        compiled.append(
            (
                sub,
                GatedPattern.compile(latin_re) if latin else None,
                GatedPattern.compile(arabic_re) if arabic else None,
            )
        )
    return compiled


_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
_LATIN_LETTER = re.compile(r"[a-z]")
#: Letters and clitics that may be attached before an Arabic word: conjunctions, prepositions
#: and the article ("وقصف", "بالقصف", "للطيران").
_AR_LEFT = r"(?<![^\W_])(?:[وفبلك]?(?:ال|لل)?)"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets; a blank-line or newline boundary starts a new paragraph."""
    out: list[Sentence] = []
    paragraph = 0
    pos = 0
    for match in _SENTENCE_END.finditer(text + "\n"):
        chunk = text[pos : match.start()]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(Sentence(pos + lead, match.start(), chunk.strip(), paragraph))
        if "\n" in match.group():
            paragraph += 1
        pos = match.end()
    return out


@dataclass(frozen=True)
class Cue:
    sub_event_type: str
    start: int
    end: int
    anaphoric: bool = False  # "القصف" (the bombardment): refers back to an event already named


#: Words that name support for someone else's action ("مدعوماً بضربات جوية روسية", "backed by").
_SUPPORT = ["مدعوما", "مدعومة", "بدعم", "بمساندة", "بغطاء", "backed by", "supported by"]
#: A weapon named as support for another action ("سيطر جيش النظام مدعوماً بضربات جوية روسية",
#: "backed by air strikes") is not an event of its own.
_SUPPORT_BEFORE = re.compile(
    "(?:"
    + "|".join(normalize(w) for w in [*_SUPPORT, "with the support of", "under the cover of"])
    + r")\s+\S*\s*$"
)
_ANAPHORIC = re.compile(normalize(r"^[وفب]?(?:ال|لل)(?:قصف|غارات|غاره|ضربات|هجوم|مناورات)"))


def find_cues(sentence: str) -> list[Cue]:
    """Every event cue in a sentence (offsets into the sentence), highest priority first.

    Arabic "قصف" (bombardment) is an air strike when aircraft are named in the sentence.
    """
    return _air_override(_cue_matches(sentence))


def _cue_matches(text: str) -> list[Cue]:
    norm, offsets = normalize_document(text)
    has_arabic = _ARABIC_LETTER.search(norm) is not None
    has_latin = _LATIN_LETTER.search(norm) is not None
    found: list[Cue] = []
    for sub, latin, arabic in _compiled_cues():
        pairs = ((latin, has_latin), (arabic, has_arabic))
        patterns = [p for p, present in pairs if p is not None and present]
        for match in (m for p in patterns for m in p.finditer(norm)):
            if match.end() > match.start() and not _SUPPORT_BEFORE.search(
                norm[max(0, match.start() - 25) : match.start()]
            ):
                anaphoric = _ANAPHORIC.match(match.group()) is not None
                found.append(Cue(sub, offsets[match.start()], offsets[match.end() - 1] + 1, anaphoric))
    # "shot down two drones", "recovered four IEDs": the weapon was stopped, not used
    stopped = [c for c in found if c.sub_event_type == _DISRUPTED]
    if stopped:
        found = [c for c in found if c.sub_event_type == _DISRUPTED or not _overlaps(c, stopped)]
    return found


_DISRUPTED = "Disrupted weapons use"


def _overlaps(cue: Cue, spans: list[Cue]) -> bool:
    """Does the cue overlap one of the spans ("explosive devices" and "recovered four
    improvised explosive")?"""
    return any(cue.start < d.end and d.start < cue.end for d in spans)


def _air_override(found: list[Cue]) -> list[Cue]:
    if any(c.sub_event_type in _AIR_SUBTYPES for c in found):
        air = "Air/drone strike"
        found = [Cue(air, c.start, c.end, c.anaphoric) if c.sub_event_type == _SHELLING else c for c in found]
    return found


@dataclass(frozen=True)
class _Scan:
    """What the article says, found once over the whole text (offsets into the article)."""

    cues: list[Cue]
    actors: list[ActorMention]
    deaths: list  # FatalityMention
    countries: list  # (start, end, Country)
    background: list[int]  # where background phrases start
    targets: frozenset[int]  # starts of actor mentions that name a target ("مواقع قوات النظام")

    @classmethod
    def of(cls, article: Article, country: str | None, countries: list) -> _Scan:
        text = article.text
        norm, offsets = normalize_document(text)
        actors = find_actors(text, article.language, country, article.published)
        if article.language == "en":
            actors = merge_mentions(actors, find_identity_militias(text))
        return cls(
            cues=_cue_matches(text),
            actors=actors,
            deaths=find_fatalities(text, article.language),
            countries=countries,
            background=[offsets[m.start()] for m in _BACKGROUND.finditer(norm)],
            targets=frozenset(
                m.start
                for m in actors
                if _TARGET_BEFORE.search(normalize(text[max(0, m.start - 20) : m.start]))
            ),
        )

    def is_background(self, sentence: Sentence) -> bool:
        return any(sentence.start <= b < sentence.end for b in self.background)

    def cues_in(self, sentence: Sentence) -> list[Cue]:
        """The sentence's cues, offsets into the sentence, in priority order."""
        inside = [
            replace(c, start=c.start - sentence.start, end=c.end - sentence.start)
            for c in self.cues
            if sentence.start <= c.start and c.end <= sentence.end
        ]
        return _air_override(inside)

    def within(self, items: list[_M], sentence: Sentence) -> list[_M]:
        return [m for m in items if sentence.start <= m.start and m.end <= sentence.end]

    def countries_within(self, sentence: Sentence) -> set[str]:
        """Countries the sentence names, for places abroad it may name: not the nationality of
        people ("one Briton and one American died" lets in no Britton, South Dakota)."""
        return {
            c.name
            for start, end, c in self.countries
            if sentence.start <= start < end <= sentence.end
            and not names_people(sentence.text, start - sentence.start, end - sentence.start)
            # "Turkish military forces conducted airstrikes in Zap": whose forces, not where
            and not _FORCES_AFTER.match(sentence.text, end - sentence.start)
        }


#: After a country's adjective, words that make it the nationality of a force.
_FORCES_AFTER = re.compile(
    r"[\s-]+(?:led|backed|military|army|armed forces|forces|troops|soldiers|jets|warplanes|aircraft|"
    r"drones?|air force|navy)\b",
    re.IGNORECASE,
)


_SHELLING = "Shelling/artillery/missile attack"


def _nearest_cue(cues: list[Cue], place: PlaceMention, offset: int, language: str) -> Cue:
    """The cue that reports what happened at `place`: the closest one, priority breaking ties.

    In Arabic the place follows its verb ("قصفت قوات النظام بلدة مجدليا"), so a cue after the
    place is counted as three times as far.
    """
    start, end = place.start - offset, place.end - offset
    after_weight = 3 if language == "ar" else 1

    def distance(item: tuple[int, Cue]) -> tuple[int, int]:
        rank, cue = item
        gap = start - cue.end if cue.end <= start else (cue.start - end) * after_weight
        return (max(gap, 0), rank)

    return min(enumerate(cues), key=distance)[1]


def find_cue(sentence: str) -> Cue | None:
    """The highest-priority event cue in a sentence (offsets into the sentence), if any."""
    norm, offsets = normalize_with_map(sentence)
    found: list[Cue] = []
    for sub, pattern in _compiled_cues():
        match = pattern.search(norm)
        if match:
            found.append(Cue(sub, offsets[match.start()], offsets[match.end() - 1] + 1))
    if not found:
        return None
    best = found[0]
    # Arabic "قصف" (bombardment) is an air strike when aircraft are named in the sentence.
    if best.sub_event_type == "Shelling/artillery/missile attack":
        air = [c for c in found if c.sub_event_type in _AIR_SUBTYPES]
        if air:
            best = air[0]
    return best


def _span(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


def _prefer_named_admin(
    mentions: list[PlaceMention], recent_admin1: Counter[str] | None = None
) -> list[PlaceMention]:
    """Among a name's candidates, take the one whose province/district the text also names;
    failing that, for a name several villages share, the one in the province the run's recent
    events were in (a monitor's daily reports from the same front)."""
    named = named_keys(mentions)
    out = []
    for m in mentions:
        if len(m.candidates) > 1 and not admin_named(m.place, named, m):
            better = [c for c in m.candidates if admin_named(c, named, m)]
            if better:
                m = replace(m, place=better[0], ambiguous=False)
            elif recent_admin1 and m.ambiguous:
                same_country = [c for c in m.candidates if c.country == m.place.country]
                best = max(same_country, key=lambda c: recent_admin1.get(c.admin1 or "", 0), default=m.place)
                if recent_admin1.get(best.admin1 or "", 0) > recent_admin1.get(m.place.admin1 or "", 0):
                    m = replace(m, place=best)
        out.append(m)
    return out


def _drop_incidental(mentions: list[PlaceMention], text: str, country: str | None) -> list[PlaceMention]:
    """The places where the event happened, when names that describe someone come with them.

    A place in an office or an institution ("Siaya Senator", "Kisii University"), an ethnic
    group named as people ("Turkana raiders", "the Kikuyu"), where people came from ("farmers
    from Ol Kalou stormed ... in Nairobi") and the ends of a road or border ("the
    Nairobi-Mombasa highway in Emali") give way to a place named as such. Alone, they are the
    best clue coders have (the county of the governor, the raiders' home area), and stay.
    """
    someone = [_names_someone(m, text) for m in mentions]
    incidental = [named or _passing(m, text) for m, named in zip(mentions, someone, strict=True)]
    if not any(incidental):
        return mentions
    # A people named like a town ("six Kikuyu traders", "the Luo") says nothing of where it
    # acted; named like a county, it is its home area, the coders' best clue ("Turkana raiders")
    keep = [
        not (
            named
            and m.place.kind == "place"
            and is_group_name(m.text)
            and get_gazetteer().admin1_place(m.place.country, m.text) is None
            and not _ROAD_NAMED_AFTER.match(text, m.end)
        )
        for m, named in zip(mentions, someone, strict=True)
    ]
    mentions = [m for m, kept in zip(mentions, keep, strict=True) if kept]
    incidental = [odd for odd, kept in zip(incidental, keep, strict=True) if kept]
    where = [
        m
        for m, odd in zip(mentions, incidental, strict=True)
        if not odd and m.place.kind != "country" and (country is None or m.place.country == country)
    ]
    # a place gives way only to another place, not to its own province ("the Bothai-Ijara road
    # in Garissa County", "citizens from Redeyef (Gafsa)")
    kept = [
        m
        for m, odd in zip(mentions, incidental, strict=True)
        if not odd or not any(not _inside(m.place, n) for n in where)
    ]
    # Alone, a road is one place, its first end ("on the Garsen-Witu road": Garsen), not one
    # event at each end.
    return [m for i, m in enumerate(kept) if not (i and _second_road_end(kept[i - 1], m, text))]


#: "the Kikuyu road", "the Kikuyu-Dagoretti road": a road named after the town.
_ROAD_NAMED_AFTER = re.compile(r"(?:\s?[-–]\s?[A-Z][\w'.]*)?\s+(?:road|highway|route)\b", re.IGNORECASE)


#: A coder's note of where the event was coded: "(coded as Birnin Gwari LGA, Kaduna)",
#: "(coordinates for Kapenguria, West Pokot, used)", "[coded to Athens-Central Athens]".
_ANNOTATION = re.compile(
    r"\b(?:(?:location\s+)?coded\s+(?:as|at|in|to)|coordinates\s+(?:for|of))\s+(?:the\s+)?",
    re.IGNORECASE,
)


def _annotated_place(mentions: list[PlaceMention], text: str, country: str | None) -> list[PlaceMention]:
    """The place a note says the event was coded at, when it names one we know in the event's
    country (none otherwise): the only place of the event, the others being where it happened
    around or what the source said."""
    for match in _ANNOTATION.finditer(text):
        for i, m in enumerate(mentions):
            if (
                match.end() <= m.start <= match.end() + 2
                and country is not None
                and m.place.country == country
            ):
                # with the units stated after it ("coded as Kakuma, Turkana")
                return _follow_stated_units(mentions[i:], text)[:1]
    return []


def _second_road_end(first: PlaceMention, m: PlaceMention, text: str) -> bool:
    """`m` is the end after the dash of a road whose first end is `first` ("Garsen-Witu road")."""
    return (
        _second_road_half(m, text)
        and bool(_ROAD_AFTER.match(text, first.end))
        and first.end <= m.start <= first.end + 3
    )


#: A part of a town named like a place: "in Colonia Centro", "the Centro neighbourhood",
#: "traders at Kisumu Avenue": the gazetteer's namesake is some other place, and the town the
#: text names is the event's.
_PART_MARKERS = frozenset({"colonia", "barrio"})
_CAPITAL_AFTER = re.compile(r"\s+[A-Z]")
_PART_BEFORE = re.compile(r"\b(?:colonia|barrio|neighbou?rhood of|suburb of)\s+$", re.IGNORECASE)
#: (Not "community" nor "locality": in Nigeria and in Congo they name villages.)
_PART_AFTER = re.compile(
    # "the Jardim Catarina neighborhood": the part's name may run on past the place's
    r"(?:\s+(?:[A-Z][\w'-]*|de|da|do|dos|das|del|la|el)){0,3}\s+(?:neighbou?rhood|colony|suburb|slum|street|"
    r"avenue|square|roundabout|park|"
    r"stadium|Neighbou?rhood|Colony|Suburb|Slum|Street|Avenue|Square|Roundabout|Park|Stadium)\b"
)
#: "in the Lago Norte area": a part when a town lies close by ("the Iztapalapa area of Mexico
#: City" names the part as the place: coders code it there).
_AREA_AFTER = re.compile(r"\s+area\b(?!\s+of\b)", re.IGNORECASE)
#: Places named for another event: "in solidarity with striking workers in Grodno", "fighting
#: in neighbouring Kuresoi".
_ELSEWHERE_BEFORE = re.compile(
    r"(?:\b(?:in|out of) solidarity with\b[^.;]{0,60}|\bneighbou?ring\s+(?:[\w'-]+\s+)?"
    # a bearing from a landmark town ("at Kainuk, south of Lokichar") when the place is named
    r"|\b(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+(?:the\s+)?)$",
    re.IGNORECASE,
)


#: A place inside a longer capitalised name ("the Free Mombasa Movement"): a capitalised
#: word before it that starts no sentence, and one after it that is no unit or landmark.
_NAME_WORD_BEFORE = re.compile(r"\b[A-Z][\w'’]*\s+$")
_SENTENCE_END_BEFORE = re.compile(r"[.!?:\n]\s*$")
_NAME_WORD_AFTER = re.compile(
    r"\s+(?!(?:City|Town|Province|District|County|State|Region|Governorate|Oblast|Department|"
    r"Municipality|Division|Airport|Road|Street|Highway|Bridge|Market|Camp|Prison|Port|Area|"
    r"Village|Valley|Mountains?|River|Lake|Hills?|North|South|East|West|Central|LGA|CBD)\b)[A-Z(]"
)


def _drop_town_parts(mentions: list[PlaceMention], text: str) -> list[PlaceMention]:
    """Without the parts of a town named beside it ("in Brasilia, police raided a warehouse in
    the Lago Norte area"): the event happened in the town, once, not again in its district;
    nor the places named for something else ("in solidarity with striking workers in Grodno",
    "the Free Mombasa Movement", the landmark of a bearing: "at Kainuk, south of Lokichar").
    Alone they stay, the best place there is; an area stays unless a town lies within
    _STATED_NEAR_KM (an area can be a place of its own)."""
    odd = [_town_part(m, text) or _named_for_else(m, text) for m in mentions]
    area = [bool(_AREA_AFTER.match(text, m.end)) for m in mentions]
    longer = [_word_of_longer_name(m, text) or _last_word_of_longer_name(m, text) for m in mentions]
    towns = [
        n
        for n, o, a in zip(mentions, odd, area, strict=True)
        if not o and not a and n.place.kind in ("place", "admin2")
    ]
    out = []
    for m, o, a, w in zip(mentions, odd, area, longer, strict=True):
        others = [n for n in towns if n is not m and n.place.country == m.place.country]
        if o and m.place.kind in ("place", "admin2") and others:
            continue
        if w and any(
            n is not m
            and not longer[j]
            and n.place.country == m.place.country
            and n.place.kind != "country"
            and not _inside(m.place, n)
            for j, n in enumerate(mentions)
        ):
            continue  # a namesake of the first word: the text's other places are elsewhere
        if a and m.place.kind == "place" and any(n.place.kind == "place" and _near(m, n) for n in others):
            continue
        out.append(m)
    return out


def _town_part(m: PlaceMention, text: str) -> bool:
    """A part of a town: "Colonia Centro", "the Boa Vista neighbourhood", or "Colonia" itself."""
    if m.text.casefold() in _PART_MARKERS and _CAPITAL_AFTER.match(text, m.end):
        return True
    if m.text.split(" ", 1)[0].casefold() in _PART_MARKERS and " " in m.text:
        return True  # "found dead in Colonia Libertad": the gazetteer's town of that name is elsewhere
    return bool(_PART_BEFORE.search(text, max(0, m.start - 20), m.start) or _PART_AFTER.match(text, m.end))


def _word_of_longer_name(m: PlaceMention, text: str) -> bool:
    """The first word of a longer name we lack ("the Khwaja Raheem area", a place in another
    province as "Khwaja"): a namesake, gone when the text names a town of the country."""
    after = _NAME_WORD_AFTER.match(text, m.end)
    return (
        m.place.kind == "place"
        and after is not None
        and text[after.end() - 1].isalpha()
        and " " not in m.text
    )


#: ... or its last word: "the Maskan-e Mehr housing project in Mashhad" (not "Mehr" in Fars).
#: Not after a word that starts a place's name on its own ("Upper", "Kafr", "Abu"), a title, a
#: possessive or a country's adjective ("Kenya's Mandera", "Syrian Idlib").
_NAME_WORD_ENDING = re.compile(r"(?<![\w'’])([A-Z][\w-]*) $")
_STARTS_A_PLACE_NAME = re.compile(
    r"north|south|east|west|central|upper|lower|greater|new|old|al|el|as|ad|at|ar|ash|an|az|sidi|ain|"
    r"bir|tal|tell|wadi|jabal|jebel|mount|mt|lake|port|saint|st|san|santa|sao|kafr|deir|dayr|beit|umm|"
    r"abu|bab|ras|mina|suq|souk|khan|qasr|hay|haret|ban|nam|bo|ciudad|puerto|villa|la|le|los|las",
    re.IGNORECASE,
)


def _last_word_of_longer_name(m: PlaceMention, text: str) -> bool:
    """The place ends a longer capitalised name ("the Maskan-e Mehr estate"), see above."""
    if m.place.kind != "place" or " " in m.text:
        return False
    before = _NAME_WORD_ENDING.search(text, max(0, m.start - 25), m.start)
    if before is None or _SENTENCE_END_BEFORE.search(text, max(0, before.start() - 3), before.start()):
        return False
    word = before.group(1)
    return (
        not _STARTS_A_PLACE_NAME.fullmatch(word)
        and not _TITLE_WORD.fullmatch(word)
        and get_gazetteer().country_word(word) is None
        and before.start() > 0
    )


_TITLE_WORD = re.compile(
    r"(?:Prof|Dr|Mr|Mrs|Ms|Hon|Sen|Senator|Gen|Col|Capt|Maj|Lt|Rev|Sheikh|Bishop|Governor|Minister|MP|MCA|"
    r"President|Commander|Chief|King|Queen|Prince|Emir|Imam|Pope|Saint)\.?"
)


def _named_for_else(m: PlaceMention, text: str) -> bool:
    """A place named for another event, or inside a longer capitalised name."""
    if _ELSEWHERE_BEFORE.search(text, max(0, m.start - 80), m.start):
        return True
    before = _NAME_WORD_BEFORE.search(text, max(0, m.start - 30), m.start)
    return (
        before is not None
        and before.start() > 0
        and not _SENTENCE_END_BEFORE.search(text, max(0, before.start() - 3), before.start())
        and bool(_NAME_WORD_AFTER.match(text, m.end))
    )


def _near(m: PlaceMention, n: PlaceMention) -> bool:
    """Within _STATED_NEAR_KM of each other."""
    return (
        distance_km(m.place.latitude, m.place.longitude, n.place.latitude, n.place.longitude)
        <= _STATED_NEAR_KM
    )


def _names_someone(m: PlaceMention, text: str) -> bool:
    if (
        _OFFICE_AFTER.match(text, m.end)
        or GANG_AFTER.match(text, m.end)
        or _INSTITUTION_OF_BEFORE.search(text, max(0, m.start - 20), m.start)
    ):
        return True
    return is_group_name(m.text) and bool(
        _PEOPLE_NOUN_AFTER.match(text, m.end)
        or _THE_BEFORE.search(text, max(0, m.start - 5), m.start)
        # "clashes between Kalenjin and Kikuyu", "6 Kikuyu were killed": a people, unless the
        # text puts it as a place ("in Kikuyu", "Kikuyu town")
        or not (
            _AT_PLACE_BEFORE.search(text, max(0, m.start - 12), m.start)
            or _UNIT_WORD_AFTER.match(text, m.end)
            # "Samburu homes" lie in Samburu County; a "Kikuyu farm" is no farm in Kikuyu town
            or (
                _HOMES_AFTER.match(text, m.end)
                and get_gazetteer().admin1_place(m.place.country, m.text) is not None
            )
        )
    )


_AT_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|to|from|of|around|outside|towards)\s+|[,(-]\s*)$", re.IGNORECASE
)
#: "Samburu villagers", "Pokot homes": where those people live is where it happened
_HOMES_AFTER = re.compile(
    r"\s+(?:villagers|villages?|residents|homes|houses|manyattas?|farms?)\b", re.IGNORECASE
)
_UNIT_WORD_AFTER = re.compile(
    r"\s+(?:town|county|district|sub-?county|constituency|village|market|centre|center|area)\b", re.IGNORECASE
)


def _incidental(m: PlaceMention, text: str) -> bool:
    """A name that describes someone, or a place people passed through or came from."""
    return _names_someone(m, text) or _passing(m, text)


def _passing(m: PlaceMention, text: str) -> bool:
    """A place people came from, or an end of a road or border named after two places."""
    if _FROM_BEFORE.search(text, max(0, m.start - 6), m.start) and not _RANGE_AFTER.match(text, m.end):
        return True  # not "from Garsen to Lamu", "from Isiolo and Marsabit": the places themselves
    return bool(_ROAD_AFTER.match(text, m.end)) or _second_road_half(m, text)


def _second_road_half(m: PlaceMention, text: str) -> bool:
    """`m` follows the dash of a road or border named after two places ("Garsen-Witu road")."""
    return bool(
        _DASH_BEFORE.search(text, max(0, m.start - 3), m.start) and _ROAD_WORD_AFTER.match(text, m.end)
    )


_OFFICE_AFTER = re.compile(
    r"\s+(?:County\s+)?(?:Senator|senator|Governor|governor|MP|MCA|Woman Rep|Women Rep|"
    r"University|Universitys|University's|College|Polytechnic)\b"
)
#: "the University of Nairobi's Kabete campus", "the National Union of Teachers": a body named
#: after the place (or a word an estate is named like).
_INSTITUTION_OF_BEFORE = re.compile(
    r"\b(?:University|College|Polytechnic|Union|Association|Federation|Society|Institute|Chamber)\s+of\s+$"
)
_PEOPLE_NOUN_AFTER = re.compile(
    r"(?:\s+and\s+[A-Z]\w+)?\s+(?:raiders?|militias?|militiamen|herders|herdsmen|warriors|morans|"
    r"youths?|men|communit(?:y|ies)|clans?|ethnic|tribes?|fighters|attackers|bandits|elders|people|"
    r"groups)\b",
    re.IGNORECASE,
)
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_FROM_BEFORE = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"\s*(?:to|towards|and|[-–])\s", re.IGNORECASE)
_ROAD_KINDS = r"(?:road|highway|superhighway|border|route|railway)\b"
_ROAD_AFTER = re.compile(r"\s?[-–]\s?[A-Z][\w'.]*(?:\s[A-Z][\w'.]*)*\s+" + _ROAD_KINDS, re.IGNORECASE)
_DASH_BEFORE = re.compile(r"[-–]\s?$")
_ROAD_WORD_AFTER = re.compile(r"(?:\s[A-Z][\w'.]*)*\s+" + _ROAD_KINDS, re.IGNORECASE)


def _follow_stated_units(mentions: list[PlaceMention], text: str) -> list[PlaceMention]:
    """A place followed by the units it lies in ("Bohdanivka, Donetsk", "Burgersfort
    (Sekhukhune, Limpopo)", "Tuburan, Tulunan, Cotabato") is in those units.

    The namesake inside them is taken (see _in_units); a town stated as a unit ("Tulunan") is
    then where the place is, not a second place of the event.
    """
    out: list[PlaceMention | None] = list(mentions)
    for i, m in enumerate(mentions):
        if m.place.kind not in ("place", "admin2") or out[i] is None:
            continue
        chain: list[PlaceMention] = []
        end, explicit, part, gap_noun_area = m.end, False, None, False
        for n in mentions[i + 1 :]:
            gap = _UNIT_GAP.fullmatch(text, end, n.start)
            if gap is None:
                break
            if not chain:
                # "the Majengo area of Mombasa", "Kiganjo estate, Thika": said to be inside
                explicit = gap["noun"] is not None or gap["link"] == "of" or "(" in gap.group()
                gap_noun_area = bool(gap["noun"] and _AREA.fullmatch(gap["noun"]))
                part = gap["part"]
            chain.append(n)
            end = n.end
        units = [n for n in chain if n.place.country == m.place.country]
        if (
            units
            and part is not None
            and _STREET.fullmatch(part)
            and not _ROAD_FROM.search(text, max(0, m.start - 4), m.start)
        ):
            # "Maskanah street of Afrin city": a street, the town is the place (but the towns a
            # road joins, "the Bura-Hola road", are places on it)
            out[i] = None
            continue
        inside = explicit and gap_noun_area
        longest = 3 if inside else 2  # "Wadi area of Vadodara city (Vadodara, Gujarat)"
        if (
            not units
            or len(chain) > longest
            or (any(c.kind == "admin1" for c in m.candidates) and not inside)
        ):
            # "Homa Bay, Kisumu, Migori": provinces listed, not one inside the next (but "the
            # Wadi area of Vadodara city" says it is inside, whatever province is called Wadi)
            continue
        # "Rampur sector (Baramulla district)": a part of the unit, whatever town shares
        # its name elsewhere
        explicit = explicit or part is not None
        resolved = _in_units(m, units, bool(_LIST_AFTER.match(text, end)), explicit, part is not None)
        if resolved is not None:
            out[i] = resolved
            for j, n in enumerate(mentions[i + 1 : i + 1 + len(chain)], start=i + 1):
                if n in units and n.place.kind == "place":
                    out[j] = None
    return [m for m in out if m is not None]


#: A name the gazetteer does not know, put in a unit it does: "in the area of Kozachyi Yar,
#: Donetsk", "near Kozachyi Yar (Luhansk)", "at the village of Kozachyi Yar, Donetsk".
_UNKNOWN_BEFORE_UNIT = re.compile(
    r"(?:\b(?i:in|at|near|around|outside|between)|\b(?i:area|village|town|outskirts|vicinity|locality|settlement)"
    r"\s+of)\s+(?:the\s+)?(?:(?i:village|town|settlement|locality)\s+of\s+)?"
    r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
    r"(?:\s+(?i:village|town|settlement|locality|area))?\s*[,(]\s*$"
)
#: ... unless the name is a body's, a building's or a street's ("near Cherkasy Police, ...").
_BODY_WORD = re.compile(
    r"\b(?:Forces?|Party|Corps|Army|Police|Militia|Brigade|Council|Union|Front|Movement|Group|"
    r"Battalion|Regiment|Division|University|College|School|Hospital|Court|Ministry|Office|"
    r"Street|Road|Avenue|Square|Market|Bridge|Airport|Stadium|Prison|Camp|Church|Mosque)\b"
)


def _unknown_places_in_units(
    mentions: list[PlaceMention], text: str, country: str | None
) -> list[PlaceMention]:
    """A place the gazetteer lacks, named before the unit it lies in, is the place: coded at
    the unit's centre (approximate: geo_precision 2 for a district, 3 for a province), not at
    the town that shares the unit's name ("the area of Kozachyi Yar, Donetsk" is not in
    Donetsk city)."""
    if country is None:
        return mentions
    out = list(mentions)
    for n in mentions:
        if n.place.country != country:
            continue
        match = _UNKNOWN_BEFORE_UNIT.search(text, max(0, n.start - 80), n.start)
        if (
            match is None
            or _BODY_WORD.search(match["name"])
            or any(get_gazetteer().country_word(w) for w in match["name"].split())  # "In Kenya, Turkana ..."
        ):
            continue
        start, end = match.span("name")
        inside = [m for m in mentions if m.start < end and start < m.end]
        if any(m.place.country == country and m.end > start - 25 for m in mentions if m.start < end):
            # a place the gazetteer knows there ("Makutano town in Kapenguria, West Pokot": the
            # name is a unit of it): _follow_stated_units places it
            continue
        place = get_gazetteer().in_unit(match["name"], n, country)
        if place is None:
            continue  # n names no province or district there
        found = PlaceMention(start, end, match["name"], place, (place,), ambiguous=False, near=False)
        # the units stated after it are where it lies, not places of their own ("Kyaganza (Beni,
        # Nord-Kivu)"), and a word of it the gazetteer knows abroad ("Yar") is no place
        stated, last = {id(n)}, n.end
        for m in mentions:
            if m.start >= last and _UNIT_SEPARATOR.fullmatch(text, last, m.start):
                stated.add(id(m))
                last = m.end
        out = [m for m in out if id(m) not in stated and m not in inside] + [found]
    return sorted(out, key=lambda m: m.start)


_UNIT_SEPARATOR = re.compile(r"[\s,()]{1,4}")


def _in_units(
    m: PlaceMention, units: list[PlaceMention], is_list: bool, explicit: bool, part: bool = False
) -> PlaceMention | None:
    """`m` as a place inside `units`, or None when the names read as a list of peers.

    When the gazetteer knows no namesake there, the name is a place it lacks, coded at the most
    specific unit or town stated (approximate), as coders do; unless the name is a sizeable town
    (surely in the gazetteer: the writer's slip or an old unit name is likelier; `explicit`
    containment, "the X area of Y", raises the bar to a city) or has one namesake close by,
    which keeps its coordinates with the stated province (the gazetteer's link to a province is
    sometimes wrong).
    """
    if any(_inside(m.place, n) for n in units):
        return m
    fitting = [c for c in m.candidates if any(_inside(c, n) for n in units)]
    if fitting:
        return replace(m, place=fitting[0], ambiguous=False)
    if is_list or not any(u.kind in ("admin1", "admin2") for n in units for u in (n.place, *n.candidates)):
        return None  # "Bohdanivka, Kamianka and Avdiivka": a list of peers, not a hierarchy
    stated = units[0].place
    admin1 = next((_admin1_name(n.place) for n in units if _admin1_name(n.place)), None)
    if not part and (len(m.candidates) == 1 or max(c.population for c in m.candidates) >= _CITY):
        near = distance_km(m.place.latitude, m.place.longitude, stated.latitude, stated.longitude)
        if len(m.candidates) == 1 and near <= _STATED_NEAR_KM:
            return replace(m, place=replace(m.place, admin1=admin1))
        if m.place.population >= (_CITY if explicit else SMALL_PLACE):
            return None
        # the one namesake is a village far away ("Kruta Balka, Donetsk" is not Poltava's), or
        # the text says where it is ("the Majengo area of Mombasa" is not Vihiga's Majengo)
    # at a province's capital (a town named like its province is the province here: "(Kasserine)")
    # precision 3; at a district's centre or a town the text names, 2
    province = any(
        c.kind == "admin1" and name_key(c.name) == name_key(stated.name)
        for c in (stated, *units[0].candidates)
    )
    place = lacked_place(m.text, stated, admin1, None if province else stated.admin2, 3 if province else 2)
    return replace(m, place=place, candidates=(place,), ambiguous=False)


def _inside(place: Place, unit: PlaceMention) -> bool:
    """`place` lies in what `unit` names: a province or district of that name, or a town nearby."""
    for u in (unit.place, *unit.candidates):
        if u.country != place.country:
            continue
        if u.kind == "admin1" and name_key(place.admin1 or "") == name_key(u.name):
            return True
        if u.kind == "admin2" and name_key(place.admin2 or "") == name_key(u.name):
            return True
    town = unit.place
    # a place the gazetteer lacks sits at its province's seat: its coordinates say nothing of
    # what lies near it
    return (
        town.kind == "place"
        and not town.approximate
        and distance_km(place.latitude, place.longitude, town.latitude, town.longitude) <= _STATED_NEAR_KM
    )


#: Parts of a town named like a place ("Maskanah street", "the Phagwara bypass").
_STREET_WORDS = "street|road|avenue|square|roundabout|bridge|market|bypass"
#: Between a place and the unit it lies in: "X, Y", "X (Y", "X district, Y", "X (coded as Y".
_UNIT_GAP = re.compile(
    rf"(?:\s+(?P<noun>{UNIT_WORDS}|sub-county|regency|city|town|village|estate|ward|area|"
    r"neighbou?rhood|suburb|location|sub-location|township|quarter)"
    rf"|\s+(?P<part>{_STREET_WORDS}|sector(?:\s+area)?))?"
    r"(?:\s*[,(]\s*(?:coded as\s+)?|\s+(?P<link>of|in)\s+(?:the\s+)?)",
    re.IGNORECASE,
)
_STATED_NEAR_KM = 30.0
_STREET = re.compile(_STREET_WORDS, re.IGNORECASE)
_AREA = re.compile(r"area|neighbou?rhood|suburb|estate|quarter", re.IGNORECASE)
_ROAD_FROM = re.compile(r"\w\s*[-–]\s*$")
_LIST_AFTER = re.compile(r"\s*,?\s*(?:and|or|&)\s", re.IGNORECASE)


_REGION_AFTER = re.compile(rf"^[\s,]*(?:{UNIT_WORDS})\b", re.IGNORECASE)
_REGION_BEFORE = re.compile(
    r"(?:(?:county|province|governorate|region|state|district|department|oblast|countryside)(?:\s+of)?"
    r"|ريف|محافظة|ولاية|منطقة)\s*$",
    re.IGNORECASE,
)
# "Kandahar city", "the town of Idleb", "مدينة إدلب": the town, whatever else is named in its province
_TOWN_AFTER = re.compile(r"^\s*(?:city|town)\b", re.IGNORECASE)
_TOWN_BEFORE = re.compile(r"(?:\b(?:city|town)\s+of|مدينة|بلدة)\s*$", re.IGNORECASE)


def _prefer_towns(mentions: list[PlaceMention], text: str) -> list[PlaceMention]:
    """Town or province, for a name that is both (Idlib, Kilifi, Mandera).

    The province when the article names places inside it ("Maar Shurin in southern Idlib":
    the bare "Idlib" is then where they are) or says so ("Idlib province", "ريف إدلب");
    otherwise the town, since coders code the most precise place reported.
    """
    out = []
    regions = {m.place.admin1 for m in mentions if m.place.kind == "place" and m.place.admin1 != m.place.name}
    for m in mentions:
        same_name = [
            c
            for c in m.candidates
            if c.country == m.place.country and name_key(c.name) == name_key(m.place.name)
        ]
        # the town that gives the province its name, not a namesake elsewhere (Samburu County
        # and the small Samburu of Kwale)
        town = [c for c in same_name if c.kind == "place" and c.admin1 == m.place.admin1]
        province = [c for c in same_name if c.kind == "admin1"]
        after, before = text[m.end : m.end + 20], text[max(0, m.start - 20) : m.start]
        said_region = bool(_REGION_AFTER.match(after) or _REGION_BEFORE.search(before))
        said_town = bool(_TOWN_AFTER.match(after) or _TOWN_BEFORE.search(before))
        if town and said_town:
            m = replace(m, place=town[0])
        elif province and (m.place.name in regions or said_region or m.near):
            m = replace(m, place=province[0])
        elif town and m.place.kind in {"admin1", "admin2"}:
            m = replace(m, place=town[0])
        out.append(m)
    return out


def _pick_places(mentions: list[PlaceMention]) -> list[PlaceMention]:
    """Most specific places: drop an admin unit when a place inside it is named too, and a
    province when a district of it is ("Ukum LGA (Benue)" is one place, not two)."""
    places = [m for m in mentions if m.place.kind != "country"]
    specific = [m for m in places if m.place.kind == "place"]
    districts = [m for m in places if m.place.kind == "admin2"]
    keep = []
    for m in places:
        if m.place.kind in {"admin1", "admin2"} and any(
            s.place.admin1 == m.place.admin1 or s.place.admin1 == m.place.name for s in specific
        ):
            continue
        if m.place.kind == "admin1" and any(
            d.place.admin1 == m.place.name and d.place.country == m.place.country for d in districts
        ):
            continue
        if m.place.kind == "place" and any(
            s is not m and s.place.admin1 == m.place.name and s.place.name != m.place.name for s in specific
        ):
            continue  # "Idlib" the governorate's capital named only as a region of a village
        keep.append(m)
    seen: set[tuple[str, str]] = set()
    unique = []
    for m in keep:
        key = (m.place.name, m.place.country)
        if key not in seen:
            seen.add(key)
            unique.append(m)
    return unique


def _admin1_name(place: Place) -> str | None:
    name = place.name if place.kind == "admin1" else place.admin1
    return get_gazetteer().canonical_admin1(place.country, name) if name else None


def _geo_precision(mention: PlaceMention) -> int:
    if mention.place.approximate:
        return mention.place.precision
    if mention.place.kind == "admin1":
        return 3
    if mention.near or mention.wide or mention.place.kind == "admin2":
        return 2
    return 1


def _actors(
    sub: str,
    mentions: list[ActorMention],
    country: str | None,
    fatalities: int,
    day: dt.date | None = None,
) -> tuple[ActorMention | Actor, ActorMention | Actor | None]:
    """actor1 and actor2 for an event of type `sub` from the sentence's actor mentions."""
    armed = [m for m in mentions if m.actor.inter in ARMED_INTERS]
    civilians = [m for m in mentions if m.actor.inter == 7]
    event_type = SUB_TO_EVENT[sub]
    unknown = generic_actor("unidentified", country or "Unknown")
    if event_type == "Protests":
        protesters = [m for m in mentions if m.actor.inter == 6]
        first: ActorMention | Actor = (
            protesters[0] if protesters else generic_actor("protesters", country or "Unknown")
        )
        other = armed[0] if armed and sub != "Peaceful protest" else None
        if other is None and sub == "Protest with intervention" and country:
            # an intervention is someone's: the police, unless the text names another force
            other = state_force(country, "Police", day)
        return first, other
    if event_type == "Riots":
        rioters = [m for m in mentions if m.actor.inter == 5]
        first = rioters[0] if rioters else generic_actor("rioters", country or "Unknown")
        # the other side: the police or troops the rioters fought, else the people they hurt;
        # a mob always has a victim (codebook: mob violence targets someone), unnamed or not
        state = [m for m in armed if m.actor.inter in (1, 8)]
        if state:
            return first, state[0]
        if civilians:
            return first, civilians[0]
        return first, generic_actor("civilians", country or "Unknown") if sub == "Mob violence" else None
    actor1: ActorMention | Actor = armed[0] if armed else unknown
    others = [
        m
        for m in armed[1:]
        if m.actor.name != (actor1.actor.name if isinstance(actor1, ActorMention) else "")
    ]
    if event_type == "Battles":
        return actor1, others[0] if others else unknown
    if event_type == "Violence against civilians":
        return actor1, civilians[0] if civilians else generic_actor("civilians", country or "Unknown")
    if event_type == "Explosions/Remote violence":
        if civilians:
            return actor1, civilians[0]
        return actor1, others[0] if others else None
    return actor1, others[0] if others else (civilians[0] if civilians and sub == "Other" else None)


def _actor_of(item: ActorMention | Actor | None) -> Actor | None:
    if item is None:
        return None
    return item.actor if isinstance(item, ActorMention) else item


_VERBS = {
    "Air/drone strike": "carried out an air strike on",
    "Shelling/artillery/missile attack": "shelled",
    "Remote explosive/landmine/IED": "detonated an explosive in",
    "Suicide bomb": "carried out a suicide bombing in",
    "Chemical weapon": "used chemical weapons in",
    "Grenade": "threw a grenade in",
    "Armed clash": "clashed with {actor2} in",
    "Government regains territory": "regained control of",
    "Non-state actor overtakes territory": "took control of",
    "Attack": "attacked {actor2} in",
    "Abduction/forced disappearance": "abducted {actor2} in",
    "Sexual violence": "committed sexual violence against {actor2} in",
    "Peaceful protest": "demonstrated in",
    "Protest with intervention": "demonstrated and were dispersed by {actor2} in",
    "Excessive force against protesters": "demonstrated and were met with lethal force by {actor2} in",
    "Violent demonstration": "rioted in",
    "Mob violence": "attacked {actor2} in",
    "Agreement": "reached an agreement in",
    "Arrests": "made arrests in",
    "Change to group/activity": "changed activity (movement, exercise or reinforcement) in",
    "Disrupted weapons use": "disrupted a weapons attack in",
    "Headquarters or base established": "established a base in",
    "Looting/property destruction": "looted or destroyed property in",
    "Non-violent transfer of territory": "took over without fighting",
    "Other": "was reported in a significant development in",
}


def _notes(event: dict, date_text: str) -> str:
    verb = _VERBS[event["sub_event_type"]].format(actor2=event.get("actor2") or "another group")
    place = event.get("location") or "an unknown place"
    where = f"{place} ({event['admin1']}, {event['country']})" if event.get("admin1") else place
    text = f"{date_text}, {event['actor1']} {verb} {where}."
    if event.get("fatalities"):
        text += f" {event['fatalities']} fatalities reported."
    return text


@dataclass
class _Draft:
    """An event being assembled from one sentence."""

    sub: str
    place: PlaceMention | None
    place_inherited: bool
    date: ResolvedDate | None
    actor1: ActorMention | Actor
    actor2: ActorMention | Actor | None
    fatalities: list  # FatalityMention
    cue: Cue
    sentence: Sentence
    toll_share: int | None = None  # this event's part of a toll reported for several events


#: Words that report an attack without saying which kind: they take the type of the nearest
#: earlier specific cue in the article ("air strikes ... The attacks hit Saraqeb").
_GENERIC_CUE = re.compile(
    "|".join(
        f"(?:{normalize(p)})"
        for p in [
            r"\battacks?\b",
            r"\bstruck\b",
            r"\bhit\b",
            r"\btargeted\b",
            r"bombardment",
            r"استهدف",
            r"استهداف",
            r"استهدفت",
            r"القصف",
        ]
    )
)


def _generic_cue(sentence: str) -> tuple[int, int] | None:
    norm, offsets = normalize_with_map(sentence)
    match = _GENERIC_CUE.search(norm)
    if match is None:
        return None
    return offsets[match.start()], offsets[match.end() - 1] + 1


def _paragraphs(text: str, sentences: list[Sentence]) -> dict[int, str]:
    by_paragraph: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        by_paragraph.setdefault(sentence.paragraph, []).append(sentence)
    return {n: text[group[0].start : group[-1].end] for n, group in by_paragraph.items()}


def _paragraph_units(text: str, sentences: list[Sentence]) -> list[Sentence]:
    units: list[Sentence] = []
    for sentence in sentences:
        if units and units[-1].paragraph == sentence.paragraph:
            first = units[-1]
            units[-1] = Sentence(first.start, sentence.end, text[first.start : sentence.end], first.paragraph)
        else:
            units.append(sentence)
    return units


#: Which classifier types an article: the shipped one, or (cross-validation) one that never
#: saw that article.
ModelChooser = Callable[[Article], SubEventModel | None]


def _shipped(article: Article) -> SubEventModel | None:
    return shipped_model()


class _TypeOracle:
    """Sub-event type of a paragraph from the trained classifier (English), cached per paragraph.

    The lexicon finds *where* an event is reported; the classifier, trained on thousands of
    human-coded descriptions, is better at *which* of the 25 sub-event types it is. Without a
    model (not built, or a language it was not trained on) the lexicon decides alone.
    """

    def __init__(
        self, article: Article, paragraphs: dict[int, str], choose: ModelChooser | None = None
    ) -> None:
        self.model = (choose or _shipped)(article) if article.language == "en" else None
        self.paragraphs = paragraphs
        self.cache: dict[int, Prediction] = {}

    def prefetch(self, paragraphs: set[int]) -> None:
        """Classify these paragraphs in one batch: one vectoriser pass instead of one each."""
        todo = sorted(p for p in paragraphs if p not in self.cache and p in self.paragraphs)
        if self.model is None or not todo:
            return
        predicted = self.model.predict([self.paragraphs[p] for p in todo])
        self.cache.update(zip(todo, predicted, strict=True))

    def __call__(self, paragraph: int) -> Prediction | None:
        if self.model is None:
            return None
        if paragraph not in self.cache:
            self.cache[paragraph] = self.model.predict([self.paragraphs[paragraph]])[0]
        return self.cache[paragraph]


#: Weapon words name the sub-event type outright ("air strikes", "shelling", "car bomb"); the
#: classifier, trained on coders' short descriptions, may read a news paragraph about air
#: strikes on civilians as an "Attack", so the weapon word wins.
_WEAPON_TYPES = {
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Suicide bomb",
    "Chemical weapon",
    "Grenade",
}


#: A sentence that sums up a period or gives background ("airstrikes have intensified in recent
#: weeks", "الجدير بالذكر أن ... خلال الأسابيع الماضية") reports no single event; unless it
#: dates one itself, it is not coded.
_BACKGROUND = re.compile(
    "|".join(
        f"(?:{normalize(p)})"
        for p in [
            r"\bin recent (?:days|weeks|months|years)\b",
            r"\brecently\b",
            r"\bover the (?:past|last) (?:few )?(?:weeks|months|years)\b",
            r"\bin the (?:past|last) (?:few )?(?:weeks|months|years)\b",
            r"\bfor the first time in (?:years|months|decades)\b",
            r"\bhave intensified\b",
            r"الجدير بالذكر",
            r"يذكر أن",
            r"خلال الأسابيع الماضية",
            r"خلال الأشهر الماضية",
            r"خلال الشهور الماضية",
            r"في الآونة الأخيرة",
            r"منذ سنوات",
            r"منذ أشهر",
            r"يوميا",
            r"شبه يومي",
            r"منذ بدايه",
            r"منذ مطلع",
            r"أكثر من مرة",
            r"سبق أن",
            r"خلال الفترة الماضية",
        ]
    )
)


#: Words that settle the type whatever the classifier says: a suicide bomber, a chemical weapon,
#: a bomb defused or a missile shot down are rare in training data (a handful of rows each) and
#: unmistakable in text; the classifier reads the weapon words around them as the weapon's use.
_DEFINITIVE = {"Suicide bomb", "Chemical weapon", "Disrupted weapons use"}


#: Demonstrators' own violence (codebook: a violent demonstration).
_STONES_AND_FIRE = (
    r"threw stones|throwing stones|stoned|pelted|stone.throwing|broke into|looting|torched|"
    r"set (?:ablaze|on fire|fire to)|rowdy|fought (?:with )?(?:the )?police|smashed|"
    r"burn(?:ed|t|ing) (?:debris|rubbish|garbage|logs|wood)|lit (?:a )?fires?|"
    r"attacked (?:a|the) police (?:station|post)"
)
_PROTESTER_VIOLENCE = GatedPattern.compile(
    rf"\b(?:{_STONES_AND_FIRE}|looted|vandali[sz]ed|burn(?:ed|t|ing) (?:tyres|tires)|"
    r"clashed with (?:the )?police|destroyed|barricades?|violently)\b",
)


_FORCE_ON_PROTEST = frozenset({"Protest with intervention", "Excessive force against protesters"})
_PROTEST_TYPES = frozenset({"Peaceful protest", "Protest with intervention", "Violent demonstration"})

#: Deadly or wounding force on demonstrators (codebook: excessive force against protesters):
#: "police opened fire on protesters", "a demonstrator was shot dead by police", "killed during
#: the protest", "live bullets". Only when the demonstrators did nothing violent (see above).
_SECURITY = (
    r"(?:police|policemen|police officers?|officers|security forces|soldiers|troops|riot police|"
    r"anti-riot police|gsu|army|gendarmes)"
)
_HARM_BY_FORCE = (
    r"(?:(?:shot|shoot|shoots|shooting)(?! at\b)|opened fire on|open fire on|opens fire on|killed|"
    r"killing|kills|shot dead|shot and killed|beat to death|beaten to death)"
)
_LETHAL_FORCE = GatedPattern.compile(
    rf"\b{_SECURITY}\b[^.;]{{0,60}}?\b{_HARM_BY_FORCE}\b[^.;]{{0,25}}?"
    r"\b(?:protesters?|demonstrators?|crowds?|marchers|supporters|protesting|marching|demonstrating)\b"
    r"|\b(?:protesters?|demonstrators?|marchers)\b[^.;]{0,40}?\b(?:was|were)\s+(?:\w+\s+)?"
    rf"(?:shot|killed|shot dead|beaten to death)\b[^.;]{{0,20}}?\bby\s+(?:the\s+)?{_SECURITY}"
    r"|\b(?:shot|killed|shot dead|shot and killed|beaten to death)\b[^.;]{0,40}?\b(?:during|at)\s+"
    r"(?:the\s+|a\s+|early\s+morning\s+|ongoing\s+)?(?:protests?|demonstrations?|march)\b"
    r"|\blive (?:bullets|rounds|ammunition)\b"
)
#: ... not warning shots, nor a protest about an earlier killing ("in protest of the killing"),
#: nor demonstrators the text calls rioters or who broke in somewhere.
_FORCE_NOT_ON_PROTEST = GatedPattern.compile(
    r"\bin(?:to)? the air\b|\b(?:against|over|of|about|following)\s+(?:the\s+)?(?:alleged\s+)?"
    r"(?:\w+\s+)?(?:death|deaths|killing|killings|shooting|murder)\b|\brioters?\b|\brioting\b|"
    r"\bbon ?fires?\b|\bbarricading\b|\bbr(?:eak|eaking|oke) into\b"
)


#: ... and the destructive acts the codebook names for a violent demonstration: burning tyres,
#: barricades, vandalism, a rampage, a protest that "turned violent". Not someone else's earlier
#: act ("accused of vandalising a bank") nor "barricaded themselves" in, a sit-in.
_DESTRUCTIVE_PROTEST = GatedPattern.compile(
    rf"\b(?:{_STONES_AND_FIRE}|looted (?!funds|money|public)|(?<!of )vandali[sz]\w+|"
    r"burn(?:ed|t|ing) (?:\w+ )?(?:tyres|tires)|rampage|turn(?:ed|s)? violent|"
    r"violent (?:protests?|demonstrations?)|clashed with (?:the )?(?:police|security)|"
    r"barricad(?:e|es|ed)\b(?! themselves)|"
    r"destruction of property|destroyed property|beat up|beaten up|lit (?:a |the )?bonfires?|"
    r"(?:protest\w*|demonstrat\w*) violently|became violent|hurled (?:rocks|stones)|"
    # "officers clashed with protesters", "set their blankets on fire", "damaged the glass
    # facade of its branch", "began to storm the chairman's house"
    r"clashed with (?:the )?(?:demonstrators|protesters|protestors)|set (?:[\w-]+ ){0,3}on fire|"
    r"set fire to|damaged (?:[\w-]+ ){0,3}(?:facade|windows?|shops?|cars?|vehicles?|property|buildings?)|"
    r"storm(?:ed|ing)? (?:the )?(?:[\w'-]+ )?(?:house|building|offices?|compound))\b",
)


#: Police or others stepping in on a protest (codebook: a protest with intervention): "police
#: dispersed", "31 teachers arrested", "the protesters were removed". Not a detention that is
#: the protest's motive ("activists who were detained in recent demonstrations").
_INTERVENTION = GatedPattern.compile(
    r"\b(?:(?:police|policemen|officers|security forces|security personnel|gendarmes?|gendarmerie|"
    r"authorities|soldiers|troops|guards)\s+(?:\w+\s+){0,2}(?:arrested|detained|dispersed|broke up|"
    r"removed|intervened|interfered|stopped|evicted|ejected|used force|tried to (?:stop|control|"
    r"disperse|prevent)|arrests? (?:\w+ )?(?:protesters|demonstrators|participants)|break up|breaks up)|"
    r"(?:protesters?|demonstrators?|participants|they|the group|activists?|students|workers|people|"
    r"persons|members|residents|traders|teachers|one|two|three|several|a woman|a man)\s+(?!who\b)"
    r"(?:\w+\s+){0,2}(?:were|was|got|are)\s+(?:\w+\s+)?(?:arrested|detained|dispersed|removed|evicted|"
    r"ejected)|arrests were made|"
    r"\d+\s+(?:\w+\s+){0,2}(?:were\s+)?(?:arrested|detained)\b(?! in connection)|"
    r"(?:was|were) dispersed|dispersed the)",
)


def _protest_kind(sub: str, unit: str) -> str:
    """A protest the police broke up or fired on is a violent demonstration when the
    demonstrators stoned, looted, burned or destroyed (codebook: excessive force is force
    against peaceful protesters; demonstrators engaging in violence make a violent one). So is
    a protest read as peaceful whose demonstrators did what the codebook calls destructive, and
    one the police or others stepped in on is a protest with intervention."""
    folded = unit.casefold()
    if sub == "Peaceful protest" and _MOB_DEED.search(folded) and not _DEMONSTRATING.search(folded):
        # "some thirty men attacked a radio station", "cameramen were injured by vendors": no
        # one demonstrated; a crowd's violence is mob violence, whatever the classifier read
        return "Mob violence"
    if sub in _FORCE_ON_PROTEST and _PROTESTER_VIOLENCE.search(folded):
        return "Violent demonstration"
    if sub == "Peaceful protest" and _DESTRUCTIVE_PROTEST.search(folded):
        return "Violent demonstration"
    if (
        sub in _PROTEST_TYPES
        and _LETHAL_FORCE.search(folded)
        and not _FORCE_NOT_ON_PROTEST.search(folded)
        and not _PROTESTER_VIOLENCE.search(folded)
        and not _DESTRUCTIVE_PROTEST.search(folded)
    ):
        return "Excessive force against protesters"
    if sub == "Peaceful protest" and _INTERVENTION.search(folded):
        return "Protest with intervention"
    return sub


#: What demonstrators do: a unit without any of it reports no demonstration.
_DEMONSTRATING = GatedPattern.compile(
    r"\b(?:protest\w*|demonstrat\w*|rall(?:y|ies|ied)|march(?:ed|es|ing)?|sit-?ins?|strikes?|striking|"
    r"picket\w*|chant\w*|petition\w*|boycott\w*|gathered|vigil|placards?|slogans?|staged|"
    r"walk-?outs?|hunger)\b"
)
#: What a crowd does to people or property when it turns violent.
_MOB_DEED = GatedPattern.compile(
    r"\b(?:attack(?:ed|s|ing)?|assault(?:ed|s|ing)?|beat(?:en|ing)?|clash(?:ed|es)|fight broke out|"
    r"fought|injured by|lynch\w*|stabbed|hacked|stoned|torched|set (?:fire|ablaze|alight))\b"
)
#: Signs of a two-sided fight beside the heavy weapons: the codebook codes shelling, grenades,
#: bombs or air strikes used in a fight with small arms or return fire as an armed clash.
_FIGHT_BESIDE_WEAPONS = GatedPattern.compile(
    r"\b(?:small arms|fired back|responded to the fire|returned fire|clash(?:es|ed)?|"
    r"exchanged? (?:of )?fire|firefights?|gun ?battles?|shoot-?outs?|"
    # fire both ways ("exchanged artillery fire", "a shelling exchange", "responded to the
    # shelling"); machine guns beside the mortars are no second side (ACLED: shelling)
    r"exchanged? (?:of )?(?:[\w-]+ ){1,2}fire|(?:shelling|fire) exchanges?|"
    r"responded to (?:[\w'-]+ ){0,3}(?:shelling|fire|attacks?))\b"
)
#: ... and for grenades, bombs and air strikes, which are single blows, any gunfire beside them.
_GUNFIRE_BESIDE_BLOW = GatedPattern.compile(
    r"\b(?:gunfire|gunshots|machine ?guns?|ak-?47s?|rifles?|shot|fighting off)\b"
)
_SINGLE_BLOWS = frozenset({"Grenade", "Remote explosive/landmine/IED", "Air/drone strike"})


def _weapons_in_a_fight(sub: str, unit: str) -> str:
    """A weapon type whose unit also tells of a fight between two armed sides is an armed clash."""
    if sub != "Shelling/artillery/missile attack" and sub not in _SINGLE_BLOWS:
        return sub
    folded = unit.casefold()
    if _FIGHT_BESIDE_WEAPONS.search(folded) or (sub in _SINGLE_BLOWS and _GUNFIRE_BESIDE_BLOW.search(folded)):
        return "Armed clash"
    return sub


def _reread(sub: str, unit: str) -> str:
    """The type once what the unit says happened is read: protests by what the demonstrators
    and police did, heavy weapons by whether they were used in a fight; over a calm type the
    classifier guessed, a deal or a surrender made, a base set up; a rape in an attack."""
    folded = unit.casefold()
    if sub in _CALM_TYPES and _AGREEMENT_MADE.search(folded):
        return "Agreement"
    if sub in _CALM_TYPES and _BASE_SET_UP.search(folded):
        return "Headquarters or base established"
    if sub == "Peaceful protest" and _GOVERNMENT_ACT.search(folded) and not _PROTEST_WORDS.search(folded):
        # no one protested: the government decided something ("the government imposed a
        # curfew", "freed 30 detainees"), a strategic development the classifier, trained on
        # many more protests, read as the commonest calm type
        return "Change to group/activity" if _MEASURE.search(folded) else "Other"
    if sub in _RAPE_LOOKALIKES and _RAPE.search(folded):
        return "Sexual violence"  # a rape in an attack, an abduction or a raid is coded as such
    if sub == "Remote explosive/landmine/IED" and _WAR_REMNANT.search(folded):
        return "Other"  # an explosive remnant of an old war, set off by accident: no one's attack
    if sub in _PROPERTY_LOOKALIKES and _PROPERTY_DEED.search(folded):
        unharmed = _NO_HARM.sub(" ", folded)
        if not _PERSON_HARMED.search(unharmed):
            # "unknown men set two lorries on fire", "thieves stole forty goats": only property
            # suffered (codebook: looting/property destruction)
            return "Looting/property destruction"
    return _weapons_in_a_fight(_protest_kind(sub, unit), unit)


#: A deal made or a surrender (codebook: agreements include ceasefires, peace deals, prisoner
#: exchanges and surrenders), read over a calm type the classifier guessed.
_AGREEMENT_MADE = GatedPattern.compile(
    r"\b(?:(?:signed|brokered|reached|concluded|struck|agreed (?:on|to))\s+(?:a |an |the )?"
    r"(?:[\w-]+\s+){0,3}?(?:agreement|truce|ceasefire|cease-fire|peace deal|deal|memorandum|accord)|"
    r"surrender(?:ed|s)?\b|laid down (?:their )?(?:arms|weapons))"
)
_CALM_TYPES = frozenset({"Change to group/activity", "Other", "Peaceful protest"})
_GOVERNMENT_ACT = GatedPattern.compile(
    r"\b(?:government|governorship|governor's office|ministry|authorities|cabinet|president)\s+"
    r"(?:\w+\s+){0,2}?(?:imposed|declared|banned|released|freed|pardoned|deployed|ordered|suspended|"
    r"extended|lifted|announced|began enforcing|halted|closed|approved|signed)\b"
)
#: ... a security measure (curfew, ban, lockdown, deployment) is a change in the state's activity
_MEASURE = GatedPattern.compile(
    r"\b(?:curfew|lockdown|ban|banned|closed|halted|deployed|suspended|state of emergency|restrictions?)\b"
)
_PROTEST_WORDS = GatedPattern.compile(
    r"\b(?:protest\w*|demonstrat\w*|march\w*|rall(?:y|ies|ied)|sit-?ins?|strik\w+|picket\w*|petition\w*|"
    r"boycott\w*|vigils?|chant\w*|block\w*|barricad\w*|took to the streets|downed tools|gather\w*|"
    r"procession|riot\w*|crowds?)\b"
)
#: An explosive remnant of war set off by accident (codebook: strategic developments, other).
_WAR_REMNANT = GatedPattern.compile(
    r"\b(?:explosive remnants? of war|(?:laid|planted|left) (?:during|in) the [\w-]+(?: [\w-]+)? war|"
    r"accidentally (?:stepped on|detonated|triggered) (?:a |an |the )?(?:landmine|mine|unexploded))"
)
_RAPE_LOOKALIKES = frozenset({"Attack", "Abduction/forced disappearance", "Arrests"})
_PROPERTY_LOOKALIKES = frozenset({"Attack"})
_PROPERTY_DEED = GatedPattern.compile(
    r"\b(?:set (?:[\w'-]+ ){0,3}on fire|set fire to|set ablaze|torched|burn(?:ed|t|s)\b(?! forest)|looted|"
    r"stole|stolen|destroyed|demolished|vandali[sz]ed|smashed|razed)"
)
#: "with no report of fatalities nor injuries", "no one was hurt": harm said not to have happened
_NO_HARM = re.compile(
    r"\b(?:no|nor|without|neither)\s+(?:[\w-]+\s+){0,3}?(?:fatalit\w*|injur\w*|casualt\w*|deaths?|"
    r"one was (?:hurt|injured|killed|harmed))\b(?:\s+(?:n?or|and)\s+(?:fatalit\w*|injur\w*|casualt\w*))?"
)
_PERSON_HARMED = re.compile(
    r"\b(?:kill\w*|dead|died|death|injur\w*|wound\w*|shot|abduct\w*|kidnap\w*|beat(?:en|ing)?|"
    r"assault\w*|hostages?|rap(?:e|ed)|tortur\w*|hacked|stabbed|fatalit\w*|casualt\w*|hurt|lynch\w*|"
    r"threaten\w*|"
    # an attack on a place where people live is an attack on them (codebook: attack), even
    # when only houses burned
    r"attack\w*|raid\w*|struck|stormed|civilians?|villagers?|residents?|famil(?:y|ies)|infant|"
    r"him|her|driver|herder|hit)\b"
)
_RAPE = GatedPattern.compile(
    r"\b(?:rap(?:e|ed|es|ing)|gang-?rap(?:e|ed|ing)|sexual(?:ly)? (?:assault|abus)\w*|defiled)\b"
)
#: A base, post or barracks set up (codebook: headquarters or base established).
_BASE_SET_UP = GatedPattern.compile(
    r"\b(?:establish(?:ed|es|ing)?|set(?:ting)? up|buil[dt](?:ing|s)?|construct(?:ed|ing|s)?)\s+"
    r"(?:a |an |the |new |its |their )*(?:[\w-]+\s+){0,2}?(?:base|bases|post|outpost|headquarters|"
    r"barracks|camp|observation post)\b|\bset (?:up )?base\b|\binto (?:military )?barracks\b"
)


def _withdrawal_as_takeover(cues: list[Cue]) -> list[Cue]:
    """A withdrawal in a sentence that also reports the takeover is that takeover's other side
    ("بعد انسحابهم من مدينة القائم وسيطرت القوات العراقية عليها"): one event, not two."""
    if not any(c.sub_event_type in TAKEOVERS for c in cues):
        return cues
    return [c for c in cues if c.sub_event_type != "Non-violent transfer of territory"]


def _decide_type(lexicon: str, predicted: Prediction | None, cued: Collection[str] = ()) -> str:
    """The sub-event type of a cue: the classifier's, unless the words settle it (`cued`: every
    type the unit has a cue for)."""
    if predicted is None or lexicon in _DEFINITIVE:
        return lexicon
    if predicted.label in _TERRITORY_CHANGE and not (_TERRITORY_CHANGE & {lexicon, *cued}):
        return lexicon  # a change of territory needs words for it ("took control"), not a guess
    if (
        (lexicon == "Arrests" or lexicon in TAKEOVERS)
        and predicted.label in _WEAPON_TYPES
        and not (_WEAPON_TYPES & set(cued))
    ):
        return lexicon  # an arrest or a town retaken, with no weapon named, is not a bombardment
    taken = lexicon if lexicon in TAKEOVERS else next(iter(sorted(TAKEOVERS & set(cued))), None)
    if taken is not None and predicted.label in ("Armed clash", "Attack"):
        return taken  # a fight that ends with a place taken is coded as the taking (codebook 3)
    if lexicon in _WEAPON_TYPES and predicted.label not in _WEAPON_TYPES and predicted.margin < 0.5:
        return lexicon
    return predicted.label


def _drafts(
    article: Article,
    country: str | None,
    date_mentions: list,
    countries: list,
    recent_admin1: Counter[str] | None = None,
    choose: ModelChooser | None = None,
) -> list[_Draft]:
    """Event drafts, one per cue sentence and place, plus context from place-less sentences."""
    gazetteer = get_gazetteer()
    text = article.text
    sentences = split_sentences(text)
    oracle = _TypeOracle(article, _paragraphs(text, sentences), choose)
    if oracle.model is not None:
        # The classifier types a whole paragraph, so the paragraph is the unit: its date,
        # places, actors and toll belong to the one event it reports.
        sentences = _paragraph_units(text, sentences)
    article_places = _prefer_towns(_prefer_named_admin(gazetteer.find(text, country), recent_admin1), text)
    # a note of where the event was coded settles it; else the places named in passing go
    article_places = _annotated_place(article_places, text, country) or _drop_town_parts(
        _drop_incidental(
            _follow_stated_units(_unknown_places_in_units(article_places, text, country), text), text, country
        ),
        text,
    )
    front = front_provinces(text, country, article.published)
    if front:
        villages = front_villages(text, country, front, article.published)
        article_places = [_on_front(m, front, villages) for m in article_places]
        article_places = _add_front_villages(text, article_places, villages, country)
    if country is not None:
        local = [m for m in article_places if m.place.country == country and m.place.kind != "country"]
        # no place the gazetteer knows there, or only ends of roads, institutions and where
        # people came from ("the Nairobi-Naivasha highway in Kinangop"): a ward or estate the
        # text names is where it happened
        if all(_incidental(m, text) for m in local):
            areas = _areas_named(text, country)
            if areas:
                both = sorted([*article_places, *areas], key=lambda m: m.start)
                article_places = _drop_incidental(both, text, country) if local else both
    scan = _Scan.of(article, country, countries)
    opponent = _opponent(scan.actors)
    oracle.prefetch(
        {s.paragraph for s in sentences[:1]}
        | {s.paragraph for s in sentences if any(s.start <= c.start < s.end for c in scan.cues)}
    )
    drafts: list[_Draft] = []
    placeless: list[_Draft] = []
    last_sub: str | None = None
    for sentence in sentences:
        places = _places_in(sentence, country, article_places, scan)
        cues = scan.cues_in(sentence)
        if any(c.sub_event_type == _DISRUPTED for c in cues):
            # "defused an IS booby-trapped vehicle before it exploded": the weapon words name
            # what was stopped
            cues = [c for c in cues if c.sub_event_type not in _WEAPON_TYPES]
        if last_sub is not None:
            cues = [Cue(last_sub, c.start, c.end) if c.anaphoric else c for c in cues]
        if not cues:
            generic = _generic_cue(sentence.text)
            if generic is None or last_sub is None:
                continue
            cues = [Cue(last_sub, *generic)]
        last_sub = cues[0].sub_event_type
        cues = _withdrawal_as_takeover(cues)
        if scan.is_background(sentence) and not any(
            sentence.start <= m.start < sentence.end for m in date_mentions
        ):
            continue
        # one sentence may report several events: each place goes with its nearest cue
        groups: dict[Cue, list[PlaceMention]] = {}
        for place in places:
            groups.setdefault(_nearest_cue(cues, place, sentence.start, article.language), []).append(place)
        if not places:
            groups[cues[0]] = []
        for cue, cue_places in sorted(groups.items(), key=lambda kv: kv[0].start):
            cued = {c.sub_event_type for c in cues}
            predicted = oracle(sentence.paragraph)
            sub = _reread(_decide_type(cue.sub_event_type, predicted, cued), sentence.text)
            cue = Cue(sub, cue.start + sentence.start, cue.end + sentence.start)
            for d in _draft(
                article, sentence, cue, cue_places, date_mentions, country, scan, opponent, predicted
            ):
                (drafts if d.place is not None else placeless).append(d)
    if not drafts and not placeless and sentences and oracle(sentences[0].paragraph) is not None:
        # No lexicon cue anywhere: the classifier still knows what the lead reports.
        first = sentences[0]
        predicted = oracle(first.paragraph)
        assert predicted is not None
        places = _places_in(first, country, article_places, scan)
        cue = Cue(_reread(predicted.label, first.text), first.start, first.end)
        for d in _draft(article, first, cue, places, date_mentions, country, scan, opponent, predicted):
            (drafts if d.place is not None else placeless).append(d)
    drafts = _attach_context(drafts, placeless, date_mentions, article)
    if not drafts and placeless:
        # The article reports an event but names no place we know: keep the first one, without
        # a location, for a reviewer to place (LOCATION_MISSING), rather than lose it.
        drafts = [placeless[0]]
    return drafts


def _on_front(
    mention: PlaceMention, provinces: frozenset[str], villages: Sequence[tuple[int, int, str]] = ()
) -> PlaceMention:
    """The namesake on the front, for a report of fire across it."""
    country = mention.place.country
    on_front = [c for c in mention.candidates if c.admin1 in provinces and c.country == country]
    # a village of that very name before one that once bore it, then the one nearest the front
    # (Donetsk province has several Vodianes; the one in the news is on the contact line)
    on_front.sort(
        key=lambda c: (
            name_key(c.name) != name_key(mention.text),
            km_from_front(country, c.latitude, c.longitude),
        )
    )
    if on_front:
        return replace(mention, place=on_front[0])
    # a village of the front the gazetteer lacks: its province, at the province's capital
    village = next((v for v in villages if v[0] <= mention.start and mention.end <= v[1]), None)
    found = (
        _front_village(mention.place.country, village[2], village[0], village[1], mention.text)
        if village is not None
        else None
    )
    if found is not None:
        return found
    # the gazetteer knows only namesakes away from the front: a reviewer should check it
    return replace(mention, ambiguous=True)


def _front_village(country: str, admin1: str, start: int, end: int, name: str) -> PlaceMention | None:
    """A front village the gazetteer lacks, placed in the middle of its province's stretch of the
    front, else at the province's capital (None without either)."""
    centre = get_gazetteer().admin1_place(country, admin1)
    if centre is None:
        return None
    middle = front_middle(country, admin1)
    if middle is not None:
        centre = replace(centre, latitude=middle[0], longitude=middle[1])
    place = lacked_place(name, centre, admin1)
    return PlaceMention(start, end, name, place, (place,), ambiguous=False, near=False)


def _add_front_villages(
    text: str, mentions: list[PlaceMention], villages: list[tuple[int, int, str]], country: str | None
) -> list[PlaceMention]:
    """The mentions plus the front villages no mention covers (the gazetteer lacks them)."""
    if country is None:
        return mentions
    extra = [
        found
        for start, end, admin1 in villages
        if not any(m.start < end and start < m.end for m in mentions)
        and (found := _front_village(country, admin1, start, end, text[start:end])) is not None
    ]
    return sorted([*mentions, *extra], key=lambda m: m.start) if extra else mentions


def _areas_named(text: str, country: str) -> list[PlaceMention]:
    """The first ward, constituency, locality or estate the text names (coder/admin_areas.py), coded to
    its province's capital, when all it names lie in one province (one place: "Kochia, Rangwe
    sub-county" names a village and the unit around it, not two events' places)."""
    areas = find_areas(text, country)
    if any(not a.minor for a in areas):
        areas = [a for a in areas if not a.minor]  # a ward's name before an estate's
    found = []
    for area in areas:
        place = area_place(area, country)
        if place is None or _area_names_someone(area, text):
            continue
        m = PlaceMention(area.start, area.end, area.text, place, (place,), ambiguous=False, near=False)
        if not _names_someone(m, text):
            found.append(m)
    return found[:1] if len({m.place.admin1 for m in found}) == 1 else []


#: Words before and after an area's name that make it a place: "in Kombewa", "the Nyalenda
#: slum", "Gakindu town".
_AREA_CUE_BEFORE = re.compile(
    r"\b(?:in|at|near|to|from|of|around|outside|towards|through|across|into|inside|along|the)\s+$",
    re.IGNORECASE,
)
_AREA_NOUNS = (
    r"(?:town|village|estate|market|slum|area|centre|center|road|avenue|street|ward|location|sub-location|"
    r"stage|trading|shopping|ranch|farm|camp|scheme|county|constituency|sub-county|division)(?:e?s)?"
)
_AREA_NOUN_AFTER = re.compile(rf"\s+(?:\w+\s+)?{_AREA_NOUNS}\b", re.IGNORECASE)
#: After an area's name, words that make it a body's or a side's: "Nzoia Sugar Company",
#: "Banana supporters" (not a politician's: coders code "the Kabete MP" at Kabete).
_AREA_ORG_AFTER = re.compile(
    r"\s+(?:\w+\s+)?(?:company|corporation|party|union|supporters|campaign)\b",
    re.IGNORECASE,
)
_AREA_NOUN_LAST = re.compile(rf"\b{_AREA_NOUNS}$", re.IGNORECASE)


def _area_names_someone(area: AreaMention, text: str) -> bool:
    """The name of an area (coder/admin_areas.py) is a person's or a word here: after a title
    ("President Uhuru") or of a body or side ("Nzoia Sugar Company", "Banana supporters"); an
    estate's or market's name only counts as a place with a word that makes it one ("Teachers
    union" is none)."""
    before = re.search(r"(\S+)\s+$", text[max(0, area.start - 30) : area.start])
    if (
        (before and _TITLE_WORD.fullmatch(before.group(1)))
        or _AREA_ORG_AFTER.match(text, area.end)
        or _INSTITUTION_OF_BEFORE.search(text, max(0, area.start - 20), area.start)
    ):
        return True
    if area.minor:
        start = max(0, area.start - 12)
        cued = (
            _AREA_CUE_BEFORE.search(text, start, area.start)
            or _AREA_NOUN_AFTER.match(text, area.end)
            or _AREA_NOUN_LAST.search(area.text)  # "Jogoo Road", "Bukembe Market"
        )
        return not cued
    return False


def _places_in(
    sentence: Sentence, country: str | None, article_places: list[PlaceMention], scan: _Scan
) -> list[PlaceMention]:
    """The sentence's places, in the article's country (or a country the sentence names)."""
    inside = [m for m in article_places if sentence.start <= m.start and m.end <= sentence.end]
    if country is not None:
        named = scan.countries_within(sentence)
        inside = [m for m in inside if m.place.country == country or m.place.country in named]
    return _pick_places(inside)


_AND_AFTER = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
_CLAUSE_MARKS = "،,;؛:."
_CLAUSE_END = re.compile(f"[{_CLAUSE_MARKS}]")
#: Words that make the next actor a target, not a doer ("مواقع قوات النظام", "positions of").
_TARGET_BEFORE = re.compile(
    "(?:"
    + "|".join(
        normalize(w)
        for w in ["مواقع", "مقرات", "مقر", "نقاط", "تجمعات", "مع", "ضد", "positions of", "against", "with"]
    )
    + r")\s*$"
)


def _by_closeness(
    actors: list[ActorMention], cue: Cue, text: str, language: str, targets: frozenset[int] = frozenset()
) -> list[ActorMention]:
    """Actor mentions, the likeliest doer of the cue's action first.

    Arabic puts the subject right after the verb ("سيطرت القوات العراقية على"); otherwise the
    doer is the first actor of the cue's clause, else of the sentence. English puts it before
    ("Syrian warplanes struck"). Targets ("مواقع قوات النظام") come last.
    """

    def target(m: ActorMention) -> bool:
        return m.start in targets

    # just after the last clause mark before the cue (0 when none): a reverse find per mark
    # instead of a scan of all the text before the cue for every cue
    clause_start = max(text.rfind(mark, 0, cue.start) for mark in _CLAUSE_MARKS) + 1

    def rank(m: ActorMention) -> tuple[int, int]:
        if target(m):
            return (3, m.start)
        if language != "ar" and _AGENT_BEFORE.search(text[max(0, m.start - 40) : m.start]):
            return (0, -1)  # the agent of a passive: "attacks by Taliban militants", "killed by police"
        if language != "ar" and OBJECT_BEFORE.search(text[max(0, m.start - 50) : m.start]):
            return (3, m.start)  # the object of an attack: "armed men ambushed police"
        if language != "ar" and HARMED_AFTER.match(text, m.end, m.end + 60):
            # the victims of a passive ("two policemen were shot by gunmen"): after any other
            # side named, yet before a side that only responded
            return (2, len(text) + m.start)
        if language != "ar" and RESPONDS_AFTER.match(text, m.end):
            # "police responded", "troops repulsed their attack": not who began it, even when the
            # attackers are named as the dead ("9 militants were killed when troops repulsed ...")
            return (3, m.start)
        if language == "ar" and 0 <= m.start - cue.end <= 25:
            return (0, m.start)  # verb-subject
        if language != "ar" and m.end <= cue.start and m.start >= clause_start:
            # subject-verb, nearest first; but of subjects joined by "and" ("the Myanmar
            # military and AA clashed") the first named leads
            return (0, cue.start - m.end if not _AND_AFTER.match(text, m.end) else -1)
        if (
            m.start >= clause_start
            and m.end <= cue.start + 200
            and not _CLAUSE_END.search(text[cue.end : m.start])
        ):
            return (1, m.start)
        return (2, m.start)

    return sorted(actors, key=rank)


#: "attacks by", "was killed by", "ambushed by": the actor after it did the deed. Not the
#: supporters, escorts or sources of "backed by", "led by", "reported by".
_AGENT_BEFORE = re.compile(
    r"(?:\b(?!(?:backed|supported|accompanied|joined|led|reported|confirmed|condemned|announced|"
    r"escorted|assisted|aided|funded|armed|trained|controlled|held|owned|organised|organized)\b)\w+ed"
    r"|\battacks?|\braids?|\bambush(?:es)?|\boffensives?|\bassaults?|\bstrikes?)"
    r"\s+by\s+(?:the\s+|suspected\s+|alleged\s+|presumed\s+)*$",
    re.IGNORECASE,
)

_TERRITORY_CHANGE = TAKEOVERS | {"Non-violent transfer of territory"}
#: A place taken without a fight: "no violence reported", "by surprise", "hoisted their flag".
_UNCONTESTED = GatedPattern.compile(
    r"\b(?:without (?:a |any )?(?:fight|fighting|resistance|a shot)|no violence|unopposed|"
    r"uncontested|by surprise|(?:raised|hoisted) (?:a |their |the )?(?:black )?"
    r"(?:flag|banner)|preached)"
)
_EARLIER_AFTER = re.compile(
    r"^\W*(?:"
    + "|".join(normalize(w) for w in ["مؤخرا", "سابقا", "recently", "previously", "earlier"])
    + r")\b"
)
#: Where people went ("وصل مئات ... إلى مدينة البوكمال", "fled to"): a verb of going, then "to".
_GOING = (
    "وصل|وصول|وصلت|فر|فروا|فرار|توجه|توجهت|انتقل|انتقلت|نزح|انسحب|انسحبت|انسحبوا|arrived|fled|moved|"
    "relocated|withdrew|retreated|headed|escaped"
)
_DESTINATION_BEFORE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(normalize(w) for w in _GOING.split("|"))
    + r")\w*(?:\s+\S+){0,8}?\s+(?:"
    + "|".join(normalize(w) for w in ["إلى", "الى", "to", "into", "towards", "toward"])
    + r")(?:\s+\S+)?\s*$"
)
_ORIGIN_BEFORE = re.compile(
    r"(?<!\w)(?:" + "|".join(normalize(w) for w in ["من", "from"]) + r")(?:\s+\S+)?\s*$"
)


#: ... and an actor named after them is an ally, not a side ("وحلفاؤه", "allied").
_SUPPORT_WORDS = re.compile("|".join(normalize(w) for w in [*_SUPPORT, "حلفاؤه", "allied"]))


def _supporting(m: ActorMention, text: str) -> bool:
    """The mention names an ally ("مدعوماً بضربات جوية روسية ومقاتلين من حزب الله")."""
    before = normalize(text[max(0, m.start - 60) : m.start])
    last = max((found.end() for found in _SUPPORT_WORDS.finditer(before)), default=None)
    return last is not None and not _CLAUSE_END.search(before[last:])


def _loser(
    sub: str, actors: list[ActorMention], winner: Actor | None, opponent: Actor | None, text: str
) -> ActorMention | Actor | None:
    """Who lost the territory: a non-state armed group (any armed group for a non-state taker)."""
    allowed = (2, 3, 4) if sub == "Government regains territory" else (1, 2, 3, 4, 8)
    name = winner.name if winner else None
    for m in actors:
        if m.actor.inter in allowed and m.actor.name != name and not _supporting(m, text):
            return m
    if opponent is not None and opponent.inter in allowed and opponent.name != name:
        return opponent
    return None


def _opponent(actors: list[ActorMention]) -> Actor | None:
    """The non-state armed group the article names most (IS in an article on Al-Bukamal)."""
    counts: Counter[Actor] = Counter(m.actor for m in actors if m.actor.inter in (2, 3))
    return counts.most_common(1)[0][0] if counts else None


def _draft(
    article: Article,
    sentence: Sentence,
    cue: Cue,
    places: list[PlaceMention],
    date_mentions: list,
    country: str | None,
    scan: _Scan,
    opponent: Actor | None = None,
    predicted: Prediction | None = None,
) -> list[_Draft]:
    """One draft per place named in the sentence (or one place-less draft).

    `opponent` is the article's main non-state armed group, the side that loses territory when
    the sentence does not name it ("the army took the city" in an article about IS).
    `predicted` is the classifier's reading of the sentence's paragraph, if there is one.
    """
    actors = [m for m in scan.within(scan.actors, sentence) if not reports_only(m, article.text)]
    if SUB_TO_EVENT[cue.sub_event_type] != "Strategic developments":
        # a government decides (curfews, releases, deals); in a fight, an attack or a protest
        # it is what people are for or against ("the government's failure to pay"), no side
        actors = [m for m in actors if not is_government(m.actor)]
    deaths = scan.within(scan.deaths, sentence)
    sentence_dates = [d for d in date_mentions if sentence.start <= d.start < sentence.end]
    date = best_date(sentence_dates, article.published)
    sub = cue.sub_event_type
    actors = _by_closeness(actors, cue, article.text, article.language, scan.targets)
    day = date.date if date is not None and date.date is not None else article.published
    toll = lowest_credible(deaths)
    actor1, actor2 = _actors(sub, actors, country, toll, day)
    if sub == "Armed clash" and not isinstance(actor2, ActorMention) and one_sided(actors, sentence.text):
        # one armed actor and its victims, no second side, no fight: violence against civilians
        # (codebook: a battle is between two armed, organised groups)
        sub = "Attack"
        actor1, actor2 = _actors(sub, actors, country, toll, day)
    elif sub == "Armed clash" and civilians_attacked(sentence.text):
        sub = "Attack"
        actor1, actor2 = _actors(sub, actors, country, toll, day)
    if (
        sub in ("Attack", "Looting/property destruction")
        and _actor_of(actor1) == generic_actor("unidentified", country or "Unknown")
        and crowd_did_it(sentence.text)
    ):
        # no armed group named, and unarmed people did it ("angry youths attack election
        # officials", "voters beat up the official"): a mob's violence (codebook: mob violence)
        sub = "Mob violence"
        actor1, actor2 = _actors(sub, actors, country, toll, day)
    if sub == "Mob violence" and force_did_it(sentence.text):
        # "soldiers beat three men", "tortured by police": a state force's violence against
        # civilians, not a mob's, however the deed reads
        sub = "Attack"
        actor1, actor2 = _actors(sub, actors, country, toll, day)
    if sub == "Abduction/forced disappearance" and toll > 0:
        # "abducted ... and stabbed to death": a killing, which ACLED codes as an attack
        sub = "Attack"
    if sub == "Attack" and (
        state_target(actors, actor1, article.text)
        or armed_victims(sentence.text)
        or force_fought_back(sentence.text)
        or force_attacked(actors, actor1, article.text)
        or post_attacked(sentence.text)
    ):
        # the victims are police or soldiers and no civilian is named: a fight between armed
        # actors, not violence against civilians (codebook: an attack targets civilians)
        sub = "Armed clash"
        actor1, actor2 = _actors(sub, actors, country, toll, day)
    if (
        SUB_TO_EVENT[sub] in ("Battles", "Explosions/Remote violence")
        and isinstance(actor1, ActorMention)
        and not isinstance(actor2, ActorMention)
        and acted_upon(actor1, article.text)
    ):
        # the only side named was attacked or responded ("two police officers were killed",
        # "bandits attacked, police intervened"): the unnamed side began it
        actor1, actor2 = generic_actor("unidentified", country or "Unknown"), actor1
    a1 = _actor_of(actor1)
    if (
        sub in _PLANTED
        and a1 is not None
        and a1.inter in (1, 8)
        and not isinstance(actor2, ActorMention)
        and _DEVICE_HIT.search(sentence.text)
    ):
        # a bomb or a mine that hit a patrol: the force named is its target, and whoever set it
        # is not named ("their vehicle drove over a buried explosive"); not a grenade, which
        # coders of one export put the force first for
        actor1, actor2 = generic_actor("unidentified", country or "Unknown"), actor1
    actor1, actor2 = _sides_as_coders_name_them(sub, actor1, actor2, predicted, country, actors)
    a1 = _actor_of(actor1)
    if sub == "Government regains territory" and a1 is not None and a1.inter not in (1, 8):
        sub = "Non-state actor overtakes territory"
    if sub in TAKEOVERS and _UNCONTESTED.search(sentence.text.casefold()):
        sub = "Non-violent transfer of territory"  # codebook: control acquired without a fight
    if sub in TAKEOVERS:
        actor2 = _loser(sub, actors, a1, opponent, article.text) or actor2
    text = article.text
    if sub == "Change to group/activity":
        # "قادمة من مدينة القائم", "coming from": where a force set out is not where it is now
        places = [
            p for p in places if not _ORIGIN_BEFORE.search(normalize(text[max(0, p.start - 12) : p.start]))
        ]
    if sub in _TERRITORY_CHANGE:
        # "وصلوا إلى مدينة البوكمال بعد انسحابهم من القائم": where they went is not the territory
        places = [
            p
            for p in places
            if not _DESTINATION_BEFORE.search(normalize(text[max(0, p.start - 80) : p.start]))
        ]
    # "في تدمر مؤخراً": an earlier occasion mentioned in passing
    places = [p for p in places if not _EARLIER_AFTER.match(normalize(text[p.end : p.end + 12]))] or places
    if not places:
        return [_Draft(sub, None, False, date, actor1, actor2, deaths, cue, sentence)]
    return [
        _Draft(sub, place, False, date, actor1, actor2, deaths if i == 0 else [], cue, sentence)
        for i, place in enumerate(places[:4])
    ]


_PLANTED = frozenset({"Remote explosive/landmine/IED", "Suicide bomb"})
#: ... when the text says the device hit them: "targeted by an IED", "their vehicle drove over a
#: buried explosive", "hit a roadside bomb"
_DEVICE = r"(?:bombs?|IEDs?|explosives?|(?:land)?mines?|devices?)"
_DEVICE_HIT = re.compile(
    rf"\b(?:hit|struck|targeted|destroyed|damaged)\s+by\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){{0,3}}?{_DEVICE}\b"
    rf"|\b{_DEVICE}\s+(?:[\w-]+\s+){{0,6}}?(?:exploded|went off|detonated)\b[^.;]{{0,80}}?"
    r"\b(?:leaving|injuring|killing|wounding)\s+(?:the\s+)?(?:\w+\s+){0,3}?"
    r"(?:police|soldiers?|troops|officers?|personnel)\b"
    rf"|\b(?:hit|struck|ran over|run over|drove over|drives over|drove onto|stepped on)\s+(?:an?\s+|the\s+)?"
    rf"(?:[\w-]+\s+){{0,3}}?{_DEVICE}\b",
    re.IGNORECASE,
)


#: How sure the classifier's actor1-type head must be to reorder or rename the sides: its
#: decision value over the runner-up's. Below it the rules' reading stands.
_SIDE_MARGIN = 0.4
#: Sub-event types whose first side is a convention of the coders, not the text's grammar: who
#: is named first in a clash (the state in one coder's export, the attacker in another's), and
#: which of two armed sides a bombardment is coded to. Not a taking of territory: who took it
#: is what the event is.
_SIDES_BY_CONVENTION = frozenset(
    {"Armed clash", "Violent demonstration", "Mob violence", "Protest with intervention"}
    | {"Excessive force against protesters"}
    | {s for s, e in SUB_TO_EVENT.items() if e == "Explosions/Remote violence"}
)


def _sides_as_coders_name_them(
    sub: str,
    actor1: ActorMention | Actor,
    actor2: ActorMention | Actor | None,
    predicted: Prediction | None,
    country: str | None,
    named: Sequence[ActorMention] = (),
) -> tuple[ActorMention | Actor, ActorMention | Actor | None]:
    """actor1 and actor2 as the human coders the classifier learned from would name them.

    The classifier's second head reads which type of actor the coders put first (`inter1`).
    When it is sure and the rules' actor1 is of another type: in a clash, a bombardment, a riot
    or a protest broken up whose other side is of that type, the sides swap; an unidentified
    armed group it reads as an identity militia ("two herders were shot over pasture") becomes
    the country's unidentified communal militia; in a battle, a bombardment or violence against
    civilians, another armed actor `named` in the unit, of that type and no victim, takes the
    lead. Otherwise the rules' sides stand.
    """
    if predicted is None or predicted.actor1_inter is None or predicted.actor1_margin <= _SIDE_MARGIN:
        return actor1, actor2
    want = predicted.actor1_inter
    first = _actor_of(actor1)
    second = _actor_of(actor2)
    if first is None or _inter_in(first, country) == want:
        return actor1, actor2
    if (
        sub in _SIDES_BY_CONVENTION
        and actor2 is not None
        and second is not None
        and _inter_in(second, country) == want
    ):
        return actor2, actor1
    if want == 4 and country and first.name == generic_actor("unidentified", country).name:
        return generic_actor("communal", country), actor2
    if SUB_TO_EVENT[sub] in ("Battles", "Explosions/Remote violence", "Violence against civilians"):
        # another armed actor the unit names, of the type the coders would put first
        other = next(
            (
                m
                for m in named
                if m.actor.inter in ARMED_INTERS
                and _inter_in(m.actor, country) == want
                and m.actor != second
                and m.role_hint != "victim"
            ),
            None,
        )
        if other is not None:
            return other, actor2
    return actor1, actor2


def _share_toll(context: _Draft, same: list[_Draft]) -> None:
    """A lead's toll ("42 civilians killed") covers the events the article then places.

    When it exceeds what those events report themselves, it is split across them (one share
    per place and day) as the codebook says: "split it across them without inflating".
    """
    toll = lowest_credible(context.fatalities)
    if not toll or not same:
        return
    keys: dict[tuple, list[_Draft]] = {}
    for d in same:
        key = (d.place.place.name if d.place else None, d.date.date if d.date else None)
        keys.setdefault(key, []).append(d)
    own = sum(max((lowest_credible(d.fatalities) for d in group), default=0) for group in keys.values())
    if len(keys) == 1:
        # one event, several reports of its toll ("at least 17", "put the toll at 19"): the
        # lowest credible figure of them all
        for d in same:
            d.fatalities = [*context.fatalities, *d.fatalities]
        return
    if toll <= own:
        return
    share, rest = divmod(toll, len(keys))
    for i, group in enumerate(keys.values()):
        for d in group:
            d.toll_share = share + (rest if i == 0 else 0)
            d.fatalities = [*context.fatalities, *d.fatalities]


def _attach_context(
    drafts: list[_Draft], placeless: list[_Draft], date_mentions: list, article: Article
) -> list[_Draft]:
    """Give events what sentences without a place said about them (deaths, actors, dates).

    A headline or lead ("42 civilians killed in government air strikes") often carries the
    toll and the perpetrator while a later sentence names the place: the context goes to the
    first event of the same type that lacks it. When no sentence of the article names a place
    for that type, nothing is coded from it (no place, no event).
    """

    def regional(d: _Draft) -> bool:
        return d.place is not None and d.place.place.kind in {"admin1", "admin2"}

    def covered(d: _Draft) -> bool:  # a named place of the same type lies in this region
        region = d.place.place  # type: ignore[union-attr]
        return any(
            o.sub == d.sub
            and not regional(o)
            and o.place is not None
            and region.name in (o.place.place.admin1, o.place.place.admin2)
            for o in drafts
        )

    placeless = placeless + [d for d in drafts if regional(d) and covered(d)]
    drafts = [d for d in drafts if not (regional(d) and covered(d))]
    for context in sorted(placeless, key=lambda d: d.sentence.start):
        same = [d for d in drafts if d.sub == context.sub]
        if not same:
            continue
        target = same[0]
        if not isinstance(target.actor1, ActorMention) and isinstance(context.actor1, ActorMention):
            for d in same:
                if not isinstance(d.actor1, ActorMention):
                    d.actor1 = context.actor1
        if context.actor2 is not None:
            for d in same:
                if d.actor2 is None:
                    d.actor2 = context.actor2
        if SUB_TO_EVENT[context.sub] == "Strategic developments" and isinstance(context.actor1, ActorMention):
            # "the SDF announced it took part in the manoeuvres": another actor of the same event
            for d in same:
                if d.actor2 is None and _actor_of(d.actor1) != context.actor1.actor:
                    d.actor2 = context.actor1
        for d in same:
            if d.date is None and context.date is not None and not context.date.mention.reporting:
                d.date = context.date
    # a sentence with no date of its own takes the nearest earlier date in the article
    for d in drafts:
        if d.date is None:
            # ...an event date, not when the report was made ("a monitor said on Monday")
            earlier = sorted(
                (m for m in date_mentions if m.start < d.sentence.start and not m.reporting),
                key=lambda m: m.start,
            )
            if not earlier:
                # a lead without a date, dated further down: the article's first event date,
                # else its first report date ("SANA said yesterday evening, Sunday, that...")
                ordered = sorted(date_mentions, key=lambda m: (m.reporting, m.start))
                earlier = ordered[:1]
            d.date = best_date(earlier[-1:], article.published)
    for context in placeless:
        _share_toll(context, [d for d in drafts if d.sub == context.sub])
    return drafts


def _inter_in(actor: Actor, country: str | None) -> int:
    if actor.inter in (1, 8) and country:
        return inter_of_name(actor.name, country) or actor.inter
    return actor.inter


def _in_period(actor: Actor, day: dt.date) -> Actor:
    """`actor` in the period of its dictionary family in force on `day`."""
    found = dictionary_actor(actor.name, actor.country, day) if "(" in actor.name else None
    return (
        actor if found is None or found.name == actor.name else Actor(found.name, actor.inter, actor.country)
    )


def _event(article: Article, draft: _Draft, country: str | None) -> CodedEvent:
    gazetteer = get_gazetteer()
    text = article.text
    flags: list[Flag] = []
    evidence: dict[str, list[Span]] = {
        "sub_event_type": [_span(text, draft.cue.start, draft.cue.end)],
    }
    evidence["event_type"] = evidence["sub_event_type"]
    a1, a2 = _actor_of(draft.actor1), _actor_of(draft.actor2)
    assert a1 is not None
    if isinstance(draft.actor1, ActorMention):
        evidence["actor1"] = [_span(text, draft.actor1.start, draft.actor1.end)]
    fields: dict = {}
    if (
        a2 is not None
        and a2.inter != 7
        and SUB_TO_EVENT[draft.sub] == "Strategic developments"
        and draft.sub not in TAKEOVERS
    ):
        # a visit to Fatemiyoun centres, manoeuvres the SDF joined: the second armed actor of a
        # strategic development is an associate, not an opponent (codebook section 10)
        fields["assoc_actor_1"] = a2.name
        if isinstance(draft.actor2, ActorMention):
            evidence["assoc_actor_1"] = [_span(text, draft.actor2.start, draft.actor2.end)]
        a2 = None
    elif isinstance(draft.actor2, ActorMention):
        evidence["actor2"] = [_span(text, draft.actor2.start, draft.actor2.end)]

    place = draft.place
    if place is not None:
        p: Place = place.place
        info = gazetteer.country(p.country)
        fields.update(
            country=p.country,
            iso=info.iso if info else None,
            region=info.region if info else None,
            admin1=_admin1_name(p),
            admin2=p.admin2,
            admin3=p.admin3,
            location=p.name,
            latitude=round(p.latitude, 4),
            longitude=round(p.longitude, 4),
            geo_precision=_geo_precision(place),
        )
        evidence["location"] = [_span(text, place.start, place.end)]
        if p.approximate:
            flags.append(
                Flag(
                    code="PLACE_APPROXIMATE",
                    severity="warning",
                    field="location",
                    message=approximate_message(p),
                )
            )
        if place.ambiguous:
            flags.append(
                Flag(
                    code="PLACE_AMBIGUOUS",
                    severity="warning",
                    field="location",
                    message=f"'{place.text}' names several places; check the coordinates",
                )
            )
    elif country is not None and (info := gazetteer.country(country)) is not None:
        fields.update(country=info.name, iso=info.iso, region=info.region)
    date = draft.date
    if date is not None and date.date is not None:
        fields.update(event_date=date.date, year=date.date.year, time_precision=date.time_precision)
        evidence["event_date"] = [_span(text, date.mention.start, date.mention.end)]
        if date.conflict:
            flags.append(
                Flag(
                    code="DATE_WEEKDAY_CONFLICT", severity="error", field="event_date", message=date.conflict
                )
            )
    elif article.published is None:
        flags.append(
            Flag(
                code="NO_PUBLICATION_DATE",
                severity="error",
                field="event_date",
                message="the article has no publication date and no absolute date: set the date",
            )
        )
    else:
        d = article.published
        fields.update(event_date=d, year=d.year, time_precision=1)
        flags.append(
            Flag(
                code="DATE_FROM_PUBLICATION",
                severity="warning",
                field="event_date",
                message=f"no date in the text; coded to the publication date {d}",
            )
        )
    mentions = draft.fatalities
    if SUB_TO_EVENT[draft.sub] in ("Riots", "Protests"):
        mentions = [m for m in mentions if not is_motive(text, m)]  # "rioted after X was killed"
    deaths = draft.toll_share if draft.toll_share is not None else lowest_credible(mentions)
    if mentions:
        evidence["fatalities"] = [_span(text, m.start, m.end) for m in mentions]
    settlement = (place.text, place.place.name) if place is not None and place.place.kind == "place" else ()
    sides = front_sides(
        text,
        draft.sub,
        a1,
        a2,
        fields.get("country"),
        fields.get("admin1"),
        fields.get("event_date"),
        settlement,
    )
    if sides is not None:
        # fire across a front line the report does not attribute: the two sides facing there
        evidence["actor1"] = [_span(text, *sides.cue)]
        if sides.actor2 is not None and sides.actor2 is not a2:
            evidence["actor2"] = [_span(text, *sides.cue)]
        a1, a2 = sides.actor1, sides.actor2
    a1 = local_unidentified(a1, a2, text)  # "Unidentified Gang (Mexico)" where ACLED says so
    if date is not None and date.date is not None:
        # actors were read with the publication date; a state force's period is the event's
        # ("Police Forces of Kenya (2002-2013)" for a 2008 clash reported in 2014)
        a1 = _in_period(a1, date.date)
        a2 = _in_period(a2, date.date) if a2 is not None else None
        if "assoc_actor_1" in fields:
            fields["assoc_actor_1"] = _in_period(Actor(fields["assoc_actor_1"], 1, None), date.date).name
    # state forces are 1 at home and 8 abroad: judged by where this event happened
    where = fields.get("country") or country
    inter1 = _inter_in(a1, where)
    inter2 = _inter_in(a2, where) if a2 else None
    sub = draft.sub
    if sub in _NO_DEATHS and deaths:
        # Deaths in a report of a peaceful protest are what it is about ("protested after a
        # pedestrian was killed"), not the protest's own: codebook section 5.8 gives it none.
        flags.append(
            Flag(
                code="DEATHS_NOT_COUNTED",
                severity="warning",
                field="fatalities",
                message=f"the text reports {deaths} death(s) but a '{sub}' has none (codebook 5.8):"
                " not counted; if protesters died, recode as Excessive force against protesters",
            )
        )
        deaths = 0
        evidence.pop("fatalities", None)
    civilian = CIVILIAN_TARGETING if inter2 == 7 and SUB_TO_EVENT[sub] != "Battles" else None
    if article.outlet:
        fields["source"] = article.outlet
    confidence = 0.35
    confidence += 0.2 if place is not None and not draft.place_inherited else 0.0
    confidence += 0.2 if isinstance(draft.actor1, ActorMention) else 0.0
    confidence += 0.15 if date is not None and date.date is not None else 0.0
    confidence += 0.1 if place is not None and not place.ambiguous else 0.0
    if confidence < 0.6:
        flags.append(
            Flag(
                code="LOW_CONFIDENCE",
                severity="warning",
                field=None,
                message=f"offline coder confidence {confidence:.2f}: check type, actors and place",
            )
        )
    row = {
        "event_type": SUB_TO_EVENT[sub],
        "sub_event_type": sub,
        "disorder_type": disorder_type_for(sub),
        "actor1": a1.name,
        "inter1": inter1,
        "actor2": a2.name if a2 else None,
        "inter2": inter2,
        "interaction": interaction_code(inter1, inter2),
        "civilian_targeting": civilian,
        "fatalities": deaths,
        **fields,
    }
    date_text = f"On {row['event_date']:%-d %B %Y}" if row.get("event_date") else "On an unknown date"
    row["notes"] = _notes(row, date_text)
    event = Event(
        **row,
        article_ids=[article.id],
        coder=CODER_NAME,
        coder_version=CODER_VERSION,
        evidence=evidence,
        confidence=round(min(confidence, 1.0), 2),
    )
    return CodedEvent(event=event, flags=flags)


def code_article(
    article: Article,
    context_country: str | None = None,
    recent_admin1: Counter[str] | None = None,
    choose: ModelChooser | None = None,
) -> list[CodedEvent]:
    """Code one article into events (one per sub-event type, place, day and actor pair).

    `context_country` is used only when nothing in the article points to a country; events
    coded that way carry a COUNTRY_FROM_CONTEXT warning. `recent_admin1` (admin1 names of the
    run's recent events) settles a place name several provinces of the country share.
    `choose` picks the classifier for the article (default: the shipped one).
    """
    # country names and adjectives: for the country vote and for each sentence's places
    countries = get_gazetteer().countries_in(article.text, adjectives=True)
    country, from_context = main_country(article, countries, context_country)
    date_mentions = find_dates(article.text, article.language)
    coded = [
        _event(article, d, country)
        for d in _drafts(article, country, date_mentions, countries, recent_admin1, choose)
    ]
    if from_context:
        flag = Flag(
            code="COUNTRY_FROM_CONTEXT",
            severity="warning",
            field="country",
            message=f"the article names no place or country; {country} comes from the run's context",
        )
        coded = [CodedEvent(event=c.event, flags=[*c.flags, flag]) for c in coded]
    for conflict in article_conflicts(date_mentions):
        # "yesterday, Wednesday" and "yesterday, Tuesday" in one article: one of them is wrong
        flag = Flag(code="DATE_WEEKDAY_CONFLICT", severity="error", field="event_date", message=conflict)
        coded = [CodedEvent(event=c.event, flags=[*c.flags, flag]) for c in coded]
    return merge_events(drop_withdrawals_taken_over(coded))


class OfflineCoder:
    """The offline coder with a memory of the run it is in.

    Collections are usually about one country, and many short reports ("Mob lynches a
    suspected thief") name no place at all. A user can say which country (`--country`);
    otherwise the coder uses the country most of the last CONTEXT_WINDOW articles it coded
    were about, when that country holds at least CONTEXT_SHARE of them.
    """

    CONTEXT_WINDOW = 50
    CONTEXT_SHARE = 0.4
    CONTEXT_RECENT = 10
    CONTEXT_RECENT_SHARE = 0.6

    def __init__(self, country: str | None = None, choose: ModelChooser | None = None) -> None:
        self.choose = choose
        if country is not None:
            info = get_gazetteer().country(country)
            if info is None:
                raise ValueError(f"unknown country {country!r}: give an ACLED country name or ISO3 code")
            country = info.name
        self.country = country
        self.recent: deque[str] = deque(maxlen=self.CONTEXT_WINDOW)
        self.recent_admin1: deque[str] = deque(maxlen=self.CONTEXT_WINDOW)

    def context_country(self) -> str | None:
        if self.country is not None:
            return self.country
        if not self.recent:
            return None
        name, n = Counter(self.recent).most_common(1)[0]
        if n >= self.CONTEXT_SHARE * len(self.recent):
            return name
        # a collection that moved on to another country: the latest articles agree already
        latest = list(self.recent)[-self.CONTEXT_RECENT :]
        name, n = Counter(latest).most_common(1)[0]
        return name if n >= self.CONTEXT_RECENT_SHARE * len(latest) else None

    def __call__(self, article: Article) -> list[CodedEvent]:
        coded = code_article(article, self.context_country(), Counter(self.recent_admin1), self.choose)
        own = [
            c.event
            for c in coded
            if c.event.country and all(f.code != "COUNTRY_FROM_CONTEXT" for f in c.flags)
        ]
        if own:
            self.recent.append(Counter(e.country for e in own).most_common(1)[0][0])
            if own[0].admin1:
                self.recent_admin1.append(own[0].admin1)
        return coded
