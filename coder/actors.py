"""Actor dictionary and matcher: who is named in an article, as ACLED-style actors.

The dictionary is `datasets/actors.csv` (name, home inter code, country, English and Arabic
aliases). On top of it sit *generic* words that only make sense with the event's country:
"civilians" / "مدنيين" -> `Civilians (Syria)`, "gunmen" -> `Unidentified Armed Group (Kenya)`,
"the army" / "الجيش" -> that country's military, "the regime" / "النظام" -> the Assad-era
Syrian army.

Rules that are not in the CSV:

* `inter` in the CSV is the actor's code at home. A state force (home code 1) acting outside
  its own country is an external force, code 8 (Russian jets over Idlib).
* State forces come in periods, one row each (`Police Forces of Kenya (2013-2022)`). Aliases
  sit on one row per family, the default; with an event date the matcher moves to the row of
  the family whose period holds that date.
* Arabic words carry attached و ف ب ل ك and ال; the matcher looks through them ("لقوات
  النظام", "والطيران الروسي", "المدنيين" for "مدنيين").
* English matching ignores "the", "al" and "el"; short all-capital acronyms (IS, US, SDF) must
  match in capitals, so the verb "is" never becomes the Islamic State.

Matching is token-based over `coder.textnorm.normalize_with_map` output, with an index keyed
by the first token of every alias, built once on first use.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Final

from coder.countries import country_names
from coder.textnorm import name_key, normalize, normalize_with_map

ACTORS_CSV: Final[Path] = Path(__file__).resolve().parent.parent / "datasets" / "actors.csv"
RENAMINGS_CSV: Final[Path] = Path(__file__).resolve().parent.parent / "datasets" / "actor_renamings.csv"
UNIDENTIFIED_CSV: Final[Path] = Path(__file__).resolve().parent.parent / "datasets" / "unidentified_names.csv"


@dataclass(frozen=True)
class Actor:
    """An actor as it is coded in one event."""

    name: str  # ACLED-style name, e.g. "Military Forces of Syria (2000-2024)", "Civilians (Syria)"
    inter: int  # 1..8, as it applies in this event's country
    country: str | None


@dataclass(frozen=True)
class ActorMention:
    """An actor named in a text: its span in the original text and the actor it stands for."""

    start: int
    end: int
    text: str
    actor: Actor
    role_hint: str | None  # "victim" for civilians and casualty words, else None


# --- generic words -----------------------------------------------------------------------------
# Kinds whose actor depends on the event's country. English and Arabic words per kind; Arabic
# words are written without attached prefixes (the matcher strips them from the text) and in
# normalised spelling (ه for ة, bare alef), as textnorm folds the text.
_GENERIC: Final[dict[str, tuple[str, ...]]] = {
    "civilians": (
        "civilian|civilians|resident|residents|local residents|people|person|persons|villagers|"
        "child|children|kids|woman|women|girl|girls|boy|boys|farmer|farmers|shepherd|shepherds|"
        "passers-by|passersby|worshippers|victims|casualties|displaced people|civilian population",
        "مدني|مدنيا|مدنيان|مدنيين|مدنيون|اهالي|سكان|مواطن|مواطنا|مواطنين|مواطنون|"
        "اطفال|طفل|طفلا|طفلة|طفلين|نساء|امراة|سيدة|مزارعين|مزارعون|مارة|ضحايا|شخص|شخصا|اشخاص|"
        "نازحين|نازحون|رعاة|عائلات",
    ),
    "protesters": (
        "protester|protesters|protestor|protestors|demonstrator|demonstrators|marchers",
        "متظاهرين|متظاهرون|متظاهر|محتجين|محتجون|محتج|المحتجين",
    ),
    "rioters": (
        "rioter|rioters|mob|angry mob|rioting youths|rioting crowd",
        "مثيري الشغب|مشاغبين|مشاغبون|غوغاء",
    ),
    "unidentified": (
        "gunmen|gunman|unidentified gunmen|unknown gunmen|unidentified gunman|unknown gunman|"
        "masked gunmen|armed men|unidentified armed men|unknown armed men|assailants|"
        "unknown assailants|unidentified assailants|unidentified attackers|unknown attackers|"
        "bandits|armed bandits|armed group|unidentified armed group|unknown armed group|"
        "kidnappers|abductors|armed individuals|armed persons|armed assailants|armed attackers|"
        "hitmen|hit men",
        "مسلحون مجهولون|مسلحين مجهولين|مسلحون|مسلحين|مسلح|مجهولين|مجهولون|مجهول|ملثمين|ملثمون|"
        "مسلحون ملثمون|مسلحين ملثمين|اشخاص مجهولين|اشخاص مجهولون|مجهولي الهويه|"
        "مسلحين مجهولي الهويه|عصابه مسلحه|عصابات مسلحه|جهات مجهوله|خاطفين|قطاع الطرق",
    ),
    # Identity militias the text does not name: a fight between communities, tribes or clans
    # is coded with ACLED's generic name for the kind of group the text describes.
    "communal": (
        "communal militia|communal militias|ethnic militia|ethnic militias|cattle raiders|"
        "cattle rustlers|rustlers|raiders|rival communities|pastoralist communities|"
        "rival pastoralist communities|rival ethnic groups|ethnic clashes|communal clashes|"
        "communal violence|warriors|morans|cattle-raiding militants|sub tribes|sub-tribes|"
        "ethnic clash|ethnic fighting|inter-ethnic|interethnic|inter-communal|"
        "intercommunal|communal clash|communal fighting|farmers and herders|farmers and herdsmen|"
        "herders and farmers|herdsmen and farmers|rival pastoralists|armed pastoralists|pastoralists|"
        "armed herders|armed herdsmen|neighbouring communities|neighboring communities|"
        "two communities|rival ethnic communities|ethnic groups|ethnic group|"
        "ethnic attack|ethnic attacks|communal gunmen|cattle thieves|livestock thieves|cattle rustling",
        "",
    ),
    "tribal": (
        "tribal militia|tribal militias|tribal gunmen|tribesmen|armed tribesmen|tribal fighters|"
        "rival tribes|tribal clashes|tribal clash|tribal fighting|inter-tribal|intertribal",
        "مسلحين قبليين|ميليشيا قبليه|ميليشيات قبليه|مسلحي العشائر|مسلحين من العشائر|"
        "مسلحين من ابناء العشائر|ابناء العشائر",
    ),
    "clan": (
        "clan militia|clan militias|clan gunmen|clan militiamen|clan fighters|rival clans|rival clan|"
        "clans|clan fighting|clan clash|clan clashes|inter-clan|interclan",
        "",
    ),
    "military": (
        "army|military|troops|soldiers|soldier|armed forces|government forces|government troops|"
        "pro-government forces|servicemen|army troops|military forces",
        "جيش|جنود|جندي|عناصر الجيش|قوات الجيش|القوات الحكوميه|القوات المسلحه|قوات الحكومه|جنود الجيش|عسكريين",
    ),
    "police": (
        "police|policemen|policeman|police officers|police officer|riot police|anti-riot police|"
        "security forces|security personnel|law enforcement|policewoman|"
        "policewomen|police patrol|police patrols|civilian police|police detective|police constable|"
        "security officers|security officer|state police|municipal police|"
        "border guards|border guard|border police|frontier guards",
        "شرطه|قوات الامن|عناصر الشرطه|رجال الشرطه|قوات الشرطه|القوات الامنيه|الاجهزه الامنيه|"
        "رجال الامن|عناصر الامن|دوريه امنيه|قوات مكافحه الشغب",
    ),
    # a gendarmerie is a military force, a unit of the country's military for ACLED
    "gendarmerie": ("gendarmes|gendarmerie|gendarme|gendarmerie officers|gendarmerie forces", ""),
    # ACLED's unit of a country's police for prison staff
    "prison_guards": ("prison guards|prison guard|prison warders|prison wardens|warders|jailers", ""),
    # Brazil's Military Police is a police force with a name of its own in the dictionary;
    # elsewhere military police are the country's police
    "military_police": (
        "military police|military policemen|military police officers|military police forces|"
        "military police unit|military police units|military police patrol",
        "",
    ),
    # ... and its Civil and Federal Police likewise (units of the dictionary in Brazil)
    "civil_police": ("civil police|civil police officers|civil police agents", ""),
    "federal_police_unit": ("federal police|federal police officers|federal police agents", ""),
    # the state as a decision-maker (a curfew, a release of prisoners, a deal): ACLED's
    # "Government of X (period)", a state actor (inter 1)
    "government": (
        "government|the government|governorship|governor's office|governors office|"
        "district governorship|provincial government|the governor|governor of",
        "الحكومه",
    ),
    "regime": ("regime", "نظام"),
    "coalition": (
        "coalition|coalition forces|coalition aircraft|coalition warplanes|coalition jets|"
        "coalition air strikes|coalition airstrikes|coalition strikes",
        "قوات التحالف|طيران التحالف|طائرات التحالف|غارات التحالف|مقاتلات التحالف",
    ),
    "rebels": (
        "rebels|rebel|rebel fighters|rebel groups|rebel factions|insurgents|opposition fighters|"
        "opposition factions|armed opposition|opposition rebels|jihadists",
        "",
    ),
    # Islamist armed men the text does not name: ACLED's local name where it has one
    "islamists": ("islamic militants|islamist militants|islamist insurgents|islamic insurgents", ""),
    # Words that would otherwise yield a false actor: matched and dropped.
    "none": (
        "rebel-held|rebel held|rebel-controlled|opposition-held|opposition-controlled|"
        "insurgent-held|Syrian Observatory for Human Rights|Security Council|civil defense|"
        "civil defence|people's assembly",
        "مجلس الامن|الدفاع المدني|نظام التسويه",
    ),
}
_VICTIM_KINDS: Final[frozenset[str]] = frozenset({"civilians"})
#: Kinds generic_actor() accepts, and the inter code of their actor.
_GENERIC_INTER: Final[dict[str, int]] = {
    "civilians": 7,
    "protesters": 6,
    "rioters": 5,
    "unidentified": 3,
    "communal": 4,
    "tribal": 4,
    "clan": 4,
}
_GENERIC_NAME: Final[dict[str, str]] = {
    "civilians": "Civilians",
    "protesters": "Protesters",
    "rioters": "Rioters",
    "unidentified": "Unidentified Armed Group",
    "communal": "Unidentified Communal Militia",
    "tribal": "Unidentified Tribal Militia",
    "clan": "Unidentified Clan Militia",
}
#: Unnamed rebels have an ACLED name only where one is conventional.
_REBELS_BY_COUNTRY: Final[dict[str, str]] = {"Syria": "Opposition Rebels (Syria)"}
#: ... and unnamed Islamist militants (Cabo Delgado's insurgency before its IS claim), inter 3
_ISLAMISTS_BY_COUNTRY: Final[dict[str, str]] = {"Mozambique": "Islamist Militia (Mozambique)"}
#: Coalition words mean the Saudi-led coalition in Yemen, the US-led one elsewhere.
_COALITION_BY_COUNTRY: Final[dict[str, str]] = {"Yemen": "Saudi Arabia"}
_COALITION_DEFAULT: Final[str] = "United States"
#: "The regime" in Syrian opposition media; elsewhere it resolves to the country's military.
_REGIME_COUNTRY: Final[str] = "Syria"
_UNKNOWN_COUNTRY: Final[str] = "Unknown"

_DROP_EN: Final[frozenset[str]] = frozenset({"the", "al", "el"})
_TOKEN = re.compile(r"[^\W_]+")
# A word of the original text: letters plus the marks and joiners normalisation drops.
_WORD = re.compile(r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d]+")
_PERIOD = re.compile(r"^(?P<family>.*?)\s*\((?P<start>\d{4})-(?P<end>\d{4})?\)\s*(?P<unit>.*)$")
_WHOLE_FORCE = re.compile(r"^(?:Military|Police) Forces of [^()]+ \(\d{4}-(?:\d{4})?\)$")
_STATE_NAME = re.compile(r"^(?:Military|Police) Forces of (?:the )?(?P<country>.+?)(?:\s*\(|$)")
_GENERIC_PATTERN = re.compile(
    r"^(?P<kind>civilians|protesters|rioters|unidentified armed group"
    r"|unidentified communal militia|unidentified tribal militia|unidentified clan militia)"
    r"\s*\((?P<country>[^)]*)\)$",
    re.IGNORECASE,
)
_SINCE = re.compile(r"\bfrom (\d{4}-\d{2}-\d{2})\b")
_ETHNIC_PATTERN = re.compile(r"(?:ethnic|communal|clan) militia\b", re.IGNORECASE)
_ACRONYM_MAX = 5


# --- dictionary --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Row:
    """One dictionary row."""

    name: str
    inter: int  # home code
    country: str | None
    family: str  # name without its period, for moving between periods
    start: int | None  # first year of the period, if the name has one
    end: int | None  # last year; None for an open period
    since: dt.date | None  # first day of the period: "from YYYY-MM-DD" in notes, else 1 January
    is_default: bool  # carries the family's aliases


# A normalised token of a text: (text, offset of its original word, per normalised character
# the offset within that word). Plain tuples: articles have thousands of tokens.
_Tok = tuple[str, int, tuple[int, ...]]


def _tok_start(tok: _Tok, skip: int = 0) -> int:
    return tok[1] + tok[2][skip]


def _tok_end(tok: _Tok) -> int:
    return tok[1] + tok[2][-1] + 1


@dataclass(frozen=True)
class _Alias:
    """One alias in the match index."""

    tokens: tuple[str, ...]  # normalised tokens; the first without a leading ال
    exact: tuple[str | None, ...]  # original token where case must match (acronyms), else None
    length: int  # normalised character length, to break ties
    rows: tuple[_Row, ...]  # dictionary rows it may mean (first = default)
    kind: str | None  # generic kind instead of rows


def _period(name: str) -> tuple[str, int | None, int | None]:
    """(family, start year, end year) of an actor name; family keeps any unit after the period."""
    m = _PERIOD.match(name)
    if not m:
        return name, None, None
    family = f"{m['family']} {m['unit']}".strip()
    return family, int(m["start"]), int(m["end"]) if m["end"] else None


def _since(notes: str, start: int | None) -> dt.date | None:
    """First day of a period: the notes' "from YYYY-MM-DD" (governments change mid-year)."""
    m = _SINCE.search(notes or "")
    if m:
        return dt.date.fromisoformat(m[1])
    return dt.date(start, 1, 1) if start is not None else None


