"""What the topic engine reads of a text: personal-data labels and social markup removed.

Two kinds of text say nothing about the customer's issue yet recur across every issue, so they
pull unrelated texts together in the sentence embedding and fill topic keywords and labels
(on the demo, 身份证号 / 卡号 / 收件人 / 鲜选 / freshpick were keywords of a third of the topics):

* **a personal value and its label**: the warehouse's redaction (``include/privacy``) replaces
  the value by a typed mask (``<ID_CARD>``, ``<BANK_CARD>``, ``<NAME>``, ``<PHONE>`` ...), but the
  words that introduce it stay: "…，退款卡号<BANK_CARD>", "收件人<NAME>", "my phone is <PHONE>".
  The mask and the label directly before it (a list kept as data, ``data/textview.yml``) are
  removed. A label word elsewhere is kept: "收件人电话写错了" is an issue about the recipient's
  phone.
* **social markup**: @mentions of an account (Weibo, X: "@鲜选官方 ", "@united", ".@united"),
  Weibo hashtags written between two ``#`` ("#双11# ") and links ("http://t.co/…", "www.…"). A mention is removed only when whitespace,
  punctuation or the end of the text closes it within 30 characters (Chinese mentions are not
  followed by a space reliably; nothing is removed when the end is unclear). Twitter-style
  ``#word`` tags are kept (they are often the words of the sentence).

``fct_interactions.text_redacted`` is unchanged; only the texts the topic engine embeds,
clusters and takes keywords from are (:func:`ml.pipeline.jobs.topic_texts`,
:func:`ml.evaluation.topics.evaluate_topics`). A text that would become empty is kept as it
is. ``EE_TOPIC_TEXTVIEW`` points to a merchant's own copy of the data file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).parent / "data" / "textview.yml"

#: a redaction mask (include.privacy.redactor.PLACEHOLDERS) or a dataset's own <UPPER_CASE> placeholder
MASK = r"<[A-Z][A-Z_]*>"
_END = r"[\s,，。.:：;；!！?？、()（）～~]"
#: @ + a word character, closed by whitespace, punctuation or the end within 30 characters;
#: not inside a word or an e-mail address, not "@@"; after a lone "." (Twitter's ".@united")
_MENTION = re.compile(rf"(?<![\w@])(?<!\w\.)@\w(?:(?!{_END})[^@#]){{0,29}}(?={_END}|$)")
#: a link: says where, not what (t.co ids and URL parts were keywords of airline-tweet topics)
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
#: Weibo "#话题#"; not "80#...70#" sizes, not HTML entities such as &#183;
_WEIBO_TAG = re.compile(r"(?<![0-9A-Za-z&])#[^#\n;&]{1,30}#")
_TRAILING = re.compile(r"[\s,，、;；:：]+$")
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+(?=[，。！？；：、,.!?;:])")


@lru_cache(maxsize=4)
def _label_pattern(path: str) -> re.Pattern:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    labels = [str(w).strip() for w in data.get("personal_data_labels", []) if str(w).strip()]
    if not labels:
        raise ValueError(f"{path}: personal_data_labels is empty")
    words = "|".join(re.escape(w) for w in sorted(labels, key=len, reverse=True))
    # optional possessive, optional label, optional "is"/colon, then the mask
    return re.compile(rf"(?:(?:我的|我|my|the|our)\s*)?(?:(?:{words})\s*(?:是|为|is|:|：)?\s*)?{MASK}", re.IGNORECASE)


def data_file() -> Path:
    """The label list in use: ``EE_TOPIC_TEXTVIEW`` when set, else the shipped ``data/textview.yml``."""
    return Path(os.environ.get("EE_TOPIC_TEXTVIEW") or DATA_FILE)


def topic_view(text: str, labels: re.Pattern | None = None) -> str:
    """One text as the topic engine reads it (see the module docstring).

    Args:
        text: A (redacted) customer text; non-strings are read as empty.
        labels: Compiled label pattern (default: from :func:`data_file`).

    Returns:
        The text without masked personal values and their labels, links, @mentions and ``#…#`` tags
        (spaces left by a removal collapsed); the text unchanged when it has none of them or
        when nothing else would be left.

    Raises:
        ValueError: When the data file lists no label.
    """
    if not isinstance(text, str) or not text:
        return text if isinstance(text, str) else ""
    pattern = labels or _label_pattern(str(data_file()))
    removed = 0
    view = text
    for rule in (pattern, _URL, _WEIBO_TAG, _MENTION):
        view, n = rule.subn(" ", view)
        removed += n
    if not removed:  # a text without masks or markup is read exactly as written
        return text
    view = _TRAILING.sub("", _SPACE_BEFORE_PUNCT.sub("", _SPACES.sub(" ", view))).strip()
    return view or text


def topic_views(texts: Sequence[str]) -> list[str]:
    """:func:`topic_view` of each text, same order and length."""
    pattern = _label_pattern(str(data_file()))
    return [topic_view(t, pattern) for t in texts]
