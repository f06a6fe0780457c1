"""One language rule: ml.language and the dbt macro give the same code for the same text."""

from __future__ import annotations

import json

import pytest

from ml.language import detect_language, has_chinese, language_rule, uses_english_model

#: texts where a rule could go either way: short mixes, placeholders, digits, emoji, compat ideographs
TRICKY = [
    "iPhone 屏幕碎了", "我的快递还没到", "my parcel has not arrived", "我的 iPhone charger 坏了 and the refund is late",
    "", "12345 !!!", "👍👍", "我买的iPhone充电器坏了，很失望", "天猫 优惠券 doesn't work", "电话 <PHONE> 快递没到",
    "<EMAIL> <PHONE>", "mail me at <EMAIL> 退款", "订单 20260907139123456789 没到", "OK", "好的 ok",
    "\uf900\uf901 test", "㐀㐁 abc", "退款 refund", "Kindle 充电器坏了", "the 天猫 coupon",
]


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
        ("iPhone 屏幕碎了", "mixed"),  # 4 Han / (4 + 2 x 1 word) = 0.67: below zh_min_han_share 0.8
        ("电话 <PHONE> 快递没到", "zh"),  # placeholders are not English words
        ("<EMAIL> <PHONE>", "unknown"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_rule_is_read_from_the_dbt_project():
    rule = language_rule()
    assert 0 < rule.en_max_han_share < rule.zh_min_han_share <= 1
    assert rule.han.search("中") and rule.han.search("\uf900") and not rule.han.search("a")


def test_routing_and_chinese_detection():
    assert uses_english_model(["hello", "你好", "iPhone 屏幕碎了", "👍"]) == [True, False, True, False]
    assert has_chinese(["hello", "你好"]) and not has_chinese(["hello", None])


@pytest.mark.slow
def test_dbt_macro_agrees_with_python(tmp_path):
    """Render the dbt macro through dbt itself (dbt show --inline) and compare on tricky texts."""
    from include.warehouse.dbt_runner import run_dbt

    values = ", ".join("('" + t.replace("'", "''") + "')" for t in TRICKY)
    sql = f"select t, {{{{ detect_language('t') }}}} as lang from (values {values}) as v(t)"
    run = run_dbt(["show", "--inline", sql, "--limit", str(len(TRICKY) + 1), "--output", "json", "--log-format", "text"],
                  warehouse=tmp_path / "scratch.duckdb", echo=False)
    start = run.output.index("{")
    shown = json.JSONDecoder().raw_decode(run.output[start:])[0]["show"]
    sql_codes = {row["t"]: row["lang"] for row in shown}
    assert set(sql_codes) == set(TRICKY)
    assert {t: detect_language(t) for t in TRICKY} == sql_codes
