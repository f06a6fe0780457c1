"""Run the whole pipeline end to end through Airflow on embedded defaults (``xe run``, ``make run``).

Steps: generate the demo landing zone (skipped when the same arguments already produced
it), prepare Airflow (SQLite metadata under ``data/airflow``, the ``warehouse`` pool), then
run each stage's real DAG with ``airflow dags test`` in order:

    ingest_landing   -> raw.*                     (landing files -> DuckDB, quarantine, audit)
    build_warehouse  -> staging/intermediate/marts (dbt via cosmos)
    voc_topics       -> voc.* + marts.agg_topic_weekly, product findings (BERTopic topics, sentiment)
    insight_drivers  -> insight.nps_key_drivers + marts.agg_nps_key_drivers (key drivers of NPS)
    risk_alerts      -> insight.risk_alerts + marts.fct_risk_alerts (complaint-spike alerts, notifier)
    unpaid_orders    -> insight.unpaid_order_reasons + unpaid marts + recovery-list CSV ("ordered but not paid")
    publish_bi       -> GX checkpoints over every mart; if they pass, data/published.duckdb (schema bi) for BI
    weekly_report    -> data/reports/<yyyy>-W<ww>/index.html from the published tables (printed last)

Each DAG run's full log goes to ``data/logs/<dag_id>.log``; progress is printed per task.
At the end it prints where every output is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from include.config import PROJECT_ROOT, settings

STAGES = ("ingest_landing", "build_warehouse", "voc_topics", "insight_drivers", "risk_alerts", "unpaid_orders",
          "publish_bi", "weekly_report")
DEFAULT_START = date(2026, 9, 21)


def airflow_env() -> dict[str, str]:
    """The environment every Airflow/dbt subprocess gets: embedded defaults, offline switches."""
    cfg = settings()
    env = dict(os.environ)
    defaults = {
        "PYTHONPATH": str(PROJECT_ROOT),
        "EE_HOME": str(PROJECT_ROOT),
        "AIRFLOW_HOME": str(cfg.data_dir / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__COSMOS__CACHE_DIR": str(cfg.data_dir / "cosmos_cache"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "NUMBA_CACHE_DIR": str(cfg.data_dir / "numba_cache"),
    }
    for key, value in defaults.items():
        env.setdefault(key, value)
    bin_dir = str(Path(sys.executable).parent)
    if not env.get("PATH", "").startswith(bin_dir):
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    return env


def _run(cmd: list[str], env: dict[str, str], log_path: Path) -> int:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        return subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT).returncode


def generate_demo(weeks: int, scale: float, seed: int, start: date, regenerate: bool = False) -> None:
    """Generate the demo landing zone, unless the same arguments already produced it."""
    from include.demo.config import GeneratorConfig
    from include.demo.generate import generate

    cfg = settings()
    stamp = cfg.landing_dir / "_ground_truth" / "run_demo_args.json"
    wanted = {"weeks": weeks, "scale": scale, "seed": seed, "start": start.isoformat()}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted and not regenerate:
        print(f"• demo data: up to date in {cfg.landing_dir} (use --regenerate to rebuild)")
        return
    print(f"• demo data: generating {weeks} weeks at scale {scale} (seed {seed}) ...", flush=True)
    summary = generate(GeneratorConfig(weeks=weeks, scale=scale, seed=seed, start=start, out=cfg.landing_dir,
                                       quiet=True))
    print(f"  {summary.interactions:,} interactions, {summary.voice_texts:,} voice texts "
          f"({summary.seconds:.0f}s)", flush=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps(wanted))


def prepare_airflow(env: dict[str, str]) -> None:
    logs = settings().data_dir / "logs"
    began = time.perf_counter()
    steps = [
        ["airflow", "db", "migrate"],
        ["airflow", "pools", "set", "warehouse", "1", "DuckDB warehouse: one writer at a time"],
    ]
    for cmd in steps:
        if _run(cmd, env, logs / "airflow_setup.log") != 0:
            raise RuntimeError(f"'{' '.join(cmd)}' failed; see {logs / 'airflow_setup.log'}")
    print(f"• airflow: metadata in {env['AIRFLOW_HOME']} ready ({time.perf_counter() - began:.0f}s)")


def run_dag(dag_id: str, logical_date: date, conf: dict, env: dict[str, str]) -> float:
    """Run one DAG with `airflow dags test`, printing each task as it ends; return seconds."""
    log_path = settings().data_dir / "logs" / f"{dag_id}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["airflow", "dags", "test", dag_id, logical_date.isoformat(), "-c", json.dumps(conf)]
    print(f"▶ {dag_id}: airflow dags test {dag_id} {logical_date} (log: {log_path})", flush=True)
    began = time.perf_counter()
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                cwd=PROJECT_ROOT)
        assert proc.stdout is not None
        for line in proc.stdout:
            log.write(line)
            if "[DAG TEST] end task" in line:
                task_id = line.split("task_id=", 1)[1].split()[0]
                print(f"    ✓ {task_id} ({time.perf_counter() - began:.0f}s)", flush=True)
            elif line.startswith("[ml"):  # the topic engine's progress lines (embedding, fit, student, assign)
                print(f"    {line.strip()[:200]}", flush=True)
            elif "Task failed" in line or "[error" in line:  # failures only, not dbt's "ERROR=0" tallies
                print(f"    ! {line.strip()[:200]}", flush=True)
        code = proc.wait()
    seconds = time.perf_counter() - began
    if code != 0:
        tail = log_path.read_text().splitlines()[-25:]
        raise RuntimeError(f"✗ {dag_id} failed after {seconds:.0f}s. Last lines of {log_path}:\n" + "\n".join(tail))
    print(f"  {dag_id} succeeded in {seconds:.0f}s", flush=True)
    return seconds


def print_outputs(timings: dict[str, float]) -> None:
    import duckdb

    cfg = settings()
    print("\n=== Outputs ===")
    con = duckdb.connect(str(cfg.warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw', 'marts', 'voc', 'insight') order by 1, 2").fetchall()
        for schema, table in tables:
            count = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
            print(f"  {schema}.{table:32s} {count:>12,d} rows")
        drivers = con.execute(
            "select driver, impact_adjusted, effect_adjusted_ci_low * support, effect_adjusted_ci_high * support, "
            "effect_adjusted, n_with "
            "from marts.agg_nps_key_drivers where driver_kind = 'operational' and driver_rank is not null "
            "order by driver_rank limit 5").fetchall() if ("marts", "agg_nps_key_drivers") in tables else []
        alerts = con.execute(
            "select severity, status, first_seen, last_seen, entity, observed, expected from marts.fct_risk_alerts "
            "order by first_seen, alert_id").fetchall() if ("marts", "fct_risk_alerts") in tables else []
        unpaid = con.execute(
            "select count(*), sum(order_value), sum(expected_recovered_value) from marts.fct_unpaid_recovery_list"
        ).fetchall()[0] if ("marts", "fct_unpaid_recovery_list") in tables else None
        diagnosis = con.execute(
            "select created_week, promotion_key, unpaid_rate, baseline_unpaid_rate, top_reason, top_reason_share "
            "from marts.agg_unpaid_diagnosis_weekly where promotion_key <> 'none' and unpaid_rate_vs_baseline >= 2 "
            "order by unpaid_rate_vs_baseline desc limit 3").fetchall() if unpaid is not None else []
        quarantined = con.execute(
            "select reason, count(*) from (select regexp_replace(reason, '[(].*', '') as reason "
            "from raw._quarantine) group by 1 order by 2 desc limit 5").fetchall()
    finally:
        con.close()
    if drivers:
        print("  key drivers of NPS (fix first; overall NPS points lost to the driver, adjusted, with 95 % CI; "
              "effect: points per answer that has it): " + "; ".join(
                  f"{d} {impact:+.1f} (CI {low:+.1f}..{high:+.1f}; effect {effect:+.0f}, n={n})"
                  for d, impact, low, high, effect, n in drivers))
    if alerts:
        print(f"  risk alerts raised ({len(alerts)}; marts.fct_risk_alerts, xe insight alerts):")
        for severity, status, first, last, entity, observed, expected in alerts:
            print(f"    {severity:<8} {status:<8} {first}..{last}  {entity}: {observed} vs {expected:.1f} expected")
    if unpaid is not None:
        print(f"  unpaid orders: recovery list {unpaid[0]:,} orders worth {float(unpaid[1] or 0):,.0f} CNY, expected "
              f"recovery {float(unpaid[2] or 0):,.0f} CNY -> {cfg.data_dir / 'exports' / 'unpaid_recovery_list.csv'}")
        for week, promo, rate, base, reason, share in diagnosis:
            print(f"    {week} {promo}: unpaid rate {rate:.0%} vs baseline {base or 0:.0%}, top reason {reason} ({share:.0%})")
    if quarantined:
        print("  quarantine reasons (top 5): " + "; ".join(f"{r.strip()} ×{n}" for r, n in quarantined))
    published = cfg.bi_warehouse
    if published.exists():
        con = duckdb.connect(str(published), read_only=True)
        try:
            last = con.execute("select result, count(*), sum(rows) from bi.publication_log where run_id = "
                               "(select max_by(run_id, published_at) from bi.publication_log) group by 1").fetchall()
        finally:
            con.close()
        kinds = {"published": "mart(s) published", "passed": "health check(s) passed",
                 "failed": "table(s) FAILED", "blocked": "table(s) not published (blocked)"}
        print("  validation (GX): " + "; ".join(f"{n} {kinds.get(result, result)}" for result, n, _ in last))
    print(f"""
  published for BI     {published}   (schema bi, validated; open read-only: docs/bi_guide.md)
  GX data docs         {cfg.data_dir / 'gx' / 'uncommitted' / 'data_docs' / 'local_site' / 'index.html'}
  warehouse (DuckDB)   {cfg.warehouse}
                       query: {cfg.home / '.venv' / 'bin' / 'python'} -c "import duckdb; duckdb.connect('{cfg.warehouse}', read_only=True).sql('show all tables').show()"
  landing zone         {cfg.landing_dir}   (ground truth: {cfg.landing_dir / '_ground_truth'})
  topic models         {cfg.model_dir}
  insight marts        marts.agg_nps_weekly, agg_nps_touchpoint_weekly, agg_service_kpis_weekly,
                       agg_nps_key_drivers, fct_product_findings, agg_product_topic_weekly, fct_risk_alerts,
                       fct_unpaid_orders, fct_unpaid_order_reasons, agg_unpaid_recovery_weekly,
                       agg_unpaid_diagnosis_weekly, fct_unpaid_recovery_list
                       (docs/bi_guide.md, docs/risk_alerts.md, docs/unpaid_orders.md)
                       ad hoc: xe insight drivers [--since YYYY-MM-DD], xe insight unpaid
                       quality: xe eval drivers, xe eval alerts, xe eval unpaid
  DAG run logs         {cfg.data_dir / 'logs'}
  Airflow metadata     {cfg.data_dir / 'airflow'}   (UI: make airflow-ui)
  dbt docs             make docs, then open dbt_project/target/index.html
  topics               xe topics list          quality: xe eval demo (scores vs the demo's ground truth)
  weekly report        {cfg.report_dir}/<ISO week>/index.html   (this run's path is the last line; xe report)
  stage timings        """ + ", ".join(f"{k} {v:.0f}s" for k, v in timings.items()))


def run_pipeline(weeks: int = 8, scale: float = 1.0, seed: int = 42, start: date = DEFAULT_START,
                 regenerate: bool = False, stages: tuple[str, ...] = STAGES) -> dict[str, float | Path]:
    """Generate the demo (when needed) and run each stage's DAG in order; print where outputs are.

    Args:
        weeks: Weeks of demo data.
        scale: Demo volume multiplier.
        seed: Demo random seed.
        start: First demo day (a Monday).
        regenerate: Regenerate the demo even when it is up to date.
        stages: DAG ids to run, in order.

    Returns:
        Seconds per stage, and ``"report"``: the weekly report's path when that stage ran.

    Raises:
        ValueError: On an unknown stage.
        RuntimeError: When a DAG run fails (the message names its log).
    """
    unknown = [s for s in stages if not (PROJECT_ROOT / "dags" / f"{s}.py").exists()]
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(unknown)}: no dags/<stage>.py; stages are {', '.join(STAGES)}")
    env = airflow_env()
    os.environ.update({k: v for k, v in env.items() if k.startswith(("AIRFLOW", "EE_", "NUMBA", "HF_"))})
    end = start + timedelta(weeks=weeks)
    began = time.perf_counter()
    generate_demo(weeks, scale, seed, start, regenerate)
    prepare_airflow(env)
    timings: dict[str, float] = {}
    for dag_id in stages:
        conf = {"start": start.isoformat(), "end": end.isoformat()}
        timings[dag_id] = run_dag(dag_id, end - timedelta(days=1), conf, env)
    print_outputs(timings)
    print(f"\nDone in {time.perf_counter() - began:.0f}s.")
    reports = sorted(settings().report_dir.glob("*-W*/index.html"), key=lambda p: p.stat().st_mtime)
    if "weekly_report" in stages and reports:
        timings["report"] = reports[-1]  # xe run prints it last, after the scores
    return timings
