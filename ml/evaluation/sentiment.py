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


def evaluate_sentiment(texts: Sequence[str], labels: Sequence | None = None, model=None) -> dict:
    """Score texts with the production sentiment model and compare with reference labels.

    Args:
        texts: Documents.
        labels: Reference labels (see :func:`normalise_labels`), or ``None`` for unlabelled input.
        model: Sentiment model with ``predict(texts)`` (default :func:`ml.sentiment.default_model`).

    Returns:
        ``n``, ``docs_per_second`` (scoring only, embeddings included), ``label_shares`` (share of
        each of the model's 3-class labels) and, with labels, ``task``, ``accuracy`` and ``macro_f1``.

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
    results = model.predict(texts)
    seconds = max(time.perf_counter() - started, 1e-9)
    if task == "binary":
        predicted = ["positive" if r.score > 0 else "negative" for r in results]
    else:
        predicted = [r.label for r in results]
    labels_given = [r.label for r in results]  # the model's own 3-class labels, also for binary tasks
    shares = {c: round(float(np.mean([p == c for p in labels_given])), 4) for c in THREE_CLASSES} if texts else {}
    out = {"n": len(texts), "docs_per_second": round(len(texts) / seconds, 1), "label_shares": shares}
    if reference is not None:
        out = {**classification_scores(predicted, reference), "task": task, **out}
    return out
