"""
### risk_alerts

**Purpose.** Public-opinion risk early warning: score every daily complaint series (per
topic, service element, product, platform, social site, carrier x region, payment failure
code) against its own history, group related series into one alert per episode, replace
`insight.risk_alerts`, build `marts.fct_risk_alerts`, and notify.

**Schedule.** On the Asset `duckdb://warehouse/marts/topics` (emitted by `voc_topics`), like
`insight_drivers`; both use the `warehouse` pool, so they run one after the other.

**Notification.** `RiskAlertNotifier` (an Airflow notifier, `include/insight/notify.py`) on
the build task's success: a log line per new or ongoing alert at or above the `min_severity`
param (default medium), plus a webhook POST when `EE_ALERT_WEBHOOK_URL` is set and an e-mail
through the SMTP provider when `EE_ALERT_EMAIL_TO` is set.

**Notes.** Detector and thresholds: `include/insight/alerts.py` (docs/risk_alerts.md). A
re-run recomputes the same alerts with the same ids (idempotent). This file only wires tasks.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, Param, dag, task

from include.insight.notify import RiskAlertNotifier

TOPIC_MARTS = Asset("duckdb://warehouse/marts/topics")
RISK_ALERTS = Asset("duckdb://warehouse/marts/fct_risk_alerts")


@dag(
    dag_id="risk_alerts",
    schedule=[TOPIC_MARTS],
    start_date=pendulum.datetime(2026, 9, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["insight", "alerts"],
    default_args={"owner": "insight", "retries": 1, "retry_delay": pendulum.duration(minutes=1)},
    params={"min_severity": Param("medium", enum=["low", "medium", "high", "critical"],
                                  description="lowest severity notified")},
)
def risk_alerts():
    @task(pool="warehouse")
    def detect() -> dict:
        from include.insight.risk import write_risk_alerts

        summary = write_risk_alerts()
        print(f"risk alerts: {summary['alerts']} ({summary['by_severity']}) over {summary['series_scored']} series "
              f"in {summary['seconds']}s")
        return {k: v for k, v in summary.items() if k != "new_or_ongoing"}

    @task(pool="warehouse", outlets=[RISK_ALERTS],
          on_success_callback=[RiskAlertNotifier(min_severity="{{ params.min_severity }}")])
    def build_alerts_mart(summary: dict) -> dict:
        from include.insight.publish import build_insight_models

        return build_insight_models(select="fct_risk_alerts")

    build_alerts_mart(detect())


risk_alerts()
