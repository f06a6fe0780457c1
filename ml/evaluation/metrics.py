"""Scores used by every evaluation: clustering agreement and classification quality.

Formulas: NMI and ARI as in scikit-learn (``normalized_mutual_info_score`` with the
arithmetic mean, ``adjusted_rand_score``; Vinh et al. 2010, Hubert & Arabie 1985);
size-weighted purity = sum over clusters of the size of its largest reference class, divided
by the number of documents (Manning et al., *Introduction to Information Retrieval*, 16.3);
macro-F1 = unweighted mean of the per-class F1 over the classes present in the reference.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def purity(clusters: Sequence, labels: Sequence) -> float:
    """Size-weighted purity of ``clusters`` against reference ``labels`` (1.0: every cluster is one class)."""
    frame = pd.DataFrame({"c": np.asarray(clusters), "l": np.asarray(labels)})
    if frame.empty:
        return float("nan")
    return float(frame.groupby(["c", "l"]).size().groupby(level=0).max().sum() / len(frame))


def clustering_scores(clusters: Sequence, labels: Sequence) -> dict:
    """``nmi``, ``ari``, ``purity``, ``n_topics`` and ``n_labels`` of a clustering.

    Args:
        clusters: Cluster (topic) id per document; ``-1`` counts as one more cluster.
        labels: Reference label per document.
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    clusters, labels = np.asarray(clusters), np.asarray(labels).astype(str)
    return {
        "nmi": round(float(normalized_mutual_info_score(labels, clusters)), 4),
        "ari": round(float(adjusted_rand_score(labels, clusters)), 4),
        "purity": round(purity(clusters, labels), 4),
        "n_topics": int(len(np.unique(clusters))),
        "n_labels": int(len(np.unique(labels))),
    }


def classification_scores(predicted: Sequence, reference: Sequence) -> dict:
    """``accuracy`` and ``macro_f1`` (over the reference classes) plus ``n``."""
    from sklearn.metrics import accuracy_score, f1_score

    predicted, reference = np.asarray(predicted).astype(str), np.asarray(reference).astype(str)
    classes = sorted(set(reference))
    return {
        "accuracy": round(float(accuracy_score(reference, predicted)), 4),
        "macro_f1": round(float(f1_score(reference, predicted, labels=classes, average="macro", zero_division=0)), 4),
        "n": int(len(reference)),
    }
