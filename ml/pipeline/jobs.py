"""The topic engine over the warehouse: ``fit``, ``assign`` or ``run`` (fit when due, then assign).

What ``xe topics fit|assign`` and the ``voc_topics`` DAG call. The warehouse is opened
briefly: read, close; compute; open, write, close.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ml.topics.config import TopicConfig


def _log(message: str) -> None:
    print(f"[ml.pipeline.jobs] {message}", file=sys.stderr, flush=True)  # stdout stays clean for JSON


def fit(weeks: int | None = None, warehouse: Path | None = None, root: Path | None = None,
        config: TopicConfig | None = None) -> dict:
    """Refit on the last ``weeks`` weeks of ``marts.fct_interactions`` and save a new version.

    Returns:
        Summary dict (version, documents, topics, matched/emerging/vanished).
    """
    from ml.pipeline.warehouse import latest_interaction_time, read_interactions
    from ml.topics.lifecycle import fit_version

    config = config or TopicConfig()
    weeks = weeks or config.window_weeks
    latest = latest_interaction_time(warehouse)
    if latest is None:
        raise RuntimeError("marts.fct_interactions is empty; nothing to fit on")
    end = (latest + pd.Timedelta(days=1)).normalize()
    start = end - pd.Timedelta(weeks=weeks)
    frame = read_interactions(start.date(), end.date(), warehouse)
    _log(f"training window {start.date()} .. {end.date()} (exclusive): {len(frame):,} documents")
    if len(frame) < 3:
        raise RuntimeError(f"only {len(frame)} documents in the training window; need at least 3")
    result = fit_version(
        frame["text_redacted"].tolist(),
        config=config,
        occurred_at=frame["occurred_at"].tolist(),
        warehouse_tags=frame["service_element"].tolist(),
        root=root,
        window={"start": str(start.date()), "end": str(end.date()), "weeks": weeks},
    )
    return {"version": result.version.version, "documents": len(frame), **result.version.metrics}


def build_outputs(frame: pd.DataFrame, version, assignment, overrides: dict[int, dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn an assignment into ``voc.doc_topics`` and ``voc.topics`` frames.

    Args:
        frame: Interactions (``interaction_id``, ``occurred_at``) in assignment order.
        version: The :class:`ml.topics.store.TopicVersion` used.
        assignment: :class:`ml.assign.modes.Assignment`.
        overrides: Analyst label overrides keyed by stable topic id.
    """
    from ml.topics.store import apply_overrides

    assigned_at = datetime.now(UTC).replace(tzinfo=None)
    docs = pd.DataFrame({
        "interaction_id": frame["interaction_id"].astype(str).to_numpy(),
        "topic_id": assignment.topic_ids.astype("int32"),
        "topic_probability": assignment.probabilities.astype(float),
        "sentiment_label": assignment.sentiment_labels,
        "sentiment_score": assignment.sentiment_scores.astype(float),
        "model_version": version.version,
        "assigned_at": assigned_at,
    })
    stats = pd.DataFrame({"topic_id": docs["topic_id"], "at": pd.to_datetime(frame["occurred_at"]).to_numpy()})
    agg = stats.groupby("topic_id")["at"].agg(["size", "min", "max"])
    rows = []
    for row in apply_overrides(version.topics, overrides):
        tid = int(row["topic_id"])
        first = pd.Timestamp(row["first_seen_at"]) if row.get("first_seen_at") else pd.NaT
        last = pd.Timestamp(row["last_seen_at"]) if row.get("last_seen_at") else pd.NaT
        size = 0
        if tid in agg.index:
            size = int(agg.loc[tid, "size"])
            first = agg.loc[tid, "min"] if pd.isna(first) else min(first, agg.loc[tid, "min"])
            last = agg.loc[tid, "max"] if pd.isna(last) else max(last, agg.loc[tid, "max"])
        rows.append({
            "topic_id": tid,
            "model_version": version.version,
            "label": row["label"],
            "keywords": row["keywords"],
            "size": size,
            "service_element": row["service_element"],
            "first_seen_at": first,
            "last_seen_at": last,
            "status": row["status"],
        })
    topics = pd.DataFrame(rows)
    topics["first_seen_at"] = pd.to_datetime(topics["first_seen_at"])
    topics["last_seen_at"] = pd.to_datetime(topics["last_seen_at"])
    return docs, topics


def assign(since: str | None = None, warehouse: Path | None = None, root: Path | None = None,
           version_name: str | None = None, mode: str | None = None) -> dict:
    """Assign interactions with a saved model (no refit) and write the ``voc`` tables.

    Args:
        since: Only interactions on/after this date (YYYY-MM-DD); default all.
        warehouse: DuckDB file.
        root: Topics root folder.
        version_name: Model version (default LATEST).
        mode: ``accurate``, ``balanced`` or ``fast`` (default ``EE_ASSIGN_MODE``, itself ``balanced``;
            ``balanced`` falls back to ``accurate`` for a version saved without a student).
    """
    from include.config import settings
    from ml.assign.modes import assign_documents
    from ml.pipeline.warehouse import read_interactions, write_outputs
    from ml.topics.store import load_label_overrides, load_version

    version = load_version(version_name, root)
    start = datetime.strptime(since, "%Y-%m-%d").date() if since else None
    frame = read_interactions(start, None, warehouse)
    mode = mode or settings().assign_mode
    if mode == "balanced" and version.student is None:
        _log(f"{version.version} has no static student (saved before students existed): using accurate mode")
        mode = "accurate"
    _log(f"assigning {len(frame):,} documents with {version.version} ({mode} mode)")
    if frame.empty:
        return {"version": version.version, "doc_topics": 0, "topics": 0}
    assignment = assign_documents(frame["text_redacted"].tolist(), version, show_progress=len(frame) > 2000,
                                  mode=mode)
    overrides_path = (root.parent / "label_overrides.yml") if root is not None else None
    docs, topics = build_outputs(frame, version, assignment, load_label_overrides(overrides_path))
    counts = write_outputs(docs, topics, warehouse)
    _log(f"wrote {counts['doc_topics']:,} doc_topics rows and {counts['topics']} topics rows")
    return {"version": version.version, **counts}


def run(force_refit: bool = False, weeks: int | None = None, warehouse: Path | None = None,
        root: Path | None = None) -> dict:
    """Refit when due (or forced), then assign every interaction."""
    out = {}
    from ml.topics.lifecycle import refit_due

    if force_refit or refit_due(root):
        out["fit"] = fit(weeks, warehouse, root)
    else:
        _log("latest model is fresh; assigning without refit")
    out["assign"] = assign(None, warehouse, root)
    return out
