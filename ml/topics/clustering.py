"""Clustering that chooses the number of topics without labels, for BERTopic's ``hdbscan_model`` slot.

:class:`SilhouetteWard` builds one Ward dendrogram over the UMAP-reduced embeddings and
cuts it at the finest number of clusters whose silhouette score is within
``silhouette_tolerance`` of the best cut (an internal criterion: no labels, no fixed k; the
tolerance prefers finer, more actionable topics among near-equally separated cuts).

A corpus that mixes channels, domains or merchants has a coarse structure (one region per
source) that wins the silhouette at a handful of clusters, so the issues inside each source
are never separated (``xe eval mixed``: 600 Banking77 chats in one topic). The cut is therefore
*refined* as a hierarchy: every cluster holding at least ``refine_share`` of the documents
(default 3 %, the issue's bound for a topic that may not mix intents) is searched again on its
own points, and split when its best cut has a silhouette of at least ``refine_silhouette``
(default 0.5, where Kaufman & Rousseeuw's "reasonable structure" band starts: *Finding Groups
in Data*, 1990, ch. 2); the parts are examined in turn, within the ``max_topics`` budget.
Chosen on mixed-source samples built with Banking77 **train** (docs/topics.md).

Every document gets a cluster (no outliers: clusters below ``min_cluster_size`` are merged
into their nearest neighbour, which is this pipeline's outlier reduction). ``predict``
assigns new points to the nearest cluster centroid, so BERTopic's ``transform`` works on
unseen documents.
"""

from __future__ import annotations

import numpy as np


