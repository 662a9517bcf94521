"""Read article files into `Article` objects: plain text, HTML, JSON Lines and CSV.

One bad file (or one bad row) never stops a batch: it becomes an `IngestError` with a one-line
reason saying what is wrong and what to do, and everything else is still read.

Formats
    .txt          UTF-8 text (BOM allowed; UTF-16/32 with a BOM too). Metadata from a sidecar.
    .html/.htm    main text extracted with trafilatura (navigation, share buttons, related
                  articles dropped); title, date, site name and URL from the page unless the
                  sidecar says otherwise.
    .jsonl        one JSON object per line: `text` plus optional url, outlet, language,
                  published, title, id. Errors name `file:line`.
    .csv          a header row with a `text` column plus the same optional columns; `,`, `;` or
                  tab separated. Errors name `file:row`, the header being row 1 as in a sheet.

Sidecars: `NAME.json` next to `NAME.txt` / `NAME.html` (same stem: `x.ar.txt` -> `x.ar.json`)
with keys url, outlet, language, published (ISO date or null), title. A malformed sidecar is
an error for its article: metadata is never guessed around a broken file. `.json` files are
never articles. While walking a folder, a sidecar with no article next to it and README /
LICENSE files are not errors: they are listed in `IngestResult.skipped`. A `.json` named
explicitly with no article next to it is an error (the user expected it to be read).

Precedence of metadata: CLI option > row / sidecar > page (HTML) > detection. `published` is
never invented: without a sidecar date, an option or a date in the HTML page it is None.

Decisions worth knowing:
- The `id` key of JSONL rows / CSV columns is accepted (articles exported from the store carry
  it) but ignored: the article id is always the content hash, so re-saved copies dedupe.
- Unknown keys and columns are ignored, so spreadsheets with extra columns still load.
- Article text is stored with line endings unified to "\\n", in NFC, stripped at both ends;
  evidence offsets refer to that stored text.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from coder.models import Article

MAX_BYTES = 5 * 1024 * 1024
SUPPORTED = (".txt", ".html", ".htm", ".jsonl", ".csv")
SIDECAR = ".json"
#: Article files that can own a sidecar; JSONL/CSV carry their metadata per row.
SIDECAR_OWNERS = (".txt", ".html", ".htm")
#: Keys read from sidecars, JSONL rows and CSV columns (besides `text` and the ignored `id`).
METADATA_KEYS = ("url", "outlet", "language", "published", "title")
#: File stems that are documentation, not articles, when met while walking a folder.
DOC_STEMS = frozenset({"readme", "license", "licence", "changelog", "notice", "copying"})
#: An HTML page whose extracted text has fewer letters than this has no article: on near-empty
#: pages trafilatura's fallbacks return menu labels ("Home News") rather than nothing.
MIN_HTML_LETTERS = 40
#: Share of control characters above which decoded text is taken for binary data.
MAX_CONTROL_SHARE = 0.05
#: Language detection looks at the start of the text only: enough to decide, bounded cost.
DETECT_SAMPLE = 20_000


@dataclass(frozen=True)
class IngestError:
    """A file or row that could not be read, and why."""

    path: str  # file (and row, e.g. "batch.jsonl:17") that failed
    reason: str  # one line: what is wrong and what to do


@dataclass
class IngestResult:
    """What a batch produced."""

    articles: list[Article]
    errors: list[IngestError]
    duplicates: list[str]  # paths skipped: same content hash as an article already read
    #: files deliberately not read while walking folders (lone sidecars, READMEs): not errors
    skipped: list[IngestError] = field(default_factory=list)


class _Bad(Exception):
    """Raised inside the readers; becomes an IngestError with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _NotUtf8(_Bad):
    """Bytes that are not UTF-8; HTML may still be readable through its declared charset."""


@dataclass(frozen=True)
class _Draft:
    """Text and metadata of one article before it becomes an `Article`."""

    text: str
    meta: dict[str, Any]
    source: str
    fallback_language: str | None = None  # e.g. <html lang>, used only when detection is unsure


