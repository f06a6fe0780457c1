"""``xe validate`` and ``xe publish``: Great Expectations gates what BI users read."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import click

from include.cli.common import emit_json, json_option, note, warehouse_option


def _end(ctx, param, value):
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time())
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not YYYY-MM-DD") from exc


_INTERVAL_END = click.option("--interval-end", callback=_end, default=None,
                             help="End of the run's data interval, YYYY-MM-DD (exclusive): the latest event must be "
                                  "within 2 days of it. Default: no freshness check.")


@click.command("validate")
@click.option("--table", "tables", multiple=True, help="Only this mart (repeatable). Default: every mart.")
@click.option("--docs/--no-docs", default=True, show_default=True, help="Rebuild GX data docs.")
@_INTERVAL_END
@warehouse_option
@json_option
def validate(tables, docs, interval_end, warehouse, as_json) -> None:
    """Run the Great Expectations suites (expectations/suites.py) over the marts without
    publishing: per table, expectations run, critical failures and warnings. Exits 1 when a
    critical expectation fails. One JSON line last."""
    from include.publishing.validate import validate_warehouse

    report = validate_warehouse(warehouse, tables=list(tables) or None, interval_end=interval_end, docs=docs)
    if not as_json:
        for r in report.results:
            state = "ok" if r.passed else "FAILED"
            note(f"  {r.table:<32}{r.rows:>10,} rows {r.expectations:>4} expectations  {state}"
                 + (f"  ({len(r.warnings)} warning(s))" if r.warnings else ""))
            for f in r.failures + r.warnings:
                note(f"      {f['severity']}: {f['expectation']}({f['column'] or ''}) on {f['unexpected_count']} "
                     f"row(s), e.g. {f['examples']}")
        note(f"data docs: {report.docs_index}")
    emit_json({"passed": report.passed, "tables": len(report.results), "seconds": report.seconds,
               "failed": [r.table for r in report.failed()],
               "warnings": sum(len(r.warnings) for r in report.results),
               "data_docs": str(report.docs_index) if report.docs_index else None})
    if not report.passed:
        raise click.exceptions.Exit(1)


@click.command("publish")
@click.option("--bi-warehouse", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Published file (default EE_BI_WAREHOUSE: data/published.duckdb).")
@click.option("--interval-start", default=None, help="Start of the run's data interval, YYYY-MM-DD (logged).")
@click.option("--postgres", is_flag=True,
              help="Also publish the bi schema to PostgreSQL (EE_PG_DSN), readable by the --pg-role role only.")
@click.option("--pg-schema", default="bi", show_default=True, help="PostgreSQL schema to publish to.")
@click.option("--pg-role", default="bi_reader", show_default=True,
              help="PostgreSQL role that may SELECT from it (created when missing) and nothing else.")
@_INTERVAL_END
@warehouse_option
@json_option
def publish(bi_warehouse, interval_start, postgres, pg_schema, pg_role, interval_end, warehouse, as_json) -> None:
    """Validate every mart and, when no critical expectation fails, publish them together to
    the BI file (schema bi, atomic swap, bi.publication_log); otherwise keep the previous
    version and exit 1 naming the failing expectations (what the publish_bi DAG runs).
    One JSON line last."""
    from include.publishing.publish import PublishBlocked
    from include.publishing.publish import publish as run_publish

    start = date.fromisoformat(interval_start) if interval_start else None
    try:
        summary = run_publish(warehouse, bi_warehouse, interval_start=start, interval_end=interval_end)
    except PublishBlocked as exc:
        raise click.ClickException(str(exc)) from exc
    if postgres:
        from include.publishing.postgres import publish_to_postgres

        summary["postgres"] = publish_to_postgres(summary["bi_warehouse"], schema=pg_schema, role=pg_role)
    if not as_json:
        note(f"published {summary['tables']} tables ({summary['rows']:,} rows) to {summary['bi_warehouse']} "
             f"in {summary['seconds']} s; {len(summary['warnings'])} warning(s); data docs {summary['data_docs']}")
    emit_json(summary)
