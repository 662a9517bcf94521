"""Date expressions in English and Arabic news text, resolved against the publication date.

`find_dates` lists every date expression of an article (absolute dates, relative days,
weekdays, periods, months) with its span in the original text; `resolve` turns one into an
event date and a time precision following the codebook (section 7); `best_date` picks the date
of an event from the expressions near it; `parse_export_date` reads the date formats found in
ACLED exports.

Matching runs on `coder.textnorm.normalize_with_map` output (lower case, Arabic letter variants
folded, Arabic-Indic digits as ASCII), so one pattern covers "أمس"/"امس" and "١٩"/"19"; spans
are mapped back to the original text.

Project conventions (documented here because the codebook leaves them open):

- A bare weekday ("on Sunday", "الأحد") is the latest such day on or before the publication
  date, the publication day included: wire copy names the weekday even for the same day ("a
  monitoring group said on Monday" in a Monday article), and news does not use a bare weekday
  for a day a full week back. "last Sunday" / "الأحد الماضي" excludes the publication day.
- "Tuesday night", "late Tuesday", "مساء الثلاثاء", "ليل الأحد", "ليلة الأحد" are the named day.
- "overnight", "last night", "الليلة الماضية" are the day before publication (the night began
  then).
- "over the past N days" / "خلال اليومين الماضيين" is the period of N days before publication:
  earliest day = publication - N, time_precision 2.
- "last week" / "الأسبوع الماضي" is the previous Monday-Sunday week: its Monday, precision 2.
- A weekday next to the date it names ("yesterday, Wednesday", "اليوم الخميس", "Sunday, 19
  November 2017") is checked against that date; a mismatch is reported in `conflict`, and the
  date computed from the other part is kept (flag, don't silently fix).
- A weekday that dates a statement rather than the event ("said on Monday", "قال ... السبت، إن")
  is marked `reporting`; `best_date` uses it only when nothing else dates the event, and then
  with time_precision 2 (ACLED's "as reported").
- Without a publication date only expressions with a year resolve; all others get date None.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from coder.literal_gate import GatedPattern
from coder.textnorm import normalize, normalize_document

__all__ = [
    "DateMention",
    "ResolvedDate",
    "article_conflicts",
    "best_date",
    "find_dates",
    "parse_export_date",
    "resolve",
]


@dataclass(frozen=True)
class DateMention:
    """One date expression; `start`/`end`/`text` refer to the original text."""

    start: int
    end: int
    text: str
    # absolute | range | month | today | yesterday | days_ago | last_night | overnight |
    # weekday | last_weekday | period | last_week | this_week | weekend | last_month | this_month
    kind: str
    day: int | None = None
    month: int | None = None
    year: int | None = None
    weekday: int | None = None  # 0=Monday .. 6=Sunday, when the expression names one
    offset_days: int | None = None  # 0 today, 1 yesterday, 2 "two days ago"/"منذ يومين"
    period_days: int | None = None  # "over the past two days" -> 2; "between 1 and 3 May" -> 3
    as_reported: bool = False  # "(as reported)" / "around"
    reporting: bool = False  # dates the report ("said on Monday"), not necessarily the event


@dataclass(frozen=True)
class ResolvedDate:
    """A mention resolved against the publication date."""

    date: dt.date | None
    time_precision: int | None  # 1 day, 2 week/few days, 3 month (codebook section 2)
    conflict: str | None  # weekday contradicting the computed date, else None
    mention: DateMention


# --- vocabularies ------------------------------------------------------------------------------

_WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_EN_MONTHS: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(calendar.month_name) if name},
    **{name.lower(): i for i, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
_EN_WEEKDAYS: dict[str, int] = {name.lower(): i for i, name in enumerate(_WEEKDAY_NAMES)}
_EN_SMALL: dict[str, int] = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "several": 3, "few": 3, "a few": 3,
}  # fmt: skip

# Arabic words are written as people write them and normalised once, like the text.
_AR_MONTH_WORDS: dict[str, int] = {
    "كانون الثاني": 1, "كانون ثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5,
    "حزيران": 6, "تموز": 7, "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين أول": 10,
    "تشرين الثاني": 11, "تشرين ثاني": 11, "كانون الأول": 12, "كانون أول": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "ابريل": 4, "مايو": 5,
    "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8, "سبتمبر": 9, "أكتوبر": 10,
    "نوفمبر": 11, "ديسمبر": 12,
}  # fmt: skip
_AR_WEEKDAY_WORDS: dict[str, int] = {
    "الإثنين": 0, "الاثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الخميس": 3, "الجمعة": 4,
    "السبت": 5, "الأحد": 6,
}  # fmt: skip
_AR_DAY_COUNT_WORDS: dict[str, int] = {
    "يوم": 1, "يوما": 1, "يومين": 2, "يومان": 2, "ثلاثة": 3, "ثلاث": 3, "أربعة": 4, "أربع": 4,
    "خمسة": 5, "خمس": 5, "ستة": 6, "ست": 6, "سبعة": 7, "سبع": 7, "ثمانية": 8, "ثماني": 8,
    "تسعة": 9, "تسع": 9, "عشرة": 10, "عشر": 10,
}  # fmt: skip
_AR_ORDINAL_UNITS: dict[str, int] = {
    "الأول": 1, "الحادي": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5,
    "السادس": 6, "السابع": 7, "الثامن": 8, "التاسع": 9, "العاشر": 10,
}  # fmt: skip
_AR_TIME_OF_DAY = ["مساء", "صباح", "فجر", "ظهر", "عصر", "ليل", "ليلة", "ظهيرة", "صبيحة", "منتصف ليل",
                   "منتصف ليلة", "ساعات فجر", "ساعات صباح", "ساعات مساء", "ساعات ليل"]  # fmt: skip


def _n(word: str) -> str:
    """A vocabulary word in the normalised form the text is matched in."""
    return normalize(word)


def _alt(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first so "تشرين الثاني" beats "تشرين"."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_AR_MONTHS = {_n(w): m for w, m in _AR_MONTH_WORDS.items()}
_AR_WEEKDAYS = {_n(w): d for w, d in _AR_WEEKDAY_WORDS.items()}
_AR_DAY_COUNTS = {_n(w): n for w, n in _AR_DAY_COUNT_WORDS.items()}
_AR_UNITS = {_n(w): n for w, n in _AR_ORDINAL_UNITS.items()}


def _ar_ordinal_days() -> dict[str, int]:
    """Ordinal day words 1..31: "الأول", "التاسع عشر", "العشرين", "الحادي والثلاثين"."""
    out: dict[str, int] = {}
    for word, n in _AR_UNITS.items():
        if word != _n("الحادي"):
            out[word] = n
        if n < 10:
            out[f"{word} {_n('عشر')}"] = 10 + n
            out[f"{word} {_n('والعشرين')}"] = 20 + n
        if n == 1:
            out[f"{word} {_n('والثلاثين')}"] = 31
    out[_n("الثانية عشرة")] = 12
    out[_n("العشرين")] = 20
    out[_n("الثلاثين")] = 30
    return out


_AR_ORDINALS = _ar_ordinal_days()

# --- regex building blocks (all on normalised text) ---------------------------------------------

_B = r"(?<!\w)"  # word start; \b also fires inside Arabic words after a prefix letter
_E = r"(?!\w)"
# Arabic clitics "و", "ف", "ب", "ل" glued to the first word: allowed, left outside the span.
_AB = r"(?:(?<!\w)|(?<=(?<!\w)[وفبل]))"

_EN_MONTH = rf"(?P<mon>{_alt(_EN_MONTHS)})\.?"
_EN_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_EN_YEAR = r"(?P<year>(?:19|20)\d\d)"
_EN_WD = rf"(?P<wd>{_alt(_EN_WEEKDAYS)})"
_EN_NUM = rf"(?P<num>\d{{1,2}}|{_alt(_EN_SMALL)})"

_AR_MONTH = rf"(?P<mon>{_alt(_AR_MONTHS)})(?:\s*/\s*(?:{_alt(_AR_MONTHS)}))?"
_AR_DAY = rf"(?P<day>\d{{1,2}}|{_alt(_AR_ORDINALS)})"
_AR_YEAR = rf"(?:(?:من\s+)?(?:عام|العام|سنه)\s+)?(?P<year>(?:19|20)\d\d)(?:\s*م{_E})?"
_AR_WD = rf"(?P<wd>{_alt(_AR_WEEKDAYS)})"
_AR_TOD = rf"(?:{_alt(_n(w) for w in _AR_TIME_OF_DAY)})\s+(?:يوم\s+)?"
_AR_COUNT = rf"(?P<num>\d{{1,2}}|{_alt(_AR_DAY_COUNTS)})"
_AR_CURRENT = r"(?:ال)?(?:جاري|حالي)"


@dataclass(frozen=True)
class _Pattern:
    """A compiled pattern and how to turn its match into mention fields."""

    regex: GatedPattern
    build: Callable[[re.Match[str]], dict[str, object] | None]
    # English month/weekday names must be capitalised in the original ("May", not "may").
    capitalised: tuple[str, ...] = ()


def _en_num(value: str) -> int:
    return int(value) if value.isdigit() else _EN_SMALL[value]


def _ar_count(value: str) -> int:
    return int(value) if value.isdigit() else _AR_DAY_COUNTS[value]


def _ar_day(value: str) -> int:
    return int(value) if value.isdigit() else _AR_ORDINALS[value]


def _opt_int(m: re.Match[str], group: str) -> int | None:
    value = m.groupdict().get(group)
    return int(value) if value else None


def _p(pattern: str, build: Callable[[re.Match[str]], dict[str, object] | None],
       capitalised: tuple[str, ...] = ()) -> _Pattern:  # fmt: skip
    return _Pattern(GatedPattern.compile(pattern), build, capitalised)


def _en_abs(m: re.Match[str]) -> dict[str, object]:
    return {"kind": "absolute", "day": int(m["day"]), "month": _EN_MONTHS[m["mon"]],
            "year": _opt_int(m, "year")}  # fmt: skip


def _en_range(m: re.Match[str]) -> dict[str, object] | None:
    first, last = int(m["day"]), int(m["day2"])
    if last <= first:
        return None
    return {"kind": "range", "day": first, "month": _EN_MONTHS[m["mon"]],
            "year": _opt_int(m, "year"), "period_days": last - first + 1}  # fmt: skip


def _ar_abs(m: re.Match[str]) -> dict[str, object]:
    return {"kind": "absolute", "day": _ar_day(m["day"]), "month": _AR_MONTHS[m["mon"]],
            "year": _opt_int(m, "year")}  # fmt: skip


def _numeric(m: re.Match[str]) -> dict[str, object] | None:
    return {"kind": "absolute", "day": int(m["day"]), "month": int(m["month"]),
            "year": int(m["year"])}  # fmt: skip


_NUMERIC = [
    _p(rf"{_B}(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d){_E}", _numeric),
]


def _en_slashed(m: re.Match[str]) -> dict[str, object] | None:
    """ "26/05/2017", "on 23/05": day first, as most of the world writes it, unless the first
    number cannot be a month's day but the second can ("05/26/2017", US order)."""
    a, b = int(m["a"]), int(m["b"])
    day, month = (b, a) if b > 12 >= a else (a, b)
    year = m.groupdict().get("year")
    if year is not None and len(year) == 2:
        year = f"20{year}"
    return {"kind": "absolute", "day": day, "month": month, "year": int(year) if year else None}


