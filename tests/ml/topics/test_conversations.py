"""Conversation steps of the topic fit: context vectors and merges of topics one conversation uses."""

from __future__ import annotations

import numpy as np
import pytest

from ml.topics.conversations import conversation_context, conversation_merges


def _sessions_linking(pairs: dict[tuple[int, int], int], solo: dict[int, int]) -> tuple[list[int], list[str | None]]:
    """Documents: for each (a, b) -> n, n sessions holding one text of topic a and one of b;
    for each topic -> n, n texts outside any conversation."""
    topics, sessions = [], []
    for (a, b), n in pairs.items():
        for i in range(n):
            topics += [a, b]
            sessions += [f"s{a}-{b}-{i}"] * 2
    for t, n in solo.items():
        topics += [t] * n
        sessions += [None] * n
    return topics, sessions


def test_topics_one_conversation_uses_are_merged_and_others_are_not():
    # 0 and 1 are one issue in two phrasings (12 sessions use both); 2 and 3 likewise;
    # 0 and 2 share a single follow-up session, which must not merge the two issues
    topics, sessions = _sessions_linking({(0, 1): 12, (2, 3): 10, (0, 2): 1}, {0: 40, 1: 40, 2: 40, 3: 40, 4: 30})
    assert conversation_merges(topics, sessions, threshold=0.1, max_share=1.0) == [[0, 1], [2, 3]]


def test_a_few_follow_ups_do_not_merge_two_issues_with_many_conversations_of_their_own():
    # 200 chats about a late parcel, 200 about a refund, 5 that move from one to the other
    topics = [0, 0] * 200 + [1, 1] * 200 + [0, 1] * 5
    sessions = [f"late-{i // 2}" for i in range(400)] + [f"refund-{i // 2}" for i in range(400)] + \
        [f"both-{i // 2}" for i in range(10)]
    assert conversation_merges(topics, sessions, max_share=1.0) == []
    # the same 5 chats between two phrasings of one issue that are mostly used together do merge
    assert conversation_merges([0, 1] * 5 + [0] * 4 + [1] * 4, [f"s{i // 2}" for i in range(10)] + [None] * 8,
                               max_share=1.0) == [[0, 1]]


def test_merges_need_enough_shared_sessions_and_respect_the_size_bound():
    topics, sessions = _sessions_linking({(0, 1): 2}, {0: 5, 1: 5})
    assert conversation_merges(topics, sessions, min_sessions=3, max_share=1.0) == []
    assert conversation_merges(topics, sessions, min_sessions=2, max_share=1.0) == [[0, 1]]
    topics, sessions = _sessions_linking({(0, 1): 12}, {0: 40, 1: 40, 2: 20})
    # 0 and 1 together would hold 104 of 124 documents
    assert conversation_merges(topics, sessions, max_share=0.5) == []


def test_texts_outside_conversations_and_set_aside_ids_merge_nothing():
    assert conversation_merges([0, 1, 2, 0], [None, None, float("nan"), ""]) == []
    # a session whose texts all fall in one topic says nothing about pairs; negative ids are ignored
    assert conversation_merges([0, 0, -1, 1], ["a", "a", "b", "b"]) == []
    with pytest.raises(ValueError, match="session ids"):
        conversation_merges([0, 1], ["a"])


def test_context_pulls_session_mates_together_and_leaves_other_texts_alone():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[4] = vectors[0]  # copies of one text have one vector
    texts = ["late parcel", "still not here", "refund please", "lone review", "late parcel"]
    sessions = ["s1", "s1", "s2", None, None]
    out = conversation_context(texts, vectors, sessions, weight=1.0)
    assert out.shape == vectors.shape and np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert out[0] @ out[1] > vectors[0] @ vectors[1] + 0.2  # the two messages of s1 moved towards each other
    assert np.allclose(out[2], vectors[2])  # alone in its session
    assert np.allclose(out[3], vectors[3])  # no session
    # a copy of a text read in a conversation (here a review) gets that conversation's context
    assert np.allclose(out[4], out[0], atol=1e-6)
    assert np.allclose(conversation_context(texts, vectors, sessions, weight=0.0), vectors)
    with pytest.raises(ValueError, match="session ids"):
        conversation_context(texts, vectors, sessions[:2])


def test_fit_with_conversations_merges_phrasings_of_one_theme(corpus, embeddings, config):
    """On the test corpus, sessions that pair two texts of the same theme and language merge
    topics: fewer topics than the same fit without sessions, none mixing themes more than before."""
    from ml.evaluation.metrics import clustering_scores
    from ml.topics.model import fit_topic_model
    from tests.ml.corpus import theme_sessions

    texts, themes = corpus
    sessions = theme_sessions(texts, themes)  # every text shares a session with one other of its theme
    plain = fit_topic_model(texts, embeddings, config, None)
    joined = fit_topic_model(texts, embeddings, config, None, sessions=sessions)
    assert joined.merged > 0
    assert len(joined.centroids) == len(set(joined.topics)) < len(plain.centroids)
    assert len(joined.model.get_topic_info()) == len(joined.centroids)
    before, after = clustering_scores(plain.topics, themes), clustering_scores(joined.topics, themes)
    assert after["purity"] >= before["purity"] - 0.02 and after["nmi"] > before["nmi"], (before, after)
    # the topics as clustered are kept: each merged topic has its sub-centroids, and assigning
    # through them reproduces the fitted topics at least as well as the merged centroids do
    from ml.topics.model import assign_to_centroids, assign_to_topics

    assert joined.sub_centroids is not None and len(joined.sub_centroids) == len(joined.centroids) + joined.merged
    assert sorted(set(joined.sub_topics.tolist())) == list(range(len(joined.centroids)))
    assert plain.sub_centroids is None
    via_subs, probs = assign_to_topics(embeddings, joined.centroids, joined.sub_centroids, joined.sub_topics)
    via_means, _ = assign_to_centroids(embeddings, joined.centroids)
    assert ((probs > 0) & (probs <= 1 + 1e-9)).all()
    assert np.mean(via_subs == joined.topics) >= np.mean(via_means == joined.topics)
    # keywords describe the topics as assignment fills them: BERTopic's document topics are the
    # assigned ones (a topic left empty by assignment would keep the clustering's)
    described = np.asarray(joined.model.topics_)
    assert (described == via_subs[joined.fit_rows]).all() or len(set(via_subs[joined.fit_rows])) < len(joined.centroids)
    assert len(joined.model.get_topic_info()) == len(joined.centroids)


def test_saved_version_assigns_through_its_sub_centroids(corpus, embeddings, config, tmp_path):
    """fit_version with sessions saves the sub-centroids; the loaded version assigns through them."""
    from dataclasses import replace

    from ml.topics.lifecycle import fit_version
    from ml.topics.model import assign_to_topics
    from ml.topics.store import load_version
    from tests.ml.corpus import theme_sessions

    texts, themes = corpus
    fit_version(texts, replace(config, student_epochs=0), root=tmp_path, sessions=theme_sessions(texts, themes))
    version = load_version(root=tmp_path)
    assert version.sub_centroids is not None and len(version.sub_rows) == len(version.sub_centroids)
    assert len(version.sub_centroids) > len(version.centroids)
    rows, probs = version.nearest_topics(embeddings)
    expected, _ = assign_to_topics(embeddings, version.centroids, version.sub_centroids, version.sub_rows)
    assert (rows == expected).all() and version.topic_similarities(embeddings).shape == (len(texts), len(version.centroids))
