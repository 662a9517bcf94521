"""Reported deaths in English and Arabic news text (codebook section 6).

`find_fatalities` lists every statement of a death count with its span in the original text;
`lowest_credible` reduces the mentions of one event to the codebook's conservative figure;
`parse_number` reads a number written in digits (ASCII or Arabic-Indic) or words.

Only deaths count: injuries ("wounded", "جرحى", "إصابة") never do. Matching runs on
`coder.textnorm` normalised text (Arabic letter variants folded, digits as ASCII) and spans are
mapped back to the original.

Project conventions, where the codebook leaves room:

- Ranges ("17 to 19", "بين 17 و19") give the lower bound; "at least 42", "more than 40",
  "أكثر من 650" give the stated number.
- Vague quantities take ACLED's stand-ins and are marked `vague`: "several", "many", "a number
  of", "عدة", "العديد", "عدد من" -> 10; "dozens", "scores", "عشرات" -> 12; "hundreds", "مئات"
  -> 100; "thousands", "آلاف" -> 1000; "a few", "بضعة" -> 3.
- Deaths with no number at all ("سقوط قتلى", "مقتل عناصر", an Arabic plural of the dead) are an
  "unknown number of fatalities", which ACLED codes as 10 (vague).
- Arabic "-ين" nouns such as "مدنيين" read as a dual (two) or a plural (three or more) without
  vowel marks: the lowest credible reading, 2, marked vague.
- A combined killed-and-wounded count ("قتل وأصيب أكثر من 10", "10 killed or wounded", "بين قتيل
  وجريح") is not a death count: it says at least one died. It gives 1 (vague) when the count is
  a number, and the unknown-number stand-in 10 (vague) when the count itself is vague.
- Subsets ("including 16 children", "بينهم ثلاثة أطفال", "among the dead") are not counts.
- One victim named by a singular noun with no number ("the pastor was killed", "Student shot
  dead", "killed him") is 1, marked vague: no number is stated, so a stated count of the same
  event wins over it.
- Explicit absence ("no casualties", "دون ورود أنباء عن ضحايا", "اقتصرت الأضرار على المادية") is a
  mention with count 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from coder.literal_gate import GatedPattern
from coder.textnorm import normalize, normalize_document

__all__ = ["FatalityMention", "find_fatalities", "is_motive", "lowest_credible", "parse_number"]


@dataclass(frozen=True)
class FatalityMention:
    """One statement of deaths; `start`/`end`/`text` cover the number and the death word."""

    start: int
    end: int
    text: str
    count: int
    vague: bool  # a stand-in number ("dozens" -> 12) or an unsure reading
    # a coder's note of the figure to code ("Fatalities coded as 0", "1 fatality split among 12
    # events", as ACLED notes carry them): it stands over every other mention
    coded: bool = False


# --- numbers --------------------------------------------------------------------------------------

_EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
             "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
             "eighteen", "nineteen"]  # fmt: skip
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
            "eighty": 80, "ninety": 90}  # fmt: skip
_EN_VAGUE = {
    "several": 10, "many": 10, "a number of": 10, "numerous": 10, "dozens": 12, "dozens of": 12,
    "scores": 12, "scores of": 12, "hundreds": 100, "hundreds of": 100, "thousands": 1000,
    "thousands of": 1000, "a few": 3, "few": 3, "an unknown number of": 10,
    "an unspecified number of": 10, "unknown number of": 10, "unspecified number of": 10,
}  # fmt: skip


def _en_words() -> dict[str, int]:
    """English number words 1..999 as written in news: "forty-two", "a hundred", "a dozen"."""
    out: dict[str, int] = {w: i for i, w in enumerate(_EN_UNITS) if i}
    for word, value in _EN_TENS.items():
        out[word] = value
        for unit in range(1, 10):
            out[f"{word}-{_EN_UNITS[unit]}"] = value + unit
            out[f"{word} {_EN_UNITS[unit]}"] = value + unit
    for unit in range(1, 10):
        out[f"{_EN_UNITS[unit]} hundred"] = unit * 100
    out.update({"a": 1, "an": 1, "a dozen": 12, "a hundred": 100, "one hundred": 100,
                "a thousand": 1000, "one thousand": 1000})  # fmt: skip
    return out


_EN_NUMBERS = _en_words()

# Arabic numerals are written as people write them and normalised once, like the text.
_AR_UNIT_FORMS: dict[int, list[str]] = {
    1: ["واحد", "واحدة"], 2: ["اثنان", "اثنين", "اثنتان", "اثنتين", "إثنان", "إثنين"],
    3: ["ثلاث", "ثلاثة"], 4: ["أربع", "أربعة"], 5: ["خمس", "خمسة"], 6: ["ست", "ستة"],
    7: ["سبع", "سبعة"], 8: ["ثماني", "ثمانية", "ثمان"], 9: ["تسع", "تسعة"], 10: ["عشر", "عشرة"],
}  # fmt: skip
_AR_TENS_FORMS: dict[int, list[str]] = {
    20: ["عشرون", "عشرين"], 30: ["ثلاثون", "ثلاثين"], 40: ["أربعون", "أربعين"],
    50: ["خمسون", "خمسين"], 60: ["ستون", "ستين"], 70: ["سبعون", "سبعين"],
    80: ["ثمانون", "ثمانين"], 90: ["تسعون", "تسعين"],
}  # fmt: skip
_AR_VAGUE_WORDS: dict[str, int] = {
    "عشرات": 12, "العشرات": 12, "مئات": 100, "المئات": 100, "آلاف": 1000,
    "الآلاف": 1000, "عدة": 10, "العديد من": 10, "العديد": 10, "عدد من": 10, "بضعة": 3, "بضع": 3,
}  # fmt: skip


def _ar_words() -> dict[str, int]:
    """Arabic number words 1..99, the hundreds and thousands, in normalised form."""
    out: dict[str, int] = {}
    for value, forms in _AR_UNIT_FORMS.items():
        for form in forms:
            out[form] = value
    for form in ("أحد عشر", "احد عشر", "إحدى عشرة", "احدى عشرة", "أحد عشرة"):
        out[form] = 11
    for form in ("اثنا عشر", "اثني عشر", "اثنتا عشرة", "اثنتي عشرة"):
        out[form] = 12
    for value in range(3, 10):
        for form in _AR_UNIT_FORMS[value]:
            out[f"{form} عشر"] = 10 + value
            out[f"{form} عشرة"] = 10 + value
    for tens, tens_forms in _AR_TENS_FORMS.items():
        for tens_form in tens_forms:
            out[tens_form] = tens
            for unit in range(1, 10):
                for unit_form in _AR_UNIT_FORMS[unit] + (["أحد", "إحدى"] if unit == 1 else []):
                    out[f"{unit_form} و{tens_form}"] = tens + unit
    for form in ("مئة", "مائة"):
        out[form] = 100
        for unit in range(3, 10):
            for unit_form in _AR_UNIT_FORMS[unit][:1]:
                out[f"{unit_form}{form}"] = unit * 100
                out[f"{unit_form} {form}"] = unit * 100
    for form in ("مئتان", "مئتين", "مائتان", "مائتين"):
        out[form] = 200
    for form in ("ألف", "ألفا"):
        out[form] = 1000
    for form in ("ألفان", "ألفين"):
        out[form] = 2000
    return {normalize(k): v for k, v in out.items()}


_AR_NUMBERS = _ar_words()
_AR_VAGUE = {normalize(k): v for k, v in _AR_VAGUE_WORDS.items()}

_EN_QUALIFIER = re.compile(
    r"^(?:at least|more than|over|nearly|almost|about|around|some|up to|as many as|an estimated|"
    r"approximately|roughly|no fewer than|no less than|not less than|fewer than|less than|"
    r"a total of|at most|between|either|the)\s+"
)
_AR_QUALIFIER = re.compile(
    normalize(
        r"^(?:أكثر من|ما لا يقل عن|لا يقل عن|ما يزيد عن|ما يزيد على|يزيد عن|نحو|حوالي|قرابة|زهاء|"
        r"ما يقارب|أقل من|بين|ال)\s*"
    )
)
# On normalised text: "إلى" is "الي", "أو" is "او", dashes are "-".
_RANGE = re.compile(r"^(?P<a>.+?)\s*(?:-|to|and|or|الي|او|و)\s*(?P<b>\S.*)$")


def _single(text: str, language: str) -> tuple[int, bool] | None:
    """One number (no range): digits, number words or a vague quantity; (value, vague)."""
    text = text.strip()
    digits = text.replace(",", "")
    if digits.isdigit():
        return int(digits), False
    words, vague = (_AR_NUMBERS, _AR_VAGUE) if language == "ar" else (_EN_NUMBERS, _EN_VAGUE)
    if text in words:
        return words[text], False
    if text in vague:
        return vague[text], True
    other = _EN_NUMBERS if language == "ar" else _AR_NUMBERS
    if text in other:
        return other[text], False
    return None


def _number(text: str, language: str) -> tuple[int, bool] | None:
    """A number phrase with qualifiers and ranges, as (lowest value, vague)."""
    text = normalize(text)
    qualifier = _AR_QUALIFIER if language == "ar" else _EN_QUALIFIER
    while m := qualifier.match(text):
        if m.end() == len(text):
            break
        text = text[m.end() :]
    whole = _single(text, language)
    if whole is not None:
        return whole
    m = _RANGE.match(text)
    if m:
        a, b = _number(m["a"], language), _number(m["b"], language)
        if a is not None and b is not None:
            return min(a[0], b[0]), a[1] or b[1]
    return None


def parse_number(text: str, language: str) -> int | None:
    """Read a number: "42", "٤٢", "1,200", "forty-two", "three", "ثلاثة", "ستة", "عشرات" (12),
    "at least 42" (42), "17 to 19" (17, the lowest). None when `text` is not a number."""
    found = _number(text, language)
    return found[0] if found else None


# --- patterns -------------------------------------------------------------------------------------


def _alt(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _nalt(words: str) -> str:
    """Alternation of "|"-separated Arabic words written naturally, normalised like the text."""
    return _alt(normalize(w) for w in words.split("|"))


_B = r"(?<!\w)"
_E = r"(?!\w)"
_AB = r"(?:(?<!\w)|(?<=(?<!\w)[وفبل]))"  # Arabic clitic و/ف/ب/ل may precede, outside the span

_EN_Q = (r"(?:at least|more than|over|nearly|almost|about|around|some|up to|as many as|an estimated|"
         r"approximately|roughly|no fewer than|no less than|not less than|a total of|either)")  # fmt: skip
_EN_ONE = rf"(?:\d+(?:,\d{{3}})*|{_alt(_EN_VAGUE)}|{_alt(_EN_NUMBERS)})"  # "a number of" before "a"
_EN_DIGITS_OR_WORD = rf"(?:\d+(?:,\d{{3}})*|{_alt(k for k in _EN_NUMBERS if len(k) > 2)})"
_EN_NUM = (rf"(?:{_EN_Q}\s+)?(?:between\s+)?{_EN_ONE}"
           rf"(?:\s*(?:-|to|and|or)\s*{_EN_DIGITS_OR_WORD}(?!\s+(?:wounded|injured|hurt)))?")  # fmt: skip
_EN_DEATH_AFTER = (r"(?:killed|dead|died|dies|slain|shot dead|perished|lost their lives|executed|murdered|"
                   r"beheaded|deaths|fatalities|fatality|bodies|corpses|shot to death|lynched|"
                   r"hacked to death|beaten to death|stoned to death|burnt to death|burned to death|"
                   r"stabbed to death|speared to death|clubbed to death|axed to death|"
                   r"gunned down|fatally shot|fatally stabbed|fatally assaulted|"
                   r"fatally wounded|fatally injured)")  # fmt: skip
# An active verb followed by its object: the number before it counts the killers, not the dead
# ("Three militants shot dead a driver").
_EN_OBJECT_AFTER = r"(?!\s+(?:a|an|the|one|his|her|their|two|three|four|five|\d+)\b)"
_EN_STOP = (r"(?:wounded|injured|hurt|injuries|injury|killed|killing|dead|died|deaths|that|which|who|"
            r"whom|when|where|"
            r"after|before|while|but|since|than|days?|hours?|weeks?|months?|years?|ago|times|"
            r"percent|km|kilometers|miles|meters|january|february|march|april|may|june|july|"
            r"august|september|october|november|december|monday|tuesday|wednesday|thursday|"
            r"friday|saturday|sunday)")  # fmt: skip
_EN_AUX = (r"(?:(?:were|was|have|has|had|been|are|is|reportedly|also|all|later|being|got|feared|believed|"
           r"confirmed)\s+)")  # fmt: skip
#: one group of dead in a list: a number and up to four words naming them
_EN_GROUP = (rf"{_EN_DIGITS_OR_WORD}(?:\s+(?!(?:{_EN_STOP}|and|among|were|was|are|is|have|has|had|been|"
             rf"{_EN_DIGITS_OR_WORD}){_E})[a-z'-]+){{1,4}}")  # fmt: skip
_EN_GROUP_NUM = re.compile(rf"(?<![\w-]){_EN_DIGITS_OR_WORD}(?![\w-])")

_AR_Q = _nalt("أكثر من|ما لا يقل عن|لا يقل عن|ما يزيد عن|ما يزيد على|نحو|حوالي|قرابة|زهاء|ما يقارب|أقل من")
_AR_ONE = rf"(?:\d+(?:,\d{{3}})*|{_alt(_AR_NUMBERS)}|{_alt(_AR_VAGUE)})"
_AR_NUM = (rf"(?:(?:{_AR_Q})\s+)?(?:بين\s+)?{_AR_ONE}(?:\s*(?:-|الي|او|و)\s*"
           rf"(?:\d+|{_alt(_AR_NUMBERS)}){_E})?")  # fmt: skip

_AR_DEATH_EVENT = _nalt(
    "مقتل|قتل|استشهاد|استشهد|استشهدت|ارتقاء|ارتقى|ارتقت|مصرع|وفاة|توفي|توفيت|إعدام|أعدم|تصفية|"
    "اغتيال|تقتل|يقتل|قتلت|قتلوا|سقوط|وقوع"
)
_AR_INJURY = _nalt("جرح|إصابة|اصابة|أصيب|أصيبت|جرحى|جريح|إصابات|مصاب|مصابين")
# Nouns for the dead, by grammatical number.
_AR_DEAD_ONE = _nalt("قتيل|قتيلا|شهيد|شهيدا|ضحية|جثة|جثمان")
_AR_DEAD_TWO = _nalt("قتيلان|قتيلين|شهيدان|شهيدين|ضحيتان|ضحيتين|جثتان|جثتين")
_AR_DEAD_MANY = _nalt("قتلى|شهداء|ضحايا|جثث")


def _nwords(words: str) -> list[str]:
    """ "|"-separated Arabic words written naturally, normalised like the text."""
    return [normalize(w) for w in words.split("|")]


def _nset(words: str) -> set[str]:
    return set(_nwords(words))


# Victim nouns after "مقتل"/"استشهاد"...: singular -> 1, dual -> 2, plural -> unknown number.
_AR_SINGULAR = _nwords(
    "مدني|شخص|طفل|طفلة|امرأة|سيدة|رجل|شاب|فتاة|فتى|مسن|مسنة|عنصر|مقاتل|جندي|عسكري|"
    "ضابط|قيادي|مواطن|مواطنة|عامل|صحفي|ناشط|مسلح|قائد|شرطي|مزارع|راعي|سائق|ممرض|طبيب|"
    "معلم|مدير|مسعف|متطوع|نازح|لاجئ|مختار|قاض|إعلامي|مصور|مراسل|عنصرا|مدنيا|شخصا|طفلا|"
    "جنديا|مقاتلا"
)
# Sound plurals in "-ين": the same letters as the oblique dual.
_AR_SOUND_PLURAL = _nset(
    "مدني|عسكري|مقاتل|مواطن|مسلح|ناشط|مزارع|قيادي|صحفي|مسعف|ممرض|معلم|سائق|متطوع|نازح|"
    "إعلامي|مصور|مراسل|مدير|عامل"
)
_AR_PLURAL = _nset(
    "أشخاص|أطفال|نساء|رجال|شبان|عناصر|جنود|ضباط|مواطنين|عمال|أفراد|سكان|أهالي|مقاتلين|"
    "مدنيين|مسلحين|عسكريين|قياديين|ناشطين|صحفيين|قادة|مدنيون|عسكريون|مقاتلون|أبرياء"
) - {s + normalize("ين") for s in _AR_SOUND_PLURAL}


def _ar_noun_count(noun: str) -> tuple[int, bool] | None:
    """Deaths implied by the victim noun alone: (count, vague), None when it says nothing."""
    noun = noun.removeprefix(normalize("ال")) if len(noun) > 4 else noun
    if noun in _AR_SINGULAR:
        return 1, False
    if noun.endswith("ين") and noun[:-2] in _AR_SOUND_PLURAL:
        return 2, True  # dual or plural: the lowest credible reading
    if noun in _AR_PLURAL:
        return 10, True
    for suffix in ("ين", "ان"):
        stem = noun.removesuffix(suffix)
        feminine = stem.endswith("ت") and stem[:-1] + "ه" in _AR_SINGULAR  # "امرأتين"
        if stem != noun and (stem in _AR_SINGULAR or feminine):
            return 2, False
    return None


# --- matching -------------------------------------------------------------------------------------

_Build = Callable[[re.Match[str]], "tuple[int, bool] | None"]


@dataclass(frozen=True)
class _Pattern:
    regex: GatedPattern
    build: _Build


def _combined(count: tuple[int, bool] | None) -> tuple[int, bool]:
    """A killed-and-wounded count: at least one death; unknown number if the count is vague."""
    if count is None or count[1]:
        return 10, True
    return 1, True


def _en_num(m: re.Match[str]) -> tuple[int, bool] | None:
    return _number(m["num"], "en")


def _ar_num(m: re.Match[str]) -> tuple[int, bool] | None:
    return _number(m["num"], "ar")


def _en_num_first(m: re.Match[str]) -> tuple[int, bool] | None:
    """ "42 civilians were killed"; not "a firearm shot in the head and the bodies" (one, then plural)."""
    if m["num"] in ("a", "an") and m["death"] in ("deaths", "fatalities", "bodies", "corpses"):
        return None
    return _en_num(m)


def _en_sum(m: re.Match[str]) -> tuple[int, bool] | None:
    a, b = _number(m["num"], "en"), _number(m["num2"], "en")
    if a is None or b is None:
        return None
    return a[0] + b[0], a[1] or b[1]


def _en_combined(m: re.Match[str]) -> tuple[int, bool] | None:
    # "killed or injured": none of them need have died, and the lowest credible figure is 0
    return (0, False) if m["conj"] == "or" else _combined(_en_num(m))


def _ar_num_or_one(m: re.Match[str]) -> tuple[int, bool] | None:
    return _ar_num(m) if m["num"] else (1, False)


def _ar_event(m: re.Match[str]) -> tuple[int, bool] | None:
    """ "مقتل ستة مدنيين", "استشهاد مدني", "قتل مدنيان", "قتل وأصيب أكثر من 10"."""
    count = _ar_num(m) if m["num"] else None
    if m["num"] is None:
        noun = m["noun"] or ""
        count = _ar_noun_count(noun) if noun else None
        if count is None and m["dead"]:
            count = _ar_dead_count(m["dead"])
    if m["comb"]:
        return _combined(count)
    if m["death"] in (normalize("سقوط"), normalize("وقوع")) and not (m["dead"] or m["num"]):
        return None  # "the fall of the city", not a death
    return count


def _ar_dead_count(noun: str) -> tuple[int, bool]:
    if re.fullmatch(_AR_DEAD_ONE, noun):
        return 1, False
    if re.fullmatch(_AR_DEAD_TWO, noun):
        return 2, False
    return 10, True


def _ar_dead(m: re.Match[str]) -> tuple[int, bool] | None:
    """ "٣ شهداء", "عشرات القتلى", "6 قتلى وجرحى"."""
    count = _ar_num(m)
    return _combined(count) if m["comb"] else count


_ZERO: _Build = lambda m: (0, False)  # noqa: E731
_TWO: _Build = lambda m: (2, False)  # noqa: E731
_ONE: _Build = lambda m: (1, False)  # noqa: E731


def _p(pattern: str, build: _Build) -> _Pattern:
    return _Pattern(GatedPattern.compile(pattern), build)


# One person named by a singular noun, with no number: "a 70-year old man is killed", "Pastor
# killed", "the man later died", "mob kills elder", "killed him". At least one death; marked vague
# (no number is stated) so a stated count elsewhere in the event is not lowered to 1.
_EN_PERSON = (
    "(?:"
    + _alt(
        [
            "man",
            "woman",
            "person",
            "boy",
            "girl",
            "child",
            "baby",
            "student",
            "pupil",
            "teacher",
            "pastor",
            "priest",
            "imam",
            "cleric",
            "elder",
            "chief",
            "farmer",
            "herder",
            "herdsman",
            "trader",
            "businessman",
            "driver",
            "villager",
            "resident",
            "civilian",
            "officer",
            "policeman",
            "policewoman",
            "soldier",
            "reservist",
            "guard",
            "suspect",
            "mca",
            "councillor",
            "politician",
            "journalist",
            "worker",
            "doctor",
            "nurse",
            "commander",
            "leader",
            "member",
            "fisherman",
            "youth",
            "teenager",
            "motorist",
            "rider",
            "husband",
            "wife",
            "son",
            "daughter",
            "mother",
            "father",
            "brother",
            "sister",
            "relative",
            "other",
            "activist",
            "official",
            "candidate",
            "owner",
            "colonel",
            "general",
            "captain",
            "lieutenant",
            "sergeant",
            "chairman",
            "headman",
            "shopkeeper",
            "vendor",
            "employee",
            "pedestrian",
            "passenger",
            "criminal",
            "thief",
            "robber",
            "militant",
            "fighter",
            "gunman",
            "attacker",
            "aide",
            "mp",
            "lawyer",
            "attorney",
            "senator",
            "director",
            "manager",
            "environmentalist",
            "aspirant",
            "photographer",
            "reporter",
            "detective",
            "constable",
            "insurgent",
            "rebel",
            "raider",
            "rustler",
            "bandit",
            "gangster",
            "prisoner",
            "inmate",
            "spokesman",
            "sheikh",
            "preacher",
            "warder",
            "warden",
            "ranger",
            "hawker",
            "labourer",
            "laborer",
            "agent",
            "representative",
            "missionary",
            "engineer",
            "contractor",
            "operator",
            "conductor",
            "watchman",
            "administrator",
        ]
    )
    + ")"
)
_EN_SINGLE_DEATH = (
    r"(?:killed|shot dead|shot and killed|dies|died|murdered|assassinated|lynched|hacked to death|"
    r"stabbed to death|beaten to death|stoned to death|burnt to death|burned to death|tortured to death|"
    r"found dead|found killed|succumbed|speared to death|clubbed to death|shot to death)"
)
_ONE_IMPLIED: _Build = lambda m: (1, True)  # noqa: E731


def _one_named(m: re.Match[str]) -> tuple[int, bool] | None:
    """The number among the words before "to death" ("two suspects"), else one victim."""
    for word in m["who"].split():
        if word.isdigit() or (word in _EN_NUMBERS and word not in ("a", "an", "one")) or word in _EN_VAGUE:
            return _number(word, "en")  # "burnt two suspects to death"
    return 1, True


# "killed her" as the victim, not "killed her husband"
_HER_END = r"\s*(?:[,.;:)]|$|(?:and|in|at|on|after|before|with|over|because|for|near|outside)\b)"


_EN_PATTERNS: list[_Pattern] = [
    _p(
        rf"{_B}(?:no\s+(?:reported\s+)?(?:casualties|deaths|fatalities|loss of life|injuries)|"
        rf"without\s+(?:any\s+)?casualties|no\s+reports?\s+of\s+(?:casualties|deaths|fatalities|injuries)|"
        rf"(?:nobody|no one|no-one|none)\s+(?:was|were)\s+(?:reportedly\s+)?(?:killed|hurt|injured))"
        rf"{_E}",
        _ZERO,
    ),
    # number first: "42 civilians were killed", "17 to 19 people died", "dozens killed"
    _p(
        rf"{_B}(?P<num>{_EN_NUM})(?:\s+(?!(?:{_EN_STOP}|{_EN_DIGITS_OR_WORD}){_E})[a-z'-]+){{0,8}}?"
        # "three herders (out of a group of seven) were killed"
        rf"(?:\s*\([^()]{{0,60}}\))?"
        # "eight people, including four children, were killed"; the commas are often left out
        rf"(?:\s*,\s*(?:including|among them|among whom)[^.;:]{{0,80}}?,|"
        rf"\s+including\s(?:(?!\b(?:were|was|are|is|and\s+one)\b)[^.;:,]){{0,80}}?"
        rf"(?=\s+{_EN_AUX}{{1,4}}(?:{_EN_DEATH_AFTER}){_E}))?\s+{_EN_AUX}{{0,4}}"
        rf"(?<!among the )(?<!among )(?P<death>{_EN_DEATH_AFTER}){_E}{_EN_OBJECT_AFTER}"
        rf"(?!\s*(?:or|and|,)\s*(?:wounded|injured|hurt))",
        _en_num_first,
    ),
    _p(
        rf"{_B}(?P<num>{_EN_NUM})\s+(?:people\s+|civilians\s+)?(?:were\s+)?(?:killed|dead)\s*(?P<conj>or|and|,)\s*"
        rf"(?:wounded|injured|hurt){_E}",
        _en_combined,
    ),
    # verb first: "killed at least 42 civilians", "killing two"
    _p(
        rf"{_B}(?:killed|killing|kills|(?<!to )(?<!not )(?<!never )kill|shot dead|shooting dead|shoots? dead|"
        rf"gunned down|stoned to death|burnt to death|burned to death|beaten to death|hacked to death|"
        rf"stabbed to death|shot and killed|shoots? and kills?|claimed the lives of|took the lives of|"
        rf"beheaded|beheading|beheads)\s+"
        rf"(?:(?:his|her|their|the)\s+)?(?P<num>{_EN_NUM})"
        rf"(?=[\s,.;:)]|$)",
        _en_num,
    ),
    _p(
        rf"{_B}(?:killed|killing)\s+(?P<conj>or|and)\s+(?:wounded|injured|wounding|injuring)\s+"
        rf"(?P<num>{_EN_NUM}){_E}",
        _en_combined,
    ),
    # two groups of dead: "killing three civilians and five police" -> 8
    _p(
        rf"{_B}(?:killed|killing|kills)\s+(?P<num>{_EN_NUM})\s+(?:[a-z'-]+\s+){{1,3}}?and\s+"
        rf"(?P<num2>{_EN_NUM})\s+(?!{_EN_STOP}{_E})[a-z'-]+",
        _en_sum,
    ),
    # a single victim after an active verb: "gunmen shot dead a farmer", "lynched an armed robber"
    _p(
        rf"{_B}(?:killed|killing|kills|shot dead|shooting dead|shoots? dead|shot and killed|lynched|"
        rf"lynching|lynches|(?<!to )lynch|hacked to death|beat to death|beaten to death|stabbed to death|"
        rf"murdered|executed|beheaded|assassinated|assassinating|assassinates)\s+"
        rf"(?:a|an|one)\s+(?!number\b|few\b|total\b)",
        _ONE,
    ),
    # the victim between the verb and "to death": "stabbed a man to death", "hacked two elders to death"
    _p(
        rf"{_B}(?:stabbed|beat|hacked|stoned|clubbed|burnt|burned|tortured|speared)\s+"
        rf"(?:(?:a|an|one)|(?P<num>{_EN_NUM}))\s+[a-z-]+(?:\s+[a-z-]+)?\s+to\s+death{_E}",
        lambda m: _en_num(m) if m["num"] else (1, True),
    ),
    # a single victim before a passive verb with no number: "is lynched", "was hacked to death"
    _p(
        rf"{_B}(?:is|was)\s+(?:reportedly\s+)?"
        # "was on Sunday night lynched"
        rf"(?:on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
        rf"(?:\s+(?:night|morning|evening|afternoon))?\s+)?"
        rf"(?<!nearly )(?<!almost )(?:lynched|hacked to death|beaten to death|stoned to death){_E}",
        _ONE,
    ),
    # "the suspects were lynched": at least one, a number stated elsewhere counts over it
    _p(
        rf"{_B}(?:were|are)\s+(?:reportedly\s+)?(?<!nearly )(?<!almost )"
        rf"(?:lynched|hacked to death|beaten to death|stoned to death){_E}",
        _ONE_IMPLIED,
    ),
    # ... after another deed: "was dragged from his shop by a crowd and beaten to death"
    _p(
        rf"{_B}(?:is|was)\s+[a-z]+ed\b[^.;]{{0,80}}?\s+and\s+(?:then\s+)?(?:lynched|hacked to death|"
        rf"beaten to death|stoned to death|burnt to death|burned to death|stabbed to death){_E}",
        _ONE,
    ),
    # the toll: "put the death toll at 19", "the death toll rose to 19"
    _p(
        rf"{_B}(?:death toll|toll|number of (?:dead|deaths|fatalities|those killed))"
        rf"(?:\s+[a-z'-]+){{0,6}}?\s+(?:at|to|of|is|was|reached|hit)\s+(?P<num>{_EN_NUM}){_E}",
        _en_num,
    ),
    _p(rf"{_B}(?:the\s+)?(?:bodies|corpses)\s+of\s+(?P<num>{_EN_NUM}){_E}", _en_num),
    _p(rf"{_B}(?:the\s+)?(?:body|corpse)\s+of\s+(?:a|an|one){_E}", _ONE),
    # a singular victim with no number: "the commander was killed"
    _p(
        rf"{_B}(?:was|has been|had been)\s+"
        rf"(?:(?!not\b|never\b|nearly\b|almost\b|that\b)[a-z'-]+\s+){{0,3}}?"
        rf"(?:killed|shot dead|slain|executed|murdered|beheaded|found dead|assassinated)"
        rf"{_E}{_EN_OBJECT_AFTER}",
        _ONE,
    ),
    # "leading to the death of a civilian", "resulting in his death", "fatally shot the leader"
    _p(
        rf"{_B}(?:leading to|led to|resulting in|resulted in|causing|caused)\s+(?:the\s+death\s+of\s+"
        rf"(?:a|an|one|the|his|her)|(?:his|her)\s+death){_E}",
        _ONE,
    ),
    _p(rf"{_B}fatally\s+(?:shot|stabbed|wounded|injured|assaulted)\s+(?:a|an|one|the|his|her){_E}", _ONE),
    _p(
        rf"{_B}(?:{_EN_PERSON}\s+(?:(?:is|was|has been|had been|got)\s+)?|(?:he|she)\s+(?:is|was|has been|"
        rf"had been|got)\s+)(?:reportedly\s+|later\s+|allegedly\s+)?{_EN_SINGLE_DEATH}{_E}",
        _ONE_IMPLIED,
    ),
    # "a burnt man's body is discovered", "causes the death of one"
    _p(
        rf"{_B}{_EN_PERSON}(?:'s|s'|s)?\s+(?:body|corpse)\s+(?:is|was|has been)\s+(?:found|discovered)",
        _ONE_IMPLIED,
    ),
    _p(
        rf"{_B}(?:the\s+)?deaths?\s+of\s+(?P<num>{_EN_NUM})(?=\s*(?:[,.;:)]|$|and\b|people\b|persons?\b))",
        _en_num,
    ),
    # "burnt 28-year-old Antony Kariuki to death": one named victim, no number
    _p(
        rf"{_B}(?:tortured|beaten|beat|hacked|stabbed|burnt|burned|stoned|clubbed)\s+"
        rf"(?P<who>(?:[\w'-]+\s+){{1,4}}?)to death{_E}",
        _one_named,
    ),
    _p(
        rf"{_B}(?:killed|killing|kills|lynches|lynched|lynching|assassinated|assassinates|"
        rf"assassinating|shoots? and kills?|shot and killed|(?<!to )(?<!not )(?<!never )kill)\s+"
        rf"(?:him|her(?={_HER_END})|(?:(?:the|his|her|their)\s+)?"
        rf"(?:(?!and\b|or\b|{_EN_DIGITS_OR_WORD}{_E})[a-z'-]+\s+){{0,2}}?{_EN_PERSON}(?!['’]s{_E})){_E}",
        _ONE_IMPLIED,
    ),
    # "was kidnapped, murdered and buried", "was shot in the forehead and died", "he died"
    _p(
        rf"{_B}{_EN_PERSON}\s+(?:is|was|has been|had been)\s+(?:[a-z'-]+(?:,|\s+and)\s+){{1,3}}?"
        rf"{_EN_SINGLE_DEATH}{_E}",
        _ONE_IMPLIED,
    ),
    _p(
        rf"{_B}(?:{_EN_PERSON}|he|she)\s+(?:is|was)\s+(?:shot|stabbed|attacked|hit|struck|injured|"
        rf"wounded|hacked|beaten|assaulted|run over)(?:\s+[a-z'-]+){{0,6}}?\s+and\s+(?:later\s+)?"
        rf"(?:died|succumbed){_E}",
        _ONE_IMPLIED,
    ),
    _p(
        rf"{_B}(?:he|she)\s+(?:later\s+|subsequently\s+|eventually\s+)?(?:died|succumbed|was killed)"
        rf"(?!\s+(?:in|during)\s+(?:19|20)\d\d){_E}",
        _ONE_IMPLIED,
    ),
    # "leaving him dead", "police shoot a bandit suspect dead", "one gang member, who died later"
    _p(rf"{_B}leaving\s+(?:him|her)\s+(?:dead|killed){_E}", _ONE_IMPLIED),
    _p(
        rf"{_B}(?:shot|shoots?|shooting)\s+(?:(?:a|an|one|the)\s+)?(?:[\w'-]+\s+){{0,3}}?{_EN_PERSON}\s+dead{_E}",
        _ONE_IMPLIED,
    ),
    _p(rf"{_B}{_EN_PERSON},\s+who\s+(?:later\s+)?(?:died|succumbed){_E}", _ONE_IMPLIED),
    # "information on fatalities ranges from 1 to 2": the lowest
    _p(
        rf"{_B}(?:fatalities|deaths|death toll)\s+(?:range|ranges|ranging|varies|vary)\s+from\s+"
        rf"(?P<num>{_EN_NUM}){_E}",
        _en_num,
    ),
    # "13 were shot, 1 of whom was killed"
    _p(
        rf"{_B}(?P<num>{_EN_NUM})\s+of\s+(?:whom|them)\s+(?:(?:was|were|later|reportedly)\s+){{0,2}}"
        rf"(?:killed|died|dead|shot dead|succumbed){_E}",
        _en_num,
    ),
    # "1 death reported", "one fatality"
    _p(
        rf"{_B}(?P<num>{_EN_NUM})\s+(?:death|fatality)(?!\s+(?:sentences?|penalty|threats?|row|squad|toll)){_E}",
        _en_num,
    ),
    _p(
        rf"{_B}(?:tortured|beaten|beat|hacked|stabbed|burnt|burned|stoned)\s+(?:a|an|one|the)\s+"
        rf"(?:[a-z'-]+\s+){{0,3}}?{_EN_PERSON}\s+to death{_E}",
        _ONE_IMPLIED,
    ),
]

_EN_PARTS = (
    r"(?:split|spread|divided)\s+(?:up\s+)?(?:evenly\s+)?(?:between|among|across|over)\s+(?P<parts>\w+)"
)


def _en_share(m: re.Match[str]) -> tuple[int, bool] | None:
    """A figure a note says was coded, divided by the events it was split across (rounded down)."""
    count = _en_num(m)
    parts = _number(m["parts"], "en") if m["parts"] else (1, False)
    if count is None or parts is None or parts[0] < 1:
        return None
    return count[0] // parts[0], False


# Codebook section 6: a total for several events is split across them, without inflating.
_EN_CODED: list[_Pattern] = [
    _p(
        rf"{_B}(?:fatalities|fatality|deaths)\s+(?:were\s+|are\s+|was\s+|is\s+)?coded\s+as\s+"
        rf"(?P<num>{_EN_NUM})(?:[^.;\]]{{0,30}}?{_EN_PARTS})?{_E}",
        _en_share,
    ),
    _p(rf"{_B}(?P<num>{_EN_NUM})\s+(?:fatalities|fatality|deaths?)\s+{_EN_PARTS}{_E}", _en_share),
    # a note's own field: "FATALITIES: 2 - ACTORS NOT SPECIFIED"
    _p(rf"{_B}fatalities\s*[:=]\s*(?P<num>\d+){_E}", _en_num),
]

_AR_COMB = rf"(?P<comb>\s*و\s*(?:{_AR_INJURY}){_E})"
_AR_PATTERNS: list[_Pattern] = [
    _p(
        normalize(
            rf"{_AB}(?:(?:دون|بدون|من دون|لم|ولم|ولا|لا)\s+(?:\w+\s+){{0,4}}?(?:إصابات|ضحايا|خسائر بشرية|"
            rf"قتلى|أضرار بشرية|إصابات بشرية)|اقتصرت\s+(?:ال)?أضرار\s+على\s+(?:ال)?(?:مادية|ماديات))"
        )
        + _E,
        _ZERO,
    ),
    # "مقتل ستة مدنيين", "استشهاد مدني", "قتل مدنيان", "قتل وأصيب أكثر من 10 مدنيين",
    # "سقوط قتلى", "ارتقاء ٣ شهداء"
    _p(
        rf"{_AB}(?P<death>{_AR_DEATH_EVENT}){_E}{_AR_COMB}?\s+"
        rf"(?:(?P<num>{_AR_NUM})(?:\s+(?:من\s+)?(?:ال)?(?P<noun2>\w+))?|(?:ال)?(?P<dead>{_AR_DEAD_TWO}|"
        rf"{_AR_DEAD_ONE}|{_AR_DEAD_MANY}){_E}|(?P<noun>(?:ال)?\w+))",
        _ar_event,
    ),
    # number first: "٣ شهداء", "عشرات القتلى", "6 قتلى وجرحى"
    _p(
        rf"{_AB}(?P<num>{_AR_NUM})\s+(?:من\s+)?(?:ال)?(?:{_AR_DEAD_MANY}|{_AR_DEAD_ONE}){_E}"
        rf"(?:\s*(?:ال)?\w+)??(?P<comb>\s*و\s*(?:ال)?(?:جرحى|جريح|مصابين|مصاب){_E})?",
        _ar_dead,
    ),
    _p(rf"{_AB}(?:ال)?(?:{_AR_DEAD_TWO}){_E}", _TWO),
    # "وقوع العشرات منهم بين قتيل وجريح"
    _p(
        rf"{_AB}(?P<num>{_AR_NUM})\s+(?:\w+\s+){{0,2}}?(?:ما\s+)?بين\s+(?:{_AR_DEAD_ONE}|قتلي)\s*و\s*"
        rf"(?:جريح|مصاب|جرحي){_E}",
        lambda m: _combined(_ar_num(m)),
    ),
    # "لقي ثلاثة مدنيين حتفهم"
    _p(rf"{_AB}(?:لقي|لقيت|لقوا)\s+(?:(?P<num>{_AR_NUM})\s+)?(?:(?:ال)?\w+\s+)?حتف\w*", _ar_num_or_one),
    # the toll: "ارتفعت حصيلة القتلى إلى 19"
    _p(
        rf"{_AB}حصيله\s+(?:(?:ال)?(?:{_AR_DEAD_MANY}|وفيات)\s+)?(?:\w+\s+){{0,4}}?(?:الي|بلغت|وصلت الي|ب)\s*"
        rf"(?P<num>{_AR_NUM}){_E}",
        _ar_num,
    ),
]

_SUBSET_BEFORE = re.compile(
    normalize(r"(?:including|among them|among whom|of whom|of them|بينهم|منهم|من بينهم|بينهن)\s*,?\s*$")
)


#: A match: start, end (normalised text), (count, vague), and whether it is a coder's note.
_Found = tuple[int, int, tuple[int, bool], bool]


def _drop_overlaps(found: list[_Found]) -> list[_Found]:
    """Keep the longest of overlapping matches; the text's order afterwards."""
    kept: list[_Found] = []
    for cand in sorted(found, key=lambda c: (-(c[1] - c[0]), c[0])):
        if all(cand[1] <= k[0] or cand[0] >= k[1] for k in kept):
            kept.append(cand)
    return sorted(kept)


