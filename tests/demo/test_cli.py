"""The command line: help, bad input, a tiny run."""

from __future__ import annotations

import os
import subprocess
import sys

from include.config import PROJECT_ROOT
from include.demo.config import GeneratorConfig
from include.demo.generate import generate
from tests.demo.test_determinism import checksums


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "PYTHONHASHSEED": "123"}
    return subprocess.run([sys.executable, "-m", "include.cli", "demo", "generate", *args], capture_output=True,
                          text=True, env=env, cwd=PROJECT_ROOT, timeout=120)


def test_help():
    result = _cli("--help")
    assert result.returncode == 0
    for option in ("--weeks", "--scale", "--seed", "--start", "--landing", "--format", "--bad-row-rate",
                   "--incidents", "--quiet"):
        assert option in result.stdout


def test_bad_input_is_rejected_clearly(tmp_path):
    result = _cli("--weeks", "0", "--landing", str(tmp_path))
    assert result.returncode == 2 and "--weeks" in result.stderr and "x>=1" in result.stderr
    result = _cli("--incidents", "meteor", "--landing", str(tmp_path))
    assert result.returncode == 2 and "unknown incident type" in result.stderr
    result = _cli("--start", "21/09/2026")
    assert result.returncode == 2 and "not a date" in result.stderr
    assert not any(tmp_path.iterdir())


def test_small_run_prints_progress_and_summary(tmp_path):
    result = _cli("--weeks", "1", "--scale", "0.02", "--landing", str(tmp_path), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "week 1/1" in result.stdout
    assert "interactions" in result.stdout and "voice texts" in result.stdout
    assert list((tmp_path / "orders").glob("dt=2026-09-2*/part-0000.csv"))
    # another process (another PYTHONHASHSEED) writes the same bytes as this one
    generate(GeneratorConfig(out=tmp_path / "in_process", weeks=1, scale=0.02, fmt="csv"))
    cli_files = {k: v for k, v in checksums(tmp_path).items() if not k.startswith("in_process/")}
    assert cli_files == checksums(tmp_path / "in_process")
