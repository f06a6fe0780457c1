"""Helpers shared by tests across packages."""

from __future__ import annotations

import os

import pytest


def missing_resource(message: str) -> None:
    """A test's external resource (PostgreSQL, ../shared/data) is absent.

    CI always provides them, so there the test fails; elsewhere it skips with the message.
    """
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def airflow_env_with(overrides: dict[str, str]) -> dict[str, str]:
    """The environment for Airflow subprocesses (``include.pipeline.run_demo.airflow_env``)
    computed with ``overrides`` set; this process's environment is restored afterwards."""
    from include.pipeline.run_demo import airflow_env

    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        return airflow_env()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def query_warehouse(warehouse, sql: str, params: list | None = None) -> list[tuple]:
    """Run one read-only query on a DuckDB warehouse file and close the connection at once
    (DuckDB allows one writer: a test must not hold the file open)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
