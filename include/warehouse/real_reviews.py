"""Share of real review texts the service-element rules leave as ``other``.

Turns the public Chinese review sets in ``../shared/data`` (``waimai_10k`` food-delivery
reviews and ``online_shopping_10_cats`` e-commerce reviews) into landing-zone ``reviews``
files in a scratch directory, loads them with the ingestion loader into a scratch
warehouse, runs dbt there and prints the ``other`` share per dataset. Nothing is written
to the project's landing zone or warehouse, and the data is never committed.

    xe eval real-reviews --scratch data/real_reviews
    xe eval real-reviews --limit 2000      # a quick sample
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from include.config import settings

DATASETS = {
    # name: (relative csv path, platform the reviews are landed under)
    "waimai_10k": ("waimai_10k/waimai_10k.csv", "eleme"),
    "online_shopping_10_cats": ("online_shopping_10_cats/online_shopping_10_cats.csv", "tmall"),
}
START = date(2026, 9, 7)
DAYS = 28


@dataclass(frozen=True)
class RealReview:
    """One review row from a public dataset."""

    dataset: str
    row: int
    label: int
    category: str | None
    text: str


def read_dataset(name: str, shared_data: Path | None = None, limit: int | None = None) -> list[RealReview]:
    """Read one dataset's rows (BOMs inside fields are kept; the landing contract strips them).

    Raises:
        FileNotFoundError: the dataset is not under ``shared_data``.
        ValueError: unknown dataset name or the CSV lacks the ``label``/``review`` columns.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    path = Path(shared_data or settings().shared_data) / DATASETS[name][0]
    if not path.exists():
        raise FileNotFoundError(f"{path} not found (set EE_SHARED_DATA to the folder holding {name}/)")
    out: list[RealReview] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not {"label", "review"} <= set(reader.fieldnames or []):
            raise ValueError(f"{path} lacks the label/review columns: {reader.fieldnames}")
        for i, rec in enumerate(reader):
            if limit is not None and len(out) >= limit:
                break
            out.append(RealReview(name, i, int(rec["label"]), rec.get("cat"), rec["review"] or ""))
    return out


def event_slot(n: int, offset_minutes: int = 0) -> tuple[date, str]:
    """Partition day and event time of the ``n``-th landed record (0-based).

    Records are spread round-robin over ``DAYS`` days from ``START``, 7 minutes apart within
    a day, so every partition gets records and every event time lies inside its partition day.

    Returns:
        ``(day, timestamp)``: the ``dt=`` partition date and an ISO 8601 local time with the
        +08:00 offset (``offset_minutes`` later, e.g. a session's end), as the landing contract takes it.
    """
    day = START + timedelta(days=n % DAYS)
    at = datetime.combine(day, datetime.min.time()) + timedelta(minutes=(n * 7) % 1440 + offset_minutes)
    return day, at.isoformat(timespec="seconds") + "+08:00"


def write_landing(reviews: list[RealReview], landing_dir: Path) -> dict[str, int]:
    """Write the reviews as landing-zone ``reviews`` JSONL files, one partition per day.

    Stars follow the dataset label (1 -> 5 stars, 0 -> 1 star); texts are kept as they are
    (empty ones become null, as an export of a stars-only review would). Returns rows per
    partition date.
    """
    target = landing_dir / "reviews"
    if target.exists():
        shutil.rmtree(target)
    per_day: dict[date, list[str]] = {}
    for n, review in enumerate(reviews):
        day, created = event_slot(n)
        platform = DATASETS[review.dataset][1]
        record = {
            "review_id": f"{review.dataset}-{review.row}",
            "platform": platform,
            "platform_user_id": f"real-{review.dataset}-{review.row}",
            "product_id": f"REAL-{review.dataset}-{review.category or 'all'}"[:64],
            "stars": 5 if review.label == 1 else 1,
            "text": review.text if review.text.strip() else None,
            "created_at": created,
        }
        per_day.setdefault(day, []).append(json.dumps(record, ensure_ascii=False))
    for day, lines in per_day.items():
        part = target / f"dt={day.isoformat()}" / "part-0000.jsonl"
        part.parent.mkdir(parents=True, exist_ok=True)
        part.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {d.isoformat(): len(v) for d, v in sorted(per_day.items())}


def other_share_by_dataset(warehouse: Path) -> dict[str, dict[str, float]]:
    """``other`` share of the review interactions per dataset (review_id prefix)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("""
            select split_part(source_record_id, '-', 1) as dataset,
                   count(*) as n,
                   avg(case when service_element = 'other' then 1.0 else 0.0 end) as other_share
            from marts.fct_interactions
            where interaction_type = 'review'
            group by 1 order by 1""").fetchall()
        elements = con.execute("""
            select split_part(source_record_id, '-', 1) as dataset, service_element, count(*)
            from marts.fct_interactions group by 1, 2 order by 1, 3 desc""").fetchall()
    finally:
        con.close()
    result = {d: {"reviews": int(n), "other_share": float(s), "elements": {}} for d, n, s in rows}
    for d, element, n in elements:
        result[d]["elements"][element] = int(n)
    return result


def run(scratch: Path, limit: int | None = None, shared_data: Path | None = None) -> dict:
    """Land, load and build the real reviews in ``scratch``; return the ``other`` shares."""
    from include.ingestion.loader import load_source
    from include.warehouse.dbt_runner import run_dbt

    scratch.mkdir(parents=True, exist_ok=True)
    landing, warehouse = scratch / "landing", scratch / "warehouse.duckdb"
    if warehouse.exists():
        warehouse.unlink()
    started = time.perf_counter()
    reviews = [r for name in DATASETS for r in read_dataset(name, shared_data, limit)]
    print(f"read {len(reviews):,} reviews from {len(DATASETS)} datasets", file=sys.stderr)
    write_landing(reviews, landing)
    result = load_source("reviews", START, START + timedelta(days=DAYS), landing_dir=landing, warehouse=warehouse)
    print(f"loaded {result.rows_loaded:,} rows, quarantined {result.rows_quarantined:,}", file=sys.stderr)
    # seeds + models only: the generic tests would flag the reviews' unknown products and
    # accounts (no catalogue or accounts are landed here), which is expected
    run_dbt(["seed"], warehouse=warehouse, echo=False)
    print("dbt run ...", file=sys.stderr)
    run_dbt(["run", "--exclude", "tag:topics", "tag:insight"], warehouse=warehouse, echo=False)
    shares = other_share_by_dataset(warehouse)
    return {"reviews_read": len(reviews), "rows_loaded": result.rows_loaded,
            "rows_quarantined": result.rows_quarantined, "seconds": round(time.perf_counter() - started, 1),
            "datasets": shares}
