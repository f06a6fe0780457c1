"""Risk alerts on the full default demo, with and without incidents (slow: two 8-week demos,
each generated, loaded and built with dbt).

The topic engine is replaced by the demo's own labels (topic = true sub-intent, sentiment =
true polarity) so the test isolates the detector, its grouping and the evaluation; the real
topic engine's figures come from `xe eval alerts` after `make run` (README's quality table).
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pyarrow.parquet as pq
import pytest

from include.demo.config import GeneratorConfig
from include.demo.generate import generate
from include.ingestion.loader import load_interval
from include.insight.evaluation import evaluate_alerts
from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt

pytestmark = pytest.mark.slow

PREFIX = {"cs_messages": "msg:", "reviews": "rev:", "nps_responses": "nps:", "social_mentions": "soc:"}


def build(tmp_path, **config) -> tuple:
    cfg = GeneratorConfig(out=tmp_path / "landing", **config)
    generate(cfg)
    warehouse = tmp_path / "warehouse.duckdb"
    load_interval(cfg.start - timedelta(days=1), cfg.end + timedelta(days=1), landing_dir=cfg.out,
                  warehouse=warehouse)
    run_dbt(list(MAIN_BUILD_ARGS), warehouse=warehouse, echo=False)
    labels = pq.read_table(cfg.out / "_ground_truth" / "voice_labels.parquet").to_pandas()
    labels["interaction_id"] = labels["source"].map(PREFIX) + labels["record_id"]
    intents = {s: i for i, s in enumerate(sorted(labels["sub_intent"].unique()))}
    labels["topic_id"] = labels["sub_intent"].map(intents)
    con = duckdb.connect(str(warehouse))
    con.register("labels", labels[["interaction_id", "topic_id", "sub_intent", "service_element", "sentiment"]])
    con.execute("create schema if not exists voc")
    con.execute("""create or replace table marts.fct_interaction_topics as
        select i.interaction_id, l.topic_id, l.sub_intent as topic_label, 'oracle' as model_version,
               case when l.sub_intent in ('other.greeting_chitchat', 'other.thanks') then 'chit_chat'
                    else 'substantive' end as voice_class,
               l.service_element, l.sentiment as sentiment_label
        from marts.fct_interactions as i join labels as l using (interaction_id)""")
    con.execute("create or replace table voc.topics as select distinct topic_id, 'oracle' as model_version, "
                "replace(sub_intent, '.', ', ') as keywords from labels")
    con.close()
    return cfg, warehouse


def test_every_incident_is_caught_within_a_day_and_most_alerts_are_real(tmp_path):
    cfg, warehouse = build(tmp_path, seed=42)
    result = evaluate_alerts(cfg.out, warehouse)
    assert result["recall"] == 1.0, result["incidents"]
    assert result["max_delay_days"] <= 1, result["incidents"]
    assert result["precision"] >= 0.8, result["unmatched"]
    # the quotes are about the incident: the lead series' voices, or voices about its orders
    for incident in result["incidents"]:
        assert incident["samples_on_incident"] is not None and incident["samples_on_incident"] >= 0.6, incident


def test_a_quiet_demo_raises_at_most_one_medium_alert(tmp_path):
    cfg, warehouse = build(tmp_path, seed=42, incidents=())
    result = evaluate_alerts(cfg.out, warehouse)
    assert result["recall"] is None  # nothing to find
    assert result["alerts_medium_plus"] <= 1, result["unmatched"]