_EN_SLASHED = [
    _p(rf"{_B}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<year>(?:19|20)\d\d|\d\d){_E}", _en_slashed),
    # without a year only after "on": "3/4" alone is as likely a fraction or a score; after "of"
    # or "in" ("the evening of 24/04", "in 20/04") only written with two digits each
    _p(r"(?<=\bon\s)(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![/\d])", _en_slashed),
    _p(r"(?:(?<=\bof\s)|(?<=\bin\s))(?P<a>\d\d)/(?P<b>\d\d)(?![/\d])", _en_slashed),
]

_EN_PATTERNS: list[_Pattern] = [
    *_NUMERIC,
    *_EN_SLASHED,
    _p(
        rf"{_B}(?:between|from)\s+(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:and|to|until)\s+"
        rf"(?:the\s+)?(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}(?:,?\s+{_EN_YEAR})?{_E}",
        _en_range,
        ("mon",),
    ),
    _p(
        rf"{_B}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*-\s*(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
        rf"{_EN_MONTH}(?:,?\s+{_EN_YEAR})?{_E}",
        _en_range,
        ("mon",),
    ),
    _p(
        rf"{_B}(?:between\s+)?{_EN_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|and|to|until)\s*"
        rf"(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+{_EN_YEAR})?{_E}",
        _en_range,
        ("mon",),
    ),
    _p(rf"{_B}{_EN_DAY}\s+(?:of\s+)?{_EN_MONTH}(?:,?\s+{_EN_YEAR})?{_E}", _en_abs, ("mon",)),
    _p(
        rf"{_B}{_EN_MONTH}\s+{_EN_DAY}(?!\d)(?:,?\s+{_EN_YEAR})?{_E}(?!\s*(?:people|civilians|killed|were|%))",
        _en_abs,
        ("mon",),
    ),
    _p(
        rf"{_B}(?:(?:in|during|since|early|late|mid-?|end of|beginning of)\s+)?(?:the month of\s+)?"
        rf"{_EN_MONTH}\s+(?:of\s+)?{_EN_YEAR}{_E}",
        lambda m: {"kind": "month", "month": _EN_MONTHS[m["mon"]], "year": int(m["year"])},
        ("mon",),
    ),
    _p(
        rf"{_B}(?:in|during|early|late|mid-?|end of|beginning of)\s+(?:the month of\s+)?"
        rf"(?P<mon>{_alt(n for n in _EN_MONTHS if len(n) > 3)}){_E}(?!\s*\d)",
        lambda m: {"kind": "month", "month": _EN_MONTHS[m["mon"]]},
        ("mon",),
    ),
    _p(rf"{_B}the day before yesterday{_E}", lambda m: {"kind": "days_ago", "offset_days": 2}),
    _p(
        rf"{_B}(?:(?:late|early)\s+)?yesterday(?:\s+(?:morning|afternoon|evening|night))?"
        rf"(?:\s*(?:,|\()\s*{_EN_WD}{_E}\)?)?",
        lambda m: {"kind": "yesterday", "offset_days": 1, "weekday": _wd_en(m)},
        ("wd",),
    ),
    _p(
        rf"{_B}(?:(?:earlier|late|early)\s+)?(?:today|tonight|this (?:morning|afternoon|evening))"
        rf"(?:\s*(?:,|\()\s*{_EN_WD}{_E}\)?)?",
        lambda m: {"kind": "today", "offset_days": 0, "weekday": _wd_en(m)},
        ("wd",),
    ),
    _p(
        rf"{_B}{_EN_NUM}\s+days?\s+(?:ago|earlier|before)",
        lambda m: {"kind": "days_ago", "offset_days": _en_num(m["num"])},
    ),
    _p(rf"{_B}last night{_E}", lambda m: {"kind": "last_night", "offset_days": 1}),
    _p(rf"{_B}overnight{_E}(?!\s+(?:into|on|to)\b)", lambda m: {"kind": "overnight", "offset_days": 1}),
    _p(
        rf"{_B}(?:over|in|during|within|for)\s+the\s+(?:past|last|previous)\s+(?:{_EN_NUM}\s+)?"
        rf"(?P<unit>days?|weeks?|24 hours|48 hours|72 hours){_E}",
        lambda m: _en_period(m),
    ),
    _p(
        rf"{_B}(?:the\s+)?(?:last|past|previous)\s+week(?:end)?{_E}",
        lambda m: {"kind": "weekend" if m[0].endswith("end") else "last_week"},
    ),
    _p(rf"{_B}(?:(?:over|at|during)\s+the\s+)weekend{_E}", lambda m: {"kind": "weekend"}),
    _p(rf"{_B}(?:earlier\s+)?this\s+week{_E}", lambda m: {"kind": "this_week"}),
    _p(rf"{_B}(?:the\s+)?(?:last|past|previous)\s+month{_E}", lambda m: {"kind": "last_month"}),
    _p(rf"{_B}(?:earlier\s+)?this\s+month{_E}", lambda m: {"kind": "this_month"}),
    _p(
        rf"{_B}(?:(?:late|early|overnight)\s+)?(?:on\s+)?(?:the\s+night\s+of\s+)?(?P<last>last\s+)?"
        rf"(?:(?:late|early)\s+)?{_EN_WD}{_E}(?:\s+(?:night|morning|afternoon|evening))?",
        lambda m: {"kind": "last_weekday" if m["last"] else "weekday", "weekday": _wd_en(m)},
        ("wd",),
    ),
    _p(
        rf"{_B}overnight\s+(?:into|on|to)\s+{_EN_WD}{_E}",
        lambda m: {"kind": "weekday", "weekday": (_EN_WEEKDAYS[m["wd"]] - 1) % 7},
        ("wd",),
    ),
]


