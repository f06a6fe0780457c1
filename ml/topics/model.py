"""Fit a BERTopic model over precomputed embeddings and assign documents to its topics.

Pipeline: [embeddings, 0.5 x character n-gram view] (:mod:`ml.topics.lexical`) -> UMAP (cosine, seeded) -> Ward clustering cut at the best silhouette, large clusters refined
(:class:`ml.topics.clustering.SilhouetteWard`, no outliers) -> c-TF-IDF over noun-phrase
tokens (:mod:`ml.topics.representation`) -> KeyBERTInspired + MMR keyphrases -> labels
(:mod:`ml.topics.labels`). Assignment of any document (training
rest, new texts) is nearest topic centroid in embedding space, which is what a
safetensors-loaded BERTopic does and needs no UMAP or refit.

Small or wordless corpora (any corpus of at least one document gives a result):

* fewer distinct fit documents than ``TopicConfig.min_fit_docs`` (default 10): no UMAP and no
  silhouette search; every document is one topic (``FittedTopics.clustered`` is ``False``).
  UMAP's spectral layout cannot embed 3 points, and with ``min_cluster_size`` 5 fewer than 10
  documents cannot form two topics;
* no keyword token at all (acknowledgements, emoji, stop words only): the topics have no
  keywords (:class:`ml.topics.representation.TopicVectorizer`) and labels fall back to a
  snippet of a representative document;
* no document: :class:`TooFewDocumentsError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ml.embedding import Embedder
from ml.topics.config import TopicConfig

#: UMAP's spectral initialisation needs more points than output dimensions + 1; below this
#: many documents the clustering is never run, whatever ``TopicConfig.min_fit_docs`` says
UMAP_MIN_DOCS = 4


class TooFewDocumentsError(ValueError):
    """There are not enough documents for what was asked (the message says how many and the minimum).

    Attributes:
        n_documents: Documents given.
        minimum: Documents needed.
    """

    def __init__(self, message: str, n_documents: int, minimum: int):
        super().__init__(message)
        self.n_documents = n_documents
        self.minimum = minimum


def min_docs_to_cluster(config: TopicConfig) -> int:
    """Fewest fit documents UMAP + the silhouette search run on (smaller corpora are one topic)."""
    return max(int(config.min_fit_docs), UMAP_MIN_DOCS)


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
        fit_rows: Indices of the documents the model was fitted on: distinct texts (the first
            occurrence of each), a seeded sample of at most ``max_fit_docs`` of them.
        clustered: ``False`` when the fit documents held fewer distinct texts than
            :func:`min_docs_to_cluster` and every document was put in one topic (no UMAP, no clustering).
        merged: Topics removed by the merges after clustering (0 without sessions or a second language).
        merged_by_conversation: Of those, removed by merging topics the same conversations use.
        sub_centroids: ``(k_sub, dim)`` unit centroids (plain space) of the topics as clustered,
            before the merges; None when nothing was merged. Assignment goes to the nearest of
            them and takes its merged topic (:func:`assign_to_topics`): a merged topic's mean
            (a Chinese and an English topic, or two phrasings of one issue) lies between its
            parts and would pull in texts that are near neither.
        sub_topics: ``(k_sub,)`` merged topic index of each sub-centroid (None with ``sub_centroids``).
    """

    model: object
    topics: np.ndarray
    centroids: np.ndarray
    fit_rows: np.ndarray
    clustered: bool = True
    merged: int = 0
    merged_by_conversation: int = 0
    sub_centroids: np.ndarray | None = None
    sub_topics: np.ndarray | None = None

    @property
    def merged_by_language(self) -> int:
        """Topics removed by pairing Chinese and English topics of one issue."""
        return self.merged - self.merged_by_conversation


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


