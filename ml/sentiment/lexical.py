"""The lexical half of a warehouse-fitted sentiment head: TF-IDF n-grams + multinomial logistic regression.

Fitted at run time on a merchant's own rated texts (with :func:`ml.sentiment.fit_from_ratings`),
never shipped: its vocabulary is the merchant's words. It adds what the sentence vector
blurs: product- and domain-specific words ("漏液", "退款", "soggy"), and English word bigrams
("not worth"). On MARC validation it reaches ~0.68 (zh) and ~0.71 (en) 3-class accuracy alone,
against ~0.65 / ~0.68 for the USE + cue head fitted on the same split (docs/topics.md).

Tokens of a text (:func:`tokens`), one analyzer for both languages so mixed texts need no routing:

* English (Latin) words, lower-cased, as unigrams and adjacent bigrams;
* Chinese runs cut with jieba (dictionary only, as in :mod:`ml.sentiment.cues`): word
  unigrams and bigrams, plus character unigrams, bigrams and trigrams inside each run;
* every other non-space symbol at or above U+2000 (emoji, CJK punctuation such as ！？) as itself.

Long texts are read as their first :data:`~ml.sentiment.cues.HEAD_CHARS` and last
:data:`~ml.sentiment.cues.TAIL_CHARS` characters, like the cue features (speed).
Weights are scikit-learn's ``TfidfVectorizer`` (``sublinear_tf``, smooth idf, L2 rows,
``min_df=2``, at most :data:`MAX_FEATURES` tokens) and ``LogisticRegression`` (L2, lbfgs); applying a fitted model is plain numpy/scipy
(:class:`LexicalModel`), so it is saved without pickle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ml.sentiment.cues import HEAD_CHARS, TAIL_CHARS, _jieba

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*")
#: C of the lexical logistic regression (chosen on MARC zh/en validation from {1, 3, 10})
LEXICAL_C = 1.0
#: vocabulary cap (most frequent tokens): bounds the fitted model (~3 MB of weights) on large warehouses
MAX_FEATURES = 200_000


def tokens(text: str) -> list[str]:
    """The lexical features of one text (see the module docstring); ``[]`` for blank or non-string input."""
    if not isinstance(text, str) or not text.strip():
        return []
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        text = text[:HEAD_CHARS] + "\n" + text[-TAIL_CHARS:]
    lowered = text.lower().replace("’", "'")
    out: list[str] = []
    words = _LATIN_WORD.findall(lowered)
    out.extend(words)
    out.extend(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    runs = _CJK_RUN.findall(lowered)
    if runs:
        jieba = _jieba()
        for run in runs:
            cut = jieba.lcut(run, HMM=False)
            out.extend(cut)
            out.extend(f"{a}_{b}" for a, b in zip(cut, cut[1:], strict=False))
            for n in (1, 2, 3):
                out.extend(f"#{run[i:i + n]}" for i in range(len(run) - n + 1))
    out.extend(ch for ch in lowered if ord(ch) >= 0x2000 and not ch.isspace() and not _CJK_RUN.match(ch))
    return out


class LexicalModel:
    """A fitted TF-IDF + logistic-regression model: ``predict_proba(texts) -> (n, 3)``.

    Args:
        vocabulary: ``(V,)`` token strings, column order of ``idf`` and ``coef``.
        idf: ``(V,)`` inverse document frequencies.
        coef: ``(3, V)`` weights, rows in :data:`ml.sentiment.CLASSES` order.
        intercept: ``(3,)`` biases.

    Raises:
        ValueError: When the shapes do not agree.
    """

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray):
        self.vocabulary = np.asarray(vocabulary, dtype=str)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self._index = {token: i for i, token in enumerate(self.vocabulary.tolist())}
        if self.idf.shape != self.vocabulary.shape or self.coef.shape != (3, len(self.vocabulary)):
            raise ValueError(f"inconsistent lexical model: vocabulary {self.vocabulary.shape}, idf {self.idf.shape}, "
                             f"coef {self.coef.shape}")

    def transform(self, texts: Sequence[str]):
        """TF-IDF rows ``(n, V)`` (scipy CSR, float32): ``(1 + log tf) * idf``, L2-normalised, as scikit-learn."""
        import scipy.sparse as sp

        indptr, indices, values = [0], [], []
        for text in texts:
            counts: dict[int, int] = {}
            for token in tokens(text):
                j = self._index.get(token)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            row = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))) * self.idf[cols]
            norm = float(np.sqrt(np.dot(row, row)))
            indices.append(cols)
            values.append(row / norm if norm > 0 else row)
            indptr.append(indptr[-1] + len(cols))
        data = np.concatenate(values) if values else np.zeros(0, dtype=np.float32)
        cols = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
        return sp.csr_matrix((data.astype(np.float32), cols, np.asarray(indptr)), shape=(len(texts), len(self.idf)))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities ``(n, 3)`` (softmax of the logistic regression's logits)."""
        logits = np.asarray(self.transform(texts) @ self.coef.T) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays to save (``lex_`` prefixed; no object arrays, so ``np.load(allow_pickle=False)`` reads them)."""
        return {"lex_vocabulary": self.vocabulary, "lex_idf": self.idf, "lex_coef": self.coef,
                "lex_intercept": self.intercept}

    @classmethod
    def from_arrays(cls, arrays) -> LexicalModel | None:
        """Inverse of :meth:`arrays` (``None`` when the file has no lexical part)."""
        if "lex_coef" not in arrays:
            return None
        return cls(arrays["lex_vocabulary"], arrays["lex_idf"], arrays["lex_coef"], arrays["lex_intercept"])


def fit_lexical(texts: Sequence[str], labels: Sequence[str], sample_weight: np.ndarray | None = None,
                C: float = LEXICAL_C, classes: Sequence[str] = ("negative", "neutral", "positive")) -> LexicalModel:
    """Fit the lexical model on labelled texts.

    Args:
        texts: Documents.
        labels: One of ``classes`` per text; every class must occur.
        sample_weight: Optional ``(n,)`` weights.
        C: Inverse L2 strength.
        classes: Class order of the returned model's rows.

    Raises:
        ValueError: When no token occurs in two texts (nothing to learn from), or a class is missing.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    labels = np.asarray(labels, dtype=object)
    if set(labels) != set(classes):
        raise ValueError(f"every class must be present; found {sorted(set(labels))}")
    vectorizer = TfidfVectorizer(analyzer=tokens, sublinear_tf=True, min_df=2, max_features=MAX_FEATURES,
                                 dtype=np.float32)
    x = vectorizer.fit_transform(list(texts))
    model = LogisticRegression(C=C, max_iter=3000)
    model.fit(x, labels, sample_weight=sample_weight)
    order = [list(model.classes_).index(c) for c in classes]
    vocabulary = np.empty(len(vectorizer.vocabulary_), dtype=object)
    for token, j in vectorizer.vocabulary_.items():
        vocabulary[j] = token
    return LexicalModel(vocabulary.astype(str), vectorizer.idf_, model.coef_[order], model.intercept_[order])
