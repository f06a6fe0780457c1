"""HTTP API pull connector with pagination and an incremental cursor.

The API it speaks (a common shape for partner/platform open APIs)::

    GET {base_url}/{source}?updated_since=<cursor>&limit=<n>[&page_token=<token>]
    Authorization: Bearer <token>            (when a token is configured)
    -> 200 {"data": [<record>, ...], "next_page_token": "<token>" | null}

Records follow the landing contract of ``source``. The cursor is the largest value of
the source's event-time field seen so far, kept in a small JSON state file; the next pull
asks only for records strictly after it. Each pull lands its records with
``landing_writer.write_partitions``; the file loader then loads them like any export.
Transient failures (connection errors, HTTP 429 and 5xx) are retried with backoff a
bounded number of times; anything else raises ``ConnectorError`` with the URL and status.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from include.config import settings
from include.ingestion.connectors.landing_writer import write_partitions
from include.landing.contract import SOURCES

log = logging.getLogger(__name__)


def _instant(value: str, timezone: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(timezone))


class ConnectorError(RuntimeError):
    """The API answered in a way the connector cannot use."""


@dataclass
class PullResult:
    source: str
    cursor_before: str | None
    cursor_after: str | None
    pages: int = 0
    records: int = 0
    files: list[str] = field(default_factory=list)


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

    def _state_path(self, source: str) -> Path:
        folder = self.state_dir or settings().data_dir / "connector_state"
        host = urllib.parse.urlparse(self.base_url).netloc.replace(":", "_") or "api"
        return Path(folder) / f"{host}__{source}.json"

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
        headers = {"Accept": "application/json", "User-Agent": "experience-engine/0.1"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        for attempt in range(self.max_retries + 1):
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=self.timeout) as resp:
                    return json.loads(resp.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                transient = exc.code == 429 or exc.code >= 500
                if not transient or attempt == self.max_retries:
                    raise ConnectorError(f"GET {url} failed with HTTP {exc.code} {exc.reason}") from exc
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt == self.max_retries:
                    raise ConnectorError(f"GET {url} failed: {exc}") from exc
            except json.JSONDecodeError as exc:
                raise ConnectorError(f"GET {url} did not return JSON: {exc}") from exc
            delay = self.backoff_seconds * 2**attempt
            log.warning("GET %s failed (attempt %d); retrying in %.1fs", url, attempt + 1, delay)
            time.sleep(delay)
        raise AssertionError("unreachable")

    def pull(self, source: str) -> PullResult:
        """Fetch every record after the saved cursor, land it, then advance the cursor."""
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; known sources: {', '.join(SOURCES)}")
        event_time = SOURCES[source].event_time
        before = self.cursor(source)
        result = PullResult(source, before, before)
        records: list[dict] = []
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
            records.extend(page["data"])
            result.pages += 1
            token = page.get("next_page_token")
            if not token:
                break
            if result.pages >= self.max_pages:
                raise ConnectorError(f"{source}: more than {self.max_pages} pages; raise max_pages or narrow the cursor")
        cfg = settings()
        landing = Path(self.landing_dir or cfg.landing_dir)
        result.files = [str(p) for p in write_partitions(records, source=source, event_time=event_time,
                                                         landing_dir=landing, timezone=cfg.timezone)]
        result.records = len(records)
        stamps = [str(r[event_time]) for r in records if r.get(event_time)]
        if stamps:  # compare as instants, not strings: exports mix offsets
            result.cursor_after = max([before, *stamps] if before else stamps,
                                      key=lambda s: _instant(s, cfg.timezone))
        self._save_cursor(source, result.cursor_after)  # only after the files are safely written
        log.info("%s: %d records in %d pages; cursor %s -> %s", source, result.records, result.pages,
                 before, result.cursor_after)
        return result
