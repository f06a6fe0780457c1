"""Run the expectation suites of ``expectations.suites`` as GX 1.x checkpoints.

Each table is read from the DuckDB warehouse into a DataFrame (GX's SQL datasource fails on
DuckDB 2.0, see ``../shared/STACK_NOTES.md``), validated through a whole-dataframe batch, and
the results go to GX data docs (``<EE_DATA_DIR>/gx/uncommitted/data_docs/local_site/index.html``)
once per run, after every checkpoint has stored its result (``context.build_data_docs``, rather
than an ``UpdateDataDocsAction`` per checkpoint that would rebuild the site once per table).

A table **passes** when none of its ``critical`` expectations fail; failed ``warning``
expectations are recorded and reported but do not block.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)


@dataclass
class TableResult:
    """The outcome of one table's checkpoint."""

    table: str
    suite: str
    rows: int
    passed: bool
    expectations: int
    failures: list[dict] = field(default_factory=list)  # critical expectations that failed
    warnings: list[dict] = field(default_factory=list)  # warning expectations that failed
    seconds: float = 0.0


@dataclass
class ValidationReport:
    """All tables of one run."""

    results: list[TableResult]
    docs_index: Path | None
    seconds: float

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    def failed(self) -> list[TableResult]:
        return [r for r in self.results if not r.passed]

    def message(self) -> str:
        """One line per failing expectation, naming the table, the expectation and example rows."""
        lines = []
        for r in self.failed():
            for f in r.failures:
                lines.append(f"{r.table}: {f['expectation']}({f['column'] or ''}) failed on "
                             f"{f['unexpected_count']} row(s); e.g. {f['examples']}")
        return "\n".join(lines)


def gx_context(data_dir: Path):
    """A file-backed GX context in ``<data_dir>/gx`` (created on first use); usage statistics and
    progress bars off."""
    import os

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(data_dir))
    bars = context.variables.progress_bars
    if (bars.get("globally") if isinstance(bars, dict) else getattr(bars, "globally", None)) is not False:
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        context.variables.save()
    return context


def _summarise(expectation_result) -> dict:
    config = expectation_result.expectation_config
    result = expectation_result.result or {}
    examples = result.get("partial_unexpected_list") or result.get("observed_value")
    if isinstance(examples, list):
        examples = examples[:5]
    return {"expectation": config.type, "column": config.kwargs.get("column") or config.kwargs.get("column_A"),
            "severity": str(getattr(config, "severity", "critical")).split(".")[-1].lower(),
            "unexpected_count": result.get("unexpected_count"), "examples": examples,
            "kwargs": {k: str(v) for k, v in config.kwargs.items() if k not in ("batch_id",)}}


def run_suite(context, source, name: str, frame: pd.DataFrame, suite) -> TableResult:
    """Validate ``frame`` against ``suite`` with a checkpoint named ``name`` (replaced if it
    exists); ``source`` is the context's pandas datasource."""
    import great_expectations as gx

    began = time.perf_counter()
    asset = next((a for a in source.assets if a.name == name), None) or source.add_dataframe_asset(name=name)
    batch = next((b for b in asset.batch_definitions if b.name == "whole"), None) or \
        asset.add_batch_definition_whole_dataframe("whole")
    suite = context.suites.add_or_update(suite)
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch, suite=suite))
    checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
        name=name, validation_definitions=[definition], actions=[],
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}))
    outcome = checkpoint.run(batch_parameters={"dataframe": frame})
    failures, warnings = [], []
    total = 0
    for run in outcome.run_results.values():
        for er in run.results:
            total += 1
            if er.success:
                continue
            item = _summarise(er)
            (warnings if item["severity"] == "warning" else failures).append(item)
    return TableResult(table=name, suite=suite.name, rows=len(frame), passed=not failures, expectations=total,
                       failures=failures, warnings=warnings, seconds=round(time.perf_counter() - began, 2))


def published_tables(con) -> list[str]:
    """The warehouse tables BI reads: every table of schema ``marts`` (dbt's marts layer)."""
    return [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' "
        "and table_type = 'BASE TABLE' order by 1").fetchall()]


def validate_warehouse(warehouse: Path | str | None = None, *, tables: list[str] | None = None,
                       interval_end: datetime | None = None, docs: bool = True) -> ValidationReport:
    """Validate the marts (or ``tables``) and the derived health frames.

    Args:
        interval_end: end of the run's data interval (local time); freshness checks need the
            latest event to be within two days of it. Default: no freshness check.

    Returns:
        A :class:`ValidationReport`; data docs are rebuilt when ``docs``.
    """
    from expectations.suites import (
        DERIVED_SENTIMENT_SQL,
        DERIVED_SOURCES,
        DERIVED_SQL,
        TableCheck,
        derived_suite,
        suite_for,
    )
    from include.config import settings
    from include.ingestion.warehouse import connect

    began = time.perf_counter()
    context = gx_context(settings().data_dir)
    source = context.data_sources.add_or_update_pandas(name="warehouse")
    now = datetime.now(UTC).replace(tzinfo=None)
    results: list[TableResult] = []
    with connect(warehouse, read_only=True) as con:
        existing = set(published_tables(con))
        names = tables if tables is not None else sorted(existing)
        has_topics = "fct_interaction_topics" in existing
        for table in names:
            frame = con.execute(f'select * from marts."{table}"').df()
            check = TableCheck(table, tuple(frame.columns), interval_end=interval_end, now=now)
            results.append(run_suite(context, source, table, frame, suite_for(check)))
            log.info("validated %s: %s", table, "passed" if results[-1].passed else "FAILED")
        for name, sql in DERIVED_SQL.items():
            if DERIVED_SOURCES[name] <= existing and (DERIVED_SOURCES[name] & set(names)):
                sql = sql.format(sentiment=DERIVED_SENTIMENT_SQL if has_topics else "")
                frame = con.execute(sql).df()
                results.append(run_suite(context, source, name, frame, derived_suite(name)))
    docs_index = None
    if docs:
        context.build_data_docs()
        sites = context.get_docs_sites_urls()
        docs_index = Path(sites[0]["site_url"].removeprefix("file://")) if sites else None
    return ValidationReport(results=results, docs_index=docs_index, seconds=round(time.perf_counter() - began, 2))
