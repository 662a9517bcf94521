"""Text normalisation shared by every matcher (gazetteer, actors, dates, evidence grounding).

Matching must survive what writers and models change without changing the meaning:
case, accents, hyphens, Arabic letter variants (alef/hamza forms, ta marbuta, alef maqsura),
tatweel, diacritics, Arabic-Indic digits, typographic quotes and whitespace.

`normalize_with_map` also returns, for each character of the normalised string, the offset
of the character it came from, so a match found in normalised text maps back to a span of
the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_CHAR_MAP = str.maketrans(
    {
        # alef and hamza forms -> bare alef / ya / waw
        "\u0622": "\u0627",  # آ
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0671": "\u0627",  # ٱ
        "\u0624": "\u0648",  # ؤ -> و
        "\u0626": "\u064a",  # ئ -> ي
        "\u0649": "\u064a",  # ى -> ي
        "\u0629": "\u0647",  # ة -> ه
        "\u06cc": "\u064a",  # Persian yeh
        "\u06a9": "\u0643",  # Persian kaf
        # Arabic-Indic and Eastern Arabic-Indic digits
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        # quotes, dashes and punctuation variants
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',  # „
        "\u201f": '"',
        "\u2039": "'",  # ‹ ›
        "\u203a": "'",
        "\u2032": "'",  # prime, typed for an apostrophe
        "\u0060": "'",  # backtick
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u060c": ",",  # Arabic comma
        "\u061b": ";",
        "\u061f": "?",
        "\u066b": ".",
        "\u066c": ",",
    }
)
# tatweel, zero-width space/joiners, direction marks, BOM
_DROP = {"\u0640", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u061c", "\ufeff"}


@cache
def _fold_char(ch: str) -> str:
    """Fold one character; may return '' (dropped) or several characters."""
    if ch in _DROP or _ARABIC_DIACRITICS.match(ch):
        return ""
    ch = ch.translate(_CHAR_MAP)
    if ch.isspace():
        return " "
    if ord(ch) < 128:
        return ch.lower()
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (base or ch).lower().translate(_CHAR_MAP)


# Every character seen so far mapped to its fold, for str.translate; those whose fold is not
# exactly one character (dropped or expanded) are kept apart because they shift offsets.
_FOLDS: dict[int, str] = {}
_IRREGULAR: set[str] = set()
_SPACE_RUN = re.compile(" {2,}")


def _learn(chars: set[str]) -> None:
    for ch in chars:
        folded = _fold_char(ch)
        _FOLDS[ord(ch)] = folded
        if len(folded) != 1:
            _IRREGULAR.add(ch)


@lru_cache(maxsize=256)
def _irregular_pattern(chars: frozenset[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalise `text`; return it with the original offset of every output character.

    Runs of whitespace collapse to one space. Leading/trailing whitespace is kept collapsed
    (not stripped) so offsets stay simple.
    """
    # Called for every sentence and every article by every matcher, so the work is done by
    # str.translate and slicing in C; Python loops only over the (rare) characters that are
    # dropped or expanded and over runs of whitespace.
    chars = set(text)
    unseen = {c for c in chars if ord(c) not in _FOLDS}
    if unseen:
        _learn(unseen)
    folded = text.translate(_FOLDS)
    irregular = chars & _IRREGULAR
    if irregular:
        offsets: list[int] = []
        pos = 0
        for m in _irregular_pattern(frozenset(irregular)).finditer(text):
            offsets.extend(range(pos, m.start()))
            offsets.extend([m.start()] * len(_FOLDS[ord(m.group())]))
            pos = m.end()
        offsets.extend(range(pos, len(text)))
    else:
        offsets = list(range(len(text)))
    if "  " in folded:  # a run of whitespace keeps its first character
        folded, offsets = _cut(
            folded, offsets, ((m.start() + 1, m.end()) for m in _SPACE_RUN.finditer(folded))
        )
    if "\u0627 \u062a" in folded:
        folded, offsets = _cut(folded, offsets, (m.span() for m in _SPLIT_PLURAL.finditer(folded)))
    return folded, offsets


# "القوا ت" for "القوات": a typing slip that splits the plural ending "ات" leaves a lone "ت",
# which is never a word; the space goes so the word is found again.
_SPLIT_PLURAL = re.compile(r"(?<=[\u0621-\u064a]\u0627) (?=\u062a(?![\u0621-\u064a]))")


def _cut(folded: str, offsets: list[int], spans: Iterable[tuple[int, int]]) -> tuple[str, list[int]]:
    """`folded` and `offsets` without the characters of `spans` (in order, not overlapping)."""
    pieces: list[str] = []
    kept: list[int] = []
    pos = 0
    for start, end in spans:
        pieces.append(folded[pos:start])
        kept.extend(offsets[pos:start])
        pos = end
    if not pieces:  # nothing to cut
        return folded, offsets
    pieces.append(folded[pos:])
    kept.extend(offsets[pos:])
    return "".join(pieces), kept


@lru_cache(maxsize=8)
def normalize_document(text: str) -> tuple[str, tuple[int, ...]]:
    """`normalize_with_map` of a whole article, memoised: the date, death-toll, cue and actor
    passes each need it, and folding 5 KB four times costs more than remembering it once."""
    norm, offsets = normalize_with_map(text)
    return norm, tuple(offsets)


def normalize(text: str) -> str:
    """Normalised form of `text` for comparisons (see module docstring)."""
    return normalize_with_map(text)[0].strip()


_NAME_PUNCT = re.compile(r"[-_'\".,()/]+")
_AL_PREFIX = re.compile(r"\b(?:al|el|ad|ar|as|ash|at|az|ez|an|ed|er|es|ad|ud)\s+(?=\w)")
_AR_AL = re.compile(r"(?:(?<=\s)|^)\u0627\u0644(?=\w{2,})")


# Latin letters Unicode does not decompose into a base letter and an accent.
_LATIN_EXTRA = str.maketrans({"ə": "a", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t"})


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Key for comparing place and actor names.

    Case-, accent-, hyphen- and "al-"-insensitive: "Deir-ez-Zor", "Deir ez Zor" and
    "deir al zor" differ only in what this removes; "Al-Bukamal" == "Bukamal";
    "البوكمال" == "بوكمال".
    """
    s = normalize(name).translate(_LATIN_EXTRA)
    s = _NAME_PUNCT.sub(" ", s)
    s = " " + " ".join(s.split()) + " "
    s = _AL_PREFIX.sub("", s)
    s = _AR_AL.sub("", s.strip())
    return " ".join(s.split())


def find_normalized(haystack: str, needle: str) -> tuple[int, int] | None:
    """Find `needle` in `haystack` after normalising both; return the span in `haystack`.

    Returns (start, end) offsets into the original `haystack`, or None.
    """
    norm_needle = normalize(needle)
    if not norm_needle:
        return None
    norm_hay, offsets = normalize_with_map(haystack)
    idx = norm_hay.find(norm_needle)
    if idx < 0:
        return None
    start = offsets[idx]
    end = offsets[idx + len(norm_needle) - 1] + 1
    return start, end
