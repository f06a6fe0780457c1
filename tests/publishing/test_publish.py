"""The publish gate on a small warehouse: a clean run publishes, and each kind of broken table
(NPS 150, a duplicated key, a null key, an empty table) is stopped, with the previous version
still readable and unchanged and the failing expectation named."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import duckdb
import pytest

from include.publishing.publish import PublishBlocked, checksum, publish


def _warehouse(path):
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("""create table marts.agg_nps_weekly as select * from (values
        (date '2026-11-02', 'tmall', 'fresh', 120, 35.0::double, 20.0::double, 50.0::double),
        (date '2026-11-09', 'tmall', 'fresh', 110, 30.0, 14.0, 46.0),
        (date '2026-11-09', 'taobao', 'fresh', 80, -5.0, -25.0, 15.0))
        as t(submitted_week, platform, product_category, n_responses, nps, nps_ci_low, nps_ci_high)""")
    con.execute("""create table marts.fct_orders as select * from (values
        ('O1', timestamp '2026-11-14 10:00', timestamp '2026-11-14 18:00', 59.0),
        ('O2', timestamp '2026-11-15 09:00', timestamp '2026-11-15 17:00', 12.5))
        as t(order_id, created_at, created_at_local, amount)""")
    con.execute("""create table marts.audit_load_reconciliation as select * from (values
        ('orders', date '2026-11-14', 1, 10, 9, 1, true), ('orders', date '2026-11-15', 1, 5, 5, 0, true))
        as t(source, partition_date, files, rows_landed, rows_loaded, rows_quarantined, is_balanced)""")
    con.close()
    return path


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    return warehouse, tmp_path / "published.duckdb"


def _tables(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: checksum(con, f"bi.{t}") for t in ("agg_nps_weekly", "fct_orders")}, con.execute(
            "select run_id, table_name, result from bi.publication_log order by published_at, table_name").fetchall()
    finally:
        con.close()


def test_a_clean_run_publishes_every_table_with_its_checksum(env):
    warehouse, published = env
    summary = publish(warehouse, published, run_id="r1", interval_start=date(2026, 11, 2),
                      interval_end=datetime(2026, 11, 16), docs=True)
    assert summary["published"] and summary["tables"] == 3
    checksums, log = _tables(published)
    source = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert checksums == {t: checksum(source, f"marts.{t}") for t in checksums}
    finally:
        source.close()
    assert {(t, r) for _, t, r in log} >= {("agg_nps_weekly", "published"), ("fct_orders", "published")}
    assert summary["data_docs"] and open(summary["data_docs"], encoding="utf-8").read().count("<html") >= 1


@pytest.mark.parametrize("breakage,expectation", [
    ("update marts.agg_nps_weekly set nps = 150 where platform = 'taobao'", "expect_column_values_to_be_between"),
    ("insert into marts.fct_orders select * from marts.fct_orders where order_id = 'O1'",
     "expect_column_values_to_be_unique"),
    ("update marts.agg_nps_weekly set submitted_week = null where platform = 'taobao'",
     "expect_column_values_to_not_be_null"),
    ("delete from marts.fct_orders", "expect_table_row_count_to_be_between"),
    ("update marts.audit_load_reconciliation set rows_loaded = 8, is_balanced = false where rows_landed = 10",
     "expect_column_values_to_be_in_set"),
])
def test_a_broken_table_is_not_published_and_the_previous_version_stays(env, breakage, expectation):
    warehouse, published = env
    publish(warehouse, published, run_id="good", docs=False)
    before, _ = _tables(published)
    con = duckdb.connect(str(warehouse))
    con.execute(breakage)
    con.close()
    with pytest.raises(PublishBlocked) as caught:
        publish(warehouse, published, run_id="bad", docs=False)
    assert expectation in str(caught.value)
    after, log = _tables(published)
    assert after == before, "the previous tables stay, row for row"
    bad = {(t, r) for run, t, r in log if run == "bad"}
    assert any(r == "failed" for _, r in bad) and {r for _, r in bad} <= {"failed", "blocked"}


def test_nps_150_names_the_table_column_and_value(env):
    warehouse, published = env
    con = duckdb.connect(str(warehouse))
    con.execute("update marts.agg_nps_weekly set nps = 150 where platform = 'taobao'")
    con.close()
    with pytest.raises(PublishBlocked) as caught:
        publish(warehouse, published, run_id="bad", docs=False)
    message = str(caught.value)
    assert "agg_nps_weekly" in message and "(nps)" in message and "150" in message
    assert published.exists(), "the log of a blocked run is kept"


def test_stale_data_fails_the_freshness_check(env):
    warehouse, published = env
    with pytest.raises(PublishBlocked, match="expect_column_max_to_be_between"):
        publish(warehouse, published, run_id="late", interval_end=datetime(2026, 12, 1), docs=False)


def test_a_bi_reader_holding_the_published_file_does_not_block_the_next_run(env, tmp_path):
    warehouse, published = env
    publish(warehouse, published, run_id="r1", docs=False)
    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
         "print(c.execute('select count(*) from bi.fct_orders').fetchall()[0][0], flush=True); time.sleep(60)",
         str(published)], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "2"  # the reader has the file open now
        con = duckdb.connect(str(warehouse))
        con.execute("insert into marts.fct_orders values ('O3', timestamp '2026-11-15 11:00', "
                    "timestamp '2026-11-15 19:00', 8.0)")
        con.close()
        summary = publish(warehouse, published, run_id="r2", docs=False)
        assert summary["published"]
        fresh = duckdb.connect(str(published), read_only=True)
        try:
            assert fresh.execute("select count(*) from bi.fct_orders").fetchall()[0][0] == 3
        finally:
            fresh.close()
    finally:
        reader.kill()
        reader.wait()
