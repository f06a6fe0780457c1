"""Tell people about risk alerts: an Airflow notifier (``RiskAlertNotifier``) for the
``risk_alerts`` DAG's ``on_success_callback``.

What is sent: the alerts of ``insight.risk_alerts`` that are ``new`` or ``ongoing`` with a
severity at or above ``min_severity`` (default ``medium``). Where to (``include/config.py``):

* always: one log line per alert in the task log (the table is the record);
* ``EE_ALERT_WEBHOOK_URL``: a JSON POST ``{"source": "experience-engine", "alerts": [...]}``
  (Slack/DingTalk/Feishu bridges, any HTTP endpoint), retried with backoff (tenacity);
* ``EE_ALERT_EMAIL_TO``: an e-mail through Airflow's SMTP provider
  (``SmtpNotifier``, connection ``smtp_default``).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from pathlib import Path

from airflow.sdk.bases.notifier import BaseNotifier

from include.insight.alerts import SEVERITIES

log = logging.getLogger(__name__)


def active_alerts(warehouse: Path | str | None = None, min_severity: str = "medium") -> list[dict]:
    """New or ongoing alerts at or above ``min_severity``, most severe first.

    Raises:
        ValueError: an unknown severity.
    """
    from include.ingestion.warehouse import connect

    if min_severity not in SEVERITIES:
        raise ValueError(f"min_severity must be one of {', '.join(SEVERITIES)}, got {min_severity!r}")
    wanted = list(SEVERITIES[SEVERITIES.index(min_severity):])
    with connect(warehouse, read_only=True) as con:
        exists = con.execute("select count(*) from information_schema.tables where table_schema = 'insight' "
                             "and table_name = 'risk_alerts'").fetchone()[0]
        if not exists:
            return []
        frame = con.execute(
            "select alert_id, status, severity, entity, first_seen, last_seen, series_keys, observed, expected, "
            "top_keywords, sample_text_1 from insight.risk_alerts where status in ('new', 'ongoing') "
            f"and severity in ({', '.join('?' for _ in wanted)}) order by first_seen desc, alert_id",
            wanted).df()
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return sorted(records, key=lambda r: -rank[r["severity"]])


def post_webhook(url: str, alerts: list[dict], *, attempts: int = 3, timeout: float = 10.0) -> int:
    """POST the alerts as JSON; returns the HTTP status. Retries connection errors and 5xx.

    Raises:
        urllib.error.URLError / HTTPError: still failing after ``attempts`` tries, or a 4xx.
    """
    from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

    body = json.dumps({"source": "experience-engine", "alerts": alerts}, ensure_ascii=False, default=str).encode()

    def retryable(exc: BaseException) -> bool:
        import urllib.error

        if isinstance(exc, urllib.error.HTTPError):
            return exc.code >= 500
        return isinstance(exc, (urllib.error.URLError, TimeoutError, ConnectionError))

    @retry(stop=stop_after_attempt(attempts), wait=wait_exponential(multiplier=0.5, max=5),
           retry=retry_if_exception(retryable), reraise=True)
    def send() -> int:
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured URL)
            return response.status

    return send()


class RiskAlertNotifier(BaseNotifier):
    """Airflow notifier that sends the active risk alerts (see the module doc).

    Args:
        webhook_url: default ``EE_ALERT_WEBHOOK_URL`` (unset: no webhook).
        email_to: default ``EE_ALERT_EMAIL_TO`` (unset: no e-mail).
        min_severity: lowest severity sent.
        warehouse: DuckDB file (default ``EE_WAREHOUSE``).
    """

    template_fields = ("webhook_url", "email_to", "min_severity")

    def __init__(self, *, webhook_url: str | None = None, email_to: str | None = None,
                 min_severity: str = "medium", warehouse: str | None = None):
        super().__init__()
        self.webhook_url = webhook_url if webhook_url is not None else os.environ.get("EE_ALERT_WEBHOOK_URL", "")
        self.email_to = email_to if email_to is not None else os.environ.get("EE_ALERT_EMAIL_TO", "")
        self.min_severity = min_severity
        self.warehouse = warehouse

    def notify(self, context) -> None:
        alerts = active_alerts(self.warehouse, self.min_severity)
        if not alerts:
            log.info("risk alerts: none new or ongoing at %s or above", self.min_severity)
            return
        for alert in alerts:
            log.warning("RISK ALERT %s [%s, %s] %s since %s: %s (observed %s vs expected %.1f) e.g. %r",
                        alert["alert_id"], alert["severity"], alert["status"], alert["entity"], alert["first_seen"],
                        alert["series_keys"], alert["observed"], float(alert["expected"] or 0),
                        alert["sample_text_1"])
        if self.webhook_url:
            status = post_webhook(self.webhook_url, alerts)
            log.info("risk alerts: %d posted to the webhook (HTTP %s)", len(alerts), status)
        if self.email_to:
            from airflow.providers.smtp.notifications.smtp import SmtpNotifier

            lines = "".join(f"<li><b>{a['severity']}</b> {a['entity']} since {a['first_seen']}: {a['series_keys']}"
                            f" ({a['observed']} vs {float(a['expected'] or 0):.1f} expected)</li>" for a in alerts)
            SmtpNotifier(to=self.email_to, subject=f"[Experience Engine] {len(alerts)} risk alert(s)",
                         html_content=f"<ul>{lines}</ul>").notify(context)
