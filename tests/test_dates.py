"""Date expressions: finding, resolving against the publication date, export formats."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coder.dates import (
    DateMention,
    article_conflicts,
    best_date,
    find_dates,
    parse_export_date,
    resolve,
)
from tests.conftest import SEEDS

D = dt.date
WED = D(2020, 5, 6)  # a Wednesday


def seed(name: str) -> tuple[str, str, dt.date | None]:
    meta = json.loads((SEEDS / f"{name}.json").read_text(encoding="utf-8"))
    text = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
    published = D.fromisoformat(meta["published"]) if meta["published"] else None
    return text, meta["language"], published


def one(text: str, language: str = "en") -> DateMention:
    found = find_dates(text, language)
    assert len(found) == 1, found
    return found[0]


def resolved(text: str, published: dt.date | None = WED, language: str = "en") -> tuple:
    r = resolve(one(text, language), published)
    return r.date, r.time_precision


# --- English -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "span", "date", "precision"),
    [
        ("Shelling hit the town on 19 November 2017.", "19 November 2017", D(2017, 11, 19), 1),
        ("Shelling hit the town on November 19, 2017.", "November 19, 2017", D(2017, 11, 19), 1),
        ("On 5 May 2020, gunmen raided a house.", "5 May 2020", D(2020, 5, 5), 1),
        ("Between 1 and 3 May 2020, protests took place.", "Between 1 and 3 May 2020", D(2020, 5, 1), 2),
        ("Clashes flared in May 2020 near the border.", "in May 2020", D(2020, 5, 1), 3),
        ("Clashes broke out today.", "today", WED, 1),
        ("Clashes broke out yesterday.", "yesterday", D(2020, 5, 5), 1),
        ("The army shelled the village on Sunday.", "on Sunday", D(2020, 5, 3), 1),
        ("Gunmen struck late Tuesday.", "late Tuesday", D(2020, 5, 5), 1),
        ("A bomb went off Tuesday night.", "Tuesday night", D(2020, 5, 5), 1),
        ("Overnight raids hit the camp.", "Overnight", D(2020, 5, 5), 1),
        ("The market was bombed two days ago.", "two days ago", D(2020, 5, 4), 1),
        ("The talks collapsed last week.", "last week", D(2020, 4, 27), 2),
        ("Fighting raged over the past two days.", "over the past two days", D(2020, 5, 4), 2),
        ("Troops arrived earlier this week.", "earlier this week", D(2020, 5, 4), 2),
        ("A trader was robbed in town on 26/04/2020 at dusk.", "26/04/2020", D(2020, 4, 26), 1),
        ("A trader was robbed in town on 04/26/2020 at dusk.", "04/26/2020", D(2020, 4, 26), 1),
        ("Rioters burnt a bus on 02/05/20 in the capital.", "02/05/20", D(2020, 5, 2), 1),
        ("Police dispersed the crowd on 3/5. Nobody was hurt.", "3/5", D(2020, 5, 3), 1),
        ("Bandits stole forty goats on the night of 24/04 near the river.", "24/04", D(2020, 4, 24), 1),
        ("Police detained two suspects in 20/04 without charge.", "20/04", D(2020, 4, 20), 1),
    ],
)
def test_english_expressions(sentence: str, span: str, date: dt.date, precision: int) -> None:
    mention = one(sentence)
    assert mention.text == span
    assert sentence[mention.start : mention.end] == span
    r = resolve(mention, WED)
    assert (r.date, r.time_precision, r.conflict) == (date, precision, None)


def test_a_fraction_is_not_a_date() -> None:
    assert find_dates("Two thirds (2/3) of the houses burnt; the score was 3/1.", "en") == []
    assert find_dates("Three of 3/4 houses burnt.", "en") == []


def test_day_month_without_year_takes_latest_date_not_after_publication() -> None:
    assert resolved("Clashes on 19 Nov killed two.", D(2020, 5, 6))[0] == D(2019, 11, 19)
    assert resolved("Clashes on 19 Nov killed two.", D(2020, 11, 20))[0] == D(2020, 11, 19)


def test_as_reported_widens_span_and_precision() -> None:
    mention = one("Around 1 May 2020 (as reported), gunmen attacked a farm.")
    assert mention.text == "Around 1 May 2020 (as reported)"
    assert mention.as_reported
    assert resolve(mention, None).date == D(2020, 5, 1)
    assert resolve(mention, None).time_precision == 2


def test_same_weekday_as_publication_is_the_publication_day() -> None:
    # Wire style: "said on Wednesday" in a Wednesday article is that day, not a week back.
    assert resolved("Police acted on Wednesday.")[0] == WED
    assert resolved("Police acted last Wednesday.")[0] == D(2020, 4, 29)


def test_lower_case_month_and_weekday_words_are_not_dates() -> None:
    assert find_dates("Protesters may march again, a sunday paper said.", "en") == []


def test_yesterday_with_wrong_weekday_is_flagged_not_fixed() -> None:
    r = resolve(one("Yesterday, Wednesday, the army moved in."), WED)
    assert r.date == D(2020, 5, 5)
    assert r.conflict == "'Yesterday, Wednesday' but 2020-05-05 was a Tuesday"


def test_relative_dates_without_publication_date_are_not_invented() -> None:
    for sentence in ("Shelling on Sunday.", "Shelling yesterday.", "Fighting last week."):
        r = resolve(one(sentence), None)
        assert (r.date, r.time_precision) == (None, None)
    assert resolve(one("On 5 May 2020, clashes."), None).date == D(2020, 5, 5)


def test_weekday_with_date_merges_and_checks() -> None:
    mention = one("On Sunday, 19 November 2017, the army entered the city.")
    assert (mention.kind, mention.weekday, mention.day) == ("absolute", 6, 19)
    assert resolve(mention, None).conflict is None
    wrong = resolve(one("On Monday, 19 November 2017, the army entered."), None)
    assert wrong.conflict == "'On Monday, 19 November 2017' but 2017-11-19 was a Sunday"


def test_best_date_prefers_event_day_over_statement_day() -> None:
    text = "Activists said on Monday that air strikes on Sunday killed 12 people."
    mentions = find_dates(text, "en")
    assert [m.reporting for m in mentions] == [True, False]
    best = best_date(mentions, D(2020, 5, 4))
    assert best is not None and best.date == D(2020, 5, 3)


def test_best_date_statement_day_alone_is_as_reported() -> None:
    best = best_date(find_dates("At least 9 people were killed, a monitor said on Monday.", "en"), WED)
    assert best is not None
    assert (best.date, best.time_precision) == (D(2020, 5, 4), 2)


def test_best_date_prefers_day_over_period_and_keeps_unresolved() -> None:
    mentions = find_dates("Over the past two days, and on Tuesday, jets struck.", "en")
    best = best_date(mentions, WED)
    assert best is not None and best.date == D(2020, 5, 5)
    unresolved = best_date(mentions, None)
    assert unresolved is not None and unresolved.date is None
    assert best_date([], WED) is None


# --- Arabic --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "span", "date", "precision"),
    [
        ("قصفت الطائرات البلدة اليوم الأربعاء", "اليوم الأربعاء", WED, 1),
        ("قصفت الطائرات البلدة أمس", "أمس", D(2020, 5, 5), 1),
        ("قصفت الطائرات البلدة يوم أمس الثلاثاء", "يوم أمس الثلاثاء", D(2020, 5, 5), 1),
        ("قصفت الطائرات البلدة منذ يومين", "منذ يومين", D(2020, 5, 4), 1),
        ("قصفت الطائرات البلدة منذ ثلاثة أيام", "منذ ثلاثة أيام", D(2020, 5, 3), 1),
        ("جرت مناورات خلال اليومين الماضيين", "خلال اليومين الماضيين", D(2020, 5, 4), 2),
        ("قصفت الطائرات البلدة مساء الثلاثاء", "مساء الثلاثاء", D(2020, 5, 5), 1),
        ("اشتباكات ليل الأحد في البلدة", "ليل الأحد", D(2020, 5, 3), 1),
        ("قصفت الطائرات البلدة فجر اليوم", "فجر اليوم", WED, 1),
        ("خرجت مظاهرة يوم الجمعة", "يوم الجمعة", D(2020, 5, 1), 1),
        ("سيطرت القوات على البلدة الأسبوع الماضي", "الأسبوع الماضي", D(2020, 4, 27), 2),
        ("قصف البلدة في ١٩ تشرين الثاني ٢٠١٧", "١٩ تشرين الثاني ٢٠١٧", D(2017, 11, 19), 1),
        ("قصف البلدة في 19 نوفمبر 2017", "19 نوفمبر 2017", D(2017, 11, 19), 1),
        ("قصف البلدة في 5 أيار/مايو 2020", "5 أيار/مايو 2020", D(2020, 5, 5), 1),
        ("تصاعد القصف خلال شهر آذار 2020", "خلال شهر آذار 2020", D(2020, 3, 1), 3),
        ("قتل في الخامس من الشهر الجاري", "الخامس من الشهر الجاري", D(2020, 5, 5), 1),
    ],
)
def test_arabic_expressions(sentence: str, span: str, date: dt.date, precision: int) -> None:
    mention = one(sentence, "ar")
    assert mention.text == span
    r = resolve(mention, WED)
    assert (r.date, r.time_precision, r.conflict) == (date, precision, None)


@pytest.mark.parametrize(
    ("month_name", "month"),
    [
        ("كانون الثاني", 1), ("شباط", 2), ("آذار", 3), ("نيسان", 4), ("أيار", 5), ("حزيران", 6),
        ("تموز", 7), ("آب", 8), ("أيلول", 9), ("تشرين الأول", 10), ("تشرين الثاني", 11),
        ("كانون الأول", 12), ("يناير", 1), ("فبراير", 2), ("مارس", 3), ("أبريل", 4), ("ابريل", 4),
        ("مايو", 5), ("يونيو", 6), ("يونيه", 6), ("يوليو", 7), ("يوليه", 7), ("أغسطس", 8),
        ("سبتمبر", 9), ("أكتوبر", 10), ("نوفمبر", 11), ("ديسمبر", 12),
    ],
)  # fmt: skip
def test_arabic_month_names(month_name: str, month: int) -> None:
    mention = one(f"وقع الهجوم في ١٢ {month_name} ٢٠١٩ صباحا", "ar")
    assert resolve(mention, None).date == D(2019, month, 12)


def test_arabic_today_with_wrong_weekday_is_flagged() -> None:
    r = resolve(one("قصفت الطائرات البلدة اليوم الخميس", "ar"), WED)
    assert r.date == WED
    assert r.conflict is not None and "was a Wednesday" in r.conflict


def test_arabic_bare_weekday_needs_a_frame() -> None:
    # "الاثنين" also means "the two": only a dateline-style or framed weekday is a date.
    assert find_dates("وأكد الاثنين التزامهما بالاتفاق", "ar") == []
    mention = one("وقال ناشطون، الاثنين، إن الطائرات قصفت البلدة", "ar")
    assert (mention.text, mention.weekday, mention.reporting) == ("الاثنين", 0, True)


# --- seed articles -------------------------------------------------------------------------------


def test_seed_eyeofeuphrates() -> None:
    text, lang, published = seed("eyeofeuphrates_idlib_shelling.ar")
    assert published == D(2020, 10, 22)
    got = [(m.text, resolve(m, published).date) for m in find_dates(text, lang)]
    assert got == [("اليوم الخميس", D(2020, 10, 22)), ("يوم أمس", D(2020, 10, 21))]


def test_seed_pakistantoday() -> None:
    text, lang, published = seed("pakistantoday_idlib_airstrikes.en")
    mentions = find_dates(text, lang)
    assert [(m.text, m.reporting) for m in mentions] == [
        ("on Monday", True),
        ("on Sunday", False),
        ("on Sunday", False),
    ]
    assert resolve(mentions[1], published).date == D(2014, 9, 21)
    best = best_date(mentions[:2], published)
    assert best is not None and best.date == D(2014, 9, 21)


def test_seed_stepnews_ordinal_date_and_last_night() -> None:
    text, lang, published = seed("stepnews_is_ambush_bukamal.ar")
    mentions = find_dates(text, lang)
    first = mentions[0]
    assert first.text == "ليلة الأحد التاسع عشر من نوفمبر / تشرين الثاني الجاري"
    assert (first.day, first.month, first.year, first.weekday) == (19, 11, None, 6)
    r = resolve(first, published)
    assert (r.date, r.conflict) == (D(2017, 11, 19), None)
    assert [(m.text, resolve(m, published).date) for m in mentions[1:]] == [
        ("الليلة الماضية", D(2017, 11, 18)),
        ("مساء أمس", D(2017, 11, 18)),
    ]


def test_seed_rozana_sunday_evening() -> None:
    text, lang, published = seed("rozana_regime_takes_bukamal.ar")
    (mention,) = find_dates(text, lang)
    assert mention.text == "مساء أمس الأحد"
    r = resolve(mention, published)
    assert (r.date, r.conflict) == (D(2017, 11, 19), None)


def test_seed_microsyria() -> None:
    text, lang, published = seed("microsyria_is_arrive_bukamal.ar")
    got = [(m.text, resolve(m, published).date) for m in find_dates(text, lang)]
    assert got == [
        ("السبت", D(2017, 11, 4)),
        ("أمس الجمعة", D(2017, 11, 3)),
        ("منذ أربعة أيام", D(2017, 10, 31)),
    ]
    assert resolve(find_dates(text, lang)[1], published).conflict is None


def test_seed_aletihad_contradiction_without_publication_date() -> None:
    text, lang, published = seed("aletihad_qaani_bukamal.ar")
    assert published is None
    mentions = find_dates(text, lang)
    assert [m.text for m in mentions[:3]] == ["يوم أمس الأربعاء", "خلال اليومين الماضيين", "يوم أمس الثلاثاء"]
    assert all(resolve(m, None).date is None for m in mentions)
    assert article_conflicts(mentions) == [
        "'يوم أمس الأربعاء' and 'يوم أمس الثلاثاء' imply different publication days"
    ]
    # With a Thursday publication date the Wednesday is right and the Tuesday is flagged.
    thursday = D(2020, 10, 22)
    assert resolve(mentions[0], thursday).conflict is None
    assert resolve(mentions[1], thursday).date == D(2020, 10, 20)
    assert "was a Wednesday" in (resolve(mentions[2], thursday).conflict or "")


@pytest.mark.parametrize(
    ("name", "span", "weekday"),
    [
        ("sy24_kafr_ein_barrels.ar", "مساء يوم الثلاثاء", 1),
        ("syriaone_idlib_shelling.ar", "اليوم الاثنين", 0),
        ("syriatv_afes_sarmin_shelling.ar", "اليوم الأحد", 6),
        ("sadanews_army_retakes_bukamal.ar", "الأحد", 6),
    ],
)
def test_seeds_without_publication_date(name: str, span: str, weekday: int) -> None:
    text, lang, published = seed(name)
    first = find_dates(text, lang)[0]
    assert (first.text, first.weekday) == (span, weekday)
    assert resolve(first, published).date is None


# --- export dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("9-May-20", D(2020, 5, 9)),
        ("31-12-19", D(2019, 12, 31)),
        ("31-05-07", D(2007, 5, 31)),
        ("2020-05-09", D(2020, 5, 9)),
        ("09 May 2020", D(2020, 5, 9)),
        ("2020/05/09", D(2020, 5, 9)),
        ("May 9, 2020", D(2020, 5, 9)),
        ("2020-05-09T00:00:00", D(2020, 5, 9)),
        ("2020-05-09 13:45:00+00:00", D(2020, 5, 9)),
        ("  9-May-2020 ", D(2020, 5, 9)),
        ("15-Jan-98", D(1998, 1, 15)),
        ("31-02-20", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_export_date(value: str, date: dt.date | None) -> None:
    assert parse_export_date(value) == date
