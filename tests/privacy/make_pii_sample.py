"""Build the labelled PII sample tests/privacy/data/pii_sample.csv (reproducible: seed 19).

    python tests/privacy/make_pii_sample.py [--shared-data ../shared/data]

Rows: 420 template texts (Chinese and English complaints carrying realistic personal data:
valid mainland/international phone numbers, e-mails, resident ID numbers with a correct
GB 11643 check character, Luhn-valid bank cards incl. 19-digit UnionPay, real
province/city/district names with streets, English street addresses, names after cues), with
hard negatives in ``keep`` (order and tracking numbers - some Luhn-valid 62... order ids -
prices, dates, hotlines, model numbers, coupon codes, ID numbers with a wrong check character,
card numbers failing Luhn); plus a slice of real texts from ../shared/data (waimai_10k,
online_shopping_10_cats, banking77) with hand-checked labels (tests/privacy/data/real_labels.json).

Columns: text, pii, kinds, keep (JSON lists), split (``tune`` / ``report``: every other row of
each source, after a seeded shuffle), source. The values are generated, so the ground truth
does not depend on the redactor (phonenumbers only confirms a drawn number is a real,
assignable number; stdnum computes the check characters).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric

HERE = Path(__file__).parent
OUT = HERE / "data" / "pii_sample.csv"
REAL_LABELS = HERE / "data" / "real_labels.json"
SEED = 19
N_TEMPLATE = 420

ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏"
ZH_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力鹏飞宇浩然思雨欣怡子轩梓涵一诺晨"
EN_FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Emily", "Sarah",
            "Daniel", "Olivia", "Kevin", "Grace", "Ethan", "Chloe", "Lucas", "Hannah", "Wei", "Mei"]
EN_LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson", "Anderson",
           "Taylor", "Thomas", "Moore", "Martin", "Lee", "Clark", "Lewis", "Walker", "Chen", "Wang", "O'Brien"]
# (province, city, district, region code of the ID number)
ZH_PLACES = [("广东省", "广州市", "天河区", "440106"), ("广东省", "深圳市", "南山区", "440305"),
             ("北京市", "", "海淀区", "110108"), ("上海市", "", "浦东新区", "310115"),
             ("浙江省", "杭州市", "西湖区", "330106"), ("江苏省", "南京市", "鼓楼区", "320106"),
             ("四川省", "成都市", "武侯区", "510107"), ("湖北省", "武汉市", "洪山区", "420111"),
             ("山东省", "青岛市", "市南区", "370202"), ("陕西省", "西安市", "雁塔区", "610113"),
             ("福建省", "厦门市", "思明区", "350203"), ("湖南省", "长沙市", "岳麓区", "430104"),
             ("天津市", "", "南开区", "120104"), ("重庆市", "", "渝中区", "500103"),
             ("河南省", "郑州市", "金水区", "410105"), ("辽宁省", "沈阳市", "和平区", "210102")]
ZH_STREETS = ["体育西路", "科技园南路", "中关村大街", "张江路", "文三路", "中山北路", "人民南路四段", "珞喻路",
              "香港中路", "小寨东路", "湖滨南路", "麓山南路", "鞍山西道", "解放碑步行街", "花园路", "中华路"]
EN_STREETS = ["Main", "Oak", "Maple", "Cedar", "Elm", "Washington", "Lake View", "Sunset", "Park", "Hillcrest"]
EN_TYPES = ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Lane", "Drive", "Boulevard", "Court"]
EN_CITIES = [("Springfield", "IL", "62704"), ("Austin", "TX", "78701"), ("Seattle", "WA", "98101"),
             ("Portland", "OR", "97205"), ("Boston", "MA", "02108"), ("Denver", "CO", "80202")]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
                   "157", "158", "159", "166", "176", "177", "180", "181", "182", "185", "186", "187", "188", "189",
                   "198", "199"]
CARD_BINS = [("622202", 19), ("621700", 19), ("622848", 19), ("621661", 19), ("621483", 16), ("622588", 16),
             ("4", 16), ("51", 16), ("55", 16)]
HOTLINES = ["400-820-8820", "4006-789-888", "800-810-8888", "95588", "95533", "1-800-275-2273", "400 600 6666"]
MODELS = ["KFR-35GW/BpR3", "SM-S9180", "iPhone 15 Pro", "RTX 4090", "XR-2000", "A2894", "MI 13 Ultra", "WH-1000XM5",
          "BCD-520WDPZU1"]
COUPONS = ["SAVE50", "DOUBLE11-300", "8XK2-99QZ", "VIP2026", "NEW-USER-20", "MANJIAN100", "QZ7741"]


def _mobile(rng: random.Random) -> str:
    while True:
        number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number, "CN")):
            return number


def _format_mobile(rng: random.Random, n: str) -> str:
    return rng.choice([n, f"{n[:3]}-{n[3:7]}-{n[7:]}", f"{n[:3]} {n[3:7]} {n[7:]}", f"+86 {n}", f"+86-{n}",
                       f"+86 {n[:3]} {n[3:7]} {n[7:]}"])


def _landline(rng: random.Random) -> str:
    area, length = rng.choice([("010", 8), ("021", 8), ("020", 8), ("0755", 8), ("0571", 8), ("028", 8)])
    return f"{area}-{rng.randrange(2, 9)}{rng.randrange(10**(length - 1)):0{length - 1}d}"


def _international(rng: random.Random) -> str:
    while True:
        choice = rng.randrange(5)
        if choice == 0:
            raw = f"+1 {rng.choice(['212', '415', '646', '312', '617'])}-{rng.randrange(201, 999)}-{rng.randrange(10**4):04d}"
        elif choice == 1:
            raw = f"+44 20 7{rng.randrange(10**3):03d} {rng.randrange(10**4):04d}"
        elif choice == 2:
            raw = f"+852 {rng.choice('569')}{rng.randrange(10**3):03d} {rng.randrange(10**4):04d}"
        elif choice == 3:
            raw = f"+65 {rng.choice('89')}{rng.randrange(10**3):03d} {rng.randrange(10**4):04d}"
        else:
            raw = f"+81 90-{rng.randrange(10**4):04d}-{rng.randrange(10**4):04d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(raw, None)):
            return raw


def _email(rng: random.Random) -> str:
    local = rng.choice(["zhang.wei", "lily_chen", "mike88", "xiaoming2026", "a.lee", "john.doe", "wangfang",
                        "cs-buyer", "liu_yang_1990", "sarah.k"]) + str(rng.randrange(100))
    return f"{local}@{rng.choice(['qq.com', '163.com', 'gmail.com', 'outlook.com', 'sina.cn', 'yahoo.co.uk', 'foxmail.com'])}"


def _id_number(rng: random.Random, valid: bool = True) -> str:
    region = rng.choice(ZH_PLACES)[3]
    year, month, day = rng.randrange(1960, 2006), rng.randrange(1, 13), rng.randrange(1, 29)
    body = f"{region}{year:04d}{month:02d}{day:02d}{rng.randrange(1000):03d}"
    check = ric.calc_check_digit(body + "0")  # stdnum drops the last character
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return body + check


def _card(rng: random.Random, valid: bool = True) -> str:
    bin_, length = rng.choice(CARD_BINS)
    body = bin_ + "".join(str(rng.randrange(10)) for _ in range(length - len(bin_) - 1))
    check = luhn.calc_check_digit(body)
    if not valid:
        check = str((int(check) + rng.randrange(1, 10)) % 10)
    return body + check


def _format_card(rng: random.Random, card: str) -> str:
    if rng.random() < 0.5:
        return card
    return " ".join(card[i:i + 4] for i in range(0, len(card), 4))


def _zh_name(rng: random.Random) -> str:
    return rng.choice(ZH_SURNAMES) + "".join(rng.choice(ZH_GIVEN) for _ in range(rng.choice([1, 2, 2])))


def _en_name(rng: random.Random) -> str:
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def _zh_address(rng: random.Random) -> str:
    province, city, district, _ = rng.choice(ZH_PLACES)
    head = rng.choice([province + city + district, city + district if city else province + district,
                       (city or province) + district])
    detail = f"{rng.choice(ZH_STREETS)}{rng.randrange(1, 999)}号"
    if rng.random() < 0.5:
        detail += f"{rng.randrange(1, 30)}栋{rng.randrange(1, 4)}单元{rng.randrange(1, 33)}0{rng.randrange(1, 9)}室"
    return head + detail


def _en_address(rng: random.Random) -> str:
    city, state, zip_ = rng.choice(EN_CITIES)
    addr = f"{rng.randrange(1, 9999)} {rng.choice(EN_STREETS)} {rng.choice(EN_TYPES)}"
    if rng.random() < 0.4:
        addr += f", Apt {rng.randrange(1, 40)}{rng.choice('ABCD')}"
    if rng.random() < 0.7:
        addr += f", {city}, {state} {zip_}"
    return addr


def _order_id(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:  # a Luhn-valid 62... order id: looks exactly like a UnionPay card
        body = "62" + "".join(str(rng.randrange(10)) for _ in range(16))
        return body + luhn.calc_check_digit(body)
    if kind == 1:
        return f"2026{rng.randrange(10**14):014d}"
    if kind == 2:
        return f"{rng.randrange(10**6, 10**12)}"
    return f"13{rng.randrange(10**9):09d}"  # 11 digits that look like a mobile number


def _tracking(rng: random.Random) -> str:
    return rng.choice(["SF", "YT", "JD", "ZTO"]) + f"{rng.randrange(10**12):012d}" + str(rng.randrange(10))


def _keep_items(rng: random.Random, english: bool) -> tuple[str, list[str]]:
    """One or two look-alike phrases that must survive, and their exact substrings."""
    kinds = rng.sample(["order", "tracking", "price", "date", "hotline", "model", "coupon", "bad_id", "bad_card"],
                       k=rng.choice([1, 1, 2]))
    parts, keep = [], []
    for kind in kinds:
        if kind == "order":
            v = _order_id(rng)
            parts.append(f"order #{v}" if english else f"订单号{v}")
        elif kind == "tracking":
            v = _tracking(rng)
            parts.append(f"tracking number {v}" if english else f"运单号{v}")
        elif kind == "price":
            v = rng.choice([f"¥{rng.randrange(10, 5000)}.00", f"{rng.randrange(10, 5000)}元", f"${rng.randrange(5, 999)}.99"])
            parts.append(f"paid {v}" if english else f"付了{v}")
        elif kind == "date":
            v = rng.choice([f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}", f"{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日",
                            f"2026/{rng.randrange(1, 13):02d}/{rng.randrange(1, 29):02d}"])
            parts.append(f"on {v}" if english else f"{v}下的单")
        elif kind == "hotline":
            v = rng.choice(HOTLINES)
            parts.append(f"your hotline {v} never answers" if english else f"客服热线{v}打不通")
        elif kind == "model":
            v = rng.choice(MODELS)
            parts.append(f"model {v}" if english else f"型号{v}")
        elif kind == "coupon":
            v = rng.choice(COUPONS)
            parts.append(f"coupon code {v} failed" if english else f"券码{v}用不了")
        elif kind == "bad_id":  # wrong check character: not an ID number, an internal reference
            v = _id_number(rng, valid=False)
            parts.append(f"reference {v}" if english else f"凭证号{v}")
        else:
            v = _card(rng, valid=False)
            parts.append(f"voucher {v}" if english else f"卡券编号{v}")
        keep.append(v)
    return (", " if english else "，").join(parts), keep


ZH_COMPLAINTS = ["快递三天了还没到", "收到的杯子碎了要退货", "优惠券用不了", "退款一直没到账", "尺码不对想换货",
                 "商品和描述不符", "发票还没开", "客服一直不回复", "包装破损了", "配送太慢了"]
EN_COMPLAINTS = ["my parcel is three days late", "the mug arrived broken, I want a return", "the coupon won't apply",
                 "my refund has not arrived", "wrong size, I need an exchange", "the item is not as described",
                 "still no invoice", "nobody answers my messages", "the box was damaged", "delivery is too slow"]


def _pii_phrase(rng: random.Random, kind: str, english: bool) -> tuple[str, str]:
    """(phrase, exact PII substring) for one kind."""
    if kind == "phone":
        sub = rng.choice(["mobile", "mobile", "landline", "intl"])
        value = (_format_mobile(rng, _mobile(rng)) if sub == "mobile" else _landline(rng) if sub == "landline"
                 else _international(rng))
        cue = rng.choice(["call me at", "my number is", "phone:", "reach me on"]) if english else \
            rng.choice(["我电话", "联系电话：", "手机号是", "打我电话", "电话"])
        return f"{cue} {value}" if english or rng.random() < 0.3 else f"{cue}{value}", value
    if kind == "email":
        value = _email(rng)
        cue = rng.choice(["email me at", "my email is", "mail:"]) if english else rng.choice(["邮箱", "邮箱：", "发到我邮箱"])
        return f"{cue} {value}", value
    if kind == "id_card":
        value = _id_number(rng)
        cue = rng.choice(["my ID number is", "ID card:"]) if english else rng.choice(["身份证号", "身份证号码：", "实名认证用的身份证"])
        return f"{cue} {value}" if english else f"{cue}{value}", value
    if kind == "bank_card":
        value = _format_card(rng, _card(rng))
        cue = rng.choice(["refund to card", "my card number is", "card:"]) if english else rng.choice(["退到卡号", "银行卡号：", "我的卡号是", "卡号"])
        return f"{cue} {value}" if english else f"{cue}{value}", value
    if kind == "address":
        if english:
            value = _en_address(rng)
            return f"{rng.choice(['ship it to', 'my address is', 'deliver to', 'I live at'])} {value}", value
        value = _zh_address(rng)
        return f"{rng.choice(['地址', '收货地址：', '寄到', '送到', '改到'])}{value}", value
    value = _en_name(rng) if english else _zh_name(rng)
    if english:
        phrase = rng.choice([f"my name is {value}", f"this is {value} from Shanghai", f"recipient: {value}",
                             f"regards, {value}"])
    else:
        phrase = rng.choice([f"我叫{value}", f"收件人{value}", f"收件人：{value}", f"联系人{value}", f"本人{value}"])
    return phrase, value


def template_rows(rng: random.Random) -> list[dict]:
    rows = []
    kinds = ["phone", "email", "id_card", "bank_card", "address", "name"]
    for i in range(N_TEMPLATE):
        english = rng.random() < 0.4
        complaint = rng.choice(EN_COMPLAINTS if english else ZH_COMPLAINTS)
        roll = rng.random()
        chosen = [] if roll < 0.15 else rng.sample(kinds, k=1 if roll < 0.6 else 2 if roll < 0.9 else 3)
        if not chosen and i % 2 == 0:
            chosen = []  # a pure hard negative
        parts, pii, pii_kinds = [complaint], [], []
        for kind in chosen:
            phrase, value = _pii_phrase(rng, kind, english)
            parts.append(phrase)
            pii.append(value)
            pii_kinds.append(kind)
        keep: list[str] = []
        if rng.random() < 0.7 or not chosen:
            phrase, keep = _keep_items(rng, english)
            parts.insert(rng.randrange(1, len(parts) + 1), phrase)
        text = (", " if english else "，").join(parts) + rng.choice(["", ".", "!", "？", "，谢谢", " thanks"] if english
                                                                    else ["", "。", "！", "，谢谢", "，急"])
        rows.append({"text": text, "pii": pii, "kinds": pii_kinds, "keep": keep, "source": "template"})
    return rows


def real_rows(shared: Path) -> list[dict]:
    """The hand-checked slice of real texts (labels in real_labels.json, texts from the datasets)."""
    import pandas as pd

    labels = json.loads(REAL_LABELS.read_text(encoding="utf-8"))
    frames = {"waimai_10k": pd.read_csv(shared / "waimai_10k" / "waimai_10k.csv")["review"],
              "online_shopping_10_cats": pd.read_csv(shared / "online_shopping_10_cats" /
                                                     "online_shopping_10_cats.csv")["review"],
              "banking77": pd.read_csv(shared / "banking77" / "test.csv")["text"]}
    rows = []
    for item in labels["rows"]:
        text = str(frames[item["dataset"]].iloc[item["row"]])
        for value in item.get("pii", []) + item.get("keep", []):
            if value not in text:
                raise ValueError(f"{item['dataset']} row {item['row']}: {value!r} is not in the text")
        rows.append({"text": text, "pii": item.get("pii", []), "kinds": item.get("kinds", []),
                     "keep": item.get("keep", []), "source": f"real:{item['dataset']}"})
    return rows


def build(shared: Path, out: Path = OUT) -> int:
    rng = random.Random(SEED)
    rows = template_rows(rng)
    if REAL_LABELS.exists():
        rows += real_rows(shared)
    split_rng = random.Random(SEED + 1)
    by_source: dict[str, list[dict]] = {}
    for row in rows:
        by_source.setdefault(row["source"].split(":")[0], []).append(row)
    for group in by_source.values():
        order = list(range(len(group)))
        split_rng.shuffle(order)
        for rank, idx in enumerate(order):
            group[idx]["split"] = "tune" if rank % 2 == 0 else "report"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["text", "pii", "kinds", "keep", "split", "source"])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, **{k: json.dumps(row[k], ensure_ascii=False) for k in ("pii", "kinds", "keep")}})
    return len(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=None, help="default EE_SHARED_DATA (../shared/data)")
    args = parser.parse_args()
    if args.shared_data is None:
        from include.config import settings

        args.shared_data = settings().shared_data
    print(f"wrote {build(args.shared_data)} rows to {OUT}")
