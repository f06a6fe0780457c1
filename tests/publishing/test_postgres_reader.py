"""The published tables on the real PostgreSQL server: a reader role may SELECT from the bi
schema and do nothing else (no INSERT, no DDL, no reads of other schemas)."""

from __future__ import annotations

import os
import uuid

import psycopg2
import psycopg2.errors
import pytest

from include.publishing.postgres import publish_to_postgres
from include.publishing.publish import publish
from tests.publishing.test_publish import _warehouse

pytestmark = pytest.mark.postgres


@pytest.fixture
def names(pg_dsn):
    suffix = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    schema, role, other = f"bi_t{suffix}", f"bi_reader_t{suffix}", f"staging_t{suffix}"
    yield schema, role, other
    with psycopg2.connect(pg_dsn) as pg, pg.cursor() as cur:
        cur.execute(f'drop schema if exists "{schema}" cascade')
        cur.execute(f'drop schema if exists "{other}" cascade')
        cur.execute("select 1 from pg_roles where rolname = %s", [role])
        if cur.fetchone():
            cur.execute(f'drop owned by "{role}"')
            cur.execute(f'drop role "{role}"')
    pg.close()


def test_bi_reader_selects_the_published_tables_and_nothing_else(tmp_path, monkeypatch, pg_dsn, names):
    schema, role, other = names
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    published = tmp_path / "published.duckdb"
    publish(_warehouse(tmp_path / "warehouse.duckdb"), published, run_id="pg", docs=False)
    result = publish_to_postgres(published, schema=schema, role=role, dsn=pg_dsn)
    assert result["tables"] == 4  # three marts and the publication log
    with psycopg2.connect(pg_dsn) as pg, pg.cursor() as cur:  # the pipeline's own data, elsewhere
        cur.execute(f'create schema "{other}"')
        cur.execute(f'create table "{other}".messages as select \'customer text\'::text as body')
    pg.close()

    reader = psycopg2.connect(pg_dsn, user=role)
    reader.autocommit = True
    try:
        with reader.cursor() as cur:
            cur.execute(f'select count(*) from "{schema}".fct_orders')
            assert cur.fetchone()[0] == 2
            cur.execute(f'select count(*) from "{schema}".publication_log')
            assert cur.fetchone()[0] >= 2
            refused = [
                f"insert into \"{schema}\".fct_orders (order_id) values ('X')",
                f'delete from "{schema}".fct_orders',
                f'create table "{schema}".mine (x int)',
                f'drop table "{schema}".fct_orders',
                "create table public.mine (x int)",
                f'select * from "{other}".messages',
            ]
            for statement in refused:
                with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                    cur.execute(statement)
    finally:
        reader.close()

    # a second publication replaces the schema and keeps the grant
    publish_to_postgres(published, schema=schema, role=role, dsn=pg_dsn)
    reader = psycopg2.connect(pg_dsn, user=role)
    try:
        with reader.cursor() as cur:
            cur.execute(f'select count(*) from "{schema}".agg_nps_weekly')
            assert cur.fetchone()[0] == 3
    finally:
        reader.close()