def _split(aliases: str) -> list[str]:
    return [a.strip() for a in aliases.split("|") if a.strip()]


@cache
def _rows() -> tuple[tuple[_Row, ...], dict[str, list[str]]]:
    """Dictionary rows, and each row name's aliases."""
    rows: list[_Row] = []
    aliases: dict[str, list[str]] = {}
    with ACTORS_CSV.open(encoding="utf-8", newline="") as f:
        for rec in csv.DictReader(f):
            names = _split(rec["aliases_en"]) + _split(rec["aliases_ar"])
            family, start, end = _period(rec["name"])
            rows.append(
                _Row(
                    name=rec["name"],
                    inter=int(rec["inter"]),
                    country=rec["country"] or None,
                    family=family,
                    start=start,
                    end=end,
                    since=_since(rec["notes"], start),
                    is_default=bool(names),
                )
            )
            aliases[rec["name"]] = names
    return tuple(rows), aliases


@cache
def _families() -> dict[str, tuple[_Row, ...]]:
    """Rows of each family (same actor, different periods)."""
    out: dict[str, list[_Row]] = {}
    for row in _rows()[0]:
        out.setdefault(row.family, []).append(row)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _state_rows() -> dict[tuple[str, str], _Row]:
    """(country, "Military"|"Police") -> the default state force row of a country, no unit."""
    out: dict[tuple[str, str], _Row] = {}
    for row in _rows()[0]:
        if row.country is None or not _WHOLE_FORCE.match(row.name):
            continue  # units ("... Republican Guard") are not the country's force as a whole
        key = (row.country, row.name.split(" ", 1)[0])
        if key not in out or (row.is_default and not out[key].is_default):
            out[key] = row
    return out


