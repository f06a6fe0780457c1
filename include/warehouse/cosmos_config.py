"""The cosmos configuration of the warehouse DAG, built here so the DAG file only wires.

Cosmos reads its own settings (telemetry, cache dir) when it is first imported, so this
module sets the offline defaults in the environment *before* importing it:
``AIRFLOW__COSMOS__ENABLE_TELEMETRY=False`` and ``AIRFLOW__COSMOS__CACHE_DIR=<data>/cosmos_cache``
(the Makefile exports the same).

Execution choice (measured with ``airflow dags test``; numbers in docs/warehouse.md):
``EE_COSMOS_MODE=per_model`` (default) renders one task per model/seed that runs
``dbt build --select <node>`` (the node and its tests, ``TestBehavior.BUILD``) with the
in-process dbt runner and partial parsing; ``EE_COSMOS_MODE=watcher`` runs one
``dbt build`` and mirrors each model's status into sensor tasks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from include.config import settings

_cfg = settings()
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")
os.environ.setdefault("AIRFLOW__COSMOS__CACHE_DIR", str(_cfg.data_dir / "cosmos_cache"))
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# cosmos looks dbt up on PATH (and insists on that one with the in-process dbt runner):
# make it the dbt of this interpreter's environment, as the Makefile does.
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

from cosmos import ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig  # noqa: E402
from cosmos.constants import (  # noqa: E402
    ExecutionMode,
    InvocationMode,
    LoadMode,
    TestBehavior,
    TestIndirectSelection,
)

from include.warehouse.dbt_runner import dbt_env  # noqa: E402
from include.warehouse.manifest import ensure_manifest  # noqa: E402

PROFILE_NAME = "experience_engine"
WAREHOUSE_POOL = "warehouse"
MODES = ("per_model", "watcher")
# Variables dbt needs at run time (profiles.yml reads them); everything else is inherited.
_DBT_VARS = ("EE_DBT_TARGET", "EE_WAREHOUSE", "EE_TIMEZONE", "DBT_SEND_ANONYMOUS_USAGE_STATS", "DO_NOT_TRACK",
             "EE_PG_HOST", "EE_PG_PORT", "EE_PG_USER", "EE_PG_DATABASE", "EE_PG_PASSWORD", "EE_PG_SCHEMA")


def cosmos_mode() -> str:
    """The execution layout from ``EE_COSMOS_MODE`` (``per_model`` or ``watcher``)."""
    mode = os.environ.get("EE_COSMOS_MODE", "per_model")
    if mode not in MODES:
        raise ValueError(f"EE_COSMOS_MODE={mode!r}; expected one of {', '.join(MODES)}")
    return mode


def dbt_target() -> str:
    """dbt target the DAG builds (``EE_DBT_TARGET``, default duckdb)."""
    return os.environ.get("EE_DBT_TARGET", "duckdb")


#: set in the cosmos tasks' environment: the DAG already refreshed the redactions (project_config)
REDACTIONS_REFRESHED = "EE_REDACTIONS_REFRESHED"


def runtime_env() -> dict[str, str]:
    """The dbt variables (absolute warehouse path, target, PostgreSQL settings) for the tasks."""
    env = dbt_env(dbt_target(), pg_schema=os.environ.get("EE_PG_SCHEMA"), base={})
    return {k: v for k, v in env.items() if k in _DBT_VARS}


def project_config() -> ProjectConfig:
    """The dbt project in ``dbt_project/`` and its current manifest; no ``dbt deps``.

    The tasks get ``EE_REDACTIONS_REFRESHED=1``: the build_warehouse DAG refreshes
    ``restricted.text_redactions`` once in its ``redact_voice_texts`` task before the task
    group, so the dbt-duckdb plugin (:mod:`include.privacy.dbt_plugin`) does not repeat that
    scan in each of the ~230 per-node dbt processes.
    """
    return ProjectConfig(
        dbt_project_path=Path(_cfg.dbt_project_dir),
        manifest_path=ensure_manifest(),
        install_dbt_deps=False,
        partial_parse=True,
        env_vars={**runtime_env(), REDACTIONS_REFRESHED: "1"},
    )


def profile_config() -> ProfileConfig:
    """The committed ``dbt_project/profiles.yml`` (all settings from env vars)."""
    return ProfileConfig(
        profile_name=PROFILE_NAME,
        target_name=dbt_target(),
        profiles_yml_filepath=Path(_cfg.dbt_project_dir) / "profiles.yml",
    )


def execution_config() -> ExecutionConfig:
    """Local execution with the in-process dbt runner (no new Python process per task)."""
    mode = ExecutionMode.WATCHER if cosmos_mode() == "watcher" else ExecutionMode.LOCAL
    return ExecutionConfig(
        execution_mode=mode,
        invocation_mode=InvocationMode.DBT_RUNNER,
        # `dbt build --select <node>` must not pull in a relationships test whose other
        # parent is not built yet (it fails on a fresh warehouse): such tests get their own
        # task after all their parents (RenderConfig.should_detach_multiple_parents_tests).
        test_indirect_selection=TestIndirectSelection.CAUTIOUS,
    )


def render_config(*, select: list[str] | None = None, exclude: list[str] | None = None) -> RenderConfig:
    """Render the main build: everything but ``tag:topics`` and ``tag:insight``; each node's tests run with it.

    The graph comes from the manifest of ``include.warehouse.manifest`` (re-parsed only when
    the project changes), so parsing the DAG needs neither ``dbt ls`` nor the metadata DB.
    """
    return RenderConfig(
        load_method=LoadMode.DBT_MANIFEST,
        select=select or [],
        exclude=exclude if exclude is not None else ["tag:topics", "tag:insight"],
        # watcher: the producer's single `dbt build` runs the tests; sensors report them per node
        test_behavior=TestBehavior.AFTER_EACH if cosmos_mode() == "watcher" else TestBehavior.BUILD,
        should_detach_multiple_parents_tests=cosmos_mode() == "per_model",
        enable_mock_profile=False,
    )


def operator_args() -> dict[str, Any]:
    """Arguments of every cosmos task: one warehouse writer at a time (pool ``warehouse``).

    The dbt variables reach the tasks through ``ProjectConfig.env_vars``.
    """
    return {
        "install_deps": False,
        "pool": WAREHOUSE_POOL,
    }
