"""Expectation suites for every table the pipeline publishes, built by small functions.

A suite is ``gx.ExpectationSuite(name, expectations=[...])``. Each expectation carries a
severity: ``critical`` blocks publishing, ``warning`` is recorded and reported. Suites are
built from two sources:

* **column conventions** that hold across the warehouse (``column_expectations``): grain
  columns unique and not null; ``*_rate`` / ``*_share`` / ``recoverability`` in [0, 1];
  ``nps*`` in [-100, 100]; ``nps_score`` in [0, 10]; ``stars`` in [1, 5]; counts never
  negative; an interval's ``*_ci_low`` <= estimate <= ``*_ci_high``; timestamps not in the
  future;
* **table facts** (``table_expectations``): accepted values, freshness against the run's
  interval, distribution checks that catch a broken upstream (the ``other`` service-element
  share), reconciliation (rows landed = loaded + quarantined; raw -> mart counts explained).

``derived_frames`` computes small check frames over several tables (shares that must sum to
1, week-over-week drift of the ``other`` share and of the negative-sentiment share) that the
``health`` suites validate like any table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import great_expectations as gx
import great_expectations.expectations as gxe

CRITICAL, WARNING = "critical", "warning"

#: Unique grain of each published table (the columns that identify a row).
GRAINS: dict[str, tuple[str, ...]] = {
    "fct_interactions": ("interaction_id",), "fct_service_sessions": ("session_id",), "fct_orders": ("order_id",),
    "fct_payment_attempts": ("attempt_id",), "fct_shipments": ("shipment_id",), "dim_customer": ("customer_key",),
    "dim_product": ("product_id",), "dim_promotion": ("promotion_id",), "dim_platform": ("platform",),
    "dim_date": ("date_day",), "dim_service_element": ("service_element",), "fct_nps_responses": ("response_id",),
    "fct_reviews": ("review_id",), "fct_nps_response_drivers": ("response_id",), "fct_unpaid_orders": ("order_id",),
    "fct_unpaid_recovery_list": ("order_id",), "fct_risk_alerts": ("alert_id",),
    "agg_service_element_weekly": ("occurred_week", "interaction_type", "service_element"),
    "agg_nps_weekly": ("submitted_week", "platform", "product_category"),
    "agg_nps_touchpoint_weekly": ("submitted_week", "touchpoint"),
    "agg_service_kpis_weekly": ("started_week", "platform"),
    "agg_unpaid_recovery_weekly": ("created_week", "reason"),
    "agg_unpaid_diagnosis_weekly": ("created_week", "promotion_key"),
    "fct_unpaid_order_reasons": ("order_id", "reason_rank"),
    "agg_topic_weekly": ("model_version", "topic_id", "occurred_week"),
    "fct_interaction_topics": ("interaction_id",),
    "fct_product_findings": ("product_id", "topic_id"),
    "agg_product_topic_weekly": ("product_id", "topic_id", "week_start"),
    "audit_load_reconciliation": ("source", "partition_date"), "audit_source_lineage": ("source",),
}
#: Tables that may be empty on a healthy run: insight that depends on thresholds or on what
#: happened (no alert raised, no finding with enough mentions, no unpaid order, nobody to follow up).
MAY_BE_EMPTY = {"fct_risk_alerts", "fct_unpaid_recovery_list", "agg_nps_key_drivers", "fct_product_findings",
                "agg_product_topic_weekly", "fct_unpaid_orders", "fct_unpaid_order_reasons",
                "agg_unpaid_recovery_weekly", "agg_unpaid_diagnosis_weekly", "agg_nps_touchpoint_weekly"}
#: Column of each event table whose latest value must reach the run's interval (freshness).
FRESHNESS = {"fct_interactions": "occurred_at_local", "fct_orders": "created_at_local",
             "fct_service_sessions": "started_at_local"}
FRESHNESS_SLACK = timedelta(days=2)

_UNIT = re.compile(r"(_rate|_share|^recoverability|_confidence|^confidence)$")
_NPS = re.compile(r"^(nps|nps_ci_low|nps_ci_high|previous_week_nps|nps_with|nps_without)$")
_COUNT = re.compile(r"(_count|^n_\w+|_responses|_orders|^promoters|^passives|^detractors|^answers|^orders|"
                    r"_seconds_p\d+|^interaction_count)$")


@dataclass(frozen=True)
class TableCheck:
    """What a table's suite needs to know besides its columns."""

    table: str
    columns: tuple[str, ...]
    interval_end: datetime | None = None
    now: datetime | None = None


def column_expectations(check: TableCheck) -> list:
    """The convention-based expectations for ``check.table`` (see the module docstring)."""
    cols = set(check.columns)
    found: list = []
    grain = GRAINS.get(check.table)
    if grain and set(grain) <= cols:
        for column in grain:
            found.append(gxe.ExpectColumnValuesToNotBeNull(column=column, severity=CRITICAL))
        if len(grain) == 1:
            found.append(gxe.ExpectColumnValuesToBeUnique(column=grain[0], severity=CRITICAL))
        else:
            found.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(grain), severity=CRITICAL))
    for column in check.columns:
        if _UNIT.search(column):
            found.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1, severity=CRITICAL))
        elif _NPS.match(column):
            found.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=-100, max_value=100,
                                                            severity=CRITICAL))
        elif column == "nps_score":
            found.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=10, severity=CRITICAL))
        elif column == "stars":
            found.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=1, max_value=5, severity=CRITICAL))
        elif _COUNT.search(column):
            found.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, severity=CRITICAL))
        if column.endswith("_ci_low"):
            stem = column[: -len("_ci_low")]
            high = f"{stem}_ci_high"
            if high in cols:
                found.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=high, column_B=column, or_equal=True, ignore_row_if="either_value_is_missing",
                    severity=CRITICAL))
                if stem in cols:
                    found.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                        column_A=stem, column_B=column, or_equal=True, ignore_row_if="either_value_is_missing",
                        severity=CRITICAL))
                    found.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                        column_A=high, column_B=stem, or_equal=True, ignore_row_if="either_value_is_missing",
                        severity=CRITICAL))
        if check.now is not None and column.endswith("_at") and not column.startswith(
                ("computed", "detected", "attributed", "loaded", "promised")):
            # event times (UTC) are never in the future (a promised delivery may be); a day of slack for clock skew
            found.append(gxe.ExpectColumnValuesToBeBetween(column=column, max_value=check.now + timedelta(days=1),
                                                            severity=CRITICAL))
    return found


