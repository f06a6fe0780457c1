"""Set-aside rules: chit-chat and placeholders get a fixed class, substantive texts never do."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from ml.setaside import CHIT_CHAT, DEFAULT_RULES, ENV_VAR, PLACEHOLDER, SetAside, benchmark, default_setaside
from tests.ml.conftest import shared_file


@pytest.fixture(scope="module")
def model() -> SetAside:
    return SetAside.from_file(DEFAULT_RULES)


def classes(model: SetAside, texts: list[str]) -> dict[str, str | None]:
    return dict(zip(texts, model.classify(texts), strict=True))


CHIT_CHAT_TEXTS = [
    "亲，在吗~", "好的谢谢！！", "ok thanks 😊", "你好", "在不在", "hello", "Hi there, thanks!",
    "谢谢", "多谢", "thx", "thanks a lot", "好的", "嗯嗯", "收到", "OK", "got it", "转人工", "人工客服",
    "找人工", "我要人工客服🙏", "real person please", "human agent", "拜拜", "bye", "嗯，明白了，辛苦了",
    "great, thanks", "🙏谢谢", "哈哈哈", "@united thank you!", "Thank you, @AmericanAir! Much appreciated.",
    "tahnks",  # one swap of adjacent letters is tolerated
    ".@USAirways thanks!", "Thanks, have a great day!",  # a verifier's findings on airline tweets
]
SUBSTANTIVE_TEXTS = [
    "15天内没坏，评价一下", "用户觉得商品较好但是物流慢",
    "好的谢谢，我的快递到哪了", "thanks, but the parcel never arrived", "你好，退款什么时候到账",
    "转人工，我要投诉快递员", "great customer service thanks", "Great!", "好", "好评👍", "差评👎", "无语😓", "赞👍👍",
    "@united customer service 👎", "hello, my order #123 is missing", "谢谢你们，菜很好吃，下次还点",
]


def test_chit_chat_examples(model):
    got = classes(model, CHIT_CHAT_TEXTS)
    assert {t: c for t, c in got.items() if c != CHIT_CHAT} == {}


def test_substantive_examples_are_not_set_aside(model):
    got = classes(model, SUBSTANTIVE_TEXTS)
    assert {t: c for t, c in got.items() if c is not None} == {}


# Distinct texts of shared case ingestion-and-voice/10-placeholder-reviews (71 reviews).
CASE_COMPLAINTS = [
    "快递三天了还没发货", "物流信息一直不更新", "发货太慢了等了一周", "快递员没打电话直接放驿站",
    "包裹显示签收但我没收到", "物流停在中转站不动了", "申请退款一周了还没到账", "退货寄回去了什么时候退款",
    "退款被拒绝了不合理", "仅退款申请一直没人处理", "退款金额不对少退了", "商家不同意退货", "杯子用了两天就漏水",
    "衣服洗一次就掉色", "拉链第一次用就坏了", "收到的商品有划痕", "鞋子开胶了质量太差", "充电器用一周就不能充电",
    "优惠券结算时用不了", "满减活动没有生效", "领的券显示已过期", "双十一价格比平时还贵", "店铺券和平台券不能叠加",
    "付款时优惠没扣",
]
CASE_PLACEHOLDERS = ["此用户没有填写评价。"] * 36 + ["系统默认好评"] * 10
OTHER_PLACEHOLDERS = [
    "", "   ", "用户未填写评价内容", "买家未及时做出评价，系统默认好评！", "该用户觉得商品很好，给出了好评",
    "评价方未及时做出评价,系统默认好评!", "This user did not leave a review", "Default positive review.",
    "No review text", "[自动回复]您好，客服稍后回复您", "【自动回复】亲，现在是非工作时间", "您好，欢迎光临本店，有什么可以帮您",
    "以前从不去评价，不知道浪费了多少积分，现在知道积分可以换钱，就要好好评价了，后来我就把这段话复制走了，"
    "既能赚积分，还省事，走到哪复制到哪，最重要的是，不用认真的评论了，不用想还差多少字，直接发出就可以了，推荐给大家！！",
    # wordings a verifier tried beyond case 10 (stop 26)
    "该用户觉得商品较好，默认给出好评", "15天内买家未作出评价", "超时未评价",
    "This review has no text", "The review has no content.",  # stop 27
    "该用户未及时主动评价，系统默认好评", "This user has not written a review.",  # stop 30 verifier
    "The customer hasn't posted any review yet",
]


def test_placeholder_case_reviews(model):
    texts = CASE_COMPLAINTS + CASE_PLACEHOLDERS
    got = model.classify(texts)
    assert list(got[len(CASE_COMPLAINTS):]) == [PLACEHOLDER] * 46
    assert [t for t, c in zip(CASE_COMPLAINTS, got, strict=False) if c is not None] == []
    counts = model.counts(got)
    assert counts == {CHIT_CHAT: 0, PLACEHOLDER: 46, "substantive": 24, "set_aside": 46, "total": 70}


def test_other_placeholders_and_empty(model):
    got = classes(model, OTHER_PLACEHOLDERS)
    assert {t: c for t, c in got.items() if c != PLACEHOLDER} == {}
    assert model.classify([None, float("nan")]).tolist() == [PLACEHOLDER, PLACEHOLDER]


def test_boilerplate_with_a_real_opinion_stays_substantive(model):
    text = "有点贵，很小一个。以前从不去评价，不知道浪费了多少积分，现在知道积分可以换钱，直接发出就可以了，推荐给大家！！"
    assert model.classify_one(text) is None


# Emoji-only texts of shared case ingestion-and-voice/09-emoji-sentiment.
EMOJI_ONLY = ["👍", "👍👍👍", "😊", "❤️", "🥰🥰", "👌", "🌹🌹🌹", "😡", "😡😡😡", "👎", "💩", "😤😤", "😭😭😭", "🤬", "🙄🙄"]


def test_emoji_and_symbol_only_texts_are_chit_chat(model):
    texts = EMOJI_ONLY + ["(・ω・)", "T_T", "？？？", "...", "～", "🇨🇳", "1️⃣"]
    got = classes(model, texts)
    assert {t: c for t, c in got.items() if c != CHIT_CHAT} == {}


def test_classify_returns_object_array(model):
    got = model.classify(iter(["你好", "快递丢了", "此用户没有填写评价。"]))
    assert got.dtype == object
    assert got.tolist() == [CHIT_CHAT, None, PLACEHOLDER]
    assert model.classify([]).shape == (0,)


def test_custom_rules_file(tmp_path, monkeypatch):
    rules = tmp_path / "rules.yml"
    rules.write_text(
        "fillers: [亲]\n"
        "classes:\n"
        "  chit_chat: {greeting: [早上好], thanks: [谢谢]}\n"
        "  placeholder: {shop: [本店自动好评]}\n"
        "patterns:\n"
        "  placeholder: ['订单\\d+已自动确认']\n",
        encoding="utf-8",
    )
    custom = SetAside.from_file(rules)
    assert custom.classify(["亲，早上好谢谢", "本店自动好评", "订单123已自动确认", "你好", ""]).tolist() == [
        CHIT_CHAT, PLACEHOLDER, PLACEHOLDER, None, PLACEHOLDER]
    monkeypatch.setenv(ENV_VAR, str(rules))
    assert default_setaside().classify_one("本店自动好评") == PLACEHOLDER
    monkeypatch.delenv(ENV_VAR)
    assert default_setaside().classify_one("此用户没有填写评价。") == PLACEHOLDER


KINDS = {
    "你好": "greeting", "亲，在吗~": "greeting", "hello there": "greeting", "heyyy": "greeting",
    "谢谢": "thanks", "好的谢谢！！": "thanks", "明白了，辛苦了": "thanks", "ok thanks 😊": "thanks",
    "thanksss": "thanks",
    "好的": "acknowledgement", "嗯嗯嗯": "acknowledgement", "got it": "acknowledgement", "okkk": "acknowledgement",
    "great, that solved it": "acknowledgement",
    "转人工": "request_human", "你好，转人工": "request_human", "the bot doesn't understand, transfer me": "request_human",
    "拜拜": "bye", "ok bye": "bye", "Thanks, have a great day!": "thanks",
    "👍👍": "other", "哈哈哈": "other", "亲~": "other",  # emoji and fillers only: no kind decides
}


def test_kinds_follow_the_sub_list_and_kind_order(model):
    assert model.kinds[:5] == ("request_human", "thanks", "bye", "greeting", "acknowledgement")
    for text, kind in KINDS.items():
        assert model.classify_one_kind(text) == (CHIT_CHAT, kind), text
    assert model.classify_one_kind("快递丢了") == (None, None)
    assert model.classify_one_kind("系统默认好评")[0] == PLACEHOLDER
    classes, kinds = model.classify_kinds(["转人工", "快递丢了", ""])
    assert classes.tolist() == [CHIT_CHAT, None, PLACEHOLDER] and kinds.tolist() == ["request_human", None, "other"]


def test_custom_kind_order_and_pattern_kinds(tmp_path):
    rules = tmp_path / "rules.yml"
    rules.write_text(
        "kind_order: [greeting]\n"
        "classes:\n"
        "  chit_chat: {thanks: [谢谢], greeting: [你好]}\n"
        "patterns:\n"
        "  chit_chat: {thanks: ['3q+'], other: ['w{3,}']}\n",
        encoding="utf-8",
    )
    custom = SetAside.from_file(rules)
    assert custom.kinds == ("greeting", "thanks")
    assert [custom.classify_one_kind(t)[1] for t in ("你好谢谢", "谢谢", "3qqq", "wwww")] == [
        "greeting", "thanks", "thanks", "other"]


def test_complaints_behind_an_auto_reply_opening_stay_substantive(model):
    """A verifier's findings (stop 29): the auto-reply patterns' open tails swallowed complaints."""
    complaints = ["亲，非工作时间客服都不回，差评！", "你好，非工作时间就没人管了吗？我的订单被取消了",
                  "欢迎光临的店就这服务？退款到现在没到", "自动回复：根本没用，我要退款",
                  "automatic reply: nobody answers my refund request"]
    assert model.classify(complaints).tolist() == [None] * len(complaints)
    auto_replies = ["您好，欢迎光临本店，客服小美为您服务", "【自动回复】您好，现在是非工作时间，有问题请留言",
                    "[auto-reply] thanks for your message, we will reply within 24 hours"]
    assert model.classify(auto_replies).tolist() == [PLACEHOLDER] * len(auto_replies)
    # exact phrase lists are not vetoed by a marker word inside them
    assert model.classify_one("此用户没有填写评价。") == PLACEHOLDER


def test_yaml_booleans_in_rules_are_refused_and_yes_is_an_acknowledgement(model, tmp_path):
    assert model.classify_one_kind("yes") == (CHIT_CHAT, "acknowledgement")
    assert model.classify_one("true") is None
    bad = tmp_path / "bad.yml"
    bad.write_text("classes:\n  chit_chat: {acknowledgement: [ok, yes]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="quote it"):
        SetAside.from_file(bad)


def test_bad_rules_are_rejected(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("classes:\n  small_talk: [hi]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="small_talk"):
        SetAside.from_file(bad)


SUBSTANTIVE_SENTENCES = [
    "我的快递到哪了", "退款还没到账", "衣服洗一次就掉色", "the parcel never arrived", "my refund is still missing",
    "订单号123456", "优惠券用不了", "the zipper broke after one day", "能便宜点吗", "why was I charged twice",
]
CHIT_CHAT_PHRASES = ["你好", "在吗", "好的谢谢", "亲，在吗~", "转人工", "ok thanks", "hi there", "got it",
                     "嗯嗯", "辛苦了", "thank you so much", "人工客服", "😊", "早上好", "bye"]


def test_property_appending_content_to_chit_chat_keeps_it(model):
    # hypothesis is not in requirements.lock, so a seeded random sample of the same property:
    # chit-chat + separator + substantive sentence (either order) is never set aside.
    rng = random.Random(7)
    for _ in range(500):
        phrase, sentence = rng.choice(CHIT_CHAT_PHRASES), rng.choice(SUBSTANTIVE_SENTENCES)
        sep = rng.choice(["", "，", ", ", " ", "！", "~ "])
        assert model.classify_one(phrase) == CHIT_CHAT, phrase
        text = phrase + sep + sentence if rng.random() < 0.7 else sentence + sep + phrase
        assert model.classify_one(text) is None, text


def test_benchmark_prints_throughput(capsys):
    figures = benchmark(n=50_000, distinct=2_000)
    assert "setaside benchmark" in capsys.readouterr().out
    assert set(figures) == {"texts_per_s_cold", "texts_per_s_warm", "distinct_texts_per_s"}


@pytest.mark.shared_data
def test_real_reviews_are_almost_never_set_aside(model):
    path = shared_file("waimai_10k", "waimai_10k.csv")
    got = model.classify(pd.read_csv(path, dtype=str, keep_default_na=False)["review"].tolist())
    assert np.mean(pd.notna(got)) < 0.005