def _wd_en(m: re.Match[str]) -> int | None:
    value = m.groupdict().get("wd")
    return _EN_WEEKDAYS[value] if value else None


def _en_period(m: re.Match[str]) -> dict[str, object]:
    unit = m["unit"]
    count = _en_num(m["num"]) if m["num"] else 1
    if unit.endswith("hours"):
        days = int(unit.split()[0]) // 24
    elif unit.startswith("week"):
        days = 7 * count
    else:
        days = count
    return {"kind": "period", "period_days": days}


def _wd_ar(m: re.Match[str]) -> int | None:
    value = m.groupdict().get("wd")
    return _AR_WEEKDAYS[value] if value else None


_AR_PERIOD_DAYS = (
    rf"(?:(?:ال)?يومين|(?:ال)?ايام\s+(?:ال)?(?P<num2>{_alt(_AR_DAY_COUNTS)})|{_AR_COUNT}\s+ايام)"
)
_AR_PAST = r"(?:ال)?(?:ماضيين|ماضيه|اخيرين|اخيره|فائتين|فائته|منصرمين|منصرمه|سابقه)"

_AR_PATTERNS: list[_Pattern] = [
    *_NUMERIC,
    _p(
        rf"{_AB}(?P<day>\d{{1,2}})\s*[/\-.]\s*(?P<month>\d{{1,2}})\s*[/\-.]\s*(?P<year>(?:19|20)\d\d){_E}",
        _numeric,
    ),
    _p(rf"{_AB}(?P<year>(?:19|20)\d\d)\s*/\s*(?P<month>\d{{1,2}})\s*/\s*(?P<day>\d{{1,2}}){_E}", _numeric),
    _p(
        rf"{_AB}(?:{_AR_TOD})?(?:{_AR_WD}\s*,?\s*)?{_AR_DAY}\s+(?:من\s+)?(?:شهر\s+)?{_AR_MONTH}"
        rf"(?:\s*,?\s*{_AR_YEAR}|\s+{_AR_CURRENT})?{_E}",
        lambda m: {**_ar_abs(m), "weekday": _wd_ar(m)},
    ),
    _p(
        rf"{_AB}(?:{_AR_TOD})?(?:{_AR_WD}\s*,?\s*)?{_AR_DAY}\s+(?:من\s+)?(?:ال)?شهر\s+{_AR_CURRENT}{_E}",
        lambda m: {"kind": "absolute", "day": _ar_day(m["day"]), "weekday": _wd_ar(m)},
    ),
    _p(
        rf"{_AB}(?:(?:خلال|في)\s+)?(?:شهر\s+)?{_AR_MONTH}\s*,?\s*{_AR_YEAR}{_E}",
        lambda m: {"kind": "month", "month": _AR_MONTHS[m["mon"]], "year": int(m["year"])},
    ),
    _p(
        rf"{_AB}(?:خلال|في)\s+شهر\s+{_AR_MONTH}{_E}",
        lambda m: {"kind": "month", "month": _AR_MONTHS[m["mon"]]},
    ),
    _p(
        rf"{_AB}(?:{_AR_TOD})?(?:يوم\s+)?(?:ال)?امس\s+الاول{_E}",
        lambda m: {"kind": "days_ago", "offset_days": 2},
    ),
    _p(
        rf"{_AB}(?:{_AR_TOD})?(?:يوم\s+)?(?:ال)?امس{_E}(?:\s*,?\s*\(?(?:يوم\s+)?{_AR_WD}{_E}\)?)?",
        lambda m: {"kind": "yesterday", "offset_days": 1, "weekday": _wd_ar(m)},
    ),
    _p(
        rf"{_AB}(?:{_AR_TOD})?(?:يوم\s+)?اليوم{_E}(?:\s*,?\s*\(?{_AR_WD}{_E}\)?)?",
        lambda m: {"kind": "today", "offset_days": 0, "weekday": _wd_ar(m)},
    ),
    _p(
        rf"{_AB}(?:منذ|قبل)\s+(?:{_AR_COUNT}\s+(?:ايام|يوما){_E}|(?P<one>يوم|يومين){_E})",
        lambda m: {
            "kind": "days_ago",
            "offset_days": _ar_count(m["one"]) if m["one"] else _ar_count(m["num"]),
        },
    ),
    _p(
        rf"{_AB}(?:الليله\s+الماضيه|البارحه|ليله\s+امس|ليل\s+امس){_E}",
        lambda m: {"kind": "last_night", "offset_days": 1},
    ),
    _p(
        rf"{_AB}(?:(?:خلال|في|طيله|على\s+مدى|على\s+مدار)\s+)?{_AR_PERIOD_DAYS}\s+{_AR_PAST}{_E}",
        lambda m: {"kind": "period", "period_days": _ar_period_days(m)},
    ),
    _p(
        rf"{_AB}(?:(?:خلال|في|طيله)\s+)?(?:ال)?(?P<h>24|48|72)\s+ساعه\s+{_AR_PAST}{_E}",
        lambda m: {"kind": "period", "period_days": int(m["h"]) // 24},
    ),
    _p(
        rf"{_AB}(?:(?:خلال|في)\s+)?الاسبوع\s+(?:الماضي|الفائت|المنصرم|السابق){_E}",
        lambda m: {"kind": "last_week"},
    ),
    _p(
        rf"{_AB}(?:(?:خلال|في)\s+)?(?:هذا\s+الاسبوع|الاسبوع\s+(?:الجاري|الحالي)){_E}",
        lambda m: {"kind": "this_week"},
    ),
    _p(
        rf"{_AB}(?:(?:خلال|في)\s+)?الشهر\s+(?:الماضي|الفائت|المنصرم|السابق){_E}",
        lambda m: {"kind": "last_month"},
    ),
    _p(
        rf"{_AB}(?:(?:خلال|في|مطلع|بدايه|اوائل)\s+)?(?:هذا\s+الشهر|الشهر\s+(?:الجاري|الحالي)){_E}",
        lambda m: {"kind": "this_month"},
    ),
    # A weekday needs a frame: a time-of-day word or "يوم" before it, or commas/quotes around
    # it as news Arabic writes a dateline weekday ("ذكرت مصادر، الأحد، أن"); bare "الاثنين"
    # also means "the two" and "الأحد" appears in names.
    _p(
        rf"{_AB}(?:{_AR_TOD}|يوم\s+){_AR_WD}{_E}(?P<last>\s+(?:الماضي|الفائت|المنصرم){_E})?",
        lambda m: {"kind": "last_weekday" if m["last"] else "weekday", "weekday": _wd_ar(m)},
    ),
    _p(
        rf"(?<=[,\"'(]\s){_AR_WD}{_E}(?P<last>\s+(?:الماضي|الفائت|المنصرم){_E})?(?=\s*[,.)\"']|\s+(?:ان|بان){_E})",
        lambda m: {"kind": "last_weekday" if m["last"] else "weekday", "weekday": _wd_ar(m)},
    ),
    _p(rf"(?<=[^\w\s]\s)(?<!,\s){_AR_WD}{_E}(?=\s*,)", lambda m: {"kind": "weekday", "weekday": _wd_ar(m)}),
    _p(
        rf"(?<=[\w\"'])\s{_AR_WD}{_E}(?=\s*,\s*(?:ان|بان){_E})",
        lambda m: {"kind": "weekday", "weekday": _wd_ar(m)},
    ),
]


def _ar_period_days(m: re.Match[str]) -> int:
    if m["num2"]:
        return _ar_count(m["num2"])
    if m["num"]:
        return _ar_count(m["num"])
    return 2  # "اليومين": the dual


# --- finding ------------------------------------------------------------------------------------

_AS_REPORTED_BEFORE = re.compile(
    r"(?:around|about|approximately|circa|on or about|on or around|on or before|reported on)\s+"
    r"(?:on\s+)?$"
)
_AS_REPORTED_AFTER = re.compile(r"^\s*\((?:as reported|or around|approximately|approx\.?|week of|midweek)\)")
_EN_SPEECH_BEFORE = re.compile(
    r"(?:said|says|say|reported|announced|added|stated|confirmed|told [\w' .-]{1,40}?)\s*,?\s*$"
)
_AR_SPEECH = re.compile(
    r"(?<!\w)[وف]?(?:قال|قالت|ذكر|ذكرت|افاد|افادت|اعلن|اعلنت|اكد|اكدت|صرح|صرحت|اوضح|اوضحت|اشار|اشارت|"
    r"نشر|نشرت|نقل|نقلت|بث|بثت|اضاف|اضافت)(?!\w)"
)
_AR_THAT_AFTER = re.compile(r"^\s*,?\s*(?:ب?ان)(?!\w)")


def _is_capitalised(text: str, start: int) -> bool:
    return text[start : start + 1].isupper()


def _matches(text: str, norm: str, offsets: list[int], pattern: _Pattern) -> Iterable[DateMention]:
    for m in pattern.regex.finditer(norm):
        if any(m.group(g) and not _is_capitalised(text, offsets[m.start(g)]) for g in pattern.capitalised):
            continue
        fields = pattern.build(m)
        if fields is None:
            continue
        start, end = m.start(), m.end()
        while start < end and norm[start] == " ":
            start += 1
        yield DateMention(start=start, end=end, text="", **fields)  # type: ignore[arg-type]


def _valid(mention: DateMention) -> bool:
    """Reject impossible calendar values (e.g. "45 May", "13/13/2020")."""
    if mention.month is not None and not 1 <= mention.month <= 12:
        return False
    if mention.day is not None and not 1 <= mention.day <= 31:
        return False
    if mention.day and mention.month and mention.year:
        try:
            dt.date(mention.year, mention.month, mention.day)
        except ValueError:
            return False
    return True


def _drop_overlaps(mentions: list[DateMention]) -> list[DateMention]:
    """Keep the longest of overlapping matches (spans still in normalised offsets)."""
    kept: list[DateMention] = []
    for cand in sorted(mentions, key=lambda c: (-(c.end - c.start), c.start)):
        if all(cand.end <= k.start or cand.start >= k.end for k in kept):
            kept.append(cand)
    return sorted(kept, key=lambda c: c.start)


def _merge_weekday_dates(mentions: list[DateMention], norm: str) -> list[DateMention]:
    """ "Sunday, 19 November 2017": the weekday joins the date it introduces."""
    out: list[DateMention] = []
    for cand in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "weekday"
            and cand.kind in ("absolute", "range")
            and cand.weekday is None
            and re.fullmatch(r"[\s,(]*(?:the\s+)?", norm[prev.end : cand.start])
        ):
            out[-1] = replace(cand, start=prev.start, weekday=prev.weekday)
        else:
            out.append(cand)
    return out


