"""HTTP API pull connector with pagination and an incremental cursor on update time.

The API it speaks (a common shape for partner/platform open APIs)::

    GET {base_url}/{source}?updated_since=<cursor>&limit=<n>[&page_token=<token>]
    Authorization: Bearer <token>            (when a token is configured)
    -> 200 {"data": [<record>, ...], "next_page_token": "<token>" | null}

Records follow the landing contract of ``source`` and carry the time the API last changed
them in ``cursor_field`` (default ``updated_at``; an ISO 8601 timestamp). The cursor is
the latest update time seen so far -- never the creation/event time, which would re-fetch
every edited record forever and miss changes whose event time lies ahead of the update --
and is kept in a small JSON state file; the next pull asks only for records updated
strictly after it. A record without a readable update time stops the pull with a
``ConnectorError`` before anything is landed.

Each pull lands its records with ``landing_writer.write_partitions`` in keyed mode: one
file per connector and business day (the day of the source's event time), holding the
latest version of each record, so an edit replaces the old version and a repeated pull
changes nothing. The file loader then loads them like any export. ``pull(commit=False)``
plus ``commit_cursor`` let a caller advance the cursor only after the landed days are
loaded (the ``pull_http_api`` DAG does), so a failed load is re-pulled next time.

Transient failures (connection errors, HTTP 429 and 5xx) are retried by tenacity with exponential backoff a
bounded number of times; anything else raises ``ConnectorError`` with the URL and status.
``from_connection`` builds a connector from an Airflow connection (see its docstring).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from include.config import settings
from include.ingestion.connectors.landing_writer import instant, write_partitions
from include.landing.contract import SOURCES

log = logging.getLogger(__name__)


def _is_transient(exc: BaseException) -> bool:
    """Connection errors, timeouts, HTTP 429 and 5xx are worth retrying; other errors are not."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code == 429 or exc.code >= 500
    return isinstance(exc, (urllib.error.URLError, TimeoutError, ConnectionError))


class ConnectorError(RuntimeError):
    """The API answered in a way the connector cannot use."""


@dataclass
class PullResult:
    """What one pull fetched: cursors (ISO strings), page/record counts, files and days landed."""

    source: str
    cursor_before: str | None
    cursor_after: str | None
    pages: int = 0
    records: int = 0
    files: list[str] = field(default_factory=list)
    days: list[str] = field(default_factory=list)  # YYYY-MM-DD partitions written, sorted
    committed: bool = False