def _country(name: str) -> str:
    """ACLED spelling of a country name ("syria" -> "Syria"); unknown names pass through."""
    return country_names().get(name_key(name), name.strip())


# --- tokens ------------------------------------------------------------------------------------
def _is_arabic(token: str) -> bool:
    return "\u0600" <= token[0] <= "\u06ff"


def _strip_al(token: str) -> str:
    """Arabic token without its article, so "المدنيين" and "مدنيين" share a key."""
    return token[2:] if token.startswith("ال") and len(token) > 4 else token


def _ar_forms(token: str) -> list[tuple[str, int]]:
    """(form, characters skipped) for an Arabic token and its prefix-stripped forms.

    و/ف (and, so) may precede ب/ل/ك (with, for, like); "لل" is ل + ال with the alef elided.
    """
    forms = [(token, 0)]
    rest, skip = token, 0
    if rest[0] in "وف" and len(rest) > 3:
        rest, skip = rest[1:], 1
        forms.append((rest, skip))
    if rest[0] in "بلك" and len(rest) > 3:
        if rest.startswith("لل"):
            forms.append(("ال" + rest[2:], skip))  # the span keeps "لل": no "ال" to start at
        else:
            forms.append((rest[1:], skip + 1))
    return forms


def _tokens(norm: str) -> list[tuple[str, int, int]]:
    """(token, start, end) in normalised text, without the English words matching ignores."""
    out = []
    for m in _TOKEN.finditer(norm):
        if m[0] in _DROP_EN:
            continue
        out.append((m[0], m.start(), m.end()))
    return out


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Normalised tokens of one word of a text, each with its characters' offsets in the word."""
    norm, offsets = normalize_with_map(word)
    return tuple(
        (m[0], tuple(offsets[m.start() : m.end()])) for m in _TOKEN.finditer(norm) if m[0] not in _DROP_EN
    )