def _annotate(mention: DateMention, norm: str, language: str) -> DateMention:
    """Set `as_reported` / `reporting` from the words around the mention; may widen the span."""
    before = norm[max(0, mention.start - 60) : mention.start]
    after = norm[mention.end : mention.end + 40]
    as_reported = bool(_AS_REPORTED_BEFORE.search(before))
    end = mention.end
    tail = _AS_REPORTED_AFTER.match(after)
    if tail:
        as_reported = True
        end = mention.end + tail.end()
    start = mention.start
    if as_reported and (lead := _AS_REPORTED_BEFORE.search(before)):
        start = mention.start - (len(before) - lead.start())
    reporting = False
    if mention.kind in ("weekday", "today", "yesterday"):
        if language == "ar":
            reporting = bool(_AR_THAT_AFTER.match(after)) and bool(_AR_SPEECH.search(before))
        else:
            reporting = bool(_EN_SPEECH_BEFORE.search(before.removesuffix("on ").rstrip() + " "))
    return replace(mention, start=start, end=end, as_reported=as_reported, reporting=reporting)


def find_dates(text: str, language: str) -> list[DateMention]:
    """All date expressions of `text` in text order, spans in the original text.

    `language` is "ar" for Arabic; anything else is matched as English. Arabic text often
    quotes English dates and the reverse is rare, so Arabic also runs the English patterns.
    """
    norm, offsets = normalize_document(text)
    patterns = _AR_PATTERNS + _EN_PATTERNS if language == "ar" else _EN_PATTERNS
    found = [m for p in patterns for m in _matches(text, norm, offsets, p) if _valid(m)]
    found = _merge_weekday_dates(_drop_overlaps(found), norm)
    out: list[DateMention] = []
    for m in found:
        m = _annotate(m, norm, language)
        start, end = offsets[m.start], offsets[m.end - 1] + 1
        out.append(replace(m, start=start, end=end, text=text[start:end]))
    return out


