"""The same dbt project builds on PostgreSQL: raw is mirrored from the DuckDB demo warehouse
into an isolated schema prefix, `dbt build --target postgres` runs (tests and contracts
included), and the marts hold the same rows as on DuckDB. The schemas are dropped after."""

from __future__ import annotations

import os
import uuid

import pytest

from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt
from include.warehouse.pg_mirror import check_prefix, drop_schemas, mirror
from include.warehouse.stats import duckdb_stats, postgres_stats


def test_schema_prefix_must_be_a_plain_identifier():
    assert check_prefix("ee_ci_1") == "ee_ci_1"
    for bad in ("EE", "ee-1", "1ee", "ee; drop", ""):
        with pytest.raises(ValueError, match="schema prefix"):
            check_prefix(bad)


@pytest.fixture
def pg_prefix(pg_dsn):
    """An isolated schema prefix for this run (fails under CI when PostgreSQL is down)."""
    prefix = f"ee_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    yield prefix
    drop_schemas(prefix)


@pytest.mark.postgres
@pytest.mark.slow
def test_dbt_build_on_postgres_matches_duckdb(demo_warehouse, pg_prefix):
    copied = mirror(pg_prefix, warehouse=demo_warehouse.warehouse, progress=False)
    assert {t.table for t in copied} >= {"orders", "cs_messages", "reviews", "customer_accounts"}
    run_dbt(list(MAIN_BUILD_ARGS), target="postgres", pg_schema=pg_prefix, echo=False)
    # a second build is a no-op on the incremental marts here too
    run_dbt(list(MAIN_BUILD_ARGS), target="postgres", pg_schema=pg_prefix, echo=False)
    on_pg, on_duck = postgres_stats(pg_prefix), duckdb_stats(demo_warehouse.warehouse)
    assert on_pg["rows"] == on_duck["rows"]
    assert on_pg["other"]["by_type"] == on_duck["other"]["by_type"]
