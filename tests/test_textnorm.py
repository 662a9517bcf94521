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
