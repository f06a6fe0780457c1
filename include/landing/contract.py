"""The landing contract: every source's schema, declared once.

Each source is a pydantic model. The same model validates incoming rows, names the raw
warehouse table and its column types, and renders the contract documentation
(``xe contract --docs``).

Layout of the landing zone::

    <landing_dir>/<source>/dt=YYYY-MM-DD/<any name>.jsonl | .csv | .parquet

* ``dt`` is the business day (in ``EE_TIMEZONE``) the export covers.
* Text files are UTF-8 (a BOM is accepted and removed). A GBK/GB18030 export from a
  legacy system is detected and decoded when ``EE_ACCEPT_LEGACY_ENCODINGS`` is true, and
  rejected with a clear reason otherwise; undecodable bytes never reach the warehouse.
* Timestamps are ISO 8601. With an offset (``2026-06-18T10:22:31+08:00``) they are
  converted to UTC; without one they are read as local time in ``EE_TIMEZONE``. Raw
  tables store UTC (``TIMESTAMP`` without time zone); staging adds local time.
* Unknown extra fields are ignored; missing required fields, wrong types and values out
  of range send the row to quarantine with a reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Annotated, ClassVar, Literal, Optional, get_args, get_origin
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from include.config import business_timezone


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _to_utc_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zone(business_timezone()))
    return value.astimezone(UTC).replace(tzinfo=None)


def _clean_text(value: object) -> object:
    """Strip stray BOMs (real exports carry them inside fields) and outer whitespace."""
    if isinstance(value, str):
        return value.replace("\ufeff", "").strip()
    return value


UtcTimestamp = Annotated[datetime, AfterValidator(_to_utc_naive)]
Text = Annotated[str, BeforeValidator(_clean_text)]
Code = Annotated[str, BeforeValidator(_clean_text), Field(min_length=1, max_length=64)]


class LandingRecord(BaseModel):
    """Base of every source model. Subclasses set ``primary_key`` and ``description``."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False, frozen=True)

    primary_key: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""
    event_time: ClassVar[str | None] = None  # the column freshness and partitions refer to


