"""Keep ``restricted.text_redactions`` up to date: one redacted copy of every raw voice text.

The warehouse never redacts with SQL. Before dbt builds, this step reads every distinct voice
text in the raw schema (customer chat messages, review texts, NPS verbatims, social
mentions - the texts ``int_interactions_unioned`` carries, with the same trimming as
staging), redacts those not yet redacted by the current :func:`redactor_version` with
:func:`include.privacy.redact`, and writes them to ``text_redactions`` (text_sha256,
text_redacted, pii_kinds, redactor_version, redacted_at). Rows of texts no longer in raw are
deleted, so the table always equals its full rebuild. ``int_interactions_unioned`` joins it
by the SHA-256 of the text (dbt source ``restricted.text_redactions``).

Runs on both warehouses: DuckDB (schema ``restricted``; every dbt process also runs it on
its own connection, see :mod:`include.privacy.dbt_plugin`) and PostgreSQL
(``<prefix>_restricted`` from ``<prefix>_raw``; ``xe build --target postgres`` and the
build_warehouse DAG run it). Incremental and idempotent: a second run finds nothing to do.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from include.privacy.redactor import redact_many, redactor_version

#: (raw table, text column, trimmed like staging?, extra filter) - mirrors the staging models
VOICE_COLUMNS: tuple[tuple[str, str, bool, str], ...] = (
    ("cs_messages", "text", False, "lower(sender_role) = 'customer'"),
    ("reviews", "text", True, ""),
    ("nps_responses", "verbatim", True, ""),
    ("social_mentions", "text", False, ""),
)
TABLE = "text_redactions"


@dataclass(frozen=True)
class RefreshResult:
    """What one refresh did."""

    texts: int  # distinct voice texts in raw
    redacted: int  # newly redacted (new texts, or redacted by an older version)
    deleted: int  # rows of texts no longer in raw
    with_pii: int  # of the newly redacted, texts where something was masked
    seconds: float
    version: str

    def summary(self) -> str:
        return (f"text_redactions: {self.texts:,} distinct voice texts, {self.redacted:,} redacted now "
                f"({self.with_pii:,} with personal data), {self.deleted:,} deleted, redactor {self.version}, "
                f"{self.seconds:.1f} s")


def text_sha256(text: str) -> str:
    """The key of a text: hex SHA-256 of its UTF-8 bytes (= DuckDB sha256(), PostgreSQL sha256(convert_to()))."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _voice_sql(raw_schema: str, existing: set[str]) -> str:
    parts = []
    for table, column, trimmed, where in VOICE_COLUMNS:
        if table not in existing:
            continue
        expr = f"nullif(trim({column}), '')" if trimmed else column
        parts.append(f"select {expr} as t from {raw_schema}.{table}" + (f" where {where}" if where else ""))
    if not parts:
        return ""
    return "select distinct t from (" + " union all ".join(parts) + ") as voice where t is not null"


def _rows(texts: list[str], version: str) -> list[tuple]:
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    out = []
    for text, result in zip(texts, redact_many(texts), strict=True):
        out.append((text_sha256(text), result.text, ",".join(result.kinds), version, now))
    return out


_DDL = ("(text_sha256 varchar primary key, text_redacted varchar not null, pii_kinds varchar not null, "
        "redactor_version varchar not null, redacted_at timestamp not null)")


def refresh_duckdb_connection(con, *, raw_schema: str = "raw", restricted_schema: str = "restricted") -> RefreshResult:
    """Refresh ``<restricted_schema>.text_redactions`` on an open DuckDB connection (see the module doc)."""
    started, version = time.perf_counter(), redactor_version()
    existing = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [raw_schema]).fetchall()}
    con.execute(f"create schema if not exists {restricted_schema}")
    con.execute(f"create table if not exists {restricted_schema}.{TABLE} {_DDL}")
    voice = _voice_sql(raw_schema, existing)
    if not voice:
        return RefreshResult(0, 0, 0, 0, time.perf_counter() - started, version)
    con.execute(f"create or replace temp table _ee_voice as select sha256(t) as h, t from ({voice}) as v")
    todo = [r[0] for r in con.execute(
        f"select v.t from _ee_voice as v left join {restricted_schema}.{TABLE} as r "
        "on r.text_sha256 = v.h and r.redactor_version = ? where r.text_sha256 is null", [version]).fetchall()]
    rows = _rows(todo, version)
    con.execute("begin transaction")
    try:
        deleted = con.execute(f"delete from {restricted_schema}.{TABLE} where text_sha256 not in "
                              "(select h from _ee_voice)").fetchone()[0]
        if rows:
            import pandas as pd

            frame = pd.DataFrame(rows, columns=["text_sha256", "text_redacted", "pii_kinds", "redactor_version",
                                                "redacted_at"])
            con.register("_ee_new_redactions", frame)
            con.execute(f"delete from {restricted_schema}.{TABLE} where text_sha256 in "
                        "(select text_sha256 from _ee_new_redactions)")
            con.execute(f"insert into {restricted_schema}.{TABLE} select text_sha256, text_redacted, pii_kinds, "
                        "redactor_version, cast(redacted_at as timestamp) from _ee_new_redactions")
            con.unregister("_ee_new_redactions")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    texts = con.execute("select count(*) from _ee_voice").fetchone()[0]
    con.execute("drop table if exists _ee_voice")
    return RefreshResult(texts, len(rows), int(deleted or 0), sum(1 for r in rows if r[2]),
                         time.perf_counter() - started, version)