def _text_tokens(text: str) -> list[_Tok]:
    """Normalised tokens of a text with their original offsets.

    Normalising word by word (memoised) instead of the whole text keeps a 5 KB article at about
    a millisecond: articles repeat their words, and folding is character-local.
    """
    toks = [(tok, m.start(), offsets) for m in _WORD.finditer(text) for tok, offsets in _fold_word(m[0])]
    if "\u062a" in text and any(t[0] == "\u062a" for t in toks):
        toks = _join_split_plurals(text, toks)
    return toks


def _join_split_plurals(text: str, toks: list[_Tok]) -> list[_Tok]:
    """ "القوا ت" is "القوات" split by a typing slip (coder.textnorm): a lone "ت" after a word
    ending in "ا" and one space joins it."""
    out: list[_Tok] = []
    for tok in toks:
        prev = out[-1] if out else None
        if (
            tok[0] == "\u062a"
            and prev is not None
            and prev[0].endswith("\u0627")
            and (text[_tok_end(prev) : _tok_start(tok)] == " ")
        ):
            shift = tok[1] - prev[1]
            out[-1] = (prev[0] + tok[0], prev[1], prev[2] + tuple(shift + o for o in tok[2]))
        else:
            out.append(tok)
    return out


def _alias_tokens(alias: str) -> tuple[tuple[str, ...], tuple[str | None, ...]] | None:
    """Normalised tokens of an alias, and which of them are case-sensitive acronyms."""
    norm, offsets = normalize_with_map(alias)
    tokens: list[str] = []
    exact: list[str | None] = []
    for tok, start, end in _tokens(norm):
        original = alias[offsets[start] : offsets[end - 1] + 1]
        is_acronym = original.isascii() and original.isupper() and len(original) <= _ACRONYM_MAX
        tokens.append(tok)
        exact.append(original if is_acronym else None)
    if not tokens:
        return None
    if _is_arabic(tokens[0]):
        tokens[0] = _strip_al(tokens[0])
    return tuple(tokens), tuple(exact)


