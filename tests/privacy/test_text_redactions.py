"""restricted.text_redactions on real DuckDB and PostgreSQL: complete, incremental, idempotent."""

from __future__ import annotations

import os
import uuid

import duckdb
import pytest

from include.privacy.warehouse import refresh_duckdb, refresh_postgres, text_sha256

MESSAGES = [("m1", "customer", "我电话13812345678，快递没到"), ("m2", "agent", "您好，收件人张伟对吗"),
            ("m3", "customer", "好的谢谢")]
REVIEWS = [("r1", "  地址北京市海淀区中关村大街1号，质量很好  "), ("r2", ""), ("r3", None), ("r4", "好的谢谢")]


def _raw_duckdb(path):
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    con.execute("create table raw.cs_messages (message_id varchar, sender_role varchar, text varchar)")
    con.executemany("insert into raw.cs_messages values (?, ?, ?)", MESSAGES)
    con.execute("create table raw.reviews (review_id varchar, text varchar)")
    con.executemany("insert into raw.reviews values (?, ?)", REVIEWS)
    con.close()


def test_duckdb_refresh_redacts_each_distinct_customer_text_once(tmp_path):
    path = tmp_path / "w.duckdb"
    _raw_duckdb(path)
    first = refresh_duckdb(path)
    # customer messages and trimmed, non-empty review texts; the agent's message is no voice
    assert (first.texts, first.redacted, first.with_pii) == (3, 3, 2)
    con = duckdb.connect(str(path), read_only=True)
    rows = dict(con.execute("select text_redacted, pii_kinds from restricted.text_redactions").fetchall())
    keys = {r[0] for r in con.execute("select text_sha256 from restricted.text_redactions").fetchall()}
    sql_key = con.execute("select sha256('好的谢谢')").fetchone()[0]
    con.close()
    assert rows == {"我电话<PHONE>，快递没到": "phone", "地址<ADDRESS>，质量很好": "address", "好的谢谢": ""}
    assert text_sha256("好的谢谢") == sql_key and sql_key in keys
    again = refresh_duckdb(path)
    assert (again.redacted, again.deleted) == (0, 0)
    # a text gone from raw loses its redaction (the table equals its rebuild)
    con = duckdb.connect(str(path))
    con.execute("delete from raw.cs_messages where message_id = 'm1'")
    con.close()
    assert refresh_duckdb(path).deleted == 1


def test_missing_warehouse_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        refresh_duckdb(tmp_path / "none.duckdb")


@pytest.mark.postgres
def test_postgres_refresh_matches_duckdb(pg_dsn, tmp_path):
    import psycopg2

    from include.warehouse.pg_mirror import drop_schemas, mirror

    path = tmp_path / "w.duckdb"
    _raw_duckdb(path)
    prefix = f"ee_pii_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        mirror(prefix, warehouse=path, dsn=pg_dsn, schemas=("raw",), progress=False)
        with psycopg2.connect(pg_dsn) as pg, pg.cursor() as cur:  # the mirror refreshed them already
            cur.execute(f"select count(*) from {prefix}_restricted.text_redactions")
            assert cur.fetchone()[0] == 3
            cur.execute(f'drop schema "{prefix}_restricted" cascade')
        pg.close()
        first = refresh_postgres(prefix, pg_dsn)
        assert (first.texts, first.redacted, first.with_pii) == (3, 3, 2)
        assert refresh_postgres(prefix, pg_dsn).redacted == 0
        refresh_duckdb(path)
        with psycopg2.connect(pg_dsn) as pg, pg.cursor() as cur:
            cur.execute(f"select text_sha256, text_redacted from {prefix}_restricted.text_redactions")
            on_pg = set(cur.fetchall())
        pg.close()
        con = duckdb.connect(str(path), read_only=True)
        on_duck = set(con.execute("select text_sha256, text_redacted from restricted.text_redactions").fetchall())
        con.close()
        assert on_pg == on_duck
    finally:
        drop_schemas(prefix, dsn=pg_dsn)
