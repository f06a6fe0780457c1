"""Versioned topic models on disk: save, load, ``LATEST``, analyst label overrides.

Layout under ``settings().model_dir / "topics"``::

    <version>/bertopic/         BERTopic saved with serialization="safetensors"
    <version>/centroids.safetensors   stable-id-ordered topic centroids (assignment), the
                                pre-merge sub-centroids assignment goes through, and the
                                student-space centroids used by fast assignment
    <version>/student.safetensors     static student embedder (ml.assign.student), + student_vocab.json
    <version>/topics.json       topic table: stable id, label, keywords, size, status, ...
    <version>/params.json       TopicConfig, embedding spec, training window, seed
    <version>/metrics.json      fit metrics (docs, topics, seconds, matches)
    LATEST                      name of the current version

Crash safety: a version is written into ``.tmp-<version>-<pid>-<random>/`` and renamed into
place only when complete; ``LATEST`` is replaced atomically afterwards (``os.replace``), and
both steps run under ``.store.lock`` so concurrent fits never pick the same name. A process
killed mid-save therefore leaves a hidden temporary folder and the previous ``LATEST``;
:func:`remove_partial_versions` deletes such leftovers (the fit calls it first).

How versions are fitted and how ids stay stable across refits: :mod:`ml.topics.lifecycle`.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ml.topics.config import TopicConfig


def topics_root(model_dir: Path | None = None) -> Path:
    """Folder that holds all topic-model versions."""
    if model_dir is None:
        from include.config import settings

        model_dir = settings().model_dir
    return Path(model_dir) / "topics"


@dataclass
class TopicVersion:
    """A saved (or about to be saved) topic-model version.

    Attributes:
        version: Version name (``vYYYYMMDDTHHMMSSZ``).
        config: Fit configuration.
        embedding_spec: Concrete embedder spec the model was fitted with.
        topic_ids: Stable topic id per centroid row.
        centroids: ``(k, dim)`` unit centroids, row i belongs to ``topic_ids[i]``.
        topics: Topic table rows (dicts) incl. vanished topics.
        params: Extra parameters (window, counts).
        metrics: Fit metrics.
        path: Folder when saved/loaded.
        student: Static student for fast assignment (``None`` when not trained).
        student_centroids: ``(k, d)`` unit centroids in the student's topic space, same row order.
        sub_centroids: ``(k_sub, dim)`` unit centroids of the topics before the conversation and
            language merges (None when nothing was merged); assignment takes the topic of the
            nearest one (:func:`ml.topics.model.assign_to_topics`).
        sub_rows: ``(k_sub,)`` row of ``centroids`` each sub-centroid belongs to.
        sentiment_head: The warehouse-fitted sentiment head of the refit
            (:class:`ml.sentiment.SentimentClassifier`, saved as ``sentiment_head.npz`` + ``.json``;
            ``None`` when the window had too few rated texts, or for a version saved before heads
            were fitted): assignment scores with it the substantive texts of the channels its
            rated texts came from (``meta["channels"]``; :func:`ml.pipeline.jobs.rescore_with_fitted_head`).
    """

    version: str
    config: TopicConfig
    embedding_spec: str
    topic_ids: list[int]
    centroids: np.ndarray
    topics: list[dict]
    params: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    path: Path | None = None
    student: object | None = None
    student_centroids: np.ndarray | None = None
    sub_centroids: np.ndarray | None = None
    sub_rows: np.ndarray | None = None
    sentiment_head: object | None = None

    def nearest_topics(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(row, probability)`` of each ``(n, dim)`` unit vector: row of :attr:`centroids` /
        :attr:`topic_ids` (:func:`ml.topics.model.assign_to_topics`, through the sub-centroids when saved)."""
        from ml.topics.model import assign_to_topics

        return assign_to_topics(vectors, self.centroids, self.sub_centroids, self.sub_rows)

    def topic_similarities(self, vectors: np.ndarray) -> np.ndarray:
        """``(n, k)`` cosine similarity of each vector to each topic (its nearest sub-centroid when saved)."""
        from ml.topics.model import topic_similarities

        return topic_similarities(vectors, self.centroids, self.sub_centroids, self.sub_rows)

    @property
    def max_topic_id(self) -> int:
        """Largest stable id ever issued up to this version."""
        return int(self.params.get("max_topic_id", max(self.topic_ids, default=-1)))


def new_version_name(root: Path, now: datetime | None = None) -> str:
    """A sortable, unique version name."""
    now = now or datetime.now(UTC)
    base = "v" + now.strftime("%Y%m%dT%H%M%SZ")
    name, n = base, 1
    while (root / name).exists():
        name, n = f"{base}-{n}", n + 1
    return name


