"""Benchmark the redactor on a demo landing zone's voice texts: texts per second.

    xe demo generate --landing /tmp/me/landing --seed 42 --quiet
    python -m include.privacy.bench --landing /tmp/me/landing

Prints one JSON line: texts, distinct texts, seconds, texts_per_second (every text redacted,
no cache), distinct_texts_per_second (what the warehouse step pays: it redacts each distinct
text once), the share of texts with personal data, and recall on the generator's planted
values (include.demo.text.planted_pii).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def run(landing: Path, limit: int | None = None) -> dict:
    import pandas as pd

    from include.demo.text import planted_pii
    from include.privacy.redactor import redact, redact_many, redactor_version

    texts = pd.read_parquet(Path(landing) / "_ground_truth" / "voice_labels.parquet", columns=["text"])["text"]
    texts = texts.dropna().astype(str).tolist()[:limit]
    redact("warm up 13812345678 广东省广州市天河区体育西路1号")  # rules, cpca and phonenumbers metadata loaded
    started = time.perf_counter()
    results = [redact(t) for t in texts]
    seconds = time.perf_counter() - started
    distinct = list(dict.fromkeys(texts))
    started = time.perf_counter()
    redact_many(distinct)
    distinct_seconds = time.perf_counter() - started
    planted = [(t, p) for t in distinct if (p := planted_pii(t))]
    by_text = dict(zip(texts, results, strict=True))
    caught = sum(1 for t, (_, value) in planted if value not in by_text[t].text)
    return {"texts": len(texts), "distinct_texts": len(distinct), "seconds": round(seconds, 2),
            "texts_per_second": round(len(texts) / seconds), "distinct_texts_per_second":
            round(len(distinct) / distinct_seconds), "share_with_pii": round(sum(bool(r.spans) for r in results)
                                                                            / max(len(texts), 1), 4),
            "planted": len(planted), "planted_recall": round(caught / len(planted), 4) if planted else None,
            "redactor_version": redactor_version()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True, help="demo landing zone (xe demo generate)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N texts")
    print(json.dumps(run(parser.parse_args().landing, parser.parse_args().limit)))
