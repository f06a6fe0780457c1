"""Report builds over the small end-to-end run (tests/conftest.py: small_pipeline_run)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def report_build(small_pipeline_run, tmp_path_factory):
    """``report_build(lang) -> ReportResult`` of the small run's last complete week, from its
    published file; data docs links point into that run's data folder."""
    from include.report.build import build_report

    root, _, _ = small_pipeline_run
    built: dict = {}

    def build(lang: str):
        if lang not in built:
            mp = pytest.MonkeyPatch()
            mp.setenv("EE_DATA_DIR", str(root / "data"))
            try:
                built[lang] = build_report(lang=lang, bi_warehouse=root / "data" / "published.duckdb",
                                           report_dir=tmp_path_factory.mktemp(f"report_{lang}"))
            finally:
                mp.undo()
        return built[lang]

    return build
