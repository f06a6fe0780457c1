"""The risk-alert notifier posts active alerts to a webhook (a local HTTP server here)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import duckdb
import pytest

from include.insight.notify import RiskAlertNotifier, active_alerts, post_webhook
from include.insight.risk import TABLE_TYPES


@pytest.fixture()
def warehouse(tmp_path):
    path = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema insight")
    con.execute(f"create table insight.risk_alerts ({', '.join(f'{c} {t}' for c, t in TABLE_TYPES)})")
    rows = [("ALR-1", "new", "critical", "product:SKU1", "2026-11-10", "2026-11-10"),
            ("ALR-2", "ongoing", "medium", "carrier_region:SF | 上海", "2026-11-08", "2026-11-10"),
            ("ALR-3", "resolved", "high", "product:SKU2", "2026-10-01", "2026-10-03"),
            ("ALR-4", "new", "low", "topic:7 x", "2026-11-10", "2026-11-10")]
    for alert_id, status, severity, entity, first, last in rows:
        con.execute("insert into insight.risk_alerts (alert_id, status, severity, entity, first_seen, last_seen, "
                    "series_keys, observed, expected, sample_text_1) values (?, ?, ?, ?, ?, ?, ?, 40, 4.0, '坏了')",
                    [alert_id, status, severity, entity, first, last, entity])
    con.close()
    return path


@pytest.fixture()
def webhook():
    received: list[dict] = []
    statuses = [500]  # the first call fails: the notifier must retry

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server API)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = statuses.pop(0) if statuses else 200
            if status == 200:
                received.append(json.loads(body))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def test_active_alerts_are_new_or_ongoing_at_or_above_the_severity(warehouse):
    assert [a["alert_id"] for a in active_alerts(warehouse, "medium")] == ["ALR-1", "ALR-2"]
    assert [a["alert_id"] for a in active_alerts(warehouse, "low")] == ["ALR-1", "ALR-2", "ALR-4"]
    with pytest.raises(ValueError, match="min_severity"):
        active_alerts(warehouse, "urgent")


def test_notifier_posts_to_the_webhook_after_a_server_error(warehouse, webhook, caplog):
    url, received = webhook
    notifier = RiskAlertNotifier(webhook_url=url, email_to="", min_severity="medium", warehouse=str(warehouse))
    with caplog.at_level("WARNING"):
        notifier.notify({})
    assert len(received) == 1 and received[0]["source"] == "experience-engine"
    assert [a["alert_id"] for a in received[0]["alerts"]] == ["ALR-1", "ALR-2"]
    assert received[0]["alerts"][0]["sample_text_1"] == "坏了"
    assert sum("RISK ALERT" in r.message for r in caplog.records) == 2  # the log line is always written


def test_a_webhook_that_refuses_is_an_error_not_silence(webhook):
    import urllib.error

    with pytest.raises(urllib.error.URLError):
        post_webhook("http://127.0.0.1:9/nowhere", [{"alert_id": "x"}], attempts=2)