@dataclass
class HttpApiConnector:
    base_url: str
    token: str | None = None
    page_size: int = 500
    timeout: float = 30.0
    max_retries: int = 4
    backoff_seconds: float = 0.5
    max_pages: int = 10_000
    state_dir: Path | None = None
    landing_dir: Path | None = None
    cursor_field: str = "updated_at"

    @property
    def host(self) -> str:
        """``host_port`` of the API: names the cursor state and the landed files."""
        return urllib.parse.urlparse(self.base_url).netloc.replace(":", "_") or "api"

    def _state_path(self, source: str) -> Path:
        folder = self.state_dir or settings().data_dir / "connector_state"
        return Path(folder) / f"{self.host}__{source}.json"

    def cursor(self, source: str) -> str | None:
        path = self._state_path(source)
        return json.loads(path.read_text())["cursor"] if path.exists() else None

    def _save_cursor(self, source: str, cursor: str | None) -> None:
        path = self._state_path(source)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"cursor": cursor}))
        tmp.replace(path)

    def _get(self, url: str) -> dict:
        """GET one page as JSON; transient failures (connection errors, timeouts, HTTP 429 and
        5xx) are retried by tenacity with exponential backoff, ``max_retries`` times.

        Raises:
            ConnectorError: a permanent HTTP error, retries exhausted, or a body that is not JSON.
        """
        from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

        headers = {"Accept": "application/json", "User-Agent": "experience-engine/0.1"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"

        def fetch() -> dict:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=self.timeout) as resp:
                return json.loads(resp.read().decode("utf-8"))

        retrying = Retrying(
            retry=retry_if_exception(_is_transient),
            stop=stop_after_attempt(self.max_retries + 1),
            wait=wait_exponential(multiplier=self.backoff_seconds, max=60),
            before_sleep=lambda state: log.warning("GET %s failed (attempt %d: %s); retrying", url,
                                                   state.attempt_number, state.outcome.exception()),
            reraise=True,
        )
        try:
            return retrying(fetch)
        except urllib.error.HTTPError as exc:
            raise ConnectorError(f"GET {url} failed with HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise ConnectorError(f"GET {url} failed: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise ConnectorError(f"GET {url} did not return JSON: {exc}") from exc
        except RetryError as exc:  # only without reraise; kept for clarity
            raise ConnectorError(f"GET {url} failed after {self.max_retries + 1} attempts") from exc

    def _cursor_value(self, record: object, source: str, page: int, timezone: str) -> str:
        value = record.get(self.cursor_field) if isinstance(record, dict) else None
        try:
            instant(value, timezone)
        except ValueError:
            ident = {k: record.get(k) for k in SOURCES[source].primary_key} if isinstance(record, dict) else record
            raise ConnectorError(
                f"{source}: record {ident!r} on page {page} has no readable update time in "
                f"'{self.cursor_field}' (got {value!r}); the incremental cursor needs it. Nothing was landed "
                f"and the cursor did not move; fix the API or set cursor_field to its update-time field"
            ) from None
        return value  # type: ignore[return-value]

    def pull(self, source: str, *, commit: bool = True) -> PullResult:
        """Fetch every record updated after the saved cursor, land it, then (by default) advance the cursor.

        Args:
            source: a landing-contract source name (e.g. ``"orders"``).
            commit: save the new cursor now; pass ``False`` and call :meth:`commit_cursor`
                once the landed days are loaded, so a failed load is pulled again.

        Returns:
            A :class:`PullResult`; ``days`` lists the partitions written (``YYYY-MM-DD``).

        Raises:
            ValueError: unknown source.
            ConnectorError: HTTP failure after retries, a page without a ``data`` list,
                too many pages, or a record without a readable update time.
        """
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; known sources: {', '.join(SOURCES)}")
        model = SOURCES[source]
        cfg = settings()
        before = self.cursor(source)
        result = PullResult(source, before, before)
        records: list[dict] = []
        stamps: list[str] = []
        token = None
        while True:
            query = {"limit": self.page_size}
            if before:
                query["updated_since"] = before
            if token:
                query["page_token"] = token
            page = self._get(f"{self.base_url.rstrip('/')}/{source}?{urllib.parse.urlencode(query)}")
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                raise ConnectorError(f"{source}: page {result.pages + 1} has no 'data' list")
            result.pages += 1
            stamps += [self._cursor_value(record, source, result.pages, cfg.timezone) for record in page["data"]]
            records.extend(page["data"])
            token = page.get("next_page_token")
            if not token:
                break
            if result.pages >= self.max_pages:
                raise ConnectorError(f"{source}: more than {self.max_pages} pages; raise max_pages or narrow the cursor")
        landing = Path(self.landing_dir or cfg.landing_dir)
        written = write_partitions(records, source=source, event_time=model.event_time, landing_dir=landing,
                                   timezone=cfg.timezone, prefix=f"api-{self.host}",
                                   primary_key=model.primary_key, version_field=self.cursor_field)
        result.files = [str(p) for p in written]
        result.days = sorted({p.parent.name.removeprefix("dt=") for p in written})
        result.records = len(records)
        if stamps:  # compare as instants, not strings: exports mix offsets
            result.cursor_after = max([before, *stamps] if before else stamps,
                                      key=lambda s: instant(s, cfg.timezone))
        if commit:
            self.commit_cursor(result)  # only after the files are safely written
        log.info("%s: %d records in %d pages, days %s; cursor %s -> %s%s", source, result.records, result.pages,
                 ", ".join(result.days) or "-", before, result.cursor_after, "" if commit else " (not yet saved)")
        return result

    def commit_cursor(self, result: PullResult) -> None:
        """Save ``result.cursor_after`` as the source's cursor; it never moves backwards."""
        current = self.cursor(result.source)
        after = result.cursor_after
        if after is not None and current is not None:
            tz = settings().timezone
            after = max(current, after, key=lambda s: instant(s, tz))
        if after is not None and after != current:
            self._save_cursor(result.source, after)
        result.committed = True


def from_connection(conn: Any, *, state_dir: Path | None = None,
                    landing_dir: Path | None = None) -> tuple[HttpApiConnector, list[str]]:
    """Build a connector and its source list from an Airflow connection (or anything shaped like one).

    Fields read (conn type ``http``):

    * ``host``: the API host (``api.example.com``), or a whole base URL
      (``https://api.example.com/v1``); ``schema``: ``http`` or ``https`` (default ``https``)
      when ``host`` has none; ``port``: optional.
    * ``password``: the bearer token (optional).
    * ``extra`` (JSON): ``sources`` (required: list of landing-contract sources to pull),
      ``path`` (appended to the base URL, e.g. ``/v1``), ``page_size``, ``timeout``,
      ``max_retries``, ``cursor_field`` (default ``updated_at``).

    Raises:
        ValueError: no host, no or unknown ``sources``, or an ``extra`` that is not a JSON object.
    """
    extra = getattr(conn, "extra_dejson", None)
    if extra is None:
        raw = getattr(conn, "extra", None) or "{}"
        extra = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(extra, Mapping):
        raise ValueError(f"connection extra must be a JSON object, got {extra!r}")
    conn_id = getattr(conn, "conn_id", None) or "the connection"
    host = (getattr(conn, "host", None) or "").strip()
    if not host:
        raise ValueError(f"{conn_id}: set host to the API host or base URL (e.g. https://api.example.com/v1)")
    port = getattr(conn, "port", None)
    if "://" in host:
        base = host.rstrip("/")
        parsed = urllib.parse.urlparse(base)
        if port and not parsed.port:
            base = parsed._replace(netloc=f"{parsed.netloc}:{port}").geturl()
    else:
        scheme = (getattr(conn, "schema", None) or "https").strip().lower()
        if scheme not in ("http", "https"):
            raise ValueError(f"{conn_id}: schema must be 'http' or 'https' (the URL scheme), got {scheme!r}")
        base = f"{scheme}://{host}" + (f":{port}" if port else "")
    base += "/" + str(extra.get("path", "")).strip("/") if extra.get("path") else ""
    sources = extra.get("sources")
    if isinstance(sources, str):
        sources = [s.strip() for s in sources.split(",") if s.strip()]
    if not sources or not isinstance(sources, list):
        raise ValueError(f"{conn_id}: extra 'sources' must list the sources to pull, e.g. [\"orders\"]")
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise ValueError(f"{conn_id}: unknown source(s) {', '.join(map(str, unknown))}; known: {', '.join(SOURCES)}")
    options = {name: kind(extra[name]) for name, kind in
               (("page_size", int), ("timeout", float), ("max_retries", int), ("cursor_field", str))
               if extra.get(name) is not None}
    connector = HttpApiConnector(base, token=getattr(conn, "password", None) or None, state_dir=state_dir,
                                 landing_dir=landing_dir, **options)
    return connector, list(sources)
