"""Shared fixtures: full 8-week demos, generated, loaded and built with dbt (about 40 s each),
built once per seed for the whole test session."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from include.demo.config import GeneratorConfig
from include.demo.generate import generate
from include.ingestion.loader import load_interval
from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory):
    """``built_demo(seed) -> (landing, warehouse)``: the default 8-week demo of ``seed`` after the
    main dbt build (no topic engine)."""
    cache: dict[int, tuple[Path, Path]] = {}

    def build(seed: int) -> tuple[Path, Path]:
        if seed not in cache:
            root = tmp_path_factory.mktemp(f"demo_{seed}")
            config = GeneratorConfig(out=root / "landing", seed=seed)
            generate(config)
            warehouse = root / "warehouse.duckdb"
            load_interval(config.start - timedelta(days=1), config.end + timedelta(days=1), landing_dir=config.out,
                          warehouse=warehouse)
            run_dbt(list(MAIN_BUILD_ARGS), warehouse=warehouse, echo=False)
            cache[seed] = (config.out, warehouse)
        return cache[seed]

    return build