# --- ids, text and language ----------------------------------------------------------------------
def article_id(text: str) -> str:
    """First 16 hex digits of the SHA-256 of the text, NFC, whitespace collapsed and stripped.

    Collapsing whitespace makes a copy re-saved with other line endings or wrapping the same
    article; a leading BOM is dropped for the same reason.
    """
    canonical = " ".join(unicodedata.normalize("NFC", text.lstrip("\ufeff")).split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def clean_text(text: str) -> str:
    """Article text as stored: "\\n" line endings, NFC, no leading/trailing whitespace."""
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", unified).strip()


_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x08A0, 0x08FF, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0E00, 0x0E7F, "thai"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"),
    (0x1E00, 0x1EFF, "latin"),
    (0x1F00, 0x1FFF, "greek"),
    (0x3040, 0x30FF, "kana"),
    (0x3130, 0x318F, "hangul"),
    (0x4E00, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "hangul"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
)
#: Scripts used by (nearly) one language. Cyrillic and Devanagari are not: 'und' for them.
_SCRIPT_LANGUAGE = {
    "greek": "el",
    "armenian": "hy",
    "hebrew": "he",
    "thai": "th",
    "georgian": "ka",
    "hangul": "ko",
}
_PERSIAN_LETTERS = frozenset("پچژگکی")
_URDU_LETTERS = frozenset("ٹڈڑںےہ")
_ARABIC_ONLY_LETTERS = frozenset("ةيكى")


def _words(spaced: str) -> frozenset[str]:
    """A word set written as one space-separated string, to keep the lists compact."""
    return frozenset(spaced.split())


#: Small, fairly distinctive stop-word lists; scoring needs a clear winner (see detect_language).
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the of and to a in is was that for on with by as at from were are has have had it its"
        " this which said after but be an not they their he his she her been who will"
    ),
    "fr": _words(
        "le la les des du une et est dans pour qui sur au aux par avec ne pas ont été il elle"
        " cette ces son sa leur selon"
    ),
    "es": _words("el los las del y en por con para su al fue como más pero una sus según este esta han"),
    "pt": _words("o os do da dos das em um uma não com foi ao à são também pelo pela seu sua segundo"),
    "it": _words("il gli della delle nel nella che è non sono anche dei alla degli ha di lo"),
    "de": _words(
        "der die das und ist nicht ein eine den dem des mit auf für von zu im sich wurde sind"
        " wurden bei am aus einen nach hat haben wie"
    ),
    # not 'de'/'en': the commonest Dutch words are also French and Spanish ones
    "nl": _words("het een van dat op te zijn niet met voor werd door ook naar bij hebben"),
}
_WORD = re.compile(r"[^\W\d_]+")


def _script(ch: str) -> str | None:
    """Script of one letter, None for letters of scripts we do not tell apart."""
    code = ord(ch)
    if code < 0x0250:
        return "latin"
    for low, high, name in _SCRIPT_RANGES:
        if low <= code <= high:
            return name
    return None


def _arabic_script_language(letters: list[str]) -> str:
    """Arabic, Persian or Urdu from the letters only one of them uses; 'und' for other
    Arabic-script languages (Kurdish, Pashto...), whose extra letters we do not know well."""
    n = len(letters)
    urdu = sum(ch in _URDU_LETTERS for ch in letters)
    persian = sum(ch in _PERSIAN_LETTERS for ch in letters)
    arabic_only = sum(ch in _ARABIC_ONLY_LETTERS for ch in letters)
    # letters outside basic Arabic (U+0621-064A) and the Persian/Urdu additions
    other = sum(
        not ("\u0621" <= ch <= "\u064a") and ch not in _PERSIAN_LETTERS | _URDU_LETTERS for ch in letters
    )
    if other > 0.01 * n:
        return "und"
    if urdu > 0.02 * n:
        return "ur"
    return "fa" if persian > arabic_only else "ar"


def _latin_language(text: str) -> str:
    """Language of Latin-script text by stop words: a clear winner, else 'und'."""
    words = _WORD.findall(text.lower())
    if not words:
        return "und"
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    # Stop words share spellings across languages ('a', 'in', 'que'): demand a margin.
    if top >= 2 and top >= 0.1 * len(words) and top >= 2 * second:
        return best
    return "und"