def refresh_duckdb(warehouse: Path | str | None = None) -> RefreshResult:
    """Refresh the DuckDB warehouse's ``restricted.text_redactions`` (default ``settings().warehouse``).

    Raises:
        FileNotFoundError: the warehouse file does not exist.
    """
    from include.config import settings
    from include.ingestion.warehouse import connect

    path = Path(warehouse or settings().warehouse)
    if not path.exists():
        raise FileNotFoundError(f"warehouse {path} does not exist; load the landing zone first (xe load)")
    with connect(path) as con:  # the warehouse writer lock (docs/warehouse.md#writers-locks-and-crashes)
        return refresh_duckdb_connection(con)


def refresh_postgres(prefix: str = "ee", dsn: str | None = None) -> RefreshResult:
    """Refresh ``<prefix>_restricted.text_redactions`` from ``<prefix>_raw`` on PostgreSQL.

    Raises:
        ValueError: bad prefix (see include.warehouse.pg_mirror.check_prefix).
    """
    import psycopg2
    from psycopg2.extras import execute_values

    from include.config import settings
    from include.warehouse.pg_mirror import check_prefix

    check_prefix(prefix)
    raw_schema, restricted = f"{prefix}_raw", f"{prefix}_restricted"
    started, version = time.perf_counter(), redactor_version()
    pg = psycopg2.connect(dsn or settings().pg_dsn)
    try:
        with pg, pg.cursor() as cur:
            cur.execute("select table_name from information_schema.tables where table_schema = %s", [raw_schema])
            existing = {r[0] for r in cur.fetchall()}
            cur.execute(f"create schema if not exists {restricted}")
            cur.execute(f"create table if not exists {restricted}.{TABLE} {_DDL.replace('varchar', 'text')}")
            voice = _voice_sql(raw_schema, existing)
            if not voice:
                return RefreshResult(0, 0, 0, 0, time.perf_counter() - started, version)
            cur.execute(f"create temp table _ee_voice on commit drop as select encode(sha256(convert_to(t, 'UTF8')), "
                        f"'hex') as h, t from ({voice}) as v")
            cur.execute(f"select v.t from _ee_voice as v left join {restricted}.{TABLE} as r on r.text_sha256 = v.h "
                        "and r.redactor_version = %s where r.text_sha256 is null", [version])
            rows = _rows([r[0] for r in cur.fetchall()], version)
            cur.execute(f"delete from {restricted}.{TABLE} as r where not exists "
                        "(select 1 from _ee_voice as v where v.h = r.text_sha256)")
            deleted = cur.rowcount
            if rows:  # delete + insert, not ON CONFLICT: a mirrored copy of the table has no key constraint
                cur.execute(f"delete from {restricted}.{TABLE} where text_sha256 = any(%s)", [[r[0] for r in rows]])
                execute_values(cur, f"insert into {restricted}.{TABLE} values %s", rows, page_size=1000)
            cur.execute("select count(*) from _ee_voice")
            texts = cur.fetchone()[0]
    finally:
        pg.close()
    return RefreshResult(texts, len(rows), max(deleted, 0), sum(1 for r in rows if r[2]),
                         time.perf_counter() - started, version)


def refresh(target: str = "duckdb", *, warehouse: Path | str | None = None, pg_schema: str = "ee",
            dsn: str | None = None) -> RefreshResult:
    """Refresh the redactions of the dbt target about to be built (``duckdb`` or ``postgres``).

    Raises:
        ValueError: unknown target.
    """
    if target == "duckdb":
        return refresh_duckdb(warehouse)
    if target == "postgres":
        return refresh_postgres(pg_schema, dsn)
    raise ValueError(f"unknown target {target!r}; expected duckdb or postgres")