# --- resolving ----------------------------------------------------------------------------------

_ABSOLUTE_KINDS = ("absolute", "range", "month")


def _latest_weekday(published: dt.date, weekday: int, strict: bool) -> dt.date:
    back = (published.weekday() - weekday) % 7
    if strict and back == 0:
        back = 7
    return published - dt.timedelta(days=back)


def _absolute(mention: DateMention, published: dt.date | None) -> dt.date | None:
    """The date an absolute/range/month mention names; the year (or month) from publication."""
    day = mention.day or 1
    month, year = mention.month, mention.year
    if year is not None and month is not None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    if published is None:
        return None
    # The latest matching date not after publication: "19 Nov" in a January article is last year.
    candidates: list[tuple[int, int]]
    if month is None:  # "the 5th of the current month"
        prev = published.replace(day=1) - dt.timedelta(days=1)
        candidates = [(published.year, published.month), (prev.year, prev.month)]
    else:
        candidates = [(year or published.year, month), ((year or published.year) - 1, month)]
    for y, mo in candidates:
        try:
            date = dt.date(y, mo, day)
        except ValueError:
            continue
        if date <= published or year is not None:
            return date
    return None


def _relative(mention: DateMention, published: dt.date) -> tuple[dt.date, int]:
    """Date and precision of a relative mention."""
    kind = mention.kind
    if kind in ("weekday", "last_weekday"):
        assert mention.weekday is not None
        return _latest_weekday(published, mention.weekday, strict=kind == "last_weekday"), 1
    if kind == "period":
        return published - dt.timedelta(days=mention.period_days or 1), 2
    if kind == "last_week":
        return published - dt.timedelta(days=published.weekday() + 7), 2
    if kind == "this_week":
        return published - dt.timedelta(days=published.weekday()), 2
    if kind == "weekend":
        return _latest_weekday(published, 5, strict=False), 2
    if kind == "last_month":
        return (published.replace(day=1) - dt.timedelta(days=1)).replace(day=1), 3
    if kind == "this_month":
        return published.replace(day=1), 3
    # today, yesterday, days_ago, last_night, overnight
    return published - dt.timedelta(days=mention.offset_days or 0), 1


