"""A real `airflow dags test` run of ingest_landing on generated demo data (slow)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from tests.support import airflow_env_with, query_warehouse

pytestmark = pytest.mark.slow
START, END = "2026-09-21", "2026-10-05"


@pytest.fixture(scope="module")
def airflow_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("ingest_run")
    overrides = {"EE_DATA_DIR": str(root / "data"), "EE_LANDING_DIR": str(root / "data" / "landing"),
                 "EE_WAREHOUSE": str(root / "data" / "warehouse.duckdb"),
                 "AIRFLOW_HOME": str(root / "airflow")}
    env = airflow_env_with(overrides)
    subprocess.run([sys.executable, "-m", "include.cli", "demo", "generate", "--weeks", "2", "--scale", "0.05",
                    "--start", START, "--quiet", "--bad-row-rate", "0.002"], env=env, check=True)
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(["airflow", "pools", "set", "warehouse", "1", "test"], env=env, check=True, capture_output=True)

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(["airflow", "dags", "test", "ingest_landing", "2026-10-04", "-c",
                               json.dumps({"start": START, "end": END})],
                              env=env, capture_output=True, text=True)

    run.env = env
    return root / "data", run


def test_dag_loads_everything_and_quarantines_exactly_the_bad_rows(airflow_run):
    data, run = airflow_run
    proc = run()
    assert proc.returncode == 0, proc.stdout[-3000:]
    warehouse = data / "warehouse.duckdb"
    bad = json.loads((data / "landing" / "_ground_truth" / "bad_rows.json").read_text())
    quarantined = query_warehouse(warehouse, "select file, line from raw._quarantine order by 1, 2")
    assert sorted((b["file"], b["line"]) for b in bad) == quarantined
    [(read, loaded, quarantined_n)] = query_warehouse(
        warehouse, "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined) from raw._load_audit")
    assert read == loaded + quarantined_n and quarantined_n == len(bad)
    assert query_warehouse(warehouse, "select count(*) from raw.orders")[0][0] > 100

    counts_before = query_warehouse(warehouse, "select count(*), count(distinct order_id) from raw.orders")
    proc = run()  # the same interval again, through Airflow: replaced, not duplicated
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert query_warehouse(warehouse, "select count(*), count(distinct order_id) from raw.orders") == counts_before
    assert query_warehouse(warehouse, "select count(*) from raw._quarantine")[0][0] == len(bad)
    runs = query_warehouse(warehouse, "select run_id, sum(rows_loaded), string_agg(checksum, ',' order by file) "
                             "from raw._load_audit group by run_id")
    assert len(runs) == 2 and runs[0][1:] == runs[1][1:]


def test_a_late_file_in_an_old_partition_is_loaded_by_a_later_run(airflow_run):
    data, run = airflow_run
    late = data / "landing" / "orders" / f"dt={START}" / "late-resend.jsonl"
    late.write_text(json.dumps({"order_id": "LATE-1", "platform": "tmall", "platform_user_id": "tm_late",
                                "product_id": "P001", "quantity": 1, "unit_price": 9.9, "amount": 9.9,
                                "status": "created", "created_at": f"{START}T12:00:00+08:00"}) + "\n")
    warehouse = data / "warehouse.duckdb"
    proc = subprocess.run(["airflow", "dags", "test", "ingest_landing", "2026-10-06", "-c",
                           json.dumps({"start": END, "end": "2026-10-06", "late_lookback_days": 30})],
                          env=run.env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert query_warehouse(warehouse, "select _dt from raw.orders where order_id = 'LATE-1'") == [(date(2026, 9, 21),)]
