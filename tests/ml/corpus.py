"""A fixed, hand-written customer-voice corpus for the topic-engine tests (Chinese and English).

Five themes, each built from templates x fillers, so the corpus is deterministic and its
structure is known: tests can check that themes end up in different topics.
"""

from __future__ import annotations

import itertools

THEMES: dict[str, dict[str, list[str]]] = {
    "logistics": {
        "templates": [
            "我的快递{x}还没到，物流一直不更新", "包裹{x}了，骑手说已经送达但我没收到", "配送太慢了，{x}都没送到",
            "my parcel is {x} and the tracking has not updated", "the courier marked it delivered {x} but nothing arrived",
        ],
        "fillers": ["三天", "一周", "两天", "五天", "昨天", "stuck", "late", "lost", "yesterday", "missing"],
    },
    "refund": {
        "templates": [
            "申请退款{x}了还没到账", "退货寄回去{x}，退款一直不处理", "我要退款，商品{x}",
            "I asked for a refund {x} and still have not received it", "returned the item {x}, where is my money back",
        ],
        "fillers": ["十天", "两周", "很久", "一个月", "不想要", "two weeks ago", "last month", "ten days ago", "already", "long ago"],
    },
    "payment": {
        "templates": [
            "付款的时候{x}，被扣了两次钱", "支付失败但是银行卡{x}扣款了", "花呗付款{x}一直提示错误",
            "my card was charged twice {x} for one order", "the payment failed {x} but money left my account",
        ],
        "fillers": ["今天", "刚才", "昨晚", "下单时", "已经", "today", "just now", "last night", "at checkout", "again"],
    },
    "quality": {
        "templates": [
            "收到的{x}是坏的，质量太差了", "{x}用了两天就坏了", "这个{x}有破损，做工很差",
            "the {x} arrived broken and looks cheap", "poor quality {x}, it stopped working after two days",
        ],
        "fillers": ["杯子", "耳机", "充电器", "衣服", "台灯", "headphones", "charger", "kettle", "phone case", "lamp"],
    },
    "coupon": {
        "templates": [
            "优惠券{x}用不了，满减活动没生效", "领的红包{x}无法使用", "双十一的优惠{x}没有算进去",
            "my coupon {x} does not apply at checkout", "the discount code {x} is not working on the sale",
        ],
        "fillers": ["下单时", "结算时", "今天", "怎么", "突然", "SAVE10", "at checkout", "today", "again", "for this order"],
    },
}


def build_corpus() -> tuple[list[str], list[str]]:
    """Return ``(texts, themes)``: every template x filler combination, in a fixed order."""
    texts, themes = [], []
    for theme, spec in THEMES.items():
        for template, filler in itertools.product(spec["templates"], spec["fillers"]):
            texts.append(template.format(x=filler))
            themes.append(theme)
    return texts, themes


#: New texts (not in the corpus) assigned with a model fitted on it: Chinese, English and
#: mixed-language messages, so language routing and every assignment mode are exercised.
NEW_TEXTS: list[str] = [
    "iPhone 屏幕碎了", "快递三天了还没到，tracking 一直不更新", "refund 申请了两周还没到账", "my parcel is stuck",
    "退款什么时候到", "the charger arrived broken", "优惠券不能用", "coupon code SAVE20 does not work",
    "花呗付款失败了", "payment failed twice at checkout", "耳机用了一天就坏了", "where is my money back",
    "骑手说送达了但是没收到", "the discount is not applied to my order", "银行卡被扣了两次钱", "Kindle 充电器坏了",
    "好的谢谢", "ok thanks", "😡😡😡", "",
]


def theme_sessions(texts: list[str], themes: list[str], seed: int = 1) -> list[str | None]:
    """Chat session ids that pair every text with another of the same theme and language
    (``None`` for the odd one out of a group): conversations about one issue each."""
    import numpy as np

    from ml.language import detect_language

    rng = np.random.default_rng(seed)
    sessions: list[str | None] = [None] * len(texts)
    groups: dict[tuple[str, str], list[int]] = {}
    for i, (text, theme) in enumerate(zip(texts, themes, strict=True)):
        groups.setdefault((theme, detect_language(text)), []).append(i)
    for (theme, lang), rows in groups.items():
        rows = list(rng.permutation(rows))
        for k in range(0, len(rows) - 1, 2):
            sessions[rows[k]] = sessions[rows[k + 1]] = f"{theme}-{lang}-{k}"
    return sessions