def _conflict(mention: DateMention, date: dt.date) -> str | None:
    """A message when the weekday the text names is not the weekday of the computed date."""
    if mention.weekday is None or mention.kind in ("weekday", "last_weekday"):
        return None
    if date.weekday() == mention.weekday:
        return None
    return f"'{mention.text}' but {date.isoformat()} was a {_WEEKDAY_NAMES[date.weekday()]}"


def resolve(mention: DateMention, published: dt.date | None) -> ResolvedDate:
    """Resolve `mention` against the publication date (codebook section 7).

    Absolute dates without a year take the latest such date not after publication. Relative
    expressions need `published`; without it the date is None (never invented).
    """
    if mention.kind in _ABSOLUTE_KINDS:
        date = _absolute(mention, published)
        precision = {"absolute": 1, "range": 2, "month": 3}[mention.kind]
    elif published is None:
        return ResolvedDate(None, None, None, mention)
    else:
        date, precision = _relative(mention, published)
    if date is None:
        return ResolvedDate(None, None, None, mention)
    if mention.as_reported:
        precision = max(precision, 2)
    return ResolvedDate(date, precision, _conflict(mention, date), mention)


_RANK = {
    "absolute": 0, "today": 1, "yesterday": 1, "days_ago": 1, "weekday": 1, "last_weekday": 1,
    "last_night": 1, "overnight": 2, "range": 3, "period": 3, "this_week": 4, "last_week": 4,
    "weekend": 4, "month": 5, "this_month": 5, "last_month": 5,
}  # fmt: skip