def table_expectations(check: TableCheck) -> list:
    """Facts about particular tables: accepted values, freshness, distribution checks."""
    found: list = []
    cols = set(check.columns)
    if check.table not in MAY_BE_EMPTY:
        found.append(gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=CRITICAL))
    column = FRESHNESS.get(check.table)
    if column in cols and check.interval_end is not None:
        found.append(gxe.ExpectColumnMaxToBeBetween(column=column, min_value=check.interval_end - FRESHNESS_SLACK,
                                                    severity=CRITICAL))
    if check.table == "fct_interactions":
        # a broken tagger or seed shows as most texts falling to `other` (healthy: about a third)
        found.append(gxe.ExpectColumnValuesToNotBeInSet(column="service_element", value_set=["other"], mostly=0.5,
                                                         severity=WARNING))
        found.append(gxe.ExpectColumnValuesToBeInSet(column="language", value_set=["zh", "en", "mixed", "unknown"],
                                                      severity=CRITICAL))
    if check.table == "fct_nps_responses":
        found.append(gxe.ExpectColumnValuesToBeInSet(column="nps_category",
                                                      value_set=["promoter", "passive", "detractor"], severity=CRITICAL))
    if check.table == "fct_interaction_topics" and "topic_id" in cols:
        found.append(gxe.ExpectColumnValuesToNotBeNull(column="topic_id", severity=CRITICAL))
    if check.table == "fct_risk_alerts":
        found.append(gxe.ExpectColumnValuesToBeInSet(column="severity", value_set=["low", "medium", "high", "critical"],
                                                      severity=CRITICAL))
        found.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="last_seen", column_B="first_seen",
                                                                 or_equal=True, severity=CRITICAL))
    if check.table == "audit_load_reconciliation":
        # every landed record is loaded or quarantined: nothing lost
        found.append(gxe.ExpectColumnValuesToBeInSet(column="is_balanced", value_set=[True], severity=CRITICAL))
    if check.table == "audit_source_lineage":
        # what staging dedupes is never negative; what a mart leaves out is exactly what its rule leaves out
        found.append(gxe.ExpectColumnValuesToBeBetween(column="duplicates_removed", min_value=0, severity=CRITICAL))
        found.append(gxe.ExpectColumnPairValuesToBeEqual(column_A="not_in_mart", column_B="explained_not_in_mart",
                                                         severity=CRITICAL))
    if check.table == "fct_unpaid_order_reasons":
        found.append(gxe.ExpectColumnValuesToBeInSet(column="evidence_source", value_set=[
            "payment_attempts", "chat", "chat+payment_attempts", "none"], severity=CRITICAL))
    return found


def suite_for(check: TableCheck) -> gx.ExpectationSuite:
    """The suite ``<table>`` validates against."""
    return gx.ExpectationSuite(name=f"bi.{check.table}",
                               expectations=column_expectations(check) + table_expectations(check))


#: Derived check frames (name -> SQL over the warehouse, DuckDB) and their expectations.
DERIVED_SQL = {
    "health_element_shares": """
        select occurred_week, interaction_type, sum(share_of_week) as share_sum
        from marts.agg_service_element_weekly group by 1, 2""",
    "health_weekly_drift": """
        with weekly as (
            select occurred_week as week, 'other_share' as metric,
                   avg(case when service_element = 'other' then 1.0 else 0.0 end) as value, count(*) as n
            from marts.fct_interactions group by 1
            {sentiment}
        )
        select metric, week, value, n, value - lag(value) over (partition by metric order by week) as change
        from weekly""",
}
#: Marts each derived frame reads (it is checked only when they exist).
DERIVED_SOURCES = {"health_element_shares": {"agg_service_element_weekly"}, "health_weekly_drift": {"fct_interactions"}}
DERIVED_SENTIMENT_SQL = """
            union all
            select cast(date_trunc('week', i.occurred_at_local) as date), 'negative_share',
                   avg(case when t.sentiment_label = 'negative' then 1.0 else 0.0 end), count(*)
            from marts.fct_interaction_topics as t join marts.fct_interactions as i using (interaction_id)
            group by 1"""


def derived_suite(name: str) -> gx.ExpectationSuite:
    """Suites of the derived check frames."""
    if name == "health_element_shares":
        expectations = [gxe.ExpectColumnValuesToBeBetween(column="share_sum", min_value=0.999, max_value=1.001,
                                                          severity=CRITICAL)]
    elif name == "health_weekly_drift":
        # week-over-week moves of the `other` share and of the negative share within 15 points
        expectations = [gxe.ExpectColumnValuesToBeBetween(column="change", min_value=-0.15, max_value=0.15,
                                                          severity=WARNING)]
    else:
        raise ValueError(f"unknown derived frame {name!r}")
    return gx.ExpectationSuite(name=f"health.{name}", expectations=expectations)
