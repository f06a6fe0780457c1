"""The character n-gram view used to sharpen clustering."""

from __future__ import annotations

import numpy as np

from ml.topics.lexical import ViewConcatReducer, lexical_view


def test_view_rows_are_unit_and_separate_vocabularies():
    texts = ["酒店房间很干净"] * 30 + ["手机屏幕很清晰"] * 30 + ["card refund please"] * 30
    view = lexical_view(texts, dim=8)
    assert view.shape[0] == 90
    np.testing.assert_allclose(np.linalg.norm(view, axis=1), 1.0, rtol=1e-5)
    sims = view @ view.T
    assert sims[0, 1] > 0.99 and sims[0, 40] < 0.5 and sims[40, 80] < 0.5


def test_degenerate_corpus_gives_zero_view():
    assert lexical_view(["   ", " "]).shape == (2, 1)


class _Identity:
    def fit_transform(self, x):
        return x


def test_reducer_appends_weighted_view():
    emb = np.eye(3, dtype=np.float32)
    view = np.ones((3, 1), dtype=np.float32)
    reducer = ViewConcatReducer(_Identity(), view, weight=1.0).fit(emb)
    out = reducer.transform(emb)
    assert out.shape == (3, 4)
    np.testing.assert_allclose(out[:, 3], 1 / np.sqrt(2), rtol=1e-5)
