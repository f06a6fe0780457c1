"""Clustering and classification scores on small hand-computed cases."""

from __future__ import annotations

import pytest

from ml.evaluation.metrics import classification_scores, clustering_scores, purity


def test_purity_is_size_weighted():
    # cluster 0: a a b (2 of 3); cluster 1: c c (2 of 2) -> 4 / 5
    assert purity([0, 0, 0, 1, 1], ["a", "a", "b", "c", "c"]) == pytest.approx(0.8)


def test_perfect_and_permuted_clusterings_score_one():
    scores = clustering_scores([5, 5, 9, 9], ["x", "x", "y", "y"])
    assert scores == {"nmi": 1.0, "ari": 1.0, "purity": 1.0, "n_topics": 2, "n_labels": 2}


def test_one_big_cluster_has_zero_ari():
    scores = clustering_scores([0, 0, 0, 0], ["x", "x", "y", "y"])
    assert scores["ari"] == 0.0 and scores["purity"] == 0.5


def test_macro_f1_averages_classes_equally():
    scores = classification_scores(["a", "a", "a", "a"], ["a", "a", "a", "b"])
    assert scores["accuracy"] == 0.75
    assert scores["macro_f1"] == pytest.approx((2 * 0.75 / 1.75 + 0) / 2, abs=1e-4)
    assert scores["n"] == 4
