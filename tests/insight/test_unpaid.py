"""Rules of the unpaid-order attribution (include/insight/unpaid.py) on small hand-made cases.
The chat texts are written for this test, in words the demo generator does not use, so they
check the kind of phrase, not the demo's phrase bank."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from include.insight.unpaid import REASONS, code_reason, order_reasons, phrase_reasons

HELD_OUT = [
    ("这件衣服价位偏高了，等大促再说", "price_concern"),
    ("比隔壁店贵了二十块，能不能便宜些", "price_concern"),
    ("is there any way to get this cheaper? it's a little over what I wanted to spend on budget", "price_concern"),
    ("honestly overpriced compared to the supermarket", "price_concern"),
    ("偏远地区要加收运费吗", "shipping_fee_concern"),
    ("两件能包邮不", "shipping_fee_concern"),
    ("the delivery charge is more than I expected", "shipping_fee_concern"),
    ("does this qualify for free shipping?", "shipping_fee_concern"),
    ("这款还有库存没，我要三盒", "stock_delivery_concern"),
    ("今天拍的话几号发出", "stock_delivery_concern"),
    ("is the blue one sold out?", "stock_delivery_concern"),
    ("if I order now when will it arrive in Chengdu", "stock_delivery_concern"),
    ("结算页面的满减没有减掉", "coupon_promotion_error"),
    ("my voucher code is not being accepted", "coupon_promotion_error"),
    ("收货人名字写错了要改一下", "address_account_problem"),
    ("账号一直登不上去，没法付款", "address_account_problem"),
    ("I can't sign in to finish the order", "address_account_problem"),
    ("need to update the shipping address before I pay", "address_account_problem"),
]


@pytest.mark.parametrize("text,reason", HELD_OUT)
def test_key_phrases_name_the_reason(text, reason):
    assert reason in phrase_reasons(text)


def test_a_coupon_or_shipping_fee_mention_wins_over_price_words():
    assert phrase_reasons("运费太贵了") == ["shipping_fee_concern"]
    assert phrase_reasons("优惠券用不了，价格就不划算了") == ["coupon_promotion_error"]
    assert phrase_reasons("") == [] and phrase_reasons(None) == []


@pytest.mark.parametrize("code,reason", [
    ("INSUFFICIENT_FUNDS", "payment_insufficient_funds"), ("BANK_DECLINED", "payment_bank_declined"),
    ("TIMEOUT", "payment_timeout"), ("RISK_CONTROL", "payment_risk_control"),
    ("COUPON_INVALID", "coupon_promotion_error"), ("balance_not_enough", "payment_insufficient_funds"),
    ("SUSPECTED_FRAUD", "payment_risk_control"), ("CARD_EXPIRED", "payment_bank_declined"),
    ("GATEWAY_TIME_OUT", "payment_timeout"), ("E1234", "payment_other"), (None, None), ("  ", None),
])
def test_gateway_codes_map_to_reasons(code, reason):
    assert code_reason(code) == reason


def _failed(*codes):
    return pd.DataFrame({"attempt_id": [f"A{i}" for i in range(len(codes))], "failure_code": list(codes),
                         "attempted_at": pd.date_range("2026-11-01 10:00", periods=len(codes), freq="min")})


def _sessions(*rows):
    return pd.DataFrame(list(rows), columns=["session_id", "order_id", "is_resolved", "is_transferred",
                                             "service_element"])


def _messages(*rows):
    frame = pd.DataFrame(list(rows), columns=["session_id", "interaction_id", "text_redacted", "service_element"])
    frame["occurred_at"] = pd.date_range("2026-11-01 09:00", periods=len(frame), freq="min")
    return frame


NO_SESSIONS, NO_MESSAGES = _sessions(), _messages()


def test_the_last_failure_code_is_the_primary_reason():
    ranked = order_reasons("O1", _failed("TIMEOUT", "TIMEOUT"), NO_SESSIONS, NO_MESSAGES)
    assert [c.reason for c in ranked] == ["payment_timeout"]
    assert ranked[0].confidence == pytest.approx(0.9) and ranked[0].attempt_ids == ["A0", "A1"]
    mixed = order_reasons("O1", _failed("TIMEOUT", "INSUFFICIENT_FUNDS"), NO_SESSIONS, NO_MESSAGES)
    assert [c.reason for c in mixed] == ["payment_insufficient_funds", "payment_timeout"]
    assert mixed[0].confidence > mixed[1].confidence


def test_a_chat_that_agrees_with_the_attempts_raises_the_confidence():
    sessions = _sessions(("S1", "O1", False, False, "payment"))
    messages = _messages(("S1", "msg:1", "结算时提示券无效，付不了款", "payment"))
    ranked = order_reasons("O1", _failed("COUPON_INVALID"), sessions, messages)
    assert ranked[0].reason == "coupon_promotion_error"
    assert ranked[0].confidence > 0.9 and ranked[0].sources == {"payment_attempts", "chat"}
    assert ranked[0].message_ids == ["msg:1"] and "券" in ranked[0].quote


def test_chat_reasons_need_no_attempt():
    sessions = _sessions(("S1", None, True, False, "promotion"))
    messages = _messages(("S1", "msg:1", "在吗", "other"), ("S1", "msg:2", "价位偏高了，能便宜点吗", "promotion"))
    ranked = order_reasons("O1", _failed(), sessions, messages)
    assert ranked[0].reason == "price_concern" and ranked[0].session_ids == ["S1"]
    assert 0.55 <= ranked[0].confidence <= 0.85


def test_an_unresolved_question_nobody_answered_is_an_unanswered_question():
    sessions = _sessions(("S1", "O1", False, False, "product_consultation"))
    messages = _messages(("S1", "msg:1", "这个适合三岁小孩用吗？", "product_consultation"))
    assert order_reasons("O1", _failed(), sessions, messages)[0].reason == "unanswered_question"
    answered = _sessions(("S1", "O1", True, False, "product_consultation"))
    assert order_reasons("O1", _failed(), answered, messages)[0].reason == "unknown"
    handed_over = _sessions(("S1", "O1", False, True, "product_consultation"))
    assert order_reasons("O1", _failed(), handed_over, messages)[0].reason == "unknown"


def test_nothing_observable_is_unknown_not_a_guess():
    ranked = order_reasons("O1", _failed(), NO_SESSIONS, NO_MESSAGES)
    assert [c.reason for c in ranked] == ["unknown"] and math.isnan(ranked[0].confidence)
    chit_chat = order_reasons("O1", _failed(), _sessions(("S1", "O1", True, False, "other")),
                              _messages(("S1", "msg:1", "好的谢谢", "other")))
    assert chit_chat[0].reason == "unknown"


def test_every_reason_has_a_row_in_the_seed():
    import csv

    from include.config import PROJECT_ROOT

    with open(PROJECT_ROOT / "dbt_project" / "seeds" / "unpaid_reasons.csv", encoding="utf-8") as f:
        assert {row["reason"] for row in csv.DictReader(f)} == set(REASONS)
