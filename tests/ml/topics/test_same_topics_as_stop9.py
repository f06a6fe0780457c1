"""Behaviour kept through the ml/ restructuring: the same topics on the same input.

``tests/ml/golden/stop9_assignments.json`` was written by the code as it was before the
subpackages (stop 9): a version fitted on the fixed corpus (:mod:`tests.ml.corpus`) with
the default configuration, then every assignment mode on :data:`tests.ml.corpus.NEW_TEXTS`.
Topic ids are compared as partitions (ARI) and as ids; both must be identical.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from tests.ml.corpus import NEW_TEXTS

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "stop9_assignments.json"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def refit(corpus, tmp_path_factory):
    from ml.assign import assign_documents
    from ml.topics import TopicConfig, fit_version, load_version

    root = tmp_path_factory.mktemp("golden_models")
    result = fit_version(corpus[0], TopicConfig(seed=42), root=root)
    version = load_version(root=root)
    out = {"fit_topic_ids": [int(x) for x in result.topic_ids], "embedding_spec": version.embedding_spec,
           "labels": [t["label"] for t in version.topics]}
    for mode in ("accurate", "balanced", "fast"):
        assignment = assign_documents(NEW_TEXTS, version, mode=mode)
        out[f"assign_{mode}"] = [int(x) for x in assignment.topic_ids]
        out[f"sentiment_{mode}"] = list(assignment.sentiment_labels)
    return out


def test_same_embedding_and_training_topics(refit):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert refit["embedding_spec"] == golden["embedding_spec"], "the default encoders changed (make install?)"
    assert adjusted_rand_score(golden["fit_topic_ids"], refit["fit_topic_ids"]) == 1.0
    assert refit["fit_topic_ids"] == golden["fit_topic_ids"]
    assert refit["labels"] == golden["labels"]


@pytest.mark.parametrize("mode", ["accurate", "balanced", "fast"])
def test_same_assignment_and_sentiment_in_every_mode(refit, mode):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    same = np.mean(np.asarray(refit[f"assign_{mode}"]) == np.asarray(golden[f"assign_{mode}"]))
    assert same == 1.0, list(zip(NEW_TEXTS, golden[f"assign_{mode}"], refit[f"assign_{mode}"], strict=True))
    assert refit[f"sentiment_{mode}"] == golden[f"sentiment_{mode}"]
