from __future__ import annotations

from coder.textnorm import find_normalized, name_key, normalize


def test_arabic_letter_variants_fold_together() -> None:
    # alef forms, ta marbuta, alef maqsura, tatweel, diacritics, Arabic-Indic digits
    assert normalize("إدلـب") == normalize("ادلب")
    assert normalize("مدينة") == normalize("مدينه")
    assert normalize("مستشفى") == normalize("مستشفي")
    assert normalize("قُتِلَ ٣") == "قتل 3"


def test_name_key_ignores_case_accents_hyphens_and_al() -> None:
    assert name_key("Deir-ez-Zor") == name_key("deir ez zor")
    assert name_key("Al-Bukamal") == name_key("Bukamal") == name_key("al Bukamal")
    assert name_key("البوكمال") == name_key("بوكمال")
    assert name_key("Sāo Tomé") == name_key("Sao Tome")


def test_find_normalized_returns_span_in_original_text() -> None:
    text = "قالت مصادر: قُتِل ٣ مدنيين في  مدينة إدلب."
    span = find_normalized(text, "قتل 3 مدنيين في مدينه ادلب")
    assert span is not None
    assert text[span[0] : span[1]] == "قُتِل ٣ مدنيين في  مدينة إدلب"
    assert find_normalized(text, "قتل 4 مدنيين") is None


def _reference_normalize_with_map(text: str) -> tuple[str, list[int]]:
    """The definition, character by character: fold each one, collapse runs of spaces."""
    from coder.textnorm import _fold_char

    out: list[str] = []
    offsets: list[int] = []
    prev_space = False
    for i, ch in enumerate(text):
        for f in _fold_char(ch):
            if f == " " and prev_space:
                continue
            prev_space = f == " "
            out.append(f)
            offsets.append(i)
    return "".join(out), offsets


def test_normalize_with_map_matches_its_definition_on_random_text() -> None:
    import random

    from coder.textnorm import normalize_with_map

    # letters, Arabic with diacritics and tatweel, zero-width and direction marks, accents that
    # decompose, ligatures that expand (ﬁ, ﷲ), every kind of whitespace
    pool = list("abcXYZ é-'\u2019") + list("الأإآةىؤئ٣۴") + [
        "\u064e", "\u0651", "\u0640", "\u200b", "\u200f", "\ufeff", "\ufb01", "\ufdf2",
        "\n", "\t", "\u00a0", "  ", "\u00a8", "İ",
    ]  # fmt: skip
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        assert normalize_with_map(text) == _reference_normalize_with_map(text), repr(text)