@cache
def _index() -> dict[tuple[str, str | None], tuple[_Alias, ...]]:
    """(first token, second token or None) -> aliases starting so, longest first.

    Keying on two tokens keeps the lists short: dozens of aliases start with "قوات" or "army".
    """
    rows, aliases = _rows()
    AliasKey = tuple[tuple[str, ...], tuple[str | None, ...]]
    by_alias: dict[AliasKey, tuple[int, list[_Row], str]] = {}
    entries: list[tuple[str, _Row | None, str]] = []
    for row in rows:
        entries += [(a, row, "") for a in aliases[row.name]]
        if row.is_default and row.family != row.name and _WHOLE_FORCE.match(row.name):
            # reports that write ACLED's way: "military forces of Armenia fired on ..."
            entries.append((row.family, row, ""))
    for kind, (en, ar) in _GENERIC.items():
        entries += [(a, None, kind) for a in _split(en) + _split(ar)]
    for alias, row, kind in entries:
        parsed = _alias_tokens(alias)
        if parsed is None:
            continue
        entry = by_alias.setdefault(parsed, (len(normalize(alias)), [], kind))
        if row is not None:
            entry[1].append(row)
    index: dict[tuple[str, str | None], list[_Alias]] = {}
    for (tokens, exact), (length, matched_rows, kind) in by_alias.items():
        # a dictionary row outranks a generic word spelled the same
        generic = None if matched_rows else kind
        second = tokens[1] if len(tokens) > 1 else None
        index.setdefault((tokens[0], second), []).append(
            _Alias(tokens, exact, length, tuple(matched_rows), generic)
        )
    return {
        k: tuple(sorted(v, key=lambda a: (len(a.tokens), a.length), reverse=True)) for k, v in index.items()
    }


# --- resolution --------------------------------------------------------------------------------
def _for_date(row: _Row, date: dt.date | None) -> _Row:
    """The row of `row`'s family in force on `date`: the latest period begun by then."""
    if date is None or row.since is None:
        return row
    begun = [r for r in _families().get(row.family, ()) if r.since is not None and r.since <= date]
    return max(begun, key=lambda r: r.since or date) if begun else row


def _inter_in(home_inter: int, home_country: str | None, country: str | None) -> int:
    """A state force outside its own country is an external force (8)."""
    if home_inter == 1 and country and home_country and home_country != country:
        return 8
    return home_inter


def _actor(row: _Row, country: str | None, date: dt.date | None) -> Actor:
    row = _for_date(row, date)
    return Actor(row.name, _inter_in(row.inter, row.country, country), row.country)


def _pick(rows: tuple[_Row, ...], country: str | None) -> _Row:
    """The row of the event's country if there is one, else the default (first)."""
    for row in rows:
        if country and row.country == country:
            return row
    return rows[0]


def _state_force(country: str, branch: str, date: dt.date | None) -> Actor:
    """The country's military or police; a period-less name when the dictionary lacks it."""
    row = _state_rows().get((country, branch))
    if row is None:
        label = f"the {country}" if country.startswith(("United ", "Democratic ")) else country
        return Actor(f"{branch} Forces of {label}", 1, country)
    return _actor(row, country, date)


def _generic(kind: str, country: str | None, date: dt.date | None) -> Actor | None:
    """Actor of a generic word in an event in `country`; None when it names no actor there."""
    if kind in _GENERIC_INTER:
        # the offline coder names an unknown country the same way
        return generic_actor(kind, country or _UNKNOWN_COUNTRY)
    if kind == "military":
        return _state_force(country, "Military", date) if country else None
    if kind == "police":
        return _state_force(country, "Police", date) if country else None
    if kind in _POLICE_UNITS:
        if not country:
            return None
        family = f"Police Forces of {country} {_POLICE_UNITS[kind]}"
        unit = next((r for r in _families().get(family, ()) if r.is_default), None)
        return _actor(unit, country, date) if unit else _state_force(country, "Police", date)
    if kind in _FORCE_UNITS:
        if not country:
            return None
        branch, unit = _FORCE_UNITS[kind]
        return Actor(f"{_state_force(country, branch, date).name} {unit}", 1, country)
    if kind == "government":
        return government(country, date) if country else None
    if kind == "regime":
        return _state_force(country or _REGIME_COUNTRY, "Military", date)
    if kind == "coalition":
        lead = _COALITION_BY_COUNTRY.get(country or "", _COALITION_DEFAULT)
        actor = _state_force(lead, "Military", date)
        return Actor(actor.name, _inter_in(1, lead, country), lead)
    if kind == "islamists":
        name = _ISLAMISTS_BY_COUNTRY.get(country or "")
        return Actor(name, 3, country) if name else None
    if kind == "rebels":
        name = _REBELS_BY_COUNTRY.get(country or _REGIME_COUNTRY)
        return Actor(name, 2, country or _REGIME_COUNTRY) if name else None
    return None


