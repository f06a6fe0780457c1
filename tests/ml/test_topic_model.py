"""Invariants of the topic model over the fixed corpus (no snapshots of exact topics)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import normalized_mutual_info_score

from ml.topic_model import assign_to_centroids, fit_topic_model


def test_every_document_gets_exactly_one_topic(fitted, corpus):
    assert fitted.topics.shape == (len(corpus[0]),)
    assert (fitted.topics >= 0).all(), "no outliers: every document belongs to a topic"
    assert fitted.topics.max() == len(fitted.centroids) - 1
    np.testing.assert_allclose(np.linalg.norm(fitted.centroids, axis=1), 1.0, rtol=1e-5)


def test_topics_follow_the_themes(fitted, corpus):
    # the corpus has five well-separated themes; topics must carry most of that structure
    assert normalized_mutual_info_score(corpus[1], fitted.topics) > 0.6
    assert 3 <= len(fitted.centroids) <= 60


def test_same_input_and_seed_give_same_topics(fitted, corpus, embeddings, config):
    again = fit_topic_model(corpus[0], embeddings, config, None)
    np.testing.assert_array_equal(again.topics, fitted.topics)


def test_keywords_are_readable(fitted):
    from ml.topic_model import topic_keywords

    words = [w for k in range(len(fitted.centroids)) for w in topic_keywords(fitted.model, k)]
    assert words, "topics have keywords"
    assert not any(w.strip() in {"", "，", "。", "的", "the"} for w in words)


def test_assign_to_centroids_reproduces_training_topics(fitted, embeddings):
    topics, probs = assign_to_centroids(embeddings, fitted.centroids)
    assert np.mean(topics == fitted.topics) > 0.9
    assert ((probs > 0) & (probs <= 1)).all()


def test_sampled_fit_assigns_the_rest(corpus, embeddings, config):
    from dataclasses import replace

    small = replace(config, max_fit_docs=120)
    result = fit_topic_model(corpus[0], embeddings, small, None)
    assert len(result.fit_rows) == 120
    assert result.topics.shape == (len(corpus[0]),) and (result.topics >= 0).all()
