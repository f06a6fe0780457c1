"""Cross-language pairing: one issue's Chinese topic and English topic become one topic."""

from __future__ import annotations

import numpy as np
import pytest

from ml.topics.crosslingual import cross_language_pairs


def _docs(spec: list[tuple[int, str, np.ndarray]], per_topic: int = 6, noise: float = 0.05):
    rng = np.random.default_rng(0)
    topics, languages, vectors = [], [], []
    for topic, language, direction in spec:
        for _ in range(per_topic):
            topics.append(topic)
            languages.append(language)
            vectors.append(direction + rng.normal(scale=noise, size=direction.shape))
    return topics, languages, np.asarray(vectors, dtype=np.float32)


def test_mutual_nearest_chinese_and_english_topics_are_paired():
    axes = np.eye(4, dtype=np.float32)
    spec = [(0, "zh", axes[0]), (1, "en", axes[0] + 0.1 * axes[1]),   # one issue, two languages
            (2, "zh", axes[2]), (3, "en", axes[2] + 0.2 * axes[0]),   # another one
            (4, "zh", axes[3])]                                      # Chinese only: stays alone
    assert cross_language_pairs(*_docs(spec)) == [[0, 1], [2, 3]]


def test_no_pair_below_the_threshold_or_within_one_language():
    axes = np.eye(4, dtype=np.float32)
    # nearest across languages but not similar enough
    spec = [(0, "zh", axes[0]), (1, "zh", axes[1]), (2, "en", axes[2]), (3, "en", axes[3])]
    assert cross_language_pairs(*_docs(spec)) == []
    # two English topics however close: a single-language corpus is left as it is
    assert cross_language_pairs(*_docs([(0, "en", axes[0]), (1, "en", axes[0])])) == []


def test_each_topic_joins_at_most_one_partner_and_near_ties_join_none():
    axes = np.eye(4, dtype=np.float32)
    base = [(0, "zh", axes[0]), (1, "zh", axes[2]), (3, "en", axes[2] + 0.1 * axes[3])]
    # two English topics close to Chinese topic 0: only the clearly nearest one joins it
    clear = base + [(2, "en", axes[0] + 0.05 * axes[1]), (4, "en", axes[0] + 0.9 * axes[3])]
    assert cross_language_pairs(*_docs(clear)) == [[0, 2], [1, 3]]
    # two about equally close: neither is chosen (a refit would otherwise pick either)
    tie = base + [(2, "en", axes[0] + 0.05 * axes[1]), (4, "en", axes[0] + 0.06 * axes[3])]
    assert cross_language_pairs(*_docs(tie)) == [[1, 3]]


def test_a_language_with_a_single_topic_pairs_with_nothing():
    """Centred on its language's mean, a lone topic has no direction left to compare."""
    axes = np.eye(3, dtype=np.float32)
    assert cross_language_pairs(*_docs([(0, "zh", axes[0]), (1, "en", axes[0]), (2, "en", axes[1])])) == []


def test_mixed_and_unknown_texts_count_with_english_and_set_aside_ids_are_ignored():
    axes = np.eye(3, dtype=np.float32)
    spec = [(0, "zh", axes[0]), (1, "mixed", axes[0]), (2, "zh", axes[1]), (3, "unknown", axes[1]),
            (-1, "zh", axes[2])]
    topics, languages, vectors = _docs(spec)
    assert cross_language_pairs(topics, languages, vectors) == [[0, 1], [2, 3]]
    with pytest.raises(ValueError, match="vectors"):
        cross_language_pairs(topics, languages, vectors[:3])