def detect_language(text: str) -> str:
    """ISO 639-1 code of `text` from its script (Arabic, Hebrew, Greek, CJK...) and, for Latin
    script, from stop words (en, fr, es, pt, it, de, nl). 'und' when unsure."""
    sample = text[:DETECT_SAMPLE]
    by_script: dict[str, list[str]] = {}
    for ch in sample:
        if ch.isalpha():
            script = _script(ch)
            by_script.setdefault(script or "other", []).append(ch)
    total = sum(len(letters) for letters in by_script.values())
    if total < 3:
        return "und"
    cjk = len(by_script.get("han", [])) + len(by_script.get("kana", []))
    if cjk > 0.6 * total:
        # Japanese mixes kanji with kana; Chinese has no kana.
        return "ja" if len(by_script.get("kana", [])) > 0.1 * cjk else "zh"
    script, letters = max(by_script.items(), key=lambda item: len(item[1]))
    if len(letters) < 0.6 * total:
        return "und"
    if script == "arabic":
        return _arabic_script_language(letters)
    if script == "latin":
        return _latin_language(sample)
    return _SCRIPT_LANGUAGE.get(script, "und")


# --- metadata ------------------------------------------------------------------------------------
def _language_code(value: object) -> str:
    """Validate a language given by a user: 'ar', 'EN', 'en-GB' -> ISO 639-1 lower case."""
    if not isinstance(value, str):
        raise _Bad(f"language must be a string such as 'en' or 'ar', not {value!r}")
    primary = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    if primary != "und" and not re.fullmatch(r"[a-z]{2}", primary):
        raise _Bad(f"language {value!r} is not an ISO 639-1 code such as 'en' or 'ar'")
    return primary


def _parse_published(value: object) -> date | None:
    """An ISO date ('2020-10-22', or a full ISO timestamp: its date part) or None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _Bad(f"published {value!r} is not an ISO date string (YYYY-MM-DD) or null")
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise _Bad(f"published {value!r} is not an ISO date (YYYY-MM-DD); fix it or use null") from None


def _parse_metadata(raw: dict[str, Any]) -> dict[str, Any]:
    """Validated metadata from a sidecar, JSONL row or CSV row; empty values are left out."""
    meta: dict[str, Any] = {}
    for key in ("url", "outlet", "title"):
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _Bad(f"'{key}' must be a string or null, not {type(value).__name__}")
        value = " ".join(value.split())
        if value:
            meta[key] = value
    language = raw.get("language")
    if language is not None and not (isinstance(language, str) and not language.strip()):
        meta["language"] = _language_code(language)
    published = _parse_published(raw.get("published"))
    if published is not None:
        meta["published"] = published
    return meta


# --- bytes -> text -------------------------------------------------------------------------------
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; too large or unreadable files raise before reading them whole."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _Bad(_too_large(size))
        with path.open("rb") as handle:
            # read one byte more than allowed: the file may have grown since stat()
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _Bad("does not exist (broken link or moved?); check the path") from None
    except OSError as exc:
        raise _Bad(f"cannot be read ({exc.strerror or exc}); check its permissions") from None
    if len(data) > MAX_BYTES:
        raise _Bad(_too_large(len(data)))
    return data


def _too_large(size: int) -> str:
    mb = size / (1024 * 1024)
    return f"larger than 5 MB ({mb:.1f} MB); split it into smaller files"


def _control_share(text: str) -> float:
    """Share of control characters (other than tabs and line breaks) in `text`."""
    if not text:
        return 0.0
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS for ch in text)
    return controls / len(text)


def decode_bytes(data: bytes) -> str:
    """Decode a text file: UTF-8 (BOM optional), or UTF-16/32 announced by a BOM.

    Raises _Bad for empty, binary or undecodable data; no other encoding is guessed.
    """
    if not data:
        raise _Bad("empty file (0 bytes); remove it or add the article text")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise _Bad(
                    f"starts with a {codec} byte-order mark but is not valid {codec}"
                    f" (offset {exc.start + len(bom)}); re-save the file as UTF-8"
                ) from None
            break
    else:
        if b"\x00" in data:
            raise _Bad(
                "binary file (contains NUL bytes; or UTF-16 without a byte-order mark);"
                " give UTF-8 text, HTML, JSONL or CSV"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if _control_share(data.decode("latin-1")) > MAX_CONTROL_SHARE:
                raise _Bad("binary file (mostly non-text bytes); give a text file") from None
            raise _NotUtf8(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start});"
                " re-save the file as UTF-8"
            ) from None
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise _Bad("binary file (mostly control characters); give a text file")
    return text


def _decode_text(data: bytes) -> str:
    """Decoded text that is not empty or whitespace only."""
    text = decode_bytes(data)
    if not text.strip():
        raise _Bad("empty (whitespace only); remove it or add the article text")
    return text


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _decode_html(data: bytes) -> str:
    """Decode HTML: as text files, or, when not UTF-8, with the charset the page declares
    (saved pages often are windows-1256 or latin-1 and say so)."""
    try:
        return _decode_text(data)
    except _NotUtf8 as not_utf8:
        match = _META_CHARSET.search(data[:4096])
        if match is None:
            raise
        declared = match.group(1).decode("ascii")
        try:
            return data.decode(codecs.lookup(declared).name)
        except (LookupError, UnicodeDecodeError):
            raise _Bad(f"{not_utf8.reason} (declared charset {declared!r} fails too)") from None


# --- HTML ----------------------------------------------------------------------------------------
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})\b""", re.I)


