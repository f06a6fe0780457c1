"""``xe insight``: statistics over the marts that product teams act on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from include.cli.common import emit_json, json_option, note, warehouse_option


@click.group("insight")
def insight() -> None:
    """Insight over the warehouse marts: key drivers of NPS, risk alerts, unpaid orders (docs/bi_guide.md)."""


@insight.command("publish")
@click.option("--window-days", type=click.IntRange(min=1), default=28, show_default=True,
              help="Days of NPS answers up to the latest one.")
@click.option("--min-support", type=click.IntRange(min=1), default=30, show_default=True,
              help="Answers with (and without) a driver needed to rank it.")
@warehouse_option
@json_option
def publish(window_days, min_support, warehouse, as_json) -> None:
    """Write insight.nps_key_drivers and build marts.agg_nps_key_drivers: what the
    insight_drivers DAG runs. One JSON line last."""
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


@insight.command("alerts")
@click.option("--write/--no-write", default=True, show_default=True,
              help="Replace insight.risk_alerts and build marts.fct_risk_alerts (what the risk_alerts DAG runs); "
                   "--no-write only prints.")
@click.option("--min-severity", type=click.Choice(["low", "medium", "high", "critical"]), default="low",
              show_default=True, help="Lowest severity printed.")
@warehouse_option
@json_option
def alerts(write, min_severity, warehouse, as_json) -> None:
    """Public-opinion risk alerts: complaint spikes per topic, service element, product,
    platform, social site, carrier x region and payment failure code, one alert per episode
    (docs/risk_alerts.md). One JSON line last."""
    from include.insight.alerts import SEVERITIES

    wanted = SEVERITIES[SEVERITIES.index(min_severity):]
    if write:
        from include.insight.publish import build_insight_models
        from include.insight.risk import write_risk_alerts

        summary = write_risk_alerts(warehouse)
        summary["dbt"] = build_insight_models(warehouse, select="fct_risk_alerts")
        from include.ingestion.warehouse import connect

        with connect(warehouse, read_only=True) as con:
            table = con.execute("select * from insight.risk_alerts order by first_seen, alert_id").df()
    else:
        from include.ingestion.warehouse import connect
        from include.insight.risk import detect_risks

        with connect(warehouse, read_only=True) as con:
            table, scored = detect_risks(con)
        summary = {"alerts": len(table), "series_scored": int(scored[["series_type", "series_key"]]
                                                             .drop_duplicates().shape[0])}
    shown = table[table["severity"].isin(wanted)]
    if not as_json:
        note(f"{len(table)} risk alert(s); {len(shown)} at {min_severity} or above:")
        for row in shown.itertuples():
            note(f"  {row.alert_id} {row.severity:<8} {row.status:<8} {row.first_seen}..{row.last_seen} "
                 f"{row.entity}: {row.observed} vs {row.expected:.1f} expected; {row.series_keys[:120]}")
            if row.sample_text_1:
                note(f"      e.g. {str(row.sample_text_1)[:100]}")
    summary["alerts_shown"] = shown[["alert_id", "severity", "status", "entity", "first_seen", "last_seen",
                                     "series_keys", "observed"]].astype(str).to_dict("records")
    summary.pop("new_or_ongoing", None)
    emit_json(summary)


@insight.command("unpaid")
@click.option("--write/--no-write", default=True, show_default=True,
              help="Replace insight.unpaid_order_reasons, build the unpaid marts and export the recovery list "
                   "(what the unpaid_orders DAG runs); --no-write only prints the reasons.")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Recovery-list CSV (default <EE_DATA_DIR>/exports/unpaid_recovery_list.csv).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Recovery-list rows printed.")
@warehouse_option
@json_option
def unpaid(write, csv_path, top, warehouse, as_json) -> None:
    """"Ordered but not paid": why each unpaid order was not paid (payment failure by kind,
    coupon / promotion error, price, shipping fee, stock / delivery time, unanswered question,
    address / account, unknown), the follow-up list by order value x recoverability, and
    recovered GMV (docs/unpaid_orders.md). Reads marts.fct_unpaid_orders (built by `xe build`).
    One JSON line last."""
    import pandas as pd

    from include.ingestion.warehouse import connect

    if not write:
        from include.insight.unpaid import attribute, read_inputs

        with connect(warehouse, read_only=True) as con:
            table = attribute(read_inputs(con))
        primary = table[table["is_primary"]]["reason"].value_counts()
        if not as_json:
            note(f"{table['order_id'].nunique():,} unpaid orders; primary reasons:")
            note(primary.to_string())
        emit_json({"orders": int(table["order_id"].nunique()), "primary": {r: int(n) for r, n in primary.items()}})
        return
    from include.insight.publish import build_insight_models
    from include.insight.unpaid import export_recovery_list, write_unpaid_reasons

    summary = write_unpaid_reasons(warehouse)
    summary["dbt"] = build_insight_models(warehouse, select="fct_unpaid_order_reasons+")
    summary["recovery_list"] = export_recovery_list(warehouse, csv_path)
    if not as_json:
        with connect(warehouse, read_only=True) as con:
            weekly = con.execute("select reason, sum(unpaid_orders) as unpaid, sum(recovered_orders) as recovered, "
                                 "sum(recovered_gmv) as recovered_gmv from marts.agg_unpaid_recovery_weekly "
                                 "group by reason order by unpaid desc").df()
            head = con.execute("select priority_rank, order_id, order_value, reason, recoverability, "
                               "expected_recovered_value, suggested_action_en from marts.fct_unpaid_recovery_list "
                               f"order by priority_rank limit {int(top)}").df()
        rec = summary["recovery_list"]
        note(f"{summary['orders']:,} unpaid orders -> {summary['table']}; recovered GMV by primary reason:")
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            note(weekly.to_string(index=False))
            note(f"recovery list: {rec['orders']:,} orders worth {rec['order_value']:,.2f} CNY, expected "
                 f"recovery {rec['expected_recovered_value']:,.2f} CNY -> {rec['path']}")
            note(head.to_string(index=False))
    emit_json(summary)
