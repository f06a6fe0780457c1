"""``xe insight``: statistics over the marts that product teams act on."""

from __future__ import annotations

from datetime import date

import click

from include.cli.common import emit_json, json_option, note, warehouse_option


@click.group("insight")
def insight() -> None:
    """Insight over the warehouse marts: key drivers of NPS (docs/bi_guide.md)."""


@insight.command("publish")
@click.option("--window-days", type=click.IntRange(min=1), default=28, show_default=True,
              help="Days of NPS answers up to the latest one.")
@click.option("--min-support", type=click.IntRange(min=1), default=30, show_default=True,
              help="Answers with (and without) a driver needed to rank it.")
@warehouse_option
@json_option
def publish(window_days, min_support, warehouse, as_json) -> None:
    """Write insight.nps_key_drivers and build the dbt models tagged insight
    (marts.agg_nps_key_drivers): what the insight_drivers DAG runs. One JSON line last."""
    from include.insight.publish import build_insight_models, write_key_drivers

    summary = write_key_drivers(warehouse, window_days=window_days, min_support=min_support)
    if not as_json:
        note(f"key drivers over {summary['answers']:,} answers ({summary['window_start']} .. "
             f"{summary['window_end']}) -> {summary['table']}; top: {', '.join(summary['top']) or 'none'}")
    summary["dbt"] = build_insight_models(warehouse)
    emit_json(summary)


@insight.command("drivers")
@click.option("--since", default=None, help="Only NPS answers on/after this local date, YYYY-MM-DD (default: all).")
@click.option("--min-support", type=click.IntRange(min=1), default=30, show_default=True,
              help="Answers with (and without) a theme needed to rank it.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Drivers printed per kind (operational, element, topic).")
@warehouse_option
@json_option
def drivers(since, min_support, top, warehouse, as_json) -> None:
    """Key drivers of NPS: operational drivers ranked by their regression-adjusted impact, text
    themes by impact (overall NPS minus NPS without the theme), each with NPS with and
    without, effects with 95 % intervals and FDR-adjusted q-values (docs/bi_guide.md).

    Reads marts.fct_nps_response_drivers (built by `xe build`) and, after the topic engine,
    the verbatims' topics. One JSON line last.
    """
    import pandas as pd

    from include.ingestion.warehouse import connect
    from include.insight.drivers import driver_frame, key_drivers, nps_contribution
    from include.insight.publish import driver_rows

    if since is not None:
        try:
            date.fromisoformat(since)
        except ValueError as exc:
            raise click.BadParameter(f"{since!r} is not YYYY-MM-DD", param_hint="--since") from exc
    with connect(warehouse, read_only=True) as con:
        rows, _, _ = driver_rows(con, window_days=None)
    if since is not None and not rows.empty:
        rows = rows[pd.to_datetime(rows["submitted_date"]) >= pd.Timestamp(since)]
    if rows.empty:
        raise click.ClickException("no NPS answers in marts.fct_nps_response_drivers for that window")
    table = key_drivers(rows["nps_score"], driver_frame(rows), min_support=min_support)
    if not as_json:
        note(f"key drivers of NPS over {len(rows):,} answers (overall NPS "
             f"{nps_contribution(rows['nps_score']).mean():.1f}); impact = overall NPS "
             "minus NPS without the theme, points")
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            shown = table.groupby("driver_kind", sort=False).head(top)
            note(shown[["driver_kind", "rank", "driver", "n_with", "nps_with", "nps_without", "impact",
                        "impact_adjusted", "effect_adjusted_ci_low", "effect_adjusted_ci_high",
                        "q_value"]].round(2).to_string(index=False))
    emit_json({"answers": len(rows), "min_support": min_support,
               "drivers": table.head(top).astype(object).where(table.head(top).notna(), None).to_dict("records")})
