"""The Chinese/English c-TF-IDF tokeniser and vectorizer."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize(("text", "expected"), [
    ("店铺券嘛能不能叠加", ["店铺券", "叠加"]),     # 嘛 glued to 券 by jieba
    ("发票写错了能重开吗", ["发票", "写错", "重开"]),  # not "了能"
    ("能放冰箱吗", ["冰箱"]),                      # not "能放"
    ("新鲜吗发得快吗", ["新鲜"]),                  # not "发得"
    ("能量棒好吃吗", ["能量棒", "好吃"]),           # a noun that starts with 能 is kept whole
    ("希望给个解决方案", []),                       # a demand any complaint ends with
])
def test_glued_particles_and_demands_make_no_keyword(text, expected):
    assert tokenize(text) == expected


def test_negated_service_verbs_stay_whole_in_the_topic_tokeniser_only():
    """没收到 is "not received", not 没收 ("confiscate") + 到; the user words are the topic
    tokeniser's own: jieba's global tokeniser (the sentiment cues') does not get them."""
    import jieba

    assert tokenize("快递一直没收到") == ["快递", "没收到"]
    assert tokenize("退款没到账") == ["退款", "没到账"]
    assert "价太" not in tokenize("会员价太高了")
    assert tokenize("海关没收违禁品")[-2:] == ["没收", "违禁品"]  # the real word still reads as itself
    jieba.initialize()
    assert "没到账" not in jieba.dt.FREQ