def _sub_layout(sub_topics: np.ndarray, n_topics: int) -> tuple[np.ndarray, np.ndarray]:
    """Sub-centroid order grouping each topic's rows together, and where each topic's group starts.

    Raises:
        ValueError: A topic without a sub-centroid, or a sub-centroid of no topic.
    """
    sub_topics = np.asarray(sub_topics, dtype=np.int64)
    order = np.argsort(sub_topics, kind="stable")
    counts = np.bincount(sub_topics, minlength=n_topics) if len(sub_topics) else np.zeros(n_topics, dtype=int)
    if len(counts) != n_topics or (counts == 0).any():
        raise ValueError(f"every one of the {n_topics} topics needs at least one sub-centroid "
                         f"(sub-centroid topics span {sub_topics.min(initial=0)}..{sub_topics.max(initial=-1)})")
    return order, np.concatenate([[0], np.cumsum(counts)[:-1]])


def topic_similarities(vectors: np.ndarray, centroids: np.ndarray, sub_centroids: np.ndarray | None = None,
                       sub_topics: np.ndarray | None = None) -> np.ndarray:
    """Cosine similarity of each row to each topic: ``(n, k)``.

    With sub-centroids, a topic's similarity is that of its nearest sub-centroid; else its centroid's.
    """
    if sub_centroids is None:
        return vectors @ centroids.T
    order, starts = _sub_layout(sub_topics, len(centroids))
    return np.maximum.reduceat(vectors @ sub_centroids[order].T, starts, axis=1)


