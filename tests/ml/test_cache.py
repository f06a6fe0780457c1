"""The Parquet embedding cache: a re-run embeds only new texts."""

from __future__ import annotations

import numpy as np

from ml.cache import EmbeddingCache
from ml.embeddings import Embedder, embed_with_cache


class CountingEmbedder(Embedder):
    """Deterministic toy embedder that records every text it embeds."""

    model_id = "counting-test"

    def __init__(self):
        self.seen: list[str] = []

    def _encode_batch(self, texts):
        self.seen.extend(texts)
        rng = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=8) for t in texts]
        return np.vstack(rng)

    @property
    def dim(self) -> int:
        return 8


def test_second_run_embeds_only_new_texts(tmp_path):
    embedder = CountingEmbedder()
    first = embed_with_cache(["a", "b", "c", "a"], embedder, EmbeddingCache(embedder.model_id, tmp_path))
    assert sorted(embedder.seen) == ["a", "b", "c"]  # duplicate embedded once
    embedder.seen.clear()
    # a new cache object reads the Parquet parts written by the first run
    second = embed_with_cache(["c", "b", "d", "a"], embedder, EmbeddingCache(embedder.model_id, tmp_path))
    assert embedder.seen == ["d"]
    np.testing.assert_allclose(second[0], first[2])
    np.testing.assert_allclose(second[3], first[0])
    assert second.shape == (4, 8)
    np.testing.assert_allclose(np.linalg.norm(second, axis=1), 1.0, rtol=1e-5)


def test_cache_is_keyed_by_model_id(tmp_path):
    embedder = CountingEmbedder()
    embed_with_cache(["x"], embedder, EmbeddingCache("model-a", tmp_path))
    embedder.seen.clear()
    embed_with_cache(["x"], embedder, EmbeddingCache("model-b", tmp_path))
    assert embedder.seen == ["x"]
    assert len(EmbeddingCache("model-a", tmp_path)) == 1
