"""Topic representation: the keyphrase tokeniser, its stop lists and the c-TF-IDF vectorizer.

BERTopic's c-TF-IDF keywords, KeyBERTInspired + MMR keyphrases and the readable topic labels
(:mod:`ml.topics.labels`) are all computed over the tokens this module produces
(:func:`make_vectorizer`):

* Chinese: ``jieba.posseg`` words (plus the user words of ``ml/topics/data/jieba_words.txt``:
  没收到 is one word, not 没收 "confiscate" + 到); consecutive nouns are joined into one noun phrase
  (空气 + 炸锅 -> 空气炸锅, 物流 + 信息 -> 物流信息); nouns, verbal nouns, verbs and
  adjectives of two or more characters are kept. Single Han characters never are (急, 行,
  喽, 请 say nothing on their own).
* English: lower-cased words of two or more letters/digits (ids and numbers with three or
  more digits dropped), and each pair of adjacent kept words as a phrase ("return label").
* Everything in the stop lists of ``ml/topics/data/stopwords.yml`` is dropped: function
  words, chat fillers and courtesy words (说实话, 反正, 麻烦, 辛苦, thx, pls), opinion words
  (topics follow issues, not how people feel) and redaction masks (<PHONE>, 链接, 数字).
  ``EE_TOPIC_STOPWORDS`` points at a replacement file. Language detection is :mod:`ml.language`.
* A corpus with no token at all (emoji, thanks, stop words only) or a one-word vocabulary
  does not fail: :class:`TopicVectorizer` and :func:`make_ctfidf` (topics without keywords,
  labelled by a snippet in :mod:`ml.topics.labels`).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from ml.language import is_han
from ml.topics.textview import MASK

STOPWORDS_FILE = Path(__file__).with_name("data") / "stopwords.yml"
_KEEP_FLAGS = ("n", "vn", "v", "a", "eng", "nz", "ng")  # jieba POS prefixes that can name an issue
_LATIN = re.compile(r"[a-z0-9][a-z0-9'\-]*")
_CODE = re.compile(r"[a-z]\d+[a-z]|\d+[a-z]+\d")
_MASK = re.compile(MASK)  # the redaction masks the topic view knows (ml.topics.textview)
#: jieba glues sentence-final particles and modal verbs to words ("券嘛", "用嘛", "了能", "能发",
#: "发得"); they are trimmed before a token is kept (what is left of one character is no keyword)
_TRAILING_PARTICLES = "嘛呢吗吧啊呀啦哦噢么"
_VERB_PREFIXES = ("了", "能", "会", "可")
_VERB_SUFFIXES = ("得",)


def trim_han(word: str, flag: str) -> str:
    """A jieba token without glued particles: "券嘛" -> "券", "了能" -> "能" -> "", "发得" -> "发".

    Args:
        word: One jieba token.
        flag: Its jieba part-of-speech flag (prefixes and 得 are trimmed from verbs only).
    """
    if not is_han(word):
        return word
    while len(word) > 1 and word[-1] in _TRAILING_PARTICLES:
        word = word[:-1]
    if flag.startswith("v"):
        while len(word) > 1 and word.startswith(_VERB_PREFIXES):
            word = word[1:]
        while len(word) > 1 and word.endswith(_VERB_SUFFIXES):
            word = word[:-1]
    return word


@lru_cache(maxsize=4)
def load_stopwords(path: str | None = None) -> frozenset[str]:
    """All stop words of a stop-list file (default ``EE_TOPIC_STOPWORDS`` or the shipped file).

    Returns:
        Lower-cased tokens from every list in the file, plus sklearn's English stop words and
        punctuation.

    Raises:
        FileNotFoundError: When the file does not exist.
        ValueError: When it is not a mapping of lists (whitespace-separated strings).
    """
    import yaml
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    file = Path(path or os.environ.get("EE_TOPIC_STOPWORDS") or STOPWORDS_FILE)
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{file}: expected lists of stop words by name, got {type(data).__name__}")
    words: set[str] = set(ENGLISH_STOP_WORDS)
    for name, value in data.items():
        if isinstance(value, str):
            value = value.split()
        if not isinstance(value, list):
            raise ValueError(f"{file}: {name} must be a list or a whitespace-separated string")
        words.update(str(w).strip().lower() for w in value if str(w).strip())
    return frozenset(words)


#: the shipped stop list (kept for callers that want the set itself)
CHINESE_STOP_WORDS = load_stopwords(str(STOPWORDS_FILE))


#: jieba user dictionary of the topic tokeniser (jieba's format: word, frequency, POS tag):
#: negated service verbs and "too X" adjectives that jieba's own dictionary cuts into other
#: words (没收到 -> 没收 "confiscate" + 到; 价太高 -> 价太 + 高; 没到账 -> 没到 + 账)
USER_WORDS_FILE = Path(__file__).with_name("data") / "jieba_words.txt"


@lru_cache(maxsize=1)
def _jieba():
    """The topic tokeniser's own jieba POS tokeniser (its user words never touch jieba's global one,
    which the sentiment cues use)."""
    import jieba
    import jieba.posseg

    from include.config import settings

    tmp_dir = settings().data_dir / "jieba_cache"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(tmp_dir)
    tokenizer.load_userdict(str(USER_WORDS_FILE))
    return jieba.posseg.POSTokenizer(tokenizer)


#: what BERTopic puts in place of an empty document before c-TF-IDF: never a keyword
_BERTOPIC_EMPTY_DOC = "emptydoc"


def _keep(token: str, stop: frozenset[str]) -> bool:
    if not token or token in stop or token == _BERTOPIC_EMPTY_DOC:
        return False
    if is_han(token):
        return len(token) >= 2
    # Latin words; ids and numbers (o261001000215, 2026, 11) are not keywords, nor codes with
    # digits between letters (booking codes "e2kvm4", link ids "vbfieo2qjc"; "mp3", "iphone12" stay)
    return (bool(len(token) >= 2 and _LATIN.fullmatch(token)) and sum(c.isdigit() for c in token) < 3
            and not token.isdigit() and not _CODE.search(token))


def tokenize(text: str) -> list[str]:
    """Keyphrase tokens of one document (see the module docstring).

    Args:
        text: One document (Chinese, English or mixed).

    Returns:
        Noun phrases and content words, lower-cased, stop words and masks removed, in text order.
    """
    stop = load_stopwords()
    tokens: list[str] = []
    phrase: list[str] = []

    def flush() -> None:
        if phrase:
            joined = "".join(phrase)
            if _keep(joined, stop):
                tokens.append(joined)
            phrase.clear()

    previous_english: str | None = None  # adjacent kept English words also form a two-word phrase
    for pair in _jieba().cut(_MASK.sub(" ", text or "")):
        word, flag = pair.word.strip().lower(), pair.flag
        word = trim_han(word, flag)
        if not word:
            flush()
            continue
        if is_han(word) and flag.startswith("n") and word not in stop:
            phrase.append(word)  # consecutive nouns form one phrase
            previous_english = None
            continue
        flush()
        if is_han(word):
            previous_english = None
            if flag.startswith(_KEEP_FLAGS) and _keep(word, stop):
                tokens.append(word)
        elif _keep(word, stop):
            if previous_english:
                tokens.append(f"{previous_english} {word}")
            tokens.append(word)
            previous_english = word
        else:
            previous_english = None
    flush()
    return tokens


#: the only token of a vocabulary that would otherwise be empty (see :class:`TopicVectorizer`)
EMPTY_TOKEN = ""


class TopicVectorizer(CountVectorizer):
    """The CountVectorizer BERTopic's c-TF-IDF runs on, made total: it never fails on an empty vocabulary.

    BERTopic fits it on one joined document per topic. scikit-learn's CountVectorizer raises
    ``ValueError`` when no token survives: a corpus of acknowledgements, emoji or stop words
    only ("empty vocabulary"), or fewer topics than ``min_df`` / no token in ``min_df`` topics
    ("After pruning, no terms remain", "max_df corresponds to < documents than min_df").
    This subclass instead

    * retries with ``min_df=1`` (and keeps it) when tokens exist but the document-frequency
      pruning removed them all;
    * when the tokeniser finds no token at all, uses a one-token vocabulary
      (:data:`EMPTY_TOKEN`, the empty string) in which every document counts once, so c-TF-IDF
      stays finite; ``empty_vocabulary_`` is then ``True``. Topics get no keywords
      (:func:`ml.topics.model.topic_keywords` drops the empty token) and their labels fall back
      to a snippet of a representative document (:mod:`ml.topics.labels`).

    Any other error (e.g. a single string instead of a list of documents) is raised unchanged.
    """

    def fit_transform(self, raw_documents, y=None):
        """Learn the vocabulary (see the class docstring) and return the ``(n_docs, n_terms)`` count matrix."""
        documents = raw_documents if isinstance(raw_documents, str) else list(raw_documents)
        self.empty_vocabulary_ = False
        try:
            return super().fit_transform(documents, y)
        except ValueError:
            if isinstance(documents, str):
                raise
            analyze = self.build_analyzer()
            if any(analyze(doc) for doc in documents):
                if self.min_df == 1:
                    raise  # tokens exist and nothing was pruned: not an empty-vocabulary failure
                self.set_params(min_df=1)
                return super().fit_transform(documents, y)
        from scipy.sparse import csr_matrix

        self.vocabulary_ = {EMPTY_TOKEN: 0}
        self.empty_vocabulary_ = True
        return csr_matrix(np.ones((len(documents), 1), dtype=np.int64))

    def fit(self, raw_documents, y=None):
        """Learn the vocabulary (see :meth:`fit_transform`)."""
        self.fit_transform(raw_documents, y)
        return self

    def transform(self, raw_documents):
        """Count matrix of new documents; with the empty-vocabulary fallback, a column of ones."""
        if getattr(self, "empty_vocabulary_", False):
            from scipy.sparse import csr_matrix

            return csr_matrix(np.ones((len(list(raw_documents)), 1), dtype=np.int64))
        return super().transform(raw_documents)


def make_ctfidf():
    """BERTopic's ``ClassTfidfTransformer`` (default settings), fixed for a one-word vocabulary.

    BERTopic 0.17 squeezes the word frequencies of a one-column count matrix to a 0-d array,
    which scipy's ``diags`` refuses (``TypeError: object of type 'numpy.float64' has no
    len()``); a corpus whose only keyword is one word (twenty "退款" messages), or the
    :data:`EMPTY_TOKEN` fallback, has exactly one column. The subclass fits such a matrix
    as two identical columns and keeps the first weight: the same c-TF-IDF value.
    """
    import scipy.sparse as sp
    from bertopic.vectorizers import ClassTfidfTransformer

    class OneWordSafeClassTfidf(ClassTfidfTransformer):
        def fit(self, X, multiplier=None):
            if X.shape[1] != 1:
                return super().fit(X, multiplier=multiplier)
            twice = sp.hstack([X, X]).tocsr()
            super().fit(twice, multiplier=None if multiplier is None else np.repeat(multiplier, 2))
            self._idf_diag = self._idf_diag[:1, :1]  # the attribute BERTopic's transform multiplies by
            return self

    return OneWordSafeClassTfidf()


def make_vectorizer(min_df: int = 1, max_features: int | None = 50_000) -> TopicVectorizer:
    """Build the vectorizer BERTopic uses for c-TF-IDF over Chinese and English text.

    Args:
        min_df: Minimum number of documents a token must appear in. BERTopic fits the vectorizer
            on one joined document per topic, so this counts *topics*: keep 1, or the words of a
            single topic (its most distinctive ones) are dropped. Lowered to 1 when it would leave
            no token (:class:`TopicVectorizer`).
        max_features: Vocabulary cap (keeps memory bounded on large refits).

    Returns:
        A configured :class:`TopicVectorizer` (a scikit-learn ``CountVectorizer``) over
        :func:`tokenize` tokens (noun phrases and English word pairs included).
    """
    return TopicVectorizer(
        tokenizer=tokenize,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 1),  # phrases come from the tokeniser: bigrams across clauses read as noise
        min_df=min_df,
        max_features=max_features,
    )