def html_to_text(html: str) -> tuple[str, dict]:
    """Main text of an HTML page, without navigation, share buttons or related articles.

    Metadata found in the page, keys present only when found: 'title', 'date' (a
    `datetime.date`), 'sitename', 'url' (canonical), 'language' (the <html lang> code).
    Dates come from the page's metadata and address only, not from the article body, where
    they would be event dates.
    """
    import trafilatura  # slow to import; only HTML needs it

    doc = trafilatura.bare_extraction(
        html,
        include_comments=False,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    meta: dict[str, Any] = {}
    lang = _HTML_LANG.search(html[:4096])
    if lang and re.fullmatch(r"[a-z]{2}", lang.group(1).lower()):
        meta["language"] = lang.group(1).lower()
    if doc is None:
        return "", meta
    for key in ("title", "sitename", "url"):
        value = getattr(doc, key, None)
        if isinstance(value, str) and value.strip():
            meta[key] = " ".join(value.split())
    try:
        found = _parse_published(doc.date)
    except _Bad:
        found = None  # an unparseable page date is no date, never a guessed one
    if found is not None:
        meta["date"] = found
    return doc.text or "", meta


# --- readers: one file -> drafts and row errors --------------------------------------------------
def _read_sidecar(article: Path) -> dict[str, Any]:
    """Validated metadata of the sidecar next to `article`, {} when there is none."""
    sidecar = article.with_suffix(SIDECAR)
    if not sidecar.is_file():
        return {}
    name = sidecar.name
    try:
        raw = json.loads(decode_bytes(_read_bytes(sidecar)))
    except _Bad as exc:
        raise _Bad(f"sidecar {name}: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise _Bad(
            f"sidecar {name} is not valid JSON ({exc.msg} at line {exc.lineno} column"
            f" {exc.colno}); fix it or delete it"
        ) from None
    if not isinstance(raw, dict):
        raise _Bad(f"sidecar {name} must be a JSON object with url, outlet, language, ...")
    try:
        return _parse_metadata(raw)
    except _Bad as exc:
        raise _Bad(f"sidecar {name}: {exc.reason}") from None


Drafts = tuple[list[_Draft], list[IngestError]]
#: drafts, errors, and notes about files deliberately not read
Outcome = tuple[list[_Draft], list[IngestError], list[IngestError]]


def _read_txt(path: Path, source: str) -> Drafts:
    text = _decode_text(_read_bytes(path))
    return [_Draft(text, _read_sidecar(path), source)], []


def _read_html(path: Path, source: str) -> Drafts:
    body, page = html_to_text(_decode_html(_read_bytes(path)))
    letters = sum(ch.isalpha() for ch in body)
    if letters < MIN_HTML_LETTERS:
        raise _Bad(
            f"no article text found in the HTML ({letters} letters left after removing"
            " navigation and boilerplate); save the article as .txt instead"
        )
    meta: dict[str, Any] = {"title": page.get("title"), "url": page.get("url")}
    meta |= {"outlet": page.get("sitename"), "published": page.get("date")}
    meta = {k: v for k, v in meta.items() if v is not None} | _read_sidecar(path)
    return [_Draft(body, meta, source, page.get("language"))], []


def _row_draft(raw: dict[str, Any], source: str) -> _Draft:
    """Draft from one JSONL object / CSV row; raises _Bad naming what is wrong."""
    text = raw.get("text")
    if text is None:
        raise _Bad("no 'text' field; every row needs the article text")
    if not isinstance(text, str):
        raise _Bad(f"'text' must be a string, not {type(text).__name__}")
    if not text.strip():
        raise _Bad("'text' is empty; remove the row or add the article text")
    return _Draft(text, _parse_metadata(raw), source)


def _read_jsonl(path: Path, source: str) -> Drafts:
    text = _decode_text(_read_bytes(path))
    drafts: list[_Draft] = []
    errors: list[IngestError] = []
    # split on "\n" only: str.splitlines would also break on U+2028, legal inside JSON strings
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(IngestError(where, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(raw, dict):
            errors.append(IngestError(where, "not a JSON object; each line must be {'text': ...}"))
            continue
        try:
            drafts.append(_row_draft(raw, where))
        except _Bad as exc:
            errors.append(IngestError(where, exc.reason))
    return drafts, errors


def _csv_delimiter(text: str) -> str:
    """',' unless the header row only has a `text` column when split by ';' or tab."""
    first = text.split("\n", 1)[0]
    for delimiter in (",", ";", "\t"):
        header = next(csv.reader([first], delimiter=delimiter), [])
        if "text" in (cell.strip().lower() for cell in header):
            return delimiter
    return ","


def _read_csv(path: Path, source: str) -> Drafts:
    text = _decode_text(_read_bytes(path))
    delimiter = _csv_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except csv.Error as exc:
        raise _Bad(f"unreadable CSV header row ({exc})") from None
    if "text" not in header:
        found = ", ".join(repr(cell) for cell in header if cell) or "none"
        raise _Bad(f"no 'text' column in the header row (columns: {found}); add one")
    repeated = sorted({cell for cell in header if cell and header.count(cell) > 1})
    if repeated:
        raise _Bad(f"column(s) {', '.join(repeated)} appear twice in the header; keep one")
    drafts: list[_Draft] = []
    errors: list[IngestError] = []
    number = 1  # rows counted as in a spreadsheet: the header is row 1
    while True:
        number += 1
        where = f"{source}:{number}"
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(IngestError(where, f"unreadable CSV row ({exc})"))
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            errors.append(
                IngestError(
                    where,
                    f"{len(row)} cells but the header has {len(header)}; quote cells that"
                    f" contain {delimiter!r}",
                )
            )
            continue
        try:
            drafts.append(_row_draft(dict(zip(header, row, strict=False)), where))
        except _Bad as exc:
            errors.append(IngestError(where, exc.reason))
    return drafts, errors


_READERS = {
    ".txt": _read_txt,
    ".html": _read_html,
    ".htm": _read_html,
    ".jsonl": _read_jsonl,
    ".csv": _read_csv,
}


# --- walking -------------------------------------------------------------------------------------
def _walk(folder: Path) -> list[Path]:
    """Files under `folder`, recursively, sorted, hidden files and folders left out."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(Path(dirpath) / name for name in filenames if not name.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def _has_article(sidecar: Path) -> bool:
    return any(sidecar.with_suffix(suffix).is_file() for suffix in SIDECAR_OWNERS)


def _sidecar_file(path: Path, explicit: bool) -> Outcome:
    """A `.json` file: never an article; only an error when named alone on purpose."""
    source = str(path)
    if _has_article(path):
        # read with its article; named explicitly, say why nothing came of it
        notes = [IngestError(source, "sidecar metadata, read with the article next to it")]
        return [], [], notes if explicit else []
    if not explicit:
        return [], [], [IngestError(source, "sidecar with no .txt/.html article next to it")]
    reason = (
        "a .json file is only read as the sidecar of NAME.txt/NAME.html and none is next"
        " to it; put many articles in a .jsonl file (one JSON object per line)"
    )
    return [], [IngestError(source, reason)], []


def _read_file(path: Path, explicit: bool) -> Outcome:
    """Drafts, errors and notes of one file.

    `explicit` files were named by the user; the others were found walking a folder, where
    README-like files are passed over with a note.
    """
    source = str(path)
    suffix = path.suffix.lower()
    if suffix == SIDECAR:
        return _sidecar_file(path, explicit)
    if not explicit and path.name.split(".", 1)[0].lower() in DOC_STEMS:
        return [], [], [IngestError(source, "documentation file, not an article")]
    reader = _READERS.get(suffix)
    if reader is None:
        shown = f"extension {path.suffix!r}" if path.suffix else "no extension"
        reason = f"unknown format ({shown}); supported: {', '.join(SUPPORTED)}"
        return [], [IngestError(source, reason)], []
    try:
        drafts, errors = reader(path, source)
    except _Bad as exc:
        return [], [IngestError(source, exc.reason)], []
    return drafts, errors, []


# --- assembling --------------------------------------------------------------------------------
def _to_article(draft: _Draft, overrides: dict[str, Any]) -> Article:
    """The article of a draft; `overrides` (CLI options) win over everything the file says."""
    text = clean_text(draft.text)
    meta = draft.meta | overrides
    language = meta.get("language") or detect_language(text)
    if language == "und" and draft.fallback_language:
        language = draft.fallback_language
    return Article(
        id=article_id(text),
        text=text,
        title=meta.get("title"),
        url=meta.get("url"),
        outlet=meta.get("outlet"),
        language=language,
        published=meta.get("published"),
        source_path=draft.source,
    )


def _overrides(language: str | None, published: date | None, outlet: str | None) -> dict[str, Any]:
    """CLI options that were given, validated (raises _Bad for a bad language)."""
    given: dict[str, Any] = {}
    if language is not None:
        given["language"] = _language_code(language)
    if published is not None:
        given["published"] = _parse_published(published)
    if outlet is not None and outlet.strip():
        given["outlet"] = " ".join(outlet.split())
    return given


def ingest_paths(
    paths: Iterable[Path],
    *,
    language: str | None = None,
    published: date | None = None,
    outlet: str | None = None,
) -> IngestResult:
    """Read files and folders (walked recursively, sorted, hidden files skipped) into articles.

    `language`, `published` and `outlet`, when given, override what files and sidecars say.
    Nothing raises for bad input: each problem is an error in the result, the rest is read.
    A bad `language` option is the one error that stops the batch, since it applies to all.
    """
    result = IngestResult(articles=[], errors=[], duplicates=[])
    try:
        overrides = _overrides(language, published, outlet)
    except _Bad as exc:
        result.errors.append(IngestError("--language", exc.reason))
        return result
    seen: set[str] = set()
    for given in paths:
        given = Path(given)
        if given.is_dir():
            files = [(path, False) for path in _walk(given)]
        elif given.exists() or given.is_symlink():
            files = [(given, True)]
        else:
            result.errors.append(IngestError(str(given), "does not exist; check the path"))
            continue
        for path, explicit in files:
            drafts, errors, notes = _read_file(path, explicit)
            result.errors.extend(errors)
            result.skipped.extend(notes)
            for draft in drafts:
                article = _to_article(draft, overrides)
                if article.id in seen:
                    result.duplicates.append(draft.source)
                    continue
                seen.add(article.id)
                result.articles.append(article)
    return result
