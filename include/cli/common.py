"""What every ``xe`` command shares: options, JSON output, error handling, offline defaults.

Exit codes (scripts can rely on them):

* ``0`` — success;
* ``1`` — the work failed (a DAG, dbt or a model step failed; the message says where the log is);
* ``2`` — bad input: a usage error, a missing file or column, a value out of range.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

#: switches every command sets unless the environment already has them (no network, no telemetry)
OFFLINE_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_offline_defaults() -> None:
    """Set :data:`OFFLINE_DEFAULTS` and the project's cache folders where the environment has none."""
    from include.config import PROJECT_ROOT, settings

    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("EE_HOME", str(PROJECT_ROOT))
    data = settings().data_dir
    os.environ.setdefault("NUMBA_CACHE_DIR", str(data / "numba_cache"))
    os.environ.setdefault("AIRFLOW__COSMOS__CACHE_DIR", str(data / "cosmos_cache"))


class InputError(click.ClickException):
    """Bad input from the user: printed as ``error: ...``, exit code 2."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message


class WorkFailed(click.ClickException):
    """The work itself failed: printed as ``error: ...``, exit code 1."""

    exit_code = 1


#: exceptions that mean "the input is wrong" (exit 2); the other handled ones mean "the work failed" (exit 1)
INPUT_ERRORS: tuple[type[BaseException], ...] = (FileNotFoundError, NotADirectoryError, KeyError, ValueError)


def handled_errors() -> tuple[type[BaseException], ...]:
    """Every exception type ``xe`` turns into a one-line error (the rest show a traceback: a bug)."""
    import subprocess

    from include.warehouse.dbt_runner import DbtError

    extra: list[type[BaseException]] = []
    for module, name in (("duckdb", "Error"), ("psycopg2", "Error")):  # database errors: one line, exit 1
        try:
            extra.append(getattr(__import__(module), name))
        except (ImportError, AttributeError):
            pass
    return (*INPUT_ERRORS, RuntimeError, DbtError, subprocess.CalledProcessError, OSError, *extra)


def warehouse_option(func):
    """``--warehouse FILE``: the DuckDB warehouse (default ``EE_WAREHOUSE``)."""
    return click.option("--warehouse", type=click.Path(path_type=Path, dir_okay=False), default=None,
                        help="DuckDB warehouse file (default EE_WAREHOUSE: data/warehouse.duckdb).")(func)


def landing_option(func):
    """``--landing DIR`` (alias ``--landing-dir``, as the variable's name): the landing zone (default ``EE_LANDING_DIR``)."""
    return click.option("--landing", "--landing-dir", "landing", type=click.Path(path_type=Path, file_okay=False),
                        default=None, help="Landing zone folder (default EE_LANDING_DIR: data/landing).")(func)


def json_option(func):
    """``--json``: print only one JSON line (for scripts)."""
    return click.option("--json", "as_json", is_flag=True, help="Print only one JSON line (for scripts).")(func)


def model_root_option(func):
    """``--model-root DIR``: the topic-model folder (default ``<EE_MODEL_DIR>/topics``)."""
    return click.option("--model-root", type=click.Path(path_type=Path, file_okay=False), default=None,
                        help="Topic models folder (default <EE_MODEL_DIR>/topics: models/topics).")(func)


def emit_json(result: dict) -> None:
    """Print ``result`` as one JSON line on stdout (always the last line an evaluation prints)."""
    click.echo(json.dumps(result, ensure_ascii=False, default=str))


def note(message: str) -> None:
    """A progress or summary line for people, on stderr (stdout stays clean for JSON)."""
    click.echo(message, err=True)


def debug_enabled() -> bool:
    """``EE_DEBUG=1`` shows tracebacks instead of one-line errors."""
    return os.environ.get("EE_DEBUG", "").strip().lower() in {"1", "true", "yes"}


def fail_cleanly(exc: BaseException) -> None:
    """Turn a known exception into a one-line error with the documented exit code."""
    if debug_enabled():
        raise exc
    message = str(exc).strip() or type(exc).__name__
    if isinstance(exc, KeyError) and exc.args:
        message = str(exc.args[0])
    if isinstance(exc, INPUT_ERRORS):
        raise InputError(message) from exc
    raise WorkFailed(message) from exc