_ATTEMPT = re.compile(
    r"\b(?:nearly|almost|tried to|attempted to|attempting to|trying to)\s+"
    r"(?:lynch\w*|kill\w*|beat\w*|hack\w*|stab\w*|burn\w*|shot|shoot)"
)


def _is_year(norm: str, start: int, end: int) -> bool:
    """ "In 2014 clashes killed", "On 5 May 2020, gunmen killed": a year, not a count.

    Plain 1900-2099 with no thousands separator is read as a year; counts that large are
    written "2,000" or in words.
    """
    return bool(re.fullmatch(r"(?:19|20)\d\d", norm[start:end].strip()))


def _not_a_toll(norm: str, start: int, end: int) -> bool:
    """A statement of deaths at norm[start:end] that counts nobody: a subset of the dead named
    before it ("among them"), or an attempt ("tried to lynch a man", "was nearly lynched")."""
    return bool(
        _SUBSET_BEFORE.search(norm[max(0, start - 20) : start])
        or _ATTEMPT.search(norm, max(0, start - 14), end)
    )


# Groups of dead before one verb: "12 militants and 3 guards were killed" -> 15. Found from the
# last group and its verb, which open with "and" (a pattern that opens with a number would be
# tried at every word of the text), then the groups before it, read backwards.
_EN_LAST_GROUP = GatedPattern.compile(
    rf"{_B}and\s+{_EN_GROUP}\s+{_EN_AUX}{{0,4}}(?<!among the )(?<!among )(?:{_EN_DEATH_AFTER}){_E}"
    rf"{_EN_OBJECT_AFTER}(?!\s*(?:or|and|,)\s*(?:wounded|injured|hurt))"
)
_EN_GROUPS_BEFORE = re.compile(rf"(?<![\w-])(?<!including )(?:{_EN_GROUP}\s*,\s*){{0,4}}{_EN_GROUP}\s*,?\s+$")


