"""Command line: load landing partitions into the raw warehouse tables.

    python -m include.ingestion.load --start 2026-09-21 --end 2026-09-28
    python -m include.ingestion.load --start 2026-09-21 --end 2026-09-22 --source orders --source reviews

The interval is half-open ([start, end)) and is replaced as a whole, so re-running it is
safe. Airflow's ``ingest_landing`` DAG calls the same function per source.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date

from include.config import settings
from include.ingestion.loader import load_source
from include.landing.contract import SOURCES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m include.ingestion.load",
        description="Load landing-zone partitions [start, end) into the raw warehouse tables "
        "(idempotent: the interval is replaced; bad rows go to raw._quarantine).",
    )
    parser.add_argument("--start", required=True, type=date.fromisoformat, help="first day, YYYY-MM-DD")
    parser.add_argument("--end", required=True, type=date.fromisoformat, help="day after the last, YYYY-MM-DD")
    parser.add_argument("--source", action="append", choices=list(SOURCES),
                        help="source to load (repeatable; default: all)")
    parser.add_argument("--landing-dir", help="landing zone (default: EE_LANDING_DIR)")
    parser.add_argument("--warehouse", help="DuckDB file (default: EE_WAREHOUSE)")
    parser.add_argument("--run-id", help="run id recorded in the audit (default: generated)")
    parser.add_argument("--json", action="store_true", help="print one JSON summary line per source")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    cfg = settings()
    print(f"landing: {args.landing_dir or cfg.landing_dir}\nwarehouse: {args.warehouse or cfg.warehouse}",
          file=sys.stderr)
    totals = {"read": 0, "loaded": 0, "quarantined": 0}
    for source in args.source or list(SOURCES):
        result = load_source(source, args.start, args.end, run_id=args.run_id,
                             landing_dir=args.landing_dir, warehouse=args.warehouse)
        summary = result.summary()
        totals["read"] += result.rows_read
        totals["loaded"] += result.rows_loaded
        totals["quarantined"] += result.rows_quarantined
        if args.json:
            print(json.dumps(summary))
        else:
            print(f"{source:18s} files={summary['files']:4d} read={result.rows_read:9,d} "
                  f"loaded={result.rows_loaded:9,d} quarantined={result.rows_quarantined:6,d} "
                  f"({result.seconds:.1f}s)")
    if not args.json:
        print(f"{'total':18s} read={totals['read']:,} loaded={totals['loaded']:,} "
              f"quarantined={totals['quarantined']:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
