"""The redactor on each kind of personal data and on each look-alike that must be kept."""

from __future__ import annotations

import pytest

from include.privacy import KINDS, PLACEHOLDERS, find_pii, redact, redact_many
from include.privacy.redactor import is_resident_id


@pytest.mark.parametrize(("text", "value", "kind"), [
    ("我叫张伟，电话13812345678，快递还没到", "13812345678", "phone"),
    ("联系电话：138-1234-5678", "138-1234-5678", "phone"),
    ("手机 +86 139 1234 5678 谢谢", "+86 139 1234 5678", "phone"),
    ("座机010-62345678找我", "010-62345678", "phone"),
    ("call me at +1 415-555-2671 please", "+1 415-555-2671", "phone"),
    ("境外电话+852 9123 4567", "+852 9123 4567", "phone"),
    ("我电话15443260678", "15443260678", "phone"),  # a range phonenumbers does not list yet
    ("邮箱abc.def@qq.com谢谢", "abc.def@qq.com", "email"),
    ("mail me at john.doe@gmail.com.", "john.doe@gmail.com", "email"),
    ("身份证号11010519491231002X，实名认证失败", "11010519491231002X", "id_card"),
    ("ID card: 440106197201097329 thanks", "440106197201097329", "id_card"),  # born before 天河区 (1985)
    ("退到卡号6222021234567890128", "6222021234567890128", "bank_card"),  # 19-digit UnionPay
    ("card 4111 1111 1111 1111 please", "4111 1111 1111 1111", "bank_card"),
    ("地址广东省广州市天河区体育西路100号3栋1202室，尽快", "广东省广州市天河区体育西路100号3栋1202室", "address"),
    ("寄到上海浦东新区张江路88弄5号", "上海浦东新区张江路88弄5号", "address"),
    ("收货地址：中山北路322号10栋1单元506室", "中山北路322号10栋1单元506室", "address"),
    ("ship it to 123 Main Street, Apt 4B, Springfield, IL 62704 thanks", "123 Main Street, Apt 4B, Springfield, IL 62704", "address"),
    ("收件人：王小明，麻烦了", "王小明", "name"),
    ("本人罗怡，要退款", "罗怡", "name"),
    ("my name is Emily Clark and the box was empty", "Emily Clark", "name"),
    ("this is Anna Lee from Shanghai", "Anna Lee", "name"),
])
def test_each_kind_is_masked_with_its_placeholder(text, value, kind):
    result = redact(text)
    assert value not in result.text
    assert PLACEHOLDERS[kind] in result.text
    assert [s.value for s in result.spans if s.kind == kind] == [value]
    assert kind in result.kinds


@pytest.mark.parametrize(("text", "keep"), [
    ("订单号20260907139123456789还没发货", "20260907139123456789"),
    ("订单号6271234567890123455 没到", "6271234567890123455"),  # Luhn-valid 62...: an order id after its cue
    ("order #13812345678 is late", "13812345678"),  # mobile-shaped order id
    ("运单号SF1234567890123一直不更新", "SF1234567890123"),
    ("tracking number YT8311157409058 stuck", "YT8311157409058"),
    ("付了¥1999.00，2026-09-07下的单", "¥1999.00"),
    ("2026-09-07下的单，10月1日到", "2026-09-07"),
    ("客服热线400-820-8820打不通", "400-820-8820"),
    ("打了800-810-8888没人接", "800-810-8888"),
    ("95588一直占线", "95588"),
    ("your hotline 1-800-275-2273 never answers", "1-800-275-2273"),
    ("型号KFR-35GW/BpR3的空调", "KFR-35GW/BpR3"),
    ("coupon code DOUBLE11-300 failed", "DOUBLE11-300"),
    ("凭证号110108197407029961", "110108197407029961"),  # wrong check character: not an ID number
    ("卡券编号6214839294146546", "6214839294146546"),  # fails Luhn: not a card
    ("广东的快递太慢了", "广东"),  # a region, not an address
    ("收件人写错了，电话也不对", "收件人写错了"),  # a cue without a name
    ("my name is on the box", "on the box"),
])
def test_business_keys_and_look_alikes_are_kept(text, keep):
    assert keep in redact(text).text
    assert find_pii(text) == [] or all(keep not in s.value for s in find_pii(text))


def test_spans_point_into_the_original_text_and_never_overlap():
    text = "收件人张伟，电话13812345678，地址北京市海淀区中关村大街1号，邮箱zw@qq.com，卡号6222021234567890128"
    spans = find_pii(text)
    assert {s.kind for s in spans} == {"name", "phone", "address", "email", "bank_card"}
    for s in spans:
        assert text[s.start:s.end] == s.value
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    assert redact(text).text == "收件人<NAME>，电话<PHONE>，地址<ADDRESS>，邮箱<EMAIL>，卡号<BANK_CARD>"


def test_text_without_personal_data_is_unchanged_and_bad_input_is_refused():
    for text in ("", "很好吃，送餐也快", "The breakfast was lovely", "👍👍"):
        assert redact(text).text == text and redact(text).spans == ()
    with pytest.raises(TypeError, match="needs a str"):
        redact(None)  # type: ignore[arg-type]


def test_batch_keeps_order_and_nulls():
    out = redact_many(["电话13812345678", None, "好评", "电话13812345678"])
    assert [r.text if r else None for r in out] == ["电话<PHONE>", None, "好评", "电话<PHONE>"]


def test_resident_id_check_uses_the_check_character_and_birth_date():
    assert is_resident_id("11010519491231002X")
    assert not is_resident_id("110105194912310021")  # wrong check character
    assert not is_resident_id("110105194913310020")  # month 13
    assert set(KINDS) == {"phone", "email", "id_card", "bank_card", "address", "name"}
