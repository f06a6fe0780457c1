"""Benchmarks for the topic engine; prints figures (no assertions).

Phases (each in its own process so peak RSS and cold-start costs are measured separately):

* ``import_cold`` / ``import`` — import of bertopic/umap and the first UMAP fit in a fresh
  process, with an empty numba cache and with the persistent ``NUMBA_CACHE_DIR``.
* ``assign``  — end-to-end assignment of new short messages with a saved model: embedding
  (no cache hits), nearest-centroid topic, sentiment. Prints docs/s for the ``accurate``
  mode (the model's embeddings), the ``balanced`` mode (student + real embeddings where it
  is unsure) and the ``fast`` mode (the student alone), and how often each agrees with
  ``accurate`` on the topic and sentiment label.
* ``assign_en`` — the same on English-only traffic: a model fitted on ``--assign-fit-n``
  Banking77 train texts assigns the 3,080 test texts; docs/s and NMI per mode.
* ``refit``   — production refit on ``--n`` texts (embedding excluded: cached by then; the
  embedding time of cache misses is printed separately), peak RSS.
* ``naive``   — BERTopic defaults (UMAP + HDBSCAN) re-fitted on the same ``--n`` texts and
  embeddings, the "refit on all history" baseline; the run prints the ratio.

Texts come from ../shared/data (Chinese reviews, English banking queries); above the number
of distinct texts, extra distinct texts are made by joining two real ones.

Usage: ``xe bench topics [--n 200000] [--assign-n 5000] [--phases import,assign,assign_en,refit,naive]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def bench_texts(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct real customer texts (zh + en) from ../shared/data.

    Raises:
        SystemExit: When ../shared/data is absent.
    """
    import pandas as pd

    from include.config import settings

    root = settings().shared_data
    files = [
        (root / "online_shopping_10_cats" / "online_shopping_10_cats.csv", "review"),
        (root / "waimai_10k" / "waimai_10k.csv", "review"),
        (root / "banking77" / "train.csv", "text"),
        (root / "banking77" / "test.csv", "text"),
    ]
    texts: list[str] = []
    for path, col in files:
        if not path.exists():
            raise SystemExit(f"benchmark data {path} is absent (set EE_SHARED_DATA)")
        series = pd.read_csv(path, encoding="utf-8-sig")[col].fillna("").astype(str)
        texts.extend(t.replace("\ufeff", "").strip()[:300] for t in series)
    texts = list(dict.fromkeys(t for t in texts if t))
    rng = np.random.default_rng(seed)
    rng.shuffle(texts)
    out = texts[:n]
    seen = set(out)
    while len(out) < n:
        a, b = rng.integers(0, len(texts), 2)
        joined = f"{texts[a]} {texts[b]}"
        if joined not in seen:
            seen.add(joined)
            out.append(joined)
    return out


def short_messages(n: int, seed: int = 1) -> list[str]:
    """``n`` distinct short chat-like messages (first clause of real texts + a counter)."""
    base = bench_texts(min(n, 20000), seed)
    out = []
    for i in range(n):
        clause = base[i % len(base)].replace("。", "，").split("，")[0][:40]
        out.append(f"{clause} #{i}")
    return out


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def phase_import() -> dict:
    t0 = time.perf_counter()
    import bertopic  # noqa: F401
    import umap

    t1 = time.perf_counter()
    x = np.random.default_rng(0).normal(size=(300, 32)).astype(np.float32)
    umap.UMAP(n_neighbors=15, n_components=5, random_state=0, n_jobs=1).fit_transform(x)
    return {"import_s": round(t1 - t0, 1), "first_umap_fit_s": round(time.perf_counter() - t1, 1),
            "numba_cache_dir": os.environ.get("NUMBA_CACHE_DIR", "")}


