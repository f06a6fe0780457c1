"""Ingestion benchmark: generate N interactions, load them, print throughput and peak RSS.

    xe bench ingestion                 # ~1,100,000 interactions (scale 6)
    xe bench ingestion --scale 1       # the default demo volume

Runs in a scratch folder (default: a temporary directory), so it never touches the
project's warehouse. Generation and loading run in separate child processes so each
one's peak RSS is measured on its own.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from include.config import PROJECT_ROOT

_LOAD_CHILD = """
import json, resource, sys, time
from datetime import date
from include.ingestion.loader import load_interval
start, end = date.fromisoformat(sys.argv[1]), date.fromisoformat(sys.argv[2])
t = time.perf_counter()
results = load_interval(start, end)
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "rows_read": sum(r.rows_read for r in results),
                  "rows_loaded": sum(r.rows_loaded for r in results),
                  "rows_quarantined": sum(r.rows_quarantined for r in results),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_bench(scale: float = 6.0, weeks: int = 8, start: date = date(2026, 9, 21),
              workdir: Path | None = None) -> dict:
    """Generate ``scale`` x the demo in a scratch folder, load it, print and return the figures.

    Raises:
        subprocess.CalledProcessError: When generation or loading fails.
    """
    work = Path(workdir or tempfile.mkdtemp(prefix="ee-bench-"))
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "EE_DATA_DIR": str(work),
           "EE_LANDING_DIR": str(work / "landing"), "EE_WAREHOUSE": str(work / "warehouse.duckdb")}
    end = start + timedelta(weeks=weeks)
    print(f"scratch folder: {work}", flush=True)

    t = time.perf_counter()
    gen = subprocess.run([sys.executable, "-m", "include.cli", "demo", "generate", "--weeks", str(weeks),
                          "--scale", str(scale), "--start", start.isoformat(), "--quiet"],
                         env=env, check=True, cwd=PROJECT_ROOT, capture_output=True, text=True)
    gen_seconds = time.perf_counter() - t
    gen_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(gen.stdout.strip()[-800:], flush=True)

    load = subprocess.run([sys.executable, "-c", _LOAD_CHILD, start.isoformat(), end.isoformat()],
                          env=env, check=True, cwd=PROJECT_ROOT, capture_output=True, text=True)
    figures = json.loads(load.stdout.strip().splitlines()[-1])
    size_mb = sum(p.stat().st_size for p in (work / "landing").rglob("*") if p.is_file()) / 1e6
    report = {
        "scale": scale,
        "weeks": weeks,
        "landing_mb": round(size_mb, 1),
        "generate_seconds": round(gen_seconds, 1),
        "generate_peak_rss_mb": round(gen_rss, 1),
        "load_seconds": round(figures["seconds"], 1),
        "rows_read": figures["rows_read"],
        "rows_loaded": figures["rows_loaded"],
        "rows_quarantined": figures["rows_quarantined"],
        "load_rows_per_second": round(figures["rows_read"] / figures["seconds"]),
        "load_peak_rss_mb": round(figures["peak_rss_mb"], 1),
        "warehouse_mb": round((work / "warehouse.duckdb").stat().st_size / 1e6, 1),
    }
    print(json.dumps(report))
    return report
