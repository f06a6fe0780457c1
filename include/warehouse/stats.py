"""Measurements over a built warehouse: rows per mart and the share tagged ``other``.

Works on the DuckDB file (read-only, opened briefly) or on PostgreSQL (``<prefix>_marts``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from include.config import settings

MARTS = (
    "fct_interactions", "fct_service_sessions", "fct_orders", "fct_payment_attempts", "fct_shipments",
    "dim_customer", "dim_product", "dim_promotion", "dim_platform", "dim_date", "dim_service_element",
    "fct_nps_responses", "fct_reviews", "agg_nps_weekly", "agg_nps_touchpoint_weekly",
    "agg_service_kpis_weekly", "fct_nps_response_drivers", "fct_unpaid_orders",
)
#: the marts over the topic engine's output (dbt tag:topics; `xe build --topics`)
TOPIC_MARTS = (
    "fct_interaction_topics", "agg_topic_weekly", "agg_service_element_weekly", "agg_product_topic_weekly",
    "fct_product_findings",
)

OTHER_SHARE_SQL = """
select interaction_type,
       count(*) as interactions,
       sum(case when service_element = 'other' then 1 else 0 end) as tagged_other
from {schema}.fct_interactions
group by interaction_type
order by interaction_type
"""


def _other_share(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    by_type = {t: {"interactions": int(n), "other": int(o), "other_share": (o / n if n else 0.0)}
               for t, n, o in rows}
    total = sum(v["interactions"] for v in by_type.values())
    other = sum(v["other"] for v in by_type.values())
    return {"interactions": total, "other": other, "other_share": other / total if total else 0.0,
            "by_type": by_type}


def duckdb_stats(warehouse: Path | str | None = None, schema: str = "marts",
                 marts: tuple[str, ...] = MARTS) -> dict[str, Any]:
    """Rows per mart (``marts``: :data:`MARTS` or :data:`TOPIC_MARTS`; missing ones are left out)
    and the ``other`` share from the DuckDB warehouse.

    Raises:
        FileNotFoundError: the warehouse file does not exist.
    """
    import duckdb

    path = Path(warehouse or settings().warehouse)
    if not path.exists():
        raise FileNotFoundError(f"warehouse {path} does not exist; build it first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.ConnectionException:
        # Same process already holds a read-write connection (dbt-duckdb under the in-process
        # dbt runner, e.g. `airflow dags test`): reuse that configuration.
        con = duckdb.connect(str(path))
    try:
        existing = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [schema]).fetchall()}
        rows = {m: con.execute(f"select count(*) from {schema}.{m}").fetchone()[0]
                for m in marts if m in existing}
        share = _other_share(con.execute(OTHER_SHARE_SQL.format(schema=schema)).fetchall()) \
            if "fct_interactions" in existing else None
    finally:
        con.close()
    return {"rows": rows, "other": share}


def postgres_stats(pg_schema: str, dsn: str | None = None, marts: tuple[str, ...] = MARTS) -> dict[str, Any]:
    """Rows per mart (``marts``, as :func:`duckdb_stats`) and the ``other`` share from ``<pg_schema>_marts`` on PostgreSQL."""
    import psycopg2

    schema = f"{pg_schema}_marts"
    with psycopg2.connect(dsn or settings().pg_dsn) as con, con.cursor() as cur:
        cur.execute("select table_name from information_schema.tables where table_schema = %s", [schema])
        existing = {r[0] for r in cur.fetchall()}
        rows = {}
        for mart in marts:
            if mart in existing:
                cur.execute(f'select count(*) from "{schema}"."{mart}"')
                rows[mart] = cur.fetchone()[0]
        share = None
        if "fct_interactions" in existing:
            cur.execute(OTHER_SHARE_SQL.format(schema=f'"{schema}"'))
            share = _other_share(cur.fetchall())
    con.close()
    return {"rows": rows, "other": share}


def format_stats(stats: dict[str, Any]) -> str:
    """Human-readable rows-per-mart table plus the ``other`` share by interaction type."""
    lines = ["rows per mart:"]
    lines += [f"  {mart:28s} {count:>12,d}" for mart, count in stats["rows"].items()]
    share = stats.get("other")
    if share:
        lines.append(f"interactions tagged 'other': {share['other']:,} of {share['interactions']:,} "
                     f"= {share['other_share']:.1%}")
        for itype, v in share["by_type"].items():
            lines.append(f"  {itype:16s} {v['other']:>9,d} of {v['interactions']:>9,d} = {v['other_share']:.1%}")
    return "\n".join(lines)