def phase_assign(n: int, fit_n: int) -> dict:
    from ml.assign.modes import assign_documents
    from ml.topics.config import TopicConfig
    from ml.topics.lifecycle import fit_version
    from ml.topics.store import load_version

    root = Path(tempfile.mkdtemp(prefix="ml-bench-models-"))
    fit_version(bench_texts(fit_n), TopicConfig(), root=root)
    version = load_version(root=root)
    messages = short_messages(n)
    out = {"assign_docs": n, "embedding": version.embedding_spec}
    accurate = None
    for mode in ("accurate", "balanced", "fast"):
        assign_documents(messages[:50], version, mode=mode)  # warm-up: model loading is not per-document cost
        os.environ["EE_DATA_DIR"] = tempfile.mkdtemp(prefix="ml-bench-cache-")  # no cache hits
        t0 = time.perf_counter()
        result = assign_documents(messages, version, mode=mode)
        seconds = time.perf_counter() - t0
        prefix = "assign" if mode == "accurate" else f"assign_{mode}"
        out[f"{prefix}_docs_per_s"] = round(n / seconds, 1)
        if accurate is None:
            accurate = result
            out["assign_seconds"] = round(seconds, 1)
            out["topics"] = int(len(set(result.topic_ids.tolist())))
            t0 = time.perf_counter()  # the same texts again: every embedding is a cache hit now
            assign_documents(messages, version, with_sentiment=False)
            out["assign_cached_docs_per_s"] = round(n / (time.perf_counter() - t0), 1)
            continue
        out[f"{mode}_topic_agreement"] = round(float(np.mean(result.topic_ids == accurate.topic_ids)), 4)
        out[f"{mode}_sentiment_agreement"] = round(float(np.mean(
            np.asarray(result.sentiment_labels) == np.asarray(accurate.sentiment_labels))), 4)
        if mode == "balanced":
            out["balanced_escalated_share"] = round(result.escalated / n, 4)
    for key in ("student_agreement", "balanced_margin", "balanced_escalation", "balanced_agreement"):
        out[f"{key}_at_fit"] = version.metrics.get(key)
    return out


def phase_assign_en(fit_n: int) -> dict:
    """English-only traffic: fit on Banking77 train texts, assign the 3,080 test texts in every mode."""
    import pandas as pd
    from sklearn.metrics import normalized_mutual_info_score

    from include.config import settings
    from ml.assign.modes import assign_documents
    from ml.topics.config import TopicConfig
    from ml.topics.lifecycle import fit_version
    from ml.topics.store import load_version

    folder = settings().shared_data / "banking77"
    if not (folder / "test.csv").exists():
        raise SystemExit(f"benchmark data {folder} is absent (set EE_SHARED_DATA)")
    train = pd.read_csv(folder / "train.csv").sample(fit_n, random_state=0)["text"].tolist()
    test = pd.read_csv(folder / "test.csv")
    texts, labels = test["text"].tolist(), test["category"].tolist()
    root = Path(tempfile.mkdtemp(prefix="ml-bench-models-"))
    fit_version(train, TopicConfig(), root=root)
    version = load_version(root=root)
    out = {"assign_en_docs": len(texts), "assign_en_embedding": version.embedding_spec}
    accurate = None
    for mode in ("accurate", "balanced", "fast"):
        assign_documents(texts[:50], version, mode=mode)  # warm-up
        os.environ["EE_DATA_DIR"] = tempfile.mkdtemp(prefix="ml-bench-cache-")  # no cache hits
        t0 = time.perf_counter()
        result = assign_documents(texts, version, mode=mode)
        out[f"assign_en_{mode}_docs_per_s"] = round(len(texts) / (time.perf_counter() - t0), 1)
        out[f"assign_en_{mode}_nmi"] = round(float(normalized_mutual_info_score(labels, result.topic_ids)), 4)
        if accurate is None:
            accurate = result
        else:
            out[f"assign_en_{mode}_topic_agreement"] = round(float(np.mean(result.topic_ids == accurate.topic_ids)), 4)
        if mode == "balanced":
            out["assign_en_balanced_escalated_share"] = round(result.escalated / len(texts), 4)
    return out


def _embeddings(texts: list[str]) -> tuple[np.ndarray, str, float]:
    from ml.embedding import embed_with_cache, get_embedder, resolve_embedding_spec
    from ml.topics.config import TopicConfig

    spec = resolve_embedding_spec(TopicConfig().embedding_model, texts)
    t0 = time.perf_counter()
    emb = embed_with_cache(texts, get_embedder(spec), show_progress=True)
    return emb, spec, time.perf_counter() - t0


