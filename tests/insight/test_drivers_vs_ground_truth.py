"""The published driver ranking recovers the demo generator's true drivers (slow: two full
8-week demos, each generated, loaded and built with dbt, about 40 s apiece)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from include.demo.config import GeneratorConfig
from include.demo.generate import generate
from include.ingestion.loader import load_interval
from include.insight.evaluation import evaluate_drivers
from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("seed", [42, 7])
def test_driver_ranking_matches_the_ground_truth(tmp_path, seed):
    config = GeneratorConfig(out=tmp_path / "landing", seed=seed)
    generate(config)
    warehouse = tmp_path / "warehouse.duckdb"
    load_interval(config.start - timedelta(days=1), config.end + timedelta(days=1), landing_dir=config.out,
                  warehouse=warehouse)
    run_dbt(list(MAIN_BUILD_ARGS), warehouse=warehouse, echo=False)
    result = evaluate_drivers(config.out, warehouse)
    assert result["nps_recount_ok"], result["nps_recount_mismatches"]
    assert result["answers"] == result["answers_truth"]
    assert result["spearman"] >= 0.8, result
    assert result["top5"]["ours"][0] == result["top5"]["truth"][0] == "late_delivery"
