"""Topics: fit BERTopic versions with stable ids, label them, map them to service elements.

Public API::

    from ml.topics import TopicConfig, fit_version, load_version, latest_version_name

Modules: :mod:`~ml.topics.config` (the fit parameters), :mod:`~ml.topics.model` (BERTopic
over precomputed embeddings, centroids), :mod:`~ml.topics.clustering` (Ward cut at the best
silhouette), :mod:`~ml.topics.lexical` (character n-gram view before UMAP),
:mod:`~ml.topics.representation` (tokeniser and c-TF-IDF vectorizer),
:mod:`~ml.topics.lifecycle` (fit a version, stable ids, refit schedule),
:mod:`~ml.topics.store` (versions on disk, label overrides), :mod:`~ml.topics.taxonomy`
(topic -> service element).
"""

from ml.topics.config import TopicConfig
from ml.topics.lifecycle import FitResult, fit_version, match_topics, refit_due
from ml.topics.store import TopicVersion, latest_version_name, load_version, topics_root

__all__ = [
    "FitResult", "TopicConfig", "TopicVersion", "fit_version", "latest_version_name", "load_version",
    "match_topics", "refit_due", "topics_root",
]
