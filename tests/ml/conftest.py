"""Session-scoped fixtures for the topic-engine tests: one corpus, its embeddings, one fitted model.

UMAP pays ~35-40 s of numba JIT once per process, so everything that fits a model shares
these fixtures. Embeddings go through the project's Parquet cache (data/embedding_cache),
so a second test run does not re-embed the corpus.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from tests.ml.corpus import build_corpus
from tests.support import missing_resource

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def shared_file(*parts: str):
    """Path to a file in ../shared/data, or skip the test with a clear message."""
    from include.config import settings

    path = settings().shared_data.joinpath(*parts)
    if not path.exists():
        message = f"shared dataset {path} is absent (set EE_SHARED_DATA to the ../shared/data folder)"
        missing_resource(message)
    return path


@pytest.fixture(scope="session")
def corpus() -> tuple[list[str], list[str]]:
    """The fixed 250-document bilingual corpus and its theme labels."""
    return build_corpus()


@pytest.fixture(scope="session")
def config():
    """Production configuration with the test seed."""
    from ml.topics.config import TopicConfig

    return TopicConfig(seed=42)


@pytest.fixture(scope="session")
def embedding_spec(corpus, config) -> str:
    """The embedder spec production resolves for this corpus (hybrid: it contains Chinese)."""
    from ml.embedding import resolve_embedding_spec

    return resolve_embedding_spec(config.embedding_model, corpus[0])


@pytest.fixture(scope="session")
def embeddings(corpus, embedding_spec) -> np.ndarray:
    """Precomputed (cached) embeddings of the corpus."""
    from ml.embedding import embed_with_cache, get_embedder

    return embed_with_cache(corpus[0], get_embedder(embedding_spec))


@pytest.fixture(scope="session")
def fitted(corpus, embeddings, config):
    """One BERTopic fit over the whole corpus (shared by the invariant tests)."""
    from ml.embedding import get_embedder, resolve_embedding_spec
    from ml.topics.model import fit_topic_model

    embedder = get_embedder(resolve_embedding_spec(config.embedding_model, corpus[0]))
    return fit_topic_model(corpus[0], embeddings, config, embedder)


def make_warehouse(path, texts: list[str], themes: list[str], start: datetime = datetime(2026, 9, 7),
                   sessions: list[str | None] | None = None, ratings: list[int | None] | None = None) -> None:
    """Create a DuckDB file with ``marts.fct_interactions`` holding ``texts`` (shared-interface columns;
    ``session_id`` only when ``sessions`` is given, as in a warehouse built before that column;
    ``rating`` / ``rating_scale_max`` (stars, 5) only when ``ratings`` is given, the rated texts then
    on the ``review`` channel)."""
    import duckdb

    n = len(texts)
    occurred = [start + timedelta(hours=5 * i) for i in range(n)]  # 52 days: inside the 8-week window
    element = {"logistics": "logistics", "refund": "after_sales", "payment": "payment", "quality": "product_quality",
               "coupon": "promotion"}
    frame = pd.DataFrame({
        "interaction_id": [f"i{i:05d}" for i in range(n)],
        "interaction_type": "chat_message",
        "channel": "chat",
        "platform": "tmall",
        "customer_key": None,
        "product_id": None,
        "order_id": None,
        "occurred_at": occurred,
        "occurred_at_local": [t + timedelta(hours=8) for t in occurred],
        "occurred_week": [(t - timedelta(days=t.weekday())).date() for t in occurred],
        "language": ["en" if t[:1].isascii() else "zh" for t in texts],
        "text_redacted": texts,
        "service_element": [element[t] for t in themes],
    })
    if sessions is not None:
        frame["session_id"] = sessions
    if ratings is not None:
        frame["rating"] = pd.array(ratings, dtype="Int32")
        frame["rating_scale_max"] = pd.array([None if r is None else 5 for r in ratings], dtype="Int32")
        frame["channel"] = ["review" if r is not None else "chat" for r in ratings]
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists marts")
        con.register("frame", frame)
        con.execute("create or replace table marts.fct_interactions as select * from frame")
    finally:
        con.close()


@pytest.fixture()
def warehouse(tmp_path, corpus):
    """A fresh warehouse file holding the corpus as ``marts.fct_interactions``."""
    path = tmp_path / "warehouse.duckdb"
    make_warehouse(path, *corpus)
    return path
