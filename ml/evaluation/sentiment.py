"""Sentiment quality against labelled data (3-class or binary).

Reference labels are normalised by :func:`normalise_labels`: ``negative`` / ``neutral`` /
``positive`` (any case) are 3-class; ``0`` / ``1`` (or ``"0"`` / ``"1"``) are binary, where
the sign of the model's score decides (``score > 0`` is positive), as the binary datasets
have no neutral class.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

THREE_CLASSES = ("negative", "neutral", "positive")


def normalise_labels(labels: Sequence) -> tuple[list[str], str]:
    """Reference labels as strings and the task: ``three_class`` or ``binary``.

    Raises:
        ValueError: When the labels are neither 3-class names nor 0/1, naming the values seen.
    """
    values = [str(v).strip().lower() for v in labels]
    seen = set(values)
    if seen <= set(THREE_CLASSES):
        return values, "three_class"
    as_int = {v.split(".")[0] if v.endswith(".0") else v for v in seen}
    if as_int <= {"0", "1"}:
        return ["positive" if v.startswith("1") else "negative" for v in values], "binary"
    raise ValueError(f"labels must be negative/neutral/positive or 0/1; found {sorted(seen)[:10]}")


def predict_labels_scores(model, texts: list[str], embeddings: np.ndarray | None = None) -> tuple[list[str], np.ndarray]:
    """Labels and scores from a model: its vectorised ``predict_arrays`` when it has one, else ``predict``."""
    if hasattr(model, "predict_arrays"):
        labels, scores = model.predict_arrays(texts, embeddings)
        return [str(v) for v in labels], np.asarray(scores, dtype=float)
    results = model.predict(texts) if embeddings is None else model.predict(texts, embeddings)
    return [r.label for r in results], np.array([r.score for r in results], dtype=float)


def evaluate_sentiment(texts: Sequence[str], labels: Sequence | None = None, model=None,
                       embeddings: np.ndarray | None = None) -> dict:
    """Score texts with a sentiment model and compare with reference labels.

    Args:
        texts: Documents.
        labels: Reference labels (see :func:`normalise_labels`), or ``None`` for unlabelled input.
        model: Sentiment model with ``predict_arrays(texts, embeddings)`` or ``predict(texts)``
            (default :func:`ml.sentiment.default_model`).
        embeddings: USE vectors of ``texts`` ``(n, 512)``; when ``None`` and the model has an
            ``embedder``, they are computed through the embedding cache (timed separately).

    Returns:
        ``n``, ``docs_per_second`` (embedding + head; cached embeddings make it the head's speed),
        ``head_docs_per_second`` (the head alone, embeddings given, after a one-text warm-up that
        loads jieba's dictionary), ``embedding_seconds``,
        ``label_shares`` (share of each of the model's 3-class labels), ``model`` (the head's
        ``kind`` when it has one) and, with labels, ``task``, ``accuracy`` and ``macro_f1``.

    Raises:
        ValueError: On unusable labels or a length mismatch.
    """
    from ml.evaluation.metrics import classification_scores
    from ml.sentiment import default_model

    texts = [t if isinstance(t, str) else "" for t in texts]
    if labels is not None and len(labels) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    reference, task = normalise_labels(labels) if labels is not None else (None, None)
    model = model or default_model()
    started = time.perf_counter()
    if embeddings is None and hasattr(model, "embedder") and hasattr(model, "predict_arrays") and texts:
        from ml.embedding import embed_with_cache

        embeddings = embed_with_cache(texts, model.embedder, show_progress=len(texts) > 5000)
    if texts and hasattr(model, "predict_arrays"):
        model.predict_arrays(texts[:1], None if embeddings is None else embeddings[:1])  # warm-up (jieba's dictionary)
    embedded = time.perf_counter()
    labels_given, scores = predict_labels_scores(model, texts, embeddings)
    finished = time.perf_counter()
    if task == "binary":
        predicted = ["positive" if s > 0 else "negative" for s in scores]
    else:
        predicted = labels_given
    shares = {c: round(float(np.mean([p == c for p in labels_given])), 4) for c in THREE_CLASSES} if texts else {}
    out = {"n": len(texts), "docs_per_second": round(len(texts) / max(finished - started, 1e-9), 1),
           "head_docs_per_second": round(len(texts) / max(finished - embedded, 1e-9), 1),
           "embedding_seconds": round(embedded - started, 2), "label_shares": shares,
           "model": getattr(model, "kind", type(model).__name__)}
    if reference is not None:
        out = {**classification_scores(predicted, reference), "task": task, **out}
    return out


def fit_from_labelled(texts: Sequence[str], ratings: Sequence | None = None, scale_max: float = 5,
                      labels: Sequence | None = None, min_rated: int | None = None):
    """Distant-supervision simulation: a warehouse-fitted head from a labelled or rated training split.

    Give either ``ratings`` (stars 1-5 with ``scale_max=5``, NPS 0-10 with ``scale_max=10``) or
    ``labels``: 3-class labels are read as the ratings 1 / 3 / 5 on a 5-star scale (which
    :func:`ml.sentiment.ratings_to_labels` maps back to the same classes); binary 0/1 labels
    (good / bad reviews) as 1 / 5, the neutral class then coming from the seed sentences only.

    Returns:
        The head from :func:`ml.sentiment.fit_from_ratings` (the base head when too few rows).

    Raises:
        ValueError: With neither or both of ``ratings`` and ``labels``, or labels that are neither
            3-class nor 0/1.
    """
    from ml.sentiment import MIN_RATED, fit_from_ratings

    if (ratings is None) == (labels is None):
        raise ValueError("give either ratings or labels (3-class or 0/1) for the training split")
    if labels is not None:
        values, _ = normalise_labels(labels)  # binary 0/1 come back as negative / positive
        ratings, scale_max = [{"negative": 1, "neutral": 3, "positive": 5}[v] for v in values], 5
    return fit_from_ratings(list(texts), list(ratings), scale_max,
                            min_rated=MIN_RATED if min_rated is None else min_rated)


def holdout_mask(texts: Sequence[str], share: float = 0.2) -> np.ndarray:
    """A deterministic held-out split for data sets without one: ``(n,)`` bool, True = held out.

    A text is held out when the first 8 hex digits of its SHA-1 (UTF-8), as an integer modulo
    10,000, fall below ``share * 10,000``: the split depends on the text alone, so duplicates
    never cross it and any run, machine or row order gives the same split.

    Raises:
        ValueError: When ``share`` is not in (0, 1).
    """
    import hashlib

    if not 0 < share < 1:
        raise ValueError(f"holdout share must be in (0, 1); got {share}")
    cut = round(share * 10_000)
    return np.array([int(hashlib.sha1((t if isinstance(t, str) else "").encode("utf-8")).hexdigest()[:8], 16)
                     % 10_000 < cut for t in texts], dtype=bool)


def evaluate_holdout(texts: Sequence[str], labels: Sequence, share: float = 0.2,
                     min_rated: int | None = None) -> dict:
    """Fit a head on the rows outside :func:`holdout_mask` and score the held-out rows with it.

    What a merchant's own labelled reviews do at run time, on a data set that has no split
    (e.g. waimai_10k, online_shopping_10_cats): labels 0/1 or 3-class (:func:`fit_from_labelled`).

    Returns:
        ``fitted``: :func:`evaluate_sentiment` of the fitted head on the held-out rows;
        ``base``: the shipped base head on the same rows; ``n_train``, ``n_holdout``, ``share``.

    Raises:
        ValueError: On unusable labels, a length mismatch, or an empty side of the split.
    """
    texts = [t if isinstance(t, str) else "" for t in texts]
    if len(labels) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    held = holdout_mask(texts, share)
    if held.all() or not held.any():
        raise ValueError(f"the holdout split of {len(texts)} texts leaves one side empty; use more texts")
    labels = list(labels)
    train_rows, test_rows = np.flatnonzero(~held), np.flatnonzero(held)
    model = fit_from_labelled([texts[i] for i in train_rows], labels=[labels[i] for i in train_rows],
                              min_rated=min_rated)
    test_texts, test_labels = [texts[i] for i in test_rows], [labels[i] for i in test_rows]
    return {"fitted": evaluate_sentiment(test_texts, test_labels, model),
            "base": evaluate_sentiment(test_texts, test_labels),
            "n_train": len(train_rows), "n_holdout": len(test_rows), "share": share}