# --- matching ----------------------------------------------------------------------------------
@lru_cache(maxsize=1 << 16)
def _candidates(token: str) -> tuple[tuple[str, int], ...]:
    """(index key, characters skipped) for a text token; only keys some alias starts with."""
    keys = _first_tokens()
    if not _is_arabic(token):
        return ((token, 0),) if token in keys else ()
    seen: dict[str, int] = {}
    for form, skip in _ar_forms(token):
        seen.setdefault(_strip_al(form), skip)
    return tuple((k, skip) for k, skip in seen.items() if k in keys)


@cache
def _first_tokens() -> frozenset[str]:
    return frozenset(first for first, _ in _index())


def _matches(text: str, toks: list[_Tok], i: int, alias: _Alias) -> bool:
    """Whether `alias` matches the tokens from i on (its first token is matched by key)."""
    n = len(alias.tokens)
    if i + n > len(toks):
        return False
    for k in range(n):
        tok = toks[i + k]
        if k and tok[0] != alias.tokens[k]:
            return False
        expected = alias.exact[k]
        if expected is not None and text[_tok_start(tok) : _tok_end(tok)] != expected:
            return False
    return True


@lru_cache(maxsize=4)
def _scan(text: str) -> tuple[tuple[int, int, _Alias], ...]:
    """(start, end, alias) of every leftmost-longest, non-overlapping alias match in `text`.

    Memoised for the last few texts: the coder finds an article's actors twice (for the
    country vote, then with the country known), and the scan does not depend on the country.
    """
    return tuple(_scan_text(text))


def _scan_text(text: str) -> Iterator[tuple[int, int, _Alias]]:
    toks = _text_tokens(text)
    index = _index()
    i = 0
    while i < len(toks):
        candidates = _candidates(toks[i][0])
        if not candidates:
            i += 1
            continue
        following = toks[i + 1][0] if i + 1 < len(toks) else None
        best: tuple[_Alias, int] | None = None
        for key, skip in candidates:
            for second in (following, None):
                for alias in index.get((key, second), ()):
                    if best and (len(alias.tokens), alias.length) <= (
                        len(best[0].tokens),
                        best[0].length,
                    ):
                        break  # sorted longest first: nothing better follows here
                    if _matches(text, toks, i, alias):
                        best = (alias, skip)
                        break
        if best is None:
            i += 1
            continue
        alias, skip = best
        last = toks[i + len(alias.tokens) - 1]
        yield _tok_start(toks[i], skip), _tok_end(last), alias
        i += len(alias.tokens)


_AGAINST_BEFORE = re.compile(r"\banti[- ]?$", re.IGNORECASE)
#: "military" or "army" describing a thing, not a force: "Turkish forces brought military
#: reinforcements", "a military operation by the PMF": the force is named elsewhere, and read
#: as the event country's army the word would take its place.
_GENERIC_KINDS_AS_ADJECTIVE = frozenset({"military"})
#: Generic words for a police unit: the unit where the dictionary has it for the event's
#: country (Brazil's), else the country's police.
_POLICE_UNITS: Final[dict[str, str]] = {
    "military_police": "Military Police",
    "civil_police": "Civil Police",
    "federal_police_unit": "Federal Police",
}
#: ... and units ACLED names in every country, after the force they belong to: a gendarmerie is
#: military, prison staff are police.
_FORCE_UNITS: Final[dict[str, tuple[str, str]]] = {
    "gendarmerie": ("Military", "Gendarmerie"),
    "prison_guards": ("Police", "Prison Guards"),
}
_FORCE_KINDS = frozenset({"military", "police", "government", *_POLICE_UNITS, *_FORCE_UNITS})
_WEAPONS_AFTER = re.compile(r"[-\s]+(?:grenades?|rifles?|weapons|ammunition|uniforms?)\b", re.IGNORECASE)
_FORMER_BEFORE = re.compile(r"\b(?:former|ex-|retired|off[- ]duty|unidentified|unknown)\s*$", re.IGNORECASE)
_OFF_DUTY_AFTER = re.compile(r"\s*,?\s+(?:who\s+(?:was|were)\s+)?off[- ]duty\b", re.IGNORECASE)
_THING_AFTER = re.compile(
    r"\s+(?:reinforcements?|vehicles?|convoys?|equipment|hardware|supplies|parades?|exercises?|"
    r"drills?|operations?|campaigns?|offensives?|build-?up|deployments?|hospitals?|courts?|"
    r"tribunals?|service|academy|uniforms?|trucks?|tanks?)\b",
    re.IGNORECASE,
)


