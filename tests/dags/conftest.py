"""Shared fixture of the DAG tests: parse one DAG file with Airflow's DagBag."""

from __future__ import annotations

import os

import pytest

from include.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def parsed_dag(tmp_path_factory):
    """``parsed_dag(dag_id)``: the DAG of ``dags/<dag_id>.py``, parsed without import errors."""
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    def parse(dag_id: str):
        bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / f"{dag_id}.py"))
        assert not bag.import_errors, bag.import_errors
        return bag.dags[dag_id]

    return parse
