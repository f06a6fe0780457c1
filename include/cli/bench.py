"""``xe bench``: benchmarks that print figures (speed and memory targets live here, not in tests)."""

from __future__ import annotations

from pathlib import Path

import click

from include.cli.common import emit_json, warehouse_option


@click.group()
def bench() -> None:
    """Benchmarks that print figures (`make bench` runs the routine ones)."""


@bench.command("demo")
@click.option("--scales", default="1", show_default=True, help="Comma-separated generator scales.")
@click.option("--weeks", type=int, default=8, show_default=True, help="Weeks per run.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True,
              help="Landing file format.")
def bench_demo(scales, weeks, fmt) -> None:
    """Demo generator: wall time, rows per second and peak memory per scale."""
    from include.bench.demo import run_bench

    try:
        values = [float(s) for s in scales.split(",") if s.strip()]
    except ValueError:
        raise click.BadParameter(f"not a comma-separated list of numbers: {scales!r}", param_hint="--scales") from None
    emit_json({"runs": run_bench(values, weeks, fmt)})


@bench.command("ingestion")
@click.option("--scale", type=float, default=6.0, show_default=True, help="Generator scale (6 ≈ 1,100,000 interactions).")
@click.option("--weeks", type=int, default=8, show_default=True, help="Weeks of demo data.")
@click.option("--workdir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Scratch folder (default: a temporary directory).")
def bench_ingestion(scale, weeks, workdir) -> None:
    """Generate SCALE x the demo in a scratch folder, load it; print throughput and peak RSS."""
    from include.bench.ingestion import run_bench

    run_bench(scale=scale, weeks=weeks, workdir=workdir)


@bench.command("warehouse")
@click.option("--source", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Warehouse with the demo raw data (default EE_WAREHOUSE).")
@click.option("--scratch", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Scratch folder (default <EE_DATA_DIR>/bench_dbt).")
@click.option("--target-rows", type=int, default=1_000_000, show_default=True, help="Interactions to reach.")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Also time the GX checkpoints over every mart.")
def bench_warehouse(source, scratch, target_rows, validate) -> None:
    """dbt build on DuckDB with the demo's customer voice multiplied to ~N interactions, then
    the GX checkpoints over the marts."""
    from include.bench.warehouse import run_bench

    emit_json(run_bench(source, scratch, target_rows, validate))


@bench.command("topics")
@click.option("--n", type=int, default=200_000, show_default=True, help="Texts for the refit and naive phases.")
@click.option("--assign-n", type=int, default=5_000, show_default=True, help="Short messages to assign.")
@click.option("--assign-fit-n", type=int, default=5_000, show_default=True,
              help="Texts the assign phase's model is fitted on.")
@click.option("--phases", default="import_cold,import,assign,assign_en,refit,naive", show_default=True,
              help="Comma-separated phases (each runs in its own process).")
def bench_topics(n, assign_n, assign_fit_n, phases) -> None:
    """Topic engine: import and JIT cost, assignment docs/s and agreement per mode, refit time and memory."""
    from include.bench.topics import run_bench

    emit_json(run_bench(n, assign_n, assign_fit_n, phases))


@bench.command("alerts")
@warehouse_option
@click.option("--demo-warehouse", is_flag=True,
              help="Time the detector on --warehouse (after the topic engine ran) instead of a synthetic one.")
@click.option("--interactions", type=click.IntRange(min=1000), default=1_000_000, show_default=True,
              help="Size of the synthetic warehouse.")
@click.option("--workdir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Scratch folder (default: a temporary directory).")
def bench_alerts(warehouse, demo_warehouse, interactions, workdir) -> None:
    """Risk detector (signals, scoring, grouping): wall time and peak RSS."""
    from include.bench.alerts import run_bench
    from include.config import settings

    emit_json(run_bench((warehouse or settings().warehouse) if demo_warehouse else None, interactions, workdir))
