"""Erasure requests (PIPL art. 47, GDPR art. 17): remove one customer's data everywhere.

``erase(...)`` (``xe erase``) takes a data subject named by ``platform`` + ``platform_user_id``,
a ``customer_key`` (``marts.dim_customer``) and/or a phone number, and:

1. **resolves** every linked account: accounts sharing a phone hash with a named account
   are the same customer (the rule of ``int_customer_accounts_resolved``), repeated until no
   new account appears; then their orders, sessions (by account or by one of their orders),
   messages of those sessions, reviews, NPS answers, payment attempts and logistics events
   of their orders, the interactions built from all of these and their texts;
2. **deletes**, in one warehouse transaction: their rows in every ``raw`` table, the
   ``raw._quarantine`` rows whose payload holds one of their identifiers, and adjusts the
   latest ``raw._load_audit`` row of each file touched (``rows_loaded`` or
   ``rows_quarantined`` and ``rows_read`` go down, ``rows_erased`` up by the same count, so the
   reconciliation ``rows_read = rows_loaded + rows_quarantined`` still holds); their rows of
   ``voc.doc_topics`` and of every ``insight`` table (by identifier column), and quoted texts
   of theirs used as topic labels; writes the **tombstones** (``privacy.erasure_register``)
   and the **log row** (``privacy.erasure_log``);
3. **rebuilds** the marts with dbt (main build with ``--full-refresh``; ``tag:topics`` when
   ``voc`` exists; ``tag:insight`` when ``insight`` exists): marts are tables rebuilt from raw
   on every run, and the full refresh rebuilds the one incremental model
   (``int_voice_texts_tagged``, keyed by text hash, no customer column) from raw as well;
4. **republishes** ``bi`` (``include.publishing.publish``: validated, atomic ``os.replace``).
   When validation blocks the publication, the subject's rows are deleted from a copy of the
   published file, which then replaces it atomically (``os.replace``) — never left in place;
   with ``postgres=True`` the published schema is mirrored to PostgreSQL again;
5. removes their texts from the representative documents and quoted labels of the saved
   topic models (``<EE_MODEL_DIR>/topics/*/topics.json``), which ``xe topics assign`` copies
   into ``voc.topics``;
6. **verifies**: scans raw, intermediate, marts, voc, insight and bi for any identifier left
   and records the counts per table in the log row (``left``: empty when complete).

The **erasure register** holds HMAC-SHA256 keyed hashes (``include.privacy.keys``) of the
subject's identifiers (``account``: platform code + user id; ``phone``: phone hash;
``order``; ``session``), never the identifiers. The loader consults it
(:func:`erasure_filter`): a landing record carrying a registered identifier is neither loaded
nor quarantined but counted in ``raw._load_audit.rows_erased``. Accounting: ``rows_read`` counts
the records the loader took in, so ``rows_read = rows_loaded + rows_quarantined`` stays true
per file, and a file holds ``rows_read + rows_erased`` records. The tombstones also keep
out later records of the same accounts (an erased account stays erased). The log keeps the
request id, times, selectors used (names, not values), counts per table and a keyed hash of
the subject (of its sorted account identifiers) — no raw identifier.

Not covered: ``social_mentions`` (public posts by handle, not linked to accounts); the
embedding cache (vectors keyed by text hash under ``<EE_DATA_DIR>/embedding_cache``); copies
outside the warehouse (exports, CSV recovery lists already sent, backups, the landing files
themselves — delete those at the producer).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import duckdb

from include.privacy.keys import hash_key, keyed_hash, normalise_phone

log = logging.getLogger(__name__)

SCHEMA = "privacy"
REGISTER = f"{SCHEMA}.erasure_register"
LOG = f"{SCHEMA}.erasure_log"
REGISTER_DDL = f"""create table if not exists {REGISTER} (
  identifier_hash VARCHAR,
  kind VARCHAR,
  request_id VARCHAR,
  registered_at TIMESTAMP
)"""
LOG_DDL = f"""create table if not exists {LOG} (
  request_id VARCHAR,
  requested_at TIMESTAMP,
  finished_at TIMESTAMP,
  subject_hash VARCHAR,
  selectors VARCHAR,
  accounts INTEGER,
  counts VARCHAR,
  left_behind VARCHAR,
  status VARCHAR,
  message VARCHAR
)"""

#: raw tables that carry an account (platform + platform_user_id)
ACCOUNT_TABLES = ("customer_accounts", "orders", "cs_sessions", "reviews", "nps_responses")
#: columns of derived tables (intermediate, marts, voc, insight, bi) that name the subject, and the
#: identifier set of :class:`Subject` each holds
ID_COLUMNS = {
    "customer_key": "customer_keys", "account_id": "account_ids", "platform_user_id": "user_ids",
    "phone_hash": "phone_hashes", "order_id": "order_ids", "session_id": "session_ids",
    "message_id": "message_ids", "review_id": "review_ids", "response_id": "response_ids",
    "attempt_id": "attempt_ids", "event_id": "event_ids", "interaction_id": "interaction_ids",
    "last_failed_attempt_id": "attempt_ids", "source_record_id": "source_record_ids",
}
#: columns holding a customer's own words (matched against the subject's texts)
TEXT_COLUMNS = ("text", "original_text", "text_redacted", "verbatim", "quote_redacted", "sample_text")
SCANNED_SCHEMAS = ("raw", "intermediate", "marts", "voc", "insight", "restricted")
#: schemas written outside dbt, where the subject's rows are deleted in place (``restricted``: the
#: redactor's per-text cache, include/privacy/warehouse.py)
IN_PLACE_SCHEMAS = ("voc", "insight", "restricted")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@lru_cache(maxsize=1)
def platform_aliases() -> dict[str, str]:
    """Raw platform spelling (lower-cased) -> platform code, from ``vars.platform_aliases`` of
    dbt_project.yml (the dbt macro ``normalize_platform`` uses the same list)."""
    import yaml

    from include.config import settings

    data = yaml.safe_load((settings().dbt_project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    return {alias.lower(): code for code, aliases in data["vars"]["platform_aliases"].items() for alias in aliases}


def platform_code(raw: object) -> str | None:
    """The platform code of a raw spelling ('天猫 ' -> 'tmall'); unknown spellings lower-cased and trimmed."""
    if raw is None:
        return None
    text = str(raw).strip().lower()
    return platform_aliases().get(text, text) or None


def _platform_sql(column: str) -> str:
    cases = " ".join(f"when lower(trim({column})) = '{a}' then '{c}'" for a, c in sorted(platform_aliases().items()))
    return f"(case {cases} else nullif(lower(trim({column})), '') end)"


# ---------------------------------------------------------------------------------------------
# Tombstones and the loader hook
# ---------------------------------------------------------------------------------------------

def _identifiers(values: Mapping[str, object]) -> Iterable[tuple[str, str]]:
    """(kind, text to hash) for each identifier a record carries."""
    def text(name: str) -> str | None:
        value = values.get(name)
        if value is None:
            return None
        value = str(value).replace("\ufeff", "").strip()
        return value or None

    platform, user = platform_code(text("platform")), text("platform_user_id")
    if platform and user:
        yield "account", f"account\x1f{platform}\x1f{user}"
    if phone := text("phone_hash"):
        yield "phone", f"phone\x1f{phone.lower()}"
    if order := text("order_id"):
        yield "order", f"order\x1f{order}"
    if session := text("session_id"):
        yield "session", f"session\x1f{session}"


class ErasureFilter:
    """Answers "does this landing record belong to an erased subject?" for the loader."""

    def __init__(self, hashes: frozenset[str], key: bytes):
        self.hashes, self.key = hashes, key
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)  # copied per value: the key schedule runs once

    def _hash(self, text: str) -> str:
        h = self._keyed.copy()
        h.update(text.encode("utf-8"))
        return h.hexdigest()

    def matches(self, row: object | None, record: object | None = None) -> bool:
        """True when ``row`` (a validated contract model) or, failing that, the raw ``record``
        (``include.ingestion.readers.RawRecord``: its dict, or its payload parsed as JSON)
        carries a registered identifier."""
        values = getattr(row, "__dict__", None) if row is not None else None
        if values is None and record is not None:
            values = getattr(record, "data", None)
            if values is None:
                try:
                    values = json.loads(getattr(record, "payload", "") or "")
                except (ValueError, TypeError):
                    values = None
        if not isinstance(values, Mapping):
            return False
        return any(self._hash(ident) in self.hashes for _, ident in _identifiers(values))


def erasure_filter(con: duckdb.DuckDBPyConnection, source: str) -> ErasureFilter | None:
    """The loader's hook: an :class:`ErasureFilter` over ``privacy.erasure_register``, or
    ``None`` when nothing was ever erased (then the loader does no extra work and no key is
    read). ``source`` is accepted for symmetry; every source is checked by its fields."""
    exists = con.execute("select count(*) from information_schema.tables where table_schema = ? "
                         "and table_name = 'erasure_register'", [SCHEMA]).fetchall()[0][0]
    if not exists:
        return None
    hashes = frozenset(r[0] for r in con.execute(f"select identifier_hash from {REGISTER}").fetchall())
    return ErasureFilter(hashes, hash_key()) if hashes else None


# ---------------------------------------------------------------------------------------------
# The subject
# ---------------------------------------------------------------------------------------------

@dataclass
class Subject:
    """Every identifier of one data subject found in the warehouse (the values themselves)."""

    accounts: set[tuple[str, str]] = field(default_factory=set)  # (platform code, platform_user_id)
    phone_hashes: set[str] = field(default_factory=set)
    customer_keys: set[str] = field(default_factory=set)
    order_ids: set[str] = field(default_factory=set)
    session_ids: set[str] = field(default_factory=set)
    message_ids: set[str] = field(default_factory=set)
    review_ids: set[str] = field(default_factory=set)
    response_ids: set[str] = field(default_factory=set)
    attempt_ids: set[str] = field(default_factory=set)
    event_ids: set[str] = field(default_factory=set)
    interaction_ids: set[str] = field(default_factory=set)
    source_record_ids: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)

    @property
    def user_ids(self) -> set[str]:
        return {u for _, u in self.accounts}

    @property
    def account_ids(self) -> set[str]:
        return {f"{p}:{u}" for p, u in self.accounts}

    def tombstones(self, key: bytes) -> list[tuple[str, str]]:
        """(keyed hash, kind) of every identifier the loader matches on."""
        idents = [("account", f"account\x1f{p}\x1f{u}") for p, u in sorted(self.accounts)]
        idents += [("phone", f"phone\x1f{h}") for h in sorted(self.phone_hashes)]
        idents += [("order", f"order\x1f{o}") for o in sorted(self.order_ids)]
        idents += [("session", f"session\x1f{s}") for s in sorted(self.session_ids)]
        return [(keyed_hash(text, key=key), kind) for kind, text in idents]

    def subject_hash(self, key: bytes) -> str:
        """Keyed hash of the subject (sorted accounts and phone hashes): lets a later request be
        matched to this log row without storing who it was."""
        body = "\x1e".join([*(f"{p}:{u}" for p, u in sorted(self.accounts)), *sorted(self.phone_hashes)])
        return keyed_hash("subject\x1f" + body, key=key)

    def strings(self) -> set[str]:
        """Every identifier value (not texts): what a quarantine payload is searched for."""
        out = self.user_ids | self.phone_hashes | self.order_ids | self.session_ids | self.message_ids
        return out | self.review_ids | self.response_ids | self.attempt_ids | self.event_ids


def _exists(con, schema: str, table: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = ? and "
                            "table_name = ?", [schema, table]).fetchall()[0][0])


def _values(con, sql: str, params: list) -> set:
    return {r[0] for r in con.execute(sql, params).fetchall() if r[0] is not None}


def _account_predicate(alias: str = "t") -> str:
    return f"({_platform_sql(f'{alias}.platform')}, trim({alias}.platform_user_id)) in (select p, u from _ee_accounts)"


def _register_accounts(con, accounts: set[tuple[str, str]]) -> None:
    import pyarrow as pa

    table = pa.table({"p": [a[0] for a in accounts], "u": [a[1] for a in accounts]},
                     schema=pa.schema([("p", pa.string()), ("u", pa.string())]))
    con.register("_ee_accounts", table)


def resolve_subject(con: duckdb.DuckDBPyConnection, *, platform: str | None = None, user_id: str | None = None,
                    customer_key: str | None = None, phone: str | None = None, key: bytes | None = None) -> Subject:
    """Find every account and record of the subject in the warehouse (see the module doc).

    Raises:
        ValueError: no selector given, only one of platform/user_id, or a ``customer_key`` that
            no account resolves to (a key is only known through the built warehouse).
    """
    if bool(platform) != bool(user_id):
        raise ValueError("--platform and --user-id go together (an account is a platform and a user id)")
    if not (user_id or customer_key or phone):
        raise ValueError("name the data subject: --platform P --user-id U, --customer-key K and/or --phone NUMBER")
    key = key if key is not None else hash_key()
    subject = Subject()
    if platform and user_id:
        subject.accounts.add((platform_code(platform), user_id.strip()))
    if phone:
        digits = normalise_phone(phone)
        if len(digits) < 5:
            raise ValueError(f"--phone {phone!r} has too few digits to be a phone number")
        subject.phone_hashes.add(keyed_hash(digits, key=key))
    resolved_view = _exists(con, "intermediate", "int_customer_accounts_resolved")
    if customer_key:
        found = set()
        if resolved_view:
            found = {(r[0], r[1]) for r in con.execute(
                "select platform_code, platform_user_id from intermediate.int_customer_accounts_resolved "
                "where customer_key = ?", [customer_key.strip()]).fetchall()}
        if not found:
            raise ValueError(f"customer_key {customer_key!r} matches no account (is the warehouse built? "
                             "`xe build`); name the subject by --platform/--user-id or --phone instead")
        subject.accounts |= found
        subject.customer_keys.add(customer_key.strip())
    if not _exists(con, "raw", "customer_accounts"):
        return subject
    # closure: accounts -> their phone hashes -> every account with one of those hashes -> ...
    while True:
        _register_accounts(con, subject.accounts)
        try:
            phones = _values(con, "select distinct nullif(lower(trim(phone_hash)), '') from raw.customer_accounts t "
                             f"where {_account_predicate()}", [])
        finally:
            con.unregister("_ee_accounts")
        phones |= subject.phone_hashes
        accounts = {(r[0], r[1]) for r in con.execute(
            f"select distinct {_platform_sql('platform')}, trim(platform_user_id) from raw.customer_accounts "
            "where lower(trim(phone_hash)) in (select unnest(?::VARCHAR[]))", [sorted(phones)]).fetchall()}
        accounts |= subject.accounts
        if accounts == subject.accounts and phones == subject.phone_hashes:
            break
        subject.accounts, subject.phone_hashes = accounts, phones
    _register_accounts(con, subject.accounts)
    try:
        subject.order_ids = _values(con, f"select order_id from raw.orders t where {_account_predicate()}", [])
        orders = sorted(subject.order_ids)
        subject.session_ids = _values(con, "select session_id from raw.cs_sessions t where "
                                      f"{_account_predicate()} or t.order_id in (select unnest(?::VARCHAR[]))", [orders])
        subject.review_ids = _values(con, "select review_id from raw.reviews t where "
                                     f"{_account_predicate()} or t.order_id in (select unnest(?::VARCHAR[]))", [orders])
        subject.response_ids = _values(con, "select response_id from raw.nps_responses t where "
                                       f"{_account_predicate()} or t.order_id in (select unnest(?::VARCHAR[]))", [orders])
    finally:
        con.unregister("_ee_accounts")
    sessions = sorted(subject.session_ids)
    subject.message_ids = _values(con, "select message_id from raw.cs_messages where session_id in "
                                  "(select unnest(?::VARCHAR[]))", [sessions])
    subject.attempt_ids = _values(con, "select attempt_id from raw.payment_attempts where order_id in "
                                  "(select unnest(?::VARCHAR[]))", [orders])
    subject.event_ids = _values(con, "select event_id from raw.logistics_events where order_id in "
                                "(select unnest(?::VARCHAR[]))", [orders])
    # the subject's own words: customer messages, review texts, NPS verbatims
    for sql, ids in (("select text from raw.cs_messages where sender_role = 'customer' and message_id in "
                      "(select unnest(?::VARCHAR[]))", subject.message_ids),
                     ("select text from raw.reviews where review_id in (select unnest(?::VARCHAR[]))",
                      subject.review_ids),
                     ("select verbatim from raw.nps_responses where response_id in (select unnest(?::VARCHAR[]))",
                      subject.response_ids)):
        subject.texts |= {t.strip() for t in _values(con, sql, [sorted(ids)]) if t.strip()}
    if resolved_view:
        subject.customer_keys |= _values(
            con, "select customer_key from intermediate.int_customer_accounts_resolved where account_id in "
            "(select unnest(?::VARCHAR[]))", [sorted(subject.account_ids)])
    if _exists(con, "intermediate", "int_interactions_unioned"):
        rows = con.execute(
            "select interaction_id, source_record_id, original_text, text_redacted "
            "from intermediate.int_interactions_unioned where customer_key in (select unnest(?::VARCHAR[])) "
            "or account_id in (select unnest(?::VARCHAR[])) or order_id in (select unnest(?::VARCHAR[])) "
            "or session_id in (select unnest(?::VARCHAR[]))",
            [sorted(subject.customer_keys), sorted(subject.account_ids), orders, sessions]).fetchall()
        for interaction, record, original, redacted in rows:
            subject.interaction_ids.add(interaction)
            if record:
                subject.source_record_ids.add(record)
            subject.texts |= {t.strip() for t in (original, redacted) if t and t.strip()}
    subject.texts -= _shared_texts(con, subject)
    return subject


def _shared_texts(con, subject: Subject) -> set[str]:
    """The subject's texts that someone else also wrote ("很好", "thanks"): they identify nobody and
    are not the subject's to erase, so they are never searched for or deleted."""
    texts = sorted(subject.texts)
    if not texts:
        return set()
    shared = _values(con, "select trim(text) from raw.cs_messages where trim(text) in (select unnest(?::VARCHAR[])) "
                     "and message_id not in (select unnest(?::VARCHAR[]))", [texts, sorted(subject.message_ids)])
    shared |= _values(con, "select trim(text) from raw.reviews where trim(text) in (select unnest(?::VARCHAR[])) "
                      "and review_id not in (select unnest(?::VARCHAR[]))", [texts, sorted(subject.review_ids)])
    shared |= _values(con, "select trim(verbatim) from raw.nps_responses where trim(verbatim) in "
                      "(select unnest(?::VARCHAR[])) and response_id not in (select unnest(?::VARCHAR[]))",
                      [texts, sorted(subject.response_ids)])
    if _exists(con, "raw", "social_mentions"):
        shared |= _values(con, "select trim(text) from raw.social_mentions where trim(text) in "
                          "(select unnest(?::VARCHAR[]))", [texts])
    if _exists(con, "intermediate", "int_interactions_unioned"):
        shared |= _values(con, "select trim(t) from (select original_text as t, interaction_id from "
                          "intermediate.int_interactions_unioned union all select text_redacted, interaction_id from "
                          "intermediate.int_interactions_unioned) where trim(t) in (select unnest(?::VARCHAR[])) "
                          "and interaction_id not in (select unnest(?::VARCHAR[]))",
                          [texts, sorted(subject.interaction_ids)])
    return shared


