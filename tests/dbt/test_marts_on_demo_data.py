"""Behaviour of the marts on a small generated demo (3 weeks, scale 0.2), built once with
`dbt build` (data tests, unit tests and contracts included) on DuckDB."""

from __future__ import annotations

import re
from datetime import date

import pyarrow.parquet as pq
import pytest

from include.warehouse.stats import MARTS, duckdb_stats

pytestmark = pytest.mark.slow

# The columns the topic engine reads (shared interface), in order.
FCT_INTERACTIONS_COLUMNS = [
    ("interaction_id", "VARCHAR"), ("interaction_type", "VARCHAR"), ("channel", "VARCHAR"),
    ("platform", "VARCHAR"), ("customer_key", "VARCHAR"), ("product_id", "VARCHAR"), ("order_id", "VARCHAR"),
    ("occurred_at", "TIMESTAMP"), ("occurred_at_local", "TIMESTAMP"), ("occurred_week", "DATE"),
    ("language", "VARCHAR"), ("text_redacted", "VARCHAR"), ("service_element", "VARCHAR"),
]
OTHER_SHARE_BOUND = 0.40      # demo: ~29 % of the generated texts are truly off-taxonomy
TAGGING_ACCURACY_FLOOR = 0.75  # against the generator's per-text service element
LANGUAGE_AGREEMENT_FLOOR = 0.95


def test_every_mart_is_built_and_filled(demo_warehouse):
    rows = duckdb_stats(demo_warehouse.warehouse)["rows"]
    assert set(rows) == set(MARTS)
    assert all(count > 0 for count in rows.values()), rows


def test_fct_interactions_starts_with_the_shared_interface_columns(demo_warehouse):
    cols = demo_warehouse.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'fct_interactions' order by ordinal_position")
    assert cols[: len(FCT_INTERACTIONS_COLUMNS)] == FCT_INTERACTIONS_COLUMNS


def test_every_customer_voice_text_becomes_one_interaction(demo_warehouse):
    labels = pq.read_table(demo_warehouse.voice_labels, columns=["record_id", "source"]).to_pylist()
    ids = {r[0] for r in demo_warehouse.query("select source_record_id from marts.fct_interactions")}
    (n_rows,) = demo_warehouse.query("select count(*) from marts.fct_interactions")[0]
    assert n_rows == len(ids)
    assert {r["record_id"] for r in labels} == ids


def test_accounts_sharing_a_phone_across_platforms_resolve_to_one_customer(demo_warehouse):
    groups = demo_warehouse.query("""
        select a.phone_hash, count(distinct a.platform) as platforms, count(distinct r.customer_key) as keys
        from raw.customer_accounts as a
        join intermediate.int_customer_accounts_resolved as r
          on r.platform_user_id = a.platform_user_id and r.phone_hash = a.phone_hash
        where a.phone_hash is not null
        group by a.phone_hash""")
    multi_platform = [g for g in groups if g[1] >= 2]
    assert multi_platform, "the demo should contain people with accounts on several platforms"
    assert all(keys == 1 for _, _, keys in groups)
    (linked,) = demo_warehouse.query(
        "select count(*) from marts.dim_customer where platform_count >= 2 and resolution_method = 'phone_hash'")[0]
    assert linked == len(multi_platform)


def test_accounts_without_phone_keep_their_own_customer(demo_warehouse):
    rows = demo_warehouse.query("""
        select count(*), count(distinct customer_key), min(accounts_per_customer), max(accounts_per_customer)
        from intermediate.int_customer_accounts_resolved where not has_phone""")[0]
    n, keys, lo, hi = rows
    assert n > 0 and keys == n and lo == hi == 1
    (n_customers,) = demo_warehouse.query("select count(*) from marts.dim_customer")[0]
    (n_expected,) = demo_warehouse.query("""
        select count(distinct phone_hash) + count(*) filter (where phone_hash is null)
        from staging.stg_commerce__customer_accounts""")[0]
    assert n_customers == n_expected


def test_delivery_delay_incident_shows_in_fct_shipments(demo_warehouse):
    incident = demo_warehouse.incidents["delivery_delay"]
    keys, signal = incident["keys"], incident["expected_signal"]
    window = [date.fromisoformat(incident["start"]), date.fromisoformat(incident["end"])]
    n, late_share, delay = demo_warehouse.query("""
        select count(*), avg(case when is_late then 1.0 else 0.0 end), avg(delivery_delay_hours)
        from marts.fct_shipments
        where carrier = ? and region = ? and cast(promised_at_local as date) between ? and ? and is_delivered""",
        [keys["carrier"], keys["region"], *window])[0]
    base_late, base_delay = demo_warehouse.query("""
        select avg(case when is_late then 1.0 else 0.0 end), avg(delivery_delay_hours)
        from marts.fct_shipments where not (carrier = ? and region = ?) and is_delivered""",
        [keys["carrier"], keys["region"]])[0]
    assert n == signal["incident_shipments"]
    assert late_share == pytest.approx(signal["incident_late_rate"], abs=1e-3)
    assert late_share > 3 * base_late
    assert delay > base_delay + 24  # hours


