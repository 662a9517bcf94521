"""Tests for coder.ingest: every format, every kind of bad input, duplicates and overrides."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from coder.ingest import (
    MAX_BYTES,
    IngestResult,
    article_id,
    detect_language,
    html_to_text,
    ingest_paths,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

GOOD_TEXT = "Gunmen attacked a checkpoint in Sarmin on Sunday, killing two soldiers."
ARABIC_TEXT = "قتل مدنيان وأصيب طفل بجروح، اليوم الأحد، إثر قصف مدفعي على مدينة سرمين في ريف إدلب."

ENGLISH_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Shelling kills two in Sarmin | Idlib Monitor</title>
<meta property="og:site_name" content="Idlib Monitor">
<meta property="og:title" content="Shelling kills two civilians in Sarmin">
<meta property="article:published_time" content="2020-03-02T09:15:00+02:00">
<link rel="canonical" href="https://idlib-monitor.example/news/sarmin-shelling">
</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/contact">Contact us</a></li></ul></nav></header>
<main>
<article>
<h1>Shelling kills two civilians in Sarmin</h1>
<div class="share-buttons"><a href="https://facebook.com/share">Share on Facebook</a>
<a href="https://twitter.com/share">Share on Twitter</a> <a href="#">WhatsApp</a></div>
<p>Two civilians were killed on Sunday when regime artillery shelled the town of Sarmin in the
eastern countryside of Idlib, local activists said.</p>
<p>The shells hit a residential neighbourhood near the main market in the early afternoon,
according to the civil defence, which said its teams pulled the two bodies from the rubble.</p>
<p>A third person, a child, was wounded and taken to a field hospital in the nearby town of
Binnish, the activists added.</p>
</article>
<aside class="related"><h3>Related articles</h3><ul>
<li><a href="/news/1">Airstrikes hit Maarat al-Numan market</a></li>
<li><a href="/news/2">Protest in Kafr Nabl against the siege</a></li></ul></aside>
</main>
<footer><p>Copyright 2020 Idlib Monitor. All rights reserved.</p></footer>
</body></html>
"""

# No date in the page's metadata; the body mentions one (an event date, not publication).
ARABIC_PAGE = """<html dir="rtl" lang="ar">
<head><meta charset="utf-8"><title>مقتل مدنيين بقصف على سرمين - شبكة إدلب</title></head>
<body>
<div id="menu"><a href="/">الرئيسية</a> | <a href="/news">أخبار</a>
| <a href="/about">من نحن</a></div>
<div class="post">
<h1>مقتل مدنيين بقصف مدفعي على سرمين</h1>
<ul class="social-share"><li><a href="#">فيسبوك</a></li><li><a href="#">تويتر</a></li>
<li>شارك الخبر</li></ul>
<div class="entry-content">
<p>قتل مدنيان وأصيب طفل بجروح، اليوم الأحد، إثر قصف مدفعي شنته قوات النظام السوري على مدينة
سرمين في ريف إدلب الشرقي، بحسب ما أفاد ناشطون محليون.</p>
<p>وقال الدفاع المدني إن فرقه انتشلت جثتي الضحيتين من تحت أنقاض منزل استهدفته القذائف قرب
السوق الرئيسي للمدينة في 22 تشرين الأول 2020.</p>
<p>ونقل الطفل المصاب إلى مشفى ميداني في بلدة بنش القريبة لتلقي العلاج.</p>
</div>
<div class="related-posts"><h3>أخبار ذات صلة</h3><ul>
<li><a href="/n/1">غارات جوية على سوق معرة النعمان</a></li>
<li><a href="/n/2">مظاهرة في كفرنبل ضد الحصار</a></li></ul></div>
</div>
<div class="footer">جميع الحقوق محفوظة</div>
</body></html>
"""


def _by_name(result: IngestResult) -> dict[str, object]:
    return {Path(a.source_path).name: a for a in result.articles}


