"""The topic engine over the warehouse: what ``xe topics`` and the ``voc_topics`` DAG run.

Public API::

    from ml.pipeline import fit, assign, run, refit_due, build_topic_models

Modules: :mod:`~ml.pipeline.jobs` (fit / assign / run), :mod:`~ml.pipeline.warehouse`
(read ``marts.fct_interactions``, write ``voc.*``), :mod:`~ml.pipeline.dbt` (the dbt models
tagged ``topics``).
"""

from ml.pipeline.dbt import build_topic_models
from ml.pipeline.jobs import assign, build_outputs, fit, run
from ml.topics.lifecycle import refit_due

__all__ = ["assign", "build_outputs", "build_topic_models", "fit", "refit_due", "run"]
