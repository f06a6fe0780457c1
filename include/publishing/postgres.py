"""The published ``bi`` schema on PostgreSQL, readable by a ``bi_reader`` role and nothing else.

``publish_to_postgres`` copies the tables of the published DuckDB file (schema ``bi``, only
what passed validation) to a PostgreSQL schema in one transaction (``include.warehouse.
pg_mirror``: DDL is transactional on PostgreSQL, so a reader sees the old schema or the new
one), and grants the reader role USAGE on it and SELECT on its tables. The role gets no other
privilege: on PostgreSQL 15+ PUBLIC may not create in ``public``, and tables of other schemas
(raw text, staging, the pipeline's own) are not granted, so INSERT, DDL and reads elsewhere are
refused by the server.
"""

from __future__ import annotations

from pathlib import Path

from include.warehouse.pg_mirror import check_prefix, mirror


def ensure_reader_role(role: str = "bi_reader", *, dsn: str | None = None) -> None:
    """Create the login role ``role`` if it does not exist (no password: authentication is the
    server's pg_hba rules; set one with ``ALTER ROLE`` where passwords are used)."""
    import psycopg2

    from include.config import settings

    check_prefix(role)
    with psycopg2.connect(dsn or settings().pg_dsn) as pg, pg.cursor() as cur:
        cur.execute("select 1 from pg_roles where rolname = %s", [role])
        if not cur.fetchone():
            cur.execute(f'create role "{role}" login nosuperuser nocreatedb nocreaterole noinherit')
    pg.close()


def publish_to_postgres(bi_warehouse: Path | str | None = None, *, schema: str = "bi", role: str = "bi_reader",
                        dsn: str | None = None) -> dict:
    """Replace PostgreSQL schema ``schema`` with the published tables and grant ``role`` SELECT.

    Returns:
        ``{"schema", "role", "tables", "rows"}``.

    Raises:
        FileNotFoundError: nothing has been published yet.
    """
    from include.config import settings

    path = Path(bi_warehouse or settings().bi_warehouse)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `xe publish` first")
    ensure_reader_role(role, dsn=dsn)
    copied = mirror("ee", warehouse=path, dsn=dsn, schemas=("bi",), progress=False,
                    target_names={"bi": check_prefix(schema)}, grant_select_to=role)
    return {"schema": schema, "role": role, "tables": len(copied), "rows": sum(t.rows for t in copied)}
