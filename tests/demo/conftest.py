"""Session-scoped demo runs shared by the generator tests (small scales, a few seconds each)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from include.demo.config import GeneratorConfig
from include.demo.generate import Summary, generate


@dataclass
class Run:
    config: GeneratorConfig
    summary: Summary
    out: Path

    @property
    def incidents(self) -> dict[str, dict]:
        doc = json.loads((self.out / "_ground_truth" / "incidents.json").read_text(encoding="utf-8"))
        return {i["type"]: i for i in doc["incidents"]}

    @property
    def bad_rows(self) -> list[dict]:
        return json.loads((self.out / "_ground_truth" / "bad_rows.json").read_text(encoding="utf-8"))

    def voice_labels(self):
        return pq.read_table(self.out / "_ground_truth" / "voice_labels.parquet").to_pandas()


def _run(tmp_path_factory: pytest.TempPathFactory, name: str, **kwargs) -> Run:
    out = tmp_path_factory.mktemp(name)
    config = GeneratorConfig(out=out, **kwargs)
    return Run(config, generate(config), out)


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Run:
    """Two weeks at scale 0.05 with a much raised malformed-row rate (JSON Lines)."""
    return _run(tmp_path_factory, "small", weeks=2, scale=0.05, seed=7, bad_row_rate=0.03)


@pytest.fixture(scope="session")
def signal_run(tmp_path_factory) -> Run:
    """Four weeks from 2026-09-21 at scale 0.4: every incident fits in the window."""
    return _run(tmp_path_factory, "signal", weeks=4, scale=0.4, seed=42, start=date(2026, 9, 21))


@pytest.fixture(scope="session", params=["csv", "parquet"])
def format_run(request, tmp_path_factory) -> Run:
    """One week at scale 0.03 in CSV and in Parquet, with malformed rows."""
    return _run(tmp_path_factory, request.param, weeks=1, scale=0.03, seed=3, fmt=request.param,
                bad_row_rate=0.01)


@pytest.fixture(scope="session")
def signal_rows(signal_run):
    """All sources of ``signal_run`` read back through the contract models."""
    from tests.demo.landing_reader import read_all

    return read_all(signal_run.out)
