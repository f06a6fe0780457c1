"""Any history builds, and unknown platform codes stay visible (issue 13, kind 7, dbt side).

Rows dated years before the configured dim_date range load into raw and the build passes:
dim_date grows to cover them (whole years, including the Monday of the first week). A
platform spelling outside var platform_aliases keeps its value in the marts, flagged
is_known_platform = false, and gets its own dim_platform row; nothing becomes 'unknown'.
The same on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.dbt.scratch_warehouse import build, load, query, write_partition

pytestmark = pytest.mark.slow

OLD_DAY = date(2015, 1, 1)      # a Thursday: its week starts on Monday 2014-12-29
RECENT_DAY = date(2026, 9, 7)
PHONE = "c" * 64


def _landing(landing) -> None:
    write_partition(landing, "products", OLD_DAY, [
        {"product_id": "p1", "product_name": "保温杯", "category": "home", "launched_on": "2014-06-01",
         "list_price": 89.0, "updated_at": "2015-01-01T08:00:00+08:00"}])
    write_partition(landing, "customer_accounts", OLD_DAY, [
        {"platform": "Douyin", "platform_user_id": "d1", "phone_hash": PHONE,
         "registered_at": "2014-12-30T09:00:00+08:00"},
        {"platform": "天猫", "platform_user_id": "t1", "phone_hash": PHONE,
         "registered_at": "2014-12-30T10:00:00+08:00"}])
    for day, platform, text in ((OLD_DAY, "Douyin", "物流太慢了"), (RECENT_DAY, " TMALL ", "质量差，要退款")):
        stamp = f"{day.isoformat()}T10:00:00+08:00"
        write_partition(landing, "orders", day, [
            {"order_id": f"o-{day.year}", "platform": platform, "platform_user_id": "d1", "product_id": "p1",
             "quantity": 1, "unit_price": 89.0, "amount": 89.0, "status": "paid", "created_at": stamp}])
        write_partition(landing, "reviews", day, [
            {"review_id": f"r-{day.year}", "platform": platform, "platform_user_id": "d1", "product_id": "p1",
             "stars": 2, "text": text, "created_at": stamp}])
        write_partition(landing, "social_mentions", day, [
            {"mention_id": f"sm-{day.year}", "site": "xiaohongshu", "author_handle": "@a", "text": text,
             "reach": 5, "mentioned_platform": "Kuaishou" if day == OLD_DAY else None, "posted_at": stamp}])


@pytest.fixture(scope="module")
def history_warehouse(tmp_path_factory):
    """The tiny landing loaded for the old and the recent day, built once on DuckDB."""
    root = tmp_path_factory.mktemp("history")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    _landing(landing)
    for day in (OLD_DAY, RECENT_DAY):
        load(landing, warehouse, day)
    build(warehouse)  # raises DbtError when a data test (e.g. a dim_date relationship) fails
    return warehouse


def test_dim_date_covers_history_years_before_the_configured_range(history_warehouse):
    first, last, days = query(history_warehouse, "select min(date_day), max(date_day), count(*) from marts.dim_date")[0]
    # the Monday of the oldest week (2014-12-29) decides the first year; the var keeps 2028
    assert (first, last) == (date(2014, 1, 1), date(2028, 12, 31))
    assert days == (last - first).days + 1  # no gaps
    assert query(history_warehouse, """select occurred_week from marts.fct_interactions
                                       where source_record_id = 'r-2015'""") == [(date(2014, 12, 29),)]
    assert query(history_warehouse, """select count(*) from marts.fct_interactions as f
                                       join marts.dim_date as d on d.date_day = f.occurred_week""") == [(4,)]
    assert query(history_warehouse, """select year_number, is_weekend from marts.dim_date
                                       where date_day = '2015-01-01'""") == [(2015, False)]


def test_unknown_platform_keeps_its_code_and_is_flagged(history_warehouse):
    facts = query(history_warehouse, """select source_record_id, platform, is_known_platform
                                        from marts.fct_interactions order by 1""")
    assert facts == [("r-2015", "douyin", False), ("r-2026", "tmall", True),
                     ("sm-2015", "kuaishou", False), ("sm-2026", None, None)]
    assert query(history_warehouse, "select order_id, platform, is_known_platform from marts.fct_orders "
                                    "order by 1") == [("o-2015", "douyin", False), ("o-2026", "tmall", True)]
    platforms = dict(query(history_warehouse, "select platform, is_known_platform from marts.dim_platform"))
    assert platforms == {"tmall": True, "taobao": True, "eleme": True, "hema": True, "app": True,
                         "douyin": False, "kuaishou": False}
    assert query(history_warehouse, "select platform_type from marts.dim_platform where platform = 'douyin'") \
        == [("unrecognised",)]
    # the Douyin and the Tmall account share a phone: one customer across both platforms
    assert query(history_warehouse, "select platforms, account_count from marts.dim_customer") == [("douyin,tmall", 2)]
    for table in ("fct_interactions", "fct_orders", "fct_payment_attempts", "fct_shipments",
                  "fct_service_sessions", "dim_platform"):
        assert query(history_warehouse, f"select count(*) from marts.{table} where platform = 'unknown'") == [(0,)]


@pytest.mark.postgres
def test_history_and_unknown_platforms_build_on_postgres(history_warehouse, pg_dsn):
    import os
    import uuid

    import psycopg2

    from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt
    from include.warehouse.pg_mirror import drop_schemas, mirror

    prefix = f"ee_hist_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        mirror(prefix, warehouse=history_warehouse, dsn=pg_dsn, progress=False)
        run_dbt(list(MAIN_BUILD_ARGS), target="postgres", pg_schema=prefix, pg_dsn=pg_dsn, echo=False)
        with psycopg2.connect(pg_dsn) as con, con.cursor() as cur:
            cur.execute(f"select min(date_day), max(date_day), count(*) from {prefix}_marts.dim_date")
            first, last, days = cur.fetchone()
            cur.execute(f"select platform, is_known_platform from {prefix}_marts.dim_platform")
            platforms = dict(cur.fetchall())
        con.close()
    finally:
        drop_schemas(prefix, dsn=pg_dsn)
    assert (first, last, days) == (date(2014, 1, 1), date(2028, 12, 31),
                                   (date(2028, 12, 31) - date(2014, 1, 1) + timedelta(days=1)).days)
    assert platforms["douyin"] is False and platforms["kuaishou"] is False and platforms["tmall"] is True
