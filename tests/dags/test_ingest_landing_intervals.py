"""Real Airflow runs of ingest_landing: which business days each way of starting a run loads (slow).

Case 01 (issue 13): under Airflow 3's default timetable the run at 2026-11-16 00:00 +08:00
got a zero-length data interval and loaded the empty day that had just begun. Here the
landing zone holds the day that ended (2026-11-15) and a few rows of the day that just
began (2026-11-16); the run must load exactly the former. A run for a day before the
DAG's old start_date (2026-09-01) used to finish green with no task; it must load it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from include.config import PROJECT_ROOT
from tests.support import airflow_env_with, query_warehouse

pytestmark = pytest.mark.slow


def _order(order_id: str, created_at: str) -> dict:
    return {"order_id": order_id, "platform": "tmall", "platform_user_id": "u1", "product_id": "p1", "quantity": 1,
            "unit_price": 10, "amount": 10, "status": "paid", "created_at": created_at}


LANDING = {
    "2026-11-15": [_order("D1", "2026-11-15T21:00:00+08:00"), _order("D2", "2026-11-15T23:59:00+08:00")],
    "2026-11-16": [_order("TODAY1", "2026-11-16T00:05:00+08:00")],  # the day that has only just begun (not loaded)
    "2025-03-01": [_order("OLD1", "2025-03-01T12:00:00+08:00")],  # long before the old start_date
}


@pytest.fixture(scope="module")
def airflow(tmp_path_factory):
    root = tmp_path_factory.mktemp("ingest_intervals")
    overrides = {"EE_DATA_DIR": str(root / "data"), "EE_LANDING_DIR": str(root / "data" / "landing"),
                 "EE_WAREHOUSE": str(root / "data" / "warehouse.duckdb"), "EE_TIMEZONE": "Asia/Shanghai",
                 "AIRFLOW_HOME": str(root / "airflow"), "AIRFLOW__CORE__DAGS_FOLDER": str(root / "dags")}
    env = airflow_env_with(overrides)
    for day, rows in LANDING.items():
        folder = root / "data" / "landing" / "orders" / f"dt={day}"
        folder.mkdir(parents=True)
        (folder / "orders.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    # only this DAG in the DAGs folder (a link to the real file): parsing the dbt DAG would add ~10 s a run
    (root / "dags").mkdir()
    (root / "dags" / "ingest_landing.py").symlink_to(PROJECT_ROOT / "dags" / "ingest_landing.py")
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(["airflow", "pools", "set", "warehouse", "1", "test"], env=env, check=True, capture_output=True)

    def airflow_cli(*args: str) -> subprocess.CompletedProcess:
        if args[0] == "python":
            return subprocess.run([sys.executable, "-c", args[1]], env=env, capture_output=True, text=True)
        return subprocess.run(["airflow", *args], env=env, capture_output=True, text=True)

    return root / "data" / "warehouse.duckdb", airflow_cli


def test_dags_test_at_midnight_loads_the_business_day_that_ended(airflow):
    warehouse, airflow_cli = airflow
    proc = airflow_cli("dags", "test", "ingest_landing", "2026-11-16T00:00:00+08:00")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "loading partitions 2026-11-15 .. 2026-11-16" in proc.stdout
    assert query_warehouse(warehouse, "select order_id, _dt from raw.orders order by 1") == [
        ("D1", date(2026, 11, 15)), ("D2", date(2026, 11, 15))]
    assert query_warehouse(warehouse, "select distinct dt from raw._load_audit where source = 'orders'") == [
        (date(2026, 11, 15),)]


def test_a_run_long_before_the_old_start_date_loads_its_day(airflow):
    warehouse, airflow_cli = airflow
    proc = airflow_cli("dags", "test", "ingest_landing", "2025-03-02T00:00:00+08:00")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "[DAG TEST] end task" in proc.stdout  # tasks ran: not a green run with no task
    assert query_warehouse(warehouse, "select order_id from raw.orders where _dt = '2025-03-01'") == [("OLD1",)]


def test_backfill_of_a_range_before_the_old_start_date_creates_one_run_per_day(airflow):
    """`airflow backfill create` (dry run: executing runs needs a scheduler) for three days around 2025-01-01."""
    _, airflow_cli = airflow
    assert airflow_cli("dags", "reserialize").returncode == 0
    proc = airflow_cli("backfill", "create", "--dag-id", "ingest_landing", "--dry-run",
                       "--from-date", "2024-12-31T00:00:00+08:00", "--to-date", "2025-01-02T00:00:00+08:00")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    stamps = re.findall(r"\|\s*(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\+|-)\d\d:\d\d)\s*\|", proc.stdout)
    logical = sorted({datetime.fromisoformat(s).astimezone(ZoneInfo("Asia/Shanghai")) for s in stamps})
    # each backfill run's data interval starts at its logical date (local midnight) and covers that day
    assert [d.date() for d in logical] == [date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 2)]
    assert all((d.hour, d.minute) == (0, 0) for d in logical)


def test_manual_run_without_logical_date_loads_the_last_day_ended_before_it_was_triggered(airflow):
    """Airflow 3 allows a manual run with no logical date and no data interval (run_after only)."""
    _, airflow_cli = airflow
    zone = ZoneInfo("Asia/Shanghai")
    before = datetime.now(zone).date() - timedelta(days=1)
    proc = airflow_cli("python", (
        "import os\n"
        "from airflow.dag_processing.dagbag import DagBag\n"
        "dag = DagBag(dag_folder=os.environ['AIRFLOW__CORE__DAGS_FOLDER']).dags['ingest_landing']\n"
        "run = dag.test(logical_date=None)\n"
        "print('RUN', run.state, run.logical_date, run.data_interval_start)\n"))
    after = datetime.now(zone).date() - timedelta(days=1)
    assert proc.returncode == 0 and "RUN success None None" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-2000:]
    [line] = [x for x in proc.stdout.splitlines() if "loading partitions" in x]
    assert "run_after (no logical date, no data interval)" in line
    assert any(f"loading partitions {d} .. {d + timedelta(days=1)}" in line for d in {before, after}), line
