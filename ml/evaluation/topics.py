"""Topic quality against labelled data: cluster a labelled corpus with the production configuration.

The number of topics is never given to the model: it is chosen by the fixed clustering
configuration (:class:`ml.topics.TopicConfig`), exactly as in production. ``xe eval topics``
prints the result as one JSON line.
"""

from __future__ import annotations

import logging
import resource
import time

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)


def evaluate_topics(df: pd.DataFrame, seed: int = 42, use_cache: bool = True) -> dict:
    """Cluster ``df.text`` with the production configuration and score the topics against ``df.label``.

    Args:
        df: Frame with ``text`` and ``label`` (:func:`ml.evaluation.datasets.load_labelled_csv`).
        seed: Seed of the model (UMAP, samples).
        use_cache: Reuse cached embeddings (``False`` measures cold speed).

    Returns:
        ``nmi``, ``ari``, ``purity`` (size-weighted), ``n_topics``, ``n_labels``, ``outlier_rate``,
        ``docs_per_second`` (embedding + fit, end to end), ``peak_rss_mb``, ``n_docs``, ``embedding``.

    Raises:
        ValueError: With fewer than 3 documents.
    """
    from ml.embedding import embed_with_cache, get_embedder, resolve_embedding_spec
    from ml.evaluation.metrics import clustering_scores
    from ml.topics.config import TopicConfig
    from ml.topics.model import fit_topic_model

    texts = df["text"].tolist()
    config = TopicConfig(seed=seed)
    started = time.perf_counter()
    spec = resolve_embedding_spec(config.embedding_model, texts)
    embedder = get_embedder(spec)
    log.info("%s docs, embedding with %s", f"{len(texts):,}", spec)
    embeddings = (embed_with_cache(texts, embedder, show_progress=True) if use_cache
                  else embedder.encode(texts, show_progress=True))
    log.info("fitting topics")
    fitted = fit_topic_model(texts, embeddings, config, embedder)
    seconds = time.perf_counter() - started
    topics = fitted.topics
    return {
        **clustering_scores(topics, df["label"].astype(str).to_numpy()),
        "outlier_rate": round(float(np.mean(topics < 0)), 4),
        "docs_per_second": round(len(texts) / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "n_docs": len(texts),
        "embedding": spec,
    }
