"""Evaluate the production topic configuration against labelled data; prints one JSON line.

Example::

    python -m ml.evaluate --input ../shared/data/banking77/test.csv --text-col text --label-col category

Output keys: ``nmi``, ``ari``, ``n_topics``, ``outlier_rate``, ``docs_per_second`` (embedding +
fit, end to end), ``peak_rss_mb``, plus ``n_docs`` and ``embedding``. The number of topics is
never given to the model: it is chosen by the fixed clustering configuration.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd


def load_labelled_csv(path: Path, text_col: str, label_col: str, sample: int | None, seed: int) -> pd.DataFrame:
    """Read a labelled CSV, strip BOMs/whitespace, drop empty texts, optionally sample.

    Raises:
        SystemExit: With a clear message on a missing file or column.
    """
    if not Path(path).exists():
        raise SystemExit(f"input file not found: {path}")
    df = pd.read_csv(path, encoding="utf-8-sig")
    for col in (text_col, label_col):
        if col not in df.columns:
            raise SystemExit(f"column {col!r} not in {path}; columns are {list(df.columns)}")
    df = df[[text_col, label_col]].rename(columns={text_col: "text", label_col: "label"})
    df["text"] = df["text"].fillna("").astype(str).str.replace("\ufeff", "", regex=False).str.strip()
    df = df[df["text"] != ""].reset_index(drop=True)
    if df.empty:
        raise SystemExit(f"no non-empty texts in column {text_col!r} of {path}")
    if sample and len(df) > sample:
        df = df.sample(sample, random_state=seed).reset_index(drop=True)
    return df


def evaluate(df: pd.DataFrame, seed: int = 42, use_cache: bool = True) -> dict:
    """Cluster ``df.text`` with the production configuration and score against ``df.label``."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from ml.config import TopicConfig, resolve_embedding_spec
    from ml.embeddings import embed_with_cache, get_embedder
    from ml.topic_model import fit_topic_model

    texts = df["text"].tolist()
    config = TopicConfig(seed=seed)
    started = time.perf_counter()
    spec = resolve_embedding_spec(config, texts)
    embedder = get_embedder(spec)
    print(f"[eval] {len(texts):,} docs, embedding with {spec}", file=sys.stderr, flush=True)
    if use_cache:
        embeddings = embed_with_cache(texts, embedder, show_progress=True)
    else:
        embeddings = embedder.encode(texts, show_progress=True)
    print("[eval] fitting topics", file=sys.stderr, flush=True)
    fitted = fit_topic_model(texts, embeddings, config, embedder)
    seconds = time.perf_counter() - started
    topics = fitted.topics
    labels = df["label"].astype(str).to_numpy()
    return {
        "nmi": round(float(normalized_mutual_info_score(labels, topics)), 4),
        "ari": round(float(adjusted_rand_score(labels, topics)), 4),
        "n_topics": int(len(np.unique(topics[topics >= 0]))),
        "outlier_rate": round(float(np.mean(topics < 0)), 4),
        "docs_per_second": round(len(texts) / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "n_docs": len(texts),
        "embedding": spec,
    }


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m ml.evaluate",
        description="Cluster a labelled CSV with the production topic configuration and print NMI/ARI as JSON.",
    )
    parser.add_argument("--input", required=True, type=Path, help="CSV file with a text and a label column")
    parser.add_argument("--text-col", required=True, help="column holding the text")
    parser.add_argument("--label-col", required=True, help="column holding the reference label")
    parser.add_argument("--sample", type=int, default=None, help="evaluate on a seeded sample of N rows")
    parser.add_argument("--seed", type=int, default=42, help="seed for the sample and the model")
    parser.add_argument("--no-cache", action="store_true", help="embed everything (measures cold speed)")
    args = parser.parse_args(argv)
    df = load_labelled_csv(args.input, args.text_col, args.label_col, args.sample, args.seed)
    print(json.dumps(evaluate(df, seed=args.seed, use_cache=not args.no_cache)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
