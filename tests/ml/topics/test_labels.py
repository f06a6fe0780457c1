"""Readable topic labels: language, stop words, fillers and masks, never empty, unique."""

from __future__ import annotations

from ml.topics.labels import make_labels, topic_label
from ml.topics.representation import load_stopwords, tokenize

FILLER_ONLY = ["说实话", "麻烦", "急", "辛苦", "thx", "pls", "喽", "恩", "诶", "数字", "链接"]


def test_label_is_in_the_topics_language_and_skips_fillers():
    label, _ = topic_label(["说实话", "refund", "退款", "到账", "麻烦"], ["退款一直没到账", "退款什么时候到"])
    assert label == "退款 / 到账"
    label, _ = topic_label(["退款", "refund", "thx", "return label"], ["where is my refund", "refund please"])
    assert label == "refund / return label"


def test_label_is_never_empty_nor_only_stop_words():
    label, _ = topic_label(FILLER_ONLY, ["好的谢谢 麻烦了"])
    assert label == "“好的谢谢 麻烦了”"
    label, _ = topic_label([], ["a" * 40])
    assert label.startswith("“") and len(label) <= 26
    stop = load_stopwords()
    for phrase in FILLER_ONLY:
        assert phrase in stop or len(phrase) < 2


def test_labels_are_unique_and_larger_topics_keep_the_plain_label():
    labels = make_labels([7, 3, 9], [["退款", "到账", "审核"], ["退款", "到账", "运费"], ["退款", "到账"]],
                         [["退款没到账"], ["退款没到账"], ["退款没到账"]], sizes=[10, 50, 5])
    assert labels[1] == "退款 / 到账"
    assert labels[0] == "退款 / 到账 / 审核"
    assert labels[2] == "退款 / 到账 (#9)"
    assert len(set(labels)) == 3


def test_the_same_keyphrases_in_another_order_are_not_a_new_label():
    """A verifier's finding on bank comments: "额度 / 提额" and "提额 / 额度" were two topics' labels."""
    labels = make_labels([8, 108, 5], [["额度", "提额", "临时"], ["提额", "额度", "申请"], ["Refund", "fee"]],
                         [["提额失败"], ["提额申请"], ["refund fee"]], sizes=[40, 20, 10])
    assert labels[0] == "额度 / 提额"
    assert labels[1] == "提额 / 额度 / 申请"
    labels = make_labels([1, 2], [["refund", "fee"], ["Fee", "Refund"]], [["refund fee"], ["fee refund"]],
                         sizes=[5, 4])
    assert labels == ["refund / fee", "Fee / Refund (#2)"]


def test_tokens_are_noun_phrases_without_fillers_or_masks():
    assert tokenize("说实话，这个空气炸锅用了两天就坏了") == ["空气炸锅"]
    assert tokenize("物流信息一直不更新") == ["物流信息"]
    assert tokenize("麻烦 说实话 急 辛苦 数字 链接 链接 恩 诶 <PHONE>") == []
    assert "fast" not in tokenize("thx pls, the breakfast was cold") and "breakfast" in tokenize("the breakfast was cold")


def test_a_merchant_stop_list_replaces_the_shipped_one(tmp_path, monkeypatch):
    custom = tmp_path / "stop.yml"
    custom.write_text("mine: 空气炸锅\n", encoding="utf-8")
    load_stopwords.cache_clear()
    monkeypatch.setenv("EE_TOPIC_STOPWORDS", str(custom))
    try:
        assert "空气炸锅" not in tokenize("空气炸锅坏了")
        assert tokenize("说实话 空气炸锅 漏水") == ["漏水"]
    finally:
        monkeypatch.delenv("EE_TOPIC_STOPWORDS")
        load_stopwords.cache_clear()


def test_contraction_stems_link_parts_and_codes_are_not_keywords():
    """A verifier's findings on airline tweets: "site doesn", "airline http", "reservation e2kvm4"."""
    tokens = tokenize("the site doesn't work, isn't loading; booking e2kvm4 https://t.co/vbfieo2qjc iphone12 mp3")
    assert "site" in tokens and "iphone12" in tokens and "mp3" in tokens
    for bad in ("doesn", "isn", "e2kvm4", "vbfieo2qjc", "https", "http", "co"):
        assert not any(bad in t.split() for t in tokens), (bad, tokens)
