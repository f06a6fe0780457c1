"""Publish the validated marts to BI: a separate DuckDB file BI tools open read-only.

``publish`` runs every suite (``include.publishing.validate``) and then, in one step:

* **all passed**: a new BI file is written next to the old one (schema ``bi``: one table per
  mart, plus ``bi.publication_log``) and moved over it with ``os.replace`` (atomic on POSIX).
  A BI tool that has the old file open keeps reading the old version (its open inode) and
  never holds a lock on the pipeline's warehouse, so it cannot block a run;
* **a critical expectation failed**: nothing is published. The previous BI tables stay as
  they were (same rows, same checksums); only ``bi.publication_log`` gains this run's rows with
  ``result = 'blocked'``, the failure is sent through the risk-alert channels
  (``include.insight.notify``) and :class:`PublishBlocked` is raised with a message that names
  each failing expectation, its column and example values.

``bi.publication_log``: ``run_id, interval_start, interval_end, table_name, rows, checksum
(md5 over the sorted md5 of every row: equal tables, equal checksums), suite, result
(published / blocked / failed), expectations, failed_expectations, warnings, published_at``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from include.publishing.validate import ValidationReport, validate_warehouse

log = logging.getLogger(__name__)

BI_SCHEMA = "bi"
LOG_TABLE = "publication_log"
LOG_COLUMNS = (("run_id", "varchar"), ("interval_start", "date"), ("interval_end", "date"),
               ("table_name", "varchar"), ("rows", "bigint"), ("checksum", "varchar"), ("suite", "varchar"),
               ("result", "varchar"), ("expectations", "integer"), ("failed_expectations", "varchar"),
               ("warnings", "varchar"), ("published_at", "timestamp"))


class PublishBlocked(RuntimeError):
    """A critical expectation failed; nothing was published. ``report`` holds every result."""

    def __init__(self, message: str, report: ValidationReport):
        super().__init__(message)
        self.report = report


def checksum(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """Order-independent content checksum of a table: md5 of its rows' sorted md5s."""
    value = con.execute(f"select md5(coalesce(string_agg(h, ',' order by h), '')) from "
                        f"(select md5(cast(t as varchar)) as h from {relation} as t)").fetchall()[0][0]
    return str(value)


def _log_rows(report: ValidationReport, run_id: str, interval: tuple[date | None, date | None],
              result_of, checksums: dict[str, str]) -> list[tuple]:
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for r in report.results:
        failed = json.dumps([f"{f['expectation']}({f['column'] or ''})" for f in r.failures], ensure_ascii=False)
        warned = json.dumps([f"{f['expectation']}({f['column'] or ''})" for f in r.warnings], ensure_ascii=False)
        rows.append((run_id, interval[0], interval[1], r.table, r.rows, checksums.get(r.table), r.suite, result_of(r),
                     r.expectations, failed, warned, now))
    return rows


def publish(warehouse: Path | str | None = None, bi_warehouse: Path | str | None = None, *,
            run_id: str | None = None, interval_start: date | None = None, interval_end: datetime | None = None,
            tables: list[str] | None = None, docs: bool = True) -> dict:
    """Validate the marts and publish them to the BI file, or block (see the module docstring).

    Args:
        interval_end: end of the run's data interval (local); freshness is checked against it.
        tables: marts to validate and publish (default: every table of schema ``marts``).

    Returns:
        ``{"published": bool, "bi_warehouse", "run_id", "tables", "rows", "warnings": [...],
        "data_docs", "validation_seconds", "seconds"}``.

    Raises:
        PublishBlocked: a critical expectation failed (the BI file keeps its tables).
    """
    from include.config import settings

    began = time.perf_counter()
    cfg = settings()
    warehouse = Path(warehouse or cfg.warehouse)
    target = Path(bi_warehouse or cfg.bi_warehouse)
    run_id = run_id or f"run-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    report = validate_warehouse(warehouse, tables=tables, interval_end=interval_end, docs=docs)
    marts = [r.table for r in report.results if not r.table.startswith("health_")]
    interval = (interval_start, interval_end.date() if isinstance(interval_end, datetime) else interval_end)

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    if staging.exists():
        staging.unlink()
    if target.exists():
        shutil.copyfile(target, staging)  # a read-only BI reader may hold the target: copy, never open it for writing
    con = duckdb.connect(str(staging))
    checksums: dict[str, str] = {}
    try:
        con.execute(f"create schema if not exists {BI_SCHEMA}")
        con.execute(f"create table if not exists {BI_SCHEMA}.{LOG_TABLE} "
                    f"({', '.join(f'{c} {t}' for c, t in LOG_COLUMNS)})")
        if report.passed:
            con.execute(f"attach '{warehouse}' as source (read_only)")
            con.execute("begin")
            for table in marts:
                con.execute(f'create or replace table {BI_SCHEMA}."{table}" as select * from source.marts."{table}"')
                checksums[table] = checksum(con, f'{BI_SCHEMA}."{table}"')
            con.execute("commit")
            con.execute("detach source")

            def result_of(r):
                return "published" if not r.table.startswith("health_") else "passed"
        else:
            existing = {row[0] for row in con.execute(
                "select table_name from information_schema.tables where table_schema = ?", [BI_SCHEMA]).fetchall()}
            for table in marts:
                if table in existing:
                    checksums[table] = checksum(con, f'{BI_SCHEMA}."{table}"')

            def result_of(r):
                return "failed" if not r.passed else "blocked"
        rows = _log_rows(report, run_id, interval, result_of, checksums)
        con.executemany(f"insert into {BI_SCHEMA}.{LOG_TABLE} values ({', '.join('?' for _ in LOG_COLUMNS)})", rows)
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(staging, target)
    warnings = [f"{r.table}: {w['expectation']}({w['column'] or ''})" for r in report.results for w in r.warnings]
    summary = {"published": report.passed, "bi_warehouse": str(target), "run_id": run_id, "tables": len(marts),
               "rows": sum(r.rows for r in report.results if r.table in marts), "warnings": warnings,
               "data_docs": str(report.docs_index) if report.docs_index else None,
               "validation_seconds": report.seconds, "seconds": round(time.perf_counter() - began, 2)}
    if not report.passed:
        message = ("publishing blocked, the previous BI tables stay: critical expectations failed\n"
                   + report.message())
        notify_blocked(message, run_id)
        raise PublishBlocked(message, report)
    log.info("published %d tables to %s (%d warnings)", len(marts), target, len(warnings))
    return summary


def notify_blocked(message: str, run_id: str) -> None:
    """Send a blocked publication through the risk-alert channels: the log always, the webhook
    (``EE_ALERT_WEBHOOK_URL``) when set. A failing webhook is logged, never raised: the run fails
    with the validation message either way."""
    log.error("%s", message)
    url = os.environ.get("EE_ALERT_WEBHOOK_URL")
    if not url:
        return
    from include.insight.notify import post_webhook

    try:
        post_webhook(url, [{"kind": "publish_blocked", "run_id": run_id, "severity": "high", "message": message}])
    except Exception as exc:  # noqa: BLE001 (notification is best effort; the DAG run fails anyway)
        log.error("could not post the blocked publication to the webhook: %s", exc)
