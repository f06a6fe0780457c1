"""
### weekly_report

**Purpose.** The weekly insight report for product teams: one self-contained page per ISO
week (`data/reports/<yyyy>-W<ww>/index.html`, `summary.md`, `charts/*.png`), built only from
the published, validated `bi` tables (`include/report/build.py`).

**Schedule.** Every Monday 08:00 in the business time zone (the report of the week that just
ended), and whenever `publish_bi` publishes a new version (Asset `duckdb://published/bi`).

**Params.** `week` (YYYY-Www; default the last complete week in the data), `lang` (zh or en;
default `EE_REPORT_LANG`, else zh).

**Notes.** Reads the published file only (read-only), so it never waits for the pipeline's
writer lock. A re-run rewrites the same files (atomic renames).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, Param, dag, task
from airflow.timetables.assets import AssetOrTimeSchedule
from airflow.timetables.trigger import CronTriggerTimetable

PUBLISHED = Asset("duckdb://published/bi")
REPORT = Asset("file://data/reports")


@dag(
    dag_id="weekly_report",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("0 8 * * 1", timezone="Asia/Shanghai"),
                                 assets=[PUBLISHED]),
    start_date=pendulum.datetime(2026, 9, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["report"],
    default_args={"owner": "insight", "retries": 1, "retry_delay": pendulum.duration(minutes=2)},
    params={
        "week": Param(None, type=["null", "string"], pattern=r"^\d{4}-W\d{2}$", description="ISO week, e.g. 2026-W46"),
        "lang": Param(None, type=["null", "string"], enum=[None, "zh", "en"], description="report language"),
    },
)
def weekly_report():
    @task(outlets=[REPORT])
    def build(params=None) -> dict:
        from include.report.build import build_report
        from include.report.data import parse_week

        week = parse_week(params["week"]) if params and params.get("week") else None
        result = build_report(week, params.get("lang") if params else None)
        print(f"weekly report {result.week} ({result.lang}): {result.html} ({result.bytes:,} bytes, "
              f"{len(result.charts)} charts, {result.seconds} s)")
        return {"week": result.week, "html": str(result.html), "summary": str(result.summary),
                "charts": [str(p) for p in result.charts], "seconds": result.seconds}

    build()


weekly_report()