def best_date(mentions: list[DateMention], published: dt.date | None) -> ResolvedDate | None:
    """The date of an event from the date mentions of its sentence or paragraph.

    Specific days beat periods, periods beat months; a date that only dates a statement
    ("said on Monday") is used last, with time_precision 2. Among equals the first in the text
    wins. A mention that cannot be resolved (relative, no publication date) is returned with
    date None rather than skipped, so the caller does not borrow an unrelated date. None only
    when there are no mentions.
    """
    if not mentions:
        return None
    resolved = [resolve(m, published) for m in mentions]

    def key(item: tuple[int, ResolvedDate]) -> tuple[int, int, int, int]:
        i, r = item
        return (r.date is None, r.mention.reporting, _RANK.get(r.mention.kind, 6), i)

    _, best = min(enumerate(resolved), key=key)
    if best.mention.reporting and best.date is not None:
        best = replace(best, time_precision=max(best.time_precision or 1, 2))
    return best


def article_conflicts(mentions: list[DateMention]) -> list[str]:
    """Contradictions between mentions that need no publication date to see.

    "yesterday, Wednesday" and "yesterday, Tuesday" in one article cannot both be right (the
    codebook's worked example); nor can "today, Thursday" and "yesterday, Tuesday".
    """
    anchored: dict[int, DateMention] = {}  # publication weekday implied -> first mention
    for m in mentions:
        if m.weekday is None or m.offset_days is None or m.kind in ("weekday", "last_weekday"):
            continue
        anchored.setdefault((m.weekday + m.offset_days) % 7, m)
    if len(anchored) < 2:
        return []
    first, *others = anchored.values()
    return [f"'{first.text}' and '{o.text}' imply different publication days" for o in others]