def phase_refit(n: int) -> dict:
    from ml.topics.config import TopicConfig
    from ml.topics.lifecycle import fit_version

    texts = bench_texts(n)
    emb, spec, embed_s = _embeddings(texts)
    root = Path(tempfile.mkdtemp(prefix="ml-bench-refit-"))
    t0 = time.perf_counter()
    result = fit_version(texts, TopicConfig(), root=root, embeddings=emb)
    return {"refit_docs": n, "refit_seconds": round(time.perf_counter() - t0, 1), "embed_seconds": round(embed_s, 1),
            "refit_peak_rss_mb": _peak_mb(), "refit_topics": result.version.metrics["n_topics"], "embedding": spec}


def phase_naive(n: int) -> dict:
    from bertopic import BERTopic

    from ml.topics.representation import make_vectorizer

    texts = bench_texts(n)
    emb, _, _ = _embeddings(texts)
    t0 = time.perf_counter()
    model = BERTopic(vectorizer_model=make_vectorizer(), calculate_probabilities=False)
    topics, _ = model.fit_transform(texts, emb)
    return {"naive_docs": n, "naive_seconds": round(time.perf_counter() - t0, 1), "naive_peak_rss_mb": _peak_mb(),
            "naive_topics": int(len(set(topics)) - (1 if -1 in topics else 0)),
            "naive_outlier_rate": round(float(np.mean(np.asarray(topics) == -1)), 3)}


def _run_phase(phase: str, args: argparse.Namespace) -> dict:
    env = dict(os.environ)
    name = phase
    if phase == "import_cold":  # same as `import`, with an empty numba cache: the JIT cost a fresh process pays
        phase = "import"
        env["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="ml-bench-numba-")
    cmd = [sys.executable, "-m", "include.bench.topics", "--phase", phase, "--n", str(args.n),
           "--assign-n", str(args.assign_n), "--assign-fit-n", str(args.assign_fit_n)]
    print(f"[bench] {name} ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=env)
    if proc.returncode != 0:
        return {f"{name}_error": f"exit {proc.returncode}"}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if name != phase:
        out = {f"cold_{k}": v for k, v in out.items()}
        phase = name
    out[f"{phase}_process_seconds"] = round(time.perf_counter() - t0, 1)
    print(f"[bench] {phase}: {json.dumps(out)}", file=sys.stderr, flush=True)
    return out


def run_bench(n: int = 200_000, assign_n: int = 5_000, assign_fit_n: int = 5_000,
              phases: str = "import_cold,import,assign,assign_en,refit,naive") -> dict:
    """Run the phases, each in its own process; print progress on stderr and return the figures."""
    args = argparse.Namespace(n=n, assign_n=assign_n, assign_fit_n=assign_fit_n)
    results: dict = {"cores": os.cpu_count()}
    for phase in [p.strip() for p in phases.split(",") if p.strip()]:
        results.update(_run_phase(phase, args))
    if "refit_seconds" in results and "naive_seconds" in results:
        results["naive_over_refit_time_ratio"] = round(results["naive_seconds"] / max(results["refit_seconds"], 1e-9), 2)
    return results


def main(argv: list[str] | None = None) -> int:
    """Child-process entry point of one phase (``xe bench topics`` runs the phases)."""
    parser = argparse.ArgumentParser(prog="python -m include.bench.topics", description="One topic-engine benchmark phase.")
    parser.add_argument("--n", type=int, default=200_000, help="texts for the refit and naive phases")
    parser.add_argument("--assign-n", type=int, default=5_000, help="short messages to assign")
    parser.add_argument("--assign-fit-n", type=int, default=5_000, help="texts the assign phase's model is fitted on")
    parser.add_argument("--phases", default="import_cold,import,assign,assign_en,refit,naive",
                        help="comma-separated phases to run")
    parser.add_argument("--phase", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        result = {"import": phase_import, "assign": lambda: phase_assign(args.assign_n, args.assign_fit_n),
                  "assign_en": lambda: phase_assign_en(args.assign_fit_n),
                  "refit": lambda: phase_refit(args.n), "naive": lambda: phase_naive(args.n)}[args.phase]()
        print(json.dumps(result))
        return 0
    print(json.dumps(run_bench(args.n, args.assign_n, args.assign_fit_n, args.phases)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
