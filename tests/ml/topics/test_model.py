"""Invariants of the topic model over the fixed corpus (no snapshots of exact topics)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from ml.topics.model import assign_to_centroids, fit_topic_model


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
    from ml.topics.model import topic_keywords

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


def test_silhouette_ward_keeps_the_previous_topic_count_when_near_best():
    """Blobs in 4 groups of which two pairs are close: 4 and 2 clusters both separate well."""
    from ml.topics.clustering import SilhouetteWard

    rng = np.random.default_rng(0)
    centers = np.array([[0, 0], [0, 1.5], [20, 0], [20, 1.5]], dtype=float)
    X = np.vstack([c + rng.normal(scale=0.3, size=(40, 2)) for c in centers])
    free = SilhouetteWard(min_topics=2, max_topics=8, min_cluster_size=3, silhouette_tolerance=0.2).fit(X)
    sticky = SilhouetteWard(min_topics=2, max_topics=8, min_cluster_size=3, silhouette_tolerance=0.2,
                            preferred_k=2).fit(X)
    assert free.best_k_ != 2 and sticky.best_k_ == 2
    assert len(np.unique(sticky.labels_)) == 2
    # a preferred count whose cut is far from the best silhouette is not forced
    far = SilhouetteWard(min_topics=2, max_topics=8, min_cluster_size=3, silhouette_tolerance=0.01, preferred_k=7).fit(X)
    assert far.best_k_ != 7


def test_copies_are_fitted_once_and_get_their_text_topic(corpus, embeddings, config):
    """A text repeated many times is one fit point; every copy gets the topic of that point."""
    texts, _ = corpus
    repeated = list(texts) + [texts[0]] * 200 + [texts[7]] * 50
    vectors = np.vstack([embeddings, np.repeat(embeddings[[0]], 200, axis=0), np.repeat(embeddings[[7]], 50, axis=0)])
    result = fit_topic_model(repeated, vectors, config, None)
    fit_texts = [repeated[i] for i in result.fit_rows]
    assert len(fit_texts) == len(set(fit_texts)) == len(set(texts))
    assert (result.topics[len(texts):len(texts) + 200] == result.topics[0]).all()
    assert (result.topics[len(texts) + 200:] == result.topics[7]).all()
    # the 250 copies do not change how the distinct texts are grouped
    alone = fit_topic_model(texts, embeddings, config, None)
    assert normalized_mutual_info_score(alone.topics, result.topics[:len(texts)]) == 1.0


def test_words_of_a_single_topic_are_its_keywords_on_a_large_fit():
    """c-TF-IDF's vectorizer sees one document per topic: a word found in one topic only must survive.

    With min_df=2 above 1,000 documents (before stop 26), 功率 / 插头 / 洗碗机 were dropped and such
    topics had no keywords at all; only words every topic shares were left.
    """
    from ml.topics.config import TopicConfig
    from ml.topics.model import topic_keywords

    themes = [["功率多少瓦，用的是什么插头", "这个插头的功率是多少"], ["能放洗碗机吗", "可以用洗碗机洗吗"],
              ["发票抬头写错了能重开吗", "发票可以重开吗"]]
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(3, 16)) * 5
    texts, vectors, labels = [], [], []
    for k, phrases in enumerate(themes):
        for i in range(400):
            texts.append(f"{phrases[i % 2]} {i}")  # distinct texts (copies are fitted once)
            vectors.append(centres[k] + rng.normal(scale=0.3, size=16))
            labels.append(k)
    vectors = np.asarray(vectors, dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    config = TopicConfig(seed=42, lexical_weight=0, student_epochs=0)
    result = fit_topic_model(texts, vectors, config, None)
    assert normalized_mutual_info_score(labels, result.topics) > 0.7  # the themes are found (maybe split)
    words = {w for k in range(len(result.centroids)) for w in topic_keywords(result.model, k)}
    assert {"功率", "插头", "洗碗机", "发票"} <= words


def test_assign_to_topics_takes_the_topic_of_the_nearest_sub_centroid():
    """A merged topic is as near as its nearest part, not as near as the mean of its parts."""
    from ml.topics.model import assign_to_centroids, assign_to_topics, topic_similarities

    subs = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.6, 0.0, 0.8]], dtype=np.float32)
    sub_topics = np.array([0, 0, 1])  # topic 0 merged two far-apart parts (x and y)
    centroids = np.array([[0.7071, 0.7071, 0.0], [0.6, 0.0, 0.8]], dtype=np.float32)
    x = np.array([[0.8, 0.0, 0.6]], dtype=np.float32)  # near part x of topic 0 (0.80) and topic 1 (0.96)
    y = np.array([[0.1, 0.995, 0.0]], dtype=np.float32)  # on part y of topic 0
    near_x = np.array([[0.995, 0.0, 0.1]], dtype=np.float32)  # on part x of topic 0
    rows, probs = assign_to_topics(np.vstack([x, y, near_x]), centroids, subs, sub_topics)
    assert rows.tolist() == [1, 0, 0]
    assert ((probs > 0.5) & (probs <= 1.0)).all()
    # with only the merged mean, part x's texts can go to the other topic
    far_part = np.array([[0.9, -0.3, 0.3162]], dtype=np.float32)
    assert assign_to_topics(far_part, centroids, subs, sub_topics)[0].tolist() == [0]
    assert assign_to_centroids(far_part, centroids)[0].tolist() == [1]
    sims = topic_similarities(far_part, centroids, subs, sub_topics)
    assert np.isclose(sims[0, 0], 0.9) and np.isclose(sims[0, 1], 0.54 + 0.2530, atol=1e-3)
    with pytest.raises(ValueError, match="sub-centroid"):
        assign_to_topics(x, centroids, subs, np.array([0, 0, 0]))  # topic 1 has no part