# ---------------------------------------------------------------------------------------------
# Matching in derived tables (intermediate, marts, voc, insight, bi)
# ---------------------------------------------------------------------------------------------

def _tables(con, schema: str, *, base_only: bool = False) -> list[str]:
    kinds = "('BASE TABLE')" if base_only else "('BASE TABLE', 'VIEW')"
    return [r[0] for r in con.execute(
        f"select table_name from information_schema.tables where table_schema = ? and table_type in {kinds} "
        "order by 1", [schema]).fetchall()]


def subject_predicate(con, schema: str, table: str, subject: Subject) -> tuple[str, list] | None:
    """SQL ``where`` text and parameters selecting the subject's rows of ``schema.table`` by its
    identifier and text columns (:data:`ID_COLUMNS`, :data:`TEXT_COLUMNS`), or ``None`` when the
    table has none of them."""
    columns = {r[0]: r[1] for r in con.execute(
        "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, table]).fetchall()}
    parts, params = [], []
    for column, attr in ID_COLUMNS.items():
        values = sorted(getattr(subject, attr))
        if column in columns and values and columns[column] == "VARCHAR":
            parts.append(f'"{column}" in (select unnest(?::VARCHAR[]))')
            params.append(values)
    texts = sorted(subject.texts)
    for column in TEXT_COLUMNS:
        if column in columns and texts and columns[column] == "VARCHAR":
            parts.append(f'trim("{column}") in (select unnest(?::VARCHAR[]))')
            params.append(texts)
    if not parts:
        return None
    return " or ".join(parts), params


def count_left(con, subject: Subject, schemas: Iterable[str] = SCANNED_SCHEMAS, prefix: str = "") -> dict[str, int]:
    """Rows of the subject still present per table (only tables with at least one)."""
    left: dict[str, int] = {}
    for schema in schemas:
        for table in _tables(con, schema):
            if schema == "raw" and table == "_quarantine":
                n = _quarantine_count(con, subject)
            else:
                where = subject_predicate(con, schema, table, subject)
                n = con.execute(f'select count(*) from {schema}."{table}" where {where[0]}',
                                where[1]).fetchall()[0][0] if where else 0
            if n:
                left[f"{prefix}{schema}.{table}"] = int(n)
    return left


def _quarantine_where(subject: Subject) -> tuple[str, list]:
    needles = sorted(s for s in subject.strings() if len(s) >= 4)
    return "exists (select 1 from (select unnest(?::VARCHAR[]) as needle) n where contains(q.payload, n.needle))", [needles]


def _quarantine_count(con, subject: Subject) -> int:
    if not subject.strings():
        return 0
    where, params = _quarantine_where(subject)
    return con.execute(f"select count(*) from raw._quarantine q where {where}", params).fetchall()[0][0]


# ---------------------------------------------------------------------------------------------
# Deletion
# ---------------------------------------------------------------------------------------------

def _raw_deletions(subject: Subject) -> dict[str, tuple[str, list]]:
    """raw table -> (where, params) selecting the subject's rows (alias ``t``)."""
    orders, sessions = sorted(subject.order_ids), sorted(subject.session_ids)
    by_account = _account_predicate()
    return {
        "customer_accounts": (f"{by_account} or lower(trim(t.phone_hash)) in (select unnest(?::VARCHAR[]))",
                              [sorted(subject.phone_hashes)]),
        "orders": (f"{by_account} or t.order_id in (select unnest(?::VARCHAR[]))", [orders]),
        "cs_sessions": (f"{by_account} or t.session_id in (select unnest(?::VARCHAR[]))", [sessions]),
        "reviews": (f"{by_account} or t.review_id in (select unnest(?::VARCHAR[]))", [sorted(subject.review_ids)]),
        "nps_responses": (f"{by_account} or t.response_id in (select unnest(?::VARCHAR[]))", [sorted(subject.response_ids)]),
        "cs_messages": ("t.session_id in (select unnest(?::VARCHAR[]))", [sessions]),
        "payment_attempts": ("t.order_id in (select unnest(?::VARCHAR[]))", [orders]),
        "logistics_events": ("t.order_id in (select unnest(?::VARCHAR[]))", [orders]),
    }


def _ensure_tables(con) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(REGISTER_DDL)
    con.execute(LOG_DDL)


def _delete_raw(con, subject: Subject, *, dry_run: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    has_erased = "rows_erased" in {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' and "
        "table_name = '_load_audit'").fetchall()}
    _register_accounts(con, subject.accounts)
    try:
        for table, (where, params) in _raw_deletions(subject).items():
            if not _exists(con, "raw", table):
                continue
            per_file = con.execute(f"select _source_file, count(*) from raw.{table} t where {where} group by 1",
                                   params).fetchall()
            counts[f"raw.{table}"] = sum(n for _, n in per_file)
            if dry_run or not per_file:
                continue
            con.execute(f"delete from raw.{table} t where {where}", params)
            if has_erased:
                _adjust_audit(con, table, per_file, "rows_loaded")
    finally:
        con.unregister("_ee_accounts")
    if _exists(con, "raw", "_quarantine") and subject.strings():
        where, params = _quarantine_where(subject)
        per_file = con.execute(f"select source, file, count(*) from raw._quarantine q where {where} group by 1, 2",
                               params).fetchall()
        counts["raw._quarantine"] = sum(n for _, _, n in per_file)
        if not dry_run and per_file:
            con.execute(f"delete from raw._quarantine q where {where}", params)
            if has_erased:
                for source, file, n in per_file:
                    _adjust_audit(con, source, [(file, n)], "rows_quarantined")
    return counts


def _adjust_audit(con, source: str, per_file: list[tuple[str, int]], column: str) -> None:
    """Move ``n`` rows of each file's latest audit row from ``column`` and ``rows_read`` to ``rows_erased``."""
    for file, n in per_file:
        con.execute(
            f"""update raw._load_audit set {column} = {column} - ?, rows_read = rows_read - ?,
            rows_erased = coalesce(rows_erased, 0) + ?
            where source = ? and file = ? and finished_at = (select max(finished_at) from raw._load_audit
                                                            where source = ? and file = ?)""",
            [n, n, n, source, file, source, file])


def _delete_derived(con, subject: Subject, schemas: Iterable[str], *, dry_run: bool, prefix: str = "") -> dict:
    counts: dict[str, int] = {}
    for schema in schemas:
        for table in _tables(con, schema, base_only=True):
            if (schema, table) == ("bi", "publication_log"):
                continue
            where = subject_predicate(con, schema, table, subject)
            if where is None:
                continue
            n = con.execute(f'select count(*) from {schema}."{table}" where {where[0]}', where[1]).fetchall()[0][0]
            if n:
                counts[f"{prefix}{schema}.{table}"] = int(n)
                if not dry_run:
                    con.execute(f'delete from {schema}."{table}" where {where[0]}', where[1])
    return counts


def _scrub_label(label: object, texts: set[str]) -> bool:
    """Whether a topic label is a quoted snippet of one of the subject's texts (ml.topics.labels)."""
    if not isinstance(label, str) or not label.startswith("“"):
        return False
    snippet = label.strip("“”").rstrip("…")
    return bool(snippet) and any(t.startswith(snippet) for t in texts)


def _scrub_topic_labels(con, subject: Subject, *, dry_run: bool) -> int:
    if not _exists(con, "voc", "topics") or not subject.texts:
        return 0
    rows = con.execute("select topic_id, model_version, label from voc.topics").fetchall()
    hits = [(t, v) for t, v, label in rows if _scrub_label(label, subject.texts)]
    if not dry_run:
        for topic_id, version in hits:
            con.execute("update voc.topics set label = 'topic ' || cast(topic_id as varchar) "
                        "where topic_id = ? and model_version = ?", [topic_id, version])
    return len(hits)


def scrub_topic_models(model_dir: Path, subject: Subject, *, dry_run: bool) -> int:
    """Remove the subject's texts from every saved version's ``topics.json`` (representative
    documents and quoted labels), rewriting each file atomically. Returns the texts removed."""
    removed = 0
    root = Path(model_dir) / "topics"
    if not subject.texts or not root.is_dir():
        return 0
    for path in sorted(root.glob("*/topics.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data if isinstance(data, list) else data.get("topics", [])
        changed = 0
        for row in rows:
            docs = row.get("representative_docs") or []
            kept = [d for d in docs if not (isinstance(d, str) and d.strip() in subject.texts)]
            changed += len(docs) - len(kept)
            row["representative_docs"] = kept
            if _scrub_label(row.get("label"), subject.texts):
                row["label"] = f"topic {row.get('topic_id')}"
                changed += 1
        if changed and not dry_run:
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
            os.replace(tmp, path)
        removed += changed
    return removed


def _scrub_published(bi_path: Path, subject: Subject, *, dry_run: bool) -> dict[str, int]:
    """Delete the subject's rows from a copy of the published file and swap it in (os.replace)."""
    if not bi_path.exists():
        return {}
    staging = bi_path.with_name(f".{bi_path.name}.{os.getpid()}.erase.tmp")
    shutil.copyfile(bi_path, staging)
    try:
        con = duckdb.connect(str(staging))
        try:
            counts = _delete_derived(con, subject, ["bi"], dry_run=dry_run, prefix="")
            con.execute("checkpoint")
        finally:
            con.close()
        if not dry_run and counts:
            os.replace(staging, bi_path)
    finally:
        if staging.exists():
            staging.unlink()
    return counts


# ---------------------------------------------------------------------------------------------
# The request
# ---------------------------------------------------------------------------------------------

def erase(*, platform: str | None = None, user_id: str | None = None, customer_key: str | None = None,
          phone: str | None = None, warehouse: Path | str | None = None, bi_warehouse: Path | str | None = None,
          model_dir: Path | str | None = None, dry_run: bool = False, rebuild: bool = True, republish: bool = True,
          postgres: bool = False, progress=None) -> dict:
    """Carry out one erasure request (see the module doc).

    Args:
        platform, user_id: one account of the subject (raw platform spellings are normalised).
        customer_key: the subject's ``marts.dim_customer.customer_key``.
        phone: the subject's phone number (any format; normalised and keyed-hashed).
        dry_run: count what would go, change nothing (no tombstone, no log row).
        rebuild: rebuild the marts with dbt after deleting raw (else the next build does).
        republish: republish (or scrub in place) the published ``bi`` file.
        postgres: mirror the published schema to PostgreSQL again afterwards.
        progress: optional ``callable(str)`` for progress lines.

    Returns:
        ``{"request_id", "dry_run", "accounts", "subject_hash", "counts": {table: rows},
        "republished", "left": {table: rows}, "status", "seconds"}``; ``status`` is
        ``complete`` when the verification scan finds nothing left, else ``incomplete``.

    Raises:
        ValueError: no usable selector (see :func:`resolve_subject`).
        FileNotFoundError: the warehouse does not exist.
        include.warehouse.dbt_runner.DbtError: the rebuild failed (the raw deletion and the
            tombstones are committed; the log row says ``rebuild failed``; run ``xe build``).
    """
    from include.config import settings

    say = progress or (lambda _m: None)
    began = time.perf_counter()
    cfg = settings()
    warehouse = Path(warehouse or cfg.warehouse)
    bi_path = Path(bi_warehouse or cfg.bi_warehouse)
    model_dir = Path(model_dir or cfg.model_dir)
    if not warehouse.exists():
        raise FileNotFoundError(f"warehouse {warehouse} does not exist: nothing to erase")
    key = hash_key()
    request_id = f"erase-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    selectors = ",".join(n for n, v in (("platform+user_id", user_id), ("customer_key", customer_key),
                                        ("phone", phone)) if v)
    requested_at = _now()
    from include.ingestion.warehouse import connect  # the single-writer lock (docs/warehouse.md)

    with connect(warehouse, read_only=dry_run) as con:
        subject = resolve_subject(con, platform=platform, user_id=user_id, customer_key=customer_key,
                                  phone=phone, key=key)
        say(f"subject: {len(subject.accounts)} account(s), {len(subject.order_ids)} order(s), "
            f"{len(subject.session_ids)} session(s), {len(subject.interaction_ids)} interaction(s)")
        if not dry_run:
            _ensure_tables(con)
            con.execute("begin transaction")
        try:
            counts = _delete_raw(con, subject, dry_run=dry_run)
            counts.update(_delete_derived(con, subject, IN_PLACE_SCHEMAS, dry_run=dry_run))
            labels = _scrub_topic_labels(con, subject, dry_run=dry_run)
            if labels:
                counts["voc.topics (labels)"] = labels
            if dry_run:
                counts.update(_delete_derived(con, subject, ["marts"], dry_run=True))
            else:
                now = _now()
                con.executemany(f"insert into {REGISTER} values (?, ?, ?, ?)",
                                [(h, kind, request_id, now) for h, kind in subject.tombstones(key)])
                con.execute(f"insert into {LOG} values (?, ?, null, ?, ?, ?, ?, null, 'raw erased', null)",
                            [request_id, requested_at, subject.subject_hash(key), selectors,
                             len(subject.accounts), json.dumps(counts)])
                con.execute("commit")
        except BaseException:
            if not dry_run:
                con.execute("rollback")
            raise
    say("raw, quarantine, voc and insight: " + (", ".join(f"{t} {n}" for t, n in counts.items()) or "nothing found"))

    models = scrub_topic_models(model_dir, subject, dry_run=dry_run)
    if models:
        counts["models/topics (texts)"] = models
    result = {"request_id": request_id, "dry_run": dry_run, "accounts": len(subject.accounts),
              "subject_hash": subject.subject_hash(key), "counts": counts, "republished": None}
    if dry_run:
        if bi_path.exists():
            bi = duckdb.connect(str(bi_path), read_only=True)
            try:
                counts.update(_delete_derived(bi, subject, ["bi"], dry_run=True))
            finally:
                bi.close()
        result.update(status="dry run", left={}, seconds=round(time.perf_counter() - began, 2))
        return result

    status, message = "complete", None
    try:
        if rebuild:
            _rebuild(warehouse, say)
        if republish and bi_path.exists():
            result["republished"] = _republish(warehouse, bi_path, subject, counts, say)
            if postgres:
                from include.publishing.postgres import publish_to_postgres

                publish_to_postgres(bi_path)
                say("published schema mirrored to PostgreSQL again")
    except Exception as exc:
        status, message = "failed", f"{type(exc).__name__}: {exc}"
        raise
    finally:
        left = _verify(warehouse, bi_path, subject)
        if status == "complete" and left:
            status = "incomplete"
        _finish_log(warehouse, request_id, counts, left, status, message)
        result.update(status=status, left=left, seconds=round(time.perf_counter() - began, 2))
    return result


def _rebuild(warehouse: Path, say) -> None:
    from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt

    say("rebuilding the marts (dbt build --full-refresh) ...")
    # --full-refresh: the incremental tag cache is rebuilt from raw too, so it cannot keep
    # anything of the subject (and a changed cache schema cannot stop the erasure)
    run_dbt([*MAIN_BUILD_ARGS, "--full-refresh"], warehouse=warehouse, echo=False)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        has_voc, has_insight = _exists(con, "voc", "doc_topics"), bool(_tables(con, "insight"))
    finally:
        con.close()
    if has_voc:
        run_dbt(["build", "--select", "tag:topics"], warehouse=warehouse, echo=False)
    if has_insight:
        run_dbt(["build", "--select", "tag:insight"], warehouse=warehouse, echo=False)


def _republish(warehouse: Path, bi_path: Path, subject: Subject, counts: dict, say) -> str:
    from include.publishing.publish import PublishBlocked, publish

    bi = duckdb.connect(str(bi_path), read_only=True)
    try:
        before = _delete_derived(bi, subject, ["bi"], dry_run=True)
        tables = [t for t in _tables(bi, "bi", base_only=True) if t != "publication_log"]
    finally:
        bi.close()
    counts.update(before)
    try:
        publish(warehouse, bi_path, tables=tables or None, docs=False,
                run_id=f"erasure-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        say("republished the validated marts to " + str(bi_path))
        how = "republished"
    except PublishBlocked as exc:
        say(f"publication blocked ({str(exc).splitlines()[0]}); deleting the subject's rows in place instead")
        how = "deleted in place"
    _scrub_published(bi_path, subject, dry_run=False)  # no-op after a republish; covers a blocked one
    return how


def _verify(warehouse: Path, bi_path: Path, subject: Subject) -> dict[str, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        left = count_left(con, subject)
    finally:
        con.close()
    if bi_path.exists():
        bi = duckdb.connect(str(bi_path), read_only=True)
        try:
            left.update({k: v for k, v in count_left(bi, subject, ["bi"]).items() if k != "bi.publication_log"})
        finally:
            bi.close()
    return left


def _finish_log(warehouse: Path, request_id: str, counts: dict, left: dict, status: str, message: str | None):
    from include.ingestion.warehouse import connect

    with connect(warehouse) as con:
        con.execute(f"update {LOG} set finished_at = ?, counts = ?, left_behind = ?, status = ?, message = ? "
                    "where request_id = ?", [_now(), json.dumps(counts), json.dumps(left), status, message,
                                             request_id])


__all__ = ["ErasureFilter", "Subject", "count_left", "erase", "erasure_filter", "resolve_subject",
           "scrub_topic_models", "subject_predicate"]
