"""Fit a BERTopic model over precomputed embeddings and assign documents to its topics.

Pipeline: [embeddings, 0.5 x character n-gram view] (:mod:`ml.topics.lexical`) -> UMAP (cosine, seeded) -> Ward clustering cut at the best silhouette
(:class:`ml.topics.clustering.SilhouetteWard`, no outliers) -> c-TF-IDF over noun-phrase
tokens (:mod:`ml.topics.representation`) -> KeyBERTInspired + MMR keyphrases -> labels
(:mod:`ml.topics.labels`). Assignment of any document (training
rest, new texts) is nearest topic centroid in embedding space, which is what a
safetensors-loaded BERTopic does and needs no UMAP or refit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml.embedding import Embedder
from ml.topics.config import TopicConfig


def _bertopic_backend(embedder: Embedder):
    from bertopic.backend import BaseEmbedder

    class _Backend(BaseEmbedder):
        def __init__(self, inner: Embedder):
            super().__init__()
            self.inner = inner

        def embed(self, documents, verbose: bool = False) -> np.ndarray:
            return self.inner.encode(list(documents), show_progress=verbose)

    return _Backend(embedder)


@dataclass
class FittedTopics:
    """Result of :func:`fit_topic_model`.

    Attributes:
        model: The fitted BERTopic model (fitted on ``fit_rows``).
        topics: Topic id (BERTopic's, 0..k-1) for every input document.
        centroids: ``(k, dim)`` unit-length mean embedding of each topic.
        fit_rows: Indices of the documents the model was fitted on.
    """

    model: object
    topics: np.ndarray
    centroids: np.ndarray
    fit_rows: np.ndarray


def topic_centroids(embeddings: np.ndarray, topics: np.ndarray, n_topics: int) -> np.ndarray:
    """Unit-length mean embedding per topic id ``0..n_topics-1``."""
    centroids = np.zeros((n_topics, embeddings.shape[1]), dtype=np.float32)
    for k in range(n_topics):
        rows = topics == k
        if rows.any():
            centroids[k] = embeddings[rows].mean(axis=0)
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return centroids / norms


def assign_to_centroids(
    embeddings: np.ndarray, centroids: np.ndarray, temperature: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Assign each embedding to its most similar centroid.

    Args:
        embeddings: ``(n, dim)`` unit rows.
        centroids: ``(k, dim)`` unit rows.
        temperature: Softmax temperature over cosine similarities for the probability.

    Returns:
        ``(topic_index, probability)``: argmax centroid and its softmax weight.
    """
    if len(centroids) == 0:
        raise ValueError("the model has no topics to assign to")
    topics = np.empty(len(embeddings), dtype=int)
    probs = np.empty(len(embeddings), dtype=np.float64)
    for start in range(0, len(embeddings), 8192):
        sims = embeddings[start : start + 8192] @ centroids.T
        best = sims.argmax(axis=1)
        z = (sims - sims.max(axis=1, keepdims=True)) / temperature
        weights = np.exp(z)
        topics[start : start + 8192] = best
        probs[start : start + 8192] = 1.0 / weights.sum(axis=1)
    return topics, probs


def build_bertopic(config: TopicConfig, embedder: Embedder | None, n_docs: int, view: np.ndarray | None = None,
                   preferred_topics: int | None = None):
    """Construct the (unfitted) BERTopic pipeline for ``config``.

    Args:
        config: Topic configuration.
        embedder: Embedder for KeyBERTInspired keyword embeddings; ``None`` uses plain c-TF-IDF words.
        n_docs: Number of documents the model will be fitted on (sizes UMAP and the vocabulary).
        view: Lexical view of the fit documents, appended before UMAP with ``config.lexical_weight``.
        preferred_topics: The previous version's topic count (kept when its cut is near-best).
    """
    from bertopic import BERTopic
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance
    from umap import UMAP

    from ml.topics.clustering import SilhouetteWard
    from ml.topics.representation import make_vectorizer

    umap_model = UMAP(
        n_neighbors=min(config.umap_neighbors, max(2, n_docs - 1)),
        n_components=min(config.umap_components, max(2, n_docs - 2)),
        min_dist=0.0,
        metric="cosine",
        random_state=config.seed,
        n_jobs=1,
        low_memory=True,
    )
    if view is not None and config.lexical_weight > 0:
        from ml.topics.lexical import ViewConcatReducer

        umap_model = ViewConcatReducer(umap_model, view, config.lexical_weight)
    cluster_model = SilhouetteWard(
        min_topics=config.min_topics,
        max_topics=config.max_topics,
        min_cluster_size=config.min_cluster_size,
        max_fit_points=config.max_cluster_points,
        random_state=config.seed,
        preferred_k=preferred_topics,
    )
    representation = None
    if embedder:  # keyphrases: c-TF-IDF candidates re-ranked by embedding similarity, then diversified
        representation = [KeyBERTInspired(top_n_words=config.top_n_words, random_state=config.seed),
                          MaximalMarginalRelevance(diversity=config.label_diversity, top_n_words=config.top_n_words)]
    return BERTopic(
        embedding_model=_bertopic_backend(embedder) if embedder else None,
        umap_model=umap_model,
        hdbscan_model=cluster_model,
        vectorizer_model=make_vectorizer(min_df=1 if n_docs < 1000 else 2),
        representation_model=representation,
        top_n_words=config.top_n_words,
        calculate_probabilities=False,
        verbose=False,
    )


def fit_topic_model(
    texts: list[str],
    embeddings: np.ndarray,
    config: TopicConfig,
    embedder: Embedder | None = None,
    preferred_topics: int | None = None,
) -> FittedTopics:
    """Fit on (a seeded sample of) the corpus and assign every document a topic.

    Args:
        texts: Documents.
        embeddings: Their unit-length embeddings, same order.
        config: Topic configuration.
        embedder: Used for KeyBERTInspired keywords (optional).
        preferred_topics: Topic count of the previous version (see :class:`ml.topics.clustering.SilhouetteWard`).

    Returns:
        The fitted model, a topic for every document, centroids and the fitted rows.

    Raises:
        ValueError: On fewer than 3 documents or mismatched lengths.
    """
    if len(texts) != len(embeddings):
        raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
    if len(texts) < 3:
        raise ValueError(f"need at least 3 documents to fit topics, got {len(texts)}")
    n = len(texts)
    rng = np.random.default_rng(config.seed)
    fit_rows = np.sort(rng.choice(n, config.max_fit_docs, replace=False)) if n > config.max_fit_docs else np.arange(n)
    fit_texts = [texts[i] for i in fit_rows]
    view = None
    if config.lexical_weight > 0:
        from ml.topics.lexical import lexical_view

        view = lexical_view(fit_texts, dim=config.lexical_dim, seed=config.seed)
    model = build_bertopic(config, embedder, len(fit_rows), view, preferred_topics)
    model.fit(fit_texts, embeddings[fit_rows])
    fit_topics = np.asarray(model.topics_, dtype=int)
    n_topics = int(fit_topics.max()) + 1
    centroids = topic_centroids(embeddings[fit_rows], fit_topics, n_topics)
    topics = np.empty(n, dtype=int)
    topics[fit_rows] = fit_topics
    rest = np.setdiff1d(np.arange(n), fit_rows)
    for start in range(0, len(rest), 20_000):  # in chunks: no copy of all the other rows' embeddings
        rows = rest[start : start + 20_000]
        topics[rows], _ = assign_to_centroids(embeddings[rows], centroids)
    return FittedTopics(model=model, topics=topics, centroids=centroids, fit_rows=fit_rows)


def topic_keywords(model, topic: int, n: int = 10) -> list[str]:
    """Keywords of a BERTopic topic (empty list when none)."""
    words = model.get_topic(topic) or []
    return [w for w, _ in words[:n] if w]
