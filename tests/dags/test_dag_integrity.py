"""Every DAG imports cleanly and follows the house rules (Astronomer-style integrity test).

Needs no secrets: DAG files must not read connections or variables at parse time.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"
DAG_FILES = sorted(p for p in DAGS_DIR.glob("*.py") if not p.name.startswith("_"))


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_there_are_dags():
    assert DAG_FILES, "no DAG files found"


def test_no_import_errors(dagbag):
    assert not dagbag.import_errors, "\n".join(f"{k}: {v}" for k, v in dagbag.import_errors.items())


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda p: p.stem)
def test_one_dag_per_file_named_after_it(dagbag, dag_file):
    dag_ids = [dag_id for dag_id, dag in dagbag.dags.items() if Path(dag.fileloc).name == dag_file.name]
    assert dag_ids == [dag_file.stem]


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda p: p.stem)
def test_house_rules(dagbag, dag_file):
    dag = dagbag.dags.get(dag_file.stem)
    assert dag is not None
    assert dag.tags, "tag every DAG"
    assert dag.doc_md and "Purpose" in dag.doc_md, "doc_md with a Purpose section"
    assert dag.catchup is False
    assert dag.max_active_runs == 1, "the DuckDB warehouse takes one writer"
    for task in dag.tasks:
        assert task.owner and task.owner != "airflow", f"{task.task_id}: set an owner"
    assert any(task.retries for task in dag.tasks), "set retries in default_args"


def test_dags_do_no_heavy_imports_at_parse_time():
    import subprocess
    import sys

    code = (
        "import sys, runpy, glob\n"
        f"for f in sorted(glob.glob({str(DAGS_DIR)!r} + '/*.py')): runpy.run_path(f)\n"
        "heavy = [m for m in ('bertopic', 'torch', 'sentence_transformers', 'great_expectations', 'umap') "
        "if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    [marker] = [line for line in out.stdout.splitlines() if line.startswith("HEAVY=")]
    assert marker == "HEAVY=", f"heavy modules imported at parse time: {marker}"