def assign_to_topics(embeddings: np.ndarray, centroids: np.ndarray, sub_centroids: np.ndarray | None = None,
                     sub_topics: np.ndarray | None = None, temperature: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Assign each embedding to a topic: the topic of its nearest sub-centroid, or (without
    sub-centroids) its nearest centroid (:func:`assign_to_centroids`).

    Args:
        embeddings: ``(n, dim)`` unit rows.
        centroids: ``(k, dim)`` unit topic centroids.
        sub_centroids: ``(k_sub, dim)`` unit centroids of the topics before they were merged
            (:attr:`FittedTopics.sub_centroids`), or None.
        sub_topics: ``(k_sub,)`` topic index (row of ``centroids``) of each sub-centroid.
        temperature: Softmax temperature over cosine similarities.

    Returns:
        ``(topic_index, probability)``; the probability is the softmax weight of all the
        chosen topic's sub-centroids.

    Raises:
        ValueError: No topic, or a topic without a sub-centroid.
    """
    if sub_centroids is None:
        return assign_to_centroids(embeddings, centroids, temperature)
    if len(centroids) == 0:
        raise ValueError("the model has no topics to assign to")
    order, starts = _sub_layout(sub_topics, len(centroids))
    subs = sub_centroids[order]
    topics = np.empty(len(embeddings), dtype=int)
    probs = np.empty(len(embeddings), dtype=np.float64)
    for start in range(0, len(embeddings), 8192):
        sims = embeddings[start : start + 8192] @ subs.T
        best = np.maximum.reduceat(sims, starts, axis=1).argmax(axis=1)
        weights = np.exp((sims - sims.max(axis=1, keepdims=True)) / temperature)
        per_topic = np.add.reduceat(weights, starts, axis=1)
        topics[start : start + 8192] = best
        probs[start : start + 8192] = per_topic[np.arange(len(best)), best] / weights.sum(axis=1)
    return topics, probs


def build_bertopic(config: TopicConfig, embedder: Embedder | None, n_docs: int, view: np.ndarray | None = None,
                   preferred_topics: int | None = None, single_topic: bool | None = None):
    """Construct the (unfitted) BERTopic pipeline for ``config``.

    Args:
        config: Topic configuration.
        embedder: Embedder for KeyBERTInspired keyword embeddings; ``None`` uses plain c-TF-IDF words.
        n_docs: Number of documents the model will be fitted on (sizes UMAP and the vocabulary).
            Below :func:`min_docs_to_cluster` the pipeline has no UMAP and one topic.
        view: Lexical view of the fit documents, appended before UMAP with ``config.lexical_weight``.
        preferred_topics: The previous version's topic count (kept when its cut is near-best).
        single_topic: No UMAP, one topic (default: ``n_docs < min_docs_to_cluster(config)``).
    """
    from bertopic import BERTopic
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    from ml.topics.clustering import SilhouetteWard
    from ml.topics.representation import make_ctfidf, make_vectorizer

    representation = None
    if embedder:  # keyphrases: c-TF-IDF candidates re-ranked by embedding similarity, then diversified
        representation = [KeyBERTInspired(top_n_words=config.top_n_words, random_state=config.seed),
                          MaximalMarginalRelevance(diversity=config.label_diversity, top_n_words=config.top_n_words)]
    common = {
        "embedding_model": _bertopic_backend(embedder) if embedder else None,
        # c-TF-IDF fits the vectorizer on one joined document per topic, so min_df counts topics:
        # min_df=2 used to drop every word found in one topic only, i.e. the most distinctive ones
        # (功率 / 插头 of a topic of power-and-plug questions), leaving keywords made of words every
        # topic shares (身份证号, 鲜选 on the demo) or none at all
        "vectorizer_model": make_vectorizer(min_df=1),
        "ctfidf_model": make_ctfidf(),
        "representation_model": representation,
        "top_n_words": config.top_n_words,
        "calculate_probabilities": False,
        # BERTopic's "english" (its default without an embedding model) deletes every
        # non-ASCII character before c-TF-IDF, i.e. all Chinese; "multilingual" keeps the text
        "language": "multilingual",
        "verbose": False,
    }
    if single_topic is None:
        single_topic = n_docs < min_docs_to_cluster(config)
    if single_topic:
        from bertopic.dimensionality import BaseDimensionalityReduction

        # one topic: identity reduction, and a Ward search allowed a single cluster only
        single = SilhouetteWard(min_topics=1, max_topics=1, min_cluster_size=1, random_state=config.seed)
        return BERTopic(umap_model=BaseDimensionalityReduction(), hdbscan_model=single, **common)

    from umap import UMAP

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
        refine_share=config.refine_share,
        refine_silhouette=config.refine_silhouette,
    )
    return BERTopic(umap_model=umap_model, hdbscan_model=cluster_model, **common)


def fit_topic_model(
    texts: list[str],
    embeddings: np.ndarray,
    config: TopicConfig,
    embedder: Embedder | None = None,
    preferred_topics: int | None = None,
    sessions: Sequence[str | None] | None = None,
    multilingual: np.ndarray | None = None,
) -> FittedTopics:
    """Fit on (a seeded sample of) the corpus's distinct texts and assign every document a topic.

    Copies of a fitted text get its topic; the other documents get their nearest centroid.
    With ``sessions``, the clustering reads each chat message with its conversation
    (:func:`ml.topics.conversations.conversation_context`, ``config.session_context_weight``) and
    topics that the same conversations use are then merged
    (:func:`ml.topics.conversations.conversation_merges`, ``config.session_merge_threshold``;
    BERTopic's ``merge_topics`` recomputes their keywords) and the centroids are recomputed.
    With ``multilingual`` vectors, a Chinese and an English topic that are each other's nearest
    are merged too (``config.cross_language_threshold``).

    Any content works: texts without a single keyword token (emoji, thanks, stop words) give
    topics without keywords. Fewer distinct fit documents than :func:`min_docs_to_cluster`
    (``TopicConfig.min_fit_docs``, default 10) give one topic holding every document
    (``clustered=False``), without UMAP or clustering.

    Args:
        texts: Documents (``None`` or non-strings count as empty texts).
        embeddings: ``(n, dim)`` unit-length embeddings, same order.
        config: Topic configuration.
        embedder: Used for KeyBERTInspired keywords (optional).
        preferred_topics: Topic count of the previous version (see :class:`ml.topics.clustering.SilhouetteWard`).
        sessions: Conversation (chat session) id of every document, ``None`` outside a conversation.
        multilingual: ``(n, d)`` cross-language vectors of the documents (the multilingual half of
            the hybrid vector); with them a Chinese and an English topic that are each other's
            nearest are merged (:func:`ml.topics.crosslingual.cross_language_pairs`).

    Returns:
        The fitted model, a topic for every document, ``(k, dim)`` centroids, the fitted rows
        and whether they were clustered.

    Raises:
        TooFewDocumentsError: With no document at all.
        ValueError: When texts, embeddings, sessions and multilingual vectors differ in length.
    """
    if len(texts) != len(embeddings):
        raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
    if sessions is not None and len(sessions) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(sessions)} session ids")
    if multilingual is not None and len(multilingual) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(multilingual)} multilingual vectors")
    if len(texts) == 0:
        raise TooFewDocumentsError("no documents to fit topics on", 0, 1)
    texts = [t if isinstance(t, str) else "" for t in texts]
    n = len(texts)
    # Fit on distinct texts only: a text sent 500 times ("发货了吗") is one point, not a clump of
    # 500 that UMAP spreads arbitrarily, that dominates its neighbours' k-NN graph and that makes
    # every finer Ward cut look better; its copies get its topic below.
    first = {}
    for i, text in enumerate(texts):
        first.setdefault(text, i)
    distinct = np.fromiter(first.values(), dtype=int, count=len(first))
    rng = np.random.default_rng(config.seed)
    fit_rows = (np.sort(rng.choice(distinct, config.max_fit_docs, replace=False))
                if len(distinct) > config.max_fit_docs else distinct)
    fit_texts = [texts[i] for i in fit_rows]
    clustered = len(fit_texts) >= min_docs_to_cluster(config)
    view = None
    if config.lexical_weight > 0 and clustered:
        from ml.topics.lexical import lexical_view

        view = lexical_view(fit_texts, dim=config.lexical_dim, seed=config.seed)
    model = build_bertopic(config, embedder, len(fit_rows), view, preferred_topics, single_topic=not clustered)
    vectors = embeddings
    if sessions is not None and clustered and config.session_context_weight > 0:
        from ml.topics.conversations import conversation_context

        # each chat message read with its conversation; centroids below stay in the plain space
        vectors = conversation_context(texts, embeddings, sessions, config.session_context_weight)
    model.fit(fit_texts, vectors[fit_rows])
    del vectors
    fit_topics = np.asarray(model.topics_, dtype=int)
    n_topics = int(fit_topics.max()) + 1
    centroids = topic_centroids(embeddings[fit_rows], fit_topics, n_topics)
    topics = np.empty(n, dtype=int)
    topics[fit_rows] = fit_topics
    topic_of_text = dict(zip(fit_texts, fit_topics.tolist(), strict=True))
    copies = np.array([i for i, text in enumerate(texts) if text in topic_of_text], dtype=int)
    topics[copies] = [topic_of_text[texts[i]] for i in copies]
    rest = np.setdiff1d(np.arange(n), copies)
    for start in range(0, len(rest), 20_000):  # in chunks: no copy of all the other rows' embeddings
        rows = rest[start : start + 20_000]
        topics[rows], _ = assign_to_centroids(embeddings[rows], centroids)
    merged = by_conversation = 0
    sub_centroids, sub_topics = centroids, np.arange(n_topics)
    if sessions is not None and clustered and config.session_merge_threshold > 0:
        from ml.topics.conversations import conversation_merges

        groups = conversation_merges(topics, sessions, threshold=config.session_merge_threshold,
                                     min_sessions=config.session_merge_min_sessions,
                                     max_share=config.session_merge_max_share)
        topics, centroids, by_conversation, old_to_new = _apply_merges(model, fit_texts, fit_rows, topics,
                                                                       centroids, embeddings, groups)
        sub_topics = old_to_new[sub_topics]
        merged += by_conversation
    if multilingual is not None and clustered and config.cross_language_threshold > 0:
        from ml.language import detect_language
        from ml.topics.crosslingual import cross_language_pairs

        pairs = cross_language_pairs(topics, [detect_language(t) for t in texts], multilingual,
                                     threshold=config.cross_language_threshold, margin=config.cross_language_margin)
        topics, centroids, removed, old_to_new = _apply_merges(model, fit_texts, fit_rows, topics, centroids,
                                                               embeddings, pairs)
        sub_topics = old_to_new[sub_topics]
        merged += removed
    subs = (sub_centroids, sub_topics) if merged else (None, None)
    if clustered:
        _describe_as_assigned(model, fit_texts, embeddings[fit_rows], centroids, *subs)
    return FittedTopics(model=model, topics=topics, centroids=centroids, fit_rows=fit_rows, clustered=clustered,
                        merged=merged, merged_by_conversation=by_conversation,
                        sub_centroids=subs[0], sub_topics=subs[1])


def _describe_as_assigned(model, fit_texts: list[str], fit_embeddings: np.ndarray, centroids: np.ndarray,
                          sub_centroids: np.ndarray | None, sub_topics: np.ndarray | None) -> int:
    """Recompute keywords, keyphrases and representative documents over the fit documents as
    assignment places them (nearest sub-centroid / centroid in the plain space), so that a
    topic is described by the texts it will receive, not by the clustering's view of them
    (which read chats with their conversation and may have held a few texts assignment sends
    elsewhere). Same vectorizer, c-TF-IDF and representation models as the fit (BERTopic's
    ``update_topics``). Skipped when assignment agrees with the clustering or would leave a
    topic without a document. Returns how many fit documents assignment moves."""
    import logging

    import pandas as pd

    assigned, _ = assign_to_topics(fit_embeddings, centroids, sub_centroids, sub_topics)
    moved = int(np.sum(assigned != np.asarray(model.topics_, dtype=int)))
    if not moved or len(np.unique(assigned)) != len(centroids):
        return moved
    logger = logging.getLogger("BERTopic")
    level = logger.level
    logger.setLevel(logging.ERROR)  # its warning about custom assignments is this function's purpose
    try:
        model.update_topics(fit_texts, topics=assigned.tolist(), top_n_words=model.top_n_words,
                            vectorizer_model=model.vectorizer_model, ctfidf_model=model.ctfidf_model,
                            representation_model=model.representation_model)
        documents = pd.DataFrame({"Document": fit_texts, "Topic": assigned, "ID": range(len(fit_texts)),
                                  "Image": None})
        model._save_representative_docs(documents)  # BERTopic's own helper; update_topics keeps the fit's
    finally:
        logger.setLevel(level)
    return moved


def _apply_merges(model, fit_texts: list[str], fit_rows: np.ndarray, topics: np.ndarray, centroids: np.ndarray,
                  embeddings: np.ndarray, groups: list[list[int]]) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Merge ``groups`` of topic ids with BERTopic's ``merge_topics`` (which recomputes their
    keywords and renumbers topics by size); returns every document's new topic, the new
    ``(k, dim)`` centroids (plain embedding space), how many topics were removed and the
    old -> new topic index map. Without groups, ``topics`` and ``centroids`` come back as they are."""
    if not groups:
        return topics, centroids, 0, np.arange(len(centroids))
    old_fit = np.asarray(model.topics_, dtype=int)
    before = int(old_fit.max()) + 1
    model.merge_topics(fit_texts, groups)
    new_fit = np.asarray(model.topics_, dtype=int)
    old_to_new = np.full(before, -1, dtype=int)
    old_to_new[old_fit] = new_fit
    after = int(new_fit.max()) + 1
    return old_to_new[topics], topic_centroids(embeddings[fit_rows], new_fit, after), before - after, old_to_new


def topic_keywords(model, topic: int, n: int = 10) -> list[str]:
    """Keywords of a BERTopic topic, best first (empty list when none; empty tokens are dropped)."""
    words = model.get_topic(topic) or []
    return [w for w, _ in words[:n] if w]
