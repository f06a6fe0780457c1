"""Rows per mart: the main marts or the topic marts (`xe build` / `xe build --topics`)."""

from __future__ import annotations

import duckdb

from include.warehouse.stats import MARTS, TOPIC_MARTS, duckdb_stats


def test_the_topic_build_counts_the_topic_marts(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.fct_interactions as select * from (values ('a', 'chat_message', 'other'), "
                "('b', 'review', 'logistics')) t(interaction_id, interaction_type, service_element)")
    con.execute("create table marts.fct_interaction_topics as select 'a' as interaction_id")
    con.execute("create table marts.agg_topic_weekly as select 1 as topic_id union all select 2")
    con.close()
    main, topics = duckdb_stats(path)["rows"], duckdb_stats(path, marts=TOPIC_MARTS)["rows"]
    assert main == {"fct_interactions": 2}
    assert topics == {"fct_interaction_topics": 1, "agg_topic_weekly": 2}
    assert not set(MARTS) & set(TOPIC_MARTS)
    assert duckdb_stats(path, marts=TOPIC_MARTS)["other"]["other_share"] == 0.5
