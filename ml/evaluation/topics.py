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

    Any corpus of at least one document gives a result. Below ``TopicConfig.min_fit_docs``
    distinct documents (default 10) production puts every document in one topic (no clustering,
    :func:`ml.topics.model.fit_topic_model`); the result then says so in ``note`` and
    ``clustered`` is ``False``: the scores of one forced topic say nothing about the clustering.

    Args:
        df: Frame with ``text`` and ``label`` (:func:`ml.evaluation.datasets.load_labelled_csv`,
            which has already dropped blank texts and labels).
        seed: Seed of the model (UMAP, samples).
        use_cache: Reuse cached embeddings (``False`` measures cold speed).

    Returns:
        ``nmi``, ``ari``, ``purity`` (size-weighted), ``n_topics``, ``n_labels``, ``outlier_rate``,
        ``docs_per_second`` (embedding + fit, end to end), ``peak_rss_mb``, ``n_docs``, ``embedding``,
        ``clustered`` and, when not clustered, ``note``.

    Raises:
        EvaluationInputError: With no row, or a missing or blank ``text`` / ``label`` (checked
            before anything is embedded).
    """
    from ml.embedding import embed_with_cache, get_embedder, resolve_embedding_spec
    from ml.evaluation.datasets import EvaluationInputError, blank_cells
    from ml.evaluation.metrics import clustering_scores
    from ml.topics.config import TopicConfig
    from ml.topics.model import fit_topic_model, min_docs_to_cluster

    missing = [c for c in ("text", "label") if c not in df.columns]
    if missing:
        raise EvaluationInputError(f"the frame to evaluate has no column(s) {missing}")
    if df.empty:
        raise EvaluationInputError("no documents to evaluate topics on")
    blank = int((blank_cells(df["text"]) | blank_cells(df["label"])).sum())
    if blank:
        raise EvaluationInputError(f"{blank:,} rows have a blank text or label; load the file with "
                                   "ml.evaluation.load_labelled_csv, which drops and counts them")
    texts = df["text"].astype(str).tolist()
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
    result = {
        **clustering_scores(topics, df["label"].astype(str).to_numpy()),
        "outlier_rate": round(float(np.mean(topics < 0)), 4),
        "docs_per_second": round(len(texts) / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "n_docs": len(texts),
        "embedding": spec,
        "clustered": bool(fitted.clustered),
    }
    if not fitted.clustered:
        result["note"] = (f"only {len(set(texts))} distinct documents (< min_fit_docs {min_docs_to_cluster(config)}): "
                          "production puts them in one topic without clustering, so these scores do not measure "
                          "the clustering")
        log.warning("%s", result["note"])
    return result
