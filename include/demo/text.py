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
        phone = _fake_phone(rng)
        text += f" call me at {phone}" if english else f"，我电话{phone}"
    elif rng.random() < 0.01 * noise:
        email = _fake_email(rng)
        text += f" my email is {email}" if english else f"，邮箱{email}"
    return text.strip() or ("hi" if english else "你好")


def bot_reply(element: str, language: str, rng: random.Random) -> str:
    """A canned bot reply for a service element ('transfer' and 'default' also work)."""
    bank = phrases.BOT_REPLIES["en" if language == "en" else "zh"]
    return rng.choice(bank.get(element, bank["default"]))


def agent_reply(language: str, rng: random.Random, *, agent: str, amount: str, carrier: str) -> str:
    """A human agent's reply with its placeholders filled."""
    bank = phrases.AGENT_REPLIES["en" if language == "en" else "zh"]
    return rng.choice(bank).format(agent=agent, amount=amount, carrier=carrier)
