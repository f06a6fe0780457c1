"""A real `airflow dags test` of pull_http_api against a local HTTP API the test serves (slow).

Two daily runs: the first pulls everything and loads the day that ended plus the older day
the records touched; between runs an old order is edited (cancelled) and a new one is
placed; the second run asks only for records updated after the first run's cursor (the
latest update time), reloads the old order's day with the new version, and loads the new day.
"""

from __future__ import annotations

import json
import subprocess
import urllib.parse
from datetime import date

import pytest

from include.config import PROJECT_ROOT
from tests.ingestion.conftest import order
from tests.ingestion.test_http_connector import FakePlatformApi
from tests.support import airflow_env_with, query_warehouse

pytestmark = pytest.mark.slow
TOKEN = "s3cret"


def _o(order_id: str, created: str, updated: str | None = None, **fields) -> dict:
    return order(order_id, created_at=created, updated_at=updated or created, **fields)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("pull_http_api")
    records = [_o("O1", "2026-11-14T10:00:00+08:00"), _o("O2", "2026-11-15T09:00:00+08:00"),
               _o("O3", "2026-11-15T20:00:00+08:00")]
    with FakePlatformApi(records, page_size_cap=2, token=TOKEN) as api:
        connection = {"conn_type": "http", "host": api.url, "password": TOKEN, "extra": {"sources": ["orders"]}}
        overrides = {"EE_DATA_DIR": str(root / "data"), "EE_LANDING_DIR": str(root / "data" / "landing"),
                     "EE_WAREHOUSE": str(root / "data" / "warehouse.duckdb"), "EE_TIMEZONE": "Asia/Shanghai",
                     "AIRFLOW_HOME": str(root / "airflow"), "AIRFLOW__CORE__DAGS_FOLDER": str(root / "dags"),
                     "AIRFLOW_CONN_EE_HTTP_API": json.dumps(connection)}
        env = airflow_env_with(overrides)
        (root / "data" / "landing").mkdir(parents=True)
        # only this DAG in the DAGs folder (a link to the real file): parsing the dbt DAG would add ~10 s a run
        (root / "dags").mkdir()
        (root / "dags" / "pull_http_api.py").symlink_to(PROJECT_ROOT / "dags" / "pull_http_api.py")
        subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
        subprocess.run(["airflow", "pools", "set", "warehouse", "1", "test"], env=env, check=True,
                       capture_output=True)

        def run(logical_date: str) -> subprocess.CompletedProcess:
            return subprocess.run(["airflow", "dags", "test", "pull_http_api", logical_date],
                                  env=env, capture_output=True, text=True)

        yield api, run, root / "data"


def test_two_daily_runs_pull_incrementally_by_update_time_and_load_every_touched_day(setup):
    api, run, data = setup
    warehouse = data / "warehouse.duckdb"

    first = run("2026-11-16T00:00:00+08:00")  # the run after business day 2026-11-15
    assert first.returncode == 0, first.stdout[-4000:]
    assert query_warehouse(warehouse, "select order_id, status, _dt from raw.orders order by 1") == [
        ("O1", "paid", date(2026, 11, 14)), ("O2", "paid", date(2026, 11, 15)), ("O3", "paid", date(2026, 11, 15))]
    assert len(api.requests) == 2  # two pages of at most 2 records, no cursor yet
    assert all("updated_since" not in r for r in api.requests)

    # on 11-16: O4 is placed, then O1 (an order of 11-14) is cancelled -- the latest change of the day
    api.records[0] = _o("O1", "2026-11-14T10:00:00+08:00", "2026-11-16T13:00:00+08:00", status="cancelled")
    api.records.append(_o("O4", "2026-11-16T12:00:00+08:00"))
    second = run("2026-11-17T00:00:00+08:00")
    assert second.returncode == 0, second.stdout[-4000:]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(api.requests[2]).query))
    assert query["updated_since"] == "2026-11-15T20:00:00+08:00"  # the latest *update* time of run 1
    assert query_warehouse(warehouse, "select order_id, status, _dt from raw.orders order by 1") == [
        ("O1", "cancelled", date(2026, 11, 14)), ("O2", "paid", date(2026, 11, 15)),
        ("O3", "paid", date(2026, 11, 15)), ("O4", "paid", date(2026, 11, 16))]
    # the second run loaded its own day and the older day the edit touched, nothing else
    runs = query_warehouse(warehouse, "select run_id, string_agg(distinct cast(dt as varchar), ',' order by cast(dt as varchar)) "
                             "from raw._load_audit group by run_id order by min(started_at)")
    assert [days for _, days in runs] == ["2026-11-14,2026-11-15", "2026-11-14,2026-11-16"]
    state = json.loads(next((data / "connector_state").glob("*__orders.json")).read_text())
    assert state == {"cursor": "2026-11-16T13:00:00+08:00"}  # O1's update time, not O4's creation time
    landed = sorted(p.relative_to(data / "landing").as_posix() for p in (data / "landing" / "orders").rglob("*.jsonl"))
    assert len(landed) == 3  # one file per day touched: 11-14 (O1 replaced in place), 11-15, 11-16
