"""Command line: build the warehouse with dbt and print wall time, rows per mart and the
share of interactions tagged ``other``.

    python -m include.warehouse.build                       # dbt build --exclude tag:topics (DuckDB)
    python -m include.warehouse.build --full-refresh        # rebuild incremental marts from raw
    python -m include.warehouse.build --target postgres --pg-schema ee   # after pg_mirror
    python -m include.warehouse.build --topics              # dbt build --select tag:topics
"""

from __future__ import annotations

import argparse
import json
import sys

from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, TARGETS, DbtError, run_dbt
from include.warehouse.stats import duckdb_stats, format_stats, postgres_stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m include.warehouse.build",
        description="Run `dbt build` on the warehouse (main build excludes tag:topics) and print "
        "the wall time, rows per mart and the share of interactions tagged 'other'.",
    )
    parser.add_argument("--target", choices=TARGETS, default="duckdb", help="dbt target (default duckdb)")
    parser.add_argument("--warehouse", help="DuckDB file (default EE_WAREHOUSE)")
    parser.add_argument("--pg-schema", default="ee", help="schema prefix on PostgreSQL (default ee)")
    parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from raw")
    parser.add_argument("--topics", action="store_true",
                        help="build only the topic marts (tag:topics), after the topic engine ran")
    parser.add_argument("--quiet", action="store_true", help="do not stream dbt's log")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args(argv)

    dbt_args = ["build", "--select", "tag:topics"] if args.topics else list(MAIN_BUILD_ARGS)
    if args.full_refresh:
        dbt_args.append("--full-refresh")
    print(f"dbt {' '.join(dbt_args)} (target {args.target}) ...", file=sys.stderr)
    try:
        run = run_dbt(dbt_args, target=args.target, warehouse=args.warehouse, pg_schema=args.pg_schema,
                      echo=not args.quiet)
    except DbtError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    stats = (duckdb_stats(args.warehouse) if args.target == "duckdb"
             else postgres_stats(args.pg_schema))
    if args.json:
        print(json.dumps({"target": args.target, "seconds": round(run.seconds, 2), **stats}))
    else:
        print(f"dbt {' '.join(dbt_args)} on {args.target}: {run.seconds:.1f} s wall time")
        print(format_stats(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
