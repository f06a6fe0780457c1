"""``xe insight``: statistics over the marts that product teams act on."""

from __future__ import annotations

from datetime import date

import click

from include.cli.common import emit_json, json_option, note, warehouse_option


@click.group("insight")
def insight() -> None:
    """Insight over the warehouse marts: key drivers of NPS (docs/bi_guide.md)."""


@insight.command("drivers")
@click.option("--since", default=None, help="Only NPS answers on/after this local date, YYYY-MM-DD (default: all).")
@click.option("--min-support", type=click.IntRange(min=1), default=30, show_default=True,
              help="Answers with (and without) a theme needed to rank it.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Drivers printed.")
@warehouse_option
@json_option
def drivers(since, min_support, top, warehouse, as_json) -> None:
    """Key drivers of NPS: NPS with and without each theme, impact in points, Welch effect
    with its 95 % interval, FDR-adjusted q-value; ranked by impact, most negative first.

    Reads marts.fct_nps_response_drivers (built by `xe build`). One JSON line last.
    """
    import pandas as pd

    from include.ingestion.warehouse import connect
    from include.insight.drivers import driver_frame, key_drivers, nps_contribution

    if since is not None:
        try:
            date.fromisoformat(since)
        except ValueError as exc:
            raise click.BadParameter(f"{since!r} is not YYYY-MM-DD", param_hint="--since") from exc
    with connect(warehouse, read_only=True) as con:
        sql = "select * from marts.fct_nps_response_drivers" + (" where submitted_date >= ?" if since else "")
        rows = con.execute(sql, [since] if since else []).df()
    if rows.empty:
        raise click.ClickException("no NPS answers in marts.fct_nps_response_drivers for that window")
    table = key_drivers(rows["nps_score"], driver_frame(rows), min_support=min_support)
    if not as_json:
        note(f"key drivers of NPS over {len(rows):,} answers (overall NPS "
             f"{nps_contribution(rows['nps_score']).mean():.1f}); impact = overall NPS "
             "minus NPS without the theme, points")
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            note(table.head(top)[["rank", "driver", "n_with", "support", "nps_with", "nps_without", "impact",
                                  "effect_ci_low", "effect_ci_high", "q_value"]].round(3).to_string(index=False))
    emit_json({"answers": len(rows), "min_support": min_support,
               "drivers": table.head(top).astype(object).where(table.head(top).notna(), None).to_dict("records")})