class CustomerAccount(LandingRecord):
    """A platform account. ``phone_hash`` (SHA-256 of the normalised phone number) is the
    key the warehouse uses to resolve one customer across platforms."""

    primary_key: ClassVar[tuple[str, ...]] = ("platform", "platform_user_id")
    description: ClassVar[str] = "Platform member accounts (one row per platform account)."
    event_time: ClassVar[str | None] = "registered_at"

    platform: Code
    platform_user_id: Code
    phone_hash: Optional[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = None
    nickname: Optional[Text] = None
    registered_at: UtcTimestamp


class Product(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("product_id",)
    description: ClassVar[str] = "Product catalogue snapshot (one row per product)."
    event_time: ClassVar[str | None] = "updated_at"

    product_id: Code
    product_name: Text
    product_name_en: Optional[Text] = None
    category: Code
    launched_on: date
    list_price: Annotated[float, Field(ge=0)]
    updated_at: UtcTimestamp


class Promotion(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("promotion_id",)
    description: ClassVar[str] = "Promotion calendar (one row per promotion)."
    event_time: ClassVar[str | None] = "updated_at"

    promotion_id: Code
    promotion_name: Text
    promotion_name_en: Optional[Text] = None
    platform: Optional[Code] = None  # null = every platform
    coupon_code: Optional[Code] = None
    starts_at: UtcTimestamp
    ends_at: UtcTimestamp
    updated_at: UtcTimestamp


class Order(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("order_id",)
    description: ClassVar[str] = "Orders as created on a platform (one row per order)."
    event_time: ClassVar[str | None] = "created_at"

    order_id: Code
    platform: Code
    platform_user_id: Code
    product_id: Code
    quantity: Annotated[int, Field(ge=1)]
    unit_price: Annotated[float, Field(ge=0)]
    amount: Annotated[float, Field(ge=0)]
    promotion_id: Optional[Code] = None
    coupon_code: Optional[Code] = None
    status: Literal["created", "paid", "cancelled", "closed"]
    created_at: UtcTimestamp


class PaymentAttempt(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("attempt_id",)
    description: ClassVar[str] = "Payment attempts, successful or failed (one row per attempt)."
    event_time: ClassVar[str | None] = "attempted_at"

    attempt_id: Code
    order_id: Code
    platform: Code
    method: Code
    amount: Annotated[float, Field(ge=0)]
    status: Literal["success", "failed"]
    failure_code: Optional[Code] = None
    attempted_at: UtcTimestamp


class LogisticsEvent(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("event_id",)
    description: ClassVar[str] = "Carrier tracking events (one row per event)."
    event_time: ClassVar[str | None] = "event_at"

    event_id: Code
    order_id: Code
    platform: Code
    carrier: Code
    region: Code
    event_type: Literal["shipped", "in_transit", "out_for_delivery", "delivered", "exception"]
    promised_at: UtcTimestamp
    event_at: UtcTimestamp


class CsSession(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("session_id",)
    description: ClassVar[str] = "Customer-service chat sessions, bot or human (one row per session)."
    event_time: ClassVar[str | None] = "started_at"

    session_id: Code
    platform: Code
    platform_user_id: Code
    order_id: Optional[Code] = None
    agent_type: Literal["bot", "human"]
    agent_id: Code
    is_resolved: bool
    is_transferred: bool
    satisfaction_score: Optional[Annotated[int, Field(ge=1, le=5)]] = None
    started_at: UtcTimestamp
    ended_at: UtcTimestamp


class CsMessage(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("message_id",)
    description: ClassVar[str] = "Messages inside customer-service sessions (one row per message)."
    event_time: ClassVar[str | None] = "sent_at"

    message_id: Code
    session_id: Code
    sender_role: Literal["customer", "bot", "agent"]
    text: Annotated[str, BeforeValidator(_clean_text), Field(min_length=1)]
    sent_at: UtcTimestamp


class Review(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("review_id",)
    description: ClassVar[str] = "Product reviews with stars (one row per review)."
    event_time: ClassVar[str | None] = "created_at"

    review_id: Code
    platform: Code
    platform_user_id: Code
    order_id: Optional[Code] = None
    product_id: Code
    stars: Annotated[int, Field(ge=1, le=5)]
    text: Optional[Text] = None
    created_at: UtcTimestamp


class NpsResponse(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("response_id",)
    description: ClassVar[str] = "NPS survey answers, 0-10 with an optional verbatim (one row per answer)."
    event_time: ClassVar[str | None] = "submitted_at"

    response_id: Code
    platform: Code
    platform_user_id: Code
    order_id: Optional[Code] = None
    product_id: Optional[Code] = None
    score: Annotated[int, Field(ge=0, le=10)]
    verbatim: Optional[Text] = None
    submitted_at: UtcTimestamp


class SocialMention(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("mention_id",)
    description: ClassVar[str] = "Public social-media mentions of the brand (one row per post)."
    event_time: ClassVar[str | None] = "posted_at"

    mention_id: Code
    site: Code
    author_handle: Code
    text: Annotated[str, BeforeValidator(_clean_text), Field(min_length=1)]
    reach: Annotated[int, Field(ge=0)]
    product_id: Optional[Code] = None
    mentioned_platform: Optional[Code] = None
    posted_at: UtcTimestamp


SOURCES: dict[str, type[LandingRecord]] = {
    "customer_accounts": CustomerAccount,
    "products": Product,
    "promotions": Promotion,
    "orders": Order,
    "payment_attempts": PaymentAttempt,
    "logistics_events": LogisticsEvent,
    "cs_sessions": CsSession,
    "cs_messages": CsMessage,
    "reviews": Review,
    "nps_responses": NpsResponse,
    "social_mentions": SocialMention,
}

# Metadata columns the loader adds to every raw table.
LOAD_COLUMNS: dict[str, str] = {
    "_dt": "DATE",
    "_source_file": "VARCHAR",
    "_line": "BIGINT",
    "_run_id": "VARCHAR",
    "_loaded_at": "TIMESTAMP",
}

_SQL_TYPES = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN", datetime: "TIMESTAMP", date: "DATE"}


def _base_type(annotation: object) -> type:
    """Unwrap Optional/Annotated/Literal down to a Python base type."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _base_type(get_args(annotation)[0])
    if origin is Literal:
        return type(get_args(annotation)[0])
    if origin is not None:  # Optional[...] / Union[..., None]
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _base_type(args[0])
    return annotation  # type: ignore[return-value]


def columns(source: str) -> dict[str, str]:
    """Column name -> SQL type of a source's data fields (without load metadata)."""
    model = SOURCES[source]
    return {name: _SQL_TYPES[_base_type(field.annotation)] for name, field in model.model_fields.items()}


def required_fields(source: str) -> list[str]:
    return [name for name, field in SOURCES[source].model_fields.items() if field.is_required()]


def raw_table_ddl(source: str, schema: str = "raw") -> str:
    cols = {**columns(source), **LOAD_COLUMNS}
    body = ",\n  ".join(f"{name} {sql_type}" for name, sql_type in cols.items())
    return f"create table if not exists {schema}.{source} (\n  {body}\n)"


def contract_markdown() -> str:
    """Render the contract as Markdown (docs/landing_contract.md is generated from this)."""
    lines = ["# Landing contract", "", (__doc__ or "").split("Layout of the landing zone::")[0].strip(), ""]
    lines += ["Layout: `<landing_dir>/<source>/dt=YYYY-MM-DD/*.jsonl|csv|parquet`. "
              "Timestamps: ISO 8601; offset-less values are local time in `EE_TIMEZONE`; "
              "stored as UTC. Encoding: UTF-8 (BOM removed); GBK/GB18030 detected and decoded "
              "or rejected. Bad rows go to `raw._quarantine` with a reason.", ""]
    for source, model in SOURCES.items():
        lines += [f"## `{source}`", "", model.description, "",
                  f"Primary key: `{', '.join(model.primary_key)}`. Event time: `{model.event_time}`.", "",
                  "| field | type | required | constraints |", "|---|---|---|---|"]
        types = columns(source)
        for name, field in model.model_fields.items():
            constraints = []
            base = field.annotation
            for arg in get_args(base) if get_origin(base) is not None else ():
                if get_origin(arg) is Literal:
                    constraints.append("one of " + ", ".join(f"`{v}`" for v in get_args(arg)))
            if get_origin(base) is Literal:
                constraints.append("one of " + ", ".join(f"`{v}`" for v in get_args(base)))
            for meta in field.metadata:
                for attr in ("ge", "le", "min_length", "max_length", "pattern"):
                    if getattr(meta, attr, None) is not None:
                        constraints.append(f"{attr} {getattr(meta, attr)}")
            lines.append(f"| `{name}` | {types[name]} | {'yes' if field.is_required() else 'no'} | "
                         f"{'; '.join(constraints)} |")
        lines.append("")
    return "\n".join(lines)
