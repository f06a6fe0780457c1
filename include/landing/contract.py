"""The landing contract: every source's schema, declared once.

Each source is a pydantic model. The same model validates incoming rows, names the raw
warehouse table and its column types, and renders the contract documentation
(``xe contract --docs``).

Layout of the landing zone::

    <landing_dir>/<source>/dt=YYYY-MM-DD/<any name>.jsonl | .csv | .parquet

* ``dt`` is the business day (in ``EE_TIMEZONE``) the export covers. A record's event time
  may not be later than the end of that day plus one day (``PARTITION_SLACK``).
* Text files are UTF-8 (a BOM is accepted and removed). A legacy export (GBK/GB18030, Big5,
  Shift-JIS, cp1252) is detected with charset-normalizer and decoded when
  ``EE_ACCEPT_LEGACY_ENCODINGS`` is true; otherwise each of its rows is quarantined with the
  reason. Decoding is per record: an undecodable byte quarantines only the record that
  holds it (the reason names the byte and the line); quoted multi-line CSV cells stay one
  record. The encoding found is recorded in ``raw._load_audit``.
* Timestamps are ISO 8601 extended text: ``2024-11-11T10:30:00+08:00``, ``...Z``, or a space
  instead of ``T``; seconds and fractions optional. With an offset they are converted to UTC;
  without one they are local time in ``EE_TIMEZONE``: a local time that a daylight-saving
  change skipped is quarantined, one it repeated is quarantined too unless
  ``EE_AMBIGUOUS_LOCAL_TIME`` is ``earlier`` or ``later``. Numbers (epoch seconds, Excel
  serials, ``20241111``) and other layouts (``2024/11/11``) are quarantined, never guessed.
  Dates are ``YYYY-MM-DD``. Dates and timestamps outside [``EE_MIN_DATE``, ``EE_MAX_DATE``)
  (default [2000-01-01, 2100-01-01)) are quarantined. Raw tables store UTC (``TIMESTAMP``
  without time zone); staging adds local time.
* Numbers must be finite: ``Infinity``, ``inf``, ``NaN`` and overflowing ``1e400`` are
  quarantined. ASCII digits only: full-width digits (``５``) are text, so ``stars = "５"`` is
  quarantined; JSON ``true``/``false`` in a numeric field is quarantined, not read as 1/0.
* Whitespace is handled the same in every field: outer blanks are stripped and a blank
  value is a missing one (so a whitespace-only review text loads as no text, a
  whitespace-only message is quarantined). Emoji-only text is text and loads.
* A NUL character (U+0000) in any field quarantines the record (no real text holds one and
  PostgreSQL cannot store it); text is never altered to make it fit.
* A zero-byte file is rejected as a file (one quarantine row, line 0); a CSV with only its
  header is an empty export.
* Unknown extra fields are ignored; missing required fields, wrong types and values out
  of range send the row to quarantine with a reason.
* A primary key seen twice in one partition day keeps its latest copy (later file, then
  line); the earlier copy is quarantined with a reason naming the winner. Copies in
  different days all load; staging keeps the latest export.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Annotated, ClassVar, Literal, Optional, get_args, get_origin
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from include.config import ambiguous_time_policy, business_timezone, timestamp_bounds


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


#: ISO 8601 extended format: date, "T" or one space, hh:mm[:ss[.fraction]], optional Z or +hh:mm.
_ISO_TIMESTAMP = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
)
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
TIMESTAMP_FORMATS = ("2024-11-11T10:30:00+08:00", "2024-11-11 10:30:00", "2024-11-11T02:30:00Z",
                     "2024-11-11 10:30")


def _parse_timestamp(value: object) -> object:
    """Accept only ISO 8601 extended timestamps (or datetime objects, e.g. from Parquet).

    Numbers (epoch seconds, Excel serials, 20241111) and other layouts (2024/11/11) are
    refused instead of being guessed: a guess is how 1970 and 2611 dates reach the
    warehouse.
    """
    if isinstance(value, datetime):
        return value
    if isinstance(value, bool) or isinstance(value, (int, float)):
        raise ValueError(f"a number is not a timestamp; give ISO 8601 text such as {TIMESTAMP_FORMATS[0]}")
    if isinstance(value, str):
        text = value.strip()
        if _ISO_TIMESTAMP.match(text):
            if text[-1] in "Zz":
                text = text[:-1] + "+00:00"
            return datetime.fromisoformat(text)
        raise ValueError(
            f"not an accepted timestamp; use ISO 8601 ({', '.join(TIMESTAMP_FORMATS)})"
        )
    raise ValueError(f"not a timestamp (got {type(value).__name__})")


def _parse_date(value: object) -> object:
    """Accept only YYYY-MM-DD (or a date object); see ``_parse_timestamp``."""
    if isinstance(value, datetime):  # Parquet writers (pandas) store dates as midnight timestamps
        if value.tzinfo is None and value.time() == datetime.min.time():
            return value.date()
        raise ValueError("a timestamp is not a date; give YYYY-MM-DD")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        return date.fromisoformat(value.strip())
    raise ValueError("not an accepted date; use YYYY-MM-DD (ISO 8601)")


def _local_to_utc(value: datetime, zone_name: str) -> datetime:
    """Resolve a naive local time in ``zone_name``; refuse times a DST change made ambiguous or skipped."""
    zone = _zone(zone_name)
    earlier, later = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier.astimezone(UTC)
    # Around a DST change the two folds differ: a gap when the wall-clock time never existed
    # (round trip through UTC moves it), an overlap when it happened twice.
    if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
        raise ValueError(f"local time {value:%Y-%m-%d %H:%M:%S} does not exist in {zone_name} "
                         "(skipped by a daylight-saving change); give an offset, e.g. -05:00")
    policy = ambiguous_time_policy()
    if policy == "earlier":
        return earlier.astimezone(UTC)
    if policy == "later":
        return later.astimezone(UTC)
    raise ValueError(f"local time {value:%Y-%m-%d %H:%M:%S} happened twice in {zone_name} "
                     "(a daylight-saving change repeats that hour); give an offset, or set "
                     "EE_AMBIGUOUS_LOCAL_TIME=earlier|later")


def _to_utc_naive(value: datetime) -> datetime:
    low, high = timestamp_bounds()
    try:
        if value.tzinfo is None:
            value = _local_to_utc(value, business_timezone())
        value = value.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # e.g. 0001-01-01 local or 9999-12-31 -05:00: no UTC datetime exists
        raise ValueError(f"{value.date().isoformat()} is outside the accepted window [{low}, {high}) "
                         "(EE_MIN_DATE, EE_MAX_DATE)") from None
    if not low <= value.date() < high:
        raise ValueError(f"{value:%Y-%m-%d} is outside the accepted window [{low}, {high}) "
                         "(EE_MIN_DATE, EE_MAX_DATE)")
    return value


def _check_date(value: date) -> date:
    low, high = timestamp_bounds()
    if not low <= value < high:
        raise ValueError(f"{value} is outside the accepted window [{low}, {high}) (EE_MIN_DATE, EE_MAX_DATE)")
    return value


#: Largest value a raw BIGINT column holds (larger integers are quarantined, not crash the load).
BIGINT_MAX = 2**63 - 1

#: How far past its partition day an event may be (messages after midnight, time zones).
PARTITION_SLACK = timedelta(days=1)

UtcTimestamp = Annotated[datetime, BeforeValidator(_parse_timestamp), AfterValidator(_to_utc_naive)]
IsoDate = Annotated[date, BeforeValidator(_parse_date), AfterValidator(_check_date)]
def _not_a_bool(value: object) -> object:
    """Refuse JSON ``true``/``false`` (and Parquet booleans) in a numeric field: pydantic would
    read them as 1 and 0, so ``"stars": true`` would load as one star."""
    if isinstance(value, bool):
        raise ValueError("a true/false value is not a number")
    return value


Text = str  # stray BOMs and outer blanks are removed for every field by LandingRecord._strip_fields
Code = Annotated[str, Field(min_length=1, max_length=64)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False), BeforeValidator(_not_a_bool)]


class LandingRecord(BaseModel):
    """Base of every source model. Subclasses set ``primary_key`` and ``description``."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False, frozen=True)

    primary_key: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""
    event_time: ClassVar[str | None] = None  # the column freshness and partitions refer to

    @model_validator(mode="before")
    @classmethod
    def _strip_fields(cls, data: object) -> object:
        """Whitespace is handled the same in every field: stray BOMs (real exports carry them
        inside fields) and outer blanks are removed, and a blank value is a missing one (so a
        required field reports "missing").

        Raises:
            ValueError: a value holds a NUL character (U+0000). No real text holds one (it marks
                a binary or corrupted export), and PostgreSQL, where ``raw`` is mirrored, cannot
                store it; the record is quarantined rather than loaded with its text altered.
        """
        if not isinstance(data, dict):
            return data
        clean = {}
        for key, value in data.items():
            if isinstance(value, str):
                if "\x00" in value:
                    raise ValueError(f"field '{key}' holds a NUL character (U+0000, a zero byte): the export "
                                     "is binary or corrupted there; text fields cannot store it")
                value = value.replace("\ufeff", "").strip()
                if not value:
                    continue
            clean[key] = value
        return clean

    @model_validator(mode="after")
    def _event_in_partition(self, info: ValidationInfo) -> LandingRecord:
        """With ``context={"partition_day": date}`` (what the loader passes), the event time
        may not be later than the end of that business day plus ``PARTITION_SLACK``: an export
        of day D cannot hold events from days later (a unit or format mix-up, e.g. 2611)."""
        day = (info.context or {}).get("partition_day") if info is not None else None
        if day is None or self.event_time is None:
            return self
        value = getattr(self, self.event_time)
        if isinstance(value, datetime):
            zone = _zone(business_timezone())
            end = datetime.combine(day + PARTITION_SLACK + timedelta(days=1), datetime.min.time(), zone)
            if value > end.astimezone(UTC).replace(tzinfo=None):
                raise ValueError(f"{self.event_time} {value:%Y-%m-%d %H:%M} UTC is after the end of partition "
                                 f"dt={day} (+{PARTITION_SLACK.days} day); the file is in the wrong day "
                                 "folder or the value is wrong")
        return self