def _python_int_keys(model) -> None:
    """BERTopic's JSON writer cannot encode numpy integers (dict keys, vocabulary); make them plain ints."""
    for attr in ("topic_representations_", "topic_sizes_", "representative_docs_"):
        value = getattr(model, attr, None)
        if isinstance(value, dict):
            setattr(model, attr, type(value)({int(k): v for k, v in value.items()}))
    vectorizer = getattr(model, "vectorizer_model", None)
    if getattr(vectorizer, "vocabulary_", None) is not None:
        vectorizer.vocabulary_ = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    aspects = getattr(model, "topic_aspects_", None)
    if isinstance(aspects, dict):
        model.topic_aspects_ = {a: {int(k): v for k, v in d.items()} for a, d in aspects.items()}


#: file stem of a version's warehouse-fitted sentiment head (``.npz`` arrays + ``.json`` meta)
SENTIMENT_HEAD = "sentiment_head"
PARTIAL_PREFIX = ".tmp-"
STORE_LOCK = ".store.lock"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def remove_partial_versions(root: Path | None = None) -> list[str]:
    """Delete what a fit killed mid-save left under the topics root; never touches a live save.

    Leftovers are ``.tmp-<version>-<pid>-<random>/`` folders and ``.LATEST.<pid>.<random>.tmp``
    files whose writing process (the pid in the name) no longer runs on this machine.

    Returns:
        The names removed.
    """
    root = root or topics_root()
    if not root.is_dir():
        return []
    removed = []
    for entry in root.iterdir():
        if entry.name.startswith(PARTIAL_PREFIX):
            pid_text = entry.name[len(PARTIAL_PREFIX):].rsplit("-", 2)[-2]
        elif entry.name.startswith(".LATEST.") and entry.name.endswith(".tmp"):
            pid_text = entry.name.split(".")[2]
        else:
            continue
        if pid_text.isdigit() and _pid_alive(int(pid_text)):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry.name)
    return sorted(removed)


def _write_pointer(root: Path, name: str) -> None:
    """Point ``LATEST`` at ``name`` atomically (write a unique temporary file, fsync, ``os.replace``)."""
    tmp = root / f".LATEST.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    with tmp.open("w") as handle:
        handle.write(name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / "LATEST")


def save_version(version: TopicVersion, bertopic_model, root: Path | None = None) -> Path:
    """Write a version folder and point ``LATEST`` at it, crash-safely (see the module doc).

    The folder is written under a temporary name and renamed into place complete; should
    another process have taken ``version.version`` meanwhile, a fresh name is chosen and
    ``version.version`` updated.

    Args:
        version: Version metadata, centroids and topic table.
        bertopic_model: The fitted BERTopic model (saved with safetensors, no embedding model).
        root: Topics root (default :func:`topics_root`).

    Returns:
        The version folder.
    """
    from filelock import FileLock
    from safetensors.numpy import save_file

    root = root or topics_root()
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"{PARTIAL_PREFIX}{version.version}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    try:
        if bertopic_model is not None:
            import logging

            _python_int_keys(bertopic_model)
            logger = logging.getLogger("BERTopic")
            level = logger.level
            logger.setLevel(logging.ERROR)  # the embedding model is recorded in params.json, not in BERTopic
            try:
                bertopic_model.save(
                    str(folder / "bertopic"), serialization="safetensors", save_ctfidf=True, save_embedding_model=False
                )
            finally:
                logger.setLevel(level)
        tensors = {"centroids": np.ascontiguousarray(version.centroids, dtype=np.float32),
                   "topic_ids": np.asarray(version.topic_ids, dtype=np.int64)}
        if version.student is not None and version.student_centroids is not None:
            version.student.save(folder)
            tensors["student_centroids"] = np.ascontiguousarray(version.student_centroids, dtype=np.float32)
        if version.sub_centroids is not None:
            tensors["sub_centroids"] = np.ascontiguousarray(version.sub_centroids, dtype=np.float32)
            tensors["sub_rows"] = np.asarray(version.sub_rows, dtype=np.int64)
        save_file(tensors, str(folder / "centroids.safetensors"))
        if version.sentiment_head is not None:
            version.sentiment_head.save(folder / SENTIMENT_HEAD)
        params = {
            **version.params,
            "config": version.config.to_dict(),
            "embedding_spec": version.embedding_spec,
            "max_topic_id": version.max_topic_id,
        }
        (folder / "params.json").write_text(json.dumps(params, indent=2, default=str))
        (folder / "metrics.json").write_text(json.dumps(version.metrics, indent=2, default=str))
        (folder / "topics.json").write_text(json.dumps(version.topics, indent=2, ensure_ascii=False, default=str))
        with FileLock(root / STORE_LOCK, timeout=60):
            if (root / version.version).exists():  # a concurrent fit took the name
                version.version = new_version_name(root)
            folder = folder.rename(root / version.version)
            _write_pointer(root, version.version)
    except BaseException:
        if folder.name.startswith(PARTIAL_PREFIX):  # failed before the rename: nothing half-written stays
            shutil.rmtree(folder, ignore_errors=True)
        raise
    version.path = folder
    return folder


