"""Build the weekly report: ``data/reports/<yyyy>-W<ww>/index.html`` (self-contained: styles
and SVG charts inline, no script, no external request), ``summary.md`` and ``charts/*.png``.

``build_report`` reads only the published ``bi`` tables (``include.report.data``), renders the
Jinja2 templates in ``include/report/templates`` and writes the files atomically (a temporary
file, then a rename), so a reader never opens a half-written page.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from include.report.data import ReportData, load_report_data, week_label
from include.report.i18n import LANGS, TEXT, driver_name, number, percent, signed

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class ReportResult:
    """Where the report went and what it holds."""

    week: str
    lang: str
    html: Path
    summary: Path
    charts: list[Path]
    sections: list[str]
    bytes: int
    seconds: float


def _kpi_view(k, lang: str) -> dict:
    t = TEXT[lang]
    if k.is_share:
        text, change = percent(k.value, lang), signed(None if k.change is None else k.change * 100, lang) + \
            (" pp" if lang == "en" else " 个百分点")
    elif k.key == "volume":
        text, change = number(k.value, lang, 0), signed(k.change, lang, 0)
    else:
        text, change = number(k.value, lang), signed(k.change, lang)
    if k.significant is None or k.change is None:
        tone, significance = "flat", "—"
    else:
        better = (k.change > 0) == k.higher_is_better
        tone = ("good" if better else "bad") if k.significant else "flat"
        significance = t["significant"] if k.significant else t["not_significant"]
    ci = f"{number(k.ci_low, lang)} – {number(k.ci_high, lang)}" if k.ci_low is not None else None
    return {"key": k.key, "raw": "" if k.value is None else repr(float(k.value)), "text": text, "change": change,
            "tone": tone, "significance": significance, "ci": ci}


def _kpi_takeaway(data: ReportData, lang: str) -> str:
    moved = [k for k in data.kpis if k.significant]
    t = TEXT[lang]
    if not moved:
        return "与上周相比，核心指标没有显著变化。" if lang == "zh" else "No headline KPI changed significantly since last week."
    parts = []
    for k in moved:
        delta = (signed(k.change * 100, lang) + (" 个百分点" if lang == "zh" else " pp")) if k.is_share else \
            signed(k.change, lang, 0 if k.key == "volume" else 1)
        parts.append(f"{t[k.key]} {delta}")
    return ("与上周相比显著变化：" + "；".join(parts) + "。") if lang == "zh" else \
        ("Changed significantly since last week: " + "; ".join(parts) + ".")


def _day(value) -> str:
    return str(value)[:10] if value is not None else ""


def _product(row, lang: str) -> str:
    name = row.get("product_name_en") if lang == "en" and row.get("product_name_en") else row.get("product_name")
    return f"{name} ({row['product_id']})" if name else str(row["product_id"])


def _context(data: ReportData, lang: str, charts, out_dir: Path) -> dict:
    from include.config import settings

    t = TEXT[lang]
    cfg = settings()
    records = lambda frame: [] if frame is None or frame.empty else frame.to_dict("records")  # noqa: E731
    alerts = [{**a, "expected": number(a["expected"], lang), "observed": number(a["observed"], lang, 0),
               "first_seen": _day(a["first_seen"]), "last_seen": _day(a["last_seen"]),
               "sample": a.get("sample_text_1")} for a in records(data.alerts)]
    elements = [{"service_element": e["service_element"], "count": number(e["interaction_count"], lang, 0),
                 "share": percent(e["share"], lang), "change": signed(e["share_change"] * 100, lang) +
                 (" pp" if lang == "en" else " 个百分点")} for e in records(data.element_movers)[:8]]
    emerging = [{"product": _product(f, lang), "topic_label": f["topic_label"], "mentions": number(f["mention_count"], lang, 0),
                 "negative_share": percent(f["negative_share"], lang, 0), "quote_1": f["example_quote_1"],
                 "quote_2": f["example_quote_2"]} for f in records(data.emerging)]
    drivers = [{"driver": driver_name(d["driver"], lang), "impact": number(d["impact_adjusted"], lang),
                "ci": f"{number(d['effect_adjusted_ci_low'], lang)} – {number(d['effect_adjusted_ci_high'], lang)}",
                "n": number(d["n_with"], lang, 0)} for d in records(data.drivers)]
    findings = [{"rank": int(f["product_rank"]), "product": _product(f, lang), "topic_label": f["topic_label"],
                 "mentions": number(f["mention_count"], lang, 0), "negative_share": percent(f["negative_share"], lang, 0),
                 "is_emerging": bool(f["is_emerging"]), "quote_1": f["example_quote_1"]} for f in records(data.findings)]
    unpaid = [{"promotion": (u["promotion_name_en"] if lang == "en" else u["promotion_name"]) or u["promotion_key"],
               "orders": number(u["orders"], lang, 0), "unpaid_orders": number(u["unpaid_orders"], lang, 0),
               "unpaid_rate": percent(u["unpaid_rate"], lang), "baseline": percent(u["baseline_unpaid_rate"], lang),
               "top_reason": u["top_reason"], "mix": u["reasons_mix"]} for u in records(data.unpaid_diagnosis)]
    r = data.recovery
    recovery = None
    if r:
        recovery = (f"本周未支付订单 {number(r['unpaid_orders'], lang, 0)} 单，已挽回 {number(r['recovered_orders'], lang, 0)} 单、"
                    f"GMV ¥{number(r['recovered_gmv'], lang, 0)}；待跟进 {number(r['orders'], lang, 0)} 单"
                    f"（¥{number(r['order_value'], lang, 0)}，预计可挽回 ¥{number(r['expected'], lang, 0)}）。"
                    if lang == "zh" else
                    f"{number(r['unpaid_orders'], lang, 0)} unpaid orders this week, {number(r['recovered_orders'], lang, 0)} "
                    f"recovered (GMV ¥{number(r['recovered_gmv'], lang, 0)}); {number(r['orders'], lang, 0)} orders to "
                    f"follow up (¥{number(r['order_value'], lang, 0)}, expected recovery ¥{number(r['expected'], lang, 0)}).")
    v = data.validation
    validation = (", ".join(f"{n} {result}" for result, n in sorted(v["results"].items())) +
                  f" · {v['published_at']:%Y-%m-%d %H:%M} UTC") if v else t["none"]
    by_key = {c.key: c for c in charts}

    def chart_html(key: str) -> str:
        from markupsafe import Markup, escape

        c = by_key.get(key)
        if c is None:
            return Markup("")
        return Markup(f'<figure class="chart" data-chart="{key}">{c.svg}<figcaption class="takeaway">'
                      f'{escape(c.takeaway)}</figcaption></figure>')

    docs = cfg.data_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    dbt_docs = cfg.dbt_project_dir / "target" / "index.html"
    return {"t": t, "lang": lang, "week_label": week_label(data.week), "week_start": data.week,
            "week_end": data.week + timedelta(days=6), "last_day": data.last_day,
            "generated_at": f"{data.extra['generated_at']:%Y-%m-%d %H:%M}",
            "kpis": [_kpi_view(k, lang) for k in data.kpis], "kpi_takeaway": _kpi_takeaway(data, lang),
            "alerts": alerts, "elements": elements, "emerging": emerging, "drivers": drivers, "findings": findings,
            "unpaid": unpaid, "recovery": recovery, "validation": validation, "charts": charts,
            "chart_html": chart_html, "data_docs_href": os.path.relpath(docs, out_dir),
            "dbt_docs_href": os.path.relpath(dbt_docs, out_dir)}


def _write(path: Path, content: str | bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    if isinstance(content, bytes):
        tmp.write_bytes(content)
    else:
        tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)


def build_report(week: date | None = None, lang: str | None = None, *, bi_warehouse: Path | str | None = None,
                 report_dir: Path | str | None = None) -> ReportResult:
    """Build the report of ``week`` (a Monday; default the last complete week) in ``lang``
    (default ``EE_REPORT_LANG``, else zh).

    Raises:
        ValueError: an unknown language, or a week without data.
        FileNotFoundError: nothing has been published yet.
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from include.config import settings
    from include.report.charts import all_charts

    began = time.perf_counter()
    cfg = settings()
    lang = lang or os.environ.get("EE_REPORT_LANG", "zh")
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, got {lang!r}")
    data = load_report_data(bi_warehouse or cfg.bi_warehouse, week)
    out_dir = Path(report_dir or cfg.report_dir) / week_label(data.week)
    (out_dir / "charts").mkdir(parents=True, exist_ok=True)
    charts = all_charts(data, lang)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    context = _context(data, lang, charts, out_dir)
    html = env.get_template("report.html.j2").render(**context)
    summary = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False).get_template(
        "summary.md.j2").render(**context)
    chart_paths = []
    for chart in charts:
        path = out_dir / "charts" / f"{chart.key}.png"
        _write(path, chart.png)
        chart_paths.append(path)
    _write(out_dir / "index.html", html)
    _write(out_dir / "summary.md", summary)
    sections = ["kpis", "alerts", "movers", "emerging", "drivers", "findings", "unpaid", "topic-map", "trends",
                "quality"]
    return ReportResult(week=week_label(data.week), lang=lang, html=out_dir / "index.html",
                        summary=out_dir / "summary.md", charts=chart_paths, sections=sections,
                        bytes=len(html.encode("utf-8")), seconds=round(time.perf_counter() - began, 2))
