"""Measure the set-aside rules: demo ground truth (recall / precision) and real datasets (counts).

Paths are arguments; nothing here copies data. Run::

    python -m ml.setaside.evaluate demo /work/exp/demo7
    python -m ml.setaside.evaluate real /path/to/shared/data
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from ml.setaside.classifier import SetAside, counts, default_setaside

CHITCHAT_SUB_INTENTS = ("other.thanks", "other.greeting_chitchat", "other.request_human")
_PREFIX = {"cs_messages": "msg:", "reviews": "rev:", "nps_responses": "nps:", "social_mentions": "soc:"}


def demo_frame(demo_dir: str | Path) -> pd.DataFrame:
    """Ground-truth labels joined to the warehouse texts of a demo run."""
    import duckdb

    demo_dir = Path(demo_dir)
    gt = pd.read_parquet(demo_dir / "landing" / "_ground_truth" / "voice_labels.parquet")
    gt = gt.assign(interaction_id=gt["source"].map(_PREFIX) + gt["record_id"].astype(str))
    con = duckdb.connect(str(demo_dir / "warehouse.duckdb"), read_only=True)
    try:
        texts = con.sql("select interaction_id, text_redacted from marts.fct_interactions").df()
    finally:
        con.close()
    return gt[["interaction_id", "source", "sub_intent"]].merge(texts, on="interaction_id", how="inner")


def evaluate_demo(demo_dir: str | Path, model: SetAside | None = None, top: int = 20) -> dict:
    model = model or default_setaside()
    df = demo_frame(demo_dir)
    cls = model.classify(df["text_redacted"].tolist())
    df = df.assign(cls=cls, truth=df["sub_intent"].isin(CHITCHAT_SUB_INTENTS), pred=pd.notna(cls))
    tp = int((df.truth & df.pred).sum())
    result = {
        "rows": len(df),
        "truth": int(df.truth.sum()),
        "set_aside": int(df.pred.sum()),
        "recall": tp / max(int(df.truth.sum()), 1),
        "precision": tp / max(int(df.pred.sum()), 1),
        "counts": counts(cls),
        "recall_by_sub_intent": df[df.truth].groupby("sub_intent")["pred"].mean().round(4).to_dict(),
        "false_negatives": Counter(df.loc[df.truth & ~df.pred, "text_redacted"]).most_common(top),
        "false_positives": [
            (t, n, si) for (t, si), n in
            Counter(zip(df.loc[~df.truth & df.pred, "text_redacted"], df.loc[~df.truth & df.pred, "sub_intent"],
                        strict=True)).most_common(top)
        ],
    }
    return result


REAL_DATASETS = {
    "waimai_10k": ("waimai_10k/waimai_10k.csv", "review"),
    "online_shopping_10_cats": ("online_shopping_10_cats/online_shopping_10_cats.csv", "review"),
    "marc_zh": ("marc_zh/marc_zh.csv", "text"),
    "marc_en": ("marc_en/marc_en.csv", "text"),
    "airline_tweets_en": ("airline_tweets_en/airline_tweets_en.csv", "text"),
    "banking77": ("banking77/test.csv", "text"),
    "banking77_train": ("banking77/train.csv", "text"),
    "bank_comments_zh": ("bank_comments_zh/bank_comments_zh.csv", "text"),
}


def evaluate_real(shared_data: str | Path, model: SetAside | None = None, show: int = 30) -> dict:
    model = model or default_setaside()
    out = {}
    for name, (rel, col) in REAL_DATASETS.items():
        path = Path(shared_data) / rel
        if not path.exists():
            continue
        texts = pd.read_csv(path, dtype=str, keep_default_na=False)[col].tolist()
        cls = model.classify(texts)
        aside = [(t, c) for t, c in zip(texts, cls, strict=True) if c is not None]
        out[name] = {"counts": counts(cls), "examples": Counter(aside).most_common(show)}
    return out


def main(argv: list[str]) -> None:
    if len(argv) != 2 or argv[0] not in {"demo", "real"}:
        raise SystemExit("usage: python -m ml.setaside.evaluate demo DEMO_DIR | real SHARED_DATA_DIR")
    if argv[0] == "demo":
        r = evaluate_demo(argv[1])
        print({k: r[k] for k in ("rows", "truth", "set_aside", "recall", "precision", "counts",
                                 "recall_by_sub_intent")})
        print("-- missed (chit-chat sub-intent, not set aside):")
        for t, n in r["false_negatives"]:
            print(f"  {n:4d}  {t}")
        print("-- set aside but not a chit-chat sub-intent:")
        for t, n, si in r["false_positives"]:
            print(f"  {n:4d}  {si:28s} {t}")
    else:
        for name, r in evaluate_real(argv[1]).items():
            print(f"== {name}: {r['counts']}")
            for (t, c), n in r["examples"]:
                print(f"  {n:4d}  {c:11s} {t[:100]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