def test_coupon_incident_leaves_orders_unpaid(demo_warehouse):
    incident = demo_warehouse.incidents["coupon_failure"]
    keys, signal = incident["keys"], incident["expected_signal"]
    window = [date.fromisoformat(incident["start"]), date.fromisoformat(incident["end"])]
    n, unpaid = demo_warehouse.query("""
        select count(*), sum(case when is_paid then 0 else 1 end) from marts.fct_orders
        where coupon_code = ? and created_date between ? and ?""", [keys["coupon_code"], *window])[0]
    (other_unpaid_share,) = demo_warehouse.query("""
        select avg(case when is_paid then 0.0 else 1.0 end) from marts.fct_orders
        where not (coupon_code = ? and created_date between ? and ?) and order_status <> 'cancelled'""",
        [keys["coupon_code"], *window])[0]
    (coupon_failures,) = demo_warehouse.query("""
        select count(*) from marts.fct_payment_attempts as p join marts.fct_orders as o using (order_id)
        where o.coupon_code = ? and o.created_date between ? and ? and p.failure_code = 'COUPON_INVALID'""",
        [keys["coupon_code"], *window])[0]
    assert n == signal["incident_orders"] and unpaid == signal["incident_orders_unpaid"]
    assert unpaid / n > 0.9 > 0.2 > other_unpaid_share
    assert coupon_failures == signal["incident_coupon_invalid_failures"]


def test_other_share_and_tagging_accuracy_on_demo(demo_warehouse):
    share = duckdb_stats(demo_warehouse.warehouse)["other"]["other_share"]
    assert 0 < share < OTHER_SHARE_BOUND
    truth = {r["record_id"]: r["service_element"] for r in
             pq.read_table(demo_warehouse.voice_labels, columns=["record_id", "service_element"]).to_pylist()}
    predicted = demo_warehouse.query("select source_record_id, service_element from marts.fct_interactions")
    accuracy = sum(truth[rid] == element for rid, element in predicted) / len(predicted)
    assert accuracy > TAGGING_ACCURACY_FLOOR


def test_language_matches_the_generated_language(demo_warehouse):
    truth = {r["record_id"]: r["language"] for r in
             pq.read_table(demo_warehouse.voice_labels, columns=["record_id", "language"]).to_pylist()}
    predicted = demo_warehouse.query("select source_record_id, language from marts.fct_interactions")
    agreement = sum(truth[rid] == lang for rid, lang in predicted) / len(predicted)
    assert agreement > LANGUAGE_AGREEMENT_FLOOR


def test_language_is_the_topic_engines_language(demo_warehouse):
    """One rule (dbt_project.yml var language_rule): the marts and ml.language never disagree."""
    from ml.language import detect_language

    rows = demo_warehouse.query("select text_redacted, language from marts.fct_interactions")
    disagreements = [(text, lang) for text, lang in rows if detect_language(text) != lang]
    assert len(rows) > 1000 and not disagreements, disagreements[:5]


def test_no_phone_number_or_email_survives_redaction(demo_warehouse):
    texts = [r[0] for r in demo_warehouse.query("select text_redacted from marts.fct_interactions")]
    mobile = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
    email = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
    assert not [t for t in texts if mobile.search(t) or email.search(t)]
    assert any("<PHONE>" in t for t in texts) and any("<EMAIL>" in t for t in texts)


def test_occurred_week_is_the_local_monday(demo_warehouse):
    bad = demo_warehouse.query("""
        select count(*) from marts.fct_interactions
        where occurred_week <> cast(date_trunc('week', occurred_at_local) as date)
           or isodow(occurred_week) <> 1
           or occurred_at_local <> occurred_at + interval 8 hour""")[0][0]
    assert bad == 0


def test_reloading_the_same_interval_and_rebuilding_changes_nothing(demo_warehouse):
    from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt
    from tests.dbt.conftest import load_interval

    def snapshot() -> dict:
        counts = duckdb_stats(demo_warehouse.warehouse)["rows"]
        content = demo_warehouse.query("""
            select count(*), sum(hash(interaction_id, customer_key, language, text_redacted, service_element,
                                      occurred_at, platform, order_id, product_id))
            from marts.fct_interactions""")[0]
        return {"rows": counts, "fct_interactions": content}

    before = snapshot()
    load_interval(demo_warehouse.landing, demo_warehouse.warehouse)  # new _loaded_at everywhere
    run_dbt(list(MAIN_BUILD_ARGS), warehouse=demo_warehouse.warehouse, echo=False)
    assert snapshot() == before


def test_incremental_build_in_two_loads_equals_the_full_build(demo_warehouse, tmp_path):
    from include.ingestion.loader import load_source
    from include.landing.contract import SOURCES
    from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt
    from tests.dbt.conftest import LOAD_END, LOAD_START

    warehouse = tmp_path / "incremental.duckdb"
    middle = date(2026, 9, 17)
    for start, end in ((LOAD_START, middle), (middle, LOAD_END)):
        for source in SOURCES:
            load_source(source, start, end, landing_dir=demo_warehouse.landing, warehouse=warehouse)
        run_dbt(list(MAIN_BUILD_ARGS), warehouse=warehouse, echo=False)
    sql = """select count(*), sum(hash(interaction_id, customer_key, platform, order_id, language,
                                       text_redacted, service_element))
             from marts.fct_interactions"""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        incremental = con.execute(sql).fetchone()
        attempts = con.execute("select count(*), sum(hash(attempt_id, attempt_number, customer_key)) "
                               "from marts.fct_payment_attempts").fetchone()
    finally:
        con.close()
    assert incremental == demo_warehouse.query(sql)[0]
    assert attempts == demo_warehouse.query("select count(*), sum(hash(attempt_id, attempt_number, customer_key)) "
                                            "from marts.fct_payment_attempts")[0]
