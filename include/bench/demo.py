"""Benchmark the demo generator: wall time, rows per second and peak memory per scale.

Each scale runs in a fresh child process (so peak RSS is that run's own) writing to a
temporary directory that is removed afterwards::

    xe bench demo                 # scale 1, 8 weeks
    xe bench demo --scales 1,10   # also the 1M-interaction run (~2-3 min)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from include.config import PROJECT_ROOT

_CHILD = """
import json, sys
from pathlib import Path
from include.demo.config import GeneratorConfig
from include.demo.generate import generate
s = generate(GeneratorConfig(weeks=int(sys.argv[1]), scale=float(sys.argv[2]), out=Path(sys.argv[3]),
                             fmt=sys.argv[4]))
print(json.dumps({"interactions": s.interactions, "voice_texts": s.voice_texts,
                  "rows": sum(s.rows.values()), "seconds": s.seconds}))
"""


def bench_one(scale: float, weeks: int, fmt: str) -> dict:
    """Run one generation in a child process and return its figures."""
    with tempfile.TemporaryDirectory(prefix="ee-demo-bench-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        began = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", _CHILD, str(weeks), str(scale), tmp, fmt],
                                capture_output=True, text=True, env=env, check=True)
        wall = time.perf_counter() - began
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures.update(scale=scale, weeks=weeks, format=fmt, wall_seconds=round(wall, 1), megabytes=round(size / 2**20),
                   peak_rss_mb=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
    return figures


def run_bench(scales: list[float], weeks: int = 8, fmt: str = "jsonl") -> list[dict]:
    """Run the generator at each scale and print a table; return the figures per scale."""
    print(f"{'scale':>6} {'weeks':>5} {'format':>7} {'interactions':>13} {'voice':>9} {'rows/s':>9} "
          f"{'seconds':>8} {'MB out':>7} {'peak RSS MB*':>12}", flush=True)
    results = []
    for scale in scales:
        f = bench_one(scale, weeks, fmt)
        results.append(f)
        print(f"{scale:>6g} {weeks:>5d} {fmt:>7} {f['interactions']:>13,d} {f['voice_texts']:>9,d} "
              f"{f['rows'] / f['seconds']:>9,.0f} {f['seconds']:>8.1f} {f['megabytes']:>7d} {f['peak_rss_mb']:>12d}",
              flush=True)
    print("* peak RSS is the maximum over the child runs so far (largest scale dominates)")
    return results
