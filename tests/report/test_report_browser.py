"""The weekly report in a real browser: headless Chromium (Debian's `chromium`, installed by
`make test`) opens the file and finds every section and chart, no console error, no network
request, Chinese text drawn with a CJK font (not tofu); a full-page screenshot is kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from include.config import settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SECTIONS = ["kpis", "alerts", "movers", "emerging", "drivers", "findings", "unpaid", "topic-map", "trends", "quality"]


def open_in_chromium(html: Path, screenshot: Path) -> dict:
    """Load ``html`` headless; return console errors, requests, section/chart ids and font checks."""
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    found: dict = {"errors": [], "requests": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on("console", lambda m: found["errors"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: found["errors"].append(str(e)))
        page.on("request", lambda r: found["requests"].append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(html.resolve().as_uri())
        page.wait_for_load_state("load")
        found["sections"] = page.eval_on_selector_all("section[id]", "els => els.map(e => e.id)")
        found["charts"] = page.eval_on_selector_all("figure[data-chart] svg", "els => els.length")
        found["kpis"] = page.eval_on_selector_all("[data-kpi]", "els => els.map(e => e.dataset.kpi)")
        # a CJK glyph drawn by a CJK font is as wide as it is tall; tofu boxes and fallbacks differ per glyph
        found["cjk_widths"] = page.evaluate("""() => {
            const c = document.createElement('canvas').getContext('2d');
            c.font = '40px "Noto Sans CJK SC"';
            return ['周', '报', '净'].map(ch => c.measureText(ch).width); }""")
        found["cjk_font"] = page.evaluate("() => document.fonts.check('16px \"Noto Sans CJK SC\"', '客户体验周报')")
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return found


@pytest.mark.slow
def test_the_report_renders_offline_in_chromium(report_build):
    result = report_build("zh")
    shot = settings().data_dir / "artifacts" / "report_screenshot_zh.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    found = open_in_chromium(result.html, shot)
    assert found["errors"] == []
    assert found["requests"] == [], "the page must not fetch anything"
    assert found["sections"] == SECTIONS
    assert found["charts"] == len(result.charts) >= 5
    assert set(found["kpis"]) == {"nps", "csat", "smart_resolution_rate", "unpaid_rate", "volume"}
    assert found["cjk_font"] is True
    widths = found["cjk_widths"]
    assert max(widths) - min(widths) < 0.5 and abs(widths[0] - 40) < 2, widths  # full-width glyphs, not tofu
    assert shot.stat().st_size > 50_000
