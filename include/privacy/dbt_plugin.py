"""dbt-duckdb plugin: every dbt process refreshes ``restricted.text_redactions`` first.

Declared in ``dbt_project/profiles.yml`` (``plugins: - module: include.privacy.dbt_plugin``).
dbt-duckdb calls :meth:`Plugin.configure_connection` once, on the connection it opens before
any model runs, so the build, the cosmos tasks of the build_warehouse DAG, ``xe build``,
the tests and the evaluation scratch warehouses all read redactions of every raw voice text
by the current redactor - none can build ``int_interactions_unioned`` on stale or missing
ones. The refresh is incremental: when an earlier step (``xe build``) has run, it only
checks and finds nothing to do. The build_warehouse DAG's cosmos tasks skip it
(``EE_REDACTIONS_REFRESHED=1``, set by :func:`include.warehouse.cosmos_config.project_config`):
its ``redact_voice_texts`` task refreshed the table once before the task group.
"""

from __future__ import annotations

import logging
import os

from dbt.adapters.duckdb.plugins import BasePlugin

log = logging.getLogger(__name__)


class Plugin(BasePlugin):
    """Runs :func:`include.privacy.warehouse.refresh_duckdb_connection` on dbt's connection."""

    def configure_connection(self, conn) -> None:
        if os.environ.get("EE_REDACTIONS_REFRESHED") == "1":
            return
        from include.privacy.warehouse import refresh_duckdb_connection

        result = refresh_duckdb_connection(conn)
        log.info(result.summary())
