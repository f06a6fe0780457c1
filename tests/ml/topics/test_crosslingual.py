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
    assert cross_language_pairs(*_docs([(0, "zh", axes[0]), (1, "en", axes[1])])) == []
    # two English topics however close: a single-language corpus is left as it is
    assert cross_language_pairs(*_docs([(0, "en", axes[0]), (1, "en", axes[0])])) == []


def test_each_topic_joins_at_most_one_partner():
    axes = np.eye(3, dtype=np.float32)
    # two English topics close to one Chinese topic: only its nearest joins it
    spec = [(0, "zh", axes[0]), (1, "en", axes[0] + 0.05 * axes[1]), (2, "en", axes[0] + 0.3 * axes[2])]
    assert cross_language_pairs(*_docs(spec)) == [[0, 1]]


def test_mixed_and_unknown_texts_count_with_english_and_set_aside_ids_are_ignored():
    axes = np.eye(2, dtype=np.float32)
    topics, languages, vectors = _docs([(0, "zh", axes[0]), (1, "mixed", axes[0]), (-1, "zh", axes[1])])
    assert cross_language_pairs(topics, languages, vectors) == [[0, 1]]
    with pytest.raises(ValueError, match="vectors"):
        cross_language_pairs(topics, languages, vectors[:3])