# --- seeds ---------------------------------------------------------------------------------------
def test_seed_directory_ingests_eleven_articles_with_sidecar_metadata() -> None:
    result = ingest_paths([SEEDS])
    assert result.errors == []
    assert result.duplicates == []
    assert len(result.articles) == 11
    # the README is documentation, noted and not read
    assert [Path(note.path).name for note in result.skipped] == ["README.md"]
    articles = _by_name(result)
    for name, article in articles.items():
        assert article.language == name.split(".")[-2]  # NAME.LANG.txt
        assert article.id == article_id(article.text)
        assert article.source_path == str(SEEDS / name)
    qaani = articles["aletihad_qaani_bukamal.ar.txt"]
    assert (qaani.language, qaani.published, qaani.outlet) == ("ar", None, "Al-Etihad Media")
    assert qaani.url is None
    euphrates = articles["eyeofeuphrates_idlib_shelling.ar.txt"]
    assert euphrates.published == dt.date(2020, 10, 22)
    assert euphrates.outlet == "Eye of Euphrates"
    assert euphrates.url == "https://eyeofeuphrates.com/index.php/ar/news/2020/10/22/71"
    pakistan = articles["pakistantoday_idlib_airstrikes.en.txt"]
    assert (pakistan.language, pakistan.published) == ("en", dt.date(2014, 9, 22))
    assert pakistan.outlet == "Pakistan Today (AFP)"
    voa = articles["voanews_maar_shurin_airstrike.en.txt"]
    assert (voa.published, voa.outlet) == (None, "VOA News (AP)")
    assert voa.title == "Activists: Airstrike in Syrian village killed 17"
    assert voa.text.startswith("Activists: Airstrike in Syrian village killed 17\nAirstrikes on")
    assert articles["stepnews_is_ambush_bukamal.ar.txt"].published == dt.date(2017, 11, 19)
    assert articles["sadanews_army_retakes_bukamal.ar.txt"].published is None


def test_seed_languages_are_detected_without_sidecars() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        assert detect_language(path.read_text(encoding="utf-8")) == path.name.split(".")[-2]