def latest_version_name(root: Path | None = None) -> str | None:
    """Name of the current version, or ``None`` when nothing is saved."""
    root = root or topics_root()
    pointer = root / "LATEST"
    return pointer.read_text().strip() if pointer.exists() else None


def load_version(name: str | None = None, root: Path | None = None) -> TopicVersion:
    """Load a saved version (default: ``LATEST``) without its BERTopic model.

    Raises:
        FileNotFoundError: When no model has been fitted yet or the version is missing.
    """
    from safetensors.numpy import load_file

    from ml.assign.student import StaticStudent

    root = root or topics_root()
    name = name or latest_version_name(root)
    if not name:
        raise FileNotFoundError(f"no topic model saved under {root}; run `xe topics fit` first")
    folder = root / name
    if not folder.exists():
        raise FileNotFoundError(f"topic model version {name} not found under {root}")
    tensors = load_file(str(folder / "centroids.safetensors"))
    params = json.loads((folder / "params.json").read_text())
    return TopicVersion(
        version=name,
        config=TopicConfig.from_dict(params.get("config", {})),
        embedding_spec=params["embedding_spec"],
        topic_ids=[int(i) for i in tensors["topic_ids"]],
        centroids=tensors["centroids"],
        topics=json.loads((folder / "topics.json").read_text()),
        params=params,
        metrics=json.loads((folder / "metrics.json").read_text()),
        path=folder,
        student=StaticStudent.load(folder) if "student_centroids" in tensors else None,
        student_centroids=tensors.get("student_centroids"),
        sub_centroids=tensors.get("sub_centroids"),  # None for a version saved before sub-centroids
        sub_rows=tensors.get("sub_rows"),
        sentiment_head=_load_sentiment_head(folder),
    )


def _load_sentiment_head(folder: Path):
    """The version's warehouse-fitted sentiment head, or ``None`` when it has none."""
    if not (folder / f"{SENTIMENT_HEAD}.npz").exists():
        return None
    from ml.sentiment import SentimentClassifier

    return SentimentClassifier.load(folder / SENTIMENT_HEAD)  # the USE embedder loads on first use


def load_bertopic(version: TopicVersion):
    """Load the BERTopic model saved with a version (safetensors; no embedding model)."""
    from bertopic import BERTopic

    if version.path is None:
        raise ValueError("version has no folder; save or load it first")
    return BERTopic.load(str(version.path / "bertopic"))


def load_label_overrides(path: Path | None = None) -> dict[int, dict]:
    """Read analyst overrides keyed by stable topic id.

    The YAML file (default ``EE_LABEL_OVERRIDES``: ``topic_label_overrides.yml`` at the project
    root, versioned in git beside the code) maps ids to a label string or
    to ``{label: ..., service_element: ...}``. Missing file -> no overrides.

    Raises:
        ValueError: On a malformed file (clear message naming the bad entry).
    """
    import yaml

    if path is None:
        from include.config import settings

        path = settings().label_overrides
    if not Path(path).exists():
        return {}
    data = yaml.safe_load(Path(path).read_text()) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of topic id -> label, got {type(data).__name__}")
    out: dict[int, dict] = {}
    for key, value in data.items():
        try:
            topic_id = int(key)
        except (TypeError, ValueError):
            raise ValueError(f"{path}: topic id {key!r} is not an integer") from None
        if isinstance(value, str):
            out[topic_id] = {"label": value}
        elif isinstance(value, dict):
            out[topic_id] = {k: str(v) for k, v in value.items() if k in ("label", "service_element")}
        else:
            raise ValueError(f"{path}: entry {key!r} must be a string or a mapping")
    return out


def apply_overrides(topics: list[dict], overrides: dict[int, dict]) -> list[dict]:
    """Return topic rows with analyst labels / service elements applied (model values kept as ``model_label``)."""
    out = []
    for row in topics:
        row = dict(row)
        override = overrides.get(int(row["topic_id"]), {})
        if "label" in override:
            row["model_label"] = row.get("label")
            row["label"] = override["label"]
        if "service_element" in override:
            row["service_element"] = override["service_element"]
        out.append(row)
    return out
