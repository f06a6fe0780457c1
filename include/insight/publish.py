"""Write the key-driver table BI reads (``insight.nps_key_drivers``; dbt exposes it as
``marts.agg_nps_key_drivers``).

One run replaces the whole table with the drivers of the last ``window_days`` days of NPS
answers (ending on the latest answer's local date), so a re-run never duplicates rows.
Candidate drivers: the operational flags of ``marts.fct_nps_response_drivers``, the service
element of each verbatim (``element:<element>``) and, once the topic engine has run, the
verbatim's topic (``topic:<label>`` from ``marts.fct_interaction_topics``). Statistics:
``include.insight.drivers.key_drivers``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

#: Default window of answers the published drivers are computed over, in days.
DEFAULT_WINDOW_DAYS = 28
SCHEMA, TABLE = "insight", "nps_key_drivers"
#: The table's columns and DuckDB types (stable even when a window has no answers).
TABLE_TYPES = (("window_start", "date"), ("window_end", "date"), ("answers", "integer"), ("driver", "varchar"),
               ("driver_kind", "varchar"), ("n_with", "integer"), ("support", "double"), ("nps_with", "double"),
               ("nps_without", "double"), ("impact", "double"), ("effect", "double"), ("effect_ci_low", "double"),
               ("effect_ci_high", "double"), ("p_value", "double"), ("impact_adjusted", "double"),
               ("effect_adjusted", "double"), ("effect_adjusted_ci_low", "double"),
               ("effect_adjusted_ci_high", "double"), ("p_value_adjusted", "double"), ("q_value", "double"),
               ("detractor_rate_with", "double"), ("detractor_rate_without", "double"),
               ("detractor_lift", "double"), ("rank", "integer"), ("computed_at", "timestamp"))


def replace_table(con, schema: str, table: str, frame: pd.DataFrame, types: tuple[tuple[str, str], ...]) -> None:
    """Replace the rows of ``schema.table`` with ``frame`` in one transaction (readers see the
    old rows or the new ones, never none); the table is created from ``types`` (column, SQL type)
    when missing, and ``frame`` must hold those columns."""
    con.execute(f"create schema if not exists {schema}")
    con.execute(f"create table if not exists {schema}.{table} ({', '.join(f'{c} {t}' for c, t in types)})")
    name = f"{table}_frame"
    con.register(name, frame[[c for c, _ in types]])
    try:
        con.execute("begin")
        con.execute(f"delete from {schema}.{table}")
        con.execute(f"insert into {schema}.{table} select * from {name}")
        con.execute("commit")
    finally:
        con.unregister(name)


def driver_rows(con, window_days: int | None = DEFAULT_WINDOW_DAYS) -> tuple[pd.DataFrame, str | None, str | None]:
    """Answers of the window with their driver flags and verbatim topic label.

    Args:
        con: open DuckDB connection to the warehouse.
        window_days: days up to the latest answer's date; ``None`` for every answer.

    Returns:
        ``(rows, window_start, window_end)`` with ISO dates (``None`` when there are no answers).
    """
    latest = con.execute("select max(submitted_date) from marts.fct_nps_response_drivers").fetchone()[0]
    if latest is None:
        return pd.DataFrame(), None, None
    start = None if window_days is None else latest - timedelta(days=window_days - 1)
    has_topics = con.execute("select count(*) from information_schema.tables where table_schema = 'marts' "
                             "and table_name = 'fct_interaction_topics'").fetchone()[0] > 0
    topic_join = ("left join marts.fct_interaction_topics as topics on topics.interaction_id = 'nps:' || "
                  "drivers.response_id and topics.voice_class = 'substantive' and topics.topic_id >= 0"
                  if has_topics else "")
    topic_col = "topics.topic_label as verbatim_topic_label" if has_topics else "null as verbatim_topic_label"
    where = "where drivers.submitted_date >= ?" if start is not None else ""
    rows = con.execute(f"select drivers.*, {topic_col} from marts.fct_nps_response_drivers as drivers "
                       f"{topic_join} {where}", [start] if start is not None else []).df()
    earliest = rows["submitted_date"].min() if len(rows) else latest
    return rows, pd.Timestamp(start or earliest).date().isoformat(), pd.Timestamp(latest).date().isoformat()


def write_key_drivers(warehouse: Path | str | None = None, *, window_days: int | None = DEFAULT_WINDOW_DAYS,
                      min_support: int = 30) -> dict:
    """Compute the key drivers of the window and replace ``insight.nps_key_drivers``.

    Returns:
        ``{"table", "answers", "drivers", "window_start", "window_end", "top": [driver, ...]}``;
        with no answers the table is emptied and ``answers`` is 0.

    Raises:
        duckdb.Error: the warehouse lacks ``marts.fct_nps_response_drivers`` (build it first).
    """
    from include.ingestion.warehouse import connect
    from include.insight.drivers import COLUMNS, driver_frame, key_drivers

    with connect(warehouse) as con:
        rows, start, end = driver_rows(con, window_days)
        if rows.empty:
            table = pd.DataFrame(columns=list(COLUMNS))
        else:
            table = key_drivers(rows["nps_score"], driver_frame(rows), min_support=min_support)
        table.insert(0, "window_start", pd.to_datetime(start).date() if start else None)
        table.insert(1, "window_end", pd.to_datetime(end).date() if end else None)
        table.insert(2, "answers", len(rows))
        table["computed_at"] = datetime.now(UTC).replace(tzinfo=None)
        replace_table(con, SCHEMA, TABLE, table, TABLE_TYPES)
    top = table.loc[table.get("driver_kind", pd.Series(dtype=str)).eq("operational") & table.get(
        "rank", pd.Series(dtype="Int64")).notna()].sort_values("rank")["driver"].head(3).tolist() if len(rows) else []
    summary = {"table": f"{SCHEMA}.{TABLE}", "answers": len(rows), "drivers": len(table) if len(rows) else 0,
               "window_start": start, "window_end": end, "top": top}
    log.info("key drivers: %s", summary)
    return summary


def build_insight_models(warehouse: Path | str | None = None, select: str = "agg_nps_key_drivers") -> dict:
    """``dbt build --select <select>``: a mart over a table the insight layer writes
    (``agg_nps_key_drivers`` over ``insight.nps_key_drivers``, ``fct_risk_alerts`` over
    ``insight.risk_alerts``).

    Returns:
        ``{"status": "built", "seconds": ...}``.

    Raises:
        include.warehouse.dbt_runner.DbtError: dbt failed.
    """
    from include.warehouse.dbt_runner import run_dbt

    run = run_dbt(["build", "--select", select], warehouse=warehouse)
    return {"status": "built", "seconds": round(run.seconds, 1)}