def find_actors(
    text: str, language: str, country: str | None = None, date: dt.date | None = None
) -> list[ActorMention]:
    """All actor mentions in `text`, in text order; longest match wins, no overlaps.

    `country` is the event's country (ACLED spelling): it resolves generic words ("the army",
    "civilians", "gunmen") and makes foreign state forces external (8). `date`, when known,
    picks the period of state forces ("Police Forces of Kenya (2002-2013)" in 2008).
    `language` ("en", "ar") is informational: both scripts are matched in any text.
    """
    del language  # aliases are script-specific already; mixed texts need both
    out: list[ActorMention] = []
    for start, end, alias in _scan(text):
        if _AGAINST_BEFORE.search(text, max(0, start - 8), start):
            continue  # "anti-Houthi forces" are the Houthis' enemies, not the Houthis
        if alias.kind in _GENERIC_KINDS_AS_ADJECTIVE and _THING_AFTER.match(text, end):
            continue
        if alias.kind in _FORCE_KINDS and (
            _FORMER_BEFORE.search(text, max(0, start - 12), start) or _OFF_DUTY_AFTER.match(text, end)
        ):
            continue  # "a former military officer": a civilian; "an unknown military group": no force
        if alias.rows:
            actor: Actor | None = _actor(_pick(alias.rows, country), country, date)
        else:
            actor = _generic(alias.kind or "none", country, date)
        if actor is None:
            continue
        if actor.inter in (1, 8) and _WEAPONS_AFTER.match(text, end):
            continue  # "stolen Kenyan Army grenades", "in police uniforms": a force's things
        role = "victim" if alias.kind in _VICTIM_KINDS else None
        out.append(ActorMention(start, end, text[start:end], actor, role))
    if country:
        out = _with_numbered_units(out, text, country, date)
    return out


#: "the 22nd Armored Brigade", "the 35th brigade": a numbered unit is a state's (a rebel
#: group's units are named after the group, which the dictionary finds first).
_NUMBERED_UNIT = re.compile(
    r"\b\d+(?:st|nd|rd|th)\s+(?:[A-Z][\w-]+\s+){0,2}(?:[Bb]rigade|[Dd]ivision|[Bb]attalion|[Rr]egiment)\b"
)


def _with_numbered_units(
    found: list[ActorMention], text: str, country: str, date: dt.date | None
) -> list[ActorMention]:
    extra = [
        ActorMention(m.start(), m.end(), m.group(0), _state_force(country, "Military", date), None)
        for m in _NUMBERED_UNIT.finditer(text)
        if not any(f.start < m.end() and m.start() < f.end for f in found)
        and not any(f.end <= m.start() and m.start() - f.end <= 4 and f.actor.inter != 1 for f in found)
    ]
    return sorted([*found, *extra], key=lambda m: m.start) if extra else found


def government(country: str, date: dt.date | None = None) -> Actor:
    """ACLED's "Government of X (period)": the period is the one of the country's state forces
    on `date` (ACLED dates governments and their forces alike)."""
    force = _state_force(country, "Military", date)
    # "Military Forces of the Philippines (2016-2022)" -> "Government of the Philippines (2016-2022)"
    return Actor("Government of " + force.name.removeprefix("Military Forces of "), 1, country)


def is_government(actor: Actor) -> bool:
    return actor.name.startswith("Government of ")


def state_force(country: str, branch: str = "Police", date: dt.date | None = None) -> Actor:
    """The country's police ("Police") or military ("Military") in the period of `date`."""
    return _state_force(country, branch, date)


_CRIME_CUE = re.compile(
    r"\b(?:drugs?|cartels?|criminals?|criminal groups?|traffick\w*|narco\w*|gangs?|gangsters?|"
    r"extort\w*|cjng|executed|execution|tortur\w*|dismember\w*|kidnapp\w*|abduct\w*|"
    r"found dead|body|bodies)\b",
    re.IGNORECASE,
)


_GANG_SIGNATURE = re.compile(
    r"\b(?:drive-?by|threatening messages?|narco-?messages?|narcomantas?)\b", re.IGNORECASE
)


@cache
def _local_unidentified() -> dict[str, tuple[str, bool]]:
    """country -> (ACLED's local name for unnamed armed men attacking civilians, needs a crime cue)."""
    with UNIDENTIFIED_CSV.open(encoding="utf-8", newline="") as f:
        return {r["country"]: (r["name"], r["needs_crime_cue"] == "yes") for r in csv.DictReader(f)}


def local_unidentified(actor: Actor, victims: Actor | None, text: str) -> Actor:
    """ACLED's local name for unnamed armed men who attack civilians, where one is conventional.

    `datasets/unidentified_names.csv`: in Mexico an attack on civilians in a report of organised
    crime is an unidentified gang's, and so is any drive-by shooting or killing signed with a
    threatening message, whoever the target; in Brazil an unclaimed attack on civilians is coded
    to "Unidentified Gang and/or Police Militia". Anything else is returned unchanged.
    """
    generic = f"{_GENERIC_NAME['unidentified']} ({actor.country})"
    if actor.name != generic or actor.country is None:
        return actor
    rule = _local_unidentified().get(actor.country)
    if rule is None:
        return actor
    # a drive-by shooting or a threatening message left with the dead is organised crime's
    # signature, whoever the target (police included)
    signed = rule[1] and _GANG_SIGNATURE.search(text) is not None
    if not signed and (victims is None or victims.inter != 7 or (rule[1] and not _CRIME_CUE.search(text))):
        return actor
    return Actor(rule[0], actor.inter, actor.country)


