"""Why an order was not paid: one primary reason per unpaid order, secondary ones, each with a
confidence and its evidence (``insight.unpaid_order_reasons``).

Input: ``marts.fct_unpaid_orders`` (orders not paid within the window, with the chats around
them), the failed attempts in ``marts.fct_payment_attempts``, the customer's messages in those
chats (``marts.fct_interactions``: PII-redacted text and service element) and the sessions'
outcome (``marts.fct_service_sessions``); topic labels (``marts.fct_interaction_topics``) are
added to the evidence when the topic engine has run.

Rules, strongest evidence first (confidences are the rule's prior, not a fitted probability;
``xe eval unpaid`` measures how often each primary reason is right on the demo's ground truth):

* **payment attempts**: the last failed attempt's gateway code names the reason
  (``FAILURE_CODE_REASON``, or by its words for codes not listed, e.g. ``*_FRAUD`` -> risk
  control); 0.9 when every failed attempt agrees, 0.75 when the codes differ (the others
  become secondary reasons at 0.5);
* **chat key phrases** in Chinese and English (``REASON_PHRASES``): price, shipping fee, stock
  or delivery time, coupon / promotion, address or account. 0.55, +0.15 when the session's
  service element agrees with the reason, +0.1 when the session names the order, +0.05 per
  further message that says it (at most 0.85);
* **unanswered question**: a session with a question (service element
  ``product_consultation``, or a question mark / question word) that ended unresolved and was
  never handed to a human, and says nothing that names another reason: 0.6, +0.1 for the
  product_consultation element, +0.05 when it names the order;
* a reason found both in attempts and in a chat gains 0.05 (at most 0.99);
* nothing -> ``unknown`` (no confidence): a guess would be worse than saying so.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

SCHEMA, TABLE = "insight", "unpaid_order_reasons"
PAYMENT_REASONS = ("payment_insufficient_funds", "payment_bank_declined", "payment_timeout",
                   "payment_risk_control", "payment_other")
REASONS = (*PAYMENT_REASONS, "coupon_promotion_error", "price_concern", "shipping_fee_concern",
           "stock_delivery_concern", "unanswered_question", "address_account_problem", "unknown")
FAILURE_CODE_REASON = {"INSUFFICIENT_FUNDS": "payment_insufficient_funds", "BANK_DECLINED": "payment_bank_declined",
                       "TIMEOUT": "payment_timeout", "RISK_CONTROL": "payment_risk_control",
                       "COUPON_INVALID": "coupon_promotion_error"}
# words in gateway codes not listed above (real gateways use many spellings)
_CODE_WORDS = (("coupon_promotion_error", re.compile(r"COUPON|VOUCHER|PROMO|DISCOUNT")),
               ("payment_insufficient_funds", re.compile(r"FUND|BALANCE|NSF|LIMIT")),
               ("payment_risk_control", re.compile(r"RISK|FRAUD|SECUR|BLOCK")),
               ("payment_bank_declined", re.compile(r"DECLIN|BANK|CARD|REJECT|DENIED")),
               ("payment_timeout", re.compile(r"TIME|EXPIR|NETWORK")))

# key phrases per reason, Chinese and English; matched on the redacted customer messages
REASON_PHRASES: dict[str, re.Pattern] = {
    "coupon_promotion_error": re.compile(
        r"券|满减|优惠码|红包|活动价|\b(coupons?|vouchers?|promo(tion)? codes?|promo price)\b", re.I),
    "shipping_fee_concern": re.compile(
        r"运费|邮费|包邮|免邮|配送费|快递费|\b(shipping|delivery) (fee|fees|charge|charges|cost)\b|"
        r"\bfree (shipping|delivery)\b|\bpostage\b", re.I),
    "price_concern": re.compile(
        r"太贵|有点贵|好贵|贵了|便宜|降价|价格|价钱|价位|偏高|等大促|划算|预算|优惠(?!券)|打折|性价比|别家|"
        r"\b(expensive|pricey|pricier|cheaper|cheap|overpriced|budget|price drop|better price|too much)\b", re.I),
    "stock_delivery_concern": re.compile(
        r"有货|现货|缺货|无货|没货|补货|库存|断货|上架|几号发|什么时候发|多久(能)?到|几天(能)?到|能送吗|送达|发货时间|"
        r"\b(in stock|out of stock|back in stock|restock(ed)?|unavailable|sold out|ship today|"
        r"how (long|soon)|deliver (there|to)|when will .{0,30}(ship|arrive))\b", re.I),
    "address_account_problem": re.compile(
        r"地址|收件人|收货人|登录|登陆|登不上|账号|账户|验证码|手机号|换绑|密码|被盗|异地|"
        r"\b(address|recipient|log ?in|sign ?in|account|password|verification code|phone number)\b", re.I),
}
_PAYMENT_TALK = re.compile(r"支付|付款|付不了|付钱|扣款|扣钱|银行|余额|花呗|\b(pay|paid|payment|card|bank|declined|charged)\b",
                           re.I)
_QUESTION = re.compile(r"[?？]|吗|怎么|多少|请问|哪|几|\b(how|what|which|when|does|do|is|are|can|could)\b", re.I)
ELEMENT_REASONS = {
    "promotion": {"price_concern", "coupon_promotion_error"},
    "logistics": {"shipping_fee_concern", "stock_delivery_concern", "address_account_problem"},
    "product_consultation": {"stock_delivery_concern", "unanswered_question", "price_concern"},
    "account": {"address_account_problem"},
    "payment": {*PAYMENT_REASONS, "coupon_promotion_error"},
}
TABLE_TYPES = (("order_id", "varchar"), ("reason_rank", "integer"), ("reason", "varchar"), ("is_primary", "boolean"),
               ("confidence", "double"), ("evidence_source", "varchar"), ("attempt_ids", "varchar"),
               ("session_ids", "varchar"), ("message_ids", "varchar"), ("quote_redacted", "varchar"),
               ("topic_label", "varchar"), ("attributed_at", "timestamp"))
MAX_QUOTE = 160


def code_reason(code: str | None) -> str | None:
    """The reason a gateway failure code names: ``FAILURE_CODE_REASON``, else by the words in
    the code, else ``payment_other``; ``None`` for no code."""
    if code is None or (isinstance(code, float) and pd.isna(code)) or not str(code).strip():
        return None
    code = str(code).strip().upper()
    if code in FAILURE_CODE_REASON:
        return FAILURE_CODE_REASON[code]
    for reason, pattern in _CODE_WORDS:
        if pattern.search(code):
            return reason
    return "payment_other"


def phrase_reasons(text: str | None) -> list[str]:
    """Reasons whose key phrases occur in ``text`` (``REASON_PHRASES``), in that dict's order;
    a coupon or shipping-fee mention wins over the price words it usually comes with ("运费太贵")."""
    if not text:
        return []
    found = [reason for reason, pattern in REASON_PHRASES.items() if pattern.search(text)]
    if "price_concern" in found and ({"coupon_promotion_error", "shipping_fee_concern"} & set(found)):
        found.remove("price_concern")
    return found


@dataclass
class Candidate:
    """One reason for one order, with its evidence."""

    reason: str
    confidence: float
    sources: set[str] = field(default_factory=set)
    attempt_ids: list[str] = field(default_factory=list)
    session_ids: list[str] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    quote: str | None = None

    def merge(self, other: Candidate) -> None:
        both = bool(self.sources) and bool(other.sources) and self.sources != other.sources
        self.confidence = max(self.confidence, other.confidence)
        self.sources |= other.sources
        if both:
            self.confidence = min(0.99, self.confidence + 0.05)
        for name in ("attempt_ids", "session_ids", "message_ids"):
            getattr(self, name).extend(x for x in getattr(other, name) if x not in getattr(self, name))
        self.quote = self.quote or other.quote


def _add(cands: dict[str, Candidate], cand: Candidate) -> None:
    if cand.reason in cands:
        cands[cand.reason].merge(cand)
    else:
        cands[cand.reason] = cand


def order_reasons(order_id: str, failed: pd.DataFrame, sessions: pd.DataFrame, messages: pd.DataFrame) -> list[Candidate]:
    """The ranked reasons of one unpaid order.

    Args:
        failed: its failed attempts before it was paid: ``attempt_id, failure_code, attempted_at``.
        sessions: the chats about it: ``session_id, order_id, is_resolved, is_transferred,
            service_element``.
        messages: the customer's messages in those chats: ``session_id, interaction_id,
            occurred_at, text_redacted, service_element``.

    Returns:
        Candidates by confidence (highest first; ties in ``REASONS`` order); ``[Candidate("unknown")]``
        with confidence NaN when nothing names a reason.
    """
    cands: dict[str, Candidate] = {}
    if len(failed):
        failed = failed.sort_values(["attempted_at", "attempt_id"])
        reasons = [code_reason(c) for c in failed["failure_code"]]
        known = [r for r in reasons if r]
        if known:
            last, agree = known[-1], len(set(known)) == 1
            for reason in dict.fromkeys(known):
                ids = [a for a, r in zip(failed["attempt_id"], reasons, strict=True) if r == reason]
                conf = (0.9 if agree else 0.75) if reason == last else 0.5
                _add(cands, Candidate(reason, conf, {"payment_attempts"}, attempt_ids=ids))
    for session in sessions.itertuples(index=False):
        said = messages[messages["session_id"] == session.session_id].sort_values("occurred_at")
        element = session.service_element
        linked = session.order_id == order_id
        hits: dict[str, list] = {}
        for msg in said.itertuples(index=False):
            for reason in phrase_reasons(msg.text_redacted):
                hits.setdefault(reason, []).append(msg)
        for reason, msgs in hits.items():
            agrees = reason in ELEMENT_REASONS.get(element, set()) or any(
                reason in ELEMENT_REASONS.get(m.service_element, set()) for m in msgs)
            conf = min(0.85, 0.55 + 0.15 * agrees + 0.1 * linked + 0.05 * (len(msgs) - 1))
            _add(cands, Candidate(reason, conf, {"chat"}, session_ids=[session.session_id],
                                  message_ids=[m.interaction_id for m in msgs], quote=msgs[0].text_redacted))
        payment_talk = [m for m in said.itertuples(index=False) if m.text_redacted and _PAYMENT_TALK.search(m.text_redacted)]
        if payment_talk and not hits:
            for reason in [r for r in cands if r in PAYMENT_REASONS]:  # the chat confirms the gateway's code
                _add(cands, Candidate(reason, cands[reason].confidence, {"chat"}, session_ids=[session.session_id],
                                      message_ids=[m.interaction_id for m in payment_talk],
                                      quote=payment_talk[0].text_redacted))
        asked = element == "product_consultation" or any(
            m.text_redacted and _QUESTION.search(m.text_redacted) for m in said.itertuples(index=False))
        if not hits and not payment_talk and asked and not bool(session.is_resolved) and not bool(session.is_transferred):
            first = said.iloc[0] if len(said) else None
            conf = 0.6 + 0.1 * (element == "product_consultation") + 0.05 * linked
            _add(cands, Candidate("unanswered_question", conf, {"chat"}, session_ids=[session.session_id],
                                  message_ids=list(said["interaction_id"]),
                                  quote=None if first is None else first["text_redacted"]))
    if not cands:
        return [Candidate("unknown", float("nan"))]
    order = {r: i for i, r in enumerate(REASONS)}
    return sorted(cands.values(), key=lambda c: (-c.confidence, order.get(c.reason, 99)))


def _ids(value) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [s for s in str(value).split(",") if s]


def read_inputs(con) -> dict[str, pd.DataFrame]:
    """The frames ``attribute`` needs, read from the marts (see the module docstring)."""
    orders = con.execute("select order_id, chat_session_ids from marts.fct_unpaid_orders").df()
    failed = con.execute(
        "select a.order_id, a.attempt_id, a.failure_code, a.attempted_at from marts.fct_payment_attempts as a "
        "join marts.fct_unpaid_orders as u using (order_id) "
        "where not a.is_success and (u.recovered_at is null or a.attempted_at < u.recovered_at)").df()
    links = orders.assign(session_id=orders["chat_session_ids"].map(_ids)).explode("session_id").dropna(
        subset=["session_id"])[["order_id", "session_id"]]
    con.register("unpaid_chat_links", links.drop_duplicates("session_id")[["session_id"]])
    try:
        sessions = con.execute(
            "select s.session_id, s.order_id, s.is_resolved, s.is_transferred, s.service_element "
            "from marts.fct_service_sessions as s join unpaid_chat_links using (session_id)").df()
        messages = con.execute(
            "select i.session_id, i.interaction_id, i.occurred_at, i.text_redacted, i.service_element "
            "from marts.fct_interactions as i join unpaid_chat_links using (session_id) "
            "where i.interaction_type = 'chat_message'").df()
    finally:
        con.unregister("unpaid_chat_links")
    topics = pd.DataFrame(columns=["interaction_id", "topic_label"])
    if con.execute("select count(*) from information_schema.tables where table_schema = 'marts' "
                   "and table_name = 'fct_interaction_topics'").fetchall()[0][0]:
        ids = pd.DataFrame({"interaction_id": messages["interaction_id"].unique()})
        con.register("unpaid_message_ids", ids)
        try:
            topics = con.execute("select t.interaction_id, t.topic_label from marts.fct_interaction_topics as t "
                                 "join unpaid_message_ids using (interaction_id)").df()
        finally:
            con.unregister("unpaid_message_ids")
    return {"orders": orders, "failed": failed, "links": links, "sessions": sessions, "messages": messages,
            "topics": topics}


def attribute(inputs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per unpaid order x reason with the columns of ``TABLE_TYPES`` (minus
    ``attributed_at``); ``reason_rank`` 1 is the primary reason."""
    failed_by = dict(tuple(inputs["failed"].groupby("order_id")))
    links = inputs["links"].merge(inputs["sessions"].rename(columns={"order_id": "session_order_id"}),
                                  on="session_id", how="inner")
    sessions_by = dict(tuple(links.groupby("order_id")))
    messages = inputs["messages"]
    topic_of = dict(zip(inputs["topics"]["interaction_id"], inputs["topics"]["topic_label"], strict=False))
    empty_failed = pd.DataFrame(columns=["attempt_id", "failure_code", "attempted_at"])
    rows = []
    for order_id in inputs["orders"]["order_id"]:
        sess = sessions_by.get(order_id)
        if sess is None:
            sess = links.iloc[0:0]
        sess = sess.drop(columns="order_id").rename(columns={"session_order_id": "order_id"})
        said = messages[messages["session_id"].isin(sess["session_id"])]
        ranked = order_reasons(order_id, failed_by.get(order_id, empty_failed), sess, said)
        for rank, c in enumerate(ranked, start=1):
            quote = c.quote[:MAX_QUOTE] if isinstance(c.quote, str) else None
            rows.append({
                "order_id": order_id, "reason_rank": rank, "reason": c.reason, "is_primary": rank == 1,
                "confidence": None if pd.isna(c.confidence) else round(c.confidence, 3),
                "evidence_source": "+".join(sorted(c.sources)) or "none",
                "attempt_ids": ",".join(c.attempt_ids) or None, "session_ids": ",".join(c.session_ids) or None,
                "message_ids": ",".join(c.message_ids) or None, "quote_redacted": quote,
                "topic_label": next((topic_of[m] for m in c.message_ids if topic_of.get(m)), None)})
    return pd.DataFrame(rows, columns=[c for c, _ in TABLE_TYPES if c != "attributed_at"])


