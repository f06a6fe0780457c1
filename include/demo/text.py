"""Turn a sub-intent into one customer sentence: template x slots x noise x language."""

from __future__ import annotations

import random
from dataclasses import dataclass

from include.demo import phrases

LANGUAGE_WEIGHTS = (("zh", 0.75), ("en", 0.20), ("mixed", 0.05))


@dataclass(frozen=True)
class Slots:
    """Values a template may refer to."""

    product: str = "这个商品"
    product_en: str = "this item"
    order: str = ""
    amount: str = "50"
    date: str = "10月1日"
    date_en: str = "Oct 1"
    carrier: str = "快递"
    carrier_en: str = "the courier"
    coupon: str = "优惠券"
    days: int = 3
    platform: str = "天猫"
    platform_en: str = "Tmall"
    region: str = "广东"
    region_en: str = "Guangdong"


def pick_language(rng: random.Random) -> str:
    """Draw 'zh', 'en' or 'mixed' with the demo's language shares."""
    r = rng.random()
    acc = 0.0
    for lang, weight in LANGUAGE_WEIGHTS:
        acc += weight
        if r < acc:
            return lang
    return "zh"


def _fill(template: str, slots: Slots, english: bool) -> str:
    values = {
        "product": slots.product_en if english else slots.product,
        "order": slots.order or ("my order" if english else ""),
        "amount": slots.amount,
        "date": slots.date_en if english else slots.date,
        "carrier": slots.carrier_en if english else slots.carrier,
        "coupon": slots.coupon,
        "days": slots.days,
        "platform": slots.platform_en if english else slots.platform,
        "region": slots.region_en if english else slots.region,
    }
    return template.format(**values)


def _fake_phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _fake_email(rng: random.Random) -> str:
    name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 8)))
    return f"{name}{rng.randint(1, 999)}@{rng.choice(['qq.com', '163.com', 'gmail.com', 'outlook.com'])}"


def _en_typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    idx = rng.randrange(len(words))
    w = words[idx]
    if len(w) > 3:
        i = rng.randrange(len(w) - 1)
        words[idx] = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return " ".join(words)


def _zh_typo(text: str, rng: random.Random) -> str:
    candidates = [k for k in phrases.ZH_TYPOS if k in text]
    if not candidates:
        return text
    key = rng.choice(candidates)
    return text.replace(key, phrases.ZH_TYPOS[key], 1)


def _code_switch(text: str, rng: random.Random) -> str:
    hits = [k for k in phrases.CODE_SWITCH if k in text]
    if not hits:
        return text + rng.choice([" ok?", " pls", " thx", " asap"])
    for key in rng.sample(hits, k=min(len(hits), rng.randint(1, 2))):
        text = text.replace(key, f" {phrases.CODE_SWITCH[key]} ", 1)
    return " ".join(text.split())


def render(sub_intent: str, language: str, slots: Slots, rng: random.Random, *,
           channel: str = "chat", detail_rate: float = 0.35, noise: float = 1.0) -> str:
    """Render one customer text.

    Args:
        sub_intent: a code from :data:`include.demo.phrases.SUB_INTENT_BY_CODE`.
        language: 'zh', 'en' or 'mixed' (Chinese with English words switched in).
        slots: values for the template placeholders.
        rng: the caller's seeded random generator.
        channel: 'chat' (chat openers like 在吗) or 'post' (reviews, NPS, social posts).
        detail_rate: chance of appending an extra clause matching the polarity.
        noise: scales the chance of typos, emoji, fillers and PII.

    Returns:
        The text, never empty.
    """
    spec = phrases.SUB_INTENT_BY_CODE[sub_intent]
    english = language == "en"
    bank = spec.en if english else spec.zh
    if not slots.order:  # no order at hand: only wordings that do not quote an order number
        bank = tuple(t for t in bank if "{order}" not in t) or bank
    template = rng.choice(bank)
    text = _fill(template, slots, english)
    if language == "mixed":
        text = _code_switch(text, rng)
    polarity = spec.polarity
    if rng.random() < detail_rate and spec.service_element != "other":
        bank = {
            ("negative", False): phrases.ZH_DETAILS_NEGATIVE, ("negative", True): phrases.EN_DETAILS_NEGATIVE,
            ("neutral", False): phrases.ZH_DETAILS_NEUTRAL, ("neutral", True): phrases.EN_DETAILS_NEUTRAL,
            ("positive", False): phrases.ZH_DETAILS_POSITIVE, ("positive", True): phrases.EN_DETAILS_POSITIVE,
        }[(polarity, english)]
        text += (", " if english else "，") + rng.choice(bank)
    if rng.random() < 0.5 * noise:
        if channel == "chat":
            opener = rng.choice(phrases.EN_OPENERS if english else phrases.ZH_OPENERS)
        else:
            opener = rng.choice(phrases.EN_POST_OPENERS if english else phrases.ZH_POST_OPENERS)
        text = opener + (text[0].lower() + text[1:] if english and opener else text)
    if not english and rng.random() < 0.08 * noise and "，" in text:
        cut = text.index("，") + 1
        text = text[:cut] + rng.choice(phrases.ZH_FILLERS) + text[cut:]
    if rng.random() < 0.10 * noise:
        text = _en_typo(text, rng) if english else _zh_typo(text, rng)
    if english and rng.random() < 0.25 * noise:
        text = text.lower()
    end = rng.random()
    if end < 0.2 * noise:
        marks = ["!!", "??", "...", "!!!"] if english else ["！！", "！！！", "？？？", "。。。", "..."]
        text += rng.choice(marks) if polarity != "positive" else ("!!" if english else "！！")
    elif end < 0.45 * noise:
        text += rng.choice(phrases.EMOJI[polarity])
    if rng.random() < 0.02 * noise:
        # personal data: the same draws as ever from `rng` (so the rest of the demo is unchanged);
        # which kind is planted comes from a generator seeded by the drawn phone number
        phone = _fake_phone(rng)
        kind, value = _plant_pii(phone, english)
        text += phrases.PII_SUFFIXES["en" if english else "zh"][kind] + value
    elif rng.random() < 0.01 * noise:
        email = _fake_email(rng)
        text += phrases.PII_SUFFIXES["en" if english else "zh"]["email"] + email
    return text.strip() or ("hi" if english else "你好")


