"""Evaluation: score the pipeline's own output against labelled data (``xe eval``).

Public API::

    from ml.evaluation import evaluate_topics, evaluate_sentiment, evaluate_demo, load_labelled_csv, describe_dropped

Modules: :mod:`~ml.evaluation.datasets` (labelled CSVs with splits), :mod:`~ml.evaluation.metrics`
(NMI, ARI, purity, accuracy, macro-F1), :mod:`~ml.evaluation.topics`,
:mod:`~ml.evaluation.sentiment`, :mod:`~ml.evaluation.demo` (a demo warehouse vs its ground truth),
:mod:`~ml.evaluation.mixed` (topics on a warehouse mixing sources and channels).
"""

from ml.evaluation.datasets import EvaluationInputError, describe_dropped, load_labelled_csv
from ml.evaluation.demo import evaluate_demo
from ml.evaluation.sentiment import evaluate_sentiment
from ml.evaluation.topics import evaluate_topics

__all__ = ["EvaluationInputError", "describe_dropped", "evaluate_demo", "evaluate_sentiment", "evaluate_topics", "load_labelled_csv"]