def write_unpaid_reasons(warehouse: Path | str | None = None) -> dict:
    """Attribute every order in ``marts.fct_unpaid_orders`` and replace ``insight.unpaid_order_reasons``.

    Returns:
        ``{"table", "orders", "rows", "primary": {reason: orders}, "seconds"}``.

    Raises:
        duckdb.Error: the warehouse lacks the marts (run ``xe build`` first).
    """
    import time

    from include.ingestion.warehouse import connect
    from include.insight.publish import replace_table

    began = time.perf_counter()
    with connect(warehouse) as con:
        table = attribute(read_inputs(con))
        table["attributed_at"] = datetime.now(UTC).replace(tzinfo=None)
        replace_table(con, SCHEMA, TABLE, table, TABLE_TYPES)
    primary = table[table["is_primary"]]["reason"].value_counts()
    summary = {"table": f"{SCHEMA}.{TABLE}", "orders": int(table["order_id"].nunique()), "rows": len(table),
               "primary": {r: int(n) for r, n in primary.items()}, "seconds": round(time.perf_counter() - began, 2)}
    log.info("unpaid reasons: %s", summary)
    return summary


def export_recovery_list(warehouse: Path | str | None = None, path: Path | str | None = None) -> dict:
    """Write ``marts.fct_unpaid_recovery_list`` (built by dbt) to a UTF-8 CSV with a BOM (so
    Excel opens the Chinese columns right), in priority order.

    Returns:
        ``{"path", "orders", "order_value", "expected_recovered_value"}``.
    """
    from include.config import settings
    from include.ingestion.warehouse import connect

    target = Path(path) if path else settings().data_dir / "exports" / "unpaid_recovery_list.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with connect(warehouse, read_only=True) as con:
        frame = con.execute("select * from marts.fct_unpaid_recovery_list order by priority_rank").df()
    tmp = target.with_suffix(".csv.tmp")
    frame.to_csv(tmp, index=False, encoding="utf-8-sig")
    tmp.replace(target)
    return {"path": str(target), "orders": len(frame),
            "order_value": round(float(frame["order_value"].sum()), 2) if len(frame) else 0.0,
            "expected_recovered_value": round(float(frame["expected_recovered_value"].sum()), 2) if len(frame) else 0.0}