#: shares of the planted kinds among texts with a planted phone-branch value (the rest: mainland phone)
PLANTED_KIND_SHARES = (("id_card", 0.12), ("bank_card", 0.12), ("address", 0.12), ("name", 0.12),
                       ("intl_phone", 0.12))


def _plant_pii(phone: str, english: bool) -> tuple[str, str]:
    """The kind and value of personal data to plant, drawn from a generator seeded by ``phone``.

    Values are realistic: resident ID numbers with a correct GB 11643 check character and a
    real region code, Luhn-valid bank cards (UnionPay 62..., Visa, Mastercard), real
    province/city/district names with a street and house number, names after a cue.
    """
    from stdnum import luhn
    from stdnum.cn import ric

    sub = random.Random(int(phone))
    r, acc, kind = sub.random(), 0.0, "phone"
    for name, share in PLANTED_KIND_SHARES:
        acc += share
        if r < acc:
            kind = name
            break
    if kind == "phone":
        return kind, phone
    if kind == "intl_phone":
        return kind, sub.choice(phrases.PII_INTL_PHONES).format(a=sub.randrange(200, 999), b=sub.randrange(10**4))
    if kind == "id_card":
        region = sub.choice(phrases.PII_PLACES)[3]
        body = f"{region}{sub.randrange(1960, 2005)}{sub.randrange(1, 13):02d}{sub.randrange(1, 29):02d}{sub.randrange(1000):03d}"
        return kind, body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character
    if kind == "bank_card":
        bin_, length = sub.choice(phrases.PII_CARD_BINS)
        body = bin_ + "".join(str(sub.randrange(10)) for _ in range(length - len(bin_) - 1))
        return kind, body + luhn.calc_check_digit(body)
    if kind == "address":
        if english:
            return kind, f"{sub.randrange(1, 9999)} {sub.choice(phrases.PII_STREETS_EN)}, {sub.choice(phrases.PII_CITIES_EN)}"
        province, city, district, _ = sub.choice(phrases.PII_PLACES)
        return kind, f"{province}{city}{district}{sub.choice(phrases.PII_STREETS)}{sub.randrange(1, 999)}号"
    if english:
        first, last = sub.choice(phrases.PII_NAMES_EN)
        return kind, f"{first} {last}"
    return kind, sub.choice(phrases.PII_SURNAMES) + "".join(sub.choice(phrases.PII_GIVEN) for _ in range(2))


def planted_pii(text: str) -> tuple[str, str] | None:
    """The (kind, value) :func:`render` planted at the end of ``text``, or None.

    Reads the generator's own suffixes (phrases.PII_SUFFIXES) and checks the value has the
    shape the generator writes, so tests can look up the planted values in the ground truth's
    texts (voice_labels.parquet) without any detector ("收件人电话写错了" is no planted name).
    """
    import re

    shapes = {
        "phone": r"1[3-9]\d{9}", "intl_phone": r"\+\d{1,3}[ \d-]{6,14}\d", "email": r"[a-z]+\d+@[a-z0-9.]+",
        "id_card": r"\d{17}[\dX]", "bank_card": r"\d{16,19}",
        "address": r"(?:\d+ [A-Za-z ]+, [A-Za-z]+, [A-Z]{2} \d{5}|[\u4e00-\u9fff]+\d+号)",
        "name": rf"(?:[{phrases.PII_SURNAMES}][{phrases.PII_GIVEN}]{{2}}|[A-Z][a-z]+ [A-Z][a-z]+)",
    }
    for lang in ("zh", "en"):
        for kind, cue in phrases.PII_SUFFIXES[lang].items():
            at = text.rfind(cue)
            if at >= 0 and re.fullmatch(shapes[kind], value := text[at + len(cue):]):
                return ("phone" if kind == "intl_phone" else kind), value
    return None


def bot_reply(element: str, language: str, rng: random.Random) -> str:
    """A canned bot reply for a service element ('transfer' and 'default' also work)."""
    bank = phrases.BOT_REPLIES["en" if language == "en" else "zh"]
    return rng.choice(bank.get(element, bank["default"]))


def agent_reply(language: str, rng: random.Random, *, agent: str, amount: str, carrier: str) -> str:
    """A human agent's reply with its placeholders filled."""
    bank = phrases.AGENT_REPLIES["en" if language == "en" else "zh"]
    return rng.choice(bank).format(agent=agent, amount=amount, carrier=carrier)
