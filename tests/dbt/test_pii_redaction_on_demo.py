"""No planted personal data reaches the warehouse outside raw and restricted.

The demo generator plants every kind (mainland and international phones, e-mails, resident
ID numbers, bank cards, addresses, names) at the end of a small share of voice texts;
include.demo.text.planted_pii reads them back from the ground truth's texts. The
demo_warehouse fixture is built by the real loader and `dbt build` (whose dbt-duckdb plugin
runs the library redactor first): every planted value must be absent from every table outside
raw and restricted, and from every view outside the staging/intermediate layers (views there
read raw; see docs/privacy.md).
"""

from __future__ import annotations

from collections import Counter

import duckdb
import pandas as pd
import pytest

from include.demo.text import planted_pii
from include.privacy import KINDS


@pytest.fixture(scope="module")
def planted(demo_warehouse) -> list[tuple[str, str]]:
    texts = pd.read_parquet(demo_warehouse.voice_labels, columns=["text"])["text"].dropna().tolist()
    return sorted({p for t in texts if (p := planted_pii(t))})


def test_the_demo_plants_every_kind(planted):
    counts = Counter(kind for kind, _ in planted)
    assert set(counts) == set(KINDS), counts
    assert all(n >= 2 for n in counts.values()), counts


def test_planted_values_are_in_raw_and_redacted_in_fct_interactions(demo_warehouse, planted):
    con = duckdb.connect(str(demo_warehouse.warehouse), read_only=True)
    try:
        con.execute("create temp table planted (kind varchar, value varchar)")
        con.executemany("insert into planted values (?, ?)", planted)
        in_raw = con.execute(
            "select count(distinct p.value) from planted as p join raw.cs_messages as m on contains(m.text, p.value)"
        ).fetchone()[0]
        assert in_raw > 0  # the check below can fail: the values did reach the warehouse
        masked = dict(con.execute(
            "select p.kind, count(*) from planted as p join marts.fct_interactions as f "
            "on contains(f.text_redacted, '<' || upper(p.kind) || '>') group by 1").fetchall())
        assert set(masked) == set(KINDS)
    finally:
        con.close()


def test_no_planted_value_outside_raw_and_restricted(demo_warehouse, planted):
    values = [v for _, v in planted]
    con = duckdb.connect(str(demo_warehouse.warehouse), read_only=True)
    leaks, checked = [], 0
    try:
        relations = con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_schema not in ('raw', 'restricted') and table_catalog = current_database() "
            "and (table_type = 'BASE TABLE' or table_schema not in ('staging', 'intermediate'))").fetchall()
        con.execute("create temp table planted (value varchar)")
        con.executemany("insert into planted values (?)", [(v,) for v in values])
        for schema, table, _ in relations:
            if schema == "temp" or table == "planted":
                continue
            cols = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "and data_type = 'VARCHAR'", [schema, table]).fetchall()]
            checked += 1
            for col in cols:
                hits = con.execute(
                    f'select distinct p.value from "{schema}"."{table}" as t join planted as p '
                    f'on contains(t."{col}", p.value)').fetchall()
                leaks += [(schema, table, col, h[0]) for h in hits]
    finally:
        con.close()
    assert checked > 20
    assert leaks == []
