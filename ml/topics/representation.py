"""Topic representation: the jieba + English tokeniser, stop words and the c-TF-IDF vectorizer.

BERTopic's c-TF-IDF keywords and KeyBERTInspired labels are computed over the tokens this
module produces (:func:`make_vectorizer`). Language detection is :mod:`ml.language`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ml.language import is_han

#: Chinese function words plus punctuation and whitespace that jieba returns as tokens.
CHINESE_STOP_WORDS: frozenset[str] = frozenset(
    """的 了 是 我 你 他 她 它 们 我们 你们 他们 这 那 这个 那个 就 都 也 还 又 在 和 与 及 或 而 但 但是
    很 太 非常 比较 挺 真 真的 就是 还是 不是 没有 有 没 不 吧 吗 呢 啊 呀 哦 嗯 哈 哈哈 啦 嘛 么 个 一个 一
    一下 一点 一些 有点 什么 怎么 怎么样 为什么 可以 可能 已经 因为 所以 如果 然后 而且 不过 虽然 只是 还有
    对 给 把 被 让 从 到 于 以 之 其 等 着 过 得 地 去 来 上 下 里 说 要 会 能 想 看 做 用 买 东西 自己 现在
    时候 感觉 觉得 比 更 最 再 才 只 多 少 大 小 好 吃 次 请问 您好 你好 亲 谢谢 好的 这样 那样 这么 那么 哪 哪里
    """.split()
) | frozenset(list("，。！？、；：“”‘’（）《》【】—…·～~,.!?;:'\"()[]{}<>-_/\\|@#$%^&*+=`") + [" ", "  ", "\t", "\n", "\r", "\u3000", "\ufeff"])


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    from include.config import settings

    tmp_dir = settings().data_dir / "jieba_cache"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(tmp_dir)
    jieba.setLogLevel(60)
    return jieba


def tokenize(text: str) -> list[str]:
    """Tokenise mixed Chinese/English text for c-TF-IDF: jieba words, lower-cased, stop words removed.

    Args:
        text: One document.

    Returns:
        Tokens of at least one Han character or two Latin/digit characters, minus stop words.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    tokens = []
    for token in _jieba().lcut(text or ""):
        token = token.strip().lower()
        if not token or token in CHINESE_STOP_WORDS or token in ENGLISH_STOP_WORDS:
            continue
        if is_han(token) or (len(token) >= 2 and re.fullmatch(r"[a-z0-9][a-z0-9'\-]*", token)):
            tokens.append(token)
    return tokens


def make_vectorizer(min_df: int = 2, max_features: int | None = 50_000):
    """Build the CountVectorizer BERTopic uses for c-TF-IDF over Chinese and English text.

    Args:
        min_df: Minimum number of documents a token must appear in.
        max_features: Vocabulary cap (keeps memory bounded on large refits).

    Returns:
        A configured :class:`sklearn.feature_extraction.text.CountVectorizer`.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        tokenizer=tokenize,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        min_df=min_df,
        max_features=max_features,
    )
