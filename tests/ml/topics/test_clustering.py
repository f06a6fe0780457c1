"""SilhouetteWard: the first-level cut and the refinement of large clusters (a hierarchy)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from ml.topics.clustering import SilhouetteWard


def _mixed_sources(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two far-apart 'sources': A holds 6 well-separated issues, B is one diffuse blob.

    The coarse split A | B is the best-separated cut of the whole set, as between the
    channels of a warehouse that mixes merchants (docs/topics.md, xe eval mixed).
    """
    rng = np.random.default_rng(seed)
    issue_centres = rng.normal(0, 1.0, size=(6, 5)) * 3
    a = np.vstack([c + rng.normal(0, 0.5, size=(60, 5)) for c in issue_centres])
    b = rng.normal(0, 1.5, size=(300, 5)) + 200.0
    X = np.vstack([a, b])
    truth = np.concatenate([np.repeat(np.arange(6), 60), np.full(300, 6)])
    return X, truth


def test_first_level_cut_alone_keeps_the_sources_together():
    X, truth = _mixed_sources()
    labels = SilhouetteWard(min_topics=2, max_topics=40, refine_share=0).fit_predict(X)
    assert len(np.unique(labels)) == 2
    assert adjusted_rand_score(truth, labels) < 0.6  # the six issues of A share one cluster


def test_refinement_separates_the_issues_inside_a_source_and_leaves_a_diffuse_one_whole():
    X, truth = _mixed_sources()
    model = SilhouetteWard(min_topics=2, max_topics=40).fit(X)
    labels = model.labels_
    assert adjusted_rand_score(truth, labels) > 0.95
    # the diffuse source B was searched again and not split (its best cut is weak structure)
    b_rows = truth == 6
    assert len(np.unique(labels[b_rows])) == 1
    assert any(r["split"] for r in model.refinements_) and any(not r["split"] for r in model.refinements_)
    assert all(r["size"] >= 0.03 * len(X) for r in model.refinements_)


def test_refinement_stays_within_the_topic_budget_and_is_deterministic():
    X, _ = _mixed_sources(1)
    first = SilhouetteWard(min_topics=2, max_topics=4).fit_predict(X)
    again = SilhouetteWard(min_topics=2, max_topics=4).fit_predict(X)
    assert len(np.unique(first)) <= 4
    assert np.array_equal(first, again)


def test_predict_assigns_new_points_to_the_refined_clusters():
    X, _ = _mixed_sources()
    model = SilhouetteWard(min_topics=2, max_topics=40).fit(X)
    assert adjusted_rand_score(model.labels_, model.predict(X)) > 0.99
    # new points near the fitted ones (small jitter) land in the same refined clusters
    jittered = X + np.random.default_rng(5).normal(0, 0.05, size=X.shape)
    assert np.mean(model.predict(jittered) == model.labels_) > 0.98
