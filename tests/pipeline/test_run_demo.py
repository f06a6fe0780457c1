"""`make run` in miniature: every stage through its real DAG, on a small demo (slow)."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from tests.conftest import SMALL_RUN_ARGS

pytestmark = pytest.mark.slow


def test_run_demo_drives_every_dag_and_fills_every_layer(small_pipeline_run):
    tmp_path, env, proc = small_pipeline_run
    for dag_id in ("ingest_landing", "build_warehouse", "voc_topics", "insight_drivers", "risk_alerts",
                   "unpaid_orders", "publish_bi", "weekly_report"):
        assert f"{dag_id} succeeded" in proc.stdout
    assert "=== Outputs ===" in proc.stdout

    con = duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True)
    try:
        voice = con.execute("select count(*) from marts.fct_interactions").fetchone()[0]
        assigned = con.execute("select count(*), count(distinct interaction_id) from voc.doc_topics").fetchone()
        weekly = con.execute("select count(*) from marts.agg_topic_weekly").fetchone()[0]
        drivers = con.execute("select count(*), count(*) filter (where driver_kind = 'operational') "
                              "from marts.agg_nps_key_drivers").fetchone()
        findings = con.execute("select count(*) from marts.fct_product_findings").fetchone()[0]
        product_weeks = con.execute("select count(*) from marts.agg_product_topic_weekly").fetchone()[0]
        alerts = con.execute("select count(*) from marts.fct_risk_alerts").fetchone()[0]
        raw_alerts = con.execute("select count(*) from insight.risk_alerts").fetchone()[0]
        unpaid = con.execute("select count(*) from marts.fct_unpaid_orders").fetchone()[0]
        primaries = con.execute("select count(*) from marts.fct_unpaid_order_reasons where is_primary").fetchone()[0]
        listed = con.execute("select count(*) from marts.fct_unpaid_recovery_list").fetchone()[0]
    finally:
        con.close()
    assert voice > 500
    lines = proc.stdout.strip().splitlines()
    assert lines[-1].startswith("Weekly report: ") and lines[-1].endswith("index.html")  # make run ends with it
    assert (tmp_path / "data" / "reports").is_dir() and lines[-1].split(": ", 1)[1].startswith(str(tmp_path))
    scores = json.loads(lines[-2])  # then `xe eval demo`'s JSON line
    assert scores["n_in_warehouse"] == voice and scores["n_with_topic"] == voice
    assert 0 < scores["topic_nmi"] <= 1 and 0 < scores["sentiment_accuracy"] <= 1
    assert assigned == (voice, voice), "every interaction gets exactly one topic row"
    assert weekly > 0
    assert drivers[1] >= 5 and drivers[0] > drivers[1], "operational drivers and verbatim themes are published"
    assert product_weeks > 0 and findings > 0
    assert alerts == raw_alerts  # the alerts mart is built (it may be empty on 3 small weeks)
    assert unpaid > 0 and primaries == unpaid, "every unpaid order gets one primary reason"
    published = duckdb.connect(str(tmp_path / "data" / "published.duckdb"), read_only=True)
    try:  # every mart passed its checkpoint and was published for BI, row for row
        log = published.execute("select table_name, rows, result from bi.publication_log").fetchall()
        assert published.execute("select count(*) from bi.fct_interactions").fetchone()[0] == voice
    finally:
        published.close()
    assert {r for _, _, r in log} <= {"published", "passed"} and len(log) >= 25
    assert (tmp_path / "data" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()
    exported = tmp_path / "data" / "exports" / "unpaid_recovery_list.csv"
    assert exported.exists() and len(exported.read_text(encoding="utf-8-sig").splitlines()) == listed + 1
    assert any((tmp_path / "models").iterdir()), "a versioned topic model was saved"

    # A second run with the same arguments reuses the demo data and changes no counts.
    again = subprocess.run([sys.executable, "-m", "include.cli", "run", *SMALL_RUN_ARGS],
                           env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stdout[-4000:]
    assert "demo data: up to date" in again.stdout
    con = duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from marts.fct_interactions").fetchone()[0] == voice
        assert con.execute("select count(*) from voc.doc_topics").fetchone()[0] == voice
    finally:
        con.close()
