"""The Chinese/English c-TF-IDF tokeniser and vectorizer."""

from __future__ import annotations

from ml.topics.representation import make_vectorizer, tokenize


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