def generic_actor(kind: str, country: str) -> Actor:
    """The generic actor of `kind` in `country`.

    kind: "civilians" -> Civilians (Syria), 7; "protesters" -> Protesters (Syria), 6;
    "rioters" -> Rioters (Syria), 5; "unidentified" -> Unidentified Armed Group (Syria), 3;
    "communal" -> Unidentified Communal Militia (Kenya), 4.
    """
    if kind not in _GENERIC_INTER:
        raise ValueError(f"unknown generic actor kind: {kind!r}")
    return Actor(f"{_GENERIC_NAME[kind]} ({country})", _GENERIC_INTER[kind], country)


# --- names -------------------------------------------------------------------------------------
def _compact(name: str) -> str:
    """Key insensitive to case, accents, punctuation, spacing, "al-" and "the"."""
    words = [w for w in name_key(name).split() if w not in _DROP_EN]
    key = "".join(words)
    return _strip_al(key) if key and _is_arabic(key) else key


@cache
def _name_index() -> tuple[dict[str, tuple[_Row, ...]], dict[str, tuple[_Row, ...]]]:
    """compact key -> rows, for row names and for aliases."""
    rows, aliases = _rows()
    names: dict[str, list[_Row]] = {}
    alias_map: dict[str, list[_Row]] = {}
    for row in rows:
        names.setdefault(_compact(row.name), []).append(row)
        for alias in aliases[row.name]:
            alias_map.setdefault(_compact(alias), []).append(row)
    return (
        {k: tuple(v) for k, v in names.items()},
        {k: tuple(v) for k, v in alias_map.items()},
    )


def _open_period_row(name: str) -> _Row | None:
    """Row of a name written with an open period by an older export.

    "Police Forces of Kenya (2013-)" was exported before 2022 closed the period: it is
    "Police Forces of Kenya (2013-2022)".
    """
    family, start, end = _period(name)
    if start is None or end is not None:
        return None
    key = _compact(family)
    for fam, rows in _families().items():
        if _compact(fam) == key:
            for row in rows:
                if row.start == start:
                    return row
    return None


@cache
def _renamings() -> dict[str, str]:
    """compact key of an old ACLED name -> the dictionary name that replaced it."""
    with RENAMINGS_CSV.open(encoding="utf-8", newline="") as f:
        return {_compact(r["old_name"]): r["new_name"] for r in csv.DictReader(f)}


def _row_of(name: str, country: str | None = None) -> _Row | None:
    key = _compact(name)
    if not key:
        return None
    names, aliases = _name_index()
    if key in names:
        return _pick(names[key], country)
    if key in aliases:
        return _pick(aliases[key], country)
    renamed = _renamings().get(key)
    if renamed is not None and _compact(renamed) in names:
        return _pick(names[_compact(renamed)], country)
    return _open_period_row(name)


def canonical_actor(name: str, country: str | None = None) -> str | None:
    """Dictionary name of any alias or spelling of an actor; None when unknown.

    Insensitive to case, accents, hyphens, apostrophes and "al-": "Hay'at Tahrir al-Sham",
    "HTS" and "hayat tahrir al sham" all give "HTS: Hayat Tahrir al Sham". Generic names are
    normalised too ("civilians (syria)" -> "Civilians (Syria)"). `country` picks among rows
    sharing an alias ("ISIS" -> "Islamic State (Iraq)" for Iraq).
    """
    row = _row_of(name, country)
    if row is not None:
        return row.name
    m = _GENERIC_PATTERN.match(name.strip())
    if m:
        kind = next(k for k, v in _GENERIC_NAME.items() if v.lower() == m["kind"].lower())
        return f"{_GENERIC_NAME[kind]} ({_country(m['country'])})"
    return None


def dictionary_actor(name: str, country: str | None = None, date: dt.date | None = None) -> Actor | None:
    """The dictionary actor of a name or alias, in the period in force on `date` and with the
    inter code it has in `country` (a state force abroad is external, 8); None when unknown."""
    row = _row_of(name, country)
    return _actor(row, country, date) if row is not None else None


def actor_key(name: str) -> str:
    """Comparison key for actor names: the canonical name if known, else name_key(name)."""
    return canonical_actor(name) or name_key(name)


def inter_of_name(name: str, country: str | None = None) -> int | None:
    """Inter code implied by an actor name; None when the name says nothing.

    "Protesters (...)" 6, "Rioters (...)" 5, "Civilians (...)" 7, "Unidentified Armed Group
    (...)" 3, "... Ethnic/Communal Militia (...)" 4, "Military/Police Forces of X ..." 1, or 8
    when `country` (the event's) is not X; dictionary actors by their code.
    """
    stripped = name.strip()
    m = _GENERIC_PATTERN.match(stripped)
    if m:
        kind = next(k for k, v in _GENERIC_NAME.items() if v.lower() == m["kind"].lower())
        return _GENERIC_INTER[kind]
    row = _row_of(stripped, country)
    if row is not None:
        return _inter_in(row.inter, row.country, country)
    state = _STATE_NAME.match(stripped)
    if state:
        return _inter_in(1, _country(state["country"]), country)
    if _ETHNIC_PATTERN.search(stripped):
        return 4
    return None
