"""The HTTP pull connector against a real local HTTP server the test starts.

The fake API filters and orders by each record's ``updated_at`` (its update time), as real
platform APIs do for ``updated_since``; records also carry the contract's ``created_at``.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import duckdb
import pytest

from include.ingestion.connectors.http_api import ConnectorError, HttpApiConnector, from_connection
from include.ingestion.connectors.landing_writer import write_partitions
from include.ingestion.loader import load_source
from tests.ingestion.conftest import order


def _at(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):  # a broken record: served last, never filtered out
        return datetime.max.replace(tzinfo=UTC)


class FakePlatformApi:
    """A paginated orders API with an `updated_since` cursor, served on 127.0.0.1."""

    def __init__(self, records: list[dict], page_size_cap: int = 2, fail_first: int = 0, token: str = "s3cret"):
        self.records = records
        self.page_size_cap = page_size_cap
        self.fail_first = fail_first
        self.token = token
        self.requests: list[str] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                api.requests.append(self.path)
                if self.headers.get("Authorization") != f"Bearer {api.token}":
                    self.send_response(401)
                    self.end_headers()
                    return
                if api.fail_first > 0:
                    api.fail_first -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                url = urllib.parse.urlparse(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                since = query.get("updated_since")
                rows = sorted((r for r in api.records if not since or _at(r.get("updated_at")) > _at(since)),
                              key=lambda r: _at(r.get("updated_at")))
                offset = int(query.get("page_token", 0))
                limit = min(int(query.get("limit", 100)), api.page_size_cap)
                page = rows[offset: offset + limit]
                nxt = str(offset + limit) if offset + limit < len(rows) else None
                body = json.dumps({"data": page, "next_page_token": nxt}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _orders(n: int, day: str = "2026-09-21") -> list[dict]:
    stamps = [f"{day}T{10 + i // 60:02d}:{i % 60:02d}:00+08:00" for i in range(n)]
    return [order(f"API{i:03d}", created_at=stamp, updated_at=stamp) for i, stamp in enumerate(stamps)]


def _raw(ee_env, sql: str):
    con = duckdb.connect(str(ee_env / "data" / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_pull_pages_lands_files_and_loads_through_the_same_contract(ee_env):
    with FakePlatformApi(_orders(5)) as api:
        connector = HttpApiConnector(api.url, token="s3cret", backoff_seconds=0.01)
        result = connector.pull("orders")
    assert (result.records, result.pages) == (5, 3)  # page size capped at 2 by the server
    assert result.cursor_after == "2026-09-21T10:04:00+08:00"
    loaded = load_source("orders", date(2026, 9, 21), date(2026, 9, 22))
    assert (loaded.rows_loaded, loaded.rows_quarantined) == (5, 0)


def test_incremental_cursor_fetches_only_new_records_and_never_duplicates(ee_env):
    records = _orders(3)
    with FakePlatformApi(records) as api:
        connector = HttpApiConnector(api.url, token="s3cret", backoff_seconds=0.01)
        connector.pull("orders")
        records.append(order("API_NEW", created_at="2026-09-21T18:00:00+08:00", updated_at="2026-09-21T18:00:00+08:00"))
        second = connector.pull("orders")
        third = connector.pull("orders")
    assert second.records == 1 and third.records == 0
    assert "updated_since=2026-09-21T10%3A02%3A00%2B08%3A00" in api.requests[-2]
    loaded = load_source("orders", date(2026, 9, 21), date(2026, 9, 22))
    assert (loaded.rows_loaded, loaded.rows_quarantined) == (4, 0)


def test_repeated_pull_without_state_rewrites_same_file(ee_env, tmp_path):
    with FakePlatformApi(_orders(3)) as api:
        for state in ("s1", "s2"):  # two independent cursors -> the same records twice
            HttpApiConnector(api.url, token="s3cret", state_dir=tmp_path / state).pull("orders")
    files = list((ee_env / "data" / "landing" / "orders").rglob("*.jsonl"))
    assert len(files) == 1  # one file per connector and day, one version per key: nothing doubles
    assert len(files[0].read_text().splitlines()) == 3
    assert not (ee_env / "data" / "landing" / "_superseded").exists()  # unchanged content is not rewritten


def test_transient_errors_are_retried_then_succeed(ee_env):
    with FakePlatformApi(_orders(1), fail_first=2) as api:
        result = HttpApiConnector(api.url, token="s3cret", backoff_seconds=0.01).pull("orders")
    assert result.records == 1 and len(api.requests) == 3


def test_auth_failure_is_a_clear_error_and_cursor_does_not_move(ee_env):
    with FakePlatformApi(_orders(1)) as api:
        connector = HttpApiConnector(api.url, token="wrong", backoff_seconds=0.01)
        with pytest.raises(ConnectorError, match="HTTP 401"):
            connector.pull("orders")
        assert connector.cursor("orders") is None


def test_cursor_is_the_update_time_and_an_edit_replaces_the_old_version(ee_env):
    """An order created on 09-20 and cancelled on 09-21: fetched once more, landed in its own day, loaded."""
    records = [order("O1", created_at="2026-09-20T10:00:00+08:00", updated_at="2026-09-20T10:00:00+08:00"),
               order("O2", created_at="2026-09-20T11:00:00+08:00", updated_at="2026-09-20T11:00:00+08:00")]
    with FakePlatformApi(records) as api:
        connector = HttpApiConnector(api.url, token="s3cret", backoff_seconds=0.01)
        first = connector.pull("orders")
        records[0] = dict(records[0], status="cancelled", updated_at="2026-09-21T09:30:00+08:00")
        second = connector.pull("orders")
        third = connector.pull("orders")
    assert first.cursor_after == "2026-09-20T11:00:00+08:00"
    # the cursor follows updated_at (09-21 09:30), not created_at (09-20 10:00): the edit is fetched once
    assert (second.records, second.cursor_after, second.days) == (1, "2026-09-21T09:30:00+08:00", ["2026-09-20"])
    assert third.records == 0
    assert "updated_since=2026-09-21T09%3A30%3A00%2B08%3A00" in api.requests[-1]
    landing = ee_env / "data" / "landing"
    [current] = (landing / "orders" / "dt=2026-09-20").glob("*.jsonl")
    assert [json.loads(line)["status"] for line in current.read_text().splitlines()] == ["cancelled", "paid"]
    [kept] = (landing / "_superseded" / "orders" / "dt=2026-09-20").glob("*.jsonl")  # nothing is lost
    assert [json.loads(line)["status"] for line in kept.read_text().splitlines()] == ["paid", "paid"]
    loaded = load_source("orders", date(2026, 9, 20), date(2026, 9, 21))
    assert (loaded.rows_loaded, loaded.rows_quarantined) == (2, 0)
    assert _raw(ee_env, "select order_id, status from raw.orders order by 1") == [("O1", "cancelled"), ("O2", "paid")]


def test_an_older_version_arriving_late_never_overwrites_a_newer_one(tmp_path):
    new = order("O1", status="cancelled", updated_at="2026-09-21T04:00:00Z")  # = 12:00 +08:00
    old = order("O1", status="paid", updated_at="2026-09-21T10:00:00+08:00")
    other = order("O2", updated_at="2026-09-21T10:00:00+08:00")
    kwargs = {"source": "orders", "event_time": "created_at", "landing_dir": tmp_path, "timezone": "Asia/Shanghai",
              "prefix": "api-x", "primary_key": ("order_id",), "version_field": "updated_at"}
    [path] = write_partitions([new], **kwargs)
    write_partitions([old, other], **kwargs)  # e.g. a lagging replica answering a reset cursor
    assert [(r["order_id"], r["status"]) for r in map(json.loads, path.read_text().splitlines())] == [
        ("O1", "cancelled"), ("O2", "paid")]
    # within one pull the latest version of a key wins too, whatever the page order
    [path] = write_partitions([new, old], **{**kwargs, "prefix": "api-y"})
    assert [json.loads(line)["status"] for line in path.read_text().splitlines()] == ["cancelled"]


def test_record_without_update_time_stops_the_pull_before_landing(ee_env):
    with FakePlatformApi([*_orders(2), order("NOUPD", updated_at="yesterday")]) as api:
        connector = HttpApiConnector(api.url, token="s3cret", backoff_seconds=0.01)
        with pytest.raises(ConnectorError, match=r"'NOUPD'.*no readable update time in 'updated_at'"):
            connector.pull("orders")
        api.records[-1].pop("updated_at")  # missing altogether: the same clear error
        with pytest.raises(ConnectorError, match=r"'NOUPD'.*got None"):
            connector.pull("orders")
    assert connector.cursor("orders") is None
    assert not (ee_env / "data" / "landing" / "orders").exists()


def test_cursor_waits_for_commit_and_never_moves_back(ee_env):
    with FakePlatformApi(_orders(2)) as api:
        connector = HttpApiConnector(api.url, token="s3cret")
        pending = connector.pull("orders", commit=False)
        assert connector.cursor("orders") is None and pending.days == ["2026-09-21"]
        again = connector.pull("orders", commit=False)  # e.g. the load failed: the same records come back
        assert again.records == 2
        connector.commit_cursor(again)
        assert connector.cursor("orders") == "2026-09-21T10:01:00+08:00"
        connector.commit_cursor(pending.__class__("orders", None, "2026-09-21T09:00:00+08:00"))
        assert connector.cursor("orders") == "2026-09-21T10:01:00+08:00"


def test_connector_from_an_airflow_style_connection():
    conn = SimpleNamespace(conn_id="ee_http_api", host="127.0.0.1", port=8123, schema="http", password="tok",
                           extra=json.dumps({"sources": ["orders", "reviews"], "path": "/v1", "page_size": 50}))
    connector, sources = from_connection(conn)
    assert (connector.base_url, connector.token, connector.page_size, sources) == (
        "http://127.0.0.1:8123/v1", "tok", 50, ["orders", "reviews"])
    url_host = SimpleNamespace(host="https://api.example.com/v2/", port=None, schema=None, password=None,
                               extra_dejson={"sources": "orders", "cursor_field": "modified_at"})
    connector, sources = from_connection(url_host)
    assert (connector.base_url, connector.token, connector.cursor_field, sources) == (
        "https://api.example.com/v2", None, "modified_at", ["orders"])
    with pytest.raises(ValueError, match="extra 'sources'"):
        from_connection(SimpleNamespace(host="api.example.com", extra="{}"))
    with pytest.raises(ValueError, match="unknown source"):
        from_connection(SimpleNamespace(host="api.example.com", extra='{"sources": ["ordres"]}'))
    with pytest.raises(ValueError, match="set host"):
        from_connection(SimpleNamespace(host="", extra='{"sources": ["orders"]}'))
