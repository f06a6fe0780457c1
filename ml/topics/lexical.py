"""A lexical view of the corpus that sharpens clustering: character n-gram TF-IDF reduced by SVD.

Sentence embeddings of reviews are dominated by how people feel ("很好", "太差了"); the words
that name what they talk about (酒店, 屏幕, 头发, card, refund) are a weaker signal in them.
Appending a small, unit-length character n-gram view to the embedding before UMAP lets
the clustering see those words. Measured (see docs/topics.md): online_shopping_10_cats 10k
NMI 0.605 -> 0.631, Banking77 test 0.841 -> 0.844; tuned on separate samples (Banking77
train, a second online_shopping sample), weight 0.5.

The view only shapes the clustering: topic centroids, assignment and stable ids stay in the
embedding space.
"""

from __future__ import annotations

import numpy as np

from ml.embedding import unit_rows


def lexical_view(texts: list[str], dim: int = 128, seed: int = 42) -> np.ndarray:
    """Character 1-3-gram TF-IDF (word-bounded, sublinear) -> truncated SVD -> unit rows.

    Args:
        texts: Documents (Chinese, English or mixed).
        dim: SVD components (capped by vocabulary and corpus size).
        seed: SVD random state.

    Returns:
        ``(len(texts), d)`` float32 array with unit-length (or zero) rows.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), min_df=2 if len(texts) >= 50 else 1,
        sublinear_tf=True, max_features=100_000, dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # empty vocabulary (e.g. only whitespace)
        return np.zeros((len(texts), 1), dtype=np.float32)
    components = min(dim, matrix.shape[1] - 1, len(texts) - 1)
    if components < 1:
        return np.zeros((len(texts), 1), dtype=np.float32)
    return unit_rows(TruncatedSVD(components, random_state=seed).fit_transform(matrix))


class ViewConcatReducer:
    """Dimensionality reduction over ``[embeddings, weight * view]`` for BERTopic's ``umap_model`` slot.

    BERTopic passes only the embeddings to the reducer; the lexical view of the same rows is
    given at construction. ``transform`` of the training rows returns the fitted reduction;
    other rows (none in this pipeline: assignment uses centroids) are reduced without the view.

    Args:
        reducer: The inner reducer (UMAP).
        view: ``(n_fit, d)`` lexical view aligned with the rows BERTopic will fit on.
        weight: Scale of the view relative to the unit-length embedding.
    """

    def __init__(self, reducer, view: np.ndarray, weight: float):
        self.reducer = reducer
        self.view = view
        self.weight = weight
        self.embedding_: np.ndarray | None = None

    def _combined(self, X: np.ndarray) -> np.ndarray:
        return unit_rows(np.hstack([np.asarray(X, dtype=np.float32), self.weight * self.view]))

    def fit(self, X: np.ndarray, y=None) -> ViewConcatReducer:  # noqa: ARG002 - sklearn signature
        """Reduce the training rows (embeddings + view)."""
        if len(X) != len(self.view):
            raise ValueError(f"lexical view has {len(self.view)} rows, embeddings {len(X)}")
        self.embedding_ = self.reducer.fit_transform(self._combined(X))
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """The fitted reduction for the training rows; a view-less reduction otherwise."""
        if self.embedding_ is not None and len(X) == len(self.embedding_):
            return self.embedding_
        padded = np.hstack([np.asarray(X, dtype=np.float32), np.zeros((len(X), self.view.shape[1]), np.float32)])
        return self.reducer.transform(padded)