class CustomerAccount(LandingRecord):
    """A platform account. ``phone_hash`` (keyed HMAC-SHA256 hex of the normalised phone number,
    :mod:`include.privacy.keys`; the key is ``EE_PII_HASH_KEY``) is the key the warehouse uses
    to resolve one customer across platforms."""

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
    launched_on: IsoDate
    list_price: Amount
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
    quantity: Annotated[int, Field(ge=1, le=BIGINT_MAX), BeforeValidator(_not_a_bool)]
    unit_price: Amount
    amount: Amount
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
    amount: Amount
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
    satisfaction_score: Optional[Annotated[int, Field(ge=1, le=5), BeforeValidator(_not_a_bool)]] = None
    started_at: UtcTimestamp
    ended_at: UtcTimestamp


class CsMessage(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("message_id",)
    description: ClassVar[str] = "Messages inside customer-service sessions (one row per message)."
    event_time: ClassVar[str | None] = "sent_at"

    message_id: Code
    session_id: Code
    sender_role: Literal["customer", "bot", "agent"]
    text: Annotated[str, Field(min_length=1)]
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
    stars: Annotated[int, Field(ge=1, le=5), BeforeValidator(_not_a_bool)]
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
    score: Annotated[int, Field(ge=0, le=10), BeforeValidator(_not_a_bool)]
    verbatim: Optional[Text] = None
    submitted_at: UtcTimestamp


class SocialMention(LandingRecord):
    primary_key: ClassVar[tuple[str, ...]] = ("mention_id",)
    description: ClassVar[str] = "Public social-media mentions of the brand (one row per post)."
    event_time: ClassVar[str | None] = "posted_at"

    mention_id: Code
    site: Code
    author_handle: Code
    text: Annotated[str, Field(min_length=1)]
    reach: Annotated[int, Field(ge=0, le=BIGINT_MAX), BeforeValidator(_not_a_bool)]
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
              "Timestamps: ISO 8601 extended text; offset-less values are local time in `EE_TIMEZONE` "
              "(DST gaps and repeats quarantined); stored as UTC. Encoding: UTF-8 (BOM removed); "
              "legacy encodings detected per file and decoded or quarantined; undecodable bytes "
              "quarantine only their record. Numbers: ASCII digits only (full-width `５` and JSON "
              "`true` are not numbers). A NUL character quarantines its record; a whitespace-only value "
              "is missing; a zero-byte file is rejected. Bad rows go to `raw._quarantine` with a reason "
              "(rules in `include/landing/contract.py`, hostile input in `docs/ingestion.md`).", ""]
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
