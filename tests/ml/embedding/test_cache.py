"""The Parquet embedding cache: a re-run embeds only new texts."""

from __future__ import annotations

import numpy as np

from ml.embedding import Embedder, embed_with_cache
from ml.embedding.cache import EmbeddingCache


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


def test_large_parts_are_read_back_exactly_in_record_batches(tmp_path):
    # more rows than one record batch (16,384): the reader stitches batches back together
    vectors = np.random.default_rng(0).normal(size=(40_000, 6)).astype(np.float32)
    hashes = [f"h{i}" for i in range(len(vectors))]
    EmbeddingCache("big", tmp_path).put_many(hashes, vectors)
    hits, misses = EmbeddingCache("big", tmp_path).get_many([*hashes[::-1], "absent"])
    assert misses == [len(hashes)]
    np.testing.assert_array_equal(np.stack([hits[i] for i in range(len(hashes))]), vectors[::-1])


def test_parts_of_double_vectors_load_as_float32(tmp_path):
    # a part written by another tool (list<double>) is read and converted, not rejected
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "doubles"
    folder.mkdir()
    pq.write_table(pa.table({"text_hash": ["a", "b"], "embedding": [[1.0, 2.0], [3.0, 4.0]]}), folder / "part-1.parquet")
    hits, misses = EmbeddingCache("doubles", tmp_path).get_many(["a", "b"])
    assert misses == []
    assert hits[1].dtype == np.float32
    np.testing.assert_array_equal(hits[1], np.array([3.0, 4.0], dtype=np.float32))
