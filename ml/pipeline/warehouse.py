"""Read customer voice from ``marts.fct_interactions`` and write ``voc.doc_topics`` / ``voc.topics``.

DuckDB allows one writer process, so every function opens the file, does its work in one
transaction and closes it, through :func:`include.ingestion.warehouse.connect`: the write
holds the warehouse's single-writer lock and both wait out DuckDB's file lock (a reader or
another writer) up to ``EE_WAREHOUSE_LOCK_TIMEOUT``. A process killed mid-write leaves the
``voc`` tables as they were (the transaction never committed). Writes are idempotent: ``voc.doc_topics`` keeps one row per
interaction (a re-run replaces the rows of the interactions it assigns) and ``voc.topics``
one row per (topic_id, model_version) (a re-run replaces that version's rows).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pandas as pd

DOC_TOPICS_DDL = """
create table if not exists voc.doc_topics (
    interaction_id varchar not null,
    topic_id integer not null,
    topic_probability double,
    sentiment_label varchar,
    sentiment_score double,
    model_version varchar not null,
    assigned_at timestamp not null,
    voice_class varchar
)"""
#: columns added after the first release: added to an existing table on write
DOC_TOPICS_MIGRATIONS = ["alter table voc.doc_topics add column if not exists voice_class varchar"]

TOPICS_DDL = """
create table if not exists voc.topics (
    topic_id integer not null,
    model_version varchar not null,
    label varchar,
    keywords varchar,
    size bigint,
    service_element varchar,
    first_seen_at timestamp,
    last_seen_at timestamp,
    status varchar
)"""

DOC_TOPICS_COLUMNS = [
    "interaction_id", "topic_id", "topic_probability", "sentiment_label", "sentiment_score", "model_version",
    "assigned_at", "voice_class",
]
TOPICS_COLUMNS = [
    "topic_id", "model_version", "label", "keywords", "size", "service_element", "first_seen_at", "last_seen_at",
    "status",
]
INPUT_COLUMNS = ["interaction_id", "text_redacted", "occurred_at", "language", "service_element", "session_id",
                 "channel", "rating", "rating_scale_max"]
#: input columns a warehouse built by older code may lack: read as typed nulls there
OPTIONAL_INPUT_COLUMNS = {"session_id": "varchar", "channel": "varchar", "rating": "integer",
                          "rating_scale_max": "integer"}


def _warehouse(path: Path | None) -> Path:
    if path is None:
        from include.config import settings

        path = settings().warehouse
    return Path(path)


@contextmanager
def open_interactions(warehouse: Path | None = None):
    """Open the warehouse read-only, after checking that ``marts.fct_interactions`` is there.

    Yields:
        A read-only DuckDB connection (closed on exit: DuckDB takes one writer).

    Raises:
        FileNotFoundError: When the warehouse file does not exist.
        RuntimeError: When ``marts.fct_interactions`` is missing (dbt has not run).
        include.ingestion.warehouse.WarehouseBusyError: A writer kept the file for the whole wait.
    """
    from include.ingestion.warehouse import connect

    path = _warehouse(warehouse)
    if not path.exists():
        raise FileNotFoundError(f"warehouse {path} does not exist; run `xe run` (or `xe load` and `xe build`) first")
    with connect(path, read_only=True) as con:
        if not table_exists(con, "marts", "fct_interactions"):
            raise RuntimeError(f"marts.fct_interactions not found in {path}; run `xe build` first")
        yield con


def table_exists(con, schema: str, table: str) -> bool:
    """Whether ``schema.table`` exists on a DuckDB connection."""
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                            [schema, table]).fetchone()[0])


def column_exists(con, schema: str, table: str, column: str) -> bool:
    """Whether ``schema.table`` has ``column`` on a DuckDB connection."""
    return bool(con.execute("select count(*) from information_schema.columns where table_schema = ? "
                            "and table_name = ? and column_name = ?", [schema, table, column]).fetchone()[0])


def read_interactions(
    start: date | None = None,
    end: date | None = None,
    warehouse: Path | None = None,
) -> pd.DataFrame:
    """Read non-empty customer texts from ``marts.fct_interactions``.

    Args:
        start: Inclusive lower bound on ``occurred_at`` (UTC date), optional.
        end: Exclusive upper bound on ``occurred_at``, optional.
        warehouse: DuckDB file (default ``settings().warehouse``).

    Returns:
        DataFrame with :data:`INPUT_COLUMNS` (``session_id`` null outside chats; ``rating`` and
        ``rating_scale_max`` null for texts without a rating; the :data:`OPTIONAL_INPUT_COLUMNS`
        null everywhere in a warehouse without them), ordered by ``interaction_id``; HTML character
        references in ``text_redacted`` are decoded (:func:`ml.entities.decode_entities`).

    Raises:
        FileNotFoundError: When the warehouse file does not exist.
        RuntimeError: When ``marts.fct_interactions`` is missing (dbt has not run).
    """
    where, params = ["text_redacted is not null", "length(trim(text_redacted)) > 0"], []
    if start is not None:
        where.append("occurred_at >= ?")
        params.append(pd.Timestamp(start).to_pydatetime())
    if end is not None:
        where.append("occurred_at < ?")
        params.append(pd.Timestamp(end).to_pydatetime())
    with open_interactions(warehouse) as con:
        # a warehouse built before session ids (or channel / rating) reached fct_interactions reads them as
        # nulls: texts outside conversations, without a rating
        columns = [c if c not in OPTIONAL_INPUT_COLUMNS or column_exists(con, "marts", "fct_interactions", c)
                   else f"cast(null as {OPTIONAL_INPUT_COLUMNS[c]}) as {c}" for c in INPUT_COLUMNS]
        sql = f"select {', '.join(columns)} from marts.fct_interactions where {' and '.join(where)} order by interaction_id"
        frame = con.execute(sql, params).df()
    from ml.entities import decode_entities

    frame["text_redacted"] = frame["text_redacted"].map(decode_entities)
    return frame


def read_product_names(warehouse: Path | None = None) -> list[str]:
    """Every product name of ``marts.dim_product`` (``product_name`` and ``product_name_en``).

    Returns:
        The non-blank names (duplicates possible), in no particular order; ``[]`` when the warehouse has no
        ``marts.dim_product`` (a warehouse of texts only, as ``xe eval mixed`` builds).

    Raises:
        As :func:`open_interactions`.
    """
    with open_interactions(warehouse) as con:
        if not table_exists(con, "marts", "dim_product"):
            return []
        rows = con.execute("select product_name, product_name_en from marts.dim_product").fetchall()
    return [name for row in rows for name in row if isinstance(name, str) and name.strip()]


def latest_interaction_time(warehouse: Path | None = None) -> pd.Timestamp | None:
    """Latest ``occurred_at`` in ``marts.fct_interactions`` (``None`` when empty); raises as :func:`open_interactions`."""
    with open_interactions(warehouse) as con:
        value = con.execute("select max(occurred_at) from marts.fct_interactions").fetchone()[0]
    return None if value is None else pd.Timestamp(value)


def write_outputs(doc_topics: pd.DataFrame, topics: pd.DataFrame, warehouse: Path | None = None) -> dict:
    """Replace this run's rows in ``voc.doc_topics`` and ``voc.topics`` in one transaction.

    Rows of interactions that are no longer in ``marts.fct_interactions`` with a text (removed
    or cleared by a re-export) are deleted in the same transaction, so corrections reach the
    topic tables too.

    Args:
        doc_topics: Rows with :data:`DOC_TOPICS_COLUMNS` (one per interaction).
        topics: Rows with :data:`TOPICS_COLUMNS` for one or more model versions.
        warehouse: DuckDB file.

    Returns:
        Row counts written, and ``doc_topics_removed``: stale rows deleted.

    Raises:
        ValueError: On missing columns or duplicate interaction ids.
        include.ingestion.warehouse.WarehouseBusyError: Another process kept the warehouse for the whole wait.
    """
    from include.ingestion.warehouse import connect

    for frame, cols, name in ((doc_topics, DOC_TOPICS_COLUMNS, "doc_topics"), (topics, TOPICS_COLUMNS, "topics")):
        missing = set(cols) - set(frame.columns)
        if missing:
            raise ValueError(f"{name} is missing columns {sorted(missing)}")
    if doc_topics["interaction_id"].duplicated().any():
        raise ValueError("doc_topics has duplicate interaction_id values; each document gets exactly one topic")
    doc_frame = doc_topics[DOC_TOPICS_COLUMNS].copy()
    topic_frame = topics[TOPICS_COLUMNS].copy()
    with connect(_warehouse(warehouse)) as con:
        removed = _replace_rows(con, doc_frame, topic_frame)
    return {"doc_topics": len(doc_frame), "topics": len(topic_frame), "doc_topics_removed": removed}


def _replace_rows(con, doc_frame: pd.DataFrame, topic_frame: pd.DataFrame) -> int:
    """The transaction of :func:`write_outputs`; returns the stale rows deleted."""
    try:
        con.execute("begin transaction")
        con.execute("create schema if not exists voc")
        con.execute(DOC_TOPICS_DDL)
        for statement in DOC_TOPICS_MIGRATIONS:
            con.execute(statement)
        con.execute(TOPICS_DDL)
        con.register("new_doc_topics", doc_frame)
        con.register("new_topics", topic_frame)
        con.execute("delete from voc.doc_topics where interaction_id in (select interaction_id from new_doc_topics)")
        con.execute(f"insert into voc.doc_topics ({', '.join(DOC_TOPICS_COLUMNS)}) "
                    f"select {', '.join(DOC_TOPICS_COLUMNS)} from new_doc_topics")
        con.execute("delete from voc.topics where model_version in (select distinct model_version from new_topics)")
        con.execute(f"insert into voc.topics select {', '.join(TOPICS_COLUMNS)} from new_topics")
        removed = 0
        if table_exists(con, "marts", "fct_interactions"):
            # A correction in raw removed the interaction or cleared its text: its topic row goes too.
            removed = con.execute(
                "delete from voc.doc_topics where interaction_id not in (select interaction_id from "
                "marts.fct_interactions where text_redacted is not null and length(trim(text_redacted)) > 0)"
            ).fetchone()[0]
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return removed
