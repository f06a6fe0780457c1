"""The topic engine's view of a text: personal-data labels with their masks and social markup removed."""

from __future__ import annotations

import pytest

from ml.topics.textview import topic_view, topic_views


@pytest.mark.parametrize(("text", "expected"), [
    # the demo's planted personal data, after redaction: the label goes with its mask
    ("嗯，领的满减券优惠券怎么用不了，明明满额了，身份证号<ID_CARD>", "嗯，领的满减券优惠券怎么用不了，明明满额了"),
    ("请问鲜牛奶有几种规格，退款卡号<BANK_CARD>", "请问鲜牛奶有几种规格"),
    ("说好4天到，现在还没收到，收件人<NAME>", "说好4天到，现在还没收到"),
    ("请打我电话<PHONE>，急", "请打，急"),
    ("my phone is <PHONE> and the code never arrives", "and the code never arrives"),
    ("refund went to the wrong card, Card number: <BANK_CARD>", "refund went to the wrong card"),
    # social markup
    ("#鲜选# 回购了，这次活动真的很划算", "回购了，这次活动真的很划算"),
    ("@鲜选官方 先说结论：周末有什么好吃的推荐吗？", "先说结论：周末有什么好吃的推荐吗？"),
    ("@united thanks for nothing, 3 hours on the tarmac", "thanks for nothing, 3 hours on the tarmac"),
])
def test_labels_masks_and_markup_are_removed(text, expected):
    assert topic_view(text) == expected


@pytest.mark.parametrize("text", [
    "收件人电话写错了怎么办",            # a label word that is the issue, with no masked value after it
    "please update the delivery address",
    "email me at ann@example.com",       # not a mention: '@' inside a word
    "@鲜选官方先说结论周末有什么好吃的推荐吗",  # no end to the mention: nothing is guessed
    "价格太贵了 #fail",                  # a Twitter-style tag is kept
    "我电话<PHONE>",                     # nothing would be left: unchanged
    # found in online_shopping_10_cats: sizes, HTML entities and stray @ are not markup
    "苹果太小了根本没有80#最多70#而已。",
    "世界首富是比尔&#183;盖茨或沃伦&#183;巴菲特",
    "连颜色也@@不一样了！",
    "只能说爱是没有理由的，有点傻～@～",
    "I still don't have my card after 2 weeks.  What should I do?",  # a double space alone is no markup
    "",
])
def test_other_texts_are_kept(text):
    assert topic_view(text) == text


def test_a_mask_without_a_label_is_removed_and_the_rest_kept():
    assert topic_view("快递员<NAME>态度很差") == "快递员 态度很差"


def test_views_keep_order_and_length_and_read_non_strings_as_empty():
    assert topic_views(["@a hi there", None, "收件人<NAME>"]) == ["hi there", "", "收件人<NAME>"]


def test_a_merchants_own_label_list(tmp_path, monkeypatch):
    own = tmp_path / "textview.yml"
    own.write_text("personal_data_labels: [会员号]\n", encoding="utf-8")
    monkeypatch.setenv("EE_TOPIC_TEXTVIEW", str(own))
    assert topic_view("积分没到账，会员号<MEMBER_ID>") == "积分没到账"
    assert topic_view("积分没到账，身份证号<ID_CARD>") == "积分没到账，身份证号"  # not a label in this list
    empty = tmp_path / "empty.yml"
    empty.write_text("personal_data_labels: []\n", encoding="utf-8")
    monkeypatch.setenv("EE_TOPIC_TEXTVIEW", str(empty))
    with pytest.raises(ValueError, match="personal_data_labels is empty"):
        topic_view("x <NAME>")


def test_set_aside_reads_the_view():
    """A greeting with a masked card number attached is still a greeting; a mention plus thanks is thanks."""
    from ml.pipeline.jobs import voice_classes

    classes = voice_classes(["那个，早上好，退款卡号<BANK_CARD>", "@united thanks", "@united my bag is lost"])
    assert list(classes) == ["chit_chat", "chit_chat", "substantive"]


def test_links_and_dot_mentions_are_markup():
    """A verifier's findings on airline tweets: t.co ids became keywords; ".@united thanks" was not chit-chat."""
    assert topic_view("my flight http://t.co/vbfieo2qjc was cancelled") == "my flight was cancelled"
    assert topic_view("see www.example.com/page for details") == "see for details"
    assert "@" not in topic_view(".@USAirways thanks for nothing")
    assert topic_view("john.doe@gmail.com wrote") == "john.doe@gmail.com wrote"  # an e-mail address is not a mention
