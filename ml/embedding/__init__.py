"""Sentence embeddings: encoders, the per-language hybrid vector, the Parquet cache, encoder fetching.

Public API::

    from ml.embedding import get_embedder, embed_with_cache, resolve_embedding_spec

Modules: :mod:`~ml.embedding.encoders` (MiniLM, mpnet, USE), :mod:`~ml.embedding.hybrid`
(the one place that builds the hybrid vector), :mod:`~ml.embedding.specs` (spec strings ->
embedders), :mod:`~ml.embedding.cache` (embedding cache), :mod:`~ml.embedding.fetch` (the
all-mpnet-base-v2 download from PyPI).
"""

from ml.embedding.cache import EmbeddingCache, embed_with_cache, release_shared_caches
from ml.embedding.encoders import DEFAULT_MINILM, Embedder, english_model_spec, unit_rows
from ml.embedding.hybrid import HybridEmbedder, compose_hybrid
from ml.embedding.specs import get_embedder, is_hybrid, load_embedder, resolve_embedding_spec

__all__ = [
    "DEFAULT_MINILM", "Embedder", "EmbeddingCache", "HybridEmbedder", "compose_hybrid", "embed_with_cache",
    "english_model_spec", "get_embedder", "is_hybrid", "load_embedder", "release_shared_caches",
    "resolve_embedding_spec", "unit_rows",
]
