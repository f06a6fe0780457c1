"""Cue features of a text for the sentiment head: emoji/kaomoji polarity, question and request
markers, thanks/greeting, negation-aware opinion words (Chinese on jieba tokens, English on word
boundaries), lukewarm and contrast words.

Every list here (and ``data/emoji_polarity.csv``) was written for this project. Opinion words
are matched as whole tokens, never as raw substrings: ``少`` inside the jieba token ``多少`` is
not an opinion, ``bad`` inside ``badge`` is not either. A negator (不, 没, 别, not, never, n't,
...) up to two tokens before an opinion word flips it (``不好吃`` is negative, ``not bad`` positive).

:func:`cue_features` returns an ``(n, len(CUE_NAMES))`` float32 matrix; counts are squashed
with ``log1p`` so one long review does not dominate.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"

CUE_NAMES = (
    "emoji_pos", "emoji_neg", "emoji_neutral", "opinion_pos", "opinion_neg", "negated",
    "question", "request", "thanks", "thanks_only", "greeting", "lukewarm", "contrast", "problem", "exclamation",
    "length",
)

ZH_POSITIVE = frozenset("""
好吃 好喝 好用 好看 好评 不错 满意 喜欢 喜爱 推荐 新鲜 给力 实惠 划算 超值 值得 值 舒服 流畅 清晰 干净 热情 耐心
专业 及时 周到 贴心 精致 漂亮 结实 耐用 正品 很快 迅速 点赞 惊喜 开心 完美 优秀 满分 五星 棒 赞 好 很好 挺好 非常好
真好 太好了 爱 喜欢 感谢 谢谢 放心 省心 方便 靠谱 良心 物美价廉 物超所值 性价比 回购 支持 香 真香 绝了 好极了 美味
可口 好听 清爽 柔软 暖和 合身 合适 准时 礼貌 态度好 质量好 效果好 好闻 细腻 光滑 顺滑 高兴 愉快 棒棒 牛 厉害 优惠
""".split())
ZH_NEGATIVE = frozenset("""
难吃 难喝 难用 难闻 难看 失望 垃圾 差评 差劲 糟糕 恶心 太慢 很慢 变质 过期 发霉 腐烂 坏 坏了 破损 压坏 碎 碎了 漏 洒
凉 凉了 太咸 太油 太贵 假货 骗人 欺骗 坑人 坑 投诉 生气 愤怒 无语 后悔 浪费 上当 敷衍 冷漠 恶劣 不耐烦 拖延 缺件
少发 漏发 错发 发错 送错 搞错 色差 起球 掉色 褪色 卡顿 发热 闪退 异味 怪味 臭 脏 霉味 吵 噪音 过敏 拉肚子 乱收费
霸道 骗子 差 烂 慢 贵 破 丢 丢失 延迟 超时 气死 崩溃 离谱 太差 很差 最差 不好 不行 不值 不满 不满意 不新鲜 不好用
不好吃 不推荐 没用 失败 故障 毛病 问题 瑕疵 划痕 裂 开胶 缩水 掉毛 虫子 头发 异物 辣眼睛 坑爹 黑心 无良 忍无可忍 受不了
""".split())
ZH_NEGATORS = frozenset("不 没 没有 别 不是 不太 并不 并没有 一点也不 一点都不 毫不 不够 从不 不会 未 无".split())
#: ... ``([\u4e00-\u9fff])[不没]\1``: the A-not-A question (正反问句: 在不在, 是不是, 好不好, 有没有)
ZH_QUESTION = re.compile(r"(吗|呢|么|嘛|吧)[\s?？~～。.!！…]*$|[?？]|([\u4e00-\u9fff])[不没]\2|请问|能不能|可不可以|能否|是否|怎么|怎样|如何|多少|几点|几天|几号|"
                         r"什么时候|哪里|哪儿|哪个|哪些|哪款|有没有|是不是|会不会|要不要|为什么|为啥|啥时候|咋")
ZH_REQUEST = re.compile(r"帮我|帮忙|麻烦|请|能不能帮|我想|我要|想要|希望|建议|转人工|人工客服|催一下|查一下|改一下|看一下|给我")
ZH_THANKS = re.compile(r"谢谢|感谢|多谢|辛苦|谢啦|谢了|麻烦你了|麻烦了")
ZH_GREETING = re.compile(r"你好|您好|在吗|在不在|在嘛|早上好|晚上好|下午好|哈喽|亲[，,\s]|^亲$|有人吗")
ZH_LUKEWARM = re.compile(r"还行|一般|凑合|中规中矩|还可以|普通|普普通通|马马虎虎|说不上|有好有坏|还好|尚可|差不多")
ZH_CONTRAST = re.compile(r"但是|但|就是|不过|可惜|然而|只是|美中不足")
ZH_PROBLEM = re.compile(r"还没|一直没|没收到|没到|没有到账|不到账|没到账|说法|投诉|赔偿|尽快|解决方案|怎么回事|什么情况|到底|"
                        r"要求|驳回|超时|不动|没更新|没有更新|查不到|用不了|不能用|付不了|登录不上|失败|被扣|扣了")

EN_POSITIVE = frozenset("""
good great excellent amazing awesome love loved loves lovely perfect perfectly fantastic wonderful delicious tasty fresh
fast quick quickly friendly helpful polite patient recommend recommended happy pleased satisfied impressive impressed best
nice comfortable worth smooth easy reliable thanks thank thx appreciated appreciate brilliant superb beautiful gorgeous
enjoy enjoyed like liked favourite favorite outstanding awesome super cool glad solid sturdy generous kind professional
efficient clean tidy cheap affordable bargain gem 5-star delighted exceeded
""".split())
EN_NEGATIVE = frozenset("""
bad terrible awful horrible worst poor disappointed disappointing disappointment broken broke damaged defective faulty cold
late slow rude useless waste wasted wrong missing lost fake scam ripoff rip-off disgusting gross stale rotten expired leak
leaked leaking melted crushed dirty smelly noisy angry annoyed upset unacceptable ridiculous complaint complain complained
overpriced expensive crash crashes crashed hate hated sucks fail failed failure delay delayed refused refuse cancelled
canceled never-again worse ugh horrendous nightmare frustrated frustrating mess soggy greasy salty bland shrank peeling
rash itchy sick hacked blocked stuck incorrect unhelpful ignored ignore ignoring lied liar cheated overcharged
""".split())
EN_NEGATORS = frozenset("not no never dont don't didnt didn't isnt isn't wasnt wasn't arent aren't doesnt doesn't cant can't "
                        "couldnt couldn't wont won't hardly without nothing nobody neither nor".split())
EN_QUESTION = re.compile(r"\?|^\s*(how|what|when|where|which|who|whom|whose|why|can|could|would|will|is|are|am|do|does|did|"
                         r"may|might|should|shall|any|anyone|has|have)\b", re.IGNORECASE)
EN_REQUEST = re.compile(r"\b(please|pls|plz|could you|can you|would you|i'd like|i would like|i want|i need|i wanna|let me|"
                        r"help me|transfer me|talk to|speak to|agent|suggestion|suggest|would be nice|would love|"
                        r"add|check)\b", re.IGNORECASE)
EN_THANKS = re.compile(r"\b(thanks|thank|thx|ty|appreciate|appreciated|cheers)\b", re.IGNORECASE)
EN_GREETING = re.compile(r"^\s*(hi|hello|hey|hiya|good (morning|afternoon|evening)|anyone there|excuse me)\b", re.IGNORECASE)
EN_LUKEWARM = re.compile(r"\b(okay|ok|average|decent|alright|so-so|meh|fine|mediocre|mixed|nothing special|not great not terrible|"
                         r"does the job|it works|acceptable|middling)\b", re.IGNORECASE)
EN_CONTRAST = re.compile(r"\b(but|however|though|although|except|yet)\b", re.IGNORECASE)
EN_PROBLEM = re.compile(r"\b(still|not yet|never (arrived|came|got)|haven't (received|got)|didn't (arrive|come|work)|"
                        r"doesn't work|won't (apply|work)|complain\w*|solution|asap|urgent\w*|what's going on|compensation|"
                        r"refund\w*|charged|stuck|rejected|failed|fails|missing|late)\b", re.IGNORECASE)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_EN_WORD = re.compile(r"[a-z]+(?:['’\-][a-z]+)*")
_EXCLAIM = re.compile(r"[!！]")


@lru_cache(maxsize=1)
def emoji_table() -> tuple[dict[str, int], tuple[tuple[str, int], ...]]:
    """``(emoji, kaomoji)`` polarity tables read from ``data/emoji_polarity.csv``.

    Returns:
        ``emoji``: one code point (variation selector U+FE0F stripped) -> polarity in {-1, 0, 1};
        ``kaomoji``: ``(string, polarity)`` pairs, longest first (matched as substrings).
    """
    emoji, kaomoji = {}, []
    with open(DATA / "emoji_polarity.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            token, polarity = row["token"].replace("\ufe0f", ""), int(row["polarity"])
            if row["kind"] == "emoji":
                emoji[token] = polarity
            else:
                kaomoji.append((token, polarity))
    kaomoji.sort(key=lambda kv: -len(kv[0]))
    return emoji, tuple(kaomoji)


def emoji_polarity(text: str) -> tuple[int, int, int]:
    """Counts of positive, negative and neutral emoji and kaomoji in ``text``.

    Emoji not in the table count as neutral only when they are pictographs (Unicode category So).
    A kaomoji is counted once per occurrence and its characters are not re-read as emoji.
    """
    emoji, kaomoji = emoji_table()
    pos = neg = neu = 0
    rest = text
    for token, polarity in kaomoji:
        if token in rest:
            count = rest.count(token)
            rest = rest.replace(token, " ")
            pos += count * (polarity > 0)
            neg += count * (polarity < 0)
    for ch in rest:
        if ord(ch) < 0x2000:
            continue
        polarity = emoji.get(ch)
        if polarity is None:
            neu += unicodedata.category(ch) == "So"
        elif polarity > 0:
            pos += 1
        elif polarity < 0:
            neg += 1
        else:
            neu += 1
    return pos, neg, neu


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for word in ZH_POSITIVE | ZH_NEGATIVE:  # keep the cue words whole (e.g. 不好吃, 物超所值)
        if len(word) > 1:
            jieba.add_word(word)
    return jieba


def opinion_counts(text: str) -> tuple[int, int, int]:
    """Negation-aware opinion words: ``(positive, negative, negated)`` counts.

    Chinese runs are cut with jieba (dictionary only, no HMM: faster, and every cue word is in the dictionary); a token is an opinion word when it is in the list, or when
    it is ``不``/``没`` + a listed word (``不新鲜``: the remainder, flipped). English words are
    matched on word boundaries. A negator among the two preceding tokens flips the polarity.
    """
    pos = neg = negated = 0

    def add(polarity: int, flipped: bool) -> None:
        nonlocal pos, neg, negated
        if flipped:
            polarity, negated = -polarity, negated + 1
        if polarity > 0:
            pos += 1
        else:
            neg += 1

    if _CJK.search(text):
        tokens = [t for t in _jieba().lcut(text, HMM=False) if t.strip()]
        for i, tok in enumerate(tokens):
            before = tokens[max(0, i - 2):i]
            flipped = any(b in ZH_NEGATORS for b in before)
            if tok in ZH_NEGATIVE:
                add(-1, flipped and tok not in ("不好", "不行", "不值", "不满", "不满意"))
            elif tok in ZH_POSITIVE:
                add(1, flipped)
            elif len(tok) > 1 and tok[0] in "不没" and tok[1:] in ZH_POSITIVE:
                add(-1, False)
                negated += 1
    lowered = text.lower()
    if re.search(r"[a-z]", lowered):
        words = _EN_WORD.findall(lowered.replace("’", "'"))
        for i, word in enumerate(words):
            polarity = 1 if word in EN_POSITIVE else (-1 if word in EN_NEGATIVE else 0)
            if polarity:
                add(polarity, any(w in EN_NEGATORS or w.endswith("n't") for w in words[max(0, i - 3):i]))
    return pos, neg, negated


#: longer texts are read as their first 192 and last 96 characters (speed: jieba is linear in length)
HEAD_CHARS, TAIL_CHARS = 192, 96


def cue_vector(text: str) -> np.ndarray:
    """The cue features of one text, in the order of :data:`CUE_NAMES` (float32).

    ``length`` is ``log1p(characters) / 5`` of the whole text; the other cues read at most
    :data:`HEAD_CHARS` + :data:`TAIL_CHARS` characters (opening and closing, where reviews put
    their verdict).
    """
    text = text if isinstance(text, str) else ""
    full_length = len(text.strip())
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        text = text[:HEAD_CHARS] + "\n" + text[-TAIL_CHARS:]
    e_pos, e_neg, e_neu = emoji_polarity(text)
    o_pos, o_neg, negated = opinion_counts(text)
    stripped = text.strip()
    has_zh = bool(_CJK.search(text))
    question = bool(EN_QUESTION.search(stripped)) or (has_zh and bool(ZH_QUESTION.search(stripped)))
    request = bool(EN_REQUEST.search(stripped)) or (has_zh and bool(ZH_REQUEST.search(stripped)))
    thanks = bool(EN_THANKS.search(stripped)) or (has_zh and bool(ZH_THANKS.search(stripped)))
    greeting = bool(EN_GREETING.search(stripped)) or (has_zh and bool(ZH_GREETING.search(stripped)))
    lukewarm = bool(EN_LUKEWARM.search(stripped)) or (has_zh and bool(ZH_LUKEWARM.search(stripped)))
    contrast = bool(EN_CONTRAST.search(stripped)) or (has_zh and bool(ZH_CONTRAST.search(stripped)))
    problem = bool(EN_PROBLEM.search(stripped)) or (has_zh and bool(ZH_PROBLEM.search(stripped)))
    thanks_only = thanks and not (question or request)
    values = (e_pos, e_neg, e_neu, o_pos, o_neg, negated)
    return np.array([*np.log1p(values), question, request, thanks, thanks_only, greeting, lukewarm, contrast, problem,
                     np.log1p(len(_EXCLAIM.findall(text))), np.log1p(full_length) / 5.0], dtype=np.float32)


def cue_features(texts: Sequence[str]) -> np.ndarray:
    """Cue features of many texts: ``(len(texts), len(CUE_NAMES))`` float32 (see :data:`CUE_NAMES`)."""
    out = np.zeros((len(texts), len(CUE_NAMES)), dtype=np.float32)
    for i, text in enumerate(texts):
        out[i] = cue_vector(text)
    return out