# --- export dates -------------------------------------------------------------------------------

_EXPORT_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_EXPORT_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_name) if name})
_EXPORT_MONTHS["sept"] = 9
_MON = r"(?P<mon>[a-z]{3,9})\.?"
_EXPORT_FORMATS = [
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:[t ][\d:.]+(?:z|[+-][\d:]+)?)?"),
    re.compile(r"(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})"),
    re.compile(rf"(?P<day>\d{{1,2}})[- ]{_MON}[- ],?(?P<year>\d{{2}}|\d{{4}})"),
    re.compile(rf"{_MON} (?P<day>\d{{1,2}}),? (?P<year>\d{{4}})"),
    re.compile(r"(?P<day>\d{1,2})-(?P<month>\d{1,2})-(?P<year>\d{2}|\d{4})"),
]


def _full_year(year: str) -> int:
    """Two-digit export years: 00-68 -> 2000s, 69-99 -> 1900s (the POSIX pivot)."""
    value = int(year)
    if len(year) == 4:
        return value
    return 2000 + value if value < 69 else 1900 + value


def parse_export_date(value: str) -> dt.date | None:
    """Read an ACLED export date: "9-May-20", "31-12-19" (day-month-year), "2020-05-09",
    "09 May 2020", "2020/05/09", "May 9, 2020" or an ISO datetime; None if unparseable."""
    text = value.strip().lower()
    for fmt in _EXPORT_FORMATS:
        m = fmt.fullmatch(text)
        if not m:
            continue
        groups = m.groupdict()
        month = int(groups["month"]) if groups.get("month") else _EXPORT_MONTHS.get(groups["mon"])
        if month is None:
            return None
        try:
            return dt.date(_full_year(m["year"]), month, int(m["day"]))
        except ValueError:
            return None
    return None
