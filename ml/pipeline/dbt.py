"""Run the dbt models built on the topic outputs (``dbt build --select tag:topics``).

Tolerates an empty selection (the topic marts may not exist yet): dbt then reports that
nothing was selected, which is logged as a warning instead of failing the run.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

NOTHING_SELECTED = ("does not match any enabled nodes", "Nothing to do", "No nodes selected")


def build_topic_models(warehouse=None) -> dict:
    """Build dbt models tagged ``topics`` in ``dbt_project/``.

    Returns:
        ``{"status": "built" | "nothing_selected", "seconds": ...}``.

    Raises:
        include.warehouse.dbt_runner.DbtError: When dbt fails for any other reason.
    """
    from include.warehouse.dbt_runner import DbtError, run_dbt

    run = run_dbt(["build", "--select", "tag:topics"], warehouse=warehouse, check=False)
    if any(marker in run.output for marker in NOTHING_SELECTED):
        log.warning("dbt selected no nodes for tag:topics (marts.agg_topic_weekly not built yet); skipping")
        return {"status": "nothing_selected", "seconds": round(run.seconds, 1)}
    if run.returncode != 0:
        raise DbtError(f"dbt build --select tag:topics failed (exit {run.returncode}):\n{run.output[-4000:]}")
    return {"status": "built", "seconds": round(run.seconds, 1)}
