"""``xe report``: the weekly insight report for product teams."""

from __future__ import annotations

from pathlib import Path

import click

from include.cli.common import emit_json, json_option, note


@click.command("report")
@click.option("--week", default=None, help="ISO week, e.g. 2026-W46 (default: the last complete week in the data).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of labels and prose (default EE_REPORT_LANG, else zh).")
@click.option("--bi-warehouse", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Published file to read (default EE_BI_WAREHOUSE: data/published.duckdb).")
@click.option("--out", "report_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Reports folder (default EE_REPORT_DIR: data/reports); the report goes to <out>/<yyyy>-W<ww>/.")
@json_option
def report(week, lang, bi_warehouse, report_dir, as_json) -> None:
    """Build the weekly report from the published (validated) bi tables: index.html (self-
    contained, opens offline), summary.md and charts/*.png. What the weekly_report DAG runs.
    One JSON line last."""
    from include.report.build import build_report
    from include.report.data import parse_week

    try:
        monday = parse_week(week) if week else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--week") from exc
    result = build_report(monday, lang, bi_warehouse=bi_warehouse, report_dir=report_dir)
    if not as_json:
        note(f"weekly report {result.week} ({result.lang}) in {result.seconds} s: {result.html} "
             f"({result.bytes:,} bytes, {len(result.charts)} charts); summary {result.summary}")
    emit_json({"week": result.week, "lang": result.lang, "html": str(result.html), "summary": str(result.summary),
               "charts": [str(p) for p in result.charts], "sections": result.sections, "bytes": result.bytes,
               "seconds": result.seconds})
