"""Session fixtures for the warehouse tests: one small generated landing zone, loaded by the
real ingestion loader into a scratch DuckDB file and built once with the real dbt project.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from include.config import settings

START = date(2026, 9, 7)
WEEKS = 3
SCALE = 0.2
LOAD_START, LOAD_END = date(2026, 9, 1), date(2026, 10, 1)


@dataclass(frozen=True)
class DemoWarehouse:
    """Paths of the scratch landing zone and warehouse, plus the generator's ground truth."""

    root: Path
    landing: Path
    warehouse: Path
    build_seconds: float

    @property
    def incidents(self) -> dict[str, dict]:
        data = json.loads((self.landing / "_ground_truth" / "incidents.json").read_text(encoding="utf-8"))
        return {i["type"]: i for i in data["incidents"]}

    @property
    def voice_labels(self) -> Path:
        return self.landing / "_ground_truth" / "voice_labels.parquet"

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        """Run one read-only query and close the connection at once (DuckDB: one writer)."""
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


def load_interval(landing: Path, warehouse: Path) -> None:
    """Load every source of the scratch landing zone with the project's ingestion loader."""
    from include.ingestion.loader import load_source
    from include.landing.contract import SOURCES

    for source in SOURCES:
        load_source(source, LOAD_START, LOAD_END, landing_dir=landing, warehouse=warehouse)


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> DemoWarehouse:
    """Generate 3 weeks at scale 0.2 (~2k voice texts), ingest, and `dbt build` on DuckDB."""
    from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt

    root = tmp_path_factory.mktemp("dbt_demo")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    subprocess.run(
        [sys.executable, "-m", "include.cli", "demo", "generate", "--weeks", str(WEEKS), "--scale", str(SCALE),
         "--seed", "42", "--start", START.isoformat(), "--landing", str(landing), "--quiet"],
        check=True, cwd=settings().home, env={**os.environ, "PYTHONPATH": str(settings().home)},
        capture_output=True,
    )
    load_interval(landing, warehouse)
    run = run_dbt(list(MAIN_BUILD_ARGS), warehouse=warehouse, echo=False)
    return DemoWarehouse(root, landing, warehouse, run.seconds)
