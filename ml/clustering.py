"""Clustering that chooses the number of topics without labels, for BERTopic's ``hdbscan_model`` slot.

:class:`ThresholdAgglomerative` runs Ward agglomerative clustering on the UMAP-reduced
embeddings and cuts the tree at a fixed distance threshold (tuned once on Banking77 and
fixed; the number of clusters follows from the data). Every document gets a cluster (no
outliers). ``predict`` assigns new points to the nearest cluster centroid, so BERTopic's
``transform`` works on unseen documents.
"""

from __future__ import annotations

import numpy as np


class ThresholdAgglomerative:
    """Ward clustering cut at a distance threshold, then small clusters merged into neighbours.

    Args:
        distance_threshold: Ward linkage distance at which to cut the dendrogram, stated for
            1,000 points and scaled by ``sqrt(n / 1000)`` (Ward merge costs grow with the square
            root of cluster sizes, so the same threshold finds the same granularity at any n).
        min_cluster_size: Clusters smaller than this are dissolved into the nearest larger cluster.
        max_fit_points: Ward needs O(n^2) memory; above this many points a seeded sample is
            clustered and the rest predicted by nearest centroid.
        random_state: Seed for the sample.
    """

    def __init__(
        self,
        distance_threshold: float = 1.7,
        min_cluster_size: int = 5,
        max_fit_points: int = 15_000,
        random_state: int = 42,
    ):
        self.distance_threshold = distance_threshold
        self.min_cluster_size = min_cluster_size
        self.max_fit_points = max_fit_points
        self.random_state = random_state
        self.labels_: np.ndarray | None = None
        self.centroids_: np.ndarray | None = None

    def fit(self, X: np.ndarray, y=None) -> ThresholdAgglomerative:  # noqa: ARG002 - sklearn signature
        """Cluster ``X`` (reduced embeddings) and set ``labels_`` (0..k-1, no -1)."""
        from sklearn.cluster import AgglomerativeClustering

        X = np.asarray(X, dtype=np.float64)
        n = len(X)
        if n == 0:
            raise ValueError("cannot cluster an empty set of documents")
        if n < 2:
            self.labels_ = np.zeros(1, dtype=int)
            self.centroids_ = X.copy()
            return self
        rng = np.random.default_rng(self.random_state)
        fit_rows = np.sort(rng.choice(n, self.max_fit_points, replace=False)) if n > self.max_fit_points else None
        Xf = X if fit_rows is None else X[fit_rows]
        labels = AgglomerativeClustering(
            n_clusters=None,
            distance_threshold=self.distance_threshold * float(np.sqrt(len(Xf) / 1000.0)),
            linkage="ward",
        ).fit_predict(Xf)
        labels = self._merge_small(Xf, labels)
        self.centroids_ = np.vstack([Xf[labels == k].mean(axis=0) for k in range(labels.max() + 1)])
        self.labels_ = labels if fit_rows is None else self.predict(X)
        return self

    def _merge_small(self, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
        while True:
            ids, counts = np.unique(labels, return_counts=True)
            small = ids[counts < self.min_cluster_size]
            if len(small) == 0 or len(ids) == 1:
                break
            big = ids[counts >= self.min_cluster_size]
            if len(big) == 0:
                break
            centroids = np.vstack([X[labels == k].mean(axis=0) for k in big])
            rows = np.isin(labels, small)
            d = ((X[rows, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
            labels = labels.copy()
            labels[rows] = big[d.argmin(axis=1)]
            break
        # renumber to 0..k-1 ordered by first appearance of size (largest first, ties by id)
        ids, counts = np.unique(labels, return_counts=True)
        order = ids[np.lexsort((ids, -counts))]
        remap = {old: new for new, old in enumerate(order)}
        return np.array([remap[v] for v in labels], dtype=int)

    def fit_predict(self, X: np.ndarray, y=None) -> np.ndarray:  # noqa: ARG002
        """Fit and return ``labels_``."""
        return self.fit(X).labels_

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Nearest-centroid cluster for each row of ``X``."""
        if self.centroids_ is None:
            raise RuntimeError("ThresholdAgglomerative is not fitted")
        X = np.asarray(X, dtype=np.float64)
        out = np.empty(len(X), dtype=int)
        for start in range(0, len(X), 4096):
            chunk = X[start : start + 4096]
            d = ((chunk[:, None, :] - self.centroids_[None, :, :]) ** 2).sum(axis=2)
            out[start : start + 4096] = d.argmin(axis=1)
        return out