def _group_lists(norm: str) -> list[_Found]:
    """Every list of groups of dead in `norm`, each with the sum of its numbers."""
    found: list[_Found] = []
    for m in _EN_LAST_GROUP.finditer(norm):
        before = _EN_GROUPS_BEFORE.search(norm, max(0, m.start() - 200), m.start())
        if before is None:
            continue  # one group: the number-first pattern reads it
        numbers = list(_EN_GROUP_NUM.finditer(norm, before.start(), m.end()))
        if any(_is_year(norm, n.start(), n.end()) for n in numbers):
            continue  # "in 2015 clashes and 3 soldiers were killed": a year is no group
        if _not_a_toll(norm, before.start(), m.end()):
            continue
        counts = [_number(n.group(0), "en") for n in numbers]
        if not counts or any(c is None for c in counts):
            continue
        total = sum(c[0] for c in counts if c is not None)
        found.append((before.start(), m.end(), (total, any(c[1] for c in counts if c is not None)), False))
    return found


def find_fatalities(text: str, language: str) -> list[FatalityMention]:
    """Every statement of deaths in `text`, in text order (see the module docstring).

    `language` is "ar" for Arabic (which also runs the English patterns, for quoted English);
    anything else is matched as English.
    """
    norm, offsets = normalize_document(text)
    patterns = _AR_PATTERNS + _EN_PATTERNS if language == "ar" else _EN_PATTERNS
    found: list[_Found] = []
    for note, pattern in [*((True, p) for p in _EN_CODED), *((False, p) for p in patterns)]:
        for m in pattern.regex.finditer(norm):
            count = pattern.build(m)
            if count is None:
                continue
            start = m.start()
            has_num = "num" in pattern.regex.regex.groupindex and m["num"]
            if has_num and _is_year(norm, m.start("num"), m.end("num")):
                continue
            if _not_a_toll(norm, start, m.end()):
                continue
            end = m.end()
            while end > start and norm[end - 1] in " ,":
                end -= 1
            found.append((start, end, count, note))
    found += _group_lists(norm)
    out: list[FatalityMention] = []
    for start, end, (count, vague), note in _drop_overlaps(found):
        s, e = offsets[start], offsets[end - 1] + 1
        out.append(FatalityMention(start=s, end=e, text=text[s:e], count=count, vague=vague, coded=note))
    return out