class SilhouetteWard:
    """Ward clustering cut where the silhouette is highest.

    Args:
        min_topics: Smallest number of clusters considered.
        max_topics: Largest number considered (also capped at ``n / min_cluster_size``).
        n_candidates: Cuts tried, spaced geometrically between the bounds.
        min_cluster_size: Clusters smaller than this are merged into the nearest larger cluster.
        max_fit_points: Ward needs O(n^2) memory; above this many points a seeded sample is
            clustered and the rest predicted by nearest centroid.
        silhouette_sample: Points used to score each cut.
        silhouette_tolerance: Choose the largest k scoring at least ``best - tolerance``.
        random_state: Seed for the samples.
        preferred_k: Number of topics of the previous model version. When that cut also scores
            within the tolerance it is chosen instead, so a weekly refit on similar data does
            not split or merge topics (and change their ids) only because a near-equal cut won.
        refine_share: Clusters holding at least this share of the (fitted) points are searched
            again on their own points; 0 or more than 1 turns refinement off.
        refine_silhouette: A cluster is split when its own best cut scores at least this silhouette.

    Attributes (after ``fit``): ``labels_``, ``centroids_``, ``scores_`` (silhouette per first-level
    cut), ``best_k_`` (first-level cut chosen) and ``refinements_`` (one dict per cluster searched
    again: ``size``, ``k`` and ``silhouette`` of its best cut, ``split``).
    """

    def __init__(
        self,
        min_topics: int = 5,
        max_topics: int = 200,
        n_candidates: int = 40,
        min_cluster_size: int = 5,
        max_fit_points: int = 15_000,
        silhouette_sample: int = 3_000,
        silhouette_tolerance: float = 0.03,
        random_state: int = 42,
        preferred_k: int | None = None,
        refine_share: float = 0.03,
        refine_silhouette: float = 0.5,
    ):
        self.min_topics = min_topics
        self.max_topics = max_topics
        self.n_candidates = n_candidates
        self.min_cluster_size = min_cluster_size
        self.max_fit_points = max_fit_points
        self.silhouette_sample = silhouette_sample
        self.silhouette_tolerance = silhouette_tolerance
        self.random_state = random_state
        self.preferred_k = preferred_k
        self.refine_share = refine_share
        self.refine_silhouette = refine_silhouette
        self.refinements_: list[dict] = []
        self.labels_: np.ndarray | None = None
        self.centroids_: np.ndarray | None = None
        self.scores_: dict[int, float] = {}

    def fit(self, X: np.ndarray, y=None) -> SilhouetteWard:  # noqa: ARG002 - sklearn signature
        """Cluster ``X`` (reduced embeddings) and set ``labels_`` (0..k-1, no -1)."""
        from scipy.cluster.hierarchy import fcluster, linkage
        from sklearn.metrics import silhouette_score

        X = np.asarray(X, dtype=np.float64)
        n = len(X)
        if n == 0:
            raise ValueError("cannot cluster an empty set of documents")
        rng = np.random.default_rng(self.random_state)
        fit_rows = np.sort(rng.choice(n, self.max_fit_points, replace=False)) if n > self.max_fit_points else None
        Xf = X if fit_rows is None else X[fit_rows]
        upper = min(self.max_topics, max(2, len(Xf) // max(1, self.min_cluster_size)))
        lower = min(self.min_topics, upper)
        if len(Xf) < 4 or upper < 2:
            labels = np.zeros(len(Xf), dtype=int)
        else:
            tree = linkage(Xf, method="ward")
            candidates = np.round(np.geomspace(max(2, lower), upper, self.n_candidates)).astype(int)
            if self.preferred_k and 2 <= self.preferred_k <= upper:
                candidates = np.append(candidates, self.preferred_k)
            candidates = np.unique(candidates)
            cuts, self.scores_ = {}, {}
            for k in candidates:
                labels = fcluster(tree, t=int(k), criterion="maxclust") - 1
                if len(np.unique(labels)) < 2:
                    continue
                cuts[int(k)] = labels
                self.scores_[int(k)] = float(silhouette_score(
                    Xf, labels, sample_size=min(self.silhouette_sample, len(Xf)), random_state=self.random_state
                ))
            if cuts:
                best = max(self.scores_.values())
                eligible = [k for k, s in self.scores_.items() if s >= best - self.silhouette_tolerance]
                self.best_k_ = self.preferred_k if self.preferred_k in eligible else max(eligible)
                labels = cuts[self.best_k_]
            else:
                labels = np.zeros(len(Xf), dtype=int)
            labels = self._refine(Xf, labels, upper)
        labels = self._merge_small(Xf, labels)
        self.centroids_ = np.vstack([Xf[labels == k].mean(axis=0) for k in range(labels.max() + 1)])
        self.labels_ = labels if fit_rows is None else self.predict(X)
        return self

    def _refine(self, X: np.ndarray, labels: np.ndarray, upper: int) -> np.ndarray:
        """Split large clusters whose own points have a well-separated cut (see the module docstring)."""
        self.refinements_ = []
        if not 0 < self.refine_share <= 1:
            return labels
        labels = np.asarray(labels).copy()
        min_rows = max(10 * self.min_cluster_size, int(np.ceil(self.refine_share * len(X))))
        n_clusters = int(labels.max()) + 1
        queue = list(range(n_clusters))
        while queue and n_clusters < upper:
            cluster = queue.pop(0)
            rows = np.flatnonzero(labels == cluster)
            if len(rows) < min_rows:
                continue
            sub = SilhouetteWard(
                min_topics=2, max_topics=min(upper - n_clusters + 1, len(rows) // max(1, self.min_cluster_size)),
                n_candidates=self.n_candidates, min_cluster_size=self.min_cluster_size,
                max_fit_points=self.max_fit_points, silhouette_sample=self.silhouette_sample,
                silhouette_tolerance=self.silhouette_tolerance, random_state=self.random_state, refine_share=0,
            ).fit(X[rows])
            k = int(sub.labels_.max()) + 1
            score = sub.scores_.get(getattr(sub, "best_k_", -1))
            split = score is not None and score >= self.refine_silhouette and k >= 2
            self.refinements_.append({"size": len(rows), "k": k, "silhouette": None if score is None else round(score, 4),
                                      "split": bool(split)})
            if not split:
                continue
            parts = sub.labels_
            labels[rows[parts > 0]] = n_clusters + parts[parts > 0] - 1  # part 0 keeps the cluster's id
            queue.extend([cluster, *range(n_clusters, n_clusters + k - 1)])
            n_clusters += k - 1
        return labels

    def _merge_small(self, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
        ids, counts = np.unique(labels, return_counts=True)
        small, big = ids[counts < self.min_cluster_size], ids[counts >= self.min_cluster_size]
        labels = labels.copy()
        if len(small) and len(big):
            centroids = np.vstack([X[labels == k].mean(axis=0) for k in big])
            rows = np.isin(labels, small)
            d = ((X[rows, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
            labels[rows] = big[d.argmin(axis=1)]
        # renumber 0..k-1, largest cluster first (ties by old id): deterministic topic order
        ids, counts = np.unique(labels, return_counts=True)
        order = ids[np.lexsort((ids, -counts))]
        remap = np.empty(ids.max() + 1, dtype=int)
        remap[order] = np.arange(len(order))
        return remap[labels]

    def fit_predict(self, X: np.ndarray, y=None) -> np.ndarray:  # noqa: ARG002
        """Fit and return ``labels_``."""
        return self.fit(X).labels_

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Nearest-centroid cluster for each row of ``X``."""
        if self.centroids_ is None:
            raise RuntimeError("SilhouetteWard is not fitted")
        X = np.asarray(X, dtype=np.float64)
        out = np.empty(len(X), dtype=int)
        for start in range(0, len(X), 4096):
            chunk = X[start : start + 4096]
            d = ((chunk[:, None, :] - self.centroids_[None, :, :]) ** 2).sum(axis=2)
            out[start : start + 4096] = d.argmin(axis=1)
        return out
