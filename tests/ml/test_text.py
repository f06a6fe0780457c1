"""Language detection and the Chinese/English c-TF-IDF tokeniser."""

from __future__ import annotations

import pytest

from ml.text import detect_language, has_chinese, make_vectorizer, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的快递还没到", "zh"),
        ("my parcel has not arrived", "en"),
        ("我的 iPhone charger 坏了 and the refund is late", "mixed"),
        ("", "unknown"),
        (None, "unknown"),
        ("12345 !!!", "unknown"),
        ("我买的iPhone充电器坏了，很失望", "zh"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_tokenize_drops_punctuation_spaces_and_stop_words():
    tokens = tokenize("我的快递，三天了 还没到！The parcel is late.")
    assert "快递" in tokens and "parcel" in tokens and "late" in tokens
    for junk in ("，", "！", " ", "的", "the", "is", "."):
        assert junk not in tokens


def test_vectorizer_builds_chinese_vocabulary():
    vectorizer = make_vectorizer(min_df=1)
    vectorizer.fit(["快递太慢了", "快递没收到", "退款还没到账"])
    vocab = set(vectorizer.get_feature_names_out())
    assert "快递" in vocab and "退款" in vocab
    assert not any(v.strip() in {"", "，", "了"} for v in vocab)


def test_has_chinese():
    assert has_chinese(["hello", "你好"])
    assert not has_chinese(["hello", "world"])