# --- ids, text and language ----------------------------------------------------------------------
def test_article_id_is_sha256_of_collapsed_nfc_text() -> None:
    assert article_id("  a \r\n\t b  ") == hashlib.sha256(b"a b").hexdigest()[:16]
    assert article_id("Cafe\u0301 bombed") == article_id("Caf\u00e9 bombed")  # NFD == NFC
    assert article_id("line one\nline two") == article_id("line one\r\nline  two\n")
    assert article_id("\ufeffsame") == article_id("same")
    assert article_id("one") != article_id("two")
    assert len(article_id("x")) == 16


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD_TEXT, "en"),
        (ARABIC_TEXT, "ar"),
        ("مردان مسلح روز یکشنبه به یک ایست بازرسی در سرمین حمله کردند.", "fa"),
        ("Des hommes armés ont attaqué un poste de contrôle à Sarmin dimanche, selon les", "fr"),
        ("Боевики атаковали блокпост в Сармине в воскресенье.", "und"),  # ru? uk? bg?
        ("Sarmin", "und"),
        ("12 345", "und"),
        ("", "und"),
        # an English article quoting an Arabic name is English
        ("Reuters said the town of البوكمال fell on Sunday after heavy fighting.", "en"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


# --- txt -----------------------------------------------------------------------------------------
def test_txt_without_sidecar_gets_detected_language_and_no_invented_date(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARABIC_TEXT, encoding="utf-8")
    [article] = ingest_paths([tmp_path / "a.txt"]).articles
    assert article.language == "ar"
    assert article.published is None
    assert (article.outlet, article.url, article.title) == (None, None, None)
    assert article.text == ARABIC_TEXT
    assert article.source_path == str(tmp_path / "a.txt")


def test_txt_encodings_bom_utf16_and_line_endings(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfOne\r\nTwo is the text.\r\n")
    (tmp_path / "utf16.txt").write_text(ARABIC_TEXT, encoding="utf-16")  # writes a BOM
    result = ingest_paths([tmp_path])
    assert result.errors == []
    articles = _by_name(result)
    assert articles["bom.txt"].text == "One\nTwo is the text."
    assert articles["utf16.txt"].text == ARABIC_TEXT
    assert articles["utf16.txt"].language == "ar"


def test_sidecar_metadata_is_read_and_normalised(tmp_path: Path) -> None:
    (tmp_path / "x.ar.txt").write_text(ARABIC_TEXT, encoding="utf-8")
    sidecar = {
        "url": "https://example.org/a",
        "outlet": "Syria TV",
        "language": "AR",
        "published": "2020-03-01T18:30:00+03:00",
        "title": "قصف على سرمين",
        "notes": "unknown keys are ignored",
    }
    (tmp_path / "x.ar.json").write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    result = ingest_paths([tmp_path])
    assert (result.errors, result.skipped) == ([], [])
    [article] = result.articles
    assert article.language == "ar"
    assert article.published == dt.date(2020, 3, 1)
    assert (article.outlet, article.url, article.title) == (
        "Syria TV",
        "https://example.org/a",
        "قصف على سرمين",
    )


def test_sidecar_language_wins_over_detection(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "x.json").write_text('{"language": "fr", "published": null}', encoding="utf-8")
    [article] = ingest_paths([tmp_path / "x.txt"]).articles
    assert (article.language, article.published) == ("fr", None)


# --- html ----------------------------------------------------------------------------------------
def test_html_to_text_drops_navigation_share_buttons_and_related_articles() -> None:
    text, meta = html_to_text(ENGLISH_PAGE)
    assert "Two civilians were killed on Sunday" in text
    assert "Binnish, the activists added." in text
    for boilerplate in (
        "Home",
        "Contact us",
        "Share on",
        "WhatsApp",
        "Related articles",
        "Maarat al-Numan",
        "Kafr Nabl",
        "Copyright",
    ):
        assert boilerplate not in text
    assert meta["title"] == "Shelling kills two civilians in Sarmin"
    assert meta["date"] == dt.date(2020, 3, 2)
    assert meta["sitename"] == "Idlib Monitor"
    assert meta["url"] == "https://idlib-monitor.example/news/sarmin-shelling"
    assert meta["language"] == "en"


def test_html_page_metadata_becomes_article_metadata(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(ENGLISH_PAGE, encoding="utf-8")
    [article] = ingest_paths([tmp_path]).articles
    assert article.language == "en"
    assert article.published == dt.date(2020, 3, 2)
    assert article.outlet == "Idlib Monitor"
    assert article.title == "Shelling kills two civilians in Sarmin"
    assert article.url == "https://idlib-monitor.example/news/sarmin-shelling"
    assert "Share on Facebook" not in article.text


def test_arabic_html_without_page_date_has_no_published(tmp_path: Path) -> None:
    (tmp_path / "ar.htm").write_text(ARABIC_PAGE, encoding="utf-8")
    [article] = ingest_paths([tmp_path]).articles
    assert article.language == "ar"
    assert article.published is None  # "22 تشرين الأول 2020" in the body is not a page date
    assert "انتشلت جثتي الضحيتين" in article.text
    for boilerplate in ("الرئيسية", "فيسبوك", "شارك الخبر", "أخبار ذات صلة", "كفرنبل", "محفوظة"):
        assert boilerplate not in article.text
    assert article.title == "مقتل مدنيين بقصف مدفعي على سرمين"


def test_html_sidecar_wins_over_page_metadata(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(ENGLISH_PAGE, encoding="utf-8")
    sidecar = {"outlet": "Monitor (archive)", "published": "2020-03-03"}
    (tmp_path / "page.json").write_text(json.dumps(sidecar), encoding="utf-8")
    [article] = ingest_paths([tmp_path]).articles
    assert (article.outlet, article.published) == ("Monitor (archive)", dt.date(2020, 3, 3))
    assert article.title == "Shelling kills two civilians in Sarmin"  # not in the sidecar


def test_html_in_declared_legacy_charset_is_decoded(tmp_path: Path) -> None:
    page = ARABIC_PAGE.replace('charset="utf-8"', 'charset="windows-1256"')
    (tmp_path / "legacy.html").write_bytes(page.encode("windows-1256"))
    result = ingest_paths([tmp_path])
    assert result.errors == []
    assert "انتشلت جثتي الضحيتين" in result.articles[0].text


def test_html_lang_attribute_is_used_when_detection_is_unsure(tmp_path: Path) -> None:
    body = "Боевики атаковали блокпост в Сармине в воскресенье, сообщили местные активисты. " * 3
    page = f'<html lang="ru-RU"><body><article><p>{body}</p></article></body></html>'
    (tmp_path / "ru.html").write_text(page, encoding="utf-8")
    [article] = ingest_paths([tmp_path]).articles
    assert article.language == "ru"  # Cyrillic text alone would give 'und'


# --- jsonl ---------------------------------------------------------------------------------------
def test_jsonl_good_lines_ingested_bad_lines_named(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": GOOD_TEXT, "outlet": "AFP", "published": "2014-09-22", "id": "x1"}),
        "",  # blank lines are allowed
        '{"text": "unterminated',
        json.dumps({"title": "no text here"}),
        json.dumps({"text": ARABIC_TEXT, "published": "22/10/2020"}),
        json.dumps({"text": ARABIC_TEXT, "language": "ar", "url": "https://example.org/1"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": "   "}),
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_paths([batch])
    assert [e.path for e in result.errors] == [f"{batch}:{n}" for n in (3, 4, 5, 7, 8)]
    assert "not valid JSON" in result.errors[0].reason
    assert "'text'" in result.errors[1].reason
    assert "22/10/2020" in result.errors[2].reason
    first, second = result.articles
    assert first.source_path == f"{batch}:1"
    assert (first.outlet, first.published, first.language) == ("AFP", dt.date(2014, 9, 22), "en")
    assert first.id == article_id(GOOD_TEXT)  # the row's own "id" does not replace the hash
    assert second.source_path == f"{batch}:6"
    assert (second.language, second.url) == ("ar", "https://example.org/1")


# --- csv -----------------------------------------------------------------------------------------
def test_csv_good_rows_ingested_bad_rows_named(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Text,outlet,published,extra\n"  # header names are case-insensitive; extra ignored
        f'"{GOOD_TEXT}",AFP,2014-09-22,x\n'
        ",AFP,2014-09-22,x\n"
        f'"{GOOD_TEXT} More.",AFP,yesterday,x\n'
        f'"{ARABIC_TEXT}",Syria TV,,x,surplus\n'
        '"Two lines\nin one cell, as the town of Binnish was shelled by the army.",,,\n'
        ",,,\n"  # a blank row, as spreadsheets leave them: skipped, not an error
        f"{ARABIC_TEXT},Syria TV,,\n",
        encoding="utf-8",
    )
    result = ingest_paths([sheet])
    assert [e.path for e in result.errors] == [f"{sheet}:{n}" for n in (3, 4, 5)]
    assert "empty" in result.errors[0].reason
    assert "yesterday" in result.errors[1].reason
    assert "5 cells but the header has 4" in result.errors[2].reason
    assert [a.source_path for a in result.articles] == [f"{sheet}:{n}" for n in (2, 6, 8)]
    first, multiline, arabic = result.articles
    assert (first.outlet, first.published) == ("AFP", dt.date(2014, 9, 22))
    assert multiline.text.startswith("Two lines\nin one cell")
    assert (multiline.outlet, multiline.published) == (None, None)
    assert (arabic.language, arabic.outlet) == ("ar", "Syria TV")


def test_csv_semicolon_separated(tmp_path: Path) -> None:
    (tmp_path / "eu.csv").write_text(f"outlet;text\nAFP;{GOOD_TEXT}\n", encoding="utf-8")
    [article] = ingest_paths([tmp_path]).articles
    assert (article.outlet, article.text) == ("AFP", GOOD_TEXT)


def test_csv_without_text_column_is_one_error(tmp_path: Path) -> None:
    sheet = tmp_path / "notext.csv"
    sheet.write_text("body,outlet\nsomething,AFP\nelse,AFP\n", encoding="utf-8")
    result = ingest_paths([sheet])
    assert result.articles == []
    [error] = result.errors
    assert error.path == str(sheet)
    assert "no 'text' column" in error.reason and "'body'" in error.reason


# --- bad inputs: one error each, the good file next to it still read ----------------------------
def _make_sparse(path: Path) -> None:
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: instant, and no disk used


BAD_FILES = {
    "empty file": ("empty.txt", lambda p: p.write_bytes(b""), "empty"),
    "whitespace only": ("blank.txt", lambda p: p.write_text(" \n\t \n", encoding="utf-8"), "empty"),
    "NUL bytes": ("nul.txt", lambda p: p.write_bytes(b"\x00\x01\x02PNG\x00"), "binary"),
    "mostly non-text": ("noise.txt", lambda p: p.write_bytes(bytes(range(1, 32)) * 20), "binary"),
    "latin-1": ("latin1.txt", lambda p: p.write_bytes("Café bombed".encode("latin-1")), "UTF-8"),
    "too large": ("huge.txt", _make_sparse, "larger than 5 MB"),
    "unknown extension": ("notes.docx", lambda p: p.write_bytes(b"PK\x03\x04"), "unknown format"),
    "html without article": (
        "menu.html",
        lambda p: p.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>"),
        "no article text",
    ),
    "jsonl empty": ("rows.jsonl", lambda p: p.write_text("\n\n", encoding="utf-8"), "empty"),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_bad_file_gives_one_error_and_the_rest_is_read(tmp_path: Path, case: str) -> None:
    name, make, reason = BAD_FILES[case]
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    make(tmp_path / name)
    result = ingest_paths([tmp_path])
    [error] = result.errors
    assert error.path == str(tmp_path / name)
    assert reason in error.reason
    assert "\n" not in error.reason
    assert [a.source_path for a in result.articles] == [str(tmp_path / "good.txt")]


def test_too_large_file_is_refused_before_it_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.txt"
    _make_sparse(huge)
    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object) -> object:
        opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    [error] = ingest_paths([huge]).errors
    assert "(5.0 MB)" in error.reason
    assert opened == []


SIDECARS = {
    "bad JSON": ('{"outlet": "AFP",}', "not valid JSON"),
    "bad date": ('{"published": "last Tuesday"}', "last Tuesday"),
    "not an object": ('["AFP"]', "JSON object"),
    "bad language": ('{"language": "Arabic"}', "ISO 639-1"),
    "wrong type": ('{"outlet": 12}', "'outlet' must be a string"),
}


@pytest.mark.parametrize("case", list(SIDECARS), ids=list(SIDECARS))
def test_malformed_sidecar_is_an_error_for_its_article(tmp_path: Path, case: str) -> None:
    content, reason = SIDECARS[case]
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "x.txt").write_text(ARABIC_TEXT, encoding="utf-8")
    (tmp_path / "x.json").write_text(content, encoding="utf-8")
    result = ingest_paths([tmp_path])
    [error] = result.errors
    assert error.path == str(tmp_path / "x.txt")
    assert "x.json" in error.reason and reason in error.reason
    assert [a.source_path for a in result.articles] == [str(tmp_path / "good.txt")]


def test_missing_path_is_an_error_and_other_paths_are_read(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    result = ingest_paths([tmp_path / "nope.txt", tmp_path / "good.txt"])
    [error] = result.errors
    assert error.path == str(tmp_path / "nope.txt")
    assert "does not exist" in error.reason
    assert len(result.articles) == 1


def test_unreadable_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, for whom chmod 000 changes nothing: simulate the refusal.
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "locked.txt").write_text(GOOD_TEXT + " Locked.", encoding="utf-8")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    result = ingest_paths([tmp_path])
    [error] = result.errors
    assert error.path == str(tmp_path / "locked.txt")
    assert "Permission denied" in error.reason
    assert len(result.articles) == 1


# --- sidecars alone, walking ---------------------------------------------------------------------
def test_lone_sidecar_in_folder_is_a_note_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "orphan.json").write_text('{"outlet": "AFP"}', encoding="utf-8")
    result = ingest_paths([tmp_path])
    assert result.errors == []
    [note] = result.skipped
    assert note.path == str(tmp_path / "orphan.json")
    assert len(result.articles) == 1


def test_json_named_explicitly(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "a.json").write_text('{"outlet": "AFP"}', encoding="utf-8")
    (tmp_path / "articles.json").write_text(f'[{{"text": "{GOOD_TEXT}"}}]', encoding="utf-8")
    result = ingest_paths([tmp_path / "a.json", tmp_path / "articles.json"])
    assert result.articles == []
    [error] = result.errors  # a lone .json given on purpose: tell the user to use .jsonl
    assert error.path == str(tmp_path / "articles.json") and ".jsonl" in error.reason
    [note] = result.skipped  # a sidecar given on purpose: read with its article
    assert note.path == str(tmp_path / "a.json")


def test_walk_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "two.txt").write_text(GOOD_TEXT + " Two.", encoding="utf-8")
    (tmp_path / "a.txt").write_text(GOOD_TEXT + " One.", encoding="utf-8")
    (tmp_path / "c.txt").write_text(GOOD_TEXT + " Three.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".git" / "config.txt").write_text("[core]", encoding="utf-8")
    result = ingest_paths([tmp_path])
    assert result.errors == []
    assert [a.source_path for a in result.articles] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b" / "two.txt"),
        str(tmp_path / "c.txt"),
    ]


# --- duplicates ----------------------------------------------------------------------------------
def test_same_content_is_a_duplicate_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Line one.\nLine two of the report.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"Line one.\r\n  Line two of the report.\r\n")  # re-saved
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"text": "Line one. Line two of the report."}) + "\n", encoding="utf-8"
    )
    result = ingest_paths([tmp_path])
    assert result.errors == []
    assert [a.source_path for a in result.articles] == [str(tmp_path / "a.txt")]
    assert result.duplicates == [str(tmp_path / "b.txt"), f"{tmp_path / 'c.jsonl'}:1"]


# --- overrides -----------------------------------------------------------------------------------
def test_cli_overrides_win_over_sidecars_pages_and_rows(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARABIC_TEXT, encoding="utf-8")
    (tmp_path / "a.json").write_text(
        '{"outlet": "Sidecar", "published": "2020-01-01", "language": "ar", "title": "T"}',
        encoding="utf-8",
    )
    (tmp_path / "page.html").write_text(ENGLISH_PAGE, encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text(
        json.dumps({"text": GOOD_TEXT, "outlet": "Row", "published": "2019-05-05"}) + "\n",
        encoding="utf-8",
    )
    result = ingest_paths([tmp_path], language="fr", published=dt.date(2021, 2, 3), outlet="Option")
    assert result.errors == []
    assert len(result.articles) == 3
    for article in result.articles:
        assert (article.language, article.published, article.outlet) == (
            "fr",
            dt.date(2021, 2, 3),
            "Option",
        )
    assert _by_name(result)["a.txt"].title == "T"  # what no option covers still comes through


def test_bad_language_option_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    result = ingest_paths([tmp_path], language="English")
    assert result.articles == []
    [error] = result.errors
    assert error.path == "--language" and "ISO 639-1" in error.reason
