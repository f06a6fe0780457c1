"""Risk-detector benchmark (``xe bench alerts``): wall time and peak memory of
``detect_risks`` on an existing warehouse, or on a synthetic warehouse of N interactions.

The synthetic warehouse has exactly the tables the detector reads (``marts.fct_interactions``,
``marts.fct_interaction_topics``, ``marts.fct_orders``, ``marts.fct_shipments``,
``marts.fct_payment_attempts``, ``staging.stg_social__mentions``, ``voc.topics``) filled with
random rows shaped like the demo's (200 topics, 60 products, 5 platforms, 140 carrier x
region pairs, 56 days); no topic model is fitted, so it times the detector, not the topic
engine.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path


def synthetic_warehouse(path: Path, interactions: int, days: int = 56, seed: int = 7) -> None:
    """Write a DuckDB file with the detector's input tables (see the module doc)."""
    import duckdb

    con = duckdb.connect(str(path))
    con.execute(f"select setseed({(seed % 100) / 100})")
    for schema in ("marts", "staging", "voc"):
        con.execute(f"create schema if not exists {schema}")
    n, orders = interactions, max(1000, interactions // 4)
    con.execute(f"""
        create or replace table marts.fct_interactions as
        select 'i' || r as interaction_id,
               case when r % 10 < 7 then 'chat_message' when r % 10 < 8 then 'review'
                    when r % 10 < 9 then 'nps_verbatim' else 'social_mention' end as interaction_type,
               (['tmall', 'taobao', 'eleme', 'hema', 'app'])[1 + r % 5] as platform,
               case when r % 10 = 9 then (['weibo', 'douyin', 'xiaohongshu', 'zhihu'])[1 + r % 4] end as source_detail,
               case when r % 10 >= 7 then 'SKU' || (10000 + r % 60) end as product_id,
               case when r % 10 < 7 then 'O' || (r % {orders}) end as order_id,
               case when r % 10 < 7 then 'S' || (r // 3) end as session_id,
               timestamp '2026-09-21' + to_seconds(cast(random() * {days} * 86400 as bigint)) as occurred_at_local,
               timestamp '2026-09-21' + to_seconds(cast(random() * {days} * 86400 as bigint)) as occurred_at,
               'text ' || r as text_redacted
        from range({n}) as t(r)""")
    con.execute("""
        create or replace table marts.fct_interaction_topics as
        select interaction_id, cast(floor(random() * 200) as integer) as topic_id, 'topic' as topic_label,
               'substantive' as voice_class,
               (['logistics', 'payment', 'product_quality', 'after_sales', 'promotion'])[1 + cast(floor(random() * 5) as integer)]
                   as service_element,
               case when random() < 0.3 then 'negative' when random() < 0.5 then 'neutral' else 'positive' end
                   as sentiment_label,
               'v1' as model_version
        from marts.fct_interactions""")
    con.execute(f"""
        create or replace table marts.fct_orders as
        select 'O' || r as order_id, 'SKU' || (10000 + r % 60) as product_id from range({orders}) as t(r)""")
    con.execute(f"""
        create or replace table marts.fct_shipments as
        select 'O' || r as order_id, (['SF', 'ZTO', 'YTO', 'JD', 'CAINIAO'])[1 + r % 5] as carrier,
               'R' || (r % 28) as region, true as is_delivered, random() < 0.05 as is_late,
               timestamp '2026-09-21' + to_seconds(cast(random() * {days} * 86400 as bigint)) as promised_at_local
        from range({orders}) as t(r)""")
    con.execute(f"""
        create or replace table marts.fct_payment_attempts as
        select 'A' || r as attempt_id, 'O' || (r % {orders}) as order_id, random() > 0.07 as is_success,
               (['TIMEOUT', 'BANK_DECLINED', 'INSUFFICIENT_FUNDS', 'RISK_CONTROL'])[1 + r % 4] as failure_code,
               cast(date '2026-09-21' + cast(floor(random() * {days}) as integer) as date) as attempted_date
        from range({int(orders * 1.1)}) as t(r)""")
    con.execute("create or replace table staging.stg_social__mentions as "
                "select substr(interaction_id, 1) as mention_id, 100 as reach from marts.fct_interactions limit 0")
    con.execute("create or replace table voc.topics as select range as topic_id, 'v1' as model_version, "
                "'a, b, c' as keywords from range(200)")
    con.close()


def run_bench(warehouse: Path | None = None, interactions: int = 1_000_000, workdir: Path | None = None) -> dict:
    """Time ``detect_risks``; returns ``{"warehouse", "interactions", "series", "alerts", "seconds",
    "peak_rss_mb"}``."""
    import tempfile

    import duckdb

    from include.insight.risk import detect_risks

    scratch = None
    if warehouse is None:
        scratch = Path(workdir or tempfile.mkdtemp(prefix="ee-bench-alerts-"))
        warehouse = scratch / "synthetic.duckdb"
        began = time.perf_counter()
        synthetic_warehouse(warehouse, interactions)
        build = time.perf_counter() - began
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        count = con.execute("select count(*) from marts.fct_interactions").fetchone()[0]
        began = time.perf_counter()
        alerts, scored = detect_risks(con)
        seconds = time.perf_counter() - began
    finally:
        con.close()
    result = {"warehouse": str(warehouse), "interactions": int(count),
              "series": int(scored[["series_type", "series_key"]].drop_duplicates().shape[0]),
              "series_days": len(scored), "alerts": len(alerts), "seconds": round(seconds, 2),
              "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if scratch is not None:
        result["synthetic_build_seconds"] = round(build, 2)
    return result
