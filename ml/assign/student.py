"""A static student embedder distilled per model version, for fast assignment.

The production embeddings (MiniLM and/or USE) run at a few hundred documents per second on
two CPU cores. At fit time a tiny static model is trained to reproduce them on the training
window itself: each text is a bag of tokens (lower-cased Latin words, single Han characters,
and adjacent pairs of those), the student averages a learned vector per token and maps it
linearly to ``[topic embedding ; USE embedding]``, trained on cosine loss (the approach of
model2vec's *tokenlearn*, in-domain). Assignment with it is sparse matrix products: tens of
thousands of documents per second, at a measured cost in agreement with the full model
(``xe bench topics --phases assign`` prints both; docs/topics.md has the figures).

The student's second head reproduces USE vectors, so sentiment (the :mod:`ml.sentiment` head
over USE vectors) needs no transformer either.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from ml.embedding import unit_rows

_TOKEN = re.compile(r"[a-z0-9']+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def student_tokens(text: str) -> list[str]:
    """Latin words and Han characters of a text, plus each adjacent pair (``"a b"``)."""
    units = _TOKEN.findall((text or "").lower())
    return units + [f"{a} {b}" for a, b in zip(units, units[1:], strict=False)]


class StaticStudent:
    """Bag-of-tokens static embedder with a linear head per target space.

    Attributes:
        vocabulary: token -> row of ``token_vectors``.
        token_vectors: ``(V, d)`` learned token vectors.
        weight: ``(out, d)`` linear head; ``bias``: ``(out,)``.
        splits: Output dimensions of each target space (e.g. ``[384, 512]``).
    """

    def __init__(self, vocabulary: dict[str, int], token_vectors: np.ndarray, weight: np.ndarray,
                 bias: np.ndarray, splits: list[int]):
        self.vocabulary = vocabulary
        self.token_vectors = token_vectors.astype(np.float32)
        self.weight = weight.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.splits = list(splits)

    # -- encoding -------------------------------------------------------------------------
    def _bags(self, texts: list[str]):
        from scipy.sparse import csr_matrix

        indptr, indices = [0], []
        vocab = self.vocabulary
        for text in texts:
            ids = {vocab[t] for t in student_tokens(text) if t in vocab}
            indices.extend(ids)
            indptr.append(len(indices))
        counts = np.diff(indptr)
        data = np.repeat(1.0 / np.maximum(counts, 1), counts).astype(np.float32)
        return csr_matrix((data, np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
                          shape=(len(texts), len(vocab)))

    def encode(self, texts: list[str]) -> list[np.ndarray]:
        """Embed texts; one unit-row array per target space (in ``splits`` order)."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        hidden = self._bags(texts) @ self.token_vectors
        out = hidden @ self.weight.T + self.bias
        parts, start = [], 0
        for size in self.splits:
            parts.append(unit_rows(out[:, start : start + size]))
            start += size
        return parts

    # -- training -------------------------------------------------------------------------
    @classmethod
    def fit(cls, texts: list[str], targets: list[np.ndarray], dim: int = 256, epochs: int = 15,
            max_vocab: int = 50_000, seed: int = 42, batch_size: int = 256, log=None) -> StaticStudent:
        """Train a student on ``texts`` to reproduce each array in ``targets`` (cosine loss).

        Args:
            texts: Training documents.
            targets: One ``(len(texts), d_i)`` unit-row array per target space.
            dim: Token vector size.
            epochs: Passes over the data.
            max_vocab: Most frequent tokens kept (seen in at least 2 documents when the corpus allows).
            seed: Seed for initialisation and batch order (same input -> same student).
            batch_size: Documents per step.
            log: Optional callable for progress lines.
        """
        import torch
        from sklearn.feature_extraction.text import CountVectorizer

        if not texts:
            raise ValueError("cannot train a student on zero texts")
        vectorizer = CountVectorizer(analyzer=student_tokens, min_df=2 if len(texts) >= 100 else 1,
                                     max_features=max_vocab, binary=True, dtype=np.float32)
        try:
            bags = vectorizer.fit_transform(texts).tocsr()
        except ValueError:
            raise ValueError("no tokens to learn from: texts have no words or Han characters") from None
        splits = [t.shape[1] for t in targets]
        target = torch.tensor(np.hstack(targets).astype(np.float32))
        torch.manual_seed(seed)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # small dense ops: threads cost more than they give; also reproducible
        try:
            embed = torch.nn.EmbeddingBag(bags.shape[1], dim, mode="mean")
            head = torch.nn.Linear(dim, sum(splits))
            optim = torch.optim.Adam([*embed.parameters(), *head.parameters()], lr=3e-3)
            rng = np.random.default_rng(seed)

            def forward(rows: np.ndarray) -> torch.Tensor:
                sub = bags[rows]
                out = head(embed(torch.from_numpy(sub.indices.astype(np.int64)),
                                 torch.from_numpy(sub.indptr[:-1].astype(np.int64))))
                return out

            for epoch in range(epochs):
                total = 0.0
                order = rng.permutation(len(texts))
                for start in range(0, len(texts), batch_size):
                    rows = order[start : start + batch_size]
                    out, tgt = forward(rows), target[rows]
                    loss, offset = 0.0, 0
                    for size in splits:
                        loss = loss + (1 - torch.nn.functional.cosine_similarity(
                            out[:, offset : offset + size], tgt[:, offset : offset + size], dim=1)).mean()
                        offset += size
                    optim.zero_grad()
                    loss.backward()
                    optim.step()
                    total += float(loss.detach()) * len(rows)
                if log and (epoch + 1) % 5 == 0:
                    log(f"student epoch {epoch + 1}/{epochs}: loss {total / len(texts):.4f}")
        finally:
            torch.set_num_threads(threads)
        vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        return cls(vocabulary, embed.weight.detach().numpy(), head.weight.detach().numpy(),
                   head.bias.detach().numpy(), splits)

    # -- persistence ----------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write ``student.safetensors`` and ``student_vocab.json`` into ``folder``."""
        from safetensors.numpy import save_file

        save_file({"token_vectors": self.token_vectors, "weight": self.weight, "bias": self.bias,
                   "splits": np.asarray(self.splits, dtype=np.int64)}, str(Path(folder) / "student.safetensors"))
        (Path(folder) / "student_vocab.json").write_text(json.dumps(self.vocabulary, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> StaticStudent | None:
        """Load a saved student, or ``None`` when the folder has none (older versions)."""
        from safetensors.numpy import load_file

        path = Path(folder) / "student.safetensors"
        if not path.exists():
            return None
        tensors = load_file(str(path))
        vocabulary = json.loads((Path(folder) / "student_vocab.json").read_text())
        return cls(vocabulary, tensors["token_vectors"], tensors["weight"], tensors["bias"],
                   [int(s) for s in tensors["splits"]])
