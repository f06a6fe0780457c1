"""Generate the demo landing zone: a deterministic, multi-platform retailer's customer data.

Usage::

    xe demo generate --weeks 8 --seed 42 --start 2026-09-21 --scale 1.0

Writes ``<out>/<source>/dt=YYYY-MM-DD/part-0000.<ext>`` for every source of the landing
contract plus ``<out>/_ground_truth/`` (incidents, voice labels, malformed rows, NPS drivers, unpaid orders' reasons). The output
is a pure function of the arguments: a re-run replaces the window's partitions with
byte-identical files. See docs/demo_data.md.
"""

from __future__ import annotations

import random
import resource
import shutil
import time as wallclock
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from include.config import settings
from include.demo.catalog import build_products, build_promotions
from include.demo.config import GeneratorConfig, plan_incidents
from include.demo.ground_truth import (
    GROUND_TRUTH_DIR,
    VOICE_SOURCES,
    VoiceLabelWriter,
    write_bad_rows,
    write_drivers,
    write_incidents,
    write_unpaid,
)
from include.demo.people import build_population
from include.demo.simulate import World
from include.demo.writers import BadRow, partition_path, with_bad_rows, write_partition
from include.landing.contract import SOURCES

INTERACTION_SOURCES: tuple[str, ...] = ("orders", "payment_attempts", "logistics_events", "cs_sessions",
                                        "cs_messages", "reviews", "nps_responses", "social_mentions")


@dataclass
class Summary:
    """What a run produced (good rows only; malformed rows are counted separately)."""

    out: Path
    days: int
    rows: dict[str, int] = field(default_factory=lambda: {s: 0 for s in SOURCES})
    voice_texts: int = 0
    bad_rows: int = 0
    files: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0

    @property
    def interactions(self) -> int:
        """Customer touchpoint records: every row of the eight interaction sources."""
        return sum(self.rows[s] for s in INTERACTION_SOURCES)

    def render(self) -> str:
        lines = [f"demo data in {self.out} ({self.days} days, {self.files} files)"]
        lines += [f"  {source:18s} {n:>10,d}" for source, n in self.rows.items()]
        lines += [f"  interactions       {self.interactions:>10,d}",
                  f"  voice texts        {self.voice_texts:>10,d}",
                  f"  malformed rows     {self.bad_rows:>10,d}",
                  f"  seconds            {self.seconds:>10.1f}",
                  f"  peak RSS (MB)      {self.peak_rss_mb:>10.0f}"]
        return "\n".join(lines)


def clear_partitions(out: Path, config: GeneratorConfig) -> None:
    """Remove the window's partitions of every source and the ground truth (idempotent re-runs)."""
    for source in SOURCES:
        for i in range(config.days):
            part = out / source / f"dt={(config.start + timedelta(days=i)).isoformat()}"
            if part.is_dir():
                shutil.rmtree(part)
    gt = out / GROUND_TRUTH_DIR
    if gt.is_dir():
        shutil.rmtree(gt)


def generate(config: GeneratorConfig) -> Summary:
    """Generate the landing zone for ``config`` and return what was written.

    Raises:
        ValueError: for settings that cannot work (see ``GeneratorConfig.validate``).
    """
    config.validate()
    began = wallclock.perf_counter()
    out = Path(config.out) if config.out is not None else settings().landing_dir
    setup_rng = random.Random(f"{config.seed}:setup")
    products = build_products(config.start, config.days, setup_rng)
    promotions = build_promotions(config.start, config.days)
    population = build_population(config.start, config.days, config.scale, setup_rng)
    plan = plan_incidents(config, products, promotions)
    world = World(config, products, promotions, population, plan)
    clear_partitions(out, config)
    summary = Summary(out=out, days=config.days)
    bad_rows: list[BadRow] = []
    labels = VoiceLabelWriter(out / GROUND_TRUTH_DIR / "voice_labels.parquet")
    week_rows = week_voice = 0
    try:
        for i in range(config.days):
            day = config.start + timedelta(days=i)
            world.simulate_day(day)
            bucket = world.pending.pop(day)
            labelled = []
            for source in SOURCES:
                entries = sorted(bucket.get(source, []), key=lambda e: e[0])
                if not entries:
                    continue
                rows = [row for _, row, _ in entries]
                path = partition_path(out, source, day, config.fmt)
                rel = path.relative_to(out).as_posix()
                bad_rng = random.Random(f"{config.seed}:bad:{day.isoformat()}:{source}")
                records, bad = with_bad_rows(source, rows, config.fmt, config.bad_row_rate, bad_rng, rel)
                write_partition(path, source, records, config.fmt)
                bad_rows += bad
                summary.files += 1
                summary.rows[source] += len(rows)
                week_rows += len(rows)
                if source in VOICE_SOURCES:
                    labelled += [(source, row, label) for _, row, label in entries if label is not None]
            labels.add_day(day, labelled)
            week_voice += len(labelled)
            if not config.quiet and (i % 7 == 6 or i == config.days - 1):
                week_start = config.start + timedelta(days=i - i % 7)
                print(f"week {i // 7 + 1}/{(config.days + 6) // 7} ({week_start}..{day}): "
                      f"{week_rows:,d} rows, {week_voice:,d} voice texts, "
                      f"{wallclock.perf_counter() - began:.1f} s", flush=True)
                week_rows = week_voice = 0
    finally:
        labels.close()
    summary.voice_texts = labels.count
    summary.bad_rows = len(bad_rows)
    write_bad_rows(out / GROUND_TRUTH_DIR / "bad_rows.json", bad_rows)
    write_incidents(out / GROUND_TRUTH_DIR / "incidents.json", config, plan, world.stats)
    write_drivers(out / GROUND_TRUTH_DIR / "drivers.json", config, world.stats)
    write_unpaid(out / GROUND_TRUTH_DIR / "unpaid_orders.parquet", world.stats)
    summary.seconds = wallclock.perf_counter() - began
    summary.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return summary
