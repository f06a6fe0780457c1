"""Reproducible training of the shipped base head (``data/base_head.npz`` + ``.json``).

The base head is trained only on ``data/seed_sentences.csv``: Chinese and English sentences
written for this project (e-commerce, food delivery, banking, service chats; positive,
negative and many neutral questions, requests and greetings). No third-party data set is
used, so the weights may ship. Re-run after editing the seed file or the cue features::

    xe sentiment train            # re-train, write data/base_head.*, print scores

The ``.json`` records the seed file's SHA-256; ``tests/ml/sentiment`` fails when the shipped
weights were trained on another seed file. Training takes a few seconds (the seed sentences'
USE vectors come through the embedding cache).
"""

from __future__ import annotations

from pathlib import Path

from ml.sentiment.classifier import (
    BASE_HEAD,
    SEED_SENTENCES,
    HeadParams,
    SentimentClassifier,
    embed,
    file_sha256,
    fit_head,
    seed_sentences,
)

#: chosen on the demo seed 7 warehouse (accuracy / macro-F1 on all texts) and MARC validation splits
BASE_PARAMS = HeadParams(C=0.05, cue_weight=1.0, neutral_bias=0.0)


def train_base(params: HeadParams = BASE_PARAMS, embedder=None) -> SentimentClassifier:
    """Train the base head on the seed sentences (deterministic: lbfgs from zeros)."""
    texts, labels = seed_sentences()
    head = fit_head(texts, labels, embed(texts, embedder), params=params,
                    meta={"kind": "base", "training_data": SEED_SENTENCES.name,
                          "seed_sha256": file_sha256(SEED_SENTENCES)}, embedder=embedder)
    return head


def write_base(out: Path | None = None) -> dict:
    """Re-train the base head and write it (default ``data/base_head``: the shipped weights).

    Returns:
        ``path``, ``bytes``, ``n_train``, ``train_counts`` and ``training_accuracy`` (on the
        seed sentences themselves: a sanity check, not a quality figure).
    """
    import numpy as np

    head = train_base()
    path = head.save(out or BASE_HEAD)
    texts, labels = seed_sentences()
    predicted, _ = head.predict_arrays(texts)
    accuracy = float(np.mean(predicted == np.asarray(labels, dtype=object)))
    return {"path": str(path), "bytes": path.stat().st_size, "n_train": head.meta["n_train"],
            "train_counts": head.meta["train_counts"], "training_accuracy": round(accuracy, 4)}
