"""Embedding cache keyed by (model id, text hash), stored as Parquet files under data/.

One folder per model id; each write adds a new part file so runs never rewrite old parts.
A re-run embeds only texts whose hash is not yet cached (:func:`embed_with_cache`).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def text_hash(text: str) -> str:
    """Stable SHA-1 hex digest of a text (UTF-8)."""
    return hashlib.sha1((text or "").encode("utf-8")).hexdigest()


_SHARED: dict[tuple[str, str], EmbeddingCache] = {}


def _matrix(column, rows: int) -> np.ndarray:
    """An Arrow list<float> column of equal-length vectors as an owned ``(rows, dim)`` float32 array."""
    import pyarrow as pa

    if rows == 0:
        return np.zeros((0, 0), dtype=np.float32)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    offsets = column.offsets.to_numpy()
    dims = np.diff(offsets)
    if column.null_count or (dims != dims[0]).any():
        # nulls or vectors of unequal length: a corrupt part; numpy stacks it or says what is wrong
        return np.stack(column.to_numpy(zero_copy_only=False)).astype(np.float32)
    flat = column.values.to_numpy(zero_copy_only=False)[offsets[0] : offsets[-1]]
    return np.array(flat, dtype=np.float32).reshape(rows, int(dims[0]))


def release_shared_caches() -> None:
    """Forget the process-wide caches' loaded vectors (they are read from disk again when next used).

    A refit calls this once it holds its embeddings: at 200,000 texts the hybrid cache alone
    keeps ~1 GB of vectors that the fit does not need.
    """
    _SHARED.clear()


class EmbeddingCache:
    """Parquet-backed store of embeddings for one model id.

    Args:
        root: Cache root folder (default ``<data_dir>/embedding_cache``).
        model_id: Identifier of the embedding model; part of the key.
    """

    def __init__(self, model_id: str, root: Path | None = None):
        if root is None:
            from include.config import settings

            root = settings().data_dir / "embedding_cache"
        self.model_id = model_id
        safe = re.sub(r"[^A-Za-z0-9_.+-]+", "_", model_id)[-120:]
        self.folder = Path(root) / safe
        self._index: dict[str, np.ndarray] | None = None

    @classmethod
    def shared(cls, model_id: str) -> EmbeddingCache:
        """Process-wide instance for ``model_id`` under the current data dir (read from disk once)."""
        from include.config import settings

        root = settings().data_dir / "embedding_cache"
        key = (str(root), model_id)
        if key not in _SHARED:
            _SHARED[key] = cls(model_id, root)
        return _SHARED[key]

    def _load(self) -> dict[str, np.ndarray]:
        if self._index is None:
            import pyarrow.parquet as pq

            self._index = {}
            for part in sorted(self.folder.glob("part-*.parquet")):
                # record batch by record batch, straight from Arrow's flat value buffer: the
                # transient stays one batch (a 200,000-row part of 1,280-d vectors is 1 GB)
                for batch in pq.ParquetFile(part).iter_batches(batch_size=16_384):
                    hashes = batch.column("text_hash").to_pylist()
                    vectors = _matrix(batch.column("embedding"), len(hashes))
                    self._index.update(zip(hashes, vectors, strict=True))
        return self._index

    def __len__(self) -> int:
        return len(self._load())

    def get_many(self, hashes: list[str]) -> tuple[dict[int, np.ndarray], list[int]]:
        """Look up hashes.

        Returns:
            ``(hits, misses)``: row position -> vector for cached rows, and positions to embed.
        """
        index = self._load()
        hits, misses = {}, []
        for i, h in enumerate(hashes):
            vec = index.get(h)
            if vec is None:
                misses.append(i)
            else:
                hits[i] = vec
        return hits, misses

    def put_many(self, hashes: list[str], vectors: np.ndarray) -> None:
        """Append new (hash, vector) rows as one Parquet part file."""
        if not hashes:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        index = self._load()
        new = [(h, v) for h, v in zip(hashes, vectors, strict=True) if h not in index]
        if not new:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        table = pa.table(
            {
                "text_hash": [h for h, _ in new],
                "embedding": [np.asarray(v, dtype=np.float32) for _, v in new],
            }
        )
        tmp = self.folder / f".tmp-{uuid.uuid4().hex}.parquet"
        pq.write_table(table, tmp)
        tmp.rename(self.folder / f"part-{uuid.uuid4().hex}.parquet")
        index.update(new)
def embed_with_cache(
    texts: Sequence[str],
    embedder,
    cache: EmbeddingCache | None = None,
    batch_size: int = 256,
    show_progress: bool = False,
) -> np.ndarray:
    """Embed texts, reusing cached vectors keyed by (model id, text hash).

    Args:
        texts: Documents.
        embedder: The embedding model (:class:`ml.embedding.encoders.Embedder`).
        cache: Cache to use (default: the process-wide data-dir cache for ``embedder.model_id``).
        batch_size: Batch size for the misses.
        show_progress: Progress bar while embedding misses.

    Returns:
        ``(len(texts), dim)`` float32 array in input order.
    """
    texts = [t if isinstance(t, str) else "" for t in texts]
    cache = cache if cache is not None else EmbeddingCache.shared(embedder.model_id)
    hashes = [text_hash(t) for t in texts]
    hits, misses = cache.get_many(hashes)
    # embed each distinct missing text once
    unique_miss: dict[str, int] = {}
    for i in misses:
        unique_miss.setdefault(hashes[i], i)
    if unique_miss:
        rows = list(unique_miss.values())
        vectors = embedder.encode([texts[i] for i in rows], batch_size=batch_size, show_progress=show_progress)
        cache.put_many([hashes[i] for i in rows], vectors)
        fresh = dict(zip(unique_miss.keys(), vectors, strict=True))
        for i in misses:
            hits[i] = fresh[hashes[i]]
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    out = np.empty((len(texts), len(hits[0])), dtype=np.float32)  # filled in place: no stacked copy
    for i in range(len(texts)):
        out[i] = hits[i]
    return out
