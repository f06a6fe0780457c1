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

    As in production (:mod:`ml.pipeline.jobs`), chit-chat and placeholder texts (:mod:`ml.setaside`)
    are set aside before clustering: they get their reserved topic ids (one per chit-chat kind,
    one for placeholders: :func:`ml.pipeline.jobs.reserved_topic_ids`), are scored as those
    groups and counted per class in ``n_set_aside``; only the other texts are embedded and clustered.
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
        ``nmi``, ``ari``, ``purity`` (size-weighted, over every text, set-aside groups included),
        ``n_topics`` (real topics), ``n_labels``, ``n_set_aside`` (texts per set-aside class),
        ``outlier_rate`` (0: every clustered text gets a topic), ``docs_per_second`` (embedding +
        fit, end to end), ``peak_rss_mb``, ``n_docs``, ``embedding`` (``None`` when nothing was
        clustered), ``clustered`` and, when not clustered, ``note``.

    Raises:
        EvaluationInputError: With no row, or a missing or blank ``text`` / ``label`` (checked
            before anything is embedded).
    """
    from ml.embedding import embed_with_cache, get_embedder, resolve_embedding_spec
    from ml.evaluation.datasets import EvaluationInputError, blank_cells
    from ml.evaluation.metrics import clustering_scores
    from ml.pipeline.jobs import SET_ASIDE_CLASSES, SUBSTANTIVE, reserved_topic_ids, voice_kinds
    from ml.topics.config import TopicConfig
    from ml.topics.model import fit_topic_model, min_docs_to_cluster
    from ml.topics.textview import topic_views

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
    # as production does (ml.pipeline.jobs): chit-chat and placeholder texts are set aside before
    # clustering and get their reserved topic id (one per chit-chat kind); they are scored as those
    # groups, and counted
    classes, kinds = voice_kinds(texts)
    keep = np.flatnonzero(classes == SUBSTANTIVE)
    texts = topic_views(texts)  # what production's topic engine reads (no catalogue here to mask)
    topics = reserved_topic_ids(classes, kinds).astype(int)
    n_set_aside = {name: int(np.sum(classes == name)) for name in SET_ASIDE_CLASSES}
    if sum(n_set_aside.values()):
        log.info("set aside before clustering: %s", ", ".join(f"{v:,} {k}" for k, v in n_set_aside.items()))
    spec, clustered, note = None, False, None
    if len(keep):
        substantive = [texts[i] for i in keep]
        spec = resolve_embedding_spec(config.embedding_model, substantive)
        embedder = get_embedder(spec)
        log.info("%s docs, embedding with %s", f"{len(substantive):,}", spec)
        embeddings = (embed_with_cache(substantive, embedder, show_progress=True) if use_cache
                      else embedder.encode(substantive, show_progress=True))
        log.info("fitting topics")
        from ml.topics.crosslingual import multilingual_vectors

        # as production's fit_version: Chinese/English topics of one issue are paired (no sessions here)
        fitted = fit_topic_model(substantive, embeddings, config, embedder,
                                 multilingual=multilingual_vectors(embeddings, spec, embedder))
        topics[keep] = fitted.topics
        clustered = bool(fitted.clustered)
        if not clustered:
            n_distinct = len(set(substantive))
            note = (f"only {n_distinct} distinct document{'' if n_distinct == 1 else 's'} (< min_fit_docs "
                    f"{min_docs_to_cluster(config)}) left to cluster: production puts them in one topic without clustering, "
                    "so these scores do not measure the clustering")
    else:
        note = "every text was set aside (chit-chat or placeholder): there was nothing to cluster"
    seconds = time.perf_counter() - started
    result = {
        **clustering_scores(topics, df["label"].astype(str).to_numpy()),
        "n_topics": int(len(np.unique(topics[keep]))),
        "n_set_aside": n_set_aside,
        "outlier_rate": 0.0,
        "docs_per_second": round(len(texts) / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "n_docs": len(texts),
        "embedding": spec,
        "clustered": clustered,
    }
    if note:
        result["note"] = note
        log.warning("%s", note)
    return result