_ALSO = re.compile(r"\balso\b")


def lowest_credible(mentions: list[FatalityMention]) -> int:
    """The codebook's conservative death count for one event from its mentions; 0 if none.

    A coder's note of the figure ("Fatalities coded as 0") stands over everything; a figure
    stated as a number beats a stand-in ("dozens"); among numbers the lowest wins ("at least 17"
    and "the toll at 19" -> 17). An explicit "no casualties" counts only when no death is
    reported.
    """
    notes = [m.count for m in mentions if m.coded]
    if notes:
        return min(notes)
    exact = [m for m in mentions if not m.vague and m.count > 0]
    # "4 soldiers were killed ... 2 militants were also killed": another group, added
    also = [m.count for m in exact if _ALSO.search(m.text)]
    base = [m.count for m in exact if not _ALSO.search(m.text)]
    if base or also:
        return (min(base) if base else 0) + sum(also)
    vague = [m.count for m in mentions if m.vague and m.count > 0]
    return min(vague) if vague else 0


# "rioted after a student was killed", "protesting over the killing of", "احتجاجا على مقتل":
# the cue, then up to five words with no clause break, then the mention.
_MOTIVE_BEFORE = re.compile(
    r"(?:(?<!\w)(?:after|following|over|against|avenge|avenging)|(?<!\w)(?:بعد|إثر|اثر|عقب|احتجاجا على|"
    r"احتجاجاً على|على خلفية))\s+(?:[^\s,;:]+\s+){0,5}$",
    re.IGNORECASE,
)


def is_motive(text: str, mention: FatalityMention) -> bool:
    """Whether the sentence gives this death as the reason for what happened, not as its toll.

    For riots and protests (coder/offline.py): "residents rioted after a boda boda rider was
    killed" reports a riot without deaths.
    """
    before = re.split(r"[.!?؟\n]", text[max(0, mention.start - 60) : mention.start])[-1]
    return bool(_MOTIVE_BEFORE.search(before))
