"""The HTTP pull connector against a real local HTTP server the test starts."""

from __future__ import annotations

import json
import threading
import urllib.parse
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from include.ingestion.connectors.http_api import ConnectorError, HttpApiConnector
from include.ingestion.loader import load_source
from tests.ingestion.conftest import order


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
                rows = sorted((r for r in api.records if not since or r["created_at"] > since),
                              key=lambda r: r["created_at"])
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
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _orders(n: int, day: str = "2026-09-21") -> list[dict]:
    return [order(f"API{i:03d}", created_at=f"{day}T{10 + i // 60:02d}:{i % 60:02d}:00+08:00") for i in range(n)]


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
        records.append(order("API_NEW", created_at="2026-09-21T18:00:00+08:00"))
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
    assert len(files) == 1  # content-named: the same pull lands the same file


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
